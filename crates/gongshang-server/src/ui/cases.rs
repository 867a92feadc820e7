//! Injury cases: the list (overdue first to see), a case with its running
//! deadlines and the next actions its state allows, and the award with its
//! items, citations and trace, approved by a second person.
//!
//! The actions go through the case services (`App::act`, `compute_award`,
//! `approve_award`): the domain decides what a state allows, and a refusal
//! is shown with its reason.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::{Action, Actor};
use gongshang_app::cases::{AwardRequest, AwardView, CaseCommand, CaseView, CommandPreview};
use gongshang_app::model::{CaseListRow, ListQuery};
use gongshang_domain::case::{AwardBasis, AwardStatus, CaseState};
use gongshang_domain::deadline::DeadlineKind;
use gongshang_domain::determination::Flow;
use gongshang_domain::determination::{Command, Finding, Ground, NotRecognisedReason};
use gongshang_domain::{appraisal, confirmation, insurer_claim};
use gongshang_rules::award::Periodicity;
use maud::{Markup, html};
use serde::Deserialize;

use super::UrlQuery;
use super::format::{provisional_tag, yuan};
use super::staff_words::{actor_words, at_field, basis_words, event_words, stream_words};
use super::{Ctx, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list))
        .route("/cases/{number}", get(case))
        .route("/cases/{number}/act", post(act))
        .route("/cases/{number}/award", post(compute))
        .route("/cases/{number}/recuse", post(recuse))
        .route("/cases/{number}/missing", post(super::missing::record))
        .route(
            "/cases/{number}/recurrence",
            post(super::recurrence::record),
        )
        .route(
            "/cases/{number}/recurrence/award",
            post(super::recurrence::compute),
        )
        .route(
            "/cases/{number}/recurrence/approve",
            post(super::recurrence::approve),
        )
        .route(
            "/cases/{number}/missing/award",
            post(super::missing::compute),
        )
        .route("/cases/{number}/revise", post(revise))
        .route("/appraisal-revisions/{id}/apply", post(apply_revision))
        .route("/appraisal-revisions/{id}/arrears", post(pay_arrears))
        .route("/cases/{number}/appraisal-fee", post(record_appraisal_fee))
        .route("/awards/{id}", get(award))
        .route("/awards/{id}/approve", post(approve))
}

pub fn state_label(ctx: &Ctx, state: CaseState) -> &'static str {
    ctx.t(state.label_zh(), state.label_en())
}

fn deadline_label(ctx: &Ctx, kind: DeadlineKind) -> &'static str {
    ctx.t(kind.label_zh(), kind.label_en())
}

#[derive(Deserialize, Default)]
pub struct CaseParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    after: Option<i64>,
    #[serde(default)]
    overdue: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(p): UrlQuery<CaseParams>,
) -> Response {
    let actor = match session::signed_in(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let q = ListQuery {
        after_id: p.after.unwrap_or(0),
        limit: gongshang_app::views::PAGE_ROWS,
        search: p.q.clone().filter(|s| !s.trim().is_empty()),
        ..ListQuery::default()
    };
    let overdue = p.overdue.as_deref() == Some("1");
    match state
        .run(move |app| app.case_rows(&actor, &q, overdue))
        .await
    {
        Ok(rows) => {
            let title = ctx.t("工伤认定案件", "Injury cases");
            let today = state.app.today();
            let full = rows.len() as u32 == gongshang_app::views::PAGE_ROWS;
            respond(
                &ctx,
                title,
                html! {
                    h1 { (title) }
                    form.toolbar method="get" action="/cases" {
                        label for="cq" style="position:absolute;left:-999px" { (ctx.t("搜索", "Search")) }
                        input #cq type="search" name="q" value=[p.q.as_deref()] placeholder=(ctx.t("案件号或状态", "Number or state"));
                        label { input type="checkbox" name="overdue" value="1" checked[overdue]; (ctx.t("只看逾期", "Overdue only")) }
                        button type="submit" { (ctx.t("筛选", "Filter")) }
                    }
                    (case_table(&ctx, &state, &rows, today))
                    @if let (true, Some(last)) = (full, rows.last()) {
                        div.pager { span {} a.button href=(format!("/cases?after={}{}", last.id, if overdue { "&overdue=1" } else { "" })) { (ctx.t("下一页 →", "Next page →")) } }
                    }
                },
            )
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn case_table(
    ctx: &Ctx,
    state: &AppState,
    rows: &[CaseListRow],
    today: jiff::civil::Date,
) -> Markup {
    html! {
        div.table-wrap { table {
            thead { tr {
                th { (ctx.t("案件号", "Case")) } th { (ctx.t("状态", "State")) } th { (ctx.t("方案", "Scheme")) }
                th { (ctx.t("受伤人员", "Person")) } th { (ctx.t("事故日期", "Accident")) } th { (ctx.t("当前时限", "Running deadline")) }
            } }
            tbody {
                @for c in rows {
                    tr {
                        td { a href=(format!("/cases/{}", c.number)) { code { (c.number) } } }
                        td { (state_label(ctx, c.state)) }
                        td { (state.app.scheme_name(&c.scheme_id, ctx.zh())) }
                        td { code { (c.person.masked()) } }
                        td { (c.accident_date) }
                        td {
                            @if let Some((kind, due, _)) = &c.deadline {
                                (deadline_label(ctx, *kind)) " " (due) (provisional_tag(ctx.lang, state.app.calendar().is_provisional(*due))) " "
                                @if *due < today { span.tag.bad { (ctx.t("已逾期", "overdue")) } }
                                @else { span.tag.grey { (ctx.t("剩", "")) ((*due - today).get_days()) (ctx.t("天", " days left")) } }
                            } @else { span.muted { "—" } }
                        }
                    }
                }
                @if rows.is_empty() { tr { td colspan="6" .muted { (ctx.t("没有案件。", "No cases.")) } } }
            }
        } }
    }
}

/// What a case page shows: the case, its awards, the returns of its awards,
/// and (for those who act on cases) the commands its state allows now.
pub struct CasePage {
    view: CaseView,
    awards: Vec<gongshang_app::model::AwardRow>,
    returns: Vec<gongshang_app::model::AwardReturn>,
    offers: Vec<Offer>,
    /// The officials who withdrew from the case (Regulations Art 20(4)),
    /// for agency staff.
    recusals: Vec<gongshang_app::cases::Recusal>,
    /// Issue 12: overpaid benefits and their recovery (Decree 765 Art 46),
    /// for the agency's staff only.
    overpayments: Vec<gongshang_app::model::OverpaymentRow>,
    /// Issue 17: the conclusions revoked or corrected (Order No. 55 Art 31).
    revisions: Vec<gongshang_app::model::RevisionRow>,
    /// Issue 14: the case's appraisals and their fees (Regulations Art 12),
    /// for the agency's staff.
    conclusions: Vec<gongshang_app::model::ConclusionRow>,
    fees: Vec<gongshang_app::cases::AppraisalFeeView>,
    /// The worker's and the unit's names.
    names: (Option<String>, Option<String>),
    /// Regulations Art 41: the missing-worker record.
    missing: gongshang_app::cases::MissingView,
    /// Regulations Art 38: the recurrences recorded on the case.
    recurrences: Vec<gongshang_app::cases::RecurrenceRow>,
    /// Regulations Art 43: who bears the case's liability today (none for
    /// a case without an employer).
    liability: Option<gongshang_app::liability::LiabilityView>,
    /// Regulations Art 62(2)-(3): who pays each item and since when.
    payers: gongshang_app::cases::CasePayers,
    advances: Vec<gongshang_app::cases::AdvanceView>,
}

/// A command the state allows now, with what it does to the deadlines.
struct Offer {
    action: &'static str,
    preview: CommandPreview,
}

async fn load_page(state: &AppState, actor: &Actor, number: &str) -> Result<CasePage, AppError> {
    let n = number.to_owned();
    let actor = actor.clone();
    state
        .run(move |app| {
            let view = app.case_view(&actor, &n)?;
            let awards = app.awards_of_case(&actor, &n)?;
            let returns = app.award_returns(&actor, &n)?;
            let names = app.case_parties(&actor, &n)?;
            let recusals = if actor.may(Action::ReadRecusals) {
                app.recusals(&actor, &n)?
            } else {
                Vec::new()
            };
            let recused = recusals.iter().any(|r| r.official == actor.login);
            let overpayments = if actor.may(Action::ReadOverpayments) {
                app.overpayments_of_case(&actor, &n)?
            } else {
                Vec::new()
            };
            let missing = app.missing_worker(&actor, &n)?;
            let recurrences = app.recurrences(&actor, &n)?;
            let liability = match app.case_liability(&actor, &n, None) {
                Ok(v) => Some(v),
                // A case without an employer: Art 43 has no unit to answer.
                Err(AppError::Conflict { .. }) => None,
                Err(e) => return Err(e),
            };
            let payers = app.case_payers(&actor, &n)?;
            let advances = app.advances(&actor, &n)?;
            let revisions = app.appraisal_revisions(&actor, &n)?;
            let (conclusions, fees) = if actor.may(Action::ReadAppraisalFees) {
                (
                    app.appraisal_history(&actor, &n)?,
                    app.appraisal_fees(&actor, &n)?,
                )
            } else {
                (Vec::new(), Vec::new())
            };
            let mut offers = Vec::new();
            if actor.may(Action::ActOnCase) && !recused {
                let candidates: Vec<(&'static str, CaseCommand)> = ACTIONS
                    .iter()
                    .filter_map(|a| command_of(a, &view, &ActForm::preview()).map(|c| (*a, c)))
                    .collect();
                let commands: Vec<CaseCommand> =
                    candidates.iter().map(|(_, c)| c.clone()).collect();
                for ((action, _), result) in candidates
                    .iter()
                    .zip(app.preview_commands(&actor, &n, &commands)?)
                {
                    if let Ok(preview) = result {
                        offers.push(Offer { action, preview });
                    }
                }
            }
            Ok::<_, AppError>(CasePage {
                view,
                awards,
                returns,
                offers,
                recusals,
                overpayments,
                revisions,
                conclusions,
                fees,
                names,
                missing,
                recurrences,
                liability,
                payers,
                advances,
            })
        })
        .await
}

async fn case(State(state): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> Response {
    let actor = match session::signed_in(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match load_page(&state, &actor, &number).await {
        Ok(page) => {
            let title = format!("{} {}", ctx.t("案件", "Case"), page.view.row.number);
            respond(&ctx, &title, case_body(&ctx, &state, &page, None))
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn case_body(
    ctx: &Ctx,
    state: &AppState,
    page: &CasePage,
    failed: Option<(&AppError, &ActForm)>,
) -> Markup {
    let v = &page.view;
    let awards = &page.awards;
    let r = &v.row;
    let today = state.app.today();
    let agency = ctx.viewer.may(Action::ActOnCase);
    html! {
        h1 { (ctx.t("案件", "Case")) " " code { (r.number) } " " span.tag { (state_label(ctx, r.state)) } }
        div.grid.two {
            section.card {
                dl.facts {
                    dt { (ctx.t("受伤人员", "Person")) } dd { (page.names.0.as_deref().unwrap_or("")) " " code { (r.person.masked()) } }
                    dt { (ctx.t("单位", "Unit")) } dd { (page.names.1.as_deref().unwrap_or("")) " " code { (r.unit.as_ref().map_or("—", |u| u.as_str())) } }
                    dt { (ctx.t("方案", "Scheme")) } dd { (state.app.scheme_name(&r.scheme_id, ctx.zh())) }
                    dt { (ctx.t("事故日期", "Accident")) } dd { (r.accident_date) }
                    dt { (ctx.t("立案", "Opened")) } dd { (super::format::china_date(r.opened_at)) }
                    @if let Some(l) = &page.liability { (super::liability::liable_unit_facts(ctx, l)) }
                }
            }
            section.card {
                h2 style="margin-top:0" { (ctx.t("办理时限", "Deadlines")) }
                @if v.deadlines.is_empty() { p.muted { (ctx.t("没有进行中的时限。", "No running deadline.")) } }
                ul {
                    @for d in &v.deadlines {
                        @let left = d.days_left(today);
                        li {
                            strong { (deadline_label(ctx, d.kind)) }
                            (ctx.t("：", ": ")) (d.due) (provisional_tag(ctx.lang, d.provisional)) " "
                            @if left < 0 { span.tag.bad { (ctx.t("逾期 ", "overdue by ")) (-left) (ctx.t(" 天", " days")) } }
                            @else { span.tag.warn { (ctx.t("剩 ", "")) (left) (ctx.t(" 天", " days left")) } }
                            br; span.muted { (super::articles::cited(ctx, &d.article)) }
                        }
                    }
                }
            }
        }
        (notice_links(ctx, v, awards))
        @if agency {
            section.card #next {
                h2 style="margin-top:0" { (ctx.t("下一步", "Next action")) }
                (next_actions(ctx, page, failed.filter(|(_, f)| !matches!(f.action.as_str(), "recuse" | "missing" | "missing_award" | "appraisal_fee" | "recurrence" | "recurrence_award" | "recurrence_approve"))))
            }
        }
        @if ctx.viewer.may(Action::RecordMissingWorker) || page.missing.status != gongshang_app::cases::MissingStatus::NotReported {
            (super::missing::section(ctx, &page.missing, failed))
        }
        @if ctx.viewer.may(Action::RecordRecurrence) || !page.recurrences.is_empty() {
            (super::recurrence::section(ctx, &r.number, v.injury_recognised(), &page.recurrences, failed))
        }
        @if page.payers.finding.is_some() {
            (super::payers::section(ctx, &page.payers))
        }
        @if ctx.viewer.may(Action::DecideAdvance) || !page.advances.is_empty() {
            (super::advances::section(ctx, &r.number, &page.advances))
        }
        @if ctx.viewer.may(Action::ReadMedicalBills) {
            section.card #medical {
                h2 { (ctx.t("工伤医疗费用（第三十条至第三十二条）", "Medical costs (Arts 30-32)")) }
                p { a href=(format!("/cases/{}/medical", r.number)) { (ctx.t("医疗、康复、辅助器具费用单据及结算", "Medical, rehabilitation and device bills and their settlement")) } }
            }
        }
        @if ctx.viewer.may(Action::ReadStopReports) {
            section.card #stop-reports {
                h2 { (ctx.t("停止享受待遇情形告知（《社会保险经办条例》第二十五条）", "Stop-benefit reports (Decree 765 Art 25)")) }
                p { a href=(format!("/cases/{}/stop-reports", r.number)) { (ctx.t("死亡、再婚、年满18周岁、领取基本养老金的告知，告知期限及多发待遇", "Deaths, remarriages, 18th birthdays and pension starts reported, their due days and the overpayments")) } }
                p { a href=(format!("/cases/{}/benefit-pauses", r.number)) { (ctx.t("供养亲属收监执行期间停发抚恤金（劳社部令第18号第五条）", "A survivor's pension stopped for a prison sentence (劳社部令第18号 Art 5)")) } }
            }
        }
        @if ctx.viewer.may(Action::RecordRecusal) {
            (recusal_section(ctx, page, failed))
        }
        @if ctx.viewer.may(Action::RecordAppraisalRevision) || ctx.viewer.may(Action::ApplyAppraisalRevision) {
            (revision_section(ctx, page, failed))
        }
        @if ctx.viewer.may(Action::ReadAppraisalFees) {
            (appraisal_fee_section(ctx, page, failed))
        }
        @if !awards.is_empty() {
            h2 { (ctx.t("待遇核定", "Awards")) }
            div.table-wrap { table {
                thead { tr { th { "#" } th { (ctx.t("状态", "Status")) } th { (ctx.t("依据", "Basis")) } th.num { (ctx.t("一次性", "One-time")) } th.num { (ctx.t("每月", "Monthly")) } } }
                tbody { @for a in awards.iter() { tr {
                    td { a href=(format!("/awards/{}", a.id)) { (ctx.t("核定单 ", "award ")) (a.id) } }
                    td { (award_status(ctx, a.status))
                        @if let Some(ret) = page.returns.iter().find(|x| x.award_id == a.id) {
                            " " span.tag.bad { (ctx.t("已退回", "returned")) } br;
                            span.muted { (ctx.t("退回理由：", "Reason: ")) (ret.reason) " — " (actor_words(ctx, &ret.returned_by)) }
                        }
                    }
                    td { (basis_words(ctx.lang, a.basis)) }
                    td.num { (yuan(a.one_time)) } td.num { (yuan(a.monthly)) }
                } } }
            } }
        }
        @if !page.overpayments.is_empty() {
            h2 #overpayments { (ctx.t("多发待遇追回", "Overpayments recovered")) }
            p.muted { (ctx.t("《社会保险经办条例》第四十六条：一次退还、分期退还或从后续待遇中抵扣。", "Decree 765 Art 46: refunded at once, by instalments, or set against later benefits.")) }
            div.table-wrap { table {
                thead { tr { th { (ctx.t("编号", "Reference")) } th { (ctx.t("原因", "Reason")) } th { (ctx.t("方式", "Method")) }
                    th.num { (ctx.t("多发（元）", "Overpaid (yuan)")) } th.num { (ctx.t("已追回", "Recovered")) } th.num { (ctx.t("尚欠", "Outstanding")) } th { (ctx.t("分期", "Instalments")) } } }
                tbody { @for o in &page.overpayments { tr {
                    td { code { (o.reference) } }
                    td { (o.reason) }
                    td { (match o.method {
                        gongshang_app::model::RecoveryMethod::Refund => ctx.t("一次退还", "refund"),
                        gongshang_app::model::RecoveryMethod::Instalments => ctx.t("分期退还", "instalments"),
                        gongshang_app::model::RecoveryMethod::Offset => ctx.t("从后续待遇中抵扣", "offset"),
                    }) }
                    td.num { (yuan(o.amount)) } td.num { (yuan(o.recovered())) } td.num { strong { (yuan(o.outstanding())) } }
                    td { @for i in &o.instalments {
                        (i.month.to_string()) " " (yuan(i.amount)) " "
                        @if i.recovered_on.is_some() { span.tag { (ctx.t("已追回", "recovered")) } } @else { span.tag.grey { (ctx.t("待追回", "due")) } }
                        br;
                    } }
                } } }
            } }
        }
        h2 { (ctx.t("办理记录", "History")) }
        ol.history {
            @for e in &v.events {
                li {
                    (e.on) " · " (stream_words(ctx.lang, e.stream)) " · "
                    strong { (event_words(ctx.lang, e.stream, &e.kind)) }
                    " · " span.muted { (actor_words(ctx, &e.actor)) }
                }
            }
        }
    }
}

/// Links to the notices the case has reached (HTML to print, PDF to file),
/// served by `GET /api/v1/cases/{number}/notices/{kind}` under the session.
fn notice_links(ctx: &Ctx, v: &CaseView, awards: &[gongshang_app::model::AwardRow]) -> Markup {
    let d = &v.determination;
    let mut kinds: Vec<(&str, &str, &str)> = Vec::new();
    if d.materials_requested.is_some() {
        kinds.push(("materials", "补正材料通知书", "Request for materials"));
    }
    if d.rejected.is_some() {
        kinds.push(("inadmissible", "不予受理通知书", "Inadmissibility notice"));
    }
    if d.decision.is_some() {
        kinds.push(("decision", "工伤认定决定书", "Determination decision"));
    }
    if awards.iter().any(|a| a.status == AwardStatus::Approved) {
        kinds.push(("award", "工伤保险待遇核定表", "Award sheet"));
    }
    let number = &v.row.number;
    html! {
        @if !kinds.is_empty() {
            section.card #notices {
                h2 style="margin-top:0" { (ctx.t("文书", "Notices")) }
                ul { @for (kind, zh, en) in &kinds { li {
                    a href=(format!("/api/v1/cases/{number}/notices/{kind}")) target="_blank" { (ctx.t(zh, en)) }
                    " · " a href=(format!("/api/v1/cases/{number}/notices/{kind}?format=pdf")) { "PDF" }
                } } }
            }
        }
    }
}

/// The name of an event's change, however serde tagged it.
fn award_status(ctx: &Ctx, s: AwardStatus) -> Markup {
    let class = match s {
        AwardStatus::Proposed => "tag warn",
        AwardStatus::Approved => "tag",
        AwardStatus::Superseded | AwardStatus::Withdrawn => "tag grey",
    };
    html! { span class=(class) { (ctx.t(s.label_zh(), s.label_en())) } }
}

/// The actions a case page may offer, in the order shown; each is offered
/// only when the domain allows it now (`App::preview_commands`).
const ACTIONS: [&str; 20] = [
    "request_materials",
    "supply",
    "accept",
    "simple",
    "investigate",
    "unit_disputes",
    "recognise",
    "not_recognised",
    "withdraw",
    "deliver",
    "appraisal_apply",
    "conclude",
    "receive",
    "reappraise",
    "review",
    // The platform pilot's confirmation and the insurer's claim.
    "confirm",
    "deny",
    "approve_claim",
    "decline_claim",
    "pay_claim",
];

fn action_words(ctx: &Ctx, action: &str) -> &'static str {
    match action {
        "request_materials" => ctx.t("一次性告知补正材料", "Request the missing materials"),
        "supply" => ctx.t("登记补正材料已收到", "Record the materials as supplied"),
        "accept" => ctx.t("受理", "Accept the application"),
        "simple" => ctx.t(
            "按简易程序办理（15日内决定）",
            "Handle as a simple case (decide in 15 days)",
        ),
        "investigate" => ctx.t("开始调查核实", "Start the investigation"),
        "unit_disputes" => ctx.t(
            "单位不认为是工伤（由单位举证）",
            "The unit disputes (burden of proof on the unit)",
        ),
        "recognise" => ctx.t("认定为工伤", "Recognise as a work injury"),
        "not_recognised" => ctx.t("不予认定为工伤", "Do not recognise"),
        "withdraw" => ctx.t("申请人撤回申请", "The applicant withdraws"),
        "deliver" => ctx.t("送达认定决定", "Deliver the decision"),
        "appraisal_apply" => ctx.t("申请劳动能力鉴定", "Apply for the work-capacity appraisal"),
        "conclude" => ctx.t("记录鉴定结论", "Record the appraisal's conclusion"),
        "receive" => ctx.t(
            "鉴定结论已送达申请人",
            "Conclusion received by the applicant",
        ),
        "reappraise" => ctx.t("申请再次鉴定", "Apply for a re-appraisal"),
        "review" => ctx.t("申请复查鉴定", "Apply for a review appraisal"),
        "confirm" => ctx.t("确认为职业伤害", "Confirm the occupational injury"),
        "deny" => ctx.t("不予确认", "Do not confirm"),
        "approve_claim" => ctx.t(
            "核准理赔（按赔付标准）",
            "Approve the claim (by the schedule)",
        ),
        "decline_claim" => ctx.t("拒赔", "Decline the claim"),
        "pay_claim" => ctx.t("登记已赔付", "Record the payout"),
        _ => ctx.t("办理", "Act"),
    }
}

/// The command an action names for this case, with what the form gives.
fn command_of(action: &str, v: &CaseView, f: &ActForm) -> Option<CaseCommand> {
    let d = &v.determination;
    Some(match action {
        "request_materials" => {
            let missing = d.missing_materials();
            if missing.is_empty() {
                return None;
            }
            CaseCommand::Determination(Command::RequestMaterials { missing })
        }
        "supply" => CaseCommand::Determination(Command::SupplyMaterials {
            materials: d.materials_requested.as_ref()?.1.clone(),
        }),
        "accept" => CaseCommand::Determination(Command::Accept),
        "simple" => CaseCommand::Determination(Command::MarkSimpleCase),
        "investigate" => CaseCommand::Determination(Command::StartInvestigation),
        "unit_disputes" => CaseCommand::Determination(Command::UnitDisputes),
        "recognise" => CaseCommand::Determination(Command::Decide {
            finding: Finding::Recognised {
                ground: d
                    .application
                    .as_ref()
                    .map_or(Ground::Art14WorkAccident, |a| a.ground_claimed),
            },
        }),
        "not_recognised" => CaseCommand::Determination(Command::Decide {
            finding: Finding::NotRecognised {
                reason: NotRecognisedReason::NoGround {
                    explanation: f.explanation.trim().to_owned(),
                },
            },
        }),
        "withdraw" => match v.row.flow {
            Flow::Determination => CaseCommand::Determination(Command::Withdraw),
            Flow::Confirmation => CaseCommand::Confirmation(confirmation::Command::Withdraw),
            Flow::InsurerClaim => CaseCommand::Claim(insurer_claim::Command::Withdraw),
        },
        "confirm" => CaseCommand::Confirmation(confirmation::Command::Confirm {
            ground: Ground::Art14WorkAccident,
        }),
        "deny" => CaseCommand::Confirmation(confirmation::Command::Deny {
            exclusion: None,
            explanation: f.explanation.trim().to_owned(),
        }),
        "approve_claim" => CaseCommand::Claim(insurer_claim::Command::Approve {
            amount: v.claim_assessed?,
        }),
        "decline_claim" => CaseCommand::Claim(insurer_claim::Command::Decline {
            explanation: f.explanation.trim().to_owned(),
        }),
        "pay_claim" => {
            let claim = v.claim.as_ref()?;
            let (_, approved) = claim.approved?;
            CaseCommand::Claim(insurer_claim::Command::Pay {
                amount: approved.checked_sub(claim.paid)?,
            })
        }
        "deliver" => CaseCommand::Determination(Command::Deliver),
        "appraisal_apply" => CaseCommand::Appraisal(appraisal::Command::Apply),
        "conclude" => CaseCommand::Appraisal(appraisal::Command::Conclude {
            grade: match f.grade.trim() {
                "" | "none" => None,
                g => g.parse().ok(),
            },
            nursing: match f.nursing.trim() {
                "" => None,
                n => serde_json::from_value(serde_json::Value::String(n.to_owned())).ok(),
            },
        }),
        "receive" => CaseCommand::Appraisal(appraisal::Command::Receive),
        "reappraise" => CaseCommand::Appraisal(appraisal::Command::ApplyReappraisal),
        "review" => CaseCommand::Appraisal(appraisal::Command::ApplyReview),
        _ => return None,
    })
}

fn deadline_list(ctx: &Ctx, list: &[gongshang_domain::deadline::Deadline]) -> Markup {
    html! {
        @for (i, d) in list.iter().enumerate() {
            @if i > 0 { "；" }
            (deadline_label(ctx, d.kind)) " " (d.due)
        }
    }
}

/// The effect of an action on the deadlines, in words.
fn effect(ctx: &Ctx, p: &CommandPreview) -> Markup {
    html! {
        @if !p.starts.is_empty() || !p.stops.is_empty() {
            span.effect.muted {
                @if !p.stops.is_empty() { (ctx.t("结束时限：", "stops: ")) (deadline_list(ctx, &p.stops)) }
                @if !p.stops.is_empty() && !p.starts.is_empty() { " · " }
                @if !p.starts.is_empty() { (ctx.t("开始时限：", "starts: ")) (deadline_list(ctx, &p.starts)) }
            }
        }
    }
}

fn action_form(ctx: &Ctx, number: &str, offer: &Offer, inner: Markup) -> Markup {
    html! {
        form.action method="post" action=(format!("/cases/{number}/act")) data-action=(offer.action) {
            (session::csrf_field(ctx))
            input type="hidden" name="action" value=(offer.action);
            (inner)
            button.primary type="submit" { (action_words(ctx, offer.action)) }
            " " (effect(ctx, &offer.preview))
        }
    }
}

fn next_actions(ctx: &Ctx, page: &CasePage, failed: Option<(&AppError, &ActForm)>) -> Markup {
    let r = &page.view.row;
    let number = &r.number;
    let error = failed.map(|(e, _)| e);
    let typed = failed.map(|(_, f)| f);
    let typed_for = |action: &str| typed.filter(|f| f.action == action);
    let pending = page
        .awards
        .iter()
        .find(|a| a.status == AwardStatus::Proposed);
    let approved = page
        .awards
        .iter()
        .find(|a| a.status == AwardStatus::Approved);
    // An award follows the appraisal, or a recognised death, which has no
    // appraisal (Regulations Art 39).
    let recognised = matches!(
        page.view
            .determination
            .decision
            .as_ref()
            .map(|d| &d.finding),
        Some(Finding::Recognised { .. })
    );
    let may_award = (matches!(r.state, CaseState::Appraised)
        || (matches!(r.state, CaseState::Decided) && recognised))
        && ctx.viewer.may(Action::ComputeAward);
    html! {
        (super::staff_words::at_form(ctx, &["grade", "nursing", "explanation", "own_wage", "actual_wage", "household_moved_home_on", "suspension_months", "hospital_days", "death_date", "spouse", "others", "extra10", "birth_dates", "dependants", "confirm_replace", "basis"], error))
        @for offer in &page.offers {
            @match offer.action {
                "conclude" => {
                    @let f = typed_for("conclude");
                    (action_form(ctx, number, offer, html! {
                        div.cols {
                            div {
                                label for="grade" { (ctx.t("鉴定结论：伤残等级", "Conclusion: disability grade")) }
                                select #grade name="grade" aria-invalid=[error.is_some_and(|e| e.field() == Some("grade")).then_some("true")] {
                                    option value="" selected[f.is_none_or(|f| f.grade.is_empty())] { (ctx.t("请选择", "Please choose")) }
                                    option value="none" selected[f.is_some_and(|f| f.grade == "none")] { (ctx.t("未达到伤残等级", "No disability grade")) }
                                    @for g in 1..=10u8 { option value=(g) selected[f.is_some_and(|f| f.grade == g.to_string())] { (ctx.t("", "grade ")) (g) (ctx.t(" 级", "")) } }
                                }
                                (at_field(ctx, "grade", error))
                            }
                            div {
                                label for="nursing" { (ctx.t("生活自理障碍等级", "Nursing level")) }
                                select #nursing name="nursing" {
                                    @for (v, zh, en) in [("", "无", "none"), ("partly", "部分不能自理", "partly"), ("mostly", "大部分不能自理", "mostly"), ("fully", "完全不能自理", "fully")] {
                                        option value=(v) selected[f.is_some_and(|f| f.nursing == v)] { (ctx.t(zh, en)) }
                                    }
                                }
                            }
                        }
                    }))
                }
                "not_recognised" | "deny" | "decline_claim" => {
                    details.action {
                        summary { (action_words(ctx, offer.action)) "…" }
                        (action_form(ctx, number, offer, html! {
                            label for="explanation" { (ctx.t("不予认定的理由（写入决定书）", "Why not (written into the decision)")) }
                            textarea #explanation name="explanation" rows="2" maxlength="500" { (typed_for(offer.action).map_or("", |f| f.explanation.as_str())) }
                            (at_field(ctx, "explanation", error))
                        }))
                    }
                }
                _ => { (action_form(ctx, number, offer, html! {})) }
            }
        }
        @if may_award {
            @if let Some(p) = pending {
                p { (ctx.t("核定单 ", "Award ")) a href=(format!("/awards/{}", p.id)) { (p.id) } (ctx.t(" 待复核，复核前不能再计算。", " is awaiting review; no other award is computed before it is checked.")) }
            } @else {
                (award_form(ctx, number, approved.map(|a| a.id), failed.and_then(|(e, f)| (f.action == "award").then_some((e, f)))))
            }
        }
        @if page.offers.is_empty() && !may_award {
            @if r.closed {
                p.muted { (ctx.t("案件已办结，无待办事项。", "The case is closed; nothing to do.")) }
            } @else if pending.is_some() {
                p.muted { (ctx.t("待遇核定单待复核。", "The award is awaiting review.")) }
            } @else {
                p.muted { (ctx.t("当前没有可办理的事项，等待申请人或其他部门。", "Nothing to do now: waiting for the applicant or another body.")) }
            }
        }
    }
}

/// The award form: nothing preset; what was typed stays; replacing an
/// approved award needs its basis and an explicit confirmation.
fn award_form(
    ctx: &Ctx,
    number: &str,
    replaces: Option<i64>,
    failed: Option<(&AppError, &ActForm)>,
) -> Markup {
    let error = failed.map(|(e, _)| e);
    let f = failed.map(|(_, f)| f);
    let bad = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    html! {
        form.stack #award-form method="post" action=(format!("/cases/{number}/award")) novalidate {
            (session::csrf_field(ctx))
            h3 { (ctx.t("计算待遇核定（提交复核）", "Compute the award (for review)")) }
            @if let Some(id) = replaces {
                div.alert.warn role="note" {
                    strong { (ctx.t("注意：", "Note: ")) }
                    (ctx.t("本案已有核准的核定单 ", "This case has an approved award, "))
                    a href=(format!("/awards/{id}")) { (id) }
                    (ctx.t("。新的核定经复核通过后将替换它，已发放的差额按月补发或追回。", ". A new one replaces it once checked; differences of months already paid are paid or recovered."))
                }
            }
            div.cols {
                div {
                    label for="own_wage" { (ctx.t("本人工资（元/月）", "Own wage (yuan a month)")) }
                    input #own_wage name="own_wage" inputmode="decimal" value=(f.map_or("", |f| f.own_wage.as_str())) aria-invalid=[bad("own_wage")] placeholder=(ctx.t("例如 6500.00", "e.g. 6500.00"));
                    (at_field(ctx, "own_wage", error))
                }
                div {
                    label for="suspension_months" { (ctx.t("停工留薪期（月）", "Paid suspension (months)")) }
                    input #suspension_months name="suspension_months" inputmode="numeric" value=(f.map_or("", |f| f.suspension_months.as_str())) aria-invalid=[bad("suspension_months")];
                    (at_field(ctx, "suspension_months", error))
                }
                div {
                    label for="hospital_days" { (ctx.t("住院天数", "Days in hospital")) }
                    input #hospital_days name="hospital_days" inputmode="numeric" value=(f.map_or("", |f| f.hospital_days.as_str())) aria-invalid=[bad("hospital_days")];
                    (at_field(ctx, "hospital_days", error))
                }
                div {
                    label for="job_arranged" { (ctx.t("五至六级：单位是否安排工作", "Grades 5-6: work arranged by the unit")) }
                    select #job_arranged name="job_arranged" aria-invalid=[bad("job_arranged")] {
                        option value="" selected[f.is_none_or(|f| f.job_arranged.is_empty())] { (ctx.t("不适用", "not applicable")) }
                        option value="true" selected[f.is_some_and(|f| f.job_arranged == "true")] { (ctx.t("安排工作", "arranged")) }
                        option value="false" selected[f.is_some_and(|f| f.job_arranged == "false")] { (ctx.t("难以安排", "not arranged")) }
                    }
                    (at_field(ctx, "job_arranged", error))
                }
            }
            fieldset.stack {
                legend { (ctx.t("广东省条例（不适用则留空）", "Guangdong Regulations (leave empty if not applicable)")) }
                div.cols {
                    div {
                        label for="actual_wage" { (ctx.t("实际工资（元/月；第56条：单位少报工资时填写，差额由单位补足）", "Wage actually paid (yuan a month; Art 56: when the unit declared less, the unit owes the difference)")) }
                        input #actual_wage name="actual_wage" inputmode="decimal" value=(f.map_or("", |f| f.actual_wage.as_str())) aria-invalid=[bad("actual_wage")];
                        (at_field(ctx, "actual_wage", error))
                    }
                    div {
                        label for="household_moved_home_on" { (ctx.t("户籍迁回原籍日期（第29条：一至四级，单位发给安家补助费）", "Household registration moved home on (Art 29: grades 1-4, the unit pays a resettlement allowance)")) }
                        input #household_moved_home_on name="household_moved_home_on" type="date" value=(f.map_or("", |f| f.household_moved_home_on.as_str())) aria-invalid=[bad("household_moved_home_on")];
                        (at_field(ctx, "household_moved_home_on", error))
                    }
                }
            }
            fieldset.stack {
                legend { (ctx.t("因工死亡（无则留空）", "Death from the injury (leave empty if none)")) }
                div.cols {
                    div {
                        label for="death_date" { (ctx.t("死亡日期", "Date of death")) }
                        input #death_date name="death_date" type="date" value=(f.map_or("", |f| f.death_date.as_str())) aria-invalid=[bad("death_date")];
                        (at_field(ctx, "death_date", error))
                    }
                    div {
                        label for="award_spouse" { (ctx.t("配偶是否为供养亲属", "Spouse a dependant")) }
                        select #award_spouse name="spouse" aria-invalid=[bad("spouse")] {
                            option value="" selected[f.is_none_or(|f| f.spouse.is_empty())] { (ctx.t("请选择", "Please choose")) }
                            option value="true" selected[f.is_some_and(|f| f.spouse == "true")] { (ctx.t("是", "yes")) }
                            option value="false" selected[f.is_some_and(|f| f.spouse == "false")] { (ctx.t("否", "no")) }
                        }
                        (at_field(ctx, "spouse", error))
                    }
                    div {
                        label for="award_others" { (ctx.t("配偶以外的供养亲属人数", "Dependants other than the spouse")) }
                        input #award_others name="others" inputmode="numeric" value=(f.map_or("", |f| f.others.as_str())) aria-invalid=[bad("others")];
                        (at_field(ctx, "others", error))
                    }
                    div {
                        label for="extra10" { (ctx.t("其中孤寡老人或孤儿人数（各加发10%）", "Of whom lone elders or orphans (10% more each)")) }
                        input #extra10 name="extra10" inputmode="numeric" value=(f.map_or("", |f| f.extra10.as_str())) aria-invalid=[bad("extra10")];
                        (at_field(ctx, "extra10", error))
                    }
                }
                div {
                    label for="birth_dates" { (ctx.t("配偶以外供养亲属的出生日期（按顺序，逗号分隔；子女的抚恤金发至年满18岁前一个月）", "Birth dates of the dependants other than the spouse, in order, separated by commas (a child's pension runs to the month before 18)")) }
                    input #birth_dates name="birth_dates" value=(f.map_or("", |f| f.birth_dates.as_str())) aria-invalid=[bad("birth_dates")] placeholder=(ctx.t("例如 2012-05-01, 1950-03-02", "e.g. 2012-05-01, 1950-03-02"));
                    (at_field(ctx, "birth_dates", error))
                }
            }
            @if replaces.is_some() {
                div {
                    label for="basis" { (ctx.t("重新核定的原因", "Why it is computed again")) }
                    select #basis name="basis" aria-invalid=[bad("basis")] {
                        option value="" { (ctx.t("请选择", "Please choose")) }
                        @for b in [AwardBasis::NewAppraisal, AwardBasis::ParameterCorrection, AwardBasis::FactsCorrected, AwardBasis::BackPayment] {
                            option value=(b.as_str()) selected[f.is_some_and(|f| f.basis == b.as_str())] { (basis_words(ctx.lang, b)) }
                        }
                    }
                    (at_field(ctx, "basis", error))
                }
                label.check { input type="checkbox" name="confirm_replace" value="1" aria-invalid=[bad("confirm_replace")]; " " (ctx.t("我确认要计算新的核定单以替换现行核定", "I confirm: compute a new award to replace the one in force")) }
                (at_field(ctx, "confirm_replace", error))
            }
            input type="hidden" name="action" value="award";
            div { button.primary type="submit" { (ctx.t("计算待遇（提交复核）", "Compute the award (for review)")) } }
        }
    }
}

/// A case action's form as typed (and the award form's fields, kept as
/// typed when the server refuses them).
#[derive(Deserialize, Default, Clone)]
pub struct ActForm {
    #[serde(default)]
    pub(super) csrf_token: String,
    #[serde(default)]
    pub(super) action: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    nursing: String,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    pub(super) own_wage: String,
    /// Guangdong Regulations Art 56 (empty: no comparison).
    #[serde(default)]
    pub(super) actual_wage: String,
    /// Guangdong Regulations Art 29 (empty: none).
    #[serde(default)]
    pub(super) household_moved_home_on: String,
    #[serde(default)]
    pub(super) suspension_months: String,
    #[serde(default)]
    hospital_days: String,
    #[serde(default)]
    job_arranged: String,
    #[serde(default)]
    pub(super) basis: String,
    #[serde(default)]
    pub(super) confirm_replace: String,
    #[serde(default)]
    recusal_reason: String,
    #[serde(default)]
    recusal_official: String,
    // Regulations Art 41 (ui/missing.rs).
    #[serde(default)]
    pub(super) missing_command: String,
    #[serde(default)]
    pub(super) circumstance: String,
    #[serde(default)]
    pub(super) judgment_on: String,
    #[serde(default)]
    pub(super) on: String,
    #[serde(default)]
    pub(super) spouse: String,
    #[serde(default)]
    pub(super) others: String,
    #[serde(default)]
    revision_kind: String,
    #[serde(default)]
    revision_grade: String,
    #[serde(default)]
    revision_reason: String,
    #[serde(default)]
    decision_no: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    instalments: String,
    // A death on the award form (Regulations Art 39).
    #[serde(default)]
    pub(super) death_date: String,
    #[serde(default)]
    pub(super) extra10: String,
    #[serde(default)]
    pub(super) birth_dates: String,
    // issue 14: an appraisal's fee (Regulations Art 12)
    #[serde(default)]
    fee_appraisal: String,
    #[serde(default)]
    fee_amount: String,
    #[serde(default)]
    fee_payer: String,
    #[serde(default)]
    fee_paid_on: String,
    // issue 12: a correction's arrears paid
    #[serde(default)]
    arrears_paid_on: String,
    // issue 17: a recurrence (Regulations Art 38, ui/recurrence.rs)
    #[serde(default)]
    pub(super) recurred_on: String,
    #[serde(default)]
    pub(super) confirmed_by: String,
    #[serde(default)]
    pub(super) confirming_body_name: String,
    #[serde(default)]
    pub(super) confirmed_on: String,
    #[serde(default)]
    pub(super) document: String,
    #[serde(default)]
    pub(super) medical_note: String,
    #[serde(default)]
    pub(super) recurrence: String,
    #[serde(default)]
    pub(super) wage_at_recurrence: String,
    #[serde(default)]
    pub(super) extension_confirmed: String,
    #[serde(default)]
    pub(super) recurrence_award: String,
}

impl ActForm {
    /// What a preview gives the commands that take a value.
    fn preview() -> ActForm {
        ActForm {
            grade: "5".into(),
            explanation: "preview".into(),
            ..ActForm::default()
        }
    }
}

async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let n = number.clone();
    let viewer = actor.clone();
    let form = f.clone();
    let result = state
        .run(move |app| {
            let view = app.case_view(&actor, &n)?;
            if form.action == "conclude" && form.grade.trim().is_empty() {
                return Err(AppError::invalid(
                    "grade",
                    "choose the grade concluded, or no grade",
                ));
            }
            if matches!(
                form.action.as_str(),
                "not_recognised" | "deny" | "decline_claim"
            ) && form.explanation.trim().is_empty()
            {
                return Err(AppError::invalid(
                    "explanation",
                    "say why the injury is not recognised",
                ));
            }
            let command = command_of(&form.action, &view, &form).ok_or_else(|| {
                AppError::invalid(
                    "action",
                    format!("{:?} is not an action of this case now", form.action),
                )
            })?;
            app.act(&actor, &n, command, None)
        })
        .await;
    after_change(&state, &ctx, &viewer, &number, result.err().map(|e| (e, f))).await
}

/// A case form's post that comes back to the case page: signed in, CSRF
/// checked, the use case run off the async workers, then the page again,
/// with a refusal next to its field (`action` names the form it came from).
pub(super) async fn case_post<T: Send + 'static>(
    state: &AppState,
    ctx: &Ctx,
    number: String,
    mut f: ActForm,
    action: &str,
    run: impl FnOnce(&gongshang_app::App, &Actor, &str, &ActForm) -> Result<T, AppError>
    + Send
    + 'static,
) -> Response {
    let actor = match session::signed_in(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(ctx, &f.csrf_token) {
        return r;
    }
    f.action = action.into();
    let viewer = actor.clone();
    let (n, form) = (number.clone(), f.clone());
    let result = state
        .run(move |app| run(app, &actor, &n, &form).map(|_| ()))
        .await;
    after_change(state, ctx, &viewer, &number, result.err().map(|e| (e, f))).await
}

/// Back to the case: a redirect when all went well, the page with the
/// refusal next to its field (and what was typed) otherwise.
pub(super) async fn after_change(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    number: &str,
    error: Option<(AppError, ActForm)>,
) -> Response {
    match error {
        None => Redirect::to(&format!("/cases/{number}")).into_response(),
        Some((e, form)) => match load_page(state, actor, number).await {
            Ok(page) => {
                let title = format!("{} {}", ctx.t("案件", "Case"), number);
                (
                    super::error_status(&e),
                    respond(ctx, &title, case_body(ctx, state, &page, Some((&e, &form)))),
                )
                    .into_response()
            }
            Err(e2) => error_page(ctx, &e2),
        },
    }
}

/// The award form's text as the rules engine's facts; a field that does
/// not read is refused naming it (the engine checks the rest).
/// `replacing`: the award approved now, which a confirmed form replaces.
pub(super) fn award_request(f: &ActForm, replacing: Option<i64>) -> Result<AwardRequest, AppError> {
    let wage = f.own_wage.trim();
    if wage.is_empty() {
        return Err(AppError::invalid(
            "own_wage",
            "is empty; the monthly wage in yuan",
        ));
    }
    let wage = gongshang_rules::Money::parse_yuan(wage)
        .map_err(|e| AppError::invalid("own_wage", e.to_string()))?;
    if wage <= gongshang_rules::Money::ZERO {
        return Err(AppError::invalid("own_wage", "must be more than 0"));
    }
    let count = |field: &'static str, text: &str| -> Result<u32, AppError> {
        match text.trim() {
            "" => Ok(0),
            t => t.parse::<u32>().map_err(|_| {
                AppError::invalid(field, format!("{t:?} is not a whole number of 0 or more"))
            }),
        }
    };
    let mut facts = serde_json::json!({
        "own_wage": wage.to_string(),
        "suspension_months": count("suspension_months", &f.suspension_months)?,
        "hospital_days": count("hospital_days", &f.hospital_days)?,
    });
    match f.actual_wage.trim() {
        "" => {}
        t => {
            let actual = gongshang_rules::Money::parse_yuan(t)
                .map_err(|e| AppError::invalid("actual_wage", e.to_string()))?;
            facts["actual_wage"] = actual.to_string().into();
        }
    }
    match f.household_moved_home_on.trim() {
        "" => {}
        t => {
            let day: jiff::civil::Date = t.parse().map_err(|_| {
                AppError::invalid(
                    "household_moved_home_on",
                    format!("{t:?} is not a date (YYYY-MM-DD)"),
                )
            })?;
            facts["household_moved_home_on"] = day.to_string().into();
        }
    }
    match f.job_arranged.as_str() {
        "true" => facts["job_arranged"] = true.into(),
        "false" => facts["job_arranged"] = false.into(),
        _ => {}
    }
    let basis = if replacing.is_some() {
        if f.basis.is_empty() {
            return Err(AppError::invalid(
                "basis",
                "choose why the award is computed again",
            ));
        }
        if f.confirm_replace != "1" {
            return Err(AppError::invalid(
                "confirm_replace",
                "an approved award exists; confirm that a new one replaces it",
            ));
        }
        f.basis
            .parse::<AwardBasis>()
            .map_err(|e| AppError::invalid("basis", e.to_string()))?
    } else {
        AwardBasis::Initial
    };
    Ok(AwardRequest {
        facts,
        basis,
        dependant_birth_dates: Vec::new(),
        replaces: replacing,
    })
}

/// The award a new one would replace, if one is approved; a new award waits
/// while another is awaiting review (it is checked first).
pub(super) fn award_in_force(
    app: &gongshang_app::App,
    actor: &Actor,
    number: &str,
) -> Result<Option<i64>, AppError> {
    let awards = app.awards_of_case(actor, number)?;
    if let Some(p) = awards.iter().find(|a| a.status == AwardStatus::Proposed) {
        return Err(AppError::Conflict {
            entity: "award",
            reason: format!(
                "award {} of the case is awaiting review; it is checked first",
                p.id
            ),
        });
    }
    Ok(awards
        .iter()
        .find(|a| a.status == AwardStatus::Approved)
        .map(|a| a.id))
}

/// The survivors as the award form gives them (Regulations Art 39(1)(2)):
/// whether the spouse is a dependant (required), how many others, how many of
/// them are lone elders or orphans (10% more each), and the others' birth
/// dates in order (a child's pension ends the month before 18).
pub(super) fn dependants_of(
    f: &ActForm,
) -> Result<(serde_json::Value, Vec<Option<jiff::civil::Date>>), AppError> {
    let spouse = match f.spouse.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Err(AppError::invalid(
                "spouse",
                "choose whether the spouse is a dependant",
            ));
        }
    };
    let count = |field: &'static str, text: &str| -> Result<u32, AppError> {
        match text.trim() {
            "" => Ok(0),
            t => t.parse::<u32>().map_err(|_| {
                AppError::invalid(field, format!("{t:?} is not a whole number of 0 or more"))
            }),
        }
    };
    let others = count("others", &f.others)?;
    let extra10 = count("extra10", &f.extra10)?;
    if extra10 > others + u32::from(spouse) {
        return Err(AppError::invalid(
            "extra10",
            format!("{extra10} is more than the dependants given"),
        ));
    }
    let mut births = Vec::new();
    for text in f.birth_dates.split([',', '，', ' ']).map(str::trim) {
        if text.is_empty() {
            continue;
        }
        let day = text.parse::<jiff::civil::Date>().map_err(|_| {
            AppError::invalid(
                "birth_dates",
                format!("{text:?} is not a date (YYYY-MM-DD)"),
            )
        })?;
        births.push(Some(day));
    }
    if births.len() > others as usize {
        return Err(AppError::invalid(
            "birth_dates",
            format!(
                "{} birth dates for {others} dependants other than the spouse",
                births.len()
            ),
        ));
    }
    Ok((
        serde_json::json!({"spouse": spouse, "others": others, "extra10": extra10}),
        births,
    ))
}

/// The award form's death: the date and the survivors, or nothing at all
/// (survivors without a date of death are refused, not ignored).
fn death_facts(f: &ActForm, req: &mut AwardRequest) -> Result<(), AppError> {
    let day = f.death_date.trim();
    if day.is_empty() {
        let given = [&f.spouse, &f.others, &f.extra10, &f.birth_dates]
            .iter()
            .any(|t| !t.trim().is_empty());
        if given {
            return Err(AppError::invalid(
                "death_date",
                "dependants are given for a death: enter the date of death, or clear them",
            ));
        }
        return Ok(());
    }
    let day = day.parse::<jiff::civil::Date>().map_err(|_| {
        AppError::invalid("death_date", format!("{day:?} is not a date (YYYY-MM-DD)"))
    })?;
    let (dependants, births) = dependants_of(f)?;
    if let Some(facts) = req.facts.as_object_mut() {
        facts.insert("death_date".into(), day.to_string().into());
        facts.insert("dependants".into(), dependants);
    }
    req.dependant_birth_dates = births;
    Ok(())
}

async fn compute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(mut f): Form<ActForm>,
) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    f.action = "award".into();
    let n = number.clone();
    let viewer = actor.clone();
    let form = f.clone();
    let result = state
        .run(move |app| {
            let replacing = award_in_force(app, &actor, &n)?;
            let mut req = award_request(&form, replacing)?;
            death_facts(&form, &mut req)?;
            app.compute_award(&actor, &n, &req)
        })
        .await;
    match result {
        Ok(v) => Redirect::to(&format!("/awards/{}", v.award.id)).into_response(),
        Err(e) => after_change(&state, &ctx, &viewer, &number, Some((e, f))).await,
    }
}

/// An award with the return of it, if it was returned.
async fn load_award(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<(AwardView, Option<gongshang_app::model::AwardReturn>), AppError> {
    let actor = actor.clone();
    state
        .run(move |app| {
            let v = app.award_view(&actor, id)?;
            let returned = app
                .award_returns(&actor, &v.case_number)?
                .into_iter()
                .find(|r| r.award_id == id);
            Ok::<_, AppError>((v, returned))
        })
        .await
}

async fn award(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    let actor = match session::signed_in(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match load_award(&state, &actor, id).await {
        Ok((v, returned)) => {
            let title = format!("{} {}", ctx.t("待遇核定单", "Award"), v.award.id);
            respond(&ctx, &title, award_body(&ctx, &v, returned.as_ref(), None))
        }
        Err(e) => error_page(&ctx, &e),
    }
}

/// The award page after a refused approval or return: the refusal next to
/// its field, the reason as typed.
pub async fn award_refused(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    error: &AppError,
    typed_reason: &str,
) -> Response {
    match load_award(state, actor, id).await {
        Ok((v, returned)) => (
            super::error_status(error),
            respond(
                ctx,
                ctx.t("待遇核定单", "Award"),
                award_body(ctx, &v, returned.as_ref(), Some((error, typed_reason))),
            ),
        )
            .into_response(),
        Err(e2) => error_page(ctx, &e2),
    }
}

/// The difference between the award and the one it replaces, per item.
fn difference_table(ctx: &Ctx, v: &AwardView) -> Markup {
    let zh = ctx.zh();
    html! {
        @if let Some(d) = &v.difference {
            section.card #difference {
                h2 style="margin-top:0" {
                    @if v.award.status == AwardStatus::Proposed { (ctx.t("与现行核定的比较", "Beside the award in force")) }
                    @else { (ctx.t("与被替换核定的比较", "Beside the award it replaced")) }
                }
                @if d.lines.is_empty() {
                    p.muted { (ctx.t("各项金额均无变化。", "No item changes.")) }
                } @else {
                    div.table-wrap { table.cards {
                        thead { tr {
                            th { (ctx.t("项目", "Item")) } th { (ctx.t("受领人", "Beneficiary")) }
                            th.num { (ctx.t("现行（元）", "In force (yuan)")) } th.num { (ctx.t("本次（元）", "This award (yuan)")) }
                            th.num { (ctx.t("已发月数", "Months paid")) } th.num { (ctx.t("差额（元）", "Difference (yuan)")) }
                        } }
                        tbody { @for l in &d.lines { tr {
                            td data-label=(ctx.t("项目", "Item")) { (item_label(l.item, zh)) @if l.periodicity == Periodicity::Monthly { " " span.tag { (ctx.t("每月", "monthly")) } } }
                            td data-label=(ctx.t("受领人", "Beneficiary")) { (super::staff_words::beneficiary_words(ctx.lang, &l.beneficiary)) }
                            td.num data-label=(ctx.t("现行（元）", "In force (yuan)")) { (yuan(l.before)) }
                            td.num data-label=(ctx.t("本次（元）", "This award (yuan)")) { (yuan(l.after)) }
                            td.num data-label=(ctx.t("已发月数", "Months paid")) { (l.months_paid) }
                            td.num data-label=(ctx.t("差额（元）", "Difference (yuan)")) { strong { (yuan(l.difference)) } }
                        } } }
                    } }
                    p { (ctx.t("应补发 ", "To pay: ")) strong { (yuan(d.arrears)) } (ctx.t(" 元；应追回 ", " yuan; to recover: ")) strong { (yuan(d.to_recover)) } (ctx.t(" 元", " yuan")) }
                }
            }
        }
    }
}

fn award_body(
    ctx: &Ctx,
    v: &AwardView,
    returned: Option<&gongshang_app::model::AwardReturn>,
    failed: Option<(&AppError, &str)>,
) -> Markup {
    let a = &v.award;
    let error = failed.map(|(e, _)| e);
    let trace: serde_json::Value = serde_json::from_str(&a.trace).unwrap_or_default();
    let zh = ctx.zh();
    let may_approve = ctx.viewer.may(Action::ApproveAward) && a.status == AwardStatus::Proposed;
    html! {
        h1 { (ctx.t("待遇核定单", "Award")) " " (a.id) " " (award_status(ctx, a.status)) }
        p { (ctx.t("案件", "Case")) " " a href=(format!("/cases/{}", v.case_number)) { code { (v.case_number) } }
            " · " (basis_words(ctx.lang, a.basis))
            " · " (ctx.t("规则日期", "Rules as of")) " " (a.legal_date) " · " (ctx.t("经办", "Made by")) " " (actor_words(ctx, &a.made_by))
            " · " a href="#trace" { (ctx.t("查看计算过程", "See the computation")) } }
        (super::staff_words::at_form(ctx, &["reason"], error))
        @if let Some(r) = returned {
            div.alert.warn role="note" #returned {
                strong { (ctx.t("已退回经办人：", "Returned to the maker: ")) } (r.reason)
                " — " (actor_words(ctx, &r.returned_by)) " " (super::format::china_date(r.returned_at))
            }
        }
        @if a.status == AwardStatus::Approved {
            p #award-notice { (ctx.t("核定表：", "Award sheet: "))
                a href=(format!("/api/v1/cases/{}/notices/award", v.case_number)) target="_blank" { "HTML" }
                " · " a href=(format!("/api/v1/cases/{}/notices/award?format=pdf", v.case_number)) { "PDF" } }
        }
        div.table-wrap { table {
            thead { tr {
                th { (ctx.t("项目", "Item")) } th { (ctx.t("周期", "Paid")) } th { (ctx.t("支付方", "Payer")) }
                th { (ctx.t("受领人", "Beneficiary")) } th.num { (ctx.t("金额（元）", "Amount (yuan)")) } th { (ctx.t("依据", "Article")) }
            } }
            tbody { @for it in &a.items { tr {
                td { (item_label(it.item, zh)) }
                td { @if it.periodicity == Periodicity::Monthly { span.tag { (ctx.t("每月", "monthly")) } } @else { span.tag.grey { (ctx.t("一次性", "once")) } } }
                td { (ctx.t(it.payer.label_zh(), it.payer.label_en())) } td { (super::staff_words::beneficiary_words(ctx.lang, &it.beneficiary)) }
                td.num { strong { (yuan(it.amount)) } }
                td { (super::articles::cited(ctx, &it.citation)) }
            } } }
        } }
        p.amount-total { (ctx.t("合计：一次性 ", "Total: ")) (yuan(a.one_time)) (ctx.t(" 元；每月 ", " yuan once; ")) (yuan(a.monthly)) (ctx.t(" 元", " yuan a month")) }
        (difference_table(ctx, v))
        @if may_approve {
            section.card #decide {
                h2 style="margin-top:0" { (ctx.t("复核", "Check")) }
                form method="post" action=(format!("/awards/{}/approve", a.id)) {
                    (session::csrf_field(ctx))
                    @if v.difference.is_some() {
                        p.muted { (ctx.t("核准后将替换现行核定，差额按上表补发或追回。", "Approving replaces the award in force; the differences above are paid or recovered.")) }
                    }
                    button.primary #approve type="submit" { (ctx.t("复核通过（核准）", "Approve (second person)")) }
                    " " span.muted { (ctx.t("经办人与复核人须为不同人员。", "The maker may not approve their own award.")) }
                }
                (super::review::return_form(ctx, a.id, failed.map_or("", |(_, t)| t), error))
            }
        }
        @if !v.benefits.is_empty() {
            h2 { (ctx.t("按月待遇（已列入发放）", "Monthly benefits (on the payroll)")) }
            ul { @for b in &v.benefits { li { (item_label(b.item, zh)) " · " (super::staff_words::beneficiary_words(ctx.lang, &b.beneficiary)) " · " (ctx.t("自 ", "from ")) (b.start_month.to_string()) } } }
        }
        section.card #trace {
            h2 style="margin-top:0" { (ctx.t("计算过程与依据", "How each amount was computed")) }
            ol.trace {
                @for step in trace["steps"].as_array().into_iter().flatten() {
                    li {
                        strong { (step_item_label(&step["item"], zh)) } " — "
                        (super::articles::cited(ctx, step["article"]["zh"].as_str().unwrap_or("")))
                        @if !zh { " " span.muted { (step["article"]["en"].as_str().unwrap_or("")) } }
                        br; (step[if zh { "explain_zh" } else { "explain_en" }].as_str().unwrap_or(""))
                        br; span.formula { (step["formula"].as_str().unwrap_or("")) }
                    }
                }
            }
        }
    }
}

/// A trace step's item, from the stored trace's JSON.
fn step_item_label(item: &serde_json::Value, zh: bool) -> String {
    match serde_json::from_value::<gongshang_rules::Item>(item.clone()) {
        Ok(i) => item_label(i, zh).to_owned(),
        Err(_) => item.as_str().unwrap_or("").to_owned(),
    }
}

fn item_label(item: gongshang_rules::Item, zh: bool) -> &'static str {
    if zh { item.label_zh() } else { item.label_en() }
}

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    csrf_token: String,
}

async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ApproveForm>,
) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let viewer = actor.clone();
    match state.run(move |app| app.approve_award(&actor, id)).await {
        Ok(_) => Redirect::to(&format!("/awards/{id}")).into_response(),
        Err(e) => award_refused(&state, &ctx, &viewer, id, &e, "").await,
    }
}

/// Regulations Art 20(4): who withdrew from the case, and the form by which
/// an official withdraws (an administrator may name another official).
fn recusal_section(ctx: &Ctx, page: &CasePage, failed: Option<(&AppError, &ActForm)>) -> Markup {
    let number = &page.view.row.number;
    let typed = failed.filter(|(_, f)| f.action == "recuse");
    let error = typed.map(|(e, _)| e);
    let form = typed.map(|(_, f)| f);
    let me = ctx.viewer.actor().map(|a| a.login).unwrap_or_default();
    let recused = page.recusals.iter().any(|r| r.official == me);
    let admin = ctx.viewer.role() == Some(gongshang_app::accounts::Role::Administrator);
    html! {
        section.card #recusal {
            h2 style="margin-top:0" { (ctx.t("回避", "Withdrawal (recusal)")) }
            p.muted { (ctx.t("与本案有利害关系的工作人员应当回避（《工伤保险条例》第二十条第四款）。登记后，该人员不能再办理本案件。",
                "An official with an interest in the case withdraws from it (Regulations Art 20(4)); once recorded, their actions on the case are refused.")) }
            @if page.recusals.is_empty() {
                p { (ctx.t("无人回避。", "No one has withdrawn.")) }
            } @else {
                ul {
                    @for r in &page.recusals {
                        li {
                            strong { (r.official) } " — " (r.reason)
                            br; span.muted { (ctx.t("登记：", "Recorded by ")) (actor_words(ctx, &r.recorded_by)) " · " (super::format::china_date(r.recorded_at)) }
                        }
                    }
                }
            }
            @if recused {
                p.alert.error role="status" { (ctx.t("您已回避本案件，本案由其他工作人员办理。", "You withdrew from this case; another official acts on it.")) }
            }
            @if !recused || admin {
                form method="post" action=(format!("/cases/{number}/recuse")) {
                    (session::csrf_field(ctx))
                    input type="hidden" name="action" value="recuse";
                    @let fields: &[&str] = if admin { &["recusal_reason", "recusal_official"] } else { &["recusal_reason"] };
                    (super::staff_words::at_form(ctx, fields, error))
                    @if admin {
                        label for="recusal_official" { (ctx.t("回避人员账号（留空为本人）", "Official's login (empty: yourself)")) }
                        input #recusal_official name="recusal_official" value=(form.map_or("", |f| f.recusal_official.as_str()))
                            aria-invalid=[error.is_some_and(|e| e.field() == Some("recusal_official")).then_some("true")];
                        (at_field(ctx, "recusal_official", error))
                    }
                    label for="recusal_reason" { (ctx.t("利害关系", "Interest in the case")) }
                    textarea #recusal_reason name="recusal_reason" rows="2" maxlength="500" required
                        aria-invalid=[error.is_some_and(|e| e.field() == Some("recusal_reason")).then_some("true")] {
                        (form.map_or("", |f| f.recusal_reason.as_str()))
                    }
                    (at_field(ctx, "recusal_reason", error))
                    button type="submit" { (ctx.t("登记回避", "Record the withdrawal")) }
                }
            }
        }
    }
}

async fn recuse(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    case_post(&state, &ctx, number, f, "recuse", |app, actor, n, form| {
        let official = Some(form.recusal_official.as_str()).filter(|o| !o.trim().is_empty());
        app.record_recusal(actor, n, official, &form.recusal_reason)
    })
    .await
}

/// Order No. 55 Art 31: the committee's decision revoking or correcting the
/// conclusion in force, recorded by a clerk; a reviewer (not the clerk)
/// applies it, and the page says what applying it starts and ends.
fn revision_section(ctx: &Ctx, page: &CasePage, failed: Option<(&AppError, &ActForm)>) -> Markup {
    use gongshang_app::model::{RevisionKind, RevisionRecovery};
    let number = &page.view.row.number;
    let typed = failed.filter(|(_, f)| f.action == "revise");
    let error = typed.map(|(e, _)| e);
    let form = typed.map(|(_, f)| f);
    let apply_error = failed
        .filter(|(_, f)| f.action == "apply_revision")
        .map(|(e, _)| e);
    let arrears = failed.filter(|(_, f)| f.action == "pay_arrears");
    let arrears_error = arrears.map(|(e, _)| e);
    let arrears_typed = arrears.map(|(_, f)| f);
    let me = ctx.viewer.actor().map(|a| a.login).unwrap_or_default();
    let current = page.view.appraisal.current();
    // Nothing to revoke or correct before a conclusion, and nothing recorded.
    if current.is_none() && page.revisions.is_empty() {
        return html! {};
    }
    let open = page.revisions.iter().any(|r| r.applied.is_none());
    let invalid = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    let typed_text = |pick: fn(&ActForm) -> &str| form.map_or("", pick);
    html! {
        section.card #revision {
            h2 style="margin-top:0" { (ctx.t("鉴定结论撤销或纠正", "Conclusion revoked or corrected")) }
            p.muted { (ctx.t(
                "《劳动能力鉴定管理办法》第三十一条：以伪造诊断证明、病历资料、工伤认定结论等申请材料或者以冒名顶替检查等手段骗取的鉴定结论，原鉴定委员会予以撤销；与伤病情、鉴定标准不符以及超出工伤认定范围等严重错误的，及时予以纠正。",
                "Order No. 55 Art 31: a conclusion obtained by forged diagnoses, medical records or determination conclusions, or by impersonation at the examination, is revoked by the committee that made it; a seriously wrong one (at odds with the injury or the standard, or beyond the determined injury) is corrected.")) }
            @for r in &page.revisions {
                @let what = match (r.kind, r.grade) {
                    (RevisionKind::Revoke, _) => ctx.t("撤销", "revoked").to_owned(),
                    (RevisionKind::Correct, Some(g)) => if ctx.zh() { format!("纠正为{g}级") } else { format!("corrected to grade {g}") },
                    (RevisionKind::Correct, None) => ctx.t("纠正为未达级", "corrected to no grade").to_owned(),
                };
                div.alert.warn[r.applied.is_none()] .alert.ok[r.applied.is_some()] role="status" {
                    strong { code { (r.reference) } " " (ctx.t("鉴定结论", "conclusion ")) (r.conclusion) " " (what) }
                    " — " (r.decision_no) " · " (r.decided_on) br;
                    span.muted { (ctx.t("理由：", "Reason: ")) (r.reason) " · " (ctx.t("登记：", "recorded by ")) (actor_words(ctx, &r.made_by)) }
                    br;
                    @if let Some(a) = &r.applied {
                        (ctx.t("已执行：多发 ", "Applied: overpaid ")) strong { (yuan(a.overpaid)) } (ctx.t(" 元转入多发待遇追回，少发 ", " yuan to recover (see overpayments), underpaid ")) strong { (yuan(a.underpaid)) } (ctx.t(" 元待补发。", " yuan to pay."))
                        " " span.muted { (ctx.t("执行：", "applied by ")) (actor_words(ctx, &a.checked_by)) }
                        @if let Some(p) = &r.arrears_paid {
                            br; (ctx.t("少发部分已于 ", "The underpaid amount was paid on ")) (p.paid_on) (ctx.t(" 补发 ", ": ")) strong { (yuan(p.amount)) } (ctx.t(" 元", " yuan"))
                            " " span.muted { (ctx.t("经办：", "by ")) (actor_words(ctx, &p.paid_by)) }
                        } @else if a.underpaid > gongshang_rules::Money::ZERO && ctx.viewer.may(Action::PayOneTime) {
                            form method="post" action=(format!("/appraisal-revisions/{}/arrears", r.id)) {
                                (session::csrf_field(ctx))
                                input type="hidden" name="action" value="pay_arrears";
                                (super::staff_words::at_form(ctx, &["paid_on"], arrears_error))
                                label for=(format!("arrears_paid_on-{}", r.id)) { (ctx.t("补发日期", "Day paid")) }
                                input id=(format!("arrears_paid_on-{}", r.id)) name="arrears_paid_on" type="date" required
                                    value=(arrears_typed.map_or("", |f| f.arrears_paid_on.as_str()))
                                    aria-invalid=[arrears_error.is_some_and(|e| e.field() == Some("paid_on")).then_some("true")];
                                (at_field(ctx, "paid_on", arrears_error))
                                button.primary type="submit" { (ctx.t("补发少发待遇 ", "Pay the underpaid ")) (yuan(a.underpaid)) (ctx.t(" 元", " yuan")) }
                            }
                        }
                    } @else {
                        (ctx.t("已登记，待复核人员执行。执行后：原核定作废，", "Recorded, awaiting a reviewer. Applying it supersedes the award, "))
                        (match r.kind {
                            RevisionKind::Revoke => ctx.t("依据该结论的定期待遇自下月起停发，已发待遇全部追回", "stops the benefits on the conclusion from the next month unpaid and recovers every payment made on it"),
                            RevisionKind::Correct => ctx.t("按纠正后的等级重新核定，定期待遇自下月起按新标准发放，每月多发部分追回、少发部分补发", "recomputes the award on the corrected grade: the benefits change from the next month unpaid, each month paid over is recovered and each month paid short is owed"),
                        })
                        (match r.recovery {
                            RevisionRecovery::Refund => ctx.t("（一次退还）。", " (refunded at once)."),
                            RevisionRecovery::Instalments { .. } => ctx.t("（分期退还）。", " (by instalments)."),
                        })
                        @if ctx.viewer.may(Action::ApplyAppraisalRevision) && r.made_by != me {
                            form method="post" action=(format!("/appraisal-revisions/{}/apply", r.id)) {
                                (session::csrf_field(ctx))
                                input type="hidden" name="action" value="apply_revision";
                                @if let Some(e) = apply_error { (super::staff_words::at_form(ctx, &[], Some(e))) }
                                button.primary type="submit" { (ctx.t("复核并执行", "Check and apply")) }
                            }
                        }
                    }
                }
            }
            @if ctx.viewer.may(Action::RecordAppraisalRevision) && current.is_some() && !open {
                form method="post" action=(format!("/cases/{number}/revise")) {
                    (session::csrf_field(ctx))
                    input type="hidden" name="action" value="revise";
                    (super::staff_words::at_form(ctx, &["revision_kind", "grade", "nursing", "reason", "decision_no", "decided_on", "instalments"], error))
                    fieldset {
                        legend { (ctx.t("鉴定委员会的决定", "The committee's decision")) }
                        @let kind = typed_text(|f| f.revision_kind.as_str());
                        label { input type="radio" name="revision_kind" value="revoke" checked[kind == "revoke"] required; " " (ctx.t("撤销（骗取的结论）", "revoke (obtained by fraud)")) }
                        label { input type="radio" name="revision_kind" value="correct" checked[kind == "correct"]; " " (ctx.t("纠正为另一等级", "correct to another grade")) }
                        (at_field(ctx, "revision_kind", error))
                    }
                    label for="revision_grade" { (ctx.t("纠正后的伤残等级（仅纠正时填写）", "Corrected grade (correction only)")) }
                    @let g = typed_text(|f| f.revision_grade.as_str());
                    select #revision_grade name="revision_grade" aria-invalid=[invalid("grade")] {
                        option value="" selected[g.is_empty()] { (ctx.t("— 请选择 —", "— choose —")) }
                        option value="none" selected[g == "none"] { (ctx.t("未达级", "no grade reached")) }
                        @for n in 1..=10u8 {
                            option value=(n) selected[g == n.to_string()] { (n) (ctx.t(" 级", "")) }
                        }
                    }
                    (at_field(ctx, "grade", error))
                    label for="revision_reason" { (ctx.t("理由", "Reason")) }
                    textarea #revision_reason name="revision_reason" rows="2" maxlength="500" required aria-invalid=[invalid("reason")] {
                        (typed_text(|f| f.revision_reason.as_str()))
                    }
                    (at_field(ctx, "reason", error))
                    label for="decision_no" { (ctx.t("决定文号", "Decision number")) }
                    input #decision_no name="decision_no" required value=(typed_text(|f| f.decision_no.as_str())) aria-invalid=[invalid("decision_no")];
                    (at_field(ctx, "decision_no", error))
                    label for="decided_on" { (ctx.t("决定日期", "Date of the decision")) }
                    input #decided_on name="decided_on" type="date" required value=(typed_text(|f| f.decided_on.as_str())) aria-invalid=[invalid("decided_on")];
                    (at_field(ctx, "decided_on", error))
                    label for="instalments" { (ctx.t("多发待遇分期退还月数（留空为一次退还）", "Months to repay an overpayment in (empty: at once)")) }
                    input #instalments name="instalments" type="number" min="1" max="120" value=(typed_text(|f| f.instalments.as_str())) aria-invalid=[invalid("instalments")];
                    (at_field(ctx, "instalments", error))
                    button type="submit" { (ctx.t("登记决定", "Record the decision")) }
                }
            }
        }
    }
}

/// The form's text as the app's input; a field that does not read is
/// refused naming it.
fn revision_input(f: &ActForm) -> Result<gongshang_app::cases::RevisionInput, AppError> {
    use gongshang_app::model::RevisionRecovery;
    let revision =
        match f.revision_kind.trim() {
            "revoke" => appraisal::Revision::Revoke,
            "correct" => appraisal::Revision::Correct {
                grade: match f.revision_grade.trim() {
                    "" => {
                        return Err(AppError::invalid(
                            "grade",
                            "choose the corrected grade, or no grade reached",
                        ));
                    }
                    "none" => None,
                    g => Some(g.parse::<u8>().map_err(|_| {
                        AppError::invalid("grade", format!("{g:?}; 1 to 10, or none"))
                    })?),
                },
                nursing: None,
            },
            _ => {
                return Err(AppError::invalid(
                    "revision_kind",
                    "choose revoke or correct",
                ));
            }
        };
    let decided_on = f.decided_on.trim().parse().map_err(|_| {
        AppError::invalid(
            "decided_on",
            format!("{:?} is not a date; YYYY-MM-DD", f.decided_on),
        )
    })?;
    let recovery = match f.instalments.trim() {
        "" => RevisionRecovery::Refund,
        n => RevisionRecovery::Instalments {
            months: n
                .parse()
                .map_err(|_| AppError::invalid("instalments", format!("{n:?}; 1 to 120")))?,
        },
    };
    Ok(gongshang_app::cases::RevisionInput {
        revision,
        reason: f.revision_reason.clone(),
        decision_no: f.decision_no.clone(),
        decided_on,
        recovery,
    })
}

async fn revise(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    case_post(&state, &ctx, number, f, "revise", |app, actor, n, form| {
        let input = revision_input(form)?;
        app.record_appraisal_revision(actor, n, &input)
    })
    .await
}

async fn apply_revision(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(mut f): Form<ActForm>,
) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    f.action = "apply_revision".into();
    let viewer = actor.clone();
    let checker = actor.clone();
    let reader = actor.clone();
    let number = state
        .run(move |app| app.appraisal_revision(&reader, id).map(|(_, n)| n))
        .await;
    let number = match number {
        Ok(n) => n,
        Err(e) => return error_page(&ctx, &e),
    };
    let result = state
        .run(move |app| app.apply_appraisal_revision(&checker, id))
        .await;
    after_change(&state, &ctx, &viewer, &number, result.err().map(|e| (e, f))).await
}

/// A correction's arrears paid on the day the clerk names (issue 12).
async fn pay_arrears(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(mut f): Form<ActForm>,
) -> Response {
    let actor = match session::form_actor(&ctx, &f.csrf_token) {
        Ok(a) => a,
        Err(r) => return r,
    };
    f.action = "pay_arrears".into();
    let viewer = actor.clone();
    let payer = actor.clone();
    let reader = actor.clone();
    let number = state
        .run(move |app| app.appraisal_revision(&reader, id).map(|(_, n)| n))
        .await;
    let number = match number {
        Ok(n) => n,
        Err(e) => return error_page(&ctx, &e),
    };
    let day = f.arrears_paid_on.trim().to_owned();
    let result = state
        .run(move |app| {
            let paid_on = day.parse().map_err(|_| {
                AppError::invalid(
                    "paid_on",
                    format!("{day:?} is not a date; expected YYYY-MM-DD"),
                )
            })?;
            app.pay_revision_arrears(&payer, id, paid_on)
        })
        .await;
    after_change(&state, &ctx, &viewer, &number, result.err().map(|e| (e, f))).await
}

/// Regulations Art 12: the fees of the case's appraisals, and the form by
/// which a clerk records one and who paid it. Nothing is preset: the clerk
/// chooses the appraisal, the payer and the day.
fn appraisal_fee_section(
    ctx: &Ctx,
    page: &CasePage,
    failed: Option<(&AppError, &ActForm)>,
) -> Markup {
    let number = &page.view.row.number;
    let typed = failed.filter(|(_, f)| f.action == "appraisal_fee");
    let error = typed.map(|(e, _)| e);
    let form = typed.map(|(_, f)| f);
    let value = |get: fn(&ActForm) -> &str| form.map_or("", get);
    let invalid = |field: &str| {
        error
            .is_some_and(|e| e.field() == Some(field))
            .then_some("true")
    };
    let payer_words = |p: gongshang_app::cases::AppraisalFeePayer| match p {
        gongshang_app::cases::AppraisalFeePayer::Fund => ctx.t("工伤保险基金", "the fund"),
        gongshang_app::cases::AppraisalFeePayer::Unit => ctx.t("用人单位", "the unit"),
        gongshang_app::cases::AppraisalFeePayer::Worker => ctx.t("职工本人", "the worker"),
    };
    // No appraisal yet and no fee: the section would only explain.
    if page.view.appraisal.history.is_empty() && page.fees.is_empty() {
        return html! {};
    }
    html! {
        section.card #appraisal-fee {
            h2 style="margin-top:0" { (ctx.t("劳动能力鉴定费", "Appraisal fees")) }
            p.muted { (ctx.t("工伤保险基金支付劳动能力鉴定费用（《工伤保险条例》第十二条）；由基金支付的鉴定费记入基金账目，在收支表中单列为支出。由单位或职工负担的，请据实选择付款方。",
                "The fund pays for work-capacity appraisals (Regulations Art 12); a fee the fund paid is posted to its ledger and shown as its own expenditure line in the statement. Where the unit or the worker bore it, choose them as the payer.")) }
            @if page.fees.is_empty() {
                p { (ctx.t("尚未登记鉴定费。", "No appraisal fee recorded.")) }
            } @else {
                div.table-wrap { table {
                    thead { tr {
                        th { (ctx.t("鉴定", "Appraisal")) }
                        th.num { (ctx.t("金额", "Amount")) }
                        th { (ctx.t("付款方", "Paid by")) }
                        th { (ctx.t("支付日期", "Paid on")) }
                    } }
                    tbody { @for f in &page.fees { tr {
                        td { "#" (f.fee.conclusion_number) " " (f.appraisal_kind) }
                        td.num { (f.fee.amount) }
                        td { (payer_words(f.fee.payer)) }
                        td { (f.fee.paid_on) }
                    } } }
                } }
            }
            @if ctx.viewer.may(Action::RecordAppraisalFee) {
                @if page.conclusions.is_empty() {
                    p.muted { (ctx.t("本案尚无鉴定结论，作出结论后可登记鉴定费。", "The case has no appraisal conclusion yet; a fee is recorded against one.")) }
                } @else {
                    form method="post" action=(format!("/cases/{number}/appraisal-fee")) {
                        (session::csrf_field(ctx))
                        input type="hidden" name="action" value="appraisal_fee";
                        (super::staff_words::at_form(ctx, &["fee_appraisal", "fee_amount", "fee_payer", "fee_paid_on"], error))
                        label for="fee_appraisal" { (ctx.t("鉴定", "Appraisal")) }
                        select #fee_appraisal name="fee_appraisal" required aria-invalid=[invalid("fee_appraisal")] {
                            option value="" { (ctx.t("请选择", "choose")) }
                            @for c in &page.conclusions {
                                @let n = c.number.to_string();
                                option value=(n) selected[value(|f| f.fee_appraisal.as_str()) == n] {
                                    "#" (c.number) " " (c.kind) " · " (c.concluded_on)
                                }
                            }
                        }
                        (at_field(ctx, "fee_appraisal", error))
                        label for="fee_amount" { (ctx.t("金额（元）", "Amount (yuan)")) }
                        input #fee_amount name="fee_amount" inputmode="decimal" required
                            value=(value(|f| f.fee_amount.as_str())) aria-invalid=[invalid("fee_amount")];
                        (at_field(ctx, "fee_amount", error))
                        label for="fee_payer" { (ctx.t("付款方", "Paid by")) }
                        select #fee_payer name="fee_payer" required aria-invalid=[invalid("fee_payer")] {
                            option value="" { (ctx.t("请选择", "choose")) }
                            @for p in gongshang_app::cases::AppraisalFeePayer::ALL {
                                option value=(p.as_str()) selected[value(|f| f.fee_payer.as_str()) == p.as_str()] { (payer_words(p)) }
                            }
                        }
                        (at_field(ctx, "fee_payer", error))
                        label for="fee_paid_on" { (ctx.t("支付日期", "Paid on")) }
                        input #fee_paid_on type="date" name="fee_paid_on" required
                            value=(value(|f| f.fee_paid_on.as_str())) aria-invalid=[invalid("fee_paid_on")];
                        (at_field(ctx, "fee_paid_on", error))
                        button type="submit" { (ctx.t("登记鉴定费", "Record the fee")) }
                    }
                }
            }
        }
    }
}

/// What the form's text says, for the app: an empty field is missing (the
/// app names it); a value that does not read is refused under its field.
fn appraisal_fee_input(f: &ActForm) -> Result<gongshang_app::cases::AppraisalFeeInput, AppError> {
    let text = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned);
    Ok(gongshang_app::cases::AppraisalFeeInput {
        appraisal: text(&f.fee_appraisal)
            .map(|a| {
                a.parse::<i64>().map_err(|_| {
                    AppError::invalid("fee_appraisal", format!("{a:?} is not an appraisal number"))
                })
            })
            .transpose()?,
        amount: text(&f.fee_amount)
            .map(|a| {
                gongshang_rules::Money::parse_yuan(&a).map_err(|e| {
                    AppError::invalid(
                        "fee_amount",
                        format!("{a:?} is not an amount in yuan ({e})"),
                    )
                })
            })
            .transpose()?,
        payer: text(&f.fee_payer)
            .map(|p| {
                gongshang_app::cases::AppraisalFeePayer::parse(&p).ok_or_else(|| {
                    AppError::invalid("fee_payer", format!("{p:?}: one of fund, unit, worker"))
                })
            })
            .transpose()?,
        paid_on: text(&f.fee_paid_on)
            .map(|d| {
                d.parse::<jiff::civil::Date>().map_err(|_| {
                    AppError::invalid("fee_paid_on", format!("{d:?} is not a date (YYYY-MM-DD)"))
                })
            })
            .transpose()?,
    })
}

async fn record_appraisal_fee(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    case_post(
        &state,
        &ctx,
        number,
        f,
        "appraisal_fee",
        |app, actor, n, form| {
            let input = appraisal_fee_input(form)?;
            app.record_appraisal_fee(actor, n, &input)
        },
    )
    .await
}
