//! Tickets of the rights-protection service centre: an event log with a
//! snapshot row, its referrals and sessions, appends at a version, the
//! scoped listings (a partner body sees what was referred to it) and the
//! dashboard's counts; on SQLite and PostgreSQL.

use gongshang_domain::ticket::{
    Channel, DeadlineKind, EscalationLevel, Phase, ReferralPurpose, ReferralStatus, Satisfaction,
    SessionChannel, SessionOutcome, Tier,
};
use gongshang_store::tickets::{
    NewTicket, NewTicketEvent, ReferralRow, SessionRow, SubjectKind, TicketAppend,
    TicketDeadlineRow, TicketFilter, TicketSnapshot,
};
use gongshang_store::{NewUser, Store};

use crate::common::*;

fn new_ticket(n: u32, channel: Channel) -> NewTicket {
    NewTicket {
        lookup_hash: format!("hash-{n}"),
        channel,
        complainant_name: format!("骑手{n}"),
        complainant_phone: Some("13800000000".into()),
        person: Some(resident(n)),
        unit: Some(credit(n)),
        platform: Some("meituan".into()),
        district: Some("思明区".into()),
        industry: Some("即时配送".into()),
        subject: Some((SubjectKind::Case, format!("GS2026-{n:06}"))),
        summary: "平台未支付停工留薪期工资".into(),
        filed_on: d(2026, 3, 2),
    }
}

fn snapshot(state: Phase) -> TicketSnapshot {
    TicketSnapshot {
        state,
        category: "platform_worker_dispute".into(),
        tier: Tier::Middle,
        priority: 1,
        sensitive: true,
        disclosed: false,
        mediated: false,
        settled: false,
        overdue_ever: false,
        escalation: None,
        satisfaction: None,
        closed_on: None,
        deadline: Some(TicketDeadlineRow {
            kind: DeadlineKind::Acceptance,
            due: d(2026, 3, 5),
            citation: "企业劳动争议协商调解规定 (Order 17) Art 22".into(),
        }),
        referrals: Vec::new(),
        sessions: Vec::new(),
    }
}

fn ev(kind: &str, on: jiff::civil::Date) -> NewTicketEvent {
    NewTicketEvent {
        kind: kind.into(),
        on,
        body: format!("{{\"event\":\"{kind}\"}}"),
    }
}

fn referral(body: &str, status: ReferralStatus) -> ReferralRow {
    ReferralRow {
        n: 1,
        body: body.into(),
        body_kind: "labour_arbitration".into(),
        referred_on: d(2026, 3, 4),
        appointment_on: d(2026, 3, 6),
        status,
        accepted_on: None,
        outcome: None,
        purpose: ReferralPurpose::Dispute,
        confirmed: None,
    }
}

fn file(s: &dyn Store, n: u32) -> gongshang_store::tickets::TicketRow {
    s.create_ticket(
        &new_ticket(n, Channel::QrForm),
        &TicketAppend {
            expected_version: 0,
            events: vec![ev("filed", d(2026, 3, 2))],
            snapshot: snapshot(Phase::Received),
        },
        "public:qr",
        now(),
    )
    .unwrap()
}

#[test]
fn a_ticket_is_an_event_log_with_a_snapshot_and_its_referrals_and_sessions() {
    each_backend(|db| {
        let s = &*db.store;
        let t = file(s, 1);
        assert_eq!(t.number, format!("SQ2026-{:06}", t.id));
        assert_eq!(t.version, 1);
        assert_eq!(t.state, Phase::Received);
        assert_eq!(t.subject, Some((SubjectKind::Case, "GS2026-000001".into())));
        let mut snap = snapshot(Phase::Referred);
        snap.mediated = true;
        snap.sessions = vec![SessionRow {
            n: 1,
            mediator: "mediator1".into(),
            held_on: d(2026, 3, 3),
            channel: SessionChannel::Phone,
            outcome: SessionOutcome::Failed,
        }];
        snap.referrals = vec![referral("xm-arbitration", ReferralStatus::Referred)];
        snap.deadline = Some(TicketDeadlineRow {
            kind: DeadlineKind::ReferralAcceptance,
            due: d(2026, 3, 9),
            citation: "劳动争议调解仲裁法 Art 29".into(),
        });
        snap.escalation = Some(EscalationLevel::Near);
        let row = s
            .append_ticket_events(
                t.id,
                &TicketAppend {
                    expected_version: 1,
                    events: vec![
                        ev("triaged", d(2026, 3, 2)),
                        ev("session_recorded", d(2026, 3, 3)),
                        ev("referred", d(2026, 3, 4)),
                    ],
                    snapshot: snap.clone(),
                },
                "mediator1",
                now(),
            )
            .unwrap();
        assert_eq!(row.version, 4);
        assert_eq!(row.referred_body.as_deref(), Some("xm-arbitration"));
        assert_eq!(row.escalation, Some(EscalationLevel::Near));
        assert_eq!(s.ticket_sessions(t.id).unwrap(), snap.sessions);
        assert_eq!(s.ticket_referrals(t.id).unwrap(), snap.referrals);
        // An append decided on an old version is refused and writes nothing.
        let err = s
            .append_ticket_events(
                t.id,
                &TicketAppend {
                    expected_version: 1,
                    events: vec![ev("closed", d(2026, 3, 5))],
                    snapshot: snapshot(Phase::Closed),
                },
                "clerk",
                now(),
            )
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        let events = s.ticket_events(t.id).unwrap();
        assert_eq!(events.len(), 4);
        assert_eq!(events[3].actor, "mediator1");
        assert_eq!(s.audit_entries("ticket", &t.number).unwrap().len(), 3);
        assert!(
            db.raw_execute("UPDATE ticket_events SET kind = 'x'")
                .is_err()
        );
        assert!(db.raw_execute("DELETE FROM ticket_events").is_err());
    });
}

#[test]
fn a_partner_body_lists_only_what_was_referred_to_it_and_the_dashboard_counts() {
    each_backend(|db| {
        let s = &*db.store;
        let a = file(s, 1);
        let b = file(s, 2);
        let c = file(s, 3);
        let mut to_arbitration = snapshot(Phase::Referred);
        to_arbitration.referrals = vec![referral("xm-arbitration", ReferralStatus::Accepted)];
        s.append_ticket_events(
            a.id,
            &TicketAppend {
                expected_version: 1,
                events: vec![ev("referred", d(2026, 3, 4))],
                snapshot: to_arbitration,
            },
            "front",
            now(),
        )
        .unwrap();
        let mut closed = snapshot(Phase::Closed);
        closed.mediated = true;
        closed.settled = true;
        closed.deadline = None;
        closed.satisfaction = Some(Satisfaction::Satisfied);
        closed.closed_on = Some(d(2026, 3, 10));
        s.append_ticket_events(
            b.id,
            &TicketAppend {
                expected_version: 1,
                events: vec![ev("closed", d(2026, 3, 10))],
                snapshot: closed,
            },
            "mediator1",
            now(),
        )
        .unwrap();
        let arbitration = s
            .list_tickets(&TicketFilter {
                referred_to: Some("xm-arbitration".into()),
                ..TicketFilter::default()
            })
            .unwrap();
        assert_eq!(
            arbitration.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![a.id]
        );
        let inspection = s
            .list_tickets(&TicketFilter {
                referred_to: Some("xm-inspection".into()),
                ..TicketFilter::default()
            })
            .unwrap();
        assert!(inspection.is_empty());
        let open = s
            .list_tickets(&TicketFilter {
                open_only: true,
                ..TicketFilter::default()
            })
            .unwrap();
        assert_eq!(open.len(), 2);
        let mine = s
            .list_tickets(&TicketFilter {
                person: Some(resident(3)),
                ..TicketFilter::default()
            })
            .unwrap();
        assert_eq!(mine.iter().map(|t| t.id).collect::<Vec<_>>(), vec![c.id]);
        let stats = s.ticket_stats(d(2026, 3, 6)).unwrap();
        assert_eq!(stats.total, 3);
        assert_eq!(stats.open, 2);
        assert_eq!(stats.closed, 1);
        assert_eq!(stats.closed_on_time, 1);
        assert_eq!(stats.settled, 1);
        assert_eq!(stats.by_channel, vec![("qr_form".to_owned(), 3)]);
        assert_eq!(stats.by_month, vec![("2026-03".to_owned(), 3)]);
        // c is still due on 5 March, a too.
        assert_eq!(stats.overdue_now, 2);
    });
}

#[test]
fn a_service_centre_role_is_kept_beside_the_users_row() {
    each_backend(|db| {
        let s = &*db.store;
        let partner = s
            .create_user(
                &NewUser {
                    login: "arbitration".into(),
                    display_name: "仲裁院".into(),
                    role: "partner".into(),
                    unit: None,
                    person: None,
                    platform: None,
                    password_hash: None,
                    partner_body: Some("xm-arbitration".into()),
                },
                ACTOR,
                now(),
            )
            .unwrap();
        assert_eq!(partner.role, "partner");
        let back = s.user_by_login("arbitration").unwrap().unwrap();
        assert_eq!(back.role, "partner");
        assert_eq!(back.partner_body.as_deref(), Some("xm-arbitration"));
        let no_body = s.create_user(
            &NewUser {
                login: "p2".into(),
                display_name: "x".into(),
                role: "partner".into(),
                unit: None,
                person: None,
                platform: None,
                password_hash: None,
                partner_body: None,
            },
            ACTOR,
            now(),
        );
        assert_eq!(no_body.unwrap_err().code(), "invalid");
    });
}

#[test]
fn tickets_are_listed_by_the_bill_or_enrolment_they_are_about_and_a_review_keeps_its_answer() {
    each_backend(|db| {
        let s = &*db.store;
        let mut about_bill = new_ticket(1, Channel::UnitPage);
        about_bill.subject = Some((SubjectKind::Bill, "GS-BILL-1".into()));
        let mut about_enrolment = new_ticket(2, Channel::WorkerPage);
        about_enrolment.subject = Some((SubjectKind::Enrollment, "7".into()));
        let mut ids = Vec::new();
        for t in [about_bill, about_enrolment] {
            ids.push(
                s.create_ticket(
                    &t,
                    &TicketAppend {
                        expected_version: 0,
                        events: vec![ev("filed", d(2026, 3, 2))],
                        snapshot: snapshot(Phase::Received),
                    },
                    "unit:u1",
                    now(),
                )
                .unwrap(),
            );
        }
        let about = |kind, keys: &[&str]| {
            s.list_tickets(&TicketFilter {
                subject: Some((kind, keys.iter().map(|k| (*k).to_owned()).collect())),
                ..TicketFilter::default()
            })
            .unwrap()
            .into_iter()
            .map(|r| r.number)
            .collect::<Vec<_>>()
        };
        assert_eq!(
            about(SubjectKind::Bill, &["GS-BILL-1", "GS-BILL-2"]),
            vec![ids[0].number.clone()]
        );
        assert_eq!(
            about(SubjectKind::Enrollment, &["7"]),
            vec![ids[1].number.clone()]
        );
        // The same key under another kind is another subject.
        assert!(about(SubjectKind::Case, &["7"]).is_empty());
        assert!(about(SubjectKind::Bill, &[]).is_empty());
        // A mediation agreement sent for review: the body sees it, and its
        // answer is kept with the referral.
        let mut snap = snapshot(Phase::Settled);
        let mut review = referral("xm-arbitration", ReferralStatus::Concluded);
        review.purpose = ReferralPurpose::Review;
        review.confirmed = Some(true);
        review.outcome = Some("出具仲裁调解书".into());
        snap.referrals = vec![review.clone()];
        s.append_ticket_events(
            ids[0].id,
            &TicketAppend {
                expected_version: 1,
                events: vec![ev("review_requested", d(2026, 3, 4))],
                snapshot: snap,
            },
            "partner:arbitration",
            now(),
        )
        .unwrap();
        assert_eq!(s.ticket_referrals(ids[0].id).unwrap(), vec![review]);
        let inbox = s
            .list_tickets(&TicketFilter {
                referred_to: Some("xm-arbitration".into()),
                ..TicketFilter::default()
            })
            .unwrap();
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].referred_body.as_deref(), Some("xm-arbitration"));
    });
}
