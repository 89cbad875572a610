//! Time is passed in (as on the server), so what depends on it — drafts and read times, retry
//! schedules, the file cache's order, whether a send time has passed — is testable without
//! sleeping.

use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time.
pub trait Clock: std::fmt::Debug + Send + Sync + 'static {
    /// Unix time in milliseconds.
    fn now_ms(&self) -> i64;
}

/// The system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}
