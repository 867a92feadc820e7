use gongshang_domain::ledger::Account;
use gongshang_rules::Money;
use gongshang_store::{BillKind, CoverProof, NewCover, NewPayment, PaymentOutcome};

use crate::common::*;

#[test]
fn a_bill_stores_its_declarations_and_posts_its_ledger_transaction() {
    each_backend(|db| {
        let s = &*db.store;
        let e1 = enrolled(s, 1, 1, "guangdong.employees");
        let e2 = enrolled(s, 1, 2, "guangdong.employees");
        let mut bill = monthly_bill("B-2025-03-1", 1, e1, "2025-03", yuan("96.00"));
        let mut second = bill.declarations[0].clone();
        second.enrollment_id = e2;
        bill.declarations.push(second);
        bill.amount = yuan("192.00");
        bill.ledger = bill_ledger("B-2025-03-1", yuan("192.00"));
        let id = s.issue_bill(&bill, ACTOR, now()).unwrap();

        let declared = s.declarations_of_bill(id).unwrap();
        assert_eq!(declared.len(), 2);
        assert_eq!(declared[1].enrollment_id, e2);
        assert_eq!(declared[0].premium, yuan("96.00"));
        assert_eq!(declared[0].rate.to_string(), "0.012");
        let status = s.bill_status(id).unwrap();
        assert_eq!(
            (status.amount, status.paid, status.outstanding),
            (yuan("192.00"), Money::ZERO, yuan("192.00"))
        );
        assert_eq!(
            s.ledger_balances().unwrap(),
            vec![
                (Account::PremiumReceivable, 19_200),
                (Account::PremiumIncome, -19_200)
            ]
        );
        let audit = s.audit_entries("bill", "B-2025-03-1").unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].detail["declarations"], 2);
        assert_eq!(
            s.audit_entries("ledger_transaction", "bill:B-2025-03-1")
                .unwrap()
                .len(),
            1
        );
        assert_eq!(s.bill_status(999).unwrap_err().code(), "not_found");
        let found = s.bill_by_reference("B-2025-03-1").unwrap().unwrap();
        assert_eq!(found, s.bill(found.status.bill_id).unwrap());
        assert_eq!(found.status, s.bill_status(found.status.bill_id).unwrap());
        assert_eq!(
            (found.kind, found.scheme_id.as_str(), found.fiscal_share),
            (BillKind::Monthly, "guangdong.employees", Money::ZERO),
            "{}",
            db.name
        );
        assert_eq!(s.bill_by_reference("B-none").unwrap(), None);
        assert_eq!(s.bill(999).unwrap_err().code(), "not_found");
        assert_balanced(db);
    });
}

#[test]
fn declarations_cannot_be_supplemented_and_a_refused_bill_leaves_nothing() {
    each_backend(|db| {
        let s = &*db.store;
        let e1 = enrolled(s, 1, 1, "guangdong.employees");
        let first = s
            .issue_bill(
                &monthly_bill("B-1", 1, e1, "2025-03", yuan("96.00")),
                ACTOR,
                now(),
            )
            .unwrap();
        let before = s.ledger_balances().unwrap();
        let err = s
            .issue_bill(
                &monthly_bill("B-2", 1, e1, "2025-03", yuan("10.00")),
                ACTOR,
                now(),
            )
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert_eq!(
            err.to_string(),
            format!(
                "declaration for enrollment {e1} in 2025-03: it was already declared on bill {first}; supplementary declarations are not accepted"
            )
        );
        // Nothing of the refused bill: no bill, no ledger transaction, no audit row.
        assert!(s.audit_entries("bill", "B-2").unwrap().is_empty());
        assert!(
            s.audit_entries("ledger_transaction", "bill:B-2")
                .unwrap()
                .is_empty()
        );
        assert_eq!(s.ledger_balances().unwrap(), before);
        assert_eq!(s.arrears(d(2026, 1, 1)).unwrap().len(), 1);
        // Another month is fine; the same reference twice is not.
        s.issue_bill(
            &monthly_bill("B-3", 1, e1, "2025-04", yuan("96.00")),
            ACTOR,
            now(),
        )
        .unwrap();
        let dup = s
            .issue_bill(
                &monthly_bill("B-3", 1, e1, "2025-05", yuan("96.00")),
                ACTOR,
                now(),
            )
            .unwrap_err();
        assert_eq!(dup.code(), "duplicate");
        assert_eq!(dup.to_string(), "bill with reference B-3 already exists");
        let mut wrong = monthly_bill("B-4", 1, e1, "2025-06", yuan("96.00"));
        wrong.amount = yuan("50.00");
        assert_eq!(
            s.issue_bill(&wrong, ACTOR, now()).unwrap_err().code(),
            "invalid"
        );
        assert_balanced(db);
    });
}

fn payment(
    bill_id: i64,
    bill_ref: &str,
    key_text: &str,
    amount: Money,
    cover: Vec<NewCover>,
) -> NewPayment {
    NewPayment {
        bill_id,
        amount,
        paid_on: d(2025, 3, 10),
        idempotency_key: key_text.into(),
        coverage: cover,
        ledger: payment_ledger(key_text, bill_ref, amount),
    }
}

#[test]
fn payments_partial_full_idempotent_and_arrears() {
    each_backend(|db| {
        let s = &*db.store;
        let e1 = enrolled(s, 1, 1, "guangdong.specific_persons");
        let bill = s
            .issue_bill(
                &monthly_bill("B-1", 1, e1, "2025-03", yuan("100.00")),
                ACTOR,
                now(),
            )
            .unwrap();
        assert_eq!(s.arrears(d(2025, 4, 15)).unwrap().len(), 0, "not yet due");
        let late = s.arrears(d(2025, 4, 16)).unwrap();
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].bill_id, bill);
        assert_eq!(late[0].unit, Some(credit(1)));

        let cover = NewCover {
            person: resident(1),
            unit: Some(credit(1)),
            scheme_id: "guangdong.specific_persons".parse().unwrap(),
            enrollment_id: Some(e1),
            basis: gongshang_domain::coverage::CoverKind::MonthPaid,
            start: d(2025, 3, 11),
            end: d(2025, 3, 31),
        };
        let part = payment(bill, "B-1", "pay-1", yuan("40.00"), vec![cover]);
        let first = s.record_payment(&part, ACTOR, now()).unwrap();
        let PaymentOutcome::Recorded(pid) = first else {
            panic!("{first:?}")
        };
        assert_eq!(
            s.record_payment(&part, ACTOR, now()).unwrap(),
            PaymentOutcome::AlreadyRecorded(pid)
        );
        let mut changed = part.clone();
        changed.amount = yuan("41.00");
        changed.ledger = payment_ledger("pay-1", "B-1", yuan("41.00"));
        let err = s.record_payment(&changed, ACTOR, now()).unwrap_err();
        assert_eq!(err.code(), "idempotency_mismatch");
        assert_eq!(
            err.to_string(),
            "payment idempotency key pay-1 was already used for different content"
        );
        let status = s.bill_status(bill).unwrap();
        assert_eq!(
            (status.paid, status.outstanding),
            (yuan("40.00"), yuan("60.00"))
        );
        assert_eq!(s.audit_entries("payment", "pay-1").unwrap().len(), 1);

        let covers = s.coverage_at(&resident(1), d(2025, 3, 20), None).unwrap();
        assert_eq!(covers.len(), 1);
        assert_eq!(covers[0].proof, CoverProof::Payment(pid));
        assert_eq!(covers[0].enrollment_id, Some(e1));
        assert!(
            s.coverage_at(&resident(1), d(2025, 3, 10), None)
                .unwrap()
                .is_empty()
        );

        let too_much = payment(bill, "B-1", "pay-2", yuan("60.01"), vec![]);
        let err = s.record_payment(&too_much, ACTOR, now()).unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(err.to_string().contains("60.00 yuan outstanding"), "{err}");
        assert!(s.audit_entries("payment", "pay-2").unwrap().is_empty());

        let rest = payment(bill, "B-1", "pay-3", yuan("60.00"), vec![]);
        assert!(matches!(
            s.record_payment(&rest, ACTOR, now()).unwrap(),
            PaymentOutcome::Recorded(_)
        ));
        let status = s.bill_status(bill).unwrap();
        assert_eq!(status.outstanding, Money::ZERO);
        assert!(s.arrears(d(2026, 1, 1)).unwrap().is_empty());
        assert_eq!(
            s.ledger_balances().unwrap(),
            vec![
                (Account::PremiumReceivable, 0),
                (Account::Bank, 10_000),
                (Account::PremiumIncome, -10_000)
            ]
        );
        assert_balanced(db);
    });
}

/// Social Insurance Law Art 41 reads a unit's monthly bills due before the
/// accident day with each payment and the day received: the bill of
/// 2025-03 (due 2025-04-15) paid 40.00 then 60.00 on two days, read on
/// 2025-04-16 (due before) and not on 2025-04-15 (due that day); another
/// scheme's bill is not read.
#[test]
fn sil_art_41_a_unit_s_bills_are_read_with_their_dated_payments() {
    each_backend(|db| {
        let s = &*db.store;
        let e1 = enrolled(s, 1, 1, "guangdong.employees");
        let bill = s
            .issue_bill(
                &monthly_bill("B-41", 1, e1, "2025-03", yuan("100.00")),
                ACTOR,
                now(),
            )
            .unwrap();
        let mut first = payment(bill, "B-41", "pay-41-1", yuan("40.00"), Vec::new());
        first.paid_on = d(2025, 4, 20);
        s.record_payment(&first, ACTOR, now()).unwrap();
        let mut second = payment(bill, "B-41", "pay-41-2", yuan("60.00"), Vec::new());
        second.paid_on = d(2025, 3, 10);
        s.record_payment(&second, ACTOR, now()).unwrap();
        let scheme = "guangdong.employees".parse().unwrap();
        assert!(
            s.unit_bills_with_payments(&credit(1), &scheme, d(2025, 4, 15))
                .unwrap()
                .is_empty(),
            "due on the day: not before it"
        );
        let read = s
            .unit_bills_with_payments(&credit(1), &scheme, d(2025, 4, 16))
            .unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].status.bill_id, bill);
        assert_eq!(read[0].status.period, "2025-03");
        let paid: Vec<_> = read[0]
            .payments
            .iter()
            .map(|p| (p.paid_on, p.amount))
            .collect();
        assert_eq!(
            paid,
            vec![
                (d(2025, 3, 10), yuan("60.00")),
                (d(2025, 4, 20), yuan("40.00"))
            ]
        );
        let other = "guangdong.specific_persons".parse().unwrap();
        assert!(
            s.unit_bills_with_payments(&credit(1), &other, d(2025, 4, 16))
                .unwrap()
                .is_empty()
        );
    });
}
