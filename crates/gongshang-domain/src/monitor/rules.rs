//! One function per monitoring rule: its facts and its parameters to flags.
//! The thresholds are the rule's parameters (`policies/national/monitoring.toml`),
//! never constants here.

use gongshang_rules::RulesError;
use gongshang_rules::monitoring::MonitorRule;
use jiff::ToSpan;

use super::classes::OrderIndustryClasses;
use super::facts::{
    CoverAtAccident, MonitorFacts, OverlappingEnrolments, PaidAfterLifeEvent, PersonDay,
    PersonInjuries, PlatformMonth, PlatformPayout, SameAccident, UnitCases, UnitClassCases,
    UnitDisabilityClaims, UnitOrderIndustry, UnitWageMonth,
};
use super::{Flag, RecordRef, Subject};
use crate::error::DomainError;

/// Every rule id the domain evaluates.
pub const RULE_IDS: &[&str] = &[
    "cover_after_accident",
    "overlapping_unit_enrolments",
    "hours_in_day",
    "duplicate_claim",
    "platform_declared_vs_stored",
    "wages_clamped_to_floor",
    "repeated_injuries",
    "small_unit_disability_claims",
    "clustered_claims",
    "payout_ratio",
    "benefit_after_life_event",
    "industry_class_vs_cases",
    "industry_class_vs_orders",
];

/// The parameters each rule needs.
fn needs(id: &str) -> &'static [&'static str] {
    match id {
        "cover_after_accident" => &["start_window_days"],
        "overlapping_unit_enrolments" => &["min_units"],
        "hours_in_day" => &["max_span_hours"],
        "duplicate_claim" => &["min_claims"],
        "platform_declared_vs_stored" => &["tolerance_bp"],
        "wages_clamped_to_floor" => &["max_share_bp", "min_lines"],
        "repeated_injuries" => &["min_injuries", "window_days"],
        "small_unit_disability_claims" => &["max_headcount", "min_claims"],
        "clustered_claims" => &["min_people", "window_days"],
        "payout_ratio" => &["max_ratio_bp", "min_collected_fen"],
        "benefit_after_life_event" => &["min_overpaid_months"],
        "industry_class_vs_cases" => &["max_class", "min_cases", "window_days", "min_per_thousand"],
        "industry_class_vs_orders" => &["window_days", "min_people", "min_share_bp"],
        _ => &[],
    }
}

fn invalid(rule: &MonitorRule, reason: String) -> DomainError {
    DomainError::Rules(RulesError::PolicyInvalid {
        file: rule.file.clone(),
        location: format!("monitor_rule {} v{}", rule.id, rule.version),
        reason,
    })
}

/// Checks that every rule is one the domain knows and has the parameters it
/// needs (run when the policies are checked, and before every run).
pub fn check_rules<'a>(
    rules: impl IntoIterator<Item = &'a MonitorRule>,
) -> Result<(), DomainError> {
    for rule in rules {
        if !RULE_IDS.contains(&rule.id.as_str()) {
            return Err(invalid(
                rule,
                format!(
                    "is not a rule gongshang evaluates (known: {})",
                    RULE_IDS.join(", ")
                ),
            ));
        }
        for name in needs(&rule.id) {
            rule.param(name).map_err(|e| invalid(rule, e))?;
        }
    }
    Ok(())
}

/// Every rule of `rules` over `facts`, in rule order then fact order. The
/// order industries' classes (`classes`, dated parameters in force on the
/// day of the run) serve `industry_class_vs_orders`.
pub fn evaluate(
    rules: &[&MonitorRule],
    facts: &MonitorFacts,
    classes: &OrderIndustryClasses,
) -> Result<Vec<Flag>, DomainError> {
    check_rules(rules.iter().copied())?;
    let mut flags = Vec::new();
    for rule in rules {
        let p = |name: &str| rule.param(name).map_err(|e| invalid(rule, e));
        match rule.id.as_str() {
            "cover_after_accident" => flags.extend(cover_after_accident(
                rule,
                &facts.covers_at_accident,
                p("start_window_days")?,
            )),
            "overlapping_unit_enrolments" => flags.extend(overlapping_unit_enrolments(
                rule,
                &facts.overlapping_enrolments,
                p("min_units")?,
            )),
            "hours_in_day" => {
                flags.extend(hours_in_day(rule, &facts.long_days, p("max_span_hours")?))
            }
            "duplicate_claim" => {
                flags.extend(duplicate_claim(
                    rule,
                    &facts.same_accidents,
                    p("min_claims")?,
                ));
            }
            "platform_declared_vs_stored" => flags.extend(platform_declared_vs_stored(
                rule,
                &facts.platform_months,
                p("tolerance_bp")?,
            )),
            "wages_clamped_to_floor" => flags.extend(wages_clamped_to_floor(
                rule,
                &facts.unit_wage_months,
                p("max_share_bp")?,
                p("min_lines")?,
            )),
            "repeated_injuries" => flags.extend(repeated_injuries(
                rule,
                &facts.person_injuries,
                p("min_injuries")?,
                p("window_days")?,
            )),
            "small_unit_disability_claims" => flags.extend(small_unit_disability_claims(
                rule,
                &facts.unit_disability_claims,
                p("max_headcount")?,
                p("min_claims")?,
            )),
            "industry_class_vs_cases" => flags.extend(industry_class_vs_cases(
                rule,
                &facts.unit_class_cases,
                ClassCaseLimits {
                    max_class: p("max_class")?,
                    min_cases: p("min_cases")?,
                    window_days: p("window_days")?,
                    min_per_thousand: p("min_per_thousand")?,
                },
            )),
            "industry_class_vs_orders" => flags.extend(industry_class_vs_orders(
                rule,
                &facts.unit_order_industries,
                classes,
                OrderClassLimits {
                    min_people: p("min_people")?,
                    min_share_bp: p("min_share_bp")?,
                },
            )),
            "clustered_claims" => flags.extend(clustered_claims(
                rule,
                &facts.unit_cases,
                p("min_people")?,
                p("window_days")?,
            )),
            "payout_ratio" => flags.extend(payout_ratio(
                rule,
                &facts.platform_payouts,
                p("max_ratio_bp")?,
                p("min_collected_fen")?,
            )),
            "benefit_after_life_event" => flags.extend(benefit_after_life_event(
                rule,
                &facts.paid_after_life_events,
                p("min_overpaid_months")?,
            )),
            _ => unreachable!("check_rules refused unknown ids"),
        }
    }
    Ok(flags)
}

fn flag(
    rule: &MonitorRule,
    subject: Subject,
    key: String,
    records: Vec<RecordRef>,
    text_zh: String,
    text_en: String,
) -> Flag {
    Flag {
        rule_id: rule.id.clone(),
        rule_version: rule.version,
        subject,
        key,
        records,
        text_zh,
        text_en,
    }
}

/// Cover bought on or after the accident day, or starting within
/// `start_window_days` before it (seed 002 Art 14; Decree 765 Art 55). A
/// cover that merely continues an earlier one is not new cover; the store
/// says where the earlier one ended (`CoverAtAccident::earlier_end`).
pub fn cover_after_accident(
    rule: &MonitorRule,
    facts: &[CoverAtAccident],
    start_window_days: i64,
) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in facts {
        let paid_after = f.paid_on.is_some_and(|p| p >= f.accident_date);
        let window_start = f
            .accident_date
            .checked_sub(start_window_days.days())
            .unwrap_or(f.accident_date);
        let continues = f.earlier_end.is_some_and(|end| {
            end.checked_add(1.day())
                .is_ok_and(|next| next >= f.cover_start)
        });
        let starts_late = f.cover_start >= window_start && !continues;
        if !(paid_after || starts_late) {
            continue;
        }
        let mut records = vec![
            RecordRef::new("case", &f.case_number),
            RecordRef::new("cover", f.cover_id),
        ];
        if let Some(p) = f.payment_id {
            records.push(RecordRef::new("payment", p));
        }
        let (zh, en) = if paid_after {
            let paid = f.paid_on.map(|d| d.to_string()).unwrap_or_default();
            (
                format!(
                    "案件 {} 事故日 {}，所依据的 {} 保障于 {paid} 才缴费到账",
                    f.case_number, f.accident_date, f.scheme_id
                ),
                format!(
                    "case {}: accident on {}, the {} cover it relies on was paid on {paid}",
                    f.case_number, f.accident_date, f.scheme_id
                ),
            )
        } else {
            (
                format!(
                    "案件 {} 事故日 {}，{} 保障自 {} 起（事故前 {start_window_days} 日以内）",
                    f.case_number, f.accident_date, f.scheme_id, f.cover_start
                ),
                format!(
                    "case {}: accident on {}, the {} cover starts on {} (within {start_window_days} day(s) before it)",
                    f.case_number, f.accident_date, f.scheme_id, f.cover_start
                ),
            )
        };
        out.push(flag(
            rule,
            Subject::person(&f.person),
            format!("{}/{}", f.case_number, f.cover_id),
            records,
            zh,
            en,
        ));
    }
    out
}

/// One person enrolled by `min_units` or more units over overlapping
/// periods (Decree 765 Arts 8-9: compare with shared data). The store gives
/// each overlapping pair once; with `min_units` above 2 a pair alone does not
/// fire.
pub fn overlapping_unit_enrolments(
    rule: &MonitorRule,
    facts: &[OverlappingEnrolments],
    min_units: i64,
) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in facts {
        let overlaps = f.first_end.is_none_or(|e| e >= f.second_start)
            && f.second_end.is_none_or(|e| e >= f.first_start);
        if f.first_unit == f.second_unit || !overlaps || min_units > 2 {
            continue;
        }
        let show = |d: Option<jiff::civil::Date>| d.map_or("—".to_owned(), |d| d.to_string());
        out.push(flag(
            rule,
            Subject::person(&f.person),
            format!("{}/{}", f.first_enrolment, f.second_enrolment),
            vec![
                RecordRef::new("enrolment", f.first_enrolment),
                RecordRef::new("enrolment", f.second_enrolment),
            ],
            format!(
                "单位 {}（{} 至 {}）与单位 {}（{} 至 {}）同期为其参保",
                f.first_unit,
                f.first_start,
                show(f.first_end),
                f.second_unit,
                f.second_start,
                show(f.second_end)
            ),
            format!(
                "enrolled by unit {} ({} to {}) and unit {} ({} to {}) at the same time",
                f.first_unit,
                f.first_start,
                show(f.first_end),
                f.second_unit,
                f.second_start,
                show(f.second_end)
            ),
        ));
    }
    out
}

/// A person's orders on one day spanning more than `max_span_hours`.
pub fn hours_in_day(rule: &MonitorRule, facts: &[PersonDay], max_span_hours: i64) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in facts {
        let span = f.last_minute - f.first_minute;
        if span <= max_span_hours * 60 {
            continue;
        }
        let (h, m) = (span / 60, span % 60);
        out.push(flag(
            rule,
            Subject::person(&f.person),
            format!("{}/{}", f.person, f.day),
            vec![RecordRef::new("order_day", format!("{}/{}", f.person, f.day))],
            format!(
                "{} 在 {} 个平台共 {} 单，首末单相隔 {h} 小时 {m} 分（上限 {max_span_hours} 小时）",
                f.day, f.platforms, f.orders
            ),
            format!(
                "on {}, {} orders on {} platform(s) span {h} h {m} min (more than {max_span_hours} h)",
                f.day, f.orders, f.platforms
            ),
        ));
    }
    out
}

/// One person's accident day claimed in `min_claims` or more cases.
pub fn duplicate_claim(rule: &MonitorRule, facts: &[SameAccident], min_claims: i64) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in facts {
        if (f.cases.len() as i64) < min_claims {
            continue;
        }
        let numbers: Vec<&str> = f.cases.iter().map(|(n, _)| n.as_str()).collect();
        let mut schemes: Vec<&str> = f.cases.iter().map(|(_, s)| s.as_str()).collect();
        schemes.sort_unstable();
        schemes.dedup();
        out.push(flag(
            rule,
            Subject::person(&f.person),
            format!("{}/{}", f.person, f.accident_date),
            numbers.iter().map(|n| RecordRef::new("case", n)).collect(),
            format!(
                "事故日 {} 有 {} 件案件（{}），涉及方案 {}",
                f.accident_date,
                f.cases.len(),
                numbers.join("、"),
                schemes.join("、")
            ),
            format!(
                "{} cases for the accident of {} ({}), under {}",
                f.cases.len(),
                f.accident_date,
                numbers.join(", "),
                schemes.join(", ")
            ),
        ));
    }
    out
}

/// Whether `stored` differs from `declared` by more than `tolerance_bp`
/// basis points of what was declared (integers only).
fn beyond(declared: i64, stored: i64, tolerance_bp: i64) -> bool {
    let diff = i128::from((declared - stored).abs());
    diff * 10_000 > i128::from(declared.abs()) * i128::from(tolerance_bp)
}

/// A platform's declared month against its stored orders and premium (seed
/// 002 Art 17).
pub fn platform_declared_vs_stored(
    rule: &MonitorRule,
    facts: &[PlatformMonth],
    tolerance_bp: i64,
) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in facts {
        let orders_off = beyond(f.declared_orders, f.stored_orders, tolerance_bp);
        let premium_off = beyond(f.declared_premium_fen, f.stored_premium_fen, tolerance_bp);
        if !(orders_off || premium_off) {
            continue;
        }
        let yuan = |fen: i64| gongshang_rules::Money::from_fen(fen).to_string();
        out.push(flag(
            rule,
            Subject::platform(&f.platform),
            format!("{}/{}", f.platform, f.month),
            vec![RecordRef::new(
                "platform_declaration",
                format!("{}/{}", f.platform, f.month),
            )],
            format!(
                "{} 申报 {} 单、保费 {} 元；入库 {} 单、保费 {} 元（容差 {} 个基点）",
                f.month,
                f.declared_orders,
                yuan(f.declared_premium_fen),
                f.stored_orders,
                yuan(f.stored_premium_fen),
                tolerance_bp
            ),
            format!(
                "{}: declared {} orders and {} yuan of premium; stored {} orders and {} yuan (tolerance {} bp)",
                f.month,
                f.declared_orders,
                yuan(f.declared_premium_fen),
                f.stored_orders,
                yuan(f.stored_premium_fen),
                tolerance_bp
            ),
        ));
    }
    out
}

/// A unit whose month has at least `min_lines` declaration lines and more
/// than `max_share_bp` of them under the band's lower limit.
pub fn wages_clamped_to_floor(
    rule: &MonitorRule,
    facts: &[UnitWageMonth],
    max_share_bp: i64,
    min_lines: i64,
) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in facts {
        if f.lines < min_lines || f.lines == 0 {
            continue;
        }
        if i128::from(f.clamped_lines) * 10_000 <= i128::from(f.lines) * i128::from(max_share_bp) {
            continue;
        }
        out.push(flag(
            rule,
            Subject::unit(&f.unit),
            format!("{}/{}", f.unit, f.month),
            vec![RecordRef::new(
                "declaration_month",
                format!("{}/{}", f.unit, f.month),
            )],
            format!(
                "{} 申报 {} 人，其中 {} 人工资低于缴费基数下限",
                f.month, f.lines, f.clamped_lines
            ),
            format!(
                "{}: {} of {} declared wages are under the band's lower limit",
                f.month, f.clamped_lines, f.lines
            ),
        ));
    }
    out
}

/// One person injured on `min_injuries` or more different accident days
/// within `window_days` days (first to last day inclusive; seed 002 Art 14,
/// fabricated accidents). One flag per person, for the earliest such window;
/// several cases of one accident day count once (duplicate_claim sees those).
pub fn repeated_injuries(
    rule: &MonitorRule,
    facts: &[PersonInjuries],
    min_injuries: i64,
    window_days: i64,
) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in facts {
        let mut days: Vec<jiff::civil::Date> = f.cases.iter().map(|(_, d)| *d).collect();
        days.sort_unstable();
        days.dedup();
        let need = usize::try_from(min_injuries.max(1)).unwrap_or(usize::MAX);
        let window = (0..days.len()).find_map(|start| {
            let end = start.checked_add(need - 1)?;
            let last = *days.get(end)?;
            let span = (last - days[start]).get_days();
            (i64::from(span) < window_days).then_some((days[start], last))
        });
        let Some((first, last)) = window else {
            continue;
        };
        let in_window: Vec<&str> = f
            .cases
            .iter()
            .filter(|(_, d)| *d >= first && *d <= last)
            .map(|(n, _)| n.as_str())
            .collect();
        let count = days.iter().filter(|d| **d >= first && **d <= last).count();
        out.push(flag(
            rule,
            Subject::person(&f.person),
            format!("{}/{first}", f.person),
            in_window.iter().map(|n| RecordRef::new("case", n)).collect(),
            format!(
                "{first} 至 {last} 有 {count} 个不同事故日的案件（{}；{window_days} 日内 {min_injuries} 次即预警）",
                in_window.join("、")
            ),
            format!(
                "{count} accidents on different days from {first} to {last} ({}; {min_injuries} within {window_days} days opens a flag)",
                in_window.join(", ")
            ),
        ));
    }
    out
}

/// A unit that has enrolled at most `max_headcount` people and has
/// `min_claims` or more cases with a disability grade (seed 002 Art 14:
/// false materials; Decree 765 Art 55). The key is the unit and the number
/// of such cases, so a further graded case flags again (the alert groups
/// them by the unit).
pub fn small_unit_disability_claims(
    rule: &MonitorRule,
    facts: &[UnitDisabilityClaims],
    max_headcount: i64,
    min_claims: i64,
) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in facts {
        let claims = f.cases.len() as i64;
        if f.headcount > max_headcount || claims < min_claims {
            continue;
        }
        out.push(flag(
            rule,
            Subject::unit(&f.unit),
            format!("{}/{claims}", f.unit),
            f.cases.iter().map(|n| RecordRef::new("case", n)).collect(),
            format!(
                "单位累计参保 {} 人，却有 {claims} 件评定伤残等级的案件（{}）",
                f.headcount,
                f.cases.join("、")
            ),
            format!(
                "a unit that has enrolled {} people has {claims} cases with a disability grade ({})",
                f.headcount,
                f.cases.join(", ")
            ),
        ));
    }
    out
}

/// The parameters of [`industry_class_vs_cases`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ClassCaseLimits {
    /// Units rated in this class or a lower one are looked at.
    pub max_class: i64,
    pub min_cases: i64,
    /// First to last accident day inclusive.
    pub window_days: i64,
    /// Cases in the window per thousand people ever enrolled.
    pub min_per_thousand: i64,
}

/// A unit rated in a low-risk industry class (at most `max_class`) with
/// `min_cases` or more cases within `window_days`, at least
/// `min_per_thousand` per thousand people it has ever enrolled: its injuries
/// do not look like its class, so its rate may be too low (人社部发〔2015〕71号
/// rates a unit by its industry; seed 002 Art 14, Decree 765 Art 55). One
/// flag per unit and window start; a case is in at most one flagged window.
pub fn industry_class_vs_cases(
    rule: &MonitorRule,
    facts: &[UnitClassCases],
    limits: ClassCaseLimits,
) -> Vec<Flag> {
    let mut out = Vec::new();
    let need = usize::try_from(limits.min_cases.max(1)).unwrap_or(usize::MAX);
    for f in facts {
        if f.industry_class > limits.max_class || f.cases.len() < need {
            continue;
        }
        let mut cases = f.cases.clone();
        cases.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        let mut start = 0;
        while start < cases.len() {
            let first = cases[start].1;
            let in_window: Vec<&(String, jiff::civil::Date)> = cases[start..]
                .iter()
                .take_while(|c| i64::from((c.1 - first).get_days()) < limits.window_days)
                .collect();
            let n = in_window.len() as i64;
            // n / headcount >= min_per_thousand / 1000, compared exactly.
            if n < limits.min_cases || n * 1000 < limits.min_per_thousand * f.headcount.max(1) {
                start += 1;
                continue;
            }
            let numbers: Vec<&str> = in_window.iter().map(|c| c.0.as_str()).collect();
            out.push(flag(
                rule,
                Subject::unit(&f.unit),
                format!("{}/{first}", f.unit),
                numbers.iter().map(|c| RecordRef::new("case", c)).collect(),
                format!(
                    "按第{}类行业（低风险）参保的单位，自{first}起{}天内有{n}件工伤案件（累计参保{}人）：{}",
                    f.industry_class,
                    limits.window_days,
                    f.headcount,
                    numbers.join("、")
                ),
                format!(
                    "a unit rated in industry class {} (low risk) has {n} cases within {} days from {first} (it has enrolled {} people): {}",
                    f.industry_class,
                    limits.window_days,
                    f.headcount,
                    numbers.join(", ")
                ),
            ));
            // The next window starts after this one's cases.
            start += in_window.len();
        }
    }
    out
}

/// The parameters of [`industry_class_vs_orders`] the domain applies (the
/// rule's `window_days` is applied by the store: the facts hold the orders
/// of that window only).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OrderClassLimits {
    /// People with orders in the window, at least.
    pub min_people: i64,
    /// The share of them (basis points) whose orders are mostly in an
    /// industry of a higher class than the unit's, at least.
    pub min_share_bp: i64,
}

/// A unit rated in an industry class lower than the class its people's
/// orders imply (人社部发〔2015〕71号 rates a unit by its industry; Decree 765
/// Arts 8-9, 55). Of the people the unit enrolled in the window who took
/// orders there, at least `min_people`, at least `min_share_bp` have more
/// than half of their orders in an industry whose class
/// ([`OrderIndustryClasses`]) is above the unit's. The implied class is the
/// class of most of those people (the higher on a tie). One flag per unit,
/// its class and the implied class, so that a run each day finds it known
/// until the unit is rated again. An industry with no class counts toward
/// none; so do people with no industry holding most of their orders.
pub fn industry_class_vs_orders(
    rule: &MonitorRule,
    facts: &[UnitOrderIndustry],
    classes: &OrderIndustryClasses,
    limits: OrderClassLimits,
) -> Vec<Flag> {
    let mut by_unit: std::collections::BTreeMap<&str, Vec<&UnitOrderIndustry>> =
        std::collections::BTreeMap::new();
    for f in facts {
        by_unit.entry(f.unit.as_str()).or_default().push(f);
    }
    let mut out = Vec::new();
    for (unit, rows) in by_unit {
        let unit_class = rows[0].industry_class;
        let (from, to) = (rows[0].from, rows[0].to);
        let with_orders: i64 = rows.iter().map(|r| r.people).sum();
        // (row, its order industry's division and class) for the rows above
        // the unit's class.
        let mut above: Vec<(&UnitOrderIndustry, &super::classes::OrderIndustryClass)> = rows
            .iter()
            .filter_map(|r| {
                let c = classes.of(r.industry.as_deref()?)?;
                (c.class > unit_class).then_some((*r, c))
            })
            .collect();
        let above_people: i64 = above.iter().map(|(r, _)| r.people).sum();
        if with_orders < limits.min_people.max(1)
            || i128::from(above_people) * 10_000
                < i128::from(with_orders) * i128::from(limits.min_share_bp)
            || above.is_empty()
        {
            continue;
        }
        // The implied class: the class of most of those people.
        let mut people_by_class: std::collections::BTreeMap<i64, i64> =
            std::collections::BTreeMap::new();
        for (r, c) in &above {
            *people_by_class.entry(c.class).or_default() += r.people;
        }
        let implied = people_by_class
            .iter()
            .max_by_key(|(class, people)| (**people, **class))
            .map_or(unit_class, |(class, _)| *class);
        above.sort_by(|a, b| {
            (b.0.people, a.0.industry.as_deref()).cmp(&(a.0.people, b.0.industry.as_deref()))
        });
        let mut records = Vec::new();
        let mut parts_zh = Vec::new();
        let mut parts_en = Vec::new();
        for (r, c) in &above {
            let label = c.industry.label_zh();
            let name = c.industry.stored_name();
            parts_zh.push(format!(
                "{label}（国民经济行业大类{}，第{}类）{}人、{}单",
                c.division, c.class, r.people, r.orders
            ));
            parts_en.push(format!(
                "{} (division {}, class {}): {} people, {} orders",
                c.industry.label_en(),
                c.division,
                c.class,
                r.people,
                r.orders
            ));
            for (person, orders) in &r.examples {
                records.push(RecordRef::new(
                    "person_orders",
                    format!("{person}/{name}/{from}..{to}/{orders}"),
                ));
            }
        }
        out.push(flag(
            rule,
            Subject::unit(unit),
            format!("{unit}/{unit_class}/{implied}"),
            records,
            format!(
                "按第{unit_class}类行业参保的单位，{from}至{to}其参保人员中{with_orders}人在平台接单，其中{above_people}人的订单主要属于风险类别更高的行业（{}），对应第{implied}类",
                parts_zh.join("；")
            ),
            format!(
                "a unit rated in industry class {unit_class}: from {from} to {to}, {with_orders} of the people it enrolled took orders, {above_people} of them mostly in industries of a higher class ({}), implying class {implied}",
                parts_en.join("; ")
            ),
        ));
    }
    out
}

/// Cases of `min_people` or more different people of one unit (one place of
/// work) whose accident days lie within `window_days` days, first to last
/// inclusive (seed 002 Art 14: fabricated accidents). One flag per unit and
/// window start; each case opens at most the earliest window it is in.
pub fn clustered_claims(
    rule: &MonitorRule,
    facts: &[UnitCases],
    min_people: i64,
    window_days: i64,
) -> Vec<Flag> {
    let mut out = Vec::new();
    let need = usize::try_from(min_people.max(1)).unwrap_or(usize::MAX);
    for f in facts {
        let mut cases = f.cases.clone();
        cases.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
        let mut start = 0;
        while start < cases.len() {
            let first = cases[start].2;
            let in_window: Vec<&(String, String, jiff::civil::Date)> = cases[start..]
                .iter()
                .take_while(|c| i64::from((c.2 - first).get_days()) < window_days)
                .collect();
            let mut people: Vec<&str> = in_window.iter().map(|c| c.1.as_str()).collect();
            people.sort_unstable();
            people.dedup();
            if people.len() < need {
                start += 1;
                continue;
            }
            let last = in_window.last().map_or(first, |c| c.2);
            let numbers: Vec<&str> = in_window.iter().map(|c| c.0.as_str()).collect();
            out.push(flag(
                rule,
                Subject::unit(&f.unit),
                format!("{}/{first}", f.unit),
                numbers.iter().map(|n| RecordRef::new("case", n)).collect(),
                format!(
                    "{first} 至 {last}，{} 人在同一单位受伤（{}；{window_days} 日内 {min_people} 人即预警）",
                    people.len(),
                    numbers.join("、")
                ),
                format!(
                    "{} people of one unit injured from {first} to {last} ({}; {min_people} within {window_days} days opens a flag)",
                    people.len(),
                    numbers.join(", ")
                ),
            ));
            start += in_window.len();
        }
    }
    out
}

/// A platform's month whose payout ratio (支缴率 = benefits paid ÷ premiums
/// collected) is over `max_ratio_bp` basis points, once at least
/// `min_collected_fen` was collected in the month (a month with benefits and
/// less collected than that is flagged too: its ratio is not meaningful but
/// the fund paid out). The same ratio by year drives the platform's rate
/// float (人社部发〔2025〕24号; 人社厅函〔2025〕79号); no instrument sets a
/// monthly threshold, so the rule's parameters are assumed.
pub fn payout_ratio(
    rule: &MonitorRule,
    facts: &[PlatformPayout],
    max_ratio_bp: i64,
    min_collected_fen: i64,
) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in facts {
        if f.benefits_fen <= 0 {
            continue;
        }
        let over = f.collected_fen < min_collected_fen.max(1)
            || i128::from(f.benefits_fen) * 10_000
                > i128::from(f.collected_fen) * i128::from(max_ratio_bp);
        if !over {
            continue;
        }
        let yuan = |fen: i64| gongshang_rules::Money::from_fen(fen).to_string();
        let ratio = if f.collected_fen > 0 {
            let r = gongshang_rules::Rate::new(f.benefits_fen, f.collected_fen);
            let bp = gongshang_rules::Money::from_fen(10_000).mul_rate(r).fen();
            format!("{}.{:02}%", bp / 100, bp % 100)
        } else {
            "—".to_owned()
        };
        let limit = format!("{}.{:02}%", max_ratio_bp / 100, max_ratio_bp % 100);
        out.push(flag(
            rule,
            Subject::platform(&f.platform),
            format!("{}/{}", f.platform, f.month),
            vec![RecordRef::new(
                "platform_payout_month",
                format!("{}/{}", f.platform, f.month),
            )],
            format!(
                "{} 支出待遇 {} 元，收缴保费 {} 元，支缴率 {ratio}（预警线 {limit}）",
                f.month,
                yuan(f.benefits_fen),
                yuan(f.collected_fen)
            ),
            format!(
                "{}: benefits paid {} yuan, premiums collected {} yuan, payout ratio {ratio} (threshold {limit})",
                f.month,
                yuan(f.benefits_fen),
                yuan(f.collected_fen)
            ),
        ));
    }
    out
}

/// A periodic benefit paid for `min_overpaid_months` or more months after a
/// death, a remarriage, an 18th birthday, a pension start or a survivor's
/// employment, enlistment or adoption (劳社部令第18号 Art 4) that shared data
/// shows (Decree 765 Arts 9, 26: data matching; Art 46: the overpayment to
/// recover). The matching run already ended the benefit and recorded the
/// overpayment; the alert is the clerk's to check the recovery and why the
/// event was not reported within 20 working days (Art 25). One flag per hit.
pub fn benefit_after_life_event(
    rule: &MonitorRule,
    facts: &[PaidAfterLifeEvent],
    min_overpaid_months: i64,
) -> Vec<Flag> {
    let mut out = Vec::new();
    for f in facts {
        if f.overpaid_months < min_overpaid_months.max(1) {
            continue;
        }
        let yuan = gongshang_rules::Money::from_fen(f.overpaid_fen).to_string();
        let (what_zh, what_en) = match f.rule.as_str() {
            "death" => ("死亡", "death"),
            "remarriage" => ("再婚", "remarriage"),
            "dependant_turns_18" => ("年满18周岁", "18th birthday"),
            "pension_start" => ("领取基本养老金", "basic pension start"),
            "employment" => ("就业", "employment"),
            "enlistment" => ("参军", "enlistment"),
            "adoption" => ("被他人或组织收养", "adoption"),
            other => (other, other),
        };
        let reference = f.overpayment_reference.clone().unwrap_or_default();
        let mut records = vec![
            RecordRef::new("case", &f.case_number),
            RecordRef::new("periodic_benefit", f.benefit_id),
            RecordRef::new("match_hit", f.hit_id),
        ];
        if !reference.is_empty() {
            records.push(RecordRef::new("overpayment", &reference));
        }
        out.push(flag(
            rule,
            Subject::person(&f.person),
            format!("hit/{}", f.hit_id),
            records,
            format!(
                "案件 {} 待遇 {}：{} {what_zh}后仍发放 {} 个月，多发 {yuan} 元（{reference}）",
                f.case_number, f.benefit_id, f.on, f.overpaid_months
            ),
            format!(
                "case {} benefit {}: still paid for {} month(s) after the {what_en} of {}, {yuan} yuan overpaid ({reference})",
                f.case_number, f.benefit_id, f.overpaid_months, f.on
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beyond_counts_basis_points_of_the_declared_figure() {
        assert!(!beyond(10_000, 9_950, 50));
        assert!(beyond(10_000, 9_949, 50));
        assert!(beyond(10_000, 9_900, 50));
        assert!(!beyond(0, 0, 50));
    }
}
