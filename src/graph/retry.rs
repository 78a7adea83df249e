//! The one retry policy, for the form's saves, `graft sync` and `graft
//! draft`, attachment chunks and `$batch` rounds: which failures retry by
//! themselves, and how long to wait before the next try.
//!
//! Graph's guidance: on 429 wait the `Retry-After` it gives, and back off
//! exponentially when it gives none (concepts/throttling.md); the SDKs retry
//! 429, 503 and 504 and cap a wait at 180 s (kiota RetryHandler). A request
//! that got no answer at all is retried too; a create among those is looked
//! up by its key first (the caller's part).

use super::GraphFailure;
use std::time::Duration;

/// Longest wait between tries when the server names none.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Throttling and service errors are retried this many times, then shown.
/// (No answer at all is retried for as long as the caller keeps the work.)
pub const MAX_SERVICE_RETRIES: u32 = 6;

/// Whether a failure is worth trying again without changing the request:
/// no answer (offline, reset, timed out) or a busy service (429, 503, 504).
pub fn retryable(f: &GraphFailure) -> bool {
    f.is_offline() || f.is_busy()
}

/// How long to wait before try `attempt` (the first retry is 1): the
/// server's `Retry-After` when it gave one (exactly: it is already capped at
/// 180 s), else 1 s, 2 s, 4 s … up to 60 s, to which `jitter` (any number,
/// e.g. from the caller's random source) adds up to a quarter more, so many
/// clients do not come back in step.
pub fn wait_for(f: &GraphFailure, attempt: u32, jitter: Option<u64>) -> Duration {
    if let Some(d) = f.retry_after {
        return d;
    }
    let base = backoff(attempt);
    match jitter {
        Some(r) => base + base.mul_f64((r % 251) as f64 / 1000.0),
        None => base,
    }
}

/// 1 s, 2 s, 4 s … for try 1, 2, 3 …, at most [`MAX_BACKOFF`].
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.saturating_sub(1).min(6)).min(MAX_BACKOFF)
}

/// A wait in whole seconds for a countdown, rounded up (so a `Retry-After`
/// of 2.128 s is never cut short), at least one.
pub fn whole_seconds(d: Duration) -> u64 {
    (d.as_secs_f64().ceil() as u64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::FailureKind;

    fn busy(retry_after: Option<Duration>) -> GraphFailure {
        GraphFailure {
            status: Some(429),
            retry_after,
            ..GraphFailure::local(FailureKind::Http, "TooManyRequests", "")
        }
    }

    #[test]
    fn server_waits_win_backoff_doubles_and_is_capped() {
        assert_eq!(
            wait_for(&busy(Some(Duration::from_millis(2128))), 1, None),
            Duration::from_millis(2128)
        );
        let steps: Vec<u64> = (1..=9)
            .map(|a| wait_for(&busy(None), a, None).as_secs())
            .collect();
        assert_eq!(steps, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
        let j = wait_for(&busy(None), 5, Some(250));
        assert!(
            j >= Duration::from_secs(16) && j <= Duration::from_secs(20),
            "{j:?}"
        );
        assert_eq!(whole_seconds(Duration::from_millis(2128)), 3);
        assert_eq!(whole_seconds(Duration::ZERO), 1);
    }
}
