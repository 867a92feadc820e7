//! The fund's advance payment (Social Insurance Law Arts 41-42, Order No.
//! 15) over HTTP, on SQLite and PostgreSQL: the worker applies on their own
//! case, a clerk decides, refusals carry their field, the worker reads the
//! state in plain words, the unit's debts; and the clerk's page at
//! `/cases/{number}/advances`, whose refusal keeps what was typed and shows
//! under its field. Today (API) is 2025-07-01.

use serde_json::json;

use crate::api_common::{each_backend, req};
use crate::flows::recognised_case;

/// Order No. 15 Arts 4, 5 and 9: a third party's injury with no settled
/// medical bill has nothing to advance (409); a refusal needs its reason
/// (422 at `reason`), then is recorded and shown to the worker in words.
#[test]
fn order15_4_9_the_api_takes_an_application_and_refuses_with_its_reason() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let a = f.unit_a.as_str();
        let number = "GS-2025-ADV";
        recognised_case(s, number, a, f.person_1.as_str());
        let path = format!("/api/v1/cases/{number}/advances");
        let body = json!({
            "ground": "third_party", "applicant": "worker", "applicant_name": "张三",
            "circumstance": "肇事者逃逸，无法确定第三人", "documents": "工伤认定决定书",
            "applied_on": "2025-06-20"
        });
        let r = s.send(req("POST", &path).bearer(s.token("unit_a")).json(&body));
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(req("POST", &path).bearer(s.token("worker_1")).json(&body));
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        assert_eq!(r.json()["state"], "applied");
        let decision = format!("/api/v1/cases/{number}/advances/{id}/decision");
        let r = s.send(
            req("POST", &decision)
                .bearer(clerk)
                .json(&json!({"grant": true})),
        );
        assert_eq!(r.status, 409, "{}", r.body);
        let r = s.send(
            req("POST", &decision)
                .bearer(clerk)
                .json(&json!({"grant": false})),
        );
        assert_eq!(
            (r.status, r.field()),
            (422, Some("reason".into())),
            "{}",
            r.body
        );
        let r = s.send(
            req("POST", &decision)
                .bearer(clerk)
                .json(&json!({"grant": false, "reason": "第三人已支付全部医疗费用"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["state"], "refused");
        let r = s.send(req("GET", &path).bearer(s.token("worker_1")));
        assert_eq!(r.status, 200, "{}", r.body);
        let plain = r.json()[0]["plain_zh"].as_str().unwrap().to_owned();
        assert!(plain.contains("第三人已支付全部医疗费用"), "{plain}");
        let r = s
            .send(req("GET", format!("/api/v1/units/{a}/advance-debts")).bearer(s.token("unit_a")));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["outstanding"], "0.00");
    });
}

/// The clerk's page: the application form refuses a missing ground under
/// the field and keeps the documents typed.
#[test]
fn sil_41_the_case_s_advance_page_keeps_what_was_typed() {
    use crate::common::{demo, form, request, sign_in};
    let clerk = sign_in("clerk");
    let number = crate::staff_ui::intake(&clerk, 6202);
    let page = request(
        demo().addr,
        "GET",
        &format!("/cases/{number}"),
        &[("Cookie", &clerk.cookie)],
        None,
    )
    .body;
    assert!(page.contains("id=\"advances\""), "{page}");
    let body = form(&[
        ("csrf_token", &clerk.csrf),
        ("action", "apply"),
        ("ground", ""),
        ("applicant", "worker"),
        ("applicant_name", "王五"),
        ("circumstance", "用人单位拒绝支付"),
        ("documents", "认定书-6202"),
    ]);
    let r = request(
        demo().addr,
        "POST",
        &format!("/cases/{number}/advances"),
        &[("Cookie", &clerk.cookie)],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("认定书-6202"), "{}", r.body);
    assert!(r.body.contains("id=\"ground-error\""), "{}", r.body);
}

/// Order No. 15 Art 11 over the API: who repaid is `unit`, `third_party` or
/// `recipient` (the worker or relative); anything else is refused at `from`
/// before anything is recorded, and an advance not paid is not repaid by
/// anyone (409).
#[test]
fn order15_11_the_api_takes_who_repaid_and_names_a_bad_one() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let number = "GS-2025-ADV11";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let path = format!("/api/v1/cases/{number}/advances");
        let body = json!({
            "ground": "third_party", "applicant": "worker", "applicant_name": "张三",
            "circumstance": "肇事者未支付医疗费用", "documents": "工伤认定决定书",
            "applied_on": "2025-06-20"
        });
        let r = s.send(req("POST", &path).bearer(s.token("worker_1")).json(&body));
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let recoveries = format!("/api/v1/cases/{number}/advances/{id}/recoveries");
        let repay = |from: &str| {
            json!({"from": from, "received_on": "2025-06-30", "amount": "100.00",
                "document": "个人退款收据"})
        };
        let r = s.send(
            req("POST", &recoveries)
                .bearer(clerk)
                .json(&repay("neighbour")),
        );
        assert_eq!(
            (r.status, r.field()),
            (422, Some("from".into())),
            "{}",
            r.body
        );
        let r = s.send(
            req("POST", &recoveries)
                .bearer(clerk)
                .json(&repay("recipient")),
        );
        assert_eq!(r.status, 409, "{}", r.body);
        let r = s.send(req("GET", &path).bearer(clerk));
        assert_eq!(r.json()[0]["recoveries"], json!([]), "{}", r.body);
    });
}

/// Order No. 15 Art 11 on the clerk's page: the demo's advance (granted on a
/// third party's injury) is approved and paid by the reviewer; the clerk's
/// repayment form then asks who repaid (the third party, or the worker or
/// relative since paid by it), in Chinese and in English; the worker's own
/// repayment is listed under the advance with who made it.
#[test]
fn order15_11_the_advance_page_records_the_worker_s_own_repayment() {
    use crate::common::{demo, get, post, sign_in};
    let number = demo()
        .report
        .samples
        .iter()
        .find(|(k, _)| *k == "advance_case")
        .map(|(_, n)| n.clone())
        .expect("the demo's advance");
    let path = format!("/cases/{number}/advances");
    let clerk = sign_in("clerk");
    let page = get(&path, &clerk).body;
    let id: String = page
        .split("id=\"advance-")
        .nth(1)
        .expect("an advance card")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let reviewer = sign_in("reviewer");
    let r = post(
        &path,
        &reviewer,
        &[("action", "pay"), ("id", &id), ("on", "")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = get(&path, &clerk).body;
    assert!(page.contains("name=\"from\""), "{page}");
    assert!(page.contains("value=\"recipient\""), "{page}");
    assert!(page.contains("第十一条"), "{page}");
    let en = get(&format!("{path}?lang=en"), &clerk).body;
    assert!(en.contains("the worker or relative"), "{en}");
    let today = gongshang_demo::DEMO_TODAY.to_string();
    let refused = post(
        &path,
        &clerk,
        &[
            ("action", "recover"),
            ("id", &id),
            ("from", "neighbour"),
            ("amount", "1.00"),
            ("on", &today),
            ("document", "个人退款-demo"),
        ],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    let r = post(
        &path,
        &clerk,
        &[
            ("action", "recover"),
            ("id", &id),
            ("from", "recipient"),
            ("amount", "1.00"),
            ("on", &today),
            ("document", "个人退款-demo"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = get(&path, &clerk).body;
    assert!(page.contains("个人退款-demo"), "{page}");
    assert!(page.contains("职工或其近亲属"), "{page}");
}

/// Order No. 15 Art 8 with Regulations Art 62(2) over the API: worker 3,
/// enrolled by unit B only from 2025-06-01, is injured on 2025-03-10 (the
/// unit had not insured them), recognised and appraised grade 2 on
/// 2025-06-15; the approved award makes the unit pay the grade 1-4
/// allowance from 2025-07. The worker applies, the unit is written to on
/// 2025-06-20 and does not pay; granted 2025-06-30 (the allowance advanced
/// from 2025-07, its first month), paid by the reviewer. The July payroll
/// advances one month (not the fund's own line); the advance and the
/// unit's debt show it; ending it names a bad reason and a month before
/// one advanced by their fields, then ends it after July, and the August
/// payroll advances nothing.
#[test]
fn order15_art_8_the_api_shows_and_ends_the_monthly_advance() {
    use gongshang_domain::ids::CreditCode;
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let reviewer = s.token("reviewer");
        let b = f.unit_b.as_str();
        let admin = gongshang_app::accounts::Actor::local_administrator("test");
        let p3 = crate::api_common::resident(3);
        s.app.register_person(&admin, p3.as_str(), "工人3").unwrap();
        s.app
            .enroll(
                &admin,
                &gongshang_app::EnrollRequest {
                    person: p3,
                    unit: Some(CreditCode::parse(b).unwrap()),
                    scheme_id: "guangdong.employees".parse().unwrap(),
                    category: gongshang_rules::scheme::Category::Employee,
                    start: jiff::civil::date(2025, 6, 1),
                    labour_relation: true,
                    commitment: None,
                },
            )
            .unwrap();
        let number = "GS-2025-ADVM";
        recognised_case(s, number, b, p3.as_str());
        let award_id = crate::flows::computed_award(s, number);
        let r = s.send(req("POST", format!("/api/v1/awards/{award_id}/approve")).bearer(reviewer));
        assert_eq!(r.status, 200, "{}", r.body);

        let path = format!("/api/v1/cases/{number}/advances");
        let r = s.send(req("POST", &path).bearer(clerk).json(&json!({
            "ground": "employer_unpaid", "applicant": "worker", "applicant_name": "工人3",
            "circumstance": "用人单位拒绝支付伤残津贴", "documents": "工伤认定决定书",
            "applied_on": "2025-06-19"
        })));
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let step = |what: &str, body: serde_json::Value, who: &str| {
            s.send(
                req("POST", format!("{path}/{id}/{what}"))
                    .bearer(who)
                    .json(&body),
            )
        };
        let r = step("notice", json!({"sent_on": "2025-06-20"}), clerk);
        assert_eq!(r.status, 200, "{}", r.body);
        let r = step(
            "decision",
            json!({"grant": true, "decided_on": "2025-06-30"}),
            clerk,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let granted = r.json();
        assert_eq!(
            granted["monthly"][0]["item"], "monthly_disability_allowance",
            "{granted}"
        );
        assert_eq!(granted["monthly_from"], "2025-07", "{granted}");
        assert_eq!(granted["monthly_running"], false);
        let r = step("payment", json!({"paid_on": "2025-07-01"}), reviewer);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["monthly_running"], true);
        let one_time = r.json()["advanced"].as_str().unwrap().to_owned();

        let run = |month: &str| {
            let r = s.send(
                req("POST", "/api/v1/payroll/runs")
                    .bearer(clerk)
                    .header("Idempotency-Key", &format!("advm-{month}"))
                    .json(&json!({"month": month})),
            );
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()
        };
        let july = run("2025-07");
        assert_eq!(july["advance_lines"], 1, "{july}");
        let monthly = july["advance_total"].as_str().unwrap().to_owned();
        assert_ne!(monthly, "0.00");
        let r = s.send(req("GET", &path).bearer(s.token("worker_1")));
        assert_eq!(
            r.status, 404,
            "another worker's case is not theirs to see: {}",
            r.body
        );
        let r = s.send(req("GET", &path).bearer(clerk));
        let a = &r.json()[0];
        assert_eq!(
            (
                a["monthly_months_paid"].clone(),
                a["monthly_advanced"].clone()
            ),
            (json!(1), json!(monthly)),
            "{a}"
        );
        let yuan = |t: &str| gongshang_rules::Money::parse_yuan(t).unwrap();
        let owed = yuan(&one_time).checked_add(yuan(&monthly)).unwrap();
        let r = s
            .send(req("GET", format!("/api/v1/units/{b}/advance-debts")).bearer(s.token("unit_b")));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["outstanding"], owed.to_string(), "{}", r.body);

        // The clerk's page: the monthly items with their months, in Chinese
        // and English, and the end form, which refuses a missing reason
        // under its field and keeps the note typed.
        {
            use crate::common::{form, login_form_token, request};
            let (form_cookie, token) = login_form_token(s.addr);
            let login = form(&[
                ("login", "clerk"),
                ("password", crate::api_common::PASSWORD),
                ("login_csrf", &token),
            ]);
            let r = request(
                s.addr,
                "POST",
                "/login",
                &[("Cookie", &form_cookie)],
                Some(("application/x-www-form-urlencoded", login.as_bytes())),
            );
            assert_eq!(r.status, 303, "{}", r.body);
            let cookie = r
                .header("set-cookie")
                .and_then(|c| c.split(';').next())
                .unwrap()
                .to_owned();
            let page_path = format!("/cases/{number}/advances");
            let page = request(s.addr, "GET", &page_path, &[("Cookie", &cookie)], None).body;
            assert!(page.contains("class=\"monthly-advance\""), "{page}");
            assert!(page.contains("按月先行支付：自 2025-07 起"), "{page}");
            assert!(page.contains("value=\"end_monthly\""), "{page}");
            let en = request(
                s.addr,
                "GET",
                &format!("{page_path}?lang=en"),
                &[("Cookie", &cookie)],
                None,
            )
            .body;
            assert!(en.contains("Monthly advance: from 2025-07"), "{en}");
            let csrf = page
                .split("name=\"csrf_token\" value=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap()
                .to_owned();
            let id_text = id.to_string();
            let body = form(&[
                ("csrf_token", &csrf),
                ("action", "end_monthly"),
                ("id", &id_text),
                ("last_month", "2025-07"),
                ("reason", ""),
                ("note", "单位恢复支付-页面"),
            ]);
            let r = request(
                s.addr,
                "POST",
                &page_path,
                &[("Cookie", &cookie)],
                Some(("application/x-www-form-urlencoded", body.as_bytes())),
            );
            assert_eq!(r.status, 422, "{}", r.body);
            assert!(r.body.contains("单位恢复支付-页面"), "{}", r.body);
            assert!(r.body.contains("id=\"reason-error\""), "{}", r.body);
        }

        let end = |body: serde_json::Value| step("monthly-end", body, clerk);
        let r = end(json!({"last_month": "2025-07", "reason": "sometime", "note": "x"}));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("reason".into())),
            "{}",
            r.body
        );
        let r =
            end(json!({"last_month": "2025-06", "reason": "unit_resumed", "note": "单位恢复支付"}));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("last_month".into())),
            "{}",
            r.body
        );
        let r = step(
            "monthly-end",
            json!({"last_month": "2025-07", "reason": "unit_resumed", "note": "单位自8月起恢复支付"}),
            reviewer,
        );
        assert_eq!(r.status, 403, "a reviewer does not end it: {}", r.body);
        let r = end(
            json!({"last_month": "2025-07", "reason": "unit_resumed", "note": "单位自8月起恢复支付"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["monthly_running"], false);
        assert_eq!(r.json()["monthly_end"]["last_month"], "2025-07");
        let august = run("2025-08");
        assert_eq!(august["advance_lines"], 0, "{august}");
    });
}
