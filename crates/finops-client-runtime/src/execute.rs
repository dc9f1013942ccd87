//! The request loop behind every generated call.

use crate::body::{self, BodyProblem};
use crate::call;
use crate::error::{NotSent, failure_kind};
use crate::hooks::Attempt;
use crate::operation::{OperationSpec, Renewal};
use crate::request_ids::{AttemptId, SentIds};
use crate::retry::Outcome;
use crate::settings::{Auth, ClientConfig};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};
use std::fmt;
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;

/// Sends `request` for `operation`, retrying as the call's [`crate::RetryPolicy`] allows.
///
/// Before the first attempt it adds the `User-Agent`, the `Accept` header, static credentials,
/// the client's default query parameters, and a fresh UUID for each generated header the caller
/// left unset. Headers with [`Renewal::AfterResponse`] get a new UUID for a retry that follows a
/// response, and keep theirs for a retry after a timeout or connection failure. A generated header
/// the caller set is the caller's: every attempt sends it unchanged.
///
/// With a token provider, every attempt asks the client's token cache for the token it sends. A
/// 401 drops that token and the attempt is sent once more, at once, with a new one; that resend
/// is not counted against the retry policy, and a second 401 is the call's answer. When no token
/// can be had, nothing is sent and the call fails with [`crate::Error::Authentication`].
///
/// Each response body is read here, at most the call's size limit, so that a body that breaks
/// off can be retried like a lost connection, and so that the response handed back holds its whole
/// body in memory (or records why it does not, for [`crate::finish`]). A redirect loop or a
/// request that cannot be built is returned at once, never retried.
///
/// The caller's per-call headers are set first (so a generated header the call sets is the
/// caller's). Each registered [`crate::Hook`] runs before each attempt is sent and after it ends.
///
/// Under the client's pacing ([`crate::RateLimit`]s, a cap on attempts in flight), each attempt
/// first waits for its place and its slots; its answer adapts the pace (a 429 slows its scope,
/// a success speeds it back up). A retry waits for a new slot after its `Retry-After`.
///
/// Each attempt runs in a `tracing` span `finops_request` with the operation id and the
/// OpenTelemetry HTTP client attributes (`http.request.method`, `url.full` with secret query
/// values replaced by `REDACTED`, `url.template`, `server.address`, `server.port`,
/// `http.request.resend_count`, `http.response.status_code`, `error.type`), plus `otel.kind`,
/// `otel.name` and `otel.status_code` for `tracing-opentelemetry`, `duration_ms`, and
/// `pacing_wait_ms` when the attempt waited for its slot, and `attempt_id`, the client's
/// [`AttemptId`] of the attempt, which its errors carry too.
///
/// Returns the last attempt's response; a transport error comes back as a stand-in response
/// that carries it and the attempt's id, for [`crate::finish`].
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
    if let Some(url) = &options.url {
        *request.url_mut() = url.clone();
    }
    if let Err(why) = add_extras(&mut request, &options, config, operation) {
        return Ok(not_sent(NotSent::Refused(why)));
    }
    let generated = prepare(&mut request, config, operation);
    if let Some(timeout) = timeout {
        *request.timeout_mut() = Some(timeout);
    }
    let repeat_is_safe = operation.idempotent_method
        || operation
            .idempotency_key
            .is_some_and(|name| request.headers().contains_key(name));
    let tokens = match &config.auth {
        Auth::Tokens(cache) => Some(&**cache),
        _ => None,
    };
    let started = Instant::now();
    // Every attempt sent, and those the retry policy counts (not the resend after a 401).
    let mut attempt: u32 = 1;
    let mut policy_attempt: u32 = 1;
    let mut renewed_after_401 = false;
    loop {
        // Under the client's pacing, the attempt waits for its place and its slots first, so a
        // long wait cannot outlast the token it sends.
        // The wait counts against the attempt's timeout: what is left of it is the request's.
        let admission = match &config.pacer {
            Some(pacer) => {
                let admission = {
                    let mut admit = std::pin::pin!(pacer.admit(operation, request.url()));
                    // Most attempts are admitted at once: no timer is armed for them.
                    match (futures::FutureExt::now_or_never(admit.as_mut()), timeout) {
                        (Some(admission), _) => admission,
                        (None, Some(limit)) => match tokio::time::timeout(limit, admit).await {
                            Ok(admission) if admission.waited < limit => admission,
                            _ => return Ok(not_sent(NotSent::NoSlot { waited: limit })),
                        },
                        (None, None) => admit.await,
                    }
                };
                if let Some(limit) = timeout {
                    *request.timeout_mut() = Some(limit.saturating_sub(admission.waited));
                }
                Some(admission)
            }
            None => None,
        };
        // The cache and the generation of the token this attempt sends.
        let sent_token = match tokens {
            Some(cache) => match cache.token().await {
                Ok(issued) => {
                    request.headers_mut().insert(AUTHORIZATION, issued.authorization);
                    Some((cache, issued.generation))
                }
                Err(error) => return Ok(not_sent(NotSent::Authentication(error))),
            },
            None => None,
        };
        let may_renew = sent_token.is_some() && !renewed_after_401;
        // The copy a retry would send; none for the last attempt allowed. A streaming body
        // cannot be sent twice: such a request gets one attempt.
        let next = if policy_attempt < policy.attempts() || may_renew {
            retry_copy(&request)
        } else {
            None
        };
        let attempt_id = AttemptId::next();
        let span = tracing::info_span!(
            "finops_request",
            operation = operation.id,
            attempt_id = %attempt_id,
            otel.kind = "client",
            otel.name = %SpanName(request.method(), operation.path),
            otel.status_code = tracing::field::Empty,
            http.request.method = %request.method(),
            url.full = %RedactedUrl { url: request.url(), config },
            url.template = operation.path,
            server.address = request.url().host_str().unwrap_or_default(),
            server.port = request.url().port_or_known_default().unwrap_or_default(),
            http.request.resend_count = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            pacing_wait_ms = tracing::field::Empty,
        );
        if let Some(admission) = admission.as_ref().filter(|a| !a.waited.is_zero()) {
            span.record("pacing_wait_ms", millis(admission.waited));
        }
        if attempt > 1 {
            span.record("http.request.resend_count", attempt - 1);
        }
        let this_attempt = Attempt {
            operation: operation.id,
            number: attempt,
        };
        for hook in &config.hooks.0 {
            hook.before_attempt(&this_attempt, &mut request);
        }
        let sent_ids = SentIds {
            headers: operation
                .generated_headers
                .iter()
                .filter_map(|header| {
                    let name = HeaderName::from_bytes(header.name.as_bytes()).ok()?;
                    let value = request.headers().get(&name)?.clone();
                    Some((name, value))
                })
                .collect(),
            attempt: Some(attempt_id),
        };
        // The credentials this attempt carries, for scrubbing an answer that echoes them.
        let authorization = request.headers().get(AUTHORIZATION).cloned();
        // Only a span someone records, or a hook, reads the attempt's duration: without them
        // the clock is not read, and the attempt's future is not wrapped in the span.
        let observed = !span.is_disabled() || !config.hooks.0.is_empty();
        let sent_at = observed.then(Instant::now);
        let exchange = async {
            match http.execute(request).await {
                Ok(response) => {
                    let secrets = || config.sent_secrets(authorization.as_ref());
                    Ok(body::buffer(response, max_body, secrets).await)
                }
                Err(error) => Err(error),
            }
        };
        let mut result = if span.is_disabled() {
            exchange.await
        } else {
            exchange.instrument(span.clone()).await
        };
        let took = sent_at.map(|at| at.elapsed()).unwrap_or_default();
        if let Ok(response) = &mut result {
            response.extensions_mut().insert(sent_ids);
        }
        for hook in &config.hooks.0 {
            match &result {
                Ok(response) => {
                    hook.after_attempt(&this_attempt, Some(response.status()), Some(response.headers()), took)
                }
                Err(_) => hook.after_attempt(&this_attempt, None, None, took),
            }
        }
        if !span.is_disabled() {
            span.record("duration_ms", millis(took));
        }
        let outcome = match &result {
            Ok(response) => {
                let status = response.status();
                span.record("http.response.status_code", status.as_u16());
                if status.is_client_error() || status.is_server_error() {
                    span.record("error.type", status.as_str());
                    span.record("otel.status_code", "error");
                }
                match body::problem(response) {
                    None => Outcome::Response(status, response.headers()),
                    Some(BodyProblem::Incomplete(error)) => {
                        span.record("error.type", failure_kind(error));
                        span.record("otel.status_code", "error");
                        Outcome::NoResponse
                    }
                    Some(BodyProblem::TooLarge { .. }) => {
                        span.record("error.type", "response_too_large");
                        span.record("otel.status_code", "error");
                        return unanswered(result, attempt_id);
                    }
                }
            }
            Err(error) => {
                span.record("error.type", failure_kind(error));
                span.record("otel.status_code", "error");
                if error.is_redirect() || error.is_builder() {
                    return unanswered(result, attempt_id);
                }
                Outcome::NoResponse
            }
        };
        if let (Some(pacer), Some(admission), Outcome::Response(status, headers)) = (&config.pacer, &admission, outcome)
        {
            pacer.observe(admission, status, headers);
        }
        let refused = matches!(outcome, Outcome::Response(StatusCode::UNAUTHORIZED, _));
        let delay = if let Some((cache, generation)) = sent_token.filter(|_| refused && may_renew) {
            cache.refused(generation);
            renewed_after_401 = true;
            span.in_scope(|| tracing::info!("the token was refused; resending with a new one"));
            Some(Duration::ZERO)
        } else if matches!(outcome, Outcome::Response(status, _) if status.is_success()) {
            // An answer: no retry, and no clock to read.
            None
        } else {
            let delay = policy.next_delay(
                outcome,
                repeat_is_safe,
                policy_attempt,
                started.elapsed(),
                SystemTime::now(),
            );
            policy_attempt = policy_attempt.saturating_add(1);
            if let Some(delay) = delay {
                span.in_scope(|| tracing::info!(delay_ms = millis(delay), "retrying"));
            }
            delay
        };
        let (Some(mut next), Some(delay)) = (next, delay) else {
            return unanswered(result, attempt_id);
        };
        if result.is_ok() {
            renew(&mut next, operation, &generated, Renewal::AfterResponse);
        }
        if let Some(timeout) = timeout {
            *next.timeout_mut() = Some(timeout);
        }
        // Release the connection, and the place under the concurrency cap, before waiting.
        drop(result);
        drop(admission);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        request = next;
        attempt = attempt.saturating_add(1);
    }
}

/// The headers the client sets itself; a caller's extra header may not replace them.
const OWNED_HEADERS: [&str; 5] = [
    "authorization",
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
];

/// Adds the caller's extra headers, query parameters and body fields ([`call::CallOptions`]) to
/// `request`, or says why one cannot be sent: it takes the name of something the spec documents
/// for the operation or that the client sends itself, or the body is not a JSON object.
fn add_extras(
    request: &mut reqwest::Request,
    options: &call::CallOptions,
    config: &ClientConfig,
    operation: &OperationSpec,
) -> Result<(), String> {
    for (name, value) in &options.headers {
        let caller_may_set = operation
            .generated_headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case(name.as_str()))
            || operation
                .idempotency_key
                .is_some_and(|key| key.eq_ignore_ascii_case(name.as_str()));
        if !caller_may_set {
            if let Some(documented) = operation.headers.iter().find(|h| h.eq_ignore_ascii_case(name.as_str())) {
                return Err(format!(
                    "the extra header `{name}` is the documented header parameter `{documented}` of `{}`; set it with the operation's own setter",
                    operation.id
                ));
            }
            if OWNED_HEADERS.contains(&name.as_str()) {
                return Err(format!(
                    "the extra header `{name}` is one the client sets itself (credentials and body framing come from the client's settings and the body)"
                ));
            }
        }
        request.headers_mut().insert(name.clone(), value.clone());
    }
    if !options.query.is_empty() {
        let following_link = options.url.is_some();
        let present: Vec<String> = request.url().query_pairs().map(|(n, _)| n.into_owned()).collect();
        let mut query = request.url().query().unwrap_or_default().to_owned();
        for (name, pair) in &options.query {
            if let Some(documented) = operation.query.iter().find(|q| **q == name.as_str()) {
                return Err(format!(
                    "the extra query parameter `{name}` is the documented query parameter `{documented}` of `{}`; set it with the operation's own setter",
                    operation.id
                ));
            }
            if config.secret_query().any(|(secret, _)| secret == name) {
                return Err(format!(
                    "the extra query parameter `{name}` is one the client sends itself with every request"
                ));
            }
            if present.iter().any(|p| p == name) {
                if following_link {
                    // The server's next link carries it already.
                    continue;
                }
                return Err(format!(
                    "the extra query parameter `{name}` is already in the request's query"
                ));
            }
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(pair);
        }
        request.url_mut().set_query(Some(&query));
    }
    if !options.body_fields.is_empty() {
        let Some(bytes) = request.body().and_then(|body| body.as_bytes()) else {
            return Err(format!(
                "`{}` sends no JSON body, so extra body fields cannot be sent",
                operation.id
            ));
        };
        let mut body = match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(serde_json::Value::Object(body)) => body,
            _ => {
                return Err(format!(
                    "the JSON body of `{}` is not an object, so extra body fields cannot be added to it",
                    operation.id
                ));
            }
        };
        for (name, value) in &options.body_fields {
            if operation.body_fields.contains(&name.as_str()) {
                return Err(format!(
                    "the extra body field `{name}` is documented for the body of `{}`; set it on the body's type",
                    operation.id
                ));
            }
            if body.contains_key(name) {
                return Err(format!(
                    "the extra body field `{name}` is already in the body of `{}`",
                    operation.id
                ));
            }
            body.insert(name.clone(), value.clone());
        }
        let bytes = serde_json::to_vec(&body).map_err(|e| format!("the request body cannot be sent: {e}"))?;
        *request.body_mut() = Some(bytes.into());
    }
    Ok(())
}

/// The attempt's result as the call's: a transport error becomes a stand-in response carrying it
/// with the attempt's id, for [`crate::finish`]; a request reqwest could not build was never
/// sent and stays an error, which `finish` reports as such.
fn unanswered(result: reqwest::Result<reqwest::Response>, attempt: AttemptId) -> reqwest::Result<reqwest::Response> {
    match result {
        Err(error) if !error.is_builder() => Ok(not_sent(NotSent::NoAnswer {
            error: std::sync::Arc::new(error.without_url()),
            attempt,
        })),
        result => result,
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The stand-in response for a call that sent nothing; [`crate::finish`] turns it into the
/// call's error.
fn not_sent(why: NotSent) -> reqwest::Response {
    let mut response = http::Response::new(Vec::<u8>::new());
    *response.status_mut() = why.status();
    response.extensions_mut().insert(why);
    reqwest::Response::from(response)
}

/// `otel.name`: the method and the path template, e.g. `GET /v1/customers/{customer-tenant-id}`.
struct SpanName<'a>(&'a reqwest::Method, &'a str);

impl fmt::Display for SpanName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.1.is_empty() {
            write!(f, "{}", self.0)
        } else {
            write!(f, "{} {}", self.0, self.1)
        }
    }
}

/// `url.full`: the request URL with the value of every secret query parameter (an API key, a
/// client default such as an account id) replaced by `REDACTED`.
struct RedactedUrl<'a> {
    url: &'a reqwest::Url,
    config: &'a ClientConfig,
}

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Request URLs carry no fragment: reqwest never sends one.
        let Some((before, query)) = self.url.as_str().split_once('?') else {
            return f.write_str(self.url.as_str());
        };
        f.write_str(before)?;
        f.write_str("?")?;
        for (index, pair) in query.split('&').enumerate() {
            if index > 0 {
                f.write_str("&")?;
            }
            let (name, _) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
            if self.config.secret_query().any(|(secret, _)| secret == decoded) {
                write!(f, "{name}=REDACTED")?;
            } else {
                f.write_str(pair)?;
            }
        }
        Ok(())
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
    if let Auth::Header(authorization) = &config.auth {
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
    let query: Vec<(&str, &str)> = config
        .secret_query()
        .map(|(name, value)| (name, value.expose()))
        .collect();
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
