//! The binary's plumbing: printing into a pipe whose reader has gone,
//! `serve` stopping on SIGTERM, accounts and tokens from the command line,
//! and the log lines of a batch job.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use super::{TempDir, gongshang, s, stderr};

/// Runs the binary with standard output into a pipe whose reader is already
/// closed: every write fails with EPIPE, as under `gongshang ... | head -0`.
fn into_a_closed_pipe(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_gongshang"))
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn printing_into_a_pipe_whose_reader_has_gone_ends_quietly() {
    let dir = TempDir::new("epipe");
    let db = dir.path("x.db");
    for args in [
        vec!["openapi"],
        vec!["demo", "--print"],
        vec!["bill", "--month", "2025-03", "--db", s(&db)],
        vec!["policies"],
    ] {
        let out = into_a_closed_pipe(&args);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
    }
}

fn http_get(addr: &str, path: &str, token: Option<&str>) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{auth}\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn serve_stops_on_sigterm_and_logs_one_line_per_request() {
    let dir = TempDir::new("sigterm");
    let db = dir.path("x.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongshang"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db", s(&db)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    let answer = http_get(&addr, "/healthz", None);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("x-request-id: "),
        "{answer}"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{status:?} {err}");
    assert!(rest.contains("gongshang: stopped"), "{rest}");
    // One structured line per request, and the stop.
    let request_line = err
        .lines()
        .find(|l| l.contains("gongshang::http") && l.contains("route=\"/healthz\""))
        .unwrap_or_else(|| panic!("no request line in {err}"));
    for field in [
        "request_id=",
        "actor=",
        "method=GET",
        "status=200",
        "latency_us=",
    ] {
        assert!(request_line.contains(field), "{field} in {request_line}");
    }
    assert!(err.contains("shutting down"), "{err}");
}

#[test]
fn user_disable_enable_list_and_token_revoke() {
    let dir = TempDir::new("accounts");
    let db = dir.path("x.db");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_gongshang"))
            .args(args)
            .args(["--db", s(&db)])
            .env("GONGSHANG_PASSWORD", "a long enough password")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["user", "add", "--role", "clerk", "--login", "ann"]);
    let token = run(&["token", "create", "--login", "ann", "--label", "feed"]);
    assert!(token.trim().starts_with("gs_"), "{token}");
    let listed = run(&["user", "list"]);
    let ann = listed.lines().find(|l| l.contains("\tann\t")).unwrap();
    assert!(ann.contains("active") && ann.contains("\"feed\""), "{ann}");
    let id = ann
        .rsplit('\t')
        .next()
        .and_then(|t| t.split(' ').next())
        .unwrap()
        .to_owned();

    assert!(run(&["user", "disable", "--login", "ann"]).contains("disabled clerk ann"));
    let json = run(&["user", "list", "--json"]);
    let row: serde_json::Value =
        serde_json::from_str(json.lines().find(|l| l.contains("\"ann\"")).unwrap()).unwrap();
    assert_eq!(row["disabled"], true);
    assert!(run(&["user", "enable", "--login", "ann"]).contains("enabled clerk ann"));
    assert!(run(&["token", "revoke", "--id", &id]).contains(&format!("revoked token {id}")));
    let listed = run(&["user", "list"]);
    assert!(listed.contains("(revoked)"), "{listed}");
    // Unknown logins and tokens are named.
    let out = gongshang(&["user", "disable", "--login", "nobody", "--db", s(&db)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nobody"), "{}", stderr(&out));
}

#[test]
fn a_payroll_run_logs_a_start_and_an_end_line() {
    let dir = TempDir::new("joblog");
    let db = dir.path("x.db");
    let out = gongshang(&["payroll", "run", "--month", "2025-01", "--db", s(&db)]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let started = err
        .lines()
        .find(|l| l.contains("gongshang::job") && l.contains("started"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        started.contains("payroll_run") && started.contains("2025-01"),
        "{started}"
    );
    let finished = err
        .lines()
        .find(|l| l.contains("gongshang::job") && l.contains("finished"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        finished.contains("outcome=\"done\"") || finished.contains("outcome=done"),
        "{finished}"
    );
    assert!(finished.contains("elapsed_ms="), "{finished}");
}
