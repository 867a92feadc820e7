//! What the UI and browser tests share: a demo server on port 0 (built once
//! per test binary) and a tiny blocking HTTP/1.1 client, enough for the
//! server's pages and for chromedriver's WebDriver protocol.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use gongshang_demo::{DemoLogin, DemoOptions, DemoReport, build_demo, create_demo_logins};

pub struct DemoServer {
    pub addr: SocketAddr,
    /// The server's application (a test's fault switches).
    pub app: std::sync::Arc<gongshang_app::App>,
    pub report: DemoReport,
    pub logins: Vec<DemoLogin>,
}

/// The demo database lives as long as the test process, which cannot
/// remove it at its end (the server is a static): the next run removes the
/// files of runs whose process is gone (on Linux, where /proc says so).
fn sweep_earlier_runs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("gongshang-ui-test-") else {
            continue;
        };
        let pid: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !pid.is_empty() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The demo server of this test binary: a small demo data set in a fresh
/// SQLite file, served on a free port by a runtime of its own.
pub fn demo() -> &'static DemoServer {
    static DEMO: OnceLock<DemoServer> = OnceLock::new();
    DEMO.get_or_init(|| {
        sweep_earlier_runs();
        let path =
            std::env::temp_dir().join(format!("gongshang-ui-test-{}.db", std::process::id()));
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
        let store =
            gongshang_app::database::open(path.to_str().expect("utf-8 temp path")).expect("store");
        let options = DemoOptions {
            seed: 11,
            people: 400,
            platform_workers: 40,
            orders_per_worker_month: 4,
        };
        let (app, _clock, report) = build_demo(store, &options).expect("demo builds");
        let logins = create_demo_logins(&app, &report).expect("demo logins");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let state = gongshang_server::AppState::new(app);
                let app = state.app.clone();
                let (addr, task) =
                    gongshang_server::bind("127.0.0.1:0".parse().expect("addr"), state)
                        .await
                        .expect("bind");
                tx.send((addr, app)).expect("send the address");
                let _ = task.await;
            });
        });
        let (addr, app) = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server starts");
        DemoServer {
            addr,
            app,
            report,
            logins,
        }
    })
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One request, `Connection: close`, the whole answer read (chunked or not).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some((content_type, bytes)) = body {
        head.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            bytes.len()
        ));
    } else if method != "GET" {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write");
    if let Some((_, bytes)) = body {
        stream.write_all(bytes).expect("write body");
    }
    // Read the header block, then exactly the body its headers announce
    // (some servers keep the connection open despite `Connection: close`).
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = stream.read(&mut buf).expect("read");
        assert!(n > 0, "the connection closed before the headers ended");
        raw.extend_from_slice(&buf[..n]);
    };
    let head_text = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let length = head_text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let is_chunked = head_text.contains("transfer-encoding: chunked");
    loop {
        let body = &raw[split + 4..];
        let done = match length {
            Some(n) => body.len() >= n,
            None if is_chunked => body.ends_with(b"0\r\n\r\n"),
            None => false,
        };
        if done {
            break;
        }
        let n = stream.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        data = &data[eol + 2..];
        if size == 0 || data.len() < size {
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[(size + 2).min(data.len())..];
    }
    out
}

/// `application/x-www-form-urlencoded` of the pairs.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A signed-in session: its cookie header and CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// The login form's CSRF token: its cookie (`name=value`) and the form's
/// hidden field, as a browser gets them from `GET /login`.
pub fn login_form_token(addr: SocketAddr) -> (String, String) {
    let page = request(addr, "GET", "/login", &[], None);
    assert_eq!(page.status, 200, "{}", page.body);
    let cookie = page
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("the login form's cookie")
        .to_owned();
    let field = page
        .body
        .split("name=\"login_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the login form's hidden field")
        .to_owned();
    (cookie, field)
}

/// Signs in with a demo login over plain HTTP, through the login form.
pub fn sign_in(login: &str) -> Session {
    let d = demo();
    let (form_cookie, token) = login_form_token(d.addr);
    let body = form(&[
        ("login", login),
        ("password", gongshang_demo::DEMO_PASSWORD),
        ("login_csrf", &token),
    ]);
    let r = request(
        d.addr,
        "POST",
        "/login",
        &[("Cookie", &form_cookie)],
        Some(("application/x-www-form-urlencoded", body.as_bytes())),
    );
    assert_eq!(r.status, 303, "{login} signs in: {}", r.body);
    let cookie = r
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let page = request(d.addr, "GET", "/calc", &[("Cookie", &cookie)], None);
    let csrf = page
        .body
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .or_else(|| page.body.split("&quot;X-CSRF-Token&quot;: &quot;").nth(1))
        .and_then(|rest| rest.split(['"', '&']).next())
        .unwrap_or("")
        .to_owned();
    Session { cookie, csrf }
}

/// A page as a signed-in person sees it.
pub fn get(path: &str, s: &Session) -> Response {
    request(demo().addr, "GET", path, &[("Cookie", &s.cookie)], None)
}

/// A form sent by a signed-in person, with their CSRF token.
pub fn post(path: &str, s: &Session, pairs: &[(&str, &str)]) -> Response {
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

/// Where a form's 303 answer sends the browser.
pub fn location(r: &Response) -> String {
    assert_eq!(r.status, 303, "a redirect: {}", r.body);
    r.header("location").expect("a location").to_owned()
}
