//! 诉求 (tickets of the rights-protection service centre): the time limits
//! of `policies/xiamen/rights/service_centre.toml` through `decide()`, one
//! `check()` per limit, named after the article that sets it; then the
//! shape of the flow.

use gongshang_domain::determination::Rejection;
use gongshang_domain::holidays::HolidayCalendar;
use gongshang_domain::ticket::catalogue::ValueStatus;
use gongshang_domain::ticket::{
    Catalogue, Channel, Command, Confirmation, Context, DeadlineKind, EscalationLevel, Event,
    Phase, ReferralReport, Satisfaction, SessionChannel, SessionOutcome, State, deadlines, decide,
    due_escalations,
};
use jiff::civil::{Date, date};

fn calendar() -> &'static HolidayCalendar {
    static CAL: std::sync::OnceLock<HolidayCalendar> = std::sync::OnceLock::new();
    CAL.get_or_init(|| HolidayCalendar::embedded().expect("the shipped holiday files are valid"))
}

fn catalogue() -> &'static Catalogue {
    static CAT: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    CAT.get_or_init(|| Catalogue::embedded().expect("the shipped catalogue is valid"))
}

fn ctx() -> Context<'static> {
    Context {
        calendar: calendar(),
        catalogue: catalogue(),
    }
}

/// Applies each command on its day; panics with the step on a rejection.
fn run(steps: &[(Date, Command)]) -> (State, Vec<Event>) {
    let mut state = State::default();
    let mut log = Vec::new();
    for (i, (on, command)) in steps.iter().enumerate() {
        let events = decide(&state, command.clone(), *on, &ctx())
            .unwrap_or_else(|e| panic!("step {i} ({}) refused: {e}", command.name()));
        for e in &events {
            state.apply(e);
        }
        log.extend(events);
    }
    (state, log)
}

fn file(category: &str) -> Command {
    Command::File {
        channel: Channel::QrForm,
        category: category.into(),
        summary: "平台未按约定支付停工留薪期工资".into(),
        sensitive: true,
    }
}

fn triage(category: &str) -> Command {
    Command::Triage {
        category: category.into(),
        note: String::new(),
    }
}

fn session(on: Date, outcome: SessionOutcome) -> Command {
    Command::RecordSession {
        mediator: "mediator1".into(),
        held_on: on,
        channel: SessionChannel::Phone,
        outcome,
        note: String::new(),
    }
}

fn refer(body: &str, on: Date) -> Command {
    Command::Refer {
        body: body.into(),
        appointment_on: on,
        note: String::new(),
    }
}

fn report(report: ReferralReport) -> Command {
    Command::ReportReferral { report }
}

/// The running deadline of `kind` after `steps` is due on `due`.
fn check(name: &str, steps: &[(Date, Command)], kind: DeadlineKind, due: Date) {
    let (state, _) = run(steps);
    let running = deadlines(&state, calendar()).expect("deadlines");
    let found = running
        .iter()
        .find(|d| d.kind == kind)
        .unwrap_or_else(|| panic!("{name}: no {kind} deadline in {running:?}"));
    assert_eq!(found.due, due, "{name}: {found:?}");
}

#[test]
fn acceptance_within_3_working_days_order17_art22() {
    check(
        "a plain week",
        &[(date(2026, 3, 2), file("share_dispute"))],
        DeadlineKind::Acceptance,
        date(2026, 3, 5),
    );
    check(
        "across National Day: 8, 9 and the adjusted working Saturday 10 October",
        &[(date(2026, 9, 30), file("share_dispute"))],
        DeadlineKind::Acceptance,
        date(2026, 10, 10),
    );
}

#[test]
fn mediation_within_15_days_of_acceptance_order17_art27() {
    check(
        "share dispute accepted on 2 March",
        &[
            (date(2026, 3, 2), file("share_dispute")),
            (date(2026, 3, 2), triage("share_dispute")),
        ],
        DeadlineKind::Mediation,
        date(2026, 3, 17),
    );
}

#[test]
fn platform_worker_mediation_15_days_plus_at_most_15_by_consent() {
    let base = [
        (date(2026, 3, 2), file("platform_worker_dispute")),
        (date(2026, 3, 2), triage("platform_worker_dispute")),
        (
            date(2026, 3, 3),
            session(date(2026, 3, 3), SessionOutcome::Continued),
        ),
    ];
    check("15 days", &base, DeadlineKind::Mediation, date(2026, 3, 17));
    let mut extended = base.to_vec();
    extended.push((
        date(2026, 3, 10),
        Command::ExtendMediation {
            days: 15,
            reason: "双方同意延长".into(),
        },
    ));
    check(
        "15 + 15 days",
        &extended,
        DeadlineKind::Mediation,
        date(2026, 4, 1),
    );
    let (state, _) = run(&base);
    let too_long = decide(
        &state,
        Command::ExtendMediation {
            days: 16,
            reason: "双方同意延长".into(),
        },
        date(2026, 3, 10),
        &ctx(),
    );
    assert_eq!(too_long.unwrap_err().code(), "invalid_input");
    let (state, _) = run(&extended);
    let again = decide(
        &state,
        Command::ExtendMediation {
            days: 1,
            reason: "再延长".into(),
        },
        date(2026, 3, 11),
        &ctx(),
    );
    assert_eq!(again.unwrap_err().code(), "invalid_input");
}

#[test]
fn arbitration_accepts_within_5_days_art29_and_decides_within_45_plus_15_art43() {
    let referred = [
        (date(2026, 9, 30), file("share_dispute")),
        (date(2026, 9, 30), triage("share_dispute")),
        (
            date(2026, 9, 30),
            refer("xm-arbitration", date(2026, 9, 30)),
        ),
    ];
    check(
        "acceptance: 5 October is a holiday, so 8 October",
        &referred,
        DeadlineKind::ReferralAcceptance,
        date(2026, 10, 8),
    );
    let accepted = [
        (date(2026, 3, 2), file("share_dispute")),
        (date(2026, 3, 2), triage("share_dispute")),
        (date(2026, 3, 2), refer("xm-arbitration", date(2026, 3, 2))),
        (date(2026, 3, 2), report(ReferralReport::Accepted)),
    ];
    check(
        "award 45 days after acceptance",
        &accepted,
        DeadlineKind::ReferralDecision,
        date(2026, 4, 16),
    );
    let mut extended = accepted.to_vec();
    extended.push((
        date(2026, 4, 10),
        report(ReferralReport::Extended { days: 15 }),
    ));
    check(
        "45 + 15 days: 1 May is Labour Day, so 6 May",
        &extended,
        DeadlineKind::ReferralDecision,
        date(2026, 5, 6),
    );
    let (state, _) = run(&accepted);
    let too_long = decide(
        &state,
        report(ReferralReport::Extended { days: 16 }),
        date(2026, 4, 10),
        &ctx(),
    );
    assert_eq!(too_long.unwrap_err().code(), "invalid_input");
}

#[test]
fn labour_inspection_within_60_working_days_plus_30_art17() {
    let referred = [
        (date(2026, 3, 2), file("complaint")),
        (date(2026, 3, 2), triage("complaint")),
        (date(2026, 3, 2), refer("xm-inspection", date(2026, 3, 2))),
    ];
    check(
        "60 working days, Qingming and Labour Day off",
        &referred,
        DeadlineKind::ReferralDecision,
        date(2026, 5, 28),
    );
    let mut extended = referred.to_vec();
    extended.push((
        date(2026, 5, 20),
        report(ReferralReport::Extended { days: 30 }),
    ));
    check(
        "60 + 30 working days",
        &extended,
        DeadlineKind::ReferralDecision,
        date(2026, 7, 10),
    );
}

#[test]
fn arbitration_review_requested_within_15_days_of_agreement_order17_art29() {
    check(
        "agreement on 20 April, Labour Day moves the 5 May to 6 May",
        &[
            (date(2026, 4, 13), file("platform_worker_dispute")),
            (date(2026, 4, 13), triage("platform_worker_dispute")),
            (
                date(2026, 4, 20),
                session(date(2026, 4, 20), SessionOutcome::Agreed),
            ),
            (
                date(2026, 4, 20),
                Command::Settle {
                    agreement: "平台于五日内支付停工留薪期工资 3,000 元".into(),
                    confirmation: Confirmation::ArbitrationReview,
                },
            ),
        ],
        DeadlineKind::ReviewRequest,
        date(2026, 5, 6),
    );
}

#[test]
fn reopening_within_30_days_of_closing_assumed() {
    let closed = [
        (date(2026, 3, 2), file("consultation")),
        (date(2026, 3, 2), triage("consultation")),
        (
            date(2026, 3, 3),
            Command::Close {
                resolution: "已当场答复".into(),
                satisfaction: Satisfaction::Satisfied,
            },
        ),
    ];
    let (state, _) = run(&closed);
    let reopen = |on| {
        decide(
            &state,
            Command::Reopen {
                reason: "问题未解决".into(),
            },
            on,
            &ctx(),
        )
    };
    assert!(reopen(date(2026, 4, 2)).is_ok(), "30 days after closing");
    assert_eq!(
        reopen(date(2026, 4, 3)).unwrap_err().code(),
        "command_not_allowed"
    );
    assert_eq!(catalogue().reopen.status, ValueStatus::Assumed);
}

#[test]
fn escalation_when_the_acceptance_limit_is_near_then_passed() {
    let filed = [(date(2026, 3, 2), file("share_dispute"))];
    let (state, _) = run(&filed);
    // Due 5 March; near within 2 days.
    assert!(
        due_escalations(&state, calendar(), date(2026, 3, 2), 2)
            .unwrap()
            .is_empty()
    );
    let near = due_escalations(&state, calendar(), date(2026, 3, 3), 2).unwrap();
    assert_eq!(near.len(), 1);
    assert_eq!(near[0].1, EscalationLevel::Near);
    let mut steps = filed.to_vec();
    steps.push((
        date(2026, 3, 3),
        Command::Escalate {
            kind: DeadlineKind::Acceptance,
            level: EscalationLevel::Near,
        },
    ));
    let (state, _) = run(&steps);
    assert!(
        due_escalations(&state, calendar(), date(2026, 3, 4), 2)
            .unwrap()
            .is_empty(),
        "escalated once at a level"
    );
    let overdue = due_escalations(&state, calendar(), date(2026, 3, 6), 2).unwrap();
    assert_eq!(overdue[0].1, EscalationLevel::Overdue);
    let twice = decide(
        &state,
        Command::Escalate {
            kind: DeadlineKind::Acceptance,
            level: EscalationLevel::Near,
        },
        date(2026, 3, 4),
        &ctx(),
    );
    assert_eq!(twice.unwrap_err().code(), "command_not_allowed");
}

#[test]
fn a_settlement_needs_an_agreed_session_and_a_closing_a_resolution() {
    let mediating = [
        (date(2026, 3, 2), file("platform_worker_dispute")),
        (date(2026, 3, 2), triage("platform_worker_dispute")),
        (
            date(2026, 3, 3),
            session(date(2026, 3, 3), SessionOutcome::Failed),
        ),
    ];
    let (state, _) = run(&mediating);
    let settle = decide(
        &state,
        Command::Settle {
            agreement: "协议".into(),
            confirmation: Confirmation::None,
        },
        date(2026, 3, 3),
        &ctx(),
    );
    assert_eq!(settle.unwrap_err().code(), "command_not_allowed");
    let close = decide(
        &state,
        Command::Close {
            resolution: "  ".into(),
            satisfaction: Satisfaction::NoAnswer,
        },
        date(2026, 3, 3),
        &ctx(),
    );
    assert_eq!(close.unwrap_err().code(), "invalid_input");
}

#[test]
fn a_referral_comes_back_before_the_ticket_closes() {
    let referred = [
        (date(2026, 3, 2), file("share_dispute")),
        (date(2026, 3, 2), triage("share_dispute")),
        (date(2026, 3, 4), refer("xm-arbitration", date(2026, 3, 6))),
    ];
    let (state, _) = run(&referred);
    let close = Command::Close {
        resolution: "仲裁裁决".into(),
        satisfaction: Satisfaction::Satisfied,
    };
    assert_eq!(
        decide(&state, close.clone(), date(2026, 3, 5), &ctx())
            .unwrap_err()
            .code(),
        "command_not_allowed"
    );
    let mut steps = referred.to_vec();
    steps.push((date(2026, 3, 6), report(ReferralReport::Accepted)));
    steps.push((
        date(2026, 4, 10),
        report(ReferralReport::Concluded {
            outcome: "裁决平台支付 3,000 元".into(),
        }),
    ));
    steps.push((date(2026, 4, 11), close));
    let (state, log) = run(&steps);
    assert_eq!(state.phase, Some(Phase::Closed));
    assert!(deadlines(&state, calendar()).unwrap().is_empty());
    // Folding the events again gives the same state.
    assert_eq!(State::from_events(&log), state);
    // Events read back from JSON fold to the same state.
    let json = serde_json::to_string(&log).unwrap();
    let back: Vec<Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(State::from_events(&back), state);
}

#[test]
fn a_closed_ticket_accepts_nothing_but_reopening_and_a_sensitive_one_hides_the_complainant() {
    let (state, _) = run(&[(date(2026, 3, 2), file("complaint"))]);
    assert!(!state.complainant_visible_to_other_party());
    let (state, _) = run(&[
        (date(2026, 3, 2), file("complaint")),
        (date(2026, 3, 2), Command::ConsentToDisclosure),
    ]);
    assert!(state.complainant_visible_to_other_party());
    let (state, _) = run(&[
        (date(2026, 3, 2), file("consultation")),
        (date(2026, 3, 2), triage("consultation")),
        (
            date(2026, 3, 2),
            Command::Close {
                resolution: "已答复".into(),
                satisfaction: Satisfaction::NoAnswer,
            },
        ),
    ]);
    let r = decide(&state, triage("complaint"), date(2026, 3, 3), &ctx());
    assert_eq!(r.unwrap_err().code(), "case_closed");
}

#[test]
fn an_unknown_category_names_the_allowed_ones() {
    let r = decide(
        &State::default(),
        file("nonsense"),
        date(2026, 3, 2),
        &ctx(),
    );
    let e = r.unwrap_err();
    assert_eq!(e.code(), "input_out_of_range");
    assert!(e.to_string().contains("platform_worker_dispute"), "{e}");
}

#[test]
fn the_catalogue_marks_every_unconfirmed_value_and_has_the_service_points() {
    let c = catalogue();
    for cat in &c.categories {
        for l in std::iter::once(&cat.accept).chain(cat.mediation.as_ref()) {
            if l.status != ValueStatus::Confirmed {
                assert!(l.citation().ends_with("(assumed)"), "{}", cat.key);
            }
        }
    }
    assert!(c.districts().contains(&"思明区"));
    assert!(!c.service_points_in(Some("集美区")).is_empty());
    let bad = gongshang_domain::ticket::catalogue::EMBEDDED
        .replacen("priority = 3", "priority = 9", 1)
        .parse::<Catalogue>();
    assert!(bad.is_err(), "a priority out of range is refused");
}

fn settled_for(confirmation: Confirmation) -> Vec<(Date, Command)> {
    vec![
        (date(2026, 4, 13), file("platform_worker_dispute")),
        (date(2026, 4, 13), triage("platform_worker_dispute")),
        (
            date(2026, 4, 20),
            session(date(2026, 4, 20), SessionOutcome::Agreed),
        ),
        (
            date(2026, 4, 20),
            Command::Settle {
                agreement: "平台于五日内支付停工留薪期工资 3,000 元".into(),
                confirmation,
            },
        ),
    ]
}

fn request_review(body: &str, on: Date) -> Command {
    Command::RequestReview {
        body: body.into(),
        appointment_on: on,
        note: String::new(),
    }
}

#[test]
fn an_agreement_sent_for_arbitration_review_within_15_days_order17_art29_comes_back_confirmed() {
    let mut steps = settled_for(Confirmation::ArbitrationReview);
    steps.push((
        date(2026, 4, 24),
        request_review("xm-arbitration", date(2026, 4, 27)),
    ));
    let (state, _) = run(&steps);
    assert_eq!(state.phase, Some(Phase::Settled));
    assert!(state.running_review().is_some());
    // The request deadline stops; the review's own (assumed) limit runs.
    let running = deadlines(&state, calendar()).unwrap();
    assert_eq!(running.len(), 1, "{running:?}");
    assert_eq!(running[0].kind, DeadlineKind::ReviewDecision);
    assert_eq!(running[0].due, date(2026, 4, 29));
    // Nobody closes the ticket while the commission has the agreement.
    let close = Command::Close {
        resolution: "协议已确认".into(),
        satisfaction: Satisfaction::Satisfied,
    };
    assert_eq!(
        decide(&state, close.clone(), date(2026, 4, 25), &ctx())
            .unwrap_err()
            .code(),
        "command_not_allowed"
    );
    // A review is confirmed or not; it is not "concluded" like a dispute.
    assert!(
        decide(
            &state,
            report(ReferralReport::Concluded {
                outcome: "x".into()
            }),
            date(2026, 4, 25),
            &ctx()
        )
        .is_err()
    );
    steps.push((date(2026, 4, 27), report(ReferralReport::Accepted)));
    steps.push((
        date(2026, 4, 28),
        report(ReferralReport::Reviewed {
            confirmed: true,
            note: "出具仲裁调解书".into(),
        }),
    ));
    let (state, log) = run(&steps);
    let review = state.referrals.last().unwrap();
    assert_eq!(review.confirmed, Some(true));
    assert!(deadlines(&state, calendar()).unwrap().is_empty());
    // Confirmed once: it is not sent again.
    assert!(
        decide(
            &state,
            request_review("xm-arbitration", date(2026, 4, 29)),
            date(2026, 4, 29),
            &ctx()
        )
        .is_err()
    );
    steps.push((date(2026, 4, 29), close));
    let (closed, _) = run(&steps);
    assert_eq!(closed.phase, Some(Phase::Closed));
    assert_eq!(State::from_events(&log), state);
}

#[test]
fn arbitration_review_refused_after_the_15_days_of_order17_art29_and_only_by_a_commission() {
    let steps = settled_for(Confirmation::ArbitrationReview);
    let (state, _) = run(&steps);
    // 20 April + 15 days is 5 May, a holiday: 6 May is the last day.
    let late = decide(
        &state,
        request_review("xm-arbitration", date(2026, 5, 8)),
        date(2026, 5, 7),
        &ctx(),
    )
    .unwrap_err();
    assert_eq!(late.code(), "command_not_allowed");
    assert!(late.to_string().contains("2026-05-06"), "{late}");
    assert!(
        decide(
            &state,
            request_review("xm-arbitration", date(2026, 5, 6)),
            date(2026, 5, 6),
            &ctx()
        )
        .is_ok()
    );
    let wrong = decide(
        &state,
        request_review("xm-siming-court", date(2026, 4, 22)),
        date(2026, 4, 22),
        &ctx(),
    )
    .unwrap_err();
    assert!(
        matches!(wrong, Rejection::InvalidInput { field: "body", .. }),
        "{wrong}"
    );
    // Without the parties' wish, nothing is sent.
    let (plain, _) = run(&settled_for(Confirmation::None));
    assert!(
        decide(
            &plain,
            request_review("xm-arbitration", date(2026, 4, 22)),
            date(2026, 4, 22),
            &ctx()
        )
        .is_err()
    );
}

#[test]
fn a_court_that_does_not_confirm_the_agreement_says_why_and_the_ticket_closes() {
    let mut steps = settled_for(Confirmation::CourtConfirmation);
    steps.push((
        date(2026, 4, 21),
        request_review("xm-siming-court", date(2026, 4, 23)),
    ));
    let (state, _) = run(&steps);
    let empty = decide(
        &state,
        report(ReferralReport::Reviewed {
            confirmed: false,
            note: " ".into(),
        }),
        date(2026, 4, 30),
        &ctx(),
    )
    .unwrap_err();
    assert!(
        matches!(
            empty,
            Rejection::InvalidInput {
                field: "outcome",
                ..
            }
        ),
        "{empty}"
    );
    steps.push((
        date(2026, 4, 30),
        report(ReferralReport::Reviewed {
            confirmed: false,
            note: "协议内容超出调解范围，不予确认".into(),
        }),
    ));
    steps.push((
        date(2026, 4, 30),
        Command::Close {
            resolution: "法院不予确认，已告知可申请仲裁".into(),
            satisfaction: Satisfaction::Neutral,
        },
    ));
    let (state, _) = run(&steps);
    assert_eq!(state.phase, Some(Phase::Closed));
    assert_eq!(state.referrals.last().unwrap().confirmed, Some(false));
}
