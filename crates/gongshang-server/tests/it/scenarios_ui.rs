//! Issue 14: the analyst's saved scenarios and simulation jobs in the web
//! UI, on the demo: a refused reform comes back under its field with what
//! was typed; a saved one is listed, its versions shown; run as a job, its
//! page shows the result with the reform page's chart and exports, and two
//! jobs compare year by year; a unit user is refused the page.

use crate::common::{Session, get, location, post, sign_in};

const REFORM: &str = "name = \"ceiling\"\n[[override]]\nkey = \"benefit_wage.ceiling_share\"\nfrom = 2027-01-01\nvalue = \"350%\"\nnote = \"raised\"\n";

/// The job's page once the job ended (bounded; no time asserted).
fn finished_job_page(s: &Session, path: &str) -> String {
    for _ in 0..6000 {
        let r = get(path, s);
        assert_eq!(r.status, 200, "{}", r.body);
        if !r.body.contains("hx-trigger=\"every 2s\"") {
            return r.body;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{path} did not finish");
}

/// The job page's progress entry: from its term to the end of its `<dd>`.
fn progress_line(page: &str) -> &str {
    let at = page.find("进度</dt>").expect("the progress term");
    let end = at + page[at..].find("</dd>").expect("the progress entry ends");
    &page[at..end]
}

/// "done/total" as the progress bar's attributes give them.
fn job_fraction(page: &str) -> String {
    let line = progress_line(page);
    let attr = |name: &str| {
        let at = line.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        line[at..at + line[at..].find('"').expect("the value ends")].to_owned()
    };
    format!("{}/{}", attr("value"), attr("max"))
}

#[test]
fn the_analyst_saves_a_scenario_runs_it_as_a_job_and_reads_the_result() {
    let s = sign_in("analyst");
    let page = get("/fund/scenarios", &s);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("保存方案"), "{}", page.body);

    let refused = post(
        "/fund/scenarios",
        &s,
        &[
            ("name", "界限测试"),
            ("description", "上限 350%"),
            (
                "reform",
                "name = \"x\"\n[[override]]\nkey = \"no.such\"\nfrom = 2027-01-01\nvalue = \"1%\"\nnote = \"n\"\n",
            ),
        ],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"save-reform-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("改革方案有误"), "{}", refused.body);
    assert!(
        refused.body.contains("value=\"界限测试\""),
        "the name comes back as typed"
    );
    assert!(
        !refused.body.contains("href=\"/fund/scenarios/%E7%95%8C"),
        "nothing was saved"
    );

    for _ in 0..2 {
        let saved = post(
            "/fund/scenarios",
            &s,
            &[
                ("name", "界限测试"),
                ("description", "上限 350%"),
                ("reform", REFORM),
            ],
        );
        assert_eq!(location(&saved), "/fund/scenarios");
    }
    let versions = get("/fund/scenarios/%E7%95%8C%E9%99%90%E6%B5%8B%E8%AF%95", &s);
    assert_eq!(versions.status, 200, "{}", versions.body);
    assert!(
        versions.body.contains("版本 1") && versions.body.contains("版本 2"),
        "{}",
        versions.body
    );

    let other = post(
        "/fund/scenarios",
        &s,
        &[
            ("name", "另一方案"),
            ("description", "不受他行输入影响"),
            ("reform", REFORM),
        ],
    );
    assert_eq!(location(&other), "/fund/scenarios");

    let bad = post(
        "/fund/simulation-jobs",
        &s,
        &[
            ("scenario", "界限测试"),
            ("people", "1000"),
            ("years", "99"),
        ],
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("id=\"run-years-error\""), "{}", bad.body);
    assert!(bad.body.contains("测算年数应为 1 至 30"), "{}", bad.body);
    assert_eq!(
        bad.body.matches("value=\"99\"").count(),
        1,
        "the entry comes back as typed, in the refused scenario's row only"
    );

    // The day that picks the insured as stored says what it is, and a bad
    // one is refused next to it (issue 14's form, as an analyst reads it).
    let bad_day = post(
        "/fund/simulation-jobs",
        &s,
        &[("scenario", "界限测试"), ("on", "2026-02-30")],
    );
    assert_eq!(bad_day.status, 422, "{}", bad_day.body);
    let error = bad_day
        .body
        .find("id=\"run-on-error\"")
        .expect("the day's error is shown");
    let at = bad_day.body[..error]
        .rfind("name=\"on\"")
        .expect("the day field is shown");
    assert!(
        error > at && error - at < 900,
        "the error stands next to the day: {}",
        bad_day.body
    );
    assert!(bad_day.body.contains("日期无效"), "{}", bad_day.body);
    assert!(
        bad_day.body.contains("或改用某日在保的已登记参保人"),
        "{}",
        bad_day.body
    );
    assert!(
        bad_day.body.contains("aria-describedby=\"run-on-error\""),
        "{}",
        bad_day.body
    );

    let started = post(
        "/fund/simulation-jobs",
        &s,
        &[
            ("scenario", "界限测试"),
            ("people", "2000"),
            ("years", "3"),
            ("replicates", "3"),
        ],
    );
    let job = location(&started);
    assert!(job.starts_with("/fund/simulation-jobs/"), "{job}");
    let done = finished_job_page(&s, &job);
    for text in [
        "已完成",
        "界限测试",
        "<svg",
        "盈亏平衡费率",
        "benefit_wage.ceiling_share",
        "format=xlsx",
    ] {
        assert!(done.contains(text), "the job's page shows {text}: {done}");
    }
    // The progress line says done/total once (the bar's fallback used to
    // repeat it).
    let progress = progress_line(&done);
    let fraction = job_fraction(&done);
    assert_eq!(
        progress.matches(&fraction).count(),
        1,
        "{fraction} once in the progress line: {progress}"
    );
    let list = get("/fund/scenarios", &s);
    assert!(list.body.contains(&fraction), "the list shows {fraction}");
    let csv = get(&format!("{job}?format=csv"), &s);
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("scenario,year,insured"), "{}", csv.body);
    let list = get("/fund/scenarios", &s);
    assert!(
        list.body.contains(&format!("href=\"{job}\"")),
        "the job is listed: {}",
        list.body
    );

    // A second run, its seed changed, compared with the first.
    let second = post(
        "/fund/simulation-jobs",
        &s,
        &[
            ("scenario", "界限测试"),
            ("people", "2000"),
            ("years", "3"),
            ("seed", "2"),
        ],
    );
    let second = location(&second);
    finished_job_page(&s, &second);
    let (a, b) = (
        job.trim_start_matches("/fund/simulation-jobs/"),
        second.trim_start_matches("/fund/simulation-jobs/"),
    );
    let compared = get(&format!("/fund/simulation-jobs/compare?a={a}&b={b}"), &s);
    assert_eq!(compared.status, 200, "{}", compared.body);
    for text in ["改革情形逐年对比", "差额", &format!("#{b} 界限测试 v2")] {
        assert!(
            compared.body.contains(text),
            "the comparison shows {text}: {}",
            compared.body
        );
    }
    let not_a_job = get(&format!("/fund/simulation-jobs/compare?a={a}&b=999999"), &s);
    assert_eq!(not_a_job.status, 404, "{}", not_a_job.body);

    let unit = sign_in("unit");
    assert_eq!(get("/fund/scenarios", &unit).status, 403);
}
