//! Stored case events of every format ever written read back: the fixtures
//! under `test_data/events/v<N>/` are events as gongshang stored them; each
//! decodes with `cases::events::decode` and folds to the state its case row
//! showed. A change to the domain's types that breaks one of these needs a
//! new format and an upcaster, never an edit of a fixture.

use gongshang_app::cases::events::{DecodedEvent, decode};
use gongshang_domain::case::{CaseState, EventStream};
use gongshang_domain::{appraisal, confirmation, determination, insurer_claim};

#[test]
fn stored_events_of_format_1_read_back_and_fold_to_their_cases_state() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/events/v1");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    let mut streams = std::collections::BTreeSet::new();
    let mut checked = 0;
    for file in files {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(doc["format"], 1, "{}", file.display());
        for case in doc["cases"].as_array().unwrap() {
            let name = format!("{} {}", file.display(), case["case"]);
            let (mut d, mut a, mut c, mut k) = (
                Vec::<determination::Event>::new(),
                Vec::<appraisal::Event>::new(),
                Vec::<confirmation::Event>::new(),
                Vec::<insurer_claim::Event>::new(),
            );
            for e in case["events"].as_array().unwrap() {
                let stream: EventStream = e["stream"].as_str().unwrap().parse().unwrap();
                streams.insert(stream.as_str());
                let body = e["body"].to_string();
                match decode(stream, 1, &body).unwrap_or_else(|err| panic!("{name}: {err}")) {
                    DecodedEvent::Determination(x) => d.push(x),
                    DecodedEvent::Appraisal(x) => a.push(x),
                    DecodedEvent::Confirmation(x) => c.push(x),
                    DecodedEvent::Claim(x) => k.push(x),
                }
            }
            let a = appraisal::State::from_events(&a);
            let flow_state: CaseState = if !k.is_empty() {
                insurer_claim::State::from_events(&k).phase.into()
            } else if !c.is_empty() {
                confirmation::State::from_events(&c).phase.into()
            } else {
                determination::State::from_events(&d).phase.into()
            };
            let expected: CaseState = case["state"].as_str().unwrap().parse().unwrap();
            let shown = match (flow_state, a.pending.is_some(), a.history.is_empty()) {
                (CaseState::Decided | CaseState::Confirmed, true, _) => CaseState::AppraisalPending,
                (CaseState::Decided | CaseState::Confirmed, false, false) => CaseState::Appraised,
                (s, _, _) => s,
            };
            assert_eq!(shown, expected, "{name}");
            assert_eq!(
                a.history.len() as u64,
                case["appraisal_conclusions"].as_u64().unwrap(),
                "{name}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} cases");
    assert_eq!(
        streams.into_iter().collect::<Vec<_>>(),
        [
            "appraisal",
            "confirmation",
            "determination",
            "insurer_claim"
        ],
        "every stream has fixtures"
    );
}
