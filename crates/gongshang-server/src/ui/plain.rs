//! Plain words for people outside the agency (issue 13): a worker's,
//! an employer's and a platform's pages say what went wrong in the page's
//! language, under the field it concerns, and a case's state as a person
//! would say it. No internal code, field name or policy note reaches them.

use gongshang_app::AppError;
use gongshang_domain::case::CaseState;
use gongshang_domain::insurer_claim::Inadmissible;
use maud::{Markup, html};

use super::Ctx;
use super::format::yuan;

/// The field of the form an error belongs under (the app's field, or the
/// field a conflict concerns).
pub fn field_of(e: &AppError) -> Option<&str> {
    match e {
        AppError::Conflict {
            entity: "cover", ..
        } => Some("first_day"),
        AppError::Conflict {
            entity: "claim", ..
        } => Some("accident_date"),
        AppError::Conflict {
            entity: "declaration",
            ..
        } => Some("month"),
        AppError::Conflict {
            entity: "enrollment",
            ..
        } => Some("resident_id"),
        AppError::NotEligible { rule, .. } => Some(match rule.as_str() {
            "min_age" | "max_age" | "over_retirement_age" => "resident_id",
            "category" => "category",
            "no_labour_relation" => "labour_relation",
            "scheme_in_force" => "start",
            _ => "scheme_id",
        }),
        _ => e.field(),
    }
}

/// What went wrong, in the page's language, for a person (never an
/// internal code).
pub fn say(ctx: &Ctx, e: &AppError) -> String {
    let z = ctx.zh();
    let t = |zh: &str, en: &str| if z { zh.to_owned() } else { en.to_owned() };
    match e {
        AppError::Conflict {
            entity: "cover", ..
        } => t(
            "所选日期中有已购买的天数，无需重复购买；请从已保障的最后一天之后开始。",
            "Some of these days are already covered: you need not buy them again. Start after the last day you have.",
        ),
        AppError::Conflict {
            entity: "claim", ..
        } => t(
            "这次事故已经提交过理赔申请，正在办理中；请在“我的案件”中查看，无需重复提交。",
            "You have already claimed for this accident and the claim is being handled: see it under My cases; do not file it again.",
        ),
        AppError::Conflict {
            entity: "declaration",
            ..
        } => t(
            "该月已申报，不能重复申报（不受理补充申报）。",
            "This month is already declared; it cannot be declared again.",
        ),
        AppError::Conflict {
            entity: "enrollment",
            ..
        } => t(
            "此人已由本单位在该方案参保；如需重新参保，请先终止原参保。",
            "This person is already enrolled in this scheme by the unit; end that enrolment first.",
        ),
        AppError::NotEligible {
            rule,
            value,
            allowed,
            ..
        } => match rule.as_str() {
            "min_age" => {
                let age = value.trim_start_matches("age ");
                let min = allowed.trim_end_matches(" or older");
                if z {
                    format!(
                        "不符合参保条件：参保起始日年龄为{age}岁，须年满{min}周岁。未保存任何记录。"
                    )
                } else {
                    format!(
                        "Not eligible: aged {age} on the start date; the scheme needs {min} or older. Nothing was saved."
                    )
                }
            }
            "max_age" => t(
                "不符合参保条件：超过该方案的年龄上限。未保存任何记录。",
                "Not eligible: older than the scheme allows. Nothing was saved.",
            ),
            "area" => t(
                "不符合参保条件：本单位所在地区不在该方案的适用范围内。",
                "Not eligible: the unit's region is outside the scheme's area.",
            ),
            "category" => t(
                "不符合参保条件：该方案不接受此人员类别。",
                "Not eligible: the scheme does not take this category of person.",
            ),
            _ => t(
                "不符合该方案的参保条件。未保存任何记录。",
                "Not eligible for this scheme. Nothing was saved.",
            ),
        },
        _ => match (e.code(), e.field()) {
            (_, Some("name")) => t(
                "请填写真实姓名（1至60个字）。",
                "Give the real name (1 to 60 characters).",
            ),
            (_, Some("hospital_days")) => t(
                "住院天数不合理：请填写实际住院的天数（一次事故可申请的期限内）。",
                "That many days in hospital is not possible for one accident: give the days you were actually in hospital.",
            ),
            (_, Some("medical_expenses")) => t(
                "请填写金额，如 1200.50（元，最多两位小数）。",
                "Give an amount such as 1200.50 (yuan, at most two decimals).",
            ),
            (_, Some("accident_date")) => t(
                "请填写事故日期（不能晚于今天）。",
                "Give the day of the accident (not after today).",
            ),
            (_, Some("first_day")) => t(
                "保障只能从明天起购买，且须在参保期间内。",
                "Days can be bought from tomorrow on, within your enrolment.",
            ),
            (_, Some("days")) => t("每次可购买1至366天。", "Buy 1 to 366 days at a time."),
            ("identifier_invalid" | "invalid_resident_id", _) | (_, Some("resident_id")) => t(
                "公民身份号码不正确（18位，末位可为X，校验码须正确）。",
                "The identity number is not right (18 characters, the last may be X, and it must check).",
            ),
            (_, Some("declarations")) => t(
                "请为每位人员填写本月工资（元，如 6500.00）。",
                "Give each person's wage of the month (yuan, such as 6500.00).",
            ),
            (_, Some("month")) => t(
                "请选择申报月份（如 2026-06）。",
                "Choose the month (for example 2026-06).",
            ),
            (_, Some("amount")) => t(
                "金额须大于0且不超过未缴金额。",
                "The amount must be more than 0 and at most what is outstanding.",
            ),
            (_, Some("last_day")) => t(
                "终止日期不能早于参保起始日。",
                "The last day cannot be before the start of the enrolment.",
            ),
            (_, Some("file")) => t(
                "文件无法读取：请上传UTF-8编码的CSV文件。",
                "The file cannot be read: upload a UTF-8 CSV file.",
            ),
            ("forbidden", _) => t("您无权办理此事项。", "You may not do this."),
            ("not_found", _) => t("未找到该记录。", "No such record."),
            ("csrf", _) => t(
                "页面已过期，请刷新后重试。",
                "The page is stale: reload it and try again.",
            ),
            _ => t(
                "未能办理，请检查填写的内容。",
                "Not done: check what you entered.",
            ),
        },
    }
}

/// Whether `error` is the field's: its input is then marked invalid and
/// focused (`aria-invalid`, `autofocus`), so a long page scrolls to it.
pub fn invalid(error: Option<&AppError>, field: &str) -> bool {
    error.is_some_and(|e| field_of(e) == Some(field))
}

/// The error under its field (`id="{field}-error"`), if it is that field's.
pub fn field_error(ctx: &Ctx, error: Option<&AppError>, field: &str) -> Markup {
    html! {
        @if let Some(e) = error.filter(|e| field_of(e) == Some(field)) {
            p.field-error role="alert" id=(format!("{field}-error")) { (say(ctx, e)) }
        }
    }
}

/// An error that belongs to no field of the form, at the top of it.
pub fn form_error(ctx: &Ctx, error: Option<&AppError>, fields: &[&str]) -> Markup {
    html! {
        @if let Some(e) = error.filter(|e| field_of(e).is_none_or(|f| !fields.contains(&f))) {
            // Focused (and so scrolled to) when the page comes back refused.
            div.alert.error role="alert" tabindex="-1" autofocus { (say(ctx, e)) }
        }
    }
}

/// A case's state as the person it concerns would say it.
pub fn case_state(ctx: &Ctx, s: CaseState) -> &'static str {
    use CaseState::*;
    let (zh, en) = match s {
        NotFiled => ("尚未提交", "not filed yet"),
        CompletenessReview => (
            "已收到，正在审核材料",
            "received; the materials are being checked",
        ),
        AwaitingMaterials => ("需要补充材料", "more materials are needed"),
        Accepted => ("已受理，正在调查认定", "accepted; being investigated"),
        Decided => ("已作出认定", "decided"),
        UnderReview => ("已收到，正在审核", "received; being reviewed"),
        Confirmed => ("已确认为职业伤害", "confirmed as an occupational injury"),
        Denied => ("未予确认", "not confirmed"),
        Approved => ("已同意赔付，等待付款", "approved; payment on its way"),
        Paid => ("已赔付", "paid"),
        Declined => ("不予赔付", "declined"),
        Rejected => ("未受理", "not accepted"),
        Withdrawn => ("已撤回", "withdrawn"),
        Terminated => ("已终止", "ended"),
        AppraisalPending => (
            "等待劳动能力鉴定",
            "waiting for the work-capacity appraisal",
        ),
        Appraised => ("已完成劳动能力鉴定", "appraised"),
    };
    ctx.t(zh, en)
}

/// Whether a state is an answer of "no" (shown as a refusal, never in green).
pub fn is_refusal(s: CaseState) -> bool {
    matches!(
        s,
        CaseState::Rejected | CaseState::Declined | CaseState::Denied | CaseState::Terminated
    )
}

/// Why a claim was not accepted, in plain words.
pub fn claim_rejection(ctx: &Ctx, r: &Inadmissible) -> String {
    match r {
        Inadmissible::NotCoveredOnAccidentDay => ctx
            .t(
                "事故当天您没有保障（当天未购买保障天数），因此不能赔付。",
                "You were not covered on the day of the accident (no day of cover was bought for it), so nothing can be paid.",
            )
            .to_owned(),
        Inadmissible::PastTimeLimit { last_day } => {
            if ctx.zh() {
                format!("超过了申请期限：最迟应在{last_day}前提出。")
            } else {
                format!("Filed too late: the last day to claim was {last_day}.")
            }
        }
        Inadmissible::CapExhausted { cap, .. } => {
            if ctx.zh() {
                format!("这次事故已赔付到上限（{} 元）。", yuan(*cap))
            } else {
                format!(
                    "This accident has already been paid up to the limit ({} yuan).",
                    yuan(*cap)
                )
            }
        }
    }
}

/// What happened in a case, as the person it concerns would say it (never
/// the stored event's name).
pub fn case_event(ctx: &Ctx, kind: &str) -> &'static str {
    let (zh, en) = match kind {
        "filed" => ("提交申请", "application filed"),
        "materials_requested" => ("要求补充材料", "more materials asked for"),
        "materials_supplied" => ("已补充材料", "materials supplied"),
        "accepted" => ("已受理", "accepted"),
        "investigation_started" => ("开始调查", "investigation started"),
        "suspended" => ("暂停办理", "paused"),
        "resumed" => ("恢复办理", "resumed"),
        "decided" => ("作出认定决定", "decision made"),
        "delivered" => ("决定书已送达", "decision delivered"),
        "withdrawn" => ("已撤回", "withdrawn"),
        "application_rejected" | "rejected" => ("未受理", "not accepted"),
        "applied" => ("申请劳动能力鉴定", "appraisal applied for"),
        "concluded" => ("作出鉴定结论", "appraisal concluded"),
        "revoked" => ("鉴定结论被撤销", "the appraisal conclusion was revoked"),
        "corrected" => ("鉴定结论被纠正", "the appraisal conclusion was corrected"),
        "claimed" => ("提交理赔申请", "claim filed"),
        "approved" => ("同意赔付", "approved"),
        "declined" => ("不予赔付", "declined"),
        "paid" => ("已付款", "paid"),
        "confirmed" => ("确认为职业伤害", "confirmed"),
        "denied" => ("未予确认", "not confirmed"),
        _ => ("办理进展", "progress"),
    };
    ctx.t(zh, en)
}
