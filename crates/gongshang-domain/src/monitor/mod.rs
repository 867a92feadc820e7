//! Monitoring and early warning (监测预警), issue 16: pure evaluation of the
//! monitoring rules of `policies/national/monitoring.toml`
//! ([`gongshang_rules::monitoring::MonitorRule`]) over facts the store
//! gathers set-wise, and alerts as a small state machine.
//!
//! - [`facts`]: the plain records a rule reads (one struct per rule, each
//!   already aggregated by the store: a person's day of orders, a unit's
//!   month of declarations, ...).
//! - [`rules`]: one function per rule, from its facts and its parameters to
//!   [`Flag`]s (the rule, the subject, the records it fired on, a sentence in
//!   Chinese and English); [`evaluate`] runs every rule in force.
//! - [`alert`]: flags grouped per rule and subject, the alert opened when
//!   their count reaches the rule's threshold ([`plan_run`], which makes a run
//!   idempotent), the alert's states and commands ([`decide`]), and each
//!   rule's precision from closed alerts.
//!
//! No IO and no clock: the day a run evaluates on is an argument.

pub mod alert;
pub mod classes;
pub mod facts;
pub mod grading;
pub mod rules;
pub mod sample;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use alert::{
    AlertCommand, AlertEvent, AlertState, Known, Outcome, PlannedAlert, Precision, ReferTo,
    RunPlan, decide, plan_run, precision,
};
pub use classes::OrderIndustryClasses;
pub use facts::MonitorFacts;
pub use rules::{RULE_IDS, check_rules, evaluate};

/// How a run chose what to look at: everything stored (`full`, the nightly
/// reference), only the records written since the last run's watermarks
/// (`incremental`, after each import), or a random audit sample.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunMode {
    Full,
    Incremental,
    Sample,
}

impl RunMode {
    pub const ALL: &'static [RunMode] = &[RunMode::Full, RunMode::Incremental, RunMode::Sample];

    pub const fn as_str(self) -> &'static str {
        match self {
            RunMode::Full => "full",
            RunMode::Incremental => "incremental",
            RunMode::Sample => "sample",
        }
    }

    pub fn parse(s: &str) -> Result<RunMode, String> {
        RunMode::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("run mode {s:?} is not one of full, incremental, sample"))
    }
}

/// What a flag is about.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Person,
    Unit,
    Platform,
}

impl SubjectKind {
    pub const ALL: &'static [SubjectKind] = &[
        SubjectKind::Person,
        SubjectKind::Unit,
        SubjectKind::Platform,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Person => "person",
            SubjectKind::Unit => "unit",
            SubjectKind::Platform => "platform",
        }
    }

    pub fn parse(s: &str) -> Result<SubjectKind, String> {
        SubjectKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("subject kind {s:?} is not one of person, unit, platform"))
    }
}

/// A person (resident id), a unit (credit code) or a platform (its id).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub key: String,
}

impl Subject {
    pub fn person(key: impl Into<String>) -> Subject {
        Subject {
            kind: SubjectKind::Person,
            key: key.into(),
        }
    }

    pub fn unit(key: impl Into<String>) -> Subject {
        Subject {
            kind: SubjectKind::Unit,
            key: key.into(),
        }
    }

    pub fn platform(key: impl Into<String>) -> Subject {
        Subject {
            kind: SubjectKind::Platform,
            key: key.into(),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.as_str(), self.key)
    }
}

/// A stored record a flag fired on: its kind (`case`, `enrolment`,
/// `payment`, `cover`, `order_day`, `platform_declaration`, `declaration_month`,
/// `person_orders`: a person's orders of one industry in a window)
/// and its key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordRef {
    pub kind: String,
    pub key: String,
}

impl RecordRef {
    pub fn new(kind: &str, key: impl fmt::Display) -> RecordRef {
        RecordRef {
            kind: kind.to_owned(),
            key: key.to_string(),
        }
    }
}

/// One rule firing on one subject's records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub rule_id: String,
    pub rule_version: u32,
    pub subject: Subject,
    /// Unique per rule: the same records give the same key on every run, so
    /// a run over the same data finds the flag already known.
    pub key: String,
    pub records: Vec<RecordRef>,
    pub text_zh: String,
    pub text_en: String,
}
