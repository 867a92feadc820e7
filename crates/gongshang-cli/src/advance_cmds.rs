//! `gongshang case advance list|apply|notice|decide|pay|recover|end-monthly` and
//! `gongshang unit advance-debts`: the fund's advance payment (先行支付;
//! Social Insurance Law Arts 41-42, MOHRSS Order No. 15), thin views over
//! the app's use cases. Chinese by default, `--lang en`, `--json`.

use gongshang_app::accounts::Actor;
use gongshang_app::cases::{
    AdvanceApplicant, AdvanceApplication, AdvanceDecision, AdvanceRecoveryRequest, AdvanceView,
    MonthlyAdvanceEndRequest,
};
use gongshang_domain::ids::CreditCode;
use gongshang_domain::month::Month;
use gongshang_rules::advance::{Debtor, Ground, MonthlyEnd};
use jiff::civil::Date;

use crate::CliError;
use crate::cases_cmds::Out;

/// `gongshang case advance ...`
#[derive(clap::Subcommand)]
pub enum AdvanceCmd {
    /// A case's advances, each with its state
    List { number: String },
    /// Record a written application (Order No. 15 Arts 4, 6)
    Apply {
        number: String,
        /// employer_unpaid (SIL Art 41) or third_party (SIL Art 42)
        #[arg(long)]
        ground: String,
        /// worker or relative
        #[arg(long, default_value = "worker")]
        applicant: String,
        #[arg(long)]
        name: String,
        /// Why the unit or the third party does not pay
        #[arg(long)]
        circumstance: String,
        #[arg(long)]
        third_party: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        applied_on: Option<Date>,
        /// The documents handed in
        #[arg(long)]
        documents: String,
    },
    /// Send the unit's written notice: it pays within 5 working days (Art 7)
    Notice {
        number: String,
        id: i64,
        #[arg(long, value_name = "YYYY-MM-DD")]
        sent_on: Option<Date>,
    },
    /// Grant (the amount by the rule) or refuse with --refuse REASON (Arts 8-9)
    Decide {
        number: String,
        id: i64,
        #[arg(long, value_name = "REASON")]
        refuse: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
    /// Approve and pay a granted advance (not who granted it)
    Pay {
        number: String,
        id: i64,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
    /// Record a repayment by the unit or the third party (Arts 12-13), or by
    /// the worker or relative paid since by either (--from recipient, Art 11)
    Recover {
        number: String,
        id: i64,
        /// Who repaid: the advance's debtor when not given
        #[arg(long, value_parser = ["unit", "third_party", "recipient"])]
        from: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        received_on: Date,
        /// Yuan
        #[arg(long)]
        amount: String,
        /// The receipt or the transfer's reference
        #[arg(long)]
        document: String,
    },
    /// End the monthly advance after a month: the unit pays again
    /// (unit_resumed) or it enrolled and paid back (back_payment,
    /// Regulations Art 62(3)); the months advanced stay owed
    EndMonthly {
        number: String,
        id: i64,
        /// The last month advanced
        #[arg(long, value_name = "YYYY-MM")]
        last_month: String,
        #[arg(long, value_parser = ["unit_resumed", "back_payment"])]
        reason: String,
        /// What the end rests on
        #[arg(long)]
        note: String,
    },
}

fn state_words(a: &AdvanceView, zh: bool) -> &str {
    if zh { &a.plain_zh } else { &a.plain_en }
}

fn print(a: &AdvanceView, zh: bool) {
    if zh {
        println!(
            "{} 案件 {} 理由 {} 申请日 {} 核定 {} 已支付 {} 已追偿 {} 尚欠 {}",
            a.id,
            a.case_number,
            if a.ground == Ground::EmployerUnpaid {
                "用人单位未缴费且不支付"
            } else {
                "第三人不支付或无法确定"
            },
            a.applied_on,
            a.granted
                .map(|m| m.to_string())
                .unwrap_or_else(|| "—".into()),
            a.paid_out
                .map(|m| m.to_string())
                .unwrap_or_else(|| "—".into()),
            a.recovered,
            a.outstanding
        );
    } else {
        println!(
            "{} case {} ground {} applied {} granted {} paid {} recovered {} owed {}",
            a.id,
            a.case_number,
            a.ground.as_str(),
            a.applied_on,
            a.granted
                .map(|m| m.to_string())
                .unwrap_or_else(|| "-".into()),
            a.paid_out
                .map(|m| m.to_string())
                .unwrap_or_else(|| "-".into()),
            a.recovered,
            a.outstanding
        );
    }
    println!("  {}", state_words(a, zh));
    if let Some(from) = a.monthly_from {
        let state = match (&a.monthly_end, a.monthly_running, zh) {
            (Some(e), _, true) => format!("已停止，最后月份 {}（{}）", e.last_month, e.reason_zh),
            (Some(e), _, false) => format!("ended after {} ({})", e.last_month, e.reason_en),
            (None, true, true) => "按月支付中".to_owned(),
            (None, true, false) => "running".to_owned(),
            (None, false, true) => "复核支付后开始".to_owned(),
            (None, false, false) => "starts once paid".to_owned(),
        };
        if zh {
            println!(
                "  按月先行支付：自 {from} 起，已支付 {} 个月次，共 {} 元，{state}",
                a.monthly_months_paid, a.monthly_advanced
            );
        } else {
            println!(
                "  monthly advance: from {from}, {} item-months, {} yuan, {state}",
                a.monthly_months_paid, a.monthly_advanced
            );
        }
        for m in &a.monthly {
            println!(
                "    {} {} {} {} {}",
                if zh {
                    m.item.label_zh()
                } else {
                    m.item.label_en()
                },
                m.beneficiary,
                m.from_month,
                m.months_paid,
                m.advanced
            );
        }
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<(), CliError> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

pub fn run_advance(
    app: &gongshang_app::App,
    actor: &Actor,
    cmd: &AdvanceCmd,
    out: &Out,
) -> Result<(), CliError> {
    let zh = out.lang == crate::Lang::Zh;
    let view = match cmd {
        AdvanceCmd::List { number } => {
            let list = app.advances(actor, number)?;
            if out.json {
                return json(&list);
            }
            for a in &list {
                print(a, zh);
            }
            return Ok(());
        }
        AdvanceCmd::Apply {
            number,
            ground,
            applicant,
            name,
            circumstance,
            third_party,
            applied_on,
            documents,
        } => app.apply_for_advance(
            actor,
            number,
            &AdvanceApplication {
                ground: Ground::parse(ground).ok_or_else(|| {
                    CliError(format!(
                        "--ground {ground:?}: employer_unpaid or third_party"
                    ))
                })?,
                applicant: AdvanceApplicant::parse(applicant).ok_or_else(|| {
                    CliError(format!("--applicant {applicant:?}: worker or relative"))
                })?,
                applicant_name: name.clone(),
                circumstance: circumstance.clone(),
                third_party: third_party.clone(),
                applied_on: *applied_on,
                documents: documents.clone(),
            },
        )?,
        AdvanceCmd::Notice {
            number,
            id,
            sent_on,
        } => app.notify_unit_of_advance(actor, number, *id, *sent_on)?,
        AdvanceCmd::Decide {
            number,
            id,
            refuse,
            on,
        } => app.decide_advance(
            actor,
            number,
            *id,
            &AdvanceDecision {
                grant: refuse.is_none(),
                reason: refuse.clone(),
                decided_on: *on,
            },
        )?,
        AdvanceCmd::Pay { number, id, on } => app.pay_advance(actor, number, *id, *on)?,
        AdvanceCmd::Recover {
            number,
            id,
            from,
            received_on,
            amount,
            document,
        } => app.record_advance_recovery(
            actor,
            number,
            *id,
            &AdvanceRecoveryRequest {
                from: from.as_deref().and_then(Debtor::parse),
                received_on: *received_on,
                amount: gongshang_rules::Money::parse_yuan(amount.trim())
                    .map_err(|e| CliError(format!("--amount: {e}")))?,
                document: document.clone(),
            },
        )?,
        AdvanceCmd::EndMonthly {
            number,
            id,
            last_month,
            reason,
            note,
        } => app.end_monthly_advance(
            actor,
            number,
            *id,
            &MonthlyAdvanceEndRequest {
                last_month: Month::parse(last_month.trim())
                    .map_err(|e| CliError(format!("--last-month {last_month:?}: {e}")))?,
                reason: MonthlyEnd::parse(reason).ok_or_else(|| {
                    CliError(format!("--reason {reason:?}: unit_resumed or back_payment"))
                })?,
                note: note.clone(),
            },
        )?,
    };
    if out.json {
        return json(&view);
    }
    print(&view, zh);
    Ok(())
}

/// `gongshang unit advance-debts UNIT`
pub fn run_debts(
    app: &gongshang_app::App,
    actor: &Actor,
    unit: &str,
    out: &Out,
) -> Result<(), CliError> {
    let unit = CreditCode::parse(unit.trim()).map_err(|e| CliError(format!("unit: {e}")))?;
    let debts = app.unit_advance_debts(actor, &unit)?;
    if out.json {
        return json(&debts);
    }
    let zh = out.lang == crate::Lang::Zh;
    if zh {
        println!("单位 {} 先行支付尚欠 {} 元", debts.unit, debts.outstanding);
    } else {
        println!(
            "unit {} owes {} yuan on advances",
            debts.unit, debts.outstanding
        );
    }
    for a in &debts.advances {
        print(a, zh);
    }
    Ok(())
}
