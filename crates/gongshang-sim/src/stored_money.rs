//! Reading a projection back from its own JSON (a simulation job's stored
//! result): amounts are written as yuan text by `Money`'s `Serialize`, and a
//! projection's totals (a wage base of ten million insured) pass the
//! 100,000,000,000 yuan that `Money`'s `Deserialize` accepts from people.
//! Read here: any amount `Money` can hold, as the exact fen it was written
//! from (no rounding: two decimals at most).

use gongshang_rules::Money;
use serde::{Deserialize, Deserializer};

/// `-123.45`, `8500`, `0.5` as fen; none for anything else or beyond `i64`.
fn fen_of(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, cents) = match digits.split_once('.') {
        Some((w, c)) => (w, c),
        None => (digits, ""),
    };
    if whole.is_empty()
        || cents.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !cents.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut fen: i128 = whole.parse().ok()?;
    fen = fen.checked_mul(100)?;
    let cents_fen: i128 = match cents.len() {
        0 => 0,
        1 => i128::from(cents.parse::<u8>().ok()?) * 10,
        _ => i128::from(cents.parse::<u8>().ok()?),
    };
    fen = fen.checked_add(cents_fen)?;
    i64::try_from(if negative { -fen } else { fen }).ok()
}

fn parse<E: serde::de::Error>(text: &str) -> Result<Money, E> {
    fen_of(text)
        .map(Money::from_fen)
        .ok_or_else(|| E::custom(format!("{text:?} is not an amount of yuan")))
}

/// An amount as written by `Money`'s `Serialize`.
pub fn money<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
    let text = std::borrow::Cow::<str>::deserialize(d)?;
    parse(&text)
}

/// P10, P50 and P90 as written.
pub fn bands<'de, D: Deserializer<'de>>(d: D) -> Result<[Money; 3], D::Error> {
    let texts = <[std::borrow::Cow<str>; 3]>::deserialize(d)?;
    Ok([parse(&texts[0])?, parse(&texts[1])?, parse(&texts[2])?])
}

#[cfg(test)]
mod tests {
    use super::fen_of;
    use crate::project::Band;
    use gongshang_rules::Money;

    /// A ten-million-people projection's totals pass the bound people's
    /// input has, and still read back.
    #[test]
    fn a_band_beyond_a_hundred_billion_yuan_reads_back_from_its_json() {
        let band = Band {
            year: 2030,
            expenditure: [
                Money::from_fen(-105),
                Money::ZERO,
                Money::from_fen(i64::MAX),
            ],
            reserve: [Money::from_fen(25_313_437_307_904); 3],
        };
        let json = serde_json::to_string(&band).unwrap();
        assert_eq!(serde_json::from_str::<Band>(&json).unwrap(), band, "{json}");
    }

    #[test]
    fn amounts_read_back_as_the_fen_they_were_written_from() {
        for (text, fen) in [
            ("0.00", Some(0)),
            ("8500", Some(850_000)),
            ("8500.5", Some(850_050)),
            ("-1.05", Some(-105)),
            ("253134373079.04", Some(25_313_437_307_904)),
            ("92233720368547758.07", Some(i64::MAX)),
            ("92233720368547758.08", None),
            ("1.234", None),
            ("", None),
            ("1e5", None),
            ("-", None),
        ] {
            assert_eq!(fen_of(text), fen, "{text}");
        }
    }
}
