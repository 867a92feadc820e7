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
//! - Credibility: `Z = min(1, sqrt(n / 1082))` with `n` the claims observed
//!   (1082 claims for the observed frequency to lie within 5% of the true one
//!   with probability 90%, the classical standard); the assumption becomes
//!   `Z × observed + (1 - Z) × default`. Z is computed in parts per million
//!   by integer square root (rounded down); every rate is rounded half away
//!   from zero to the part per million.
//!
//! An assumption a reform file sets itself is left as the file says.

use jiff::civil::Date;

use crate::reform::{Assumption, Assumptions};

/// Claims for full credibility (90% probability, within 5%).
pub const FULL_CREDIBILITY_CLAIMS: u64 = 1082;

/// An enrolment's span: `count` enrolments of a unit of `class` (1-8) from
/// `start` to `end` (inclusive; none: still running).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolled {
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
}

impl Observed {
    /// Counts the exposure and claims inside `[from, to)`; spans and claims
    /// of a class outside 1-8 are not counted.
    pub fn count(from: Date, to: Date, enrolled: &[Enrolled], claims: &[Claim]) -> Observed {
        let mut days = [0u128; 8];
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
        }
        Observed {
            from,
            to,
            days,
            claims: counted,
        }
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
            // observed = n / (days / 365) in ppm = n × 365 × 10^6 / days
            let observed = div_round(u128::from(n) * 365 * 1_000_000, self.days[c]);
            let z = credibility_ppm(n);
            let default = base.get(&key);
            let value = blend(z, observed, default);
            out.items.insert(
                key.clone(),
                Assumption {
                    key,
                    value_ppm: value,
                    label: format!(
                        "estimated from the stored cases: {n} claims ending in a grade or death, accidents {window}, over {} insured-years of class {} (observed {}), credibility {} against the default {}",
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
                    class: 1,
                    start: date(2022, 6, 1),
                    end: None,
                    count: 2,
                },
                // 2025-12-01 .. 2025-12-31 = 31 days
                Enrolled {
                    class: 1,
                    start: date(2025, 12, 1),
                    end: Some(date(2025, 12, 31)),
                    count: 1,
                },
                // ended before the window
                Enrolled {
                    class: 2,
                    start: date(2020, 1, 1),
                    end: Some(date(2022, 12, 31)),
                    count: 5,
                },
                // no such class
                Enrolled {
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
                class: 3,
                outcome: Outcome::Grade(10)
            };
            9
        ];
        claims.push(Claim {
            class: 3,
            outcome: Outcome::Death,
        });
        let o = Observed::count(
            from,
            to,
            &[Enrolled {
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

    /// Nothing observed changes nothing.
    #[test]
    fn no_exposure_and_no_claims_keep_the_defaults() {
        let (from, to) = window();
        let o = Observed::count(from, to, &[], &[]);
        let base = Assumptions::default();
        assert_eq!(o.blend(&base, &|_: &str| false), base);
    }
}
