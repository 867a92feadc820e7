//! A case's event log and its queryable row: created with its first events,
//! appended at a version, read back; the recognised accidents and the
//! appraisal conclusions kept beside them.

use super::*;

const CASE_COLUMNS: &str = "id, number, flow, resident_id, unit_code, scheme_id, jurisdiction, region, accident_key, accident_date, \
     state, closed, deadline_kind, deadline_due, deadline_article, version, opened_at, updated_at";

fn case_from_row(row: &[Value]) -> Result<CaseRow, StoreError> {
    let c = Cols::new(row);
    let deadline = match (
        c.opt_text(12)?,
        c.opt_parsed(13, "deadline_due", parse_date)?,
    ) {
        (Some(kind), Some(due)) => Some(StoredDeadline {
            kind: kind.parse().map_err(|e: gongshang_domain::DomainError| {
                StoreError::InvalidData {
                    field: "deadline_kind",
                    reason: e.to_string(),
                }
            })?,
            due,
            article: c.opt_text(14)?.unwrap_or_default().to_owned(),
        }),
        _ => None,
    };
    Ok(CaseRow {
        id: c.int(0)?,
        number: c.text(1)?.to_owned(),
        flow: c.parsed(2, "flow", str::parse::<Flow>)?,
        person: c.parsed(3, "resident_id", ResidentId::parse)?,
        unit: c.opt_parsed(4, "unit_code", CreditCode::parse)?,
        scheme_id: c.scheme_id(5)?,
        jurisdiction: c.text(6)?.to_owned(),
        region: c.opt_text(7)?.map(str::to_owned),
        accident_key: c.text(8)?.to_owned(),
        accident_date: c.parsed(9, "accident_date", parse_date)?,
        state: c.parsed(10, "state", str::parse::<CaseState>)?,
        closed: c.int(11)? != 0,
        deadline,
        version: c.int(15)?,
        opened_at: c.parsed(16, "opened_at", parse_ts)?,
        updated_at: c.parsed(17, "updated_at", parse_ts)?,
    })
}

pub(super) fn case_by(
    db: &mut dyn Db,
    column: &str,
    key: Value,
) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE {column} = $1");
    db.opt_row("reading a case", &sql, &[key])?
        .map(|r| case_from_row(&r))
        .transpose()
}

pub(super) fn validate_append(append: &CaseAppend) -> Result<(), StoreError> {
    if append.expected_version < 0 {
        return Err(StoreError::invalid(
            "expected_version",
            format!("{} is negative; 0 or more", append.expected_version),
        ));
    }
    for e in &append.events {
        serde_json::from_str::<serde_json::Value>(&e.body)
            .map_err(|err| StoreError::invalid("body", format!("not JSON: {err}")))?;
    }
    Ok(())
}

/// Writes the events, snapshot, recognition and conclusions of an append to
/// case `case_id`, whose version is known to be `append.expected_version`.
pub(super) fn write_append(
    db: &mut dyn Db,
    case_id: i64,
    number: &str,
    append: &CaseAppend,
    actor: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let mut seq = append.expected_version;
    for e in &append.events {
        seq += 1;
        db.exec(
            "appending a case event",
            "INSERT INTO case_events (case_id, seq, stream, kind, on_date, body, recorded_at, actor, format) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                i(case_id),
                i(seq),
                t(e.stream),
                t(&e.kind),
                t(e.on),
                t(&e.body),
                t(at),
                t(actor),
                i(e.format),
            ],
        )?;
    }
    if let Some((key, on)) = &append.recognises {
        let inserted = db.execute(
            "INSERT INTO recognised_accidents (accident_key, case_id, recognised_on) VALUES ($1, $2, $3)",
            &[t(key), i(case_id), t(on)],
        );
        match inserted {
            Ok(_) => {}
            Err(crate::db::DbError::Unique(_)) => {
                return Err(StoreError::duplicate("recognised accident", key));
            }
            Err(e) => {
                return Err(crate::db::backend_error(
                    db.backend(),
                    "recognising an accident",
                    e,
                ));
            }
        }
    }
    for c in &append.conclusions {
        db.exec(
            "recording an appraisal conclusion",
            "INSERT INTO appraisal_conclusions (case_id, number, kind, level, applied_on, concluded_on, grade, nursing, late_by_days, reappraisal_of) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                i(case_id),
                i(c.number),
                t(&c.kind),
                t(&c.level),
                t(c.applied_on),
                t(c.concluded_on),
                Value::opt_int(c.grade.map(i64::from)),
                opt_t(c.nursing.as_ref()),
                i(c.late_by_days),
                Value::opt_int(c.reappraisal_of),
            ],
        )?;
    }
    let s = &append.snapshot;
    let d = s.deadline.as_ref();
    db.exec(
        "updating a case",
        "UPDATE cases SET state = $1, closed = $2, deadline_kind = $3, deadline_due = $4, deadline_article = $5, \
         version = $6, updated_at = $7 WHERE id = $8",
        &[
            t(s.state),
            i(i64::from(s.closed)),
            opt_t(d.map(|d| &d.kind)),
            opt_t(d.map(|d| d.due)),
            opt_t(d.map(|d| &d.article)),
            i(seq),
            t(at),
            i(case_id),
        ],
    )?;
    let kinds: Vec<&str> = append.events.iter().map(|e| e.kind.as_str()).collect();
    audit(
        db,
        actor,
        at,
        "append_events",
        "case",
        number,
        json!({"id": case_id, "from_version": append.expected_version, "to_version": seq, "events": kinds, "state": s.state}),
    )
}

/// A case's event log and row. A part of [`CaseStore`].
pub trait CaseLogStore {
    /// The case row, its first events and the audit row, in one transaction.
    fn create_case(
        &self,
        case: &NewCase,
        append: &CaseAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<CaseRow, StoreError>;
    /// Appends events decided on `append.expected_version`; a case that has
    /// moved on since is a `conflict` and nothing is written.
    fn append_case_events(
        &self,
        case_id: i64,
        append: &CaseAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<CaseRow, StoreError>;
    fn case_by_number(&self, number: &str) -> Result<Option<CaseRow>, StoreError>;
    fn case_by_id(&self, id: i64) -> Result<Option<CaseRow>, StoreError>;
    fn case_events(&self, case_id: i64) -> Result<Vec<StoredCaseEvent>, StoreError>;
    /// The number of the case that recognised the accident, if any.
    fn accident_recognised_in(&self, accident_key: &str) -> Result<Option<String>, StoreError>;
    /// Open cases with a running deadline, the earliest due first.
    fn case_queue(&self, limit: u32) -> Result<Vec<CaseRow>, StoreError>;
    /// Open cases whose running deadline is due on or after `from`.
    fn open_cases_due_from(&self, from: Date) -> Result<Vec<CaseRow>, StoreError>;
    /// Rewrites the snapshot of a case whose events did not change (its
    /// deadlines counted again by a holiday calendar loaded since), if it is
    /// still at `version`; `false` when it moved on (its append rewrote the
    /// snapshot by the new calendar already).
    fn refresh_case_snapshot(
        &self,
        case_id: i64,
        version: i64,
        snapshot: &CaseSnapshot,
        actor: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    fn cases_of_person(&self, person: &ResidentId) -> Result<Vec<CaseRow>, StoreError>;
    fn appraisal_history(&self, case_id: i64) -> Result<Vec<ConclusionRow>, StoreError>;
}

impl<B: Backend> CaseLogStore for SqlStore<B> {
    fn create_case(
        &self,
        case: &NewCase,
        append: &CaseAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<CaseRow, StoreError> {
        require_actor(actor)?;
        validate_append(append)?;
        if append.expected_version != 0 {
            return Err(StoreError::invalid(
                "expected_version",
                format!("{} for a new case; expected 0", append.expected_version),
            ));
        }
        if append.events.is_empty() {
            return Err(StoreError::invalid(
                "events",
                "a new case needs its first event",
            ));
        }
        self.backend.transaction(|db| {
            // A provisional number unique by construction, replaced below
            // when the caller gave none.
            let provisional = match &case.number {
                Some(n) => n.clone(),
                None => format!("pending-{}-{}", at.as_nanosecond(), case.person.as_str()),
            };
            let id = db.insert_id(
                "creating a case",
                "INSERT INTO cases (number, flow, resident_id, unit_code, scheme_id, jurisdiction, region, accident_key, accident_date, \
                 state, closed, version, opened_at, updated_at, platform) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', 0, 0, $10, $10, $11) RETURNING id",
                &[
                    t(&provisional),
                    t(case.flow),
                    t(case.person.as_str()),
                    opt_t(case.unit.as_ref().map(CreditCode::as_str)),
                    t(&case.scheme_id),
                    t(&case.jurisdiction),
                    opt_t(case.region.as_ref()),
                    t(&case.accident_key),
                    t(case.accident_date),
                    t(at),
                    opt_t(case.platform.as_ref().map(|p| p.as_str())),
                ],
                || StoreError::duplicate("case", &provisional),
            )?;
            let number = match &case.number {
                Some(n) => n.clone(),
                None => {
                    let n = format!("GS{}-{id:06}", case.accident_date.year());
                    db.exec(
                        "numbering a case",
                        "UPDATE cases SET number = $1 WHERE id = $2",
                        &[t(&n), i(id)],
                    )?;
                    n
                }
            };
            audit(
                db,
                actor,
                at,
                "create_case",
                "case",
                &number,
                json!({"id": id, "flow": case.flow, "scheme_id": case.scheme_id, "accident_date": case.accident_date.to_string()}),
            )?;
            write_append(db, id, &number, append, actor, at)?;
            case_by(db, "id", i(id))?.ok_or_else(|| StoreError::not_found("case", id))
        })
    }

    fn append_case_events(
        &self,
        case_id: i64,
        append: &CaseAppend,
        actor: &str,
        at: Timestamp,
    ) -> Result<CaseRow, StoreError> {
        require_actor(actor)?;
        validate_append(append)?;
        self.backend.transaction(|db| {
            let Some(case) = case_by(db, "id", i(case_id))? else {
                return Err(StoreError::not_found("case", case_id));
            };
            // The version check and the write are one transaction (SQLite's
            // is IMMEDIATE; on PostgreSQL the conditional UPDATE below takes
            // the row lock), so two appends at one version cannot both land.
            let claimed = db.exec(
                "claiming a case version",
                "UPDATE cases SET version = version WHERE id = $1 AND version = $2",
                &[i(case_id), i(append.expected_version)],
            )?;
            if claimed == 0 {
                return Err(StoreError::conflict(
                    "case",
                    &case.number,
                    format!(
                        "the events were decided on version {}, but the case is at version {}; read it again",
                        append.expected_version, case.version
                    ),
                ));
            }
            write_append(db, case_id, &case.number, append, actor, at)?;
            case_by(db, "id", i(case_id))?.ok_or_else(|| StoreError::not_found("case", case_id))
        })
    }

    fn case_by_number(&self, number: &str) -> Result<Option<CaseRow>, StoreError> {
        self.backend.read(|db| case_by(db, "number", t(number)))
    }

    fn case_by_id(&self, id: i64) -> Result<Option<CaseRow>, StoreError> {
        self.backend.read(|db| case_by(db, "id", i(id)))
    }

    fn case_events(&self, case_id: i64) -> Result<Vec<StoredCaseEvent>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading case events",
                "SELECT seq, stream, kind, on_date, body, recorded_at, actor, format FROM case_events WHERE case_id = $1 ORDER BY seq",
                &[i(case_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(StoredCaseEvent {
                    seq: c.int(0)?,
                    stream: c.parsed(1, "stream", str::parse::<EventStream>)?,
                    kind: c.text(2)?.to_owned(),
                    on: c.parsed(3, "on_date", parse_date)?,
                    body: c.text(4)?.to_owned(),
                    recorded_at: c.parsed(5, "recorded_at", parse_ts)?,
                    actor: c.text(6)?.to_owned(),
                    format: c.int(7)?,
                })
            })
            .collect()
        })
    }

    fn accident_recognised_in(&self, accident_key: &str) -> Result<Option<String>, StoreError> {
        self.backend.read(|db| {
            let row = db.opt_row(
                "reading recognised accidents",
                "SELECT c.number FROM recognised_accidents r JOIN cases c ON c.id = r.case_id WHERE r.accident_key = $1",
                &[t(accident_key)],
            )?;
            row.map(|r| Cols::new(&r).text(0).map(str::to_owned))
                .transpose()
        })
    }

    fn case_queue(&self, limit: u32) -> Result<Vec<CaseRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT {CASE_COLUMNS} FROM cases WHERE closed = 0 AND deadline_due IS NOT NULL \
                 ORDER BY deadline_due, number LIMIT $1"
            );
            db.rows("reading the work queue", &sql, &[i(i64::from(limit))])?
                .iter()
                .map(|r| case_from_row(r))
                .collect()
        })
    }

    fn open_cases_due_from(&self, from: Date) -> Result<Vec<CaseRow>, StoreError> {
        self.backend.read(|db| {
            let sql = format!(
                "SELECT {CASE_COLUMNS} FROM cases WHERE closed = 0 AND deadline_due >= $1 ORDER BY id"
            );
            db.rows("reading cases due from a date", &sql, &[t(from)])?
                .iter()
                .map(|r| case_from_row(r))
                .collect()
        })
    }

    fn refresh_case_snapshot(
        &self,
        case_id: i64,
        version: i64,
        snapshot: &CaseSnapshot,
        actor: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "empty"));
        }
        self.backend.transaction(|db| {
            let d = snapshot.deadline.as_ref();
            let n = db.exec(
                "refreshing a case's deadline",
                "UPDATE cases SET state = $1, closed = $2, deadline_kind = $3, deadline_due = $4, deadline_article = $5, \
                 updated_at = $6 WHERE id = $7 AND version = $8",
                &[
                    t(snapshot.state),
                    i(i64::from(snapshot.closed)),
                    opt_t(d.map(|d| &d.kind)),
                    opt_t(d.map(|d| d.due)),
                    opt_t(d.map(|d| &d.article)),
                    t(at),
                    i(case_id),
                    i(version),
                ],
            )?;
            if n == 1 {
                audit(
                    db,
                    actor,
                    at,
                    "refresh_deadline",
                    "case",
                    &case_id.to_string(),
                    json!({"version": version, "deadline_due": d.map(|d| d.due.to_string())}),
                )?;
            }
            Ok(n == 1)
        })
    }

    fn cases_of_person(&self, person: &ResidentId) -> Result<Vec<CaseRow>, StoreError> {
        self.backend.read(|db| {
            let sql =
                format!("SELECT {CASE_COLUMNS} FROM cases WHERE resident_id = $1 ORDER BY id");
            db.rows("reading cases", &sql, &[t(person.as_str())])?
                .iter()
                .map(|r| case_from_row(r))
                .collect()
        })
    }

    fn appraisal_history(&self, case_id: i64) -> Result<Vec<ConclusionRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading appraisal conclusions",
                "SELECT number, kind, level, applied_on, concluded_on, grade, nursing, late_by_days, reappraisal_of \
                 FROM appraisal_conclusions WHERE case_id = $1 ORDER BY number",
                &[i(case_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(ConclusionRow {
                    number: c.int(0)?,
                    kind: c.text(1)?.to_owned(),
                    level: c.text(2)?.to_owned(),
                    applied_on: c.parsed(3, "applied_on", parse_date)?,
                    concluded_on: c.parsed(4, "concluded_on", parse_date)?,
                    grade: c.opt_int(5)?.and_then(|g| u8::try_from(g).ok()),
                    nursing: c.opt_text(6)?.map(str::to_owned),
                    late_by_days: c.int(7)?,
                    reappraisal_of: c.opt_int(8)?,
                })
            })
            .collect()
        })
    }
}
