//! What every request goes through: request ids, compression, the body
//! limit, problems for the plumbing's own refusals, the probes, and a
//! graceful stop that answers the requests in flight.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use gongshang_app::{App, FixedClock};
use gongshang_server::AppState;

use crate::api_common::{TestServer, each_backend, req};

/// One request over a fresh connection; the answer's head (lower-case) and
/// its raw body bytes (as sent: maybe compressed, maybe chunked).
fn raw(addr: SocketAddr, request: &str) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    (
        String::from_utf8_lossy(&bytes[..split]).to_ascii_lowercase(),
        bytes[split + 4..].to_vec(),
    )
}

fn get_with(s: &TestServer, path: &str, headers: &str) -> (String, Vec<u8>) {
    raw(
        s.addr,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}Content-Length: 0\r\n\r\n"
        ),
    )
}

#[test]
fn a_request_id_is_kept_or_made_and_echoed() {
    each_backend(|s| {
        let kept = s.send(req("GET", "/healthz").header("X-Request-Id", "trace-me-42"));
        assert_eq!(kept.header("x-request-id"), Some("trace-me-42"));
        let made = s.send(req("GET", "/api/v1/me").bearer(s.token("clerk")));
        let id = made.header("x-request-id").expect("a request id");
        assert_eq!(id.len(), 36, "{id}");
        let other = s.send(req("GET", "/api/v1/me").bearer(s.token("clerk")));
        assert_ne!(other.header("x-request-id"), Some(id));
    });
}

#[test]
fn answers_are_compressed_with_gzip_or_brotli_when_the_client_takes_it() {
    each_backend(|s| {
        for encoding in ["gzip", "br"] {
            let (head, body) = get_with(
                s,
                "/api/v1/openapi.json",
                &format!("Accept-Encoding: {encoding}\r\n"),
            );
            assert!(head.starts_with("http/1.1 200"), "{head}");
            assert!(
                head.contains(&format!("content-encoding: {encoding}")),
                "{head}"
            );
            assert!(!body.starts_with(b"{"), "compressed");
        }
        let (head, body) = get_with(s, "/api/v1/openapi.json", "");
        assert!(!head.contains("content-encoding"), "{head}");
        assert!(body.starts_with(b"{"));
    });
}

#[test]
fn a_body_over_the_limit_is_refused_before_it_is_read_as_a_problem() {
    each_backend(|s| {
        let (head, body) = raw(
            s.addr,
            &format!(
                "POST /api/v1/calculate HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{{",
                gongshang_server::BODY_LIMIT_BYTES + 1
            ),
        );
        assert!(head.starts_with("http/1.1 413"), "{head}");
        assert!(
            head.contains("content-type: application/problem+json"),
            "{head}"
        );
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["code"], "payload_too_large");
    });
}

#[test]
fn the_plumbings_own_refusals_are_problems_of_the_table() {
    each_backend(|s| {
        let clerk = s.token("clerk");
        // A path id that is not an i64.
        let r = s.send(req("GET", "/api/v1/bills/9223372036854775808").bearer(clerk));
        assert_eq!((r.status, r.code()), (400, "malformed_request".into()));
        let r = s.send(req("GET", "/api/v1/no-such-thing").bearer(clerk));
        assert_eq!((r.status, r.code()), (404, "not_found".into()));
        let r = s.send(req("PUT", "/api/v1/me").bearer(clerk));
        assert_eq!((r.status, r.code()), (405, "method_not_allowed".into()));
        assert!(r.header("allow").is_some(), "{r:?}");
    });
}

#[test]
fn the_probes_answer_plainly() {
    each_backend(|s| {
        let health = s.send(req("GET", "/healthz"));
        assert_eq!((health.status, health.body.as_str()), (200, "ok"));
        s.send(req("GET", "/api/v1/me").bearer(s.token("clerk")));
        let metrics = s.send(req("GET", "/metrics"));
        assert_eq!(metrics.status, 200);
        assert!(
            metrics
                .body
                .contains("gongshang_http_requests_total{route=\"/api/v1/me\",status=\"200\"}"),
            "{}",
            metrics.body
        );
    });
}

/// A stopping server answers the request it is reading, refuses new
/// connections, and its task ends.
#[test]
fn a_stop_finishes_the_request_in_flight_then_refuses_new_connections() {
    let path = std::env::temp_dir().join(format!("gongshang_shutdown_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let store = gongshang_app::database::open(path.to_str().unwrap()).unwrap();
    let clock = Arc::new(FixedClock::new("2025-07-01T02:00:00Z".parse().unwrap()));
    let app = App::new(store, clock).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (addr, task) = runtime
        .block_on(gongshang_server::bind_until(
            "127.0.0.1:0".parse().unwrap(),
            AppState::new(app),
            async {
                let _ = stopped.await;
            },
        ))
        .unwrap();

    // A request in flight when the stop comes: the handler is waiting for
    // its body (the server said `100 Continue`, so it has the request).
    let body = include_str!("../../../../examples/cases/grade5-guangzhou.json");
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /api/v1/calculate HTTP/1.1\r\nHost: x\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "{head:?}");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 100"), "{head:?}");
    stop.send(()).unwrap();
    // Wait (without asserting a time) until the listener is closed.
    let mut refused = false;
    for _ in 0..500 {
        if TcpStream::connect(addr).is_err() {
            refused = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(refused, "the stopping server still accepts connections");
    stream.write_all(body.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) => panic!("{e} after {:?}", String::from_utf8_lossy(&bytes)),
        }
    }
    let answer = String::from_utf8_lossy(&bytes).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("one_time_disability_subsidy"), "{answer}");
    let ended = runtime.block_on(task).unwrap();
    assert!(ended.is_ok(), "{ended:?}");
    drop(runtime);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// A server on PostgreSQL stops like one on SQLite: its task ends and the
/// store's connections close. (The synchronous PostgreSQL client closing on
/// the runtime's thread used to abort the whole process at the stop.)
#[test]
fn a_server_on_postgresql_stops_and_closes_its_connections() {
    let Ok(url) = std::env::var(crate::api_common::PG_ENV) else {
        return;
    };
    let schema = format!("gs_stop_{}", std::process::id());
    let store = gongshang_app::database::open_in_schema(&url, &schema).unwrap();
    let clock = Arc::new(FixedClock::new("2025-07-01T02:00:00Z".parse().unwrap()));
    let app = App::new(store, clock).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (addr, task) = runtime
        .block_on(gongshang_server::bind_until(
            "127.0.0.1:0".parse().unwrap(),
            AppState::new(app),
            async {
                let _ = stopped.await;
            },
        ))
        .unwrap();
    // The app opened (and migrated) through a pooled connection, now idle.
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop.send(()).unwrap();
    let ended = runtime.block_on(task).unwrap();
    assert!(ended.is_ok(), "{ended:?}");
    drop(runtime);
    gongshang_app::database::drop_schema(&url, &schema).unwrap();
}

/// Bulk work (an order import over the API or the platform's page) runs on
/// a thread of its own in Linux's idle CPU class, so that the lookups of
/// the same server keep their speed while it runs (DESIGN.md); the threads
/// that answer requests keep the normal class.
#[cfg(target_os = "linux")]
#[test]
fn bulk_work_runs_in_the_idle_cpu_class_and_requests_do_not() {
    let store = gongshang_app::database::open(":memory:").unwrap();
    let clock = Arc::new(FixedClock::new("2025-07-01T02:00:00Z".parse().unwrap()));
    let app = App::new(store, clock).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let state = runtime.block_on(async { AppState::new(app) });
    let (bulk, pooled) = runtime.block_on(async {
        let bulk = state
            .run_background(|_| gongshang_server::priority::in_idle_class())
            .await;
        let pooled = state
            .run(|_| gongshang_server::priority::in_idle_class())
            .await;
        (bulk, pooled)
    });
    assert!(bulk, "the bulk thread is in the idle class");
    assert!(!pooled, "a pooled thread is not");
    assert!(!gongshang_server::priority::in_idle_class());
}
