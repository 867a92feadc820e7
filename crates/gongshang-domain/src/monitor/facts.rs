//! The facts the monitoring rules read: plain records, gathered set-wise by
//! the store (its SQL groups and joins; nothing here is loaded row by row).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The cover a case relies on: a cover row of the person that includes the
/// accident day, with the payment behind it (if any).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverAtAccident {
    pub case_number: String,
    pub person: String,
    pub scheme_id: gongshang_rules::SchemeId,
    pub accident_date: Date,
    pub cover_id: i64,
    pub cover_start: Date,
    pub cover_end: Date,
    /// The payment behind the cover and the day the agency received it.
    pub payment_id: Option<i64>,
    pub paid_on: Option<Date>,
    /// The latest end of an earlier cover of the person under the scheme
    /// (starting before this one): when it ends the day before this one
    /// starts, this cover only continues it.
    pub earlier_end: Option<Date>,
}

/// Two enrolments of one person by two different units whose periods
/// overlap (an open end runs on).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverlappingEnrolments {
    pub person: String,
    pub first_enrolment: i64,
    pub first_unit: String,
    pub first_start: Date,
    pub first_end: Option<Date>,
    pub second_enrolment: i64,
    pub second_unit: String,
    pub second_start: Date,
    pub second_end: Option<Date>,
}

/// One person's orders on one day (China time), across all platforms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDay {
    pub person: String,
    pub day: Date,
    /// Minutes after midnight (China time) of the first and last order.
    pub first_minute: i64,
    pub last_minute: i64,
    pub orders: i64,
    pub platforms: i64,
}

/// The cases of one person with one accident day (two or more).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SameAccident {
    pub person: String,
    pub accident_date: Date,
    /// (case number, scheme id), in case-number order.
    pub cases: Vec<(String, String)>,
}

/// The cases of one person with two or more different accident days, in
/// accident-day then case-number order (repeated_injuries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonInjuries {
    pub person: String,
    /// (case number, accident day).
    pub cases: Vec<(String, Date)>,
}

/// A unit's cases with a disability grade (an appraisal concluded with a
/// grade 1-10), beside how many people the unit has ever enrolled
/// (small_unit_disability_claims).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitDisabilityClaims {
    pub unit: String,
    /// Distinct people the unit has ever enrolled.
    pub headcount: i64,
    /// Case numbers with a disability grade, in order.
    pub cases: Vec<String>,
}

/// The cases of one unit (the place of work) with two or more cases, in
/// accident-day then case-number order (clustered_claims).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCases {
    pub unit: String,
    /// (case number, person, accident day).
    pub cases: Vec<(String, String, Date)>,
}

/// A unit's industry class, how many people it has ever enrolled, and its
/// cases with their accident days, for units with two or more cases
/// (industry_class_vs_cases).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitClassCases {
    pub unit: String,
    /// The risk class 1-8 the unit is rated in (人社部发〔2015〕71号).
    pub industry_class: i64,
    /// Distinct people the unit has ever enrolled.
    pub headcount: i64,
    /// (case number, accident day), in accident-day then number order.
    pub cases: Vec<(String, Date)>,
}

/// The people a unit enrolled (an enrolment active in the window) who took
/// orders in the window, grouped by the order industry holding more than
/// half of each person's orders there (industry_class_vs_orders). The store
/// aggregates every order of the window in SQL; one row per unit and
/// industry, never per order or per person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOrderIndustry {
    pub unit: String,
    /// The risk class 1-8 the unit is rated in (人社部发〔2015〕71号).
    pub industry_class: i64,
    /// The order industry as stored (`ride_hailing`, `instant_delivery`,
    /// `intra_city_freight`); `None` for the people none of whose
    /// industries holds more than half of their orders.
    pub industry: Option<String>,
    /// The window, first and last day inclusive (China days).
    pub from: Date,
    pub to: Date,
    /// Distinct people in this group.
    pub people: i64,
    /// Their orders in the window in `industry` (in every industry when
    /// `industry` is `None`).
    pub orders: i64,
    /// A few of these people (resident ids) with their orders in the
    /// industry, most orders first: the evidence a clerk opens.
    pub examples: Vec<(String, i64)>,
}

/// A platform's declared month beside its stored orders of the month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformMonth {
    pub platform: String,
    /// `YYYY-MM`.
    pub month: String,
    pub declared_orders: i64,
    pub declared_premium_fen: i64,
    pub stored_orders: i64,
    pub stored_premium_fen: i64,
}

/// A unit's declaration lines of one month: how many, and how many had a
/// declared wage under the band's lower limit (the base clamped up to it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitWageMonth {
    pub unit: String,
    pub month: String,
    pub lines: i64,
    pub clamped_lines: i64,
}

/// A platform's month in the platform pilot's scheme: premiums collected
/// from it and benefits paid on the cases confirmed on its orders, read from
/// the ledger (payout_ratio; issue 12).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformPayout {
    pub platform: String,
    /// `YYYY-MM`.
    pub month: String,
    pub collected_fen: i64,
    pub benefits_fen: i64,
}

/// A periodic benefit the payroll paid for months after a life event that
/// ended or reduced it, as a shared-data matching run found it (a hit with
/// months overpaid; Decree 765 Arts 9, 26, 46; benefit_after_life_event).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidAfterLifeEvent {
    /// The matching hit.
    pub hit_id: i64,
    /// The beneficiary's resident id.
    pub person: String,
    pub case_number: String,
    pub benefit_id: i64,
    /// `death`, `remarriage`, `dependant_turns_18`, `pension_start`,
    /// `employment`, `enlistment`, `adoption`.
    pub rule: String,
    pub on: Date,
    pub overpaid_fen: i64,
    pub overpaid_months: i64,
    pub overpayment_reference: Option<String>,
}

/// Every fact of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorFacts {
    pub covers_at_accident: Vec<CoverAtAccident>,
    pub overlapping_enrolments: Vec<OverlappingEnrolments>,
    pub long_days: Vec<PersonDay>,
    pub same_accidents: Vec<SameAccident>,
    pub platform_months: Vec<PlatformMonth>,
    pub unit_wage_months: Vec<UnitWageMonth>,
    #[serde(default)]
    pub person_injuries: Vec<PersonInjuries>,
    #[serde(default)]
    pub unit_disability_claims: Vec<UnitDisabilityClaims>,
    #[serde(default)]
    pub unit_cases: Vec<UnitCases>,
    #[serde(default)]
    pub platform_payouts: Vec<PlatformPayout>,
    #[serde(default)]
    pub paid_after_life_events: Vec<PaidAfterLifeEvent>,
    #[serde(default)]
    pub unit_class_cases: Vec<UnitClassCases>,
    #[serde(default)]
    pub unit_order_industries: Vec<UnitOrderIndustry>,
}
