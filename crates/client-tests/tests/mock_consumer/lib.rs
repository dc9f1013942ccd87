//! A reseller's budget code, as a crate outside this workspace writes it against
//! `partner-center-client`: the function under test in `budget_test.rs`.

use partner_center_client::errors::UpdateUsageBudgetError;
use partner_center_client::types::SpendingBudgetUpdate;
use partner_center_client::uuid::Uuid;
use partner_center_client::{Client, Error};

/// Sets a customer's monthly Azure budget in dollars, or removes it with `None`; returns the
/// amount the service now holds.
pub async fn set_budget(
    client: &Client,
    customer: Uuid,
    dollars: Option<f64>,
) -> Result<Option<f64>, Error<UpdateUsageBudgetError>> {
    let update = match dollars {
        Some(dollars) => SpendingBudgetUpdate::new().amount(dollars),
        None => SpendingBudgetUpdate::new().clear_amount(),
    };
    let budget = client.update_usage_budget(customer, update).send().await?;
    Ok(budget.amount)
}
