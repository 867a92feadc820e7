//! Decree No. 765 Arts 9, 26, 46 (社会保险经办条例第九条、第二十六条、第四十六条):
//! shared-data matching over HTTP, on SQLite and PostgreSQL.

use serde_json::json;

use crate::api_common::{each_backend, req};

/// A clerk imports life events (a refused event names its field and
/// nothing is stored; the same events again are already there), runs the
/// matching (the recovery is required), and reads the runs, the hits and the
/// verification queue; a reviewer reads but may not run it; a worker may
/// not import.
#[test]
fn decree765_art9_the_api_imports_life_events_and_runs_the_matching() {
    each_backend(|s| {
        let clerk = s.token("clerk");
        let person = s.fixture.person_1.as_str().to_owned();
        let bad = json!({"events": [
            {"resident_id": person, "kind": "death", "event_date": "2026-01-03", "source": "public security"},
            {"resident_id": person, "kind": "pension_start", "event_date": "2026-01-01", "source": "pension agency"}
        ]});
        let r = s.send(req("POST", "/api/v1/life-events").bearer(clerk).json(&bad));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(
            (v["stored"].clone(), v["added"].clone()),
            (json!(false), json!(0))
        );
        assert_eq!(v["refused"][0]["row"], 2);
        assert_eq!(v["refused"][0]["field"], "pension_monthly");
        let good = json!({"events": [
            {"resident_id": person, "kind": "death", "event_date": "2026-01-03", "source": "public security"},
            {"resident_id": person, "kind": "pension_start", "event_date": "2026-01-01", "source": "pension agency", "pension_monthly": "2000.00"}
        ]});
        let r = s.send(req("POST", "/api/v1/life-events").bearer(clerk).json(&good));
        assert_eq!(
            (r.status, r.json()["added"].clone()),
            (200, json!(2)),
            "{}",
            r.body
        );
        let r = s.send(req("POST", "/api/v1/life-events").bearer(clerk).json(&good));
        assert_eq!(r.json()["already_there"], 2, "{}", r.body);
        let worker = s.token("worker_1");
        let r = s.send(
            req("POST", "/api/v1/life-events")
                .bearer(worker)
                .json(&good),
        );
        assert_eq!(r.status, 403, "{}", r.body);

        let r = s.send(
            req("POST", "/api/v1/matching/runs")
                .bearer(clerk)
                .json(&json!({"mode": "full", "recovery": "instalments"})),
        );
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (422, json!("months")),
            "{}",
            r.body
        );
        let reviewer = s.token("reviewer");
        let r = s.send(
            req("POST", "/api/v1/matching/runs")
                .bearer(reviewer)
                .json(&json!({"mode": "full", "recovery": "refund"})),
        );
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(
            req("POST", "/api/v1/matching/runs")
                .bearer(clerk)
                .json(&json!({"mode": "full", "recovery": "refund"})),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["run"]["events_through"], 2);
        // No benefit a unit pays was ended: nothing to tell a unit, and a
        // unit reads its own list only (the rule is the app's test
        // `decree765_art9_shared_data_death_ends_a_unit_paid_allowance_and_tells_the_unit`).
        assert_eq!(r.json()["unit_notices"], json!([]), "{}", r.body);
        let (unit_a, unit_b) = (s.fixture.unit_a.as_str(), s.fixture.unit_b.as_str());
        let own = s.send(
            req("GET", format!("/api/v1/units/{unit_a}/benefit-stops")).bearer(s.token("unit_a")),
        );
        assert_eq!((own.status, own.json()), (200, json!([])), "{}", own.body);
        let other = s.send(
            req("GET", format!("/api/v1/units/{unit_b}/benefit-stops")).bearer(s.token("unit_a")),
        );
        assert_eq!(other.status, 404, "{}", other.body);
        let runs = s.send(req("GET", "/api/v1/matching/runs").bearer(reviewer));
        assert_eq!(runs.status, 200, "{}", runs.body);
        assert_eq!(runs.json().as_array().unwrap().len(), 1);
        let hits = s.send(req("GET", "/api/v1/matching/hits?run=1").bearer(reviewer));
        assert_eq!(hits.status, 200, "{}", hits.body);
        let due = s.send(req("GET", "/api/v1/matching/verifications-due").bearer(clerk));
        assert_eq!(due.status, 200, "{}", due.body);
        assert_eq!(due.json()["period_months"], 12);
        let r = s.send(
            req("POST", "/api/v1/benefits/999/verifications")
                .bearer(clerk)
                .json(&json!({"method": "neighbour", "evidence": "seen"})),
        );
        assert_eq!(
            (r.status, r.json()["field"].clone()),
            (422, json!("method")),
            "{}",
            r.body
        );
    });
}

/// 广东省工伤保险条例 Art 37 over HTTP: a clerk suspends the Guangdong
/// benefits due for verification and the queue says which are suspended
/// since when; a reviewer may read the queue but not suspend. (The rule and
/// its figures are the app's test `gd_regs_art37_*`.)
#[test]
fn gd_regs_art37_the_api_suspends_the_unverified_and_the_queue_says_so() {
    each_backend(|s| {
        let clerk = s.token("clerk");
        let reviewer = s.token("reviewer");
        // A Guangzhou worker's death: the spouse's pension, never verified.
        let f = &s.fixture;
        let number = "GS-2025-ART37";
        crate::flows::recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let r = s.send(
            req("POST", format!("/api/v1/cases/{number}/awards"))
                .bearer(clerk)
                .json(
                    &json!({"facts": {"own_wage": "8500.00", "death_date": "2025-03-20",
                    "dependants": {"spouse": true, "others": 0}}}),
                ),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let award = r.json()["award"]["id"].as_i64().unwrap();
        let r = s.send(req("POST", format!("/api/v1/awards/{award}/approve")).bearer(reviewer));
        assert_eq!(r.status, 200, "{}", r.body);
        let r =
            s.send(req("POST", "/api/v1/matching/verifications-due/suspensions").bearer(reviewer));
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(req("POST", "/api/v1/matching/verifications-due/suspensions").bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["period_months"], 12, "{v}");
        let suspended: Vec<i64> = v["suspended"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["benefit_id"].as_i64().unwrap())
            .collect();
        assert_eq!(suspended.len(), 1, "the spouse's pension: {v}");
        let due = s.send(req("GET", "/api/v1/matching/verifications-due").bearer(reviewer));
        assert_eq!(due.status, 200, "{}", due.body);
        for d in due.json()["due"].as_array().unwrap() {
            let id = d["benefit_id"].as_i64().unwrap();
            assert_eq!(
                d.get("suspended_on").is_some(),
                suspended.contains(&id),
                "{d}"
            );
        }
        let again =
            s.send(req("POST", "/api/v1/matching/verifications-due/suspensions").bearer(clerk));
        assert_eq!(again.json()["suspended"], json!([]), "{}", again.body);
    });
}

fn get(path: &str, s: &crate::common::Session) -> crate::common::Response {
    use crate::common::{demo, request};
    request(demo().addr, "GET", path, &[("Cookie", &s.cookie)], None)
}

/// Decree 765 Arts 9, 26: the clerk's matching page (demo server) offers the
/// run with the recovery to choose (nothing preset); a run without it is
/// refused next to the field in Chinese with the mode kept as chosen; the
/// hits and the verification queue (12 months, said to be assumed) are
/// listed. A reviewer reads the page without the form; a worker may not.
#[test]
fn decree765_art26_the_clerks_matching_page_refuses_a_run_without_a_recovery_at_the_field() {
    use crate::common::{demo, form, request, sign_in};
    let clerk = sign_in("clerk");
    let page = get("/matching", &clerk);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("共享数据比对"), "{}", page.body);
    assert!(page.body.contains("id=\"run-matching\""));
    assert!(page.body.contains("认证周期 12 个月，为假定值"));
    let body = form(&[
        ("csrf_token", &clerk.csrf),
        ("mode", "full"),
        ("recovery", ""),
        ("months", ""),
    ]);
    let r = request(
        demo().addr,
        "POST",
        "/matching/run",
        &[("Cookie", &clerk.cookie)],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"recovery-error\""), "{}", r.body);
    assert!(r.body.contains("请选择追回方式"), "{}", r.body);
    assert!(r.body.contains("value=\"full\" selected"), "{}", r.body);
    let reviewer = sign_in("reviewer");
    let page = get("/matching", &reviewer);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("id=\"run-matching\""));
    assert!(!page.body.contains("id=\"suspend-unverified\""));
    let worker = sign_in("worker");
    let page = get("/matching", &worker);
    assert!(matches!(page.status, 403 | 404), "{}", page.status);
}
