//! Saved scenarios and simulation jobs over the API (issue 14): save a
//! reform, start a job of it, poll until it is done, read its result (the
//! synchronous endpoint's answer for the same request) and export it.

use serde_json::{Value, json};

use crate::api_common::{TestServer, each_backend, req};

const REFORM: &str = "name = \"ceiling 350%\"\n[[override]]\nkey = \"benefit_wage.ceiling_share\"\nfrom = 2027-01-01\nvalue = \"350%\"\nnote = \"raised\"\n";

/// Reads the job until it ends (bounded, so that a stuck job fails the test
/// instead of hanging it; no time is asserted).
fn poll_until_finished(s: &TestServer, token: &str, id: i64) -> Value {
    for _ in 0..6000 {
        let r = s.send(req("GET", format!("/api/v1/fund/simulation-jobs/{id}")).bearer(token));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        if matches!(
            v["status"].as_str(),
            Some("done" | "failed" | "interrupted")
        ) {
            return v;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("simulation job {id} did not finish");
}

#[test]
fn an_analyst_saves_a_scenario_runs_it_as_a_job_and_reads_the_result() {
    each_backend(|s| {
        let analyst = s.token("analyst");
        let saved = s.send(
            req("POST", "/api/v1/fund/scenarios")
                .bearer(analyst)
                .json(&json!({"name": "ceiling", "description": "ceiling to 350%", "reform": "name = \"first\"\n"})),
        );
        assert_eq!(saved.status, 201, "{}", saved.body);
        assert_eq!(saved.json()["version"], 1);
        let again = s.send(
            req("POST", "/api/v1/fund/scenarios")
                .bearer(analyst)
                .json(&json!({"name": "ceiling", "reform": REFORM})),
        );
        assert_eq!(again.json()["version"], 2, "{}", again.body);
        let refused = s.send(
            req("POST", "/api/v1/fund/scenarios")
                .bearer(analyst)
                .json(&json!({"name": "ceiling", "reform": "name = \"x\"\n[[override]]\nkey = \"no.such\"\nfrom = 2027-01-01\nvalue = \"1%\"\nnote = \"n\"\n"})),
        );
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(
            refused.field().as_deref(),
            Some("override"),
            "{}",
            refused.body
        );
        let versions = s.send(req("GET", "/api/v1/fund/scenarios/ceiling").bearer(analyst));
        assert_eq!(
            versions.json()["versions"].as_array().unwrap().len(),
            2,
            "{}",
            versions.body
        );

        let params = json!({"people": 4000, "years": 3, "replicates": 5, "seed": 3});
        let mut body = params.clone();
        body["scenario"] = json!("ceiling");
        let started = s.send(
            req("POST", "/api/v1/fund/simulation-jobs")
                .bearer(analyst)
                .json(&body),
        );
        assert_eq!(started.status, 202, "{}", started.body);
        let id = started.json()["id"].as_i64().unwrap();
        assert_eq!(
            started.header("location"),
            Some(format!("/api/v1/fund/simulation-jobs/{id}").as_str())
        );
        assert_eq!(started.json()["total"], 100);
        let done = poll_until_finished(s, analyst, id);
        assert_eq!(done["status"], "done", "{done}");
        assert_eq!(done["scenario"], "ceiling");
        assert_eq!(done["scenario_version"], 2);
        assert_eq!(done["done"], done["total"]);
        let mut inline = params.clone();
        inline["reform"] = json!(REFORM);
        let synchronous = s.send(
            req("POST", "/api/v1/fund/simulations")
                .bearer(analyst)
                .json(&inline),
        );
        assert_eq!(synchronous.status, 200, "{}", synchronous.body);
        assert_eq!(done["result"], synchronous.json());

        let csv = s.send(
            req(
                "GET",
                format!("/api/v1/fund/simulation-jobs/{id}/result?format=csv"),
            )
            .bearer(analyst),
        );
        assert_eq!(csv.status, 200, "{}", csv.body);
        assert!(
            csv.body
                .trim_start_matches('\u{feff}')
                .starts_with("scenario,year,insured"),
            "{}",
            csv.body
        );
        let listed = s.send(req("GET", "/api/v1/fund/simulation-jobs").bearer(analyst));
        assert_eq!(listed.json()[0]["id"], id, "{}", listed.body);
        assert_eq!(listed.json()[0]["result"], Value::Null);

        // Archived: off the list, its versions still read; nothing deleted.
        let archived =
            s.send(req("POST", "/api/v1/fund/scenarios/ceiling/archive").bearer(analyst));
        assert_eq!(archived.status, 200, "{}", archived.body);
        assert_eq!(archived.json()["version"], 2);
        let list = s.send(req("GET", "/api/v1/fund/scenarios").bearer(analyst));
        assert_eq!(list.json(), json!([]), "{}", list.body);
        let all = s.send(req("GET", "/api/v1/fund/scenarios?archived=true").bearer(analyst));
        assert_eq!(all.json()[0]["name"], "ceiling", "{}", all.body);
        let versions = s.send(req("GET", "/api/v1/fund/scenarios/ceiling").bearer(analyst));
        assert_eq!(versions.json()["versions"].as_array().unwrap().len(), 2);
    });
}

#[test]
fn a_job_refused_at_the_start_queues_nothing_and_a_failed_one_keeps_its_error() {
    each_backend(|s| {
        let analyst = s.token("analyst");
        let big = s.send(
            req("POST", "/api/v1/fund/simulation-jobs")
                .bearer(analyst)
                .json(&json!({"people": 10_000_001})),
        );
        assert_eq!(big.status, 422, "{}", big.body);
        assert_eq!(big.field().as_deref(), Some("people"));
        let unknown = s.send(
            req("POST", "/api/v1/fund/simulation-jobs")
                .bearer(analyst)
                .json(&json!({"people": 10, "scenario": "no such"})),
        );
        assert_eq!(unknown.status, 404, "{}", unknown.body);
        let listed = s.send(req("GET", "/api/v1/fund/simulation-jobs").bearer(analyst));
        assert_eq!(listed.json(), json!([]));
        // Nobody is enrolled in 2000: the job runs and fails, saying why.
        let empty = s.send(
            req("POST", "/api/v1/fund/simulation-jobs")
                .bearer(analyst)
                .json(&json!({"stored_on": "2000-01-01", "years": 1})),
        );
        assert_eq!(empty.status, 202, "{}", empty.body);
        let failed = poll_until_finished(s, analyst, empty.json()["id"].as_i64().unwrap());
        assert_eq!(failed["status"], "failed", "{failed}");
        assert_eq!(failed["error"]["field"], "population", "{failed}");
        let no_result = s.send(
            req(
                "GET",
                format!("/api/v1/fund/simulation-jobs/{}/result", failed["id"]),
            )
            .bearer(analyst),
        );
        assert_eq!(no_result.status, 409, "{}", no_result.body);
    });
}

#[test]
fn only_those_who_may_simulate_keep_scenarios_and_run_jobs() {
    each_backend(|s| {
        for who in ["worker_1", "unit_a", "front_desk"] {
            let t = s.token(who);
            let r = s.send(req("GET", "/api/v1/fund/scenarios").bearer(t));
            assert_eq!(r.status, 403, "{who}: {}", r.body);
            let r = s.send(
                req("POST", "/api/v1/fund/simulation-jobs")
                    .bearer(t)
                    .json(&json!({"people": 10})),
            );
            assert_eq!(r.status, 403, "{who}: {}", r.body);
        }
        let clerk = s.token("clerk");
        let r = s.send(req("GET", "/api/v1/fund/simulation-jobs").bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
    });
}

#[test]
fn two_done_jobs_compare_over_the_api() {
    each_backend(|s| {
        let analyst = s.token("analyst");
        let start = |reform: Option<&str>| {
            let mut body = json!({"people": 3000, "years": 3, "seed": 5});
            if let Some(r) = reform {
                body["reform"] = json!(r);
            }
            let r = s.send(
                req("POST", "/api/v1/fund/simulation-jobs")
                    .bearer(analyst)
                    .json(&body),
            );
            assert_eq!(r.status, 202, "{}", r.body);
            r.json()["id"].as_i64().unwrap()
        };
        let a = start(None);
        let b = start(Some(REFORM));
        poll_until_finished(s, analyst, a);
        poll_until_finished(s, analyst, b);
        let c = s.send(
            req(
                "GET",
                format!("/api/v1/fund/simulation-jobs/compare?a={a}&b={b}"),
            )
            .bearer(analyst),
        );
        assert_eq!(c.status, 200, "{}", c.body);
        let v = c.json();
        assert_eq!(
            (v["a"]["id"].as_i64(), v["b"]["id"].as_i64()),
            (Some(a), Some(b))
        );
        let years = v["years"].as_array().unwrap();
        assert_eq!(years.len(), 3, "{v}");
        for y in years {
            assert_eq!(
                y["reserve_difference_fen"].as_i64().unwrap(),
                y["reserve_b_fen"].as_i64().unwrap() - y["reserve_a_fen"].as_i64().unwrap()
            );
        }
        // A job that does not exist is not found (one without a result is
        // refused under its letter: the app's test).
        let refused = s.send(
            req(
                "GET",
                format!("/api/v1/fund/simulation-jobs/compare?a={a}&b=999999"),
            )
            .bearer(analyst),
        );
        assert_eq!(refused.status, 404, "{}", refused.body);
        let worker = s.token("worker_1");
        let forbidden = s.send(
            req(
                "GET",
                format!("/api/v1/fund/simulation-jobs/compare?a={a}&b={b}"),
            )
            .bearer(worker),
        );
        assert_eq!(forbidden.status, 403, "{}", forbidden.body);
    });
}
