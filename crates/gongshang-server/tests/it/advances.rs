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
