//! The pacer a client and all its clones share: a schedule of slots per limit and scope, slowed by
//! a 429 and recovered by successes, and an optional cap on the attempts in flight.
//!
//! A limit of `n` requests per window `W` is kept by slots every `(W + τ) / n`, each of which may
//! be taken up to `τ = min(20 ms, W / 40)` early (less a millisecond for the clock's resolution):
//! a call that wakes late for its slot takes it without pushing the later slots back, no window
//! of length `W` admits more than `n` calls, and no call goes out more than `τ` before its slot.
//! The pace is thus at least `W / (W + τ)` of the limit (97.5 % or more; 98 % for a limit per
//! second, all but 0.03 % for one per minute), however late the timer wakes within `τ`.

use super::RateLimit;
use super::learned::LearnedPace;
use super::limit::RateScope;
use crate::operation::OperationSpec;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How far a 429 may slow a scope down: to 1/16 of its limit.
const SLOWEST: u32 = 16;
/// How much of its limit a scope regains with each success after a 429: 1/32.
const RECOVERY_STEPS: f64 = 32.0;

/// The pacing of one client: its rate limits, whether they adapt, and its concurrency cap.
pub(crate) struct Pacer {
    limits: Vec<PacedLimit>,
    adaptive: bool,
    /// The pace learned from 429s for calls no limit covers; with adaptive pacing only.
    learned: Option<LearnedPace>,
    in_flight: Option<Arc<Semaphore>>,
    clock: PacingClock,
}

/// One limit and the paces of the scopes it has seen (one for an account-wide limit).
struct PacedLimit {
    limit: RateLimit,
    scopes: Mutex<Scopes>,
}

/// The paces of one limit's scopes. A scope that has been idle for an interval at its normal
/// pace is forgotten when the map is swept: its bucket is full again, so a new pace for it is
/// the same. A sweep runs when the map has doubled since the last one, so memory follows the
/// scopes in use (the customers called lately), not every customer ever called.
struct Scopes {
    paces: HashMap<String, Arc<ScopePace>>,
    sweep_at: usize,
}

/// The smallest map that is swept.
const SWEEP_FROM: usize = 1024;

/// The pace of one scope of one limit.
struct ScopePace {
    /// The limit's own interval between calls, which recovery returns to.
    base: Duration,
    /// How early a call may take its slot (see the module's docs).
    tolerance: Duration,
    state: Mutex<PaceState>,
}

struct PaceState {
    /// The interval in force: the limit's, or longer after a 429.
    interval: Duration,
    /// The schedule at that interval.
    slots: Arc<Slots>,
    /// Nothing is sent in this scope before this clock reading (a `Retry-After`, or one
    /// interval after the last call when the pace changes).
    resume_at: Duration,
    last_admitted: Option<Duration>,
}

/// The pacer's clock, read from tokio's: waits are tokio sleeps, so a paused test clock paces
/// calls exactly as wall time would.
///
/// It reads whole milliseconds, the resolution of tokio's timer, which wakes a sleep up to a
/// millisecond after its deadline. Read to the nanosecond, that lateness would push every later
/// slot back with it (calls every 10 ms would go out every 11); read to the millisecond, a call
/// woken within the millisecond of its slot takes that slot.
#[derive(Debug, Clone, Copy)]
struct PacingClock {
    start: tokio::time::Instant,
}

impl PacingClock {
    fn now(&self) -> Duration {
        let elapsed = self.start.elapsed();
        elapsed - Duration::from_nanos(u64::from(elapsed.subsec_nanos() % 1_000_000))
    }
}

/// What one attempt was admitted under; dropping it frees its place under the concurrency cap.
pub(crate) struct Admission {
    _permit: Option<OwnedSemaphorePermit>,
    /// The paces the attempt counted against, each marked whether its scope is keyed.
    paces: Vec<(Arc<ScopePace>, bool)>,
    /// When the attempt was admitted under the learned pace, if no limit covered it.
    learned_at: Option<Duration>,
    /// How long the attempt waited for its place and slots.
    pub(crate) waited: Duration,
}

impl Pacer {
    /// A pacer for `limits` (already checked), or `None` when there is nothing to pace.
    pub(crate) fn new(limits: Vec<RateLimit>, adaptive: bool, max_in_flight: Option<usize>) -> Option<Self> {
        if limits.is_empty() && max_in_flight.is_none() && !adaptive {
            return None;
        }
        Some(Self {
            limits: limits
                .into_iter()
                .map(|limit| PacedLimit {
                    limit,
                    scopes: Mutex::new(Scopes {
                        paces: HashMap::new(),
                        sweep_at: SWEEP_FROM,
                    }),
                })
                .collect(),
            adaptive,
            learned: adaptive.then(LearnedPace::default),
            in_flight: max_in_flight.map(|n| Arc::new(Semaphore::new(n.max(1)))),
            clock: PacingClock {
                start: tokio::time::Instant::now(),
            },
        })
    }

    /// Waits for a place under the concurrency cap, then for a slot in every limit that applies
    /// to this attempt of `operation` sent to `url`.
    pub(crate) async fn admit(&self, operation: &OperationSpec, url: &reqwest::Url) -> Admission {
        let started = tokio::time::Instant::now();
        let permit = match &self.in_flight {
            // The semaphore is never closed.
            Some(semaphore) => semaphore.clone().acquire_owned().await.ok(),
            None => None,
        };
        let mut paces = Vec::new();
        for paced in self.limits.iter().filter(|paced| paced.limit.applies_to(operation.id)) {
            let (key, keyed) = match paced.limit.scope() {
                RateScope::Account => (String::new(), false),
                RateScope::PathParameter(name) => (path_value(operation.path, url, name).unwrap_or_default(), true),
            };
            let pace = paced.pace_for(key, self.clock);
            pace.wait(&self.clock).await;
            paces.push((pace, keyed));
        }
        let mut learned_at = None;
        if let Some(learned) = self.learned.as_ref().filter(|_| paces.is_empty()) {
            let now = self.clock.now();
            let slot = learned.slot(now);
            if slot > now {
                tokio::time::sleep(slot - now).await;
            }
            learned_at = Some(slot);
        }
        Admission {
            _permit: permit,
            paces,
            learned_at,
            waited: started.elapsed(),
        }
    }

    /// Adapts the paces an attempt counted against to its answer: a 429 slows its narrowest
    /// scopes (those keyed by a parameter, if any applied, else the account's) and holds them
    /// back for its `Retry-After`; a success brings them back towards their limits.
    pub(crate) fn observe(
        &self,
        admission: &Admission,
        status: reqwest::StatusCode,
        headers: &reqwest::header::HeaderMap,
    ) {
        if !self.adaptive {
            return;
        }
        let now = self.clock.now();
        if let (Some(learned), Some(admitted_at)) = (&self.learned, admission.learned_at) {
            if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                let retry_after = crate::retry::retry_after(headers, std::time::SystemTime::now());
                let hold = crate::server_time::capped_hold(retry_after.unwrap_or_default());
                learned.refused(now, admitted_at, hold);
            } else if status.is_success() {
                learned.succeeded(now);
            }
            return;
        }
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            let retry_after = crate::retry::retry_after(headers, std::time::SystemTime::now());
            let any_keyed = admission.paces.iter().any(|(_, keyed)| *keyed);
            for (pace, keyed) in &admission.paces {
                if *keyed == any_keyed {
                    pace.slow_down(now, retry_after);
                }
            }
        } else if status.is_success() {
            for (pace, _) in &admission.paces {
                pace.recover(now);
            }
        }
    }
}

impl PacedLimit {
    fn pace_for(&self, key: String, clock: PacingClock) -> Arc<ScopePace> {
        let mut scopes = self.scopes.lock().unwrap_or_else(PoisonError::into_inner);
        if scopes.paces.len() >= scopes.sweep_at {
            let now = clock.now();
            // A pace an attempt still holds (waiting or in flight) is kept whatever its state.
            scopes
                .paces
                .retain(|_, pace| Arc::strong_count(pace) > 1 || !pace.idle(now));
            scopes.sweep_at = (scopes.paces.len() * 2).max(SWEEP_FROM);
        }
        scopes
            .paces
            .entry(key)
            .or_insert_with(|| {
                let (base, tolerance) = schedule(&self.limit);
                Arc::new(ScopePace::new(base, tolerance))
            })
            .clone()
    }

    /// How many scopes this limit keeps a pace for.
    #[cfg(test)]
    fn scopes(&self) -> usize {
        self.scopes.lock().unwrap_or_else(PoisonError::into_inner).paces.len()
    }
}

impl ScopePace {
    fn new(base: Duration, tolerance: Duration) -> Self {
        Self {
            base,
            tolerance,
            state: Mutex::new(PaceState {
                interval: base,
                slots: Arc::new(Slots::new(base, tolerance)),
                resume_at: Duration::ZERO,
                last_admitted: None,
            }),
        }
    }

    /// At its normal pace, not held back, and unused for at least one interval: a new pace
    /// would behave the same.
    fn idle(&self, now: Duration) -> bool {
        let state = self.state();
        state.interval <= self.base
            && state.resume_at <= now
            && state
                .last_admitted
                .is_none_or(|last| now.saturating_sub(last) >= state.interval)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, PaceState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until this scope admits one more call, and takes its slot.
    async fn wait(&self, clock: &PacingClock) {
        loop {
            let (slots, resume_at) = {
                let state = self.state();
                (state.slots.clone(), state.resume_at)
            };
            let now = clock.now();
            if resume_at > now {
                tokio::time::sleep(resume_at - now).await;
                continue;
            }
            match slots.take(now) {
                Ok(()) => {
                    let mut state = self.state();
                    // The pace may have changed while this call waited: the slot was taken
                    // from a schedule no longer in force, so wait for the current one.
                    if Arc::ptr_eq(&state.slots, &slots) {
                        state.last_admitted = Some(now);
                        return;
                    }
                }
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    fn slow_down(&self, now: Duration, retry_after: Option<Duration>) {
        let mut state = self.state();
        let slowest = self.base.saturating_mul(SLOWEST);
        let interval = state.interval.saturating_mul(2).min(slowest);
        state.set_interval(interval, self.tolerance);
        // The server's number holds back every later call of this scope: capped.
        let hold = crate::server_time::capped_hold(retry_after.unwrap_or(interval));
        state.resume_at = state.resume_at.max(now.saturating_add(hold));
    }

    fn recover(&self, now: Duration) {
        let mut state = self.state();
        if state.interval <= self.base || now < state.resume_at {
            return;
        }
        let base_rate = 1.0 / self.base.as_secs_f64();
        let rate = (1.0 / state.interval.as_secs_f64() + base_rate / RECOVERY_STEPS).min(base_rate);
        let interval = Duration::try_from_secs_f64(1.0 / rate)
            .unwrap_or(self.base)
            .max(self.base);
        state.set_interval(interval, self.tolerance);
    }
}

impl PaceState {
    /// Puts a new pace in force. A new schedule starts free, so the next call is held back until
    /// one interval after the last one admitted.
    fn set_interval(&mut self, interval: Duration, tolerance: Duration) {
        self.interval = interval;
        self.slots = Arc::new(Slots::new(interval, tolerance));
        if let Some(last) = self.last_admitted {
            self.resume_at = self.resume_at.max(last.saturating_add(interval));
        }
    }
}

/// The most a call may take its slot early, whatever the window.
const MAX_TOLERANCE: Duration = Duration::from_millis(20);

/// How `limit` is paced: the interval between slots, and how early a call may take its slot
/// (see the module's docs).
fn schedule(limit: &RateLimit) -> (Duration, Duration) {
    let window = limit.per();
    let tolerance = MAX_TOLERANCE.min(window / 40);
    // `requests` is positive: limits that admit nothing are refused when the client is built.
    let interval = window.saturating_add(tolerance) / limit.requests().max(1);
    (interval, tolerance)
}

/// The slots of one pace: one every `interval` (a generic cell rate algorithm, by virtual
/// scheduling), each of which may be taken `tolerance` early, less the clock's resolution.
struct Slots {
    interval: Duration,
    tolerance: Duration,
    /// The theoretical time of the next slot.
    next: Mutex<Duration>,
}

/// The pacing clock's resolution, kept out of the tolerance so that a call the clock reads early
/// by it cannot crowd a window.
const CLOCK_RESOLUTION: Duration = Duration::from_millis(1);

impl Slots {
    fn new(interval: Duration, tolerance: Duration) -> Self {
        let tolerance = tolerance.min(interval).saturating_sub(CLOCK_RESOLUTION);
        Self {
            interval,
            tolerance,
            next: Mutex::new(Duration::ZERO),
        }
    }

    /// Takes a slot at `now`, or says how long until one can be taken.
    fn take(&self, now: Duration) -> Result<(), Duration> {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let earliest = next.saturating_sub(self.tolerance);
        if now < earliest {
            return Err(earliest - now);
        }
        *next = (*next).max(now).saturating_add(self.interval);
        Ok(())
    }
}

/// The value of path parameter `name` in `url`: the URL's segment at the place `{name}` holds
/// in the operation's path template, counted from the end (the base URL may add a prefix).
/// `None` when the template has no such parameter or the URL does not follow it (a next link).
fn path_value(template: &str, url: &reqwest::Url, name: &str) -> Option<String> {
    let wanted = format!("{{{name}}}");
    let template: Vec<&str> = template.trim_matches('/').split('/').collect();
    let from_end = template.len() - template.iter().position(|segment| *segment == wanted)?;
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let index = segments.len().checked_sub(from_end)?;
    Some(segments[index].to_string())
}

impl fmt::Debug for Pacer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limits: Vec<String> = self.limits.iter().map(|paced| paced.limit.to_string()).collect();
        f.debug_struct("Pacer")
            .field("limits", &limits)
            .field("adaptive", &self.adaptive)
            .field("max_in_flight", &self.in_flight.as_ref().map(|_| "capped"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_values_are_read_from_the_end_of_the_url() {
        let url = reqwest::Url::parse("https://example.com/proxy/v1/customers/abc%20d/usagebudget").unwrap();
        let template = "/v1/customers/{customer-tenant-id}/usagebudget";
        assert_eq!(
            path_value(template, &url, "customer-tenant-id").as_deref(),
            Some("abc%20d")
        );
        assert_eq!(path_value(template, &url, "other"), None);
        let trailing = reqwest::Url::parse("https://example.com/api/users/cus_1/").unwrap();
        assert_eq!(
            path_value("/api/users/{customer_identifier}/", &trailing, "customer_identifier").as_deref(),
            Some("cus_1")
        );
        let short = reqwest::Url::parse("https://example.com/x").unwrap();
        assert_eq!(path_value(template, &short, "customer-tenant-id"), None);
    }

    /// Callers that wake late for their slot, by less than the tolerance, one after another: the
    /// pace holds at 97.5 % of the limit or more, and no window of the limit's length sees more
    /// than the limit.
    #[test]
    fn late_wake_ups_keep_the_pace_and_no_window_exceeds_the_limit() {
        let cases = [
            (40, Duration::from_secs(1)),
            (2, Duration::from_secs(1)),
            (10, Duration::from_secs(1)),
            (500, Duration::from_secs(60)),
            (60, Duration::from_secs(60)),
            (1, Duration::from_millis(400)),
        ];
        let mut random = fastrand::Rng::with_seed(7);
        for (requests, window) in cases {
            let (interval, tolerance) = schedule(&RateLimit::new("test", requests, window));
            let slots = Slots::new(interval, tolerance);
            let late = u64::try_from(slots.tolerance.as_micros()).unwrap_or(0).max(1);
            let mut now = Duration::ZERO;
            let mut sent = Vec::new();
            while sent.len() < 400 {
                match slots.take(now) {
                    Ok(()) => sent.push(now),
                    Err(wait) => now += wait + Duration::from_micros(random.u64(0..late)),
                }
            }
            for (i, start) in sent.iter().enumerate() {
                let within = sent[i..].iter().take_while(|t| **t < *start + window).count();
                assert!(
                    within <= requests as usize,
                    "{requests} per {window:?}: {within} in the window from {start:?}"
                );
            }
            let elapsed = sent[sent.len() - 1] - sent[0];
            let rate = (sent.len() - 1) as f64 / elapsed.as_secs_f64();
            let limit = f64::from(requests) / window.as_secs_f64();
            assert!(rate >= 0.975 * limit, "{requests} per {window:?}: {rate} a second");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn idle_scopes_are_forgotten_and_busy_ones_kept() {
        let clock = PacingClock {
            start: tokio::time::Instant::now(),
        };
        let limit = PacedLimit {
            limit: RateLimit::per_second("test", 10.0).per_path_parameter("customer"),
            scopes: Mutex::new(Scopes {
                paces: HashMap::new(),
                sweep_at: SWEEP_FROM,
            }),
        };
        let held = limit.pace_for("held".into(), clock);
        for n in 0..100_000 {
            let pace = limit.pace_for(format!("customer-{n}"), clock);
            pace.wait(&clock).await;
            tokio::time::advance(Duration::from_millis(1)).await;
        }
        // Calls every millisecond against a 100 ms interval: about the last hundred scopes are
        // recent, and the map never grew far past them.
        assert!(limit.scopes() < 4 * SWEEP_FROM, "{} scopes kept", limit.scopes());
        let again = limit.pace_for("held".into(), clock);
        assert!(Arc::ptr_eq(&held, &again), "a pace in use was forgotten");
    }
}
