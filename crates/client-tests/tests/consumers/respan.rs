//! A program outside the workspace that depends on respan-client alone (and tokio to run it):
//! every operation, with the JSON and date types taken from the crate's re-exports.

use respan_client::chrono::Datelike;
use respan_client::serde_json::{Map, json};
use respan_client::types::{BudgetDuration, CustomerFilters, CustomerUpdate};
use respan_client::{Client, Error, Server};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::var("BASE_URL").unwrap_or_else(|_| Server::Default.base_url().to_string());
    let client = Client::builder()
        .base_url(base_url)
        .bearer_token("consumer-token")
        .build()?;

    let mut filters = Map::new();
    filters.insert("total_cost".into(), json!({"operator": "gte", "value": [10]}));
    let page_size: usize = 50;
    let customers = client
        .list_customers(CustomerFilters::new().filters(filters))
        .page(1)
        .page_size(page_size)
        .send()
        .await?;
    println!(
        "list_customers: {} in all, first {:?}",
        customers.count,
        customers.results.first().and_then(|c| c.customer_identifier.clone())
    );

    let customer = client.get_customer("user_123").send().await?;
    println!("get_customer: {:?}", customer.name);

    let update = CustomerUpdate::new()
        .period_budget(100)
        .budget_duration(BudgetDuration::Monthly)
        .clear_total_budget();
    let updated = client.update_customer("user_123", update).send().await?;
    println!("update_customer: period budget {:?}", updated.period_budget);

    let deleted = client.delete_customer("user_123").send().await?;
    println!("delete_customer: {}", deleted.status());

    let transactions = client.list_credit_transactions().page(1).page_size(100).send().await?;
    println!("list_credit_transactions: {:?} in all", transactions.count);

    let transaction = client.get_credit_transaction("ct_1a2b3c4d5e6f7g8h").send().await?;
    println!(
        "get_credit_transaction: {:?} USD, created in {:?}",
        transaction.amount,
        transaction.created_at.map(|t| t.year())
    );

    // A caller value that cannot be sent faithfully is refused before anything is sent.
    match client.list_credit_transactions().page_size(0).send().await {
        Err(Error::InvalidRequest(message)) => println!("refused: {message}"),
        other => println!("unexpected: {other:?}"),
    }
    Ok(())
}
