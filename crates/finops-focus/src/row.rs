//! One FOCUS 1.2 cost and usage row, and the values its columns allow.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The FOCUS version the rows follow.
pub const FOCUS_VERSION: &str = "1.2";

/// One row of a FOCUS 1.2 cost and usage dataset.
///
/// Amounts are in [`billing_currency`](Self::billing_currency), exact decimals of at most
/// [`MONEY_SCALE`](crate::MONEY_SCALE) places; times are UTC. A column the source cannot fill
/// honestly is `None` and written as null. The two `x_` columns are FOCUS custom columns: the
/// reseller's customer a charge is for, which every source here names and no FOCUS column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `BilledCost`: the charge as invoiced.
    pub billed_cost: Decimal,
    /// `BillingAccountId`: the account the charge is billed to.
    pub billing_account_id: String,
    /// `BillingAccountName`.
    pub billing_account_name: Option<String>,
    /// `BillingCurrency`: an ISO 4217 code.
    pub billing_currency: String,
    /// `BillingPeriodStart`: the billing period's first moment.
    pub billing_period_start: DateTime<Utc>,
    /// `BillingPeriodEnd`: the moment after the billing period.
    pub billing_period_end: DateTime<Utc>,
    /// `ChargeCategory`.
    pub charge_category: ChargeCategory,
    /// `ChargeClass`.
    pub charge_class: Option<ChargeClass>,
    /// `ChargeDescription`: the charge in a few words.
    pub charge_description: Option<String>,
    /// `ChargeFrequency`.
    pub charge_frequency: Option<ChargeFrequency>,
    /// `ChargePeriodStart`: the first moment the charge is for.
    pub charge_period_start: DateTime<Utc>,
    /// `ChargePeriodEnd`: the moment after the charge's period.
    pub charge_period_end: DateTime<Utc>,
    /// `ConsumedQuantity`: how much was used (usage only).
    pub consumed_quantity: Option<Decimal>,
    /// `ConsumedUnit`.
    pub consumed_unit: Option<String>,
    /// `ContractedCost`: the cost at the contracted price.
    pub contracted_cost: Decimal,
    /// `EffectiveCost`: the cost after discounts, with prepayments spread over what they cover.
    pub effective_cost: Decimal,
    /// `InvoiceId`: the invoice holding the charge, if it has been invoiced.
    pub invoice_id: Option<String>,
    /// `InvoiceIssuerName`: who invoices the charge.
    pub invoice_issuer_name: String,
    /// `ListCost`: the cost at the public list price.
    pub list_cost: Decimal,
    /// `ListUnitPrice`.
    pub list_unit_price: Option<Decimal>,
    /// `PricingCategory`.
    pub pricing_category: Option<PricingCategory>,
    /// `PricingQuantity`: the quantity the price applies to.
    pub pricing_quantity: Option<Decimal>,
    /// `PricingUnit`.
    pub pricing_unit: Option<String>,
    /// `ProviderName`: who makes the service available for purchase.
    pub provider_name: String,
    /// `PublisherName`: who made the service.
    pub publisher_name: String,
    /// `RegionId`.
    pub region_id: Option<String>,
    /// `RegionName`.
    pub region_name: Option<String>,
    /// `ResourceId`.
    pub resource_id: Option<String>,
    /// `ResourceName`.
    pub resource_name: Option<String>,
    /// `ServiceCategory` (and, from it, `ServiceSubcategory`).
    pub service_category: ServiceCategory,
    /// `ServiceName`.
    pub service_name: String,
    /// `SkuId`.
    pub sku_id: Option<String>,
    /// `SkuPriceId`.
    pub sku_price_id: Option<String>,
    /// `SubAccountId`.
    pub sub_account_id: Option<String>,
    /// `SubAccountName`.
    pub sub_account_name: Option<String>,
    /// Keys with text, number, boolean or null values (FOCUS allows no others).
    pub tags: Option<BTreeMap<String, serde_json::Value>>,
    /// `x_CustomerId`: the reseller's customer the charge is for.
    pub customer_id: Option<String>,
    /// `x_CustomerName`.
    pub customer_name: Option<String>,
}

/// The columns in the order they are written: FOCUS columns alphabetically, then the custom ones.
pub const COLUMNS: [&str; 39] = [
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceId",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ServiceCategory",
    "ServiceName",
    "ServiceSubcategory",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
    "x_CustomerId",
    "x_CustomerName",
];

/// What a column holds: its FOCUS data type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Decimal,
    Time,
    KeyValue,
}

/// The kind of each of [`COLUMNS`], in its order.
pub(crate) const KINDS: [Kind; COLUMNS.len()] = [
    Kind::Decimal,  // BilledCost
    Kind::Text,     // BillingAccountId
    Kind::Text,     // BillingAccountName
    Kind::Text,     // BillingCurrency
    Kind::Time,     // BillingPeriodEnd
    Kind::Time,     // BillingPeriodStart
    Kind::Text,     // ChargeCategory
    Kind::Text,     // ChargeClass
    Kind::Text,     // ChargeDescription
    Kind::Text,     // ChargeFrequency
    Kind::Time,     // ChargePeriodEnd
    Kind::Time,     // ChargePeriodStart
    Kind::Decimal,  // ConsumedQuantity
    Kind::Text,     // ConsumedUnit
    Kind::Decimal,  // ContractedCost
    Kind::Decimal,  // EffectiveCost
    Kind::Text,     // InvoiceId
    Kind::Text,     // InvoiceIssuerName
    Kind::Decimal,  // ListCost
    Kind::Decimal,  // ListUnitPrice
    Kind::Text,     // PricingCategory
    Kind::Decimal,  // PricingQuantity
    Kind::Text,     // PricingUnit
    Kind::Text,     // ProviderName
    Kind::Text,     // PublisherName
    Kind::Text,     // RegionId
    Kind::Text,     // RegionName
    Kind::Text,     // ResourceId
    Kind::Text,     // ResourceName
    Kind::Text,     // ServiceCategory
    Kind::Text,     // ServiceName
    Kind::Text,     // ServiceSubcategory
    Kind::Text,     // SkuId
    Kind::Text,     // SkuPriceId
    Kind::Text,     // SubAccountId
    Kind::Text,     // SubAccountName
    Kind::KeyValue, // Tags
    Kind::Text,     // x_CustomerId
    Kind::Text,     // x_CustomerName
];

/// One cell, typed as its column is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// A `String` column.
    Text(Option<&'a str>),
    /// A `Decimal` column.
    Decimal(Option<Decimal>),
    /// A `Date/Time` column.
    Time(Option<DateTime<Utc>>),
    /// A `Key-Value Format` column.
    KeyValue(Option<&'a BTreeMap<String, serde_json::Value>>),
}

#[cfg(test)]
impl Cell<'_> {
    /// The kind of column the cell belongs in.
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Cell::Text(_) => Kind::Text,
            Cell::Decimal(_) => Kind::Decimal,
            Cell::Time(_) => Kind::Time,
            Cell::KeyValue(_) => Kind::KeyValue,
        }
    }
}

impl Row {
    /// The row's cells, in the order of [`COLUMNS`].
    pub fn cells(&self) -> [Cell<'_>; COLUMNS.len()] {
        use Cell::{Decimal as D, KeyValue, Text, Time};
        fn text(value: &Option<String>) -> Option<&str> {
            value.as_deref()
        }
        [
            D(Some(self.billed_cost)),
            Text(Some(&self.billing_account_id)),
            Text(text(&self.billing_account_name)),
            Text(Some(&self.billing_currency)),
            Time(Some(self.billing_period_end)),
            Time(Some(self.billing_period_start)),
            Text(Some(self.charge_category.as_str())),
            Text(self.charge_class.map(ChargeClass::as_str)),
            Text(text(&self.charge_description)),
            Text(self.charge_frequency.map(ChargeFrequency::as_str)),
            Time(Some(self.charge_period_end)),
            Time(Some(self.charge_period_start)),
            D(self.consumed_quantity),
            Text(text(&self.consumed_unit)),
            D(Some(self.contracted_cost)),
            D(Some(self.effective_cost)),
            Text(text(&self.invoice_id)),
            Text(Some(&self.invoice_issuer_name)),
            D(Some(self.list_cost)),
            D(self.list_unit_price),
            Text(self.pricing_category.map(PricingCategory::as_str)),
            D(self.pricing_quantity),
            Text(text(&self.pricing_unit)),
            Text(Some(&self.provider_name)),
            Text(Some(&self.publisher_name)),
            Text(text(&self.region_id)),
            Text(text(&self.region_name)),
            Text(text(&self.resource_id)),
            Text(text(&self.resource_name)),
            Text(Some(self.service_category.as_str())),
            Text(Some(&self.service_name)),
            Text(Some(self.service_category.subcategory())),
            Text(text(&self.sku_id)),
            Text(text(&self.sku_price_id)),
            Text(text(&self.sub_account_id)),
            Text(text(&self.sub_account_name)),
            KeyValue(self.tags.as_ref()),
            Text(text(&self.customer_id)),
            Text(text(&self.customer_name)),
        ]
    }
}

/// Declares a column's allowed values: the enum, and the text FOCUS writes for each.
macro_rules! allowed_values {
    ($(#[$doc:meta])* $name:ident { $($(#[$variant_doc:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$variant_doc])* $variant,)+
        }

        impl $name {
            /// Every value, in the specification's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The value as FOCUS writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

allowed_values!(
    /// `ChargeCategory`: the highest-level kind of a charge.
    ChargeCategory {
        /// Charges for what was consumed, refunds of them included.
        Usage => "Usage",
        /// Charges for what was bought upfront or on a schedule, refunds of them included.
        Purchase => "Purchase",
        /// Taxes.
        Tax => "Tax",
        /// Credits, promotional and other.
        Credit => "Credit",
        /// Other changes to what is owed.
        Adjustment => "Adjustment",
    }
);

allowed_values!(
    /// `ChargeClass`: a correction of an earlier billing period's charge (null otherwise).
    ChargeClass {
        /// Corrects a charge of a billing period already invoiced.
        Correction => "Correction",
    }
);

allowed_values!(
    /// `ChargeFrequency`: how often a charge occurs.
    ChargeFrequency {
        /// Once.
        OneTime => "One-Time",
        /// On a schedule.
        Recurring => "Recurring",
        /// As the service is used.
        UsageBased => "Usage-Based",
    }
);

allowed_values!(
    /// `PricingCategory`: the pricing model of a charge.
    PricingCategory {
        /// A price set in advance, the same for the period.
        Standard => "Standard",
        /// A price that varies with supply (spot pricing).
        Dynamic => "Dynamic",
        /// A price under a commitment.
        Committed => "Committed",
        /// None of the above.
        Other => "Other",
    }
);

allowed_values!(
    /// `ServiceCategory`: the highest-level classification of a service.
    ServiceCategory {
        /// Machine learning and AI services.
        AiAndMachineLearning => "AI and Machine Learning",
        /// Data processing and analytics.
        Analytics => "Analytics",
        /// Business applications (productivity, CRM, ERP).
        BusinessApplications => "Business Applications",
        /// Compute.
        Compute => "Compute",
        /// Databases.
        Databases => "Databases",
        /// Developer tools.
        DeveloperTools => "Developer Tools",
        /// Services over several clouds.
        Multicloud => "Multicloud",
        /// Identity and access.
        Identity => "Identity",
        /// Integration and messaging.
        Integration => "Integration",
        /// The Internet of Things.
        InternetOfThings => "Internet of Things",
        /// Management and governance.
        ManagementAndGovernance => "Management and Governance",
        /// Media.
        Media => "Media",
        /// Migration.
        Migration => "Migration",
        /// Mobile.
        Mobile => "Mobile",
        /// Networking.
        Networking => "Networking",
        /// Security.
        Security => "Security",
        /// Storage.
        Storage => "Storage",
        /// Web.
        Web => "Web",
        /// None of the above.
        Other => "Other",
    }
);

impl ServiceCategory {
    /// `ServiceSubcategory`: the category's `Other` subcategory, the one value every category
    /// allows (the sources here give nothing finer).
    pub fn subcategory(self) -> &'static str {
        match self {
            ServiceCategory::AiAndMachineLearning => "Other (AI and Machine Learning)",
            ServiceCategory::Analytics => "Other (Analytics)",
            ServiceCategory::BusinessApplications => "Other (Business Applications)",
            ServiceCategory::Compute => "Other (Compute)",
            ServiceCategory::Databases => "Other (Databases)",
            ServiceCategory::DeveloperTools => "Other (Developer Tools)",
            ServiceCategory::Multicloud => "Other (Multicloud)",
            ServiceCategory::Identity => "Other (Identity)",
            ServiceCategory::Integration => "Other (Integration)",
            ServiceCategory::InternetOfThings => "Other (Internet of Things)",
            ServiceCategory::ManagementAndGovernance => "Other (Management and Governance)",
            ServiceCategory::Media => "Other (Media)",
            ServiceCategory::Migration => "Other (Migration)",
            ServiceCategory::Mobile => "Other (Mobile)",
            ServiceCategory::Networking => "Other (Networking)",
            ServiceCategory::Security => "Other (Security)",
            ServiceCategory::Storage => "Other (Storage)",
            ServiceCategory::Web => "Other (Web)",
            ServiceCategory::Other => "Other (Other)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_is_of_its_columns_kind() {
        let now = Utc::now();
        let row = Row {
            billed_cost: Decimal::ONE,
            billing_account_id: "a".into(),
            billing_account_name: None,
            billing_currency: "USD".into(),
            billing_period_start: now,
            billing_period_end: now,
            charge_category: ChargeCategory::Usage,
            charge_class: None,
            charge_description: None,
            charge_frequency: None,
            charge_period_start: now,
            charge_period_end: now,
            consumed_quantity: None,
            consumed_unit: None,
            contracted_cost: Decimal::ONE,
            effective_cost: Decimal::ONE,
            invoice_id: None,
            invoice_issuer_name: "i".into(),
            list_cost: Decimal::ONE,
            list_unit_price: None,
            pricing_category: None,
            pricing_quantity: None,
            pricing_unit: None,
            provider_name: "p".into(),
            publisher_name: "p".into(),
            region_id: None,
            region_name: None,
            resource_id: None,
            resource_name: None,
            service_category: ServiceCategory::Other,
            service_name: "s".into(),
            sku_id: None,
            sku_price_id: None,
            sub_account_id: None,
            sub_account_name: None,
            tags: None,
            customer_id: None,
            customer_name: None,
        };
        let kinds: Vec<Kind> = row.cells().iter().map(Cell::kind).collect();
        assert_eq!(kinds, KINDS);
    }
}
