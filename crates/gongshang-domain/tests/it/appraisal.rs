//! 劳动能力鉴定: the cases of `test_data/appraisal/*.json` (one check()
//! helper) and properties over random command sequences.

use std::path::Path;

use gongshang_domain::appraisal::{Change, Command, Event, Level, State, deadlines, decide};
use gongshang_domain::holidays::HolidayCalendar;
use gongshang_rules::NursingLevel;
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use serde_json::Value;

use crate::determination::{run_folder, subset};
use crate::{proptest_config, seed};

fn calendar() -> &'static HolidayCalendar {
    static CAL: std::sync::OnceLock<HolidayCalendar> = std::sync::OnceLock::new();
    CAL.get_or_init(|| HolidayCalendar::embedded().expect("the shipped holiday files are valid"))
}

fn check(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let case: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let file = path.file_stem().unwrap().to_str().unwrap();
    if case["name"] != file {
        return Err(format!("name {} differs from the file name", case["name"]));
    }
    let mut state = State::default();
    let mut log: Vec<Event> = Vec::new();
    for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
        let at = format!("step {i}");
        let command: Command =
            serde_json::from_value(step["command"].clone()).map_err(|e| format!("{at}: {e}"))?;
        let now: Date = step["on"].as_str().unwrap().parse().unwrap();
        match (decide(&state, command, now, calendar()), &step["rejection"]) {
            (Ok(events), Value::Null) => {
                let got = serde_json::to_value(&events).unwrap();
                subset(&step["events"], &got, &format!("{at} events"))?;
                for e in &events {
                    state.apply(e);
                }
                log.extend(events);
            }
            (Ok(events), code) => {
                return Err(format!("{at}: expected rejection {code}, got {events:?}"));
            }
            (Err(r), Value::String(code)) if r.code() == code => {}
            (Err(r), _) => return Err(format!("{at}: rejected {}: {r}", r.code())),
        }
        if !step["deadlines"].is_null() {
            let got = serde_json::to_value(deadlines(&state, calendar()).unwrap()).unwrap();
            subset(&step["deadlines"], &got, &format!("{at} deadlines"))?;
        }
    }
    if State::from_events(&log) != state {
        return Err("replay gives another state".into());
    }
    let expected = &case["expected"];
    let grade = state.current_grade().map(|g| g.get());
    if expected["current_grade"].as_u64().map(|g| g as u8) != grade {
        return Err(format!(
            "current grade {grade:?}, expected {}",
            expected["current_grade"]
        ));
    }
    if let Some(n) = expected["history"].as_u64()
        && state.history.len() as u64 != n
    {
        return Err(format!("history of {} conclusions", state.history.len()));
    }
    if !expected["current_nursing"].is_null() {
        let got = serde_json::to_value(state.current_nursing()).unwrap();
        subset(&expected["current_nursing"], &got, "current_nursing")?;
    }
    if !expected["deadlines"].is_null() {
        let got = serde_json::to_value(deadlines(&state, calendar()).unwrap()).unwrap();
        subset(&expected["deadlines"], &got, "deadlines")?;
    }
    if let Some(from) = expected["review_possible_from"].as_str() {
        let got = state.review_possible_from().map(|d| d.to_string());
        if got.as_deref() != Some(from) {
            return Err(format!("review possible from {got:?}, expected {from}"));
        }
    }
    Ok(())
}

#[test]
fn cases_of_test_data() {
    let n = run_folder("appraisal", check);
    assert!(n >= 5, "{n} case files");
}

fn random_command(kind: u8, p: u8) -> Command {
    match kind % 7 {
        0 => Command::Apply,
        1 => Command::Extend {
            reason: "complex".into(),
        },
        2 | 6 => Command::Conclude {
            grade: match p % 12 {
                0 => None,
                11 => Some(11),
                g => Some(g),
            },
            nursing: if p.is_multiple_of(5) {
                Some(NursingLevel::Partly)
            } else {
                None
            },
        },
        3 => Command::Receive,
        4 => Command::ApplyReappraisal,
        _ => Command::ApplyReview,
    }
}

/// The grade in force is the latest conclusion's; a provincial conclusion is
/// never re-appraised; a re-appraisal is applied within 15 days of receipt
/// and a review a year or more after the conclusion; the history only grows;
/// replay gives the same state.
#[test]
fn properties_of_random_appraisal_sequences() {
    let mut runner = TestRunner::new(proptest_config());
    let steps = prop::collection::vec((0i64..40, any::<u8>(), any::<u8>()), 1..40);
    let result = runner.run(&steps, |steps| {
        let mut now = date(2024, 1, 8);
        let mut state = State::default();
        let mut log = Vec::new();
        for (wait, kind, p) in steps {
            now = now.checked_add(wait.days()).unwrap();
            let before = state.clone();
            let command = random_command(kind, p);
            let Ok(events) = decide(&before, command.clone(), now, calendar()) else {
                continue;
            };
            for e in &events {
                state.apply(e);
                if let Change::Applied { level, .. } = e.change {
                    let last = before.history.last();
                    if matches!(command, Command::ApplyReappraisal) {
                        prop_assert_eq!(level, Level::Provincial);
                        let c = last.unwrap();
                        prop_assert!(!c.is_final(), "a final conclusion re-appraised");
                        let received = before.received_on.last().copied().flatten().unwrap();
                        prop_assert!(
                            now <= calendar()
                                .next_working_day_on_or_after(
                                    received.checked_add(15.days()).unwrap()
                                )
                                .unwrap()
                        );
                    }
                    if matches!(command, Command::ApplyReview) {
                        let c = last.unwrap();
                        prop_assert!(now >= c.concluded_on.checked_add(1.year()).unwrap());
                    }
                }
            }
            log.extend(events);
            prop_assert!(state.history.len() >= before.history.len());
            prop_assert_eq!(
                state.current_grade(),
                state.history.last().and_then(|c| c.grade)
            );
            prop_assert_eq!(&state.history[..before.history.len()], &before.history[..]);
        }
        prop_assert_eq!(State::from_events(&log), state);
        Ok(())
    });
    if let Err(e) = result {
        panic!("seed {:#x}: {e}", seed());
    }
}

/// Order No. 55 (in force 2025-07-01): the limits are dated. Before it, no
/// completeness notice limit and no delivery limit; from it, 5 working days
/// (Art 10) and 15 days (Art 17), and the agency may apply for a review
/// (Art 20). An application of Friday 2025-07-04: the fifth working day after
/// it is Friday 2025-07-11.
#[test]
fn order55_limits_are_dated_and_the_completeness_notice_counts_working_days() {
    use gongshang_domain::appraisal::{completeness_notice_deadline, limits_on};
    let before = limits_on(date(2025, 6, 30));
    assert_eq!(before.completeness_notice_working_days, None);
    assert_eq!(before.delivery_days, None);
    assert!(!before.agency_may_apply_for_review);
    let after = limits_on(date(2025, 7, 1));
    assert_eq!(after.completeness_notice_working_days, Some(5));
    assert_eq!(after.delivery_days, Some(15));
    assert_eq!(
        (after.conclusion_days, after.conclusion_extension_days),
        (60, 30)
    );
    assert_eq!(after.reappraisal_application_days, 15);
    assert!(after.agency_may_apply_for_review);
    assert!(
        completeness_notice_deadline(date(2025, 6, 30), calendar())
            .unwrap()
            .is_none()
    );
    let due = completeness_notice_deadline(date(2025, 7, 4), calendar())
        .unwrap()
        .expect("Order 55 applies");
    assert_eq!(due.due, date(2025, 7, 11));
    assert!(due.working_days);
    assert_eq!(due.article, "劳动能力鉴定管理办法 Art 10");
}

/// Order 55 Art 12: an examination put off at the worker's request moves the
/// conclusion deadline by as many days. Applied 2025-07-10: 60 days is
/// 2025-09-08; put off 10 days: 2025-09-18.
#[test]
fn order55_art12_a_rescheduled_examination_moves_the_conclusion_deadline() {
    use gongshang_domain::appraisal::{Pending, rescheduled_conclusion_due};
    let pending = Pending {
        kind: gongshang_domain::appraisal::AppraisalKind::Initial,
        level: Level::City,
        applied_on: date(2025, 7, 10),
        extended: false,
        reappraisal_of: None,
    };
    let due = rescheduled_conclusion_due(&pending, 10, calendar()).unwrap();
    assert_eq!(due.due, date(2025, 9, 18));
    assert!(due.article.contains("Art 12"), "{}", due.article);
}

/// Order No. 55 Art 31 (劳动能力鉴定管理办法第三十一条): the conclusion in
/// force is revoked (none is in force afterwards) or corrected (a new
/// conclusion of the same dates with the corrected grade); a decision
/// without its number, dated before the conclusion or after today, or a
/// correction to the grade in force, is refused naming the field; an event
/// read back is the event written.
#[test]
fn order55_art31_revise_revokes_or_corrects_the_conclusion_in_force() {
    use gongshang_domain::appraisal::{Revision, RevisionDecision, revise};
    let mut state = State::default();
    for (cmd, on) in [
        (Command::Apply, date(2025, 8, 1)),
        (
            Command::Conclude {
                grade: Some(3),
                nursing: None,
            },
            date(2025, 10, 15),
        ),
    ] {
        for e in decide(&state, cmd, on, calendar()).unwrap() {
            state.apply(&e);
        }
    }
    let decision = RevisionDecision {
        reason: "forged records".into(),
        decision_no: "粤劳鉴撤〔2026〕3号".into(),
        decided_on: date(2026, 5, 20),
    };
    let today = date(2026, 6, 30);
    let refused = |d: RevisionDecision, r: Revision| match revise(&state, &r, &d, today) {
        Err(gongshang_domain::determination::Rejection::InvalidInput { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let no_number = RevisionDecision {
        decision_no: " ".into(),
        ..decision.clone()
    };
    assert_eq!(refused(no_number, Revision::Revoke), "decision_no");
    let before = RevisionDecision {
        decided_on: date(2025, 10, 14),
        ..decision.clone()
    };
    assert_eq!(refused(before, Revision::Revoke), "decided_on");
    let same = Revision::Correct {
        grade: Some(3),
        nursing: None,
    };
    assert_eq!(refused(decision.clone(), same), "grade");

    let revoked = revise(&state, &Revision::Revoke, &decision, today).unwrap();
    let back: Event = serde_json::from_value(serde_json::to_value(&revoked).unwrap()).unwrap();
    assert_eq!(back, revoked);
    let mut after = state.clone();
    after.apply(&revoked);
    assert!(after.current().is_none());
    assert_eq!(after.history.len(), 1, "the revoked conclusion is kept");

    let corrected = revise(
        &state,
        &Revision::Correct {
            grade: Some(4),
            nursing: None,
        },
        &decision,
        today,
    )
    .unwrap();
    let mut after = state.clone();
    after.apply(&corrected);
    let c = after.current().unwrap();
    assert_eq!((c.number, c.grade.map(|g| g.get())), (2, Some(4)));
    assert_eq!(c.concluded_on, date(2025, 10, 15));
    assert!(matches!(corrected.change, Change::Corrected { of: 1, .. }));
}
