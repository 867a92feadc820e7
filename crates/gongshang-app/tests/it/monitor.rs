//! Monitoring end to end (issue 16), on each backend: a platform that hides
//! 1 % of its orders (declares more than it sent) and a unit that pays its
//! worker's cover the day before the accident (cover starting on the accident
//! day) are both flagged and open alerts; a clean data set raises nothing; a
//! second run opens nothing new; an alert is handled to its close and feeds
//! its rule's precision; a unit, a platform or a worker never sees alerts.

use gongshang_app::accounts::{Actor, Role, Scope};
use gongshang_app::cases::FileCaseRequest;
use gongshang_app::{App, FixedClock, OrderInput, PaymentRequest};
use gongshang_domain::determination::{ApplicantRole, Ground, MaterialKind};
use gongshang_domain::ids::{OrderId, PlatformId, ResidentId};
use gongshang_domain::monitor::{AlertCommand, AlertState, Outcome, ReferTo, RunMode, SubjectKind};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::scheme::{Category, OrderIndustry};
use jiff::civil::date;

use super::{ACTOR, each_backend, enrolled_intern, person, ts};

/// `count` orders of a platform in July 2025, one a day at 10:00 China time
/// for each of ten riders.
fn import_orders(app: &App, platform: &str, count: u32) {
    let riders: Vec<_> = (0..10)
        .map(|n| {
            person(
                app,
                "440106",
                date(1994, 1, 1),
                500 + n + if platform == "eleme" { 20 } else { 0 },
            )
        })
        .collect();
    let mut pricer = app.order_pricer().unwrap();
    let records: Vec<_> = (0..count)
        .map(|i| {
            pricer
                .price(OrderInput {
                    platform: PlatformId::parse(platform).unwrap(),
                    order_id: OrderId::parse(&format!("{platform}-{i}")).unwrap(),
                    resident_id: riders[(i % 10) as usize],
                    ordered_at: ts(&format!("2025-07-{:02}T02:00:00Z", 1 + (i / 10) % 28)),
                    industry: OrderIndustry::InstantDelivery,
                    province: "44".into(),
                })
                .unwrap()
        })
        .collect();
    drop(pricer);
    let import = app.begin_orders_import(&ACTOR, "orders.csv").unwrap();
    app.import_orders_batch(&ACTOR, import, &records).unwrap();
    app.finish_orders_import(&ACTOR, import, u64::from(count), 0)
        .unwrap();
}

/// Two platforms that declare July 2025 (eleme declaring 1 % more than it
/// sent when `dirty`), and a unit's intern covered from the day after the
/// unit paid, injured 10 days later (clean) or on the first covered day
/// (dirty).
fn scenario(app: &App, clock: &FixedClock, dirty: bool) -> Injured {
    import_orders(app, "meituan", 200);
    import_orders(app, "eleme", 200);
    let july = Month::parse("2025-07").unwrap();
    for platform in ["meituan", "eleme"] {
        let id = PlatformId::parse(platform).unwrap();
        let stored = app.reconcile(&ACTOR, &id, july, None, None).unwrap();
        let (orders, premium) = if dirty && platform == "eleme" {
            // 202 declared, 200 sent: the platform kept back 1 % of them.
            (202, Money::from_fen(stored.premium.fen() * 101 / 100))
        } else {
            (stored.orders, stored.premium)
        };
        app.declare_platform_month(&ACTOR, &id, july, orders, premium)
            .unwrap();
    }

    let (u, p, _) = enrolled_intern(app, date(2021, 4, 1));
    let bill = app
        .declare_month(
            &ACTOR,
            &u,
            &"guangdong.specific_persons".parse().unwrap(),
            Month::parse("2021-04").unwrap(),
            &[(p, super::yuan("6000"))],
        )
        .unwrap();
    clock.set(ts("2021-04-10T02:00:00Z"));
    app.record_payment(
        &ACTOR,
        &PaymentRequest {
            bill_id: bill.bill_id,
            amount: bill.amount,
            paid_on: date(2021, 4, 10),
            idempotency_key: "intern-april".into(),
            payer: None,
        },
    )
    .unwrap();
    let accident = if dirty {
        date(2021, 4, 11)
    } else {
        date(2021, 4, 20)
    };
    clock.set(ts("2021-04-25T02:00:00Z"));
    app.file_case(
        &ACTOR,
        &FileCaseRequest {
            number: None,
            person: p,
            unit: u,
            scheme_id: "guangdong.specific_persons".parse().unwrap(),
            region: Some("440100".into()),
            applicant: ApplicantRole::Unit,
            accident_date: accident,
            filed_on: Some(date(2021, 4, 25)),
            ground_claimed: Ground::Art14WorkAccident,
            materials: [
                MaterialKind::ApplicationForm,
                MaterialKind::LabourRelationProof,
                MaterialKind::MedicalDiagnosis,
            ]
            .into(),
            accident_key: None,
            intern_school: None,
        },
    )
    .unwrap();
    clock.set(ts("2026-06-30T02:00:00Z"));
    Injured { unit: u, person: p }
}

/// The unit and the intern of the scenario.
struct Injured {
    unit: gongshang_domain::ids::CreditCode,
    person: gongshang_domain::ids::ResidentId,
}

/// A further case of the scenario's intern, filed the day after `accident`.
fn file_again(app: &App, clock: &FixedClock, who: &Injured, accident: jiff::civil::Date) {
    let filed = accident.tomorrow().unwrap();
    clock.set(ts(&format!("{filed}T02:00:00Z")));
    app.file_case(
        &ACTOR,
        &FileCaseRequest {
            number: None,
            person: who.person,
            unit: who.unit,
            scheme_id: "guangdong.specific_persons".parse().unwrap(),
            region: Some("440100".into()),
            applicant: ApplicantRole::Unit,
            accident_date: accident,
            filed_on: Some(filed),
            ground_claimed: Ground::Art14WorkAccident,
            materials: [
                MaterialKind::ApplicationForm,
                MaterialKind::LabourRelationProof,
                MaterialKind::MedicalDiagnosis,
            ]
            .into(),
            accident_key: None,
            intern_school: None,
        },
    )
    .unwrap();
    clock.set(ts("2026-06-30T02:00:00Z"));
}

#[test]
fn a_worker_injured_on_three_days_within_a_year_is_flagged_from_the_stored_cases() {
    each_backend(|app, clock| {
        let who = scenario(app, clock, false);
        // Two accident days: the store gathers the person, the rule waits.
        file_again(app, clock, &who, date(2021, 9, 1));
        let report = app.run_monitor(&ACTOR).unwrap();
        assert_eq!(report.facts["repeated_injuries"], 1, "{report:?}");
        assert_eq!(report.run.flags_found, 0, "{report:?}");
        // A third day within 365 days of the first fires; the intern's
        // unit, rated in a low-risk class with one person enrolled and
        // three cases in the year, fires industry_class_vs_cases too.
        file_again(app, clock, &who, date(2022, 4, 1));
        let report = app.run_monitor(&ACTOR).unwrap();
        assert_eq!(report.run.alerts_opened, 2, "{report:?}");
        let mut alerts: Vec<(String, SubjectKind)> = app
            .alerts(&ACTOR, Some("open"), None, None)
            .unwrap()
            .into_iter()
            .map(|a| (a.rule_id, a.subject.kind))
            .collect();
        alerts.sort();
        assert_eq!(
            alerts,
            [
                ("industry_class_vs_cases".to_owned(), SubjectKind::Unit),
                ("repeated_injuries".to_owned(), SubjectKind::Person),
            ]
        );
    });
}

#[test]
fn a_clean_data_set_raises_nothing() {
    each_backend(|app, clock| {
        scenario(app, clock, false);
        let report = app.run_monitor(&ACTOR).unwrap();
        assert_eq!(report.run.flags_found, 0, "{report:?}");
        assert!(app.alerts(&ACTOR, None, None, None).unwrap().is_empty());
        // The facts were there to look at.
        assert_eq!(report.facts["platform_declared_vs_stored"], 2);
        assert_eq!(report.facts["cover_after_accident"], 1);
    });
}

#[test]
fn a_platform_hiding_one_percent_and_cover_paid_the_day_before_the_accident_are_flagged() {
    each_backend(|app, clock| {
        scenario(app, clock, true);
        let report = app.run_monitor(&ACTOR).unwrap();
        assert_eq!(report.run.alerts_opened, 2, "{report:?}");
        let alerts = app.alerts(&ACTOR, Some("open"), None, None).unwrap();
        let mut seen: Vec<(&str, SubjectKind, &str)> = alerts
            .iter()
            .map(|a| (a.rule_id.as_str(), a.subject.kind, a.subject.key.as_str()))
            .collect();
        seen.sort();
        assert_eq!(seen[0].0, "cover_after_accident");
        assert_eq!(seen[0].1, SubjectKind::Person);
        assert_eq!(
            (seen[1].0, seen[1].1, seen[1].2),
            (
                "platform_declared_vs_stored",
                SubjectKind::Platform,
                "eleme"
            )
        );

        // Running again on the same data opens nothing and adds no flag.
        let again = app.run_monitor(&ACTOR).unwrap();
        assert_eq!((again.run.flags_new, again.run.alerts_opened), (0, 0));
        assert_eq!(app.alerts(&ACTOR, None, None, None).unwrap().len(), 2);

        // The alert shows its flag and the records it fired on.
        let cover = alerts
            .iter()
            .find(|a| a.rule_id == "cover_after_accident")
            .unwrap();
        let detail = app.alert_detail(&ACTOR, cover.id).unwrap();
        assert_eq!(detail.flags.len(), 1);
        let kinds: Vec<&str> = detail.flags[0]
            .records
            .iter()
            .map(|r| r.kind.as_str())
            .collect();
        assert_eq!(kinds, ["case", "cover", "payment"]);
        assert!(detail.rule.is_some());

        // Handled to its close; the rule's precision counts it.
        let refer = AlertCommand::Refer {
            to: ReferTo::Inspection,
            note: "the unit paid the day before the accident".into(),
        };
        let referred = app.handle_alert(&ACTOR, cover.id, Some(1), refer).unwrap();
        assert_eq!(
            referred.state,
            AlertState::Referred {
                to: ReferTo::Inspection
            }
        );
        let stale = app
            .handle_alert(
                &ACTOR,
                cover.id,
                Some(1),
                AlertCommand::Close {
                    outcome: Outcome::Confirmed,
                    note: "x".into(),
                },
            )
            .unwrap_err();
        assert_eq!(stale.code(), "conflict");
        app.handle_alert(
            &ACTOR,
            cover.id,
            None,
            AlertCommand::Close {
                outcome: Outcome::Confirmed,
                note: "inspection found the accident before the payment".into(),
            },
        )
        .unwrap();
        let rules = app.monitor_rules(&ACTOR).unwrap();
        let rule = rules
            .iter()
            .find(|r| r.rule.id == "cover_after_accident")
            .unwrap();
        assert_eq!((rule.precision.confirmed, rule.precision.closed), (1, 1));
        assert_eq!(rule.precision_bp, Some(10_000));

        // A unit, a platform and a worker never see alerts; an analyst reads.
        for (role, scope) in [
            (
                Role::Unit,
                Scope::Unit {
                    unit: super::credit(7, "440106"),
                    platform: None,
                },
            ),
            (
                Role::Worker,
                Scope::Person(super::resident("440106", date(2003, 6, 1), 31)),
            ),
        ] {
            let who = Actor {
                login: "someone".into(),
                role,
                scope,
            };
            assert_eq!(
                app.alerts(&who, None, None, None).unwrap_err().code(),
                "forbidden"
            );
            assert_eq!(app.run_monitor(&who).unwrap_err().code(), "forbidden");
        }
        let analyst = Actor {
            login: "analyst".into(),
            role: Role::Analyst,
            scope: Scope::StatisticsOnly,
        };
        assert_eq!(app.alerts(&analyst, None, None, None).unwrap().len(), 2);
        assert_eq!(app.run_monitor(&analyst).unwrap_err().code(), "forbidden");
    });
}

/// Grading (issue 16): a platform is graded by its alerts (the hidden 1 %
/// is a high alert: 3 points, grade B, a yellow warning of the platform), a
/// unit with nothing in the year is A (its 2021 case is long past); an alert closed as
/// confirmed still counts for the year (the store test checks that one
/// closed unfounded counts nothing); a unit never
/// reads the grades.
#[test]
fn grading_follows_the_alerts_arrears_and_cases_of_each_unit_and_platform() {
    use gongshang_domain::monitor::grading::{Grade, GroupKind, Warning};
    each_backend(|app, clock| {
        let who = scenario(app, clock, true);
        app.run_monitor(&ACTOR).unwrap();
        let report = app.grading(&ACTOR, None).unwrap();
        assert_eq!(report.as_of, date(2026, 6, 30));
        assert_eq!(report.since, date(2025, 7, 1));
        let grade_of = |r: &gongshang_app::monitor::GradingReport, key: &str| {
            let g = r
                .graded
                .iter()
                .find(|g| g.subject.subject.key == key)
                .unwrap_or_else(|| panic!("{key} graded"));
            (g.points, g.grade)
        };
        assert_eq!(grade_of(&report, "eleme"), (3, Grade::B));
        assert_eq!(grade_of(&report, "meituan"), (0, Grade::A));
        assert_eq!(grade_of(&report, who.unit.as_str()), (0, Grade::A));
        let eleme = report
            .warnings
            .iter()
            .find(|w| w.kind == GroupKind::Platform && w.key == "eleme")
            .unwrap();
        assert_eq!(eleme.warning, Some(Warning::Yellow));
        assert_eq!(report.warnings[0].key, "eleme", "warned groups first");
        assert_eq!(report.parameters.len(), 11);

        // Before the scale was in force (2023-12-01, Decree 765) there is
        // no grading: the error names the parameter missing.
        let before = app.grading(&ACTOR, Some(date(2021, 6, 30))).unwrap_err();
        assert!(
            before.to_string().contains("monitoring.grading."),
            "{before}"
        );

        // Closed as unfounded the platform's alert counts nothing; closed
        // as confirmed it counts for the year.
        let alert = app
            .alerts(
                &ACTOR,
                Some("open"),
                Some("platform_declared_vs_stored"),
                None,
            )
            .unwrap()
            .remove(0);
        app.handle_alert(
            &ACTOR,
            alert.id,
            None,
            AlertCommand::Close {
                outcome: Outcome::Confirmed,
                note: "the platform sent the missing orders".into(),
            },
        )
        .unwrap();
        let report = app.grading(&ACTOR, None).unwrap();
        assert_eq!(grade_of(&report, "eleme"), (3, Grade::B));

        let unit = Actor {
            login: "unit".into(),
            role: Role::Unit,
            scope: Scope::Unit {
                unit: who.unit,
                platform: None,
            },
        };
        assert_eq!(app.grading(&unit, None).unwrap_err().code(), "forbidden");
    });
}

/// Decree 765 Arts 42 and 44: a random sample of enrolments opens alerts
/// worked like any other; the same draw again writes nothing; a closed
/// sample counts in the base rate; a size out of bounds is refused at its
/// field; a unit may not draw.
#[test]
fn decree765_art42_random_samples_open_alerts_once_and_their_outcomes_give_the_base_rate() {
    use gongshang_domain::monitor::sample::{Population, SAMPLE_RULE};
    each_backend(|app, clock| {
        let who = scenario(app, clock, false);
        let first = app
            .draw_audit_sample(&ACTOR, Population::Enrolments, 5, Some(42))
            .unwrap();
        assert!(first.population_size >= 1);
        assert_eq!(first.drawn.len(), first.population_size.min(5));
        assert!(first.run.alerts_opened >= 1, "{first:?}");
        let sampled = app
            .alerts(&ACTOR, Some("open"), Some(SAMPLE_RULE), None)
            .unwrap();
        assert_eq!(sampled.len() as i64, first.run.alerts_opened);
        let again = app
            .draw_audit_sample(&ACTOR, Population::Enrolments, 5, Some(42))
            .unwrap();
        assert_eq!(again.drawn, first.drawn, "the same seed draws the same");
        assert_eq!((again.run.flags_new, again.run.alerts_opened), (0, 0));

        let cases = app
            .draw_audit_sample(&ACTOR, Population::Cases, 3, Some(7))
            .unwrap();
        assert_eq!(cases.drawn.len(), 1, "the scenario has one case");
        assert_eq!(cases.drawn[0].record.kind, "case");
        assert_eq!(cases.drawn[0].subject.key, who.person.as_str());

        let alert = &sampled[0];
        let detail = app.alert_detail(&ACTOR, alert.id).unwrap();
        assert!(detail.flags[0].text_zh.contains("随机抽查参保登记"));
        app.handle_alert(
            &ACTOR,
            alert.id,
            None,
            AlertCommand::Close {
                outcome: Outcome::Confirmed,
                note: "the intern's wage was declared below the band".into(),
            },
        )
        .unwrap();
        let base = app.sample_base_rate(&ACTOR).unwrap();
        assert_eq!((base.confirmed, base.closed), (1, 1));

        let too_many = app
            .draw_audit_sample(&ACTOR, Population::Cases, 1001, None)
            .unwrap_err();
        assert_eq!(too_many.field(), Some("size"));
        let unit = Actor {
            login: "unit".into(),
            role: Role::Unit,
            scope: Scope::Unit {
                unit: who.unit,
                platform: None,
            },
        };
        assert_eq!(
            app.draw_audit_sample(&unit, Population::Cases, 1, None)
                .unwrap_err()
                .code(),
            "forbidden"
        );
    });
}

/// Orders of one rider on meituan, one at each instant, as one import
/// through the app (which runs the monitoring incrementally after it once a
/// run has recorded watermarks).
fn import_rider_orders(app: &App, rider: gongshang_domain::ids::ResidentId, at: &[&str]) {
    let mut pricer = app.order_pricer().unwrap();
    let records: Vec<_> = at
        .iter()
        .map(|instant| {
            pricer
                .price(OrderInput {
                    platform: PlatformId::parse("meituan").unwrap(),
                    order_id: OrderId::parse(&format!("late-{instant}")).unwrap(),
                    resident_id: rider,
                    ordered_at: ts(instant),
                    industry: OrderIndustry::InstantDelivery,
                    province: "44".into(),
                })
                .unwrap()
        })
        .collect();
    drop(pricer);
    let import = app.begin_orders_import(&ACTOR, "orders.csv").unwrap();
    app.import_orders_batch(&ACTOR, import, &records).unwrap();
    app.finish_orders_import(&ACTOR, import, records.len() as u64, 0)
        .unwrap();
}

/// Incremental runs (issue 16): once a full run has recorded watermarks,
/// each import runs the rules over the days it touched; a rider's three
/// days made longer than 16 hours by three later imports leave two pending
/// flags and then open the alert, as a full run would; the full run after
/// them finds nothing new, and an incremental run with nothing new reads
/// no fact.
#[test]
fn incremental_runs_after_successive_imports_open_what_a_full_run_opens() {
    each_backend(|app, _clock| {
        let rider = person(app, "440106", date(1994, 1, 1), 700);
        let other = person(app, "440106", date(1994, 1, 1), 701);
        // Before any run an import runs nothing: there is no watermark.
        import_rider_orders(
            app,
            rider,
            &[
                "2025-06-30T23:10:00Z",
                "2025-07-01T23:10:00Z",
                "2025-07-02T23:10:00Z",
            ],
        );
        assert!(app.monitor_runs(&ACTOR, None).unwrap().is_empty());
        let first = app.run_monitor_in(&ACTOR, RunMode::Incremental).unwrap();
        // No earlier watermark: the incremental run asked for ran in full.
        assert_eq!(
            (first.asked, first.run.mode),
            (RunMode::Incremental, RunMode::Full)
        );
        assert_eq!(first.run.flags_found, 0);

        // 23:50 China time on each of the three days, one import each (the
        // other rider's day is imported too, and is short).
        let late = [
            "2025-07-01T15:50:00Z",
            "2025-07-02T15:50:00Z",
            "2025-07-03T15:50:00Z",
        ];
        for (n, instant) in late.iter().enumerate() {
            import_rider_orders(app, rider, &[instant]);
            import_rider_orders(app, other, &[&instant.replace("15:50", "16:10")]);
            let runs = app.monitor_runs(&ACTOR, Some(2)).unwrap();
            let (after_other, after_rider) = (&runs[0], &runs[1]);
            assert_eq!(after_rider.mode, RunMode::Incremental);
            assert_eq!(after_rider.flags_new, 1, "{after_rider:?}");
            assert_eq!(
                after_rider.alerts_opened,
                i64::from(n == 2),
                "{after_rider:?}"
            );
            // Each run starts where the one before it stopped.
            assert_eq!(after_other.since, after_rider.watermarks);
            assert_eq!(after_other.flags_new, 0);
        }
        let open = app
            .alerts(&ACTOR, Some("open"), Some("hours_in_day"), None)
            .unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].flags, 3);

        let idle = app.run_monitor_in(&ACTOR, RunMode::Incremental).unwrap();
        assert_eq!(idle.run.mode, RunMode::Incremental);
        assert_eq!(idle.facts["hours_in_day"], 0, "{idle:?}");
        assert_eq!((idle.run.flags_found, idle.run.flags_new), (0, 0));
        let full = app.run_monitor(&ACTOR).unwrap();
        assert_eq!(full.run.flags_found, 3, "{full:?}");
        assert_eq!((full.run.flags_new, full.run.alerts_opened), (0, 0));
    });
}

/// The end-to-end scenario run incrementally: after a first full run on an
/// empty store, the imports run by themselves and one incremental run
/// after the declarations, the payment and the case opens the two alerts
/// the full run opens over the same data; a full run after it adds nothing.
#[test]
fn an_incremental_run_opens_the_alerts_of_the_end_to_end_scenario() {
    each_backend(|app, clock| {
        let baseline = app.run_monitor(&ACTOR).unwrap();
        assert_eq!(baseline.run.mode, RunMode::Full);
        assert!(baseline.run.watermarks.is_some());
        scenario(app, clock, true);
        let after_imports = app.monitor_runs(&ACTOR, None).unwrap();
        assert_eq!(
            after_imports
                .iter()
                .filter(|r| r.mode == RunMode::Incremental)
                .count(),
            2,
            "one run after each order import: {after_imports:?}"
        );
        let report = app.run_monitor_in(&ACTOR, RunMode::Incremental).unwrap();
        assert_eq!(report.run.mode, RunMode::Incremental);
        assert_eq!(report.run.alerts_opened, 2, "{report:?}");
        let mut rules: Vec<String> = app
            .alerts(&ACTOR, Some("open"), None, None)
            .unwrap()
            .into_iter()
            .map(|a| a.rule_id)
            .collect();
        rules.sort();
        assert_eq!(
            rules,
            ["cover_after_accident", "platform_declared_vs_stored"]
        );
        let full = app.run_monitor(&ACTOR).unwrap();
        assert_eq!(full.run.flags_found, report.run.flags_found, "{full:?}");
        assert_eq!((full.run.flags_new, full.run.alerts_opened), (0, 0));
        assert_eq!(
            app.run_monitor_in(&ACTOR, RunMode::Sample)
                .unwrap_err()
                .field(),
            Some("mode")
        );
    });
}

/// A failed run after an import is not silent (issue 16): the import
/// stands and its answer says the run failed and why; the failure is kept
/// with the import that started it, shown until a run of the rules
/// succeeds (a random sample does not end it), and the run after it covers
/// the import's rows.
#[test]
fn a_failed_monitoring_run_after_an_import_is_said_and_kept_until_a_run_succeeds() {
    use gongshang_app::imports::ImportOptions;
    use gongshang_app::monitor::AfterImportRun;
    use gongshang_domain::monitor::sample::Population;
    each_backend(|app, _clock| {
        let rider = person(app, "440106", date(1994, 1, 1), 760);
        let order = |id: &str, at: &str| {
            Ok(OrderInput {
                platform: PlatformId::parse("meituan").unwrap(),
                order_id: OrderId::parse(id).unwrap(),
                resident_id: rider,
                ordered_at: ts(at),
                industry: OrderIndustry::InstantDelivery,
                province: "44".into(),
            })
        };
        let options = ImportOptions {
            source: "orders.csv".into(),
            skip_invalid: false,
        };
        // Before any run there is nothing to be incremental after.
        let first = app
            .import_orders(
                &ACTOR,
                vec![(1, order("f-1", "2025-07-01T02:00:00Z"))],
                &options,
            )
            .unwrap();
        assert_eq!(first.monitoring, None);
        app.run_monitor(&ACTOR).unwrap();
        let ran = app
            .import_orders(
                &ACTOR,
                vec![(1, order("f-2", "2025-07-02T02:00:00Z"))],
                &options,
            )
            .unwrap();
        assert!(
            matches!(ran.monitoring, Some(AfterImportRun::Ran { .. })),
            "{ran:?}"
        );
        assert_eq!(app.monitor_status(&ACTOR).unwrap().failure, None);

        app.fail_monitor_runs_with(Some("disk full"));
        let failed = app
            .import_orders(
                &ACTOR,
                vec![(1, order("f-3", "2025-07-03T02:00:00Z"))],
                &options,
            )
            .unwrap();
        assert!(failed.stored && failed.added == 1, "the import stands");
        match &failed.monitoring {
            Some(AfterImportRun::Failed { reason }) => {
                assert!(reason.contains("disk full"), "{reason}")
            }
            other => panic!("the answer says the run failed: {other:?}"),
        }
        let kept = app.monitor_status(&ACTOR).unwrap().failure.expect("kept");
        assert_eq!(kept.cause, format!("import {}", failed.import_id.unwrap()));
        assert_eq!(kept.mode, RunMode::Incremental);
        assert!(kept.reason.contains("disk full"));
        app.fail_monitor_runs_with(None);
        // A random sample is no run of the rules.
        app.draw_audit_sample(&ACTOR, Population::Cases, 1, Some(1))
            .unwrap();
        assert!(app.monitor_status(&ACTOR).unwrap().failure.is_some());
        // The run after it succeeds and covers the import's rows.
        let again = app.run_monitor_in(&ACTOR, RunMode::Incremental).unwrap();
        assert_eq!(again.run.mode, RunMode::Incremental);
        let status = app.monitor_status(&ACTOR).unwrap();
        assert_eq!(status.failure, None);
        assert_eq!(status.last_run.map(|r| r.id), Some(again.run.id));
    });
}

/// The life-event import and the matching run say the monitoring run after
/// them as the order import does (issue 16): ran, or failed and why, with
/// what they stored standing; the failure is kept with its cause.
#[test]
fn life_events_and_matching_say_the_monitoring_run_after_them() {
    use gongshang_app::matching::{LifeEventInput, MatchMode, MatchRecovery};
    use gongshang_app::monitor::AfterImportRun;
    each_backend(|app, _clock| {
        let rider = person(app, "440106", date(1994, 1, 1), 770);
        let event = |on: &str| {
            vec![(
                1,
                String::new(),
                LifeEventInput {
                    resident_id: rider.to_string(),
                    kind: "alive".into(),
                    event_date: on.into(),
                    source: "civil affairs".into(),
                    pension_monthly: String::new(),
                },
            )]
        };
        // Before any run there is nothing to be incremental after.
        let first = app
            .import_life_events(&ACTOR, &event("2025-07-01"))
            .unwrap();
        assert!(first.stored, "{first:?}");
        assert_eq!(first.monitoring, None);
        app.run_monitor(&ACTOR).unwrap();
        let ran = app
            .import_life_events(&ACTOR, &event("2025-07-02"))
            .unwrap();
        assert!(
            matches!(ran.monitoring, Some(AfterImportRun::Ran { .. })),
            "{ran:?}"
        );
        let matched = app
            .run_matching(&ACTOR, MatchMode::Full, MatchRecovery::Refund)
            .unwrap();
        assert!(
            matches!(matched.monitoring, Some(AfterImportRun::Ran { .. })),
            "{matched:?}"
        );

        app.fail_monitor_runs_with(Some("disk full"));
        let failed = app
            .import_life_events(&ACTOR, &event("2025-07-03"))
            .unwrap();
        assert!(failed.stored && failed.added == 1, "the import stands");
        assert!(
            matches!(&failed.monitoring, Some(AfterImportRun::Failed { reason }) if reason.contains("disk full")),
            "{failed:?}"
        );
        assert_eq!(
            app.monitor_status(&ACTOR)
                .unwrap()
                .failure
                .expect("kept")
                .cause,
            "life events"
        );
        let run = app
            .run_matching(&ACTOR, MatchMode::Incremental, MatchRecovery::Refund)
            .unwrap();
        assert!(
            matches!(&run.monitoring, Some(AfterImportRun::Failed { reason }) if reason.contains("disk full")),
            "{run:?}"
        );
        assert_eq!(
            app.monitor_status(&ACTOR)
                .unwrap()
                .failure
                .expect("kept")
                .cause,
            format!("matching run {}", run.run.id)
        );
        app.fail_monitor_runs_with(None);
    });
}

/// A unit rated in `class` (number `n`) enrolling five people from 2025-01-01
/// (ordinary employees), people `first..first + 5`.
fn unit_of_five(app: &App, n: u32, class: &str, first: u32) -> (String, Vec<ResidentId>) {
    let code = super::credit(n, "440106");
    app.register_unit(
        &ACTOR,
        &gongshang_app::UnitInput {
            credit_code: code.as_str().into(),
            name: format!("配送站{n}"),
            kind: "enterprise".into(),
            region: "440106".into(),
            industry_class: class.into(),
            floating_tier: "1.0".into(),
        },
    )
    .unwrap();
    let people: Vec<ResidentId> = (first..first + 5)
        .map(|seq| {
            let p = person(app, "440106", date(1990, 2, 1), seq);
            app.enroll(
                &ACTOR,
                &super::request(
                    p,
                    Some(code),
                    "guangdong.employees",
                    Category::Employee,
                    date(2025, 1, 1),
                ),
            )
            .unwrap();
            p
        })
        .collect();
    (code.as_str().to_owned(), people)
}

/// Three orders of `industry` for each of `people` on `day` (China time).
fn import_industry_orders(
    app: &App,
    tag: &str,
    people: &[ResidentId],
    industry: OrderIndustry,
    day: &str,
) {
    let mut pricer = app.order_pricer().unwrap();
    let mut records = Vec::new();
    for (n, p) in people.iter().enumerate() {
        for k in 0..3 {
            records.push(
                pricer
                    .price(OrderInput {
                        platform: PlatformId::parse("didi").unwrap(),
                        order_id: OrderId::parse(&format!("{tag}-{n}-{k}")).unwrap(),
                        resident_id: *p,
                        ordered_at: ts(&format!("{day}T0{k}:00:00Z")),
                        industry,
                        province: "44".into(),
                    })
                    .unwrap(),
            );
        }
    }
    drop(pricer);
    let import = app.begin_orders_import(&ACTOR, "orders.csv").unwrap();
    app.import_orders_batch(&ACTOR, import, &records).unwrap();
    app.finish_orders_import(&ACTOR, import, records.len() as u64, 0)
        .unwrap();
}

/// industry_class_vs_orders through runs on the store: a unit rated in
/// class 1 whose five people drive for ride hailing (道路运输业, class 5) in
/// the 90 days up to the run is flagged with the classes, the counts and its
/// people's orders; a class 1 unit whose people drove only before the
/// window is not, nor a class 5 unit of drivers; a second run opens
/// nothing. Once the second unit's people drive again within the window,
/// the incremental run after the import leaves it (it reads the units of
/// new enrolments only) and the next full run flags it; a unit enrolled
/// since the last run is flagged by the incremental run after its people's
/// orders.
#[test]
fn industry_class_vs_orders_fires_through_a_run_on_the_store() {
    each_backend(|app, clock| {
        clock.set(ts("2025-12-31T02:00:00Z"));
        let (station, drivers) = unit_of_five(app, 41, "1", 600);
        let (earlier, earlier_drivers) = unit_of_five(app, 42, "1", 620);
        let (_, road) = unit_of_five(app, 43, "5", 640);
        import_industry_orders(app, "a", &drivers, OrderIndustry::RideHailing, "2025-12-01");
        // 2025-10-02 is the day before the window (2025-10-03 to 2025-12-31).
        import_industry_orders(
            app,
            "b",
            &earlier_drivers,
            OrderIndustry::RideHailing,
            "2025-10-02",
        );
        import_industry_orders(app, "c", &road, OrderIndustry::RideHailing, "2025-12-01");
        let report = app.run_monitor(&ACTOR).unwrap();
        assert_eq!(report.facts["industry_class_vs_orders"], 1, "{report:?}");
        let alerts = app
            .alerts(&ACTOR, Some("open"), Some("industry_class_vs_orders"), None)
            .unwrap();
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].subject.kind, SubjectKind::Unit);
        assert_eq!(alerts[0].subject.key, station);
        let detail = app.alert_detail(&ACTOR, alerts[0].id).unwrap();
        let flag = &detail.flags[0];
        assert_eq!(flag.key, format!("{station}/1/5"));
        assert!(
            flag.text_en
                .contains("5 of the people it enrolled took orders, 5 of them"),
            "{}",
            flag.text_en
        );
        assert!(flag.text_zh.contains("第5类"), "{}", flag.text_zh);
        assert_eq!(flag.records.len(), 3, "{:?}", flag.records);
        assert!(flag.records.iter().all(|r| r.kind == "person_orders"
            && r.key.contains("/ride_hailing/2025-10-03..2025-12-31/3")));
        // The same data again: nothing new.
        let again = app.run_monitor(&ACTOR).unwrap();
        assert_eq!((again.run.flags_new, again.run.alerts_opened), (0, 0));
        let open_units = || -> Vec<String> {
            let mut units: Vec<String> = app
                .alerts(&ACTOR, Some("open"), Some("industry_class_vs_orders"), None)
                .unwrap()
                .into_iter()
                .map(|a| a.subject.key)
                .collect();
            units.sort();
            units
        };
        // The second unit's people drive within the window: the incremental
        // run after the order import does not read orders (no new
        // enrolment); the nightly full run flags the unit.
        import_industry_orders(
            app,
            "d",
            &earlier_drivers,
            OrderIndustry::RideHailing,
            "2025-12-20",
        );
        let runs = app.monitor_runs(&ACTOR, Some(1)).unwrap();
        assert_eq!(runs[0].mode, RunMode::Incremental);
        assert_eq!(open_units(), std::slice::from_ref(&station));
        app.run_monitor(&ACTOR).unwrap();
        let mut expected = vec![station.clone(), earlier.clone()];
        expected.sort();
        assert_eq!(open_units(), expected);
        // A unit enrolled since the last run: the incremental run after its
        // people's orders are imported looks at it.
        let (late, late_drivers) = unit_of_five(app, 44, "1", 660);
        import_industry_orders(
            app,
            "e",
            &late_drivers,
            OrderIndustry::IntraCityFreight,
            "2025-12-30",
        );
        let runs = app.monitor_runs(&ACTOR, Some(1)).unwrap();
        assert_eq!(runs[0].mode, RunMode::Incremental);
        assert_eq!(runs[0].alerts_opened, 1, "{runs:?}");
        expected.push(late);
        expected.sort();
        assert_eq!(open_units(), expected);
    });
}
