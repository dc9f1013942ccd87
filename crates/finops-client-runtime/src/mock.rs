//! What the generated crates' typed mocks (their `mock` feature) are built on: a [wiremock]
//! server on 127.0.0.1, and expectations that match a request by method, path template, the
//! parameters given, and the exact JSON body, each answered with a status, a JSON body and
//! headers.
//!
//! Expectations are verified when the server is dropped: one that was not met (by default, a
//! call that never came) fails the test with the requests the server did receive. A request no
//! expectation matches is answered `404` with an empty body.
//!
//! A sequence is scripted by mounting answers in order: a reply marked [`Reply::once`] (or
//! [`Reply::up_to`]) answers that many matching requests and then steps aside for the ones
//! mounted after it, so "429 once, then 200" is a `once()` failure mounted before the success.
//! When several expectations match a request, the first mounted that still answers wins.

use percent_encoding::percent_decode_str;
use serde::Serialize;
use std::fmt::Display;
use std::time::Duration;
pub use wiremock;
use wiremock::{Match, Mock, ResponseTemplate};
pub use wiremock::{Request as ReceivedRequest, Times};

/// A mock server for one API, started on a free port of 127.0.0.1.
#[derive(Debug)]
pub struct MockServer {
    server: wiremock::MockServer,
}

impl MockServer {
    /// Starts a server; it stops (and checks its expectations) when dropped.
    pub async fn start() -> Self {
        MockServer {
            server: wiremock::MockServer::start().await,
        }
    }

    /// The server's base URL, e.g. `http://127.0.0.1:41237`: the client's base URL.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// An expectation of operation `operation_id`: `method` on `template` (the spec's path, such
    /// as `/v1/customers/{customer-tenant-id}`), any parameters and body until they are given.
    pub fn expect(&self, operation_id: &'static str, method: &'static str, template: &'static str) -> Expectation<'_> {
        Expectation {
            server: &self.server,
            operation_id,
            method,
            template: PathTemplate::parse(template),
            query: Vec::new(),
            headers: Vec::new(),
            form: Vec::new(),
            body: None,
            problems: Vec::new(),
        }
    }

    /// An expectation of an OAuth2 token request (RFC 6749 §4.4): `POST` on `template` (the
    /// path of the spec's token URL, such as `/{tenant-id}/oauth2/v2.0/token`), answered with a
    /// token or a refusal.
    pub fn expect_token(&self, template: &'static str) -> TokenExpectation<'_> {
        TokenExpectation(self.expect("oauth2_token", "POST", template))
    }

    /// Every request the server received, in order.
    pub async fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// Checks the expectations now (as a drop does), panicking with what was received if one
    /// was not met.
    pub async fn verify(&self) {
        self.server.verify().await;
    }

    /// The wiremock server, for matchers and responders the typed expectations do not offer.
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }
}

/// What one expected request looks like. Built by a generated crate's typed methods; answered
/// with [`Expectation::reply`].
#[derive(Debug)]
pub struct Expectation<'a> {
    server: &'a wiremock::MockServer,
    operation_id: &'static str,
    method: &'static str,
    template: PathTemplate,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    /// Fields an `application/x-www-form-urlencoded` body must hold.
    form: Vec<(String, String)>,
    body: Option<serde_json::Value>,
    /// Values a client could not send as given (such as a NaN); reported when mounted.
    problems: Vec<String>,
}

impl<'a> Expectation<'a> {
    /// Path parameter `name` (as the template spells it) must be `value`, compared after
    /// percent-decoding the request's segment, as the client encodes it.
    pub fn path_param(mut self, name: &str, value: impl Display) -> Self {
        let value = value.to_string();
        if !self.template.set(name, &value) {
            self.problems
                .push(format!("the path `{}` has no parameter `{name}`", self.template.text));
        }
        self
    }

    /// Query parameter `name` must be present with `value`, written as the client writes it
    /// (`true`, `25`, `2.5`, an enum's JSON name). Parameters not given may have any value.
    pub fn query_param(mut self, name: &str, value: &(impl Serialize + ?Sized)) -> Self {
        match serde_urlencoded::to_string([(name, value)]) {
            Ok(pair) => {
                let decoded: Vec<(String, String)> = serde_urlencoded::from_str(&pair).unwrap_or_default();
                self.query.extend(decoded);
            }
            Err(error) => self
                .problems
                .push(format!("query parameter `{name}` cannot be sent: {error}")),
        }
        self
    }

    /// Header `name` must be present with `value`.
    pub fn header(mut self, name: &'static str, value: impl Display) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    /// The request's body must be this value as JSON, exactly: no field more or less, and the
    /// same numbers and nulls.
    pub fn json_body(mut self, body: &(impl Serialize + ?Sized)) -> Self {
        match serde_json::to_value(body) {
            Ok(value) => self.body = Some(value),
            Err(error) => self.problems.push(format!("the body cannot be sent: {error}")),
        }
        self
    }

    /// Answers matching requests with `status` and, unless `None`, `body` as JSON.
    pub fn reply(self, status: u16, body: Option<serde_json::Value>) -> Reply<'a> {
        Reply {
            expectation: self,
            status,
            body,
            headers: Vec::new(),
            times: None,
            limit: None,
            delay: None,
        }
    }

    /// Answers with `status` and `body` serialized as JSON.
    pub fn reply_json(mut self, status: u16, body: &(impl Serialize + ?Sized)) -> Reply<'a> {
        let body = match serde_json::to_value(body) {
            Ok(value) => Some(value),
            Err(error) => {
                self.problems
                    .push(format!("the response body cannot be written: {error}"));
                None
            }
        };
        self.reply(status, body)
    }
}

/// An expectation with its answer, ready to [`mount`](Reply::mount).
#[derive(Debug)]
pub struct Reply<'a> {
    expectation: Expectation<'a>,
    status: u16,
    body: Option<serde_json::Value>,
    headers: Vec<(String, String)>,
    times: Option<Times>,
    /// Answers at most this many requests, then steps aside.
    limit: Option<u64>,
    delay: Option<Duration>,
}

impl Reply<'_> {
    /// Adds a response header, such as `Retry-After: 2`.
    pub fn header(mut self, name: impl Into<String>, value: impl Display) -> Self {
        self.headers.push((name.into(), value.to_string()));
        self
    }

    /// Answers with this status instead, e.g. a particular code for an error documented as a
    /// range (`4XX`).
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// How many matching requests are expected: a number (`1`, `0`) or a range (`2..`, `..=3`).
    /// Without it, at least one.
    pub fn times(mut self, times: impl Into<Times>) -> Self {
        self.times = Some(times.into());
        self
    }

    /// Answers one matching request, then steps aside for the expectations mounted after it:
    /// the step of a scripted sequence. The request must come.
    pub fn once(self) -> Self {
        self.up_to(1)
    }

    /// Answers `n` matching requests, then steps aside for the expectations mounted after it.
    /// All `n` must come (unless [`times`](Self::times) says otherwise).
    pub fn up_to(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Waits this long before answering, to try timeouts.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Installs the expectation on its server.
    ///
    /// # Panics
    /// When a value given to the expectation could not be sent by a client (a path parameter
    /// the path does not have, a float that is not finite): such an expectation could never be
    /// met, so the test stops here with the reason.
    pub async fn mount(self) {
        let Reply {
            expectation,
            status,
            body,
            headers,
            times,
            limit,
            delay,
        } = self;
        if !expectation.problems.is_empty() {
            panic!(
                "mock of `{}`: {}",
                expectation.operation_id,
                expectation.problems.join("; ")
            );
        }
        let mut template = ResponseTemplate::new(status);
        if let Some(body) = body {
            template = template.set_body_json(body);
        }
        for (name, value) in headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        if let Some(delay) = delay {
            template = template.set_delay(delay);
        }
        let mut mock = Mock::given(wiremock::matchers::method(expectation.method)).and(expectation.template);
        for (name, value) in expectation.query {
            mock = mock.and(wiremock::matchers::query_param(name, value));
        }
        for (name, value) in expectation.headers {
            mock = mock.and(wiremock::matchers::header(name, value.as_str()));
        }
        if let Some(body) = expectation.body {
            mock = mock.and(wiremock::matchers::body_json(body));
        }
        if !expectation.form.is_empty() {
            mock = mock.and(FormFields(expectation.form));
        }
        let mut builder = mock.respond_with(template).named(expectation.operation_id);
        if let Some(limit) = limit {
            builder = builder.up_to_n_times(limit);
        }
        let times = times.unwrap_or_else(|| match limit {
            Some(limit) => limit.into(),
            None => (1..).into(),
        });
        builder.expect(times).mount(expectation.server).await;
    }
}

/// An expected token request; see [`MockServer::expect_token`].
#[derive(Debug)]
#[must_use = "an expectation does nothing until it is answered and mounted"]
pub struct TokenExpectation<'a>(Expectation<'a>);

impl<'a> TokenExpectation<'a> {
    /// The form field `name` (`grant_type`, `client_id`, `scope`, ...) must be `value`.
    pub fn form_field(mut self, name: &str, value: &str) -> Self {
        self.0.form.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Path parameter `name` of the token URL (such as `tenant-id`) must be `value`.
    pub fn path_param(self, name: &str, value: impl Display) -> Self {
        Self(self.0.path_param(name, value))
    }

    /// Answers `200` with a bearer token that expires in `expires_in` (whole seconds).
    pub fn issue(self, access_token: &str, expires_in: Duration) -> Reply<'a> {
        self.0.reply(
            200,
            Some(serde_json::json!({
                "token_type": "Bearer",
                "access_token": access_token,
                "expires_in": expires_in.as_secs(),
            })),
        )
    }

    /// Answers `status` with an OAuth2 error body (RFC 6749 §5.2), such as `400`,
    /// `invalid_client`: the credentials are refused.
    pub fn refuse(self, status: u16, error: &str, description: &str) -> Reply<'a> {
        self.0.reply(
            status,
            Some(serde_json::json!({
                "error": error,
                "error_description": description,
            })),
        )
    }
}

/// Matches a form body that holds each given field with its value (others may be present).
#[derive(Debug)]
struct FormFields(Vec<(String, String)>);

impl Match for FormFields {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&request.body).unwrap_or_default();
        self.0.iter().all(|wanted| fields.contains(wanted))
    }
}

/// A spec path matched segment by segment: literal text as written, a parameter either any
/// non-empty segment or, once given, its value after percent-decoding.
#[derive(Debug, Clone)]
struct PathTemplate {
    text: &'static str,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(&'static str),
    /// `prefix{name}suffix`, and the value once given.
    Parameter {
        prefix: &'static str,
        name: &'static str,
        suffix: &'static str,
        value: Option<String>,
    },
}

impl PathTemplate {
    fn parse(text: &'static str) -> Self {
        let segments = text
            .trim_start_matches('/')
            .split('/')
            .map(|segment| {
                let parts = segment
                    .split_once('{')
                    .and_then(|(prefix, rest)| rest.split_once('}').map(|(name, suffix)| (prefix, name, suffix)));
                match parts {
                    Some((prefix, name, suffix)) => Segment::Parameter {
                        prefix,
                        name,
                        suffix,
                        value: None,
                    },
                    None => Segment::Literal(segment),
                }
            })
            .collect();
        PathTemplate { text, segments }
    }

    /// Sets parameter `name`; false when the path has none of that name.
    fn set(&mut self, wanted: &str, given: &str) -> bool {
        let mut found = false;
        for segment in &mut self.segments {
            if let Segment::Parameter { name, value, .. } = segment
                && *name == wanted
            {
                *value = Some(given.to_string());
                found = true;
            }
        }
        found
    }
}

impl Match for PathTemplate {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let path = request.url.path();
        let received: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        received.len() == self.segments.len()
            && self
                .segments
                .iter()
                .zip(received)
                .all(|(segment, received)| match segment {
                    Segment::Literal(text) => percent_decode_str(received).decode_utf8_lossy() == *text,
                    Segment::Parameter {
                        prefix, suffix, value, ..
                    } => {
                        let decoded = percent_decode_str(received).decode_utf8_lossy();
                        let Some(inner) = decoded.strip_prefix(prefix).and_then(|rest| rest.strip_suffix(suffix))
                        else {
                            return false;
                        };
                        match value {
                            Some(value) => inner == value,
                            None => !inner.is_empty(),
                        }
                    }
                })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str) -> wiremock::Request {
        wiremock::Request {
            url: format!("http://127.0.0.1{path}").parse().unwrap(),
            method: http::Method::GET,
            headers: http::HeaderMap::new(),
            body: Vec::new(),
        }
    }

    #[test]
    fn a_path_template_matches_segments_and_decoded_values() {
        let mut template = PathTemplate::parse("/v1/customers/{id}/usagebudget");
        assert!(template.matches(&request("/v1/customers/abc/usagebudget")));
        assert!(!template.matches(&request("/v1/customers//usagebudget")));
        assert!(!template.matches(&request("/v1/customers/abc")));
        assert!(template.set("id", "a b/c"));
        assert!(template.matches(&request("/v1/customers/a%20b%2Fc/usagebudget")));
        assert!(!template.matches(&request("/v1/customers/abc/usagebudget")));
        assert!(!template.set("other", "x"));
    }

    #[test]
    fn a_parameter_inside_a_segment_keeps_its_prefix_and_suffix() {
        let mut template = PathTemplate::parse("/rules/{id}.json");
        assert!(template.matches(&request("/rules/42.json")));
        assert!(!template.matches(&request("/rules/42")));
        template.set("id", "7");
        assert!(template.matches(&request("/rules/7.json")));
        assert!(!template.matches(&request("/rules/42.json")));
    }
}
