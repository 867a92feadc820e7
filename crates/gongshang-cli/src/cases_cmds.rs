//! `gongshang case file|show|act|queue|recuse|recusals|missing`, `gongshang appraisal ...` and
//! `gongshang award compute|approve|show|pay`: thin views over the case
//! services. Chinese by default, `--lang en`, `--json`.

use std::io::Read;
use std::path::PathBuf;

use gongshang_app::accounts::Actor;
use gongshang_app::cases::{
    AwardRequest, AwardView, CaseCommand, CaseView, MissingRequest, MissingStatus, MissingView,
};
use gongshang_domain::appraisal;
use gongshang_domain::case::{AwardStatus, CaseState};
use gongshang_domain::deadline::DeadlineKind;
use gongshang_rules::NursingLevel;
use gongshang_rules::{Item, Payer};
use jiff::civil::Date;

use crate::{CliError, Lang};

/// What every case command takes.
#[derive(clap::Args, Clone)]
pub struct Out {
    #[arg(long, value_name = "URL", global = true)]
    pub db: Option<String>,
    #[arg(long, default_value = "zh", value_parser = crate::parse_lang, global = true)]
    pub lang: Lang,
    #[arg(long, global = true)]
    pub json: bool,
    /// Who does it: an account's login (its role applies), or a local
    /// administrator's name (maker-checker compares it) [default: $USER]
    #[arg(long, value_name = "NAME", global = true)]
    pub actor: Option<String>,
}

impl Out {
    fn actor(&self, app: &gongshang_app::App) -> Result<Actor, CliError> {
        crate::db::cli_actor(app, self.actor.as_deref())
    }

    fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }
}

#[derive(clap::Subcommand)]
pub enum CaseCmd {
    /// File an application from a JSON file (`-` for stdin); its scheme decides the flow
    File { file: PathBuf },
    /// A case, its deadlines and its events
    Show { number: String },
    /// A command to the case's flow (determination; confirmation: confirm, deny, withdraw;
    /// claim: approve, decline, pay, withdraw): a name or JSON
    Act {
        number: String,
        /// e.g. accept, or '{"command":"decide","finding":{"finding":"recognised","ground":"art14_1_work_accident"}}'
        command: String,
        /// The day it happened [default: today in China]
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
    /// Withdraw from a case (回避, Regulations Art 20(4)): your own, or, for an
    /// administrator, another official's; their actions on the case are refused from then on
    Recuse {
        number: String,
        /// The interest in the case (a relative of the worker, a shareholder of the unit, ...)
        #[arg(long)]
        reason: String,
        /// The official's login [default: the actor]
        #[arg(long, value_name = "LOGIN")]
        official: Option<String>,
    },
    /// The officials who withdrew from a case
    Recusals { number: String },
    /// A worker missing after an accident (Regulations Art 41): the record,
    /// what the clerk records, and the missing worker's award
    Missing {
        #[command(subcommand)]
        command: MissingCmd,
    },
    /// A recurrence of a recognised injury (旧伤复发, Regulations Art 38):
    /// recorded on the old case, its suspension wages for review
    Recurrence {
        #[command(subcommand)]
        command: RecurrenceCmd,
    },
    /// Medical, rehabilitation and assistive-device bills of a case
    /// (Regulations Arts 30-32, 48; Decree 765 Art 22): list, file, claim, settle
    Medical {
        #[command(subcommand)]
        command: crate::medical_cmds::MedicalCmd,
    },
    /// The fund's advance payment (先行支付, Social Insurance Law Arts
    /// 41-42, Order No. 15): apply, the unit's notice, decide, pay, recover
    Advance {
        #[command(subcommand)]
        command: crate::advance_cmds::AdvanceCmd,
    },
    /// What the unit owes the worker under the approved award (Guangdong
    /// Regulations Art 56's difference and the other employer items) and
    /// what it paid: show, pay, correct
    UnitDues {
        #[command(subcommand)]
        command: UnitDuesCmd,
    },
    /// Open cases by days left, the overdue first
    Queue {
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// A notice of the case: decision, inadmissible, materials or award
    Notice {
        number: String,
        /// decision, inadmissible, materials or award
        kind: String,
        /// html or pdf
        #[arg(long, default_value = "html")]
        format: String,
        /// Where to write it [default: stdout for html; NUMBER-KIND.pdf for pdf]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `gongshang case recurrence ...` (Regulations Art 38).
#[derive(clap::Subcommand)]
pub enum RecurrenceCmd {
    /// The case's recurrences with their awards
    List { number: String },
    /// Record a recurrence and who confirmed it needs treatment
    Record {
        number: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        recurred_on: Date,
        /// agreement_institution (协议医疗机构) or appraisal_committee (劳动能力鉴定委员会)
        #[arg(long)]
        confirmed_by: String,
        /// The institution's or committee's name
        #[arg(long)]
        body_name: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        confirmed_on: Date,
        /// The confirmation's document number
        #[arg(long)]
        document: String,
        /// The medical costs (Art 30), as a note
        #[arg(long, default_value = "")]
        medical_note: String,
    },
    /// Compute recurrence SEQ's suspension wages (Art 33 on the wage at the
    /// recurrence), proposed for review
    Award {
        number: String,
        seq: i64,
        /// Yuan a month, e.g. 7800.00
        #[arg(long)]
        wage: String,
        #[arg(long)]
        months: u32,
        /// The committee confirmed an extension beyond 12 months
        #[arg(long)]
        extension_confirmed: bool,
    },
    /// Approve a recurrence's proposed award (a second person)
    Approve { award_id: i64 },
}

/// `gongshang case unit-dues ...` (Guangdong Regulations Art 56).
#[derive(clap::Subcommand)]
pub enum UnitDuesCmd {
    /// Each item the unit owes, what it paid and what is outstanding
    Show {
        number: String,
        /// The month the monthly items are owed up to [default: this month]
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
    },
    /// Record that the unit paid the worker an item (on its receipt or slip)
    Pay {
        number: String,
        /// The item, e.g. one_time_disability_subsidy, monthly_disability_allowance
        #[arg(long)]
        item: String,
        /// worker (default), spouse, dependant-1, ...
        #[arg(long)]
        beneficiary: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        paid_on: Date,
        /// Yuan, e.g. 57500.00
        #[arg(long)]
        amount: String,
        /// The unit's receipt or transfer slip
        #[arg(long)]
        document: String,
        /// The agency's own note (not shown to the worker or the unit)
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Correct a mistaken record of a payment by its negative
    Correct {
        number: String,
        payment_id: i64,
        #[arg(long)]
        reason: String,
    },
}

fn run_unit_dues(
    app: &gongshang_app::App,
    actor: &Actor,
    cmd: &UnitDuesCmd,
    out: &Out,
) -> Result<(), CliError> {
    let number = match cmd {
        UnitDuesCmd::Show { number, .. } => number,
        UnitDuesCmd::Pay {
            number,
            item,
            beneficiary,
            paid_on,
            amount,
            document,
            note,
        } => {
            let req = gongshang_app::cases::UnitDuePaymentRequest {
                item: serde_json::from_value(serde_json::Value::String(item.trim().to_owned()))
                    .map_err(|_| CliError(format!("--item {item:?} is not an item")))?,
                beneficiary: beneficiary.clone(),
                paid_on: *paid_on,
                amount: gongshang_rules::Money::parse_yuan(amount)
                    .map_err(|e| CliError(format!("--amount: {e}")))?,
                document: document.clone(),
                note: note.clone(),
            };
            let p = app.record_unit_due_payment(actor, number, &req)?;
            if out.json {
                return print_json(&p);
            }
            println!(
                "recorded: payment {} of {} {} paid on {}",
                p.id,
                p.amount,
                p.item.name(),
                p.paid_on
            );
            return Ok(());
        }
        UnitDuesCmd::Correct {
            number,
            payment_id,
            reason,
        } => {
            let p = app.correct_unit_due_payment(actor, number, *payment_id, reason)?;
            if out.json {
                return print_json(&p);
            }
            println!("recorded: correction {} of payment {payment_id}", p.id);
            return Ok(());
        }
    };
    let as_of = match cmd {
        UnitDuesCmd::Show { as_of: Some(m), .. } => Some(
            gongshang_domain::month::Month::parse(m)
                .map_err(|e| CliError(format!("--as-of: {e}")))?,
        ),
        _ => None,
    };
    let dues = app.unit_dues(actor, number, as_of)?;
    if out.json {
        return print_json(&dues);
    }
    if out.zh() {
        println!(
            "项目,受益人,支付方式,金额,起始月,终止月,应付月数,截至{}应付,已付,未付,依据",
            dues.as_of
        );
    } else {
        println!(
            "item,beneficiary,periodicity,amount,from_month,until_month,months_owed,owed_to_{},paid,outstanding,citation",
            dues.as_of
        );
    }
    for l in &dues.lines {
        println!(
            "{},{},{},{},{},{},{},{},{},{},{}",
            if out.zh() {
                l.item.label_zh()
            } else {
                l.item.name()
            },
            l.beneficiary,
            if l.periodicity == gongshang_rules::award::Periodicity::Monthly {
                "monthly"
            } else {
                "one_time"
            },
            l.amount,
            l.from_month.map(|m| m.to_string()).unwrap_or_default(),
            l.until_month.map(|m| m.to_string()).unwrap_or_default(),
            l.months_owed,
            l.owed,
            l.paid,
            l.outstanding,
            l.citation.replace(',', "，")
        );
    }
    println!(
        "{},{},{}",
        if out.zh() {
            "合计应付"
        } else {
            "total owed"
        },
        dues.owed,
        if out.zh() {
            format!("已付{}，未付{}", dues.paid, dues.outstanding)
        } else {
            format!("paid {}, outstanding {}", dues.paid, dues.outstanding)
        }
    );
    Ok(())
}

/// `gongshang case missing ...` (Regulations Art 41).
#[derive(clap::Subcommand)]
pub enum MissingCmd {
    /// The case's missing-worker record: status, the employer's three months,
    /// the first month of the survivors' pensions, the events
    Show { number: String },
    /// The worker went missing in the accident, on a work trip or in disaster relief
    Report {
        number: String,
        /// work_trip (因工外出期间发生事故) or disaster_relief (在抢险救灾中)
        #[arg(long)]
        circumstance: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
    /// The family in hardship applies for 50% of the one-time death benefit (once)
    Advance {
        number: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
    /// A court declared the worker dead (Art 39 applies, less the advance)
    DeclareDead {
        number: String,
        /// The day of the judgment
        #[arg(long, value_name = "YYYY-MM-DD")]
        judgment_on: Date,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
    /// The worker reappeared: the survivors' pensions stop after this month
    Reappear {
        number: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
    /// Compute the missing worker's award from a facts file (JSON: own_wage,
    /// dependants), proposed for review
    Award {
        number: String,
        facts: PathBuf,
        /// initial, facts_corrected, parameter_correction, ...
        #[arg(long, default_value = "initial")]
        basis: String,
        /// The id of the approved award the new one replaces
        #[arg(long, value_name = "AWARD_ID")]
        replaces: Option<i64>,
    },
}

#[derive(clap::Subcommand)]
pub enum AppraisalCmd {
    /// The first application (Art 23)
    Apply(AppraisalArgs),
    /// Extend the 60 days by 30 (Art 25)
    Extend {
        #[command(flatten)]
        args: AppraisalArgs,
        #[arg(long)]
        reason: String,
    },
    /// The committee's conclusion
    Conclude {
        #[command(flatten)]
        args: AppraisalArgs,
        /// 1 (most severe) to 10; none when no grade is reached
        #[arg(long)]
        grade: Option<u8>,
        /// partly, mostly or fully
        #[arg(long)]
        nursing: Option<String>,
    },
    /// The applicant received the conclusion (Art 26's 15 days run)
    Receive(AppraisalArgs),
    /// Re-appraisal at the provincial committee (Art 26)
    Reappraise(AppraisalArgs),
    /// Review after at least a year (Art 28)
    Review(AppraisalArgs),
    /// The conclusions of a case
    History { number: String },
    /// Record the committee's decision revoking the conclusion in force, obtained by forged
    /// records or impersonation (Order No. 55 Art 31(1)); a reviewer applies it
    Revoke(RevisionArgs),
    /// Record the committee's decision correcting the conclusion in force to another grade
    /// (Order No. 55 Art 31(2)); a reviewer applies it
    Correct {
        #[command(flatten)]
        args: RevisionArgs,
        /// 1 (most severe) to 10; none when no grade is reached
        #[arg(long)]
        grade: Option<u8>,
        /// partly, mostly or fully
        #[arg(long)]
        nursing: Option<String>,
    },
    /// Apply a recorded revision (a second person): the award superseded, the benefits stopped
    /// or changed from the next month unpaid, the overpayment recorded for recovery
    ApplyRevision { revision_id: i64 },
    /// Pay an applied correction's arrears (what the months paid fell short of the corrected
    /// conclusion), once
    PayArrears {
        revision_id: i64,
        /// The day paid, YYYY-MM-DD (not before the revision was applied)
        #[arg(long)]
        paid_on: Date,
    },
    /// The revisions of a case's conclusions
    Revisions { number: String },
    /// Record an appraisal's fee and who paid it (the fund: Regulations Art 12, posted to the ledger)
    Fee {
        number: String,
        /// The appraisal: its conclusion's number on the case (see `appraisal history`)
        #[arg(long)]
        appraisal: Option<i64>,
        /// Yuan, e.g. 350.00
        #[arg(long)]
        amount: Option<gongshang_rules::Money>,
        /// fund, unit or worker
        #[arg(long)]
        payer: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        paid_on: Option<Date>,
    },
    /// The appraisal fees of a case
    Fees { number: String },
}

#[derive(clap::Args)]
pub struct RevisionArgs {
    pub number: String,
    /// Why the committee revised it
    #[arg(long)]
    pub reason: String,
    /// The number of the committee's decision (文号)
    #[arg(long)]
    pub decision_no: String,
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub decided_on: Date,
    /// Recover the overpayment in so many monthly instalments [default: a refund at once]
    #[arg(long)]
    pub instalments: Option<u32>,
}

fn revision_input(
    a: &RevisionArgs,
    revision: appraisal::Revision,
) -> gongshang_app::cases::RevisionInput {
    gongshang_app::cases::RevisionInput {
        revision,
        reason: a.reason.clone(),
        decision_no: a.decision_no.clone(),
        decided_on: a.decided_on,
        recovery: match a.instalments {
            None => gongshang_app::model::RevisionRecovery::Refund,
            Some(months) => gongshang_app::model::RevisionRecovery::Instalments { months },
        },
    }
}

fn render_revision(r: &gongshang_app::model::RevisionRow, out: &Out) {
    let zh = out.zh();
    let kind = match (r.kind, zh) {
        (gongshang_app::model::RevisionKind::Revoke, true) => "撤销".to_owned(),
        (gongshang_app::model::RevisionKind::Revoke, false) => "revoked".to_owned(),
        (gongshang_app::model::RevisionKind::Correct, true) => format!(
            "纠正为{}",
            r.grade
                .map_or_else(|| "未达级".to_owned(), |g| format!("{g}级"))
        ),
        (gongshang_app::model::RevisionKind::Correct, false) => format!(
            "corrected to grade {}",
            r.grade.map_or_else(|| "none".to_owned(), |g| g.to_string())
        ),
    };
    match (&r.applied, zh) {
        (None, true) => println!(
            "{} #{}  鉴定结论{}{}（{} {}），已登记，待复核人执行",
            r.reference, r.id, r.conclusion, kind, r.decision_no, r.decided_on
        ),
        (None, false) => println!(
            "{} #{}  conclusion {} {} ({} of {}), recorded, awaiting a reviewer",
            r.reference, r.id, r.conclusion, kind, r.decision_no, r.decided_on
        ),
        (Some(a), true) => println!(
            "{} #{}  鉴定结论{}{}（{} {}），已执行：多发 {} 元追回，少发 {} 元补发（《劳动能力鉴定管理办法》第三十一条）",
            r.reference,
            r.id,
            r.conclusion,
            kind,
            r.decision_no,
            r.decided_on,
            a.overpaid,
            a.underpaid
        ),
        (Some(a), false) => println!(
            "{} #{}  conclusion {} {} ({} of {}), applied: {} yuan overpaid to recover, {} yuan underpaid to pay (Order No. 55 Art 31)",
            r.reference,
            r.id,
            r.conclusion,
            kind,
            r.decision_no,
            r.decided_on,
            a.overpaid,
            a.underpaid
        ),
    }
    if let Some(p) = &r.arrears_paid {
        if zh {
            println!(
                "  少发 {} 元已于 {} 补发（{}）",
                p.amount, p.paid_on, p.paid_by
            );
        } else {
            println!(
                "  the {} yuan underpaid were paid on {} ({})",
                p.amount, p.paid_on, p.paid_by
            );
        }
    }
}

#[derive(clap::Args)]
pub struct AppraisalArgs {
    pub number: String,
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub on: Option<Date>,
}

#[derive(clap::Subcommand)]
pub enum AwardCmd {
    /// Compute the award of a recognised case from a facts file (JSON: own_wage, suspension_months, ...)
    Compute {
        number: String,
        facts: PathBuf,
        /// initial, new_appraisal, parameter_correction, ...
        #[arg(long, default_value = "initial")]
        basis: String,
        /// Birth dates of the non-spouse dependants, in order (YYYY-MM-DD,...)
        #[arg(long, value_delimiter = ',')]
        dependant_birth_dates: Vec<Date>,
        /// The id of the approved award the new one replaces (required, as the
        /// confirmation, when the case has an approved award)
        #[arg(long, value_name = "AWARD_ID")]
        replaces: Option<i64>,
    },
    /// Approve a proposed award (a second person: not its maker)
    Approve { award_id: i64 },
    /// An award with its items, difference, benefits and payments
    Show {
        award_id: Option<i64>,
        #[arg(long, value_name = "NUMBER", conflicts_with = "award_id")]
        case: Option<String>,
    },
    /// Pay the fund's one-time items not yet paid
    Pay {
        number: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
}

fn read_text(path: &PathBuf) -> Result<String, CliError> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        return Ok(s);
    }
    std::fs::read_to_string(path)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), CliError> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// The state as a person reads it (Chinese), or its stable name.
fn state_text(state: CaseState, zh: bool) -> &'static str {
    if zh { state.label_zh() } else { state.as_str() }
}

fn deadline_text(kind: DeadlineKind, zh: bool) -> &'static str {
    if zh { kind.label_zh() } else { kind.as_str() }
}

/// The serde name of an enum of the rules engine (`one_time_disability_subsidy`).
fn wire<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn item_text(item: Item, zh: bool) -> String {
    if zh {
        item.label_zh().to_owned()
    } else {
        wire(&item)
    }
}

fn payer_text(payer: Payer, zh: bool) -> String {
    if zh {
        payer.label_zh().to_owned()
    } else {
        wire(&payer)
    }
}

fn status_text(status: AwardStatus, zh: bool) -> &'static str {
    if zh {
        status.label_zh()
    } else {
        status.as_str()
    }
}

fn render_case(v: &CaseView, out: &Out) -> String {
    let r = &v.row;
    let mut s = String::new();
    if out.zh() {
        s.push_str(&format!(
            "案件 {}（{}）\n",
            r.number,
            state_text(r.state, true)
        ));
        s.push_str(&format!(
            "  人员 {}  单位 {}  方案 {}  事故日 {}\n",
            r.person.masked(),
            r.unit.as_ref().map_or("-", |u| u.as_str()),
            r.scheme_id,
            r.accident_date
        ));
        for d in &v.deadlines {
            s.push_str(&format!(
                "  期限：{} {}（{}）\n",
                deadline_text(d.kind, true),
                d.due,
                d.article
            ));
        }
        if let Some(n) = v.days_left {
            s.push_str(&format!(
                "  剩余天数：{n}{}\n",
                if n < 0 { "（已超期）" } else { "" }
            ));
        }
        if let Some(c) = v.appraisal.current() {
            s.push_str(&format!(
                "  鉴定结论：{}级伤残{}（{}）\n",
                c.grade.map_or("未达".to_owned(), |g| g.get().to_string()),
                c.nursing
                    .map(|n| format!("，生活护理：{}", text(&n)))
                    .unwrap_or_default(),
                c.concluded_on
            ));
        }
        s.push_str(&flow_lines(v, true));
        s.push_str(&format!("  事件（版本 {}）：\n", r.version));
    } else {
        s.push_str(&format!("case {} ({})\n", r.number, r.state));
        s.push_str(&format!(
            "  person {}  unit {}  scheme {}  accident {}\n",
            r.person.masked(),
            r.unit.as_ref().map_or("-", |u| u.as_str()),
            r.scheme_id,
            r.accident_date
        ));
        for d in &v.deadlines {
            s.push_str(&format!(
                "  deadline: {} {} ({})\n",
                text(&d.kind),
                d.due,
                d.article
            ));
        }
        if let Some(n) = v.days_left {
            s.push_str(&format!(
                "  days left: {n}{}\n",
                if n < 0 { " (overdue)" } else { "" }
            ));
        }
        if let Some(c) = v.appraisal.current() {
            s.push_str(&format!(
                "  appraisal: grade {}{} ({})\n",
                c.grade.map_or("none".to_owned(), |g| g.get().to_string()),
                c.nursing
                    .map(|n| format!(", nursing {}", text(&n)))
                    .unwrap_or_default(),
                c.concluded_on
            ));
        }
        s.push_str(&flow_lines(v, false));
        s.push_str(&format!("  events (version {}):\n", r.version));
    }
    for e in &v.events {
        s.push_str(&format!(
            "    {:>3} {} {:<13} {}\n",
            e.seq,
            e.on,
            e.stream.as_str(),
            e.kind
        ));
    }
    s
}

fn text<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

pub fn run_case(cmd: &CaseCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = out.actor(&app)?;
    match cmd {
        CaseCmd::File { file } => {
            let text = read_text(file)?;
            // The scheme decides the flow: determination, confirmation or claim.
            let row = app.file_application(&actor, &text)?;
            let view = app.case_view(&actor, &row.number)?;
            if out.json {
                return print_json(&view);
            }
            print!("{}", render_case(&view, out));
        }
        CaseCmd::Show { number } => {
            let view = app.case_view(&actor, number)?;
            if out.json {
                return print_json(&view);
            }
            print!("{}", render_case(&view, out));
        }
        CaseCmd::Act {
            number,
            command,
            on,
        } => {
            let json = if command.trim_start().starts_with('{') {
                command.clone()
            } else {
                format!(
                    r#"{{"command":{}}}"#,
                    serde_json::Value::String(command.trim().into())
                )
            };
            // The case's flow decides which commands apply.
            let cmd = app.flow_command(&actor, number, &json)?;
            app.act(&actor, number, cmd, *on)?;
            let view = app.case_view(&actor, number)?;
            if out.json {
                return print_json(&view);
            }
            print!("{}", render_case(&view, out));
        }
        CaseCmd::Notice {
            number,
            kind,
            format,
            out: file,
        } => {
            let format = gongshang_app::notices::NoticeFormat::parse(format)?;
            let notice = app.render_case_notice(&actor, number, kind, format)?;
            let path = match (file, format) {
                (Some(p), _) => Some(p.clone()),
                (None, gongshang_app::notices::NoticeFormat::Pdf) => {
                    Some(PathBuf::from(&notice.file_name))
                }
                (None, gongshang_app::notices::NoticeFormat::Html) => None,
            };
            match path {
                Some(p) if p.as_os_str() != "-" => {
                    std::fs::write(&p, &notice.body)
                        .map_err(|e| CliError(format!("{}: {e}", p.display())))?;
                    eprintln!("{} ({} bytes)", p.display(), notice.body.len());
                }
                _ => {
                    use std::io::Write;
                    std::io::stdout()
                        .write_all(&notice.body)
                        .map_err(|e| CliError(format!("stdout: {e}")))?;
                }
            }
        }
        CaseCmd::Recuse {
            number,
            reason,
            official,
        } => {
            let r = app.record_recusal(&actor, number, official.as_deref(), reason)?;
            if out.json {
                return print_json(&r);
            }
            if out.zh() {
                println!("已登记：{} 回避案件 {number}（{}）", r.official, r.reason);
            } else {
                println!(
                    "recorded: {} withdraws from case {number} ({})",
                    r.official, r.reason
                );
            }
        }
        CaseCmd::Recusals { number } => {
            let list = app.recusals(&actor, number)?;
            if out.json {
                return print_json(&list);
            }
            if out.zh() {
                println!("回避人员,理由,登记人,登记时间");
            } else {
                println!("official,reason,recorded_by,recorded_at");
            }
            for r in &list {
                println!(
                    "{},{},{},{}",
                    r.official,
                    r.reason.replace(',', "，"),
                    r.recorded_by,
                    r.recorded_at
                );
            }
        }
        CaseCmd::Missing { command } => return run_missing(&app, &actor, command, out),
        CaseCmd::UnitDues { command } => return run_unit_dues(&app, &actor, command, out),
        CaseCmd::Recurrence { command } => return run_recurrence(&app, &actor, command, out),
        CaseCmd::Medical { command } => {
            return crate::medical_cmds::run_medical(&app, &actor, command, out);
        }
        CaseCmd::Advance { command } => {
            return crate::advance_cmds::run_advance(&app, &actor, command, out);
        }
        CaseCmd::Queue { limit } => {
            let queue = app.work_queue(&actor, *limit)?;
            if out.json {
                return print_json(&queue);
            }
            if out.zh() {
                println!("案件号,状态,期限,到期日,剩余天数,超期");
            } else {
                println!("number,state,deadline,due,days_left,overdue");
            }
            for q in &queue {
                let (state, kind, overdue) = if out.zh() {
                    (
                        state_text(q.state, true),
                        deadline_text(q.deadline.kind, true),
                        if q.overdue { "是" } else { "否" },
                    )
                } else {
                    (
                        state_text(q.state, false),
                        deadline_text(q.deadline.kind, false),
                        if q.overdue { "yes" } else { "no" },
                    )
                };
                println!(
                    "{},{state},{kind},{},{},{overdue}",
                    q.number, q.deadline.due, q.days_left
                );
            }
        }
    }
    Ok(())
}

fn parse_nursing(text: &str) -> Result<NursingLevel, CliError> {
    serde_json::from_value(serde_json::Value::String(text.trim().into())).map_err(|_| {
        CliError(format!(
            "--nursing {text:?} is not a nursing level; expected partly, mostly or fully"
        ))
    })
}

pub fn run_appraisal(cmd: &AppraisalCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = out.actor(&app)?;
    let (args, command) = match cmd {
        AppraisalCmd::Fee {
            number,
            appraisal,
            amount,
            payer,
            paid_on,
        } => {
            let payer = payer
                .as_deref()
                .map(|p| {
                    gongshang_app::cases::AppraisalFeePayer::parse(p).ok_or_else(|| {
                        CliError(format!("--payer {p:?}: one of fund, unit, worker"))
                    })
                })
                .transpose()?;
            let fee = app.record_appraisal_fee(
                &actor,
                number,
                &gongshang_app::cases::AppraisalFeeInput {
                    appraisal: *appraisal,
                    amount: *amount,
                    payer,
                    paid_on: *paid_on,
                },
            )?;
            if out.json {
                return print_json(&fee);
            }
            println!(
                "{} #{} ({}): {} yuan paid by the {} on {}{}{}",
                fee.case_number,
                fee.fee.conclusion_number,
                fee.appraisal_kind,
                fee.fee.amount,
                fee.fee.payer.as_str(),
                fee.fee.paid_on,
                fee.fee
                    .ledger_key
                    .as_deref()
                    .map_or(String::new(), |k| format!("; ledger {k}")),
                if fee.fee.recorded_now {
                    ""
                } else {
                    " (already recorded; nothing changed)"
                }
            );
            return Ok(());
        }
        AppraisalCmd::Fees { number } => {
            let fees = app.appraisal_fees(&actor, number)?;
            if out.json {
                return print_json(&fees);
            }
            println!("appraisal,kind,amount,payer,paid_on,ledger_key");
            for f in &fees {
                println!(
                    "{},{},{},{},{},{}",
                    f.fee.conclusion_number,
                    f.appraisal_kind,
                    f.fee.amount,
                    f.fee.payer.as_str(),
                    f.fee.paid_on,
                    f.fee.ledger_key.as_deref().unwrap_or("")
                );
            }
            return Ok(());
        }
        AppraisalCmd::Apply(a) => (a, appraisal::Command::Apply),
        AppraisalCmd::Extend { args, reason } => (
            args,
            appraisal::Command::Extend {
                reason: reason.clone(),
            },
        ),
        AppraisalCmd::Conclude {
            args,
            grade,
            nursing,
        } => (
            args,
            appraisal::Command::Conclude {
                grade: *grade,
                nursing: nursing.as_deref().map(parse_nursing).transpose()?,
            },
        ),
        AppraisalCmd::Receive(a) => (a, appraisal::Command::Receive),
        AppraisalCmd::Reappraise(a) => (a, appraisal::Command::ApplyReappraisal),
        AppraisalCmd::Review(a) => (a, appraisal::Command::ApplyReview),
        AppraisalCmd::Revoke(a) => {
            let r = app.record_appraisal_revision(
                &actor,
                &a.number,
                &revision_input(a, appraisal::Revision::Revoke),
            )?;
            if out.json {
                return print_json(&r);
            }
            render_revision(&r, out);
            return Ok(());
        }
        AppraisalCmd::Correct {
            args,
            grade,
            nursing,
        } => {
            let revision = appraisal::Revision::Correct {
                grade: *grade,
                nursing: nursing.as_deref().map(parse_nursing).transpose()?,
            };
            let r = app.record_appraisal_revision(
                &actor,
                &args.number,
                &revision_input(args, revision),
            )?;
            if out.json {
                return print_json(&r);
            }
            render_revision(&r, out);
            return Ok(());
        }
        AppraisalCmd::ApplyRevision { revision_id } => {
            let r = app.apply_appraisal_revision(&actor, *revision_id)?;
            if out.json {
                return print_json(&r);
            }
            render_revision(&r, out);
            return Ok(());
        }
        AppraisalCmd::PayArrears {
            revision_id,
            paid_on,
        } => {
            let r = app.pay_revision_arrears(&actor, *revision_id, *paid_on)?;
            if out.json {
                return print_json(&r);
            }
            render_revision(&r, out);
            return Ok(());
        }
        AppraisalCmd::Revisions { number } => {
            let rows = app.appraisal_revisions(&actor, number)?;
            if out.json {
                return print_json(&rows);
            }
            for r in &rows {
                render_revision(r, out);
            }
            return Ok(());
        }
        AppraisalCmd::History { number } => {
            let history = app.appraisal_history(&actor, number)?;
            if out.json {
                return print_json(&history);
            }
            if out.zh() {
                println!("序号,类别,级别,申请日,结论日,伤残等级,护理等级,超期天数");
            } else {
                println!("number,kind,level,applied_on,concluded_on,grade,nursing,late_by_days");
            }
            for c in &history {
                println!(
                    "{},{},{},{},{},{},{},{}",
                    c.number,
                    c.kind,
                    c.level,
                    c.applied_on,
                    c.concluded_on,
                    c.grade.map_or(String::new(), |g| g.to_string()),
                    c.nursing.as_deref().unwrap_or(""),
                    c.late_by_days
                );
            }
            return Ok(());
        }
    };
    app.act(
        &actor,
        &args.number,
        CaseCommand::Appraisal(command),
        args.on,
    )?;
    let view = app.case_view(&actor, &args.number)?;
    if out.json {
        return print_json(&view);
    }
    print!("{}", render_case(&view, out));
    Ok(())
}

fn render_award(v: &AwardView, out: &Out) -> String {
    let a = &v.award;
    let zh = out.zh();
    let mut s = String::new();
    if zh {
        s.push_str(&format!(
            "待遇核定 #{}  案件 {}  {}（{}）  法定日期 {}  方案 {}\n",
            a.id,
            v.case_number,
            status_text(a.status, true),
            a.basis,
            a.legal_date,
            a.scheme_id
        ));
        s.push_str(&format!(
            "  经办 {}{}\n",
            a.made_by,
            a.checked_by
                .as_deref()
                .map(|c| format!("  复核 {c}"))
                .unwrap_or_default()
        ));
    } else {
        s.push_str(&format!(
            "award #{}  case {}  {} ({})  legal date {}  scheme {}\n",
            a.id, v.case_number, a.status, a.basis, a.legal_date, a.scheme_id
        ));
        s.push_str(&format!(
            "  made by {}{}\n",
            a.made_by,
            a.checked_by
                .as_deref()
                .map(|c| format!("  checked by {c}"))
                .unwrap_or_default()
        ));
    }
    for it in &a.items {
        let (item, payer) = if zh {
            (item_text(it.item, true), payer_text(it.payer, true))
        } else {
            (item_text(it.item, false), payer_text(it.payer, false))
        };
        s.push_str(&format!(
            "  {item:<24} {:>14}  {payer}  {}  {}\n",
            it.amount, it.beneficiary, it.citation
        ));
    }
    s.push_str(&format!(
        "  {} {}  {} {}\n",
        if zh {
            "一次性合计"
        } else {
            "one-time total"
        },
        a.one_time,
        if zh { "月度合计" } else { "monthly total" },
        a.monthly
    ));
    if let Some(d) = &v.difference {
        s.push_str(if zh {
            "  与已核准待遇的差额：\n"
        } else {
            "  difference from the approved award:\n"
        });
        for l in &d.lines {
            s.push_str(&format!(
                "    {} {}: {} → {}{}  {}\n",
                item_text(l.item, zh),
                l.beneficiary,
                l.before,
                l.after,
                if l.months_paid > 0 {
                    if zh {
                        format!("（已发{}个月）", l.months_paid)
                    } else {
                        format!(" ({} months paid)", l.months_paid)
                    }
                } else {
                    String::new()
                },
                l.difference
            ));
        }
        s.push_str(&format!(
            "    {} {}  {} {}\n",
            if zh { "应补发" } else { "arrears" },
            d.arrears,
            if zh { "应追回" } else { "to recover" },
            d.to_recover
        ));
    }
    for b in &v.benefits {
        let amount = b.amounts.last().map(|x| x.amount).unwrap_or_default();
        s.push_str(&format!(
            "  {} #{} {} {} {}: {} {}{}{}\n",
            if zh { "定期待遇" } else { "benefit" },
            b.id,
            item_text(b.item, zh),
            b.beneficiary,
            payer_text(b.payer, zh),
            amount,
            b.start_month,
            b.end_month.map(|m| format!("..{m}")).unwrap_or_default(),
            if b.suspended {
                if zh { "（暂停）" } else { " (suspended)" }
            } else {
                ""
            }
        ));
    }
    for p in &v.payments {
        s.push_str(&format!(
            "  {} {} {} {} {}\n",
            if zh { "已支付" } else { "paid" },
            p.paid_on,
            item_text(p.item, zh),
            p.beneficiary,
            p.amount
        ));
    }
    s
}

pub fn run_award(cmd: &AwardCmd, out: &Out) -> Result<(), CliError> {
    let app = crate::db::open_app(out.db.as_deref())?;
    let actor = out.actor(&app)?;
    let view = match cmd {
        AwardCmd::Compute {
            number,
            facts,
            basis,
            dependant_birth_dates,
            replaces,
        } => {
            let text = read_text(facts)?;
            let facts: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| CliError(format!("{}: {e}", facts.display())))?;
            let req = AwardRequest {
                facts,
                basis: basis
                    .trim()
                    .parse()
                    .map_err(|e: gongshang_domain::DomainError| {
                        CliError(format!("--basis: {e}"))
                    })?,
                dependant_birth_dates: dependant_birth_dates.iter().copied().map(Some).collect(),
                replaces: *replaces,
            };
            app.compute_award(&actor, number, &req)?
        }
        AwardCmd::Approve { award_id } => app.approve_award(&actor, *award_id)?,
        AwardCmd::Show { award_id, case } => {
            let id = match (award_id, case) {
                (Some(id), _) => *id,
                (None, Some(number)) => app
                    .awards_of_case(&actor, number)?
                    .iter()
                    .rev()
                    .find(|a| matches!(a.status, AwardStatus::Approved | AwardStatus::Proposed))
                    .map(|a| a.id)
                    .ok_or_else(|| CliError(format!("case {number} has no award")))?,
                (None, None) => return Err(CliError("give an award id or --case NUMBER".into())),
            };
            app.award_view(&actor, id)?
        }
        AwardCmd::Pay { number, on } => {
            let on = on.unwrap_or_else(crate::today_in_china);
            let payout = app.pay_one_time(&actor, number, on)?;
            if out.json {
                return print_json(&payout);
            }
            for p in &payout.paid {
                let what = item_text(p.item, out.zh());
                let state = match (p.already_paid, out.zh()) {
                    (true, true) => "已付过，本次未付",
                    (false, true) => "本次支付",
                    (true, false) => "already paid, nothing paid now",
                    (false, false) => "paid now",
                };
                println!("{what} {} {}  {state}", p.beneficiary, p.amount);
            }
            for (item, who, amount) in &payout.to_recover {
                println!(
                    "{} {} {who} {amount}",
                    if out.zh() { "应追回" } else { "to recover" },
                    item_text(*item, out.zh())
                );
            }
            return Ok(());
        }
    };
    if out.json {
        return print_json(&view);
    }
    print!("{}", render_award(&view, out));
    Ok(())
}

fn run_recurrence(
    app: &gongshang_app::App,
    actor: &Actor,
    cmd: &RecurrenceCmd,
    out: &Out,
) -> Result<(), CliError> {
    use gongshang_app::cases::{RecurrenceAwardRequest, RecurrenceRequest};
    let award = match cmd {
        RecurrenceCmd::List { number } => {
            let rows = app.recurrences(actor, number)?;
            if out.json {
                return print_json(&rows);
            }
            for r in &rows {
                println!(
                    "{} {} {} {} {} {}",
                    r.seq,
                    r.recurred_on,
                    r.confirmed_by,
                    r.confirming_body_name,
                    r.confirmed_on,
                    r.document
                );
                for a in &r.awards {
                    println!(
                        "  award {} {} {} × {} = {} ({})",
                        a.id,
                        a.status.as_str(),
                        a.wage_at_recurrence,
                        a.suspension_months,
                        a.suspension_wages,
                        if out.zh() {
                            "用人单位支付"
                        } else {
                            "paid by the employer"
                        }
                    );
                }
            }
            return Ok(());
        }
        RecurrenceCmd::Record {
            number,
            recurred_on,
            confirmed_by,
            body_name,
            confirmed_on,
            document,
            medical_note,
        } => {
            let confirmed_by =
                confirmed_by
                    .trim()
                    .parse()
                    .map_err(|e: gongshang_domain::DomainError| {
                        CliError(format!("--confirmed-by: {e}"))
                    })?;
            let r = app.record_recurrence(
                actor,
                number,
                &RecurrenceRequest {
                    recurred_on: *recurred_on,
                    confirmed_by,
                    confirming_body_name: body_name.clone(),
                    confirmed_on: *confirmed_on,
                    document: document.clone(),
                    medical_note: medical_note.clone(),
                },
            )?;
            if out.json {
                return print_json(&r);
            }
            println!("{} {} {}", number, r.seq, r.recurred_on);
            return Ok(());
        }
        RecurrenceCmd::Award {
            number,
            seq,
            wage,
            months,
            extension_confirmed,
        } => {
            let wage = gongshang_rules::Money::parse_yuan(wage.trim())
                .map_err(|e| CliError(format!("--wage {wage:?}: {e}")))?;
            app.compute_recurrence_award(
                actor,
                number,
                *seq,
                &RecurrenceAwardRequest {
                    wage_at_recurrence: wage,
                    suspension_months: *months,
                    suspension_extension_confirmed: *extension_confirmed,
                },
            )?
        }
        RecurrenceCmd::Approve { award_id } => app.approve_recurrence_award(actor, *award_id)?,
    };
    if out.json {
        return print_json(&award);
    }
    println!(
        "award {} {} {} × {} = {}",
        award.id,
        award.status.as_str(),
        award.wage_at_recurrence,
        award.suspension_months,
        award.suspension_wages
    );
    Ok(())
}

fn run_missing(
    app: &gongshang_app::App,
    actor: &Actor,
    cmd: &MissingCmd,
    out: &Out,
) -> Result<(), CliError> {
    let view = match cmd {
        MissingCmd::Show { number } => app.missing_worker(actor, number)?,
        MissingCmd::Report {
            number,
            circumstance,
            on,
        } => {
            let circumstance =
                serde_json::from_value(serde_json::Value::String(circumstance.trim().to_owned()))
                    .map_err(|_| {
                    CliError(format!(
                        "--circumstance {circumstance:?}: allowed work_trip, disaster_relief"
                    ))
                })?;
            app.record_missing(
                actor,
                number,
                &MissingRequest::ReportMissing {
                    circumstance,
                    on: *on,
                },
            )?
        }
        MissingCmd::Advance { number, on } => {
            app.record_missing(actor, number, &MissingRequest::ApplyForAdvance { on: *on })?
        }
        MissingCmd::DeclareDead {
            number,
            judgment_on,
            on,
        } => app.record_missing(
            actor,
            number,
            &MissingRequest::DeclareDead {
                judgment_on: *judgment_on,
                on: *on,
            },
        )?,
        MissingCmd::Reappear { number, on } => {
            app.record_missing(actor, number, &MissingRequest::Reappear { on: *on })?
        }
        MissingCmd::Award {
            number,
            facts,
            basis,
            replaces,
        } => {
            let text = read_text(facts)?;
            let facts: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| CliError(format!("{}: {e}", facts.display())))?;
            let req = AwardRequest {
                facts,
                basis: basis
                    .trim()
                    .parse()
                    .map_err(|e: gongshang_domain::DomainError| {
                        CliError(format!("--basis: {e}"))
                    })?,
                dependant_birth_dates: Vec::new(),
                replaces: *replaces,
            };
            let award = app.compute_missing_award(actor, number, &req)?;
            if out.json {
                return print_json(&award);
            }
            print!("{}", render_award(&award, out));
            return Ok(());
        }
    };
    if out.json {
        return print_json(&view);
    }
    print!("{}", render_missing(&view, out.zh()));
    Ok(())
}

fn render_missing(v: &MissingView, zh: bool) -> String {
    let t = |a: &'static str, b: &'static str| if zh { a } else { b };
    let mut s = String::new();
    let status = match v.status {
        MissingStatus::NotReported => t("未登记", "not reported"),
        MissingStatus::Missing => t("下落不明", "missing"),
        MissingStatus::DeclaredDead => t("已被人民法院宣告死亡", "declared dead by a court"),
        MissingStatus::Reappeared => t("已重新出现", "reappeared"),
    };
    s.push_str(&format!(
        "{} {}  {}\n",
        t("案件", "case"),
        v.case_number,
        status
    ));
    if let Some(d) = v.missing_since {
        s.push_str(&format!("{}: {d}\n", t("下落不明自", "missing since")));
    }
    if !v.employer_wage_months.is_empty() {
        let months: Vec<String> = v
            .employer_wage_months
            .iter()
            .map(|m| m.to_string())
            .collect();
        s.push_str(&format!(
            "{}: {}\n",
            t(
                "用人单位照发工资（基金不支付）",
                "wages paid by the employer (not the fund)"
            ),
            months.join(", ")
        ));
    }
    if let Some(m) = v.pensions_from {
        s.push_str(&format!(
            "{}: {m}\n",
            t("供养亲属抚恤金起始月", "survivors' pensions from")
        ));
    }
    if let Some(m) = v.pensions_last_month {
        s.push_str(&format!(
            "{}: {m}\n",
            t("供养亲属抚恤金最后一个月", "last month of the pensions")
        ));
    }
    if let Some(d) = v.advance_applied_on {
        s.push_str(&format!("{}: {d}\n", t("申请预支", "advance applied for")));
    }
    if let Some(d) = v.declared_dead_on {
        s.push_str(&format!(
            "{}: {d}\n",
            t("宣告死亡判决日", "judgment declaring death")
        ));
    }
    for e in &v.events {
        s.push_str(&format!(
            "  {} {} {} {}\n",
            e.seq, e.on, e.kind, e.recorded_by
        ));
    }
    if !v.allowed.is_empty() {
        s.push_str(&format!(
            "{}: {}\n",
            t("可登记", "may record"),
            v.allowed.join(", ")
        ));
    }
    s
}

/// The confirmation's or the claim's own lines in `case show`.
fn flow_lines(v: &CaseView, zh: bool) -> String {
    let mut s = String::new();
    if let Some(c) = &v.confirmation {
        if let Some(a) = &c.application {
            s.push_str(&if zh {
                format!(
                    "  职业伤害确认：平台 {}，申请人 {}，受伤时在保：{}\n",
                    a.platform.as_str(),
                    text(&a.applicant),
                    if a.covered_at_injury { "是" } else { "否" }
                )
            } else {
                format!(
                    "  confirmation: platform {}, applicant {}, covered at injury: {}\n",
                    a.platform.as_str(),
                    text(&a.applicant),
                    a.covered_at_injury
                )
            });
        }
        if let Some(g) = &c.confirmed_ground {
            s.push_str(&format!(
                "  {} {}\n",
                if zh { "确认情形：" } else { "ground:" },
                text(g)
            ));
        }
        if let Some(days) = c.late_platform_days {
            s.push_str(&if zh {
                format!("  平台逾期申请 {days} 日\n")
            } else {
                format!("  platform applied {days} days late\n")
            });
        }
    }
    if let Some(k) = &v.claim {
        if let Some(c) = &k.claim {
            s.push_str(&if zh {
                format!(
                    "  保险索赔：申请 {} 元，最高保障 {} 元，同一事故已赔 {} 元，事故日在保：{}\n",
                    c.claimed,
                    c.cap,
                    c.paid_before_for_accident,
                    if c.covered_on_accident_day { "是" } else { "否" }
                )
            } else {
                format!(
                    "  claim: {} claimed, cap {}, taken before for the accident {}, covered on the day: {}\n",
                    c.claimed, c.cap, c.paid_before_for_accident, c.covered_on_accident_day
                )
            });
        }
        if let Some(m) = v.claim_assessed {
            s.push_str(&if zh {
                format!("  方案计算赔付（保险人支付，已按最高保障封顶）：{m} 元\n")
            } else {
                format!("  payout by the schedule (insurer pays, capped): {m}\n")
            });
        }
        if let Some((on, m)) = k.approved {
            s.push_str(&if zh {
                format!("  核定 {m} 元（{on}），已付 {} 元\n", k.paid)
            } else {
                format!("  approved {m} on {on}, paid {}\n", k.paid)
            });
        }
    }
    s
}
