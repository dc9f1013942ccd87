//! Each attempt is a `tracing` span with operation id, attempt, status and duration; no secret
//! reaches the log.

use respan_client::types::CustomerUpdate;
use respan_client::{Client, RetryPolicy};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "rsp-secret-for-tracing";

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

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
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .with_span_events(FmtSpan::CLOSE)
        .with_max_level(tracing::Level::DEBUG)
        .without_time()
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let closes: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("finops_request") && l.contains("close"))
        .collect();
    assert_eq!(closes.len(), 2, "{log}");
    assert!(closes[0].contains("operation=\"update_customer\" attempt=1"), "{log}");
    assert!(closes[0].contains("status=503"), "{log}");
    assert!(closes[1].contains("attempt=2"), "{log}");
    assert!(closes[1].contains("status=200"), "{log}");
    assert!(closes.iter().all(|l| l.contains("duration_ms=")), "{log}");
    assert!(log.contains("retrying"), "{log}");
    assert!(!log.contains(TOKEN), "{log}");
}
