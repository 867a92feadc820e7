//! The one error type of the rules engine. Every message names the input or
//! parameter at fault and what is allowed, in lower case without a final period.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RulesError {
    /// An input the calculation needs was not given.
    MissingInput {
        input: &'static str,
        needed_for: String,
    },
    /// An input was given but lies outside what the rules allow.
    InputOutOfRange {
        input: &'static str,
        value: String,
        allowed: String,
    },
    /// Two inputs contradict each other.
    InputConflict { input: &'static str, reason: String },
    /// No value of a parameter applies at the legal date.
    ParameterMissing {
        parameter: String,
        scope: String,
        at: String,
        available: String,
    },
    /// The person is not eligible for the scheme.
    NotEligible {
        scheme: String,
        rule: &'static str,
        value: String,
        allowed: String,
    },
    /// No scheme with that id is loaded.
    UnknownScheme { scheme: String, available: String },
    /// A policy file does not pass validation.
    PolicyInvalid {
        file: String,
        location: String,
        reason: String,
    },
}

impl RulesError {
    pub fn out_of_range(
        input: &'static str,
        value: impl fmt::Display,
        allowed: impl Into<String>,
    ) -> Self {
        RulesError::InputOutOfRange {
            input,
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }

    pub fn missing(input: &'static str, needed_for: impl Into<String>) -> Self {
        RulesError::MissingInput {
            input,
            needed_for: needed_for.into(),
        }
    }

    /// The input (or parameter) this error is about, for a caller that points at
    /// a field (a CSV column, a JSON property, an HTML form field).
    pub fn field(&self) -> Option<&str> {
        match self {
            RulesError::MissingInput { input, .. }
            | RulesError::InputOutOfRange { input, .. }
            | RulesError::InputConflict { input, .. } => Some(input),
            RulesError::ParameterMissing { parameter, .. } => Some(parameter),
            RulesError::NotEligible { rule, .. } => Some(rule),
            RulesError::UnknownScheme { .. } => Some("scheme"),
            RulesError::PolicyInvalid { .. } => None,
        }
    }

    /// Every code [`RulesError::code`] can give, for the API's error table
    /// (a test there fails when one is missing from it).
    pub const ALL_CODES: &[&str] = &[
        "input_missing",
        "input_out_of_range",
        "input_conflict",
        "parameter_missing",
        "not_eligible",
        "unknown_scheme",
        "policy_invalid",
    ];

    /// A stable machine code for the API's error table.
    pub fn code(&self) -> &'static str {
        match self {
            RulesError::MissingInput { .. } => "input_missing",
            RulesError::InputOutOfRange { .. } => "input_out_of_range",
            RulesError::InputConflict { .. } => "input_conflict",
            RulesError::ParameterMissing { .. } => "parameter_missing",
            RulesError::NotEligible { .. } => "not_eligible",
            RulesError::UnknownScheme { .. } => "unknown_scheme",
            RulesError::PolicyInvalid { .. } => "policy_invalid",
        }
    }
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RulesError::MissingInput { input, needed_for } => {
                write!(f, "missing input {input}: it is needed for {needed_for}")
            }
            RulesError::InputOutOfRange {
                input,
                value,
                allowed,
            } => {
                write!(
                    f,
                    "input {input} = {value} is out of range: allowed {allowed}"
                )
            }
            RulesError::InputConflict { input, reason } => write!(f, "input {input}: {reason}"),
            RulesError::ParameterMissing {
                parameter,
                scope,
                at,
                available,
            } => write!(
                f,
                "parameter {parameter} ({scope}) has no value for {at}; loaded: {available}"
            ),
            RulesError::NotEligible {
                scheme,
                rule,
                value,
                allowed,
            } => write!(
                f,
                "not eligible for scheme {scheme}: rule {rule} fails for {value}; allowed: {allowed}"
            ),
            RulesError::UnknownScheme { scheme, available } => {
                write!(f, "no scheme {scheme:?} is loaded; schemes: {available}")
            }
            RulesError::PolicyInvalid {
                file,
                location,
                reason,
            } => {
                write!(f, "policy file {file}, {location}: {reason}")
            }
        }
    }
}

impl std::error::Error for RulesError {}

#[cfg(test)]
mod tests {
    use super::RulesError;

    /// One error of each variant: the match has no wildcard, so a new variant
    /// does not compile until it is added here, and then the test below
    /// checks that [`RulesError::ALL_CODES`] lists its code.
    fn one_of_each() -> Vec<RulesError> {
        let all = vec![
            RulesError::missing("x", "y"),
            RulesError::out_of_range("x", 1, "0"),
            RulesError::InputConflict {
                input: "x",
                reason: String::new(),
            },
            RulesError::ParameterMissing {
                parameter: String::new(),
                scope: String::new(),
                at: String::new(),
                available: String::new(),
            },
            RulesError::NotEligible {
                scheme: String::new(),
                rule: "x",
                value: String::new(),
                allowed: String::new(),
            },
            RulesError::UnknownScheme {
                scheme: String::new(),
                available: String::new(),
            },
            RulesError::PolicyInvalid {
                file: String::new(),
                location: String::new(),
                reason: String::new(),
            },
        ];
        for e in &all {
            match e {
                RulesError::MissingInput { .. }
                | RulesError::InputOutOfRange { .. }
                | RulesError::InputConflict { .. }
                | RulesError::ParameterMissing { .. }
                | RulesError::NotEligible { .. }
                | RulesError::UnknownScheme { .. }
                | RulesError::PolicyInvalid { .. } => {}
            }
        }
        all
    }

    #[test]
    fn all_codes_lists_the_code_of_every_variant() {
        let mut codes: Vec<&str> = one_of_each().iter().map(RulesError::code).collect();
        codes.sort_unstable();
        let mut listed = RulesError::ALL_CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(codes, listed);
    }
}
