//! Typed errors of generated calls, and the decoding of responses into them.

use crate::body::{self, BodyProblem};
use crate::paging::PagingError;
use crate::request_ids::SentIds;
use crate::{AttemptId, AuthError, RequestIds, Response};
use bytes::Bytes;
use progenitor_client::{Error as SendError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;
use std::sync::Arc;

/// The error of a generated call. `E` is the operation's error enum: one variant per documented
/// error status, holding that status's decoded body.
///
/// Every variant that follows a response keeps its status and headers (request ids), so even an
/// empty or malformed error body reports what the server answered.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request could not be built: a required parameter is missing or a value cannot be sent
    /// as given. Nothing was sent.
    InvalidRequest(String),
    /// No access token could be had: the token endpoint refused the credentials, answered
    /// something else than a token, or did not answer. Nothing was sent to the API.
    Authentication(AuthError),
    /// No response: the connection failed, the call timed out (after any retries), or a redirect
    /// chain looped or was too long.
    Transport(TransportError),
    /// The response body broke off before its end (the connection failed or timed out while it
    /// was read), after any retries; what arrived is kept.
    IncompleteBody(IncompleteBody),
    /// The response body is longer than the call's limit; it was not read further.
    ResponseTooLarge(ResponseTooLarge),
    /// A documented error status; the body decoded into the operation's error type.
    Api(ApiError<E>),
    /// A status the spec does not document for this operation; the body is kept as received.
    UnexpectedStatus(RawResponse),
    /// A documented status whose body does not match its schema (or is empty, or truncated).
    InvalidBody(InvalidBody),
    /// A list's server handed out a next cursor that cannot be followed (one it gave before, or a
    /// link to another origin). The page that carried it was yielded before this error.
    Paging(PagingError),
    /// A call that starts a long-running operation was answered without an address the client
    /// can poll (none, not a URL, or on another origin). The work may have started.
    OperationAddress(OperationAddressError),
    /// The generated code and this runtime disagree: a bug in the generator, never the server.
    Internal(String),
}

/// A documented error response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The request ids the client sent and the server answered.
    pub request_ids: RequestIds,
    /// The decoded body.
    pub body: E,
    /// The body as received.
    pub raw_body: Bytes,
}

/// An answer that should have started a long-running operation but gives no address to poll.
#[derive(Debug, Clone)]
pub struct OperationAddressError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The request ids the client sent and the server answered.
    pub request_ids: RequestIds,
    /// What is wrong with the address.
    pub problem: String,
}

/// A response kept as received.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The request ids the client sent and the server answered.
    pub request_ids: RequestIds,
    /// The body bytes.
    pub body: Bytes,
}

/// A response whose body could not be decoded.
#[derive(Debug)]
pub struct InvalidBody {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The request ids the client sent and the server answered.
    pub request_ids: RequestIds,
    /// The body bytes.
    pub body: Bytes,
    /// Why decoding failed.
    pub source: serde_json::Error,
}

/// A response whose body broke off before its end.
#[derive(Debug)]
pub struct IncompleteBody {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The request ids the client sent and the server answered.
    pub request_ids: RequestIds,
    /// The part of the body that arrived.
    pub body: Bytes,
    /// Why the rest did not arrive.
    pub source: TransportError,
}

/// A response whose body is longer than the call's limit.
#[derive(Debug, Clone)]
pub struct ResponseTooLarge {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The request ids the client sent and the server answered.
    pub request_ids: RequestIds,
    /// The limit, in bytes (`ClientBuilder::max_response_bytes`, `CallOptions::max_response_bytes`).
    pub limit: u64,
}

/// A request that got no response. Its message never includes the URL, whose query may hold an
/// API key.
#[derive(Debug)]
pub struct TransportError {
    cause: Cause,
    /// The client's id of the attempt that got no response, when a request was sent.
    attempt: Option<AttemptId>,
}

#[derive(Debug)]
enum Cause {
    Http(Arc<reqwest::Error>),
    /// Nothing was sent: the call's timeout passed while it waited for its turn under the
    /// client's pacing.
    NoSlot {
        waited: std::time::Duration,
    },
}

impl TransportError {
    /// The request timed out, or the call's timeout passed before it could be sent.
    pub fn is_timeout(&self) -> bool {
        match &self.cause {
            Cause::Http(error) => error.is_timeout(),
            Cause::NoSlot { .. } => true,
        }
    }

    /// The connection could not be made.
    pub fn is_connect(&self) -> bool {
        matches!(&self.cause, Cause::Http(error) if error.is_connect())
    }

    /// A redirect chain looped or was too long.
    pub fn is_redirect(&self) -> bool {
        matches!(&self.cause, Cause::Http(error) if error.is_redirect())
    }

    /// Nothing was sent: the call's timeout passed while it waited for its turn under the
    /// client's rate limits or its cap on requests in flight.
    pub fn is_pacing_timeout(&self) -> bool {
        matches!(self.cause, Cause::NoSlot { .. })
    }

    /// The underlying `reqwest` error (without its URL); `None` when nothing was sent.
    pub fn inner(&self) -> Option<&reqwest::Error> {
        match &self.cause {
            Cause::Http(error) => Some(error),
            Cause::NoSlot { .. } => None,
        }
    }
}

impl TransportError {
    /// The client's id of the attempt that got no response (the last one, after any retries);
    /// `None` when nothing was sent. Also the `attempt_id` of that attempt's `finops_request` span.
    pub fn attempt(&self) -> Option<AttemptId> {
        self.attempt
    }

    pub(crate) fn http(error: Arc<reqwest::Error>, attempt: Option<AttemptId>) -> Self {
        Self {
            cause: Cause::Http(error),
            attempt,
        }
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(error: reqwest::Error) -> Self {
        Self::http(Arc::new(error.without_url()), None)
    }
}

impl fmt::Display for TransportError {
    /// One sentence; the causes are the [`source`](std::error::Error::source) chain, not repeated here.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error = match &self.cause {
            Cause::Http(error) => error,
            Cause::NoSlot { waited } => {
                return write!(
                    f,
                    "no response: the call's timeout ({} ms) passed while it waited for its turn under the client's pacing; nothing was sent",
                    waited.as_millis()
                );
            }
        };
        let what = match failure_kind(error) {
            "timeout" => "the request timed out",
            "redirect" => "a redirect chain looped or was too long",
            "connect" => "the connection could not be made",
            "body" => "the connection failed while the body was sent or read",
            "invalid request" => "the request could not be built",
            _ => "the request failed",
        };
        write!(f, "no response: {what}")
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.cause {
            Cause::Http(error) => Some(&**error),
            Cause::NoSlot { .. } => None,
        }
    }
}

/// A short, secret-free name for a transport failure (a `reqwest::Error`'s message includes the
/// URL, and so any API key in its query).
pub(crate) fn failure_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_redirect() {
        "redirect"
    } else if error.is_builder() {
        "invalid request"
    } else if error.is_connect() {
        "connect"
    } else if error.is_body() {
        "body"
    } else if error.is_decode() {
        "decode"
    } else if error.is_request() {
        "request"
    } else {
        "other"
    }
}

impl<E> Error<E> {
    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus(r) => Some(r.status),
            Error::InvalidBody(b) => Some(b.status),
            Error::IncompleteBody(b) => Some(b.status),
            Error::ResponseTooLarge(r) => Some(r.status),
            Error::Paging(p) => Some(p.status),
            Error::OperationAddress(o) => Some(o.status),
            Error::InvalidRequest(_) | Error::Authentication(_) | Error::Transport(_) | Error::Internal(_) => None,
        }
    }

    /// The response headers, if the server answered.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::UnexpectedStatus(r) => Some(&r.headers),
            Error::InvalidBody(b) => Some(&b.headers),
            Error::IncompleteBody(b) => Some(&b.headers),
            Error::ResponseTooLarge(r) => Some(&r.headers),
            Error::Paging(p) => Some(&p.headers),
            Error::OperationAddress(o) => Some(&o.headers),
            Error::InvalidRequest(_) | Error::Authentication(_) | Error::Transport(_) | Error::Internal(_) => None,
        }
    }

    /// The request ids the client sent and the server answered, if the server answered.
    pub fn request_ids(&self) -> Option<&RequestIds> {
        match self {
            Error::Api(e) => Some(&e.request_ids),
            Error::UnexpectedStatus(r) => Some(&r.request_ids),
            Error::InvalidBody(b) => Some(&b.request_ids),
            Error::IncompleteBody(b) => Some(&b.request_ids),
            Error::ResponseTooLarge(r) => Some(&r.request_ids),
            Error::Paging(p) => Some(&p.request_ids),
            Error::OperationAddress(o) => Some(&o.request_ids),
            Error::InvalidRequest(_) | Error::Authentication(_) | Error::Transport(_) | Error::Internal(_) => None,
        }
    }

    /// The client's id of the call's last attempt, if one was sent: on every error that
    /// followed a response (in its [`RequestIds`]) and on a transport error.
    pub fn attempt(&self) -> Option<AttemptId> {
        match self {
            Error::Transport(e) => e.attempt(),
            Error::IncompleteBody(b) => b.source.attempt(),
            _ => self.request_ids().and_then(RequestIds::attempt),
        }
    }

    /// The response body as received, if the server answered and it was read.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Api(e) => Some(&e.raw_body),
            Error::UnexpectedStatus(r) => Some(&r.body),
            Error::InvalidBody(b) => Some(&b.body),
            Error::IncompleteBody(b) => Some(&b.body),
            Error::ResponseTooLarge(_)
            | Error::Paging(_)
            | Error::OperationAddress(_)
            | Error::InvalidRequest(_)
            | Error::Authentication(_)
            | Error::Transport(_)
            | Error::Internal(_) => None,
        }
    }

    /// One response header as text, e.g. a request id.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers()?.get(name)?.to_str().ok()
    }

    /// The decoded body of a documented error status.
    pub fn api_body(&self) -> Option<&E> {
        match self {
            Error::Api(e) => Some(&e.body),
            _ => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Internal(message) => write!(f, "internal error: {message}"),
            Error::Paging(p) => write!(f, "the list cannot go on: {p}"),
            Error::OperationAddress(o) => write!(
                f,
                "the server answered {} but gave no operation to poll: {}",
                o.status, o.problem
            ),
            Error::Authentication(e) => write!(f, "authentication failed: {e}"),
            Error::Transport(e) => e.fmt(f),
            Error::Api(e) => match crate::excerpt::message(&e.raw_body) {
                Some(message) => write!(f, "the server answered {}: {message}", e.status),
                None => write!(f, "the server answered {}", e.status),
            },
            Error::UnexpectedStatus(r) if r.body.is_empty() => write!(
                f,
                "the server answered {}, which the spec does not document, with an empty body",
                r.status
            ),
            Error::UnexpectedStatus(r) => write!(
                f,
                "the server answered {}, which the spec does not document: {}",
                r.status,
                crate::excerpt::excerpt(&r.body)
            ),
            Error::IncompleteBody(b) => write!(
                f,
                "the server answered {}, but the body broke off after {} bytes",
                b.status,
                b.body.len()
            ),
            Error::ResponseTooLarge(r) => write!(
                f,
                "the server answered {} with a body longer than the limit of {} bytes",
                r.status, r.limit
            ),
            Error::InvalidBody(b) if b.body.is_empty() => {
                write!(
                    f,
                    "the server answered {} with an empty body where one was expected",
                    b.status
                )
            }
            Error::InvalidBody(b) => write!(
                f,
                "the server answered {} with a body that does not match the spec",
                b.status
            ),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    /// The cause, never repeating the message: a transport error's text is this error's own.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Authentication(e) => std::error::Error::source(e),
            Error::Transport(e) => std::error::Error::source(e),
            Error::IncompleteBody(b) => Some(&b.source),
            Error::InvalidBody(b) => Some(&b.source),
            _ => None,
        }
    }
}

/// What a generated decoder made of a documented status's body.
#[derive(Debug)]
pub enum Decoded<T, E> {
    /// A success status and its body.
    Success(T),
    /// A documented error status and its body.
    Failure(E),
}

/// Decodes a documented status's body: `None` if the status is not documented.
pub type Decoder<T, E> = fn(StatusCode, &[u8]) -> Option<Decoding<T, E>>;

/// A decoded body, or why it could not be decoded.
pub type Decoding<T, E> = Result<Decoded<T, E>, serde_json::Error>;

/// Turns what the generated request code returned into the call's result.
///
/// The request code documents no responses, so every response arrives here whole, as
/// `UnexpectedResponse`, and `decode` (generated from the spec's responses) chooses the body type
/// by status. That keeps the status and headers on every outcome, lets error bodies differ by
/// status, and turns an unreadable body into [`Error::InvalidBody`] rather than a panic.
pub async fn finish<R, T, E>(
    sent: Result<ResponseValue<R>, SendError<()>>,
    decode: Decoder<T, E>,
) -> Result<Response<T>, Error<E>> {
    let response = match sent {
        Err(SendError::UnexpectedResponse(response)) => response,
        Err(SendError::InvalidRequest(message)) | Err(SendError::Custom(message)) => {
            return Err(Error::InvalidRequest(message));
        }
        // A URL or header reqwest could not build: nothing was sent.
        Err(SendError::CommunicationError(e)) if e.is_builder() => {
            return Err(Error::InvalidRequest(format!(
                "the request could not be built: {}",
                source_chain(&e.without_url())
            )));
        }
        Err(SendError::CommunicationError(e))
        | Err(SendError::InvalidUpgrade(e))
        | Err(SendError::ResponseBodyError(e)) => {
            return Err(Error::Transport(e.into()));
        }
        // The request code documents no responses, so it never decodes one itself.
        Err(SendError::ErrorResponse(_)) | Err(SendError::InvalidResponsePayload(..)) | Ok(_) => {
            return Err(Error::Internal(
                "the generated request code decoded a response itself; regenerate the crate".into(),
            ));
        }
    };
    let mut response = response;
    // A stand-in response for a call that sent nothing is a 400, 401 or a 408; no other looks there.
    if matches!(
        response.status(),
        StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::REQUEST_TIMEOUT
    ) && let Some(why) = response.extensions_mut().remove::<NotSent>()
    {
        return Err(match why {
            NotSent::Authentication(error) => Error::Authentication(error),
            NotSent::NoSlot { waited } => Error::Transport(TransportError {
                cause: Cause::NoSlot { waited },
                attempt: None,
            }),
            NotSent::Refused(why) => Error::InvalidRequest(why),
            NotSent::NoAnswer { error, attempt } => Error::Transport(TransportError::http(error, Some(attempt))),
        });
    }
    let status = response.status();
    // Taken, not cloned: the body is read from the response without them.
    let headers = std::mem::take(response.headers_mut());
    let problem = body::problem(&response).cloned();
    let sent_ids = response.extensions_mut().remove::<SentIds>().unwrap_or_default();
    let attempt = sent_ids.attempt;
    let request_ids = RequestIds::new(sent_ids, &headers);
    // The request loop has read the body into memory; this only takes it out.
    let body = response.bytes().await.map_err(|e| Error::Transport(e.into()))?;
    match problem {
        Some(BodyProblem::TooLarge { limit }) => {
            return Err(Error::ResponseTooLarge(ResponseTooLarge {
                status,
                headers,
                request_ids,
                limit,
            }));
        }
        Some(BodyProblem::Incomplete(source)) => {
            return Err(Error::IncompleteBody(IncompleteBody {
                status,
                headers,
                request_ids,
                body,
                source: TransportError::http(source, attempt),
            }));
        }
        None => {}
    }
    match decode(status, &body) {
        None => Err(Error::UnexpectedStatus(RawResponse {
            status,
            headers,
            request_ids,
            body,
        })),
        Some(Ok(Decoded::Success(value))) => Ok(Response::new(value, status, headers, request_ids, body)),
        Some(Ok(Decoded::Failure(error))) => Err(Error::Api(ApiError {
            status,
            headers,
            request_ids,
            body: error,
            raw_body: body,
        })),
        Some(Err(source)) => Err(Error::InvalidBody(InvalidBody {
            status,
            headers,
            request_ids,
            body,
            source,
        })),
    }
}

/// Why the request loop has no response to hand back: it sent nothing, or nothing answered.
/// Carried to [`finish`] as an extension of an empty
/// stand-in response, since the generated request code passes responses through untouched and
/// has no other way to return a runtime error.
#[derive(Debug, Clone)]
pub(crate) enum NotSent {
    /// No access token could be had.
    Authentication(AuthError),
    /// The call's timeout passed while it waited for its turn under the client's pacing.
    NoSlot { waited: std::time::Duration },
    /// A caller's extra header, query parameter or body field cannot be sent.
    Refused(String),
    /// Sent, but no response came (after any retries): the transport error, and the id of the
    /// attempt that got none.
    NoAnswer {
        error: Arc<reqwest::Error>,
        attempt: AttemptId,
    },
}

impl NotSent {
    /// The stand-in response's status; [`finish`] looks for the extension only on these.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            NotSent::Authentication(_) => StatusCode::UNAUTHORIZED,
            NotSent::NoSlot { .. } => StatusCode::REQUEST_TIMEOUT,
            NotSent::Refused(_) => StatusCode::BAD_REQUEST,
            NotSent::NoAnswer { .. } => StatusCode::REQUEST_TIMEOUT,
        }
    }
}

/// An error's message followed by those of its sources, each after `: `: the one line a tool or
/// a log shows, so that a cause (the field a body failed to decode at) is never dropped.
pub fn source_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Decodes the JSON body of a success status; used by generated decoders.
pub fn success<T: serde::de::DeserializeOwned, E>(body: &[u8]) -> Decoding<T, E> {
    serde_json::from_slice(body).map(Decoded::Success)
}

/// Decodes the JSON body of a documented error status into `variant` of the operation's error
/// enum; used by generated decoders.
pub fn failure<T, B: serde::de::DeserializeOwned, E>(body: &[u8], variant: impl FnOnce(B) -> E) -> Decoding<T, E> {
    serde_json::from_slice(body).map(|b| Decoded::Failure(variant(b)))
}
