//! Claim experience read from the stored cases (issue 14): the incidence of
//! claims ending in a grade or a death by industry class, and the mix of
//! those outcomes, observed over a window of accident dates against the
//! insured-years enrolled in it, and blended with the default assumptions
//! by limited-fluctuation credibility.
//!
//! - Exposure: each enrolment's days inside the window `[from, to)`, by its
//!   unit's industry class; insured-years = days / 365.
//! - Claims: the cases whose accident day is in the window, of a unit of
//!   the class, whose latest appraisal conclusion has a grade (1-10) or whose
//!   approved award pays the one-time death benefit. A case still waiting for
//!   its conclusion counts as nothing yet, so the most recent months read low
//!   (no allowance for claims incurred but not concluded).
//! - Claims incurred but not reported (IBNR, [`Observed::add_ibnr`]): the
//!   chain ladder's expected count of cases not filed yet ([`crate::ibnr`],
//!   the development factors the fund statement values), turned into claims
//!   ending in a grade or death at the scheme's own ratio of such claims to
//!   its cases reported in the triangle, and spread over the scheme's
//!   classes by its claims; the incidence of a class is then (claims + IBNR)
//!   / insured-years, the credibility still counted on the claims observed
//!   (an estimate adds no evidence), and the label says how much was added.
//!   A scheme with no claim ending in a grade or death adds none.
//! - Credibility: `Z = min(1, sqrt(n / 1082))` with `n` the claims observed
//!   (1082 claims for the observed frequency to lie within 5% of the true one
//!   with probability 90%, the classical standard); the assumption becomes
//!   `Z × observed + (1 - Z) × default`. Z is computed in parts per million
//!   by integer square root (rounded down); every rate is rounded half away
//!   from zero to the part per million.
//!
//! An assumption a reform file sets itself is left as the file says.
//!
//! Incidence by grade within a class (`Observed::by_grade`): for each
//! scheme × industry class × outcome (grades 1-10, death) cell, the claims
//! of the cell a year per insured, `observed = n / insured-years` of the
//! scheme's class, blended by the same limited-fluctuation rule applied to
//! the cell's own claims, `Z = min(1, sqrt(n_cell / 1082))`, with the
//! fallback `class incidence (as blended above) × the scheme's share of the
//! outcome` (the scheme's own mix blended with the mix of all schemes by
//! `Z = min(1, sqrt(n_scheme / 1082))`). A cell with few cases therefore
//! rests almost wholly on the class's total × the scheme's grade mix; a
//! cell with 1082 cases or more on what it observed. Rates of cells are in
//! parts per billion (a grade-1 cell of a light class is a few parts per
//! million).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::reform::{Assumption, Assumptions};

/// Claims for full credibility (90% probability, within 5%).
pub const FULL_CREDIBILITY_CLAIMS: u64 = 1082;

/// An enrolment's span: `count` enrolments of a unit of `class` (1-8) from
/// `start` to `end` (inclusive; none: still running).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolled {
    /// The enrolment's scheme id.
    pub scheme: String,
    pub class: u8,
    pub start: Date,
    pub end: Option<Date>,
    pub count: u64,
}

/// How a stored case ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Grade(u8),
    Death,
}

/// A case of a unit of `class` whose accident is in the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The case's scheme id.
    pub scheme: String,
    pub class: u8,
    pub outcome: Outcome,
}

/// What was observed, by class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    pub from: Date,
    /// Exclusive.
    pub to: Date,
    /// Insured-days by class 1-8.
    pub days: [u128; 8],
    /// Claims by class 1-8 and outcome (grades 1-10, then death).
    pub claims: [[u64; 11]; 8],
    /// The same by scheme id.
    pub by_scheme: BTreeMap<String, SchemeObserved>,
    /// Claims incurred but not reported by class 1-8, thousandths of a
    /// claim ([`Observed::add_ibnr`]; none until added).
    pub ibnr_milli: [i64; 8],
    /// What the IBNR added, per scheme, in words.
    pub ibnr_notes: Vec<String>,
}

/// What was observed of one scheme, by class.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemeObserved {
    /// Insured-days by class 1-8.
    pub days: [u128; 8],
    /// Claims by class 1-8 and outcome (grades 1-10, then death).
    pub claims: [[u64; 11]; 8],
    /// Claims incurred but not reported by class 1-8, thousandths.
    pub ibnr_milli: [i64; 8],
}

/// The key of outcome slot `k` (0-9: `grade_1`-`grade_10`, 10: `death`).
pub fn outcome_name(k: usize) -> String {
    if k == 10 {
        "death".to_owned()
    } else {
        format!("grade_{}", k + 1)
    }
}

/// One scheme × class × outcome cell of [`IncidenceByGrade`]. Rates are
/// claims a year per insured in parts per billion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidenceCell {
    pub scheme: String,
    pub class: u8,
    /// `grade_1` … `grade_10`, `death`.
    pub outcome: String,
    /// The cell's claims in the window.
    pub claims: u64,
    /// Insured-days of the scheme's class in the window.
    pub insured_days: u64,
    /// `claims × 365 / insured-days`.
    pub observed_ppb: i64,
    /// The class's incidence × the scheme's share of the outcome.
    pub fallback_ppb: i64,
    /// `min(1, sqrt(claims / 1082))`, parts per million.
    pub credibility_ppm: i64,
    /// `Z × observed + (1 − Z) × fallback`: what the projection uses.
    pub value_ppb: i64,
}

/// Claim incidence by scheme × industry class × outcome, as estimated from
/// the stored cases (see the module's doc for the rule).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidenceByGrade {
    /// The accident days read, `from – to` (inclusive).
    pub window: String,
    /// The credibility rule, in words.
    pub rule: String,
    pub cells: Vec<IncidenceCell>,
    /// What was left to the assumptions, and why (a reform file sets it).
    pub not_estimated: Vec<String>,
    /// The claims incurred but not reported added to the observed counts
    /// (a cell's `observed_ppb` includes its share), per scheme, in words.
    #[serde(default)]
    pub ibnr: Vec<String>,
}

/// The rule of [`Observed::by_grade`], in words.
pub const BY_GRADE_RULE: &str = "limited-fluctuation credibility per cell: Z = min(1, sqrt(cell claims / 1082)); value = Z × observed + (1 − Z) × (class incidence × the scheme's outcome share); the scheme's outcome share = Z_s × its observed mix + (1 − Z_s) × the mix of all schemes, Z_s = min(1, sqrt(scheme claims / 1082))";

impl IncidenceByGrade {
    /// A scheme's class as the projection uses it: the incidence (the sum
    /// of the outcome cells, parts per million) and the outcome mix (each
    /// cell's share of that sum, parts per million); none when the class of
    /// the scheme was not estimated or sums to nothing.
    pub fn rates(&self, scheme: &str, class: u8) -> Option<(i64, [i64; 11])> {
        let mut values = [0i64; 11];
        let mut found = false;
        for c in self
            .cells
            .iter()
            .filter(|c| c.scheme == scheme && c.class == class)
        {
            let k = (0..11).find(|&k| outcome_name(k) == c.outcome)?;
            values[k] = c.value_ppb;
            found = true;
        }
        let sum: i64 = values.iter().sum();
        if !found || sum <= 0 {
            return None;
        }
        let mut mix = [0i64; 11];
        for (m, v) in mix.iter_mut().zip(values) {
            *m = div_round(
                u128::try_from(v).unwrap_or(0) * 1_000_000,
                u128::try_from(sum).unwrap_or(1),
            );
        }
        Some((div_round(u128::try_from(sum).unwrap_or(0), 1000), mix))
    }
}

impl Observed {
    /// Counts the exposure and claims inside `[from, to)`; spans and claims
    /// of a class outside 1-8 are not counted.
    pub fn count(from: Date, to: Date, enrolled: &[Enrolled], claims: &[Claim]) -> Observed {
        let mut days = [0u128; 8];
        let mut by_scheme: BTreeMap<String, SchemeObserved> = BTreeMap::new();
        for e in enrolled {
            let Some(c) = class_index(e.class) else {
                continue;
            };
            let start = e.start.max(from);
            // `end` is the last day enrolled; the window's `to` is excluded.
            let stop = match e.end.and_then(|d| d.tomorrow().ok()) {
                Some(after) => after.min(to),
                None => to,
            };
            if stop > start {
                let n = u128::try_from((stop - start).get_days()).unwrap_or(0);
                days[c] += n * u128::from(e.count);
                by_scheme.entry(e.scheme.clone()).or_default().days[c] += n * u128::from(e.count);
            }
        }
        let mut counted = [[0u64; 11]; 8];
        for claim in claims {
            let Some(c) = class_index(claim.class) else {
                continue;
            };
            let slot = match claim.outcome {
                Outcome::Grade(g @ 1..=10) => usize::from(g - 1),
                Outcome::Grade(_) => continue,
                Outcome::Death => 10,
            };
            counted[c][slot] += 1;
            by_scheme.entry(claim.scheme.clone()).or_default().claims[c][slot] += 1;
        }
        Observed {
            from,
            to,
            days,
            claims: counted,
            by_scheme,
            ibnr_milli: [0; 8],
            ibnr_notes: Vec::new(),
        }
    }

    /// Adds the claims incurred but not reported (the module's doc) of
    /// each scheme's chain-ladder estimate: `IBNR cases × the scheme's
    /// claims ending in a grade or death ÷ its cases reported in the
    /// triangle`, rounded once to the thousandth, spread over its classes
    /// by its claims (each share rounded, the last class taking the rest).
    pub fn add_ibnr(&mut self, estimates: &[crate::ibnr::IbnrEstimate]) {
        for e in estimates {
            let Some(so) = self.by_scheme.get_mut(&e.scheme) else {
                continue;
            };
            let n_scheme: u64 = so.claims.iter().flatten().sum();
            if e.ibnr_milli <= 0 || e.reported == 0 || n_scheme == 0 {
                continue;
            }
            let total = div_round(
                u128::try_from(e.ibnr_milli).unwrap_or(0) * u128::from(n_scheme),
                u128::from(e.reported),
            );
            if total == 0 {
                continue;
            }
            let by_class: Vec<u64> = so.claims.iter().map(|c| c.iter().sum()).collect();
            let last = by_class.iter().rposition(|&n| n > 0).unwrap_or(0);
            let mut left = total;
            for (c, &n) in by_class.iter().enumerate() {
                if n == 0 {
                    continue;
                }
                let share = if c == last {
                    left
                } else {
                    div_round(
                        u128::try_from(total).unwrap_or(0) * u128::from(n),
                        u128::from(n_scheme),
                    )
                };
                left -= share;
                so.ibnr_milli[c] += share;
                self.ibnr_milli[c] += share;
            }
            self.ibnr_notes.push(format!(
                "{}: {} claims incurred but not reported added (IBNR: {} cases by the chain ladder valued at {} × {n_scheme} claims ending in a grade or death of {} cases reported)",
                e.scheme,
                crate::ibnr::claims_text(total),
                crate::ibnr::claims_text(e.ibnr_milli),
                e.valued_at,
                e.reported,
            ));
        }
    }

    /// Incidence by scheme × class × outcome (the module's doc), against
    /// `blended` (the assumptions after [`Observed::blend`]). A class whose
    /// incidence the reform file sets, and every class when the file sets
    /// an outcome share, is left to the assumptions.
    // Outcomes and classes index several parallel arrays at once.
    #[allow(clippy::needless_range_loop)]
    pub fn by_grade(
        &self,
        blended: &Assumptions,
        file_set: &dyn Fn(&str) -> bool,
    ) -> IncidenceByGrade {
        let mut out = IncidenceByGrade {
            window: format!("{} – {}", self.from, self.to.yesterday().unwrap_or(self.to)),
            rule: BY_GRADE_RULE.to_owned(),
            ibnr: self.ibnr_notes.clone(),
            ..IncidenceByGrade::default()
        };
        if (0..11).any(|k| file_set(&format!("outcome.{}", outcome_name(k)))) {
            out.not_estimated
                .push("every class: the reform file sets the outcome mix".to_owned());
            return out;
        }
        for c in 0..8 {
            if file_set(&format!("incidence.class_{}", c + 1)) {
                out.not_estimated.push(format!(
                    "class {}: the reform file sets its incidence",
                    c + 1
                ));
            }
        }
        let all_mix: Vec<i64> = (0..11)
            .map(|k| blended.get(&format!("outcome.{}", outcome_name(k))))
            .collect();
        for (scheme, so) in &self.by_scheme {
            let n_scheme: u64 = so.claims.iter().flatten().sum();
            let z_scheme = credibility_ppm(n_scheme);
            let mut scheme_mix = [0i64; 11];
            for k in 0..11 {
                scheme_mix[k] = if n_scheme == 0 {
                    all_mix[k]
                } else {
                    let n_k: u64 = so.claims.iter().map(|c| c[k]).sum();
                    let observed = div_round(u128::from(n_k) * 1_000_000, u128::from(n_scheme));
                    blend(z_scheme, observed, all_mix[k])
                };
            }
            for c in 0..8 {
                let key = format!("incidence.class_{}", c + 1);
                if file_set(&key) || so.days[c] == 0 {
                    continue;
                }
                let class_incidence = blended.get(&key);
                let n_class: u64 = so.claims[c].iter().sum();
                for k in 0..11 {
                    let n = so.claims[c][k];
                    // The class's IBNR, shared as its claims are.
                    let ibnr = if n_class == 0 {
                        0
                    } else {
                        div_round(
                            u128::try_from(so.ibnr_milli[c]).unwrap_or(0) * u128::from(n),
                            u128::from(n_class),
                        )
                    };
                    let observed = div_round(
                        (u128::from(n) * 1000 + u128::try_from(ibnr).unwrap_or(0))
                            * 365
                            * 1_000_000,
                        so.days[c],
                    );
                    let fallback = div_round(
                        u128::try_from(i128::from(class_incidence) * i128::from(scheme_mix[k]))
                            .unwrap_or(0),
                        1000,
                    );
                    let z = credibility_ppm(n);
                    out.cells.push(IncidenceCell {
                        scheme: scheme.clone(),
                        class: u8::try_from(c + 1).unwrap_or(0),
                        outcome: outcome_name(k),
                        claims: n,
                        insured_days: u64::try_from(so.days[c]).unwrap_or(u64::MAX),
                        observed_ppb: observed,
                        fallback_ppb: fallback,
                        credibility_ppm: z,
                        value_ppb: blend(z, observed, fallback),
                    });
                }
            }
        }
        out
    }

    /// Claims of a class (1-8).
    pub fn claims_of(&self, class: usize) -> u64 {
        self.claims[class].iter().sum()
    }

    /// The assumptions blended with what was observed: each class's
    /// incidence and the outcome mix, except those `file_set` names (set
    /// by the reform file).
    pub fn blend(&self, base: &Assumptions, file_set: &dyn Fn(&str) -> bool) -> Assumptions {
        let mut out = base.clone();
        let window = format!("{} – {}", self.from, self.to.yesterday().unwrap_or(self.to));
        for c in 0..8 {
            let key = format!("incidence.class_{}", c + 1);
            if file_set(&key) || self.days[c] == 0 {
                continue;
            }
            let n = self.claims_of(c);
            let ibnr = self.ibnr_milli[c];
            // observed = (n + IBNR) / (days / 365) in ppm = (n × 1000 +
            // IBNR in thousandths) × 365 × 10^3 / days
            let observed = div_round(
                (u128::from(n) * 1000 + u128::try_from(ibnr).unwrap_or(0)) * 365 * 1000,
                self.days[c],
            );
            let z = credibility_ppm(n);
            let default = base.get(&key);
            let value = blend(z, observed, default);
            let added = if ibnr > 0 {
                format!(
                    " plus {} incurred but not reported (IBNR, chain ladder)",
                    crate::ibnr::claims_text(ibnr)
                )
            } else {
                String::new()
            };
            out.items.insert(
                key.clone(),
                Assumption {
                    key,
                    value_ppm: value,
                    label: format!(
                        "estimated from the stored cases: {n} claims ending in a grade or death{added}, accidents {window}, over {} insured-years of class {} (observed {}), credibility {} against the default {}",
                        years_text(self.days[c]),
                        c + 1,
                        crate::percent_text(observed),
                        crate::percent_text(z),
                        crate::percent_text(default),
                    ),
                },
            );
        }
        let mut by_outcome = [0u64; 11];
        for class in &self.claims {
            for (k, n) in class.iter().enumerate() {
                by_outcome[k] += n;
            }
        }
        let total: u64 = by_outcome.iter().sum();
        if total > 0 {
            let z = credibility_ppm(total);
            for (k, n) in by_outcome.iter().enumerate() {
                let key = if k == 10 {
                    "outcome.death".to_owned()
                } else {
                    format!("outcome.grade_{}", k + 1)
                };
                if file_set(&key) {
                    continue;
                }
                let observed = div_round(u128::from(*n) * 1_000_000, u128::from(total));
                let default = base.get(&key);
                out.items.insert(
                    key.clone(),
                    Assumption {
                        key,
                        value_ppm: blend(z, observed, default),
                        label: format!(
                            "estimated from the stored cases: {n} of {total} claims ending in a grade or death, accidents {window} (observed {}), credibility {} against the default {}",
                            crate::percent_text(observed),
                            crate::percent_text(z),
                            crate::percent_text(default),
                        ),
                    },
                );
            }
        }
        out
    }
}

fn class_index(class: u8) -> Option<usize> {
    (1..=8).contains(&class).then(|| usize::from(class - 1))
}

/// `Z = min(1, sqrt(n / 1082))` in parts per million, rounded down:
/// `isqrt(n × 10^12 / 1082)`.
pub fn credibility_ppm(n: u64) -> i64 {
    if n >= FULL_CREDIBILITY_CLAIMS {
        return 1_000_000;
    }
    let v = u128::from(n) * 1_000_000_000_000 / u128::from(FULL_CREDIBILITY_CLAIMS);
    i64::try_from(v.isqrt()).unwrap_or(1_000_000).min(1_000_000)
}

/// `Z × observed + (1 - Z) × default`, all in ppm, rounded half away from
/// zero.
fn blend(z: i64, observed: i64, default: i64) -> i64 {
    let num =
        i128::from(z) * i128::from(observed) + i128::from(1_000_000 - z) * i128::from(default);
    let v = gongshang_rules::money::round_half_away_from_zero(num, 1_000_000);
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn div_round(num: u128, den: u128) -> i64 {
    let v = gongshang_rules::money::round_half_away_from_zero(
        i128::try_from(num).unwrap_or(i128::MAX),
        i128::try_from(den).unwrap_or(i128::MAX),
    );
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Insured-years with one decimal (days / 365, rounded half away from zero).
fn years_text(days: u128) -> String {
    let tenths = div_round(days * 10, 365);
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn window() -> (Date, Date) {
        (date(2023, 1, 1), date(2026, 1, 1))
    }

    /// Exposure: a span is cut at the window; its last day counts, the
    /// window's end does not.
    #[test]
    fn exposure_counts_the_days_inside_the_window() {
        let (from, to) = window();
        let o = Observed::count(
            from,
            to,
            &[
                // 2022-06-01 .. running: 2023-01-01 .. 2025-12-31 = 1096 days, × 2
                Enrolled {
                    scheme: "ordinary".into(),
                    class: 1,
                    start: date(2022, 6, 1),
                    end: None,
                    count: 2,
                },
                // 2025-12-01 .. 2025-12-31 = 31 days
                Enrolled {
                    scheme: "ordinary".into(),
                    class: 1,
                    start: date(2025, 12, 1),
                    end: Some(date(2025, 12, 31)),
                    count: 1,
                },
                // ended before the window
                Enrolled {
                    scheme: "ordinary".into(),
                    class: 2,
                    start: date(2020, 1, 1),
                    end: Some(date(2022, 12, 31)),
                    count: 5,
                },
                // no such class
                Enrolled {
                    scheme: "ordinary".into(),
                    class: 9,
                    start: date(2023, 1, 1),
                    end: None,
                    count: 1,
                },
            ],
            &[],
        );
        assert_eq!(o.days[0], 1096 * 2 + 31);
        assert_eq!(o.days[1], 0);
    }

    /// Credibility: sqrt(n / 1082); 1082 claims and more are fully credible.
    #[test]
    fn credibility_is_the_square_root_of_the_share_of_1082_claims() {
        assert_eq!(credibility_ppm(0), 0);
        // sqrt(10 / 1082) = 0.0961362... → 96136 ppm (rounded down)
        assert_eq!(credibility_ppm(10), 96_136);
        // sqrt(270.5 / 1082) = 0.5 exactly is not reachable with whole n;
        // sqrt(541 / 1082) = 0.70710678... → 707106
        assert_eq!(credibility_ppm(541), 707_106);
        assert_eq!(credibility_ppm(1082), 1_000_000);
        assert_eq!(credibility_ppm(5000), 1_000_000);
    }

    /// By hand: class 3 with 1,000 insured over the three years (1096 days
    /// each = 1,096,000 insured-days = 3002.74 insured-years) and 10 claims
    /// (9 grade 10, 1 death). Observed incidence 10 × 365 × 10^6 / 1,096,000
    /// = 3330.29 → 3330 ppm (0.33%); Z = 96136 ppm; the default 0.4% = 4000
    /// ppm; blended (96136 × 3330 + 903864 × 4000) / 10^6 = 3935.59 → 3936
    /// ppm. The outcome mix: grade 10 observed 900000 ppm against 35%:
    /// (96136 × 900000 + 903864 × 350000) / 10^6 = 402874.8 → 402875;
    /// death 100000 against 2%: (96136 × 100000 + 903864 × 20000) / 10^6 =
    /// 27690.88 → 27691; grade 1 (none observed) 0.5%: 903864 × 5000 / 10^6
    /// = 4519.32 → 4519. The other classes, without exposure, keep their
    /// defaults, and what the file set is kept.
    #[test]
    fn blended_assumptions_by_hand() {
        let (from, to) = window();
        let mut claims = vec![
            Claim {
                scheme: "ordinary".into(),
                class: 3,
                outcome: Outcome::Grade(10)
            };
            9
        ];
        claims.push(Claim {
            scheme: "ordinary".into(),
            class: 3,
            outcome: Outcome::Death,
        });
        let o = Observed::count(
            from,
            to,
            &[Enrolled {
                scheme: "ordinary".into(),
                class: 3,
                start: date(2020, 1, 1),
                end: None,
                count: 1000,
            }],
            &claims,
        );
        let base = Assumptions::default();
        let out = o.blend(&base, &|k: &str| k == "outcome.grade_2");
        assert_eq!(out.get("incidence.class_3"), 3936);
        assert_eq!(out.get("incidence.class_1"), base.get("incidence.class_1"));
        assert_eq!(out.get("outcome.grade_10"), 402_875);
        assert_eq!(out.get("outcome.death"), 27_691);
        assert_eq!(out.get("outcome.grade_1"), 4519);
        assert_eq!(out.get("outcome.grade_2"), base.get("outcome.grade_2"));
        let label = &out.items["incidence.class_3"].label;
        assert!(label.contains("10 claims"), "{label}");
        assert!(label.contains("3002.7 insured-years"), "{label}");
        assert!(label.contains("2023-01-01 – 2025-12-31"), "{label}");
        assert_eq!(
            out.items["incidence.class_1"].label,
            base.items["incidence.class_1"].label
        );
    }

    /// By hand, incidence by grade: class 3 of two schemes over the three
    /// years, `ordinary` 1,000 insured (1,096,000 insured-days; 9 grade 10
    /// and 1 death) and `yilubao` 100 insured (109,600 days; 2 grade 9).
    /// The class as a whole: 12 claims over 1,205,600 days, observed
    /// 12 × 365 × 10^6 / 1,205,600 = 3633.04 → 3633 ppm, Z(12) = 105311,
    /// blended with 4000: 3961.35 → 3961 ppm. The mix of all schemes, Z(12):
    /// grade 10 (105311 × 750000 + 894689 × 350000) / 10^6 = 392124.4 →
    /// 392124; grade 9 (105311 × 166667 + 894689 × 250000) / 10^6 =
    /// 241224.1 → 241224; death 26670. `ordinary`'s mix, Z(10) = 96136:
    /// grade 10 (96136 × 900000 + 903864 × 392124) / 10^6 = 440948.7 →
    /// 440949; grade 9 903864 × 241224 / 10^6 = 218033.7 → 218034; death
    /// (96136 × 100000 + 903864 × 26670) / 10^6 = 33720.0 → 33720.
    /// The cell ordinary × class 3 × grade 10: observed 9 × 365 × 10^9 /
    /// 1,096,000 = 2997262.8 → 2997263 ppb; fallback 3961 × 440949 / 1000 =
    /// 1746599 ppb; Z(9) = isqrt(9 × 10^12 / 1082) = 91202; value
    /// (91202 × 2997263 + 908798 × 1746599) / 10^6 = 1860661.9 → 1860662
    /// ppb. Grade 9 (no case): Z = 0, the fallback 3961 × 218034 / 1000 =
    /// 863632.7 → 863633. Death: observed 333029, fallback 3961 × 33720 /
    /// 1000 = 133565, Z(1) = 30400: 139629. The cells of ordinary × class 3
    /// sum to 4081127 ppb = 4081 ppm, grade 10 a share 455919 ppm of it.
    /// `yilubao` × class 3 × grade 9: mix Z(2) = 42993, (42993 × 10^6 +
    /// 957007 × 241224) / 10^6 = 273845.9 → 273846; fallback 3961 × 273846
    /// / 1000 = 1084704; observed 2 × 365 × 10^9 / 109,600 = 6660584; Z(2)
    /// = 42993: 1324428.4 → 1324428.
    #[test]
    fn incidence_by_grade_blends_each_cell_with_the_class_total_times_the_scheme_mix() {
        let (from, to) = window();
        let claim = |scheme: &str, outcome| Claim {
            scheme: scheme.into(),
            class: 3,
            outcome,
        };
        let mut claims = vec![claim("ordinary", Outcome::Grade(10)); 9];
        claims.push(claim("ordinary", Outcome::Death));
        claims.push(claim("yilubao", Outcome::Grade(9)));
        claims.push(claim("yilubao", Outcome::Grade(9)));
        let enrolled = |scheme: &str, count| Enrolled {
            scheme: scheme.into(),
            class: 3,
            start: date(2020, 1, 1),
            end: None,
            count,
        };
        let o = Observed::count(
            from,
            to,
            &[enrolled("ordinary", 1000), enrolled("yilubao", 100)],
            &claims,
        );
        let no_file = |_: &str| false;
        let blended = o.blend(&Assumptions::default(), &no_file);
        assert_eq!(blended.get("incidence.class_3"), 3961);
        assert_eq!(blended.get("outcome.grade_10"), 392_124);
        let t = o.by_grade(&blended, &no_file);
        let cell = |scheme: &str, outcome: &str| {
            t.cells
                .iter()
                .find(|c| c.scheme == scheme && c.class == 3 && c.outcome == outcome)
                .unwrap()
                .clone()
        };
        let g10 = cell("ordinary", "grade_10");
        assert_eq!(
            (
                g10.claims,
                g10.insured_days,
                g10.observed_ppb,
                g10.fallback_ppb
            ),
            (9, 1_096_000, 2_997_263, 1_746_599)
        );
        assert_eq!((g10.credibility_ppm, g10.value_ppb), (91_202, 1_860_662));
        let g9 = cell("ordinary", "grade_9");
        assert_eq!((g9.credibility_ppm, g9.value_ppb), (0, 863_633));
        assert_eq!(cell("ordinary", "death").value_ppb, 139_629);
        let y9 = cell("yilubao", "grade_9");
        assert_eq!(
            (
                y9.observed_ppb,
                y9.fallback_ppb,
                y9.credibility_ppm,
                y9.value_ppb
            ),
            (6_660_584, 1_084_704, 42_993, 1_324_428)
        );
        // 11 outcomes of class 3 for each of the two schemes; no other class
        // has insured days.
        assert_eq!(t.cells.len(), 22);
        let (incidence, mix) = t.rates("ordinary", 3).unwrap();
        assert_eq!((incidence, mix[9]), (4081, 455_919));
        assert_eq!(t.rates("ordinary", 1), None);
        // What a reform file sets is left to it.
        let t = o.by_grade(&blended, &|k: &str| k == "incidence.class_3");
        assert!(t.cells.is_empty());
        assert_eq!(
            t.not_estimated,
            ["class 3: the reform file sets its incidence"]
        );
        let t = o.by_grade(&blended, &|k: &str| k == "outcome.death");
        assert!(t.cells.is_empty() && t.not_estimated.len() == 1);
    }

    /// Nothing observed changes nothing.
    #[test]
    fn no_exposure_and_no_claims_keep_the_defaults() {
        let (from, to) = window();
        let o = Observed::count(from, to, &[], &[]);
        let base = Assumptions::default();
        assert_eq!(o.blend(&base, &|_: &str| false), base);
    }
    /// Cases reported with a lag (issue 14): in each accident quarter of
    /// 2023Q1-2025Q4 one case is filed the day of its accident and one 100
    /// days later, in the next quarter. Valued on 2026-01-01 (at
    /// 2025-12-31) 2025Q4's second case is not filed yet: the chain ladder
    /// develops quarter 0 by 22 / 11 = 2 and later quarters by 1, so
    /// 2025Q4's one case reported becomes 2, an IBNR of 1.000 case of 23
    /// reported. The scheme's 10 claims ending in a grade (8 of class 3, 2
    /// of class 1) over those 23 cases make it 1000 × 10 / 23 = 434.78 →
    /// 435 thousandths of a claim: class 1 takes 435 × 2 / 10 = 87, class 3
    /// the rest, 348. Over 1000 insured a class through 2023-2025 (1096
    /// days each, 1,096,000 insured-days): class 3 observes (8000 + 348) ×
    /// 365 × 1000 / 1,096,000 = 2780.1 → 2780 ppm (2664 without the IBNR),
    /// Z(8) = 85,986, blended against 0.4%: (85,986 × 2780 + 914,014 ×
    /// 4000) / 10^6 = 3895.1 → 3895 ppm (3885 without); class 1: (2000 +
    /// 87) × 365,000 / 1,096,000 = 695.0 → 695, Z(2) = 42,993, against
    /// 0.2%: 1944 (1943 without). The labels say what was added.
    #[test]
    fn the_ibnr_of_cases_reported_with_a_lag_adds_to_the_recent_incidence() {
        use crate::ibnr::{Reported, TRIANGLE_QUARTERS, chain_ladder};
        let (from, to) = window();
        let mut reported = Vec::new();
        for year in 2023..=2025 {
            for month in [1, 4, 7, 10] {
                let accident = date(year, month, 15);
                for lag in [0, 100] {
                    reported.push(Reported {
                        scheme: "s".into(),
                        accident,
                        filed: accident.checked_add(jiff::Span::new().days(lag)).unwrap(),
                    });
                }
            }
        }
        let estimates = chain_ladder(&reported, to, TRIANGLE_QUARTERS);
        let e = &estimates[0];
        assert_eq!(
            (e.reported, e.ibnr_milli, e.not_counted),
            (23, 1000, 1),
            "{e:?}"
        );
        let enrolled: Vec<Enrolled> = [1, 3]
            .map(|class| Enrolled {
                scheme: "s".into(),
                class,
                start: from,
                end: None,
                count: 1000,
            })
            .to_vec();
        let mut claims = vec![
            Claim {
                scheme: "s".into(),
                class: 3,
                outcome: Outcome::Grade(9),
            };
            8
        ];
        claims.extend(vec![
            Claim {
                scheme: "s".into(),
                class: 1,
                outcome: Outcome::Grade(9),
            };
            2
        ]);
        let before = Observed::count(from, to, &enrolled, &claims);
        let mut observed = before.clone();
        observed.add_ibnr(&estimates);
        assert_eq!(observed.ibnr_milli[0], 87);
        assert_eq!(observed.ibnr_milli[2], 348);
        assert_eq!(observed.by_scheme["s"].ibnr_milli[2], 348);
        // The claims counted stay the ones observed.
        assert_eq!(observed.claims, before.claims);
        let base = Assumptions::default();
        let no_file = |_: &str| false;
        let (without, with) = (
            before.blend(&base, &no_file),
            observed.blend(&base, &no_file),
        );
        assert_eq!(
            (
                without.get("incidence.class_3"),
                with.get("incidence.class_3"),
                without.get("incidence.class_1"),
                with.get("incidence.class_1"),
            ),
            (3885, 3895, 1943, 1944)
        );
        let label = &with.items["incidence.class_3"].label;
        assert!(
            label.contains("plus 0.3 incurred but not reported (IBNR, chain ladder)"),
            "{label}"
        );
        assert!(!without.items["incidence.class_3"].label.contains("IBNR"));
        // By grade: the class 3 × grade 9 cell observes the class's IBNR too.
        let cell = |o: &Observed| {
            o.by_grade(&o.blend(&base, &no_file), &no_file)
                .cells
                .into_iter()
                .find(|c| c.class == 3 && c.outcome == "grade_9")
                .unwrap()
                .observed_ppb
        };
        assert_eq!((cell(&before), cell(&observed)), (2_664_234, 2_780_128));
        let t = observed.by_grade(&with, &no_file);
        assert_eq!(t.ibnr.len(), 1);
        assert!(
            t.ibnr[0].contains("0.4 claims incurred but not reported"),
            "{}",
            t.ibnr[0]
        );
    }
}
