//! Compiles the shipped holiday arrangements (`policies/national/holidays/*.toml`)
//! into the crate, so the list can never drift from the folder. The rules
//! crate's own build script reads only one level below `policies/`, so these
//! files are not parameter files to it.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/national/holidays");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("policies/national/holidays/ exists") {
        let path = entry.expect("readable holidays folder").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let rel = format!(
                "national/holidays/{}",
                path.file_name().unwrap().to_string_lossy()
            );
            println!("cargo:rerun-if-changed={}", path.display());
            files.push((rel, path.canonicalize().expect("canonical path")));
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
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_holidays.rs");
    std::fs::write(dest, out).expect("write embedded_holidays.rs");
}
