//! The success value of a generated call.

use crate::RequestIds;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A decoded success response: the body, with the status, headers and request ids it came with.
/// Dereferences to the body.
#[derive(Debug, Clone)]
pub struct Response<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
    request_ids: RequestIds,
}

impl<T> Response<T> {
    pub(crate) fn new(inner: T, status: StatusCode, headers: HeaderMap, request_ids: RequestIds) -> Self {
        Self {
            inner,
            status,
            headers,
            request_ids,
        }
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request ids the client sent and the server answered.
    pub fn request_ids(&self) -> &RequestIds {
        &self.request_ids
    }

    /// The body, status and headers.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap) {
        (self.inner, self.status, self.headers)
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> std::ops::DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}
