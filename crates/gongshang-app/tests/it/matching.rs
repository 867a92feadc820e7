//! Shared-data matching (Decree No. 765 Arts 9, 26, 46; Regulations Arts 35(3),
//! 39, 42; 劳社部令第18号 Art 4), on SQLite and PostgreSQL.

use gongshang_app::matching::{LIFE_EVENT_COLUMNS, MatchMode, MatchRecovery};
use gongshang_domain::life_events::MatchRule;
use gongshang_rules::{Item, Money, Payer};
use gongshang_store::cases::NewPeriodicBenefit;
use jiff::civil::date;

use super::cases::{CHECKER, MAKER, award_request, each_backend, month, recognised};
use super::{ACTOR, resident, ts, yuan};

/// (benefit, rule, last month, new amount, overpaid, months overpaid).
type Hit = (i64, MatchRule, Option<String>, Option<Money>, Money, u32);

/// A death case of 2025-04-25 (own wage 8,500.00) with a spouse (40% =
/// 3,400.00 a month) and a child whose birth date the award did not know
/// (30% = 2,550.00, no end set), and a grade 1-4 worker's allowance of
/// 3,000.00 on another case; all paid by the payroll from 2025-05 to 2026-03.
///
/// Shared data then says: the spouse remarried on 2025-12-10 (civil
/// affairs); the worker draws a basic pension of 2,000.00 from 2025-12-01
/// (the pension agency); the child's resident id (recorded by a clerk) says
/// born 2008-02-15, so 18 on 2026-02-15.
///
/// The run (instalments over 3 months from the clock's month, 2026-06):
/// - spouse: paid up to 2025-12; 2026-01..03 not owed = 3 × 3,400.00 = 10,200.00
///   (3 × 3,400.00);
/// - child: paid up to 2026-01; 2026-02..03 = 2 × 2,550.00 = 5,100.00 (1,700.00 × 3);
/// - worker: from 2026-04 the difference 3,000.00 − 2,000.00 = 1,000.00;
///   2025-12..2026-03 overpaid by 2,000.00 each = 8,000.00 (2,666.67 + 2,666.67 + 2,666.66).
#[test]
fn decree765_art9_shared_data_ends_benefits_and_records_the_overpayments_once() {
    each_backend(|app, clock| {
        let number = recognised(app, 1);
        let facts = serde_json::json!({
            "own_wage": "8500.00",
            "death_date": "2025-04-25",
            "dependants": {"spouse": true, "others": 1}
        });
        let mut req = award_request(facts, "initial");
        req.dependant_birth_dates = vec![None];
        let award = app.compute_award(&MAKER, &number, &req).unwrap();
        let view = app.approve_award(&CHECKER, award.award.id).unwrap();
        let benefit = |who: &str| {
            view.benefits
                .iter()
                .find(|b| b.beneficiary == who)
                .unwrap()
                .clone()
        };
        let (spouse, child) = (benefit("spouse"), benefit("dependant-1"));
        assert_eq!(child.end_month, None);

        let other = recognised(app, 2);
        let other_case = app.case_view(&ACTOR, &other).unwrap().row;
        app.store()
            .create_periodic_benefits(
                &[NewPeriodicBenefit {
                    case_id: other_case.id,
                    award_id: None,
                    beneficiary: "worker".into(),
                    item: Item::MonthlyDisabilityAllowance,
                    payer: Payer::Fund,
                    start_month: month("2025-05"),
                    end_month: None,
                    end_reason: None,
                    end_condition: None,
                    monthly: yuan("3000.00"),
                }],
                "tester",
                ts("2025-05-01T00:00:00Z"),
            )
            .unwrap();
        let allowance = app
            .store()
            .periodic_benefits_of_case(other_case.id)
            .unwrap()[0]
            .clone();
        let mut m = month("2025-05");
        while m <= month("2026-03") {
            app.run_payroll(&ACTOR, m).unwrap();
            m = m.next();
        }

        // The child's resident id: the case knows only the worker's.
        let child_id = resident("440106", date(2008, 2, 15), 91);
        let err = app
            .record_beneficiary(&ACTOR, child.id, "44010620080215", None)
            .unwrap_err();
        assert_eq!((err.code(), err.field()), ("invalid", Some("resident_id")));
        let err = app
            .record_beneficiary(&ACTOR, allowance.id, child_id.as_str(), None)
            .unwrap_err();
        assert_eq!(err.field(), Some("benefit_id"));
        app.record_beneficiary(&ACTOR, child.id, child_id.as_str(), None)
            .unwrap();
        let spouse_id = resident("440106", date(1986, 7, 1), 92);
        app.record_beneficiary(&ACTOR, spouse.id, spouse_id.as_str(), None)
            .unwrap();

        // A file with bad rows is refused whole, each row at its field.
        let bad = format!(
            "resident_id,kind,event_date,source,pension_monthly\n\
             {spouse_id},divorce,2025-12-10,civil affairs,\n\
             {worker},pension_start,2025-12-01,pension agency,\n\
             4401061986,death,2025-12-01,public security,\n",
            worker = other_case.person
        );
        let table = gongshang_csv::read_table(bad.as_bytes(), LIFE_EVENT_COLUMNS).unwrap();
        let report = app.import_life_event_table(&ACTOR, &table).unwrap();
        assert!(!report.stored);
        let fields: Vec<(u64, &str)> = report
            .problems
            .iter()
            .map(|p| (p.line, p.field.as_str()))
            .collect();
        assert_eq!(
            fields,
            [(2, "kind"), (3, "pension_monthly"), (4, "resident_id")]
        );
        assert_eq!(app.store().last_life_event_id().unwrap(), 0);

        let good = format!(
            "resident_id,kind,event_date,source,pension_monthly\n\
             {spouse_id},marriage,2025-12-10,civil affairs,\n\
             {worker},pension_start,2025-12-01,pension agency,2000.00\n\
             {stranger},death,2026-01-03,public security,\n",
            worker = other_case.person,
            stranger = resident("110101", date(1950, 1, 1), 93)
        );
        let table = gongshang_csv::read_table(good.as_bytes(), LIFE_EVENT_COLUMNS).unwrap();
        let report = app.import_life_event_table(&ACTOR, &table).unwrap();
        assert_eq!(
            (report.stored, report.added, report.already_there),
            (true, 3, 0)
        );
        // The same file again: already there.
        let report = app.import_life_event_table(&ACTOR, &table).unwrap();
        assert_eq!((report.added, report.already_there), (0, 3));

        let err = app
            .run_matching(
                &ACTOR,
                MatchMode::Full,
                MatchRecovery::Instalments { months: 0 },
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("months"));
        let run = app
            .run_matching(
                &ACTOR,
                MatchMode::Full,
                MatchRecovery::Instalments { months: 3 },
            )
            .unwrap();
        let mut hits: Vec<Hit> = run
            .hits
            .iter()
            .map(|h| {
                (
                    h.benefit_id,
                    h.rule,
                    h.last_month.map(|m| m.to_string()),
                    h.new_amount,
                    h.overpaid,
                    h.overpaid_months,
                )
            })
            .collect();
        hits.sort_by_key(|h| h.0);
        let mut want = vec![
            (
                spouse.id,
                MatchRule::Remarriage,
                Some("2025-12".to_owned()),
                None,
                yuan("10200.00"),
                3,
            ),
            (
                child.id,
                MatchRule::TurnedEighteen,
                Some("2026-01".to_owned()),
                None,
                yuan("5100.00"),
                2,
            ),
            (
                allowance.id,
                MatchRule::PensionStart,
                None,
                Some(yuan("1000.00")),
                yuan("8000.00"),
                4,
            ),
        ];
        want.sort_by_key(|h| h.0);
        assert_eq!(hits, want);
        assert!(run.hits.iter().all(|h| h.overpayment_reference.is_some()));

        // The benefits ended with the existing reasons; the overpayments are
        // the Art 46 ones, with their schedules.
        let ended = app.store().periodic_benefit(spouse.id).unwrap().unwrap();
        assert_eq!(
            (ended.end_month, ended.end_reason.as_deref()),
            (Some(month("2025-12")), Some("remarriage"))
        );
        let ops = app.overpayments_of_case(&ACTOR, &number).unwrap();
        let schedules: Vec<(i64, Vec<(String, Money)>)> = ops
            .iter()
            .map(|o| {
                (
                    o.benefit_id.unwrap(),
                    o.instalments
                        .iter()
                        .map(|i| (i.month.to_string(), i.amount))
                        .collect(),
                )
            })
            .collect();
        assert!(schedules.contains(&(
            child.id,
            vec![
                ("2026-06".to_owned(), yuan("1700.00")),
                ("2026-07".to_owned(), yuan("1700.00")),
                ("2026-08".to_owned(), yuan("1700.00")),
            ]
        )));
        let ops = app.overpayments_of_case(&ACTOR, &other).unwrap();
        assert_eq!(
            ops[0]
                .instalments
                .iter()
                .map(|i| i.amount)
                .collect::<Vec<_>>(),
            [yuan("2666.67"), yuan("2666.67"), yuan("2666.66")]
        );

        // The next payroll pays the difference only, and nothing ended.
        app.run_payroll(&ACTOR, month("2026-04")).unwrap();
        let paid = |id: i64| {
            app.store()
                .payroll_lines_of_benefit(id)
                .unwrap()
                .into_iter()
                .find(|(m, _)| *m == month("2026-04"))
                .map(|(_, a)| a)
        };
        assert_eq!(paid(allowance.id), Some(yuan("1000.00")));
        assert_eq!((paid(spouse.id), paid(child.id)), (None, None));

        // Issue 16: each hit with months paid after the event opens an alert
        // on the beneficiary that a clerk works (the existing workflow).
        app.run_monitor(&ACTOR).unwrap();
        let alerts = app
            .alerts(&ACTOR, Some("open"), Some("benefit_after_life_event"), None)
            .unwrap();
        let mut subjects: Vec<String> = alerts.iter().map(|a| a.subject.key.clone()).collect();
        subjects.sort();
        let mut expected = vec![
            spouse_id.to_string(),
            child_id.to_string(),
            other_case.person.to_string(),
        ];
        expected.sort();
        assert_eq!(subjects, expected);
        app.run_monitor(&ACTOR).unwrap();
        assert_eq!(
            app.alerts(&ACTOR, None, Some("benefit_after_life_event"), None)
                .unwrap()
                .len(),
            3
        );

        // A run again, full or incremental, does nothing twice.
        let again = app
            .run_matching(&ACTOR, MatchMode::Full, MatchRecovery::Refund)
            .unwrap();
        assert!(again.hits.is_empty());
        let again = app
            .run_matching(&ACTOR, MatchMode::Incremental, MatchRecovery::Refund)
            .unwrap();
        assert!(again.hits.is_empty());
        assert_eq!(app.match_hits(&ACTOR, None).unwrap().len(), 3);

        // Art 26: the allowance in payment has never been verified.
        clock.set(ts("2026-06-30T02:00:00Z"));
        let queue = app.verifications_due(&ACTOR).unwrap();
        assert_eq!((queue.period_months, queue.cutoff), (12, date(2025, 6, 30)));
        assert_eq!(
            queue.due.iter().map(|d| d.benefit_id).collect::<Vec<_>>(),
            [allowance.id]
        );
        // A sign of life in the shared data verifies it by data matching.
        let alive = format!(
            "resident_id,kind,event_date,source\n{},alive,2026-05-20,medical insurance settlement\n",
            other_case.person
        );
        let table = gongshang_csv::read_table(alive.as_bytes(), LIFE_EVENT_COLUMNS).unwrap();
        app.import_life_event_table(&ACTOR, &table).unwrap();
        let run = app
            .run_matching(&ACTOR, MatchMode::Incremental, MatchRecovery::Refund)
            .unwrap();
        assert_eq!((run.hits.len(), run.verified), (0, 1));
        assert!(app.verifications_due(&ACTOR).unwrap().due.is_empty());
        let err = app
            .record_verification(&ACTOR, allowance.id, "neighbour", None, "seen")
            .unwrap_err();
        assert_eq!(err.field(), Some("method"));
        let err = app
            .record_verification(&ACTOR, allowance.id, "self", Some(date(2026, 7, 1)), "app")
            .unwrap_err();
        assert_eq!(err.field(), Some("verified_on"));
        app.record_verification(&ACTOR, allowance.id, "self", None, "粤省事 face check")
            .unwrap();
    });
}

/// Decree 765 Art 26: a reviewer reads the matching but may not run it, and
/// a worker may not read it.
#[test]
fn decree765_art26_only_clerks_run_the_matching() {
    each_backend(|app, _| {
        let err = app
            .run_matching(&CHECKER, MatchMode::Full, MatchRecovery::Refund)
            .unwrap_err();
        assert_eq!(err.code(), "forbidden");
        assert!(app.match_runs(&CHECKER).unwrap().is_empty());
    });
}

/// 劳社部令第18号 Art 4(1): a dependant's pension stops at 18 only when the
/// dependant is not fully unable to work (年满18周岁且未完全丧失劳动能力的).
/// A child born 2008-03-10 has the pension set to end with 2026-02 (18 on
/// 2026-03-10); recording the child fully unable to work lifts that end,
/// and ending the pension "at 18" by hand is then refused at the reason (as
/// it is on the spouse's pension, which never ends at 18), and so is a
/// report of the birthday.
#[test]
fn order18_art4_1_a_dependant_fully_unable_to_work_keeps_the_pension_past_18() {
    use gongshang_app::payroll::BenefitEnd;
    each_backend(|app, _| {
        let number = recognised(app, 1);
        let facts = serde_json::json!({
            "own_wage": "8500.00",
            "death_date": "2025-04-25",
            "dependants": {"spouse": true, "others": 1}
        });
        let mut req = award_request(facts, "initial");
        req.dependant_birth_dates = vec![Some(date(2008, 3, 10))];
        let award = app.compute_award(&MAKER, &number, &req).unwrap();
        let view = app.approve_award(&CHECKER, award.award.id).unwrap();
        let benefit = |who: &str| {
            view.benefits
                .iter()
                .find(|b| b.beneficiary == who)
                .unwrap()
                .clone()
        };
        let (spouse, child) = (benefit("spouse"), benefit("dependant-1"));
        assert_eq!(child.end_month, Some(month("2026-02")));
        let at_18 = BenefitEnd::TurnedEighteen {
            month: month("2026-03"),
        };
        let err = app.end_benefit(&ACTOR, spouse.id, &at_18).unwrap_err();
        assert_eq!(err.field(), Some("reason"), "{err}");

        let child_id = resident("440106", date(2008, 3, 10), 93);
        app.record_beneficiary(&ACTOR, child.id, child_id.as_str(), Some("disability"))
            .unwrap();
        let reopened = app.store().periodic_benefit(child.id).unwrap().unwrap();
        assert_eq!(
            (reopened.end_month, reopened.end_reason),
            (None, None),
            "the end set ahead at 18 is lifted"
        );
        let err = app.end_benefit(&ACTOR, child.id, &at_18).unwrap_err();
        assert_eq!(err.field(), Some("reason"), "{err}");
        // Nor does a report of the 18th birthday (Decree 765 Art 25) end it.
        let report = gongshang_app::handling::StopReportForm {
            benefit_id: child.id.to_string(),
            event: "dependant_turns_18".into(),
            event_on: "2026-03-10".into(),
            reported_on: "2026-03-20".into(),
            reported_by: "relative".into(),
            recovery: "refund".into(),
            ..Default::default()
        };
        let err = app
            .report_stop_event(&ACTOR, &number, &report.parse().unwrap())
            .unwrap_err();
        assert_eq!(err.code(), "conflict", "{err}");
        // Without the exception (a later record), it may end at 18 again.
        app.record_beneficiary(&ACTOR, child.id, child_id.as_str(), None)
            .unwrap();
        app.end_benefit(&ACTOR, child.id, &at_18).unwrap();
        let ended = app.store().periodic_benefit(child.id).unwrap().unwrap();
        assert_eq!(ended.end_month, Some(month("2026-02")));
    });
}

/// 劳社部令第18号 Art 4(2) (就业或参军) and 4(4) (被他人或组织收养) through the
/// shared data: a death case of 2025-04-25 (own wage 8,500.00) with a spouse
/// (3,400.00 a month) and a child born 2012-05-01 (2,550.00), and a worker's
/// grade 1-4 allowance of 3,000.00 on another case, all paid from 2025-05 to
/// 2026-03. The social insurance register shows the spouse employed from
/// 2025-11-03 and the worker employed from 2025-10-01; civil affairs show the
/// child adopted on 2026-01-20. The run ends the spouse's pension with
/// 2025-11 (2025-12..2026-03 not owed: 4 × 3,400.00 = 13,600.00) and the
/// child's with 2026-01 (2 × 2,550.00 = 5,100.00; the adoption comes before
/// the 18th birthday the id would set in 2030); the worker's own employment
/// ends no allowance (Art 4 is about survivors' pensions only). An
/// enlistment of the spouse imported later ends nothing more.
#[test]
fn order18_art4_2_art4_4_shared_data_employment_and_adoption_end_survivors_pensions() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        let facts = serde_json::json!({
            "own_wage": "8500.00",
            "death_date": "2025-04-25",
            "dependants": {"spouse": true, "others": 1}
        });
        let mut req = award_request(facts, "initial");
        req.dependant_birth_dates = vec![None];
        let award = app.compute_award(&MAKER, &number, &req).unwrap();
        let view = app.approve_award(&CHECKER, award.award.id).unwrap();
        let benefit = |who: &str| {
            view.benefits
                .iter()
                .find(|b| b.beneficiary == who)
                .unwrap()
                .clone()
        };
        let (spouse, child) = (benefit("spouse"), benefit("dependant-1"));
        let other = recognised(app, 2);
        let other_case = app.case_view(&ACTOR, &other).unwrap().row;
        app.store()
            .create_periodic_benefits(
                &[NewPeriodicBenefit {
                    case_id: other_case.id,
                    award_id: None,
                    beneficiary: "worker".into(),
                    item: Item::MonthlyDisabilityAllowance,
                    payer: Payer::Fund,
                    start_month: month("2025-05"),
                    end_month: None,
                    end_reason: None,
                    end_condition: None,
                    monthly: yuan("3000.00"),
                }],
                "tester",
                ts("2025-05-01T00:00:00Z"),
            )
            .unwrap();
        let allowance = app
            .store()
            .periodic_benefits_of_case(other_case.id)
            .unwrap()[0]
            .clone();
        let mut m = month("2025-05");
        while m <= month("2026-03") {
            app.run_payroll(&ACTOR, m).unwrap();
            m = m.next();
        }
        let child_id = resident("440106", date(2012, 5, 1), 94);
        app.record_beneficiary(&ACTOR, child.id, child_id.as_str(), None)
            .unwrap();
        let spouse_id = resident("440106", date(1986, 7, 1), 95);
        app.record_beneficiary(&ACTOR, spouse.id, spouse_id.as_str(), None)
            .unwrap();

        // A kind that is not a life event is refused at its field.
        let bad = format!(
            "resident_id,kind,event_date,source,pension_monthly\n\
             {spouse_id},job,2025-11-03,social insurance register,\n"
        );
        let table = gongshang_csv::read_table(bad.as_bytes(), LIFE_EVENT_COLUMNS).unwrap();
        let report = app.import_life_event_table(&ACTOR, &table).unwrap();
        assert!(!report.stored);
        assert_eq!(report.problems[0].field, "kind");
        // A monthly pension belongs to a pension start only.
        let bad = format!(
            "resident_id,kind,event_date,source,pension_monthly\n\
             {spouse_id},employment,2025-11-03,social insurance register,2000.00\n"
        );
        let table = gongshang_csv::read_table(bad.as_bytes(), LIFE_EVENT_COLUMNS).unwrap();
        let report = app.import_life_event_table(&ACTOR, &table).unwrap();
        assert_eq!(report.problems[0].field, "pension_monthly");

        let good = format!(
            "resident_id,kind,event_date,source,pension_monthly\n\
             {spouse_id},employment,2025-11-03,social insurance register,\n\
             {child_id},adoption,2026-01-20,civil affairs,\n\
             {worker},employment,2025-10-01,social insurance register,\n",
            worker = other_case.person,
        );
        let table = gongshang_csv::read_table(good.as_bytes(), LIFE_EVENT_COLUMNS).unwrap();
        let report = app.import_life_event_table(&ACTOR, &table).unwrap();
        assert_eq!((report.stored, report.added), (true, 3));

        let run = app
            .run_matching(&ACTOR, MatchMode::Full, MatchRecovery::Refund)
            .unwrap();
        let mut hits: Vec<Hit> = run
            .hits
            .iter()
            .map(|h| {
                (
                    h.benefit_id,
                    h.rule,
                    h.last_month.map(|m| m.to_string()),
                    h.new_amount,
                    h.overpaid,
                    h.overpaid_months,
                )
            })
            .collect();
        hits.sort_by_key(|h| h.0);
        let mut want = vec![
            (
                spouse.id,
                MatchRule::Employment,
                Some("2025-11".to_owned()),
                None,
                yuan("13600.00"),
                4,
            ),
            (
                child.id,
                MatchRule::Adoption,
                Some("2026-01".to_owned()),
                None,
                yuan("5100.00"),
                2,
            ),
        ];
        want.sort_by_key(|h| h.0);
        assert_eq!(hits, want);
        assert!(
            run.hits
                .iter()
                .all(|h| h.article.contains("劳社部令第18号 Art 4(")),
            "{:?}",
            run.hits
        );
        let ended = app.store().periodic_benefit(spouse.id).unwrap().unwrap();
        assert_eq!(
            (ended.end_month, ended.end_reason.as_deref()),
            (Some(month("2025-11")), Some("employment"))
        );
        let ended = app.store().periodic_benefit(child.id).unwrap().unwrap();
        assert_eq!(
            (ended.end_month, ended.end_reason.as_deref()),
            (Some(month("2026-01")), Some("adoption"))
        );
        let running = app.store().periodic_benefit(allowance.id).unwrap().unwrap();
        assert_eq!(running.end_month, None);
        let ops = app.overpayments_of_case(&ACTOR, &number).unwrap();
        assert_eq!(ops.len(), 2);
        assert!(app.overpayments_of_case(&ACTOR, &other).unwrap().is_empty());

        // The spouse's enlistment later: the pension already ends.
        let later = format!(
            "resident_id,kind,event_date,source\n{spouse_id},enlistment,2026-02-01,military service office\n"
        );
        let table = gongshang_csv::read_table(later.as_bytes(), LIFE_EVENT_COLUMNS).unwrap();
        app.import_life_event_table(&ACTOR, &table).unwrap();
        let again = app
            .run_matching(&ACTOR, MatchMode::Incremental, MatchRecovery::Refund)
            .unwrap();
        assert!(again.hits.is_empty());
        assert_eq!(app.match_hits(&ACTOR, None).unwrap().len(), 2);
    });
}

/// Regulations Art 36 with Decree 765 Arts 9 and 26 (DESIGN.md, "Why does a
/// stop-benefit report end a benefit the unit pays?"): a grade 5 worker
/// whose unit arranged no work draws the unit's monthly allowance (payer:
/// the employer). Public security reports his death on 2026-03-14: the
/// matching run ends the unit's allowance with 2026-03 as it ends the
/// fund's, with nothing overpaid by the fund (its payroll never paid it),
/// and tells the unit, which reads the stop on its own list; a pension
/// start reported for him before changes nothing on a unit's allowance
/// (the Art 35(3) difference is the fund's), and a second run does
/// nothing twice.
#[test]
fn decree765_art9_shared_data_death_ends_a_unit_paid_allowance_and_tells_the_unit() {
    use gongshang_app::accounts::{Actor, Role, Scope};
    use gongshang_domain::appraisal;

    use super::cases::appr;
    each_backend(|app, _| {
        let number = recognised(app, 1);
        appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1));
        appr(
            app,
            &number,
            appraisal::Command::Conclude {
                grade: Some(5),
                nursing: None,
            },
            date(2025, 10, 15),
        );
        let facts = serde_json::json!({"own_wage": "8500.00", "suspension_months": 6, "job_arranged": false});
        let award = app
            .compute_award(&MAKER, &number, &award_request(facts, "initial"))
            .unwrap();
        let view = app.approve_award(&CHECKER, award.award.id).unwrap();
        let allowance = view
            .benefits
            .iter()
            .find(|b| b.item == Item::MonthlyDisabilityAllowance)
            .expect("the grade 5 allowance")
            .clone();
        assert_eq!(allowance.payer, Payer::Employer);
        assert_eq!(allowance.end_month, None);
        let case = app.case_view(&ACTOR, &number).unwrap().row;
        let unit = case.unit.expect("the case's unit");

        // A pension start alone: the unit's allowance is not the fund's to top up.
        let pension = format!(
            "resident_id,kind,event_date,source,pension_monthly\n\
             {},pension_start,2026-01-01,pension agency,3000.00\n",
            case.person
        );
        let table = gongshang_csv::read_table(pension.as_bytes(), LIFE_EVENT_COLUMNS).unwrap();
        assert!(app.import_life_event_table(&ACTOR, &table).unwrap().stored);
        let run = app
            .run_matching(&ACTOR, MatchMode::Full, MatchRecovery::Refund)
            .unwrap();
        assert!(run.hits.is_empty(), "{:?}", run.hits);
        assert!(run.unit_notices.is_empty());

        let death = format!(
            "resident_id,kind,event_date,source,pension_monthly\n\
             {},death,2026-03-14,public security,\n",
            case.person
        );
        let table = gongshang_csv::read_table(death.as_bytes(), LIFE_EVENT_COLUMNS).unwrap();
        assert!(app.import_life_event_table(&ACTOR, &table).unwrap().stored);
        let run = app
            .run_matching(&ACTOR, MatchMode::Incremental, MatchRecovery::Refund)
            .unwrap();
        let hits: Vec<Hit> = run
            .hits
            .iter()
            .map(|h| {
                (
                    h.benefit_id,
                    h.rule,
                    h.last_month.map(|m| m.to_string()),
                    h.new_amount,
                    h.overpaid,
                    h.overpaid_months,
                )
            })
            .collect();
        assert_eq!(
            hits,
            [(
                allowance.id,
                MatchRule::Death,
                Some("2026-03".to_owned()),
                None,
                Money::ZERO,
                0
            )]
        );
        assert_eq!(run.hits[0].overpayment_id, None);
        let benefit = app.store().periodic_benefit(allowance.id).unwrap().unwrap();
        assert_eq!(benefit.end_month, Some(month("2026-03")));
        assert_eq!(benefit.end_reason.as_deref(), Some("death"));

        let told: Vec<_> = run
            .unit_notices
            .iter()
            .map(|n| (n.unit, n.benefit_id, n.rule, n.last_month))
            .collect();
        assert_eq!(
            told,
            [(
                Some(unit),
                allowance.id,
                MatchRule::Death,
                Some(month("2026-03"))
            )]
        );
        let unit_user = Actor {
            login: "unit-1".into(),
            role: Role::Unit,
            scope: Scope::Unit {
                unit,
                platform: None,
            },
        };
        assert_eq!(
            app.benefit_stops_of_unit(&unit_user, &unit).unwrap(),
            run.unit_notices
        );
        let other_unit = super::cases::employee(app, 2).0;
        let e = app
            .benefit_stops_of_unit(&unit_user, &other_unit)
            .unwrap_err();
        assert_eq!(e.code(), "not_found", "{e}");

        let again = app
            .run_matching(&ACTOR, MatchMode::Full, MatchRecovery::Refund)
            .unwrap();
        assert!(again.hits.is_empty(), "{:?}", again.hits);
    });
}
