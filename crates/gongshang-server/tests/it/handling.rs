//! The handling deadlines and records of Decree No. 765 (社会保险经办条例第六条、
//! 第十条、第二十五条、第四十五条) over HTTP, on SQLite and PostgreSQL.

use serde_json::json;

use crate::api_common::{each_backend, req};
use crate::flows::{computed_award, recognised_case};

/// Decree 765 Art 25 over the API: the worker drawing a disability
/// allowance from 2025-07 (paid by the July run) died on Monday 2025-06-02;
/// the 20 working days (the Dragon Boat Festival's 2 June does not count)
/// ended on 2025-06-30 and a relative told the agency on 2025-07-01: late by
/// a day. The allowance ends with 2025-06, July's payment is an overpayment
/// to refund, and the report is on the late list until it comes back. A
/// reviewer reads but may not record; a worker reads nothing; a refused
/// field is named.
#[test]
fn decree765_art25_the_api_records_a_late_stop_report_and_lists_it_until_recovered() {
    each_backend(|s| {
        let f = &s.fixture;
        let (clerk, reviewer) = (s.token("clerk"), s.token("reviewer"));
        let number = "GS-2025-STOP";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let award = computed_award(s, number);
        let r = s.send(req("POST", format!("/api/v1/awards/{award}/approve")).bearer(reviewer));
        assert_eq!(r.status, 200, "{}", r.body);
        let r = s.send(
            req("POST", "/api/v1/payroll/runs")
                .bearer(clerk)
                .header("Idempotency-Key", "stop-payroll-2025-07")
                .json(&json!({"month": "2025-07"})),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let benefit = s
            .send(req("GET", format!("/api/v1/awards/{award}")).bearer(clerk))
            .json()["benefits"][0]["id"]
            .as_i64()
            .expect("a periodic benefit");
        let path = format!("/api/v1/cases/{number}/stop-reports");
        let body = json!({"benefit_id": benefit, "event": "death", "event_on": "2025-06-02",
            "reported_on": "2025-07-01", "reported_by": "relative", "recovery": "refund"});

        let mut bad = body.clone();
        bad["reported_by"] = json!("neighbour");
        let r = s.send(req("POST", &path).bearer(clerk).json(&bad));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("reported_by".into())),
            "{}",
            r.body
        );
        let r = s.send(req("POST", &path).bearer(reviewer).json(&body));
        assert_eq!(r.status, 403, "{}", r.body);

        let r = s.send(req("POST", &path).bearer(clerk).json(&body));
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        assert_eq!(v["due_on"], "2025-06-30", "{v}");
        assert_eq!(
            (v["late"].clone(), v["days_late"].clone()),
            (json!(true), json!(1))
        );
        assert_eq!(v["last_month"], "2025-06");
        assert_eq!(v["overpaid_months"], 1);
        assert_eq!(v["outstanding"], v["overpaid"]);
        let r = s.send(req("POST", &path).bearer(clerk).json(&body));
        assert_eq!(r.status, 409, "{}", r.body);

        let late = s.send(req("GET", "/api/v1/stop-reports/late").bearer(reviewer));
        assert_eq!(late.status, 200, "{}", late.body);
        assert_eq!(late.json()[0]["case_number"], number, "{}", late.body);
        let listed = s.send(req("GET", &path).bearer(reviewer));
        assert_eq!(listed.json().as_array().unwrap().len(), 1);
        let worker = s.send(req("GET", &path).bearer(s.token("worker_1")));
        assert_eq!(worker.status, 403, "{}", worker.body);
    });
}

/// 劳社部令第18号 Art 4(2), 4(4) over the API: the events of a report include
/// `employment`, `enlistment` and `adoption`; an unknown one is refused at
/// `event`, and a worker's own employment ends no disability allowance
/// (Art 4 is about survivors' pensions): 409 with the reason, nothing
/// recorded.
#[test]
fn order18_art4_2_art4_4_the_api_takes_the_survivors_events_and_refuses_a_workers() {
    each_backend(|s| {
        let f = &s.fixture;
        let (clerk, reviewer) = (s.token("clerk"), s.token("reviewer"));
        let number = "GS-2025-STOP18";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let award = computed_award(s, number);
        let r = s.send(req("POST", format!("/api/v1/awards/{award}/approve")).bearer(reviewer));
        assert_eq!(r.status, 200, "{}", r.body);
        let benefit = s
            .send(req("GET", format!("/api/v1/awards/{award}")).bearer(clerk))
            .json()["benefits"][0]["id"]
            .as_i64()
            .expect("a periodic benefit");
        let path = format!("/api/v1/cases/{number}/stop-reports");
        let body = |event: &str| {
            json!({"benefit_id": benefit, "event": event, "event_on": "2025-06-02",
                "reported_on": "2025-06-10", "reported_by": "relative", "recovery": "refund"})
        };
        let r = s.send(req("POST", &path).bearer(clerk).json(&body("job")));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("event".into())),
            "{}",
            r.body
        );
        assert!(r.body.contains("employment"), "{}", r.body);
        for event in ["employment", "enlistment", "adoption"] {
            let r = s.send(req("POST", &path).bearer(clerk).json(&body(event)));
            assert_eq!(r.status, 409, "{event}: {}", r.body);
        }
        let listed = s.send(req("GET", &path).bearer(clerk));
        assert_eq!(listed.json(), json!([]), "{}", listed.body);
    });
}

/// Decree 765 Arts 6 and 10 over the API: unit A applies on Tuesday
/// 2025-07-01 to end person 1's enrolment (employment ended 2025-06-30); the
/// agency's 10 working days end on 2025-07-15. The clerk's open list names
/// the unit; completing before the enrolment ends is a conflict, after it is
/// in time. Unit B reads nothing of unit A's; a reviewer may not complete.
#[test]
fn decree765_art6_art10_the_api_receives_lists_and_completes_registrations() {
    each_backend(|s| {
        let f = &s.fixture;
        let (clerk, unit_a) = (s.token("clerk"), s.token("unit_a"));
        let path = format!("/api/v1/units/{}/registrations", f.unit_a.as_str());
        let body = json!({"resident_id": f.person_1.as_str(), "kind": "end",
            "employment_on": "2025-06-30", "enrollment_id": f.enrollment_1});
        let mut bad = body.clone();
        bad["kind"] = json!("stop");
        let r = s.send(req("POST", &path).bearer(unit_a).json(&bad));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("kind".into())),
            "{}",
            r.body
        );
        let r = s.send(req("POST", &path).bearer(unit_a).json(&body));
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        assert_eq!(
            (v["received_on"].clone(), v["due_on"].clone()),
            (json!("2025-07-01"), json!("2025-07-15")),
            "{v}"
        );
        assert_eq!(v["days_left"], 14);
        let id = v["id"].as_i64().unwrap();

        let open = s.send(req("GET", "/api/v1/registrations/open").bearer(clerk));
        assert_eq!(open.status, 200, "{}", open.body);
        assert_eq!(open.json()[0]["unit"], f.unit_a.as_str());
        let other = s.send(req("GET", &path).bearer(s.token("unit_b")));
        assert_eq!(other.status, 404, "{}", other.body);

        let complete = format!("/api/v1/registrations/{id}/complete");
        let r = s.send(
            req("POST", &complete)
                .bearer(s.token("reviewer"))
                .json(&json!({})),
        );
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(req("POST", &complete).bearer(clerk).json(&json!({})));
        assert_eq!(r.status, 409, "{}", r.body);
        let r = s.send(
            req(
                "POST",
                format!("/api/v1/enrollments/{}/end", f.enrollment_1),
            )
            .bearer(unit_a)
            .json(&json!({"last_day": "2025-06-30"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let r = s.send(req("POST", &complete).bearer(clerk).json(&json!({})));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            (r.json()["late"].clone(), r.json()["completed_on"].clone()),
            (json!(false), json!("2025-07-01"))
        );
        let mine = s.send(req("GET", &path).bearer(unit_a));
        assert_eq!(mine.json().as_array().unwrap().len(), 1, "{}", mine.body);
    });
}

/// Decree 765 Art 45(2) over the API: a hospital whose payments are
/// suspended (Art 43) is recorded from its suspension; the record is listed
/// for agency staff, corrected and withdrawn with reasons (kept, marked);
/// a unit, a worker and an analyst read nothing; a source that does not
/// show the act is refused.
#[test]
fn decree765_art45_the_api_records_corrects_and_withdraws_dishonest_acts() {
    each_backend(|s| {
        let (clerk, reviewer) = (s.token("clerk"), s.token("reviewer"));
        let mut hospital = json!({"code": "GZ-CR9", "name": "某医院", "kind": "medical",
            "region": "440100", "agreement_from": "2025-01-01"});
        let r = s.send(
            req("POST", "/api/v1/institutions")
                .bearer(clerk)
                .json(&hospital),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let record = json!({"subject_kind": "institution", "subject_key": "GZ-CR9",
            "source": "provider_suspended", "source_ref": "GZ-CR9",
            "act": "虚构住院天数申报费用", "acted_on": "2025-06-20"});
        let r = s.send(
            req("POST", "/api/v1/credit-records")
                .bearer(clerk)
                .json(&record),
        );
        assert_eq!((r.status, r.code()), (409, "conflict".into()), "{}", r.body);
        hospital["suspended"] = json!("违反服务协议，暂停拨付");
        let r = s.send(
            req("PUT", "/api/v1/institutions/GZ-CR9")
                .bearer(clerk)
                .json(&hospital),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let r = s.send(
            req("POST", "/api/v1/credit-records")
                .bearer(s.token("unit_a"))
                .json(&record),
        );
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(
            req("POST", "/api/v1/credit-records")
                .bearer(reviewer)
                .json(&record),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        assert_eq!(r.json()["article"], "社会保险经办条例第四十五条第二款");

        let changes = format!("/api/v1/credit-records/{id}/changes");
        let r = s.send(
            req("POST", &changes)
                .bearer(clerk)
                .json(&json!({"change": "correct",
            "article": "社会保险经办条例第五十五条", "reason": "依据条文更正"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["current_article"], "社会保险经办条例第五十五条");
        let r = s.send(
            req("POST", &changes)
                .bearer(clerk)
                .json(&json!({"change": "withdraw", "reason": "  "})),
        );
        assert_eq!(
            (r.status, r.field()),
            (422, Some("reason".into())),
            "{}",
            r.body
        );
        let r = s.send(
            req("POST", &changes)
                .bearer(clerk)
                .json(&json!({"change": "withdraw", "reason": "协议机构申诉成立"})),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["withdrawn"], true);

        let list = "/api/v1/credit-records?subject_kind=institution&subject_key=GZ-CR9";
        let r = s.send(req("GET", list).bearer(reviewer));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            r.json()[0]["changes"].as_array().unwrap().len(),
            2,
            "{}",
            r.body
        );
        for who in ["unit_a", "worker_1", "analyst"] {
            let r = s.send(req("GET", list).bearer(s.token(who)));
            assert_eq!(r.status, 403, "{who}: {}", r.body);
        }
    });
}

/// 劳社部令第18号 Art 5 over the API: the worker died on 2025-03-20 and the
/// spouse's pension (3,400.00 a month) was paid for 2025-06; the spouse was
/// taken into prison on 2025-05-10. June comes back (201, an overpayment);
/// the worker's own benefits cannot be paused (the grade 2 case); the
/// release on 2025-06-20 ends the pause with June (200), twice is 409; a
/// reviewer reads but may not record; a refused field is named.
#[test]
fn order18_art5_the_api_pauses_a_survivors_pension_and_records_the_release() {
    each_backend(|s| {
        let f = &s.fixture;
        let (clerk, reviewer) = (s.token("clerk"), s.token("reviewer"));
        let number = "GS-2025-PRISON";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let r = s.send(
            req("POST", format!("/api/v1/cases/{number}/awards"))
                .bearer(clerk)
                .json(
                    &json!({"facts": {"own_wage": "8500.00", "death_date": "2025-03-20",
                    "dependants": {"spouse": true, "others": 0}}}),
                ),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let award = r.json()["award"]["id"].as_i64().unwrap();
        let r = s.send(req("POST", format!("/api/v1/awards/{award}/approve")).bearer(reviewer));
        assert_eq!(r.status, 200, "{}", r.body);
        let r = s.send(
            req("POST", "/api/v1/payroll/runs")
                .bearer(clerk)
                .header("Idempotency-Key", "prison-payroll-2025-06")
                .json(&json!({"month": "2025-06"})),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let benefits = s
            .send(req("GET", format!("/api/v1/awards/{award}")).bearer(clerk))
            .json()["benefits"]
            .clone();
        let spouse = benefits
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["beneficiary"] == "spouse")
            .expect("the spouse's pension")["id"]
            .as_i64()
            .unwrap();
        let path = format!("/api/v1/cases/{number}/benefit-pauses");
        let body = json!({"benefit_id": spouse, "imprisoned_on": "2025-05-10",
            "document": "(2025)某刑初1号", "recovery": "refund"});
        let mut bad = body.clone();
        bad["imprisoned_on"] = json!("10/05/2025");
        let r = s.send(req("POST", &path).bearer(clerk).json(&bad));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("imprisoned_on".into())),
            "{}",
            r.body
        );
        let r = s.send(req("POST", &path).bearer(reviewer).json(&body));
        assert_eq!(r.status, 403, "{}", r.body);

        let r = s.send(req("POST", &path).bearer(clerk).json(&body));
        assert_eq!(r.status, 201, "{}", r.body);
        let v = r.json();
        assert_eq!(v["from_month"], "2025-06", "{v}");
        assert_eq!(v["until_month"], json!(null));
        assert!(v["overpayment_id"].is_i64(), "{v}");
        let r = s.send(req("POST", &path).bearer(clerk).json(&body));
        assert!(r.status == 409 || r.status == 422, "{}", r.body);

        let release = format!("{path}/release");
        let out =
            json!({"benefit_id": spouse, "released_on": "2025-06-20", "document": "释放证明书1号"});
        let r = s.send(req("POST", &release).bearer(clerk).json(&out));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["until_month"], "2025-06", "{}", r.body);
        let r = s.send(req("POST", &release).bearer(clerk).json(&out));
        assert_eq!(r.status, 409, "{}", r.body);

        let listed = s.send(req("GET", &path).bearer(reviewer));
        assert_eq!(listed.status, 200, "{}", listed.body);
        assert_eq!(listed.json().as_array().unwrap().len(), 1);
        let worker = s.send(req("GET", &path).bearer(s.token("worker_1")));
        assert_eq!(worker.status, 403, "{}", worker.body);
    });
}

mod pages {
    use crate::common::{Response, Session, demo, form, request, sign_in};

    fn get(path: &str, s: &Session) -> Response {
        request(demo().addr, "GET", path, &[("Cookie", &s.cookie)], None)
    }

    fn post(path: &str, s: &Session, pairs: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &s.csrf)];
        all.extend_from_slice(pairs);
        let body = form(&all);
        request(
            demo().addr,
            "POST",
            path,
            &[("Cookie", &s.cookie)],
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        )
    }

    fn allowance_case() -> String {
        demo()
            .report
            .samples
            .iter()
            .find(|(k, _)| *k == "allowance_case")
            .map(|(_, n)| n.clone())
            .expect("a case with a grade 1-4 allowance")
    }

    /// 劳社部令第18号 Art 5 on the page: the demo's spouse taken into prison on
    /// 2026-05-20 is listed, paused from 2026-06 with its overpayment, in
    /// Chinese and in English; the release form offers the pension and a
    /// refused release keeps what was typed and names its field; a worker
    /// does not see the page.
    #[test]
    fn order18_art5_the_clerk_sees_the_pause_and_the_release_form() {
        let clerk = sign_in("clerk");
        let number = demo()
            .report
            .samples
            .iter()
            .find(|(k, _)| *k == "death_case")
            .map(|(_, n)| n.clone())
            .expect("a death case");
        let path = format!("/cases/{number}/benefit-pauses");
        let page = get(&path, &clerk);
        assert_eq!(page.status, 200);
        assert!(page.body.contains("2026-05-20"), "{}", page.body);
        assert!(page.body.contains("服刑中"), "{}", page.body);
        assert!(page.body.contains("id=\"release-form\""), "{}", page.body);
        let en = get(&format!("{path}?lang=en"), &clerk);
        assert!(en.body.contains("serving"), "{}", en.body);
        let case = get(&format!("/cases/{number}"), &clerk);
        assert!(case.body.contains(&path), "the case page links to it");

        let refused = post(
            &format!("{path}/release"),
            &clerk,
            &[
                ("benefit_id", "999999"),
                ("released_on", "2026-13-01"),
                ("document", "释放证明书"),
            ],
        );
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(
            refused.body.contains("id=\"released_on-error\""),
            "{}",
            refused.body
        );
        assert!(refused.body.contains("value=\"2026-13-01\""), "typed kept");

        let worker = sign_in("worker");
        assert_ne!(get(&path, &worker).status, 200);
    }

    /// Decree 765 Art 25 on the pages: the demo's late report (a death on
    /// 2026-05-11 told on 2026-06-29) is on the clerk's queue and on the
    /// case's reports page, in Chinese and in English; a refused report keeps
    /// what was typed and names its field; a worker does not see the page.
    #[test]
    fn decree765_art25_the_clerk_sees_a_late_report_on_the_queue_and_the_case() {
        let clerk = sign_in("clerk");
        let number = allowance_case();
        let home = get("/", &clerk);
        assert_eq!(home.status, 200);
        assert!(
            home.body.contains("id=\"late-stop-reports\""),
            "{}",
            home.body
        );
        assert!(home.body.contains(&number));
        assert!(home.body.contains("逾期告知停止享受待遇情形"));
        let path = format!("/cases/{number}/stop-reports");
        let page = get(&path, &clerk);
        assert_eq!(page.status, 200);
        assert!(page.body.contains("data-late=\"true\""), "{}", page.body);
        assert!(page.body.contains("2026-05-11"));
        assert!(page.body.contains("id=\"stop-report-form\""));
        let en = get(&format!("{path}?lang=en"), &clerk);
        assert!(en.body.contains("late by"), "{}", en.body);
        let case = get(&format!("/cases/{number}"), &clerk);
        assert!(
            case.body.contains(&path),
            "the case page links to its reports"
        );

        let refused = post(
            &path,
            &clerk,
            &[
                ("benefit_id", "1"),
                ("event", "remarriage"),
                ("event_on", "2026-06-01"),
                ("reported_on", ""),
                ("reported_by", ""),
                ("recovery", "refund"),
            ],
        );
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(
            refused.body.contains("id=\"reported_by-error\""),
            "{}",
            refused.body
        );
        assert!(refused.body.contains("value=\"2026-06-01\""), "typed kept");

        let worker = sign_in("worker");
        let r = get(&path, &worker);
        assert_ne!(r.status, 200);
    }

    /// 劳社部令第18号 Art 4(2), 4(4) on the page: the report form offers a
    /// survivor's employment, enlistment and adoption, in Chinese and in
    /// English.
    #[test]
    fn order18_art4_2_art4_4_the_report_form_offers_employment_enlistment_and_adoption() {
        let clerk = sign_in("clerk");
        let path = format!("/cases/{}/stop-reports", allowance_case());
        let page = get(&path, &clerk);
        assert_eq!(page.status, 200);
        for (value, zh) in [
            ("employment", "就业"),
            ("enlistment", "参军"),
            ("adoption", "被他人或组织收养"),
        ] {
            assert!(
                page.body.contains(&format!("value=\"{value}\"")),
                "{}",
                page.body
            );
            assert!(page.body.contains(zh), "{}", page.body);
        }
        let en = get(&format!("{path}?lang=en"), &clerk);
        for words in [
            "took up employment",
            "enlisted in the army",
            "adopted by another person or an organisation",
        ] {
            assert!(en.body.contains(words), "{}", en.body);
        }
    }

    /// Decree 765 Arts 6, 10 on the pages: the demo's overdue application
    /// (received 2026-06-10, due 2026-06-25) is on the clerk's queue with
    /// its unit named; on the unit's page the clerk applies at the window: a
    /// bad identity number is refused at its field with what was typed kept,
    /// a good one is listed with its due day.
    #[test]
    fn decree765_art6_art10_the_clerk_sees_registrations_on_the_queue_and_the_unit() {
        let clerk = sign_in("clerk");
        let home = get("/", &clerk);
        assert!(home.body.contains("id=\"registrations\""), "{}", home.body);
        assert!(home.body.contains("data-overdue=\"true\""), "{}", home.body);
        let unit_link = home
            .body
            .split("id=\"registrations\"")
            .nth(1)
            .and_then(|rest| rest.split("href=\"/units/").nth(1))
            .and_then(|rest| rest.split('#').next())
            .expect("the unit's link")
            .to_owned();
        let page = get(&format!("/units/{unit_link}"), &clerk);
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("id=\"registration-form\""),
            "{}",
            page.body
        );
        assert!(page.body.contains("2026-06-25"));
        let path = format!("/units/{unit_link}/registrations");
        let refused = post(
            &path,
            &clerk,
            &[
                ("resident_id", "44010019990909"),
                ("kind", "start"),
                ("employment_on", "2026-06-22"),
                ("received_on", ""),
                ("enrollment_id", ""),
            ],
        );
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(
            refused.body.contains("id=\"resident_id-error\""),
            "{}",
            refused.body
        );
        assert!(refused.body.contains("value=\"2026-06-22\""));
        let person = gongshang_demo::demo_resident_id("440100", jiff::civil::date(1998, 8, 8), 991);
        let ok = post(
            &path,
            &clerk,
            &[
                ("resident_id", person.as_str()),
                ("kind", "start"),
                ("employment_on", "2026-06-22"),
                ("received_on", ""),
                ("enrollment_id", ""),
            ],
        );
        assert_eq!(ok.status, 303, "{}", ok.body);
        let page = get(&format!("/units/{unit_link}?lang=en"), &clerk);
        assert!(page.body.contains("days left"), "{}", page.body);
    }

    /// Decree 765 Art 45 on the pages: the clerk sees a unit's record of
    /// dishonest acts and its form; a record whose source does not exist is
    /// refused with what was typed kept; the unit itself never sees the
    /// section on its page.
    #[test]
    fn decree765_art45_the_record_of_dishonest_acts_is_shown_to_agency_staff_only() {
        let clerk = sign_in("clerk");
        let home = get("/", &clerk);
        let unit_link = home
            .body
            .split("id=\"registrations\"")
            .nth(1)
            .and_then(|rest| rest.split("href=\"/units/").nth(1))
            .and_then(|rest| rest.split('#').next())
            .expect("the unit's link")
            .to_owned();
        let page = get(&format!("/units/{unit_link}"), &clerk);
        assert!(page.body.contains("id=\"credit-records\""), "{}", page.body);
        assert!(page.body.contains("id=\"credit-form\""));
        let key = page
            .body
            .split("name=\"subject_key\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the unit's key")
            .to_owned();
        let refused = post(
            "/credit-records",
            &clerk,
            &[
                ("back", &format!("/units/{unit_link}")),
                ("subject_kind", "unit"),
                ("subject_key", &key),
                ("source", "fraud_overpayment"),
                ("source_ref", "999999"),
                ("act", "虚报工伤骗取待遇"),
                ("article", ""),
                ("acted_on", "2026-05-01"),
            ],
        );
        assert_eq!(refused.status, 404, "{}", refused.body);
        assert!(refused.body.contains("虚报工伤骗取待遇"), "typed kept");
        assert!(refused.body.contains("role=\"alert\""));
        let unit = sign_in("unit");
        let own = get("/units/mine", &unit);
        let own = if own.status == 303 {
            get(own.header("location").unwrap_or("/"), &unit)
        } else {
            own
        };
        assert!(!own.body.contains("credit-records"), "{}", own.body);
        assert!(!own.body.contains("失信"));
    }
}

/// Regulations Art 35 para 2 over the API: the grade 2 worker's allowance
/// (8,500.00 × 85% = 7,225.00 from 2025-07) is the base of the medical
/// insurance the unit and the worker pay; unit A reads it without naming
/// itself, unit B sees none of it, an analyst is refused, a month that is
/// no month is named.
#[test]
fn regs_art35_para2_the_api_lists_the_medical_insurance_bases_to_the_agency_and_the_unit() {
    each_backend(|s| {
        let f = &s.fixture;
        let number = "GS-2025-MEDB";
        recognised_case(s, number, f.unit_a.as_str(), f.person_1.as_str());
        let award = computed_award(s, number);
        let r = s.send(
            req("POST", format!("/api/v1/awards/{award}/approve")).bearer(s.token("reviewer")),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let path = "/api/v1/payroll/medical-insurance-bases?month=2025-08";
        let r = s.send(req("GET", path).bearer(s.token("clerk")));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        let rows = v["rows"].as_array().unwrap();
        let row = rows
            .iter()
            .find(|r| r["case_number"] == number)
            .unwrap_or_else(|| panic!("{v}"));
        assert_eq!(
            (
                row["grade"].clone(),
                row["base"].clone(),
                row["payer"].clone()
            ),
            (json!(2), json!("7225.00"), json!("fund"))
        );
        assert_eq!(v["article"], "《工伤保险条例》第三十五条第二款");
        let own = s.send(req("GET", path).bearer(s.token("unit_a"))).json();
        assert!(
            own["rows"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["case_number"] == number),
            "{own}"
        );
        assert_eq!(own["unit"], f.unit_a.as_str());
        let other = s.send(req("GET", path).bearer(s.token("unit_b"))).json();
        assert!(
            other["rows"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["case_number"] != number),
            "{other}"
        );
        let r = s.send(req("GET", path).bearer(s.token("analyst")));
        assert_eq!(r.status, 403, "{}", r.body);
        let r = s.send(
            req(
                "GET",
                "/api/v1/payroll/medical-insurance-bases?month=2025-13",
            )
            .bearer(s.token("clerk")),
        );
        assert_eq!(
            (r.status, r.field()),
            (422, Some("month".into())),
            "{}",
            r.body
        );
    });
}

/// Decree 765 Art 10 over the API: unit A, whose people are enrolled and
/// whose bills are open, cannot cancel its registration (409, the reason in
/// words); a date that is no date is named; a reviewer may not cancel; the
/// unit has no cancellation to read (404).
#[test]
fn decree765_art10_the_api_refuses_to_cancel_a_unit_that_owes_or_still_insures_people() {
    each_backend(|s| {
        let f = &s.fixture;
        let path = format!("/api/v1/units/{}/cancellation", f.unit_a.as_str());
        let body = json!({"last_day": "2025-01-31", "received_on": "2025-02-03",
            "reason": "解散", "document": "注销通知书"});
        let r = s.send(req("POST", &path).bearer(s.token("reviewer")).json(&body));
        assert_eq!(r.status, 403, "{}", r.body);
        let mut bad = body.clone();
        bad["last_day"] = json!("2025-02-30");
        let r = s.send(req("POST", &path).bearer(s.token("clerk")).json(&bad));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("last_day".into())),
            "{}",
            r.body
        );
        let r = s.send(req("POST", &path).bearer(s.token("clerk")).json(&body));
        assert_eq!(r.status, 409, "{}", r.body);
        let r = s.send(req("GET", &path).bearer(s.token("clerk")));
        assert_eq!(r.status, 404, "{}", r.body);
        let r = s.send(req("GET", &path).bearer(s.token("unit_a")));
        assert_eq!(r.status, 404, "{}", r.body);
    });
}
