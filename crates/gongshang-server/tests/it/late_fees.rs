//! Social Insurance Law Art 86 and Regulations Art 62(1) over HTTP and on
//! the unit's page: a bill paid late owes the late fee on what the payment
//! settled, from the day after the due date to the day received; the unit
//! reads it, the clerk records its payment (never more than owed, the same
//! key once). Today (API) is 2025-07-01; the demo's is 2026-06-30.

use serde_json::json;

use crate::api_common::{each_backend, req};
use crate::common::{get, location, post, sign_in};

/// 0.05% a day for `days` on `fen`, rounded half away from zero.
fn fee_by_hand(fen: i64, days: i64) -> i64 {
    (fen * 5 * days + 5_000) / 10_000
}

#[test]
fn social_insurance_law_art_86_the_api_assesses_the_fee_of_a_late_payment_and_records_its_payment()
{
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let a = f.unit_a.as_str();
        let bill = s.send(req("GET", format!("/api/v1/bills/{}", f.bill_a)).bearer(clerk));
        assert_eq!(bill.status, 200, "{}", bill.body);
        let amount_fen = bill.json()["amount_fen"].as_i64().unwrap();
        let due = bill.json()["due_date"].as_str().unwrap().to_owned();
        // March 2025 paid in full on 2025-07-01, long after its due date
        let amount = format!("{}.{:02}", amount_fen / 100, amount_fen % 100);
        let r = s.send(
            req("POST", "/api/v1/payments")
                .bearer(clerk)
                .header("Idempotency-Key", "late-a")
                .json(&json!({"bill_id": f.bill_a, "amount": amount, "paid_on": "2025-07-01"})),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let path = format!("/api/v1/late-fees?unit={a}");
        let r = s.send(req("GET", &path).bearer(s.token("unit_a")));
        assert_eq!(r.status, 200, "{}", r.body);
        let list = r.json();
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        let fees = &list[0];
        assert_eq!(fees["bill_id"], f.bill_a);
        assert_eq!(fees["due_date"], due.as_str());
        let assessed = &fees["assessments"][0];
        let days = assessed["days"].as_i64().unwrap();
        let due: jiff::civil::Date = due.parse().unwrap();
        assert_eq!(
            days,
            i64::from((jiff::civil::date(2025, 7, 1) - due).get_days())
        );
        let owed = fee_by_hand(amount_fen, days);
        assert_eq!(assessed["late_fee_fen"], owed);
        assert_eq!(assessed["settled_fen"], amount_fen);
        assert_eq!(assessed["daily_rate"], "0.0005");
        assert!(assessed["basis"].as_str().unwrap().contains("Art 86"));
        assert_eq!(
            (fees["owed_fen"].as_i64(), fees["paid_fen"].as_i64()),
            (Some(owed), Some(0))
        );
        // another unit does not see it; only staff list every unit's
        let r = s.send(req("GET", &path).bearer(s.token("unit_b")));
        assert_eq!(r.status, 404, "{}", r.body);
        let r = s.send(req("GET", "/api/v1/late-fees").bearer(s.token("unit_a")));
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(req("GET", "/api/v1/late-fees").bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json().as_array().unwrap().len(), 1);

        let yuan = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
        let pay = |who: &str, key: &str, amount: &str| {
            s.send(
                req("POST", "/api/v1/late-fee-payments")
                    .bearer(s.token(who))
                    .header("Idempotency-Key", key)
                    .json(&json!({"bill_id": f.bill_a, "amount": amount, "paid_on": "2025-07-01"})),
            )
        };
        let r = pay("unit_a", "fee-1", &yuan(owed));
        assert_eq!(r.status, 403, "{}", r.body);
        let r = pay("clerk", "fee-0", &yuan(owed + 1));
        assert_eq!((r.status, r.code()), (409, "conflict".into()), "{}", r.body);
        let r = pay("clerk", "fee-1", &yuan(owed));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["fees"]["owed_fen"], 0);
        assert_eq!(r.json()["already_recorded"], false);
        let replay = pay("clerk", "fee-1", &yuan(owed));
        assert_eq!((replay.status, replay.json()), (201, r.json()));
        let r = s.send(req("GET", "/api/v1/late-fees").bearer(clerk));
        assert!(r.json().as_array().unwrap().is_empty(), "{}", r.body);
    });
}

/// The demo's enterprise paid its first month a month late: the clerk sees
/// the fee on the unit's page, a refused amount is shown at its field, and
/// the payment recorded leaves nothing owed; the unit sees it, without the
/// form.
#[test]
fn social_insurance_law_art_86_the_clerk_sees_the_late_fee_on_the_unit_s_page_and_records_its_payment()
 {
    let clerk = sign_in("clerk");
    let unit = sign_in("unit");
    let mine = location(&get("/units/mine", &unit));
    let own = get(&mine, &unit).body;
    assert!(own.contains("id=\"late-fees\""), "{own}");
    assert!(
        !own.contains("data-action=\"pay_late_fee\""),
        "a unit does not record it"
    );
    let page = get(&format!("{mine}?lang=en"), &clerk).body;
    assert!(page.contains("Late fees"), "{page}");
    assert!(page.contains("data-action=\"pay_late_fee\""), "{page}");
    let field = |page: &str, name: &str| -> String {
        page.split(&format!("name=\"{name}\" "))
            .nth(1)
            .and_then(|s| s.split("value=\"").nth(1))
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("no {name} in {page}"))
            .to_owned()
    };
    let bill_id = field(&page, "bill_id");
    let key = field(&page, "idempotency_key");
    let owed = page
        .split("name=\"amount\"")
        .nth(1)
        .and_then(|s| s.split("value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("the amount owed, filled in")
        .to_owned();
    let send = |amount: &str| {
        post(
            &format!("{mine}/late-fees"),
            &clerk,
            &[
                ("bill_id", &bill_id),
                ("idempotency_key", &key),
                ("amount", amount),
                ("paid_on", "2026-06-29"),
            ],
        )
    };
    let r = send("abc");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"amount-error\""), "{}", r.body);
    let r = send(&owed);
    assert_eq!(location(&r), format!("{mine}#late-fees"));
    let page = get(&mine, &clerk).body;
    assert!(
        !page.contains(&format!("id=\"late-fee-form-{bill_id}\"")),
        "nothing left to pay on the bill: {page}"
    );
}
