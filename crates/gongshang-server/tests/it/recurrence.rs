//! Regulations Art 38 (《工伤保险条例》第三十八条), a recurrence of a
//! recognised injury, over HTTP: the API on SQLite and PostgreSQL, and the
//! clerk's case page on the demo server (refusals next to their field).

use serde_json::json;

use crate::api_common::{each_backend, req};
use crate::common::{Session, get, location, post, sign_in};
use crate::flows::recognised_case;

/// The API: the accident of 2025-03-10 (recognised, see `flows`) recurs on
/// 2025-06-01, confirmed by the treating hospital on 2025-06-10; the wage
/// at the recurrence is 7,800.00 and 3 months off work are needed:
/// 7,800.00 × 3 = 23,400.00, paid by the employer, approved by a reviewer.
#[test]
fn regs_art38_the_api_records_a_recurrence_on_the_old_case_and_its_suspension_wages() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let reviewer = s.token("reviewer");
        let number = "GS-2025-R38";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let path = format!("/api/v1/cases/{number}/recurrences");
        let none = s.send(req("GET", &path).bearer(clerk));
        assert_eq!(none.status, 200, "{}", none.body);
        assert_eq!(none.json(), json!([]));
        let body = |confirmed_by: &str, confirmed_on: &str| {
            json!({
                "recurred_on": "2025-06-01", "confirmed_by": confirmed_by,
                "confirming_body_name": "广州市红十字会医院", "confirmed_on": confirmed_on,
                "document": "穗复发确〔2025〕0610号", "medical_note": "住院治疗费用由基金结算"
            })
        };
        // An unknown body and a confirmation before the recurrence: 422 at the field.
        let r = s.send(
            req("POST", &path)
                .bearer(clerk)
                .json(&body("hospital", "2025-06-10")),
        );
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (422, json!("confirmed_by")),
            "{}",
            r.body
        );
        let r = s.send(
            req("POST", &path)
                .bearer(clerk)
                .json(&body("agreement_institution", "2025-05-31")),
        );
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (422, json!("confirmed_on")),
            "{}",
            r.body
        );
        // The worker's side may not record it.
        let r = s.send(
            req("POST", &path)
                .bearer(s.token("worker_1"))
                .json(&body("agreement_institution", "2025-06-10")),
        );
        assert!(matches!(r.status, 403 | 404), "{}", r.body);
        let r = s.send(
            req("POST", &path)
                .bearer(clerk)
                .json(&body("agreement_institution", "2025-06-10")),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["seq"], 1);
        assert_eq!(r.json()["confirmed_by"], "agreement_institution");

        let r = s.send(
            req("POST", format!("{path}/1/awards"))
                .bearer(clerk)
                .json(&json!({"wage_at_recurrence": "7800.00", "suspension_months": 3})),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let award = r.json();
        assert_eq!(award["status"], "proposed");
        assert_eq!(award["suspension_wages"], "23400.00");
        assert_eq!(award["payer"], "employer");
        let steps = award["trace"]["steps"].as_array().unwrap();
        assert!(
            steps.iter().any(|s| s["rule"] == "art38.recurrence"),
            "{}",
            award["trace"]
        );
        let id = award["id"].as_i64().unwrap();
        // The clerk may not approve; the reviewer does.
        let approve = format!("/api/v1/recurrence-awards/{id}/approve");
        let r = s.send(req("POST", &approve).bearer(clerk));
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(req("POST", &approve).bearer(reviewer));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["status"], "approved");
        let all = s.send(req("GET", &path).bearer(reviewer)).json();
        assert_eq!(all[0]["awards"][0]["status"], "approved");
        // The worker reads the recurrence of their own case and what the
        // employer owes.
        let own = s.send(req("GET", &path).bearer(s.token("worker_1")));
        assert_eq!(own.status, 200, "{}", own.body);
        assert_eq!(own.json()[0]["awards"][0]["suspension_wages"], "23400.00");
    });
}

/// The clerk's case page (accident of 2026-06-10): before recognition the
/// section says a recurrence follows recognition; after it, the form
/// records one; a confirmation before the recurrence is refused next to
/// its field with what was typed; the suspension wages (7,800.00 × 2 =
/// 15,600.00) go for review and the reviewer approves them on the page.
#[test]
fn regs_art38_the_clerks_case_page_offers_a_recurrence_on_a_recognised_case() {
    let clerk = sign_in("clerk");
    let number = crate::staff_ui::intake(&clerk, 38);
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("id=\"recurrence\""), "{page}");
    assert!(!page.contains("id=\"recurrence-form\""), "{page}");
    for action in ["accept", "recognise"] {
        let r = post(
            &format!("/cases/{number}/act"),
            &clerk,
            &[("action", action)],
        );
        assert_eq!(location(&r), format!("/cases/{number}"), "{action}");
    }
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("id=\"recurrence-form\""), "{page}");
    assert!(page.contains("第三十八条"));
    let url = format!("/cases/{number}/recurrence");
    let fields = |confirmed_on: &'static str| {
        [
            ("recurred_on", "2026-06-12"),
            ("confirmed_by", "agreement_institution"),
            ("confirming_body_name", "广州市红十字会医院"),
            ("confirmed_on", confirmed_on),
            ("document", "穗复发确〔2026〕0615号"),
            ("medical_note", ""),
        ]
    };
    let r = post(&url, &clerk, &fields("2026-06-11"));
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"confirmed_on-error\""), "{}", r.body);
    assert!(r.body.contains("不早于复发日期"), "{}", r.body);
    assert!(r.body.contains("value=\"广州市红十字会医院\""));
    assert_eq!(
        location(&post(&url, &clerk, &fields("2026-06-15"))),
        format!("/cases/{number}")
    );
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("穗复发确〔2026〕0615号"), "{page}");
    assert!(page.contains("第1次复发"), "{page}");
    // No wage: refused at it.
    let award = format!("/cases/{number}/recurrence/award");
    let r = post(
        &award,
        &clerk,
        &[
            ("recurrence", "1"),
            ("wage_at_recurrence", ""),
            ("suspension_months", "2"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("id=\"wage_at_recurrence-error\""),
        "{}",
        r.body
    );
    let r = post(
        &award,
        &clerk,
        &[
            ("recurrence", "1"),
            ("wage_at_recurrence", "7800.00"),
            ("suspension_months", "2"),
        ],
    );
    assert_eq!(location(&r), format!("/cases/{number}"));
    let reviewer = sign_in("reviewer");
    let page = get(&format!("/cases/{number}"), &reviewer).body;
    assert!(page.contains("15600.00"), "{page}");
    assert!(page.contains("待复核"), "{page}");
    let id = page
        .split("name=\"recurrence_award\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an approve button")
        .to_owned();
    let r = post(
        &format!("/cases/{number}/recurrence/approve"),
        &reviewer,
        &[("recurrence_award", &id)],
    );
    assert_eq!(location(&r), format!("/cases/{number}"));
    let page = get(&format!("/cases/{number}"), &reviewer).body;
    assert!(page.contains("已核准"), "{page}");
    // In English too.
    let english = Session {
        cookie: format!("{}; lang=en", clerk.cookie),
        csrf: clerk.csrf.clone(),
    };
    let en = get(&format!("/cases/{number}"), &english).body;
    assert!(
        en.contains("Recurrence of the injury (Regulations Art 38)"),
        "{en}"
    );
}
