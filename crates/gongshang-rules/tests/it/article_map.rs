//! The map of articles (issue 17): its files load, every listed article has
//! an entry, and a file that breaks a rule of the map is refused by name.

use gongshang_rules::article_map::{ArticleMap, Status};

const HEAD: &str = r#"
jurisdiction = "national"
title_zh = "测试"
title_en = "Test"
text = "test"
complete = true
cited_as = ["《测试条例》"]
articles = ["1-3"]
"#;

fn entry(article: &str, status: &str, extra: &str) -> String {
    format!(
        "[[entry]]\narticle = \"{article}\"\nrequires = \"something\"\nstatus = \"{status}\"\n{extra}\n"
    )
}

const CARRIED: &str = "how = \"rule\"\ncarried_by = [\"fn:benefit_wage\"]\ntests = [\"a_test\"]";
const REASON: &str = "reason = \"addressed to another body\"";

fn load(body: &str) -> Result<ArticleMap, String> {
    let text = format!("{HEAD}\n{body}");
    ArticleMap::load(&[("national/articles/test.toml", &text)]).map_err(|e| e.to_string())
}

fn refused(body: &str, words: &str) {
    let err = load(body).expect_err("the file should be refused");
    assert!(err.contains(words), "{err:?} should say {words:?}");
}

#[test]
fn the_shipped_maps_load_and_list_every_article_of_their_instruments() {
    let map = ArticleMap::embedded().expect("the shipped maps load");
    let regs = map
        .instrument("national.regulations")
        .expect("the Regulations are mapped");
    assert_eq!(regs.articles.len(), 67, "the Regulations have 67 articles");
    assert!(regs.complete);
    for id in [
        "guangdong.specific-persons-2020-55",
        "jiangsu.measures-2015",
        "xiamen.yilubao",
        "shandong.specific-workers-2024",
        "national.platform-measures-2025",
        "national.platform-handling-rules-2025-79",
    ] {
        assert!(map.instrument(id).is_some(), "{id} is mapped");
    }
    // Read only in part: each says so, and lists only what was read.
    for id in [
        "shandong.specific-workers-2024",
        "national.platform-measures-2025",
        "national.platform-handling-rules-2025-79",
    ] {
        let instrument = map.instrument(id).expect("mapped");
        assert!(!instrument.complete, "{id} was read only in part");
        assert!(
            instrument.text.to_lowercase().contains("searched"),
            "{id} says what was searched"
        );
    }
    let guangdong = map
        .instrument("guangdong.regulations-2019")
        .expect("Guangdong's Regulations are mapped");
    assert_eq!(
        guangdong.articles.len(),
        66,
        "Guangdong's Regulations have 66 articles"
    );
    assert!(guangdong.complete);
    for instrument in &map.instruments {
        let counts = instrument.counts();
        assert_eq!(counts.total(), instrument.entries.len());
        assert!(counts.total() >= instrument.articles.len());
    }
}

#[test]
fn an_article_without_an_entry_is_refused() {
    let body = entry("1", "carried", CARRIED) + &entry("3", "missing", REASON);
    refused(&body, "articles without an entry: 2");
}

#[test]
fn an_entry_of_an_article_not_listed_is_refused() {
    let body = entry("1-3", "missing", REASON);
    refused(&body, "not an article reference");
    let body = entry("1", "missing", REASON)
        + &entry("2", "missing", REASON)
        + &entry("3", "missing", REASON)
        + &entry("4", "missing", REASON);
    refused(
        &body,
        "article 4: not among the instrument's listed articles",
    );
}

#[test]
fn a_carried_entry_names_its_code_and_its_tests_and_a_missing_one_its_reason() {
    let rest = entry("2", "missing", REASON) + &entry("3", "missing", REASON);
    refused(
        &(entry("1", "carried", "how = \"rule\"\ntests = [\"t\"]") + &rest),
        "names no code",
    );
    refused(
        &(entry("1", "carried", "how = \"rule\"\ncarried_by = [\"fn:x\"]") + &rest),
        "names no test",
    );
    refused(
        &(entry("1", "carried", "carried_by = [\"fn:x\"]\ntests = [\"t\"]") + &rest),
        "not said how",
    );
    refused(&(entry("1", "partly", CARRIED) + &rest), "what is left");
    refused(
        &(entry("1", "missing", "") + &rest),
        "missing without a reason",
    );
    refused(
        &(entry("1", "not_for_system", "") + &rest),
        "not_for_system without a reason",
    );
    refused(
        &(entry(
            "1",
            "carried",
            "how = \"rule\"\ncarried_by = [\"function:x\"]\ntests = [\"t\"]",
        ) + &rest),
        "unknown kind",
    );
    refused(
        &(entry("1", "missing", REASON) + &entry("1", "missing", REASON) + &rest),
        "two entries",
    );
}

#[test]
fn paragraphs_are_entries_of_their_article_and_counted_by_status() {
    let body = entry("1(1)", "carried", CARRIED)
        + &entry("1(2)", "missing", REASON)
        + &entry("2", "not_for_system", REASON)
        + &entry("3", "partly", &format!("{CARRIED}\nreason = \"half\""));
    let map = load(&body).expect("valid");
    let counts = map.instruments[0].counts();
    assert_eq!(
        Status::ALL.map(|s| counts.of(s)),
        [1, 1, 1, 1],
        "carried, partly, not for this system, missing"
    );
}

#[test]
fn a_trace_citation_links_to_its_entry_and_a_provincial_name_is_not_the_regulations() {
    let map = ArticleMap::embedded().expect("the shipped maps load");
    let (instrument, entry) = map
        .entry_for_citation("《工伤保险条例》第三十五条第三款；《社会保险法》第四十条")
        .expect("Art 35(3) is mapped");
    assert_eq!(instrument.id, "national.regulations");
    assert_eq!(entry.article, "35(3)");
    let (_, entry) = map
        .entry_for_citation("《工伤保险条例》第三十三条")
        .expect("Art 33 is mapped by its paragraphs");
    assert_eq!(entry.article, "33(1)");
    let (instrument, entry) = map
        .entry_for_citation("广东省工伤保险条例第二十五条")
        .expect("Guangdong's Art 25 is mapped");
    assert_eq!(
        instrument.id, "guangdong.regulations-2019",
        "Guangdong's Regulations are not the national ones"
    );
    assert_eq!(entry.article, "25(1)");
    let (instrument, entry) = map
        .entry_for_citation("《广东省工伤保险条例》第三十一条")
        .expect("the engine's Guangdong citation links to its entry");
    assert_eq!(instrument.id, "guangdong.regulations-2019");
    assert_eq!(entry.article, "31");
}

/// The engine's short citations read in the reader's language: the
/// Regulations' Arts 14-16 are lists of items (第（一）项), their other
/// bracketed numbers paragraphs (第一款); Order No. 55 and Order No. 8 by
/// their names.
#[test]
fn short_citations_read_in_chinese_and_in_english() {
    use gongshang_rules::article_map::citation_words;
    let cases = [
        (
            "条例 Art 20(1)",
            "《工伤保险条例》第二十条第一款",
            "Regulations Art 20(1)",
        ),
        (
            "条例 Art 14(6)",
            "《工伤保险条例》第十四条第（六）项",
            "Regulations Art 14(6)",
        ),
        (
            "条例 Art 26, 29; 劳动能力鉴定管理办法 Art 10, 19, 22",
            "《工伤保险条例》第二十六条、第二十九条；《劳动能力鉴定管理办法》第十条、第十九条、第二十二条",
            "Regulations Art 26, 29; Order No. 55 Art 10, 19, 22",
        ),
        (
            "条例 Arts 14-16, 20; 办法 Arts 18-19",
            "《工伤保险条例》第十四条至第十六条、第二十条；《工伤认定办法》第十八条至第十九条",
            "Regulations Arts 14-16, 20; Order No. 8 Arts 18-19",
        ),
        (
            "条例 Art 55; 行政复议法 Art 20",
            "《工伤保险条例》第五十五条；《行政复议法》第二十条",
            "Regulations Art 55; Administrative Reconsideration Law Art 20",
        ),
        // Not `NAME Art N`: the words stay, the name is translated.
        (
            "条例 Art 25: one extension of 30 days",
            "《工伤保险条例》 Art 25: one extension of 30 days",
            "Regulations Art 25: one extension of 30 days",
        ),
        // Not a short name at all: as it is.
        (
            "Decree 765 Art 22",
            "Decree 765 Art 22",
            "Decree 765 Art 22",
        ),
        (
            "工伤认定办法 Art 8",
            "《工伤认定办法》第八条",
            "Order No. 8 Art 8",
        ),
        (
            "条例 Art 105",
            "《工伤保险条例》第一百零五条",
            "Regulations Art 105",
        ),
        (
            "条例 Art 110",
            "《工伤保险条例》第一百一十条",
            "Regulations Art 110",
        ),
    ];
    for (text, zh, en) in cases {
        assert_eq!(citation_words(true, text), zh, "{text}");
        assert_eq!(citation_words(false, text), en, "{text}");
    }
}
