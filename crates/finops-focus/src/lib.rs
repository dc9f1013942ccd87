//! Cost data from the finops-clients APIs as rows of FOCUS 1.2, the FinOps Foundation's open
//! schema for cost and usage data, written as CSV or Apache Parquet as the items stream in.
//!
//! One [`Mapping`] per source turns each typed item its generated client gives into FOCUS rows:
//!
//! - [`PartnerBillingUsage`]: Microsoft partner billing usage line items (billed and unbilled);
//! - [`PartnerBillingReconciliation`]: Microsoft partner billing reconciliation line items (what an
//!   invoice bills besides usage: licences, purchases, credits, tax);
//! - [`RespanCreditTransactions`]: Respan credit transactions;
//! - [`CloudHealthStatements`]: CloudHealth customer statements.
//!
//! A value a mapping cannot place (an unknown charge type, a date it cannot read, a currency that
//! is not ISO 4217, an amount no row can hold) is a [`MappingError`] naming the item: no row is
//! guessed. The crate README documents each mapping column by column.
//!
//! ```
//! use finops_focus::{CsvWriter, Mapping, RespanCreditTransactions, RowWriter};
//! use respan_client::types::CreditTransaction;
//!
//! let item: CreditTransaction = serde_json::from_value(serde_json::json!({
//!     "id": "ct_1", "unique_organization_id": "d290f1ee-6c54-4b01-90e6-d701748f0851",
//!     "amount": 150, "transaction_type": "purchase", "created_at": "2024-01-15T09:30:00Z",
//!     "description": "Credits"
//! }))?;
//! let mut writer = CsvWriter::new(Vec::new())?;
//! for row in RespanCreditTransactions.rows(&item)? {
//!     writer.write(&row)?;
//! }
//! let csv = String::from_utf8(writer.finish()?)?;
//! assert!(csv.lines().nth(1).unwrap().starts_with("150.0,d290f1ee-6c54-4b01-90e6-d701748f0851,,USD,"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
mod row;
mod sources;
mod write;

pub use convert::MONEY_SCALE;
pub use row::{
    COLUMNS, Cell, ChargeCategory, ChargeClass, ChargeFrequency, FOCUS_VERSION, PricingCategory, Row, ServiceCategory,
};
#[cfg(feature = "cloudhealth")]
pub use sources::cloudhealth::CloudHealthStatements;
#[cfg(feature = "partner-billing")]
pub use sources::partner_billing::{PartnerBillingReconciliation, PartnerBillingUsage};
#[cfg(feature = "respan")]
pub use sources::respan::RespanCreditTransactions;
#[cfg(feature = "parquet")]
pub use write::parquet::{ParquetWriter, ROWS_PER_GROUP};
pub use write::{RowWriter, WriteError, csv::CsvWriter};

use chrono::{DateTime, Utc};

/// One source's items as FOCUS rows.
pub trait Mapping {
    /// The typed item of the source's generated client.
    type Item;

    /// The source, as errors name it (e.g. `Respan credit transaction`).
    const SOURCE: &'static str;

    /// How a person finds `item` in the source (its id, or what identifies it).
    fn describe(&self, item: &Self::Item) -> String;

    /// Appends `item`'s rows to `rows` (most items give one row; a line with tax gives two), or
    /// says why it cannot be placed, appending nothing.
    fn map_into(&self, item: &Self::Item, rows: &mut Vec<Row>) -> Result<(), Problem>;

    /// `item`'s rows, or the error naming it.
    fn rows(&self, item: &Self::Item) -> Result<Vec<Row>, MappingError> {
        let mut rows = Vec::with_capacity(1);
        self.map_into(item, &mut rows)
            .map_err(|problem| self.error(item, problem))?;
        Ok(rows)
    }

    /// The error for `problem` in `item`.
    fn error(&self, item: &Self::Item, problem: Problem) -> MappingError {
        MappingError {
            source: Self::SOURCE,
            item: self.describe(item),
            problem,
        }
    }
}

/// An item a mapping cannot place, and which one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    /// The source, e.g. `Respan credit transaction`.
    pub source: &'static str,
    /// How to find the item, from [`Mapping::describe`] (plus its place in a file, where the
    /// caller knows it).
    pub item: String,
    /// What is wrong with it.
    pub problem: Problem,
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.source, self.item, self.problem)
    }
}

impl std::error::Error for MappingError {}

/// Why an item cannot be placed in a FOCUS row. In each, `field` names the source's field as the
/// vendor spells it, and `value` is what it held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A field the row needs is absent or empty.
    Missing { field: &'static str },
    /// A field holds a value the mapping has no place for (e.g. an unknown charge type).
    Unknown { field: &'static str, value: String },
    /// A time the mapping cannot read.
    Date { field: &'static str, value: String },
    /// A currency that is not an ISO 4217 code.
    Currency { field: &'static str, value: String },
    /// An amount no row can hold: beyond 10^20, or not a finite number.
    Amount { field: &'static str, value: String },
    /// A period that does not end after it starts.
    Period {
        field: &'static str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
    /// Tags that are not a JSON object of keys with text, number, boolean or null values.
    Tags { field: &'static str, value: String },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing { field } => write!(f, "`{field}` is missing"),
            Problem::Unknown { field, value } => write!(f, "`{field}` {value:?} is not a value the mapping knows"),
            Problem::Date { field, value } => write!(f, "`{field}` {value:?} is not a date or time"),
            Problem::Currency { field, value } => write!(f, "`{field}` {value:?} is not an ISO 4217 currency code"),
            Problem::Amount { field, value } => write!(f, "`{field}` {value} is not an amount a row can hold"),
            Problem::Period { field, start, end } => {
                write!(f, "`{field}` ends ({end}) before it starts ({start})")
            }
            Problem::Tags { field, value } => {
                write!(
                    f,
                    "`{field}` {value:?} is not a JSON object of text, number, boolean or null values"
                )
            }
        }
    }
}

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
