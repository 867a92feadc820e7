//! `gongshang bench http`: coverage lookups over HTTP at many keep-alive
//! connections (issue 18's 15,000 requests/s at 64 connections).
//!
//! The server runs in this process on a free port, over the database given
//! (`--db`) or over the demo data set built into a temporary SQLite file;
//! the client is a minimal HTTP/1.1 keep-alive loop per connection on the
//! same runtime, asking `GET /api/v1/coverage` for the registered people in
//! turn with an API token of the demo's clerk (or of `--login`). Client and
//! server share the machine's cores, as they would on one box; the figures
//! are printed with the machine, never asserted.

// Rates and percentiles of a measurement, never money.
#![allow(clippy::float_arithmetic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use gongshang_app::App;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::CliError;

#[derive(clap::Args)]
pub struct BenchHttpArgs {
    /// Database URL [default: the demo data set in a temporary SQLite file]
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// People of the demo data set built when no --db is given
    #[arg(long, default_value_t = 2_000)]
    pub people: u32,
    /// The account whose API token asks (it must read coverage)
    #[arg(long, default_value = "clerk")]
    pub login: String,
    /// Keep-alive connections
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds of load after one second of warm-up
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// The day asked about
    #[arg(long, default_value = "2026-06-01")]
    pub at: String,
    /// Worker threads of the async runtime [default: all cores]
    #[arg(long)]
    pub threads: Option<usize>,
}

pub fn run(args: &BenchHttpArgs) -> Result<(), CliError> {
    if args.connections == 0 || args.seconds == 0 {
        return Err(CliError(
            "--connections and --seconds must be at least 1".into(),
        ));
    }
    let temp = std::env::temp_dir().join(format!("gongshang-bench-http-{}.db", std::process::id()));
    let app = match &args.db {
        Some(url) => crate::db::open_app(Some(url))?,
        None => {
            eprintln!("building the demo data set ({} people)...", args.people);
            let store = gongshang_store::open("sqlite::memory:")?;
            let options = gongshang_demo::DemoOptions {
                people: args.people,
                ..gongshang_demo::DemoOptions::default()
            };
            let (built, clock, report) = gongshang_demo::build_demo(store, &options)?;
            gongshang_demo::create_demo_logins(&built, &report)?;
            let url = temp
                .to_str()
                .ok_or_else(|| CliError("the temporary path is not UTF-8".into()))?;
            built.store().copy_into_file(url)?;
            drop(built);
            App::new(gongshang_store::open(url)?, clock)?
        }
    };
    let result = measure(app, args);
    let _ = std::fs::remove_file(&temp);
    result
}

fn measure(app: App, args: &BenchHttpArgs) -> Result<(), CliError> {
    let admin = crate::db::cli_actor(&app, None)?;
    let (_, token) = app.create_api_token(&admin, &args.login, "bench http")?;
    let mut people: Vec<String> = Vec::new();
    let mut page = gongshang_app::model::Page::first(1000);
    while people.len() < 10_000 {
        let got = app.list_people(&admin, page)?;
        let Some(last) = got.last() else { break };
        page.after_id = last.id;
        people.extend(got.iter().map(|p| p.resident_id.as_str().to_owned()));
    }
    if people.is_empty() {
        return Err(CliError("the database has no people to ask about".into()));
    }
    let requests: Arc<Vec<Vec<u8>>> = Arc::new(
        people
            .iter()
            .map(|id| {
                format!(
                    "GET /api/v1/coverage?resident_id={id}&at={} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n",
                    args.at
                )
                .into_bytes()
            })
            .collect(),
    );
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if let Some(n) = args.threads {
        builder.worker_threads(n.max(1));
    }
    let runtime = builder.build()?;
    let state = gongshang_server::AppState::new(app);
    runtime.block_on(async move {
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (addr, server) = gongshang_server::bind_until(
            "127.0.0.1:0".parse().expect("an address"),
            state,
            async {
                let _ = stop_rx.await;
            },
        )
        .await?;
        let counting = Arc::new(AtomicBool::new(false));
        let running = Arc::new(AtomicBool::new(true));
        let mut clients = Vec::with_capacity(args.connections);
        for c in 0..args.connections {
            let requests = Arc::clone(&requests);
            let counting = Arc::clone(&counting);
            let running = Arc::clone(&running);
            clients.push(tokio::spawn(async move {
                client(addr, c, &requests, &counting, &running).await
            }));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        counting.store(true, Ordering::SeqCst);
        let started = Instant::now();
        tokio::time::sleep(Duration::from_secs(args.seconds)).await;
        counting.store(false, Ordering::SeqCst);
        let elapsed = started.elapsed();
        running.store(false, Ordering::SeqCst);
        let mut total = Tally::default();
        for c in clients {
            let t = c.await.map_err(|e| CliError(e.to_string()))??;
            total.ok += t.ok;
            total.other += t.other;
            total.latencies.extend(t.latencies);
        }
        let _ = stop_tx.send(());
        server.await.map_err(|e| CliError(e.to_string()))??;
        total.latencies.sort_unstable();
        let pct = |p: f64| {
            let n = total.latencies.len();
            if n == 0 {
                return 0.0;
            }
            let i = ((n as f64 * p) as usize).min(n - 1);
            total.latencies[i].as_secs_f64() * 1000.0
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        println!(
            "GET /api/v1/coverage over {} keep-alive connections for {:.1}s ({} people asked about in turn; {cores} cores shared by client and server)",
            args.connections,
            elapsed.as_secs_f64(),
            requests.len()
        );
        println!(
            "  {} answered 200 ({:.0} requests/s), {} other; latency p50 {:.2} ms, p99 {:.2} ms",
            total.ok,
            total.ok as f64 / elapsed.as_secs_f64(),
            total.other,
            pct(0.5),
            pct(0.99)
        );
        if total.other > 0 {
            return Err(CliError(format!(
                "{} answers were not 200: the figures do not measure coverage lookups",
                total.other
            )));
        }
        Ok(())
    })
}

#[derive(Default)]
struct Tally {
    ok: u64,
    other: u64,
    latencies: Vec<Duration>,
}

/// One keep-alive connection: a request, its whole answer, the next.
async fn client(
    addr: std::net::SocketAddr,
    first: usize,
    requests: &[Vec<u8>],
    counting: &AtomicBool,
    running: &AtomicBool,
) -> Result<Tally, CliError> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut tally = Tally::default();
    let mut buf = Vec::with_capacity(8 * 1024);
    let mut i = first;
    while running.load(Ordering::Relaxed) {
        let asked = Instant::now();
        stream.write_all(&requests[i % requests.len()]).await?;
        let status = read_answer(&mut stream, &mut buf).await?;
        if counting.load(Ordering::Relaxed) {
            if status == 200 {
                tally.ok += 1;
            } else {
                tally.other += 1;
            }
            tally.latencies.push(asked.elapsed());
        }
        i += 7;
    }
    Ok(tally)
}

/// Reads one HTTP/1.1 answer with a Content-Length body; returns its status.
async fn read_answer(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<u16, CliError> {
    buf.clear();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(CliError("the server closed the connection".into()));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|_| CliError("an answer's head is not text".into()))?;
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| CliError(format!("not an HTTP answer: {head:?}")))?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .ok_or_else(|| CliError(format!("an answer without Content-Length: {head:?}")))?;
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(CliError("the server closed the connection".into()));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(status)
}
