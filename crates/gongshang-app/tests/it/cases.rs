//! Cases from application to payment through the services, on each backend,
//! the ledger balanced after every test.

use std::sync::{Arc, LazyLock};

use gongshang_app::accounts::{Actor, Role, Scope};
use gongshang_app::cases::{AwardRequest, CaseCommand, FileCaseRequest};
use gongshang_app::payroll::{BenefitEnd, Indexation};
use gongshang_app::{App, AppError, FixedClock};
use gongshang_domain::appraisal;
use gongshang_domain::determination::{self, ApplicantRole, Finding, Ground, MaterialKind};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::rate::Rate;
use gongshang_rules::scheme::Category;
use gongshang_store::{PostgresStore, SqliteStore, Store};
use jiff::civil::{Date, date};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use super::{ACTOR, ADMIN, Location, TestApp, named, person, request, ts, unique, unit, yuan};

/// The clerk who computes awards, and the reviewer who approves them.
pub(super) static MAKER: LazyLock<Actor> = LazyLock::new(|| Actor {
    login: "clerk-maker".into(),
    role: Role::Clerk,
    scope: Scope::All,
});
pub(super) static CHECKER: LazyLock<Actor> = LazyLock::new(|| Actor {
    login: "reviewer-checker".into(),
    role: Role::Reviewer,
    scope: Scope::All,
});

/// Runs `test` on a fresh app over each backend with the clock at
/// 2026-06-30, then checks the trial balance.
pub(super) fn each_backend(test: impl Fn(&App, &FixedClock)) {
    let mut locations = vec![Location::Sqlite(
        std::env::temp_dir().join(format!("gongshang_cases_{}.db", unique())),
    )];
    if let Some(url) = std::env::var("GONGSHANG_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        locations.push(Location::Postgres {
            url,
            schema: format!("gs_cases_{}", unique()),
        });
    }
    for location in locations {
        let (name, store): (&'static str, Box<dyn Store>) = match &location {
            Location::Sqlite(path) => (
                "sqlite",
                Box::new(SqliteStore::open(path.to_str().unwrap()).unwrap()),
            ),
            Location::Postgres { url, schema } => (
                "postgres",
                Box::new(PostgresStore::open_in_schema(url, schema).unwrap()),
            ),
        };
        let clock = Arc::new(FixedClock::new(ts("2026-06-30T02:00:00Z")));
        let app = App::new(store, clock.clone()).unwrap();
        let t = TestApp {
            name,
            location,
            app,
        };
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| {
            test(&t.app, &clock);
            assert_eq!(t.app.store().trial_balance().unwrap(), 0, "trial balance");
        })) {
            eprintln!("test failed on the {} backend", t.name);
            resume_unwind(panic);
        }
    }
}

pub(super) fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

/// An employee of a Guangzhou unit enrolled in Guangdong's insurance.
pub(super) fn employee(app: &App, n: u32) -> (CreditCode, ResidentId) {
    let u = unit(app, n, "440106");
    let p = person(app, "440106", date(1985, 4, 1), n);
    let mut req = request(
        p,
        Some(u),
        "guangdong.employees",
        Category::Employee,
        date(2024, 1, 1),
    );
    req.labour_relation = true;
    app.enroll(&ACTOR, &req).unwrap();
    (u, p)
}

pub(super) fn application(
    u: CreditCode,
    p: ResidentId,
    scheme: &str,
    accident: Date,
) -> FileCaseRequest {
    FileCaseRequest {
        number: None,
        person: p,
        unit: u,
        scheme_id: scheme.parse().unwrap(),
        region: Some("440100".into()),
        applicant: ApplicantRole::Unit,
        accident_date: accident,
        filed_on: Some(accident.checked_add(jiff::Span::new().days(10)).unwrap()),
        ground_claimed: Ground::Art14WorkAccident,
        materials: [
            MaterialKind::ApplicationForm,
            MaterialKind::LabourRelationProof,
            MaterialKind::MedicalDiagnosis,
        ]
        .into(),
        accident_key: None,
        intern_school: None,
    }
}

fn det(app: &App, number: &str, cmd: determination::Command, on: Date) -> Result<String, AppError> {
    app.act(&MAKER, number, CaseCommand::Determination(cmd), Some(on))
        .map(|c| c.state.as_str().to_owned())
}

pub(super) fn appr(app: &App, number: &str, cmd: appraisal::Command, on: Date) -> String {
    app.act(&MAKER, number, CaseCommand::Appraisal(cmd), Some(on))
        .unwrap()
        .state
        .as_str()
        .to_owned()
}

/// Files, accepts and recognises an accident of 2025-03-10; returns the number.
pub(super) fn recognised(app: &App, n: u32) -> String {
    let (u, p) = employee(app, n);
    let case = app
        .file_case(
            &MAKER,
            &application(u, p, "guangdong.employees", date(2025, 3, 10)),
        )
        .unwrap();
    assert_eq!(case.state.as_str(), "completeness_review");
    assert_eq!(
        det(
            app,
            &case.number,
            determination::Command::Accept,
            date(2025, 3, 25)
        )
        .unwrap(),
        "accepted"
    );
    let decide = determination::Command::Decide {
        finding: Finding::Recognised {
            ground: Ground::Art14WorkAccident,
        },
    };
    assert_eq!(
        det(app, &case.number, decide, date(2025, 4, 20)).unwrap(),
        "decided"
    );
    case.number
}

pub(super) fn award_request(facts: serde_json::Value, basis: &str) -> AwardRequest {
    AwardRequest {
        facts,
        basis: basis.parse().unwrap(),
        dependant_birth_dates: Vec::new(),
        replaces: None,
    }
}

pub(super) fn replacing(mut req: AwardRequest, approved: i64) -> AwardRequest {
    req.replaces = Some(approved);
    req
}

/// Issue 13: replacing an approved award is confirmed in the app, not only
/// in the UI: without naming the award in force, naming another one, or
/// with the basis `initial`, the new award is refused and nothing is stored.
#[test]
fn art26_replacing_an_approved_award_needs_the_award_in_force_named_and_a_basis() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1));
        appr(
            app,
            &number,
            appraisal::Command::Conclude {
                grade: Some(7),
                nursing: None,
            },
            date(2025, 10, 15),
        );
        let facts = serde_json::json!({"own_wage": "8500.00", "suspension_months": 6});
        // Naming an award to replace when none is approved is refused too.
        let err = app
            .compute_award(
                &MAKER,
                &number,
                &replacing(award_request(facts.clone(), "initial"), 1),
            )
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        let first = app
            .compute_award(&MAKER, &number, &award_request(facts.clone(), "initial"))
            .unwrap();
        let approved = app.approve_award(&CHECKER, first.award.id).unwrap();
        let before = app.awards_of_case(&ACTOR, &number).unwrap().len();

        let silent = app
            .compute_award(
                &MAKER,
                &number,
                &award_request(facts.clone(), "facts_corrected"),
            )
            .unwrap_err();
        assert_eq!(silent.code(), "conflict", "{silent}");
        let other = app
            .compute_award(
                &MAKER,
                &number,
                &replacing(
                    award_request(facts.clone(), "facts_corrected"),
                    approved.award.id + 1000,
                ),
            )
            .unwrap_err();
        assert_eq!(other.code(), "conflict", "{other}");
        let initial = app
            .compute_award(
                &MAKER,
                &number,
                &replacing(award_request(facts.clone(), "initial"), approved.award.id),
            )
            .unwrap_err();
        assert_eq!(initial.field(), Some("basis"), "{initial}");
        assert_eq!(app.awards_of_case(&ACTOR, &number).unwrap().len(), before);

        let confirmed = app
            .compute_award(
                &MAKER,
                &number,
                &replacing(award_request(facts, "facts_corrected"), approved.award.id),
            )
            .unwrap();
        assert_eq!(confirmed.award.status.as_str(), "proposed");
        assert!(confirmed.difference.is_some());
        assert_eq!(
            app.awards_of_case(&ACTOR, &number).unwrap().len(),
            before + 1
        );
    });
}

#[test]
fn single_risk_scheme_an_uncovered_person_is_inadmissible_with_that_reason() {
    each_backend(|app, _| {
        let u = unit(app, 7, "440106");
        let p = person(app, "440106", date(2003, 6, 1), 31);
        app.enroll(
            &ACTOR,
            &request(
                p,
                Some(u),
                "guangdong.specific_persons",
                Category::Intern,
                date(2025, 1, 1),
            ),
        )
        .unwrap();
        // Enrolled, but nothing paid: no cover on the day of the accident.
        let case = app
            .file_case(
                &MAKER,
                &application(u, p, "guangdong.specific_persons", date(2025, 3, 10)),
            )
            .unwrap();
        assert_eq!(case.state.as_str(), "rejected");
        assert!(case.closed);
        let view = app.case_view(&ACTOR, &case.number).unwrap();
        assert_eq!(
            view.determination.rejected,
            Some(determination::InadmissibleReason::NotCoveredAtInjury {
                scheme: "guangdong.specific_persons".parse().unwrap()
            })
        );
        // A closed case accepts nothing.
        let err = det(
            app,
            &case.number,
            determination::Command::Accept,
            date(2025, 3, 25),
        )
        .unwrap_err();
        assert_eq!(err.code(), "case_closed");
        assert!(err.to_string().contains("case_closed"), "{err}");
    });
}

#[test]
fn art17_the_same_accident_is_never_recognised_twice() {
    each_backend(|app, _| {
        let first = recognised(app, 1);
        let row = app.store().case_by_number(&first).unwrap().unwrap();
        let p = row.person;
        let u = row.unit.unwrap();
        let mut again = application(u, p, "guangdong.employees", date(2025, 3, 10));
        again.applicant = ApplicantRole::Worker;
        let second = app.file_case(&MAKER, &again).unwrap();
        assert_eq!(second.state.as_str(), "rejected");
        let view = app.case_view(&ACTOR, &second.number).unwrap();
        assert!(matches!(
            view.determination.rejected,
            Some(determination::InadmissibleReason::AccidentAlreadyRecognised { .. })
        ));
    });
}

#[test]
fn art20_the_queue_lists_open_cases_by_days_left_overdue_first() {
    each_backend(|app, clock| {
        clock.set(ts("2025-04-01T02:00:00Z"));
        let (u1, p1) = employee(app, 1);
        let (u2, p2) = employee(app, 2);
        // Filed 2025-03-20: completeness review due 15 days later (2025-04-07).
        let a = app
            .file_case(
                &MAKER,
                &application(u1, p1, "guangdong.employees", date(2025, 3, 10)),
            )
            .unwrap();
        // Filed 2025-03-01 and left alone: overdue on 2025-04-01.
        let mut late = application(u2, p2, "guangdong.employees", date(2025, 2, 19));
        late.filed_on = Some(date(2025, 3, 1));
        let b = app.file_case(&MAKER, &late).unwrap();
        let queue = app.work_queue(&ACTOR, 50).unwrap();
        assert_eq!(queue.len(), 2);
        assert_eq!(queue[0].number, b.number);
        assert!(queue[0].overdue);
        assert!(queue[0].days_left < 0);
        assert_eq!(queue[1].number, a.number);
        assert!(!queue[1].overdue);
        assert_eq!(queue[1].deadline.kind.as_str(), "completeness_review");
        // Accepted: the decision deadline of 60 days (Art 20(1)) replaces it.
        det(
            app,
            &a.number,
            determination::Command::Accept,
            date(2025, 4, 1),
        )
        .unwrap();
        let queue = app.work_queue(&ACTOR, 50).unwrap();
        let entry = queue.iter().find(|q| q.number == a.number).unwrap();
        assert_eq!(entry.deadline.kind.as_str(), "decision");
        assert!(entry.deadline.article.contains("Art 20(1)"), "{entry:?}");
    });
}

/// 2027's holiday arrangement is not loaded in December 2026: a case filed
/// then is queued by a provisional due date (weekends only), and loading the
/// year counts it again.
#[test]
fn art20_a_deadline_in_a_year_without_a_calendar_is_provisional_until_the_year_is_loaded() {
    each_backend(|app, clock| {
        clock.set(ts("2026-12-21T02:00:00Z"));
        let (u, p) = employee(app, 3);
        let mut a = application(u, p, "guangdong.employees", date(2026, 12, 10));
        a.filed_on = Some(date(2026, 12, 21));
        let case = app.file_case(&MAKER, &a).unwrap();
        // 2026-12-21 + 15 = Tuesday 2027-01-05 (办法 Art 8), provisional.
        let queue = app.work_queue(&ACTOR, 50).unwrap();
        let entry = queue.iter().find(|q| q.number == case.number).unwrap();
        assert_eq!(entry.deadline.due, date(2027, 1, 5));
        assert!(entry.provisional, "{entry:?}");
        // The year is published with 01-04 to 01-06 off: due Thursday 01-07.
        let year = r#"
year = 2027
instrument = "测试：2027年部分节假日安排"
issued = 2026-12-01
source = "test"
confidence = "C1"

[[holiday]]
name_zh = "测试"
name_en = "Test"
off_from = 2027-01-04
off_until = 2027-01-06
working_days = []
"#;
        let loaded = app.load_holiday_year(&ADMIN, year).unwrap();
        assert_eq!(loaded.cases_redated, 1);
        let queue = app.work_queue(&ACTOR, 50).unwrap();
        let entry = queue.iter().find(|q| q.number == case.number).unwrap();
        assert_eq!(entry.deadline.due, date(2027, 1, 7));
        assert!(!entry.provisional, "{entry:?}");
    });
}

#[test]
fn art26_award_follows_the_grade_maker_checker_recalculation_and_one_time_paid_once() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        // An award before the appraisal needs a grade the case does not have:
        // the facts may not carry one.
        let err = app
            .compute_award(
                &MAKER,
                &number,
                &award_request(
                    serde_json::json!({"own_wage": "8500.00", "grade": 5}),
                    "initial",
                ),
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("facts"));

        assert_eq!(
            appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1)),
            "appraisal_pending"
        );
        appr(
            app,
            &number,
            appraisal::Command::Conclude {
                grade: Some(5),
                nursing: None,
            },
            date(2025, 10, 15),
        );
        let facts = serde_json::json!({"own_wage": "8500.00", "suspension_months": 6, "hospital_days": 18, "job_arranged": false});
        let first = app
            .compute_award(&MAKER, &number, &award_request(facts.clone(), "initial"))
            .unwrap();
        assert_eq!(first.award.status.as_str(), "proposed");
        assert!(first.difference.is_none());
        assert!(first.award.trace.contains("steps") || first.award.trace.len() > 10);
        let subsidy5 = first
            .award
            .items
            .iter()
            .find(|i| i.item == named("one_time_disability_subsidy"))
            .unwrap()
            .amount;
        assert!(subsidy5.fen() > 0);

        // A clerk does not approve at all; whoever may approve never
        // approves what they made (maker-checker).
        let err = app.approve_award(&MAKER, first.award.id).unwrap_err();
        assert_eq!(err.code(), "forbidden");
        let own = app
            .compute_award(&ADMIN, &number, &award_request(facts.clone(), "initial"))
            .unwrap();
        let err = app.approve_award(&ADMIN, own.award.id).unwrap_err();
        assert_eq!(err.code(), "maker_checker");
        assert!(err.to_string().contains("maker-checker"), "{err}");
        let approved = app.approve_award(&CHECKER, first.award.id).unwrap();
        assert_eq!(approved.award.status.as_str(), "approved");

        // One-time items are paid once.
        let paid = app
            .pay_one_time(&ACTOR, &number, date(2025, 11, 1))
            .unwrap();
        assert!(paid.paid.iter().all(|p| !p.already_paid));
        let again = app
            .pay_one_time(&ACTOR, &number, date(2025, 11, 2))
            .unwrap();
        assert!(again.paid.iter().all(|p| p.already_paid), "{again:?}");

        // Re-appraisal at the provincial level within 15 days of receipt (Art 26): grade 3.
        appr(
            app,
            &number,
            appraisal::Command::Receive,
            date(2025, 10, 20),
        );
        appr(
            app,
            &number,
            appraisal::Command::ApplyReappraisal,
            date(2025, 10, 30),
        );
        appr(
            app,
            &number,
            appraisal::Command::Conclude {
                grade: Some(3),
                nursing: None,
            },
            date(2025, 12, 10),
        );
        let history = app.appraisal_history(&ACTOR, &number).unwrap();
        assert_eq!(
            history.iter().map(|c| c.grade).collect::<Vec<_>>(),
            vec![Some(5), Some(3)]
        );

        let second = app
            .compute_award(
                &MAKER,
                &number,
                &replacing(award_request(facts, "new_appraisal"), approved.award.id),
            )
            .unwrap();
        let d = second.difference.clone().unwrap();
        let subsidy3 = second
            .award
            .items
            .iter()
            .find(|i| i.item == named("one_time_disability_subsidy"))
            .unwrap()
            .amount;
        let line = d
            .lines
            .iter()
            .find(|l| l.item == named("one_time_disability_subsidy"))
            .unwrap();
        assert_eq!((line.before, line.after), (subsidy5, subsidy3));
        assert_eq!(line.difference.fen(), subsidy3.fen() - subsidy5.fen());
        assert!(d.arrears.fen() >= line.difference.fen());
        app.approve_award(&CHECKER, second.award.id).unwrap();
        assert_eq!(
            app.store()
                .award(first.award.id)
                .unwrap()
                .unwrap()
                .status
                .as_str(),
            "superseded"
        );
        // Only the difference is paid now, once.
        let arrears = app.pay_one_time(&ACTOR, &number, date(2026, 1, 5)).unwrap();
        let p = arrears
            .paid
            .iter()
            .find(|p| p.item == named("one_time_disability_subsidy"))
            .unwrap();
        assert_eq!(p.amount.fen(), subsidy3.fen() - subsidy5.fen());
        assert!(!p.already_paid);
        // Grade 3: the fund pays the disability allowance monthly from January 2026.
        let view = app.award_view(&ACTOR, second.award.id).unwrap();
        let allowance = view
            .benefits
            .iter()
            .find(|b| b.item == named("monthly_disability_allowance") && b.end_reason.is_none())
            .unwrap();
        // Grade 5 (employer, Art 36) became grade 3 (fund, Art 35): a new benefit.
        assert_eq!(allowance.payer, named("fund"));
        assert_eq!(allowance.start_month, month("2026-01"));
        let run = app.run_payroll(&ACTOR, month("2026-01")).unwrap();
        assert_eq!(run.lines, 1);
        assert_eq!(run.total, allowance.amounts[0].amount);
        assert_eq!(app.run_payroll(&ACTOR, month("2026-01")).unwrap().lines, 0);
    });
}

#[test]
fn art39_survivors_pensions_end_at_18_remarriage_and_are_indexed_suspended_and_paid_once() {
    each_backend(|app, _| {
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
        let spouse = view
            .benefits
            .iter()
            .find(|b| b.beneficiary == "spouse")
            .unwrap()
            .clone();
        let child = view
            .benefits
            .iter()
            .find(|b| b.beneficiary == "dependant-1")
            .unwrap()
            .clone();
        assert_eq!(spouse.start_month, month("2025-05"));
        // Turns 18 on 2026-02-15: paid up to January 2026.
        assert_eq!(child.end_month, Some(month("2026-01")));
        let paid = app
            .pay_one_time(&ACTOR, &number, date(2025, 5, 10))
            .unwrap();
        assert!(
            paid.paid.iter().any(|p| p.item == named("funeral_subsidy")),
            "{paid:?}"
        );

        let both = spouse.amounts[0].amount.fen() + child.amounts[0].amount.fen();
        let may = app.run_payroll(&ACTOR, month("2025-05")).unwrap();
        assert_eq!((may.lines, may.total.fen()), (2, both));
        // Indexation by 5% from 2026-01: each amount rounded to the fen.
        let indexed = app
            .index_benefits(
                &ACTOR,
                month("2026-01"),
                &Indexation::Percentage {
                    rate: Rate::parse("5%").unwrap(),
                    item: None,
                },
                "粤人社函〔2025〕test",
            )
            .unwrap();
        assert_eq!(indexed.benefits, 2);
        let spouse_2026 = spouse.amounts[0]
            .amount
            .mul_rate(Rate::parse("105%").unwrap());
        let jan = app.run_payroll(&ACTOR, month("2026-01")).unwrap();
        assert_eq!(jan.lines, 2);
        // February: the child has turned 18.
        app.suspend_benefit(&ACTOR, spouse.id, "proof of life missing")
            .unwrap();
        assert_eq!(app.run_payroll(&ACTOR, month("2026-02")).unwrap().lines, 0);
        app.resume_benefit(&ACTOR, spouse.id, "proof received")
            .unwrap();
        let feb = app.run_payroll(&ACTOR, month("2026-02")).unwrap();
        assert_eq!((feb.lines, feb.total), (1, spouse_2026));
        // Remarriage in March: paid for March, not after.
        app.end_benefit(
            &ACTOR,
            spouse.id,
            &BenefitEnd::Remarriage {
                month: month("2026-03"),
            },
        )
        .unwrap();
        assert_eq!(app.run_payroll(&ACTOR, month("2026-03")).unwrap().lines, 1);
        assert_eq!(app.run_payroll(&ACTOR, month("2026-04")).unwrap().lines, 0);
    });
}

/// Art 39 (条例第三十九条第一款第二项) with a replaced award: the child's
/// pension, which has a known end (the month before the 18th birthday), is
/// the same running benefit after the award is computed again; it never
/// starts a second time. Own wage 8,500.00 → 9,000.00 (facts corrected): the
/// child's 30% is 2,550.00, then 2,700.00 from the first month unpaid (June
/// 2025, May having been paid); paid to January 2026 as before.
#[test]
fn art39_a_childs_pension_does_not_start_twice_when_the_award_is_replaced() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        let facts = |wage: &str| {
            serde_json::json!({
                "own_wage": wage,
                "death_date": "2025-04-25",
                "dependants": {"spouse": true, "others": 1}
            })
        };
        let mut req = award_request(facts("8500.00"), "initial");
        req.dependant_birth_dates = vec![Some(date(2008, 2, 15))];
        let first = app.compute_award(&MAKER, &number, &req).unwrap();
        app.approve_award(&CHECKER, first.award.id).unwrap();
        let may = app.run_payroll(&ACTOR, month("2025-05")).unwrap();
        assert_eq!(may.lines, 2);
        let mut again = replacing(
            award_request(facts("9000.00"), "facts_corrected"),
            first.award.id,
        );
        again.dependant_birth_dates = vec![Some(date(2008, 2, 15))];
        let second = app.compute_award(&MAKER, &number, &again).unwrap();
        let view = app.approve_award(&CHECKER, second.award.id).unwrap();
        let children: Vec<_> = view
            .benefits
            .iter()
            .filter(|b| b.beneficiary == "dependant-1")
            .collect();
        assert_eq!(children.len(), 1, "{children:#?}");
        let child = children[0];
        assert_eq!(child.end_month, Some(month("2026-01")));
        assert_eq!(child.amounts.last().unwrap().amount, yuan("2700.00"));
        assert_eq!(child.amounts.last().unwrap().from_month, month("2025-06"));
        // June pays the spouse and the child once each (not the child twice).
        let june = app.run_payroll(&ACTOR, month("2025-06")).unwrap();
        assert_eq!(june.lines, 2);
        // 9,000.00 × 40% + 9,000.00 × 30% = 3,600.00 + 2,700.00.
        assert_eq!(june.total, yuan("6300.00"));
        // A third award without the child (the dependency was wrongly
        // recorded): the child's pension ends after June, the last month
        // paid, instead of running on to January 2026.
        let third = app
            .compute_award(
                &MAKER,
                &number,
                &replacing(
                    award_request(
                        serde_json::json!({
                            "own_wage": "9000.00",
                            "death_date": "2025-04-25",
                            "dependants": {"spouse": true, "others": 0}
                        }),
                        "facts_corrected",
                    ),
                    second.award.id,
                ),
            )
            .unwrap();
        let view = app.approve_award(&CHECKER, third.award.id).unwrap();
        let child = view
            .benefits
            .iter()
            .find(|b| b.beneficiary == "dependant-1")
            .unwrap();
        assert_eq!(child.end_month, Some(month("2025-06")));
        // July pays the spouse alone: 9,000.00 × 40% = 3,600.00.
        let july = app.run_payroll(&ACTOR, month("2025-07")).unwrap();
        assert_eq!((july.lines, july.total), (1, yuan("3600.00")));
    });
}

#[test]
fn art35_grade_1_to_4_at_retirement_the_fund_pays_only_the_difference_above_the_pension() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1));
        appr(
            app,
            &number,
            appraisal::Command::Conclude {
                grade: Some(2),
                nursing: None,
            },
            date(2025, 10, 15),
        );
        let facts = serde_json::json!({"own_wage": "8500.00", "suspension_months": 6});
        let award = app
            .compute_award(&MAKER, &number, &award_request(facts, "initial"))
            .unwrap();
        let view = app.approve_award(&CHECKER, award.award.id).unwrap();
        let allowance = view
            .benefits
            .iter()
            .find(|b| b.item == named("monthly_disability_allowance"))
            .unwrap()
            .clone();
        let full = allowance.amounts[0].amount;
        let pension = Money::from_fen(full.fen() - 12_345);
        let top_up = app
            .record_retirement(&ACTOR, allowance.id, month("2026-03"), pension)
            .unwrap();
        assert_eq!(top_up.fen(), 12_345);
        let high = app
            .record_retirement(&ACTOR, allowance.id, month("2026-04"), yuan("99999.00"))
            .unwrap();
        assert_eq!(high, Money::ZERO);
        assert_eq!(
            app.run_payroll(&ACTOR, month("2026-02")).unwrap().total,
            full
        );
        assert_eq!(
            app.run_payroll(&ACTOR, month("2026-03"))
                .unwrap()
                .total
                .fen(),
            12_345
        );
        assert_eq!(app.run_payroll(&ACTOR, month("2026-04")).unwrap().lines, 0);
    });
}

/// Regulations Art 35 para 2 (the map's 35(3)): 职工因工致残被鉴定为一级至四级
/// 伤残的，由用人单位和职工个人以伤残津贴为基数，缴纳基本医疗保险费. A grade 2
/// worker on 8,500.00: the allowance is 8,500.00 × 85% = 7,225.00, which is
/// the base of every month it runs, until the month the worker retires
/// (from then the fund pays the difference above the pension, which is no
/// allowance and no base). A grade 5 worker's allowance (Art 36, the
/// unit's, 8,500.00 × 70% = 5,950.00) is no base under Art 35. A unit reads
/// its own workers'; another unit's are not there for it.
#[test]
fn art35_para2_a_grade_1_to_4_allowance_is_the_medical_insurance_base_until_retirement() {
    each_backend(|app, _| {
        let grade = |n: u32, g: u8| {
            let number = recognised(app, n);
            appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1));
            appr(
                app,
                &number,
                appraisal::Command::Conclude {
                    grade: Some(g),
                    nursing: None,
                },
                date(2025, 10, 15),
            );
            let facts = serde_json::json!({"own_wage": "8500.00", "suspension_months": 6, "hospital_days": 0, "job_arranged": false});
            let award = app
                .compute_award(&MAKER, &number, &award_request(facts, "initial"))
                .unwrap();
            let view = app.approve_award(&CHECKER, award.award.id).unwrap();
            let allowance = view
                .benefits
                .iter()
                .find(|b| b.item == named("monthly_disability_allowance"))
                .unwrap()
                .clone();
            (number, allowance)
        };
        let (two, allowance) = grade(1, 2);
        let (five, _) = grade(2, 5);
        let start = allowance.start_month;
        let bases = app.medical_insurance_bases(&ACTOR, start, None).unwrap();
        let cases: Vec<&str> = bases.rows.iter().map(|r| r.case_number.as_str()).collect();
        assert_eq!(cases, [two.as_str()], "grade 5 ({five}) is no base");
        assert_eq!(bases.rows[0].grade, 2);
        assert_eq!(bases.rows[0].base, yuan("7225.00"));
        assert_eq!(bases.total, yuan("7225.00"));
        // Before the allowance starts there is no base.
        let before = Month::of(start.first_day().yesterday().unwrap());
        assert!(
            app.medical_insurance_bases(&ACTOR, before, None)
                .unwrap()
                .rows
                .is_empty()
        );
        // Retired from March 2026: February is a base, March is not.
        app.record_retirement(&ACTOR, allowance.id, month("2026-03"), yuan("5000.00"))
            .unwrap();
        let feb = app
            .medical_insurance_bases(&ACTOR, month("2026-02"), None)
            .unwrap();
        assert_eq!(feb.total, yuan("7225.00"));
        assert!(
            app.medical_insurance_bases(&ACTOR, month("2026-03"), None)
                .unwrap()
                .rows
                .is_empty()
        );
        // The unit reads its own workers, not another unit's.
        let own = bases.rows[0].unit_code.clone().unwrap();
        let unit_actor = |code: &str| Actor {
            login: "unit".into(),
            role: Role::Unit,
            scope: Scope::Unit {
                unit: CreditCode::parse(code).unwrap(),
                platform: None,
            },
        };
        let mine = app
            .medical_insurance_bases(&unit_actor(&own), month("2026-02"), None)
            .unwrap();
        assert_eq!(mine.rows.len(), 1);
        let other = app.case_view(&ACTOR, &five).unwrap().row.unit.unwrap();
        assert_eq!(
            app.medical_insurance_bases(&unit_actor(&own), month("2026-02"), Some(&other))
                .unwrap_err()
                .code(),
            "not_found",
            "another unit's records are not there for a unit"
        );
        // The unit of the grade 5 case has no base at all.
        assert!(
            app.medical_insurance_bases(&unit_actor(other.as_str()), month("2026-02"), None)
                .unwrap()
                .rows
                .is_empty()
        );
    });
}

#[test]
fn art26_a_reappraisal_changes_the_allowance_from_its_month_and_shows_the_months_paid_as_arrears() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1));
        appr(
            app,
            &number,
            appraisal::Command::Conclude {
                grade: Some(2),
                nursing: None,
            },
            date(2025, 10, 15),
        );
        let facts = serde_json::json!({"own_wage": "8500.00", "suspension_months": 6});
        let first = app
            .compute_award(&MAKER, &number, &award_request(facts.clone(), "initial"))
            .unwrap();
        let view = app.approve_award(&CHECKER, first.award.id).unwrap();
        let allowance = view
            .benefits
            .iter()
            .find(|b| b.item == named("monthly_disability_allowance"))
            .unwrap()
            .clone();
        assert_eq!(allowance.start_month, month("2025-11"));
        for m in ["2025-11", "2025-12", "2026-01", "2026-02"] {
            assert_eq!(app.run_payroll(&ACTOR, month(m)).unwrap().lines, 1, "{m}");
        }
        // Re-appraised at grade 1 on 2025-12-10: the new allowance is due from January.
        appr(
            app,
            &number,
            appraisal::Command::Receive,
            date(2025, 10, 20),
        );
        appr(
            app,
            &number,
            appraisal::Command::ApplyReappraisal,
            date(2025, 10, 30),
        );
        appr(
            app,
            &number,
            appraisal::Command::Conclude {
                grade: Some(1),
                nursing: None,
            },
            date(2025, 12, 10),
        );
        let second = app
            .compute_award(
                &MAKER,
                &number,
                &replacing(award_request(facts, "new_appraisal"), first.award.id),
            )
            .unwrap();
        let d = second.difference.unwrap();
        let line = d
            .lines
            .iter()
            .find(|l| l.item == named("monthly_disability_allowance"))
            .unwrap();
        assert!(line.after > line.before, "{line:?}");
        assert_eq!(
            line.months_paid, 2,
            "January and February were paid at grade 2"
        );
        assert_eq!(
            line.difference.fen(),
            2 * (line.after.fen() - line.before.fen())
        );
        app.approve_award(&CHECKER, second.award.id).unwrap();
        let march = app.run_payroll(&ACTOR, month("2026-03")).unwrap();
        assert_eq!(march.total, line.after);
        let b = app.store().periodic_benefit(allowance.id).unwrap().unwrap();
        assert_eq!(b.amounts.last().unwrap().from_month, month("2026-03"));
    });
}

// ---- issue 17: recusal (Regulations Art 20(4)) ---------------------------------

#[test]
fn regs_art20_4_a_recused_official_may_no_longer_act_on_the_case() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        let other = recognised(app, 2);
        assert!(app.recusals(&MAKER, &number).unwrap().is_empty());
        // An empty reason is refused, naming the field.
        let err = app.record_recusal(&MAKER, &number, None, "  ").unwrap_err();
        assert_eq!(err.field(), Some("recusal_reason"), "{err}");
        // A clerk records their own withdrawal, not a colleague's.
        let err = app
            .record_recusal(&MAKER, &number, Some("clerk-1"), "a relative")
            .unwrap_err();
        assert_eq!(
            (err.code(), err.field()),
            ("forbidden", Some("recusal_official"))
        );
        let r = app
            .record_recusal(
                &MAKER,
                &number,
                None,
                "the injured worker is my brother-in-law",
            )
            .unwrap();
        assert_eq!(r.official, "clerk-maker");
        // Once only.
        let err = app
            .record_recusal(&MAKER, &number, None, "again")
            .unwrap_err();
        assert_eq!(err.code(), "conflict", "{err}");
        // The recused clerk's commands, previews, awards and payments on the
        // case are refused; nothing is recorded.
        let before = app.case_view(&ACTOR, &number).unwrap().events.len();
        let err = app
            .act(
                &MAKER,
                &number,
                CaseCommand::Appraisal(appraisal::Command::Apply),
                Some(date(2025, 8, 1)),
            )
            .unwrap_err();
        assert_eq!((err.code(), err.field()), ("forbidden", Some("recused")));
        assert!(err.to_string().contains("Art 20(4)"), "{err}");
        assert_eq!(app.case_view(&ACTOR, &number).unwrap().events.len(), before);
        let err = app
            .preview_commands(
                &MAKER,
                &number,
                &[CaseCommand::Appraisal(appraisal::Command::Apply)],
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("recused"));
        let err = app
            .pay_one_time(&MAKER, &number, date(2025, 11, 1))
            .unwrap_err();
        assert_eq!(err.field(), Some("recused"));
        // Another clerk carries on; the recused clerk still works other cases.
        let by_clerk_1 = |n: &str, cmd: appraisal::Command, on: Date| {
            app.act(&ACTOR, n, CaseCommand::Appraisal(cmd), Some(on))
                .unwrap()
        };
        by_clerk_1(&number, appraisal::Command::Apply, date(2025, 8, 1));
        appr(app, &other, appraisal::Command::Apply, date(2025, 8, 1));
        // An administrator records a reviewer's withdrawal; the reviewer may
        // then neither approve nor return the case's award.
        let err = app
            .record_recusal(&ADMIN, &number, Some("nobody"), "a relative")
            .unwrap_err();
        assert_eq!(err.field(), Some("recusal_official"), "{err}");
        app.create_account(
            &ADMIN,
            &gongshang_app::accounts::AccountInput {
                login: "reviewer-checker".into(),
                display_name: "复核员".into(),
                role: "reviewer".into(),
                unit: None,
                platform: None,
                person: None,
                password: None,
                partner_body: None,
            },
            gongshang_app::accounts::PasswordCost::Minimal,
        )
        .unwrap();
        app.record_recusal(
            &ADMIN,
            &number,
            Some("reviewer-checker"),
            "a shareholder of the unit",
        )
        .unwrap();
        let officials: Vec<String> = app
            .recusals(&CHECKER, &number)
            .unwrap()
            .into_iter()
            .map(|r| r.official)
            .collect();
        assert_eq!(officials, ["clerk-maker", "reviewer-checker"]);
        by_clerk_1(
            &number,
            appraisal::Command::Conclude {
                grade: Some(7),
                nursing: None,
            },
            date(2025, 10, 15),
        );
        let facts = serde_json::json!({"own_wage": "8500.00", "suspension_months": 6, "hospital_days": 0, "job_arranged": false});
        let err = app
            .compute_award(&MAKER, &number, &award_request(facts.clone(), "initial"))
            .unwrap_err();
        assert_eq!(err.field(), Some("recused"));
        let proposed = app
            .compute_award(&ACTOR, &number, &award_request(facts, "initial"))
            .unwrap();
        let err = app.approve_award(&CHECKER, proposed.award.id).unwrap_err();
        assert_eq!(err.field(), Some("recused"));
        let err = app
            .return_award(&CHECKER, proposed.award.id, "wrong wage")
            .unwrap_err();
        assert_eq!(err.field(), Some("recused"));
        // The worker and the unit never see who withdrew or why.
        let worker = Actor {
            login: "worker".into(),
            role: Role::Worker,
            scope: Scope::Person(app.case_view(&ACTOR, &number).unwrap().row.person),
        };
        assert_eq!(
            app.recusals(&worker, &number).unwrap_err().code(),
            "forbidden"
        );
        app.approve_award(&ADMIN, proposed.award.id).unwrap();
    });
}
/// Decree 765 Art 46 (社会保险经办条例第四十六条): benefits paid that were not
/// owed are refunded at once, by an instalment agreement, or set against
/// later benefits. A spouse's pension paid for June and July 2025 after a
/// remarriage reported late: 1,000.00 yuan recovered in 3 instalments, and
/// 1,000.00 more kept back from the child's pension.
#[test]
fn decree765_art46_overpayments_are_recovered_by_instalments_and_by_offset_each_once() {
    use gongshang_app::{OverpaymentInput, RecoveryPlan};
    each_backend(|app, _| {
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
        let benefit = |who: &str| {
            view.benefits
                .iter()
                .find(|b| b.beneficiary == who)
                .unwrap()
                .clone()
        };
        let (spouse, child) = (benefit("spouse"), benefit("dependant-1"));
        // Art 39: the child's pension is 30% of the worker's wage, 8,500.00
        // × 30% = 2,550.00 a month.
        assert_eq!(child.amounts[0].amount, yuan("2550.00"));
        // Nothing paid yet: nothing can have been overpaid.
        let input = OverpaymentInput {
            benefit_id: spouse.id,
            amount: yuan("1000.00"),
            reason: "remarried 2025-05, reported 2025-08".into(),
            plan: RecoveryPlan::Instalments { months: 3 },
            first_month: month("2025-08"),
        };
        let err = app.record_overpayment(&ACTOR, &input).unwrap_err();
        assert_eq!((err.code(), err.field()), ("invalid", Some("amount")));
        for m in ["2025-05", "2025-06", "2025-07"] {
            app.run_payroll(&ACTOR, month(m)).unwrap();
        }
        let err = app
            .record_overpayment(
                &ACTOR,
                &OverpaymentInput {
                    reason: "  ".into(),
                    ..input.clone()
                },
            )
            .unwrap_err();
        assert_eq!((err.code(), err.field()), ("invalid", Some("reason")));

        // 1,000.00 in 3 instalments: 100,000 fen ÷ 3 = 33,333 r 1, the first
        // month one fen more: 333.34 + 333.33 + 333.33.
        let op = app.record_overpayment(&ACTOR, &input).unwrap();
        assert_eq!(op.reference, format!("OP-{}-1", spouse.id));
        let schedule: Vec<(String, Money)> = op
            .instalments
            .iter()
            .map(|i| (i.month.to_string(), i.amount))
            .collect();
        assert_eq!(
            schedule,
            vec![
                ("2025-08".to_owned(), yuan("333.34")),
                ("2025-09".to_owned(), yuan("333.33")),
                ("2025-10".to_owned(), yuan("333.33")),
            ]
        );
        let err = app
            .recover_overpayment(&ACTOR, op.id, Some(date(2026, 7, 1)))
            .unwrap_err();
        assert_eq!((err.code(), err.field()), ("invalid", Some("recovered_on")));
        for (n, day) in [date(2025, 8, 20), date(2025, 9, 20), date(2025, 10, 20)]
            .into_iter()
            .enumerate()
        {
            let after = app.recover_overpayment(&ACTOR, op.id, Some(day)).unwrap();
            assert_eq!(after.instalments[n].recovered_on, Some(day));
        }
        let done = app.recover_overpayment(&ACTOR, op.id, None).unwrap_err();
        assert_eq!(done.code(), "conflict");

        // Kept back from the child's pension, at most half of each month:
        // 2,550.00 × 50% = 1,275.00 ≥ 1,000.00, so one month (2025-08).
        let offset = app
            .record_overpayment(
                &ACTOR,
                &OverpaymentInput {
                    plan: RecoveryPlan::Offset {
                        benefit_id: child.id,
                        share: Rate::parse("50%").unwrap(),
                    },
                    ..input.clone()
                },
            )
            .unwrap();
        assert_eq!(offset.instalments.len(), 1);
        assert_eq!(offset.instalments[0].amount, yuan("1000.00"));
        // 3 × 3,400.00 paid (8,500.00 × 40%), 2,000.00 recorded: 8,200.00
        // is left, so 8,200.01 more is refused.
        assert_eq!(spouse.amounts[0].amount, yuan("3400.00"));
        let err = app
            .record_overpayment(
                &ACTOR,
                &OverpaymentInput {
                    amount: yuan("8200.01"),
                    plan: RecoveryPlan::Refund,
                    ..input.clone()
                },
            )
            .unwrap_err();
        assert_eq!((err.code(), err.field()), ("invalid", Some("amount")));
        // The offset comes out of August's payment: not before it is paid.
        let early = app
            .recover_overpayment(&ACTOR, offset.id, None)
            .unwrap_err();
        assert_eq!(early.code(), "conflict");
        app.run_payroll(&ACTOR, month("2025-08")).unwrap();
        let kept = app.recover_overpayment(&ACTOR, offset.id, None).unwrap();
        assert_eq!(kept.outstanding(), Money::ZERO);

        let listed = app.overpayments_of_case(&ACTOR, &number).unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|o| o.outstanding() == Money::ZERO));
    });
}

/// Recognises an accident of a Suzhou employee under Jiangsu's insurance and
/// concludes its appraisal at `grade`; returns the number.
fn jiangsu_case(
    app: &App,
    u: CreditCode,
    p: ResidentId,
    accident: Date,
    concluded: Date,
    grade: u8,
) -> String {
    let mut req = application(u, p, "jiangsu.employees", accident);
    req.region = Some("320500".into());
    let case = app.file_case(&MAKER, &req).unwrap();
    let on = |days: i64| accident.checked_add(jiff::Span::new().days(days)).unwrap();
    det(app, &case.number, determination::Command::Accept, on(15)).unwrap();
    let decide = determination::Command::Decide {
        finding: Finding::Recognised {
            ground: Ground::Art14WorkAccident,
        },
    };
    assert_eq!(det(app, &case.number, decide, on(40)).unwrap(), "decided");
    appr(app, &case.number, appraisal::Command::Apply, on(45));
    let conclude = appraisal::Command::Conclude {
        grade: Some(grade),
        nursing: None,
    };
    appr(app, &case.number, conclude, concluded);
    case.number
}

/// Regulations Art 45 with Jiangsu Arts 32-33, through the application. A
/// Suzhou worker (regional average 9,000.00: band 5,400.00-27,000.00) is
/// injured on 2024-09-02 at an own wage of 8,000.00 and concluded grade 4 on
/// 2025-01-10: allowance 75% × 8,000.00 = 6,000.00 from February 2025, paid
/// for February and March. Injured again at the same unit on 2025-03-03 at
/// 7,000.00, the conclusion of 2025-06-05 is grade 3: one-time disability
/// 23 × 7,000.00 = 161,000.00 on the new wage; the allowance follows grade 3
/// on the higher earlier wage (Jiangsu Art 33): 80% × 8,000.00 = 6,400.00
/// from July 2025, and the first case's allowance ends with June (Art 45).
/// July pays 6,400.00 once. A review concluded on 2026-06-20 at grade 2
/// keeps the one-time subsidy at 161,000.00 (grade 2 would be 25 × 7,000.00
/// = 175,000.00) and raises the allowance to 85% × 8,000.00 = 6,800.00.
#[test]
fn art45_jiangsu_art33_a_second_injury_and_a_review_through_the_application() {
    each_backend(|app, _| {
        let u = unit(app, 31, "320505");
        let p = person(app, "320505", date(1980, 4, 1), 31);
        let mut enrol = request(
            p,
            Some(u),
            "jiangsu.employees",
            Category::Employee,
            date(2024, 1, 1),
        );
        enrol.labour_relation = true;
        app.enroll(&ACTOR, &enrol).unwrap();
        let first = jiangsu_case(app, u, p, date(2024, 9, 2), date(2025, 1, 10), 4);
        let a = app
            .compute_award(
                &MAKER,
                &first,
                &award_request(serde_json::json!({"own_wage": "8000.00"}), "initial"),
            )
            .unwrap();
        let a = app.approve_award(&CHECKER, a.award.id).unwrap();
        let old = a
            .benefits
            .iter()
            .find(|b| b.item == named("monthly_disability_allowance"))
            .unwrap()
            .clone();
        assert_eq!(old.amounts[0].amount, yuan("6000.00"));
        assert_eq!(old.start_month, month("2025-02"));
        for m in ["2025-02", "2025-03"] {
            assert_eq!(
                app.run_payroll(&ACTOR, month(m)).unwrap().total,
                yuan("6000.00")
            );
        }

        let second = jiangsu_case(app, u, p, date(2025, 3, 3), date(2025, 6, 5), 3);
        let b = app
            .compute_award(
                &MAKER,
                &second,
                &award_request(serde_json::json!({"own_wage": "7000.00"}), "initial"),
            )
            .unwrap();
        let amount = |view: &gongshang_app::cases::AwardView, item: &str| {
            view.award
                .items
                .iter()
                .find(|i| i.item == named(item))
                .map(|i| i.amount)
        };
        assert_eq!(
            amount(&b, "one_time_disability_subsidy"),
            Some(yuan("161000.00"))
        );
        assert_eq!(
            amount(&b, "monthly_disability_allowance"),
            Some(yuan("6400.00"))
        );
        let trace = b.award.trace.as_str();
        assert!(trace.contains("art45.new_grade"), "{trace}");
        assert!(trace.contains("jiangsu.art33.earlier_wage"), "{trace}");
        app.approve_award(&CHECKER, b.award.id).unwrap();
        let view = app.award_view(&ACTOR, a.award.id).unwrap();
        let old = view.benefits.iter().find(|x| x.id == old.id).unwrap();
        assert_eq!(old.end_month, Some(month("2025-06")));
        assert!(old.end_reason.as_deref().unwrap().starts_with("art45"));
        let july = app.run_payroll(&ACTOR, month("2025-07")).unwrap();
        assert_eq!((july.lines, july.total), (1, yuan("6400.00")));

        appr(
            app,
            &second,
            appraisal::Command::ApplyReview,
            date(2026, 6, 8),
        );
        appr(
            app,
            &second,
            appraisal::Command::Conclude {
                grade: Some(2),
                nursing: None,
            },
            date(2026, 6, 20),
        );
        let c = app
            .compute_award(
                &MAKER,
                &second,
                &replacing(
                    award_request(serde_json::json!({"own_wage": "7000.00"}), "new_appraisal"),
                    b.award.id,
                ),
            )
            .unwrap();
        assert_eq!(
            amount(&c, "one_time_disability_subsidy"),
            Some(yuan("161000.00"))
        );
        assert_eq!(
            amount(&c, "monthly_disability_allowance"),
            Some(yuan("6800.00"))
        );
        assert!(c.award.trace.contains("jiangsu.art33.no_new_subsidy"));
        // Facts that come from the case records are refused when typed.
        let err = app
            .compute_award(
                &MAKER,
                &second,
                &replacing(
                    award_request(
                        serde_json::json!({"own_wage": "7000.00", "earlier_injuries": []}),
                        "new_appraisal",
                    ),
                    b.award.id,
                ),
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("facts"));
    });
}

/// Regulations Art 12: the fund pays for work-capacity appraisals. A case's
/// first appraisal (applied for 2025-08-01, grade 5 on 2025-10-15) costs
/// 350.00, paid by the fund on 2025-10-20: posted to the ledger under its
/// own expense account, so the statement of October shows an appraisal-fee
/// line of 350.00 and an expenditure of benefits + 350.00. The unit's
/// re-appraisal (applied 2025-10-30, the same grade 5 on 2025-12-10) costs
/// 500.00 borne by the unit (the applicant) on 2025-12-12: recorded, not
/// posted, so December's statement shows no fee. The year: 350.00.
#[test]
fn regulations_art_12_the_fund_pays_an_appraisal_fee_shown_apart_in_the_statement() {
    use gongshang_app::cases::{AppraisalFeeInput, AppraisalFeePayer};
    use gongshang_app::fund::StatementPeriod;
    each_backend(|app, clock| {
        clock.set(ts("2026-01-10T08:00:00Z"));
        let number = recognised(app, 12);
        let fee = |appraisal: i64, amount: &str, payer: Option<AppraisalFeePayer>, on: Date| {
            AppraisalFeeInput {
                appraisal: Some(appraisal),
                amount: Some(yuan(amount)),
                payer,
                paid_on: Some(on),
            }
        };
        let none = app
            .record_appraisal_fee(
                &MAKER,
                &number,
                &fee(
                    1,
                    "350.00",
                    Some(AppraisalFeePayer::Fund),
                    date(2025, 10, 20),
                ),
            )
            .unwrap_err();
        assert_eq!(
            (none.code(), none.field()),
            ("invalid", Some("fee_appraisal")),
            "no conclusion yet: {none}"
        );
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

        // A missing payer is refused by name, never assumed to be the fund.
        let err = app
            .record_appraisal_fee(&MAKER, &number, &fee(1, "350.00", None, date(2025, 10, 20)))
            .unwrap_err();
        assert_eq!(err.field(), Some("fee_payer"), "{err}");
        let err = app
            .record_appraisal_fee(
                &MAKER,
                &number,
                &fee(
                    2,
                    "350.00",
                    Some(AppraisalFeePayer::Fund),
                    date(2025, 10, 20),
                ),
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("fee_appraisal"), "{err}");
        let err = app
            .record_appraisal_fee(
                &MAKER,
                &number,
                &fee(1, "0.00", Some(AppraisalFeePayer::Fund), date(2025, 10, 20)),
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("fee_amount"), "{err}");
        let err = app
            .record_appraisal_fee(
                &MAKER,
                &number,
                &fee(1, "350.00", Some(AppraisalFeePayer::Fund), date(2026, 2, 1)),
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("fee_paid_on"), "after today: {err}");
        // A reviewer reads the fees but does not record them.
        let err = app
            .record_appraisal_fee(
                &CHECKER,
                &number,
                &fee(
                    1,
                    "350.00",
                    Some(AppraisalFeePayer::Fund),
                    date(2025, 10, 20),
                ),
            )
            .unwrap_err();
        assert_eq!(err.code(), "forbidden");

        let paid = app
            .record_appraisal_fee(
                &MAKER,
                &number,
                &fee(
                    1,
                    "350.00",
                    Some(AppraisalFeePayer::Fund),
                    date(2025, 10, 20),
                ),
            )
            .unwrap();
        assert!(paid.fee.recorded_now);
        assert_eq!(paid.appraisal_kind, "initial");
        let key = paid.fee.ledger_key.clone().unwrap();
        assert!(key.starts_with("appraisal-fee-"), "{key}");
        assert!(paid.article.unwrap().contains("第十二条"));
        // The same fee again changes nothing; another for the appraisal is a conflict.
        let again = app
            .record_appraisal_fee(
                &MAKER,
                &number,
                &fee(
                    1,
                    "350.00",
                    Some(AppraisalFeePayer::Fund),
                    date(2025, 10, 20),
                ),
            )
            .unwrap();
        assert!(!again.fee.recorded_now);
        let err = app
            .record_appraisal_fee(
                &MAKER,
                &number,
                &fee(
                    1,
                    "400.00",
                    Some(AppraisalFeePayer::Fund),
                    date(2025, 10, 20),
                ),
            )
            .unwrap_err();
        assert_eq!(err.code(), "conflict", "{err}");

        appr(
            app,
            &number,
            appraisal::Command::Receive,
            date(2025, 10, 20),
        );
        appr(
            app,
            &number,
            appraisal::Command::ApplyReappraisal,
            date(2025, 10, 30),
        );
        appr(
            app,
            &number,
            appraisal::Command::Conclude {
                grade: Some(5),
                nursing: None,
            },
            date(2025, 12, 10),
        );
        let unit_paid = app
            .record_appraisal_fee(
                &MAKER,
                &number,
                &fee(
                    2,
                    "500.00",
                    Some(AppraisalFeePayer::Unit),
                    date(2025, 12, 12),
                ),
            )
            .unwrap();
        assert_eq!(unit_paid.fee.ledger_key, None, "the fund paid nothing");
        assert_eq!(unit_paid.article, None);
        let fees = app.appraisal_fees(&CHECKER, &number).unwrap();
        assert_eq!(
            fees.iter()
                .map(|f| (f.fee.conclusion_number, f.fee.amount, f.fee.payer))
                .collect::<Vec<_>>(),
            vec![
                (1, yuan("350.00"), AppraisalFeePayer::Fund),
                (2, yuan("500.00"), AppraisalFeePayer::Unit)
            ]
        );

        let statement = |period: &str| {
            app.fund_statement(&ACTOR, StatementPeriod::parse(period).unwrap(), None, None)
                .unwrap()
                .total
        };
        let october = statement("2025-10");
        assert_eq!(october.appraisal_fees, yuan("350.00"));
        assert_eq!(
            october.expenditure_total,
            october.benefits_total.checked_add(yuan("350.00")).unwrap()
        );
        assert_eq!(statement("2025-12").appraisal_fees, Money::ZERO);
        let year = statement("2025");
        assert_eq!(year.appraisal_fees, yuan("350.00"));
        assert_eq!(
            year.surplus,
            year.collected
                .total
                .checked_sub(year.benefits_total)
                .and_then(|m| m.checked_sub(yuan("350.00")))
                .unwrap()
        );
        assert_eq!(
            app.store().fund_flows("9999-12").unwrap(),
            app.store().fund_flows_from_ledger("9999-12").unwrap()
        );
        assert_eq!(app.store().trial_balance().unwrap(), 0);
        let expense = app
            .store()
            .ledger_balances()
            .unwrap()
            .into_iter()
            .find(|(a, _)| *a == gongshang_domain::ledger::Account::AppraisalFeeExpense)
            .map(|(_, fen)| fen);
        assert_eq!(expense, Some(35_000));
    });
}

/// A grade 3 conclusion of 2025-10-15 and its approved award (own wage
/// 8,500.00), its disability allowance paid by the payroll for 2025-11 to
/// 2026-04; returns the case number and the allowance's benefit id.
fn grade3_allowance_paid_six_months(app: &App) -> (String, i64) {
    let number = recognised(app, 1);
    appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1));
    appr(
        app,
        &number,
        appraisal::Command::Conclude {
            grade: Some(3),
            nursing: None,
        },
        date(2025, 10, 15),
    );
    let facts = serde_json::json!({"own_wage": "8500.00", "suspension_months": 6, "hospital_days": 0, "job_arranged": false});
    let award = app
        .compute_award(&MAKER, &number, &award_request(facts, "initial"))
        .unwrap();
    let view = app.approve_award(&CHECKER, award.award.id).unwrap();
    let allowance = view
        .benefits
        .iter()
        .find(|b| b.item == named("monthly_disability_allowance"))
        .unwrap()
        .clone();
    // Art 35: grade 3, 80% of the own wage, paid by the fund from the month
    // after the conclusion: 8,500.00 × 80% = 6,800.00 from 2025-11.
    assert_eq!(allowance.amounts[0].amount, yuan("6800.00"));
    assert_eq!(allowance.start_month, month("2025-11"));
    for m in [
        "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04",
    ] {
        app.run_payroll(&ACTOR, month(m)).unwrap();
    }
    (number, allowance.id)
}

fn revision(json: serde_json::Value) -> gongshang_app::cases::RevisionInput {
    serde_json::from_value(json).unwrap()
}

/// Order No. 55 Art 31 (劳动能力鉴定管理办法第三十一条): a conclusion obtained
/// by forgery or impersonation is revoked, and what was paid on it comes
/// back. A grade 3 allowance of 6,800.00 paid for 2025-11 to 2026-04, the
/// conclusion revoked by the committee on 2026-05-20: nothing was owed, so
/// 6 × 6,800.00 = 40,800.00 is overpaid, recovered in 10 instalments of
/// 4,080.00 from 2026-07 (the month after the revocation is applied on
/// 2026-06-30); the allowance ends after 2026-04 and the award is superseded.
#[test]
fn order55_art31_revoked_conclusion_stops_the_allowance_and_recovers_every_payment() {
    use gongshang_store::cases::RevisionStatus;
    each_backend(|app, _| {
        let (number, allowance) = grade3_allowance_paid_six_months(app);
        let input = revision(serde_json::json!({
            "revision": {"kind": "revoke"},
            "reason": "forged hospital records (伪造病历)",
            "decision_no": "粤劳鉴撤〔2026〕3号",
            "decided_on": "2026-05-20",
            "recovery": {"method": "instalments", "months": 10},
        }));
        // Field-level refusals: no decision number; a decision dated before
        // the conclusion.
        let mut no_number = input.clone();
        no_number.decision_no = " ".into();
        let err = app
            .record_appraisal_revision(&MAKER, &number, &no_number)
            .unwrap_err();
        assert_eq!(err.field(), Some("decision_no"));
        let mut early = input.clone();
        early.decided_on = date(2025, 10, 1);
        let err = app
            .record_appraisal_revision(&MAKER, &number, &early)
            .unwrap_err();
        assert_eq!(err.field(), Some("decided_on"));
        // A reviewer does not record it; the clerk does.
        let err = app
            .record_appraisal_revision(&CHECKER, &number, &input)
            .unwrap_err();
        assert_eq!(err.code(), "forbidden");
        let recorded = app
            .record_appraisal_revision(&MAKER, &number, &input)
            .unwrap();
        assert_eq!(recorded.status(), RevisionStatus::Recorded);
        // Recorded only: nothing changed yet, and one at a time.
        assert!(
            app.overpayments_of_case(&ACTOR, &number)
                .unwrap()
                .is_empty()
        );
        let err = app
            .record_appraisal_revision(&MAKER, &number, &input)
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        // The clerk may not apply it; a reviewer does.
        let err = app
            .apply_appraisal_revision(&MAKER, recorded.id)
            .unwrap_err();
        assert_eq!(err.code(), "forbidden");
        let applied = app.apply_appraisal_revision(&CHECKER, recorded.id).unwrap();
        let done = applied.applied.clone().unwrap();
        assert_eq!(done.overpaid, yuan("40800.00"));
        assert_eq!(done.underpaid, Money::ZERO);
        assert!(done.superseded_award_id.is_some() && done.new_award_id.is_none());
        let err = app
            .apply_appraisal_revision(&CHECKER, recorded.id)
            .unwrap_err();
        assert_eq!(err.code(), "conflict");

        // The award is superseded with none in its place; no conclusion is
        // in force.
        let awards = app.awards_of_case(&ACTOR, &number).unwrap();
        assert!(awards.iter().all(|a| a.status.as_str() != "approved"));
        let view = app.case_view(&ACTOR, &number).unwrap();
        assert!(view.appraisal.current().is_none());
        // The allowance stops: ended after 2026-04, so May pays nothing.
        let b = app.store().periodic_benefit(allowance).unwrap().unwrap();
        assert_eq!(b.end_month, Some(month("2026-04")));
        let may = app.run_payroll(&ACTOR, month("2026-05")).unwrap();
        assert_eq!(may.total, Money::ZERO);

        // The overpayment: 40,800.00 ÷ 10 = 4,080.00 a month from 2026-07,
        // recovered by the overpayment use case (Decree 765 Art 46).
        let ops = app.overpayments_of_case(&ACTOR, &number).unwrap();
        assert_eq!(ops.len(), 1);
        let op = &ops[0];
        assert_eq!(
            (op.benefit_id, op.amount),
            (Some(allowance), yuan("40800.00"))
        );
        assert!(op.reason.contains("第三十一条"), "{}", op.reason);
        assert_eq!(op.instalments.len(), 10);
        assert!(op.instalments.iter().all(|i| i.amount == yuan("4080.00")));
        assert_eq!(op.instalments[0].month, month("2026-07"));
        let after = app
            .recover_overpayment(&ACTOR, op.id, Some(date(2026, 6, 30)))
            .unwrap();
        assert_eq!(after.outstanding(), yuan("36720.00"));
        // A second revision: no conclusion is in force to revise.
        let err = app
            .record_appraisal_revision(&MAKER, &number, &input)
            .unwrap_err();
        assert_eq!(err.code(), "command_not_allowed");
    });
}

/// Order No. 55 Art 31 with Decree 765 Art 46: a revoked conclusion owes
/// none of the one-time items its grade decided. The grade 3 case's one-time
/// item the fund pays, the disability subsidy (23 × 8,500.00 = 195,500.00
/// under Art 35), was paid on 2025-11-05; revoking the conclusion recovers
/// the allowance's six months (40,800.00) and the subsidy as an overpayment
/// of its own that names the one-time payment (migration 0233: an
/// overpayment no longer needs a periodic benefit), refunded at once.
#[test]
fn order55_art31_a_revoked_conclusion_recovers_its_one_time_items_as_overpayments() {
    each_backend(|app, _| {
        let (number, allowance) = grade3_allowance_paid_six_months(app);
        let payout = app
            .pay_one_time(&ACTOR, &number, date(2025, 11, 5))
            .unwrap();
        let subsidy = app
            .store()
            .one_time_payments(app.case_view(&ACTOR, &number).unwrap().row.id)
            .unwrap()
            .into_iter()
            .find(|p| p.item == named("one_time_disability_subsidy"))
            .expect("the disability subsidy paid");
        assert_eq!(subsidy.amount, yuan("195500.00"));
        assert_eq!(payout.paid.len(), 1, "{payout:?}");
        let input = revision(serde_json::json!({
            "revision": {"kind": "revoke"},
            "reason": "forged hospital records (伪造病历)",
            "decision_no": "粤劳鉴撤〔2026〕4号",
            "decided_on": "2026-05-20",
            "recovery": {"method": "refund"},
        }));
        let recorded = app
            .record_appraisal_revision(&MAKER, &number, &input)
            .unwrap();
        let applied = app.apply_appraisal_revision(&CHECKER, recorded.id).unwrap();
        let done = applied.applied.unwrap();
        assert_eq!(done.overpaid, yuan("236300.00"), "40,800.00 + 195,500.00");
        let ops = app.overpayments_of_case(&ACTOR, &number).unwrap();
        assert_eq!(ops.len(), 2);
        let on_benefit = ops.iter().find(|o| o.benefit_id.is_some()).unwrap();
        assert_eq!(
            (on_benefit.benefit_id, on_benefit.amount),
            (Some(allowance), yuan("40800.00"))
        );
        let one_time = ops.iter().find(|o| o.benefit_id.is_none()).unwrap();
        assert_eq!(one_time.one_time_payment_id, Some(subsidy.id));
        assert_eq!(one_time.amount, yuan("195500.00"));
        assert_eq!(one_time.instalments.len(), 1);
        assert!(
            one_time.reason.contains("One-time disability subsidy"),
            "{}",
            one_time.reason
        );
        // Recovered like any overpayment: once.
        let back = app
            .recover_overpayment(&ACTOR, one_time.id, Some(date(2026, 6, 30)))
            .unwrap();
        assert_eq!(back.outstanding(), Money::ZERO);
        let err = app
            .recover_overpayment(&ACTOR, one_time.id, None)
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
    });
}

/// Order No. 55 Art 31: a conclusion corrected to another grade. The grade 3
/// conclusion (80%: 6,800.00 a month, paid 2025-11 to 2026-04) corrected to
/// grade 4 (Art 35: 75% of 8,500.00 = 6,375.00): each month paid was 425.00
/// over, 6 × 425.00 = 2,550.00 is recovered (a refund due 2026-07); the
/// allowance continues at 6,375.00 from 2026-05, the next month unpaid,
/// under a new award computed by the rules engine on grade 4 that supersedes
/// the grade 3 award.
#[test]
fn order55_art31_corrected_grade_pays_the_new_amount_from_the_next_month_and_recovers_the_difference()
 {
    each_backend(|app, _| {
        let (number, allowance) = grade3_allowance_paid_six_months(app);
        let input = revision(serde_json::json!({
            "revision": {"kind": "correct", "grade": 4},
            "reason": "the grade misread the functional impairment",
            "decision_no": "粤劳鉴更〔2026〕7号",
            "decided_on": "2026-05-20",
        }));
        let mut same = input.clone();
        same.revision = appraisal::Revision::Correct {
            grade: Some(3),
            nursing: None,
        };
        let err = app
            .record_appraisal_revision(&MAKER, &number, &same)
            .unwrap_err();
        assert_eq!(err.field(), Some("grade"));
        let recorded = app
            .record_appraisal_revision(&MAKER, &number, &input)
            .unwrap();
        let applied = app.apply_appraisal_revision(&CHECKER, recorded.id).unwrap();
        let done = applied.applied.clone().unwrap();
        assert_eq!(done.overpaid, yuan("2550.00"));
        assert_eq!(done.underpaid, Money::ZERO);
        let none_owed = app
            .pay_revision_arrears(&ACTOR, recorded.id, app.today())
            .unwrap_err();
        assert!(
            format!("{none_owed}").contains("no arrears are owed"),
            "{none_owed}"
        );

        let history = app.appraisal_history(&ACTOR, &number).unwrap();
        assert_eq!(
            history.iter().map(|c| c.grade).collect::<Vec<_>>(),
            vec![Some(3), Some(4)]
        );
        let awards = app.awards_of_case(&ACTOR, &number).unwrap();
        let new = awards
            .iter()
            .find(|a| Some(a.id) == done.new_award_id)
            .unwrap();
        assert_eq!(new.status.as_str(), "approved");
        assert_eq!(new.supersedes, done.superseded_award_id);
        let b = app.store().periodic_benefit(allowance).unwrap().unwrap();
        let amounts: Vec<(String, Money)> = b
            .amounts
            .iter()
            .map(|a| (a.from_month.to_string(), a.amount))
            .collect();
        assert_eq!(
            amounts,
            vec![
                ("2025-11".to_owned(), yuan("6800.00")),
                ("2026-05".to_owned(), yuan("6375.00")),
            ]
        );
        assert_eq!(b.end_month, None);
        let may = app.run_payroll(&ACTOR, month("2026-05")).unwrap();
        assert_eq!(may.total, yuan("6375.00"));
        let ops = app.overpayments_of_case(&ACTOR, &number).unwrap();
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].amount, yuan("2550.00"));
        assert_eq!(
            ops[0]
                .instalments
                .iter()
                .map(|i| (i.month.to_string(), i.amount))
                .collect::<Vec<_>>(),
            vec![("2026-07".to_owned(), yuan("2550.00"))]
        );
    });
}

/// Order No. 55 Art 31, a correction upwards: the grade 3 conclusion
/// (6,800.00 a month, paid 2025-11 to 2026-04) corrected to grade 2 (Art 35:
/// 85% of 8,500.00 = 7,225.00): each month was paid 425.00 short, so
/// 6 × 425.00 = 2,550.00 is owed (posted as payable), nothing is recovered,
/// and the allowance is 7,225.00 from 2026-05.
#[test]
fn order55_art31_corrected_upwards_owes_the_months_paid_short_and_recovers_nothing() {
    each_backend(|app, _| {
        let (number, _) = grade3_allowance_paid_six_months(app);
        let input = revision(serde_json::json!({
            "revision": {"kind": "correct", "grade": 2},
            "reason": "the conclusion understated the impairment",
            "decision_no": "粤劳鉴更〔2026〕8号",
            "decided_on": "2026-06-01",
        }));
        let recorded = app
            .record_appraisal_revision(&MAKER, &number, &input)
            .unwrap();
        let done = app
            .apply_appraisal_revision(&CHECKER, recorded.id)
            .unwrap()
            .applied
            .unwrap();
        assert_eq!(
            (done.overpaid, done.underpaid),
            (Money::ZERO, yuan("2550.00"))
        );
        assert_eq!(
            done.underpaid_ledger_key,
            Some(format!("revision-{}-underpaid", recorded.id))
        );
        assert!(
            app.overpayments_of_case(&ACTOR, &number)
                .unwrap()
                .is_empty()
        );
        let may = app.run_payroll(&ACTOR, month("2026-05")).unwrap();
        assert_eq!(may.total, yuan("7225.00"));

        // The arrears are paid once, from the day the revision was applied,
        // and show in the fund's statement as benefits paid that month.
        let today = app.today();
        let err = app
            .pay_revision_arrears(&ACTOR, recorded.id, today.yesterday().unwrap())
            .unwrap_err();
        assert!(
            format!("{err}").contains("before the revision was applied"),
            "{err}"
        );
        let paid = app
            .pay_revision_arrears(&ACTOR, recorded.id, today)
            .unwrap()
            .arrears_paid
            .unwrap();
        assert_eq!((paid.amount, paid.paid_on), (yuan("2550.00"), today));
        assert_eq!(
            paid.ledger_key,
            format!("revision-{}-arrears-paid", recorded.id)
        );
        let again = app
            .pay_revision_arrears(&ACTOR, recorded.id, today)
            .unwrap_err();
        assert!(format!("{again}").contains("were paid on"), "{again}");
        let this_month = today.strftime("%Y-%m").to_string();
        let line = app
            .fund_statement(
                &ACTOR,
                gongshang_app::fund::StatementPeriod::parse(&this_month).unwrap(),
                None,
                None,
            )
            .unwrap()
            .total;
        assert!(
            line.benefits
                .iter()
                .any(|b| b.item == "revision_arrears" && b.amount == yuan("2550.00")),
            "{:?}",
            line.benefits
        );
    });
}

/// Issue 14: the claim experience a projection over the stored insured
/// reads. Two employees of class 2 units enrolled from 2024-01-01, each with
/// an accident on 2025-03-10: one concluded at grade 3, the other not yet
/// appraised. Counted on 2026-01-01 over the accident days 2023-01-01 to
/// 2025-12-31: 2 × 731 insured-days (2024 has 366 days, 2025 365) and one
/// claim, grade 3; the case without a conclusion counts as nothing yet.
/// Blended, class 2's incidence is Z × observed + (1 - Z) × 0.3% with
/// observed 1 × 365 × 10^6 / 1462 = 249658.0 → 249658 ppm and Z = isqrt(10^12
/// / 1082) = 30400 ppm (30400² = 924,160,000 ≤ 924,214,417 < 30401²):
/// (30400 × 249658 + 969600 × 3000) / 10^6 = (7,589,603,200 +
/// 2,908,800,000) / 10^6 = 10498.4032 → 10498 ppm.
#[test]
fn the_claim_experience_counts_the_stored_insured_days_and_concluded_cases_by_class() {
    each_backend(|app, _| {
        grade3_allowance_paid_six_months(app);
        recognised(app, 2);
        let observed = app.claim_experience(&ACTOR, date(2026, 1, 1)).unwrap();
        assert_eq!(
            (observed.from, observed.to),
            (date(2023, 1, 1), date(2026, 1, 1))
        );
        assert_eq!(observed.days[1], 2 * 731);
        assert_eq!(observed.claims_of(1), 1);
        assert_eq!(observed.claims[1][2], 1);
        assert_eq!(observed.days.iter().sum::<u128>(), 2 * 731);
        let base = gongshang_sim::Assumptions::default();
        let blended = observed.blend(&base, &|_: &str| false);
        assert_eq!(blended.get("incidence.class_2"), 10_498);
        assert_eq!(
            blended.get("incidence.class_1"),
            base.get("incidence.class_1")
        );
        // An analyst reads it (aggregates only); a worker may not.
        let analyst = gongshang_app::accounts::Actor {
            login: "analyst".into(),
            role: gongshang_app::accounts::Role::Analyst,
            scope: gongshang_app::accounts::Scope::StatisticsOnly,
        };
        assert!(app.claim_experience(&analyst, date(2026, 1, 1)).is_ok());
        let worker = gongshang_app::accounts::Actor {
            login: "worker".into(),
            role: gongshang_app::accounts::Role::Worker,
            scope: gongshang_app::accounts::Scope::Person(person(
                app,
                "440106",
                date(1990, 1, 1),
                99,
            )),
        };
        assert!(app.claim_experience(&worker, date(2026, 1, 1)).is_err());
    });
}

/// Issue 14: the same experience by scheme, and incidence by grade within
/// the class. Both claims are of `guangdong.employees`, class 2: 2 × 731
/// insured-days, one grade 3. The by-grade cell guangdong.employees × class
/// 2 × grade 3: observed 1 × 365 × 10^9 / 1462 = 249,658,003 ppb; Z(1) =
/// 30400; the all-scheme grade-3 share (30400 × 10^6 + 969600 × 15000) /
/// 10^6 = 44,944; the scheme's (30400 × 10^6 + 969600 × 44,944) / 10^6 =
/// 73,977.7 → 73,978; the fallback the class's incidence 10498 ppm ×
/// 73,978 / 1000 = 776,621.0 → 776,621 ppb; the value (30400 ×
/// 249,658,003 + 969600 × 776,621) / 10^6 = 8,342,615.0 → 8,342,615 ppb.
#[test]
fn the_claim_experience_by_scheme_gives_incidence_by_grade_within_the_class() {
    each_backend(|app, _| {
        grade3_allowance_paid_six_months(app);
        recognised(app, 2);
        let observed = app.claim_experience(&ACTOR, date(2026, 1, 1)).unwrap();
        let scheme = &observed.by_scheme["guangdong.employees"];
        assert_eq!(scheme.days[1], 2 * 731);
        assert_eq!(scheme.claims[1][2], 1);
        let no_file = |_: &str| false;
        let blended = observed.blend(&gongshang_sim::Assumptions::default(), &no_file);
        assert_eq!(blended.get("outcome.grade_3"), 44_944);
        let t = observed.by_grade(&blended, &no_file);
        let cell = t
            .cells
            .iter()
            .find(|c| c.scheme == "guangdong.employees" && c.class == 2 && c.outcome == "grade_3")
            .unwrap();
        assert_eq!(
            (
                cell.observed_ppb,
                cell.fallback_ppb,
                cell.credibility_ppm,
                cell.value_ppb
            ),
            (249_658_003, 776_621, 30_400, 8_342_615)
        );
    });
}

/// Issue 14: the IBNR triangle of the stored cases. Both accidents are of
/// 2025-03-10 (2025Q1), filed when the test's clock says, 2026-06-30 (in
/// Beijing time): valued on 2026-07-01 (at 2026-06-30) they sit in the row
/// 2025Q1 at development quarter 5, and no earlier accident quarter shows
/// any development to carry, so every factor is 1 and nothing is estimated
/// as not reported; valued on 2026-06-30 (at 2026-03-31) both were filed
/// after the valuation and are not in the triangle.
#[test]
fn the_ibnr_triangle_places_each_stored_case_by_accident_and_filing_quarter() {
    each_backend(|app, _| {
        grade3_allowance_paid_six_months(app);
        recognised(app, 2);
        let out = app.claims_ibnr(&ACTOR, date(2026, 7, 1)).unwrap();
        assert_eq!(out.len(), 1);
        let e = &out[0];
        assert_eq!(e.scheme, "guangdong.employees");
        assert_eq!(e.valued_at, date(2026, 6, 30));
        assert_eq!(e.quarters.first().map(String::as_str), Some("2023Q3"));
        assert_eq!(e.quarters[6], "2025Q1");
        assert_eq!(e.triangle[6][5], Some(2));
        assert_eq!(e.triangle[6][6], None);
        assert_eq!((e.reported, e.ibnr_milli, e.not_counted), (2, 0, 0));
        assert!(e.factors.iter().all(|f| f.factor_ppm == 1_000_000));
        let earlier = app.claims_ibnr(&ACTOR, date(2026, 6, 30)).unwrap();
        assert_eq!(
            (
                earlier[0].valued_at,
                earlier[0].reported,
                earlier[0].not_counted
            ),
            (date(2026, 3, 31), 0, 2)
        );
        let worker = gongshang_app::accounts::Actor {
            login: "worker".into(),
            role: gongshang_app::accounts::Role::Worker,
            scope: gongshang_app::accounts::Scope::Person(person(
                app,
                "440106",
                date(1990, 1, 1),
                99,
            )),
        };
        assert!(app.claims_ibnr(&worker, date(2026, 7, 1)).is_err());
    });
}

/// Guangdong Regulations Art 56 through the case: the unit declared 6000.00
/// and paid 8500.00. Grade 3 (Art 28): the fund's allowance 80% × 6000.00 =
/// 4800.00 a month, the unit's difference 80% × 2500.00 = 2000.00 a month,
/// each a benefit of its payer; the one-time subsidy 23 × 6000.00 =
/// 138000.00 by the fund, 23 × 2500.00 = 57500.00 owed by the unit (not
/// posted to the fund's ledger). Art 29: the unit's resettlement allowance,
/// 6 × the Guangdong average of 2025-12-01.
#[test]
fn guangdong_regs_art56_the_unit_owes_the_difference_beside_the_funds_benefit() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1));
        appr(
            app,
            &number,
            appraisal::Command::Conclude {
                grade: Some(3),
                nursing: None,
            },
            date(2025, 10, 15),
        );
        let facts = serde_json::json!({"own_wage": "6000.00", "actual_wage": "8500.00",
            "household_moved_home_on": "2025-12-01",
            "suspension_months": 6, "hospital_days": 0, "job_arranged": false});
        let award = app
            .compute_award(&MAKER, &number, &award_request(facts, "initial"))
            .unwrap();
        let view = app.approve_award(&CHECKER, award.award.id).unwrap();
        let mut allowances: Vec<(String, String)> = view
            .benefits
            .iter()
            .filter(|b| b.item == named("monthly_disability_allowance"))
            .map(|b| (format!("{:?}", b.payer), b.amounts[0].amount.to_string()))
            .collect();
        allowances.sort();
        assert_eq!(
            allowances,
            [
                ("Employer".to_owned(), "2000.00".to_owned()),
                ("Fund".to_owned(), "4800.00".to_owned())
            ]
        );
        let items: Vec<(String, String, String)> = view
            .award
            .items
            .iter()
            .filter(|i| i.payer == gongshang_rules::Payer::Employer)
            .map(|i| {
                (
                    i.item.name().to_owned(),
                    i.amount.to_string(),
                    i.citation.clone(),
                )
            })
            .collect();
        assert!(
            items
                .iter()
                .any(|(item, amount, c)| item == "one_time_disability_subsidy"
                    && amount == "57500.00"
                    && c.contains("第五十六条")),
            "{items:?}"
        );
        assert!(
            items
                .iter()
                .any(|(item, _, c)| item == "resettlement_allowance" && c.contains("第二十九条")),
            "{items:?}"
        );
        // The fund pays its own one-time items only: 23 × 6000.00.
        let paid = app
            .pay_one_time(&ACTOR, &number, date(2025, 11, 1))
            .unwrap();
        let paid: Vec<(String, String)> = paid
            .paid
            .iter()
            .map(|p| (p.item.name().to_owned(), p.amount.to_string()))
            .collect();
        assert_eq!(
            paid,
            [(
                "one_time_disability_subsidy".to_owned(),
                "138000.00".to_owned()
            )]
        );
        app.run_payroll(&ACTOR, month("2025-11")).unwrap();
    });
}

/// The grade 3 case of Guangdong Regulations Art 56 above, approved: the
/// unit declared 6000.00 and paid 8500.00.
fn art56_grade3_approved(app: &App) -> String {
    let number = recognised(app, 1);
    appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1));
    appr(
        app,
        &number,
        appraisal::Command::Conclude {
            grade: Some(3),
            nursing: None,
        },
        date(2025, 10, 15),
    );
    let facts = serde_json::json!({"own_wage": "6000.00", "actual_wage": "8500.00",
        "suspension_months": 6, "hospital_days": 0, "job_arranged": false});
    let award = app
        .compute_award(&MAKER, &number, &award_request(facts, "initial"))
        .unwrap();
    app.approve_award(&CHECKER, award.award.id).unwrap();
    number
}

fn unit_paid(
    item: &str,
    paid_on: Date,
    amount: &str,
) -> gongshang_app::cases::UnitDuePaymentRequest {
    gongshang_app::cases::UnitDuePaymentRequest {
        item: named(item),
        beneficiary: None,
        paid_on,
        amount: yuan(amount),
        document: "转账凭证 2025-001".into(),
        note: "单位财务电话确认".into(),
    }
}

/// Guangdong Regulations Art 56 (差额部分由用人单位向工伤职工补足): once the
/// award is approved, what the unit owes the worker is followed line by
/// line: the one-time subsidy's difference 23 × 2500.00 = 57500.00, and the
/// allowance's difference 80% × 2500.00 = 2000.00 for each month from the
/// benefit's first month to the month asked about. A payment the clerk
/// records on the unit's slip is set against its line; more than is owed
/// to the month paid, or an item the unit does not owe, is refused. The
/// worker reads the same dues, without the agency's note.
#[test]
fn guangdong_regs_art56_what_the_unit_owes_is_followed_until_paid() {
    each_backend(|app, _| {
        let number = art56_grade3_approved(app);
        let dues = app
            .unit_dues(&ACTOR, &number, Some(month("2026-01")))
            .unwrap();
        let subsidy = dues
            .lines
            .iter()
            .find(|l| l.item == named("one_time_disability_subsidy"))
            .expect("the unit owes the subsidy's difference");
        assert_eq!(
            (subsidy.owed, subsidy.paid, subsidy.outstanding),
            (yuan("57500.00"), Money::ZERO, yuan("57500.00"))
        );
        assert!(
            subsidy.citation.contains("第五十六条"),
            "{}",
            subsidy.citation
        );
        let allowance = dues
            .lines
            .iter()
            .find(|l| l.item == named("monthly_disability_allowance"))
            .expect("the unit owes the allowance's difference");
        let first = allowance
            .from_month
            .expect("a monthly line has a first month");
        let mut months = 0;
        let mut m = first;
        while m <= month("2026-01") {
            months += 1;
            m = m.next();
        }
        assert_eq!(allowance.amount, yuan("2000.00"));
        assert_eq!(allowance.months_owed, months);
        assert_eq!(allowance.owed, Money::from_fen(200_000 * i64::from(months)));
        let total: i64 = dues.lines.iter().map(|l| l.owed.fen()).sum();
        assert_eq!(dues.owed.fen(), total);
        assert_eq!(dues.outstanding, dues.owed);

        // The subsidy paid in two parts; a fen more is refused.
        let p1 = app
            .record_unit_due_payment(
                &ACTOR,
                &number,
                &unit_paid("one_time_disability_subsidy", date(2025, 12, 1), "50000.00"),
            )
            .unwrap();
        assert_eq!(p1.note.as_deref(), Some("单位财务电话确认"));
        let err = app
            .record_unit_due_payment(
                &ACTOR,
                &number,
                &unit_paid("one_time_disability_subsidy", date(2025, 12, 2), "7500.01"),
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("amount"));
        app.record_unit_due_payment(
            &ACTOR,
            &number,
            &unit_paid("one_time_disability_subsidy", date(2025, 12, 2), "7500.00"),
        )
        .unwrap();
        // The allowance's first month paid; the next month is not owed yet
        // in that month.
        app.record_unit_due_payment(
            &ACTOR,
            &number,
            &unit_paid("monthly_disability_allowance", first.last_day(), "2000.00"),
        )
        .unwrap();
        let err = app
            .record_unit_due_payment(
                &ACTOR,
                &number,
                &unit_paid("monthly_disability_allowance", first.last_day(), "2000.00"),
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("amount"));
        // Nothing the unit does not owe: the fund pays the living care, no one
        // owes it here.
        let err = app
            .record_unit_due_payment(
                &ACTOR,
                &number,
                &unit_paid("monthly_living_care", date(2025, 12, 2), "1.00"),
            )
            .unwrap_err();
        assert_eq!(err.field(), Some("item"));

        let after = app
            .unit_dues(&ACTOR, &number, Some(month("2026-01")))
            .unwrap();
        let line = |d: &gongshang_app::cases::UnitDues, item: &str| {
            d.lines
                .iter()
                .find(|l| l.item == named(item))
                .map(|l| (l.paid, l.outstanding))
                .unwrap()
        };
        assert_eq!(
            line(&after, "one_time_disability_subsidy"),
            (yuan("57500.00"), Money::ZERO)
        );
        assert_eq!(
            line(&after, "monthly_disability_allowance"),
            (
                yuan("2000.00"),
                Money::from_fen(200_000 * i64::from(months - 1))
            )
        );
        assert_eq!(after.payments.len(), 3);
        assert_eq!(after.outstanding.fen(), dues.outstanding.fen() - 5_950_000);

        // A mistaken record corrected by its negative: the line owes again.
        app.correct_unit_due_payment(&ACTOR, &number, p1.id, "金额录入错误")
            .unwrap();
        assert_eq!(
            line(
                &app.unit_dues(&ACTOR, &number, Some(month("2026-01")))
                    .unwrap(),
                "one_time_disability_subsidy"
            ),
            (yuan("7500.00"), yuan("50000.00"))
        );
        assert_eq!(
            app.correct_unit_due_payment(&ACTOR, &number, p1.id, "again")
                .unwrap_err()
                .code(),
            "duplicate"
        );

        // The worker reads what the unit owes them, without the agency's note.
        let worker = Actor {
            login: "worker".into(),
            role: Role::Worker,
            scope: Scope::Person(app.case_view(&ACTOR, &number).unwrap().row.person),
        };
        let theirs = app
            .unit_dues(&worker, &number, Some(month("2026-01")))
            .unwrap();
        assert_eq!(
            theirs.outstanding.fen(),
            after.outstanding.fen() + 5_000_000
        );
        assert!(
            theirs
                .payments
                .iter()
                .all(|p| p.note.is_none() && p.recorded_by.is_none())
        );
        assert_eq!(
            app.record_unit_due_payment(
                &worker,
                &number,
                &unit_paid("one_time_disability_subsidy", date(2025, 12, 2), "1.00"),
            )
            .unwrap_err()
            .code(),
            "forbidden"
        );
    });
}

/// A grade 3 case approved on a declared wage of 6000.00 (the fund's
/// allowance 80% = 4800.00 a month from 2025-11), with the household
/// registration moved home on `moved` if given.
fn grade3_approved(app: &App, n: u32, moved: Option<&str>) -> i64 {
    let number = recognised(app, n);
    appr(app, &number, appraisal::Command::Apply, date(2025, 8, 1));
    appr(
        app,
        &number,
        appraisal::Command::Conclude {
            grade: Some(3),
            nursing: None,
        },
        date(2025, 10, 15),
    );
    let mut facts = serde_json::json!({"own_wage": "6000.00",
        "suspension_months": 6, "hospital_days": 0, "job_arranged": false});
    if let Some(day) = moved {
        facts["household_moved_home_on"] = day.into();
    }
    let award = app
        .compute_award(&MAKER, &number, &award_request(facts, "initial"))
        .unwrap();
    let view = app.approve_award(&CHECKER, award.award.id).unwrap();
    let allowance = view
        .benefits
        .iter()
        .find(|b| {
            b.item == named("monthly_disability_allowance")
                && b.payer == gongshang_rules::Payer::Fund
        })
        .unwrap();
    assert_eq!(allowance.start_month, month("2025-11"));
    assert_eq!(allowance.amounts[0].amount, yuan("4800.00"));
    allowance.id
}

/// Guangdong Regulations Art 29 (伤残津贴可以由社会保险经办机构按照标准每半年
/// 发放一次): the allowance of a grade 1-4 worker whose household
/// registration moved home is paid half-yearly once the clerk sets it: the
/// run of a month pays it that month and the rest of its half-year. Paid
/// monthly for 2025-11; half-yearly from the 2025-12 run (December alone,
/// the half-year's last month), the 2026-01 run pays January-June (6 ×
/// 4800.00 = 28800.00), February-June's runs pay nothing more; set back to
/// monthly, July alone; half-yearly again, the August run pays August-
/// December (5 × 4800.00 = 24000.00). Each of the 14 months is paid once:
/// 14 × 4800.00 = 67200.00.
#[test]
fn guangdong_regs_art29_half_yearly_allowance_pays_each_month_once() {
    use gongshang_domain::month::PaymentFrequency::{HalfYearly, Monthly};
    each_backend(|app, _| {
        let id = grade3_approved(app, 1, Some("2025-12-01"));
        let run = |m: &str| {
            let r = app.run_payroll(&ACTOR, month(m)).unwrap();
            (r.lines, r.total.fen())
        };
        assert_eq!(run("2025-11"), (1, 480_000));
        let set = app
            .set_payment_frequency(&ACTOR, id, HalfYearly, "本人申请，户籍迁回原籍")
            .unwrap();
        assert_eq!(set.frequency, HalfYearly);
        assert_eq!(run("2025-12"), (1, 480_000));
        assert_eq!(run("2026-01"), (6, 2_880_000));
        for m in ["2026-02", "2026-03", "2026-04"] {
            assert_eq!(run(m), (0, 0), "{m}");
        }
        app.set_payment_frequency(&ACTOR, id, Monthly, "本人申请按月")
            .unwrap();
        for m in ["2026-05", "2026-06"] {
            assert_eq!(run(m), (0, 0), "{m}");
        }
        assert_eq!(run("2026-07"), (1, 480_000));
        app.set_payment_frequency(&ACTOR, id, HalfYearly, "本人申请")
            .unwrap();
        assert_eq!(run("2026-08"), (5, 2_400_000));
        assert_eq!(run("2026-12"), (0, 0));
        let mut paid = 0;
        let mut m = month("2025-11");
        while m <= month("2026-12") {
            let runs = app.payroll_runs(&ACTOR, m).unwrap();
            paid += runs.iter().map(|r| r.total.fen()).sum::<i64>();
            m = m.next();
        }
        assert_eq!(paid, 14 * 480_000);
    });
}

/// Guangdong Regulations Art 29: only the fund's allowance of a grade 1-4
/// worker whose household registration moved home is paid half-yearly; a
/// worker who stayed is refused, naming the frequency; monthly is always allowed.
#[test]
fn guangdong_regs_art29_half_yearly_refused_without_the_move() {
    use gongshang_domain::month::PaymentFrequency::HalfYearly;
    each_backend(|app, _| {
        let stayed = grade3_approved(app, 1, None);
        let err = app
            .set_payment_frequency(&ACTOR, stayed, HalfYearly, "申请")
            .unwrap_err();
        assert_eq!(err.field(), Some("frequency"));
        assert_eq!(
            app.set_payment_frequency(&MAKER, stayed, HalfYearly, "")
                .map(|_| ())
                .unwrap_err()
                .field(),
            Some("frequency")
        );
        // Monthly is always allowed.
        app.set_payment_frequency(
            &ACTOR,
            stayed,
            gongshang_domain::month::PaymentFrequency::Monthly,
            "x",
        )
        .unwrap();
        assert_eq!(app.run_payroll(&ACTOR, month("2025-11")).unwrap().lines, 1);
        assert_eq!(app.run_payroll(&ACTOR, month("2026-01")).unwrap().lines, 1);
    });
}
