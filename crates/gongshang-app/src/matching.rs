//! Shared-data matching (共享数据比对; 社会保险经办条例, State Council Decree
//! No. 765, Arts 9 and 26; issues 16, 12, 17).
//!
//! - Life events other bodies report (a death from public security or civil
//!   affairs, a marriage from civil affairs, a basic pension from the pension
//!   agency, a sign of life, a survivor's employment (an enrolment as an
//!   employee), enlistment or adoption) are imported from a CSV file (read by
//!   [`gongshang_csv`]) or a request; every row is checked first, nothing is
//!   stored when one is refused, and a row stored before is already there.
//! - A matching run reads every periodic benefit in payment the fund or the
//!   unit pays (a unit's grade 5-6 allowance, Regulations Art 36; a
//!   Guangdong Art 56 difference; an uninsured unit's months, Art 62(2)),
//!   asks [`gongshang_domain::life_events::decide`] what ends it (a death, a
//!   remarriage, the 18th birthday read from the resident id, a survivor's
//!   employment, enlistment or adoption: 劳社部令第18号 Art 4) or changes it (a
//!   pension start on a grade 1-4 allowance, Art 35(3)), and writes the run
//!   whole: each benefit ended with its reason, the months already paid
//!   after recorded as an overpayment (Decree 765 Art 46) with its schedule
//!   and ledger transaction. A benefit is hit once per rule, so a run again
//!   does nothing twice; an incremental run reads only the events imported
//!   since the last run (the ages are read every time). A unit-paid benefit
//!   ends as the fund's does (as a stop report ends it: DESIGN.md, "Why does
//!   a stop-benefit report end a benefit the unit pays?"), with nothing
//!   overpaid by the fund and no Art 35(3) change; the run tells the unit
//!   paying it (`MatchRunView::unit_notices`), and the unit reads them
//!   later (`App::benefit_stops_of_unit`).
//! - Eligibility verification (资格认证, Art 26): by data matching (a sign of
//!   life in the shared data), by the person, by the employer or a third
//!   party; the queue lists the benefits in payment not verified within
//!   `handling.eligibility_verification_months` (assumed 12).

use std::collections::{BTreeMap, BTreeSet};

use gongshang_csv::{Columns, Table};
use gongshang_domain::coverage::date_in_china;
use gongshang_domain::ids::CreditCode;
use gongshang_domain::ids::{IdempotencyKey, ReferenceId, ResidentId};
use gongshang_domain::ledger;
use gongshang_domain::life_events::{
    AgeException, BeneficiaryRole, BenefitInPayment, LifeEvent, LifeEventKind, MatchRule, decide,
};
use gongshang_domain::month::Month;
use gongshang_rules::recovery::{Recovery, recovery_schedule};
use gongshang_rules::trace::Trace;
use gongshang_rules::{Item, Money, Payer};
use gongshang_store::cases::{LifeEventRow, NewLifeEvent, NewMatchHit, NewMatchRun};
pub use gongshang_store::cases::{MatchHitRow, MatchRunRow, VerificationDue, VerificationMethod};
use gongshang_store::recovery::{NewOverpayment, RecoveryMethod};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::imports::RowProblem;
use crate::monitor::AfterImportRun;
use crate::services::App;

/// The columns of a life-event file.
pub const LIFE_EVENT_COLUMNS: Columns<'static> = Columns::new(
    &["resident_id", "kind", "event_date", "source"],
    &["pension_monthly"],
);

/// One life event as a person or a file gives it (text, checked by the use case).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LifeEventInput {
    pub resident_id: String,
    pub kind: String,
    pub event_date: String,
    pub source: String,
    /// Yuan, for a pension start.
    pub pension_monthly: String,
}

/// What an import of life events did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LifeEventImport {
    pub rows_read: u64,
    pub added: u64,
    pub already_there: u64,
    /// Every refused row; when there is one, nothing was stored.
    pub problems: Vec<RowProblem>,
    pub stored: bool,
    /// The incremental monitoring run after the import (issue 16): none
    /// when nothing was stored or no run has recorded watermarks yet.
    pub monitoring: Option<AfterImportRun>,
}

/// Which events a run reads.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// Every event stored.
    Full,
    /// The events imported since the last run (and every age).
    Incremental,
}

impl MatchMode {
    pub const fn as_str(self) -> &'static str {
        match self {
            MatchMode::Full => "full",
            MatchMode::Incremental => "incremental",
        }
    }

    pub fn parse(text: &str) -> Result<MatchMode, AppError> {
        match text {
            "full" => Ok(MatchMode::Full),
            "incremental" => Ok(MatchMode::Incremental),
            other => Err(AppError::invalid(
                "mode",
                format!(
                    "{other:?} is not a mode; expected full or incremental / 模式应为 full 或 incremental"
                ),
            )),
        }
    }
}

/// How the overpayments a run finds come back (Decree 765 Art 46): refunded
/// at once or by instalments, from the month of the run. An offset against a
/// later benefit names that benefit: a clerk records it by hand.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum MatchRecovery {
    Refund,
    Instalments { months: u32 },
}

/// A run and what it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatchRunView {
    pub run: MatchRunRow,
    pub hits: Vec<MatchHitRow>,
    /// Benefits verified by data matching in this run.
    pub verified: u64,
    /// The incremental monitoring run after the matching (issue 16), which
    /// may have failed without undoing the run.
    pub monitoring: Option<AfterImportRun>,
    /// The unit-paid benefits this run ended: each tells its unit to stop
    /// paying after `last_month`.
    pub unit_notices: Vec<UnitBenefitStop>,
}

/// A benefit the unit pays that the shared data ended: what the unit is
/// told (stop paying it after `last_month`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitBenefitStop {
    /// The unit paying it this month (a successor after a division, merger
    /// or transfer, Regulations Art 43(1)); none: a case without a unit, or
    /// a division not yet settled.
    pub unit: Option<CreditCode>,
    pub case_number: String,
    pub benefit_id: i64,
    pub item: Item,
    pub beneficiary: String,
    pub rule: MatchRule,
    /// The day of the event.
    pub on: Date,
    /// The last month owed.
    pub last_month: Option<Month>,
    pub run_id: i64,
    /// The article that ends it.
    pub article: String,
}

/// The benefits due for verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerificationQueue {
    /// Verified on or after this day counts (today less the period).
    pub cutoff: Date,
    pub period_months: i64,
    pub due: Vec<VerificationDue>,
    /// The benefits of `due` suspended for want of the verification
    /// (广东省工伤保险条例 Art 37), with the day suspended.
    pub suspended: BTreeMap<i64, Date>,
}

/// What `suspend_unverified` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnverifiedSuspension {
    pub on: Date,
    pub period_months: i64,
    /// The benefits suspended now.
    pub suspended: Vec<VerificationDue>,
    /// Due but under a scheme whose instrument does not make the
    /// verification a condition of payment (outside Guangdong): listed in
    /// the queue, not suspended.
    pub outside_rule: u64,
}

/// The reason a benefit is suspended for want of its verification.
pub const UNVERIFIED_REASON: &str = "未在认证期内通过领取待遇资格认证，暂停发放，认证后恢复（《广东省工伤保险条例》第三十七条） / not verified within the period: suspended until verified (Guangdong Regulations Art 37)";

fn parse_event(input: &LifeEventInput) -> Result<NewLifeEvent, AppError> {
    let resident_id = ResidentId::parse(input.resident_id.trim())
        .map_err(|e| AppError::invalid("resident_id", format!("{e} / 身份证号码无效")))?;
    let kind = LifeEventKind::parse(input.kind.trim()).map_err(|e| {
        AppError::invalid(
            "kind",
            format!("{e} / 事件类型应为 death、marriage、pension_start、alive、employment、enlistment 或 adoption"),
        )
    })?;
    let on: Date = input.event_date.trim().parse().map_err(|_| {
        AppError::invalid(
            "event_date",
            format!(
                "{:?} is not a date (YYYY-MM-DD) / 事件日期应为 YYYY-MM-DD",
                input.event_date
            ),
        )
    })?;
    if on < resident_id.birth_date() {
        return Err(AppError::invalid(
            "event_date",
            format!(
                "{on} is before the person's birth ({}) / 事件日期早于出生日期",
                resident_id.birth_date()
            ),
        ));
    }
    let source = input.source.trim();
    if source.is_empty() {
        return Err(AppError::invalid(
            "source",
            "name the body that reported it (public security, civil affairs, the pension agency) / 请填写数据来源部门",
        ));
    }
    let pension_text = input.pension_monthly.trim();
    let pension_monthly = match (kind, pension_text.is_empty()) {
        (LifeEventKind::PensionStart, true) => {
            return Err(AppError::invalid(
                "pension_monthly",
                "a pension start needs the monthly pension in yuan (Art 35(3) pays the difference) / 请填写基本养老金月额",
            ));
        }
        (LifeEventKind::PensionStart, false) => {
            let m: Money = pension_text.parse().map_err(|_| {
                AppError::invalid(
                    "pension_monthly",
                    format!("{pension_text:?} is not an amount in yuan / 养老金月额应为金额"),
                )
            })?;
            if m.fen() < 0 {
                return Err(AppError::invalid(
                    "pension_monthly",
                    format!("{m} yuan is negative; 0.00 or more / 养老金月额不能为负"),
                ));
            }
            Some(m)
        }
        (_, true) => None,
        (_, false) => {
            return Err(AppError::invalid(
                "pension_monthly",
                format!(
                    "only a pension start has a monthly pension, not a {} / 仅养老金起付事件填写月额",
                    kind.as_str()
                ),
            ));
        }
    };
    Ok(NewLifeEvent {
        resident_id,
        kind,
        on,
        source: source.to_owned(),
        pension_monthly,
    })
}

fn role_of(label: &str) -> Option<BeneficiaryRole> {
    BeneficiaryRole::of_label(label)
}

impl App {
    /// Imports life events: every row checked first; when one is refused
    /// nothing is stored and every problem is reported; a row stored before
    /// is already there (Decree 765 Art 9).
    pub fn import_life_events(
        &self,
        actor: &Actor,
        rows: &[(u64, String, LifeEventInput)],
    ) -> Result<LifeEventImport, AppError> {
        self.import_checked_life_events(actor, rows, Vec::new())
    }

    fn import_checked_life_events(
        &self,
        actor: &Actor,
        rows: &[(u64, String, LifeEventInput)],
        mut problems: Vec<RowProblem>,
    ) -> Result<LifeEventImport, AppError> {
        actor.authorize(Action::ImportLifeEvents)?;
        let mut events = Vec::with_capacity(rows.len());
        for (line, text, input) in rows {
            match parse_event(input) {
                Ok(e) => events.push(e),
                Err(e) => problems.push(RowProblem::of(*line, text, "row", &e)),
            }
        }
        problems.sort_by_key(|p| p.line);
        let mut report = LifeEventImport {
            rows_read: (rows.len() + problems.iter().filter(|p| p.line > 0).count()) as u64,
            added: 0,
            already_there: 0,
            problems,
            stored: false,
            monitoring: None,
        };
        if !report.problems.is_empty() {
            return Ok(report);
        }
        let (added, already) =
            self.store
                .add_life_events(&events, &actor.audit_name(), self.now())?;
        report.added = added;
        report.already_there = already;
        report.stored = true;
        // A failure is kept for `/monitor` to show, and said in the answer
        // (issue 16).
        report.monitoring = self.monitor_after_import("life events");
        Ok(report)
    }

    /// Imports a life-event file read by [`gongshang_csv::read_table`] with
    /// [`LIFE_EVENT_COLUMNS`].
    pub fn import_life_event_table(
        &self,
        actor: &Actor,
        table: &Table,
    ) -> Result<LifeEventImport, AppError> {
        actor.authorize(Action::ImportLifeEvents)?;
        let h = &table.header;
        let mut rows = Vec::with_capacity(table.rows.len());
        let mut csv_problems = Vec::new();
        for row in &table.rows {
            match row {
                Ok(r) => rows.push((
                    r.line,
                    r.text.clone(),
                    LifeEventInput {
                        resident_id: r.get(h, "resident_id").into(),
                        kind: r.get(h, "kind").into(),
                        event_date: r.get(h, "event_date").into(),
                        source: r.get(h, "source").into(),
                        pension_monthly: r.get(h, "pension_monthly").into(),
                    },
                )),
                Err(e) => csv_problems.push(RowProblem::of_csv(e, "")),
            }
        }
        self.import_checked_life_events(actor, &rows, csv_problems)
    }

    /// Records a survivor's resident id on a benefit (the case has only the
    /// worker's), and a study or disability exception to the age of 18.
    pub fn record_beneficiary(
        &self,
        actor: &Actor,
        benefit_id: i64,
        resident_id: &str,
        exception: Option<&str>,
    ) -> Result<(), AppError> {
        actor.authorize(Action::RecordBeneficiary)?;
        let rid = ResidentId::parse(resident_id.trim())
            .map_err(|e| AppError::invalid("resident_id", format!("{e} / 身份证号码无效")))?;
        let exception = exception
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                AgeException::parse(s).map_err(|e| {
                    AppError::invalid(
                        "age_exception",
                        format!("{e} / 例外应为 study 或 disability"),
                    )
                })
            })
            .transpose()?;
        let benefit =
            self.store
                .periodic_benefit(benefit_id)?
                .ok_or_else(|| AppError::NotFound {
                    entity: "periodic benefit",
                    key: benefit_id.to_string(),
                })?;
        if benefit.beneficiary == "worker" {
            return Err(AppError::invalid(
                "benefit_id",
                format!(
                    "benefit {benefit_id} is the worker's: their resident id is the case's / 该待遇为职工本人待遇"
                ),
            ));
        }
        Ok(self.store.record_beneficiary(
            benefit_id,
            &rid,
            exception,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// Runs the matching (Decree 765 Arts 9, 26): ends what the shared data
    /// and the ages end, records the overpayments, in one transaction.
    /// Running it again does nothing twice.
    pub fn run_matching(
        &self,
        actor: &Actor,
        mode: MatchMode,
        recovery: MatchRecovery,
    ) -> Result<MatchRunView, AppError> {
        actor.authorize(Action::RunMatching)?;
        if let MatchRecovery::Instalments { months } = recovery
            && !(1..=120).contains(&months)
        {
            return Err(AppError::invalid(
                "months",
                format!("{months} instalments; 1 to 120 / 分期月数应为 1 至 120"),
            ));
        }
        let last_through = self
            .store
            .match_runs()?
            .last()
            .map_or(0, |r| r.events_through);
        let through = self.store.last_life_event_id()?;
        let after = match mode {
            MatchMode::Full => 0,
            MatchMode::Incremental => last_through,
        };
        let benefits = self.store.benefits_to_match()?;
        let new_events = self.store.life_events_between(after, through)?;
        let people: BTreeSet<String> = new_events.iter().map(|e| e.resident_id.clone()).collect();
        // Every event of the people with a new one (an earlier death wins
        // over a later marriage), never those imported after `through`.
        let mut by_person: BTreeMap<String, Vec<LifeEventRow>> = BTreeMap::new();
        for e in self
            .store
            .life_events_of(&people.iter().cloned().collect::<Vec<_>>())?
        {
            if e.id <= through {
                by_person.entry(e.resident_id.clone()).or_default().push(e);
            }
        }
        let done: BTreeSet<(i64, MatchRule)> = self
            .store
            .match_hits(None)?
            .into_iter()
            .map(|h| (h.benefit_id, h.rule))
            .collect();
        let today = date_in_china(self.now());
        let first_month = Month::of(today);
        let mut hits = Vec::new();
        let mut verified = Vec::new();
        for b in &benefits {
            let Some(role) = role_of(&b.benefit.beneficiary) else {
                continue;
            };
            let rid = b.resident_id.clone();
            let events: Vec<&LifeEventRow> = rid
                .as_ref()
                .and_then(|r| by_person.get(r))
                .map(|v| v.iter().collect())
                .unwrap_or_default();
            let fund_pays = b.benefit.payer == Payer::Fund;
            // A sign of life imported since the last run verifies the
            // benefit (the fund's eligibility verification, Art 26).
            if fund_pays
                && let Some(alive) = events
                    .iter()
                    .filter(|e| e.kind == LifeEventKind::Alive && e.id > last_through)
                    .max_by_key(|e| e.on)
            {
                verified.push((
                    b.benefit.id,
                    alive.on,
                    format!("shared data: {} ({})", alive.source, alive.id),
                ));
            }
            let facts = BenefitInPayment {
                benefit_id: b.benefit.id,
                item: b.benefit.item,
                role,
                end_month: b.benefit.end_month,
                birth_date: rid
                    .as_deref()
                    .and_then(|r| ResidentId::parse(r).ok())
                    .map(|r| r.birth_date()),
                age_exception: b.age_exception,
                paid: b.paid.clone(),
                amounts: b
                    .benefit
                    .amounts
                    .iter()
                    .map(|a| (a.from_month, a.amount))
                    .collect(),
            };
            let life: Vec<LifeEvent> = events
                .iter()
                .map(|e| LifeEvent {
                    id: e.id,
                    kind: e.kind,
                    on: e.on,
                    pension_monthly: e.pension_monthly,
                })
                .collect();
            let Some(d) = decide(&facts, &life) else {
                continue;
            };
            if done.contains(&(b.benefit.id, d.rule)) {
                continue;
            }
            // The Art 35(3) difference on a pension start is the fund's
            // top-up of its own allowance: a unit-paid one is not changed.
            if !fund_pays && d.new_amount.is_some() {
                continue;
            }
            let Some(rid) = rid else { continue };
            let total = d.overpaid_total();
            let source = d
                .event_id
                .and_then(|id| events.iter().find(|e| e.id == id))
                .map_or_else(|| "the resident id".to_owned(), |e| e.source.clone());
            // The fund's payroll never paid a unit's benefit: nothing is
            // overpaid by the fund on it.
            let total = if fund_pays { total } else { Money::ZERO };
            let overpayment = if total > Money::ZERO {
                let n = self.store.overpayment_count_of_benefit(b.benefit.id)? + 1;
                let reference = format!("OP-{}-{n}", b.benefit.id);
                let how = match recovery {
                    MatchRecovery::Refund => Recovery::Refund,
                    MatchRecovery::Instalments { months } => Recovery::Instalments { months },
                };
                let method = match recovery {
                    MatchRecovery::Refund => RecoveryMethod::Refund,
                    MatchRecovery::Instalments { .. } => RecoveryMethod::Instalments,
                };
                let mut trace = Trace::default();
                let amounts = recovery_schedule(total, how, &mut trace)?;
                let mut month = first_month;
                let mut schedule = Vec::with_capacity(amounts.len());
                for a in amounts {
                    schedule.push((month, a));
                    month = month.next();
                }
                let months: Vec<String> = d.overpaid.iter().map(|(m, _)| m.to_string()).collect();
                let tx = ledger::overpayment_found(
                    IdempotencyKey::parse(&format!("overpay:{reference}"))?,
                    ReferenceId::parse(&reference)?,
                    total,
                )?;
                Some((
                    NewOverpayment {
                        reference,
                        case_id: b.benefit.case_id,
                        benefit_id: Some(b.benefit.id),
                        one_time_payment_id: None,
                        offset_benefit_id: None,
                        amount: total,
                        reason: format!(
                            "data matching: {} on {} ({source}); {}; paid for {} not owed",
                            d.rule.as_str(),
                            d.on,
                            d.rule.article(),
                            months.join(", ")
                        ),
                        method,
                        basis: json!({
                            "plan": how,
                            "first_month": first_month.to_string(),
                            "matched": {"rule": d.rule.as_str(), "event_id": d.event_id, "on": d.on.to_string()},
                            "months": d.overpaid.iter().map(|(m, a)| json!({"month": m.to_string(), "amount": a.to_string()})).collect::<Vec<_>>(),
                            "trace": trace.steps,
                        }),
                        schedule,
                    },
                    tx,
                ))
            } else {
                None
            };
            let end_reason = match d.new_amount {
                Some(_) => format!(
                    "retired: pension {}, Art 35(3) difference",
                    life.iter()
                        .find(|e| Some(e.id) == d.event_id)
                        .and_then(|e| e.pension_monthly)
                        .unwrap_or(Money::ZERO)
                ),
                None => d.rule.as_str().to_owned(),
            };
            hits.push(NewMatchHit {
                benefit_id: b.benefit.id,
                case_id: b.benefit.case_id,
                resident_id: rid,
                rule: d.rule,
                event_id: d.event_id,
                on: d.on,
                last_month: d.last_month,
                end_reason,
                new_amount: d.new_amount,
                overpaid: total,
                overpaid_months: if fund_pays {
                    d.overpaid.len() as u32
                } else {
                    0
                },
                overpayment,
            });
        }
        let verified_count = verified.len() as u64;
        let run = self.store.record_match_run(
            &NewMatchRun {
                mode: mode.as_str().to_owned(),
                events_after: after,
                events_through: through,
                benefits_checked: benefits.len() as u64,
                hits,
                verified,
            },
            &actor.audit_name(),
            self.now(),
        )?;
        let hits = self.store.match_hits(Some(run.id))?;
        let unit_notices = self.unit_stops(&hits, today)?;
        // The hits are what benefit_after_life_event reads: the life events
        // imported reach the monitoring through them.
        let monitoring = self.monitor_after_import(&format!("matching run {}", run.id));
        Ok(MatchRunView {
            run,
            hits,
            verified: verified_count,
            monitoring,
            unit_notices,
        })
    }

    /// The hits among `hits` on benefits a unit pays, each with the unit
    /// paying it in `today`'s month.
    fn unit_stops(
        &self,
        hits: &[MatchHitRow],
        today: Date,
    ) -> Result<Vec<UnitBenefitStop>, AppError> {
        let mut out = Vec::new();
        for h in hits {
            let Some(benefit) = self.store.periodic_benefit(h.benefit_id)? else {
                continue;
            };
            if benefit.payer != Payer::Employer {
                continue;
            }
            let unit = match self.store.case_by_id(h.case_id)? {
                Some(row) => self.employer_in_month(&row, Month::of(today))?,
                None => None,
            };
            out.push(UnitBenefitStop {
                unit,
                case_number: h.case_number.clone(),
                benefit_id: h.benefit_id,
                item: h.item,
                beneficiary: h.beneficiary.clone(),
                rule: h.rule,
                on: h.on,
                last_month: h.last_month,
                run_id: h.run_id,
                article: h.article.clone(),
            });
        }
        Ok(out)
    }

    /// The benefits `unit` pays that the shared-data matching ended, the
    /// oldest first (agency staff, or the unit itself): what it is told to
    /// stop paying.
    pub fn benefit_stops_of_unit(
        &self,
        actor: &Actor,
        unit: &CreditCode,
    ) -> Result<Vec<UnitBenefitStop>, AppError> {
        actor.authorize(Action::ReadBills)?;
        actor.require_reach(actor.reaches_unit(Some(unit)), "unit", unit.as_str())?;
        let hits = self.store.match_hits(None)?;
        Ok(self
            .unit_stops(&hits, self.today())?
            .into_iter()
            .filter(|s| s.unit.as_ref() == Some(unit))
            .collect())
    }

    /// The matching runs, oldest first.
    pub fn match_runs(&self, actor: &Actor) -> Result<Vec<MatchRunRow>, AppError> {
        actor.authorize(Action::ReadMatching)?;
        Ok(self.store.match_runs()?)
    }

    /// The hits of a run (or of every run), with what each ended and the
    /// overpayment it recorded.
    pub fn match_hits(
        &self,
        actor: &Actor,
        run_id: Option<i64>,
    ) -> Result<Vec<MatchHitRow>, AppError> {
        actor.authorize(Action::ReadMatching)?;
        Ok(self.store.match_hits(run_id)?)
    }

    /// Records that a beneficiary's eligibility was verified (Decree 765
    /// Art 26) on a day (today unless given; never ahead).
    pub fn record_verification(
        &self,
        actor: &Actor,
        benefit_id: i64,
        method: &str,
        verified_on: Option<Date>,
        evidence: &str,
    ) -> Result<(), AppError> {
        actor.authorize(Action::RecordVerification)?;
        let method = VerificationMethod::parse(method.trim()).map_err(|e| {
            AppError::invalid(
                "method",
                format!("{e} / 认证方式应为 data_matching、self、employer 或 third_party"),
            )
        })?;
        let today = date_in_china(self.now());
        let day = verified_on.unwrap_or(today);
        if day > today {
            return Err(AppError::invalid(
                "verified_on",
                format!("{day} is after today ({today}) / 认证日期不能晚于今天"),
            ));
        }
        if evidence.trim().is_empty() {
            return Err(AppError::invalid(
                "evidence",
                "say how it was verified (the form, the employer's letter, the data matched) / 请填写认证依据",
            ));
        }
        Ok(self.store.record_verification(
            benefit_id,
            method,
            day,
            evidence,
            &actor.audit_name(),
            self.now(),
        )?)
    }

    /// The benefits in payment not verified within the period
    /// (`handling.eligibility_verification_months`, assumed 12), the longest
    /// unverified first.
    pub fn verifications_due(&self, actor: &Actor) -> Result<VerificationQueue, AppError> {
        actor.authorize(Action::ReadMatching)?;
        let today = date_in_china(self.now());
        let period_months = self
            .policy()
            .at(
                "national",
                "handling.eligibility_verification_months",
                today,
            )?
            .whole();
        let cutoff = today
            .checked_sub(jiff::Span::new().months(period_months))
            .map_err(|e| AppError::invalid("period", e.to_string()))?;
        let due = self.store.verifications_due(Month::of(today), cutoff)?;
        let open: BTreeMap<i64, Date> = self
            .store
            .open_unverified_suspensions()?
            .into_iter()
            .collect();
        let suspended = due
            .iter()
            .filter_map(|d| open.get(&d.benefit_id).map(|on| (d.benefit_id, *on)))
            .collect();
        Ok(VerificationQueue {
            cutoff,
            period_months,
            due,
            suspended,
        })
    }

    /// Suspends the benefits due for verification whose instrument makes
    /// it a condition of payment: 广东省工伤保险条例 Art 37 (领取伤残津贴、供养亲属
    /// 抚恤金的人员应当每年通过领取待遇资格认证，方可继续领取), so the cases under a
    /// Guangdong scheme. Elsewhere the queue only lists them (Decree 765 Art
    /// 26 sets no such condition). The verification recorded afterwards, by
    /// a clerk or a matching run, lifts the suspension; the months it held
    /// back are paid by the next run of each month, as for any suspension.
    pub fn suspend_unverified(&self, actor: &Actor) -> Result<UnverifiedSuspension, AppError> {
        actor.authorize(Action::ManageBenefits)?;
        let queue = self.verifications_due(actor)?;
        let today = date_in_china(self.now());
        let mut in_rule = Vec::new();
        let mut outside_rule = 0u64;
        for d in queue.due {
            if queue.suspended.contains_key(&d.benefit_id) {
                continue;
            }
            let guangdong = self.store.case_by_number(&d.case_number)?.is_some_and(|c| {
                self.policy()
                    .scheme(&c.scheme_id)
                    .is_ok_and(|s| s.jurisdiction == "guangdong")
            });
            if guangdong {
                in_rule.push(d);
            } else {
                outside_rule += 1;
            }
        }
        let ids: Vec<(i64, Option<Date>)> = in_rule
            .iter()
            .map(|d| (d.benefit_id, d.last_verified_on))
            .collect();
        let done = self.store.suspend_unverified(
            &ids,
            today,
            UNVERIFIED_REASON,
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(UnverifiedSuspension {
            on: today,
            period_months: queue.period_months,
            suspended: in_rule
                .into_iter()
                .filter(|d| done.contains(&d.benefit_id))
                .collect(),
            outside_rule,
        })
    }
}
