//! Each attempt is a `tracing` span with the operation id and the OpenTelemetry HTTP client
//! attributes; no secret reaches the log.

use client_tests::log::CapturedLog;
use respan_client::types::CustomerUpdate;
use respan_client::{Client, RetryPolicy};
use std::time::Duration;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "rsp-secret-for-tracing";

#[tokio::test]
async fn every_attempt_is_a_span_and_the_token_is_never_logged() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503).set_body_json(serde_json::json!({"detail": "busy"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"customer_identifier": "acme"})))
        .with_priority(2)
        .mount(&server)
        .await;
    let log = CapturedLog::start(tracing::Level::DEBUG, FmtSpan::CLOSE);

    Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
        .update_customer("acme", CustomerUpdate::new().clear_total_budget())
        .send()
        .await
        .expect("the retry succeeds");

    let log = log.text();
    let closes: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("finops_request") && l.contains("close"))
        .collect();
    assert_eq!(closes.len(), 2, "{log}");
    let port = server.address().port();
    let common = [
        "finops_request{operation=\"update_customer\" attempt_id=".to_string(),
        " otel.kind=\"client\" ".into(),
        " otel.name=PATCH /api/users/{customer_identifier}/ ".into(),
        " http.request.method=PATCH ".into(),
        format!(" url.full=http://127.0.0.1:{port}/api/users/acme/ "),
        " url.template=\"/api/users/{customer_identifier}/\" ".into(),
        " server.address=\"127.0.0.1\" ".into(),
        format!(" server.port={port} "),
        " duration_ms=".into(),
    ];
    let first = [
        " http.response.status_code=503 ",
        " error.type=\"503\" ",
        " otel.status_code=\"error\"",
    ];
    let second = [" http.request.resend_count=1 ", " http.response.status_code=200"];
    for field in common.iter().map(String::as_str).chain(first) {
        assert!(closes[0].contains(field), "`{field}` is not in {}", closes[0]);
    }
    for field in common.iter().map(String::as_str).chain(second) {
        assert!(closes[1].contains(field), "`{field}` is not in {}", closes[1]);
    }
    // Each attempt has its own id.
    let attempt_id = |line: &str| {
        line.split("attempt_id=")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .map(str::to_owned)
    };
    assert!(attempt_id(closes[0]).is_some());
    assert_ne!(attempt_id(closes[0]), attempt_id(closes[1]));
    assert!(
        !closes[0].contains("resend_count") && !closes[1].contains("error.type"),
        "{log}"
    );
    assert!(log.contains("retrying"), "{log}");
    assert!(!log.contains(TOKEN), "{log}");
}

#[tokio::test]
async fn the_url_in_a_span_has_its_secret_query_values_redacted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"billing_rules": []})))
        .mount(&server)
        .await;
    let log = CapturedLog::start(tracing::Level::TRACE, FmtSpan::CLOSE);
    let _ = cloudhealth_client::Client::builder()
        .base_url(server.uri())
        .api_key("ch-key-secret-77")
        .build()
        .unwrap()
        .list_customer_statements()
        .client_api_id(4242)
        .page(2)
        .send()
        .await;
    let log = log.text();
    assert!(!log.contains("ch-key-secret-77"), "{log}");
    assert!(
        log.contains("/v1/customer_statements?client_api_id=4242&page=2&api_key=REDACTED "),
        "{log}"
    );
}
