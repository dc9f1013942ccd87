//! Which failures are retried, and how long to wait before the next attempt.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime};

/// When and how often a call is retried.
///
/// - 429 and 503 are always retried: the server did not act on the request.
/// - 408, 502 and 504, and failures with no response (connection refused or reset, timeouts),
///   are retried only when repeating the request is safe: an idempotent method, or a request that
///   carries the API's idempotency key.
/// - The wait is the response's `Retry-After` (seconds or an HTTP-date) when present, else
///   exponential backoff with jitter.
/// - A retry whose wait would end after [`RetryPolicy::max_elapsed`] is not made: the last
///   response or error is returned instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, backoff from 500 ms up to 8 s, at most 60 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

/// What one attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome<'a> {
    Response(StatusCode, &'a HeaderMap),
    /// No response: the connection failed or the attempt timed out.
    NoResponse,
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry; it doubles for each later one.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff between two attempts (a `Retry-After` may ask for longer).
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest a call may spend, waits included, before it stops retrying.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Total attempts, the first included.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to wait before attempt `attempt + 1`, or `None` to stop and return `outcome`.
    pub(crate) fn next_delay(
        &self,
        outcome: Outcome<'_>,
        repeat_is_safe: bool,
        attempt: u32,
        elapsed: Duration,
        now: SystemTime,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let retry_after = match outcome {
            Outcome::Response(status, headers) => {
                let always = matches!(status.as_u16(), 429 | 503);
                let if_safe = matches!(status.as_u16(), 408 | 502 | 504);
                if !(always || (if_safe && repeat_is_safe)) {
                    return None;
                }
                retry_after(headers, now)
            }
            Outcome::NoResponse if repeat_is_safe => None,
            Outcome::NoResponse => return None,
        };
        let delay = retry_after.unwrap_or_else(|| self.backoff(attempt));
        // `Retry-After` is the server's number: the sum may not fit in a `Duration`.
        let retry_ends = elapsed.checked_add(delay)?;
        (retry_ends <= self.max_elapsed).then_some(delay)
    }

    /// Exponential backoff with "equal jitter": a random wait between half and all of
    /// `initial_backoff * 2^(attempt - 1)`, capped at `max_backoff`.
    fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let full = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        let half = full / 2;
        let jitter_nanos = fastrand::u64(0..=u64::try_from(half.as_nanos()).unwrap_or(u64::MAX));
        half + Duration::from_nanos(jitter_nanos)
    }
}

/// The wait a `Retry-After` header asks for: delta-seconds, or an HTTP-date (a date in the past
/// means no wait). `None` when the header is absent or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: Option<&str>) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Some(value) = retry_after {
            map.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn delay(
        policy: &RetryPolicy,
        status: u16,
        safe: bool,
        attempt: u32,
        retry_after: Option<&str>,
    ) -> Option<Duration> {
        let headers = headers(retry_after);
        policy.next_delay(
            Outcome::Response(StatusCode::from_u16(status).unwrap(), &headers),
            safe,
            attempt,
            Duration::ZERO,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000),
        )
    }

    #[test]
    fn which_statuses_are_retried() {
        let policy = RetryPolicy::default();
        for status in [429, 503] {
            assert!(delay(&policy, status, false, 1, None).is_some(), "{status}");
        }
        for status in [408, 502, 504] {
            assert!(delay(&policy, status, false, 1, None).is_none(), "{status} unsafe");
            assert!(delay(&policy, status, true, 1, None).is_some(), "{status} safe");
        }
        for status in [200, 400, 401, 404, 409, 422, 500, 501] {
            assert!(delay(&policy, status, true, 1, None).is_none(), "{status}");
        }
    }

    #[test]
    fn no_response_is_retried_only_when_safe() {
        let policy = RetryPolicy::default();
        let now = SystemTime::now();
        assert!(
            policy
                .next_delay(Outcome::NoResponse, false, 1, Duration::ZERO, now)
                .is_none()
        );
        assert!(
            policy
                .next_delay(Outcome::NoResponse, true, 1, Duration::ZERO, now)
                .is_some()
        );
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let policy = RetryPolicy::default();
        assert_eq!(delay(&policy, 429, false, 1, Some("7")), Some(Duration::from_secs(7)));
        // 1_000_000_000 s after the epoch is Sun, 09 Sep 2001 01:46:40 GMT.
        assert_eq!(
            delay(&policy, 429, false, 1, Some("Sun, 09 Sep 2001 01:46:42 GMT")),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            delay(&policy, 429, false, 1, Some("Sun, 09 Sep 2001 01:46:00 GMT")),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn attempts_and_total_time_are_bounded() {
        let policy = RetryPolicy::default()
            .max_attempts(2)
            .max_elapsed(Duration::from_secs(10));
        assert!(delay(&policy, 429, false, 1, Some("1")).is_some());
        assert!(delay(&policy, 429, false, 2, Some("1")).is_none());
        assert!(
            delay(&policy, 429, false, 1, Some("11")).is_none(),
            "wait beyond max_elapsed"
        );
        assert!(delay(&RetryPolicy::disabled(), 429, true, 1, None).is_none());
    }

    #[test]
    fn a_retry_after_too_large_for_any_clock_is_not_waited_for() {
        let huge = u64::MAX.to_string();
        let headers = headers(Some(&huge));
        let outcome = Outcome::Response(StatusCode::TOO_MANY_REQUESTS, &headers);
        let now = SystemTime::now();
        for policy in [
            RetryPolicy::default(),
            RetryPolicy::default().max_elapsed(Duration::MAX),
        ] {
            for elapsed in [Duration::ZERO, Duration::from_secs(1), Duration::MAX] {
                let delay = policy.next_delay(outcome, true, 1, elapsed, now);
                if policy.max_elapsed == Duration::MAX && elapsed == Duration::ZERO {
                    assert_eq!(delay, Some(Duration::from_secs(u64::MAX)));
                } else {
                    assert_eq!(delay, None, "{policy:?} after {elapsed:?}");
                }
            }
        }
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = policy.backoff(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = policy.backoff(10);
            assert!(capped >= Duration::from_millis(175) && capped <= Duration::from_millis(350));
        }
    }
}
