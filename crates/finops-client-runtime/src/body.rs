//! Reading a response body inside the request loop: bounded in size, and kept with its status and
//! headers when the connection breaks off before its end.

use bytes::{Bytes, BytesMut};
use std::sync::Arc;

/// What went wrong while the body was read; carried to [`crate::finish`] as an extension of the
/// buffered response, since the generated request code passes responses through untouched.
#[derive(Debug, Clone)]
pub(crate) enum BodyProblem {
    /// The body is longer than the call's limit (by its `Content-Length`, or as it arrived).
    TooLarge { limit: u64 },
    /// The connection failed or timed out before the body's end; the body holds what arrived.
    Incomplete(Arc<reqwest::Error>),
}

/// The most memory reserved ahead for a body, whatever its `Content-Length` claims.
const MAX_PREALLOCATION: u64 = 1 << 20;

/// Reads `response`'s body, at most `limit` bytes, and returns the response with its body in
/// memory. A problem is recorded as a [`BodyProblem`] extension; a body over the limit is
/// dropped, not kept.
///
/// An answer that is not a success may echo the request, credentials included (a 401 quoting
/// the token, a redirect's `Location` holding the query's API key). In such an answer every form
/// of `secrets` the body holds is replaced by `[redacted]`, and a header holding one is marked
/// sensitive, so no error, `Debug` output, log or tool prints it. `secrets` is asked for only then.
pub(crate) async fn buffer<'s>(
    mut response: reqwest::Response,
    limit: u64,
    secrets: impl FnOnce() -> Vec<&'s str>,
) -> reqwest::Response {
    let declared = response.content_length();
    let mut problem = None;
    let mut body = Bytes::new();
    if declared.is_some_and(|length| length > limit) {
        problem = Some(BodyProblem::TooLarge { limit });
    } else {
        // Most bodies arrive as one chunk, which is kept as it is; later chunks are appended.
        let mut joined: Option<BytesMut> = None;
        let mut total: u64 = 0;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    total = total.saturating_add(chunk.len() as u64);
                    if total > limit {
                        problem = Some(BodyProblem::TooLarge { limit });
                        joined = None;
                        body = Bytes::new();
                        break;
                    }
                    if body.is_empty() && joined.is_none() {
                        body = chunk;
                        continue;
                    }
                    let buffer = joined.get_or_insert_with(|| {
                        let capacity = declared.unwrap_or(total).min(MAX_PREALLOCATION);
                        let mut buffer = BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
                        buffer.extend_from_slice(&body);
                        buffer
                    });
                    buffer.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(error) => {
                    problem = Some(BodyProblem::Incomplete(Arc::new(error.without_url())));
                    break;
                }
            }
        }
        if let Some(joined) = joined {
            body = joined.freeze();
        }
    }
    // The URL goes along: rebuilt without it, reqwest would parse a placeholder URL instead.
    let url = response.url().clone();
    let (mut parts, _) = http::Response::<reqwest::Body>::from(response).into_parts();
    let secrets = if parts.status.is_success() {
        Vec::new()
    } else {
        secrets()
    };
    if !secrets.is_empty() {
        if let Some(redacted) = crate::auth::redact_bytes(&body, &secrets) {
            body = Bytes::from(redacted);
        }
        for value in parts.headers.values_mut() {
            if crate::auth::redact_bytes(value.as_bytes(), &secrets).is_some() {
                value.set_sensitive(true);
            }
        }
    }
    // `ResponseBuilderExt::url` is the public way to give a rebuilt response its URL; the
    // builder's extension map then holds the response's few others too.
    let mut rebuilt = match reqwest::ResponseBuilderExt::url(http::Response::builder(), url).body(()) {
        Ok(rebuilt) => rebuilt.map(|()| body),
        Err(_) => http::Response::new(body),
    };
    *rebuilt.status_mut() = parts.status;
    *rebuilt.version_mut() = parts.version;
    *rebuilt.headers_mut() = parts.headers;
    if !parts.extensions.is_empty() {
        rebuilt.extensions_mut().extend(parts.extensions);
    }
    if let Some(problem) = problem {
        rebuilt.extensions_mut().insert(problem);
    }
    reqwest::Response::from(rebuilt)
}

/// The problem [`buffer`] recorded on `response`, if any.
pub(crate) fn problem(response: &reqwest::Response) -> Option<&BodyProblem> {
    response.extensions().get::<BodyProblem>()
}
