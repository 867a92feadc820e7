//! Saved scenarios and simulation jobs (issue 14), on every backend: a job
//! stores the very result the synchronous projection gives for the same
//! request and seed; saving again keeps the old versions; a refused reform
//! saves nothing; a failed job keeps why; a job found running at a start is
//! marked interrupted.

use gongshang_app::accounts::{Actor, Role, Scope};
use gongshang_app::simulation::{PopulationSource, SimulationRequest};
use gongshang_app::simulation_jobs::{
    JobReform, JobRequest, SIMULATION_JOB_MAX_PEOPLE, ScenarioInput,
};
use gongshang_app::{App, AppError};
use gongshang_store::simulations::JobStatus;
use jiff::civil::date;

use super::each_backend;

const REFORM: &str = include_str!("../../../../examples/reforms/band-50-350-yilubao-0.6.toml");

fn analyst() -> Actor {
    Actor {
        login: "s1".into(),
        role: Role::Analyst,
        scope: Scope::StatisticsOnly,
    }
}

fn save(app: &App, name: &str, reform: &str) -> Result<i64, AppError> {
    app.save_scenario(
        &analyst(),
        &ScenarioInput {
            name: name.into(),
            description: "the band widened and 益鹭保 cheaper".into(),
            reform: reform.into(),
        },
    )
    .map(|s| s.version)
}

fn job(reform: JobReform, population: PopulationSource) -> JobRequest {
    JobRequest {
        reform,
        population,
        seed: 7,
        start_year: 2026,
        years: 3,
        replicates: 5,
    }
}

/// Runs the queue to its end, as the server's worker does.
fn run_queue(app: &App) {
    while app
        .run_next_simulation_job(&Actor::system())
        .unwrap()
        .is_some()
    {}
}

#[test]
fn a_job_stores_the_result_the_synchronous_projection_gives_for_the_same_seed() {
    each_backend(|app, _| {
        save(app, "band", REFORM).unwrap();
        let started = app
            .start_simulation_job(
                &analyst(),
                &job(
                    JobReform::Scenario {
                        name: "band".into(),
                        version: None,
                    },
                    PopulationSource::Synthetic { people: 3000 },
                ),
            )
            .unwrap();
        assert_eq!(started.status, JobStatus::Queued);
        assert_eq!((started.done, started.total), (0, 100));
        run_queue(app);
        let done = app.simulation_job(&analyst(), started.id).unwrap();
        assert_eq!(done.row.status, JobStatus::Done);
        assert_eq!((done.row.done, done.row.total), (100, 100));
        assert_eq!(done.row.requested_by, "analyst:s1");
        let synchronous = app
            .simulate(
                &analyst(),
                &SimulationRequest {
                    reform: Some(REFORM.into()),
                    population: PopulationSource::Synthetic { people: 3000 },
                    seed: 7,
                    start_year: 2026,
                    years: 3,
                    replicates: 5,
                },
            )
            .unwrap();
        assert_eq!(done.request.reform.as_deref(), Some(REFORM));
        assert_eq!(done.result, Some(synchronous));
    });
}

#[test]
fn saving_again_makes_a_version_and_a_job_runs_the_version_asked_for() {
    each_backend(|app, _| {
        assert_eq!(save(app, "band", "name = \"first\"\n").unwrap(), 1);
        assert_eq!(save(app, "band", REFORM).unwrap(), 2);
        let versions = app.scenario_versions(&analyst(), "band").unwrap();
        let reforms: Vec<&str> = versions.iter().map(|v| v.reform.as_str()).collect();
        assert_eq!(reforms, ["name = \"first\"\n", REFORM]);
        assert_eq!(app.scenarios(&analyst(), false).unwrap().len(), 1);
        let first = app
            .start_simulation_job(
                &analyst(),
                &job(
                    JobReform::Scenario {
                        name: "band".into(),
                        version: Some(1),
                    },
                    PopulationSource::Synthetic { people: 100 },
                ),
            )
            .unwrap();
        assert_eq!(first.scenario, Some(("band".to_owned(), 1)));
        assert_eq!(first.reform.as_deref(), Some("name = \"first\"\n"));
        // Archived: off the list, still read and run by version.
        app.archive_scenario(&analyst(), "band").unwrap();
        assert!(app.scenarios(&analyst(), false).unwrap().is_empty());
        assert_eq!(
            app.scenario(&analyst(), "band", Some(2)).unwrap().reform,
            REFORM
        );
    });
}

#[test]
fn a_refused_reform_or_name_saves_nothing_and_says_which_field() {
    let cases: &[(&str, &str, &str)] = &[
        ("band", "", "reform"),
        (
            "band",
            "name = \"x\"\n[[override]]\nkey = \"no.such.parameter\"\nfrom = 2027-01-01\nvalue = \"1\"\nnote = \"n\"\n",
            "override",
        ),
        ("band", "this is not toml", "reform"),
        ("", REFORM, "name"),
        ("a\nb", REFORM, "name"),
    ];
    each_backend(|app, _| {
        for (name, reform, field) in cases {
            let e = save(app, name, reform).unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                ("invalid", Some(*field)),
                "{name:?} {reform:?}: {e}"
            );
        }
        assert!(app.scenarios(&analyst(), true).unwrap().is_empty());
    });
}

#[test]
fn a_job_is_bounded_as_its_own_and_refused_before_it_is_queued() {
    let cases: &[(PopulationSource, u16, Option<&str>)] = &[
        // Beyond the synchronous endpoint's bound, within a job's.
        (PopulationSource::Synthetic { people: 1_000_001 }, 3, None),
        (
            PopulationSource::Synthetic {
                people: SIMULATION_JOB_MAX_PEOPLE + 1,
            },
            3,
            Some("people"),
        ),
        (
            PopulationSource::Synthetic { people: 10 },
            31,
            Some("years"),
        ),
        (
            PopulationSource::Stored {
                on: date(2026, 1, 1),
                unitless_class: Some(9),
            },
            3,
            Some("unitless_class"),
        ),
    ];
    each_backend(|app, _| {
        for (population, years, refused) in cases {
            let mut req = job(JobReform::Inline(None), population.clone());
            req.years = *years;
            let r = app.start_simulation_job(&analyst(), &req);
            assert_eq!(
                r.as_ref().err().and_then(|e| e.field()),
                *refused,
                "{population:?}"
            );
        }
        assert_eq!(app.simulation_jobs(&analyst(), 10).unwrap().len(), 1);
        let e = app
            .start_simulation_job(
                &analyst(),
                &job(
                    JobReform::Inline(Some("not toml".into())),
                    PopulationSource::Synthetic { people: 10 },
                ),
            )
            .unwrap_err();
        assert_eq!(e.field(), Some("reform"));
    });
}

#[test]
fn a_failed_job_keeps_why_as_the_projection_would_have_said() {
    each_backend(|app, _| {
        let started = app
            .start_simulation_job(
                &analyst(),
                &job(
                    JobReform::Inline(None),
                    PopulationSource::Stored {
                        on: date(2026, 1, 1),
                        unitless_class: None,
                    },
                ),
            )
            .unwrap();
        run_queue(app);
        let failed = app.simulation_job(&analyst(), started.id).unwrap();
        assert_eq!(failed.row.status, JobStatus::Failed);
        assert!(failed.result.is_none());
        let e = failed.error.unwrap();
        assert_eq!((e.code(), e.field()), ("invalid", Some("population")));
        assert!(
            e.to_string().contains("no enrolment runs on 2026-01-01"),
            "{e}"
        );
    });
}

#[test]
fn a_job_found_running_when_a_server_starts_is_marked_interrupted() {
    each_backend(|app, _| {
        let started = app
            .start_simulation_job(
                &analyst(),
                &job(
                    JobReform::Inline(None),
                    PopulationSource::Synthetic { people: 10 },
                ),
            )
            .unwrap();
        // A worker took it, and the server stopped before it ended.
        app.store()
            .claim_simulation_job("population", app.now())
            .unwrap()
            .unwrap();
        assert_eq!(
            app.interrupt_simulation_jobs(&Actor::system()).unwrap(),
            [started.id]
        );
        let job = app.simulation_job(&analyst(), started.id).unwrap();
        assert_eq!(job.row.status, JobStatus::Interrupted);
        // Nothing is left to run.
        assert!(
            app.run_next_simulation_job(&Actor::system())
                .unwrap()
                .is_none()
        );
    });
}

#[test]
fn two_done_jobs_compare_year_by_year_and_a_job_without_a_result_is_refused_under_its_letter() {
    each_backend(|app, _| {
        save(app, "band", REFORM).unwrap();
        let baseline = app
            .start_simulation_job(
                &analyst(),
                &job(
                    JobReform::Inline(None),
                    PopulationSource::Synthetic { people: 3000 },
                ),
            )
            .unwrap();
        let reform = app
            .start_simulation_job(
                &analyst(),
                &job(
                    JobReform::Scenario {
                        name: "band".into(),
                        version: None,
                    },
                    PopulationSource::Synthetic { people: 3000 },
                ),
            )
            .unwrap();
        // Queued: nothing to compare yet, and the refusal names the first, a.
        match app.compare_simulation_jobs(&analyst(), baseline.id, reform.id) {
            Err(AppError::Invalid { field, reason }) => {
                assert_eq!(field, "a");
                assert!(reason.contains("queued"), "{reason}");
            }
            other => panic!("a queued job was compared: {other:?}"),
        }
        run_queue(app);
        let c = app
            .compare_simulation_jobs(&analyst(), baseline.id, reform.id)
            .unwrap();
        let (ra, rb) = (
            &c.a.result.as_ref().unwrap().projection.reformed,
            &c.b.result.as_ref().unwrap().projection.reformed,
        );
        assert_eq!(c.years.len(), 3);
        for (y, (ya, yb)) in c.years.iter().zip(ra.years.iter().zip(&rb.years)) {
            assert_eq!((y.year_a, y.year_b), (ya.year, yb.year));
            assert_eq!((y.income_a, y.income_b), (ya.income, yb.income));
            assert_eq!((y.reserve_a, y.reserve_b), (ya.reserve, yb.reserve));
            assert_eq!(
                y.reserve_difference.fen(),
                yb.reserve.fen() - ya.reserve.fen()
            );
        }
        // The reform changes the fund: the comparison is not of a job with itself.
        assert!(c.years.iter().any(|y| y.reserve_difference.fen() != 0));
        // Who may not read jobs may not compare them.
        let employer = Actor {
            login: "u1".into(),
            role: Role::Unit,
            scope: Scope::StatisticsOnly,
        };
        assert!(matches!(
            app.compare_simulation_jobs(&employer, baseline.id, reform.id),
            Err(AppError::Forbidden { .. })
        ));
    });
}

/// A job's progress advances inside the projection, not only between
/// stages: 3 years and 5 replicates make 10 slices of the records + 3
/// years + 10 replicates = 23 steps, each moving the job from 5% towards
/// 95% by 90 × done / 23 (rounded down), recorded when the percentage
/// grows. Every value reported is recorded in the store as it comes (the
/// job row holds the last); they never go back, more than the three
/// stages' are reported, and the last is 100 of 100 when the job is done.
#[test]
fn a_jobs_progress_advances_within_the_projection_monotone_to_100() {
    use gongshang_app::simulation::{JobProgress, Stage};
    each_backend(|app, _| {
        save(app, "band", REFORM).unwrap();
        let started = app
            .start_simulation_job(
                &analyst(),
                &job(
                    JobReform::Scenario {
                        name: "band".into(),
                        version: None,
                    },
                    PopulationSource::Synthetic { people: 3000 },
                ),
            )
            .unwrap();
        let mut seen: Vec<JobProgress> = Vec::new();
        let ran = app
            .run_next_simulation_job_reporting(&Actor::system(), &mut |p| seen.push(p))
            .unwrap();
        assert_eq!(
            ran.map(|(id, e)| (id, e.is_none())),
            Some((started.id, true))
        );
        let percents: Vec<i64> = seen.iter().map(|p| p.percent).collect();
        assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
        assert_eq!(percents.first(), Some(&0));
        assert_eq!(percents.last(), Some(&100));
        let inside: Vec<i64> = seen
            .iter()
            .filter(|p| p.stage == Stage::Projection)
            .map(|p| p.percent)
            .collect();
        // 5 at the stage's start, then 5 + 90 × k / 23 for each k whose
        // value grows: 23 distinct values (90 / 23 > 1), the last 95.
        assert_eq!(inside.len(), 1 + 23, "{inside:?}");
        assert_eq!(inside[1], 5 + 90 / 23);
        assert_eq!(inside.last(), Some(&95));
        let done = app.simulation_job(&analyst(), started.id).unwrap();
        assert_eq!((done.row.done, done.row.total), (100, 100));
    });
}
