//! The API end to end: registry, enrolment, declarations, payments with
//! their idempotency keys, coverage, orders, the calculator, sessions and
//! CSRF, errors as problems, pagination, metrics.

use serde_json::json;

use crate::api_common::{PASSWORD, credit, each_backend, req, resident};

#[test]
fn a_clerk_registers_enrols_declares_and_a_payment_buys_nothing_twice() {
    each_backend(|s| {
        let clerk = s.token("clerk");
        let unit = credit(9);
        let r = s.send(req("POST", "/api/v1/units").bearer(clerk).json(&json!({
            "credit_code": unit.as_str(), "name": "测试单位", "kind": "enterprise",
            "region": "440106", "industry_class": 2
        })));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["credit_code"], unit.as_str());
        let again = s.send(req("POST", "/api/v1/units").bearer(clerk).json(&json!({
            "credit_code": unit.as_str(), "name": "测试单位", "kind": "enterprise",
            "region": "440106", "industry_class": 2
        })));
        assert_eq!((again.status, again.code()), (409, "duplicate".into()));

        let p = resident(9);
        let r = s.send(req("POST", "/api/v1/people").bearer(clerk).json(&json!({
            "resident_id": p.as_str(), "name": "李四"
        })));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["birth_date"], "1985-01-01");

        let enrol = json!({
            "resident_id": p.as_str(), "unit": unit.as_str(), "scheme_id": "guangdong.employees",
            "category": "employee", "start": "2025-04-01", "labour_relation": true
        });
        let r = s.send(
            req("POST", "/api/v1/enrollments/check")
                .bearer(clerk)
                .json(&enrol),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["eligible"], true);
        let r = s.send(
            req("POST", "/api/v1/enrollments")
                .bearer(clerk)
                .json(&enrol),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let twice = s.send(
            req("POST", "/api/v1/enrollments")
                .bearer(clerk)
                .json(&enrol),
        );
        assert_eq!((twice.status, twice.code()), (409, "conflict".into()));

        let declaration = json!({
            "unit": unit.as_str(), "scheme_id": "guangdong.employees", "month": "2025-04",
            "lines": [{"resident_id": p.as_str(), "wage": "8000"}]
        });
        let r = s.send(
            req("POST", "/api/v1/declarations")
                .bearer(clerk)
                .header("Idempotency-Key", "decl-2025-04")
                .json(&declaration),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let bill = r.json();
        // Class 2 at tier 1.0: 0.4% of 8000 yuan.
        assert_eq!(bill["amount_fen"], 3200);
        // The same key and body: the same answer, nothing declared twice.
        let replay = s.send(
            req("POST", "/api/v1/declarations")
                .bearer(clerk)
                .header("Idempotency-Key", "decl-2025-04")
                .json(&declaration),
        );
        assert_eq!(replay.status, 201);
        assert_eq!(replay.json(), bill);
        assert_eq!(replay.header("idempotency-replayed"), Some("true"));
        let bill_id = bill["bill_id"].as_i64().unwrap();

        let pay = |key: &str, amount: &str| {
            s.send(
                req("POST", "/api/v1/payments")
                    .bearer(clerk)
                    .header("Idempotency-Key", key)
                    .json(&json!({"bill_id": bill_id, "amount": amount, "paid_on": "2025-06-20"})),
            )
        };
        let first = pay("pay-1", "32.00");
        assert_eq!(first.status, 201, "{}", first.body);
        assert_eq!(first.json()["bill"]["outstanding_fen"], 0);
        let replay = pay("pay-1", "32.00");
        assert_eq!((replay.status, replay.json()), (201, first.json()));
        let other = pay("pay-1", "10.00");
        assert_eq!(
            (other.status, other.code()),
            (409, "idempotency_mismatch".into())
        );
        assert_eq!(other.json()["field"], "Idempotency-Key");
        let missing = s.send(
            req("POST", "/api/v1/payments")
                .bearer(clerk)
                .json(&json!({"bill_id": bill_id, "amount": "1.00", "paid_on": "2025-06-20"})),
        );
        assert_eq!(
            (missing.status, missing.code()),
            (400, "idempotency_key_missing".into())
        );

        let r = s.send(req("GET", format!("/api/v1/bills/{bill_id}")).bearer(clerk));
        assert_eq!(r.json()["paid_fen"], 3200, "{}", r.body);
        let r = s.send(
            req(
                "GET",
                format!("/api/v1/bills?month=2025-04&unit={}", unit.as_str()),
            )
            .bearer(clerk),
        );
        assert_eq!(r.json().as_array().unwrap().len(), 1, "{}", r.body);

        let r = s.send(
            req(
                "GET",
                format!("/api/v1/coverage?resident_id={}&at=2025-05-01", p.as_str()),
            )
            .bearer(clerk),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["covered"], true);
        assert_eq!(r.json()["covers"][0]["basis"], "enrollment");
        let r = s.send(
            req(
                "GET",
                format!(
                    "/api/v1/coverage?resident_id={}&at=2025-03-01T12:00:00%2B08:00",
                    p.as_str()
                ),
            )
            .bearer(clerk),
        );
        assert_eq!(r.json()["reason"], "before_enrollment", "{}", r.body);

        // March of the fixture's units is unpaid and due in April.
        let r = s.send(req("GET", "/api/v1/arrears?as_of=2025-06-01").bearer(clerk));
        assert_eq!(r.json().as_array().unwrap().len(), 2, "{}", r.body);

        let r = s.send(
            req(
                "POST",
                format!("/api/v1/enrollments/{}/end", s.fixture.enrollment_2),
            )
            .bearer(clerk)
            .json(&json!({"last_day": "2025-06-30"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["last_day"], "2025-06-30");
    });
}

#[test]
fn lists_page_by_keyset_with_limit_and_after() {
    each_backend(|s| {
        let clerk = s.token("clerk");
        let first = s
            .send(req("GET", "/api/v1/people?limit=2").bearer(clerk))
            .json();
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        let after = first["next_after"].as_i64().unwrap();
        let second = s
            .send(req("GET", format!("/api/v1/people?limit=2&after={after}")).bearer(clerk))
            .json();
        assert_eq!(second["items"].as_array().unwrap().len(), 0);
        assert!(second.get("next_after").is_none());
        let r = s.send(req("GET", "/api/v1/units?limit=0").bearer(clerk));
        assert_eq!((r.status, r.code()), (400, "malformed_query".into()));
        assert_eq!(r.json()["field"], "limit");
        // A unit user lists only its own people.
        let mine = s
            .send(req("GET", "/api/v1/people").bearer(s.token("unit_a")))
            .json();
        let ids: Vec<&str> = mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["resident_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [s.fixture.person_1.as_str()]);
    });
}

#[test]
fn errors_are_problems_with_a_stable_code_and_the_field_at_fault() {
    each_backend(|s| {
        let clerk = s.token("clerk");
        let unknown = s.send(req("POST", "/api/v1/people").bearer(clerk).json(&json!({
            "resident_id": resident(7).as_str(), "name": "王五", "nickname": "x"
        })));
        assert_eq!(
            (unknown.status, unknown.code()),
            (400, "malformed_request".into())
        );
        assert_eq!(unknown.json()["field"], "nickname");
        assert!(unknown.json()["title"].as_str().is_some());

        let bad_id = s.send(req("POST", "/api/v1/people").bearer(clerk).json(&json!({
            "resident_id": "440106198501010010", "name": "王五"
        })));
        assert_eq!(bad_id.status, 422, "{}", bad_id.body);
        assert_eq!(bad_id.json()["field"], "resident_id", "{}", bad_id.body);

        let bad_date = s.send(
            req("POST", "/api/v1/engagements")
                .bearer(clerk)
                .json(&json!({
                    "resident_id": resident(1).as_str(), "unit": credit(1).as_str(),
                    "category": "employee", "start": "2025-13-01"
                })),
        );
        assert_eq!((bad_date.status, bad_date.code()), (422, "invalid".into()));
        assert_eq!(bad_date.json()["field"], "start");
        assert!(
            bad_date.json()["detail"]
                .as_str()
                .unwrap()
                .contains("YYYY-MM-DD")
        );

        let not_eligible = s.send(
            req("POST", "/api/v1/enrollments")
                .bearer(clerk)
                .json(&json!({
                    "resident_id": resident(1).as_str(), "unit": credit(2).as_str(),
                    "scheme_id": "jiangsu.employees", "category": "employee", "start": "2025-04-01"
                })),
        );
        assert_eq!(not_eligible.status, 422, "{}", not_eligible.body);
        assert_eq!(not_eligible.code(), "not_eligible");

        let missing =
            s.send(req("GET", format!("/api/v1/units/{}", credit(77).as_str())).bearer(clerk));
        assert_eq!((missing.status, missing.code()), (404, "not_found".into()));

        let nobody = s.send(req("GET", "/api/v1/units"));
        assert_eq!(
            (nobody.status, nobody.code()),
            (401, "unauthenticated".into())
        );
        let wrong = s.send(req("GET", "/api/v1/units").bearer("gs_not_a_token"));
        assert_eq!(
            (wrong.status, wrong.code()),
            (401, "unauthenticated".into())
        );

        let text = s.send(
            req("POST", "/api/v1/people")
                .bearer(clerk)
                .raw("text/plain", "hi"),
        );
        assert_eq!(
            (text.status, text.code()),
            (415, "unsupported_media_type".into())
        );
    });
}

#[test]
fn a_session_cookie_is_http_only_and_its_posts_need_the_csrf_token() {
    each_backend(|s| {
        let wrong = s.send(
            req("POST", "/api/v1/session")
                .json(&json!({"login": "clerk", "password": "nope nope nope"})),
        );
        assert_eq!(
            (wrong.status, wrong.code()),
            (401, "unauthenticated".into())
        );
        let r = s.send(
            req("POST", "/api/v1/session").json(&json!({"login": "clerk", "password": PASSWORD})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let cookie = r.header("set-cookie").unwrap().to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let pair = cookie.split(';').next().unwrap().to_owned();
        let csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();

        let me = s.send(req("GET", "/api/v1/me").header("Cookie", &pair));
        assert_eq!(me.json()["role"], "clerk", "{}", me.body);
        let person = json!({"resident_id": resident(8).as_str(), "name": "赵六"});
        let forged = s.send(
            req("POST", "/api/v1/people")
                .header("Cookie", &pair)
                .json(&person),
        );
        assert_eq!((forged.status, forged.code()), (403, "csrf".into()));
        let ok = s.send(
            req("POST", "/api/v1/people")
                .header("Cookie", &pair)
                .header("X-CSRF-Token", &csrf)
                .json(&person),
        );
        assert_eq!(ok.status, 201, "{}", ok.body);

        let out = s.send(
            req("DELETE", "/api/v1/session")
                .header("Cookie", &pair)
                .header("X-CSRF-Token", &csrf),
        );
        assert_eq!(out.status, 204, "{}", out.body);
        assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
        let after = s.send(req("GET", "/api/v1/me").header("Cookie", &pair));
        assert_eq!(after.status, 401);
    });
}

#[test]
fn the_calculator_explains_a_case_and_compares_schemes_without_sign_in() {
    each_backend(|s| {
        let case = include_str!("../../../../examples/cases/grade5-guangzhou.json");
        let r = s.send(req("POST", "/api/v1/calculate").raw("application/json", case));
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body.contains("trace") || r.body.contains("steps"),
            "{}",
            r.body
        );
        let r = s.send(
            req("POST", "/api/v1/calculate?scheme=guangdong.employees")
                .raw("application/json", case),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let r = s.send(req("POST", "/api/v1/compare").raw("application/json", case));
        assert_eq!(r.status, 200, "{}", r.body);
        let bad = s.send(
            req("POST", "/api/v1/calculate")
                .json(&json!({"injury_date": "2025-01-01", "own_wage": "8000", "colour": "red"})),
        );
        assert_eq!((bad.status, bad.code()), (400, "malformed_request".into()));
        assert_eq!(bad.json()["field"], "colour");
    });
}

#[test]
fn a_platform_imports_its_own_orders_as_json_or_csv_and_reconciles() {
    each_backend(|s| {
        let platform = s.token("unit_a");
        let rows = json!({"orders": [
            {"platform": "meituan", "order_id": "o-1", "resident_id": resident(1).as_str(),
             "ordered_at": "2025-07-02T12:30:00+08:00", "industry": "instant_delivery", "province": "44"},
            {"platform": "meituan", "order_id": "o-2", "resident_id": "bad",
             "ordered_at": "2025-07-02T12:30:00+08:00", "industry": "instant_delivery", "province": "44"}
        ]});
        let r = s.send(
            req("POST", "/api/v1/orders/imports")
                .bearer(platform)
                .json(&rows),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        assert_eq!(
            (v["rows_added"].as_u64(), v["rows_rejected"].as_u64()),
            (Some(1), Some(1)),
            "{}",
            r.body
        );
        assert_eq!(v["rejected"][0]["field"], "resident_id");
        let csv = format!(
            "platform,order_id,resident_id,ordered_at,industry,province\nmeituan,o-1,{r},2025-07-02T12:30:00+08:00,instant_delivery,44\nmeituan,o-3,{r},2025-07-03T09:00:00+08:00,instant_delivery,44\n",
            r = resident(1).as_str()
        );
        let r = s.send(
            req("POST", "/api/v1/orders/imports")
                .bearer(platform)
                .raw("text/csv", &csv),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(
            (
                r.json()["rows_added"].as_u64(),
                r.json()["rows_duplicate"].as_u64()
            ),
            (Some(1), Some(1)),
            "{}",
            r.body
        );
        let theirs = json!({"orders": [
            {"platform": "eleme", "order_id": "e-1", "resident_id": resident(1).as_str(),
             "ordered_at": "2025-07-02T12:30:00+08:00", "industry": "instant_delivery", "province": "44"}
        ]});
        let r = s.send(
            req("POST", "/api/v1/orders/imports")
                .bearer(platform)
                .json(&theirs),
        );
        assert_eq!((r.status, r.code()), (403, "forbidden".into()));

        let r = s.send(
            req(
                "GET",
                "/api/v1/orders/reconciliation?platform=meituan&month=2025-07&declared_orders=3",
            )
            .bearer(platform),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            (
                r.json()["orders"].as_u64(),
                r.json()["orders_difference"].as_i64()
            ),
            (Some(2), Some(-1))
        );
        let r = s.send(
            req("POST", "/api/v1/orders/bills")
                .bearer(s.token("clerk"))
                .header("Idempotency-Key", "bill-meituan-2025-07")
                .json(&json!({"platform": "meituan", "month": "2025-07"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.json()["bill"]["amount_fen"].as_i64().unwrap() > 0,
            "{}",
            r.body
        );
    });
}

#[test]
fn healthz_metrics_and_the_docs_are_served() {
    each_backend(|s| {
        assert_eq!(s.send(req("GET", "/healthz")).body, "ok");
        s.send(req("GET", "/api/v1/units").bearer(s.token("clerk")));
        let m = s.send(req("GET", "/metrics"));
        assert_eq!(m.status, 200);
        assert!(
            m.body.contains(
                "gongshang_http_requests_total{route=\"/api/v1/units\",status=\"200\"} 1"
            ),
            "{}",
            m.body
        );
        assert!(m.body.contains(
            "gongshang_http_request_duration_seconds_bucket{route=\"/api/v1/units\",le=\"+Inf\"} 1"
        ));
        let doc = s.send(req("GET", "/api/v1/openapi.json"));
        assert_eq!(doc.json()["openapi"], "3.1.0");
        let ui = s.send(req("GET", "/docs/"));
        assert_eq!(ui.status, 200, "{}", ui.body);
        assert!(ui.body.contains("swagger"), "{}", ui.body);
    });
}

// ---- cases, awards and the payroll ------------------------------------------------

/// An application by unit `unit` for `person`'s work accident of 2025-03-10,
/// filed on 2025-03-20 with the three materials, under `number`.
pub fn application(number: &str, unit: &str, person: &str) -> serde_json::Value {
    json!({
        "number": number, "person": person, "unit": unit,
        "scheme_id": "guangdong.employees", "region": "440100", "applicant": "unit",
        "accident_date": "2025-03-10", "filed_on": "2025-03-20",
        "ground_claimed": "art14_1_work_accident",
        "materials": ["application_form", "labour_relation_proof", "medical_diagnosis"]
    })
}

/// Files the case as the clerk, accepts it, decides it recognised, and
/// concludes the appraisal at grade 2 on 2025-06-15; returns the case.
pub fn recognised_case(
    s: &crate::api_common::TestServer,
    number: &str,
    unit: &str,
    person: &str,
) -> serde_json::Value {
    let clerk = s.token("clerk");
    let r = s.send(
        req("POST", "/api/v1/cases")
            .bearer(clerk)
            .json(&application(number, unit, person)),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["state"], "completeness_review");
    let steps = [
        ("determination", json!("accept"), "2025-03-25"),
        (
            "determination",
            json!({"command": "decide",
                "finding": {"finding": "recognised", "ground": "art14_1_work_accident"}}),
            "2025-04-20",
        ),
        ("appraisal", json!("apply"), "2025-05-01"),
        (
            "appraisal",
            json!({"command": "conclude", "grade": 2, "nursing": null}),
            "2025-06-15",
        ),
    ];
    let mut last = serde_json::Value::Null;
    for (stream, command, on) in steps {
        let r = s.send(
            req("POST", format!("/api/v1/cases/{number}/{stream}"))
                .bearer(clerk)
                .json(&json!({"command": command, "on": on})),
        );
        assert_eq!(r.status, 200, "{stream} {command}: {}", r.body);
        last = r.json();
    }
    last
}

/// Computes the award of a recognised case as the clerk; returns its id.
pub fn computed_award(s: &crate::api_common::TestServer, number: &str) -> i64 {
    let r = s.send(
        req("POST", format!("/api/v1/cases/{number}/awards"))
            .bearer(s.token("clerk"))
            .json(&json!({"facts": {"own_wage": "8500.00", "suspension_months": 3}})),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["award"]["id"].as_i64().unwrap()
}

#[test]
fn art14_a_case_from_application_to_an_approved_award_paid_once_and_a_payroll_run_twice_pays_nothing_twice()
 {
    each_backend(|s| {
        let f = &s.fixture;
        let (clerk, reviewer) = (s.token("clerk"), s.token("reviewer"));
        let number = "GS-2025-F1";
        let case = recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        assert_eq!(case["number"], number);
        assert_eq!(case["unit"], f.unit_a.as_str());
        assert!(case["events"].as_array().unwrap().len() >= 4, "{case}");

        // The case as the unit and the worker see it; not as unit B.
        let shown = s.send(req("GET", format!("/api/v1/cases/{number}")).bearer(s.token("unit_a")));
        assert_eq!(shown.status, 200, "{}", shown.body);
        assert_eq!(shown.json()["number"], number);
        let hidden =
            s.send(req("GET", format!("/api/v1/cases/{number}")).bearer(s.token("unit_b")));
        assert_eq!((hidden.status, hidden.code()), (404, "not_found".into()));

        // A command the state does not allow: 409 with the flow's own code
        // (the decided case is closed), not only in the text.
        let again = s.send(
            req("POST", format!("/api/v1/cases/{number}/determination"))
                .bearer(clerk)
                .json(&json!({"command": "accept", "on": "2025-06-20"})),
        );
        assert_eq!(
            (again.status, again.code()),
            (409, "case_closed".into()),
            "{}",
            again.body
        );
        // An unknown command is refused with the field named.
        let bad = s.send(
            req("POST", format!("/api/v1/cases/{number}/determination"))
                .bearer(clerk)
                .json(&json!({"command": "approve_everything"})),
        );
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert_eq!(bad.json()["field"], "command");

        let history = s.send(req("GET", format!("/api/v1/cases/{number}/appraisal")).bearer(clerk));
        assert_eq!(history.status, 200, "{}", history.body);
        assert_eq!(history.json()[0]["grade"], 2);

        let award_id = computed_award(s, number);
        let award =
            s.send(req("GET", format!("/api/v1/awards/{award_id}")).bearer(s.token("worker_1")));
        assert_eq!(award.status, 200, "{}", award.body);
        let award = award.json();
        assert_eq!(award["award"]["status"], "proposed");
        assert!(
            award["trace"].is_object() || award["trace"].is_array(),
            "{award}"
        );
        let items = award["award"]["items"].as_array().unwrap();
        assert!(
            items
                .iter()
                .any(|i| i["item"] == "monthly_disability_allowance" && i["payer"] == "fund"),
            "{award}"
        );

        // Maker-checker: the maker may not approve what they computed.
        let admin_award = {
            let r = s.send(
                req("POST", format!("/api/v1/cases/{number}/awards"))
                    .bearer(s.token("administrator"))
                    .json(&json!({"facts": {"own_wage": "8500.00", "suspension_months": 3}})),
            );
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()["award"]["id"].as_i64().unwrap()
        };
        let own = s.send(
            req("POST", format!("/api/v1/awards/{admin_award}/approve"))
                .bearer(s.token("administrator")),
        );
        assert_eq!(
            (own.status, own.code()),
            (409, "maker_checker".into()),
            "{}",
            own.body
        );
        // A clerk may not approve at all.
        let clerk_approves =
            s.send(req("POST", format!("/api/v1/awards/{award_id}/approve")).bearer(clerk));
        assert_eq!(
            (clerk_approves.status, clerk_approves.code()),
            (403, "forbidden".into())
        );
        // The reviewer, a second person, approves.
        let approved =
            s.send(req("POST", format!("/api/v1/awards/{award_id}/approve")).bearer(reviewer));
        assert_eq!(approved.status, 200, "{}", approved.body);
        let approved = approved.json();
        assert_eq!(approved["award"]["status"], "approved");
        assert_eq!(approved["award"]["checked_by"], "reviewer:reviewer");
        assert!(
            !approved["benefits"].as_array().unwrap().is_empty(),
            "{approved}"
        );
        let listed =
            s.send(req("GET", format!("/api/v1/cases/{number}/awards")).bearer(s.token("unit_a")));
        assert_eq!(listed.status, 200, "{}", listed.body);
        assert!(
            listed
                .json()
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["status"] == "approved")
        );

        // One-time items: an Idempotency-Key is required; paid once.
        let pay = |key: &str| {
            s.send(
                req("POST", format!("/api/v1/cases/{number}/one-time-payments"))
                    .bearer(clerk)
                    .header("Idempotency-Key", key)
                    .json(&json!({"paid_on": "2025-07-01"})),
            )
        };
        let missing = s.send(
            req("POST", format!("/api/v1/cases/{number}/one-time-payments"))
                .bearer(clerk)
                .json(&json!({"paid_on": "2025-07-01"})),
        );
        assert_eq!(
            (missing.status, missing.code()),
            (400, "idempotency_key_missing".into())
        );
        let first = pay("one-time-1");
        assert_eq!(first.status, 200, "{}", first.body);
        let first = first.json();
        let paid = first["paid"].as_array().unwrap();
        assert!(
            !paid.is_empty() && paid.iter().all(|p| p["already_paid"] == false),
            "{first}"
        );
        // The key names this case's payment: for another case it is a mismatch.
        let other = s.send(
            req("POST", "/api/v1/cases/GS-2025-OTHER/one-time-payments")
                .bearer(clerk)
                .header("Idempotency-Key", "one-time-1")
                .json(&json!({"paid_on": "2025-07-01"})),
        );
        assert_eq!(
            (other.status, other.code()),
            (409, "idempotency_mismatch".into())
        );
        let second = pay("one-time-2").json();
        assert!(
            second["paid"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["already_paid"] == true),
            "{second}"
        );

        // The payroll: the month once; again under another key pays nothing;
        // the same key answers the same.
        let run = |key: &str| {
            s.send(
                req("POST", "/api/v1/payroll/runs")
                    .bearer(clerk)
                    .header("Idempotency-Key", key)
                    .json(&json!({"month": "2025-07"})),
            )
        };
        let r1 = run("payroll-2025-07");
        assert_eq!(r1.status, 201, "{}", r1.body);
        let r1 = r1.json();
        assert_eq!(r1["lines"], 1, "{r1}");
        assert_ne!(r1["total"], "0.00");
        let replay = run("payroll-2025-07");
        assert_eq!(replay.header("idempotency-replayed"), Some("true"));
        assert_eq!(replay.json(), r1);
        let r2 = run("payroll-2025-07-again").json();
        assert_eq!(
            (r2["lines"].clone(), r2["total"].clone()),
            (json!(0), json!("0.00")),
            "{r2}"
        );
        let runs =
            s.send(req("GET", "/api/v1/payroll/runs?month=2025-07").bearer(s.token("analyst")));
        assert_eq!(runs.status, 200, "{}", runs.body);
        assert_eq!(runs.json().as_array().unwrap().len(), 2);

        // Between runs: index by 3% from August (once under its key),
        // suspend and resume, end; clerks only.
        let award = s
            .send(req("GET", format!("/api/v1/awards/{award_id}")).bearer(clerk))
            .json();
        let benefit = award["benefits"][0]["id"]
            .as_i64()
            .expect("a periodic benefit");
        let index = |key: &str| {
            s.send(
                req("POST", "/api/v1/payroll/indexations")
                    .bearer(clerk)
                    .header("Idempotency-Key", key)
                    .json(&json!({"from_month": "2025-08", "percent": "3%", "instrument": "人社厅发〔2025〕1号"})),
            )
        };
        let indexed = index("index-2025-08");
        assert_eq!(indexed.status, 201, "{}", indexed.body);
        assert_eq!(indexed.json()["benefits"], 1, "{}", indexed.body);
        let again = index("index-2025-08");
        assert_eq!(again.header("idempotency-replayed"), Some("true"));
        let neither = s.send(
            req("POST", "/api/v1/payroll/indexations")
                .bearer(clerk)
                .header("Idempotency-Key", "index-bad")
                .json(&json!({"from_month": "2025-08", "instrument": "x"})),
        );
        assert_eq!(
            (neither.status, neither.field()),
            (422, Some("percent".into()))
        );
        let refused = s.send(
            req("POST", format!("/api/v1/benefits/{benefit}/suspension"))
                .bearer(reviewer)
                .json(&json!({"reason": "no proof of life"})),
        );
        assert_eq!(refused.status, 403);
        for (path, body, change) in [
            (
                "suspension",
                json!({"reason": "no proof of life"}),
                "suspended",
            ),
            (
                "resumption",
                json!({"reason": "proof of life received"}),
                "resumed",
            ),
            (
                "end",
                json!({"event": "death", "month": "2025-12"}),
                "ended",
            ),
        ] {
            let r = s.send(
                req("POST", format!("/api/v1/benefits/{benefit}/{path}"))
                    .bearer(clerk)
                    .json(&body),
            );
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            assert_eq!(r.json()["change"], change);
        }
        let bad_event = s.send(
            req("POST", format!("/api/v1/benefits/{benefit}/end"))
                .bearer(clerk)
                .json(&json!({"event": "emigrated", "month": "2025-12"})),
        );
        assert_eq!(
            (bad_event.status, bad_event.field()),
            (422, Some("event".into()))
        );

        // The work queue is the agency's.
        let queue = s.send(req("GET", "/api/v1/work-queue").bearer(reviewer));
        assert_eq!(queue.status, 200, "{}", queue.body);
        let refused = s.send(req("GET", "/api/v1/work-queue").bearer(s.token("unit_a")));
        assert_eq!(refused.status, 403);
    });
}

/// 办法 Art 8 and 条例 Art 20: each notice of a stored case, in HTML and PDF,
/// once the case has reached it; scoped as the case.
#[test]
fn measures_art8_notices_of_stored_cases_as_html_and_pdf_once_the_case_reaches_them() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let get = |token: &str, path: String| s.send(req("GET", path).bearer(token));

        // A recognised case: the decision; no award sheet before approval.
        let n1 = "GS-2025-N1";
        recognised_case(s, n1, f.unit_a.as_str(), f.person_1.as_str());
        let html = get(
            s.token("worker_1"),
            format!("/api/v1/cases/{n1}/notices/decision"),
        );
        assert_eq!(html.status, 200, "{}", html.body);
        assert!(
            html.header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
        for text in ["认定工伤决定书", n1, "工人1", "单位1", "行政复议"] {
            assert!(html.body.contains(text), "{text} missing: {}", html.body);
        }
        let (head, pdf) = get_bytes(
            s,
            clerk,
            &format!("/api/v1/cases/{n1}/notices/decision?format=pdf"),
        );
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/pdf"),
            "{head}"
        );
        assert!(
            pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF"),
            "{head}"
        );
        let early = get(clerk, format!("/api/v1/cases/{n1}/notices/award"));
        assert_eq!(
            (early.status, early.code()),
            (409, "conflict".into()),
            "{}",
            early.body
        );
        let none = get(clerk, format!("/api/v1/cases/{n1}/notices/materials"));
        assert_eq!((none.status, none.code()), (409, "conflict".into()));
        let bad = get(clerk, format!("/api/v1/cases/{n1}/notices/letter"));
        assert_eq!(
            (bad.status, bad.json()["field"].clone()),
            (422, json!("kind"))
        );
        let bad_format = get(
            clerk,
            format!("/api/v1/cases/{n1}/notices/decision?format=docx"),
        );
        assert_eq!(
            (bad_format.status, bad_format.json()["field"].clone()),
            (422, json!("format"))
        );
        // Scope: unit B and the analyst never see it.
        let hidden = get(
            s.token("unit_b"),
            format!("/api/v1/cases/{n1}/notices/decision"),
        );
        assert_eq!((hidden.status, hidden.code()), (404, "not_found".into()));
        let analyst = get(
            s.token("analyst"),
            format!("/api/v1/cases/{n1}/notices/decision"),
        );
        assert_eq!((analyst.status, analyst.code()), (403, "forbidden".into()));

        // The award sheet once approved: every item with its payer.
        let award = computed_award(s, n1);
        let approved = s.send(
            req("POST", format!("/api/v1/awards/{award}/approve")).bearer(s.token("reviewer")),
        );
        assert_eq!(approved.status, 200, "{}", approved.body);
        let sheet = get(
            s.token("unit_a"),
            format!("/api/v1/cases/{n1}/notices/award"),
        );
        assert_eq!(sheet.status, 200, "{}", sheet.body);
        for text in ["工伤保险待遇核定表", "伤残津贴", "工伤保险基金"] {
            assert!(sheet.body.contains(text), "{text} missing: {}", sheet.body);
        }

        // Materials requested, then the application rejected.
        let n2 = "GS-2025-N2";
        let mut app = application(n2, f.unit_b.as_str(), f.person_2.as_str());
        app["materials"] = json!(["application_form"]);
        let r = s.send(req("POST", "/api/v1/cases").bearer(clerk).json(&app));
        assert_eq!(r.status, 201, "{}", r.body);
        let act = |command: serde_json::Value, on: &str| {
            let r = s.send(
                req("POST", format!("/api/v1/cases/{n2}/determination"))
                    .bearer(clerk)
                    .json(&json!({"command": command, "on": on})),
            );
            assert_eq!(r.status, 200, "{}", r.body);
        };
        act(
            json!({"command": "request_materials",
                "missing": [{"kind": "labour_relation_proof"}, {"kind": "medical_diagnosis"}]}),
            "2025-03-24",
        );
        let materials = get(
            s.token("unit_b"),
            format!("/api/v1/cases/{n2}/notices/materials"),
        );
        assert_eq!(materials.status, 200, "{}", materials.body);
        for text in ["补正材料通知书", "劳动关系", "受伤后诊断证明书"] {
            assert!(
                materials.body.contains(text),
                "{text} missing: {}",
                materials.body
            );
        }
        act(
            json!({"command": "reject_application",
                "reason": {"reason": "other", "explanation": "申请人逾期未补正材料"}}),
            "2025-05-20",
        );
        let rejected = get(
            clerk,
            format!("/api/v1/cases/{n2}/notices/inadmissible?format=html"),
        );
        assert_eq!(rejected.status, 200, "{}", rejected.body);
        for text in ["不予受理", "申请人逾期未补正材料"] {
            assert!(
                rejected.body.contains(text),
                "{text} missing: {}",
                rejected.body
            );
        }
    });
}

/// A GET whose body is bytes (a PDF): the status line and headers as text,
/// the body as sent (the harness's `send` reads text).
fn get_bytes(s: &crate::api_common::TestServer, token: &str, path: &str) -> (String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(s.addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n",
        s.addr
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    (head, raw[split + 4..].to_vec())
}

/// December 2026 with no 2027 arrangement: a declaration is billed with a
/// provisional due date; only an administrator loads the year, and the bill
/// is dated by it at once.
#[test]
fn a_year_without_a_holiday_calendar_bills_provisionally_and_an_administrator_loads_it() {
    each_backend(|s| {
        let clerk = s.token("clerk");
        let unit = s.fixture.unit_a;
        let declaration = json!({
            "unit": unit.as_str(), "scheme_id": "guangdong.employees", "month": "2026-12",
            "lines": [{"resident_id": s.fixture.person_1.as_str(), "wage": "8000"}]
        });
        let r = s.send(
            req("POST", "/api/v1/declarations")
                .bearer(clerk)
                .header("Idempotency-Key", "decl-2026-12")
                .json(&declaration),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let bill = r.json();
        assert_eq!(bill["due_date"], "2027-01-15");
        assert_eq!(bill["due_date_provisional"], true);

        let cal = s.send(req("GET", "/api/v1/holidays").bearer(clerk));
        assert_eq!(cal.status, 200, "{}", cal.body);
        assert_eq!(cal.json()["provisional_from"], 2027);

        let file = "year = 2027\ninstrument = \"测试\"\nissued = 2026-12-01\nsource = \"test\"\nconfidence = \"C1\"\n\n[[holiday]]\nname_zh = \"测试\"\nname_en = \"Test\"\noff_from = 2027-01-15\noff_until = 2027-01-17\nworking_days = []\n";
        let refused = s.send(
            req("PUT", "/api/v1/holidays")
                .bearer(clerk)
                .json(&json!({ "file": file })),
        );
        assert_eq!((refused.status, refused.code()), (403, "forbidden".into()));
        let admin = s.token("administrator");
        let bad = s.send(req("PUT", "/api/v1/holidays").bearer(admin).json(
            &json!({ "file": file.replace("off_until = 2027-01-17", "off_until = 2026-01-17") }),
        ));
        assert_eq!(
            (bad.status, bad.code(), bad.field()),
            (422, "holiday_file_invalid".into(), Some("file".into())),
            "{}",
            bad.body
        );
        let ok = s.send(
            req("PUT", "/api/v1/holidays")
                .bearer(admin)
                .json(&json!({ "file": file })),
        );
        assert_eq!(ok.status, 200, "{}", ok.body);
        assert_eq!(ok.json()["year"], 2027);
        assert_eq!(ok.json()["bills_redated"], 1);
        let id = bill["bill_id"].as_i64().unwrap();
        let status = s.send(req("GET", format!("/api/v1/bills/{id}")).bearer(clerk));
        assert_eq!(status.status, 200, "{}", status.body);
        assert_eq!(status.json()["due_date"], "2027-01-18", "{}", status.body);
        assert_eq!(status.json()["due_date_provisional"], false);
    });
}

/// A unit asks of its own cover only: about another unit's worker it learns
/// nothing (not covered by it, no enrolment shown), and an engagement it
/// claims opens none of the person's records (issue 10 item 3).
#[test]
fn a_unit_learns_nothing_of_another_units_worker() {
    each_backend(|s| {
        let f = &s.fixture;
        let unit_b = s.token("unit_b");
        let r = s.send(
            req(
                "GET",
                format!(
                    "/api/v1/coverage?resident_id={}&at=2025-04-01",
                    f.person_1.as_str()
                ),
            )
            .bearer(unit_b),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["covered"], false, "{v}");
        assert_eq!(v["enrollments"], json!([]), "{v}");
        assert_eq!(v["covers"], json!([]), "{v}");
        // Claim an engagement of person 1 with unit B: still no record opens.
        let claimed = s.send(
            req("POST", "/api/v1/engagements")
                .bearer(unit_b)
                .json(&json!({
                    "resident_id": f.person_1.as_str(), "unit": f.unit_b.as_str(),
                    "category": "employee", "start": "2025-01-01"
                })),
        );
        assert_eq!(claimed.status, 201, "{}", claimed.body);
        for path in [
            format!("/api/v1/people/{}", f.person_1.as_str()),
            format!("/api/v1/people/{}/enrollments", f.person_1.as_str()),
        ] {
            let r = s.send(req("GET", path.clone()).bearer(unit_b));
            assert_eq!(
                (r.status, r.code()),
                (404, "not_found".into()),
                "{path}: {}",
                r.body
            );
            assert!(!r.body.contains("工人1"), "{}", r.body);
        }
        let people = s.send(req("GET", "/api/v1/people").bearer(unit_b));
        assert!(
            !people.body.contains(f.person_1.as_str()),
            "{}",
            people.body
        );
    });
}

/// `text/csv` is read by the reader of `gongshang import orders`: quoted
/// fields, CRLF and a byte-order mark go in; an order stored before under
/// the same key with another worker is a conflict, not "already there"; an
/// unterminated quote is reported as one.
#[test]
fn orders_as_csv_are_read_as_the_command_line_reads_them_and_conflicts_are_reported() {
    each_backend(|s| {
        let platform = s.token("unit_a");
        let csv = format!(
            "\u{feff}\"platform\",order_id,resident_id,ordered_at,industry,province\r\n\"meituan\",\"q-1\",{r},\"2025-07-02T12:30:00+08:00\",instant_delivery,\"44\"\r\nmeituan,q-2,{r},2025-07-03T09:00:00+08:00,instant_delivery,44\r\n",
            r = resident(1).as_str()
        );
        let r = s.send(
            req("POST", "/api/v1/orders/imports")
                .bearer(platform)
                .raw("text/csv", &csv),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(
            (
                r.json()["rows_added"].as_u64(),
                r.json()["rows_rejected"].as_u64()
            ),
            (Some(2), Some(0)),
            "{}",
            r.body
        );
        let other = format!(
            "platform,order_id,resident_id,ordered_at,industry,province\nmeituan,q-1,{},2025-07-02T12:30:00+08:00,instant_delivery,44\nmeituan,q-2,{},2025-07-03T09:00:00+08:00,instant_delivery,44\n",
            resident(2).as_str(),
            resident(1).as_str()
        );
        let r = s.send(
            req("POST", "/api/v1/orders/imports")
                .bearer(platform)
                .raw("text/csv", &other),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        assert_eq!(
            (
                v["rows_added"].as_u64(),
                v["rows_duplicate"].as_u64(),
                v["rows_conflict"].as_u64()
            ),
            (Some(0), Some(1), Some(1)),
            "{}",
            r.body
        );
        assert_eq!(v["rejected"][0]["row"], 1);
        assert_eq!(v["rejected"][0]["field"], "resident_id");
        let broken = format!(
            "platform,order_id,resident_id,ordered_at,industry,province\nmeituan,\"q-3,{},2025-07-03T09:00:00+08:00,instant_delivery,44\n",
            resident(1).as_str()
        );
        let r = s.send(
            req("POST", "/api/v1/orders/imports")
                .bearer(platform)
                .raw("text/csv", &broken),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["rejected"][0]["field"], "order_id", "{}", r.body);
        assert!(
            r.json()["rejected"][0]["detail"]
                .as_str()
                .unwrap()
                .starts_with("unterminated quote"),
            "{}",
            r.body
        );
    });
}

/// Order No. 55 Art 31 over the API: a grade 2 conclusion corrected to
/// grade 1 after July was paid owes July's difference (90% - 85% of
/// 8,500.00 = 425.00); the clerk pays it once, not before the day the
/// revision was applied, and a unit may not pay it.
#[test]
fn order55_art31_a_correction_upwards_pays_its_arrears_once() {
    each_backend(|s| {
        let f = &s.fixture;
        let (clerk, reviewer) = (s.token("clerk"), s.token("reviewer"));
        let number = "GS-2025-ARR";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let award = computed_award(s, number);
        let r = s.send(req("POST", format!("/api/v1/awards/{award}/approve")).bearer(reviewer));
        assert_eq!(r.status, 200, "{}", r.body);
        let r = s.send(
            req("POST", "/api/v1/payroll/runs")
                .bearer(clerk)
                .header("Idempotency-Key", "arrears-payroll-2025-07")
                .json(&json!({"month": "2025-07"})),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = s.send(
            req(
                "POST",
                format!("/api/v1/cases/{number}/appraisal/revisions"),
            )
            .bearer(clerk)
            .json(&json!({
                "kind": "correct", "grade": 1,
                "reason": "the conclusion understated the impairment",
                "decision_no": "穗劳鉴更〔2025〕3号", "decided_on": "2025-07-01"
            })),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let pay = |token: &str, day: &str| {
            s.send(
                req("POST", format!("/api/v1/appraisal-revisions/{id}/arrears"))
                    .bearer(token)
                    .json(&json!({"paid_on": day})),
            )
        };
        let early = pay(clerk, "2025-07-01");
        assert_eq!(
            (early.status, early.code()),
            (409, "conflict".into()),
            "{}",
            early.body
        );
        let r =
            s.send(req("POST", format!("/api/v1/appraisal-revisions/{id}/apply")).bearer(reviewer));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["underpaid"], "425.00", "{}", r.body);
        let unit = pay(s.token("unit_a"), "2025-07-01");
        assert_eq!(unit.status, 403, "{}", unit.body);
        let before = pay(clerk, "2025-06-30");
        assert_eq!(before.status, 422, "{}", before.body);
        assert_eq!(before.json()["field"], "paid_on");
        let paid = pay(clerk, "2025-07-01");
        assert_eq!(paid.status, 200, "{}", paid.body);
        let paid = paid.json();
        assert_eq!(
            (&paid["arrears_paid"], &paid["arrears_paid_on"]),
            (&json!("425.00"), &json!("2025-07-01")),
            "{paid}"
        );
        let again = pay(clerk, "2025-07-01");
        assert_eq!(again.status, 409, "{}", again.body);
    });
}

/// Issue 13: an order import's progress is asked from another connection
/// while it runs: the rows of the batches committed so far of the rows
/// expected, then nothing.
#[test]
fn the_progress_of_an_order_import_under_way_is_read_while_it_runs() {
    each_backend(|s| {
        let clerk = s.token("clerk");
        let idle = s.send(req("GET", "/api/v1/orders/imports/running").bearer(clerk));
        assert_eq!(idle.status, 200, "{}", idle.body);
        assert_eq!(idle.json()["running"], false, "{}", idle.body);
        // The import under way as the server's app sees it between two
        // batches (a request's batches cannot be paused from a test).
        let actor = s
            .app
            .account_by_token(clerk)
            .unwrap()
            .expect("the clerk's account")
            .actor();
        let import = s.app.begin_orders_import(&actor, "big.csv").unwrap();
        let r = s.send(req("GET", "/api/v1/orders/imports/running").bearer(clerk));
        let v = r.json();
        assert_eq!(
            (
                v["running"].as_bool(),
                v["import_id"].as_i64(),
                v["rows_done"].as_u64()
            ),
            (Some(true), Some(import), Some(0)),
            "{v}"
        );
        assert!(v.get("rows_expected").is_none(), "no total yet: {v}");
        // Once the rows are known, the progress has a total.
        s.app
            .expect_orders_import_rows(&actor, import, 120)
            .unwrap();
        let v = s
            .send(req("GET", "/api/v1/orders/imports/running").bearer(clerk))
            .json();
        assert_eq!(
            (v["rows_done"].as_u64(), v["rows_expected"].as_u64()),
            (Some(0), Some(120)),
            "{v}"
        );
        s.app.finish_orders_import(&actor, import, 0, 0).unwrap();
        let r = s.send(req("GET", "/api/v1/orders/imports/running").bearer(clerk));
        assert_eq!(r.json()["running"], false, "{}", r.body);
    });
}
