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
pub mod log;
pub mod metrics;
pub mod openapi;
pub mod priority;
pub mod sim_jobs;
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
/// again. A revocation or a disabled account takes effect at once anyway:
/// every request reads the store's credentials epoch and trusts a remembered
/// account only while it is unchanged.
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

/// How long a request may take before it is answered 503 `timeout`. Long
/// enough for a payroll run of a million beneficiaries on PostgreSQL (about
/// 18 s) or an order import at the body limit; a store call already on the
/// blocking pool still finishes (and commits) after the answer went out,
/// which is why the POSTs that move money take an `Idempotency-Key`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// How long a stopping server waits for the requests in flight before it
/// stops anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// What every handler shares: one pointer to [`SharedState`]. Axum clones
/// the state for each extractor and middleware of a request; one reference
/// count instead of one per part halved what those clones and drops cost
/// (3.6 % of the server's CPU per coverage lookup, measured with `perf`).
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl std::ops::Deref for AppState {
    type Target = SharedState;
    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct SharedState {
    pub app: Arc<App>,
    pub metrics: Arc<metrics::Metrics>,
    /// Mark the session cookie `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// Failed sign-ins by login and by address ([`throttle`]).
    pub throttle: Arc<throttle::LoginThrottle>,
    /// Tickets filed without a login, by address ([`throttle::FilingThrottle`]).
    pub filings: Arc<throttle::FilingThrottle>,
    tokens: Arc<Mutex<HashMap<String, RememberedToken>>>,
    /// At most this many service calls at once on the blocking pool
    /// ([`BLOCKING_CALLS`], [`POSTGRES_BLOCKING_CALLS`]): 64 threads
    /// queueing on the store cost more in futex wake-ups than the queries
    /// themselves; waiting here is an async wait, not a parked thread.
    blocking: Arc<tokio::sync::Semaphore>,
    /// [`AppState::run_read`] runs on the async worker (SQLite).
    inline_reads: bool,
    /// The simulation jobs' workers ([`sim_jobs`]).
    pub sim_jobs: sim_jobs::JobRunner,
}

/// What a server remembers of a bearer token: its account, the credentials
/// epoch it was read under, and when.
type RememberedToken = (Account, i64, Instant);

impl AppState {
    /// The state of a server starting: the simulation jobs left running by
    /// the last stop are marked interrupted and the queued ones start
    /// ([`sim_jobs::JobRunner::start`]).
    pub fn new(app: App) -> AppState {
        let inline_reads = matches!(app.backend(), gongshang_app::model::BackendKind::Sqlite);
        let calls = if inline_reads {
            BLOCKING_CALLS
        } else {
            POSTGRES_BLOCKING_CALLS
        };
        let app = Arc::new(app);
        let sim_jobs = sim_jobs::JobRunner::default();
        sim_jobs.start(&app);
        AppState(Arc::new(SharedState {
            inline_reads,
            sim_jobs,
            app,
            metrics: Arc::default(),
            secure_cookies: false,
            throttle: Arc::default(),
            filings: Arc::default(),
            tokens: Arc::default(),
            blocking: Arc::new(tokio::sync::Semaphore::new(calls)),
        }))
    }

    /// Marks the session cookie `Secure` (a server behind TLS); before the
    /// state is shared.
    pub fn with_secure_cookies(self, secure: bool) -> AppState {
        let mut shared = Arc::try_unwrap(self.0)
            .unwrap_or_else(|_| panic!("with_secure_cookies is called before the state is shared"));
        shared.secure_cookies = secure;
        AppState(Arc::new(shared))
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

    /// Runs bulk work (an import of orders) on a thread of its own in the
    /// idle CPU class ([`priority`]), so that it takes only the processor
    /// time that requests leave; it does not take a place of the blocking
    /// pool either. The class never returns to a pooled thread: an
    /// unprivileged thread cannot leave it.
    pub async fn run_background<T, F>(&self, f: F) -> T
    where
        F: FnOnce(&App) -> T + Send + 'static,
        T: Send + 'static,
    {
        let app = Arc::clone(&self.app);
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("gongshang-bulk".into())
            .spawn(move || {
                priority::yield_to_requests();
                // The receiver is gone only when the request was abandoned.
                let _ = tx.send(f(&app));
            })
            .expect("the system starts a thread");
        rx.await.expect("a bulk job panicked")
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

    /// Forgets every remembered bearer token, so that a token revoked or an
    /// account disabled through this server stops working on its next
    /// request (called by those use cases' handlers).
    pub fn forget_tokens(&self) {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The account remembered for `token`, if read under the credentials
    /// epoch `epoch` (nothing was revoked or disabled since) and recently.
    pub(crate) fn cached_token(&self, token: &str, epoch: i64) -> Option<Account> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let (account, read_under, at) = tokens.get(&secret_hash(token))?;
        (*read_under == epoch && at.elapsed() < TOKEN_CACHE_TTL).then(|| account.clone())
    }

    pub(crate) fn cache_token(&self, token: &str, account: &Account, epoch: i64) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.len() > 10_000 {
            tokens.retain(|_, (_, read_under, at)| {
                *read_under == epoch && at.elapsed() < TOKEN_CACHE_TTL
            });
        }
        tokens.insert(secret_hash(token), (account.clone(), epoch, Instant::now()));
    }
}

/// The whole application: API, API docs, UI and the probes, with the
/// plumbing every request goes through (outermost first): a request id
/// (`x-request-id`, kept when the client sent one, echoed on the answer),
/// gzip or brotli compression when the client accepts it, one log line
/// ([`log::log_request`]), a timeout ([`REQUEST_TIMEOUT`]) and the body
/// limit ([`BODY_LIMIT_BYTES`]); their bare refusals become problems of the
/// error table ([`error::problem_for_bare_refusal`]).
pub fn router(state: AppState) -> Router {
    use axum::http::StatusCode;
    use tower_http::compression::CompressionLayer;
    use tower_http::limit::RequestBodyLimitLayer;
    use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
    use tower_http::timeout::TimeoutLayer;

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
        // Layers added later wrap those added before.
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::map_response(
            error::problem_for_bare_refusal,
        ))
        .layer(axum::middleware::from_fn(log::log_request))
        .layer(CompressionLayer::new().gzip(true).br(true))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(
            log::ServerRequestIds::default(),
        ))
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
    bind_until(addr, state, std::future::pending()).await
}

/// Like [`bind`], but stops when `shutdown` completes: no new connection is
/// accepted, the requests in flight are finished and answered (for at most
/// [`SHUTDOWN_GRACE`]), idle connections are closed, then the task ends.
pub async fn bind_until<F>(
    addr: SocketAddr,
    state: AppState,
    shutdown: F,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)>
where
    F: Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let app = router(state);
    // With the peer's address, for the per-address login throttle.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let signal = async move {
        shutdown.await;
        tracing::info!(target: log::HTTP_TARGET, "shutting down: finishing the requests in flight");
        let _ = stopping.send(true);
    };
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(signal);
        tokio::select! {
            r = server.into_future() => r,
            _ = async {
                let _ = stopped.wait_for(|s| *s).await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => {
                tracing::warn!(target: log::HTTP_TARGET, grace_s = SHUTDOWN_GRACE.as_secs(), "stopped with requests still in flight");
                Ok(())
            }
        }
    });
    Ok((local, task))
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM: what `gongshang
/// serve` and `demo` stop on.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
