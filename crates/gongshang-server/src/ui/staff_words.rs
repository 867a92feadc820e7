//! Words for agency staff's forms (issue 13): each field's name, each
//! refusal in the page's language from the error table's code, shown next
//! to its field; the app's own (English, technical) text only behind a
//! toggle. Event and command names of a case's history in words.

use gongshang_app::AppError;
use gongshang_domain::case::{AwardBasis, EventStream};
use maud::{Markup, html};

use super::{Ctx, Lang};

/// A form field's name, by the name the app's errors give it.
pub fn field_label(lang: Lang, field: &str) -> Option<&'static str> {
    Some(match field {
        "own_wage" => lang.t("本人工资", "own wage"),
        "actual_wage" => lang.t("实际工资", "wage actually paid"),
        "household_moved_home_on" => lang.t("户籍迁回原籍日期", "household moved home on"),
        "suspension_months" => lang.t("停工留薪期", "paid suspension"),
        "hospital_days" => lang.t("住院天数", "days in hospital"),
        "grade" => lang.t("伤残等级", "disability grade"),
        "nursing" => lang.t("生活自理障碍", "nursing level"),
        "facts" => lang.t("案件事实", "facts of the case"),
        "person" | "resident_id" => lang.t("受伤职工身份证号", "injured worker's identity number"),
        "unit" | "credit_code" => lang.t("用人单位统一社会信用代码", "unit's credit code"),
        "scheme_id" => lang.t("保障方案", "scheme"),
        "accident_date" => lang.t("事故日期", "accident date"),
        "filed_on" => lang.t("申请日期", "date of the application"),
        "applicant" => lang.t("申请人", "applicant"),
        "ground_claimed" => lang.t("申请认定的情形", "ground claimed"),
        "materials" => lang.t("申请材料", "materials"),
        "reason" => lang.t("理由", "reason"),
        "period_from" => lang.t("欠缴期间起", "uninsured period from"),
        "period_until" => lang.t("欠缴期间止", "uninsured period until"),
        "settled_on" => lang.t("补缴到账日期", "settled on"),
        "premiums" => lang.t("补缴工伤保险费", "premiums paid back"),
        "late_fees" => lang.t("滞纳金", "late fees"),
        "first_period" => lang.t("缓缴起始月份", "first deferred month"),
        "last_period" => lang.t("缓缴截止月份", "last deferred month"),
        "repay_by" => lang.t("补缴截止日", "repay by"),
        "instrument" => lang.t("缓缴依据（文件）", "instrument"),
        "approved_on" => lang.t("批准缓缴日期", "day approved"),
        "revoked_on" => lang.t("撤销缓缴日期", "day revoked"),
        "revision_kind" => lang.t("撤销或纠正", "revoke or correct"),
        "decision_no" => lang.t("鉴定委员会决定文号", "committee's decision number"),
        "decided_on" => lang.t("决定日期", "date of the decision"),
        "instalments" => lang.t("分期退还月数", "monthly instalments"),
        "recusal_reason" => lang.t("回避理由", "interest declared"),
        "recusal_official" => lang.t("回避人员", "official withdrawing"),
        "fee_appraisal" => lang.t("鉴定", "appraisal"),
        "fee_amount" => lang.t("鉴定费金额", "fee"),
        "fee_payer" => lang.t("付款方", "payer"),
        "fee_paid_on" => lang.t("支付日期", "day paid"),
        "paid_on" => lang.t("支付日期", "day paid"),
        "q" => lang.t("搜索", "search"),
        "login" => lang.t("账号", "login"),
        "label" => lang.t("令牌用途", "token label"),
        "role" => lang.t("角色", "role"),
        "password" => lang.t("密码", "password"),
        "display_name" => lang.t("姓名", "name"),
        "explanation" => lang.t("不予认定的理由", "reason for not recognising"),
        "basis" => lang.t("重新核定的原因", "why it is computed again"),
        "confirm_replace" => lang.t("替换现行核定", "replacing the award in force"),
        "job_arranged" => lang.t("单位是否安排工作", "work arranged"),
        "from_month" => lang.t("起始月份", "from month"),
        "to_month" => lang.t("截止月份", "to month"),
        "region" => lang.t("地区", "region"),
        "industry_class" => lang.t("行业风险类别", "industry class"),
        "platform" => lang.t("平台", "platform"),
        "medical_expenses" => lang.t("医疗费用", "medical expenses"),
        "on" => lang.t("日期", "date"),
        // Regulations Art 41 (ui/missing.rs).
        "missing_command" => lang.t("登记事项", "what to record"),
        "missing" => lang.t("下落不明登记", "missing-worker record"),
        "advance" => lang.t("预支一次性工亡补助金", "advance of the death benefit"),
        // Regulations Art 38 (ui/recurrence.rs).
        "recurred_on" => lang.t("复发日期", "day it recurred"),
        "confirmed_by" => lang.t("确认机构", "confirmed by"),
        "confirming_body_name" => lang.t("机构名称", "name of the confirming body"),
        "confirmed_on" => lang.t("确认日期", "day confirmed"),
        "document" => lang.t("确认文书编号", "document number"),
        "medical_note" => lang.t("医疗费用说明", "medical costs"),
        "wage_at_recurrence" => lang.t("复发时本人工资", "wage at the recurrence"),
        "recurrence" => lang.t("复发", "recurrence"),
        "recurrence_award" => lang.t("停工留薪期工资核定", "suspension wages award"),
        "circumstance" => lang.t("情形", "circumstance"),
        "judgment_on" => lang.t("宣告死亡判决日期", "date of the judgment"),
        "spouse" => lang.t("配偶", "spouse"),
        "others" | "dependants" => lang.t("供养亲属", "dependants"),
        // A death on the award form (Regulations Art 39).
        "death_date" => lang.t("死亡日期", "date of death"),
        "extra10" => lang.t("孤寡老人或孤儿人数", "lone elders or orphans"),
        "birth_dates" => lang.t("供养亲属出生日期", "dependants' birth dates"),
        // 劳社部令第18号 Art 5 (ui/pauses.rs).
        "imprisoned_on" => lang.t("收监执行日期", "day taken into prison"),
        "released_on" => lang.t("刑满释放日期", "day released"),
        _ => return None,
    })
}

/// What to enter instead, for a field refused as not valid.
fn hint(lang: Lang, field: &str) -> Option<&'static str> {
    Some(match field {
        "period_from" => lang.t("请选择欠缴期间的第一天", "choose the first day of the uninsured period"),
        "period_until" => lang.t(
            "请选择欠缴期间的最后一天，不早于期间起",
            "choose the last day of the uninsured period, not before its first day",
        ),
        "settled_on" => lang.t(
            "请选择补缴到账日期：在欠缴期间止之后、今天或之前",
            "choose the day settled: after the period's last day, on or before today",
        ),
        "premiums" => lang.t(
            "请填写补缴的保险费（元），大于0，如 1200.00",
            "enter the premiums paid back in yuan, above 0.00, e.g. 1200.00",
        ),
        "late_fees" => lang.t(
            "请填写滞纳金（元），0 或以上，如 30.00",
            "enter the late fees in yuan, 0.00 or more, e.g. 30.00",
        ),
        "decision_no" => lang.t(
            "请填写鉴定委员会撤销或纠正决定的文号",
            "enter the number of the committee's decision revoking or correcting it",
        ),
        "decided_on" => lang.t(
            "决定日期应在原鉴定结论作出之后、今天或之前",
            "the decision is dated after the conclusion and on or before today",
        ),
        "instalments" => lang.t(
            "请填写1至120之间的整数",
            "enter a whole number from 1 to 120",
        ),
        "own_wage" => lang.t(
            "请填写每月金额（元），如 6500.00，最多两位小数，大于0",
            "enter the monthly amount in yuan, e.g. 6500.00, at most two decimals, above 0",
        ),
        "suspension_months" | "hospital_days" => {
            lang.t("请填写不小于0的整数", "enter a whole number, 0 or more")
        }
        "person" | "resident_id" => lang.t(
            "请填写18位公民身份号码，校验位须正确",
            "enter the 18-character identity number with a correct check character",
        ),
        "unit" | "credit_code" => lang.t(
            "请填写已登记单位的18位统一社会信用代码",
            "enter the 18-character credit code of a registered unit",
        ),
        "accident_date" | "filed_on" | "on" => lang.t("请选择日期", "choose a date"),
        "grade" => lang.t(
            "请选择鉴定结论（伤残等级或未达到伤残等级）",
            "choose the conclusion: a grade, or no grade",
        ),
        "recusal_reason" => lang.t(
            "请写明与本案的利害关系（最多500字）",
            "say what interest the official has in the case (at most 500 characters)",
        ),
        "fee_appraisal" => lang.t(
            "请选择本案的一次鉴定（鉴定结论）",
            "choose one of the case's appraisals (its conclusion)",
        ),
        "fee_amount" => lang.t(
            "请填写大于0的金额（元，最多两位小数）",
            "enter an amount in yuan above 0.00 (at most two decimals)",
        ),
        "fee_payer" => lang.t(
            "请选择付款方：工伤保险基金、用人单位或职工本人",
            "choose who paid: the fund, the unit or the worker",
        ),
        "fee_paid_on" => lang.t(
            "请选择支付日期（不晚于今天，不早于申请鉴定之日）",
            "choose the day paid (not after today, not before the appraisal was applied for)",
        ),
        "paid_on" => lang.t(
            "请选择支付日期（不早于纠正决定执行之日）",
            "choose the day paid (not before the revision was applied)",
        ),
        "recusal_official" => lang.t(
            "请填写回避人员的账号（须为经办、复核或管理人员）",
            "enter the official's login (a clerk, reviewer or administrator)",
        ),
        "reason" => lang.t(
            "请写明退回理由（最多500字）",
            "say why it goes back (at most 500 characters)",
        ),
        "explanation" => lang.t("请写明不予认定的理由", "say why it is not recognised"),
        "basis" => lang.t("请选择重新核定的原因", "choose why it is computed again"),
        "confirm_replace" => lang.t(
            "本案已有核准的核定单，请勾选确认以新核定替换它",
            "an approved award exists: tick to confirm that a new one replaces it",
        ),
        "region" => lang.t(
            "请填写行政区划代码或其前几位数字，如 4401",
            "enter a region code or its first digits, e.g. 4401",
        ),
        "from_month" | "to_month" => lang.t(
            "请选择月份；截止月份不早于起始月份",
            "choose a month; the period ends on or after it starts",
        ),
        "industry_class" => lang.t("请选择1至8类", "choose a class 1 to 8"),
        "medical_expenses" => lang.t(
            "请填写金额（元），如 1200.00",
            "enter an amount in yuan, e.g. 1200.00",
        ),
        "platform" => lang.t("请选择平台", "choose the platform"),
        "login" => lang.t(
            "1至64个字母、数字或 . _ - @，不含空格",
            "1 to 64 letters, digits or . _ - @, no spaces",
        ),
        "password" => lang.t("至少10个字符", "at least 10 characters"),
        "label" => lang.t(
            "请写明令牌用途（1至100字）",
            "say what the token is for (1 to 100 characters)",
        ),
        "scheme_id" | "applicant" | "ground_claimed" | "role" => lang.t("请选择", "please choose"),
        // Regulations Art 41 (ui/missing.rs).
        "missing_command" => lang.t("请选择要登记的事项", "choose what to record"),
        "missing" => lang.t(
            "下落不明登记的当前状态不允许此项（尚未登记下落不明，或已宣告死亡、已重新出现）",
            "the missing-worker record does not allow this now (not recorded missing, or declared dead, or reappeared)",
        ),
        "advance" => lang.t(
            "一次性工亡补助金的50%只能预支一次，已经申请过",
            "half the death benefit is advanced once; it was applied for already",
        ),
        "circumstance" => lang.t(
            "请选择：因工外出期间发生事故，或在抢险救灾中",
            "choose: an accident on a work trip, or disaster relief",
        ),
        "judgment_on" => lang.t(
            "请选择判决日期：不早于登记下落不明之日，不晚于登记之日",
            "choose the judgment's date: not before the worker went missing, not after the day it is recorded",
        ),
        "spouse" => lang.t("请选择配偶是否为供养亲属", "choose whether the spouse is a dependant"),
        "others" | "dependants" => lang.t(
            "请填写配偶以外的供养亲属人数（0至20的整数）",
            "enter the number of dependants other than the spouse (0 to 20)",
        ),
        "death_date" => lang.t(
            "请选择死亡日期（不早于事故日期）；填写了供养亲属时必须填写",
            "choose the date of death (not before the accident); required when dependants are given",
        ),
        "extra10" => lang.t(
            "请填写孤寡老人或孤儿人数，不超过供养亲属人数",
            "enter how many are lone elders or orphans, at most the dependants given",
        ),
        // Regulations Art 38 (ui/recurrence.rs).
        "recurred_on" => lang.t(
            "请选择复发日期：晚于事故日期，且晚于本案上一次复发",
            "choose the day it recurred: after the accident and after the case's last recurrence",
        ),
        "confirmed_by" => lang.t(
            "请选择确认机构：协议医疗机构，或（有争议时）劳动能力鉴定委员会",
            "choose who confirmed it: the agreement institution, or (on a dispute) the appraisal committee",
        ),
        "confirming_body_name" | "document" => lang.t(
            "请填写（1至200字）",
            "fill this in (1 to 200 characters)",
        ),
        "confirmed_on" => lang.t(
            "请选择确认日期：不早于复发日期，不晚于今天",
            "choose the day confirmed: not before the recurrence, not after today",
        ),
        "medical_note" => lang.t("最多1000字", "at most 1000 characters"),
        "wage_at_recurrence" => lang.t(
            "请填写复发时的月工资（元），大于0，如 7800.00",
            "enter the monthly wage at the recurrence in yuan, above 0.00, e.g. 7800.00",
        ),
        "recurrence_award" => lang.t("请选择待复核的核定", "choose an award awaiting review"),
        "birth_dates" => lang.t(
            "请按顺序填写配偶以外供养亲属的出生日期（YYYY-MM-DD，逗号分隔），不多于其人数",
            "enter the birth dates of the dependants other than the spouse in order (YYYY-MM-DD, separated by commas), no more than their number",
        ),
        _ => return None,
    })
}

/// What went wrong, in words a person acts on, by the error's code (the
/// error table's) and field.
pub fn problem(lang: Lang, e: &AppError) -> String {
    let label = e.field().and_then(|f| field_label(lang, f));
    let code = e.code();
    let zh = lang.zh();
    let what = match code {
        "forbidden" if e.field() == Some("recused") => lang.t(
            "您已声明回避本案件（《工伤保险条例》第二十条第四款），请由其他工作人员办理",
            "you withdrew from this case (Regulations Art 20(4)); another official acts on it",
        ),
        "forbidden" if e.field() == Some("recusal_official") => lang.t(
            "只能登记本人回避；其他人员的回避由管理员登记",
            "you record your own withdrawal only; an administrator records another official's",
        ),
        "forbidden" => lang.t("您的角色不能办理此事项", "your role may not do this"),
        "not_found" => lang.t("没有找到该记录", "no such record"),
        "maker_checker" => lang.t(
            "经办人不能复核自己的核定单，请由另一位复核人员办理",
            "the maker may not check their own award; another reviewer does",
        ),
        // A conflict whose reason the app wrote in both languages
        // ("English / 中文"): the person's half says what stands in the way.
        "conflict" if bilingual(e, zh).is_some() => return bilingual(e, zh).unwrap_or_default(),
        "conflict" => lang.t(
            "与已登记的情况不符（可能已被他人办理），请刷新后再试",
            "it contradicts what is stored (someone may have done it meanwhile); reload and try again",
        ),
        "case_closed" => lang.t("案件已办结，不能再办理此事项", "the case is closed to this"),
        "command_not_allowed" => lang.t(
            "案件当前状态不允许此操作",
            "the case's state does not allow this",
        ),
        "already_done" => lang.t("此事项已经办理过", "this was done already"),
        "before_last_event" => lang.t(
            "日期早于案件的上一条记录",
            "the date is before the case's last record",
        ),
        "materials_incomplete" => lang.t(
            "申请材料不齐全，请先补正",
            "materials are missing; request them first",
        ),
        "accident_already_recognised" => lang.t(
            "该事故已在另一案件中认定",
            "the accident is recognised in another case",
        ),
        "duplicate" => lang.t("已经存在相同的记录", "the same record exists already"),
        "not_eligible" => lang.t(
            "该人员不符合所选方案的参保条件",
            "the person is not eligible under the chosen scheme",
        ),
        "not_covered" | "inadmissible" => lang.t(
            "事故发生时该人员不在保障范围内",
            "the person was not covered at the time of the accident",
        ),
        "missing_input" => lang.t("缺少计算所需的信息", "an input the calculation needs is missing"),
        _ if e.field().and_then(|f| hint(lang, f)).is_some() => {
            e.field().and_then(|f| hint(lang, f)).unwrap_or_default()
        }
        _ => match e.field() {
            Some(_) => lang.t("填写有误，请检查", "is not valid; please check it"),
            None => lang.t("未能完成，请检查填写内容", "not done; please check what was entered"),
        },
    };
    match label {
        Some(l) if zh => format!("{l}：{what}"),
        Some(l) => format!("{l}: {what}"),
        None => what.to_owned(),
    }
}

/// The reader's half of a conflict's reason written "English / 中文" by the
/// app (none when the reason is in one language only).
fn bilingual(e: &AppError, zh: bool) -> Option<String> {
    let AppError::Conflict { reason, .. } = e else {
        return None;
    };
    let (en, cn) = reason.rsplit_once(" / ")?;
    let cjk = |t: &str| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    if !cjk(cn) || cjk(en) {
        return None;
    }
    Some(if zh { cn.trim() } else { en.trim() }.to_owned())
}

/// The technical text behind a toggle, for agency staff only.
fn detail(ctx: &Ctx, e: &AppError) -> Markup {
    html! {
        @if ctx.viewer.role().is_some_and(|r| r.is_agency()) {
            details.tech {
                summary { (ctx.t("技术细节", "Technical detail")) }
                code { (e.code()) } " " (e.to_string())
            }
        }
    }
}

/// The message shown next to `field` when the error is about it.
pub fn at_field(ctx: &Ctx, field: &str, e: Option<&AppError>) -> Markup {
    html! {
        @if let Some(e) = e.filter(|e| e.field() == Some(field)) {
            p.field-error role="alert" id=(format!("{field}-error")) {
                (problem(ctx.lang, e))
                (detail(ctx, e))
            }
        }
    }
}

/// One labelled input of a form, marked invalid and followed by the
/// refusal when `e` names its field (the forms of the unit's dues and of
/// the back-payment share it).
pub fn labelled_input(
    ctx: &Ctx,
    e: Option<&AppError>,
    id: &'static str,
    label: &str,
    value: &str,
    kind: &'static str,
) -> Markup {
    let bad = e.is_some_and(|e| e.field() == Some(id)).then_some("true");
    html! {
        div {
            label for=(id) { (label) }
            input id=(id) type=(kind) name=(id) value=(value) aria-invalid=[bad];
            (at_field(ctx, id, e))
        }
    }
}

/// The refusal of `field` in this form's own words (`zh`, `en`) where the
/// table's hint of a field shared by several forms would mislead (the
/// cancellation's `reason` is no award's "reason to return it").
pub fn at_field_saying(
    ctx: &Ctx,
    field: &str,
    e: Option<&AppError>,
    zh: &'static str,
    en: &'static str,
) -> Markup {
    html! {
        @if let Some(e) = e.filter(|e| e.field() == Some(field)) {
            p.field-error role="alert" id=(format!("{field}-error")) {
                (ctx.t(zh, en))
                (detail(ctx, e))
            }
        }
    }
}

/// A refusal not about one of the form's `fields`: at the top of the form.
pub fn at_form(ctx: &Ctx, fields: &[&str], e: Option<&AppError>) -> Markup {
    html! {
        @if let Some(e) = e.filter(|e| e.field().is_none_or(|f| !fields.contains(&f))) {
            div.alert.error role="alert" {
                strong { (ctx.t("未能完成：", "Not done: ")) }
                (problem(ctx.lang, e))
                (detail(ctx, e))
            }
        }
    }
}

/// An event of a case's history, in words.
pub fn event_words(lang: Lang, stream: EventStream, kind: &str) -> &'static str {
    match (stream, kind) {
        (EventStream::Appraisal, "applied") => lang.t("申请劳动能力鉴定", "appraisal applied for"),
        (EventStream::Appraisal, "extended") => lang.t("鉴定期限延长", "appraisal extended"),
        (EventStream::Appraisal, "concluded") => lang.t("作出鉴定结论", "appraisal concluded"),
        (EventStream::Appraisal, "received") => lang.t("鉴定结论已送达", "conclusion received"),
        (EventStream::Appraisal, "revoked") => lang.t("鉴定结论被撤销", "conclusion revoked"),
        (EventStream::Appraisal, "corrected") => lang.t("鉴定结论被纠正", "conclusion corrected"),
        (_, "filed") => lang.t("提出申请", "application filed"),
        (_, "late_unit_filing") => lang.t("单位逾期申请", "unit filed late"),
        (_, "late_platform_application") => lang.t("平台逾期申请", "platform applied late"),
        (_, "materials_requested") => lang.t("一次性告知补正材料", "materials requested"),
        (_, "materials_supplied") => lang.t("补正材料", "materials supplied"),
        (_, "materials_completed") => lang.t("材料齐全", "materials complete"),
        (_, "accepted") => lang.t("受理", "accepted"),
        (_, "application_rejected") | (_, "rejected") => lang.t("不予受理", "not admitted"),
        (_, "investigation_started") => lang.t("开始调查核实", "investigation started"),
        (_, "burden_of_proof_on_unit") => lang.t(
            "单位不认为是工伤，由单位举证",
            "the unit disputes: burden of proof on the unit",
        ),
        (_, "suspended") => lang.t("中止", "suspended"),
        (_, "resumed") => lang.t("恢复", "resumed"),
        (_, "withdrawn") => lang.t("撤回申请", "withdrawn"),
        (_, "terminated_no_grounds") => lang.t("终止（无认定依据）", "terminated: no grounds"),
        (_, "simple_case_marked") => lang.t("按简易程序办理", "handled as a simple case"),
        (_, "decided") => lang.t("作出认定决定", "decision made"),
        (_, "delivered") => lang.t("送达认定决定", "decision delivered"),
        (_, "confirmed") => lang.t("确认为职业伤害", "occupational injury confirmed"),
        (_, "denied") => lang.t("不予确认", "not confirmed"),
        (_, "claimed") => lang.t("提出理赔", "claim made"),
        (_, "approved") => lang.t("核准理赔", "claim approved"),
        (_, "declined") => lang.t("拒赔", "claim declined"),
        (_, "paid") => lang.t("已赔付", "paid"),
        _ => lang.t("办理记录", "record"),
    }
}

/// Which part of the case an event belongs to.
pub fn stream_words(lang: Lang, stream: EventStream) -> &'static str {
    match stream {
        EventStream::Determination => lang.t("工伤认定", "determination"),
        EventStream::Appraisal => lang.t("劳动能力鉴定", "appraisal"),
        EventStream::Confirmation => lang.t("职业伤害确认", "confirmation"),
        EventStream::InsurerClaim => lang.t("理赔", "claim"),
    }
}

pub fn basis_words(lang: Lang, b: AwardBasis) -> &'static str {
    match b {
        AwardBasis::Initial => lang.t("首次核定", "initial"),
        AwardBasis::NewAppraisal => lang.t("重新鉴定后", "after a new appraisal"),
        AwardBasis::ParameterCorrection => lang.t("参数更正", "parameter corrected"),
        AwardBasis::FactsCorrected => lang.t("事实更正", "facts corrected"),
        AwardBasis::InsurerSchedule => lang.t("保险赔付标准", "insurer's schedule"),
        AwardBasis::BackPayment => lang.t(
            "用人单位补缴后（条例第六十二条第三款）",
            "after the unit's back-payment (Art 62(3))",
        ),
    }
}

/// Who recorded something: `role:login` as the role in words and the login.
pub fn actor_words(ctx: &Ctx, audit_name: &str) -> String {
    match audit_name.split_once(':') {
        Some((role, login)) => match gongshang_app::accounts::Role::parse(role) {
            Ok(r) => format!("{} {login}", super::session::role_label(ctx, r)),
            Err(_) => audit_name.to_owned(),
        },
        None => audit_name.to_owned(),
    }
}

/// Who receives an award's item, in words: the worker, the spouse, the
/// n-th dependant.
pub fn beneficiary_words(lang: Lang, who: &str) -> String {
    match who {
        "worker" => lang.t("职工本人", "the worker").to_owned(),
        "spouse" => lang.t("配偶", "the spouse").to_owned(),
        other => match other.strip_prefix("dependant-") {
            Some(n) => format!("{}{n}", lang.t("供养亲属", "dependant ")),
            None => other.to_owned(),
        },
    }
}
