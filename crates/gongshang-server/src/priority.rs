//! Bulk work yields the processor to people's requests.
//!
//! An import of a million orders takes a core and a half for several
//! seconds; at the same CPU priority as the server it took 20-30 % of the
//! coverage lookups' throughput and raised their p99 from 8 to 15 ms on
//! two cores (DESIGN.md, "Why do imports run in the idle CPU class?").
//! Linux's idle scheduling class (`SCHED_IDLE`) runs a thread only on
//! processor time nobody else wants: on an idle machine the import is as
//! fast as before, beside a busy server it waits. The class is inherited by
//! the threads a thread starts, and an unprivileged thread may not leave it
//! again, so only a thread of its own (a CLI import, or
//! [`crate::AppState::run_background`]) ever enters it.

/// Puts the calling thread (and the threads it starts from now on) in the
/// idle CPU class. Returns whether it could; elsewhere than on Linux it does
/// nothing.
pub fn yield_to_requests() -> bool {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::ThreadPriority;
        use thread_priority::unix::{
            NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy,
            thread_native_id,
        };
        let done = set_thread_priority_and_policy(
            thread_native_id(),
            ThreadPriority::Min,
            ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle),
        );
        if let Err(e) = &done {
            tracing::warn!(error = ?e, "bulk work could not enter the idle CPU class");
        }
        done.is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Whether the calling thread is in the idle CPU class (for tests).
pub fn in_idle_class() -> bool {
    std::fs::read_to_string("/proc/thread-self/sched").is_ok_and(|s| {
        s.lines().any(|l| {
            l.starts_with("policy") && l.rsplit(':').next().is_some_and(|v| v.trim() == "5")
        })
    })
}
