//! Saved reform scenarios and simulation jobs (issue 14; migration 0280).
//!
//! A scenario is versioned by name: saving again under a name inserts the
//! next version, the old ones stay readable; archiving marks the latest
//! version, which hides the name from the list until it is saved again.
//! Nothing is deleted (triggers refuse it).
//!
//! A job is a row that moves `queued` → `running` → `done` | `failed`, or
//! `interrupted` when a server starts and finds it running. Workers claim
//! the oldest queued job with one conditional UPDATE, so two workers never
//! take the same job. The store decides nothing about the projection: the
//! app validates the request and writes the result as JSON text.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit, parse_date, parse_timestamp};
use crate::error::StoreError;

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

fn i(v: i64) -> Value {
    Value::Int(v)
}

/// A scenario to save (its reform already validated by the caller).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewScenario {
    pub name: String,
    pub description: String,
    pub reform: String,
}

/// A version of a saved scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioRow {
    pub id: i64,
    pub name: String,
    pub version: i64,
    pub description: String,
    pub reform: String,
    pub saved_by: String,
    pub saved_at: Timestamp,
    pub archived_by: Option<String>,
    pub archived_at: Option<Timestamp>,
}

/// Where a job's state stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
    /// Found running when a server started: its run was cut short.
    Interrupted,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
            JobStatus::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Result<JobStatus, String> {
        Ok(match s {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            "failed" => JobStatus::Failed,
            "interrupted" => JobStatus::Interrupted,
            other => return Err(format!("unknown job status {other:?}")),
        })
    }

    /// Whether the job will change no more.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobStatus::Done | JobStatus::Failed | JobStatus::Interrupted
        )
    }
}

/// A job to queue: what to project (validated by the caller).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSimulationJob {
    /// The scenario version whose reform is run (none: an inline reform).
    pub scenario_id: Option<i64>,
    /// The reform as run (none: the baseline against itself).
    pub reform: Option<String>,
    /// A synthetic population of this many people; none: the insured as
    /// stored on `stored_on`.
    pub people: Option<i64>,
    pub stored_on: Option<Date>,
    pub unitless_class: Option<i64>,
    pub seed: u64,
    pub start_year: i64,
    pub years: i64,
    pub replicates: i64,
    /// The steps the job counts (its `total`).
    pub total: i64,
}

/// Why a job failed, as the app's error: its code, the field and the detail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobError {
    pub code: String,
    pub field: Option<String>,
    pub detail: String,
}

/// A job as stored. `result` is read only by [`SimulationStore::simulation_job`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimulationJobRow {
    pub id: i64,
    pub scenario_id: Option<i64>,
    /// The scenario's name and version, when run from one.
    pub scenario: Option<(String, i64)>,
    pub reform: Option<String>,
    pub people: Option<i64>,
    pub stored_on: Option<Date>,
    pub unitless_class: Option<i64>,
    pub seed: u64,
    pub start_year: i64,
    pub years: i64,
    pub replicates: i64,
    pub status: JobStatus,
    pub stage: String,
    pub done: i64,
    pub total: i64,
    pub error: Option<JobError>,
    pub result: Option<String>,
    pub requested_by: String,
    pub requested_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
}

/// Saved scenarios and simulation jobs. A part of [`crate::Store`].
pub trait SimulationStore {
    /// Saves `s` as the next version of its name (1 for a new name), with
    /// its audit row.
    fn save_scenario(
        &self,
        s: &NewScenario,
        actor: &str,
        at: Timestamp,
    ) -> Result<ScenarioRow, StoreError>;

    /// Archives the latest version of `name` (`not_found`; `conflict` when
    /// already archived).
    fn archive_scenario(
        &self,
        name: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<ScenarioRow, StoreError>;

    /// The latest version of each name, by name; archived ones only when
    /// asked for.
    fn latest_scenarios(&self, with_archived: bool) -> Result<Vec<ScenarioRow>, StoreError>;

    /// Every version of `name`, the oldest first.
    fn scenario_versions(&self, name: &str) -> Result<Vec<ScenarioRow>, StoreError>;

    fn scenario_by_id(&self, id: i64) -> Result<Option<ScenarioRow>, StoreError>;

    /// Queues a job, with its audit row.
    fn queue_simulation_job(
        &self,
        job: &NewSimulationJob,
        actor: &str,
        at: Timestamp,
    ) -> Result<SimulationJobRow, StoreError>;

    /// Takes the oldest queued job for a worker: it is `running` from now,
    /// at `stage`. None when nothing is queued.
    fn claim_simulation_job(
        &self,
        stage: &str,
        at: Timestamp,
    ) -> Result<Option<SimulationJobRow>, StoreError>;

    /// Where a running job stands.
    fn simulation_job_progress(
        &self,
        id: i64,
        stage: &str,
        done: i64,
        total: i64,
    ) -> Result<(), StoreError>;

    /// A running job done, with its result as JSON text.
    fn finish_simulation_job(&self, id: i64, result: &str, at: Timestamp)
    -> Result<(), StoreError>;

    /// A running job failed, with why.
    fn fail_simulation_job(
        &self,
        id: i64,
        error: &JobError,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Marks every running job interrupted (a server starting: no job of
    /// its own runs yet); returns their ids.
    fn interrupt_simulation_jobs(&self, at: Timestamp) -> Result<Vec<i64>, StoreError>;

    /// The newest jobs first, without their results.
    fn simulation_jobs(&self, limit: u32) -> Result<Vec<SimulationJobRow>, StoreError>;

    /// A job with its result.
    fn simulation_job(&self, id: i64) -> Result<Option<SimulationJobRow>, StoreError>;
}

const SCENARIO_COLUMNS: &str =
    "id, name, version, description, reform, saved_by, saved_at, archived_by, archived_at";

fn scenario_row(row: &[Value]) -> Result<ScenarioRow, StoreError> {
    let c = Cols::new(row);
    Ok(ScenarioRow {
        id: c.int(0)?,
        name: c.text(1)?.to_owned(),
        version: c.int(2)?,
        description: c.text(3)?.to_owned(),
        reform: c.text(4)?.to_owned(),
        saved_by: c.text(5)?.to_owned(),
        saved_at: c.parsed(6, "saved_at", parse_timestamp)?,
        archived_by: c.opt_text(7)?.map(str::to_owned),
        archived_at: c.opt_parsed(8, "archived_at", parse_timestamp)?,
    })
}

fn scenario_by_id(db: &mut dyn Db, id: i64) -> Result<Option<ScenarioRow>, StoreError> {
    db.opt_row(
        "reading a scenario",
        &format!("SELECT {SCENARIO_COLUMNS} FROM sim_scenarios WHERE id = $1"),
        &[i(id)],
    )?
    .map(|r| scenario_row(&r))
    .transpose()
}

fn latest_version(db: &mut dyn Db, name: &str) -> Result<Option<ScenarioRow>, StoreError> {
    db.opt_row(
        "reading a scenario's latest version",
        &format!(
            "SELECT {SCENARIO_COLUMNS} FROM sim_scenarios WHERE name = $1 ORDER BY version DESC LIMIT 1"
        ),
        &[t(name)],
    )?
    .map(|r| scenario_row(&r))
    .transpose()
}

/// The job's columns, with its scenario's name and version; `result` or a
/// NULL in its place.
fn job_select(with_result: bool) -> String {
    format!(
        "SELECT j.id, j.scenario_id, s.name, s.version, j.reform, j.people, j.stored_on, \
         j.unitless_class, j.seed, j.start_year, j.years, j.replicates, j.status, j.stage, j.done, \
         j.total, j.error_code, j.error_field, j.error_detail, {}, j.requested_by, j.requested_at, \
         j.started_at, j.finished_at FROM sim_jobs j LEFT JOIN sim_scenarios s ON s.id = j.scenario_id",
        if with_result {
            "j.result"
        } else {
            "CAST(NULL AS TEXT)"
        }
    )
}

fn job_row(row: &[Value]) -> Result<SimulationJobRow, StoreError> {
    let c = Cols::new(row);
    let scenario = match (c.opt_text(2)?, c.opt_int(3)?) {
        (Some(name), Some(version)) => Some((name.to_owned(), version)),
        _ => None,
    };
    let error = match c.opt_text(16)? {
        Some(code) => Some(JobError {
            code: code.to_owned(),
            field: c.opt_text(17)?.map(str::to_owned),
            detail: c.opt_text(18)?.unwrap_or_default().to_owned(),
        }),
        None => None,
    };
    Ok(SimulationJobRow {
        id: c.int(0)?,
        scenario_id: c.opt_int(1)?,
        scenario,
        reform: c.opt_text(4)?.map(str::to_owned),
        people: c.opt_int(5)?,
        stored_on: c.opt_parsed(6, "stored_on", parse_date)?,
        unitless_class: c.opt_int(7)?,
        seed: c.parsed(8, "seed", str::parse::<u64>)?,
        start_year: c.int(9)?,
        years: c.int(10)?,
        replicates: c.int(11)?,
        status: c.parsed(12, "status", JobStatus::parse)?,
        stage: c.text(13)?.to_owned(),
        done: c.int(14)?,
        total: c.int(15)?,
        error,
        result: c.opt_text(19)?.map(str::to_owned),
        requested_by: c.text(20)?.to_owned(),
        requested_at: c.parsed(21, "requested_at", parse_timestamp)?,
        started_at: c.opt_parsed(22, "started_at", parse_timestamp)?,
        finished_at: c.opt_parsed(23, "finished_at", parse_timestamp)?,
    })
}

fn job_by_id(
    db: &mut dyn Db,
    id: i64,
    with_result: bool,
) -> Result<Option<SimulationJobRow>, StoreError> {
    db.opt_row(
        "reading a simulation job",
        &format!("{} WHERE j.id = $1", job_select(with_result)),
        &[i(id)],
    )?
    .map(|r| job_row(&r))
    .transpose()
}

/// `conflict` unless the job is running (a worker's update of a job that was
/// marked interrupted meanwhile is refused, not lost silently).
fn require_running(db: &mut dyn Db, id: i64, changed: u64) -> Result<(), StoreError> {
    if changed == 1 {
        return Ok(());
    }
    match job_by_id(db, id, false)? {
        None => Err(StoreError::not_found("simulation job", id)),
        Some(j) => Err(StoreError::conflict(
            "simulation job",
            id,
            format!("it is {}, not running", j.status.as_str()),
        )),
    }
}

impl<B: Backend> SimulationStore for SqlStore<B> {
    fn save_scenario(
        &self,
        s: &NewScenario,
        actor: &str,
        at: Timestamp,
    ) -> Result<ScenarioRow, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        if s.name.trim().is_empty() {
            return Err(StoreError::invalid("name", "a name is required"));
        }
        self.backend.transaction(|db| {
            let version = latest_version(db, &s.name)?.map_or(1, |l| l.version + 1);
            let id = db.insert_id(
                "saving a scenario",
                "INSERT INTO sim_scenarios (name, version, description, reform, saved_by, saved_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    t(&s.name),
                    i(version),
                    t(&s.description),
                    t(&s.reform),
                    t(actor),
                    t(at),
                ],
                || {
                    StoreError::conflict(
                        "scenario",
                        &s.name,
                        format!("version {version} was saved meanwhile: save again"),
                    )
                },
            )?;
            audit(
                db,
                actor,
                at,
                "save_scenario",
                "sim_scenario",
                &id.to_string(),
                json!({"name": s.name, "version": version}),
            )?;
            scenario_by_id(db, id)?.ok_or_else(|| StoreError::not_found("scenario", id))
        })
    }

    fn archive_scenario(
        &self,
        name: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<ScenarioRow, StoreError> {
        self.backend.transaction(|db| {
            let latest =
                latest_version(db, name)?.ok_or_else(|| StoreError::not_found("scenario", name))?;
            if latest.archived_at.is_some() {
                return Err(StoreError::conflict(
                    "scenario",
                    name,
                    "it is archived already",
                ));
            }
            db.exec(
                "archiving a scenario",
                "UPDATE sim_scenarios SET archived_by = $1, archived_at = $2 WHERE id = $3",
                &[t(actor), t(at), i(latest.id)],
            )?;
            audit(
                db,
                actor,
                at,
                "archive_scenario",
                "sim_scenario",
                &latest.id.to_string(),
                json!({"name": name, "version": latest.version}),
            )?;
            scenario_by_id(db, latest.id)?.ok_or_else(|| StoreError::not_found("scenario", name))
        })
    }

    fn latest_scenarios(&self, with_archived: bool) -> Result<Vec<ScenarioRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "listing scenarios",
                &format!(
                    "SELECT {SCENARIO_COLUMNS} FROM sim_scenarios s WHERE version = \
                     (SELECT MAX(version) FROM sim_scenarios l WHERE l.name = s.name){} ORDER BY name",
                    if with_archived {
                        ""
                    } else {
                        " AND archived_at IS NULL"
                    }
                ),
                &[],
            )?
            .iter()
            .map(|r| scenario_row(r))
            .collect()
        })
    }

    fn scenario_versions(&self, name: &str) -> Result<Vec<ScenarioRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading a scenario's versions",
                &format!(
                    "SELECT {SCENARIO_COLUMNS} FROM sim_scenarios WHERE name = $1 ORDER BY version"
                ),
                &[t(name)],
            )?
            .iter()
            .map(|r| scenario_row(r))
            .collect()
        })
    }

    fn scenario_by_id(&self, id: i64) -> Result<Option<ScenarioRow>, StoreError> {
        self.backend.read(|db| scenario_by_id(db, id))
    }

    fn queue_simulation_job(
        &self,
        job: &NewSimulationJob,
        actor: &str,
        at: Timestamp,
    ) -> Result<SimulationJobRow, StoreError> {
        if actor.trim().is_empty() {
            return Err(StoreError::invalid("actor", "an actor is required"));
        }
        if job.people.is_none() == job.stored_on.is_none() {
            return Err(StoreError::invalid(
                "population",
                "either a synthetic population's people or a day of the insured as stored",
            ));
        }
        self.backend.transaction(|db| {
            let id = db.insert_id(
                "queueing a simulation job",
                "INSERT INTO sim_jobs (scenario_id, reform, source, people, stored_on, unitless_class, seed, \
                 start_year, years, replicates, status, stage, done, total, requested_by, requested_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', 'queued', 0, $11, $12, $13) RETURNING id",
                &[
                    Value::opt_int(job.scenario_id),
                    Value::opt_text(job.reform.clone()),
                    t(if job.people.is_some() {
                        "synthetic"
                    } else {
                        "stored"
                    }),
                    Value::opt_int(job.people),
                    Value::opt_text(job.stored_on.map(|d| d.to_string())),
                    Value::opt_int(job.unitless_class),
                    t(job.seed),
                    i(job.start_year),
                    i(job.years),
                    i(job.replicates),
                    i(job.total),
                    t(actor),
                    t(at),
                ],
                || StoreError::duplicate("simulation job", "the same id"),
            )?;
            audit(
                db,
                actor,
                at,
                "queue_simulation_job",
                "sim_job",
                &id.to_string(),
                json!({
                    "scenario_id": job.scenario_id,
                    "people": job.people,
                    "stored_on": job.stored_on.map(|d| d.to_string()),
                    "seed": job.seed.to_string(),
                    "years": job.years,
                    "replicates": job.replicates,
                }),
            )?;
            job_by_id(db, id, false)?.ok_or_else(|| StoreError::not_found("simulation job", id))
        })
    }

    fn claim_simulation_job(
        &self,
        stage: &str,
        at: Timestamp,
    ) -> Result<Option<SimulationJobRow>, StoreError> {
        self.backend.transaction(|db| {
            // A job another worker took between the two statements is
            // skipped: the UPDATE is conditional on the job still queued.
            loop {
                let Some(next) = db.opt_row(
                    "finding the next queued simulation job",
                    "SELECT MIN(id) FROM sim_jobs WHERE status = 'queued'",
                    &[],
                )?
                else {
                    return Ok(None);
                };
                let Some(id) = Cols::new(&next).opt_int(0)? else {
                    return Ok(None);
                };
                let taken = db.exec(
                    "claiming a simulation job",
                    "UPDATE sim_jobs SET status = 'running', stage = $1, started_at = $2 \
                     WHERE id = $3 AND status = 'queued'",
                    &[t(stage), t(at), i(id)],
                )?;
                if taken == 1 {
                    return job_by_id(db, id, false);
                }
            }
        })
    }

    fn simulation_job_progress(
        &self,
        id: i64,
        stage: &str,
        done: i64,
        total: i64,
    ) -> Result<(), StoreError> {
        self.backend.transaction(|db| {
            let changed = db.exec(
                "recording a simulation job's progress",
                "UPDATE sim_jobs SET stage = $1, done = $2, total = $3 WHERE id = $4 AND status = 'running'",
                &[t(stage), i(done), i(total), i(id)],
            )?;
            require_running(db, id, changed)
        })
    }

    fn finish_simulation_job(
        &self,
        id: i64,
        result: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.backend.transaction(|db| {
            let changed = db.exec(
                "storing a simulation job's result",
                "UPDATE sim_jobs SET status = 'done', stage = 'done', done = total, result = $1, \
                 finished_at = $2 WHERE id = $3 AND status = 'running'",
                &[t(result), t(at), i(id)],
            )?;
            require_running(db, id, changed)
        })
    }

    fn fail_simulation_job(
        &self,
        id: i64,
        error: &JobError,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.backend.transaction(|db| {
            let changed = db.exec(
                "recording a simulation job's failure",
                "UPDATE sim_jobs SET status = 'failed', error_code = $1, error_field = $2, \
                 error_detail = $3, finished_at = $4 WHERE id = $5 AND status = 'running'",
                &[
                    t(&error.code),
                    Value::opt_text(error.field.clone()),
                    t(&error.detail),
                    t(at),
                    i(id),
                ],
            )?;
            require_running(db, id, changed)
        })
    }

    fn interrupt_simulation_jobs(&self, at: Timestamp) -> Result<Vec<i64>, StoreError> {
        self.backend.transaction(|db| {
            let ids = db
                .rows(
                    "finding the running simulation jobs",
                    "SELECT id FROM sim_jobs WHERE status = 'running' ORDER BY id",
                    &[],
                )?
                .iter()
                .map(|r| Cols::new(r).int(0))
                .collect::<Result<Vec<_>, _>>()?;
            db.exec(
                "marking simulation jobs interrupted",
                "UPDATE sim_jobs SET status = 'interrupted', finished_at = $1 WHERE status = 'running'",
                &[t(at)],
            )?;
            Ok(ids)
        })
    }

    fn simulation_jobs(&self, limit: u32) -> Result<Vec<SimulationJobRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "listing simulation jobs",
                &format!("{} ORDER BY j.id DESC LIMIT $1", job_select(false)),
                &[i(i64::from(limit))],
            )?
            .iter()
            .map(|r| job_row(r))
            .collect()
        })
    }

    fn simulation_job(&self, id: i64) -> Result<Option<SimulationJobRow>, StoreError> {
        self.backend.read(|db| job_by_id(db, id, true))
    }
}
