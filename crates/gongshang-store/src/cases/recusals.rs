//! Recusals (回避, Regulations Art 20(4)): an official with an interest in a
//! case withdraws from it. Each is kept with its reason, who recorded it and
//! when, in one transaction with its audit entry, and never changed.

use super::*;

/// The longest reason a recusal keeps.
pub const RECUSAL_REASON_MAX_CHARS: usize = 500;

/// An official who withdrew from a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recusal {
    /// The official's login.
    pub official: String,
    /// The interest declared (a relative of the worker, a shareholder of the
    /// unit, ...).
    pub reason: String,
    /// Who recorded it (`role:login`).
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// The officials who withdrew from cases. A part of [`Store`].
pub trait RecusalStore {
    /// Records that `official` withdraws from the case, once; a second
    /// recusal of the same official on the same case is a `conflict`.
    fn record_recusal(
        &self,
        case_id: i64,
        official: &str,
        reason: &str,
        recorded_by: &str,
        at: Timestamp,
    ) -> Result<Recusal, StoreError>;
    /// The case's recusals, in the order recorded.
    fn recusals_of_case(&self, case_id: i64) -> Result<Vec<Recusal>, StoreError>;
}

impl<B: Backend> RecusalStore for SqlStore<B> {
    fn record_recusal(
        &self,
        case_id: i64,
        official: &str,
        reason: &str,
        recorded_by: &str,
        at: Timestamp,
    ) -> Result<Recusal, StoreError> {
        require_actor(recorded_by)?;
        let official = official.trim();
        if official.is_empty() {
            return Err(StoreError::invalid(
                "official",
                "is empty; name the official who withdraws",
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid(
                "reason",
                "is empty; say what interest the official has in the case",
            ));
        }
        if reason.chars().count() > RECUSAL_REASON_MAX_CHARS {
            return Err(StoreError::invalid(
                "reason",
                format!(
                    "has {} characters; at most {RECUSAL_REASON_MAX_CHARS}",
                    reason.chars().count()
                ),
            ));
        }
        self.backend.transaction(|db| {
            let exists = db.rows(
                "finding the case of a recusal",
                "SELECT id FROM cases WHERE id = $1",
                &[i(case_id)],
            )?;
            if exists.is_empty() {
                return Err(StoreError::not_found("case", case_id));
            }
            let n = db.exec(
                "recording a recusal",
                "INSERT INTO case_recusals (case_id, official, reason, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id, official) DO NOTHING",
                &[i(case_id), t(official), t(reason), t(recorded_by), t(at)],
            )?;
            if n == 0 {
                return Err(StoreError::conflict(
                    "case",
                    case_id.to_string(),
                    format!("{official} has already withdrawn from it"),
                ));
            }
            audit(
                db,
                recorded_by,
                at,
                "record_recusal",
                "case",
                &case_id.to_string(),
                json!({"official": official, "reason": reason}),
            )?;
            Ok(Recusal {
                official: official.to_owned(),
                reason: reason.to_owned(),
                recorded_by: recorded_by.to_owned(),
                recorded_at: at,
            })
        })
    }

    fn recusals_of_case(&self, case_id: i64) -> Result<Vec<Recusal>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading the recusals of a case",
                "SELECT official, reason, recorded_by, recorded_at FROM case_recusals \
                 WHERE case_id = $1 ORDER BY recorded_at, official",
                &[i(case_id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(Recusal {
                    official: c.text(0)?.to_owned(),
                    reason: c.text(1)?.to_owned(),
                    recorded_by: c.text(2)?.to_owned(),
                    recorded_at: c.parsed(3, "recorded_at", parse_ts)?,
                })
            })
            .collect()
        })
    }
}
