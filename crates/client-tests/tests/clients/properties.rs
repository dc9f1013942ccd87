//! Property tests of the request loop and of what is sent.
//!
//! - Arbitrary server behaviour (status, `Retry-After`, bodies exact, truncated, close-delimited
//!   or endless, delays) from a [`ScriptedServer`]: no panic, at most the policy's attempts, a
//!   bounded time, and a typed result that matches what the server last answered.
//! - Arbitrary caller values (path, header and query strings, floats): what the server receives
//!   is exactly the value, or the call is refused before anything is sent.
//!
//! `PROPTEST_CASES=1000 cargo test -p client-tests --test clients properties::` runs more cases.

use client_tests::all_requests;
use client_tests::scripted::{Reply, ScriptedServer};
use proptest::prelude::*;
use respan_client::types::CustomerUpdate;
use respan_client::{Client, Error, RetryPolicy};
use serde_json::json;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TENANT: partner_center_client::uuid::Uuid =
    partner_center_client::uuid::uuid!("4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab");
const MAX_ATTEMPTS: u32 = 3;
const TIMEOUT: Duration = Duration::from_secs(2);
const LIMIT: u64 = 64 * 1024;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Runtime::new().expect("a runtime"))
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig::with_cases(cases)
}

// --- Server behaviour ----------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Ending {
    Exact,
    Claimed(u64),
    UntilClose,
    Endless(u64),
}

#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: Vec<u8>,
    ending: Ending,
    delay_ms: u64,
}

impl Answer {
    fn reply(&self) -> Reply {
        let mut reply = Reply::status(self.status)
            .body(self.body.clone())
            .delay(Duration::from_millis(self.delay_ms));
        if let Some(value) = &self.retry_after {
            reply = reply.header("retry-after", value);
        }
        match self.ending {
            Ending::Exact => reply,
            Ending::Claimed(extra) => reply.claimed_length(self.body.len() as u64 + extra),
            Ending::UntilClose => reply.until_close(),
            Ending::Endless(bytes) => reply.endless(bytes),
        }
    }

    /// The body the client would see in full, if the answer ends properly.
    fn total_length(&self) -> u64 {
        match self.ending {
            Ending::Endless(bytes) => self.body.len() as u64 + bytes,
            _ => self.body.len() as u64,
        }
    }
}

fn retry_after() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        (0u64..3).prop_map(|s| Some(s.to_string())),
        any::<u64>().prop_map(|s| Some(s.to_string())),
        Just(Some(u64::MAX.to_string())),
        Just(Some("99999999999999999999999".to_string())),
        Just(Some("Fri, 31 Dec 9999 23:59:59 GMT".to_string())),
        Just(Some("Thu, 01 Jan 1970 00:00:00 GMT".to_string())),
        "[ -~]{0,12}".prop_map(|s| Some(s.trim().to_string())),
    ]
}

fn answer() -> impl Strategy<Value = Answer> {
    let body = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        Just(serde_json::to_vec(&json!({"customer_identifier": "acme", "period_budget": 1})).unwrap()),
        Just(serde_json::to_vec(&json!({"detail": "no"})).unwrap()),
    ];
    let ending = prop_oneof![
        3 => Just(Ending::Exact),
        1 => (1u64..1000).prop_map(Ending::Claimed),
        1 => Just(Ending::UntilClose),
        1 => (0u64..2 * LIMIT).prop_map(Ending::Endless),
    ];
    let status = prop_oneof![
        2 => Just(200u16),
        2 => prop::sample::select(vec![400u16, 401, 404, 408, 422, 429, 500, 502, 503, 504]),
        1 => 200u16..600,
    ];
    (status, retry_after(), body, ending, 0u64..20).prop_map(|(status, retry_after, body, ending, delay_ms)| Answer {
        status,
        retry_after,
        body,
        ending,
        delay_ms,
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_server_behaviour_ends_in_a_typed_result_within_bounds(
        script in proptest::collection::vec(answer(), 1..4)
    ) {
        runtime().block_on(async {
            let server = ScriptedServer::start(script.iter().map(Answer::reply).collect()).await;
            let client = Client::builder()
                .base_url(server.uri())
                .bearer_token("t")
                .timeout(TIMEOUT)
                .max_response_bytes(LIMIT)
                .retry_policy(
                    RetryPolicy::default()
                        .max_attempts(MAX_ATTEMPTS)
                        .initial_backoff(Duration::from_millis(1))
                        .max_backoff(Duration::from_millis(4))
                        .max_elapsed(Duration::from_millis(500)),
                )
                .build()
                .unwrap();
            let started = Instant::now();
            let result = client.get_customer("acme").send().await;
            let elapsed = started.elapsed();
            let requests = server.requests();
            prop_assert!((1..=MAX_ATTEMPTS as usize).contains(&requests), "{requests} requests");
            prop_assert!(elapsed < TIMEOUT * MAX_ATTEMPTS + Duration::from_secs(1), "{elapsed:?}");
            let last = &script[(requests - 1).min(script.len() - 1)];
            match &result {
                Ok(response) => {
                    prop_assert_eq!(response.status().as_u16(), 200);
                    prop_assert_eq!(last.status, 200);
                    prop_assert!(!matches!(last.ending, Ending::Claimed(_)));
                }
                Err(Error::InvalidRequest(_)) | Err(Error::Internal(_)) => {
                    prop_assert!(false, "not the server's doing: {result:?}");
                }
                Err(Error::Transport(_)) => {}
                Err(error) => {
                    prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(last.status), "{}", error);
                    match error {
                        // The server's truncation, or the call's own timeout running out while
                        // the body was read (a wait for the pacer's slot counts against it).
                        Error::IncompleteBody(b) => prop_assert!(
                            matches!(last.ending, Ending::Claimed(_)) || b.source.is_timeout(),
                            "{:?}",
                            b.source
                        ),
                        Error::ResponseTooLarge(r) => {
                            prop_assert_eq!(r.limit, LIMIT);
                            let declared = match last.ending {
                                Ending::Claimed(extra) => last.body.len() as u64 + extra,
                                _ => last.total_length(),
                            };
                            prop_assert!(declared > LIMIT, "{declared} bytes is within the limit");
                        }
                        _ => {}
                    }
                }
            }
            Ok(())
        })?;
    }
}

// --- Caller values -------------------------------------------------------------------------------

/// One mock server for every case of a test (tests run on threads of their own, and each counts
/// the requests its server received): it answers anything with a customer.
fn server() -> &'static MockServer {
    thread_local! {
        static SERVER: &'static MockServer = Box::leak(Box::new(start_server()));
    }
    SERVER.with(|server| *server)
}

fn start_server() -> MockServer {
    {
        runtime().block_on(async {
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(json!({"customer_identifier": "acme", "amount": 1, "results": []})),
                )
                .mount(&server)
                .await;
            server
        })
    }
}

fn respan() -> Client {
    Client::builder()
        .base_url(server().uri())
        .bearer_token("t")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// Runs `call` and returns the one request it sent, or `None` if it sent nothing.
fn sent_by<T>(call: impl std::future::Future<Output = T>) -> (T, Option<wiremock::Request>) {
    runtime().block_on(async {
        let before = all_requests(server()).await.len();
        let result = call.await;
        let requests = all_requests(server()).await;
        assert!(requests.len() <= before + 1, "one call sent several requests");
        (result, requests.into_iter().nth(before))
    })
}

fn path_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::sample::select(vec![
            "", ".", "..", "...", "%2e", "%2E%2e", "/", "\\", "a/../b", "?x=1", "#f", ";"
        ])
        .prop_map(String::from),
        "[./\\\\%?#;a]{0,6}",
    ]
}

fn refused<T: std::fmt::Debug, E: std::fmt::Debug>(result: &Result<T, Error<E>>) -> bool {
    matches!(result, Err(Error::InvalidRequest(_)))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_path_parameter_arrives_as_exactly_one_segment_or_is_refused(value in path_value()) {
        let (result, request) = sent_by(respan().get_customer(value.as_str()).send());
        if matches!(value.as_str(), "" | "." | "..") {
            prop_assert!(refused(&result), "{result:?}");
            prop_assert!(request.is_none());
        } else {
            let request = request.expect("a request");
            let path = request.url.path();
            let segment = path
                .strip_prefix("/api/users/")
                .and_then(|rest| rest.strip_suffix('/'))
                .expect("the documented path");
            prop_assert!(!segment.contains('/'), "{path}");
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8().unwrap();
            prop_assert_eq!(decoded.as_ref(), value.as_str());
        }
    }

    #[test]
    fn a_float_in_a_body_arrives_exactly_or_is_refused(value in any::<f64>()) {
        let (result, request) = sent_by(
            respan()
                .update_customer("acme", CustomerUpdate::new().period_budget(value))
                .send(),
        );
        if value.is_finite() {
            let request = request.expect("a request");
            let body = String::from_utf8(request.body.clone()).unwrap();
            let start = body.find("\"period_budget\":").expect("the field is sent") + "\"period_budget\":".len();
            let text: String = body[start..].chars().take_while(|c| !matches!(c, ',' | '}')).collect();
            let sent: f64 = text.parse().unwrap();
            prop_assert_eq!(sent.to_bits(), value.to_bits(), "{} sent as {}", value, text);
        } else {
            prop_assert!(refused(&result), "{result:?}");
            prop_assert!(request.is_none());
        }
    }

    #[test]
    fn a_header_value_arrives_byte_for_byte_or_is_refused(value in prop_oneof![any::<String>(), "[ -~\\t]{0,12}"]) {
        let client = partner_center_client::Client::builder()
            .base_url(server().uri())
            .bearer_token("t")
            .retry_policy(partner_center_client::RetryPolicy::disabled())
            .build()
            .unwrap();
        let (result, request) = sent_by(client.get_usage_budget(TENANT).x_locale(value.as_str()).send());
        let sendable = value.is_ascii()
            && !value.bytes().any(|b| b.is_ascii_control() && b != b'\t')
            && !value.starts_with([' ', '\t'])
            && !value.ends_with([' ', '\t']);
        if sendable {
            let request = request.expect("a request");
            let received = request.headers.get("x-locale").map(|v| v.as_bytes().to_vec()).unwrap_or_default();
            prop_assert_eq!(received, value.as_bytes().to_vec());
        } else {
            prop_assert!(refused(&result), "{result:?}");
            prop_assert!(request.is_none());
        }
    }

    #[test]
    fn a_query_string_arrives_exactly(value in any::<String>()) {
        let filters: respan_client::types::CustomerFilters = serde_json::from_value(json!({"filters": {}})).unwrap();
        let (_, request) = sent_by(respan().list_customers(filters).sort_by(value.as_str()).send());
        let request = request.expect("a request");
        let sent: Vec<(String, String)> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        prop_assert_eq!(sent, vec![("sort_by".to_string(), value)]);
    }
}

// --- Credentials and a server's numbers ----------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Any bearer token (an environment variable or a flag, empty included): the request carries
    /// exactly `Bearer <token>`, or the client is not built and nothing is sent.
    #[test]
    fn a_bearer_token_arrives_exactly_or_the_build_is_refused(token in prop_oneof![any::<String>(), "[ !-~]{0,4}"]) {
        let built = Client::builder()
            .base_url(server().uri())
            .bearer_token(token.as_str())
            .retry_policy(RetryPolicy::disabled())
            .build();
        // The rule of every header value: ASCII, no control character, no white space at the ends.
        let sendable = !token.trim().is_empty()
            && token.is_ascii()
            && !token.bytes().any(|b| b.is_ascii_control() && b != b'\t')
            && !token.starts_with([' ', '\t'])
            && !token.ends_with([' ', '\t']);
        match built {
            Ok(client) => {
                prop_assert!(sendable, "{token:?} was accepted");
                let (_, request) = sent_by(client.get_customer("acme").send());
                let request = request.expect("a request");
                let received = request.headers.get("authorization").map(|v| v.as_bytes().to_vec());
                prop_assert_eq!(received, Some(format!("Bearer {token}").into_bytes()));
            }
            Err(error) => {
                prop_assert!(!sendable, "{token:?}: {error}");
                prop_assert!(!error.to_string().contains(token.trim()) || token.trim().len() < 3, "{error}");
            }
        }
    }

    /// Any token endpoint answer (any `expires_in`, an empty or odd `access_token`, odd types):
    /// no panic; the API receives exactly the token issued, or the call is an authentication
    /// error and the API receives nothing.
    #[test]
    fn any_token_endpoint_answer_sends_its_token_exactly_or_nothing(
        expires_in in prop_oneof![any::<u64>().prop_map(|n| json!(n)), any::<i64>().prop_map(|n| json!(n)), Just(json!("3600")), Just(json!(null)), Just(json!(1e300))],
        token in prop_oneof![Just(String::new()), Just(" ".to_string()), "[!-~]{1,16}", any::<String>()],
        token_type in prop_oneof![Just("Bearer"), Just("bearer"), Just(""), Just("MAC")],
    ) {
        let answer = json!({"token_type": token_type, "expires_in": expires_in, "access_token": token});
        let (result, api_requests) = runtime().block_on(async {
            let issuer = ScriptedServer::handle(move |_| Reply::status(200).json(&answer)).await;
            let api = ScriptedServer::handle(|request| {
                Reply::status(200).json(&json!({"authorization": request.header("authorization")}))
            })
            .await;
            let client = partner_center_client::Client::builder()
                .base_url(api.uri())
                .token_authority(issuer.uri())
                .client_credentials("contoso.onmicrosoft.com", "app", "secret")
                .retry_policy(partner_center_client::RetryPolicy::disabled())
                .timeout(TIMEOUT)
                .build()
                .unwrap();
            let result = client.get_usage_budget(TENANT).send().await;
            (result.map(|_| ()), api.requests())
        });
        match result {
            Ok(()) => {
                prop_assert!(!token.trim().is_empty());
                prop_assert_eq!(api_requests, 1);
            }
            Err(partner_center_client::Error::Authentication(_)) => prop_assert_eq!(api_requests, 0),
            // The API's answer is not a usage budget: the token was sent, and accepted by the client.
            Err(partner_center_client::Error::InvalidBody(_)) => {
                prop_assert!(!token.trim().is_empty());
                prop_assert_eq!(api_requests, 1);
            }
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }

}

proptest! {
    // Each case waits up to its timeout: a quarter of the cases.
    #![proptest_config(ProptestConfig::with_cases((config().cases / 4).max(8)))]

    /// A 429 with any `Retry-After` on a paced client: the next call ends within its timeout
    /// (the wait for its slot counts against it), whatever the hold asked.
    #[test]
    fn after_a_429_with_any_retry_after_a_paced_call_ends_within_its_timeout(retry_after in retry_after()) {
        let elapsed = runtime().block_on(async move {
            let answers = std::sync::Mutex::new(0usize);
            let server = ScriptedServer::handle(move |_| {
                let mut n = answers.lock().unwrap();
                *n += 1;
                let reply = if *n == 1 { Reply::status(429) } else { Reply::status(200) };
                let reply = match &retry_after {
                    Some(value) if *n == 1 => reply.header("Retry-After", value.as_str()),
                    _ => reply,
                };
                reply.json(&json!({"customer_identifier": "acme"}))
            })
            .await;
            // A fast limit, so the wait is the 429's hold alone.
            let client = Client::builder()
                .base_url(server.uri())
                .bearer_token("t")
                .without_rate_limits()
                .rate_limit(respan_client::RateLimit::per_second("fast", 1000.0))
                .retry_policy(RetryPolicy::disabled())
                .build()
                .unwrap();
            let _ = client.get_customer("acme").send().await;
            let started = Instant::now();
            let _ = client
                .get_customer("acme")
                .send_with(respan_client::CallOptions::new().timeout(Duration::from_millis(300)))
                .await;
            started.elapsed()
        });
        // The timeout and the machine's slack; the hold asked for is up to `u64::MAX` seconds.
        prop_assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    }
}
