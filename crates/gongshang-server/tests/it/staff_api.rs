//! The checker's side of awards over the API (issue 13), on SQLite and
//! PostgreSQL: the awards awaiting review, and a return with its reason,
//! by a second person only, through the one permission table.

use serde_json::json;

use crate::api_common::{each_backend, req};
use crate::flows::{computed_award, recognised_case};

#[test]
fn a_reviewer_lists_the_awards_awaiting_review_and_returns_one_with_a_reason() {
    each_backend(|s| {
        let f = &s.fixture;
        let (clerk, reviewer) = (s.token("clerk"), s.token("reviewer"));
        let number = "GS-2025-R1";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let award_id = computed_award(s, number);

        let waiting = s.send(req("GET", "/api/v1/awards/awaiting-review").bearer(reviewer));
        assert_eq!(waiting.status, 200, "{}", waiting.body);
        let listed = waiting.json();
        let row = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["award_id"] == award_id)
            .cloned()
            .unwrap_or_else(|| panic!("award {award_id} waits: {listed}"));
        assert_eq!(row["case_number"], number);
        assert_eq!(row["made_by"], "clerk:clerk");
        // The list and the return are the checker's (the one table).
        for who in ["clerk", "unit_a", "worker_1", "analyst"] {
            let r = s.send(req("GET", "/api/v1/awards/awaiting-review").bearer(s.token(who)));
            assert_eq!((r.status, r.code()), (403, "forbidden".into()), "{who}");
        }
        let by_clerk = s.send(
            req("POST", format!("/api/v1/awards/{award_id}/return"))
                .bearer(clerk)
                .json(&json!({"reason": "mine"})),
        );
        assert_eq!(
            (by_clerk.status, by_clerk.code()),
            (403, "forbidden".into())
        );
        // A reason is needed.
        let empty = s.send(
            req("POST", format!("/api/v1/awards/{award_id}/return"))
                .bearer(reviewer)
                .json(&json!({"reason": " "})),
        );
        assert_eq!(empty.status, 422, "{}", empty.body);
        assert_eq!(empty.json()["field"], "reason");
        // The administrator may not return what they made (maker-checker).
        let admin_award = {
            let r = s.send(
                req("POST", format!("/api/v1/cases/{number}/awards"))
                    .bearer(s.token("administrator"))
                    .json(&json!({"facts": {"own_wage": "8500.00", "suspension_months": 3}})),
            );
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()["award"]["id"].as_i64().unwrap()
        };
        let own = s.send(
            req("POST", format!("/api/v1/awards/{admin_award}/return"))
                .bearer(s.token("administrator"))
                .json(&json!({"reason": "mine"})),
        );
        assert_eq!((own.status, own.code()), (409, "maker_checker".into()));

        let back = s.send(
            req("POST", format!("/api/v1/awards/{award_id}/return"))
                .bearer(reviewer)
                .json(&json!({"reason": "the wage is a year's, not a month's"})),
        );
        assert_eq!(back.status, 200, "{}", back.body);
        assert_eq!(back.json()["returned_by"], "reviewer:reviewer");
        let award = s.send(req("GET", format!("/api/v1/awards/{award_id}")).bearer(clerk));
        assert_eq!(award.json()["award"]["status"], "withdrawn");
        let again = s.send(
            req("POST", format!("/api/v1/awards/{award_id}/return"))
                .bearer(reviewer)
                .json(&json!({"reason": "twice"})),
        );
        assert_eq!((again.status, again.code()), (409, "conflict".into()));
        let waiting = s.send(req("GET", "/api/v1/awards/awaiting-review").bearer(reviewer));
        assert!(
            !waiting
                .json()
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["award_id"] == award_id)
        );
    });
}

/// Issue 13: a second award beside an approved one is a `conflict` unless
/// the request names the approved award it replaces (`replaces`), and a
/// `basis` other than `initial`; the app enforces it for every caller.
#[test]
fn art26_an_approved_award_is_replaced_only_when_the_request_names_it() {
    each_backend(|s| {
        let f = &s.fixture;
        let (clerk, reviewer) = (s.token("clerk"), s.token("reviewer"));
        let number = "GS-2025-R2";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let award_id = computed_award(s, number);
        let ok = s.send(req("POST", format!("/api/v1/awards/{award_id}/approve")).bearer(reviewer));
        assert_eq!(ok.status, 200, "{}", ok.body);
        let facts = json!({"own_wage": "9000.00", "suspension_months": 3});
        let silent = s.send(
            req("POST", format!("/api/v1/cases/{number}/awards"))
                .bearer(clerk)
                .json(&json!({"facts": facts, "basis": "facts_corrected"})),
        );
        assert_eq!(
            (silent.status, silent.code()),
            (409, "conflict".into()),
            "{}",
            silent.body
        );
        let confirmed = s.send(
            req("POST", format!("/api/v1/cases/{number}/awards"))
                .bearer(clerk)
                .json(&json!({"facts": facts, "basis": "facts_corrected", "replaces": award_id})),
        );
        assert_eq!(confirmed.status, 201, "{}", confirmed.body);
        assert_eq!(confirmed.json()["award"]["status"], "proposed");
    });
}
