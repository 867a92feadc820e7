//! Static files, embedded in the binary: nothing is fetched at run time and
//! there is no CDN. The paths carry a version so browsers may keep them for
//! a year; a new build with changed files changes the version.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// The version in the assets' paths, bumped when an asset changes so that
/// cached copies are not reused: the pages link this version, which is
/// cached for a year; any other version is served `no-cache`.
macro_rules! version {
    () => {
        "5"
    };
}
const VERSION: &str = version!();

pub const CSS_PATH: &str = concat!("/assets/", version!(), "/app.css");
pub const APP_JS_PATH: &str = concat!("/assets/", version!(), "/app.js");
pub const HTMX_PATH: &str = concat!("/assets/", version!(), "/htmx.min.js");
pub const ECHARTS_PATH: &str = concat!("/assets/", version!(), "/echarts.common.min.js");

/// (name, content type, bytes).
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/app.js"),
    ),
    // htmx 2.0.11 (BSD Zero Clause License, assets/htmx.LICENSE).
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/htmx.min.js"),
    ),
    // Apache ECharts 6.1.0, the "common" build (Apache-2.0, assets/echarts.LICENSE and NOTICE).
    (
        "echarts.common.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/echarts.common.min.js"),
    ),
    (
        "htmx.LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/htmx.LICENSE"),
    ),
    (
        "echarts.LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/echarts.LICENSE"),
    ),
    (
        "echarts.NOTICE",
        "text/plain; charset=utf-8",
        include_bytes!("../../assets/echarts.NOTICE"),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{version}/{name}", get(asset))
}

async fn asset(Path((version, name)): Path<(String, String)>) -> Response {
    match FILES.iter().find(|(n, ..)| *n == name) {
        Some((_, content_type, bytes)) => {
            let cache = if version == VERSION {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            (
                [
                    (header::CONTENT_TYPE, *content_type),
                    (header::CACHE_CONTROL, cache),
                ],
                *bytes,
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
