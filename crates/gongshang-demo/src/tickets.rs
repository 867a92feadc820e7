//! The service centre's demo tickets: a few in every state (received by the
//! QR form, accepted, in mediation, settled and closed, referred to
//! arbitration and to inspection, agreements sent for arbitration review
//! (one confirmed, one waiting), one overdue and escalated), filed on
//! their days in June 2026 so that the deadlines run as they would.

use gongshang_app::accounts::Role;
use gongshang_app::actor::{Actor, Scope};
use gongshang_app::tickets::{TicketAction, TicketInput};
use gongshang_app::{App, AppError};
use gongshang_domain::ids::{CreditCode, ResidentId};
use gongshang_domain::ticket::{
    Confirmation, ReferralReport, Satisfaction, SessionChannel, SessionOutcome,
};
use jiff::civil::{Date, date};

use crate::{DEMO_TODAY, DemoClock, DemoReport, china_instant};

fn staff(login: &str, role: Role) -> Actor {
    Actor {
        login: login.into(),
        role,
        scope: Scope::All,
    }
}

fn partner(body: &str) -> Actor {
    Actor {
        login: "arbitration".into(),
        role: Role::Partner,
        scope: Scope::Partner(body.into()),
    }
}

/// One step of a demo ticket, on its day.
enum Step {
    Act(Date, &'static str, TicketAction),
}

/// Files the demo tickets and runs the escalation on [`DEMO_TODAY`].
pub fn seed_tickets(
    app: &App,
    clock: &DemoClock,
    worker: Option<ResidentId>,
    enterprise: Option<CreditCode>,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let front = staff("front", Role::FrontDesk);
    let mediator = staff("mediator", Role::Mediator);
    let inspection = Actor {
        login: "inspection".into(),
        role: Role::Partner,
        scope: Scope::Partner("xm-inspection".into()),
    };
    let by = |who: &str| match who {
        "front" => front.clone(),
        "mediator" => mediator.clone(),
        "inspection" => inspection.clone(),
        _ => partner("xm-arbitration"),
    };
    let triage = |c: &str| TicketAction::Triage {
        category: c.into(),
        note: String::new(),
    };
    let session = |outcome| TicketAction::RecordSession {
        held_on: None,
        channel: SessionChannel::Phone,
        outcome,
        note: "电话调解".into(),
    };
    let input =
        |category: &str, summary: &str, name: &str, district: &str, platform: &str| TicketInput {
            category: category.into(),
            summary: summary.into(),
            complainant_name: name.into(),
            complainant_phone: Some("13800000000".into()),
            district: Some(district.into()),
            platform: (!platform.is_empty()).then(|| platform.into()),
            industry: Some(
                if platform.is_empty() {
                    "制造业"
                } else {
                    "即时配送"
                }
                .into(),
            ),
            ..TicketInput::default()
        };
    let rider = worker.map(|w| w.as_str().to_owned());
    let employer = enterprise.map(|u| u.as_str().to_owned());
    // (filed on, by whom: qr or front, the input, the steps after)
    let plan: Vec<(Date, &str, TicketInput, Vec<Step>)> = vec![
        (
            date(2026, 6, 29),
            "qr",
            TicketInput {
                resident_id: rider.clone(),
                sensitive: true,
                ..input(
                    "platform_worker_dispute",
                    "送餐途中电动车被撞，平台不认可在线时段，拒绝协助申请保障",
                    "陈骑手",
                    "思明区",
                    "meituan",
                )
            },
            vec![],
        ),
        (
            date(2026, 6, 10),
            "front",
            input(
                "consultation",
                "咨询“益鹭保”按日投保如何操作",
                "林女士",
                "湖里区",
                "",
            ),
            vec![
                Step::Act(date(2026, 6, 10), "front", triage("consultation")),
                Step::Act(
                    date(2026, 6, 10),
                    "front",
                    TicketAction::Close {
                        resolution: "已当场讲解投保流程并现场协助投保".into(),
                        satisfaction: Satisfaction::VerySatisfied,
                    },
                ),
            ],
        ),
        (
            date(2026, 6, 1),
            "front",
            TicketInput {
                channel: Some("phone".into()),
                ..input(
                    "platform_worker_dispute",
                    "配送站点扣罚超时费用，要求退还",
                    "黄骑手",
                    "集美区",
                    "eleme",
                )
            },
            vec![
                Step::Act(date(2026, 6, 2), "front", triage("platform_worker_dispute")),
                Step::Act(
                    date(2026, 6, 5),
                    "mediator",
                    session(SessionOutcome::Agreed),
                ),
                Step::Act(
                    date(2026, 6, 5),
                    "mediator",
                    TicketAction::Settle {
                        agreement: "站点退还超时扣款 860 元，于 6 月 12 日前支付".into(),
                        confirmation: Confirmation::ArbitrationReview,
                    },
                ),
                Step::Act(
                    date(2026, 6, 8),
                    "mediator",
                    TicketAction::RequestReview {
                        body: "xm-arbitration".into(),
                        appointment_on: date(2026, 6, 9),
                        note: "双方共同申请仲裁审查".into(),
                    },
                ),
                Step::Act(
                    date(2026, 6, 9),
                    "arbitration",
                    TicketAction::ReportReferral(ReferralReport::Accepted),
                ),
                Step::Act(
                    date(2026, 6, 11),
                    "arbitration",
                    TicketAction::ReportReferral(ReferralReport::Reviewed {
                        confirmed: true,
                        note: "调解协议合法有效，已出具仲裁调解书".into(),
                    }),
                ),
                Step::Act(
                    date(2026, 6, 20),
                    "mediator",
                    TicketAction::Close {
                        resolution: "协议已履行，双方申请仲裁审查确认".into(),
                        satisfaction: Satisfaction::Satisfied,
                    },
                ),
            ],
        ),
        (
            date(2026, 6, 15),
            "qr",
            TicketInput {
                resident_id: rider.clone(),
                sensitive: true,
                ..input(
                    "platform_worker_dispute",
                    "停工期间平台不发放保障金",
                    "陈骑手",
                    "思明区",
                    "meituan",
                )
            },
            vec![
                Step::Act(
                    date(2026, 6, 16),
                    "front",
                    triage("platform_worker_dispute"),
                ),
                Step::Act(
                    date(2026, 6, 18),
                    "mediator",
                    session(SessionOutcome::Continued),
                ),
            ],
        ),
        (
            date(2026, 6, 3),
            "front",
            TicketInput {
                unit: employer.clone(),
                sensitive: true,
                ..input(
                    "share_dispute",
                    "单位不支付停工留薪期工资",
                    "吴师傅",
                    "海沧区",
                    "",
                )
            },
            vec![
                Step::Act(date(2026, 6, 3), "front", triage("share_dispute")),
                Step::Act(
                    date(2026, 6, 8),
                    "mediator",
                    session(SessionOutcome::Failed),
                ),
                Step::Act(
                    date(2026, 6, 9),
                    "mediator",
                    TicketAction::Refer {
                        body: "xm-arbitration".into(),
                        appointment_on: date(2026, 6, 11),
                        note: "预约 6 月 11 日立案窗口".into(),
                    },
                ),
                Step::Act(
                    date(2026, 6, 12),
                    "arbitration",
                    TicketAction::ReportReferral(ReferralReport::Accepted),
                ),
            ],
        ),
        (
            date(2026, 6, 5),
            "front",
            input(
                "complaint",
                "平台未为骑手办理职业伤害保障登记",
                "匿名",
                "湖里区",
                "dada",
            ),
            vec![
                Step::Act(date(2026, 6, 5), "front", triage("complaint")),
                Step::Act(
                    date(2026, 6, 5),
                    "front",
                    TicketAction::Refer {
                        body: "xm-inspection".into(),
                        appointment_on: date(2026, 6, 8),
                        note: String::new(),
                    },
                ),
            ],
        ),
        (
            date(2026, 6, 22),
            "qr",
            input(
                "over_age_dispute",
                "超龄保洁员加班费未付",
                "郑阿姨",
                "同安区",
                "",
            ),
            vec![],
        ),
        (
            date(2026, 6, 19),
            "front",
            input(
                "platform_worker_dispute",
                "配送途中摔伤，站点拒付医疗费垫付款",
                "许骑手",
                "湖里区",
                "meituan",
            ),
            vec![
                Step::Act(
                    date(2026, 6, 22),
                    "front",
                    triage("platform_worker_dispute"),
                ),
                Step::Act(
                    date(2026, 6, 26),
                    "mediator",
                    session(SessionOutcome::Agreed),
                ),
                Step::Act(
                    date(2026, 6, 26),
                    "mediator",
                    TicketAction::Settle {
                        agreement: "站点于 7 月 10 日前支付医疗费 2,400 元".into(),
                        confirmation: Confirmation::ArbitrationReview,
                    },
                ),
                Step::Act(
                    date(2026, 6, 29),
                    "mediator",
                    TicketAction::RequestReview {
                        body: "xm-arbitration".into(),
                        appointment_on: date(2026, 7, 1),
                        note: "双方约定 7 月 1 日到仲裁院窗口".into(),
                    },
                ),
            ],
        ),
    ];
    for (filed_on, channel, ticket, steps) in plan {
        clock.set(china_instant(filed_on, 10));
        let filed = if channel == "qr" {
            app.submit_qr_ticket(&ticket)?
        } else {
            app.file_ticket(&front, &ticket)?
        };
        for Step::Act(on, who, action) in steps {
            clock.set(china_instant(on, 11));
            app.act_on_ticket(&by(who), &filed.number, action)?;
        }
        report.tickets += 1;
        report.samples.push(("ticket", filed.number));
    }
    // The worker login's 益鹭保 claim, declined by the insurer: their case
    // page offers "dispute this" (a ticket the system raises for them).
    if let Some(w) = worker
        && let Err(e) = declined_claim(app, clock, w)
    {
        report
            .notes
            .push(format!("the worker's declined claim not seeded: {e}"));
    }
    clock.set(china_instant(DEMO_TODAY, 9));
    app.escalate_tickets(&front)?;
    Ok(())
}

fn declined_claim(app: &App, clock: &DemoClock, worker: ResidentId) -> Result<(), AppError> {
    use gongshang_app::cases::{CaseCommand, ClaimRequest};
    use gongshang_domain::insurer_claim;
    let clerk = staff("clerk", Role::Clerk);
    clock.set(china_instant(date(2026, 6, 12), 10));
    let mut facts = serde_json::Map::new();
    facts.insert("hospital_days".into(), 2.into());
    let row = app.file_claim(
        &clerk,
        &ClaimRequest {
            number: None,
            person: worker,
            scheme_id: "xiamen.yilubao".parse().unwrap(),
            region: None,
            accident_date: date(2026, 6, 10),
            injured_at: None,
            filed_on: Some(date(2026, 6, 12)),
            accident_key: None,
            claimed: None,
            facts: Some(serde_json::Value::Object(facts)),
        },
    )?;
    clock.set(china_instant(date(2026, 6, 19), 10));
    app.act(
        &clerk,
        &row.number,
        CaseCommand::Claim(insurer_claim::Command::Decline {
            explanation: "保险人核查：事故发生时未在接单配送途中".into(),
        }),
        None,
    )?;
    Ok(())
}
