//! The fund's monthly summary (issue 14): every writer of a flow adds to it
//! in its own transaction, and it always equals the flows recomputed from
//! the ledger, reversals included.

use gongshang_domain::ledger::ReasonCode;
use gongshang_store::NewPayment;
use gongshang_store::fund::{FlowKind, FundFlow};

use crate::common::*;

fn flow(month: &str, kind: FlowKind, fen: i64) -> FundFlow {
    FundFlow {
        region: String::new(),
        scheme_id: "guangdong.employees".parse().unwrap(),
        month: month.into(),
        kind,
        payer: "unit".into(),
        item: String::new(),
        amount: gongshang_rules::Money::from_fen(fen),
    }
}

/// Two monthly bills of 96.00 (March and April 2025), a payment of 96.00 on
/// 2025-03-10 against March; then the payment is returned and April's bill
/// cancelled (reversals posted through `Store::post`). By hand, the flows:
/// billed 2025-03 96.00; billed 2025-04 96.00 − 96.00 = 0 (left out);
/// collected 2025-03 96.00 − 96.00 = 0 (left out). The summary says the
/// same as the ledger at every step.
#[test]
fn the_monthly_summary_equals_the_ledger_recomputed_through_reversals() {
    each_backend(|db| {
        let s = &*db.store;
        let same = |when: &str| {
            assert_eq!(
                s.fund_flows("9999-12").unwrap(),
                s.fund_flows_from_ledger("9999-12").unwrap(),
                "{} after {when}",
                db.name
            );
        };
        let e = enrolled(s, 1, 1, "guangdong.employees");
        let march = s
            .issue_bill(
                &monthly_bill("S-03", 1, e, "2025-03", yuan("96.00")),
                ACTOR,
                now(),
            )
            .unwrap();
        let april = monthly_bill("S-04", 1, e, "2025-04", yuan("96.00"));
        s.issue_bill(&april, ACTOR, now()).unwrap();
        same("two bills");
        let payment = NewPayment {
            bill_id: march,
            amount: yuan("96.00"),
            paid_on: d(2025, 3, 10),
            idempotency_key: "S-03-pay".into(),
            coverage: Vec::new(),
            ledger: payment_ledger("S-03-pay", "S-03", yuan("96.00")),
        };
        s.record_payment(&payment, ACTOR, now()).unwrap();
        same("a payment");
        // the region is the unit's; the store test unit has none here
        let region = s.fund_flows("9999-12").unwrap()[0].region.clone();
        let with_region = |mut f: FundFlow| {
            f.region = region.clone();
            f
        };
        assert_eq!(
            s.fund_flows("9999-12").unwrap(),
            vec![
                with_region(flow("2025-03", FlowKind::Billed, 9_600)),
                with_region(flow("2025-03", FlowKind::Collected, 9_600)),
                with_region(flow("2025-04", FlowKind::Billed, 9_600)),
            ]
        );
        assert_eq!(s.fund_flows("2025-03").unwrap().len(), 2, "to March");

        let returned = payment
            .ledger
            .reversal(key("S-03-pay:returned"), ReasonCode::PaymentReturned)
            .unwrap();
        s.post(&returned, ACTOR, now()).unwrap();
        let cancelled = april
            .ledger
            .reversal(key("S-04:cancelled"), ReasonCode::BillCancelled)
            .unwrap();
        s.post(&cancelled, ACTOR, now()).unwrap();
        // posting the same reversal again adds nothing
        s.post(&cancelled, ACTOR, now()).unwrap();
        same("two reversals");
        assert_eq!(
            s.fund_flows("9999-12").unwrap(),
            vec![with_region(flow("2025-03", FlowKind::Billed, 9_600))]
        );
        assert!(s.rebuild_fund_summary().unwrap() >= 1);
        same("a rebuild");
        assert_balanced(db);
    });
}
