//! The web UI over plain HTTP, on the demo data set: each role signs in and
//! sees its pages and nothing else; enrolment; the public calculator.

use crate::common::{Session, demo, form, request, sign_in};

fn get(path: &str, s: Option<&Session>) -> crate::common::Response {
    let d = demo();
    match s {
        Some(s) => request(d.addr, "GET", path, &[("Cookie", &s.cookie)], None),
        None => request(d.addr, "GET", path, &[], None),
    }
}

#[test]
fn calculator_needs_no_login_and_cites_each_article() {
    let r = get("/calc", None);
    assert_eq!(r.status, 200);
    // The default case is a grade-5 injury in Guangzhou (examples/cases/grade5-guangzhou.json).
    assert!(
        r.body.contains("第六十四条"),
        "the benefit wage cites Art 64"
    );
    assert!(r.body.contains("第三十六条"), "grade 5 cites Art 36");
    assert!(r.body.contains("计算过程与依据"), "the trace is shown");
    let body = form(&[
        ("region", "440100"),
        ("injury_date", "2025-03-10"),
        ("outcome", "death"),
        ("death_date", "2025-03-12"),
        ("own_wage", "8500.00"),
        ("spouse", "on"),
        ("others", "1"),
        ("suspension_months", "0"),
        ("hospital_days", "2"),
    ]);
    let d = demo();
    let r = request(
        d.addr,
        "POST",
        "/calc?lang=en",
        &[("HX-Request", "true")],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("<html"), "htmx gets a fragment");
    assert!(
        r.body.contains("Art 39"),
        "a death cites Art 39: {}",
        &r.body[..r.body.len().min(2000)]
    );
    assert!(
        r.body.contains("Survivors"),
        "survivors' pensions are listed"
    );
}

#[test]
fn calculator_refuses_a_bad_wage_naming_the_field() {
    let d = demo();
    let body = form(&[
        ("injury_date", "2025-03-10"),
        ("own_wage", "lots"),
        ("outcome", "none"),
    ]);
    let r = request(
        d.addr,
        "POST",
        "/calc",
        &[("HX-Request", "true")],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("无法计算"), "{}", r.body);
}

#[test]
fn pages_need_a_login_and_the_language_switches() {
    let r = get("/", None);
    assert_eq!(r.status, 303);
    assert!(
        r.header("location")
            .is_some_and(|l| l.starts_with("/login"))
    );
    let r = get("/login?lang=en", None);
    assert!(r.body.contains("Sign in"));
    let r = get("/login", None);
    assert!(r.body.contains("登录"));
    let r = request(
        demo().addr,
        "GET",
        "/lang/en",
        &[("Referer", "http://x/calc")],
        None,
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/calc"));
    assert!(
        r.header("set-cookie")
            .is_some_and(|c| c.starts_with("lang=en"))
    );
}

#[test]
fn assets_are_embedded() {
    // The pages link the current version, cached for a year; another
    // version is still served, but not cached.
    let page = get("/login", None);
    let css = page
        .body
        .split("href=\"")
        .find_map(|t| t.split('"').next().filter(|h| h.ends_with("/app.css")))
        .expect("the page links its stylesheet")
        .to_owned();
    let version = css
        .trim_start_matches("/assets/")
        .trim_end_matches("/app.css");
    for name in ["htmx.min.js", "echarts.common.min.js", "app.css", "app.js"] {
        let path = format!("/assets/{version}/{name}");
        let r = get(&path, None);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.len() > 1000, "{path} has content");
        assert_eq!(
            r.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{path}"
        );
    }
    assert_eq!(
        get("/assets/0/app.css", None).header("cache-control"),
        Some("no-cache")
    );
    assert_eq!(
        get(&format!("/assets/{version}/nothing.js"), None).status,
        404
    );
}

#[test]
fn every_role_signs_in_and_reaches_its_home() {
    let d = demo();
    // The service centre's front desk, mediator and partner came with issue 15.
    // The rider (a platform's worker) came with the worker's injury report.
    assert_eq!(d.logins.len(), 11, "one login per role");
    for (login, page, expect) in [
        // Issue 13: the clerk's home is the work queue, the reviewer's the
        // awards awaiting review.
        ("clerk", "/", "我的待办"),
        ("reviewer", "/", "待我复核"),
        ("admin", "/units", "参保单位"),
        ("analyst", "/", "data-chart"),
        ("unit", "/people", "人员"),
        ("platform", "/bills", "征缴账单"),
        ("worker", "/me", "我的保障"),
        ("rider", "/me", "报告工伤"),
        ("front", "/tickets", "受理队列"),
        ("mediator", "/tickets", "调解队列"),
        ("arbitration", "/tickets", "转介收件箱"),
    ] {
        let s = sign_in(login);
        let r = get(page, Some(&s));
        assert_eq!(r.status, 200, "{login} on {page}");
        assert!(!s.csrf.is_empty(), "{login} has a CSRF token");
        assert!(
            r.body.to_lowercase().contains(expect),
            "{login} on {page} shows {expect}"
        );
    }
}

#[test]
fn roles_are_refused_what_they_may_not_see() {
    let worker = sign_in("worker");
    assert_eq!(get("/units", Some(&worker)).status, 403);
    assert_eq!(get("/enroll", Some(&worker)).status, 403);
    let analyst = sign_in("analyst");
    assert_eq!(get("/people", Some(&analyst)).status, 403);
    assert_eq!(get("/bills", Some(&analyst)).status, 403);
    let unit = sign_in("unit");
    assert_eq!(get("/units", Some(&unit)).status, 403);
    let mine = get("/units/mine", Some(&unit));
    assert_eq!(mine.status, 303);
    // Another unit's page is not found for a unit user.
    let other = (1..5)
        .map(|id| format!("/units/{id}"))
        .find(|p| Some(p.as_str()) != mine.header("location"))
        .expect("another unit");
    assert_eq!(get(&other, Some(&unit)).status, 404);
}

#[test]
fn a_clerk_enrols_a_person_and_sees_them() {
    let d = demo();
    let s = sign_in("clerk");
    let unit = d
        .report
        .samples
        .iter()
        .find(|(w, _)| *w == "enterprise")
        .map(|(_, c)| c.clone())
        .expect("an enterprise");
    // 110101 19900307 123 X: a valid identity number made for this test.
    let rid = gongshang_demo::demo_resident_id("440100", jiff::civil::date(1990, 3, 7), 123);
    let body = form(&[
        ("csrf_token", &s.csrf),
        ("resident_id", rid.as_str()),
        ("name", "测试人员"),
        ("unit", &unit),
        ("scheme_id", "guangdong.employees"),
        ("category", "employee"),
        ("start", "2026-07-01"),
        ("labour_relation", "on"),
    ]);
    let r = request(
        d.addr,
        "POST",
        "/enroll",
        &[("Cookie", &s.cookie), ("HX-Request", "true")],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("已登记参保"), "{}", r.body);
    // Without the CSRF token the same post is refused.
    let body = form(&[
        ("resident_id", rid.as_str()),
        ("scheme_id", "guangdong.employees"),
    ]);
    let r = request(
        d.addr,
        "POST",
        "/enroll",
        &[("Cookie", &s.cookie)],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 403);
    let found = get(&format!("/people?q={}", rid.as_str()), Some(&s));
    assert!(found.body.contains("测试人员"));
}

#[test]
fn a_worker_buys_yilubao_days() {
    let d = demo();
    let s = sign_in("worker");
    let body = form(&[
        ("csrf_token", &s.csrf),
        ("scheme_id", "xiamen.yilubao"),
        ("first_day", "2026-08-05"),
        ("days", "3"),
    ]);
    let r = request(
        d.addr,
        "POST",
        "/me/days",
        &[("Cookie", &s.cookie), ("HX-Request", "true")],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("id=\"bought\""), "{}", r.body);
    // The same days again: already covered, said under the field.
    let again = request(
        d.addr,
        "POST",
        "/me/days",
        &[("Cookie", &s.cookie), ("HX-Request", "true")],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert!(again.body.contains("first_day-error"), "{}", again.body);
    assert!(!again.body.contains("id=\"bought\""));
}

#[test]
fn the_dashboard_counts_every_scheme() {
    let s = sign_in("analyst");
    let r = get("/", Some(&s));
    for scheme in [
        "national.employees",
        "guangdong.employees",
        "jiangsu.employees",
        "guangdong.specific_persons",
        "jiangsu.over_age_and_interns",
        "shandong.specific_workers",
        "xiamen.yilubao",
    ] {
        assert!(r.body.contains(scheme), "the dashboard lists {scheme}");
    }
}

#[test]
fn the_demo_takes_cases_through_every_stage_without_a_refusal() {
    let d = demo();
    let stopped: Vec<&String> = d
        .report
        .notes
        .iter()
        .filter(|n| n.starts_with("case "))
        .collect();
    assert!(stopped.is_empty(), "{stopped:#?}");
    assert!(d.report.cases >= 14, "{} cases", d.report.cases);
    assert!(d.report.awards_approved >= 1);
    assert_eq!(d.report.payroll_runs, 1);
}

#[test]
fn the_demo_worker_is_covered_on_the_demo_day() {
    let s = sign_in("worker");
    let r = get("/me", Some(&s));
    let main = r.body.find("<main").map_or("", |i| &r.body[i..]);
    assert!(
        r.body.contains("✓ 在保"),
        "the worker is covered: {}",
        &main[..main.len().min(3000)]
    );
}

#[test]
fn a_worker_files_a_yilubao_claim_from_the_phone_page() {
    let d = demo();
    let s = sign_in("worker");
    let post = |fields: &[(&str, &str)]| {
        let body = form(fields);
        request(
            d.addr,
            "POST",
            "/me/claims",
            &[("Cookie", &s.cookie), ("HX-Request", "true")],
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        )
    };
    let empty = post(&[
        ("csrf_token", &s.csrf),
        ("scheme_id", "xiamen.yilubao"),
        ("accident_date", "2026-06-30"),
        ("hospital_days", "0"),
        ("medical_expenses", ""),
    ]);
    assert!(
        empty.body.contains("hospital_days-error") && !empty.body.contains("已收到您的理赔申请"),
        "a claim for nothing is refused naming the field: {}",
        empty.body
    );
    // The demo worker is covered on the demo day (see above).
    let r = post(&[
        ("csrf_token", &s.csrf),
        ("scheme_id", "xiamen.yilubao"),
        ("accident_date", "2026-06-30"),
        ("hospital_days", "2"),
        ("medical_expenses", ""),
    ]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("已收到您的理赔申请"), "{}", r.body);
    let forged = post(&[
        ("csrf_token", "forged"),
        ("scheme_id", "xiamen.yilubao"),
        ("accident_date", "2026-06-30"),
        ("hospital_days", "2"),
    ]);
    assert_eq!(forged.status, 403);
}

#[test]
fn the_administrator_sees_the_holiday_calendar_and_a_refused_file_keeps_its_text() {
    let admin = sign_in("admin");
    let r = get("/admin/holidays", Some(&admin));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("2026年部分节假日安排"), "the shipped years");
    assert!(
        r.body.contains("<strong>2027</strong>"),
        "2027 is provisional"
    );
    // A file with a date outside its year: refused under the field, text kept.
    let d = demo();
    let text = "year = 2027\ninstrument = \"x\"\nissued = 2026-12-01\nsource = \"x\"\nconfidence = \"C1\"\n[[holiday]]\nname_zh = \"x\"\nname_en = \"x\"\noff_from = 2026-01-01\noff_until = 2027-01-01\nworking_days = []\n";
    let body = form(&[("csrf_token", &admin.csrf), ("file", text)]);
    let r = request(
        d.addr,
        "POST",
        "/admin/holidays",
        &[("Cookie", &admin.cookie)],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("field-error"), "{}", r.body);
    assert!(r.body.contains("not in the year 2027"), "{}", r.body);
    assert!(r.body.contains("off_from = 2026-01-01"), "the text is kept");
    // Nobody else may.
    let clerk = sign_in("clerk");
    assert_eq!(get("/admin/holidays", Some(&clerk)).status, 403);
}

#[test]
fn the_login_form_needs_its_pre_session_token() {
    let d = demo();
    let password = gongshang_demo::DEMO_PASSWORD;
    // A post from another site carries neither the cookie nor the field.
    // The refused posts name a login no other test signs in with: each
    // counts as a failure of that login from this address, and three of
    // them would make a parallel test's sign-in as the clerk wait a second.
    let probe = "csrf-probe";
    let forged = form(&[("login", probe), ("password", password)]);
    let r = request(
        d.addr,
        "POST",
        "/login",
        &[],
        Some(("application/x-www-form-urlencoded", forged.as_bytes())),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.header("set-cookie")
            .is_none_or(|c| !c.starts_with("gongshang_session"))
    );
    // The field without its cookie (or with another's) is refused too.
    let (cookie, token) = crate::common::login_form_token(d.addr);
    let (other_cookie, _) = crate::common::login_form_token(d.addr);
    let refused = form(&[
        ("login", probe),
        ("password", password),
        ("login_csrf", &token),
    ]);
    for headers in [vec![], vec![("Cookie", other_cookie.as_str())]] {
        let r = request(
            d.addr,
            "POST",
            "/login",
            &headers,
            Some(("application/x-www-form-urlencoded", refused.as_bytes())),
        );
        assert_eq!(r.status, 403, "{}", r.body);
    }
    let body = form(&[
        ("login", "clerk"),
        ("password", password),
        ("login_csrf", &token),
    ]);
    let r = request(
        d.addr,
        "POST",
        "/login",
        &[("Cookie", &cookie)],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.header("set-cookie")
            .is_some_and(|c| c.starts_with("gongshang_session="))
    );
    // The token's cookie: only for the login page, never sent cross-site.
    let page = request(d.addr, "GET", "/login", &[], None);
    let set = page.header("set-cookie").unwrap_or_default();
    assert!(
        set.contains("Path=/login") && set.contains("SameSite=Strict") && set.contains("HttpOnly"),
        "{set}"
    );
}

#[test]
fn an_administrator_disables_and_enables_an_account_and_revokes_a_token_on_the_accounts_page() {
    let d = demo();
    let admin = sign_in("admin");
    let post = |path: &str, body: &str, s: &Session| {
        request(
            d.addr,
            "POST",
            path,
            &[("Cookie", &s.cookie), ("X-CSRF-Token", &s.csrf)],
            Some(("application/json", body.as_bytes())),
        )
    };
    // An account of this test's own, with a token.
    let r = post(
        "/api/v1/accounts",
        &serde_json::json!({"login": "ui-disable", "role": "analyst",
            "password": gongshang_demo::DEMO_PASSWORD})
        .to_string(),
        &admin,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(
        "/api/v1/accounts/ui-disable/tokens",
        r#"{"label": "ui test"}"#,
        &admin,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let created: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let (token_id, token) = (
        created["id"].as_i64().unwrap(),
        created["token"].as_str().unwrap().to_owned(),
    );
    let bearer = format!("Bearer {token}");
    let me = || {
        request(
            d.addr,
            "GET",
            "/api/v1/me",
            &[("Authorization", &bearer)],
            None,
        )
    };
    assert_eq!(me().status, 200);

    let page = get("/admin/accounts?after=0", Some(&admin));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("data-login=\"ui-disable\""), "listed");
    assert!(page.body.contains("/admin/accounts/ui-disable/disable"));
    assert!(
        page.body
            .contains(&format!("/admin/tokens/{token_id}/revoke"))
    );
    // Not for other roles.
    let clerk = sign_in("clerk");
    assert_eq!(get("/admin/accounts", Some(&clerk)).status, 403);

    let submit = |path: &str, csrf: &str| {
        let body = form(&[("csrf_token", csrf)]);
        request(
            d.addr,
            "POST",
            path,
            &[("Cookie", &admin.cookie)],
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        )
    };
    assert_eq!(
        submit("/admin/accounts/ui-disable/disable", "forged").status,
        403
    );
    assert_eq!(me().status, 200);
    let r = submit("/admin/accounts/ui-disable/disable", &admin.csrf);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(me().status, 401, "disabled at once");
    let page = get("/admin/accounts", Some(&admin));
    assert!(page.body.contains("/admin/accounts/ui-disable/enable"));
    let r = submit("/admin/accounts/ui-disable/enable", &admin.csrf);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(me().status, 200, "enabled again");
    let r = submit(&format!("/admin/tokens/{token_id}/revoke"), &admin.csrf);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(me().status, 401, "revoked at once");
    // Disabling oneself is refused on the page, with the reason.
    let r = submit("/admin/accounts/admin/disable", &admin.csrf);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("role=\"alert\""), "{}", r.body);
}

/// Issue 14: the fund's page shows the demo's statement per region and
/// scheme with its chart and exports; a unit user is refused it.
#[test]
fn the_analyst_reads_the_fund_statement_with_its_chart() {
    let s = sign_in("analyst");
    let r = get("/fund?period=2026", Some(&s));
    assert_eq!(r.status, 200, "{}", r.body);
    for text in [
        "工伤保险基金收支表",
        "<svg",
        "format=xlsx",
        "jiangsu.employees",
        "xiamen.yilubao",
    ] {
        assert!(r.body.contains(text), "the fund page shows {text}");
    }
    let unit = sign_in("unit");
    assert_eq!(get("/fund", Some(&unit)).status, 403);
}

/// Issue 12: the platforms' payout ratios page (人社部发〔2025〕24号 Art 9):
/// the demo's platforms by year and month with the exports, linked from the
/// fund's page; a worker is refused it.
#[test]
fn the_analyst_reads_the_platforms_payout_ratios() {
    let s = sign_in("analyst");
    let fund = get("/fund?period=2026", Some(&s));
    assert!(
        fund.body.contains("/fund/payout-ratios"),
        "linked from the fund page"
    );
    let r = get("/fund/payout-ratios?from=2025-07&to=2026-12", Some(&s));
    assert_eq!(r.status, 200, "{}", r.body);
    for text in [
        "平台职业伤害保障支缴率",
        "支缴率",
        "format=csv",
        "format=xlsx",
        "按月",
    ] {
        assert!(r.body.contains(text), "the page shows {text}");
    }
    let worker = sign_in("worker");
    assert_eq!(get("/fund/payout-ratios", Some(&worker)).status, 403);
}

/// Issue 14: the analyst projects a reform over the demo's insured as
/// stored (and the periodic benefits it pays), sees baseline and reform side
/// by side with the chart, the expenditure by item and what was left out,
/// exports the years, and a refused entry comes back under its
/// field in Chinese with what was typed; a unit user is refused the page.
#[test]
fn the_analyst_simulates_a_reform_over_the_stored_insured_and_exports_it() {
    let s = sign_in("analyst");
    let empty = get("/fund/simulate", Some(&s));
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(
        empty.body.contains("benefit_wage.floor_share"),
        "the form starts with the shipped reform"
    );
    let q = "/fund/simulate?run=1&source=stored&years=3&reform=name+%3D+%22ceiling%22%0A%5B%5Boverride%5D%5D%0Akey+%3D+%22benefit_wage.ceiling_share%22%0Afrom+%3D+2027-01-01%0Avalue+%3D+%22350%25%22%0Anote+%3D+%22raised%22%0A";
    let r = get(q, Some(&s));
    assert_eq!(r.status, 200, "{}", r.body);
    for text in [
        "在保的参保记录",
        "<svg",
        "benefit_wage.ceiling_share",
        "盈亏平衡费率",
        "未计入",
        "format=xlsx",
        // Issue 14: the expenditure by item, the benefits in payment among them.
        "支出按项目",
        "供养亲属抚恤金（新发生）",
        "伤残津贴（期初在发）",
        // Whether the test's demo pays any on the day or not, the page says.
        "在发的定期待遇",
        // Issue 14: the incidence by scheme × class × grade from the stored cases.
        "按方案、行业类别和伤残等级的发生率",
    ] {
        assert!(r.body.contains(text), "the results show {text}: {}", r.body);
    }
    let csv = get(&format!("{q}&format=csv"), Some(&s));
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("scenario,year,insured"), "{}", csv.body);
    assert!(csv.body.contains("in_payment_survivors"), "{}", csv.body);
    let bad = get(
        "/fund/simulate?run=1&source=synthetic&people=100&years=99",
        Some(&s),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("id=\"years-error\""), "{}", bad.body);
    assert!(bad.body.contains("测算年数应为 1 至 30"), "{}", bad.body);
    assert!(
        bad.body.contains("value=\"99\""),
        "the entry comes back as typed"
    );
    let unit = sign_in("unit");
    assert_eq!(get("/fund/simulate", Some(&unit)).status, 403);
    // An address whose parameters do not read is a page in the person's
    // language, not the API's JSON problem.
    let twice = get("/fund/simulate?run=1&years=3&years=4", Some(&s));
    assert_eq!(twice.status, 400, "{}", twice.body);
    assert!(twice.body.contains("网址无法识别"), "{}", twice.body);
    assert!(!twice.body.contains("about:blank"), "{}", twice.body);
}

/// Issue 17: the agency's staff read the map of articles with its counts by
/// status; a worker may not; an award's trace lines link to their entries.
#[test]
fn the_map_of_articles_shows_every_instrument_and_award_lines_link_to_it() {
    let admin = sign_in("admin");
    let page = get("/admin/articles", Some(&admin));
    assert_eq!(page.status, 200);
    for expected in [
        "条文对照表",
        r#"id="national.regulations""#,
        r#"id="national.regulations-a64-2""#,
        r#"id="guangdong.specific-persons-2020-55-a6""#,
        r#"data-instrument="xiamen.yilubao""#,
        "fn:benefit_wage",
    ] {
        assert!(page.body.contains(expected), "missing {expected}");
    }
    assert_eq!(get("/admin/articles", Some(&sign_in("worker"))).status, 403);
    let award = (1..40)
        .map(|id| get(&format!("/awards/{id}"), Some(&admin)))
        .find(|r| r.status == 200)
        .expect("the demo has an award");
    assert!(
        award
            .body
            .contains(r#"href="/admin/articles#national.regulations-a"#),
        "an award's trace links to the map"
    );
}

/// 粤人社规〔2020〕55号 Art 6 and Art 13 (issue 17): enrolling a specific person
/// from the form takes the unit's commitment; the person's page shows it and
/// says that enrolment is no basis for a labour relation.
#[test]
fn gd55_art6_the_enrolment_form_takes_the_commitment_and_the_person_shows_it() {
    let d = demo();
    let s = sign_in("clerk");
    let unit = d
        .report
        .samples
        .iter()
        .find(|(w, _)| *w == "enterprise")
        .map(|(_, c)| c.clone())
        .expect("an enterprise");
    let form_page = get("/enroll", Some(&s));
    assert!(
        form_page.body.contains("粤人社规〔2020〕55号"),
        "the commitment's text is on the form"
    );
    assert!(form_page.body.contains("不作为确认双方存在劳动关系的依据"));
    let rid = gongshang_demo::demo_resident_id("440100", jiff::civil::date(1980, 3, 7), 177);
    let post = |extra: &[(&str, &str)]| {
        let mut fields = vec![
            ("csrf_token", s.csrf.as_str()),
            ("resident_id", rid.as_str()),
            ("name", "承诺测试"),
            ("unit", unit.as_str()),
            ("scheme_id", "guangdong.specific_persons"),
            ("category", "domestic_worker"),
            ("start", "2026-07-01"),
        ];
        fields.extend_from_slice(extra);
        request(
            d.addr,
            "POST",
            "/enroll",
            &[("Cookie", &s.cookie), ("HX-Request", "true")],
            Some((
                "application/x-www-form-urlencoded",
                form(&fields).as_bytes(),
            )),
        )
    };
    let refused = post(&[]);
    assert!(refused.body.contains("commitment"), "{}", refused.body);
    let enrolled = post(&[
        ("commitment", "on"),
        ("persons_informed", "on"),
        ("commitment_form", "paper"),
    ]);
    assert!(enrolled.body.contains("已登记参保"), "{}", enrolled.body);
    let person = enrolled
        .body
        .split("href=\"/people/")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("a link to the person");
    let page = get(&format!("/people/{person}"), Some(&s));
    assert!(page.body.contains("单位参保承诺"), "{}", page.body);
    assert!(page.body.contains("纸质承诺"));
    assert!(page.body.contains("不作为确认双方存在劳动关系的依据"));
}

#[test]
fn agency_staff_run_the_monitoring_rules_and_advance_an_alert_on_the_monitoring_page() {
    let d = demo();
    let clerk = sign_in("clerk");
    let submit = |path: &str, fields: &[(&str, &str)]| {
        let body = form(fields);
        request(
            d.addr,
            "POST",
            path,
            &[("Cookie", &clerk.cookie)],
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        )
    };
    assert_eq!(
        submit("/monitor/run", &[("csrf_token", "forged")]).status,
        403
    );
    let r = submit("/monitor/run", &[("csrf_token", &clerk.csrf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    // The form offers both modes; the incremental one follows the full.
    let r = submit(
        "/monitor/run",
        &[("csrf_token", &clerk.csrf), ("mode", "incremental")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = get("/monitor", Some(&clerk));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("监测预警"));
    assert!(page.body.contains("action=\"/monitor/run\""));
    assert!(page.body.contains("value=\"incremental\""));
    assert!(page.body.contains("value=\"full\""));
    assert!(page.body.contains("上次运行"));
    assert!(page.body.contains("增量"));
    // An alert, if the demo raised one, is advanced with a note.
    if let Some(i) = page.body.find("action=\"/monitor/alerts/") {
        let rest = &page.body[i + "action=\"".len()..];
        let path = &rest[..rest.find('"').unwrap()];
        let r = submit(
            path,
            &[
                ("csrf_token", &clerk.csrf),
                ("command", "close"),
                ("outcome", "unfounded"),
                ("note", "checked against the payroll"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
    }
    // A random audit sample (Decree 765 Art 42): a size out of bounds is
    // refused at its field; a good one opens sample alerts.
    let bad = submit(
        "/monitor/sample",
        &[
            ("csrf_token", &clerk.csrf),
            ("population", "cases"),
            ("size", "0"),
        ],
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("id=\"size-error\""), "{}", bad.body);
    let r = submit(
        "/monitor/sample",
        &[
            ("csrf_token", &clerk.csrf),
            ("population", "cases"),
            ("size", "3"),
            ("seed", "11"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = get("/monitor", Some(&clerk));
    assert!(page.body.contains("audit_sample"), "{}", page.body);
    assert!(page.body.contains("id=\"base-rate\""));
    // Analysts read without the forms; a worker or a unit is refused.
    let analyst = get("/monitor", Some(&sign_in("analyst")));
    assert_eq!(analyst.status, 200);
    assert!(!analyst.body.contains("action=\"/monitor/run\""));
    assert!(!analyst.body.contains("action=\"/monitor/sample\""));
    assert_eq!(get("/monitor", Some(&sign_in("worker"))).status, 403);
    assert_eq!(get("/monitor", Some(&sign_in("unit"))).status, 403);
}

/// Issue 16: an alert is worked on its own page: the rule's reason and
/// source, each flag in words with the records it fired on, the handling so
/// far and, for agency staff, the next step; analysts read it without the
/// form, a worker is refused, an unknown alert is not found.
#[test]
fn an_alert_s_page_shows_why_it_warns_and_on_what_records() {
    let _d = demo();
    let clerk = sign_in("clerk");
    let list = get("/monitor", Some(&clerk)).body;
    let id = list
        .split("href=\"/monitor/alerts/")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("the demo's nightly run raised an alert, linked to its page")
        .to_owned();
    let page = get(&format!("/monitor/alerts/{id}"), Some(&clerk));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("预警 #{id}")), "{}", page.body);
    assert!(page.body.contains("为何预警"), "{}", page.body);
    assert!(page.body.contains("id=\"flags\""), "{}", page.body);
    assert!(page.body.contains("class=\"record\""), "{}", page.body);
    assert!(
        page.body
            .contains(&format!("action=\"/monitor/alerts/{id}/advance\""))
            || page.body.contains("已结案"),
        "{}",
        page.body
    );
    let en = get(&format!("/monitor/alerts/{id}?lang=en"), Some(&clerk)).body;
    assert!(en.contains("Why it warns"), "{en}");
    let analyst = get(&format!("/monitor/alerts/{id}"), Some(&sign_in("analyst")));
    assert_eq!(analyst.status, 200);
    assert!(!analyst.body.contains("/advance\""), "{}", analyst.body);
    assert_eq!(
        get(&format!("/monitor/alerts/{id}"), Some(&sign_in("worker"))).status,
        403
    );
    assert_eq!(get("/monitor/alerts/999999", Some(&clerk)).status, 404);
}

/// Issue 16: agency staff and analysts read the grades with the reasons
/// for their points and the warnings of the groups; a date that is not one
/// is refused at its field; a worker or a unit is refused the page.
#[test]
fn the_grading_page_shows_grades_with_reasons_and_refuses_a_bad_day_at_the_field() {
    let _d = demo();
    let clerk = sign_in("clerk");
    let page = get("/monitor/grading", Some(&clerk));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("分级与预警"));
    assert!(page.body.contains("id=\"warnings\""), "{}", page.body);
    assert!(page.body.contains("monitoring.grading.d_from"));
    let monitor = get("/monitor", Some(&clerk));
    assert!(monitor.body.contains("href=\"/monitor/grading\""));
    let bad = get("/monitor/grading?as_of=2025-13-40", Some(&clerk));
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("id=\"as_of-error\""), "{}", bad.body);
    assert!(bad.body.contains("aria-invalid=\"true\""));
    let analyst = get(
        "/monitor/grading?as_of=2025-06-30",
        Some(&sign_in("analyst")),
    );
    assert_eq!(analyst.status, 200, "{}", analyst.body);
    assert_eq!(
        get("/monitor/grading", Some(&sign_in("worker"))).status,
        403
    );
    assert_eq!(get("/monitor/grading", Some(&sign_in("unit"))).status, 403);
}

/// Issue 15: the service centre's dashboard exports as CSV and as an Excel
/// workbook, through the house's one exporter; a worker may not.
#[test]
fn the_centre_dashboard_exports_as_csv_and_excel() {
    let front = sign_in("front");
    let csv = get("/tickets/dashboard.csv", Some(&front));
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.body.contains("dimension,key,count"), "{}", csv.body);
    assert!(csv.body.contains("summary,total,"), "{}", csv.body);
    let xlsx = get("/tickets/dashboard.xlsx", Some(&front));
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with("PK"), "a zip");
    assert!(xlsx.body.contains("xl/worksheets/sheet1.xml"));
    assert_eq!(
        get("/tickets/dashboard.xlsx", Some(&sign_in("worker"))).status,
        403
    );
}

/// Issue 15: a worker files a ticket from their own pages (the centre
/// knows who they are from the login: the form asks no identity), and sees
/// it among their tickets; the form never offers the staff's channels.
#[test]
fn a_worker_files_a_ticket_from_their_own_pages() {
    let d = demo();
    let s = sign_in("worker");
    let me = get("/me", Some(&s));
    assert!(me.body.contains("/tickets#file"), "{}", me.body);
    let page = get("/tickets", Some(&s));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"file\""), "{}", page.body);
    assert!(!page.body.contains("name=\"channel\""));
    assert!(!page.body.contains("name=\"resident_id\""));
    let body = form(&[
        ("csrf_token", s.csrf.as_str()),
        ("category", "consultation"),
        ("complainant_name", "测试工人"),
        ("complainant_phone", "13900004444"),
        ("district", "思明区"),
        ("summary", "想了解益鹭保的理赔材料"),
    ]);
    let r = request(
        d.addr,
        "POST",
        "/tickets",
        &[("Cookie", &s.cookie)],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let ticket = r.header("location").expect("the ticket's page").to_owned();
    let shown = get(&ticket, Some(&s));
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("想了解益鹭保的理赔材料"));
    // The employer's overview links to the same form.
    let unit = sign_in("unit");
    assert!(get("/employer", Some(&unit)).body.contains("/tickets#file"));
}

/// Regulations Art 17(2) and the pilot's confirmation (人社厅函〔2025〕79号):
/// a worker applies from their own phone page. A rider hurt on a day without
/// an order is told so at the date, with nothing filed; on a day of orders the
/// confirmation is filed against the platform of that day's orders, and a
/// choice that is not theirs is refused at its field.
#[test]
fn art17_a_rider_reports_an_injury_from_the_phone_page() {
    let d = demo();
    let s = sign_in("rider");
    let me = get("/me", Some(&s));
    assert!(
        me.body
            .contains("form method=\"post\" action=\"/me/injury\""),
        "{}",
        me.body
    );
    let post = |fields: &[(&str, &str)]| {
        let body = form(fields);
        request(
            d.addr,
            "POST",
            "/me/injury",
            &[("Cookie", &s.cookie), ("HX-Request", "true")],
            Some(("application/x-www-form-urlencoded", body.as_bytes())),
        )
    };
    let wrong = post(&[
        ("csrf_token", &s.csrf),
        ("cover", "enrollment:1"),
        ("accident_date", "2026-06-01"),
        ("ground", "art14_1_work_accident"),
    ]);
    assert!(
        wrong.body.contains("cover-error") && !wrong.body.contains("injury-result"),
        "another's enrolment is refused at the field: {}",
        wrong.body
    );
    // The rider's order days are random: try the days of June until one
    // had an order. A day without one is refused at the date.
    let mut filed = None;
    for day in 1..=30 {
        let date = format!("2026-06-{day:02}");
        let r = post(&[
            ("csrf_token", &s.csrf),
            ("cover", "pilot"),
            ("accident_date", &date),
        ]);
        assert_eq!(r.status, 200);
        if r.body.contains("injury-result") {
            filed = Some(r.body);
            break;
        }
        assert!(r.body.contains("accident_date-error"), "{}", r.body);
    }
    let body = filed.expect("a rider with orders in June has a day of orders");
    assert!(body.contains("已收到您的申请"), "{body}");
    assert!(!body.contains("confirmation_"), "no internal codes: {body}");
    let forged = post(&[
        ("csrf_token", "forged"),
        ("cover", "pilot"),
        ("accident_date", "2026-06-01"),
    ]);
    assert_eq!(forged.status, 403);
}

/// The brand link and the language switch lead to `/`: each role lands on
/// its own start page there, never on a refusal of the statistics.
#[test]
fn the_home_address_sends_each_role_to_its_own_start() {
    for (login, start) in [
        ("unit", Some("/employer")),
        ("platform", Some("/employer")),
        ("worker", Some("/me")),
        ("front", Some("/tickets")),
        ("mediator", Some("/tickets")),
        ("clerk", None),
        ("reviewer", None),
        ("analyst", None),
    ] {
        let s = sign_in(login);
        let r = get("/", Some(&s));
        match start {
            Some(path) => {
                assert_eq!(r.status, 303, "{login}: {}", r.body);
                assert_eq!(r.header("location"), Some(path), "{login}");
            }
            None => assert_eq!(r.status, 200, "{login}: {}", r.body),
        }
    }
}
