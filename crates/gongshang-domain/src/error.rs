//! The one error type of the domain core. Like `RulesError`, each error has a
//! stable `code()` for the API's error table and the `field()` at fault, and
//! its message is lower case, names the value and says what is allowed.

use std::fmt;

use gongshang_rules::RulesError;

/// What is wrong with an identifier, precisely enough to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdProblem {
    /// Too short or too long (counted in characters).
    Length { expected: String, found: usize },
    /// A character not allowed at a position (1-based, as people count).
    Character {
        position: usize,
        found: char,
        allowed: &'static str,
    },
    /// The GB/T 2260 region code is not one we know.
    Region { code: String },
    /// The embedded birth date (GB 11643) is not a real date in range.
    BirthDate { text: String },
    /// The registration authority and organisation type (GB 32100) do not
    /// form a combination of the standard's table.
    AuthorityType {
        authority: char,
        org_type: char,
        allowed: String,
    },
    /// The check character of the embedded organisation code (GB 11714).
    OrganisationCheck { expected: char, found: char },
    /// The final check character (GB 11643 or GB 32100).
    CheckCharacter { expected: char, found: char },
}

impl IdProblem {
    /// A stable sub-code, for tests and for an import's error file.
    pub fn code(&self) -> &'static str {
        match self {
            IdProblem::Length { .. } => "length",
            IdProblem::Character { .. } => "character",
            IdProblem::Region { .. } => "region",
            IdProblem::BirthDate { .. } => "birth_date",
            IdProblem::AuthorityType { .. } => "authority_type",
            IdProblem::OrganisationCheck { .. } => "organisation_check",
            IdProblem::CheckCharacter { .. } => "check_character",
        }
    }
}

impl fmt::Display for IdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdProblem::Length { expected, found } => {
                write!(f, "it has {found} characters; allowed: {expected}")
            }
            IdProblem::Character {
                position,
                found,
                allowed,
            } => write!(
                f,
                "character {position} is {found:?}; allowed there: {allowed}"
            ),
            IdProblem::Region { code } => write!(
                f,
                "region code {code} does not start with a GB/T 2260 province code"
            ),
            IdProblem::BirthDate { text } => write!(
                f,
                "birth date {text} is not a real date between 1900-01-01 and 2099-12-31"
            ),
            IdProblem::AuthorityType {
                authority,
                org_type,
                allowed,
            } => write!(
                f,
                "organisation type {org_type:?} is not defined for registration authority {authority:?}; allowed: {allowed}"
            ),
            IdProblem::OrganisationCheck { expected, found } => write!(
                f,
                "the organisation code's check character (position 17) is {found:?} but {expected:?} was expected (GB 11714)"
            ),
            IdProblem::CheckCharacter { expected, found } => write!(
                f,
                "the check character is {found:?} but {expected:?} was expected"
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainError {
    /// An identifier does not parse. `shown` is the value as it may be shown
    /// (a resident identity number is masked).
    InvalidIdentifier {
        field: &'static str,
        shown: String,
        problem: IdProblem,
    },
    /// An input lies outside what the domain allows.
    InputOutOfRange {
        field: &'static str,
        value: String,
        allowed: String,
    },
    /// Two inputs contradict each other.
    InputConflict { field: &'static str, reason: String },
    /// A holiday file does not pass validation.
    HolidayFileInvalid { file: String, reason: String },
    /// A ledger transaction that does not balance or has a bad posting.
    LedgerUnbalanced { reason: String },
    /// A transaction whose idempotency key is already used for another one.
    LedgerKeyConflict { key: String },
    /// A reversal of a transaction that does not exist, or is already reversed.
    LedgerReversalInvalid { key: String, reason: String },
    /// An error of the rules engine (a scheme's rule, a parameter).
    Rules(RulesError),
}

impl DomainError {
    pub fn out_of_range(
        field: &'static str,
        value: impl fmt::Display,
        allowed: impl Into<String>,
    ) -> Self {
        DomainError::InputOutOfRange {
            field,
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }

    /// Every code [`DomainError::code`] can give besides the rules engine's
    /// ([`RulesError::ALL_CODES`]), for the API's error table (a test there
    /// fails when one is missing from it).
    pub const ALL_CODES: &[&str] = &[
        "identifier_invalid",
        "input_out_of_range",
        "input_conflict",
        "holiday_file_invalid",
        "ledger_unbalanced",
        "ledger_key_conflict",
        "ledger_reversal_invalid",
    ];

    /// A stable machine code for the API's error table.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::InvalidIdentifier { .. } => "identifier_invalid",
            DomainError::InputOutOfRange { .. } => "input_out_of_range",
            DomainError::InputConflict { .. } => "input_conflict",
            DomainError::HolidayFileInvalid { .. } => "holiday_file_invalid",
            DomainError::LedgerUnbalanced { .. } => "ledger_unbalanced",
            DomainError::LedgerKeyConflict { .. } => "ledger_key_conflict",
            DomainError::LedgerReversalInvalid { .. } => "ledger_reversal_invalid",
            DomainError::Rules(e) => e.code(),
        }
    }

    /// The input this error is about, for a caller that points at a field (a
    /// CSV column, a JSON property, an HTML form field).
    pub fn field(&self) -> Option<&str> {
        match self {
            DomainError::InvalidIdentifier { field, .. }
            | DomainError::InputOutOfRange { field, .. }
            | DomainError::InputConflict { field, .. } => Some(field),
            DomainError::LedgerKeyConflict { .. } => Some("idempotency_key"),
            DomainError::LedgerReversalInvalid { .. } => Some("reverses"),
            DomainError::HolidayFileInvalid { .. } => Some("file"),
            DomainError::LedgerUnbalanced { .. } => None,
            DomainError::Rules(e) => e.field(),
        }
    }

    /// The identifier problem, if this is one.
    pub fn id_problem(&self) -> Option<&IdProblem> {
        match self {
            DomainError::InvalidIdentifier { problem, .. } => Some(problem),
            _ => None,
        }
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DomainError::InvalidIdentifier {
                field,
                shown,
                problem,
            } => write!(f, "{field} {shown:?} is not valid: {problem}"),
            DomainError::InputOutOfRange {
                field,
                value,
                allowed,
            } => write!(
                f,
                "input {field} = {value} is out of range: allowed {allowed}"
            ),
            DomainError::InputConflict { field, reason } => write!(f, "input {field}: {reason}"),
            DomainError::HolidayFileInvalid { file, reason } => {
                write!(f, "holiday file {file}: {reason}")
            }
            DomainError::LedgerUnbalanced { reason } => {
                write!(f, "ledger transaction refused: {reason}")
            }
            DomainError::LedgerKeyConflict { key } => write!(
                f,
                "idempotency key {key:?} is already used by a different transaction"
            ),
            DomainError::LedgerReversalInvalid { key, reason } => {
                write!(f, "cannot reverse transaction {key:?}: {reason}")
            }
            DomainError::Rules(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for DomainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DomainError::Rules(e) => Some(e),
            _ => None,
        }
    }
}

impl From<RulesError> for DomainError {
    fn from(e: RulesError) -> Self {
        DomainError::Rules(e)
    }
}

#[cfg(test)]
mod tests {
    use super::{DomainError, IdProblem};

    /// One error of each variant (but the rules engine's): a new variant
    /// does not compile until it has a sample here, and the test checks that
    /// [`DomainError::ALL_CODES`] lists its code.
    fn one_of_each() -> Vec<DomainError> {
        let all = vec![
            DomainError::InvalidIdentifier {
                field: "x",
                shown: String::new(),
                problem: IdProblem::Region {
                    code: String::new(),
                },
            },
            DomainError::out_of_range("x", 1, "0"),
            DomainError::InputConflict {
                field: "x",
                reason: String::new(),
            },
            DomainError::HolidayFileInvalid {
                file: String::new(),
                reason: String::new(),
            },
            DomainError::LedgerUnbalanced {
                reason: String::new(),
            },
            DomainError::LedgerKeyConflict { key: String::new() },
            DomainError::LedgerReversalInvalid {
                key: String::new(),
                reason: String::new(),
            },
        ];
        for e in &all {
            match e {
                DomainError::InvalidIdentifier { .. }
                | DomainError::InputOutOfRange { .. }
                | DomainError::InputConflict { .. }
                | DomainError::HolidayFileInvalid { .. }
                | DomainError::LedgerUnbalanced { .. }
                | DomainError::LedgerKeyConflict { .. }
                | DomainError::LedgerReversalInvalid { .. } => {}
                // Its codes are the rules engine's ALL_CODES.
                DomainError::Rules(_) => {}
            }
        }
        all
    }

    #[test]
    fn all_codes_lists_the_code_of_every_variant() {
        let mut codes: Vec<&str> = one_of_each().iter().map(DomainError::code).collect();
        codes.sort_unstable();
        let mut listed = DomainError::ALL_CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(codes, listed);
    }
}
