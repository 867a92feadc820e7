//! Contributions: bills with their declarations, payments with the cover
//! they buy, arrears, and the holiday calendars that date the bills.

use super::*;
use crate::deferrals::BILL_EFFECTIVE_DUE_DATE;

pub trait BillingStore {
    /// The bill, its declarations, its ledger transaction and the audit row,
    /// in one transaction. A second declaration for the same enrollment and
    /// month is refused (`conflict`): there are no supplementary declarations.
    fn issue_bill(&self, bill: &NewBill, actor: &str, at: Timestamp) -> Result<i64, StoreError>;

    fn declarations_of_bill(&self, bill_id: i64) -> Result<Vec<Declaration>, StoreError>;

    fn bill_status(&self, bill_id: i64) -> Result<BillStatus, StoreError>;

    /// A bill with its kind, scheme and fiscal share.
    fn bill(&self, bill_id: i64) -> Result<StoredBill, StoreError>;

    /// A bill by its reference (`M202503-<unit>-<scheme>`, ...), if issued.
    fn bill_by_reference(&self, reference: &str) -> Result<Option<StoredBill>, StoreError>;

    /// Bills due before `as_of` with something outstanding: due in fact,
    /// so a deferred bill only once its repayment day is before `as_of`
    /// (`deferrals::BILL_EFFECTIVE_DUE_DATE`).
    fn arrears(&self, as_of: Date) -> Result<Vec<BillStatus>, StoreError>;

    /// A unit's monthly bills of `scheme` due before `due_before`, each with
    /// its payments and the days received, the earliest due first (arrears
    /// on an accident day, Social Insurance Law Art 41).
    fn unit_bills_with_payments(
        &self,
        unit: &CreditCode,
        scheme: &gongshang_rules::SchemeId,
        due_before: Date,
    ) -> Result<Vec<BillWithPayments>, StoreError>;

    /// The payment, its coverage rows, its ledger transaction and the audit
    /// row, in one transaction; the same payment again under its key is
    /// `AlreadyRecorded`, different content under the key an
    /// `idempotency_mismatch`.
    fn record_payment(
        &self,
        payment: &NewPayment,
        actor: &str,
        at: Timestamp,
    ) -> Result<PaymentOutcome, StoreError>;

    /// [`Store::record_payment`] of a payment whose cover was decided on the
    /// bill having been paid `paid_before`: if another payment of the bill
    /// came first, the decision is stale, nothing is written and the answer
    /// is a `conflict` on the bill (the caller reads the bill again and
    /// decides again). Payments of one bill take turns in the store (the
    /// bill is locked first), so a bill is never paid more than its amount
    /// and exactly one payment settles it.
    fn record_payment_if_paid(
        &self,
        payment: &NewPayment,
        paid_before: Money,
        actor: &str,
        at: Timestamp,
    ) -> Result<PaymentOutcome, StoreError>;

    /// [`Store::record_payment_if_paid`] with the late fee assessed on the
    /// payment (Social Insurance Law Art 86; migration 0310), written in the
    /// payment's own transaction: only when the payment is recorded now
    /// (the same payment again assesses nothing).
    fn record_payment_assessing(
        &self,
        payment: &NewPayment,
        paid_before: Money,
        late_fee: Option<&crate::late_fees::NewLateFeeAssessment>,
        actor: &str,
        at: Timestamp,
    ) -> Result<PaymentOutcome, StoreError>;

    /// The arrangements loaded at run time, by year.
    fn holiday_files(&self) -> Result<Vec<StoredHolidayFile>, StoreError>;

    /// Bills whose due date is provisional.
    fn provisional_bills(&self) -> Result<Vec<ProvisionalBill>, StoreError>;

    /// Stores a year's arrangement (replacing one loaded before) and the
    /// bills' due dates counted again by it, with the audit rows, in one
    /// transaction.
    fn load_holiday_file(
        &self,
        year: i16,
        text: &str,
        redated: &[BillRedated],
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
}

const BILL_STATUS_SELECT: &str = concat!(
    "SELECT b.id, b.reference, u.credit_code, b.period, b.due_date, b.amount_fen, \
     CAST(COALESCE((SELECT SUM(p.amount_fen) FROM payments p WHERE p.bill_id = b.id), 0) AS BIGINT) AS paid_fen, \
     b.due_provisional, ",
    crate::deferrals::bill_deferred_to_sql!(),
    " AS deferred_to FROM bills b LEFT JOIN units u ON u.id = b.unit_id"
);

fn bill_status_from_row(row: &[Value]) -> Result<BillStatus, StoreError> {
    let c = Cols::new(row);
    let amount = c.int(5)?;
    let paid = c.int(6)?;
    Ok(BillStatus {
        bill_id: c.int(0)?,
        reference: c.text(1)?.to_owned(),
        unit: c.opt_parsed(2, "credit_code", CreditCode::parse)?,
        period: c.text(3)?.to_owned(),
        due_date: c.parsed(4, "due_date", parse_date)?,
        due_provisional: c.int(7)? != 0,
        amount: Money::from_fen(amount),
        paid: Money::from_fen(paid),
        outstanding: Money::from_fen(amount - paid),
        deferred_to: c.opt_parsed(8, "deferred_to", parse_date)?,
    })
}

const STORED_BILL_SELECT: &str = concat!(
    "SELECT b.id, b.reference, u.credit_code, b.period, b.due_date, b.amount_fen, \
     CAST(COALESCE((SELECT SUM(p.amount_fen) FROM payments p WHERE p.bill_id = b.id), 0) AS BIGINT) AS paid_fen, \
     b.due_provisional, ",
    crate::deferrals::bill_deferred_to_sql!(),
    " AS deferred_to, b.kind, b.scheme_id, b.fiscal_fen, pe.resident_id \
     FROM bills b LEFT JOIN units u ON u.id = b.unit_id LEFT JOIN people pe ON pe.id = b.person_id"
);

fn stored_bill_from_row(row: &[Value]) -> Result<StoredBill, StoreError> {
    let c = Cols::new(row);
    Ok(StoredBill {
        status: bill_status_from_row(row)?,
        kind: c.parsed(9, "kind", BillKind::parse)?,
        scheme_id: c.scheme_id(10)?,
        fiscal_share: Money::from_fen(c.int(11)?),
        person: c.opt_parsed(12, "resident_id", ResidentId::parse)?,
    })
}

fn bill_status(db: &mut dyn Db, bill_id: i64) -> Result<BillStatus, StoreError> {
    let sql = format!("{BILL_STATUS_SELECT} WHERE b.id = $1");
    match db.opt_row("reading a bill", &sql, &[i(bill_id)])? {
        Some(r) => bill_status_from_row(&r),
        None => Err(StoreError::not_found("bill", bill_id)),
    }
}

/// The checks of a bill before any database work.
pub(crate) fn check_new_bill(bill: &NewBill, actor: &str) -> Result<(), StoreError> {
    require_text("reference", &bill.reference)?;
    require_text("period", &bill.period)?;
    require_text("actor", actor)?;
    let amount = bill.amount.fen();
    let fiscal = bill.fiscal_share.fen();
    if amount <= 0 {
        return Err(StoreError::invalid(
            "amount",
            format!("{} yuan; a bill must be more than 0.00", bill.amount),
        ));
    }
    if !(0..=amount).contains(&fiscal) {
        return Err(StoreError::invalid(
            "fiscal_share",
            format!(
                "{} yuan is outside 0.00 to the bill's {} yuan",
                bill.fiscal_share, bill.amount
            ),
        ));
    }
    if !bill.declarations.is_empty() {
        let total: i64 = bill.declarations.iter().map(|d| d.premium.fen()).sum();
        if total != amount {
            return Err(StoreError::invalid(
                "declarations",
                format!(
                    "their premiums add up to {} yuan, not the bill's {} yuan",
                    Money::from_fen(total),
                    bill.amount
                ),
            ));
        }
    }
    if bill.ledger.reason() != ReasonCode::BillIssued || bill.ledger.amount() != bill.amount {
        return Err(StoreError::invalid(
            "ledger",
            format!(
                "transaction {} must be a bill_issued of {} yuan (found {} of {} yuan)",
                bill.ledger.idempotency_key().as_str(),
                bill.amount,
                reason_text(bill.ledger.reason()),
                bill.ledger.amount()
            ),
        ));
    }
    Ok(())
}

/// Issues a bill (its declarations, its ledger transaction, the audit row)
/// in the caller's transaction; [`check_new_bill`] first.
pub(crate) fn issue_bill_in(
    db: &mut dyn Db,
    bill: &NewBill,
    actor: &str,
    at: Timestamp,
) -> Result<i64, StoreError> {
    Ok(issue_bills_in(db, std::slice::from_ref(bill), actor, at)?[0])
}

/// Issues bills in the caller's transaction, each with its ledger
/// transaction and audit row, and then the declarations of them all at
/// once: which enrolments are missing and which months are declared already
/// is asked of the database for the whole set (one staging table and two
/// joins on PostgreSQL, lookups of 500 enrolments on SQLite), and they go
/// in as one set. The bills' ids, in order.
pub(crate) fn issue_bills_in(
    db: &mut dyn Db,
    bills: &[NewBill],
    actor: &str,
    at: Timestamp,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(bills.len());
    let mut declarations = Vec::new();
    for bill in bills {
        let id = insert_bill(db, bill, actor, at)?;
        ids.push(id);
        declarations.extend(bill.declarations.iter().map(|d| (id, d)));
    }
    insert_declarations(db, &declarations, at)?;
    Ok(ids)
}

/// A second declaration of an enrolment's month: refused, naming the bill.
fn declared_already(enrollment_id: i64, month: &str, bill: Option<i64>) -> StoreError {
    let key = format!("for enrollment {enrollment_id} in {month}");
    match bill {
        Some(bill) => StoreError::conflict(
            "declaration",
            &key,
            format!(
                "it was already declared on bill {bill}; supplementary declarations are not accepted"
            ),
        ),
        None => StoreError::conflict(
            "declaration",
            &key,
            "it was already declared; supplementary declarations are not accepted",
        ),
    }
}

const DECLARATION_COLUMNS: &str =
    "enrollment_id, month, declared_wage_fen, base_fen, rate, premium_fen, bill_id, created_at";

/// The declarations of bills (bill id, declaration), checked and stored as
/// one set: an enrolment that does not exist is `not_found`, a month
/// declared already (before, or twice in the set) a `conflict`.
fn insert_declarations(
    db: &mut dyn Db,
    declarations: &[(i64, &NewDeclaration)],
    at: Timestamp,
) -> Result<(), StoreError> {
    if declarations.is_empty() {
        return Ok(());
    }
    let mut values = Vec::with_capacity(declarations.len() * 8);
    for (bill_id, d) in declarations {
        values.extend([
            i(d.enrollment_id),
            t(d.month),
            fen(d.declared_wage),
            fen(d.base),
            t(d.rate),
            fen(d.premium),
            i(*bill_id),
            t(at),
        ]);
    }
    let columns: Vec<&str> = DECLARATION_COLUMNS.split(", ").collect();
    if crate::imports::stage(db, "staging declarations", &columns, &values)? {
        // The checks as joins over the set, the first in file order.
        if let Some(row) = db.opt_row(
            "checking declarations",
            "SELECT s.enrollment_id FROM import_staging s \
             WHERE NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.id = s.enrollment_id) \
             ORDER BY s.n LIMIT 1",
            &[],
        )? {
            return Err(StoreError::not_found("enrollment", Cols::new(&row).int(0)?));
        }
        if let Some(row) = db.opt_row(
            "checking declarations",
            "SELECT s.enrollment_id, s.month, d.bill_id FROM import_staging s \
             JOIN declarations d ON d.enrollment_id = s.enrollment_id AND d.month = s.month \
             ORDER BY s.n LIMIT 1",
            &[],
        )? {
            let c = Cols::new(&row);
            return Err(declared_already(c.int(0)?, c.text(1)?, Some(c.int(2)?)));
        }
        let backend = db.backend();
        return match db.execute(
            &format!(
                "INSERT INTO declarations ({DECLARATION_COLUMNS}) \
                 SELECT {DECLARATION_COLUMNS} FROM import_staging ORDER BY n"
            ),
            &[],
        ) {
            Ok(_) => Ok(()),
            // Twice in the set.
            Err(crate::db::DbError::Unique(_)) => {
                let (_, d) = declarations[0];
                Err(twice_in_set(declarations).unwrap_or_else(|| {
                    declared_already(d.enrollment_id, &d.month.to_string(), None)
                }))
            }
            Err(e) => Err(crate::db::backend_error(backend, "storing declarations", e)),
        };
    }
    // Lookups of many enrolments a statement.
    let mut enrollment_ids: Vec<i64> = declarations.iter().map(|(_, d)| d.enrollment_id).collect();
    enrollment_ids.sort_unstable();
    enrollment_ids.dedup();
    let mut found = std::collections::HashSet::with_capacity(enrollment_ids.len());
    let mut declared = std::collections::HashMap::new();
    for chunk in enrollment_ids.chunks(500) {
        let list = (1..=chunk.len())
            .map(|k| format!("${k}"))
            .collect::<Vec<_>>()
            .join(", ");
        let params: Vec<Value> = chunk.iter().map(|&id| i(id)).collect();
        for r in db.rows(
            "reading enrollments",
            &format!("SELECT id FROM enrollments WHERE id IN ({list})"),
            &params,
        )? {
            found.insert(Cols::new(&r).int(0)?);
        }
        for r in db.rows(
            "reading declarations",
            &format!(
                "SELECT enrollment_id, month, bill_id FROM declarations WHERE enrollment_id IN ({list})"
            ),
            &params,
        )? {
            let c = Cols::new(&r);
            declared.insert((c.int(0)?, c.text(1)?.to_owned()), c.int(2)?);
        }
    }
    for (_, d) in declarations {
        if !found.contains(&d.enrollment_id) {
            return Err(StoreError::not_found("enrollment", d.enrollment_id));
        }
        let month = d.month.to_string();
        if let Some(&bill) = declared.get(&(d.enrollment_id, month.clone())) {
            return Err(declared_already(d.enrollment_id, &month, Some(bill)));
        }
    }
    if let Some(e) = twice_in_set(declarations) {
        return Err(e);
    }
    crate::imports::insert_many(
        db,
        "storing declarations",
        &format!("INSERT INTO declarations ({DECLARATION_COLUMNS})"),
        8,
        &values,
        "",
        || {
            let (_, d) = declarations[0];
            declared_already(d.enrollment_id, &d.month.to_string(), None)
        },
    )?;
    Ok(())
}

/// The first declaration of the set whose enrolment and month an earlier
/// one of the set has, refused naming that one's bill.
fn twice_in_set(declarations: &[(i64, &NewDeclaration)]) -> Option<StoreError> {
    let mut seen = std::collections::HashMap::with_capacity(declarations.len());
    for (bill, d) in declarations {
        if let Some(&first) = seen.get(&(d.enrollment_id, d.month)) {
            return Some(declared_already(
                d.enrollment_id,
                &d.month.to_string(),
                Some(first),
            ));
        }
        seen.insert((d.enrollment_id, d.month), *bill);
    }
    None
}

fn insert_bill(
    db: &mut dyn Db,
    bill: &NewBill,
    actor: &str,
    at: Timestamp,
) -> Result<i64, StoreError> {
    let (amount, fiscal) = (bill.amount.fen(), bill.fiscal_share.fen());
    let unit = match &bill.unit {
        Some(u) => Some(unit_id(db, u)?),
        None => None,
    };
    let person = match &bill.person {
        Some(p) => Some(person_id(db, p)?),
        None => None,
    };
    let reference = bill.reference.as_str();
    let id = db.insert_id(
        "issuing a bill",
        "INSERT INTO bills (unit_id, person_id, reference, scheme_id, kind, period, amount_fen, fiscal_fen, due_date, created_at, due_provisional) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        &[
            Value::opt_int(unit),
            Value::opt_int(person),
            t(reference),
            t(&bill.scheme_id),
            t(bill.kind.as_str()),
            t(&bill.period),
            i(amount),
            i(fiscal),
            t(bill.due_date),
            t(at),
            i(i64::from(bill.due_provisional)),
        ],
        || StoreError::duplicate("bill", format!("with reference {reference}")),
    )?;
    post_new(db, &bill.ledger, "bill", actor, at)?;
    crate::fund::add_to_fund_summary(db, &bill.ledger)?;
    audit(
        db,
        actor,
        at,
        "issue",
        "bill",
        reference,
        json!({
            "id": id, "kind": bill.kind.as_str(), "scheme_id": bill.scheme_id,
            "period": bill.period, "amount_fen": amount, "fiscal_fen": fiscal,
            "due_date": bill.due_date.to_string(),
            "due_provisional": bill.due_provisional,
            "declarations": bill.declarations.len(),
            "ledger": bill.ledger.idempotency_key().as_str(),
        }),
    )?;
    Ok(id)
}

/// The checks of a payment before any database work.
pub(crate) fn check_new_payment(p: &NewPayment, actor: &str) -> Result<(), StoreError> {
    require_text("idempotency_key", &p.idempotency_key)?;
    require_text("actor", actor)?;
    if p.amount.fen() <= 0 {
        return Err(StoreError::invalid(
            "amount",
            format!("{} yuan; a payment must be more than 0.00", p.amount),
        ));
    }
    if p.ledger.reason() != ReasonCode::PaymentReceived || p.ledger.amount() != p.amount {
        return Err(StoreError::invalid(
            "ledger",
            format!(
                "transaction {} must be a payment_received of {} yuan (found {} of {} yuan)",
                p.ledger.idempotency_key().as_str(),
                p.amount,
                reason_text(p.ledger.reason()),
                p.ledger.amount()
            ),
        ));
    }
    for c in &p.coverage {
        if c.end < c.start {
            return Err(StoreError::invalid(
                "coverage",
                format!(
                    "a cover from {} to {} ends before it starts",
                    c.start, c.end
                ),
            ));
        }
    }
    Ok(())
}

/// Records a payment (cover, ledger, audit) in the caller's transaction;
/// [`check_new_payment`] first.
///
/// With `paid_before`, what the bill had been paid when the payment (and its
/// cover) was decided: when another payment went in since, nothing is
/// written and the conflict says to decide again.
pub(crate) fn record_payment_in(
    db: &mut dyn Db,
    p: &NewPayment,
    paid_before: Option<Money>,
    actor: &str,
    at: Timestamp,
) -> Result<PaymentOutcome, StoreError> {
    record_payment_assessing_in(db, p, paid_before, None, actor, at)
}

/// [`record_payment_in`] with the late fee assessed on the payment, if any
/// ([`crate::late_fees::check_assessment`] first).
pub(crate) fn record_payment_assessing_in(
    db: &mut dyn Db,
    p: &NewPayment,
    paid_before: Option<Money>,
    late_fee: Option<&crate::late_fees::NewLateFeeAssessment>,
    actor: &str,
    at: Timestamp,
) -> Result<PaymentOutcome, StoreError> {
    let key = p.idempotency_key.as_str();
    // Before anything is read: a payment of the same bill (or the same
    // payment sent twice) waits here until this one commits, then reads what
    // it left.
    let lock = format!("SELECT id FROM bills WHERE id = $1{}", db.for_update());
    if db
        .opt_row("locking a bill", &lock, &[i(p.bill_id)])?
        .is_none()
    {
        return Err(StoreError::not_found("bill", p.bill_id));
    }
    if let Some(row) = db.opt_row(
        "reading a payment",
        "SELECT id, bill_id, amount_fen, paid_on FROM payments WHERE idempotency_key = $1",
        &[t(key)],
    )? {
        let c = Cols::new(&row);
        let same = c.int(1)? == p.bill_id
            && c.int(2)? == p.amount.fen()
            && c.text(3)? == p.paid_on.to_string();
        return if same {
            Ok(PaymentOutcome::AlreadyRecorded(c.int(0)?))
        } else {
            Err(StoreError::IdempotencyMismatch {
                entity: "payment",
                key: key.to_owned(),
            })
        };
    }
    let status = bill_status(db, p.bill_id)?;
    if let Some(before) = paid_before
        && before != status.paid
    {
        return Err(StoreError::conflict(
            "bill",
            p.bill_id,
            format!(
                "{} yuan was paid when this payment was decided and {} yuan is now; \
                 another payment came first, decide again",
                before, status.paid
            ),
        ));
    }
    if p.amount > status.outstanding {
        return Err(StoreError::conflict(
            "bill",
            p.bill_id,
            format!(
                "a payment of {} yuan is more than the {} yuan outstanding",
                p.amount, status.outstanding
            ),
        ));
    }
    let id = db.insert_id(
        "recording a payment",
        "INSERT INTO payments (bill_id, amount_fen, paid_on, idempotency_key, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[i(p.bill_id), fen(p.amount), t(p.paid_on), t(key), t(at)],
        || StoreError::duplicate("payment", format!("with idempotency key {key}")),
    )?;
    for c in &p.coverage {
        let person = person_id(db, &c.person)?;
        let unit = match &c.unit {
            Some(u) => Some(unit_id(db, u)?),
            None => None,
        };
        db.exec(
            "storing coverage",
            "INSERT INTO coverage (person_id, unit_id, scheme_id, enrollment_id, payment_id, basis, start_date, end_date) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                i(person),
                Value::opt_int(unit),
                t(&c.scheme_id),
                Value::opt_int(c.enrollment_id),
                i(id),
                t(c.basis),
                t(c.start),
                t(c.end),
            ],
        )?;
    }
    post_new(db, &p.ledger, "payment", actor, at)?;
    crate::fund::add_to_fund_summary(db, &p.ledger)?;
    audit(
        db,
        actor,
        at,
        "record",
        "payment",
        key,
        json!({
            "id": id, "bill_id": p.bill_id, "amount_fen": p.amount.fen(),
            "paid_on": p.paid_on.to_string(), "coverage_rows": p.coverage.len(),
            "ledger": p.ledger.idempotency_key().as_str(),
        }),
    )?;
    if let Some(fee) = late_fee {
        crate::late_fees::assess_in(db, p.bill_id, id, fee, actor, at)?;
    }
    Ok(PaymentOutcome::Recorded(id))
}

impl<B: Backend> SqlStore<B> {
    /// A payment, in one transaction that first locks its bill: two
    /// payments of one bill take turns from there, so the second sees the
    /// first (what is outstanding, whether it is settled) and a bill is
    /// never paid more than its amount. `paid_before`: what the bill had
    /// been paid when the caller decided the payment's cover; if it was
    /// paid more since, the decision is stale and nothing is written.
    fn record_payment_decided_on(
        &self,
        p: &NewPayment,
        paid_before: Option<Money>,
        actor: &str,
        at: Timestamp,
    ) -> Result<PaymentOutcome, StoreError> {
        check_new_payment(p, actor)?;
        self.write(|db| record_payment_in(db, p, paid_before, actor, at))
    }
}

impl<B: Backend> BillingStore for SqlStore<B> {
    fn issue_bill(&self, bill: &NewBill, actor: &str, at: Timestamp) -> Result<i64, StoreError> {
        check_new_bill(bill, actor)?;
        self.write(|db| issue_bill_in(db, bill, actor, at))
    }

    fn declarations_of_bill(&self, bill_id: i64) -> Result<Vec<Declaration>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading declarations",
                "SELECT id, bill_id, enrollment_id, month, declared_wage_fen, base_fen, rate, premium_fen \
                 FROM declarations WHERE bill_id = $1 ORDER BY id",
                &[i(bill_id)],
            )?;
            rows.iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(Declaration {
                        id: c.int(0)?,
                        bill_id: c.int(1)?,
                        enrollment_id: c.int(2)?,
                        month: c.parsed(3, "month", Month::parse)?,
                        declared_wage: Money::from_fen(c.int(4)?),
                        base: Money::from_fen(c.int(5)?),
                        rate: c.parsed(6, "rate", Rate::parse)?,
                        premium: Money::from_fen(c.int(7)?),
                    })
                })
                .collect()
        })
    }

    fn bill_status(&self, bill_id: i64) -> Result<BillStatus, StoreError> {
        self.backend.read(|db| bill_status(db, bill_id))
    }

    fn bill(&self, bill_id: i64) -> Result<StoredBill, StoreError> {
        self.backend.read(|db| {
            let sql = format!("{STORED_BILL_SELECT} WHERE b.id = $1");
            match db.opt_row("reading a bill", &sql, &[i(bill_id)])? {
                Some(r) => stored_bill_from_row(&r),
                None => Err(StoreError::not_found("bill", bill_id)),
            }
        })
    }

    fn bill_by_reference(&self, reference: &str) -> Result<Option<StoredBill>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("{STORED_BILL_SELECT} WHERE b.reference = $1");
            db.opt_row("reading a bill", &sql, &[t(reference)])?
                .map(|r| stored_bill_from_row(&r))
                .transpose()
        })
    }

    fn arrears(&self, as_of: Date) -> Result<Vec<BillStatus>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT * FROM ({BILL_STATUS_SELECT} WHERE b.due_date < $1 AND {BILL_EFFECTIVE_DUE_DATE} < $1) s \
                 WHERE s.paid_fen < s.amount_fen ORDER BY s.due_date, s.id"
            );
            db.rows("listing arrears", &sql, &[t(as_of)])?
                .iter()
                .map(|r| bill_status_from_row(r))
                .collect()
        })
    }

    fn unit_bills_with_payments(
        &self,
        unit: &CreditCode,
        scheme: &gongshang_rules::SchemeId,
        due_before: Date,
    ) -> Result<Vec<BillWithPayments>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "{BILL_STATUS_SELECT} WHERE u.credit_code = $1 AND b.scheme_id = $2 \
                 AND b.kind = 'monthly' AND b.due_date < $3 ORDER BY b.due_date, b.id"
            );
            let bills = db
                .rows(
                    "reading a unit's bills",
                    &sql,
                    &[t(unit.as_str()), t(scheme), t(due_before)],
                )?
                .iter()
                .map(|r| bill_status_from_row(r))
                .collect::<Result<Vec<_>, _>>()?;
            // Every payment of those bills in one statement (not one per
            // bill: this runs for each award and payers view).
            let mut payments: std::collections::HashMap<i64, Vec<PaymentOfBill>> =
                std::collections::HashMap::new();
            for r in db.rows(
                "reading the payments of a unit's bills",
                "SELECT p.bill_id, p.paid_on, p.amount_fen FROM payments p \
                 JOIN bills b ON b.id = p.bill_id JOIN units u ON u.id = b.unit_id \
                 WHERE u.credit_code = $1 AND b.scheme_id = $2 AND b.kind = 'monthly' AND b.due_date < $3 \
                 ORDER BY p.bill_id, p.paid_on, p.id",
                &[t(unit.as_str()), t(scheme), t(due_before)],
            )? {
                let c = Cols::new(&r);
                payments.entry(c.int(0)?).or_default().push(PaymentOfBill {
                    paid_on: c.parsed(1, "paid_on", parse_date)?,
                    amount: Money::from_fen(c.int(2)?),
                });
            }
            let out = bills
                .into_iter()
                .map(|status| BillWithPayments {
                    payments: payments.remove(&status.bill_id).unwrap_or_default(),
                    status,
                })
                .collect();
            Ok(out)
        })
    }

    fn record_payment(
        &self,
        p: &NewPayment,
        actor: &str,
        at: Timestamp,
    ) -> Result<PaymentOutcome, StoreError> {
        self.record_payment_decided_on(p, None, actor, at)
    }

    fn record_payment_if_paid(
        &self,
        p: &NewPayment,
        paid_before: Money,
        actor: &str,
        at: Timestamp,
    ) -> Result<PaymentOutcome, StoreError> {
        self.record_payment_decided_on(p, Some(paid_before), actor, at)
    }

    fn record_payment_assessing(
        &self,
        p: &NewPayment,
        paid_before: Money,
        late_fee: Option<&crate::late_fees::NewLateFeeAssessment>,
        actor: &str,
        at: Timestamp,
    ) -> Result<PaymentOutcome, StoreError> {
        check_new_payment(p, actor)?;
        if let Some(fee) = late_fee {
            crate::late_fees::check_assessment(fee)?;
        }
        self.write(|db| record_payment_assessing_in(db, p, Some(paid_before), late_fee, actor, at))
    }

    fn holiday_files(&self) -> Result<Vec<StoredHolidayFile>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading the holiday calendars",
                "SELECT year, file_text, loaded_by, loaded_at FROM holiday_calendars ORDER BY year",
                &[],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(StoredHolidayFile {
                    year: i16::try_from(c.int(0)?)
                        .map_err(|_| StoreError::invalid("year", "outside 1949 to 2099"))?,
                    text: c.text(1)?.to_owned(),
                    loaded_by: c.text(2)?.to_owned(),
                    loaded_at: c.parsed(3, "loaded_at", parse_timestamp)?,
                })
            })
            .collect()
        })
    }

    fn provisional_bills(&self) -> Result<Vec<ProvisionalBill>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading bills with provisional due dates",
                "SELECT id, kind, period, due_date FROM bills WHERE due_provisional = 1 ORDER BY id",
                &[],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(ProvisionalBill {
                    bill_id: c.int(0)?,
                    kind: c.parsed(1, "kind", BillKind::parse)?,
                    period: c.text(2)?.to_owned(),
                    due_date: c.parsed(3, "due_date", parse_date)?,
                })
            })
            .collect()
        })
    }

    fn load_holiday_file(
        &self,
        year: i16,
        text: &str,
        redated: &[BillRedated],
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_text("actor", actor)?;
        require_text("holiday file", text)?;
        self.write(|db| {
            let replaced = db
                .opt_row(
                    "reading a holiday calendar",
                    "SELECT year FROM holiday_calendars WHERE year = $1",
                    &[i(i64::from(year))],
                )?
                .is_some();
            if replaced {
                db.exec(
                    "replacing a holiday calendar",
                    "UPDATE holiday_calendars SET file_text = $2, loaded_by = $3, loaded_at = $4 WHERE year = $1",
                    &[i(i64::from(year)), t(text), t(actor), t(at)],
                )?;
            } else {
                db.exec(
                    "storing a holiday calendar",
                    "INSERT INTO holiday_calendars (year, file_text, loaded_by, loaded_at) VALUES ($1, $2, $3, $4)",
                    &[i(i64::from(year)), t(text), t(actor), t(at)],
                )?;
            }
            audit(
                db,
                actor,
                at,
                if replaced { "replace" } else { "load" },
                "holiday_calendar",
                &year.to_string(),
                json!({ "bills_redated": redated.len() }),
            )?;
            for r in redated {
                let n = db.exec(
                    "re-dating a bill",
                    "UPDATE bills SET due_date = $2, due_provisional = $3 WHERE id = $1",
                    &[
                        i(r.bill_id),
                        t(r.due_date),
                        i(i64::from(r.due_provisional)),
                    ],
                )?;
                if n != 1 {
                    return Err(StoreError::not_found("bill", r.bill_id));
                }
                audit(
                    db,
                    actor,
                    at,
                    "redate",
                    "bill",
                    &r.bill_id.to_string(),
                    json!({
                        "due_date": r.due_date.to_string(),
                        "due_provisional": r.due_provisional,
                        "holiday_year": year,
                    }),
                )?;
            }
            Ok(())
        })
    }
}
