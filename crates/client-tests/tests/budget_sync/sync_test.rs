//! The budget sync against the three APIs' typed mocks, and nothing else: no raw mock server.

use budget_sync::{Line, cloudhealth, partner_center, respan};
use partner_center_client::errors::{GetUsageBudgetError, UpdateUsageBudgetError};
use partner_center_client::types::{
    PartnerCenterError, PartnerCenterErrorDescription, SpendingBudget, SpendingBudgetUpdate, ThrottlingError,
};
use partner_center_client::uuid::Uuid;
use std::time::Duration;

const RAISED: &str = "4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab";
const MISSING: &str = "9d8e7f6a-0000-4000-8000-00000000beef";

fn budget(amount: f64) -> SpendingBudget {
    SpendingBudget::new().amount(amount)
}

#[tokio::test]
async fn partner_center_raises_below_target_retries_a_429_and_reports_a_404() {
    let api = partner_center_client::mock::MockApi::start().await;
    api.token_endpoint().issue("tok-1", Duration::from_secs(3600)).mount().await;
    let raised: Uuid = RAISED.parse().unwrap();
    let missing: Uuid = MISSING.parse().unwrap();
    api.get_usage_budget().customer_tenant_id(raised).respond(&budget(100.0)).mount().await;
    api.get_usage_budget()
        .customer_tenant_id(missing)
        .fail(&GetUsageBudgetError::NotFound(PartnerCenterError::new(
            600,
            "Customer not found".parse::<PartnerCenterErrorDescription>().unwrap(),
        )))
        .mount()
        .await;
    // 429 once, then the update succeeds; the cap holds the target down to 200.
    let throttled = UpdateUsageBudgetError::TooManyRequests(ThrottlingError::new());
    api.update_usage_budget()
        .customer_tenant_id(raised)
        .fail(&throttled)
        .header("Retry-After", 0)
        .once()
        .mount()
        .await;
    api.update_usage_budget()
        .customer_tenant_id(raised)
        .body(&SpendingBudgetUpdate::new().amount(200.0))
        .respond(&budget(200.0))
        .once()
        .mount()
        .await;
    let client = api.oauth2_client_builder().build().unwrap();

    let lines = partner_center(&client, &[raised, missing], 250.0, 200.0).await;
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].outcome, "raised 100 -> 200");
    assert!(lines[0].request_id.starts_with("ms-requestid="), "{}", lines[0]);
    assert!(lines[1].outcome.starts_with("failed: the server answered 404"), "{}", lines[1]);
    assert!(lines[1].request_id.starts_with("ms-requestid="), "{}", lines[1]);
}

#[tokio::test]
async fn a_refused_token_fails_every_customer_and_sends_nothing_else() {
    let api = partner_center_client::mock::MockApi::start().await;
    api.token_endpoint()
        .refuse(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        .mount()
        .await;
    let client = api.oauth2_client_builder().build().unwrap();
    let raised: Uuid = RAISED.parse().unwrap();
    let lines = partner_center(&client, &[raised], 250.0, 300.0).await;
    assert_eq!(lines.len(), 1);
    assert!(lines[0].outcome.starts_with("failed: authentication failed"), "{}", lines[0]);
    let received = api.received_requests().await;
    assert!(received.iter().all(|r| r.url.path().ends_with("/oauth2/v2.0/token")));
}

#[tokio::test]
async fn respan_sets_period_budgets_and_quotes_the_servers_request_id() {
    let api = respan_client::mock::MockApi::start().await;
    let customer: respan_client::types::Customer = serde_json::from_value(serde_json::json!({
        "customer_identifier": "acme",
        "period_budget": 500
    }))
    .unwrap();
    api.update_customer()
        .customer_identifier("acme")
        .body(&respan_client::types::CustomerUpdate::new().period_budget(500.0))
        .respond(&customer)
        .header("x-request-id", "req-acme-1")
        .mount()
        .await;
    let lines = respan(&api.client(), &[("acme", 500.0)]).await;
    assert_eq!(
        lines,
        [Line {
            api: "respan",
            customer: "acme".into(),
            outcome: "period budget 500".into(),
            request_id: "x-request-id=req-acme-1".into(),
        }]
    );
}

#[tokio::test]
async fn cloudhealth_adds_only_the_missing_partner_customers() {
    let api = cloudhealth_client::mock::MockApi::start().await;
    let mut rule = cloudhealth_client::types::BillingRule::new();
    rule.name = Some("Markup".into());
    rule.csp_customers = vec![1];
    api.get_billing_rule().partner_billing_rule_id(42).respond(&rule).mount().await;
    rule.csp_customers = vec![1, 2, 3];
    api.modify_billing_rule()
        .partner_billing_rule_id(42)
        .body(
            &cloudhealth_client::types::BillingRuleUpdate::new("Markup")
                .add_csp_customers(cloudhealth_client::types::CspCustomerSelection::from(vec![2, 3])),
        )
        .respond(&rule)
        .once()
        .mount()
        .await;
    let lines = cloudhealth(&api.client(), 42, &[1, 2, 3]).await;
    let shown: Vec<String> = lines.iter().map(|l| format!("{},{},{}", l.api, l.customer, l.outcome)).collect();
    assert_eq!(shown, ["cloudhealth,2,added to rule 42", "cloudhealth,3,added to rule 42"]);
    assert!(lines.iter().all(|l| l.request_id.starts_with("attempt ")), "{lines:?}");
}
