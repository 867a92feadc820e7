//! The server-rendered web UI (Chinese by default, English switch).

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
