use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use gongshang_domain::ids::{
    CreditCode, IdempotencyKey, OrderId, PlatformId, ReferenceId, RegionCode, ResidentId,
    credit_check_character, organisation_check_character, resident_check_character,
};
use gongshang_domain::ledger::{self, Transaction};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::contribution::IndustryClass;
use gongshang_rules::rate::Rate;
use gongshang_rules::scheme::{Category, OrderIndustry, PremiumPayer};
use gongshang_store::{
    BillKind, NewBill, NewDeclaration, NewEnrollment, NewPerson, NewUnit, OrderRecord,
    PostgresStore, SqliteStore, Store, UnitKind,
};
use jiff::Timestamp;
use jiff::civil::{Date, date};

pub const ACTOR: &str = "clerk-1";
pub const PG_ENV: &str = "GONGSHANG_TEST_POSTGRES_URL";
/// Set to 1: the PostgreSQL runs use the partitioned schema (issue 18), and
/// SQLite, which has no partitions, is left to the run without it.
pub const PG_PARTITIONED_ENV: &str = "GONGSHANG_TEST_POSTGRES_PARTITIONED";

/// Whether this run tests the partitioned PostgreSQL schema.
pub fn partitioned() -> bool {
    std::env::var(PG_PARTITIONED_ENV).is_ok_and(|v| v == "1")
}

/// The URL a store opens: the driver's URL with `partitioned=1` when the
/// run tests the partitioned schema (the driver itself refuses the key, so
/// `Location` keeps the plain URL for raw connections).
pub fn store_url(url: &str) -> String {
    if partitioned() {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}partitioned=1")
    } else {
        url.to_owned()
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Where a test database lives, so that it can be reopened (after a crash)
/// and reached with raw SQL (to check that triggers refuse what the store
/// never does).
#[derive(Clone, Debug)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres { url: String, schema: String },
}

pub struct TestDb {
    pub name: &'static str,
    pub location: Location,
    pub store: Box<dyn Store>,
}

impl TestDb {
    fn new(location: Location) -> TestDb {
        let store = open_location(&location);
        let name = match location {
            Location::Sqlite(_) => "sqlite",
            Location::Postgres { .. } if partitioned() => "postgres (partitioned)",
            Location::Postgres { .. } => "postgres",
        };
        TestDb {
            name,
            location,
            store,
        }
    }

    pub fn reopen(&self) -> Box<dyn Store> {
        open_location(&self.location)
    }

    /// Runs one statement on a separate connection.
    pub fn raw_execute(&self, sql: &str) -> Result<u64, String> {
        match &self.location {
            Location::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
                conn.execute(sql, [])
                    .map(|n| n as u64)
                    .map_err(|e| e.to_string())
            }
            Location::Postgres { url, schema } => {
                let mut client =
                    postgres::Client::connect(url, postgres::NoTls).map_err(|e| e.to_string())?;
                client
                    .batch_execute(&format!("SET search_path TO {schema}"))
                    .map_err(|e| e.to_string())?;
                client.execute(sql, &[]).map_err(|e| {
                    e.as_db_error()
                        .map(|d| d.message().to_owned())
                        .unwrap_or_else(|| e.to_string())
                })
            }
        }
    }
}

pub fn open_location(location: &Location) -> Box<dyn Store> {
    match location {
        Location::Sqlite(path) => Box::new(SqliteStore::open(path.to_str().unwrap()).unwrap()),
        Location::Postgres { url, schema } => {
            Box::new(PostgresStore::open_in_schema(&store_url(url), schema).unwrap())
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.location {
            Location::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Location::Postgres { url, schema } => {
                let _ = PostgresStore::drop_schema(url, schema);
            }
        }
    }
}

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

pub fn sqlite_location() -> Location {
    Location::Sqlite(std::env::temp_dir().join(format!("gongshang_store_{}.db", unique_name())))
}

pub fn postgres_location() -> Option<Location> {
    let url = std::env::var(PG_ENV).ok().filter(|u| !u.is_empty())?;
    Some(Location::Postgres {
        url,
        schema: format!("gs_test_{}", unique_name()),
    })
}

/// Runs `test` on a fresh database of every backend; a failure names the
/// backend.
pub fn each_backend(test: impl Fn(&TestDb)) {
    let mut locations = Vec::new();
    if !partitioned() {
        locations.push(sqlite_location());
    }
    locations.extend(postgres_location());
    for location in locations {
        let db = TestDb::new(location);
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| test(&db))) {
            eprintln!("test failed on the {} backend", db.name);
            resume_unwind(panic);
        }
    }
}

/// Checks that the ledger balances (every test that posts ends with it).
pub fn assert_balanced(db: &TestDb) {
    assert_eq!(
        db.store.trial_balance().unwrap(),
        0,
        "{}: trial balance",
        db.name
    );
}

// ---- fixtures ---------------------------------------------------------------

pub fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

pub fn now() -> Timestamp {
    at("2025-03-01T08:00:00Z")
}

pub fn credit(n: u32) -> CreditCode {
    let body = format!("{n:08}");
    let org = organisation_check_character(body.as_bytes().try_into().unwrap()).unwrap();
    let first17 = format!("91440106{body}{org}");
    let check = credit_check_character(first17.as_bytes().try_into().unwrap()).unwrap();
    CreditCode::parse(&format!("{first17}{check}")).unwrap()
}

/// A valid identity number per `n` (birth date and sequence vary).
pub fn resident(n: u32) -> ResidentId {
    let birth = date(1960, 1, 1)
        .checked_add(jiff::Span::new().days(i64::from(n / 1000)))
        .unwrap();
    let first17 = format!("440106{}{:03}", birth.strftime("%Y%m%d"), n % 1000);
    let check = resident_check_character(first17.as_bytes().try_into().unwrap());
    ResidentId::parse(&format!("{first17}{check}")).unwrap()
}

pub fn key(text: &str) -> IdempotencyKey {
    IdempotencyKey::parse(text).unwrap()
}

pub fn reference(text: &str) -> ReferenceId {
    ReferenceId::parse(text).unwrap()
}

pub fn yuan(text: &str) -> Money {
    Money::parse_yuan(text).unwrap()
}

pub fn new_unit(n: u32) -> NewUnit {
    NewUnit {
        credit_code: credit(n),
        name: format!("单位{n}"),
        kind: UnitKind::Enterprise,
        region: RegionCode::parse("440106").unwrap(),
        industry_class: IndustryClass::new(2).unwrap(),
        floating_tier: Rate::parse("1.2").unwrap(),
    }
}

pub fn new_person(n: u32) -> NewPerson {
    NewPerson {
        resident_id: resident(n),
        name: format!("工人{n}"),
    }
}

/// A unit with one person enrolled from 2025-01-01; returns the enrollment id.
pub fn enrolled(store: &dyn Store, unit: u32, person: u32, scheme: &str) -> i64 {
    if store.unit_by_code(&credit(unit)).unwrap().is_none() {
        store.create_unit(&new_unit(unit), ACTOR, now()).unwrap();
    }
    if store
        .person_by_resident_id(&resident(person))
        .unwrap()
        .is_none()
    {
        store
            .create_person(&new_person(person), ACTOR, now())
            .unwrap();
    }
    store
        .create_enrollment(
            &NewEnrollment {
                person: resident(person),
                unit: Some(credit(unit)),
                scheme_id: scheme.parse().unwrap(),
                category: Category::Employee,
                start: date(2025, 1, 1),
                commitment: None,
            },
            ACTOR,
            now(),
        )
        .unwrap()
}

pub fn bill_ledger(reference_text: &str, amount: Money) -> Transaction {
    ledger::bill_issued(
        key(&format!("bill:{reference_text}")),
        reference(reference_text),
        &[(PremiumPayer::Unit, amount)],
    )
    .unwrap()
}

/// A monthly bill of `unit` for one declaration of `premium`.
pub fn monthly_bill(
    reference_text: &str,
    unit: u32,
    enrollment_id: i64,
    month: &str,
    premium: Money,
) -> NewBill {
    NewBill {
        reference: reference_text.into(),
        unit: Some(credit(unit)),
        person: None,
        scheme_id: "guangdong.employees".parse().unwrap(),
        kind: BillKind::Monthly,
        period: month.into(),
        amount: premium,
        fiscal_share: Money::ZERO,
        due_date: date(2025, 4, 15),
        due_provisional: false,
        declarations: vec![NewDeclaration {
            enrollment_id,
            month: Month::parse(month).unwrap(),
            declared_wage: yuan("8000"),
            base: yuan("8000"),
            rate: Rate::parse("0.012").unwrap(),
            premium,
        }],
        ledger: bill_ledger(reference_text, premium),
    }
}

pub fn payment_ledger(payment_key: &str, bill_ref: &str, amount: Money) -> Transaction {
    ledger::payment_received(
        key(&format!("pay:{payment_key}")),
        reference(payment_key),
        reference(bill_ref),
        PremiumPayer::Unit,
        amount,
    )
    .unwrap()
}

pub fn platform(text: &str) -> PlatformId {
    PlatformId::parse(text).unwrap()
}

/// `count` orders of `platform` by `workers` workers over March 2025, with
/// order ids `prefix-N`.
pub fn orders(platform_text: &str, first: u32, count: u32, workers: u32) -> Vec<OrderRecord> {
    (first..first + count)
        .map(|n| {
            let day = date(2025, 3, 1)
                .checked_add(jiff::Span::new().days(i64::from(n % 31)))
                .unwrap();
            OrderRecord {
                platform: platform(platform_text),
                order_id: OrderId::parse(&format!("o-{n}")).unwrap(),
                resident_id: resident(n % workers),
                ordered_at: day
                    .at(10, 0, 0, 0)
                    .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                    .unwrap()
                    .timestamp(),
                day,
                industry: OrderIndustry::InstantDelivery,
                province: "44".into(),
                premium: Money::from_fen(3),
            }
        })
        .collect()
}

pub fn d(y: i16, m: i8, day: i8) -> Date {
    date(y, m, day)
}

/// The rows of a statement whose one column is text, read past the store
/// (for the derived tables no use case reads row by row).
pub fn text_rows(db: &TestDb, sql: &str) -> Vec<String> {
    match &db.location {
        Location::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).unwrap();
            let mut stmt = conn.prepare(sql).unwrap();
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
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect()
        }
    }
}
