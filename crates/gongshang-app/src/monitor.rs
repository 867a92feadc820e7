//! Monitoring and early warning (issue 16) as use cases: the rules in force,
//! a full run (the store gathers each rule's facts set-wise, the domain
//! evaluates and plans, the store writes the plan in one transaction), the
//! alerts, one alert with its flags and records, and an alert's next step.
//! A platform's (or the agency's) monthly declaration of orders and premium
//! is recorded here too: the rule `platform_declared_vs_stored` reads it.

use std::collections::BTreeMap;

use gongshang_domain::coverage;
use gongshang_domain::ids::PlatformId;
use gongshang_domain::monitor::grading::{self, Grade, Graded, GradingParams, GroupWarning};
use gongshang_domain::monitor::sample::{self, Drawn, Population, SAMPLE_RULE};
use gongshang_domain::monitor::{self, AlertCommand, Outcome, Precision, RunMode};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::monitoring::MonitorRule;
pub use gongshang_store::monitor::{
    AlertEventRow, AlertRow, FlagRow, MonitorFailureRow, MonitorRunRow, PlatformDeclaration,
    Watermarks,
};
use gongshang_store::monitor::{AlertFilter, FactFilter, FactScope, OrdersWindow, RunWindow};
use jiff::civil::Date;
use serde::Serialize;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::services::App;

/// A rule in force, with its precision from closed alerts.
#[derive(Clone, Debug, Serialize)]
pub struct RuleView {
    pub rule: MonitorRule,
    pub precision: Precision,
    /// Confirmed per ten thousand closed, when any closed.
    pub precision_bp: Option<u64>,
}

/// One alert with its rule, flags (and the records each fired on) and history.
#[derive(Clone, Debug, Serialize)]
pub struct AlertDetail {
    pub alert: AlertRow,
    pub rule: Option<MonitorRule>,
    pub flags: Vec<FlagRow>,
    pub events: Vec<AlertEventRow>,
}

/// What a run did, and how long each part took (milliseconds).
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    pub run: MonitorRunRow,
    /// The mode asked for: an incremental run with no earlier watermarks
    /// (no run yet) runs in full, and `run.mode` says so.
    pub asked: RunMode,
    pub gather_ms: u64,
    pub evaluate_ms: u64,
    pub write_ms: u64,
    /// Facts gathered per rule.
    pub facts: BTreeMap<String, usize>,
}

/// Every unit and platform graded on a day, most points first, and the
/// warnings of their groups (issue 16).
#[derive(Clone, Debug, Serialize)]
pub struct GradingReport {
    pub as_of: Date,
    /// The first day of the year counted (cases, confirmed alerts).
    pub since: Date,
    pub graded: Vec<Graded>,
    /// Warned groups first, red before orange before yellow.
    pub warnings: Vec<GroupWarning>,
    /// How many subjects have each grade, A to D.
    pub by_grade: BTreeMap<Grade, usize>,
    /// The parameters in force (key, value as written).
    pub parameters: Vec<(String, String)>,
}

/// A random audit sample as drawn: the records chosen and the alerts they
/// opened, with the base rate of samples closed before.
#[derive(Clone, Debug, Serialize)]
pub struct SampleReport {
    pub run: MonitorRunRow,
    pub population: Population,
    /// Records in the population when drawn.
    pub population_size: usize,
    pub seed: u64,
    /// `{day}-{population}-{seed}`: the same draw again adds nothing.
    pub draw_id: String,
    pub drawn: Vec<Drawn>,
    /// Samples closed before (confirmed of closed): the rate a rule's
    /// precision is compared with.
    pub base_rate: Precision,
}

/// The incremental monitoring run after an import (issue 16), as the
/// import's answer says it: the run it made, or why it failed (the import
/// stands; the failure is kept and `/monitor` offers to run again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AfterImportRun {
    Ran {
        run_id: i64,
        flags_new: i64,
        alerts_opened: i64,
    },
    Failed {
        reason: String,
    },
}

/// The last monitoring run, and the failure kept after it (a failure
/// followed by a run that succeeded is over).
#[derive(Clone, Debug, Serialize)]
pub struct MonitorStatus {
    pub last_run: Option<MonitorRunRow>,
    pub failure: Option<MonitorFailureRow>,
}

/// The most records one sample draws.
pub const MAX_SAMPLE: usize = 1000;

impl App {
    fn today_in_china(&self) -> Date {
        coverage::date_in_china(self.now())
    }

    /// The monitoring rules in force today, with each one's precision.
    pub fn monitor_rules(&self, actor: &Actor) -> Result<Vec<RuleView>, AppError> {
        actor.authorize(Action::ReadAlerts)?;
        let closed = self.store.closed_alert_outcomes()?;
        let outcomes: Vec<(&str, Outcome)> = closed
            .iter()
            .filter_map(|(r, o)| Outcome::parse(o).ok().map(|o| (r.as_str(), o)))
            .collect();
        let precision = monitor::precision(outcomes);
        Ok(self
            .policy
            .monitor_rules_on(self.today_in_china())
            .map(|r| {
                let p = precision.get(&r.id).cloned().unwrap_or_default();
                RuleView {
                    rule: r.clone(),
                    precision_bp: p.basis_points(),
                    precision: p,
                }
            })
            .collect())
    }

    /// A full run of the rules in force today over everything stored. Runs
    /// again over the same data open nothing new (flags are keyed).
    pub fn run_monitor(&self, actor: &Actor) -> Result<RunReport, AppError> {
        self.run_monitor_in(actor, RunMode::Full)
    }

    /// A run in `mode`: `full` over everything stored (the nightly
    /// reference), or `incremental` over the facts touching the rows
    /// written since the last run's watermarks (the people of new cases
    /// and covers, the people and units of new enrolments, the units of new
    /// cases, the days of new order batches, new declarations, matching
    /// hits and ledger transactions). Both record the watermarks they read
    /// first, so the next incremental run starts there. An incremental run
    /// with no earlier watermarks runs in full. `sample` is not a mode to
    /// run in (see [`App::draw_audit_sample`]).
    pub fn run_monitor_in(&self, actor: &Actor, mode: RunMode) -> Result<RunReport, AppError> {
        actor.authorize(Action::RunMonitor)?;
        if mode == RunMode::Sample {
            return Err(AppError::invalid(
                "mode",
                "a run is full or incremental; a sample is drawn with its own command",
            ));
        }
        // The watermarks first: every row at or under them is committed,
        // and the facts read after them see those rows.
        let watermarks = self.store.monitor_watermarks()?;
        let since = match mode {
            RunMode::Incremental => self.store.last_monitor_watermarks()?,
            _ => None,
        };
        let window = RunWindow {
            mode: if since.is_some() {
                RunMode::Incremental
            } else {
                RunMode::Full
            },
            since,
            watermarks: Some(watermarks),
        };
        let mut report = self.run_monitor_window(actor, window)?;
        report.asked = mode;
        Ok(report)
    }

    /// After an import through the app: an incremental run as the system,
    /// once a run has recorded watermarks (until the first full run there is
    /// nothing to be incremental after). Its failure does not undo the
    /// import: the watermarks stay where they were, so the next run covers
    /// the import's rows; the failure is kept (`cause` says which import)
    /// and returned, for the import's answer to say it.
    pub(crate) fn monitor_after_import(&self, cause: &str) -> Option<AfterImportRun> {
        if !self
            .monitor_after_import
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            return None;
        }
        let result = match self.store.last_monitor_watermarks() {
            Ok(None) => return None,
            Ok(Some(_)) => self.run_monitor_in(&Actor::system(), RunMode::Incremental),
            Err(e) => Err(AppError::from(e)),
        };
        Some(match result {
            Ok(r) => AfterImportRun::Ran {
                run_id: r.run.id,
                flags_new: r.run.flags_new,
                alerts_opened: r.run.alerts_opened,
            },
            Err(e) => {
                let reason = e.to_string();
                // Keeping it may fail too (the same broken store): the
                // answer still says the run failed.
                let _ = self.store.record_monitor_failure(
                    RunMode::Incremental,
                    cause,
                    &reason,
                    &Actor::system().audit_name(),
                    self.now(),
                );
                AfterImportRun::Failed { reason }
            }
        })
    }

    /// The last run and, when the latest attempt failed, its failure
    /// (agency staff who read alerts).
    pub fn monitor_status(&self, actor: &Actor) -> Result<MonitorStatus, AppError> {
        actor.authorize(Action::ReadAlerts)?;
        let runs = self.store.monitor_runs(50)?;
        // A random sample is no run of the rules: it ends no failure.
        let last_rules_run = runs
            .iter()
            .find(|r| r.mode != RunMode::Sample)
            .map(|r| r.id);
        let failure = self.store.last_monitor_failure()?.filter(|f| {
            last_rules_run.is_none_or(|id| f.after_run.is_some_and(|after| id <= after))
        });
        Ok(MonitorStatus {
            last_run: runs.into_iter().next(),
            failure,
        })
    }

    /// Turns the incremental run after each import on or off (a bulk load
    /// of history, or a benchmark timing the run on its own); the nightly
    /// full run, or the next incremental one, then covers what was imported.
    pub fn set_monitor_after_import(&self, on: bool) {
        self.monitor_after_import
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Makes every monitoring run fail with `reason` until called with
    /// `None`: a store that breaks in the middle of a run cannot be had on
    /// demand, and what people are told of a failed run is tested with it.
    /// Only with the `fault-injection` feature, which only the test crates'
    /// dev-dependencies turn on: the release binary has no such switch
    /// (DESIGN.md, "How do tests make a monitoring run fail?").
    #[cfg(feature = "fault-injection")]
    pub fn fail_monitor_runs_with(&self, reason: Option<&str>) {
        *self.monitor_fault.lock().unwrap_or_else(|e| e.into_inner()) = reason.map(str::to_owned);
    }

    fn run_monitor_window(&self, actor: &Actor, window: RunWindow) -> Result<RunReport, AppError> {
        #[cfg(feature = "fault-injection")]
        if let Some(reason) = self
            .monitor_fault
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return Err(AppError::Store(gongshang_store::StoreError::Backend {
                backend: "fault",
                context: "running the monitoring rules".to_owned(),
                detail: reason,
            }));
        }
        let today = self.today_in_china();
        let rules: Vec<&MonitorRule> = self.policy.monitor_rules_on(today).collect();
        monitor::check_rules(rules.iter().copied())?;
        let max_span_minutes = rules
            .iter()
            .find(|r| r.id == "hours_in_day")
            .and_then(|r| r.params.get("max_span_hours"))
            .map(|h| h * 60);
        // The order industries' classes in force today, and the orders of
        // the rule's window up to today (industry_class_vs_orders).
        let classes = monitor::OrderIndustryClasses::on(self.policy(), today)?;
        let orders_window = match rules
            .iter()
            .find(|r| r.id == "industry_class_vs_orders")
            .and_then(|r| r.params.get("window_days"))
        {
            Some(days) => Some(OrdersWindow {
                from: today
                    .checked_sub(jiff::Span::new().days((days - 1).max(0)))
                    .map_err(|e| AppError::invalid("window_days", e.to_string()))?,
                to: today,
                below_class: classes.entries.iter().map(|e| e.class).max().unwrap_or(0),
            }),
            None => None,
        };
        // Timing for the report only (the clock of the process, not the
        // app's: durations are not legal dates).
        let started = std::time::Instant::now();
        let scope = match (&window.since, &window.watermarks) {
            (Some(since), Some(until)) if window.mode == RunMode::Incremental => Some(FactScope {
                since: since.clone(),
                until: until.clone(),
            }),
            _ => None,
        };
        let facts = self.store.monitor_facts(&FactFilter {
            max_span_minutes,
            orders_window,
            scope,
        })?;
        let gather_ms = started.elapsed().as_millis() as u64;
        let started = std::time::Instant::now();
        let flags = monitor::evaluate(&rules, &facts, &classes)?;
        let found = flags.len() as i64;
        let known = self.store.monitor_known()?;
        let plan = monitor::plan_run(flags, &rules, &known);
        let evaluate_ms = started.elapsed().as_millis() as u64;
        let started = std::time::Instant::now();
        let ids: Vec<String> = rules
            .iter()
            .map(|r| format!("{}@{}", r.id, r.version))
            .collect();
        let run = self.store.record_monitor_run(
            today,
            &ids,
            found,
            &plan,
            &window,
            &actor.audit_name(),
            self.now(),
        )?;
        let write_ms = started.elapsed().as_millis() as u64;
        let facts = BTreeMap::from([
            (
                "cover_after_accident".to_owned(),
                facts.covers_at_accident.len(),
            ),
            (
                "overlapping_unit_enrolments".to_owned(),
                facts.overlapping_enrolments.len(),
            ),
            ("hours_in_day".to_owned(), facts.long_days.len()),
            ("duplicate_claim".to_owned(), facts.same_accidents.len()),
            (
                "platform_declared_vs_stored".to_owned(),
                facts.platform_months.len(),
            ),
            (
                "wages_clamped_to_floor".to_owned(),
                facts.unit_wage_months.len(),
            ),
            ("repeated_injuries".to_owned(), facts.person_injuries.len()),
            (
                "small_unit_disability_claims".to_owned(),
                facts.unit_disability_claims.len(),
            ),
            ("clustered_claims".to_owned(), facts.unit_cases.len()),
            ("payout_ratio".to_owned(), facts.platform_payouts.len()),
            (
                "benefit_after_life_event".to_owned(),
                facts.paid_after_life_events.len(),
            ),
            (
                "industry_class_vs_cases".to_owned(),
                facts.unit_class_cases.len(),
            ),
            (
                "industry_class_vs_orders".to_owned(),
                facts.unit_order_industries.len(),
            ),
        ]);
        Ok(RunReport {
            asked: run.mode,
            run,
            gather_ms,
            evaluate_ms,
            write_ms,
            facts,
        })
    }

    /// The latest monitoring runs, newest first, with their mode and the
    /// ids each covered.
    pub fn monitor_runs(
        &self,
        actor: &Actor,
        limit: Option<i64>,
    ) -> Result<Vec<MonitorRunRow>, AppError> {
        actor.authorize(Action::ReadAlerts)?;
        Ok(self.store.monitor_runs(limit.unwrap_or(20))?)
    }

    /// Alerts, most severe first: `state` is `open`, `investigating`,
    /// `referred`, `closed`, or `active` (all but closed).
    pub fn alerts(
        &self,
        actor: &Actor,
        state: Option<&str>,
        rule_id: Option<&str>,
        limit: Option<i64>,
    ) -> Result<Vec<AlertRow>, AppError> {
        actor.authorize(Action::ReadAlerts)?;
        if let Some(s) = state
            && !["open", "investigating", "referred", "closed", "active"].contains(&s)
        {
            return Err(AppError::invalid(
                "state",
                format!("{s:?} is not one of open, investigating, referred, closed, active"),
            ));
        }
        Ok(self.store.list_alerts(&AlertFilter {
            state: state.map(str::to_owned),
            rule_id: rule_id.map(str::to_owned),
            limit: limit.unwrap_or(200),
        })?)
    }

    /// One alert with its rule, its flags and the records they fired on,
    /// and its history.
    pub fn alert_detail(&self, actor: &Actor, id: i64) -> Result<AlertDetail, AppError> {
        actor.authorize(Action::ReadAlerts)?;
        let alert = self.store.alert(id)?.ok_or_else(|| AppError::NotFound {
            entity: "alert",
            key: id.to_string(),
        })?;
        let rule = self
            .policy
            .monitor_rules()
            .find(|r| r.id == alert.rule_id && i64::from(r.version) == alert.rule_version)
            .cloned();
        Ok(AlertDetail {
            flags: self.store.alert_flags(id)?,
            events: self.store.alert_events(id)?,
            rule,
            alert,
        })
    }

    /// Investigate, refer or close an alert. `expected_version`, when
    /// given, is the version the caller saw (`conflict` if it moved on).
    pub fn handle_alert(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: Option<i64>,
        command: AlertCommand,
    ) -> Result<AlertRow, AppError> {
        actor.authorize(Action::HandleAlert)?;
        let alert = self.store.alert(id)?.ok_or_else(|| AppError::NotFound {
            entity: "alert",
            key: id.to_string(),
        })?;
        let version = expected_version.unwrap_or(alert.version);
        let event = monitor::decide(alert.state, &command).map_err(AppError::Rejected)?;
        Ok(self
            .store
            .append_alert_event(id, version, &event, &actor.audit_name(), self.now())?)
    }

    /// A platform's declared orders and premium for a month (the platform
    /// itself, or agency staff for it); once per platform and month.
    pub fn declare_platform_month(
        &self,
        actor: &Actor,
        platform: &PlatformId,
        month: Month,
        orders: u64,
        premium: Money,
    ) -> Result<PlatformDeclaration, AppError> {
        actor.authorize(Action::Declare)?;
        actor.require_reach(
            actor.reaches_platform(platform),
            "platform",
            platform.as_str(),
        )?;
        if premium.fen() < 0 {
            return Err(AppError::invalid("premium", "a premium is not negative"));
        }
        let declaration = PlatformDeclaration {
            platform: platform.as_str().to_owned(),
            month: month.to_string(),
            orders: i64::try_from(orders)
                .map_err(|_| AppError::invalid("orders", "too many orders"))?,
            premium_fen: premium.fen(),
            declared_at: Some(self.now()),
            actor: Some(actor.audit_name()),
        };
        self.store
            .declare_platform_month(&declaration, &actor.audit_name(), self.now())?;
        Ok(declaration)
    }

    /// Units and platforms graded A-D on `as_of` (today when none) from
    /// what is counted against each in the year up to it, with the red,
    /// orange and yellow warnings by industry, district and platform. The
    /// weights and thresholds are `monitoring.grading.*` in force that day.
    pub fn grading(&self, actor: &Actor, as_of: Option<Date>) -> Result<GradingReport, AppError> {
        actor.authorize(Action::ReadAlerts)?;
        let as_of = as_of.unwrap_or_else(|| self.today_in_china());
        let since = as_of
            .checked_sub(jiff::Span::new().years(1))
            .and_then(|d| d.tomorrow())
            .map_err(|e| AppError::invalid("as_of", e.to_string()))?;
        let (params, parameters) = self.grading_params(as_of)?;
        let mut graded: Vec<Graded> = self
            .store
            .grading_subjects(since, as_of)?
            .into_iter()
            .map(|s| grading::grade(s, &params))
            .collect();
        graded.sort_by(|a, b| {
            b.points
                .cmp(&a.points)
                .then_with(|| a.subject.subject.cmp(&b.subject.subject))
        });
        let mut warnings = grading::warnings(&graded, &params);
        warnings.sort_by(|a, b| {
            b.warning
                .cmp(&a.warning)
                .then_with(|| (a.kind, &a.key).cmp(&(b.kind, &b.key)))
        });
        let mut by_grade = BTreeMap::new();
        for g in &graded {
            *by_grade.entry(g.grade).or_insert(0) += 1;
        }
        Ok(GradingReport {
            as_of,
            since,
            graded,
            warnings,
            by_grade,
            parameters,
        })
    }

    fn grading_params(
        &self,
        day: Date,
    ) -> Result<(GradingParams, Vec<(String, String)>), AppError> {
        let mut shown = Vec::new();
        let mut at = |name: &str| -> Result<gongshang_rules::params::ParamUse, AppError> {
            let key = format!("monitoring.grading.{name}");
            let p = self.policy().at("national", &key, day)?;
            shown.push((key, p.value.to_string()));
            Ok(p)
        };
        let params = GradingParams {
            points_high_alert: at("points_high_alert")?.whole(),
            points_medium_alert: at("points_medium_alert")?.whole(),
            points_low_alert: at("points_low_alert")?.whole(),
            points_overdue_bill: at("points_overdue_bill")?.whole(),
            points_case: at("points_case")?.whole(),
            b_from: at("b_from")?.whole(),
            c_from: at("c_from")?.whole(),
            d_from: at("d_from")?.whole(),
            red_share: at("red_share")?.rate(),
            orange_share: at("orange_share")?.rate(),
            yellow_share: at("yellow_share")?.rate(),
        };
        Ok((params, shown))
    }

    /// Draws `size` records at random from a population (Decree 765 Art 42)
    /// and opens them as alerts of [`SAMPLE_RULE`], worked like any alert
    /// (Art 44). The same seed on the same day draws the same records and
    /// writes nothing new; without one the seed comes from the clock.
    pub fn draw_audit_sample(
        &self,
        actor: &Actor,
        population: Population,
        size: usize,
        seed: Option<u64>,
    ) -> Result<SampleReport, AppError> {
        actor.authorize(Action::RunMonitor)?;
        if size == 0 || size > MAX_SAMPLE {
            return Err(AppError::invalid(
                "size",
                format!("a sample draws 1 to {MAX_SAMPLE} records, not {size}"),
            ));
        }
        let today = self.today_in_china();
        let seed = seed.unwrap_or_else(|| self.now().as_nanosecond().unsigned_abs() as u64);
        let ids = self.store.audit_population_ids(population)?;
        let chosen: Vec<i64> = sample::draw(ids.len(), size, seed)
            .into_iter()
            .map(|i| ids[i])
            .collect();
        let drawn = self.store.audit_records(population, &chosen)?;
        let draw_id = format!("{today}-{}-{seed}", population.as_str());
        let known = self.store.monitor_known()?;
        let plan = sample::sample_plan(population, &draw_id, &drawn, &known);
        let run = self.store.record_monitor_run(
            today,
            &[format!("{SAMPLE_RULE}:{draw_id}")],
            drawn.len() as i64,
            &plan,
            &RunWindow::unwatched(RunMode::Sample),
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(SampleReport {
            run,
            population,
            population_size: ids.len(),
            seed,
            draw_id,
            drawn,
            base_rate: self.sample_base_rate_unchecked()?,
        })
    }

    /// The base rate: random samples closed, and how many were confirmed.
    pub fn sample_base_rate(&self, actor: &Actor) -> Result<Precision, AppError> {
        actor.authorize(Action::ReadAlerts)?;
        self.sample_base_rate_unchecked()
    }

    fn sample_base_rate_unchecked(&self) -> Result<Precision, AppError> {
        let closed = self.store.closed_alert_outcomes()?;
        let outcomes = closed
            .iter()
            .filter(|(r, _)| r == SAMPLE_RULE)
            .filter_map(|(r, o)| Outcome::parse(o).ok().map(|o| (r.as_str(), o)));
        Ok(monitor::precision(outcomes)
            .remove(SAMPLE_RULE)
            .unwrap_or_default())
    }
}
