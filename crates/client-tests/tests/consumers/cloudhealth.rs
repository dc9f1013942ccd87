//! A program outside the workspace that depends on cloudhealth-client alone (and tokio to run
//! it): every operation.

use cloudhealth_client::types::{
    BillingRuleCreate, BillingRuleType, BillingRuleUpdate, Cloud, RuleAction, StatementStatus, TargetCustomerSelection,
};
use cloudhealth_client::{Client, Server};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::var("BASE_URL").unwrap_or_else(|_| Server::Default.base_url().to_string());
    let client = Client::builder()
        .base_url(base_url)
        .bearer_token("consumer-token")
        .build()?;

    let customers = client.list_customers().page(1).per_page(25).send().await?;
    println!("list_customers: {} customers", customers.customers.len());

    let partner_customers = client.list_partner_customers().send().await?;
    println!(
        "list_partner_customers: {} customers",
        partner_customers.customers.len()
    );

    let statements = client
        .list_customer_statements()
        .client_api_id(1211)
        .status(StatementStatus::Final)
        .billing_period("2020-12")
        .send()
        .await?;
    println!(
        "list_customer_statements: {} statements",
        statements.billing_artifacts.len()
    );

    let rules = client.list_billing_rules().send().await?;
    println!("list_billing_rules: {:?}", rules.into_inner());

    let create = BillingRuleCreate::new(
        BillingRuleType::Custom,
        Cloud::Aws,
        "Customer markup",
        RuleAction::SpendRatio,
    )
    .add_target_customers(TargetCustomerSelection::from(vec![1, 2, 3]))
    .apply_rate_in_percentage(5);
    let created = client.create_billing_rule(create).send().await?;
    println!("create_billing_rule: {:?}", created.name);

    let rule = client.get_billing_rule(42).send().await?;
    println!("get_billing_rule: {:?} on {:?}", rule.name, rule.cloud);

    let modified = client
        .modify_billing_rule(
            42,
            BillingRuleUpdate::new("Customer markup 23").apply_rate_in_percentage(4),
        )
        .send()
        .await?;
    println!("modify_billing_rule: {:?}", modified.name);

    let deleted = client.delete_billing_rule(42).send().await?;
    println!("delete_billing_rule: {}", deleted.status());
    Ok(())
}
