//! The pace learned from a server's 429s, for calls no documented limit covers.
//!
//! When a vendor publishes no rate limit, the client sends as fast as it is asked until the
//! server refuses. From the first 429 on, such calls are paced at a rate the server's answers
//! teach, as AWS's adaptive retry mode does: a 429 cuts the rate to [`DECREASE`] of what was being
//! sent in the last second (or of the learned rate, if lower), and holds calls back for its
//! `Retry-After` (capped, see [`crate::MAX_SERVER_HOLD`]); while calls succeed, the rate grows by
//! [`GROWTH_PER_SECOND`] of the rate set at the last cut, each second. A 429 answering a call that
//! was admitted before the last cut says nothing new (it was sent at the old rate) and only holds.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// What a 429 leaves of the rate: 70%, as AWS's adaptive mode (its CUBIC β).
const DECREASE: f64 = 0.7;
/// How fast the rate grows back while calls succeed: 5% of the rate after the last cut, each
/// second. Against a server that admits R a second, the rate climbs from 0.7 R back to R in
/// about six seconds, so about one call in 200 meets a 429.
const GROWTH_PER_SECOND: f64 = 0.05;
/// The slowest learned pace: one call every ten seconds.
const MIN_RATE: f64 = 0.1;
/// How far back the rate that was being sent is measured.
const WINDOW: Duration = Duration::from_secs(1);

/// The learned pace of one client and its clones.
#[derive(Default)]
pub(crate) struct LearnedPace {
    /// Set by the first 429; until then calls pass without taking the lock.
    engaged: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Calls a second; `None` until the first 429.
    rate: Option<f64>,
    /// The rate the last cut set, which growth is measured from.
    floor: f64,
    /// When the rate was last changed.
    changed_at: Duration,
    /// When the rate was last cut: a 429 for a call admitted before it is old news.
    cut_at: Option<Duration>,
    /// The earliest moment the next call may go.
    next_slot: Duration,
    /// Nothing is sent before this moment (a `Retry-After`).
    resume_at: Duration,
    /// When the calls of the last [`WINDOW`] were admitted.
    recent: VecDeque<Duration>,
}

impl LearnedPace {
    /// When a call arriving at `now` may go, taking that slot; `now` itself before the first
    /// 429. The admission is recorded either way, to know the rate that was being sent.
    pub(crate) fn slot(&self, now: Duration) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while state.recent.front().is_some_and(|t| now.saturating_sub(*t) >= WINDOW) {
            state.recent.pop_front();
        }
        let Some(rate) = state.rate else {
            state.recent.push_back(now);
            return now;
        };
        let slot = now.max(state.next_slot).max(state.resume_at);
        state.next_slot = slot + Duration::from_secs_f64(1.0 / rate);
        state.recent.push_back(slot);
        slot
    }

    /// Whether any 429 has been seen: until then [`Self::slot`] is only bookkeeping, and calls
    /// skip it while the client sends below any measurable rate.
    pub(crate) fn engaged(&self) -> bool {
        self.engaged.load(Ordering::Relaxed)
    }

    /// A 429 answered a call admitted at `admitted_at`, holding calls back for `hold`.
    pub(crate) fn refused(&self, now: Duration, admitted_at: Duration, hold: Duration) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.resume_at = state.resume_at.max(now.saturating_add(hold));
        self.engaged.store(true, Ordering::Relaxed);
        if state.cut_at.is_some_and(|cut| admitted_at < cut) {
            return;
        }
        let sent = state.recent.len() as f64 / WINDOW.as_secs_f64();
        let rate = state.rate.map_or(sent, |rate| rate.min(sent.max(MIN_RATE)));
        let rate = (rate * DECREASE).max(MIN_RATE);
        state.rate = Some(rate);
        state.floor = rate;
        state.changed_at = now;
        state.cut_at = Some(now);
        // The next call waits one new interval after the hold, not a burst of old slots.
        state.next_slot = state.resume_at.max(now) + Duration::from_secs_f64(1.0 / rate);
    }

    /// A call succeeded: the rate grows with the time since it last changed.
    pub(crate) fn succeeded(&self, now: Duration) {
        if !self.engaged() {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(rate) = state.rate else { return };
        let elapsed = now.saturating_sub(state.changed_at).as_secs_f64();
        if elapsed <= 0.0 {
            return;
        }
        state.rate = Some(rate + GROWTH_PER_SECOND * state.floor * elapsed);
        state.changed_at = now;
    }

    /// The learned rate, calls a second; `None` before the first 429.
    #[cfg(test)]
    fn rate(&self) -> Option<f64> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn nothing_is_paced_before_the_first_429() {
        let pace = LearnedPace::default();
        for n in 0..100 {
            assert_eq!(pace.slot(ms(n)), ms(n));
        }
        assert_eq!(pace.rate(), None);
        assert!(!pace.engaged());
    }

    #[test]
    fn a_429_cuts_to_seventy_percent_of_the_rate_sent_and_holds() {
        let pace = LearnedPace::default();
        // 50 calls in the last second.
        for n in 0..50 {
            pace.slot(ms(n * 20));
        }
        pace.refused(ms(1000), ms(990), Duration::from_secs(1));
        assert!((pace.rate().unwrap() - 35.0).abs() < 1e-9);
        // Held for the second, then one call every 1/35 s.
        let first = pace.slot(ms(1000));
        let second = pace.slot(ms(1000));
        assert!(first >= ms(2000), "{first:?}");
        assert_eq!(second - first, Duration::from_secs_f64(1.0 / 35.0));
        // A 429 for a call admitted before the cut holds, and does not cut again.
        pace.refused(ms(1001), ms(999), Duration::ZERO);
        assert!((pace.rate().unwrap() - 35.0).abs() < 1e-9);
    }

    #[test]
    fn successes_grow_the_rate_with_time() {
        let pace = LearnedPace::default();
        for n in 0..10 {
            pace.slot(ms(n * 100));
        }
        pace.refused(ms(1000), ms(900), Duration::ZERO);
        let cut = pace.rate().unwrap();
        pace.succeeded(ms(3000));
        let grown = pace.rate().unwrap();
        assert!(
            (grown - cut * (1.0 + 2.0 * GROWTH_PER_SECOND)).abs() < 1e-9,
            "{cut} {grown}"
        );
    }
}
