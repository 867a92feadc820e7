//! The service centre over the API, on SQLite and PostgreSQL: a worker files
//! by the QR form (no login) and follows the ticket with its number and
//! lookup code; a mediator settles one; a referral to arbitration comes
//! back; an overdue ticket escalates once; a partner body sees nothing it
//! was not sent.

use serde_json::{Value, json};

use crate::api_common::{TestServer, each_backend, req};

fn qr_ticket(s: &TestServer, category: &str) -> (String, String) {
    let r = s.send(req("POST", "/api/v1/public/tickets").json(&json!({
        "category": category,
        "summary": "送餐途中摔伤，平台不支付停工期间报酬",
        "complainant_name": "李四",
        "complainant_phone": "13900002222",
        "district": "湖里区",
        "platform": "meituan",
        "sensitive": true
    })));
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    (
        v["number"].as_str().unwrap().to_owned(),
        v["lookup_code"].as_str().unwrap().to_owned(),
    )
}

fn command(s: &TestServer, who: &str, number: &str, body: Value) -> Value {
    let r = s.send(
        req("POST", format!("/api/v1/tickets/{number}/commands"))
            .bearer(s.token(who))
            .json(&body),
    );
    assert_eq!(r.status, 200, "{who}: {}", r.body);
    r.json()
}

#[test]
fn a_worker_files_by_qr_code_and_follows_the_ticket_a_mediator_settles_it() {
    each_backend(|s| {
        let (number, code) = qr_ticket(s, "platform_worker_dispute");
        let follow = |code: &str| {
            s.send(
                req("POST", "/api/v1/public/tickets/lookup")
                    .json(&json!({"number": number, "lookup_code": code})),
            )
        };
        let r = follow(&code);
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["state"], "received");
        assert_eq!(v["deadlines"][0]["deadline"], "acceptance");
        // Filed Tuesday 1 July 2025: 3 working days (Order 17 Art 22).
        assert_eq!(v["deadlines"][0]["due"], "2025-07-04");
        let wrong = follow("AAAAAAAA");
        assert_eq!(wrong.status, 404);
        assert_eq!(wrong.code(), "not_found");
        command(
            s,
            "front_desk",
            &number,
            json!({"command": "triage", "category": "platform_worker_dispute"}),
        );
        let v = command(
            s,
            "mediator",
            &number,
            json!({"command": "record_session", "channel": "phone", "outcome": "agreed", "note": "电话调解"}),
        );
        assert_eq!(v["state"], "in_mediation");
        let v = command(
            s,
            "mediator",
            &number,
            json!({"command": "settle", "agreement": "平台 5 日内支付 3000 元", "confirmation": "court_confirmation"}),
        );
        assert_eq!(v["state"], "settled");
        let r = s.send(
            req("POST", format!("/api/v1/tickets/{number}/commands"))
                .bearer(s.token("mediator"))
                .json(&json!({"command": "close", "resolution": "", "satisfaction": "satisfied"})),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.code(), "invalid_input");
        assert_eq!(r.field().as_deref(), Some("resolution"));
        command(
            s,
            "mediator",
            &number,
            json!({"command": "close", "resolution": "协议已履行", "satisfaction": "satisfied"}),
        );
        let v = follow(&code).json();
        assert_eq!(v["state"], "closed");
        assert_eq!(v["resolution"], "协议已履行");
        assert_eq!(v["agreement_confirmation"], "court_confirmation");
        // The papers: the receipt and the mediation agreement;
        // no referral letter for a ticket never referred.
        let paper = |kind: &str, format: &str| {
            s.send(
                req(
                    "GET",
                    format!("/api/v1/tickets/{number}/papers/{kind}?format={format}"),
                )
                .bearer(s.token("mediator")),
            )
        };
        let receipt = paper("receipt", "html");
        assert_eq!(receipt.status, 200, "{}", receipt.body);
        assert!(receipt.body.contains("诉求受理回执"));
        assert!(
            !receipt.body.contains(&code),
            "the lookup code is never printed"
        );
        let agreement = paper("agreement", "html");
        assert!(agreement.body.contains("平台 5 日内支付 3000 元"));
        assert!(agreement.body.contains("调解协议书"));
        // (The PDF is drawn from the same document: gongshang-notices'
        // centre tests render it; this client reads text only.)
        let none = paper("referral", "html");
        assert_eq!(none.status, 409, "{}", none.body);
        let points = s.send(req(
            "GET",
            "/api/v1/public/service-points?district=%E6%80%9D%E6%98%8E%E5%8C%BA",
        ));
        assert_eq!(points.status, 200);
        assert!(!points.json().as_array().unwrap().is_empty());
    });
}

#[test]
fn a_referral_to_arbitration_comes_back_and_an_overdue_ticket_escalates() {
    each_backend(|s| {
        let (number, _) = qr_ticket(s, "share_dispute");
        command(
            s,
            "front_desk",
            &number,
            json!({"command": "triage", "category": "share_dispute"}),
        );
        let v = command(
            s,
            "front_desk",
            &number,
            json!({"command": "refer", "body": "xm-arbitration", "appointment_on": "2025-07-03"}),
        );
        assert_eq!(v["deadlines"][0]["deadline"], "referral_acceptance");
        // The partner body of inspection sees nothing it was not sent.
        let r = s.send(req("GET", "/api/v1/tickets?open=false").bearer(s.token("inspection")));
        assert_eq!(r.status, 200);
        assert_eq!(r.json().as_array().unwrap().len(), 0);
        let r =
            s.send(req("GET", format!("/api/v1/tickets/{number}")).bearer(s.token("inspection")));
        assert_eq!(r.status, 404);
        let r = s.send(req("GET", "/api/v1/tickets").bearer(s.token("arbitration")));
        assert_eq!(r.json().as_array().unwrap().len(), 1);
        // Nothing reported by 7 July (5 days, Art 29, moved past the weekend
        // to Monday 7 July): escalated near on 5 July, overdue on 8 July.
        s.clock.set("2025-07-05T02:00:00Z".parse().unwrap());
        let r = s.send(req("POST", "/api/v1/tickets/escalations").bearer(s.token("front_desk")));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["escalated"][0]["level"], "near");
        s.clock.set("2025-07-08T02:00:00Z".parse().unwrap());
        let r = s.send(req("POST", "/api/v1/tickets/escalations").bearer(s.token("front_desk")));
        let v = r.json();
        assert_eq!(v["escalated"].as_array().unwrap().len(), 1, "{v}");
        assert_eq!(v["escalated"][0]["level"], "overdue");
        let again =
            s.send(req("POST", "/api/v1/tickets/escalations").bearer(s.token("front_desk")));
        assert_eq!(again.json()["escalated"].as_array().unwrap().len(), 0);
        let d = s.send(req("GET", "/api/v1/tickets/dashboard").bearer(s.token("analyst")));
        assert_eq!(d.status, 200);
        assert_eq!(d.json()["overdue"][0], number.as_str());
        // The body reports back.
        let v = command(
            s,
            "arbitration",
            &number,
            json!({"command": "report_referral", "status": "accepted"}),
        );
        assert_eq!(v["deadlines"][0]["deadline"], "referral_decision");
        assert_eq!(v["escalation"], Value::Null);
        s.clock.set("2025-08-01T02:00:00Z".parse().unwrap());
        let v = command(
            s,
            "arbitration",
            &number,
            json!({"command": "report_referral", "status": "concluded", "outcome": "裁决支付 6000 元"}),
        );
        assert_eq!(v["referrals"][0]["status"], "concluded");
        let letter = s.send(
            req("GET", format!("/api/v1/tickets/{number}/papers/referral"))
                .bearer(s.token("arbitration")),
        );
        assert_eq!(letter.status, 200, "{}", letter.body);
        assert!(letter.body.contains("诉求转介函"));
        assert!(letter.body.contains("厦门市劳动人事争议仲裁院"));
        // The partner may not close; the front desk does.
        let r = s.send(
            req("POST", format!("/api/v1/tickets/{number}/commands"))
                .bearer(s.token("arbitration"))
                .json(&json!({"command": "close", "resolution": "x", "satisfaction": "no_answer"})),
        );
        assert_eq!(r.status, 403);
        let v = command(
            s,
            "front_desk",
            &number,
            json!({"command": "close", "resolution": "仲裁裁决已执行", "satisfaction": "satisfied"}),
        );
        assert_eq!(v["state"], "closed");
    });
}

/// A bill's reference, read through the API as the clerk.
fn bill_reference(s: &TestServer, id: i64) -> String {
    let r = s.send(req("GET", format!("/api/v1/bills/{id}")).bearer(s.token("clerk")));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["reference"].as_str().unwrap().to_owned()
}

fn file_as(s: &TestServer, who: &str, body: Value) -> crate::api_common::Resp {
    s.send(
        req("POST", "/api/v1/tickets")
            .bearer(s.token(who))
            .json(&body),
    )
}

#[test]
fn a_ticket_about_a_bill_or_an_enrolment_is_the_filers_own_and_listed_with_it() {
    each_backend(|s| {
        let bill_a = bill_reference(s, s.fixture.bill_a);
        let bill_b = bill_reference(s, s.fixture.bill_b);
        let ask = |about: Value| {
            let mut body = json!({
                "category": "share_dispute",
                "summary": "三月账单金额与申报工资不符",
                "complainant_name": "单位经办人",
            });
            body.as_object_mut()
                .unwrap()
                .extend(about.as_object().unwrap().clone());
            body
        };
        // Unit A asks about its own bill: linked, and listed with the bill.
        let r = file_as(s, "unit_a", ask(json!({"bill": bill_a})));
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        assert_eq!(v["ticket"]["subject_kind"], "bill");
        assert_eq!(v["ticket"]["subject"], bill_a.as_str());
        assert_eq!(v["ticket"]["channel"], "unit_page");
        let number = v["number"].as_str().unwrap().to_owned();
        let listed = |who: &str, kind: &str, key: &str| {
            let r = s.send(
                req(
                    "GET",
                    format!("/api/v1/tickets?subject_kind={kind}&subject={key}"),
                )
                .bearer(s.token(who)),
            );
            assert_eq!(r.status, 200, "{}", r.body);
            r.json()
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["number"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(listed("unit_a", "bill", &bill_a), vec![number.clone()]);
        assert_eq!(listed("clerk", "bill", &bill_a), vec![number.clone()]);
        // Another unit does not see it, even asking by the bill.
        assert!(listed("unit_b", "bill", &bill_a).is_empty());
        // Unit A may not file about unit B's bill: answered as not found,
        // and nothing is filed.
        let r = file_as(s, "unit_a", ask(json!({"bill": bill_b})));
        assert_eq!(r.status, 404, "{}", r.body);
        assert!(listed("clerk", "bill", &bill_b).is_empty());
        // The worker asks about their own enrolment, not another's.
        let mine = s.fixture.enrollment_1.to_string();
        let theirs = s.fixture.enrollment_2.to_string();
        let r = file_as(s, "worker_1", ask(json!({"enrollment": mine})));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["ticket"]["subject_kind"], "enrollment");
        let r = file_as(s, "worker_1", ask(json!({"enrollment": theirs})));
        assert_eq!(r.status, 404, "{}", r.body);
        assert_eq!(listed("worker_1", "enrollment", &mine).len(), 1);
        // Staff file about anything that exists; one subject at a time; a
        // bill that does not exist is named.
        let r = file_as(s, "front_desk", ask(json!({"enrollment": theirs})));
        assert_eq!(r.status, 201, "{}", r.body);
        let r = file_as(
            s,
            "front_desk",
            ask(json!({"bill": bill_b, "enrollment": theirs})),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.field().as_deref(), Some("subject"));
        let r = file_as(s, "front_desk", ask(json!({"bill": "GS-NO-SUCH-BILL"})));
        assert_eq!(r.status, 404, "{}", r.body);
        // The QR form links nothing (the public names no record).
        let r = s.send(req("POST", "/api/v1/public/tickets").json(&ask(json!({"bill": bill_a}))));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["ticket"]["subject"], Value::Null);
    });
}

#[test]
fn an_agreement_sent_for_arbitration_review_within_15_days_order17_art29_comes_back_to_the_ticket()
{
    each_backend(|s| {
        let (number, code) = qr_ticket(s, "platform_worker_dispute");
        command(
            s,
            "front_desk",
            &number,
            json!({"command": "triage", "category": "platform_worker_dispute"}),
        );
        command(
            s,
            "mediator",
            &number,
            json!({"command": "record_session", "channel": "online", "outcome": "agreed"}),
        );
        command(
            s,
            "mediator",
            &number,
            json!({"command": "settle", "agreement": "平台 10 日内支付医疗费 2400 元", "confirmation": "arbitration_review"}),
        );
        // Before it is sent, the arbitration body sees nothing.
        let r =
            s.send(req("GET", format!("/api/v1/tickets/{number}")).bearer(s.token("arbitration")));
        assert_eq!(r.status, 404);
        // A court is not where an arbitration review goes.
        let r = s.send(
            req("POST", format!("/api/v1/tickets/{number}/commands"))
                .bearer(s.token("mediator"))
                .json(&json!({"command": "request_review", "body": "xm-siming-court", "appointment_on": "2025-07-02"})),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.field().as_deref(), Some("body"));
        let v = command(
            s,
            "mediator",
            &number,
            json!({"command": "request_review", "body": "xm-arbitration", "appointment_on": "2025-07-02"}),
        );
        assert_eq!(v["state"], "settled");
        assert_eq!(v["deadlines"][0]["deadline"], "review_decision");
        assert_eq!(v["referrals"][0]["purpose"], "review");
        // The arbitration body sees the agreement referred to it, and the
        // inspection body does not.
        let r = s.send(req("GET", "/api/v1/tickets").bearer(s.token("arbitration")));
        assert_eq!(r.json().as_array().unwrap().len(), 1);
        let r =
            s.send(req("GET", format!("/api/v1/tickets/{number}")).bearer(s.token("arbitration")));
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["agreement"], "平台 10 日内支付医疗费 2400 元");
        let r =
            s.send(req("GET", format!("/api/v1/tickets/{number}")).bearer(s.token("inspection")));
        assert_eq!(r.status, 404);
        // Nobody closes while the commission has it.
        let r = s.send(
            req("POST", format!("/api/v1/tickets/{number}/commands"))
                .bearer(s.token("mediator"))
                .json(&json!({"command": "close", "resolution": "x", "satisfaction": "satisfied"})),
        );
        assert_eq!(r.status, 409, "{}", r.body);
        // Not confirmed needs a reason; confirmed comes back to the ticket.
        let r = s.send(
            req("POST", format!("/api/v1/tickets/{number}/commands"))
                .bearer(s.token("arbitration"))
                .json(&json!({"command": "report_referral", "status": "not_confirmed"})),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.field().as_deref(), Some("outcome"));
        s.clock.set("2025-07-03T02:00:00Z".parse().unwrap());
        let v = command(
            s,
            "arbitration",
            &number,
            json!({"command": "report_referral", "status": "confirmed", "outcome": "已出具仲裁调解书"}),
        );
        assert_eq!(v["referrals"][0]["confirmed"], true);
        assert_eq!(v["referrals"][0]["outcome"], "已出具仲裁调解书");
        assert!(v["deadlines"].as_array().unwrap().is_empty(), "{v}");
        // The worker following by the lookup code sees the answer.
        let r = s.send(
            req("POST", "/api/v1/public/tickets/lookup")
                .json(&json!({"number": number, "lookup_code": code})),
        );
        assert_eq!(r.json()["referrals"][0]["confirmed"], true);
        // The mediation agreement's paper carries the answer.
        let paper = s.send(
            req("GET", format!("/api/v1/tickets/{number}/papers/agreement"))
                .bearer(s.token("arbitration")),
        );
        assert_eq!(paper.status, 200, "{}", paper.body);
        assert!(paper.body.contains("审查结果"), "{}", paper.body);
        assert!(paper.body.contains("协议已确认"), "{}", paper.body);
        let v = command(
            s,
            "mediator",
            &number,
            json!({"command": "close", "resolution": "仲裁调解书已送达，协议履行", "satisfaction": "very_satisfied"}),
        );
        assert_eq!(v["state"], "closed");
        assert_eq!(v["satisfaction"], "very_satisfied");
    });
}
