//! `gongshang holidays [list]` and `gongshang holidays load FILE`: the
//! holiday calendar in force, and a newly published year loaded into the
//! database without a rebuild.

use std::path::PathBuf;

use clap::Subcommand;

use crate::CliError;
use crate::db::open_app;

#[derive(clap::Args)]
pub struct HolidaysArgs {
    #[command(subcommand)]
    pub command: Option<HolidaysCmd>,
    /// Database URL [default: env GONGSHANG_DATABASE_URL, else gongshang.db]
    #[arg(long, value_name = "URL", global = true)]
    pub db: Option<String>,
    /// Who loads it: an account's login, or a local administrator's name [default: $USER]
    #[arg(long, value_name = "NAME", global = true)]
    pub actor: Option<String>,
}

#[derive(Subcommand)]
pub enum HolidaysCmd {
    /// The years held, where each came from, and the first provisional year
    List,
    /// Load a year's arrangement (the format of policies/national/holidays/YEAR.toml)
    Load {
        /// The TOML file
        file: PathBuf,
    },
}

pub fn run(args: &HolidaysArgs) -> Result<(), CliError> {
    let app = open_app(args.db.as_deref())?;
    match &args.command {
        None | Some(HolidaysCmd::List) => {
            let view = app.holiday_calendar()?;
            println!("year  holidays  source");
            for y in &view.years {
                let from = match &y.loaded_by {
                    Some(who) => format!(
                        "loaded by {who} at {}",
                        y.loaded_at.map(|t| t.to_string()).unwrap_or_default()
                    ),
                    None => "shipped".to_owned(),
                };
                println!("{:<5} {:>8}  {} ({from})", y.year, y.holidays, y.instrument);
            }
            println!(
                "from {}: no arrangement loaded; due dates and deadlines count weekends only and are provisional",
                view.provisional_from
            );
            Ok(())
        }
        Some(HolidaysCmd::Load { file }) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| CliError(format!("cannot read {}: {e}", file.display())))?;
            let actor = crate::db::cli_actor(&app, args.actor.as_deref())?;
            let loaded = app.load_holiday_year(&actor, &text)?;
            println!(
                "{} {}: {} bills and {} open cases dated again",
                if loaded.replaced {
                    "replaced"
                } else {
                    "loaded"
                },
                loaded.year,
                loaded.bills_redated,
                loaded.cases_redated
            );
            Ok(())
        }
    }
}
