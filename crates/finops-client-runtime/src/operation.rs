//! Static facts about one operation, generated from the spec and read by [`crate::execute`].

/// What the request loop needs to know about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationSpec {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// The path template, e.g. `/v1/customers/{customer-tenant-id}` (tracing's `url.template`).
    pub path: &'static str,
    /// The HTTP method is idempotent (GET, HEAD, OPTIONS, PUT, DELETE).
    pub idempotent_method: bool,
    /// A request header that makes a non-idempotent request safe to repeat, if the API has one.
    pub idempotency_key: Option<&'static str>,
    /// The `Accept` header to send: the media type of the documented response bodies.
    pub accept: Option<&'static str>,
    /// Headers the client fills in when the caller leaves them unset.
    pub generated_headers: &'static [GeneratedHeader],
    /// The query parameters the spec documents, as sent: a caller's extra query parameter
    /// ([`crate::CallOptions::query`]) may not take one of these names.
    pub query: &'static [&'static str],
    /// The header parameters the spec documents (generated ones included).
    pub headers: &'static [&'static str],
    /// The top-level fields the spec documents for the JSON request body (empty without one).
    pub body_fields: &'static [&'static str],
}

/// A header whose value the client makes (a random UUID) unless the caller sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratedHeader {
    /// The header name as the spec writes it.
    pub name: &'static str,
    /// When a retry gets a new value.
    pub renewal: Renewal,
}

/// When a generated header gets a new value during the retries of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// Never: every attempt of one call carries the same value (a correlation id).
    PerCall,
    /// After any response; an attempt that got no response (a timeout, a reset connection) is
    /// repeated with the same value, so the server can recognise the repeat (a request id).
    AfterResponse,
}
