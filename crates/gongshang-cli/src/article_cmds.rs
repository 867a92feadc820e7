//! `gongshang policies articles [INSTRUMENT]` (issue 17): the map from each
//! instrument's articles to what carries them out, with counts by status.

use std::path::{Path, PathBuf};

use gongshang_rules::article_map::{ArticleMap, Instrument, Status};

use crate::{CliError, Lang};

/// The built-in maps, or those under `dir` (`<jurisdiction>/articles/*.toml`).
pub fn load(dir: Option<&Path>) -> Result<ArticleMap, CliError> {
    let Some(dir) = dir else {
        return Ok(ArticleMap::embedded()?);
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir)
        .map_err(|e| CliError(format!("cannot read policy folder {}: {e}", dir.display())))?
    {
        let articles = entry?.path().join("articles");
        if articles.is_dir() {
            for file in std::fs::read_dir(&articles)? {
                let path = file?.path();
                if path.extension().is_some_and(|e| e == "toml") {
                    paths.push(path);
                }
            }
        }
    }
    paths.sort();
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
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Ok(ArticleMap::load(&files)?)
}

fn status_label(status: Status, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => status.label_zh(),
        Lang::En => status.label_en(),
    }
}

fn counts_line(instrument: &Instrument, lang: Lang) -> String {
    let counts = instrument.counts();
    let parts: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("{} {}", status_label(*s, lang), counts.of(*s)))
        .collect();
    let listed = if instrument.complete {
        ""
    } else if lang == Lang::Zh {
        "（仅列出已读条文）"
    } else {
        " (only the articles read)"
    };
    match lang {
        Lang::Zh => format!(
            "条文 {}{listed}，条目 {}：{}",
            instrument.articles.len(),
            counts.total(),
            parts.join("，")
        ),
        Lang::En => format!(
            "articles {}{listed}, entries {}: {}",
            instrument.articles.len(),
            counts.total(),
            parts.join(", ")
        ),
    }
}

/// Without an instrument: the counts of every instrument and the entries
/// still missing; with one (its id, e.g. `national.regulations`): its whole
/// map. `status` keeps only the entries of that status.
pub fn articles(
    dir: Option<&Path>,
    instrument: Option<&str>,
    status: Option<&str>,
    lang: Lang,
) -> Result<(), CliError> {
    let map = load(dir)?;
    let status = status
        .map(|s| {
            Status::ALL
                .into_iter()
                .find(|x| x.name() == s)
                .ok_or_else(|| {
                    CliError(format!(
                        "unknown status {s:?}; allowed: carried, partly, not_for_system, missing"
                    ))
                })
        })
        .transpose()?;
    let zh = lang == Lang::Zh;
    let chosen: Vec<&Instrument> = match instrument {
        Some(id) => vec![map.instrument(id).ok_or_else(|| {
            let ids: Vec<&str> = map.instruments.iter().map(|i| i.id.as_str()).collect();
            CliError(format!(
                "no map of instrument {id:?}; mapped: {}",
                ids.join(", ")
            ))
        })?],
        None => map.instruments.iter().collect(),
    };
    let full = instrument.is_some();
    for i in &chosen {
        println!("{}  {}", i.id, if zh { &i.title_zh } else { &i.title_en });
        println!("  {}", counts_line(i, lang));
        for e in &i.entries {
            let wanted = match status {
                Some(s) => e.status == s,
                None => full || e.status == Status::Missing,
            };
            if !wanted {
                continue;
            }
            let how = e.how.map(|h| h.name()).unwrap_or("");
            println!(
                "  {:<8} {:<14} {:<9} {}",
                e.article,
                status_label(e.status, lang),
                how,
                e.requires
            );
            if !e.carried_by.is_empty() {
                let by: Vec<String> = e.carried_by.iter().map(ToString::to_string).collect();
                println!(
                    "  {:<8} {} {}",
                    "",
                    if zh { "由：" } else { "by:" },
                    by.join(", ")
                );
            }
            if !e.tests.is_empty() {
                println!(
                    "  {:<8} {} {}",
                    "",
                    if zh { "测试：" } else { "tests:" },
                    e.tests.join(", ")
                );
            }
            if let Some(reason) = &e.reason {
                println!(
                    "  {:<8} {} {reason}",
                    "",
                    if zh { "理由：" } else { "why:" }
                );
            }
        }
        println!();
    }
    if !full {
        let mut total = [0usize; 4];
        for i in &map.instruments {
            let c = i.counts();
            for (n, s) in Status::ALL.iter().enumerate() {
                total[n] += c.of(*s);
            }
        }
        let parts: Vec<String> = Status::ALL
            .iter()
            .zip(total)
            .map(|(s, n)| format!("{} {n}", status_label(*s, lang)))
            .collect();
        println!(
            "{} {}: {}",
            if zh { "合计" } else { "Total" },
            map.instruments.len(),
            parts.join(if zh { "，" } else { ", " })
        );
    }
    Ok(())
}

/// The references of the maps that the binary can resolve itself: parameter
/// keys against the policy set, commands against this binary's command tree,
/// notice kinds and the app's actions. (Functions and tests are looked for
/// in the source tree by the `articles` test.) One line per reference that
/// names nothing.
pub fn unresolved(map: &ArticleMap, policy: &gongshang_rules::PolicySet) -> Vec<String> {
    use clap::CommandFactory;
    use gongshang_rules::article_map::Reference;
    let cli = crate::Cli::command();
    let mut out = Vec::new();
    for i in &map.instruments {
        for e in &i.entries {
            for r in &e.carried_by {
                let found = match r {
                    Reference::Param(key) => policy.parameters().any(|p| p.id.key == *key),
                    Reference::Command(words) => command_exists(&cli, words),
                    Reference::Notice(kind) => gongshang_notices::NoticeKind::parse(kind).is_ok(),
                    Reference::Action(name) => gongshang_app::actor::Action::ALL
                        .iter()
                        .any(|a| format!("{a:?}") == *name),
                    Reference::Function(_) => true,
                };
                if !found {
                    out.push(format!("{} {}: {r} names nothing", i.id, e.article));
                }
            }
        }
    }
    out
}

fn command_exists(cli: &clap::Command, words: &str) -> bool {
    let mut at = cli;
    for word in words.split_whitespace() {
        let Some(next) = at
            .get_subcommands()
            .find(|c| c.get_name() == word || c.get_all_aliases().any(|a| a == word))
        else {
            return false;
        };
        at = next;
    }
    true
}
