//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! annotations ([`crate::api::router`]) and committed as `openapi.json` at
//! the repository root. A test compares the two; regenerate with
//! `cargo run -p gongshang-cli -- openapi > openapi.json` (or run the tests
//! with `UPDATE_OPENAPI=1`).

use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongshang",
        description = "工伤保险 work-injury insurance: registry, enrolment, bills, payments, platform orders, coverage, and the calculator with its trace. Errors are application/problem+json with a stable `code` and the `field` at fault. Lists page with `?limit=&after=`.",
        license(name = "Apache-2.0")
    ),
    components(schemas(Problem)),
    tags(
        (name = "registry", description = "units, people, engagements"),
        (name = "enrollment", description = "eligibility and enrolment"),
        (name = "bills", description = "declarations, bills, arrears"),
        (name = "payments", description = "payments (Idempotency-Key required)"),
        (name = "orders", description = "platform orders, order bills, reconciliation"),
        (name = "coverage", description = "was a person covered at a time"),
        (name = "calculate", description = "the calculator with its trace (public)"),
        (name = "accounts", description = "sign-in, accounts, API tokens"),
        (name = "cases", description = "injury determination, appraisal, awards (maker-checker), one-time payments"),
        (name = "payroll", description = "the monthly payroll of periodic benefits (Idempotency-Key required)"),
        (name = "stats", description = "read-only statistics without personal data (agency staff, analysts)")
    ),
    modifiers(&Security)
)]
struct Base;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("gongshang_session"))),
        );
        openapi.security = Some(vec![
            utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
}

/// The paths the handlers describe, with the document's info, tags and
/// security schemes.
pub fn finish(paths: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut doc = Base::openapi();
    doc.merge(paths);
    doc
}

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, paths) = crate::api::router().split_for_parts();
    finish(paths)
}

/// The document as committed: pretty JSON with a final newline.
pub fn json() -> String {
    let mut text = document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
