//! The consumer's tests of `set_budget`, with `partner-center-client`'s typed mock server.

use consumer_budgets::set_budget;
use partner_center_client::errors::UpdateUsageBudgetError;
use partner_center_client::mock::MockApi;
use partner_center_client::types::{SpendingBudget, SpendingBudgetUpdate, ThrottlingError};
use partner_center_client::uuid::Uuid;
use partner_center_client::{Error, RetryPolicy};

const CUSTOMER: &str = "4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab";

#[tokio::test]
async fn sets_a_budget_in_dollars() {
    let api = MockApi::start().await;
    let customer: Uuid = CUSTOMER.parse().unwrap();
    api.update_usage_budget()
        .customer_tenant_id(customer)
        .body(&SpendingBudgetUpdate::new().amount(250.0))
        .respond(&SpendingBudget {
            amount: Some(250.0),
            ..Default::default()
        })
        .times(1)
        .mount()
        .await;

    let amount = set_budget(&api.client(), customer, Some(250.0)).await.unwrap();
    assert_eq!(amount, Some(250.0));
}

#[tokio::test]
async fn removes_a_budget_with_null() {
    let api = MockApi::start().await;
    let customer: Uuid = CUSTOMER.parse().unwrap();
    api.update_usage_budget()
        .customer_tenant_id(customer)
        .body(&SpendingBudgetUpdate::new().clear_amount())
        .respond(&SpendingBudget::default())
        .mount()
        .await;

    assert_eq!(set_budget(&api.client(), customer, None).await.unwrap(), None);
}

#[tokio::test]
async fn reports_throttling_with_its_typed_body() {
    let api = MockApi::start().await;
    let customer: Uuid = CUSTOMER.parse().unwrap();
    let throttled = UpdateUsageBudgetError::TooManyRequests(ThrottlingError {
        message: Some("Rate limit is exceeded".into()),
        status_code: Some(429),
    });
    api.update_usage_budget()
        .fail(&throttled)
        .header("Retry-After", "7")
        .mount()
        .await;
    let client = api.client_builder().retry_policy(RetryPolicy::disabled()).build().unwrap();

    let Err(Error::Api(error)) = set_budget(&client, customer, Some(1.0)).await else {
        panic!("a 429 is an API error");
    };
    assert_eq!(error.status.as_u16(), 429);
    assert_eq!(error.headers["retry-after"], "7");
    let UpdateUsageBudgetError::TooManyRequests(body) = error.body else {
        panic!("the 429 variant");
    };
    assert_eq!(body.message.as_deref(), Some("Rate limit is exceeded"));
}
