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
    pub billed_cost: Decimal,
    pub billing_account_id: String,
    pub billing_account_name: Option<String>,
    pub billing_currency: String,
    pub billing_period_start: DateTime<Utc>,
    pub billing_period_end: DateTime<Utc>,
    pub charge_category: ChargeCategory,
    pub charge_class: Option<ChargeClass>,
    pub charge_description: Option<String>,
    pub charge_frequency: Option<ChargeFrequency>,
    pub charge_period_start: DateTime<Utc>,
    pub charge_period_end: DateTime<Utc>,
    pub consumed_quantity: Option<Decimal>,
    pub consumed_unit: Option<String>,
    pub contracted_cost: Decimal,
    pub effective_cost: Decimal,
    pub invoice_id: Option<String>,
    pub invoice_issuer_name: String,
    pub list_cost: Decimal,
    pub list_unit_price: Option<Decimal>,
    pub pricing_category: Option<PricingCategory>,
    pub pricing_quantity: Option<Decimal>,
    pub pricing_unit: Option<String>,
    pub provider_name: String,
    pub publisher_name: String,
    pub region_id: Option<String>,
    pub region_name: Option<String>,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    pub service_category: ServiceCategory,
    pub service_name: String,
    pub sku_id: Option<String>,
    pub sku_price_id: Option<String>,
    pub sub_account_id: Option<String>,
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
