//! Identifiers as data: each case names its input and either what the parsed
//! value reports or the kind of error. Generated numbers are checked against
//! an independent implementation of each check character.

use std::fs;

use gongshang_domain::ids::{
    CreditCode, IdempotencyKey, OrderId, PlatformId, REGISTRATION_AUTHORITIES, RegionCode,
    ResidentId,
};
use gongshang_domain::{DomainError, IdProblem};
use gongshang_rules::retirement::Sex;
use proptest::prelude::*;
use serde::Deserialize;

use crate::{proptest_config, seed, test_data};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    input: String,
    expected: Expected,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Expected {
    Ok(serde_json::Map<String, serde_json::Value>),
    #[serde(untagged)]
    Error {
        error: String,
        #[serde(default)]
        position: Option<usize>,
        #[serde(default)]
        check_expected: Option<char>,
    },
}

fn cases(file: &str) -> Vec<Case> {
    let text = fs::read_to_string(test_data().join(file)).expect("test data file");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Checks an error against the expected kind, position and check character.
fn check_error(
    name: &str,
    err: &DomainError,
    kind: &str,
    position: Option<usize>,
    check: Option<char>,
) {
    assert_eq!(err.code(), "identifier_invalid", "{name}: {err}");
    let problem = err.id_problem().expect("an identifier problem");
    assert_eq!(problem.code(), kind, "{name}: {err}");
    if let Some(p) = position {
        assert!(
            matches!(problem, IdProblem::Character { position, .. } if *position == p),
            "{name}: expected position {p}: {err}"
        );
    }
    if let Some(c) = check {
        let expected = match problem {
            IdProblem::CheckCharacter { expected, .. }
            | IdProblem::OrganisationCheck { expected, .. } => *expected,
            _ => panic!("{name}: not a check error: {err}"),
        };
        assert_eq!(expected, c, "{name}: {err}");
        assert!(
            err.to_string().contains(&format!("{c:?} was expected")),
            "{name}: {err}"
        );
    }
    let message = err.to_string();
    assert!(
        message.starts_with(char::is_lowercase) && !message.ends_with('.'),
        "{name}: lower case, no final period: {message}"
    );
}

#[test]
fn resident_ids_from_test_data() {
    for case in cases("resident_ids.json") {
        let name = &case.name;
        match (ResidentId::parse(&case.input), case.expected) {
            (Ok(id), Expected::Ok(want)) => {
                let s = |k: &str| want.get(k).and_then(|v| v.as_str()).map(str::to_owned);
                assert_eq!(Some(id.region_code().to_owned()), s("region"), "{name}");
                assert_eq!(Some(id.birth_date().to_string()), s("birth_date"), "{name}");
                let sex = match id.sex() {
                    Sex::Male => "male",
                    Sex::Female => "female",
                };
                assert_eq!(Some(sex.to_owned()), s("sex"), "{name}");
                assert_eq!(Some(id.masked()), s("masked"), "{name}");
                let stored = s("as_str").unwrap_or_else(|| case.input.clone());
                assert_eq!(id.as_str(), stored, "{name}");
                // Round trip through serde, as the store and the API do.
                let json = serde_json::to_string(&id).unwrap();
                assert_eq!(json, format!("\"{stored}\""), "{name}");
                let back: ResidentId = serde_json::from_str(&json).unwrap();
                assert_eq!(back, id, "{name}");
                assert!(
                    !format!("{id:?}").contains(&stored[6..14]),
                    "{name}: debug is masked"
                );
            }
            (
                Err(e),
                Expected::Error {
                    error,
                    position,
                    check_expected,
                },
            ) => {
                check_error(name, &e, &error, position, check_expected);
                assert_eq!(e.field(), Some("resident_id"), "{name}");
                assert!(
                    case.input.len() < 10 || !e.to_string().contains(&case.input),
                    "{name}: the message must not show the whole number: {e}"
                );
            }
            (Ok(_), Expected::Error { error, .. }) => {
                panic!("{name}: {} parsed but {error} was expected", case.input)
            }
            (Err(e), Expected::Ok(_)) => panic!("{name}: {e}"),
        }
    }
}

#[test]
fn credit_codes_from_test_data() {
    for case in cases("credit_codes.json") {
        let name = &case.name;
        match (CreditCode::parse(&case.input), case.expected) {
            (Ok(code), Expected::Ok(want)) => {
                let s = |k: &str| want.get(k).and_then(|v| v.as_str()).map(str::to_owned);
                assert_eq!(Some(code.region_code().to_owned()), s("region"), "{name}");
                assert_eq!(Some(code.authority().to_string()), s("authority"), "{name}");
                assert_eq!(Some(code.org_type().to_string()), s("org_type"), "{name}");
                assert_eq!(
                    Some(code.organisation_code().to_owned()),
                    s("organisation_code"),
                    "{name}"
                );
                let names = want["names"].as_array().unwrap();
                let (a, t) = code.describe_zh();
                assert_eq!(
                    (names[0].as_str().unwrap(), names[1].as_str().unwrap()),
                    (a, t),
                    "{name}"
                );
                let stored = s("as_str").unwrap_or_else(|| case.input.clone());
                assert_eq!(code.as_str(), stored, "{name}");
                let json = serde_json::to_string(&code).unwrap();
                let back: CreditCode = serde_json::from_str(&json).unwrap();
                assert_eq!(back, code, "{name}");
            }
            (
                Err(e),
                Expected::Error {
                    error,
                    position,
                    check_expected,
                },
            ) => {
                check_error(name, &e, &error, position, check_expected);
                assert_eq!(e.field(), Some("credit_code"), "{name}");
            }
            (Ok(_), Expected::Error { error, .. }) => {
                panic!("{name}: {} parsed but {error} was expected", case.input)
            }
            (Err(e), Expected::Ok(_)) => panic!("{name}: {e}"),
        }
    }
}

#[test]
fn deserializing_goes_through_parse() {
    let err = serde_json::from_str::<ResidentId>("\"110105194912310021\"").unwrap_err();
    assert!(err.to_string().contains("check character"), "{err}");
    let err = serde_json::from_str::<CreditCode>("\"914403001922038217\"").unwrap_err();
    assert!(err.to_string().contains("check character"), "{err}");
    assert!(serde_json::from_str::<OrderId>("\"\"").is_err());
}

#[test]
fn region_codes() {
    let r = RegionCode::parse("440106").unwrap();
    assert_eq!((r.as_str(), r.province()), ("440106", "44"));
    for (text, kind) in [
        ("44010", "length"),
        ("4401066", "length"),
        ("44o106", "character"),
        ("990106", "region"),
    ] {
        let e = RegionCode::parse(text).unwrap_err();
        assert_eq!(e.id_problem().unwrap().code(), kind, "{text}: {e}");
        assert_eq!(e.field(), Some("region_code"));
    }
}

#[test]
fn opaque_keys() {
    for ok in ["a", "MT-2025-000001", &"k".repeat(64), "bill:2025-03:u1"] {
        assert_eq!(OrderId::parse(ok).unwrap().as_str(), ok);
        assert_eq!(PlatformId::parse(ok).unwrap().to_string(), ok);
        IdempotencyKey::parse(ok).unwrap();
    }
    for (bad, kind) in [
        ("", "length"),
        (&*"k".repeat(65), "length"),
        ("order 1", "character"),
        ("订单1", "character"),
        ("a\tb", "character"),
    ] {
        let e = OrderId::parse(bad).unwrap_err();
        assert_eq!(e.id_problem().unwrap().code(), kind, "{bad:?}: {e}");
        assert_eq!(e.field(), Some("order_id"));
    }
}

// ---- independent implementations, for generated numbers --------------------

/// GB 11643 by the standard's definition: weight of position i (counted from
/// the right, the check character being position 1) is 2^(i-1) mod 11, and
/// the check value a satisfies (Σ a_i W_i) ≡ 1 (mod 11), 'X' standing for 10.
fn independent_resident_check(first17: &str) -> char {
    let mut sum = 0u64;
    for (k, c) in first17.chars().enumerate() {
        let position_from_right = 18 - k as u32; // 18..=2
        let weight = 2u64.pow(position_from_right - 1) % 11;
        sum += u64::from(c.to_digit(10).unwrap()) * weight;
    }
    let a = (0..=10).find(|a| (sum + a) % 11 == 1).unwrap();
    if a == 10 {
        'X'
    } else {
        char::from_digit(a as u32, 10).unwrap()
    }
}

const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100: weights 3^(i-1) mod 31; the check value c makes Σ + c ≡ 0 (mod 31).
fn independent_credit_check(first17: &str) -> char {
    let mut sum = 0u64;
    for (i, c) in first17.chars().enumerate() {
        sum += CHARSET.find(c).unwrap() as u64 * (3u64.pow(i as u32) % 31);
    }
    let c = (0..31).find(|c| (sum + c).is_multiple_of(31)).unwrap();
    CHARSET.chars().nth(c as usize).unwrap()
}

/// GB 11714: C9 = 11 - (Σ value × weight mod 11); 10 is 'X', 11 is '0'.
fn independent_organisation_check(body: &str) -> char {
    let weights = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(36).unwrap() * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).unwrap(),
    }
}

const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
];

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn generated_resident_ids_parse_and_any_single_change_of_the_check_fails(
        province in proptest::sample::select(PROVINCES),
        county in 0u32..10_000,
        days in 0i64..(200 * 365),
        sequence in 0u32..1000,
    ) {
        let birth = jiff::civil::date(1900, 1, 1) + jiff::Span::new().days(days);
        prop_assume!(birth.year() <= 2099);
        let first17 = format!("{province}{county:04}{}{:03}", birth.strftime("%Y%m%d"), sequence);
        let check = independent_resident_check(&first17);
        let text = format!("{first17}{check}");
        let id = ResidentId::parse(&text)
            .map_err(|e| TestCaseError::fail(format!("seed {}: {text}: {e}", seed())))?;
        prop_assert_eq!(id.birth_date(), birth, "seed {}", seed());
        prop_assert_eq!(id.sex() == Sex::Male, sequence % 2 == 1, "seed {}", seed());
        for wrong in "0123456789X".chars().filter(|c| *c != check) {
            let err = ResidentId::parse(&format!("{first17}{wrong}")).unwrap_err();
            prop_assert_eq!(err.id_problem().unwrap().code(), "check_character", "seed {}", seed());
        }
    }

    #[test]
    fn generated_credit_codes_parse(
        authority in 0..REGISTRATION_AUTHORITIES.len(),
        type_index in 0usize..8,
        province in proptest::sample::select(PROVINCES),
        county in 0u32..10_000,
        body in "[0-9A-HJ-NPQRTUWXY]{8}",
    ) {
        let a = &REGISTRATION_AUTHORITIES[authority];
        let kind = a.types[type_index % a.types.len()].0;
        let org = independent_organisation_check(&body);
        let first17 = format!("{}{kind}{province}{county:04}{body}{org}", a.code);
        let text = format!("{first17}{}", independent_credit_check(&first17));
        let code = CreditCode::parse(&text)
            .map_err(|e| TestCaseError::fail(format!("seed {}: {text}: {e}", seed())))?;
        prop_assert_eq!(code.authority(), a.code, "seed {}", seed());
        prop_assert_eq!(code.org_type(), kind, "seed {}", seed());
        prop_assert_eq!(code.region_code(), &text[2..8], "seed {}", seed());
    }
}
