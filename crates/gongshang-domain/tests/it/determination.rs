//! 工伤认定: the cases of `test_data/determination/*.json` (one check()
//! helper), the platform confirmation and insurer-claim flows, and properties
//! of the state machine over random command sequences.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use gongshang_domain::CreditCode;
use gongshang_domain::confirmation::{self, ConfirmationLimits};
use gongshang_domain::deadline::DeadlineKind;
use gongshang_domain::determination::{
    AccidentKey, ApplicantRole, Application, Change, Command, Context, Event, Exclusion, Finding,
    Flow, Ground, InadmissibleReason, InsuredUnit, MaterialKind, NotRecognisedReason, Phase,
    SchemeKind, SchemeRef, State, days_left, deadlines, decide, work_queue,
};
use gongshang_domain::holidays::HolidayCalendar;
use gongshang_domain::insurer_claim::{self, ClaimLimits};
use gongshang_rules::Money;
use gongshang_rules::scheme::ClaimProcedure;
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

use crate::{policy, proptest_config, seed, test_data};

fn calendar() -> &'static HolidayCalendar {
    static CAL: std::sync::OnceLock<HolidayCalendar> = std::sync::OnceLock::new();
    CAL.get_or_init(|| HolidayCalendar::embedded().expect("the shipped holiday files are valid"))
}

/// `expected` is found in `actual`: objects by their keys, arrays element by
/// element with the same length, everything else equal.
pub fn subset(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                let at = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => subset(v, av, &at)?,
                    None if v.is_null() => {}
                    None => return Err(format!("{at}: missing in {actual}")),
                }
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset(ev, av, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        _ if expected == actual => Ok(()),
        _ => Err(format!("{path}: expected {expected}, got {actual}")),
    }
}

/// The application every case starts from; a step's `apply` overrides fields.
fn default_application() -> Value {
    json!({
        "command": "apply",
        "applicant": "unit",
        "accident_or_diagnosis_date": "2025-03-05",
        "filed_on": "2025-03-10",
        "materials": [{"kind": "application_form"}, {"kind": "labour_relation_proof"}, {"kind": "medical_diagnosis"}],
        "ground_claimed": "art14_1_work_accident",
        "insured_unit": {"credit_code": "91350100M000100Y43", "name": "厦门某物流有限公司"},
        "scheme": {"id": "national.employees", "kind": "regulations"},
        "covered_at_injury": true,
        "labour_relation_proof_needed": true,
        "accident_key": "A1"
    })
}

fn d(v: &Value) -> Date {
    v.as_str().expect("a date").parse().expect("a date")
}

/// Runs one case file: each step's events or rejection, and the expected
/// state, deadlines and days left at the end.
fn check(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let case: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let file = path.file_stem().unwrap().to_str().unwrap();
    if case["name"] != file {
        return Err(format!("name {} differs from the file name", case["name"]));
    }
    let recognised: BTreeSet<String> = case["recognised_accidents"]
        .as_array()
        .map(|a| a.iter().map(|k| k.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    let already = |k: &AccidentKey| recognised.contains(k.as_str());
    let ctx = Context {
        calendar: calendar(),
        already_recognised: &already,
    };
    let mut state = State::default();
    let mut log: Vec<Event> = Vec::new();
    for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
        let at = format!("step {i}");
        let command_json = match (&step["apply"], &step["command"]) {
            (Value::Object(over), _) => {
                let mut app = default_application();
                for (k, v) in over {
                    app[k] = v.clone();
                }
                app
            }
            (_, c) => c.clone(),
        };
        let command: Command = serde_json::from_value(command_json.clone())
            .map_err(|e| format!("{at}: command {command_json}: {e}"))?;
        let now = d(&step["on"]);
        match (decide(&state, command, now, &ctx), &step["rejection"]) {
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
    assert_eq!(State::from_events(&log), state, "{file}: replay");
    let expected = &case["expected"];
    if !expected["state"].is_null() {
        let got_state = serde_json::to_value(&state).unwrap();
        subset(&expected["state"], &got_state, "state")?;
    }
    if !expected["deadlines"].is_null() {
        let got = serde_json::to_value(deadlines(&state, calendar()).unwrap()).unwrap();
        subset(&expected["deadlines"], &got, "deadlines")?;
    }
    if let Some(pairs) = expected["days_left"].as_array() {
        for p in pairs {
            let today = d(&p[0]);
            let got = days_left(&state, calendar(), today).unwrap();
            if got != p[1].as_i64() {
                return Err(format!(
                    "days_left on {today}: expected {}, got {got:?}",
                    p[1]
                ));
            }
        }
    }
    Ok(())
}

fn data_files(folder: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(test_data().join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

pub fn run_folder(folder: &str, check: fn(&Path) -> Result<(), String>) -> usize {
    let files = data_files(folder);
    let failures: Vec<String> = files
        .iter()
        .filter_map(|p| {
            check(p)
                .err()
                .map(|e| format!("{}: {e}", p.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    files.len()
}

#[test]
fn cases_of_test_data() {
    let n = run_folder("determination", check);
    assert!(n >= 15, "{n} case files");
}

#[test]
fn the_flow_follows_the_schemes_claim_procedure() {
    let policy = policy();
    let kind = |id: &str| {
        let scheme = policy
            .schemes()
            .find(|s| s.id.as_str() == id)
            .unwrap_or_else(|| panic!("scheme {id}"));
        (
            SchemeKind::of(scheme),
            Flow::for_procedure(scheme.claim_procedure),
        )
    };
    assert_eq!(
        kind("national.employees"),
        (SchemeKind::Regulations, Flow::Determination)
    );
    assert_eq!(
        kind("guangdong.specific_persons"),
        (SchemeKind::SingleRisk, Flow::Determination)
    );
    assert_eq!(
        kind("national.platform_occupational_injury"),
        (SchemeKind::Platform, Flow::Confirmation)
    );
    assert_eq!(
        kind("xiamen.yilubao"),
        (SchemeKind::Insurer, Flow::InsurerClaim)
    );
    assert_eq!(
        Flow::for_procedure(ClaimProcedure::InsurerClaim),
        Flow::InsurerClaim
    );
}

fn case_accepted_on(accepted: Date, key: &str) -> State {
    let app: Application = serde_json::from_value({
        let mut a = default_application();
        a["accident_key"] = json!(key);
        a["filed_on"] = json!(accepted.to_string());
        a["accident_or_diagnosis_date"] = json!(accepted.to_string());
        a.as_object_mut().unwrap().remove("command");
        a
    })
    .unwrap();
    let never = |_: &AccidentKey| false;
    let ctx = Context {
        calendar: calendar(),
        already_recognised: &never,
    };
    let mut s = State::default();
    for c in [Command::Apply(app), Command::Accept] {
        for e in decide(&s, c, accepted, &ctx).unwrap_or_else(|r| panic!("{r}")) {
            s.apply(&e);
        }
    }
    s
}

#[test]
fn work_queue_lists_overdue_cases_first_then_by_days_left() {
    let a = case_accepted_on(date(2025, 3, 14), "A"); // due 2025-05-13
    let b = case_accepted_on(date(2025, 4, 1), "B"); // due 2025-05-31 -> 06-03
    let c = case_accepted_on(date(2025, 2, 10), "C"); // due 2025-04-11
    let closed = {
        let mut s = case_accepted_on(date(2025, 2, 10), "D");
        s.apply(&Event {
            on: date(2025, 2, 11),
            change: Change::Withdrawn,
        });
        s
    };
    let today = date(2025, 5, 1);
    let queue = work_queue(
        [("a", &a), ("b", &b), ("c", &c), ("d", &closed)],
        calendar(),
        today,
    )
    .unwrap();
    let order: Vec<(&str, i64, bool)> = queue
        .iter()
        .map(|q| (q.case, q.days_left, q.overdue))
        .collect();
    assert_eq!(
        order,
        vec![("c", -20, true), ("a", 12, false), ("b", 33, false)]
    );
    assert!(
        queue
            .iter()
            .all(|q| q.deadline.kind == DeadlineKind::Decision)
    );
}

// ---- the platform confirmation and the insurer claim ---------------------------

fn platform_limits() -> ConfirmationLimits {
    ConfirmationLimits {
        platform_days: 30,
        worker_days: 90,
        decision_days: 30,
        decision_in_working_days: true,
        source: "assumed (INF): policy-reference §8, low-authority app text".into(),
    }
}

fn confirmation_application(applicant: &str, filed_on: &str, covered: bool) -> Value {
    json!({
        "command": "apply",
        "applicant": applicant,
        "injury_date": "2025-09-01",
        "filed_on": filed_on,
        "platform": "meituan",
        "scheme_id": "national.platform_occupational_injury",
        "covered_at_injury": covered,
        "accident_key": "P1"
    })
}

#[test]
fn platform_confirmation_follows_the_limits_passed_in() {
    let limits = platform_limits();
    let never = |_: &AccidentKey| false;
    let ctx = confirmation::Context {
        calendar: calendar(),
        limits: &limits,
        already_confirmed: &never,
    };
    let run = |steps: &[(&str, Value)]| -> Result<confirmation::State, String> {
        let mut s = confirmation::State::default();
        for (on, c) in steps {
            let c: confirmation::Command = serde_json::from_value(c.clone()).unwrap();
            let events = confirmation::decide(&s, c, on.parse().unwrap(), &ctx)
                .map_err(|r| r.code().to_owned())?;
            for e in &events {
                s.apply(e);
            }
        }
        Ok(s)
    };
    // The worker within 90 days; the 30 working days from 2025-09-05 cross
    // the National Day holiday (10-01..08; 09-28 and 10-11 worked).
    let s = run(&[(
        "2025-09-05",
        confirmation_application("worker", "2025-09-05", true),
    )])
    .unwrap();
    assert_eq!(s.phase, confirmation::Phase::UnderReview);
    let dl = confirmation::deadlines(&s, calendar()).unwrap();
    assert_eq!(dl[0].kind, DeadlineKind::ConfirmationDecision);
    assert_eq!(dl[0].due, date(2025, 10, 23));
    // After the worker's 90 days (day 90 is Sunday 11-30, so 12-01):
    // inadmissible.
    let s = run(&[(
        "2025-12-01",
        confirmation_application("worker", "2025-12-01", true),
    )])
    .unwrap();
    assert_eq!(s.phase, confirmation::Phase::UnderReview);
    let s = run(&[(
        "2025-12-02",
        confirmation_application("worker", "2025-12-02", true),
    )])
    .unwrap();
    assert_eq!(s.phase, confirmation::Phase::Rejected);
    // Not covered at the moment of injury: inadmissible.
    let s = run(&[(
        "2025-09-02",
        confirmation_application("platform", "2025-09-02", false),
    )])
    .unwrap();
    assert_eq!(s.phase, confirmation::Phase::Rejected);
    // The platform late: admitted, recorded; confirmed; closed afterwards.
    let s = run(&[
        (
            "2025-10-20",
            confirmation_application("platform", "2025-10-20", true),
        ),
        (
            "2025-10-21",
            json!({"command": "confirm", "ground": "art14_1_work_accident"}),
        ),
    ])
    .unwrap();
    assert_eq!(s.phase, confirmation::Phase::Confirmed);
    // Day 30 is 10-01, a National Day holiday: the last day is 10-09.
    assert_eq!(s.late_platform_days, Some(11));
    let again = confirmation::decide(
        &s,
        confirmation::Command::Withdraw,
        date(2025, 10, 22),
        &ctx,
    );
    assert_eq!(again.unwrap_err().code(), "case_closed");
    // An accident confirmed elsewhere is not confirmed again.
    let yes = |_: &AccidentKey| true;
    let ctx2 = confirmation::Context {
        already_confirmed: &yes,
        ..ctx
    };
    let mut s = confirmation::State::default();
    let c: confirmation::Command =
        serde_json::from_value(confirmation_application("worker", "2025-09-05", true)).unwrap();
    for e in confirmation::decide(&s, c, date(2025, 9, 5), &ctx2).unwrap() {
        s.apply(&e);
    }
    assert_eq!(s.phase, confirmation::Phase::Rejected);
}

#[test]
fn insurer_claim_pays_within_the_cap() {
    let limits = ClaimLimits {
        claim_days: 30,
        review_days: 10,
        payout_days: 10,
        source: "illustrative: the insurer's terms are not known (policy-reference §7)".into(),
    };
    let claim = |claimed: i64, paid_before: i64, covered: bool| {
        insurer_claim::Command::Claim(insurer_claim::Claim {
            accident_date: date(2025, 3, 3),
            filed_on: date(2025, 3, 10),
            scheme_id: "xiamen.yilubao".parse().unwrap(),
            covered_on_accident_day: covered,
            accident_key: AccidentKey::parse("Y1").unwrap(),
            claimed: Money::from_yuan(claimed),
            cap: Money::from_yuan(400_000),
            paid_before_for_accident: Money::from_yuan(paid_before),
        })
    };
    let step = |s: &mut insurer_claim::State, c, on: Date| {
        insurer_claim::decide(s, c, on, calendar(), &limits).map(|events| {
            for e in &events {
                s.apply(e);
            }
        })
    };
    let mut s = insurer_claim::State::default();
    step(&mut s, claim(50_000, 380_000, true), date(2025, 3, 10)).unwrap();
    assert_eq!(s.phase, insurer_claim::Phase::UnderReview);
    assert_eq!(
        insurer_claim::deadlines(&s, calendar()).unwrap()[0].due,
        date(2025, 3, 20)
    );
    // Only 20,000 of the 400,000 cap is left for the accident.
    assert_eq!(s.approvable(), Money::from_yuan(20_000));
    let over = insurer_claim::Command::Approve {
        amount: Money::from_yuan(20_001),
    };
    assert_eq!(
        step(&mut s, over, date(2025, 3, 12)).unwrap_err().code(),
        "invalid_input"
    );
    let ok = insurer_claim::Command::Approve {
        amount: Money::from_yuan(20_000),
    };
    step(&mut s, ok, date(2025, 3, 12)).unwrap();
    let pay = |y| insurer_claim::Command::Pay {
        amount: Money::from_yuan(y),
    };
    step(&mut s, pay(15_000), date(2025, 3, 14)).unwrap();
    assert_eq!(
        step(&mut s, pay(6_000), date(2025, 3, 15))
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    step(&mut s, pay(5_000), date(2025, 3, 15)).unwrap();
    assert_eq!(s.phase, insurer_claim::Phase::Paid);
    assert_eq!(
        step(&mut s, pay(1), date(2025, 3, 16)).unwrap_err().code(),
        "case_closed"
    );
    // Not covered on the day: rejected; the cap used up: rejected.
    for (c, phase) in [
        (claim(1_000, 0, false), insurer_claim::Phase::Rejected),
        (claim(1_000, 400_000, true), insurer_claim::Phase::Rejected),
    ] {
        let mut s = insurer_claim::State::default();
        step(&mut s, c, date(2025, 3, 10)).unwrap();
        assert_eq!(s.phase, phase);
    }
}

// ---- properties ---------------------------------------------------------------

/// One random step: days to wait, which command, and a parameter.
type Step = (i64, u8, u8);

fn random_application(p: u8, q: u8, accident: Date, filed_on: Date) -> Application {
    let applicant = match p % 4 {
        0 => ApplicantRole::Unit,
        1 => ApplicantRole::Worker,
        2 => ApplicantRole::CloseRelative,
        _ => ApplicantRole::Union,
    };
    let single_risk = q.is_multiple_of(3);
    let covered = !q.is_multiple_of(5);
    let mut materials = BTreeSet::from([MaterialKind::ApplicationForm]);
    if !p.is_multiple_of(3) {
        materials.insert(MaterialKind::MedicalDiagnosis);
    }
    if !p.is_multiple_of(5) {
        materials.insert(MaterialKind::LabourRelationProof);
    }
    Application {
        applicant,
        accident_or_diagnosis_date: accident,
        filed_on,
        materials,
        ground_claimed: if q.is_multiple_of(2) {
            Ground::Art14WorkAccident
        } else {
            Ground::Art14Commuting
        },
        insured_unit: InsuredUnit {
            credit_code: CreditCode::parse("91350100M000100Y43").unwrap(),
            name: "厦门某物流有限公司".into(),
        },
        scheme: SchemeRef {
            id: if single_risk {
                "guangdong.specific_persons".parse().unwrap()
            } else {
                "national.employees".parse().unwrap()
            },
            kind: if single_risk {
                SchemeKind::SingleRisk
            } else {
                SchemeKind::Regulations
            },
        },
        covered_at_injury: covered,
        labour_relation_proof_needed: !single_risk,
        accident_key: AccidentKey::parse(["K1", "K2"][usize::from(q % 2)]).unwrap(),
        intern_school: None,
    }
}

fn random_command(kind: u8, p: u8, now: Date, accident: Date) -> Command {
    match kind % 16 {
        0 => {
            let filed = now;
            Command::Apply(random_application(p, p / 7, accident, filed))
        }
        1 => Command::RequestMaterials {
            missing: vec![if p.is_multiple_of(2) {
                MaterialKind::LabourRelationProof
            } else {
                MaterialKind::MedicalDiagnosis
            }],
        },
        2 => Command::SupplyMaterials {
            materials: vec![
                MaterialKind::ApplicationForm,
                MaterialKind::MedicalDiagnosis,
                MaterialKind::LabourRelationProof,
            ],
        },
        3 | 15 => Command::Accept,
        4 => Command::RejectApplication {
            reason: InadmissibleReason::Other {
                explanation: "not competent".into(),
            },
        },
        5 => Command::StartInvestigation,
        6 => Command::UnitDisputes,
        7 => Command::Suspend {
            authority: gongshang_domain::determination::Authority::Court,
            reason: "awaiting a judgment".into(),
        },
        8 | 14 => Command::Resume,
        9 if p.is_multiple_of(4) => Command::Withdraw,
        10 if p.is_multiple_of(4) => Command::TerminateNoGrounds,
        11 | 9 => Command::Decide {
            finding: Finding::Recognised {
                ground: Ground::Art14WorkAccident,
            },
        },
        12 | 10 => Command::Decide {
            finding: Finding::NotRecognised {
                reason: NotRecognisedReason::Excluded {
                    exclusion: Exclusion::DrunkennessOrDrugs,
                },
            },
        },
        _ => {
            if p.is_multiple_of(2) {
                Command::MarkSimpleCase
            } else {
                Command::Deliver
            }
        }
    }
}

/// Runs a sequence over several cases sharing accident keys; returns each
/// case's events. Checks the per-step invariants on the way.
fn run_cases(accident_offset: i64, steps: &[(u8, Step)]) -> Result<Vec<Vec<Event>>, String> {
    let accident = date(2024, 6, 3)
        .checked_add(accident_offset.days())
        .unwrap();
    let mut now = accident;
    let mut states = vec![State::default(); 3];
    let mut logs: Vec<Vec<Event>> = vec![Vec::new(); 3];
    let mut recognised: BTreeSet<AccidentKey> = BTreeSet::new();
    for (case, (wait, kind, p)) in steps {
        let i = usize::from(*case % 3);
        now = now.checked_add(wait.days()).unwrap();
        // Every case starts with an application.
        let command = if states[i].phase == Phase::NotFiled && !kind.is_multiple_of(3) {
            random_command(0, *p, now, accident)
        } else {
            random_command(*kind, *p, now, accident)
        };
        let before = states[i].clone();
        let already = |k: &AccidentKey| recognised.contains(k);
        let ctx = Context {
            calendar: calendar(),
            already_recognised: &already,
        };
        let result = decide(&before, command.clone(), now, &ctx);
        // Nothing leaves a closed state: a closed case refuses everything but
        // the one delivery of a decision, and its outcome never changes.
        if before.phase.is_closed() {
            match &result {
                Err(_) => {}
                Ok(events) => {
                    let only_delivery = before.phase == Phase::Decided
                        && before.delivered_on.is_none()
                        && events
                            .iter()
                            .all(|e| matches!(e.change, Change::Delivered { .. }));
                    if !only_delivery {
                        return Err(format!(
                            "closed {:?} accepted {} -> {events:?}",
                            before.phase,
                            command.name()
                        ));
                    }
                }
            }
        }
        let Ok(events) = result else { continue };
        for e in &events {
            if e.on != now {
                return Err(format!("event dated {} on {now}", e.on));
            }
            states[i].apply(e);
            if let Change::Decided { decision } = &e.change
                && let Finding::Recognised { .. } = decision.finding
                && !recognised.insert(decision.accident_key.clone())
            {
                return Err(format!("{} recognised twice", decision.accident_key));
            }
        }
        logs[i].extend(events);
        if before.phase.is_closed() {
            let mut after = states[i].clone();
            after.delivered_on = before.delivered_on;
            after.last_event_on = before.last_event_on;
            after.events = before.events;
            if after != before {
                return Err("a closed case changed".into());
            }
        }
        check_deadlines_come_from_their_events(&states[i], &logs[i])?;
    }
    for (state, log) in states.iter().zip(&logs) {
        // Replay determinism, also through the stored (JSON) form.
        if &State::from_events(log) != state {
            return Err("folding the events again gives another state".into());
        }
        let json = serde_json::to_string(log).unwrap();
        let back: Vec<Event> = serde_json::from_str(&json).map_err(|e| e.to_string())?;
        if &State::from_events(&back) != state {
            return Err("folding the stored events gives another state".into());
        }
    }
    Ok(logs)
}

/// Each running deadline runs from the event that starts it, and the decision
/// period counts no suspended day.
fn check_deadlines_come_from_their_events(state: &State, log: &[Event]) -> Result<(), String> {
    let last = |f: &dyn Fn(&Change) -> bool| log.iter().rev().find(|e| f(&e.change)).map(|e| e.on);
    let review_from = log.iter().rev().find_map(|e| match &e.change {
        Change::Filed { application } => Some(application.filed_on),
        Change::MaterialsCompleted => Some(e.on),
        _ => None,
    });
    let accepted = last(&|c| matches!(c, Change::Accepted));
    let decided = last(&|c| matches!(c, Change::Decided { .. }));
    for dl in deadlines(state, calendar()).map_err(|e| e.to_string())? {
        let expected_from = match dl.kind {
            DeadlineKind::CompletenessReview => review_from,
            DeadlineKind::Decision => accepted,
            DeadlineKind::Delivery => decided,
            other => return Err(format!("unexpected deadline {other:?}")),
        };
        if Some(dl.from) != expected_from {
            return Err(format!(
                "{:?} runs from {} but the event was on {expected_from:?}",
                dl.kind, dl.from
            ));
        }
        if dl.due < dl.last_day_unadjusted
            || calendar().next_working_day_on_or_after(dl.last_day_unadjusted) != Ok(dl.due)
        {
            return Err(format!("{dl:?} is not moved to the next working day"));
        }
        if dl.kind == DeadlineKind::Decision {
            // Count the days after acceptance up to the last day, leaving out
            // every day from a suspension up to its resumption.
            let suspended: Vec<(Date, Date)> = log
                .iter()
                .filter_map(|e| match e.change {
                    Change::Suspended { .. } => Some(e.on),
                    _ => None,
                })
                .zip(log.iter().filter_map(|e| match e.change {
                    Change::Resumed { .. } => Some(e.on),
                    _ => None,
                }))
                .collect();
            let mut counted = 0;
            let mut day = dl.from;
            while day < dl.last_day_unadjusted {
                day = day.tomorrow().unwrap();
                if !suspended.iter().any(|(s, r)| *s <= day && day < *r) {
                    counted += 1;
                }
            }
            let period = if state.simple_case { 15 } else { 60 };
            if counted != period || dl.period_days != period {
                return Err(format!(
                    "the decision period counts {counted} days, not {period}: {dl:?}, suspensions {suspended:?}"
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn properties_of_random_command_sequences() {
    let mut runner = TestRunner::new(proptest_config());
    let steps = prop::collection::vec((any::<u8>(), (0i64..12, any::<u8>(), any::<u8>())), 1..60);
    let result = runner.run(&(0i64..500, steps), |(offset, steps)| {
        run_cases(offset, &steps).map_err(TestCaseError::fail)?;
        Ok(())
    });
    if let Err(e) = result {
        panic!("seed {:#x}: {e}", seed());
    }
}

/// The random sequences reach every phase and the interesting events, so the
/// properties above are not vacuous.
#[test]
fn random_sequences_reach_every_phase() {
    let mut runner = TestRunner::new(proptest_config());
    let strategy = (
        0i64..500,
        prop::collection::vec((any::<u8>(), (0i64..12, any::<u8>(), any::<u8>())), 1..60),
    );
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    for _ in 0..256 {
        let (offset, steps) = strategy.new_tree(&mut runner).unwrap().current();
        for log in run_cases(offset, &steps).unwrap_or_else(|e| panic!("{e}")) {
            for e in &log {
                *seen.entry(e.change.name()).or_default() += 1;
            }
        }
    }
    for name in [
        "filed",
        "late_unit_filing",
        "materials_requested",
        "materials_completed",
        "accepted",
        "application_rejected",
        "suspended",
        "resumed",
        "withdrawn",
        "terminated_no_grounds",
        "simple_case_marked",
        "decided",
        "delivered",
        "burden_of_proof_on_unit",
    ] {
        assert!(seen.contains_key(name), "never reached {name}: {seen:?}");
    }
}

#[test]
fn a_withdrawn_accident_may_be_filed_again_as_a_new_case() {
    let first = {
        let mut s = case_accepted_on(date(2025, 3, 14), "W1");
        s.apply(&Event {
            on: date(2025, 3, 20),
            change: Change::Withdrawn,
        });
        s
    };
    assert_eq!(first.phase, Phase::Withdrawn);
    let again = case_accepted_on(date(2025, 3, 24), "W1");
    assert_eq!(again.phase, Phase::Accepted);
}
