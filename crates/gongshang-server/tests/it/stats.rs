//! Statistics for analysts: the overview (enrolled by scheme, premiums by
//! month, cases by state with the overdue, the fund's balance) and the
//! platforms' order months, counted from what the fixture and the test
//! stored; no personal data in either.

use gongshang_app::Clock;
use gongshang_app::cases::FileCaseRequest;
use serde_json::{Value, json};

use crate::api_common::{each_backend, req, resident};

fn month_row<'a>(rows: &'a Value, month: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["month"] == month)
        .unwrap_or_else(|| panic!("no row for {month}: {rows}"))
}

#[test]
fn the_overview_counts_enrolments_premiums_cases_and_the_fund_without_personal_data() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let analyst = s.token("analyst");
        let amount = |id: i64| {
            let r = s.send(req("GET", format!("/api/v1/bills/{id}")).bearer(clerk));
            assert_eq!(r.status, 200, "{}", r.body);
            r.json()["amount_fen"].as_i64().unwrap()
        };
        let billed_march = amount(f.bill_a) + amount(f.bill_b);
        // The payment arrives on 2025-04-02 (the clock is put back after).
        let now = s.clock.now();
        s.clock.set("2025-04-02T02:00:00Z".parse().unwrap());
        let paid = s.send(
            req("POST", "/api/v1/payments")
                .bearer(clerk)
                .header("Idempotency-Key", "stats-pay-1")
                .json(&json!({"bill_id": f.bill_a, "amount": "1.23", "paid_on": "2025-04-02"})),
        );
        assert_eq!(paid.status, 201, "{}", paid.body);
        s.clock.set(now);
        // A case filed on 2025-03-20 for an accident of 2025-03-10.
        let case: FileCaseRequest = serde_json::from_value(json!({
            "person": f.person_1.as_str(), "unit": f.unit_a.as_str(),
            "scheme_id": "guangdong.employees", "region": "440100", "applicant": "unit",
            "accident_date": "2025-03-10", "filed_on": "2025-03-20",
            "ground_claimed": "art14_1_work_accident", "materials": [{"kind": "application_form"}]
        }))
        .unwrap();
        s.app
            .file_case(
                &gongshang_app::accounts::Actor::local_administrator("test"),
                &case,
            )
            .unwrap();

        let r = s.send(req("GET", "/api/v1/stats/overview").bearer(analyst));
        assert_eq!(r.status, 200, "{}", r.body);
        for person in [&f.person_1, &f.person_2] {
            assert!(!r.body.contains(person.as_str()), "{}", r.body);
        }
        let v = r.json();
        assert_eq!(
            (v["units"].as_u64(), v["people"].as_u64()),
            (Some(2), Some(2))
        );
        assert_eq!(
            v["enrolled_by_scheme"],
            json!([{"scheme_id": "guangdong.employees", "name_zh": v["enrolled_by_scheme"][0]["name_zh"],
                "name_en": v["enrolled_by_scheme"][0]["name_en"], "enrolled": 2}])
        );
        let march = month_row(&v["premiums_by_month"], "2025-03");
        assert_eq!(march["billed_fen"].as_i64(), Some(billed_march), "{v}");
        let april = month_row(&v["premiums_by_month"], "2025-04");
        assert_eq!(april["paid_fen"].as_i64(), Some(123), "{v}");
        // The payment reached the fund's bank account in the month it was
        // recorded (the clock's).
        let last = v["fund_balance"].as_array().unwrap().last().unwrap();
        assert_eq!(last["bank_fen"].as_i64(), Some(123), "{v}");
        let states = v["cases_by_state"].as_array().unwrap();
        let cases: u64 = states.iter().map(|c| c["cases"].as_u64().unwrap()).sum();
        let overdue: u64 = states.iter().map(|c| c["overdue"].as_u64().unwrap()).sum();
        assert_eq!(cases, 1, "{v}");
        assert_eq!(v["overdue_cases"].as_u64(), Some(overdue));

        // A year on, the case's running deadline has passed.
        let later = s
            .clock
            .now()
            .checked_add(jiff::SignedDuration::from_hours(24 * 365))
            .unwrap();
        s.clock.set(later);
        let v = s
            .send(req("GET", "/api/v1/stats/overview").bearer(clerk))
            .json();
        assert_eq!(v["overdue_cases"].as_u64(), Some(1), "{v}");
    });
}

#[test]
fn order_statistics_give_each_platform_its_orders_workers_premium_and_billed() {
    each_backend(|s| {
        let order = |platform: &str, id: &str, who: u32, day: &str| {
            json!({"platform": platform, "order_id": id, "resident_id": resident(who).as_str(),
                "ordered_at": format!("2025-07-{day}T12:30:00+08:00"), "industry": "instant_delivery",
                "province": "44"})
        };
        let orders = json!({"orders": [
            order("meituan", "m-1", 1, "02"), order("meituan", "m-2", 1, "03"),
            order("meituan", "m-3", 2, "03"), order("eleme", "e-1", 2, "04"),
        ]});
        let r = s.send(
            req("POST", "/api/v1/orders/imports")
                .bearer(s.token("clerk"))
                .json(&orders),
        );
        assert_eq!(r.json()["rows_added"].as_u64(), Some(4), "{}", r.body);
        let r = s.send(
            req("POST", "/api/v1/orders/bills")
                .bearer(s.token("clerk"))
                .header("Idempotency-Key", "stats-bill-meituan")
                .json(&json!({"platform": "meituan", "month": "2025-07"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);

        let r = s.send(req("GET", "/api/v1/stats/orders?month=2025-07").bearer(s.token("analyst")));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        let rows = v["platforms"].as_array().unwrap();
        let names: Vec<&str> = rows
            .iter()
            .map(|p| p["platform"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["eleme", "meituan"]);
        let (eleme, meituan) = (&rows[0], &rows[1]);
        assert_eq!(
            (meituan["orders"].as_u64(), meituan["workers"].as_u64()),
            (Some(3), Some(2))
        );
        assert_eq!(
            (
                eleme["orders"].as_u64(),
                eleme["workers"].as_u64(),
                eleme["billed_fen"].as_i64()
            ),
            (Some(1), Some(1), Some(0))
        );
        assert!(meituan["premium_fen"].as_i64().unwrap() > 0, "{v}");
        assert_eq!(meituan["billed_fen"], meituan["premium_fen"], "{v}");
        assert_eq!(v["total_orders"].as_u64(), Some(4));
        assert_eq!(
            v["total_premium_fen"].as_i64(),
            Some(meituan["premium_fen"].as_i64().unwrap() + eleme["premium_fen"].as_i64().unwrap())
        );
        // The same figures as the platform's own reconciliation.
        let own = s
            .send(
                req(
                    "GET",
                    "/api/v1/orders/reconciliation?platform=meituan&month=2025-07",
                )
                .bearer(s.token("unit_a")),
            )
            .json();
        assert_eq!(own["premium_fen"], meituan["premium_fen"]);

        let empty = s
            .send(req("GET", "/api/v1/stats/orders?month=2025-06").bearer(s.token("clerk")))
            .json();
        assert_eq!(empty["platforms"], json!([]));
        assert_eq!(empty["total_orders"].as_u64(), Some(0));
    });
}

#[test]
fn order_statistics_refuse_a_month_that_is_not_one() {
    each_backend(|s| {
        let analyst = s.token("analyst");
        let r = s.send(req("GET", "/api/v1/stats/orders?month=2025-13").bearer(analyst));
        assert_eq!((r.status, r.code()), (422, "invalid".into()));
        assert_eq!(r.json()["field"], "month");
        let r = s.send(req("GET", "/api/v1/stats/orders").bearer(analyst));
        assert_eq!((r.status, r.code()), (400, "malformed_query".into()));
        let r = s.send(req("GET", "/api/v1/stats/overview").bearer(s.token("unit_a")));
        assert_eq!((r.status, r.code()), (403, "forbidden".into()));
    });
}
