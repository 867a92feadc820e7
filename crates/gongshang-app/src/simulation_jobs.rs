//! Saved scenarios and simulation jobs (issue 14): an analyst keeps a
//! reform under a name (each save a new version, the old ones kept), and
//! runs a scenario, or a reform written inline, as a job in the background:
//! queued, then run by a worker that reports its stage, its result stored
//! as JSON with the parameters that produced it, so that it is read,
//! exported and compared later.
//!
//! A job runs the same function as the synchronous projection
//! ([`App::simulate`]), so the same request and seed give the same result;
//! only the bound on a synthetic population differs
//! ([`SIMULATION_JOB_MAX_PEOPLE`] against
//! [`crate::simulation::SIMULATION_MAX_PEOPLE`]).
//!
//! Who: those who may simulate (analysts and agency staff) save, read and
//! run; the team shares the scenarios and the jobs (aggregates only).

use gongshang_rules::Money;
/// The store's rows of scenarios and jobs, as the app returns them.
pub use gongshang_store::simulations::{JobError, JobStatus, ScenarioRow, SimulationJobRow};
use gongshang_store::simulations::{NewScenario, NewSimulationJob};
use jiff::civil::Date;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::App;
use crate::simulation::{
    JOB_PROGRESS_TOTAL, JobProgress, PopulationSource, Simulation, SimulationRequest, Stage,
};

/// The most people of a synthetic population a job projects: ten times the
/// synchronous endpoint's bound, the benchmark size. Measured with
/// `gongshang simulate job start --people 10000000 --years 10 --replicates
/// 20 --wait` (debug build, 2 cores): 34 s, 157 MB peak (DESIGN.md).
pub const SIMULATION_JOB_MAX_PEOPLE: u64 = 10_000_000;

/// The longest scenario name, in characters.
pub const SCENARIO_NAME_MAX_CHARS: usize = 80;

/// The longest description, in characters.
pub const SCENARIO_DESCRIPTION_MAX_CHARS: usize = 2000;

/// A scenario as an analyst saves it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScenarioInput {
    pub name: String,
    pub description: String,
    /// The reform as TOML, validated as a projection validates it.
    pub reform: String,
}

/// What a job runs: a saved scenario (a version, or its latest) or a
/// reform given inline (none: the baseline against itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobReform {
    Scenario { name: String, version: Option<i64> },
    Inline(Option<String>),
}

/// A job as an analyst asks for it: the reform, and the rest of a
/// [`SimulationRequest`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRequest {
    pub reform: JobReform,
    pub population: PopulationSource,
    pub seed: u64,
    pub start_year: i16,
    pub years: u16,
    pub replicates: u16,
}

/// A job read back: as stored, its request, and its result or why it
/// failed.
#[derive(Clone, Debug)]
pub struct SimulationJob {
    pub row: SimulationJobRow,
    /// The request as run (the parameters that produced the result).
    pub request: SimulationRequest,
    pub result: Option<Simulation>,
    /// Why it failed, as the error the synchronous projection would have
    /// given (so that it is told in the reader's language, under its field).
    pub error: Option<AppError>,
}

/// The fields a projection's refusal names, as the app's static names.
fn known_field(field: Option<&str>) -> &'static str {
    match field.unwrap_or("") {
        "reform" => "reform",
        "assumption" => "assumption",
        "baseline" => "baseline",
        "override" => "override",
        "population" => "population",
        "people" => "people",
        "on" => "on",
        "unitless_class" => "unitless_class",
        "start_year" => "start_year",
        "years" => "years",
        "replicates" => "replicates",
        "seed" => "seed",
        _ => "simulation",
    }
}

/// The request a stored job ran.
fn request_of(row: &SimulationJobRow) -> Result<SimulationRequest, AppError> {
    let small = |v: i64, field: &'static str| {
        u16::try_from(v).map_err(|_| AppError::invalid(field, format!("stored value {v}")))
    };
    let population = match (row.people, row.stored_on) {
        (Some(people), _) => PopulationSource::Synthetic {
            people: u64::try_from(people).unwrap_or(0),
        },
        (None, Some(on)) => PopulationSource::Stored {
            on,
            unitless_class: row.unitless_class.and_then(|c| u8::try_from(c).ok()),
        },
        (None, None) => return Err(AppError::invalid("population", "none stored")),
    };
    Ok(SimulationRequest {
        reform: row.reform.clone(),
        population,
        seed: row.seed,
        start_year: i16::try_from(row.start_year)
            .map_err(|_| AppError::invalid("start_year", "stored value out of range"))?,
        years: small(row.years, "years")?,
        replicates: small(row.replicates, "replicates")?,
    })
}

/// A failure as stored: an internal one (the database) is not told, only
/// that it happened; the server logs it.
fn job_error(e: &AppError) -> JobError {
    if e.is_internal() {
        JobError {
            code: "internal".into(),
            field: None,
            detail: "the projection failed on the server (see its log)".into(),
        }
    } else {
        JobError {
            code: e.code().to_owned(),
            field: e.field().map(str::to_owned),
            detail: match e {
                AppError::Invalid { reason, .. } => reason.clone(),
                other => other.to_string(),
            },
        }
    }
}

/// The stored failure as the app's error again.
fn app_error(e: &JobError) -> AppError {
    match e.code.as_str() {
        "invalid" => AppError::Invalid {
            field: known_field(e.field.as_deref()),
            reason: e.detail.clone(),
        },
        _ => AppError::Conflict {
            entity: "simulation job",
            reason: e.detail.clone(),
        },
    }
}

impl App {
    /// Saves a reform under a name: the next version of the name (1 for a
    /// new one). The reform is validated as a projection validates it; a
    /// refused one saves nothing.
    pub fn save_scenario(
        &self,
        actor: &Actor,
        input: &ScenarioInput,
    ) -> Result<ScenarioRow, AppError> {
        actor.authorize(Action::SaveScenario)?;
        let name = input.name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("name", "a name is required"));
        }
        if name.chars().count() > SCENARIO_NAME_MAX_CHARS || name.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "name",
                format!("{name:?}: at most {SCENARIO_NAME_MAX_CHARS} characters on one line"),
            ));
        }
        let description = input.description.trim();
        if description.chars().count() > SCENARIO_DESCRIPTION_MAX_CHARS {
            return Err(AppError::invalid(
                "description",
                format!("at most {SCENARIO_DESCRIPTION_MAX_CHARS} characters"),
            ));
        }
        if input.reform.trim().is_empty() {
            return Err(AppError::invalid("reform", "a reform is required"));
        }
        self.parse_reform(&input.reform)?;
        Ok(self.store.save_scenario(
            &NewScenario {
                name: name.to_owned(),
                description: description.to_owned(),
                reform: input.reform.clone(),
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// Archives a scenario: hidden from the list until saved again; its
    /// versions stay readable.
    pub fn archive_scenario(&self, actor: &Actor, name: &str) -> Result<ScenarioRow, AppError> {
        actor.authorize(Action::SaveScenario)?;
        Ok(self
            .store
            .archive_scenario(name.trim(), &actor.audit_name(), self.now())?)
    }

    /// The latest version of each saved scenario, by name (archived ones
    /// only when asked for).
    pub fn scenarios(
        &self,
        actor: &Actor,
        with_archived: bool,
    ) -> Result<Vec<ScenarioRow>, AppError> {
        actor.authorize(Action::ReadScenarios)?;
        Ok(self.store.latest_scenarios(with_archived)?)
    }

    /// Every version of a scenario, the oldest first.
    pub fn scenario_versions(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<Vec<ScenarioRow>, AppError> {
        actor.authorize(Action::ReadScenarios)?;
        let versions = self.store.scenario_versions(name)?;
        if versions.is_empty() {
            return Err(AppError::NotFound {
                entity: "scenario",
                key: name.to_owned(),
            });
        }
        Ok(versions)
    }

    /// A version of a scenario (none: its latest).
    pub fn scenario(
        &self,
        actor: &Actor,
        name: &str,
        version: Option<i64>,
    ) -> Result<ScenarioRow, AppError> {
        let versions = self.scenario_versions(actor, name)?;
        let found = match version {
            Some(v) => versions.into_iter().find(|s| s.version == v),
            None => versions.into_iter().next_back(),
        };
        found.ok_or_else(|| AppError::NotFound {
            entity: "scenario",
            key: format!("{name} version {}", version.unwrap_or_default()),
        })
    }

    fn parse_reform(&self, text: &str) -> Result<gongshang_sim::Reform, AppError> {
        gongshang_sim::Reform::parse(text, &self.policy).map_err(|e| AppError::Invalid {
            field: e.field,
            reason: e.reason,
        })
    }

    /// Queues a projection as a job, checked as the synchronous one is (a
    /// synthetic population up to [`SIMULATION_JOB_MAX_PEOPLE`]); a worker
    /// runs it ([`App::run_next_simulation_job`]).
    pub fn start_simulation_job(
        &self,
        actor: &Actor,
        req: &JobRequest,
    ) -> Result<SimulationJobRow, AppError> {
        actor.authorize(Action::RunSimulationJob)?;
        let (scenario_id, reform) = match &req.reform {
            JobReform::Scenario { name, version } => {
                let s = self.scenario(actor, name, *version)?;
                (Some(s.id), Some(s.reform))
            }
            JobReform::Inline(text) => (None, text.clone().filter(|t| !t.trim().is_empty())),
        };
        let request = SimulationRequest {
            reform,
            population: req.population.clone(),
            seed: req.seed,
            start_year: req.start_year,
            years: req.years,
            replicates: req.replicates,
        };
        App::check_request(&request, SIMULATION_JOB_MAX_PEOPLE)?;
        if let Some(text) = &request.reform {
            self.parse_reform(text)?;
        }
        let (people, stored_on, unitless_class) = match request.population {
            PopulationSource::Synthetic { people } => (
                Some(i64::try_from(people).unwrap_or(i64::MAX)),
                None::<Date>,
                None,
            ),
            PopulationSource::Stored { on, unitless_class } => {
                (None, Some(on), unitless_class.map(i64::from))
            }
        };
        Ok(self.store.queue_simulation_job(
            &NewSimulationJob {
                scenario_id,
                reform: request.reform,
                people,
                stored_on,
                unitless_class,
                seed: request.seed,
                start_year: i64::from(request.start_year),
                years: i64::from(request.years),
                replicates: i64::from(request.replicates),
                total: JOB_PROGRESS_TOTAL,
            },
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// Runs the oldest queued job, if any, to its end: its stage recorded as
    /// it goes, then its result or its error stored. Returns the job's id
    /// and, when it failed, why (for the runner's log). Run by the server's
    /// worker as the system; one job at a time per call.
    pub fn run_next_simulation_job(
        &self,
        actor: &Actor,
    ) -> Result<Option<(i64, Option<AppError>)>, AppError> {
        self.run_next_simulation_job_reporting(actor, &mut |_| {})
    }

    /// [`App::run_next_simulation_job`], telling `on_progress` every
    /// progress it records for the job (the stage and hundredths of
    /// [`JOB_PROGRESS_TOTAL`], as the store holds them), the last one 100
    /// when the job is done.
    pub fn run_next_simulation_job_reporting(
        &self,
        actor: &Actor,
        on_progress: &mut dyn FnMut(JobProgress),
    ) -> Result<Option<(i64, Option<AppError>)>, AppError> {
        actor.authorize(Action::RunSimulationJob)?;
        let Some(row) = self
            .store
            .claim_simulation_job(Stage::Population.as_str(), self.now())?
        else {
            return Ok(None);
        };
        let id = row.id;
        // In hundredths, whatever total the job was queued with (a job
        // queued by an older version counted 3 stages).
        let total = JOB_PROGRESS_TOTAL;
        let outcome = request_of(&row).and_then(|req| {
            let mut record = |p: JobProgress| -> Result<(), AppError> {
                self.store
                    .simulation_job_progress(id, p.stage.as_str(), p.percent, total)?;
                on_progress(p);
                Ok(())
            };
            let sim = self.project_request(&req, SIMULATION_JOB_MAX_PEOPLE, &mut record)?;
            record(JobProgress {
                stage: Stage::Storing,
                percent: Stage::Storing.percent_before(),
            })?;
            serde_json::to_string(&sim)
                .map_err(|e| AppError::invalid("simulation", format!("result not written: {e}")))
        });
        match outcome {
            Ok(json) => {
                self.store.finish_simulation_job(id, &json, self.now())?;
                on_progress(JobProgress {
                    stage: Stage::Storing,
                    percent: JOB_PROGRESS_TOTAL,
                });
                Ok(Some((id, None)))
            }
            Err(e) => {
                self.store
                    .fail_simulation_job(id, &job_error(&e), self.now())?;
                Ok(Some((id, Some(e))))
            }
        }
    }

    /// Marks the jobs found running interrupted: called once when a server
    /// starts, before its workers run (their runs were cut short by the
    /// stop). Queued jobs stay queued and run. Returns their ids.
    pub fn interrupt_simulation_jobs(&self, actor: &Actor) -> Result<Vec<i64>, AppError> {
        actor.authorize(Action::RunSimulationJob)?;
        Ok(self.store.interrupt_simulation_jobs(self.now())?)
    }

    /// The newest jobs first (at most `limit`), without their results.
    pub fn simulation_jobs(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> Result<Vec<SimulationJobRow>, AppError> {
        actor.authorize(Action::ReadSimulationJobs)?;
        Ok(self.store.simulation_jobs(limit.clamp(1, 500))?)
    }

    /// A job with its request, and its result once done or its error once
    /// failed.
    pub fn simulation_job(&self, actor: &Actor, id: i64) -> Result<SimulationJob, AppError> {
        actor.authorize(Action::ReadSimulationJobs)?;
        let row = self
            .store
            .simulation_job(id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "simulation job",
                key: id.to_string(),
            })?;
        let request = request_of(&row)?;
        let result = match (&row.status, &row.result) {
            (JobStatus::Done, Some(json)) => Some(serde_json::from_str(json).map_err(|e| {
                AppError::Store(gongshang_store::StoreError::InvalidData {
                    field: "result",
                    reason: format!("a stored simulation result does not read back: {e}"),
                })
            })?),
            _ => None,
        };
        let error = row.error.as_ref().map(app_error);
        Ok(SimulationJob {
            row,
            request,
            result,
            error,
        })
    }
}

/// Two done jobs side by side (issue 14): each job, then year by year the
/// reform's income, expenditure and fund at year end of each and the
/// difference in the fund (b − a). The years are paired in order (the
/// first year of each, then the second…), so two jobs starting in
/// different years compare their horizons; the pairs stop at the shorter.
#[derive(Clone, Debug)]
pub struct JobComparison {
    pub a: SimulationJob,
    pub b: SimulationJob,
    pub years: Vec<ComparedYear>,
}

/// One pair of years of a [`JobComparison`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComparedYear {
    pub year_a: i16,
    pub year_b: i16,
    pub income_a: Money,
    pub income_b: Money,
    pub expenditure_a: Money,
    pub expenditure_b: Money,
    pub reserve_a: Money,
    pub reserve_b: Money,
    /// The fund at year end of b less a's.
    pub reserve_difference: Money,
}

impl App {
    /// Two done jobs compared (see [`JobComparison`]). A job that has no
    /// result (queued, running, failed) is refused under its own field,
    /// `a` or `b`, saying what it is.
    pub fn compare_simulation_jobs(
        &self,
        actor: &Actor,
        a: i64,
        b: i64,
    ) -> Result<JobComparison, AppError> {
        let done = |id: i64, which: &'static str| -> Result<SimulationJob, AppError> {
            let job = self.simulation_job(actor, id)?;
            if job.result.is_none() {
                return Err(AppError::invalid(
                    which,
                    format!("job {id} has no result: it is {}", job.row.status.as_str()),
                ));
            }
            Ok(job)
        };
        let (a, b) = (done(a, "a")?, done(b, "b")?);
        let years = match (&a.result, &b.result) {
            (Some(ra), Some(rb)) => ra
                .projection
                .reformed
                .years
                .iter()
                .zip(&rb.projection.reformed.years)
                .map(|(ya, yb)| ComparedYear {
                    year_a: ya.year,
                    year_b: yb.year,
                    income_a: ya.income,
                    income_b: yb.income,
                    expenditure_a: ya.expenditure,
                    expenditure_b: yb.expenditure,
                    reserve_a: ya.reserve,
                    reserve_b: yb.reserve,
                    reserve_difference: Money::from_fen(
                        yb.reserve.fen().saturating_sub(ya.reserve.fen()),
                    ),
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(JobComparison { a, b, years })
    }
}
