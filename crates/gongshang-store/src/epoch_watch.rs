//! The credentials epoch kept in memory on PostgreSQL (issues 11, 18).
//!
//! A server checks the epoch on every bearer request, so that a token
//! revoked or an account disabled anywhere stops working (see migration
//! 0011). Read from the database, that check is one of the two round trips
//! of a coverage lookup. Here a thread of the store holds one connection
//! that `LISTEN`s on `gongshang_credentials`; migration 0260's trigger
//! notifies it in the transaction that raises the epoch (PostgreSQL
//! delivers at commit), and the thread reads the epoch again. Between
//! notifications the store answers the epoch from memory.
//!
//! Exactness:
//! - a change made through this store marks the value unknown right after
//!   its commit ([`EpochWatch::changed`]); until the thread has read the
//!   epoch again after that (a read begun before does not count), the store
//!   reads the database, so this process never trusts a stale epoch;
//! - a change made by another process is seen when its notification
//!   arrives: milliseconds after its commit on one machine's network;
//! - while the thread has no connection (at start, after an error) the
//!   value is unknown and every read goes to the database.
//!
//! The channel is the database's, not the schema's: a notification from
//! another schema costs one needless read, never a wrong value (the thread
//! reads its own schema's row; the payload is not used).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

/// The channel migration 0260's trigger notifies.
pub(crate) const CHANNEL: &str = "gongshang_credentials";

/// How long the thread waits for a notification before it looks whether
/// the store is gone.
const POLL: Duration = Duration::from_millis(200);

/// How long it waits before connecting again after an error.
const RETRY: Duration = Duration::from_secs(1);

#[derive(Default)]
struct State {
    /// The epoch last read, valid when `known`.
    value: i64,
    known: bool,
    /// Raised by each change through this store: a read begun under an
    /// older generation does not make the value known.
    generation: u64,
}

#[derive(Default)]
pub(crate) struct EpochWatch {
    state: Mutex<State>,
    started: AtomicBool,
    stop: AtomicBool,
    /// A change through this store asks the thread to read again (its
    /// notification may have been read before the change was marked).
    reread: AtomicBool,
}

impl EpochWatch {
    /// The epoch if the watching thread knows it.
    pub(crate) fn known(&self) -> Option<i64> {
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.known.then_some(s.value)
    }

    /// A change through this store committed: the value is unknown until
    /// read again.
    pub(crate) fn changed(&self) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.known = false;
        s.generation += 1;
        self.reread.store(true, Ordering::Release);
    }

    fn generation(&self) -> u64 {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .generation
    }

    /// Keeps `value`, read under `generation`, unless a change came since.
    fn read_as(&self, value: i64, generation: u64) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if s.generation == generation {
            s.value = value;
            s.known = true;
        }
    }

    fn forget(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).known = false;
    }

    /// Whether the watching thread was started.
    pub(crate) fn started(&self) -> bool {
        self.started.load(Ordering::Acquire)
    }

    /// Starts the watching thread once; `connect` opens a connection in
    /// the store's schema.
    pub(crate) fn start(self: &Arc<Self>, connect: impl Fn() -> Option<Client> + Send + 'static) {
        if self.started.swap(true, Ordering::AcqRel) {
            return;
        }
        let watch = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("credentials-epoch".into())
            .spawn(move || watch.run(connect));
        if spawned.is_err() {
            // No thread: the value stays unknown and reads go to the database.
            self.started.store(false, Ordering::Release);
        }
    }

    /// Asks the thread to end (the store is being dropped).
    pub(crate) fn stop(&self) {
        self.stop.store(true, Ordering::Release);
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    fn run(&self, connect: impl Fn() -> Option<Client>) {
        while !self.stopped() {
            if let Some(mut client) = connect() {
                // Returns on an error of the connection or when stopped.
                let _ = self.listen(&mut client);
            }
            self.forget();
            let mut waited = Duration::ZERO;
            while waited < RETRY && !self.stopped() {
                std::thread::sleep(POLL);
                waited += POLL;
            }
        }
    }

    fn listen(&self, client: &mut Client) -> Result<(), postgres::Error> {
        client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        // Listening first, then reading: a change committed after the read
        // is notified, one committed before is in the read.
        self.read(client)?;
        while !self.stopped() {
            let mut notified = false;
            {
                let mut notifications = client.notifications();
                let mut waiting = notifications.timeout_iter(POLL);
                while waiting.next()?.is_some() {
                    notified = true;
                }
            }
            if client.is_closed() {
                return Ok(());
            }
            if notified | self.reread.swap(false, Ordering::AcqRel) {
                self.read(client)?;
            }
        }
        Ok(())
    }

    fn read(&self, client: &mut Client) -> Result<(), postgres::Error> {
        let generation = self.generation();
        let epoch: i64 = client
            .query_one("SELECT epoch FROM credentials_epoch WHERE id = 1", &[])?
            .try_get(0)?;
        self.read_as(epoch, generation);
        Ok(())
    }
}
