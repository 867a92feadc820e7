//! What agency staff work from (issue 13): the clerk's queue of open cases
//! with the worker's and the unit's names, searchable; the reviewer's awards
//! awaiting review, and an award returned to its maker with a reason; the
//! administrator's audit log, searchable.

use super::awards::award_by_id;
use super::*;
use crate::accounts::{USER_COLUMNS, User, raise_credentials_epoch, user_from_row};
use crate::model::AuditEntry;

/// The clerk's queue: open cases, the most urgent deadline first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkQueueQuery {
    /// Part of a case number, a worker's name or identity number, or a
    /// unit's name or credit code.
    pub search: Option<String>,
    /// Only cases with a running deadline due on or before this day.
    pub due_by: Option<Date>,
    /// At most this many rows (1 to 500).
    pub limit: u32,
}

/// An open case with the names a person looks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkQueueRow {
    pub number: String,
    pub flow: Flow,
    pub state: CaseState,
    pub scheme_id: gongshang_rules::SchemeId,
    pub person: ResidentId,
    pub person_name: Option<String>,
    pub unit: Option<CreditCode>,
    pub unit_name: Option<String>,
    pub accident_date: Date,
    /// The running deadline: kind, due day, article.
    pub deadline: Option<(DeadlineKind, Date, String)>,
}

/// A proposed award waiting for its checker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRow {
    pub award_id: i64,
    pub case_number: String,
    pub person: ResidentId,
    pub person_name: Option<String>,
    pub unit_name: Option<String>,
    pub basis: AwardBasis,
    pub one_time: Money,
    pub monthly: Money,
    pub made_by: String,
    pub made_at: Timestamp,
    /// An approved award of the case this one would replace.
    pub replaces: Option<i64>,
}

/// An award the checker sent back to its maker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AwardReturn {
    pub award_id: i64,
    pub reason: String,
    pub returned_by: String,
    pub returned_at: Timestamp,
}

/// The audit log, narrowed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Part of the actor, the action, the entity or its id.
    pub search: Option<String>,
    /// Only entries with an id below this (the next page, newest first).
    pub before_id: Option<i64>,
    pub limit: u32,
}

fn checked_limit(limit: u32) -> Result<i64, StoreError> {
    if !(1..=500).contains(&limit) {
        return Err(StoreError::invalid(
            "limit",
            format!("{limit}; expected 1 to 500 rows"),
        ));
    }
    Ok(i64::from(limit))
}

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

/// The longest reason a return keeps.
pub const RETURN_REASON_MAX_CHARS: usize = 500;

/// What agency staff work from. A part of [`Store`].
pub trait StaffStore {
    fn work_queue_rows(&self, q: &WorkQueueQuery) -> Result<Vec<WorkQueueRow>, StoreError>;
    fn awards_awaiting_review(&self, limit: u32) -> Result<Vec<ReviewRow>, StoreError>;
    /// Sends a proposed award back to its maker (never by the maker): it
    /// becomes `withdrawn`, the reason is kept, the audit log says so, in one
    /// transaction.
    fn return_award(
        &self,
        award_id: i64,
        reason: &str,
        checker: &str,
        at: Timestamp,
    ) -> Result<AwardReturn, StoreError>;
    fn award_returns(&self, case_id: i64) -> Result<Vec<AwardReturn>, StoreError>;
    /// The audit log, newest first.
    fn search_audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
    /// Moves an agency account (clerk, reviewer, administrator, analyst) to
    /// another of these roles, which need no unit, person or body; raises
    /// the credentials epoch so that every server reads the account again.
    fn set_user_role(
        &self,
        login: &str,
        role: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<User, StoreError>;
    /// The analyst's aggregates under the filters (no personal data).
    fn analysis(&self, q: &AnalysisQuery) -> Result<AnalysisFigures, StoreError>;
}

/// The analyst's filters: a period of months, and optionally a region (a
/// GB/T 2260 code or its first digits), a scheme, an industry class.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnalysisQuery {
    /// `YYYY-MM`, inclusive.
    pub from_month: String,
    /// `YYYY-MM`, inclusive.
    pub to_month: String,
    /// The last day of `to_month`: enrolments running on it are counted.
    pub end_day: Date,
    pub region_prefix: Option<String>,
    pub scheme_id: Option<gongshang_rules::SchemeId>,
    pub industry_class: Option<i64>,
}

/// Premiums of a month (by the bill's period): billed, paid on those bills.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthPremiums {
    pub month: String,
    pub bills: u64,
    pub billed: Money,
    pub paid: Money,
}

/// Premiums of a region (the unit's GB/T 2260 code, first four digits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionPremiums {
    pub region: String,
    pub units: u64,
    pub billed: Money,
    pub paid: Money,
}

/// What the analyst's tables show, for one set of filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnalysisFigures {
    pub premiums_by_month: Vec<MonthPremiums>,
    pub premiums_by_region: Vec<RegionPremiums>,
    /// Enrolments running on the end day, by scheme.
    pub enrolled_by_scheme: Vec<(String, u64)>,
    /// Cases whose accident falls in the period, by state: (state, cases, open).
    pub cases_by_state: Vec<(CaseState, u64, u64)>,
}

/// The roles an administrator moves an account between.
pub const PLAIN_ROLES: [&str; 4] = ["clerk", "reviewer", "administrator", "analyst"];

impl<B: Backend> StaffStore for SqlStore<B> {
    fn work_queue_rows(&self, q: &WorkQueueQuery) -> Result<Vec<WorkQueueRow>, StoreError> {
        let lim = checked_limit(q.limit)?;
        self.backend.read(|db| {
            let mut params = vec![i(lim)];
            let mut filter = String::new();
            if let Some(d) = q.due_by {
                params.push(t(d));
                filter.push_str(&format!(
                    " AND c.deadline_due IS NOT NULL AND c.deadline_due <= ${}",
                    params.len()
                ));
            }
            if let Some(s) = q.search.as_deref().filter(|s| !s.trim().is_empty()) {
                params.push(t(like(s)));
                filter.push_str(&format!(
                    " AND (c.number LIKE ${n} ESCAPE '\\' OR c.resident_id LIKE ${n} ESCAPE '\\' \
                     OR p.name LIKE ${n} ESCAPE '\\' OR u.name LIKE ${n} ESCAPE '\\' OR c.unit_code LIKE ${n} ESCAPE '\\')",
                    n = params.len()
                ));
            }
            let sql = format!(
                "SELECT c.number, c.flow, c.state, c.scheme_id, c.resident_id, p.name, c.unit_code, u.name, \
                 c.accident_date, c.deadline_kind, c.deadline_due, c.deadline_article \
                 FROM cases c LEFT JOIN people p ON p.resident_id = c.resident_id \
                 LEFT JOIN units u ON u.credit_code = c.unit_code \
                 WHERE c.closed = 0{filter} \
                 ORDER BY CASE WHEN c.deadline_due IS NULL THEN 1 ELSE 0 END, c.deadline_due, c.id LIMIT $1"
            );
            db.rows("listing the work queue", &sql, &params)?
                .iter()
                .map(|r| {
                    let c = Cols::new(r);
                    let deadline = match (
                        c.opt_parsed(9, "deadline_kind", str::parse::<DeadlineKind>)?,
                        c.opt_parsed(10, "deadline_due", parse_date)?,
                    ) {
                        (Some(kind), Some(due)) => {
                            Some((kind, due, c.opt_text(11)?.unwrap_or("").to_owned()))
                        }
                        _ => None,
                    };
                    Ok(WorkQueueRow {
                        number: c.text(0)?.to_owned(),
                        flow: c.parsed(1, "flow", str::parse::<Flow>)?,
                        state: c.parsed(2, "state", str::parse::<CaseState>)?,
                        scheme_id: c.scheme_id(3)?,
                        person: c.parsed(4, "resident_id", ResidentId::parse)?,
                        person_name: c.opt_text(5)?.map(str::to_owned),
                        unit: c.opt_parsed(6, "unit_code", CreditCode::parse)?,
                        unit_name: c.opt_text(7)?.map(str::to_owned),
                        accident_date: c.parsed(8, "accident_date", parse_date)?,
                        deadline,
                    })
                })
                .collect()
        })
    }

    fn awards_awaiting_review(&self, limit: u32) -> Result<Vec<ReviewRow>, StoreError> {
        let lim = checked_limit(limit)?;
        self.backend.read(|db| {
            db.rows(
                "listing the awards awaiting review",
                "SELECT a.id, c.number, c.resident_id, p.name, u.name, a.basis, a.one_time_fen, a.monthly_fen, \
                 a.made_by, a.made_at, (SELECT MAX(b.id) FROM awards b WHERE b.case_id = a.case_id AND b.status = 'approved') \
                 FROM awards a JOIN cases c ON c.id = a.case_id \
                 LEFT JOIN people p ON p.resident_id = c.resident_id \
                 LEFT JOIN units u ON u.credit_code = c.unit_code \
                 WHERE a.status = 'proposed' ORDER BY a.made_at, a.id LIMIT $1",
                &[i(lim)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(ReviewRow {
                    award_id: c.int(0)?,
                    case_number: c.text(1)?.to_owned(),
                    person: c.parsed(2, "resident_id", ResidentId::parse)?,
                    person_name: c.opt_text(3)?.map(str::to_owned),
                    unit_name: c.opt_text(4)?.map(str::to_owned),
                    basis: c.parsed(5, "basis", str::parse::<AwardBasis>)?,
                    one_time: Money::from_fen(c.int(6)?),
                    monthly: Money::from_fen(c.int(7)?),
                    made_by: c.text(8)?.to_owned(),
                    made_at: c.parsed(9, "made_at", parse_ts)?,
                    replaces: c.opt_int(10)?,
                })
            })
            .collect()
        })
    }

    fn return_award(
        &self,
        award_id: i64,
        reason: &str,
        checker: &str,
        at: Timestamp,
    ) -> Result<AwardReturn, StoreError> {
        require_actor(checker)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid(
                "reason",
                "is empty; say what the maker should change",
            ));
        }
        if reason.chars().count() > RETURN_REASON_MAX_CHARS {
            return Err(StoreError::invalid(
                "reason",
                format!(
                    "has {} characters; at most {RETURN_REASON_MAX_CHARS}",
                    reason.chars().count()
                ),
            ));
        }
        self.backend.transaction(|db| {
            let Some(award) = award_by_id(db, award_id)? else {
                return Err(StoreError::not_found("award", award_id));
            };
            if award.made_by == checker {
                return Err(StoreError::conflict(
                    "award",
                    award_id.to_string(),
                    format!("{checker} made it; a second person returns it (maker-checker)"),
                ));
            }
            let n = db.exec(
                "returning an award",
                "UPDATE awards SET status = 'withdrawn' WHERE id = $1 AND status = 'proposed'",
                &[i(award_id)],
            )?;
            if n == 0 {
                return Err(StoreError::conflict(
                    "award",
                    award_id.to_string(),
                    format!("it is {}; only a proposed award is returned", award.status),
                ));
            }
            db.exec(
                "keeping the reason of a return",
                "INSERT INTO award_returns (award_id, case_id, reason, returned_by, returned_at) VALUES ($1, $2, $3, $4, $5)",
                &[i(award_id), i(award.case_id), t(reason), t(checker), t(at)],
            )?;
            audit(
                db,
                checker,
                at,
                "return_award",
                "award",
                &award_id.to_string(),
                json!({"case_id": award.case_id, "maker": award.made_by, "reason": reason}),
            )?;
            Ok(AwardReturn {
                award_id,
                reason: reason.to_owned(),
                returned_by: checker.to_owned(),
                returned_at: at,
            })
        })
    }

    fn award_returns(&self, case_id: i64) -> Result<Vec<AwardReturn>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading the returns of a case's awards",
                "SELECT award_id, reason, returned_by, returned_at FROM award_returns WHERE case_id = $1 ORDER BY award_id",
                &[i(case_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(AwardReturn {
                    award_id: c.int(0)?,
                    reason: c.text(1)?.to_owned(),
                    returned_by: c.text(2)?.to_owned(),
                    returned_at: c.parsed(3, "returned_at", parse_ts)?,
                })
            })
            .collect()
        })
    }

    fn search_audit(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let lim = checked_limit(q.limit)?;
        self.backend.read(|db| {
            let mut params = vec![i(lim)];
            let mut filter = String::new();
            if let Some(b) = q.before_id {
                params.push(i(b));
                filter.push_str(&format!(" AND id < ${}", params.len()));
            }
            if let Some(s) = q.search.as_deref().filter(|s| !s.trim().is_empty()) {
                params.push(t(like(s)));
                filter.push_str(&format!(
                    " AND (actor LIKE ${n} ESCAPE '\\' OR action LIKE ${n} ESCAPE '\\' \
                     OR entity LIKE ${n} ESCAPE '\\' OR entity_id LIKE ${n} ESCAPE '\\')",
                    n = params.len()
                ));
            }
            let sql = format!(
                "SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log \
                 WHERE 1 = 1{filter} ORDER BY id DESC LIMIT $1"
            );
            db.rows("searching the audit log", &sql, &params)?
                .iter()
                .map(|r| {
                    let c = Cols::new(r);
                    Ok(AuditEntry {
                        id: c.int(0)?,
                        at: c.parsed(1, "at", parse_ts)?,
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

    fn set_user_role(
        &self,
        login: &str,
        role: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<User, StoreError> {
        require_actor(actor)?;
        if !PLAIN_ROLES.contains(&role) {
            return Err(StoreError::invalid(
                "role",
                format!("{role:?}; an account moves to clerk, reviewer, administrator or analyst"),
            ));
        }
        self.credentials_transaction(|db| {
            let row = db
                .opt_row(
                    "reading a user",
                    &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.login = $1"),
                    &[t(login)],
                )?
                .ok_or_else(|| StoreError::not_found("user", login))?;
            let before = user_from_row(&row)?;
            if !PLAIN_ROLES.contains(&before.role.as_str()) {
                return Err(StoreError::conflict(
                    "user",
                    login,
                    format!(
                        "it is a {} account, tied to its unit, person or body; create a new account instead",
                        before.role
                    ),
                ));
            }
            raise_credentials_epoch(db)?;
            db.exec(
                "changing a user's role",
                "UPDATE users SET role = $1 WHERE login = $2",
                &[t(role), t(login)],
            )?;
            audit(
                db,
                actor,
                at,
                "change_role",
                "user",
                login,
                json!({"from": before.role, "to": role}),
            )?;
            let row = db.one_row(
                "reading a user",
                &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.login = $1"),
                &[t(login)],
            )?;
            user_from_row(&row)
        })
    }

    fn analysis(&self, q: &AnalysisQuery) -> Result<AnalysisFigures, StoreError> {
        self.backend.read(|db| {
            // The unit filters, with their parameters after `first`.
            let unit_filter = |first: usize, params: &mut Vec<Value>| -> String {
                let mut f = String::new();
                if let Some(r) = q.region_prefix.as_deref().filter(|r| !r.is_empty()) {
                    params.push(t(format!("{r}%")));
                    f.push_str(&format!(" AND u.region LIKE ${}", first + params.len()));
                }
                if let Some(c) = q.industry_class {
                    params.push(i(c));
                    f.push_str(&format!(" AND u.industry_class = ${}", first + params.len()));
                }
                f
            };
            let scheme = |col: &str, first: usize, params: &mut Vec<Value>| -> String {
                match q.scheme_id.as_ref().map(|s| s.as_str()) {
                    Some(s) => {
                        params.push(t(s));
                        format!(" AND {col} = ${}", first + params.len())
                    }
                    None => String::new(),
                }
            };
            let mut out = AnalysisFigures::default();

            // Premiums by month and by region: bills of the period, and what
            // was paid on them.
            let mut params = vec![t(&q.from_month), t(&q.to_month)];
            let mut extra = Vec::new();
            let mut filter = scheme("b.scheme_id", 2, &mut extra);
            filter.push_str(&unit_filter(2, &mut extra));
            params.extend(extra);
            let paid = "(SELECT CAST(COALESCE(SUM(p.amount_fen), 0) AS BIGINT) FROM payments p WHERE p.bill_id = b.id)";
            let sql = format!(
                "SELECT SUBSTR(b.period, 1, 7) AS m, CAST(COUNT(*) AS BIGINT), CAST(SUM(b.amount_fen) AS BIGINT), CAST(SUM({paid}) AS BIGINT) \
                 FROM bills b LEFT JOIN units u ON u.id = b.unit_id \
                 WHERE SUBSTR(b.period, 1, 7) >= $1 AND SUBSTR(b.period, 1, 7) <= $2{filter} \
                 GROUP BY SUBSTR(b.period, 1, 7) ORDER BY m"
            );
            for r in db.rows("summing premiums by month", &sql, &params)? {
                let c = Cols::new(&r);
                out.premiums_by_month.push(MonthPremiums {
                    month: c.text(0)?.to_owned(),
                    bills: count(c.int(1)?),
                    billed: Money::from_fen(c.int(2)?),
                    paid: Money::from_fen(c.int(3)?),
                });
            }
            let sql = format!(
                "SELECT COALESCE(SUBSTR(u.region, 1, 4), '') AS r, CAST(COUNT(DISTINCT b.unit_id) AS BIGINT), \
                 CAST(SUM(b.amount_fen) AS BIGINT), CAST(SUM({paid}) AS BIGINT) \
                 FROM bills b LEFT JOIN units u ON u.id = b.unit_id \
                 WHERE SUBSTR(b.period, 1, 7) >= $1 AND SUBSTR(b.period, 1, 7) <= $2{filter} \
                 GROUP BY COALESCE(SUBSTR(u.region, 1, 4), '') ORDER BY r"
            );
            for r in db.rows("summing premiums by region", &sql, &params)? {
                let c = Cols::new(&r);
                out.premiums_by_region.push(RegionPremiums {
                    region: c.text(0)?.to_owned(),
                    units: count(c.int(1)?),
                    billed: Money::from_fen(c.int(2)?),
                    paid: Money::from_fen(c.int(3)?),
                });
            }

            // Enrolments running on the end day.
            let mut params = vec![t(q.end_day)];
            let mut extra = Vec::new();
            let mut filter = scheme("e.scheme_id", 1, &mut extra);
            filter.push_str(&unit_filter(1, &mut extra));
            params.extend(extra);
            let sql = format!(
                "SELECT e.scheme_id, CAST(COUNT(*) AS BIGINT) FROM enrollments e LEFT JOIN units u ON u.id = e.unit_id \
                 WHERE e.start_date <= $1 AND (e.end_date IS NULL OR e.end_date >= $1){filter} \
                 GROUP BY e.scheme_id ORDER BY e.scheme_id"
            );
            for r in db.rows("counting enrolments by scheme", &sql, &params)? {
                let c = Cols::new(&r);
                out.enrolled_by_scheme.push((c.text(0)?.to_owned(), count(c.int(1)?)));
            }

            // Cases by state, by the accident's month.
            let mut params = vec![t(&q.from_month), t(&q.to_month)];
            let mut extra = Vec::new();
            let mut filter = scheme("c.scheme_id", 2, &mut extra);
            filter.push_str(&unit_filter(2, &mut extra));
            params.extend(extra);
            let sql = format!(
                "SELECT c.state, CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN c.closed = 0 THEN 1 ELSE 0 END) AS BIGINT) \
                 FROM cases c LEFT JOIN units u ON u.credit_code = c.unit_code \
                 WHERE SUBSTR(c.accident_date, 1, 7) >= $1 AND SUBSTR(c.accident_date, 1, 7) <= $2{filter} \
                 GROUP BY c.state ORDER BY c.state"
            );
            for r in db.rows("counting cases by state", &sql, &params)? {
                let c = Cols::new(&r);
                out.cases_by_state.push((
                    c.parsed(0, "state", str::parse::<CaseState>)?,
                    count(c.int(1)?),
                    count(c.int(2)?),
                ));
            }
            Ok(out)
        })
    }
}
