//! Tests of the notices: golden HTML of each kind (insta), PDF structure, the
//! embedded font and the text read back out of the PDF, escaping, JSON input,
//! and an award sheet filled straight from the rules engine.

mod pdf_check;

use gongshang_domain::determination::{Finding, Ground, InadmissibleReason, NotRecognisedReason};
use gongshang_notices::{Notice, NoticeError, NoticeKind, font};
use gongshang_rules::{CaseInput, PolicySet, calculate_case};

use pdf_check::Parsed;

fn example(name: &str) -> Notice {
    Notice::examples()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, notice)| notice)
        .unwrap_or_else(|| panic!("no example {name}"))
}

fn decision() -> gongshang_notices::DecisionNotice {
    match example("decision_art14_1_intern") {
        Notice::Decision(n) => n,
        _ => unreachable!(),
    }
}

// ---- golden HTML ---------------------------------------------------------------

#[test]
fn golden_html_of_every_example() {
    // The page's body: the head (style sheet) is the same for every notice
    // and is checked by `html_is_one_self_contained_page`.
    for (name, notice) in Notice::examples() {
        let html = notice.html();
        let start = html.find("<main").unwrap();
        let end = html.find("</main>").unwrap() + "</main>".len();
        insta::assert_snapshot!(name, &html[start..end]);
    }
}

#[test]
fn the_examples_cover_every_kind() {
    let kinds: std::collections::BTreeSet<NoticeKind> =
        Notice::examples().iter().map(|(_, n)| n.kind()).collect();
    assert_eq!(kinds.len(), NoticeKind::ALL.len());
    for kind in NoticeKind::ALL {
        assert_eq!(Notice::example(kind).kind(), kind);
    }
}

#[test]
fn html_is_one_self_contained_page() {
    for (name, notice) in Notice::examples() {
        let html = notice.html();
        assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
        assert!(html.contains("<html lang=\"zh-CN\">"), "{name}");
        assert!(html.contains("@page { size: A4;"), "{name}");
        assert!(html.contains("@media print"), "{name}");
        for outside in ["<script", "<link", "src=", "http://", "https://", "url("] {
            assert!(!html.contains(outside), "{name} refers outside: {outside}");
        }
    }
}

// ---- what each notice must say -------------------------------------------------

/// 条例 Art 20 and Art 55: a decision names the ground and the remedies with
/// their periods; the intern's school and the insured unit and scheme appear.
#[test]
fn art14_decision_names_ground_scheme_school_and_remedies() {
    let html = Notice::from(decision()).html();
    for expected in [
        "认定工伤决定书",
        "穗人社工认〔2025〕01234号",
        "《工伤保险条例》第十四条第（一）项",
        "在工作时间和工作场所内，因工作原因受到事故伤害的",
        "现予以认定为工伤",
        "广州市交通运输职业学校",
        "广东省特定人员单项参加工伤保险",
        "参保单位",
        "60日内依法向广州市人民政府申请行政复议",
        "6个月内依法向广州铁路运输法院提起行政诉讼",
        "2025年5月6日",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
}

/// 粤人社规〔2020〕55号 Art 13 (issue 17): a determination under the
/// specific-persons scheme says that enrolment is no basis for a labour
/// relation; one under the Regulations says nothing of it.
#[test]
fn gd55_art13_decision_states_enrolment_is_no_basis_for_a_labour_relation() {
    let words = "不作为确认双方存在劳动关系的依据";
    let html = Notice::from(decision()).html();
    assert!(html.contains(words), "missing the Art 13 statement");
    assert!(html.contains("粤人社规〔2020〕55号第十三条第一款"));
    let mut n = decision();
    n.scheme.statement = None;
    assert!(!Notice::from(n).html().contains(words));
}

#[test]
fn art15_ground_is_deemed() {
    let mut n = decision();
    n.finding = Finding::Recognised {
        ground: Ground::Art15SuddenIllnessDeath,
    };
    let html = Notice::from(n).html();
    assert!(html.contains("《工伤保险条例》第十五条第一款第（一）项"));
    assert!(html.contains("现予以视同工伤"));
    assert!(html.contains("<h1>认定工伤决定书</h1>"));
}

#[test]
fn art16_exclusion_gives_the_refusal_title_and_the_exclusion() {
    let html = example("decision_art16_2_excluded").html();
    assert!(html.contains("<h1>不予认定工伤决定书</h1>"));
    assert!(html.contains("《工伤保险条例》第十六条第（二）项“醉酒或者吸毒的”"));
    assert!(html.contains("有管辖权的行政复议机关"));
    assert!(html.contains("有管辖权的人民法院"));
}

#[test]
fn no_ground_states_the_explanation() {
    let mut n = decision();
    n.finding = Finding::NotRecognised {
        reason: NotRecognisedReason::NoGround {
            explanation: "受伤时系下班后在宿舍内从事个人活动。".into(),
        },
    };
    let html = Notice::from(n).html();
    assert!(
        html.contains(
            "受伤时系下班后在宿舍内从事个人活动，不符合《工伤保险条例》第十四条、第十五条"
        )
    );
}

#[test]
fn inadmissible_reasons_are_stated() {
    let base = match example("inadmissible_not_covered_at_injury") {
        Notice::Inadmissible(n) => n,
        _ => unreachable!(),
    };
    let html = Notice::from(base.clone()).html();
    assert!(html.contains("不在新就业形态人员职业伤害保障的保障期内"));
    assert!(html.contains("《工伤认定办法》第八条"));
    assert!(html.contains("决定对该申请不予受理"));

    let mut late = base.clone();
    late.reason = InadmissibleReason::PastOneYearLimit {
        last_day: jiff::civil::date(2025, 6, 23),
    };
    let html = Notice::from(late).html();
    assert!(html.contains("第十七条第二款规定的1年申请时限（申请时限的最后一日为2025年6月23日）"));

    let mut other = base;
    other.reason = InadmissibleReason::Other {
        explanation: "申请人不是受伤害职工的近亲属".into(),
    };
    let html = Notice::from(other).html();
    assert!(html.contains("经审查：申请人不是受伤害职工的近亲属。"));
}

/// 办法 Art 8: each missing material once, and the 15 days restart.
#[test]
fn materials_are_listed_once_and_the_15_days_restart() {
    let html = example("materials_measures_art8").html();
    let proof = "与用人单位存在劳动关系（包括事实劳动关系）的证明材料";
    assert_eq!(html.matches(proof).count(), 1);
    assert_eq!(html.matches("<li>").count(), 3);
    assert!(html.contains("申请人与受伤害职工的亲属关系证明"));
    assert!(html.contains("自收到全部补正材料之日起15日内"));
    assert!(html.contains("请你补正下列材料"));
}

#[test]
fn award_sheet_items_amounts_payers_articles_and_totals() {
    let html = example("award_art36_grade5").html();
    for expected in [
        "工伤保险待遇核定表",
        "一次性伤残补助金",
        "153000.00",
        "5950.00",
        "工伤保险基金",
        "用人单位",
        "《工伤保险条例》第三十六条",
        // 51000.00 + 1000.00 + 153000.00
        "205000.00",
        "按月待遇合计（每月）",
        "伤残五级",
        "计算过程",
        "8500.00 × 70% = 5950.00",
        "复核人",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
}

/// The view types take the engine's output directly: the sheet of a computed
/// case shows each line with its payer and article, and the trace's steps.
#[test]
fn award_sheet_from_the_rules_engine() {
    let policy = PolicySet::embedded().unwrap();
    let case: CaseInput = serde_json::from_str(
        r#"{"injury_date": "2025-03-01", "appraisal_date": "2025-09-01", "own_wage": "8500.00",
            "grade": 7, "suspension_months": 3, "regional_avg_wage": "9000", "min_wage": "2300",
            "food_subsidy_daily": "50", "hospital_days": 10}"#,
    )
    .unwrap();
    let result = calculate_case(&policy, &case).unwrap();
    let mut n = match Notice::example(NoticeKind::Award) {
        Notice::Award(n) => n,
        _ => unreachable!(),
    };
    n.lines = result.lines.iter().map(Into::into).collect();
    n.trace = result.trace.steps.iter().map(Into::into).collect();
    n.benefit_wage = Some(result.amounts.benefit_wage);
    assert!(!n.trace.is_empty());
    let notice = Notice::from(n);
    let html = notice.html();
    for line in &result.lines {
        assert!(html.contains(line.item.label_zh()), "{:?}", line.item);
        assert!(html.contains(&line.amount.to_string()), "{:?}", line.item);
        assert!(html.contains(line.article.zh));
    }
    for step in &result.trace.steps {
        assert!(
            html.contains(&gongshang_notices::escape_html(&step.formula)),
            "{}",
            step.rule
        );
    }
    // Grade 7: 13 months of 8500.00 (Art 37).
    assert!(html.contains("110500.00"));
    assert!(
        notice.unsupported_chars().is_empty(),
        "{:?}",
        notice.unsupported_chars()
    );
    let pdf = notice.pdf().unwrap();
    let text = pdf_check::parse(&pdf).text();
    assert!(text.contains("110500.00"), "{text}");
}

/// The decision view takes the domain's decision as it is: finding, insured
/// unit, school and remedies.
#[test]
fn the_decision_view_takes_the_domains_decision() {
    use gongshang_domain::determination::{
        AccidentKey, Decision, InsuredUnit, Remedies, SchemeKind, SchemeRef,
    };
    use gongshang_domain::ids::CreditCode;
    let decided = Decision {
        finding: Finding::Recognised {
            ground: Ground::Art14Commuting,
        },
        accident_key: AccidentKey::parse("350102199001011234/2025-03-03").unwrap(),
        insured_unit: InsuredUnit {
            credit_code: CreditCode::parse("91350100M000100Y43").unwrap(),
            name: "厦门某物流有限公司".into(),
        },
        scheme: SchemeRef {
            id: "national.employees".parse().unwrap(),
            kind: SchemeKind::Regulations,
        },
        intern_school: None,
        remedies: Remedies::statutory(),
        late_by_days: 0,
    };
    let mut n = decision();
    n.finding = decided.finding.clone();
    n.insured_unit = (&decided.insured_unit).into();
    n.intern_school = decided.intern_school.clone();
    n.remedies = decided.remedies.clone();
    n.scheme.kind = decided.scheme.kind;
    let html = Notice::from(n).html();
    assert!(html.contains("厦门某物流有限公司（统一社会信用代码：91350100M000100Y43）"));
    assert!(html.contains("《工伤保险条例》第十四条第（六）项"));
    assert!(!html.contains("实习学校"));
}

// ---- escaping ------------------------------------------------------------------

#[test]
fn text_is_escaped_in_html() {
    let mut n = decision();
    n.worker.name = "张<三>&\"李\"'".into();
    n.facts = "<script>alert(1)</script> & 其他".into();
    let html = Notice::from(n).html();
    assert!(html.contains("张&lt;三&gt;&amp;&quot;李&quot;&#39;"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; 其他"));
    assert!(!html.contains("<script>"));
    assert!(!html.contains("张<三>"));
}

#[test]
fn the_same_text_prints_plainly_in_the_pdf() {
    let mut n = decision();
    n.worker.name = "张<三>&李".into();
    let pdf = Notice::from(n).pdf().unwrap();
    let text = pdf_check::parse(&pdf).text();
    assert!(text.contains("张<三>&李"), "{text}");
}

// ---- PDF -----------------------------------------------------------------------

#[test]
fn every_example_is_a_valid_pdf_with_the_font_embedded_and_the_text_extractable() {
    for (name, notice) in Notice::examples() {
        let pdf = notice.pdf().unwrap();
        let parsed = pdf_check::parse(&pdf);
        assert_eq!(parsed.with("/Type /Catalog").len(), 1, "{name}");
        assert!(
            !parsed.with("/MediaBox [0 0 595.28 841.89]").is_empty(),
            "{name}: A4"
        );
        let files = parsed.with("/Subtype /CIDFontType0C");
        assert_eq!(files.len(), 1, "{name}: one embedded CFF font");
        let font_bytes = Parsed::stream(files[0]).len();
        assert!(
            (1_000..400_000).contains(&font_bytes),
            "{name}: a subset, not the whole font: {font_bytes} bytes"
        );
        assert_eq!(parsed.with("/FontFile3").len(), 1, "{name}");
        assert_eq!(parsed.with("/Identity-H").len(), 1, "{name}");
        assert_eq!(parsed.with("/ToUnicode").len(), 1, "{name}");

        // Every piece of the document's text comes back out.
        let text = parsed.text();
        let document = notice.document();
        assert!(text.contains(&document.title), "{name}");
        assert!(text.contains(&document.number), "{name}");
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for piece in document.texts() {
            let piece: String = piece.chars().filter(|c| !c.is_whitespace()).collect();
            // Wrapped lines split a piece; check it in short runs.
            for run in piece.chars().collect::<Vec<_>>().chunks(6) {
                let run: String = run.iter().collect();
                assert!(
                    squeezed.contains(&run),
                    "{name}: {run:?} is not in the pdf text"
                );
            }
        }
        assert!(
            !text.contains('\u{fffd}'),
            "{name}: unmapped glyph in {text}"
        );
        assert!(text.contains("第 1 页 共"), "{name}: page numbers");
    }
}

#[test]
fn the_same_notice_gives_the_same_bytes() {
    let a = Notice::example(NoticeKind::Award).pdf().unwrap();
    let b = Notice::example(NoticeKind::Award).pdf().unwrap();
    assert!(a == b);
}

#[test]
fn a_long_award_breaks_across_pages_with_page_numbers() {
    let mut n = match Notice::example(NoticeKind::Award) {
        Notice::Award(n) => n,
        _ => unreachable!(),
    };
    let step = n.trace[0].clone();
    n.trace = (0..60).map(|_| step.clone()).collect();
    let pdf = Notice::from(n).pdf().unwrap();
    let parsed = pdf_check::parse(&pdf);
    let pages = parsed
        .with("/Type /Page\n")
        .len()
        .max(parsed.with("/Type /Page ").len());
    let text = parsed.text();
    assert!(text.contains("第 2 页"), "{pages} pages");
    // The table header repeats on the following page.
    assert!(text.matches("计算及说明").count() >= 2);
}

/// Where `pdftotext` is installed it must read the same text; it is never
/// required.
#[test]
fn pdftotext_reads_the_chinese_when_it_is_installed() {
    let pdf = Notice::example(NoticeKind::Decision).pdf().unwrap();
    let dir = std::env::temp_dir().join(format!("gongshang-notices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("decision.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    if let Ok(out) = out
        && out.status.success()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("认定工伤决定书"), "{text}");
        assert!(text.contains("李晓雯"), "{text}");
    }
}

// ---- the font ------------------------------------------------------------------

/// Names and addresses: every character of GB 2312 level 1 and 2 that the
/// notices may meet has a glyph (a sample across the table).
#[test]
fn the_font_covers_gb2312_ascii_and_the_fixed_text() {
    for c in (0x20u8..0x7f).map(char::from) {
        assert!(font::has_glyph(c), "ASCII {c:?}");
    }
    for c in "啊阿埃挨哎唉哀皑癌蔼矮艾碍爱隘鞍氨安俺按暗岸胺案肮昂盎凹敖熬翱袄傲奥懊澳芭捌扒叭吧笆八疤巴拔跋靶把耙坝霸罢爸白柏百摆佰败拜稗斑班搬扳般颁板版扮拌伴瓣半办绊邦帮梆榜膀绑棒磅蚌镑傍谤苞胞包褒剥\
                 亍丌兀丐廿卅丕亘丞鬲孬噩丨禺丿匕乇夭爻卮氐囟胤馗毓睾鼗丶亟鼐乜乩亓芈孛啬嘏仄厍厝厣厥厮靥赝匚叵匦匮匾赜卦卣刂刈刎刭刳刿剀剌剞剡剜蒯剽劂劁劐劓冂罔亻仃仉仂仨仡仫仞伛仳伢佤仵伥伧伉伫佞佧攸佚佝\
                 鼯鼹鼷鼽鼾齄，。、；：？！“”‘’（）《》〔〕【】…—·％￥０１２３ＡＢ"
        .chars()
    {
        assert!(font::has_glyph(c), "{c}");
    }
}

/// Every character of the examples (the fixed text of all four notices and
/// realistic content) has a glyph. When new fixed text fails here, run
/// assets/fonts/subset_cjk_font.py again.
#[test]
fn every_fixed_character_has_a_glyph() {
    for (name, notice) in Notice::examples() {
        let missing = notice.unsupported_chars();
        assert!(missing.is_empty(), "{name}: {missing:?}");
    }
    let mut n = decision();
    n.finding = Finding::Recognised {
        ground: Ground::Art15VeteranOldWound,
    };
    assert!(Notice::from(n).unsupported_chars().is_empty());
}

#[test]
fn a_character_outside_the_font_is_reported_and_still_printed_as_a_box() {
    let mut n = decision();
    n.worker.name = "王𠮷".into();
    let notice = Notice::from(n);
    assert_eq!(
        notice.unsupported_chars().into_iter().collect::<Vec<_>>(),
        ['𠮷']
    );
    let pdf = notice.pdf().unwrap();
    pdf_check::parse(&pdf);
}

// ---- JSON ----------------------------------------------------------------------

#[test]
fn examples_round_trip_through_json() {
    for (name, notice) in Notice::examples() {
        let json = notice.to_json();
        let back = Notice::from_json(notice.kind(), &json).unwrap();
        assert_eq!(back, notice, "{name}");
    }
}

#[test]
fn bad_json_names_the_field() {
    let json = Notice::example(NoticeKind::Award)
        .to_json()
        .replace("\"grade\": 5", "\"grade\": 11");
    let err = Notice::from_json(NoticeKind::Award, &json).unwrap_err();
    assert_eq!(err.code(), "notice_invalid");
    assert_eq!(err.field(), Some("appraisal.grade"));
    assert_eq!(
        err.to_string(),
        "appraisal.grade is \"11\": allowed 1 to 10 (1 is the most severe)"
    );

    let json = Notice::example(NoticeKind::Materials)
        .to_json()
        .replace("\"case_number\"", "\"case_no\"");
    let err = Notice::from_json(NoticeKind::Materials, &json).unwrap_err();
    assert_eq!(err.code(), "notice_json");
    assert!(err.to_string().contains("unknown field `case_no`"), "{err}");

    let mut m = match Notice::example(NoticeKind::Materials) {
        Notice::Materials(m) => m,
        _ => unreachable!(),
    };
    m.missing.clear();
    let err = Notice::from(m).validate().unwrap_err();
    assert_eq!(err.field(), Some("missing"));

    let mut d = decision();
    d.accepted_on = jiff::civil::date(2025, 3, 1);
    let err = Notice::from(d).validate().unwrap_err();
    assert_eq!(
        err,
        NoticeError::Invalid {
            field: "accepted_on".into(),
            value: "2025-03-01".into(),
            allowed: "2025-03-14 (filed_on) or later".into(),
        }
    );
}

#[test]
fn a_decision_reads_from_minimal_json_with_statutory_remedies() {
    let json = r#"{
        "case_number": "穗人社工认〔2025〕1号", "authority": "广州市人力资源和社会保障局",
        "issued_on": "2025-05-06",
        "applicant": {"role": "worker", "name": "张三"},
        "worker": {"name": "张三"},
        "unit": {"name": "某公司"}, "insured_unit": {"name": "某公司"},
        "scheme": {"id": "guangdong.employees", "name_zh": "广东省工伤保险（职工）", "kind": "regulations"},
        "accident_date": "2025-03-03", "filed_on": "2025-03-14", "accepted_on": "2025-03-18",
        "facts": "在车间操作冲床时受伤。", "injury": "左手拇指挤压伤",
        "finding": {"finding": "recognised", "ground": "art14_1_work_accident"}
    }"#;
    let notice = Notice::from_json(NoticeKind::Decision, json).unwrap();
    let html = notice.html();
    assert!(html.contains("60日内"));
    assert!(html.contains("6个月内"));
    assert!(html.contains("张三（职工本人）"));
}
