//! `SchemeId`: the name of a scheme (保障方案) as the policy files give it,
//! e.g. `xiamen.yilubao`. A type, not a string, so that a scheme id cannot be
//! confused with a region, a unit or a free text, and so that only well-formed
//! ids enter the system: lower-case ASCII letters, digits and `_` in segments
//! separated by dots, the first segment being the jurisdiction's folder.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The longest id accepted; the policy files' ids are well under it.
pub const MAX_LEN: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchemeId(Cow<'static, str>);

/// Why a text is not a scheme id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeIdError {
    pub text: String,
}

impl fmt::Display for SchemeIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a scheme id (expected e.g. \"xiamen.yilubao\": lower-case letters, digits and _ in dot-separated parts)",
            self.text
        )
    }
}

impl std::error::Error for SchemeIdError {}

impl SchemeId {
    /// Accepts `jurisdiction.name` (one or more dot-separated parts of
    /// `[a-z0-9_]`), at most [`MAX_LEN`] bytes.
    pub fn parse(text: &str) -> Result<SchemeId, SchemeIdError> {
        if well_formed(text.as_bytes()) {
            Ok(SchemeId(Cow::Owned(text.to_owned())))
        } else {
            Err(SchemeIdError {
                text: text.chars().take(MAX_LEN + 8).collect(),
            })
        }
    }

    /// A scheme id written in the code (e.g. the platform scheme every order
    /// is billed under); checked when the constant is compiled.
    pub const fn known(text: &'static str) -> SchemeId {
        assert!(well_formed(text.as_bytes()), "not a scheme id");
        SchemeId(Cow::Borrowed(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The jurisdiction whose policy file defines the scheme (the part before
    /// the first dot), e.g. `xiamen` for `xiamen.yilubao`.
    pub fn jurisdiction(&self) -> &str {
        self.0.split('.').next().unwrap_or(&self.0)
    }
}

/// Lower-case ASCII letters, digits and `_` in non-empty dot-separated parts,
/// at most [`MAX_LEN`] bytes (a `const fn`, so that [`SchemeId::known`] is
/// checked at compile time).
const fn well_formed(b: &[u8]) -> bool {
    if b.is_empty() || b.len() > MAX_LEN {
        return false;
    }
    let mut i = 0;
    let mut part_len = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'.' {
            if part_len == 0 {
                return false;
            }
            part_len = 0;
        } else if c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' {
            part_len += 1;
        } else {
            return false;
        }
        i += 1;
    }
    part_len > 0
}

impl fmt::Display for SchemeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for SchemeId {
    type Err = SchemeIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SchemeId::parse(s)
    }
}

impl TryFrom<String> for SchemeId {
    type Error = SchemeIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        SchemeId::parse(&s)
    }
}

impl From<SchemeId> for String {
    fn from(id: SchemeId) -> String {
        id.0.into_owned()
    }
}

impl AsRef<str> for SchemeId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SchemeId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_files_ids_parse_and_free_text_does_not() {
        for ok in [
            "xiamen.yilubao",
            "national.platform_occupational_injury",
            "guangdong.employees",
        ] {
            assert_eq!(SchemeId::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "",
            "Xiamen.yilubao",
            "xiamen..yilubao",
            "xiamen.yilubao ",
            "益鹭保",
            ".x",
            "x.",
        ] {
            assert!(SchemeId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(SchemeId::parse(&"a".repeat(MAX_LEN + 1)).is_err());
        assert_eq!(
            SchemeId::parse("xiamen.yilubao").unwrap().jurisdiction(),
            "xiamen"
        );
        const K: SchemeId = SchemeId::known("national.employees");
        assert_eq!(K, SchemeId::parse("national.employees").unwrap());
    }

    #[test]
    fn serde_form_is_the_plain_string_and_refuses_a_bad_id() {
        let id: SchemeId = serde_json::from_str("\"jiangsu.employees\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"jiangsu.employees\"");
        assert!(serde_json::from_str::<SchemeId>("\"Jiangsu\"").is_err());
    }
}
