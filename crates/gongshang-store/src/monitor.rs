//! `MonitorStore` (issue 16): the facts of the monitoring rules gathered
//! set-wise (each rule's facts one statement that groups or joins in the
//! database: a person's day of orders by `GROUP BY`, overlapping enrolments
//! by a self-join on the person; nothing loads every order), platforms'
//! monthly declarations, the runs, and alerts with their flags and their
//! append-only events.

use std::collections::{BTreeMap, BTreeSet};

use gongshang_domain::monitor::facts::{
    CoverAtAccident, OverlappingEnrolments, PaidAfterLifeEvent, PersonDay, PersonInjuries,
    PlatformMonth, PlatformPayout, SameAccident, UnitCases, UnitClassCases, UnitDisabilityClaims,
    UnitOrderIndustry, UnitWageMonth,
};
use gongshang_domain::monitor::grading::{GradingSubject, SubjectCounts};
use gongshang_domain::monitor::sample::{Drawn, Population};
use gongshang_domain::monitor::{
    AlertEvent, AlertState, Flag, Known, MonitorFacts, RecordRef, RunMode, RunPlan, Subject,
    SubjectKind,
};
use gongshang_rules::Money;
use gongshang_rules::monitoring::Severity;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::db::{Cols, Db, DbExt, Value};
use crate::engine::{Backend, SqlStore, audit};
use crate::error::StoreError;

/// What a platform declares for a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlatformDeclaration {
    pub platform: String,
    /// `YYYY-MM`.
    pub month: String,
    pub orders: i64,
    pub premium_fen: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
}

/// The tables an incremental run follows by the ids of their rows (every
/// row of them is inserted, never updated in a way a rule reads): the days
/// of order import batches, cases, covers, enrolments, wage declarations,
/// shared-data matching hits and ledger transactions.
pub const WATERMARK_TABLES: &[&str] = &[
    "order_batch_days",
    "cases",
    "coverage",
    "enrollments",
    "declarations",
    "match_hits",
    "ledger_transactions",
];

/// For each table of [`WATERMARK_TABLES`], the highest id a run saw
/// committed (every row at or under it is committed or never will be).
pub type Watermarks = BTreeMap<String, i64>;

/// A run's mode and the ids it covered: an incremental run covers the rows
/// of each table with `since < id <= watermarks`; a full run everything up
/// to its watermarks (and whatever was committed while it read).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunWindow {
    pub mode: RunMode,
    /// The previous run's watermarks (an incremental run only).
    pub since: Option<Watermarks>,
    pub watermarks: Option<Watermarks>,
}

impl RunWindow {
    /// A run that records no watermarks (a random sample, or a store test).
    pub fn unwatched(mode: RunMode) -> RunWindow {
        RunWindow {
            mode,
            since: None,
            watermarks: None,
        }
    }
}

/// A run as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonitorRunRow {
    pub id: i64,
    pub as_of: Date,
    pub started_at: Timestamp,
    pub actor: String,
    pub rules: Vec<String>,
    pub flags_found: i64,
    pub flags_new: i64,
    pub alerts_opened: i64,
    pub alerts_grown: i64,
    pub mode: RunMode,
    /// The ids covered, by table (`since` to `watermarks`).
    pub since: Option<Watermarks>,
    pub watermarks: Option<Watermarks>,
}

/// A monitoring run that failed (issue 16): what started it (`cause`, e.g.
/// `import 12`), the mode asked for and why it failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonitorFailureRow {
    pub id: i64,
    pub mode: RunMode,
    pub cause: String,
    pub reason: String,
    pub actor: String,
    pub failed_at: Timestamp,
    /// The latest run when it failed: the failure is over once a newer run
    /// succeeded.
    pub after_run: Option<i64>,
}

/// An alert's current state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlertRow {
    pub id: i64,
    pub rule_id: String,
    pub rule_version: i64,
    pub severity: Severity,
    pub subject: Subject,
    pub state: AlertState,
    pub flags: i64,
    pub opened_run: i64,
    pub version: i64,
    pub opened_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A stored flag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FlagRow {
    pub id: i64,
    pub rule_id: String,
    pub rule_version: i64,
    pub key: String,
    pub subject: Subject,
    pub alert_id: Option<i64>,
    pub run_id: i64,
    pub records: Vec<RecordRef>,
    pub text_zh: String,
    pub text_en: String,
}

/// An event of an alert's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlertEventRow {
    pub seq: i64,
    pub kind: String,
    pub to_state: String,
    pub referred_to: Option<String>,
    pub outcome: Option<String>,
    pub note: String,
    pub at: Timestamp,
    pub actor: String,
}

/// Which alerts to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertFilter {
    /// `open`, `investigating`, `referred`, `closed`; `active` for every
    /// state but closed; none for all.
    pub state: Option<String>,
    pub rule_id: Option<String>,
    pub limit: i64,
}

/// The parameters the store's queries filter by, so that only rows that may
/// fire come back (the domain checks them again).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FactFilter {
    /// hours_in_day's `max_span_hours`, in minutes; `None` skips the rule.
    pub max_span_minutes: Option<i64>,
    /// industry_class_vs_orders' window of orders; `None` skips the rule.
    pub orders_window: Option<OrdersWindow>,
    /// An incremental run's window: only the facts touching the rows of
    /// each table with `since < id <= until` (`None`: every fact).
    pub scope: Option<FactScope>,
}

/// The orders industry_class_vs_orders reads: those of the days `from` to
/// `to` (inclusive), of the people enrolled in the window by units rated in
/// a class under `below_class` (the highest class of an order industry: a
/// unit rated there or higher cannot be below its people's orders).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OrdersWindow {
    pub from: Date,
    pub to: Date,
    pub below_class: i64,
}

/// The rows an incremental run covers, by table (ids after `since`, up to
/// `until`; a table missing from `since` starts at 0).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FactScope {
    pub since: Watermarks,
    pub until: Watermarks,
}

impl FactScope {
    /// `{column} > lo AND {column} <= hi` for a table's window (integers
    /// only: written into the statement).
    fn window(&self, table: &str, column: &str) -> String {
        let lo = self.since.get(table).copied().unwrap_or(0);
        let hi = self.until.get(table).copied().unwrap_or(0);
        format!("{column} > {lo} AND {column} <= {hi}")
    }

    fn changed(&self, table: &str) -> bool {
        self.until.get(table).copied().unwrap_or(0) > self.since.get(table).copied().unwrap_or(0)
    }

    /// The people of new cases and new covers.
    fn persons(&self) -> String {
        format!(
            "SELECT resident_id FROM cases WHERE {} \
             UNION SELECT pe.resident_id FROM coverage cv JOIN people pe ON pe.id = cv.person_id WHERE {}",
            self.window("cases", "id"),
            self.window("coverage", "cv.id")
        )
    }

    /// The people (ids) of new enrolments.
    fn enrolled_persons(&self) -> String {
        format!(
            "SELECT person_id FROM enrollments WHERE {}",
            self.window("enrollments", "id")
        )
    }

    /// The units of new cases and of new enrolments.
    fn units(&self) -> String {
        format!(
            "SELECT unit_code FROM cases WHERE {} AND unit_code IS NOT NULL \
             UNION SELECT u.credit_code FROM enrollments e JOIN units u ON u.id = e.unit_id WHERE {}",
            self.window("cases", "id"),
            self.window("enrollments", "e.id")
        )
    }

    /// The units (ids) of new enrolments.
    fn enrolling_units(&self) -> String {
        format!(
            "SELECT unit_id FROM enrollments WHERE {} AND unit_id IS NOT NULL",
            self.window("enrollments", "id")
        )
    }

    /// The days of new order batches.
    fn days(&self) -> String {
        format!(
            "SELECT day FROM order_batch_days WHERE {}",
            self.window("order_batch_days", "id")
        )
    }
}

pub trait MonitorStore {
    /// A platform's declared month; declared once (`duplicate` otherwise).
    fn declare_platform_month(
        &self,
        declaration: &PlatformDeclaration,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    fn platform_declarations(&self, platform: &str)
    -> Result<Vec<PlatformDeclaration>, StoreError>;
    /// Every rule's facts, each by one set-wise statement, in one read.
    fn monitor_facts(&self, filter: &FactFilter) -> Result<MonitorFacts, StoreError>;
    /// The flags stored, the open alerts and the pending flags' counts.
    fn monitor_known(&self) -> Result<Known, StoreError>;
    /// A full run's plan that records no watermarks (see
    /// [`MonitorStore::record_monitor_run`]).
    fn write_monitor_run(
        &self,
        as_of: Date,
        rules: &[String],
        flags_found: i64,
        plan: &RunPlan,
        actor: &str,
        at: Timestamp,
    ) -> Result<MonitorRunRow, StoreError> {
        self.record_monitor_run(
            as_of,
            rules,
            flags_found,
            plan,
            &RunWindow::unwatched(RunMode::Full),
            actor,
            at,
        )
    }
    /// A run's plan with its mode and watermarks, written in one
    /// transaction with its audit row.
    #[allow(clippy::too_many_arguments)]
    fn record_monitor_run(
        &self,
        as_of: Date,
        rules: &[String],
        flags_found: i64,
        plan: &RunPlan,
        window: &RunWindow,
        actor: &str,
        at: Timestamp,
    ) -> Result<MonitorRunRow, StoreError>;
    /// The highest committed id of each table of [`WATERMARK_TABLES`]. On
    /// PostgreSQL each is read under a SHARE lock on its table, taken and
    /// released in a transaction of its own: the lock waits for every
    /// transaction that has inserted into the table (and so drawn an id)
    /// to end, so no id at or under the watermark can commit later.
    fn monitor_watermarks(&self) -> Result<Watermarks, StoreError>;
    /// The watermarks of the latest run that recorded some.
    fn last_monitor_watermarks(&self) -> Result<Option<Watermarks>, StoreError>;
    /// The latest runs, newest first.
    fn monitor_runs(&self, limit: i64) -> Result<Vec<MonitorRunRow>, StoreError>;
    /// Keeps a run's failure (append-only).
    fn record_monitor_failure(
        &self,
        mode: RunMode,
        cause: &str,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<MonitorFailureRow, StoreError>;
    /// The latest failure kept, if any.
    fn last_monitor_failure(&self) -> Result<Option<MonitorFailureRow>, StoreError>;
    fn list_alerts(&self, filter: &AlertFilter) -> Result<Vec<AlertRow>, StoreError>;
    fn alert(&self, id: i64) -> Result<Option<AlertRow>, StoreError>;
    fn alert_flags(&self, id: i64) -> Result<Vec<FlagRow>, StoreError>;
    fn alert_events(&self, id: i64) -> Result<Vec<AlertEventRow>, StoreError>;
    /// Appends an event decided on `expected_version` (`conflict` if the
    /// alert moved on) and rewrites the alert's state.
    fn append_alert_event(
        &self,
        id: i64,
        expected_version: i64,
        event: &AlertEvent,
        actor: &str,
        at: Timestamp,
    ) -> Result<AlertRow, StoreError>;
    /// (rule, outcome) of every closed alert.
    fn closed_alert_outcomes(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// Every unit and platform with what grading counts against it: its
    /// alerts still active, or closed as confirmed since `since`, by
    /// severity; its bills due before `as_of` with something outstanding (a
    /// platform's are its registered unit's; due in fact: a deferred bill
    /// by its repayment day); its cases with an accident
    /// from `since` to `as_of`. Each count one grouped statement.
    fn grading_subjects(&self, since: Date, as_of: Date)
    -> Result<Vec<GradingSubject>, StoreError>;
    /// The ids of a sampling population, ascending: every enrolment, every
    /// case, or every periodic benefit still in payment.
    fn audit_population_ids(&self, population: Population) -> Result<Vec<i64>, StoreError>;

    /// The records of a population by id, with the subject each one's
    /// sample alert is about, in the order of `ids`.
    fn audit_records(&self, population: Population, ids: &[i64]) -> Result<Vec<Drawn>, StoreError>;

    /// For `gongshang bench monitor` only: a filed case for each of the
    /// first `count` people, all on `accident_date`, and a second case for
    /// every hundredth of them (the same accident claimed twice). Returns
    /// the cases added.
    fn seed_benchmark_cases(
        &self,
        count: i64,
        accident_date: Date,
        at: Timestamp,
    ) -> Result<u64, StoreError>;
}

fn t(v: impl ToString) -> Value {
    Value::Text(v.to_string())
}

fn i(v: i64) -> Value {
    Value::Int(v)
}

fn date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|e| e.to_string())
}

fn ts(s: &str) -> Result<Timestamp, String> {
    s.parse::<Timestamp>().map_err(|e| e.to_string())
}

fn subject(kind: &str, key: &str) -> Result<Subject, StoreError> {
    Ok(Subject {
        kind: SubjectKind::parse(kind).map_err(|e| StoreError::stored("subject_kind", e))?,
        key: key.to_owned(),
    })
}

const ALERT_COLUMNS: &str = "id, rule_id, rule_version, severity, subject_kind, subject_key, state, referred_to, outcome, \
     flags, opened_run, version, opened_at, updated_at";

fn alert_from_row(row: &[Value]) -> Result<AlertRow, StoreError> {
    let c = Cols::new(row);
    Ok(AlertRow {
        id: c.int(0)?,
        rule_id: c.text(1)?.to_owned(),
        rule_version: c.int(2)?,
        severity: c.parsed(3, "severity", Severity::parse)?,
        subject: subject(c.text(4)?, c.text(5)?)?,
        state: AlertState::from_columns(c.text(6)?, c.opt_text(7)?, c.opt_text(8)?)
            .map_err(|e| StoreError::stored("state", e))?,
        flags: c.int(9)?,
        opened_run: c.int(10)?,
        version: c.int(11)?,
        opened_at: c.parsed(12, "opened_at", ts)?,
        updated_at: c.parsed(13, "updated_at", ts)?,
    })
}

fn alert_by_id(db: &mut dyn Db, id: i64) -> Result<Option<AlertRow>, StoreError> {
    db.opt_row(
        "reading an alert",
        &format!("SELECT {ALERT_COLUMNS} FROM monitor_alerts WHERE id = $1"),
        &[i(id)],
    )?
    .as_deref()
    .map(alert_from_row)
    .transpose()
}

fn insert_flag(
    db: &mut dyn Db,
    flag: &Flag,
    alert: Option<i64>,
    run: i64,
) -> Result<u64, StoreError> {
    let records = serde_json::to_string(&flag.records)
        .map_err(|e| StoreError::invalid("records", e.to_string()))?;
    db.exec(
        "recording a flag",
        "INSERT INTO monitor_flags (rule_id, rule_version, flag_key, subject_kind, subject_key, alert_id, run_id, records, text_zh, text_en) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (rule_id, flag_key) DO NOTHING",
        &[
            t(&flag.rule_id),
            i(i64::from(flag.rule_version)),
            t(&flag.key),
            t(flag.subject.kind.as_str()),
            t(&flag.subject.key),
            Value::opt_int(alert),
            i(run),
            t(records),
            t(&flag.text_zh),
            t(&flag.text_en),
        ],
    )
}

fn recount(db: &mut dyn Db, alert: i64, at: Timestamp) -> Result<(), StoreError> {
    db.exec(
        "counting an alert's flags",
        "UPDATE monitor_alerts SET flags = (SELECT COUNT(*) FROM monitor_flags WHERE alert_id = $1), updated_at = $2 WHERE id = $1",
        &[i(alert), t(at)],
    )?;
    Ok(())
}

/// See [`MonitorStore::grading_subjects`].
fn gather_grading(
    db: &mut dyn Db,
    since: Date,
    as_of: Date,
) -> Result<Vec<GradingSubject>, StoreError> {
    let mut subjects: BTreeMap<Subject, GradingSubject> = BTreeMap::new();
    for r in db.rows(
        "reading the units to grade",
        "SELECT credit_code, name, region, industry_class FROM units",
        &[],
    )? {
        let c = Cols::new(&r);
        let subject = Subject::unit(c.text(0)?);
        subjects.insert(
            subject.clone(),
            GradingSubject {
                subject,
                name: c.text(1)?.to_owned(),
                industry_class: u8::try_from(c.int(3)?).ok(),
                district: Some(c.text(2)?.to_owned()),
                counts: SubjectCounts::default(),
            },
        );
    }
    // Platforms: registered as a unit, declaring, named by a case or an
    // alert. The unit a platform is registered as is the payer of its bills.
    let mut platform_unit: BTreeMap<String, String> = BTreeMap::new();
    for r in db.rows(
        "reading the platforms to grade",
        "SELECT p.platform, u.credit_code, u.name FROM platform_units p JOIN units u ON u.id = p.unit_id \
         UNION SELECT platform, NULL, NULL FROM platform_declarations \
         UNION SELECT platform, NULL, NULL FROM cases WHERE platform IS NOT NULL \
         UNION SELECT subject_key, NULL, NULL FROM monitor_alerts WHERE subject_kind = 'platform'",
        &[],
    )? {
        let c = Cols::new(&r);
        let key = c.text(0)?.to_owned();
        let unit = c.opt_text(1)?.map(str::to_owned);
        let name = c.opt_text(2)?.map(str::to_owned);
        let subject = Subject::platform(key.clone());
        let entry = subjects
            .entry(subject.clone())
            .or_insert_with(|| GradingSubject {
                subject,
                name: key.clone(),
                industry_class: None,
                district: None,
                counts: SubjectCounts::default(),
            });
        if let (Some(unit), Some(name)) = (unit, name) {
            entry.name = name;
            platform_unit.insert(unit, key);
        }
    }
    for r in db.rows(
        "counting the alerts of each subject",
        "SELECT subject_kind, subject_key, severity, COUNT(*) FROM monitor_alerts \
         WHERE subject_kind <> 'person' AND (state <> 'closed' OR (outcome = 'confirmed' AND updated_at >= $1)) \
         GROUP BY subject_kind, subject_key, severity",
        &[t(since)],
    )? {
        let c = Cols::new(&r);
        let s = subject(c.text(0)?, c.text(1)?)?;
        let n = c.int(3)?;
        if let Some(g) = subjects.get_mut(&s) {
            let a = &mut g.counts.alerts;
            match c.text(2)? {
                "high" => a.0 += n,
                "medium" => a.1 += n,
                _ => a.2 += n,
            }
        }
    }
    // Overdue = due in fact before `as_of`: a deferred bill (缓缴) only once
    // its repayment day has passed (人社厅发〔2022〕16号).
    for r in db.rows(
        "counting each unit's overdue bills",
        &format!(
            "SELECT credit_code, COUNT(*), CAST(SUM(amount_fen - paid_fen) AS BIGINT) FROM ( \
               SELECT u.credit_code, b.amount_fen, \
                      COALESCE((SELECT SUM(p.amount_fen) FROM payments p WHERE p.bill_id = b.id), 0) AS paid_fen \
               FROM bills b JOIN units u ON u.id = b.unit_id \
               WHERE b.due_date < $1 AND {} < $1) x \
             WHERE paid_fen < amount_fen GROUP BY credit_code",
            crate::deferrals::BILL_EFFECTIVE_DUE_DATE
        ),
        &[t(as_of)],
    )? {
        let c = Cols::new(&r);
        let unit = c.text(0)?.to_owned();
        let (n, fen) = (c.int(1)?, c.int(2)?);
        let mut add = |s: Subject| {
            if let Some(g) = subjects.get_mut(&s) {
                g.counts.overdue_bills += n;
                g.counts.outstanding = Money::from_fen(g.counts.outstanding.fen() + fen);
            }
        };
        if let Some(platform) = platform_unit.get(&unit) {
            add(Subject::platform(platform.clone()));
        }
        add(Subject::unit(unit));
    }
    for r in db.rows(
        "counting the cases of each unit and platform",
        "SELECT 'unit', unit_code, COUNT(*) FROM cases \
           WHERE unit_code IS NOT NULL AND accident_date >= $1 AND accident_date <= $2 GROUP BY unit_code \
         UNION ALL SELECT 'platform', platform, COUNT(*) FROM cases \
           WHERE platform IS NOT NULL AND accident_date >= $1 AND accident_date <= $2 GROUP BY platform",
        &[t(since), t(as_of)],
    )? {
        let c = Cols::new(&r);
        let s = subject(c.text(0)?, c.text(1)?)?;
        if let Some(g) = subjects.get_mut(&s) {
            g.counts.cases += c.int(2)?;
        }
    }
    Ok(subjects.into_values().collect())
}

/// An incremental run whose order batches touched more days than this
/// groups every order day (`hours_in_day`; see `gather`).
const MAX_DAYS_READ_ONE_BY_ONE: i64 = 31;

fn gather(db: &mut dyn Db, filter: &FactFilter) -> Result<MonitorFacts, StoreError> {
    let mut facts = MonitorFacts::default();
    let scope = filter.scope.as_ref();
    // An incremental run adds a condition to each statement: the facts of
    // the people, units and days its rows touch (empty when none changed).
    let only = |f: &dyn Fn(&FactScope) -> String| scope.map(f).unwrap_or_default();
    // The cover each case relies on: the person's cover under the case's
    // scheme that includes the accident day, its payment, and where the
    // person's earlier cover under that scheme ended.
    for r in db.rows(
        "gathering the cover at each accident",
        &format!("SELECT c.number, c.resident_id, c.scheme_id, c.accident_date, cv.id, cv.start_date, cv.end_date, cv.payment_id, pay.paid_on, \
                (SELECT MAX(e.end_date) FROM coverage e WHERE e.person_id = cv.person_id AND e.scheme_id = cv.scheme_id AND e.start_date < cv.start_date) \
         FROM cases c \
         JOIN people pe ON pe.resident_id = c.resident_id \
         JOIN coverage cv ON cv.person_id = pe.id AND cv.scheme_id = c.scheme_id \
              AND cv.start_date <= c.accident_date AND cv.end_date >= c.accident_date \
         LEFT JOIN payments pay ON pay.id = cv.payment_id {} \
         ORDER BY c.number, cv.id",
        only(&|s| format!("WHERE c.resident_id IN ({})", s.persons())),
    ),
        &[],
    )? {
        let c = Cols::new(&r);
        facts.covers_at_accident.push(CoverAtAccident {
            case_number: c.text(0)?.to_owned(),
            person: c.text(1)?.to_owned(),
            scheme_id: c.scheme_id(2)?,
            accident_date: c.parsed(3, "accident_date", date)?,
            cover_id: c.int(4)?,
            cover_start: c.parsed(5, "start_date", date)?,
            cover_end: c.parsed(6, "end_date", date)?,
            payment_id: c.opt_int(7)?,
            paid_on: c.opt_parsed(8, "paid_on", date)?,
            earlier_end: c.opt_parsed(9, "end_date", date)?,
        });
    }
    // Enrolments of one person by two units over overlapping periods.
    for r in db.rows(
        "gathering overlapping enrolments",
        &format!("SELECT pe.resident_id, a.id, ua.credit_code, a.start_date, a.end_date, b.id, ub.credit_code, b.start_date, b.end_date \
         FROM enrollments a \
         JOIN enrollments b ON b.person_id = a.person_id AND b.id > a.id AND b.unit_id <> a.unit_id \
              AND (a.end_date IS NULL OR a.end_date >= b.start_date) \
              AND (b.end_date IS NULL OR b.end_date >= a.start_date) \
         JOIN people pe ON pe.id = a.person_id \
         JOIN units ua ON ua.id = a.unit_id \
         JOIN units ub ON ub.id = b.unit_id {} \
         ORDER BY a.id, b.id",
        only(&|s| format!("WHERE a.person_id IN ({})", s.enrolled_persons())),
    ),
        &[],
    )? {
        let c = Cols::new(&r);
        facts.overlapping_enrolments.push(OverlappingEnrolments {
            person: c.text(0)?.to_owned(),
            first_enrolment: c.int(1)?,
            first_unit: c.text(2)?.to_owned(),
            first_start: c.parsed(3, "start_date", date)?,
            first_end: c.opt_parsed(4, "end_date", date)?,
            second_enrolment: c.int(5)?,
            second_unit: c.text(6)?.to_owned(),
            second_start: c.parsed(7, "start_date", date)?,
            second_end: c.opt_parsed(8, "end_date", date)?,
        });
    }
    // A person's day of orders on every platform, grouped in the database;
    // only the days longer than the rule's span come back.
    if let Some(max_span) = filter.max_span_minutes {
        // An incremental run reads the days its batches touched; an import
        // spread over many days makes that a join over nearly every order
        // day, planned by PostgreSQL as a hash join and a sort spilled to
        // disk (18.5 s at 10M orders against 6-10 s for the whole
        // grouping in key order). Past a month of days, group them all.
        let days_scope = match scope {
            Some(s) => {
                let touched = db.one_row(
                    "counting the days of orders imported",
                    &format!("SELECT COUNT(DISTINCT day) FROM ({}) d", s.days()),
                    &[],
                )?;
                if Cols::new(&touched).int(0)? > MAX_DAYS_READ_ONE_BY_ONE {
                    String::new()
                } else {
                    format!("WHERE day IN ({})", s.days())
                }
            }
            None => String::new(),
        };
        for r in db.rows(
            "gathering long days of orders",
            // Each worker's day on each platform keeps its first and last
            // minute (China time; within one China day the minute only
            // grows, so max - min is the day's span), kept by the import:
            // grouped in the table's key order, no order is read. Ordered
            // by that key too: ordered by person first, PostgreSQL hashes and
            // sorts every group (23.8 s against 7.8 s over 9.9 million order
            // days); the few long days are put in the person's order below.
            &format!("SELECT resident_id, day, MIN(first_minute), MAX(last_minute), CAST(SUM(orders) AS BIGINT), COUNT(*) \
             FROM order_days {} \
             GROUP BY day, resident_id HAVING MAX(last_minute) - MIN(first_minute) > $1 ORDER BY day, resident_id",
             days_scope),
            &[i(max_span)],
        )? {
            let c = Cols::new(&r);
            facts.long_days.push(PersonDay {
                person: c.text(0)?.to_owned(),
                day: c.parsed(1, "day", date)?,
                first_minute: c.int(2)?,
                last_minute: c.int(3)?,
                orders: c.int(4)?,
                platforms: c.int(5)?,
            });
        }
    }
    facts
        .long_days
        .sort_by(|a, b| (&a.person, a.day).cmp(&(&b.person, b.day)));
    // Cases of one person with one accident day, two or more.
    let mut same: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    for r in db.rows(
        "gathering cases of one accident day",
        &format!("SELECT c.resident_id, c.accident_date, c.number, c.scheme_id FROM cases c \
         JOIN (SELECT resident_id, accident_date FROM cases {} GROUP BY resident_id, accident_date HAVING COUNT(*) > 1) d \
           ON d.resident_id = c.resident_id AND d.accident_date = c.accident_date \
         ORDER BY c.resident_id, c.accident_date, c.number",
         only(&|s| format!("WHERE resident_id IN ({})", s.persons()))),
        &[],
    )? {
        let c = Cols::new(&r);
        same.entry((c.text(0)?.to_owned(), c.text(1)?.to_owned()))
            .or_default()
            .push((c.text(2)?.to_owned(), c.text(3)?.to_owned()));
    }
    for ((person, day), cases) in same {
        facts.same_accidents.push(SameAccident {
            person,
            accident_date: date(&day).map_err(|e| StoreError::stored("accident_date", e))?,
            cases,
        });
    }
    // Cases of people with two or more different accident days
    // (repeated_injuries): grouped in the database, so a person with one
    // accident never comes back.
    let mut injuries: BTreeMap<String, Vec<(String, Date)>> = BTreeMap::new();
    for r in db.rows(
        "gathering people with several accident days",
        &format!("SELECT c.resident_id, c.number, c.accident_date FROM cases c \
         JOIN (SELECT resident_id FROM cases {} GROUP BY resident_id HAVING COUNT(DISTINCT accident_date) > 1) d \
           ON d.resident_id = c.resident_id \
         ORDER BY c.resident_id, c.accident_date, c.number",
         only(&|s| format!("WHERE resident_id IN ({})", s.persons()))),
        &[],
    )? {
        let c = Cols::new(&r);
        injuries
            .entry(c.text(0)?.to_owned())
            .or_default()
            .push((c.text(1)?.to_owned(), c.parsed(2, "accident_date", date)?));
    }
    for (person, cases) in injuries {
        facts.person_injuries.push(PersonInjuries { person, cases });
    }
    // Units with two or more cases whose appraisal gave a disability grade,
    // with how many people each unit has ever enrolled
    // (small_unit_disability_claims).
    let mut graded: BTreeMap<String, (i64, Vec<String>)> = BTreeMap::new();
    for r in db.rows(
        "gathering units' graded cases",
        "SELECT c.unit_code, c.number, \
                (SELECT COUNT(DISTINCT e.person_id) FROM enrollments e JOIN units u ON u.id = e.unit_id WHERE u.credit_code = c.unit_code) \
         FROM cases c \
         WHERE c.unit_code IS NOT NULL \
           AND EXISTS (SELECT 1 FROM appraisal_conclusions a WHERE a.case_id = c.id AND a.grade IS NOT NULL) \
         ORDER BY c.unit_code, c.number",
        &[],
    )? {
        let c = Cols::new(&r);
        let entry = graded
            .entry(c.text(0)?.to_owned())
            .or_insert_with(|| (0, Vec::new()));
        entry.0 = c.int(2)?;
        entry.1.push(c.text(1)?.to_owned());
    }
    for (unit, (headcount, cases)) in graded {
        facts.unit_disability_claims.push(UnitDisabilityClaims {
            unit,
            headcount,
            cases,
        });
    }
    // Units with cases of two or more people (clustered_claims).
    let mut by_unit: BTreeMap<String, Vec<(String, String, Date)>> = BTreeMap::new();
    for r in db.rows(
        "gathering units' cases",
        &format!("SELECT c.unit_code, c.number, c.resident_id, c.accident_date FROM cases c \
         JOIN (SELECT unit_code FROM cases WHERE unit_code IS NOT NULL {} GROUP BY unit_code HAVING COUNT(DISTINCT resident_id) > 1) d \
           ON d.unit_code = c.unit_code \
         ORDER BY c.unit_code, c.accident_date, c.number",
         only(&|s| format!("AND unit_code IN ({})", s.units()))),
        &[],
    )? {
        let c = Cols::new(&r);
        by_unit.entry(c.text(0)?.to_owned()).or_default().push((
            c.text(1)?.to_owned(),
            c.text(2)?.to_owned(),
            c.parsed(3, "accident_date", date)?,
        ));
    }
    for (unit, cases) in by_unit {
        facts.unit_cases.push(UnitCases { unit, cases });
    }
    // Units with two or more cases, with their industry class and how many
    // people they have ever enrolled (industry_class_vs_cases).
    let mut by_class: BTreeMap<String, UnitClassCases> = BTreeMap::new();
    for r in db.rows(
        "gathering units' cases by industry class",
        &format!("SELECT c.unit_code, u.industry_class, \
                (SELECT COUNT(DISTINCT e.person_id) FROM enrollments e WHERE e.unit_id = u.id), \
                c.number, c.accident_date \
         FROM cases c JOIN units u ON u.credit_code = c.unit_code \
         JOIN (SELECT unit_code FROM cases WHERE unit_code IS NOT NULL {} GROUP BY unit_code HAVING COUNT(*) > 1) d \
           ON d.unit_code = c.unit_code \
         ORDER BY c.unit_code, c.accident_date, c.number",
         only(&|s| format!("AND unit_code IN ({})", s.units()))),
        &[],
    )? {
        let c = Cols::new(&r);
        let unit = c.text(0)?.to_owned();
        let entry = by_class
            .entry(unit.clone())
            .or_insert_with(|| UnitClassCases {
                unit,
                industry_class: 0,
                headcount: 0,
                cases: Vec::new(),
            });
        entry.industry_class = c.int(1)?;
        entry.headcount = c.int(2)?;
        entry
            .cases
            .push((c.text(3)?.to_owned(), c.parsed(4, "accident_date", date)?));
    }
    facts.unit_class_cases.extend(by_class.into_values());
    // The people each unit enrolled in the window who took orders then, by
    // the industry holding more than half of each one's orders ('' when
    // none does), with the three with the most orders
    // (industry_class_vs_orders). One statement: the orders of the window
    // are summed per person and order industry from the order days' counts
    // per industry (migration 0420, kept by every import; not from
    // `orders`, keyed by platform and order id), each person's main
    // industry (more than half of the orders) found there, and the people
    // counted per unit and industry; no order and no person comes back.
    // An incremental run looks again only at the units of new enrolments,
    // and at nothing when none was enrolled: new orders of people already
    // enrolled wait for the nightly full run (DESIGN.md).
    let orders_scope = scope.is_none_or(|s| s.changed("enrollments"));
    if let (Some(w), true) = (filter.orders_window, orders_scope) {
        use gongshang_rules::scheme::OrderIndustry::{
            InstantDelivery, IntraCityFreight, RideHailing,
        };
        if db.backend() == "postgres" {
            // Hundreds of thousands of people: at the default 4 MB
            // work_mem the hash spills to disk (18 s at 10M orders, 5.4 s
            // with 256 MB, when orders were grouped per person and
            // industry). Set here, after the order days' grouping, which
            // with more memory is planned as a hash over every order day
            // instead of the index scan in key order (26 s against 7.8 s).
            db.exec(
                "gathering units' people by the industry of their orders",
                "SET LOCAL work_mem = '256MB'",
                &[],
            )?;
        }
        for r in db.rows(
            "gathering units' people by the industry of their orders",
            // The people are joined back to their units through the
            // indexes of people and enrolments (one enrolment per person and
            // unit: the lowest id of those in the window), not through a
            // second scan of a subquery: SQLite joins two subqueries by a
            // nested loop. The units are joined last, to the rows per unit
            // and industry: joined to each person, PostgreSQL (which cannot
            // estimate how many people the ranking keeps) looped over every
            // unit for each person, 28 s at 250,000 people taking orders.
            // The unary plus keeps SQLite from looking the lowest id up by
            // the unit's index (a unit's thousand enrolments read for each
            // of its people: 25 s at 250,000 people taking orders) instead
            // of the person's.
            &format!("WITH counted AS ( \
                SELECT d.resident_id AS person, CAST(SUM(d.{col_r}) AS BIGINT) AS r, \
                       CAST(SUM(d.{col_i}) AS BIGINT) AS i, \
                       CAST(SUM(d.{col_f}) AS BIGINT) AS f \
                FROM order_days d WHERE d.day >= $1 AND d.day <= $2 AND d.resident_id IN ( \
                    SELECT pe.resident_id FROM enrollments e JOIN units u ON u.id = e.unit_id JOIN people pe ON pe.id = e.person_id \
                    WHERE e.start_date <= $2 AND (e.end_date IS NULL OR e.end_date >= $1) AND u.industry_class < $3 {scope}) \
                GROUP BY d.resident_id), \
             main AS ( \
                SELECT person, \
                       CASE WHEN 2 * r > r + i + f THEN '{name_r}' WHEN 2 * i > r + i + f THEN '{name_i}' \
                            WHEN 2 * f > r + i + f THEN '{name_f}' ELSE '' END AS industry, \
                       CASE WHEN 2 * r > r + i + f THEN r WHEN 2 * i > r + i + f THEN i \
                            WHEN 2 * f > r + i + f THEN f ELSE r + i + f END AS n \
                FROM counted WHERE r + i + f > 0), \
             grouped AS ( \
                SELECT e.unit_id AS unit_id, m.industry AS industry, m.person AS person, m.n AS n, \
                       ROW_NUMBER() OVER (PARTITION BY e.unit_id, m.industry ORDER BY m.n DESC, m.person) AS k \
                FROM main m JOIN people pe ON pe.resident_id = m.person \
                JOIN enrollments e ON e.person_id = pe.id \
                WHERE e.start_date <= $2 AND (e.end_date IS NULL OR e.end_date >= $1) {scope} \
                  AND e.id = (SELECT MIN(e2.id) FROM enrollments e2 WHERE e2.person_id = e.person_id AND +e2.unit_id = e.unit_id \
                              AND e2.start_date <= $2 AND (e2.end_date IS NULL OR e2.end_date >= $1))), \
             per_unit AS ( \
                SELECT unit_id, industry, CAST(COUNT(*) AS BIGINT) AS people, CAST(SUM(n) AS BIGINT) AS orders, \
                       MAX(CASE WHEN k = 1 THEN person END) AS p1, MAX(CASE WHEN k = 1 THEN n END) AS n1, \
                       MAX(CASE WHEN k = 2 THEN person END) AS p2, MAX(CASE WHEN k = 2 THEN n END) AS n2, \
                       MAX(CASE WHEN k = 3 THEN person END) AS p3, MAX(CASE WHEN k = 3 THEN n END) AS n3 \
                FROM grouped GROUP BY unit_id, industry) \
             SELECT u.credit_code, u.industry_class, p.industry, p.people, p.orders, p.p1, p.n1, p.p2, p.n2, p.p3, p.n3 \
             FROM per_unit p JOIN units u ON u.id = p.unit_id WHERE u.industry_class < $3 \
             ORDER BY u.credit_code, p.industry",
             scope = only(&|s| format!("AND e.unit_id IN ({})", s.enrolling_units())),
             col_r = RideHailing.order_days_column(),
             col_i = InstantDelivery.order_days_column(),
             col_f = IntraCityFreight.order_days_column(),
             name_r = RideHailing.stored_name(),
             name_i = InstantDelivery.stored_name(),
             name_f = IntraCityFreight.stored_name()),
            &[t(w.from), t(w.to), i(w.below_class)],
        )? {
            let c = Cols::new(&r);
            let mut examples = Vec::new();
            for k in 0..3 {
                if let (Some(person), Some(n)) = (c.opt_text(5 + 2 * k)?, c.opt_int(6 + 2 * k)?) {
                    examples.push((person.to_owned(), n));
                }
            }
            let industry = c.text(2)?;
            facts.unit_order_industries.push(UnitOrderIndustry {
                unit: c.text(0)?.to_owned(),
                industry_class: c.int(1)?,
                industry: (!industry.is_empty()).then(|| industry.to_owned()),
                from: w.from,
                to: w.to,
                people: c.int(3)?,
                orders: c.int(4)?,
                examples,
            });
        }
    }
    // Declared months beside the stored month totals (order_months is kept
    // by every import).
    for r in db.rows(
        "gathering declared platform months",
        "SELECT d.platform, d.month, d.orders, d.premium_fen, COALESCE(m.orders, 0), COALESCE(m.premium_fen, 0) \
         FROM platform_declarations d LEFT JOIN order_months m ON m.platform = d.platform AND m.month = d.month \
         ORDER BY d.platform, d.month",
        &[],
    )? {
        let c = Cols::new(&r);
        facts.platform_months.push(PlatformMonth {
            platform: c.text(0)?.to_owned(),
            month: c.text(1)?.to_owned(),
            declared_orders: c.int(2)?,
            declared_premium_fen: c.int(3)?,
            stored_orders: c.int(4)?,
            stored_premium_fen: c.int(5)?,
        });
    }
    // Each platform's months of premiums collected and benefits paid on its
    // cases, from the ledger (payout_ratio; the same statement as the
    // platforms' payout ratios): only months with benefits can fire.
    // Read whole (a few rows a platform and month), when the ledger moved.
    let payouts = if scope.is_none_or(|s| s.changed("ledger_transactions")) {
        crate::fund::platform_payouts(db, "9999-12")?
    } else {
        Vec::new()
    };
    for m in payouts {
        if m.benefits.fen() > 0 {
            facts.platform_payouts.push(PlatformPayout {
                platform: m.platform,
                month: m.month,
                collected_fen: m.collected.fen(),
                benefits_fen: m.benefits.fen(),
            });
        }
    }
    // The matching's hits with months paid after the event
    // (benefit_after_life_event; Decree 765 Arts 9, 46).
    for r in db.rows(
        "gathering benefits paid after a life event",
        &format!("SELECT h.id, h.resident_id, c.number, h.benefit_id, h.rule, h.on_date, h.overpaid_fen, h.overpaid_months, o.reference \
         FROM match_hits h JOIN cases c ON c.id = h.case_id LEFT JOIN overpayments o ON o.id = h.overpayment_id \
         WHERE h.overpaid_months > 0 {} ORDER BY h.id",
         only(&|s| format!("AND {}", s.window("match_hits", "h.id")))),
        &[],
    )? {
        let c = Cols::new(&r);
        facts.paid_after_life_events.push(PaidAfterLifeEvent {
            hit_id: c.int(0)?,
            person: c.text(1)?.to_owned(),
            case_number: c.text(2)?.to_owned(),
            benefit_id: c.int(3)?,
            rule: c.text(4)?.to_owned(),
            on: c.parsed(5, "on_date", date)?,
            overpaid_fen: c.int(6)?,
            overpaid_months: c.int(7)?,
            overpayment_reference: c.opt_text(8)?.map(str::to_owned),
        });
    }
    // A unit's month of declarations: lines, and lines whose base was
    // clamped up to the band's lower limit.
    for r in db.rows(
        "gathering units' declared wages",
        &format!("SELECT u.credit_code, d.month, COUNT(*), SUM(CASE WHEN d.base_fen > d.declared_wage_fen THEN 1 ELSE 0 END) \
         FROM declarations d JOIN enrollments e ON e.id = d.enrollment_id JOIN units u ON u.id = e.unit_id {} \
         GROUP BY u.credit_code, d.month \
         HAVING SUM(CASE WHEN d.base_fen > d.declared_wage_fen THEN 1 ELSE 0 END) > 0 \
         ORDER BY u.credit_code, d.month",
         only(&|s| format!(
             "WHERE e.unit_id IN (SELECT e2.unit_id FROM declarations d2 JOIN enrollments e2 ON e2.id = d2.enrollment_id WHERE {}) \
              AND d.month IN (SELECT month FROM declarations WHERE {})",
             s.window("declarations", "d2.id"),
             s.window("declarations", "id")
         ))),
        &[],
    )? {
        let c = Cols::new(&r);
        facts.unit_wage_months.push(UnitWageMonth {
            unit: c.text(0)?.to_owned(),
            month: c.text(1)?.to_owned(),
            lines: c.int(2)?,
            clamped_lines: c.int(3)?,
        });
    }
    Ok(facts)
}

impl<B: Backend> MonitorStore for SqlStore<B> {
    fn declare_platform_month(
        &self,
        d: &PlatformDeclaration,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        if d.platform.trim().is_empty() {
            return Err(StoreError::invalid("platform", "a platform is required"));
        }
        if d.orders < 0 || d.premium_fen < 0 {
            return Err(StoreError::invalid(
                "orders",
                "orders and premium are not negative",
            ));
        }
        self.backend.transaction(|db| {
            let added = db.exec(
                "declaring a platform's month",
                "INSERT INTO platform_declarations (platform, month, orders, premium_fen, declared_at, actor) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, month) DO NOTHING",
                &[
                    t(&d.platform),
                    t(&d.month),
                    i(d.orders),
                    i(d.premium_fen),
                    t(at),
                    t(actor),
                ],
            )?;
            if added == 0 {
                return Err(StoreError::duplicate(
                    "platform_declaration",
                    format!("{}/{}", d.platform, d.month),
                ));
            }
            audit(
                db,
                actor,
                at,
                "declare_platform_month",
                "platform_declaration",
                &format!("{}/{}", d.platform, d.month),
                json!({"orders": d.orders, "premium_fen": d.premium_fen}),
            )
        })
    }

    fn platform_declarations(
        &self,
        platform: &str,
    ) -> Result<Vec<PlatformDeclaration>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading a platform's declarations",
                "SELECT platform, month, orders, premium_fen, declared_at, actor FROM platform_declarations \
                 WHERE platform = $1 ORDER BY month",
                &[t(platform)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(PlatformDeclaration {
                    platform: c.text(0)?.to_owned(),
                    month: c.text(1)?.to_owned(),
                    orders: c.int(2)?,
                    premium_fen: c.int(3)?,
                    declared_at: Some(c.parsed(4, "declared_at", ts)?),
                    actor: Some(c.text(5)?.to_owned()),
                })
            })
            .collect()
        })
    }

    fn monitor_facts(&self, filter: &FactFilter) -> Result<MonitorFacts, StoreError> {
        if self.backend.kind() == crate::BackendKind::Postgres {
            // In a transaction of its own, so that `SET LOCAL` gives the
            // grouping of the window's orders the memory it needs and no
            // other request (as the payroll's plan does; see `gather`).
            self.backend.transaction(|db| gather(db, filter))
        } else {
            self.backend.read(|db| gather(db, filter))
        }
    }

    fn monitor_watermarks(&self) -> Result<Watermarks, StoreError> {
        let mut marks = Watermarks::new();
        for table in WATERMARK_TABLES {
            // One table at a time, each in a transaction of its own: the
            // run never holds one lock while waiting for another, so it
            // cannot deadlock with a writer of two of these tables.
            let mark = self.backend.transaction(|db| {
                if db.backend() == "postgres" {
                    db.exec(
                        "waiting for the writers of a table to commit",
                        &format!("LOCK TABLE {table} IN SHARE MODE"),
                        &[],
                    )?;
                }
                let row = db.one_row(
                    "reading a table's watermark",
                    &format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}"),
                    &[],
                )?;
                Cols::new(&row).int(0)
            })?;
            marks.insert((*table).to_owned(), mark);
        }
        Ok(marks)
    }

    fn last_monitor_watermarks(&self) -> Result<Option<Watermarks>, StoreError> {
        self.backend.read(|db| {
            db.opt_row(
                "reading the last run's watermarks",
                "SELECT watermarks FROM monitor_runs WHERE watermarks IS NOT NULL ORDER BY id DESC LIMIT 1",
                &[],
            )?
            .map(|r| Cols::new(&r).parsed(0, "watermarks", |s: &str| serde_json::from_str::<Watermarks>(s)))
            .transpose()
        })
    }

    fn monitor_runs(&self, limit: i64) -> Result<Vec<MonitorRunRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "listing monitoring runs",
                "SELECT id, as_of, started_at, actor, rules, flags_found, flags_new, alerts_opened, alerts_grown, \
                 mode, since, watermarks FROM monitor_runs ORDER BY id DESC LIMIT $1",
                &[i(limit.clamp(1, 1000))],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                let marks = |n: usize| {
                    c.opt_parsed(n, "watermarks", |s: &str| {
                        serde_json::from_str::<Watermarks>(s)
                    })
                };
                Ok(MonitorRunRow {
                    id: c.int(0)?,
                    as_of: c.parsed(1, "as_of", date)?,
                    started_at: c.parsed(2, "started_at", ts)?,
                    actor: c.text(3)?.to_owned(),
                    rules: c
                        .text(4)?
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    flags_found: c.int(5)?,
                    flags_new: c.int(6)?,
                    alerts_opened: c.int(7)?,
                    alerts_grown: c.int(8)?,
                    mode: c.parsed(9, "mode", RunMode::parse)?,
                    since: marks(10)?,
                    watermarks: marks(11)?,
                })
            })
            .collect()
        })
    }

    fn record_monitor_failure(
        &self,
        mode: RunMode,
        cause: &str,
        reason: &str,
        actor: &str,
        at: Timestamp,
    ) -> Result<MonitorFailureRow, StoreError> {
        // A reason is never empty (the column checks it).
        let reason = if reason.trim().is_empty() {
            "no reason given"
        } else {
            reason
        };
        self.backend.transaction(|db| {
            let after_run = db
                .opt_row(
                    "reading the latest monitoring run",
                    "SELECT id FROM monitor_runs ORDER BY id DESC LIMIT 1",
                    &[],
                )?
                .map(|r| Cols::new(&r).int(0))
                .transpose()?;
            let id = db.insert_id(
                "keeping a monitoring run's failure",
                "INSERT INTO monitor_run_failures (mode, cause, reason, actor, failed_at, after_run) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    t(mode.as_str()),
                    t(cause),
                    t(reason),
                    t(actor),
                    t(at),
                    Value::opt_int(after_run),
                ],
                || StoreError::duplicate("monitor_run_failure", at),
            )?;
            Ok(MonitorFailureRow {
                id,
                mode,
                cause: cause.to_owned(),
                reason: reason.to_owned(),
                actor: actor.to_owned(),
                failed_at: at,
                after_run,
            })
        })
    }

    fn last_monitor_failure(&self) -> Result<Option<MonitorFailureRow>, StoreError> {
        self.backend.read(|db| {
            db.opt_row(
                "reading the last monitoring failure",
                "SELECT id, mode, cause, reason, actor, failed_at, after_run FROM monitor_run_failures ORDER BY id DESC LIMIT 1",
                &[],
            )?
            .map(|r| {
                let c = Cols::new(&r);
                Ok(MonitorFailureRow {
                    id: c.int(0)?,
                    mode: c.parsed(1, "mode", RunMode::parse)?,
                    cause: c.text(2)?.to_owned(),
                    reason: c.text(3)?.to_owned(),
                    actor: c.text(4)?.to_owned(),
                    failed_at: c.parsed(5, "failed_at", ts)?,
                    after_run: c.opt_int(6)?,
                })
            })
            .transpose()
        })
    }

    fn monitor_known(&self) -> Result<Known, StoreError> {
        self.backend.read(|db| {
            let mut known = Known::default();
            let mut flags = BTreeSet::new();
            for r in db.rows(
                "reading known flags",
                "SELECT rule_id, flag_key FROM monitor_flags",
                &[],
            )? {
                let c = Cols::new(&r);
                flags.insert((c.text(0)?.to_owned(), c.text(1)?.to_owned()));
            }
            known.flags = flags;
            for r in db.rows(
                "reading open alerts",
                "SELECT rule_id, subject_kind, subject_key, id FROM monitor_alerts WHERE state <> 'closed'",
                &[],
            )? {
                let c = Cols::new(&r);
                known
                    .open_alerts
                    .insert((c.text(0)?.to_owned(), subject(c.text(1)?, c.text(2)?)?), c.int(3)?);
            }
            for r in db.rows(
                "counting pending flags",
                "SELECT rule_id, subject_kind, subject_key, COUNT(*) FROM monitor_flags WHERE alert_id IS NULL \
                 GROUP BY rule_id, subject_kind, subject_key",
                &[],
            )? {
                let c = Cols::new(&r);
                known.pending.insert(
                    (c.text(0)?.to_owned(), subject(c.text(1)?, c.text(2)?)?),
                    u64::try_from(c.int(3)?).unwrap_or(0),
                );
            }
            Ok(known)
        })
    }

    fn record_monitor_run(
        &self,
        as_of: Date,
        rules: &[String],
        flags_found: i64,
        plan: &RunPlan,
        window: &RunWindow,
        actor: &str,
        at: Timestamp,
    ) -> Result<MonitorRunRow, StoreError> {
        let json = |w: &Option<Watermarks>| {
            w.as_ref()
                .map(|w| serde_json::to_string(w).unwrap_or_default())
        };
        let flags_new = (plan.to_open_alerts.len()
            + plan.pending.len()
            + plan.new_alerts.iter().map(|a| a.flags.len()).sum::<usize>())
            as i64;
        let grown: BTreeSet<i64> = plan.to_open_alerts.iter().map(|(a, _)| *a).collect();
        let row = MonitorRunRow {
            id: 0,
            as_of,
            started_at: at,
            actor: actor.to_owned(),
            rules: rules.to_vec(),
            flags_found,
            flags_new,
            alerts_opened: plan.new_alerts.len() as i64,
            alerts_grown: grown.len() as i64,
            mode: window.mode,
            since: window.since.clone(),
            watermarks: window.watermarks.clone(),
        };
        self.backend.transaction(|db| {
            let run = db.insert_id(
                "recording a monitoring run",
                "INSERT INTO monitor_runs (as_of, started_at, actor, rules, flags_found, flags_new, alerts_opened, alerts_grown, \
                 mode, since, watermarks) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &[
                    t(as_of),
                    t(at),
                    t(actor),
                    t(rules.join(",")),
                    i(flags_found),
                    i(flags_new),
                    i(row.alerts_opened),
                    i(row.alerts_grown),
                    t(window.mode.as_str()),
                    Value::opt_text(json(&window.since)),
                    Value::opt_text(json(&window.watermarks)),
                ],
                || StoreError::duplicate("monitor_run", at),
            )?;
            for alert in &plan.new_alerts {
                let id = db.insert_id(
                    "opening an alert",
                    "INSERT INTO monitor_alerts (rule_id, rule_version, severity, subject_kind, subject_key, state, flags, opened_run, version, opened_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, 'open', 0, $6, 1, $7, $7) RETURNING id",
                    &[
                        t(&alert.rule_id),
                        i(i64::from(alert.rule_version)),
                        t(alert.severity.as_str()),
                        t(alert.subject.kind.as_str()),
                        t(&alert.subject.key),
                        i(run),
                        t(at),
                    ],
                    || {
                        StoreError::conflict(
                            "alert",
                            format!("{}/{}", alert.rule_id, alert.subject),
                            "an alert of this rule and subject is already open: run again",
                        )
                    },
                )?;
                db.exec(
                    "attaching pending flags",
                    "UPDATE monitor_flags SET alert_id = $1 WHERE rule_id = $2 AND subject_kind = $3 AND subject_key = $4 AND alert_id IS NULL",
                    &[
                        i(id),
                        t(&alert.rule_id),
                        t(alert.subject.kind.as_str()),
                        t(&alert.subject.key),
                    ],
                )?;
                for f in &alert.flags {
                    insert_flag(db, f, Some(id), run)?;
                }
                db.exec(
                    "recording an alert's opening",
                    "INSERT INTO monitor_alert_events (alert_id, seq, kind, to_state, note, at, actor) VALUES ($1, 1, 'opened', 'open', $2, $3, $4)",
                    &[i(id), t(format!("opened by run {run}")), t(at), t(actor)],
                )?;
                recount(db, id, at)?;
            }
            for (alert, f) in &plan.to_open_alerts {
                insert_flag(db, f, Some(*alert), run)?;
            }
            for alert in &grown {
                recount(db, *alert, at)?;
            }
            for f in &plan.pending {
                insert_flag(db, f, None, run)?;
            }
            audit(
                db,
                actor,
                at,
                "monitor_run",
                "monitor_run",
                &run.to_string(),
                json!({"as_of": as_of.to_string(), "flags_found": flags_found, "flags_new": flags_new,
                       "alerts_opened": row.alerts_opened, "alerts_grown": row.alerts_grown,
                       "mode": window.mode.as_str(), "since": window.since, "watermarks": window.watermarks}),
            )?;
            Ok(MonitorRunRow { id: run, ..row.clone() })
        })
    }

    fn list_alerts(&self, filter: &AlertFilter) -> Result<Vec<AlertRow>, StoreError> {
        let mut sql = format!("SELECT {ALERT_COLUMNS} FROM monitor_alerts WHERE 1 = 1");
        let mut params = Vec::new();
        match filter.state.as_deref() {
            None => {}
            Some("active") => sql.push_str(" AND state <> 'closed'"),
            Some(state) => {
                params.push(t(state));
                sql.push_str(&format!(" AND state = ${}", params.len()));
            }
        }
        if let Some(rule) = &filter.rule_id {
            params.push(t(rule));
            sql.push_str(&format!(" AND rule_id = ${}", params.len()));
        }
        params.push(i(filter.limit.clamp(1, 1000)));
        sql.push_str(&format!(
            " ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, id DESC LIMIT ${}",
            params.len()
        ));
        self.backend.read(|db| {
            db.rows("listing alerts", &sql, &params)?
                .iter()
                .map(|r| alert_from_row(r))
                .collect()
        })
    }

    fn alert(&self, id: i64) -> Result<Option<AlertRow>, StoreError> {
        self.backend.read(|db| alert_by_id(db, id))
    }

    fn alert_flags(&self, id: i64) -> Result<Vec<FlagRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading an alert's flags",
                "SELECT id, rule_id, rule_version, flag_key, subject_kind, subject_key, alert_id, run_id, records, text_zh, text_en \
                 FROM monitor_flags WHERE alert_id = $1 ORDER BY id",
                &[i(id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(FlagRow {
                    id: c.int(0)?,
                    rule_id: c.text(1)?.to_owned(),
                    rule_version: c.int(2)?,
                    key: c.text(3)?.to_owned(),
                    subject: subject(c.text(4)?, c.text(5)?)?,
                    alert_id: c.opt_int(6)?,
                    run_id: c.int(7)?,
                    records: c.parsed(8, "records", |s: &str| {
                        serde_json::from_str::<Vec<RecordRef>>(s)
                    })?,
                    text_zh: c.text(9)?.to_owned(),
                    text_en: c.text(10)?.to_owned(),
                })
            })
            .collect()
        })
    }

    fn alert_events(&self, id: i64) -> Result<Vec<AlertEventRow>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading an alert's events",
                "SELECT seq, kind, to_state, referred_to, outcome, note, at, actor FROM monitor_alert_events \
                 WHERE alert_id = $1 ORDER BY seq",
                &[i(id)],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok(AlertEventRow {
                    seq: c.int(0)?,
                    kind: c.text(1)?.to_owned(),
                    to_state: c.text(2)?.to_owned(),
                    referred_to: c.opt_text(3)?.map(str::to_owned),
                    outcome: c.opt_text(4)?.map(str::to_owned),
                    note: c.text(5)?.to_owned(),
                    at: c.parsed(6, "at", ts)?,
                    actor: c.text(7)?.to_owned(),
                })
            })
            .collect()
        })
    }

    fn append_alert_event(
        &self,
        id: i64,
        expected_version: i64,
        event: &AlertEvent,
        actor: &str,
        at: Timestamp,
    ) -> Result<AlertRow, StoreError> {
        let to = event.to;
        let referred = to.referred_to().map(|r| r.as_str());
        let outcome = to.outcome().map(|o| o.as_str());
        self.backend.transaction(|db| {
            let Some(alert) = alert_by_id(db, id)? else {
                return Err(StoreError::not_found("alert", id));
            };
            let moved = db.exec(
                "moving an alert",
                "UPDATE monitor_alerts SET state = $1, referred_to = COALESCE($2, referred_to), outcome = $3, \
                 version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
                &[
                    t(to.as_str()),
                    Value::opt_text(referred.map(str::to_owned)),
                    Value::opt_text(outcome.map(str::to_owned)),
                    t(at),
                    i(id),
                    i(expected_version),
                ],
            )?;
            if moved == 0 {
                return Err(StoreError::conflict(
                    "alert",
                    id,
                    format!(
                        "the event was decided on version {expected_version}, but the alert is at version {}; read it again",
                        alert.version
                    ),
                ));
            }
            db.exec(
                "recording an alert event",
                "INSERT INTO monitor_alert_events (alert_id, seq, kind, to_state, referred_to, outcome, note, at, actor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    i(id),
                    i(expected_version + 1),
                    t(event.kind),
                    t(to.as_str()),
                    Value::opt_text(referred.map(str::to_owned)),
                    Value::opt_text(outcome.map(str::to_owned)),
                    t(&event.note),
                    t(at),
                    t(actor),
                ],
            )?;
            audit(
                db,
                actor,
                at,
                "alert_event",
                "alert",
                &id.to_string(),
                json!({"kind": event.kind, "to": to.as_str(), "referred_to": referred, "outcome": outcome}),
            )?;
            alert_by_id(db, id)?.ok_or_else(|| StoreError::not_found("alert", id))
        })
    }

    fn seed_benchmark_cases(
        &self,
        count: i64,
        accident_date: Date,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        self.backend.transaction(|db| {
            let mut added = 0;
            for (prefix, filter) in [("BENCH-", "WHERE 1 = 1"), ("BENCH-TWICE-", "WHERE id % 100 = 0")] {
                added += db.exec(
                    "seeding benchmark cases",
                    &format!(
                        "INSERT INTO cases (number, flow, resident_id, scheme_id, jurisdiction, accident_key, accident_date, \
                         state, closed, version, opened_at, updated_at) \
                         SELECT '{prefix}' || CAST(id AS TEXT), 'determination', resident_id, 'guangdong.employees', 'guangdong', \
                         '{prefix}' || CAST(id AS TEXT), $1, 'filed', 0, 0, $2, $2 \
                         FROM (SELECT id, resident_id FROM people ORDER BY id LIMIT $3) p {filter} \
                         ON CONFLICT DO NOTHING"
                    ),
                    &[t(accident_date), t(at), i(count)],
                )?;
            }
            Ok(added)
        })
    }

    fn grading_subjects(
        &self,
        since: Date,
        as_of: Date,
    ) -> Result<Vec<GradingSubject>, StoreError> {
        self.backend.read(|db| gather_grading(db, since, as_of))
    }

    fn audit_population_ids(&self, population: Population) -> Result<Vec<i64>, StoreError> {
        let sql = match population {
            Population::Enrolments => "SELECT id FROM enrollments ORDER BY id",
            Population::Cases => "SELECT id FROM cases ORDER BY id",
            Population::Benefits => {
                "SELECT id FROM periodic_benefits WHERE end_month IS NULL ORDER BY id"
            }
        };
        self.backend.read(|db| {
            db.rows("reading a sampling population", sql, &[])?
                .iter()
                .map(|r| Cols::new(r).int(0))
                .collect()
        })
    }

    fn audit_records(&self, population: Population, ids: &[i64]) -> Result<Vec<Drawn>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Integers only: the list is written into the statement.
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = match population {
            Population::Enrolments => format!(
                "SELECT e.id, 'enrolment', CAST(e.id AS TEXT), u.credit_code, pe.resident_id \
                 FROM enrollments e JOIN people pe ON pe.id = e.person_id \
                 LEFT JOIN units u ON u.id = e.unit_id WHERE e.id IN ({list})"
            ),
            Population::Cases => format!(
                "SELECT id, 'case', number, NULL, resident_id FROM cases WHERE id IN ({list})"
            ),
            Population::Benefits => format!(
                "SELECT b.id, 'benefit', CAST(b.id AS TEXT), NULL, c.resident_id \
                 FROM periodic_benefits b JOIN cases c ON c.id = b.case_id WHERE b.id IN ({list})"
            ),
        };
        self.backend.read(|db| {
            let mut by_id = BTreeMap::new();
            for r in db.rows("reading sampled records", &sql, &[])? {
                let c = Cols::new(&r);
                let subject = match c.opt_text(3)? {
                    Some(unit) => Subject::unit(unit),
                    None => Subject::person(c.text(4)?),
                };
                by_id.insert(
                    c.int(0)?,
                    Drawn {
                        record: RecordRef::new(c.text(1)?, c.text(2)?),
                        subject,
                    },
                );
            }
            Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
        })
    }

    fn closed_alert_outcomes(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.backend.read(|db| {
            db.rows(
                "reading closed alerts",
                "SELECT rule_id, outcome FROM monitor_alerts WHERE state = 'closed' ORDER BY id",
                &[],
            )?
            .iter()
            .map(|r| {
                let c = Cols::new(r);
                Ok((c.text(0)?.to_owned(), c.text(1)?.to_owned()))
            })
            .collect()
        })
    }
}
