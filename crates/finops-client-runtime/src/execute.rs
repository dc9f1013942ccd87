//! The request loop behind every generated call.

use crate::call;
use crate::operation::{OperationSpec, Renewal};
use crate::retry::Outcome;
use crate::settings::ClientConfig;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};
use std::time::{Instant, SystemTime};
use tracing::Instrument;

/// Sends `request` for `operation`, retrying as the call's [`crate::RetryPolicy`] allows.
///
/// Before the first attempt it adds authentication, the `User-Agent`, the `Accept` header, the
/// client's default query parameters, and a fresh UUID for each generated header the caller left
/// unset. Headers with [`Renewal::AfterResponse`] get a new UUID for a retry that follows a
/// response, and keep theirs for a retry after a timeout or connection failure.
///
/// Each attempt runs in a `tracing` span `finops_request` with the operation id, attempt number,
/// method, URL path (never the query, which may hold an API key), status and duration.
///
/// Returns the last attempt's response or transport error.
pub async fn execute(
    http: &reqwest::Client,
    config: &ClientConfig,
    operation: &OperationSpec,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let options = call::current();
    let policy = options.retry.as_ref().unwrap_or(&config.retry);
    let timeout = options.timeout.or(config.timeout);
    prepare(&mut request, config, operation);
    if let Some(timeout) = timeout {
        *request.timeout_mut() = Some(timeout);
    }
    let repeat_is_safe = operation.idempotent_method
        || operation
            .idempotency_key
            .is_some_and(|name| request.headers().contains_key(name));
    let started = Instant::now();
    let mut attempt = 1;
    loop {
        // The copy a retry would send; none for the last attempt allowed. A streaming body
        // cannot be sent twice: such a request gets one attempt.
        let next = if attempt < policy.attempts() {
            retry_copy(&request)
        } else {
            None
        };
        let span = tracing::info_span!(
            "finops_request",
            operation = operation.id,
            attempt,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            error = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let sent_at = Instant::now();
        let result = http.execute(request).instrument(span.clone()).await;
        span.record(
            "duration_ms",
            u64::try_from(sent_at.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        let outcome = match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                Outcome::Response(response.status(), response.headers())
            }
            Err(error) => {
                span.record("error", failure_kind(error));
                Outcome::NoResponse
            }
        };
        let delay = policy.next_delay(outcome, repeat_is_safe, attempt, started.elapsed(), SystemTime::now());
        let (Some(mut next), Some(delay)) = (next, delay) else {
            return result;
        };
        if result.is_ok() {
            renew(&mut next, operation, Renewal::AfterResponse);
        }
        if let Some(timeout) = timeout {
            *next.timeout_mut() = Some(timeout);
        }
        span.in_scope(|| {
            tracing::info!(
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying"
            )
        });
        // Release the connection before waiting.
        drop(result);
        tokio::time::sleep(delay).await;
        request = next;
        attempt += 1;
    }
}

/// A copy of `request` to send if this attempt is retried; `None` if it has a streaming body.
///
/// reqwest's `Request::try_clone` allocates the extension map twice, because the timeout lives
/// there, and that is most of what a copy costs on every call. A request without a body is
/// copied without its extensions; the loop sets the timeout again if the copy is sent. The timeout
/// is the only extension generated request code sets (reqwest keeps the map private).
fn retry_copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    Some(copy)
}

/// Adds what every request of this client carries.
fn prepare(request: &mut reqwest::Request, config: &ClientConfig, operation: &OperationSpec) {
    let headers = request.headers_mut();
    if let Some(authorization) = &config.authorization {
        headers.insert(AUTHORIZATION, authorization.clone());
    }
    headers.insert(USER_AGENT, config.user_agent.clone());
    if let Some(accept) = operation.accept
        && !headers.contains_key(ACCEPT)
    {
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
    }
    for header in operation.generated_headers {
        if let Ok(name) = HeaderName::from_bytes(header.name.as_bytes())
            && !headers.contains_key(&name)
        {
            headers.insert(name, new_uuid());
        }
    }
    let mut query: Vec<(&str, &str)> = Vec::new();
    if let Some(crate::Credentials::QueryApiKey { parameter, key }) = &config.credentials {
        query.push((parameter, key.expose()));
    }
    for (name, value) in &config.default_query {
        query.push((name, value.expose()));
    }
    if query.is_empty() {
        return;
    }
    let present: Vec<String> = request.url().query_pairs().map(|(name, _)| name.into_owned()).collect();
    let missing: Vec<&(&str, &str)> = query
        .iter()
        .filter(|(name, _)| !present.iter().any(|p| p == name))
        .collect();
    if !missing.is_empty() {
        let mut pairs = request.url_mut().query_pairs_mut();
        for (name, value) in missing {
            pairs.append_pair(name, value);
        }
    }
}

/// Gives each generated header with `renewal` a new value.
fn renew(request: &mut reqwest::Request, operation: &OperationSpec, renewal: Renewal) {
    for header in operation.generated_headers.iter().filter(|h| h.renewal == renewal) {
        if let Ok(name) = HeaderName::from_bytes(header.name.as_bytes()) {
            request.headers_mut().insert(name, new_uuid());
        }
    }
}

fn new_uuid() -> HeaderValue {
    let mut buffer = uuid::Uuid::encode_buffer();
    HeaderValue::from_str(uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buffer))
        .expect("a hyphenated UUID is a valid header value")
}

/// A short, secret-free name for a transport failure (a `reqwest::Error`'s message includes the
/// URL, and so any API key in its query).
pub(crate) fn failure_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
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
