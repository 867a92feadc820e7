//! Monitoring rules (监测预警规则) as dated, versioned data: the
//! `[[monitor_rule]]` entries of a policy file (`policies/national/monitoring.toml`).
//!
//! The rules engine only reads and validates them (an id, a version, the
//! dates it applies, a severity, the number of flags that opens an alert,
//! named integer parameters, the reason in Chinese and English, and the
//! instrument and article it serves); `gongshang_domain::monitor` evaluates
//! them. A rule changes by appending a new version with a later `valid_from`,
//! never by editing one in force.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::params::Status;

/// How serious a rule's flag is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    pub fn parse(s: &str) -> Result<Severity, String> {
        match s {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            other => Err(format!(
                "severity {other:?} is not one of low, medium, high"
            )),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One version of a monitoring rule, as loaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonitorRule {
    /// Stable id (`cover_after_accident`); the domain knows each id.
    pub id: String,
    pub version: u32,
    pub valid_from: Date,
    /// The last day it applies, if a later version replaces it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub severity: Severity,
    /// How many flags on one subject open an alert (at least 1).
    pub alert_threshold: u32,
    /// Named integer parameters (`max_span_hours`, `tolerance_bp`, ...).
    pub params: BTreeMap<String, i64>,
    pub name_zh: String,
    pub name_en: String,
    pub reason_zh: String,
    pub reason_en: String,
    pub instrument: String,
    pub article: String,
    pub source: String,
    /// `assumed` when a threshold was chosen by us, not found in an instrument.
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The file it was read from.
    pub file: String,
}

impl MonitorRule {
    /// Whether this version applies on `day`.
    pub fn applies_on(&self, day: Date) -> bool {
        self.valid_from <= day && self.until.is_none_or(|u| day <= u)
    }

    /// A parameter by name, or a message naming it and the rule.
    pub fn param(&self, name: &str) -> Result<i64, String> {
        self.params.get(name).copied().ok_or_else(|| {
            format!(
                "monitoring rule {} v{} has no parameter {name:?} (it has: {})",
                self.id,
                self.version,
                self.params.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MonitorRuleDoc {
    id: String,
    version: u32,
    valid_from: toml::value::Datetime,
    #[serde(default)]
    until: Option<toml::value::Datetime>,
    severity: Severity,
    alert_threshold: u32,
    #[serde(default)]
    params: BTreeMap<String, i64>,
    name_zh: String,
    name_en: String,
    reason_zh: String,
    reason_en: String,
    instrument: String,
    article: String,
    source: String,
    #[serde(default)]
    status: Status,
    #[serde(default)]
    note: Option<String>,
}

fn date_of(d: &toml::value::Datetime, name: &str) -> Result<Date, String> {
    d.to_string()
        .parse()
        .map_err(|_| format!("{name} = {d} is not a date like 2025-01-01"))
}

impl MonitorRuleDoc {
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn build(self, file: &str) -> Result<MonitorRule, String> {
        if self.id.is_empty()
            || !self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err("an id is lower-case ascii words joined by underscores".into());
        }
        if self.version == 0 {
            return Err("version starts at 1".into());
        }
        if self.alert_threshold == 0 {
            return Err("alert_threshold is at least 1 (the flags that open an alert)".into());
        }
        let valid_from = date_of(&self.valid_from, "valid_from")?;
        let until = self
            .until
            .as_ref()
            .map(|u| date_of(u, "until"))
            .transpose()?;
        if until.is_some_and(|u| u < valid_from) {
            return Err("until comes before valid_from".into());
        }
        for (text, name) in [
            (&self.name_zh, "name_zh"),
            (&self.name_en, "name_en"),
            (&self.reason_zh, "reason_zh"),
            (&self.reason_en, "reason_en"),
            (&self.instrument, "instrument"),
            (&self.article, "article"),
            (&self.source, "source"),
        ] {
            if text.trim().is_empty() {
                return Err(format!("{name} is required"));
            }
        }
        if self.status != Status::Confirmed
            && self.note.as_deref().is_none_or(|n| n.trim().is_empty())
        {
            return Err("an assumed or illustrative rule needs a note saying why".into());
        }
        for (name, value) in &self.params {
            if *value < 0 {
                return Err(format!("parameter {name} = {value} is negative"));
            }
        }
        Ok(MonitorRule {
            id: self.id,
            version: self.version,
            valid_from,
            until,
            severity: self.severity,
            alert_threshold: self.alert_threshold,
            params: self.params,
            name_zh: self.name_zh,
            name_en: self.name_en,
            reason_zh: self.reason_zh,
            reason_en: self.reason_en,
            instrument: self.instrument,
            article: self.article,
            source: self.source,
            status: self.status,
            note: self.note,
            file: file.to_owned(),
        })
    }
}

/// Adds `rule` to the versions of its id, which stay in version order with
/// dates that never overlap.
pub(crate) fn insert_rule(
    rules: &mut BTreeMap<String, Vec<MonitorRule>>,
    rule: MonitorRule,
) -> Result<(), String> {
    let versions = rules.entry(rule.id.clone()).or_default();
    if let Some(prev) = versions.last() {
        if rule.version <= prev.version {
            return Err(format!(
                "version {} does not come after version {}: versions are appended, never overwritten",
                rule.version, prev.version
            ));
        }
        let prev_end = prev.until.ok_or_else(|| {
            format!(
                "version {} has no until, so version {} cannot start",
                prev.version, rule.version
            )
        })?;
        if rule.valid_from <= prev_end {
            return Err(format!(
                "valid_from {} overlaps version {} (until {prev_end})",
                rule.valid_from, prev.version
            ));
        }
    }
    versions.push(rule);
    Ok(())
}
