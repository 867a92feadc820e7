//! A small pool of database connections, shared by the two backends: the
//! SQLite backend's read-only connections and the PostgreSQL backend's
//! connections. Connections are opened when needed, up to a maximum; a
//! caller who finds them all busy waits for one to come back. The most
//! recently returned connection is handed out first, so a few connections
//! stay warm (their statement caches, and SQLite's page cache) while the
//! others are only opened under load.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::error::StoreError;

pub(crate) struct Pool<C> {
    state: Mutex<State<C>>,
    returned: Condvar,
    max: usize,
    /// Whether a returned connection may be used again (a PostgreSQL client
    /// whose connection dropped may not).
    usable: fn(&C) -> bool,
}

struct State<C> {
    idle: Vec<C>,
    /// Idle, lent out, or being opened.
    opened: usize,
    /// Callers waiting for a connection: only then is the condition
    /// variable notified (std's `notify_one` is a system call each time,
    /// and a pool's connection comes back twice per coverage lookup).
    waiting: usize,
}

impl<C> Pool<C> {
    pub(crate) fn new(max: usize, usable: fn(&C) -> bool) -> Pool<C> {
        Pool {
            state: Mutex::new(State {
                idle: Vec::new(),
                opened: 0,
                waiting: 0,
            }),
            returned: Condvar::new(),
            max: max.max(1),
            usable,
        }
    }

    /// Takes the idle connections out (when the pool's owner closes them
    /// itself).
    pub(crate) fn take_idle(&self) -> Vec<C> {
        let mut state = self.state();
        let idle = std::mem::take(&mut state.idle);
        state.opened -= idle.len();
        idle
    }

    /// Adds a connection opened before (it counts towards the maximum).
    pub(crate) fn add(&self, conn: C) {
        let mut state = self.state();
        state.opened += 1;
        state.idle.push(conn);
        self.notify(state);
    }

    /// Wakes a waiting caller, if there is one, after unlocking.
    fn notify(&self, state: MutexGuard<'_, State<C>>) {
        let waiting = state.waiting > 0;
        drop(state);
        if waiting {
            self.returned.notify_one();
        }
    }

    fn state(&self) -> MutexGuard<'_, State<C>> {
        // The state is a list and a count, consistent at every unlock.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle connection, or one opened by `open` while fewer than the
    /// maximum are open, or else the next one returned.
    pub(crate) fn get(
        &self,
        open: impl FnOnce() -> Result<C, StoreError>,
    ) -> Result<Pooled<'_, C>, StoreError> {
        let mut state = self.state();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Pooled {
                    conn: Some(conn),
                    pool: self,
                });
            }
            if state.opened < self.max {
                state.opened += 1;
                break;
            }
            state.waiting += 1;
            state = self.returned.wait(state).unwrap_or_else(|e| e.into_inner());
            state.waiting -= 1;
        }
        drop(state);
        // Opened outside the lock: connecting to PostgreSQL takes a few
        // milliseconds, during which the others are lent and returned.
        match open() {
            Ok(conn) => Ok(Pooled {
                conn: Some(conn),
                pool: self,
            }),
            Err(e) => {
                let mut state = self.state();
                state.opened -= 1;
                self.notify(state);
                Err(e)
            }
        }
    }

    fn put(&self, conn: C) {
        let usable = (self.usable)(&conn);
        let mut state = self.state();
        if usable {
            state.idle.push(conn);
            self.notify(state);
        } else {
            state.opened -= 1;
            self.notify(state);
            drop(conn);
        }
    }
}

/// A connection lent by a [`Pool`], returned to it when dropped.
pub(crate) struct Pooled<'p, C> {
    conn: Option<C>,
    pool: &'p Pool<C>,
}

impl<C> Deref for Pooled<'_, C> {
    type Target = C;

    fn deref(&self) -> &C {
        // Some until dropped.
        self.conn.as_ref().expect("a pooled connection")
    }
}

impl<C> DerefMut for Pooled<'_, C> {
    fn deref_mut(&mut self) -> &mut C {
        self.conn.as_mut().expect("a pooled connection")
    }
}

impl<C> Drop for Pooled<'_, C> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.put(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn connections_are_reused_and_never_more_than_the_maximum_are_open() {
        let pool = Arc::new(Pool::new(3, |_: &usize| true));
        let opened = Arc::new(AtomicUsize::new(0));
        let lent = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (pool, opened, lent, most) = (
                    Arc::clone(&pool),
                    Arc::clone(&opened),
                    Arc::clone(&lent),
                    Arc::clone(&most),
                );
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        let conn = pool
                            .get(|| Ok(opened.fetch_add(1, Ordering::SeqCst)))
                            .unwrap();
                        let now = lent.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        lent.fetch_sub(1, Ordering::SeqCst);
                        drop(conn);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(opened.load(Ordering::SeqCst) <= 3);
        assert!(most.load(Ordering::SeqCst) <= 3);
    }

    #[test]
    fn an_unusable_connection_is_dropped_and_a_failed_open_frees_its_place() {
        let pool = Pool::new(1, |c: &u32| *c != 0);
        drop(pool.get(|| Ok(0)).unwrap());
        assert_eq!(pool.state().opened, 0, "the unusable one is not kept");
        assert!(pool.get(|| Err(StoreError::invalid("x", "y"))).is_err());
        assert_eq!(*pool.get(|| Ok(7)).unwrap(), 7);
        assert_eq!(*pool.get(|| Ok(8)).unwrap(), 7, "the idle one is reused");
    }
}
