//! FOCUS rows as CSV: a header of the column names, then one record per row.

use super::{RowWriter, WriteError};
use crate::{COLUMNS, Cell, Row};
use chrono::SecondsFormat;
use std::io::Write;

/// Writes rows as CSV (RFC 4180, `,`, quoted where needed), one record per row as it comes.
///
/// Cells: decimals always with a decimal point (`150.0`, so that readers that infer types read a
/// decimal, not an integer); times as `2024-01-15T00:00:00Z`; tags as a JSON object with sorted
/// keys; null as an empty field.
pub struct CsvWriter<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    /// A writer into `sink`; the header is written at once.
    pub fn new(sink: W) -> Result<Self, WriteError> {
        let mut csv = csv::WriterBuilder::new().from_writer(sink);
        csv.write_record(COLUMNS).map_err(csv_error)?;
        Ok(CsvWriter { csv })
    }
}

impl<W: Write> RowWriter for CsvWriter<W> {
    type Output = W;

    fn write(&mut self, row: &Row) -> Result<(), WriteError> {
        for cell in row.cells() {
            let text = match cell {
                Cell::Text(text) => {
                    self.csv.write_field(text.unwrap_or_default()).map_err(csv_error)?;
                    continue;
                }
                Cell::Decimal(value) => value.map(decimal_text),
                Cell::Time(value) => value.map(|time| time.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
                Cell::KeyValue(value) => value.map(|tags| serde_json::to_string(tags).expect("JSON values serialize")),
            };
            self.csv.write_field(text.unwrap_or_default()).map_err(csv_error)?;
        }
        self.csv.write_record(None::<&[u8]>).map_err(csv_error)
    }

    fn finish(self) -> Result<W, WriteError> {
        self.csv
            .into_inner()
            .map_err(|error| WriteError::Io(error.into_error()))
    }
}

/// A decimal with a decimal point, however few places it has.
pub(crate) fn decimal_text(value: rust_decimal::Decimal) -> String {
    let mut text = value.normalize().to_string();
    if !text.contains('.') {
        text.push_str(".0");
    }
    text
}

fn csv_error(error: csv::Error) -> WriteError {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => WriteError::Io(error),
        other => WriteError::Encode(format!("{other:?}")),
    }
}
