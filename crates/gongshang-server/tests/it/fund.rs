//! The fund over the API (issue 14): the statement as JSON, CSV and xlsx,
//! and the reserve run, which skips a province without a reserve rule.

use gongshang_app::Clock;
use serde_json::json;

use crate::api_common::{each_backend, req};

#[test]
fn the_statement_reads_a_payment_from_the_ledger_in_json_and_csv() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let analyst = s.token("analyst");
        let now = s.clock.now();
        s.clock.set("2025-04-02T02:00:00Z".parse().unwrap());
        let paid = s.send(
            req("POST", "/api/v1/payments")
                .bearer(clerk)
                .header("Idempotency-Key", "fund-pay-1")
                .json(&json!({"bill_id": f.bill_a, "amount": "1.23", "paid_on": "2025-04-02"})),
        );
        assert_eq!(paid.status, 201, "{}", paid.body);
        s.clock.set(now);

        let r = s.send(req("GET", "/api/v1/fund/statement?period=2025-04").bearer(analyst));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        let line = v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["scheme_id"] == "guangdong.employees")
            .unwrap_or_else(|| panic!("{v}"));
        assert_eq!(line["region"], "440106");
        assert_eq!(line["collected"]["unit_fen"], 123);
        assert_eq!(line["closing_balance_fen"], 123);
        assert_eq!(v["total"]["collected"]["total_fen"], 123);

        let csv =
            s.send(req("GET", "/api/v1/fund/statement?period=2025-04&format=csv").bearer(analyst));
        assert_eq!(csv.status, 200);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        assert!(
            csv.body.contains("统筹地区,地区名称,保障方案"),
            "{}",
            csv.body
        );
        assert!(csv.body.contains("440106"), "{}", csv.body);
        // (The xlsx bytes are checked by the app's test: this client reads text.)
        let bad = s.send(req("GET", "/api/v1/fund/statement?period=25").bearer(analyst));
        assert_eq!(bad.status, 422, "{}", bad.body);

        // Guangdong sets no reserve rule in the policies: skipped, said why.
        let run = s.send(
            req("POST", "/api/v1/fund/reserve/runs")
                .bearer(clerk)
                .header("Idempotency-Key", "fund-reserve-1")
                .json(&json!({"month": "2025-04"})),
        );
        assert_eq!(run.status, 201, "{}", run.body);
        let v = run.json();
        assert!(v["lines"].as_array().unwrap().is_empty(), "{v}");
        assert!(
            v["skipped"][0]["reason"]
                .as_str()
                .unwrap()
                .contains("guangdong"),
            "{v}"
        );
    });
}

#[test]
fn an_analyst_projects_a_reform_and_a_refused_file_names_what_is_wrong() {
    each_backend(|s| {
        let analyst = s.token("analyst");
        let reform = "name = \"ceiling 350%\"\n[[override]]\nkey = \"benefit_wage.ceiling_share\"\nfrom = 2027-01-01\nvalue = \"350%\"\nnote = \"raised\"\n";
        let r = s.send(
            req("POST", "/api/v1/fund/simulations")
                .bearer(analyst)
                .json(&json!({"reform": reform, "people": 5000, "years": 3, "replicates": 5, "seed": 3})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["baseline"]["years"].as_array().unwrap().len(), 3);
        assert_eq!(
            v["baseline"]["years"][0], v["reformed"]["years"][0],
            "the reform starts in 2027"
        );
        assert_eq!(v["bands_reform"].as_array().unwrap().len(), 3);
        assert_eq!(
            v["attribution"][0]["provision"],
            "benefit_wage.ceiling_share"
        );
        let bad = s.send(
            req("POST", "/api/v1/fund/simulations")
                .bearer(analyst)
                .json(&json!({"reform": "name = \"x\"\n[[override]]\nkey = \"no.such\"\nfrom = 2027-01-01\nvalue = \"1%\"\nnote = \"n\"\n", "people": 10})),
        );
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert!(bad.body.contains("no such parameter"), "{}", bad.body);
        let big = s.send(
            req("POST", "/api/v1/fund/simulations")
                .bearer(analyst)
                .json(&json!({"people": 2_000_000})),
        );
        assert_eq!(big.status, 422, "{}", big.body);
        // The insured as stored: the fixture's enrolments running on the day.
        let stored = s.send(
            req("POST", "/api/v1/fund/simulations")
                .bearer(analyst)
                .json(&json!({"stored_on": "2025-06-15", "years": 2})),
        );
        assert_eq!(stored.status, 200, "{}", stored.body);
        let v = stored.json();
        assert_eq!(v["population"]["source"], "stored", "{v}");
        assert_eq!(v["population"]["on"], "2025-06-15", "{v}");
        assert_eq!(v["population"]["records"], v["records"], "{v}");
        let both = s.send(
            req("POST", "/api/v1/fund/simulations")
                .bearer(analyst)
                .json(&json!({"stored_on": "2025-06-15", "people": 10})),
        );
        assert_eq!(both.status, 422, "{}", both.body);
        assert!(both.body.contains("people"), "{}", both.body);
    });
}

/// Issue 12: the platforms' payout ratios (人社部发〔2025〕24号 Art 9) over the
/// API as JSON and CSV; a platform's user reads its own (meituan) and is
/// refused another's; a worker is refused; a malformed month names `from`.
#[test]
fn mohrss_2025_24_art_9_payout_ratios_over_the_api_a_platform_its_own() {
    each_backend(|s| {
        let analyst = s.token("analyst");
        let r = s
            .send(req("GET", "/api/v1/fund/payout-ratios?from=2025-01&to=2025-12").bearer(analyst));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["from"], "2025-01");
        assert!(v["months"].is_array() && v["years"].is_array(), "{v}");
        let csv = s.send(
            req(
                "GET",
                "/api/v1/fund/payout-ratios?from=2025-01&to=2025-12&format=csv",
            )
            .bearer(analyst),
        );
        assert_eq!(csv.status, 200);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        assert!(
            csv.body
                .contains("平台,平台名称,期间,应缴保费,实缴保费,待遇支出,支缴率"),
            "{}",
            csv.body
        );
        let platform = s.token("unit_a");
        let own = s.send(
            req("GET", "/api/v1/fund/payout-ratios?from=2025-01&to=2025-12").bearer(platform),
        );
        assert_eq!(own.status, 200, "{}", own.body);
        let other = s.send(
            req(
                "GET",
                "/api/v1/fund/payout-ratios?from=2025-01&to=2025-12&platform=eleme",
            )
            .bearer(platform),
        );
        assert_eq!(other.status, 404, "{}", other.body);
        let worker = s.token("worker_1");
        let refused =
            s.send(req("GET", "/api/v1/fund/payout-ratios?from=2025-01&to=2025-12").bearer(worker));
        assert_eq!(refused.status, 403, "{}", refused.body);
        let bad =
            s.send(req("GET", "/api/v1/fund/payout-ratios?from=25&to=2025-12").bearer(analyst));
        assert_eq!(bad.status, 422, "{}", bad.body);
    });
}
