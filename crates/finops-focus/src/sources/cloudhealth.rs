//! CloudHealth customer statements: one partner customer's total for one cloud and month, the bill
//! the partner issues after its billing rules.

use crate::convert::{currency, decimal, month, non_empty, period, required};
use crate::{ChargeCategory, ChargeFrequency, Mapping, PricingCategory, Problem, Row, ServiceCategory};
use cloudhealth_client::types::CustomerStatement;
use rust_decimal::Decimal;

/// CloudHealth customer statements as FOCUS rows, one per statement (see the crate README's
/// table).
///
/// A statement is issued by the partner, who makes the cloud available to its customer: FOCUS's
/// invoice issuer and provider. The statements do not name the partner, so the caller does.
#[derive(Debug, Clone)]
pub struct CloudHealthStatements {
    /// The partner issuing the statements, e.g. `Contoso Cloud Services`.
    pub partner: String,
    /// The customer the statements are of, when the request named one: a statement without a
    /// `customer_id` is this customer's (the all-customers listing may omit it).
    pub customer_id: Option<i64>,
}

impl Mapping for CloudHealthStatements {
    type Item = CustomerStatement;

    const SOURCE: &'static str = "CloudHealth customer statement";

    fn describe(&self, item: &CustomerStatement) -> String {
        let part = |value: Option<&str>| value.unwrap_or("?").to_string();
        format!(
            "of customer {} for {} in {}",
            item.customer_id
                .or(self.customer_id)
                .map_or_else(|| "?".into(), |id| id.to_string()),
            part(item.cloud.as_deref()),
            part(item.billing_period.as_deref()),
        )
    }

    fn map_into(&self, item: &CustomerStatement, rows: &mut Vec<Row>) -> Result<(), Problem> {
        let customer = item
            .customer_id
            .or(self.customer_id)
            .ok_or(Problem::Missing { field: "customer_id" })?;
        let cloud = required("cloud", item.cloud.as_deref())?;
        let total = decimal(
            "total_amount",
            item.total_amount.ok_or(Problem::Missing { field: "total_amount" })?,
        )?;
        let billing_currency = currency("currency.name", item.currency.as_ref().and_then(|c| c.name.as_deref()))?;
        let (start, end) = period(
            "billing_period",
            month("billing_period", item.billing_period.as_deref())?,
        )?;
        let partner = non_empty(Some(&self.partner))
            .ok_or(Problem::Missing { field: "partner" })?
            .to_string();
        rows.push(Row {
            billed_cost: total,
            billing_account_id: customer.to_string(),
            billing_account_name: None,
            billing_currency,
            billing_period_start: start,
            billing_period_end: end,
            charge_category: ChargeCategory::Usage,
            charge_class: None,
            charge_description: Some(format!(
                "{cloud} statement for {}",
                &item.billing_period.as_deref().unwrap_or_default()
            )),
            charge_frequency: Some(ChargeFrequency::UsageBased),
            charge_period_start: start,
            charge_period_end: end,
            consumed_quantity: None,
            consumed_unit: None,
            contracted_cost: total,
            effective_cost: total,
            invoice_id: None,
            invoice_issuer_name: partner.clone(),
            list_cost: total,
            list_unit_price: None,
            pricing_category: Some(PricingCategory::Other),
            // The month the statement covers: FOCUS gives every usage row a quantity.
            pricing_quantity: Some(Decimal::ONE),
            pricing_unit: Some("Month".into()),
            provider_name: partner,
            publisher_name: cloud.clone(),
            region_id: None,
            region_name: None,
            resource_id: None,
            resource_name: None,
            service_category: ServiceCategory::Other,
            service_name: cloud,
            sku_id: None,
            sku_price_id: None,
            sub_account_id: None,
            sub_account_name: None,
            tags: None,
            customer_id: Some(customer.to_string()),
            customer_name: None,
        });
        Ok(())
    }
}
