//! Login throttling: failed sign-ins of one login name from one client
//! address, and from one address on any login, are slowed down and then
//! refused for a while (429 `too_many_attempts` with `Retry-After`), so that
//! passwords cannot be guessed at the speed of the server; and failures of
//! one login from everywhere together only slow it down, never lock it.
//!
//! A login is not locked by its name alone: whoever fails a login from their
//! own address locks that login for that address only, so that a third party
//! cannot lock a person out by failing their login from elsewhere (DESIGN.md,
//! FAQ "Login throttling").
//!
//! Kept in memory (DESIGN.md): a restart forgets the counts, and several
//! server processes count separately. Time is the caller's `now` (the
//! [`gongshang_app::App`]'s injected clock), so tests move the clock instead
//! of sleeping.
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

/// A login name tried from one address: 3 free tries, then 1, 2, 4, ... 32 s
/// between tries, then 15 minutes from the 10th failure on (each further
/// failure after a lockout locks again).
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

/// A login name from every address together: generous, and it only slows
/// (a wait of at most [`LOGIN_CEILING_WAIT_MAX`] between tries, never a
/// lockout), so that many addresses together cannot try passwords on one
/// login at full speed, while its owner is at worst asked to wait seconds.
pub const LOGIN_CEILING: Limits = Limits {
    free: 100,
    lock_at: u32::MAX,
    lockout: LOGIN_CEILING_WAIT_MAX,
    forget: SignedDuration::from_hours(1),
};

/// The longest wait the per-login ceiling asks for.
pub const LOGIN_CEILING_WAIT_MAX: SignedDuration = SignedDuration::from_secs(4);

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
    /// By (login, address): what locks.
    pairs: Table<(String, Option<IpAddr>)>,
    addresses: Table<IpAddr>,
    /// By login from everywhere: what only slows.
    logins: Table<String>,
}

/// The failed sign-ins of this server process, by login and address, by
/// address, and by login.
pub struct LoginThrottle {
    per_login: Limits,
    per_address: Limits,
    login_ceiling: Limits,
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
    /// `per_login` applies to a login tried from one address; the ceiling
    /// over every address is [`LOGIN_CEILING`].
    pub fn new(per_login: Limits, per_address: Limits) -> LoginThrottle {
        LoginThrottle {
            per_login,
            per_address,
            login_ceiling: LOGIN_CEILING,
            tables: Mutex::default(),
        }
    }

    /// Before checking a password: `Err(seconds)` to wait when the login
    /// from this address, the address, or the login from everywhere must
    /// not try now (nothing is counted then); otherwise the attempt is
    /// counted as a failure until [`LoginThrottle::succeeded`] forgives it.
    pub fn begin(&self, login: &str, client: Option<IpAddr>, now: Timestamp) -> Result<(), u64> {
        let key = login_key(login);
        let pair = (key.clone(), client);
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        let by_pair = t.pairs.refused(&self.per_login, &pair, now);
        let by_address = client.and_then(|ip| t.addresses.refused(&self.per_address, &ip, now));
        let by_login = t.logins.refused(&self.login_ceiling, &key, now);
        if let Some(wait) = by_pair.max(by_address).max(by_login) {
            return Err(wait);
        }
        t.pairs.fail(&self.per_login, pair, now);
        t.logins.fail(&self.login_ceiling, key, now);
        if let Some(ip) = client {
            t.addresses.fail(&self.per_address, ip, now);
        }
        Ok(())
    }

    /// The password could not be checked (a store failure): the attempt is
    /// not held against the login or the address.
    pub fn abandoned(&self, login: &str, client: Option<IpAddr>) {
        let key = login_key(login);
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        t.pairs.forgive_one(&(key.clone(), client));
        t.logins.forgive_one(&key);
        if let Some(ip) = client {
            t.addresses.forgive_one(&ip);
        }
    }

    /// After a successful sign-in: the login's counts start again (the
    /// password's holder signed in); the address only gets this attempt
    /// back (one account of an attacker must not clear the failures it made
    /// on other logins).
    pub fn succeeded(&self, login: &str, client: Option<IpAddr>) {
        let key = login_key(login);
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        t.pairs.entries.remove(&(key.clone(), client));
        t.logins.entries.remove(&key);
        if let Some(ip) = client {
            t.addresses.forgive_one(&ip);
        }
    }
}

/// Tickets filed without a login (the QR form and `POST /public/tickets`)
/// from one client address. Generous, because a whole service centre's
/// wifi, a factory's or a mobile carrier's NAT is one address: 30 an hour
/// go through at once, then each waits twice as long as the one before,
/// and from the 120th the address waits 30 minutes. It stops a script from
/// filling the centre's queue, not a crowd at the window (the figures are
/// this project's choice, not an instrument's).
pub const PUBLIC_FILINGS_PER_ADDRESS: Limits = Limits {
    // The 30th filing is counted as the 30th: the next one waits.
    free: 29,
    lock_at: 120,
    lockout: SignedDuration::from_mins(30),
    forget: SignedDuration::from_hours(1),
};

/// Counts the filings without a login of this server process by address
/// (in memory, like the login throttle).
pub struct FilingThrottle {
    limits: Limits,
    addresses: Mutex<Table<IpAddr>>,
}

impl Default for FilingThrottle {
    fn default() -> Self {
        FilingThrottle::new(PUBLIC_FILINGS_PER_ADDRESS)
    }
}

impl FilingThrottle {
    pub fn new(limits: Limits) -> FilingThrottle {
        FilingThrottle {
            limits,
            addresses: Mutex::default(),
        }
    }

    /// Before filing: `Err(seconds)` to wait when the address has filed too
    /// many; otherwise the filing is counted. An unknown address (a server
    /// run without connect info) is not limited.
    pub fn begin(&self, client: Option<IpAddr>, now: Timestamp) -> Result<(), u64> {
        let Some(ip) = client else { return Ok(()) };
        let mut t = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(wait) = t.refused(&self.limits, &ip, now) {
            return Err(wait);
        }
        t.fail(&self.limits, ip, now);
        Ok(())
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
    fn failures_from_one_address_do_not_lock_the_login_for_another() {
        let t = LoginThrottle::default();
        let attacker: IpAddr = "192.0.2.66".parse().unwrap();
        let owner: IpAddr = "198.51.100.7".parse().unwrap();
        let mut refused = 0;
        for n in 0..12 {
            if t.begin("clerk", Some(attacker), at(n)).is_err() {
                refused += 1;
            }
        }
        assert!(refused > 0, "the attacker's address is slowed on the login");
        assert_eq!(t.begin("clerk", Some(owner), at(12)), Ok(()));
        t.succeeded("clerk", Some(owner));
        assert_eq!(t.begin("clerk", Some(owner), at(12)), Ok(()));
    }

    #[test]
    fn many_addresses_on_one_login_only_slow_it_within_the_ceiling() {
        let t = LoginThrottle::default();
        let mut waits = Vec::new();
        // 300 addresses, one failure each, all at the same instant.
        for n in 0..300u32 {
            let ip = IpAddr::from([10, 0, (n / 256) as u8, (n % 256) as u8]);
            if let Err(w) = t.begin("clerk", Some(ip), at(0)) {
                waits.push(w);
            }
        }
        assert!(!waits.is_empty(), "the login is slowed past the ceiling");
        let max = u64::try_from(LOGIN_CEILING_WAIT_MAX.as_secs()).unwrap();
        assert!(waits.iter().all(|w| *w <= max), "{waits:?}");
        // Its owner, from an address of their own, waits at most that long.
        let owner: IpAddr = "198.51.100.7".parse().unwrap();
        let wait = t.begin("clerk", Some(owner), at(0)).unwrap_err();
        assert!(wait <= max);
        assert_eq!(t.begin("clerk", Some(owner), at(max as i64)), Ok(()));
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
