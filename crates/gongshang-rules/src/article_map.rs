//! The map from each instrument's articles to what carries them out (issue 17).
//!
//! One file per instrument, `policies/<jurisdiction>/articles/<instrument>.toml`:
//! the instrument's article numbers listed explicitly (`articles`, ranges
//! allowed: `"1-67"`), and one `[[entry]]` per article or paragraph
//! (`"35"`, `"35(3)"`, `"39(1)(2)"`, `"annex1"`) saying what it requires,
//! whether gongshang carries it out (`carried`, `partly`, `not_for_system`,
//! `missing`), how (`rule`, `workflow`, `check`, `record`), the code that
//! does (`fn:`, `param:`, `command:`, `notice:`, `action:`) and the tests.
//!
//! This module only reads and checks the shape: an article listed without an
//! entry, an entry of an unlisted article, a carried entry naming no code or
//! no test, a missing one without its reason. Whether the code named exists
//! is checked where the code can be seen (the CLI's `articles` test).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;

/// The map files shipped in `policies/*/articles/`, compiled in by `build.rs`.
pub const EMBEDDED_ARTICLE_FILES: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/embedded_articles.rs"));

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// gongshang does what the article requires.
    Carried,
    /// Some of it; the entry says what is left.
    Partly,
    /// Addressed to another body or outside what an insurance system does.
    NotForSystem,
    /// It should, and does not yet.
    Missing,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Carried,
        Status::Partly,
        Status::NotForSystem,
        Status::Missing,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Status::Carried => "carried",
            Status::Partly => "partly",
            Status::NotForSystem => "not_for_system",
            Status::Missing => "missing",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            Status::Carried => "已实现",
            Status::Partly => "部分实现",
            Status::NotForSystem => "不属本系统",
            Status::Missing => "缺失",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Status::Carried => "carried out",
            Status::Partly => "partly",
            Status::NotForSystem => "not for this system",
            Status::Missing => "missing",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// A calculation of the rules engine and its parameters.
    Rule,
    /// A step of a case's flow: a command, a deadline, a notice.
    Workflow,
    /// Eligibility or validation.
    Check,
    /// A record kept.
    Record,
}

impl How {
    pub const fn name(self) -> &'static str {
        match self {
            How::Rule => "rule",
            How::Workflow => "workflow",
            How::Check => "check",
            How::Record => "record",
        }
    }
}

/// What an entry names as carrying the article out.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reference {
    /// A Rust function (`fn:name` or `fn:module::name`; the last segment is
    /// looked for).
    Function(String),
    /// A parameter key of `policies/`.
    Param(String),
    /// A command of the `gongshang` binary (`policies check`).
    Command(String),
    /// A notice kind of gongshang-notices (`decision`, `award`, ...).
    Notice(String),
    /// An `Action` of the app's permission table.
    Action(String),
}

impl Reference {
    pub fn parse(text: &str) -> Result<Reference, String> {
        let (kind, name) = text.split_once(':').ok_or_else(|| {
            format!("reference {text:?} has no kind (fn:, param:, command:, notice:, action:)")
        })?;
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("reference {text:?} names nothing"));
        }
        let name = name.to_owned();
        match kind {
            "fn" => Ok(Reference::Function(name)),
            "param" => Ok(Reference::Param(name)),
            "command" => Ok(Reference::Command(name)),
            "notice" => Ok(Reference::Notice(name)),
            "action" => Ok(Reference::Action(name)),
            other => Err(format!(
                "reference {text:?} has an unknown kind {other:?}; allowed: fn, param, command, notice, action"
            )),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Reference::Function(_) => "fn",
            Reference::Param(_) => "param",
            Reference::Command(_) => "command",
            Reference::Notice(_) => "notice",
            Reference::Action(_) => "action",
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Reference::Function(n)
            | Reference::Param(n)
            | Reference::Command(n)
            | Reference::Notice(n)
            | Reference::Action(n) => n,
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind(), self.name())
    }
}

#[derive(Clone, Debug)]
pub struct Entry {
    /// `"35"`, `"35(3)"`, `"39(1)(2)"`, `"annex1"`.
    pub article: String,
    pub requires: String,
    pub status: Status,
    pub how: Option<How>,
    pub carried_by: Vec<Reference>,
    pub tests: Vec<String>,
    pub reason: Option<String>,
}

impl Entry {
    /// The article number without paragraph and item: `"35"` of `"35(3)"`.
    pub fn base(&self) -> &str {
        base_of(&self.article)
    }

    /// The anchor of the entry on the map's page: `a35-3` of `"35(3)"`.
    pub fn anchor(&self) -> String {
        anchor_of(&self.article)
    }
}

pub fn base_of(article: &str) -> &str {
    article.split('(').next().unwrap_or(article)
}

pub fn anchor_of(article: &str) -> String {
    let mut out = String::from("a");
    for c in article.chars() {
        match c {
            '(' => out.push('-'),
            ')' => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Clone, Debug)]
pub struct Instrument {
    /// `national.regulations`: the jurisdiction and the file's stem.
    pub id: String,
    pub jurisdiction: String,
    pub title_zh: String,
    pub title_en: String,
    /// Where the text was read (or that it was not).
    pub text: String,
    /// Every article of the instrument was listed (`true`), or only those
    /// read (`false`, the `text` says why).
    pub complete: bool,
    /// How the engine's citations name it (`《工伤保险条例》`), to link a
    /// trace line to its entry.
    pub cited_as: Vec<String>,
    /// The article numbers, in order.
    pub articles: Vec<String>,
    pub entries: Vec<Entry>,
}

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub carried: usize,
    pub partly: usize,
    pub not_for_system: usize,
    pub missing: usize,
}

impl Counts {
    pub fn of(&self, status: Status) -> usize {
        match status {
            Status::Carried => self.carried,
            Status::Partly => self.partly,
            Status::NotForSystem => self.not_for_system,
            Status::Missing => self.missing,
        }
    }

    pub fn total(&self) -> usize {
        self.carried + self.partly + self.not_for_system + self.missing
    }

    fn add(&mut self, status: Status) {
        match status {
            Status::Carried => self.carried += 1,
            Status::Partly => self.partly += 1,
            Status::NotForSystem => self.not_for_system += 1,
            Status::Missing => self.missing += 1,
        }
    }
}

impl Instrument {
    /// Entries by status.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for entry in &self.entries {
            counts.add(entry.status);
        }
        counts
    }

    /// The entry of an article and paragraph, else of the article.
    pub fn entry(&self, article: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.article == article)
            .or_else(|| {
                let base = base_of(article);
                self.entries.iter().find(|e| e.article == base)
            })
            .or_else(|| {
                let base = base_of(article);
                self.entries.iter().find(|e| e.base() == base)
            })
    }
}

/// A fault of a map file, with the file and the entry it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleMapError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for ArticleMapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for ArticleMapError {}

#[derive(Clone, Debug)]
pub struct ArticleMap {
    pub instruments: Vec<Instrument>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRaw {
    jurisdiction: String,
    title_zh: String,
    title_en: String,
    text: String,
    complete: bool,
    #[serde(default)]
    cited_as: Vec<String>,
    articles: Vec<String>,
    #[serde(default)]
    entry: Vec<EntryRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryRaw {
    article: String,
    requires: String,
    status: Status,
    how: Option<How>,
    #[serde(default)]
    carried_by: Vec<String>,
    #[serde(default)]
    tests: Vec<String>,
    reason: Option<String>,
}

fn expand(list: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for item in list {
        if let Some((from, to)) = item.split_once('-') {
            let from: u32 = from
                .trim()
                .parse()
                .map_err(|_| format!("article range {item:?} is not two numbers"))?;
            let to: u32 = to
                .trim()
                .parse()
                .map_err(|_| format!("article range {item:?} is not two numbers"))?;
            if to < from {
                return Err(format!("article range {item:?} runs backwards"));
            }
            out.extend((from..=to).map(|n| n.to_string()));
        } else {
            out.push(item.trim().to_owned());
        }
    }
    let mut seen = BTreeSet::new();
    for a in &out {
        if !seen.insert(a.as_str()) {
            return Err(format!("article {a:?} is listed twice"));
        }
    }
    Ok(out)
}

fn check_article_syntax(article: &str) -> bool {
    let base = base_of(article);
    let rest = &article[base.len()..];
    if base.is_empty() || !base.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    // Zero or more "(n)" groups.
    let mut rest = rest;
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('(') else {
            return false;
        };
        let Some(end) = inner.find(')') else {
            return false;
        };
        if end == 0 || !inner[..end].chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
        rest = &inner[end + 1..];
    }
    true
}

impl ArticleMap {
    /// The maps shipped with gongshang.
    pub fn embedded() -> Result<ArticleMap, ArticleMapError> {
        ArticleMap::load(EMBEDDED_ARTICLE_FILES)
    }

    /// Reads and checks map files given as `(path, text)`, the path being
    /// `<jurisdiction>/articles/<stem>.toml`.
    pub fn load(files: &[(&str, &str)]) -> Result<ArticleMap, ArticleMapError> {
        let mut instruments = Vec::new();
        for (path, text) in files {
            let err = |message: String| ArticleMapError {
                file: (*path).to_owned(),
                message,
            };
            let raw: FileRaw = toml::from_str(text).map_err(|e| err(e.to_string()))?;
            let folder = path.split('/').next().unwrap_or_default();
            if folder != raw.jurisdiction {
                return Err(err(format!(
                    "jurisdiction {:?} does not match its folder {folder:?}",
                    raw.jurisdiction
                )));
            }
            let stem = path
                .rsplit('/')
                .next()
                .and_then(|f| f.strip_suffix(".toml"))
                .unwrap_or_default();
            let articles = expand(&raw.articles).map_err(err)?;
            if articles.is_empty() {
                return Err(err("no articles listed".into()));
            }
            let listed: BTreeSet<&str> = articles.iter().map(String::as_str).collect();
            let mut entries = Vec::new();
            let mut seen = BTreeSet::new();
            for e in raw.entry {
                let at = |m: String| err(format!("article {}: {m}", e.article));
                if !check_article_syntax(&e.article) {
                    return Err(at(
                        "not an article reference like \"35\", \"35(3)\" or \"annex1\"".into(),
                    ));
                }
                if !listed.contains(base_of(&e.article)) {
                    return Err(at("not among the instrument's listed articles".into()));
                }
                if !seen.insert(e.article.clone()) {
                    return Err(at("has two entries".into()));
                }
                if e.requires.trim().is_empty() {
                    return Err(at("says nothing of what it requires".into()));
                }
                let carried_by = e
                    .carried_by
                    .iter()
                    .map(|r| Reference::parse(r))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(at)?;
                match e.status {
                    Status::Carried | Status::Partly => {
                        if e.how.is_none() {
                            return Err(at(
                                "carried out, but not said how (rule, workflow, check, record)"
                                    .into(),
                            ));
                        }
                        if carried_by.is_empty() {
                            return Err(at("carried out, but names no code (carried_by)".into()));
                        }
                        if e.tests.is_empty() {
                            return Err(at("carried out, but names no test".into()));
                        }
                        if e.status == Status::Partly
                            && e.reason.as_deref().is_none_or(|r| r.trim().is_empty())
                        {
                            return Err(at(
                                "partly carried out, but the reason does not say what is left"
                                    .into(),
                            ));
                        }
                    }
                    Status::NotForSystem | Status::Missing => {
                        if e.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                            return Err(at(format!("{} without a reason", e.status.name())));
                        }
                    }
                }
                entries.push(Entry {
                    article: e.article,
                    requires: e.requires,
                    status: e.status,
                    how: e.how,
                    carried_by,
                    tests: e.tests,
                    reason: e.reason,
                });
            }
            let covered: BTreeSet<&str> = entries.iter().map(Entry::base).collect();
            let without: Vec<&str> = articles
                .iter()
                .map(String::as_str)
                .filter(|a| !covered.contains(a))
                .collect();
            if !without.is_empty() {
                return Err(err(format!(
                    "articles without an entry: {}",
                    without.join(", ")
                )));
            }
            // Entries in the order of the articles, paragraphs in their order.
            let order: BTreeMap<&str, usize> = articles
                .iter()
                .enumerate()
                .map(|(i, a)| (a.as_str(), i))
                .collect();
            entries.sort_by_key(|e| (order[e.base()], paragraph_key(&e.article)));
            instruments.push(Instrument {
                id: format!("{}.{stem}", raw.jurisdiction),
                jurisdiction: raw.jurisdiction,
                title_zh: raw.title_zh,
                title_en: raw.title_en,
                text: raw.text,
                complete: raw.complete,
                cited_as: raw.cited_as,
                articles,
                entries,
            });
        }
        Ok(ArticleMap { instruments })
    }

    pub fn instrument(&self, id: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.id == id)
    }

    /// The entry a citation of the engine points at: `《工伤保险条例》第三十五条第三款`
    /// gives the Regulations' entry of 35(3) (or of 35). The first article
    /// cited is the one linked.
    pub fn entry_for_citation(&self, citation: &str) -> Option<(&Instrument, &Entry)> {
        // The longest name first, and a name only where it starts the
        // citation or follows a bracket or separator: 《广东省工伤保险条例》
        // is not the Regulations.
        let mut names: Vec<(&str, &Instrument)> = self
            .instruments
            .iter()
            .flat_map(|i| i.cited_as.iter().map(move |n| (n.as_str(), i)))
            .collect();
        names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        for (name, instrument) in names {
            for (at, _) in citation.match_indices(name) {
                let before = citation[..at].chars().next_back();
                if before.is_some_and(|c| !"《；;、，, （(".contains(c)) {
                    continue;
                }
                let rest = &citation[at + name.len()..];
                if let Some(article) = parse_chinese_article(rest)
                    && let Some(entry) = instrument.entry(&article)
                {
                    return Some((instrument, entry));
                }
            }
        }
        None
    }
}

fn paragraph_key(article: &str) -> Vec<u32> {
    article[base_of(article).len()..]
        .split(['(', ')'])
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// `第三十五条第三款第（二）项...` → `"35(3)"`; `第十五条` → `"15"`;
/// `第39条` → `"39"`; ` Art 20(1)` → `"20(1)"` (the domain's deadlines).
pub fn parse_chinese_article(text: &str) -> Option<String> {
    let text = text.trim_start();
    if let Some(rest) = text.strip_prefix("Art") {
        let rest = rest.trim_start();
        let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if number.is_empty() {
            return None;
        }
        let mut out = number.clone();
        let after = &rest[number.len()..];
        if let Some(inner) = after.strip_prefix('(')
            && let Some((para, _)) = inner.split_once(')')
            && !para.is_empty()
            && para.chars().all(|c| c.is_ascii_digit())
        {
            out.push_str(&format!("({para})"));
        }
        return Some(out);
    }
    let rest = text.strip_prefix('第')?;
    let (number, rest) = rest.split_once('条')?;
    let mut out = chinese_number(number)?.to_string();
    if let Some(after) = rest.strip_prefix('第')
        && let Some((para, _)) = after.split_once('款')
        && let Some(n) = chinese_number(para)
    {
        out.push_str(&format!("({n})"));
    }
    Some(out)
}

/// 一 to 九十九 (and 一百...), as written in article numbers.
fn chinese_number(text: &str) -> Option<u32> {
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c);
    let mut total = 0u32;
    let mut current = 0u32;
    if text.is_empty() {
        return None;
    }
    if text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().ok();
    }
    for c in text.chars() {
        if let Some(d) = digit(c) {
            current = u32::try_from(d).ok()?;
        } else if c == '十' {
            total += if current == 0 { 10 } else { current * 10 };
            current = 0;
        } else if c == '百' {
            total += current * 100;
            current = 0;
        } else {
            return None;
        }
    }
    Some(total + current)
}

/// The short names the engine's deadlines and decisions cite instruments
/// by (`条例 Art 20(1)`), with each name in Chinese and English.
const SHORT_NAMES: [(&str, &str, &str); 7] = [
    // Longest first: `办法` is the tail of the appraisal measures' name.
    (
        "劳动能力鉴定管理办法",
        "《劳动能力鉴定管理办法》",
        "Order No. 55",
    ),
    (
        "行政复议法",
        "《行政复议法》",
        "Administrative Reconsideration Law",
    ),
    (
        "行政诉讼法",
        "《行政诉讼法》",
        "Administrative Procedure Law",
    ),
    ("社会保险法", "《社会保险法》", "Social Insurance Law"),
    ("工伤认定办法", "《工伤认定办法》", "Order No. 8"),
    ("条例", "《工伤保险条例》", "Regulations"),
    ("办法", "《工伤认定办法》", "Order No. 8"),
];

/// A short citation (`条例 Art 20(1); 劳动能力鉴定管理办法 Art 10`) in the
/// reader's language: in Chinese `《工伤保险条例》第二十条第一款；《劳动能力鉴定
/// 管理办法》第十条`, in English `Regulations Art 20(1); Order No. 55 Art 10`.
/// The Regulations' Arts 14-16 are lists of items (第（一）项), every other
/// number in brackets is a paragraph (第一款). A part that does not read as
/// `NAME Art N[, N...]` keeps its words with only the name translated.
pub fn citation_words(zh: bool, text: &str) -> String {
    let parts: Vec<String> = text
        .split("; ")
        .map(|part| part_words(zh, part.trim()))
        .collect();
    parts.join(if zh { "；" } else { "; " })
}

fn part_words(zh: bool, part: &str) -> String {
    let Some(&(short, name_zh, name_en)) = SHORT_NAMES.iter().find(|(s, ..)| {
        part.strip_prefix(s)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    }) else {
        return part.to_owned();
    };
    let rest = part[short.len()..].trim_start();
    if !zh {
        return if rest.is_empty() {
            name_en.to_owned()
        } else {
            format!("{name_en} {rest}")
        };
    }
    let numbers = rest
        .strip_prefix("Arts ")
        .or_else(|| rest.strip_prefix("Art "));
    let items_law = short == "条例";
    match numbers.and_then(|n| articles_zh(n, items_law)) {
        Some(words) => format!("{name_zh}{words}"),
        None if rest.is_empty() => name_zh.to_owned(),
        None => format!("{name_zh} {rest}"),
    }
}

/// `20(1), 26` as `第二十条第一款、第二十六条`; `14-16` as `第十四条至第十六条`.
fn articles_zh(numbers: &str, regulations: bool) -> Option<String> {
    let mut out = Vec::new();
    for one in numbers.split(", ") {
        if let Some((from, to)) = one.split_once('-') {
            let (from, to) = (from.parse::<u32>().ok()?, to.parse::<u32>().ok()?);
            out.push(format!("第{}条至第{}条", numeral(from)?, numeral(to)?));
            continue;
        }
        let (article, sub) = match one.split_once('(') {
            Some((a, s)) => (a, Some(s.strip_suffix(')')?)),
            None => (one, None),
        };
        let article: u32 = article.parse().ok()?;
        let mut words = format!("第{}条", numeral(article)?);
        if let Some(sub) = sub {
            let sub = numeral(sub.parse().ok()?)?;
            if regulations && (14..=16).contains(&article) {
                words.push_str(&format!("第（{sub}）项"));
            } else {
                words.push_str(&format!("第{sub}款"));
            }
        }
        out.push(words);
    }
    Some(out.join("、"))
}

/// 1 to 999 in Chinese numerals as statutes write them (十, 十四, 二十, 一百零五).
fn numeral(n: u32) -> Option<String> {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    if n == 0 || n > 999 {
        return None;
    }
    let mut s = String::new();
    if h > 0 {
        s.push_str(DIGITS[h as usize]);
        s.push('百');
        if t == 0 && u > 0 {
            s.push('零');
        }
    }
    if t > 0 {
        if !(h == 0 && t == 1) {
            s.push_str(DIGITS[t as usize]);
        } else if h > 0 {
            s.push('一');
        }
        s.push('十');
    }
    if u > 0 {
        s.push_str(DIGITS[u as usize]);
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_article_numbers() {
        assert_eq!(
            parse_chinese_article("第三十五条第三款").as_deref(),
            Some("35(3)")
        );
        assert_eq!(parse_chinese_article("第十五条").as_deref(), Some("15"));
        assert_eq!(
            parse_chinese_article("第六十四条第二款").as_deref(),
            Some("64(2)")
        );
        assert_eq!(parse_chinese_article("第一百零二条"), None);
        assert_eq!(parse_chinese_article("第九条").as_deref(), Some("9"));
        assert_eq!(parse_chinese_article("第39条").as_deref(), Some("39"));
        assert_eq!(
            parse_chinese_article(" Art 20(1)").as_deref(),
            Some("20(1)")
        );
        assert_eq!(parse_chinese_article(" Art 26, 29").as_deref(), Some("26"));
    }
}
