//! `gongshang match import|run|hits|beneficiary|verify|due` (Decree No. 765
//! Arts 9, 26, 46): import life events from other bodies (CSV: resident_id,
//! kind, event_date, source[, pension_monthly]), run the matching (it ends
//! the benefits and records the overpayments; running it again does nothing
//! twice), the hits, a survivor's resident id, a verification of
//! eligibility, and the benefits due for verification.

use std::path::PathBuf;

use gongshang_app::matching::{LIFE_EVENT_COLUMNS, MatchMode, MatchRecovery};
use jiff::civil::Date;

use crate::CliError;
use crate::cases_cmds::Out;

#[derive(clap::Subcommand)]
pub enum MatchCmd {
    /// Import a CSV of life events (resident_id,kind,event_date,source[,pension_monthly]); nothing is stored when a row is refused
    Import { file: PathBuf },
    /// Run the matching: end benefits, record the overpayments
    Run {
        /// full (every event) or incremental (the events since the last run)
        #[arg(long, default_value = "incremental")]
        mode: String,
        /// How the overpayments come back: refund, or instalments over --months
        #[arg(long)]
        recovery: String,
        #[arg(long)]
        months: Option<u32>,
    },
    /// The hits of a run (or of every run)
    Hits {
        #[arg(long)]
        run: Option<i64>,
    },
    /// Record a survivor's resident id on a benefit, and a study or disability exception to the age of 18
    Beneficiary {
        benefit_id: i64,
        resident_id: String,
        #[arg(long)]
        exception: Option<String>,
    },
    /// Record an eligibility verification: data_matching, self, employer or third_party
    Verify {
        benefit_id: i64,
        method: String,
        #[arg(long)]
        evidence: String,
        #[arg(long)]
        on: Option<Date>,
    },
    /// The benefits in payment not verified within the period
    Due,
    /// Suspend the Guangdong benefits due for verification (Guangdong Regulations Art 37); a verification recorded lifts each
    SuspendUnverified,
}

fn json<T: serde::Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

pub fn run(cmd: &MatchCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, out.actor.as_deref())?;
    let zh = out.lang == crate::Lang::Zh;
    match cmd {
        MatchCmd::Import { file } => {
            let bytes = std::fs::read(file)
                .map_err(|e| CliError(format!("cannot open {}: {e}", file.display())))?;
            let table = gongshang_csv::read_table(&bytes, LIFE_EVENT_COLUMNS)
                .map_err(|e| CliError(format!("{}: {e}", file.display())))?;
            let report = app.import_life_event_table(&actor, &table)?;
            if out.json {
                json(&report);
            } else {
                for p in &report.problems {
                    println!("line {} [{}] {}: {}", p.line, p.field, p.code, p.reason);
                }
                if report.stored {
                    println!(
                        "{}",
                        if zh {
                            format!(
                                "读取 {} 行：新增 {}，已有 {}",
                                report.rows_read, report.added, report.already_there
                            )
                        } else {
                            format!(
                                "{} rows read: {} added, {} already there",
                                report.rows_read, report.added, report.already_there
                            )
                        }
                    );
                }
                crate::import::print_monitoring(report.monitoring.as_ref());
            }
            if !report.stored {
                return Err(CliError(format!(
                    "{}: {} rows refused, nothing stored",
                    file.display(),
                    report.problems.len()
                )));
            }
        }
        MatchCmd::Run {
            mode,
            recovery,
            months,
        } => {
            let mode = MatchMode::parse(mode)?;
            let recovery = match (recovery.as_str(), months) {
                ("refund", None) => MatchRecovery::Refund,
                ("instalments", Some(m)) => MatchRecovery::Instalments { months: *m },
                _ => {
                    return Err(CliError(
                        "--recovery refund, or --recovery instalments --months N".into(),
                    ));
                }
            };
            let view = app.run_matching(&actor, mode, recovery)?;
            if out.json {
                json(&view);
                return Ok(());
            }
            let r = &view.run;
            println!(
                "run {} ({}, events {}..{}): {} benefits checked, {} hits, {} verified",
                r.id,
                r.mode,
                r.events_after + 1,
                r.events_through,
                r.benefits_checked,
                r.hits,
                view.verified
            );
            print_hits(&view.hits);
            crate::import::print_monitoring(view.monitoring.as_ref());
        }
        MatchCmd::Hits { run } => {
            let hits = app.match_hits(&actor, *run)?;
            if out.json {
                json(&hits);
            } else {
                print_hits(&hits);
            }
        }
        MatchCmd::Beneficiary {
            benefit_id,
            resident_id,
            exception,
        } => {
            app.record_beneficiary(&actor, *benefit_id, resident_id, exception.as_deref())?;
            println!("benefit {benefit_id}: beneficiary recorded");
        }
        MatchCmd::Verify {
            benefit_id,
            method,
            evidence,
            on,
        } => {
            app.record_verification(&actor, *benefit_id, method, *on, evidence)?;
            println!("benefit {benefit_id}: verified ({method})");
        }
        MatchCmd::Due => {
            let queue = app.verifications_due(&actor)?;
            if out.json {
                json(&queue);
                return Ok(());
            }
            println!(
                "not verified since {} ({} months):",
                queue.cutoff, queue.period_months
            );
            for d in &queue.due {
                println!(
                    "  benefit {} case {} {} {} last {}{}",
                    d.benefit_id,
                    d.case_number,
                    d.beneficiary,
                    d.item.label_en(),
                    d.last_verified_on
                        .map_or_else(|| "never".to_owned(), |d| d.to_string()),
                    queue
                        .suspended
                        .get(&d.benefit_id)
                        .map_or_else(String::new, |on| format!(" (suspended on {on})"))
                );
            }
        }
        MatchCmd::SuspendUnverified => {
            let s = app.suspend_unverified(&actor)?;
            if out.json {
                json(&s);
                return Ok(());
            }
            println!(
                "suspended on {} for want of the verification (Guangdong Regulations Art 37): {}",
                s.on,
                s.suspended.len()
            );
            for d in &s.suspended {
                println!(
                    "  benefit {} case {} {} {} last {}",
                    d.benefit_id,
                    d.case_number,
                    d.beneficiary,
                    d.item.label_en(),
                    d.last_verified_on
                        .map_or_else(|| "never".to_owned(), |d| d.to_string())
                );
            }
            if s.outside_rule > 0 {
                println!(
                    "{} due outside Guangdong: listed by `match due`, not suspended",
                    s.outside_rule
                );
            }
        }
    }
    Ok(())
}

fn print_hits(hits: &[gongshang_store::cases::MatchHitRow]) {
    for h in hits {
        let what = match (h.last_month, h.new_from_month, h.new_amount) {
            (Some(last), _, _) => format!("ended after {last}"),
            (None, Some(from), Some(a)) => format!("{a} a month from {from}"),
            _ => "—".to_owned(),
        };
        println!(
            "  case {} benefit {} ({}, {}) {} on {}: {what}; overpaid {} over {} months {} · {}",
            h.case_number,
            h.benefit_id,
            h.beneficiary,
            h.item.label_en(),
            h.rule.as_str(),
            h.on,
            h.overpaid,
            h.overpaid_months,
            h.overpayment_reference.as_deref().unwrap_or(""),
            h.article
        );
    }
}
