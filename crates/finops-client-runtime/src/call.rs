//! Options for a single call, overriding the client's settings.

use crate::{Error, RetryPolicy};
use reqwest::header::{HeaderName, HeaderValue};
use std::future::Future;
use std::time::Duration;

/// Per-call options, passed to a generated `send_with`: overrides of the client's timeout, retry
/// policy and response size limit, and the escape hatches for what the spec does not (yet)
/// document: extra headers, query parameters and JSON body fields. Dropping the call's future
/// cancels it.
///
/// An extra value that cannot be sent as given, or that takes the name of something the spec
/// documents for the operation (use the operation's own setter for that), fails the call with
/// [`Error::InvalidRequest`] before anything is sent.
///
/// ```
/// use finops_client_runtime::CallOptions;
///
/// let options = CallOptions::new()
///     .query("include_archived", &true)
///     .body_field("cost_center", &"CC-1234")
///     .header("X-Support-Ticket", "4711");
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) max_response_bytes: Option<u64>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// Extra query parameters: each name, and its `name=value` pair as the client encodes it.
    pub(crate) query: Vec<(String, String)>,
    /// Extra top-level fields of the JSON request body.
    pub(crate) body_fields: Vec<(String, serde_json::Value)>,
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

    /// Sends header `name: value` with every attempt of this call. For a header the client
    /// generates (a request id) or the operation's idempotency key, the value is the caller's
    /// and never renewed. Refused before anything is sent: a name or value that cannot be sent
    /// as given, another header parameter the spec documents for the operation (its setter takes
    /// it), and the headers the client owns (`Authorization`: the client's credentials;
    /// `Content-Type`, `Content-Length`, `Host`, `Transfer-Encoding`).
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

    /// Adds query parameter `name` with `value`, written as the client writes a documented one
    /// (`true`, `25`, `2.5`, text percent-encoded), after the documented ones. Refused before
    /// anything is sent: a name the spec documents for the operation, or one the client already
    /// sends (a default query parameter such as an API key); a float that is not finite; a value
    /// that is not a single scalar. On the pages that follow a next link the parameter is added
    /// only where the link does not already carry it.
    pub fn query(mut self, name: &str, value: &(impl serde::Serialize + ?Sized)) -> Self {
        let pair = crate::finite::check(value)
            .map_err(|e| e.to_string())
            .and_then(|()| serde_urlencoded::to_string([(name, value)]).map_err(|e| e.to_string()));
        match pair {
            Ok(pair) if !name.is_empty() => {
                self.query.retain(|(n, _)| n != name);
                self.query.push((name.to_owned(), pair));
            }
            Ok(_) => {
                self.problem
                    .get_or_insert_with(|| "an extra query parameter has an empty name".to_owned());
            }
            Err(why) => {
                self.problem
                    .get_or_insert_with(|| format!("the extra query parameter `{name}` cannot be sent: {why}"));
            }
        }
        self
    }

    /// Adds field `name` with `value` to the top level of the call's JSON request body. Refused
    /// before anything is sent: a field the spec documents for the body (its setter takes it) or
    /// one the body already holds, an operation without a JSON object body, and a value JSON
    /// cannot carry (a float that is not finite, which serde_json would send as `null`).
    pub fn body_field(mut self, name: &str, value: &(impl serde::Serialize + ?Sized)) -> Self {
        match crate::outgoing::json_value(value) {
            Ok(value) => {
                self.body_fields.retain(|(n, _)| n != name);
                self.body_fields.push((name.to_owned(), value));
            }
            Err(why) => {
                self.problem
                    .get_or_insert_with(|| format!("the extra body field `{name}` cannot be sent: {why}"));
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
