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
                    .json(&json!({"bill_id": bill_id, "amount": amount, "paid_on": "2025-05-10"})),
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
                .json(&json!({"bill_id": bill_id, "amount": "1.00", "paid_on": "2025-05-10"})),
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
