//! Options for a single call, overriding the client's settings.

use crate::{Error, RetryPolicy};
use reqwest::header::{HeaderName, HeaderValue};
use std::future::Future;
use std::time::Duration;

/// Per-call options, passed to a generated `send_with`: extra headers, and overrides of the
/// client's timeout, retry policy and response size limit. Dropping the call's future cancels it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) max_response_bytes: Option<u64>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// Where to send the request instead of the URL the operation builds: a next link.
    pub(crate) url: Option<reqwest::Url>,
    /// Why a header cannot be sent; the call fails with it before anything is sent.
    pub(crate) problem: Option<String>,
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

    /// Sends header `name: value` with every attempt of this call, replacing a value the client
    /// would set (a generated request id, for one, is then the caller's and never renewed). A
    /// name or value that cannot be sent as given fails the call before anything is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::try_from(name),
            crate::outgoing::checked_header_value(name, value),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.retain(|(n, _)| *n != name);
                self.headers.push((name, value));
            }
            (Err(_), _) => {
                self.problem
                    .get_or_insert_with(|| format!("`{name}` cannot be sent as a header name"));
            }
            (_, Err(why)) => {
                self.problem.get_or_insert(why);
            }
        }
        self
    }

    /// Sends the request to `url` instead of the URL the operation builds (a next link, an
    /// operation's address).
    pub(crate) fn at_url(mut self, url: reqwest::Url) -> Self {
        self.url = Some(url);
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
///
/// A header that cannot be sent fails the call with [`Error::InvalidRequest`] before it starts.
pub async fn with_call_options<T, E, F>(options: CallOptions, call: F) -> Result<T, Error<E>>
where
    F: Future<Output = Result<T, Error<E>>>,
{
    if let Some(problem) = &options.problem {
        return Err(Error::InvalidRequest(problem.clone()));
    }
    CALL_OPTIONS.scope(options, call).await
}

/// The options of the call running on this task, if any.
pub(crate) fn current() -> CallOptions {
    CALL_OPTIONS.try_with(Clone::clone).unwrap_or_default()
}
