//! The agency staff's daily work over HTTP (issue 13): the clerk's queue,
//! intake to decision to award, the reviewer's return and approval, the
//! refusals as a person sees them (in Chinese, next to their field), on
//! the demo server shared by this binary. Each test makes its own case, so
//! the tests do not depend on each other's order.

use crate::common::{Session, demo, get, location, post, sign_in};

/// An enterprise of the demo in Guangzhou and a fresh identity number.
fn applicant(sequence: u64) -> (String, String) {
    let unit = demo()
        .report
        .samples
        .iter()
        .find(|(w, _)| *w == "enterprise")
        .map(|(_, c)| c.clone())
        .expect("an enterprise");
    let person =
        gongshang_demo::demo_resident_id("440100", jiff::civil::date(1988, 4, 9), 800 + sequence);
    (unit, person.as_str().to_owned())
}

/// Files an application with every material through the intake form, and
/// answers the new case's number.
pub fn intake(clerk: &Session, sequence: u64) -> String {
    let (unit, person) = applicant(sequence);
    let r = post(
        "/cases/new",
        clerk,
        &[
            ("person", &person),
            ("unit", &unit),
            ("scheme_id", "guangdong.employees"),
            ("applicant", "unit"),
            ("accident_date", "2026-06-10"),
            ("ground_claimed", "art14_1_work_accident"),
            ("material", "application_form"),
            ("material", "labour_relation_proof"),
            ("material", "medical_diagnosis"),
        ],
    );
    location(&r).trim_start_matches("/cases/").to_owned()
}

/// The case page's actions, by their `data-action`.
fn offered(page: &str) -> Vec<String> {
    page.split("data-action=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_owned))
        .collect()
}

fn act(clerk: &Session, number: &str, action: &str, extra: &[(&str, &str)]) {
    let mut pairs = vec![("action", action)];
    pairs.extend_from_slice(extra);
    let r = post(&format!("/cases/{number}/act"), clerk, &pairs);
    assert_eq!(location(&r), format!("/cases/{number}"), "{action}");
}

/// Intake to decision to appraisal: the case waits for its award.
pub fn appraised_case(clerk: &Session, sequence: u64) -> String {
    let number = intake(clerk, sequence);
    let page = get(&format!("/cases/{number}"), clerk).body;
    assert!(
        offered(&page).contains(&"accept".to_owned()),
        "{:?}",
        offered(&page)
    );
    for action in ["accept", "recognise", "appraisal_apply"] {
        act(clerk, &number, action, &[]);
    }
    act(
        clerk,
        &number,
        "conclude",
        &[("grade", "7"), ("nursing", "")],
    );
    number
}

#[test]
fn the_clerks_home_is_the_queue_with_names_and_search() {
    let clerk = sign_in("clerk");
    let home = get("/", &clerk);
    assert_eq!(home.status, 200);
    assert!(home.body.contains("我的待办"), "{}", home.body);
    assert!(home.body.contains("已逾期"));
    // Found by name, by identity number and by unit.
    let number = intake(&clerk, 1);
    let (unit, person) = applicant(1);
    for q in [person.as_str(), number.as_str(), unit.as_str()] {
        let found = get(&format!("/queue?q={q}"), &clerk);
        assert!(found.body.contains(&number), "{q} finds {number}");
    }
    // A worker's name from the queue finds their case.
    let name = home
        .body
        .split("data-label=\"受伤职工\">")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .expect("a name in the queue")
        .to_owned();
    let found = get(
        &format!("/queue?q={}", crate::common::encode(&name)),
        &clerk,
    );
    assert!(found.body.contains(&name), "{name}");
}

#[test]
fn the_case_page_offers_only_what_the_state_allows_in_words() {
    let clerk = sign_in("clerk");
    let number = intake(&clerk, 2);
    let page = get(&format!("/cases/{number}"), &clerk).body;
    let actions = offered(&page);
    assert!(actions.contains(&"accept".to_owned()), "{actions:?}");
    // Not before acceptance: a decision, a delivery, an appraisal.
    for never in ["recognise", "deliver", "appraisal_apply", "conclude"] {
        assert!(
            !actions.contains(&never.to_owned()),
            "{never} in {actions:?}"
        );
    }
    assert!(page.contains("受理"));
    // Each action says which deadlines it stops and starts.
    assert!(page.contains("结束时限"), "{page}");
    // The history in words, never blank nor raw.
    assert!(page.contains("提出申请"));
    assert!(!page.contains("under_review") && !page.contains("completeness_review"));
    assert!(!page.contains("案件已办结"));
}

#[test]
fn an_intake_with_bad_inputs_is_refused_next_to_the_field_in_chinese() {
    let clerk = sign_in("clerk");
    let (unit, _) = applicant(3);
    let r = post(
        "/cases/new",
        &clerk,
        &[
            ("person", "440100198804091234"),
            ("unit", &unit),
            ("scheme_id", "guangdong.employees"),
            ("applicant", "unit"),
            ("accident_date", "2026-06-10"),
            ("ground_claimed", "art14_1_work_accident"),
            ("material", "medical_diagnosis"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    // The message is next to the identity number, in Chinese; what was
    // typed stays; the English detail only behind the toggle.
    let near = r
        .body
        .split("id=\"person-error\"")
        .nth(1)
        .expect("an error at the field");
    assert!(near.contains("受伤职工身份证号"), "{near}");
    assert!(r.body.contains("value=\"440100198804091234\""));
    assert!(r.body.contains("<details class=\"tech\">"));
    // An empty accident date.
    let (_, person) = applicant(3);
    let r = post(
        "/cases/new",
        &clerk,
        &[
            ("person", &person),
            ("unit", &unit),
            ("scheme_id", "guangdong.employees"),
            ("applicant", "unit"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"accident_date-error\""), "{}", r.body);
    assert!(r.body.contains("事故日期"));
}

#[test]
fn the_award_form_has_no_preset_values_and_keeps_what_was_typed() {
    let clerk = sign_in("clerk");
    let number = appraised_case(&clerk, 4);
    let page = get(&format!("/cases/{number}"), &clerk).body;
    let form = page
        .split("id=\"award-form\"")
        .nth(1)
        .expect("the award form");
    assert!(
        form.contains("name=\"own_wage\" inputmode=\"decimal\" value=\"\""),
        "{form}"
    );
    assert!(!form.contains("8000.00"));
    // A wage that is not an amount: refused at the field, in Chinese, as typed.
    let r = post(
        &format!("/cases/{number}/award"),
        &clerk,
        &[
            ("own_wage", "八千"),
            ("suspension_months", "3"),
            ("hospital_days", "10"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let near = r
        .body
        .split("id=\"own_wage-error\"")
        .nth(1)
        .expect("at the field");
    assert!(near.contains("本人工资"), "{near}");
    assert!(r.body.contains("value=\"八千\""));
    assert!(r.body.contains("value=\"3\""));
    let shown = near.split("<details").next().unwrap_or("");
    assert!(
        !shown.contains("facts") && !shown.contains("own_wage"),
        "no internal names: {shown}"
    );
}

/// Guangdong Regulations Art 56 on the award form: a wage paid below the
/// declared one is refused at its field, in Chinese, as typed; a higher one
/// gives the unit's difference, citing the article, on the award page. The
/// grade 7 one-time subsidy (13 months): the fund 13 × 6500.00 = 84500.00,
/// the unit 13 × 1500.00 = 19500.00.
#[test]
fn guangdong_regs_art56_the_award_form_takes_the_wage_actually_paid() {
    let clerk = sign_in("clerk");
    let number = appraised_case(&clerk, 141);
    let r = post(
        &format!("/cases/{number}/award"),
        &clerk,
        &[
            ("own_wage", "6500.00"),
            ("actual_wage", "6000.00"),
            ("suspension_months", "3"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let near = r
        .body
        .split("id=\"actual_wage-error\"")
        .nth(1)
        .expect("at the field");
    assert!(near.contains("实际工资"), "{near}");
    assert!(r.body.contains("value=\"6000.00\""));
    let award = location(&post(
        &format!("/cases/{number}/award"),
        &clerk,
        &[
            ("own_wage", "6500.00"),
            ("actual_wage", "8000.00"),
            ("suspension_months", "3"),
        ],
    ));
    let page = get(&award, &clerk).body;
    assert!(page.contains("第五十六条"), "{page}");
    assert!(
        page.contains("84,500.00") || page.contains("84500.00"),
        "{page}"
    );
    assert!(
        page.contains("19,500.00") || page.contains("19500.00"),
        "{page}"
    );
}

#[test]
fn a_reviewer_returns_an_award_with_a_reason_and_approves_the_next() {
    let clerk = sign_in("clerk");
    let reviewer = sign_in("reviewer");
    let number = appraised_case(&clerk, 5);
    let first = location(&post(
        &format!("/cases/{number}/award"),
        &clerk,
        &[
            ("own_wage", "6500.00"),
            ("suspension_months", "3"),
            ("hospital_days", "10"),
        ],
    ));
    let id = first.trim_start_matches("/awards/").to_owned();
    // No second award while one waits.
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(!page.contains("id=\"award-form\""));
    // The reviewer's home lists it.
    let home = get("/", &reviewer).body;
    assert!(home.contains("待我复核"));
    assert!(home.contains(&format!("data-award=\"{id}\"")), "{home}");
    // A return needs a reason.
    let r = post(
        &format!("/awards/{id}/return"),
        &reviewer,
        &[("reason", "  ")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"reason-error\""), "{}", r.body);
    assert!(r.body.contains("退回理由"));
    // The clerk cannot return their own.
    let r = post(&format!("/awards/{id}/return"), &clerk, &[("reason", "x")]);
    assert_eq!(r.status, 403);
    let r = post(
        &format!("/awards/{id}/return"),
        &reviewer,
        &[("reason", "停工留薪期应为6个月")],
    );
    assert_eq!(location(&r), "/review");
    let case = get(&format!("/cases/{number}"), &clerk).body;
    assert!(
        case.contains("停工留薪期应为6个月"),
        "the reason is on the case"
    );
    assert!(
        !get("/review", &reviewer)
            .body
            .contains(&format!("data-award=\"{id}\""))
    );
    // The clerk computes again; the reviewer approves.
    let second = location(&post(
        &format!("/cases/{number}/award"),
        &clerk,
        &[
            ("own_wage", "6500.00"),
            ("suspension_months", "6"),
            ("hospital_days", "10"),
        ],
    ));
    let id2 = second.trim_start_matches("/awards/").to_owned();
    let r = post(&format!("/awards/{id2}/approve"), &reviewer, &[]);
    assert_eq!(location(&r), second);
    assert!(get(&second, &reviewer).body.contains("已核准"));
    // A third award is computed only with a basis and a confirmation.
    let r = post(
        &format!("/cases/{number}/award"),
        &clerk,
        &[("own_wage", "7000.00"), ("basis", "facts_corrected")],
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("id=\"confirm_replace-error\""),
        "{}",
        r.body
    );
    let third = location(&post(
        &format!("/cases/{number}/award"),
        &clerk,
        &[
            ("own_wage", "7000.00"),
            ("basis", "facts_corrected"),
            ("confirm_replace", "1"),
        ],
    ));
    // Beside the award in force, item by item.
    let page = get(&third, &reviewer).body;
    assert!(page.contains("与现行核定的比较"), "{page}");
    assert!(page.contains("id=\"difference\""));
}

#[test]
fn the_clerk_takes_a_platform_confirmation_and_an_insurer_claim_with_refusals_at_their_fields() {
    let clerk = sign_in("clerk");
    let tabs = get("/cases/new?kind=confirmation", &clerk);
    assert_eq!(tabs.status, 200);
    assert!(tabs.body.contains("受理职业伤害确认申请"), "{}", tabs.body);
    let (_, person) = applicant(6);
    // No platform chosen: said at the field, in Chinese.
    let r = post(
        "/cases/new",
        &clerk,
        &[
            ("kind", "confirmation"),
            ("person", &person),
            ("scheme_id", "national.platform_occupational_injury"),
            ("applicant", "worker"),
            ("accident_date", "2026-06-20"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"platform-error\""), "{}", r.body);
    assert!(r.body.contains("请选择平台"));
    // With the platform: the case is opened (the domain decides the rest).
    let r = post(
        "/cases/new",
        &clerk,
        &[
            ("kind", "confirmation"),
            ("person", &person),
            ("scheme_id", "national.platform_occupational_injury"),
            ("platform", "meituan"),
            ("applicant", "worker"),
            ("accident_date", "2026-06-20"),
        ],
    );
    let case = location(&r);
    let page = get(&case, &clerk).body;
    assert!(page.contains("职业伤害确认"), "{page}");
    // A claim with medical expenses that are not an amount.
    let r = post(
        "/cases/new",
        &clerk,
        &[
            ("kind", "claim"),
            ("person", &person),
            ("scheme_id", "xiamen.yilubao"),
            ("accident_date", "2026-06-20"),
            ("medical_expenses", "一千"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("id=\"medical_expenses-error\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"一千\""));
}

/// The analyst's tables export as a workbook through the house's one xlsx
/// writer (gongshang_app::export): a zip whose sheet holds the table.
#[test]
fn the_analysts_table_exports_as_an_excel_workbook() {
    let analyst = sign_in("analyst");
    let r = get("/analysis/export?table=months&format=xlsx", &analyst);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.contains("spreadsheetml")),
        "{:?}",
        r.header("content-type")
    );
    // A stored zip: its local header, then the parts' names in clear.
    assert!(r.body.starts_with("PK"), "a zip");
    assert!(r.body.contains("xl/worksheets/sheet1.xml"));
    assert!(r.body.contains("月份"), "the header row is in the sheet");
}

/// Regulations Art 20(4): a clerk with an interest withdraws from a case on
/// its page; the case offers them no action any more and refuses one posted
/// anyway, in Chinese; the administrator records a colleague's withdrawal;
/// the worker's side never shows it.
#[test]
fn regs_art20_4_a_clerk_withdraws_from_a_case_and_may_no_longer_act_on_it() {
    let clerk = sign_in("clerk");
    let admin = sign_in("admin");
    let number = intake(&clerk, 20);
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("id=\"recusal\""), "{page}");
    assert!(!offered(&page).is_empty());
    // A withdrawal needs the interest, said next to the field.
    let r = post(
        &format!("/cases/{number}/recuse"),
        &clerk,
        &[("recusal_reason", " ")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"recusal_reason-error\""), "{}", r.body);
    assert!(r.body.contains("请写明与本案的利害关系"), "{}", r.body);
    // A clerk does not record a colleague's.
    let r = post(
        &format!("/cases/{number}/recuse"),
        &clerk,
        &[("recusal_reason", "亲属"), ("recusal_official", "reviewer")],
    );
    assert_eq!(r.status, 403);
    assert!(r.body.contains("只能登记本人回避"), "{}", r.body);
    let r = post(
        &format!("/cases/{number}/recuse"),
        &clerk,
        &[("recusal_reason", "受伤职工是本人的表兄")],
    );
    assert_eq!(location(&r), format!("/cases/{number}"));
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("受伤职工是本人的表兄"));
    assert!(page.contains("您已回避本案件"), "{page}");
    assert!(offered(&page).is_empty(), "{:?}", offered(&page));
    let r = post(
        &format!("/cases/{number}/act"),
        &clerk,
        &[("action", "accept")],
    );
    assert_eq!(r.status, 403);
    assert!(r.body.contains("第二十条第四款"), "{}", r.body);
    // The administrator records the reviewer's withdrawal too, and still
    // acts on the case.
    let r = post(
        &format!("/cases/{number}/recuse"),
        &admin,
        &[
            ("recusal_reason", "单位的股东"),
            ("recusal_official", "reviewer"),
        ],
    );
    assert_eq!(location(&r), format!("/cases/{number}"));
    let page = get(&format!("/cases/{number}"), &admin).body;
    assert!(page.contains("单位的股东"));
    assert!(offered(&page).contains(&"accept".to_owned()));
}

/// Order No. 55 Art 31 (劳动能力鉴定管理办法第三十一条) on the case page: the
/// clerk records the committee's revocation (a decision without its number
/// is refused next to the field, in Chinese, keeping what was typed); the
/// page says what applying it will do; the reviewer applies it, and the
/// history says the conclusion was revoked in words.
#[test]
fn order55_art31_the_clerk_records_a_revocation_and_the_reviewer_applies_it() {
    let clerk = sign_in("clerk");
    let reviewer = sign_in("reviewer");
    let number = appraised_case(&clerk, 71);
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("id=\"revision\""), "{page}");
    // The day of the conclusion, from the history: the decision follows it.
    let at = page
        .find("作出鉴定结论")
        .expect("the conclusion in the history");
    let li = page[..at].rsplit("<li>").next().unwrap().trim();
    let day = li[..10].to_owned();
    let r = post(
        &format!("/cases/{number}/revise"),
        &clerk,
        &[
            ("revision_kind", "revoke"),
            ("revision_reason", "冒名顶替检查"),
            ("decision_no", " "),
            ("decided_on", &day),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"decision_no-error\""), "{}", r.body);
    assert!(
        r.body.contains("请填写鉴定委员会撤销或纠正决定的文号"),
        "{}",
        r.body
    );
    assert!(r.body.contains("冒名顶替检查"), "what was typed is kept");
    let r = post(
        &format!("/cases/{number}/revise"),
        &clerk,
        &[
            ("revision_kind", "revoke"),
            ("revision_reason", "冒名顶替检查"),
            ("decision_no", "穗劳鉴撤〔2026〕1号"),
            ("decided_on", &day),
        ],
    );
    assert_eq!(location(&r), format!("/cases/{number}"));
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("待复核人员执行"), "{page}");
    assert!(!page.contains("复核并执行"), "the clerk does not apply it");
    let page = get(&format!("/cases/{number}"), &reviewer).body;
    let id = page
        .split("/appraisal-revisions/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("the apply form")
        .to_owned();
    let r = post(&format!("/appraisal-revisions/{id}/apply"), &reviewer, &[]);
    assert_eq!(location(&r), format!("/cases/{number}"));
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("已执行"), "{page}");
    assert!(page.contains("鉴定结论被撤销"), "{page}");
}

/// Regulations Art 12: the fund pays for work-capacity appraisals. On an
/// appraised case's page a clerk records the appraisal's fee; a value left
/// out is refused next to its field, in Chinese and in English, and what was
/// typed stays; the fee recorded is listed with who paid it.
#[test]
fn regs_art12_a_clerk_records_an_appraisal_fee_on_the_case_page() {
    let clerk = sign_in("clerk");
    let number = appraised_case(&clerk, 140);
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("id=\"appraisal-fee\""), "{page}");
    assert!(page.contains("尚未登记鉴定费"), "{page}");
    // The day the appraisal was concluded, as the form offers it.
    let day = page
        .split("#1 initial · ")
        .nth(1)
        .map(|s| s[..10].to_owned())
        .expect("the appraisal is offered");
    let path = format!("/cases/{number}/appraisal-fee");
    let no_payer = [
        ("fee_appraisal", "1"),
        ("fee_amount", "350.00"),
        ("fee_payer", ""),
        ("fee_paid_on", day.as_str()),
    ];
    let r = post(&path, &clerk, &no_payer);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"fee_payer-error\""), "{}", r.body);
    assert!(r.body.contains("请选择付款方"), "{}", r.body);
    assert!(r.body.contains("value=\"350.00\""), "what was typed stays");
    let r = post(&format!("{path}?lang=en"), &clerk, &no_payer);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("choose who paid"), "{}", r.body);
    let r = post(
        &path,
        &clerk,
        &[
            ("fee_appraisal", "1"),
            ("fee_amount", "三百"),
            ("fee_payer", "fund"),
            ("fee_paid_on", day.as_str()),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"fee_amount-error\""), "{}", r.body);

    let r = post(
        &path,
        &clerk,
        &[
            ("fee_appraisal", "1"),
            ("fee_amount", "350.00"),
            ("fee_payer", "fund"),
            ("fee_paid_on", day.as_str()),
        ],
    );
    assert_eq!(location(&r), format!("/cases/{number}"), "{}", r.body);
    let page = get(&format!("/cases/{number}"), &clerk).body;
    assert!(page.contains("350.00"), "{page}");
    assert!(page.contains("工伤保险基金"), "{page}");
}

/// Regulations Art 39 from the case page: the clerk computes a death award
/// with the survivors and a child's birth date; dependants without a date of
/// death are refused at the date's field, in Chinese, with what was typed.
#[test]
fn art39_a_clerk_computes_a_death_award_with_the_survivors_on_the_case_page() {
    let clerk = sign_in("clerk");
    let number = intake(&clerk, 61);
    for action in ["accept", "recognise"] {
        act(&clerk, &number, action, &[]);
    }
    let r = post(
        &format!("/cases/{number}/award"),
        &clerk,
        &[("own_wage", "9000.00"), ("spouse", "true"), ("others", "1")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    let near = r
        .body
        .split("id=\"death_date-error\"")
        .nth(1)
        .expect("at the date of death");
    assert!(near.contains("死亡日期"), "{near}");
    assert!(r.body.contains("value=\"9000.00\""));
    let r = post(
        &format!("/cases/{number}/award"),
        &clerk,
        &[
            ("own_wage", "9000.00"),
            ("death_date", "2026-06-12"),
            ("spouse", "true"),
            ("others", "1"),
            ("birth_dates", "2015-03-01"),
        ],
    );
    let award = location(&r);
    assert!(award.starts_with("/awards/"), "{}", r.body);
    let page = get(&award, &clerk).body;
    // The spouse's 40% and the child's 30% of the wage, and the child's
    // pension ends the month before the 18th birthday (2033-02).
    assert!(page.contains("3600.00"), "{page}");
    assert!(page.contains("2700.00"), "{page}");
}

/// Regulations Art 35 para 2: the clerk lists the month's medical insurance
/// bases (each grade 1-4 worker's disability allowance) with resident ids
/// masked on the screen and whole in the CSV the unit declares from; a month
/// that is no month is refused next to its field; the unit sees its own
/// workers without the unit field, and an analyst is refused.
#[test]
fn regs_art35_para2_the_medical_insurance_bases_list_and_export() {
    let clerk = sign_in("clerk");
    let page = get("/medical-insurance-bases?month=2026-11", &clerk);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("以伤残津贴为基数"), "{}", page.body);
    assert!(page.body.contains("第三十五条第二款"));
    let csv = get("/medical-insurance-bases?month=2026-11&format=csv", &clerk);
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}'), "a BOM for Excel");
    let header = csv.body.lines().next().unwrap_or_default();
    assert!(header.contains("缴费基数（元）"), "{header}");
    // The demo's grade 4 workers draw their allowance: at least one line,
    // each a grade 1-4 worker's (the grade column).
    assert!(csv.body.lines().count() > 1, "{}", csv.body);
    for line in csv.body.lines().skip(1) {
        let grade: u8 = line.split(',').nth(6).unwrap().parse().unwrap();
        assert!((1..=4).contains(&grade), "{line}");
    }
    let bad = get("/medical-insurance-bases?month=2026-13", &clerk);
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("id=\"month-error\""), "{}", bad.body);
    let unit = sign_in("unit");
    let own = get("/medical-insurance-bases?month=2026-11", &unit);
    assert_eq!(own.status, 200, "{}", own.body);
    assert!(
        !own.body.contains("name=\"unit\""),
        "a unit does not choose the unit"
    );
    assert_eq!(
        get("/medical-insurance-bases", &sign_in("analyst")).status,
        403
    );
}

/// Guangdong Regulations Art 56's surface, the unit-dues page: once the
/// award is approved, the page lists every item the unit owes the worker
/// with its citation. This fixture's unit had not insured the worker
/// (Regulations Art 62(2)), so the unit owes the whole award, among it the
/// one-time subsidy of 104000.00; a payment beyond it is refused at its
/// field, as typed; the payment recorded is listed with the clerk's note.
#[test]
fn guangdong_regs_art56_the_unit_dues_page_records_the_units_payment() {
    let clerk = sign_in("clerk");
    let reviewer = sign_in("reviewer");
    let number = appraised_case(&clerk, 977);
    let award = location(&post(
        &format!("/cases/{number}/award"),
        &clerk,
        &[
            ("own_wage", "6500.00"),
            ("actual_wage", "8000.00"),
            ("suspension_months", "3"),
        ],
    ));
    let id = award.trim_start_matches("/awards/").to_owned();
    let r = post(&format!("/awards/{id}/approve"), &reviewer, &[]);
    assert!(r.status < 400, "{}", r.body);
    let page = get(&format!("/cases/{number}/unit-dues"), &clerk).body;
    assert!(page.contains("id=\"unit-dues-lines\""), "{page}");
    assert!(page.contains("104000.00"), "{page}");
    assert!(page.contains("第62条"), "{page}");
    let item = "one_time_disability_subsidy|worker";
    let r = post(
        &format!("/cases/{number}/unit-dues"),
        &clerk,
        &[
            ("item", item),
            ("paid_on", "2025-06-15"),
            ("amount", "104000.01"),
            ("document", "转账凭证 977"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"amount-error\""), "{}", r.body);
    assert!(r.body.contains("value=\"104000.01\""));
    let r = post(
        &format!("/cases/{number}/unit-dues"),
        &clerk,
        &[
            ("item", item),
            ("paid_on", "2025-06-15"),
            ("amount", "104000.00"),
            ("document", "转账凭证 977"),
            ("note", "财务核实"),
        ],
    );
    assert!(r.status < 400, "{}", r.body);
    let page = get(&format!("/cases/{number}/unit-dues"), &clerk).body;
    assert!(page.contains("id=\"unit-dues-payments\""), "{page}");
    assert!(page.contains("财务核实"), "{page}");
    assert!(page.contains("未付 <strong>24000.00</strong>"), "{page}");
}
