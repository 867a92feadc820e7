//! gongshang-server: the HTTP face of gongshang. A JSON API under `/api/v1`
//! ([`api`]) and the server-rendered web UI ([`ui`]), over one
//! [`gongshang_app::App`].
//!
//! Architecture invariant: only this crate knows HTTP. Handlers are thin:
//! authentication extractor, request type, one service call, a view type.
//! The store is synchronous, so every service call runs on the blocking pool
//! ([`AppState::run`]), never on the async workers.

pub mod api;
pub mod ui;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use gongshang_app::App;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
}

impl AppState {
    pub fn new(app: App) -> AppState {
        AppState { app: Arc::new(app) }
    }

    /// Runs a synchronous service call on the blocking pool.
    pub async fn run<T, F>(&self, f: F) -> T
    where
        F: FnOnce(&App) -> T + Send + 'static,
        T: Send + 'static,
    {
        let app = Arc::clone(&self.app);
        tokio::task::spawn_blocking(move || f(&app))
            .await
            .expect("a service call panicked")
    }
}

/// The whole application: API, UI and the probes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", api::router())
        .merge(ui::router())
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
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((local, task))
}
