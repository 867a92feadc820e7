//! The store's logic, written once over [`Db`] for both backends: every
//! mutation runs in one database transaction together with its audit row.

use std::collections::BTreeMap;

use gongshang_domain::DomainError;
use gongshang_domain::ids::{CreditCode, IdempotencyKey, PlatformId, ResidentId};
use gongshang_domain::ledger::{self, Account, Posting, ReasonCode, Side, SubjectRef, Transaction};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::contribution::IndustryClass;
use gongshang_rules::rate::Rate;
use gongshang_rules::retirement::Sex;
use gongshang_rules::scheme::{Category, OrderIndustry};
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;

use crate::Store;
use crate::db::{Cols, Db, DbExt, Value};
use crate::error::StoreError;
use crate::model::*;

/// What a backend provides; the rest is [`SqlStore`].
pub trait Backend: Send + Sync {
    fn kind(&self) -> crate::BackendKind;
    /// Runs `f` in one database transaction: committed if `f` returns `Ok`,
    /// rolled back otherwise.
    fn transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;
    /// Runs read-only `f`. It never waits for a transaction of this store
    /// to end (SQLite: on a read-only connection of its own, in one read
    /// transaction; PostgreSQL: on a pooled connection).
    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;
    /// Runs `f` outside any transaction, for a statement that cannot run
    /// inside one (`VACUUM INTO`).
    fn outside_transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;
    /// Applies the pending migrations; returns the versions applied.
    fn migrate(&self) -> Result<Vec<i64>, StoreError>;
    /// Inserts a batch of orders and their order days in one transaction,
    /// skipping those already stored, then calls [`finish_order_batch`] in
    /// the same transaction. The batch is already validated.
    fn import_orders(
        &self,
        batch: &[OrderRecord],
        import_id: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportCounts, StoreError>;
}

/// A [`Store`] over a backend: [`crate::SqliteStore`] or [`crate::PostgresStore`].
pub struct SqlStore<B> {
    pub(crate) backend: B,
}

// ---- text forms -------------------------------------------------------------

pub(crate) fn category_text(c: Category) -> String {
    match serde_json::to_value(c) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{c:?}"),
    }
}

pub(crate) fn parse_category(text: &str) -> Result<Category, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|e| e.to_string())
}

pub(crate) const fn industry_text(i: OrderIndustry) -> &'static str {
    match i {
        OrderIndustry::RideHailing => "ride_hailing",
        OrderIndustry::InstantDelivery => "instant_delivery",
        OrderIndustry::IntraCityFreight => "intra_city_freight",
    }
}

fn reason_text(r: ReasonCode) -> String {
    match serde_json::to_value(r) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{r:?}"),
    }
}

const fn side_text(s: Side) -> &'static str {
    match s {
        Side::Debit => "debit",
        Side::Credit => "credit",
    }
}

fn parse_account(text: &str) -> Result<Account, String> {
    Account::ALL
        .into_iter()
        .find(|a| a.to_string() == text)
        .ok_or_else(|| format!("{text:?} is not an account"))
}

pub(crate) fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>().map_err(|e| e.to_string())
}

pub(crate) fn parse_timestamp(text: &str) -> Result<Timestamp, String> {
    text.parse::<Timestamp>().map_err(|e| e.to_string())
}

pub(crate) fn sex_text(s: Sex) -> &'static str {
    match s {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

fn i(v: i64) -> Value {
    Value::Int(v)
}

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

fn fen(m: Money) -> Value {
    Value::Int(m.fen())
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn require_text(field: &'static str, value: &str) -> Result<(), StoreError> {
    if value.trim().is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    Ok(())
}

// ---- audit ------------------------------------------------------------------

/// Writes the audit row of a mutation, in the caller's transaction.
pub(crate) fn audit(
    db: &mut dyn Db,
    actor: &str,
    at: Timestamp,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    db.exec(
        "writing the audit log",
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        &[t(at), t(actor), t(action), t(entity), t(entity_id), t(detail)],
    )?;
    Ok(())
}

// ---- lookups ----------------------------------------------------------------

pub(crate) fn person_id(db: &mut dyn Db, person: &ResidentId) -> Result<i64, StoreError> {
    let row = db.opt_row(
        "looking up a person",
        "SELECT id FROM people WHERE resident_id = $1",
        &[t(person.as_str())],
    )?;
    match row {
        Some(r) => Cols::new(&r).int(0),
        None => Err(StoreError::not_found(
            "person",
            format!("with resident id {}", person.masked()),
        )),
    }
}

pub(crate) fn unit_id(db: &mut dyn Db, unit: &CreditCode) -> Result<i64, StoreError> {
    let row = db.opt_row(
        "looking up a unit",
        "SELECT id FROM units WHERE credit_code = $1",
        &[t(unit.as_str())],
    )?;
    match row {
        Some(r) => Cols::new(&r).int(0),
        None => Err(StoreError::not_found(
            "unit",
            format!("with credit code {}", unit.as_str()),
        )),
    }
}

pub(crate) const UNIT_COLUMNS: &str =
    "id, credit_code, name, kind, region, industry_class, floating_tier, created_at";

pub(crate) fn unit_from_row(row: &[Value]) -> Result<Unit, StoreError> {
    let c = Cols::new(row);
    let class = c.int(5)?;
    Ok(Unit {
        id: c.int(0)?,
        credit_code: c.parsed(1, "credit_code", CreditCode::parse)?,
        name: c.text(2)?.to_owned(),
        kind: c.parsed(3, "unit_kind", UnitKind::parse)?,
        region: c.parsed(4, "region", gongshang_domain::ids::RegionCode::parse)?,
        industry_class: u8::try_from(class)
            .ok()
            .and_then(|c| IndustryClass::new(c).ok())
            .ok_or_else(|| {
                StoreError::stored(
                    "industry_class",
                    format!("stored value {class} is not 1 to 8"),
                )
            })?,
        floating_tier: c.parsed(6, "floating_tier", Rate::parse)?,
        created_at: c.parsed(7, "created_at", parse_timestamp)?,
    })
}

pub(crate) const ENROLLMENT_SELECT: &str = "SELECT e.id, p.resident_id, u.credit_code, e.scheme_id, e.category, e.start_date, e.end_date \
     FROM enrollments e JOIN people p ON p.id = e.person_id LEFT JOIN units u ON u.id = e.unit_id";

pub(crate) fn enrollment_from_row(row: &[Value]) -> Result<StoredEnrollment, StoreError> {
    let c = Cols::new(row);
    Ok(StoredEnrollment {
        id: c.int(0)?,
        person: c.parsed(1, "resident_id", ResidentId::parse)?,
        unit: c.opt_parsed(2, "credit_code", CreditCode::parse)?,
        scheme_id: c.scheme_id(3)?,
        category: c.parsed(4, "category", parse_category)?,
        start: c.parsed(5, "start_date", parse_date)?,
        last_day: c.opt_parsed(6, "end_date", parse_date)?,
    })
}

const BILL_STATUS_SELECT: &str = "SELECT b.id, b.reference, u.credit_code, b.period, b.due_date, b.amount_fen, \
     CAST(COALESCE((SELECT SUM(p.amount_fen) FROM payments p WHERE p.bill_id = b.id), 0) AS BIGINT) AS paid_fen, \
     b.due_provisional \
     FROM bills b LEFT JOIN units u ON u.id = b.unit_id";

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
    })
}

const STORED_BILL_SELECT: &str = "SELECT b.id, b.reference, u.credit_code, b.period, b.due_date, b.amount_fen, \
     CAST(COALESCE((SELECT SUM(p.amount_fen) FROM payments p WHERE p.bill_id = b.id), 0) AS BIGINT) AS paid_fen, \
     b.due_provisional, b.kind, b.scheme_id, b.fiscal_fen, pe.resident_id \
     FROM bills b LEFT JOIN units u ON u.id = b.unit_id LEFT JOIN people pe ON pe.id = b.person_id";

fn stored_bill_from_row(row: &[Value]) -> Result<StoredBill, StoreError> {
    let c = Cols::new(row);
    Ok(StoredBill {
        status: bill_status_from_row(row)?,
        kind: c.parsed(8, "kind", BillKind::parse)?,
        scheme_id: c.scheme_id(9)?,
        fiscal_share: Money::from_fen(c.int(10)?),
        person: c.opt_parsed(11, "resident_id", ResidentId::parse)?,
    })
}

fn bill_status(db: &mut dyn Db, bill_id: i64) -> Result<BillStatus, StoreError> {
    let sql = format!("{BILL_STATUS_SELECT} WHERE b.id = $1");
    match db.opt_row("reading a bill", &sql, &[i(bill_id)])? {
        Some(r) => bill_status_from_row(&r),
        None => Err(StoreError::not_found("bill", bill_id)),
    }
}

// ---- the ledger -------------------------------------------------------------

/// The transaction stored under `key`, read back through the domain's checks.
fn stored_transaction(db: &mut dyn Db, key: &str) -> Result<Option<Transaction>, StoreError> {
    let Some(row) = db.opt_row(
        "reading a ledger transaction",
        "SELECT id, reason, reverses, subjects FROM ledger_transactions WHERE idempotency_key = $1",
        &[t(key)],
    )?
    else {
        return Ok(None);
    };
    let c = Cols::new(&row);
    let bad = |field: &'static str| {
        move |e: String| StoreError::InvalidData {
            field,
            reason: format!("ledger transaction {key}: {e}"),
        }
    };
    let id = c.int(0)?;
    let reason: ReasonCode =
        serde_json::from_value(serde_json::Value::String(c.text(1)?.to_owned()))
            .map_err(|e| bad("reason")(e.to_string()))?;
    let reverses = c
        .opt_text(2)?
        .map(|k| IdempotencyKey::parse(k).map_err(|e| bad("reverses")(e.to_string())))
        .transpose()?;
    let subjects: Vec<SubjectRef> =
        serde_json::from_str(c.text(3)?).map_err(|e| bad("subjects")(e.to_string()))?;
    let postings = postings_of(db, id)?
        .into_iter()
        .map(|(a, side, fen)| {
            Posting::new(a, side, Money::from_fen(fen)).map_err(|e| bad("postings")(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let key = IdempotencyKey::parse(key).map_err(|e| bad("idempotency_key")(e.to_string()))?;
    Transaction::stored(key, reason, postings, subjects, reverses)
        .map(Some)
        .map_err(|e| bad("ledger")(e.to_string()))
}

fn postings_of(
    db: &mut dyn Db,
    transaction_id: i64,
) -> Result<Vec<(Account, Side, i64)>, StoreError> {
    let rows = db.rows(
        "reading ledger postings",
        "SELECT account, side, amount_fen FROM ledger_postings WHERE transaction_id = $1 ORDER BY id",
        &[i(transaction_id)],
    )?;
    rows.iter()
        .map(|r| {
            let c = Cols::new(r);
            let side = match c.text(1)? {
                "debit" => Side::Debit,
                _ => Side::Credit,
            };
            Ok((c.parsed(0, "account", parse_account)?, side, c.int(2)?))
        })
        .collect()
}

/// Posts `tx` in the caller's transaction (with its audit row).
pub(crate) fn post(
    db: &mut dyn Db,
    tx: &Transaction,
    actor: &str,
    at: Timestamp,
) -> Result<Posted, StoreError> {
    let key = tx.idempotency_key().as_str();
    let subjects = serde_json::to_string(tx.subjects())
        .map_err(|e| StoreError::invalid("subjects", e.to_string()))?;
    let reason = reason_text(tx.reason());
    let reverses = tx.reverses().map(|k| k.as_str().to_owned());
    // The domain's rules decide (ledger::judge), over what is stored.
    let same_key = stored_transaction(db, key)?;
    let target = match tx.reverses() {
        Some(k) => stored_transaction(db, k.as_str())?,
        None => None,
    };
    let reversed_by = match tx.reverses() {
        Some(k) => db
            .opt_row(
                "reading a ledger transaction",
                "SELECT idempotency_key FROM ledger_transactions WHERE reverses = $1",
                &[t(k.as_str())],
            )?
            .map(|r| {
                Cols::new(&r).text(0).and_then(|k| {
                    IdempotencyKey::parse(k).map_err(|e| StoreError::InvalidData {
                        field: "idempotency_key",
                        reason: e.to_string(),
                    })
                })
            })
            .transpose()?,
        None => None,
    };
    let prior = ledger::Prior {
        same_key: same_key.as_ref(),
        target: target.as_ref(),
        target_reversed_by: reversed_by.as_ref(),
    };
    match ledger::judge(tx, &prior) {
        Ok(ledger::Appended::AlreadyRecorded) => return Ok(Posted::AlreadyPosted),
        Ok(ledger::Appended::Recorded) => {}
        Err(DomainError::LedgerKeyConflict { .. }) => {
            return Err(StoreError::IdempotencyMismatch {
                entity: "ledger transaction",
                key: key.to_owned(),
            });
        }
        Err(e) => {
            return Err(StoreError::conflict(
                "ledger transaction",
                key,
                e.to_string(),
            ));
        }
    }
    let id = db.insert_id(
        "posting a ledger transaction",
        "INSERT INTO ledger_transactions (idempotency_key, reason, reverses, subjects, created_at, actor) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[
            t(key),
            t(&reason),
            Value::opt_text(reverses.clone()),
            t(&subjects),
            t(at),
            t(actor),
        ],
        || match &reverses {
            Some(target) => StoreError::conflict(
                "ledger transaction",
                key,
                format!("{target} is already reversed"),
            ),
            None => StoreError::duplicate("ledger transaction", key),
        },
    )?;
    for p in tx.postings() {
        db.exec(
            "posting a ledger transaction",
            "INSERT INTO ledger_postings (transaction_id, account, side, amount_fen) VALUES ($1, $2, $3, $4)",
            &[i(id), t(p.account()), t(side_text(p.side())), fen(p.amount())],
        )?;
    }
    audit(
        db,
        actor,
        at,
        "post",
        "ledger_transaction",
        key,
        json!({
            "id": id,
            "reason": reason,
            "reverses": reverses,
            "amount_fen": tx.amount().fen(),
            "postings": tx.postings().len(),
        }),
    )?;
    Ok(Posted::Posted)
}

fn post_new(
    db: &mut dyn Db,
    tx: &Transaction,
    what: &str,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    match post(db, tx, actor, at)? {
        Posted::Posted => Ok(()),
        Posted::AlreadyPosted => Err(StoreError::conflict(
            "ledger transaction",
            tx.idempotency_key().as_str(),
            format!("it is already posted, so it cannot also record this {what}"),
        )),
    }
}

// ---- imports ----------------------------------------------------------------

/// Checks a batch before anything is written.
pub(crate) fn validate_orders(batch: &[OrderRecord]) -> Result<(), StoreError> {
    for (n, o) in batch.iter().enumerate() {
        if o.premium.fen() < 0 {
            return Err(StoreError::invalid(
                "premium",
                format!(
                    "order {} (row {} of the batch): {} yuan is negative; 0.00 or more is allowed",
                    o.order_id.as_str(),
                    n + 1,
                    o.premium
                ),
            ));
        }
        let p = o.province.as_bytes();
        if p.len() != 2 || !p.iter().all(u8::is_ascii_digit) {
            return Err(StoreError::invalid(
                "province",
                format!(
                    "order {} (row {} of the batch): {:?} is not a two-digit province code",
                    o.order_id.as_str(),
                    n + 1,
                    o.province
                ),
            ));
        }
    }
    Ok(())
}

/// Adds a committed batch's counts to its import and writes the audit row, in
/// the batch's transaction.
pub(crate) fn finish_order_batch(
    db: &mut dyn Db,
    import_id: i64,
    rows: usize,
    counts: &ImportCounts,
    months: &MonthTotals,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    add_month_totals(db, months)?;
    let changed = db.exec(
        "counting an import batch",
        "UPDATE imports SET rows_added = rows_added + $1, rows_duplicate = rows_duplicate + $2, \
         rows_conflict = rows_conflict + $3, heartbeat_at = $4 \
         WHERE id = $5 AND finished_at IS NULL",
        &[
            i(i64::try_from(counts.added).unwrap_or(i64::MAX)),
            i(i64::try_from(counts.duplicate).unwrap_or(i64::MAX)),
            i(i64::try_from(counts.conflict).unwrap_or(i64::MAX)),
            t(at),
            i(import_id),
        ],
    )?;
    if changed == 0 {
        return Err(StoreError::not_found("unfinished import", import_id));
    }
    audit(
        db,
        actor,
        at,
        "import_orders",
        "import",
        &import_id.to_string(),
        json!({
            "rows": rows, "added": counts.added, "duplicate": counts.duplicate,
            "conflict": counts.conflict,
        }),
    )
}

/// The orders and premium a batch added, by platform and month, in key
/// order (so that concurrent batches lock the rows in the same order).
pub(crate) type MonthTotals = BTreeMap<(String, String), (i64, i64)>;

/// Adds the orders of a batch that went in to the totals of their month.
pub(crate) fn month_totals<'a>(added: impl Iterator<Item = &'a OrderRecord>) -> MonthTotals {
    let mut totals = MonthTotals::new();
    let mut last: Option<(&str, Date, (String, String))> = None;
    for o in added {
        let key = match &last {
            Some((p, d, key))
                if *p == o.platform.as_str()
                    && d.year() == o.day.year()
                    && d.month() == o.day.month() =>
            {
                key.clone()
            }
            _ => {
                let key = (o.platform.as_str().to_owned(), Month::of(o.day).to_string());
                last = Some((o.platform.as_str(), o.day, key.clone()));
                key
            }
        };
        let e = totals.entry(key).or_insert((0, 0));
        e.0 += 1;
        e.1 += o.premium.fen();
    }
    totals
}

fn add_month_totals(db: &mut dyn Db, months: &MonthTotals) -> Result<(), StoreError> {
    for ((platform, month), (orders, premium)) in months {
        db.exec(
            "adding to a platform's month",
            "INSERT INTO order_months (platform, month, orders, premium_fen) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (platform, month) DO UPDATE SET orders = order_months.orders + excluded.orders, \
             premium_fen = order_months.premium_fen + excluded.premium_fen",
            &[t(platform), t(month), i(*orders), i(*premium)],
        )?;
    }
    Ok(())
}

pub(crate) const IMPORT_COLUMNS: &str = "id, kind, source, rows_read, rows_added, rows_duplicate, rows_rejected, \
     started_at, finished_at, rows_conflict, COALESCE(heartbeat_at, started_at), failure";

pub(crate) fn import_from_row(row: &[Value]) -> Result<ImportSummary, StoreError> {
    let c = Cols::new(row);
    Ok(ImportSummary {
        id: c.int(0)?,
        kind: c.text(1)?.to_owned(),
        source: c.text(2)?.to_owned(),
        rows_read: count(c.int(3)?),
        rows_added: count(c.int(4)?),
        rows_duplicate: count(c.int(5)?),
        rows_rejected: count(c.int(6)?),
        started_at: c.parsed(7, "started_at", parse_timestamp)?,
        finished_at: c.opt_parsed(8, "finished_at", parse_timestamp)?,
        rows_conflict: count(c.int(9)?),
        heartbeat_at: c.parsed(10, "heartbeat_at", parse_timestamp)?,
        failure: c.opt_text(11)?.map(str::to_owned),
    })
}

fn import_summary(db: &mut dyn Db, import_id: i64) -> Result<ImportSummary, StoreError> {
    let sql = format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE id = $1");
    match db.opt_row("reading an import", &sql, &[i(import_id)])? {
        Some(row) => import_from_row(&row),
        None => Err(StoreError::not_found("import", import_id)),
    }
}

// ---- coverage ---------------------------------------------------------------

/// One statement (cached by both backends): cover rows from payments and
/// order days, for a person on a day, optionally of one unit (order days
/// have no unit, so they answer only when no unit is asked for).
const COVERAGE_AT: &str = "SELECT c.scheme_id, u.credit_code, c.enrollment_id, c.payment_id, c.basis, c.start_date, c.end_date, CAST(NULL AS TEXT) AS platform \
     FROM people p JOIN coverage c ON c.person_id = p.id LEFT JOIN units u ON u.id = c.unit_id \
     WHERE p.resident_id = $1 AND c.start_date <= $2 AND c.end_date >= $2 AND ($3 = '' OR u.credit_code = $3) \
     UNION ALL \
     SELECT 'national.platform_occupational_injury', CAST(NULL AS TEXT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), 'order_day', d.day, d.day, d.platform \
     FROM order_days d WHERE d.resident_id = $1 AND d.day = $2 AND $3 = ''";

/// [`COVERAGE_AT`] and the enrolments in one statement: the first column says
/// which (`e` an enrolment, `c` a cover). Columns 1-7 of an `e` row are
/// [`ENROLLMENT_SELECT`]'s; a `c` row's are rearranged for [`cover_from_row`].
const COVERAGE_OF_PERSON: &str = "SELECT 'e', e.id, p.resident_id, u.credit_code, e.scheme_id, e.category, e.start_date, e.end_date, \
     CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT) \
     FROM people p JOIN enrollments e ON e.person_id = p.id LEFT JOIN units u ON u.id = e.unit_id \
     WHERE p.resident_id = $1 \
     UNION ALL \
     SELECT 'c', c.enrollment_id, CAST(NULL AS TEXT), u.credit_code, c.scheme_id, CAST(NULL AS TEXT), c.start_date, c.end_date, \
     c.payment_id, c.basis, CAST(NULL AS TEXT) \
     FROM people p JOIN coverage c ON c.person_id = p.id LEFT JOIN units u ON u.id = c.unit_id \
     WHERE p.resident_id = $1 AND c.start_date <= $2 AND c.end_date >= $2 AND ($3 = '' OR u.credit_code = $3) \
     UNION ALL \
     SELECT 'c', CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), 'national.platform_occupational_injury', CAST(NULL AS TEXT), d.day, d.day, \
     CAST(NULL AS BIGINT), 'order_day', d.platform \
     FROM order_days d WHERE d.resident_id = $1 AND d.day = $2 AND ($3 = '' OR d.platform = $4)";

fn person_coverage_from_rows(rows: &[Vec<Value>]) -> Result<PersonCoverage, StoreError> {
    let mut out = PersonCoverage::default();
    for row in rows {
        let c = Cols::new(row);
        if c.text(0)? == "e" {
            out.enrollments.push(enrollment_from_row(&row[1..8])?);
        } else {
            // scheme, unit, enrolment, payment, basis, start, end, platform
            let cover = [
                row[4].clone(),
                row[3].clone(),
                row[1].clone(),
                row[8].clone(),
                row[9].clone(),
                row[6].clone(),
                row[7].clone(),
                row[10].clone(),
            ];
            out.covers.push(cover_from_row(&cover)?);
        }
    }
    out.enrollments.sort_by_key(|e| e.id);
    out.covers
        .sort_by(|a, b| (a.start, &a.scheme_id).cmp(&(b.start, &b.scheme_id)));
    Ok(out)
}

fn cover_from_row(row: &[Value]) -> Result<StoredCover, StoreError> {
    let c = Cols::new(row);
    let proof = match (c.opt_int(3)?, c.opt_text(7)?) {
        (Some(payment), _) => CoverProof::Payment(payment),
        (None, Some(platform)) => CoverProof::OrdersOnPlatform(
            PlatformId::parse(platform)
                .map_err(|e| StoreError::invalid("platform", e.to_string()))?,
        ),
        (None, None) => CoverProof::None,
    };
    Ok(StoredCover {
        scheme_id: c.scheme_id(0)?,
        unit: c.opt_parsed(1, "credit_code", CreditCode::parse)?,
        enrollment_id: c.opt_int(2)?,
        proof,
        basis: c.parsed(4, "basis", str::parse)?,
        start: c.parsed(5, "start_date", parse_date)?,
        end: c.parsed(6, "end_date", parse_date)?,
    })
}

/// Inserts a person with its audit row, in the caller's transaction.
fn insert_person(
    db: &mut dyn Db,
    person: &NewPerson,
    actor: &str,
    at: Timestamp,
) -> Result<Person, StoreError> {
    let rid = &person.resident_id;
    let id = db.insert_id(
        "creating a person",
        "INSERT INTO people (resident_id, name, sex, birth_date, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            t(rid.as_str()),
            t(&person.name),
            t(sex_text(rid.sex())),
            t(rid.birth_date()),
            t(at),
        ],
        || StoreError::duplicate("person", format!("with resident id {}", rid.masked())),
    )?;
    audit(
        db,
        actor,
        at,
        "create",
        "person",
        rid.as_str(),
        json!({"id": id, "name": person.name}),
    )?;
    Ok(Person {
        id,
        resident_id: *rid,
        name: person.name.clone(),
        sex: rid.sex(),
        birth_date: rid.birth_date(),
    })
}

/// Inserts an enrolment with its audit row, in the caller's transaction.
fn insert_enrollment(
    db: &mut dyn Db,
    e: &NewEnrollment,
    actor: &str,
    at: Timestamp,
) -> Result<i64, StoreError> {
    let person = person_id(db, &e.person)?;
    let unit = match &e.unit {
        Some(u) => Some(unit_id(db, u)?),
        None => None,
    };
    let id = db.insert_id(
        "creating an enrollment",
        "INSERT INTO enrollments (person_id, unit_id, scheme_id, category, start_date, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[
            i(person),
            Value::opt_int(unit),
            t(&e.scheme_id),
            t(category_text(e.category)),
            t(e.start),
            t(at),
        ],
        || StoreError::duplicate("enrollment", "with these values"),
    )?;
    if let Some(c) = &e.commitment {
        if !c.persons_informed {
            return Err(StoreError::invalid(
                "persons_informed",
                "a commitment is made only once the insured were informed of their rights and obligations",
            ));
        }
        require_text("commitment text", &c.text)?;
        db.exec(
            "keeping an enrollment's commitment",
            "INSERT INTO enrollment_commitments (enrollment_id, text, article, form, persons_informed, made_by, made_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                i(id),
                t(&c.text),
                t(&c.article),
                t(c.form.as_str()),
                i(1),
                t(actor),
                t(at),
            ],
        )?;
    }
    audit(
        db,
        actor,
        at,
        "create",
        "enrollment",
        &id.to_string(),
        json!({
            "person": e.person.as_str(), "unit": e.unit.as_ref().map(|u| u.as_str()),
            "scheme_id": e.scheme_id, "category": category_text(e.category),
            "start": e.start.to_string(),
            "commitment": e.commitment.as_ref().map(|c| c.form.as_str()),
        }),
    )?;
    Ok(id)
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
    for d in &bill.declarations {
        let month = d.month.to_string();
        let e = db.opt_row(
            "reading an enrollment",
            "SELECT id FROM enrollments WHERE id = $1",
            &[i(d.enrollment_id)],
        )?;
        if e.is_none() {
            return Err(StoreError::not_found("enrollment", d.enrollment_id));
        }
        let key = format!("for enrollment {} in {month}", d.enrollment_id);
        if let Some(prev) = db.opt_row(
            "reading a declaration",
            "SELECT bill_id FROM declarations WHERE enrollment_id = $1 AND month = $2",
            &[i(d.enrollment_id), t(&month)],
        )? {
            return Err(StoreError::conflict(
                "declaration",
                &key,
                format!(
                    "it was already declared on bill {}; supplementary declarations are not accepted",
                    Cols::new(&prev).int(0)?
                ),
            ));
        }
        db.insert_id(
            "storing a declaration",
            "INSERT INTO declarations (enrollment_id, month, declared_wage_fen, base_fen, rate, premium_fen, bill_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            &[
                i(d.enrollment_id),
                t(&month),
                fen(d.declared_wage),
                fen(d.base),
                t(d.rate),
                fen(d.premium),
                i(id),
                t(at),
            ],
            || {
                StoreError::conflict(
                    "declaration",
                    &key,
                    "it was already declared; supplementary declarations are not accepted",
                )
            },
        )?;
    }
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
    Ok(PaymentOutcome::Recorded(id))
}

// ---- the Store --------------------------------------------------------------

impl<B: Backend> SqlStore<B> {
    fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Db) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.backend.transaction(f)
    }

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

impl<B: Backend> Store for SqlStore<B> {
    fn backend(&self) -> crate::BackendKind {
        self.backend.kind()
    }

    fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        self.backend.migrate()
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        self.backend.read(|db| {
            let row = db.one_row(
                "reading the schema version",
                "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
                &[],
            )?;
            Cols::new(&row).int(0)
        })
    }

    fn create_unit(&self, unit: &NewUnit, actor: &str, at: Timestamp) -> Result<Unit, StoreError> {
        require_text("unit name", &unit.name)?;
        require_text("actor", actor)?;
        self.write(|db| {
            let code = unit.credit_code.as_str();
            let id = db.insert_id(
                "creating a unit",
                "INSERT INTO units (credit_code, name, kind, region, industry_class, floating_tier, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    t(code),
                    t(&unit.name),
                    t(unit.kind),
                    t(unit.region.as_str()),
                    i(i64::from(unit.industry_class.get())),
                    t(unit.floating_tier),
                    t(at),
                ],
                || StoreError::duplicate("unit", format!("with credit code {code}")),
            )?;
            audit(
                db,
                actor,
                at,
                "create",
                "unit",
                code,
                json!({
                    "id": id, "name": unit.name, "kind": unit.kind.as_str(),
                    "region": unit.region.as_str(), "industry_class": unit.industry_class.get(),
                    "floating_tier": unit.floating_tier.to_string(),
                }),
            )?;
            Ok(Unit {
                id,
                credit_code: unit.credit_code,
                name: unit.name.clone(),
                kind: unit.kind,
                region: unit.region,
                industry_class: unit.industry_class,
                floating_tier: unit.floating_tier,
                created_at: at,
            })
        })
    }

    fn unit_by_code(&self, code: &CreditCode) -> Result<Option<Unit>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE credit_code = $1");
            db.opt_row("reading a unit", &sql, &[t(code.as_str())])?
                .map(|r| unit_from_row(&r))
                .transpose()
        })
    }

    fn list_units(&self, page: Page) -> Result<Vec<Unit>, StoreError> {
        self.backend.read(|db| {
            let sql =
                format!("SELECT {UNIT_COLUMNS} FROM units WHERE id > $1 ORDER BY id LIMIT $2");
            db.rows(
                "listing units",
                &sql,
                &[i(page.after_id), i(i64::from(page.limit))],
            )?
            .iter()
            .map(|r| unit_from_row(r))
            .collect()
        })
    }

    fn create_person(
        &self,
        person: &NewPerson,
        actor: &str,
        at: Timestamp,
    ) -> Result<Person, StoreError> {
        require_text("person name", &person.name)?;
        require_text("actor", actor)?;
        self.write(|db| insert_person(db, person, actor, at))
    }

    fn create_person_and_enrollment(
        &self,
        person: &NewPerson,
        enrollment: &NewEnrollment,
        actor: &str,
        at: Timestamp,
    ) -> Result<(Person, i64), StoreError> {
        require_text("person name", &person.name)?;
        require_text("actor", actor)?;
        self.write(|db| {
            let stored = insert_person(db, person, actor, at)?;
            let id = insert_enrollment(db, enrollment, actor, at)?;
            Ok((stored, id))
        })
    }

    fn person_by_resident_id(&self, rid: &ResidentId) -> Result<Option<Person>, StoreError> {
        self.backend.read(|db| {
            let row = db.opt_row(
                "reading a person",
                "SELECT id, resident_id, name, sex, birth_date FROM people WHERE resident_id = $1",
                &[t(rid.as_str())],
            )?;
            row.map(|r| {
                let c = Cols::new(&r);
                Ok(Person {
                    id: c.int(0)?,
                    resident_id: c.parsed(1, "resident_id", ResidentId::parse)?,
                    name: c.text(2)?.to_owned(),
                    sex: if c.text(3)? == "male" {
                        Sex::Male
                    } else {
                        Sex::Female
                    },
                    birth_date: c.parsed(4, "birth_date", parse_date)?,
                })
            })
            .transpose()
        })
    }

    fn add_engagement(
        &self,
        e: &NewEngagement,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        require_text("actor", actor)?;
        if let Some(end) = e.end
            && end < e.start
        {
            return Err(StoreError::invalid(
                "end",
                format!(
                    "{end} is before the start {}; it must be on or after it",
                    e.start
                ),
            ));
        }
        self.write(|db| {
            let person = person_id(db, &e.person)?;
            let unit = unit_id(db, &e.unit)?;
            let id = db.insert_id(
                "adding an engagement",
                "INSERT INTO engagements (person_id, unit_id, category, start_date, end_date, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    i(person),
                    i(unit),
                    t(category_text(e.category)),
                    t(e.start),
                    Value::opt_text(e.end.map(|d| d.to_string())),
                    t(at),
                ],
                || StoreError::duplicate("engagement", "with these values"),
            )?;
            audit(
                db,
                actor,
                at,
                "create",
                "engagement",
                &id.to_string(),
                json!({
                    "person": e.person.as_str(), "unit": e.unit.as_str(),
                    "category": category_text(e.category),
                    "start": e.start.to_string(), "end": e.end.map(|d| d.to_string()),
                }),
            )?;
            Ok(id)
        })
    }

    fn engagements_of_person(&self, rid: &ResidentId) -> Result<Vec<Engagement>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading engagements",
                "SELECT g.id, p.resident_id, u.credit_code, g.category, g.start_date, g.end_date \
                 FROM engagements g JOIN people p ON p.id = g.person_id JOIN units u ON u.id = g.unit_id \
                 WHERE p.resident_id = $1 ORDER BY g.id",
                &[t(rid.as_str())],
            )?;
            rows.iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(Engagement {
                        id: c.int(0)?,
                        person: c.parsed(1, "resident_id", ResidentId::parse)?,
                        unit: c.parsed(2, "credit_code", CreditCode::parse)?,
                        category: c.parsed(3, "category", parse_category)?,
                        start: c.parsed(4, "start_date", parse_date)?,
                        end: c.opt_parsed(5, "end_date", parse_date)?,
                    })
                })
                .collect()
        })
    }

    fn create_enrollment(
        &self,
        e: &NewEnrollment,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        require_text("actor", actor)?;
        self.write(|db| insert_enrollment(db, e, actor, at))
    }

    fn end_enrollment(
        &self,
        enrollment_id: i64,
        last_day: Date,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_text("actor", actor)?;
        self.write(|db| {
            let row = db.opt_row(
                "reading an enrollment",
                "SELECT start_date, end_date FROM enrollments WHERE id = $1",
                &[i(enrollment_id)],
            )?;
            let Some(row) = row else {
                return Err(StoreError::not_found("enrollment", enrollment_id));
            };
            let c = Cols::new(&row);
            let start = c.parsed(0, "start_date", parse_date)?;
            if let Some(end) = c.opt_text(1)? {
                return Err(StoreError::conflict(
                    "enrollment",
                    enrollment_id,
                    format!("it already ended on {end}"),
                ));
            }
            if last_day < start {
                return Err(StoreError::invalid(
                    "last_day",
                    format!(
                        "{last_day} is before the start {start} of enrollment {enrollment_id}; it must be on or after it"
                    ),
                ));
            }
            db.exec(
                "ending an enrollment",
                "UPDATE enrollments SET end_date = $1 WHERE id = $2 AND end_date IS NULL",
                &[t(last_day), i(enrollment_id)],
            )?;
            audit(
                db,
                actor,
                at,
                "end",
                "enrollment",
                &enrollment_id.to_string(),
                json!({"last_day": last_day.to_string()}),
            )
        })
    }

    fn enrollments_of_person(&self, rid: &ResidentId) -> Result<Vec<StoredEnrollment>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("{ENROLLMENT_SELECT} WHERE p.resident_id = $1 ORDER BY e.id");
            db.rows("reading enrollments", &sql, &[t(rid.as_str())])?
                .iter()
                .map(|r| enrollment_from_row(r))
                .collect()
        })
    }

    fn commitments_of_person(&self, rid: &ResidentId) -> Result<Vec<StoredCommitment>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading commitments",
                "SELECT c.enrollment_id, c.text, c.article, c.form, c.made_by, c.made_at \
                 FROM enrollment_commitments c JOIN enrollments e ON e.id = c.enrollment_id \
                 JOIN people p ON p.id = e.person_id WHERE p.resident_id = $1 ORDER BY c.enrollment_id",
                &[t(rid.as_str())],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(StoredCommitment {
                    enrollment_id: c.int(0)?,
                    text: c.text(1)?.to_owned(),
                    article: c.text(2)?.to_owned(),
                    form: c.parsed(3, "form", CommitmentForm::parse)?,
                    persons_informed: true,
                    made_by: c.text(4)?.to_owned(),
                    made_at: c.parsed(5, "made_at", parse_timestamp)?,
                })
            })
            .collect()
        })
    }

    fn enrollment(&self, enrollment_id: i64) -> Result<Option<StoredEnrollment>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("{ENROLLMENT_SELECT} WHERE e.id = $1");
            db.opt_row("reading an enrollment", &sql, &[i(enrollment_id)])?
                .map(|r| enrollment_from_row(&r))
                .transpose()
        })
    }

    fn enrollments_of_unit(
        &self,
        unit: &CreditCode,
        scheme_id: Option<&gongshang_rules::SchemeId>,
    ) -> Result<Vec<StoredEnrollment>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "{ENROLLMENT_SELECT} WHERE u.credit_code = $1 AND ($2 = '' OR e.scheme_id = $2) ORDER BY e.id"
            );
            db.rows(
                "reading enrollments",
                &sql,
                &[t(unit.as_str()), t(scheme_id.map_or("", |s| s.as_str()))],
            )?
            .iter()
            .map(|r| enrollment_from_row(r))
            .collect()
        })
    }

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
                "SELECT * FROM ({BILL_STATUS_SELECT} WHERE b.due_date < $1) s \
                 WHERE s.paid_fen < s.amount_fen ORDER BY s.due_date, s.id"
            );
            db.rows("listing arrears", &sql, &[t(as_of)])?
                .iter()
                .map(|r| bill_status_from_row(r))
                .collect()
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

    fn begin_import(
        &self,
        kind: &str,
        source: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        require_text("kind", kind)?;
        require_text("actor", actor)?;
        self.write(|db| {
            let id = db.insert_id(
                "beginning an import",
                "INSERT INTO imports (kind, source, started_at, actor, heartbeat_at) VALUES ($1, $2, $3, $4, $3) RETURNING id",
                &[t(kind), t(source), t(at), t(actor)],
                || StoreError::duplicate("import", "with these values"),
            )?;
            audit(
                db,
                actor,
                at,
                "begin",
                "import",
                &id.to_string(),
                json!({"kind": kind, "source": source}),
            )?;
            Ok(id)
        })
    }

    fn import_orders(
        &self,
        batch: &[OrderRecord],
        import_id: i64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportCounts, StoreError> {
        require_text("actor", actor)?;
        validate_orders(batch)?;
        self.backend.import_orders(batch, import_id, actor, at)
    }

    fn finish_import(
        &self,
        import_id: i64,
        rows_read: u64,
        rows_rejected: u64,
        actor: &str,
        at: Timestamp,
    ) -> Result<ImportSummary, StoreError> {
        require_text("actor", actor)?;
        self.write(|db| {
            let changed = db.exec(
                "finishing an import",
                "UPDATE imports SET rows_read = $1, rows_rejected = $2, finished_at = $3 WHERE id = $4 AND finished_at IS NULL",
                &[
                    i(i64::try_from(rows_read).unwrap_or(i64::MAX)),
                    i(i64::try_from(rows_rejected).unwrap_or(i64::MAX)),
                    t(at),
                    i(import_id),
                ],
            )?;
            if changed == 0 {
                let summary = import_summary(db, import_id)?;
                return Err(StoreError::conflict(
                    "import",
                    import_id,
                    format!(
                        "it already finished at {}",
                        summary.finished_at.map(|t| t.to_string()).unwrap_or_default()
                    ),
                ));
            }
            let summary = import_summary(db, import_id)?;
            audit(
                db,
                actor,
                at,
                "finish",
                "import",
                &import_id.to_string(),
                json!({
                    "rows_read": summary.rows_read, "rows_added": summary.rows_added,
                    "rows_duplicate": summary.rows_duplicate, "rows_rejected": summary.rows_rejected,
                }),
            )?;
            Ok(summary)
        })
    }

    fn import_summary(&self, import_id: i64) -> Result<ImportSummary, StoreError> {
        self.backend.read(|db| import_summary(db, import_id))
    }

    fn reconcile_orders(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<OrderReconciliation, StoreError> {
        self.backend.read(|db| {
            let row = db.one_row(
                "reconciling orders",
                "SELECT COUNT(*), COUNT(DISTINCT resident_id), CAST(COALESCE(SUM(premium_fen), 0) AS BIGINT) \
                 FROM orders WHERE platform = $1 AND day >= $2 AND day <= $3",
                &[
                    t(platform.as_str()),
                    t(month.first_day()),
                    t(month.last_day()),
                ],
            )?;
            let c = Cols::new(&row);
            Ok(OrderReconciliation {
                orders: count(c.int(0)?),
                workers: count(c.int(1)?),
                premium: Money::from_fen(c.int(2)?),
            })
        })
    }

    fn order_month_provinces(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<Vec<(String, u64, Money)>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "summing a platform's month by province",
                "SELECT province, COUNT(*), CAST(COALESCE(SUM(premium_fen), 0) AS BIGINT) \
                 FROM orders WHERE platform = $1 AND day >= $2 AND day <= $3 \
                 GROUP BY province ORDER BY province",
                &[
                    t(platform.as_str()),
                    t(month.first_day()),
                    t(month.last_day()),
                ],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok((
                    c.text(0)?.to_owned(),
                    count(c.int(1)?),
                    Money::from_fen(c.int(2)?),
                ))
            })
            .collect()
        })
    }

    fn order_month_totals(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<OrderMonthTotals, StoreError> {
        self.backend.read(|db| {
            let row = db.opt_row(
                "reading a platform's month",
                "SELECT orders, premium_fen FROM order_months WHERE platform = $1 AND month = $2",
                &[t(platform.as_str()), t(month)],
            )?;
            let Some(row) = row else {
                return Ok(OrderMonthTotals::default());
            };
            let c = Cols::new(&row);
            Ok(OrderMonthTotals {
                orders: count(c.int(0)?),
                premium: Money::from_fen(c.int(1)?),
            })
        })
    }

    fn link_platform_unit(
        &self,
        platform: &PlatformId,
        unit: &CreditCode,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        require_text("actor", actor)?;
        self.write(|db| {
            let row = db.opt_row(
                "reading a unit",
                "SELECT id FROM units WHERE credit_code = $1",
                &[t(unit.as_str())],
            )?;
            let Some(row) = row else {
                return Err(StoreError::not_found("unit", unit.as_str()));
            };
            let unit_id = Cols::new(&row).int(0)?;
            db.exec(
                "linking a platform to its unit",
                "INSERT INTO platform_units (platform, unit_id) VALUES ($1, $2) \
                 ON CONFLICT (platform) DO UPDATE SET unit_id = excluded.unit_id",
                &[t(platform.as_str()), i(unit_id)],
            )?;
            audit(
                db,
                actor,
                at,
                "link",
                "platform",
                platform.as_str(),
                json!({"unit": unit.as_str()}),
            )
        })
    }

    fn platform_unit(&self, platform: &PlatformId) -> Result<Option<CreditCode>, StoreError> {
        self.backend.read(|db| {
            db.opt_row(
                "reading a platform's unit",
                "SELECT n.credit_code FROM platform_units p JOIN units n ON n.id = p.unit_id \
                 WHERE p.platform = $1",
                &[t(platform.as_str())],
            )?
            .map(|r| Cols::new(&r).parsed(0, "credit_code", CreditCode::parse))
            .transpose()
        })
    }

    fn platform_days(
        &self,
        platform: &PlatformId,
        from: Date,
        to: Date,
    ) -> Result<Vec<(Date, u64, u64, Money)>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading a platform's days",
                "SELECT day, COUNT(*), COUNT(DISTINCT resident_id), CAST(SUM(premium_fen) AS BIGINT) \
                 FROM orders WHERE platform = $1 AND day >= $2 AND day <= $3 GROUP BY day ORDER BY day",
                &[t(platform.as_str()), t(from), t(to)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok((
                    c.parsed(0, "day", parse_date)?,
                    count(c.int(1)?),
                    count(c.int(2)?),
                    Money::from_fen(c.int(3)?),
                ))
            })
            .collect()
        })
    }

    fn coverage_at(
        &self,
        person: &ResidentId,
        day: Date,
        unit: Option<&CreditCode>,
    ) -> Result<Vec<StoredCover>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "looking up coverage",
                COVERAGE_AT,
                &[
                    t(person.as_str()),
                    t(day),
                    t(unit.map_or("", |u| u.as_str())),
                ],
            )?;
            let mut covers = rows
                .iter()
                .map(|r| cover_from_row(r))
                .collect::<Result<Vec<_>, _>>()?;
            covers.sort_by(|a, b| (a.start, &a.scheme_id).cmp(&(b.start, &b.scheme_id)));
            Ok(covers)
        })
    }

    fn coverage_of_person(
        &self,
        person: &ResidentId,
        day: Date,
        unit: Option<&CreditCode>,
        platform: Option<&PlatformId>,
    ) -> Result<PersonCoverage, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "looking up coverage",
                COVERAGE_OF_PERSON,
                &[
                    t(person.as_str()),
                    t(day),
                    t(unit.map_or("", |u| u.as_str())),
                    t(platform.map_or("", |p| p.as_str())),
                ],
            )?;
            person_coverage_from_rows(&rows)
        })
    }

    fn post(&self, tx: &Transaction, actor: &str, at: Timestamp) -> Result<Posted, StoreError> {
        require_text("actor", actor)?;
        self.write(|db| {
            let posted = post(db, tx, actor, at)?;
            if posted == Posted::Posted {
                // a reversal of a bill or a payment changes the fund's flows
                crate::fund::add_to_fund_summary(db, tx)?;
            }
            Ok(posted)
        })
    }

    fn ledger_balances(&self) -> Result<Vec<(Account, i64)>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading ledger balances",
                "SELECT account, CAST(SUM(CASE WHEN side = 'debit' THEN amount_fen ELSE -amount_fen END) AS BIGINT) \
                 FROM ledger_postings GROUP BY account",
                &[],
            )?;
            let mut balances = BTreeMap::new();
            for r in &rows {
                let c = Cols::new(r);
                balances.insert(c.parsed(0, "account", parse_account)?, c.int(1)?);
            }
            Ok(balances.into_iter().collect())
        })
    }

    fn trial_balance(&self) -> Result<i128, StoreError> {
        Ok(self
            .ledger_balances()?
            .into_iter()
            .map(|(_, b)| i128::from(b))
            .sum())
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

    fn audit_entries(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>, StoreError> {
        self.backend.read(|db| {
            let rows = db.rows(
                "reading the audit log",
                "SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log \
                 WHERE entity = $1 AND entity_id = $2 ORDER BY id",
                &[t(entity), t(entity_id)],
            )?;
            rows.iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(AuditEntry {
                        id: c.int(0)?,
                        at: c.parsed(1, "at", parse_timestamp)?,
                        actor: c.text(2)?.to_owned(),
                        action: c.text(3)?.to_owned(),
                        entity: c.text(4)?.to_owned(),
                        entity_id: c.text(5)?.to_owned(),
                        detail: c.parsed(6, "detail", |s| {
                            serde_json::from_str::<serde_json::Value>(s)
                        })?,
                    })
                })
                .collect()
        })
    }
}
