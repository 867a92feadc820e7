//! The rights-protection service centre's use cases on both backends: a
//! worker files by the QR form and follows the ticket with its number and
//! lookup code; a mediator settles one; a referral to arbitration comes
//! back; an overdue ticket escalates once; a partner body sees nothing it
//! was not sent; a sensitive ticket hides the complainant from the unit.

use gongshang_app::accounts::{Actor, Role, Scope};
use gongshang_app::tickets::{TicketAction, TicketInput};
use gongshang_app::{App, AppError};
use gongshang_domain::ticket::{
    Confirmation, DeadlineKind, EscalationLevel, Phase, ReferralReport, Satisfaction,
    SessionChannel, SessionOutcome,
};
use jiff::civil::date;

use super::{credit, each_backend, resident, ts};

fn staff(login: &str, role: Role) -> Actor {
    Actor {
        login: login.into(),
        role,
        scope: Scope::All,
    }
}

fn partner(body: &str) -> Actor {
    Actor {
        login: body.into(),
        role: Role::Partner,
        scope: Scope::Partner(body.into()),
    }
}

fn qr_input() -> TicketInput {
    TicketInput {
        category: "platform_worker_dispute".into(),
        summary: "送餐途中摔伤，平台不支付停工期间的报酬".into(),
        complainant_name: "张三".into(),
        complainant_phone: Some("13800001111".into()),
        district: Some("思明区".into()),
        industry: Some("即时配送".into()),
        platform: Some("meituan".into()),
        sensitive: true,
        ..TicketInput::default()
    }
}

fn code(r: Result<impl std::fmt::Debug, AppError>) -> String {
    r.map(|_| ()).unwrap_err().code().to_owned()
}

#[test]
fn a_worker_files_by_qr_code_follows_it_and_a_mediator_settles_it() {
    each_backend(|app: &App, clock| {
        clock.set(ts("2025-03-03T02:00:00Z")); // Monday
        let filed = app.submit_qr_ticket(&qr_input()).unwrap();
        assert!(filed.number.starts_with("SQ2025-"));
        assert_eq!(filed.lookup_code.len(), 8);
        let seen = app
            .follow_ticket(&filed.number, &filed.lookup_code.to_lowercase())
            .unwrap();
        assert_eq!(seen.row.state, Phase::Received);
        // Acceptance within 3 working days (Order 17 Art 22).
        assert_eq!(seen.deadlines[0].kind, DeadlineKind::Acceptance);
        assert_eq!(seen.deadlines[0].due, date(2025, 3, 6));
        assert_eq!(
            code(app.follow_ticket(&filed.number, "WRONG123")),
            "not_found"
        );
        let front = staff("front1", Role::FrontDesk);
        let mediator = staff("mediator1", Role::Mediator);
        app.act_on_ticket(
            &front,
            &filed.number,
            TicketAction::Triage {
                category: "platform_worker_dispute".into(),
                note: "一站式调解".into(),
            },
        )
        .unwrap();
        // The front desk does not mediate.
        let settle = TicketAction::Settle {
            agreement: "平台于 5 日内支付 3,000 元".into(),
            confirmation: Confirmation::ArbitrationReview,
        };
        assert_eq!(
            code(app.act_on_ticket(&front, &filed.number, settle.clone())),
            "forbidden"
        );
        clock.set(ts("2025-03-05T02:00:00Z"));
        let v = app
            .act_on_ticket(
                &mediator,
                &filed.number,
                TicketAction::RecordSession {
                    held_on: None,
                    channel: SessionChannel::Phone,
                    outcome: SessionOutcome::Agreed,
                    note: "双方同意".into(),
                },
            )
            .unwrap();
        assert_eq!(v.row.state, Phase::InMediation);
        assert_eq!(v.sessions[0].mediator, "mediator1");
        let v = app.act_on_ticket(&mediator, &filed.number, settle).unwrap();
        assert_eq!(v.row.state, Phase::Settled);
        // The joint request for arbitration review: 15 days (Order 17 Art 29).
        assert_eq!(v.deadlines[0].kind, DeadlineKind::ReviewRequest);
        assert_eq!(v.deadlines[0].due, date(2025, 3, 20));
        let v = app
            .act_on_ticket(
                &mediator,
                &filed.number,
                TicketAction::Close {
                    resolution: "调解协议已履行".into(),
                    satisfaction: Satisfaction::VerySatisfied,
                },
            )
            .unwrap();
        assert!(v.row.closed);
        let seen = app
            .follow_ticket(&filed.number, &filed.lookup_code)
            .unwrap();
        assert_eq!(seen.resolution.as_deref(), Some("调解协议已履行"));
        assert_eq!(seen.reopen_until, Some(date(2025, 4, 4)));
        let d = app
            .ticket_dashboard(&staff("admin", Role::Administrator))
            .unwrap();
        assert_eq!(d.stats.closed, 1);
        assert_eq!(d.on_time_per_mille, Some(1000));
        assert_eq!(d.mediation_success_per_mille, Some(1000));
    });
}

#[test]
fn a_referral_to_arbitration_comes_back_and_a_partner_sees_only_what_it_was_sent() {
    each_backend(|app: &App, clock| {
        clock.set(ts("2025-03-03T02:00:00Z"));
        let front = staff("front1", Role::FrontDesk);
        let worker_id = resident("440106", date(1990, 5, 1), 7);
        let unit = credit(3, "350200");
        let filed = app
            .file_ticket(
                &front,
                &TicketInput {
                    channel: Some("phone".into()),
                    category: "share_dispute".into(),
                    resident_id: Some(worker_id.as_str().into()),
                    unit: Some(unit.as_str().into()),
                    ..qr_input()
                },
            )
            .unwrap();
        let n = filed.number.clone();
        app.act_on_ticket(
            &front,
            &n,
            TicketAction::Triage {
                category: "share_dispute".into(),
                note: String::new(),
            },
        )
        .unwrap();
        let v = app
            .act_on_ticket(
                &front,
                &n,
                TicketAction::Refer {
                    body: "xm-arbitration".into(),
                    appointment_on: date(2025, 3, 4),
                    note: "预约 3 月 4 日".into(),
                },
            )
            .unwrap();
        // Arbitration accepts within 5 days (调解仲裁法 Art 29).
        assert_eq!(v.deadlines[0].kind, DeadlineKind::ReferralAcceptance);
        assert_eq!(v.deadlines[0].due, date(2025, 3, 10));
        let arbitration = partner("xm-arbitration");
        let inspection = partner("xm-inspection");
        assert_eq!(app.ticket_list(&arbitration, true, 50).unwrap().len(), 1);
        assert!(app.ticket_list(&inspection, false, 50).unwrap().is_empty());
        assert_eq!(code(app.ticket(&inspection, &n)), "not_found");
        assert_eq!(
            code(app.act_on_ticket(
                &inspection,
                &n,
                TicketAction::ReportReferral(ReferralReport::Accepted)
            )),
            "not_found"
        );
        // The partner may not triage or close.
        assert_eq!(
            code(app.act_on_ticket(
                &arbitration,
                &n,
                TicketAction::Reopen { reason: "x".into() }
            )),
            "forbidden"
        );
        clock.set(ts("2025-03-05T02:00:00Z"));
        let v = app
            .act_on_ticket(
                &arbitration,
                &n,
                TicketAction::ReportReferral(ReferralReport::Accepted),
            )
            .unwrap();
        // The award within 45 days of acceptance (Art 43).
        assert_eq!(v.deadlines[0].kind, DeadlineKind::ReferralDecision);
        assert_eq!(v.deadlines[0].due, date(2025, 4, 21));
        clock.set(ts("2025-04-01T02:00:00Z"));
        app.act_on_ticket(
            &arbitration,
            &n,
            TicketAction::ReportReferral(ReferralReport::Concluded {
                outcome: "裁决单位支付停工留薪期工资 6,000 元".into(),
            }),
        )
        .unwrap();
        let v = app
            .act_on_ticket(
                &front,
                &n,
                TicketAction::Close {
                    resolution: "仲裁裁决已送达".into(),
                    satisfaction: Satisfaction::Satisfied,
                },
            )
            .unwrap();
        assert_eq!(
            v.referrals[0].status,
            gongshang_domain::ticket::ReferralStatus::Concluded
        );
        // The partner still sees what it was sent, closed.
        assert_eq!(app.ticket_list(&arbitration, false, 50).unwrap().len(), 1);
        // The unit is the other party: the sensitive ticket hides the worker.
        let unit_user = Actor {
            login: "unit3".into(),
            role: Role::Unit,
            scope: Scope::Unit {
                unit,
                platform: None,
            },
        };
        let seen = app.ticket(&unit_user, &n).unwrap();
        assert!(seen.complainant_hidden);
        assert_eq!(seen.row.person, None);
        assert_ne!(seen.row.complainant_name, "张三");
        // Until the worker agrees.
        let worker = Actor {
            login: "worker7".into(),
            role: Role::Worker,
            scope: Scope::Person(worker_id),
        };
        assert_eq!(app.ticket_list(&worker, false, 10).unwrap().len(), 1);
        assert_eq!(
            code(app.act_on_ticket(&front, &n, TicketAction::ConsentToDisclosure)),
            "forbidden"
        );
    });
}

#[test]
fn an_overdue_ticket_escalates_once_per_level_and_counts_as_late() {
    each_backend(|app: &App, clock| {
        clock.set(ts("2025-03-03T02:00:00Z"));
        let filed = app.submit_qr_ticket(&qr_input()).unwrap();
        let front = staff("front1", Role::FrontDesk);
        // Due Thursday 6 March; near from Tuesday 4 March (2 days).
        clock.set(ts("2025-03-04T02:00:00Z"));
        let run = app.escalate_tickets(&front).unwrap();
        assert_eq!(run.escalated.len(), 1);
        assert_eq!(run.escalated[0].2, EscalationLevel::Near);
        assert!(app.escalate_tickets(&front).unwrap().escalated.is_empty());
        clock.set(ts("2025-03-07T02:00:00Z"));
        let run = app.escalate_tickets(&front).unwrap();
        assert_eq!(
            run.escalated,
            vec![(
                filed.number.clone(),
                DeadlineKind::Acceptance,
                EscalationLevel::Overdue,
                date(2025, 3, 6)
            )]
        );
        let admin = staff("admin", Role::Administrator);
        let d = app.ticket_dashboard(&admin).unwrap();
        assert_eq!(d.stats.overdue_now, 1);
        assert_eq!(d.overdue.len(), 1);
        assert_eq!(d.overdue[0].complainant_name, "", "no personal data");
        let v = app.ticket(&front, &filed.number).unwrap();
        assert_eq!(v.row.escalation, Some(EscalationLevel::Overdue));
        app.act_on_ticket(
            &front,
            &filed.number,
            TicketAction::Triage {
                category: "consultation".into(),
                note: String::new(),
            },
        )
        .unwrap();
        app.act_on_ticket(
            &front,
            &filed.number,
            TicketAction::Close {
                resolution: "已电话答复".into(),
                satisfaction: Satisfaction::NoAnswer,
            },
        )
        .unwrap();
        let d = app.ticket_dashboard(&admin).unwrap();
        assert_eq!(d.stats.closed, 1);
        assert_eq!(d.on_time_per_mille, Some(0));
    });
}
