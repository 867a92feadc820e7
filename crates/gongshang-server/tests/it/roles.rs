//! The role matrix: every role against every endpoint. Each row says, per
//! role, `ok` (the request is not refused: any answer but 401, 403 and 404)
//! or the refusal it must get: 403 for what the role may not do at all, 404
//! for a record outside its scope (its existence must not leak), 401 for
//! nobody signed in.

use serde_json::{Value, json};

use crate::api_common::{TestServer, credit, each_backend, req, resident};

const ROLES: [&str; 12] = [
    "clerk",
    "reviewer",
    "administrator",
    "unit_a",
    "unit_b",
    "worker_1",
    "analyst",
    "front_desk",
    "mediator",
    "arbitration",
    "inspection",
    "anonymous",
];

struct Row {
    method: &'static str,
    path: String,
    body: Option<Value>,
    /// `role=expected` pairs; roles not named get 403 (401 when anonymous).
    expect: &'static str,
}

fn expected(row: &Row, role: &str) -> &'static str {
    row.expect
        .split_whitespace()
        .find_map(|pair| {
            let (r, e) = pair.split_once('=')?;
            (r == role
                || (r == "agency" && ["clerk", "reviewer", "administrator"].contains(&role))
                || (r == "centre"
                    && ["front_desk", "mediator", "arbitration", "inspection"].contains(&role)))
            .then_some(e)
        })
        .unwrap_or(if role == "anonymous" { "401" } else { "403" })
}

fn rows(s: &TestServer) -> Vec<Row> {
    let f = &s.fixture;
    let (a, b) = (f.unit_a.as_str(), f.unit_b.as_str());
    let (p1, p2) = (f.person_1.as_str(), f.person_2.as_str());
    let order = |id: &str| {
        json!({"orders": [{"platform": "meituan", "order_id": id, "resident_id": p1,
            "ordered_at": "2025-07-02T12:30:00+08:00", "industry": "instant_delivery", "province": "44"}]})
    };
    let r = |method, path: String, body: Option<Value>, expect| Row {
        method,
        path,
        body,
        expect,
    };
    vec![
        r(
            "GET",
            "/api/v1/me".into(),
            None,
            "agency=ok unit_a=ok unit_b=ok worker_1=ok analyst=ok centre=ok",
        ),
        r("GET", "/api/v1/units".into(), None, "agency=ok"),
        r(
            "GET",
            format!("/api/v1/units/{a}"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=404",
        ),
        r(
            "POST",
            "/api/v1/units".into(),
            Some(json!({"credit_code": credit(50).as_str(), "name": "新单位",
            "kind": "enterprise", "region": "440106", "industry_class": 1})),
            "clerk=ok administrator=ok",
        ),
        r(
            "GET",
            "/api/v1/people".into(),
            None,
            "agency=ok unit_a=ok unit_b=ok",
        ),
        r(
            "GET",
            format!("/api/v1/people/{p1}"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=ok",
        ),
        r(
            "GET",
            format!("/api/v1/people/{p2}"),
            None,
            "agency=ok unit_a=404 unit_b=ok worker_1=404",
        ),
        r(
            "POST",
            "/api/v1/people".into(),
            Some(json!({"resident_id": resident(60).as_str(), "name": "新人"})),
            "clerk=ok administrator=ok unit_a=ok unit_b=ok",
        ),
        // Regulations Arts 43-44, Order No. 56 Art 6: the agency records
        // successions and postings, a unit its own secondments and
        // agreements; each reads its own.
        r(
            "GET",
            format!("/api/v1/units/{a}/successions"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=404",
        ),
        r(
            "POST",
            format!("/api/v1/units/{a}/successions"),
            Some(
                json!({"successor": b, "kind": "transfer", "effective_on": "2025-06-01",
            "document": "变更登记"}),
            ),
            "clerk=ok administrator=ok",
        ),
        r(
            "GET",
            format!("/api/v1/units/{a}/liability?injury_date=2025-05-01"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=404",
        ),
        r(
            "POST",
            "/api/v1/engagements/999999/secondments".into(),
            Some(json!({"to_unit": b, "start": "2025-04-01"})),
            "clerk=404 administrator=404 unit_a=404 unit_b=404",
        ),
        r(
            "POST",
            "/api/v1/engagements/999999/over-age-agreements".into(),
            Some(
                json!({"signed_on": "2025-06-01", "term_start": "2025-06-01",
            "work_content": "w", "work_place": "p", "working_hours": "h", "pay": "1",
            "social_insurance": "s", "labour_protection": "l"}),
            ),
            "clerk=404 administrator=404 unit_a=404 unit_b=404",
        ),
        r(
            "POST",
            "/api/v1/suspensions/999999/resume".into(),
            Some(json!({"returned_on": "2025-06-01"})),
            "clerk=404 administrator=404",
        ),
        r(
            "GET",
            format!("/api/v1/people/{p1}/suspensions"),
            None,
            "agency=ok unit_a=ok unit_b=ok worker_1=ok",
        ),
        r(
            "GET",
            format!("/api/v1/people/{p1}/secondments"),
            None,
            "agency=ok unit_a=ok unit_b=ok worker_1=ok",
        ),
        r(
            "POST",
            "/api/v1/engagements".into(),
            Some(json!({"resident_id": p1, "unit": a,
            "category": "employee", "start": "2025-01-01"})),
            "clerk=ok administrator=ok unit_a=ok",
        ),
        r(
            "POST",
            "/api/v1/enrollments/check".into(),
            Some(json!({"resident_id": p1, "unit": a,
            "scheme_id": "guangdong.employees", "category": "employee", "start": "2025-08-01"})),
            "clerk=ok administrator=ok unit_a=ok",
        ),
        r(
            "POST",
            "/api/v1/enrollments".into(),
            Some(json!({"resident_id": resident(60).as_str(), "unit": a,
            "scheme_id": "guangdong.employees", "category": "employee", "start": "2025-08-01", "labour_relation": true})),
            "clerk=ok administrator=ok unit_a=ok",
        ),
        r(
            "GET",
            format!("/api/v1/people/{p1}/enrollments"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=ok",
        ),
        r(
            "POST",
            "/api/v1/declarations".into(),
            Some(json!({"unit": a, "scheme_id": "guangdong.employees",
            "month": "2025-05", "lines": [{"resident_id": p1, "wage": "8000"}]})),
            "clerk=ok administrator=ok unit_a=ok",
        ),
        r(
            "GET",
            "/api/v1/bills?month=2025-03".into(),
            None,
            "agency=ok unit_a=ok unit_b=ok",
        ),
        r(
            "GET",
            format!("/api/v1/bills?month=2025-03&unit={a}"),
            None,
            "agency=ok unit_a=ok unit_b=404",
        ),
        r(
            "GET",
            format!("/api/v1/bills/{}", f.bill_a),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=404",
        ),
        r(
            "GET",
            format!("/api/v1/bills/{}", f.bill_b),
            None,
            "agency=ok unit_a=404 unit_b=ok worker_1=404",
        ),
        r(
            "GET",
            "/api/v1/arrears?as_of=2025-06-01".into(),
            None,
            "agency=ok",
        ),
        r(
            "POST",
            "/api/v1/payments".into(),
            Some(json!({"bill_id": f.bill_a, "amount": "1.00",
            "paid_on": "2025-06-20"})),
            "clerk=ok administrator=ok",
        ),
        r(
            "POST",
            "/api/v1/day-bills".into(),
            Some(json!({"resident_id": p1, "scheme_id": "xiamen.yilubao",
            "first_day": "2025-07-01", "days": 30})),
            "clerk=ok administrator=ok worker_1=ok",
        ),
        r(
            "POST",
            "/api/v1/orders/imports".into(),
            Some(order("m-1")),
            "clerk=ok administrator=ok unit_a=ok",
        ),
        r(
            "POST",
            "/api/v1/orders/bills".into(),
            Some(json!({"platform": "meituan", "month": "2025-07"})),
            "clerk=ok administrator=ok",
        ),
        r(
            "GET",
            "/api/v1/orders/reconciliation?platform=meituan&month=2025-07".into(),
            None,
            "agency=ok analyst=ok unit_a=ok unit_b=404",
        ),
        r(
            "GET",
            format!("/api/v1/coverage?resident_id={p1}&at=2025-04-01"),
            None,
            "agency=ok unit_a=ok unit_b=ok worker_1=ok",
        ),
        r(
            "GET",
            format!("/api/v1/coverage?resident_id={p2}&at=2025-04-01"),
            None,
            "agency=ok unit_a=ok unit_b=ok worker_1=404",
        ),
        r(
            "GET",
            format!("/api/v1/coverage?resident_id={p1}&at=2025-04-01&unit={b}"),
            None,
            "agency=ok unit_a=404 unit_b=ok worker_1=ok",
        ),
        r(
            "POST",
            "/api/v1/accounts".into(),
            Some(json!({"login": "new-analyst", "role": "analyst",
            "password": "long enough password"})),
            "administrator=ok",
        ),
        r(
            "POST",
            "/api/v1/accounts/clerk/tokens".into(),
            Some(json!({"label": "x"})),
            "administrator=ok",
        ),
        r(
            "POST",
            "/api/v1/calculate".into(),
            Some(json!({"injury_date": "2025-01-10", "own_wage": "8000",
            "region": "440100", "grade": 5, "appraisal_date": "2025-06-01"})),
            "agency=ok unit_a=ok unit_b=ok worker_1=ok analyst=ok centre=ok anonymous=ok",
        ),
        r(
            "POST",
            "/api/v1/compare".into(),
            Some(json!({"injury_date": "2025-01-10", "own_wage": "8000",
            "region": "440100", "grade": 5, "appraisal_date": "2025-06-01"})),
            "agency=ok unit_a=ok unit_b=ok worker_1=ok analyst=ok centre=ok anonymous=ok",
        ),
        // Statistics: agency staff and analysts; units and workers refused.
        r(
            "GET",
            "/api/v1/stats/overview".into(),
            None,
            "agency=ok analyst=ok",
        ),
        r(
            "GET",
            "/api/v1/stats/orders?month=2025-07".into(),
            None,
            "agency=ok analyst=ok",
        ),
        // The fund (issue 14): agency staff and analysts read; clerks and
        // administrators run the reserve.
        r(
            "GET",
            "/api/v1/fund/statement?period=2025".into(),
            None,
            "agency=ok analyst=ok",
        ),
        r(
            "GET",
            "/api/v1/fund/statement?period=2025-07&format=csv".into(),
            None,
            "agency=ok analyst=ok",
        ),
        r(
            "POST",
            "/api/v1/fund/simulations".into(),
            Some(json!({"people": 500, "years": 2})),
            "agency=ok analyst=ok",
        ),
        r(
            "POST",
            "/api/v1/fund/reserve/runs".into(),
            Some(json!({"month": "2025-07"})),
            "clerk=ok administrator=ok",
        ),
        // Monitoring (issue 16): agency staff run and handle, analysts read;
        // a unit, a platform or a worker never sees an alert.
        r(
            "GET",
            "/api/v1/monitor/rules".into(),
            None,
            "agency=ok analyst=ok",
        ),
        r("POST", "/api/v1/monitor/runs".into(), None, "agency=ok"),
        r(
            "POST",
            "/api/v1/monitor/runs?mode=incremental".into(),
            None,
            "agency=ok",
        ),
        r(
            "GET",
            "/api/v1/monitor/runs".into(),
            None,
            "agency=ok analyst=ok",
        ),
        r(
            "GET",
            "/api/v1/monitor/alerts?state=active".into(),
            None,
            "agency=ok analyst=ok",
        ),
        r(
            "GET",
            "/api/v1/monitor/alerts/999999".into(),
            None,
            "agency=404 analyst=404",
        ),
        r(
            "POST",
            "/api/v1/monitor/alerts/999999/events".into(),
            Some(json!({"command": "investigate", "note": "checking"})),
            "agency=404",
        ),
        r(
            "GET",
            "/api/v1/monitor/grading?as_of=2025-06-30".into(),
            None,
            "agency=ok analyst=ok",
        ),
        r(
            "POST",
            "/api/v1/monitor/samples".into(),
            Some(json!({"population": "cases", "size": 2, "seed": 5})),
            "agency=ok",
        ),
        // Last: it ends an enrolment of unit A.
        r(
            "POST",
            format!("/api/v1/enrollments/{}/end", f.enrollment_1),
            Some(json!({"last_day": "2025-12-31"})),
            "clerk=ok administrator=ok unit_a=ok unit_b=404",
        ),
    ]
}

/// The case endpoints, over case A (unit A, person 1: recognised, grade 2,
/// an award proposed by the clerk) and case B (unit B, person 2: filed).
fn case_rows(s: &TestServer) -> Vec<Row> {
    let f = &s.fixture;
    let (a, b) = (f.unit_a.as_str(), f.unit_b.as_str());
    let (p1, p2) = (f.person_1.as_str(), f.person_2.as_str());
    let ca = "GS-ROLES-A";
    let cb = "GS-ROLES-B";
    crate::flows::recognised_case(s, ca, a, p1);
    let award = crate::flows::computed_award(s, ca);
    let filed = s.send(
        req("POST", "/api/v1/cases")
            .bearer(s.token("clerk"))
            .json(&crate::flows::application(cb, b, p2)),
    );
    assert_eq!(filed.status, 201, "{}", filed.body);
    let r = |method, path: String, body: Option<Value>, expect| Row {
        method,
        path,
        body,
        expect,
    };
    vec![
        r(
            "POST",
            "/api/v1/cases".into(),
            Some(crate::flows::application("GS-ROLES-C", b, p2)),
            "clerk=ok administrator=ok unit_b=ok",
        ),
        r(
            "GET",
            format!("/api/v1/cases/{ca}"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=ok",
        ),
        r(
            "GET",
            format!("/api/v1/cases/{cb}"),
            None,
            "agency=ok unit_a=404 unit_b=ok worker_1=404",
        ),
        // Regulations Art 43: whoever reads the case reads who is liable.
        r(
            "GET",
            format!("/api/v1/cases/{ca}/liability"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=ok",
        ),
        r(
            "POST",
            format!("/api/v1/cases/{cb}/determination"),
            Some(json!({"command": "accept", "on": "2025-03-25"})),
            "clerk=ok administrator=ok",
        ),
        r(
            "GET",
            format!("/api/v1/cases/{ca}/appraisal"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=ok",
        ),
        r(
            "POST",
            format!("/api/v1/cases/{ca}/appraisal"),
            Some(json!({"command": "receive", "on": "2025-06-20"})),
            "clerk=ok administrator=ok",
        ),
        r("GET", "/api/v1/work-queue".into(), None, "agency=ok"),
        r(
            "GET",
            format!("/api/v1/cases/{ca}/awards"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=ok",
        ),
        r(
            "GET",
            format!("/api/v1/cases/{cb}/awards"),
            None,
            "agency=ok unit_a=404 unit_b=ok worker_1=404",
        ),
        r(
            "POST",
            format!("/api/v1/cases/{ca}/awards"),
            Some(json!({"facts": {"own_wage": "8500.00"}})),
            "clerk=ok administrator=ok",
        ),
        r(
            "GET",
            format!("/api/v1/awards/{award}"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=ok",
        ),
        r(
            "POST",
            format!("/api/v1/awards/{award}/approve"),
            None,
            "reviewer=ok administrator=ok",
        ),
        r(
            "POST",
            format!("/api/v1/cases/{ca}/one-time-payments"),
            Some(json!({"paid_on": "2025-07-01"})),
            "clerk=ok administrator=ok",
        ),
        r(
            "POST",
            "/api/v1/payroll/runs".into(),
            Some(json!({"month": "2025-07"})),
            "clerk=ok administrator=ok",
        ),
        r(
            "POST",
            "/api/v1/payroll/indexations".into(),
            Some(json!({"from_month": "2099-01", "percent": "1%", "instrument": "matrix"})),
            "clerk=ok administrator=ok",
        ),
        r(
            "GET",
            format!("/api/v1/cases/{ca}/notices/decision"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=ok",
        ),
        r(
            "GET",
            format!("/api/v1/cases/{cb}/notices/materials?format=html"),
            None,
            "agency=ok unit_a=404 unit_b=ok worker_1=404",
        ),
        r(
            "GET",
            "/api/v1/payroll/runs?month=2025-07".into(),
            None,
            "agency=ok analyst=ok",
        ),
        // Regulations Arts 30-32, 47-48; Decree 765 Arts 22, 43: the
        // register is published to everybody signed in; clerks keep it and
        // settle; the case's worker claims back what they advanced.
        r(
            "GET",
            "/api/v1/institutions".into(),
            None,
            "agency=ok unit_a=ok unit_b=ok worker_1=ok analyst=ok centre=ok",
        ),
        r(
            "POST",
            "/api/v1/institutions".into(),
            Some(medical_institution()),
            "clerk=ok administrator=ok",
        ),
        r(
            "PUT",
            "/api/v1/institutions/ROLES-1".into(),
            Some(medical_institution()),
            "clerk=ok administrator=ok",
        ),
        r(
            "POST",
            format!("/api/v1/cases/{ca}/medical-bills"),
            Some(medical_bill()),
            "clerk=ok administrator=ok",
        ),
        r(
            "POST",
            format!("/api/v1/cases/{ca}/medical-bills/1/settle"),
            Some(json!({})),
            "clerk=ok administrator=ok",
        ),
        r(
            "POST",
            format!("/api/v1/cases/{ca}/medical-bills/reimbursements"),
            Some(medical_bill()),
            "clerk=ok administrator=ok worker_1=ok",
        ),
        r(
            "GET",
            format!("/api/v1/cases/{ca}/medical-bills"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=ok",
        ),
    ]
}

/// The service centre's rows: a ticket of worker 1 against unit A,
/// referred to arbitration (a partner body sees nothing it was not sent:
/// inspection gets 404 on it), and one of worker 2 against unit B, never
/// referred.
fn ticket_rows(s: &TestServer) -> Vec<Row> {
    let f = &s.fixture;
    let (a, b) = (f.unit_a.as_str(), f.unit_b.as_str());
    let (p1, p2) = (f.person_1.as_str(), f.person_2.as_str());
    let file = |person: &str, unit: &str| {
        let r = s.send(
            req("POST", "/api/v1/tickets")
                .bearer(s.token("front_desk"))
                .json(
                    &json!({"category": "share_dispute", "summary": "单位不支付应付部分",
                    "complainant_name": "工人", "resident_id": person, "unit": unit,
                    "sensitive": true}),
                ),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()["number"].as_str().unwrap().to_owned()
    };
    let ta = file(p1, a);
    let tb = file(p2, b);
    for body in [
        json!({"command": "triage", "category": "share_dispute"}),
        json!({"command": "refer", "body": "xm-arbitration", "appointment_on": "2025-07-02"}),
    ] {
        let r = s.send(
            req("POST", format!("/api/v1/tickets/{ta}/commands"))
                .bearer(s.token("front_desk"))
                .json(&body),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let bill_a = {
        let r = s.send(req("GET", format!("/api/v1/bills/{}", f.bill_a)).bearer(s.token("clerk")));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["reference"].as_str().unwrap().to_owned()
    };
    let e1 = f.enrollment_1.to_string();
    let r = |method, path: String, body: Option<Value>, expect| Row {
        method,
        path,
        body,
        expect,
    };
    vec![
        // A ticket about unit A's bill or worker 1's enrolment: filed by
        // whoever may file and reaches it; another unit or worker is
        // answered as if it did not exist.
        r(
            "POST",
            "/api/v1/tickets".into(),
            Some(
                json!({"category": "share_dispute", "summary": "账单有误", "complainant_name": "某人", "bill": bill_a}),
            ),
            "clerk=ok administrator=ok unit_a=ok unit_b=404 worker_1=404 front_desk=ok",
        ),
        r(
            "POST",
            "/api/v1/tickets".into(),
            Some(
                json!({"category": "consultation", "summary": "参保记录有误", "complainant_name": "某人", "enrollment": e1}),
            ),
            "clerk=ok administrator=ok unit_a=ok unit_b=404 worker_1=ok front_desk=ok",
        ),
        r(
            "GET",
            format!("/api/v1/tickets?subject_kind=bill&subject={bill_a}"),
            None,
            "agency=ok unit_a=ok unit_b=ok worker_1=ok front_desk=ok mediator=ok arbitration=ok inspection=ok",
        ),
        r(
            "POST",
            format!("/api/v1/tickets/{tb}/commands"),
            Some(
                json!({"command": "request_review", "body": "xm-arbitration", "appointment_on": "2025-07-02"}),
            ),
            "administrator=ok front_desk=ok mediator=ok",
        ),
        r(
            "POST",
            "/api/v1/public/tickets".into(),
            Some(
                json!({"category": "consultation", "summary": "咨询", "complainant_name": "某人"}),
            ),
            "agency=ok unit_a=ok unit_b=ok worker_1=ok analyst=ok centre=ok anonymous=ok",
        ),
        r(
            "GET",
            "/api/v1/public/service-points".into(),
            None,
            "agency=ok unit_a=ok unit_b=ok worker_1=ok analyst=ok centre=ok anonymous=ok",
        ),
        r(
            "POST",
            "/api/v1/tickets".into(),
            Some(
                json!({"category": "consultation", "summary": "咨询", "complainant_name": "某人"}),
            ),
            "clerk=ok administrator=ok unit_a=ok unit_b=ok worker_1=ok front_desk=ok",
        ),
        r(
            "GET",
            "/api/v1/tickets".into(),
            None,
            "agency=ok unit_a=ok unit_b=ok worker_1=ok front_desk=ok mediator=ok arbitration=ok inspection=ok",
        ),
        r(
            "GET",
            format!("/api/v1/tickets/{ta}"),
            None,
            "agency=ok unit_a=ok unit_b=404 worker_1=ok front_desk=ok mediator=ok arbitration=ok inspection=404",
        ),
        r(
            "GET",
            format!("/api/v1/tickets/{tb}"),
            None,
            "agency=ok unit_a=404 unit_b=ok worker_1=404 front_desk=ok mediator=ok arbitration=404 inspection=404",
        ),
        r(
            "POST",
            format!("/api/v1/tickets/{ta}/commands"),
            Some(json!({"command": "report_referral", "status": "accepted"})),
            "administrator=ok front_desk=ok mediator=ok arbitration=ok inspection=404",
        ),
        r(
            "POST",
            format!("/api/v1/tickets/{tb}/commands"),
            Some(json!({"command": "triage", "category": "share_dispute"})),
            "administrator=ok front_desk=ok",
        ),
        r(
            "POST",
            format!("/api/v1/tickets/{tb}/commands"),
            Some(json!({"command": "extend_mediation", "days": 1, "reason": "同意"})),
            "administrator=ok mediator=ok",
        ),
        r(
            "POST",
            format!("/api/v1/tickets/{tb}/commands"),
            Some(json!({"command": "consent_to_disclosure"})),
            // Worker 1 may consent, but not on worker 2's ticket.
            "worker_1=404",
        ),
        r(
            "POST",
            "/api/v1/tickets/escalations".into(),
            None,
            "administrator=ok front_desk=ok mediator=ok",
        ),
        r(
            "GET",
            "/api/v1/tickets/dashboard".into(),
            None,
            "agency=ok analyst=ok front_desk=ok mediator=ok",
        ),
    ]
}

fn medical_institution() -> Value {
    json!({"code": "ROLES-1", "name": "协议医院", "kind": "medical", "region": "440100",
        "agreement_from": "2025-01-01"})
}

fn medical_bill() -> Value {
    json!({"kind": "medical", "provider_name": "就近医院", "service_from": "2025-03-10",
        "service_until": "2025-03-12", "emergency": true,
        "lines": [{"description": "急诊", "within_catalogue": "300.00"}]})
}

#[test]
fn every_role_is_refused_what_it_must_not_see_or_do() {
    each_backend(|s| {
        let mut failures = Vec::new();
        let all: Vec<Row> = rows(s)
            .into_iter()
            .chain(case_rows(s))
            .chain(ticket_rows(s))
            .collect();
        for (n, row) in all.iter().enumerate() {
            for role in ROLES {
                let mut r = req(row.method, row.path.clone())
                    .header("Idempotency-Key", &format!("matrix-{n}-{role}"));
                if role != "anonymous" {
                    r = r.bearer(s.token(role));
                }
                if let Some(body) = &row.body {
                    r = r.json(body);
                }
                let got = s.send(r);
                let want = expected(row, role);
                let ok = match want {
                    "ok" => ![401, 403, 404].contains(&got.status) && got.status < 500,
                    code => got.status.to_string() == code,
                };
                if !ok {
                    failures.push(format!(
                        "{} {} as {role}: expected {want}, got {} {}",
                        row.method, row.path, got.status, got.body
                    ));
                } else if want != "ok" {
                    // A refusal is a problem with its code, never a leak of the record.
                    let code = got.code();
                    let expected_code = match want {
                        "401" => "unauthenticated",
                        "403" => "forbidden",
                        _ => "not_found",
                    };
                    if code != expected_code {
                        failures.push(format!(
                            "{} {} as {role}: code {code}",
                            row.method, row.path
                        ));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} refusals wrong:\n{}",
            failures.len(),
            failures.join("\n")
        );
    });
}
