//! Life tables as dated data (issue 14): the probability of dying within the
//! year at each whole age, by sex, from the day a table applies, each table
//! with its instrument, source, confidence and status like a parameter.
//!
//! Written in a policy file as
//!
//! ```toml
//! [[life_table]]
//! id = "cl_2000_2003.pension.female"
//! sex = "female"
//! from = 2006-01-01
//! label_zh = "..."
//! label_en = "..."
//! instrument = "..."
//! article = "附件"
//! source = "..."
//! confidence = "C1"
//! qx = ["0.000575", "0.000466", ...]   # ages 0, 1, 2, ...; the last is "1"
//! ```
//!
//! Checked when loaded: each q is a decimal from 0 to 1 with at most six
//! places (so it is exact in parts per million), the last age's q is 1 (the
//! table closes), at most 121 ages, and the tables of one sex come in date
//! order, never two from the same day.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::params::{Citation, Confidence, Status};

/// The sex a table is for.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// One table: q at each whole age from 0, in parts per million.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LifeTable {
    pub id: String,
    pub label_zh: String,
    pub label_en: String,
    pub sex: Sex,
    /// The first day the table applies (until the next table of its sex).
    pub from: Date,
    /// q at age 0, 1, ... in parts per million; the last is 1,000,000.
    pub qx_ppm: Vec<u32>,
    pub citation: Citation,
    pub file: String,
}

impl LifeTable {
    /// q at `age` in parts per million; past the table's last age, 1.
    pub fn q_ppm(&self, age: i64) -> i64 {
        usize::try_from(age.max(0))
            .ok()
            .and_then(|a| self.qx_ppm.get(a))
            .map_or(1_000_000, |&q| i64::from(q))
    }

    /// The last age of the table (its q is 1).
    pub fn last_age(&self) -> usize {
        self.qx_ppm.len().saturating_sub(1)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LifeTableDoc {
    id: String,
    label_zh: String,
    label_en: String,
    sex: Sex,
    from: toml::value::Datetime,
    qx: Vec<String>,
    instrument: String,
    article: String,
    source: String,
    confidence: Confidence,
    #[serde(default)]
    status: Status,
    note: Option<String>,
}

impl LifeTableDoc {
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// The table, or why it is refused.
    pub(crate) fn build(self, file: &str) -> Result<LifeTable, String> {
        if self.id.is_empty()
            || !self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
        {
            return Err("an id is lower-case ascii words joined by dots".into());
        }
        if self.label_zh.trim().is_empty() || self.label_en.trim().is_empty() {
            return Err("label_zh and label_en are required".into());
        }
        for (name, v) in [
            ("instrument", &self.instrument),
            ("article", &self.article),
            ("source", &self.source),
        ] {
            if v.trim().is_empty() {
                return Err(format!("{name} is required"));
            }
        }
        if self.confidence == Confidence::Inferred && self.status == Status::Confirmed {
            return Err(
                "an INF table must be marked status = \"assumed\" or \"illustrative\"".into(),
            );
        }
        if self.status != Status::Confirmed
            && self.note.as_deref().is_none_or(|n| n.trim().is_empty())
        {
            return Err("an assumed or illustrative table needs a note saying why".into());
        }
        let from: Date = self
            .from
            .to_string()
            .parse()
            .map_err(|_| format!("from = {} is not a date like 2006-01-01", self.from))?;
        if self.qx.is_empty() || self.qx.len() > 121 {
            return Err(format!(
                "{} ages: a table has 1 to 121 ages (0 to 120)",
                self.qx.len()
            ));
        }
        let mut qx_ppm = Vec::with_capacity(self.qx.len());
        for (age, text) in self.qx.iter().enumerate() {
            qx_ppm.push(parse_q(text).map_err(|e| format!("age {age}: q {text:?}: {e}"))?);
        }
        if qx_ppm.last() != Some(&1_000_000) {
            return Err(format!(
                "the last age ({}) must have q = 1: the table closes",
                qx_ppm.len() - 1
            ));
        }
        Ok(LifeTable {
            id: self.id,
            label_zh: self.label_zh,
            label_en: self.label_en,
            sex: self.sex,
            from,
            qx_ppm,
            citation: Citation {
                instrument: self.instrument,
                article: self.article,
                source: self.source,
                confidence: self.confidence,
                status: self.status,
                note: self.note,
            },
            file: file.to_owned(),
        })
    }
}

/// A decimal from 0 to 1 with at most six places, in parts per million.
fn parse_q(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("a decimal like 0.000627".into());
    }
    if frac.len() > 6 {
        return Err("at most six decimal places".into());
    }
    let whole: u32 = whole.parse().map_err(|_| "too large".to_owned())?;
    let mut f: u32 = if frac.is_empty() {
        0
    } else {
        frac.parse()
            .map_err(|_| "a decimal like 0.000627".to_owned())?
    };
    for _ in frac.len()..6 {
        f *= 10;
    }
    let v = whole
        .checked_mul(1_000_000)
        .and_then(|w| w.checked_add(f))
        .ok_or_else(|| "too large".to_owned())?;
    if v > 1_000_000 {
        return Err("q is a probability: 0 to 1".into());
    }
    Ok(v)
}

/// Adds a table to the tables of its sex, which stay in date order.
pub(crate) fn insert_table(tables: &mut Vec<LifeTable>, table: LifeTable) -> Result<(), String> {
    if let Some(same) = tables.iter().find(|t| t.id == table.id) {
        return Err(format!("is already defined in {}", same.file));
    }
    if let Some(same_day) = tables
        .iter()
        .find(|t| t.sex == table.sex && t.from == table.from)
    {
        return Err(format!(
            "table {} of the same sex already applies from {}: tables are appended, never overwritten",
            same_day.id, table.from
        ));
    }
    tables.push(table);
    tables.sort_by_key(|a| (a.sex, a.from));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_q;

    #[test]
    fn q_is_read_exactly_in_parts_per_million() {
        assert_eq!(parse_q("0.000627"), Ok(627));
        assert_eq!(parse_q("0.05"), Ok(50_000));
        assert_eq!(parse_q("1"), Ok(1_000_000));
        assert_eq!(parse_q("1.0"), Ok(1_000_000));
        assert!(parse_q("0.0000001").is_err());
        assert!(parse_q("1.5").is_err());
        assert!(parse_q("-0.1").is_err());
        assert!(parse_q("abc").is_err());
    }
}
