//! `institution` and `case medical` end to end on a temporary SQLite file
//! (Regulations Arts 30, 47, 48; Decree 765 Art 22): an institution
//! registered, a provider's bill settled within the catalogues, a worker's
//! claim with its deadline.

use super::{TempDir, gongshang, s, stderr};

fn ok(o: std::process::Output) -> String {
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const UNIT: &str = "91440100050000164N";
const PERSON: &str = "370100199911230879";

#[test]
fn regs_art47_art30_the_cli_registers_institutions_and_settles_bills() {
    let dir = TempDir::new("medical");
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
    ok(gongshang(&[
        "case",
        "act",
        n,
        "accept",
        "--on",
        "2025-03-25",
        "--db",
        db,
    ]));
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

    let registered = ok(gongshang(&[
        "institution",
        "register",
        "GZ-0001",
        "--name",
        "广州市第一人民医院",
        "--kind",
        "medical",
        "--region",
        "440100",
        "--from",
        "2025-01-01",
        "--db",
        db,
    ]));
    assert!(
        registered.contains("GZ-0001 广州市第一人民医院 工伤医疗"),
        "{registered}"
    );
    let listed = ok(gongshang(&[
        "institution",
        "list",
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(
        listed.contains("GZ-0001") && listed.contains("medical"),
        "{listed}"
    );

    let bill: serde_json::Value = serde_json::from_str(&ok(gongshang(&[
        "case",
        "medical",
        "file",
        n,
        "--kind",
        "medical",
        "--institution",
        "GZ-0001",
        "--from",
        "2025-03-10",
        "--until",
        "2025-03-20",
        "--line",
        "住院:8000.00:500.00",
        "--db",
        db,
        "--json",
    ])))
    .unwrap();
    assert_eq!(bill["status"], "received");
    let id = bill["id"].as_i64().unwrap().to_string();
    let settled = ok(gongshang(&[
        "case", "medical", "settle", n, &id, "--db", db, "--lang", "en",
    ]));
    assert!(
        settled.contains("settled") && settled.contains("fund pays 8000.00"),
        "{settled}"
    );
    assert!(settled.contains("Art 30(3)"), "{settled}");
    let again = gongshang(&["case", "medical", "settle", n, &id, "--db", db]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("settled already"),
        "{}",
        stderr(&again)
    );

    let claim = ok(gongshang(&[
        "case",
        "medical",
        "claim",
        n,
        "--kind",
        "medical",
        "--provider",
        "就近医院",
        "--emergency",
        "--from",
        "2025-03-10",
        "--until",
        "2025-03-11",
        "--line",
        "急诊:1200.00",
        "--db",
        db,
    ]));
    assert!(
        claim.contains("个人垫付手工报销") && claim.contains("核定期限"),
        "{claim}"
    );
    let all = ok(gongshang(&["case", "medical", "list", n, "--db", db]));
    assert_eq!(
        all.lines().filter(|l| !l.starts_with(' ')).count(),
        2,
        "{all}"
    );
}
