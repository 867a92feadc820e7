//! Stop-benefit events reported (社会保险经办条例, State Council Decree No.
//! 765, Art 25; migration 0230): the report with the event's day, the day it
//! reached the agency and the due day of the 20 working days, written in one
//! transaction with what it does to the benefit (ended, or a new amount from
//! a month) and the overpayment of the months paid after the event (Art 46,
//! through the same `insert_overpayment` as a clerk's). Append-only, one
//! report per benefit and event. The store decides nothing: the app counts
//! the deadline on the holiday calendar and asks the domain what ends.

use gongshang_domain::life_events::MatchRule;

use super::payroll::insert_amounts;
use super::*;
use crate::recovery::{NewOverpayment, insert_overpayment};

/// Who told the agency (Art 25 names the unit, the recipient and relatives).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reporter {
    Unit,
    Recipient,
    Relative,
}

impl Reporter {
    pub const ALL: [Reporter; 3] = [Reporter::Unit, Reporter::Recipient, Reporter::Relative];

    pub const fn as_str(self) -> &'static str {
        match self {
            Reporter::Unit => "unit",
            Reporter::Recipient => "recipient",
            Reporter::Relative => "relative",
        }
    }

    pub fn parse(text: &str) -> Result<Reporter, String> {
        Reporter::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| {
                format!("{text:?} is not who reports; expected unit, recipient or relative")
            })
    }
}

/// A report to record, decided by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStopReport {
    pub case_id: i64,
    pub benefit_id: i64,
    pub event: MatchRule,
    pub event_on: Date,
    pub reported_on: Date,
    pub reported_by: Reporter,
    /// The last day of the 20 working days from the event.
    pub due_on: Date,
    pub due_provisional: bool,
    /// The benefit ends: the last month paid.
    pub last_month: Option<Month>,
    /// The benefit changes: the new monthly amount from a month.
    pub new_amount: Option<(Month, Money)>,
    /// The end reason (or the amount's reason) written on the benefit.
    pub end_reason: String,
    pub overpaid: Money,
    pub overpaid_months: u32,
    pub overpayment: Option<(NewOverpayment, Transaction)>,
    pub article: String,
    pub note: Option<String>,
}

/// A report as stored, with its case, benefit and overpayment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StopReportRow {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub benefit_id: i64,
    pub item: Item,
    pub beneficiary: String,
    pub event: MatchRule,
    pub event_on: Date,
    pub reported_on: Date,
    pub reported_by: Reporter,
    pub due_on: Date,
    pub due_provisional: bool,
    /// Reported after the due day.
    pub late: bool,
    pub last_month: Option<Month>,
    pub new_from_month: Option<Month>,
    pub new_amount: Option<Money>,
    pub overpaid: Money,
    pub overpaid_months: u32,
    pub overpayment_id: Option<i64>,
    pub overpayment_reference: Option<String>,
    /// What is still to recover on the overpayment.
    pub outstanding: Option<Money>,
    pub article: String,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// Stop-benefit reports. A part of [`crate::Store`].
pub trait StopReportStore {
    /// Records a report, ends or changes its benefit and records its
    /// overpayment with its ledger transaction and the audit rows, in one
    /// transaction. A benefit's event is reported once (`duplicate`).
    fn record_stop_report(
        &self,
        report: &NewStopReport,
        actor: &str,
        at: Timestamp,
    ) -> Result<StopReportRow, StoreError>;

    /// A case's reports, oldest first.
    fn stop_reports_of_case(&self, case_id: i64) -> Result<Vec<StopReportRow>, StoreError>;

    /// The reports made late whose overpayment is not recovered in full,
    /// the earliest due first.
    fn late_stop_reports(&self, limit: u32) -> Result<Vec<StopReportRow>, StoreError>;
}

const SELECT: &str = "SELECT r.id, r.case_id, c.number, r.benefit_id, b.item, b.beneficiary, r.event, \
     r.event_on, r.reported_on, r.reported_by, r.due_on, r.due_provisional, r.late, r.last_month, \
     r.new_from_month, r.new_amount_fen, r.overpaid_fen, r.overpaid_months, r.overpayment_id, \
     o.reference, o.amount_fen - CAST(COALESCE((SELECT SUM(oi.amount_fen) FROM overpayment_instalments oi \
       JOIN overpayment_recoveries orc ON orc.overpayment_id = oi.overpayment_id AND orc.seq = oi.seq \
       WHERE oi.overpayment_id = o.id), 0) AS BIGINT), \
     r.article, r.note, r.recorded_by, r.recorded_at \
     FROM stop_benefit_reports r JOIN cases c ON c.id = r.case_id \
     JOIN periodic_benefits b ON b.id = r.benefit_id \
     LEFT JOIN overpayments o ON o.id = r.overpayment_id";

fn read_row(row: &[Value]) -> Result<StopReportRow, StoreError> {
    let c = Cols::new(row);
    Ok(StopReportRow {
        id: c.int(0)?,
        case_id: c.int(1)?,
        case_number: c.text(2)?.to_owned(),
        benefit_id: c.int(3)?,
        item: c.parsed(4, "item", |x| from_col("item", x))?,
        beneficiary: c.text(5)?.to_owned(),
        event: c.parsed(6, "event", MatchRule::parse)?,
        event_on: c.parsed(7, "event_on", parse_date)?,
        reported_on: c.parsed(8, "reported_on", parse_date)?,
        reported_by: c.parsed(9, "reported_by", Reporter::parse)?,
        due_on: c.parsed(10, "due_on", parse_date)?,
        due_provisional: c.int(11)? == 1,
        late: c.int(12)? == 1,
        last_month: c.opt_parsed(13, "last_month", parse_month)?,
        new_from_month: c.opt_parsed(14, "new_from_month", parse_month)?,
        new_amount: c.opt_int(15)?.map(Money::from_fen),
        overpaid: Money::from_fen(c.int(16)?),
        overpaid_months: u32::try_from(c.int(17)?)
            .map_err(|e| StoreError::stored("overpaid_months", e.to_string()))?,
        overpayment_id: c.opt_int(18)?,
        overpayment_reference: c.opt_text(19)?.map(str::to_owned),
        outstanding: c.opt_int(20)?.map(Money::from_fen),
        article: c.text(21)?.to_owned(),
        note: c.opt_text(22)?.map(str::to_owned),
        recorded_by: c.text(23)?.to_owned(),
        recorded_at: c.parsed(24, "recorded_at", parse_ts)?,
    })
}

fn by_id(db: &mut dyn Db, id: i64) -> Result<StopReportRow, StoreError> {
    let row = db
        .opt_row(
            "reading a stop-benefit report",
            &format!("{SELECT} WHERE r.id = $1"),
            &[i(id)],
        )?
        .ok_or_else(|| StoreError::not_found("stop-benefit report", id))?;
    read_row(&row)
}

impl<B: Backend> StopReportStore for SqlStore<B> {
    fn record_stop_report(
        &self,
        r: &NewStopReport,
        actor: &str,
        at: Timestamp,
    ) -> Result<StopReportRow, StoreError> {
        require_actor(actor)?;
        if r.last_month.is_none() && r.new_amount.is_none() {
            return Err(StoreError::invalid(
                "event",
                "a report ends its benefit or changes its amount",
            ));
        }
        self.backend.transaction(|db| {
            if let Some(last) = r.last_month {
                // The months paid after it are the overpayment recorded
                // below; the end itself is never refused for them.
                let n = db.exec(
                    "ending a reported benefit",
                    "UPDATE periodic_benefits SET end_month = $1, end_reason = $2 WHERE id = $3 AND case_id = $4",
                    &[t(last), t(&r.end_reason), i(r.benefit_id), i(r.case_id)],
                )?;
                if n == 0 {
                    return Err(StoreError::not_found("periodic benefit", r.benefit_id));
                }
            }
            if let Some((from, amount)) = r.new_amount {
                insert_amounts(
                    db,
                    &[NewBenefitAmount {
                        benefit_id: r.benefit_id,
                        from_month: from,
                        amount,
                        reason: r.end_reason.clone(),
                    }],
                    None,
                )?;
            }
            let overpayment_id = match &r.overpayment {
                Some((op, tx)) => Some(insert_overpayment(db, op, tx, actor, at)?),
                None => None,
            };
            let late = r.reported_on > r.due_on;
            let id = db.insert_id(
                "recording a stop-benefit report",
                "INSERT INTO stop_benefit_reports (case_id, benefit_id, event, event_on, reported_on, reported_by, \
                 due_on, due_provisional, late, last_month, new_from_month, new_amount_fen, overpaid_fen, \
                 overpaid_months, overpayment_id, article, note, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
                &[
                    i(r.case_id),
                    i(r.benefit_id),
                    t(r.event.as_str()),
                    t(r.event_on),
                    t(r.reported_on),
                    t(r.reported_by.as_str()),
                    t(r.due_on),
                    i(i64::from(r.due_provisional)),
                    i(i64::from(late)),
                    opt_t(r.last_month),
                    opt_t(r.new_amount.map(|(m, _)| m)),
                    Value::opt_int(r.new_amount.map(|(_, a)| a.fen())),
                    i(r.overpaid.fen()),
                    i(i64::from(r.overpaid_months)),
                    Value::opt_int(overpayment_id),
                    t(&r.article),
                    Value::opt_text(r.note.clone()),
                    t(actor),
                    t(at),
                ],
                || {
                    StoreError::duplicate(
                        "stop-benefit report",
                        format!("benefit {} {}", r.benefit_id, r.event.as_str()),
                    )
                },
            )?;
            audit(
                db,
                actor,
                at,
                "record_stop_report",
                "periodic_benefit",
                &r.benefit_id.to_string(),
                json!({
                    "report": id,
                    "event": r.event.as_str(),
                    "event_on": r.event_on.to_string(),
                    "reported_on": r.reported_on.to_string(),
                    "reported_by": r.reported_by.as_str(),
                    "due_on": r.due_on.to_string(),
                    "late": late,
                    "last_month": r.last_month.map(|m| m.to_string()),
                    "overpaid_fen": r.overpaid.fen(),
                    "overpayment": overpayment_id,
                }),
            )?;
            by_id(db, id)
        })
    }

    fn stop_reports_of_case(&self, case_id: i64) -> Result<Vec<StopReportRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading a case's stop-benefit reports",
                &format!("{SELECT} WHERE r.case_id = $1 ORDER BY r.id"),
                &[i(case_id)],
            )?
            .iter()
            .map(|r| read_row(r))
            .collect()
        })
    }

    fn late_stop_reports(&self, limit: u32) -> Result<Vec<StopReportRow>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading the late stop-benefit reports",
                &format!("{SELECT} WHERE r.late = 1 ORDER BY r.due_on, r.id"),
                &[],
            )?;
            let mut out = Vec::new();
            for row in &rows {
                let report = read_row(row)?;
                // Work for the clerk while something is left to recover.
                if report.outstanding.is_some_and(|m| m > Money::ZERO) {
                    out.push(report);
                    if out.len() >= limit as usize {
                        break;
                    }
                }
            }
            Ok(out)
        })
    }
}
