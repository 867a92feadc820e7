//! Saved scenarios (versions kept, archiving hides, nothing deleted) and
//! simulation jobs (claimed once, progress, result or error, interrupted
//! when found running), on both backends.

use gongshang_store::simulations::{JobError, JobStatus, NewScenario, NewSimulationJob};
use jiff::civil::date;

use crate::common::{at, each_backend, now};

fn scenario(name: &str, reform: &str) -> NewScenario {
    NewScenario {
        name: name.into(),
        description: format!("{name}: a test"),
        reform: reform.into(),
    }
}

fn synthetic_job(scenario_id: Option<i64>, seed: u64) -> NewSimulationJob {
    NewSimulationJob {
        scenario_id,
        reform: Some("name = \"r\"".into()),
        people: Some(1000),
        stored_on: None,
        unitless_class: None,
        seed,
        start_year: 2026,
        years: 3,
        replicates: 0,
        total: 3,
    }
}

#[test]
fn saving_under_a_name_again_makes_a_version_and_keeps_the_old_ones() {
    each_backend(|db| {
        let s = &db.store;
        let v1 = s
            .save_scenario(&scenario("band", "one"), "analyst:s1", now())
            .unwrap();
        let v2 = s
            .save_scenario(
                &scenario("band", "two"),
                "analyst:s2",
                at("2025-03-02T08:00:00Z"),
            )
            .unwrap();
        s.save_scenario(&scenario("price", "three"), "analyst:s1", now())
            .unwrap();
        assert_eq!((v1.version, v2.version), (1, 2), "{}", db.name);
        let versions = s.scenario_versions("band").unwrap();
        let kept: Vec<(i64, &str, &str)> = versions
            .iter()
            .map(|v| (v.version, v.reform.as_str(), v.saved_by.as_str()))
            .collect();
        assert_eq!(
            kept,
            [(1, "one", "analyst:s1"), (2, "two", "analyst:s2")],
            "{}",
            db.name
        );
        let listed: Vec<(String, i64)> = s
            .latest_scenarios(false)
            .unwrap()
            .into_iter()
            .map(|v| (v.name, v.version))
            .collect();
        assert_eq!(
            listed,
            [("band".to_owned(), 2), ("price".to_owned(), 1)],
            "{}",
            db.name
        );
        assert_eq!(s.scenario_by_id(v1.id).unwrap().unwrap().reform, "one");
    });
}

#[test]
fn archiving_hides_a_scenario_until_it_is_saved_again() {
    each_backend(|db| {
        let s = &db.store;
        s.save_scenario(&scenario("band", "one"), "analyst:s1", now())
            .unwrap();
        let archived = s.archive_scenario("band", "analyst:s1", now()).unwrap();
        assert_eq!(archived.archived_by.as_deref(), Some("analyst:s1"));
        assert!(s.latest_scenarios(false).unwrap().is_empty(), "{}", db.name);
        assert_eq!(s.latest_scenarios(true).unwrap().len(), 1, "{}", db.name);
        let again = s.archive_scenario("band", "analyst:s1", now()).unwrap_err();
        assert_eq!(again.code(), "conflict", "{}", db.name);
        assert_eq!(
            s.archive_scenario("nothing", "analyst:s1", now())
                .unwrap_err()
                .code(),
            "not_found"
        );
        s.save_scenario(&scenario("band", "two"), "analyst:s1", now())
            .unwrap();
        let listed = s.latest_scenarios(false).unwrap();
        assert_eq!(listed.len(), 1, "{}", db.name);
        assert_eq!(listed[0].version, 2, "{}", db.name);
        assert_eq!(s.scenario_versions("band").unwrap().len(), 2, "{}", db.name);
    });
}

#[test]
fn a_job_is_claimed_once_runs_and_keeps_its_result() {
    each_backend(|db| {
        let s = &db.store;
        let v = s
            .save_scenario(&scenario("band", "name = \"r\""), "analyst:s1", now())
            .unwrap();
        let queued = s
            .queue_simulation_job(&synthetic_job(Some(v.id), u64::MAX), "analyst:s1", now())
            .unwrap();
        assert_eq!(queued.status, JobStatus::Queued, "{}", db.name);
        assert_eq!(queued.scenario, Some(("band".to_owned(), 1)), "{}", db.name);
        assert_eq!(queued.seed, u64::MAX, "{}", db.name);
        let claimed = s
            .claim_simulation_job("population", now())
            .unwrap()
            .unwrap();
        assert_eq!(claimed.id, queued.id, "{}", db.name);
        assert_eq!(claimed.status, JobStatus::Running, "{}", db.name);
        assert!(
            s.claim_simulation_job("population", now())
                .unwrap()
                .is_none(),
            "{}",
            db.name
        );
        s.simulation_job_progress(queued.id, "projection", 1, 3)
            .unwrap();
        let running = s.simulation_job(queued.id).unwrap().unwrap();
        assert_eq!(
            (running.stage.as_str(), running.done, running.total),
            ("projection", 1, 3)
        );
        s.finish_simulation_job(queued.id, "{\"ok\":true}", now())
            .unwrap();
        let done = s.simulation_job(queued.id).unwrap().unwrap();
        assert_eq!(done.status, JobStatus::Done, "{}", db.name);
        assert_eq!(done.result.as_deref(), Some("{\"ok\":true}"), "{}", db.name);
        assert_eq!(done.done, done.total, "{}", db.name);
        // The list leaves the results out.
        let listed = s.simulation_jobs(10).unwrap();
        assert_eq!(listed.len(), 1, "{}", db.name);
        assert_eq!(listed[0].result, None, "{}", db.name);
        // A finished job changes no more.
        let late = s
            .simulation_job_progress(queued.id, "projection", 2, 3)
            .unwrap_err();
        assert_eq!(late.code(), "conflict", "{}", db.name);
    });
}

#[test]
fn jobs_are_claimed_oldest_first_and_a_failure_keeps_its_error() {
    each_backend(|db| {
        let s = &db.store;
        let first = s
            .queue_simulation_job(&synthetic_job(None, 1), "analyst:s1", now())
            .unwrap();
        let second = s
            .queue_simulation_job(&synthetic_job(None, 2), "analyst:s1", now())
            .unwrap();
        assert_eq!(
            s.claim_simulation_job("population", now())
                .unwrap()
                .unwrap()
                .id,
            first.id
        );
        let error = JobError {
            code: "invalid".into(),
            field: Some("population".into()),
            detail: "no enrolment runs on 2026-01-01".into(),
        };
        s.fail_simulation_job(first.id, &error, now()).unwrap();
        let failed = s.simulation_job(first.id).unwrap().unwrap();
        assert_eq!(failed.status, JobStatus::Failed, "{}", db.name);
        assert_eq!(failed.error, Some(error), "{}", db.name);
        assert_eq!(
            s.claim_simulation_job("population", now())
                .unwrap()
                .unwrap()
                .id,
            second.id
        );
    });
}

#[test]
fn a_job_found_running_at_a_start_is_marked_interrupted_and_a_queued_one_stays() {
    each_backend(|db| {
        let s = &db.store;
        let running = s
            .queue_simulation_job(&synthetic_job(None, 1), "analyst:s1", now())
            .unwrap();
        let mut stored = synthetic_job(None, 2);
        stored.people = None;
        stored.stored_on = Some(date(2026, 1, 1));
        let queued = s
            .queue_simulation_job(&stored, "analyst:s1", now())
            .unwrap();
        s.claim_simulation_job("population", now())
            .unwrap()
            .unwrap();
        assert_eq!(
            s.interrupt_simulation_jobs(now()).unwrap(),
            [running.id],
            "{}",
            db.name
        );
        let job = s.simulation_job(running.id).unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Interrupted, "{}", db.name);
        assert_eq!(
            s.simulation_job(queued.id).unwrap().unwrap().status,
            JobStatus::Queued
        );
        assert_eq!(
            s.simulation_job(queued.id).unwrap().unwrap().stored_on,
            Some(date(2026, 1, 1))
        );
        // The worker that ran it, if it still answers, is refused.
        let late = s
            .finish_simulation_job(running.id, "{}", now())
            .unwrap_err();
        assert_eq!(late.code(), "conflict", "{}", db.name);
    });
}
