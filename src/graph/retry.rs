//! The one retry policy, for the form's saves, `graft sync` and `graft
//! draft`, attachment chunks and `$batch` rounds: which failures retry by
//! themselves, and how long to wait before the next try.
//!
//! Graph's guidance: on 429 wait the `Retry-After` it gives, and back off
//! exponentially when it gives none (concepts/throttling.md); the SDKs retry
//! 429, 503 and 504 and cap a wait at 180 s (kiota RetryHandler). A request
//! that got no answer at all is retried too; a create among those is looked
//! up by its key first (the caller's part).

use super::model::Error;
use std::time::Duration;

/// Longest wait between tries when the server names none.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Throttling and service errors are retried this many times, then shown.
/// (No answer at all is retried for as long as the caller keeps the work.)
pub(crate) const MAX_SERVICE_RETRIES: u32 = 6;

/// Whether a failure is worth trying again without changing the request:
/// no answer (offline, reset, timed out), a busy service (429, 503, 504),
/// or a success whose answer could not be read (the server acted; a create
/// is looked up by its key before it is tried again).
pub(crate) fn retryable(f: &Error) -> bool {
    f.is_offline()
        || f.is_busy()
        || (f.kind == super::model::FailureKind::BadResponse
            && f.status.is_some_and(|s| (200..300).contains(&s)))
}

/// How long to wait before try `attempt` (the first retry is 1): the
/// server's `Retry-After` when it gave one (exactly: it is already capped at
/// 180 s), else 1 s, 2 s, 4 s … up to 60 s, to which `jitter` (any number,
/// e.g. from the caller's random source) adds up to a quarter more, so many
/// clients do not come back in step.
pub(crate) fn wait_for(f: &Error, attempt: u32, jitter: Option<u64>) -> Duration {
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
pub(crate) fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.saturating_sub(1).min(6)).min(MAX_BACKOFF)
}

/// How many tries one piece of work gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Retries after a busy service (429, 503, 504).
    pub(crate) busy: u32,
    /// Retries after no answer at all; `None` is for as long as the work is kept.
    pub(crate) offline: Option<u32>,
    /// Retries of any kind together, if they are capped as one.
    pub(crate) total: Option<u32>,
    /// The request is safe to repeat after a server error too (an upload
    /// chunk: a byte range the session takes again): 500, 502 and 416
    /// (the range moved) retry like a busy service.
    pub(crate) idempotent: bool,
}

impl Limits {
    /// The form and background completion: a busy service a few times, no
    /// answer until the connection returns.
    pub(crate) const KEEP_TRYING: Limits = Limits {
        busy: MAX_SERVICE_RETRIES,
        offline: None,
        total: None,
        idempotent: false,
    };

    /// `n` retries in all (`graft draft --retries`).
    pub fn at_most(n: u32) -> Limits {
        Limits {
            busy: n,
            offline: Some(n),
            total: Some(n),
            idempotent: false,
        }
    }

    /// An upload chunk: `n` retries in all, server errors included.
    pub(crate) fn chunk(n: u32) -> Limits {
        Limits {
            idempotent: true,
            ..Limits::at_most(n)
        }
    }
}

/// The one retry policy as the count of one piece of work's tries: every
/// caller asks it after a failure whether to try again and after how long.
/// Plain data, so the form keeps it in its model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tries {
    pub(crate) limits: Limits,
    /// Retries so far (the next is `attempt + 1`).
    pub(crate) attempt: u32,
    busy: u32,
    offline: u32,
}

impl Tries {
    pub(crate) fn new(limits: Limits) -> Tries {
        Tries {
            limits,
            attempt: 0,
            busy: 0,
            offline: 0,
        }
    }

    /// After failure `f`: how long to wait before trying again, or `None`
    /// when it is not worth trying again (the failure is final, or the
    /// limit for its kind is reached). `jitter` as for [`wait_for`].
    pub(crate) fn after(&mut self, f: &Error, jitter: Option<u64>) -> Option<Duration> {
        let server_error = matches!(f.status, Some(500) | Some(502) | Some(416));
        if !(retryable(f) || (self.limits.idempotent && server_error)) {
            return None;
        }
        let over = if f.is_offline() {
            self.offline += 1;
            self.limits.offline.is_some_and(|n| self.offline > n)
        } else {
            self.busy += 1;
            self.busy > self.limits.busy
        };
        if over || self.limits.total.is_some_and(|n| self.attempt >= n) {
            return None;
        }
        self.attempt += 1;
        Some(wait_for(f, self.attempt, jitter))
    }

    /// Starts counting again (the work succeeded or moved on).
    pub(crate) fn reset(&mut self) {
        *self = Tries::new(self.limits);
    }
}

/// A wait in whole seconds for a countdown, rounded up (so a `Retry-After`
/// of 2.128 s is never cut short), at least one.
pub(crate) fn whole_seconds(d: Duration) -> u64 {
    (d.as_secs_f64().ceil() as u64).max(1)
}

/// Outlook's request-rate limit per app and mailbox: 10,000 requests in
/// any 10 minutes (concepts/throttling-limits.md, Outlook service limits),
/// every request inside a `$batch` counted.
pub(crate) const OUTLOOK_REQUESTS: usize = 10_000;
pub(crate) const OUTLOOK_WINDOW: Duration = Duration::from_secs(600);

/// Paces many requests to one mailbox ahead of Outlook's rate limit, so a
/// long run never meets a burst of 429s: before sending `n` requests, ask
/// [`Pace::wait`] how long to hold them; a 429's `Retry-After` holds every
/// later request at once ([`Pace::throttled`]). Time is passed in, so the
/// policy is testable without a clock.
#[derive(Debug)]
pub(crate) struct Pace {
    limit: usize,
    window: Duration,
    /// When earlier requests left, oldest first, with how many went.
    sent: std::collections::VecDeque<(std::time::Instant, usize)>,
    in_window: usize,
    hold_until: Option<std::time::Instant>,
}

impl Pace {
    /// At most `limit` requests in any `window`.
    pub(crate) fn new(limit: usize, window: Duration) -> Pace {
        Pace {
            limit: limit.max(1),
            window,
            sent: Default::default(),
            in_window: 0,
            hold_until: None,
        }
    }

    /// Outlook's documented limit.
    pub(crate) fn outlook() -> Pace {
        Pace::new(OUTLOOK_REQUESTS, OUTLOOK_WINDOW)
    }

    /// How long to wait before `n` more requests may leave at `now`.
    pub(crate) fn wait(&mut self, n: usize, now: std::time::Instant) -> Duration {
        while let Some(&(t, k)) = self.sent.front() {
            if now.saturating_duration_since(t) < self.window {
                break;
            }
            self.sent.pop_front();
            self.in_window -= k;
        }
        let mut wait = self
            .hold_until
            .map(|t| t.saturating_duration_since(now))
            .unwrap_or_default();
        // The oldest requests must leave the window until `n` more fit.
        let mut over = (self.in_window + n).saturating_sub(self.limit);
        for &(t, k) in &self.sent {
            if over == 0 {
                break;
            }
            wait = wait.max((t + self.window).saturating_duration_since(now));
            over = over.saturating_sub(k);
        }
        wait
    }

    /// `n` requests left at `now`.
    pub(crate) fn sent(&mut self, n: usize, now: std::time::Instant) {
        self.sent.push_back((now, n));
        self.in_window += n;
    }

    /// The service said to wait `retry_after` (from `now`): nothing leaves before.
    pub(crate) fn throttled(&mut self, retry_after: Duration, now: std::time::Instant) {
        let until = now + retry_after;
        self.hold_until = Some(self.hold_until.map_or(until, |t| t.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::FailureKind;

    fn busy(retry_after: Option<Duration>) -> Error {
        Error {
            status: Some(429),
            retry_after,
            ..Error::local(FailureKind::Http, "TooManyRequests", "")
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

    #[test]
    fn tries_count_each_kind_against_its_limit() {
        let offline = Error::local(FailureKind::Network, "ConnectFailed", "");
        let mut t = Tries::new(Limits::KEEP_TRYING);
        for n in 1..=20 {
            assert_eq!(t.after(&offline, None), Some(backoff(n)), "offline: no end");
        }
        for _ in 0..MAX_SERVICE_RETRIES {
            assert!(t.after(&busy(None), None).is_some());
        }
        assert_eq!(t.after(&busy(None), None), None, "busy: a few times");
        let mut t = Tries::new(Limits::at_most(2));
        assert!(t.after(&offline, None).is_some());
        assert!(t.after(&busy(None), None).is_some());
        assert_eq!(t.after(&offline, None), None, "two in all");
        let server = Error {
            status: Some(502),
            ..Error::local(FailureKind::Http, "BadGateway", "")
        };
        assert_eq!(Tries::new(Limits::KEEP_TRYING).after(&server, None), None);
        assert!(Tries::new(Limits::chunk(5)).after(&server, None).is_some());
        let refused = Error {
            status: Some(400),
            ..Error::local(FailureKind::Http, "BadRequest", "")
        };
        assert_eq!(Tries::new(Limits::KEEP_TRYING).after(&refused, None), None);
        t.reset();
        assert_eq!(t.attempt, 0);
    }

    #[test]
    fn pace_keeps_ahead_of_the_window_and_holds_after_a_429() {
        let t0 = std::time::Instant::now();
        let mut p = Pace::new(100, Duration::from_secs(60));
        // Five batches of 20 fit at once; the sixth waits for the first to age out.
        for _ in 0..5 {
            assert_eq!(p.wait(20, t0), Duration::ZERO);
            p.sent(20, t0);
        }
        let later = t0 + Duration::from_secs(10);
        assert_eq!(p.wait(20, later), Duration::from_secs(50));
        // Once the window has moved on, there is room again.
        let after = t0 + Duration::from_secs(60);
        assert_eq!(p.wait(20, after), Duration::ZERO);
        // A 429's Retry-After holds everything, even with room in the window.
        p.throttled(Duration::from_secs(7), after);
        assert_eq!(p.wait(1, after), Duration::from_secs(7));
        assert_eq!(p.wait(1, after + Duration::from_secs(7)), Duration::ZERO);
    }
}
