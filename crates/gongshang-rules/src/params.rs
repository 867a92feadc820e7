//! Parameters as dated data: the policy files under `policies/`.
//!
//! Each jurisdiction has a folder (`policies/national/`, `policies/guangdong/`,
//! ...) of TOML files. A file holds `[[parameter]]` entries; each parameter has
//! a key, labels in Chinese and English, a unit, and a list of dated values.
//! Each value carries its citation: instrument, article, source key (see
//! `shared/policy-reference.md` §12) and a confidence mark. Values are appended,
//! never overwritten: the loader refuses values out of date order or two values
//! from the same date. A parameter is either a *dated* series (a value applies
//! from its `from` date until the next one) or a *yearly* series (a value belongs
//! to one calendar year, e.g. national urban per-capita disposable income), and
//! an absent year is an error, never the nearest year.
//!
//! Regional parameters (GB/T 2260 region code) live in the files of their
//! province and carry `region = "440100"`.
//!
//! This module parses text it is given; reading files is the caller's business.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::RulesError;
use crate::money::Money;
use crate::rate::Rate;
use crate::scheme::{Scheme, SchemeDoc};

/// The unit of a parameter; it decides how its values are written and read.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// An exact rate written `"60%"` or `"0.6"`.
    Rate,
    /// A list of rates, e.g. the floating tiers of an industry class.
    RateList,
    Months,
    Days,
    Years,
    Hours,
    Count,
    /// Age in whole years.
    Age,
    Yuan,
    YuanPerMonth,
    YuanPerDay,
    YuanPerYear,
    YuanPerOrder,
    /// Yes or no, written `true` or `false`.
    Flag,
}

impl Unit {
    pub fn label_en(self) -> &'static str {
        match self {
            Unit::Rate => "rate",
            Unit::RateList => "rates",
            Unit::Months => "months",
            Unit::Days => "days",
            Unit::Years => "years",
            Unit::Hours => "hours",
            Unit::Count => "count",
            Unit::Age => "years of age",
            Unit::Yuan => "yuan",
            Unit::YuanPerMonth => "yuan a month",
            Unit::YuanPerDay => "yuan a day",
            Unit::YuanPerYear => "yuan a year",
            Unit::YuanPerOrder => "yuan an order",
            Unit::Flag => "yes or no",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Unit::Rate => "比例",
            Unit::RateList => "比例档次",
            Unit::Months => "个月",
            Unit::Days => "天",
            Unit::Years => "年",
            Unit::Hours => "小时",
            Unit::Count => "个",
            Unit::Age => "周岁",
            Unit::Yuan => "元",
            Unit::YuanPerMonth => "元/月",
            Unit::YuanPerDay => "元/天",
            Unit::YuanPerYear => "元/年",
            Unit::YuanPerOrder => "元/单",
            Unit::Flag => "是/否",
        }
    }
}

/// A parameter value, typed by its unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Rate(Rate),
    Rates(Vec<Rate>),
    Whole(i64),
    Money(Money),
    Flag(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Rate(r) => f.write_str(&r.to_percent_string()),
            Value::Rates(rs) => {
                let parts: Vec<String> = rs.iter().map(|r| r.to_percent_string()).collect();
                write!(f, "[{}]", parts.join(", "))
            }
            Value::Whole(n) => write!(f, "{n}"),
            Value::Money(m) => write!(f, "{m}"),
            Value::Flag(b) => write!(f, "{b}"),
        }
    }
}

/// How sure we are of a value (shared/policy-reference.md): seen in two or more
/// independent sources, in one, or inferred and not verified.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Confidence {
    C2,
    C1,
    #[serde(rename = "INF")]
    Inferred,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::C2 => "C2",
            Confidence::C1 => "C1",
            Confidence::Inferred => "INF",
        })
    }
}

/// Whether a value is the law as found, or an assumption that stands in for a
/// figure nobody has verified (shown as such in every trace that uses it).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Confirmed,
    Assumed,
    Illustrative,
}

/// Where a value comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Citation {
    pub instrument: String,
    pub article: String,
    pub source: String,
    pub confidence: Confidence,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// When a value applies.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    /// From this date until the next value's date.
    From(Date),
    /// For this calendar year only.
    Year(i16),
}

impl fmt::Display for Validity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Validity::From(d) => write!(f, "from {d}"),
            Validity::Year(y) => write!(f, "year {y}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DatedValue {
    pub validity: Validity,
    /// For a dated value that lapses (e.g. a contribution band valid from 1 July
    /// to 30 June): the first day it no longer applies. A date on or after it
    /// has no value until a later one is appended, which is an error, never a
    /// stale value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub value: Value,
    pub citation: Citation,
}

/// Identifies a parameter: jurisdiction folder, optional region, dotted key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ParamId {
    pub jurisdiction: String,
    pub region: Option<String>,
    pub key: String,
}

impl fmt::Display for ParamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.region {
            Some(r) => write!(f, "{}/{}@{}", self.jurisdiction, self.key, r),
            None => write!(f, "{}/{}", self.jurisdiction, self.key),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Parameter {
    pub id: ParamId,
    pub label_zh: String,
    pub label_en: String,
    pub unit: Unit,
    pub file: String,
    /// Sorted by validity, strictly increasing.
    pub values: Vec<DatedValue>,
}

/// One value of a parameter as used by a calculation: what a trace shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamUse {
    pub id: ParamId,
    pub label_zh: String,
    pub label_en: String,
    pub unit: Unit,
    pub validity: Validity,
    /// The first day the value no longer applies, where its series says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub value: Value,
    pub citation: Citation,
}

impl ParamUse {
    pub fn rate(&self) -> Rate {
        match &self.value {
            Value::Rate(r) => *r,
            other => panic!("parameter {} is not a rate but {other}", self.id),
        }
    }
    pub fn rates(&self) -> &[Rate] {
        match &self.value {
            Value::Rates(r) => r,
            other => panic!("parameter {} is not a rate list but {other}", self.id),
        }
    }
    pub fn whole(&self) -> i64 {
        match &self.value {
            Value::Whole(n) => *n,
            other => panic!("parameter {} is not a whole number but {other}", self.id),
        }
    }
    pub fn flag(&self) -> bool {
        match &self.value {
            Value::Flag(b) => *b,
            other => panic!("parameter {} is not a flag but {other}", self.id),
        }
    }
    pub fn money(&self) -> Money {
        match &self.value {
            Value::Money(m) => *m,
            other => panic!("parameter {} is not an amount but {other}", self.id),
        }
    }
}

/// A region of GB/T 2260 that has parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub jurisdiction: String,
}

/// A value put over a loaded parameter from a date ([`PolicySet::with_overrides`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatedOverride {
    pub id: ParamId,
    pub from: Date,
    pub value: Value,
    /// Where the value comes from: for a reform, its file and note.
    pub citation: Citation,
}

/// All loaded policy files. Cheap to clone (shared).
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    inner: Arc<PolicySetInner>,
}

#[derive(Clone, Debug, Default)]
struct PolicySetInner {
    params: BTreeMap<ParamId, Parameter>,
    regions: BTreeMap<String, Region>,
    schemes: BTreeMap<crate::SchemeId, Scheme>,
    /// Monitoring rules by id, each id's versions in order (issue 16).
    monitor_rules: BTreeMap<String, Vec<crate::monitoring::MonitorRule>>,
    /// Life tables, by sex then date (issue 14).
    life_tables: Vec<crate::life_table::LifeTable>,
}

/// One policy file's text and the path it is known by (for messages).
pub struct PolicyFile<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

/// The files shipped in `policies/`, compiled into the binary so that the
/// product runs anywhere with no data directory. `build.rs` lists the folder.
pub const EMBEDDED_FILES: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/embedded_policies.rs"));

// ---- the file format -------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    jurisdiction: String,
    #[serde(default)]
    defaults: Defaults,
    #[serde(default)]
    region: Vec<RegionDoc>,
    #[serde(default)]
    parameter: Vec<ParameterDoc>,
    #[serde(default)]
    scheme: Vec<crate::scheme::SchemeDoc>,
    #[serde(default)]
    monitor_rule: Vec<crate::monitoring::MonitorRuleDoc>,
    #[serde(default)]
    life_table: Vec<crate::life_table::LifeTableDoc>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Defaults {
    instrument: Option<String>,
    article: Option<String>,
    source: Option<String>,
    confidence: Option<Confidence>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionDoc {
    code: String,
    name_zh: String,
    name_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParameterDoc {
    key: String,
    #[serde(default)]
    region: Option<String>,
    label_zh: String,
    label_en: String,
    unit: Unit,
    values: Vec<ValueDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueDoc {
    #[serde(default)]
    from: Option<toml::value::Datetime>,
    #[serde(default)]
    until: Option<toml::value::Datetime>,
    #[serde(default)]
    year: Option<i64>,
    value: toml::Value,
    instrument: Option<String>,
    article: Option<String>,
    source: Option<String>,
    confidence: Option<Confidence>,
    #[serde(default)]
    status: Status,
    note: Option<String>,
}

/// GB/T 2260 province-level prefixes.
const PROVINCE_PREFIXES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// Checks the shape of a GB/T 2260 code: six digits under a known province.
pub fn check_region_code(code: &str) -> Result<(), String> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "region code {code:?} must be six digits (GB/T 2260)"
        ));
    }
    if !PROVINCE_PREFIXES.contains(&&code[..2]) {
        return Err(format!(
            "region code {code:?} does not start with a GB/T 2260 province code"
        ));
    }
    Ok(())
}

impl PolicySet {
    /// The policy files shipped with gongshang.
    pub fn embedded() -> Result<PolicySet, RulesError> {
        let files: Vec<PolicyFile<'_>> = EMBEDDED_FILES
            .iter()
            .map(|(path, text)| PolicyFile { path, text })
            .collect();
        PolicySet::load(&files)
    }

    /// The shipped parameter files (no schemes) of the nation and of the
    /// jurisdiction folder that declares `region`: all a calculation under the
    /// national Regulations needs, at a fraction of the cost of parsing every
    /// file (a single `calc` answers in a few milliseconds with process start).
    pub fn embedded_for_region(region: Option<&str>) -> Result<PolicySet, RulesError> {
        let needle = region.map(|r| format!("code = \"{r}\""));
        let folders: Vec<&str> = EMBEDDED_FILES
            .iter()
            .filter(|(_, text)| needle.as_deref().is_some_and(|n| text.contains(n)))
            .filter_map(|(path, _)| path.split('/').next())
            .collect();
        let files: Vec<PolicyFile<'_>> = EMBEDDED_FILES
            .iter()
            .filter(|(path, text)| {
                let folder = path.split('/').next().unwrap_or_default();
                (folder == "national" || folders.contains(&folder))
                    && !text.contains("[[scheme]]")
                    && !text.contains("[[monitor_rule]]")
            })
            .map(|(path, text)| PolicyFile { path, text })
            .collect();
        PolicySet::load(&files)
    }

    /// Parses and validates policy files. Nothing is half loaded: one invalid
    /// value rejects the whole set, naming the file, the entry and the reason.
    pub fn load(files: &[PolicyFile<'_>]) -> Result<PolicySet, RulesError> {
        let mut inner = PolicySetInner::default();
        let mut schemes = Vec::new();
        for file in files {
            load_file(&mut inner, file, &mut schemes)?;
        }
        // Schemes are built last: they name parameters of any file of their jurisdiction.
        for (path, jurisdiction, doc) in schemes {
            let id = doc_id(&doc);
            let has_key = |key: &str| {
                inner.params.contains_key(&ParamId {
                    jurisdiction: jurisdiction.clone(),
                    region: None,
                    key: key.to_owned(),
                })
            };
            let scheme = doc
                .build(&jurisdiction, &path, &has_key)
                .map_err(|reason| RulesError::PolicyInvalid {
                    file: path.clone(),
                    location: format!("scheme {id}"),
                    reason,
                })?;
            if let Some(existing) = inner.schemes.get(&scheme.id) {
                return Err(RulesError::PolicyInvalid {
                    file: path.clone(),
                    location: format!("scheme {id}"),
                    reason: format!("is already defined in {}", existing.file),
                });
            }
            inner.schemes.insert(scheme.id.clone(), scheme);
        }
        for param in inner.params.values() {
            if let Some(region) = &param.id.region
                && !inner.regions.contains_key(region)
            {
                return Err(RulesError::PolicyInvalid {
                    file: param.file.clone(),
                    location: format!("parameter {}", param.id.key),
                    reason: format!("region {region} is not declared in a [[region]] entry"),
                });
            }
        }
        Ok(PolicySet {
            inner: Arc::new(inner),
        })
    }

    pub fn parameters(&self) -> impl Iterator<Item = &Parameter> {
        self.inner.params.values()
    }

    pub fn schemes(&self) -> impl Iterator<Item = &Scheme> {
        self.inner.schemes.values()
    }

    /// Every version of every monitoring rule, by id then version.
    pub fn monitor_rules(&self) -> impl Iterator<Item = &crate::monitoring::MonitorRule> {
        self.inner.monitor_rules.values().flatten()
    }

    /// The version of each monitoring rule that applies on `day`.
    pub fn monitor_rules_on(
        &self,
        day: Date,
    ) -> impl Iterator<Item = &crate::monitoring::MonitorRule> {
        self.monitor_rules().filter(move |r| r.applies_on(day))
    }

    /// A scheme by id (a [`crate::SchemeId`], or a text still to be checked
    /// against the schemes loaded), or an error listing the schemes loaded.
    pub fn scheme<S: AsRef<str> + ?Sized>(&self, id: &S) -> Result<&Scheme, RulesError> {
        let id = id.as_ref();
        self.inner
            .schemes
            .get(id)
            .ok_or_else(|| RulesError::UnknownScheme {
                scheme: id.to_owned(),
                available: self
                    .inner
                    .schemes
                    .keys()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Every life table, by sex then date.
    pub fn life_tables(&self) -> impl Iterator<Item = &crate::life_table::LifeTable> {
        self.inner.life_tables.iter()
    }

    /// The life table of `sex` in force on `on`: the latest that applies
    /// from that day or before.
    pub fn life_table(
        &self,
        sex: crate::life_table::Sex,
        on: Date,
    ) -> Result<&crate::life_table::LifeTable, RulesError> {
        self.inner
            .life_tables
            .iter()
            .rev()
            .find(|t| t.sex == sex && t.from <= on)
            .ok_or_else(|| RulesError::ParameterMissing {
                parameter: format!("life table ({sex:?})"),
                scope: "national".into(),
                at: on.to_string(),
                available: self
                    .inner
                    .life_tables
                    .iter()
                    .filter(|t| t.sex == sex)
                    .map(|t| format!("{} from {}", t.id, t.from))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    pub fn regions(&self) -> impl Iterator<Item = &Region> {
        self.inner.regions.values()
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.inner.regions.get(code)
    }

    pub fn parameter(
        &self,
        jurisdiction: &str,
        region: Option<&str>,
        key: &str,
    ) -> Option<&Parameter> {
        self.inner.params.get(&ParamId {
            jurisdiction: jurisdiction.to_owned(),
            region: region.map(str::to_owned),
            key: key.to_owned(),
        })
    }

    /// The value of a dated parameter in force on `date`.
    pub fn at(&self, jurisdiction: &str, key: &str, date: Date) -> Result<ParamUse, RulesError> {
        self.lookup(jurisdiction, None, key, date)
    }

    /// The value of a regional parameter for `region` in force on `date`. There
    /// is no fallback to the province or the nation: a missing value is an error.
    pub fn regional(&self, region: &str, key: &str, date: Date) -> Result<ParamUse, RulesError> {
        let jurisdiction = match self.inner.regions.get(region) {
            Some(r) => r.jurisdiction.clone(),
            None => {
                let known: Vec<&str> = self.inner.regions.keys().map(String::as_str).collect();
                return Err(RulesError::ParameterMissing {
                    parameter: key.to_owned(),
                    scope: format!("region {region}"),
                    at: date.to_string(),
                    available: format!(
                        "no parameters for this region; regions loaded: {}",
                        known.join(", ")
                    ),
                });
            }
        };
        self.lookup(&jurisdiction, Some(region), key, date)
    }

    fn lookup(
        &self,
        jurisdiction: &str,
        region: Option<&str>,
        key: &str,
        date: Date,
    ) -> Result<ParamUse, RulesError> {
        let scope = match region {
            Some(r) => format!("{jurisdiction}, region {r}"),
            None => jurisdiction.to_owned(),
        };
        let param = self.parameter(jurisdiction, region, key).ok_or_else(|| {
            RulesError::ParameterMissing {
                parameter: key.to_owned(),
                scope: scope.clone(),
                at: date.to_string(),
                available: "no such parameter is loaded".into(),
            }
        })?;
        let found = param
            .values
            .iter()
            .rev()
            .find(|v| matches!(v.validity, Validity::From(from) if from <= date));
        match found {
            Some(v) if v.until.is_none_or(|until| date < until) => Ok(use_of(param, v)),
            _ => Err(RulesError::ParameterMissing {
                parameter: key.to_owned(),
                scope,
                at: date.to_string(),
                available: describe_values(param),
            }),
        }
    }

    /// This set with each override in force from its date (a reform's
    /// dated overrides, applied by `gongshang_sim::Reform::policies`): from
    /// `from` on, the parameter holds the override's value and nothing of
    /// the baseline (a later baseline value does not come back, as in the
    /// projection, where an override applies to every later year); before
    /// it, the baseline as loaded. Overrides are applied in order, so a
    /// later one of the same key takes over from its own date. The
    /// parameter must exist, be a dated series, and the value must be of
    /// its unit; otherwise nothing is applied.
    pub fn with_overrides(&self, overrides: &[DatedOverride]) -> Result<PolicySet, RulesError> {
        let mut inner = (*self.inner).clone();
        for o in overrides {
            let invalid = |reason: String| RulesError::PolicyInvalid {
                file: o.citation.instrument.clone(),
                location: format!("override of {}", o.id),
                reason,
            };
            let param = inner
                .params
                .get_mut(&o.id)
                .ok_or_else(|| invalid("no such parameter is loaded".into()))?;
            if param
                .values
                .iter()
                .any(|v| matches!(v.validity, Validity::Year(_)))
            {
                return Err(invalid(
                    "a yearly series cannot be overridden from a date".into(),
                ));
            }
            let same_kind = param.values.first().is_none_or(|v| {
                std::mem::discriminant(&v.value) == std::mem::discriminant(&o.value)
            });
            if !same_kind {
                return Err(invalid(format!(
                    "the value {} is not of the parameter's unit ({:?})",
                    o.value, param.unit
                )));
            }
            param.values.retain(|v| v.validity < Validity::From(o.from));
            param.values.push(DatedValue {
                validity: Validity::From(o.from),
                until: None,
                value: o.value.clone(),
                citation: o.citation.clone(),
            });
        }
        Ok(PolicySet {
            inner: Arc::new(inner),
        })
    }

    /// The value of a yearly parameter for exactly `year`.
    pub fn for_year(
        &self,
        jurisdiction: &str,
        key: &str,
        year: i16,
    ) -> Result<ParamUse, RulesError> {
        let param = self.parameter(jurisdiction, None, key).ok_or_else(|| {
            RulesError::ParameterMissing {
                parameter: key.to_owned(),
                scope: jurisdiction.to_owned(),
                at: format!("year {year}"),
                available: "no such parameter is loaded".into(),
            }
        })?;
        param
            .values
            .iter()
            .find(|v| v.validity == Validity::Year(year))
            .map(|v| use_of(param, v))
            .ok_or_else(|| RulesError::ParameterMissing {
                parameter: key.to_owned(),
                scope: jurisdiction.to_owned(),
                at: format!("year {year}"),
                available: describe_values(param),
            })
    }
}

fn use_of(param: &Parameter, v: &DatedValue) -> ParamUse {
    ParamUse {
        id: param.id.clone(),
        label_zh: param.label_zh.clone(),
        label_en: param.label_en.clone(),
        unit: param.unit,
        validity: v.validity,
        until: v.until,
        value: v.value.clone(),
        citation: v.citation.clone(),
    }
}

fn describe_values(param: &Parameter) -> String {
    let parts: Vec<String> = param
        .values
        .iter()
        .map(|v| match v.until {
            Some(until) => format!("{} until {until}", v.validity),
            None => v.validity.to_string(),
        })
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

fn doc_id(doc: &SchemeDoc) -> String {
    doc.id().to_owned()
}

fn load_file(
    inner: &mut PolicySetInner,
    file: &PolicyFile<'_>,
    schemes: &mut Vec<(String, String, SchemeDoc)>,
) -> Result<(), RulesError> {
    let invalid = |location: String, reason: String| RulesError::PolicyInvalid {
        file: file.path.to_owned(),
        location,
        reason,
    };
    let doc: FileDoc =
        toml::from_str(file.text).map_err(|e| invalid("syntax".into(), e.to_string()))?;
    let folder = file.path.split('/').next().unwrap_or_default();
    if doc.jurisdiction != folder {
        return Err(invalid(
            "jurisdiction".into(),
            format!(
                "says {:?} but the file is in folder {folder:?}",
                doc.jurisdiction
            ),
        ));
    }
    for scheme in doc.scheme {
        schemes.push((file.path.to_owned(), doc.jurisdiction.clone(), scheme));
    }
    for rule in doc.monitor_rule {
        let location = format!("monitor_rule {}", rule.id());
        let rule = rule
            .build(file.path)
            .map_err(|reason| invalid(location.clone(), reason))?;
        crate::monitoring::insert_rule(&mut inner.monitor_rules, rule)
            .map_err(|reason| invalid(location, reason))?;
    }
    for table in doc.life_table {
        let location = format!("life_table {}", table.id());
        let table = table
            .build(file.path)
            .map_err(|reason| invalid(location.clone(), reason))?;
        crate::life_table::insert_table(&mut inner.life_tables, table)
            .map_err(|reason| invalid(location, reason))?;
    }
    for r in doc.region {
        check_region_code(&r.code).map_err(|e| invalid(format!("region {}", r.code), e))?;
        if inner.regions.contains_key(&r.code) {
            return Err(invalid(
                format!("region {}", r.code),
                "declared twice".into(),
            ));
        }
        inner.regions.insert(
            r.code.clone(),
            Region {
                code: r.code,
                name_zh: r.name_zh,
                name_en: r.name_en,
                jurisdiction: doc.jurisdiction.clone(),
            },
        );
    }
    for p in doc.parameter {
        let location = match &p.region {
            Some(r) => format!("parameter {} (region {r})", p.key),
            None => format!("parameter {}", p.key),
        };
        if p.key.is_empty()
            || !p
                .key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
        {
            return Err(invalid(
                location,
                "a key is lower-case ascii words joined by dots".into(),
            ));
        }
        if p.label_zh.trim().is_empty() || p.label_en.trim().is_empty() {
            return Err(invalid(
                location,
                "label_zh and label_en are required".into(),
            ));
        }
        if let Some(r) = &p.region {
            check_region_code(r).map_err(|e| invalid(location.clone(), e))?;
        }
        if p.values.is_empty() {
            return Err(invalid(location, "has no values".into()));
        }
        let mut values = Vec::with_capacity(p.values.len());
        for (i, v) in p.values.into_iter().enumerate() {
            let at = format!("{location}, value #{}", i + 1);
            let validity = match (v.from, v.year) {
                (Some(from), None) => {
                    let date: Date = from.to_string().parse().map_err(|_| {
                        invalid(
                            at.clone(),
                            format!("from = {from} is not a date like 2004-01-01"),
                        )
                    })?;
                    Validity::From(date)
                }
                (None, Some(year)) if (1949..=2200).contains(&year) => Validity::Year(year as i16),
                (None, Some(year)) => {
                    return Err(invalid(
                        at,
                        format!("year {year} is not between 1949 and 2200"),
                    ));
                }
                _ => {
                    return Err(invalid(
                        at,
                        "give exactly one of from (a date) or year".into(),
                    ));
                }
            };
            let value = parse_value(p.unit, &v.value).map_err(|e| invalid(at.clone(), e))?;
            let pick = |own: Option<String>, default: &Option<String>, name: &str| {
                own.or_else(|| default.clone())
                    .filter(|s| !s.trim().is_empty())
                    .ok_or_else(|| {
                        invalid(
                            at.clone(),
                            format!("{name} is required (or set it in [defaults])"),
                        )
                    })
            };
            let citation = Citation {
                instrument: pick(v.instrument, &doc.defaults.instrument, "instrument")?,
                article: pick(v.article, &doc.defaults.article, "article")?,
                source: pick(v.source, &doc.defaults.source, "source")?,
                confidence: v.confidence.or(doc.defaults.confidence).ok_or_else(|| {
                    invalid(at.clone(), "confidence (C2, C1 or INF) is required".into())
                })?,
                status: v.status,
                note: v.note,
            };
            if citation.confidence == Confidence::Inferred && citation.status == Status::Confirmed {
                return Err(invalid(
                    at,
                    "an INF value must be marked status = \"assumed\" or \"illustrative\"".into(),
                ));
            }
            if citation.status != Status::Confirmed
                && citation.note.as_deref().is_none_or(|n| n.trim().is_empty())
            {
                return Err(invalid(
                    at,
                    "an assumed or illustrative value needs a note saying why".into(),
                ));
            }
            if let Some(prev) = values.last().map(|d: &DatedValue| d.validity) {
                let ordered = match (prev, validity) {
                    (Validity::From(a), Validity::From(b)) => a < b,
                    (Validity::Year(a), Validity::Year(b)) => a < b,
                    _ => return Err(invalid(at, "mixes dated and yearly values".into())),
                };
                if !ordered {
                    return Err(invalid(
                        at,
                        format!(
                            "{validity} does not come after {prev}: values are appended in date order, never overwritten"
                        ),
                    ));
                }
            }
            let until = match (v.until, validity) {
                (None, _) => None,
                (Some(until), Validity::From(from)) => {
                    let until: Date = until.to_string().parse().map_err(|_| {
                        invalid(
                            at.clone(),
                            format!("until = {until} is not a date like 2021-07-01"),
                        )
                    })?;
                    if until <= from {
                        return Err(invalid(
                            at,
                            format!("until {until} must come after from {from}"),
                        ));
                    }
                    Some(until)
                }
                (Some(_), Validity::Year(_)) => {
                    return Err(invalid(
                        at,
                        "a yearly value has no until: it is for its year".into(),
                    ));
                }
            };
            if let (Some(prev_until), Validity::From(from)) =
                (values.last().and_then(|d: &DatedValue| d.until), validity)
                && from < prev_until
            {
                return Err(invalid(
                    at,
                    format!("from {from} falls before the previous value's until {prev_until}"),
                ));
            }
            values.push(DatedValue {
                validity,
                until,
                value,
                citation,
            });
        }
        // A regional value is published for a period (a July-June year, a
        // minimum-wage notice, the knowledge of the files): the series must
        // say where it ends, so that it is never used past its end.
        if p.region.is_some()
            && let Some(last) = values.last()
            && matches!(last.validity, Validity::From(_))
            && last.until.is_none()
        {
            return Err(invalid(
                location,
                format!(
                    "a regional series ends with an until: its last value ({}) must say the first day it no longer applies, so that it is never used past its end",
                    last.validity
                ),
            ));
        }
        let id = ParamId {
            jurisdiction: doc.jurisdiction.clone(),
            region: p.region,
            key: p.key,
        };
        if let Some(existing) = inner.params.get(&id) {
            return Err(invalid(
                location,
                format!("is already defined in {}", existing.file),
            ));
        }
        inner.params.insert(
            id.clone(),
            Parameter {
                id,
                label_zh: p.label_zh,
                label_en: p.label_en,
                unit: p.unit,
                file: file.path.to_owned(),
                values,
            },
        );
    }
    Ok(())
}

fn parse_value(unit: Unit, raw: &toml::Value) -> Result<Value, String> {
    let as_money = |raw: &toml::Value| -> Result<Money, String> {
        let m = match raw {
            toml::Value::String(s) => Money::parse_yuan(s).map_err(|e| e.to_string())?,
            toml::Value::Integer(n) => Money::from_yuan(*n),
            other => {
                return Err(format!(
                    "a {} is not an amount: write yuan as a string like \"4053.60\"",
                    other.type_str()
                ));
            }
        };
        if m.is_negative() {
            return Err(format!("{m} is negative"));
        }
        Ok(m)
    };
    let as_rate = |raw: &toml::Value| -> Result<Rate, String> {
        match raw {
            toml::Value::String(s) => Rate::parse(s).map_err(|e| e.to_string()),
            other => Err(format!(
                "a {} is not a rate: write it as a string like \"60%\"",
                other.type_str()
            )),
        }
    };
    match unit {
        Unit::Rate => as_rate(raw).map(Value::Rate),
        Unit::RateList => match raw {
            toml::Value::Array(items) if !items.is_empty() => {
                let rates = items.iter().map(as_rate).collect::<Result<Vec<_>, _>>()?;
                if rates.windows(2).any(|w| w[0] >= w[1]) {
                    return Err("the rates of a list must be in increasing order".into());
                }
                Ok(Value::Rates(rates))
            }
            other => Err(format!(
                "a {} is not a non-empty list of rates",
                other.type_str()
            )),
        },
        Unit::Months | Unit::Days | Unit::Years | Unit::Hours | Unit::Count | Unit::Age => {
            match raw {
                toml::Value::Integer(n) if *n >= 0 => Ok(Value::Whole(*n)),
                other => Err(format!(
                    "{other:?} is not a whole number of {}",
                    unit.label_en()
                )),
            }
        }
        Unit::Flag => match raw {
            toml::Value::Boolean(b) => Ok(Value::Flag(*b)),
            other => Err(format!("a {} is not true or false", other.type_str())),
        },
        Unit::Yuan
        | Unit::YuanPerMonth
        | Unit::YuanPerDay
        | Unit::YuanPerYear
        | Unit::YuanPerOrder => as_money(raw).map(Value::Money),
    }
}
