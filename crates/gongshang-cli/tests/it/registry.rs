//! `synth registry`, `import`, `coverage` and `bill` end to end on a
//! temporary SQLite file.

use super::{TempDir, gongshang, s, stderr};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn ok(o: std::process::Output) -> String {
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn a_synthetic_registry_imports_end_to_end_and_coverage_answers() {
    let dir = TempDir::new("registry");
    let db = dir.path("g.db");
    let db = s(&db);
    ok(gongshang(&[
        "synth",
        "registry",
        "--units",
        "8",
        "--people",
        "120",
        "--seed",
        "5",
        "--out",
        s(&dir.0),
    ]));
    ok(gongshang(&["db", "init", "--db", db]));
    for kind in ["units", "people", "enrollments", "declarations", "payments"] {
        let file = dir.path(&format!("{kind}.csv"));
        let out = ok(gongshang(&[
            "import",
            kind,
            s(&file),
            "--db",
            db,
            "--actor",
            "tester",
        ]));
        assert!(out.contains(", 0 rejected"), "{kind}: {out}");
    }
    let enrollments = std::fs::read_to_string(dir.path("enrollments.csv")).unwrap();
    let employee = enrollments
        .lines()
        .skip(1)
        .find(|l| l.contains(",employee,"))
        .unwrap();
    let id = employee.split(',').next().unwrap();
    let yes = ok(gongshang(&[
        "coverage",
        id,
        "--at",
        "2025-03-01T10:00:00+08:00",
        "--db",
        db,
    ]));
    assert!(yes.contains("是否在保：是"), "{yes}");
    let no = ok(gongshang(&[
        "coverage",
        id,
        "--at",
        "2024-12-31",
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(
        no.contains("covered on 2024-12-31: no (before the enrolment started)"),
        "{no}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(gongshang(&[
        "coverage",
        id,
        "--at",
        "2025-03-01",
        "--db",
        db,
        "--json",
    ])))
    .unwrap();
    assert_eq!(json["covered"], true);
    assert_eq!(json["covers"][0]["basis"], "enrollment");
    let bills = ok(gongshang(&["bill", "--month", "2025-01", "--db", db]));
    assert!(bills.lines().count() > 1, "{bills}");
    // Every file again (a rerun after a crash): each row is already there,
    // nothing is added, and payments say so rather than "imported".
    for kind in ["units", "people", "enrollments", "declarations", "payments"] {
        let file = dir.path(&format!("{kind}.csv"));
        let again = ok(gongshang(&["import", kind, s(&file), "--db", db]));
        assert!(
            again.contains(" 0 imported, ") && again.contains(", 0 conflicts, 0 rejected"),
            "{kind}: {again}"
        );
        assert!(!again.contains(" 0 already there"), "{kind}: {again}");
    }
    // A declaration of a declared month with another wage is a conflict.
    let declarations = std::fs::read_to_string(dir.path("declarations.csv")).unwrap();
    let mut lines = declarations.lines();
    let header = lines.next().unwrap();
    let first = lines.next().unwrap();
    let (rest, _) = first.rsplit_once(',').unwrap();
    let changed = dir.write("changed.csv", &format!("{header}\n{rest},123456.78\n"));
    let refused = gongshang(&["import", "declarations", s(&changed), "--db", db]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("supplementary declarations are not accepted"),
        "{}",
        stderr(&refused)
    );
}

const UNIT_HEADER: &str = "credit_code,name,kind,region,industry_class,floating_tier";

#[test]
fn a_rejected_file_changes_nothing_and_skip_invalid_writes_the_error_file() {
    let dir = TempDir::new("rejected");
    let db = dir.path("g.db");
    let db = s(&db);
    ok(gongshang(&[
        "synth",
        "registry",
        "--units",
        "1",
        "--people",
        "1",
        "--out",
        s(&dir.0),
    ]));
    let units = std::fs::read_to_string(dir.path("units.csv")).unwrap();
    let good = units.lines().nth(1).unwrap().to_owned();
    // The same code with a wrong check character.
    let mut bad = good.clone();
    let last = bad.as_bytes()[17];
    bad.replace_range(17..18, if last == b'0' { "1" } else { "0" });
    let text = format!("\u{feff}{UNIT_HEADER}\n{good}\n{bad}\n");
    let file = dir.write("mixed.csv", &text);
    let refused = gongshang(&["import", "units", s(&file), "--db", db]);
    assert!(!refused.status.success());
    let message = stderr(&refused);
    assert!(message.contains("nothing was imported"), "{message}");
    assert!(message.contains("row 3, field credit_code"), "{message}");
    // Nothing went in: the good row alone imports.
    let only_good = dir.write("good.csv", &format!("{UNIT_HEADER}\n{good}\n"));
    assert!(ok(gongshang(&["import", "units", s(&only_good), "--db", db])).contains("1 imported"));

    let errors = dir.path("errors.csv");
    let out = ok(gongshang(&[
        "import",
        "units",
        s(&file),
        "--db",
        db,
        "--skip-invalid",
        "--errors",
        s(&errors),
    ]));
    assert!(
        out.contains("0 imported, 1 already there, 0 conflicts, 1 rejected"),
        "{out}"
    );
    let report = std::fs::read_to_string(&errors).unwrap();
    assert!(report.starts_with("row,field,reason,line\n"), "{report}");
    assert!(
        !report.contains("\n2,"),
        "already there is no error: {report}"
    );
    assert!(report.contains("\n3,credit_code,"), "{report}");
}

#[test]
fn orders_import_once_cover_their_days_and_a_bad_row_rejects_the_file() {
    let dir = TempDir::new("orders");
    let db = dir.path("g.db");
    let db = s(&db);
    ok(gongshang(&[
        "synth",
        "orders",
        "--count",
        "500",
        "--seed",
        "9",
        "--out",
        s(&dir.path("orders.csv")),
    ]));
    let text = std::fs::read_to_string(dir.path("orders.csv")).unwrap();
    let first = text.lines().nth(1).unwrap().to_owned();
    let bad = format!(
        "{text}meituan,x-1,440106199001011234,2025-07-01T10:00:00+08:00,instant_delivery,44\n"
    );
    let bad_file = dir.write("bad.csv", &bad);
    let refused = gongshang(&["import", "orders", s(&bad_file), "--db", db]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("row 502, field resident_id"),
        "{}",
        stderr(&refused)
    );
    let out = ok(gongshang(&[
        "import",
        "orders",
        s(&bad_file),
        "--db",
        db,
        "--skip-invalid",
    ]));
    assert!(
        out.contains("500 imported, 0 already there, 0 conflicts, 1 rejected"),
        "{out}"
    );
    assert!(dir.path("bad.csv.errors.csv").exists());
    let again = ok(gongshang(&[
        "import",
        "orders",
        s(&dir.path("orders.csv")),
        "--db",
        db,
    ]));
    assert!(again.contains("0 imported, 500 already there"), "{again}");

    let fields: Vec<&str> = first.split(',').collect();
    let (worker, at) = (fields[2], fields[3]);
    let answer: serde_json::Value = serde_json::from_str(&ok(gongshang(&[
        "coverage", worker, "--at", at, "--db", db, "--json",
    ])))
    .unwrap();
    assert_eq!(answer["covered"], true, "{answer}");
    assert_eq!(answer["covers"][0]["basis"], "order_day");
    assert_eq!(answer["covers"][0]["platform"], fields[0]);

    // The platform's month against what it declared: the file's own count
    // matches; one order more declared does not, and the command fails.
    let month_of = |line: &str| line.split(',').nth(3).unwrap()[..7].to_owned();
    let (platform, month) = (fields[0], month_of(&first));
    let rows: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(&format!("{platform},")) && month_of(l) == month)
        .collect();
    let workers: std::collections::BTreeSet<&str> =
        rows.iter().map(|l| l.split(',').nth(2).unwrap()).collect();
    let declared = rows.len().to_string();
    let report: serde_json::Value = serde_json::from_str(&ok(gongshang(&[
        "reconcile",
        "--platform",
        platform,
        "--month",
        &month,
        "--declared-orders",
        &declared,
        "--db",
        db,
        "--json",
    ])))
    .unwrap();
    assert_eq!(report["orders"], rows.len() as u64, "{report}");
    assert_eq!(report["workers"], workers.len() as u64, "{report}");
    assert_eq!(report["billed"], report["premium"], "{report}");
    assert_eq!(report["matches"], true, "{report}");
    let more = (rows.len() + 1).to_string();
    let differs = gongshang(&[
        "reconcile",
        "--platform",
        platform,
        "--month",
        &month,
        "--declared-orders",
        &more,
        "--db",
        db,
    ]);
    assert!(!differs.status.success());
    assert!(stdout(&differs).contains("不一致"), "{}", stdout(&differs));
    assert!(stdout(&differs).contains("-1"), "{}", stdout(&differs));
}

/// On PostgreSQL the import stores on two streams at once: every order
/// goes in once, a re-run adds nothing, and the month's bill is the sum.
#[test]
fn orders_import_into_postgres_on_two_streams_stores_each_once() {
    let Some(url) = std::env::var("GONGSHANG_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("GONGSHANG_TEST_POSTGRES_URL is not set: PostgreSQL import not tested");
        return;
    };
    let schema = format!("cli_orders_{}", std::process::id());
    drop(gongshang_store::PostgresStore::open_in_schema(&url, &schema).unwrap());
    let sep = if url.contains('?') { '&' } else { '?' };
    let db = format!("{url}{sep}options=-csearch_path%3D{schema}");
    let dir = TempDir::new("pg-orders");
    ok(gongshang(&[
        "synth",
        "orders",
        "--count",
        "3000",
        "--seed",
        "5",
        "--out",
        s(&dir.path("orders.csv")),
    ]));
    let orders_csv = dir.path("orders.csv");
    let file = s(&orders_csv);
    let first = ok(gongshang(&[
        "import", "orders", file, "--db", &db, "--batch", "250",
    ]));
    assert!(
        first.contains("3000 imported, 0 already there, 0 conflicts, 0 rejected"),
        "{first}"
    );
    let again = ok(gongshang(&[
        "import", "orders", file, "--db", &db, "--batch", "250",
    ]));
    assert!(again.contains("0 imported, 3000 already there"), "{again}");
    let text = std::fs::read_to_string(dir.path("orders.csv")).unwrap();
    let line = text.lines().nth(1).unwrap();
    let fields: Vec<&str> = line.split(',').collect();
    let month = &fields[3][..7];
    let count = text
        .lines()
        .skip(1)
        .filter(|l| {
            l.starts_with(&format!("{},", fields[0])) && &l.split(',').nth(3).unwrap()[..7] == month
        })
        .count();
    let report: serde_json::Value = serde_json::from_str(&ok(gongshang(&[
        "reconcile",
        "--platform",
        fields[0],
        "--month",
        month,
        "--db",
        &db,
        "--json",
    ])))
    .unwrap();
    gongshang_store::PostgresStore::drop_schema(&url, &schema).unwrap();
    assert_eq!(report["orders"], count as u64, "{report}");
    assert_eq!(report["billed"], report["premium"], "{report}");
}

/// December 2026, when the State Council's arrangement for 2027 is not yet
/// loaded: the month's orders import and are billed (exit 0), due on a date
/// counted over weekends only and marked provisional; `holidays load` then
/// dates the bill by the year's arrangement.
#[test]
fn orders_of_a_month_due_in_a_year_without_a_holiday_calendar_are_billed_provisionally() {
    let dir = TempDir::new("orders_2026_12");
    let db = dir.path("g.db");
    let db = s(&db);
    ok(gongshang(&[
        "synth",
        "orders",
        "--count",
        "200",
        "--seed",
        "3",
        "--out",
        s(&dir.path("orders.csv")),
    ]));
    // Every order moved to 2026-12-05 at its own time of day.
    let text = std::fs::read_to_string(dir.path("orders.csv")).unwrap();
    let mut december = String::new();
    for (n, line) in text.lines().enumerate() {
        if n == 0 {
            december.push_str(line);
        } else {
            let mut f: Vec<String> = line.split(',').map(str::to_owned).collect();
            f[3] = format!("2026-12-05{}", &f[3][10..]);
            december.push_str(&f.join(","));
        }
        december.push('\n');
    }
    let file = dir.write("december.csv", &december);
    let out = ok(gongshang(&["import", "orders", s(&file), "--db", db]));
    assert!(out.contains("200 imported"), "{out}");
    assert!(out.contains("due 2027-01-15 (provisional"), "{out}");
    let bills: serde_json::Value = serde_json::from_str(&ok(gongshang(&[
        "bill", "--month", "2026-12", "--db", db, "--json",
    ])))
    .unwrap();
    let bills = bills.as_array().unwrap();
    assert!(!bills.is_empty());
    for b in bills {
        assert_eq!(b["due_date"], "2027-01-15", "{b}");
        assert_eq!(b["due_date_provisional"], true, "{b}");
    }
    // A (made-up) 2027 arrangement with 01-15 to 01-17 off.
    let year = dir.write(
        "2027.toml",
        "year = 2027\ninstrument = \"测试\"\nissued = 2026-12-01\nsource = \"test\"\nconfidence = \"C1\"\n\n[[holiday]]\nname_zh = \"测试\"\nname_en = \"Test\"\noff_from = 2027-01-15\noff_until = 2027-01-17\nworking_days = []\n",
    );
    let loaded = ok(gongshang(&["holidays", "load", s(&year), "--db", db]));
    assert!(
        loaded.contains(&format!("loaded 2027: {} bills", bills.len())),
        "{loaded}"
    );
    let bills: serde_json::Value = serde_json::from_str(&ok(gongshang(&[
        "bill", "--month", "2026-12", "--db", db, "--json",
    ])))
    .unwrap();
    for b in bills.as_array().unwrap() {
        assert_eq!(b["due_date"], "2027-01-18", "{b}");
        assert_eq!(b["due_date_provisional"], false, "{b}");
    }
    let list = ok(gongshang(&["holidays", "--db", db]));
    assert!(list.contains("from 2028"), "{list}");
}

/// `gongshang import` killed (SIGKILL) at a random moment, then run again:
/// the enrolments of the file are all there exactly once with one
/// engagement each (the first run stored all of them or none), the orders
/// too, and the killed order import is listed as interrupted. The seed of
/// the moments is printed, to run a failure again.
#[test]
fn an_import_killed_at_a_random_moment_is_completed_by_running_it_again() {
    let seed = std::env::var("GONGSHANG_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(7, |d| d.subsec_nanos() as u64)
        });
    println!("GONGSHANG_KILL_SEED={seed}");
    let dir = TempDir::new("killed");
    let db_path = dir.path("g.db");
    let db = s(&db_path);
    ok(gongshang(&[
        "synth",
        "registry",
        "--units",
        "30",
        "--people",
        "4000",
        "--seed",
        "3",
        "--out",
        s(&dir.0),
    ]));
    ok(gongshang(&[
        "synth",
        "orders",
        "--count",
        "60000",
        "--out",
        s(&dir.path("orders.csv")),
    ]));
    for kind in ["units", "people"] {
        ok(gongshang(&[
            "import",
            kind,
            s(&dir.path(&format!("{kind}.csv"))),
            "--db",
            db,
        ]));
    }
    let mut moment = seed;
    // Moments spread over the whole run, from before the check pass to
    // after the last batch (a debug build on two cores).
    for (kind, extra, earliest_ms, latest_ms) in [
        ("enrollments", vec![], 0, 700),
        ("orders", vec!["--batch", "2000"], 300, 2000),
    ] {
        let file = dir.path(&format!("{kind}.csv"));
        let rows = std::fs::read_to_string(&file).unwrap().lines().count() as u64 - 1;
        moment = moment
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let wait = earliest_ms + (moment >> 33) % (latest_ms - earliest_ms);
        let mut args = vec!["import", kind, s(&file), "--db", db];
        args.extend(extra.iter().copied());
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gongshang"))
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(wait));
        let _ = child.kill();
        let killed = child.wait().unwrap();
        let again = ok(gongshang(&args));
        println!("{kind}: killed at {wait} ms ({killed:?}); again: {again}");
        let count = |what: &str| -> u64 {
            let at = again
                .find(what)
                .unwrap_or_else(|| panic!("{what}: {again}"));
            again[..at].rsplit(' ').next().unwrap().parse().unwrap()
        };
        let (added, there) = (count(" imported"), count(" already there"));
        assert_eq!(
            added + there,
            rows,
            "{kind} after a kill at {wait} ms ({killed:?}): {again}"
        );
        assert!(again.contains(", 0 conflicts, 0 rejected"), "{again}");
        if kind == "enrollments" {
            assert!(
                added == 0 || there == 0,
                "one transaction: all or nothing ({wait} ms): {again}"
            );
        }
        let third = ok(gongshang(&args));
        assert!(
            third.contains(&format!(" 0 imported, {rows} already there")),
            "{third}"
        );
    }
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        one(
            "SELECT COUNT(*) FROM (SELECT person_id, unit_id, start_date FROM engagements \
             GROUP BY 1, 2, 3 HAVING COUNT(*) > 1)"
        ),
        0,
        "no engagement twice"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM engagements"),
        one("SELECT COUNT(*) FROM enrollments WHERE category = 'employee' AND unit_id IS NOT NULL"),
    );
    assert_eq!(one("SELECT COUNT(*) FROM orders"), 60_000);
    // An order import that began and was killed shows as interrupted once
    // its lease is over (0 s here); every other import finished.
    let listed = ok(gongshang(&[
        "import",
        "list",
        "--db",
        db,
        "--lease-secs",
        "0",
    ]));
    for line in listed.lines().skip(1) {
        assert!(
            line.contains(" finished ") || line.contains(" interrupted "),
            "{listed}"
        );
    }
    let unfinished = one("SELECT COUNT(*) FROM imports WHERE finished_at IS NULL");
    assert_eq!(
        listed.matches(" interrupted ").count() as i64,
        unfinished,
        "{listed}"
    );
}

/// Regulations Art 43(1): `unit succession record|list` and `unit
/// liability` on units imported from a synthetic registry.
#[test]
fn regs_art43_1_a_merger_recorded_on_the_command_line_moves_the_liability() {
    let dir = TempDir::new("succession");
    let db = dir.path("g.db");
    let db = s(&db);
    ok(gongshang(&[
        "synth",
        "registry",
        "--units",
        "3",
        "--people",
        "5",
        "--seed",
        "7",
        "--out",
        s(&dir.0),
    ]));
    ok(gongshang(&["db", "init", "--db", db]));
    ok(gongshang(&[
        "import",
        "units",
        s(&dir.path("units.csv")),
        "--db",
        db,
        "--actor",
        "tester",
    ]));
    let units = std::fs::read_to_string(dir.path("units.csv")).unwrap();
    let header: Vec<&str> = units.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "credit_code").unwrap();
    let codes: Vec<String> = units
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(col).unwrap().to_owned())
        .collect();
    let (a, b) = (codes[0].as_str(), codes[1].as_str());
    ok(gongshang(&[
        "unit",
        "succession",
        "record",
        a,
        "--successor",
        b,
        "--kind",
        "merger",
        "--effective-on",
        "2025-01-01",
        "--document",
        "变更登记1号",
        "--db",
        db,
        "--lang",
        "en",
    ]));
    let list = ok(gongshang(&[
        "unit",
        "succession",
        "list",
        b,
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(list.contains("merger") && list.contains(a), "{list}");
    let before = ok(gongshang(&[
        "unit",
        "liability",
        a,
        "--injury-date",
        "2024-06-01",
        "--on",
        "2024-12-31",
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(before.contains(&format!("liable unit: {a}")), "{before}");
    let after = ok(gongshang(&[
        "unit",
        "liability",
        a,
        "--injury-date",
        "2024-06-01",
        "--on",
        "2025-01-01",
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(after.contains(&format!("liable unit: {b}")), "{after}");
    assert!(after.contains("Regulations Art 43(1)"), "{after}");
    let twice = gongshang(&[
        "unit",
        "succession",
        "record",
        a,
        "--successor",
        b,
        "--kind",
        "merger",
        "--effective-on",
        "2025-01-01",
        "--document",
        "变更登记1号",
        "--db",
        db,
    ]);
    assert!(!twice.status.success());
    // Issue 17: the successor takes over the predecessor's unpaid bills;
    // the synthetic registry bills nothing, so nothing is owed (refused,
    // saying so), and the successor has inherited nothing yet.
    let nothing = gongshang(&[
        "unit",
        "succession",
        "take-over-debts",
        a,
        "--successor",
        b,
        "--db",
        db,
        "--lang",
        "en",
    ]);
    assert!(!nothing.status.success());
    assert!(
        String::from_utf8_lossy(&nothing.stderr).contains("owes no premiums"),
        "{}",
        String::from_utf8_lossy(&nothing.stderr)
    );
    let inherited = ok(gongshang(&[
        "unit",
        "succession",
        "inherited",
        b,
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(inherited.contains("bills taken over"), "{inherited}");
}

/// Regulations Art 62(3): `unit back-payment record|list` on a unit of a
/// synthetic registry whose enrolments start 2025-01-01: the premiums of
/// 2024 paid back with the late fees on 2025-03-15 are recorded once with
/// who recorded them; a day before the period ends is refused naming the
/// field, and so is a unit with no enrolment running that day.
#[test]
fn art62_3_a_back_payment_recorded_on_the_command_line_is_listed_once() {
    let dir = TempDir::new("backpay");
    let db = dir.path("g.db");
    let db = s(&db);
    ok(gongshang(&[
        "synth",
        "registry",
        "--units",
        "3",
        "--people",
        "5",
        "--seed",
        "7",
        "--out",
        s(&dir.0),
    ]));
    ok(gongshang(&["db", "init", "--db", db]));
    for kind in ["units", "people", "enrollments"] {
        ok(gongshang(&[
            "import",
            kind,
            s(&dir.path(&format!("{kind}.csv"))),
            "--db",
            db,
            "--actor",
            "tester",
        ]));
    }
    let enrollments = std::fs::read_to_string(dir.path("enrollments.csv")).unwrap();
    let line = enrollments
        .lines()
        .skip(1)
        .find(|l| l.contains(",employee,") && l.contains(",2025-01-01,"))
        .unwrap();
    let fields: Vec<&str> = line.split(',').collect();
    let (unit, scheme) = (fields[1], fields[2]);
    let record = |settled_on: &str| {
        gongshang(&[
            "unit",
            "back-payment",
            "record",
            unit,
            "--scheme",
            scheme,
            "--from",
            "2024-01-01",
            "--until",
            "2024-12-31",
            "--settled-on",
            settled_on,
            "--premiums",
            "3600.00",
            "--late-fees",
            "220.00",
            "--document",
            "补缴凭证1号",
            "--db",
            db,
            "--actor",
            "tester",
            "--lang",
            "en",
        ])
    };
    let early = record("2024-12-01");
    assert!(!early.status.success());
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("settled_on"),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    // Enrolled only from 2025-01-01: on 2024-12-31 the unit had not enrolled.
    let unenrolled = record("2024-12-31");
    assert!(!unenrolled.status.success());
    assert!(
        String::from_utf8_lossy(&unenrolled.stderr).contains("no enrolment"),
        "{}",
        String::from_utf8_lossy(&unenrolled.stderr)
    );
    let out = ok(record("2025-03-15"));
    assert!(out.contains("settled on 2025-03-15"), "{out}");
    let again = record("2025-03-15");
    assert!(!again.status.success(), "once");
    let list = ok(gongshang(&[
        "unit",
        "back-payment",
        "list",
        unit,
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(
        list.contains("3600.00") && list.contains("220.00") && list.contains("tester"),
        "{list}"
    );
    // Social Insurance Law Art 41: the unit's debts on advances (none), and
    // an application on a case that does not exist, refused.
    let debts = ok(gongshang(&[
        "unit",
        "advance-debts",
        unit,
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(debts.contains("owes 0.00 yuan on advances"), "{debts}");
    let none = gongshang(&[
        "case",
        "advance",
        "apply",
        "GS-NONE",
        "--ground",
        "employer_unpaid",
        "--name",
        "张三",
        "--circumstance",
        "拒绝支付",
        "--documents",
        "认定书",
        "--db",
        db,
        "--actor",
        "tester",
    ]);
    assert!(!none.status.success());
}

/// Regulations Art 43(1): `unit succession transfer` moves a merged unit's
/// running enrolments only where each is a valid enrolment at the
/// successor: a Shenzhen unit merged into a Suzhou one cannot carry the
/// Guangdong scheme, so the transfer is refused, naming each person, and
/// nothing moves.
#[test]
fn regs_art43_1_a_transfer_to_a_successor_in_another_province_is_refused_whole() {
    let dir = TempDir::new("succession-transfer");
    let db = dir.path("g.db");
    let db = s(&db);
    ok(gongshang(&[
        "synth",
        "registry",
        "--units",
        "3",
        "--people",
        "5",
        "--seed",
        "7",
        "--out",
        s(&dir.0),
    ]));
    ok(gongshang(&["db", "init", "--db", db]));
    for kind in ["units", "people", "enrollments"] {
        ok(gongshang(&[
            "import",
            kind,
            s(&dir.path(&format!("{kind}.csv"))),
            "--db",
            db,
            "--actor",
            "tester",
        ]));
    }
    let (shenzhen, suzhou) = ("91440300070000225R", "91320500070000217A");
    ok(gongshang(&[
        "unit",
        "succession",
        "record",
        shenzhen,
        "--successor",
        suzhou,
        "--kind",
        "merger",
        "--effective-on",
        "2026-01-01",
        "--document",
        "变更登记2号",
        "--db",
        db,
    ]));
    let refused = gongshang(&[
        "unit",
        "succession",
        "transfer",
        shenzhen,
        "--successor",
        suzhou,
        "--db",
        db,
    ]);
    assert!(!refused.status.success());
    let said = stderr(&refused);
    assert!(
        said.contains("people:") && said.contains("allowed regions of guangdong"),
        "{said}"
    );
    let conn = rusqlite::Connection::open(dir.path("g.db")).unwrap();
    let ended: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM enrollments WHERE end_date IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ended, 0, "all or none: nothing ended");
}

/// 劳社部令第18号 Art 4(2), 4(4) and Order No. 15 Art 11 on the command line:
/// `payroll stop-report --event` takes a survivor's employment, enlistment
/// and adoption (an unknown event is refused naming them), and `case advance
/// recover --from` takes the worker or relative's own repayment.
#[test]
fn order18_art4_2_art4_4_order15_11_the_commands_take_the_new_events_and_who_repaid() {
    let help = ok(gongshang(&["payroll", "stop-report", "--help"]));
    for event in ["employment", "enlistment", "adoption"] {
        assert!(help.contains(event), "{help}");
    }
    let dir = TempDir::new("order18");
    let db = dir.path("g.db");
    let db = s(&db);
    let bad = gongshang(&[
        "payroll",
        "stop-report",
        "GS-NONE",
        "--benefit",
        "1",
        "--event",
        "job",
        "--event-on",
        "2026-01-15",
        "--reported-by",
        "relative",
        "--refund",
        "--db",
        db,
    ]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("adoption"), "{}", stderr(&bad));
    let help = ok(gongshang(&["case", "advance", "recover", "--help"]));
    assert!(
        help.contains("--from") && help.contains("recipient"),
        "{help}"
    );
    let bad = gongshang(&[
        "case",
        "advance",
        "recover",
        "GS-NONE",
        "1",
        "--from",
        "neighbour",
        "--received-on",
        "2026-06-01",
        "--amount",
        "1.00",
        "--document",
        "收据",
        "--db",
        db,
    ]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("recipient"), "{}", stderr(&bad));
}

/// Social Insurance Law Art 86: `unit late-fees list|pay` over the demo,
/// whose enterprise paid its first month a month late: the fees owed are
/// listed with how they were computed, a payment above what is owed is
/// refused, the owed amount is paid once (the same key again records
/// nothing) and the bill leaves the list of fees owed.
#[test]
fn social_insurance_law_art_86_the_command_line_lists_the_late_fees_owed_and_records_their_payment()
{
    let dir = TempDir::new("latefee");
    let db = dir.path("demo.db");
    let db = s(&db);
    ok(gongshang(&[
        "demo",
        "--db",
        db,
        "--people",
        "150",
        "--seed",
        "3",
        "--no-serve",
    ]));
    let list = ok(gongshang(&[
        "unit",
        "late-fees",
        "list",
        "--db",
        db,
        "--lang",
        "en",
    ]));
    // `<bill id> <reference> due <day> late fees <a> paid <p> owed <o>`
    let first = list.lines().next().expect("a bill with late fees owed");
    let words: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(words[2], "due", "{list}");
    let (bill, owed) = (words[0].to_owned(), words[words.len() - 1].to_owned());
    assert!(list.contains("days = "), "{list}");
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
        .to_string();
    let pay = |amount: &str, key: &str| {
        gongshang(&[
            "unit",
            "late-fees",
            "pay",
            "--bill",
            &bill,
            "--amount",
            amount,
            "--paid-on",
            &today,
            "--key",
            key,
            "--db",
            db,
            "--lang",
            "en",
        ])
    };
    let too_much = pay("99999.00", "cli-fee-0");
    assert!(!too_much.status.success());
    assert!(stderr(&too_much).contains("owed"), "{}", stderr(&too_much));
    let paid = ok(pay(&owed, "cli-fee-1"));
    assert!(paid.contains("owed 0.00"), "{paid}");
    let again = ok(pay(&owed, "cli-fee-1"));
    assert!(again.contains("already recorded"), "{again}");
    let after = ok(gongshang(&[
        "unit",
        "late-fees",
        "list",
        "--db",
        db,
        "--lang",
        "en",
    ]));
    assert!(
        !after.lines().any(|l| l.starts_with(&format!("{bill} "))),
        "{after}"
    );
}

/// Order No. 15 Art 8 on the command line: `case advance end-monthly` takes
/// the last month, why (`unit_resumed`, `back_payment`; anything else is
/// refused naming them) and what it rests on; an advance that does not
/// exist is refused.
#[test]
fn order15_art_8_the_end_monthly_command_takes_the_month_and_why() {
    let help = ok(gongshang(&["case", "advance", "end-monthly", "--help"]));
    assert!(
        help.contains("--last-month")
            && help.contains("unit_resumed")
            && help.contains("back_payment"),
        "{help}"
    );
    let dir = TempDir::new("order15-8");
    let db = dir.path("g.db");
    let db = s(&db);
    let end = |reason: &str| {
        gongshang(&[
            "case",
            "advance",
            "end-monthly",
            "GS-NONE",
            "1",
            "--last-month",
            "2026-08",
            "--reason",
            reason,
            "--note",
            "单位恢复支付",
            "--db",
            db,
            "--actor",
            "tester",
        ])
    };
    let bad = end("sometime");
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("unit_resumed"), "{}", stderr(&bad));
    let none = end("unit_resumed");
    assert!(!none.status.success());
    assert!(stderr(&none).contains("GS-NONE"), "{}", stderr(&none));
}

/// 人社厅发〔2022〕16号, 人社部发〔2022〕31号: `unit defer` records an approved
/// deferral of a unit's premiums (2022-04 to 2023-03, repaid by
/// 2023-12-31) with who recorded it; a repayment day inside the deferred
/// months is refused naming the field; `unit deferrals` lists it and
/// `unit revoke-deferral` revokes it once.
#[test]
fn mohrss_2022_16_a_deferral_recorded_on_the_command_line_is_listed_and_revoked_once() {
    let dir = TempDir::new("deferral");
    let db = dir.path("g.db");
    let db = s(&db);
    ok(gongshang(&[
        "synth",
        "registry",
        "--units",
        "3",
        "--people",
        "5",
        "--seed",
        "7",
        "--out",
        s(&dir.0),
    ]));
    ok(gongshang(&["db", "init", "--db", db]));
    for kind in ["units", "people", "enrollments"] {
        ok(gongshang(&[
            "import",
            kind,
            s(&dir.path(&format!("{kind}.csv"))),
            "--db",
            db,
            "--actor",
            "tester",
        ]));
    }
    let enrollments = std::fs::read_to_string(dir.path("enrollments.csv")).unwrap();
    let line = enrollments
        .lines()
        .skip(1)
        .find(|l| l.contains(",employee,"))
        .unwrap();
    let fields: Vec<&str> = line.split(',').collect();
    let (unit, scheme) = (fields[1], fields[2]);
    let defer = |repay_by: &str| {
        gongshang(&[
            "unit",
            "defer",
            "--unit",
            unit,
            "--scheme",
            scheme,
            "--from",
            "2022-04",
            "--to",
            "2023-03",
            "--repay-by",
            repay_by,
            "--instrument",
            "人社厅发〔2022〕16号",
            "--approved-on",
            "2022-05-10",
            "--db",
            db,
            "--actor",
            "tester",
            "--lang",
            "en",
        ])
    };
    let early = defer("2023-03-15");
    assert!(!early.status.success());
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("repay_by"),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    let out = ok(defer("2023-12-31"));
    assert!(
        out.contains("2022-04..2023-03 repay by 2023-12-31"),
        "{out}"
    );
    let id = out.split_whitespace().next().unwrap().to_owned();
    assert!(
        !defer("2023-12-31").status.success(),
        "months in force twice"
    );
    let list = |lang: &str| {
        ok(gongshang(&[
            "unit",
            "deferrals",
            unit,
            "--db",
            db,
            "--lang",
            lang,
        ]))
    };
    let listed = list("en");
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains("tester"), "{listed}");
    let revoke = || {
        gongshang(&[
            "unit",
            "revoke-deferral",
            &id,
            "--on",
            "2022-06-01",
            "--reason",
            "recorded for the wrong unit",
            "--db",
            db,
            "--actor",
            "tester",
            "--lang",
            "en",
        ])
    };
    let out = ok(revoke());
    assert!(out.contains("revoked on 2022-06-01"), "{out}");
    assert!(!revoke().status.success(), "once");
    assert!(list("zh").contains("已撤销"));
}
