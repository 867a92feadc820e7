//! Monitoring runs through the API (issue 16): `POST /monitor/runs` in full
//! or incremental mode, the incremental run an order import starts by
//! itself, and `GET /monitor/runs` with each run's mode and the ids it
//! covered.

use serde_json::{Value, json};

use crate::api_common::*;

fn run(s: &TestServer, query: &str) -> Resp {
    s.send(req("POST", format!("/api/v1/monitor/runs{query}")).bearer(s.token("clerk")))
}

#[test]
fn an_incremental_run_covers_what_was_imported_since_the_last_run() {
    each_backend(|s| {
        // No run yet: asked incremental, it runs in full and sets the marks.
        let r = run(s, "?mode=incremental");
        assert_eq!(r.status, 201, "{}", r.body);
        let first = r.json();
        assert_eq!(
            (first["asked"].as_str(), first["mode"].as_str()),
            (Some("incremental"), Some("full"))
        );
        assert!(first["watermarks"]["order_batch_days"].is_i64(), "{first}");

        // A rider's day from 05:50 to 23:10 (China time) imported: the
        // import runs the monitoring incrementally by itself.
        let order = |id: &str, at: &str| {
            json!({"platform": "meituan", "order_id": id, "resident_id": resident(1).as_str(),
                "ordered_at": format!("2025-07-02T{at}:00+08:00"), "industry": "instant_delivery",
                "province": "44"})
        };
        let r = s.send(
            req("POST", "/api/v1/orders/imports")
                .bearer(s.token("clerk"))
                .json(&json!({"orders": [order("long-1", "05:50"), order("long-2", "23:10")]})),
        );
        assert_eq!(r.json()["rows_added"].as_u64(), Some(2), "{}", r.body);
        let r = s.send(req("GET", "/api/v1/monitor/runs?limit=2").bearer(s.token("analyst")));
        assert_eq!(r.status, 200, "{}", r.body);
        let runs: Vec<Value> = r.json().as_array().unwrap().clone();
        assert_eq!(runs.len(), 2);
        let after_import = &runs[0];
        assert_eq!(
            after_import["mode"].as_str(),
            Some("incremental"),
            "{after_import}"
        );
        assert_eq!(after_import["since"], first["watermarks"]);
        assert_eq!(
            after_import["flags_new"].as_i64(),
            Some(1),
            "{after_import}"
        );
        assert!(
            after_import["watermarks"]["order_batch_days"].as_i64()
                > first["watermarks"]["order_batch_days"].as_i64()
        );

        // Nothing new since: an incremental run finds nothing; a full run
        // finds the flag again but adds nothing.
        let idle = run(s, "?mode=incremental").json();
        assert_eq!(
            (idle["mode"].as_str(), idle["flags_found"].as_i64()),
            (Some("incremental"), Some(0))
        );
        let full = run(s, "?mode=full").json();
        assert_eq!(full["mode"].as_str(), Some("full"));
        assert_eq!(full["flags_new"].as_i64(), Some(0), "{full}");

        let bad = run(s, "?mode=sometimes");
        assert_eq!(
            (bad.status, bad.field().as_deref()),
            (422, Some("mode")),
            "{}",
            bad.body
        );
        let unit = s.send(req("GET", "/api/v1/monitor/runs").bearer(s.token("unit_a")));
        assert_eq!(unit.status, 403, "{}", unit.body);
    });
}

/// Signs in through the web UI's login form; the session cookie.
fn ui_session(s: &TestServer, login: &str) -> String {
    let (cookie, token) = crate::common::login_form_token(s.addr);
    let r = s.send(req("POST", "/login").header("Cookie", &cookie).raw(
        "application/x-www-form-urlencoded",
        &format!(
            "login={login}&password={}&login_csrf={token}",
            PASSWORD.replace(' ', "+")
        ),
    ));
    assert_eq!(r.status, 303, "{login} signs in: {}", r.body);
    r.header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// Issue 16: the incremental run after an import that fails is not silent:
/// the import stands and its answer says the run failed and why; the
/// `/monitor` page shows the failure (in words, with no file path) and a
/// button to run again, until a run succeeds.
#[test]
fn a_failed_run_after_an_import_is_in_the_answer_and_on_the_monitor_page() {
    each_backend(|s| {
        assert_eq!(run(s, "?mode=full").status, 201);
        s.app.fail_monitor_runs_with(Some("disk full"));
        let r = s.send(
            req("POST", "/api/v1/orders/imports")
                .bearer(s.token("clerk"))
                .json(
                    &json!({"orders": [{"platform": "meituan", "order_id": "fail-1",
                    "resident_id": resident(1).as_str(), "ordered_at": "2025-07-02T10:00:00+08:00",
                    "industry": "instant_delivery", "province": "44"}]}),
                ),
        );
        s.app.fail_monitor_runs_with(None);
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        assert_eq!(v["rows_added"].as_u64(), Some(1), "the import stands: {v}");
        assert_eq!(v["monitoring"]["outcome"].as_str(), Some("failed"), "{v}");
        assert!(
            v["monitoring"]["reason"]
                .as_str()
                .is_some_and(|r| r.contains("disk full")),
            "{v}"
        );

        let cookie = ui_session(s, "clerk");
        let page = s.send(req("GET", "/monitor").header("Cookie", &cookie));
        assert_eq!(page.status, 200, "{}", page.body);
        for text in [
            "id=\"monitor-failure\"",
            "上次监测运行失败",
            "导入批次 #",
            "disk full",
            "重新运行",
        ] {
            assert!(page.body.contains(text), "{text}: {}", page.body);
        }
        assert!(!page.body.contains("policies/"), "{}", page.body);

        let again = run(s, "?mode=incremental");
        assert_eq!(again.status, 201, "{}", again.body);
        let ok = s.send(
            req("POST", "/api/v1/orders/imports")
                .bearer(s.token("clerk"))
                .json(
                    &json!({"orders": [{"platform": "meituan", "order_id": "fail-2",
                    "resident_id": resident(1).as_str(), "ordered_at": "2025-07-03T10:00:00+08:00",
                    "industry": "instant_delivery", "province": "44"}]}),
                ),
        );
        assert_eq!(
            ok.json()["monitoring"]["outcome"].as_str(),
            Some("ran"),
            "{}",
            ok.body
        );
        let page = s.send(req("GET", "/monitor?lang=en").header("Cookie", &cookie));
        assert!(!page.body.contains("monitor-failure"), "{}", page.body);
        assert!(
            page.body.contains("dated policy parameters"),
            "{}",
            page.body
        );
    });
}

/// Issue 16: the life-event import and the matching run say the monitoring
/// run after them as the order import does: in the API's answer (failed,
/// and why; ran), and on the matching page, with the note the platform's
/// order page shows.
#[test]
fn life_events_and_matching_say_a_failed_run_after_them() {
    each_backend(|s| {
        assert_eq!(run(s, "?mode=full").status, 201);
        let events = |on: &str| {
            json!({"events": [{"resident_id": resident(1).as_str(), "kind": "alive",
                "event_date": on, "source": "civil affairs"}]})
        };
        let matching = json!({"mode": "incremental", "recovery": "refund"});
        s.app.fail_monitor_runs_with(Some("disk full"));
        let imported = s.send(
            req("POST", "/api/v1/life-events")
                .bearer(s.token("clerk"))
                .json(&events("2025-07-01")),
        );
        let matched = s.send(
            req("POST", "/api/v1/matching/runs")
                .bearer(s.token("clerk"))
                .json(&matching),
        );
        let cookie = ui_session(s, "clerk");
        let form = s.send(req("GET", "/matching").header("Cookie", &cookie));
        let csrf = form
            .body
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the run form's token")
            .to_owned();
        let page = s.send(req("POST", "/matching/run").header("Cookie", &cookie).raw(
            "application/x-www-form-urlencoded",
            &format!("csrf_token={csrf}&mode=incremental&recovery=refund"),
        ));
        s.app.fail_monitor_runs_with(None);

        assert_eq!(imported.status, 200, "{}", imported.body);
        let v = imported.json();
        assert_eq!(v["added"].as_u64(), Some(1), "the import stands: {v}");
        assert_eq!(v["monitoring"]["outcome"].as_str(), Some("failed"), "{v}");
        assert!(
            v["monitoring"]["reason"]
                .as_str()
                .is_some_and(|r| r.contains("disk full")),
            "{v}"
        );
        assert_eq!(matched.status, 201, "{}", matched.body);
        let v = matched.json();
        assert!(v["run"]["id"].is_i64(), "the run stands: {v}");
        assert_eq!(v["monitoring"]["outcome"].as_str(), Some("failed"), "{v}");

        assert_eq!(page.status, 200, "{}", page.body);
        for text in [
            "id=\"import-monitoring\"",
            "比对后的自动监测未能完成",
            "disk full",
        ] {
            assert!(page.body.contains(text), "{text}: {}", page.body);
        }

        let ran = s.send(
            req("POST", "/api/v1/life-events")
                .bearer(s.token("clerk"))
                .json(&events("2025-07-02")),
        );
        assert_eq!(
            ran.json()["monitoring"]["outcome"].as_str(),
            Some("ran"),
            "{}",
            ran.body
        );
        let page = s.send(req("POST", "/matching/run").header("Cookie", &cookie).raw(
            "application/x-www-form-urlencoded",
            &format!("csrf_token={csrf}&mode=incremental&recovery=refund"),
        ));
        assert_eq!(page.status, 303, "a run that ran goes back to the page");
    });
}
