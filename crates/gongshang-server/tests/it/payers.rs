//! Regulations Art 62(2)-(3) over HTTP, on SQLite and PostgreSQL: a unit's
//! back-payment recorded by a clerk (never by the unit), refused with its
//! field, read back by the unit; a case's payers; and the pages: the case
//! page's `#payers` and the clerk's form at `/cases/{number}/payers`, whose
//! refusal keeps what was typed and shows under its field. Today (API) is
//! 2025-07-01.

use serde_json::json;

use crate::api_common::{each_backend, req};
use crate::flows::recognised_case;

#[test]
fn art62_3_the_api_records_a_back_payment_and_answers_who_pays() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let a = f.unit_a.as_str();
        let number = "GS-2025-A62";
        recognised_case(s, number, a, f.person_1.as_str());

        let path = format!("/api/v1/units/{a}/back-payments");
        let body = json!({
            "scheme_id": "guangdong.employees", "period_from": "2024-01-01",
            "period_until": "2024-12-31", "settled_on": "2025-06-15",
            "premiums": "3600.00", "late_fees": "220.00", "document": "穗社保补缴 2025-0042"
        });
        let r = s.send(req("POST", &path).bearer(s.token("unit_a")).json(&body));
        assert_eq!(r.status, 403, "{}", r.body);
        let mut ahead = body.clone();
        ahead["settled_on"] = json!("2025-07-02");
        let r = s.send(req("POST", &path).bearer(clerk).json(&ahead));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("settled_on".into())),
            "{}",
            r.body
        );
        let r = s.send(req("POST", &path).bearer(clerk).json(&body));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["late_fees"], "220.00");
        assert_eq!(r.json()["recorded_by"], "clerk:clerk");
        let r = s.send(req("POST", &path).bearer(clerk).json(&body));
        assert_eq!(r.status, 409, "{}", r.body);
        let r = s.send(req("GET", &path).bearer(s.token("unit_a")));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json().as_array().unwrap().len(), 1);

        // The worker was insured on the accident day (enrolled from
        // 2025-01-01): Art 62 changes nothing, the fund pays its items.
        let r = s.send(req("GET", format!("/api/v1/cases/{number}/payers")).bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        let payers = r.json();
        assert_eq!(payers["uninsured"], false);
        assert_eq!(payers["coverage_reason"], "covered");
        assert_eq!(payers["medical_fund_from"], "2025-03-10");
    });
}

/// Social Insurance Law Art 41 over HTTP: unit A enrolled the worker from
/// 2025-01-01 and declared January 2025 (due in February) but had not paid
/// it on the accident day, 2025-03-10. The payers answer says the unit pays,
/// in arrears (`in_arrears`, the bill of 2025-01, a sentence in each
/// language). The unit pays the bill on 2025-06-20 (a late fee assessed)
/// and the late fee on 2025-06-25: the arrears are settled that day, the
/// back-payment of Art 62(3), and the fund pays bills of service from the
/// day after.
#[test]
fn sil_art_41_the_api_says_the_unit_in_arrears_pays_until_it_settles() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let a = f.unit_a.as_str();
        let declaration = json!({
            "unit": a, "scheme_id": "guangdong.employees", "month": "2025-01",
            "lines": [{"resident_id": f.person_1.as_str(), "wage": "8000"}]
        });
        let r = s.send(
            req("POST", "/api/v1/declarations")
                .bearer(clerk)
                .header("Idempotency-Key", "decl-a41")
                .json(&declaration),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let bill = r.json();
        let bill_id = bill["bill_id"].as_i64().unwrap();
        let number = "GS-2025-A41";
        recognised_case(s, number, a, f.person_1.as_str());

        let path = format!("/api/v1/cases/{number}/payers");
        let r = s.send(req("GET", &path).bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        let payers = r.json();
        assert_eq!(payers["uninsured"], true, "{payers}");
        assert_eq!(payers["ground"], "in_arrears");
        assert_eq!(payers["arrears"]["bills"][0]["period"], "2025-01");
        assert_eq!(
            payers["arrears"]["bills"][0]["outstanding_on_accident"],
            "32.00"
        );
        assert_eq!(payers["arrears"]["settled_on"], serde_json::Value::Null);
        assert_eq!(payers["back_paid_on"], serde_json::Value::Null);
        assert_eq!(payers["medical_fund_from"], serde_json::Value::Null);
        let zh = payers["why_zh"].as_str().unwrap();
        assert!(
            zh.contains("欠缴") && zh.contains("2025-01月") && zh.contains("第四十一条"),
            "{zh}"
        );
        let en = payers["why_en"].as_str().unwrap();
        assert!(en.contains("in arrears") && en.contains("Art 41"), "{en}");

        let r = s.send(
            req("POST", "/api/v1/payments")
                .bearer(clerk)
                .header("Idempotency-Key", "pay-a41")
                .json(&json!({"bill_id": bill_id, "amount": "32.00", "paid_on": "2025-06-20"})),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = s.send(req("GET", format!("/api/v1/late-fees?unit={a}")).bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        let fees = r.json();
        let owed = fees
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["bill_id"].as_i64() == Some(bill_id))
            .map(|b| b["owed_fen"].as_i64().unwrap())
            .map(|fen| format!("{}.{:02}", fen / 100, fen % 100))
            .expect("a late fee assessed on the bill paid late");
        let r = s.send(req("GET", &path).bearer(clerk));
        assert_eq!(
            r.json()["arrears"]["settled_on"],
            serde_json::Value::Null,
            "{}",
            r.body
        );
        let r = s.send(
            req("POST", "/api/v1/late-fee-payments")
                .bearer(clerk)
                .header("Idempotency-Key", "fee-a41")
                .json(&json!({"bill_id": bill_id, "amount": owed, "paid_on": "2025-06-25"})),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = s.send(req("GET", &path).bearer(clerk));
        let payers = r.json();
        assert_eq!(payers["ground"], "in_arrears", "{payers}");
        assert_eq!(payers["arrears"]["settled_on"], "2025-06-25");
        assert_eq!(payers["back_paid_on"], "2025-06-25");
        assert_eq!(payers["medical_fund_from"], "2025-06-26");
        let zh = payers["why_zh"].as_str().unwrap();
        assert!(zh.contains("2025-06-25缴清"), "{zh}");

        // The page says the same to a clerk signed in, Chinese by default,
        // English on asking, with the month owed and no bill number.
        let r = s.send(
            req("POST", "/api/v1/session")
                .json(&json!({"login": "clerk", "password": crate::api_common::PASSWORD})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let cookie = r
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .unwrap()
            .to_owned();
        let page = s.send(req("GET", format!("/cases/{number}/payers")).header("Cookie", &cookie));
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("id=\"payers-arrears\""), "{}", page.body);
        assert!(page.body.contains("欠缴到期的工伤保险费"), "{}", page.body);
        assert!(page.body.contains("2025-06-25缴清"), "{}", page.body);
        let page =
            s.send(req("GET", format!("/cases/{number}/payers?lang=en")).header("Cookie", &cookie));
        assert!(
            page.body
                .contains("was in arrears with the premiums of 2025-01"),
            "{}",
            page.body
        );
        assert!(
            !page.body.contains(&format!(">{bill_id}<")),
            "{}",
            page.body
        );
    });
}

/// The pages: a fresh worker the demo's enterprise never enrolled is
/// injured; the case page says the unit pays (Art 62(2)); the clerk's
/// back-payment form refuses a period that ends before it begins, under
/// the field, keeping the receipt typed.
#[test]
fn art62_2_the_case_page_says_the_unit_pays_and_the_form_keeps_what_was_typed() {
    use crate::common::{Session, demo, form, request, sign_in};
    let get =
        |path: &str, s: &Session| request(demo().addr, "GET", path, &[("Cookie", &s.cookie)], None);
    let clerk = sign_in("clerk");
    let number = crate::staff_ui::intake(&clerk, 6201);
    let page = get(&format!("/cases/{number}?lang=en"), &clerk).body;
    assert!(page.contains("id=\"payers\""), "{page}");
    assert!(
        page.contains("The unit had not insured the worker on the accident day"),
        "{page}"
    );
    let payers = get(&format!("/cases/{number}/payers"), &clerk).body;
    assert!(payers.contains("id=\"back-payment-form\""), "{payers}");
    let body = form(&[
        ("csrf_token", &clerk.csrf),
        ("period_from", "2026-06-01"),
        ("period_until", "2026-05-01"),
        ("settled_on", "2026-06-11"),
        ("premiums", "1200.00"),
        ("late_fees", "30.00"),
        ("document", "补缴凭证-6201"),
    ]);
    let r = request(
        demo().addr,
        "POST",
        &format!("/cases/{number}/payers"),
        &[("Cookie", &clerk.cookie)],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("补缴凭证-6201"), "{}", r.body);
    assert!(
        r.body.contains("id=\"period_until\" type=\"date\" name=\"period_until\" value=\"2026-05-01\" aria-invalid=\"true\""),
        "{}",
        r.body
    );
    // A reviewer reads the case's payers but is offered no form.
    let reviewer = sign_in("reviewer");
    let theirs = get(&format!("/cases/{number}/payers"), &reviewer);
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    assert!(
        theirs.body.contains("id=\"payers-finding\""),
        "{}",
        theirs.body
    );
    assert!(
        !theirs.body.contains("back-payment-form"),
        "{}",
        theirs.body
    );
}
