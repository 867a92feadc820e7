//! Browser tests: headless Chromium driven through chromedriver's WebDriver
//! protocol (plain HTTP with the tiny client of common.rs), on the demo
//! server. They run when `chromedriver` is on PATH and are skipped with a
//! notice otherwise, except that GONGSHANG_REQUIRE_BROWSER=1 (set by CI)
//! makes a missing chromedriver a failure.
//!
//! One test drives one browser through the steps in order (starting
//! Chromium is the slow part, and the processes are stopped when it ends,
//! even on failure). Screenshots go to `$TMPDIR/gongshang-browser/`.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{demo, request};

/// The W3C name of an element reference in answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    base: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.session);
        let _ = std::panic::catch_unwind(|| request(self.addr, "DELETE", &path, &[], None));
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Whether chromedriver answers `/status` with `ready`. Any I/O error is
/// "not yet": a driver that has just bound its port may accept and then
/// reset the first connection (seen on CI), which must not fail the test.
fn driver_ready(addr: SocketAddr) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let head = format!("GET /status HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(head.as_bytes()).is_err() {
        return false;
    }
    let mut raw = Vec::new();
    if stream.read_to_end(&mut raw).is_err() && raw.is_empty() {
        return false;
    }
    let text = String::from_utf8_lossy(&raw);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str::<Value>(body).is_ok_and(|v| v["value"]["ready"] == true)
}

impl Browser {
    fn start(chromedriver: &PathBuf, base: String) -> Browser {
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if driver_ready(addr) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not get ready in 20 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut options = json!({
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=zh-CN"]
        });
        for binary in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
            if std::path::Path::new(binary).is_file() {
                options["binary"] = json!(binary);
                break;
            }
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}});
        let mut b = Browser {
            driver,
            addr,
            session: String::new(),
            base,
        };
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_owned();
        b
    }

    /// A WebDriver command; panics with the driver's message on an error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body)
            .unwrap_or_else(|(status, body)| panic!("{method} {path}: {status} {body}"))
    }

    fn try_call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, (u16, String)> {
        let text = body.map(|b| b.to_string());
        let r = request(
            self.addr,
            method,
            path,
            &[],
            text.as_deref().map(|t| ("application/json", t.as_bytes())),
        );
        if r.status != 200 {
            return Err((r.status, r.body));
        }
        let v: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        Ok(v["value"].clone())
    }

    /// Finds the element and sends it a command. htmx swaps pages in place,
    /// so an element found a moment ago may be gone: then it is found again
    /// (a few times) instead of failing.
    fn element_cmd(&self, css: &str, method: &str, what: &str, body: Option<Value>) -> Value {
        let mut tries = 0;
        loop {
            let e = self.find(css);
            let path = format!("/session/{}/element/{e}{what}", self.session);
            match self.try_call(method, &path, body.clone()) {
                Ok(v) => return v,
                Err((_, text)) if text.contains("stale element") && tries < 5 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err((status, text)) => panic!("{method} {path} ({css}): {status} {text}"),
            }
        }
    }

    fn cmd(&self, method: &str, what: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{what}", self.session), body)
    }

    fn go(&self, path: &str) {
        self.cmd(
            "POST",
            "/url",
            Some(json!({"url": format!("{}{path}", self.base)})),
        );
    }

    fn try_find(&self, css: &str) -> Option<String> {
        let r = request(
            self.addr,
            "POST",
            &format!("/session/{}/element", self.session),
            &[],
            Some((
                "application/json",
                json!({"using": "css selector", "value": css})
                    .to_string()
                    .as_bytes(),
            )),
        );
        if r.status != 200 {
            return None;
        }
        let v: Value = serde_json::from_str(&r.body).ok()?;
        v["value"][ELEMENT].as_str().map(str::to_owned)
    }

    /// Waits up to 15 s for an element.
    fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(e) = self.try_find(css) {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "no element {css:?} on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn fill(&self, css: &str, text: &str) {
        self.element_cmd(css, "POST", "/clear", Some(json!({})));
        self.element_cmd(css, "POST", "/value", Some(json!({"text": text})));
    }

    /// Sets a value by script (date inputs take keys in the locale's order).
    fn set_value(&self, css: &str, value: &str) {
        self.find(css);
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": "document.querySelector(arguments[0]).value = arguments[1];", "args": [css, value]})),
        );
    }

    fn click(&self, css: &str) {
        self.element_cmd(css, "POST", "/click", Some(json!({})));
    }

    fn text(&self, css: &str) -> String {
        self.element_cmd(css, "GET", "/text", None)
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// An input's current value.
    fn value(&self, css: &str) -> String {
        self.element_cmd(css, "GET", "/property/value", None)
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// Waits up to 15 s until the element's text contains `needle`.
    fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let t = self
                .try_find(css)
                .map(|_| self.text(css))
                .unwrap_or_default();
            if t.contains(needle) {
                return t;
            }
            if Instant::now() >= deadline {
                let source = self.cmd("GET", "/source", None);
                let source = source.as_str().unwrap_or("");
                let main = source.find("<main").map_or(source, |i| &source[i..]);
                panic!(
                    "{css:?} never said {needle:?}; it says {t:?} on {}; the page: {}",
                    self.url(),
                    &main[..main.char_indices().nth(3000).map_or(main.len(), |(i, _)| i)]
                );
            }
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn screenshot(&self, name: &str) -> PathBuf {
        let data = self.cmd("GET", "/screenshot", None);
        let bytes = base64_decode(data.as_str().unwrap_or(""));
        let dir = std::env::temp_dir().join("gongshang-browser");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, bytes).expect("write the screenshot");
        path
    }

    fn sign_in(&self, login: &str) {
        self.go("/login");
        self.fill("#login", login);
        self.fill("#password", gongshang_demo::DEMO_PASSWORD);
        self.click("form[action='/login'] button[type=submit]");
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.url().contains("/login") {
            assert!(
                Instant::now() < deadline,
                "{login} did not get past the login page"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn sign_out(&self) {
        self.click("header form[action='/logout'] button");
        let deadline = Instant::now() + Duration::from_secs(15);
        while !self.url().contains("/login") {
            assert!(Instant::now() < deadline, "sign-out did not land on /login");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let Some(v) = value(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("Zm9vYmFy"), b"foobar");
}

#[test]
fn in_headless_chromium_roles_sign_in_a_clerk_enrols_a_case_reaches_an_approved_award_and_the_calculator_explains()
 {
    let Some(chromedriver) = on_path("chromedriver") else {
        if std::env::var("GONGSHANG_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!(
                "GONGSHANG_REQUIRE_BROWSER=1 but chromedriver is not on PATH: apt-get install chromium chromium-driver"
            );
        }
        println!(
            "browser tests skipped: chromedriver is not on PATH (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let d = demo();
    let b = Browser::start(&chromedriver, format!("http://{}", d.addr));

    // The public calculator, without a login: each amount with its article.
    b.go("/calc");
    b.click("input[name=outcome][value=death]");
    b.set_value("#death_date", "2025-03-20");
    b.click("form[action='/calc'] button[type=submit]");
    let award = b.wait_text("#calc-result", "第三十九条");
    assert!(award.contains("一次性工亡补助金"), "{award}");
    b.screenshot("calculator");

    // Every role signs in and lands on its own page.
    for (login, lands, says) in [
        // Issue 13: the clerk's home is the work queue, the reviewer's the
        // awards awaiting review.
        ("clerk", "/", "我的待办"),
        ("reviewer", "/", "待我复核"),
        ("admin", "/", "概览"),
        ("analyst", "/", "概览"),
        ("unit", "/employer", "月度申报"),
        ("platform", "/platform", "本月对账"),
        ("worker", "/me", "今天"),
    ] {
        b.sign_in(login);
        let url = b.url();
        assert!(
            url.contains(lands),
            "{login} lands on {url}, expected {lands}"
        );
        b.wait_text("main", says);
        b.sign_out();
    }

    // A clerk enrols a person (htmx posts the form and shows the answer).
    b.sign_in("clerk");
    b.go("/dashboard");
    b.wait_text("main", "概览");
    std::thread::sleep(Duration::from_millis(800)); // let ECharts draw
    b.screenshot("dashboard");
    let unit = d
        .report
        .samples
        .iter()
        .find(|(w, _)| *w == "enterprise")
        .map(|(_, c)| c.clone())
        .expect("an enterprise");
    let rid = gongshang_demo::demo_resident_id("320100", jiff::civil::date(1988, 11, 2), 456);
    b.go(&format!("/enroll?unit={unit}"));
    b.fill("#resident_id", rid.as_str());
    b.fill("#name", "浏览器测试");
    b.click("form[action='/enroll'] button[type=submit]");
    b.wait_text("#enroll-result", "已登记参保");
    b.screenshot("enrolled");
    // The same enrolment again is refused, saying why.
    b.go(&format!("/enroll?unit={unit}"));
    b.fill("#resident_id", rid.as_str());
    b.click("form[action='/enroll'] button[type=submit]");
    b.wait_text("#enroll-result", "already enrolled");
    b.go(&format!("/people?q={}", rid.as_str()));
    b.wait_text("#people", "浏览器测试");

    // English.
    b.go("/lang/en");
    b.go("/units");
    b.wait_text("main h1", "Units");
    b.screenshot("units-en");
    b.go("/lang/zh");
    b.sign_out();

    // A case from application to an approved award: the clerk accepts,
    // recognises, delivers, records the appraisal and computes the award;
    // a reviewer approves it (maker-checker).
    b.sign_in("clerk");
    b.go("/cases?q=completeness_review");
    b.click("#main table tbody a");
    b.wait_text("main h1", "材料审核中");
    for (button, state) in [
        ("accept", "已受理"),
        ("recognise", "已作出认定"),
        ("appraisal_apply", "劳动能力鉴定中"),
    ] {
        b.click(&format!("form input[name=action][value={button}] ~ button"));
        b.wait_text("main h1", state);
    }
    // Nothing preset (issue 13): the grade and the wage are chosen.
    b.set_value("#grade", "7");
    b.click("form input[name=action][value=conclude] ~ button");
    b.wait_text("main h1", "已鉴定");
    b.fill("#own_wage", "8000.00");
    b.click("form[action$='/award'] button[type=submit]");
    b.wait_text("main h1", "待复核");
    let award_url = b.url();
    b.sign_out();
    b.sign_in("reviewer");
    b.cmd("POST", "/url", Some(json!({"url": award_url})));
    b.click("form[action$='/approve'] button[type=submit]");
    b.wait_text("main h1", "已核准");
    b.wait_text("#trace", "第六十四条");
    b.screenshot("award");
    b.sign_out();

    // The administrator's accounts page: every account with its state and
    // its tokens, each with the button that changes it.
    b.sign_in("admin");
    b.go("/admin/accounts");
    b.wait_text("main h1", "账号与令牌");
    let table = b.text("#accounts");
    assert!(table.contains("clerk") && table.contains("停用"), "{table}");
    b.find("form[action='/admin/accounts/clerk/disable'] button");
    b.screenshot("accounts");
    b.sign_out();

    // The worker's phone page: cover today, buy days.
    b.resize(412, 915);
    b.sign_in("worker");
    b.wait_text("main", "今天");
    b.screenshot("phone");
    b.set_value("#first_day", "2026-10-01");
    b.click("form[action='/me/days/quote'] button[type=submit]");
    b.wait_text("#quote", "您本人支付");
    b.click("#confirm-pay");
    b.wait_text("#me", "已购买");
}

/// The service centre in a real browser: a worker files by the QR code's
/// form on a phone (390x844) without a login and follows the ticket with
/// its number and lookup code; the front desk accepts it, a mediator
/// settles and closes it; the arbitration court (a partner body) sees only
/// what was referred to it and reports its award back; the front desk's
/// escalation marks the overdue ticket.
#[test]
fn in_headless_chromium_a_worker_files_by_qr_code_on_a_phone_a_mediator_settles_and_arbitration_reports_back()
 {
    let Some(chromedriver) = on_path("chromedriver") else {
        if std::env::var("GONGSHANG_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("GONGSHANG_REQUIRE_BROWSER=1 but chromedriver is not on PATH");
        }
        println!("browser tests skipped: chromedriver is not on PATH");
        return;
    };
    let d = demo();
    let b = Browser::start(&chromedriver, format!("http://{}", d.addr));

    // On a phone, no login: a form sent without a name says so under the field.
    b.resize(390, 844);
    b.go("/q");
    b.set_value("#category", "platform_worker_dispute");
    b.fill("#summary", "送餐途中摔伤，平台不支付停工期间的报酬");
    b.click("form[action='/q'] button[type=submit]");
    let error = b.wait_text("#complainant_name-error", "姓名");
    assert!(!error.is_empty());
    b.screenshot("qr-form-error-phone");
    // What was typed is kept.
    b.wait_text("#summary", "送餐途中摔伤");
    b.fill("#complainant_name", "浏览器骑手");
    b.fill("#complainant_phone", "13700001234");
    b.click("form[action='/q'] button[type=submit]");
    let number = b.wait_text("#ticket-number", "SQ");
    let code = b.text("#lookup-code");
    assert_eq!(code.len(), 8, "{code}");
    b.screenshot("qr-filed-phone");
    b.click("#qr-done button[type=submit]");
    b.wait_text("#ticket", &number);
    b.wait_text("#ticket", "已登记");

    // The front desk accepts it; a mediator settles and closes it.
    b.resize(1280, 1000);
    b.sign_in("front");
    b.go(&format!("/tickets/{number}"));
    b.click("form input[name=command][value=triage] ~ button[type=submit]");
    b.wait_text("#ticket h1", "已受理");
    b.sign_out();
    b.sign_in("mediator");
    b.go(&format!("/tickets/{number}"));
    b.click("form input[name=command][value=record_session] ~ button[type=submit]");
    b.wait_text("#ticket h1", "调解中");
    b.fill("#agreement", "平台于 5 日内支付 3000 元");
    b.set_value("#confirmation", "arbitration_review");
    b.click("form input[name=command][value=settle] ~ button[type=submit]");
    b.wait_text("#ticket h1", "已达成调解协议");
    // The parties want arbitration review: the page offers to send it, to
    // an arbitration body only, within Order 17 Art 29's 15 days.
    b.find("form input[name=command][value=request_review]");
    let bodies = b.text("#rv-body");
    assert!(
        bodies.contains("仲裁") && !bodies.contains("法院"),
        "{bodies}"
    );
    b.wait_text("main", "15日内");
    // Closing without a resolution is refused under the field.
    b.click("form input[name=command][value=close] ~ button[type=submit]");
    b.wait_text("#resolution-error", "办理结果");
    b.fill("#resolution-input", "协议已履行");
    b.click("form input[name=command][value=close] ~ button[type=submit]");
    b.wait_text("#ticket h1", "已办结");
    b.screenshot("ticket-closed");
    b.sign_out();

    // The worker follows it on the phone with the number and the code.
    b.resize(390, 844);
    b.go("/q/follow");
    b.fill("#number", &number);
    b.fill("#lookup_code", &code);
    b.click("form[action='/q/follow'] button[type=submit]");
    b.wait_text("#resolution", "协议已履行");
    b.screenshot("qr-follow-phone");

    // The arbitration court sees only what was referred to it, and reports
    // its award back.
    b.resize(1280, 1000);
    b.sign_in("arbitration");
    b.go("/tickets");
    let inbox = b.wait_text("#ticket-queue", "SQ");
    assert!(inbox.contains("SQ2026-000005"), "{inbox}");
    assert!(
        !inbox.contains("SQ2026-000006"),
        "inspection's ticket leaked: {inbox}"
    );
    assert!(!inbox.contains(&number), "{inbox}");
    b.go("/tickets/SQ2026-000005");
    b.set_value("#status", "concluded");
    b.fill("#outcome", "裁决单位支付停工留薪期工资");
    b.click("form input[name=command][value=report_referral] ~ button[type=submit]");
    b.wait_text("#referrals", "已办结");
    b.screenshot("referral-reported");
    b.sign_out();

    // The front desk's escalation marks the overdue ticket; the dashboard
    // lists it.
    b.sign_in("front");
    b.go("/tickets");
    b.click("form[action='/tickets/escalate'] button");
    b.wait_text("#escalation-result", "检查");
    b.go("/tickets/dashboard");
    b.wait_text("#overdue", "SQ2026-000007");
    // The trend by month and the categories are drawn as charts.
    b.find("#tickets-by-month canvas");
    b.find("#tickets-by-category canvas");
    b.screenshot("tickets-dashboard");
}

/// What a ticket is about, in a real browser (issue 15): the worker on a
/// phone disputes a declined claim from the case's page (a ticket the
/// system raises, linked back to the case); the arbitration court confirms
/// a mediation agreement sent to it for review and the answer shows on the
/// ticket; a unit asks about one of its bills from the bill's row and the
/// ticket is listed with the bill.
#[test]
fn in_headless_chromium_a_worker_disputes_a_refused_claim_arbitration_reviews_an_agreement_a_unit_asks_about_a_bill()
 {
    let Some(chromedriver) = on_path("chromedriver") else {
        if std::env::var("GONGSHANG_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("GONGSHANG_REQUIRE_BROWSER=1 but chromedriver is not on PATH");
        }
        println!("browser tests skipped: chromedriver is not on PATH");
        return;
    };
    let d = demo();
    let b = Browser::start(&chromedriver, format!("http://{}", d.addr));

    // The worker's declined claim offers "dispute this" on the phone.
    b.resize(390, 844);
    b.sign_in("worker");
    b.go("/me");
    b.click("#my-cases a");
    b.wait_text("#case-state", "不予赔付");
    b.fill("#dispute-summary", "我当时正在送餐途中，有平台订单记录");
    b.screenshot("case-dispute-phone");
    b.click("#dispute-this");
    let page = b.wait_text("#ticket", "工伤认定或待遇争议");
    assert!(page.contains("我当时正在送餐途中"), "{page}");
    let case = b.wait_text("#ticket-subject", "GS");
    b.screenshot("dispute-ticket-phone");
    // The case's page now lists the ticket instead of offering another.
    b.go(&format!("/me/cases/{case}"));
    b.wait_text("#case-tickets", "SQ");
    b.sign_out();

    // The arbitration court confirms the agreement referred to it for
    // review; the answer is on the ticket.
    b.resize(1280, 1000);
    b.sign_in("arbitration");
    b.go("/tickets");
    let inbox = b.wait_text("#ticket-queue", "SQ");
    assert!(inbox.contains("SQ2026-000008"), "{inbox}");
    b.go("/tickets/SQ2026-000008");
    b.wait_text("#ticket", "站点于 7 月 10 日前支付医疗费");
    b.set_value("#rv-status", "confirmed");
    b.fill("#rv-outcome", "调解协议合法有效，出具仲裁调解书");
    b.click("form input[name=command][value=report_referral] ~ button[type=submit]");
    b.wait_text("#review-result", "协议已确认");
    b.screenshot("agreement-reviewed");
    b.sign_out();

    // A unit asks about one of its bills from the bills page.
    b.sign_in("unit");
    b.go("/bills");
    b.click(".subject-tickets a[href*='bill=']");
    let bill = b.value("#w-bill");
    assert!(!bill.is_empty());
    b.set_value("#w-category", "share_dispute");
    b.fill("#w-name", "单位经办人");
    b.fill("#w-summary", "账单金额与申报工资不符");
    b.click("form#file button[type=submit]");
    b.wait_text("#ticket-subject", &bill);
    b.go(&format!("/bills?q={bill}"));
    b.wait_text(".subject-tickets", "SQ");
    b.screenshot("bill-tickets");
}

/// The agency staff's day in a real browser (issue 13): the clerk takes an
/// application from intake to decision to award (the bad inputs refused in
/// Chinese next to their fields, what was typed kept); the reviewer returns
/// it with a reason, then approves the next; the administrator creates and
/// revokes a token; the analyst filters and exports; the queue on a phone
/// is a list of cards.
#[test]
fn in_headless_chromium_the_clerk_reviewer_administrator_and_analyst_do_their_day() {
    let Some(chromedriver) = on_path("chromedriver") else {
        if std::env::var("GONGSHANG_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("GONGSHANG_REQUIRE_BROWSER=1 but chromedriver is not on PATH");
        }
        println!("browser tests skipped: chromedriver is not on PATH");
        return;
    };
    let d = demo();
    let b = Browser::start(&chromedriver, format!("http://{}", d.addr));
    let unit = d
        .report
        .samples
        .iter()
        .find(|(w, _)| *w == "enterprise")
        .map(|(_, c)| c.clone())
        .expect("an enterprise");
    let person = gongshang_demo::demo_resident_id("440100", jiff::civil::date(1991, 2, 3), 777);

    // The clerk: the queue is home; an application with a bad identity
    // number is refused next to the field, in Chinese, the rest kept.
    b.sign_in("clerk");
    b.wait_text("main h1", "我的待办");
    b.wait_text("#overdue", "逾期");
    b.screenshot("staff-queue");
    // Shared-data matching (Decree 765 Arts 9, 26): a run without the
    // recovery chosen is refused next to the field, the mode kept.
    b.go("/matching");
    b.wait_text("main h1", "共享数据比对");
    b.set_value("#mode", "full");
    b.click("#run-matching button[type=submit]");
    b.wait_text("#recovery-error", "请选择追回方式");
    b.screenshot("staff-matching");
    // Grading (issue 16): the grades with their reasons, and the warnings.
    b.go("/monitor/grading");
    b.wait_text("main h1", "分级与预警");
    b.wait_text("#warnings", "预警");
    b.screenshot("staff-grading");
    // Medical costs (Regulations Arts 30, 47): a recognised case's hospital
    // bill waiting to be settled, and the register of agreement institutions.
    let medical = d
        .report
        .samples
        .iter()
        .find(|(w, _)| *w == "medical_case")
        .map(|(_, n)| n.clone())
        .expect("a case with a bill waiting");
    b.go(&format!("/cases/{medical}/medical"));
    b.wait_text("main h1", "工伤医疗费用");
    b.wait_text("main", "待结算");
    b.screenshot("staff-medical");
    b.go("/institutions");
    b.wait_text("main h1", "协议机构");
    b.screenshot("staff-institutions");
    b.go("/queue");
    b.wait_text("main h1", "我的待办");
    b.click("a[href='/cases/new']");
    b.wait_text("main h1", "受理工伤认定申请");
    b.fill("#person", "440100199102030000");
    b.fill("#unit", &unit);
    b.set_value("#scheme_id", "guangdong.employees");
    b.set_value("#applicant", "unit");
    b.set_value("#accident_date", "2026-06-12");
    b.set_value("#ground_claimed", "art14_1_work_accident");
    for m in [
        "application_form",
        "labour_relation_proof",
        "medical_diagnosis",
    ] {
        b.click(&format!("input[name=material][value={m}]"));
    }
    b.click("#intake button[type=submit]");
    b.wait_text("#person-error", "受伤职工身份证号");
    b.screenshot("staff-intake-error");
    b.wait_text("main", "");
    b.fill("#person", person.as_str());
    b.click("#intake button[type=submit]");
    b.wait_text("main h1", "材料审核中");
    let case_url = b.url();
    let number = case_url.rsplit('/').next().unwrap_or("").to_owned();
    // Regulations Art 62(2): the demo's enterprise never enrolled this
    // worker, so the unit pays; the back-payment form refuses a period that
    // ends before it begins next to the field, keeping the receipt typed;
    // on a phone the form is one column.
    b.go(&format!("/cases/{number}/payers"));
    b.wait_text("#payers-finding", "未为该职工参加工伤保险");
    b.set_value("#period_from", "2026-06-01");
    b.set_value("#period_until", "2026-05-01");
    b.set_value("#settled_on", "2026-06-12");
    b.fill("#premiums", "1200.00");
    b.fill("#late_fees", "30.00");
    b.fill("#document", "补缴凭证-777");
    b.click("#back-payment-form button[type=submit]");
    b.wait_text("#period_until-error", "不早于期间起");
    assert!(b.try_find("#period_from-error").is_none());
    assert_eq!(b.value("#document"), "补缴凭证-777");
    b.screenshot("staff-payers-error");
    b.resize(390, 844);
    b.screenshot("staff-payers-phone");
    b.resize(1280, 1000);
    b.cmd("POST", "/url", Some(json!({"url": case_url})));
    b.wait_text("#payers", "第六十二条");
    // Found in the queue by the identity number.
    b.go(&format!("/queue?q={}", person.as_str()));
    b.wait_text("main", &number);
    b.cmd("POST", "/url", Some(json!({"url": case_url})));
    // Only what the state allows, with the deadlines each starts and stops.
    b.wait_text("#next", "结束时限");
    assert!(b.try_find("form[data-action=deliver]").is_none());
    for (action, state) in [
        ("accept", "已受理"),
        ("recognise", "已作出认定"),
        ("appraisal_apply", "劳动能力鉴定中"),
    ] {
        b.click(&format!("form[data-action={action}] button[type=submit]"));
        b.wait_text("main h1", state);
    }
    // The conclusion needs a grade chosen.
    b.click("form[data-action=conclude] button[type=submit]");
    b.wait_text("#grade-error", "伤残等级");
    b.set_value("#grade", "8");
    b.click("form[data-action=conclude] button[type=submit]");
    b.wait_text("main h1", "已鉴定");
    // A wage that is not an amount: refused at the field, kept as typed.
    b.fill("#own_wage", "七千");
    b.fill("#suspension_months", "4");
    b.click("#award-form button[type=submit]");
    b.wait_text("#own_wage-error", "本人工资");
    b.screenshot("staff-award-error");
    b.fill("#own_wage", "7200.00");
    b.click("#award-form button[type=submit]");
    b.wait_text("main h1", "待复核");
    let first = b.url();
    b.wait_text(".history", "");
    b.sign_out();

    // The reviewer: the award waits on the home page; a return needs a
    // reason; returned, it is gone from the list.
    b.sign_in("reviewer");
    b.wait_text("main h1", "待我复核");
    let id = first.rsplit('/').next().unwrap_or("").to_owned();
    b.click(&format!("tr[data-award='{id}'] a[href='/awards/{id}']"));
    b.wait_text("#decide", "退回");
    b.click("#return button[type=submit]");
    b.wait_text("#reason-error", "退回理由");
    b.fill("#reason", "停工留薪期应按医嘱为6个月");
    b.click("#return button[type=submit]");
    b.wait_text("main h1", "待我复核");
    assert!(b.try_find(&format!("tr[data-award='{id}']")).is_none());
    b.sign_out();

    // The clerk sees the reason and computes again; the reviewer approves.
    b.sign_in("clerk");
    b.cmd("POST", "/url", Some(json!({"url": case_url})));
    b.wait_text("main", "停工留薪期应按医嘱为6个月");
    b.fill("#own_wage", "7200.00");
    b.fill("#suspension_months", "6");
    b.click("#award-form button[type=submit]");
    b.wait_text("main h1", "待复核");
    let second = b.url();
    b.sign_out();
    b.sign_in("reviewer");
    b.cmd("POST", "/url", Some(json!({"url": second})));
    b.click("#approve");
    b.wait_text("main h1", "已核准");
    b.click("a[href='#trace']");
    b.wait_text("#trace", "第六十四条");
    b.screenshot("staff-approved");
    b.sign_out();

    // The administrator: a token created (its secret shown once) and revoked.
    b.sign_in("admin");
    b.go("/admin/accounts");
    b.fill("#label-analyst", "浏览器测试令牌");
    b.click("form[action='/admin/accounts/analyst/tokens'] button[type=submit]");
    let shown = b.wait_text("#new-token", "gs_");
    assert!(shown.contains("只显示这一次"), "{shown}");
    let token_id = b
        .cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": "return document.querySelector('#new-token code').dataset.tokenId;", "args": []})),
        )
        .as_str()
        .unwrap_or("")
        .to_owned();
    b.click(&format!(
        "form[action='/admin/tokens/{token_id}/revoke'] button"
    ));
    b.wait_text(&format!("li[data-token='{token_id}']"), "已吊销");
    // A login with a space is refused at the field.
    b.click("#new-account summary");
    b.fill("#na-login", "bad login");
    b.set_value("#na-role", "clerk");
    b.click("form[action='/admin/accounts/new'] button[type=submit]");
    b.wait_text("#login-error", "账号");
    b.go("/admin/audit?q=revoke");
    b.wait_text("#audit", "revoke");
    b.go("/admin/parameters?q=avg_monthly_wage");
    b.wait_text("#parameters", "假设值");
    b.screenshot("staff-parameters");
    b.sign_out();

    // The analyst: filters, a bad region refused at its field, an export.
    b.sign_in("analyst");
    b.go("/analysis");
    b.wait_text("#table-months", "2026-");
    b.fill("#region", "44xx");
    b.click("#filters button[type=submit]");
    b.wait_text("#region-error", "地区");
    b.fill("#region", "4401");
    b.set_value("#scheme", "guangdong.employees");
    b.click("#filters button[type=submit]");
    b.wait_text("#table-regions", "440100");
    let regions = b.text("#table-regions");
    assert!(!regions.contains("440300"), "only Guangzhou: {regions}");
    std::thread::sleep(Duration::from_millis(800)); // let ECharts draw
    b.screenshot("staff-analysis");
    let csv = b.cmd(
        "POST",
        "/execute/async",
        Some(json!({"script": "var done = arguments[0]; fetch(document.querySelector('#table-months a[href*=\"format=csv\"]').href).then(function (r) { return r.arrayBuffer(); }).then(function (b) { done(new Uint8Array(b).slice(0, 3).join(',') + '|' + new TextDecoder().decode(b)); });", "args": []})),
    );
    let csv = csv.as_str().unwrap_or("");
    // UTF-8 with a byte-order mark (which the decoder takes off), so that
    // a spreadsheet reads the Chinese.
    assert!(
        csv.starts_with("239,187,191|月份,账单数,应缴（元）"),
        "{csv}"
    );

    // On a phone the queue's table is a list of cards.
    b.sign_out();
    b.resize(390, 844);
    b.sign_in("clerk");
    b.wait_text("main h1", "我的待办");
    let head = b.cmd(
        "POST",
        "/execute/sync",
        Some(json!({"script": "return getComputedStyle(document.querySelector('.table-wrap thead')).position;", "args": []})),
    );
    assert_eq!(head.as_str(), Some("absolute"), "the heading row is hidden");
    b.screenshot("staff-queue-phone");
}
// Issue 13: the worker's, the employer's and the platform's days.
#[path = "browser_people.rs"]
mod people;
// Issues 13-14: the clerk's and the analyst's forms on the demo's records.
#[path = "browser_forms.rs"]
mod forms;
