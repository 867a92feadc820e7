//! Regulations Art 41 (《工伤保险条例》第四十一条), a worker missing after an
//! accident, over HTTP: the API on SQLite and PostgreSQL, and the clerk's
//! case page on the demo server (refusals next to their field, in Chinese).

use serde_json::json;

use crate::api_common::{each_backend, req};
use crate::common::{Session, get, location, post, sign_in};
use crate::flows::recognised_case;

/// The API: an accident of 2025-03-10 (recognised, see `flows`); the worker
/// went missing on a work trip on 2025-03-12: the employer pays March, April
/// and May; the survivors' pensions from June 2025 (the fourth month). Own
/// wage 9,000.00, a spouse and a child: 9,000.00 × 40% + 9,000.00 × 30% =
/// 6,300.00 a month, proposed for review.
#[test]
fn art41_the_api_records_a_missing_worker_and_computes_the_pensions_from_the_fourth_month() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let number = "GS-2025-M41";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let path = format!("/api/v1/cases/{number}/missing");
        let none = s.send(req("GET", &path).bearer(clerk));
        assert_eq!(none.status, 200, "{}", none.body);
        assert_eq!(none.json()["status"], "not_reported");
        // The circumstance is required, named at its field.
        let r = s.send(
            req("POST", &path)
                .bearer(clerk)
                .json(&json!({"command": "report_missing"})),
        );
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (422, json!("circumstance")),
            "{}",
            r.body
        );
        // The worker's side may not record it.
        let r = s.send(req("POST", &path).bearer(s.token("worker_1")).json(
            &json!({"command": "report_missing", "circumstance": "work_trip", "on": "2025-03-12"}),
        ));
        assert!(matches!(r.status, 403 | 404), "{}", r.body);
        let r = s.send(req("POST", &path).bearer(clerk).json(
            &json!({"command": "report_missing", "circumstance": "work_trip", "on": "2025-03-12"}),
        ));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["status"], "missing");
        assert_eq!(
            v["employer_wage_months"],
            json!(["2025-03", "2025-04", "2025-05"])
        );
        assert_eq!(v["pensions_from"], "2025-06");
        assert_eq!(
            v["allowed"],
            json!(["apply_for_advance", "declare_dead", "reappear"])
        );
        // Declared dead before the worker went missing: refused at the field.
        let r = s.send(req("POST", &path).bearer(clerk).json(
            &json!({"command": "declare_dead", "judgment_on": "2025-03-01", "on": "2025-06-01"}),
        ));
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (422, json!("judgment_on")),
            "{}",
            r.body
        );

        let r = s.send(
            req("POST", format!("{path}/awards"))
                .bearer(clerk)
                .json(&json!({
                    "facts": {"own_wage": "9000.00", "dependants": {"spouse": true, "others": 1}}
                })),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let award = r.json();
        assert_eq!(award["award"]["status"], "proposed");
        assert_eq!(award["award"]["monthly"], "6300.00");
        let steps = award["trace"]["steps"].as_array().unwrap();
        assert!(
            steps
                .iter()
                .any(|s| s["rule"] == "art41.wages_three_months"),
            "{}",
            award["trace"]
        );
        let record = s.send(req("GET", &path).bearer(clerk)).json();
        assert_eq!(record["events"].as_array().unwrap().len(), 1);
        assert_eq!(record["events"][0]["kind"], "went_missing");
    });
}

/// The clerk's case page (accident of 2026-06-10): the Art 41 section
/// offers what the record allows; a refusal stands next to its field in
/// Chinese with what was typed; once recorded the page says which months
/// the employer pays (June, July, August) and that the pensions start in
/// September 2026; the award form proposes the award for review.
#[test]
fn art41_the_clerks_case_page_records_a_missing_worker_with_refusals_at_the_field() {
    let clerk = sign_in("clerk");
    let number = crate::staff_ui::intake(&clerk, 41);
    for action in ["accept", "recognise"] {
        let r = post(
            &format!("/cases/{number}/act"),
            &clerk,
            &[("action", action)],
        );
        assert_eq!(location(&r), format!("/cases/{number}"), "{action}");
    }
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("id=\"missing\""), "{page}");
    assert!(page.contains("第四十一条"));
    assert!(page.contains("value=\"report_missing\""));
    // No circumstance: refused at it, the command kept as chosen.
    let missing = format!("/cases/{number}/missing");
    let r = post(
        &missing,
        &clerk,
        &[("missing_command", "report_missing"), ("on", "2026-06-10")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"circumstance-error\""), "{}", r.body);
    assert!(
        r.body.contains("因工外出期间发生事故，或在抢险救灾中"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"2026-06-10\""));
    let r = post(
        &missing,
        &clerk,
        &[
            ("missing_command", "report_missing"),
            ("circumstance", "disaster_relief"),
            ("on", "2026-06-10"),
        ],
    );
    assert_eq!(location(&r), format!("/cases/{number}"));
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("用人单位照发工资的月份"), "{page}");
    assert!(page.contains("2026-06、2026-07、2026-08"), "{page}");
    assert!(page.contains("2026-09"));
    assert!(page.contains("在抢险救灾中"));
    // The advance once: a second application is refused at the command.
    let advance = [
        ("missing_command", "apply_for_advance"),
        ("on", "2026-06-20"),
    ];
    assert_eq!(
        location(&post(&missing, &clerk, &advance)),
        format!("/cases/{number}")
    );
    let r = post(&missing, &clerk, &advance);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"advance-error\""), "{}", r.body);
    assert!(r.body.contains("只能预支一次"), "{}", r.body);
    // The award: no wage is refused at it; then proposed for review.
    let award = format!("/cases/{number}/missing/award");
    let r = post(
        &award,
        &clerk,
        &[("own_wage", ""), ("spouse", "true"), ("others", "1")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"own_wage-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"1\""));
    let r = post(
        &award,
        &clerk,
        &[("own_wage", "9000.00"), ("spouse", "true"), ("others", "1")],
    );
    let to = location(&r);
    assert!(to.starts_with("/awards/"), "{to}");
    // In English too: the section and the refusal at its field.
    let english = Session {
        cookie: format!("{}; lang=en", clerk.cookie),
        csrf: clerk.csrf.clone(),
    };
    let en = get(&format!("/cases/{number}"), &english).body;
    assert!(en.contains("Worker missing (Regulations Art 41)"), "{en}");
    assert!(en.contains("Months the employer pays wages"));
    let r = post(&missing, &english, &advance);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"advance-error\""), "{}", r.body);
    assert!(
        r.body.contains("half the death benefit is advanced once"),
        "{}",
        r.body
    );
}
