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
