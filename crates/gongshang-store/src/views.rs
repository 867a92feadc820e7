//! Read models for lists and the dashboard: paged listings and counts.
//!
//! Everything here only reads, in the SQL subset both dialects accept
//! (`LIKE`, `SUBSTR`, `CAST(... AS BIGINT)` around sums so PostgreSQL answers
//! integers). Listings are keyset-paged by id ([`ListQuery::after_id`]):
//! stable while rows are added, and as fast on the last page as on the first.

use gongshang_domain::case::CaseState;
use gongshang_domain::deadline::DeadlineKind;
use gongshang_domain::ids::{CreditCode, RegionCode, ResidentId};
use gongshang_rules::Money;
use gongshang_rules::contribution::IndustryClass;
use gongshang_rules::rate::Rate;
use gongshang_rules::retirement::Sex;
use jiff::civil::Date;

use crate::Store;
use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore};
use crate::error::StoreError;
use crate::model::{BillKind, BillStatus, Person, Unit, UnitKind};

/// A page of a listing, optionally narrowed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// The last id of the previous page (0 for the first).
    pub after_id: i64,
    /// At most this many rows (1 to 500).
    pub limit: u32,
    /// Part of a name, a credit code or an identity number.
    pub search: Option<String>,
    /// Only rows of this unit (people enrolled by it, its bills).
    pub unit: Option<CreditCode>,
    /// Only bills of this person (day bills).
    pub person: Option<ResidentId>,
    /// Only bills with something outstanding.
    pub outstanding_only: bool,
}

/// A unit with the number of its running enrolments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitRow {
    pub unit: Unit,
    pub enrolled: u64,
}

/// A person with the schemes of their enrolments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRow {
    pub person: Person,
    /// Scheme ids, sorted, each once.
    pub schemes: Vec<String>,
}

/// A bill with its scheme, kind and payer's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillRow {
    pub status: BillStatus,
    pub scheme_id: gongshang_rules::SchemeId,
    pub kind: BillKind,
    /// The unit's name (monthly bills), none for a person's day bill.
    pub unit_name: Option<String>,
    pub person: Option<ResidentId>,
}

/// Premiums of one month: billed (by the bill's period) and paid (by the
/// payment's day).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthMoney {
    /// `YYYY-MM`.
    pub month: String,
    pub billed: Money,
    pub paid: Money,
}

/// The fund's bank balance at the end of a month (postings by the instant
/// they were recorded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalancePoint {
    pub month: String,
    pub bank: Money,
    /// Benefits awarded and not yet paid out.
    pub benefits_payable: Money,
}

/// The dashboard's counts, as of a day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DashboardCounts {
    pub units: u64,
    pub people: u64,
    /// Enrolments running on the day, by scheme id (sorted by id).
    pub enrolled_by_scheme: Vec<(String, u64)>,
    /// People who took a platform order in the 30 days up to the day.
    pub order_workers_30_days: u64,
    pub premiums_by_month: Vec<MonthMoney>,
    pub balance_by_month: Vec<BalancePoint>,
    /// Bills due before the day with something outstanding (due in fact:
    /// a deferred bill by its repayment day).
    pub arrears_bills: u64,
    pub arrears: Money,
    /// Units by kind (`enterprise`, ...).
    pub units_by_kind: Vec<(String, u64)>,
    /// Cases by state: (state, cases, of which past their running deadline).
    pub cases_by_state: Vec<(CaseState, u64, u64)>,
}

/// A case in a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseListRow {
    pub id: i64,
    pub number: String,
    pub state: CaseState,
    pub scheme_id: gongshang_rules::SchemeId,
    pub person: ResidentId,
    pub unit: Option<CreditCode>,
    pub accident_date: Date,
    /// The running deadline: kind, due day, article.
    pub deadline: Option<(DeadlineKind, Date, String)>,
}

/// Read models for lists and the dashboard: paged listings and counts. A part of [`Store`].
pub trait ViewStore {
    fn unit_rows(&self, q: &ListQuery) -> Result<Vec<UnitRow>, StoreError>;
    fn unit_by_id(&self, id: i64) -> Result<Option<Unit>, StoreError>;
    fn person_rows(&self, q: &ListQuery) -> Result<Vec<PersonRow>, StoreError>;
    fn person_by_id(&self, id: i64) -> Result<Option<Person>, StoreError>;
    fn bill_rows(&self, q: &ListQuery) -> Result<Vec<BillRow>, StoreError>;
    fn dashboard_counts(&self, as_of: Date) -> Result<DashboardCounts, StoreError>;
    /// Cases by id; `overdue_on` keeps those whose running deadline is
    /// before that day; `search` matches the number or the state.
    fn case_rows(
        &self,
        q: &ListQuery,
        overdue_on: Option<Date>,
    ) -> Result<Vec<CaseListRow>, StoreError>;
    /// Writes a consistent copy of the whole database to a new SQLite file
    /// (`VACUUM INTO`; SQLite only, and the file must not exist). The demo
    /// builds its data in memory, where a commit costs no disk write, and
    /// then serves from the copy.
    fn copy_into_file(&self, path: &str) -> Result<(), StoreError>;
    /// The platforms with orders stored in the month (`YYYY-MM`), sorted:
    /// the rows of the per-platform statistics.
    fn order_platforms(&self, month: &str) -> Result<Vec<String>, StoreError>;
}

fn i(v: i64) -> Value {
    Value::Int(v)
}

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn limit(q: &ListQuery) -> Result<i64, StoreError> {
    if !(1..=500).contains(&q.limit) {
        return Err(StoreError::invalid(
            "limit",
            format!("{}; expected 1 to 500 rows", q.limit),
        ));
    }
    Ok(i64::from(q.limit))
}

/// `%text%` for LIKE, with the wildcards in the text escaped.
fn like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

const UNIT_COLS: &str = "u.id, u.credit_code, u.name, u.kind, u.region, u.industry_class, u.floating_tier, u.created_at";

fn unit_from(c: &Cols<'_>) -> Result<Unit, StoreError> {
    let class = c.int(5)?;
    Ok(Unit {
        id: c.int(0)?,
        credit_code: c.parsed(1, "credit_code", CreditCode::parse)?,
        name: c.text(2)?.to_owned(),
        kind: c.parsed(3, "unit_kind", UnitKind::parse)?,
        region: c.parsed(4, "region", RegionCode::parse)?,
        industry_class: u8::try_from(class)
            .ok()
            .and_then(|v| IndustryClass::new(v).ok())
            .ok_or_else(|| {
                StoreError::stored(
                    "industry_class",
                    format!("stored value {class} is not 1 to 8"),
                )
            })?,
        floating_tier: c.parsed(6, "floating_tier", Rate::parse)?,
        created_at: c.parsed(7, "created_at", |s: &str| s.parse::<jiff::Timestamp>())?,
    })
}

const PERSON_COLS: &str = "p.id, p.resident_id, p.name, p.sex, p.birth_date";

fn person_from(c: &Cols<'_>) -> Result<Person, StoreError> {
    Ok(Person {
        id: c.int(0)?,
        resident_id: c.parsed(1, "resident_id", ResidentId::parse)?,
        name: c.text(2)?.to_owned(),
        sex: c.parsed(3, "sex", |s: &str| match s {
            "male" => Ok(Sex::Male),
            "female" => Ok(Sex::Female),
            other => Err(format!("{other:?} is not male or female")),
        })?,
        birth_date: c.parsed(4, "birth_date", |s: &str| s.parse::<Date>())?,
    })
}

/// Running enrolments of the listed people, by scheme (one query).
fn schemes_of(db: &mut dyn Db, people: &[Person]) -> Result<Vec<Vec<String>>, StoreError> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=people.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT DISTINCT person_id, scheme_id FROM enrollments WHERE person_id IN ({}) ORDER BY person_id, scheme_id",
        marks.join(", ")
    );
    let params: Vec<Value> = people.iter().map(|p| i(p.id)).collect();
    let rows = db.rows("listing the schemes of people", &sql, &params)?;
    let mut out = vec![Vec::new(); people.len()];
    for r in &rows {
        let c = Cols::new(r);
        let id = c.int(0)?;
        if let Some(k) = people.iter().position(|p| p.id == id) {
            out[k].push(c.text(1)?.to_owned());
        }
    }
    Ok(out)
}

fn scalar(db: &mut dyn Db, context: &str, sql: &str, params: &[Value]) -> Result<i64, StoreError> {
    let row = db.one_row(context, sql, params)?;
    Cols::new(&row).int(0)
}

impl<B: Backend> ViewStore for SqlStore<B> {
    fn unit_rows(&self, q: &ListQuery) -> Result<Vec<UnitRow>, StoreError> {
        let lim = limit(q)?;
        self.backend.read(|db| {
            let mut params = vec![i(q.after_id), i(lim)];
            let mut filter = String::new();
            if let Some(s) = q.search.as_deref().filter(|s| !s.trim().is_empty()) {
                params.push(t(like(s)));
                filter = format!(
                    " AND (u.name LIKE ${n} ESCAPE '\\' OR u.credit_code LIKE ${n} ESCAPE '\\')",
                    n = params.len()
                );
            }
            let sql = format!(
                "SELECT {UNIT_COLS}, CAST((SELECT COUNT(*) FROM enrollments e WHERE e.unit_id = u.id AND e.end_date IS NULL) AS BIGINT) \
                 FROM units u WHERE u.id > $1{filter} ORDER BY u.id LIMIT $2"
            );
            db.rows("listing units", &sql, &params)?
                .iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(UnitRow {
                        unit: unit_from(&c)?,
                        enrolled: count(c.int(8)?),
                    })
                })
                .collect()
        })
    }

    fn unit_by_id(&self, id: i64) -> Result<Option<Unit>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("SELECT {UNIT_COLS} FROM units u WHERE u.id = $1");
            db.opt_row("reading a unit", &sql, &[i(id)])?
                .map(|r| unit_from(&Cols::new(&r)))
                .transpose()
        })
    }

    fn person_rows(&self, q: &ListQuery) -> Result<Vec<PersonRow>, StoreError> {
        let lim = limit(q)?;
        self.backend.read(|db| {
            let mut params = vec![i(q.after_id), i(lim)];
            let mut filter = String::new();
            if let Some(s) = q.search.as_deref().filter(|s| !s.trim().is_empty()) {
                params.push(t(like(s)));
                filter.push_str(&format!(
                    " AND (p.name LIKE ${n} ESCAPE '\\' OR p.resident_id LIKE ${n} ESCAPE '\\')",
                    n = params.len()
                ));
            }
            if let Some(u) = &q.unit {
                params.push(t(u.as_str()));
                filter.push_str(&format!(
                    " AND p.id IN (SELECT e.person_id FROM enrollments e JOIN units un ON un.id = e.unit_id WHERE un.credit_code = ${})",
                    params.len()
                ));
            }
            if let Some(person) = &q.person {
                params.push(t(person.as_str()));
                filter.push_str(&format!(" AND p.resident_id = ${}", params.len()));
            }
            let sql = format!(
                "SELECT {PERSON_COLS} FROM people p WHERE p.id > $1{filter} ORDER BY p.id LIMIT $2"
            );
            let people = db
                .rows("listing people", &sql, &params)?
                .iter()
                .map(|r| person_from(&Cols::new(r)))
                .collect::<Result<Vec<_>, _>>()?;
            let schemes = schemes_of(db, &people)?;
            Ok(people
                .into_iter()
                .zip(schemes)
                .map(|(person, schemes)| PersonRow { person, schemes })
                .collect())
        })
    }

    fn person_by_id(&self, id: i64) -> Result<Option<Person>, StoreError> {
        self.backend.read(|db| {
            let sql = format!("SELECT {PERSON_COLS} FROM people p WHERE p.id = $1");
            db.opt_row("reading a person", &sql, &[i(id)])?
                .map(|r| person_from(&Cols::new(&r)))
                .transpose()
        })
    }

    fn bill_rows(&self, q: &ListQuery) -> Result<Vec<BillRow>, StoreError> {
        let lim = limit(q)?;
        self.backend.read(|db| {
            let mut params = vec![i(q.after_id), i(lim)];
            let mut filter = String::new();
            if let Some(u) = &q.unit {
                params.push(t(u.as_str()));
                filter.push_str(&format!(" AND u.credit_code = ${}", params.len()));
            }
            if let Some(p) = &q.person {
                params.push(t(p.as_str()));
                filter.push_str(&format!(" AND pe.resident_id = ${}", params.len()));
            }
            if let Some(s) = q.search.as_deref().filter(|s| !s.trim().is_empty()) {
                params.push(t(like(s)));
                filter.push_str(&format!(
                    " AND (b.reference LIKE ${n} ESCAPE '\\' OR u.name LIKE ${n} ESCAPE '\\')",
                    n = params.len()
                ));
            }
            let outstanding = if q.outstanding_only {
                " WHERE x.paid_fen < x.amount_fen"
            } else {
                ""
            };
            let sql = format!(
                "SELECT x.* FROM (SELECT b.id, b.reference, u.credit_code, b.period, b.due_date, b.amount_fen, \
                 CAST(COALESCE((SELECT SUM(py.amount_fen) FROM payments py WHERE py.bill_id = b.id), 0) AS BIGINT) AS paid_fen, \
                 b.scheme_id, b.kind, u.name, pe.resident_id, b.due_provisional, {BILL_DEFERRED_TO} AS deferred_to \
                 FROM bills b LEFT JOIN units u ON u.id = b.unit_id LEFT JOIN people pe ON pe.id = b.person_id \
                 WHERE b.id > $1{filter}) x{outstanding} ORDER BY x.id LIMIT $2",
                BILL_DEFERRED_TO = crate::deferrals::BILL_DEFERRED_TO
            );
            db.rows("listing bills", &sql, &params)?
                .iter()
                .map(|r| {
                    let c = Cols::new(r);
                    let amount = c.int(5)?;
                    let paid = c.int(6)?;
                    Ok(BillRow {
                        status: BillStatus {
                            bill_id: c.int(0)?,
                            reference: c.text(1)?.to_owned(),
                            unit: c.opt_parsed(2, "credit_code", CreditCode::parse)?,
                            period: c.text(3)?.to_owned(),
                            due_date: c.parsed(4, "due_date", |s: &str| s.parse::<Date>())?,
                            due_provisional: c.int(11)? != 0,
                            amount: Money::from_fen(amount),
                            paid: Money::from_fen(paid),
                            outstanding: Money::from_fen(amount - paid),
                            deferred_to: c.opt_parsed(12, "deferred_to", |s: &str| s.parse::<Date>())?,
                        },
                        scheme_id: c.scheme_id(7)?,
                        kind: c.parsed(8, "kind", BillKind::parse)?,
                        unit_name: c.opt_text(9)?.map(str::to_owned),
                        person: c.opt_parsed(10, "resident_id", ResidentId::parse)?,
                    })
                })
                .collect()
        })
    }

    fn case_rows(
        &self,
        q: &ListQuery,
        overdue_on: Option<Date>,
    ) -> Result<Vec<CaseListRow>, StoreError> {
        self.case_rows_impl(q, overdue_on)
    }

    fn order_platforms(&self, month: &str) -> Result<Vec<String>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "listing the platforms of a month",
                "SELECT platform FROM order_months WHERE month = $1 AND orders > 0 ORDER BY platform",
                &[t(month)],
            )?
            .iter()
            .map(|r| Ok(Cols::new(r).text(0)?.to_owned()))
            .collect()
        })
    }

    fn copy_into_file(&self, path: &str) -> Result<(), StoreError> {
        if self.backend.kind() != crate::BackendKind::Sqlite {
            return Err(StoreError::invalid(
                "backend",
                format!(
                    "{}: only a SQLite database is copied into a file",
                    self.backend.kind().as_str()
                ),
            ));
        }
        if std::path::Path::new(path).exists() {
            return Err(StoreError::invalid(
                "path",
                format!("{path} exists; the copy goes to a new file"),
            ));
        }
        self.backend.outside_transaction(|db| {
            db.exec(
                "copying the database into a file",
                "VACUUM INTO $1",
                &[t(path)],
            )?;
            Ok(())
        })
    }

    fn dashboard_counts(&self, as_of: Date) -> Result<DashboardCounts, StoreError> {
        self.backend.read(|db| {
            let day = t(as_of);
            let mut d = DashboardCounts {
                units: count(scalar(db, "counting units", "SELECT CAST(COUNT(*) AS BIGINT) FROM units", &[])?),
                people: count(scalar(db, "counting people", "SELECT CAST(COUNT(*) AS BIGINT) FROM people", &[])?),
                ..DashboardCounts::default()
            };
            for r in db.rows(
                "counting enrolments by scheme",
                "SELECT scheme_id, CAST(COUNT(*) AS BIGINT) FROM enrollments \
                 WHERE start_date <= $1 AND (end_date IS NULL OR end_date >= $1) GROUP BY scheme_id ORDER BY scheme_id",
                std::slice::from_ref(&day),
            )? {
                let c = Cols::new(&r);
                d.enrolled_by_scheme.push((c.text(0)?.to_owned(), count(c.int(1)?)));
            }
            let from = as_of
                .checked_sub(jiff::Span::new().days(29))
                .map_err(|e| StoreError::invalid("as_of", e.to_string()))?;
            d.order_workers_30_days = count(scalar(
                db,
                "counting order workers",
                "SELECT CAST(COUNT(DISTINCT resident_id) AS BIGINT) FROM order_days WHERE day >= $1 AND day <= $2",
                &[t(from), day.clone()],
            )?);
            let billed = db.rows(
                "summing premiums billed by month",
                "SELECT SUBSTR(period, 1, 7) AS m, CAST(SUM(amount_fen) AS BIGINT) FROM bills GROUP BY SUBSTR(period, 1, 7) ORDER BY m",
                &[],
            )?;
            let paid = db.rows(
                "summing premiums paid by month",
                "SELECT SUBSTR(paid_on, 1, 7) AS m, CAST(SUM(amount_fen) AS BIGINT) FROM payments GROUP BY SUBSTR(paid_on, 1, 7) ORDER BY m",
                &[],
            )?;
            let mut months: Vec<MonthMoney> = Vec::new();
            let mut entry = |m: &str| -> usize {
                match months.iter().position(|x| x.month == m) {
                    Some(k) => k,
                    None => {
                        months.push(MonthMoney {
                            month: m.to_owned(),
                            billed: Money::ZERO,
                            paid: Money::ZERO,
                        });
                        months.len() - 1
                    }
                }
            };
            let mut billed_at = Vec::new();
            for r in &billed {
                let c = Cols::new(r);
                billed_at.push((entry(c.text(0)?), c.int(1)?));
            }
            let mut paid_at = Vec::new();
            for r in &paid {
                let c = Cols::new(r);
                paid_at.push((entry(c.text(0)?), c.int(1)?));
            }
            for (k, v) in billed_at {
                months[k].billed = Money::from_fen(v);
            }
            for (k, v) in paid_at {
                months[k].paid = Money::from_fen(v);
            }
            months.sort_by(|a, b| a.month.cmp(&b.month));
            d.premiums_by_month = months;

            let flows = db.rows(
                "summing the fund's flows by month",
                "SELECT SUBSTR(t.created_at, 1, 7) AS m, p.account, \
                 CAST(SUM(CASE WHEN p.side = 'debit' THEN p.amount_fen ELSE -p.amount_fen END) AS BIGINT) \
                 FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id \
                 WHERE p.account IN ('bank', 'benefits_payable') \
                 GROUP BY SUBSTR(t.created_at, 1, 7), p.account ORDER BY m",
                &[],
            )?;
            let (mut bank, mut payable) = (0i64, 0i64);
            for r in &flows {
                let c = Cols::new(r);
                let m = c.text(0)?;
                let v = c.int(2)?;
                match c.text(1)? {
                    "bank" => bank += v,
                    _ => payable -= v,
                }
                match d.balance_by_month.last_mut() {
                    Some(p) if p.month == m => {
                        p.bank = Money::from_fen(bank);
                        p.benefits_payable = Money::from_fen(payable);
                    }
                    _ => d.balance_by_month.push(BalancePoint {
                        month: m.to_owned(),
                        bank: Money::from_fen(bank),
                        benefits_payable: Money::from_fen(payable),
                    }),
                }
            }
            // Due in fact before the day: a deferred bill (缓缴) only once its
            // repayment day has passed (人社厅发〔2022〕16号).
            let arrears = db.one_row(
                "summing arrears",
                &format!(
                    "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(x.amount_fen - x.paid_fen), 0) AS BIGINT) FROM \
                     (SELECT b.amount_fen, COALESCE((SELECT SUM(py.amount_fen) FROM payments py WHERE py.bill_id = b.id), 0) AS paid_fen \
                      FROM bills b WHERE b.due_date < $1 AND {} < $1) x WHERE x.paid_fen < x.amount_fen",
                    crate::deferrals::BILL_EFFECTIVE_DUE_DATE
                ),
                std::slice::from_ref(&day),
            )?;
            let c = Cols::new(&arrears);
            d.arrears_bills = count(c.int(0)?);
            d.arrears = Money::from_fen(c.int(1)?);
            for r in db.rows(
                "counting cases by state",
                "SELECT state, CAST(COUNT(*) AS BIGINT), \
                 CAST(SUM(CASE WHEN deadline_due IS NOT NULL AND deadline_due < $1 THEN 1 ELSE 0 END) AS BIGINT) \
                 FROM cases GROUP BY state ORDER BY state",
                std::slice::from_ref(&day),
            )? {
                let c = Cols::new(&r);
                d.cases_by_state.push((
                    c.parsed(0, "state", str::parse::<CaseState>)?,
                    count(c.int(1)?),
                    count(c.int(2)?),
                ));
            }
            for r in db.rows(
                "counting units by kind",
                "SELECT kind, CAST(COUNT(*) AS BIGINT) FROM units GROUP BY kind ORDER BY kind",
                &[],
            )? {
                let c = Cols::new(&r);
                d.units_by_kind.push((c.text(0)?.to_owned(), count(c.int(1)?)));
            }
            Ok(d)
        })
    }
}

impl<B: Backend> SqlStore<B> {
    fn case_rows_impl(
        &self,
        q: &ListQuery,
        overdue_on: Option<Date>,
    ) -> Result<Vec<CaseListRow>, StoreError> {
        let lim = limit(q)?;
        self.backend.read(|db| {
            let mut params = vec![i(q.after_id), i(lim)];
            let mut filter = String::new();
            if let Some(d) = overdue_on {
                params.push(t(d));
                filter.push_str(&format!(" AND deadline_due IS NOT NULL AND deadline_due < ${}", params.len()));
            }
            if let Some(u) = &q.unit {
                params.push(t(u.as_str()));
                filter.push_str(&format!(" AND unit_code = ${}", params.len()));
            }
            if let Some(p) = &q.person {
                params.push(t(p.as_str()));
                filter.push_str(&format!(" AND resident_id = ${}", params.len()));
            }
            if let Some(s) = q.search.as_deref().filter(|s| !s.trim().is_empty()) {
                params.push(t(like(s)));
                filter.push_str(&format!(
                    " AND (number LIKE ${n} ESCAPE '\\' OR state LIKE ${n} ESCAPE '\\')",
                    n = params.len()
                ));
            }
            let sql = format!(
                "SELECT id, number, state, scheme_id, resident_id, unit_code, accident_date, deadline_kind, deadline_due, deadline_article \
                 FROM cases WHERE id > $1{filter} ORDER BY id LIMIT $2"
            );
            db.rows("listing cases", &sql, &params)?
                .iter()
                .map(|r| {
                    let c = Cols::new(r);
                    let deadline = match (
                        c.opt_parsed(7, "deadline_kind", str::parse::<DeadlineKind>)?,
                        c.opt_parsed(8, "deadline_due", |s: &str| s.parse::<Date>())?,
                    ) {
                        (Some(kind), Some(due)) => Some((kind, due, c.opt_text(9)?.unwrap_or("").to_owned())),
                        _ => None,
                    };
                    Ok(CaseListRow {
                        id: c.int(0)?,
                        number: c.text(1)?.to_owned(),
                        state: c.parsed(2, "state", str::parse::<CaseState>)?,
                        scheme_id: c.scheme_id(3)?,
                        person: c.parsed(4, "resident_id", ResidentId::parse)?,
                        unit: c.opt_parsed(5, "unit_code", CreditCode::parse)?,
                        accident_date: c.parsed(6, "accident_date", |s: &str| s.parse::<Date>())?,
                        deadline,
                    })
                })
                .collect()
        })
    }
}

#[allow(dead_code)]
fn _object_safe(_: &dyn Store) {}
