//! respan-client against a mock Respan on 127.0.0.1.

use client_tests::{assert_matches_schema, header, header_names, json_body, only_request};
use respan_client::errors::UpdateCustomerError;
use respan_client::types::{self, BudgetDuration, CustomerUpdate};
use respan_client::{Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API: &str = "respan";
const TOKEN: &str = "rsp-test-token-5b7c";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("valid settings")
}

fn customer_json() -> serde_json::Value {
    json!({
        "id": "cus_8f2a",
        "name": "Acme",
        "email": "billing@acme.example",
        "customer_identifier": "acme",
        "environment": "test",
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

async fn answering(status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn update_customer_sends_exactly_the_documented_headers_and_the_fields_set() {
    let server = MockServer::start().await;
    let answer = customer_json();
    assert_matches_schema(API, "Customer", &answer);
    Mock::given(method("PATCH"))
        .and(path("/api/users/acme/"))
        .and(query_param("environment", "test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let customer = client(&server)
        .update_customer(
            "acme",
            CustomerUpdate::new()
                .period_budget(100.0)
                .budget_duration(BudgetDuration::Monthly),
        )
        .environment(types::Environment::Test)
        .send()
        .await
        .expect("a 200 response")
        .into_inner();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_eq!(request.url.path(), "/api/users/acme/");
    assert_eq!(request.url.query(), Some("environment=test"));
    assert_eq!(
        header_names(&request),
        [
            "accept",
            "authorization",
            "content-length",
            "content-type",
            "host",
            "user-agent"
        ]
    );
    assert_eq!(header(&request, "authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(header(&request, "accept"), "application/json");
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "user-agent"), concat!("respan-client/", "0.4.0"));
    let sent = json_body(&request);
    assert_eq!(sent, json!({"period_budget": 100.0, "budget_duration": "monthly"}));
    assert_matches_schema(API, "CustomerUpdate", &sent);

    assert!(matches!(&customer.id, Some(types::CustomerId::String(id)) if id == "cus_8f2a"));
    assert_eq!(customer.customer_identifier.as_deref(), Some("acme"));
    assert_eq!(customer.environment, Some(types::Environment::Test));
    assert_eq!(customer.period_budget, Some(100.0));
    assert_eq!(customer.total_budget, None);
    assert_eq!(customer.total_period_usage, Some(12.5));
    assert_eq!(customer.budget_duration, Some(BudgetDuration::Monthly));
    assert_eq!(
        customer.period_start.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-11-01T00:00:00+00:00")
    );
    assert_eq!(customer.period_end, None);
}

#[tokio::test]
async fn patch_fields_are_left_out_sent_as_null_or_sent_with_a_value() {
    let cases = [
        (CustomerUpdate::new().name("Acme"), json!({"name": "Acme"})),
        (
            CustomerUpdate::new().name("Acme").clear_period_budget(),
            json!({"name": "Acme", "period_budget": null}),
        ),
        (
            CustomerUpdate::new().name("Acme").period_budget(250.5),
            json!({"name": "Acme", "period_budget": 250.5}),
        ),
        (
            CustomerUpdate::new()
                .clear_total_budget()
                .clear_email()
                .clear_name()
                .clear_period_end(),
            json!({"total_budget": null, "email": null, "name": null, "period_end": null}),
        ),
    ];
    for (update, expected) in cases {
        let server = answering(200, customer_json()).await;
        client(&server)
            .update_customer("acme", update.clone())
            .send()
            .await
            .expect("a 200 response");
        let sent = json_body(&only_request(&server).await);
        assert_eq!(sent, expected, "{update:?}");
        assert_matches_schema(API, "CustomerUpdate", &sent);
        let decoded: CustomerUpdate = serde_json::from_value(sent).expect("the body decodes back");
        assert_eq!(decoded, update);
    }
}

#[tokio::test]
async fn enum_values_the_spec_does_not_list_are_kept_and_sent_back_unchanged() {
    let mut answer = customer_json();
    answer["budget_duration"] = json!("yearly");
    answer["environment"] = json!("staging");
    let server = answering(200, answer).await;

    let customer = client(&server)
        .update_customer("acme", CustomerUpdate::new())
        .send()
        .await
        .expect("an unknown enum value is not an error")
        .into_inner();

    let duration = customer.budget_duration.expect("a budget duration");
    assert!(
        matches!(&duration, BudgetDuration::Unknown(v) if v.as_str() == "yearly"),
        "{duration:?}"
    );
    assert_eq!(duration.to_string(), "yearly");
    assert_eq!(serde_json::to_value(&duration).unwrap(), json!("yearly"));
    assert_eq!(serde_json::to_value(customer.environment).unwrap(), json!("staging"));
    // A listed value never lands in `Unknown`, however it was made.
    assert_eq!("monthly".parse::<BudgetDuration>(), Ok(BudgetDuration::Monthly));
    assert_eq!(
        serde_json::from_value::<BudgetDuration>(json!("weekly")).unwrap(),
        BudgetDuration::Weekly
    );

    // Sent back as received.
    let server = answering(200, customer_json()).await;
    client(&server)
        .update_customer("acme", CustomerUpdate::new().budget_duration(duration))
        .send()
        .await
        .expect("a 200 response");
    assert_eq!(
        json_body(&only_request(&server).await),
        json!({"budget_duration": "yearly"})
    );
}

#[tokio::test]
async fn each_error_status_decodes_into_its_own_body_type() {
    let not_found = json!({"detail": "Not found."});
    let invalid = json!({"detail": "Invalid input.", "errors": {"period_budget": ["Must be positive."]}});
    let limited = json!({"detail": "Rate limit exceeded", "retry_after": 30});
    assert_matches_schema(API, "ErrorDetail", &not_found);
    assert_matches_schema(API, "ValidationError", &invalid);
    assert_matches_schema(API, "RateLimitError", &limited);

    let server = answering(404, not_found).await;
    let error = client(&server)
        .update_customer("ghost", CustomerUpdate::new())
        .send()
        .await
        .expect_err("a 404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let Error::Api(api) = &error else { panic!("{error:?}") };
    let UpdateCustomerError::NotFound(body) = &api.body else {
        panic!("{api:?}")
    };
    assert_eq!(body.detail, "Not found.");
    // The body's message, not its Debug form.
    assert_eq!(error.to_string(), "the server answered 404 Not Found: Not found.");

    let server = answering(422, invalid).await;
    let error = client(&server)
        .update_customer("acme", CustomerUpdate::new().period_budget(-1.0))
        .send()
        .await
        .expect_err("a 422");
    let Some(UpdateCustomerError::UnprocessableEntity(body)) = error.api_body() else {
        panic!("{error:?}")
    };
    assert_eq!(body.detail, "Invalid input.");
    assert_eq!(body.errors["period_budget"], ["Must be positive."]);

    let server = answering(429, limited).await;
    let error = client(&server)
        .update_customer("acme", CustomerUpdate::new())
        .send()
        .await
        .expect_err("a 429");
    let Some(UpdateCustomerError::TooManyRequests(body)) = error.api_body() else {
        panic!("{error:?}")
    };
    assert_eq!(body.detail, "Rate limit exceeded");
    assert_eq!(body.retry_after, Some(30));
}

#[tokio::test]
async fn empty_malformed_and_undocumented_responses_keep_their_status() {
    // A documented error status with an empty body.
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(500).insert_header("x-request-id", "r-1"))
        .mount(&server)
        .await;
    let error = client(&server)
        .update_customer("acme", CustomerUpdate::new())
        .send()
        .await
        .expect_err("a 500");
    let Error::InvalidBody(invalid) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(invalid.status.as_u16(), 500);
    assert!(invalid.body.is_empty());
    assert_eq!(error.header("x-request-id"), Some("r-1"));
    assert_eq!(
        error.to_string(),
        "the server answered 500 Internal Server Error with an empty body where one was expected"
    );

    // A success status with a truncated body.
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"id": "cus_8f2a", "name": "Ac"#, "application/json"))
        .mount(&server)
        .await;
    let error = client(&server)
        .update_customer("acme", CustomerUpdate::new())
        .send()
        .await
        .expect_err("a truncated body");
    let Error::InvalidBody(invalid) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(invalid.status.as_u16(), 200);
    assert_eq!(&invalid.body[..], br#"{"id": "cus_8f2a", "name": "Ac"#);
    assert!(invalid.source.is_eof(), "{}", invalid.source);

    // A status the spec does not document, with a body that is not JSON.
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(418).set_body_string("short and stout"))
        .mount(&server)
        .await;
    let error = client(&server)
        .update_customer("acme", CustomerUpdate::new())
        .send()
        .await
        .expect_err("a 418");
    let Error::UnexpectedStatus(raw) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(raw.status.as_u16(), 418);
    assert_eq!(&raw.body[..], b"short and stout");
}

#[tokio::test]
async fn a_500_on_a_non_idempotent_call_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"detail": "boom"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::default().max_attempts(5))
        .build()
        .unwrap();
    let error = client
        .update_customer("acme", CustomerUpdate::new())
        .send()
        .await
        .expect_err("a 500");
    assert!(
        matches!(error.api_body(), Some(UpdateCustomerError::InternalServerError(_))),
        "{error:?}"
    );

    // A 502 is not retried either: PATCH is not idempotent and Respan has no idempotency key.
    let server = answering(502, json!({})).await;
    Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::default().max_attempts(5))
        .build()
        .unwrap()
        .update_customer("acme", CustomerUpdate::new())
        .send()
        .await
        .expect_err("a 502");
    assert_eq!(client_tests::all_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn servers_come_from_the_spec() {
    use respan_client::Server;
    assert_eq!(Server::default(), Server::Default);
    assert_eq!(Server::Default.base_url(), "https://api.respan.ai");
    assert_eq!(Server::Legacy.base_url(), "https://api.keywordsai.co");
    let error = Client::builder()
        .base_url("api.respan.ai")
        .build()
        .expect_err("no scheme");
    assert_eq!(
        error.to_string(),
        "cannot build the client: the base URL `api.respan.ai` is not a URL: relative URL without a base"
    );
}

/// The list-customers page's example item: a list item, not the detail `Customer`.
fn customer_list_json() -> serde_json::Value {
    json!({
        "count": 1,
        "next": null,
        "previous": null,
        "results": [{
            "customer_identifier": "user_123",
            "email": "alice@example.com",
            "name": "Alice",
            "environment": "prod",
            "first_seen": "2024-01-02T10:00:00Z",
            "number_of_requests": 1520,
            "total_cost": 42.75,
            "period_budget": 200,
            "budget_duration": "monthly"
        }]
    })
}

#[tokio::test]
async fn list_customers_sends_paging_sorting_and_filters_and_reads_list_items() {
    let server = MockServer::start().await;
    let answer = customer_list_json();
    assert_matches_schema(API, "CustomerList", &answer);
    Mock::given(method("POST"))
        .and(path("/api/users/list/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let mut filters = respan_client::serde_json::Map::new();
    filters.insert("total_cost".into(), json!({"operator": "gte", "value": [10]}));
    let page = client(&server)
        .list_customers(types::CustomerFilters::new().filters(filters))
        .page(2)
        .page_size(100)
        .sort_by("-total_cost")
        .send()
        .await
        .expect("a 200 response")
        .into_inner();

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/api/users/list/");
    assert_eq!(request.url.query(), Some("page=2&page_size=100&sort_by=-total_cost"));
    let sent = json_body(&request);
    assert_eq!(
        sent,
        json!({"filters": {"total_cost": {"operator": "gte", "value": [10]}}})
    );
    assert_matches_schema(API, "CustomerFilters", &sent);

    assert_eq!(page.count, 1);
    assert_eq!(page.next, None);
    let item = &page.results[0];
    assert_eq!(item.customer_identifier.as_deref(), Some("user_123"));
    assert_eq!(item.number_of_requests, Some(1520));
    assert_eq!(item.total_cost, Some(42.75));
    assert_eq!(item.budget_duration, Some(BudgetDuration::Monthly));
    assert_eq!(
        item.first_seen.map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-01-02T10:00:00+00:00")
    );
}

#[tokio::test]
async fn page_numbers_take_any_integer_and_zero_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"count": 0, "next": null, "previous": null, "results": []})),
        )
        .mount(&server)
        .await;
    let wanted: usize = 25;
    client(&server)
        .list_credit_transactions()
        .page(3u64)
        .page_size(wanted)
        .send()
        .await
        .expect("a 200 response");
    assert_eq!(only_request(&server).await.url.query(), Some("page=3&page_size=25"));

    for (page_size, reason) in [
        (
            0i64,
            "page_size must be a positive integer: 0 is not allowed (the least value is 1)",
        ),
        (
            -1,
            "page_size must be a positive integer: -1 is out of range (at most 4294967295)",
        ),
        (
            1 << 33,
            "page_size must be a positive integer: 8589934592 is out of range (at most 4294967295)",
        ),
    ] {
        let error = client(&server)
            .list_credit_transactions()
            .page_size(page_size)
            .send()
            .await
            .expect_err("refused");
        match &error {
            Error::InvalidRequest(message) => assert_eq!(message, reason),
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "nothing more was sent"
    );
}

fn credit_transaction_json() -> serde_json::Value {
    json!({
        "id": "ct_1a2b3c4d5e6f7g8h",
        "organization_subscription": 2345,
        "unique_organization_id": "d290f1ee-6c54-4b01-90e6-d701748f0851",
        "amount": -12.5,
        "transaction_type": "adjustment",
        "created_at": "2026-11-02T09:30:00Z",
        "expires_at": null,
        "description": "Usage correction",
        "stripe_payment_intent_id": "",
        "metadata": {"ticket": "T-42"}
    })
}

#[tokio::test]
async fn list_credit_transactions_sends_the_page_and_reads_typed_transactions() {
    let server = MockServer::start().await;
    let answer = json!({"count": 1, "next": null, "previous": null, "results": [credit_transaction_json()]});
    assert_matches_schema(API, "CreditTransactionList", &answer);
    Mock::given(method("GET"))
        .and(path("/api/credit-transactions/list/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server)
        .list_credit_transactions()
        .page(3)
        .page_size(25)
        .send()
        .await
        .expect("a 200 response")
        .into_inner();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.query(), Some("page=3&page_size=25"));
    assert_eq!(
        header_names(&request),
        ["accept", "authorization", "host", "user-agent"]
    );
    assert_eq!(header(&request, "authorization"), format!("Bearer {TOKEN}"));

    assert_eq!(page.count, Some(1));
    let transaction = &page.results[0];
    assert_eq!(transaction.id.as_deref(), Some("ct_1a2b3c4d5e6f7g8h"));
    assert_eq!(transaction.amount, Some(-12.5));
    assert_eq!(transaction.transaction_type, Some(types::TransactionType::Adjustment));
    assert_eq!(transaction.expires_at, None);
    assert_eq!(transaction.metadata["ticket"], "T-42");
}

#[tokio::test]
async fn get_credit_transaction_reads_one_transaction_and_a_404_is_typed() {
    let server = MockServer::start().await;
    let answer = credit_transaction_json();
    assert_matches_schema(API, "CreditTransaction", &answer);
    Mock::given(method("GET"))
        .and(path("/api/credit-transactions/ct_1a2b3c4d5e6f7g8h/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/credit-transactions/ct_missing/"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."})))
        .mount(&server)
        .await;

    let transaction = client(&server)
        .get_credit_transaction("ct_1a2b3c4d5e6f7g8h")
        .send()
        .await
        .expect("a 200 response")
        .into_inner();
    assert_eq!(transaction.organization_subscription, Some(2345));
    assert_eq!(
        transaction.created_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-11-02T09:30:00+00:00")
    );

    let error = client(&server)
        .get_credit_transaction("ct_missing")
        .send()
        .await
        .expect_err("a 404");
    let Some(respan_client::errors::GetCreditTransactionError::NotFound(body)) = error.api_body() else {
        panic!("{error:?}")
    };
    assert_eq!(body.detail, "Not found.");
}

#[tokio::test]
async fn get_and_delete_customer_send_exact_requests() {
    let server = MockServer::start().await;
    let answer = json!({
        "id": "user_123",
        "name": "John Doe",
        "email": "john@example.com",
        "customer_identifier": "user_123",
        "environment": "prod",
        "total_budget": 1000,
        "period_budget": 100,
        "organization_name": "Acme Inc",
        "total_period_usage": 45.67,
        "period_start": "2025-12-01T00:00:00Z",
        "period_end": null,
        "budget_duration": "monthly",
        "updated_at": "2025-12-29T10:30:00Z"
    });
    assert_matches_schema(API, "Customer", &answer);
    Mock::given(method("GET"))
        .and(path("/api/users/user_123/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/users/user_123/"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let customer = client
        .get_customer("user_123")
        .environment(types::Environment::Prod)
        .send()
        .await
        .expect("a 200 response")
        .into_inner();
    assert_eq!(customer.total_budget, Some(1000.0));
    assert_eq!(customer.total_period_usage, Some(45.67));
    assert_eq!(customer.organization_name.as_deref(), Some("Acme Inc"));
    let deleted = client.delete_customer("user_123").send().await.expect("a 204 response");
    assert_eq!(deleted.status().as_u16(), 204);

    let requests = client_tests::all_requests(&server).await;
    assert_eq!(requests[0].method.as_str(), "GET");
    assert_eq!(requests[0].url.query(), Some("environment=prod"));
    assert_eq!(requests[1].method.as_str(), "DELETE");
    assert_eq!(requests[1].url.query(), None);
    for request in &requests {
        assert_eq!(header_names(request), ["accept", "authorization", "host", "user-agent"]);
        assert!(request.body.is_empty());
    }
}
