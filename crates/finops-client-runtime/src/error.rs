//! Typed errors of generated calls, and the decoding of responses into them.

use crate::execute::failure_kind;
use bytes::Bytes;
use progenitor_client::{Error as SendError, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;

/// The error of a generated call. `E` is the operation's error enum: one variant per documented
/// error status, holding that status's decoded body.
///
/// Every variant that follows a response keeps its status and headers (request ids), so even an
/// empty or malformed error body reports what the server answered.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request could not be built: a required parameter is missing or a value cannot be sent.
    InvalidRequest(String),
    /// No response: the connection failed or the call timed out (after any retries).
    Transport(TransportError),
    /// A documented error status; the body decoded into the operation's error type.
    Api(ApiError<E>),
    /// A status the spec does not document for this operation; the body is kept as received.
    UnexpectedStatus(RawResponse),
    /// A documented status whose body does not match its schema (or is empty, or truncated).
    InvalidBody(InvalidBody),
    /// The generated code and this runtime disagree: a bug in the generator, never the server.
    Internal(String),
}

/// A documented error response.
#[derive(Debug, Clone)]
pub struct ApiError<E> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: E,
}

/// A response kept as received.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
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
    /// The body bytes.
    pub body: Bytes,
    /// Why decoding failed.
    pub source: serde_json::Error,
}

/// A request that got no response. Its message never includes the URL, whose query may hold an
/// API key.
#[derive(Debug)]
pub struct TransportError(reqwest::Error);

impl TransportError {
    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        self.0.is_timeout()
    }

    /// The connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }

    /// The underlying `reqwest` error (without its URL).
    pub fn inner(&self) -> &reqwest::Error {
        &self.0
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(error: reqwest::Error) -> Self {
        Self(error.without_url())
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no response ({}): {}", failure_kind(&self.0), self.0)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl<E> Error<E> {
    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus(r) => Some(r.status),
            Error::InvalidBody(b) => Some(b.status),
            Error::InvalidRequest(_) | Error::Transport(_) | Error::Internal(_) => None,
        }
    }

    /// The response headers, if the server answered.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::UnexpectedStatus(r) => Some(&r.headers),
            Error::InvalidBody(b) => Some(&b.headers),
            Error::InvalidRequest(_) | Error::Transport(_) | Error::Internal(_) => None,
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
            Error::Transport(e) => e.fmt(f),
            Error::Api(e) => write!(f, "the server answered {}: {:?}", e.status, e.body),
            Error::UnexpectedStatus(r) => write!(
                f,
                "the server answered {}, which the spec does not document ({} body bytes)",
                r.status,
                r.body.len()
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
                "the server answered {} with a body that does not match the spec: {}",
                b.status, b.source
            ),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
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
) -> Result<ResponseValue<T>, Error<E>> {
    let response = match sent {
        Err(SendError::UnexpectedResponse(response)) => response,
        Err(SendError::InvalidRequest(message)) | Err(SendError::Custom(message)) => {
            return Err(Error::InvalidRequest(message));
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
    let status = response.status();
    // Taken, not cloned: the body is read from the response without them.
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(|e| Error::Transport(e.into()))?;
    match decode(status, &body) {
        None => Err(Error::UnexpectedStatus(RawResponse { status, headers, body })),
        Some(Ok(Decoded::Success(value))) => Ok(ResponseValue::new(value, status, headers)),
        Some(Ok(Decoded::Failure(error))) => Err(Error::Api(ApiError {
            status,
            headers,
            body: error,
        })),
        Some(Err(source)) => Err(Error::InvalidBody(InvalidBody {
            status,
            headers,
            body,
            source,
        })),
    }
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
