//! Logs: one structured line per request (request id, actor, method, route,
//! status, latency), written by [`log_request`], and the set-up of the
//! process's subscriber ([`init`]) that the command line shares for its
//! batch jobs (a start and an end line per import or payroll run).
//!
//! Lines go to standard error as `key=value` text, or as JSON lines with
//! `GONGSHANG_LOG_FORMAT=json`; `GONGSHANG_LOG` filters them by target and
//! level (`info` by default; e.g. `warn`, or `info,gongshang::http=warn` to
//! silence the request lines).

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use tracing_subscriber::filter::Targets;

/// The target of the request lines.
pub const HTTP_TARGET: &str = "gongshang::http";

/// Sets the process's log subscriber (once; later calls do nothing). `GONGSHANG_LOG`
/// that does not parse falls back to `info`, with a line saying so.
pub fn init() {
    let spec = std::env::var("GONGSHANG_LOG").unwrap_or_default();
    let info = || Targets::new().with_default(tracing::Level::INFO);
    let (filter, bad) = match spec.trim() {
        "" => (info(), None),
        text => match text.parse::<Targets>() {
            Ok(t) => (t, None),
            Err(e) => (info(), Some(e.to_string())),
        },
    };
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let json = std::env::var("GONGSHANG_LOG_FORMAT").is_ok_and(|f| f == "json");
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let registry = tracing_subscriber::registry().with(filter);
    let set = if json {
        registry.with(fmt.json().flatten_event(true)).try_init()
    } else {
        registry.with(fmt).try_init()
    };
    if set.is_ok()
        && let Some(e) = bad
    {
        tracing::warn!(GONGSHANG_LOG = %spec, error = %e, "GONGSHANG_LOG does not parse; logging at info");
    }
}

/// Who a request acted for, filled in by [`crate::auth`] once the caller is
/// known (a request extension that the request line reads at the end).
#[derive(Clone, Default)]
pub struct ActorSlot(Arc<OnceLock<String>>);

impl ActorSlot {
    /// Records the actor (`role:login`, as the audit log names it); the
    /// first call wins.
    pub fn set(&self, actor: String) {
        let _ = self.0.set(actor);
    }

    fn get(&self) -> &str {
        self.0.get().map_or("-", String::as_str)
    }
}

/// The middleware that writes one line per request: its id (the
/// `x-request-id` it came with, or the one [`crate::router`] gave it), the
/// actor, the method, the matched route (never the raw path: ids and
/// personal data stay out of the log), the status and the latency.
pub async fn log_request(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let slot = ActorSlot::default();
    request.extensions_mut().insert(slot.clone());
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    if status >= 500 {
        tracing::warn!(target: HTTP_TARGET, request_id, actor = slot.get(), %method, route, status, latency_us, "request");
    } else {
        tracing::info!(target: HTTP_TARGET, request_id, actor = slot.get(), %method, route, status, latency_us, "request");
    }
    response
}

/// Request ids for requests that came without one: a random prefix drawn
/// once per server start and a counter, in a UUID's shape
/// (`3f9c0a41-d2e8-7b10-0000-00000000002a`),
/// unique within a run and, by the prefix, across restarts. A UUID per
/// request asked the kernel for randomness each time (`getrandom`, seen in
/// `perf` on the coverage lookups).
#[derive(Clone)]
pub struct ServerRequestIds {
    prefix: u64,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl Default for ServerRequestIds {
    fn default() -> Self {
        use std::hash::{BuildHasher, Hasher};
        // The standard library seeds each RandomState from the system's
        // randomness; the clock keeps two starts apart even if it did not.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        ServerRequestIds {
            prefix: h.finish(),
            next: Arc::default(),
        }
    }
}

impl tower_http::request_id::MakeRequestId for ServerRequestIds {
    fn make_request_id<B>(
        &mut self,
        _: &axum::http::Request<B>,
    ) -> Option<tower_http::request_id::RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = self.prefix;
        let id = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            p >> 32,
            (p >> 16) & 0xffff,
            p & 0xffff,
            (n >> 48) & 0xffff,
            n & 0xffff_ffff_ffff
        );
        axum::http::HeaderValue::from_str(&id)
            .ok()
            .map(tower_http::request_id::RequestId::new)
    }
}
