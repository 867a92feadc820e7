//! The simulation jobs' workers (issue 14): a job is queued in the store by
//! its request, and run here, off the async workers and off the blocking
//! pool of service calls, on a thread of its own, at most
//! [`SIMULATION_WORKERS`] at a time; the rest wait in the store's queue,
//! oldest first. A worker runs the queue until it is empty, then ends: no
//! thread waits idle for work.
//!
//! When a server starts ([`JobRunner::start`]), the jobs the store still
//! has running were cut short by the last stop: they are marked
//! interrupted, and the queued ones run.

use std::sync::{Arc, Mutex};

use gongshang_app::App;
use gongshang_app::accounts::Actor;

/// Jobs run at once per server. One: a projection already uses both cores
/// of the reference machine (`threads: 2`); a second job would only halve
/// the speed of each, and double the memory (157 MB for 10,000,000 people).
pub const SIMULATION_WORKERS: usize = 1;

#[derive(Default)]
struct Workers {
    /// Worker threads running.
    running: usize,
    /// A job was queued while every worker was busy: the next to find the
    /// queue empty looks once more before it ends.
    again: bool,
}

/// Starts workers for the jobs queued.
#[derive(Clone, Default)]
pub struct JobRunner {
    workers: Arc<Mutex<Workers>>,
}

impl JobRunner {
    /// At a server's start: the jobs found running are marked interrupted
    /// (logged), and the queued ones start.
    pub fn start(&self, app: &Arc<App>) {
        // On a thread of its own and waited for: the server's state is made
        // inside the async runtime, where the synchronous PostgreSQL client
        // may not block (it runs a runtime of its own).
        let interrupted = std::thread::scope(|s| {
            s.spawn(|| app.interrupt_simulation_jobs(&Actor::system()))
                .join()
        });
        let Ok(interrupted) = interrupted else {
            tracing::error!("simulation jobs: marking interrupted jobs panicked");
            return;
        };
        match interrupted {
            Ok(ids) if !ids.is_empty() => {
                tracing::warn!(jobs = ?ids, "simulation jobs found running at the start marked interrupted");
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "simulation jobs: marking interrupted jobs failed")
            }
        }
        self.wake(app);
    }

    /// A job was queued: a worker starts unless [`SIMULATION_WORKERS`] run.
    pub fn wake(&self, app: &Arc<App>) {
        let mut w = self.workers.lock().unwrap_or_else(|e| e.into_inner());
        if w.running >= SIMULATION_WORKERS {
            w.again = true;
            return;
        }
        w.running += 1;
        drop(w);
        let app = Arc::clone(app);
        let workers = Arc::clone(&self.workers);
        let spawned = std::thread::Builder::new()
            .name("simulation-job".into())
            .spawn(move || run_queue(&app, &workers));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "simulation jobs: no worker thread");
            let mut w = self.workers.lock().unwrap_or_else(|e| e.into_inner());
            w.running -= 1;
        }
    }
}

fn run_queue(app: &App, workers: &Mutex<Workers>) {
    let system = Actor::system();
    loop {
        match app.run_next_simulation_job(&system) {
            Ok(Some((id, None))) => tracing::info!(job = id, "simulation job done"),
            Ok(Some((id, Some(e)))) => {
                if e.is_internal() {
                    tracing::error!(job = id, error = %e, "simulation job failed");
                } else {
                    tracing::info!(job = id, error = %e, "simulation job refused");
                }
            }
            Ok(None) => {
                let mut w = workers.lock().unwrap_or_else(|e| e.into_inner());
                if w.again {
                    w.again = false;
                    continue;
                }
                w.running -= 1;
                return;
            }
            Err(e) => {
                // The store failed: stop; the next job queued starts a worker.
                tracing::error!(error = %e, "simulation jobs: the queue could not be read");
                let mut w = workers.lock().unwrap_or_else(|e| e.into_inner());
                w.running -= 1;
                return;
            }
        }
    }
}
