//! Imports: units, people, enrolments, declarations, payments and platform
//! orders, from files (the command line) or request bodies (the API), each
//! a use case that takes the [`Actor`] first.
//!
//! The command line and the API only read the CSV ([`gongshang_csv`]) and
//! call these. Every row is checked first, against the rules and against
//! what is stored, before anything is written, so a refused file reports all
//! its bad rows. A row identical to what is stored is already there; a row
//! whose key is stored with other content is a conflict (a refusal). The
//! registry and contribution imports are then written whole in one
//! database transaction ([`ImportStore::write_registry_import`]): a refused
//! file, a failed store call or a killed process leaves nothing behind, and
//! running the file again completes it. Orders come by the ten million and
//! commit per batch; they are keyed by (platform, order id), so a run again
//! after a crash adds what is missing and nothing twice.

use gongshang_rules::SchemeId;
use std::collections::{BTreeMap, HashMap, HashSet};

use gongshang_csv::{Columns, CsvError, Record, Table};
use gongshang_domain::ids::{CreditCode, PlatformId, ResidentId};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::retirement::RetirementTrack;
use gongshang_rules::scheme::{Applicant, Category, Eligibility, PremiumPayer};
use gongshang_store::{
    BillStatus, ImportCounts, ImportState, ImportSummary, NewEngagement, NewEnrollment, NewPerson,
    NewUnit, OrderRecord, RegistryImport, Unit,
};
use jiff::SignedDuration;
use jiff::civil::Date;
use serde::Serialize;

use crate::actor::{Action, Actor};
use crate::error::AppError;
use crate::monitor::AfterImportRun;
use crate::services::{App, BillLine, BillRecord, EnrollRequest, IssuedBill, PaymentRequest};
use crate::{OrderInput, UnitInput};

/// An unfinished import with no batch for this long was interrupted (its
/// process was killed or crashed): batches commit every second or so.
pub const IMPORT_LEASE: SignedDuration = SignedDuration::from_mins(5);

/// What a file holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Units,
    People,
    Enrollments,
    Declarations,
    Payments,
    Orders,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Units => "units",
            ImportKind::People => "people",
            ImportKind::Enrollments => "enrollments",
            ImportKind::Declarations => "declarations",
            ImportKind::Payments => "payments",
            ImportKind::Orders => "orders",
        }
    }

    /// The columns of its files (README.md).
    pub fn columns(self) -> Columns<'static> {
        match self {
            ImportKind::Units => Columns::new(
                &[
                    "credit_code",
                    "name",
                    "kind",
                    "region",
                    "industry_class",
                    "floating_tier",
                ],
                &[],
            ),
            ImportKind::People => Columns::new(&["resident_id", "name"], &[]),
            ImportKind::Enrollments => Columns::new(
                &[
                    "resident_id",
                    "credit_code",
                    "scheme_id",
                    "category",
                    "start_date",
                ],
                &["labour_relation"],
            ),
            ImportKind::Declarations => Columns::new(
                &[
                    "credit_code",
                    "scheme_id",
                    "month",
                    "resident_id",
                    "declared_wage",
                ],
                &[],
            ),
            ImportKind::Payments => Columns::new(
                &["bill_reference", "amount", "paid_on", "idempotency_key"],
                &["payer"],
            ),
            ImportKind::Orders => Columns::new(ORDER_COLUMNS, &[]),
        }
    }

    /// Who may import it: the action of one row.
    pub fn action(self) -> Action {
        match self {
            ImportKind::Units => Action::RegisterUnit,
            ImportKind::People => Action::RegisterPerson,
            ImportKind::Enrollments => Action::Enrol,
            ImportKind::Declarations => Action::Declare,
            ImportKind::Payments => Action::RecordPayment,
            ImportKind::Orders => Action::ImportOrders,
        }
    }
}

/// The columns of an order file, in the order [`order_input`] takes them.
pub const ORDER_COLUMNS: &[&str] = &[
    "platform",
    "order_id",
    "resident_id",
    "ordered_at",
    "industry",
    "province",
];

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The file name (or `api`), kept with the import.
    pub source: String,
    /// Import the good rows and report the bad ones, instead of refusing
    /// the file.
    pub skip_invalid: bool,
}

/// The code of a row the CSV reader could not read (a quote, an encoding,
/// a field count): a row problem only, never an API error.
pub const MALFORMED_CSV: &str = "malformed_csv";

/// A refused row: where, which field, why, and the line as it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The line of the file (the header is line 1), or the position in a
    /// request's list.
    pub line: u64,
    pub field: String,
    /// The stable code of the error table (`invalid`, `conflict`,
    /// `not_found`, ...).
    pub code: &'static str,
    pub reason: String,
    pub text: String,
}

impl RowProblem {
    pub fn of(line: u64, text: &str, default_field: &str, e: &AppError) -> RowProblem {
        RowProblem {
            line,
            field: e.field().unwrap_or(default_field).to_owned(),
            code: e.code(),
            reason: e.to_string(),
            text: text.to_owned(),
        }
    }

    pub fn of_csv(e: &CsvError, text: &str) -> RowProblem {
        RowProblem {
            line: e.line,
            field: e.field(),
            code: MALFORMED_CSV,
            reason: e.problem.to_string(),
            text: text.to_owned(),
        }
    }

    /// The row contradicts a stored record (same key, different values).
    pub fn is_conflict(&self) -> bool {
        self.code == AppError::CONFLICT
    }

    fn conflict(line: u64, text: &str, field: &str, reason: String) -> RowProblem {
        RowProblem {
            line,
            field: field.to_owned(),
            code: AppError::CONFLICT,
            reason,
            text: text.to_owned(),
        }
    }
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub kind: ImportKind,
    /// The `imports` row (none when the file was refused).
    pub import_id: Option<i64>,
    pub rows_read: u64,
    pub added: u64,
    /// Rows identical to what was stored: nothing changed.
    pub already_there: u64,
    /// Rows whose key is stored with other content (among `problems`).
    pub conflicts: u64,
    /// Every refused row, in file order.
    pub problems: Vec<RowProblem>,
    /// False when the file was refused (a problem without `skip_invalid`):
    /// nothing was written.
    pub stored: bool,
    /// Bills issued (declarations; orders' monthly bills).
    pub bills: Vec<IssuedBill>,
    /// The incremental monitoring run after the import (issue 16): none
    /// when nothing was stored or no run has recorded watermarks yet.
    pub monitoring: Option<AfterImportRun>,
}

/// An order import under way, as the one who began it follows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportProgress {
    pub import_id: i64,
    pub source: String,
    /// Rows of the batches committed so far (stored, already there, or in
    /// conflict).
    pub rows_done: u64,
    /// The rows the import stores in all, once known (an API request, a
    /// page's upload and the CLI's file all set it before their first
    /// batch; an import made batch by batch through the app may not).
    pub rows_expected: Option<u64>,
    pub started_at: jiff::Timestamp,
    /// When the last batch committed (or the import began).
    pub heartbeat_at: jiff::Timestamp,
}

/// An order import finished: its row, and the incremental monitoring run
/// after it (issue 16), which may have failed without undoing the import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinishedImport {
    pub summary: ImportSummary,
    pub monitoring: Option<AfterImportRun>,
}

impl ImportReport {
    fn new(kind: ImportKind, rows_read: u64) -> ImportReport {
        ImportReport {
            kind,
            import_id: None,
            rows_read,
            added: 0,
            already_there: 0,
            conflicts: 0,
            problems: Vec::new(),
            stored: false,
            bills: Vec::new(),
            monitoring: None,
        }
    }

    pub fn rejected(&self) -> u64 {
        self.problems.len() as u64
    }
}

/// An import as listed: its counts and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRun {
    pub summary: ImportSummary,
    pub state: ImportState,
}

// ---- reading fields ---------------------------------------------------------

fn date(field: &'static str, text: &str) -> Result<Date, AppError> {
    text.parse().map_err(|_| {
        AppError::invalid(
            field,
            format!("{text:?} is not a date; expected YYYY-MM-DD"),
        )
    })
}

fn money(field: &'static str, text: &str) -> Result<Money, AppError> {
    Money::parse_yuan(text).map_err(|e| AppError::invalid(field, format!("{text:?}: {e}")))
}

fn flag(field: &'static str, text: &str) -> Result<bool, AppError> {
    match text {
        "" | "false" | "0" | "no" => Ok(false),
        "true" | "1" | "yes" => Ok(true),
        _ => Err(AppError::invalid(
            field,
            format!("{text:?}; expected true or false"),
        )),
    }
}

fn payer(text: &str) -> Result<Option<PremiumPayer>, AppError> {
    Ok(match text {
        "" => None,
        "unit" => Some(PremiumPayer::Unit),
        "platform" => Some(PremiumPayer::Platform),
        "worker" => Some(PremiumPayer::Worker),
        "fiscal" => Some(PremiumPayer::Fiscal),
        _ => {
            return Err(AppError::invalid(
                "payer",
                format!("{text:?}; expected unit, platform, worker or fiscal"),
            ));
        }
    })
}

fn field_of(field: &'static str) -> impl Fn(gongshang_domain::DomainError) -> AppError {
    move |e| AppError::invalid(field, e.to_string())
}

/// An order as a file or a request gives it (fields as written).
pub fn order_input(fields: [&str; 6]) -> Result<OrderInput, AppError> {
    let [
        platform,
        order_id,
        resident_id,
        ordered_at,
        industry,
        province,
    ] = fields.map(str::trim);
    Ok(OrderInput {
        platform: PlatformId::parse(platform).map_err(field_of("platform"))?,
        order_id: gongshang_domain::ids::OrderId::parse(order_id).map_err(field_of("order_id"))?,
        resident_id: ResidentId::parse(resident_id).map_err(field_of("resident_id"))?,
        ordered_at: ordered_at.parse().map_err(|_| {
            AppError::invalid(
                "ordered_at",
                format!(
                    "{ordered_at:?} is not an instant; expected RFC 3339 with an offset, e.g. 2025-07-01T12:30:00+08:00"
                ),
            )
        })?,
        industry: match industry {
            "ride_hailing" => gongshang_rules::scheme::OrderIndustry::RideHailing,
            "instant_delivery" => gongshang_rules::scheme::OrderIndustry::InstantDelivery,
            "intra_city_freight" => gongshang_rules::scheme::OrderIndustry::IntraCityFreight,
            _ => {
                return Err(AppError::invalid(
                    "industry",
                    format!(
                        "{industry:?}; expected ride_hailing, instant_delivery or intra_city_freight"
                    ),
                ));
            }
        },
        province: province.to_owned(),
    })
}

/// An order record as a line of an order file (for error reports).
pub fn order_line(o: &OrderRecord) -> String {
    format!(
        "{},{},{},{},{},{}",
        o.platform.as_str(),
        o.order_id.as_str(),
        o.resident_id.as_str(),
        o.ordered_at,
        match o.industry {
            gongshang_rules::scheme::OrderIndustry::RideHailing => "ride_hailing",
            gongshang_rules::scheme::OrderIndustry::InstantDelivery => "instant_delivery",
            gongshang_rules::scheme::OrderIndustry::IntraCityFreight => "intra_city_freight",
        },
        o.province
    )
}

/// The rows of a table: each record, or its CSV refusal as a problem.
fn records<'t>(table: &'t Table, problems: &mut Vec<RowProblem>) -> Vec<&'t Record> {
    let mut out = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        match row {
            Ok(r) => out.push(r),
            Err(e) => problems.push(RowProblem::of_csv(e, "")),
        }
    }
    out
}

/// What is stored for the people and units of an enrolment file, with the
/// file's accepted rows added as they are checked.
#[derive(Default)]
struct Registry {
    people: HashSet<ResidentId>,
    units: HashMap<CreditCode, Unit>,
    engagements: HashMap<ResidentId, Vec<NewEngagement>>,
    enrollments: HashMap<ResidentId, Vec<(NewEnrollment, Option<Date>)>>,
    /// The last day of the file's units whose registration was cancelled
    /// (Decree 765 Art 10).
    cancelled: HashMap<CreditCode, Date>,
}

impl App {
    fn authorize_import(&self, actor: &Actor, kind: ImportKind) -> Result<(), AppError> {
        actor.authorize(kind.action())?;
        // A unit user imports for its own unit through the API's own use
        // cases; whole files of the registry are the agency's.
        if kind != ImportKind::Orders && !actor.is_agency() {
            return Err(AppError::Forbidden {
                action: kind.action(),
            });
        }
        Ok(())
    }

    /// Imports a file read by [`gongshang_csv::read_table`]: checks every
    /// row, then (unless refused) writes all of it in one transaction.
    pub fn import_table(
        &self,
        actor: &Actor,
        kind: ImportKind,
        table: &Table,
        options: &ImportOptions,
    ) -> Result<ImportReport, AppError> {
        self.authorize_import(actor, kind)?;
        let mut report = ImportReport::new(kind, table.rows.len() as u64);
        let rows = records(table, &mut report.problems);
        let mut plan = RegistryImport {
            kind: kind.as_str().to_owned(),
            source: options.source.clone(),
            rows_read: report.rows_read,
            ..RegistryImport::default()
        };
        let mut bill_lines: Vec<(Vec<BillLine>, u64)> = Vec::new();
        match kind {
            ImportKind::Units => self.check_units(table, &rows, &mut plan, &mut report)?,
            ImportKind::People => self.check_people(table, &rows, &mut plan, &mut report)?,
            ImportKind::Enrollments => {
                self.check_enrollments(table, &rows, &mut plan, &mut report)?
            }
            ImportKind::Declarations => {
                bill_lines = self.check_declarations(table, &rows, &mut plan, &mut report)?
            }
            ImportKind::Payments => self.check_payments(table, &rows, &mut plan, &mut report)?,
            ImportKind::Orders => {
                return Err(AppError::invalid(
                    "kind",
                    "orders are imported by import_orders or in batches",
                ));
            }
        }
        report.problems.sort_by_key(|p| p.line);
        report.conflicts = report.problems.iter().filter(|p| p.is_conflict()).count() as u64;
        if !report.problems.is_empty() && !options.skip_invalid {
            return Ok(report);
        }
        plan.rows_duplicate = report.already_there;
        plan.rows_rejected = report.rejected();
        plan.rows_conflict = report.conflicts;
        let written = self
            .store
            .write_registry_import(&plan, &actor.audit_name(), self.now())?;
        report.import_id = Some(written.import_id);
        report.stored = true;
        report.monitoring = self.monitor_after_import(&format!("import {}", written.import_id));
        report.added =
            (plan.units.len() + plan.people.len() + plan.enrollments.len() + plan.payments.len())
                as u64
                + bill_lines.iter().map(|(_, rows)| rows).sum::<u64>();
        for ((bill, (lines, _)), id) in plan.bills.iter().zip(bill_lines).zip(written.bill_ids) {
            report.bills.push(IssuedBill {
                bill_id: id,
                reference: bill.reference.clone(),
                amount: bill.amount,
                fiscal_share: bill.fiscal_share,
                due_date: bill.due_date,
                due_provisional: bill.due_provisional,
                lines,
                trace: Vec::new(),
            });
        }
        Ok(report)
    }

    fn check_units(
        &self,
        table: &Table,
        rows: &[&Record],
        plan: &mut RegistryImport,
        report: &mut ImportReport,
    ) -> Result<(), AppError> {
        let h = &table.header;
        let mut parsed = Vec::with_capacity(rows.len());
        for r in rows {
            let input = UnitInput {
                credit_code: r.get(h, "credit_code").into(),
                name: r.get(h, "name").into(),
                kind: r.get(h, "kind").into(),
                region: r.get(h, "region").into(),
                industry_class: r.get(h, "industry_class").into(),
                floating_tier: r.get(h, "floating_tier").into(),
            };
            match crate::parse_unit(&input) {
                Ok(u) => parsed.push((*r, u)),
                Err(e) => report
                    .problems
                    .push(RowProblem::of(r.line, &r.text, "credit_code", &e)),
            }
        }
        let codes: Vec<CreditCode> = parsed.iter().map(|(_, u)| u.credit_code).collect();
        let stored: HashMap<CreditCode, Unit> = self
            .store
            .units_by_codes(&codes)?
            .into_iter()
            .map(|u| (u.credit_code, u))
            .collect();
        let mut seen = HashSet::new();
        for (r, u) in parsed {
            if !seen.insert(u.credit_code) {
                report.problems.push(RowProblem::of(
                    r.line,
                    &r.text,
                    "credit_code",
                    &AppError::invalid("credit_code", "appears twice in the file"),
                ));
                continue;
            }
            match stored.get(&u.credit_code) {
                None => plan.units.push(u),
                Some(s) => match unit_difference(s, &u) {
                    None => report.already_there += 1,
                    Some((field, stored_value, given)) => {
                        report.problems.push(RowProblem::conflict(
                            r.line,
                            &r.text,
                            field,
                            format!(
                                "unit {} is registered with {field} {stored_value:?}, not {given:?}; change a registered unit through its page, not a file",
                                u.credit_code.as_str()
                            ),
                        ))
                    }
                },
            }
        }
        Ok(())
    }

    fn check_people(
        &self,
        table: &Table,
        rows: &[&Record],
        plan: &mut RegistryImport,
        report: &mut ImportReport,
    ) -> Result<(), AppError> {
        let h = &table.header;
        let mut parsed: Vec<(&Record, NewPerson)> = Vec::with_capacity(rows.len());
        for r in rows {
            match crate::parse_person(r.get(h, "resident_id"), r.get(h, "name")) {
                Ok(p) => parsed.push((*r, p)),
                Err(e) => report
                    .problems
                    .push(RowProblem::of(r.line, &r.text, "resident_id", &e)),
            }
        }
        let ids: Vec<ResidentId> = parsed.iter().map(|(_, p)| p.resident_id).collect();
        let stored: HashMap<ResidentId, String> = self
            .store
            .people_by_resident_ids(&ids)?
            .into_iter()
            .map(|p| (p.resident_id, p.name))
            .collect();
        let mut seen = HashSet::with_capacity(parsed.len());
        plan.people.reserve(parsed.len());
        for (r, p) in parsed {
            if !seen.insert(p.resident_id) {
                report.problems.push(RowProblem::of(
                    r.line,
                    &r.text,
                    "resident_id",
                    &AppError::invalid("resident_id", "appears twice in the file"),
                ));
                continue;
            }
            match stored.get(&p.resident_id) {
                None => plan.people.push(p),
                Some(name) if *name == p.name => report.already_there += 1,
                Some(name) => report.problems.push(RowProblem::conflict(
                    r.line,
                    &r.text,
                    "name",
                    format!(
                        "person {} is registered as {name:?}, not {:?}",
                        p.resident_id.masked(),
                        p.name
                    ),
                )),
            }
        }
        Ok(())
    }

    fn check_enrollments(
        &self,
        table: &Table,
        rows: &[&Record],
        plan: &mut RegistryImport,
        report: &mut ImportReport,
    ) -> Result<(), AppError> {
        let h = &table.header;
        let at = |field: &'static str| move |e: AppError| (field, e);
        let mut parsed = Vec::with_capacity(rows.len());
        for r in rows {
            let req = (|| -> Result<EnrollRequest, (&'static str, AppError)> {
                let person = ResidentId::parse(r.get(h, "resident_id"))
                    .map_err(|e| ("resident_id", e.into()))?;
                let unit = match r.get(h, "credit_code") {
                    "" => None,
                    code => Some(CreditCode::parse(code).map_err(|e| ("credit_code", e.into()))?),
                };
                Ok(EnrollRequest {
                    person,
                    unit,
                    scheme_id: SchemeId::parse(r.get(h, "scheme_id").trim())
                        .map_err(|e| ("scheme_id", e.into()))?,
                    category: crate::parse_category(r.get(h, "category"))
                        .map_err(at("category"))?,
                    start: date("start_date", r.get(h, "start_date")).map_err(at("start_date"))?,
                    labour_relation: flag("labour_relation", r.get(h, "labour_relation"))
                        .map_err(at("labour_relation"))?,
                    // An imported enrolment carries no commitment (the file
                    // has no column for one; issue 17).
                    commitment: None,
                })
            })();
            match req {
                Ok(req) => parsed.push((*r, req)),
                Err((field, e)) => report
                    .problems
                    .push(RowProblem::of(r.line, &r.text, field, &e)),
            }
        }
        let people: Vec<ResidentId> = parsed.iter().map(|(_, q)| q.person).collect();
        let codes: Vec<CreditCode> = parsed.iter().filter_map(|(_, q)| q.unit).collect();
        let mut registry = Registry {
            people: self
                .store
                .people_by_resident_ids(&people)?
                .into_iter()
                .map(|p| p.resident_id)
                .collect(),
            units: self
                .store
                .units_by_codes(&codes)?
                .into_iter()
                .map(|u| (u.credit_code, u))
                .collect(),
            ..Registry::default()
        };
        // Once per distinct unit of the file (few, against many rows).
        let units: Vec<CreditCode> = registry.units.keys().copied().collect();
        for code in &units {
            if let Some(c) = self.store.unit_cancellation(code)? {
                registry.cancelled.insert(*code, c.last_day);
            }
        }
        for g in self.store.engagements_of_people(&people)? {
            registry
                .engagements
                .entry(g.person)
                .or_default()
                .push(NewEngagement {
                    person: g.person,
                    unit: g.unit,
                    category: g.category,
                    start: g.start,
                    end: g.end,
                });
        }
        for e in self.store.enrollments_of_people(&people)? {
            registry.enrollments.entry(e.person).or_default().push((
                NewEnrollment {
                    person: e.person,
                    unit: e.unit,
                    scheme_id: e.scheme_id,
                    category: e.category,
                    start: e.start,
                    commitment: None,
                },
                e.last_day,
            ));
        }
        for (r, req) in parsed {
            match self.check_enrollment_row(&req, &mut registry) {
                Ok(Checked::Already) => report.already_there += 1,
                Ok(Checked::New {
                    enrollment,
                    engagement,
                }) => {
                    plan.engagements.extend(engagement);
                    plan.enrollments.push(enrollment);
                }
                Err(e) => report
                    .problems
                    .push(RowProblem::of(r.line, &r.text, "resident_id", &e)),
            }
        }
        Ok(())
    }

    /// One enrolment row against the registry (stored, and the file's rows
    /// before it), as [`App::enroll`] decides it; an accepted row is added.
    fn check_enrollment_row(
        &self,
        req: &EnrollRequest,
        registry: &mut Registry,
    ) -> Result<Checked, AppError> {
        let scheme = self.policy.scheme(&req.scheme_id)?;
        if !registry.people.contains(&req.person) {
            return Err(AppError::NotFound {
                entity: "person",
                key: req.person.masked(),
            });
        }
        let region = match &req.unit {
            Some(code) => Some(
                registry
                    .units
                    .get(code)
                    .ok_or_else(|| AppError::NotFound {
                        entity: "unit",
                        key: code.as_str().to_owned(),
                    })?
                    .region
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        if let Some(code) = &req.unit
            && let Some(last_day) = registry.cancelled.get(code)
            && req.start > *last_day
        {
            return Err(AppError::Conflict {
                entity: "unit",
                reason: format!(
                    "{}'s registration was cancelled with its last day {last_day}: no enrolment from {} / 该单位已注销社会保险登记",
                    code.as_str(),
                    req.start
                ),
            });
        }
        let enrolled = registry.enrollments.entry(req.person).or_default();
        let same = |e: &NewEnrollment| e.unit == req.unit && e.scheme_id == req.scheme_id;
        if enrolled
            .iter()
            .any(|(e, _)| same(e) && e.category == req.category && e.start == req.start)
        {
            return Ok(Checked::Already);
        }
        if let Some((e, _)) = enrolled
            .iter()
            .find(|(e, last_day)| same(e) && last_day.is_none_or(|l| l >= req.start))
        {
            return Err(AppError::Conflict {
                entity: "enrollment",
                reason: format!(
                    "the person is already enrolled in {} by this unit from {} as {}; end it first",
                    req.scheme_id,
                    e.start,
                    category_name(e.category)
                ),
            });
        }
        // An employee enrolled by a unit has a labour relation with it,
        // recorded as an engagement (once) with the enrolment.
        let engagement = match (req.category, req.unit) {
            (Category::Employee, Some(unit)) => Some(NewEngagement {
                person: req.person,
                unit,
                category: Category::Employee,
                start: req.start,
                end: None,
            }),
            _ => None,
        };
        let engagements = registry.engagements.entry(req.person).or_default();
        let employee = engagement.is_some();
        let new_engagement = engagement.filter(|g| !engagements.contains(g));
        let labour_relation = req.labour_relation
            || employee
            || req.unit.is_some_and(|unit| {
                engagements.iter().any(|g| {
                    g.unit == unit
                        && g.category == Category::Employee
                        && g.start <= req.start
                        && g.end.is_none_or(|end| req.start <= end)
                })
            });
        let covered_by_regulations = enrolled.iter().any(|(e, last_day)| {
            e.start <= req.start
                && last_day.is_none_or(|l| req.start <= l)
                && self
                    .policy
                    .scheme(&e.scheme_id)
                    .is_ok_and(|s| s.cover_starts.rests_on_enrollment() && s.id != scheme.id)
        });
        let applicant = Applicant {
            category: req.category,
            birth_date: req.person.birth_date(),
            sex: Some(req.person.sex()),
            retirement_track: RetirementTrack::default(),
            labour_relation_with_unit: labour_relation,
            covered_by_regulations,
            region,
        };
        let eligibility: Eligibility = scheme.eligibility(&self.policy, &applicant, req.start)?;
        if let Some(f) = eligibility.failure() {
            return Err(AppError::NotEligible {
                scheme: req.scheme_id.to_string(),
                rule: f.rule.into(),
                value: f.value.clone(),
                allowed: f.allowed.clone(),
            });
        }
        let enrollment = NewEnrollment {
            person: req.person,
            unit: req.unit,
            scheme_id: req.scheme_id.clone(),
            category: req.category,
            start: req.start,
            commitment: None,
        };
        enrolled.push((enrollment.clone(), None));
        if let Some(g) = &new_engagement {
            engagements.push(g.clone());
        }
        Ok(Checked::New {
            enrollment,
            engagement: new_engagement,
        })
    }

    /// Declarations: one bill per (unit, scheme, month), with its rows; a
    /// bill its rules refuse takes all its rows with it. Returns each
    /// planned bill's lines and row count.
    fn check_declarations(
        &self,
        table: &Table,
        rows: &[&Record],
        plan: &mut RegistryImport,
        report: &mut ImportReport,
    ) -> Result<Vec<(Vec<BillLine>, u64)>, AppError> {
        let h = &table.header;
        type Key = (CreditCode, SchemeId, Month);
        type Rows<'r> = Vec<(&'r Record, ResidentId, Money)>;
        let mut groups: BTreeMap<(String, SchemeId, String), (Key, Rows<'_>)> = BTreeMap::new();
        let mut seen: HashSet<(String, SchemeId, String, ResidentId)> = HashSet::new();
        for r in rows {
            let parsed = (|| -> Result<(Key, ResidentId, Money), (&'static str, AppError)> {
                let unit = CreditCode::parse(r.get(h, "credit_code"))
                    .map_err(|e| ("credit_code", e.into()))?;
                let month = Month::parse(r.get(h, "month")).map_err(|e| ("month", e.into()))?;
                let person = ResidentId::parse(r.get(h, "resident_id"))
                    .map_err(|e| ("resident_id", e.into()))?;
                let wage = money("declared_wage", r.get(h, "declared_wage"))
                    .map_err(|e| ("declared_wage", e))?;
                Ok((
                    (
                        unit,
                        SchemeId::parse(r.get(h, "scheme_id").trim())
                            .map_err(|e| ("scheme_id", e.into()))?,
                        month,
                    ),
                    person,
                    wage,
                ))
            })();
            match parsed {
                Ok((key, person, wage)) => {
                    let text_key = (key.0.as_str().to_owned(), key.1.clone(), key.2.to_string());
                    let (a, b, c) = text_key.clone();
                    if !seen.insert((a, b, c, person)) {
                        report.problems.push(RowProblem::of(
                            r.line,
                            &r.text,
                            "resident_id",
                            &AppError::invalid(
                                "resident_id",
                                "declared twice for the month in the file",
                            ),
                        ));
                        continue;
                    }
                    groups
                        .entry(text_key)
                        .or_insert_with(|| (key, Vec::new()))
                        .1
                        .push((*r, person, wage));
                }
                Err((field, e)) => report
                    .problems
                    .push(RowProblem::of(r.line, &r.text, field, &e)),
            }
        }
        let mut planned = Vec::new();
        for (_, ((unit, scheme_id, month), rows)) in groups {
            let declared: Vec<(ResidentId, Money)> =
                rows.iter().map(|(_, p, w)| (*p, *w)).collect();
            let reference = monthly_bill_reference(&unit, &scheme_id, month);
            if let Some(stored) = self.store.bill_by_reference(&reference)? {
                // Declared before: the same lines are already there;
                // others would be a supplementary declaration.
                // Whose each line is: the unit's enrolments in one read
                // (one read a line took a round trip each on PostgreSQL).
                let mut stored_lines: HashMap<ResidentId, Money> = HashMap::new();
                let enrolled: HashMap<i64, ResidentId> = self
                    .store
                    .enrollments_of_unit(&unit, Some(&scheme_id))?
                    .into_iter()
                    .map(|e| (e.id, e.person))
                    .collect();
                for d in self.store.declarations_of_bill(stored.status.bill_id)? {
                    let person = match enrolled.get(&d.enrollment_id) {
                        Some(p) => Some(*p),
                        None => self.store.enrollment(d.enrollment_id)?.map(|e| e.person),
                    };
                    if let Some(person) = person {
                        stored_lines.insert(person, d.declared_wage);
                    }
                }
                for (r, person, wage) in &rows {
                    match stored_lines.get(person) {
                        Some(w) if w == wage => report.already_there += 1,
                        found => report.problems.push(RowProblem::conflict(
                            r.line,
                            &r.text,
                            "declared_wage",
                            format!(
                                "{month} of unit {} in {scheme_id} was already declared (bill {reference}) {}; supplementary declarations are not accepted",
                                unit.as_str(),
                                match found {
                                    Some(w) => format!("with {} yuan for {}", w, person.masked()),
                                    None => format!("without {}", person.masked()),
                                }
                            ),
                        )),
                    }
                }
                continue;
            }
            match self.monthly_bill(&unit, &scheme_id, month, &declared) {
                Ok((bill, lines)) => {
                    planned.push((lines, rows.len() as u64));
                    plan.bills.push(bill);
                }
                Err(e) => report.problems.extend(
                    rows.iter()
                        .map(|(r, _, _)| RowProblem::of(r.line, &r.text, "month", &e)),
                ),
            }
        }
        Ok(planned)
    }

    fn check_payments(
        &self,
        table: &Table,
        rows: &[&Record],
        plan: &mut RegistryImport,
        report: &mut ImportReport,
    ) -> Result<(), AppError> {
        let h = &table.header;
        let keys: Vec<String> = rows
            .iter()
            .map(|r| r.get(h, "idempotency_key").to_owned())
            .collect();
        let stored: HashMap<String, gongshang_store::StoredPayment> = self
            .store
            .payments_by_keys(&keys)?
            .into_iter()
            .map(|p| (p.idempotency_key.clone(), p))
            .collect();
        let mut bills: HashMap<String, Option<(BillStatus, BillRecord)>> = HashMap::new();
        let mut seen = HashSet::new();
        for r in rows {
            let result =
                (|| -> Result<Option<gongshang_store::NewPayment>, (&'static str, AppError)> {
                    let reference = r.get(h, "bill_reference");
                    if !bills.contains_key(reference) {
                        let found = self
                            .store
                            .bill_by_reference(reference)
                            .map_err(|e| ("bill_reference", e.into()))?
                            .map(|b| {
                                let record = BillRecord {
                                    bill_id: b.status.bill_id,
                                    reference: b.status.reference.clone(),
                                    kind: b.kind,
                                    scheme_id: b.scheme_id.clone(),
                                    period: b.status.period.clone(),
                                    fiscal_share: b.fiscal_share,
                                };
                                (b.status, record)
                            });
                        bills.insert(reference.to_owned(), found);
                    }
                    let Some(Some((status, record))) = bills.get_mut(reference) else {
                        return Err((
                            "bill_reference",
                            AppError::invalid("bill_reference", format!("no bill {reference:?}")),
                        ));
                    };
                    let key = r.get(h, "idempotency_key");
                    if !seen.insert(key.to_owned()) {
                        return Err((
                            "idempotency_key",
                            AppError::invalid("idempotency_key", "appears twice in the file"),
                        ));
                    }
                    let req = PaymentRequest {
                        bill_id: status.bill_id,
                        amount: money("amount", r.get(h, "amount")).map_err(|e| ("amount", e))?,
                        paid_on: date("paid_on", r.get(h, "paid_on"))
                            .map_err(|e| ("paid_on", e))?,
                        idempotency_key: key.into(),
                        payer: payer(r.get(h, "payer")).map_err(|e| ("payer", e))?,
                    };
                    if let Some(s) = stored.get(key) {
                        return if s.bill_id == req.bill_id
                            && s.amount == req.amount
                            && s.paid_on == req.paid_on
                        {
                            Ok(None)
                        } else {
                            Err((
                                "idempotency_key",
                                AppError::Conflict {
                                    entity: "payment",
                                    reason: format!(
                                        "key {key} was used for a payment of {} yuan on {} to bill {}; a payment under the same key must be the same",
                                        s.amount, s.paid_on, s.bill_id
                                    ),
                                },
                            ))
                        };
                    }
                    if req.amount > status.outstanding {
                        return Err((
                            "amount",
                            AppError::Conflict {
                                entity: "bill",
                                reason: format!(
                                    "a payment of {} yuan is more than the {} yuan outstanding on bill {} (after the file's rows before it)",
                                    req.amount, status.outstanding, status.reference
                                ),
                            },
                        ));
                    }
                    let payment = self
                        .payment_of(&req, status, record)
                        .map_err(|e| ("row", e))?;
                    // The next row of the same bill sees this one paid.
                    status.paid = status.paid.checked_add(req.amount).expect("fen");
                    status.outstanding = status.outstanding.checked_sub(req.amount).expect("fen");
                    Ok(Some(payment))
                })();
            match result {
                Ok(Some(p)) => plan.payments.push(p),
                Ok(None) => report.already_there += 1,
                Err((field, e)) => report
                    .problems
                    .push(RowProblem::of(r.line, &r.text, field, &e)),
            }
        }
        Ok(())
    }

    // ---- orders -------------------------------------------------------------

    /// `forbidden` unless the actor may import orders of `platform`: agency
    /// staff any, a platform's unit user its own.
    fn authorize_platform(&self, actor: &Actor, platform: &PlatformId) -> Result<(), AppError> {
        if actor.reaches_platform(platform) {
            return Ok(());
        }
        Err(AppError::OutOfScope {
            field: "platform",
            reason: format!(
                "{}: a platform imports its own orders only ({})",
                platform.as_str(),
                actor
                    .platform()
                    .map_or("no platform on this account", |p| p.as_str())
            ),
        })
    }

    /// The order import this actor began and that is still under way (issue
    /// 13: a large file's progress while the request runs): the rows of the
    /// batches committed so far. None when none runs.
    pub fn my_running_order_import(
        &self,
        actor: &Actor,
    ) -> Result<Option<ImportProgress>, AppError> {
        actor.authorize(Action::ImportOrders)?;
        Ok(self
            .store
            .running_import_of("orders", &actor.audit_name())?
            .map(|s| ImportProgress {
                import_id: s.id,
                source: s.source.clone(),
                rows_done: s.rows_added + s.rows_duplicate + s.rows_conflict,
                rows_expected: s.rows_expected,
                started_at: s.started_at,
                heartbeat_at: s.heartbeat_at,
            }))
    }

    /// Records the rows an order import under way will store, once known
    /// (issue 13): its progress is then rows done of these.
    pub fn expect_orders_import_rows(
        &self,
        actor: &Actor,
        import_id: i64,
        rows_expected: u64,
    ) -> Result<(), AppError> {
        actor.authorize(Action::ImportOrders)?;
        Ok(self.store.expect_import_rows(import_id, rows_expected)?)
    }

    /// Begins an order import (its `imports` row); batches follow.
    pub fn begin_orders_import(&self, actor: &Actor, source: &str) -> Result<i64, AppError> {
        actor.authorize(Action::ImportOrders)?;
        actor.require_own(
            actor.is_agency() || actor.platform().is_some(),
            "platform",
            "this account is not a platform's: it imports no orders",
        )?;
        Ok(self
            .store
            .begin_import("orders", source, &actor.audit_name(), self.now())?)
    }

    /// One batch in one transaction: orders stored before with the same
    /// content count as duplicates, with other content as conflicts (the
    /// stored order is kept).
    pub fn import_orders_batch(
        &self,
        actor: &Actor,
        import_id: i64,
        batch: &[OrderRecord],
    ) -> Result<ImportCounts, AppError> {
        actor.authorize(Action::ImportOrders)?;
        if !actor.is_agency() {
            for o in batch {
                self.authorize_platform(actor, &o.platform)?;
            }
        }
        Ok(self
            .store
            .import_orders(batch, import_id, &actor.audit_name(), self.now())?)
    }

    pub fn finish_orders_import(
        &self,
        actor: &Actor,
        import_id: i64,
        rows_read: u64,
        rows_rejected: u64,
    ) -> Result<FinishedImport, AppError> {
        actor.authorize(Action::ImportOrders)?;
        let summary = self.store.finish_import(
            import_id,
            rows_read,
            rows_rejected,
            &actor.audit_name(),
            self.now(),
        )?;
        let monitoring = self.monitor_after_import(&format!("import {import_id}"));
        Ok(FinishedImport {
            summary,
            monitoring,
        })
    }

    /// Records why an order import stopped; it then shows as failed. A run
    /// of the same file completes it.
    pub fn fail_orders_import(
        &self,
        actor: &Actor,
        import_id: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        actor.authorize(Action::ImportOrders)?;
        Ok(self.store.fail_import(import_id, reason)?)
    }

    /// Orders held in memory (an API request): each priced at its date;
    /// bad rows (and conflicts) are reported, and refuse the whole request
    /// unless `skip_invalid`. Rows are numbered from 1 in `rows`' order.
    pub fn import_orders(
        &self,
        actor: &Actor,
        rows: Vec<(u64, Result<OrderInput, RowProblem>)>,
        options: &ImportOptions,
    ) -> Result<ImportReport, AppError> {
        actor.authorize(Action::ImportOrders)?;
        actor.require_own(
            actor.is_agency() || actor.platform().is_some(),
            "platform",
            "this account is not a platform's: it imports no orders",
        )?;
        let mut report = ImportReport::new(ImportKind::Orders, rows.len() as u64);
        let mut pricer = self.order_pricer()?;
        let mut records = Vec::with_capacity(rows.len());
        let mut lines = Vec::with_capacity(rows.len());
        for (line, row) in rows {
            let input = match row {
                Ok(input) => input,
                Err(p) => {
                    report.problems.push(p);
                    continue;
                }
            };
            if !actor.reaches_platform(&input.platform) {
                // Another platform's orders: the whole request is refused.
                return Err(AppError::OutOfScope {
                    field: "platform",
                    reason: format!(
                        "this account imports for {}, not {}",
                        actor.platform().map_or("no platform", |p| p.as_str()),
                        input.platform.as_str()
                    ),
                });
            }
            match pricer.price(input) {
                Ok(r) => {
                    records.push(r);
                    lines.push(line);
                }
                Err(e) => report.problems.push(RowProblem::of(line, "", "row", &e)),
            }
        }
        if !report.problems.is_empty() && !options.skip_invalid {
            return Ok(report);
        }
        let import_id = self.begin_orders_import(actor, &options.source)?;
        // Its progress is rows done of these (issue 13).
        if let Err(e) = self.expect_orders_import_rows(actor, import_id, records.len() as u64) {
            let _ = self.fail_orders_import(actor, import_id, &e.to_string());
            return Err(e);
        }
        let batch_rows = progress_batch_rows(records.len());
        for (batch, batch_lines) in records.chunks(batch_rows).zip(lines.chunks(batch_rows)) {
            let counts = match self.import_orders_batch(actor, import_id, batch) {
                Ok(c) => c,
                Err(e) => {
                    let _ = self.fail_orders_import(actor, import_id, &e.to_string());
                    return Err(e);
                }
            };
            #[cfg(feature = "fault-injection")]
            {
                let ms = self
                    .import_batch_pause_ms
                    .load(std::sync::atomic::Ordering::Relaxed);
                if ms > 0 {
                    std::thread::sleep(std::time::Duration::from_millis(ms));
                }
            }
            report.added += counts.added;
            report.already_there += counts.duplicate;
            for c in counts.conflicts {
                report.problems.push(order_conflict_problem(
                    batch_lines[c.index],
                    &batch[c.index],
                    &c,
                ));
            }
        }
        report.problems.sort_by_key(|p| p.line);
        report.conflicts = report.problems.iter().filter(|p| p.is_conflict()).count() as u64;
        report.monitoring = self
            .finish_orders_import(actor, import_id, report.rows_read, report.rejected())?
            .monitoring;
        report.import_id = Some(import_id);
        report.stored = true;
        Ok(report)
    }

    /// Pauses `ms` milliseconds after each committed batch of an orders
    /// import held in memory (0: no pause), so that a test sees the
    /// progress of an import that on a quiet machine ends before the page
    /// first asks for it. Only with the `fault-injection` feature, which
    /// only the test crates' dev-dependencies turn on.
    #[cfg(feature = "fault-injection")]
    pub fn pause_import_batches_for(&self, ms: u64) {
        self.import_batch_pause_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// The latest imports, newest first, with where each stands.
    pub fn import_runs(&self, actor: &Actor, limit: u32) -> Result<Vec<ImportRun>, AppError> {
        actor.authorize(Action::ReadStatistics)?;
        let now = self.now();
        Ok(self
            .store
            .recent_imports(limit)?
            .into_iter()
            .map(|summary| ImportRun {
                state: summary.state(now, IMPORT_LEASE),
                summary,
            })
            .collect())
    }
}

/// The rows of one committed batch of an import held in memory: about a
/// fiftieth of it, so its progress moves in steps of 2 % or less, but no
/// fewer than 500 rows (a commit each) and no more than 10,000 (issue 13).
pub fn progress_batch_rows(rows: usize) -> usize {
    (rows / 50).clamp(500, 10_000)
}

/// A stored order under the same key with other content, as a row problem.
pub fn order_conflict_problem(
    line: u64,
    order: &OrderRecord,
    c: &gongshang_store::OrderConflict,
) -> RowProblem {
    RowProblem::conflict(
        line,
        &order_line(order),
        c.field,
        format!(
            "order {} of {} is stored with {} {:?}, not {:?}; the stored order is kept",
            order.order_id.as_str(),
            order.platform.as_str(),
            c.field,
            c.stored,
            c.given
        ),
    )
}

/// A category as files write it (`employee`, `platform_worker`, ...).
fn category_name(c: Category) -> String {
    match serde_json::to_value(c) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{c:?}"),
    }
}

/// The reference of a unit's monthly bill, as [`App::declare_month`]
/// gives it: `M202503-<credit code>-<scheme>`, at most 60 characters.
fn monthly_bill_reference(unit: &CreditCode, scheme_id: &SchemeId, month: Month) -> String {
    let mut text = format!(
        "M{:04}{:02}-{}-{scheme_id}",
        month.year(),
        month.month(),
        unit.as_str()
    );
    text.truncate(60);
    text
}

enum Checked {
    Already,
    New {
        enrollment: NewEnrollment,
        engagement: Option<NewEngagement>,
    },
}

/// The first field in which a registered unit differs from a file's row.
fn unit_difference(stored: &Unit, given: &NewUnit) -> Option<(&'static str, String, String)> {
    if stored.name != given.name {
        return Some(("name", stored.name.clone(), given.name.clone()));
    }
    if stored.kind != given.kind {
        return Some((
            "kind",
            stored.kind.as_str().into(),
            given.kind.as_str().into(),
        ));
    }
    if stored.region != given.region {
        return Some((
            "region",
            stored.region.as_str().into(),
            given.region.as_str().into(),
        ));
    }
    if stored.industry_class != given.industry_class {
        return Some((
            "industry_class",
            stored.industry_class.get().to_string(),
            given.industry_class.get().to_string(),
        ));
    }
    if stored.floating_tier != given.floating_tier {
        return Some((
            "floating_tier",
            stored.floating_tier.to_string(),
            given.floating_tier.to_string(),
        ));
    }
    None
}
