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
        (name = "stats", description = "read-only statistics without personal data (agency staff, analysts)"),
        (name = "tickets", description = "the rights-protection service centre: tickets (诉求) from the QR form (public), the window, the phone and one's own page; triage, mediation, referral, settlement, closing, escalation"),
        (name = "fund", description = "the fund: income-expenditure statements (JSON, CSV, xlsx), the reserve run, reform simulations (agency staff, analysts)"),
        (name = "monitor", description = "monitoring and early warning: rules as dated data, runs, alerts and their handling (agency staff; analysts read)"),
        (name = "matching", description = "shared-data matching (Decree 765 Arts 9, 26, 46): life events from other bodies, matching runs that end benefits and record overpayments, eligibility verification"),
        (name = "medical", description = "medical, rehabilitation and assistive-device costs (Regulations Arts 30-32, 47, 48; Decree 765 Arts 22, 43): the register of agreement institutions, a case's bills, a worker's reimbursement claim, settlement against the agreements and catalogues"),
        (name = "handling", description = "the handling deadlines and records of Decree 765: stop-benefit events reported within 20 working days (Art 25), registrations completed within 10 working days of the application (Arts 6, 10), the record of dishonest acts (Art 45; agency staff only)")
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
/// security schemes, and what [`refine`] adds.
pub fn finish(paths: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut doc = Base::openapi();
    doc.merge(paths);
    let Ok(mut value) = serde_json::to_value(&doc) else {
        return doc;
    };
    refine(&mut value);
    serde_json::from_value(value).unwrap_or(doc)
}

/// A resident identity number (GB 11643): 17 digits and a check character.
pub const RESIDENT_ID_PATTERN: &str = "^[0-9]{17}[0-9Xx]$";
/// A unified social credit code (GB 32100): 18 characters of its charset,
/// digits in the region (positions 3-8).
pub const CREDIT_CODE_PATTERN: &str = "^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$";
/// A day, `YYYY-MM-DD`.
pub const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
/// A month, `YYYY-MM`.
pub const MONTH_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])$";

/// What a request's field or parameter of this name must look like, so that
/// a client (and a fuzzer) knows it before the server says so: the same
/// name means the same thing everywhere in the API (checked by
/// `tests/it/openapi.rs`). Answers are not constrained (a person is shown
/// masked).
fn constraint(name: &str) -> Option<serde_json::Value> {
    use serde_json::json;
    let exactly = |pattern: &str, length: u32| json!({ "pattern": pattern, "minLength": length, "maxLength": length });
    Some(match name {
        "resident_id" | "person" => exactly(RESIDENT_ID_PATTERN, 18),
        "credit_code" | "unit" => exactly(CREDIT_CODE_PATTERN, 18),
        "start" | "end" | "first_day" | "last_day" | "paid_on" | "accident_date" | "filed_on"
        | "on" | "as_of" => {
            json!({ "format": "date", "pattern": DATE_PATTERN, "minLength": 10, "maxLength": 10 })
        }
        "month" | "from_month" => exactly(MONTH_PATTERN, 7),
        "kind" => json!({ "enum": [
            "enterprise", "public_body", "village_committee", "platform", "school",
            "domestic_service_agency", "volunteer_organisation"
        ] }),
        "role" => {
            json!({ "enum": [
                "clerk", "reviewer", "administrator", "unit", "worker", "analyst",
                "front_desk", "mediator", "partner"
            ] })
        }
        "label" => json!({ "minLength": 1, "maxLength": 100 }),
        "login" => json!({ "minLength": 1, "maxLength": 64 }),
        _ => return None,
    })
}

/// Adds to the generated document what the annotations do not say:
/// errors are `application/problem+json`; the requests' identifiers, days
/// and months have their patterns and lengths ([`constraint`]); pages take
/// `limit` 1 to 1000 and `after` from 0.
fn refine(doc: &mut serde_json::Value) {
    use serde_json::Value;
    let mut request_schemas = std::collections::BTreeSet::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for op in item.values_mut() {
                if let Some(body) = op.get("requestBody") {
                    collect_refs(body, &mut request_schemas);
                }
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    for p in params {
                        refine_parameter(p);
                    }
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for r in responses.values_mut() {
                        problem_content_type(r);
                    }
                }
            }
        }
    }
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    // The schemas the request bodies name, and those they name in turn.
    let mut todo: Vec<String> = request_schemas.iter().cloned().collect();
    while let Some(name) = todo.pop() {
        let mut more = std::collections::BTreeSet::new();
        if let Some(s) = schemas.get(&name) {
            collect_refs(s, &mut more);
        }
        for m in more {
            if request_schemas.insert(m.clone()) {
                todo.push(m);
            }
        }
    }
    for name in &request_schemas {
        if let Some(schema) = schemas.get_mut(name) {
            constrain_properties(schema);
        }
    }
}

fn collect_refs(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => {
                        if let Some(name) = r.strip_prefix("#/components/schemas/") {
                            out.insert(name.to_owned());
                        }
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Merges the constraint of each named property, in the object and in the
/// `oneOf`/`allOf` branches it is made of.
fn constrain_properties(schema: &mut serde_json::Value) {
    use serde_json::Value;
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, prop) in props.iter_mut() {
            if let Some(c) = constraint(name) {
                merge(prop, &c);
            }
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(branches) = schema.get_mut(key).and_then(Value::as_array_mut) {
            branches.iter_mut().for_each(constrain_properties);
        }
    }
}

fn merge(target: &mut serde_json::Value, add: &serde_json::Value) {
    let (Some(t), Some(a)) = (target.as_object_mut(), add.as_object()) else {
        return;
    };
    // Only string schemas (or nullable strings) take string constraints.
    let is_string = match t.get("type") {
        Some(serde_json::Value::String(s)) => s == "string",
        Some(serde_json::Value::Array(types)) => types.iter().any(|x| x == "string"),
        _ => false,
    };
    if !is_string {
        return;
    }
    for (k, v) in a {
        if k == "enum"
            && matches!(t.get("type"), Some(serde_json::Value::Array(types)) if types.iter().any(|x| x == "null"))
        {
            let mut values = v.as_array().cloned().unwrap_or_default();
            values.push(serde_json::Value::Null);
            t.insert(k.clone(), serde_json::Value::Array(values));
        } else {
            t.insert(k.clone(), v.clone());
        }
    }
}

fn refine_parameter(p: &mut serde_json::Value) {
    let name = p
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_owned();
    let Some(schema) = p.get_mut("schema") else {
        return;
    };
    match name.as_str() {
        "limit" => {
            schema["minimum"] = 1.into();
            schema["maximum"] = 1000.into();
        }
        "after" => schema["minimum"] = 0.into(),
        "Idempotency-Key" => {
            merge(
                schema,
                &serde_json::json!({ "minLength": 1, "maxLength": 60, "pattern": "^[!-~]+$" }),
            );
        }
        // The only `kind` parameter: a notice's (a unit's kind is a field).
        "kind" => merge(
            schema,
            &serde_json::json!({ "enum": ["decision", "inadmissible", "materials", "award"] }),
        ),
        other => {
            if let Some(c) = constraint(other) {
                merge(schema, &c);
            }
        }
    }
}

/// A response whose body is a [`Problem`] is `application/problem+json`.
fn problem_content_type(response: &mut serde_json::Value) {
    let Some(content) = response
        .get_mut("content")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    let is_problem = content
        .get("application/json")
        .and_then(|c| c.pointer("/schema/$ref"))
        .and_then(|r| r.as_str())
        .is_some_and(|r| r == "#/components/schemas/Problem");
    if is_problem && let Some(c) = content.remove("application/json") {
        content.insert("application/problem+json".to_owned(), c);
    }
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
