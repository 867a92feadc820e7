//! The fund's advance payment (Social Insurance Law Arts 41-42, Order No.
//! 15; migration 0270), on both backends: the steps once each and in
//! order, the payment and each recovery posted with the fund's summary, the
//! recovered never above the advanced, a recovery once per key.

use gongshang_domain::case::Flow;
use gongshang_domain::ledger;
use gongshang_rules::Money;
use gongshang_rules::advance::{Debtor, Ground};
use gongshang_store::Store;
use gongshang_store::advances::{
    Applicant, NewAdvance, NewAdvanceRecovery, NewAdvanceStep, StepKind,
};
use gongshang_store::cases::{CaseAppend, CaseSnapshot, NewCase, NewCaseEvent};
use gongshang_store::fund::FlowKind;
use jiff::civil::date;

use crate::common::*;

fn case(store: &dyn Store) -> i64 {
    store
        .create_case(
            &NewCase {
                number: None,
                flow: Flow::Determination,
                person: resident(7),
                unit: Some(credit(1)),
                scheme_id: "guangdong.employees".parse().unwrap(),
                jurisdiction: "guangdong".into(),
                region: Some("440106".into()),
                accident_key: "acc-advance".into(),
                accident_date: date(2026, 2, 1),
                platform: None,
            },
            &CaseAppend {
                expected_version: 0,
                events: vec![NewCaseEvent {
                    stream: "determination".parse().unwrap(),
                    kind: "filed".into(),
                    format: 1,
                    on: date(2026, 2, 3),
                    body: r#"{"event":"filed","on":"2026-02-03"}"#.into(),
                }],
                snapshot: CaseSnapshot {
                    state: "completeness_review".parse().unwrap(),
                    closed: false,
                    deadline: None,
                },
                recognises: None,
                conclusions: Vec::new(),
            },
            ACTOR,
            now(),
        )
        .unwrap()
        .id
}

fn step(kind: StepKind, amount: Option<i64>) -> NewAdvanceStep {
    NewAdvanceStep {
        kind,
        on_day: date(2026, 6, 10),
        due_on: None,
        amount: amount.map(Money::from_fen),
        basis: "[]".into(),
        monthly: vec![],
    }
}

fn recovery(n: u32, fen: i64) -> (NewAdvanceRecovery, ledger::Transaction) {
    let k = format!("advrec:1:{n}");
    (
        NewAdvanceRecovery {
            debtor: Debtor::Unit,
            received_on: date(2026, 7, 1),
            amount: Money::from_fen(fen),
            document: format!("收据 {n}"),
        },
        ledger::advance_recovered(key(&k), reference("advance-1"), Money::from_fen(fen)).unwrap(),
    )
}

/// SIL Art 41 and Order 15 Arts 7-8, 13: an advance of 60,000.00 paid on
/// 2026-06-10, then repaid 20,000.00 and 40,000.00 by the unit on
/// 2026-07-01; a third repayment of 0.01 is refused (60,000.00 − 20,000.00 −
/// 40,000.00 = 0.00 owed). The fund's flows: benefit `advance_payment`
/// 60,000.00 in 2026-06, recovered from the unit 60,000.00 in 2026-07.
#[test]
fn sil_41_an_advance_is_paid_once_and_recovered_up_to_what_was_advanced() {
    each_backend(|db| {
        let s = &*db.store;
        s.create_unit(&new_unit(1), ACTOR, now()).unwrap();
        let case_id = case(s);
        let a = s
            .record_advance(
                &NewAdvance {
                    case_id,
                    ground: Ground::EmployerUnpaid,
                    applicant: Applicant::Worker,
                    applicant_name: "张三".into(),
                    circumstance: "refused".into(),
                    third_party: None,
                    applied_on: date(2026, 6, 1),
                    documents: "认定决定书".into(),
                },
                ACTOR,
                now(),
            )
            .unwrap();
        // Paid before granted: refused.
        let paid = ledger::advance_paid(
            key("advance:1:paid"),
            reference("advance-1"),
            Money::from_fen(6_000_000),
        )
        .unwrap();
        assert_eq!(
            s.record_advance_step(
                a.id,
                &step(StepKind::Paid, Some(6_000_000)),
                Some(&paid),
                ACTOR,
                now()
            )
            .unwrap_err()
            .code(),
            "conflict"
        );
        s.record_advance_step(a.id, &step(StepKind::Demanded, None), None, ACTOR, now())
            .unwrap();
        s.record_advance_step(
            a.id,
            &step(StepKind::Granted, Some(6_000_000)),
            None,
            ACTOR,
            now(),
        )
        .unwrap();
        // Decided once: neither refused nor a second notice after.
        for kind in [StepKind::Refused, StepKind::Demanded, StepKind::Granted] {
            assert_eq!(
                s.record_advance_step(a.id, &step(kind, None), None, ACTOR, now())
                    .unwrap_err()
                    .code(),
                "conflict",
                "{kind:?} on {}",
                db.name
            );
        }
        let row = s
            .record_advance_step(
                a.id,
                &step(StepKind::Paid, Some(6_000_000)),
                Some(&paid),
                ACTOR,
                now(),
            )
            .unwrap();
        assert_eq!(row.advanced(), Money::from_fen(6_000_000));
        let (r1, t1) = recovery(1, 2_000_000);
        assert!(
            s.record_advance_recovery(a.id, &r1, &t1, ACTOR, now())
                .unwrap()
                .recorded_now
        );
        // The same repayment again: the stored one, nothing posted twice.
        assert!(
            !s.record_advance_recovery(a.id, &r1, &t1, ACTOR, now())
                .unwrap()
                .recorded_now
        );
        let (r2, t2) = recovery(2, 4_000_000);
        s.record_advance_recovery(a.id, &r2, &t2, ACTOR, now())
            .unwrap();
        let (r3, t3) = recovery(3, 1);
        let err = s
            .record_advance_recovery(a.id, &r3, &t3, ACTOR, now())
            .unwrap_err();
        assert_eq!(err.code(), "invalid", "{} {err}", db.name);
        let row = s.advance(a.id).unwrap();
        assert_eq!(row.recovered(), Money::from_fen(6_000_000));
        assert_eq!(s.advances_of_unit(credit(1).as_str()).unwrap().len(), 1);
        let flows = s.fund_flows("9999-12").unwrap();
        assert_eq!(
            flows,
            s.fund_flows_from_ledger("9999-12").unwrap(),
            "{}",
            db.name
        );
        let sum = |kind: FlowKind, month: &str| {
            flows
                .iter()
                .filter(|f| f.kind == kind && f.month == month)
                .map(|f| f.amount.fen())
                .sum::<i64>()
        };
        assert_eq!(sum(FlowKind::BenefitPaid, "2026-06"), 6_000_000);
        assert_eq!(sum(FlowKind::Recovered, "2026-07"), 6_000_000);
        assert!(
            db.raw_execute("DELETE FROM fund_advance_recoveries")
                .is_err(),
            "append-only on {}",
            db.name
        );
        assert_balanced(db);
    });
}
