//! Migrations on a live database: opening again applies nothing, and on
//! PostgreSQL a migration that cannot take its locks gives up after the
//! `lock_timeout` instead of queueing every request behind it.

use gongshang_store::PostgresStore;
use gongshang_store::migrations::{MIGRATIONS, latest_version};

use crate::common::{Location, each_backend, postgres_location};

#[test]
fn migrating_again_applies_nothing() {
    each_backend(|db| {
        let again = db.reopen();
        assert_eq!(again.migrate().unwrap(), Vec::<i64>::new(), "{}", db.name);
        assert_eq!(again.schema_version().unwrap(), latest_version());
    });
}

#[test]
fn a_migration_that_cannot_lock_gives_up_and_can_run_again() {
    let Some(Location::Postgres { url, schema }) = postgres_location() else {
        return;
    };
    let store = PostgresStore::open_in_schema(&url, &schema).unwrap();
    // Another session holds schema_migrations, as a long transaction
    // holding a hot table would.
    let mut other = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut tx = other.transaction().unwrap();
    tx.batch_execute(&format!(
        "LOCK TABLE {schema}.schema_migrations IN ACCESS EXCLUSIVE MODE"
    ))
    .unwrap();
    let impatient = format!("{url}?lock_timeout=200");
    let waiting = std::thread::spawn({
        let schema = schema.clone();
        move || PostgresStore::open_in_schema(&impatient, &schema).map(|_| ())
    });
    let refused = waiting.join().unwrap().unwrap_err().to_string();
    assert!(refused.contains("lock"), "{refused}");
    tx.rollback().unwrap();
    // Once the lock is gone, the same migration runs and finds nothing to do.
    assert_eq!(
        gongshang_store::Store::migrate(&store).unwrap(),
        Vec::<i64>::new()
    );
    drop(store);
    PostgresStore::drop_schema(&url, &schema).unwrap();
}

#[test]
fn each_postgres_migration_says_how_it_behaves_on_a_large_table() {
    for m in MIGRATIONS {
        let head: String = m.postgres.lines().take(12).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains("Large tables:"),
            "migration {} ({}) starts with a `-- Large tables:` comment saying what it locks \
             and rewrites on a live database",
            m.version,
            m.name
        );
    }
}

/// Every table is named in the distribution catalogue (migration 140), as
/// distributed by pooling region or as a reference table, so that a table
/// added later without a place in a sharded deployment fails here.
#[test]
fn every_table_has_a_place_in_the_distribution_catalogue() {
    each_backend(|db| {
        let missing: Vec<String> = match &db.location {
            Location::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                let mut stmt = conn
                    .prepare(
                        "SELECT name FROM sqlite_master WHERE type = 'table' \
                         AND name NOT LIKE 'sqlite_%' \
                         AND name NOT IN (SELECT table_name FROM schema_distribution) \
                         ORDER BY name",
                    )
                    .unwrap();
                stmt.query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
            Location::Postgres { url, schema } => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
                client
                    .batch_execute(&format!("SET search_path TO {schema}"))
                    .unwrap();
                client
                    .query(
                        "SELECT c.relname::text FROM pg_class c \
                         JOIN pg_namespace n ON n.oid = c.relnamespace \
                         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') \
                         AND NOT c.relispartition \
                         AND c.relname NOT IN (SELECT table_name FROM schema_distribution) \
                         ORDER BY 1",
                        &[schema],
                    )
                    .map(|rows| rows.iter().map(|r| r.get(0)).collect())
                    .unwrap()
            }
        };
        assert_eq!(missing, Vec::<String>::new(), "{}", db.name);
    });
}

/// On the partitioned schema the tables that grow with orders and the
/// payroll are partitioned, and an order goes to its province's partition.
#[test]
fn the_partitioned_schema_partitions_orders_by_province() {
    if !crate::common::partitioned() {
        return;
    }
    each_backend(|db| {
        let Location::Postgres { url, schema } = &db.location else {
            return;
        };
        let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
        let rows = client
            .query(
                "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = $1 AND c.relkind = 'p' ORDER BY 1",
                &[schema],
            )
            .unwrap();
        let partitioned: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        assert_eq!(partitioned, ["order_days", "orders", "payroll_lines"]);
        client
            .batch_execute(&format!(
                "SET search_path TO {schema}; \
                 INSERT INTO orders VALUES ('p', 'o1', 'r', 't', '2025-03-01', 'i', '44', 1, 1)"
            ))
            .unwrap();
        let where_: String = client
            .query_one("SELECT tableoid::regclass::text FROM orders", &[])
            .unwrap()
            .get(0);
        assert!(where_.ends_with("orders_p44"), "{where_}");
    });
}

/// Migration 0320 (劳社部令第18号 Art 4(2), 4(4)): life events of the kinds
/// employment, enlistment and adoption are stored next to the old ones; on
/// SQLite the three tables are rebuilt by the 12-step ALTER with foreign keys
/// off: run again over stored events, every row and id is kept, no
/// reference is broken, and the rebuilt tables still refuse UPDATE; a kind
/// outside the list is still refused by the CHECK.
#[test]
fn order18_art4_2_art4_4_migration_0320_widens_the_events_and_keeps_the_rows() {
    use gongshang_domain::life_events::LifeEventKind;
    use gongshang_store::cases::NewLifeEvent;
    use jiff::civil::date;
    each_backend(|db| {
        let s = &*db.store;
        let events: Vec<NewLifeEvent> = [
            LifeEventKind::Marriage,
            LifeEventKind::Employment,
            LifeEventKind::Enlistment,
            LifeEventKind::Adoption,
        ]
        .into_iter()
        .enumerate()
        .map(|(i, kind)| NewLifeEvent {
            resident_id: crate::common::resident(i as u32 + 1),
            kind,
            on: date(2026, 1, 10),
            source: "civil affairs".into(),
            pension_monthly: None,
        })
        .collect();
        assert_eq!(
            s.add_life_events(&events, crate::common::ACTOR, crate::common::now())
                .unwrap(),
            (4, 0)
        );
        let before = s.life_events_between(0, i64::MAX).unwrap();
        assert_eq!(before.len(), 4);
        if let Location::Sqlite(path) = &db.location {
            db.raw_execute("DELETE FROM schema_migrations WHERE version = 320")
                .unwrap();
            let again = db.reopen();
            assert_eq!(again.life_events_between(0, i64::MAX).unwrap(), before);
            let conn = rusqlite::Connection::open(path).unwrap();
            let broken: i64 = conn
                .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(broken, 0);
            let triggers: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN \
                     ('life_events', 'match_hits', 'stop_benefit_reports')",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(triggers, 6, "the append-only triggers are there again");
        }
        assert!(
            db.raw_execute("UPDATE life_events SET source = 'x'")
                .is_err()
        );
        assert!(
            db.raw_execute(
                "INSERT INTO life_events (resident_id, kind, event_date, source, imported_at, imported_by) \
                 VALUES ('110101195001010011', 'job', '2026-01-10', 'x', 'now', 'me')"
            )
            .is_err()
        );
    });
}
