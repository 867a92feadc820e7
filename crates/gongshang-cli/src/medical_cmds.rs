//! `gongshang institution list|register|update` (the register of agreement
//! institutions, Regulations Art 47) and `gongshang case medical
//! list|file|claim|settle` (a case's medical, rehabilitation and device
//! bills, Arts 30-32, 48; Decree 765 Art 22): thin views over the app's use
//! cases. Chinese by default, `--lang en`, `--json`.

use gongshang_app::accounts::Actor;
use gongshang_app::cases::{
    InstitutionRequest, InstitutionRow, MedicalBillRequest, MedicalBillView, SettleRequest,
};
use gongshang_domain::medical::BillLine;
use gongshang_rules::Money;
use jiff::civil::Date;

use crate::CliError;
use crate::cases_cmds::Out;

/// `gongshang institution ...`
#[derive(clap::Subcommand)]
pub enum InstitutionCmd {
    /// The published list of agreement institutions
    List,
    /// Register an institution the agency signed an agreement with
    Register(InstitutionArgs),
    /// Change a registered institution: renew its agreement, suspend
    /// payments to it (--suspended REASON, Decree 765 Art 43) or resume them
    Update(InstitutionArgs),
}

#[derive(clap::Args)]
pub struct InstitutionArgs {
    /// The agency's code (letters, digits, - and _)
    code: String,
    #[arg(long)]
    name: String,
    /// medical, rehabilitation or assistive_device
    #[arg(long)]
    kind: String,
    /// GB/T 2260 code of the pooling region
    #[arg(long)]
    region: String,
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Date,
    /// The agreement's last day [default: no end]
    #[arg(long, value_name = "YYYY-MM-DD")]
    until: Option<Date>,
    /// Why payments to it are suspended (Decree 765 Art 43)
    #[arg(long, value_name = "REASON")]
    suspended: Option<String>,
}

/// `gongshang case medical ...`
#[derive(clap::Subcommand)]
pub enum MedicalCmd {
    /// The case's medical, rehabilitation and device bills
    List { number: String },
    /// File a provider's bill, settled directly with the provider
    File(BillArgs),
    /// File a claim for costs the worker advanced: decided within 20 working
    /// days of the day received (Decree 765 Art 22)
    Claim(BillArgs),
    /// Settle a bill: the fund pays within the catalogues, the rest is
    /// refused with its reason; a bill that must wait is held
    Settle {
        number: String,
        id: i64,
        /// The recognition is under administrative_review or in litigation (Art 31)
        #[arg(long)]
        dispute: Option<String>,
    },
}

#[derive(clap::Args)]
pub struct BillArgs {
    number: String,
    /// medical, rehabilitation or assistive_device
    #[arg(long)]
    kind: String,
    /// The registered institution's code [default: an unregistered provider]
    #[arg(long)]
    institution: Option<String>,
    /// The provider's name [default: the registered institution's]
    #[arg(long)]
    provider: Option<String>,
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Date,
    #[arg(long, value_name = "YYYY-MM-DD")]
    until: Date,
    /// Treated at the nearest institution in an emergency (Art 30(2))
    #[arg(long)]
    emergency: bool,
    /// The confirmation's document number (rehabilitation, device)
    #[arg(long)]
    confirmation: Option<String>,
    /// The day the agency received it [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    received_on: Option<Date>,
    /// A line: DESCRIPTION:WITHIN[:OUTSIDE] in yuan, e.g. 住院:8000.00:500.00 (repeat)
    #[arg(long = "line", required = true)]
    lines: Vec<String>,
}

fn parse_line(text: &str) -> Result<BillLine, CliError> {
    let err = || {
        CliError(format!(
            "--line {text:?}: DESCRIPTION:WITHIN[:OUTSIDE], amounts in yuan"
        ))
    };
    let parts: Vec<&str> = text.split(':').collect();
    let money = |s: &str| Money::parse_yuan(s.trim()).ok();
    let (description, within, outside) = match parts.as_slice() {
        [rest @ .., w, o] if !rest.is_empty() && money(w).is_some() && money(o).is_some() => {
            (rest.join(":"), money(w), money(o))
        }
        [rest @ .., w] if !rest.is_empty() && money(w).is_some() => {
            (rest.join(":"), money(w), Some(Money::ZERO))
        }
        _ => return Err(err()),
    };
    Ok(BillLine {
        description,
        within_catalogue: within.ok_or_else(err)?,
        outside_catalogue: outside.ok_or_else(err)?,
    })
}

fn domain(flag: &str) -> impl Fn(gongshang_domain::DomainError) -> CliError + '_ {
    move |e| CliError(format!("--{flag}: {e}"))
}

impl BillArgs {
    fn request(&self) -> Result<MedicalBillRequest, CliError> {
        Ok(MedicalBillRequest {
            kind: self.kind.trim().parse().map_err(domain("kind"))?,
            institution: match &self.institution {
                Some(c) => Some(c.trim().parse().map_err(domain("institution"))?),
                None => None,
            },
            provider_name: self.provider.clone(),
            service_from: self.from,
            service_until: self.until,
            emergency: self.emergency,
            confirmation: self.confirmation.clone(),
            received_on: self.received_on,
            lines: self
                .lines
                .iter()
                .map(|l| parse_line(l))
                .collect::<Result<_, _>>()?,
        })
    }
}

impl InstitutionArgs {
    fn request(&self) -> Result<InstitutionRequest, CliError> {
        Ok(InstitutionRequest {
            code: self.code.trim().parse().map_err(domain("code"))?,
            name: self.name.clone(),
            kind: self.kind.trim().parse().map_err(domain("kind"))?,
            region: self.region.trim().parse().map_err(domain("region"))?,
            agreement_from: self.from,
            agreement_until: self.until,
            suspended: self.suspended.clone(),
        })
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), CliError> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn institution_line(r: &InstitutionRow, zh: bool) -> String {
    let i = &r.institution;
    let suspended = match (&i.suspended, zh) {
        (Some(reason), true) => format!(" 暂停结算：{reason}"),
        (Some(reason), false) => format!(" payments suspended: {reason}"),
        (None, _) => String::new(),
    };
    format!(
        "{} {} {} {} {}..{}{}",
        i.code,
        i.name,
        if zh {
            i.kind.label_zh()
        } else {
            i.kind.as_str()
        },
        i.region,
        i.agreement_from,
        i.agreement_until.map_or(String::new(), |d| d.to_string()),
        suspended
    )
}

fn bill_lines(v: &MedicalBillView, zh: bool) -> String {
    let b = &v.bill;
    let mut s = format!(
        "{} {} {} {} {} {}..{} {} {}",
        b.id,
        if zh {
            b.kind.label_zh()
        } else {
            b.kind.as_str()
        },
        if zh {
            b.route.label_zh()
        } else {
            b.route.as_str()
        },
        b.provider_name,
        b.status.as_str(),
        b.service_from,
        b.service_until,
        b.total,
        b.payable.map_or(String::new(), |p| format!(
            "{} {p}",
            if zh { "基金支付" } else { "fund pays" }
        )),
    );
    if let Some(due) = b.due_on {
        s.push_str(&format!(
            " {} {due}",
            if zh { "核定期限" } else { "decide by" }
        ));
    }
    if let Some(reason) = &b.hold_reason {
        s.push_str(&format!(" ({reason})"));
    }
    s.push('\n');
    for l in &b.lines {
        s.push_str(&format!(
            "  {} {} {} + {}",
            l.line, l.description, l.within_catalogue, l.outside_catalogue
        ));
        if let (Some(p), Some(r)) = (l.payable, l.refused) {
            s.push_str(&format!(" → {p} / {r}"));
        }
        if let Some(reason) = &l.refusal_reason {
            s.push_str(&format!(" [{reason}]"));
        }
        if let Some(article) = &l.article {
            s.push_str(&format!(" {article}"));
        }
        s.push('\n');
    }
    s
}

/// `gongshang institution ...`
pub fn run_institution(cmd: &InstitutionCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, out.actor.as_deref())?;
    let zh = out.lang == crate::Lang::Zh;
    let row = match cmd {
        InstitutionCmd::List => {
            let rows = app.institutions(&actor)?;
            if out.json {
                return print_json(&rows);
            }
            for r in &rows {
                println!("{}", institution_line(r, zh));
            }
            return Ok(());
        }
        InstitutionCmd::Register(args) => app.register_institution(&actor, &args.request()?)?,
        InstitutionCmd::Update(args) => app.update_institution(&actor, &args.request()?)?,
    };
    if out.json {
        return print_json(&row);
    }
    println!("{}", institution_line(&row, zh));
    Ok(())
}

/// `gongshang case medical ...`
pub fn run_medical(
    app: &gongshang_app::App,
    actor: &Actor,
    cmd: &MedicalCmd,
    out: &Out,
) -> Result<(), CliError> {
    let zh = out.lang == crate::Lang::Zh;
    let view = match cmd {
        MedicalCmd::List { number } => {
            let rows = app.medical_bills(actor, number)?;
            if out.json {
                return print_json(&rows);
            }
            for v in &rows {
                print!("{}", bill_lines(v, zh));
            }
            return Ok(());
        }
        MedicalCmd::File(args) => app.file_medical_bill(actor, &args.number, &args.request()?)?,
        MedicalCmd::Claim(args) => {
            app.claim_reimbursement(actor, &args.number, &args.request()?)?
        }
        MedicalCmd::Settle {
            number,
            id,
            dispute,
        } => {
            let dispute = match dispute.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(d) => Some(gongshang_domain::medical::Dispute::parse(d).ok_or_else(|| {
                    CliError(format!(
                        "--dispute {d:?}: administrative_review or litigation"
                    ))
                })?),
            };
            app.settle_medical_bill(actor, number, *id, &SettleRequest { dispute })?
        }
    };
    if out.json {
        return print_json(&view);
    }
    print!("{}", bill_lines(&view, zh));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_description_within_and_outside() {
        let l = parse_line("住院:8000.00:500.00").unwrap();
        assert_eq!(l.within_catalogue, Money::from_yuan(8000));
        assert_eq!(l.outside_catalogue, Money::from_yuan(500));
        let l = parse_line("药品:甲类:120.50").unwrap();
        assert_eq!(l.description, "药品:甲类");
        assert_eq!(l.outside_catalogue, Money::ZERO);
        assert!(parse_line("8000").is_err());
    }
}
