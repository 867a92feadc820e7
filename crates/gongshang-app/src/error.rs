//! [`AppError`]: what a service refuses, with a stable [`AppError::code`] and
//! the [`AppError::field`] at fault, in lower case, naming the value and what
//! is allowed.

use std::fmt;

use crate::actor::Action;
use gongshang_domain::DomainError;
use gongshang_rules::RulesError;
use gongshang_store::StoreError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppError {
    /// An input that does not parse or is out of range.
    Invalid {
        field: &'static str,
        reason: String,
    },
    /// Nothing with that key.
    NotFound {
        entity: &'static str,
        key: String,
    },
    /// The change contradicts what is stored (a month declared twice, ...).
    Conflict {
        entity: &'static str,
        reason: String,
    },
    /// The person may not enrol: the rule, the value and what is allowed.
    NotEligible {
        scheme: String,
        rule: String,
        value: String,
        allowed: String,
    },
    /// The actor's role may not do this at all.
    Forbidden {
        action: Action,
    },
    /// The actor may do this, but not for that unit, platform or person.
    OutOfScope {
        field: &'static str,
        reason: String,
    },
    /// The maker of an award may not approve it: a second person does.
    MakerChecker {
        award_id: i64,
        maker: String,
    },
    Rules(RulesError),
    Domain(DomainError),
    Store(StoreError),
}

impl AppError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> AppError {
        AppError::Invalid {
            field,
            reason: reason.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid",
            AppError::NotFound { .. } => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::NotEligible { .. } => "not_eligible",
            AppError::Forbidden { .. } => "forbidden",
            AppError::MakerChecker { .. } => "maker_checker",
            AppError::OutOfScope { .. } => "forbidden",
            AppError::Rules(e) => e.code(),
            AppError::Domain(e) => e.code(),
            AppError::Store(e) => e.code(),
        }
    }

    /// A failure that is ours, not the caller's: the database failed, or
    /// stored data or a policy file does not read back. Logged, never shown.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            AppError::Store(StoreError::Backend { .. } | StoreError::InvalidData { .. })
                | AppError::Rules(RulesError::PolicyInvalid { .. })
        )
    }

    /// The input at fault, for a caller that points at a field or column.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } | AppError::OutOfScope { field, .. } => Some(field),
            AppError::NotEligible { .. } => Some("scheme_id"),
            AppError::Rules(e) => e.field(),
            AppError::Domain(e) => e.field(),
            AppError::Store(StoreError::InvalidData { field, .. }) => Some(field),
            _ => None,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Invalid { field, reason } => write!(f, "{field}: {reason}"),
            AppError::NotFound { entity, key } => write!(f, "{entity} {key} not found"),
            AppError::Conflict { entity, reason } => write!(f, "{entity}: {reason}"),
            AppError::NotEligible {
                scheme,
                rule,
                value,
                allowed,
            } => write!(
                f,
                "not eligible for scheme {scheme}: rule {rule} failed with {value}; allowed: {allowed}"
            ),
            AppError::Forbidden { action } => write!(f, "your role may not {}", action.what()),
            AppError::OutOfScope { reason, .. } => write!(f, "{reason}"),
            AppError::MakerChecker { award_id, maker } => write!(
                f,
                "award {award_id} was computed by {maker}; another person must approve it (maker-checker)"
            ),
            AppError::Rules(e) => write!(f, "{e}"),
            AppError::Domain(e) => write!(f, "{e}"),
            AppError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for AppError {}

impl From<RulesError> for AppError {
    fn from(e: RulesError) -> Self {
        AppError::Rules(e)
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Domain(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}
