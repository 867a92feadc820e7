//! `gongshang credit record|change|list` (Decree 765 Art 45(2)): the record
//! of dishonest acts of units, people and agreement institutions, each from
//! its source, corrected or withdrawn but never deleted.

use gongshang_app::handling::credit::CreditRecordRow;
use gongshang_app::handling::{CreditChangeForm, CreditForm};
use gongshang_domain::handling::CreditSubjectKind;

use crate::CliError;
use crate::cases_cmds::Out;

#[derive(clap::Subcommand)]
pub enum CreditCmd {
    /// Record a dishonest act from its source: --source revoked_conclusion|fraud_overpayment|
    /// alert_confirmed (with the record's number) or provider_suspended (the institution's code)
    Record {
        #[arg(long, value_parser = ["unit", "person", "institution"])]
        subject_kind: String,
        /// The credit code, resident id or institution code
        #[arg(long)]
        subject: String,
        #[arg(long, value_parser = ["revoked_conclusion", "fraud_overpayment", "alert_confirmed", "provider_suspended"])]
        source: String,
        #[arg(long, value_name = "REF")]
        source_ref: String,
        /// What the subject did
        #[arg(long)]
        act: String,
        /// The provision breached (default: Decree 765 Art 45(2))
        #[arg(long)]
        article: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        acted_on: String,
    },
    /// Correct a record's --act or --article, or --withdraw it, with the --reason
    Change {
        id: i64,
        #[arg(long)]
        withdraw: bool,
        #[arg(long, conflicts_with = "withdraw")]
        act: Option<String>,
        #[arg(long, conflicts_with = "withdraw")]
        article: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// A subject's records, the newest first, withdrawn ones included
    List {
        #[arg(long, value_parser = ["unit", "person", "institution"])]
        subject_kind: String,
        #[arg(long)]
        subject: String,
    },
}

fn render(r: &CreditRecordRow, out: &Out) {
    if out.json {
        println!("{}", serde_json::to_string_pretty(r).unwrap_or_default());
        return;
    }
    let zh = out.lang == crate::Lang::Zh;
    let withdrawn = match (r.withdrawn(), zh) {
        (Some(c), true) => format!("（已撤销：{}）", c.reason),
        (Some(c), false) => format!(" (withdrawn: {})", c.reason),
        (None, _) => String::new(),
    };
    println!(
        "#{} {} {} {} · {} · {} · {} {}{withdrawn}",
        r.id,
        r.subject_kind.as_str(),
        r.subject_key,
        r.acted_on,
        r.current_act(),
        r.current_article(),
        r.source.as_str(),
        r.source_ref
    );
}

pub fn run(cmd: &CreditCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, out.actor.as_deref())?;
    match cmd {
        CreditCmd::Record {
            subject_kind,
            subject,
            source,
            source_ref,
            act,
            article,
            acted_on,
        } => {
            let form = CreditForm {
                subject_kind: subject_kind.clone(),
                subject_key: subject.clone(),
                source: source.clone(),
                source_ref: source_ref.clone(),
                act: act.clone(),
                article: article.clone().unwrap_or_default(),
                acted_on: acted_on.clone(),
            };
            render(&app.record_credit(&actor, &form)?, out);
        }
        CreditCmd::Change {
            id,
            withdraw,
            act,
            article,
            reason,
        } => {
            let form = CreditChangeForm {
                change: if *withdraw { "withdraw" } else { "correct" }.into(),
                act: act.clone().unwrap_or_default(),
                article: article.clone().unwrap_or_default(),
                reason: reason.clone(),
            };
            render(&app.change_credit(&actor, *id, &form)?, out);
        }
        CreditCmd::List {
            subject_kind,
            subject,
        } => {
            let kind = CreditSubjectKind::parse(subject_kind).map_err(CliError)?;
            for r in app.credit_records(&actor, kind, subject)? {
                render(&r, out);
            }
        }
    }
    Ok(())
}
