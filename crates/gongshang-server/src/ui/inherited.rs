//! What a unit inherited from its predecessors, on the unit's page (issue
//! 17; Regulations Art 43(1)): the bills and late fees it took over, the
//! employer-paid periodic benefits of the predecessors' cases it pays now,
//! and, on the predecessor's page, its bills another unit took over; with the
//! clerk's form that has the successor of a merger or transfer take over the
//! unpaid bills (`App::take_over_debts`).

use gongshang_app::accounts::Action;
use gongshang_app::inherited::Inherited;
use gongshang_app::liability::SuccessionRow;
use gongshang_domain::liability::SuccessionKind;
use maud::{Markup, html};

use super::engagements::{Failed, failed_of, invalid};
use super::format::yuan;
use super::staff_words::{at_field, at_form};
use super::{Ctx, session};

/// The clerk's form on the predecessor's page: which successor (of a
/// recorded merger or transfer) takes over the unpaid bills.
pub fn debt_takeover_form(
    ctx: &Ctx,
    unit_id: i64,
    unit: &str,
    rows: &[SuccessionRow],
    failed: Failed,
) -> Markup {
    let successors: Vec<&SuccessionRow> = rows
        .iter()
        .filter(|r| {
            r.predecessor.as_str() == unit
                && matches!(r.kind, SuccessionKind::Merger | SuccessionKind::Transfer)
        })
        .collect();
    let mine = failed_of(failed, "debt_takeover");
    if !ctx.viewer.may(Action::RecordSuccession) || successors.is_empty() {
        return at_form(ctx, &[], mine.map(|(e, _)| e));
    }
    let e = mine.map(|(e, _)| e);
    let chosen = mine.map_or("", |(_, f)| f.successor());
    html! {
        details.action #debt-takeover-form open[mine.is_some()] {
            summary { (ctx.t("由承继单位承继欠费", "Have the successor take over the unpaid bills")) }
            p.muted { (ctx.t(
                "合并、转让后，本单位至今未缴的社会保险费及滞纳金由承继单位承担（《工伤保险条例》第四十三条第一款；合并：《民法典》第六十七条第一款）。账单仍记在本单位名下，由承继单位缴纳；承继后本单位注销不再受这些欠费阻碍。全部承继或全部不承继；重复办理只承继此后新产生的欠费。分立的，分立后的单位承担连带债务，不在此办理。",
                "After a merger or transfer, the premiums and late fees this unit still owes are the successor's (Regulations Art 43(1); a merger: Civil Code Art 67(1)). The bills stay in this unit's name and the successor pays them; this unit's cancellation is then no longer held by them. All or none; done again, it takes over only what was billed since. After a division the units owe jointly: not done here.")) }
            form method="post" action=(format!("/units/{unit_id}/debt-takeover")) novalidate {
                (session::csrf_field(ctx))
                input type="hidden" name="form" value="debt_takeover";
                (at_form(ctx, &["successor", "effective_on", "bills"], e))
                label for="debt-takeover-successor" { (ctx.t("承继单位", "Successor")) }
                select id="debt-takeover-successor" name="successor" required aria-invalid=[invalid(e, "successor")] {
                    @for r in &successors {
                        option value=(r.successor.as_str()) selected[chosen == r.successor.as_str()] {
                            (r.successor_name) " " (r.successor.as_str()) " · " (ctx.t(r.kind.label_zh(), r.kind.label_en())) " " (r.effective_on)
                        }
                    }
                }
                (at_field(ctx, "successor", e))
                button.primary type="submit" data-action="take_over_debts" { (ctx.t("承继欠费", "Take over the unpaid bills")) }
            }
        }
    }
}

/// The unit's `#inherited` section; nothing when it inherited and passed on
/// nothing (or the reader may not read its bills).
pub fn inherited_section(ctx: &Ctx, inherited: Option<&Inherited>) -> Markup {
    let Some(i) = inherited else {
        return html! {};
    };
    if i.debts.is_empty() && i.benefits.is_empty() && i.passed_on.is_empty() {
        return html! {};
    }
    html! {
        section #inherited {
            h2 { (ctx.t("承继的责任（《工伤保险条例》第四十三条第一款）", "Taken over from predecessors (Regulations Art 43(1))")) }
            @if !i.debts.is_empty() {
                h3 { (ctx.t("承继的欠费", "Unpaid bills taken over")) }
                p.muted { (ctx.t(
                    "以下账单记在原单位名下，欠费由本单位缴纳；缴清后原单位的欠费随之结清。",
                    "These bills are in the predecessor's name; this unit owes them, and a payment of them settles the predecessor's bill.")) }
                div.table-wrap { table #inherited-debts {
                    thead { tr {
                        th { (ctx.t("账单", "Bill")) }
                        th { (ctx.t("原单位", "Predecessor")) }
                        th { (ctx.t("缴费期限", "Due")) }
                        th { (ctx.t("承继", "Taken over")) }
                        th.num { (ctx.t("欠缴保险费（元）", "Premiums owed (yuan)")) }
                        th.num { (ctx.t("滞纳金（元）", "Late fees (yuan)")) }
                    } }
                    tbody { @for d in &i.debts {
                        tr id=(format!("inherited-bill-{}", d.taken_over.bill_id)) {
                            td { code { (d.taken_over.reference) } }
                            td { code { (d.taken_over.bill_unit.as_str()) } }
                            td { (d.taken_over.due_date) }
                            td { (ctx.t(d.taken_over.kind.label_zh(), d.taken_over.kind.label_en())) " " (d.taken_over.effective_on) (ctx.t("，承继于 ", ", on ")) (d.taken_over.assumed_on) }
                            td.num { (yuan(d.premiums)) }
                            td.num { strong.owed { (yuan(d.late_fees)) } }
                        }
                    } }
                } }
                p { (ctx.t("合计欠缴：", "Owed in all: ")) strong { (yuan(i.debts_total())) } (ctx.t(" 元", " yuan")) }
            }
            @if !i.benefits.is_empty() {
                h3 { (ctx.t("承继支付的定期待遇", "Periodic benefits paid as successor")) }
                p.muted { (ctx.t(
                    "原单位工伤职工由用人单位支付的定期待遇（如五至六级伤残津贴，《工伤保险条例》第三十六条），自变更生效当月起由本单位支付。",
                    "The employer-paid periodic benefits of the predecessor's injured workers (e.g. the grade 5-6 allowance, Regulations Art 36) are this unit's to pay from the month the change took effect.")) }
                div.table-wrap { table #inherited-benefits {
                    thead { tr {
                        th { (ctx.t("案件", "Case")) }
                        th { (ctx.t("原单位", "Predecessor")) }
                        th { (ctx.t("待遇", "Benefit")) }
                        th { (ctx.t("领取人", "Beneficiary")) }
                        th { (ctx.t("本单位支付自", "Paid by this unit from")) }
                        th.num { (ctx.t("本月金额（元）", "This month (yuan)")) }
                        th { (ctx.t("依据", "Because of")) }
                    } }
                    tbody { @for b in &i.benefits {
                        tr {
                            td { a href=(format!("/cases/{}#payers", b.case_number)) { (b.case_number) } }
                            td { code { (b.case_unit.as_str()) } }
                            td { (ctx.t(b.item.label_zh(), b.item.label_en())) }
                            td { (b.beneficiary) }
                            td { (b.from_month) @if let Some(u) = b.until_month { " – " (u) } }
                            td.num { (b.amount.map(yuan).unwrap_or_default()) }
                            td { (ctx.t(b.kind.label_zh(), b.kind.label_en())) " " (b.effective_on) @if let Some(doc) = &b.document { " · " (doc) } }
                        }
                    } }
                } }
            }
            @if !i.passed_on.is_empty() {
                h3 { (ctx.t("已由承继单位承继的本单位欠费", "This unit's bills taken over by a successor")) }
                div.table-wrap { table #passed-on-debts {
                    thead { tr {
                        th { (ctx.t("账单", "Bill")) }
                        th { (ctx.t("承继单位", "Successor")) }
                        th { (ctx.t("承继时欠缴（元）", "Owed when taken over (yuan)")) }
                        th { (ctx.t("承继日期", "Taken over on")) }
                    } }
                    tbody { @for d in &i.passed_on {
                        tr {
                            td { code { (d.reference) } }
                            td { code { (d.to_unit.as_str()) } " " (ctx.t(d.kind.label_zh(), d.kind.label_en())) }
                            td.num { (yuan(d.premiums)) " + " (yuan(d.late_fees)) }
                            td { (d.assumed_on) }
                        }
                    } }
                } }
            }
        }
    }
}
