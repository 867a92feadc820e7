//! The fund's projection over the insured as stored (issue 14,
//! `simulate --db`), on every backend.

use gongshang_app::simulation::{LeftOut, PopulationSource, SimulationRequest};
use gongshang_domain::month::Month;
use gongshang_rules::scheme::Category;
use jiff::civil::date;

use super::{ACTOR, each_backend, person, request, ts, unit, yuan};

const SCHEME: gongshang_rules::SchemeId = gongshang_rules::SchemeId::known("jiangsu.employees");

/// A Nanjing unit (industry class 2) enrols three employees on 2024-12-01,
/// declares them for December (8,000, 12,000 and 5,000 yuan) and ends the
/// third's enrolment on 2024-12-31; a second unit enrols a third employee and has
/// declared nothing; a Xiamen rider holds 益鹭保 without a
/// unit. Counted on 2025-01-15:
/// - the two declared employees are records, aged 40 (born 1985-01-01) and
///   38 (born 1986-02-02, birthday not yet reached), with their December
///   wages (the latest declaration up to January);
/// - the third has never declared a wage: left out, not given a guessed wage;
/// - the ended enrolment does not run on the day;
/// - the rider has no unit and so no industry class: left out unless the
///   request names a class for such enrolments, when the rider is a record
///   of Xiamen (the scheme's one region), wage 0 (a per-day premium does not
///   read it).
#[test]
fn the_stored_insured_are_projected_and_what_cannot_be_read_is_counted_not_guessed() {
    each_backend(|app, clock| {
        clock.set(ts("2024-12-01T08:00:00Z"));
        let u = unit(app, 1511, "320100");
        let a = person(app, "320102", date(1985, 1, 1), 151);
        let b = person(app, "320102", date(1986, 2, 2), 152);
        let c = person(app, "320102", date(1987, 3, 3), 153);
        let d = person(app, "320102", date(1988, 4, 4), 154);
        let v = unit(app, 1512, "320100");
        for (p, at) in [(a, u), (b, u), (c, v), (d, u)] {
            app.enroll(
                &ACTOR,
                &request(
                    p,
                    Some(at),
                    SCHEME.as_str(),
                    Category::Employee,
                    date(2024, 12, 1),
                ),
            )
            .unwrap();
        }
        let ended = app
            .enrollments_of_person(&ACTOR, &d)
            .unwrap()
            .into_iter()
            .next()
            .unwrap();
        app.end_enrollment(&ACTOR, ended.id, date(2024, 12, 31))
            .unwrap();
        app.declare_month(
            &ACTOR,
            &u,
            &SCHEME,
            Month::parse("2024-12").unwrap(),
            &[(a, yuan("8000")), (b, yuan("12000")), (d, yuan("5000"))],
        )
        .unwrap();
        let rider = person(app, "350203", date(1990, 1, 1), 155);
        app.enroll(
            &ACTOR,
            &request(
                rider,
                None,
                "xiamen.yilubao",
                Category::FlexibleWorker,
                date(2024, 12, 1),
            ),
        )
        .unwrap();

        let on = date(2025, 1, 15);
        let (pop, summary) = app.stored_population(&ACTOR, on, None).unwrap();
        assert_eq!(pop.len(), 2);
        let mut people: Vec<(u8, u32)> = pop
            .age
            .iter()
            .copied()
            .zip(pop.wage_fen.iter().copied())
            .collect();
        people.sort_unstable();
        assert_eq!(people, vec![(38, 1_200_000), (40, 800_000)]);
        assert_eq!(pop.class, vec![2, 2]);
        assert_eq!(pop.regions.len(), 1);
        assert_eq!(pop.regions[0].code, "320100");
        assert_eq!(
            summary.left_out.into_iter().collect::<Vec<_>>(),
            vec![(LeftOut::NoDeclaredWage, 1), (LeftOut::NoIndustryClass, 1)]
        );

        let (pop, summary) = app.stored_population(&ACTOR, on, Some(3)).unwrap();
        assert_eq!(pop.len(), 3);
        let i = pop.regions.iter().position(|r| r.code == "350200").unwrap();
        let k = pop
            .region
            .iter()
            .position(|&r| usize::from(r) == i)
            .unwrap();
        assert_eq!((pop.class[k], pop.age[k], pop.wage_fen[k]), (3, 35, 0));
        assert_eq!(summary.left_out.get(&LeftOut::NoIndustryClass), None);

        // The projection runs over them; no reform: the two sides agree.
        let sim = app
            .simulate(
                &ACTOR,
                &SimulationRequest {
                    reform: None,
                    population: PopulationSource::Stored {
                        on,
                        unitless_class: Some(3),
                    },
                    seed: 1,
                    start_year: 2025,
                    years: 2,
                    replicates: 0,
                },
            )
            .unwrap();
        assert_eq!(sim.projection.insured, 3);
        assert_eq!(sim.population.records, 3);
        assert_eq!(sim.projection.baseline.years, sim.projection.reformed.years);

        // A class outside 1-8 is refused at its field; a day with nobody
        // enrolled is refused at the population, not projected as zero.
        let err = app.stored_population(&ACTOR, on, Some(9)).unwrap_err();
        assert!(err.to_string().contains("unitless_class"), "{err}");
        let err = app
            .simulate(
                &ACTOR,
                &SimulationRequest {
                    reform: None,
                    population: PopulationSource::Stored {
                        on: date(2020, 1, 1),
                        unitless_class: None,
                    },
                    seed: 1,
                    start_year: 2025,
                    years: 1,
                    replicates: 0,
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("population"), "{err}");
    });
}

/// Issue 14: the survivors' pensions the fund pays on the day counted enter
/// the projection as benefits in payment at the start. A Guangzhou worker
/// died on 2025-04-25 leaving a spouse and a child born 2008-02-15 (paid to
/// January 2026, the month before the 18th birthday); counted on
/// 2025-06-15 with one insured declared:
/// - both pensions are in payment: the child's at 17 (the age its last
///   month tells), stopping at 18; the spouse's at the assumed age (no
///   resident id recorded), counted as such;
/// - the projection from 2025 pays both in 2025 (the child half the year,
///   the 18th birthday falling in it), the spouse's alone after.
#[test]
fn art39_the_stored_survivors_pensions_in_payment_enter_the_projection() {
    use super::cases::{CHECKER, MAKER, award_request, recognised};
    use gongshang_sim::population::PaidItem;
    // The cases' backends: the clock at 2026-06-30, after every day below.
    super::cases::each_backend(|app, _| {
        let number = recognised(app, 1);
        let facts = serde_json::json!({
            "own_wage": "8500.00",
            "death_date": "2025-04-25",
            "dependants": {"spouse": true, "others": 1}
        });
        let mut req = award_request(facts, "initial");
        req.dependant_birth_dates = vec![Some(date(2008, 2, 15))];
        let award = app.compute_award(&MAKER, &number, &req).unwrap();
        let view = app.approve_award(&CHECKER, award.award.id).unwrap();
        let monthly = |who: &str| {
            view.benefits
                .iter()
                .find(|b| b.beneficiary == who)
                .unwrap()
                .amounts[0]
                .amount
        };
        let (spouse, child) = (monthly("spouse"), monthly("dependant-1"));

        let u = unit(app, 1521, "440106");
        let p = person(app, "440106", date(1990, 5, 5), 161);
        app.enroll(
            &ACTOR,
            &request(
                p,
                Some(u),
                "guangdong.employees",
                Category::Employee,
                date(2025, 6, 1),
            ),
        )
        .unwrap();
        app.declare_month(
            &ACTOR,
            &u,
            &gongshang_rules::SchemeId::known("guangdong.employees"),
            Month::parse("2025-06").unwrap(),
            &[(p, yuan("9000"))],
        )
        .unwrap();

        let on = date(2025, 6, 15);
        let (pop, summary) = app.stored_population(&ACTOR, on, None).unwrap();
        assert_eq!(summary.benefits_in_payment, 2);
        assert_eq!(summary.survivors_at_assumed_age, 1);
        assert!(summary.benefits_left_out.is_empty());
        let mut paid: Vec<(Option<u8>, Option<u8>, gongshang_rules::Money)> = pop
            .in_payment
            .iter()
            .map(|b| {
                assert_eq!(b.item, PaidItem::Survivor);
                (b.age, b.stops_at_age, b.monthly)
            })
            .collect();
        paid.sort();
        assert_eq!(
            paid,
            vec![(None, None, spouse), (Some(17), Some(18), child)]
        );

        let sim = app
            .simulate(
                &ACTOR,
                &SimulationRequest {
                    reform: None,
                    population: PopulationSource::Stored {
                        on,
                        unitless_class: None,
                    },
                    seed: 1,
                    start_year: 2025,
                    years: 3,
                    replicates: 5,
                },
            )
            .unwrap();
        let years = &sim.projection.baseline.years;
        assert_eq!(sim.projection.benefits_in_payment, 2);
        assert_eq!(
            years
                .iter()
                .map(|y| y.in_payment_beneficiaries)
                .collect::<Vec<_>>(),
            vec![2, 1, 1]
        );
        // 2025: a year of the spouse's and half of the child's, less a
        // little for the chance of death.
        let full = spouse.fen() * 12 + child.fen() * 6;
        let first = years[0].in_payment_survivors.fen();
        assert!(first <= full && first > full * 99 / 100, "{first} {full}");
        // 2026: the spouse's alone, indexed by 3%.
        let second = years[1].in_payment_survivors.fen();
        let spouse_2026 = spouse.fen() * 12 * 103 / 100;
        assert!(
            second <= spouse_2026 && second > spouse_2026 * 99 / 100,
            "{second} {spouse_2026}"
        );
        assert!(years[0].expenditure >= years[0].in_payment_survivors);
        assert_eq!(sim.projection.baseline.years, sim.projection.reformed.years);
    });
}
