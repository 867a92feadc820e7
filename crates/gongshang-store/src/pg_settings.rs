//! How the PostgreSQL backend connects: the pool's size, the statement and
//! lock time limits, and the name it shows in `pg_stat_activity`.
//!
//! Each setting comes from the database URL's query (gongshang's own keys
//! are taken out before the URL reaches the driver, which refuses keys it
//! does not know), else from the environment, else a default:
//!
//! | URL key             | environment                        | default                         |
//! |---------------------|------------------------------------|---------------------------------|
//! | `pool_size`         | `GONGSHANG_PG_POOL_SIZE`           | 2 × cores + 4, at most 32       |
//! | `statement_timeout` | `GONGSHANG_PG_STATEMENT_TIMEOUT_MS`| none (the server's own)         |
//! | `lock_timeout`      | `GONGSHANG_PG_LOCK_TIMEOUT_MS`     | 10000 for migrations, else none |
//! | `partitioned`       | `GONGSHANG_PG_PARTITIONED`         | 0 (the plain schema)            |
//! | `async_connections` | `GONGSHANG_PG_ASYNC_CONNECTIONS`   | cores, 2 to 8 (`pg_async`)      |
//!
//! `partitioned=1` creates the partitioned schema (orders by province,
//! order days and payroll lines by year; `migrations::PARTITIONED_POSTGRES`)
//! when migration 140 runs; a database keeps the schema it was made with.
//! Times are in milliseconds. The driver's own keys (`connect_timeout`,
//! `application_name`, `options`, `keepalives`, ...) pass through; when
//! the URL names no `application_name`, `gongshang` is used.

use crate::error::StoreError;

/// The settings of one store's connections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgSettings {
    /// The URL handed to the driver: gongshang's keys taken out.
    pub driver_url: String,
    pub pool_size: usize,
    /// `SET statement_timeout` on every connection, when given.
    pub statement_timeout_ms: Option<u64>,
    /// `SET LOCAL lock_timeout` in each migration's transaction: a
    /// migration that cannot take its locks in time fails and can be run
    /// again, instead of queueing every request behind it.
    pub migration_lock_timeout_ms: u64,
    /// Migrations create the partitioned schema (issue 18).
    pub partitioned: bool,
    /// Keep the credentials epoch in memory, told of changes by `LISTEN`
    /// (`epoch_watch`; default on). Off (`watch_credentials=0`) behind a
    /// pooler that cannot hold a listening session (PgBouncer in
    /// transaction mode): each bearer request then reads the epoch.
    pub watch_credentials: bool,
    /// The asynchronous connections of the server's coverage lookups
    /// (`pg_async`), each pipelining the queries of many requests.
    pub async_connections: usize,
}

const KEYS: [&str; 6] = [
    "pool_size",
    "statement_timeout",
    "lock_timeout",
    "partitioned",
    "watch_credentials",
    "async_connections",
];
const ENV: [&str; 6] = [
    "GONGSHANG_PG_POOL_SIZE",
    "GONGSHANG_PG_STATEMENT_TIMEOUT_MS",
    "GONGSHANG_PG_LOCK_TIMEOUT_MS",
    "GONGSHANG_PG_PARTITIONED",
    "GONGSHANG_PG_WATCH_CREDENTIALS",
    "GONGSHANG_PG_ASYNC_CONNECTIONS",
];

/// The asynchronous connections of a store by default: one per core, at
/// least 2 and at most 8 (on 2 cores, 2 served 13,230-14,012 lookups/s,
/// 4 12,622-12,941/s and 8 11,106-11,284/s, interleaved: DESIGN.md).
fn default_async_connections() -> usize {
    std::thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(2, 8)
}

/// The default pool: enough for a server's concurrent calls and an
/// import's streams at once, far below PostgreSQL's default
/// `max_connections` (100). Connections open only when calls overlap.
fn default_pool_size() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    (cores * 2 + 4).min(32)
}

impl PgSettings {
    /// Reads the URL and the process environment.
    pub fn from_url(url: &str) -> Result<PgSettings, StoreError> {
        Self::parse(url, |k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// Reads the URL and an environment given as a function (for tests).
    pub fn parse(
        url: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<PgSettings, StoreError> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            // A key=value connection string: the driver's own, unchanged.
            return Ok(PgSettings {
                driver_url: url.to_owned(),
                pool_size: default_pool_size(),
                statement_timeout_ms: None,
                migration_lock_timeout_ms: 10_000,
                partitioned: env(ENV[3]).is_some_and(|v| v == "1"),
                watch_credentials: env(ENV[4]).is_none_or(|v| v != "0"),
                async_connections: env(ENV[5])
                    .and_then(|v| v.parse().ok())
                    .filter(|n: &usize| (1..=64).contains(n))
                    .unwrap_or_else(default_async_connections),
            });
        }
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, q),
            None => (url, ""),
        };
        let mut ours: [Option<String>; 6] = Default::default();
        let mut kept = Vec::new();
        let mut has_name = false;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match KEYS.iter().position(|key| *key == k) {
                Some(i) => ours[i] = Some(v.to_owned()),
                None => {
                    has_name |= k == "application_name";
                    kept.push(pair);
                }
            }
        }
        if !has_name {
            kept.push("application_name=gongshang");
        }
        let value = |i: usize| ours[i].clone().or_else(|| env(ENV[i]));
        let number = |i: usize| -> Result<Option<u64>, StoreError> {
            match value(i) {
                None => Ok(None),
                Some(v) => v.parse::<u64>().map(Some).map_err(|_| {
                    StoreError::invalid(
                        KEYS[i],
                        format!(
                            "{v:?} is not a whole number (the URL's {} or {})",
                            KEYS[i], ENV[i]
                        ),
                    )
                }),
            }
        };
        let pool_size = match number(0)? {
            None => default_pool_size(),
            Some(n @ 1..=1000) => n as usize,
            Some(n) => {
                return Err(StoreError::invalid(
                    "pool_size",
                    format!("{n} connections: give 1 to 1000"),
                ));
            }
        };
        Ok(PgSettings {
            driver_url: format!("{base}?{}", kept.join("&")),
            pool_size,
            statement_timeout_ms: number(1)?.filter(|ms| *ms > 0),
            migration_lock_timeout_ms: number(2)?.unwrap_or(10_000),
            partitioned: match number(3)? {
                None | Some(0) => false,
                Some(1) => true,
                Some(n) => {
                    return Err(StoreError::invalid(
                        "partitioned",
                        format!("{n}: give 0 (the plain schema) or 1 (partitioned)"),
                    ));
                }
            },
            watch_credentials: match number(4)? {
                None | Some(1) => true,
                Some(0) => false,
                Some(n) => {
                    return Err(StoreError::invalid(
                        "watch_credentials",
                        format!(
                            "{n}: give 1 (keep the epoch, told by LISTEN) or 0 (read it on each request)"
                        ),
                    ));
                }
            },
            async_connections: match number(5)? {
                None => default_async_connections(),
                Some(n @ 1..=64) => n as usize,
                Some(n) => {
                    return Err(StoreError::invalid(
                        "async_connections",
                        format!("{n} connections: give 1 to 64"),
                    ));
                }
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn our_keys_are_taken_out_and_the_driver_keeps_its_own() {
        let s = PgSettings::parse(
            "postgres://u@h/db?pool_size=8&connect_timeout=5&statement_timeout=30000",
            no_env,
        )
        .unwrap();
        assert_eq!(
            s.driver_url,
            "postgres://u@h/db?connect_timeout=5&application_name=gongshang"
        );
        assert_eq!(s.pool_size, 8);
        assert_eq!(s.statement_timeout_ms, Some(30_000));
        assert_eq!(s.migration_lock_timeout_ms, 10_000);
    }

    #[test]
    fn the_url_wins_over_the_environment() {
        let env = |k: &str| match k {
            "GONGSHANG_PG_POOL_SIZE" => Some("4".to_owned()),
            "GONGSHANG_PG_LOCK_TIMEOUT_MS" => Some("2000".to_owned()),
            _ => None,
        };
        let s = PgSettings::parse("postgres://h/db?pool_size=16&application_name=x", env).unwrap();
        assert_eq!(s.pool_size, 16);
        assert_eq!(s.migration_lock_timeout_ms, 2000);
        assert_eq!(s.driver_url, "postgres://h/db?application_name=x");
        assert_eq!(s.statement_timeout_ms, None);
        assert!(!s.partitioned);
        assert!(s.watch_credentials);
    }

    #[test]
    fn watching_the_credentials_epoch_can_be_turned_off() {
        let s = PgSettings::parse("postgres://h/db?watch_credentials=0", no_env).unwrap();
        assert!(!s.watch_credentials);
        assert_eq!(s.driver_url, "postgres://h/db?application_name=gongshang");
        let env = |k: &str| (k == "GONGSHANG_PG_WATCH_CREDENTIALS").then(|| "0".to_owned());
        assert!(
            !PgSettings::parse("postgres://h/db", env)
                .unwrap()
                .watch_credentials
        );
        let err = PgSettings::parse("postgres://h/db?watch_credentials=2", no_env).unwrap_err();
        assert!(matches!(
            err,
            StoreError::InvalidInput {
                field: "watch_credentials",
                ..
            }
        ));
    }

    #[test]
    fn the_async_connections_come_from_the_url_or_the_environment() {
        let s = PgSettings::parse("postgres://h/db", no_env).unwrap();
        assert_eq!(s.async_connections, default_async_connections());
        let s = PgSettings::parse("postgres://h/db?async_connections=2", no_env).unwrap();
        assert_eq!(s.async_connections, 2);
        assert_eq!(s.driver_url, "postgres://h/db?application_name=gongshang");
        let env = |k: &str| (k == "GONGSHANG_PG_ASYNC_CONNECTIONS").then(|| "8".to_owned());
        assert_eq!(
            PgSettings::parse("postgres://h/db", env)
                .unwrap()
                .async_connections,
            8
        );
        let err = PgSettings::parse("postgres://h/db?async_connections=0", no_env).unwrap_err();
        assert!(matches!(
            err,
            StoreError::InvalidInput {
                field: "async_connections",
                ..
            }
        ));
    }

    #[test]
    fn partitioned_comes_from_the_url_or_the_environment() {
        let s = PgSettings::parse("postgres://h/db?partitioned=1", no_env).unwrap();
        assert!(s.partitioned);
        assert_eq!(s.driver_url, "postgres://h/db?application_name=gongshang");
        let env = |k: &str| (k == "GONGSHANG_PG_PARTITIONED").then(|| "1".to_owned());
        assert!(
            PgSettings::parse("postgres://h/db", env)
                .unwrap()
                .partitioned
        );
        assert!(
            !PgSettings::parse("postgres://h/db?partitioned=0", env)
                .unwrap()
                .partitioned
        );
        let e = PgSettings::parse("postgres://h/db?partitioned=yes", no_env).unwrap_err();
        assert!(e.to_string().contains("partitioned"), "{e}");
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let e = PgSettings::parse("postgres://h/db?pool_size=many", no_env).unwrap_err();
        assert!(e.to_string().contains("pool_size"), "{e}");
        let e = PgSettings::parse("postgres://h/db?pool_size=0", no_env).unwrap_err();
        assert!(e.to_string().contains("1 to 1000"), "{e}");
    }
}
