//! Resumable bulk updates from a CSV file, one API call per row, for the bulk tools of the
//! finops-clients crates (`cargo run -p partner-center-client --example bulk_update_budgets`).
//!
//! - [`Job`]: what a tool updates: the key column (a customer), the value column (an amount, or
//!   [`CLEAR`] to clear it; an empty or missing value is a bad row), and the API's
//!   idempotency-key header if it has one.
//! - [`Args`]: the tools' command line: `--input`, `--output`, `--concurrency`, `--rate`.
//! - [`run`]: reads and checks the rows (a bad row is reported by its line number and skipped),
//!   skips rows the output file already records as `updated`, applies the others with bounded
//!   concurrency through the caller's client (which paces them), shows progress, and writes one
//!   output row per input row.
//!
//! The output file is also the run's journal. Before a row is sent, a `pending` line with its
//! request id is appended to it; after the call, a line with the outcome. A rerun with the same
//! output file (after a crash or Ctrl-C) sends nothing for rows already `updated`, and sends a row
//! that may have reached the server again with the same request id, so an API that deduplicates
//! by it (Partner Center's `MS-RequestId`) applies it once. When the run ends, the file is
//! rewritten atomically with one row per input row, in input order.

mod args;
mod input;
mod journal;
mod outcome;
mod run;

pub use args::Args;
pub use input::{KeyKind, Row};
pub use outcome::{Sent, sent};
pub use run::{Summary, run};

/// What a bulk tool updates.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    /// The input column that names what is updated, e.g. `customer_tenant_id`.
    pub key_column: &'static str,
    /// What a key must be.
    pub key_kind: KeyKind,
    /// The input column with the new value, e.g. `amount`; [`CLEAR`] clears it.
    pub value_column: &'static str,
    /// The request header that makes a repeated request safe (`MS-RequestId`), if the API has
    /// one: the tool sets it for each row and keeps it across reruns.
    pub idempotency_key: Option<&'static str>,
}

/// The value that clears a row's field (sends `null`). An empty or missing value is a bad row,
/// never a clear: a truncated or badly exported file must not remove budgets.
pub const CLEAR: &str = "clear";

/// The outcome column of an output row.
pub const UPDATED: &str = "updated";
/// The outcome of a row that failed: a bad input row, an error answer, or no answer.
pub const FAILED: &str = "failed";
/// The outcome of a row that was being sent when the run stopped; a rerun sends it again.
pub const PENDING: &str = "pending";
