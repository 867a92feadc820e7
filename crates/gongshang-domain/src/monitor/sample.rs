//! Random audit samples (随机抽查): records drawn at random from a
//! population (enrolments, cases, benefits in payment) and opened as alerts
//! of the pseudo-rule [`SAMPLE_RULE`], so that an investigator works them
//! like any alert (investigate, refer, close with an outcome). Their closed
//! outcomes are the base rate a rule's precision is compared with: a rule
//! that confirms no more often than a random sample adds nothing.
//!
//! The Social Insurance Handling Regulation (Decree No. 765) Art 42 has the
//! agency check registrations and benefits, and Art 44 has it act on what
//! it finds; "double random" checks (双随机) are how agencies choose whom to
//! check. The draw is reproducible: the same population size, size and
//! seed always choose the same records. Pure: no IO, no clock.

use std::collections::{BTreeMap, BTreeSet};

use gongshang_rules::monitoring::Severity;
use serde::{Deserialize, Serialize};

use super::alert::{Known, PlannedAlert, RunPlan};
use super::{Flag, RecordRef, Subject};

/// The id under which sampled records open alerts.
pub const SAMPLE_RULE: &str = "audit_sample";

/// What a sample is drawn from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Population {
    /// Every enrolment (registrations, Art 42); the subject is its unit,
    /// or the person for one without a unit.
    Enrolments,
    /// Every case (claims); the subject is the injured person.
    Cases,
    /// Periodic benefits still in payment; the subject is the injured
    /// person of the benefit's case.
    Benefits,
}

impl Population {
    pub const ALL: &'static [Population] = &[
        Population::Enrolments,
        Population::Cases,
        Population::Benefits,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Population::Enrolments => "enrolments",
            Population::Cases => "cases",
            Population::Benefits => "benefits",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            Population::Enrolments => "参保登记",
            Population::Cases => "工伤案件",
            Population::Benefits => "在发定期待遇",
        }
    }

    pub fn parse(s: &str) -> Result<Population, String> {
        Population::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not one of enrolments, cases, benefits"))
    }
}

/// SplitMix64: a small, well-mixed generator; enough to choose records
/// evenly and reproducibly (not for secrets).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=bound` (rejection sampling, no modulo bias).
    fn up_to(&mut self, bound: u64) -> u64 {
        if bound == u64::MAX {
            return self.next();
        }
        let span = bound + 1;
        let zone = u64::MAX - (u64::MAX % span);
        loop {
            let x = self.next();
            if x < zone {
                return x % span;
            }
        }
    }
}

/// `k` distinct positions out of `0..n`, chosen uniformly (Floyd's
/// algorithm), in ascending order; all of them when `k >= n`.
pub fn draw(n: usize, k: usize, seed: u64) -> Vec<usize> {
    if k >= n {
        return (0..n).collect();
    }
    let mut rng = SplitMix(seed);
    let mut chosen = BTreeSet::new();
    for j in (n - k)..n {
        let t = rng.up_to(j as u64) as usize;
        if !chosen.insert(t) {
            chosen.insert(j);
        }
    }
    chosen.into_iter().collect()
}

/// A record drawn, with the subject its alert is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Drawn {
    pub record: RecordRef,
    pub subject: Subject,
}

/// The plan that opens the sample's alerts: one alert per subject with a
/// flag per record drawn (a subject with an open sample alert takes the new
/// flags into it). The flag key names the draw (`{draw}/{kind}:{key}`), so
/// the same draw written twice adds nothing and a later draw may choose the
/// same record again.
pub fn sample_plan(
    population: Population,
    draw_id: &str,
    drawn: &[Drawn],
    known: &Known,
) -> RunPlan {
    let mut plan = RunPlan::default();
    let mut by_subject: BTreeMap<Subject, Vec<Flag>> = BTreeMap::new();
    let total = drawn.len();
    for (i, d) in drawn.iter().enumerate() {
        let key = format!("{draw_id}/{}:{}", d.record.kind, d.record.key);
        if known.flags.contains(&(SAMPLE_RULE.to_owned(), key.clone())) {
            plan.known += 1;
            continue;
        }
        by_subject.entry(d.subject.clone()).or_default().push(Flag {
            rule_id: SAMPLE_RULE.to_owned(),
            rule_version: 1,
            subject: d.subject.clone(),
            key,
            records: vec![d.record.clone()],
            text_zh: format!(
                "随机抽查{}（抽样 {draw_id}，第{}/{total}条）：{} {}",
                population.label_zh(),
                i + 1,
                d.record.kind,
                d.record.key
            ),
            text_en: format!(
                "random audit of {} (draw {draw_id}, {} of {total}): {} {}",
                population.as_str(),
                i + 1,
                d.record.kind,
                d.record.key
            ),
        });
    }
    for (subject, flags) in by_subject {
        match known
            .open_alerts
            .get(&(SAMPLE_RULE.to_owned(), subject.clone()))
        {
            Some(id) => plan
                .to_open_alerts
                .extend(flags.into_iter().map(|f| (*id, f))),
            None => plan.new_alerts.push(PlannedAlert {
                rule_id: SAMPLE_RULE.to_owned(),
                rule_version: 1,
                severity: Severity::Low,
                subject,
                flags,
            }),
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decree765_art42_a_draw_is_reproducible_distinct_and_within_the_population() {
        #[rustfmt::skip]
        let table: &[(usize, usize, u64)] = &[
            // population, size, seed
            (10, 3, 1),
            (10, 10, 1),
            (10, 25, 9),
            (1_000_000, 50, 20261206),
            (1, 1, 0),
            (0, 5, 3),
        ];
        for &(n, k, seed) in table {
            let a = draw(n, k, seed);
            assert_eq!(a, draw(n, k, seed), "the same seed draws the same");
            assert_eq!(a.len(), k.min(n));
            assert!(a.windows(2).all(|w| w[0] < w[1]), "distinct, ascending");
            assert!(a.iter().all(|&i| i < n));
        }
        assert_ne!(
            draw(1000, 10, 1),
            draw(1000, 10, 2),
            "another seed, another draw"
        );
    }

    /// Every position is about equally likely: 20,000 draws of 3 of 10
    /// choose each position 6,000 times give or take a few percent.
    #[test]
    fn decree765_art42_a_draw_chooses_every_record_about_equally() {
        let mut counts = [0u32; 10];
        for seed in 0..20_000u64 {
            for i in draw(10, 3, seed) {
                counts[i] += 1;
            }
        }
        for c in counts {
            assert!((5_700..=6_300).contains(&c), "{counts:?}");
        }
    }

    fn drawn(kind: &str, key: &str, subject: Subject) -> Drawn {
        Drawn {
            record: RecordRef::new(kind, key),
            subject,
        }
    }

    #[test]
    fn decree765_art44_sampled_records_open_one_alert_per_subject_or_join_an_open_one() {
        let u1 = Subject::unit("U1");
        let u2 = Subject::unit("U2");
        let d = vec![
            drawn("enrolment", "1", u1.clone()),
            drawn("enrolment", "2", u1.clone()),
            drawn("enrolment", "3", u2.clone()),
        ];
        let plan = sample_plan(Population::Enrolments, "s1", &d, &Known::default());
        assert_eq!(plan.new_alerts.len(), 2);
        assert_eq!(plan.new_alerts[0].subject, u1);
        assert_eq!(plan.new_alerts[0].flags.len(), 2);
        assert_eq!(plan.new_alerts[0].flags[0].key, "s1/enrolment:1");
        assert!(plan.new_alerts[0].flags[1].text_zh.contains("第2/3条"));

        // U2 has an open sample alert: its record joins it; the record of
        // U1 drawn before under this draw is known and adds nothing.
        let mut known = Known::default();
        known
            .open_alerts
            .insert((SAMPLE_RULE.to_owned(), u2.clone()), 77);
        known
            .flags
            .insert((SAMPLE_RULE.to_owned(), "s1/enrolment:1".to_owned()));
        let plan = sample_plan(Population::Enrolments, "s1", &d, &known);
        assert_eq!(plan.known, 1);
        assert_eq!(plan.new_alerts.len(), 1);
        assert_eq!(plan.new_alerts[0].flags.len(), 1);
        assert_eq!(plan.to_open_alerts.len(), 1);
        assert_eq!(plan.to_open_alerts[0].0, 77);
    }
}
