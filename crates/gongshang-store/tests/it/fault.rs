//! kill -9 in the middle of an import: what was committed stays, and running
//! the import again duplicates nothing. The test binary re-runs itself as the
//! importer (`child_importer`, which does nothing unless told by the
//! environment), and kills it with SIGKILL once it has reported commits.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use gongshang_domain::month::Month;

use crate::common::*;

const CHILD_ENV: &str = "GONGSHANG_STORE_FAULT_CHILD";
const BATCHES: u32 = 40;
const BATCH: u32 = 2_000;

fn location_text(location: &Location) -> String {
    match location {
        Location::Sqlite(path) => format!("sqlite\t{}", path.display()),
        Location::Postgres { url, schema } => format!("postgres\t{url}\t{schema}"),
    }
}

fn parse_location(text: &str) -> Location {
    let parts: Vec<&str> = text.split('\t').collect();
    match parts[0] {
        "sqlite" => Location::Sqlite(parts[1].into()),
        _ => Location::Postgres {
            url: parts[1].into(),
            schema: parts[2].into(),
        },
    }
}

/// The importer, when run as the child of the fault test.
#[test]
fn child_importer() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (import, location) = spec.split_once('\n').unwrap();
    let import: i64 = import.parse().unwrap();
    let store = open_location(&parse_location(location));
    let mut out = std::io::stdout();
    for b in 0..BATCHES {
        let batch = orders("meituan", b * BATCH, BATCH, 997);
        store.import_orders(&batch, import, ACTOR, now()).unwrap();
        writeln!(out, "committed {}", b + 1).unwrap();
        out.flush().unwrap();
    }
    // Wait to be killed (the parent always kills).
    std::thread::sleep(std::time::Duration::from_secs(60));
}

#[test]
fn kill_9_during_an_import_loses_nothing_committed_and_reimport_duplicates_nothing() {
    each_backend(|db| {
        let import = db
            .store
            .begin_import("orders", "fault.csv", ACTOR, now())
            .unwrap();
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "fault::child_importer",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(
                CHILD_ENV,
                format!("{import}\n{}", location_text(&db.location)),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut reported = 0u32;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("committed ") {
                reported = n.trim().parse().unwrap();
                if reported >= 3 {
                    break;
                }
            }
        }
        assert!(
            reported >= 3,
            "{}: the importer reported {reported} commits",
            db.name
        );
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();

        let store = db.reopen();
        let march = Month::parse("2025-03").unwrap();
        let survived = store
            .reconcile_orders(&platform("meituan"), march)
            .unwrap()
            .orders;
        assert!(
            survived >= u64::from(reported * BATCH),
            "{}: {survived} orders after the crash, {reported} batches of {BATCH} were reported committed",
            db.name
        );
        assert_eq!(
            survived % u64::from(BATCH),
            0,
            "{}: whole batches only",
            db.name
        );
        let summary = store.import_summary(import).unwrap();
        assert_eq!(
            summary.rows_added, survived,
            "{}: counts committed with their batches",
            db.name
        );

        // Run the whole import again.
        let again = store
            .begin_import("orders", "fault.csv", ACTOR, now())
            .unwrap();
        let mut added = 0;
        let mut duplicate = 0;
        for b in 0..BATCHES {
            let c = store
                .import_orders(
                    &orders("meituan", b * BATCH, BATCH, 997),
                    again,
                    ACTOR,
                    now(),
                )
                .unwrap();
            added += c.added;
            duplicate += c.duplicate;
        }
        assert_eq!(duplicate, survived, "{}", db.name);
        assert_eq!(added + survived, u64::from(BATCHES * BATCH), "{}", db.name);
        let total = store.reconcile_orders(&platform("meituan"), march).unwrap();
        assert_eq!(total.orders, u64::from(BATCHES * BATCH), "{}", db.name);
        assert_eq!(total.workers, 997, "{}", db.name);
        drop(store);
    });
}
