//! A reform: dated overrides of policy parameters, and the experience
//! assumptions of the projection, each labelled. Written in TOML:
//!
//! ```toml
//! name = "Band 50%-350%; 益鹭保 0.6 yuan a day"
//! [[override]]
//! key = "benefit_wage.floor_share"
//! from = 2027-01-01
//! value = "50%"
//! note = "the floor of the band lowered"
//! [assumptions.wage_growth]
//! value = "5%"
//! label = "nominal wage growth, the last five years' average (assumed)"
//! ```
//!
//! Checked like the policy files: an override names a parameter the
//! baseline holds and the projection reads, its value parses in that
//! parameter's unit, it has a date and a note; an unknown assumption is
//! refused; nothing is half read.

use std::collections::BTreeMap;

use gongshang_rules::params::Unit;
use gongshang_rules::{Money, PolicySet, Rate};
use jiff::civil::Date;
use serde::Deserialize;

use crate::{SimError, ppm};

/// The provisions the projection reads, by parameter key.
pub const PROVISIONS: &[(&str, &str)] = &[
    ("national", "contribution.benchmark_rate.class_1"),
    ("national", "contribution.benchmark_rate.class_2"),
    ("national", "contribution.benchmark_rate.class_3"),
    ("national", "contribution.benchmark_rate.class_4"),
    ("national", "contribution.benchmark_rate.class_5"),
    ("national", "contribution.benchmark_rate.class_6"),
    ("national", "contribution.benchmark_rate.class_7"),
    ("national", "contribution.benchmark_rate.class_8"),
    ("national", "benefit_wage.floor_share"),
    ("national", "benefit_wage.ceiling_share"),
    ("national", "disability.one_time_subsidy_months.grade_1"),
    ("national", "disability.one_time_subsidy_months.grade_2"),
    ("national", "disability.one_time_subsidy_months.grade_3"),
    ("national", "disability.one_time_subsidy_months.grade_4"),
    ("national", "disability.one_time_subsidy_months.grade_5"),
    ("national", "disability.one_time_subsidy_months.grade_6"),
    ("national", "disability.one_time_subsidy_months.grade_7"),
    ("national", "disability.one_time_subsidy_months.grade_8"),
    ("national", "disability.one_time_subsidy_months.grade_9"),
    ("national", "disability.one_time_subsidy_months.grade_10"),
    ("national", "disability.allowance_rate.grade_1"),
    ("national", "disability.allowance_rate.grade_2"),
    ("national", "disability.allowance_rate.grade_3"),
    ("national", "disability.allowance_rate.grade_4"),
    ("national", "death.one_time_benefit_income_multiple"),
    ("national", "death.funeral_subsidy_months"),
    ("national", "death.survivor_rate.spouse"),
    ("national", "death.survivor_rate.other"),
    ("national", "death.survivor_rate.extra"),
    ("national", "living_care.rate.fully"),
    ("national", "living_care.rate.mostly"),
    ("national", "living_care.rate.partly"),
    ("national", "periodic_benefits.indexation_rate"),
    ("xiamen", "xiamen.yilubao.price_per_day"),
    ("xiamen", "xiamen.yilubao.subsidy_share"),
];

/// The values the projection uses, in fen and parts per million.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    pub rate_ppm: [i64; 8],
    /// The band of the wage base and of the benefit wage (Art 64), as shares
    /// of the regional average.
    pub floor_ppm: i64,
    pub ceiling_ppm: i64,
    pub one_time_months: [i64; 10],
    pub allowance_ppm: [i64; 4],
    pub death_multiple: i64,
    pub funeral_months: i64,
    /// The national urban per-capita disposable income of the year before.
    pub national_income_fen: i64,
    /// Survivors' pensions as shares of the deceased's benefit wage (Art
    /// 39(1)(2)): the spouse, each other dependant, the extra of an orphan
    /// or a lone elderly dependant.
    pub survivor_spouse_ppm: i64,
    pub survivor_other_ppm: i64,
    pub survivor_extra_ppm: i64,
    /// Living care by level (Art 34: fully, mostly, partly unable to look
    /// after oneself), as shares of the regional average monthly wage.
    pub living_care_ppm: [i64; 3],
    /// The yearly adjustment of the benefits in payment (Art 40).
    pub indexation_ppm: i64,
    pub yilubao_price_fen: i64,
    pub yilubao_subsidy_ppm: i64,
}

/// A value of an override, in the parameter's unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OverrideValue {
    Rate(Rate),
    Whole(i64),
    Money(Money),
}

impl OverrideValue {
    pub fn text(&self) -> String {
        match self {
            OverrideValue::Rate(r) => r.to_percent_string(),
            OverrideValue::Whole(n) => n.to_string(),
            OverrideValue::Money(m) => m.to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub jurisdiction: String,
    pub key: String,
    pub from: Date,
    pub value: OverrideValue,
    pub note: String,
}

impl Params {
    /// The baseline's values on `on` (the national income of the year before).
    pub fn baseline(policy: &PolicySet, on: Date) -> Result<Params, SimError> {
        let missing = |key: &str, e: gongshang_rules::RulesError| {
            SimError::new("baseline", format!("{key} on {on}: {e}"))
        };
        let rate = |key: &str| -> Result<i64, SimError> {
            policy
                .at("national", key, on)
                .map(|p| ppm(p.rate()))
                .map_err(|e| missing(key, e))
        };
        let whole = |key: &str| -> Result<i64, SimError> {
            policy
                .at("national", key, on)
                .map(|p| p.whole())
                .map_err(|e| missing(key, e))
        };
        let mut p = Params {
            rate_ppm: [0; 8],
            floor_ppm: rate("benefit_wage.floor_share")?,
            ceiling_ppm: rate("benefit_wage.ceiling_share")?,
            one_time_months: [0; 10],
            allowance_ppm: [0; 4],
            death_multiple: whole("death.one_time_benefit_income_multiple")?,
            funeral_months: whole("death.funeral_subsidy_months")?,
            national_income_fen: policy
                .for_year(
                    "national",
                    "statistics.urban_disposable_income_per_capita",
                    on.year() - 1,
                )
                .map(|p| p.money().fen())
                .map_err(|e| missing("statistics.urban_disposable_income_per_capita", e))?,
            survivor_spouse_ppm: rate("death.survivor_rate.spouse")?,
            survivor_other_ppm: rate("death.survivor_rate.other")?,
            survivor_extra_ppm: rate("death.survivor_rate.extra")?,
            living_care_ppm: [
                rate("living_care.rate.fully")?,
                rate("living_care.rate.mostly")?,
                rate("living_care.rate.partly")?,
            ],
            indexation_ppm: rate("periodic_benefits.indexation_rate")?,
            yilubao_price_fen: 0,
            yilubao_subsidy_ppm: 0,
        };
        for c in 0..8 {
            p.rate_ppm[c] = rate(&format!("contribution.benchmark_rate.class_{}", c + 1))?;
        }
        for g in 0..10 {
            p.one_time_months[g] = whole(&format!(
                "disability.one_time_subsidy_months.grade_{}",
                g + 1
            ))?;
        }
        for g in 0..4 {
            p.allowance_ppm[g] = rate(&format!("disability.allowance_rate.grade_{}", g + 1))?;
        }
        // 益鹭保 only where it is in force on the day; otherwise no day bills.
        if let (Ok(price), Ok(share)) = (
            policy.at("xiamen", "xiamen.yilubao.price_per_day", on),
            policy.at("xiamen", "xiamen.yilubao.subsidy_share", on),
        ) {
            p.yilubao_price_fen = price.money().fen();
            p.yilubao_subsidy_ppm = ppm(share.rate());
        }
        Ok(p)
    }

    /// These values with one override applied.
    pub fn apply(&mut self, o: &Override) {
        let r = |v: &OverrideValue| match v {
            OverrideValue::Rate(r) => ppm(*r),
            OverrideValue::Whole(n) => *n,
            OverrideValue::Money(m) => m.fen(),
        };
        let v = r(&o.value);
        let key = o.key.as_str();
        if let Some(c) = key.strip_prefix("contribution.benchmark_rate.class_") {
            if let Some(slot) = c
                .parse::<usize>()
                .ok()
                .and_then(|c| self.rate_ppm.get_mut(c - 1))
            {
                *slot = v;
            }
        } else if let Some(g) = key.strip_prefix("disability.one_time_subsidy_months.grade_") {
            if let Some(slot) = g
                .parse::<usize>()
                .ok()
                .and_then(|g| self.one_time_months.get_mut(g - 1))
            {
                *slot = v;
            }
        } else if let Some(g) = key.strip_prefix("disability.allowance_rate.grade_") {
            if let Some(slot) = g
                .parse::<usize>()
                .ok()
                .and_then(|g| self.allowance_ppm.get_mut(g - 1))
            {
                *slot = v;
            }
        } else {
            match key {
                "benefit_wage.floor_share" => self.floor_ppm = v,
                "benefit_wage.ceiling_share" => self.ceiling_ppm = v,
                "death.one_time_benefit_income_multiple" => self.death_multiple = v,
                "death.funeral_subsidy_months" => self.funeral_months = v,
                "death.survivor_rate.spouse" => self.survivor_spouse_ppm = v,
                "death.survivor_rate.other" => self.survivor_other_ppm = v,
                "death.survivor_rate.extra" => self.survivor_extra_ppm = v,
                "living_care.rate.fully" => self.living_care_ppm[0] = v,
                "living_care.rate.mostly" => self.living_care_ppm[1] = v,
                "living_care.rate.partly" => self.living_care_ppm[2] = v,
                "periodic_benefits.indexation_rate" => self.indexation_ppm = v,
                "xiamen.yilubao.price_per_day" => self.yilubao_price_fen = v,
                "xiamen.yilubao.subsidy_share" => self.yilubao_subsidy_ppm = v,
                _ => {}
            }
        }
    }
}

/// An experience assumption: a value and what it rests on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Assumption {
    pub key: String,
    pub value_ppm: i64,
    pub label: String,
}

/// The experience assumptions, each in parts per million (a rate) or a
/// whole number (`yilubao_days`, `initial_reserve_months`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumptions {
    pub items: BTreeMap<String, Assumption>,
}

/// The assumptions a file may set, with their defaults (rates as text) and
/// the labels the defaults carry.
pub const DEFAULT_ASSUMPTIONS: &[(&str, &str, &str)] = &[
    (
        "wage_growth",
        "5%",
        "nominal wage growth a year (default, assumed)",
    ),
    (
        "enrolment_growth",
        "2%",
        "growth of the insured a year (default, assumed)",
    ),
    (
        "retirement_age",
        "60",
        "age at which the insured leave (default, assumed)",
    ),
    (
        "incidence.class_1",
        "0.2%",
        "claims ending in a grade or death a year, class 1 (default, assumed)",
    ),
    ("incidence.class_2", "0.3%", "class 2 (default, assumed)"),
    ("incidence.class_3", "0.4%", "class 3 (default, assumed)"),
    ("incidence.class_4", "0.6%", "class 4 (default, assumed)"),
    ("incidence.class_5", "0.8%", "class 5 (default, assumed)"),
    ("incidence.class_6", "1%", "class 6 (default, assumed)"),
    ("incidence.class_7", "1.4%", "class 7 (default, assumed)"),
    ("incidence.class_8", "2%", "class 8 (default, assumed)"),
    (
        "outcome.grade_1",
        "0.5%",
        "share of claims ending in grade 1 (default, assumed)",
    ),
    ("outcome.grade_2", "1%", "grade 2 (default, assumed)"),
    ("outcome.grade_3", "1.5%", "grade 3 (default, assumed)"),
    ("outcome.grade_4", "2%", "grade 4 (default, assumed)"),
    ("outcome.grade_5", "3%", "grade 5 (default, assumed)"),
    ("outcome.grade_6", "5%", "grade 6 (default, assumed)"),
    ("outcome.grade_7", "10%", "grade 7 (default, assumed)"),
    ("outcome.grade_8", "15%", "grade 8 (default, assumed)"),
    ("outcome.grade_9", "25%", "grade 9 (default, assumed)"),
    ("outcome.grade_10", "35%", "grade 10 (default, assumed)"),
    (
        "outcome.death",
        "2%",
        "share of claims ending in death (default, assumed)",
    ),
    (
        "allowance_exit",
        "5%",
        "allowances and living care of new claims that end a year (default, assumed)",
    ),
    (
        "survivors.spouse_share",
        "60%",
        "share of deaths that leave a dependent spouse (default, assumed)",
    ),
    (
        "survivors.others_per_death",
        "80%",
        "other dependants (children, parents) per death, on average: 80% = 0.8 (default, assumed)",
    ),
    (
        "survivors.extra_per_death",
        "10%",
        "orphans and lone elderly dependants (the extra 10%) per death, on average (default, assumed)",
    ),
    (
        "survivors_exit",
        "6%",
        "survivors' pensions of new deaths that end a year: children reaching 18, deaths, remarriage (default, assumed)",
    ),
    (
        "living_care.grade_1.fully",
        "50%",
        "share of grade 1 claims completely unable to look after themselves (Art 34; default, assumed)",
    ),
    (
        "living_care.grade_1.mostly",
        "30%",
        "grade 1, mostly unable (default, assumed)",
    ),
    (
        "living_care.grade_1.partly",
        "20%",
        "grade 1, partly unable (default, assumed)",
    ),
    (
        "living_care.grade_2.fully",
        "20%",
        "grade 2, completely unable (default, assumed)",
    ),
    (
        "living_care.grade_2.mostly",
        "40%",
        "grade 2, mostly unable (default, assumed)",
    ),
    (
        "living_care.grade_2.partly",
        "30%",
        "grade 2, partly unable (default, assumed)",
    ),
    (
        "living_care.grade_3.fully",
        "5%",
        "grade 3, completely unable (default, assumed)",
    ),
    (
        "living_care.grade_3.mostly",
        "25%",
        "grade 3, mostly unable (default, assumed)",
    ),
    (
        "living_care.grade_3.partly",
        "40%",
        "grade 3, partly unable (default, assumed)",
    ),
    (
        "living_care.grade_4.fully",
        "0%",
        "grade 4, completely unable (default, assumed)",
    ),
    (
        "living_care.grade_4.mostly",
        "10%",
        "grade 4, mostly unable (default, assumed)",
    ),
    (
        "living_care.grade_4.partly",
        "30%",
        "grade 4, partly unable (default, assumed)",
    ),
    (
        "in_payment.retired_share",
        "25%",
        "after the retirement age the fund pays only the difference between the allowance and the basic pension (Art 35(3)), as this share of the allowance (default, assumed)",
    ),
    (
        "in_payment.survivor_age",
        "50",
        "age of a survivor in payment whose birth date is not recorded, projected on the female table (default, assumed)",
    ),
    (
        "claim_noise",
        "10%",
        "year-to-year spread of incidence common to all cells (default, assumed)",
    ),
    (
        "yilubao_days",
        "200",
        "days of 益鹭保 a person buys a year (default, assumed)",
    ),
    (
        "initial_reserve_months",
        "12",
        "the fund at the start, in months of the first year's expenditure (default, assumed)",
    ),
];

/// Whole-number assumptions (the rest are rates).
const WHOLE: &[&str] = &[
    "retirement_age",
    "yilubao_days",
    "initial_reserve_months",
    "in_payment.survivor_age",
];

fn parse_assumption(key: &str, text: &str) -> Result<i64, SimError> {
    if WHOLE.contains(&key) {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| {
                SimError::new(
                    "assumption",
                    format!("{key} = {text:?}: a whole number 0 or more"),
                )
            })
    } else {
        Rate::parse(text)
            .map(ppm)
            .map_err(|e| SimError::new("assumption", format!("{key} = {text:?}: {e}")))
    }
}

impl Default for Assumptions {
    fn default() -> Self {
        let mut items = BTreeMap::new();
        for (key, value, label) in DEFAULT_ASSUMPTIONS {
            items.insert(
                (*key).to_owned(),
                Assumption {
                    key: (*key).to_owned(),
                    value_ppm: parse_assumption(key, value).unwrap_or(0),
                    label: (*label).to_owned(),
                },
            );
        }
        Assumptions { items }
    }
}

impl Assumptions {
    /// The value of an assumption (parts per million, or the whole number).
    pub fn get(&self, key: &str) -> i64 {
        self.items.get(key).map_or(0, |a| a.value_ppm)
    }
}

/// A reform: its overrides (sorted by date) and the assumptions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reform {
    pub name: String,
    pub overrides: Vec<Override>,
    pub assumptions: Assumptions,
    /// Claim incidence by scheme × class × outcome estimated from the
    /// stored cases (none: every class follows `assumptions`).
    pub incidence: Option<crate::experience::IncidenceByGrade>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReformFile {
    name: String,
    #[serde(default, rename = "override")]
    overrides: Vec<OverrideFile>,
    #[serde(default)]
    assumptions: BTreeMap<String, AssumptionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideFile {
    key: String,
    jurisdiction: Option<String>,
    from: toml::value::Datetime,
    value: toml::Value,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssumptionFile {
    value: toml::Value,
    label: String,
}

fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => String::from("(a table, an array or a decimal number: write the value as text)"),
    }
}

impl Reform {
    /// No overrides and the default assumptions: the baseline against itself.
    pub fn none() -> Reform {
        Reform {
            name: "baseline".into(),
            overrides: Vec::new(),
            assumptions: Assumptions::default(),
            incidence: None,
        }
    }

    /// The baseline policies with this reform's overrides in force from
    /// their dates ([`PolicySet::with_overrides`]), for a calculation that
    /// reads the parameters themselves (the batch calculator's
    /// `--reform`). Each value cites the reform: its name, the override's
    /// note, status illustrative, so a trace shows it is not the law.
    pub fn policies(&self, baseline: &PolicySet) -> Result<PolicySet, SimError> {
        use gongshang_rules::params::{
            Citation, Confidence, DatedOverride, ParamId, Status, Value,
        };
        let overrides: Vec<DatedOverride> = self
            .overrides
            .iter()
            .map(|o| DatedOverride {
                id: ParamId {
                    jurisdiction: o.jurisdiction.clone(),
                    region: None,
                    key: o.key.clone(),
                },
                from: o.from,
                value: match &o.value {
                    OverrideValue::Rate(r) => Value::Rate(*r),
                    OverrideValue::Whole(n) => Value::Whole(*n),
                    OverrideValue::Money(m) => Value::Money(*m),
                },
                citation: Citation {
                    instrument: format!("reform: {}", self.name),
                    article: String::new(),
                    source: "reform".into(),
                    confidence: Confidence::Inferred,
                    status: Status::Illustrative,
                    note: Some(o.note.clone()),
                },
            })
            .collect();
        baseline
            .with_overrides(&overrides)
            .map_err(|e| SimError::new("override", e.to_string()))
    }

    /// Reads and checks a reform file against the baseline policies.
    pub fn parse(text: &str, policy: &PolicySet) -> Result<Reform, SimError> {
        let file: ReformFile =
            toml::from_str(text).map_err(|e| SimError::new("reform", e.to_string()))?;
        let mut overrides = Vec::new();
        for (n, o) in file.overrides.iter().enumerate() {
            let at = |reason: String| {
                SimError::new(
                    "override",
                    format!("override {} ({}): {reason}", n + 1, o.key),
                )
            };
            let Some((jurisdiction, _)) = PROVISIONS
                .iter()
                .find(|(j, k)| *k == o.key && o.jurisdiction.as_deref().is_none_or(|oj| oj == *j))
            else {
                return Err(at(format!(
                    "the projection reads no such parameter; allowed: {}",
                    PROVISIONS
                        .iter()
                        .map(|(_, k)| *k)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            let param = policy
                .parameter(jurisdiction, None, &o.key)
                .ok_or_else(|| {
                    at(format!(
                        "the baseline policies of {jurisdiction} hold no such parameter"
                    ))
                })?;
            let from: Date = o
                .from
                .to_string()
                .parse()
                .map_err(|e| at(format!("from {}: {e} (a date like 2027-01-01)", o.from)))?;
            if o.note.trim().is_empty() {
                return Err(at(
                    "a note saying what the override does and why is required".into(),
                ));
            }
            let text = value_text(&o.value);
            let value = match param.unit {
                Unit::Rate => OverrideValue::Rate(
                    Rate::parse(&text).map_err(|e| at(format!("value {text:?}: {e}")))?,
                ),
                Unit::Months | Unit::Count | Unit::Days | Unit::Years | Unit::Age => {
                    OverrideValue::Whole(
                        text.trim()
                            .parse::<i64>()
                            .ok()
                            .filter(|n| *n >= 0)
                            .ok_or_else(|| {
                                at(format!(
                                    "value {text:?}: a whole number 0 or more ({:?})",
                                    param.unit
                                ))
                            })?,
                    )
                }
                Unit::Yuan
                | Unit::YuanPerMonth
                | Unit::YuanPerDay
                | Unit::YuanPerYear
                | Unit::YuanPerOrder => {
                    let m =
                        Money::parse_yuan(&text).map_err(|e| at(format!("value {text:?}: {e}")))?;
                    if m.is_negative() {
                        return Err(at(format!("value {text:?}: 0.00 yuan or more")));
                    }
                    OverrideValue::Money(m)
                }
                other => return Err(at(format!("unit {other:?} cannot be overridden"))),
            };
            overrides.push(Override {
                jurisdiction: (*jurisdiction).to_owned(),
                key: o.key.clone(),
                from,
                value,
                note: o.note.clone(),
            });
        }
        overrides.sort_by(|a, b| (a.from, &a.key).cmp(&(b.from, &b.key)));
        let mut assumptions = Assumptions::default();
        for (key, a) in &file.assumptions {
            let Some(slot) = assumptions.items.get_mut(key) else {
                return Err(SimError::new(
                    "assumption",
                    format!(
                        "{key}: no such assumption; allowed: {}",
                        DEFAULT_ASSUMPTIONS
                            .iter()
                            .map(|(k, _, _)| *k)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            };
            if a.label.trim().is_empty() {
                return Err(SimError::new(
                    "assumption",
                    format!("{key}: a label saying what it rests on is required"),
                ));
            }
            slot.value_ppm = parse_assumption(key, &value_text(&a.value))?;
            slot.label = a.label.clone();
        }
        let outcomes: i64 = (1..=10)
            .map(|g| assumptions.get(&format!("outcome.grade_{g}")))
            .sum::<i64>()
            + assumptions.get("outcome.death");
        if outcomes > 1_000_000 {
            return Err(SimError::new(
                "assumption",
                format!(
                    "the outcome shares add up to {}: at most 100%",
                    crate::percent_text(outcomes)
                ),
            ));
        }
        for g in 1..=4 {
            let care: i64 = ["fully", "mostly", "partly"]
                .iter()
                .map(|level| assumptions.get(&format!("living_care.grade_{g}.{level}")))
                .sum();
            if care > 1_000_000 {
                return Err(SimError::new(
                    "assumption",
                    format!(
                        "the living-care shares of grade {g} add up to {}: at most 100%",
                        crate::percent_text(care)
                    ),
                ));
            }
        }
        if assumptions.get("in_payment.survivor_age") > 120 {
            return Err(SimError::new(
                "assumption",
                format!(
                    "in_payment.survivor_age = {}: allowed 0 to 120",
                    assumptions.get("in_payment.survivor_age")
                ),
            ));
        }
        Ok(Reform {
            name: file.name,
            overrides,
            assumptions,
            incidence: None,
        })
    }
}
