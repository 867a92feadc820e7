//! Regulations Arts 43-44 and Order No. 56 Art 6 in the browser (issue 17):
//! the unit records a secondment and an over-age agreement on its worker's
//! page, the clerk a posting abroad and the return, and a unit's merger on
//! its page. Each refusal comes back in Chinese next to its field with
//! what was typed, and stores nothing. On the demo server (today
//! 2026-06-30), with a worker this test enrols in the enterprise.

use crate::common::{Session, demo, get, location, post, sign_in};

/// The enterprise of the `unit` login, and a second unit of the demo.
fn units(clerk: &Session) -> (String, String) {
    let enterprise = demo()
        .report
        .samples
        .iter()
        .find(|(w, _)| *w == "enterprise")
        .map(|(_, c)| c.clone())
        .expect("an enterprise");
    let list = get("/units", clerk).body;
    let other = list
        .split("<code>")
        .skip(1)
        .filter_map(|s| s.split("</code>").next())
        .find(|c| c.len() == 18 && *c != enterprise)
        .expect("a second unit")
        .to_owned();
    (enterprise, other)
}

/// A person of this test's own, enrolled by the clerk in `unit` from
/// 2026-01-01 (other tests enrol and change the demo's people): their
/// page's path.
fn own_person(clerk: &Session, unit: &str) -> String {
    // Past the statutory retirement age (60, on 2024-05-20) but within the
    // longest flexible delay (36 months), so still a Guangdong employee
    // (Guangdong Regulations Art 63(1) refuses one certainly past it).
    let rid = gongshang_demo::demo_resident_id("440100", jiff::civil::date(1964, 5, 20), 431);
    let r = post(
        "/enroll",
        clerk,
        &[
            ("resident_id", rid.as_str()),
            ("name", "借调测试"),
            ("unit", unit),
            ("scheme_id", "guangdong.employees"),
            ("category", "employee"),
            ("start", "2026-01-01"),
            ("labour_relation", "on"),
        ],
    );
    assert!(r.status == 200 || r.status == 303, "{}", r.body);
    let found = get(&format!("/people?q={}", rid.as_str()), clerk).body;
    let id = found
        .split("href=\"/people/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the person enrolled");
    format!("/people/{id}")
}

/// The value of the first `<option>` of a `<select name=...>` that has one.
fn first_option(page: &str, select: &str) -> String {
    page.split(&format!("name=\"{select}\""))
        .nth(1)
        .and_then(|s| s.split("<option value=\"").nth(2))
        .and_then(|s| s.split('"').next())
        .expect("an option")
        .to_owned()
}

#[test]
fn regs_art43_3_art44_order56_art6_the_person_page_records_secondments_postings_and_agreements() {
    let clerk = sign_in("clerk");
    let unit = sign_in("unit");
    let (enterprise, other) = units(&clerk);
    let person = own_person(&clerk, &enterprise);
    let page = get(&person, &unit).body;
    assert!(
        page.contains("用工、借调、派驻境外与超龄用工协议"),
        "{page}"
    );
    // Art 44's suspension is the agency's: the unit is not offered it.
    assert!(!page.contains("data-action=\"record_posting\""));
    // The engagement first (a unit records engagements with itself only:
    // its own code is the value, read-only); a backwards end is refused.
    assert!(
        page.contains(&format!("value=\"{enterprise}\" readonly")),
        "{page}"
    );
    let engage = |end: &str| {
        post(
            &format!("{person}/engagements"),
            &unit,
            &[
                ("form", "engagement"),
                ("unit", &enterprise),
                ("category", "employee"),
                ("start", "2026-03-01"),
                ("end", end),
            ],
        )
    };
    let r = engage("2026-02-01");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"end-error\""), "{}", r.body);
    assert!(r.body.contains("没有登记的用工关系"));
    assert_eq!(location(&engage("")), format!("{person}#changes"));
    let page = get(&person, &unit).body;
    assert!(page.contains("data-action=\"record_secondment\""), "{page}");
    let engagement = first_option(&page, "engagement_id");

    // Art 43(3): refused at the field, what was typed kept, nothing stored.
    let r = post(
        &format!("{person}/secondments"),
        &unit,
        &[
            ("form", "secondment"),
            ("engagement_id", &engagement),
            ("to_unit", "not-a-code"),
            ("start", "2026-06-01"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"to_unit-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"not-a-code\""));
    assert!(r.body.contains("没有借调记录"));
    let r = post(
        &format!("{person}/secondments"),
        &unit,
        &[
            ("form", "secondment"),
            ("engagement_id", &engagement),
            ("to_unit", &other),
            ("start", "2026-06-01"),
            ("agreed_compensation_percent", "101"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"agreed_compensation_percent-error\""));
    let r = post(
        &format!("{person}/secondments"),
        &unit,
        &[
            ("form", "secondment"),
            ("engagement_id", &engagement),
            ("to_unit", &other),
            ("start", "2026-06-01"),
            ("agreed_compensation_percent", "50"),
            ("agreement", "借调协议第3条"),
        ],
    );
    assert_eq!(location(&r), format!("{person}#changes"));
    let page = get(&person, &unit).body;
    assert!(page.contains(&other) && page.contains("50%"), "{page}");
    let end_path = page
        .split("action=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/end"))
        .expect("an end form for the running secondment")
        .to_owned();
    // The last day before the first is refused by the domain at `end`.
    let r = post(&end_path, &unit, &[("end", "2026-05-01")]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"end-error\""), "{}", r.body);
    let r = post(&end_path, &unit, &[("end", "2026-06-20")]);
    assert_eq!(location(&r), format!("{person}#changes"));
    assert!(get(&person, &unit).body.contains("2026-06-20"));

    // Art 44: the clerk suspends the enrolment for a posting abroad.
    let page = get(&person, &clerk).body;
    assert!(page.contains("data-action=\"record_posting\""), "{page}");
    let enrollment = first_option(&page, "enrollment_id");
    let posting = |country: &str| {
        post(
            &format!("{person}/postings"),
            &clerk,
            &[
                ("form", "posting"),
                ("enrollment_id", &enrollment),
                ("from", "2026-06-10"),
                ("country", country),
                ("document", "外派函〔2026〕1号"),
            ],
        )
    };
    let r = posting("CN");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"country-error\""), "{}", r.body);
    assert!(r.body.contains("外派函〔2026〕1号"));
    assert_eq!(location(&posting("de")), format!("{person}#changes"));
    let page = get(&person, &clerk).body;
    assert!(page.contains("<code>DE</code>"), "{page}");
    let return_path = page
        .split("action=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/return"))
        .expect("a return form")
        .to_owned();
    let r = post(&return_path, &clerk, &[("returned_on", "2026-06-25")]);
    assert_eq!(location(&r), format!("{person}#changes"));
    assert!(!get(&person, &clerk).body.contains("/return\""));

    // Order No. 56 Art 6: every term is asked for; a missing one is named.
    let mut terms = vec![
        ("form", "agreement"),
        ("engagement_id", engagement.as_str()),
        ("signed_on", "2026-06-01"),
        ("term_start", "2026-06-01"),
        ("term_end", "2027-05-31"),
        ("work_content", "仓库分拣"),
        ("work_place", "广州市天河区"),
        ("working_hours", "每日8小时，每周休息1日"),
        ("social_insurance", "单位缴纳工伤保险"),
        ("labour_protection", "配发防护手套"),
    ];
    let r = post(&format!("{person}/over-age-agreements"), &unit, &terms);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"pay-error\""), "{}", r.body);
    assert!(r.body.contains("仓库分拣"));
    terms.push(("pay", "每月4,500元，次月10日前转账"));
    let r = post(&format!("{person}/over-age-agreements"), &unit, &terms);
    assert_eq!(location(&r), format!("{person}#changes"));
    let page = get(&person, &unit).body;
    assert!(
        page.contains("每月4,500元") && page.contains("2027-05-31"),
        "{page}"
    );
}

#[test]
fn regs_art43_1_the_unit_page_records_a_merger_for_the_clerk_only() {
    let clerk = sign_in("clerk");
    let unit = sign_in("unit");
    let (enterprise, other) = units(&clerk);
    let mine = location(&get("/units/mine", &unit));
    assert!(
        !get(&mine, &unit)
            .body
            .contains("data-action=\"record_succession\""),
        "a unit does not record its own succession"
    );
    // The other unit's page as the clerk: contracting out to the enterprise
    // (the liability stays; other tests' cases are not moved).
    let list = get(&format!("/units?q={other}"), &clerk).body;
    let other_page = list
        .split("href=\"/units/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|id| format!("/units/{id}"))
        .expect("the other unit's page");
    let page = get(&other_page, &clerk).body;
    assert!(page.contains("data-action=\"record_succession\""), "{page}");
    let send = |kind: &str, day: &str| {
        post(
            &format!("{other_page}/successions"),
            &clerk,
            &[
                ("form", "succession"),
                ("kind", kind),
                ("successor", &enterprise),
                ("effective_on", day),
                ("document", "承包经营合同2026-01"),
                ("contractor_qualified", "yes"),
            ],
        )
    };
    let r = send("", "2026-06-01");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"kind-error\""), "{}", r.body);
    // Not in the future (the demo's today is 2026-06-30).
    let r = send("contracting_out", "2026-07-15");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"effective_on-error\""), "{}", r.body);
    assert!(r.body.contains("承包经营合同2026-01"));
    let r = send("contracting_out", "2026-06-01");
    assert_eq!(location(&r), format!("{other_page}#successions"));
    let page = get(&other_page, &clerk).body;
    assert!(page.contains("承包经营合同2026-01"), "{page}");
    // Art 43(2): contracting out moves no enrolment, so no transfer is
    // offered, and one sent anyway is refused in the clerk's words.
    assert!(
        !page.contains("data-action=\"transfer_enrollments\""),
        "{page}"
    );
    let r = post(
        &format!("{other_page}/enrollment-transfer"),
        &clerk,
        &[("form", "transfer"), ("successor", &enterprise)],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body.contains("第四十三条第二款") || r.body.contains("Art 43(2)"),
        "{}",
        r.body
    );
}

/// Decree 765 Art 10 on the unit's page: the clerk's cancellation form is
/// refused at the reason when blank, and, for a unit whose people are still
/// enrolled, above the form with what still runs; the unit itself is not
/// offered the form.
#[test]
fn decree765_art10_the_unit_page_refuses_to_cancel_a_unit_that_still_insures_people() {
    let clerk = sign_in("clerk");
    let unit = sign_in("unit");
    let mine = location(&get("/units/mine", &unit));
    assert!(
        !get(&mine, &unit)
            .body
            .contains("data-action=\"cancel_unit\""),
        "a unit does not cancel its own registration here"
    );
    let page = get(&mine, &clerk).body;
    assert!(page.contains("data-action=\"cancel_unit\""), "{page}");
    let send = |reason: &str| {
        post(
            &format!("{mine}/cancellation"),
            &clerk,
            &[
                ("last_day", "2026-06-15"),
                ("received_on", "2026-06-16"),
                ("reason", reason),
                ("document", "注销通知书2026-06"),
            ],
        )
    };
    let r = send("");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"reason-error\""), "{}", r.body);
    assert!(
        r.body.contains("注销通知书2026-06"),
        "what was typed is kept"
    );
    let r = send("解散");
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body.contains("须先办理减员") || r.body.contains("结清后方可注销"),
        "{}",
        r.body
    );
    // Said in the clerk's words, not the generic "done meanwhile".
    assert!(!r.body.contains("可能已被他人办理"), "{}", r.body);
}

/// Regulations Art 43(1) on the unit's page (issue 17): the demo's merger
/// (2026-06-01) had the successor take over the predecessor's unpaid bills;
/// the successor's page lists them in `#inherited` in the reader's language,
/// and the predecessor's page what it passed on, to the clerk; the clerk
/// taking them over again changes nothing.
#[test]
fn regs_art43_1_the_successor_s_page_shows_what_it_took_over() {
    let clerk = sign_in("clerk");
    let report = &demo().report;
    let successor = report
        .samples
        .iter()
        .find(|(w, _)| *w == "inherited_unit")
        .map(|(_, c)| c.clone())
        .unwrap_or_else(|| panic!("the demo's merger: {:?}", report.notes));
    let page_of = |code: &str| {
        let list = get(&format!("/units?q={code}"), &clerk).body;
        list.split("href=\"/units/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|id| format!("/units/{id}"))
            .expect("the unit's page")
    };
    let page = get(&page_of(&successor), &clerk).body;
    assert!(
        page.contains("id=\"inherited\""),
        "{:?}\n{page}",
        report.notes
    );
    assert!(page.contains("承继的责任"), "{page}");
    assert!(page.contains("id=\"inherited-debts\""), "{page}");
    let en = get(&format!("{}?lang=en", page_of(&successor)), &clerk).body;
    assert!(en.contains("Taken over from predecessors"), "{en}");
    assert!(en.contains("Unpaid bills taken over"), "{en}");
}
