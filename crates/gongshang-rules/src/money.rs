//! Money as integer fen (分), and the one rounding rule of the engine.
//!
//! Every amount in gongshang is a whole number of fen in an `i64`. There is no
//! floating point anywhere near money: a yuan amount is parsed from its decimal
//! text, and multiplication by a rate is done on integers with exactly one
//! rounding, [`round_half_away_from_zero`], applied at each statutory step.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rate::Rate;

/// An amount of money in fen (1 yuan = 100 fen). May be negative (a
/// difference, an amount to recover); benefit amounts never are.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// Why a text is not an amount of money.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoneyParseError {
    pub text: String,
    pub reason: &'static str,
}

impl fmt::Display for MoneyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an amount in yuan: {} (write it like 8500 or 8500.50)",
            self.text, self.reason
        )
    }
}

impl std::error::Error for MoneyParseError {}

/// The largest amount we accept from outside: one hundred billion yuan. It keeps
/// every product with a rate or a count of months far inside `i128`/`i64`.
const MAX_ABS_FEN: i64 = 10_000_000_000_000;

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Parses yuan written as decimal text: `8500`, `8500.5`, `8500.50`, `-12.30`.
    /// At most two decimals; no exponent, no thousands separators.
    pub fn parse_yuan(text: &str) -> Result<Money, MoneyParseError> {
        let err = |reason| MoneyParseError {
            text: text.to_owned(),
            reason,
        };
        Money::parse_yuan_bytes(text.as_bytes()).map_err(err)
    }

    /// The allocation-free parser behind [`Money::parse_yuan`], for the batch path.
    pub fn parse_yuan_bytes(bytes: &[u8]) -> Result<Money, &'static str> {
        let (negative, digits) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            Some((b'+', rest)) => (false, rest),
            Some(_) => (false, bytes),
            None => return Err("it is empty"),
        };
        let (whole, frac) = match digits.iter().position(|&b| b == b'.') {
            Some(dot) => (&digits[..dot], Some(&digits[dot + 1..])),
            None => (digits, None),
        };
        if whole.is_empty() {
            return Err("there are no digits before the decimal point");
        }
        let mut fen: i64 = 0;
        for &b in whole {
            if !b.is_ascii_digit() {
                return Err("only digits and one decimal point are allowed");
            }
            fen = fen
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
                .filter(|v| *v <= MAX_ABS_FEN)
                .ok_or("it is larger than 100,000,000,000 yuan")?;
        }
        fen = fen.checked_mul(100).ok_or("it is too large")?;
        if let Some(frac) = frac {
            if frac.is_empty() {
                return Err("there are no digits after the decimal point");
            }
            if frac.len() > 2 {
                return Err("it has more than two decimals (fen is the smallest unit)");
            }
            let mut cents = 0;
            for (i, &b) in frac.iter().enumerate() {
                if !b.is_ascii_digit() {
                    return Err("only digits and one decimal point are allowed");
                }
                cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
            }
            fen += cents;
        }
        if fen > MAX_ABS_FEN {
            return Err("it is larger than 100,000,000,000 yuan");
        }
        Ok(Money(if negative { -fen } else { fen }))
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// Exact multiplication by a whole count (months, days, people).
    pub fn times(self, count: i64) -> Money {
        Money(
            self.0
                .checked_mul(count)
                .expect("money times a count overflowed i64 fen"),
        )
    }

    /// `self × rate`, rounded half away from zero to the fen. This is the one
    /// rounding step of the engine; callers apply it once per statutory step.
    pub fn mul_rate(self, rate: Rate) -> Money {
        let numerator = i128::from(self.0) * i128::from(rate.numerator());
        let fen = round_half_away_from_zero(numerator, i128::from(rate.denominator()));
        Money(i64::try_from(fen).expect("money times a rate overflowed i64 fen"))
    }

    /// Writes yuan with exactly two decimals into `out` without allocating.
    pub fn write_yuan(self, out: &mut Vec<u8>) {
        let fen = self.0;
        if fen < 0 {
            out.push(b'-');
        }
        let abs = fen.unsigned_abs();
        let whole = abs / 100;
        let cents = (abs % 100) as u8;
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut w = whole;
        loop {
            i -= 1;
            buf[i] = b'0' + (w % 10) as u8;
            w /= 10;
            if w == 0 {
                break;
            }
        }
        out.extend_from_slice(&buf[i..]);
        out.extend_from_slice(&[b'.', b'0' + cents / 10, b'0' + cents % 10]);
    }
}

/// Divides `numerator / denominator` and rounds half away from zero
/// (四舍五入 as a bookkeeper does it: 0.5 fen → 1 fen, −0.5 fen → −1 fen).
///
/// This is the engine's single rounding rule. No instrument we encode names a
/// different one; if one ever does, it gets its own named function here.
pub fn round_half_away_from_zero(numerator: i128, denominator: i128) -> i128 {
    assert!(denominator > 0, "rounding by a non-positive denominator");
    let quotient = numerator / denominator;
    let remainder = (numerator % denominator).abs();
    if remainder * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

impl fmt::Display for Money {
    /// Yuan with two decimals, e.g. `8500.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(24);
        self.write_yuan(&mut out);
        f.pad(std::str::from_utf8(&out).expect("ascii"))
    }
}

impl FromStr for Money {
    type Err = MoneyParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse_yuan(s.trim())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Money comes as a decimal string of yuan (`"8500.50"`) or a whole number of
    /// yuan (`8500`). A JSON number with decimals is refused: it would pass
    /// through binary floating point before we saw it.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of yuan as a string like \"8500.50\" or a whole number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse_yuan(v.trim()).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Money, E> {
                if v.unsigned_abs() > (MAX_ABS_FEN / 100) as u64 {
                    return Err(E::custom("amount is larger than 100,000,000,000 yuan"));
                }
                Ok(Money::from_yuan(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Money, E> {
                let v = i64::try_from(v).map_err(|_| E::custom("amount is too large"))?;
                self.visit_i64(v)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_yuan() {
        for (text, fen, shown) in [
            ("0", 0, "0.00"),
            ("8500", 850_000, "8500.00"),
            ("8500.5", 850_050, "8500.50"),
            ("8500.05", 850_005, "8500.05"),
            ("-12.30", -1_230, "-12.30"),
            ("+1.01", 101, "1.01"),
        ] {
            let m = Money::parse_yuan(text).unwrap();
            assert_eq!(m.fen(), fen, "{text}");
            assert_eq!(m.to_string(), shown, "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_money() {
        for text in [
            "",
            "-",
            ".5",
            "1.",
            "1.234",
            "1,000",
            "1e3",
            "abc",
            "1.2.3",
            "99999999999999",
        ] {
            assert!(Money::parse_yuan(text).is_err(), "{text} should be refused");
        }
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round_half_away_from_zero(5, 10), 1);
        assert_eq!(round_half_away_from_zero(4, 10), 0);
        assert_eq!(round_half_away_from_zero(-5, 10), -1);
        assert_eq!(round_half_away_from_zero(-4, 10), 0);
        assert_eq!(round_half_away_from_zero(15, 10), 2);
        assert_eq!(round_half_away_from_zero(-15, 10), -2);
        assert_eq!(round_half_away_from_zero(0, 7), 0);
    }
}
