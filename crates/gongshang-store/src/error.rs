//! [`StoreError`]: what went wrong, with a stable [`StoreError::code`] and a
//! lower-case message that names the entity and the value. A unique-constraint
//! violation becomes [`StoreError::Duplicate`] or [`StoreError::Conflict`]
//! naming the key, never a raw SQL message; [`StoreError::Backend`] keeps the
//! backend's own detail for the logs.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// No `entity` with that key.
    NotFound { entity: &'static str, key: String },
    /// An `entity` with that key already exists.
    Duplicate { entity: &'static str, key: String },
    /// The change contradicts what is stored (a reversal of a reversed
    /// transaction, a payment above what is outstanding, ...).
    Conflict {
        entity: &'static str,
        key: String,
        reason: String,
    },
    /// The idempotency key was used before for different content.
    IdempotencyMismatch { entity: &'static str, key: String },
    /// A value the store will not keep: the caller's input (an empty name,
    /// an end before the start, an unknown kind). Code `invalid`, like the
    /// app's own input errors.
    InvalidInput { field: &'static str, reason: String },
    /// A value found stored that cannot be read back: ours, not the
    /// caller's (logged, never shown).
    InvalidData { field: &'static str, reason: String },
    /// The database itself failed: the detail is for the logs, not for users.
    Backend {
        backend: &'static str,
        context: String,
        detail: String,
    },
}

impl StoreError {
    /// Every code [`StoreError::code`] can give, for the API's error table
    /// (a test there fails when one is missing from it).
    pub const ALL_CODES: &[&str] = &[
        "not_found",
        "duplicate",
        "conflict",
        "idempotency_mismatch",
        "invalid",
        "invalid_data",
        "backend",
    ];

    /// A stable code for the API's error table.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "not_found",
            StoreError::Duplicate { .. } => "duplicate",
            StoreError::Conflict { .. } => "conflict",
            StoreError::IdempotencyMismatch { .. } => "idempotency_mismatch",
            StoreError::InvalidInput { .. } => "invalid",
            StoreError::InvalidData { .. } => "invalid_data",
            StoreError::Backend { .. } => "backend",
        }
    }

    pub(crate) fn not_found(entity: &'static str, key: impl fmt::Display) -> StoreError {
        StoreError::NotFound {
            entity,
            key: key.to_string(),
        }
    }

    pub(crate) fn duplicate(entity: &'static str, key: impl fmt::Display) -> StoreError {
        StoreError::Duplicate {
            entity,
            key: key.to_string(),
        }
    }

    pub(crate) fn conflict(
        entity: &'static str,
        key: impl fmt::Display,
        reason: impl Into<String>,
    ) -> StoreError {
        StoreError::Conflict {
            entity,
            key: key.to_string(),
            reason: reason.into(),
        }
    }

    /// The caller's input refused.
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> StoreError {
        StoreError::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    /// Stored data that does not read back.
    pub(crate) fn stored(field: &'static str, reason: impl Into<String>) -> StoreError {
        StoreError::InvalidData {
            field,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound { entity, key } => write!(f, "{entity} {key} not found"),
            StoreError::Duplicate { entity, key } => write!(f, "{entity} {key} already exists"),
            StoreError::Conflict {
                entity,
                key,
                reason,
            } => write!(f, "{entity} {key}: {reason}"),
            StoreError::IdempotencyMismatch { entity, key } => write!(
                f,
                "{entity} idempotency key {key} was already used for different content"
            ),
            StoreError::InvalidInput { field, reason }
            | StoreError::InvalidData { field, reason } => {
                write!(f, "{field}: {reason}")
            }
            StoreError::Backend {
                backend,
                context,
                detail,
            } => write!(f, "{backend} error while {context}: {detail}"),
        }
    }
}

impl std::error::Error for StoreError {}

#[cfg(test)]
mod tests {
    use super::StoreError;

    /// One error of each variant: a new variant does not compile until it
    /// has a sample here, and the test checks that [`StoreError::ALL_CODES`]
    /// lists its code.
    fn one_of_each() -> Vec<StoreError> {
        let all = vec![
            StoreError::not_found("x", 1),
            StoreError::duplicate("x", 1),
            StoreError::conflict("x", 1, "y"),
            StoreError::IdempotencyMismatch {
                entity: "x",
                key: String::new(),
            },
            StoreError::invalid("x", "y"),
            StoreError::stored("x", "y"),
            StoreError::Backend {
                backend: "sqlite",
                context: String::new(),
                detail: String::new(),
            },
        ];
        for e in &all {
            match e {
                StoreError::NotFound { .. }
                | StoreError::Duplicate { .. }
                | StoreError::Conflict { .. }
                | StoreError::IdempotencyMismatch { .. }
                | StoreError::InvalidInput { .. }
                | StoreError::InvalidData { .. }
                | StoreError::Backend { .. } => {}
            }
        }
        all
    }

    #[test]
    fn all_codes_lists_the_code_of_every_variant() {
        let mut codes: Vec<&str> = one_of_each().iter().map(StoreError::code).collect();
        codes.sort_unstable();
        let mut listed = StoreError::ALL_CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(codes, listed);
    }
}
