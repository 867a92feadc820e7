//! `/metrics` in the Prometheus text format: requests by route (the
//! matched route pattern, never the raw path, so that ids do not explode the
//! series) and status, and a latency histogram by route. Hand-written: a map
//! under a mutex held for a few nanoseconds per request.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency buckets, in microseconds.
const BUCKETS_US: [u64; 12] = [
    250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000, 5_000_000,
];

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS_US.len()],
    count: u64,
    sum_us: u64,
}

#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, RouteStats>>,
}

impl Metrics {
    pub fn observe(&self, route: &str, status: u16, micros: u64) {
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let stats = match routes.get_mut(route) {
            Some(s) => s,
            None => routes.entry(route.to_owned()).or_default(),
        };
        *stats.by_status.entry(status).or_insert(0) += 1;
        for (i, bound) in BUCKETS_US.iter().enumerate() {
            if micros <= *bound {
                stats.buckets[i] += 1;
            }
        }
        stats.count += 1;
        stats.sum_us += micros;
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP gongshang_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE gongshang_http_requests_total counter\n");
        for (route, s) in routes.iter() {
            for (status, n) in &s.by_status {
                let _ = writeln!(
                    out,
                    "gongshang_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str(
            "# HELP gongshang_http_request_duration_seconds Time from request to response head.\n",
        );
        out.push_str("# TYPE gongshang_http_request_duration_seconds histogram\n");
        for (route, s) in routes.iter() {
            for (i, bound) in BUCKETS_US.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "gongshang_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{}\"}} {}",
                    seconds(*bound),
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "gongshang_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "gongshang_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                seconds(s.sum_us)
            );
            let _ = writeln!(
                out,
                "gongshang_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                s.count
            );
        }
        out
    }
}

/// Microseconds as decimal seconds, without floats.
fn seconds(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

/// The middleware that counts and times every request.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    state
        .metrics
        .observe(&route, response.status().as_u16(), micros);
    response
}

pub async fn handler(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
