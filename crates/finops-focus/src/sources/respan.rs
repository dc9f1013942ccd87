//! Respan credit transactions: changes to an organization's credit balance, in USD.

use crate::convert::{day_from, midnight, month_of, optional, period, required, required_decimal};
use crate::{ChargeCategory, ChargeFrequency, Mapping, PricingCategory, Problem, Row, ServiceCategory};
use respan_client::types::{CreditTransaction, TransactionType};
use rust_decimal::Decimal;

/// Respan credit transactions as FOCUS rows, one per transaction (see the crate README's table).
///
/// Signs: a purchase is money paid (a positive cost) and a refund money returned (negative);
/// grants, bonuses and adjustments change the balance without a payment, so an amount that adds
/// credits is a negative cost (a credit) and one that removes credits a positive one.
#[derive(Debug, Clone, Copy, Default)]
pub struct RespanCreditTransactions;

impl Mapping for RespanCreditTransactions {
    type Item = CreditTransaction;

    const SOURCE: &'static str = "Respan credit transaction";

    fn describe(&self, item: &CreditTransaction) -> String {
        item.id.clone().unwrap_or_else(|| "(without an id)".into())
    }

    fn map_into(&self, item: &CreditTransaction, rows: &mut Vec<Row>) -> Result<(), Problem> {
        let amount = required_decimal("amount", item.amount)?;
        let created_at = item.created_at.ok_or(Problem::Missing { field: "created_at" })?;
        let kind = item.transaction_type.as_ref().ok_or(Problem::Missing {
            field: "transaction_type",
        })?;
        let (category, cost) = match kind {
            TransactionType::Purchase | TransactionType::Refund => (ChargeCategory::Purchase, amount),
            TransactionType::Grant | TransactionType::Bonus => (ChargeCategory::Credit, -amount),
            TransactionType::Adjustment => (ChargeCategory::Adjustment, -amount),
            other => {
                return Err(Problem::Unknown {
                    field: "transaction_type",
                    value: other.as_str().to_string(),
                });
            }
        };
        let purchase = category == ChargeCategory::Purchase;
        let (charge_start, charge_end) = period("created_at", day_from(midnight(created_at.date_naive())))?;
        let (billing_start, billing_end) = period("created_at", month_of("created_at", created_at)?)?;
        rows.push(Row {
            billed_cost: cost,
            billing_account_id: required("unique_organization_id", item.unique_organization_id.as_deref())?,
            billing_account_name: None,
            billing_currency: "USD".into(),
            billing_period_start: billing_start,
            billing_period_end: billing_end,
            charge_category: category,
            charge_class: None,
            charge_description: Some(
                optional(item.description.as_deref()).unwrap_or_else(|| format!("Respan credit {}", kind.as_str())),
            ),
            charge_frequency: Some(ChargeFrequency::OneTime),
            charge_period_start: charge_start,
            charge_period_end: charge_end,
            consumed_quantity: None,
            consumed_unit: None,
            contracted_cost: cost,
            // Bought credits cover later usage: FOCUS puts a purchase's cost in BilledCost only.
            effective_cost: if purchase { Decimal::ZERO } else { cost },
            invoice_id: None,
            invoice_issuer_name: "Respan".into(),
            list_cost: cost,
            list_unit_price: purchase.then_some(Decimal::ONE),
            pricing_category: purchase.then_some(PricingCategory::Standard),
            pricing_quantity: purchase.then_some(amount),
            pricing_unit: purchase.then(|| "USD Credits".into()),
            provider_name: "Respan".into(),
            publisher_name: "Respan".into(),
            region_id: None,
            region_name: None,
            resource_id: None,
            resource_name: None,
            service_category: ServiceCategory::AiAndMachineLearning,
            service_name: "Respan".into(),
            sku_id: None,
            sku_price_id: None,
            sub_account_id: None,
            sub_account_name: None,
            tags: None,
            customer_id: None,
            customer_name: None,
        });
        Ok(())
    }
}
