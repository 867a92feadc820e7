//! Compiles the shipped policy files (`policies/<jurisdiction>/*.toml`) into the
//! crate, so the list can never drift from the folder.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("../../policies");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).expect("policies/ exists") {
        let dir = dir.expect("readable policies/").path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("readable jurisdiction folder") {
            let path = file.expect("readable entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                let rel = format!(
                    "{}/{}",
                    dir.file_name().unwrap().to_string_lossy(),
                    path.file_name().unwrap().to_string_lossy()
                );
                files.push((rel, path.canonicalize().expect("canonical path")));
            }
        }
    }
    files.sort();
    let mut out = String::from("&[\n");
    for (rel, abs) in files {
        writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push(']');
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_policies.rs");
    std::fs::write(dest, out).expect("write embedded_policies.rs");
    write_article_maps(&root);
}

/// The article maps (`policies/<jurisdiction>/articles/*.toml`, issue 17):
/// one file per instrument, compiled in the same way.
fn write_article_maps(root: &Path) {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(root).expect("policies/ exists") {
        let dir = dir.expect("readable policies/").path().join("articles");
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("readable articles folder") {
            let path = file.expect("readable entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                let rel = format!(
                    "{}/articles/{}",
                    dir.parent().unwrap().file_name().unwrap().to_string_lossy(),
                    path.file_name().unwrap().to_string_lossy()
                );
                files.push((rel, path.canonicalize().expect("canonical path")));
            }
        }
    }
    files.sort();
    let mut out = String::from("&[\n");
    for (rel, abs) in files {
        writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    out.push(']');
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_articles.rs");
    std::fs::write(dest, out).expect("write embedded_articles.rs");
}
