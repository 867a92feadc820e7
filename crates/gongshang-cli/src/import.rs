//! `gongshang import units|people|enrollments|declarations|payments|orders FILE`.
//!
//! Every file is checked whole before anything is stored: without
//! `--skip-invalid` a file with a bad row is rejected and changes nothing; with
//! it the good rows go in and the bad ones go to an error file (row, field,
//! reason, the line as it was). Orders, which come by the million, are
//! checked in a first streaming pass and imported in a second, in batches of
//! one transaction each; orders are keyed by (platform, order id), so a run
//! again after a crash duplicates nothing. The formats are in README.md.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use gongshang_app::accounts::Actor;
use gongshang_app::{App, AppError, EnrollRequest, PaymentRequest, UnitInput};
use gongshang_domain::ids::{CreditCode, PlatformId, ResidentId};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::scheme::{Category, PremiumPayer};
use gongshang_store::{NewEngagement, OrderRecord};
use jiff::civil::Date;

use crate::CliError;
use crate::csvin::{Header, Row, read_lines, split_line};
use crate::order_reader::read_orders;

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    Units,
    People,
    Enrollments,
    Declarations,
    Payments,
    Orders,
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// The CSV file (UTF-8, with or without BOM, a header row; see README)
    pub file: PathBuf,
    /// Database URL [default: env GONGSHANG_DATABASE_URL, else gongshang.db]
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Import the good rows and write the bad ones to an error file
    #[arg(long)]
    pub skip_invalid: bool,
    /// With --skip-invalid: where the bad rows go [default: FILE.errors.csv]
    #[arg(long, value_name = "CSV", requires = "skip_invalid")]
    pub errors: Option<PathBuf>,
    /// Who imports: an account's login (its role and unit apply), or a local
    /// administrator's name for the audit log [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// Orders per transaction
    #[arg(long, default_value_t = 100_000, hide = true)]
    pub batch: usize,
}

/// A bad row: where, which field, why, and the line as it was.
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub reason: String,
    pub text: String,
}

pub fn row_error(line: u64, text: &str, default_field: &str, e: &AppError) -> RowError {
    RowError {
        line,
        field: e.field().unwrap_or(default_field).to_owned(),
        reason: e.to_string(),
        text: text.to_owned(),
    }
}

pub fn run(args: &ImportArgs) -> Result<(), CliError> {
    let app = crate::db::open_app(args.db.as_deref())?;
    let started = Instant::now();
    let summary = import_file(&app, args)?;
    println!(
        "{}: {} rows read, {} imported{}, {} rejected in {} ms",
        args.file.display(),
        summary.read,
        summary.imported,
        if summary.duplicate > 0 {
            format!(", {} already there", summary.duplicate)
        } else {
            String::new()
        },
        summary.rejected,
        started.elapsed().as_millis()
    );
    for line in summary.notes.iter().take(20) {
        println!("{line}");
    }
    if summary.notes.len() > 20 {
        println!("... {} bills in all", summary.notes.len());
    }
    Ok(())
}

#[derive(Default)]
pub struct ImportSummary {
    pub read: u64,
    pub imported: u64,
    pub duplicate: u64,
    pub rejected: u64,
    pub notes: Vec<String>,
}

pub fn import_file(app: &App, args: &ImportArgs) -> Result<ImportSummary, CliError> {
    match args.kind {
        ImportKind::Orders => import_orders(app, args),
        ImportKind::Declarations => import_declarations(app, args),
        kind => import_rows(app, args, kind),
    }
}

/// Rejects the file (nothing stored), or writes the error file.
fn settle_errors(args: &ImportArgs, errors: &[RowError], rows: u64) -> Result<(), CliError> {
    if errors.is_empty() {
        return Ok(());
    }
    if !args.skip_invalid {
        let mut message = format!(
            "{}: {} of {rows} rows are invalid; the file was rejected and nothing was imported (--skip-invalid imports the good rows)",
            args.file.display(),
            errors.len()
        );
        for e in errors.iter().take(20) {
            message.push_str(&format!(
                "\n  row {}, field {}: {}",
                e.line, e.field, e.reason
            ));
        }
        if errors.len() > 20 {
            message.push_str(&format!("\n  ... and {} more", errors.len() - 20));
        }
        return Err(CliError(message));
    }
    let path = args.errors.clone().unwrap_or_else(|| {
        let mut p = args.file.clone().into_os_string();
        p.push(".errors.csv");
        PathBuf::from(p)
    });
    write_errors(&path, errors)?;
    eprintln!(
        "gongshang: {} invalid rows skipped, written to {}",
        errors.len(),
        path.display()
    );
    Ok(())
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

fn write_errors(path: &Path, errors: &[RowError]) -> Result<(), CliError> {
    let mut text = String::from("row,field,reason,line\n");
    for e in errors {
        text.push_str(&format!(
            "{},{},{},{}\n",
            e.line,
            quote(&e.field),
            quote(&e.reason),
            quote(&e.text)
        ));
    }
    let name = path
        .file_name()
        .ok_or_else(|| CliError(format!("{} is not a file name", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.partial", std::process::id()));
    let temp = path.with_file_name(temp_name);
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            CliError(format!("cannot write {}: {e}", path.display()))
        })
}

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

/// What one row of units, people, enrollments or payments becomes.
enum Item {
    Unit(UnitInput),
    Person(String, String),
    Enrollment(EnrollRequest),
    Payment(PaymentRequest),
}

fn required(kind: ImportKind) -> &'static [&'static str] {
    match kind {
        ImportKind::Units => &[
            "credit_code",
            "name",
            "kind",
            "region",
            "industry_class",
            "floating_tier",
        ],
        ImportKind::People => &["resident_id", "name"],
        ImportKind::Enrollments => &[
            "resident_id",
            "credit_code",
            "scheme_id",
            "category",
            "start_date",
        ],
        ImportKind::Declarations => &[
            "credit_code",
            "scheme_id",
            "month",
            "resident_id",
            "declared_wage",
        ],
        ImportKind::Payments => &["bill_reference", "amount", "paid_on", "idempotency_key"],
        ImportKind::Orders => crate::order_reader::ORDER_COLUMNS,
    }
}

fn import_rows(app: &App, args: &ImportArgs, kind: ImportKind) -> Result<ImportSummary, CliError> {
    let actor = crate::db::cli_actor(app, args.actor.as_deref())?;
    let (header_line, lines) = read_lines(&args.file)?;
    let file = args.file.display().to_string();
    let header = Header::parse(&header_line, required(kind), &file)?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut items = Vec::with_capacity(lines.len());
    let mut errors = Vec::new();
    // First pass: parse and check everything; nothing is stored.
    for (line, text) in &lines {
        let row = Row {
            header: &header,
            fields: split_line(text),
        };
        let parsed = check_row(app, &actor, kind, &row, &mut seen);
        match parsed {
            Ok(item) => items.push((*line, text, item)),
            Err((field, e)) => errors.push(row_error(*line, text, field, &e)),
        }
    }
    settle_errors(args, &errors, lines.len() as u64)?;
    // Second pass: store.
    let mut summary = ImportSummary {
        read: lines.len() as u64,
        rejected: errors.len() as u64,
        ..ImportSummary::default()
    };
    let mut late = Vec::new();
    let mut progress = Progress::new(items.len() as u64);
    for (i, (line, text, item)) in items.iter().enumerate() {
        progress.update(i as u64);
        let result = apply(app, item, &actor);
        match result {
            Ok(()) => summary.imported += 1,
            Err(e) if args.skip_invalid => late.push(row_error(*line, text, "row", &e)),
            Err(e) => {
                progress.finish();
                return Err(CliError(format!(
                    "{file}: row {line}: {e} ({} rows before it were imported)",
                    summary.imported
                )));
            }
        }
    }
    progress.finish();
    if !late.is_empty() {
        errors.extend(late);
        summary.rejected = errors.len() as u64;
        settle_errors(args, &errors, summary.read)?;
    }
    Ok(summary)
}

fn check_row(
    app: &App,
    actor: &Actor,
    kind: ImportKind,
    row: &Row<'_>,
    seen: &mut HashSet<String>,
) -> Result<Item, (&'static str, AppError)> {
    let at = |field: &'static str| move |e: AppError| (field, e);
    let dup = |field: &'static str, key: &str, seen: &mut HashSet<String>| {
        if seen.insert(key.to_owned()) {
            Ok(())
        } else {
            Err((field, AppError::invalid(field, "appears twice in the file")))
        }
    };
    match kind {
        ImportKind::Units => {
            let input = UnitInput {
                credit_code: row.get("credit_code").into(),
                name: row.get("name").into(),
                kind: row.get("kind").into(),
                region: row.get("region").into(),
                industry_class: row.get("industry_class").into(),
                floating_tier: row.get("floating_tier").into(),
            };
            let unit = gongshang_app::parse_unit(&input).map_err(at("credit_code"))?;
            dup("credit_code", unit.credit_code.as_str(), seen)?;
            if app
                .store()
                .unit_by_code(&unit.credit_code)
                .map_err(|e| ("credit_code", e.into()))?
                .is_some()
            {
                return Err((
                    "credit_code",
                    AppError::invalid(
                        "credit_code",
                        format!("unit {} already exists", unit.credit_code.as_str()),
                    ),
                ));
            }
            Ok(Item::Unit(input))
        }
        ImportKind::People => {
            let person = gongshang_app::parse_person(row.get("resident_id"), row.get("name"))
                .map_err(at("resident_id"))?;
            dup("resident_id", person.resident_id.as_str(), seen)?;
            if app
                .store()
                .person_by_resident_id(&person.resident_id)
                .map_err(|e| ("resident_id", e.into()))?
                .is_some()
            {
                return Err((
                    "resident_id",
                    AppError::invalid(
                        "resident_id",
                        format!("person {} already exists", person.resident_id.masked()),
                    ),
                ));
            }
            Ok(Item::Person(
                row.get("resident_id").into(),
                row.get("name").into(),
            ))
        }
        ImportKind::Enrollments => {
            let person =
                ResidentId::parse(row.get("resident_id")).map_err(|e| ("resident_id", e.into()))?;
            let unit = match row.get("credit_code") {
                "" => None,
                code => Some(CreditCode::parse(code).map_err(|e| ("credit_code", e.into()))?),
            };
            let req = EnrollRequest {
                person,
                unit,
                scheme_id: row.get("scheme_id").into(),
                category: gongshang_app::parse_category(row.get("category"))
                    .map_err(at("category"))?,
                start: date("start_date", row.get("start_date")).map_err(at("start_date"))?,
                labour_relation: flag("labour_relation", row.get("labour_relation"))
                    .map_err(at("labour_relation"))?,
            };
            // People and units of the same run are not stored yet: checked when stored.
            let eligibility = app
                .check_enrollment(actor, &req)
                .map_err(at("resident_id"))?;
            if let Some(f) = eligibility.failure() {
                return Err((
                    "scheme_id",
                    AppError::NotEligible {
                        scheme: req.scheme_id.clone(),
                        rule: f.rule.into(),
                        value: f.value.clone(),
                        allowed: f.allowed.clone(),
                    },
                ));
            }
            Ok(Item::Enrollment(req))
        }
        ImportKind::Payments => {
            let reference = row.get("bill_reference");
            let bill = app
                .bill_by_reference(actor, reference)
                .map_err(at("bill_reference"))?
                .ok_or_else(|| {
                    (
                        "bill_reference",
                        AppError::invalid("bill_reference", format!("no bill {reference:?}")),
                    )
                })?;
            let key = row.get("idempotency_key");
            dup("idempotency_key", key, seen)?;
            Ok(Item::Payment(PaymentRequest {
                bill_id: bill.bill_id,
                amount: money("amount", row.get("amount")).map_err(at("amount"))?,
                paid_on: date("paid_on", row.get("paid_on")).map_err(at("paid_on"))?,
                idempotency_key: key.into(),
                payer: payer(row.get("payer")).map_err(at("payer"))?,
            }))
        }
        ImportKind::Declarations | ImportKind::Orders => {
            unreachable!("imported by their own paths")
        }
    }
}

fn apply(app: &App, item: &Item, actor: &Actor) -> Result<(), AppError> {
    match item {
        Item::Unit(u) => app.register_unit(actor, u).map(drop),
        Item::Person(id, name) => app.register_person(actor, id, name).map(drop),
        Item::Enrollment(req) => {
            // An employee enrolled by a unit has a labour relation with it:
            // recorded, so that its other schemes can exclude them.
            if req.category == Category::Employee
                && let Some(unit) = req.unit
            {
                app.add_engagement(
                    actor,
                    &NewEngagement {
                        person: req.person,
                        unit,
                        category: Category::Employee,
                        start: req.start,
                        end: None,
                    },
                )?;
            }
            app.enroll(actor, req).map(drop)
        }
        Item::Payment(p) => app.record_payment(actor, p).map(drop),
    }
}

/// Declarations: one bill per (unit, scheme, month), with its rows.
fn import_declarations(app: &App, args: &ImportArgs) -> Result<ImportSummary, CliError> {
    let actor = crate::db::cli_actor(app, args.actor.as_deref())?;
    let (header_line, lines) = read_lines(&args.file)?;
    let file = args.file.display().to_string();
    let header = Header::parse(&header_line, required(ImportKind::Declarations), &file)?;
    type Key = (String, String, String);
    type Parsed = (Key, CreditCode, Month, ResidentId, Money);
    let mut groups: BTreeMap<Key, Vec<(u64, String, ResidentId, Money)>> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut keys: HashSet<(Key, ResidentId)> = HashSet::new();
    for (line, text) in &lines {
        let row = Row {
            header: &header,
            fields: split_line(text),
        };
        let parsed = (|| -> Result<Parsed, (&'static str, AppError)> {
            let unit =
                CreditCode::parse(row.get("credit_code")).map_err(|e| ("credit_code", e.into()))?;
            let month = Month::parse(row.get("month")).map_err(|e| ("month", e.into()))?;
            let person =
                ResidentId::parse(row.get("resident_id")).map_err(|e| ("resident_id", e.into()))?;
            let wage = money("declared_wage", row.get("declared_wage"))
                .map_err(|e| ("declared_wage", e))?;
            let key = (
                unit.as_str().to_owned(),
                row.get("scheme_id").to_owned(),
                month.to_string(),
            );
            Ok((key, unit, month, person, wage))
        })();
        match parsed {
            Ok((key, _, _, person, wage)) => {
                if !keys.insert((key.clone(), person)) {
                    errors.push(row_error(
                        *line,
                        text,
                        "resident_id",
                        &AppError::invalid(
                            "resident_id",
                            "declared twice for the month in the file",
                        ),
                    ));
                    continue;
                }
                groups
                    .entry(key)
                    .or_default()
                    .push((*line, text.clone(), person, wage));
            }
            Err((field, e)) => errors.push(row_error(*line, text, field, &e)),
        }
    }
    // A bill that its rules refuse takes all its rows with it. The check is a
    // computation without storing: a bill already issued is found by reference.
    let mut good = Vec::new();
    for (key, rows) in groups {
        let unit = CreditCode::parse(&key.0).map_err(|e| CliError(e.to_string()))?;
        let month = Month::parse(&key.2).map_err(|e| CliError(e.to_string()))?;
        let reference = format!(
            "M{:04}{:02}-{}-{}",
            month.year(),
            month.month(),
            key.0,
            key.1
        );
        let mut reference = reference;
        reference.truncate(60);
        let problem = match app.bill_by_reference(&actor, &reference) {
            Ok(Some(_)) => Some(AppError::Conflict {
                entity: "declaration",
                reason: format!(
                    "{} of unit {} in {} was already declared (bill {reference}); supplementary declarations are not accepted",
                    key.2, key.0, key.1
                ),
            }),
            Ok(None) => None,
            Err(e) => Some(e),
        };
        match problem {
            Some(e) => errors.extend(
                rows.iter()
                    .map(|(l, t, _, _)| row_error(*l, t, "month", &e)),
            ),
            None => good.push((unit, key.1, month, rows)),
        }
    }
    settle_errors(args, &errors, lines.len() as u64)?;
    let mut summary = ImportSummary {
        read: lines.len() as u64,
        rejected: errors.len() as u64,
        ..ImportSummary::default()
    };
    let mut late = Vec::new();
    for (unit, scheme, month, rows) in &good {
        let declared: Vec<(ResidentId, Money)> = rows.iter().map(|(_, _, p, w)| (*p, *w)).collect();
        match app.declare_month(&actor, unit, scheme, *month, &declared) {
            Ok(bill) => {
                summary.imported += rows.len() as u64;
                summary.notes.push(format!(
                    "bill {} {} yuan due {}{}",
                    bill.reference,
                    bill.amount,
                    bill.due_date,
                    provisional_note(bill.due_provisional)
                ));
            }
            Err(e) if args.skip_invalid => {
                late.extend(rows.iter().map(|(l, t, _, _)| row_error(*l, t, "row", &e)))
            }
            Err(e) => {
                return Err(CliError(format!(
                    "{file}: rows {}: {e} ({} rows before them were imported)",
                    rows.iter()
                        .map(|r| r.0.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    summary.imported
                )));
            }
        }
    }
    if !late.is_empty() {
        errors.extend(late);
        summary.rejected = errors.len() as u64;
        settle_errors(args, &errors, summary.read)?;
    }
    Ok(summary)
}

fn import_orders(app: &App, args: &ImportArgs) -> Result<ImportSummary, CliError> {
    let actor = crate::db::cli_actor(app, args.actor.as_deref())?;
    let path = &args.file;
    let len = std::fs::metadata(path)
        .map_err(|e| CliError(format!("cannot open {}: {e}", path.display())))?
        .len();
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let mut progress = Progress::new(len * 2);

    // Pass 1, on every core: check every row, so that a rejected file
    // changes nothing.
    let mut errors = Vec::new();
    let mut rows = 0u64;
    read_orders(app, path, cores, |chunk| {
        rows += chunk.rows.len() as u64;
        errors.extend(chunk.rows.into_iter().filter_map(Result::err));
        progress.update(chunk.bytes_end);
        Ok(())
    })?;
    if !errors.is_empty() && !args.skip_invalid {
        progress.finish();
    }
    settle_errors(args, &errors, rows)?;

    // Pass 2: parse on the other cores while storing threads store batches,
    // one transaction each. A row that failed the check is skipped here (it
    // is in the error file). SQLite has one writer, so one storing thread;
    // PostgreSQL takes two streams on connections of their own (a server
    // process each). With two streams, which copy of an order repeated in
    // two batches of one file is kept is not defined (the counts are).
    let import = app.begin_order_import(&actor, &path.display().to_string())?;
    let streams = if app.store().backend_name() == "postgres" {
        2
    } else {
        1
    };
    let batch_rows = args.batch.max(1);
    let mut touched: BTreeSet<(String, Month)> = BTreeSet::new();
    let mut summary = ImportSummary {
        read: rows,
        rejected: errors.len() as u64,
        ..ImportSummary::default()
    };
    let actor = &actor;
    let stored = std::thread::scope(|scope| -> Result<(u64, u64), CliError> {
        let (to_store, batches) = sync_channel::<Vec<OrderRecord>>(streams);
        let batches = Arc::new(Mutex::new(batches));
        let storers: Vec<_> = (0..streams)
            .map(|_| {
                let batches = Arc::clone(&batches);
                scope.spawn(move || -> Result<(u64, u64), CliError> {
                    let (mut added, mut duplicate) = (0, 0);
                    loop {
                        let next = batches.lock().map(|rx| rx.recv());
                        let Ok(Ok(batch)) = next else {
                            return Ok((added, duplicate));
                        };
                        let counts = app.import_order_batch(actor, import, &batch)?;
                        added += counts.added;
                        duplicate += counts.duplicate;
                    }
                })
            })
            .collect();
        drop(batches);
        let mut batch: Vec<OrderRecord> = Vec::with_capacity(batch_rows);
        let mut hand_over = |batch: Vec<OrderRecord>| -> Result<(), CliError> {
            let mut last: Option<(&str, Month)> = None;
            for o in &batch {
                let month = Month::of(o.day);
                if last != Some((o.platform.as_str(), month)) {
                    touched.insert((o.platform.as_str().to_owned(), month));
                    last = Some((o.platform.as_str(), month));
                }
            }
            to_store
                .send(batch)
                .map_err(|_| CliError("storing stopped".to_owned()))
        };
        let read = read_orders(app, path, cores.saturating_sub(1).max(1), |chunk| {
            batch.extend(chunk.rows.into_iter().filter_map(Result::ok));
            if batch.len() >= batch_rows {
                hand_over(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(batch_rows),
                ))?;
            }
            progress.update(len + chunk.bytes_end);
            Ok(())
        })
        .and_then(|()| {
            if batch.is_empty() {
                Ok(())
            } else {
                hand_over(std::mem::take(&mut batch))
            }
        });
        drop(to_store);
        // A storing thread's own error says more than "storing stopped".
        let mut total = (0, 0);
        let mut failure = None;
        for s in storers {
            match s.join() {
                Ok(Ok((a, d))) => {
                    total.0 += a;
                    total.1 += d;
                }
                Ok(Err(e)) => failure = failure.or(Some(e)),
                Err(_) => failure = failure.or(Some(CliError("a storing thread panicked".into()))),
            }
        }
        match (failure, read) {
            (Some(e), _) | (None, Err(e)) => Err(e),
            (None, Ok(())) => Ok(total),
        }
    })?;
    summary.imported = stored.0;
    summary.duplicate = stored.1;
    progress.finish();
    app.finish_order_import(actor, import, rows, errors.len() as u64)?;
    // Bill each platform's month for what is not billed yet (the agency
    // bills; a platform importing its own file leaves that to the agency).
    if !actor.may(gongshang_app::accounts::Action::BillOrders) {
        summary
            .notes
            .push("the months are billed by the agency, not by this account".into());
        return Ok(summary);
    }
    for (platform, month) in touched {
        let platform = PlatformId::parse(&platform).map_err(|e| CliError(e.to_string()))?;
        if let Some(bill) = app.bill_orders(actor, &platform, month)? {
            summary.notes.push(format!(
                "bill {} {} yuan due {}{}",
                bill.reference,
                bill.amount,
                bill.due_date,
                provisional_note(bill.due_provisional)
            ));
        }
    }
    Ok(summary)
}

/// A progress bar on stderr, drawn only on a terminal.
pub struct Progress {
    total: u64,
    started: Instant,
    last: Option<Instant>,
    on: bool,
}

impl Progress {
    pub fn new(total: u64) -> Progress {
        Progress {
            total: total.max(1),
            started: Instant::now(),
            last: None,
            on: std::io::stderr().is_terminal(),
        }
    }

    pub fn update(&mut self, done: u64) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        if self
            .last
            .is_some_and(|t| now.duration_since(t).as_millis() < 100)
        {
            return;
        }
        self.last = Some(now);
        let done = done.min(self.total);
        let filled = (done * 30 / self.total) as usize;
        eprint!(
            "\r[{}{}] {:>3}% {} s",
            "#".repeat(filled),
            "-".repeat(30 - filled),
            done * 100 / self.total,
            now.duration_since(self.started).as_secs()
        );
        let _ = std::io::stderr().flush();
    }

    pub fn finish(&mut self) {
        if self.on && self.last.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}

/// Said after a due date counted in a year with no holiday arrangement.
fn provisional_note(provisional: bool) -> &'static str {
    if provisional {
        " (provisional: the holiday arrangement of its year is not loaded)"
    } else {
        ""
    }
}
