//! The fund's accounts (issue 14): its flows read from the ledger in one
//! aggregation, and the monthly reserve runs.
//!
//! The ledger's transactions carry no region or scheme; each is joined to the
//! record it posts by its idempotency key (a bill's `bill:<reference>`, a
//! payment's `pay:<key>`, a one-time payment's own key, a payroll run's
//! `ledger_key`, a reserve run's `ledger_key`), which gives the pooling region
//! (the unit's, or the case's), the scheme and the month. Amounts are the
//! ledger's postings, except a payroll run, whose one transaction is split by
//! its lines (they sum to it: the run is posted in the same database
//! transaction as its lines). A bill or payment reversed in the ledger counts
//! negative in the month of the record it reverses.

use gongshang_rules::Money;
use jiff::Timestamp;
use serde_json::json;

use gongshang_domain::ledger::Transaction;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, post};
use crate::error::StoreError;
use crate::model::Posted;

/// What a flow of the fund is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowKind {
    /// Premiums billed (by the bill's period).
    Billed,
    /// Premiums collected (by the day paid).
    Collected,
    /// Benefits paid out of the fund (by the day paid; the payroll by its month).
    BenefitPaid,
    /// Premiums set aside into the reserve (by the run's month).
    ReserveTransfer,
    /// Appraisal fees paid by the fund (Regulations Art 12; by the day paid).
    AppraisalFee,
    /// Late fees an uninsured unit paid with its back-payment (Regulations
    /// Art 62(1); by the day settled). Income.
    LateFee,
    /// An advance repaid by the unit or the third party (Social Insurance
    /// Law Arts 41-42; by the day received; payer `unit` or `third_party`).
    /// Income.
    Recovered,
}

impl FlowKind {
    fn parse(s: &str) -> Result<FlowKind, StoreError> {
        Ok(match s {
            "billed" => FlowKind::Billed,
            "collected" => FlowKind::Collected,
            "benefit" => FlowKind::BenefitPaid,
            "reserve" => FlowKind::ReserveTransfer,
            "appraisal" => FlowKind::AppraisalFee,
            "late_fee" => FlowKind::LateFee,
            "recovered" => FlowKind::Recovered,
            other => {
                return Err(StoreError::InvalidData {
                    field: "flow",
                    reason: format!("{other:?} is not a flow kind"),
                });
            }
        })
    }
}

/// One aggregated flow: a region, a scheme, a month, a kind, who paid (for
/// premiums: `unit`, `worker`, `platform`, `city`; for benefits and the
/// reserve: `fund`) and, for benefits, the item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundFlow {
    /// GB/T 2260 code of the pooling region; empty when the record has none
    /// (a person's day bill, a case without a region).
    pub region: String,
    pub scheme_id: gongshang_rules::SchemeId,
    /// `YYYY-MM`.
    pub month: String,
    pub kind: FlowKind,
    pub payer: String,
    pub item: String,
    pub amount: Money,
}

/// A reserve run to record: the month's transfer for a region and scheme,
/// and how it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReserveRun {
    pub region: String,
    pub scheme_id: gongshang_rules::SchemeId,
    /// `YYYY-MM`.
    pub month: String,
    pub collected: Money,
    pub reserve_before: Money,
    pub cap: Money,
    pub amount: Money,
    /// The parameters and the arithmetic, as JSON.
    pub basis: serde_json::Value,
}

/// A reserve run as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReserveRunRow {
    pub id: i64,
    pub region: String,
    pub scheme_id: gongshang_rules::SchemeId,
    pub month: String,
    pub collected: Money,
    pub reserve_before: Money,
    pub cap: Money,
    pub amount: Money,
    pub ledger_key: Option<String>,
    pub basis: String,
    /// Recorded by this call (false: the month had been run before).
    pub recorded_now: bool,
}

/// Who paid a work-capacity appraisal's fee.
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppraisalFeePayer {
    /// The fund (Regulations Art 12), posted to the ledger.
    Fund,
    /// The unit (e.g. the applicant of a re-appraisal that confirmed the
    /// conclusion, where a provincial rule says so).
    Unit,
    /// The worker (likewise).
    Worker,
}

impl AppraisalFeePayer {
    pub const ALL: [AppraisalFeePayer; 3] = [
        AppraisalFeePayer::Fund,
        AppraisalFeePayer::Unit,
        AppraisalFeePayer::Worker,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            AppraisalFeePayer::Fund => "fund",
            AppraisalFeePayer::Unit => "unit",
            AppraisalFeePayer::Worker => "worker",
        }
    }

    pub fn parse(text: &str) -> Option<AppraisalFeePayer> {
        AppraisalFeePayer::ALL
            .into_iter()
            .find(|p| p.as_str() == text.trim())
    }
}

/// An appraisal fee to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAppraisalFee {
    pub case_id: i64,
    /// The appraisal: its conclusion's number on the case (1: the first).
    pub conclusion_number: i64,
    pub amount: Money,
    pub payer: AppraisalFeePayer,
    pub paid_on: jiff::civil::Date,
}

/// An appraisal fee as stored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AppraisalFeeRow {
    pub id: i64,
    pub conclusion_number: i64,
    pub amount: Money,
    pub payer: AppraisalFeePayer,
    pub paid_on: jiff::civil::Date,
    /// The ledger transaction (a fee the fund paid).
    pub ledger_key: Option<String>,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    /// Recorded by this call (false: the same fee had been recorded).
    pub recorded_now: bool,
}

/// The fund's accounts. A part of [`crate::Store`].
pub trait FundStore {
    /// Every flow of the fund up to and including `to_month` (`YYYY-MM`),
    /// summed by region, scheme, month, kind, payer and item: one statement.
    /// Read from the monthly summary (`fund_flow_months`), which every
    /// writer of a flow keeps in the same database transaction.
    fn fund_flows(&self, to_month: &str) -> Result<Vec<FundFlow>, StoreError>;

    /// The same flows recomputed from the ledger and the records it posts
    /// (the summary's definition; slow on a large ledger).
    fn fund_flows_from_ledger(&self, to_month: &str) -> Result<Vec<FundFlow>, StoreError>;

    /// Empties the monthly summary and fills it again from the ledger, in
    /// one transaction; answers the number of rows. For a ledger written
    /// around the store (the accounts bench's bulk load) or a repair.
    fn rebuild_fund_summary(&self) -> Result<u64, StoreError>;

    /// Bench only (`gongshang bench accounts`): fills an empty database with
    /// a year of accounts for `units` units of 20 insured and `cases`
    /// periodic benefits (`bench/fund-1m.sql`), set-wise, in one
    /// transaction, around the posting paths (so the summary is not kept:
    /// [`FundStore::rebuild_fund_summary`] after it). A database that has
    /// bills already is refused.
    fn fill_accounts_bench(&self, units: u32, cases: u32) -> Result<(), StoreError>;

    /// Records a month's reserve run with its ledger transaction (none when
    /// the amount is zero) and the audit row, in one transaction. A month
    /// already run for the region and scheme is answered with the stored row
    /// (`recorded_now` false) and nothing is written.
    fn record_reserve_run(
        &self,
        run: &NewReserveRun,
        tx: Option<&Transaction>,
        actor: &str,
        at: Timestamp,
    ) -> Result<ReserveRunRow, StoreError>;

    /// The reserve runs of a month, by region and scheme.
    fn reserve_runs(&self, month: &str) -> Result<Vec<ReserveRunRow>, StoreError>;

    /// Records an appraisal's fee, with its ledger transaction when the fund
    /// paid it (none otherwise), the summary's increment and the audit row,
    /// in one transaction. The same fee again answers the stored row
    /// (`recorded_now` false); another fee for the same appraisal is a
    /// `conflict`.
    fn record_appraisal_fee(
        &self,
        fee: &NewAppraisalFee,
        tx: Option<&Transaction>,
        actor: &str,
        at: Timestamp,
    ) -> Result<AppraisalFeeRow, StoreError>;

    /// The appraisal fees of a case, by appraisal.
    fn appraisal_fees_of_case(&self, case_id: i64) -> Result<Vec<AppraisalFeeRow>, StoreError>;

    /// Every enrolment running on `on` (`YYYY-MM-DD`), with what a projection
    /// reads of it: the unit's region and industry class, the person's birth
    /// date and the wage of the latest declaration up to `on`'s month.
    fn insured_on(&self, on: &str) -> Result<Vec<InsuredRow>, StoreError>;

    /// Every periodic benefit the fund pays (disability allowance, living
    /// care, survivors' pensions) running in `month` (`YYYY-MM`), with what
    /// a projection reads of it: the case's region and scheme, the amount in
    /// force in the month, the beneficiary's resident id (the worker's from
    /// the case, a survivor's as recorded), a dependant's age exception and
    /// whether a sentence pauses it in the month. One statement.
    fn benefits_in_payment(&self, month: &str) -> Result<Vec<InPaymentRow>, StoreError>;

    /// The claim experience of the accident days `[from, to)` (`YYYY-MM-DD`;
    /// issue 14): the enrolments of units overlapping the window, grouped by
    /// the unit's industry class and their first and last day, and the cases
    /// of units whose accident day is in it, with the grade of the latest
    /// appraisal conclusion and whether an approved award pays the one-time
    /// death benefit. Two statements.
    fn claim_experience(&self, from: &str, to: &str) -> Result<ClaimExperience, StoreError>;

    /// Every case whose accident day is in `[from, to)` (`YYYY-MM-DD`), with
    /// or without a unit, as its scheme, accident day and the moment it was
    /// filed (the IBNR triangle of issue 14). One statement.
    fn reported_cases(&self, from: &str, to: &str) -> Result<Vec<ReportedCaseRow>, StoreError>;

    /// Every platform's months in the platform pilot up to and including
    /// `to_month`: premiums billed and collected, benefits paid on its cases
    /// (issue 12, the payout ratio). One statement.
    fn platform_payouts(&self, to_month: &str) -> Result<Vec<PlatformPayoutMonth>, StoreError>;
}

/// An enrolment running on a day, as the fund's projection reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsuredRow {
    pub scheme_id: gongshang_rules::SchemeId,
    /// The unit's pooling region (none: an enrolment without a unit).
    pub region: Option<String>,
    /// The unit's industry class, 1 to 8 (none without a unit).
    pub industry_class: Option<i64>,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// The latest declared wage up to the day's month (none: never declared).
    pub declared_wage: Option<Money>,
}

/// A periodic benefit in payment in a month, as the fund's projection reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InPaymentRow {
    pub benefit_id: i64,
    pub scheme_id: gongshang_rules::SchemeId,
    /// The case's pooling region (none: a case without one).
    pub region: Option<String>,
    pub item: gongshang_rules::Item,
    /// `worker`, `spouse`, `dependant-N`.
    pub beneficiary: String,
    /// The amount a month in force in the month.
    pub monthly: Money,
    /// The last month to be paid, when already known (a dependant turning 18).
    pub end_month: Option<String>,
    pub suspended: bool,
    /// The beneficiary's resident id (none: a survivor's not recorded).
    pub resident_id: Option<String>,
    /// `study` or `disability` (a dependant paid past 18).
    pub age_exception: Option<String>,
    /// Paused in the month for the survivor's sentence (Order No. 18 Art 5).
    pub paused: bool,
}

/// A case as the IBNR estimate reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedCaseRow {
    pub scheme_id: gongshang_rules::SchemeId,
    pub accident_date: jiff::civil::Date,
    /// When the case was filed (opened).
    pub opened_at: Timestamp,
}

/// Enrolments of one scheme and industry class with the same first and
/// last day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolledSpan {
    pub scheme_id: gongshang_rules::SchemeId,
    pub industry_class: i64,
    pub start: jiff::civil::Date,
    /// The last day enrolled (none: still running).
    pub end: Option<jiff::civil::Date>,
    pub count: i64,
}

/// A case of a unit, with what it ended in so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimOutcomeRow {
    pub scheme_id: gongshang_rules::SchemeId,
    pub industry_class: i64,
    /// The latest appraisal conclusion's grade (none: no grade reached or no
    /// conclusion yet).
    pub grade: Option<i64>,
    /// An approved award pays the one-time death benefit.
    pub death: bool,
}

/// See [`FundStore::claim_experience`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimExperience {
    pub enrolled: Vec<EnrolledSpan>,
    pub claims: Vec<ClaimOutcomeRow>,
}

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

/// The premium's payer of a bill's posting, in SQL: the fiscal share is the
/// city's; otherwise an order bill is the platform's, a day bill or a bill
/// with no unit the worker's, and a monthly bill the unit's.
const PAYER_OF_BILL: &str = "CASE WHEN p.account IN ('subsidy_income', 'subsidy_receivable') THEN 'city' \
     WHEN b.kind = 'orders' THEN 'platform' \
     WHEN b.kind = 'daily' OR b.unit_id IS NULL THEN 'worker' ELSE 'unit' END";

/// Which records a branch of the flows' statement reads: all of them up to a
/// month (the recomputation from the ledger), or the one record of one
/// ledger transaction (the summary's increment).
#[derive(Clone, Copy)]
enum Scope {
    /// `$1` is the last month (`YYYY-MM`).
    UpTo,
    /// `$1` is the record's own key (and for a premium, `$2` the
    /// transaction's key).
    OneTransaction,
}

/// A branch for bills (`billed`) or payments (`collected`), joining the
/// ledger transaction under the record's key (`join` = `idempotency_key`)
/// or its reversal (`join` = `reverses`; its postings are on the other
/// side, so it counts negative).
fn premium_branch(kind: &str, join: &str, scope: Scope) -> String {
    let (from, key, month, accounts, record_key) = if kind == "billed" {
        (
            "bills b",
            "'bill:' || b.reference",
            "SUBSTR(b.period, 1, 7)",
            "'premium_income', 'subsidy_income'",
            "b.reference",
        )
    } else {
        (
            "payments py JOIN bills b ON b.id = py.bill_id",
            "'pay:' || py.idempotency_key",
            "SUBSTR(py.paid_on, 1, 7)",
            "'premium_receivable', 'subsidy_receivable'",
            "py.idempotency_key",
        )
    };
    let filter = match scope {
        Scope::UpTo => format!("{month} <= $1"),
        Scope::OneTransaction => format!("{record_key} = $1 AND lt.idempotency_key = $2"),
    };
    format!(
        // premiums billed: income credited; collected: the receivable credited
        "SELECT COALESCE(u.region, '') AS region, b.scheme_id AS scheme_id, {month} AS month, \
         '{kind}' AS kind, {PAYER_OF_BILL} AS payer, '' AS item, \
         SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) AS fen \
         FROM {from} LEFT JOIN units u ON u.id = b.unit_id \
         JOIN ledger_transactions lt ON lt.{join} = {key} \
         JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account IN ({accounts}) \
         WHERE {filter} GROUP BY 1, 2, 3, 4, 5"
    )
}

/// The branches of the fund's expenditure and the reserve: one-time
/// benefits, payroll runs (split by their lines), reserve runs and appraisal
/// fees paid by the fund, each joined to its ledger transaction by key.
fn expenditure_branches_of_migration_155(scope: Scope) -> Vec<String> {
    let f = |month: &str, record_key: &str| match scope {
        Scope::UpTo => format!("{month} <= $1"),
        Scope::OneTransaction => format!("{record_key} = $1"),
    };
    vec![
        format!(
            "SELECT COALESCE(c.region, '') AS region, c.scheme_id AS scheme_id, SUBSTR(o.paid_on, 1, 7) AS month, \
             'benefit' AS kind, 'fund' AS payer, o.item AS item, \
             SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) AS fen \
             FROM one_time_payments o JOIN cases c ON c.id = o.case_id \
             JOIN ledger_transactions lt ON lt.idempotency_key = o.idempotency_key \
             JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'bank' \
             WHERE {} GROUP BY 1, 2, 3, 4, 5, 6",
            f("SUBSTR(o.paid_on, 1, 7)", "o.idempotency_key")
        ),
        format!(
            "SELECT COALESCE(c.region, ''), c.scheme_id, pl.month, 'benefit', 'fund', pb.item, SUM(pl.amount_fen) \
             FROM payroll_lines pl JOIN payroll_runs r ON r.id = pl.run_id \
             JOIN ledger_transactions lt ON lt.idempotency_key = r.ledger_key \
             JOIN periodic_benefits pb ON pb.id = pl.benefit_id JOIN cases c ON c.id = pb.case_id \
             WHERE {} GROUP BY 1, 2, 3, 4, 5, 6",
            f("pl.month", "r.ledger_key")
        ),
        format!(
            "SELECT rr.region, rr.scheme_id, rr.month, 'reserve', 'fund', '', \
             SUM(CASE WHEN p.side = 'debit' THEN p.amount_fen ELSE -p.amount_fen END) \
             FROM reserve_runs rr JOIN ledger_transactions lt ON lt.idempotency_key = rr.ledger_key \
             JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'reserve' \
             WHERE {} GROUP BY 1, 2, 3, 4, 5, 6",
            f("rr.month", "rr.ledger_key")
        ),
        format!(
            "SELECT COALESCE(c.region, ''), c.scheme_id, SUBSTR(af.paid_on, 1, 7), 'appraisal', 'fund', '', \
             SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) \
             FROM appraisal_fees af JOIN cases c ON c.id = af.case_id \
             JOIN ledger_transactions lt ON lt.idempotency_key = af.ledger_key \
             JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'bank' \
             WHERE {} GROUP BY 1, 2, 3, 4, 5, 6",
            f("SUBSTR(af.paid_on, 1, 7)", "af.ledger_key")
        ),
    ]
}

/// The summary's columns, in the order every branch gives them.
const FLOW_COLUMNS: &str = "region, scheme_id, month, kind, payer, item";

/// The expenditure records the flows read: those of migration 155 (whose
/// backfill is frozen with them) and the ones added since: the medical,
/// rehabilitation and device bills the fund settled (migration 0200), a
/// benefit item of their own, and a corrected conclusion's arrears paid
/// (migration 0195).
fn expenditure_branches(scope: Scope) -> Vec<String> {
    let mut branches = expenditure_branches_of_migration_155(scope);
    let on = match scope {
        Scope::UpTo => "SUBSTR(mb.settled_on, 1, 7) <= $1",
        Scope::OneTransaction => "mb.ledger_key = $1",
    };
    branches.push(format!(
        "SELECT COALESCE(c.region, ''), c.scheme_id, SUBSTR(mb.settled_on, 1, 7), 'benefit', 'fund', 'medical_costs', \
         SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) \
         FROM medical_bills mb JOIN cases c ON c.id = mb.case_id \
         JOIN ledger_transactions lt ON lt.idempotency_key = mb.ledger_key \
         JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'bank' \
         WHERE {on} GROUP BY 1, 2, 3, 4, 5, 6"
    ));
    branches.push(
        // A corrected conclusion's arrears (migration 0195): benefits owed
        // on months already paid, paid at once under their own item.
        format!(
            "SELECT COALESCE(c.region, ''), c.scheme_id, SUBSTR(ap.paid_on, 1, 7), 'benefit', 'fund', 'revision_arrears', \
             SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) \
             FROM revision_arrears_payments ap JOIN appraisal_revisions ar ON ar.id = ap.revision_id \
             JOIN cases c ON c.id = ar.case_id \
             JOIN ledger_transactions lt ON lt.idempotency_key = ap.ledger_key \
             JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'bank' \
             WHERE {} GROUP BY 1, 2, 3, 4, 5, 6",
            match scope {
                Scope::UpTo => "SUBSTR(ap.paid_on, 1, 7) <= $1",
                Scope::OneTransaction => "ap.ledger_key = $1",
            }
        ),
    );
    branches.push(
        // The fund's advance paid out (Social Insurance Law Arts 41-42;
        // migration 0270): a benefit item of its own.
        format!(
            "SELECT COALESCE(c.region, ''), c.scheme_id, SUBSTR(s.on_day, 1, 7), 'benefit', 'fund', 'advance_payment', \
             SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) \
             FROM fund_advance_steps s JOIN fund_advances a ON a.id = s.advance_id \
             JOIN cases c ON c.id = a.case_id \
             JOIN ledger_transactions lt ON lt.idempotency_key = s.ledger_key \
             JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'bank' \
             WHERE s.kind = 'paid' AND {} GROUP BY 1, 2, 3, 4, 5, 6",
            match scope {
                Scope::UpTo => "SUBSTR(s.on_day, 1, 7) <= $1",
                Scope::OneTransaction => "s.ledger_key = $1",
            }
        ),
    );
    branches.push(
        // The monthly items the payroll advanced (Order No. 15 Art 8 with
        // Regulations Art 62(2); migration 0390): the same benefit item as
        // the one-time advance, in the month advanced.
        format!(
            "SELECT COALESCE(c.region, ''), c.scheme_id, m.month, 'benefit', 'fund', 'advance_payment', \
             SUM(m.amount_fen) \
             FROM fund_advance_months m JOIN fund_advances a ON a.id = m.advance_id \
             JOIN cases c ON c.id = a.case_id \
             WHERE {} GROUP BY 1, 2, 3, 4, 5, 6",
            match scope {
                Scope::UpTo => "m.month <= $1",
                Scope::OneTransaction => "m.ledger_key = $1",
            }
        ),
    );
    branches.push(
        // What the unit or the third party repaid of an advance: income.
        format!(
            "SELECT COALESCE(c.region, ''), c.scheme_id, SUBSTR(r.received_on, 1, 7), 'recovered', r.debtor, '', \
             SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) \
             FROM fund_advance_recoveries r JOIN fund_advances a ON a.id = r.advance_id \
             JOIN cases c ON c.id = a.case_id \
             JOIN ledger_transactions lt ON lt.idempotency_key = r.ledger_key \
             JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'advance_recovery_income' \
             WHERE {} GROUP BY 1, 2, 3, 4, 5, 6",
            match scope {
                Scope::UpTo => "SUBSTR(r.received_on, 1, 7) <= $1",
                Scope::OneTransaction => "r.ledger_key = $1",
            }
        ),
    );
    branches.push(
        // An uninsured unit's back-payment (Regulations Art 62(1);
        // migration 0270): the premiums billed (income credited) and
        // collected (the receivable credited) and the late fees, in the
        // month settled.
        format!(
            "SELECT COALESCE(u.region, ''), bp.scheme_id, SUBSTR(bp.settled_on, 1, 7), \
             CASE p.account WHEN 'premium_income' THEN 'billed' WHEN 'premium_receivable' THEN 'collected' ELSE 'late_fee' END, \
             'unit', '', SUM(p.amount_fen) \
             FROM back_payments bp JOIN back_payment_postings bpp ON bpp.back_payment_id = bp.id \
             JOIN units u ON u.id = bp.unit_id \
             JOIN ledger_transactions lt ON lt.idempotency_key = bpp.ledger_key \
             JOIN ledger_postings p ON p.transaction_id = lt.id AND p.side = 'credit' \
             AND p.account IN ('premium_income', 'premium_receivable', 'late_fee_income') \
             WHERE {} GROUP BY 1, 2, 3, 4, 5, 6",
            match scope {
                Scope::UpTo => "SUBSTR(bp.settled_on, 1, 7) <= $1",
                Scope::OneTransaction => "bpp.ledger_key = $1",
            }
        ),
    );
    branches.push(
        // A late fee paid on a bill paid late (Social Insurance Law Art 86;
        // migration 0310): income when collected, in the month paid, as
        // premiums are (the assessment is the ledger's receivable, not a
        // flow).
        format!(
            "SELECT COALESCE(u.region, ''), b.scheme_id, SUBSTR(lp.paid_on, 1, 7), 'late_fee', \
             CASE WHEN b.kind = 'orders' THEN 'platform' ELSE 'unit' END, '', \
             SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) \
             FROM late_fee_payments lp JOIN bills b ON b.id = lp.bill_id \
             LEFT JOIN units u ON u.id = b.unit_id \
             JOIN ledger_transactions lt ON lt.idempotency_key = lp.ledger_key \
             JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'late_fee_receivable' \
             WHERE {} GROUP BY 1, 2, 3, 4, 5, 6",
            match scope {
                Scope::UpTo => "SUBSTR(lp.paid_on, 1, 7) <= $1",
                Scope::OneTransaction => "lp.ledger_key = $1",
            }
        ),
    );
    branches
}

/// The flows recomputed from the ledger: every branch over every record up
/// to the month `$1`, summed. The summary (`fund_flow_months`) must always
/// equal this (a test checks it on both backends); migration 155 filled
/// the summary with the branches of its day.
pub(crate) fn flows_from_ledger_sql() -> String {
    flows_sql(expenditure_branches(Scope::UpTo))
}

fn flows_sql(expenditure: Vec<String>) -> String {
    let mut branches = vec![
        premium_branch("billed", "idempotency_key", Scope::UpTo),
        premium_branch("billed", "reverses", Scope::UpTo),
        premium_branch("collected", "idempotency_key", Scope::UpTo),
        premium_branch("collected", "reverses", Scope::UpTo),
    ];
    branches.extend(expenditure);
    format!(
        "SELECT {FLOW_COLUMNS}, CAST(SUM(fen) AS BIGINT) FROM ( {} ) f \
         GROUP BY {FLOW_COLUMNS} ORDER BY {FLOW_COLUMNS}",
        branches.join(" UNION ALL ")
    )
}

/// Adds what one ledger transaction contributes to the fund's flows to the
/// monthly summary, in the caller's database transaction: called by every
/// writer of a record the flows read (a bill, a payment, a one-time payment,
/// a payroll run, a reserve run, an appraisal fee, a reversal posted through
/// [`crate::Store::post`]) once the record and its transaction are both
/// written. A transaction the flows do not read adds nothing.
///
/// The branch is the one of the record the transaction posts (or reverses):
/// a bill's `bill:<reference>`, a payment's `pay:<key>`, else the
/// expenditure and reserve records keyed by the transaction itself. Each
/// reads its record by a unique index, so an increment costs a few index
/// lookups however large the ledger.
pub(crate) fn add_to_fund_summary(db: &mut dyn Db, tx: &Transaction) -> Result<(), StoreError> {
    let key = tx.idempotency_key().as_str();
    let record = tx.reverses().map_or(key, |k| k.as_str());
    let join = if tx.reverses().is_some() {
        "reverses"
    } else {
        "idempotency_key"
    };
    let (branches, params) = if let Some(reference) = record.strip_prefix("bill:") {
        (
            vec![premium_branch("billed", join, Scope::OneTransaction)],
            vec![t(reference), t(key)],
        )
    } else if let Some(payment) = record.strip_prefix("pay:") {
        (
            vec![premium_branch("collected", join, Scope::OneTransaction)],
            vec![t(payment), t(key)],
        )
    } else if tx.reverses().is_none() {
        (expenditure_branches(Scope::OneTransaction), vec![t(key)])
    } else {
        // a reversal of anything else: the flows read no reversal of an
        // expenditure record, so the summary does not either
        return Ok(());
    };
    let sql = format!(
        "INSERT INTO fund_flow_months ({FLOW_COLUMNS}, amount_fen) \
         SELECT {FLOW_COLUMNS}, CAST(SUM(fen) AS BIGINT) FROM ( {} ) f WHERE true \
         GROUP BY {FLOW_COLUMNS} ORDER BY {FLOW_COLUMNS} \
         ON CONFLICT ({FLOW_COLUMNS}) DO UPDATE SET amount_fen = fund_flow_months.amount_fen + excluded.amount_fen",
        branches.join(" UNION ALL ")
    );
    db.exec("adding to the fund's monthly summary", &sql, &params)?;
    Ok(())
}

fn flow_rows(rows: &[crate::db::Row]) -> Result<Vec<FundFlow>, StoreError> {
    rows.iter()
        .map(|r| {
            let c = Cols::new(r);
            Ok(FundFlow {
                region: c.text(0)?.to_owned(),
                scheme_id: c.scheme_id(1)?,
                month: c.text(2)?.to_owned(),
                kind: FlowKind::parse(c.text(3)?)?,
                payer: c.text(4)?.to_owned(),
                item: c.text(5)?.to_owned(),
                amount: Money::from_fen(c.int(6)?),
            })
        })
        .filter(|f| f.as_ref().map_or(true, |f| f.amount != Money::ZERO))
        .collect()
}

fn reserve_row(r: &[Value], recorded_now: bool) -> Result<ReserveRunRow, StoreError> {
    let c = Cols::new(r);
    Ok(ReserveRunRow {
        id: c.int(0)?,
        region: c.text(1)?.to_owned(),
        scheme_id: c.scheme_id(2)?,
        month: c.text(3)?.to_owned(),
        collected: Money::from_fen(c.int(4)?),
        reserve_before: Money::from_fen(c.int(5)?),
        cap: Money::from_fen(c.int(6)?),
        amount: Money::from_fen(c.int(7)?),
        ledger_key: c.opt_text(8)?.map(str::to_owned),
        basis: c.text(9)?.to_owned(),
        recorded_now,
    })
}

const FEE_COLUMNS: &str =
    "id, conclusion_number, amount_fen, payer, paid_on, ledger_key, recorded_by, recorded_at";

fn fee_row(r: &[Value], recorded_now: bool) -> Result<AppraisalFeeRow, StoreError> {
    let c = Cols::new(r);
    Ok(AppraisalFeeRow {
        id: c.int(0)?,
        conclusion_number: c.int(1)?,
        amount: Money::from_fen(c.int(2)?),
        payer: AppraisalFeePayer::parse(c.text(3)?).ok_or_else(|| StoreError::InvalidData {
            field: "payer",
            reason: format!(
                "{:?} is not a payer of an appraisal fee",
                c.text(3).unwrap_or("")
            ),
        })?,
        paid_on: c.parsed(4, "paid_on", crate::engine::parse_date)?,
        ledger_key: c.opt_text(5)?.map(str::to_owned),
        recorded_by: c.text(6)?.to_owned(),
        recorded_at: c.parsed(7, "recorded_at", crate::engine::parse_timestamp)?,
        recorded_now,
    })
}

const RESERVE_COLUMNS: &str = "id, region, scheme_id, month, collected_fen, reserve_before_fen, cap_fen, amount_fen, ledger_key, basis";

fn stored_run(
    db: &mut dyn Db,
    region: &str,
    scheme_id: &gongshang_rules::SchemeId,
    month: &str,
) -> Result<Option<ReserveRunRow>, StoreError> {
    db.opt_row(
        "reading a reserve run",
        &format!(
            "SELECT {RESERVE_COLUMNS} FROM reserve_runs WHERE region = $1 AND scheme_id = $2 AND month = $3"
        ),
        &[t(region), t(scheme_id), t(month)],
    )?
    .map(|r| reserve_row(&r, false))
    .transpose()
}

impl<B: Backend> FundStore for SqlStore<B> {
    fn platform_payouts(&self, to_month: &str) -> Result<Vec<PlatformPayoutMonth>, StoreError> {
        self.backend.read(|db| platform_payouts(db, to_month))
    }

    fn fund_flows(&self, to_month: &str) -> Result<Vec<FundFlow>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading the fund's monthly summary",
                &format!(
                    "SELECT {FLOW_COLUMNS}, amount_fen FROM fund_flow_months \
                     WHERE month <= $1 AND amount_fen <> 0 ORDER BY {FLOW_COLUMNS}"
                ),
                &[t(to_month)],
            )?;
            flow_rows(&rows)
        })
    }

    fn fund_flows_from_ledger(&self, to_month: &str) -> Result<Vec<FundFlow>, StoreError> {
        let sql = flows_from_ledger_sql();
        self.backend.read(|db| {
            let rows = db.rows(
                "summing the fund's flows from the ledger",
                &sql,
                &[t(to_month)],
            )?;
            flow_rows(&rows)
        })
    }

    fn rebuild_fund_summary(&self) -> Result<u64, StoreError> {
        let sql = format!(
            "INSERT INTO fund_flow_months ({FLOW_COLUMNS}, amount_fen) {}",
            flows_from_ledger_sql()
        );
        self.backend.transaction(|db| {
            db.exec(
                "emptying the fund's monthly summary",
                "DELETE FROM fund_flow_months",
                &[],
            )?;
            db.exec(
                "rebuilding the fund's monthly summary",
                &sql,
                &[t("9999-12")],
            )
        })
    }

    fn fill_accounts_bench(&self, units: u32, cases: u32) -> Result<(), StoreError> {
        let script = include_str!("../bench/fund-1m.sql")
            .replace("{units}", &units.to_string())
            .replace("{cases}", &cases.to_string());
        self.backend.transaction(|db| {
            let bills = db.one_row(
                "counting bills",
                "SELECT CAST(COUNT(*) AS BIGINT) FROM bills",
                &[],
            )?;
            if Cols::new(&bills).int(0)? != 0 {
                return Err(StoreError::conflict(
                    "database",
                    "bench",
                    "it has bills already; the accounts bench fills an empty database only",
                ));
            }
            for statement in script.split(";\n") {
                let sql: String = statement
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("--"))
                    .collect::<Vec<_>>()
                    .join("\n");
                if !sql.trim().is_empty() {
                    db.exec("filling the accounts bench", &sql, &[])?;
                }
            }
            Ok(())
        })
    }

    fn record_reserve_run(
        &self,
        run: &NewReserveRun,
        tx: Option<&Transaction>,
        actor: &str,
        at: Timestamp,
    ) -> Result<ReserveRunRow, StoreError> {
        if tx.map(Transaction::amount).unwrap_or(Money::ZERO) != run.amount {
            return Err(StoreError::invalid(
                "ledger",
                format!(
                    "the reserve run's amount {} yuan and its ledger transaction differ",
                    run.amount
                ),
            ));
        }
        self.backend.transaction(|db| {
            if let Some(existing) = stored_run(db, &run.region, &run.scheme_id, &run.month)? {
                return Ok(existing);
            }
            let key = match tx {
                Some(tx) => match post(db, tx, actor, at)? {
                    Posted::Posted => Some(tx.idempotency_key().as_str().to_owned()),
                    Posted::AlreadyPosted => {
                        return Err(StoreError::conflict(
                            "ledger transaction",
                            tx.idempotency_key().as_str(),
                            "it is already posted without its reserve run".to_owned(),
                        ));
                    }
                },
                None => None,
            };
            let basis = run.basis.to_string();
            let id = db.insert_id(
                "recording a reserve run",
                "INSERT INTO reserve_runs (region, scheme_id, month, collected_fen, reserve_before_fen, cap_fen, \
                 amount_fen, ledger_key, basis, created_at, actor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &[
                    t(&run.region),
                    t(&run.scheme_id),
                    t(&run.month),
                    Value::Int(run.collected.fen()),
                    Value::Int(run.reserve_before.fen()),
                    Value::Int(run.cap.fen()),
                    Value::Int(run.amount.fen()),
                    Value::opt_text(key.clone()),
                    t(&basis),
                    t(at),
                    t(actor),
                ],
                || {
                    StoreError::duplicate(
                        "reserve run",
                        format!("{} {} {}", run.region, run.scheme_id, run.month),
                    )
                },
            )?;
            if let Some(tx) = tx {
                add_to_fund_summary(db, tx)?;
            }
            audit(
                db,
                actor,
                at,
                "run",
                "reserve_run",
                &id.to_string(),
                json!({
                    "region": run.region,
                    "scheme_id": run.scheme_id,
                    "month": run.month,
                    "amount_fen": run.amount.fen(),
                    "ledger": key,
                }),
            )?;
            Ok(ReserveRunRow {
                id,
                region: run.region.clone(),
                scheme_id: run.scheme_id.clone(),
                month: run.month.clone(),
                collected: run.collected,
                reserve_before: run.reserve_before,
                cap: run.cap,
                amount: run.amount,
                ledger_key: key,
                basis,
                recorded_now: true,
            })
        })
    }

    fn reserve_runs(&self, month: &str) -> Result<Vec<ReserveRunRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading reserve runs",
                &format!(
                    "SELECT {RESERVE_COLUMNS} FROM reserve_runs WHERE month = $1 ORDER BY region, scheme_id"
                ),
                &[t(month)],
            )?
            .iter()
            .map(|r| reserve_row(r, false))
            .collect()
        })
    }

    fn record_appraisal_fee(
        &self,
        fee: &NewAppraisalFee,
        tx: Option<&Transaction>,
        actor: &str,
        at: Timestamp,
    ) -> Result<AppraisalFeeRow, StoreError> {
        if fee.amount.fen() <= 0 {
            return Err(StoreError::invalid(
                "amount",
                format!("{} yuan; a fee is more than 0.00", fee.amount),
            ));
        }
        let posted = tx.map(Transaction::amount);
        let expected = (fee.payer == AppraisalFeePayer::Fund).then_some(fee.amount);
        if posted != expected {
            return Err(StoreError::invalid(
                "ledger",
                format!(
                    "a fee paid by the {} posts {}; the transaction given posts {}",
                    fee.payer.as_str(),
                    expected.map_or("nothing".to_owned(), |a| format!("{a} yuan")),
                    posted.map_or("nothing".to_owned(), |a| format!("{a} yuan")),
                ),
            ));
        }
        self.backend.transaction(|db| {
            let conclusion = db.opt_row(
                "reading the appraisal of a fee",
                "SELECT number FROM appraisal_conclusions WHERE case_id = $1 AND number = $2",
                &[Value::Int(fee.case_id), Value::Int(fee.conclusion_number)],
            )?;
            if conclusion.is_none() {
                return Err(StoreError::not_found(
                    "appraisal conclusion",
                    format!("{} of case {}", fee.conclusion_number, fee.case_id),
                ));
            }
            if let Some(r) = db.opt_row(
                "reading an appraisal fee",
                &format!(
                    "SELECT {FEE_COLUMNS} FROM appraisal_fees WHERE case_id = $1 AND conclusion_number = $2"
                ),
                &[Value::Int(fee.case_id), Value::Int(fee.conclusion_number)],
            )? {
                let stored = fee_row(&r, false)?;
                return if (stored.amount, stored.payer, stored.paid_on)
                    == (fee.amount, fee.payer, fee.paid_on)
                {
                    Ok(stored)
                } else {
                    Err(StoreError::conflict(
                        "appraisal fee",
                        format!("{} of case {}", fee.conclusion_number, fee.case_id),
                        format!(
                            "its fee is already recorded: {} yuan paid by the {} on {}",
                            stored.amount,
                            stored.payer.as_str(),
                            stored.paid_on
                        ),
                    ))
                };
            }
            let key = match tx {
                Some(tx) => match post(db, tx, actor, at)? {
                    Posted::Posted => Some(tx.idempotency_key().as_str().to_owned()),
                    Posted::AlreadyPosted => {
                        return Err(StoreError::conflict(
                            "ledger transaction",
                            tx.idempotency_key().as_str(),
                            "it is already posted without its appraisal fee".to_owned(),
                        ));
                    }
                },
                None => None,
            };
            let id = db.insert_id(
                "recording an appraisal fee",
                "INSERT INTO appraisal_fees (case_id, conclusion_number, amount_fen, payer, paid_on, ledger_key, \
                 recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    Value::Int(fee.case_id),
                    Value::Int(fee.conclusion_number),
                    Value::Int(fee.amount.fen()),
                    t(fee.payer.as_str()),
                    t(fee.paid_on),
                    Value::opt_text(key.clone()),
                    t(actor),
                    t(at),
                ],
                || {
                    StoreError::duplicate(
                        "appraisal fee",
                        format!("{} of case {}", fee.conclusion_number, fee.case_id),
                    )
                },
            )?;
            if let Some(tx) = tx {
                add_to_fund_summary(db, tx)?;
            }
            audit(
                db,
                actor,
                at,
                "record_appraisal_fee",
                "case",
                &fee.case_id.to_string(),
                json!({
                    "appraisal": fee.conclusion_number,
                    "amount_fen": fee.amount.fen(),
                    "payer": fee.payer.as_str(),
                    "paid_on": fee.paid_on.to_string(),
                    "ledger": key,
                }),
            )?;
            Ok(AppraisalFeeRow {
                id,
                conclusion_number: fee.conclusion_number,
                amount: fee.amount,
                payer: fee.payer,
                paid_on: fee.paid_on,
                ledger_key: key,
                recorded_by: actor.to_owned(),
                recorded_at: at,
                recorded_now: true,
            })
        })
    }

    fn appraisal_fees_of_case(&self, case_id: i64) -> Result<Vec<AppraisalFeeRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading the appraisal fees of a case",
                &format!(
                    "SELECT {FEE_COLUMNS} FROM appraisal_fees WHERE case_id = $1 ORDER BY conclusion_number"
                ),
                &[Value::Int(case_id)],
            )?
            .iter()
            .map(|r| fee_row(r, false))
            .collect()
        })
    }

    fn claim_experience(&self, from: &str, to: &str) -> Result<ClaimExperience, StoreError> {
        self.backend.read(|db| {
            let enrolled = db
                .rows(
                    "reading the enrolments of a window",
                    "SELECT u.industry_class, e.start_date, e.end_date, CAST(COUNT(*) AS BIGINT), e.scheme_id \
                     FROM enrollments e JOIN units u ON u.id = e.unit_id \
                     WHERE e.start_date < $2 AND (e.end_date IS NULL OR e.end_date >= $1) \
                     GROUP BY e.scheme_id, u.industry_class, e.start_date, e.end_date \
                     ORDER BY e.scheme_id, u.industry_class, e.start_date, e.end_date",
                    &[t(from), t(to)],
                )?
                .iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(EnrolledSpan {
                        scheme_id: c.scheme_id(4)?,
                        industry_class: c.int(0)?,
                        start: c.parsed(1, "start_date", crate::engine::parse_date)?,
                        end: c
                            .opt_text(2)?
                            .map(|d| {
                                crate::engine::parse_date(d)
                                    .map_err(|e| StoreError::stored("end_date", e))
                            })
                            .transpose()?,
                        count: c.int(3)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let claims = db
                .rows(
                    "reading the cases of a window",
                    "SELECT u.industry_class, \
                     (SELECT a.grade FROM appraisal_conclusions a WHERE a.case_id = c.id ORDER BY a.number DESC LIMIT 1), \
                     CASE WHEN EXISTS (SELECT 1 FROM awards aw JOIN award_items ai ON ai.award_id = aw.id \
                        WHERE aw.case_id = c.id AND aw.status = 'approved' AND ai.item = 'one_time_death_benefit') THEN 1 ELSE 0 END, \
                     c.scheme_id \
                     FROM cases c JOIN units u ON u.credit_code = c.unit_code \
                     WHERE c.accident_date >= $1 AND c.accident_date < $2 \
                     ORDER BY c.id",
                    &[t(from), t(to)],
                )?
                .iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(ClaimOutcomeRow {
                        scheme_id: c.scheme_id(3)?,
                        industry_class: c.int(0)?,
                        grade: c.opt_int(1)?,
                        death: c.int(2)? == 1,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(ClaimExperience { enrolled, claims })
        })
    }

    fn reported_cases(&self, from: &str, to: &str) -> Result<Vec<ReportedCaseRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading the cases reported of a window",
                "SELECT scheme_id, accident_date, opened_at FROM cases \
                 WHERE accident_date >= $1 AND accident_date < $2 ORDER BY id",
                &[t(from), t(to)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(ReportedCaseRow {
                    scheme_id: c.scheme_id(0)?,
                    accident_date: c.parsed(1, "accident_date", crate::engine::parse_date)?,
                    opened_at: c.parsed(2, "opened_at", crate::cases::parse_ts)?,
                })
            })
            .collect()
        })
    }

    fn insured_on(&self, on: &str) -> Result<Vec<InsuredRow>, StoreError> {
        let month = on.get(..7).unwrap_or(on);
        self.backend.read(|db| {
            db.rows(
                "reading the insured on a day",
                "SELECT e.scheme_id, u.region, u.industry_class, p.birth_date, \
                 (SELECT d.declared_wage_fen FROM declarations d \
                  WHERE d.enrollment_id = e.id AND d.month <= $2 ORDER BY d.month DESC LIMIT 1) \
                 FROM enrollments e JOIN people p ON p.id = e.person_id \
                 LEFT JOIN units u ON u.id = e.unit_id \
                 WHERE e.start_date <= $1 AND (e.end_date IS NULL OR e.end_date >= $1) \
                 ORDER BY e.id",
                &[t(on), t(month)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(InsuredRow {
                    scheme_id: c.scheme_id(0)?,
                    region: c.opt_text(1)?.map(str::to_owned),
                    industry_class: c.opt_int(2)?,
                    birth_date: c.text(3)?.to_owned(),
                    declared_wage: c.opt_int(4)?.map(Money::from_fen),
                })
            })
            .collect()
        })
    }

    fn benefits_in_payment(&self, month: &str) -> Result<Vec<InPaymentRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT b.id, c.scheme_id, c.region, b.item, b.beneficiary, \
                 (SELECT a.amount_fen FROM benefit_amounts a WHERE a.benefit_id = b.id AND a.from_month <= $1 \
                  ORDER BY a.from_month DESC LIMIT 1), \
                 b.end_month, b.suspended, \
                 CASE WHEN b.beneficiary = 'worker' THEN c.resident_id ELSE \
                   (SELECT x.resident_id FROM benefit_beneficiaries x WHERE x.benefit_id = b.id ORDER BY x.id DESC LIMIT 1) END, \
                 (SELECT x.age_exception FROM benefit_beneficiaries x WHERE x.benefit_id = b.id ORDER BY x.id DESC LIMIT 1), \
                 CASE WHEN EXISTS (SELECT 1 FROM benefit_pauses s WHERE s.benefit_id = b.id AND s.from_month <= $1 \
                                   AND (s.until_month IS NULL OR s.until_month >= $1)) THEN 1 ELSE 0 END \
                 FROM periodic_benefits b JOIN cases c ON c.id = b.case_id \
                 WHERE b.payer = 'fund' AND b.item IN {PERIODIC_ITEMS} AND b.start_month <= $1 \
                   AND (b.end_month IS NULL OR b.end_month >= $1) \
                 ORDER BY b.id"
            );
            db.rows("reading the benefits in payment", &sql, &[t(month)])?
                .iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(InPaymentRow {
                        benefit_id: c.int(0)?,
                        scheme_id: c.scheme_id(1)?,
                        region: c.opt_text(2)?.map(str::to_owned),
                        item: c.parsed(3, "item", |x| {
                            serde_json::from_value(serde_json::Value::String(x.to_owned()))
                                .map_err(|_| format!("item {x:?} is not known"))
                        })?,
                        beneficiary: c.text(4)?.to_owned(),
                        monthly: Money::from_fen(c.opt_int(5)?.unwrap_or(0)),
                        end_month: c.opt_text(6)?.map(str::to_owned),
                        suspended: c.int(7)? != 0,
                        resident_id: c.opt_text(8)?.map(str::to_owned),
                        age_exception: c.opt_text(9)?.map(str::to_owned),
                        paused: c.int(10)? != 0,
                    })
                })
                .collect()
        })
    }
}

/// The items of the periodic benefits a projection reads.
const PERIODIC_ITEMS: &str =
    "('monthly_disability_allowance', 'monthly_living_care', 'monthly_survivor_pensions')";

/// A platform's month in the platform pilot's scheme, read from the ledger
/// (issue 12: the payout ratio, 支缴率): the premiums billed to the platform
/// (by the bill's month), collected from it (by the day paid), and the
/// benefits paid out of the fund on the cases confirmed on its orders (by the
/// day paid; the payroll by its month). A reversal counts negative in the
/// month of what it reverses. The platform is the order files' id, which a
/// renamed platform keeps.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PlatformPayoutMonth {
    pub platform: String,
    /// `YYYY-MM`.
    pub month: String,
    pub billed: Money,
    pub collected: Money,
    pub benefits: Money,
}

/// The platform of an order bill's reference (`O202507-meituan-1` is
/// `meituan`), if it is one.
fn platform_of_order_bill(reference: &str) -> Option<&str> {
    let rest = reference.strip_prefix('O')?;
    let (month, rest) = rest.split_at_checked(6)?;
    if !month.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (platform, n) = rest.strip_prefix('-')?.rsplit_once('-')?;
    (!platform.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(platform)
}

/// The statement of [`platform_payouts`]: premiums by bill (an order bill's
/// reference names its platform), benefits by the case's platform; each
/// branch grouped in the database.
const PAYOUT_SQL: &str = "\
    SELECT 'billed', b.reference, SUBSTR(b.period, 1, 7), \
           CAST(SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) AS BIGINT) \
    FROM bills b \
    JOIN ledger_transactions lt ON lt.idempotency_key = 'bill:' || b.reference OR lt.reverses = 'bill:' || b.reference \
    JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'premium_income' \
    WHERE b.kind = 'orders' AND SUBSTR(b.period, 1, 7) <= $1 \
    GROUP BY b.reference, SUBSTR(b.period, 1, 7) \
    UNION ALL \
    SELECT 'collected', b.reference, SUBSTR(py.paid_on, 1, 7), \
           CAST(SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) AS BIGINT) \
    FROM payments py JOIN bills b ON b.id = py.bill_id \
    JOIN ledger_transactions lt ON lt.idempotency_key = 'pay:' || py.idempotency_key OR lt.reverses = 'pay:' || py.idempotency_key \
    JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'premium_receivable' \
    WHERE b.kind = 'orders' AND SUBSTR(py.paid_on, 1, 7) <= $1 \
    GROUP BY b.reference, SUBSTR(py.paid_on, 1, 7) \
    UNION ALL \
    SELECT 'benefit', c.platform, SUBSTR(o.paid_on, 1, 7), \
           CAST(SUM(CASE WHEN p.side = 'credit' THEN p.amount_fen ELSE -p.amount_fen END) AS BIGINT) \
    FROM one_time_payments o JOIN cases c ON c.id = o.case_id \
    JOIN ledger_transactions lt ON lt.idempotency_key = o.idempotency_key \
    JOIN ledger_postings p ON p.transaction_id = lt.id AND p.account = 'bank' \
    WHERE c.platform IS NOT NULL AND SUBSTR(o.paid_on, 1, 7) <= $1 \
    GROUP BY c.platform, SUBSTR(o.paid_on, 1, 7) \
    UNION ALL \
    SELECT 'benefit', c.platform, pl.month, CAST(SUM(pl.amount_fen) AS BIGINT) \
    FROM payroll_lines pl JOIN payroll_runs r ON r.id = pl.run_id \
    JOIN ledger_transactions lt ON lt.idempotency_key = r.ledger_key \
    JOIN periodic_benefits pb ON pb.id = pl.benefit_id JOIN cases c ON c.id = pb.case_id \
    WHERE c.platform IS NOT NULL AND pl.month <= $1 \
    GROUP BY c.platform, pl.month";

/// Every platform's months up to and including `to_month`, in platform then
/// month order: one statement (see [`PlatformPayoutMonth`]).
pub(crate) fn platform_payouts(
    db: &mut dyn Db,
    to_month: &str,
) -> Result<Vec<PlatformPayoutMonth>, StoreError> {
    let mut months: std::collections::BTreeMap<(String, String), PlatformPayoutMonth> =
        std::collections::BTreeMap::new();
    for r in db.rows(
        "summing the platforms' premiums and benefits",
        PAYOUT_SQL,
        &[t(to_month)],
    )? {
        let c = Cols::new(&r);
        let kind = c.text(0)?;
        let key = c.text(1)?;
        let platform = match kind {
            "benefit" => key,
            _ => match platform_of_order_bill(key) {
                Some(p) => p,
                None => continue,
            },
        };
        let month = c.text(2)?.to_owned();
        let fen = Money::from_fen(c.int(3)?);
        let row = months
            .entry((platform.to_owned(), month.clone()))
            .or_insert_with(|| PlatformPayoutMonth {
                platform: platform.to_owned(),
                month,
                billed: Money::ZERO,
                collected: Money::ZERO,
                benefits: Money::ZERO,
            });
        let slot = match kind {
            "billed" => &mut row.billed,
            "collected" => &mut row.collected,
            _ => &mut row.benefits,
        };
        *slot = slot.checked_add(fen).expect("fen");
    }
    Ok(months.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 155 fills the summary with the very statement the store
    /// recomputes the flows with, so the summary starts equal to the ledger.
    #[test]
    fn migration_155_fills_the_summary_with_the_flows_recomputed_from_the_ledger() {
        let backfill = format!(
            "INSERT INTO fund_flow_months ({FLOW_COLUMNS}, amount_fen) {};",
            flows_sql(expenditure_branches_of_migration_155(Scope::UpTo))
                .replace("$1", "'9999-12'")
        );
        for sql in [
            include_str!("../migrations/sqlite/0155_fund_summary_appraisal_fees.sql"),
            include_str!("../migrations/postgres/0155_fund_summary_appraisal_fees.sql"),
        ] {
            assert!(
                sql.contains(&backfill),
                "migration 155 ends with:\n{backfill}"
            );
        }
    }
}
