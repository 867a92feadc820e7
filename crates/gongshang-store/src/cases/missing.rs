//! A worker missing after an accident (Regulations Art 41): the case's
//! missing-worker events, numbered 1, 2, 3, ... per case in their own table
//! (`missing_worker_events`), append-only. An append names how many events
//! it was decided on; if another came first it is refused (`conflict`) and
//! nothing is written. The survivors' pensions that stop when the worker
//! reappears end in the same transaction as the event.

use super::payroll::end_benefit_in;
use super::*;

/// One missing-worker event to append, already serialized by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMissingEvent {
    /// `went_missing`, `advance_applied`, `declared_dead` or `reappeared`.
    pub kind: String,
    pub on: Date,
    /// The format of `body` (the application's numbering).
    pub format: i64,
    pub body: String,
}

/// A stored missing-worker event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredMissingEvent {
    pub seq: i64,
    pub kind: String,
    pub on: Date,
    pub format: i64,
    pub body: String,
    /// Who recorded it (`role:login`).
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A periodic benefit to end with the event: paid up to `last_month`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenefitEnding {
    pub benefit_id: i64,
    pub last_month: Month,
    pub reason: String,
}

/// The missing-worker events of cases. A part of [`Store`].
pub trait MissingWorkerStore {
    /// Appends `event` as the case's event number `after + 1` and ends
    /// `endings`, in one transaction with its audit entry. `after` is the
    /// number of events the caller decided on; another append first is a
    /// `conflict`.
    fn append_missing_event(
        &self,
        case_id: i64,
        after: i64,
        event: &NewMissingEvent,
        endings: &[BenefitEnding],
        actor: &str,
        at: Timestamp,
    ) -> Result<StoredMissingEvent, StoreError>;
    /// The case's missing-worker events, in order.
    fn missing_events(&self, case_id: i64) -> Result<Vec<StoredMissingEvent>, StoreError>;
}

impl<B: Backend> MissingWorkerStore for SqlStore<B> {
    fn append_missing_event(
        &self,
        case_id: i64,
        after: i64,
        event: &NewMissingEvent,
        endings: &[BenefitEnding],
        actor: &str,
        at: Timestamp,
    ) -> Result<StoredMissingEvent, StoreError> {
        require_actor(actor)?;
        self.backend.transaction(|db| {
            let exists = db.rows(
                "finding the case of a missing-worker event",
                "SELECT id FROM cases WHERE id = $1",
                &[i(case_id)],
            )?;
            if exists.is_empty() {
                return Err(StoreError::not_found("case", case_id));
            }
            let row = db.one_row(
                "counting the missing-worker events of a case",
                "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM missing_worker_events WHERE case_id = $1",
                &[i(case_id)],
            )?;
            let last = Cols::new(&row).int(0)?;
            if last != after {
                return Err(StoreError::conflict(
                    "case",
                    case_id.to_string(),
                    format!(
                        "its missing-worker record has {last} events, not {after}; read it again"
                    ),
                ));
            }
            let seq = after + 1;
            let n = db.exec(
                "appending a missing-worker event",
                "INSERT INTO missing_worker_events \
                 (case_id, seq, kind, on_date, format, body, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (case_id, seq) DO NOTHING",
                &[
                    i(case_id),
                    i(seq),
                    t(&event.kind),
                    t(event.on),
                    i(event.format),
                    t(&event.body),
                    t(actor),
                    t(at),
                ],
            )?;
            if n == 0 {
                return Err(StoreError::conflict(
                    "case",
                    case_id.to_string(),
                    "another missing-worker event came first; read it again",
                ));
            }
            for e in endings {
                end_benefit_in(db, e.benefit_id, e.last_month, &e.reason)?;
            }
            audit(
                db,
                actor,
                at,
                "missing_worker_event",
                "case",
                &case_id.to_string(),
                json!({
                    "seq": seq, "kind": event.kind, "on": event.on.to_string(),
                    "ended_benefits": endings.iter().map(|e| json!({
                        "benefit_id": e.benefit_id, "last_month": e.last_month.to_string(),
                        "reason": e.reason,
                    })).collect::<Vec<_>>(),
                }),
            )?;
            Ok(StoredMissingEvent {
                seq,
                kind: event.kind.clone(),
                on: event.on,
                format: event.format,
                body: event.body.clone(),
                recorded_by: actor.to_owned(),
                recorded_at: at,
            })
        })
    }

    fn missing_events(&self, case_id: i64) -> Result<Vec<StoredMissingEvent>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading the missing-worker events of a case",
                "SELECT seq, kind, on_date, format, body, recorded_by, recorded_at \
                 FROM missing_worker_events WHERE case_id = $1 ORDER BY seq",
                &[i(case_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(StoredMissingEvent {
                    seq: c.int(0)?,
                    kind: c.text(1)?.to_owned(),
                    on: c.parsed(2, "on_date", parse_date)?,
                    format: c.int(3)?,
                    body: c.text(4)?.to_owned(),
                    recorded_by: c.text(5)?.to_owned(),
                    recorded_at: c.parsed(6, "recorded_at", parse_ts)?,
                })
            })
            .collect()
        })
    }
}
