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
