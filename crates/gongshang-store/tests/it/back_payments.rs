//! Back-payments of a unit that had not insured its workers (Regulations
//! Art 62(3), migration 0220), on both backends.

use gongshang_rules::Money;
use gongshang_store::NewBackPayment;

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

#[test]
fn art62_3_a_back_payment_is_kept_once_with_who_recorded_it_and_never_changed() {
    each_backend(|db| {
        let s = &*db.store;
        s.create_unit(&new_unit(1), ACTOR, now()).unwrap();
        let row = s
            .record_back_payment(&back_payment(1), ACTOR, now())
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
            s.record_back_payment(&back_payment(1), ACTOR, now())
                .unwrap_err()
                .code(),
            "duplicate",
            "{}",
            db.name
        );
        assert_eq!(
            s.record_back_payment(&back_payment(9), ACTOR, now())
                .unwrap_err()
                .code(),
            "not_found"
        );
        // Settled before the period ended: refused by the table.
        let mut early = back_payment(1);
        early.period_from = d(2025, 10, 1);
        early.settled_on = d(2026, 1, 1);
        assert!(s.record_back_payment(&early, ACTOR, now()).is_err());
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
