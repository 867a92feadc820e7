//! Cases as an event log with a snapshot row, optimistic concurrency, the
//! accident recognised once, awards with maker-checker, one-time payments
//! once, and the payroll paying a (benefit, month) once with its ledger
//! transaction.

use gongshang_domain::ids::IdempotencyKey;
use gongshang_domain::ledger::{self, Account};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_store::Posted;
use gongshang_store::Store;
use gongshang_store::StoreError;
use gongshang_store::cases::{
    AwardApproval, AwardItemRow, CaseAppend, CaseSnapshot, ConclusionRow, NewAward,
    NewBenefitAmount, NewCase, NewCaseEvent, NewIndexation, NewOneTimePayment, NewPeriodicBenefit,
    PayrollTotals, StoredDeadline,
};
use jiff::civil::date;

use gongshang_domain::case::{AwardStatus, CaseState, Flow};
use gongshang_domain::deadline::DeadlineKind;
use gongshang_rules::award::Periodicity;
use gongshang_rules::{Item, Payer};

use crate::common::*;

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

/// An enum of the rules engine by its serde name.
fn named<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_value(serde_json::Value::String(text.into())).unwrap()
}

fn event(stream: &str, kind: &str, on: jiff::civil::Date) -> NewCaseEvent {
    NewCaseEvent {
        stream: stream.parse().unwrap(),
        kind: kind.into(),
        format: 1,
        on,
        body: format!(r#"{{"event":"{kind}","on":"{on}"}}"#),
    }
}

fn append(version: i64, events: Vec<NewCaseEvent>, state: &str, due: Option<&str>) -> CaseAppend {
    CaseAppend {
        expected_version: version,
        events,
        snapshot: CaseSnapshot {
            state: state.parse().unwrap(),
            closed: false,
            deadline: due.map(|d| StoredDeadline {
                kind: DeadlineKind::Decision,
                due: d.parse().unwrap(),
                article: "条例 Art 20(1)".into(),
            }),
        },
        recognises: None,
        conclusions: Vec::new(),
    }
}

fn new_case(n: u32, number: Option<&str>) -> NewCase {
    NewCase {
        number: number.map(str::to_owned),
        flow: Flow::Determination,
        person: resident(n),
        unit: Some(credit(1)),
        scheme_id: "guangdong.employees".parse().unwrap(),
        jurisdiction: "guangdong".into(),
        region: Some("440106".into()),
        accident_key: format!("acc-{n}"),
        accident_date: date(2025, 3, 10),
        platform: None,
    }
}

fn filed(store: &dyn Store, n: u32, due: &str) -> i64 {
    store
        .create_case(
            &new_case(n, None),
            &append(
                0,
                vec![event("determination", "filed", date(2025, 3, 12))],
                "completeness_review",
                Some(due),
            ),
            ACTOR,
            now(),
        )
        .unwrap()
        .id
}

fn benefit(case_id: i64, who: &str, item: &str, start: &str, fen: i64) -> NewPeriodicBenefit {
    NewPeriodicBenefit {
        case_id,
        award_id: None,
        beneficiary: who.into(),
        item: named(item),
        payer: Payer::Fund,
        start_month: month(start),
        end_month: None,
        end_reason: None,
        end_condition: None,
        monthly: Money::from_fen(fen),
    }
}

fn posting(run_id: i64, totals: &PayrollTotals) -> Result<Option<ledger::Transaction>, StoreError> {
    if totals.total == Money::ZERO {
        return Ok(None);
    }
    let k = format!("payroll-test-r{run_id}");
    Ok(Some(
        ledger::periodic_benefits_paid(key(&k), reference(&k), totals.total).unwrap(),
    ))
}

#[test]
fn a_case_is_an_event_log_with_a_snapshot_row_and_appends_at_a_version() {
    each_backend(|db| {
        let s = &*db.store;
        let case = s
            .create_case(
                &new_case(1, None),
                &append(
                    0,
                    vec![event("determination", "filed", date(2025, 3, 12))],
                    "completeness_review",
                    Some("2025-03-27"),
                ),
                ACTOR,
                now(),
            )
            .unwrap();
        assert_eq!(case.number, format!("GS2025-{:06}", case.id));
        assert_eq!(case.version, 1);
        assert_eq!(case.state, CaseState::CompletenessReview);
        let row = s
            .append_case_events(
                case.id,
                &append(
                    1,
                    vec![
                        event("determination", "accepted", date(2025, 3, 20)),
                        event("determination", "investigation_started", date(2025, 3, 20)),
                    ],
                    "accepted",
                    Some("2025-05-19"),
                ),
                "clerk-2",
                now(),
            )
            .unwrap();
        assert_eq!(row.version, 3);
        assert_eq!(row.deadline.as_ref().unwrap().due, date(2025, 5, 19));
        // A second append decided on version 1 is refused, and writes nothing.
        let err = s
            .append_case_events(
                case.id,
                &append(
                    1,
                    vec![event("determination", "withdrawn", date(2025, 3, 21))],
                    "withdrawn",
                    None,
                ),
                ACTOR,
                now(),
            )
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(err.to_string().contains("version 1"), "{err}");
        let events = s.case_events(case.id).unwrap();
        assert_eq!(
            events
                .iter()
                .map(|e| (e.seq, e.kind.as_str()))
                .collect::<Vec<_>>(),
            vec![(1, "filed"), (2, "accepted"), (3, "investigation_started")]
        );
        assert_eq!(events[1].actor, "clerk-2");
        assert_eq!(s.case_by_number(&case.number).unwrap().unwrap().version, 3);
        assert_eq!(s.audit_entries("case", &case.number).unwrap().len(), 3);
        // The log is append-only.
        assert!(db.raw_execute("UPDATE case_events SET kind = 'x'").is_err());
        assert!(db.raw_execute("DELETE FROM case_events").is_err());
    });
}

#[test]
fn the_same_accident_is_recognised_once_and_nothing_else_of_the_append_lands() {
    each_backend(|db| {
        let s = &*db.store;
        let a = filed(s, 1, "2025-03-27");
        let mut b_case = new_case(1, Some("B-1"));
        b_case.accident_key = "acc-1".into();
        let b = s
            .create_case(
                &b_case,
                &append(
                    0,
                    vec![event("determination", "filed", date(2025, 3, 12))],
                    "completeness_review",
                    None,
                ),
                ACTOR,
                now(),
            )
            .unwrap()
            .id;
        let mut decided = append(
            1,
            vec![event("determination", "decided", date(2025, 4, 1))],
            "decided",
            None,
        );
        decided.recognises = Some(("acc-1".into(), date(2025, 4, 1)));
        s.append_case_events(a, &decided, ACTOR, now()).unwrap();
        let err = s.append_case_events(b, &decided, ACTOR, now()).unwrap_err();
        assert_eq!(err.code(), "duplicate");
        assert_eq!(s.case_by_id(b).unwrap().unwrap().version, 1);
        assert_eq!(s.case_events(b).unwrap().len(), 1);
        let number_a = s.case_by_id(a).unwrap().unwrap().number;
        assert_eq!(s.accident_recognised_in("acc-1").unwrap(), Some(number_a));
        assert_eq!(s.accident_recognised_in("acc-2").unwrap(), None);
    });
}

#[test]
fn the_queue_lists_open_cases_by_due_date_and_appraisals_keep_their_history() {
    each_backend(|db| {
        let s = &*db.store;
        let late = filed(s, 1, "2025-04-30");
        let early = filed(s, 2, "2025-02-10");
        filed(s, 3, "2025-03-15");
        let queue = s.case_queue(10).unwrap();
        assert_eq!(
            queue.iter().map(|c| c.id).collect::<Vec<_>>()[..],
            [early, queue[1].id, late]
        );
        let mut closed = append(
            1,
            vec![event("determination", "withdrawn", date(2025, 3, 13))],
            "withdrawn",
            None,
        );
        closed.snapshot.closed = true;
        s.append_case_events(early, &closed, ACTOR, now()).unwrap();
        assert_eq!(s.case_queue(10).unwrap().len(), 2);

        let mut concluded = append(
            1,
            vec![event("appraisal", "concluded", date(2025, 9, 1))],
            "appraised",
            None,
        );
        concluded.conclusions = vec![ConclusionRow {
            number: 1,
            kind: "initial".into(),
            level: "city".into(),
            applied_on: date(2025, 7, 1),
            concluded_on: date(2025, 9, 1),
            grade: Some(7),
            nursing: None,
            late_by_days: 2,
            reappraisal_of: None,
        }];
        s.append_case_events(late, &concluded, ACTOR, now())
            .unwrap();
        let mut again = append(
            2,
            vec![event("appraisal", "concluded", date(2025, 11, 1))],
            "appraised",
            None,
        );
        again.conclusions = vec![ConclusionRow {
            number: 2,
            kind: "reappraisal".into(),
            level: "provincial".into(),
            applied_on: date(2025, 9, 10),
            concluded_on: date(2025, 11, 1),
            grade: Some(5),
            nursing: Some("partly".into()),
            late_by_days: 0,
            reappraisal_of: Some(1),
        }];
        s.append_case_events(late, &again, ACTOR, now()).unwrap();
        let history = s.appraisal_history(late).unwrap();
        assert_eq!(
            history
                .iter()
                .map(|c| (c.number, c.grade))
                .collect::<Vec<_>>(),
            vec![(1, Some(7)), (2, Some(5))]
        );
        assert_eq!(history[1].nursing.as_deref(), Some("partly"));
    });
}

fn award(case_id: i64, one_time: i64, monthly: i64) -> NewAward {
    NewAward {
        case_id,
        basis: "initial".parse().unwrap(),
        legal_date: date(2025, 3, 10),
        scheme_id: "guangdong.employees".parse().unwrap(),
        jurisdiction: "guangdong".into(),
        items: vec![
            AwardItemRow {
                item: Item::OneTimeDisabilitySubsidy,
                periodicity: Periodicity::OneTime,
                payer: Payer::Fund,
                beneficiary: "worker".into(),
                amount: Money::from_fen(one_time),
                citation: "条例 Art 35".into(),
            },
            AwardItemRow {
                item: Item::MonthlyDisabilityAllowance,
                periodicity: Periodicity::Monthly,
                payer: Payer::Fund,
                beneficiary: "worker".into(),
                amount: Money::from_fen(monthly),
                citation: "条例 Art 35".into(),
            },
        ],
        input: "{}".into(),
        trace: r#"{"steps":[]}"#.into(),
    }
}

#[test]
fn an_award_is_approved_by_a_second_person_and_supersedes_the_last_one() {
    each_backend(|db| {
        let s = &*db.store;
        let case = filed(s, 1, "2025-03-27");
        let first = s
            .create_award(&award(case, 100_000, 5_000), "maker", now())
            .unwrap();
        let shown = s.award(first).unwrap().unwrap();
        assert_eq!(
            (shown.one_time.fen(), shown.monthly.fen()),
            (100_000, 5_000)
        );
        assert_eq!(shown.items.len(), 2);
        assert_eq!(shown.status, AwardStatus::Proposed);

        let err = s
            .approve_award(first, &AwardApproval::default(), "maker", now())
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(err.to_string().contains("maker-checker"), "{err}");

        let tx1 = ledger::benefit_award_approved(
            key("award-1"),
            reference("award-1"),
            Money::from_fen(100_000),
        )
        .unwrap();
        let approval = AwardApproval {
            ledger: vec![tx1.clone()],
            ledger_key: Some("award-1".into()),
            new_benefits: vec![NewPeriodicBenefit {
                award_id: Some(first),
                ..benefit(
                    case,
                    "worker",
                    "monthly_disability_allowance",
                    "2025-10",
                    5_000,
                )
            }],
            ..AwardApproval::default()
        };
        let approved = s.approve_award(first, &approval, "checker", now()).unwrap();
        assert_eq!(approved.status, AwardStatus::Approved);
        assert_eq!(approved.checked_by.as_deref(), Some("checker"));
        assert_eq!(s.periodic_benefits_of_case(case).unwrap().len(), 1);
        let err = s
            .approve_award(first, &approval, "checker", now())
            .unwrap_err();
        assert_eq!(err.code(), "conflict");

        let second = s
            .create_award(&award(case, 120_000, 6_000), "maker", now())
            .unwrap();
        let tx2 = ledger::benefit_award_approved(
            key("award-2"),
            reference("award-2"),
            Money::from_fen(120_000),
        )
        .unwrap();
        let benefit_id = s.periodic_benefits_of_case(case).unwrap()[0].id;
        let approval = AwardApproval {
            ledger: vec![
                tx1.reversal(key("award-1-revised"), ledger::ReasonCode::AwardRevised)
                    .unwrap(),
                tx2,
            ],
            ledger_key: Some("award-2".into()),
            amounts: vec![NewBenefitAmount {
                benefit_id,
                from_month: month("2025-12"),
                amount: Money::from_fen(6_000),
                reason: "award 2".into(),
            }],
            ..AwardApproval::default()
        };
        let approved = s
            .approve_award(second, &approval, "checker", now())
            .unwrap();
        assert_eq!(approved.supersedes, Some(first));
        assert_eq!(
            s.award(first).unwrap().unwrap().status,
            AwardStatus::Superseded
        );
        let balances = s.ledger_balances().unwrap();
        assert!(
            balances.contains(&(Account::BenefitsPayable, -120_000)),
            "{balances:?}"
        );
        let amounts = &s.periodic_benefit(benefit_id).unwrap().unwrap().amounts;
        assert_eq!(amounts.len(), 2);
        assert_balanced(db);
    });
}

#[test]
fn a_one_time_payment_is_recorded_once_with_its_ledger_transaction() {
    each_backend(|db| {
        let s = &*db.store;
        let case = filed(s, 1, "2025-03-27");
        let a = s
            .create_award(&award(case, 100_000, 0), "maker", now())
            .unwrap();
        let tx = ledger::benefit_award_approved(
            key("award-a"),
            reference("award-a"),
            Money::from_fen(100_000),
        )
        .unwrap();
        s.approve_award(
            a,
            &AwardApproval {
                ledger: vec![tx],
                ..Default::default()
            },
            "checker",
            now(),
        )
        .unwrap();
        let pay = NewOneTimePayment {
            case_id: case,
            award_id: a,
            item: Item::OneTimeDisabilitySubsidy,
            beneficiary: "worker".into(),
            amount: Money::from_fen(100_000),
            paid_on: date(2025, 11, 1),
            idempotency_key: "pay-1".into(),
        };
        let ptx = ledger::benefit_paid(
            key("pay-1"),
            reference("pay-1"),
            reference("award-a"),
            Money::from_fen(100_000),
        )
        .unwrap();
        assert_eq!(
            s.record_one_time_payment(&pay, &ptx, ACTOR, now()).unwrap(),
            Posted::Posted
        );
        assert_eq!(
            s.record_one_time_payment(&pay, &ptx, ACTOR, now()).unwrap(),
            Posted::AlreadyPosted
        );
        let other = NewOneTimePayment {
            amount: Money::from_fen(1),
            ..pay.clone()
        };
        assert_eq!(
            s.record_one_time_payment(&other, &ptx, ACTOR, now())
                .unwrap_err()
                .code(),
            "idempotency_mismatch"
        );
        assert_eq!(s.one_time_payments(case).unwrap().len(), 1);
        let balances = s.ledger_balances().unwrap();
        assert!(
            balances.contains(&(Account::BenefitsPayable, 0)),
            "{balances:?}"
        );
        assert_balanced(db);
    });
}

#[test]
fn the_payroll_pays_each_benefit_and_month_once_at_the_amount_in_force() {
    each_backend(|db| {
        let s = &*db.store;
        let case = filed(s, 1, "2025-03-27");
        let mut ended = benefit(
            case,
            "dependant-1",
            "monthly_survivor_pensions",
            "2025-01",
            1_000,
        );
        ended.end_month = Some(month("2025-02"));
        let n = s
            .create_periodic_benefits(
                &[
                    benefit(
                        case,
                        "worker",
                        "monthly_disability_allowance",
                        "2025-01",
                        300_000,
                    ),
                    benefit(case, "worker", "monthly_living_care", "2025-04", 150_000),
                    ended,
                    // Paid by the employer, never by the fund's payroll.
                    NewPeriodicBenefit {
                        payer: Payer::Employer,
                        ..benefit(
                            case,
                            "dependant-2",
                            "monthly_survivor_pensions",
                            "2025-01",
                            99,
                        )
                    },
                ],
                ACTOR,
                now(),
            )
            .unwrap();
        assert_eq!(n, 4);
        let ids: Vec<i64> = s
            .periodic_benefits_of_case(case)
            .unwrap()
            .iter()
            .map(|b| b.id)
            .collect();

        let march = s
            .run_payroll(month("2025-03"), &posting, ACTOR, now())
            .unwrap();
        assert_eq!(
            (march.run_no, march.lines, march.total.fen()),
            (1, 1, 300_000)
        );
        let again = s
            .run_payroll(month("2025-03"), &posting, ACTOR, now())
            .unwrap();
        assert_eq!((again.run_no, again.lines, again.total.fen()), (2, 0, 0));
        assert_eq!(again.ledger_key, None);

        // Indexation from April; a month already paid cannot change.
        let err = s
            .add_benefit_amounts(
                &[NewBenefitAmount {
                    benefit_id: ids[0],
                    from_month: month("2025-03"),
                    amount: Money::from_fen(1),
                    reason: "x".into(),
                }],
                None,
                ACTOR,
                now(),
            )
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        s.add_benefit_amounts(
            &[NewBenefitAmount {
                benefit_id: ids[0],
                from_month: month("2025-04"),
                amount: Money::from_fen(309_000),
                reason: "3%".into(),
            }],
            Some(&NewIndexation {
                from_month: month("2025-04"),
                item: None,
                kind: "percentage".into(),
                value: "3%".into(),
                instrument: "test notice".into(),
            }),
            ACTOR,
            now(),
        )
        .unwrap();
        s.set_benefit_suspended(ids[1], true, "whereabouts unknown", ACTOR, now())
            .unwrap();
        let april = s
            .run_payroll(month("2025-04"), &posting, ACTOR, now())
            .unwrap();
        assert_eq!((april.lines, april.total.fen()), (1, 309_000));
        s.set_benefit_suspended(ids[1], false, "found", ACTOR, now())
            .unwrap();
        let april2 = s
            .run_payroll(month("2025-04"), &posting, ACTOR, now())
            .unwrap();
        assert_eq!((april2.lines, april2.total.fen()), (1, 150_000));
        assert_eq!(
            april2.by_item,
            vec![(Item::MonthlyLivingCare, 1, Money::from_fen(150_000))]
        );

        // Ending before a month paid is refused; after it, the next month pays nothing.
        assert_eq!(
            s.end_benefit(ids[0], month("2025-03"), "death", ACTOR, now())
                .unwrap_err()
                .code(),
            "conflict"
        );
        s.end_benefit(ids[0], month("2025-04"), "death", ACTOR, now())
            .unwrap();
        let may = s
            .run_payroll(month("2025-05"), &posting, ACTOR, now())
            .unwrap();
        assert_eq!((may.lines, may.total.fen()), (1, 150_000));
        assert_eq!(
            s.payroll_lines_of_benefit(ids[0]).unwrap(),
            vec![
                (month("2025-03"), Money::from_fen(300_000)),
                (month("2025-04"), Money::from_fen(309_000))
            ]
        );
        assert_eq!(s.payroll_runs(month("2025-04")).unwrap().len(), 2);
        let balances = s.ledger_balances().unwrap();
        assert!(
            balances.contains(&(Account::Bank, -909_000)),
            "{balances:?}"
        );
        assert!(db.raw_execute("DELETE FROM payroll_lines").is_err());
        assert_balanced(db);
    });
}

#[test]
fn a_payroll_run_whose_posting_fails_pays_nothing() {
    each_backend(|db| {
        let s = &*db.store;
        let case = filed(s, 1, "2025-03-27");
        s.create_periodic_benefits(
            &[benefit(
                case,
                "worker",
                "monthly_living_care",
                "2025-01",
                100,
            )],
            ACTOR,
            now(),
        )
        .unwrap();
        let failing =
            |_: i64, _: &PayrollTotals| -> Result<Option<ledger::Transaction>, StoreError> {
                Err(StoreError::InvalidData {
                    field: "payroll",
                    reason: "test".into(),
                })
            };
        assert!(
            s.run_payroll(month("2025-01"), &failing, ACTOR, now())
                .is_err()
        );
        assert!(s.payroll_runs(month("2025-01")).unwrap().is_empty());
        let ok = s
            .run_payroll(month("2025-01"), &posting, ACTOR, now())
            .unwrap();
        assert_eq!((ok.run_no, ok.lines), (1, 1));
        let _ = IdempotencyKey::parse("x").unwrap();
        assert_balanced(db);
    });
}

// ---- issue 13: what agency staff work from ----------------------------------

#[test]
fn a_checker_returns_an_award_with_a_reason_and_the_maker_cannot() {
    each_backend(|db| {
        let s = &*db.store;
        let case = filed(s, 1, "2025-03-27");
        let id = s
            .create_award(&award(case, 100_000, 5_000), "maker", now())
            .unwrap();
        assert_eq!(s.awards_awaiting_review(50).unwrap().len(), 1);
        let err = s.return_award(id, "  ", "checker", now()).unwrap_err();
        assert_eq!(err.code(), "invalid", "{err}");
        let err = s
            .return_award(id, "wrong wage", "maker", now())
            .unwrap_err();
        assert_eq!(err.code(), "conflict", "{err}");
        let back = s
            .return_award(
                id,
                "the wage is the month's, not the year's",
                "checker",
                now(),
            )
            .unwrap();
        assert_eq!(back.returned_by, "checker");
        assert_eq!(s.award(id).unwrap().unwrap().status, AwardStatus::Withdrawn);
        assert!(s.awards_awaiting_review(50).unwrap().is_empty());
        let returns = s.award_returns(case).unwrap();
        assert_eq!(returns.len(), 1);
        assert_eq!(returns[0].reason, "the wage is the month's, not the year's");
        // Once only, and never an approved one.
        let err = s.return_award(id, "again", "checker", now()).unwrap_err();
        assert_eq!(err.code(), "conflict", "{err}");
        // The audit log has it, found by a search.
        let found = s
            .search_audit(&gongshang_store::cases::AuditQuery {
                search: Some("return_award".into()),
                before_id: None,
                limit: 10,
            })
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].entity_id, id.to_string());
    });
}

#[test]
fn the_work_queue_lists_open_cases_by_due_date_and_finds_them_by_number() {
    use gongshang_store::cases::WorkQueueQuery;
    each_backend(|db| {
        let s = &*db.store;
        filed(s, 1, "2025-04-20");
        filed(s, 2, "2025-03-27");
        let all = s
            .work_queue_rows(&WorkQueueQuery {
                limit: 10,
                ..WorkQueueQuery::default()
            })
            .unwrap();
        let dues: Vec<_> = all.iter().map(|r| r.deadline.as_ref().unwrap().1).collect();
        assert_eq!(dues, vec![date(2025, 3, 27), date(2025, 4, 20)]);
        let due_by = s
            .work_queue_rows(&WorkQueueQuery {
                due_by: Some(date(2025, 4, 1)),
                limit: 10,
                ..WorkQueueQuery::default()
            })
            .unwrap();
        assert_eq!(due_by.len(), 1);
        let number = all[1].number.clone();
        let found = s
            .work_queue_rows(&WorkQueueQuery {
                search: Some(number.clone()),
                limit: 10,
                ..WorkQueueQuery::default()
            })
            .unwrap();
        assert_eq!(
            found.iter().map(|r| &r.number).collect::<Vec<_>>(),
            vec![&number]
        );
    });
}

// ---- issue 17: recusals (Regulations Art 20(4)) -------------------------------

#[test]
fn regs_art20_4_a_recusal_is_kept_once_with_its_reason_and_never_changed() {
    each_backend(|db| {
        let s = &*db.store;
        let case = filed(s, 1, "2025-03-27");
        let err = s
            .record_recusal(case, "clerk-2", "  ", "clerk:clerk-2", now())
            .unwrap_err();
        assert_eq!(err.code(), "invalid", "{err}");
        let err = s
            .record_recusal(case, " ", "a relative", "clerk:clerk-2", now())
            .unwrap_err();
        assert_eq!(err.code(), "invalid", "{err}");
        let err = s
            .record_recusal(999_999, "clerk-2", "a relative", "clerk:clerk-2", now())
            .unwrap_err();
        assert_eq!(err.code(), "not_found", "{err}");
        assert!(s.recusals_of_case(case).unwrap().is_empty());
        let r = s
            .record_recusal(
                case,
                "clerk-2",
                "the injured worker is my brother-in-law",
                "clerk:clerk-2",
                now(),
            )
            .unwrap();
        assert_eq!(r.official, "clerk-2");
        // Once per official and case.
        let err = s
            .record_recusal(case, "clerk-2", "again", "administrator:boss", now())
            .unwrap_err();
        assert_eq!(err.code(), "conflict", "{err}");
        let kept = s.recusals_of_case(case).unwrap();
        assert_eq!(kept, vec![r]);
        // Another case is untouched.
        let other = filed(s, 2, "2025-03-27");
        assert!(s.recusals_of_case(other).unwrap().is_empty());
        // The audit log has it; the table refuses change.
        assert_eq!(
            s.audit_entries("case", &case.to_string())
                .unwrap()
                .iter()
                .filter(|e| e.action == "record_recusal")
                .count(),
            1
        );
        for sql in [
            "UPDATE case_recusals SET reason = 'x'",
            "DELETE FROM case_recusals",
        ] {
            let err = db.raw_execute(sql).unwrap_err();
            assert!(err.contains("append-only"), "{}: {sql}: {err}", db.name);
        }
    });
}
// ---- issue 12: overpayments recovered (Decree 765 Art 46) -------------------

/// Decree 765 Art 46: an overpayment is stored with its schedule and ledger
/// transaction, each instalment is recovered once and in order, a refused
/// change leaves nothing behind, and the rows cannot be rewritten.
#[test]
fn decree765_art46_an_overpayment_is_recovered_instalment_by_instalment_once() {
    use gongshang_store::recovery::{NewOverpayment, RecoveryMethod};
    each_backend(|db| {
        let s = &*db.store;
        let case = filed(s, 1, "2025-03-27");
        s.create_periodic_benefits(
            &[benefit(
                case,
                "spouse",
                "monthly_survivor_pensions",
                "2025-01",
                340_000,
            )],
            ACTOR,
            now(),
        )
        .unwrap();
        let b = s.periodic_benefits_of_case(case).unwrap()[0].id;
        let found = |amount: &str| {
            ledger::overpayment_found(key("overpay:OP-t-1"), reference("OP-t-1"), yuan(amount))
                .unwrap()
        };
        let op = NewOverpayment {
            reference: "OP-t-1".into(),
            case_id: case,
            benefit_id: Some(b),
            one_time_payment_id: None,
            offset_benefit_id: None,
            amount: yuan("1000.00"),
            reason: "remarried".into(),
            method: RecoveryMethod::Instalments,
            basis: serde_json::json!({}),
            schedule: vec![
                (month("2025-08"), yuan("500.00")),
                (month("2025-09"), yuan("500.00")),
            ],
        };
        // A schedule that does not add up is refused, and nothing is posted.
        let mut short = op.clone();
        short.schedule.pop();
        let err = s
            .record_overpayment(&short, &found("1000.00"), ACTOR, now())
            .unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert_eq!(s.overpayment_count_of_benefit(b).unwrap(), 0);
        let stored = s
            .record_overpayment(&op, &found("1000.00"), ACTOR, now())
            .unwrap();
        assert_eq!(stored.outstanding(), yuan("1000.00"));
        let back = |seq: u32| {
            ledger::overpayment_recovered(
                key(&format!("recover:OP-t-1:{seq}")),
                reference("OP-t-1"),
                yuan("500.00"),
            )
            .unwrap()
        };
        // The second before the first: a conflict, nothing posted.
        let err = s
            .record_recovery(stored.id, 2, date(2025, 8, 20), &back(2), ACTOR, now())
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        s.record_recovery(stored.id, 1, date(2025, 8, 20), &back(1), ACTOR, now())
            .unwrap();
        let err = s
            .record_recovery(stored.id, 1, date(2025, 8, 21), &back(1), ACTOR, now())
            .unwrap_err();
        assert_eq!(err.code(), "duplicate");
        let done = s
            .record_recovery(stored.id, 2, date(2025, 9, 20), &back(2), ACTOR, now())
            .unwrap();
        assert_eq!(done.outstanding(), Money::ZERO);
        assert_eq!(s.overpayments_of_case(case).unwrap(), vec![done]);
        // Receivable found and recovered: its balance is nothing again.
        // and the bank got 1,000.00 back.
        let balances = s.ledger_balances().unwrap();
        assert!(
            balances.contains(&(Account::OverpaymentReceivable, 0))
                && balances.contains(&(Account::Bank, 100_000)),
            "{balances:?}"
        );
        for sql in [
            "UPDATE overpayments SET amount_fen = 1",
            "UPDATE overpayment_instalments SET amount_fen = 1",
            "UPDATE overpayment_recoveries SET recovered_on = '2025-01-01'",
        ] {
            assert!(db.raw_execute(sql).is_err(), "{sql}");
        }
        assert_balanced(db);
    });
}

/// Migration 0233 (Order No. 55 Art 31 with Decree 765 Art 46): an
/// overpayment names a periodic benefit or a one-time payment, exactly one
/// (refused otherwise, nothing posted). On SQLite the table is rebuilt by
/// the 12-step ALTER with foreign keys off: run again over stored
/// overpayments, their schedules and recoveries keep pointing at them, no
/// reference is broken, and the rebuilt table still refuses UPDATE.
#[test]
fn order55_art31_decree765_art46_an_overpayment_names_a_benefit_or_a_one_time_payment() {
    use gongshang_store::recovery::{NewOverpayment, RecoveryMethod};
    each_backend(|db| {
        let s = &*db.store;
        let case = filed(s, 1, "2025-03-27");
        s.create_periodic_benefits(
            &[benefit(
                case,
                "spouse",
                "monthly_survivor_pensions",
                "2025-01",
                340_000,
            )],
            ACTOR,
            now(),
        )
        .unwrap();
        let b = s.periodic_benefits_of_case(case).unwrap()[0].id;
        let found = |r: &str| {
            ledger::overpayment_found(key(&format!("overpay:{r}")), reference(r), yuan("100.00"))
                .unwrap()
        };
        let op = NewOverpayment {
            reference: "OP-m-1".into(),
            case_id: case,
            benefit_id: Some(b),
            one_time_payment_id: Some(1),
            offset_benefit_id: None,
            amount: yuan("100.00"),
            reason: "both".into(),
            method: RecoveryMethod::Refund,
            basis: serde_json::json!({}),
            schedule: vec![(month("2025-08"), yuan("100.00"))],
        };
        let err = s
            .record_overpayment(&op, &found("OP-m-1"), ACTOR, now())
            .unwrap_err();
        assert_eq!(err.code(), "invalid", "{err}");
        let neither = NewOverpayment {
            benefit_id: None,
            one_time_payment_id: None,
            ..op.clone()
        };
        assert!(
            s.record_overpayment(&neither, &found("OP-m-1"), ACTOR, now())
                .is_err()
        );
        let stored = s
            .record_overpayment(
                &NewOverpayment {
                    one_time_payment_id: None,
                    ..op.clone()
                },
                &found("OP-m-1"),
                ACTOR,
                now(),
            )
            .unwrap();
        let back = ledger::overpayment_recovered(
            key("recover:OP-m-1:1"),
            reference("OP-m-1"),
            yuan("100.00"),
        )
        .unwrap();
        s.record_recovery(stored.id, 1, date(2025, 8, 20), &back, ACTOR, now())
            .unwrap();
        let before = s.overpayments_of_case(case).unwrap();
        if let super::common::Location::Sqlite(path) = &db.location {
            db.raw_execute("DELETE FROM schema_migrations WHERE version = 233")
                .unwrap();
            let again = db.reopen();
            assert_eq!(again.overpayments_of_case(case).unwrap(), before);
            let conn = rusqlite::Connection::open(path).unwrap();
            let broken: i64 = conn
                .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(broken, 0);
            let applied: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM schema_migrations WHERE version = 233",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(applied, 1);
        }
        assert!(
            db.raw_execute("UPDATE overpayments SET amount_fen = 1")
                .is_err()
        );
        assert_balanced(db);
    });
}

/// Order No. 55 Art 31: a revision is recorded once, then applied in one
/// transaction. An application that fails at its last step (the overpayment
/// does not match its ledger transaction) leaves nothing: not the case's
/// event, not the ending of the benefit, not the application row; the same
/// application made right lands whole, once, and never by its maker.
#[test]
fn order55_art31_a_revision_is_applied_whole_or_not_at_all() {
    use gongshang_store::cases::{
        NewRevision, RevisionApplication, RevisionKind, RevisionRecovery, RevisionStatus,
    };
    use gongshang_store::recovery::{NewOverpayment, RecoveryMethod};
    each_backend(|db| {
        let s = &*db.store;
        let case = filed(s, 1, "2025-03-27");
        s.create_periodic_benefits(
            &[benefit(
                case,
                "worker",
                "monthly_disability_allowance",
                "2025-11",
                680_000,
            )],
            ACTOR,
            now(),
        )
        .unwrap();
        let b = s.periodic_benefits_of_case(case).unwrap()[0].id;
        let rev = s
            .record_revision(
                &NewRevision {
                    case_id: case,
                    kind: RevisionKind::Revoke,
                    conclusion: 1,
                    grade: None,
                    nursing: None,
                    reason: "forged records".into(),
                    decision_no: "穗劳鉴撤〔2026〕1号".into(),
                    decided_on: date(2026, 5, 20),
                    recovery: RevisionRecovery::Refund,
                },
                "clerk-1",
                now(),
            )
            .unwrap();
        assert_eq!(rev.reference, format!("REV-{case}-1"));
        assert_eq!(rev.status(), RevisionStatus::Recorded);
        let version = s.case_by_id(case).unwrap().unwrap().version;
        let op = |amount: &str| {
            (
                NewOverpayment {
                    reference: format!("OP-{b}-1"),
                    case_id: case,
                    benefit_id: Some(b),
                    one_time_payment_id: None,
                    offset_benefit_id: None,
                    amount: yuan("6800.00"),
                    reason: "Order No. 55 Art 31".into(),
                    method: RecoveryMethod::Refund,
                    basis: serde_json::json!({}),
                    schedule: vec![(month("2026-07"), yuan("6800.00"))],
                },
                ledger::overpayment_found(
                    key(&format!("overpay:OP-{b}-1")),
                    reference(&format!("OP-{b}-1")),
                    yuan(amount),
                )
                .unwrap(),
            )
        };
        let application = |amount: &str| RevisionApplication {
            append: append(
                version,
                vec![event("appraisal", "revoked", date(2026, 6, 30))],
                "completeness_review",
                Some("2025-03-27"),
            ),
            supersede_award: None,
            new_award: None,
            endings: vec![(b, month("2025-11"), "revoked".into())],
            overpayments: vec![op(amount)],
            underpaid: None,
            overpaid_total: yuan("6800.00"),
            underpaid_total: Money::ZERO,
            basis: serde_json::json!({}),
        };
        // 6,800.00 recorded against a ledger transaction of 6,799.99: refused
        // at the last step, and nothing before it stays.
        let err = s
            .apply_revision(rev.id, &application("6799.99"), "reviewer-1", now())
            .unwrap_err();
        assert_eq!(err.code(), "invalid", "{err}");
        assert_eq!(s.case_by_id(case).unwrap().unwrap().version, version);
        assert_eq!(s.periodic_benefit(b).unwrap().unwrap().end_month, None);
        assert!(s.overpayments_of_case(case).unwrap().is_empty());
        assert_eq!(
            s.revision(rev.id).unwrap().unwrap().status(),
            RevisionStatus::Recorded
        );
        // Its maker does not apply it.
        let err = s
            .apply_revision(rev.id, &application("6800.00"), "clerk-1", now())
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        let applied = s
            .apply_revision(rev.id, &application("6800.00"), "reviewer-1", now())
            .unwrap();
        assert_eq!(applied.status(), RevisionStatus::Applied);
        assert_eq!(applied.applied.as_ref().unwrap().overpaid, yuan("6800.00"));
        assert_eq!(s.case_by_id(case).unwrap().unwrap().version, version + 1);
        assert_eq!(
            s.periodic_benefit(b).unwrap().unwrap().end_month,
            Some(month("2025-11"))
        );
        assert_eq!(s.overpayments_of_case(case).unwrap().len(), 1);
        let err = s
            .apply_revision(rev.id, &application("6800.00"), "reviewer-1", now())
            .unwrap_err();
        assert_eq!(err.code(), "duplicate");
        assert_eq!(s.revisions_of_case(case).unwrap().len(), 1);
    });
}
