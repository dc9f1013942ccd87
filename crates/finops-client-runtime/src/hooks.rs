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

/// Code that runs around every attempt. Both methods do nothing unless implemented; they run on
/// the task that makes the call, so keep them short.
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

/// The hooks a client runs, in the order they were registered.
#[derive(Clone, Default)]
pub(crate) struct Hooks(pub(crate) Vec<Arc<dyn Hook>>);

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hook(s)", self.0.len())
    }
}
