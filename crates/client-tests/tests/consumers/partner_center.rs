//! A program outside the workspace that depends on partner-center-client alone (and tokio to
//! run it): every operation, with GUIDs from the crate's `uuid` re-export.

use partner_center_client::types::{OverageUpdate, SeekOperation, SpendingBudgetUpdate};
use partner_center_client::uuid::Uuid;
use partner_center_client::{Client, Server};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::var("BASE_URL").unwrap_or_else(|_| Server::Default.base_url().to_string());
    let client = Client::builder()
        .base_url(base_url)
        .bearer_token("consumer-token")
        .build()?;
    let tenant: Uuid = "4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab".parse()?;
    let subscription: Uuid = "3f15978e-005c-b763-bb78-2a8fab289c58".parse()?;

    let customers = client.list_customers(40).send().await?;
    println!("list_customers: {} on the first page", customers.items.len());
    if let Some(token) = customers.continuation_token.clone() {
        let next = client
            .list_customers(40)
            .seek_operation(SeekOperation::Next)
            .ms_continuation_token(token)
            .send()
            .await?;
        println!("list_customers (next page): {} items", next.items.len());
    }

    let budget = client.get_usage_budget(tenant).send().await?;
    println!("get_usage_budget: {:?}", budget.amount);

    let updated = client
        .update_usage_budget(tenant, SpendingBudgetUpdate::new().amount(250))
        .send()
        .await?;
    println!("update_usage_budget: {:?}", updated.amount);

    let summary = client.get_customer_usage_summary(tenant).send().await?;
    println!(
        "get_customer_usage_summary: {:?} {:?}",
        summary.total_cost, summary.currency_code
    );

    let partner = client.get_partner_usage_summary().send().await?;
    println!(
        "get_partner_usage_summary: {:?} over budget",
        partner.customers_over_budget
    );

    let records = client.list_customer_usage_records().send().await?;
    println!("list_customer_usage_records: {} records", records.items.len());

    let overage = client.get_overage(tenant).send().await?;
    println!("get_overage: {} items", overage.items.len());

    let entitlement: Uuid = "ea1c26b7-8c99-42bb-ba7d-c535831fae8e".parse()?;
    let changed = client
        .update_overage(tenant, OverageUpdate::new(entitlement, true))
        .send()
        .await?;
    println!("update_overage: enabled {:?}", changed.overage_enabled);

    let entitlements = client.list_azure_entitlements(tenant, subscription).send().await?;
    let request_id_sent = entitlements.request_ids().sent("MS-RequestId").is_some();
    println!(
        "list_azure_entitlements: {} entitlements, MS-RequestId sent: {request_id_sent}",
        entitlements.items.len()
    );
    Ok(())
}
