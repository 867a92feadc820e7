//! The handling deadlines and records of Decree No. 765 (Arts 6, 10, 25, 45),
//! on SQLite and PostgreSQL.

use gongshang_app::RecoveryPlan;
use gongshang_app::accounts::{Actor, Role, Scope};
use gongshang_app::handling::StopReportInput;
use gongshang_app::handling::stop_reports::Reporter;
use gongshang_domain::life_events::MatchRule;
use jiff::civil::date;

use super::cases::{CHECKER, MAKER, appr, award_request, each_backend, month, recognised};
use super::{ACTOR, ts, yuan};

/// A death case of 2025-04-25 (own wage 8,500.00): the spouse's pension is
/// 3,400.00 a month and the child's 2,550.00, both paid by the payroll from
/// 2025-05 to 2026-03. The clock says 2026-06-30.
fn survivors_paid_to_march(app: &gongshang_app::App) -> (String, i64, i64) {
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
    let id = |who: &str| {
        view.benefits
            .iter()
            .find(|b| b.beneficiary == who)
            .unwrap()
            .id
    };
    let (spouse, child) = (id("spouse"), id("dependant-1"));
    let mut m = month("2025-05");
    while m <= month("2026-03") {
        app.run_payroll(&ACTOR, m).unwrap();
        m = m.next();
    }
    (number, spouse, child)
}

fn report(benefit_id: i64, event: MatchRule, on: jiff::civil::Date) -> StopReportInput {
    StopReportInput {
        benefit_id,
        event,
        event_on: on,
        reported_on: None,
        reported_by: Reporter::Relative,
        pension_monthly: None,
        recovery: RecoveryPlan::Refund,
        note: None,
    }
}

/// Decree 765 Art 25: the spouse remarried on 2025-12-10 and a relative told
/// the agency on 2026-02-20, after the 20 working days (due 2026-01-08: the
/// New Year holiday of 1-3 January does not count, Sunday 4 January is
/// worked). The pension ends with 2025-12
/// (paid for the month of the remarriage, not after); 2026-01 to 03 were
/// paid and not owed: 3 × 3,400.00 = 10,200.00, an overpayment to refund
/// (Art 46). The late report waits on the clerk's queue until it is
/// recovered. The child's 18th birthday (2026-02-15) told on 2026-02-20 is in
/// time: the pension ends with 2026-01, 2026-02 and 03 (5,100.00) come back,
/// and nothing waits on the queue for it.
#[test]
fn decree765_art25_a_late_stop_report_ends_the_benefit_recovers_the_months_and_waits_on_the_queue()
{
    each_backend(|app, _| {
        let (number, spouse, child) = survivors_paid_to_march(app);

        // Refused: a day ahead, an event after its report, a worker.
        let mut ahead = report(spouse, MatchRule::Remarriage, date(2025, 12, 10));
        ahead.reported_on = Some(date(2026, 7, 1));
        let e = app.report_stop_event(&MAKER, &number, &ahead).unwrap_err();
        assert_eq!(e.field(), Some("reported_on"), "{e}");
        let mut before = report(spouse, MatchRule::Remarriage, date(2026, 2, 21));
        before.reported_on = Some(date(2026, 2, 20));
        let e = app.report_stop_event(&MAKER, &number, &before).unwrap_err();
        assert_eq!(e.field(), Some("event_on"), "{e}");
        let worker = Actor {
            login: "w".into(),
            role: Role::Worker,
            scope: Scope::All,
        };
        let e = app.report_stop_event(&worker, &number, &ahead).unwrap_err();
        assert_eq!(e.code(), "forbidden");
        // A remarriage does not end the child's pension.
        let e = app
            .report_stop_event(
                &MAKER,
                &number,
                &report(child, MatchRule::Remarriage, date(2025, 12, 10)),
            )
            .unwrap_err();
        assert_eq!(e.code(), "conflict", "{e}");

        let mut late = report(spouse, MatchRule::Remarriage, date(2025, 12, 10));
        late.reported_on = Some(date(2026, 2, 20));
        let r = app.report_stop_event(&MAKER, &number, &late).unwrap();
        assert_eq!(r.report.due_on, date(2026, 1, 8));
        assert!(r.report.late);
        assert_eq!(r.days_late, 43);
        assert_eq!(r.report.last_month, Some(month("2025-12")));
        assert_eq!(r.report.overpaid, yuan("10200.00"));
        assert_eq!(r.report.overpaid_months, 3);
        assert_eq!(r.report.outstanding, Some(yuan("10200.00")));
        assert!(
            r.report.article.contains("第二十五条"),
            "{}",
            r.report.article
        );
        let benefit = app.store().periodic_benefit(spouse).unwrap().unwrap();
        assert_eq!(benefit.end_month, Some(month("2025-12")));
        // The overpayment is the Art 46 one, with its reason.
        let ops = app.overpayments_of_case(&MAKER, &number).unwrap();
        assert_eq!(ops.len(), 1);
        assert_eq!(Some(ops[0].id), r.report.overpayment_id);
        assert!(ops[0].reason.contains("late"), "{}", ops[0].reason);
        // Reported again: the pension already ends.
        let e = app.report_stop_event(&MAKER, &number, &late).unwrap_err();
        assert_eq!(e.code(), "conflict", "{e}");

        let mut in_time = report(child, MatchRule::TurnedEighteen, date(2026, 2, 15));
        in_time.reported_on = Some(date(2026, 2, 20));
        in_time.reported_by = Reporter::Recipient;
        in_time.recovery = RecoveryPlan::Instalments { months: 2 };
        let r2 = app.report_stop_event(&MAKER, &number, &in_time).unwrap();
        assert!(!r2.report.late);
        assert_eq!(r2.days_late, 0);
        assert_eq!(r2.report.last_month, Some(month("2026-01")));
        assert_eq!(r2.report.overpaid, yuan("5100.00"));

        // The clerk's queue names the late one only.
        let queue = app.clerk_queue(&MAKER, None).unwrap();
        assert_eq!(
            queue
                .late_stop_reports
                .iter()
                .map(|r| (r.report.case_number.as_str(), r.report.benefit_id))
                .collect::<Vec<_>>(),
            vec![(number.as_str(), spouse)]
        );
        assert_eq!(app.stop_reports(&CHECKER, &number).unwrap().len(), 2);
        // Refunded: off the queue.
        app.recover_overpayment(&MAKER, r.report.overpayment_id.unwrap(), None)
            .unwrap();
        let queue = app.clerk_queue(&MAKER, None).unwrap();
        assert!(queue.late_stop_reports.is_empty());
        assert_eq!(
            app.stop_reports(&MAKER, &number).unwrap()[0]
                .report
                .outstanding,
            Some(yuan("0.00"))
        );
    });
}

/// Regulations Art 36 with Decree 765 Art 25 (DESIGN.md, "Why does a
/// stop-benefit report end a benefit the unit pays?"): a grade 5 worker
/// whose unit arranged no work draws the unit's monthly allowance (payer:
/// the employer). He died on 2026-03-14 and a relative told the agency on
/// 2026-03-20 (in time): the allowance ends with 2026-03 as the fund's
/// would, with nothing overpaid by the fund (its payroll never paid it),
/// and the case's payers show the unit's line ending with 2026-03. A pension
/// start does not turn it into the Art 35(3) difference (the fund's top-up
/// of its own allowance), and the death reported again ends nothing more.
#[test]
fn regulations_art36_unit_paid_allowance_ends_on_death() {
    use gongshang_domain::appraisal;
    use gongshang_rules::{Item, Money, Payer};
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
        // The report's choice names the unit's benefit too.
        assert!(
            app.stop_report_benefits(&MAKER, &number)
                .unwrap()
                .iter()
                .any(|b| b.id == allowance.id)
        );

        let mut pension = report(allowance.id, MatchRule::PensionStart, date(2026, 3, 1));
        pension.pension_monthly = Some(yuan("3000.00"));
        let e = app
            .report_stop_event(&MAKER, &number, &pension)
            .unwrap_err();
        assert_eq!(e.field(), Some("event"), "{e}");

        let mut death = report(allowance.id, MatchRule::Death, date(2026, 3, 14));
        death.reported_on = Some(date(2026, 3, 20));
        let r = app.report_stop_event(&MAKER, &number, &death).unwrap();
        assert!(!r.report.late);
        assert_eq!(r.report.last_month, Some(month("2026-03")));
        assert_eq!(r.report.overpaid, Money::ZERO);
        assert_eq!(r.report.overpayment_id, None);
        let benefit = app.store().periodic_benefit(allowance.id).unwrap().unwrap();
        assert_eq!(benefit.end_month, Some(month("2026-03")));
        assert_eq!(benefit.end_reason.as_deref(), Some("death"));
        let payers = app.case_payers(&MAKER, &number).unwrap();
        let lines: Vec<_> = payers
            .lines
            .iter()
            .filter(|l| l.item == Item::MonthlyDisabilityAllowance)
            .map(|l| (l.payer, l.until_month))
            .collect();
        assert!(!lines.is_empty());
        assert!(
            lines
                .iter()
                .all(|l| *l == (Payer::Employer, Some(month("2026-03")))),
            "{lines:?}"
        );
        let e = app.report_stop_event(&MAKER, &number, &death).unwrap_err();
        assert_eq!(e.code(), "conflict", "{e}");
    });
}

/// 劳社部令第18号 Art 4(2), 4(4) reported (Decree 765 Art 25): the child
/// was adopted on 2026-01-15 and a relative told the agency on 2026-01-20
/// (in time): the child's pension ends with 2026-01, 2026-02 and 03 (2 ×
/// 2,550.00 = 5,100.00) come back; the spouse took up employment on
/// 2026-03-02, told on 2026-03-05: the pension ends with 2026-03, nothing
/// overpaid, and a later report of the spouse's enlistment ends nothing more.
/// An unknown event is refused at its field.
#[test]
fn order18_art4_2_art4_4_employment_and_adoption_reported_end_a_survivors_pension() {
    each_backend(|app, _| {
        let (number, spouse, child) = survivors_paid_to_march(app);
        let form = gongshang_app::handling::StopReportForm {
            benefit_id: child.to_string(),
            event: "job".into(),
            event_on: "2026-01-15".into(),
            reported_by: "relative".into(),
            recovery: "refund".into(),
            ..Default::default()
        };
        assert_eq!(form.parse().unwrap_err().field(), Some("event"));
        let form = gongshang_app::handling::StopReportForm {
            event: "adoption".into(),
            reported_on: "2026-01-20".into(),
            ..form
        };
        let r = app
            .report_stop_event(&MAKER, &number, &form.parse().unwrap())
            .unwrap();
        assert_eq!(r.report.event, MatchRule::Adoption);
        assert!(!r.report.late);
        assert_eq!(r.report.last_month, Some(month("2026-01")));
        assert_eq!(r.report.overpaid, yuan("5100.00"));
        assert_eq!(r.report.overpaid_months, 2);
        assert!(
            r.report.article.contains("Art 4(4)"),
            "{}",
            r.report.article
        );
        let ended = app.store().periodic_benefit(child).unwrap().unwrap();
        assert_eq!(
            (ended.end_month, ended.end_reason.as_deref()),
            (Some(month("2026-01")), Some("adoption"))
        );

        let mut employed = report(spouse, MatchRule::Employment, date(2026, 3, 2));
        employed.reported_on = Some(date(2026, 3, 5));
        employed.reported_by = Reporter::Recipient;
        let r = app.report_stop_event(&MAKER, &number, &employed).unwrap();
        assert_eq!(r.report.last_month, Some(month("2026-03")));
        assert_eq!(r.report.overpaid, yuan("0.00"));
        assert_eq!(r.report.overpayment_id, None);
        assert!(
            r.report.article.contains("Art 4(2)"),
            "{}",
            r.report.article
        );
        let mut enlisted = report(spouse, MatchRule::Enlistment, date(2026, 4, 1));
        enlisted.reported_on = Some(date(2026, 4, 2));
        let e = app
            .report_stop_event(&MAKER, &number, &enlisted)
            .unwrap_err();
        assert_eq!(e.code(), "conflict", "{e}");
        let listed: Vec<MatchRule> = app
            .stop_reports(&CHECKER, &number)
            .unwrap()
            .iter()
            .map(|r| r.report.event)
            .collect();
        assert_eq!(listed, [MatchRule::Adoption, MatchRule::Employment]);
    });
}

/// Decree 765 Art 10: a unit cancels its registration only once it has
/// settled what it owes. Unit 7 enrolled an intern from 2025-01-01 and
/// declared January (due 2025-02-15, a Saturday, so Monday 2025-02-17)
/// without paying. On 2025-03-20 the cancellation (received Monday
/// 2025-03-03, due 10 working days later on Monday 2025-03-17) is refused
/// for the premium and its late fee; once paid, for the enrolment still
/// running; once that has ended on 2025-02-28, it is recorded, late (20
/// March > 17 March). The unit then takes no enrolment after its last day
/// (2025-03-15) and declares no later month; a second cancellation is a
/// conflict.
mod cancellation {
    use gongshang_app::PaymentRequest;
    use gongshang_app::handling::UnitCancellationForm;
    use gongshang_domain::month::Month;
    use gongshang_rules::scheme::Category;
    use jiff::civil::date;

    use crate::{ACTOR, each_backend, person, request, ts, unit, yuan};

    #[test]
    fn decree765_art10_a_unit_cancels_only_once_it_owes_nothing_and_nothing_runs_on() {
        each_backend(|app, clock| {
            let u = unit(app, 7, "440106");
            let p = person(app, "440106", date(2003, 6, 1), 31);
            let scheme = "guangdong.specific_persons";
            let e = app
                .enroll(
                    &ACTOR,
                    &request(p, Some(u), scheme, Category::Intern, date(2025, 1, 1)),
                )
                .unwrap();
            let bill = app
                .declare_month(
                    &ACTOR,
                    &u,
                    &scheme.parse().unwrap(),
                    Month::parse("2025-01").unwrap(),
                    &[(p, yuan("6000"))],
                )
                .unwrap();
            clock.set(ts("2025-03-20T02:00:00Z"));
            let form = |last_day: &str, reason: &str| UnitCancellationForm {
                last_day: last_day.into(),
                received_on: "2025-03-03".into(),
                reason: reason.into(),
                document: "穗市监注销字〔2025〕第12号".into(),
            };
            let err = form("2025-03-15", " ").parse().unwrap_err();
            assert_eq!(err.field(), Some("reason"), "{err}");
            let after_today = form("2025-03-21", "解散").parse().unwrap();
            let err = app.cancel_unit(&ACTOR, &u, &after_today).unwrap_err();
            assert_eq!(err.field(), Some("last_day"), "{err}");
            let input = form("2025-03-15", "解散").parse().unwrap();

            let err = app.cancel_unit(&ACTOR, &u, &input).unwrap_err();
            assert_eq!(err.code(), "conflict", "{err}");
            assert!(err.to_string().contains("late fees"), "{err}");

            app.record_payment(
                &ACTOR,
                &PaymentRequest {
                    bill_id: bill.bill_id,
                    amount: bill.amount,
                    paid_on: date(2025, 3, 20),
                    idempotency_key: "cancel-pay-1".into(),
                    payer: None,
                },
            )
            .unwrap();
            // Paid in full but late: the late fee of the days it was late is
            // owed as a debt of its own (Social Insurance Law Art 86) until
            // paid.
            let err = app.cancel_unit(&ACTOR, &u, &input).unwrap_err();
            assert_eq!(err.code(), "conflict", "{err}");
            assert!(err.to_string().contains("late fees"), "{err}");
            let owed = app.late_fees_of_unit(&ACTOR, &u).unwrap()[0].owed;
            assert!(owed.fen() > 0);
            app.record_late_fee_payment(
                &ACTOR,
                &gongshang_app::late_fees::LateFeePaymentRequest {
                    bill_id: bill.bill_id,
                    amount: owed,
                    paid_on: date(2025, 3, 20),
                    idempotency_key: "cancel-fee-1".into(),
                },
            )
            .unwrap();
            let err = app.cancel_unit(&ACTOR, &u, &input).unwrap_err();
            assert_eq!(err.code(), "conflict", "{err}");
            assert!(err.to_string().contains("1 enrolments"), "{err}");

            app.end_enrollment(&ACTOR, e.enrollment_id, date(2025, 2, 28))
                .unwrap();
            let done = app.cancel_unit(&ACTOR, &u, &input).unwrap();
            assert_eq!(
                (done.received_on, done.due_on, done.completed_on, done.late),
                (date(2025, 3, 3), date(2025, 3, 17), date(2025, 3, 20), true)
            );
            assert_eq!(
                app.unit_cancellation(&ACTOR, &u)
                    .unwrap()
                    .map(|c| c.last_day),
                Some(date(2025, 3, 15))
            );
            let err = app.cancel_unit(&ACTOR, &u, &input).unwrap_err();
            assert_eq!(err.code(), "conflict", "{err}");

            let q = person(app, "440106", date(2003, 7, 1), 32);
            let err = app
                .enroll(
                    &ACTOR,
                    &request(q, Some(u), scheme, Category::Intern, date(2025, 3, 16)),
                )
                .unwrap_err();
            assert_eq!(err.code(), "conflict", "{err}");
            let err = app
                .declare_month(
                    &ACTOR,
                    &u,
                    &scheme.parse().unwrap(),
                    Month::parse("2025-04").unwrap(),
                    &[(p, yuan("6000"))],
                )
                .unwrap_err();
            assert_eq!(err.code(), "conflict", "{err}");
        });
    }
}

mod registration {
    use gongshang_app::accounts::{Actor, Role, Scope};
    use gongshang_app::handling::RegistrationInput;
    use gongshang_domain::handling::RegistrationKind;
    use gongshang_rules::scheme::Category;
    use jiff::civil::date;

    use crate::{ACTOR, credit, each_backend, person, request, ts, unit};

    fn unit_actor(code: &gongshang_domain::ids::CreditCode) -> Actor {
        Actor {
            login: "unit-7".into(),
            role: Role::Unit,
            scope: Scope::Unit {
                unit: *code,
                platform: None,
            },
        }
    }

    /// Decree 765 Arts 6(2) and 10: the unit applies on Saturday 2025-03-01
    /// to register a person it employs from 2025-02-20; the agency's 10
    /// working days run from that day (not from the employment) and end on
    /// Friday 2025-03-14. The application waits on the clerk's queue with
    /// the unit named; completed on 2025-03-20 with the enrolment made, it is
    /// late. The end applied for on 2025-03-20 is completed the same day,
    /// once the enrolment has its last day: in time.
    #[test]
    fn decree765_art6_art10_registrations_are_completed_within_10_working_days_of_the_application()
    {
        each_backend(|app, clock| {
            let u = unit(app, 7, "440106");
            let p = person(app, "440106", date(2003, 6, 1), 31);
            let own = unit_actor(&u);
            let start = RegistrationInput {
                unit: u,
                person: p,
                kind: RegistrationKind::Start,
                employment_on: date(2025, 2, 20),
                received_on: None,
                enrollment_id: None,
            };
            // A unit cannot date its application back, nor apply for another unit.
            let mut back = start.clone();
            back.received_on = Some(date(2025, 2, 25));
            let e = app.receive_registration(&own, &back).unwrap_err();
            assert_eq!(e.field(), Some("received_on"), "{e}");
            let mut other = start.clone();
            other.unit = credit(8, "440106");
            let e = app.receive_registration(&own, &other).unwrap_err();
            assert_eq!(e.code(), "forbidden", "{e}");

            let received = app.receive_registration(&own, &start).unwrap();
            assert_eq!(received.row.received_on, date(2025, 3, 1));
            assert_eq!(received.row.due_on, date(2025, 3, 14));
            assert_eq!(received.days_left, Some(13));
            assert_eq!(received.row.late, None);
            let e = app.receive_registration(&own, &start).unwrap_err();
            assert_eq!(e.code(), "duplicate", "{e}");

            let queue = app.clerk_queue(&ACTOR, None).unwrap();
            assert_eq!(
                queue
                    .registrations
                    .iter()
                    .map(|r| (r.row.id, r.row.unit_name.as_str(), r.row.unit))
                    .collect::<Vec<_>>(),
                vec![(received.row.id, "单位7", u)]
            );

            clock.set(ts("2025-03-20T02:00:00Z"));
            let e = app
                .complete_registration(&ACTOR, received.row.id, None)
                .unwrap_err();
            assert_eq!(e.field(), Some("enrollment_id"), "{e}");
            let enrolled = app
                .enroll(
                    &ACTOR,
                    &request(
                        p,
                        Some(u),
                        "guangdong.specific_persons",
                        Category::Intern,
                        date(2025, 2, 20),
                    ),
                )
                .unwrap();
            let done = app
                .complete_registration(&ACTOR, received.row.id, Some(enrolled.enrollment_id))
                .unwrap();
            assert_eq!(done.row.completed_on, Some(date(2025, 3, 20)));
            assert_eq!(done.row.late, Some(true));
            assert_eq!(done.days_left, None);
            let e = app
                .complete_registration(&ACTOR, received.row.id, Some(enrolled.enrollment_id))
                .unwrap_err();
            assert_eq!(e.code(), "conflict", "{e}");
            assert!(
                app.clerk_queue(&ACTOR, None)
                    .unwrap()
                    .registrations
                    .is_empty()
            );

            // The end: named at the application, completed once ended.
            let end = RegistrationInput {
                kind: RegistrationKind::End,
                employment_on: date(2025, 3, 19),
                enrollment_id: Some(enrolled.enrollment_id),
                ..start.clone()
            };
            let applied = app.receive_registration(&own, &end).unwrap();
            let e = app
                .complete_registration(&ACTOR, applied.row.id, None)
                .unwrap_err();
            assert_eq!(e.code(), "conflict", "not ended yet: {e}");
            app.end_enrollment(&own, enrolled.enrollment_id, date(2025, 3, 19))
                .unwrap();
            let ended = app
                .complete_registration(&ACTOR, applied.row.id, None)
                .unwrap();
            assert_eq!(ended.row.late, Some(false));
            let mine = app.registrations_of_unit(&own, &u).unwrap();
            assert_eq!(mine.len(), 2);
            assert_eq!(mine[0].row.kind, RegistrationKind::End);
            // A worker reads none.
            let worker = Actor {
                login: "w".into(),
                role: Role::Worker,
                scope: Scope::Person(p),
            };
            let e = app.registrations_of_unit(&worker, &u).unwrap_err();
            assert_eq!(e.code(), "forbidden");
        });
    }
}

/// Decree 765 Art 45(2): the dishonest acts recorded from their sources. A
/// relative's late report left 10,200.00 paid after a remarriage; the
/// officer finds it was concealed on purpose and records the act against
/// the spouse's case's person from that overpayment (Art 55). A hospital
/// whose payments are suspended (Art 43) is recorded from the suspension.
/// Refused: a source that does not exist, a subject the source does not
/// name, an institution not suspended, a worker or an analyst. The record is
/// corrected and withdrawn, never deleted: both changes stay with it.
#[test]
fn decree765_art45_dishonest_acts_are_recorded_from_their_source_and_corrected_never_deleted() {
    use gongshang_app::cases::InstitutionRequest;
    use gongshang_app::handling::{CreditChangeForm, CreditForm};
    use gongshang_domain::handling::{CreditChange, CreditSubjectKind};
    use gongshang_domain::ids::RegionCode;
    use gongshang_domain::medical::{InstitutionCode, ServiceKind};

    each_backend(|app, _| {
        let (number, spouse, _) = survivors_paid_to_march(app);
        let mut late = report(spouse, MatchRule::Remarriage, date(2025, 12, 10));
        late.reported_on = Some(date(2026, 2, 20));
        let r = app.report_stop_event(&MAKER, &number, &late).unwrap();
        let overpayment = r.report.overpayment_id.unwrap().to_string();
        let case = app.case_view(&ACTOR, &number).unwrap().row;
        let person = case.person.as_str().to_owned();
        let form = CreditForm {
            subject_kind: "person".into(),
            subject_key: person.clone(),
            source: "fraud_overpayment".into(),
            source_ref: overpayment.clone(),
            act: "隐瞒配偶再婚继续领取供养亲属抚恤金".into(),
            article: "社会保险经办条例第五十五条".into(),
            acted_on: "2025-12-10".into(),
        };
        // Refused: no such overpayment; a subject it does not name; a worker.
        let mut missing = form.clone();
        missing.source_ref = "999999".into();
        let e = app.record_credit(&CHECKER, &missing).unwrap_err();
        assert_eq!(e.code(), "not_found", "{e}");
        let mut stranger = form.clone();
        stranger.subject_key = super::resident("440106", date(1970, 1, 1), 55)
            .as_str()
            .into();
        let e = app.record_credit(&CHECKER, &stranger).unwrap_err();
        assert_eq!(e.field(), Some("subject_key"), "{e}");
        let worker = Actor {
            login: "w".into(),
            role: Role::Worker,
            scope: Scope::Person(case.person),
        };
        assert_eq!(
            app.record_credit(&worker, &form).unwrap_err().code(),
            "forbidden"
        );

        let rec = app.record_credit(&CHECKER, &form).unwrap();
        assert_eq!(rec.subject_kind, CreditSubjectKind::Person);
        assert_eq!(rec.recorded_by, CHECKER.audit_name());
        assert_eq!(
            app.record_credit(&CHECKER, &form).unwrap_err().code(),
            "duplicate"
        );

        // Corrected, then withdrawn: the first text and both changes stay.
        let corrected = app
            .change_credit(
                &MAKER,
                rec.id,
                &CreditChangeForm {
                    change: "correct".into(),
                    act: "未按期告知配偶再婚，多领供养亲属抚恤金".into(),
                    reason: "复核认定为逾期告知".into(),
                    ..CreditChangeForm::default()
                },
            )
            .unwrap();
        assert_eq!(
            corrected.current_act(),
            "未按期告知配偶再婚，多领供养亲属抚恤金"
        );
        assert_eq!(corrected.act, "隐瞒配偶再婚继续领取供养亲属抚恤金");
        let e = app
            .change_credit(
                &MAKER,
                rec.id,
                &CreditChangeForm {
                    change: "withdraw".into(),
                    ..CreditChangeForm::default()
                },
            )
            .unwrap_err();
        assert_eq!(e.field(), Some("reason"), "{e}");
        let withdrawn = app
            .change_credit(
                &MAKER,
                rec.id,
                &CreditChangeForm {
                    change: "withdraw".into(),
                    reason: "行政复议撤销".into(),
                    ..CreditChangeForm::default()
                },
            )
            .unwrap();
        assert_eq!(withdrawn.changes.len(), 2);
        assert_eq!(
            withdrawn.withdrawn().map(|c| c.change),
            Some(CreditChange::Withdraw)
        );
        let e = app
            .change_credit(
                &MAKER,
                rec.id,
                &CreditChangeForm {
                    change: "correct".into(),
                    act: "x".into(),
                    reason: "y".into(),
                    ..CreditChangeForm::default()
                },
            )
            .unwrap_err();
        assert_eq!(e.code(), "conflict", "{e}");
        let listed = app
            .credit_records(&CHECKER, CreditSubjectKind::Person, &person)
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].withdrawn().is_some());
        let analyst = Actor {
            login: "s".into(),
            role: Role::Analyst,
            scope: Scope::StatisticsOnly,
        };
        assert_eq!(
            app.credit_records(&analyst, CreditSubjectKind::Person, &person)
                .unwrap_err()
                .code(),
            "forbidden"
        );

        // A provider: only once its payments are suspended.
        let mut hospital = InstitutionRequest {
            code: InstitutionCode::parse("GZ-CR1").unwrap(),
            name: "某医院".into(),
            kind: ServiceKind::Medical,
            region: RegionCode::parse("440100").unwrap(),
            agreement_from: date(2025, 1, 1),
            agreement_until: None,
            suspended: None,
        };
        app.register_institution(&MAKER, &hospital).unwrap();
        let provider = CreditForm {
            subject_kind: "institution".into(),
            subject_key: "GZ-CR1".into(),
            source: "provider_suspended".into(),
            source_ref: "GZ-CR1".into(),
            act: "虚构住院天数申报费用".into(),
            article: String::new(),
            acted_on: "2026-05-06".into(),
        };
        let e = app.record_credit(&MAKER, &provider).unwrap_err();
        assert_eq!(e.code(), "conflict", "{e}");
        hospital.suspended = Some("违反服务协议，暂停拨付".into());
        app.update_institution(&MAKER, &hospital).unwrap();
        let rec = app.record_credit(&MAKER, &provider).unwrap();
        assert_eq!(rec.article, gongshang_domain::handling::DECREE_765_ART_45);
        assert_eq!(app.institution_credit_records(&CHECKER).unwrap().len(), 1);
        let mut as_unit = provider.clone();
        as_unit.subject_kind = "unit".into();
        let e = app.record_credit(&MAKER, &as_unit).unwrap_err();
        assert_eq!(e.field(), Some("subject_kind"), "{e}");
    });
}

/// 劳社部令第18号 Art 5: the spouse was taken into prison on 2026-01-20 and
/// the clerk records it on 2026-06-30 from the prison's notice. January is
/// paid; the pension is not paid from 2026-02, and 2026-02 and 03, already
/// paid, come back: 2 × 3,400.00 = 6,800.00 (Decree 765 Art 46). The
/// payroll of 2026-04 pays the child and not the spouse. Released on
/// 2026-05-10: May is still not paid, June is (3,400.00), and a run of
/// April again pays nothing: a paused month is never owed. Refused: a day
/// ahead, no document, a release before the months already recovered, a
/// second sentence over the first, a second release, and a worker.
#[test]
fn order18_art5_a_survivor_in_prison_is_not_paid_and_is_paid_again_after_the_release() {
    use gongshang_app::handling::ImprisonmentInput;
    each_backend(|app, clock| {
        let (number, spouse, child) = survivors_paid_to_march(app);
        let taken_in = |on, document: &str| ImprisonmentInput {
            benefit_id: spouse,
            imprisoned_on: on,
            released_on: None,
            document: document.into(),
            recovery: RecoveryPlan::Refund,
        };
        let e = app
            .record_imprisonment(
                &MAKER,
                &number,
                &taken_in(date(2026, 7, 1), "(2026)某刑初1号"),
            )
            .unwrap_err();
        assert_eq!(e.field(), Some("imprisoned_on"), "{e}");
        let e = app
            .record_imprisonment(&MAKER, &number, &taken_in(date(2026, 1, 20), "  "))
            .unwrap_err();
        assert_eq!(e.field(), Some("document"), "{e}");
        let worker = Actor {
            login: "w".into(),
            role: Role::Worker,
            scope: Scope::All,
        };
        let e = app
            .record_imprisonment(&worker, &number, &taken_in(date(2026, 1, 20), "x"))
            .unwrap_err();
        assert_eq!(e.code(), "forbidden");

        let p = app
            .record_imprisonment(
                &MAKER,
                &number,
                &taken_in(date(2026, 1, 20), "(2026)某刑初1号"),
            )
            .unwrap();
        assert_eq!(p.pause.from, month("2026-02"));
        assert_eq!(p.pause.until, None);
        let ops = app.overpayments_of_case(&MAKER, &number).unwrap();
        assert_eq!(ops.len(), 1);
        assert_eq!(Some(ops[0].id), p.overpayment_id);
        assert_eq!(ops[0].amount, yuan("6800.00"));
        assert!(ops[0].reason.contains("Art 5"), "{}", ops[0].reason);
        // One sentence at a time.
        let e = app
            .record_imprisonment(
                &MAKER,
                &number,
                &taken_in(date(2026, 3, 2), "(2026)某刑初2号"),
            )
            .unwrap_err();
        assert_eq!(e.field(), Some("imprisoned_on"), "{e}");

        app.run_payroll(&ACTOR, month("2026-04")).unwrap();
        let paid_in = |benefit: i64, m: &str| {
            app.store()
                .payroll_lines_of_benefit(benefit)
                .unwrap()
                .into_iter()
                .find(|(pm, _)| *pm == month(m))
                .map(|(_, a)| a)
        };
        assert_eq!(paid_in(spouse, "2026-04"), None);
        assert_eq!(paid_in(child, "2026-04"), Some(yuan("2550.00")));

        // A release in February contradicts March, recovered as not owed.
        let e = app
            .record_release(&MAKER, &number, spouse, date(2026, 2, 10), "释放证明书1号")
            .unwrap_err();
        assert_eq!(e.field(), Some("released_on"), "{e}");
        let e = app
            .record_release(&MAKER, &number, child, date(2026, 5, 10), "释放证明书1号")
            .unwrap_err();
        assert_eq!(e.code(), "conflict", "{e}");
        let r = app
            .record_release(&MAKER, &number, spouse, date(2026, 5, 10), "释放证明书1号")
            .unwrap();
        assert_eq!(r.pause.until, Some(month("2026-05")));
        assert_eq!(r.released_on, Some(date(2026, 5, 10)));
        let e = app
            .record_release(&MAKER, &number, spouse, date(2026, 5, 10), "释放证明书1号")
            .unwrap_err();
        assert_eq!(e.code(), "conflict", "{e}");

        for m in ["2026-05", "2026-06", "2026-04"] {
            app.run_payroll(&ACTOR, month(m)).unwrap();
        }
        assert_eq!(paid_in(spouse, "2026-04"), None);
        assert_eq!(paid_in(spouse, "2026-05"), None);
        assert_eq!(paid_in(spouse, "2026-06"), Some(yuan("3400.00")));

        let pauses = app.benefit_pauses(&CHECKER, &number).unwrap();
        assert_eq!(pauses.len(), 1);
        assert_eq!(pauses[0].release_document.as_deref(), Some("释放证明书1号"));

        // Nothing to verify while nothing is paid: the paused pension leaves
        // the verification queue (Decree 765 Art 26) until the month after
        // the release; the child's stays.
        let due_in = |at: &str| {
            clock.set(ts(at));
            app.verifications_due(&ACTOR)
                .unwrap()
                .due
                .into_iter()
                .map(|d| d.benefit_id)
                .collect::<Vec<_>>()
        };
        let may = due_in("2026-05-15T02:00:00Z");
        assert!(!may.contains(&spouse) && may.contains(&child), "{may:?}");
        // Nor does a projection count it as paid on a day in the pause.
        let (_, summary) = app
            .stored_population(&ACTOR, date(2026, 5, 15), None)
            .unwrap();
        assert_eq!(
            summary
                .benefits_left_out
                .get(&gongshang_app::simulation::LeftOut::Paused),
            Some(&1),
            "{summary:?}"
        );
        let june = due_in("2026-06-15T02:00:00Z");
        assert!(june.contains(&spouse) && june.contains(&child), "{june:?}");
    });
}

/// 广东省工伤保险条例 Art 37: a survivor's pension is drawn on condition of
/// the yearly eligibility verification. The Guangzhou case's pensions are
/// paid to March 2026; on 2026-06-15 (the period 12 months, so verified on
/// or after 2025-06-15 counts) the child's was verified in April, the
/// spouse's never: the spouse's alone is suspended, not paid for June, and
/// paid for June once verified.
#[test]
fn gd_regs_art37_an_unverified_pension_is_suspended_until_verified() {
    each_backend(|app, clock| {
        let (_number, spouse, child) = survivors_paid_to_march(app);
        clock.set(ts("2026-06-15T02:00:00Z"));
        app.record_verification(&ACTOR, child, "self", Some(date(2026, 4, 2)), "本人认证")
            .unwrap();
        let worker = Actor {
            login: "w".into(),
            role: Role::Worker,
            scope: Scope::All,
        };
        assert_eq!(
            app.suspend_unverified(&worker).unwrap_err().code(),
            "forbidden"
        );
        let s = app.suspend_unverified(&MAKER).unwrap();
        let ids: Vec<i64> = s.suspended.iter().map(|d| d.benefit_id).collect();
        assert_eq!(ids, [spouse]);
        assert_eq!(s.on, date(2026, 6, 15));
        assert!(
            app.suspend_unverified(&MAKER).unwrap().suspended.is_empty(),
            "suspended once"
        );
        let queue = app.verifications_due(&ACTOR).unwrap();
        assert_eq!(queue.suspended.get(&spouse), Some(&date(2026, 6, 15)));

        let paid_in = |benefit: i64, m: &str| {
            app.store()
                .payroll_lines_of_benefit(benefit)
                .unwrap()
                .into_iter()
                .find(|(pm, _)| *pm == month(m))
                .map(|(_, a)| a)
        };
        app.run_payroll(&ACTOR, month("2026-06")).unwrap();
        assert_eq!(paid_in(spouse, "2026-06"), None);
        assert!(paid_in(child, "2026-06").is_some());

        app.record_verification(&MAKER, spouse, "self", None, "本人认证（人脸识别）")
            .unwrap();
        let queue = app.verifications_due(&ACTOR).unwrap();
        assert!(!queue.due.iter().any(|d| d.benefit_id == spouse));
        assert!(queue.suspended.is_empty());
        app.run_payroll(&ACTOR, month("2026-06")).unwrap();
        assert!(paid_in(spouse, "2026-06").is_some(), "paid once verified");
    });
}
