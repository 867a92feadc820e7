//! `case`, `appraisal`, `award` and `payroll` end to end on a temporary
//! SQLite file: an accident recognised, appraised at grade 2, the award
//! approved by a second person, one-time items paid once, a month paid once.

use super::{TempDir, gongshang, s, stderr};

fn ok(o: std::process::Output) -> String {
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const UNIT: &str = "91440100050000164N";
const PERSON: &str = "370100199911230879";

#[test]
fn a_case_goes_from_application_to_the_monthly_payroll() {
    let dir = TempDir::new("cases");
    let db = dir.path("g.db");
    let db = s(&db);
    let units = dir.write(
        "units.csv",
        &format!("credit_code,name,kind,region,industry_class,floating_tier\n{UNIT},华南科技2有限公司,enterprise,440100,5,1.0\n"),
    );
    let people = dir.write(
        "people.csv",
        &format!("resident_id,name\n{PERSON},朱海燕\n"),
    );
    let enrollments = dir.write(
        "enrollments.csv",
        &format!("resident_id,credit_code,scheme_id,category,start_date,labour_relation\n{PERSON},{UNIT},guangdong.employees,employee,2024-01-01,true\n"),
    );
    for (kind, file) in [
        ("units", &units),
        ("people", &people),
        ("enrollments", &enrollments),
    ] {
        ok(gongshang(&[
            "import",
            kind,
            s(file),
            "--db",
            db,
            "--actor",
            "tester",
        ]));
    }
    let application = dir.write(
        "application.json",
        &format!(
            r#"{{"person":"{PERSON}","unit":"{UNIT}","scheme_id":"guangdong.employees","region":"440100",
               "applicant":"unit","accident_date":"2025-03-10","filed_on":"2025-03-20",
               "ground_claimed":"art14_1_work_accident",
               "materials":[{{"kind":"application_form"}},{{"kind":"labour_relation_proof"}},{{"kind":"medical_diagnosis"}}]}}"#
        ),
    );
    let filed = ok(gongshang(&[
        "case",
        "file",
        s(&application),
        "--db",
        db,
        "--actor",
        "clerk",
    ]));
    assert!(
        filed.contains("案件 GS2025-000001（材料审核中）"),
        "{filed}"
    );
    assert!(filed.contains("材料审核（受理）时限"), "{filed}");
    let n = "GS2025-000001";
    let accepted = ok(gongshang(&[
        "case",
        "act",
        n,
        "accept",
        "--on",
        "2025-03-25",
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(
        accepted.contains(&format!("case {n} (accepted)")),
        "{accepted}"
    );
    assert!(accepted.contains("Art 20(1)"), "{accepted}");
    let queue = ok(gongshang(&["case", "queue", "--db", db]));
    assert!(
        queue.contains(&format!("{n},已受理,认定决定时限,")),
        "{queue}"
    );
    let decide = r#"{"command":"decide","finding":{"finding":"recognised","ground":"art14_1_work_accident"}}"#;
    ok(gongshang(&[
        "case",
        "act",
        n,
        decide,
        "--on",
        "2025-04-20",
        "--db",
        db,
    ]));
    // A closed determination refuses further commands, naming the state.
    let refused = gongshang(&[
        "case",
        "act",
        n,
        "withdraw",
        "--on",
        "2025-04-21",
        "--db",
        db,
    ]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("case_closed"),
        "{}",
        stderr(&refused)
    );

    ok(gongshang(&[
        "appraisal",
        "apply",
        n,
        "--on",
        "2025-08-01",
        "--db",
        db,
    ]));
    let concluded = ok(gongshang(&[
        "appraisal",
        "conclude",
        n,
        "--grade",
        "2",
        "--on",
        "2025-10-15",
        "--db",
        db,
    ]));
    assert!(concluded.contains("鉴定结论：2级伤残"), "{concluded}");
    let history = ok(gongshang(&[
        "appraisal",
        "history",
        n,
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(
        history.contains("1,initial,city,2025-08-01,2025-10-15,2,"),
        "{history}"
    );

    let facts = dir.write(
        "facts.json",
        r#"{"own_wage":"8500.00","suspension_months":6,"hospital_days":18}"#,
    );
    let award: serde_json::Value = serde_json::from_str(&ok(gongshang(&[
        "award",
        "compute",
        n,
        s(&facts),
        "--db",
        db,
        "--actor",
        "maker",
        "--json",
    ])))
    .unwrap();
    let id = award["award"]["id"].as_i64().unwrap().to_string();
    assert_eq!(award["award"]["status"], "proposed");
    let own = gongshang(&["award", "approve", &id, "--db", db, "--actor", "maker"]);
    assert!(!own.status.success());
    assert!(stderr(&own).contains("maker-checker"), "{}", stderr(&own));
    let approved = ok(gongshang(&[
        "award", "approve", &id, "--db", db, "--actor", "checker",
    ]));
    assert!(approved.contains("已核准"), "{approved}");
    assert!(approved.contains("一次性伤残补助金"), "{approved}");
    assert!(
        approved.contains("复核 administrator:checker"),
        "{approved}"
    );

    let paid = ok(gongshang(&[
        "award",
        "pay",
        n,
        "--on",
        "2025-11-01",
        "--db",
        db,
    ]));
    assert!(paid.contains("本次支付"), "{paid}");
    let again = ok(gongshang(&[
        "award",
        "pay",
        n,
        "--on",
        "2025-11-02",
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(
        again.contains("already paid") && !again.lines().any(|l| l.ends_with("  paid now")),
        "{again}"
    );

    let first = ok(gongshang(&[
        "payroll", "run", "--month", "2025-11", "--db", db,
    ]));
    assert!(first.contains("2025-11 第1次发放：1 笔"), "{first}");
    let second = ok(gongshang(&[
        "payroll", "run", "--month", "2025-11", "--db", db, "--lang", "en",
    ]));
    assert!(
        second.contains("2025-11 run 2: 0 lines, 0.00 yuan, nothing new to pay"),
        "{second}"
    );

    // Regulations Art 38: the injury recurs on 2026-04-01, recorded on the
    // same case; 7,800.00 × 3 = 23,400.00 of suspension wages, the
    // employer's, approved by a second person.
    let recorded = ok(gongshang(&[
        "case",
        "recurrence",
        "record",
        n,
        "--recurred-on",
        "2026-04-01",
        "--confirmed-by",
        "agreement_institution",
        "--body-name",
        "广州市红十字会医院",
        "--confirmed-on",
        "2026-04-08",
        "--document",
        "穗复发确〔2026〕0408号",
        "--db",
        db,
        "--actor",
        "clerk",
    ]));
    assert!(recorded.contains(" 1 2026-04-01"), "{recorded}");
    let award: serde_json::Value = serde_json::from_str(&ok(gongshang(&[
        "case",
        "recurrence",
        "award",
        n,
        "1",
        "--wage",
        "7800.00",
        "--months",
        "3",
        "--db",
        db,
        "--actor",
        "maker",
        "--json",
    ])))
    .unwrap();
    assert_eq!(award["suspension_wages"], "23400.00");
    let id = award["id"].as_i64().unwrap().to_string();
    let own = gongshang(&[
        "case",
        "recurrence",
        "approve",
        &id,
        "--db",
        db,
        "--actor",
        "maker",
    ]);
    assert!(!own.status.success());
    assert!(stderr(&own).contains("maker-checker"), "{}", stderr(&own));
    let approved = ok(gongshang(&[
        "case",
        "recurrence",
        "approve",
        &id,
        "--db",
        db,
        "--actor",
        "checker",
    ]));
    assert!(
        approved.contains("approved 7800.00 × 3 = 23400.00"),
        "{approved}"
    );
    let listed = ok(gongshang(&["case", "recurrence", "list", n, "--db", db]));
    assert!(listed.contains("agreement_institution"), "{listed}");
}

#[test]
fn bench_payroll_pays_a_month_once() {
    let out = ok(gongshang(&["bench", "payroll", "--beneficiaries", "1200"]));
    assert!(out.contains("run 1:    1200 lines"), "{out}");
    assert!(out.contains("run 2:    0 lines, 0.00 yuan"), "{out}");
    assert!(out.contains("trial balance: 0"), "{out}");
}

/// Regulations Art 20(4): an official who withdraws from a case may no
/// longer act on it; another official carries on.
#[test]
fn regs_art20_4_case_recuse_refuses_the_recused_officials_commands() {
    let dir = TempDir::new("recuse");
    let db = dir.path("g.db");
    let db = s(&db);
    let units = dir.write(
        "units.csv",
        &format!("credit_code,name,kind,region,industry_class,floating_tier\n{UNIT},华南科技2有限公司,enterprise,440100,5,1.0\n"),
    );
    let people = dir.write(
        "people.csv",
        &format!("resident_id,name\n{PERSON},朱海燕\n"),
    );
    let enrollments = dir.write(
        "enrollments.csv",
        &format!("resident_id,credit_code,scheme_id,category,start_date,labour_relation\n{PERSON},{UNIT},guangdong.employees,employee,2024-01-01,true\n"),
    );
    for (kind, file) in [
        ("units", &units),
        ("people", &people),
        ("enrollments", &enrollments),
    ] {
        ok(gongshang(&[
            "import",
            kind,
            s(file),
            "--db",
            db,
            "--actor",
            "tester",
        ]));
    }
    let application = dir.write(
        "application.json",
        &format!(
            r#"{{"person":"{PERSON}","unit":"{UNIT}","scheme_id":"guangdong.employees","region":"440100",
               "applicant":"unit","accident_date":"2025-03-10","filed_on":"2025-03-20",
               "ground_claimed":"art14_1_work_accident",
               "materials":[{{"kind":"application_form"}},{{"kind":"labour_relation_proof"}},{{"kind":"medical_diagnosis"}}]}}"#
        ),
    );
    ok(gongshang(&[
        "case",
        "file",
        s(&application),
        "--db",
        db,
        "--actor",
        "clerk",
    ]));
    let n = "GS2025-000001";
    let empty = gongshang(&[
        "case", "recuse", n, "--reason", " ", "--db", db, "--actor", "li",
    ]);
    assert!(!empty.status.success());
    assert!(stderr(&empty).contains("reason"), "{}", stderr(&empty));
    let recorded = ok(gongshang(&[
        "case",
        "recuse",
        n,
        "--reason",
        "受伤职工是本人亲属",
        "--db",
        db,
        "--actor",
        "li",
    ]));
    assert!(recorded.contains("li 回避案件"), "{recorded}");
    let refused = gongshang(&[
        "case",
        "act",
        n,
        "accept",
        "--on",
        "2025-03-25",
        "--db",
        db,
        "--actor",
        "li",
        "--lang",
        "en",
    ]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("Art 20(4)"),
        "{}",
        stderr(&refused)
    );
    // Another official carries on.
    ok(gongshang(&[
        "case",
        "act",
        n,
        "accept",
        "--on",
        "2025-03-25",
        "--db",
        db,
        "--actor",
        "wang",
    ]));
    let list = ok(gongshang(&[
        "case", "recusals", n, "--db", db, "--lang", "en",
    ]));
    assert!(
        list.contains("li,受伤职工是本人亲属,administrator:li,"),
        "{list}"
    );
}

/// Regulations Art 66(1) with Order No. 9 Art 5: an unlicensed unit's
/// compensation is printed with its base, its multiple and their marks, and
/// a day without the region's average wage is refused naming it.
#[test]
fn regs_art66_1_unlicensed_prints_the_compensation_and_refuses_a_gap() {
    let out = ok(gongshang(&[
        "unlicensed",
        "--region",
        "440100",
        "--on",
        "2025-10-15",
        "--grade",
        "5",
        "--lang",
        "en",
    ]));
    assert!(out.contains("9183.00 × 12 = 110196.00"), "{out}");
    assert!(out.contains("110196.00 × 8 = 881568.00"), "{out}");
    assert!(out.contains("assumed"), "{out}");
    // Order 9 Art 6: a death in 2026, on 2025's national income.
    let out = ok(gongshang(&[
        "unlicensed",
        "--died-on",
        "2026-03-01",
        "--lang",
        "en",
    ]));
    assert!(out.contains("56502.00 × 20 = 1130040.00"), "{out}");
    assert!(out.contains("56502.00 × 10 = 565020.00"), "{out}");
    assert!(out.contains("total: 1695060.00"), "{out}");
    let refused = gongshang(&[
        "unlicensed",
        "--region",
        "440100",
        "--on",
        "2022-10-15",
        "--grade",
        "5",
    ]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("regional.avg_monthly_wage"),
        "{}",
        stderr(&refused)
    );
}
