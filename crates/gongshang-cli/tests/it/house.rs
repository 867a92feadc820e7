//! The architecture invariants of ARCHITECTURE.md, checked against the
//! crates' dependency lists and their sources, so that a change that breaks
//! one fails here rather than in a review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .expect("crates/gongshang-cli is two levels under the workspace")
        .to_path_buf()
}

/// The names in a crate's `[dependencies]` (not dev- or build-dependencies).
fn dependencies(krate: &str) -> BTreeSet<String> {
    let out = listed(krate, "[dependencies]");
    assert!(
        !out.is_empty() || krate == "gongshang-csv",
        "{krate}: no dependencies read"
    );
    out
}

/// The names a crate's manifest lists in one section (`[dev-dependencies]`, ...).
fn listed(krate: &str, section: &str) -> BTreeSet<String> {
    let path = workspace().join("crates").join(krate).join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut out = BTreeSet::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == section;
            continue;
        }
        if inside && !line.is_empty() && !line.starts_with('#') {
            let name = line
                .split(['=', '.', ' '])
                .next()
                .unwrap_or_default()
                .trim();
            out.insert(name.to_owned());
        }
    }
    out
}

/// Every `.rs` file under a crate's `src/`, with its text.
fn sources(krate: &str) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &workspace().join("crates").join(krate).join("src"),
        &mut out,
    );
    assert!(!out.is_empty(), "{krate}: no sources");
    out
}

fn crates() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(workspace().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gongshang-"))
        .collect();
    out.sort();
    out
}

/// Crates that do input and output: a pure crate depends on none of them.
const IO_CRATES: &[&str] = &[
    "rusqlite",
    "postgres",
    "tokio-postgres",
    "tokio",
    "axum",
    "hyper",
    "tower",
    "tower-http",
    "reqwest",
    "ureq",
    "mio",
];

#[test]
fn the_rules_engine_and_the_domain_do_no_io_and_depend_on_nothing_above_them() {
    for (krate, allowed) in [
        ("gongshang-rules", &[][..]),
        ("gongshang-domain", &["gongshang-rules"][..]),
        // issue 14: the projection is pure too.
        ("gongshang-sim", &["gongshang-rules"][..]),
    ] {
        for dep in dependencies(krate) {
            assert!(
                !IO_CRATES.contains(&dep.as_str()),
                "{krate} depends on {dep}, which does IO"
            );
            if dep.starts_with("gongshang-") {
                assert!(
                    allowed.contains(&dep.as_str()),
                    "{krate} depends on {dep}: the pure core depends on nothing above it"
                );
            }
        }
        for (path, text) in sources(krate) {
            for needle in [
                "std::fs",
                "std::net",
                "File::open",
                "SystemTime::now",
                "Timestamp::now",
                "Zoned::now",
                "Instant::now",
            ] {
                assert!(
                    !text.contains(needle),
                    "{path:?} uses {needle}: {krate} never does IO and never reads the clock"
                );
            }
        }
    }
}

#[test]
fn the_server_and_the_command_line_reach_the_data_only_through_the_application_layer() {
    // Its tests too: they open databases through gongshang_app::database.
    let server: BTreeSet<String> = dependencies("gongshang-server")
        .union(&listed("gongshang-server", "[dev-dependencies]"))
        .cloned()
        .collect();
    for forbidden in ["gongshang-store", "rusqlite", "postgres", "tokio-postgres"] {
        assert!(
            !server.contains(forbidden),
            "gongshang-server depends on {forbidden}: it calls gongshang-app only"
        );
    }
    let app = dependencies("gongshang-app");
    for forbidden in [
        "axum",
        "hyper",
        "tower",
        "tower-http",
        "rusqlite",
        "postgres",
    ] {
        assert!(
            !app.contains(forbidden),
            "gongshang-app depends on {forbidden}: no HTTP and no SQL driver in the use cases"
        );
    }
    assert!(
        dependencies("gongshang-csv")
            .iter()
            .all(|d| !d.starts_with("gongshang-")),
        "gongshang-csv depends on nothing of gongshang's"
    );
}

#[test]
fn only_the_store_knows_sql() {
    let sql = [
        "SELECT ",
        "INSERT INTO",
        "DELETE FROM",
        "CREATE TABLE",
        "ALTER TABLE",
    ];
    for krate in crates() {
        if krate == "gongshang-store" {
            continue;
        }
        for (path, text) in sources(&krate) {
            for needle in sql {
                assert!(
                    !text.contains(needle),
                    "{path:?} contains SQL ({needle:?}): only gongshang-store knows SQL"
                );
            }
        }
    }
}

#[test]
fn only_the_server_knows_http() {
    for krate in crates() {
        if krate == "gongshang-server" || krate == "gongshang-cli" {
            // The CLI starts the server (`serve`, `demo`) and nothing else.
            continue;
        }
        let deps = dependencies(&krate);
        for http in ["axum", "hyper", "tower-http", "axum-extra"] {
            assert!(
                !deps.contains(http),
                "{krate} depends on {http}: only gongshang-server knows HTTP"
            );
        }
    }
}

#[test]
fn who_may_do_what_is_decided_by_the_one_table_of_the_application_layer() {
    // The server and the CLI may ask the table (`may`) to show or hide a
    // command, but never compare roles to decide a permission themselves,
    // and never check a scope on a record (the use case does).
    for krate in ["gongshang-server", "gongshang-cli"] {
        for (path, text) in sources(krate) {
            for needle in ["fn authorize(", "require_own(", "reaches("] {
                assert!(
                    !text.contains(needle),
                    "{path:?} contains {needle:?}: permissions are gongshang-app's"
                );
            }
        }
    }
}
