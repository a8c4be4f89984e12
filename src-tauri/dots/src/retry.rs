//! The one retry policy: how often a request is sent again and how long to wait between.
//!
//! [`Backoff::READS`] is for one-shot reads (a person opening a flow or a user): a GET is safe
//! to ask again, so a transient failure (429, 5xx, timeout, network) is retried a few times by
//! [`Backoff::run`] before it reaches the person. [`Backoff::MONEY`] paces the money crate's
//! re-sends, which keep the same idempotency key and make their own decisions per error.
//! Neither is used for a flow create, nor by the poll scheduler, which has its own backoff.

use std::future::Future;
use std::time::Duration;

use crate::error::DotsError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Requests in all, the first included.
    pub attempts: u32,
    /// The first wait; each later one doubles it.
    pub base_delay: Duration,
    /// No wait is longer than this, a server's Retry-After included: past it the person
    /// is better served by the error than by a frozen view.
    pub max_delay: Duration,
}

/// The name read call sites know it by; its default is [`Backoff::READS`].
pub type ReadRetry = Backoff;

impl Default for Backoff {
    fn default() -> Self {
        Backoff::READS
    }
}

impl Backoff {
    /// Reads a person is waiting on: 3 tries, 250 ms then 500 ms, never more than 2 s.
    pub const READS: Backoff = Backoff { attempts: 3, base_delay: Duration::from_millis(250), max_delay: Duration::from_secs(2) };
    /// Money re-sends (same key, so safe): 4 tries, 500 ms doubling, never more than 5 s.
    pub const MONEY: Backoff = Backoff { attempts: 4, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(5) };

    /// The wait after failed attempt `attempt` (1-based): the server's Retry-After when it
    /// sent one, else `base_delay` doubled per attempt; capped at `max_delay` either way.
    pub fn delay(&self, attempt: u32, e: &DotsError) -> Duration {
        let backoff = self.base_delay.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        match e {
            DotsError::RateLimited { retry_after: Some(after), .. } => *after,
            _ => backoff,
        }
        .min(self.max_delay)
    }

    /// Runs `read` until it succeeds, fails for good, or the attempts are used up.
    pub async fn run<T, F, Fut>(&self, mut read: F) -> Result<T, DotsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, DotsError>>,
    {
        let mut attempt = 1;
        loop {
            match read().await {
                Err(e) if e.is_transient() && attempt < self.attempts.max(1) => {
                    let wait = self.delay(attempt, &e);
                    // A Retry-After longer than we are willing to wait: say so now.
                    if matches!(&e, DotsError::RateLimited { retry_after: Some(a), .. } if *a > self.max_delay) {
                        return Err(e);
                    }
                    tracing::debug!(attempt, kind = ?e.kind(), wait_ms = wait.as_millis() as u64, "read failed; asking again");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[test]
    fn waits_double_and_retry_after_is_capped() {
        let server = server();
        let slow = |secs| DotsError::RateLimited { retry_after: Some(Duration::from_secs(secs)), message: "slow".into() };
        let waits: Vec<_> = (1..=5).map(|a| Backoff::MONEY.delay(a, &server)).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 5000].map(Duration::from_millis));
        assert_eq!(Backoff::MONEY.delay(1, &slow(3)), Duration::from_secs(3));
        assert_eq!(Backoff::MONEY.delay(1, &slow(60)), Duration::from_secs(5));
        assert_eq!(Backoff::READS.delay(1, &slow(60)), Duration::from_secs(2));
        assert_eq!(ReadRetry::default(), Backoff::READS);
    }

    async fn count_until(r: ReadRetry, fail_first: u32, error: fn() -> DotsError) -> (Result<u32, DotsError>, u32) {
        let calls = AtomicU32::new(0);
        let out = r
            .run(|| async {
                let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                if n <= fail_first { Err(error()) } else { Ok(n) }
            })
            .await;
        (out, calls.load(Ordering::SeqCst))
    }

    fn server() -> DotsError {
        DotsError::Server { status: 503, message: "busy".into() }
    }

    #[tokio::test(start_paused = true)]
    async fn transient_errors_are_asked_again_with_backoff() {
        let started = tokio::time::Instant::now();
        let (out, calls) = count_until(ReadRetry::default(), 2, server).await;
        assert_eq!((out.unwrap(), calls), (3, 3));
        assert_eq!(started.elapsed(), Duration::from_millis(250 + 500));
    }

    #[tokio::test(start_paused = true)]
    async fn attempts_are_bounded_and_the_last_error_is_returned() {
        let (out, calls) = count_until(ReadRetry::default(), 10, server).await;
        assert_eq!(out.unwrap_err().kind(), crate::ErrorKind::Server);
        assert_eq!(calls, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn errors_that_asking_again_cannot_fix_are_returned_at_once() {
        let (out, calls) = count_until(ReadRetry::default(), 1, || DotsError::NotFound { message: "no".into() }).await;
        assert!(out.is_err());
        assert_eq!(calls, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_honoured_up_to_the_cap() {
        let started = tokio::time::Instant::now();
        let (out, calls) =
            count_until(ReadRetry::default(), 1, || DotsError::RateLimited { retry_after: Some(Duration::from_secs(1)), message: "slow".into() })
                .await;
        assert_eq!((out.unwrap(), calls), (2, 2));
        assert_eq!(started.elapsed(), Duration::from_secs(1));
        let (out, calls) =
            count_until(ReadRetry::default(), 1, || DotsError::RateLimited { retry_after: Some(Duration::from_secs(60)), message: "slow".into() })
                .await;
        assert!(out.is_err(), "a minute is too long to hold the view");
        assert_eq!(calls, 1);
    }
}
