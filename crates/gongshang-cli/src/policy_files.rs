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
    // The article maps (issue 17): their shape, and the parameters,
    // commands, notices and actions they name.
    let map = crate::article_cmds::load(dir)?;
    let unresolved = crate::article_cmds::unresolved(&map, &policy);
    if !unresolved.is_empty() {
        return Err(CliError(format!(
            "article maps name what does not exist:\n{}",
            unresolved.join("\n")
        )));
    }
    // The monitoring rules (issue 16): each one the domain evaluates, with
    // the parameters it needs.
    gongshang_domain::monitor::check_rules(policy.monitor_rules())
        .map_err(|e| CliError(e.to_string()))?;
    println!(
        "ok: {params} parameters, {values} dated values ({assumed} assumed or illustrative), {} regions, {} article maps, {} monitoring rules",
        policy.regions().count(),
        map.instruments.len(),
        policy.monitor_rules().count()
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
            let validity = match v.until {
                Some(u) => format!("{} until {u}", v.validity),
                None => v.validity.to_string(),
            };
            println!(
                "    {:<16} {:>14}  {} {} [{} {}]{flag}",
                validity,
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

fn status_label(status: Status, lang: Lang) -> &'static str {
    match (status, lang) {
        (Status::Confirmed, Lang::Zh) => "已确认",
        (Status::Confirmed, Lang::En) => "confirmed",
        (Status::Assumed, Lang::Zh) => "假设值",
        (Status::Assumed, Lang::En) => "assumed",
        (Status::Illustrative, Lang::Zh) => "示例值",
        (Status::Illustrative, Lang::En) => "illustrative",
    }
}

/// `gongshang policies`: the schemes, then the parameters per jurisdiction
/// with how many of their values are confirmed, assumed or illustrative.
pub fn overview(dir: Option<&Path>, lang: Lang) -> Result<(), CliError> {
    let policy = load(dir)?;
    let zh = lang == Lang::Zh;
    println!("{}", if zh { "保障方案" } else { "Schemes" });
    for s in policy.schemes() {
        let until = s.until.map(|u| format!(" – {u}")).unwrap_or_default();
        let name = if zh { &s.name_zh } else { &s.name_en };
        println!(
            "  {:<42} {name}  ({}{until}; {})",
            s.id,
            s.from,
            status_label(s.citation.status, lang)
        );
    }
    println!(
        "\n{}",
        if zh {
            "参数（按辖区）"
        } else {
            "Parameters by jurisdiction"
        }
    );
    let mut by: std::collections::BTreeMap<&str, [usize; 4]> = Default::default();
    for p in policy.parameters() {
        let row = by.entry(p.id.jurisdiction.as_str()).or_default();
        row[0] += 1;
        for v in &p.values {
            row[match v.citation.status {
                Status::Confirmed => 1,
                Status::Assumed => 2,
                Status::Illustrative => 3,
            }] += 1;
        }
    }
    for (j, [params, confirmed, assumed, illustrative]) in by {
        if zh {
            println!(
                "  {j:<12} {params} 个参数；取值：已确认 {confirmed}，假设值 {assumed}，示例值 {illustrative}"
            );
        } else {
            println!(
                "  {j:<12} {params} parameters; values: {confirmed} confirmed, {assumed} assumed, {illustrative} illustrative"
            );
        }
    }
    println!(
        "\n{}",
        if zh {
            "详见：gongshang policies schemes [ID]、gongshang policies params [前缀]、gongshang policies check"
        } else {
            "More: gongshang policies schemes [ID], gongshang policies params [PREFIX], gongshang policies check"
        }
    );
    Ok(())
}

/// `gongshang policies schemes [ID]`: each scheme's rules, items and payers.
pub fn schemes(dir: Option<&Path>, id: Option<&str>, lang: Lang) -> Result<(), CliError> {
    let policy = load(dir)?;
    let zh = lang == Lang::Zh;
    let chosen: Vec<_> = match id {
        Some(id) => vec![policy.scheme(id)?],
        None => policy.schemes().collect(),
    };
    for s in chosen {
        let name = if zh { &s.name_zh } else { &s.name_en };
        println!("{}  {name}", s.id);
        println!(
            "  {} {} {} [{}; {}]",
            if zh { "依据" } else { "authority" },
            s.citation.instrument,
            s.citation.article,
            s.citation.source,
            s.citation.confidence
        );
        let until = s.until.map(|u| format!(" until {u}")).unwrap_or_default();
        println!(
            "  {} {}{until}",
            if zh { "施行" } else { "in force from" },
            s.from
        );
        let cats: Vec<String> = s
            .categories
            .iter()
            .map(|c| {
                let label = if zh {
                    c.category.label_zh()
                } else {
                    c.category.label_en()
                };
                let mut bounds = Vec::new();
                if let Some(k) = &c.min_age {
                    bounds.push(format!("min {k}"));
                }
                if let Some(k) = &c.max_age {
                    bounds.push(format!("max {k}"));
                }
                if bounds.is_empty() {
                    label.to_owned()
                } else {
                    format!("{label} ({})", bounds.join(", "))
                }
            })
            .collect();
        println!(
            "  {} {}",
            if zh { "参保对象" } else { "who" },
            cats.join("; ")
        );
        if s.excludes_labour_relation {
            println!(
                "  {}",
                if zh {
                    "排除：与参保单位建立劳动关系的人员"
                } else {
                    "excludes: people with a labour relation with the unit"
                }
            );
        }
        if s.excludes_covered_by_regulations {
            println!(
                "  {}",
                if zh {
                    "排除：已参加工伤保险的职工"
                } else {
                    "excludes: people covered by the Regulations"
                }
            );
        }
        println!(
            "  {} {}",
            if zh { "缴费" } else { "billing" },
            serde_json::to_string(&s.billing)?
        );
        println!(
            "  {} {:?}; cover {:?}; back pay {}; refund {}; claim {:?}",
            if zh { "缴费方" } else { "payers" },
            s.premium_payers,
            s.cover_starts,
            s.back_pay_allowed,
            s.refund_allowed,
            s.claim_procedure
        );
        for item in &s.items {
            let grades = item
                .grades
                .as_ref()
                .map(|g| format!(" grades {g:?}"))
                .unwrap_or_default();
            let label = if zh {
                item.item.label_zh()
            } else {
                item.item.label_en()
            };
            println!(
                "    {label}{grades}: {} [{}; {}]",
                if zh {
                    item.payer.label_zh()
                } else {
                    item.payer.label_en()
                },
                item.citation.article,
                status_label(item.citation.status, lang)
            );
        }
        for rule in &s.rules {
            println!(
                "    - {} [{} {}; {}]",
                rule.rule,
                rule.citation.article,
                rule.citation.source,
                status_label(rule.citation.status, lang)
            );
        }
        for area in &s.areas {
            println!("    area {}xxxx from {}", area.prefix, area.from);
        }
        for p in &s.platforms {
            println!(
                "    platform {} {:?} from {} {}",
                p.name,
                p.industries,
                p.from,
                p.platform_class.as_deref().unwrap_or("")
            );
        }
        println!();
    }
    Ok(())
}
