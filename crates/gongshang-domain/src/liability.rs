//! Who bears the work-injury liability (工伤保险责任) when units change or a
//! worker is lent out: 《工伤保险条例》第四十三条 (Regulations Art 43) and
//! 《江苏省实施〈工伤保险条例〉办法》第三十五条、第三十六条 (Jiangsu measures
//! Arts 35-36).
//!
//! - Art 43(1), Jiangsu Art 35: on a unit's division (分立), merger (合并) or
//!   transfer (转让) the successor unit (承继单位) bears the predecessor's
//!   liability, and the insurance relation moves with a change of
//!   registration at the agency.
//! - Art 43(2): when a unit is run under contract (承包经营), the liability
//!   lies with the unit where the worker's labour relation is: a contracting
//!   out moves nothing. Jiangsu Art 36(1): when the contractor lacks the
//!   standing of an employer (不具备用工主体资格), the qualified unit that
//!   contracted out bears it.
//! - Art 43(3), Jiangsu Art 36(2): a worker seconded (借调) to another unit
//!   and injured there: the original employer bears the liability; the two
//!   units may agree how the seconded-to unit compensates it (a share between
//!   them, which changes nothing towards the worker or the fund).
//!
//! Pure: the dates are arguments; every answer names the articles it rests on.

use std::fmt;
use std::str::FromStr;

use gongshang_rules::trace::Article;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::ids::CreditCode;

pub const REG_43_1: Article = Article {
    zh: "《工伤保险条例》第四十三条第一款",
    en: "Regulations Art 43(1)",
};
pub const REG_43_2: Article = Article {
    zh: "《工伤保险条例》第四十三条第二款",
    en: "Regulations Art 43(2)",
};
pub const REG_43_3: Article = Article {
    zh: "《工伤保险条例》第四十三条第三款",
    en: "Regulations Art 43(3)",
};
pub const JS_35: Article = Article {
    zh: "《江苏省实施〈工伤保险条例〉办法》第三十五条",
    en: "Jiangsu measures Art 35",
};
pub const JS_36_1: Article = Article {
    zh: "《江苏省实施〈工伤保险条例〉办法》第三十六条第一款",
    en: "Jiangsu measures Art 36(1)",
};
/// The same rule nationally: 《最高人民法院关于审理工伤保险行政案件若干问题的
/// 规定》(法释〔2014〕9号) Art 3(1)(4): a unit that subcontracts, in breach of
/// the law, to an organisation or person without an employer's standing
/// bears the liability for the people it engages.
pub const SPC_3_1_4: Article = Article {
    zh: "《最高人民法院关于审理工伤保险行政案件若干问题的规定》第三条第一款第（四）项",
    en: "Supreme People's Court provisions on work-injury administrative cases (2014) Art 3(1)(4)",
};
pub const JS_36_2: Article = Article {
    zh: "《江苏省实施〈工伤保险条例〉办法》第三十六条第二款",
    en: "Jiangsu measures Art 36(2)",
};

/// The longest document reference or note kept, in characters.
pub const TEXT_MAX_CHARS: usize = 200;

/// What happened to a unit.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuccessionKind {
    /// 分立: the unit divided; each successor named by its own record.
    Division,
    /// 合并: the unit merged into (or with others into) the successor.
    Merger,
    /// 转让: the unit (its business) was transferred to the successor.
    Transfer,
    /// 承包经营: the unit is run under contract by the other unit (the
    /// contractor); the liability does not move (Art 43(2)).
    ContractingOut,
}

impl SuccessionKind {
    pub const ALL: [SuccessionKind; 4] = [
        SuccessionKind::Division,
        SuccessionKind::Merger,
        SuccessionKind::Transfer,
        SuccessionKind::ContractingOut,
    ];

    /// The stored and wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            SuccessionKind::Division => "division",
            SuccessionKind::Merger => "merger",
            SuccessionKind::Transfer => "transfer",
            SuccessionKind::ContractingOut => "contracting_out",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            SuccessionKind::Division => "分立",
            SuccessionKind::Merger => "合并",
            SuccessionKind::Transfer => "转让",
            SuccessionKind::ContractingOut => "承包经营",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            SuccessionKind::Division => "division",
            SuccessionKind::Merger => "merger",
            SuccessionKind::Transfer => "transfer",
            SuccessionKind::ContractingOut => "contracting out",
        }
    }

    /// Whether the liability moves to the other unit (division, merger,
    /// transfer) or stays (contracting out).
    pub const fn moves_liability(self) -> bool {
        !matches!(self, SuccessionKind::ContractingOut)
    }
}

impl fmt::Display for SuccessionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SuccessionKind {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SuccessionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                DomainError::out_of_range(
                    "kind",
                    format!("{s:?}"),
                    "division, merger, transfer or contracting_out",
                )
            })
    }
}

/// A unit's division, merger, transfer or contracting out, as the agency
/// registered it (工伤保险变更登记).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Succession {
    /// The unit that divided, merged, was transferred or contracted out.
    pub predecessor: CreditCode,
    /// The successor (承继单位); for a contracting out, the contractor.
    pub successor: CreditCode,
    pub kind: SuccessionKind,
    /// The day the successor takes over (the registration's effective day).
    pub effective_on: Date,
    /// The document the change rests on (the registration's number, the
    /// merger agreement, the contract).
    pub document: String,
    /// For a contracting out only: whether the contractor has the standing
    /// of an employer (用工主体资格). `false` puts the liability for the
    /// contractor's workers on the predecessor (Jiangsu Art 36(1)).
    pub contractor_qualified: bool,
}

/// A worker lent by the original employer to another unit (借调).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secondment {
    /// The original employer (the engagement's unit).
    pub from_unit: CreditCode,
    /// The unit the worker is seconded to.
    pub to_unit: CreditCode,
    pub start: Date,
    /// The last day; `None` while it runs.
    pub end: Option<Date>,
    /// The seconded-to unit's share of the employer-borne benefits the
    /// units agreed (补偿办法), in percent; recorded, never applied to the
    /// worker or the fund.
    pub agreed_compensation_percent: Option<u8>,
    /// The agreement's reference, when there is one.
    pub agreement: Option<String>,
}

impl Secondment {
    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }
}

/// Why the liability lies where it does, one step of the answer.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiabilityRule {
    /// The unit the worker is engaged with (the labour relation).
    Engagement,
    /// Seconded: the original employer bears it (Art 43(3), Jiangsu Art 36(2)).
    SecondmentOriginalEmployer,
    /// Division, merger or transfer: the successor (Art 43(1), Jiangsu Art 35).
    Successor(SuccessionKind),
    /// Contracted out: the labour relation's unit keeps it (Art 43(2)).
    ContractingOutStays,
    /// Contracted to a party without an employer's standing: the qualified
    /// unit that contracted out (Jiangsu Art 36(1)).
    UnqualifiedContractor,
}

impl LiabilityRule {
    /// The provisions the step rests on: Jiangsu's measures only where they
    /// apply (a unit of a Jiangsu pooling region).
    pub fn articles(self, jiangsu: bool) -> Vec<Article> {
        let (national, provincial): (&[Article], &[Article]) = match self {
            LiabilityRule::Engagement => (&[], &[]),
            LiabilityRule::SecondmentOriginalEmployer => (&[REG_43_3], &[JS_36_2]),
            LiabilityRule::Successor(_) => (&[REG_43_1], &[JS_35]),
            LiabilityRule::ContractingOutStays => (&[REG_43_2], &[]),
            LiabilityRule::UnqualifiedContractor => (&[SPC_3_1_4], &[JS_36_1]),
        };
        let mut out = national.to_vec();
        if jiangsu {
            out.extend_from_slice(provincial);
        }
        out
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            LiabilityRule::Engagement => "engagement",
            LiabilityRule::SecondmentOriginalEmployer => "secondment_original_employer",
            LiabilityRule::Successor(_) => "successor",
            LiabilityRule::ContractingOutStays => "contracting_out_stays",
            LiabilityRule::UnqualifiedContractor => "unqualified_contractor",
        }
    }
}

/// One step: the unit that bears the liability from `from`, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiabilityStep {
    pub unit: CreditCode,
    pub rule: LiabilityRule,
    pub from: Date,
    /// The document of the succession or secondment behind the step.
    pub document: Option<String>,
    pub articles: Vec<Article>,
}

/// Who bears the liability, or the units among which the agency must say
/// which one took the worker (a division into several successors).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Liable {
    Unit { unit: CreditCode },
    Undetermined { candidates: Vec<CreditCode> },
}

/// The answer: the liable unit on the day asked and the steps from the
/// engagement to it, each citing its articles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiabilityAnswer {
    pub liable: Liable,
    pub steps: Vec<LiabilityStep>,
    /// A secondment's agreed share of the seconded-to unit, if any (between
    /// the units only).
    pub agreed_compensation: Option<AgreedCompensation>,
}

impl LiabilityAnswer {
    pub fn liable_unit(&self) -> Option<&CreditCode> {
        match &self.liable {
            Liable::Unit { unit } => Some(unit),
            Liable::Undetermined { .. } => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AgreedCompensation {
    pub by_unit: CreditCode,
    pub percent: u8,
}

/// What the question is asked of.
#[derive(Clone, Copy, Debug)]
pub struct LiabilityQuestion<'a> {
    /// The unit of the worker's engagement (the labour relation) at the injury.
    pub engagement_unit: &'a CreditCode,
    /// The day of the accident (or the diagnosis): a secondment running then
    /// puts the liability on the original employer.
    pub injury_date: Date,
    /// The day asked about (a benefit in payment on that day): successions
    /// effective on or before it move the liability.
    pub on: Date,
    /// The worker's secondments.
    pub secondments: &'a [Secondment],
    /// The successions recorded (any order; those of other units are ignored).
    pub successions: &'a [Succession],
    /// The unit is of a Jiangsu pooling region: the steps cite Jiangsu's
    /// measures too.
    pub jiangsu: bool,
    /// Units the worker was engaged with later: among a division's
    /// successors, the one the worker went to.
    pub later_units: &'a [CreditCode],
}

/// The longest chain of successions followed (a guard against a cycle in
/// the records; a real chain is a handful).
const CHAIN_MAX: usize = 32;

/// Which unit bears the work-injury liability of the injury on `on`
/// (Regulations Art 43(1)-(3), Jiangsu measures Arts 35-36).
pub fn liable_unit(q: &LiabilityQuestion<'_>) -> LiabilityAnswer {
    let mut steps = vec![LiabilityStep {
        unit: *q.engagement_unit,
        rule: LiabilityRule::Engagement,
        from: q.injury_date,
        document: None,
        articles: Vec::new(),
    }];
    let mut current = *q.engagement_unit;
    let mut agreed_compensation = None;
    // Art 43(3): the engagement is the seconded worker's own unit; a
    // secondment recorded on it during the injury says so in the answer.
    if let Some(s) = q
        .secondments
        .iter()
        .find(|s| s.contains(q.injury_date) && (s.from_unit == current || s.to_unit == current))
    {
        current = s.from_unit;
        steps.push(step(
            &current,
            LiabilityRule::SecondmentOriginalEmployer,
            s.start,
            s.agreement.clone(),
            q.jiangsu,
        ));
        agreed_compensation = s
            .agreed_compensation_percent
            .map(|percent| AgreedCompensation {
                by_unit: s.to_unit,
                percent,
            });
    }
    // Jiangsu Art 36(1): a worker of an unqualified contractor.
    let unqualified = q.successions.iter().find(|c| {
        c.kind == SuccessionKind::ContractingOut
            && !c.contractor_qualified
            && c.successor == current
            && c.effective_on <= q.injury_date
    });
    if let Some(c) = unqualified {
        current = c.predecessor;
        steps.push(step(
            &current,
            LiabilityRule::UnqualifiedContractor,
            c.effective_on,
            Some(c.document.clone()),
            q.jiangsu,
        ));
    }
    for _ in 0..CHAIN_MAX {
        let mut moves: Vec<&Succession> = q
            .successions
            .iter()
            .filter(|c| c.predecessor == current && c.effective_on <= q.on)
            // The contracting out just followed back is not a second step.
            .filter(|c| !unqualified.is_some_and(|u| std::ptr::eq(*c, u)))
            .collect();
        if moves.is_empty() {
            break;
        }
        // The earliest change first; a contracting out leaves the liability
        // where it is and the chain goes on from the same unit.
        moves.sort_by_key(|c| c.effective_on);
        let stays: Vec<&Succession> = moves
            .iter()
            .copied()
            .filter(|c| !c.kind.moves_liability())
            .collect();
        for c in &stays {
            if !steps
                .iter()
                .any(|s| s.rule == LiabilityRule::ContractingOutStays && s.unit == current)
            {
                steps.push(step(
                    &current,
                    LiabilityRule::ContractingOutStays,
                    c.effective_on,
                    Some(c.document.clone()),
                    q.jiangsu,
                ));
            }
        }
        let movers: Vec<&Succession> = moves
            .into_iter()
            .filter(|c| c.kind.moves_liability())
            .collect();
        let Some(first) = movers.first() else { break };
        let same_day: Vec<&Succession> = movers
            .iter()
            .copied()
            .filter(|c| c.effective_on == first.effective_on)
            .collect();
        let chosen = if same_day.len() == 1 {
            same_day[0]
        } else {
            // A division into several units: the one the worker went to.
            let went: Vec<&Succession> = same_day
                .iter()
                .copied()
                .filter(|c| q.later_units.contains(&c.successor))
                .collect();
            if went.len() == 1 {
                went[0]
            } else {
                let mut candidates: Vec<CreditCode> =
                    same_day.iter().map(|c| c.successor).collect();
                candidates.dedup();
                return LiabilityAnswer {
                    liable: Liable::Undetermined { candidates },
                    steps,
                    agreed_compensation,
                };
            }
        };
        current = chosen.successor;
        steps.push(step(
            &current,
            LiabilityRule::Successor(chosen.kind),
            chosen.effective_on,
            Some(chosen.document.clone()),
            q.jiangsu,
        ));
    }
    LiabilityAnswer {
        liable: Liable::Unit { unit: current },
        steps,
        agreed_compensation,
    }
}

fn step(
    unit: &CreditCode,
    rule: LiabilityRule,
    from: Date,
    document: Option<String>,
    jiangsu: bool,
) -> LiabilityStep {
    LiabilityStep {
        unit: *unit,
        rule,
        from,
        document,
        articles: rule.articles(jiangsu),
    }
}

fn check_text(field: &'static str, text: &str) -> Result<(), DomainError> {
    let n = text.trim().chars().count();
    if n == 0 || n > TEXT_MAX_CHARS {
        return Err(DomainError::out_of_range(
            field,
            format!("{n} characters"),
            format!("1 to {TEXT_MAX_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Checks a succession before it is recorded: two different units, a
/// document, not effective after `today`, and no cycle with the recorded
/// ones (a unit never succeeds itself through others).
pub fn check_succession(
    s: &Succession,
    recorded: &[Succession],
    today: Date,
) -> Result<(), DomainError> {
    if s.predecessor == s.successor {
        return Err(DomainError::InputConflict {
            field: "successor",
            reason: "a unit does not succeed itself".into(),
        });
    }
    check_text("document", &s.document)?;
    if s.effective_on > today {
        return Err(DomainError::out_of_range(
            "effective_on",
            s.effective_on,
            format!("on or before today, {today}"),
        ));
    }
    if s.kind != SuccessionKind::ContractingOut && !s.contractor_qualified {
        return Err(DomainError::InputConflict {
            field: "contractor_qualified",
            reason: "only a contracting out names an unqualified contractor".into(),
        });
    }
    if recorded
        .iter()
        .any(|r| r.predecessor == s.predecessor && r.successor == s.successor && r.kind == s.kind)
    {
        return Err(DomainError::InputConflict {
            field: "successor",
            reason: format!(
                "the {} of {} to {} is already recorded",
                s.kind.label_en(),
                s.predecessor.as_str(),
                s.successor.as_str()
            ),
        });
    }
    // A cycle: the successor already leads back to the predecessor.
    let mut frontier = vec![&s.successor];
    let mut seen: Vec<&CreditCode> = Vec::new();
    while let Some(unit) = frontier.pop() {
        if unit == &s.predecessor {
            return Err(DomainError::InputConflict {
                field: "successor",
                reason: format!(
                    "{} already succeeds to {} through the recorded changes",
                    s.predecessor.as_str(),
                    s.successor.as_str()
                ),
            });
        }
        if seen.contains(&unit) {
            continue;
        }
        seen.push(unit);
        frontier.extend(
            recorded
                .iter()
                .filter(|r| &r.predecessor == unit && r.kind.moves_liability())
                .map(|r| &r.successor),
        );
    }
    Ok(())
}

/// Checks a secondment before it is recorded: two different units, the
/// end not before the start, a share of 0 to 100 percent with its
/// agreement, and no overlap with the worker's other secondments.
pub fn check_secondment(s: &Secondment, others: &[Secondment]) -> Result<(), DomainError> {
    if s.from_unit == s.to_unit {
        return Err(DomainError::InputConflict {
            field: "to_unit",
            reason: "a worker is seconded to another unit than their own".into(),
        });
    }
    if let Some(end) = s.end
        && end < s.start
    {
        return Err(DomainError::out_of_range(
            "end",
            end,
            format!("on or after the start, {}", s.start),
        ));
    }
    if let Some(p) = s.agreed_compensation_percent
        && p > 100
    {
        return Err(DomainError::out_of_range(
            "agreed_compensation_percent",
            p,
            "0 to 100",
        ));
    }
    if let Some(a) = &s.agreement {
        check_text("agreement", a)?;
    } else if s.agreed_compensation_percent.is_some() {
        return Err(DomainError::InputConflict {
            field: "agreement",
            reason: "an agreed share names the units' agreement".into(),
        });
    }
    let overlaps = |o: &Secondment| {
        let o_end = o.end.unwrap_or(Date::MAX);
        let s_end = s.end.unwrap_or(Date::MAX);
        o.start <= s_end && s.start <= o_end
    };
    if let Some(o) = others.iter().find(|o| overlaps(o)) {
        return Err(DomainError::InputConflict {
            field: "start",
            reason: format!(
                "the secondment to {} from {} overlaps it",
                o.to_unit.as_str(),
                o.start
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn unit(code: &str) -> CreditCode {
        CreditCode::parse(code).unwrap()
    }
    const A: &str = "914403001922038216";
    const B: &str = "91440300708461136T";
    const C: &str = "91330100716105852F";
    const D: &str = "91110108551385082Q";

    fn succession(p: &str, s: &str, kind: SuccessionKind, on: Date) -> Succession {
        Succession {
            predecessor: unit(p),
            successor: unit(s),
            kind,
            effective_on: on,
            document: format!("变更登记 {p}->{s}"),
            contractor_qualified: true,
        }
    }

    fn secondment(from: &str, to: &str, start: Date, end: Option<Date>) -> Secondment {
        Secondment {
            from_unit: unit(from),
            to_unit: unit(to),
            start,
            end,
            agreed_compensation_percent: None,
            agreement: None,
        }
    }

    struct Row {
        name: &'static str,
        engagement: &'static str,
        injury: Date,
        on: Date,
        secondments: Vec<Secondment>,
        successions: Vec<Succession>,
        later_units: Vec<&'static str>,
        /// The liable unit, or the candidates when undetermined.
        expected: Result<&'static str, Vec<&'static str>>,
        /// The rules of the steps after the engagement.
        rules: Vec<LiabilityRule>,
    }

    fn check(rows: Vec<Row>) {
        for r in rows {
            let later: Vec<CreditCode> = r.later_units.iter().map(|u| unit(u)).collect();
            let engagement = unit(r.engagement);
            let answer = liable_unit(&LiabilityQuestion {
                engagement_unit: &engagement,
                injury_date: r.injury,
                on: r.on,
                secondments: &r.secondments,
                successions: &r.successions,
                later_units: &later,
                jiangsu: true,
            });
            let expected = match &r.expected {
                Ok(u) => Liable::Unit { unit: unit(u) },
                Err(c) => Liable::Undetermined {
                    candidates: c.iter().map(|u| unit(u)).collect(),
                },
            };
            assert_eq!(answer.liable, expected, "{}", r.name);
            let rules: Vec<LiabilityRule> = answer.steps.iter().skip(1).map(|s| s.rule).collect();
            assert_eq!(rules, r.rules, "{}", r.name);
            for s in answer.steps.iter().skip(1) {
                assert!(!s.articles.is_empty(), "{}: every step cites", r.name);
            }
        }
    }

    /// Jiangsu's measures are cited only for a Jiangsu unit: elsewhere a
    /// merger rests on Art 43(1) alone, and an unqualified contractor on the
    /// Supreme People's Court provisions (2014) Art 3(1)(4).
    #[test]
    fn regs_art43_jiangsu_articles_are_cited_only_in_jiangsu() {
        let merged = date(2026, 3, 1);
        let successions = [succession(A, B, SuccessionKind::Merger, merged)];
        let ask = |jiangsu| {
            liable_unit(&LiabilityQuestion {
                engagement_unit: &unit(A),
                injury_date: date(2025, 6, 1),
                on: merged,
                secondments: &[],
                successions: &successions,
                later_units: &[],
                jiangsu,
            })
        };
        let last = |a: LiabilityAnswer| a.steps.last().unwrap().articles.clone();
        assert_eq!(last(ask(false)), vec![REG_43_1]);
        assert_eq!(last(ask(true)), vec![REG_43_1, JS_35]);
        assert_eq!(
            LiabilityRule::UnqualifiedContractor.articles(false),
            vec![SPC_3_1_4]
        );
        assert_eq!(
            LiabilityRule::UnqualifiedContractor.articles(true),
            vec![SPC_3_1_4, JS_36_1]
        );
    }

    #[test]
    fn regs_art43_1_jiangsu_art35_the_successor_bears_the_liability_from_the_effective_day() {
        let merged = date(2026, 3, 1);
        use SuccessionKind::*;
        check(vec![
            Row {
                name: "merger: before it the predecessor, from it the successor",
                engagement: A,
                injury: date(2025, 6, 1),
                on: date(2026, 2, 28),
                secondments: vec![],
                successions: vec![succession(A, B, Merger, merged)],
                later_units: vec![],
                expected: Ok(A),
                rules: vec![],
            },
            Row {
                name: "merger: on the effective day the successor",
                engagement: A,
                injury: date(2025, 6, 1),
                on: merged,
                secondments: vec![],
                successions: vec![succession(A, B, Merger, merged)],
                later_units: vec![],
                expected: Ok(B),
                rules: vec![LiabilityRule::Successor(Merger)],
            },
            Row {
                name: "a transfer after a merger: the chain is followed",
                engagement: A,
                injury: date(2025, 6, 1),
                on: date(2026, 12, 1),
                secondments: vec![],
                successions: vec![
                    succession(B, C, Transfer, date(2026, 9, 1)),
                    succession(A, B, Merger, merged),
                ],
                later_units: vec![],
                expected: Ok(C),
                rules: vec![
                    LiabilityRule::Successor(Merger),
                    LiabilityRule::Successor(Transfer),
                ],
            },
            Row {
                name: "another unit's merger changes nothing",
                engagement: A,
                injury: date(2025, 6, 1),
                on: date(2026, 12, 1),
                secondments: vec![],
                successions: vec![succession(D, B, Merger, merged)],
                later_units: vec![],
                expected: Ok(A),
                rules: vec![],
            },
            Row {
                name: "division into two: the one the worker went to",
                engagement: A,
                injury: date(2025, 6, 1),
                on: date(2026, 12, 1),
                secondments: vec![],
                successions: vec![
                    succession(A, B, Division, merged),
                    succession(A, C, Division, merged),
                ],
                later_units: vec![C],
                expected: Ok(C),
                rules: vec![LiabilityRule::Successor(Division)],
            },
            Row {
                name: "division into two, the worker's unit not known: the agency names it",
                engagement: A,
                injury: date(2025, 6, 1),
                on: date(2026, 12, 1),
                secondments: vec![],
                successions: vec![
                    succession(A, B, Division, merged),
                    succession(A, C, Division, merged),
                ],
                later_units: vec![],
                expected: Err(vec![B, C]),
                rules: vec![],
            },
        ]);
    }

    #[test]
    fn regs_art43_2_jiangsu_art36_1_contracting_out_leaves_the_liability_with_the_labour_relation()
    {
        use SuccessionKind::*;
        let mut unqualified = succession(A, B, ContractingOut, date(2025, 1, 1));
        unqualified.contractor_qualified = false;
        check(vec![
            Row {
                name: "the contracting-out unit's own worker: it keeps the liability",
                engagement: A,
                injury: date(2025, 6, 1),
                on: date(2025, 6, 1),
                secondments: vec![],
                successions: vec![succession(A, B, ContractingOut, date(2025, 1, 1))],
                later_units: vec![],
                expected: Ok(A),
                rules: vec![LiabilityRule::ContractingOutStays],
            },
            Row {
                name: "a qualified contractor's own worker: the contractor",
                engagement: B,
                injury: date(2025, 6, 1),
                on: date(2025, 6, 1),
                secondments: vec![],
                successions: vec![succession(A, B, ContractingOut, date(2025, 1, 1))],
                later_units: vec![],
                expected: Ok(B),
                rules: vec![],
            },
            Row {
                name: "an unqualified contractor's worker: the qualified unit (Jiangsu Art 36(1))",
                engagement: B,
                injury: date(2025, 6, 1),
                on: date(2025, 6, 1),
                secondments: vec![],
                successions: vec![unqualified.clone()],
                later_units: vec![],
                expected: Ok(A),
                rules: vec![LiabilityRule::UnqualifiedContractor],
            },
            Row {
                name: "contracted out, then merged: the merger moves it",
                engagement: A,
                injury: date(2025, 6, 1),
                on: date(2026, 6, 1),
                secondments: vec![],
                successions: vec![
                    succession(A, B, ContractingOut, date(2025, 1, 1)),
                    succession(A, C, Merger, date(2026, 1, 1)),
                ],
                later_units: vec![],
                expected: Ok(C),
                rules: vec![
                    LiabilityRule::ContractingOutStays,
                    LiabilityRule::Successor(Merger),
                ],
            },
        ]);
    }

    #[test]
    fn regs_art43_3_jiangsu_art36_2_a_seconded_worker_s_original_employer_bears_the_liability() {
        use SuccessionKind::*;
        let mut shared = secondment(A, B, date(2025, 3, 1), Some(date(2025, 12, 31)));
        shared.agreed_compensation_percent = Some(60);
        shared.agreement = Some("借调协议 2025-01".into());
        check(vec![
            Row {
                name: "injured at the seconded-to unit during the secondment",
                engagement: A,
                injury: date(2025, 6, 1),
                on: date(2025, 6, 1),
                secondments: vec![shared.clone()],
                successions: vec![],
                later_units: vec![],
                expected: Ok(A),
                rules: vec![LiabilityRule::SecondmentOriginalEmployer],
            },
            Row {
                name: "the case was filed under the seconded-to unit: still the original employer",
                engagement: B,
                injury: date(2025, 6, 1),
                on: date(2025, 6, 1),
                secondments: vec![shared.clone()],
                successions: vec![],
                later_units: vec![],
                expected: Ok(A),
                rules: vec![LiabilityRule::SecondmentOriginalEmployer],
            },
            Row {
                name: "injured the day after the secondment ended: the engagement",
                engagement: B,
                injury: date(2026, 1, 1),
                on: date(2026, 1, 1),
                secondments: vec![shared.clone()],
                successions: vec![],
                later_units: vec![],
                expected: Ok(B),
                rules: vec![],
            },
            Row {
                name: "the original employer later merged: its successor",
                engagement: A,
                injury: date(2025, 6, 1),
                on: date(2026, 6, 1),
                secondments: vec![secondment(A, B, date(2025, 3, 1), None)],
                successions: vec![succession(A, C, Merger, date(2026, 1, 1))],
                later_units: vec![],
                expected: Ok(C),
                rules: vec![
                    LiabilityRule::SecondmentOriginalEmployer,
                    LiabilityRule::Successor(Merger),
                ],
            },
        ]);
        let a = unit(A);
        let answer = liable_unit(&LiabilityQuestion {
            engagement_unit: &a,
            injury_date: date(2025, 6, 1),
            on: date(2025, 6, 1),
            secondments: &[shared],
            successions: &[],
            later_units: &[],
            jiangsu: true,
        });
        assert_eq!(
            answer.agreed_compensation,
            Some(AgreedCompensation {
                by_unit: unit(B),
                percent: 60
            })
        );
    }

    #[test]
    fn regs_art43_a_succession_and_a_secondment_are_checked_before_they_are_recorded() {
        use SuccessionKind::*;
        let today = date(2026, 6, 30);
        let field = |r: Result<(), DomainError>| r.unwrap_err().field().map(str::to_owned);
        let ab = succession(A, B, Merger, date(2026, 1, 1));
        assert_eq!(check_succession(&ab, &[], today), Ok(()));
        assert_eq!(
            field(check_succession(
                &succession(A, A, Merger, date(2026, 1, 1)),
                &[],
                today
            )),
            Some("successor".into())
        );
        assert_eq!(
            field(check_succession(
                &succession(A, B, Merger, date(2026, 7, 1)),
                &[],
                today
            )),
            Some("effective_on".into())
        );
        assert_eq!(
            field(check_succession(&ab, std::slice::from_ref(&ab), today)),
            Some("successor".into())
        );
        // B -> C -> A would close a cycle.
        let recorded = vec![
            succession(B, C, Transfer, date(2025, 1, 1)),
            succession(C, D, Transfer, date(2025, 2, 1)),
        ];
        assert_eq!(
            field(check_succession(
                &succession(D, B, Merger, date(2026, 1, 1)),
                &recorded,
                today
            )),
            Some("successor".into())
        );
        let mut blank = ab.clone();
        blank.document = " ".into();
        assert_eq!(
            field(check_succession(&blank, &[], today)),
            Some("document".into())
        );
        let mut unqualified_merger = ab.clone();
        unqualified_merger.contractor_qualified = false;
        assert_eq!(
            field(check_succession(&unqualified_merger, &[], today)),
            Some("contractor_qualified".into())
        );

        let s = secondment(A, B, date(2025, 3, 1), Some(date(2025, 12, 31)));
        assert_eq!(check_secondment(&s, &[]), Ok(()));
        assert_eq!(
            field(check_secondment(
                &secondment(A, A, date(2025, 3, 1), None),
                &[]
            )),
            Some("to_unit".into())
        );
        assert_eq!(
            field(check_secondment(
                &secondment(A, B, date(2025, 3, 1), Some(date(2025, 2, 1))),
                &[]
            )),
            Some("end".into())
        );
        assert_eq!(
            field(check_secondment(
                &secondment(A, C, date(2025, 12, 31), None),
                std::slice::from_ref(&s)
            )),
            Some("start".into())
        );
        assert_eq!(
            check_secondment(
                &secondment(A, C, date(2026, 1, 1), None),
                std::slice::from_ref(&s)
            ),
            Ok(())
        );
        let mut share = s.clone();
        share.agreed_compensation_percent = Some(50);
        assert_eq!(
            field(check_secondment(&share, &[])),
            Some("agreement".into())
        );
        share.agreement = Some("协议".into());
        share.agreed_compensation_percent = Some(101);
        assert_eq!(
            field(check_secondment(&share, &[])),
            Some("agreed_compensation_percent".into())
        );
        assert_eq!(
            "contracting_out".parse::<SuccessionKind>(),
            Ok(ContractingOut)
        );
        assert!("lease".parse::<SuccessionKind>().is_err());
    }
}
