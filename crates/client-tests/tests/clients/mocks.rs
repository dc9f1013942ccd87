//! The typed mocks as a test author uses them: answers scripted in sequence, an OAuth2 API's
//! token endpoint (a token, a refusal, a token that expires), the mock server crate reached
//! through the client crate, and the vendors' error bodies built with their constructors.

use partner_center_client::mock::MockApi as PartnerCenterMock;
use respan_client::errors::UpdateCustomerError;
use respan_client::mock::MockApi as RespanMock;
use respan_client::types::{self, CustomerUpdate};
use respan_client::{Error, RetryPolicy};
use std::time::Duration;

fn customer() -> types::Customer {
    serde_json::from_value(serde_json::json!({
        "id": "cus_1",
        "name": "Acme",
        "email": "billing@acme.example",
        "customer_identifier": "acme",
        "environment": "prod",
        "total_budget": null,
        "period_budget": 200,
        "organization_name": "Example Org",
        "total_period_usage": 12.5,
        "period_start": "2026-11-01T00:00:00Z",
        "period_end": null,
        "budget_duration": "monthly",
        "updated_at": "2026-11-20T09:30:00Z"
    }))
    .unwrap()
}

#[tokio::test]
async fn a_sequence_answers_in_order_then_the_default() {
    let mock = RespanMock::start().await;
    let limited = UpdateCustomerError::TooManyRequests(types::RateLimitError::new("Slow down.").retry_after(0));
    mock.update_customer()
        .customer_identifier("acme")
        .fail(&limited)
        .header("Retry-After", 0)
        .once()
        .mount()
        .await;
    mock.update_customer()
        .customer_identifier("acme")
        .fail(&UpdateCustomerError::InternalServerError(types::ErrorDetail::new(
            "Oops.",
        )))
        .once()
        .mount()
        .await;
    mock.update_customer()
        .customer_identifier("acme")
        .respond(&customer())
        .times(2)
        .mount()
        .await;
    let client = mock
        .client_builder()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let answer = client
            .update_customer("acme", CustomerUpdate::new().period_budget(200))
            .send()
            .await;
        statuses.push(match answer {
            Ok(response) => response.status().as_u16(),
            Err(Error::Api(error)) => error.status.as_u16(),
            Err(other) => panic!("{other:?}"),
        });
    }
    assert_eq!(statuses, [429, 500, 200, 200]);

    // With the client's retries, "429 once, then 200" is one call that succeeds.
    let mock = RespanMock::start().await;
    mock.get_customer()
        .customer_identifier("acme")
        .fail(&UpdateCustomerErrorBody::limited())
        .header("Retry-After", 0)
        .once()
        .mount()
        .await;
    mock.get_customer()
        .customer_identifier("acme")
        .respond(&customer())
        .once()
        .mount()
        .await;
    let got = mock
        .client()
        .get_customer("acme")
        .send()
        .await
        .expect("retried after the 429");
    assert_eq!(got.period_budget, Some(200.0));
    assert_eq!(mock.received_requests().await.len(), 2);
}

/// The 429 body of `get_customer`, built with the vendor body's constructor.
struct UpdateCustomerErrorBody;

impl UpdateCustomerErrorBody {
    fn limited() -> respan_client::errors::GetCustomerError {
        respan_client::errors::GetCustomerError::TooManyRequests(types::RateLimitError::new("Slow down."))
    }
}

#[tokio::test]
#[should_panic(expected = "update_customer")]
async fn a_scripted_answer_that_is_never_used_fails_the_test() {
    let mock = RespanMock::start().await;
    mock.update_customer()
        .fail(&UpdateCustomerError::InternalServerError(types::ErrorDetail::new("x")))
        .once()
        .mount()
        .await;
    mock.verify().await;
}

#[tokio::test]
async fn the_token_endpoint_issues_refuses_and_expires_tokens() {
    let mock = PartnerCenterMock::start().await;
    let budget = partner_center_client::types::SpendingBudget::new();
    // A token that expires at once is used for the call it was fetched for, and renewed for
    // the next; a token for an hour is kept.
    mock.token_endpoint()
        .issue("tok-1", Duration::ZERO)
        .once()
        .mount()
        .await;
    mock.token_endpoint()
        .issue("tok-2", Duration::from_secs(3600))
        .once()
        .mount()
        .await;
    mock.get_usage_budget()
        .customer_tenant_id(uuid::Uuid::nil())
        .respond(&budget)
        .times(3)
        .mount()
        .await;
    let client = mock.oauth2_client_builder().build().unwrap();
    for _ in 0..3 {
        client
            .get_usage_budget(uuid::Uuid::nil())
            .send()
            .await
            .expect("a token");
    }
    let sent: Vec<String> = mock
        .received_requests()
        .await
        .iter()
        .map(|r| match r.headers.get("authorization") {
            Some(token) => format!("{} {}", r.url.path(), token.to_str().unwrap()),
            None => r.url.path().to_owned(),
        })
        .collect();
    let budget_path = format!("/v1/customers/{}/usagebudget", uuid::Uuid::nil());
    assert_eq!(
        sent,
        [
            "/mock-tenant-id/oauth2/v2.0/token".to_owned(),
            format!("{budget_path} Bearer tok-1"),
            "/mock-tenant-id/oauth2/v2.0/token".to_owned(),
            format!("{budget_path} Bearer tok-2"),
            format!("{budget_path} Bearer tok-2"),
        ]
    );
    mock.verify().await;

    let refusing = PartnerCenterMock::start().await;
    refusing
        .token_endpoint()
        .refuse(400, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        .mount()
        .await;
    let error = refusing
        .oauth2_client_builder()
        .build()
        .unwrap()
        .get_usage_budget(uuid::Uuid::nil())
        .send()
        .await
        .expect_err("no token");
    assert!(
        matches!(error, partner_center_client::Error::Authentication(_)),
        "{error:?}"
    );
    let received = refusing.received_requests().await;
    assert!(
        received
            .iter()
            .all(|r| r.url.path() == "/mock-tenant-id/oauth2/v2.0/token"),
        "nothing but token requests: {:?}",
        received.iter().map(|r| r.url.path().to_owned()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_mock_server_crate_is_reached_through_the_client_crate() {
    use respan_client::mock::wiremock::matchers::method;
    use respan_client::mock::wiremock::{Mock, ResponseTemplate};
    let mock = RespanMock::start().await;
    Mock::given(method("OPTIONS"))
        .respond_with(ResponseTemplate::new(204))
        .mount(mock.wiremock())
        .await;
    let answer = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, mock.uri())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
}
