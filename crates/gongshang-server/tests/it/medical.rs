//! Medical, rehabilitation and assistive-device costs over HTTP
//! (Regulations Arts 30-32, 47, 48; Decree 765 Arts 22, 43), on SQLite and
//! PostgreSQL: the register, a provider's bill settled within the
//! catalogues, a worker's claim with its deadline, refusals at their field.

use serde_json::json;

use crate::api_common::{each_backend, req};
use crate::flows::recognised_case;

/// The accident of 2025-03-10 (recognised, see `flows`); the hospital
/// GZ-0001 holds a medical agreement from 2025-01-01. Its bill of 8,500.00,
/// 500.00 outside the catalogues, is settled at 8,000.00 (Art 30(3)).
#[test]
fn regs_art30_art47_decree765_art22_the_api_registers_files_and_settles_bills() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let number = "GS-2025-MED";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let institution = json!({"code": "GZ-0001", "name": "广州市第一人民医院", "kind": "medical",
            "region": "440100", "agreement_from": "2025-01-01", "agreement_until": "2026-12-31"});
        let r = s.send(
            req("POST", "/api/v1/institutions")
                .bearer(clerk)
                .json(&institution),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = s.send(
            req("POST", "/api/v1/institutions")
                .bearer(clerk)
                .json(&institution),
        );
        assert_eq!(r.status, 409, "{}", r.body);
        let mut bad = institution.clone();
        bad["kind"] = json!("pharmacy");
        bad["code"] = json!("GZ-0002");
        let r = s.send(req("POST", "/api/v1/institutions").bearer(clerk).json(&bad));
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (422, json!("kind")),
            "{}",
            r.body
        );
        let r = s.send(req("GET", "/api/v1/institutions").bearer(s.token("worker_1")));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()[0]["code"], "GZ-0001");

        let path = format!("/api/v1/cases/{number}/medical-bills");
        let bill = json!({"kind": "medical", "institution": "GZ-0001", "service_from": "2025-03-10",
            "service_until": "2025-03-20",
            "lines": [{"description": "住院", "within_catalogue": "8000.00", "outside_catalogue": "500.00"}]});
        let r = s.send(req("POST", &path).bearer(clerk).json(&bill));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["status"], "received");
        assert_eq!(r.json()["total"], "8500.00");
        let id = r.json()["id"].as_i64().unwrap();
        let r = s.send(
            req("POST", format!("{path}/{id}/settle"))
                .bearer(clerk)
                .json(&json!({})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["status"], "settled");
        assert_eq!(r.json()["payable"], "8000.00");
        assert_eq!(r.json()["lines"][0]["refusal_code"], "outside_catalogue");
        assert_eq!(r.json()["ledger_key"], format!("medical-bill-{id}"));
        let r = s.send(
            req("POST", format!("{path}/{id}/settle"))
                .bearer(clerk)
                .json(&json!({})),
        );
        assert_eq!(r.status, 409, "{}", r.body);

        // The worker's claim: decided within 20 working days; a line with a
        // bad amount and a service before the accident are 422 at the field.
        let claim = |from: &str, amount: &str| {
            json!({"kind": "medical", "provider_name": "就近医院", "service_from": from,
                "service_until": "2025-03-11", "emergency": true,
                "lines": [{"description": "急诊", "within_catalogue": amount}]})
        };
        let worker = s.token("worker_1");
        let claims = format!("{path}/reimbursements");
        let r = s.send(
            req("POST", &claims)
                .bearer(worker)
                .json(&claim("2025-03-10", "12x")),
        );
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (422, json!("within_catalogue")),
            "{}",
            r.body
        );
        let r = s.send(
            req("POST", &claims)
                .bearer(worker)
                .json(&claim("2025-03-01", "1200.00")),
        );
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (422, json!("service_from")),
            "{}",
            r.body
        );
        let r = s.send(
            req("POST", &claims)
                .bearer(worker)
                .json(&claim("2025-03-10", "1200.00")),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["route"], "manual_reimbursement");
        assert!(r.json()["due_on"].is_string(), "{}", r.body);
        let r = s.send(req("GET", &path).bearer(worker));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json().as_array().unwrap().len(), 2);
        // With an Idempotency-Key, a retry answers the first filing: the
        // claim is filed once.
        let keyed = || {
            s.send(
                req("POST", &claims)
                    .bearer(worker)
                    .header("Idempotency-Key", "claim-taxi-1")
                    .json(&claim("2025-03-10", "80.00")),
            )
        };
        let first = keyed();
        assert_eq!(first.status, 201, "{}", first.body);
        let again = keyed();
        assert_eq!(again.json()["id"], first.json()["id"], "{}", again.body);
        let r = s.send(req("GET", &path).bearer(worker));
        assert_eq!(r.json().as_array().unwrap().len(), 3);
    });
}

mod page {
    use crate::common::{Response, Session, demo, form, request, sign_in};

    fn get(path: &str, s: &Session) -> Response {
        request(demo().addr, "GET", path, &[("Cookie", &s.cookie)], None)
    }

    fn post(path: &str, s: &Session, content_type: &str, body: &str) -> Response {
        request(
            demo().addr,
            "POST",
            path,
            &[("Cookie", &s.cookie), ("X-CSRF-Token", &s.csrf)],
            Some((content_type, body.as_bytes())),
        )
    }

    /// The clerk's page of a case's bills: a bill filed (over the API with
    /// the session) is shown with its lines, settled from the page with the
    /// reason and article of the refused part; a dispute that is not one is
    /// refused; the register of institutions is a page of its own; English
    /// with `lang=en`.
    #[test]
    fn regs_art30_art48_the_case_page_of_medical_bills_settles_a_bill() {
        let clerk = sign_in("clerk");
        let number = crate::staff_ui::intake(&clerk, 30);
        for action in ["accept", "recognise"] {
            let body = form(&[("csrf_token", &clerk.csrf), ("action", action)]);
            let r = post(
                &format!("/cases/{number}/act"),
                &clerk,
                "application/x-www-form-urlencoded",
                &body,
            );
            assert_eq!(r.status, 303, "{action}: {}", r.body);
        }
        let case_page = get(&format!("/cases/{number}"), &clerk).body;
        assert!(
            case_page.contains(&format!("/cases/{number}/medical")),
            "{case_page}"
        );
        // The filing form: a refusal at its field, with what was typed.
        let page = get(&format!("/cases/{number}/medical"), &clerk).body;
        assert!(page.contains("id=\"medical-file-form\""), "{page}");
        let fields = |from: &'static str| {
            form(&[
                ("csrf_token", &clerk.csrf),
                ("route", "direct"),
                ("kind", "medical"),
                ("provider_name", "市急救中心"),
                ("service_from", from),
                ("service_until", "2026-06-11"),
                ("emergency", "on"),
                ("description", "院前急救"),
                ("within_catalogue", "450.00"),
            ])
        };
        let url = format!("/cases/{number}/medical");
        let r = post(
            &url,
            &clerk,
            "application/x-www-form-urlencoded",
            &fields("2026-06-01"),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("id=\"service_from-error\""), "{}", r.body);
        assert!(r.body.contains("value=\"市急救中心\""), "{}", r.body);
        let r = post(
            &url,
            &clerk,
            "application/x-www-form-urlencoded",
            &fields("2026-06-10"),
        );
        assert_eq!(r.status, 303, "{}", r.body);
        // A claim for costs the worker advanced, received at the counter,
        // waits on the clerk's home (the work queue) with its case.
        let claim = fields("2026-06-10").replace("route=direct", "route=manual_reimbursement");
        let r = post(&url, &clerk, "application/x-www-form-urlencoded", &claim);
        assert_eq!(r.status, 303, "{}", r.body);
        let home = get("/", &clerk).body;
        assert!(home.contains("id=\"reimbursements\""), "{home}");
        assert!(
            home.contains(&format!("href=\"/cases/{number}/medical\"")),
            "{home}"
        );
        let bill = serde_json::json!({"kind": "medical", "provider_name": "就近医院",
            "service_from": "2026-06-10", "service_until": "2026-06-12", "emergency": true,
            "lines": [{"description": "急诊抢救", "within_catalogue": "3000.00", "outside_catalogue": "200.00"}]});
        let r = post(
            &format!("/api/v1/cases/{number}/medical-bills"),
            &clerk,
            "application/json",
            &bill.to_string(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let id = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"]
            .as_i64()
            .unwrap();
        let page = get(&format!("/cases/{number}/medical"), &clerk).body;
        assert!(
            page.contains("急诊抢救") && page.contains("待结算"),
            "{page}"
        );
        let settle = format!("/cases/{number}/medical/{id}/settle");
        let r = post(
            &settle,
            &clerk,
            "application/x-www-form-urlencoded",
            &form(&[("csrf_token", &clerk.csrf), ("dispute", "appeal")]),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        let r = post(
            &settle,
            &clerk,
            "application/x-www-form-urlencoded",
            &form(&[("csrf_token", &clerk.csrf), ("dispute", "")]),
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let page = get(&format!("/cases/{number}/medical"), &clerk).body;
        assert!(page.contains("已结算"), "{page}");
        assert!(
            page.contains("3000.00") && page.contains("第三十条第二款"),
            "{page}"
        );
        let english = Session {
            cookie: format!("{}; lang=en", clerk.cookie),
            csrf: clerk.csrf.clone(),
        };
        let en = get(&format!("/cases/{number}/medical"), &english).body;
        assert!(
            en.contains("The fund pays") && en.contains("settled"),
            "{en}"
        );
        let register = get("/institutions", &clerk);
        assert_eq!(register.status, 200, "{}", register.body);
        assert!(register.body.contains("协议机构名单"), "{}", register.body);
    }
}
