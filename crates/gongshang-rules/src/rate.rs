//! Exact rates: a non-negative fraction `numerator / denominator`, kept in
//! lowest terms. `0.6`, `85%` and `1.3%` of `120%` are all exact, so a product of
//! rates is exact too and money is rounded only once, when a rate meets money.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rate {
    numerator: i64,
    denominator: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateParseError {
    pub text: String,
    pub reason: &'static str,
}

impl fmt::Display for RateParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a rate: {} (write it like 0.6, 60% or 1.3%)",
            self.text, self.reason
        )
    }
}

impl std::error::Error for RateParseError {}

const fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

impl Rate {
    pub const ZERO: Rate = Rate {
        numerator: 0,
        denominator: 1,
    };
    pub const ONE: Rate = Rate {
        numerator: 1,
        denominator: 1,
    };

    /// `numerator / denominator`, reduced. Panics on a zero denominator or a
    /// negative part: those are programming errors, not input errors.
    pub const fn new(numerator: i64, denominator: i64) -> Rate {
        assert!(
            denominator > 0 && numerator >= 0,
            "a rate is a non-negative fraction"
        );
        let g = gcd(numerator, denominator);
        let g = if g == 0 { 1 } else { g };
        Rate {
            numerator: numerator / g,
            denominator: denominator / g,
        }
    }

    /// A whole percentage: `Rate::percent(85)` is 85%.
    pub const fn percent(p: i64) -> Rate {
        Rate::new(p, 100)
    }

    pub const fn numerator(self) -> i64 {
        self.numerator
    }

    pub const fn denominator(self) -> i64 {
        self.denominator
    }

    pub const fn is_zero(self) -> bool {
        self.numerator == 0
    }

    /// The exact product of two rates (e.g. benchmark rate × floating tier).
    pub fn times(self, other: Rate) -> Rate {
        let n = i128::from(self.numerator) * i128::from(other.numerator);
        let d = i128::from(self.denominator) * i128::from(other.denominator);
        let g = {
            let (mut a, mut b) = (n, d);
            while b != 0 {
                let t = a % b;
                a = b;
                b = t;
            }
            if a == 0 { 1 } else { a }
        };
        Rate {
            numerator: i64::try_from(n / g).expect("rate numerator overflow"),
            denominator: i64::try_from(d / g).expect("rate denominator overflow"),
        }
    }

    /// The exact sum of two rates (e.g. 100% + a 40% uplift).
    pub fn plus(self, other: Rate) -> Rate {
        let n = i128::from(self.numerator) * i128::from(other.denominator)
            + i128::from(other.numerator) * i128::from(self.denominator);
        let d = i128::from(self.denominator) * i128::from(other.denominator);
        Rate::new(
            i64::try_from(n).expect("rate numerator overflow"),
            i64::try_from(d).expect("rate denominator overflow"),
        )
    }

    /// Parses `0.6`, `.6`, `60%`, `1.3%` or `3/10`.
    pub fn parse(text: &str) -> Result<Rate, RateParseError> {
        let err = |reason| RateParseError {
            text: text.to_owned(),
            reason,
        };
        let t = text.trim();
        if let Some((n, d)) = t.split_once('/') {
            let n: i64 = n
                .trim()
                .parse()
                .map_err(|_| err("the numerator is not a whole number"))?;
            let d: i64 = d
                .trim()
                .parse()
                .map_err(|_| err("the denominator is not a whole number"))?;
            if d <= 0 || n < 0 {
                return Err(err(
                    "a rate is a non-negative fraction with a positive denominator",
                ));
            }
            return Ok(Rate::new(n, d));
        }
        let (body, scale) = match t.strip_suffix('%') {
            Some(body) => (body.trim(), 100),
            None => (t, 1),
        };
        let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
        if whole.is_empty() && frac.is_empty() {
            return Err(err("it has no digits"));
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                "only digits, one decimal point and an optional % are allowed",
            ));
        }
        if frac.len() > 12 || whole.len() > 6 {
            return Err(err("too many digits"));
        }
        let mut numerator: i64 = 0;
        for b in whole.bytes().chain(frac.bytes()) {
            numerator = numerator * 10 + i64::from(b - b'0');
        }
        let denominator = 10i64.pow(frac.len() as u32) * scale;
        Ok(Rate::new(numerator, denominator))
    }

    /// As a percentage, exact when it can be written in decimals (`85%`,
    /// `0.26%`), otherwise as a fraction (`1/3`).
    pub fn to_percent_string(self) -> String {
        match decimal_digits(self.numerator * 100, self.denominator) {
            Some(s) => format!("{s}%"),
            None => format!("{}/{}", self.numerator, self.denominator),
        }
    }
}

/// `n / d` as decimal text when the expansion terminates within 12 digits.
fn decimal_digits(n: i64, d: i64) -> Option<String> {
    let whole = n / d;
    let mut rem = n % d;
    let mut frac = String::new();
    while rem != 0 {
        if frac.len() >= 12 {
            return None;
        }
        rem *= 10;
        frac.push(char::from(b'0' + (rem / d) as u8));
        rem %= d;
    }
    Some(if frac.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{frac}")
    })
}

impl PartialOrd for Rate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (i128::from(self.numerator) * i128::from(other.denominator))
            .cmp(&(i128::from(other.numerator) * i128::from(self.denominator)))
    }
}

impl fmt::Display for Rate {
    /// Decimal when exact (`0.6`), otherwise a fraction (`1/3`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match decimal_digits(self.numerator, self.denominator) {
            Some(s) => f.pad(&s),
            None => write!(f, "{}/{}", self.numerator, self.denominator),
        }
    }
}

impl FromStr for Rate {
    type Err = RateParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rate::parse(s)
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Rate::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimals_percentages_and_fractions() {
        assert_eq!(Rate::parse("0.6").unwrap(), Rate::new(3, 5));
        assert_eq!(Rate::parse("60%").unwrap(), Rate::new(3, 5));
        assert_eq!(Rate::parse("1.3%").unwrap(), Rate::new(13, 1000));
        assert_eq!(Rate::parse("3/10").unwrap(), Rate::new(3, 10));
        assert_eq!(Rate::parse(".5").unwrap(), Rate::new(1, 2));
        for bad in ["", "%", "a", "1/0", "-1", "0.5.5", "1e-3"] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn products_are_exact() {
        let class6 = Rate::parse("1.3%").unwrap();
        let tier = Rate::parse("120%").unwrap();
        assert_eq!(class6.times(tier), Rate::new(156, 10_000));
        assert_eq!(class6.times(tier).to_percent_string(), "1.56%");
        assert_eq!(Rate::new(1, 3).to_string(), "1/3");
    }
}
