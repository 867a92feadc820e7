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
