//! The committed openapi.json is the one the handlers generate.

#[test]
fn the_committed_openapi_json_is_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json");
    let generated = gongshang_server::openapi::json();
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.json differs from what the handlers generate; regenerate it with\n  \
         cargo run -p gongshang-cli -- openapi > openapi.json\nor\n  \
         UPDATE_OPENAPI=1 cargo test -p gongshang-server openapi\nand commit it"
    );
}

/// utoipa names a component by its type's name alone: two `ToSchema` types
/// of one name in two modules become one schema in the document, and the
/// answers of one of them then violate it (schemathesis found the tickets'
/// `DeadlineView` and `SessionView` described as the cases' and the
/// accounts'). Every schema type of the API has a name of its own.
#[test]
fn every_schema_type_of_the_api_has_a_name_of_its_own() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut seen: std::collections::HashMap<String, String> = Default::default();
    let mut clashes = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line
                .trim_start()
                .strip_prefix("pub struct ")
                .or_else(|| line.trim_start().strip_prefix("pub enum "))
            else {
                continue;
            };
            // The derive sits a few lines above, after the doc comments.
            let derives_schema = lines[i.saturating_sub(8)..i]
                .iter()
                .any(|l| l.contains("#[derive(") && l.contains("ToSchema"));
            if !derives_schema {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let at = f.display().to_string();
            if let Some(before) = seen.insert(name.clone(), at.clone()) {
                clashes.push(format!("{name}: {before} and {at}"));
            }
        }
    }
    assert!(clashes.is_empty(), "schema names used twice: {clashes:#?}");
}

/// The refinements (problem+json errors, patterns) are applied to the whole
/// document: if the refined document does not read back as OpenAPI (a field
/// typed `serde_json::Value` without `#[schema(value_type = Object)]` has no
/// type, which utoipa cannot read), `openapi::finish` falls back to the bare
/// document, silently, for every path. Every error answer naming `Problem`
/// must therefore be `application/problem+json`.
#[test]
fn every_error_answer_of_the_document_is_problem_json() {
    let doc: serde_json::Value = serde_json::from_str(&gongshang_server::openapi::json()).unwrap();
    let mut plain = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op.get("responses").and_then(|r| r.as_object()) else {
                continue;
            };
            for (status, r) in responses {
                let Some(content) = r.get("content").and_then(|c| c.as_object()) else {
                    continue;
                };
                for (media, body) in content {
                    if body.to_string().contains("#/components/schemas/Problem")
                        && media != "application/problem+json"
                    {
                        plain.push(format!("{method} {path} {status} {media}"));
                    }
                }
            }
        }
    }
    assert!(
        plain.is_empty(),
        "errors not refined to problem+json: {plain:?}"
    );
}
