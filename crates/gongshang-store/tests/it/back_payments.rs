//! Back-payments of a unit that had not insured its workers (Regulations
//! Art 62(3), migration 0220), on both backends.

use gongshang_domain::ledger::{self, Transaction};
use gongshang_rules::Money;
use gongshang_store::NewBackPayment;
use gongshang_store::fund::FlowKind;

use crate::common::*;

fn back_payment(n: u32) -> NewBackPayment {
    NewBackPayment {
        unit: credit(n),
        scheme_id: "national.employees".parse().unwrap(),
        period_from: d(2025, 9, 1),
        period_until: d(2026, 2, 28),
        settled_on: d(2026, 5, 20),
        premiums: Money::from_fen(1_234_500),
        late_fees: Money::from_fen(98_760),
        document: "补缴通知书 2026-17".into(),
    }
}

/// The back-payment's transaction, keyed by unit, scheme and first day.
fn posting(b: &NewBackPayment) -> Transaction {
    let k = format!("bp:{}:{}:{}", b.unit.as_str(), b.scheme_id, b.period_from);
    ledger::back_payment_received(key(&k), reference(&k), b.premiums, b.late_fees).unwrap()
}

#[test]
fn art62_3_a_back_payment_is_kept_once_with_who_recorded_it_and_never_changed() {
    each_backend(|db| {
        let s = &*db.store;
        s.create_unit(&new_unit(1), ACTOR, now()).unwrap();
        let row = s
            .record_back_payment(&back_payment(1), &posting(&back_payment(1)), ACTOR, now())
            .unwrap();
        assert_eq!(row.settled_on, d(2026, 5, 20));
        assert_eq!(row.premiums, Money::from_fen(1_234_500));
        assert_eq!(row.late_fees, Money::from_fen(98_760));
        assert_eq!(row.recorded_by, ACTOR);
        assert_eq!(
            s.back_payments_of_unit(&credit(1)).unwrap(),
            vec![row.clone()]
        );
        assert!(s.back_payments_of_unit(&credit(2)).unwrap().is_empty());
        assert_eq!(
            s.record_back_payment(&back_payment(1), &posting(&back_payment(1)), ACTOR, now())
                .unwrap_err()
                .code(),
            "duplicate",
            "{}",
            db.name
        );
        assert_eq!(
            s.record_back_payment(&back_payment(9), &posting(&back_payment(9)), ACTOR, now())
                .unwrap_err()
                .code(),
            "not_found"
        );
        // Settled before the period ended: refused by the table.
        let mut early = back_payment(1);
        early.period_from = d(2025, 10, 1);
        early.settled_on = d(2026, 1, 1);
        assert!(
            s.record_back_payment(&early, &posting(&early), ACTOR, now())
                .is_err()
        );
        assert!(
            s.audit_entries("unit", credit(1).as_str())
                .unwrap()
                .iter()
                .any(|e| e.action == "record_back_payment")
        );
        assert!(
            db.raw_execute("UPDATE back_payments SET settled_on = '2026-01-01'")
                .is_err(),
            "append-only on {}",
            db.name
        );
        assert!(db.raw_execute("DELETE FROM back_payments").is_err());
    });
}

/// Regulations Art 62(1): the back-payment's premiums 12,345.00 and late
/// fees 987.60 are the fund's income in the month settled (2026-05): billed
/// 12,345.00 and collected 12,345.00 from the unit, late fees 987.60; the
/// bank is up 13,332.60 (= 12,345.00 + 987.60). The summary equals the
/// ledger recomputed, and the ledger balances.
#[test]
fn art62_1_a_back_payment_s_premiums_and_late_fees_are_the_fund_s_income() {
    each_backend(|db| {
        let s = &*db.store;
        s.create_unit(&new_unit(1), ACTOR, now()).unwrap();
        let b = back_payment(1);
        s.record_back_payment(&b, &posting(&b), ACTOR, now())
            .unwrap();
        let flows = s.fund_flows("9999-12").unwrap();
        assert_eq!(
            flows,
            s.fund_flows_from_ledger("9999-12").unwrap(),
            "{}",
            db.name
        );
        let amount = |kind: FlowKind| {
            flows
                .iter()
                .filter(|f| f.kind == kind && f.month == "2026-05" && f.payer == "unit")
                .map(|f| f.amount.fen())
                .sum::<i64>()
        };
        assert_eq!(amount(FlowKind::Billed), 1_234_500);
        assert_eq!(amount(FlowKind::Collected), 1_234_500);
        assert_eq!(amount(FlowKind::LateFee), 98_760);
        assert_eq!(s.rebuild_fund_summary().map(|_| ()).ok(), Some(()));
        assert_eq!(s.fund_flows("9999-12").unwrap(), flows);
        assert_balanced(db);
    });
}
