//! Injury cases: the list (overdue first to see), a case with its running
//! deadlines and the next actions its state allows, and the award with its
//! items, citations and trace, approved by a second person.
//!
//! The actions go through the case services (`App::act`, `compute_award`,
//! `approve_award`): the domain decides what a state allows, and a refusal
//! is shown with its reason.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use gongshang_app::AppError;
use gongshang_app::accounts::{Action, Actor};
use gongshang_app::cases::{AwardRequest, AwardView, CaseCommand, CaseView};
use gongshang_app::model::{CaseListRow, ListQuery};
use gongshang_domain::appraisal;
use gongshang_domain::case::{AwardStatus, CaseState};
use gongshang_domain::deadline::DeadlineKind;
use gongshang_domain::determination::{Command, Finding, Ground};
use gongshang_rules::award::Periodicity;
use maud::{Markup, html};
use serde::Deserialize;

use super::format::{provisional_tag, yuan};
use super::{Ctx, error_box, error_page, respond, session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list))
        .route("/cases/{number}", get(case))
        .route("/cases/{number}/act", post(act))
        .route("/cases/{number}/award", post(compute))
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

async fn list(State(state): State<AppState>, ctx: Ctx, Query(p): Query<CaseParams>) -> Response {
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

async fn case(State(state): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> Response {
    let actor = match session::signed_in(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let n = number.clone();
    let result = state
        .run(move |app| {
            Ok::<_, AppError>((app.case_view(&actor, &n)?, app.awards_of_case(&actor, &n)?))
        })
        .await;
    match result {
        Ok((view, awards)) => {
            let title = format!("{} {}", ctx.t("案件", "Case"), view.row.number);
            respond(&ctx, &title, case_body(&ctx, &state, &view, &awards, None))
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn case_body(
    ctx: &Ctx,
    state: &AppState,
    v: &CaseView,
    awards: &[gongshang_app::model::AwardRow],
    notice: Option<Markup>,
) -> Markup {
    let r = &v.row;
    let today = state.app.today();
    let agency = ctx.viewer.may(Action::ActOnCase);
    html! {
        h1 { (ctx.t("案件", "Case")) " " code { (r.number) } " " span.tag { (state_label(ctx, r.state)) } }
        @if let Some(n) = notice { (n) }
        div.grid.two {
            section.card {
                dl.facts {
                    dt { (ctx.t("受伤人员", "Person")) } dd { code { (r.person.masked()) } }
                    dt { (ctx.t("单位", "Unit")) } dd { code { (r.unit.as_ref().map_or("—", |u| u.as_str())) } }
                    dt { (ctx.t("方案", "Scheme")) } dd { (state.app.scheme_name(&r.scheme_id, ctx.zh())) }
                    dt { (ctx.t("事故日期", "Accident")) } dd { (r.accident_date) }
                    dt { (ctx.t("立案", "Opened")) } dd { (r.opened_at.strftime("%Y-%m-%d")) }
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
                            "：" (d.due) (provisional_tag(ctx.lang, d.provisional)) " "
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
            section.card {
                h2 style="margin-top:0" { (ctx.t("下一步", "Next action")) }
                (next_actions(ctx, &r.number, r.state))
            }
        }
        @if !awards.is_empty() {
            h2 { (ctx.t("待遇核定", "Awards")) }
            div.table-wrap { table {
                thead { tr { th { "#" } th { (ctx.t("状态", "Status")) } th { (ctx.t("依据", "Basis")) } th.num { (ctx.t("一次性", "One-time")) } th.num { (ctx.t("每月", "Monthly")) } } }
                tbody { @for a in awards { tr {
                    td { a href=(format!("/awards/{}", a.id)) { (ctx.t("核定单 ", "award ")) (a.id) } }
                    td { (award_status(ctx, a.status)) } td { (a.basis) }
                    td.num { (yuan(a.one_time)) } td.num { (yuan(a.monthly)) }
                } } }
            } }
        }
        h2 { (ctx.t("办理记录", "History")) }
        ol {
            @for e in &v.events {
                li {
                    (e.on) " · " (e.stream.as_str()) " · "
                    strong { (e.kind.replace('_', " ")) }
                    " · " span.muted { (e.actor) }
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

fn action_button(ctx: &Ctx, number: &str, action: &str, zh: &str, en: &str) -> Markup {
    html! {
        form.inline method="post" action=(format!("/cases/{number}/act")) style="margin-right:.5rem" {
            (session::csrf_field(ctx))
            input type="hidden" name="action" value=(action);
            button.primary type="submit" { (ctx.t(zh, en)) }
        }
    }
}

fn next_actions(ctx: &Ctx, number: &str, state: CaseState) -> Markup {
    html! {
        @match state {
            CaseState::CompletenessReview => { (action_button(ctx, number, "accept", "受理", "Accept")) }
            CaseState::AwaitingMaterials => { p.muted { (ctx.t("等待申请人补正材料。", "Waiting for the applicant's materials.")) } (action_button(ctx, number, "supply", "材料已补正", "Materials supplied")) }
            CaseState::Accepted => {
                (action_button(ctx, number, "investigate", "开始调查核实", "Start investigation"))
                (action_button(ctx, number, "recognise", "认定为工伤（第十四条）", "Recognise (Art 14)"))
            }
            CaseState::Decided => {
                (action_button(ctx, number, "deliver", "送达认定决定", "Deliver the decision"))
                (action_button(ctx, number, "appraisal_apply", "申请劳动能力鉴定", "Apply for appraisal"))
            }
            CaseState::AppraisalPending => {
                form.inline method="post" action=(format!("/cases/{number}/act")) {
                    (session::csrf_field(ctx))
                    input type="hidden" name="action" value="conclude";
                    label for="grade" style="display:inline" { (ctx.t("鉴定伤残等级", "Grade concluded")) }
                    select #grade name="grade" style="width:auto;margin:0 .5rem" { @for g in 1..=10u8 { option value=(g) selected[g == 7] { (g) } } }
                    button.primary type="submit" { (ctx.t("记录鉴定结论", "Record the conclusion")) }
                }
            }
            CaseState::Appraised => {
                form.cols method="post" action=(format!("/cases/{number}/award")) {
                    (session::csrf_field(ctx))
                    div { label for="own_wage" { (ctx.t("本人工资（元/月）", "Own wage (yuan a month)")) } input #own_wage name="own_wage" required value="8000.00"; }
                    div { label for="suspension_months" { (ctx.t("停工留薪期（月）", "Paid suspension (months)")) } input #suspension_months name="suspension_months" type="number" min="0" value="3"; }
                    div { label for="hospital_days" { (ctx.t("住院天数", "Days in hospital")) } input #hospital_days name="hospital_days" type="number" min="0" value="10"; }
                    div { button.primary type="submit" { (ctx.t("计算待遇（提交复核）", "Compute the award (for review)")) } }
                }
            }
            _ => { p.muted { (ctx.t("案件已结束，无待办事项。", "The case is closed; nothing to do.")) } }
        }
    }
}

#[derive(Deserialize)]
pub struct ActForm {
    #[serde(default)]
    csrf_token: String,
    action: String,
    #[serde(default)]
    grade: Option<u8>,
}

async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<ActForm>,
) -> Response {
    let actor = match session::signed_in(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let command = match f.action.as_str() {
        "accept" => CaseCommand::Determination(Command::Accept),
        "supply" => CaseCommand::Determination(Command::SupplyMaterials {
            materials: vec![gongshang_domain::determination::MaterialKind::LabourRelationProof],
        }),
        "investigate" => CaseCommand::Determination(Command::StartInvestigation),
        "recognise" => CaseCommand::Determination(Command::Decide {
            finding: Finding::Recognised {
                ground: Ground::Art14WorkAccident,
            },
        }),
        "deliver" => CaseCommand::Determination(Command::Deliver),
        "appraisal_apply" => CaseCommand::Appraisal(appraisal::Command::Apply),
        "conclude" => CaseCommand::Appraisal(appraisal::Command::Conclude {
            grade: f.grade,
            nursing: None,
        }),
        other => {
            return error_page(
                &ctx,
                &AppError::invalid("action", format!("{other:?} is not an action of a case")),
            );
        }
    };
    let n = number.clone();
    let viewer = actor.clone();
    let result = state
        .run(move |app| app.act(&actor, &n, command, None))
        .await;
    after_change(&state, &ctx, &viewer, &number, result.err()).await
}

/// Back to the case: a redirect when all went well, the page with the
/// refusal otherwise.
async fn after_change(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    number: &str,
    error: Option<AppError>,
) -> Response {
    match error {
        None => Redirect::to(&format!("/cases/{number}")).into_response(),
        Some(e) => {
            let n = number.to_owned();
            let actor = actor.clone();
            match state
                .run(move |app| {
                    Ok::<_, AppError>((app.case_view(&actor, &n)?, app.awards_of_case(&actor, &n)?))
                })
                .await
            {
                Ok((view, awards)) => {
                    let title = format!("{} {}", ctx.t("案件", "Case"), number);
                    respond(
                        ctx,
                        &title,
                        case_body(ctx, state, &view, &awards, Some(error_box(ctx, &e))),
                    )
                }
                Err(e2) => error_page(ctx, &e2),
            }
        }
    }
}

#[derive(Deserialize)]
pub struct AwardForm {
    #[serde(default)]
    csrf_token: String,
    own_wage: String,
    #[serde(default)]
    suspension_months: Option<u32>,
    #[serde(default)]
    hospital_days: Option<u32>,
}

async fn compute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(f): Form<AwardForm>,
) -> Response {
    let actor = match session::signed_in(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let n = number.clone();
    let viewer = actor.clone();
    let req = AwardRequest {
        facts: serde_json::json!({
            "own_wage": f.own_wage.trim(),
            "suspension_months": f.suspension_months.unwrap_or(0),
            "hospital_days": f.hospital_days.unwrap_or(0),
        }),
        basis: gongshang_domain::case::AwardBasis::Initial,
        dependant_birth_dates: Vec::new(),
    };
    match state
        .run(move |app| app.compute_award(&actor, &n, &req))
        .await
    {
        Ok(v) => Redirect::to(&format!("/awards/{}", v.award.id)).into_response(),
        Err(e) => after_change(&state, &ctx, &viewer, &number, Some(e)).await,
    }
}

async fn award(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Response {
    let actor = match session::signed_in(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.run(move |app| app.award_view(&actor, id)).await {
        Ok(v) => {
            let title = format!("{} {}", ctx.t("待遇核定单", "Award"), v.award.id);
            respond(&ctx, &title, award_body(&ctx, &v, None))
        }
        Err(e) => error_page(&ctx, &e),
    }
}

fn award_body(ctx: &Ctx, v: &AwardView, notice: Option<Markup>) -> Markup {
    let a = &v.award;
    let trace: serde_json::Value = serde_json::from_str(&a.trace).unwrap_or_default();
    let zh = ctx.zh();
    let may_approve = ctx.viewer.may(Action::ApproveAward) && a.status == AwardStatus::Proposed;
    html! {
        h1 { (ctx.t("待遇核定单", "Award")) " " (a.id) " " (award_status(ctx, a.status)) }
        p { (ctx.t("案件", "Case")) " " a href=(format!("/cases/{}", v.case_number)) { code { (v.case_number) } }
            " · " (ctx.t("规则日期", "Rules as of")) " " (a.legal_date) " · " (ctx.t("经办", "Made by")) " " (a.made_by) }
        @if let Some(n) = notice { (n) }
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
                td { (ctx.t(it.payer.label_zh(), it.payer.label_en())) } td { (it.beneficiary) }
                td.num { strong { (yuan(it.amount)) } }
                td { (super::articles::cited(ctx, &it.citation)) }
            } } }
        } }
        p.amount-total { (ctx.t("合计：一次性 ", "Total: ")) (yuan(a.one_time)) (ctx.t(" 元；每月 ", " yuan once; ")) (yuan(a.monthly)) (ctx.t(" 元", " yuan a month")) }
        @if may_approve {
            form method="post" action=(format!("/awards/{}/approve", a.id)) {
                (session::csrf_field(ctx))
                button.primary type="submit" { (ctx.t("复核通过（核准）", "Approve (second person)")) }
                " " span.muted { (ctx.t("经办人与复核人须为不同人员。", "The maker may not approve their own award.")) }
            }
        }
        @if !v.benefits.is_empty() {
            h2 { (ctx.t("按月待遇（已列入发放）", "Monthly benefits (on the payroll)")) }
            ul { @for b in &v.benefits { li { (item_label(b.item, zh)) " · " (b.beneficiary) " · " (ctx.t("自 ", "from ")) (b.start_month.to_string()) } } }
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
    let actor = match session::signed_in(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if let Err(r) = session::check_csrf(&ctx, &f.csrf_token) {
        return r;
    }
    let viewer = actor.clone();
    match state.run(move |app| app.approve_award(&actor, id)).await {
        Ok(_) => Redirect::to(&format!("/awards/{id}")).into_response(),
        Err(e) => match state.run(move |app| app.award_view(&viewer, id)).await {
            Ok(v) => respond(
                &ctx,
                ctx.t("待遇核定单", "Award"),
                award_body(&ctx, &v, Some(error_box(&ctx, &e))),
            ),
            Err(e2) => error_page(&ctx, &e2),
        },
    }
}
