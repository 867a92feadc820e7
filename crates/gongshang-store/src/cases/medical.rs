//! Medical, rehabilitation and assistive-device costs (migration 0200): the
//! register of agreement institutions (Regulations Art 47) and a case's
//! bills with their lines (Arts 30-32, 48; Decree 765 Arts 22, 43). The
//! store decides nothing: the caller checks the bill and settles it with
//! `gongshang_domain::medical::settle`; the store keeps a bill settled once
//! (a second settlement is a `conflict`) and writes the audit row of every
//! change in the same transaction.

use gongshang_domain::ids::RegionCode;
use gongshang_domain::medical::{Dispute, Institution, InstitutionCode, Route, ServiceKind};

use crate::fund::add_to_fund_summary;

use super::*;

/// A registered institution and who registered and last changed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InstitutionRow {
    #[serde(flatten)]
    pub institution: Institution,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    pub changed_by: String,
    pub changed_at: Timestamp,
}

/// Where a bill stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MedicalBillStatus {
    /// Received, not yet settled.
    Received,
    /// Waiting: the case is undecided or payments to the provider are
    /// suspended (the hold's code and reason are kept).
    Held,
    /// Settled: what the fund pays and what it refuses are final.
    Settled,
}

impl MedicalBillStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            MedicalBillStatus::Received => "received",
            MedicalBillStatus::Held => "held",
            MedicalBillStatus::Settled => "settled",
        }
    }

    fn parse(s: &str) -> Result<Self, String> {
        match s {
            "received" => Ok(MedicalBillStatus::Received),
            "held" => Ok(MedicalBillStatus::Held),
            "settled" => Ok(MedicalBillStatus::Settled),
            other => Err(format!("medical bill status {other:?} is not known")),
        }
    }
}

/// A line of a bill as filed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMedicalBillLine {
    pub description: String,
    pub within_catalogue: Money,
    pub outside_catalogue: Money,
}

/// A bill to file, already checked by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMedicalBill {
    pub case_id: i64,
    pub kind: ServiceKind,
    pub route: Route,
    pub institution: Option<InstitutionCode>,
    pub provider_name: String,
    pub service_from: Date,
    pub service_until: Date,
    pub emergency: bool,
    pub confirmation: Option<String>,
    pub received_on: Date,
    /// The day a manual reimbursement is decided by (Decree 765 Art 22).
    pub due_on: Option<Date>,
    pub due_provisional: bool,
    pub lines: Vec<NewMedicalBillLine>,
}

/// A stored line, with its settlement once settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MedicalBillLineRow {
    pub line: i64,
    pub description: String,
    pub within_catalogue: Money,
    pub outside_catalogue: Money,
    pub payable: Option<Money>,
    pub refused: Option<Money>,
    pub refusal_code: Option<String>,
    pub refusal_reason: Option<String>,
    pub article: Option<String>,
}

/// A stored bill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MedicalBillRow {
    pub id: i64,
    pub case_id: i64,
    pub kind: ServiceKind,
    pub route: Route,
    pub institution: Option<InstitutionCode>,
    pub provider_name: String,
    pub service_from: Date,
    pub service_until: Date,
    pub emergency: bool,
    pub confirmation: Option<String>,
    pub received_on: Date,
    pub due_on: Option<Date>,
    pub due_provisional: bool,
    pub total: Money,
    pub status: MedicalBillStatus,
    pub hold_code: Option<String>,
    pub hold_reason: Option<String>,
    pub payable: Option<Money>,
    pub refused: Option<Money>,
    pub dispute: Option<Dispute>,
    pub filed_by: String,
    pub filed_at: Timestamp,
    pub settled_by: Option<String>,
    pub settled_at: Option<Timestamp>,
    /// The day in China it was settled (the month of the fund's flow).
    pub settled_on: Option<Date>,
    /// The ledger transaction of what the fund paid (none when it pays nothing).
    pub ledger_key: Option<String>,
    pub lines: Vec<MedicalBillLineRow>,
}

/// A line as settled by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettledLineIn {
    pub line: i64,
    pub payable: Money,
    pub refused: Money,
    pub refusal_code: Option<String>,
    pub refusal_reason: Option<String>,
    pub article: String,
}

/// A settlement to record: every line of the bill, and the dispute the
/// recognition was under when it was paid (Art 31), if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MedicalSettlementIn {
    pub lines: Vec<SettledLineIn>,
    pub dispute: Option<Dispute>,
    /// The day in China it is settled.
    pub settled_on: Date,
    /// What the fund pays, posted with the settlement: present exactly when
    /// the lines pay more than 0.00, for their sum.
    pub ledger: Option<Transaction>,
}

const INSTITUTION_COLUMNS: &str = "code, name, kind, region, agreement_from, agreement_until, suspended_reason, recorded_by, recorded_at, changed_by, changed_at";
const BILL_COLUMNS: &str = "id, case_id, kind, route, institution_code, provider_name, service_from, service_until, emergency, confirmation, received_on, due_on, due_provisional, total_fen, status, hold_code, hold_reason, payable_fen, refused_fen, dispute, filed_by, filed_at, settled_by, settled_at, settled_on, ledger_key";
const LINE_COLUMNS: &str = "line_no, description, within_fen, outside_fen, payable_fen, refused_fen, refusal_code, refusal_reason, article";

fn institution_of(row: &[Value]) -> Result<InstitutionRow, StoreError> {
    let c = Cols::new(row);
    Ok(InstitutionRow {
        institution: Institution {
            code: c.parsed(0, "code", InstitutionCode::parse)?,
            name: c.text(1)?.to_owned(),
            kind: c.parsed(2, "kind", |s| s.parse::<ServiceKind>())?,
            region: c.parsed(3, "region", RegionCode::parse)?,
            agreement_from: c.parsed(4, "agreement_from", parse_date)?,
            agreement_until: c.opt_parsed(5, "agreement_until", parse_date)?,
            suspended: c.opt_text(6)?.map(str::to_owned),
        },
        recorded_by: c.text(7)?.to_owned(),
        recorded_at: c.parsed(8, "recorded_at", parse_ts)?,
        changed_by: c.text(9)?.to_owned(),
        changed_at: c.parsed(10, "changed_at", parse_ts)?,
    })
}

fn opt_money(v: Option<i64>) -> Option<Money> {
    v.map(Money::from_fen)
}

fn line_of(row: &[Value]) -> Result<MedicalBillLineRow, StoreError> {
    let c = Cols::new(row);
    Ok(MedicalBillLineRow {
        line: c.int(0)?,
        description: c.text(1)?.to_owned(),
        within_catalogue: Money::from_fen(c.int(2)?),
        outside_catalogue: Money::from_fen(c.int(3)?),
        payable: opt_money(c.opt_int(4)?),
        refused: opt_money(c.opt_int(5)?),
        refusal_code: c.opt_text(6)?.map(str::to_owned),
        refusal_reason: c.opt_text(7)?.map(str::to_owned),
        article: c.opt_text(8)?.map(str::to_owned),
    })
}

fn bill_of(db: &mut dyn Db, row: &[Value]) -> Result<MedicalBillRow, StoreError> {
    let c = Cols::new(row);
    let id = c.int(0)?;
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM medical_bill_lines WHERE bill_id = $1 ORDER BY line_no"
    );
    let lines = db
        .rows("reading a medical bill's lines", &sql, &[i(id)])?
        .iter()
        .map(|r| line_of(r))
        .collect::<Result<_, _>>()?;
    Ok(MedicalBillRow {
        id,
        case_id: c.int(1)?,
        kind: c.parsed(2, "kind", |s| s.parse::<ServiceKind>())?,
        route: c.parsed(3, "route", |s| s.parse::<Route>())?,
        institution: c.opt_parsed(4, "institution_code", InstitutionCode::parse)?,
        provider_name: c.text(5)?.to_owned(),
        service_from: c.parsed(6, "service_from", parse_date)?,
        service_until: c.parsed(7, "service_until", parse_date)?,
        emergency: c.int(8)? == 1,
        confirmation: c.opt_text(9)?.map(str::to_owned),
        received_on: c.parsed(10, "received_on", parse_date)?,
        due_on: c.opt_parsed(11, "due_on", parse_date)?,
        due_provisional: c.int(12)? == 1,
        total: Money::from_fen(c.int(13)?),
        status: c.parsed(14, "status", MedicalBillStatus::parse)?,
        hold_code: c.opt_text(15)?.map(str::to_owned),
        hold_reason: c.opt_text(16)?.map(str::to_owned),
        payable: opt_money(c.opt_int(17)?),
        refused: opt_money(c.opt_int(18)?),
        dispute: c.opt_parsed(19, "dispute", |s| {
            Dispute::parse(s).ok_or_else(|| format!("dispute {s:?} is not known"))
        })?,
        filed_by: c.text(20)?.to_owned(),
        filed_at: c.parsed(21, "filed_at", parse_ts)?,
        settled_by: c.opt_text(22)?.map(str::to_owned),
        settled_at: c.opt_parsed(23, "settled_at", parse_ts)?,
        settled_on: c.opt_parsed(24, "settled_on", parse_date)?,
        ledger_key: c.opt_text(25)?.map(str::to_owned),
        lines,
    })
}

fn bill_by_id(db: &mut dyn Db, id: i64) -> Result<Option<MedicalBillRow>, StoreError> {
    let sql = format!("SELECT {BILL_COLUMNS} FROM medical_bills WHERE id = $1");
    match db.opt_row("reading a medical bill", &sql, &[i(id)])? {
        Some(r) => bill_of(db, &r).map(Some),
        None => Ok(None),
    }
}

fn institution_by_code(
    db: &mut dyn Db,
    code: &InstitutionCode,
) -> Result<Option<InstitutionRow>, StoreError> {
    let sql = format!("SELECT {INSTITUTION_COLUMNS} FROM agreement_institutions WHERE code = $1");
    match db.opt_row("reading an agreement institution", &sql, &[t(code)])? {
        Some(r) => institution_of(&r).map(Some),
        None => Ok(None),
    }
}

fn institution_json(i: &Institution) -> serde_json::Value {
    json!({
        "name": i.name.trim(), "kind": i.kind.as_str(), "region": i.region.as_str(),
        "agreement_from": i.agreement_from.to_string(),
        "agreement_until": i.agreement_until.map(|d| d.to_string()),
        "suspended": i.suspended,
    })
}

/// The register of agreement institutions and a case's medical bills. A part of [`Store`].
pub trait MedicalStore {
    /// Registers an institution (its code once: a second is `duplicate`),
    /// with the audit row.
    fn register_institution(
        &self,
        institution: &Institution,
        actor: &str,
        at: Timestamp,
    ) -> Result<InstitutionRow, StoreError>;
    /// Rewrites a registered institution (a renewed agreement, a suspension
    /// of payments or its end), with the audit row of what it was and is.
    fn update_institution(
        &self,
        institution: &Institution,
        actor: &str,
        at: Timestamp,
    ) -> Result<InstitutionRow, StoreError>;
    fn institution(&self, code: &InstitutionCode) -> Result<Option<InstitutionRow>, StoreError>;
    /// Every registered institution, by region, kind and code.
    fn institutions(&self) -> Result<Vec<InstitutionRow>, StoreError>;
    /// Files a bill on a case with its lines, with the audit row.
    fn file_medical_bill(
        &self,
        bill: &NewMedicalBill,
        actor: &str,
        at: Timestamp,
    ) -> Result<MedicalBillRow, StoreError>;
    fn medical_bill(&self, id: i64) -> Result<Option<MedicalBillRow>, StoreError>;
    /// The case's bills, oldest first.
    fn medical_bills_of_case(&self, case_id: i64) -> Result<Vec<MedicalBillRow>, StoreError>;

    /// The workers' reimbursement claims not settled yet (Decree 765 Art
    /// 22), the earliest due first, with their case's number: the clerk's
    /// queue. At most `limit`.
    fn open_reimbursement_claims(
        &self,
        limit: u32,
    ) -> Result<Vec<(String, MedicalBillRow)>, StoreError>;
    /// Holds a bill that is not settled (its code and reason), with the audit row.
    fn hold_medical_bill(
        &self,
        id: i64,
        code: &str,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<MedicalBillRow, StoreError>;
    /// Settles a bill once: every line's payable and refused parts, which
    /// add up to the line; a settled bill is a `conflict`. One transaction.
    fn settle_medical_bill(
        &self,
        id: i64,
        settlement: &MedicalSettlementIn,
        actor: &str,
        at: Timestamp,
    ) -> Result<MedicalBillRow, StoreError>;
}

impl<B: Backend> MedicalStore for SqlStore<B> {
    fn register_institution(
        &self,
        inst: &Institution,
        actor: &str,
        at: Timestamp,
    ) -> Result<InstitutionRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            db.insert_id(
                "registering an agreement institution",
                "INSERT INTO agreement_institutions (code, name, kind, region, agreement_from, agreement_until, suspended_reason, recorded_by, recorded_at, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9) RETURNING id",
                &[
                    t(&inst.code),
                    t(inst.name.trim()),
                    t(inst.kind.as_str()),
                    t(inst.region.as_str()),
                    t(inst.agreement_from),
                    opt_t(inst.agreement_until),
                    opt_t(inst.suspended.as_deref().map(str::trim)),
                    t(actor),
                    t(at),
                ],
                || StoreError::duplicate("agreement institution", &inst.code),
            )?;
            audit(
                db,
                actor,
                at,
                "register_institution",
                "agreement_institution",
                inst.code.as_str(),
                institution_json(inst),
            )?;
            institution_by_code(db, &inst.code)?
                .ok_or_else(|| StoreError::not_found("agreement institution", &inst.code))
        })
    }

    fn update_institution(
        &self,
        inst: &Institution,
        actor: &str,
        at: Timestamp,
    ) -> Result<InstitutionRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let Some(before) = institution_by_code(db, &inst.code)? else {
                return Err(StoreError::not_found("agreement institution", &inst.code));
            };
            db.exec(
                "changing an agreement institution",
                "UPDATE agreement_institutions SET name = $1, kind = $2, region = $3, agreement_from = $4, \
                 agreement_until = $5, suspended_reason = $6, changed_by = $7, changed_at = $8 WHERE code = $9",
                &[
                    t(inst.name.trim()),
                    t(inst.kind.as_str()),
                    t(inst.region.as_str()),
                    t(inst.agreement_from),
                    opt_t(inst.agreement_until),
                    opt_t(inst.suspended.as_deref().map(str::trim)),
                    t(actor),
                    t(at),
                    t(&inst.code),
                ],
            )?;
            audit(
                db,
                actor,
                at,
                "update_institution",
                "agreement_institution",
                inst.code.as_str(),
                json!({"before": institution_json(&before.institution), "after": institution_json(inst)}),
            )?;
            institution_by_code(db, &inst.code)?
                .ok_or_else(|| StoreError::not_found("agreement institution", &inst.code))
        })
    }

    fn institution(&self, code: &InstitutionCode) -> Result<Option<InstitutionRow>, StoreError> {
        self.backend.read(|db| institution_by_code(db, code))
    }

    fn institutions(&self) -> Result<Vec<InstitutionRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT {INSTITUTION_COLUMNS} FROM agreement_institutions ORDER BY region, kind, code"
            );
            db.rows("reading the agreement institutions", &sql, &[])?
                .iter()
                .map(|r| institution_of(r))
                .collect()
        })
    }

    fn file_medical_bill(
        &self,
        b: &NewMedicalBill,
        actor: &str,
        at: Timestamp,
    ) -> Result<MedicalBillRow, StoreError> {
        require_actor(actor)?;
        let mut total = Money::ZERO;
        for l in &b.lines {
            if l.within_catalogue.fen() < 0 || l.outside_catalogue.fen() < 0 {
                return Err(StoreError::invalid("lines", "an amount is below 0.00"));
            }
            total = total
                .checked_add(l.within_catalogue)
                .and_then(|s| s.checked_add(l.outside_catalogue))
                .ok_or_else(|| StoreError::invalid("lines", "the total does not fit"))?;
        }
        if b.lines.is_empty() || total.fen() <= 0 {
            return Err(StoreError::invalid(
                "lines",
                "a bill has lines adding to more than 0.00",
            ));
        }
        self.backend.transaction(|db| {
            if db
                .opt_row("finding the case of a medical bill", "SELECT id FROM cases WHERE id = $1", &[i(b.case_id)])?
                .is_none()
            {
                return Err(StoreError::not_found("case", b.case_id));
            }
            let id = db.insert_id(
                "filing a medical bill",
                "INSERT INTO medical_bills (case_id, kind, route, institution_code, provider_name, service_from, service_until, \
                 emergency, confirmation, received_on, due_on, due_provisional, total_fen, status, filed_by, filed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'received', $14, $15) RETURNING id",
                &[
                    i(b.case_id),
                    t(b.kind.as_str()),
                    t(b.route.as_str()),
                    opt_t(b.institution.as_ref()),
                    t(b.provider_name.trim()),
                    t(b.service_from),
                    t(b.service_until),
                    i(i64::from(b.emergency)),
                    opt_t(b.confirmation.as_deref().map(str::trim)),
                    t(b.received_on),
                    opt_t(b.due_on),
                    i(i64::from(b.due_provisional)),
                    i(total.fen()),
                    t(actor),
                    t(at),
                ],
                || StoreError::duplicate("medical bill", b.case_id),
            )?;
            for (n, l) in b.lines.iter().enumerate() {
                db.exec(
                    "filing a medical bill's line",
                    "INSERT INTO medical_bill_lines (bill_id, line_no, description, within_fen, outside_fen) VALUES ($1, $2, $3, $4, $5)",
                    &[
                        i(id),
                        i(i64::try_from(n + 1).unwrap_or(i64::MAX)),
                        t(l.description.trim()),
                        i(l.within_catalogue.fen()),
                        i(l.outside_catalogue.fen()),
                    ],
                )?;
            }
            audit(
                db,
                actor,
                at,
                "file_medical_bill",
                "case",
                &b.case_id.to_string(),
                json!({
                    "bill": id, "kind": b.kind.as_str(), "route": b.route.as_str(),
                    "institution": b.institution.as_ref().map(InstitutionCode::as_str),
                    "total_fen": total.fen(), "received_on": b.received_on.to_string(),
                    "due_on": b.due_on.map(|d| d.to_string()),
                }),
            )?;
            bill_by_id(db, id)?.ok_or_else(|| StoreError::not_found("medical bill", id))
        })
    }

    fn medical_bill(&self, id: i64) -> Result<Option<MedicalBillRow>, StoreError> {
        self.backend.read(|db| bill_by_id(db, id))
    }

    fn medical_bills_of_case(&self, case_id: i64) -> Result<Vec<MedicalBillRow>, StoreError> {
        self.backend.read(|db| {
            let sql =
                format!("SELECT {BILL_COLUMNS} FROM medical_bills WHERE case_id = $1 ORDER BY id");
            let rows = db.rows("reading a case's medical bills", &sql, &[i(case_id)])?;
            rows.iter().map(|r| bill_of(db, r)).collect()
        })
    }

    fn open_reimbursement_claims(
        &self,
        limit: u32,
    ) -> Result<Vec<(String, MedicalBillRow)>, StoreError> {
        self.backend.read(|db| {
            let columns = BILL_COLUMNS
                .split(',')
                .map(|c| format!("mb.{}", c.trim()))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT {columns}, c.number FROM medical_bills mb JOIN cases c ON c.id = mb.case_id \
                 WHERE mb.route = 'manual_reimbursement' AND mb.status <> 'settled' \
                 ORDER BY mb.due_on, mb.id LIMIT $1"
            );
            let rows = db.rows("reading the open reimbursement claims", &sql, &[i(i64::from(limit))])?;
            rows.iter()
                .map(|r| {
                    let number = Cols::new(r).text(r.len() - 1)?.to_owned();
                    Ok((number, bill_of(db, r)?))
                })
                .collect()
        })
    }

    fn hold_medical_bill(
        &self,
        id: i64,
        code: &str,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<MedicalBillRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let n = db.exec(
                "holding a medical bill",
                "UPDATE medical_bills SET status = 'held', hold_code = $1, hold_reason = $2 \
                 WHERE id = $3 AND status <> 'settled'",
                &[t(code), t(reason), i(id)],
            )?;
            if n == 0 {
                return Err(match bill_by_id(db, id)? {
                    None => StoreError::not_found("medical bill", id),
                    Some(_) => StoreError::conflict("medical bill", id, "it is settled already"),
                });
            }
            let bill =
                bill_by_id(db, id)?.ok_or_else(|| StoreError::not_found("medical bill", id))?;
            audit(
                db,
                actor,
                at,
                "hold_medical_bill",
                "case",
                &bill.case_id.to_string(),
                json!({"bill": id, "code": code, "reason": reason}),
            )?;
            Ok(bill)
        })
    }

    fn settle_medical_bill(
        &self,
        id: i64,
        s: &MedicalSettlementIn,
        actor: &str,
        at: Timestamp,
    ) -> Result<MedicalBillRow, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let sql = format!("SELECT {BILL_COLUMNS} FROM medical_bills WHERE id = $1{}", db.for_update());
            let Some(row) = db.opt_row("locking a medical bill", &sql, &[i(id)])? else {
                return Err(StoreError::not_found("medical bill", id));
            };
            let bill = bill_of(db, &row)?;
            if bill.status == MedicalBillStatus::Settled {
                return Err(StoreError::conflict("medical bill", id, "it is settled already; a bill is settled once"));
            }
            if s.lines.len() != bill.lines.len() {
                return Err(StoreError::invalid(
                    "lines",
                    format!("the bill has {} lines, the settlement {}", bill.lines.len(), s.lines.len()),
                ));
            }
            let (mut payable, mut refused) = (Money::ZERO, Money::ZERO);
            for (stored, settled) in bill.lines.iter().zip(&s.lines) {
                let line_total = stored.within_catalogue.checked_add(stored.outside_catalogue);
                if settled.line != stored.line
                    || settled.payable.fen() < 0
                    || settled.refused.fen() < 0
                    || settled.payable.checked_add(settled.refused) != line_total
                {
                    return Err(StoreError::invalid(
                        "lines",
                        format!("line {}: the paid and refused parts add up to the line", stored.line),
                    ));
                }
                payable = payable.checked_add(settled.payable).unwrap_or(payable);
                refused = refused.checked_add(settled.refused).unwrap_or(refused);
                db.exec(
                    "settling a medical bill's line",
                    "UPDATE medical_bill_lines SET payable_fen = $1, refused_fen = $2, refusal_code = $3, refusal_reason = $4, article = $5 \
                     WHERE bill_id = $6 AND line_no = $7",
                    &[
                        i(settled.payable.fen()),
                        i(settled.refused.fen()),
                        opt_t(settled.refusal_code.as_deref()),
                        opt_t(settled.refusal_reason.as_deref()),
                        t(&settled.article),
                        i(id),
                        i(stored.line),
                    ],
                )?;
            }
            let posted = s.ledger.as_ref().map(Transaction::amount);
            let expected = (payable.fen() > 0).then_some(payable);
            if posted != expected {
                return Err(StoreError::invalid(
                    "ledger",
                    format!(
                        "the fund pays {payable} yuan; the transaction given posts {}",
                        posted.map_or("nothing".to_owned(), |a| format!("{a} yuan"))
                    ),
                ));
            }
            let key = match &s.ledger {
                Some(tx) => match post(db, tx, actor, at)? {
                    Posted::Posted => Some(tx.idempotency_key().as_str().to_owned()),
                    Posted::AlreadyPosted => {
                        return Err(StoreError::conflict(
                            "ledger transaction",
                            tx.idempotency_key().as_str(),
                            "it is already posted without its medical bill",
                        ));
                    }
                },
                None => None,
            };
            db.exec(
                "settling a medical bill",
                "UPDATE medical_bills SET status = 'settled', hold_code = NULL, hold_reason = NULL, payable_fen = $1, refused_fen = $2, \
                 dispute = $3, settled_by = $4, settled_at = $5, settled_on = $6, ledger_key = $7 WHERE id = $8",
                &[
                    i(payable.fen()),
                    i(refused.fen()),
                    opt_t(s.dispute.map(Dispute::as_str)),
                    t(actor),
                    t(at),
                    t(s.settled_on),
                    opt_t(key.as_deref()),
                    i(id),
                ],
            )?;
            if let Some(tx) = &s.ledger {
                add_to_fund_summary(db, tx)?;
            }
            audit(
                db,
                actor,
                at,
                "settle_medical_bill",
                "case",
                &bill.case_id.to_string(),
                json!({
                    "bill": id, "payable_fen": payable.fen(), "refused_fen": refused.fen(),
                    "dispute": s.dispute.map(Dispute::as_str), "ledger": key,
                }),
            )?;
            bill_by_id(db, id)?.ok_or_else(|| StoreError::not_found("medical bill", id))
        })
    }
}
