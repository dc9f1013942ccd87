//! What one row's call came to, for its output line.

use finops_client_runtime::{Error, RequestIds, Response};

/// The answer to one row's call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The call succeeded.
    pub updated: bool,
    /// The last attempt's HTTP status; `None` when no answer came.
    pub http_status: Option<u16>,
    /// The request id the server answered with, or else the one the client sent.
    pub request_id: Option<String>,
    /// Why the call failed, in one line.
    pub error: Option<String>,
}

/// The [`Sent`] of a generated call's result.
pub fn sent<T, E: std::fmt::Debug>(result: &Result<Response<T>, Error<E>>) -> Sent {
    match result {
        Ok(response) => Sent {
            updated: true,
            http_status: Some(response.status().as_u16()),
            request_id: request_id(response.request_ids()),
            error: None,
        },
        Err(error) => Sent {
            updated: false,
            http_status: error.status().map(|s| s.as_u16()),
            request_id: error.request_ids().and_then(request_id),
            error: Some(error.to_string().replace(['\n', '\r'], " ")),
        },
    }
}

fn request_id(ids: &RequestIds) -> Option<String> {
    ids.iter_received()
        .chain(ids.iter_sent())
        .map(|(_, value)| value.to_string())
        .next()
}
