//! Grading (分级) of units and platforms, and the warnings (预警) by
//! industry, district and platform (issue 16).
//!
//! A subject's points are the sum of: each alert still active on it, and
//! each alert closed as confirmed in the year, weighted by severity; each
//! bill overdue with something outstanding; each case opened on it in the
//! year (an accident dated in it). The grade is A below `b_from` points, B
//! below `c_from`, C below `d_from`, D from there. A group of units (an
//! industry class or a district) is warned red, orange or yellow by the share
//! of its units graded C or D against three shares; a platform, its own group,
//! is warned by its grade (D red, C orange, B yellow).
//!
//! The instruments make the agency answer for fund risk (Guangdong's measures
//! Arts 14 and 17; Decree No. 765 Art 55) but set no scale: every weight and
//! threshold is a dated parameter of `policies/national/grading.toml`, marked
//! assumed. Pure: the caller gathers the counts and resolves the parameters.

use gongshang_rules::Money;
use gongshang_rules::rate::Rate;
use serde::Serialize;

use super::Subject;
use super::SubjectKind;

/// The weights and thresholds in force on the day graded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradingParams {
    pub points_high_alert: i64,
    pub points_medium_alert: i64,
    pub points_low_alert: i64,
    pub points_overdue_bill: i64,
    pub points_case: i64,
    pub b_from: i64,
    pub c_from: i64,
    pub d_from: i64,
    /// Shares of a group's units graded C or D that warn it.
    pub red_share: Rate,
    pub orange_share: Rate,
    pub yellow_share: Rate,
}

/// What is counted against one unit or platform.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SubjectCounts {
    /// Active, or closed as confirmed in the year: (high, medium, low).
    pub alerts: (i64, i64, i64),
    pub overdue_bills: i64,
    pub outstanding: Money,
    pub cases: i64,
}

/// A unit or platform to grade, with the groups it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradingSubject {
    pub subject: Subject,
    pub name: String,
    /// The industry class (1-8) of a unit.
    pub industry_class: Option<u8>,
    /// The district (region code) of a unit.
    pub district: Option<String>,
    pub counts: SubjectCounts,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    pub const fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Warning {
    Yellow,
    Orange,
    Red,
}

impl Warning {
    pub const fn label_zh(self) -> &'static str {
        match self {
            Warning::Red => "红色预警",
            Warning::Orange => "橙色预警",
            Warning::Yellow => "黄色预警",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Warning::Red => "red warning",
            Warning::Orange => "orange warning",
            Warning::Yellow => "yellow warning",
        }
    }
}

/// One reason for points, in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PointsReason {
    pub points: i64,
    pub zh: String,
    pub en: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Graded {
    pub subject: GradingSubject,
    pub points: i64,
    pub grade: Grade,
    pub reasons: Vec<PointsReason>,
}

/// What a group is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Industry,
    District,
    Platform,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupWarning {
    pub kind: GroupKind,
    pub key: String,
    pub subjects: i64,
    pub graded_c: i64,
    pub graded_d: i64,
    pub warning: Option<Warning>,
}

/// A subject's points and grade, with a reason for each part.
pub fn grade(subject: GradingSubject, p: &GradingParams) -> Graded {
    let c = &subject.counts;
    let mut reasons = Vec::new();
    let mut add = |n: i64, each: i64, zh: String, en: String| {
        if n > 0 && each > 0 {
            reasons.push(PointsReason {
                points: n * each,
                zh,
                en,
            });
        }
    };
    let (high, medium, low) = c.alerts;
    add(
        high,
        p.points_high_alert,
        format!("高风险预警{high}条，每条{}分", p.points_high_alert),
        format!("{high} high alert(s), {} each", p.points_high_alert),
    );
    add(
        medium,
        p.points_medium_alert,
        format!("中风险预警{medium}条，每条{}分", p.points_medium_alert),
        format!("{medium} medium alert(s), {} each", p.points_medium_alert),
    );
    add(
        low,
        p.points_low_alert,
        format!("低风险预警{low}条，每条{}分", p.points_low_alert),
        format!("{low} low alert(s), {} each", p.points_low_alert),
    );
    add(
        c.overdue_bills,
        p.points_overdue_bill,
        format!(
            "逾期未缴账单{}张（欠缴{}元），每张{}分",
            c.overdue_bills, c.outstanding, p.points_overdue_bill
        ),
        format!(
            "{} bill(s) overdue ({} yuan outstanding), {} each",
            c.overdue_bills, c.outstanding, p.points_overdue_bill
        ),
    );
    add(
        c.cases,
        p.points_case,
        format!("一年内工伤案件{}件，每件{}分", c.cases, p.points_case),
        format!("{} case(s) in the year, {} each", c.cases, p.points_case),
    );
    let points = reasons.iter().map(|r| r.points).sum();
    let grade = if points >= p.d_from {
        Grade::D
    } else if points >= p.c_from {
        Grade::C
    } else if points >= p.b_from {
        Grade::B
    } else {
        Grade::A
    };
    Graded {
        subject,
        points,
        grade,
        reasons,
    }
}

/// The warnings of the groups: each industry class and district of the
/// units graded, and each platform.
pub fn warnings(graded: &[Graded], p: &GradingParams) -> Vec<GroupWarning> {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(GroupKind, String), (i64, i64, i64)> = BTreeMap::new();
    let mut count = |kind: GroupKind, key: String, grade: Grade| {
        let e = groups.entry((kind, key)).or_default();
        e.0 += 1;
        if grade == Grade::C {
            e.1 += 1;
        }
        if grade == Grade::D {
            e.2 += 1;
        }
    };
    for g in graded {
        let s = &g.subject;
        match s.subject.kind {
            SubjectKind::Platform => count(GroupKind::Platform, s.subject.key.clone(), g.grade),
            _ => {
                if let Some(class) = s.industry_class {
                    count(GroupKind::Industry, class.to_string(), g.grade);
                }
                if let Some(d) = &s.district {
                    count(GroupKind::District, d.clone(), g.grade);
                }
            }
        }
    }
    groups
        .into_iter()
        .map(|((kind, key), (n, c, d))| {
            let warning = if kind == GroupKind::Platform {
                match (d, c, graded_b(graded, &key)) {
                    (1.., _, _) => Some(Warning::Red),
                    (_, 1.., _) => Some(Warning::Orange),
                    (_, _, true) => Some(Warning::Yellow),
                    _ => None,
                }
            } else {
                // The share of units graded C or D, compared exactly (n is
                // at least 1: a group exists because a unit is in it).
                let share = Rate::new(c + d, n.max(1));
                if c + d == 0 {
                    None
                } else if share >= p.red_share {
                    Some(Warning::Red)
                } else if share >= p.orange_share {
                    Some(Warning::Orange)
                } else if share >= p.yellow_share {
                    Some(Warning::Yellow)
                } else {
                    None
                }
            };
            GroupWarning {
                kind,
                key,
                subjects: n,
                graded_c: c,
                graded_d: d,
                warning,
            }
        })
        .collect()
}

fn graded_b(graded: &[Graded], platform: &str) -> bool {
    graded.iter().any(|g| {
        g.subject.subject.kind == SubjectKind::Platform
            && g.subject.subject.key == platform
            && g.grade == Grade::B
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> GradingParams {
        GradingParams {
            points_high_alert: 3,
            points_medium_alert: 2,
            points_low_alert: 1,
            points_overdue_bill: 2,
            points_case: 1,
            b_from: 1,
            c_from: 4,
            d_from: 8,
            red_share: Rate::new(30, 100),
            orange_share: Rate::new(20, 100),
            yellow_share: Rate::new(10, 100),
        }
    }

    fn unit(key: &str, class: u8, district: &str, counts: SubjectCounts) -> GradingSubject {
        GradingSubject {
            subject: Subject::unit(key),
            name: key.to_owned(),
            industry_class: Some(class),
            district: Some(district.to_owned()),
            counts,
        }
    }

    fn counts(alerts: (i64, i64, i64), overdue: i64, cases: i64) -> SubjectCounts {
        SubjectCounts {
            alerts,
            overdue_bills: overdue,
            outstanding: Money::from_fen(overdue * 10_000),
            cases,
        }
    }

    /// Alerts (high, medium, low), overdue bills, cases -> points, grade.
    type Row = ((i64, i64, i64), i64, i64, i64, Grade);

    /// Points are alerts by severity, overdue bills and cases, each times
    /// its weight; the grade is the band the sum falls in, each edge
    /// belonging to the worse grade.
    #[test]
    fn grading_points_and_grade_from_alerts_arrears_and_cases() {
        #[rustfmt::skip]
        let table: &[Row] = &[
            // alerts (h, m, l), overdue bills, cases -> points, grade
            ((0, 0, 0), 0, 0, 0, Grade::A),
            ((0, 0, 1), 0, 0, 1, Grade::B),  // b_from itself is B
            ((0, 0, 0), 0, 3, 3, Grade::B),  // just under c_from
            ((0, 2, 0), 0, 0, 4, Grade::C),  // c_from itself is C
            ((1, 0, 0), 2, 0, 7, Grade::C),  // just under d_from
            ((0, 0, 0), 4, 0, 8, Grade::D),  // d_from itself is D
            ((2, 1, 1), 1, 5, 16, Grade::D),
        ];
        for (alerts, overdue, cases, points, grade) in table {
            let g = super::grade(
                unit("U", 1, "350203", counts(*alerts, *overdue, *cases)),
                &params(),
            );
            assert_eq!(
                (g.points, g.grade),
                (*points, *grade),
                "{alerts:?} alerts, {overdue} overdue, {cases} cases"
            );
            assert_eq!(
                g.reasons.iter().map(|r| r.points).sum::<i64>(),
                g.points,
                "every point has its reason"
            );
        }
    }

    #[test]
    fn grading_reasons_say_what_counted_in_both_languages() {
        let g = super::grade(unit("U", 1, "350203", counts((1, 0, 0), 2, 1)), &params());
        let en: Vec<&str> = g.reasons.iter().map(|r| r.en.as_str()).collect();
        assert_eq!(
            en,
            [
                "1 high alert(s), 3 each",
                "2 bill(s) overdue (200.00 yuan outstanding), 2 each",
                "1 case(s) in the year, 1 each",
            ]
        );
        assert!(
            g.reasons[1].zh.contains("欠缴200.00元"),
            "{}",
            g.reasons[1].zh
        );
    }

    /// A group is warned by the share of its units graded C or D: at or
    /// above 30% red, 20% orange, 10% yellow (edges to the worse warning);
    /// a group with no C or D unit is not warned.
    #[test]
    fn grading_warns_industries_and_districts_by_the_share_graded_c_or_d() {
        #[rustfmt::skip]
        let table: &[(usize, usize, usize, Option<Warning>)] = &[
            // units, graded C, graded D -> warning of the group
            (10, 0, 0, None),
            (11, 1, 0, None),                  // 9.09%
            (10, 1, 0, Some(Warning::Yellow)), // 10% exactly
            (10, 1, 1, Some(Warning::Orange)), // 20% exactly
            (7, 0, 2, Some(Warning::Orange)),  // 28.57%
            (10, 0, 3, Some(Warning::Red)),    // 30% exactly
            (1, 1, 0, Some(Warning::Red)),
        ];
        for (n, c, d, warning) in table {
            let graded: Vec<Graded> = (0..*n)
                .map(|k| {
                    let counts = if k < *c {
                        counts((0, 2, 0), 0, 0)
                    } else if k < c + d {
                        counts((0, 0, 0), 4, 0)
                    } else {
                        SubjectCounts::default()
                    };
                    super::grade(unit(&format!("U{k}"), 3, "350203", counts), &params())
                })
                .collect();
            let w = warnings(&graded, &params());
            assert_eq!(w.len(), 2, "one industry and one district");
            for g in &w {
                assert_eq!(
                    (g.subjects, g.graded_c, g.graded_d, g.warning),
                    (*n as i64, *c as i64, *d as i64, *warning),
                    "{:?} {} with {n} units, {c} C, {d} D",
                    g.kind,
                    g.key
                );
            }
        }
    }

    /// A platform is its own group: D red, C orange, B yellow, A none.
    #[test]
    fn grading_warns_a_platform_by_its_own_grade() {
        #[rustfmt::skip]
        let table: &[(SubjectCounts, Option<Warning>)] = &[
            (counts((0, 0, 0), 0, 0), None),
            (counts((0, 0, 1), 0, 0), Some(Warning::Yellow)),
            (counts((1, 0, 1), 0, 0), Some(Warning::Orange)),
            (counts((2, 1, 0), 0, 0), Some(Warning::Red)),
        ];
        for (c, warning) in table {
            let graded = vec![super::grade(
                GradingSubject {
                    subject: Subject::platform("meituan"),
                    name: "美团".to_owned(),
                    industry_class: None,
                    district: None,
                    counts: c.clone(),
                },
                &params(),
            )];
            let w = warnings(&graded, &params());
            assert_eq!(w.len(), 1);
            assert_eq!(
                (w[0].kind, w[0].key.as_str()),
                (GroupKind::Platform, "meituan")
            );
            assert_eq!(w[0].warning, *warning, "{c:?}");
        }
    }
}
