//! Regulations Art 43, Jiangsu Arts 35-36 on the pages: a unit's
//! successions on the unit page, and who bears a case's liability on the
//! case page (the steps and the articles behind them).

use gongshang_app::liability::{LiabilityView, SuccessionRow};
use gongshang_domain::liability::Liable;
use maud::{Markup, html};

use super::Ctx;
use super::staff_words::actor_words;

/// The unit page's section: the divisions, mergers, transfers and
/// contracting outs the unit took part in.
pub(super) fn successions_section(
    ctx: &Ctx,
    unit: &str,
    rows: &[SuccessionRow],
    form: Markup,
) -> Markup {
    html! {
        section.card #successions {
            h2 style="margin-top:0" { (ctx.t("分立、合并、转让与承包经营（《工伤保险条例》第四十三条）", "Division, merger, transfer and contracting out (Regulations Art 43)")) }
            @if rows.is_empty() {
                p.muted { (ctx.t("没有登记的变更。", "No change recorded.")) }
            } @else {
                div.table-wrap { table {
                    thead { tr {
                        th { (ctx.t("生效日期", "Effective")) }
                        th { (ctx.t("类型", "Kind")) }
                        th { (ctx.t("原单位", "Predecessor")) }
                        th { (ctx.t("承继单位 / 承包方", "Successor / contractor")) }
                        th { (ctx.t("文书", "Document")) }
                        th { (ctx.t("登记", "Recorded")) }
                    } }
                    tbody {
                        @for r in rows {
                            tr {
                                td { (r.effective_on) }
                                td {
                                    (ctx.t(r.kind.label_zh(), r.kind.label_en()))
                                    @if !r.contractor_qualified { " " span.tag { (ctx.t("承包方不具备用工主体资格", "contractor not qualified")) } }
                                }
                                td { @if r.predecessor.as_str() == unit { strong { (r.predecessor_name) } } @else { (r.predecessor_name) } " " code { (r.predecessor.as_str()) } }
                                td { @if r.successor.as_str() == unit { strong { (r.successor_name) } } @else { (r.successor_name) } " " code { (r.successor.as_str()) } }
                                td { (r.document) }
                                td { (actor_words(ctx, &r.recorded_by)) }
                            }
                        }
                    }
                } }
                p.muted { (ctx.t(
                    "分立、合并、转让的，承继单位自生效之日起承担原单位的工伤保险责任；承包经营的，由职工劳动关系所在单位承担。",
                    "On a division, merger or transfer the successor bears the predecessor's liability from the effective day; under contracting out, the unit of the worker's labour relation does.")) }
            }
            (form)
        }
    }
}

/// The case page's fact: the unit that bears the liability today, and the
/// steps when it is not the case's own unit.
pub(super) fn liable_unit_facts(ctx: &Ctx, view: &LiabilityView) -> Markup {
    let moved = view.answer.steps.len() > 1;
    html! {
        dt { (ctx.t("承担工伤保险责任的单位", "Liable unit")) }
        dd #liable-unit {
            @match &view.answer.liable {
                Liable::Unit { unit } => { code { (unit.as_str()) } }
                Liable::Undetermined { candidates } => {
                    (ctx.t("分立后待确定，候选：", "to be decided after a division, among: "))
                    @for c in candidates { code { (c.as_str()) } " " }
                }
            }
            @if moved {
                ul.muted {
                    @for s in view.answer.steps.iter().skip(1) {
                        li {
                            (s.from) " → " code { (s.unit.as_str()) } " "
                            (s.articles.iter().map(|a| if ctx.zh() { a.zh } else { a.en }).collect::<Vec<_>>().join("；"))
                        }
                    }
                }
            }
            @if let Some(c) = &view.answer.agreed_compensation {
                div.muted { (ctx.t("借调单位约定补偿", "Agreed compensation by the seconded-to unit")) " " code { (c.by_unit.as_str()) } " " (c.percent) "%" }
            }
        }
    }
}
