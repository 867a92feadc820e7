//! The fund's projection as a use case (issue 14): a reform projected over
//! a synthetic population made for the request, or over the insured as
//! stored on a day (`gongshang simulate --db`, the analyst's page, the API).
//!
//! A stored enrolment becomes one record of weight 1: the scheme's billing,
//! the unit's pooling region and industry class, the person's age on the
//! day and the wage of the latest declaration. What a projection cannot
//! read from a record is not guessed: the record is left out and counted
//! under its reason, and the counts travel with the result.
//!
//! The periodic benefits the fund pays in the day's month (disability
//! allowance, living care, survivors' pensions) come along as the benefits
//! in payment at the start: the amount in force, the case's region and
//! scheme, the beneficiary's age on the day and sex from the resident id (a
//! survivor's as recorded; a child's pension with a known last month tells
//! the age; otherwise the age is left to the assumption
//! `in_payment.survivor_age`, and counted), a dependant under 18 without an
//! exception stopping at 18. A suspended benefit is left out and counted.

use std::collections::{BTreeMap, HashMap};

use gongshang_rules::Money;
use gongshang_rules::scheme::Billing;
use gongshang_sim::population::{RegionInfo, SchemeInfo};
use gongshang_sim::{Population, SchemeBilling};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::export::{Cell, Table};
use crate::services::App;

/// Whom the projection is run over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PopulationSource {
    /// `people` synthetic records of weight 1, made from the seed.
    Synthetic { people: u64 },
    /// The enrolments running on `on`, as stored. `unitless_class` is the
    /// industry class to count enrolments without a unit in (none: they are
    /// left out, with their count).
    Stored {
        on: Date,
        unitless_class: Option<u8>,
    },
}

/// What an analyst asks the projection for. The API answers at once, so a
/// synthetic population is bounded (`people` at most 1,000,000).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimulationRequest {
    /// The reform as TOML (none: the baseline against itself).
    pub reform: Option<String>,
    pub population: PopulationSource,
    pub seed: u64,
    pub start_year: i16,
    pub years: u16,
    pub replicates: u16,
}

/// The stages of a projection, in order, as a job reports them.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Making or reading the population.
    Population,
    /// Projecting baseline, reform, each override alone and the replicates.
    Projection,
    /// Writing the result.
    Storing,
}

impl Stage {
    /// Every stage, in order: a job's `total` is their count.
    pub const ALL: [Stage; 3] = [Stage::Population, Stage::Projection, Stage::Storing];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Population => "population",
            Stage::Projection => "projection",
            Stage::Storing => "storing",
        }
    }

    /// The job's progress when this stage begins, in hundredths of
    /// [`JOB_PROGRESS_TOTAL`]: the population is 5 of the hundred, the
    /// projection 90 (advancing per slice of the records, year and
    /// replicate: [`projection_percent`]), storing the last 5.
    pub fn percent_before(self) -> i64 {
        match self {
            Stage::Population => 0,
            Stage::Projection => 5,
            Stage::Storing => 95,
        }
    }
}

/// A job's `total`: its progress is in hundredths.
pub const JOB_PROGRESS_TOTAL: i64 = 100;

/// The job's progress (of [`JOB_PROGRESS_TOTAL`]) once the projection has
/// done `p.done` of its `p.total` steps: 5 + 90 × done / total, rounded
/// down, so it never goes back and reaches 95 when the projection ends.
pub fn projection_percent(p: &gongshang_sim::ProjectProgress) -> i64 {
    let done = i64::try_from(p.done).unwrap_or(i64::MAX);
    let total = i64::try_from(p.total).unwrap_or(1).max(1);
    Stage::Projection.percent_before() + 90 * done.min(total) / total
}

/// What a run reports as it goes: the stage and the progress in
/// hundredths (of [`JOB_PROGRESS_TOTAL`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct JobProgress {
    pub stage: Stage,
    pub percent: i64,
}

/// The years of accidents the claim experience of a stored projection
/// reads, before the day counted.
pub const EXPERIENCE_YEARS: i16 = 3;

/// The most people the API projects in a request.
pub const SIMULATION_MAX_PEOPLE: u64 = 1_000_000;

/// Why a stored enrolment is not in the projection.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOut {
    /// A per-order scheme (the platform pilot): its cover is by the order,
    /// which the projection does not model.
    PerOrder,
    /// A monthly-wage enrolment with no declaration up to the day.
    NoDeclaredWage,
    /// No unit, so no industry class, and none was given.
    NoIndustryClass,
    /// No pooling region (no unit, and the scheme's areas name not exactly
    /// one region of the policies).
    NoRegion,
    /// The region has no average wage on the day in the policies.
    NoRegionalWage,
    /// The scheme is not in the policies.
    UnknownScheme,
    /// A benefit in payment that is suspended (not paid until resumed).
    Suspended,
    /// A survivor's pension paused for a sentence (Order No. 18 Art 5): not
    /// owed until the month after the release, a day not known ahead.
    Paused,
}

impl LeftOut {
    pub fn text(self, lang: crate::Lang) -> &'static str {
        let zh = lang == crate::Lang::Zh;
        match self {
            LeftOut::PerOrder => {
                if zh {
                    "按单缴费的参保（平台职业伤害保障），测算不含"
                } else {
                    "per-order cover (the platform pilot), not projected"
                }
            }
            LeftOut::NoDeclaredWage => {
                if zh {
                    "按月缴费但截至当日未申报工资"
                } else {
                    "a monthly-wage enrolment with no declared wage up to the day"
                }
            }
            LeftOut::NoIndustryClass => {
                if zh {
                    "无参保单位，因而无行业类别（可指定无单位者的行业类别）"
                } else {
                    "no unit and so no industry class (give one for enrolments without a unit)"
                }
            }
            LeftOut::NoRegion => {
                if zh {
                    "无法确定统筹地区"
                } else {
                    "no pooling region"
                }
            }
            LeftOut::NoRegionalWage => {
                if zh {
                    "统筹地区当日无社平工资参数"
                } else {
                    "the region has no average wage on the day"
                }
            }
            LeftOut::UnknownScheme => {
                if zh {
                    "方案不在政策文件中"
                } else {
                    "the scheme is not in the policies"
                }
            }
            LeftOut::Suspended => {
                if zh {
                    "定期待遇暂停发放中"
                } else {
                    "a periodic benefit suspended"
                }
            }
            LeftOut::Paused => {
                if zh {
                    "供养亲属服刑期间停发抚恤金（劳社部令第18号第五条）"
                } else {
                    "a survivor's pension paused for a sentence (Order No. 18 Art 5)"
                }
            }
        }
    }
}

/// Where the projected records came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationSummary {
    /// `synthetic` or `stored`.
    pub source: String,
    /// The day the stored insured were counted on.
    pub on: Option<Date>,
    pub records: u64,
    /// Stored enrolments left out, by reason.
    pub left_out: BTreeMap<LeftOut, u64>,
    /// The periodic benefits in payment on the day the projection counts.
    pub benefits_in_payment: u64,
    /// Of them, survivors' pensions whose beneficiary's age is not recorded
    /// (projected at the assumed `in_payment.survivor_age`).
    pub survivors_at_assumed_age: u64,
    /// Stored periodic benefits left out, by reason.
    pub benefits_left_out: BTreeMap<LeftOut, u64>,
}

/// A projection and the population it ran over: what a simulation job
/// stores as JSON and reads back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Simulation {
    pub projection: gongshang_sim::Projection,
    pub population: PopulationSummary,
    /// Over the insured as stored: the claims incurred but not reported by
    /// the day, per scheme (`gongshang_sim::ibnr`); empty otherwise.
    #[serde(default)]
    pub ibnr: Vec<gongshang_sim::ibnr::IbnrEstimate>,
}

/// A scheme as the projection reads it: its billing, its index in the
/// population once a record of it is kept, and the region of an enrolment
/// without a unit (the one region the scheme applies in, if exactly one).
struct ProjectedScheme {
    info: SchemeInfo,
    index: Option<u8>,
    sole_region: Option<String>,
}

fn sim_error(e: gongshang_sim::SimError) -> AppError {
    AppError::Invalid {
        field: e.field,
        reason: e.reason,
    }
}

/// Whole years from `birth` to `on`.
fn age_on(birth: Date, on: Date) -> i64 {
    let mut years = i64::from(on.year()) - i64::from(birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

impl App {
    /// The insured as stored on `on`, as a projection's population
    /// (analysts and agency staff).
    pub fn stored_population(
        &self,
        actor: &Actor,
        on: Date,
        unitless_class: Option<u8>,
    ) -> Result<(Population, PopulationSummary), AppError> {
        actor.authorize(Action::RunSimulation)?;
        self.population_on(on, unitless_class)
    }

    /// The pooling region a record is projected in: a district's unit is in
    /// its city's pooling region (统筹地区), the first of the region itself,
    /// its city and its province that has an average wage on `on`; none when
    /// none has.
    fn projected_region(&self, region: &str, on: Date) -> Option<RegionInfo> {
        [
            region.to_owned(),
            format!("{}00", region.get(..4).unwrap_or("")),
            format!("{}0000", region.get(..2).unwrap_or("")),
        ]
        .into_iter()
        .find_map(|code| {
            let avg = self
                .policy
                .regional(&code, "regional.avg_monthly_wage", on)
                .ok()?;
            let jurisdiction = self
                .policy
                .region(&code)
                .map(|r| r.jurisdiction.clone())
                .unwrap_or_default();
            Some(RegionInfo {
                code,
                jurisdiction,
                avg_wage: avg.money(),
            })
        })
    }

    /// A scheme as the projection reads it, or the reason its enrolments
    /// are left out.
    fn projected_scheme(
        &self,
        scheme_id: &gongshang_rules::SchemeId,
        on: Date,
    ) -> Result<ProjectedScheme, LeftOut> {
        let scheme = self
            .policy
            .scheme(scheme_id)
            .map_err(|_| LeftOut::UnknownScheme)?;
        let billing = match scheme.billing {
            Billing::MonthlyWage { .. } => SchemeBilling::MonthlyWage,
            Billing::PerDay { .. } => SchemeBilling::PerDay,
            Billing::PerOrder { .. } => return Err(LeftOut::PerOrder),
        };
        let mut applies = self
            .policy
            .regions()
            .filter(|r| scheme.applies_in(&self.policy, &r.code, on));
        let sole_region = match (applies.next(), applies.next()) {
            (Some(r), None) => Some(r.code.clone()),
            _ => None,
        };
        Ok(ProjectedScheme {
            info: SchemeInfo {
                id: scheme_id.to_string(),
                billing,
            },
            index: None,
            sole_region,
        })
    }

    /// [`App::stored_population`] once authorized. Schemes and regions are
    /// resolved once each, not once per record.
    /// The claim experience of the three years before `on` (accident days
    /// `[on - 3 years, on)`), as the stored enrolments and cases show it,
    /// with the claims incurred but not reported by `on` added
    /// (`Observed::add_ibnr`) (issue 14; `gongshang_sim::experience`).
    pub fn claim_experience(
        &self,
        actor: &Actor,
        on: Date,
    ) -> Result<gongshang_sim::experience::Observed, AppError> {
        actor.authorize(Action::RunSimulation)?;
        self.observed_experience(on)
    }

    /// A reform's assumptions blended with the claim experience of the
    /// three years before `on` (for a projection over the insured stored on
    /// `on`): what the reform file sets itself stays.
    pub fn stored_experience(
        &self,
        actor: &Actor,
        on: Date,
        reform: &mut gongshang_sim::Reform,
    ) -> Result<(), AppError> {
        actor.authorize(Action::RunSimulation)?;
        self.blend_experience(on, reform)
    }

    fn blend_experience(
        &self,
        on: Date,
        reform: &mut gongshang_sim::Reform,
    ) -> Result<(), AppError> {
        let observed = self.observed_experience(on)?;
        let defaults = gongshang_sim::Assumptions::default();
        let file = reform.assumptions.clone();
        let file_set = |key: &str| file.items.get(key) != defaults.items.get(key);
        reform.assumptions = observed.blend(&file, &file_set);
        reform.incidence = Some(observed.by_grade(&reform.assumptions, &file_set));
        Ok(())
    }

    /// The claims incurred but not reported by `on`, per scheme: the
    /// chain ladder over the cases of the accident quarters of the three
    /// years before `on`'s quarter and the day each was filed (in Beijing
    /// time) (issue 14; `gongshang_sim::ibnr`). Analysts and agency staff,
    /// as for a projection (`Action::RunSimulation`): the estimate is an
    /// aggregate of the stored cases, as the claim experience is.
    pub fn claims_ibnr(
        &self,
        actor: &Actor,
        on: Date,
    ) -> Result<Vec<gongshang_sim::ibnr::IbnrEstimate>, AppError> {
        actor.authorize(Action::RunSimulation)?;
        self.ibnr_on(on)
    }

    pub(crate) fn ibnr_on(
        &self,
        on: Date,
    ) -> Result<Vec<gongshang_sim::ibnr::IbnrEstimate>, AppError> {
        use gongshang_sim::ibnr::{Reported, TRIANGLE_QUARTERS, chain_ladder};
        // The first day of the quarter TRIANGLE_QUARTERS quarters before
        // `on`'s.
        let quarter_start = jiff::civil::date(on.year(), (on.month() - 1) / 3 * 3 + 1, 1);
        let months = i64::try_from(TRIANGLE_QUARTERS).unwrap_or(12) * 3;
        let from = quarter_start
            .checked_sub(jiff::Span::new().months(months))
            .map_err(|e| AppError::invalid("on", e.to_string()))?;
        let rows = self
            .store
            .reported_cases(&from.to_string(), &quarter_start.to_string())?;
        let reported: Vec<Reported> = rows
            .into_iter()
            .map(|r| Reported {
                scheme: r.scheme_id.to_string(),
                accident: r.accident_date,
                filed: gongshang_domain::coverage::date_in_china(r.opened_at),
            })
            .collect();
        Ok(chain_ladder(&reported, on, TRIANGLE_QUARTERS))
    }

    fn observed_experience(
        &self,
        on: Date,
    ) -> Result<gongshang_sim::experience::Observed, AppError> {
        use gongshang_sim::experience::{Claim, Enrolled, Observed, Outcome};
        let from = on
            .checked_sub(jiff::Span::new().years(EXPERIENCE_YEARS))
            .map_err(|e| AppError::invalid("on", e.to_string()))?;
        let read = self
            .store
            .claim_experience(&from.to_string(), &on.to_string())?;
        let class = |c: i64| u8::try_from(c).unwrap_or(0);
        let mut enrolled = Vec::with_capacity(read.enrolled.len());
        for e in &read.enrolled {
            enrolled.push(Enrolled {
                scheme: e.scheme_id.to_string(),
                class: class(e.industry_class),
                start: e.start,
                end: e.end,
                count: u64::try_from(e.count).unwrap_or(0),
            });
        }
        let claims: Vec<Claim> = read
            .claims
            .iter()
            .filter_map(|c| {
                let outcome = if c.death {
                    Outcome::Death
                } else {
                    Outcome::Grade(u8::try_from(c.grade?).ok()?)
                };
                Some(Claim {
                    scheme: c.scheme_id.to_string(),
                    class: class(c.industry_class),
                    outcome,
                })
            })
            .collect();
        let mut observed = Observed::count(from, on, &enrolled, &claims);
        // The claims incurred but not reported by `on` (the chain ladder
        // the fund statement values): the recent months' cases not filed yet.
        observed.add_ibnr(&self.ibnr_on(on)?);
        Ok(observed)
    }

    fn population_on(
        &self,
        on: Date,
        unitless_class: Option<u8>,
    ) -> Result<(Population, PopulationSummary), AppError> {
        if let Some(c) = unitless_class
            && !(1..=8).contains(&c)
        {
            return Err(AppError::invalid(
                "unitless_class",
                format!("{c}: allowed 1 to 8"),
            ));
        }
        let rows = self.store.insured_on(&on.to_string())?;
        let mut pop = Population::with_capacity(rows.len());
        let mut left_out: BTreeMap<LeftOut, u64> = BTreeMap::new();
        // Resolved once per scheme and per region; indexed in the population
        // when the first record of it is kept.
        let mut schemes: HashMap<gongshang_rules::SchemeId, Result<ProjectedScheme, LeftOut>> =
            HashMap::new();
        let mut regions: HashMap<String, Option<(RegionInfo, Option<u8>)>> = HashMap::new();
        'rows: for row in rows {
            let scheme = schemes
                .entry(row.scheme_id.clone())
                .or_insert_with(|| self.projected_scheme(&row.scheme_id, on));
            let why = 'read: {
                let scheme = match scheme {
                    Ok(s) => s,
                    Err(why) => break 'read *why,
                };
                let Some(region) = row.region.as_ref().or(scheme.sole_region.as_ref()) else {
                    break 'read LeftOut::NoRegion;
                };
                let region = regions
                    .entry(region.clone())
                    .or_insert_with(|| self.projected_region(region, on).map(|info| (info, None)));
                let Some((region_info, region_index)) = region else {
                    break 'read LeftOut::NoRegionalWage;
                };
                let class = match (row.industry_class, unitless_class) {
                    (Some(c), _) => u8::try_from(c).unwrap_or(0),
                    (None, Some(c)) => c,
                    (None, None) => break 'read LeftOut::NoIndustryClass,
                };
                // A per-day scheme's premium does not read the wage; its
                // benefit wage is held at the band's floor (project.rs).
                let wage = match (scheme.info.billing, row.declared_wage) {
                    (_, Some(w)) => w,
                    (SchemeBilling::PerDay, None) => Money::ZERO,
                    (SchemeBilling::MonthlyWage, None) => break 'read LeftOut::NoDeclaredWage,
                };
                let birth: Date = row.birth_date.parse().map_err(|e| {
                    AppError::invalid("birth_date", format!("{}: {e}", row.birth_date))
                })?;
                let age = u8::try_from(age_on(birth, on).clamp(0, 255)).unwrap_or(0);
                let r = match region_index {
                    Some(i) => *i,
                    None => *region_index
                        .insert(pop.region_index(region_info.clone()).map_err(sim_error)?),
                };
                let s = match scheme.index {
                    Some(i) => i,
                    None => *scheme
                        .index
                        .insert(pop.scheme_index(scheme.info.clone()).map_err(sim_error)?),
                };
                pop.push(r, s, class, age, wage, 1).map_err(sim_error)?;
                continue 'rows;
            };
            *left_out.entry(why).or_insert(0) += 1;
        }
        let (benefits_in_payment, survivors_at_assumed_age, benefits_left_out) =
            self.add_benefits_in_payment(&mut pop, on, &mut schemes, &mut regions)?;
        let summary = PopulationSummary {
            source: "stored".to_owned(),
            on: Some(on),
            records: u64::try_from(pop.len()).unwrap_or(u64::MAX),
            left_out,
            benefits_in_payment,
            survivors_at_assumed_age,
            benefits_left_out,
        };
        Ok((pop, summary))
    }

    /// The periodic benefits the fund pays in `on`'s month, added to `pop`
    /// as benefits in payment (see the module's comment); the regions and
    /// schemes already resolved are reused. Returns how many were added, how
    /// many of them at the assumed age, and those left out by reason.
    #[allow(clippy::type_complexity)]
    fn add_benefits_in_payment(
        &self,
        pop: &mut Population,
        on: Date,
        schemes: &mut HashMap<gongshang_rules::SchemeId, Result<ProjectedScheme, LeftOut>>,
        regions: &mut HashMap<String, Option<(RegionInfo, Option<u8>)>>,
    ) -> Result<(u64, u64, BTreeMap<LeftOut, u64>), AppError> {
        use gongshang_domain::ids::ResidentId;
        use gongshang_rules::Item;
        use gongshang_rules::retirement::Sex;
        use gongshang_sim::population::{InPayment, PaidItem};
        let month = gongshang_domain::month::Month::of(on);
        let rows = self.store.benefits_in_payment(&month.to_string())?;
        let mut left_out: BTreeMap<LeftOut, u64> = BTreeMap::new();
        let (mut added, mut assumed_age) = (0u64, 0u64);
        'rows: for row in rows {
            let scheme = schemes
                .entry(row.scheme_id.clone())
                .or_insert_with(|| self.projected_scheme(&row.scheme_id, on));
            let why = 'read: {
                if row.suspended {
                    break 'read LeftOut::Suspended;
                }
                if row.paused {
                    break 'read LeftOut::Paused;
                }
                let scheme = match scheme {
                    Ok(s) => s,
                    Err(why) => break 'read *why,
                };
                let Some(region) = row.region.as_ref().or(scheme.sole_region.as_ref()) else {
                    break 'read LeftOut::NoRegion;
                };
                let region = regions
                    .entry(region.clone())
                    .or_insert_with(|| self.projected_region(region, on).map(|info| (info, None)));
                let Some((region_info, region_index)) = region else {
                    break 'read LeftOut::NoRegionalWage;
                };
                let item = match row.item {
                    Item::MonthlyDisabilityAllowance => PaidItem::Allowance,
                    Item::MonthlyLivingCare => PaidItem::LivingCare,
                    _ => PaidItem::Survivor,
                };
                let person = row
                    .resident_id
                    .as_deref()
                    .and_then(|r| ResidentId::parse(r).ok());
                let dependant = row.beneficiary.starts_with("dependant-");
                // A dependant's last month known (the month before the 18th
                // birthday) tells the age when no resident id is recorded.
                let birth = person.as_ref().map(ResidentId::birth_date).or_else(|| {
                    let last: gongshang_domain::month::Month =
                        row.end_month.as_deref()?.parse().ok()?;
                    if !dependant {
                        return None;
                    }
                    last.first_day()
                        .checked_add(jiff::Span::new().months(1))
                        .ok()?
                        .checked_sub(jiff::Span::new().years(18))
                        .ok()
                });
                let age = birth.map(|b| u8::try_from(age_on(b, on).clamp(0, 120)).unwrap_or(0));
                if age.is_none() {
                    assumed_age += 1;
                }
                let stops_at_age = (item == PaidItem::Survivor
                    && dependant
                    && row.age_exception.is_none()
                    && age.is_some_and(|a| a < 18))
                .then_some(18);
                let r = match region_index {
                    Some(i) => *i,
                    None => *region_index
                        .insert(pop.region_index(region_info.clone()).map_err(sim_error)?),
                };
                let s = match scheme.index {
                    Some(i) => i,
                    None => *scheme
                        .index
                        .insert(pop.scheme_index(scheme.info.clone()).map_err(sim_error)?),
                };
                pop.push_in_payment(InPayment {
                    region: r,
                    scheme: s,
                    item,
                    age,
                    female: person.as_ref().is_none_or(|p| p.sex() == Sex::Female),
                    monthly: row.monthly,
                    stops_at_age,
                    weight: 1,
                })
                .map_err(sim_error)?;
                added += 1;
                continue 'rows;
            };
            *left_out.entry(why).or_insert(0) += 1;
        }
        Ok((added, assumed_age, left_out))
    }

    /// Projects the fund under the baseline and the reform, side by side
    /// (analysts and agency staff).
    pub fn simulate(&self, actor: &Actor, req: &SimulationRequest) -> Result<Simulation, AppError> {
        actor.authorize(Action::RunSimulation)?;
        self.project_request(req, SIMULATION_MAX_PEOPLE, &mut |_| Ok(()))
    }

    /// The bounds of a request: years, replicates, the first year, and a
    /// synthetic population of at most `max_people` (the synchronous
    /// endpoint's or a job's) or a class from 1 to 8.
    pub(crate) fn check_request(req: &SimulationRequest, max_people: u64) -> Result<(), AppError> {
        if !(1..=30).contains(&req.years) {
            return Err(AppError::invalid(
                "years",
                format!("{}: allowed 1 to 30", req.years),
            ));
        }
        if req.replicates > 200 {
            return Err(AppError::invalid(
                "replicates",
                format!("{}: allowed 0 to 200", req.replicates),
            ));
        }
        if !(2000..=2100).contains(&req.start_year) {
            return Err(AppError::invalid(
                "start_year",
                format!("{}: allowed 2000 to 2100", req.start_year),
            ));
        }
        match req.population {
            PopulationSource::Synthetic { people } => {
                if !(1..=max_people).contains(&people) {
                    let larger = if max_people == SIMULATION_MAX_PEOPLE {
                        "larger populations: a simulation job, or gongshang simulate"
                    } else {
                        "larger populations: gongshang simulate"
                    };
                    return Err(AppError::invalid(
                        "people",
                        format!("{people}: allowed 1 to {max_people} ({larger})"),
                    ));
                }
            }
            PopulationSource::Stored {
                unitless_class: Some(c),
                ..
            } if !(1..=8).contains(&c) => {
                return Err(AppError::invalid(
                    "unitless_class",
                    format!("{c}: allowed 1 to 8"),
                ));
            }
            PopulationSource::Stored { .. } => {}
        }
        Ok(())
    }

    /// [`App::simulate`] once authorized, with a synthetic population of at
    /// most `max_people`; `progress` is told each stage as it begins and
    /// the progress inside the projection as it advances ([`JobProgress`],
    /// each time the percentage grows), and may stop the run by an error.
    pub(crate) fn project_request(
        &self,
        req: &SimulationRequest,
        max_people: u64,
        progress: &mut dyn FnMut(JobProgress) -> Result<(), AppError>,
    ) -> Result<Simulation, AppError> {
        Self::check_request(req, max_people)?;
        let mut stage = |stage: Stage| {
            progress(JobProgress {
                stage,
                percent: stage.percent_before(),
            })
        };
        stage(Stage::Population)?;
        let (pop, summary) = match req.population {
            PopulationSource::Synthetic { people } => {
                let start = jiff::civil::date(req.start_year, 1, 1);
                let pop = Population::synthetic(&self.policy, people, req.seed, start)
                    .map_err(sim_error)?;
                let summary = PopulationSummary {
                    source: "synthetic".to_owned(),
                    on: None,
                    records: people,
                    left_out: BTreeMap::new(),
                    benefits_in_payment: 0,
                    survivors_at_assumed_age: 0,
                    benefits_left_out: BTreeMap::new(),
                };
                (pop, summary)
            }
            PopulationSource::Stored { on, unitless_class } => {
                self.population_on(on, unitless_class)?
            }
        };
        if pop.is_empty() {
            return Err(AppError::invalid(
                "population",
                match summary.on {
                    Some(on) if summary.left_out.is_empty() => {
                        format!("no enrolment runs on {on}")
                    }
                    Some(on) => format!(
                        "no enrolment running on {on} can be projected; left out: {}",
                        summary
                            .left_out
                            .iter()
                            .map(|(why, n)| format!("{n} {}", why.text(crate::Lang::En)))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                    None => "no records".to_owned(),
                },
            ));
        }
        let mut reform = match &req.reform {
            Some(text) => gongshang_sim::Reform::parse(text, &self.policy).map_err(sim_error)?,
            None => gongshang_sim::Reform::none(),
        };
        // Over the insured as stored, the incidence and the outcome mix
        // follow the stored cases too, as far as they are credible; what the
        // reform file sets stays as it says.
        let mut ibnr = Vec::new();
        if let PopulationSource::Stored { on, .. } = req.population {
            self.blend_experience(on, &mut reform)?;
            ibnr = self.ibnr_on(on)?;
        }
        stage(Stage::Projection)?;
        // Told on this thread as the projection advances; an error of the
        // hook (a job's progress not written) is kept and returned after.
        let mut last = Stage::Projection.percent_before();
        let mut failed: Option<AppError> = None;
        let projection = gongshang_sim::project_with_progress(
            &pop,
            &self.policy,
            &reform,
            &gongshang_sim::Options {
                start_year: req.start_year,
                years: req.years,
                replicates: req.replicates,
                seed: req.seed,
                threads: 2,
                initial_reserve: None,
                attribution: true,
            },
            &mut |p| {
                let percent = projection_percent(&p);
                if percent > last && failed.is_none() {
                    last = percent;
                    if let Err(e) = progress(JobProgress {
                        stage: Stage::Projection,
                        percent,
                    }) {
                        failed = Some(e);
                    }
                }
            },
        )
        .map_err(sim_error)?;
        if let Some(e) = failed {
            return Err(e);
        }
        Ok(Simulation {
            projection,
            population: summary,
            ibnr,
        })
    }
}

/// The expenditure items of a projection's year, in the order of the
/// table: the column's name (the CSV's, the JSON's), then its Chinese and
/// English names for people.
pub const EXPENDITURE_ITEMS: &[(&str, &str, &str)] = &[
    (
        "one_time_disability",
        "一次性伤残补助金（新发生）",
        "One-time disability subsidies (new claims)",
    ),
    (
        "allowances",
        "伤残津贴（新发生）",
        "Disability allowances (new claims)",
    ),
    (
        "living_care",
        "生活护理费（新发生）",
        "Living care (new claims)",
    ),
    (
        "death",
        "一次性工亡补助金和丧葬补助金（新发生）",
        "One-time death benefit and funeral subsidy (new deaths)",
    ),
    (
        "survivors",
        "供养亲属抚恤金（新发生）",
        "Survivors' pensions (new deaths)",
    ),
    (
        "in_payment_allowances",
        "伤残津贴（期初在发）",
        "Disability allowances in payment at the start",
    ),
    (
        "in_payment_living_care",
        "生活护理费（期初在发）",
        "Living care in payment at the start",
    ),
    (
        "in_payment_survivors",
        "供养亲属抚恤金（期初在发）",
        "Survivors' pensions in payment at the start",
    ),
];

/// A year's amount of an item of [`EXPENDITURE_ITEMS`] (zero for a name
/// that is not one).
pub fn expenditure_item(y: &gongshang_sim::project::YearRow, column: &str) -> Money {
    match column {
        "one_time_disability" => y.one_time_disability,
        "allowances" => y.allowances,
        "living_care" => y.living_care,
        "death" => y.death,
        "survivors" => y.survivors,
        "in_payment_allowances" => y.in_payment_allowances,
        "in_payment_living_care" => y.in_payment_living_care,
        "in_payment_survivors" => y.in_payment_survivors,
        _ => Money::ZERO,
    }
}

/// The projection's years, baseline then reform, with the bands: the table
/// the CLI writes as CSV and xlsx and the analyst's page exports.
pub fn years_table(p: &gongshang_sim::Projection) -> Table {
    let mut headers = vec![
        "scenario",
        "year",
        "insured",
        "wage_base",
        "income_unit",
        "income_worker",
        "income_city",
        "income",
        "claims",
    ];
    headers.extend(EXPENDITURE_ITEMS.iter().map(|(column, _, _)| *column));
    headers.extend([
        "in_payment_beneficiaries",
        "expenditure",
        "reserve",
        "months_of_reserve",
        "payg_cost_rate",
        "expenditure_p10",
        "expenditure_p50",
        "expenditure_p90",
        "reserve_p10",
        "reserve_p50",
        "reserve_p90",
    ]);
    let mut rows = Vec::new();
    for (run, bands) in [
        (&p.baseline, &p.bands_baseline),
        (&p.reformed, &p.bands_reform),
    ] {
        for (i, y) in run.years.iter().enumerate() {
            let band: Option<&gongshang_sim::project::Band> = bands.get(i);
            let b = |f: &dyn Fn(&gongshang_sim::project::Band) -> Money| {
                band.map_or(Cell::Text(String::new()), |b| Cell::Money(f(b)))
            };
            let mut row = vec![
                Cell::Text(run.name.clone()),
                Cell::Int(i64::from(y.year)),
                Cell::Int(y.insured),
                Cell::Money(y.wage_base),
                Cell::Money(y.income_unit),
                Cell::Money(y.income_worker),
                Cell::Money(y.income_city),
                Cell::Money(y.income),
                Cell::Int(y.claims),
            ];
            row.extend(
                EXPENDITURE_ITEMS
                    .iter()
                    .map(|(column, _, _)| Cell::Money(expenditure_item(y, column))),
            );
            row.extend([
                Cell::Int(y.in_payment_beneficiaries),
                Cell::Money(y.expenditure),
                Cell::Money(y.reserve),
                Cell::Text(y.months_of_reserve.clone().unwrap_or_default()),
                Cell::Text(y.payg_cost_rate.clone()),
                b(&|b| b.expenditure[0]),
                b(&|b| b.expenditure[1]),
                b(&|b| b.expenditure[2]),
                b(&|b| b.reserve[0]),
                b(&|b| b.reserve[1]),
                b(&|b| b.reserve[2]),
            ]);
            rows.push(row);
        }
    }
    Table {
        name: "projection".into(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::age_on;
    use jiff::civil::date;

    #[test]
    fn age_counts_whole_years_to_the_birthday() {
        assert_eq!(age_on(date(1990, 6, 15), date(2026, 6, 14)), 35);
        assert_eq!(age_on(date(1990, 6, 15), date(2026, 6, 15)), 36);
        assert_eq!(age_on(date(2000, 2, 29), date(2026, 2, 28)), 25);
    }
}
