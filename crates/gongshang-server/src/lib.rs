//! gongshang-server: the HTTP face of gongshang. A JSON API under `/api/v1`
//! ([`api`], described by the OpenAPI document of [`openapi`], browsable at
//! `/docs`) and the server-rendered web UI ([`ui`]), over one
//! [`gongshang_app::App`]; who is asking is [`auth`]; every refusal is a
//! problem of the one error table of [`error`]; `/metrics` is [`metrics`].
//!
//! Architecture invariant: only this crate knows HTTP. Handlers are thin:
//! authentication extractor, request type, one service call, a view type.
//! The store is synchronous, so every service call runs on the blocking pool
//! ([`AppState::run`]), never on the async workers.

pub mod api;
pub mod auth;
pub mod error;
pub mod metrics;
pub mod openapi;
pub mod throttle;
pub mod ui;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use gongshang_app::App;
use gongshang_app::accounts::{Account, secret_hash};

/// How long a bearer token's account is remembered before it is looked up
/// again (a revoked token keeps working for at most this long).
pub const TOKEN_CACHE_TTL: Duration = Duration::from_secs(10);

/// How many service calls run on the blocking pool at once on SQLite (see
/// [`AppState`]): its writes take turns on one connection anyway, so more
/// would only park threads on its mutex (its reads run in place).
pub const BLOCKING_CALLS: usize = 4;

/// The same on PostgreSQL, where reads also go to the blocking pool: each
/// waits on the network, and the store's pool (2 × cores + 4 connections)
/// serves them at once. Measured with wrk on 2 cores: about a third more
/// coverage lookups per second than with 4 (DESIGN.md).
pub const POSTGRES_BLOCKING_CALLS: usize = 8;

/// The largest request body accepted (an order import of about 100,000
/// orders as CSV).
pub const BODY_LIMIT_BYTES: usize = 16 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    pub metrics: Arc<metrics::Metrics>,
    /// Mark the session cookie `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// Failed sign-ins by login and by address ([`throttle`]).
    pub throttle: Arc<throttle::LoginThrottle>,
    tokens: Arc<Mutex<HashMap<String, (Account, Instant)>>>,
    /// At most this many service calls at once on the blocking pool
    /// ([`BLOCKING_CALLS`], [`POSTGRES_BLOCKING_CALLS`]): 64 threads
    /// queueing on the store cost more in futex wake-ups than the queries
    /// themselves; waiting here is an async wait, not a parked thread.
    blocking: Arc<tokio::sync::Semaphore>,
    /// [`AppState::run_read`] runs on the async worker (SQLite).
    inline_reads: bool,
}

impl AppState {
    pub fn new(app: App) -> AppState {
        let inline_reads = app.store().backend_name() == "sqlite";
        let calls = if inline_reads {
            BLOCKING_CALLS
        } else {
            POSTGRES_BLOCKING_CALLS
        };
        AppState {
            inline_reads,
            app: Arc::new(app),
            metrics: Arc::default(),
            secure_cookies: false,
            throttle: Arc::default(),
            tokens: Arc::default(),
            blocking: Arc::new(tokio::sync::Semaphore::new(calls)),
        }
    }

    /// Runs a synchronous service call on the blocking pool.
    pub async fn run<T, F>(&self, f: F) -> T
    where
        F: FnOnce(&App) -> T + Send + 'static,
        T: Send + 'static,
    {
        let app = Arc::clone(&self.app);
        // The semaphore is never closed, so acquiring cannot fail.
        let _permit = self.blocking.acquire().await.ok();
        tokio::task::spawn_blocking(move || f(&app))
            .await
            .expect("a service call panicked")
    }

    /// Runs a short read (a few indexed lookups): on the embedded SQLite
    /// store, on the async worker itself, where it costs tens of
    /// microseconds of CPU and the hop to the blocking pool (two thread
    /// wake-ups) cost more than the read (65 against 88 us of server CPU per
    /// coverage lookup, README Figures); on PostgreSQL, which waits on the
    /// network, on the blocking pool like [`AppState::run`]. SQLite reads
    /// run on read-only connections of their own (WAL), so they never wait
    /// for a write, an order import's batch included (DESIGN.md).
    pub async fn run_read<T, F>(&self, f: F) -> T
    where
        F: FnOnce(&App) -> T + Send + 'static,
        T: Send + 'static,
    {
        if self.inline_reads {
            f(&self.app)
        } else {
            self.run(f).await
        }
    }

    pub(crate) fn cached_token(&self, token: &str) -> Option<Account> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let (account, at) = tokens.get(&secret_hash(token))?;
        (at.elapsed() < TOKEN_CACHE_TTL).then(|| account.clone())
    }

    pub(crate) fn cache_token(&self, token: &str, account: &Account) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.len() > 10_000 {
            tokens.retain(|_, (_, at)| at.elapsed() < TOKEN_CACHE_TTL);
        }
        tokens.insert(secret_hash(token), (account.clone(), Instant::now()));
    }
}

/// The whole application: API, API docs, UI and the probes.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api::router().split_for_parts();
    let doc = openapi::finish(doc);
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::handler))
        .merge(api)
        .merge(utoipa_swagger_ui::SwaggerUi::new("/docs").url("/api/v1/openapi.json", doc))
        .merge(ui::router())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

/// Binds `addr` (port 0 for any free port) and serves until the process is
/// stopped. Returns once listening, with the bound address and the server's
/// task.
pub async fn bind(
    addr: SocketAddr,
    state: AppState,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let app = router(state);
    // With the peer's address, for the per-address login throttle.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((local, task))
}
