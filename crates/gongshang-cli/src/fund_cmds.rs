//! `gongshang fund statement|reserve run` (issue 14): the income-expenditure
//! statement as a table, JSON, CSV or xlsx, and the monthly reserve run.

use std::path::PathBuf;

use gongshang_app::fund::{StatementPeriod, statement_table};
use gongshang_domain::month::Month;

use crate::CliError;
use crate::cases_cmds::Out;

#[derive(clap::Subcommand)]
pub enum FundCmd {
    /// The income-expenditure statement (收支表) of a month or a year, per region and scheme
    Statement {
        /// A year YYYY or a month YYYY-MM
        #[arg(long, value_name = "PERIOD")]
        period: String,
        #[arg(long, value_name = "CODE")]
        region: Option<String>,
        #[arg(long, value_name = "ID")]
        scheme: Option<gongshang_rules::SchemeId>,
        /// table (the default), csv or xlsx
        #[arg(long, default_value = "table", value_parser = ["table", "csv", "xlsx"])]
        format: String,
        /// Where to write csv or xlsx [default: standard output for csv]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The monthly transfer into the reserve
    Reserve {
        #[command(subcommand)]
        command: ReserveCmd,
    },
}

#[derive(clap::Subcommand)]
pub enum ReserveCmd {
    /// Transfer a month's share of the premiums collected (once per region, scheme and month)
    Run {
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
    },
}

pub fn run(cmd: &FundCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, out.actor.as_deref())?;
    let zh = out.lang == crate::Lang::Zh;
    match cmd {
        FundCmd::Statement {
            period,
            region,
            scheme,
            format,
            out: file,
        } => {
            let s = app.fund_statement(
                &actor,
                StatementPeriod::parse(period)?,
                region.as_deref(),
                scheme.as_ref(),
            )?;
            if out.json {
                println!("{}", serde_json::to_string_pretty(&s)?);
                return Ok(());
            }
            let table = statement_table(&s);
            match format.as_str() {
                "csv" => {
                    let text = gongshang_app::export::csv(&table);
                    match file {
                        Some(f) => std::fs::write(f, text)?,
                        None => print!("{text}"),
                    }
                }
                "xlsx" => {
                    let f = file.clone().unwrap_or_else(|| {
                        PathBuf::from(format!("fund-statement-{}.xlsx", s.period))
                    });
                    std::fs::write(&f, gongshang_app::export::xlsx(&table))?;
                    println!("{}", f.display());
                }
                _ => {
                    println!(
                        "{}",
                        if zh {
                            format!("工伤保险基金收支表 {}", s.period)
                        } else {
                            format!("Fund income and expenditure {}", s.period)
                        }
                    );
                    println!(
                        "{:<8} {:<34} {:>14} {:>14} {:>14} {:>14} {:>14} {:>14} {:>12} {:>6}",
                        "region",
                        "scheme",
                        "opening",
                        "income",
                        "benefits",
                        "appraisal fees",
                        "closing",
                        "to reserve",
                        "reserve",
                        "months"
                    );
                    for l in s.lines.iter().chain(std::iter::once(&s.total)) {
                        println!(
                            "{:<8} {:<34} {:>14} {:>14} {:>14} {:>14} {:>14} {:>14} {:>12} {:>6}",
                            if l.scheme_id.is_none() {
                                "total"
                            } else {
                                l.region.as_str()
                            },
                            l.scheme_id.as_ref().map_or("", |s| s.as_str()),
                            l.opening_balance.to_string(),
                            l.collected.total.to_string(),
                            l.benefits_total.to_string(),
                            l.appraisal_fees.to_string(),
                            l.closing_balance.to_string(),
                            l.reserve_transfer.to_string(),
                            l.reserve_balance.to_string(),
                            l.months_of_reserve.as_deref().unwrap_or("-"),
                        );
                    }
                    // The IBNR: an estimate beside the accounts, not a posting.
                    println!("{}", s.ibnr_note);
                    for l in &s.ibnr {
                        println!(
                            "  IBNR {:<34} valued {}: {} claims not reported ({} reported), \
                             average cost {} ({} paid {}..{}) → estimate {}",
                            l.scheme_id.as_str(),
                            l.valued_at,
                            l.claims,
                            l.reported,
                            l.average_cost.map_or("-".into(), |m| m.to_string()),
                            l.paid_in_window,
                            l.window_first,
                            l.window_last,
                            l.estimate.map_or("-".into(), |m| m.to_string()),
                        );
                    }
                    if !s.ibnr.is_empty() {
                        println!(
                            "  IBNR estimate, total (not in the accounts): {}",
                            s.ibnr_total
                        );
                    }
                }
            }
        }
        FundCmd::Reserve {
            command: ReserveCmd::Run { month },
        } => {
            let r = app.run_reserve(&actor, Month::parse(month.trim())?)?;
            if out.json {
                println!("{}", serde_json::to_string_pretty(&r)?);
                return Ok(());
            }
            for l in &r.lines {
                println!(
                    "{} {} {}: collected {} → reserve {} (before {}, cap {}, after {}, {} months){}",
                    l.month,
                    l.region,
                    l.scheme_id,
                    l.collected,
                    l.amount,
                    l.reserve_before,
                    l.cap,
                    l.reserve_after,
                    l.months_of_reserve.as_deref().unwrap_or("-"),
                    if l.recorded_now {
                        ""
                    } else {
                        " (already run; nothing changed)"
                    }
                );
            }
            for s in &r.skipped {
                println!("skipped {} {}: {}", s.region, s.scheme_id, s.reason);
            }
            if r.lines.is_empty() && r.skipped.is_empty() {
                println!("{}: nothing collected, nothing to transfer", r.month);
            }
        }
    }
    Ok(())
}
