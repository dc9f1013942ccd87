//! Options for a single call, overriding the client's settings.

use crate::RetryPolicy;
use std::future::Future;
use std::time::Duration;

/// Per-call overrides of the client's timeout, retry policy and response size limit, passed to a generated
/// `send_with`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) max_response_bytes: Option<u64>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The timeout of each attempt of this call (connect, send, and read the response).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The largest response body this call reads.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// The retry policy of this call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}

tokio::task_local! {
    /// Set while a `send_with` future runs; read by [`crate::execute`] inside it.
    pub(crate) static CALL_OPTIONS: CallOptions;
}

/// Runs `call` with `options` in effect for the requests it makes.
///
/// Generated `send_with` methods use it; the request loop reads the options back. A task-local is
/// used because the request is built and sent by code that takes no extra arguments.
pub async fn with_call_options<F: Future>(options: CallOptions, call: F) -> F::Output {
    CALL_OPTIONS.scope(options, call).await
}

/// The options of the call running on this task, if any.
pub(crate) fn current() -> CallOptions {
    CALL_OPTIONS.try_with(Clone::clone).unwrap_or_default()
}
