//! [`AppError`]: what a service refuses, with a stable [`AppError::code`] and
//! the [`AppError::field`] at fault, in lower case, naming the value and what
//! is allowed.

use std::fmt;

use crate::actor::Action;
use gongshang_domain::DomainError;
use gongshang_domain::determination::Rejection;
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
    /// A case's flow refused a command (determination, confirmation,
    /// claim, appraisal): its own stable code (`command_not_allowed`,
    /// `already_done`, `case_closed`, ...), a conflict with the case's state.
    Rejected(Rejection),
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

    /// The code of a change that contradicts what is stored.
    pub const CONFLICT: &str = "conflict";

    /// The codes of the app's own variants; [`AppError::all_codes`] adds
    /// those of the errors it wraps.
    pub const OWN_CODES: &[&str] = &[
        "invalid",
        "not_found",
        "conflict",
        "not_eligible",
        "forbidden",
        "maker_checker",
    ];

    /// Every code [`AppError::code`] can give, the wrapped errors' included:
    /// the API's error table must have a row for each (a test checks it).
    pub fn all_codes() -> Vec<&'static str> {
        let mut all: Vec<&'static str> = [
            AppError::OWN_CODES,
            Rejection::ALL_CODES,
            DomainError::ALL_CODES,
            RulesError::ALL_CODES,
            StoreError::ALL_CODES,
        ]
        .concat();
        all.sort_unstable();
        all.dedup();
        all
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid",
            AppError::NotFound { .. } => "not_found",
            AppError::Conflict { .. } => AppError::CONFLICT,
            AppError::NotEligible { .. } => "not_eligible",
            AppError::Forbidden { .. } => "forbidden",
            AppError::MakerChecker { .. } => "maker_checker",
            AppError::OutOfScope { .. } => "forbidden",
            AppError::Rejected(r) => r.code(),
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
            AppError::Rejected(Rejection::InvalidInput { field, .. }) => Some(field),
            AppError::Rejected(Rejection::Calendar(e)) => e.field(),
            AppError::Rejected(Rejection::MaterialsIncomplete { .. }) => Some("materials"),
            AppError::Rules(e) => e.field(),
            AppError::Domain(e) => e.field(),
            AppError::Store(
                StoreError::InvalidInput { field, .. } | StoreError::InvalidData { field, .. },
            ) => Some(field),
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
            // The code stays in the text too: people and older scripts read it.
            AppError::Rejected(r) => write!(f, "case: {r} ({})", r.code()),
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

/// A scheme id that is not one: the field at fault is always `scheme_id`.
impl From<gongshang_rules::scheme_id::SchemeIdError> for AppError {
    fn from(e: gongshang_rules::scheme_id::SchemeIdError) -> Self {
        AppError::invalid("scheme_id", e.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}

#[cfg(test)]
mod tests {
    use super::AppError;
    use crate::actor::Action;

    /// One error of each of the app's own variants: a new variant does not
    /// compile until it has a sample here (or is a wrapper whose codes
    /// [`AppError::all_codes`] adds), and the test checks that
    /// [`AppError::OWN_CODES`] lists its code.
    fn one_of_each() -> Vec<AppError> {
        let all = vec![
            AppError::invalid("x", "y"),
            AppError::NotFound {
                entity: "x",
                key: String::new(),
            },
            AppError::Conflict {
                entity: "x",
                reason: String::new(),
            },
            AppError::NotEligible {
                scheme: String::new(),
                rule: String::new(),
                value: String::new(),
                allowed: String::new(),
            },
            AppError::Forbidden {
                action: Action::ReadRegistry,
            },
            AppError::OutOfScope {
                field: "x",
                reason: String::new(),
            },
            AppError::MakerChecker {
                award_id: 1,
                maker: String::new(),
            },
        ];
        for e in &all {
            match e {
                AppError::Invalid { .. }
                | AppError::NotFound { .. }
                | AppError::Conflict { .. }
                | AppError::NotEligible { .. }
                | AppError::Forbidden { .. }
                | AppError::OutOfScope { .. }
                | AppError::MakerChecker { .. } => {}
                // Wrappers: their crates list their codes.
                AppError::Rejected(_)
                | AppError::Rules(_)
                | AppError::Domain(_)
                | AppError::Store(_) => {}
            }
        }
        all
    }

    #[test]
    fn own_codes_lists_the_code_of_every_variant() {
        let mut codes: Vec<&str> = one_of_each().iter().map(AppError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut listed = AppError::OWN_CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(codes, listed);
    }
}
