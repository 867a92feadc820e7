//! The API tests' harness: boots the real server on port 0 over a fresh
//! database (SQLite always, PostgreSQL in a fresh schema when
//! GONGSHANG_TEST_POSTGRES_URL is set) with a small fixture, and talks
//! HTTP/1.1 to it over a plain socket. (The UI tests' harness is
//! `common.rs`: one demo server per binary.)

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use gongshang_app::accounts::{AccountInput, PasswordCost};
use gongshang_app::database::{self, Store};
use gongshang_app::{App, EnrollRequest, FixedClock, UnitInput};
use gongshang_domain::ids::{
    CreditCode, ResidentId, credit_check_character, organisation_check_character,
    resident_check_character,
};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::scheme::Category;
use gongshang_server::AppState;
use jiff::civil::date;
use serde_json::Value;

pub const PG_ENV: &str = "GONGSHANG_TEST_POSTGRES_URL";
pub const PG_PARTITIONED_ENV: &str = "GONGSHANG_TEST_POSTGRES_PARTITIONED";
pub const PASSWORD: &str = "correct horse battery";
static COUNTER: AtomicU32 = AtomicU32::new(0);

enum Location {
    Sqlite(PathBuf),
    Postgres { url: String, schema: String },
}

fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn credit(n: u32) -> CreditCode {
    let body = format!("{n:08}");
    let org = organisation_check_character(body.as_bytes().try_into().unwrap()).unwrap();
    let first17 = format!("91440106{body}{org}");
    let check = credit_check_character(first17.as_bytes().try_into().unwrap()).unwrap();
    CreditCode::parse(&format!("{first17}{check}")).unwrap()
}

pub fn resident(seq: u32) -> ResidentId {
    let first17 = format!("44010619850101{seq:03}");
    let check = resident_check_character(first17.as_bytes().try_into().unwrap());
    ResidentId::parse(&format!("{first17}{check}")).unwrap()
}

/// What every test starts with: units A and B (A a platform, meituan),
/// person 1 enrolled by A and person 2 by B in guangdong.employees from
/// 2025-01-01, March 2025 declared by A (bill `bill_a`) and by B (`bill_b`),
/// and one account with a bearer token per role.
pub struct Fixture {
    pub unit_a: CreditCode,
    pub unit_b: CreditCode,
    pub person_1: ResidentId,
    pub person_2: ResidentId,
    pub enrollment_1: i64,
    pub enrollment_2: i64,
    pub bill_a: i64,
    pub bill_b: i64,
    /// (role label, bearer token): clerk, reviewer, administrator, unit_a,
    /// unit_b, worker_1, analyst, front_desk, mediator, arbitration and
    /// inspection (partner bodies).
    pub tokens: Vec<(&'static str, String)>,
}

impl Fixture {
    pub fn token(&self, who: &str) -> &str {
        &self
            .tokens
            .iter()
            .find(|(w, _)| *w == who)
            .unwrap_or_else(|| panic!("no token for {who}"))
            .1
    }
}

type AccountRow = (
    &'static str,
    &'static str,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn seed(app: &App) -> Fixture {
    let actor = &gongshang_app::accounts::Actor::local_administrator("test");
    let mut units = Vec::new();
    for n in [1, 2] {
        let u = app
            .register_unit(
                actor,
                &UnitInput {
                    credit_code: credit(n).as_str().into(),
                    name: format!("单位{n}"),
                    kind: if n == 1 { "platform" } else { "enterprise" }.into(),
                    region: "440106".into(),
                    industry_class: "2".into(),
                    floating_tier: String::new(),
                },
            )
            .unwrap();
        units.push(u.credit_code);
    }
    let mut enrollments = Vec::new();
    let mut bills = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        let p = resident(i as u32 + 1);
        app.register_person(actor, p.as_str(), &format!("工人{}", i + 1))
            .unwrap();
        let e = app
            .enroll(
                actor,
                &EnrollRequest {
                    person: p,
                    unit: Some(*unit),
                    scheme_id: "guangdong.employees".parse().unwrap(),
                    category: Category::Employee,
                    start: date(2025, 1, 1),
                    labour_relation: true,
                    commitment: None,
                },
            )
            .unwrap();
        enrollments.push(e.enrollment_id);
        let bill = app
            .declare_month(
                actor,
                unit,
                &"guangdong.employees".parse().unwrap(),
                Month::parse("2025-03").unwrap(),
                &[(p, Money::parse_yuan("8000").unwrap())],
            )
            .unwrap();
        bills.push(bill.bill_id);
    }
    let accounts: [AccountRow; 7] = [
        ("clerk", "clerk", None, None, None),
        ("reviewer", "reviewer", None, None, None),
        ("administrator", "administrator", None, None, None),
        (
            "unit_a",
            "unit",
            Some(units[0].as_str().into()),
            Some("meituan".into()),
            None,
        ),
        ("unit_b", "unit", Some(units[1].as_str().into()), None, None),
        (
            "worker_1",
            "worker",
            None,
            None,
            Some(resident(1).as_str().into()),
        ),
        ("analyst", "analyst", None, None, None),
    ];
    let mut tokens = Vec::new();
    for (login, role, unit, platform, person) in accounts {
        app.create_account(
            actor,
            &AccountInput {
                login: login.into(),
                display_name: String::new(),
                role: role.into(),
                unit,
                platform,
                person,
                password: Some(PASSWORD.into()),
                partner_body: None,
            },
            PasswordCost::Minimal,
        )
        .unwrap();
        let (_, token) = app.create_api_token(actor, login, "tests").unwrap();
        tokens.push((login, token));
    }
    // The service centre's roles: the front desk, a mediator, and two
    // partner bodies (arbitration, inspection).
    for (login, role, body) in [
        ("front_desk", "front_desk", None),
        ("mediator", "mediator", None),
        ("arbitration", "partner", Some("xm-arbitration")),
        ("inspection", "partner", Some("xm-inspection")),
    ] {
        app.create_account(
            actor,
            &AccountInput {
                login: login.into(),
                role: role.into(),
                password: Some(PASSWORD.into()),
                partner_body: body.map(str::to_owned),
                ..AccountInput::default()
            },
            PasswordCost::Minimal,
        )
        .unwrap();
        let (_, token) = app.create_api_token(actor, login, "tests").unwrap();
        tokens.push((login, token));
    }
    Fixture {
        unit_a: units[0],
        unit_b: units[1],
        person_1: resident(1),
        person_2: resident(2),
        enrollment_1: enrollments[0],
        enrollment_2: enrollments[1],
        bill_a: bills[0],
        bill_b: bills[1],
        tokens,
    }
}

/// A server listening on a free port over a fresh database.
pub struct TestServer {
    pub backend: &'static str,
    pub addr: SocketAddr,
    pub fixture: Fixture,
    /// The app's clock (2025-07-01T02:00:00Z to start with): tests move it
    /// instead of sleeping.
    pub clock: Arc<FixedClock>,
    /// The server's app, for setting up what the API cannot (yet) create.
    pub app: Arc<App>,
    location: Location,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
        match &self.location {
            Location::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Location::Postgres { url, schema } => {
                let _ = database::drop_schema(url, schema);
            }
        }
    }
}

fn boot(location: Location) -> TestServer {
    let (backend, store): (&'static str, Box<dyn Store>) = match &location {
        Location::Sqlite(path) => ("sqlite", database::open(path.to_str().unwrap()).unwrap()),
        Location::Postgres { url, schema } => {
            ("postgres", database::open_in_schema(url, schema).unwrap())
        }
    };
    let clock = Arc::new(FixedClock::new("2025-07-01T02:00:00Z".parse().unwrap()));
    let app = App::new(store, clock.clone()).unwrap();
    let fixture = seed(&app);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let state = AppState::new(app);
    let app = Arc::clone(&state.app);
    let (addr, _task) = runtime
        .block_on(gongshang_server::bind(
            "127.0.0.1:0".parse().unwrap(),
            state,
        ))
        .unwrap();
    TestServer {
        backend,
        addr,
        fixture,
        clock,
        app,
        location,
        runtime: Some(runtime),
    }
}

/// Runs `test` against a fresh server on every backend; a failure names the
/// backend.
pub fn each_backend(test: impl Fn(&TestServer)) {
    // GONGSHANG_TEST_POSTGRES_PARTITIONED=1: PostgreSQL on the partitioned
    // schema (issue 18) only; SQLite is left to the run without it.
    let partitioned = std::env::var(PG_PARTITIONED_ENV).is_ok_and(|v| v == "1");
    let mut locations = Vec::new();
    if !partitioned {
        locations.push(Location::Sqlite(
            std::env::temp_dir().join(format!("gongshang_server_{}.db", unique())),
        ));
    }
    if let Some(url) = std::env::var(PG_ENV).ok().filter(|u| !u.is_empty()) {
        let url = if partitioned {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}partitioned=1")
        } else {
            url
        };
        locations.push(Location::Postgres {
            url,
            schema: format!("gs_srv_{}", unique()),
        });
    }
    for location in locations {
        let server = boot(location);
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| test(&server))) {
            eprintln!("test failed on the {} backend", server.backend);
            resume_unwind(panic);
        }
    }
}

/// An answer.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The problem's code, checking the content type.
    pub fn code(&self) -> String {
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{self:?}"
        );
        self.json()["code"].as_str().unwrap().to_owned()
    }

    /// The problem's field at fault, if it names one.
    pub fn field(&self) -> Option<String> {
        self.code();
        self.json()["field"].as_str().map(str::to_owned)
    }
}

/// A request to send.
pub struct Req<'a> {
    pub method: &'a str,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<(String, String)>,
}

pub fn req(method: &str, path: impl Into<String>) -> Req<'_> {
    Req {
        method,
        path: path.into(),
        headers: Vec::new(),
        body: None,
    }
}

impl Req<'_> {
    pub fn bearer(mut self, token: &str) -> Self {
        self.headers
            .push(("Authorization".into(), format!("Bearer {token}")));
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn json(mut self, body: &Value) -> Self {
        self.body = Some(("application/json".into(), body.to_string()));
        self
    }

    pub fn raw(mut self, content_type: &str, body: &str) -> Self {
        self.body = Some((content_type.into(), body.into()));
        self
    }
}

impl TestServer {
    pub fn send(&self, r: Req<'_>) -> Resp {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        let mut text = format!(
            "{} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            r.method, r.path, self.addr
        );
        for (k, v) in &r.headers {
            text.push_str(&format!("{k}: {v}\r\n"));
        }
        let body = match &r.body {
            Some((ct, b)) => {
                text.push_str(&format!("Content-Type: {ct}\r\n"));
                b.as_str()
            }
            None => "",
        };
        text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        stream.write_all(text.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        parse_response(&raw)
    }

    pub fn token(&self, who: &str) -> &str {
        self.fixture.token(who)
    }
}

fn parse_response(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..end]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = &rest[end + 2 + size + 2..];
        }
        body = out;
    }
    Resp {
        status,
        headers,
        body: String::from_utf8(body).unwrap(),
    }
}
