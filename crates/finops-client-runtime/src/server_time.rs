//! Instants and waits built from a server's numbers (an OAuth2 `expires_in`, a `Retry-After`).
//!
//! A server can send any number, up to `u64::MAX` seconds. Adding such a number to an instant
//! panics, and obeying it can hold a client for a day or forever. Every instant computed from a
//! server's number is made here, saturating, and every hold a server imposes on later calls is
//! capped at [`MAX_SERVER_HOLD`].

use std::time::Duration;
use tokio::time::Instant;

/// The longest a server's `Retry-After` holds back the later calls of a paced client: one minute,
/// the default [`crate::RetryPolicy::max_elapsed`]. The call that received the `Retry-After` is
/// not retried when its wait would end after its own limit; it returns the 429.
pub const MAX_SERVER_HOLD: Duration = Duration::from_secs(60);

/// About thirty years: as far as an instant is put when the sum does not fit (tokio's own
/// "far future").
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

/// `start + by`, or the far future when the sum does not fit in an instant.
pub(crate) fn later(start: Instant, by: Duration) -> Instant {
    start
        .checked_add(by)
        .or_else(|| start.checked_add(FAR_FUTURE))
        .unwrap_or(start)
}

/// The part of a server's hold that later calls obey: at most [`MAX_SERVER_HOLD`].
pub(crate) fn capped_hold(requested: Duration) -> Duration {
    requested.min(MAX_SERVER_HOLD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_that_do_not_fit_saturate() {
        let now = Instant::now();
        assert_eq!(later(now, Duration::from_secs(5)), now + Duration::from_secs(5));
        assert!(later(now, Duration::from_secs(u64::MAX)) > now + Duration::from_secs(86_400 * 365));
        assert!(later(now, Duration::MAX) > now);
        assert_eq!(capped_hold(Duration::from_secs(86_400)), MAX_SERVER_HOLD);
        assert_eq!(capped_hold(Duration::from_secs(2)), Duration::from_secs(2));
    }
}
