//! The map of articles is checked, not written once (issue 17): every
//! function and test an entry names exists in the source tree, and every
//! parameter, command, notice and action it names exists (`policies check`
//! resolves those against the policy set and the binary's own command tree).
//! An article of a listed instrument without an entry fails the map's load.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gongshang_rules::article_map::{ArticleMap, Reference};

use super::gongshang;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path
                .file_name()
                .is_some_and(|n| n == "target" || n == ".git")
            {
                continue;
            }
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Every `fn name` of the workspace's Rust sources.
fn functions() -> BTreeSet<String> {
    let mut files = Vec::new();
    files_under(&workspace().join("crates"), "rs", &mut files);
    let mut names = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (at, _) in text.match_indices("fn ") {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = text[at + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

/// The data-driven tests: the stems of the case files under `test_data/`,
/// and the `name` of each case of a file that holds a list of cases (such
/// as `coverage.json`, one case per article checked).
fn test_data_cases() -> BTreeSet<String> {
    let mut files = Vec::new();
    files_under(&workspace().join("crates"), "json", &mut files);
    let mut cases = BTreeSet::new();
    for p in files
        .iter()
        .filter(|p| p.components().any(|c| c.as_os_str() == "test_data"))
    {
        if let Some(stem) = p.file_stem() {
            cases.insert(stem.to_string_lossy().into_owned());
        }
        let text = std::fs::read_to_string(p).expect("a test data file reads");
        if let Ok(serde_json::Value::Array(list)) = serde_json::from_str(&text) {
            cases.extend(
                list.iter()
                    .filter_map(|case| case.get("name")?.as_str().map(str::to_owned)),
            );
        }
    }
    cases
}

#[test]
fn every_function_and_test_the_article_map_names_exists() {
    let map = ArticleMap::embedded().expect("the maps load, every listed article has an entry");
    let functions = functions();
    let cases = test_data_cases();
    let mut unresolved = Vec::new();
    for i in &map.instruments {
        for e in &i.entries {
            for r in &e.carried_by {
                if let Reference::Function(path) = r {
                    let name = path.rsplit("::").next().unwrap_or(path);
                    if !functions.contains(name) {
                        unresolved.push(format!("{} {}: {r}", i.id, e.article));
                    }
                }
            }
            for t in &e.tests {
                if !functions.contains(t) && !cases.contains(t) {
                    unresolved.push(format!("{} {}: test {t}", i.id, e.article));
                }
            }
        }
    }
    assert!(
        unresolved.is_empty(),
        "the article map names what does not exist:\n{}",
        unresolved.join("\n")
    );
}

#[test]
fn every_parameter_command_notice_and_action_the_article_map_names_exists() {
    let out = gongshang(&["policies", "check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "policies check failed: {stderr}");
    assert!(stdout.contains("article maps"), "{stdout}");
}

#[test]
fn policies_articles_prints_the_counts_of_every_instrument_and_one_map_whole() {
    let out = gongshang(&["policies", "--lang", "en", "articles"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "national.regulations",
        "guangdong.regulations-2019",
        "guangdong.specific-persons-2020-55",
        "jiangsu.measures-2015",
        "xiamen.yilubao",
        "shandong.specific-workers-2024",
        "national.platform-measures-2025",
        "national.platform-handling-rules-2025-79",
    ] {
        assert!(text.contains(id), "{id} in {text}");
    }
    assert!(text.contains("articles 67"), "{text}");
    assert!(text.contains("Total"), "{text}");
    let out = gongshang(&["policy", "--lang", "en", "articles", "national.regulations"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("64(2)") && text.contains("fn:benefit_wage"),
        "{text}"
    );
    let out = gongshang(&["policies", "articles", "nowhere.nothing"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("national.regulations"));
}
