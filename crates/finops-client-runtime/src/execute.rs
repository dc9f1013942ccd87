//! The request loop behind every generated call.

use crate::body::{self, BodyProblem};
use crate::call;
use crate::hooks::Attempt;
use crate::operation::{OperationSpec, Renewal};
use crate::request_ids::SentIds;
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
/// response, and keep theirs for a retry after a timeout or connection failure. A generated header
/// the caller set is the caller's: every attempt sends it unchanged.
///
/// Each response body is read here, at most the call's size limit, so that a body that breaks
/// off can be retried like a lost connection, and so that the response handed back holds its whole
/// body in memory (or records why it does not, for [`crate::finish`]). A redirect loop or a
/// request that cannot be built is returned at once, never retried.
///
/// The caller's per-call headers are set first (so a generated header the call sets is the
/// caller's). Each registered [`crate::Hook`] runs before each attempt is sent and after it ends.
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
    let max_body = options.max_response_bytes.unwrap_or(config.max_response_bytes);
    for (name, value) in &options.headers {
        request.headers_mut().insert(name.clone(), value.clone());
    }
    let generated = prepare(&mut request, config, operation);
    if let Some(timeout) = timeout {
        *request.timeout_mut() = Some(timeout);
    }
    let repeat_is_safe = operation.idempotent_method
        || operation
            .idempotency_key
            .is_some_and(|name| request.headers().contains_key(name));
    let started = Instant::now();
    let mut attempt: u32 = 1;
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
        let this_attempt = Attempt {
            operation: operation.id,
            number: attempt,
        };
        for hook in &config.hooks.0 {
            hook.before_attempt(&this_attempt, &mut request);
        }
        let sent_ids = SentIds(
            operation
                .generated_headers
                .iter()
                .filter_map(|header| {
                    let name = HeaderName::from_bytes(header.name.as_bytes()).ok()?;
                    let value = request.headers().get(&name)?.clone();
                    Some((name, value))
                })
                .collect(),
        );
        let sent_at = Instant::now();
        let mut result = async {
            match http.execute(request).await {
                Ok(response) => Ok(body::buffer(response, max_body).await),
                Err(error) => Err(error),
            }
        }
        .instrument(span.clone())
        .await;
        if let Ok(response) = &mut result {
            response.extensions_mut().insert(sent_ids);
        }
        for hook in &config.hooks.0 {
            match &result {
                Ok(response) => hook.after_attempt(
                    &this_attempt,
                    Some(response.status()),
                    Some(response.headers()),
                    sent_at.elapsed(),
                ),
                Err(_) => hook.after_attempt(&this_attempt, None, None, sent_at.elapsed()),
            }
        }
        span.record(
            "duration_ms",
            u64::try_from(sent_at.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        let outcome = match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                match body::problem(response) {
                    None => Outcome::Response(response.status(), response.headers()),
                    Some(BodyProblem::Incomplete(error)) => {
                        span.record("error", failure_kind(error));
                        Outcome::NoResponse
                    }
                    Some(BodyProblem::TooLarge { .. }) => {
                        span.record("error", "too large");
                        return result;
                    }
                }
            }
            Err(error) => {
                span.record("error", failure_kind(error));
                if error.is_redirect() || error.is_builder() {
                    return result;
                }
                Outcome::NoResponse
            }
        };
        let delay = policy.next_delay(outcome, repeat_is_safe, attempt, started.elapsed(), SystemTime::now());
        let (Some(mut next), Some(delay)) = (next, delay) else {
            return result;
        };
        if result.is_ok() {
            renew(&mut next, operation, &generated, Renewal::AfterResponse);
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
        attempt = attempt.saturating_add(1);
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

/// Which of the operation's generated headers the client filled in (bit `i` for
/// `generated_headers[i]`); the others were set by the caller and are never renewed.
#[derive(Debug, Clone, Copy, Default)]
struct FilledIn(u64);

impl FilledIn {
    fn contains(self, index: usize) -> bool {
        index < 64 && self.0 & (1 << index) != 0
    }
}

/// Adds what every request of this client carries; returns which generated headers it filled in.
fn prepare(request: &mut reqwest::Request, config: &ClientConfig, operation: &OperationSpec) -> FilledIn {
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
    let mut filled_in = FilledIn::default();
    for (index, header) in operation.generated_headers.iter().enumerate().take(64) {
        if let Ok(name) = HeaderName::from_bytes(header.name.as_bytes())
            && !headers.contains_key(&name)
        {
            headers.insert(name, new_uuid());
            filled_in.0 |= 1 << index;
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
        return filled_in;
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
    filled_in
}

/// Gives each generated header with `renewal` that the client filled in a new value.
fn renew(request: &mut reqwest::Request, operation: &OperationSpec, filled_in: &FilledIn, renewal: Renewal) {
    for (index, header) in operation.generated_headers.iter().enumerate() {
        if header.renewal != renewal || !filled_in.contains(index) {
            continue;
        }
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
