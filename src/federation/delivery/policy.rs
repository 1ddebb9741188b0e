//! The retry policy: what an inbox's answer means for a delivery, and when to try again.
//!
//! Like Mastodon: 2xx delivered; 410 Gone given up at once; 401, 408, 429, 5xx, timeouts and
//! connection failures retried with exponential back-off for days; any other 4xx (the
//! server understood and refused) retried only a few times. A host failing without a break
//! for [`RetryPolicy::dead_host_after`] is dead: its deliveries fail unsent until it answers
//! again (or `quire queue retry`).

use std::time::Duration;

use rand_core::{OsRng, RngCore};

/// What came back from one attempt (after double-knocking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer<'a> {
    /// The server answered with this status.
    Status(u16),
    /// No answer: DNS, connection, TLS, timeout.
    Transport(&'a str),
    /// quire refused to send (a URL it may not reach, a broken local key): never retried.
    Refused(&'a str),
}

/// What to do with a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Done.
    Delivered,
    /// Try again after this long.
    Retry(Duration),
    /// Give up.
    Failed,
    /// The inbox is gone for good (410): give up, never retry.
    Gone,
}

/// Back-off and giving up. [`RetryPolicy::default`] retries for a little over two days.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Delay after the first failed attempt; doubled after each further one.
    pub first_delay: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
    /// Attempts before a retryable failure becomes `failed`.
    pub max_attempts: u32,
    /// Attempts before a refusal (a 4xx other than 401/408/410/429) becomes `failed`.
    pub max_attempts_refused: u32,
    /// Jitter: each delay is scaled by a random factor in `1 ± jitter`, so a host that was
    /// down does not get every retry in the same second.
    pub jitter: f64,
    /// A host failing without a break for this long is dead.
    pub dead_host_after: Duration,
}

impl Default for RetryPolicy {
    /// 30 s, 1 min, 2 min … capped at 6 h, 18 attempts: the last falls about 2.3 days after
    /// the first; 3 tries for refusals; dead after 3 days of failures.
    fn default() -> Self {
        RetryPolicy {
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(6 * 3600),
            max_attempts: 18,
            max_attempts_refused: 3,
            jitter: 0.2,
            dead_host_after: Duration::from_secs(3 * 24 * 3600),
        }
    }
}

impl RetryPolicy {
    /// The delay after `attempts` failed attempts (1 = after the first), without jitter.
    pub fn base_delay(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(30);
        self.first_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay)
    }

    /// The delay after `attempts` failed attempts, with jitter.
    pub fn delay(&self, attempts: u32) -> Duration {
        let unit = f64::from(OsRng.next_u32()) / f64::from(u32::MAX); // 0..=1
        let factor = 1.0 + self.jitter * (2.0 * unit - 1.0);
        self.base_delay(attempts).mul_f64(factor.max(0.0))
    }

    /// What to do after attempt number `attempts` (1 = the first) got `answer`.
    pub fn judge(&self, attempts: u32, answer: Answer<'_>) -> Verdict {
        let retry_until = |limit: u32| {
            if attempts >= limit {
                Verdict::Failed
            } else {
                Verdict::Retry(self.delay(attempts))
            }
        };
        match answer {
            Answer::Status(s) if (200..300).contains(&s) => Verdict::Delivered,
            Answer::Status(410) => Verdict::Gone,
            Answer::Status(401 | 408 | 429) => retry_until(self.max_attempts),
            Answer::Status(s) if (400..500).contains(&s) => retry_until(self.max_attempts_refused),
            Answer::Status(_) | Answer::Transport(_) => retry_until(self.max_attempts),
            Answer::Refused(_) => Verdict::Failed,
        }
    }

    /// Whether a host whose failures began at `failing_since` is dead at `now` (unix secs).
    pub fn host_is_dead(&self, failing_since: Option<i64>, now: i64) -> bool {
        failing_since.is_some_and(|since| now - since >= self.dead_host_after.as_secs() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_caps_and_lasts_two_days() {
        let p = RetryPolicy::default();
        assert_eq!(p.base_delay(1), Duration::from_secs(30));
        assert_eq!(p.base_delay(2), Duration::from_secs(60));
        assert_eq!(p.base_delay(3), Duration::from_secs(120));
        assert_eq!(p.base_delay(40), Duration::from_secs(6 * 3600));
        let total: Duration = (1..p.max_attempts).map(|n| p.base_delay(n)).sum();
        assert!(total >= Duration::from_secs(2 * 24 * 3600), "{total:?}");
        assert!(p.max_attempts >= 14);
        for n in 1..20 {
            let d = p.delay(n).as_secs_f64();
            let b = p.base_delay(n).as_secs_f64();
            assert!(d >= b * 0.79 && d <= b * 1.21, "{n}: {d} vs {b}");
        }
    }

    #[test]
    fn answers_map_to_verdicts() {
        let p = RetryPolicy::default();
        assert_eq!(p.judge(1, Answer::Status(202)), Verdict::Delivered);
        assert_eq!(p.judge(1, Answer::Status(410)), Verdict::Gone);
        assert!(matches!(p.judge(1, Answer::Status(500)), Verdict::Retry(_)));
        assert!(matches!(p.judge(5, Answer::Status(429)), Verdict::Retry(_)));
        assert!(matches!(
            p.judge(1, Answer::Transport("timeout")),
            Verdict::Retry(_)
        ));
        assert_eq!(p.judge(18, Answer::Status(503)), Verdict::Failed);
        assert!(matches!(p.judge(2, Answer::Status(404)), Verdict::Retry(_)));
        assert_eq!(p.judge(3, Answer::Status(404)), Verdict::Failed);
        assert_eq!(
            p.judge(1, Answer::Refused("private address")),
            Verdict::Failed
        );
    }

    #[test]
    fn a_host_is_dead_after_three_days_of_failures() {
        let p = RetryPolicy::default();
        assert!(!p.host_is_dead(None, 1_000_000));
        assert!(!p.host_is_dead(Some(1_000_000 - 3600), 1_000_000));
        assert!(p.host_is_dead(Some(1_000_000 - 3 * 86400), 1_000_000));
    }
}
