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
    ] {
        assert!(map.instrument(id).is_some(), "{id} is mapped");
    }
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
    assert!(
        map.entry_for_citation("广东省工伤保险条例第二十五条")
            .is_none(),
        "Guangdong's Regulations are not the national ones"
    );
}
