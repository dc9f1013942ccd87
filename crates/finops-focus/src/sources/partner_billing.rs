//! Microsoft partner billing line items, as the Microsoft Graph exports give them: usage (billed and
//! unbilled daily rated usage) and reconciliation (what an invoice bills: licences, one-time
//! purchases, reservations, credits, and their tax).

use crate::convert::{
    currency, day_from, decimal, month_of, optional, period, positive, product, required, required_decimal,
    required_when,
};
use crate::{ChargeCategory, ChargeFrequency, Mapping, PricingCategory, Problem, Row, ServiceCategory};
use partner_billing_client::types::{ReconciliationLineItem, UsageLineItem};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Microsoft partner billing usage line items as FOCUS rows, one per line item (see the crate
/// README's table). The same mapping serves billed usage (with an invoice number) and unbilled
/// usage (without one).
#[derive(Debug, Clone, Copy, Default)]
pub struct PartnerBillingUsage;

impl Mapping for PartnerBillingUsage {
    type Item = UsageLineItem;

    const SOURCE: &'static str = "Microsoft partner billing usage line item";

    fn describe(&self, item: &UsageLineItem) -> String {
        let part = |value: &Option<String>| value.clone().unwrap_or_else(|| "?".into());
        format!(
            "of subscription {} on {} (meter {})",
            part(&item.subscription_id),
            part(&item.usage_date),
            part(&item.meter_id)
        )
    }

    fn map_into(&self, item: &UsageLineItem, rows: &mut Vec<Row>) -> Result<(), Problem> {
        charge_category(item.charge_type.as_deref())?;
        let billing_currency = currency("BillingCurrency", item.billing_currency.as_deref())?;
        let billed_cost = required_decimal("BillingPreTaxTotal", item.billing_pre_tax_total)?;
        let quantity = required_decimal("Quantity", item.quantity)?;
        let list_unit_price = match item.unit_price {
            Some(price) => {
                let price = positive("UnitPrice", decimal("UnitPrice", price)?, true)?;
                Some(product("UnitPrice", price, exchange_rate(item, &billing_currency)?)?)
            }
            None => None,
        };
        let list_cost = match list_unit_price {
            // A refund's list cost has the refund's sign, whatever the sign of its quantity.
            Some(price) => with_sign_of(billed_cost, product("UnitPrice", price, quantity)?),
            None => billed_cost,
        };
        let (billing_start, billing_end) = period(
            "ChargeStartDate",
            (
                required_when("ChargeStartDate", item.charge_start_date.as_deref())?.start(),
                required_when("ChargeEndDate", item.charge_end_date.as_deref())?.inclusive_end(),
            ),
        )?;
        let (charge_start, charge_end) = period(
            "UsageDate",
            day_from(required_when("UsageDate", item.usage_date.as_deref())?.start()),
        )?;
        let meter_category = optional(item.meter_category.as_deref());
        let service_name = match &meter_category {
            Some(category) => category.clone(),
            None => required("ProductName", item.product_name.as_deref())?,
        };
        let sub_account_id = optional(item.subscription_id.as_deref());
        let region_id = optional(item.resource_location.as_deref());
        let resource_id = optional(item.resource_uri.as_deref());
        let unit = optional(item.unit_type.as_deref())
            .or_else(|| optional(item.unit.as_deref()))
            .ok_or(Problem::Missing { field: "UnitType" })?;
        rows.push(Row {
            billed_cost,
            billing_account_id: required("PartnerId", item.partner_id.as_deref())?,
            billing_account_name: optional(item.partner_name.as_deref()),
            billing_currency,
            billing_period_start: billing_start,
            billing_period_end: billing_end,
            charge_category: ChargeCategory::Usage,
            charge_class: None,
            charge_description: description(item),
            charge_frequency: Some(ChargeFrequency::UsageBased),
            charge_period_start: charge_start,
            charge_period_end: charge_end,
            consumed_quantity: Some(quantity),
            consumed_unit: Some(unit.clone()),
            contracted_cost: list_cost,
            effective_cost: billed_cost,
            invoice_id: optional(item.invoice_number.as_deref()),
            invoice_issuer_name: "Microsoft".into(),
            list_cost,
            list_unit_price,
            pricing_category: Some(PricingCategory::Standard),
            pricing_quantity: Some(quantity),
            pricing_unit: Some(unit),
            provider_name: "Microsoft".into(),
            publisher_name: optional(item.publisher_name.as_deref()).unwrap_or_else(|| "Microsoft".into()),
            region_name: region_id
                .as_ref()
                .map(|id| optional(item.meter_region.as_deref()).unwrap_or_else(|| id.clone())),
            region_id,
            resource_name: resource_id
                .as_deref()
                .and_then(|id| id.rsplit('/').find(|part| !part.is_empty()))
                .map(str::to_string),
            resource_id,
            service_category: meter_category
                .as_deref()
                .map_or(ServiceCategory::Other, service_category),
            service_name,
            sku_id: match (optional(item.product_id.as_deref()), optional(item.sku_id.as_deref())) {
                (Some(product), Some(sku)) => Some(format!("{product}/{sku}")),
                (product, None) => product,
                (None, Some(_)) => None,
            },
            sku_price_id: optional(item.meter_id.as_deref()),
            sub_account_name: sub_account_id
                .as_ref()
                .map(|id| optional(item.subscription_description.as_deref()).unwrap_or_else(|| id.clone())),
            sub_account_id,
            tags: tags(item.tags.as_deref())?,
            customer_id: optional(item.customer_id.as_deref()),
            customer_name: optional(item.customer_name.as_deref()),
        });
        Ok(())
    }
}

/// Microsoft partner billing reconciliation line items as FOCUS rows: one row per line item, and a
/// `Tax` row after it when the line carries tax (see the crate README's table). The same mapping
/// serves billed reconciliation (an invoice's lines) and unbilled reconciliation.
#[derive(Debug, Clone, Copy, Default)]
pub struct PartnerBillingReconciliation;

impl Mapping for PartnerBillingReconciliation {
    type Item = ReconciliationLineItem;

    const SOURCE: &'static str = "Microsoft partner billing reconciliation line item";

    fn describe(&self, item: &ReconciliationLineItem) -> String {
        let part = |value: &Option<String>| value.clone().unwrap_or_else(|| "?".into());
        format!(
            "of order {} for subscription {} ({})",
            part(&item.order_id),
            part(&item.subscription_id),
            part(&item.charge_type)
        )
    }

    fn map_into(&self, item: &ReconciliationLineItem, rows: &mut Vec<Row>) -> Result<(), Problem> {
        let category = reconciliation_category(item.charge_type.as_deref())?;
        let billing_currency = currency("Currency", item.currency.as_deref())?;
        let subtotal = required_decimal("Subtotal", item.subtotal)?;
        let tax = required_decimal("TaxTotal", item.tax_total)?;
        let (charge_start, charge_end) = period(
            "ChargeStartDate",
            (
                required_when("ChargeStartDate", item.charge_start_date.as_deref())?.start(),
                required_when("ChargeEndDate", item.charge_end_date.as_deref())?.inclusive_end(),
            ),
        )?;
        let (billing_start, billing_end) = period("ChargeStartDate", month_of("ChargeStartDate", charge_start)?)?;
        let purchase = category == ChargeCategory::Purchase;
        let frequency = match optional(item.billing_frequency.as_deref()) {
            Some(_) if purchase => ChargeFrequency::Recurring,
            _ => ChargeFrequency::OneTime,
        };
        let quantity = match purchase {
            true => Some(match item.billable_quantity {
                Some(quantity) => decimal("BillableQuantity", quantity)?,
                None => required_decimal("Quantity", item.quantity)?,
            }),
            false => None,
        };
        // A reservation covers later usage: FOCUS leaves its effective cost to that usage.
        let covers_later_usage = purchase && optional(item.reservation_order_id.as_deref()).is_some();
        let product = required("ProductName", item.product_name.as_deref())?;
        let sub_account_id = optional(item.subscription_id.as_deref());
        let charge = Row {
            billed_cost: subtotal,
            billing_account_id: required("PartnerId", item.partner_id.as_deref())?,
            billing_account_name: None,
            billing_currency,
            billing_period_start: billing_start,
            billing_period_end: billing_end,
            charge_category: category,
            charge_class: None,
            charge_description: Some(match optional(item.sku_name.as_deref()).filter(|sku| *sku != product) {
                Some(sku) => format!(
                    "{product}, {sku}: {}",
                    item.charge_type.as_deref().unwrap_or_default().trim()
                ),
                None => format!("{product}: {}", item.charge_type.as_deref().unwrap_or_default().trim()),
            }),
            charge_frequency: Some(frequency),
            charge_period_start: charge_start,
            charge_period_end: charge_end,
            consumed_quantity: None,
            consumed_unit: None,
            contracted_cost: subtotal,
            effective_cost: if covers_later_usage { Decimal::ZERO } else { subtotal },
            invoice_id: optional(item.invoice_number.as_deref()),
            invoice_issuer_name: "Microsoft".into(),
            list_cost: subtotal,
            list_unit_price: None,
            pricing_category: purchase.then_some(PricingCategory::Standard),
            pricing_quantity: quantity,
            pricing_unit: match quantity {
                Some(_) => Some(required("UnitType", item.unit_type.as_deref())?),
                None => None,
            },
            provider_name: "Microsoft".into(),
            publisher_name: optional(item.publisher_name.as_deref()).unwrap_or_else(|| "Microsoft".into()),
            region_id: None,
            region_name: None,
            resource_id: None,
            resource_name: None,
            service_category: ServiceCategory::Other,
            service_name: product,
            sku_id: match (optional(item.product_id.as_deref()), optional(item.sku_id.as_deref())) {
                (Some(product), Some(sku)) => Some(format!("{product}/{sku}")),
                (product, None) => product,
                (None, Some(_)) => None,
            },
            sku_price_id: None,
            sub_account_name: sub_account_id
                .as_ref()
                .map(|id| optional(item.subscription_description.as_deref()).unwrap_or_else(|| id.clone())),
            sub_account_id,
            tags: None,
            customer_id: optional(item.customer_id.as_deref()),
            customer_name: optional(item.customer_name.as_deref()),
        };
        // Tax follows its charge: amortized with it (a reservation's), and of no SKU.
        let tax_row = (!tax.is_zero()).then(|| Row {
            billed_cost: tax,
            charge_category: ChargeCategory::Tax,
            charge_description: charge.charge_description.as_ref().map(|d| format!("Tax on {d}")),
            contracted_cost: tax,
            effective_cost: if covers_later_usage { Decimal::ZERO } else { tax },
            list_cost: tax,
            pricing_category: None,
            pricing_quantity: None,
            pricing_unit: None,
            sku_id: None,
            sku_price_id: None,
            ..charge.clone()
        });
        rows.push(charge);
        rows.extend(tax_row);
        Ok(())
    }
}

/// The charge types of the reconciliation files: `customerCredit` is a credit; every other
/// documented type buys, renews, changes or refunds a subscription, a purchase.
fn reconciliation_category(charge_type: Option<&str>) -> Result<ChargeCategory, Problem> {
    const PURCHASES: &[&str] = &[
        "new",
        "renew",
        "cyclecharge",
        "addquantity",
        "removequantity",
        "movequantity",
        "cancelimmediate",
        "convert",
        "changebillingplan",
        "extendterm",
    ];
    let text = charge_type.map(str::trim).unwrap_or_default();
    let lower = text.to_ascii_lowercase();
    if lower == "customercredit" {
        Ok(ChargeCategory::Credit)
    } else if PURCHASES.contains(&lower.as_str()) {
        Ok(ChargeCategory::Purchase)
    } else if text.is_empty() {
        Err(Problem::Missing { field: "ChargeType" })
    } else {
        Err(Problem::Unknown {
            field: "ChargeType",
            value: text.to_string(),
        })
    }
}

/// Every `ChargeType` a usage line carries is usage: `new` on billed lines, none on unbilled
/// ones, and `cancel` or `refund` on a refund of usage (whose amounts are negative).
fn charge_category(charge_type: Option<&str>) -> Result<ChargeCategory, Problem> {
    match charge_type
        .map(str::trim)
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "" | "new" | "cancel" | "refund" => Ok(ChargeCategory::Usage),
        _ => Err(Problem::Unknown {
            field: "ChargeType",
            value: charge_type.unwrap_or_default().to_string(),
        }),
    }
}

/// Pricing currency to billing currency, for the list price: the line's rate (more than 0),
/// else 1 when the line's pricing currency is its billing currency. Without either, the list
/// price's currency is unknown, and the line is refused.
fn exchange_rate(item: &UsageLineItem, billing_currency: &str) -> Result<Decimal, Problem> {
    if let Some(rate) = item.pc_to_bc_exchange_rate {
        return positive("PCToBCExchangeRate", decimal("PCToBCExchangeRate", rate)?, false);
    }
    match optional(item.pricing_currency.as_deref()) {
        Some(pricing) if pricing.eq_ignore_ascii_case(billing_currency) => Ok(Decimal::ONE),
        _ => Err(Problem::Missing {
            field: "PCToBCExchangeRate",
        }),
    }
}

/// `value` with the sign of `model` when `model` is negative (a refund), else as it is.
fn with_sign_of(model: Decimal, value: Decimal) -> Decimal {
    if model.is_sign_negative() && !model.is_zero() {
        -value.abs()
    } else {
        value
    }
}

/// The product and the meter, e.g. `Azure plan: D2 v3`.
fn description(item: &UsageLineItem) -> Option<String> {
    match (
        optional(item.product_name.as_deref()),
        optional(item.meter_name.as_deref()),
    ) {
        (Some(product), Some(meter)) => Some(format!("{product}: {meter}")),
        (one, other) => one.or(other),
    }
}

/// `Tags`, a JSON object as text; empty is none.
fn tags(text: Option<&str>) -> Result<Option<BTreeMap<String, serde_json::Value>>, Problem> {
    let Some(text) = optional(text) else { return Ok(None) };
    let refused = || Problem::Tags {
        field: "Tags",
        value: text.clone(),
    };
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).map_err(|_| refused())?;
    if object.values().any(|value| value.is_object() || value.is_array()) {
        return Err(refused());
    }
    Ok(Some(object.into_iter().collect()))
}

/// The service category of an Azure meter category; `Other` for one not listed here.
fn service_category(meter_category: &str) -> ServiceCategory {
    use ServiceCategory::*;
    const TABLE: &[(&str, ServiceCategory)] = &[
        ("Virtual Machines", Compute),
        ("Virtual Machines Licenses", Compute),
        ("Cloud Services", Compute),
        ("Container Instances", Compute),
        ("Azure Kubernetes Service", Compute),
        ("Functions", Compute),
        ("Batch", Compute),
        ("Azure VMware Solution", Compute),
        ("Storage", Storage),
        ("Backup", Storage),
        ("Azure NetApp Files", Storage),
        ("Bandwidth", Networking),
        ("Virtual Network", Networking),
        ("Load Balancer", Networking),
        ("VPN Gateway", Networking),
        ("Application Gateway", Networking),
        ("ExpressRoute", Networking),
        ("Azure DNS", Networking),
        ("Content Delivery Network", Networking),
        ("Azure Firewall", Networking),
        ("Azure Front Door Service", Networking),
        ("Azure Bastion", Networking),
        ("NAT Gateway", Networking),
        ("Network Watcher", Networking),
        ("Traffic Manager", Networking),
        ("SQL Database", Databases),
        ("SQL Managed Instance", Databases),
        ("Azure Cosmos DB", Databases),
        ("Azure Database for MySQL", Databases),
        ("Azure Database for PostgreSQL", Databases),
        ("Azure Database for MariaDB", Databases),
        ("Redis Cache", Databases),
        ("Azure Synapse Analytics", Analytics),
        ("Azure Databricks", Analytics),
        ("HDInsight", Analytics),
        ("Azure Data Explorer", Analytics),
        ("Azure Data Factory v2", Analytics),
        ("Stream Analytics", Analytics),
        ("Cognitive Services", AiAndMachineLearning),
        ("Azure OpenAI Service", AiAndMachineLearning),
        ("Machine Learning", AiAndMachineLearning),
        ("Service Bus", Integration),
        ("Event Grid", Integration),
        ("Event Hubs", Integration),
        ("Logic Apps", Integration),
        ("API Management", Integration),
        ("Key Vault", Security),
        ("Microsoft Defender for Cloud", Security),
        ("Sentinel", Security),
        ("Log Analytics", ManagementAndGovernance),
        ("Azure Monitor", ManagementAndGovernance),
        ("Automation", ManagementAndGovernance),
        ("Azure Site Recovery", ManagementAndGovernance),
        ("Microsoft Entra ID", Identity),
        ("Azure Active Directory", Identity),
        ("Azure Active Directory B2C", Identity),
        ("Azure App Service", Web),
        ("Static Web Apps", Web),
        ("Azure DevOps", DeveloperTools),
        ("Container Registry", DeveloperTools),
        ("IoT Hub", InternetOfThings),
        ("IoT Central", InternetOfThings),
        ("Media Services", Media),
        ("Azure Migrate", Migration),
    ];
    TABLE
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(meter_category))
        .map_or(Other, |(_, category)| *category)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_charge_types_are_usage() {
        for known in [None, Some(""), Some("new"), Some("New"), Some("cancel"), Some("refund")] {
            assert_eq!(charge_category(known), Ok(ChargeCategory::Usage), "{known:?}");
        }
        assert_eq!(
            charge_category(Some("renew")),
            Err(Problem::Unknown {
                field: "ChargeType",
                value: "renew".into()
            })
        );
    }

    #[test]
    fn tags_are_a_flat_json_object() {
        assert_eq!(tags(Some("  ")), Ok(None));
        let parsed = tags(Some(r#"{"env":"prod","n":2}"#)).unwrap().unwrap();
        assert_eq!(serde_json::to_string(&parsed).unwrap(), r#"{"env":"prod","n":2}"#);
        for bad in ["env=prod", r#"{"a":{"b":1}}"#, r#"["a"]"#] {
            assert!(matches!(tags(Some(bad)), Err(Problem::Tags { .. })), "{bad}");
        }
    }
}
