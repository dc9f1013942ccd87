//! What a misbehaving server or an unsendable caller value cannot do to a call: crash it, lose
//! data, send it to another resource or origin, or use unbounded memory. Servers run on 127.0.0.1:
//! wiremock where a well-formed answer is enough, [`ScriptedServer`] where the answer is broken.

use client_tests::scripted::{Reply, ScriptedServer};
use client_tests::{all_requests, header};
use respan_client::types::CustomerUpdate;
use respan_client::{CallOptions, Client, Error, Redirects, RetryPolicy};
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "rsp-test-token-5b7c";

fn respan(base_url: &str) -> respan_client::ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
}

/// A client that retries as by default, but with a 1 ms first backoff so tests stay fast.
fn retrying(base_url: &str) -> Client {
    respan(base_url)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

/// `GET /api/users/acme/`.
async fn get_acme(
    client: &Client,
) -> Result<respan_client::Response<respan_client::types::Customer>, Error<respan_client::errors::GetCustomerError>> {
    client.get_customer("acme").send().await
}

fn customer_json() -> serde_json::Value {
    json!({"id": "cus_8f2a", "customer_identifier": "acme", "period_budget": 100})
}

fn invalid_request<E: std::fmt::Debug>(result: Result<impl std::fmt::Debug, Error<E>>) -> String {
    match result {
        Err(Error::InvalidRequest(message)) => message,
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

// --- Numbers from the server -------------------------------------------------------------------

#[tokio::test]
async fn a_retry_after_too_large_for_any_clock_ends_the_call_with_that_response() {
    // The first answer takes over a second, so the call's elapsed time has a whole second to
    // overflow with; the second asks for u64::MAX seconds.
    let server = ScriptedServer::start(vec![
        Reply::status(503)
            .header("retry-after", "0")
            .delay(Duration::from_millis(1100)),
        Reply::status(429)
            .header("retry-after", u64::MAX.to_string())
            .json(&json!({"detail": "slow down"})),
    ])
    .await;
    let client = respan(&server.uri())
        .retry_policy(RetryPolicy::default().max_attempts(5))
        .build()
        .unwrap();
    let error = get_acme(&client).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429), "{error}");
    assert_eq!(server.requests(), 2);
}

// --- Bodies that break off or never end ----------------------------------------------------------

#[tokio::test]
async fn a_body_shorter_than_its_content_length_keeps_status_headers_and_what_arrived() {
    let server = ScriptedServer::start(vec![
        Reply::status(200)
            .header("x-request-id", "req-7")
            .body(&b"{\"id\": \"cus"[..])
            .claimed_length(400),
    ])
    .await;
    let client = retrying(&server.uri());
    let result = client
        .update_customer("acme", CustomerUpdate::new().period_budget(5.0))
        .send()
        .await;
    let Err(Error::IncompleteBody(incomplete)) = result else {
        panic!("expected an incomplete body, got {result:?}");
    };
    assert_eq!(incomplete.status.as_u16(), 200);
    assert_eq!(incomplete.headers["x-request-id"], "req-7");
    assert_eq!(&incomplete.body[..], b"{\"id\": \"cus");
    assert_eq!(server.requests(), 1, "a PATCH is not repeated");
}

#[tokio::test]
async fn an_idempotent_call_whose_body_breaks_off_is_retried() {
    let whole = serde_json::to_vec(&customer_json()).unwrap();
    let server = ScriptedServer::start(vec![
        Reply::status(200).body(&whole[..10]).claimed_length(whole.len() as u64),
        Reply::status(200)
            .header("content-type", "application/json")
            .body(whole),
    ])
    .await;
    let client = retrying(&server.uri());
    let customer = get_acme(&client).await.unwrap();
    assert_eq!(customer.customer_identifier.as_deref(), Some("acme"));
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_refused_without_being_read() {
    // 200 MB with no Content-Length: the client stops at its limit and hangs up.
    let endless = ScriptedServer::start(vec![Reply::status(200).endless(200_000_000)]).await;
    let client = respan(&endless.uri()).max_response_bytes(1 << 20).build().unwrap();
    let result = get_acme(&client).await;
    let Err(Error::ResponseTooLarge(too_large)) = result else {
        panic!("expected a body over the limit, got {result:?}");
    };
    assert_eq!((too_large.status.as_u16(), too_large.limit), (200, 1 << 20));

    // A declared length over the limit is refused before any of the body is read.
    let declared = ScriptedServer::start(vec![Reply::status(200).claimed_length(10_000_000_000)]).await;
    let client = respan(&declared.uri()).build().unwrap();
    let error = get_acme(&client).await.unwrap_err();
    assert!(
        matches!(&error, Error::ResponseTooLarge(r) if r.limit == 64 << 20),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the server answered 200 OK with a body longer than the limit of 67108864 bytes"
    );

    // A call can lower the limit.
    let server = ScriptedServer::start(vec![Reply::status(200).json(&customer_json())]).await;
    let client = respan(&server.uri()).build().unwrap();
    let result = client
        .get_customer("acme")
        .send_with(CallOptions::new().max_response_bytes(10))
        .await;
    assert!(
        matches!(result, Err(Error::ResponseTooLarge(ref r)) if r.limit == 10),
        "{result:?}"
    );
}

// --- Redirects -----------------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_loop_is_one_error_and_never_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/api/users/acme/"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/api/users/acme2/"))
        .mount(&server)
        .await;
    Mock::given(path("/api/users/acme2/"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/api/users/acme/"))
        .mount(&server)
        .await;
    let client = retrying(&server.uri());
    let error = get_acme(&client).await.unwrap_err();
    assert!(matches!(&error, Error::Transport(t) if t.is_redirect()), "{error:?}");
    assert_eq!(
        all_requests(&server).await.len(),
        2,
        "acme, acme2, then the loop is seen"
    );
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_returned_unless_the_client_allows_it() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json()))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    let target = format!("{}/api/users/acme/", elsewhere.uri());
    Mock::given(path("/api/users/acme/"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", target.as_str()))
        .mount(&server)
        .await;
    Mock::given(path("/api/users/old/"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/api/users/new/"))
        .mount(&server)
        .await;
    Mock::given(path("/api/users/new/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer_json()))
        .mount(&server)
        .await;

    let client = respan(&server.uri()).build().unwrap();
    let error = get_acme(&client).await.unwrap_err();
    let Error::UnexpectedStatus(response) = &error else {
        panic!("expected the 307 itself, got {error:?}");
    };
    assert_eq!(response.status.as_u16(), 307);
    assert_eq!(response.headers["location"], target.as_str());
    assert!(all_requests(&elsewhere).await.is_empty());

    let same_origin = client.get_customer("old").send().await;
    assert!(same_origin.is_ok(), "{same_origin:?}");

    let following = respan(&server.uri()).redirects(Redirects::AnyOrigin).build().unwrap();
    get_acme(&following).await.unwrap();
    assert_eq!(all_requests(&elsewhere).await.len(), 1);
    let request = &all_requests(&elsewhere).await[0];
    assert!(
        !request.headers.contains_key("authorization"),
        "the token stays at home"
    );

    let none = respan(&server.uri()).redirects(Redirects::None).build().unwrap();
    let error = none.get_customer("old").send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(301));
}

// --- Caller values -------------------------------------------------------------------------------

#[tokio::test]
async fn non_finite_floats_are_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = respan(&server.uri()).build().unwrap();
    for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let message = invalid_request(
            client
                .update_customer("acme", CustomerUpdate::new().period_budget(value))
                .send()
                .await,
        );
        assert_eq!(
            message,
            format!(
                "the request body cannot be sent: `period_budget` is {value}, which JSON and query strings cannot carry"
            )
        );
    }

    let pc = partner_center_client::Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let message = invalid_request(
        pc.update_usage_budget(
            partner_center_client::uuid::uuid!("4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab"),
            partner_center_client::types::SpendingBudgetUpdate::new().amount(f64::NAN),
        )
        .send()
        .await,
    );
    assert!(message.contains("`amount` is NaN"), "{message}");
    assert!(all_requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_path_parameter_cannot_address_another_resource() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = respan(&server.uri()).build().unwrap();
    for value in ["", ".", ".."] {
        let message = invalid_request(client.delete_customer(value).send().await);
        assert!(
            message.starts_with("the path parameter `customer_identifier` is"),
            "{message}"
        );
    }
    assert!(all_requests(&server).await.is_empty(), "nothing was sent");

    for (value, sent) in [
        ("a/../b", "/api/users/a%2F..%2Fb/"),
        (r"..\admin", "/api/users/..%5Cadmin/"),
        ("%2e%2e", "/api/users/%252e%252e/"),
        ("...", "/api/users/.../"),
        ("ü ?#", "/api/users/%C3%BC%20%3F%23/"),
    ] {
        let _ = client.delete_customer(value).send().await;
        let requests = all_requests(&server).await;
        assert_eq!(requests.last().unwrap().url.path(), sent, "{value}");
    }
}

#[tokio::test]
async fn header_values_a_server_would_read_differently_are_refused() {
    let server = MockServer::start().await;
    let pc = partner_center_client::Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    for (value, problem) in [
        ("en-US\r\nX-Injected: 1", "control character"),
        ("fr-CA\u{e9}", "outside ASCII"),
        (" en-US", "white space"),
    ] {
        let message = invalid_request(
            pc.get_usage_budget(partner_center_client::uuid::uuid!(
                "4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab"
            ))
            .x_locale(value)
            .send()
            .await,
        );
        assert!(message.starts_with("the value of the header `X-Locale`"), "{message}");
        assert!(message.contains(problem), "{message}");
    }
    assert!(all_requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_caller_set_request_id_is_sent_unchanged_on_every_attempt() {
    const REQUEST_ID: &str = "312b044d-dc41-4b37-a2d5-7d27322d9654";
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"amount": 5})))
        .mount(&server)
        .await;
    let pc = partner_center_client::Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    pc.get_usage_budget(partner_center_client::uuid::uuid!(
        "4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab"
    ))
    .ms_request_id(REQUEST_ID)
    .send()
    .await
    .unwrap();
    let requests = all_requests(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(header(request, "ms-requestid"), REQUEST_ID);
    }
}

#[test]
fn a_base_url_with_a_query_or_credentials_is_refused() {
    for url in [
        "https://api.respan.ai/?api_key=1",
        "https://api.respan.ai/#top",
        "https://me:pw@api.respan.ai/",
    ] {
        let error = respan(url).build().unwrap_err().to_string();
        assert!(error.starts_with("cannot build the client: the base URL"), "{error}");
        assert!(!error.contains("api_key=1") && !error.contains("pw"), "{error}");
    }
}
