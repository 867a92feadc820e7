//! `gongshang ticket escalate|queue|show`: the service centre's escalation
//! run (for a scheduled job: once a day marks the tickets whose deadline is
//! near or passed; running it again adds nothing) and a look at the queue.

use crate::CliError;
use crate::cases_cmds::Out;

#[derive(clap::Subcommand)]
pub enum TicketCmd {
    /// Escalate the open tickets whose deadline is near or passed
    Escalate,
    /// The open tickets in the actor's scope, the earliest due first
    Queue {
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// A ticket: its state, deadlines and history
    Show { number: String },
}

pub fn run(cmd: &TicketCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, out.actor.as_deref())?;
    let zh = out.lang == crate::Lang::Zh;
    match cmd {
        TicketCmd::Escalate => {
            let run = app.escalate_tickets(&actor)?;
            if out.json {
                println!("{}", serde_json::to_string_pretty(&run).unwrap_or_default());
                return Ok(());
            }
            println!(
                "{} {} · {} {}",
                if zh { "检查" } else { "checked" },
                run.checked,
                if zh { "预警" } else { "escalated" },
                run.escalated.len()
            );
            for (number, kind, level, due) in &run.escalated {
                println!(
                    "  {number:<16} {:<20} {:<8} {due}",
                    kind.as_str(),
                    level.as_str()
                );
            }
        }
        TicketCmd::Queue { limit } => {
            for r in app.ticket_list(&actor, true, *limit)? {
                let due = r
                    .deadline
                    .as_ref()
                    .map(|d| format!("{} {}", d.kind.as_str(), d.due))
                    .unwrap_or_default();
                println!(
                    "  {:<16} {:<26} {:<13} {due}",
                    r.number,
                    r.category,
                    r.state.as_str()
                );
            }
        }
        TicketCmd::Show { number } => {
            let v = app.ticket(&actor, number)?;
            if out.json {
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                return Ok(());
            }
            println!(
                "{} {} {}",
                v.row.number,
                if zh {
                    &v.category_name_zh
                } else {
                    &v.category_name_en
                },
                if zh {
                    v.row.state.name_zh()
                } else {
                    v.row.state.name_en()
                }
            );
            if let Some((kind, key)) = &v.row.subject {
                println!(
                    "  {} {key}",
                    if zh { "关于" } else { "about" }.to_owned() + " " + kind.as_str()
                );
            }
            for x in &v.referrals {
                println!(
                    "  {} {} {} {}{}",
                    x.purpose,
                    x.body,
                    x.status,
                    match x.confirmed {
                        Some(true) => "confirmed ",
                        Some(false) => "not_confirmed ",
                        None => "",
                    },
                    x.outcome.as_deref().unwrap_or("")
                );
            }
            for d in &v.deadlines {
                println!("  {} {} ({})", d.kind.as_str(), d.due, d.citation);
            }
            for h in &v.history {
                println!("  {} {:<22} {}", h.on, h.kind, h.actor);
            }
        }
    }
    Ok(())
}
