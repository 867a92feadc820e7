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
    });
}
