//! Issues 13 and 14 in a real browser, on the demo's own records: the
//! clerk's page of who pays on the demo's uninsured case (Regulations Art
//! 62(2)-(3)) and its back-payment form, in English; the unit's
//! cancellation form (Decree 765 Art 10) refused next to the field and
//! above the form, in Chinese and in English; the analyst's scenarios page
//! (save, run as a job, follow the job's page to its end, compare two).
//! Each step also at phone size (390x844), screenshot for a person to look
//! at. A child module of `browser`, whose harness it uses.

use super::{Browser, on_path};
use crate::common::demo;

fn browser() -> Option<(Browser, &'static crate::common::DemoServer)> {
    let Some(chromedriver) = on_path("chromedriver") else {
        if std::env::var("GONGSHANG_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("GONGSHANG_REQUIRE_BROWSER=1 but chromedriver is not on PATH");
        }
        println!("browser tests skipped: chromedriver is not on PATH");
        return None;
    };
    let d = demo();
    Some((
        Browser::start(&chromedriver, format!("http://{}", d.addr)),
        d,
    ))
}

fn sample(d: &crate::common::DemoServer, what: &str) -> String {
    d.report
        .samples
        .iter()
        .find(|(w, _)| *w == what)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("the demo has no {what}: {:?}", d.report.notes))
}

/// Brings an element into the viewport for a screenshot.
fn scroll_to(b: &Browser, css: &str) {
    b.find(css);
    b.cmd(
        "POST",
        "/execute/sync",
        Some(serde_json::json!({"script": "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});", "args": [css]})),
    );
}

/// The width of the page's content beyond the window's: nothing a person
/// must scroll sideways for (tables scroll in their own box).
fn overflows(b: &Browser) -> bool {
    let v = b.cmd(
        "POST",
        "/execute/sync",
        Some(serde_json::json!({"script": "return document.documentElement.scrollWidth > window.innerWidth + 1;", "args": []})),
    );
    v.as_bool().unwrap_or(true)
}

#[test]
fn in_headless_chromium_art62_the_demos_uninsured_case_names_the_unit_and_takes_its_back_payment() {
    let Some((b, d)) = browser() else { return };
    let number = sample(d, "uninsured_case");
    b.sign_in("clerk");
    b.go(&format!("/cases/{number}"));
    b.wait_text("#payers", "由用人单位");
    b.go(&format!("/cases/{number}/payers"));
    b.wait_text("#payers-finding", "未为该职工参加工伤保险");
    // The approved award's items, each paid by the unit (Art 62(2)).
    b.wait_text("#payers-lines", "一次性伤残补助金");
    b.wait_text("#payers-lines", "用人单位");
    b.wait_text("#payers-medical", "由用人单位支付");
    b.screenshot("art62-payers");
    b.resize(390, 844);
    assert!(!overflows(&b), "the payers page is wider than a phone");
    b.screenshot("art62-payers-phone");
    b.resize(1280, 1000);

    // In English: a settled day before the period's end is refused under
    // its field in English, the receipt kept; then recorded.
    b.go("/lang/en");
    b.go(&format!("/cases/{number}/payers"));
    b.wait_text("#payers-finding", "had not insured the worker");
    b.set_value("#period_from", "2026-01-01");
    b.set_value("#period_until", "2026-03-31");
    b.set_value("#settled_on", "2026-03-01");
    b.fill("#premiums", "1260.00");
    b.fill("#late_fees", "41.50");
    b.fill("#document", "BP-2026-0620");
    b.click("#back-payment-form button[type=submit]");
    b.wait_text("#settled_on-error", "settled on: choose the day settled");
    assert!(b.try_find("#period_until-error").is_none());
    assert_eq!(b.value("#document"), "BP-2026-0620");
    b.screenshot("art62-payers-error-en");
    b.set_value("#settled_on", "2026-06-20");
    b.click("#back-payment-form button[type=submit]");
    b.wait_text(
        "#payers-back-payment",
        "settled the back-payment on 2026-06-20",
    );
    b.wait_text("#payers-recompute", "compute the award again");
    b.screenshot("art62-payers-recorded-en");
    b.go("/lang/zh");
}

#[test]
fn in_headless_chromium_decree765_art10_the_unit_cancellation_is_refused_in_the_clerks_words() {
    let Some((b, _d)) = browser() else { return };
    // The unit's own page, found as the unit finds it.
    b.sign_in("unit");
    b.go("/units/mine");
    b.wait_text("main h1", "");
    let page = b.url();
    let path = &page[page.find("/units/").expect("a unit page")..];
    assert!(
        b.try_find("#cancellation-form").is_none(),
        "a unit is not offered the cancellation form"
    );
    b.sign_out();

    b.sign_in("clerk");
    for (lang, blank, owes, runs_on) in [
        (
            "zh",
            "请写明单位终止的原因",
            "结清后方可注销",
            "须先办理减员",
        ),
        (
            "en",
            "say why the unit ends",
            "only once they are settled",
            "end them first",
        ),
    ] {
        b.go(&format!("/lang/{lang}"));
        b.go(&format!("{path}#cancellation"));
        b.click("#cancellation-form summary");
        b.set_value("#cancellation-last-day", "2026-06-15");
        b.fill("#cancellation-document", "注销通知书2026-06");
        b.click("#cancellation-form button[type=submit]");
        // A blank reason: under the field, in the clerk's language.
        b.wait_text("#reason-error", blank);
        assert_eq!(b.value("#cancellation-document"), "注销通知书2026-06");
        assert_eq!(b.value("#cancellation-last-day"), "2026-06-15");
        b.screenshot(&format!("cancellation-reason-{lang}"));
        // Premiums owed or people still enrolled: above the form, what is
        // owed or what still runs, not the generic "done meanwhile".
        b.fill("#cancellation-reason", "解散");
        b.click("#cancellation-form button[type=submit]");
        b.find("#cancellation .alert.error");
        let said = b.text("#cancellation .alert.error");
        assert!(said.contains(owes) || said.contains(runs_on), "{said}");
        assert!(
            !said.contains("可能已被他人办理") && !said.contains("meanwhile"),
            "{said}"
        );
        assert!(b.try_find("#reason-error").is_none());
        // The refusal is brought into view (the form is far down the page).
        let seen = b.cmd(
            "POST",
            "/execute/sync",
            Some(serde_json::json!({"script": "var r = document.querySelector('#cancellation .alert.error').getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight;", "args": []})),
        );
        assert_eq!(seen.as_bool(), Some(true), "the refusal is in view");
        b.resize(390, 844);
        scroll_to(&b, "#cancellation .alert.error");
        b.screenshot(&format!("cancellation-refused-{lang}-phone"));
        assert!(!overflows(&b), "the unit page is wider than a phone");
        b.resize(1280, 1000);
    }
    b.go("/lang/zh");
}

#[test]
fn in_headless_chromium_the_analyst_saves_a_scenario_runs_two_jobs_and_compares_them() {
    let Some((b, _d)) = browser() else { return };
    b.sign_in("analyst");
    b.go("/fund/scenarios");
    b.wait_text("main h1", "测算方案");
    b.resize(390, 844);
    b.screenshot("scenarios-phone");
    assert!(!overflows(&b), "the scenarios page is wider than a phone");
    b.resize(1280, 1000);
    // The form starts from the shipped example reform: a name is enough.
    assert!(!b.value("#save-scenario textarea[name=reform]").is_empty());
    b.fill("#save-scenario input[name=name]", "浏览器方案");
    b.fill("#save-scenario textarea[name=description]", "浏览器测试");
    b.click("#save-scenario button[type=submit]");
    b.wait_text("#scenarios", "浏览器方案");
    let row = "#scenarios tr:has(input[name=scenario][value='浏览器方案'])";
    let mut jobs = Vec::new();
    for seed in ["1", "2"] {
        b.go("/fund/scenarios");
        b.fill(&format!("{row} input[name=people]"), "2000");
        b.fill(&format!("{row} input[name=years]"), "3");
        b.fill(&format!("{row} input[name=seed]"), seed);
        b.click(&format!("{row} button[type=submit]"));
        b.wait_text("main h1", "测算任务 #");
        // The page follows the job by itself until it ends.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while !b.text("#simulation-job .job-status").contains("已完成") {
            assert!(
                std::time::Instant::now() < deadline,
                "the job did not finish: {}",
                b.text("#simulation-job")
            );
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        b.wait_text("#simulation-job", "浏览器方案");
        let url = b.url();
        if seed == "1" {
            // The list, a job done, at phone size.
            b.go("/fund/scenarios");
            b.wait_text("#simulation-jobs", "已完成");
            b.resize(390, 844);
            scroll_to(&b, "#scenarios");
            b.screenshot("scenarios-list-phone");
            assert!(!overflows(&b), "the scenarios list is wider than a phone");
            b.resize(1280, 1000);
        }
        jobs.push(url.rsplit('/').next().unwrap_or("").to_owned());
    }
    b.screenshot("simulation-job");
    b.resize(390, 844);
    b.screenshot("simulation-job-phone");
    b.resize(1280, 1000);
    // Compared from the second job's page with the first, chosen by its
    // scenario and seed (no job number to know); who started it in words.
    b.wait_text("#simulation-job", "分析员 analyst");
    b.wait_text("#compare-b", &format!("#{} 浏览器方案 v1", jobs[0]));
    b.set_value("#compare-b", &jobs[0]);
    b.click("#compare button[type=submit]");
    b.wait_text("main", "改革情形逐年对比");
    b.wait_text("main", "差额");
    b.screenshot("simulation-compare");
    b.resize(390, 844);
    b.screenshot("simulation-compare-phone");
}
