//! `gongshang payroll run|runs|index|suspend|resume|frequency|end|retire|overpay|recover|overpayments|stop-report|stop-reports` and
//! `gongshang bench payroll --beneficiaries N`.

// Floating point only to print durations and rates; no money is computed with it.
#![allow(clippy::float_arithmetic)]

use std::time::Instant;

use gongshang_app::payroll::{BenefitEnd, Indexation};
use gongshang_domain::ids::ResidentId;
use gongshang_domain::month::Month;
use gongshang_rules::{Item, Money, Rate};
use gongshang_store::cases::{
    CaseAppend, CaseSnapshot, NewCase, NewCaseEvent, NewPeriodicBenefit, PayrollRunRow,
};
use jiff::civil::date;

use crate::CliError;
use crate::cases_cmds::Out;

#[derive(clap::Subcommand)]
pub enum PayrollCmd {
    /// Pay a month: every running, unsuspended fund benefit not paid for it yet
    Run {
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
    },
    /// The runs of a month
    Runs {
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
    },
    /// Adjust benefits from a month: --percent 3% (all, or --item) or --amount for one --benefit
    Index {
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        #[arg(long, value_name = "RATE", conflicts_with = "amount")]
        percent: Option<String>,
        #[arg(long, value_name = "ITEM")]
        item: Option<String>,
        #[arg(long, value_name = "YUAN", requires = "benefit")]
        amount: Option<String>,
        #[arg(long, value_name = "ID")]
        benefit: Option<i64>,
        /// The notice that decides it
        #[arg(long)]
        instrument: String,
    },
    Suspend {
        benefit: i64,
        #[arg(long)]
        reason: String,
    },
    Resume {
        benefit: i64,
        #[arg(long)]
        reason: String,
    },
    /// How often the payroll pays a benefit: monthly, or half_yearly (Guangdong
    /// Regulations Art 29: a grade 1-4 worker whose household registration moved home)
    Frequency {
        benefit: i64,
        /// monthly or half_yearly
        frequency: String,
        #[arg(long)]
        reason: String,
    },
    /// End a benefit: death or remarriage in --month (paid for it), turned18 in --month (paid to the month before)
    End {
        benefit: i64,
        #[arg(long, value_parser = ["death", "remarriage", "turned18"])]
        reason: String,
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
    },
    /// A grade 1-4 worker retired: the fund pays only the allowance above the pension
    Retire {
        benefit: i64,
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        #[arg(long, value_name = "YUAN")]
        pension: String,
    },
    /// Record a benefit paid when it was not owed (Decree 765 Art 46) and how it comes back:
    /// --refund, --instalments N, or --offset-benefit ID --share 50% (kept back from a later benefit)
    Overpay {
        benefit: i64,
        #[arg(long, value_name = "YUAN")]
        amount: String,
        /// Why it was not owed
        #[arg(long)]
        reason: String,
        /// The month of the first instalment
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        #[arg(long, conflicts_with_all = ["instalments", "offset_benefit"])]
        refund: bool,
        #[arg(long, value_name = "N", conflicts_with = "offset_benefit")]
        instalments: Option<u32>,
        #[arg(long, value_name = "ID", requires = "share")]
        offset_benefit: Option<i64>,
        #[arg(long, value_name = "RATE")]
        share: Option<String>,
    },
    /// Record the next instalment of an overpayment as recovered (--on YYYY-MM-DD, default today)
    Recover {
        overpayment: i64,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<String>,
    },
    /// A case's overpayments, their schedules and what came back
    Overpayments { case: String },
    /// Record a verified stop-benefit report (Decree 765 Art 25): the event, its day, the day
    /// reported and by whom; the benefit ends, the months paid after become an overpayment
    /// (--refund or --instalments N), and a report after 20 working days is late
    StopReport {
        case: String,
        #[arg(long, value_name = "ID")]
        benefit: i64,
        #[arg(long, value_parser = ["death", "remarriage", "dependant_turns_18", "pension_start", "employment", "enlistment", "adoption"])]
        event: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        event_on: String,
        /// The day the agency was told (default today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        reported_on: Option<String>,
        #[arg(long, value_parser = ["unit", "recipient", "relative"])]
        reported_by: String,
        /// A basic pension's monthly amount (pension_start)
        #[arg(long, value_name = "YUAN")]
        pension: Option<String>,
        #[arg(long, conflicts_with = "instalments")]
        refund: bool,
        #[arg(long, value_name = "N")]
        instalments: Option<u32>,
        #[arg(long)]
        note: Option<String>,
    },
    /// A case's stop-benefit reports, or with --late every late report still being recovered
    StopReports {
        #[arg(required_unless_present = "late")]
        case: Option<String>,
        #[arg(long, conflicts_with = "case")]
        late: bool,
    },
    /// Stop a survivor's pension for a prison sentence (劳社部令第18号 Art 5): paused from the
    /// month after the day taken in; the months already paid inside the pause become an
    /// overpayment (--refund or --instalments N)
    Imprison {
        case: String,
        #[arg(long, value_name = "ID")]
        benefit: i64,
        #[arg(long, value_name = "YYYY-MM-DD")]
        imprisoned_on: String,
        /// The day released, when already known
        #[arg(long, value_name = "YYYY-MM-DD")]
        released_on: Option<String>,
        /// The judgment or the prison's notice
        #[arg(long)]
        document: String,
        #[arg(long, conflicts_with = "instalments")]
        refund: bool,
        #[arg(long, value_name = "N")]
        instalments: Option<u32>,
    },
    /// Record the release of a survivor whose pension is paused (劳社部令第18号 Art 5): paid
    /// again from the month after the release
    Release {
        case: String,
        #[arg(long, value_name = "ID")]
        benefit: i64,
        #[arg(long, value_name = "YYYY-MM-DD")]
        released_on: String,
        /// The release certificate (释放证明书)
        #[arg(long)]
        document: String,
    },
    /// A case's pensions paused for a sentence
    Pauses { case: String },
    /// A month's medical insurance bases: each grade 1-4 worker's disability allowance
    /// (Regulations Art 35 para 2), of every unit or --unit; --format csv for the declaration
    MedicalBases {
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        #[arg(long, value_name = "CREDIT_CODE")]
        unit: Option<String>,
        /// table (the default) or csv
        #[arg(long, default_value = "table", value_parser = ["table", "csv"])]
        format: String,
    },
}

fn render_pause(p: &gongshang_app::handling::BenefitPauseRow, out: &Out) {
    if out.json {
        if let Ok(s) = serde_json::to_string_pretty(p) {
            println!("{s}");
        }
        return;
    }
    let zh = out.lang == crate::Lang::Zh;
    let released = p.released_on.map(|d| d.to_string()).unwrap_or_default();
    let months = match (p.pause.until, zh) {
        (Some(u), true) => format!("自 {} 至 {u} 停发（{released} 刑满释放）", p.pause.from),
        (Some(u), false) => format!(
            "not paid from {} to {u} (released {released})",
            p.pause.from
        ),
        (None, true) => format!("自 {} 起停发（服刑中）", p.pause.from),
        (None, false) => format!("not paid from {} on (serving)", p.pause.from),
    };
    let op = match (p.overpayment_id, zh) {
        (Some(id), true) => format!("；多发待遇追回 #{id}"),
        (Some(id), false) => format!("; overpayment #{id}"),
        (None, _) => String::new(),
    };
    if zh {
        println!(
            "定期待遇 #{} {} 收监执行，{months}，依据：{}{op}",
            p.benefit_id, p.imprisoned_on, p.document
        );
    } else {
        println!(
            "benefit #{} imprisoned {}: {months}; documents: {}{op}",
            p.benefit_id, p.imprisoned_on, p.document
        );
    }
}

fn render_stop_report(v: &gongshang_app::handling::StopReportView, out: &Out) {
    if out.json {
        if let Ok(s) = serde_json::to_string_pretty(v) {
            println!("{s}");
        }
        return;
    }
    let r = &v.report;
    let zh = out.lang == crate::Lang::Zh;
    let when = match (r.late, zh) {
        (true, true) => format!("逾期 {} 天", v.days_late),
        (true, false) => format!("late by {} days", v.days_late),
        (false, true) => "按时".to_owned(),
        (false, false) => "in time".to_owned(),
    };
    let done = match (r.last_month, r.new_from_month, r.new_amount) {
        (Some(m), _, _) if zh => format!("最后发放月 {m}"),
        (Some(m), _, _) => format!("last month paid {m}"),
        (None, Some(m), Some(a)) if zh => format!("自 {m} 起每月 {a} 元"),
        (None, Some(m), Some(a)) => format!("{a} yuan a month from {m}"),
        _ => String::new(),
    };
    if zh {
        println!(
            "停发报告 #{} 案件 {} 定期待遇 #{}：{} {}，{} 告知（时限 {}，{}）；{}；多发 {} 元（{} 个月）{}",
            r.id,
            r.case_number,
            r.benefit_id,
            r.event.as_str(),
            r.event_on,
            r.reported_on,
            r.due_on,
            when,
            done,
            r.overpaid,
            r.overpaid_months,
            r.overpayment_reference
                .as_deref()
                .map(|x| format!("，{x} 尚欠 {} 元", r.outstanding.unwrap_or_default()))
                .unwrap_or_default()
        );
    } else {
        println!(
            "stop report #{} case {} benefit #{}: {} on {}, reported {} (due {}, {}); {}; overpaid {} yuan ({} months){}",
            r.id,
            r.case_number,
            r.benefit_id,
            r.event.as_str(),
            r.event_on,
            r.reported_on,
            r.due_on,
            when,
            done,
            r.overpaid,
            r.overpaid_months,
            r.overpayment_reference
                .as_deref()
                .map(|x| format!(", {x} outstanding {}", r.outstanding.unwrap_or_default()))
                .unwrap_or_default()
        );
    }
}

fn render_overpayment(o: &gongshang_app::model::OverpaymentRow, out: &Out) {
    if out.json {
        if let Ok(s) = serde_json::to_string_pretty(o) {
            println!("{s}");
        }
        return;
    }
    let zh = out.lang == crate::Lang::Zh;
    let what = match (o.benefit_id, o.one_time_payment_id, zh) {
        (Some(b), _, true) => format!("定期待遇 #{b}"),
        (Some(b), _, false) => format!("benefit #{b}"),
        (None, Some(p), true) => format!("一次性待遇支付 #{p}"),
        (None, Some(p), false) => format!("one-time payment #{p}"),
        (None, None, _) => String::new(),
    };
    if zh {
        println!(
            "多发待遇 #{} {}（{}）：{} 元，已追回 {} 元，尚欠 {} 元（《社会保险经办条例》第四十六条）",
            o.id,
            o.reference,
            what,
            o.amount,
            o.recovered(),
            o.outstanding()
        );
    } else {
        println!(
            "overpayment #{} {} ({}): {} yuan, {} recovered, {} outstanding (Decree 765 Art 46)",
            o.id,
            o.reference,
            what,
            o.amount,
            o.recovered(),
            o.outstanding()
        );
    }
    for i in &o.instalments {
        let state = match (i.recovered_on, zh) {
            (Some(d), true) => format!("{d} 已追回"),
            (Some(d), false) => format!("recovered {d}"),
            (None, true) => "待追回".to_owned(),
            (None, false) => "due".to_owned(),
        };
        println!("  {} {} {} {state}", i.seq, i.month, i.amount);
    }
}

fn month(text: &str) -> Result<Month, CliError> {
    Ok(Month::parse(text.trim())?)
}

fn yuan(flag: &str, text: &str) -> Result<Money, CliError> {
    Money::parse_yuan(text.trim()).map_err(|e| CliError(format!("{flag} {text:?}: {e}")))
}

fn render_run(r: &PayrollRunRow, out: &Out) {
    if out.json {
        if let Ok(s) = serde_json::to_string_pretty(r) {
            println!("{s}");
        }
        return;
    }
    if out.lang == crate::Lang::Zh {
        println!(
            "{} 第{}次发放：{} 笔，合计 {} 元{}",
            r.month,
            r.run_no,
            r.lines,
            r.total,
            r.ledger_key
                .as_deref()
                .map(|k| format!("，记账 {k}"))
                .unwrap_or_else(|| "，无新增支付（本月已发放的不重复发放）".into())
        );
    } else {
        println!(
            "{} run {}: {} lines, {} yuan{}",
            r.month,
            r.run_no,
            r.lines,
            r.total,
            r.ledger_key
                .as_deref()
                .map(|k| format!(", posted {k}"))
                .unwrap_or_else(|| ", nothing new to pay (a month is paid once)".into())
        );
    }
    for (item, n, amount) in &r.by_item {
        let item = if out.lang == crate::Lang::Zh {
            item.label_zh()
        } else {
            item.label_en()
        };
        println!("  {item}: {n}, {amount}");
    }
    if r.advance_lines > 0 {
        if out.lang == crate::Lang::Zh {
            println!(
                "  先行支付（用人单位未参保且不支付的按月待遇）：{} 笔，合计 {} 元，由用人单位偿还",
                r.advance_lines, r.advance_total
            );
        } else {
            println!(
                "  advanced for uninsured units that do not pay: {} lines, {} yuan, owed back by the units",
                r.advance_lines, r.advance_total
            );
        }
    }
}

pub fn run(cmd: &PayrollCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, out.actor.as_deref())?;
    let done = |zh: &str, en: &str| {
        if out.lang == crate::Lang::Zh {
            println!("{zh}");
        } else {
            println!("{en}");
        }
    };
    match cmd {
        PayrollCmd::Overpay {
            benefit,
            amount,
            reason,
            from,
            refund,
            instalments,
            offset_benefit,
            share,
        } => {
            let plan = match (refund, instalments, offset_benefit, share) {
                (true, None, None, _) => gongshang_app::RecoveryPlan::Refund,
                (false, Some(n), None, _) => {
                    gongshang_app::RecoveryPlan::Instalments { months: *n }
                }
                (false, None, Some(b), Some(s)) => gongshang_app::RecoveryPlan::Offset {
                    benefit_id: *b,
                    share: Rate::parse(s.trim())
                        .map_err(|e| CliError(format!("--share {s:?}: {e}")))?,
                },
                _ => {
                    return Err(CliError(
                        "give one of --refund, --instalments N, or --offset-benefit ID with --share RATE"
                            .into(),
                    ));
                }
            };
            let o = app.record_overpayment(
                &actor,
                &gongshang_app::OverpaymentInput {
                    benefit_id: *benefit,
                    amount: yuan("--amount", amount)?,
                    reason: reason.clone(),
                    plan,
                    first_month: month(from)?,
                },
            )?;
            render_overpayment(&o, out);
        }
        PayrollCmd::Recover { overpayment, on } => {
            let on = on
                .as_deref()
                .map(|d| {
                    d.trim()
                        .parse::<jiff::civil::Date>()
                        .map_err(|e| CliError(format!("--on {d:?}: {e}")))
                })
                .transpose()?;
            render_overpayment(&app.recover_overpayment(&actor, *overpayment, on)?, out);
        }
        PayrollCmd::StopReport {
            case,
            benefit,
            event,
            event_on,
            reported_on,
            reported_by,
            pension,
            refund,
            instalments,
            note,
        } => {
            let form = gongshang_app::handling::StopReportForm {
                benefit_id: benefit.to_string(),
                event: event.clone(),
                event_on: event_on.clone(),
                reported_on: reported_on.clone().unwrap_or_default(),
                reported_by: reported_by.clone(),
                pension_monthly: pension.clone().unwrap_or_default(),
                recovery: match (refund, instalments) {
                    (_, Some(_)) => "instalments".into(),
                    _ => "refund".into(),
                },
                months: instalments.map(|n| n.to_string()).unwrap_or_default(),
                note: note.clone().unwrap_or_default(),
            };
            let v = app.report_stop_event(&actor, case, &form.parse()?)?;
            render_stop_report(&v, out);
        }
        PayrollCmd::StopReports { case, late } => {
            let rows = match (case, late) {
                (Some(c), false) => app.stop_reports(&actor, c)?,
                _ => app.late_stop_reports(&actor)?,
            };
            for v in &rows {
                render_stop_report(v, out);
            }
        }
        PayrollCmd::Imprison {
            case,
            benefit,
            imprisoned_on,
            released_on,
            document,
            refund: _,
            instalments,
        } => {
            let form = gongshang_app::handling::ImprisonmentForm {
                benefit_id: benefit.to_string(),
                imprisoned_on: imprisoned_on.clone(),
                released_on: released_on.clone().unwrap_or_default(),
                document: document.clone(),
                recovery: if instalments.is_some() {
                    "instalments".into()
                } else {
                    "refund".into()
                },
                months: instalments.map(|n| n.to_string()).unwrap_or_default(),
            };
            render_pause(&app.record_imprisonment(&actor, case, &form.parse()?)?, out);
        }
        PayrollCmd::Release {
            case,
            benefit,
            released_on,
            document,
        } => {
            let (benefit, on, document) = gongshang_app::handling::ReleaseForm {
                benefit_id: benefit.to_string(),
                released_on: released_on.clone(),
                document: document.clone(),
            }
            .parse()?;
            render_pause(
                &app.record_release(&actor, case, benefit, on, &document)?,
                out,
            );
        }
        PayrollCmd::Pauses { case } => {
            for p in &app.benefit_pauses(&actor, case)? {
                render_pause(p, out);
            }
        }
        PayrollCmd::MedicalBases {
            month: m,
            unit,
            format,
        } => {
            let unit = unit
                .as_deref()
                .map(gongshang_domain::ids::CreditCode::parse)
                .transpose()?;
            let bases = app.medical_insurance_bases(&actor, month(m)?, unit.as_ref())?;
            if out.json {
                println!("{}", serde_json::to_string_pretty(&bases)?);
            } else if format == "csv" {
                print!("{}", gongshang_app::export::csv(&bases.table(out.lang)));
            } else {
                let zh = out.lang == crate::Lang::Zh;
                for r in &bases.rows {
                    println!(
                        "{} {} {} {} {} {} {}",
                        r.unit_code.as_deref().unwrap_or("-"),
                        r.case_number,
                        r.name.as_deref().unwrap_or("-"),
                        gongshang_domain::ids::ResidentId::parse(&r.resident_id)
                            .map_or_else(|_| r.resident_id.clone(), |p| p.masked()),
                        if zh {
                            format!("{}级", r.grade)
                        } else {
                            format!("grade {}", r.grade)
                        },
                        gongshang_app::payroll::payer_words(r.payer, out.lang),
                        r.base
                    );
                }
                println!(
                    "{} {} {}",
                    if zh { "合计" } else { "total" },
                    bases.rows.len(),
                    bases.total
                );
            }
        }
        PayrollCmd::Overpayments { case } => {
            for o in app.overpayments_of_case(&actor, case)? {
                render_overpayment(&o, out);
            }
        }
        PayrollCmd::Run { month: m } => render_run(&app.run_payroll(&actor, month(m)?)?, out),
        PayrollCmd::Runs { month: m } => {
            for r in app.payroll_runs(&actor, month(m)?)? {
                render_run(&r, out);
            }
        }
        PayrollCmd::Index {
            from,
            percent,
            item,
            amount,
            benefit,
            instrument,
        } => {
            let indexation = match (percent, amount, benefit) {
                (Some(p), _, _) => Indexation::Percentage {
                    rate: Rate::parse(p.trim())
                        .map_err(|e| CliError(format!("--percent {p:?}: {e}")))?,
                    item: item
                        .as_deref()
                        .map(|i| {
                            serde_json::from_value(serde_json::Value::String(i.trim().into()))
                                .map_err(|_| CliError(format!("--item {i:?} is not an item")))
                        })
                        .transpose()?,
                },
                (None, Some(a), Some(b)) => Indexation::NewAmount {
                    benefit_id: *b,
                    amount: yuan("--amount", a)?,
                },
                _ => {
                    return Err(CliError(
                        "give --percent RATE, or --amount YUAN with --benefit ID".into(),
                    ));
                }
            };
            let r = app.index_benefits(&actor, month(from)?, &indexation, instrument)?;
            done(
                &format!("自 {} 起调整 {} 项定期待遇", r.from_month, r.benefits),
                &format!("{} benefits adjusted from {}", r.benefits, r.from_month),
            );
        }
        PayrollCmd::Suspend { benefit, reason } => {
            app.suspend_benefit(&actor, *benefit, reason)?;
            done(
                &format!("定期待遇 #{benefit} 已暂停"),
                &format!("benefit #{benefit} suspended"),
            );
        }
        PayrollCmd::Frequency {
            benefit,
            frequency,
            reason,
        } => {
            let f = gongshang_domain::month::PaymentFrequency::parse(frequency)
                .map_err(|e| CliError(format!("frequency: {e}")))?;
            app.set_payment_frequency(&actor, *benefit, f, reason)?;
            done(
                &format!(
                    "定期待遇 #{benefit} 改为{}",
                    if f == gongshang_domain::month::PaymentFrequency::HalfYearly {
                        "每半年发放"
                    } else {
                        "按月发放"
                    }
                ),
                &format!("benefit #{benefit} paid {}", f.as_str()),
            );
        }
        PayrollCmd::Resume { benefit, reason } => {
            app.resume_benefit(&actor, *benefit, reason)?;
            done(
                &format!("定期待遇 #{benefit} 已恢复"),
                &format!("benefit #{benefit} resumed"),
            );
        }
        PayrollCmd::End {
            benefit,
            reason,
            month: m,
        } => {
            let m = month(m)?;
            let end = match reason.as_str() {
                "death" => BenefitEnd::Death { month: m },
                "remarriage" => BenefitEnd::Remarriage { month: m },
                _ => BenefitEnd::TurnedEighteen { month: m },
            };
            app.end_benefit(&actor, *benefit, &end)?;
            done(
                &format!("定期待遇 #{benefit} 已终止"),
                &format!("benefit #{benefit} ended"),
            );
        }
        PayrollCmd::Retire {
            benefit,
            from,
            pension,
        } => {
            let top_up =
                app.record_retirement(&actor, *benefit, month(from)?, yuan("--pension", pension)?)?;
            done(
                &format!("自 {from} 起基金补足差额 {top_up} 元/月"),
                &format!("from {from} the fund pays the difference: {top_up} yuan a month"),
            );
        }
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct BenchPayrollArgs {
    /// How many periodic beneficiaries
    #[arg(long, default_value_t = 1_000_000)]
    pub beneficiaries: u64,
    /// A PostgreSQL URL, a SQLite path, or `sqlite` (a fresh file); give it
    /// more than once to measure each and print them side by side
    /// [default: a fresh SQLite file in a temporary folder]
    #[arg(long, value_name = "URL")]
    pub db: Vec<String>,
    /// The month paid
    #[arg(long, default_value = "2026-01")]
    pub month: String,
}

/// Seeds N benefits through the store (multi-row inserts, 100,000 per
/// transaction), then times the month's run and a second run of the month.
pub fn bench(args: &BenchPayrollArgs) -> Result<(), CliError> {
    let dir = std::env::temp_dir().join(format!("gongshang-bench-payroll-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError(format!("cannot create {}: {e}", dir.display())))?;
    let mut all = Vec::new();
    let mut result = Ok(());
    for (kind, url) in crate::bench_compare::databases(&args.db, &dir) {
        let mut figures = crate::bench_compare::Figures::new(kind);
        result = measure(args, &url, &mut figures);
        all.push(figures);
        if result.is_err() {
            break;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    crate::bench_compare::print_side_by_side(&all);
    result
}

fn measure(
    args: &BenchPayrollArgs,
    url: &str,
    figures: &mut crate::bench_compare::Figures,
) -> Result<(), CliError> {
    let m = month(&args.month)?;
    let app = crate::db::open_app(Some(url))?;
    let store = app.store();
    println!("database: {}", store.backend_name());
    let at = app.now();
    let person = ResidentId::parse("11010519491231002X")?;
    let case = store.create_case(
        &NewCase {
            number: Some(format!("BENCH-{}", at.as_nanosecond())),
            flow: gongshang_domain::case::Flow::Determination,
            person,
            unit: None,
            scheme_id: gongshang_rules::SchemeId::known("national.employees"),
            jurisdiction: "national".into(),
            region: None,
            accident_key: format!("bench-{}", at.as_nanosecond()),
            accident_date: date(2025, 1, 1),
            platform: None,
        },
        &CaseAppend {
            expected_version: 0,
            events: vec![NewCaseEvent {
                stream: gongshang_domain::case::EventStream::Determination,
                format: 1,
                kind: "bench".into(),
                on: date(2025, 1, 1),
                body: "{}".into(),
            }],
            snapshot: CaseSnapshot {
                state: gongshang_domain::case::CaseState::Withdrawn,
                closed: true,
                deadline: None,
            },
            recognises: None,
            conclusions: Vec::new(),
        },
        "bench",
        at,
    )?;
    let items = [
        Item::MonthlyDisabilityAllowance,
        Item::MonthlyLivingCare,
        Item::MonthlySurvivorPensions,
    ];
    let started = Instant::now();
    let chunk = 100_000u64;
    let mut seeded = 0u64;
    while seeded < args.beneficiaries {
        let n = chunk.min(args.beneficiaries - seeded);
        let batch: Vec<NewPeriodicBenefit> = (seeded..seeded + n)
            .map(|k| NewPeriodicBenefit {
                case_id: case.id,
                award_id: None,
                beneficiary: format!("b{k}"),
                item: items[usize::try_from(k % 3).unwrap_or(0)],
                payer: gongshang_rules::Payer::Fund,
                start_month: Month::parse("2025-06").unwrap_or(m),
                end_month: None,
                end_reason: None,
                end_condition: None,
                // 2,000.00 to 4,999.99 yuan, deterministic.
                monthly: Money::from_fen(
                    200_000 + i64::try_from((k * 7_919) % 300_000).unwrap_or(0),
                ),
            })
            .collect();
        store.create_periodic_benefits(&batch, "bench", at)?;
        seeded += n;
    }
    let seed_s = started.elapsed().as_secs_f64();
    println!(
        "seed:     {} benefits in {:.2} s ({:.0}/s; not the target)",
        seeded,
        seed_s,
        seeded as f64 / seed_s.max(1e-9)
    );
    let started = Instant::now();
    let first = app.run_payroll(
        &gongshang_app::accounts::Actor::local_administrator("bench"),
        m,
    )?;
    let run_s = started.elapsed().as_secs_f64();
    figures.add("seed benefits (s)", format!("{seed_s:.2}"));
    figures.add("run 1: pay the month (s)", format!("{run_s:.2}"));
    figures.add(
        "run 1: lines/s",
        format!("{:.0}", first.lines as f64 / run_s.max(1e-9)),
    );
    println!(
        "run 1:    {} lines, {} yuan in {:.2} s ({:.0} lines/s), posted {}",
        first.lines,
        first.total,
        run_s,
        first.lines as f64 / run_s.max(1e-9),
        first.ledger_key.as_deref().unwrap_or("-")
    );
    let started = Instant::now();
    let second = app.run_payroll(
        &gongshang_app::accounts::Actor::local_administrator("bench"),
        m,
    )?;
    let again_s = started.elapsed().as_secs_f64();
    figures.add("run 2: the same month again (s)", format!("{again_s:.2}"));
    println!(
        "run 2:    {} lines, {} yuan in {again_s:.2} s (the same month: nothing paid twice)",
        second.lines, second.total,
    );
    println!("trial balance: {}", store.trial_balance()?);
    Ok(())
}
