//! The analyst's reform simulation (issue 14): a reform written as dated
//! overrides, projected over a synthetic population or over the insured as
//! stored on a day, baseline and reform side by side, year by year, with
//! the reserve as a chart, the difference by provision, who pays more or
//! less by wage decile, and the years as CSV or Excel.
//!
//! A GET form: a projection changes nothing, so its address is the scenario
//! (bookmark it, send it to a colleague). Each refused entry is shown under
//! its field in the page's language.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gongshang_app::AppError;
use gongshang_app::accounts::Action;
use gongshang_app::simulation::{
    EXPENDITURE_ITEMS, PopulationSource, Simulation, SimulationRequest, expenditure_item,
    years_table,
};
use gongshang_rules::Money;
use gongshang_sim::project::ScenarioRun;
use maud::{Markup, html};
use serde::{Deserialize, Serialize};

use super::UrlQuery;
use super::chart::{BOTTOM, H, LEFT, Svg, W};
use super::format::yuan;
use super::{Ctx, respond, session};
use crate::AppState;

/// The reform the form starts with: the one shipped in `examples/reforms/`.
const EXAMPLE_REFORM: &str =
    include_str!("../../../../examples/reforms/band-50-350-yilubao-0.6.toml");

pub fn router() -> Router<AppState> {
    Router::new().route("/fund/simulate", get(page))
}

/// The form as submitted (every field text, so a wrong entry comes back as
/// typed, under its error).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct SimForm {
    reform: Option<String>,
    /// `synthetic` or `stored`.
    source: Option<String>,
    people: Option<String>,
    on: Option<String>,
    unitless_class: Option<String>,
    start_year: Option<String>,
    years: Option<String>,
    replicates: Option<String>,
    seed: Option<String>,
    /// Present when the form was submitted (absent: the empty form).
    run: Option<String>,
    /// `csv` or `xlsx`: the years as a file.
    format: Option<String>,
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or("")
}

fn number<T: std::str::FromStr>(
    v: &Option<String>,
    field: &'static str,
    default: T,
) -> Result<T, AppError> {
    match text(v) {
        "" => Ok(default),
        t => t
            .parse()
            .map_err(|_| AppError::invalid(field, format!("{t:?} is not a whole number"))),
    }
}

impl SimForm {
    fn request(&self, today: jiff::civil::Date) -> Result<SimulationRequest, AppError> {
        let population = if text(&self.source) == "stored" {
            let on = match text(&self.on) {
                "" => today,
                t => t.parse().map_err(|_| {
                    AppError::invalid("on", format!("{t:?} is not a date (YYYY-MM-DD)"))
                })?,
            };
            let unitless_class = match text(&self.unitless_class) {
                "" => None,
                _ => Some(number(&self.unitless_class, "unitless_class", 0u8)?),
            };
            PopulationSource::Stored { on, unitless_class }
        } else {
            PopulationSource::Synthetic {
                people: number(&self.people, "people", 100_000u64)?,
            }
        };
        let reform = match text(&self.reform) {
            "" => None,
            _ => self.reform.clone(),
        };
        Ok(SimulationRequest {
            reform,
            population,
            seed: number(&self.seed, "seed", 1u64)?,
            start_year: number(&self.start_year, "start_year", today.year())?,
            years: number(&self.years, "years", 10u16)?,
            replicates: number(&self.replicates, "replicates", 0u16)?,
        })
    }

    /// The address of this scenario with `format` set (the export links).
    fn link(&self, format: &str) -> String {
        let mut f = self.clone();
        f.format = Some(format.to_owned());
        f.run = Some("1".into());
        format!(
            "/fund/simulate?{}",
            serde_urlencoded::to_string(&f).unwrap_or_default()
        )
    }
}

/// The form's field an error belongs under (the reform file's own parts all
/// go under the reform).
pub(super) fn field_of(e: &AppError) -> Option<&'static str> {
    match e.field()? {
        "reform" | "assumption" | "baseline" | "override" => Some("reform"),
        "population" => Some("source"),
        "people" => Some("people"),
        "on" => Some("on"),
        "unitless_class" => Some("unitless_class"),
        "start_year" => Some("start_year"),
        "years" => Some("years"),
        "replicates" => Some("replicates"),
        "seed" => Some("seed"),
        _ => None,
    }
}

/// What was wrong, in the page's language. The allowed ranges are the
/// app's; the reform file's own message (a parameter's key, a date) is
/// quoted after the words.
pub(super) fn say(ctx: &Ctx, e: &AppError) -> String {
    let detail = match e {
        AppError::Invalid { reason, .. } => reason.clone(),
        other => other.to_string(),
    };
    let (zh, en) = match field_of(e) {
        Some("reform") => ("改革方案有误：", "The reform is not valid: "),
        Some("source") => ("该人群无法测算：", "This population cannot be projected: "),
        Some("people") => (
            "人数应为 1 至 1,000,000：",
            "People must be 1 to 1,000,000: ",
        ),
        Some("on") => ("日期无效：", "Not a valid day: "),
        Some("unitless_class") => ("行业类别应为 1 至 8：", "The class must be 1 to 8: "),
        Some("start_year") => (
            "起始年份应为 2000 至 2100：",
            "The first year must be 2000 to 2100: ",
        ),
        Some("years") => ("测算年数应为 1 至 30：", "Years must be 1 to 30: "),
        Some("replicates") => ("重复次数应为 0 至 200：", "Replicates must be 0 to 200: "),
        Some("seed") => (
            "随机种子应为非负整数：",
            "The seed must be a whole number: ",
        ),
        _ => ("未能测算：", "Not projected: "),
    };
    format!("{}{detail}", ctx.t(zh, en))
}

fn field_error(ctx: &Ctx, error: Option<&AppError>, field: &str) -> Markup {
    html! {
        @if let Some(e) = error.filter(|e| field_of(e) == Some(field)) {
            p.field-error role="alert" id=(format!("{field}-error")) { (say(ctx, e)) }
        }
    }
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    UrlQuery(form): UrlQuery<SimForm>,
) -> Response {
    let actor = match session::require(&ctx, Action::RunSimulation) {
        Ok(u) => u.actor(),
        Err(r) => return r,
    };
    let title = ctx.t("改革测算", "Reform simulation");
    if form.run.is_none() {
        return respond(&ctx, title, body(&ctx, &form, None, None));
    }
    let today = state.app.today();
    let f = form.clone();
    let result = state
        .run(move |app| {
            let req = f.request(today)?;
            app.simulate(&actor, &req)
        })
        .await;
    match (result, text(&form.format)) {
        (Ok(sim), format @ ("csv" | "xlsx")) => {
            let table = years_table(&sim.projection);
            let bytes = if format == "xlsx" {
                gongshang_app::export::xlsx(&table)
            } else {
                gongshang_app::export::csv(&table).into_bytes()
            };
            super::analyst::download("gongshang-simulation", format, bytes)
        }
        (Ok(sim), _) => respond(&ctx, title, body(&ctx, &form, Some(&sim), None)),
        (Err(e), _) => {
            let status = super::error_status(&e);
            (
                status,
                respond(&ctx, title, body(&ctx, &form, None, Some(&e))),
            )
                .into_response()
        }
    }
}

fn body(ctx: &Ctx, f: &SimForm, sim: Option<&Simulation>, error: Option<&AppError>) -> Markup {
    let stored = text(&f.source) == "stored";
    let reform = match &f.reform {
        Some(r) => r.as_str(),
        None if f.run.is_none() => EXAMPLE_REFORM,
        None => "",
    };
    let bad = |field: &str| error.is_some_and(|e| field_of(e) == Some(field));
    // The day counted on, once a projection has run on today's.
    let on = match (text(&f.on), sim.and_then(|s| s.population.on)) {
        ("", Some(day)) => day.to_string(),
        (t, _) => t.to_owned(),
    };
    let people = match text(&f.people) {
        "" => "100000",
        p => p,
    };
    html! {
        h1 { (ctx.t("基金改革测算", "Reform simulation")) }
        p { a href="/fund/scenarios" { (ctx.t("已保存的方案与后台测算任务", "Saved scenarios and background simulation jobs")) } }
        p.note { (ctx.t(
            "将改革写成带生效日期的参数调整，与现行政策（基准）逐年对比：收入、支出、储备金及可支付月数、现收现付费率；差异按每项调整分解；按工资十分位看谁多缴谁少缴。测算不改变任何记录。",
            "Write the reform as dated parameter overrides and compare it year by year with the policy in force (the baseline): income, expenditure, the reserve and its months, the pay-as-you-go rate; the difference by each override; who pays more or less by wage decile. Nothing is changed by a projection."
        )) }
        form.sim method="get" action="/fund/simulate" {
            input type="hidden" name="run" value="1";
            fieldset {
                legend { (ctx.t("改革方案（TOML）", "The reform (TOML)")) }
                textarea name="reform" rows="14" cols="80" spellcheck="false"
                    aria-invalid=[bad("reform").then_some("true")] autofocus[bad("reform")] { (reform) }
                (field_error(ctx, error, "reform"))
                p.hint { (ctx.t(
                    "每个 [[override]] 写 key（参数名，见“参数”页）、from（生效日）、value、note；[assumptions.KEY] 写假设值及说明。留空即以基准对比基准。",
                    "Each [[override]] has key (a parameter's name, see the parameters page), from (the day it applies), value and note; [assumptions.KEY] holds an assumption and its label. Empty: the baseline against itself."
                )) }
            }
            fieldset {
                legend { (ctx.t("测算人群", "Population")) }
                label { input type="radio" name="source" value="synthetic" checked[!stored];
                    " " (ctx.t("合成人群", "Synthetic")) }
                label { (ctx.t("人数", "People")) " "
                    input name="people" inputmode="numeric" value=(people)
                        aria-invalid=[bad("people").then_some("true")] autofocus[bad("people")]; }
                (field_error(ctx, error, "people"))
                br;
                label { input type="radio" name="source" value="stored" checked[stored];
                    " " (ctx.t("已登记的参保人（某日在保）", "The insured as stored, on a day")) }
                label { (ctx.t("日期", "Day")) " "
                    input type="date" name="on" value=(on) aria-invalid=[bad("on").then_some("true")] autofocus[bad("on")]; }
                (field_error(ctx, error, "on"))
                label { (ctx.t("无参保单位者的行业类别", "Industry class for enrolments without a unit")) " "
                    select name="unitless_class" aria-invalid=[bad("unitless_class").then_some("true")] autofocus[bad("unitless_class")] {
                        option value="" { (ctx.t("不计入", "leave them out")) }
                        @for c in 1..=8u8 {
                            option value=(c) selected[text(&f.unitless_class) == c.to_string()] { (c) }
                        }
                    }
                }
                (field_error(ctx, error, "unitless_class"))
                (field_error(ctx, error, "source"))
            }
            fieldset.inline {
                legend { (ctx.t("期间与随机性", "Horizon and chance")) }
                label { (ctx.t("起始年份", "First year")) " "
                    input name="start_year" inputmode="numeric" size="5" value=(text(&f.start_year)) placeholder="2026"
                        aria-invalid=[bad("start_year").then_some("true")] autofocus[bad("start_year")]; }
                (field_error(ctx, error, "start_year"))
                label { (ctx.t("年数", "Years")) " "
                    input name="years" inputmode="numeric" size="3" value=(text(&f.years)) placeholder="10"
                        aria-invalid=[bad("years").then_some("true")] autofocus[bad("years")]; }
                (field_error(ctx, error, "years"))
                label { (ctx.t("重复次数（区间）", "Replicates (bands)")) " "
                    input name="replicates" inputmode="numeric" size="4" value=(text(&f.replicates)) placeholder="0"
                        aria-invalid=[bad("replicates").then_some("true")] autofocus[bad("replicates")]; }
                (field_error(ctx, error, "replicates"))
                label { (ctx.t("随机种子", "Seed")) " "
                    input name="seed" inputmode="numeric" size="6" value=(text(&f.seed)) placeholder="1"
                        aria-invalid=[bad("seed").then_some("true")] autofocus[bad("seed")]; }
                (field_error(ctx, error, "seed"))
            }
            @if let Some(e) = error.filter(|e| field_of(e).is_none()) {
                div.alert.error role="alert" { (say(ctx, e)) }
            }
            button type="submit" { (ctx.t("测算", "Project")) }
        }
        @if let Some(sim) = sim { (results(ctx, &f.link("csv"), &f.link("xlsx"), sim)) }
    }
}

/// A projection's results: the population, the exports (`csv`, `xlsx`: their
/// addresses), the chart and the tables (a simulation job's page too).
pub(super) fn results(ctx: &Ctx, csv: &str, xlsx: &str, sim: &Simulation) -> Markup {
    let p = &sim.projection;
    let pop = &sim.population;
    html! {
        section.sim-results aria-live="polite" {
            h2 {
                @if p.overrides.is_empty() {
                    (ctx.t("未写改革：基准对比基准", "No reform: the baseline against itself"))
                } @else { (p.reform) }
            }
            p {
                @if let Some(on) = pop.on {
                    (ctx.t("人群：", "Population: the insured as stored on ")) (on) (ctx.t(" 在保的参保记录 ", ", "))
                    (pop.records) (ctx.t(" 条", " records"))
                } @else {
                    (ctx.t("人群：合成 ", "Population: synthetic, ")) (pop.records) (ctx.t(" 人", " people"))
                }
                "; " (ctx.t("起始年份 ", "from ")) (p.start_year)
            }
            @if !pop.left_out.is_empty() {
                ul.left-out {
                    @for (why, n) in &pop.left_out {
                        li { (ctx.t("未计入 ", "Left out: ")) (n) " — " (why.text(ctx.lang)) }
                    }
                }
            }
            p {
                @if p.benefits_in_payment > 0 {
                    (ctx.t("期初在发的定期待遇（伤残津贴、生活护理费、供养亲属抚恤金）：", "Periodic benefits in payment at the start (disability allowances, living care, survivors' pensions): "))
                    (p.benefits_in_payment)
                    (ctx.t(" 项，按生命表终止：", "; ended by the life tables "))
                    @for (i, t) in p.life_tables.iter().enumerate() {
                        @if i > 0 { "; " }
                        code { (t.split(" (").next().unwrap_or(t)) }
                        @if t.ends_with("assumed)") { (ctx.t("（假设值，见政策文件的说明）", " (assumed: see the policy file's note)")) }
                    }
                    @if pop.survivors_at_assumed_age > 0 {
                        " " (ctx.t("其中未登记出生日期、按假设年龄测算的供养亲属：", "— survivors without a recorded birth date, projected at the assumed age: "))
                        (pop.survivors_at_assumed_age)
                    }
                } @else {
                    (ctx.t("期初无在发的定期待遇（合成人群不含；或当日无在发待遇）：支出仅为新发生的待遇。",
                        "No periodic benefits in payment at the start (a synthetic population has none; or none was paid on the day): the expenditure is new claims only."))
                }
            }
            @if !pop.benefits_left_out.is_empty() {
                ul.left-out {
                    @for (why, n) in &pop.benefits_left_out {
                        li { (ctx.t("未计入的在发待遇 ", "Benefits in payment left out: ")) (n) " — " (why.text(ctx.lang)) }
                    }
                }
            }
            @if !p.overrides.is_empty() {
                ul { @for o in &p.overrides { li { code { (o) } } } }
            }
            div.toolbar {
                a.button href=(csv) hx-boost="false" download { (ctx.t("导出 CSV", "Export CSV")) }
                " "
                a.button href=(xlsx) hx-boost="false" download { (ctx.t("导出 Excel", "Export Excel")) }
            }
            (chart(ctx, &p.baseline, &p.reformed, &p.bands_reform))
            p {
                (ctx.t("整个期间的盈亏平衡费率：基准 ", "Break-even rate over the horizon: baseline "))
                strong { (p.baseline.break_even_rate) }
                (ctx.t("，改革 ", ", reform ")) strong { (p.reformed.break_even_rate) }
            }
            div.table-wrap {
                table.sim-years {
                    thead {
                        tr {
                            th rowspan="2" { (ctx.t("年份", "Year")) }
                            th colspan="2" { (ctx.t("收入", "Income")) }
                            th colspan="2" { (ctx.t("支出", "Expenditure")) }
                            th colspan="2" { (ctx.t("基金年末", "Fund at year end")) }
                            th colspan="2" { (ctx.t("可支付月数", "Months")) }
                            th colspan="2" { (ctx.t("现收现付费率", "PAYG rate")) }
                        }
                        tr { @for _ in 0..5 { th.num { (ctx.t("基准", "baseline")) } th.num { (ctx.t("改革", "reform")) } } }
                    }
                    tbody {
                        @for (b, r) in p.baseline.years.iter().zip(&p.reformed.years) {
                            tr {
                                td { (b.year) }
                                td.num { (yuan(b.income)) } td.num.changed[b.income != r.income] { (yuan(r.income)) }
                                td.num { (yuan(b.expenditure)) } td.num.changed[b.expenditure != r.expenditure] { (yuan(r.expenditure)) }
                                td.num { (yuan(b.reserve)) } td.num.changed[b.reserve != r.reserve] { (yuan(r.reserve)) }
                                td.num { (b.months_of_reserve.as_deref().unwrap_or("—")) } td.num { (r.months_of_reserve.as_deref().unwrap_or("—")) }
                                td.num { (b.payg_cost_rate) } td.num { (r.payg_cost_rate) }
                            }
                        }
                    }
                }
            }
            h3 { (ctx.t("支出按项目（基准；改革不同时另列）", "Expenditure by item (baseline; the reform beneath where it differs)")) }
            div.table-wrap {
                table.sim-items {
                    thead {
                        tr {
                            th { (ctx.t("项目", "Item")) }
                            @for y in &p.baseline.years { th.num { (y.year) } }
                        }
                    }
                    tbody {
                        @for (column, zh, en) in EXPENDITURE_ITEMS {
                            tr {
                                th scope="row" { (ctx.t(zh, en)) }
                                @for (b, r) in p.baseline.years.iter().zip(&p.reformed.years) {
                                    @let (vb, vr) = (expenditure_item(b, column), expenditure_item(r, column));
                                    td.num {
                                        (yuan(vb))
                                        @if vr != vb { br; span.changed { (ctx.t("改革 ", "reform ")) (yuan(vr)) } }
                                    }
                                }
                            }
                        }
                        tr {
                            th scope="row" { (ctx.t("支出合计", "Expenditure")) }
                            @for b in &p.baseline.years { td.num { strong { (yuan(b.expenditure)) } } }
                        }
                    }
                }
            }
            @if !p.attribution.is_empty() {
                h3 { (ctx.t("差异按调整分解（整个期间）", "The difference by override (whole horizon)")) }
                div.table-wrap { table {
                    thead { tr {
                        th { (ctx.t("调整", "Override")) }
                        th.num { (ctx.t("收入", "Income")) }
                        th.num { (ctx.t("支出", "Expenditure")) }
                        th.num { (ctx.t("期末基金", "Fund at the end")) }
                    } }
                    tbody {
                        @for a in p.attribution.iter().chain(p.interaction.iter()) {
                            tr {
                                td { code { (a.provision) } }
                                td.num { (yuan(a.income)) }
                                td.num { (yuan(a.expenditure)) }
                                td.num { (yuan(a.reserve_end)) }
                            }
                        }
                    }
                } }
            }
            h3 { (ctx.t("按工资十分位：人均年缴费与多缴少缴人数", "By wage decile: premium a year per insured, and who pays more or less")) }
            div.table-wrap { table {
                thead { tr {
                    th { (ctx.t("十分位", "Decile")) }
                    th.num { (ctx.t("参保人数", "Insured")) }
                    th.num { (ctx.t("基准", "Baseline")) }
                    th.num { (ctx.t("改革", "Reform")) }
                    th.num { (ctx.t("多缴", "Pay more")) }
                    th.num { (ctx.t("少缴", "Pay less")) }
                } }
                tbody {
                    @for g in &p.by_decile {
                        tr {
                            td { (g.group) }
                            td.num { (g.insured) }
                            td.num { (yuan(g.premium_baseline)) }
                            td.num { (yuan(g.premium_reform)) }
                            td.num { (g.paying_more) }
                            td.num { (g.paying_less) }
                        }
                    }
                }
            } }
            @if let Some(t) = &p.incidence_by_grade {
                (incidence_by_grade(ctx, t))
            }
            @if !sim.ibnr.is_empty() {
                (ibnr(ctx, &sim.ibnr))
            }
            @if !p.assumptions.is_empty() {
                h3 { (ctx.t("假设", "Assumptions")) }
                ul { @for a in &p.assumptions { li { code { (a.key) } " — " (a.label) } } }
            }
        }
    }
}

/// The claim incidence the projection used by scheme × class: the sum of
/// the outcome cells and each outcome's share, as estimated by grade from
/// the stored cases (`gongshang_sim::experience::IncidenceByGrade`).
fn incidence_by_grade(ctx: &Ctx, t: &gongshang_sim::experience::IncidenceByGrade) -> Markup {
    let mut keys: Vec<(&str, u8)> = t
        .cells
        .iter()
        .map(|c| (c.scheme.as_str(), c.class))
        .collect();
    keys.dedup();
    html! {
        h3 { (ctx.t("按方案、行业类别和伤残等级的发生率（据已存案件估计）", "Incidence by scheme, industry class and grade (estimated from the stored cases)")) }
        p {
            (ctx.t("事故日期 ", "Accidents ")) (t.window) "。"
            (ctx.t("每格按有限波动可信度与“类别发生率 × 方案等级构成”加权：",
                "Each cell is weighed by limited-fluctuation credibility against the class's incidence × the scheme's grade mix: "))
            code { (t.rule) }
        }
        @if !t.not_estimated.is_empty() {
            ul { @for why in &t.not_estimated { li { (ctx.t("沿用假设：", "Left to the assumptions: ")) (why) } } }
        }
        div.table-wrap { table.sim-incidence {
            thead { tr {
                th { (ctx.t("方案", "Scheme")) }
                th.num { (ctx.t("类别", "Class")) }
                th.num { (ctx.t("案件", "Claims")) }
                th.num { (ctx.t("年发生率", "Incidence a year")) }
                @for g in 1..=10 { th.num { (ctx.t("等级", "grade ")) (g) } }
                th.num { (ctx.t("死亡", "death")) }
            } }
            tbody {
                @for (scheme, class) in &keys {
                    @if let Some((incidence, mix)) = t.rates(scheme, *class) {
                        tr {
                            td { code { (scheme) } }
                            td.num { (class) }
                            td.num { (t.cells.iter().filter(|c| c.scheme == *scheme && c.class == *class).map(|c| c.claims).sum::<u64>()) }
                            td.num { (gongshang_sim::percent_text(incidence)) }
                            @for m in mix { td.num { (gongshang_sim::percent_text(m)) } }
                        }
                    }
                }
            }
        } }
    }
}

/// Each scheme's claims incurred but not reported: the chain ladder's
/// triangle, factors and estimate by accident quarter.
fn ibnr(ctx: &Ctx, estimates: &[gongshang_sim::ibnr::IbnrEstimate]) -> Markup {
    use gongshang_sim::ibnr::claims_text;
    let factor = |ppm: i64| format!("{}.{:06}", ppm / 1_000_000, ppm % 1_000_000);
    html! {
        h3 { (ctx.t("已发生未报告案件（IBNR）", "Claims incurred but not reported (IBNR)")) }
        @for e in estimates {
            p {
                (ctx.t("方案 ", "Scheme ")) code { (e.scheme) } "："
                (ctx.t("已报告 ", "reported ")) (e.reported)
                (ctx.t(" 件，估计未报告 ", ", not yet reported (estimated) ")) strong { (claims_text(e.ibnr_milli)) }
                (ctx.t(" 件；估值日 ", "; valued at ")) (e.valued_at)
                @if e.not_counted > 0 {
                    (ctx.t("；估值日后报告、未计入三角形的 ", "; filed after the valuation, not in the triangle: ")) (e.not_counted)
                }
                "。" (ctx.t("方法：", "Method: ")) code { (e.method) }
            }
            p {
                (ctx.t("进展因子：", "Age-to-age factors: "))
                @for (i, f) in e.factors.iter().enumerate() {
                    @if i > 0 { "; " }
                    (f.from_quarter) "→" (f.from_quarter + 1) " " (f.numerator) "/" (f.denominator) " = " (factor(f.factor_ppm))
                }
            }
            div.table-wrap { table.sim-ibnr {
                thead { tr {
                    th { (ctx.t("事故季度", "Accident quarter")) }
                    th.num { (ctx.t("已报告", "Reported")) }
                    th.num { (ctx.t("至最终因子", "To ultimate")) }
                    th.num { (ctx.t("最终", "Ultimate")) }
                    th.num { "IBNR" }
                    th { (ctx.t("累计报告（按进展季度）", "Cumulative reported by development quarter")) }
                } }
                tbody {
                    @for (r, row) in e.rows.iter().zip(&e.triangle) {
                        tr {
                            td { (r.quarter) }
                            td.num { (r.reported) }
                            td.num { (factor(r.to_ultimate_ppm)) }
                            td.num { (claims_text(r.ultimate_milli)) }
                            td.num { (claims_text(r.ibnr_milli)) }
                            td { (row.iter().map_while(|c| c.map(|n| n.to_string())).collect::<Vec<_>>().join(" ")) }
                        }
                    }
                }
            } }
        }
    }
}

/// The fund at each year's end, baseline and reform, as two lines (and the
/// reform's P10–P90 band when there are replicates), in an SVG drawn here
/// with integer geometry.
fn chart(
    ctx: &Ctx,
    baseline: &ScenarioRun,
    reform: &ScenarioRun,
    bands: &[gongshang_sim::project::Band],
) -> Markup {
    let values = baseline
        .years
        .iter()
        .chain(&reform.years)
        .map(|y| y.reserve.fen())
        .chain(bands.iter().map(|b| b.reserve[2].fen()));
    let (min, max) = values.fold((0i64, 1i64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let span = (max - min).max(1);
    let plot_h = H - BOTTOM - 14;
    let y_of = |fen: i64| -> i64 {
        H - BOTTOM
            - i64::try_from(i128::from(fen - min) * i128::from(plot_h) / i128::from(span))
                .unwrap_or(0)
    };
    let n = i64::try_from(baseline.years.len()).unwrap_or(1).max(1);
    let step = (W - LEFT - 50) / n.max(2).saturating_sub(1).max(1);
    let x_of = |i: usize| LEFT + 20 + i64::try_from(i).unwrap_or(0) * step;
    let line = |run: &ScenarioRun| {
        run.years
            .iter()
            .enumerate()
            .map(|(i, y)| format!("{},{}", x_of(i), y_of(y.reserve.fen())))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut svg = Svg::new(ctx.t(
        "基金年末余额：基准与改革",
        "The fund at year end: baseline and reform",
    ));
    if !bands.is_empty() {
        let upper: Vec<String> = bands
            .iter()
            .enumerate()
            .map(|(i, b)| format!("{},{}", x_of(i), y_of(b.reserve[2].fen())))
            .collect();
        let lower: Vec<String> = bands
            .iter()
            .enumerate()
            .rev()
            .map(|(i, b)| format!("{},{}", x_of(i), y_of(b.reserve[0].fen())))
            .collect();
        svg.push(&format!(
            "<polygon points=\"{} {}\" fill=\"#c9732f\" fill-opacity=\"0.18\"><title>{}</title></polygon>",
            upper.join(" "),
            lower.join(" "),
            ctx.t("改革 P10–P90", "reform P10–P90")
        ));
    }
    svg.axis(y_of(0));
    svg.line(&line(baseline), "#2b5fa8", None);
    svg.line(&line(reform), "#c9732f", Some("6 3"));
    for (i, y) in baseline.years.iter().enumerate() {
        svg.x_label(x_of(i), &y.year.to_string());
    }
    html! {
        figure.chart {
            (svg.finish(ctx, Money::from_fen(max)))
            figcaption {
                span style="color:#2b5fa8" { "— " (ctx.t("基准", "baseline")) } " "
                span style="color:#c9732f" { "- - " (ctx.t("改革", "reform")) }
                @if !bands.is_empty() { " " span style="color:#c9732f" { "▒ " (ctx.t("改革 P10–P90", "reform P10–P90")) } }
            }
        }
    }
}
