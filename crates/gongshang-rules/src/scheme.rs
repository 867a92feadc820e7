//! Schemes (保障方案): who may enrol, how cover is bought and billed, who pays,
//! when cover starts and ends, which benefit items are paid and by whom, and
//! which claim procedure applies.
//!
//! A scheme is data: a `[[scheme]]` entry in a policy file of its
//! jurisdiction, whose values (age limits, wage-base bands, prices) are ordinary
//! dated `[[parameter]]`s of the same jurisdiction. Only a rule that is new
//! (a new way of billing, a new benefit formula) needs Rust.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::benefits::Payer;
use crate::error::RulesError;
use crate::params::{Citation, Confidence, ParamUse, PolicySet, Status};
use crate::retirement::{self, RetirementTrack, Sex};
use crate::trace::Item;

/// The kinds of people a scheme may cover.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 职工: a worker with a labour relation (the Regulations' own scope).
    Employee,
    /// 超过法定退休年龄的劳动者
    OverRetirementAge,
    /// 领取1至4级工伤伤残津贴或病残津贴人员
    DisabilityAllowanceRecipient,
    /// 实习学生
    Intern,
    /// 勤工助学学生
    WorkStudy,
    /// 见习人员
    Trainee,
    /// 住院医师规范化培训的医学研究生
    MedicalResident,
    /// 家政服务机构的家政服务人员
    DomesticWorker,
    /// 村（社区）两委人员
    VillageCadre,
    /// 平台灵活就业人员（网约车、外卖、即时配送、同城货运）
    PlatformWorker,
    /// 注册志愿者
    Volunteer,
    /// 灵活就业人员
    FlexibleWorker,
    /// 其他未建立劳动关系的人员
    OtherWithoutLabourRelation,
    /// 符合规定已提前退休、退休后被用人单位招用的劳动者 (Order No. 56 Art 2(2))
    EarlyRetiredRehired,
}

impl Category {
    /// Every category, in the order forms offer them.
    pub const ALL: [Category; 14] = [
        Category::Employee,
        Category::OverRetirementAge,
        Category::EarlyRetiredRehired,
        Category::DisabilityAllowanceRecipient,
        Category::Intern,
        Category::WorkStudy,
        Category::Trainee,
        Category::MedicalResident,
        Category::DomesticWorker,
        Category::VillageCadre,
        Category::PlatformWorker,
        Category::Volunteer,
        Category::FlexibleWorker,
        Category::OtherWithoutLabourRelation,
    ];

    /// The name in files, forms and requests (`employee`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Employee => "employee",
            Category::OverRetirementAge => "over_retirement_age",
            Category::DisabilityAllowanceRecipient => "disability_allowance_recipient",
            Category::Intern => "intern",
            Category::WorkStudy => "work_study",
            Category::Trainee => "trainee",
            Category::MedicalResident => "medical_resident",
            Category::DomesticWorker => "domestic_worker",
            Category::VillageCadre => "village_cadre",
            Category::PlatformWorker => "platform_worker",
            Category::Volunteer => "volunteer",
            Category::FlexibleWorker => "flexible_worker",
            Category::OtherWithoutLabourRelation => "other_without_labour_relation",
            Category::EarlyRetiredRehired => "early_retired_rehired",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            Category::Employee => "职工（建立劳动关系）",
            Category::OverRetirementAge => "超过法定退休年龄人员",
            Category::DisabilityAllowanceRecipient => "领取1至4级伤残津贴或病残津贴人员",
            Category::Intern => "实习学生",
            Category::WorkStudy => "勤工助学学生",
            Category::Trainee => "见习人员",
            Category::MedicalResident => "住院医师规范化培训医学研究生",
            Category::DomesticWorker => "家政服务人员",
            Category::VillageCadre => "村（社区）两委人员",
            Category::PlatformWorker => "平台灵活就业人员",
            Category::Volunteer => "注册志愿者",
            Category::FlexibleWorker => "灵活就业人员",
            Category::OtherWithoutLabourRelation => "其他未建立劳动关系人员",
            Category::EarlyRetiredRehired => "提前退休后被招用的劳动者",
        }
    }
    pub const fn label_en(self) -> &'static str {
        match self {
            Category::Employee => "employee (labour relation)",
            Category::OverRetirementAge => "over the statutory retirement age",
            Category::DisabilityAllowanceRecipient => {
                "receiving a grade 1-4 or sickness disability allowance"
            }
            Category::Intern => "intern",
            Category::WorkStudy => "work-study student",
            Category::Trainee => "trainee",
            Category::MedicalResident => "medical resident in standardised training",
            Category::DomesticWorker => "domestic worker of an agency",
            Category::VillageCadre => "village or community committee member",
            Category::PlatformWorker => "platform worker",
            Category::Volunteer => "registered volunteer",
            Category::FlexibleWorker => "flexible worker",
            Category::OtherWithoutLabourRelation => "other person without a labour relation",
            Category::EarlyRetiredRehired => "retired early under the rules and hired again",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_en())
    }
}

/// How cover is bought.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Billing {
    /// A monthly premium on a wage base, bounded or fixed, times a rate.
    MonthlyWage { base: WageBase, rate: RateSource },
    /// Cover bought by the day at a price, part of it paid by a fiscal subsidy.
    PerDay {
        price_per_day: String,
        subsidy_share: String,
    },
    /// A premium on every order, by industry.
    PerOrder { prices: Vec<OrderPrice> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum WageBase {
    /// The declared wage, as it is (the unit's payroll).
    Declared,
    /// The declared wage clamped to a band of parameters.
    Band { lower: String, upper: String },
    /// A fixed base set by parameter.
    Fixed { base: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RateSource {
    /// The unit's industry class benchmark rate times its floating tier.
    IndustryClass,
    /// A rate set by parameter.
    Param { key: String },
}

/// The per-order premium of an industry (and platform class, where it matters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderPrice {
    pub industry: OrderIndustry,
    #[serde(default)]
    pub platform_class: Option<String>,
    /// The parameter key of the price (yuan_per_order).
    pub price: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderIndustry {
    /// 出行 (网约车)
    RideHailing,
    /// 即时配送 (外卖 merged in from 2025-07-01)
    InstantDelivery,
    /// 同城货运
    IntraCityFreight,
}

impl OrderIndustry {
    /// Every order industry, in the order of their counts in the store
    /// (`order_days`, migration 0420) and of [`OrderIndustry::index`].
    pub const ALL: [OrderIndustry; 3] = [
        OrderIndustry::RideHailing,
        OrderIndustry::InstantDelivery,
        OrderIndustry::IntraCityFreight,
    ];

    /// The industry's name as the order files, the store and the parameter
    /// keys hold it (its serde name).
    pub const fn stored_name(self) -> &'static str {
        match self {
            OrderIndustry::RideHailing => "ride_hailing",
            OrderIndustry::InstantDelivery => "instant_delivery",
            OrderIndustry::IntraCityFreight => "intra_city_freight",
        }
    }

    /// The column of the store's `order_days` that counts the industry's
    /// orders of a worker's day (migration 0420).
    pub const fn order_days_column(self) -> &'static str {
        match self {
            OrderIndustry::RideHailing => "orders_ride_hailing",
            OrderIndustry::InstantDelivery => "orders_instant_delivery",
            OrderIndustry::IntraCityFreight => "orders_intra_city_freight",
        }
    }

    /// The industry's place in [`OrderIndustry::ALL`].
    pub const fn index(self) -> usize {
        match self {
            OrderIndustry::RideHailing => 0,
            OrderIndustry::InstantDelivery => 1,
            OrderIndustry::IntraCityFreight => 2,
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            OrderIndustry::RideHailing => "出行",
            OrderIndustry::InstantDelivery => "即时配送",
            OrderIndustry::IntraCityFreight => "同城货运",
        }
    }
    pub const fn label_en(self) -> &'static str {
        match self {
            OrderIndustry::RideHailing => "ride hailing",
            OrderIndustry::InstantDelivery => "instant delivery",
            OrderIndustry::IntraCityFreight => "intra-city freight",
        }
    }
}

/// Who pays premiums.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PremiumPayer {
    Unit,
    Platform,
    Worker,
    Fiscal,
}

/// When cover starts.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverStart {
    /// From the enrolment (the Regulations: an employer insures all its workers).
    Enrollment,
    /// From the day after the enrolment, as `Enrollment` otherwise (广东省工伤保险条例
    /// 第六十五条: "用人单位为职工办理工伤保险参保手续次日起"): an injury on the
    /// enrolment day itself is an uninsured worker's (Art 55).
    DayAfterEnrollment,
    /// From the day after the premium is paid; never backdated.
    DayAfterPayment,
    /// As `DayAfterPayment`, except that a premium paid in the month of the
    /// enrolment buys cover from the day after the enrolment (山东省特定从业人员
    /// 参加工伤保险办法, as its announcement states it: "参保当月缴费的，自参保
    /// 次日起；未在参保当月缴费的，自缴费次日起").
    DayAfterEnrollmentIfPaidThatMonth,
    /// On each day bought.
    DaysBought,
    /// On the days the worker takes orders.
    OrderDays,
}

impl CoverStart {
    /// Cover is bought a month at a time by the unit's monthly premium.
    pub const fn bought_by_month(self) -> bool {
        matches!(
            self,
            CoverStart::DayAfterPayment | CoverStart::DayAfterEnrollmentIfPaidThatMonth
        )
    }

    /// Cover rests on the enrolment alone (the Regulations' ordinary
    /// insurance): premiums owed are the unit's debt and neither buy nor
    /// take away a day of cover.
    pub const fn rests_on_enrollment(self) -> bool {
        matches!(
            self,
            CoverStart::Enrollment | CoverStart::DayAfterEnrollment
        )
    }
}

/// The procedure a claim follows.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimProcedure {
    /// 工伤认定 by the HRSS department, then appraisal and benefits (Regulations Ch. III-V).
    InjuryDetermination,
    /// 职业伤害确认 under the platform pilot.
    OccupationalInjuryConfirmation,
    /// A claim to the insurer, reviewed and paid within the cover limit.
    InsurerClaim,
}

/// Which benefit formulas a scheme uses.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenefitFamily {
    /// The Regulations' items (Arts 30, 33-39, 64).
    Regulations,
    /// An accident insurer's schedule (益鹭保).
    InsurerSchedule,
}

/// The provincial one-time subsidies on termination of employment.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerminationSubsidies {
    None,
    /// Guangdong Regulations Arts 33-35: months of the (Art 35) wage.
    Guangdong,
    /// Jiangsu measures Arts 27-28: amounts by grade, city float, reductions.
    Jiangsu,
    /// The rules of the province of the case's region (Guangdong, Jiangsu,
    /// Shandong; none elsewhere): a national scheme whose own benefit rules
    /// are not issued yet (over-age workers, Order No. 56 Art 15).
    ByRegion,
    /// Shandong: the one-time work-injury medical subsidy (grades 5-10) in
    /// months of the provincial average monthly wage, paid by the fund.
    Shandong,
}

impl TerminationSubsidies {
    /// The rules that apply in `region` (`ByRegion` resolved by its province).
    pub fn in_region(self, region: Option<&str>) -> TerminationSubsidies {
        match self {
            TerminationSubsidies::ByRegion => match region.map(|r| &r[..2.min(r.len())]) {
                Some("44") => TerminationSubsidies::Guangdong,
                Some("32") => TerminationSubsidies::Jiangsu,
                Some("37") => TerminationSubsidies::Shandong,
                _ => TerminationSubsidies::None,
            },
            other => other,
        }
    }
}

/// What a benefit wage is computed from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenefitWageBasis {
    /// The worker's own (contribution) wage, clamped (Art 64).
    OwnWage,
    /// The regional average monthly wage (for people with no wage to speak of).
    RegionalAverage,
    /// A share (`platform.benefit_base_share`, 60%) of the previous year's
    /// average wage of urban private-unit employees of the pooling region
    /// (`regional.private_avg_monthly_wage`): the platform pilot's base
    /// (经办规程 Arts 38-39). Grades 5-6 get a one-time allowance of months
    /// of it; no employer items.
    PrivateAverageShare,
}

/// The parameters the private-average basis needs, in the scheme's jurisdiction.
pub const KEY_BASE_SHARE: &str = "platform.benefit_base_share";
/// Months of the base of the grade 5 and 6 one-time allowance.
pub const KEY_ONE_TIME_ALLOWANCE_MONTHS: [&str; 2] = [
    "platform.one_time_disability_allowance_months.grade_5",
    "platform.one_time_disability_allowance_months.grade_6",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CategoryRule {
    pub category: Category,
    /// The first day the category is no longer covered (e.g. the voluntary
    /// provincial over-age categories where Order No. 56 applies).
    pub until: Option<Date>,
    /// Parameter keys of the age bounds (whole years, inclusive).
    pub min_age: Option<String>,
    pub max_age: Option<String>,
    /// Parameter key of the months past the statutory retirement age a
    /// person of the category may still be (the flexible delay of
    /// retirement); past them the category is refused (广东省工伤保险条例
    /// 第六十三条第一款: the Regulations do not apply past that age).
    pub retirement_grace_months: Option<String>,
}

/// An item the scheme pays, by whom, and on what authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemRule {
    pub item: Item,
    pub payer: Payer,
    /// Only for these disability grades (e.g. the fund's grade 1-4 allowance).
    pub grades: Option<Vec<u8>>,
    pub citation: Citation,
}

/// A rule of the scheme, stated with its authority (shown to people as is).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatedRule {
    pub rule: String,
    pub citation: Citation,
}

/// A dated area (province-level GB/T 2260 prefix) where a scheme applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Area {
    pub prefix: String,
    pub from: Date,
    pub citation: Citation,
}

/// A platform taking part in the scheme, from a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Platform {
    /// The name it first took part under (its history is kept under it).
    pub name: String,
    pub industries: Vec<OrderIndustry>,
    pub platform_class: Option<String>,
    pub from: Date,
    pub citation: Citation,
    /// Later names, each from a date (饿了么 → 淘宝闪购, 达达 → 京东秒送).
    pub renamed: Vec<Rename>,
}

/// A platform's new name from a date; the platform and its history stay one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    pub name: String,
    pub on: Date,
}

impl Platform {
    /// The platform's name on `date`.
    pub fn name_on(&self, date: Date) -> &str {
        self.renamed
            .iter()
            .filter(|r| r.on <= date)
            .max_by_key(|r| r.on)
            .map_or(self.name.as_str(), |r| r.name.as_str())
    }

    /// Whether `name` is this platform under any of its names.
    pub fn is_named(&self, name: &str) -> bool {
        self.name == name || self.renamed.iter().any(|r| r.name == name)
    }
}

impl Scheme {
    /// The platform known by `name` (any of its names, old or new).
    pub fn platform(&self, name: &str) -> Option<&Platform> {
        self.platforms.iter().find(|p| p.is_named(name))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scheme {
    pub id: crate::SchemeId,
    pub jurisdiction: String,
    pub name_zh: String,
    pub name_en: String,
    pub citation: Citation,
    pub from: Date,
    pub until: Option<Date>,
    pub categories: Vec<CategoryRule>,
    /// Nobody with a labour relation with the insuring unit (they belong in the ordinary insurance).
    pub excludes_labour_relation: bool,
    /// Nobody already covered by the Regulations (platform pilot).
    pub excludes_covered_by_regulations: bool,
    pub billing: Billing,
    pub billing_citation: Citation,
    pub premium_payers: Vec<PremiumPayer>,
    pub cover_starts: CoverStart,
    pub back_pay_allowed: bool,
    pub refund_allowed: bool,
    pub claim_procedure: ClaimProcedure,
    pub benefit_family: BenefitFamily,
    pub benefit_wage_basis: BenefitWageBasis,
    pub termination_subsidies: TerminationSubsidies,
    /// Survivors may take the pension insurance's funeral and survivor benefits instead.
    pub survivors_choose_pension: bool,
    /// 粤人社规〔2020〕55号 Art 9(2): the one-time medical subsidy (grades 5-10)
    /// is paid on the person's application, not on a termination.
    pub medical_subsidy_on_application: bool,
    /// 粤人社规〔2020〕55号 Art 9(1): a disability or sickness allowance already
    /// drawn counts with the pension against a new grade 1-4 allowance.
    pub offsets_existing_allowance: bool,
    /// The parameter key of the most the scheme pays for one accident, if capped.
    pub max_payout: Option<String>,
    pub items: Vec<ItemRule>,
    /// Rules stated by the instrument that the system enforces elsewhere
    /// (declarations, transfers, the month of death): shown to people.
    pub rules: Vec<StatedRule>,
    /// Regions where it applies; empty means the whole jurisdiction's regions,
    /// or the whole country for `national`.
    pub areas: Vec<Area>,
    pub platforms: Vec<Platform>,
    /// The time limits of the claim procedure, where it is not the
    /// Regulations' determination (whose limits are statutory, in the domain).
    pub procedure: Option<Procedure>,
    /// The commitment the insuring unit makes on enrolling someone
    /// (粤人社规〔2020〕55号 Art 6 and Annex 1), kept with the enrolment
    /// (issue 17).
    pub commitment: Option<SchemeText>,
    /// What enrolment does not prove (粤人社规〔2020〕55号 Art 13: no basis
    /// for a labour relation), shown on notices and the unit's pages.
    pub labour_relation_statement: Option<SchemeText>,
    pub file: String,
}

/// A text of the instrument that people are shown or agree to, in Chinese
/// (the text that counts) and English, with its citation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemeText {
    pub text_zh: String,
    pub text_en: String,
    pub citation: Citation,
}

/// The time limits of a scheme's own claim procedure, as parameter keys
/// (unit `days`) of the scheme's jurisdiction, with their authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Procedure {
    pub limits: ProcedureKeys,
    pub citation: Citation,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "flow", rename_all = "snake_case")]
pub enum ProcedureKeys {
    /// 职业伤害确认 (platform pilot).
    Confirmation {
        platform_days: String,
        worker_days: String,
        decision_days: String,
        decision_in_working_days: bool,
    },
    /// A claim to the insurer (益鹭保).
    InsurerClaim {
        claim_days: String,
        review_days: String,
        payout_days: String,
    },
}

/// The limits of a procedure in force on a date: each value with the
/// parameter it came from (for its citation and confidence).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "flow", rename_all = "snake_case")]
pub enum ProcedureLimits {
    Confirmation {
        platform_days: ParamUse,
        worker_days: ParamUse,
        decision_days: ParamUse,
        decision_in_working_days: bool,
    },
    InsurerClaim {
        claim_days: ParamUse,
        review_days: ParamUse,
        payout_days: ParamUse,
    },
}

impl ProcedureLimits {
    fn params(&self) -> [&ParamUse; 3] {
        match self {
            ProcedureLimits::Confirmation {
                platform_days,
                worker_days,
                decision_days,
                ..
            } => [platform_days, worker_days, decision_days],
            ProcedureLimits::InsurerClaim {
                claim_days,
                review_days,
                payout_days,
            } => [claim_days, review_days, payout_days],
        }
    }

    /// Where the figures come from, in one line shown to people: each value
    /// with its parameter, then the instruments, sources and confidence,
    /// with "assumed" and the reason where it is not confirmed (each once).
    pub fn source(&self) -> String {
        let params = self.params();
        let values: Vec<String> = params
            .iter()
            .map(|p| format!("{} = {}", p.id, p.value))
            .collect();
        let mut notes: Vec<String> = Vec::new();
        for p in params {
            let c = &p.citation;
            let status = match c.status {
                Status::Confirmed => "confirmed",
                Status::Assumed => "assumed",
                Status::Illustrative => "illustrative",
            };
            let mut n = format!("{}; {}; {}, {status}", c.instrument, c.source, c.confidence);
            if let Some(note) = &c.note {
                n.push_str(": ");
                n.push_str(note);
            }
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
        format!("{} ({})", values.join(", "), notes.join(" | "))
    }
}

/// What the eligibility check knows of a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub category: Category,
    pub birth_date: Date,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub retirement_track: RetirementTrack,
    /// Has a labour relation (劳动关系) with the insuring unit.
    #[serde(default)]
    pub labour_relation_with_unit: bool,
    /// Already covered by the Regulations through an employer.
    #[serde(default)]
    pub covered_by_regulations: bool,
    /// GB/T 2260 code of the place of work (参保地).
    #[serde(default)]
    pub region: Option<String>,
}

/// One check passed, or the one that failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EligibilityCheck {
    pub rule: &'static str,
    pub passed: bool,
    /// The value checked, e.g. `age 66`.
    pub value: String,
    /// What the rule allows, e.g. `16 to 65`.
    pub allowed: String,
    pub citation: Option<Citation>,
}

/// Yes (with the checks passed), or no (with the rule and the value that failed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub scheme: crate::SchemeId,
    pub on: Date,
    pub eligible: bool,
    pub checks: Vec<EligibilityCheck>,
}

impl Eligibility {
    /// The check that failed, if any.
    pub fn failure(&self) -> Option<&EligibilityCheck> {
        self.checks.iter().find(|c| !c.passed)
    }

    pub fn into_result(self) -> Result<Eligibility, RulesError> {
        match self.failure() {
            None => Ok(self),
            Some(f) => Err(RulesError::NotEligible {
                scheme: self.scheme.to_string(),
                rule: f.rule,
                value: f.value.clone(),
                allowed: f.allowed.clone(),
            }),
        }
    }
}

impl Scheme {
    pub fn is_in_force(&self, on: Date) -> bool {
        self.from <= on && self.until.is_none_or(|until| on < until)
    }

    /// Whether the scheme applies in `region` on `on` (by its dated areas, or
    /// its jurisdiction's regions, or everywhere for national schemes).
    pub fn applies_in(&self, policy: &PolicySet, region: &str, on: Date) -> bool {
        if !self.areas.is_empty() {
            return self
                .areas
                .iter()
                .any(|a| region.starts_with(&a.prefix) && a.from <= on);
        }
        if self.jurisdiction == "national" {
            return true;
        }
        policy
            .regions()
            .filter(|r| r.jurisdiction == self.jurisdiction)
            .any(|r| region.starts_with(covered_prefix(&r.code)))
    }

    /// The rule for an item (for a worker of `grade`), if the scheme pays it.
    pub fn item(&self, item: Item, grade: Option<u8>) -> Option<&ItemRule> {
        self.items.iter().find(|r| {
            r.item == item
                && match (&r.grades, grade) {
                    (None, _) => true,
                    (Some(gs), Some(g)) => gs.contains(&g),
                    (Some(_), None) => false,
                }
        })
    }

    fn param(&self, policy: &PolicySet, key: &str, on: Date) -> Result<ParamUse, RulesError> {
        policy.at(&self.jurisdiction, key, on)
    }

    /// The time limits of the scheme's own claim procedure in force on `on`
    /// (the day of the injury): a missing parameter names the key.
    pub fn procedure_limits(
        &self,
        policy: &PolicySet,
        on: Date,
    ) -> Result<ProcedureLimits, RulesError> {
        let Some(procedure) = &self.procedure else {
            return Err(RulesError::missing(
                "scheme.procedure",
                format!("the time limits of the claim procedure of {}", self.id),
            ));
        };
        Ok(match &procedure.limits {
            ProcedureKeys::Confirmation {
                platform_days,
                worker_days,
                decision_days,
                decision_in_working_days,
            } => ProcedureLimits::Confirmation {
                platform_days: self.param(policy, platform_days, on)?,
                worker_days: self.param(policy, worker_days, on)?,
                decision_days: self.param(policy, decision_days, on)?,
                decision_in_working_days: *decision_in_working_days,
            },
            ProcedureKeys::InsurerClaim {
                claim_days,
                review_days,
                payout_days,
            } => ProcedureLimits::InsurerClaim {
                claim_days: self.param(policy, claim_days, on)?,
                review_days: self.param(policy, review_days, on)?,
                payout_days: self.param(policy, payout_days, on)?,
            },
        })
    }

    /// Checks who may enrol (or claim) on `on`: the scheme in force, the area,
    /// the category, the age bounds of the category, the statutory retirement
    /// age for over-age workers, and the exclusions. Every check is listed; the
    /// first failure makes the answer no.
    pub fn eligibility(
        &self,
        policy: &PolicySet,
        who: &Applicant,
        on: Date,
    ) -> Result<Eligibility, RulesError> {
        let mut checks = Vec::new();
        let mut push =
            |rule, passed, value: String, allowed: String, citation: Option<Citation>| {
                checks.push(EligibilityCheck {
                    rule,
                    passed,
                    value,
                    allowed,
                    citation,
                });
            };
        let until = self
            .until
            .map(|u| format!(" until {u}"))
            .unwrap_or_default();
        push(
            "scheme_in_force",
            self.is_in_force(on),
            on.to_string(),
            format!("from {}{until}", self.from),
            Some(self.citation.clone()),
        );
        if !self.is_in_force(on) {
            // Nothing else can be checked: the scheme's parameters start with it.
            return Ok(Eligibility {
                scheme: self.id.clone(),
                on,
                eligible: false,
                checks,
            });
        }
        if let Some(region) = &who.region {
            let areas: Vec<String> = self
                .areas
                .iter()
                .map(|a| format!("{}xxxx from {}", a.prefix, a.from))
                .collect();
            push(
                "area",
                self.applies_in(policy, region, on),
                format!("region {region}"),
                if areas.is_empty() {
                    format!("regions of {}", self.jurisdiction)
                } else {
                    areas.join(", ")
                },
                None,
            );
        }
        let rule = self
            .categories
            .iter()
            .find(|c| c.category == who.category && c.until.is_none_or(|u| on < u));
        let listed: Vec<String> = self
            .categories
            .iter()
            .map(|c| match c.until {
                Some(u) => format!("{} (until {u})", c.category.label_en()),
                None => c.category.label_en().to_owned(),
            })
            .collect();
        push(
            "category",
            rule.is_some(),
            who.category.label_en().to_owned(),
            listed.join("; "),
            Some(self.citation.clone()),
        );
        let age = retirement::age_on(who.birth_date, on);
        // Issue 13: nobody under the lowest working age is insured for work
        // (Labour Law Art 15, the national floor), whatever the category;
        // a category with a lowest age of its own is checked against that.
        if let Some(rule) = rule
            && rule.min_age.is_none()
        {
            let p = policy.at("national", MIN_WORKING_AGE, on)?;
            push(
                "min_age",
                i64::from(age) >= p.whole(),
                format!("age {age}"),
                format!("{} or older", p.whole()),
                Some(p.citation),
            );
        }
        if let Some(rule) = rule {
            if let Some(key) = &rule.min_age {
                let p = self.param(policy, key, on)?;
                push(
                    "min_age",
                    i64::from(age) >= p.whole(),
                    format!("age {age}"),
                    format!("{} or older", p.whole()),
                    Some(p.citation),
                );
            }
            if let Some(key) = &rule.max_age {
                let p = self.param(policy, key, on)?;
                push(
                    "max_age",
                    i64::from(age) <= p.whole(),
                    format!("age {age}"),
                    format!("{} or younger", p.whole()),
                    Some(p.citation),
                );
            }
            if let Some(key) = &rule.retirement_grace_months {
                let p = self.param(policy, key, on)?;
                let (reached, refused_from) =
                    latest_retirement(who.birth_date, who.sex, p.whole())?;
                let instead = over_age_schemes(policy, who.region.as_deref(), on);
                push(
                    "retirement_age",
                    on < refused_from,
                    format!(
                        "person.birth_date {} ({}): the statutory retirement age reached on {reached}, {} months of flexible delay at most",
                        who.birth_date,
                        match who.sex {
                            Some(Sex::Male) => "male",
                            Some(Sex::Female) => "female, on the later track",
                            None => "sex not known, a man's age",
                        },
                        p.whole()
                    ),
                    format!(
                        "before {refused_from}; past it this scheme does not apply (达到法定退休年龄的劳动者不适用本条例，须以超龄劳动者身份参保): enrol the person as over_retirement_age in {instead}"
                    ),
                    Some(p.citation),
                );
            }
            if rule.category == Category::OverRetirementAge {
                let sex = who.sex.ok_or_else(|| {
                    RulesError::missing(
                        "person.sex",
                        "the statutory retirement age of an over-age worker",
                    )
                })?;
                let reached =
                    retirement::retirement_date(who.birth_date, sex, who.retirement_track)?;
                push(
                    "over_retirement_age",
                    reached <= on,
                    format!("reaches the statutory retirement age on {reached}"),
                    format!("on or before {on}"),
                    None,
                );
            }
        }
        if self.excludes_labour_relation {
            push(
                "no_labour_relation",
                !who.labour_relation_with_unit,
                format!("labour relation with the unit: {}", who.labour_relation_with_unit),
                "no labour relation with the insuring unit (employees belong in the ordinary insurance)".into(),
                Some(self.citation.clone()),
            );
        }
        if self.excludes_covered_by_regulations {
            push(
                "not_covered_by_regulations",
                !who.covered_by_regulations,
                format!("covered by the Regulations: {}", who.covered_by_regulations),
                "not covered by the Regulations through an employer".into(),
                Some(self.citation.clone()),
            );
        }
        let eligible = checks.iter().all(|c| c.passed);
        Ok(Eligibility {
            scheme: self.id.clone(),
            on,
            eligible,
            checks,
        })
    }
}

/// The latest day a person born on `birth` can reach the statutory
/// retirement age, and that day plus `grace_months` (the first day refused).
/// Nothing unknown is guessed: a woman's track (50 or 55 originally) is not
/// recorded, so the later (55) is taken; without the sex, a man's (the
/// latest of all). So only a person certainly past the age is refused.
fn latest_retirement(
    birth: Date,
    sex: Option<Sex>,
    grace_months: i64,
) -> Result<(Date, Date), RulesError> {
    let reached = match sex {
        Some(Sex::Female) => {
            retirement::retirement_date(birth, Sex::Female, RetirementTrack::Cadre)?
        }
        Some(Sex::Male) | None => {
            retirement::retirement_date(birth, Sex::Male, RetirementTrack::Worker)?
        }
    };
    let refused_from = reached
        .checked_add(jiff::Span::new().months(grace_months))
        .map_err(|_| RulesError::out_of_range("birth_date", birth, "a date before 9999"))?;
    Ok((reached, refused_from))
}

/// The schemes that take an over-age worker on `on` (in `region`, if
/// known): those in force listing the category `over_retirement_age`.
fn over_age_schemes(policy: &PolicySet, region: Option<&str>, on: Date) -> String {
    let mut ids: Vec<String> = policy
        .schemes()
        .filter(|s| s.is_in_force(on))
        .filter(|s| region.is_none_or(|r| s.applies_in(policy, r, on)))
        .filter(|s| {
            s.categories.iter().any(|c| {
                c.category == Category::OverRetirementAge && c.until.is_none_or(|u| on < u)
            })
        })
        .map(|s| format!("{} ({})", s.id, s.name_zh))
        .collect();
    ids.sort();
    if ids.is_empty() {
        "no scheme in force (the unit pays by reference to the Regulations, Guangdong Art 63(2))"
            .to_owned()
    } else {
        ids.join(" or ")
    }
}

/// The national lowest working age (Labour Law Art 15), the floor of every
/// category without a lowest age of its own.
pub const MIN_WORKING_AGE: &str = "national.employees.min_age";

/// The part of a GB/T 2260 code that its subdivisions share: a province
/// (`440000`) covers `44....`, a city (`350200`) covers `3502..`.
pub fn covered_prefix(code: &str) -> &str {
    if code.ends_with("0000") {
        &code[..2]
    } else if code.ends_with("00") {
        &code[..4]
    } else {
        code
    }
}

// ---- the file format ---------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchemeDoc {
    id: String,
    name_zh: String,
    name_en: String,
    instrument: String,
    article: String,
    source: String,
    confidence: Confidence,
    #[serde(default)]
    status: Status,
    #[serde(default)]
    note: Option<String>,
    from: toml::value::Datetime,
    #[serde(default)]
    until: Option<toml::value::Datetime>,
    #[serde(default)]
    excludes_labour_relation: bool,
    #[serde(default)]
    excludes_covered_by_regulations: bool,
    premium_payers: Vec<PremiumPayer>,
    cover_starts: CoverStart,
    back_pay_allowed: bool,
    refund_allowed: bool,
    claim_procedure: ClaimProcedure,
    benefit_family: BenefitFamily,
    #[serde(default = "own_wage")]
    benefit_wage_basis: BenefitWageBasis,
    #[serde(default = "no_subsidies")]
    termination_subsidies: TerminationSubsidies,
    #[serde(default)]
    survivors_choose_pension: bool,
    #[serde(default)]
    medical_subsidy_on_application: bool,
    #[serde(default)]
    offsets_existing_allowance: bool,
    #[serde(default)]
    max_payout: Option<String>,
    category: Vec<CategoryDoc>,
    billing: BillingDoc,
    item: Vec<ItemDoc>,
    #[serde(default)]
    rule: Vec<RuleDoc>,
    #[serde(default)]
    area: Vec<AreaDoc>,
    #[serde(default)]
    platform: Vec<PlatformDoc>,
    #[serde(default)]
    procedure: Option<ProcedureDoc>,
    #[serde(default)]
    commitment: Option<TextDoc>,
    #[serde(default)]
    labour_relation_statement: Option<TextDoc>,
}

/// `[scheme.commitment]`, `[scheme.labour_relation_statement]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextDoc {
    text_zh: String,
    text_en: String,
    #[serde(flatten)]
    cite: CiteDoc,
}

/// `[scheme.procedure]`: parameter keys of the procedure's time limits.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcedureDoc {
    #[serde(default)]
    platform_days: Option<String>,
    #[serde(default)]
    worker_days: Option<String>,
    #[serde(default)]
    decision_days: Option<String>,
    #[serde(default)]
    decision_in_working_days: Option<bool>,
    #[serde(default)]
    claim_days: Option<String>,
    #[serde(default)]
    review_days: Option<String>,
    #[serde(default)]
    payout_days: Option<String>,
    #[serde(flatten)]
    cite: CiteDoc,
}

fn own_wage() -> BenefitWageBasis {
    BenefitWageBasis::OwnWage
}
fn no_subsidies() -> TerminationSubsidies {
    TerminationSubsidies::None
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryDoc {
    category: Category,
    #[serde(default)]
    until: Option<toml::value::Datetime>,
    #[serde(default)]
    min_age: Option<String>,
    #[serde(default)]
    max_age: Option<String>,
    #[serde(default)]
    retirement_grace_months: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CiteDoc {
    #[serde(default)]
    instrument: Option<String>,
    #[serde(default)]
    article: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    confidence: Option<Confidence>,
    #[serde(default)]
    status: Status,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BillingDoc {
    kind: String,
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    base_lower: Option<String>,
    #[serde(default)]
    base_upper: Option<String>,
    #[serde(default)]
    rate: Option<String>,
    #[serde(default)]
    price_per_day: Option<String>,
    #[serde(default)]
    subsidy_share: Option<String>,
    #[serde(default)]
    prices: Vec<OrderPrice>,
    #[serde(flatten)]
    cite: CiteDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemDoc {
    item: Item,
    payer: Payer,
    #[serde(default)]
    grades: Option<Vec<u8>>,
    #[serde(flatten)]
    cite: CiteDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDoc {
    rule: String,
    #[serde(flatten)]
    cite: CiteDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaDoc {
    prefix: String,
    from: toml::value::Datetime,
    #[serde(flatten)]
    cite: CiteDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformDoc {
    name: String,
    industries: Vec<OrderIndustry>,
    #[serde(default)]
    platform_class: Option<String>,
    from: toml::value::Datetime,
    #[serde(default)]
    renamed: Vec<RenameDoc>,
    #[serde(flatten)]
    cite: CiteDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RenameDoc {
    name: String,
    on: toml::value::Datetime,
}

fn date_of(d: &toml::value::Datetime, what: &str) -> Result<Date, String> {
    d.to_string()
        .parse()
        .map_err(|_| format!("{what} = {d} is not a date like 2021-04-01"))
}

impl SchemeDoc {
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// Validates the entry against the parameters already loaded; `keys` says
    /// whether a parameter key exists in the scheme's jurisdiction.
    pub(crate) fn build(
        self,
        jurisdiction: &str,
        file: &str,
        has_key: &dyn Fn(&str) -> bool,
    ) -> Result<Scheme, String> {
        let id = crate::SchemeId::parse(&self.id).map_err(|e| e.to_string())?;
        if id.jurisdiction() != jurisdiction || !self.id.contains('.') {
            return Err(format!(
                "scheme id {:?} must start with the jurisdiction \"{jurisdiction}.\"",
                self.id
            ));
        }
        let main = Citation {
            instrument: self.instrument,
            article: self.article,
            source: self.source,
            confidence: self.confidence,
            status: self.status,
            note: self.note,
        };
        check_citation(&main)?;
        let cite = |c: CiteDoc| -> Result<Citation, String> {
            let citation = Citation {
                instrument: c.instrument.unwrap_or_else(|| main.instrument.clone()),
                article: c.article.unwrap_or_else(|| main.article.clone()),
                source: c.source.unwrap_or_else(|| main.source.clone()),
                confidence: c.confidence.unwrap_or(main.confidence),
                status: c.status,
                note: c.note,
            };
            check_citation(&citation)?;
            Ok(citation)
        };
        let need_key = |key: &str, what: &str| -> Result<String, String> {
            if has_key(key) {
                Ok(key.to_owned())
            } else {
                Err(format!(
                    "{what} names parameter {key:?}, which is not defined in jurisdiction {jurisdiction}"
                ))
            }
        };
        let mut categories = Vec::new();
        for c in self.category {
            if categories
                .iter()
                .any(|x: &CategoryRule| x.category == c.category)
            {
                return Err(format!("category {} is listed twice", c.category));
            }
            categories.push(CategoryRule {
                category: c.category,
                until: c
                    .until
                    .as_ref()
                    .map(|u| date_of(u, "category.until"))
                    .transpose()?,
                min_age: c.min_age.map(|k| need_key(&k, "min_age")).transpose()?,
                max_age: c.max_age.map(|k| need_key(&k, "max_age")).transpose()?,
                retirement_grace_months: c
                    .retirement_grace_months
                    .map(|k| need_key(&k, "retirement_grace_months"))
                    .transpose()?,
            });
        }
        if categories.is_empty() {
            return Err("a scheme needs at least one [[scheme.category]]".into());
        }
        let b = self.billing;
        let billing = match b.kind.as_str() {
            "monthly_wage" => {
                let base = match (b.base.as_deref(), b.base_lower, b.base_upper) {
                    (Some("declared"), None, None) => WageBase::Declared,
                    (None, Some(lower), Some(upper)) => WageBase::Band {
                        lower: need_key(&lower, "billing.base_lower")?,
                        upper: need_key(&upper, "billing.base_upper")?,
                    },
                    (Some(key), None, None) => WageBase::Fixed { base: need_key(key, "billing.base")? },
                    _ => return Err("monthly_wage billing needs base = \"declared\", base = <parameter>, or base_lower and base_upper".into()),
                };
                let rate =
                    match b.rate.as_deref() {
                        Some("industry_class") => RateSource::IndustryClass,
                        Some(key) => RateSource::Param {
                            key: need_key(key, "billing.rate")?,
                        },
                        None => return Err(
                            "monthly_wage billing needs rate = \"industry_class\" or a parameter"
                                .into(),
                        ),
                    };
                Billing::MonthlyWage { base, rate }
            }
            "per_day" => Billing::PerDay {
                price_per_day: need_key(
                    b.price_per_day
                        .as_deref()
                        .ok_or("per_day billing needs price_per_day")?,
                    "billing.price_per_day",
                )?,
                subsidy_share: need_key(
                    b.subsidy_share
                        .as_deref()
                        .ok_or("per_day billing needs subsidy_share")?,
                    "billing.subsidy_share",
                )?,
            },
            "per_order" => {
                if b.prices.is_empty() {
                    return Err("per_order billing needs prices".into());
                }
                for p in &b.prices {
                    need_key(&p.price, "billing.prices")?;
                }
                Billing::PerOrder { prices: b.prices }
            }
            other => {
                return Err(format!(
                    "billing kind {other:?} is not one of monthly_wage, per_day, per_order"
                ));
            }
        };
        let billing_citation = cite(b.cite)?;
        let mut items = Vec::new();
        for i in self.item {
            let overlaps = |x: &ItemRule| match (&x.grades, &i.grades) {
                (Some(a), Some(b)) => a.iter().any(|g| b.contains(g)),
                _ => true,
            };
            if items
                .iter()
                .any(|x: &ItemRule| x.item == i.item && overlaps(x))
            {
                return Err(format!(
                    "item {} is listed twice for the same grades",
                    i.item.name()
                ));
            }
            if let Some(grades) = &i.grades
                && (grades.is_empty() || grades.iter().any(|g| !(1..=10).contains(g)))
            {
                return Err(format!(
                    "item {}: grades must list grades 1 to 10",
                    i.item.name()
                ));
            }
            items.push(ItemRule {
                item: i.item,
                payer: i.payer,
                grades: i.grades,
                citation: cite(i.cite)?,
            });
        }
        let text = |doc: Option<TextDoc>| -> Result<Option<SchemeText>, String> {
            doc.map(|d| {
                if d.text_zh.trim().is_empty() || d.text_en.trim().is_empty() {
                    return Err("a scheme text needs text_zh and text_en".to_owned());
                }
                Ok(SchemeText {
                    text_zh: d.text_zh,
                    text_en: d.text_en,
                    citation: cite(d.cite)?,
                })
            })
            .transpose()
        };
        let commitment = text(self.commitment)?;
        let labour_relation_statement = text(self.labour_relation_statement)?;
        let rules = self
            .rule
            .into_iter()
            .map(|r| {
                Ok(StatedRule {
                    rule: r.rule,
                    citation: cite(r.cite)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let areas = self
            .area
            .into_iter()
            .map(|a| {
                if a.prefix.len() != 2 || !a.prefix.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!(
                        "area prefix {:?} must be a two-digit province code",
                        a.prefix
                    ));
                }
                Ok(Area {
                    from: date_of(&a.from, "area.from")?,
                    prefix: a.prefix,
                    citation: cite(a.cite)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let platforms = self
            .platform
            .into_iter()
            .map(|p| {
                let from = date_of(&p.from, "platform.from")?;
                let mut renamed = Vec::new();
                for r in p.renamed {
                    let on = date_of(&r.on, "platform.renamed.on")?;
                    if on <= from || renamed.iter().any(|x: &Rename| x.on >= on) {
                        return Err(format!(
                            "platform {}: renames come after it joined and in date order",
                            p.name
                        ));
                    }
                    renamed.push(Rename { name: r.name, on });
                }
                Ok(Platform {
                    from,
                    name: p.name,
                    industries: p.industries,
                    platform_class: p.platform_class,
                    citation: cite(p.cite)?,
                    renamed,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mut names = std::collections::BTreeSet::new();
        for p in &platforms {
            for n in std::iter::once(&p.name).chain(p.renamed.iter().map(|r| &r.name)) {
                if !names.insert(n.clone()) {
                    return Err(format!("platform name {n} is used twice"));
                }
            }
        }
        if self.benefit_wage_basis == BenefitWageBasis::PrivateAverageShare {
            need_key(
                KEY_BASE_SHARE,
                "benefit_wage_basis = \"private_average_share\"",
            )?;
            for key in KEY_ONE_TIME_ALLOWANCE_MONTHS {
                need_key(key, "benefit_wage_basis = \"private_average_share\"")?;
            }
        }
        let max_payout = self
            .max_payout
            .map(|k| need_key(&k, "max_payout"))
            .transpose()?;
        let procedure = match (self.claim_procedure, self.procedure) {
            (ClaimProcedure::InjuryDetermination, None) => None,
            (ClaimProcedure::InjuryDetermination, Some(_)) => {
                return Err("[scheme.procedure] is for confirmation and insurer-claim schemes; injury determination's limits are statutory".into());
            }
            (_, None) => {
                return Err(format!(
                    "claim_procedure = {:?} needs a [scheme.procedure] with its time limits",
                    self.claim_procedure
                ));
            }
            (procedure, Some(p)) => {
                let key = |k: Option<String>, what: &str| -> Result<String, String> {
                    let k = k.ok_or_else(|| format!("[scheme.procedure] needs {what}"))?;
                    need_key(&k, &format!("procedure.{what}"))
                };
                let limits = if procedure == ClaimProcedure::OccupationalInjuryConfirmation {
                    if p.claim_days.is_some() || p.review_days.is_some() || p.payout_days.is_some()
                    {
                        return Err("a confirmation procedure takes platform_days, worker_days, decision_days and decision_in_working_days".into());
                    }
                    ProcedureKeys::Confirmation {
                        platform_days: key(p.platform_days, "platform_days")?,
                        worker_days: key(p.worker_days, "worker_days")?,
                        decision_days: key(p.decision_days, "decision_days")?,
                        decision_in_working_days: p
                            .decision_in_working_days
                            .ok_or("[scheme.procedure] needs decision_in_working_days")?,
                    }
                } else {
                    if p.platform_days.is_some()
                        || p.worker_days.is_some()
                        || p.decision_days.is_some()
                        || p.decision_in_working_days.is_some()
                    {
                        return Err("an insurer-claim procedure takes claim_days, review_days and payout_days".into());
                    }
                    ProcedureKeys::InsurerClaim {
                        claim_days: key(p.claim_days, "claim_days")?,
                        review_days: key(p.review_days, "review_days")?,
                        payout_days: key(p.payout_days, "payout_days")?,
                    }
                };
                Some(Procedure {
                    limits,
                    citation: cite(p.cite)?,
                })
            }
        };
        let from = date_of(&self.from, "from")?;
        let until = self
            .until
            .as_ref()
            .map(|u| date_of(u, "until"))
            .transpose()?;
        if until.is_some_and(|u| u <= from) {
            return Err("until must come after from".into());
        }
        Ok(Scheme {
            id,
            jurisdiction: jurisdiction.to_owned(),
            name_zh: self.name_zh,
            name_en: self.name_en,
            citation: main,
            from,
            until,
            categories,
            excludes_labour_relation: self.excludes_labour_relation,
            excludes_covered_by_regulations: self.excludes_covered_by_regulations,
            billing,
            billing_citation,
            premium_payers: self.premium_payers,
            cover_starts: self.cover_starts,
            back_pay_allowed: self.back_pay_allowed,
            refund_allowed: self.refund_allowed,
            claim_procedure: self.claim_procedure,
            benefit_family: self.benefit_family,
            benefit_wage_basis: self.benefit_wage_basis,
            termination_subsidies: self.termination_subsidies,
            survivors_choose_pension: self.survivors_choose_pension,
            medical_subsidy_on_application: self.medical_subsidy_on_application,
            offsets_existing_allowance: self.offsets_existing_allowance,
            max_payout,
            items,
            rules,
            areas,
            platforms,
            procedure,
            commitment,
            labour_relation_statement,
            file: file.to_owned(),
        })
    }
}

fn check_citation(c: &Citation) -> Result<(), String> {
    if c.confidence == Confidence::Inferred && c.status == Status::Confirmed {
        return Err(
            "an INF citation must be marked status = \"assumed\" or \"illustrative\"".into(),
        );
    }
    if c.status != Status::Confirmed && c.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err("an assumed or illustrative rule needs a note saying why".into());
    }
    Ok(())
}
