//! Bulk imports of the registry and of contributions: what is stored for
//! many keys at once (the check pass of an import compares a whole file
//! with it), and one import written in one database transaction, many rows
//! a statement, with its `imports` row and one audit row per change.
//!
//! A file of a million people or enrolments is one unit of work: a failure
//! anywhere (a key taken meanwhile, the process killed) leaves nothing of
//! it behind, and running the file again does all of it.

use gongshang_domain::ids::{CreditCode, ResidentId};
use jiff::Timestamp;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value, values_list};
use crate::engine::{
    Backend, ENROLLMENT_SELECT, IMPORT_COLUMNS, SqlStore, UNIT_COLUMNS, audit, category_text,
    check_new_bill, check_new_payment, enrollment_from_row, import_from_row, issue_bills_in,
    parse_category, parse_date, record_payment_in, sex_text, unit_from_row,
};
use crate::error::StoreError;
use crate::model::*;

/// Keys per `IN (...)` lookup and rows per multi-row INSERT: well under
/// SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const KEYS_PER_QUERY: usize = 500;
const ROWS_PER_INSERT: usize = 500;
/// Keys per lookup on PostgreSQL, in one text parameter.
const PG_KEYS_PER_QUERY: usize = 200_000;

/// One registry or contribution import, checked by the caller, to be
/// written whole. The kinds of rows not in the file are empty.
#[derive(Clone, Debug, Default)]
pub struct RegistryImport {
    /// `units`, `people`, `enrollments`, `declarations` or `payments`.
    pub kind: String,
    /// The file name (or `api`).
    pub source: String,
    pub rows_read: u64,
    /// Rows identical to what is stored: nothing to write.
    pub rows_duplicate: u64,
    /// Rows refused (skipped with `--skip-invalid`), conflicts included.
    pub rows_rejected: u64,
    pub rows_conflict: u64,
    pub units: Vec<NewUnit>,
    pub people: Vec<NewPerson>,
    /// Written before the enrolments (an employee's labour relation).
    pub engagements: Vec<NewEngagement>,
    pub enrollments: Vec<NewEnrollment>,
    pub bills: Vec<NewBill>,
    pub payments: Vec<NewPayment>,
}

impl RegistryImport {
    fn rows_added(&self) -> u64 {
        (self.units.len() + self.people.len() + self.enrollments.len() + self.payments.len()) as u64
            + self
                .bills
                .iter()
                .map(|b| b.declarations.len() as u64)
                .sum::<u64>()
    }
}

/// What writing an import assigned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryImportWritten {
    pub import_id: i64,
    /// In the order of [`RegistryImport::bills`].
    pub bill_ids: Vec<i64>,
    /// In the order of [`RegistryImport::payments`].
    pub payment_ids: Vec<i64>,
}

/// A payment as stored, found by its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPayment {
    pub id: i64,
    pub idempotency_key: String,
    pub bill_id: i64,
    pub amount: gongshang_rules::Money,
    pub paid_on: jiff::civil::Date,
}

/// The bulk side of the store, for imports.
pub trait ImportStore {
    fn units_by_codes(&self, codes: &[CreditCode]) -> Result<Vec<Unit>, StoreError>;
    fn people_by_resident_ids(&self, ids: &[ResidentId]) -> Result<Vec<Person>, StoreError>;
    /// The engagements of these people, by person then id.
    fn engagements_of_people(&self, ids: &[ResidentId]) -> Result<Vec<Engagement>, StoreError>;
    /// The enrolments of these people, by person then id.
    fn enrollments_of_people(
        &self,
        ids: &[ResidentId],
    ) -> Result<Vec<StoredEnrollment>, StoreError>;
    fn payments_by_keys(&self, keys: &[String]) -> Result<Vec<StoredPayment>, StoreError>;
    /// Writes the whole import in one transaction (with its `imports` row,
    /// finished, and the audit rows); nothing of it if anything fails.
    fn write_registry_import(
        &self,
        import: &RegistryImport,
        actor: &str,
        at: Timestamp,
    ) -> Result<RegistryImportWritten, StoreError>;
    /// Records why an import's run stopped (it then shows as failed).
    fn fail_import(&self, import_id: i64, reason: &str) -> Result<(), StoreError>;
    /// The latest imports, newest first.
    fn recent_imports(&self, limit: u32) -> Result<Vec<ImportSummary>, StoreError>;
}

fn i(v: i64) -> Value {
    Value::Int(v)
}

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

fn n(v: u64) -> Value {
    Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
}

fn placeholders(count: usize) -> String {
    (1..=count)
        .map(|k| format!("${k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `select` (with `{keys}` standing for the parameter list) once per
/// chunk of keys.
fn rows_by_keys(
    db: &mut dyn Db,
    context: &str,
    select: &str,
    keys: &[String],
) -> Result<Vec<Vec<Value>>, StoreError> {
    let mut out = Vec::new();
    // Only in the reading transactions of the check pass: in the writing one
    // it would plan every many-row INSERT again too.
    if db.backend() == "postgres" && select.contains(" JOIN ") {
        // A prepared statement gets a generic plan after five runs, and the
        // generic plan of a 500-key IN list joined to a big table is a
        // sequential scan of it (113 ms a lookup instead of 1.5 ms,
        // measured on a million enrolments). Plan each lookup for its keys.
        db.exec(
            "planning lookups",
            "SET LOCAL plan_cache_mode = force_custom_plan",
            &[],
        )?;
    }
    let mut sorted: Vec<&String> = keys.iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    if db.backend() == "postgres" && !sorted.iter().any(|k| k.contains(',')) {
        // The keys of a whole file in one statement, as one text parameter
        // split by the server: a lookup of 500 keys joined to a table of
        // 100,000 rows or more is planned as a hash join over a scan of that
        // table (35 ms each, measured on 100,000 enrolments), so a file of
        // N rows scanned it N/500 times; now once per PG_KEYS_PER_QUERY.
        let sql = select.replace("IN ({keys})", "= ANY (string_to_array($1, ','))");
        for chunk in sorted.chunks(PG_KEYS_PER_QUERY) {
            let list = chunk
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(",");
            out.extend(db.rows(context, &sql, &[Value::Text(list)])?);
        }
        return Ok(out);
    }
    for chunk in sorted.chunks(KEYS_PER_QUERY) {
        let sql = select.replace("{keys}", &placeholders(chunk.len()));
        let params: Vec<Value> = chunk.iter().map(t).collect();
        out.extend(db.rows(context, &sql, &params)?);
    }
    Ok(out)
}

/// The ids of people (or units) by key, looked up in the caller's
/// transaction; a missing one is `not_found`.
fn ids_by_key(
    db: &mut dyn Db,
    table: &str,
    column: &str,
    keys: &[String],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let sql = format!("SELECT {column}, id FROM {table} WHERE {column} IN ({{keys}})");
    let rows = rows_by_keys(db, "looking up ids", &sql, keys)?;
    let mut map = std::collections::HashMap::with_capacity(rows.len());
    for r in &rows {
        let c = Cols::new(r);
        map.insert(c.text(0)?.to_owned(), c.int(1)?);
    }
    Ok(map)
}

/// Rows from which PostgreSQL's writes go through a staging table (fewer
/// cost less as a statement or two than a temporary table made for them).
const ROWS_TO_STAGE: usize = 100;

/// PostgreSQL: puts the rows (`columns` named as in the target table) into
/// a temporary table `import_staging` made anew for them (with `n`, their
/// order in the file) by one binary COPY, so that one `INSERT ... SELECT`
/// writes them all with the checks and joins done by the server; the table
/// goes at the end of the transaction, a rollback included. `false` on
/// SQLite (no COPY), and for fewer than [`ROWS_TO_STAGE`] rows.
pub(crate) fn stage(
    db: &mut dyn Db,
    context: &str,
    columns: &[&str],
    values: &[Value],
) -> Result<bool, StoreError> {
    let width = columns.len();
    if db.backend() != "postgres" || width == 0 || values.len() < width * ROWS_TO_STAGE {
        return Ok(false);
    }
    let definitions = columns
        .iter()
        .zip(values)
        .map(|(c, v)| match v {
            Value::Int(_) | Value::NullInt => format!("{c} BIGINT"),
            Value::Text(_) | Value::NullText => format!("{c} TEXT"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    db.exec(context, "DROP TABLE IF EXISTS pg_temp.import_staging", &[])?;
    db.exec(
        context,
        &format!(
            "CREATE TEMP TABLE import_staging (n BIGINT GENERATED ALWAYS AS IDENTITY, {definitions}) \
             ON COMMIT DROP"
        ),
        &[],
    )?;
    match db.copy_rows("import_staging", &columns.join(", "), width, values) {
        Some(Ok(_)) => Ok(true),
        Some(Err(e)) => Err(crate::db::backend_error("postgres", context, e)),
        None => Ok(false),
    }
}

/// The column names of `INSERT INTO table (a, b, c)`.
fn head_columns(head: &str) -> Vec<&str> {
    match (head.find('('), head.rfind(')')) {
        (Some(open), Some(close)) if open < close => {
            head[open + 1..close].split(',').map(str::trim).collect()
        }
        _ => Vec::new(),
    }
}

/// A many-row INSERT of `rows` rows of `columns` values each, returning
/// what `returning` names (empty: nothing). On PostgreSQL, from
/// [`ROWS_TO_STAGE`] rows, one binary COPY into a staging table and one
/// `INSERT ... SELECT` instead of a statement of 500 rows' parameters each.
pub(crate) fn insert_many(
    db: &mut dyn Db,
    context: &str,
    head: &str,
    columns: usize,
    values: &[Value],
    returning: &str,
    on_unique: impl Fn() -> StoreError,
) -> Result<Vec<Vec<Value>>, StoreError> {
    let names = head_columns(head);
    if names.len() == columns && stage(db, context, &names, values)? {
        let mut sql = format!(
            "{head} SELECT {} FROM import_staging ORDER BY n",
            names.join(", ")
        );
        if !returning.is_empty() {
            sql.push_str(" RETURNING ");
            sql.push_str(returning);
        }
        let backend = db.backend();
        return match db.query(&sql, &[]) {
            Ok(r) => Ok(r),
            Err(crate::db::DbError::Unique(_)) => Err(on_unique()),
            Err(e) => Err(crate::db::backend_error(backend, context, e)),
        };
    }
    let mut out = Vec::new();
    for chunk in values.chunks(columns * ROWS_PER_INSERT) {
        let rows = chunk.len() / columns;
        let mut sql = format!("{head} VALUES {}", values_list(rows, columns, '$'));
        if !returning.is_empty() {
            sql.push_str(" RETURNING ");
            sql.push_str(returning);
        }
        let backend = db.backend();
        match db.query(&sql, chunk) {
            Ok(r) => out.extend(r),
            Err(crate::db::DbError::Unique(_)) => return Err(on_unique()),
            Err(e) => return Err(crate::db::backend_error(backend, context, e)),
        }
    }
    Ok(out)
}

/// One audit row per change, many a statement.
struct AuditRows {
    values: Vec<Value>,
}

impl AuditRows {
    fn new() -> AuditRows {
        AuditRows { values: Vec::new() }
    }

    fn push(
        &mut self,
        actor: &str,
        at: Timestamp,
        action: &str,
        entity: &str,
        entity_id: &str,
        detail: serde_json::Value,
    ) {
        self.values.extend([
            t(at),
            t(actor),
            t(action),
            t(entity),
            t(entity_id),
            t(detail),
        ]);
    }

    fn write(self, db: &mut dyn Db) -> Result<(), StoreError> {
        // PostgreSQL: straight into the log by one binary COPY (it has no
        // key to check but its own identity).
        if self.values.len() >= 6 * ROWS_TO_STAGE
            && let Some(copied) = db.copy_rows(
                "audit_log",
                "at, actor, action, entity, entity_id, detail",
                6,
                &self.values,
            )
        {
            let backend = db.backend();
            copied.map_err(|e| crate::db::backend_error(backend, "writing the audit log", e))?;
            return Ok(());
        }
        insert_many(
            db,
            "writing the audit log",
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail)",
            6,
            &self.values,
            "",
            || StoreError::duplicate("audit row", "with these values"),
        )?;
        Ok(())
    }
}

fn write_units(
    db: &mut dyn Db,
    units: &[NewUnit],
    import_id: i64,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let mut values = Vec::with_capacity(units.len() * 7);
    for u in units {
        values.extend([
            t(u.credit_code.as_str()),
            t(&u.name),
            t(u.kind),
            t(u.region.as_str()),
            i(i64::from(u.industry_class.get())),
            t(u.floating_tier),
            t(at),
        ]);
    }
    let ids = insert_many(
        db,
        "importing units",
        "INSERT INTO units (credit_code, name, kind, region, industry_class, floating_tier, created_at)",
        7,
        &values,
        "id, credit_code",
        || {
            StoreError::duplicate(
                "unit",
                "with a credit code of the file (registered meanwhile)",
            )
        },
    )?;
    let ids = id_map(&ids)?;
    let mut audit_rows = AuditRows::new();
    for u in units {
        let code = u.credit_code.as_str();
        audit_rows.push(
            actor,
            at,
            "create",
            "unit",
            code,
            json!({
                "id": ids.get(code), "name": u.name, "kind": u.kind.as_str(),
                "region": u.region.as_str(), "industry_class": u.industry_class.get(),
                "floating_tier": u.floating_tier.to_string(), "import": import_id,
            }),
        );
    }
    audit_rows.write(db)
}

/// `RETURNING id, key` rows as key → id.
fn id_map(rows: &[Vec<Value>]) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let mut map = std::collections::HashMap::with_capacity(rows.len());
    for r in rows {
        let c = Cols::new(r);
        map.insert(c.text(1)?.to_owned(), c.int(0)?);
    }
    Ok(map)
}

fn write_people(
    db: &mut dyn Db,
    people: &[NewPerson],
    import_id: i64,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let mut values = Vec::with_capacity(people.len() * 5);
    for p in people {
        let rid = &p.resident_id;
        values.extend([
            t(rid.as_str()),
            t(&p.name),
            t(sex_text(rid.sex())),
            t(rid.birth_date()),
            t(at),
        ]);
    }
    let ids = insert_many(
        db,
        "importing people",
        "INSERT INTO people (resident_id, name, sex, birth_date, created_at)",
        5,
        &values,
        "id, resident_id",
        || {
            StoreError::duplicate(
                "person",
                "with a resident id of the file (registered meanwhile)",
            )
        },
    )?;
    let ids = id_map(&ids)?;
    let mut audit_rows = AuditRows::new();
    for p in people {
        let rid = p.resident_id.as_str();
        audit_rows.push(
            actor,
            at,
            "create",
            "person",
            rid,
            json!({"id": ids.get(rid), "name": p.name, "import": import_id}),
        );
    }
    audit_rows.write(db)
}

fn person_ids(
    db: &mut dyn Db,
    people: impl Iterator<Item = ResidentId>,
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let keys: Vec<String> = people.map(|p| p.as_str().to_owned()).collect();
    ids_by_key(db, "people", "resident_id", &keys)
}

fn unit_ids(
    db: &mut dyn Db,
    units: impl Iterator<Item = CreditCode>,
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let keys: Vec<String> = units.map(|u| u.as_str().to_owned()).collect();
    ids_by_key(db, "units", "credit_code", &keys)
}

fn lookup(
    map: &std::collections::HashMap<String, i64>,
    entity: &'static str,
    key: &str,
) -> Result<i64, StoreError> {
    map.get(key)
        .copied()
        .ok_or_else(|| StoreError::not_found(entity, key))
}

fn write_engagements_and_enrollments(
    db: &mut dyn Db,
    import: &RegistryImport,
    import_id: i64,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    if import.engagements.is_empty() && import.enrollments.is_empty() {
        return Ok(());
    }
    let people = person_ids(
        db,
        import
            .engagements
            .iter()
            .map(|e| e.person)
            .chain(import.enrollments.iter().map(|e| e.person)),
    )?;
    let units = unit_ids(
        db,
        import
            .engagements
            .iter()
            .map(|e| e.unit)
            .chain(import.enrollments.iter().filter_map(|e| e.unit)),
    )?;
    let mut audit_rows = AuditRows::new();
    let mut values = Vec::with_capacity(import.engagements.len() * 6);
    for e in &import.engagements {
        if e.end.is_some_and(|end| end < e.start) {
            return Err(StoreError::invalid(
                "end",
                format!("{:?} is before the start {}", e.end, e.start),
            ));
        }
        values.extend([
            i(lookup(&people, "person", e.person.as_str())?),
            i(lookup(&units, "unit", e.unit.as_str())?),
            t(category_text(e.category)),
            t(e.start),
            Value::opt_text(e.end.map(|d| d.to_string())),
            t(at),
        ]);
    }
    let rows = insert_many(
        db,
        "importing engagements",
        "INSERT INTO engagements (person_id, unit_id, category, start_date, end_date, created_at)",
        6,
        &values,
        "id, person_id, unit_id, start_date",
        || StoreError::duplicate("engagement", "with these values"),
    )?;
    // (person id, unit id, start) → id: the rows of one import differ there.
    let mut engagement_ids = std::collections::HashMap::new();
    for r in &rows {
        let c = Cols::new(r);
        engagement_ids.insert((c.int(1)?, c.int(2)?, c.text(3)?.to_owned()), c.int(0)?);
    }
    for e in &import.engagements {
        let key = (
            lookup(&people, "person", e.person.as_str())?,
            lookup(&units, "unit", e.unit.as_str())?,
            e.start.to_string(),
        );
        let id = engagement_ids.get(&key).copied().unwrap_or(0);
        audit_rows.push(
            actor,
            at,
            "create",
            "engagement",
            &id.to_string(),
            json!({
                "person": e.person.as_str(), "unit": e.unit.as_str(),
                "category": category_text(e.category),
                "start": e.start.to_string(), "end": e.end.map(|d| d.to_string()),
                "import": import_id,
            }),
        );
    }
    let mut values = Vec::with_capacity(import.enrollments.len() * 6);
    for e in &import.enrollments {
        values.extend([
            i(lookup(&people, "person", e.person.as_str())?),
            Value::opt_int(
                e.unit
                    .map(|u| lookup(&units, "unit", u.as_str()))
                    .transpose()?,
            ),
            t(&e.scheme_id),
            t(category_text(e.category)),
            t(e.start),
            t(at),
        ]);
    }
    let rows = insert_many(
        db,
        "importing enrollments",
        "INSERT INTO enrollments (person_id, unit_id, scheme_id, category, start_date, created_at)",
        6,
        &values,
        "id, person_id, unit_id, scheme_id",
        || StoreError::duplicate("enrollment", "with these values"),
    )?;
    // (person, unit, scheme) → id: one import enrols a person once in a
    // scheme by a unit (a second would overlap the first).
    let mut enrollment_ids = std::collections::HashMap::new();
    for r in &rows {
        let c = Cols::new(r);
        enrollment_ids.insert((c.int(1)?, c.opt_int(2)?, c.scheme_id(3)?), c.int(0)?);
    }
    for e in &import.enrollments {
        let key = (
            lookup(&people, "person", e.person.as_str())?,
            e.unit
                .map(|u| lookup(&units, "unit", u.as_str()))
                .transpose()?,
            e.scheme_id.clone(),
        );
        let id = enrollment_ids.get(&key).copied().unwrap_or(0);
        audit_rows.push(
            actor,
            at,
            "create",
            "enrollment",
            &id.to_string(),
            json!({
                "person": e.person.as_str(), "unit": e.unit.as_ref().map(|u| u.as_str()),
                "scheme_id": e.scheme_id, "category": category_text(e.category),
                "start": e.start.to_string(), "import": import_id,
            }),
        );
    }
    audit_rows.write(db)
}

impl<B: Backend> ImportStore for SqlStore<B> {
    fn units_by_codes(&self, codes: &[CreditCode]) -> Result<Vec<Unit>, StoreError> {
        let keys: Vec<String> = codes.iter().map(|c| c.as_str().to_owned()).collect();
        self.backend.read(|db| {
            let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE credit_code IN ({{keys}})");
            rows_by_keys(db, "reading units", &sql, &keys)?
                .iter()
                .map(|r| unit_from_row(r))
                .collect()
        })
    }

    fn people_by_resident_ids(&self, ids: &[ResidentId]) -> Result<Vec<Person>, StoreError> {
        let keys: Vec<String> = ids.iter().map(|p| p.as_str().to_owned()).collect();
        self.backend.read(|db| {
            rows_by_keys(
                db,
                "reading people",
                "SELECT id, resident_id, name, sex, birth_date FROM people WHERE resident_id IN ({keys})",
                &keys,
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(Person {
                    id: c.int(0)?,
                    resident_id: c.parsed(1, "resident_id", ResidentId::parse)?,
                    name: c.text(2)?.to_owned(),
                    sex: if c.text(3)? == "male" {
                        gongshang_rules::retirement::Sex::Male
                    } else {
                        gongshang_rules::retirement::Sex::Female
                    },
                    birth_date: c.parsed(4, "birth_date", parse_date)?,
                })
            })
            .collect()
        })
    }

    fn engagements_of_people(&self, ids: &[ResidentId]) -> Result<Vec<Engagement>, StoreError> {
        let keys: Vec<String> = ids.iter().map(|p| p.as_str().to_owned()).collect();
        self.backend.read(|db| {
            let mut out = rows_by_keys(
                db,
                "reading engagements",
                "SELECT g.id, p.resident_id, u.credit_code, g.category, g.start_date, g.end_date \
                 FROM engagements g JOIN people p ON p.id = g.person_id JOIN units u ON u.id = g.unit_id \
                 WHERE p.resident_id IN ({keys})",
                &keys,
            )?
            .iter()
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
            .collect::<Result<Vec<_>, StoreError>>()?;
            out.sort_by(|a, b| (a.person.as_str(), a.id).cmp(&(b.person.as_str(), b.id)));
            Ok(out)
        })
    }

    fn enrollments_of_people(
        &self,
        ids: &[ResidentId],
    ) -> Result<Vec<StoredEnrollment>, StoreError> {
        let keys: Vec<String> = ids.iter().map(|p| p.as_str().to_owned()).collect();
        self.backend.read(|db| {
            let sql = format!("{ENROLLMENT_SELECT} WHERE p.resident_id IN ({{keys}})");
            let mut out = rows_by_keys(db, "reading enrollments", &sql, &keys)?
                .iter()
                .map(|r| enrollment_from_row(r))
                .collect::<Result<Vec<_>, StoreError>>()?;
            out.sort_by(|a, b| (a.person.as_str(), a.id).cmp(&(b.person.as_str(), b.id)));
            Ok(out)
        })
    }

    fn payments_by_keys(&self, keys: &[String]) -> Result<Vec<StoredPayment>, StoreError> {
        self.backend.read(|db| {
            rows_by_keys(
                db,
                "reading payments",
                "SELECT id, idempotency_key, bill_id, amount_fen, paid_on FROM payments \
                 WHERE idempotency_key IN ({keys})",
                keys,
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(StoredPayment {
                    id: c.int(0)?,
                    idempotency_key: c.text(1)?.to_owned(),
                    bill_id: c.int(2)?,
                    amount: gongshang_rules::Money::from_fen(c.int(3)?),
                    paid_on: c.parsed(4, "paid_on", parse_date)?,
                })
            })
            .collect()
        })
    }

    fn write_registry_import(
        &self,
        import: &RegistryImport,
        actor: &str,
        at: Timestamp,
    ) -> Result<RegistryImportWritten, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "must not be empty"));
        }
        if import.kind.trim().is_empty() {
            return Err(StoreError::invalid("kind", "must not be empty"));
        }
        for u in &import.units {
            if u.name.trim().is_empty() {
                return Err(StoreError::invalid("unit name", "must not be empty"));
            }
        }
        for p in &import.people {
            if p.name.trim().is_empty() {
                return Err(StoreError::invalid("person name", "must not be empty"));
            }
        }
        for b in &import.bills {
            check_new_bill(b, actor)?;
        }
        for p in &import.payments {
            check_new_payment(p, actor)?;
        }
        let written = self.backend.transaction(|db| {
            let import_id = db.insert_id(
                "recording an import",
                "INSERT INTO imports (kind, source, rows_read, rows_added, rows_duplicate, rows_rejected, \
                 rows_conflict, started_at, finished_at, heartbeat_at, actor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8, $9) RETURNING id",
                &[
                    t(&import.kind),
                    t(&import.source),
                    n(import.rows_read),
                    n(import.rows_added()),
                    n(import.rows_duplicate),
                    n(import.rows_rejected),
                    n(import.rows_conflict),
                    t(at),
                    t(actor),
                ],
                || StoreError::duplicate("import", "with these values"),
            )?;
            write_units(db, &import.units, import_id, actor, at)?;
            write_people(db, &import.people, import_id, actor, at)?;
            write_engagements_and_enrollments(db, import, import_id, actor, at)?;
            let mut written = RegistryImportWritten {
                import_id,
                ..RegistryImportWritten::default()
            };
            written.bill_ids = issue_bills_in(db, &import.bills, actor, at)?;
            for p in &import.payments {
                match record_payment_in(db, p, None, actor, at)? {
                    PaymentOutcome::Recorded(id) => written.payment_ids.push(id),
                    // The check pass counted it as already there; a second
                    // run in between stored it: still one payment.
                    PaymentOutcome::AlreadyRecorded(id) => written.payment_ids.push(id),
                }
            }
            audit(
                db,
                actor,
                at,
                "import",
                "import",
                &import_id.to_string(),
                json!({
                    "kind": import.kind, "source": import.source,
                    "rows_read": import.rows_read, "rows_added": import.rows_added(),
                    "rows_duplicate": import.rows_duplicate, "rows_rejected": import.rows_rejected,
                    "rows_conflict": import.rows_conflict,
                }),
            )?;
            Ok(written)
        })?;
        // PostgreSQL plans by its statistics, which a million rows added in
        // one transaction leave far behind until autovacuum comes by: the
        // next import's lookups of 500 keys then scan whole tables (171 ms
        // instead of 1.5 ms each, measured). SQLite's planner needs none.
        if self.backend.kind() == crate::BackendKind::Postgres {
            let mut tables = Vec::new();
            if !import.units.is_empty() {
                tables.push("units");
            }
            if !import.people.is_empty() {
                tables.push("people");
            }
            if !import.engagements.is_empty() {
                tables.push("engagements");
            }
            if !import.enrollments.is_empty() {
                tables.push("enrollments");
            }
            if import.rows_added() >= 10_000 && !tables.is_empty() {
                self.backend.transaction(|db| {
                    db.exec(
                        "analysing the imported tables",
                        &format!("ANALYZE {}", tables.join(", ")),
                        &[],
                    )
                })?;
            }
        }
        Ok(written)
    }

    fn fail_import(&self, import_id: i64, reason: &str) -> Result<(), StoreError> {
        self.backend.transaction(|db| {
            db.exec(
                "recording a failed import",
                "UPDATE imports SET failure = $1 WHERE id = $2 AND finished_at IS NULL",
                &[t(reason), i(import_id)],
            )?;
            Ok(())
        })
    }

    fn recent_imports(&self, limit: u32) -> Result<Vec<ImportSummary>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("SELECT {IMPORT_COLUMNS} FROM imports ORDER BY id DESC LIMIT $1");
            db.rows("listing imports", &sql, &[i(i64::from(limit))])?
                .iter()
                .map(|r| import_from_row(r))
                .collect()
        })
    }
}
