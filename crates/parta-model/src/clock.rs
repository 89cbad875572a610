//! Time is passed in, so expiry, scheduling, retries and sync are testable without sleeping
//! (GitButler's rule). One definition for the server and the client core; the UI never reads
//! the system clock through it (`SystemTime` has none in the browser's wasm).

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
