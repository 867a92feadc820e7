//! `gongshang unit succession|liability|secondment|posting|agreement|registration`
//! (Regulations Arts 43-44, Jiangsu measures Arts 35-36, Order No. 56
//! Art 6): a unit's division, merger, transfer or contracting out; who
//! bears an injury's or a case's liability on a day; secondments; postings
//! abroad that suspend an enrolment; the over-age worker's agreement; a
//! unit's back-payment of its uninsured period and who pays a case's items
//! (Regulations Art 62(2)-(3): `back-payment record|list`, `payers`); the
//! late fees assessed on bills paid late and their payment (Social
//! Insurance Law Art 86: `late-fees list|pay`); an approved deferral of
//! premiums (缓缴; 人社厅发〔2022〕16号, 人社部发〔2022〕31号: `defer`,
//! `deferrals`, `revoke-deferral`).

use gongshang_app::liability::{
    LiabilityQuery, LiabilityView, SecondmentRequest, SuccessionRequest, SuspensionRequest,
};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::liability::Liable;
use gongshang_domain::over_age::OverAgeAgreement;
use gongshang_domain::posting::CountryCode;
use jiff::civil::Date;

use crate::CliError;
use crate::cases_cmds::Out;

#[derive(clap::Subcommand)]
pub enum UnitCmd {
    /// A unit's division, merger, transfer or contracting out (Art 43(1)-(2))
    Succession {
        #[command(subcommand)]
        command: SuccessionCmd,
    },
    /// Who bears the work-injury liability: of a case (--case), or of an injury at a unit
    Liability {
        /// The unit where the worker was injured (not with --case)
        unit: Option<String>,
        /// A case number instead of a unit
        #[arg(long)]
        case: Option<String>,
        /// The day of the injury (with a unit)
        #[arg(long)]
        injury_date: Option<Date>,
        /// The day asked about [default: today]
        #[arg(long)]
        on: Option<Date>,
        /// The worker, whose secondments count (with a unit)
        #[arg(long)]
        person: Option<String>,
    },
    /// A worker seconded to another unit (Art 43(3))
    Secondment {
        #[command(subcommand)]
        command: SecondmentCmd,
    },
    /// A worker posted abroad under the local insurance: the enrolment suspended (Art 44)
    Posting {
        #[command(subcommand)]
        command: PostingCmd,
    },
    /// The written agreement with an over-age worker (Order No. 56 Art 6)
    Agreement {
        #[command(subcommand)]
        command: AgreementCmd,
    },
    /// A unit that had not insured its workers paid back premiums and late fees (Regulations Art 62(3))
    BackPayment {
        #[command(subcommand)]
        command: BackPaymentCmd,
    },
    /// Late fees assessed on the unit's bills paid after their due date, and their payment
    /// (Social Insurance Law Art 86; Regulations Art 62(1))
    LateFees {
        #[command(subcommand)]
        command: LateFeeCmd,
    },
    /// Record an approved deferral of the unit's premiums (缓缴; 人社厅发〔2022〕16号, 人社部发〔2022〕31号):
    /// the bills of --from..--to are due by --repay-by, no arrears and no late fee before it
    Defer {
        /// The unit's credit code
        #[arg(long)]
        unit: String,
        /// A scheme billed monthly to the unit
        #[arg(long, default_value = "national.employees")]
        scheme: String,
        /// The first deferred bill period
        #[arg(long, value_name = "YYYY-MM")]
        from: gongshang_domain::Month,
        /// The last deferred bill period
        #[arg(long, value_name = "YYYY-MM")]
        to: gongshang_domain::Month,
        /// The day by which the deferred premiums must be repaid (after --to)
        #[arg(long, value_name = "YYYY-MM-DD")]
        repay_by: Date,
        /// The instrument it rests on, e.g. 人社厅发〔2022〕16号
        #[arg(long)]
        instrument: String,
        /// The day the agency approved it [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        approved_on: Option<Date>,
    },
    /// A unit's deferrals of premiums, revoked ones included
    Deferrals {
        /// The unit's credit code
        unit: String,
    },
    /// Revoke a recorded deferral: its bills are read by their own due dates again
    RevokeDeferral {
        /// The deferral's id
        id: i64,
        /// The day of the decision revoking it [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
        #[arg(long)]
        reason: String,
    },
    /// What the unit owes the fund on advances of its cases (Social Insurance Law Art 41)
    AdvanceDebts {
        /// The unit's credit code
        unit: String,
    },
    /// Who pays each item of a case and since when (Regulations Art 62(2)-(3))
    Payers {
        /// The case number
        case: String,
    },
    /// A unit's application to register a person or end it, completed within 10 working days
    /// of its receipt (Decree 765 Arts 6, 10)
    Registration {
        #[command(subcommand)]
        command: RegistrationCmd,
    },
    /// Cancel a unit's registration once it owes nothing and none of its enrolments or
    /// benefits runs after --last-day (Decree 765 Art 10); without --last-day, show it
    Cancel {
        unit: String,
        /// The unit's last day insured, YYYY-MM-DD
        #[arg(long, value_name = "YYYY-MM-DD", requires = "reason")]
        last_day: Option<String>,
        /// The day the application was received [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        received_on: Option<String>,
        /// Why the unit ends (dissolution, bankruptcy, revocation, a move)
        #[arg(long)]
        reason: Option<String>,
        /// The document it rests on
        #[arg(long)]
        document: Option<String>,
    },
}

#[derive(clap::Subcommand)]
pub enum BackPaymentCmd {
    /// Record that UNIT settled the premiums of --from..--until with the late fees on --settled-on
    Record {
        unit: String,
        /// The scheme the premiums were owed in
        #[arg(long, default_value = "national.employees")]
        scheme: String,
        /// The first day of the uninsured period paid back
        #[arg(long)]
        from: Date,
        /// Its last day
        #[arg(long)]
        until: Date,
        #[arg(long)]
        settled_on: Date,
        /// Yuan
        #[arg(long)]
        premiums: String,
        /// Yuan (0.05% a day, Art 62(1))
        #[arg(long)]
        late_fees: String,
        /// The receipt or the agency's notice
        #[arg(long)]
        document: String,
    },
    /// A unit's back-payments
    List { unit: String },
}

#[derive(clap::Subcommand)]
pub enum LateFeeCmd {
    /// The unit's bills with late fees assessed: assessed, paid, owed; without UNIT every
    /// bill's late fees still owed
    List { unit: Option<String> },
    /// Record that the late fees of bill --bill were paid (never more than owed)
    Pay {
        /// The bill's id
        #[arg(long)]
        bill: i64,
        /// Yuan
        #[arg(long)]
        amount: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        paid_on: Date,
        /// The payment's idempotency key (the same key again records nothing)
        #[arg(long)]
        key: String,
    },
}

#[derive(clap::Subcommand)]
pub enum RegistrationCmd {
    /// Record an application received (--received-on: a paper handed in earlier; default today)
    Receive {
        unit: String,
        #[arg(long)]
        person: String,
        #[arg(long, value_parser = ["start", "end"])]
        kind: String,
        /// The employment's first day (start) or last day (end)
        #[arg(long, value_name = "YYYY-MM-DD")]
        employment_on: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        received_on: Option<String>,
        /// The enrolment an end ends
        #[arg(long, value_name = "ID")]
        enrollment: Option<i64>,
    },
    /// Complete an application with the enrolment made (start) or ended (end)
    Complete {
        id: i64,
        #[arg(long, value_name = "ID")]
        enrollment: Option<i64>,
    },
    /// A unit's applications, newest first
    List { unit: String },
    /// The applications not completed yet, the earliest due first
    Open,
}

fn render_registration(v: &gongshang_app::handling::RegistrationView, out: &Out) {
    if out.json {
        json(v);
        return;
    }
    let r = &v.row;
    let zh = out.lang == crate::Lang::Zh;
    let state = match (r.late, v.days_left, zh) {
        (Some(true), _, true) => format!(
            "{} 办结，逾期",
            r.completed_on.map(|d| d.to_string()).unwrap_or_default()
        ),
        (Some(true), _, false) => format!(
            "completed {} late",
            r.completed_on.map(|d| d.to_string()).unwrap_or_default()
        ),
        (Some(false), _, true) => format!(
            "{} 办结",
            r.completed_on.map(|d| d.to_string()).unwrap_or_default()
        ),
        (Some(false), _, false) => format!(
            "completed {}",
            r.completed_on.map(|d| d.to_string()).unwrap_or_default()
        ),
        (None, Some(n), true) if n < 0 => format!("逾期 {} 天", -n),
        (None, Some(n), false) if n < 0 => format!("overdue by {} days", -n),
        (None, Some(n), true) => format!("剩 {n} 天"),
        (None, Some(n), false) => format!("{n} days left"),
        (None, None, _) => String::new(),
    };
    println!(
        "#{} {} {} {} {} {} {} {} {} {} {state}",
        r.id,
        r.unit.as_str(),
        r.unit_name,
        r.person.masked(),
        r.kind.as_str(),
        if zh { "用工" } else { "employment" },
        r.employment_on,
        if zh { "受理" } else { "received" },
        r.received_on,
        if zh {
            format!("时限 {}", r.due_on)
        } else {
            format!("due {}", r.due_on)
        },
    );
}

#[derive(clap::Subcommand)]
pub enum SuccessionCmd {
    /// Record that PREDECESSOR divided, merged, was transferred or contracted out
    Record {
        predecessor: String,
        #[arg(long)]
        successor: String,
        /// division, merger, transfer or contracting_out
        #[arg(long)]
        kind: String,
        #[arg(long)]
        effective_on: Date,
        /// The change of registration's number, or the agreement's
        #[arg(long)]
        document: String,
        /// A contracting out to a party without an employer's standing (Jiangsu Art 36(1))
        #[arg(long)]
        unqualified_contractor: bool,
    },
    /// The successions a unit took part in
    List { unit: String },
    /// Have --successor of a recorded merger or transfer take over PREDECESSOR's unpaid
    /// bills and late fees (Regulations Art 43(1), Civil Code Art 67(1)); all or none;
    /// again: only what was billed since
    TakeOverDebts {
        predecessor: String,
        #[arg(long)]
        successor: String,
    },
    /// What a unit took over from its predecessors: bills and late fees it owes, the
    /// employer-paid benefits of their cases it pays, its own bills another unit took over
    Inherited { unit: String },
    /// Move PREDECESSOR's running enrolments to --successor of a recorded division, merger or
    /// transfer (Regulations Art 43(1), the 变更登记): each ends the day before the
    /// succession and continues there; all or none
    Transfer {
        predecessor: String,
        #[arg(long)]
        successor: String,
        /// The people who go (a division names them) [default: everyone]
        #[arg(long = "person", value_name = "RESIDENT_ID")]
        people: Vec<String>,
        /// The successor's paper commitment was received, its insured informed (for the
        /// schemes that ask for one on enrolment, 粤人社规〔2020〕55号 Art 6)
        #[arg(long)]
        paper_commitment: bool,
    },
}

#[derive(clap::Subcommand)]
pub enum SecondmentCmd {
    /// Record a secondment of an engagement's worker
    Record {
        engagement_id: i64,
        #[arg(long)]
        to_unit: String,
        #[arg(long)]
        start: Date,
        #[arg(long)]
        end: Option<Date>,
        /// The seconded-to unit's agreed share, 0 to 100
        #[arg(long)]
        share_percent: Option<u8>,
        /// The units' agreement (required with a share)
        #[arg(long)]
        agreement: Option<String>,
    },
    /// Set the last day of an open secondment
    End {
        secondment_id: i64,
        #[arg(long)]
        end: Date,
    },
    /// A person's secondments
    List { resident_id: String },
}

#[derive(clap::Subcommand)]
pub enum PostingCmd {
    /// Suspend an enrolment from --from (Art 44)
    Suspend {
        enrollment_id: i64,
        #[arg(long)]
        from: Date,
        #[arg(long)]
        until: Option<Date>,
        /// ISO 3166-1 alpha-2, e.g. SG
        #[arg(long)]
        country: String,
        #[arg(long)]
        document: String,
    },
    /// The worker returned: the suspension ends the day before
    Resume {
        suspension_id: i64,
        #[arg(long)]
        returned_on: Date,
    },
    /// A person's suspensions
    List { resident_id: String },
}

#[derive(clap::Subcommand)]
pub enum AgreementCmd {
    /// Keep the written agreement with the engagement
    Record {
        engagement_id: i64,
        #[arg(long)]
        signed_on: Date,
        #[arg(long)]
        term_start: Date,
        #[arg(long)]
        term_end: Option<Date>,
        #[arg(long)]
        work_content: String,
        #[arg(long)]
        work_place: String,
        #[arg(long)]
        working_hours: String,
        #[arg(long)]
        pay: String,
        #[arg(long)]
        social_insurance: String,
        #[arg(long)]
        labour_protection: String,
    },
    /// A person's agreements
    List { resident_id: String },
}

fn credit(field: &str, text: &str) -> Result<CreditCode, CliError> {
    CreditCode::parse(text.trim()).map_err(|e| CliError(format!("{field}: {e}")))
}

fn resident(text: &str) -> Result<ResidentId, CliError> {
    ResidentId::parse(text.trim()).map_err(|e| CliError(format!("resident id: {e}")))
}

fn json<T: serde::Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

fn print_liability(v: &LiabilityView, zh: bool) {
    match &v.answer.liable {
        Liable::Unit { unit } => println!(
            "{} {}",
            if zh {
                "承担工伤保险责任的单位："
            } else {
                "liable unit:"
            },
            unit.as_str()
        ),
        Liable::Undetermined { candidates } => println!(
            "{} {}",
            if zh {
                "分立后须由经办机构确定职工转入的单位，候选："
            } else {
                "a division: the agency names the unit the worker went to, among:"
            },
            candidates
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    for s in &v.answer.steps {
        let articles: Vec<&str> = s
            .articles
            .iter()
            .map(|a| if zh { a.zh } else { a.en })
            .collect();
        println!(
            "  {} {} {:<30} {}",
            s.from,
            s.unit.as_str(),
            s.rule.as_str(),
            articles.join("; ")
        );
    }
    if let Some(c) = &v.answer.agreed_compensation {
        println!(
            "  {} {} {}%",
            if zh {
                "借调单位约定补偿："
            } else {
                "agreed compensation by the seconded-to unit:"
            },
            c.by_unit.as_str(),
            c.percent
        );
    }
}

fn yuan(field: &str, text: &str) -> Result<gongshang_rules::Money, CliError> {
    gongshang_rules::Money::parse_yuan(text.trim()).map_err(|e| CliError(format!("{field}: {e}")))
}

fn print_back_payment(r: &gongshang_app::cases::BackPaymentRow, zh: bool) {
    println!(
        "{} {} {} {}..{} {} {} {} {} {} {}",
        r.id,
        r.unit.as_str(),
        r.scheme_id,
        r.period_from,
        r.period_until,
        if zh { "补缴于" } else { "settled on" },
        r.settled_on,
        r.premiums,
        r.late_fees,
        r.document,
        r.recorded_by
    );
}

fn print_deferral(r: &gongshang_app::deferrals::DeferralRow, zh: bool) {
    println!(
        "{} {} {} {}..{} {} {} {} {} {}",
        r.id,
        r.unit.as_str(),
        r.scheme_id,
        r.first_period,
        r.last_period,
        if zh { "缓缴至" } else { "repay by" },
        r.repay_by,
        r.instrument,
        r.approved_on,
        r.recorded_by
    );
    if let Some(v) = &r.revocation {
        println!(
            "  {} {} {}",
            if zh { "已撤销" } else { "revoked on" },
            v.revoked_on,
            v.reason
        );
    }
}

fn print_late_fees(b: &gongshang_app::model::BillLateFees, zh: bool) {
    println!(
        "{} {} {} {} {} {} {} {} {} {}",
        b.bill_id,
        b.reference,
        if zh { "到期" } else { "due" },
        b.due_date,
        if zh { "滞纳金" } else { "late fees" },
        b.assessed,
        if zh { "已缴" } else { "paid" },
        b.paid,
        if zh { "欠缴" } else { "owed" },
        b.owed
    );
    for a in &b.assessments {
        println!(
            "  {} {} × {} × {} {} = {} ({} {})",
            if zh { "缴费" } else { "payment" },
            a.settled,
            a.daily_rate,
            a.days,
            if zh { "天" } else { "days" },
            a.amount,
            if zh { "收到于" } else { "received" },
            a.assessed_on
        );
    }
}

fn print_payers(p: &gongshang_app::cases::CasePayers, zh: bool) {
    match &p.finding {
        None => println!(
            "{}",
            if zh {
                "本案不适用第六十二条"
            } else {
                "Art 62 does not apply"
            }
        ),
        Some(f) if !f.uninsured => println!(
            "{}",
            if zh {
                "事故之日用人单位已参保：按条例规定支付"
            } else {
                "insured on the accident day: the Regulations' payers"
            }
        ),
        Some(f) => {
            // Why: not enrolled (Art 62(2)), or enrolled and in arrears on
            // the accident day (Social Insurance Law Art 41), with the bills.
            let lang = if zh {
                gongshang_app::Lang::Zh
            } else {
                gongshang_app::Lang::En
            };
            match f.why(lang) {
                Some(why) => println!("{why}"),
                None => println!(
                    "{} ({})",
                    if zh {
                        "事故之日用人单位未参保，由用人单位支付（条例第六十二条第二款）"
                    } else {
                        "not insured on the accident day: the unit pays (Regulations Art 62(2))"
                    },
                    if zh {
                        f.coverage_reason.text_zh()
                    } else {
                        f.coverage_reason.text_en()
                    }
                ),
            }
            if let Some(day) = f.back_paid_on() {
                println!(
                    "{} {} ({})",
                    if zh {
                        "补缴（含滞纳金）结清于"
                    } else {
                        "back-payment with late fees settled on"
                    },
                    day,
                    if zh {
                        "此后新发生的费用由基金支付，条例第六十二条第三款"
                    } else {
                        "new costs after it are the fund's, Art 62(3)"
                    }
                );
            }
        }
    }
    for l in &p.lines {
        println!(
            "  {:<36} {:<12} {:<8} {:<8} {:<8} {}",
            if zh {
                l.item.label_zh()
            } else {
                l.item.label_en()
            },
            l.beneficiary,
            if zh {
                l.payer.label_zh()
            } else {
                l.payer.label_en()
            },
            l.from_month
                .map(|m| m.to_string())
                .unwrap_or_else(|| "-".into()),
            l.until_month.map(|m| m.to_string()).unwrap_or_default(),
            l.article.map_or("", |a| if zh { a.zh } else { a.en })
        );
        // Regulations Art 43(1): the unit that pays an employer's line, and
        // the succession that made it the payer.
        if let Some(u) = l.unit {
            match &l.succession {
                Some(s) => println!(
                    "      {} {} ({} {}, {})",
                    if zh { "支付单位" } else { "paid by" },
                    u.as_str(),
                    if zh {
                        s.kind.label_zh()
                    } else {
                        s.kind.label_en()
                    },
                    s.effective_on,
                    if zh {
                        "承继单位，条例第四十三条第一款"
                    } else {
                        "successor, Regulations Art 43(1)"
                    }
                ),
                None => println!(
                    "      {} {}",
                    if zh { "支付单位" } else { "paid by" },
                    u.as_str()
                ),
            }
        } else if l.succession.is_some() {
            println!(
                "      {}",
                if zh {
                    "分立后承继单位待定：请在转移参保关系时指明该职工"
                } else {
                    "after a division the successor is undetermined: name the worker in the enrolment transfer"
                }
            );
        }
    }
    if p.award_to_recompute {
        println!(
            "{}",
            if zh {
                "已登记补缴：请以 back_payment 为依据重新核定待遇"
            } else {
                "a back-payment is recorded: compute the award again (basis back_payment)"
            }
        );
    }
}

pub fn run(cmd: &UnitCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = crate::db::cli_actor(&app, out.actor.as_deref())?;
    let zh = out.lang == crate::Lang::Zh;
    match cmd {
        UnitCmd::Succession { command } => match command {
            SuccessionCmd::Record {
                predecessor,
                successor,
                kind,
                effective_on,
                document,
                unqualified_contractor,
            } => {
                let req = SuccessionRequest {
                    successor: credit("successor", successor)?,
                    kind: kind.trim().parse()?,
                    effective_on: *effective_on,
                    document: document.clone(),
                    contractor_qualified: Some(!unqualified_contractor),
                };
                let row =
                    app.record_succession(&actor, &credit("predecessor", predecessor)?, &req)?;
                if out.json {
                    json(&row);
                } else {
                    println!(
                        "{} {} {} → {} {}",
                        row.id,
                        if zh {
                            row.kind.label_zh()
                        } else {
                            row.kind.label_en()
                        },
                        row.predecessor.as_str(),
                        row.successor.as_str(),
                        row.effective_on
                    );
                }
            }
            SuccessionCmd::Transfer {
                predecessor,
                successor,
                people,
                paper_commitment,
            } => {
                let req = gongshang_app::liability::EnrollmentTransferRequest {
                    successor: credit("successor", successor)?,
                    people: if people.is_empty() {
                        None
                    } else {
                        Some(
                            people
                                .iter()
                                .map(|p| resident(p))
                                .collect::<Result<_, _>>()?,
                        )
                    },
                    commitment: paper_commitment.then_some(gongshang_app::CommitmentInput {
                        form: gongshang_app::model::CommitmentForm::Paper,
                        persons_informed: true,
                    }),
                };
                let t =
                    app.transfer_enrollments(&actor, &credit("predecessor", predecessor)?, &req)?;
                if out.json {
                    json(&t.moved);
                } else {
                    for m in &t.moved {
                        println!(
                            "{} {} #{} ..{} → #{} {}..",
                            m.person.masked(),
                            m.scheme_id,
                            m.from,
                            m.last_day,
                            m.to,
                            m.start
                        );
                    }
                    eprintln!(
                        "{}",
                        if zh {
                            format!("已转移 {} 个参保关系", t.moved.len())
                        } else {
                            format!("{} enrolments moved", t.moved.len())
                        }
                    );
                }
            }
            SuccessionCmd::TakeOverDebts {
                predecessor,
                successor,
            } => {
                let t = app.take_over_debts(
                    &actor,
                    &credit("predecessor", predecessor)?,
                    &credit("successor", successor)?,
                )?;
                if out.json {
                    json(&t);
                } else {
                    for d in &t.taken {
                        println!(
                            "{} {} {} {} {} → {}",
                            d.bill_id,
                            d.reference,
                            d.premiums,
                            d.late_fees,
                            d.from_unit.as_str(),
                            d.to_unit.as_str()
                        );
                    }
                    eprintln!(
                        "{}",
                        match (t.already_recorded, zh) {
                            (true, true) => "已全部承继，未作更改".to_owned(),
                            (true, false) => "taken over before: nothing changed".to_owned(),
                            (false, true) => format!("承继欠费账单 {} 张", t.taken.len()),
                            (false, false) => format!("{} bills taken over", t.taken.len()),
                        }
                    );
                }
            }
            SuccessionCmd::Inherited { unit } => {
                let i = app.inherited_of_unit(&actor, &credit("unit", unit)?)?;
                if out.json {
                    json(&i);
                } else {
                    println!(
                        "{}",
                        if zh {
                            "承继的欠费（社会保险费、滞纳金）"
                        } else {
                            "bills taken over (premiums, late fees owed today)"
                        }
                    );
                    for d in &i.debts {
                        println!(
                            "  {} {} {} {} {} ({} {})",
                            d.taken_over.bill_id,
                            d.taken_over.reference,
                            d.taken_over.bill_unit.as_str(),
                            d.premiums,
                            d.late_fees,
                            if zh {
                                d.taken_over.kind.label_zh()
                            } else {
                                d.taken_over.kind.label_en()
                            },
                            d.taken_over.effective_on
                        );
                    }
                    println!(
                        "{}",
                        if zh {
                            "承继支付的定期待遇（条例第四十三条第一款）"
                        } else {
                            "periodic benefits paid as successor (Regulations Art 43(1))"
                        }
                    );
                    for b in &i.benefits {
                        println!(
                            "  {} {} {} {} {}.. {}",
                            b.case_number,
                            b.case_unit.as_str(),
                            if zh {
                                b.item.label_zh()
                            } else {
                                b.item.label_en()
                            },
                            b.beneficiary,
                            b.from_month,
                            b.amount.map(|a| a.to_string()).unwrap_or_default()
                        );
                    }
                }
            }
            SuccessionCmd::List { unit } => {
                let rows = app.successions_of_unit(&actor, &credit("unit", unit)?)?;
                if out.json {
                    json(&rows);
                } else {
                    for r in &rows {
                        println!(
                            "{} {} {} {} → {} {} {}",
                            r.id,
                            r.effective_on,
                            if zh {
                                r.kind.label_zh()
                            } else {
                                r.kind.label_en()
                            },
                            r.predecessor.as_str(),
                            r.successor.as_str(),
                            r.successor_name,
                            r.document
                        );
                    }
                }
            }
        },
        UnitCmd::Defer {
            unit,
            scheme,
            from,
            to,
            repay_by,
            instrument,
            approved_on,
        } => {
            let req = gongshang_app::deferrals::DeferralRequest {
                unit: credit("unit", unit)?,
                scheme_id: scheme
                    .trim()
                    .parse()
                    .map_err(|e| CliError(format!("scheme: {e}")))?,
                first_period: *from,
                last_period: *to,
                repay_by: *repay_by,
                instrument: instrument.clone(),
                approved_on: approved_on.unwrap_or_else(|| app.today()),
            };
            let row = app.record_deferral(&actor, &req)?;
            if out.json {
                json(&row);
            } else {
                print_deferral(&row, zh);
            }
        }
        UnitCmd::Deferrals { unit } => {
            let rows = app.deferrals_of_unit(&actor, &credit("unit", unit)?)?;
            if out.json {
                json(&rows);
            } else {
                for r in &rows {
                    print_deferral(r, zh);
                }
            }
        }
        UnitCmd::RevokeDeferral { id, on, reason } => {
            let req = gongshang_app::deferrals::DeferralRevocationRequest {
                deferral_id: *id,
                revoked_on: on.unwrap_or_else(|| app.today()),
                reason: reason.clone(),
            };
            let row = app.revoke_deferral(&actor, &req)?;
            if out.json {
                json(&row);
            } else {
                print_deferral(&row, zh);
            }
        }
        UnitCmd::BackPayment { command } => match command {
            BackPaymentCmd::Record {
                unit,
                scheme,
                from,
                until,
                settled_on,
                premiums,
                late_fees,
                document,
            } => {
                let req = gongshang_app::cases::BackPaymentRequest {
                    unit: credit("unit", unit)?,
                    scheme_id: scheme
                        .trim()
                        .parse()
                        .map_err(|e| CliError(format!("scheme: {e}")))?,
                    period_from: *from,
                    period_until: *until,
                    settled_on: *settled_on,
                    premiums: yuan("premiums", premiums)?,
                    late_fees: yuan("late_fees", late_fees)?,
                    document: document.clone(),
                };
                let row = app.record_back_payment(&actor, &req)?;
                if out.json {
                    json(&row);
                } else {
                    print_back_payment(&row, zh);
                }
            }
            BackPaymentCmd::List { unit } => {
                let rows = app.back_payments(&actor, &credit("unit", unit)?)?;
                if out.json {
                    json(&rows);
                } else {
                    for r in &rows {
                        print_back_payment(r, zh);
                    }
                }
            }
        },
        UnitCmd::Cancel {
            unit,
            last_day,
            received_on,
            reason,
            document,
        } => {
            let code = credit("unit", unit)?;
            let row = match last_day {
                Some(last_day) => {
                    let input = gongshang_app::handling::UnitCancellationForm {
                        last_day: last_day.clone(),
                        received_on: received_on.clone().unwrap_or_default(),
                        reason: reason.clone().unwrap_or_default(),
                        document: document.clone().unwrap_or_default(),
                    }
                    .parse()?;
                    Some(app.cancel_unit(&actor, &code, &input)?)
                }
                None => app.unit_cancellation(&actor, &code)?,
            };
            match (row, out.json) {
                (Some(c), true) => json(&c),
                (Some(c), false) if zh => println!(
                    "{} 已注销社会保险登记：最后参保日 {}，{} 受理，{} 办结（应于 {} 前办结{}），原因：{}",
                    c.unit.as_str(),
                    c.last_day,
                    c.received_on,
                    c.completed_on,
                    c.due_on,
                    if c.late { "，逾期" } else { "" },
                    c.reason
                ),
                (Some(c), false) => println!(
                    "{} cancelled: last day {}, received {}, completed {} (due {}{}), reason: {}",
                    c.unit.as_str(),
                    c.last_day,
                    c.received_on,
                    c.completed_on,
                    c.due_on,
                    if c.late { ", late" } else { "" },
                    c.reason
                ),
                (None, _) if zh => println!("{} 未注销", code.as_str()),
                (None, _) => println!("{} is not cancelled", code.as_str()),
            }
        }
        UnitCmd::LateFees { command } => match command {
            LateFeeCmd::List { unit } => {
                let rows = match unit {
                    Some(u) => app.late_fees_of_unit(&actor, &credit("unit", u)?)?,
                    None => app.late_fees_owed(&actor)?,
                };
                if out.json {
                    json(&rows);
                } else {
                    for b in &rows {
                        print_late_fees(b, zh);
                    }
                }
            }
            LateFeeCmd::Pay {
                bill,
                amount,
                paid_on,
                key,
            } => {
                let receipt = app.record_late_fee_payment(
                    &actor,
                    &gongshang_app::late_fees::LateFeePaymentRequest {
                        bill_id: *bill,
                        amount: yuan("amount", amount)?,
                        paid_on: *paid_on,
                        idempotency_key: key.clone(),
                    },
                )?;
                if out.json {
                    json(&receipt.fees);
                } else {
                    if receipt.already_recorded {
                        println!(
                            "{}",
                            if zh {
                                "此前已登记"
                            } else {
                                "already recorded"
                            }
                        );
                    }
                    print_late_fees(&receipt.fees, zh);
                }
            }
        },
        UnitCmd::AdvanceDebts { unit } => {
            crate::advance_cmds::run_debts(&app, &actor, unit, out)?;
        }
        UnitCmd::Payers { case } => {
            let p = app.case_payers(&actor, case)?;
            if out.json {
                json(&p);
            } else {
                print_payers(&p, zh);
            }
        }
        UnitCmd::Liability {
            unit,
            case,
            injury_date,
            on,
            person,
        } => {
            let view = match (case, unit) {
                (Some(number), None) => app.case_liability(&actor, number, *on)?,
                (None, Some(unit)) => {
                    let injury_date = injury_date
                        .ok_or_else(|| CliError("--injury-date is needed with a unit".into()))?;
                    app.liability(
                        &actor,
                        &LiabilityQuery {
                            unit: credit("unit", unit)?,
                            injury_date,
                            on: *on,
                            person: person.as_deref().map(resident).transpose()?,
                        },
                    )?
                }
                _ => return Err(CliError("name a unit or --case NUMBER, not both".into())),
            };
            if out.json {
                json(&view);
            } else {
                print_liability(&view, zh);
            }
        }
        UnitCmd::Secondment { command } => match command {
            SecondmentCmd::Record {
                engagement_id,
                to_unit,
                start,
                end,
                share_percent,
                agreement,
            } => {
                let row = app.record_secondment(
                    &actor,
                    *engagement_id,
                    &SecondmentRequest {
                        to_unit: credit("to_unit", to_unit)?,
                        start: *start,
                        end: *end,
                        agreed_compensation_percent: *share_percent,
                        agreement: agreement.clone(),
                    },
                )?;
                json(&row);
            }
            SecondmentCmd::End { secondment_id, end } => {
                json(&app.end_secondment(&actor, *secondment_id, *end)?);
            }
            SecondmentCmd::List { resident_id } => {
                json(&app.secondments(&actor, &resident(resident_id)?)?);
            }
        },
        UnitCmd::Posting { command } => match command {
            PostingCmd::Suspend {
                enrollment_id,
                from,
                until,
                country,
                document,
            } => {
                let row = app.suspend_enrollment(
                    &actor,
                    *enrollment_id,
                    &SuspensionRequest {
                        from: *from,
                        until: *until,
                        country: CountryCode::parse(country)?,
                        document: document.clone(),
                    },
                )?;
                json(&row);
            }
            PostingCmd::Resume {
                suspension_id,
                returned_on,
            } => {
                json(&app.resume_enrollment(&actor, *suspension_id, *returned_on)?);
            }
            PostingCmd::List { resident_id } => {
                json(&app.suspensions(&actor, &resident(resident_id)?)?);
            }
        },
        UnitCmd::Agreement { command } => match command {
            AgreementCmd::Record {
                engagement_id,
                signed_on,
                term_start,
                term_end,
                work_content,
                work_place,
                working_hours,
                pay,
                social_insurance,
                labour_protection,
            } => {
                let agreement = OverAgeAgreement {
                    signed_on: *signed_on,
                    term_start: *term_start,
                    term_end: *term_end,
                    work_content: work_content.clone(),
                    work_place: work_place.clone(),
                    working_hours: working_hours.clone(),
                    pay: pay.clone(),
                    social_insurance: social_insurance.clone(),
                    labour_protection: labour_protection.clone(),
                };
                json(&app.record_over_age_agreement(&actor, *engagement_id, &agreement)?);
            }
            AgreementCmd::List { resident_id } => {
                json(&app.over_age_agreements(&actor, &resident(resident_id)?)?);
            }
        },
        UnitCmd::Registration { command } => match command {
            RegistrationCmd::Receive {
                unit: u,
                person,
                kind,
                employment_on,
                received_on,
                enrollment,
            } => {
                let form = gongshang_app::handling::RegistrationForm {
                    resident_id: person.clone(),
                    kind: kind.clone(),
                    employment_on: employment_on.clone(),
                    received_on: received_on.clone().unwrap_or_default(),
                    enrollment_id: enrollment.map(|e| e.to_string()).unwrap_or_default(),
                };
                let input = form.parse(&credit("unit", u)?)?;
                render_registration(&app.receive_registration(&actor, &input)?, out);
            }
            RegistrationCmd::Complete { id, enrollment } => {
                render_registration(&app.complete_registration(&actor, *id, *enrollment)?, out);
            }
            RegistrationCmd::List { unit: u } => {
                for v in app.registrations_of_unit(&actor, &credit("unit", u)?)? {
                    render_registration(&v, out);
                }
            }
            RegistrationCmd::Open => {
                for v in app.open_registrations(&actor)? {
                    render_registration(&v, out);
                }
            }
        },
    }
    Ok(())
}
