//! Login throttling: failed sign-ins of one login name, and from one client
//! address, are slowed down and then refused for a while (429
//! `too_many_attempts` with `Retry-After`), so that passwords cannot be
//! guessed at the speed of the server.
//!
//! Kept in memory (DESIGN.md, FAQ "Login throttling"): a restart forgets
//! the counts, and several server processes count separately. Time is the
//! caller's `now` (the [`gongshang_app::App`]'s injected clock), so tests
//! move the clock instead of sleeping.
//!
//! Every attempt is counted as a failure *before* the password is checked
//! ([`LoginThrottle::begin`]) and forgiven when it succeeds
//! ([`LoginThrottle::succeeded`]): a burst of parallel guesses cannot all
//! pass the check before the first of them is counted.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// How a key (a login name or a client address) is slowed down.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Failures answered without delay.
    pub free: u32,
    /// From this many failures on, refused for [`Limits::lockout`] after
    /// the last failure; between `free` and this, the wait doubles from one
    /// second with each failure.
    pub lock_at: u32,
    pub lockout: SignedDuration,
    /// Failures are forgotten this long after the last one.
    pub forget: SignedDuration,
}

/// A login name: 3 free tries, then 1, 2, 4, ... 32 s between tries, then
/// 15 minutes from the 10th failure on (each further failure after a lockout
/// locks again).
pub const PER_LOGIN: Limits = Limits {
    free: 3,
    lock_at: 10,
    lockout: SignedDuration::from_mins(15),
    forget: SignedDuration::from_hours(1),
};

/// A client address: many people may sign in from behind one NAT, so the
/// address allows more failures than one login does; it stops one machine
/// from trying a few passwords on every login.
pub const PER_ADDRESS: Limits = Limits {
    free: 20,
    lock_at: 50,
    lockout: SignedDuration::from_mins(15),
    forget: SignedDuration::from_hours(1),
};

/// Entries kept before expired ones are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Copy, Clone, Debug)]
struct Failures {
    count: u32,
    last: Timestamp,
}

impl Limits {
    /// The wait after `count` failures.
    fn wait(&self, count: u32) -> SignedDuration {
        if count <= self.free {
            SignedDuration::ZERO
        } else if count >= self.lock_at {
            self.lockout
        } else {
            let doubling = (count - self.free - 1).min(30);
            SignedDuration::from_secs(1_i64 << doubling).min(self.lockout)
        }
    }

    /// When the next attempt is allowed.
    fn next_allowed(&self, f: &Failures) -> Timestamp {
        f.last
            .checked_add(self.wait(f.count))
            .unwrap_or(Timestamp::MAX)
    }

    fn forgotten(&self, f: &Failures, now: Timestamp) -> bool {
        f.last.checked_add(self.forget).is_ok_and(|t| t <= now) && self.next_allowed(f) <= now
    }
}

struct Table<K> {
    entries: HashMap<K, Failures>,
}

impl<K> Default for Table<K> {
    fn default() -> Self {
        Table {
            entries: HashMap::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> Table<K> {
    /// The seconds to wait (at least 1) if `key` may not try now.
    fn refused(&mut self, limits: &Limits, key: &K, now: Timestamp) -> Option<u64> {
        let f = self.entries.get(key)?;
        if limits.forgotten(f, now) {
            self.entries.remove(key);
            return None;
        }
        let wait = limits.next_allowed(f).duration_since(now);
        (wait > SignedDuration::ZERO).then(|| {
            let secs = wait.as_secs() + i64::from(wait.subsec_nanos() > 0);
            u64::try_from(secs).unwrap_or(u64::MAX).max(1)
        })
    }

    fn fail(&mut self, limits: &Limits, key: K, now: Timestamp) {
        if self.entries.len() >= SWEEP_AT {
            self.entries.retain(|_, f| !limits.forgotten(f, now));
        }
        let f = self.entries.entry(key).or_insert(Failures {
            count: 0,
            last: now,
        });
        f.count = f.count.saturating_add(1);
        f.last = now;
    }

    /// Takes back one counted failure (the attempt succeeded).
    fn forgive_one(&mut self, key: &K) {
        if let Some(f) = self.entries.get_mut(key) {
            f.count = f.count.saturating_sub(1);
            if f.count == 0 {
                self.entries.remove(key);
            }
        }
    }
}

#[derive(Default)]
struct Tables {
    logins: Table<String>,
    addresses: Table<IpAddr>,
}

/// The failed sign-ins of this server process, by login name and by client
/// address.
pub struct LoginThrottle {
    per_login: Limits,
    per_address: Limits,
    tables: Mutex<Tables>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(PER_LOGIN, PER_ADDRESS)
    }
}

/// The key of a login name: as the store looks it up (trimmed), and
/// case-folded so that `Admin` and `admin` share their count.
fn login_key(login: &str) -> String {
    login.trim().to_lowercase()
}

impl LoginThrottle {
    pub fn new(per_login: Limits, per_address: Limits) -> LoginThrottle {
        LoginThrottle {
            per_login,
            per_address,
            tables: Mutex::default(),
        }
    }

    /// Before checking a password: `Err(seconds)` to wait when the login
    /// or the address must not try now (nothing is counted then); otherwise
    /// the attempt is counted as a failure until [`LoginThrottle::succeeded`]
    /// forgives it.
    pub fn begin(&self, login: &str, client: Option<IpAddr>, now: Timestamp) -> Result<(), u64> {
        let key = login_key(login);
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        let by_login = t.logins.refused(&self.per_login, &key, now);
        let by_address = client.and_then(|ip| t.addresses.refused(&self.per_address, &ip, now));
        if let Some(wait) = by_login.max(by_address) {
            return Err(wait);
        }
        t.logins.fail(&self.per_login, key, now);
        if let Some(ip) = client {
            t.addresses.fail(&self.per_address, ip, now);
        }
        Ok(())
    }

    /// The password could not be checked (a store failure): the attempt is
    /// not held against the login or the address.
    pub fn abandoned(&self, login: &str, client: Option<IpAddr>) {
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        t.logins.forgive_one(&login_key(login));
        if let Some(ip) = client {
            t.addresses.forgive_one(&ip);
        }
    }

    /// After a successful sign-in: the login's count starts again; the
    /// address only gets this attempt back (one account of an attacker must
    /// not clear the failures it made on other logins).
    pub fn succeeded(&self, login: &str, client: Option<IpAddr>) {
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        t.logins.entries.remove(&login_key(login));
        if let Some(ip) = client {
            t.addresses.forgive_one(&ip);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_750_000_000 + secs).unwrap()
    }

    #[test]
    fn per_login_waits_double_then_lock() {
        let waits: Vec<i64> = (0..=11).map(|n| PER_LOGIN.wait(n).as_secs()).collect();
        assert_eq!(waits, [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 900, 900]);
    }

    #[test]
    fn a_locked_login_is_refused_until_its_wait_passes_and_success_resets() {
        let t = LoginThrottle::default();
        for _ in 0..3 {
            assert_eq!(t.begin("Clerk", None, at(0)), Ok(()));
        }
        assert_eq!(t.begin("clerk ", None, at(0)), Ok(()));
        // Four failures: one second before the next try.
        assert_eq!(t.begin("clerk", None, at(0)), Err(1));
        assert_eq!(t.begin("clerk", None, at(1)), Ok(()));
        assert_eq!(t.begin("clerk", None, at(1)), Err(2));
        t.succeeded("clerk", None);
        assert_eq!(t.begin("clerk", None, at(1)), Ok(()));
    }

    #[test]
    fn an_attempt_the_store_could_not_check_is_not_held_against_anyone() {
        let t = LoginThrottle::default();
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        for _ in 0..4 {
            assert_eq!(t.begin("x", Some(ip), at(0)), Ok(()));
        }
        t.abandoned("x", Some(ip));
        assert_eq!(t.begin("x", Some(ip), at(0)), Ok(()));
        assert_eq!(t.begin("x", Some(ip), at(0)), Err(1));
    }

    #[test]
    fn failures_are_forgotten_after_an_hour() {
        let t = LoginThrottle::default();
        for n in 0..10 {
            let _ = t.begin("x", None, at(n * 100));
        }
        assert!(t.begin("x", None, at(1000)).is_err());
        assert_eq!(t.begin("x", None, at(900 + 3600)), Ok(()));
        assert_eq!(t.begin("x", None, at(900 + 3600)), Ok(()));
    }
}
