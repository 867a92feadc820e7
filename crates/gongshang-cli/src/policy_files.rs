//! Reading policy files from disk (the rules crate only parses text).

use std::path::{Path, PathBuf};

use gongshang_rules::PolicySet;
use gongshang_rules::params::{PolicyFile, Status};

use crate::{CliError, Lang};

/// The built-in policy set, or the one in `dir` (every `*.toml` one level
/// below it, in `<jurisdiction>/<name>.toml` folders).
pub fn load(dir: Option<&Path>) -> Result<PolicySet, CliError> {
    let Some(dir) = dir else {
        return Ok(PolicySet::embedded()?);
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CliError(format!("cannot read policy folder {}: {e}", dir.display())))?;
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            for file in std::fs::read_dir(entry.path())? {
                let path = file?.path();
                if path.extension().is_some_and(|e| e == "toml") {
                    paths.push(path);
                }
            }
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(CliError(format!(
            "no <jurisdiction>/*.toml policy files under {}",
            dir.display()
        )));
    }
    let mut texts = Vec::with_capacity(paths.len());
    for path in &paths {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
        let rel = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        texts.push((rel, text));
    }
    let files: Vec<PolicyFile<'_>> = texts
        .iter()
        .map(|(path, text)| PolicyFile { path, text })
        .collect();
    Ok(PolicySet::load(&files)?)
}

pub fn check(dir: Option<&Path>) -> Result<(), CliError> {
    let policy = load(dir)?;
    let params = policy.parameters().count();
    let values: usize = policy.parameters().map(|p| p.values.len()).sum();
    let assumed = policy
        .parameters()
        .flat_map(|p| &p.values)
        .filter(|v| v.citation.status != Status::Confirmed)
        .count();
    println!(
        "ok: {params} parameters, {values} dated values ({assumed} assumed or illustrative), {} regions",
        policy.regions().count()
    );
    Ok(())
}

pub fn list(dir: Option<&Path>, prefix: Option<&str>, lang: Lang) -> Result<(), CliError> {
    let policy = load(dir)?;
    for p in policy
        .parameters()
        .filter(|p| prefix.is_none_or(|pre| p.id.key.starts_with(pre)))
    {
        let label = if lang == Lang::Zh {
            &p.label_zh
        } else {
            &p.label_en
        };
        let unit = if lang == Lang::Zh {
            p.unit.label_zh()
        } else {
            p.unit.label_en()
        };
        println!("{}  {label} ({unit})", p.id);
        for v in &p.values {
            let flag = match v.citation.status {
                Status::Confirmed => String::new(),
                Status::Assumed => {
                    format!("  [assumed: {}]", v.citation.note.as_deref().unwrap_or(""))
                }
                Status::Illustrative => format!(
                    "  [illustrative: {}]",
                    v.citation.note.as_deref().unwrap_or("")
                ),
            };
            println!(
                "    {:<16} {:>14}  {} {} [{} {}]{flag}",
                v.validity.to_string(),
                v.value.to_string(),
                v.citation.instrument,
                v.citation.article,
                v.citation.source,
                v.citation.confidence
            );
        }
    }
    Ok(())
}
