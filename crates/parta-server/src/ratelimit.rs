//! Request rates: a token bucket per device (MAX allows a bot about 30 requests a second), and
//! a slower one per address for the calls that need no token (password sign-in, redeeming an
//! invite, asking about a join request), so guessing passwords or invite codes is slow; and one
//! per login for wrong passwords, so a password is not guessed from many addresses either.
//! Refusals are `429 {code: "too.many.requests"}` with a `Retry-After` header.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::clock::Clock;
use crate::error::{Error, Result};

/// The limits a server applies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimits {
    /// Sustained requests per second of one device.
    pub device_per_second: f64,
    /// How many a device may send at once before the rate applies.
    pub device_burst: f64,
    /// Sustained unauthenticated calls per minute from one address.
    pub anonymous_per_minute: f64,
    /// How many of those at once.
    pub anonymous_burst: f64,
    /// Sign-in attempts per hour for one login, from anywhere (a success clears the count).
    pub login_per_hour: f64,
    /// How many of those at once.
    pub login_burst: f64,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            device_per_second: 30.0,
            device_burst: 60.0,
            anonymous_per_minute: 20.0,
            anonymous_burst: 10.0,
            login_per_hour: 10.0,
            login_burst: 5.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Device(i64),
    Address(IpAddr),
    Login(String),
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at_ms: i64,
}

/// Most buckets kept; past it, full (idle) buckets are dropped.
const MAX_BUCKETS: usize = 100_000;

/// The buckets, shared by all handlers.
#[derive(Clone)]
pub struct RateLimiter {
    limits: RateLimits,
    clock: Arc<dyn Clock>,
    buckets: Arc<Mutex<HashMap<Key, Bucket>>>,
}

impl RateLimiter {
    /// A limiter with `limits`, reading time from `clock`.
    pub fn new(limits: RateLimits, clock: Arc<dyn Clock>) -> Self {
        Self {
            limits,
            clock,
            buckets: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Takes one request from the device's bucket, or says how long to wait.
    pub fn device(&self, device_id: i64) -> Result<()> {
        let per_ms = self.limits.device_per_second / 1000.0;
        self.take(Key::Device(device_id), per_ms, self.limits.device_burst)
    }

    /// Takes one unauthenticated call from the address's bucket, or says how long to wait.
    pub fn anonymous(&self, address: IpAddr) -> Result<()> {
        let per_ms = self.limits.anonymous_per_minute / 60_000.0;
        self.take(Key::Address(address), per_ms, self.limits.anonymous_burst)
    }

    /// Takes one sign-in attempt from the login's bucket (logins compared without case), or
    /// says how long to wait.
    pub fn login(&self, login: &str) -> Result<()> {
        let per_ms = self.limits.login_per_hour / 3_600_000.0;
        self.take(
            Key::Login(login.trim().to_lowercase()),
            per_ms,
            self.limits.login_burst,
        )
    }

    /// A sign-in succeeded: the login's attempts start afresh.
    pub fn signed_in(&self, login: &str) {
        self.buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&Key::Login(login.trim().to_lowercase()));
    }

    fn take(&self, key: Key, per_ms: f64, burst: f64) -> Result<()> {
        let now = self.clock.now_ms();
        // A poisoned lock only means another request panicked mid-update: the counts are
        // still numbers, so carry on with them.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_BUCKETS {
            buckets.retain(|_, b| b.tokens < burst);
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            at_ms: now,
        });
        let elapsed = (now - bucket.at_ms).max(0) as f64;
        bucket.tokens = (bucket.tokens + elapsed * per_ms).min(burst);
        bucket.at_ms = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait_ms = ((1.0 - bucket.tokens) / per_ms).ceil();
        let retry_after_s = (wait_ms / 1000.0).ceil().max(1.0) as u64;
        Err(Error::RateLimited { retry_after_s })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};

    use super::*;

    #[derive(Debug)]
    struct Manual(AtomicI64);

    impl Clock for Manual {
        fn now_ms(&self) -> i64 {
            self.0.load(Ordering::SeqCst)
        }
    }

    #[test]
    fn a_burst_passes_then_the_rate_applies_and_refills_with_time() {
        let clock = Arc::new(Manual(AtomicI64::new(0)));
        let limiter = RateLimiter::new(
            RateLimits {
                device_per_second: 2.0,
                device_burst: 3.0,
                ..RateLimits::default()
            },
            clock.clone(),
        );
        for _ in 0..3 {
            assert!(limiter.device(1).is_ok());
        }
        match limiter.device(1) {
            Err(Error::RateLimited { retry_after_s }) => assert_eq!(retry_after_s, 1),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(
            limiter.device(2).is_ok(),
            "another device has its own bucket"
        );
        clock.0.store(500, Ordering::SeqCst);
        assert!(
            limiter.device(1).is_ok(),
            "half a second buys one request at 2/s"
        );
        assert!(limiter.device(1).is_err());
    }

    #[test]
    fn anonymous_calls_wait_minutes_not_seconds() {
        let clock = Arc::new(Manual(AtomicI64::new(0)));
        let limiter = RateLimiter::new(
            RateLimits {
                anonymous_per_minute: 6.0,
                anonymous_burst: 1.0,
                ..RateLimits::default()
            },
            clock,
        );
        let address: IpAddr = [127, 0, 0, 1].into();
        assert!(limiter.anonymous(address).is_ok());
        match limiter.anonymous(address) {
            Err(Error::RateLimited { retry_after_s }) => assert_eq!(retry_after_s, 10),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
