//! respan-client against a mock Respan on 127.0.0.1.

use client_tests::{assert_matches_schema, header_names, only_request};
use respan_client::{Client, Error, types};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API: &str = "respan";

#[tokio::test]
async fn update_customer_sends_only_the_fields_set_and_returns_the_typed_customer() {
    let server = MockServer::start().await;
    let answer = json!({
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
    });
    assert_matches_schema(API, "Customer", &answer);
    Mock::given(method("PATCH"))
        .and(path("/api/users/acme/"))
        .and(query_param("environment", "test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let customer = Client::new(&server.uri())
        .update_customer()
        .customer_identifier("acme")
        .environment(types::Environment::Test)
        .body_map(|update| {
            update
                .period_budget(Some(100.0))
                .budget_duration(Some(types::BudgetDuration::Monthly))
        })
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
        ["accept", "api-version", "content-length", "content-type", "host"]
    );
    assert_eq!(request.headers["content-type"], "application/json");
    let sent: Value = serde_json::from_slice(&request.body).expect("a JSON body");
    assert_eq!(sent, json!({"period_budget": 100.0, "budget_duration": "monthly"}));
    assert_matches_schema(API, "CustomerUpdate", &sent);

    assert!(matches!(&customer.id, Some(types::CustomerId::String(id)) if id == "cus_8f2a"));
    assert_eq!(customer.customer_identifier.as_deref(), Some("acme"));
    assert_eq!(customer.environment, Some(types::Environment::Test));
    assert_eq!(customer.period_budget, Some(100.0));
    assert_eq!(customer.total_budget, None);
    assert_eq!(customer.total_period_usage, Some(12.5));
    assert_eq!(customer.budget_duration, Some(types::BudgetDuration::Monthly));
    assert_eq!(
        customer.period_start.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-11-01T00:00:00+00:00")
    );
    assert_eq!(customer.period_end, None);
}

#[tokio::test]
async fn a_validation_error_keeps_its_field_messages() {
    let server = MockServer::start().await;
    let invalid = json!({"detail": "Invalid input.", "errors": {"period_budget": ["Must be positive."]}});
    assert_matches_schema(API, "ValidationError", &invalid);
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(422).set_body_json(&invalid))
        .mount(&server)
        .await;

    let result = Client::new(&server.uri())
        .update_customer()
        .customer_identifier("acme")
        .body_map(|update| update.period_budget(Some(-1.0)))
        .send()
        .await;

    let Err(Error::ErrorResponse(response)) = result else {
        panic!("expected an error response")
    };
    assert_eq!(response.status().as_u16(), 422);
    let error: types::ValidationError = serde_json::from_value(response.into_inner()).expect("the 422 body");
    assert_eq!(error.detail, "Invalid input.");
    assert_eq!(error.errors["period_budget"], ["Must be positive."]);
}
