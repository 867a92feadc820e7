//! Measures the store's targets (prints figures; asserts nothing).
//!
//! ```text
//! cargo run --release -p gongshang-store --example store_bench -- import sqlite:/tmp/orders.db 10000000
//! cargo run --release -p gongshang-store --example store_bench -- import postgres://postgres@127.0.0.1:5432/test 2000000
//! cargo run --release -p gongshang-store --example store_bench -- coverage /tmp/cover.db 1000000
//! ```
//!
//! `import URL ROWS [WORKERS [STREAMS]]` makes the batches on one thread
//! and imports them on `STREAMS` threads (1 by default), as an importer
//! reading a file would. `import` writes into a fresh SQLite file (removed first) or a fresh
//! PostgreSQL schema `gongshang_bench` (dropped after). `coverage` fills a
//! SQLite file with `PEOPLE` people, each enrolled and covered for a month,
//! in bulk (raw SQL: the figure of interest is the lookup), then times
//! `coverage_at` on random people.

// Floating point only to print rates and durations; no money is computed here.
#![allow(clippy::float_arithmetic)]

use std::time::Instant;

use gongshang_domain::ids::{
    CreditCode, OrderId, PlatformId, ResidentId, credit_check_character,
    organisation_check_character, resident_check_character,
};
use gongshang_rules::Money;
use gongshang_rules::scheme::OrderIndustry;
use gongshang_store::{CoverageStore, OrderRecord, PostgresStore, SqliteStore, Store};
use jiff::civil::{Date, date};
use jiff::{Span, Timestamp};

const BATCH: usize = 100_000;

fn resident(n: u32) -> ResidentId {
    let birth = date(1960, 1, 1)
        .checked_add(Span::new().days(i64::from(n / 1000)))
        .unwrap();
    let first17 = format!("440106{}{:03}", birth.strftime("%Y%m%d"), n % 1000);
    let check = resident_check_character(first17.as_bytes().try_into().unwrap());
    ResidentId::parse(&format!("{first17}{check}")).unwrap()
}

fn credit(n: u32) -> CreditCode {
    let body = format!("{n:08}");
    let org = organisation_check_character(body.as_bytes().try_into().unwrap()).unwrap();
    let first17 = format!("91440106{body}{org}");
    let check = credit_check_character(first17.as_bytes().try_into().unwrap()).unwrap();
    CreditCode::parse(&format!("{first17}{check}")).unwrap()
}

/// Orders sorted by time over March 2025, spread over `workers` workers
/// (20,000 workers and 10 million orders is about 16 orders a worker a day).
fn order(
    i: u64,
    rows: u64,
    workers: &[ResidentId],
    platforms: &[PlatformId; 2],
    days: &[(Date, Timestamp)],
) -> OrderRecord {
    let (day, midnight) = days[(i * 31 / rows.max(1)) as usize];
    OrderRecord {
        platform: platforms[(i % 2) as usize].clone(),
        order_id: OrderId::parse(&format!("o{i:012}")).unwrap(),
        resident_id: workers[(i.wrapping_mul(2_654_435_761) % workers.len() as u64) as usize],
        ordered_at: midnight
            .checked_add(jiff::SignedDuration::from_secs((i % 86_400) as i64))
            .unwrap(),
        day,
        industry: OrderIndustry::InstantDelivery,
        province: "44".into(),
        premium: Money::from_fen(3),
    }
}

fn import(url: &str, rows: u64, worker_count: u32, streams: usize) {
    let at: Timestamp = "2025-04-01T00:00:00Z".parse().unwrap();
    let schema = "gongshang_bench";
    let store_box: Box<dyn Store> = if url.starts_with("postgres") {
        PostgresStore::drop_schema(url, schema).unwrap();
        Box::new(PostgresStore::open_in_schema(url, schema).unwrap())
    } else {
        let path = url.strip_prefix("sqlite:").unwrap_or(url);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        Box::new(SqliteStore::open(url).unwrap())
    };
    let workers: Vec<ResidentId> = (0..worker_count).map(resident).collect();
    let platforms = [
        PlatformId::parse("meituan").unwrap(),
        PlatformId::parse("didi").unwrap(),
    ];
    let first_day = date(2025, 3, 1);
    let days: Vec<(Date, Timestamp)> = (0..31)
        .map(|d| {
            let day = first_day.checked_add(Span::new().days(d)).unwrap();
            let midnight = day
                .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .unwrap()
                .timestamp();
            (day, midnight)
        })
        .collect();
    let store = &*store_box;
    let import = store.begin_import("orders", "bench", "bench", at).unwrap();
    let started = Instant::now();
    // One thread makes the batches (as a reader of a CSV file would), and
    // `streams` threads import them, each batch in its own transaction.
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<OrderRecord>>(streams);
    let receive = std::sync::Mutex::new(receive);
    let (generating, added) = std::thread::scope(|scope| {
        let importers: Vec<_> = (0..streams)
            .map(|_| {
                scope.spawn(|| {
                    let mut added = 0;
                    loop {
                        let next = receive.lock().unwrap().recv();
                        let Ok(batch) = next else { return added };
                        added += store
                            .import_orders(&batch, import, "bench", at)
                            .unwrap()
                            .added;
                    }
                })
            })
            .collect();
        let mut generating = std::time::Duration::ZERO;
        let mut n = 0u64;
        while n < rows {
            let g = Instant::now();
            let count = (rows - n).min(BATCH as u64);
            let batch: Vec<OrderRecord> = (n..n + count)
                .map(|i| order(i, rows, &workers, &platforms, &days))
                .collect();
            generating += g.elapsed();
            send.send(batch).unwrap();
            n += count;
        }
        drop(send);
        let added: u64 = importers.into_iter().map(|h| h.join().unwrap()).sum();
        (generating, added)
    });
    let total = started.elapsed();
    println!(
        "{}: {added} orders added in {:.1} s: {:.0} rows/s (batches of {BATCH}, {streams} importing thread(s); \
         making the batches, on another thread, took {:.1} s)",
        store.backend_name(),
        total.as_secs_f64(),
        added as f64 / total.as_secs_f64(),
        generating.as_secs_f64(),
    );
    let again = Instant::now();
    let head: Vec<OrderRecord> = (0..(BATCH as u64).min(rows))
        .map(|i| order(i, rows, &workers, &platforms, &days))
        .collect();
    let c = store.import_orders(&head, import, "bench", at).unwrap();
    println!(
        "re-import of the first batch: {} added, {} duplicate in {:.2} s",
        c.added,
        c.duplicate,
        again.elapsed().as_secs_f64()
    );
    drop(store_box);
    if url.starts_with("postgres") {
        PostgresStore::drop_schema(url, schema).unwrap();
    }
}

fn coverage(path: &str, people: u32) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    drop(SqliteStore::open(path).unwrap());
    let fill = Instant::now();
    {
        let mut conn = rusqlite::Connection::open(path).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute(
            "INSERT INTO units (credit_code, name, kind, region, industry_class, floating_tier, created_at) \
             VALUES (?1, 'bench', 'enterprise', '440106', 1, '1', '2025-01-01T00:00:00Z')",
            [credit(1).as_str()],
        )
        .unwrap();
        {
            let mut person = tx
                .prepare(
                    "INSERT INTO people (id, resident_id, name, sex, birth_date, created_at) \
                     VALUES (?1, ?2, 'x', 'male', '1960-01-01', '2025-01-01T00:00:00Z')",
                )
                .unwrap();
            let mut enrollment = tx
                .prepare(
                    "INSERT INTO enrollments (id, person_id, unit_id, scheme_id, category, start_date, created_at) \
                     VALUES (?1, ?1, 1, 'guangdong.specific_persons', 'employee', '2025-01-01', '2025-01-01T00:00:00Z')",
                )
                .unwrap();
            let mut cover = tx
                .prepare(
                    "INSERT INTO coverage (person_id, unit_id, scheme_id, enrollment_id, basis, start_date, end_date) \
                     VALUES (?1, 1, 'guangdong.specific_persons', ?1, 'month_paid', ?2, ?3)",
                )
                .unwrap();
            for n in 0..people {
                let id = i64::from(n) + 1;
                person
                    .execute(rusqlite::params![id, resident(n).as_str()])
                    .unwrap();
                enrollment.execute([id]).unwrap();
                for (s, e) in [
                    ("2025-01-02", "2025-01-31"),
                    ("2025-02-01", "2025-02-28"),
                    ("2025-03-01", "2025-03-31"),
                ] {
                    cover.execute(rusqlite::params![id, s, e]).unwrap();
                }
            }
        }
        tx.commit().unwrap();
    }
    println!(
        "filled {people} people, enrollments and {} cover rows in {:.1} s",
        u64::from(people) * 3,
        fill.elapsed().as_secs_f64()
    );
    let store = SqliteStore::open(path).unwrap();
    let lookups = 200_000u32;
    let ids: Vec<ResidentId> = (0..lookups)
        .map(|i| resident(i.wrapping_mul(2_654_435_761) % people))
        .collect();
    let day = date(2025, 2, 14);
    let unit = credit(1);
    let started = Instant::now();
    let mut found = 0;
    for (i, id) in ids.iter().enumerate() {
        let u = if i % 2 == 0 { None } else { Some(&unit) };
        found += store.coverage_at(id, day, u).unwrap().len();
    }
    let elapsed = started.elapsed();
    println!(
        "coverage_at: {lookups} lookups among {people} people in {:.2} s: {:.1} µs per answer ({found} covers found)",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / f64::from(lookups)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("import") => import(
            &args[2],
            args[3].parse().unwrap(),
            args.get(4).map_or(20_000, |w| w.parse().unwrap()),
            args.get(5).map_or(1, |s| s.parse().unwrap()),
        ),
        Some("coverage") => coverage(&args[2], args[3].parse().unwrap()),
        _ => eprintln!(
            "usage: store_bench import URL ROWS [WORKERS [STREAMS]] | coverage PATH PEOPLE"
        ),
    }
}
