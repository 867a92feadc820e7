//! Validated identifiers. Parse, don't validate: each type can only be built by
//! `parse`, which checks everything the standard says, so a value of the type
//! is proof that the check was done. Fields are private; there are getters and
//! no setters. On the wire each is a plain string, deserialized through `parse`.
//!
//! - [`ResidentId`]: 公民身份号码, GB 11643-1999.
//! - [`CreditCode`]: 统一社会信用代码, GB 32100-2015 (with the GB 11714
//!   organisation code inside it).
//! - [`RegionCode`]: 行政区划代码, GB/T 2260 (shape and province only).
//! - [`OrderId`], [`PlatformId`], [`ReferenceId`], [`IdempotencyKey`]: opaque
//!   keys from outside or from the ledger, short and printable.

use std::fmt;
use std::str::FromStr;

use gongshang_rules::params::check_region_code;
use gongshang_rules::retirement::Sex;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{DomainError, IdProblem};

/// Implements `Display`, `FromStr`, `Serialize` (as the string) and
/// `Deserialize` (through `parse`) for an identifier with `as_str` and `parse`.
macro_rules! string_serde {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl FromStr for $t {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$t>::parse(s)
            }
        }

        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                <$t>::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

fn invalid(field: &'static str, shown: impl Into<String>, problem: IdProblem) -> DomainError {
    DomainError::InvalidIdentifier {
        field,
        shown: shown.into(),
        problem,
    }
}

// ---- GB/T 2260 region codes -------------------------------------------------

/// The province-level prefixes a resident identity number may carry beyond
/// those of the policy files: 83 is used by the residence permits of Taiwan
/// residents (港澳台居民居住证, 830000), as 81 and 82 are for Hong Kong and
/// Macao (国办发〔2018〕81号, 港澳台居民居住证申领发放办法 Art 5).
const RESIDENCE_PERMIT_PREFIXES: &[&str] = &["83"];

/// A six-digit administrative division code (GB/T 2260) under a known
/// province-level code. Whether the county still exists is not checked: codes
/// are retired over the years and a person keeps the one they were given.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionCode([u8; 6]);

impl RegionCode {
    pub fn parse(text: &str) -> Result<RegionCode, DomainError> {
        RegionCode::parse_as("region_code", text)
    }

    fn parse_as(field: &'static str, text: &str) -> Result<RegionCode, DomainError> {
        let count = text.chars().count();
        if count != 6 {
            return Err(invalid(
                field,
                text,
                IdProblem::Length {
                    expected: "6".into(),
                    found: count,
                },
            ));
        }
        if let Some((i, c)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(invalid(
                field,
                text,
                IdProblem::Character {
                    position: i + 1,
                    found: c,
                    allowed: "a digit",
                },
            ));
        }
        if check_region_code(text).is_err() {
            return Err(invalid(
                field,
                text,
                IdProblem::Region { code: text.into() },
            ));
        }
        let mut bytes = [0u8; 6];
        bytes.copy_from_slice(text.as_bytes());
        Ok(RegionCode(bytes))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ascii digits")
    }

    /// The province-level code (`44` for Guangdong).
    pub fn province(&self) -> &str {
        &self.as_str()[..2]
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({})", self.as_str())
    }
}

string_serde!(RegionCode);

// ---- GB 11643-1999 resident identity number ---------------------------------

/// The weights of ISO 7064 MOD 11-2 over the first 17 digits (GB 11643-1999 §7.1).
const RESIDENT_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder 0..=10 (GB 11643-1999 §7.2).
const RESIDENT_CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// 公民身份号码 (GB 11643-1999): six digits of address code (GB/T 2260), eight
/// of birth date, three of sequence (odd for men, even for women), and a check
/// character computed with ISO 7064 MOD 11-2. A lower-case `x` is accepted and
/// stored as `X`.
///
/// The number is personal data: [`ResidentId::masked`] is what screens and
/// logs show; error messages mask it too.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResidentId([u8; 18]);

/// The GB 11643 check character of the first 17 digits.
pub fn resident_check_character(first_17_digits: &[u8; 17]) -> char {
    let sum: u32 = first_17_digits
        .iter()
        .zip(RESIDENT_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    char::from(RESIDENT_CHECK_CHARS[(sum % 11) as usize])
}

fn mask_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

impl ResidentId {
    pub fn parse(text: &str) -> Result<ResidentId, DomainError> {
        let field = "resident_id";
        let shown = || mask_text(text);
        let count = text.chars().count();
        if count != 18 {
            return Err(invalid(
                field,
                shown(),
                IdProblem::Length {
                    expected: "18".into(),
                    found: count,
                },
            ));
        }
        let mut bytes = [0u8; 18];
        for (i, c) in text.chars().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && (c == 'X' || c == 'x'));
            if !ok {
                return Err(invalid(
                    field,
                    shown(),
                    IdProblem::Character {
                        position: i + 1,
                        found: c,
                        allowed: if i == 17 { "a digit or X" } else { "a digit" },
                    },
                ));
            }
            bytes[i] = c.to_ascii_uppercase() as u8;
        }
        let region = &text[..6];
        if check_region_code(region).is_err() && !RESIDENCE_PERMIT_PREFIXES.contains(&&region[..2])
        {
            return Err(invalid(
                field,
                shown(),
                IdProblem::Region {
                    code: region.into(),
                },
            ));
        }
        let birth_text = &text[6..14];
        if parse_birth_date(birth_text).is_none() {
            return Err(invalid(
                field,
                shown(),
                IdProblem::BirthDate {
                    text: birth_text.into(),
                },
            ));
        }
        let first: &[u8; 17] = bytes[..17].try_into().expect("17 bytes");
        let expected = resident_check_character(first);
        let found = char::from(bytes[17]);
        if expected != found {
            return Err(invalid(
                field,
                shown(),
                IdProblem::CheckCharacter { expected, found },
            ));
        }
        Ok(ResidentId(bytes))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ascii")
    }

    /// The address code: where the number was first issued, not where the
    /// person lives now. Numbers of residence permits (83) have no
    /// [`RegionCode`] of the policy files, hence the text.
    pub fn region_code(&self) -> &str {
        &self.as_str()[..6]
    }

    pub fn birth_date(&self) -> Date {
        parse_birth_date(&self.as_str()[6..14]).expect("checked by parse")
    }

    /// Odd sequence digit (position 17) for men, even for women (GB 11643 §4.3).
    pub fn sex(&self) -> Sex {
        if (self.0[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The first six and the last four characters, e.g. `440106********123X`:
    /// enough to tell people apart on a screen, not enough to use the number.
    pub fn masked(&self) -> String {
        mask_text(self.as_str())
    }
}

fn parse_birth_date(text: &str) -> Option<Date> {
    let year: i16 = text.get(0..4)?.parse().ok()?;
    let month: i8 = text.get(4..6)?.parse().ok()?;
    let day: i8 = text.get(6..8)?.parse().ok()?;
    if !(1900..=2099).contains(&year) {
        return None;
    }
    Date::new(year, month, day).ok()
}

impl fmt::Debug for ResidentId {
    /// Masked: a debug print ends up in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

string_serde!(ResidentId);

// ---- GB 32100-2015 unified social credit code -------------------------------

/// The characters of the unified social credit code and their values 0..=30
/// (GB 32100-2015 §4: digits and upper-case letters without I, O, Z, S, V).
pub const CREDIT_CODE_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// The weights of positions 1-17 (GB 32100-2015 §5: 3^(i-1) mod 31).
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// The weights of the eight-character organisation code body (GB 11714-1997 §5).
const ORGANISATION_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A registration authority (登记管理部门, position 1) and the organisation
/// types (机构类别, position 2) it may issue, with their Chinese names.
pub struct RegistrationAuthority {
    pub code: char,
    pub name_zh: &'static str,
    pub types: &'static [(char, &'static str)],
}

/// Registration authorities and organisation types of the unified social
/// credit code: GB 32100-2015 §4.1-4.2 defines the scheme (1 机构编制, 5 民政,
/// 9 工商, Y 其他) and the authority codes assigned since (2 外交 ... N 农业) are
/// those published with the credit-code system; the table as listed in the
/// public guides (osuse.cn/post/10002590.html, blog.csdn.net/lh1424573495/
/// article/details/108776492). Adding a row here is all a new assignment needs.
pub const REGISTRATION_AUTHORITIES: &[RegistrationAuthority] = &[
    RegistrationAuthority {
        code: '1',
        name_zh: "机构编制",
        types: &[
            ('1', "机关"),
            ('2', "事业单位"),
            ('3', "中央编办直接管理机构编制的群众团体"),
            ('9', "其他"),
        ],
    },
    RegistrationAuthority {
        code: '2',
        name_zh: "外交",
        types: &[('1', "外国常住新闻机构"), ('9', "其他")],
    },
    RegistrationAuthority {
        code: '3',
        name_zh: "司法行政",
        types: &[
            ('1', "律师执业机构"),
            ('2', "公证处"),
            ('3', "基层法律服务所"),
            ('4', "司法鉴定机构"),
            ('5', "仲裁委员会"),
            ('9', "其他"),
        ],
    },
    RegistrationAuthority {
        code: '4',
        name_zh: "文化",
        types: &[('1', "外国在华文化中心"), ('9', "其他")],
    },
    RegistrationAuthority {
        code: '5',
        name_zh: "民政",
        types: &[
            ('1', "社会团体"),
            ('2', "民办非企业单位"),
            ('3', "基金会"),
            ('9', "其他"),
        ],
    },
    RegistrationAuthority {
        code: '6',
        name_zh: "旅游",
        types: &[
            ('1', "外国旅游部门常驻代表机构"),
            ('2', "港澳台地区旅游部门常驻内地（大陆）代表机构"),
            ('9', "其他"),
        ],
    },
    RegistrationAuthority {
        code: '7',
        name_zh: "宗教",
        types: &[('1', "宗教活动场所"), ('2', "宗教院校"), ('9', "其他")],
    },
    RegistrationAuthority {
        code: '8',
        name_zh: "工会",
        types: &[('1', "基层工会"), ('9', "其他")],
    },
    RegistrationAuthority {
        code: '9',
        name_zh: "工商",
        types: &[('1', "企业"), ('2', "个体工商户"), ('3', "农民专业合作社")],
    },
    RegistrationAuthority {
        code: 'A',
        name_zh: "中央军委改革和编制办公室",
        types: &[('1', "军队事业单位"), ('9', "其他")],
    },
    RegistrationAuthority {
        code: 'N',
        name_zh: "农业",
        types: &[
            ('1', "组级集体经济组织"),
            ('2', "村级集体经济组织"),
            ('3', "乡镇级集体经济组织"),
            ('9', "其他"),
        ],
    },
    RegistrationAuthority {
        code: 'Y',
        name_zh: "其他",
        types: &[('1', "其他（不再划分机构类别）")],
    },
];

fn authority(code: char) -> Option<&'static RegistrationAuthority> {
    REGISTRATION_AUTHORITIES.iter().find(|a| a.code == code)
}

/// The value of a credit-code character (its index in [`CREDIT_CODE_CHARSET`]).
fn credit_value(c: u8) -> Option<u32> {
    CREDIT_CODE_CHARSET
        .bytes()
        .position(|x| x == c)
        .map(|i| i as u32)
}

/// The GB 32100 check character of the first 17 characters (which must be in
/// the charset): 31 - (Σ value × weight mod 31), with 31 written as `0`.
pub fn credit_check_character(first_17: &[u8; 17]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in first_17.iter().zip(CREDIT_WEIGHTS) {
        sum += credit_value(*c)? * w;
    }
    let value = (31 - sum % 31) % 31;
    Some(char::from(CREDIT_CODE_CHARSET.as_bytes()[value as usize]))
}

/// The GB 11714-1997 check character of an eight-character organisation code
/// body: digits are worth 0-9 and letters A-Z 10-35; 11 - (Σ value × weight
/// mod 11), with 10 written `X` and 11 written `0`.
pub fn organisation_check_character(body: &[u8; 8]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in body.iter().zip(ORGANISATION_WEIGHTS) {
        let value = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return None,
        };
        sum += value * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).expect("a digit"),
    })
}

/// 统一社会信用代码 (GB 32100-2015): registration authority (1), organisation
/// type (2), the registering office's GB/T 2260 region (3-8; `100000` for the
/// national level), the organisation code (9-17, GB 11714, with its own check
/// character at 17) and the check character (18). Lower-case letters are
/// accepted and stored in upper case.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CreditCode([u8; 18]);

/// The region of organisations registered by a national authority.
const NATIONAL_REGISTRATION_REGION: &str = "100000";

impl CreditCode {
    pub fn parse(text: &str) -> Result<CreditCode, DomainError> {
        let field = "credit_code";
        let count = text.chars().count();
        if count != 18 {
            return Err(invalid(
                field,
                text,
                IdProblem::Length {
                    expected: "18".into(),
                    found: count,
                },
            ));
        }
        let mut bytes = [0u8; 18];
        for (i, c) in text.chars().enumerate() {
            let upper = c.to_ascii_uppercase();
            let digit_only = (2..8).contains(&i);
            let ok = if digit_only {
                upper.is_ascii_digit()
            } else {
                upper.is_ascii() && credit_value(upper as u8).is_some()
            };
            if !ok {
                return Err(invalid(
                    field,
                    text,
                    IdProblem::Character {
                        position: i + 1,
                        found: c,
                        allowed: if digit_only {
                            "a digit (positions 3-8 are a GB/T 2260 region code)"
                        } else {
                            "a digit or an upper-case letter other than I, O, Z, S, V"
                        },
                    },
                ));
            }
            bytes[i] = upper as u8;
        }
        let (auth, kind) = (char::from(bytes[0]), char::from(bytes[1]));
        let table_entry = authority(auth);
        if table_entry.is_none_or(|a| !a.types.iter().any(|(t, _)| *t == kind)) {
            let allowed = match table_entry {
                Some(a) => format!(
                    "{} for authority {auth} ({})",
                    a.types
                        .iter()
                        .map(|(t, _)| t.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    a.name_zh
                ),
                None => format!(
                    "authority one of {}",
                    REGISTRATION_AUTHORITIES
                        .iter()
                        .map(|a| a.code.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            return Err(invalid(
                field,
                text,
                IdProblem::AuthorityType {
                    authority: auth,
                    org_type: kind,
                    allowed,
                },
            ));
        }
        let upper = std::str::from_utf8(&bytes).expect("ascii");
        let region = &upper[2..8];
        if region != NATIONAL_REGISTRATION_REGION && check_region_code(region).is_err() {
            return Err(invalid(
                field,
                text,
                IdProblem::Region {
                    code: region.into(),
                },
            ));
        }
        let body: &[u8; 8] = bytes[8..16].try_into().expect("8 bytes");
        let org_expected = organisation_check_character(body).expect("charset is 0-9 and A-Z");
        if char::from(bytes[16]) != org_expected {
            return Err(invalid(
                field,
                text,
                IdProblem::OrganisationCheck {
                    expected: org_expected,
                    found: char::from(bytes[16]),
                },
            ));
        }
        let first: &[u8; 17] = bytes[..17].try_into().expect("17 bytes");
        let expected = credit_check_character(first).expect("checked charset");
        let found = char::from(bytes[17]);
        if expected != found {
            return Err(invalid(
                field,
                text,
                IdProblem::CheckCharacter { expected, found },
            ));
        }
        Ok(CreditCode(bytes))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ascii")
    }

    /// The registering office's region code (positions 3-8); `100000` for a
    /// national registration authority, otherwise a GB/T 2260 code.
    pub fn region_code(&self) -> &str {
        &self.as_str()[2..8]
    }

    /// The registration authority code (position 1).
    pub fn authority(&self) -> char {
        char::from(self.0[0])
    }

    /// The organisation type code (position 2).
    pub fn org_type(&self) -> char {
        char::from(self.0[1])
    }

    /// The Chinese names of the authority and the organisation type.
    pub fn describe_zh(&self) -> (&'static str, &'static str) {
        let a = authority(self.authority()).expect("checked by parse");
        let t = a
            .types
            .iter()
            .find(|(t, _)| *t == self.org_type())
            .expect("checked by parse");
        (a.name_zh, t.1)
    }

    /// The organisation code (positions 9-17, GB 11714), e.g. `19220382-1`
    /// is written `192203821` here.
    pub fn organisation_code(&self) -> &str {
        &self.as_str()[8..17]
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditCode({})", self.as_str())
    }
}

string_serde!(CreditCode);

// ---- opaque keys ------------------------------------------------------------

/// The longest opaque key we store: long enough for any platform's order id
/// or a UUID with a prefix, short enough for an index.
pub const MAX_KEY_CHARS: usize = 64;

fn parse_key(field: &'static str, text: &str) -> Result<Box<str>, DomainError> {
    let count = text.chars().count();
    if count == 0 || count > MAX_KEY_CHARS {
        return Err(invalid(
            field,
            text.chars().take(MAX_KEY_CHARS).collect::<String>(),
            IdProblem::Length {
                expected: format!("1 to {MAX_KEY_CHARS}"),
                found: count,
            },
        ));
    }
    if let Some((i, c)) = text
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_graphic())
    {
        return Err(invalid(
            field,
            text,
            IdProblem::Character {
                position: i + 1,
                found: c,
                allowed: "a visible ASCII character (no spaces, no control characters)",
            },
        ));
    }
    Ok(text.into())
}

macro_rules! opaque_key {
    ($(#[$doc:meta])* $t:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $t(Box<str>);

        impl $t {
            /// 1 to 64 visible ASCII characters (`!` to `~`; no spaces).
            pub fn parse(text: &str) -> Result<$t, DomainError> {
                parse_key($field, text).map($t)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($t), self.0)
            }
        }

        string_serde!($t);
    };
}

opaque_key!(
    /// A platform's own id of an order; unique together with the platform.
    OrderId,
    "order_id"
);
opaque_key!(
    /// A platform's id in the pilot (its short name or its own code).
    PlatformId,
    "platform_id"
);
opaque_key!(
    /// The id of a bill, a payment, an award or a case, as the store assigns it.
    ReferenceId,
    "reference_id"
);
opaque_key!(
    /// The key that makes a ledger transaction happen once, however often it is
    /// submitted (e.g. `bill:2025-03:<bill id>`).
    IdempotencyKey,
    "idempotency_key"
);
