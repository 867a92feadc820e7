//! The handling deadlines of the Regulation on the handling of social
//! insurance (社会保险经办条例, State Council Decree No. 765, in force
//! 2023-12-01) that run from a day someone else chose:
//!
//! - Art 25: a stop-benefit event (a death, a remarriage, a dependant turning
//!   18, a basic pension starting) is told to the agency by the unit, the
//!   recipient or a relative within 20 working days of the day it happened
//!   (自相关情形发生之日起20个工作日内告知).
//! - Arts 6 and 10: the agency completes a person's registration, and its
//!   change or cancellation, within 10 working days of the day it received
//!   the application (自收到申请之日起10个工作日内办理完毕). The period runs
//!   from the application's receipt, not from the employment's start or
//!   end, and binds the agency (DESIGN.md, "Decree 765 Arts 6 and 10").
//!
//! Working days are counted on the holiday calendar; the period's last day
//! is due.

use jiff::civil::Date;
use serde::Serialize;

use crate::deadline::{Deadline, DeadlineKind, working_day_deadline};
use crate::error::DomainError;
use crate::holidays::HolidayCalendar;

/// The article of the stop-benefit report's limit.
pub const DECREE_765_ART_25: &str = "社会保险经办条例第二十五条";
/// The article of a registration's limit.
pub const DECREE_765_ART_6: &str = "社会保险经办条例第六条第二款";
/// The article of a change or cancellation's limit.
pub const DECREE_765_ART_10: &str = "社会保险经办条例第十条";

/// The day a stop-benefit event must be told to the agency by: `working_days`
/// (`handling.stop_benefit_report_working_days`, 20) working days after the
/// day it happened (Art 25).
pub fn stop_report_deadline(
    calendar: &HolidayCalendar,
    event_on: Date,
    working_days: i64,
) -> Result<Deadline, DomainError> {
    working_day_deadline(
        calendar,
        DeadlineKind::StopBenefitReport,
        event_on,
        working_days,
        0,
        DECREE_765_ART_25,
    )
}

/// What a unit applies for about a person's registration.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationKind {
    /// The person's insurance starts with the unit (登记, Art 6).
    Start,
    /// The person's insurance with the unit ends (注销, Art 10).
    End,
}

impl RegistrationKind {
    pub const ALL: [RegistrationKind; 2] = [RegistrationKind::Start, RegistrationKind::End];

    pub const fn as_str(self) -> &'static str {
        match self {
            RegistrationKind::Start => "start",
            RegistrationKind::End => "end",
        }
    }

    pub fn parse(text: &str) -> Result<RegistrationKind, String> {
        match text {
            "start" => Ok(RegistrationKind::Start),
            "end" => Ok(RegistrationKind::End),
            other => Err(format!(
                "{other:?} is not a registration; expected start or end"
            )),
        }
    }

    /// The article whose 10 working days apply.
    pub const fn article(self) -> &'static str {
        match self {
            RegistrationKind::Start => DECREE_765_ART_6,
            RegistrationKind::End => DECREE_765_ART_10,
        }
    }
}

/// The day the agency must complete a registration by: `working_days`
/// (`handling.registration_working_days`, 10) working days after the day it
/// received the application (Arts 6, 10).
pub fn registration_deadline(
    calendar: &HolidayCalendar,
    kind: RegistrationKind,
    received_on: Date,
    working_days: i64,
) -> Result<Deadline, DomainError> {
    working_day_deadline(
        calendar,
        DeadlineKind::RegistrationHandling,
        received_on,
        working_days,
        0,
        kind.article(),
    )
}

/// The article of the record of dishonest acts.
pub const DECREE_765_ART_45: &str = "社会保险经办条例第四十五条第二款";

/// Who a dishonest act is recorded against (Art 45(2): 用人单位、个人和社会保险
/// 服务机构).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditSubjectKind {
    /// A unit, by its credit code.
    Unit,
    /// A person, by their resident id.
    Person,
    /// An agreement institution (a social-insurance service provider), by
    /// its code.
    Institution,
}

impl CreditSubjectKind {
    pub const ALL: [CreditSubjectKind; 3] = [
        CreditSubjectKind::Unit,
        CreditSubjectKind::Person,
        CreditSubjectKind::Institution,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CreditSubjectKind::Unit => "unit",
            CreditSubjectKind::Person => "person",
            CreditSubjectKind::Institution => "institution",
        }
    }

    pub fn parse(text: &str) -> Result<CreditSubjectKind, String> {
        CreditSubjectKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| {
                format!("{text:?} is not a subject; expected unit, person or institution")
            })
    }
}

/// The concrete record a dishonest act rests on: an officer records none
/// without one.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditSource {
    /// An appraisal conclusion revoked (Order No. 55 Art 31: obtained by
    /// fraud or forged materials), by the revision's id.
    RevokedConclusion,
    /// An overpayment (Decree 765 Art 46) the officer found obtained by
    /// fraud (Art 55), by its id.
    FraudOverpayment,
    /// A monitoring alert closed as confirmed, by its id.
    AlertConfirmed,
    /// An agreement institution whose payments are suspended (Art 43), by
    /// its code.
    ProviderSuspended,
}

impl CreditSource {
    pub const ALL: [CreditSource; 4] = [
        CreditSource::RevokedConclusion,
        CreditSource::FraudOverpayment,
        CreditSource::AlertConfirmed,
        CreditSource::ProviderSuspended,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CreditSource::RevokedConclusion => "revoked_conclusion",
            CreditSource::FraudOverpayment => "fraud_overpayment",
            CreditSource::AlertConfirmed => "alert_confirmed",
            CreditSource::ProviderSuspended => "provider_suspended",
        }
    }

    pub fn parse(text: &str) -> Result<CreditSource, String> {
        CreditSource::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "{text:?} is not a source; expected revoked_conclusion, fraud_overpayment, alert_confirmed or provider_suspended"
                )
            })
    }

    /// The subjects a source can name.
    pub const fn subjects(self) -> &'static [CreditSubjectKind] {
        match self {
            CreditSource::RevokedConclusion
            | CreditSource::FraudOverpayment
            | CreditSource::AlertConfirmed => &[CreditSubjectKind::Unit, CreditSubjectKind::Person],
            CreditSource::ProviderSuspended => &[CreditSubjectKind::Institution],
        }
    }
}

/// A change of a record: its act or article corrected, or the record
/// withdrawn (it stays, marked withdrawn).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditChange {
    Correct,
    Withdraw,
}

impl CreditChange {
    pub const fn as_str(self) -> &'static str {
        match self {
            CreditChange::Correct => "correct",
            CreditChange::Withdraw => "withdraw",
        }
    }

    pub fn parse(text: &str) -> Result<CreditChange, String> {
        match text {
            "correct" => Ok(CreditChange::Correct),
            "withdraw" => Ok(CreditChange::Withdraw),
            other => Err(format!(
                "{other:?} is not a change; expected correct or withdraw"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// A death on Friday 2026-09-25: the National Day week (2026-10-01 to
    /// 10-07, with 2026-09-20 and 10-10 worked) does not count, so the 20th
    /// working day is 2026-10-30 on the shipped calendar.
    #[test]
    fn decree765_art25_twenty_working_days_from_the_event_skip_holidays() {
        let calendar = HolidayCalendar::embedded().unwrap();
        let d = stop_report_deadline(&calendar, date(2026, 9, 25), 20).unwrap();
        assert_eq!(d.kind, DeadlineKind::StopBenefitReport);
        assert_eq!(d.from, date(2026, 9, 25));
        assert!(d.working_days);
        assert_eq!(d.article, DECREE_765_ART_25);
        // Counted by hand against the calendar.
        let mut day = date(2026, 9, 25);
        let mut n = 0;
        while n < 20 {
            day = day.tomorrow().unwrap();
            if calendar.is_working_day(day) {
                n += 1;
            }
        }
        assert_eq!(d.due, day);
        assert!(d.due > date(2026, 10, 22), "the holiday week is skipped");
    }

    #[test]
    fn decree765_art6_art10_ten_working_days_from_the_application_received() {
        let calendar = HolidayCalendar::embedded().unwrap();
        // Monday 2026-03-02: two plain weeks later is Monday 2026-03-16.
        let start = registration_deadline(&calendar, RegistrationKind::Start, date(2026, 3, 2), 10)
            .unwrap();
        assert_eq!(start.due, date(2026, 3, 16));
        assert_eq!(start.article, DECREE_765_ART_6);
        let end =
            registration_deadline(&calendar, RegistrationKind::End, date(2026, 3, 2), 10).unwrap();
        assert_eq!(end.due, date(2026, 3, 16));
        assert_eq!(end.article, DECREE_765_ART_10);
        assert_eq!(
            RegistrationKind::parse("end").unwrap(),
            RegistrationKind::End
        );
        assert!(RegistrationKind::parse("stop").is_err());
    }
}
