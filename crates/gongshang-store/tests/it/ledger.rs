use gongshang_domain::ledger::{self, Account, ReasonCode};
use gongshang_store::Posted;

use crate::common::*;

#[test]
fn posts_are_idempotent_and_reversals_happen_once() {
    each_backend(|db| {
        let s = &*db.store;
        let award =
            ledger::benefit_award_approved(key("award:1"), reference("award-1"), yuan("100.00"))
                .unwrap();
        assert_eq!(s.post(&award, ACTOR, now()).unwrap(), Posted::Posted);
        assert_eq!(s.post(&award, ACTOR, now()).unwrap(), Posted::AlreadyPosted);
        let other =
            ledger::benefit_award_approved(key("award:1"), reference("award-1"), yuan("100.01"))
                .unwrap();
        let err = s.post(&other, ACTOR, now()).unwrap_err();
        assert_eq!(err.code(), "idempotency_mismatch");
        assert!(err.to_string().contains("award:1"), "{err}");

        let paid = ledger::benefit_paid(
            key("paid:1"),
            reference("p-1"),
            reference("award-1"),
            yuan("100.00"),
        )
        .unwrap();
        s.post(&paid, ACTOR, now()).unwrap();
        let reversal = paid
            .reversal(key("paid:1:returned"), ReasonCode::PaymentReturned)
            .unwrap();
        assert_eq!(s.post(&reversal, ACTOR, now()).unwrap(), Posted::Posted);
        assert_eq!(
            s.post(&reversal, ACTOR, now()).unwrap(),
            Posted::AlreadyPosted
        );
        let twice = paid
            .reversal(key("paid:1:again"), ReasonCode::EntryCorrected)
            .unwrap();
        let err = s.post(&twice, ACTOR, now()).unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(
            err.to_string().contains("already reversed by")
                && err.to_string().contains("paid:1:returned"),
            "{err}"
        );

        let never = ledger::benefit_paid(
            key("paid:2"),
            reference("p-2"),
            reference("award-1"),
            yuan("1.00"),
        )
        .unwrap();
        let orphan = never
            .reversal(key("paid:2:returned"), ReasonCode::PaymentReturned)
            .unwrap();
        let err = s.post(&orphan, ACTOR, now()).unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(err.to_string().contains("not recorded"), "{err}");

        let balances = s.ledger_balances().unwrap();
        assert_eq!(
            balances,
            vec![
                (Account::Bank, 0),
                (Account::BenefitsExpense, 10_000),
                (Account::BenefitsPayable, -10_000),
            ]
        );
        let audit = s.audit_entries("ledger_transaction", "award:1").unwrap();
        assert_eq!(audit.len(), 1, "only the first post is a change");
        assert_balanced(db);
    });
}

#[test]
fn ledger_and_audit_tables_refuse_update_and_delete() {
    each_backend(|db| {
        let s = &*db.store;
        let award =
            ledger::benefit_award_approved(key("award:1"), reference("award-1"), yuan("5.00"))
                .unwrap();
        s.post(&award, ACTOR, now()).unwrap();
        for sql in [
            "UPDATE ledger_postings SET amount_fen = 1",
            "DELETE FROM ledger_postings",
            "UPDATE ledger_transactions SET reason = 'x'",
            "DELETE FROM ledger_transactions",
        ] {
            let err = db.raw_execute(sql).unwrap_err();
            assert!(err.contains("append-only"), "{}: {sql}: {err}", db.name);
        }
        let err = db
            .raw_execute("UPDATE audit_log SET actor = 'x'")
            .unwrap_err();
        assert!(err.contains("append-only"), "{}: {err}", db.name);
        assert_eq!(
            s.ledger_balances().unwrap(),
            vec![
                (Account::BenefitsExpense, 500),
                (Account::BenefitsPayable, -500)
            ]
        );
        assert_balanced(db);
    });
}

/// Decree 765 Art 9: life events are stored once per (person, kind, day,
/// source) and never changed or deleted (migration 0130).
#[test]
fn decree765_art9_life_events_are_stored_once_and_append_only() {
    use gongshang_domain::life_events::LifeEventKind;
    use gongshang_store::cases::NewLifeEvent;
    each_backend(|db| {
        let s = &*db.store;
        let death = NewLifeEvent {
            resident_id: resident(1),
            kind: LifeEventKind::Death,
            on: jiff::civil::date(2026, 1, 3),
            source: "public security".into(),
            pension_monthly: None,
        };
        assert_eq!(
            s.add_life_events(std::slice::from_ref(&death), ACTOR, now())
                .unwrap(),
            (1, 0)
        );
        let other_source = NewLifeEvent {
            source: "civil affairs".into(),
            ..death.clone()
        };
        assert_eq!(
            s.add_life_events(&[death, other_source], ACTOR, now())
                .unwrap(),
            (1, 1)
        );
        // PostgreSQL spends an id on the row already there: ids may have gaps.
        let last = s.last_life_event_id().unwrap();
        assert_eq!(s.life_events_between(0, last).unwrap().len(), 2);
        assert!(s.life_events_between(last, last + 10).unwrap().is_empty());
        for sql in [
            "UPDATE life_events SET source = 'x'",
            "DELETE FROM life_events",
        ] {
            let err = db.raw_execute(sql).unwrap_err();
            assert!(err.contains("append-only"), "{}: {sql}: {err}", db.name);
        }
    });
}
