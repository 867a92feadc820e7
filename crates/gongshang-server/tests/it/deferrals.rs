//! An approved deferral of premiums (缓缴; 人社厅发〔2022〕16号, 人社部发
//! 〔2022〕31号) over HTTP, on SQLite and PostgreSQL: recorded by a clerk
//! (never by the unit), refused with its field, read back by the unit, and
//! honoured by a case's payers; revoked once. Today (API) is 2025-07-01.

use serde_json::json;

use crate::api_common::{each_backend, req};
use crate::flows::recognised_case;

/// Unit A declared January 2025 (due in February) and had not paid it on
/// the accident day, 2025-03-10, but January to March 2025 were deferred
/// to 2025-12-31: no arrears, the fund pays; nor is the bill overdue in
/// the dashboard's arrears (`/stats/overview`) or the monitoring grading
/// (`/monitor/grading`) today. Revoked, the unit is in arrears again, in
/// all three.
#[test]
fn mohrss_2022_16_the_api_records_a_deferral_and_the_fund_pays() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let a = f.unit_a.as_str();
        let declaration = json!({
            "unit": a, "scheme_id": "guangdong.employees", "month": "2025-01",
            "lines": [{"resident_id": f.person_1.as_str(), "wage": "8000"}]
        });
        let r = s.send(
            req("POST", "/api/v1/declarations")
                .bearer(clerk)
                .header("Idempotency-Key", "decl-defer")
                .json(&declaration),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let number = "GS-2025-DEF";
        recognised_case(s, number, a, f.person_1.as_str());
        // (bills in arrears, arrears in fen) of the dashboard, and unit A's
        // (overdue bills, outstanding in fen) in the grading, today.
        let overdue = || {
            let r = s.send(req("GET", "/api/v1/stats/overview").bearer(clerk));
            assert_eq!(r.status, 200, "{}", r.body);
            let dashboard = (
                r.json()["arrears_bills"].as_i64().unwrap(),
                r.json()["arrears_fen"].as_i64().unwrap(),
            );
            let r = s.send(req("GET", "/api/v1/monitor/grading?as_of=2025-07-01").bearer(clerk));
            assert_eq!(r.status, 200, "{}", r.body);
            let graded = r.json()["graded"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["subject_key"] == a)
                .map(|g| {
                    (
                        g["overdue_bills"].as_i64().unwrap(),
                        g["outstanding_fen"].as_i64().unwrap(),
                    )
                })
                .unwrap_or((0, 0));
            (dashboard, graded)
        };
        let before = overdue();
        assert!(before.1.0 >= 1, "unit A is overdue: {before:?}");

        let path = format!("/api/v1/units/{a}/deferrals");
        let body = json!({
            "scheme_id": "guangdong.employees", "first_period": "2025-01",
            "last_period": "2025-03", "repay_by": "2025-12-31",
            "instrument": "人社厅发〔2022〕16号", "approved_on": "2025-02-20"
        });
        let r = s.send(req("POST", &path).bearer(s.token("unit_a")).json(&body));
        assert_eq!(r.status, 403, "{}", r.body);
        let mut early = body.clone();
        early["repay_by"] = json!("2025-03-31");
        let r = s.send(req("POST", &path).bearer(clerk).json(&early));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("repay_by".into())),
            "{}",
            r.body
        );
        let mut bad_month = body.clone();
        bad_month["first_period"] = json!("2025-13");
        let r = s.send(req("POST", &path).bearer(clerk).json(&bad_month));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("first_period".into())),
            "{}",
            r.body
        );
        let r = s.send(req("POST", &path).bearer(clerk).json(&body));
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        assert_eq!(r.json()["repay_by"], "2025-12-31");
        assert_eq!(r.json()["recorded_by"], "clerk:clerk");
        let r = s.send(req("POST", &path).bearer(clerk).json(&body));
        assert_eq!(r.status, 409, "{}", r.body);
        let r = s.send(req("GET", &path).bearer(s.token("unit_a")));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json().as_array().unwrap().len(), 1);

        let payers_path = format!("/api/v1/cases/{number}/payers");
        let r = s.send(req("GET", &payers_path).bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["uninsured"], false, "{}", r.body);
        assert_eq!(r.json()["ground"], serde_json::Value::Null);
        // Unit A's bills (all of the deferred months) count in neither the
        // dashboard nor the grading while deferred.
        let deferred = overdue();
        assert_eq!(
            deferred,
            ((before.0.0 - before.1.0, before.0.1 - before.1.1), (0, 0)),
            "{before:?} -> {deferred:?}"
        );

        let revoke = format!("/api/v1/deferrals/{id}/revocation");
        let reason = json!({"revoked_on": "2025-06-30", "reason": "the unit did not qualify"});
        let r = s.send(req("POST", &revoke).bearer(s.token("unit_a")).json(&reason));
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(req("POST", &revoke).bearer(clerk).json(&reason));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["revocation"]["revoked_on"], "2025-06-30");
        let r = s.send(req("POST", &revoke).bearer(clerk).json(&reason));
        assert_eq!(r.status, 409, "{}", r.body);
        let r = s.send(req("GET", &payers_path).bearer(clerk));
        assert_eq!(r.json()["ground"], "in_arrears", "{}", r.body);
        assert_eq!(
            r.json()["arrears"]["bills"][0]["deferred_to"],
            serde_json::Value::Null
        );
        assert_eq!(overdue(), before, "a revoked deferral counts for nothing");
    });
}

/// `/api/v1/bills` and `/api/v1/bills/{id}` carry a deferred bill's
/// repayment day (`deferred_to`) and the day it is due in fact
/// (`effective_due_date`, the later of its own due date and that day): unit
/// A's January 2025 deferred to 2025-12-31 is due then; its April, outside
/// the deferral, has no `deferred_to` and is due on its own day, as is
/// January again once the deferral is revoked.
#[test]
fn mohrss_2022_16_the_bills_api_shows_deferred_to_and_the_effective_due_date() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let a = f.unit_a.as_str();
        let declare = |month: &str| {
            let declaration = json!({
                "unit": a, "scheme_id": "guangdong.employees", "month": month,
                "lines": [{"resident_id": f.person_1.as_str(), "wage": "8000"}]
            });
            let r = s.send(
                req("POST", "/api/v1/declarations")
                    .bearer(clerk)
                    .header("Idempotency-Key", &format!("decl-{month}"))
                    .json(&declaration),
            );
            assert_eq!(r.status, 201, "{}", r.body);
            (
                r.json()["bill_id"].as_i64().unwrap(),
                r.json()["due_date"].as_str().unwrap().to_owned(),
            )
        };
        let (january, january_due) = declare("2025-01");
        let (april, april_due) = declare("2025-04");
        let body = json!({
            "scheme_id": "guangdong.employees", "first_period": "2025-01",
            "last_period": "2025-03", "repay_by": "2025-12-31",
            "instrument": "人社厅发〔2022〕16号", "approved_on": "2025-02-20"
        });
        let r = s.send(
            req("POST", format!("/api/v1/units/{a}/deferrals"))
                .bearer(clerk)
                .json(&body),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let deferral = r.json()["id"].as_i64().unwrap();

        let r = s.send(req("GET", format!("/api/v1/bills?month=2025-01&unit={a}")).bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        let listed = r.json();
        let listed = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["bill_id"] == january)
            .expect("January's bill in the month's list")
            .clone();
        assert_eq!(listed["due_date"], january_due.as_str());
        assert_eq!(listed["deferred_to"], "2025-12-31");
        assert_eq!(listed["effective_due_date"], "2025-12-31");
        // The unit reads its own bill the same way.
        let r = s.send(req("GET", format!("/api/v1/bills/{january}")).bearer(s.token("unit_a")));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["deferred_to"], "2025-12-31");
        assert_eq!(r.json()["effective_due_date"], "2025-12-31");
        let r = s.send(req("GET", format!("/api/v1/bills/{april}")).bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.json().get("deferred_to").is_none(), "{}", r.body);
        assert_eq!(r.json()["effective_due_date"], april_due.as_str());

        let reason = json!({"revoked_on": "2025-06-30", "reason": "the unit did not qualify"});
        let r = s.send(
            req("POST", format!("/api/v1/deferrals/{deferral}/revocation"))
                .bearer(clerk)
                .json(&reason),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = s.send(req("GET", format!("/api/v1/bills/{january}")).bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.json().get("deferred_to").is_none(), "{}", r.body);
        assert_eq!(r.json()["effective_due_date"], january_due.as_str());
    });
}

/// The unit's page: the clerk records a deferral (months with no bill of
/// the demo's, so no other test's arrears move), a refused repayment day is
/// shown at its field with what was typed, and revokes it; the unit sees
/// the section without the forms.
#[test]
fn mohrss_2022_16_the_clerk_records_and_revokes_a_deferral_on_the_unit_s_page() {
    use crate::common::{get, location, post, sign_in};
    let clerk = sign_in("clerk");
    let unit = sign_in("unit");
    let mine = location(&get("/units/mine", &unit));
    let page = get(&format!("{mine}?lang=en"), &clerk).body;
    assert!(page.contains("data-action=\"record_deferral\""), "{page}");
    let scheme = page
        .split("id=\"deferral-scheme\"")
        .nth(1)
        .and_then(|s| s.split("<option value=\"").nth(2))
        .and_then(|s| s.split('"').next())
        .expect("a scheme the unit enrols in")
        .to_owned();
    let send = |repay_by: &str| {
        post(
            &format!("{mine}/deferrals"),
            &clerk,
            &[
                ("scheme_id", scheme.as_str()),
                ("first_period", "2020-01"),
                ("last_period", "2020-02"),
                ("repay_by", repay_by),
                ("instrument", "人社厅发〔2022〕16号"),
                ("approved_on", "2020-01-10"),
            ],
        )
    };
    let r = send("2020-02-15");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"repay_by-error\""), "{}", r.body);
    assert!(
        r.body.contains("value=\"2020-02-15\""),
        "what was typed is kept"
    );
    let r = send("2020-06-30");
    assert_eq!(location(&r), format!("{mine}#deferrals"));
    let page = get(&format!("{mine}?lang=en"), &clerk).body;
    assert!(page.contains("id=\"deferral-table\""), "{page}");
    assert!(page.contains("2020-06-30"), "{page}");
    let own = get(&mine, &unit).body;
    assert!(own.contains("id=\"deferrals\""), "{own}");
    assert!(!own.contains("data-action=\"record_deferral\""));
    let id = page
        .split("name=\"deferral_id\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the revocation form")
        .to_owned();
    let r = post(
        &format!("{mine}/deferral-revocations"),
        &clerk,
        &[
            ("deferral_id", id.as_str()),
            ("revoked_on", "2020-03-01"),
            ("reason", "recorded in error"),
        ],
    );
    assert_eq!(location(&r), format!("{mine}#deferrals"));
    let page = get(&format!("{mine}?lang=en"), &clerk).body;
    assert!(page.contains("revoked 2020-03-01"), "{page}");
}
