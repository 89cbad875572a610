//! The pace of requests toward MAX: one budget for the whole bot (MAX allows about 30 requests a
//! second per bot and answers 429 beyond), a pause when MAX asks for one (`Retry-After`), and
//! backoff with jitter after errors, so that many schools' servers do not retry in step.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// MAX's documented limit per bot.
pub const MAX_REQUESTS_PER_SECOND: f64 = 30.0;

/// A token bucket of one second's requests, shared by every task that calls MAX.
#[derive(Debug)]
pub struct Pace {
    per_second: f64,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
    paused_until: Instant,
}

impl Pace {
    /// A budget of `per_second` requests a second (at least one).
    pub fn new(per_second: f64) -> Self {
        let per_second = if per_second.is_finite() {
            per_second.max(1.0)
        } else {
            MAX_REQUESTS_PER_SECOND
        };
        let now = Instant::now();
        Self {
            per_second,
            state: Mutex::new(Bucket {
                tokens: per_second,
                refilled: now,
                paused_until: now,
            }),
        }
    }

    /// The requests a second allowed.
    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    /// Waits until one more request may go; returns how long it waited.
    pub async fn admit(&self) -> Duration {
        let started = Instant::now();
        loop {
            let wait = {
                let mut bucket = match self.state.lock() {
                    Ok(bucket) => bucket,
                    Err(poisoned) => poisoned.into_inner(),
                };
                let now = Instant::now();
                if bucket.paused_until > now {
                    bucket.paused_until - now
                } else {
                    let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
                    bucket.tokens =
                        (bucket.tokens + elapsed * self.per_second).min(self.per_second);
                    bucket.refilled = now;
                    if bucket.tokens >= 1.0 {
                        bucket.tokens -= 1.0;
                        return started.elapsed();
                    }
                    Duration::from_secs_f64((1.0 - bucket.tokens) / self.per_second)
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Stops every request for `pause` (MAX's `Retry-After`); the budget starts empty after.
    pub fn pause(&self, pause: Duration) {
        let mut bucket = match self.state.lock() {
            Ok(bucket) => bucket,
            Err(poisoned) => poisoned.into_inner(),
        };
        let until = Instant::now() + pause;
        if until > bucket.paused_until {
            bucket.paused_until = until;
        }
        bucket.tokens = 0.0;
        bucket.refilled = until;
    }
}

/// The wait before retry number `attempt` (0 first): a random time up to `base` · 2^attempt,
/// at most `cap` ("full jitter").
pub fn backoff(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let ceiling = base
        .saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX))
        .min(cap);
    let mut random = [0u8; 4];
    // Without randomness the wait is the whole ceiling: slower, never wrong.
    let fraction = match getrandom::fill(&mut random) {
        Ok(()) => f64::from(u32::from_le_bytes(random)) / f64::from(u32::MAX),
        Err(_) => 1.0,
    };
    ceiling.mul_f64(fraction.clamp(0.05, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_budget_allows_a_second_of_requests_then_spaces_them() {
        let pace = Pace::new(30.0);
        let start = Instant::now();
        for _ in 0..90 {
            pace.admit().await;
        }
        // 30 at once, then 60 more at 30 a second.
        let took = start.elapsed().as_secs_f64();
        assert!((1.9..=2.1).contains(&took), "{took}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_request() {
        let pace = Pace::new(30.0);
        pace.pause(Duration::from_secs(3));
        let waited = pace.admit().await;
        assert!(waited >= Duration::from_secs(3), "{waited:?}");
    }

    #[test]
    fn backoff_grows_and_stays_under_its_cap() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(5);
        for attempt in 0..40 {
            let wait = backoff(attempt, base, cap);
            assert!(wait <= cap);
            assert!(wait <= base * 2u32.saturating_pow(attempt.min(20)));
        }
    }
}
