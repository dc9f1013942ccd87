//! Long-running operations: a call that starts work on the server answers with the address of an
//! operation, and the work's result is read by polling that address until the operation ends.
//!
//! A [`Poller`] holds the address ([`Continuation`], serializable, so another process resumes
//! polling without starting the work again), polls it through the same request loop as every
//! call (credentials, retries, pacing, tracing), waits as the server's `Retry-After` or the
//! documented interval says, and stops at the caller's maximum wait. Awaiting it gives the
//! operation's typed result, or [`OperationError::Failed`] with the service's code and message.

use crate::call::{self, CallOptions};
use crate::error::{Error, OperationAddressError};
use crate::{RequestIds, Response};
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, SystemTime};

/// How long a [`Poller`] waits for its operation unless told otherwise
/// ([`Poller::max_wait`]): two hours.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(2 * 3600);

/// The shortest wait between two status requests, whatever the server's `Retry-After` says, so
/// that a `Retry-After: 0` on every answer cannot turn polling into a busy loop.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Where a started operation is polled: the address its service answered with.
///
/// Serialize it (it is plain JSON: `{"operation":"https://…"}`) to resume polling later or in
/// another process with the generated `resume_*` call, without starting the work again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Continuation {
    /// The operation's absolute URL.
    pub operation: String,
}

impl fmt::Display for Continuation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.operation)
    }
}

/// What one status answer says.
#[doc(hidden)]
pub enum State<R, F> {
    /// Not finished; the status value as sent (`None` when the body has none).
    Running(Option<String>),
    /// Finished with a result.
    Succeeded(R),
    /// Finished; the result is the resource at this link, read with the result call.
    SucceededAt(String),
    /// Finished, and the operation says it succeeded but carries no result.
    SucceededWithoutResult(String),
    /// Finished with an error.
    Failed(Failure<F>),
}

/// A failed operation, as its service reports it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Failure<F> {
    /// The operation's status value, e.g. `failed`.
    pub status: String,
    /// The service's error code, if it gave one.
    pub code: Option<String>,
    /// The service's message, if it gave one.
    pub message: Option<String>,
    /// The error object, typed as the spec declares it.
    pub error: Option<F>,
    /// The operation that failed.
    pub continuation: Continuation,
    /// The request ids of the status request that reported the failure.
    pub request_ids: RequestIds,
}

impl<F> Failure<F> {
    #[doc(hidden)]
    pub fn __new(status: String, code: Option<String>, message: Option<String>, error: Option<F>) -> Self {
        Self {
            status,
            code,
            message,
            error,
            continuation: Continuation {
                operation: String::new(),
            },
            request_ids: RequestIds::default(),
        }
    }
}

/// Why an operation gave no result. `F` is the operation's typed error object, `E` the status
/// call's error enum, and `R` the error enum of the call that reads a result the operation links
/// to (the status call's when the result comes inline).
#[derive(Debug)]
#[non_exhaustive]
pub enum OperationError<F, E, R = E> {
    /// The operation ended as failed; the service's code and message are in the [`Failure`].
    Failed(Failure<F>),
    /// A status request failed (after its retries), with the typed error of that call.
    Poll(Error<E>),
    /// The operation succeeded, but reading the result it links to failed (after its retries).
    Result(Error<R>),
    /// The caller's maximum wait passed with the operation still running. It may still finish:
    /// [`Self::continuation`] resumes it.
    TimedOut {
        /// The operation still running.
        continuation: Continuation,
        /// The last status value the service gave.
        status: Option<String>,
        /// How long the poller waited.
        waited: Duration,
    },
    /// The continuation cannot be polled: not an absolute URL, or on another origin than the
    /// client's base URL (polling it would send the client's credentials there). Nothing was sent.
    InvalidContinuation(String),
    /// The service said the operation succeeded but gave no result where the spec says it is,
    /// or a link to it the client cannot follow (on another origin).
    NoResult {
        /// The operation.
        continuation: Continuation,
        /// Its status value.
        status: String,
        /// What is missing or wrong.
        why: String,
    },
}

impl<F, E, R> OperationError<F, E, R> {
    /// The operation this error is about, when it is known; resume it with the generated
    /// `resume_*` call after a timeout or a failed status request.
    pub fn continuation(&self) -> Option<&Continuation> {
        match self {
            OperationError::Failed(failure) => Some(&failure.continuation),
            OperationError::TimedOut { continuation, .. } | OperationError::NoResult { continuation, .. } => {
                Some(continuation)
            }
            OperationError::Poll(_) | OperationError::Result(_) | OperationError::InvalidContinuation(_) => None,
        }
    }
}

impl<F: fmt::Debug, E: fmt::Debug, R: fmt::Debug> fmt::Display for OperationError<F, E, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OperationError::Failed(failure) => {
                write!(
                    f,
                    "the operation {} ended as `{}`",
                    failure.continuation, failure.status
                )?;
                match (&failure.code, &failure.message) {
                    (Some(code), Some(message)) => write!(f, ": {code}: {message}"),
                    (Some(code), None) => write!(f, ": {code}"),
                    (None, Some(message)) => write!(f, ": {message}"),
                    (None, None) => Ok(()),
                }
            }
            OperationError::Poll(error) => write!(f, "polling the operation failed: {error}"),
            OperationError::Result(error) => write!(f, "reading the operation's result failed: {error}"),
            OperationError::TimedOut {
                continuation,
                status,
                waited,
            } => write!(
                f,
                "the operation {continuation} was still running (status {}) after {} s; resume it later with its continuation",
                status.as_deref().unwrap_or("not given"),
                waited.as_secs()
            ),
            OperationError::InvalidContinuation(why) => write!(f, "the continuation cannot be polled: {why}"),
            OperationError::NoResult {
                continuation,
                status,
                why,
            } => write!(f, "the operation {continuation} ended as `{status}`, but {why}"),
        }
    }
}

impl<F: fmt::Debug, E: fmt::Debug, R: fmt::Debug> std::error::Error for OperationError<F, E, R> {}

/// The future of one status request.
#[doc(hidden)]
pub type StatusFuture<'s, S, E> = Pin<Box<dyn Future<Output = Result<Response<S>, Error<E>>> + Send + 's>>;

/// A long-running operation of a generated client: how its status is read. Implemented by the
/// generated code; callers use [`Poller`].
#[doc(hidden)]
pub trait Polled: Send + Sync + 'static {
    /// The status body.
    type Status: Send + 'static;
    /// The result a succeeded operation carries.
    type Output: Send + 'static;
    /// The error object a failed operation carries.
    type Failure: Send + 'static;
    /// The status call's error enum.
    type Error: Send + 'static;
    /// The error enum of the call that reads a linked result.
    type ResultError: Send + 'static;

    /// The documented wait between status requests when the server gives no `Retry-After`.
    const POLL_INTERVAL: Duration;

    /// The client's base URL: a continuation must stay on its origin.
    fn base_url(&self) -> &str;

    /// The status call for the operation `id` (the last segment of its address; the request goes
    /// to the whole address).
    fn status<'s>(&'s self, id: &str) -> StatusFuture<'s, Self::Status, Self::Error>;

    /// What a status body says.
    fn state(status: Self::Status) -> State<Self::Output, Self::Failure>;

    /// The call that reads a linked result `id` (the last segment of the link; the request goes
    /// to the whole link).
    fn result<'s>(&'s self, id: &str) -> StatusFuture<'s, Self::Output, Self::ResultError>;
}

/// The [`OperationError`] of a [`Poller<P>`].
pub type ErrorOf<P> = OperationError<<P as Polled>::Failure, <P as Polled>::Error, <P as Polled>::ResultError>;

/// One status request's answer, from [`Poller::poll`].
#[derive(Debug)]
pub enum PollStep<R> {
    /// Not finished: the status value, and how long the service asks to wait before the next
    /// request (its `Retry-After`, else the documented interval).
    Running {
        /// The status value as sent, if any.
        status: Option<String>,
        /// The wait before the next status request.
        retry_after: Duration,
    },
    /// Finished with this result.
    Done(R),
}

/// A started long-running operation. Await it for the result (`poller.await`), or call
/// [`Self::poll`] step by step; [`Self::continuation`] is what to save to resume it elsewhere.
pub struct Poller<P: Polled> {
    polled: P,
    continuation: Continuation,
    url: reqwest::Url,
    max_wait: Duration,
    interval: Duration,
    /// The wait asked for by the last answer, before the next status request.
    next_wait: Duration,
}

impl<P: Polled> fmt::Debug for Poller<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Poller")
            .field("continuation", &self.continuation)
            .field("max_wait", &self.max_wait)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl<P: Polled> Poller<P> {
    /// Polls the operation at `continuation`, started earlier (maybe by another process). The
    /// first status request is sent at once.
    #[doc(hidden)]
    #[allow(clippy::result_large_err)] // the error keeps the answer it failed on, as every call's does
    pub fn resume(polled: P, continuation: Continuation) -> Result<Self, ErrorOf<P>> {
        let url =
            checked_address(polled.base_url(), &continuation.operation).map_err(OperationError::InvalidContinuation)?;
        Ok(Self {
            continuation: Continuation {
                operation: url.to_string(),
            },
            url,
            polled,
            max_wait: DEFAULT_MAX_WAIT,
            interval: P::POLL_INTERVAL,
            next_wait: Duration::ZERO,
        })
    }

    /// The operation's address, to save and resume with the generated `resume_*` call.
    pub fn continuation(&self) -> &Continuation {
        &self.continuation
    }

    /// Waits at most this long in total for the operation to end (default
    /// [`DEFAULT_MAX_WAIT`]); then awaiting gives [`OperationError::TimedOut`].
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// The wait between status requests when the server gives no `Retry-After`, instead of the
    /// documented one (never under [`MIN_POLL_INTERVAL`]).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(MIN_POLL_INTERVAL);
        self
    }

    /// Sends one status request now, without waiting first.
    pub async fn poll(&mut self) -> Result<PollStep<P::Output>, ErrorOf<P>> {
        let id = last_segment(&self.url);
        let options = CallOptions::new().at_url(self.url.clone());
        let response = call::with_call_options(options, self.polled.status(&id))
            .await
            .map_err(OperationError::Poll)?;
        let wait = crate::retry::retry_after(response.headers(), SystemTime::now())
            .map(crate::server_time::capped_hold)
            .unwrap_or(self.interval)
            .max(MIN_POLL_INTERVAL);
        let request_ids = response.request_ids().clone();
        match P::state(response.into_inner()) {
            State::Running(status) => {
                tracing::debug!(
                    status = status.as_deref().unwrap_or(""),
                    wait_ms = wait.as_millis() as u64,
                    "operation running"
                );
                self.next_wait = wait;
                Ok(PollStep::Running {
                    status,
                    retry_after: wait,
                })
            }
            State::Succeeded(output) => Ok(PollStep::Done(output)),
            State::SucceededAt(link) => {
                let url = checked_address(self.polled.base_url(), &link).map_err(|why| OperationError::NoResult {
                    continuation: self.continuation.clone(),
                    status: "succeeded".into(),
                    why: format!("its result link cannot be followed: {why}"),
                })?;
                let id = last_segment(&url);
                let options = CallOptions::new().at_url(url);
                let result = call::with_call_options(options, self.polled.result(&id))
                    .await
                    .map_err(OperationError::Result)?;
                Ok(PollStep::Done(result.into_inner()))
            }
            State::SucceededWithoutResult(status) => Err(OperationError::NoResult {
                continuation: self.continuation.clone(),
                status,
                why: "it gives no result where the spec says it is".into(),
            }),
            State::Failed(mut failure) => {
                failure.continuation = self.continuation.clone();
                failure.request_ids = request_ids;
                Err(OperationError::Failed(failure))
            }
        }
    }

    /// Polls until the operation ends or the maximum wait passes, waiting between requests as
    /// the server asks (its `Retry-After`, capped at [`crate::MAX_SERVER_HOLD`]) or else the
    /// documented interval.
    pub async fn wait(mut self) -> Result<P::Output, ErrorOf<P>> {
        let started = tokio::time::Instant::now();
        let deadline = crate::server_time::later(started, self.max_wait);
        let mut last_status = None;
        loop {
            if self.next_wait > Duration::ZERO {
                let wake = crate::server_time::later(tokio::time::Instant::now(), self.next_wait);
                if wake > deadline {
                    return Err(OperationError::TimedOut {
                        continuation: self.continuation,
                        status: last_status,
                        waited: started.elapsed(),
                    });
                }
                tokio::time::sleep_until(wake).await;
            }
            match self.poll().await? {
                PollStep::Done(output) => return Ok(output),
                PollStep::Running { status, .. } => last_status = status,
            }
        }
    }

    /// The first wait before polling: what the response that started the operation asked for.
    fn first_wait(mut self, headers: &HeaderMap) -> Self {
        self.next_wait = crate::retry::retry_after(headers, SystemTime::now())
            .map(crate::server_time::capped_hold)
            .unwrap_or(self.interval)
            .max(MIN_POLL_INTERVAL);
        self
    }
}

impl<P: Polled> IntoFuture for Poller<P> {
    type Output = Result<P::Output, ErrorOf<P>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

/// The poller of an operation that the response `started` (its status, headers and request ids)
/// has just started at `address` (the value of its location header or field).
///
/// Generated start calls use it. An answer without a usable address is
/// [`Error::OperationAddress`]: the work may have started, and the response is kept.
#[doc(hidden)]
#[allow(clippy::result_large_err)] // the error keeps the answer it failed on, as every call's does
pub fn started<P: Polled, T, E>(
    polled: P,
    response: Response<T>,
    address: Option<&str>,
) -> Result<Poller<P>, Error<E>> {
    let problem = match address {
        None => "the response gives no operation address".to_string(),
        Some(address) => match checked_address(polled.base_url(), address) {
            Ok(url) => {
                let headers = response.headers().clone();
                let poller = Poller {
                    continuation: Continuation {
                        operation: url.to_string(),
                    },
                    url,
                    polled,
                    max_wait: DEFAULT_MAX_WAIT,
                    interval: P::POLL_INTERVAL,
                    next_wait: Duration::ZERO,
                };
                return Ok(poller.first_wait(&headers));
            }
            Err(why) => why,
        },
    };
    Err(Error::OperationAddress(OperationAddressError {
        status: response.status(),
        headers: response.headers().clone(),
        request_ids: response.request_ids().clone(),
        problem,
    }))
}

/// `address` made absolute against `base`, if it stays on the base URL's origin.
fn checked_address(base: &str, address: &str) -> Result<reqwest::Url, String> {
    let base = reqwest::Url::parse(base).map_err(|_| "the client's base URL is not a URL".to_string())?;
    let url = base
        .join(address.trim())
        .map_err(|_| format!("{address:?} is not a URL"))?;
    if url.origin() != base.origin() {
        return Err(format!(
            "the operation address is on {}, not on the client's origin {}",
            url.origin().ascii_serialization(),
            base.origin().ascii_serialization()
        ));
    }
    if last_segment(&url).is_empty() {
        return Err(format!("{address:?} names no operation"));
    }
    Ok(url)
}

/// The last non-empty path segment, percent-decoded.
fn last_segment(url: &reqwest::Url) -> String {
    let segment = url
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()))
        .unwrap_or_default();
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_must_stay_on_the_client_origin() {
        let base = "https://graph.example.com/v1.0";
        let ok = checked_address(base, "https://graph.example.com/v1.0/reports/operations/abc").unwrap();
        assert_eq!(last_segment(&ok), "abc");
        assert_eq!(
            checked_address(base, "/beta/reports/operations/x%20y").map(|u| last_segment(&u)),
            Ok("x y".to_string())
        );
        assert!(
            checked_address(base, "https://evil.example.com/op/1")
                .unwrap_err()
                .contains("evil.example.com")
        );
        assert!(checked_address(base, "http://graph.example.com/op/1").is_err());
        assert!(checked_address(base, "https://graph.example.com/").is_err());
    }

    #[test]
    fn a_continuation_is_plain_json() {
        let c = Continuation {
            operation: "https://graph.example.com/v1.0/operations/1".into(),
        };
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(text, r#"{"operation":"https://graph.example.com/v1.0/operations/1"}"#);
        assert_eq!(serde_json::from_str::<Continuation>(&text).unwrap(), c);
    }
}
