//! Regulations Arts 43-44, Jiangsu Arts 35-36 and Order No. 56 Art 6 over
//! HTTP, on SQLite and PostgreSQL: a merger moves a case's liability, a
//! secondment keeps it with the original employer, a posting abroad
//! suspends the enrolment's cover until the return. Today is 2025-07-01.

use serde_json::json;

use crate::api_common::{each_backend, req};
use crate::flows::recognised_case;

#[test]
fn regs_art43_44_the_api_records_successions_secondments_and_postings_and_answers_who_is_liable() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let (a, b) = (f.unit_a.as_str(), f.unit_b.as_str());
        let number = "GS-2025-A43";
        recognised_case(s, number, a, f.person_1.as_str());

        // Art 43(1): unit A merges into unit B from 2025-06-01.
        let path = format!("/api/v1/units/{a}/successions");
        let merger = json!({
            "successor": b, "kind": "merger", "effective_on": "2025-06-01",
            "document": "穗人社变更〔2025〕6号"
        });
        let r = s.send(req("POST", &path).bearer(s.token("unit_a")).json(&merger));
        assert_eq!(r.status, 403, "{}", r.body);
        let mut bad = merger.clone();
        bad["kind"] = json!("lease");
        let r = s.send(req("POST", &path).bearer(clerk).json(&bad));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("kind".into())),
            "{}",
            r.body
        );
        let r = s.send(req("POST", &path).bearer(clerk).json(&merger));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["kind"], "merger");
        let r = s.send(req("POST", &path).bearer(clerk).json(&merger));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("successor".into())),
            "{}",
            r.body
        );
        let r =
            s.send(req("GET", format!("/api/v1/units/{b}/successions")).bearer(s.token("unit_b")));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json().as_array().unwrap().len(), 1);

        let liability = format!("/api/v1/cases/{number}/liability");
        let r = s.send(req("GET", format!("{liability}?on=2025-05-31")).bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["liable_unit"], a);
        let r = s.send(req("GET", &liability).bearer(s.token("worker_1")));
        assert_eq!(r.status, 200, "{}", r.body);
        let answer = r.json();
        assert_eq!(answer["liable_unit"], b);
        assert_eq!(answer["steps"][1]["rule"], "successor");
        assert_eq!(
            answer["steps"][1]["articles_en"][0],
            "Regulations Art 43(1)"
        );
        let r = s.send(req("GET", format!("{liability}?on=someday")).bearer(clerk));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("on".into())),
            "{}",
            r.body
        );

        // Art 43(3): person 2 of unit B seconded to unit A; unit A may not
        // record it, unit B does; an injury at A during it is B's.
        let r = s.send(
            req("POST", "/api/v1/engagements")
                .bearer(clerk)
                .json(&json!({
                    "resident_id": f.person_2.as_str(), "unit": b, "category": "employee",
                    "start": "2025-01-01"
                })),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let engagement = r.json()["id"].as_i64().unwrap();
        let secondments = format!("/api/v1/engagements/{engagement}/secondments");
        let lend = json!({
            "to_unit": a, "start": "2025-04-01", "agreed_compensation_percent": 40,
            "agreement": "借调协议"
        });
        let r = s.send(
            req("POST", &secondments)
                .bearer(s.token("unit_a"))
                .json(&lend),
        );
        assert_eq!(r.status, 404, "{}", r.body);
        let r = s.send(
            req("POST", &secondments)
                .bearer(s.token("unit_b"))
                .json(&lend),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = s.send(
            req(
                "GET",
                format!(
                    "/api/v1/units/{a}/liability?injury_date=2025-05-01&resident_id={}",
                    f.person_2.as_str()
                ),
            )
            .bearer(clerk),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["liable_unit"], b);
        assert_eq!(r.json()["agreed_compensation_percent"], 40);

        // Order No. 56 Art 6: every term of the agreement is written.
        let agreements = format!("/api/v1/engagements/{engagement}/over-age-agreements");
        let mut agreement = json!({
            "signed_on": "2025-06-01", "term_start": "2025-06-01",
            "work_content": "保洁", "work_place": "广州", "working_hours": "每日6小时",
            "pay": "", "social_insurance": "工伤保险", "labour_protection": "劳保用品"
        });
        let r = s.send(
            req("POST", &agreements)
                .bearer(s.token("unit_b"))
                .json(&agreement),
        );
        assert_eq!(
            (r.status, r.field()),
            (422, Some("pay".into())),
            "{}",
            r.body
        );
        agreement["pay"] = json!("每月3000元");
        let r = s.send(
            req("POST", &agreements)
                .bearer(s.token("unit_b"))
                .json(&agreement),
        );
        assert_eq!(r.status, 201, "{}", r.body);

        // Art 44: person 1 posted to Singapore from 2025-05-01.
        let suspend = format!("/api/v1/enrollments/{}/suspensions", f.enrollment_1);
        let posting = json!({"from": "2025-05-01", "country": "SG", "document": "外派函"});
        let r = s.send(
            req("POST", &suspend)
                .bearer(s.token("unit_a"))
                .json(&posting),
        );
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(req("POST", &suspend).bearer(clerk).json(&json!({
            "from": "2025-05-01", "country": "sg", "document": "外派函"
        })));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("country".into())),
            "{}",
            r.body
        );
        let r = s.send(req("POST", &suspend).bearer(clerk).json(&posting));
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let coverage = |day: &str| {
            let r = s.send(
                req(
                    "GET",
                    format!(
                        "/api/v1/coverage?resident_id={}&at={day}",
                        f.person_1.as_str()
                    ),
                )
                .bearer(clerk),
            );
            assert_eq!(r.status, 200, "{}", r.body);
            r.json()["reason"].as_str().unwrap().to_owned()
        };
        assert_eq!(coverage("2025-06-15"), "suspended");
        let r = s.send(
            req("POST", format!("/api/v1/suspensions/{id}/resume"))
                .bearer(clerk)
                .json(&json!({"returned_on": "2025-06-20"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["until"], "2025-06-19");
        assert_ne!(coverage("2025-06-20"), "suspended");
        let r = s.send(
            req(
                "GET",
                format!("/api/v1/people/{}/suspensions", f.person_1.as_str()),
            )
            .bearer(s.token("worker_1")),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json().as_array().unwrap().len(), 1);
    });
}

/// The pages: the case page names the liable unit (Art 43), the unit page
/// has its section of successions.
#[test]
fn regs_art43_the_case_page_names_the_liable_unit_and_the_unit_page_its_successions() {
    use crate::common::{Session, demo, request, sign_in};
    let get =
        |path: &str, s: &Session| request(demo().addr, "GET", path, &[("Cookie", &s.cookie)], None);
    let clerk = sign_in("clerk");
    let number = crate::staff_ui::intake(&clerk, 4301);
    let page = get(&format!("/cases/{number}?lang=en"), &clerk).body;
    assert!(page.contains("id=\"liable-unit\""), "{page}");
    assert!(page.contains("Liable unit"), "{page}");
    let unit = get("/units/1?lang=en", &clerk).body;
    assert!(unit.contains("id=\"successions\""), "{unit}");
    assert!(unit.contains("Regulations Art 43"), "{unit}");
}

#[test]
fn regs_art43_1_the_api_moves_a_merged_unit_s_enrolments_to_its_successor() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let (a, b) = (f.unit_a.as_str(), f.unit_b.as_str());
        let merger = json!({
            "successor": b, "kind": "merger", "effective_on": "2025-06-01",
            "document": "穗人社变更〔2025〕6号"
        });
        let r = s.send(
            req("POST", format!("/api/v1/units/{a}/successions"))
                .bearer(clerk)
                .json(&merger),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        // The 变更登记: A's running enrolments move to B from the merger.
        let transfer = format!("/api/v1/units/{a}/successions/{b}/enrollment-transfer");
        let r = s.send(
            req("POST", &transfer)
                .bearer(s.token("unit_a"))
                .json(&json!({})),
        );
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(
            req("POST", &transfer)
                .bearer(clerk)
                .json(&json!({"people": ["not-an-id"]})),
        );
        assert_eq!(
            (r.status, r.field()),
            (422, Some("people".into())),
            "{}",
            r.body
        );
        let r = s.send(req("POST", &transfer).bearer(clerk).json(&json!({})));
        assert_eq!(r.status, 200, "{}", r.body);
        let moved = r.json();
        assert!(!moved["moved"].as_array().unwrap().is_empty(), "{moved}");
        assert_eq!(moved["moved"][0]["last_day"], "2025-05-31");
        assert_eq!(moved["moved"][0]["start"], "2025-06-01");
        // The coverage lookup (on PostgreSQL the asynchronous read, which
        // hands the succession's first day to the blocking path) answers as
        // every other surface does: covered by A on the eve and by B from
        // the merger's day, with no enrolment day between.
        let cover = |day: &str| {
            let r = s.send(
                req(
                    "GET",
                    format!(
                        "/api/v1/coverage?resident_id={}&at={day}",
                        f.person_1.as_str()
                    ),
                )
                .bearer(clerk),
            );
            assert_eq!(r.status, 200, "{}", r.body);
            let v = r.json();
            let units: Vec<String> = v["covers"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| c["unit"].as_str().map(str::to_owned))
                .collect();
            (v["reason"].as_str().unwrap().to_owned(), units)
        };
        assert_eq!(
            cover("2025-05-31"),
            ("covered".to_owned(), vec![a.to_owned()])
        );
        assert_eq!(
            cover("2025-06-01"),
            ("covered".to_owned(), vec![b.to_owned()])
        );
        let r = s.send(req("POST", &transfer).bearer(clerk).json(&json!({})));
        assert_eq!(r.status, 409, "{}", r.body);
    });
}

#[test]
fn regs_art43_1_the_api_has_the_successor_take_over_a_merged_unit_s_unpaid_bills() {
    each_backend(|s| {
        let f = &s.fixture;
        let clerk = s.token("clerk");
        let (a, b) = (f.unit_a.as_str(), f.unit_b.as_str());
        let takeover = format!("/api/v1/units/{a}/successions/{b}/debt-takeover");
        let r = s.send(req("POST", &takeover).bearer(clerk));
        assert_eq!(r.status, 404, "no succession yet: {}", r.body);
        let merger = json!({
            "successor": b, "kind": "merger", "effective_on": "2025-06-01",
            "document": "穗人社变更〔2025〕6号"
        });
        let r = s.send(
            req("POST", format!("/api/v1/units/{a}/successions"))
                .bearer(clerk)
                .json(&merger),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = s.send(req("POST", &takeover).bearer(s.token("unit_b")));
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(req("POST", &takeover).bearer(clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        let t = r.json();
        assert_eq!(t["already_recorded"], false, "{t}");
        assert_eq!(t["taken"][0]["bill_id"], f.bill_a, "{t}");
        assert_eq!(t["taken"][0]["to_unit"], b, "{t}");
        assert!(t["basis"].as_str().unwrap().contains("43"), "{t}");
        let r = s.send(req("POST", &takeover).bearer(clerk));
        assert_eq!(r.json()["already_recorded"], true, "{}", r.body);
        // The successor reads what it inherited; the predecessor what it
        // passed on; another unit nothing.
        let r =
            s.send(req("GET", format!("/api/v1/units/{b}/inherited")).bearer(s.token("unit_b")));
        assert_eq!(r.status, 200, "{}", r.body);
        let i = r.json();
        assert_eq!(i["debts"][0]["taken_over"]["bill_unit"], a, "{i}");
        assert_ne!(i["debts_total"], "0.00", "{i}");
        let r = s.send(req("GET", format!("/api/v1/units/{a}/inherited")).bearer(clerk));
        assert_eq!(r.json()["passed_on"][0]["bill_id"], f.bill_a, "{}", r.body);
        let r =
            s.send(req("GET", format!("/api/v1/units/{b}/inherited")).bearer(s.token("unit_a")));
        assert_eq!(r.status, 404, "{}", r.body);
    });
}
