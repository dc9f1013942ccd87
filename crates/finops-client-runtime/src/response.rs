//! The success value of a generated call.

use crate::RequestIds;
use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A decoded success response: the body, with the status, headers, request ids and the raw
/// body it came with. Dereferences to the body.
///
/// What the spec does not declare is kept, not dropped: [`raw_body`](Self::raw_body) and
/// [`raw_json`](Self::raw_json) give the body as received, and
/// [`undeclared_fields`](Self::undeclared_fields) lists the fields the typed value has no place
/// for (a field the vendor added, or one its docs omit).
#[derive(Debug, Clone)]
pub struct Response<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
    request_ids: RequestIds,
    raw: Bytes,
}

impl<T> Response<T> {
    pub(crate) fn new(inner: T, status: StatusCode, headers: HeaderMap, request_ids: RequestIds, raw: Bytes) -> Self {
        Self {
            inner,
            status,
            headers,
            request_ids,
            raw,
        }
    }

    /// The body as received, byte for byte.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }

    /// The body as received, as JSON: every field, declared or not. `Value::Null` for an empty
    /// body (a status without content).
    pub fn raw_json(&self) -> serde_json::Result<serde_json::Value> {
        if self.raw.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(&self.raw)
    }

    /// The JSON pointers (RFC 6901, such as `/items/0/region`) of the body's fields that the
    /// spec does not declare, in the order they appear: the typed value has no place for them.
    /// Read their values with [`raw_json`](Self::raw_json) and `Value::pointer`. Empty when the
    /// typed value holds everything the server sent.
    pub fn undeclared_fields(&self) -> Vec<String>
    where
        T: serde::de::DeserializeOwned,
    {
        let mut pointers = Vec::new();
        if self.raw.is_empty() {
            return pointers;
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&self.raw);
        // The body decoded once already; decoding it again only to watch what is skipped.
        let _ = serde_ignored::deserialize::<_, _, T>(&mut deserializer, |path| pointers.push(pointer(&path)));
        pointers
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

/// `path` as a JSON pointer; the steps serde takes into an `Option` or a newtype add nothing.
fn pointer(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}/{index}", pointer(parent)),
        Path::Map { parent, key } => format!("{}/{}", pointer(parent), key.replace('~', "~0").replace('/', "~1")),
        Path::Some { parent } | Path::NewtypeStruct { parent } | Path::NewtypeVariant { parent } => pointer(parent),
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
