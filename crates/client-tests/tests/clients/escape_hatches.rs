//! What a caller can do when the spec lags the wire: extra query parameters, headers and body
//! fields on any call (and what is refused before anything is sent), the fields a response
//! carries that the spec does not declare, the raw body, and the request ids of every call.

use client_tests::{all_requests, header, json_body, only_request};
use respan_client::types::CustomerUpdate;
use respan_client::{CallOptions, Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn respan(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token("rsp-escape-hatch")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn customer() -> serde_json::Value {
    json!({
        "id": "cus_1",
        "name": "Acme",
        "email": "billing@acme.example",
        "customer_identifier": "acme",
        "environment": "prod",
        "total_budget": null,
        "period_budget": 100,
        "organization_name": "Example Org",
        "total_period_usage": 12.5,
        "period_start": "2026-11-01T00:00:00Z",
        "period_end": null,
        "budget_duration": "monthly",
        "updated_at": "2026-11-20T09:30:00Z"
    })
}

async fn answering(body: serde_json::Value, headers: &[(&str, &str)]) -> MockServer {
    let server = MockServer::start().await;
    let mut answer = ResponseTemplate::new(200).set_body_json(body);
    for (name, value) in headers {
        answer = answer.insert_header(*name, *value);
    }
    Mock::given(method("PATCH")).respond_with(answer).mount(&server).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer()))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn extra_query_parameters_headers_and_body_fields_go_on_the_wire_exactly() {
    let server = answering(customer(), &[]).await;
    let options = CallOptions::new()
        .query("include_archived", &true)
        .query("note", "a b&c")
        .header("X-Support-Ticket", "4711")
        .body_field("cost_center", "CC-12")
        .body_field("limits", &json!({"daily": 5, "tags": ["a"]}));
    respan(&server)
        .update_customer("acme", CustomerUpdate::new().period_budget(200.5))
        .environment(respan_client::types::Environment::Prod)
        .send_with(options)
        .await
        .expect("the update succeeds");
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/api/users/acme/");
    assert_eq!(
        request.url.query(),
        Some("environment=prod&include_archived=true&note=a+b%26c")
    );
    assert_eq!(header(&request, "x-support-ticket"), "4711");
    assert_eq!(
        json_body(&request),
        json!({"period_budget": 200.5, "cost_center": "CC-12", "limits": {"daily": 5, "tags": ["a"]}})
    );
}

/// Each refusal, and that the server received nothing for any of them.
#[tokio::test]
async fn an_extra_that_collides_with_the_spec_or_cannot_be_sent_is_refused_before_sending() {
    let server = answering(customer(), &[]).await;
    let client = respan(&server);
    let cases: Vec<(CallOptions, &str)> = vec![
        (
            CallOptions::new().query("environment", "test"),
            "the extra query parameter `environment` is the documented query parameter `environment` of `update_customer`; set it with the operation's own setter",
        ),
        (
            CallOptions::new().body_field("period_budget", &1),
            "the extra body field `period_budget` is documented for the body of `update_customer`; set it on the body's type",
        ),
        (
            CallOptions::new().body_field("ratio", &f64::NAN),
            "the extra body field `ratio` cannot be sent: the value is NaN, which JSON and query strings cannot carry",
        ),
        (
            CallOptions::new().query("ratio", &f64::INFINITY),
            "the extra query parameter `ratio` cannot be sent: the value is inf, which JSON and query strings cannot carry",
        ),
        (
            CallOptions::new().query("filter", &json!({"a": 1})),
            "the extra query parameter `filter` cannot be sent: unsupported value",
        ),
        (
            CallOptions::new().header("Authorization", "Bearer other"),
            "the extra header `authorization` is one the client sets itself (credentials and body framing come from the client's settings and the body)",
        ),
        (
            CallOptions::new().header("Content-Type", "text/plain"),
            "the extra header `content-type` is one the client sets itself (credentials and body framing come from the client's settings and the body)",
        ),
    ];
    for (options, expected) in cases {
        let error = client
            .update_customer("acme", CustomerUpdate::new().period_budget(1))
            .send_with(options)
            .await
            .expect_err("refused");
        match error {
            Error::InvalidRequest(message) => assert_eq!(message, expected),
            other => panic!("expected InvalidRequest({expected}), got {other:?}"),
        }
    }
    let error = client
        .get_customer("acme")
        .send_with(CallOptions::new().body_field("x", &1))
        .await
        .expect_err("a GET has no body");
    assert!(
        matches!(&error, Error::InvalidRequest(m) if m == "`get_customer` sends no JSON body, so extra body fields cannot be sent"),
        "{error:?}"
    );
    assert!(all_requests(&server).await.is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn a_header_the_spec_documents_for_the_operation_is_refused_but_a_generated_id_is_the_callers() {
    use partner_center_client::Client as PartnerCenter;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"totalCount": 0, "items": []})))
        .mount(&server)
        .await;
    let client = PartnerCenter::builder()
        .base_url(server.uri())
        .bearer_token("pc")
        .retry_policy(partner_center_client::RetryPolicy::disabled())
        .without_rate_limits()
        .build()
        .unwrap();
    let error = client
        .list_customers(10)
        .send_with(CallOptions::new().header("MS-Contract-Version", "v2"))
        .await
        .expect_err("a documented header");
    assert!(
        matches!(&error, partner_center_client::Error::InvalidRequest(m) if m == "the extra header `ms-contract-version` is the documented header parameter `MS-Contract-Version` of `list_customers`; set it with the operation's own setter"),
        "{error:?}"
    );
    assert!(all_requests(&server).await.is_empty());
    let page = client
        .list_customers(10)
        .send_with(CallOptions::new().header("MS-RequestId", "7d1f6c1e-0000-4000-8000-000000000001"))
        .await
        .expect("the caller's request id is sent");
    assert_eq!(
        page.request_ids().sent("MS-RequestId"),
        Some("7d1f6c1e-0000-4000-8000-000000000001")
    );
    assert_eq!(
        header(&only_request(&server).await, "ms-requestid"),
        "7d1f6c1e-0000-4000-8000-000000000001"
    );
}

#[tokio::test]
async fn fields_the_spec_does_not_declare_are_kept_and_listed() {
    let mut answer = customer();
    answer["region"] = json!("eu-west");
    answer["limits"] = json!({"daily": 5});
    answer["customer_identifier~/x"] = json!(1);
    let server = answering(answer.clone(), &[]).await;
    let updated = respan(&server)
        .update_customer("acme", CustomerUpdate::new().period_budget(1))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.customer_identifier.as_deref(), Some("acme"));
    assert_eq!(
        updated.undeclared_fields(),
        vec!["/customer_identifier~0~1x", "/limits", "/region"]
    );
    let raw = updated.raw_json().unwrap();
    assert_eq!(raw, answer);
    assert_eq!(raw.pointer("/limits/daily"), Some(&json!(5)));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(updated.raw_body()).unwrap(),
        answer
    );

    let server = answering(customer(), &[]).await;
    let plain = respan(&server).get_customer("acme").send().await.unwrap();
    assert!(plain.undeclared_fields().is_empty());
}

#[tokio::test]
async fn the_servers_request_id_and_the_clients_attempt_id_are_on_every_outcome() {
    let server = answering(customer(), &[("x-request-id", "req-7f3a"), ("cf-ray", "8e1c-AMS")]).await;
    let updated = respan(&server)
        .update_customer("acme", CustomerUpdate::new().period_budget(1))
        .send()
        .await
        .unwrap();
    let ids = updated.request_ids();
    assert_eq!(ids.received("X-Request-Id"), Some("req-7f3a"));
    assert_eq!(ids.received("cf-ray"), Some("8e1c-AMS"));
    assert_eq!(ids.primary(), Some(("x-request-id", "req-7f3a")));
    let attempt = ids.attempt().expect("every attempt has an id").to_string();
    let (process, number) = attempt.split_once('-').unwrap();
    assert_eq!(process.len(), 12);
    assert!(
        process.chars().all(|c| c.is_ascii_hexdigit()) && number.parse::<u64>().is_ok(),
        "{attempt}"
    );
    assert_eq!(
        ids.to_string(),
        format!("x-request-id=req-7f3a; cf-ray=8e1c-AMS; attempt {attempt}")
    );

    // A second call is another attempt.
    let again = respan(&server).get_customer("acme").send().await.unwrap();
    assert_ne!(again.request_ids().attempt(), ids.attempt());
    assert_eq!(again.request_ids().primary(), None);
    assert_eq!(
        again.request_ids().to_string(),
        format!("attempt {}", again.request_ids().attempt().unwrap())
    );

    // An error answered by the server carries them, and so does one that got no answer.
    let failing = MockServer::start().await;
    Mock::given(path("/api/users/acme/"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"detail": "Not found."}))
                .insert_header("x-request-id", "req-404"),
        )
        .mount(&failing)
        .await;
    let error = respan(&failing).get_customer("acme").send().await.unwrap_err();
    assert_eq!(error.request_ids().unwrap().received("x-request-id"), Some("req-404"));
    assert!(error.attempt().is_some());

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let unreachable = Client::builder()
        .base_url(format!("http://{closed}"))
        .bearer_token("x")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = unreachable.get_customer("acme").send().await.unwrap_err();
    match &error {
        Error::Transport(transport) => {
            assert!(transport.is_connect(), "{error:?}");
            assert_eq!(transport.attempt(), error.attempt());
            assert!(transport.attempt().is_some());
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
}
