//! Shared-data matching (共享数据比对; 社会保险经办条例, State Council Decree
//! No. 765, Arts 9 and 26): what a life event another body reports (a
//! death, a marriage, a basic pension starting) or a birthday read from a
//! resident id ends on a periodic benefit, and from which month.
//!
//! Pure: the store gathers the benefit, the months the payroll paid it and
//! the events of its beneficiary; [`decide`] returns what ends (or changes)
//! and the months already paid that were not owed. The app ends the benefit
//! and records the overpayment (Decree 765 Art 46) in one transaction.

use gongshang_rules::{Item, Money};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::month::Month;

/// What another body reports about a person.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifeEventKind {
    /// A death (public security, civil affairs).
    Death,
    /// A marriage (civil affairs): a surviving spouse's remarriage.
    Marriage,
    /// A basic pension starts (the pension agency), with its monthly amount.
    PensionStart,
    /// A sign of life in another body's data (a medical settlement, a
    /// pension drawn): eligibility verified by data matching (Art 26).
    Alive,
    /// Employment taken up (an enrolment as an employee in the social
    /// insurance register): a survivor's pension stops (劳社部令第18号 Art 4(2): 就业).
    Employment,
    /// Enlistment in the army (the military service organs): a survivor's
    /// pension stops (劳社部令第18号 Art 4(2): 参军).
    Enlistment,
    /// Adoption by another person or an organisation (civil affairs): a
    /// survivor's pension stops (劳社部令第18号 Art 4(4): 被他人或组织收养).
    Adoption,
}

impl LifeEventKind {
    pub const ALL: &'static [LifeEventKind] = &[
        LifeEventKind::Death,
        LifeEventKind::Marriage,
        LifeEventKind::PensionStart,
        LifeEventKind::Alive,
        LifeEventKind::Employment,
        LifeEventKind::Enlistment,
        LifeEventKind::Adoption,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            LifeEventKind::Death => "death",
            LifeEventKind::Marriage => "marriage",
            LifeEventKind::PensionStart => "pension_start",
            LifeEventKind::Alive => "alive",
            LifeEventKind::Employment => "employment",
            LifeEventKind::Enlistment => "enlistment",
            LifeEventKind::Adoption => "adoption",
        }
    }

    pub fn parse(text: &str) -> Result<LifeEventKind, String> {
        LifeEventKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "{text:?} is not a life event; expected death, marriage, pension_start, alive, employment, enlistment or adoption"
                )
            })
    }
}

/// Who a periodic benefit is paid to, from its beneficiary label.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BeneficiaryRole {
    /// The injured worker (disability allowance, living care).
    Worker,
    /// The deceased worker's spouse (a survivor's pension).
    Spouse,
    /// Another dependant (a child, a parent, ...).
    Dependant,
}

impl BeneficiaryRole {
    /// `worker`, `spouse`, `dependant-N` (the labels awards give).
    pub fn of_label(label: &str) -> Option<BeneficiaryRole> {
        match label {
            "worker" => Some(BeneficiaryRole::Worker),
            "spouse" => Some(BeneficiaryRole::Spouse),
            l if l.starts_with("dependant-") => Some(BeneficiaryRole::Dependant),
            _ => None,
        }
    }
}

/// Why a dependant's pension goes on past 18 (劳社部令第18号 Art 3: a
/// dependant fully unable to work; local rules extend it while at school).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeException {
    Study,
    Disability,
}

impl AgeException {
    pub const fn as_str(self) -> &'static str {
        match self {
            AgeException::Study => "study",
            AgeException::Disability => "disability",
        }
    }

    pub fn parse(text: &str) -> Result<AgeException, String> {
        match text {
            "study" => Ok(AgeException::Study),
            "disability" => Ok(AgeException::Disability),
            other => Err(format!(
                "{other:?} is not an exception; expected study or disability"
            )),
        }
    }
}

/// A periodic benefit in payment as the matching reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenefitInPayment {
    pub benefit_id: i64,
    pub item: Item,
    pub role: BeneficiaryRole,
    /// The last month it is paid, when already known.
    pub end_month: Option<Month>,
    /// The beneficiary's birth date (from the resident id), when known.
    pub birth_date: Option<Date>,
    pub age_exception: Option<AgeException>,
    /// (month, amount) the payroll paid, in order.
    pub paid: Vec<(Month, Money)>,
    /// (from month, monthly amount), in order.
    pub amounts: Vec<(Month, Money)>,
}

/// A life event of the beneficiary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LifeEvent {
    pub id: i64,
    pub kind: LifeEventKind,
    pub on: Date,
    /// A basic pension's monthly amount (pension_start only).
    pub pension_monthly: Option<Money>,
}

/// The rule that fired.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRule {
    /// The beneficiary died: paid for the month of death, not after.
    Death,
    /// A surviving spouse remarried: paid for the month, not after.
    Remarriage,
    /// A dependant turned 18: paid up to the month before the birthday's month.
    TurnedEighteen,
    /// A grade 1-4 worker draws a basic pension: the allowance becomes the
    /// difference above it (nothing when the pension is not lower).
    PensionStart,
    /// A survivor took up employment: paid for the month, not after.
    Employment,
    /// A survivor enlisted in the army: paid for the month, not after.
    Enlistment,
    /// A survivor was adopted by another person or an organisation: paid
    /// for the month, not after.
    Adoption,
}

impl MatchRule {
    pub const fn as_str(self) -> &'static str {
        match self {
            MatchRule::Death => "death",
            MatchRule::Remarriage => "remarriage",
            MatchRule::TurnedEighteen => "dependant_turns_18",
            MatchRule::PensionStart => "pension_start",
            MatchRule::Employment => "employment",
            MatchRule::Enlistment => "enlistment",
            MatchRule::Adoption => "adoption",
        }
    }

    /// Every rule, in the order forms list them.
    pub const ALL: &'static [MatchRule] = &[
        MatchRule::Death,
        MatchRule::Remarriage,
        MatchRule::TurnedEighteen,
        MatchRule::PensionStart,
        MatchRule::Employment,
        MatchRule::Enlistment,
        MatchRule::Adoption,
    ];

    /// The life event a report of this rule stands for (none for age 18,
    /// read from the birthday).
    pub const fn life_event(self) -> Option<LifeEventKind> {
        match self {
            MatchRule::Death => Some(LifeEventKind::Death),
            MatchRule::Remarriage => Some(LifeEventKind::Marriage),
            MatchRule::PensionStart => Some(LifeEventKind::PensionStart),
            MatchRule::Employment => Some(LifeEventKind::Employment),
            MatchRule::Enlistment => Some(LifeEventKind::Enlistment),
            MatchRule::Adoption => Some(LifeEventKind::Adoption),
            MatchRule::TurnedEighteen => None,
        }
    }

    /// The event in Chinese, as staff pages and alerts name it.
    pub const fn label_zh(self) -> &'static str {
        match self {
            MatchRule::Death => "死亡",
            MatchRule::Remarriage => "配偶再婚",
            MatchRule::TurnedEighteen => "子女年满18周岁",
            MatchRule::PensionStart => "领取基本养老金",
            MatchRule::Employment => "就业",
            MatchRule::Enlistment => "参军",
            MatchRule::Adoption => "被他人或组织收养",
        }
    }

    /// The event in English.
    pub const fn label_en(self) -> &'static str {
        match self {
            MatchRule::Death => "death",
            MatchRule::Remarriage => "remarriage",
            MatchRule::TurnedEighteen => "a dependant turned 18",
            MatchRule::PensionStart => "a basic pension started",
            MatchRule::Employment => "took up employment",
            MatchRule::Enlistment => "enlisted in the army",
            MatchRule::Adoption => "adopted by another person or an organisation",
        }
    }

    pub fn parse(text: &str) -> Result<MatchRule, String> {
        MatchRule::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| format!("{text:?} is not a matching rule"))
    }

    /// The article the rule carries out.
    pub const fn article(self) -> &'static str {
        match self {
            MatchRule::Death => "工伤保险条例 Art 42; 劳社部令第18号 Art 4(5) (death)",
            MatchRule::Remarriage => {
                "工伤保险条例 Art 39(1)(2); 劳社部令第18号 Art 4(3) (remarriage)"
            }
            MatchRule::TurnedEighteen => {
                "工伤保险条例 Art 39(1)(2); 劳社部令第18号 Arts 3, 4(1) (age 18)"
            }
            MatchRule::PensionStart => "工伤保险条例 Art 35(3) (basic pension: the difference)",
            MatchRule::Employment => {
                "工伤保险条例 Art 39(1)(2); 劳社部令第18号 Art 4(2) (employment)"
            }
            MatchRule::Enlistment => {
                "工伤保险条例 Art 39(1)(2); 劳社部令第18号 Art 4(2) (enlistment)"
            }
            MatchRule::Adoption => "工伤保险条例 Art 39(1)(2); 劳社部令第18号 Art 4(4) (adoption)",
        }
    }
}

/// What a matching hit does to a benefit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatchDecision {
    pub benefit_id: i64,
    pub rule: MatchRule,
    /// The life event behind it (none for age 18, read from the id).
    pub event_id: Option<i64>,
    /// The day the event happened (the 18th birthday for age 18).
    pub on: Date,
    /// Ends: the last month paid. `None` for a pension start (it changes).
    pub last_month: Option<Month>,
    /// Changes: the new monthly amount from a month on (pension start).
    pub new_amount: Option<(Month, Money)>,
    /// Months already paid that were not owed, with the amount not owed.
    pub overpaid: Vec<(Month, Money)>,
}

impl MatchDecision {
    /// Paid and not owed.
    pub fn overpaid_total(&self) -> Money {
        self.overpaid
            .iter()
            .fold(Money::ZERO, |a, (_, m)| a.checked_add(*m).expect("fen"))
    }
}

/// The month before `m`.
pub fn previous_month(m: Month) -> Month {
    Month::of(m.first_day().yesterday().unwrap_or(m.first_day()))
}

/// The month of the 18th birthday; the pension is paid up to the month before.
pub fn eighteenth_birthday(birth: Date) -> Date {
    birth.saturating_add(jiff::Span::new().years(18))
}

fn ending(
    b: &BenefitInPayment,
    rule: MatchRule,
    event_id: Option<i64>,
    on: Date,
    last_month: Month,
) -> Option<MatchDecision> {
    // Already ended by then: nothing to do.
    if b.end_month.is_some_and(|end| end <= last_month) {
        return None;
    }
    let overpaid = b
        .paid
        .iter()
        .filter(|(m, _)| *m > last_month)
        .copied()
        .collect();
    Some(MatchDecision {
        benefit_id: b.benefit_id,
        rule,
        event_id,
        on,
        last_month: Some(last_month),
        new_amount: None,
        overpaid,
    })
}

/// What the events (in order) and the beneficiary's age end on a benefit in
/// payment: the earliest ending wins; a pension start on a disability
/// allowance changes it instead. `None` when nothing applies.
///
/// - A death ends every benefit of the beneficiary: paid for the month of
///   death, not after (条例 Art 42; 劳社部令第18号 Art 4(5)).
/// - A marriage ends a spouse's survivor's pension the same way (劳社部令第18号
///   Art 4(3): 再婚).
/// - Employment, enlistment or an adoption ends any survivor's pension (a
///   spouse's or a dependant's) the same way (劳社部令第18号 Art 4(2), 4(4)):
///   Art 4 is about those drawing a survivor's pension (领取抚恤金人员) and
///   makes no exception, so a dependant fully unable to work who takes up
///   employment stops too (the Art 4(1) exception is to the age of 18 only);
///   a worker's own employment ends none of the worker's benefits.
/// - A dependant's survivor's pension ends the month before the 18th
///   birthday's month, read from the resident id, unless a study or
///   disability exception is recorded (条例 Art 39; 劳社部令第18号 Arts 3, 4(1)).
/// - A basic pension starting turns the fund's grade 1-4 disability allowance
///   into the difference above the pension from the pension's month (条例
///   Art 35(3)); the months paid at the full allowance since are overpaid by
///   the pension's amount (at most the allowance).
pub fn decide(b: &BenefitInPayment, events: &[LifeEvent]) -> Option<MatchDecision> {
    let mut candidates: Vec<MatchDecision> = Vec::new();
    for e in events {
        let month = Month::of(e.on);
        let d = match (e.kind, b.role, b.item) {
            (LifeEventKind::Death, _, _) => ending(b, MatchRule::Death, Some(e.id), e.on, month),
            (LifeEventKind::Marriage, BeneficiaryRole::Spouse, Item::MonthlySurvivorPensions) => {
                ending(b, MatchRule::Remarriage, Some(e.id), e.on, month)
            }
            (
                LifeEventKind::PensionStart,
                BeneficiaryRole::Worker,
                Item::MonthlyDisabilityAllowance,
            ) => pension_start(b, e, month),
            (
                LifeEventKind::Employment | LifeEventKind::Enlistment | LifeEventKind::Adoption,
                BeneficiaryRole::Spouse | BeneficiaryRole::Dependant,
                Item::MonthlySurvivorPensions,
            ) => {
                let rule = match e.kind {
                    LifeEventKind::Employment => MatchRule::Employment,
                    LifeEventKind::Enlistment => MatchRule::Enlistment,
                    _ => MatchRule::Adoption,
                };
                ending(b, rule, Some(e.id), e.on, month)
            }
            _ => None,
        };
        candidates.extend(d);
    }
    if b.role == BeneficiaryRole::Dependant
        && b.item == Item::MonthlySurvivorPensions
        && b.age_exception.is_none()
        && let Some(birth) = b.birth_date
    {
        let eighteen = eighteenth_birthday(birth);
        let last = previous_month(Month::of(eighteen));
        candidates.extend(ending(b, MatchRule::TurnedEighteen, None, eighteen, last));
    }
    // An ending wins over a change; the earliest ending over a later one.
    candidates.sort_by_key(|d| (d.last_month.is_none(), d.last_month, d.on));
    candidates.into_iter().next()
}

fn pension_start(b: &BenefitInPayment, e: &LifeEvent, month: Month) -> Option<MatchDecision> {
    let pension = e.pension_monthly?;
    if b.end_month.is_some_and(|end| end < month) {
        return None;
    }
    let allowance_in = |m: Month| {
        b.amounts
            .iter()
            .rfind(|(from, _)| *from <= m)
            .map_or(Money::ZERO, |(_, a)| *a)
    };
    let top_up = |m: Month| Money::from_fen((allowance_in(m).fen() - pension.fen()).max(0));
    // A pension start changes a benefit once: the store keeps one hit per
    // (benefit, rule), and the app skips a benefit that has it.
    let overpaid: Vec<(Month, Money)> = b
        .paid
        .iter()
        .filter(|(m, _)| *m >= month)
        .map(|(m, paid)| (*m, Money::from_fen((paid.fen() - top_up(*m).fen()).max(0))))
        .filter(|(_, a)| *a > Money::ZERO)
        .collect();
    let from = b
        .paid
        .iter()
        .map(|(m, _)| *m)
        .max()
        .map_or(month, |last| last.next().max(month));
    Some(MatchDecision {
        benefit_id: b.benefit_id,
        rule: MatchRule::PensionStart,
        event_id: Some(e.id),
        on: e.on,
        last_month: None,
        new_amount: Some((from, top_up(from))),
        overpaid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    fn y(fen: i64) -> Money {
        Money::from_fen(fen)
    }

    /// Paid 2,550.00 a month from 2026-01 to `last` (inclusive).
    fn paid_to(last: &str) -> Vec<(Month, Money)> {
        let mut out = Vec::new();
        let mut month = m("2026-01");
        while month <= m(last) {
            out.push((month, y(255_000)));
            month = month.next();
        }
        out
    }

    fn benefit(item: Item, role: BeneficiaryRole, paid_last: &str) -> BenefitInPayment {
        BenefitInPayment {
            benefit_id: 7,
            item,
            role,
            end_month: None,
            birth_date: None,
            age_exception: None,
            paid: paid_to(paid_last),
            amounts: vec![(m("2026-01"), y(255_000))],
        }
    }

    fn event(kind: LifeEventKind, on: Date, pension: Option<i64>) -> LifeEvent {
        LifeEvent {
            id: 1,
            kind,
            on,
            pension_monthly: pension.map(y),
        }
    }

    struct Row {
        name: &'static str,
        benefit: BenefitInPayment,
        events: Vec<LifeEvent>,
        /// (rule, last month or the new amount's month, new amount fen, overpaid months, overpaid fen)
        expected: Option<(MatchRule, &'static str, Option<i64>, usize, i64)>,
    }

    /// Each row's decision: the rule, the last month paid (or the month the
    /// new amount starts), the new amount, and the months and fen overpaid.
    fn check(rows: Vec<Row>) {
        for row in rows {
            let got = decide(&row.benefit, &row.events).map(|d| {
                let month = d
                    .last_month
                    .or(d.new_amount.map(|(m, _)| m))
                    .unwrap()
                    .to_string();
                (
                    d.rule,
                    month,
                    d.new_amount.map(|(_, a)| a.fen()),
                    d.overpaid.len(),
                    d.overpaid_total().fen(),
                )
            });
            let want = row
                .expected
                .map(|(r, mo, a, n, f)| (r, mo.to_owned(), a, n, f));
            assert_eq!(got, want, "{}", row.name);
        }
    }

    /// The matching's decisions as data (Decree 765 Arts 9, 26; 条例 Arts
    /// 35(3), 39, 42; 劳社部令第18号 Arts 3, 4).
    #[test]
    fn decree765_art9_shared_data_ends_benefits_from_the_right_month_as_data() {
        use BeneficiaryRole::*;
        use Item::*;
        use LifeEventKind::*;
        let child = |birth: Date, exception: Option<AgeException>, paid: &str| BenefitInPayment {
            birth_date: Some(birth),
            age_exception: exception,
            ..benefit(MonthlySurvivorPensions, Dependant, paid)
        };
        let rows = vec![
            Row {
                // Died 2026-03-10, paid through 2026-05: March is owed, April
                // and May are not: 2 × 2,550.00 = 5,100.00.
                name: "art42_death_ends_the_allowance_after_the_month_of_death",
                benefit: benefit(MonthlyDisabilityAllowance, Worker, "2026-05"),
                events: vec![event(Death, date(2026, 3, 10), None)],
                expected: Some((MatchRule::Death, "2026-03", None, 2, 510_000)),
            },
            Row {
                // Reported before any month after it was paid: nothing overpaid.
                name: "art42_death_reported_in_time_overpays_nothing",
                benefit: benefit(MonthlyLivingCare, Worker, "2026-03"),
                events: vec![event(Death, date(2026, 3, 31), None)],
                expected: Some((MatchRule::Death, "2026-03", None, 0, 0)),
            },
            Row {
                // Remarried 2026-02-14, paid through 2026-04: March, April.
                name: "order18_art5_remarriage_ends_the_spouses_pension",
                benefit: benefit(MonthlySurvivorPensions, Spouse, "2026-04"),
                events: vec![event(Marriage, date(2026, 2, 14), None)],
                expected: Some((MatchRule::Remarriage, "2026-02", None, 2, 510_000)),
            },
            Row {
                name: "order18_art5_a_childs_marriage_ends_nothing_by_itself",
                benefit: benefit(MonthlySurvivorPensions, Dependant, "2026-04"),
                events: vec![event(Marriage, date(2026, 2, 14), None)],
                expected: None,
            },
            Row {
                name: "order18_art5_a_workers_marriage_ends_nothing",
                benefit: benefit(MonthlyDisabilityAllowance, Worker, "2026-04"),
                events: vec![event(Marriage, date(2026, 2, 14), None)],
                expected: None,
            },
            Row {
                // Born 2008-03-20: 18 on 2026-03-20, paid up to 2026-02;
                // paid through 2026-04: March and April overpaid.
                name: "art39_a_childs_pension_ends_the_month_before_18_from_the_id",
                benefit: child(date(2008, 3, 20), None, "2026-04"),
                events: vec![],
                expected: Some((MatchRule::TurnedEighteen, "2026-02", None, 2, 510_000)),
            },
            Row {
                name: "order18_art3_a_disabled_child_is_paid_past_18",
                benefit: child(date(2008, 3, 20), Some(AgeException::Disability), "2026-04"),
                events: vec![],
                expected: None,
            },
            Row {
                // Born 2010-03-20, 18 in 2028-03: the end is set ahead (last
                // month 2028-02), nothing overpaid.
                name: "art39_a_child_under_18_gets_the_end_set_ahead_from_the_id",
                benefit: child(date(2010, 3, 20), None, "2026-04"),
                events: vec![],
                expected: Some((MatchRule::TurnedEighteen, "2028-02", None, 0, 0)),
            },
            Row {
                // Ended at 2026-02 already (the award knew the birth date).
                name: "art39_an_end_already_recorded_is_not_ended_twice",
                benefit: BenefitInPayment {
                    end_month: Some(m("2026-02")),
                    ..child(date(2008, 3, 20), None, "2026-02")
                },
                events: vec![],
                expected: None,
            },
            Row {
                // The child died 2026-01-05 before turning 18 in 2026-03: the
                // earlier end wins: 2026-02 to 2026-04 overpaid, 3 × 2,550.00.
                name: "art42_the_earliest_ending_wins",
                benefit: child(date(2008, 3, 20), None, "2026-04"),
                events: vec![event(Death, date(2026, 1, 5), None)],
                expected: Some((MatchRule::Death, "2026-01", None, 3, 765_000)),
            },
            Row {
                // A pension of 2,000.00 from 2026-02 (paid through 2026-04 at
                // 2,550.00): the difference 550.00 from 2026-05; 2026-02 to
                // 2026-04 overpaid by 2,000.00 each = 6,000.00.
                name: "art35_3_a_pension_start_leaves_the_difference",
                benefit: benefit(MonthlyDisabilityAllowance, Worker, "2026-04"),
                events: vec![event(PensionStart, date(2026, 2, 1), Some(200_000))],
                expected: Some((MatchRule::PensionStart, "2026-05", Some(55_000), 3, 600_000)),
            },
            Row {
                // A pension of 3,000.00, above the allowance: nothing from
                // 2026-04 on; 2026-04 overpaid by the whole 2,550.00.
                name: "art35_3_a_pension_above_the_allowance_leaves_nothing",
                benefit: benefit(MonthlyDisabilityAllowance, Worker, "2026-04"),
                events: vec![event(PensionStart, date(2026, 4, 30), Some(300_000))],
                expected: Some((MatchRule::PensionStart, "2026-05", Some(0), 1, 255_000)),
            },
            Row {
                name: "art35_3_a_pension_start_does_not_touch_living_care",
                benefit: benefit(MonthlyLivingCare, Worker, "2026-04"),
                events: vec![event(PensionStart, date(2026, 2, 1), Some(200_000))],
                expected: None,
            },
            Row {
                name: "decree765_art26_a_sign_of_life_ends_nothing",
                benefit: benefit(MonthlyLivingCare, Worker, "2026-04"),
                events: vec![event(Alive, date(2026, 2, 1), None)],
                expected: None,
            },
        ];
        check(rows);
    }

    /// 劳社部令第18号 Art 4(2) (就业或参军) and 4(4) (被他人或组织收养) as
    /// data: a survivor's pension (a spouse's or a dependant's) is paid for
    /// the month of the event, not after; the worker's own benefits and a
    /// benefit already ended are untouched; Art 4 has no exception for a
    /// dependant fully unable to work (that one is to the age of 18 only).
    #[test]
    fn order18_art4_2_art4_4_employment_enlistment_adoption_end_a_survivors_pension_as_data() {
        use BeneficiaryRole::*;
        use Item::*;
        use LifeEventKind::*;
        let rows = vec![
            Row {
                // Employed 2026-02-10, paid through 2026-04: March, April.
                name: "order18_art4_2_employment_ends_a_childs_pension",
                benefit: benefit(MonthlySurvivorPensions, Dependant, "2026-04"),
                events: vec![event(Employment, date(2026, 2, 10), None)],
                expected: Some((MatchRule::Employment, "2026-02", None, 2, 510_000)),
            },
            Row {
                name: "order18_art4_2_employment_ends_a_spouses_pension",
                benefit: benefit(MonthlySurvivorPensions, Spouse, "2026-03"),
                events: vec![event(Employment, date(2026, 3, 1), None)],
                expected: Some((MatchRule::Employment, "2026-03", None, 0, 0)),
            },
            Row {
                name: "order18_art4_2_employment_ends_it_even_for_a_dependant_unable_to_work",
                benefit: BenefitInPayment {
                    birth_date: Some(date(2000, 1, 1)),
                    age_exception: Some(AgeException::Disability),
                    ..benefit(MonthlySurvivorPensions, Dependant, "2026-04")
                },
                events: vec![event(Employment, date(2026, 1, 5), None)],
                expected: Some((MatchRule::Employment, "2026-01", None, 3, 765_000)),
            },
            Row {
                name: "order18_art4_2_enlistment_ends_a_childs_pension",
                benefit: benefit(MonthlySurvivorPensions, Dependant, "2026-04"),
                events: vec![event(Enlistment, date(2026, 4, 1), None)],
                expected: Some((MatchRule::Enlistment, "2026-04", None, 0, 0)),
            },
            Row {
                name: "order18_art4_4_adoption_ends_a_childs_pension",
                benefit: benefit(MonthlySurvivorPensions, Dependant, "2026-04"),
                events: vec![event(Adoption, date(2026, 1, 20), None)],
                expected: Some((MatchRule::Adoption, "2026-01", None, 3, 765_000)),
            },
            Row {
                name: "order18_art4_2_a_workers_employment_ends_no_allowance",
                benefit: benefit(MonthlyDisabilityAllowance, Worker, "2026-04"),
                events: vec![event(Employment, date(2026, 2, 10), None)],
                expected: None,
            },
            Row {
                name: "order18_art4_4_an_adoption_does_not_touch_living_care",
                benefit: benefit(MonthlyLivingCare, Worker, "2026-04"),
                events: vec![event(Adoption, date(2026, 2, 10), None)],
                expected: None,
            },
            Row {
                name: "order18_art4_2_an_end_already_recorded_is_not_ended_twice",
                benefit: BenefitInPayment {
                    end_month: Some(m("2026-01")),
                    ..benefit(MonthlySurvivorPensions, Dependant, "2026-01")
                },
                events: vec![event(Enlistment, date(2026, 3, 1), None)],
                expected: None,
            },
            Row {
                // The earliest ending wins: employed in February, adopted in March.
                name: "order18_art4_the_earliest_event_wins",
                benefit: benefit(MonthlySurvivorPensions, Dependant, "2026-04"),
                events: vec![
                    event(Adoption, date(2026, 3, 2), None),
                    LifeEvent {
                        id: 2,
                        ..event(Employment, date(2026, 2, 2), None)
                    },
                ],
                expected: Some((MatchRule::Employment, "2026-02", None, 2, 510_000)),
            },
        ];
        check(rows);
        for rule in MatchRule::ALL {
            assert_eq!(MatchRule::parse(rule.as_str()), Ok(*rule));
        }
        for kind in LifeEventKind::ALL {
            assert_eq!(LifeEventKind::parse(kind.as_str()), Ok(*kind));
        }
    }
}
