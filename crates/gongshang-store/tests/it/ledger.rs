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
