//! Hooks: caller code that runs around every attempt of every call (metrics, logging, extra
//! headers), registered once on the client builder.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Which attempt of which call a hook is told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operation id, e.g. `get_usage_budget`.
    pub operation: &'a str,
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub number: u32,
}

impl<'a> Attempt<'a> {
    /// Attempt `number` (1 for the first) of a call to `operation`; for testing a hook.
    pub fn new(operation: &'a str, number: u32) -> Self {
        Attempt { operation, number }
    }
}

/// Code that runs around every attempt. Both methods do nothing unless implemented; they run on
/// the task that makes the call, so keep them short.
///
/// Metrics: attempts per operation and status class, and the slowest attempt, registered with a
/// generated crate's `ClientBuilder::hook`.
///
/// ```
/// use finops_client_runtime::{Attempt, Hook};
/// use std::collections::BTreeMap;
/// use std::sync::Mutex;
/// use std::time::Duration;
///
/// #[derive(Default)]
/// struct Metrics {
///     /// (operation, "2xx" / "4xx" / "5xx" / "no response") → attempts
///     attempts: Mutex<BTreeMap<(String, String), u64>>,
///     slowest: Mutex<Duration>,
/// }
///
/// impl Hook for Metrics {
///     fn after_attempt(
///         &self,
///         attempt: &Attempt<'_>,
///         status: Option<reqwest::StatusCode>,
///         _headers: Option<&reqwest::header::HeaderMap>,
///         elapsed: Duration,
///     ) {
///         let class = status.map_or("no response".to_string(), |s| format!("{}xx", s.as_u16() / 100));
///         *self.attempts.lock().unwrap().entry((attempt.operation.to_string(), class)).or_default() += 1;
///         let mut slowest = self.slowest.lock().unwrap();
///         *slowest = (*slowest).max(elapsed);
///     }
/// }
///
/// // In an application: `Client::builder().hook(metrics.clone())` with `metrics: Arc<Metrics>`
/// // (an `Arc` of a hook is a hook). Here the hook is called as the client calls it.
/// let metrics = Metrics::default();
/// let attempt = Attempt::new("get_usage_budget", 1);
/// metrics.after_attempt(&attempt, Some(reqwest::StatusCode::TOO_MANY_REQUESTS), None, Duration::from_millis(40));
/// metrics.after_attempt(&Attempt::new("get_usage_budget", 2), Some(reqwest::StatusCode::OK), None, Duration::from_millis(90));
/// let counted = metrics.attempts.lock().unwrap().clone();
/// assert_eq!(counted[&("get_usage_budget".to_string(), "4xx".to_string())], 1);
/// assert_eq!(counted[&("get_usage_budget".to_string(), "2xx".to_string())], 1);
/// assert_eq!(*metrics.slowest.lock().unwrap(), Duration::from_millis(90));
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Before an attempt is sent, with the request as it will go out (credentials, generated
    /// headers and per-call headers already set); may add or change headers.
    fn before_attempt(&self, attempt: &Attempt<'_>, request: &mut reqwest::Request) {
        let _ = (attempt, request);
    }

    /// After an attempt got a response (any status, before its body is decoded or a retry is
    /// decided), or `status` is `None` when it got none (timeout, connection failure).
    fn after_attempt(
        &self,
        attempt: &Attempt<'_>,
        status: Option<StatusCode>,
        headers: Option<&HeaderMap>,
        elapsed: Duration,
    ) {
        let _ = (attempt, status, headers, elapsed);
    }
}

/// A shared hook is a hook: register `Arc::clone(&metrics)` and keep reading `metrics`.
impl<H: Hook + ?Sized> Hook for Arc<H> {
    fn before_attempt(&self, attempt: &Attempt<'_>, request: &mut reqwest::Request) {
        (**self).before_attempt(attempt, request);
    }

    fn after_attempt(
        &self,
        attempt: &Attempt<'_>,
        status: Option<StatusCode>,
        headers: Option<&HeaderMap>,
        elapsed: Duration,
    ) {
        (**self).after_attempt(attempt, status, headers, elapsed);
    }
}

/// The hooks a client runs, in the order they were registered.
#[derive(Clone, Default)]
pub(crate) struct Hooks(pub(crate) Vec<Arc<dyn Hook>>);

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hook(s)", self.0.len())
    }
}
