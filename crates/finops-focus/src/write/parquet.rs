//! FOCUS rows as Apache Parquet, one row group per [`ROWS_PER_GROUP`] rows, through the `parquet`
//! crate's column writers.

use super::{RowWriter, WriteError};
use crate::row::{KINDS, Kind};
use crate::{COLUMNS, Cell, MONEY_SCALE, Row};
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use std::io::Write;
use std::sync::Arc;

/// Rows a [`ParquetWriter`] holds before it encodes them as a row group: the writer's memory is bounded by this many
/// rows, whatever the number written.
pub const ROWS_PER_GROUP: usize = 16_384;

/// Writes rows as an Apache Parquet file, encoding a row group each [`ROWS_PER_GROUP`] rows.
///
/// Every column is optional (null where the row has none). Types: text and tags as `STRING`
/// (tags a JSON object), amounts as `DECIMAL(38, 18)`, times as `TIMESTAMP(MICROS, UTC)`.
/// Pages are compressed with Snappy.
pub struct ParquetWriter<W: Write + Send> {
    file: SerializedFileWriter<W>,
    columns: Vec<Column>,
    rows: usize,
}

/// One column's values of the rows not yet written, with their definition levels (0: null).
enum Column {
    Text {
        values: Vec<ByteArray>,
        levels: Vec<i16>,
    },
    Decimal {
        values: Vec<FixedLenByteArray>,
        levels: Vec<i16>,
    },
    Time {
        values: Vec<i64>,
        levels: Vec<i16>,
    },
}

impl<W: Write + Send> ParquetWriter<W> {
    /// A writer into `sink`.
    pub fn new(sink: W) -> Result<Self, WriteError> {
        let schema = parquet::schema::parser::parse_message_type(&message_type()).map_err(encode_error)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("finops-focus {}", env!("CARGO_PKG_VERSION")))
            .build();
        let file = SerializedFileWriter::new(sink, Arc::new(schema), Arc::new(properties)).map_err(encode_error)?;
        let columns = KINDS
            .iter()
            .map(|kind| match kind {
                Kind::Text | Kind::KeyValue => Column::Text {
                    values: Vec::new(),
                    levels: Vec::new(),
                },
                Kind::Decimal => Column::Decimal {
                    values: Vec::new(),
                    levels: Vec::new(),
                },
                Kind::Time => Column::Time {
                    values: Vec::new(),
                    levels: Vec::new(),
                },
            })
            .collect();
        Ok(ParquetWriter { file, columns, rows: 0 })
    }

    /// Encodes the rows held as one row group.
    fn flush_group(&mut self) -> Result<(), WriteError> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.file.next_row_group().map_err(encode_error)?;
        for column in &mut self.columns {
            let mut writer = group
                .next_column()
                .map_err(encode_error)?
                .ok_or_else(|| WriteError::Encode("the schema has fewer columns than a row".into()))?;
            match column {
                Column::Text { values, levels } => {
                    writer.typed::<ByteArrayType>().write_batch(values, Some(levels), None)
                }
                Column::Decimal { values, levels } => {
                    writer
                        .typed::<FixedLenByteArrayType>()
                        .write_batch(values, Some(levels), None)
                }
                Column::Time { values, levels } => writer.typed::<Int64Type>().write_batch(values, Some(levels), None),
            }
            .map_err(encode_error)?;
            writer.close().map_err(encode_error)?;
            column.clear();
        }
        group.close().map_err(encode_error)?;
        self.rows = 0;
        Ok(())
    }
}

impl<W: Write + Send> RowWriter for ParquetWriter<W> {
    type Output = W;

    fn write(&mut self, row: &Row) -> Result<(), WriteError> {
        for (column, cell) in self.columns.iter_mut().zip(row.cells()) {
            column.push(cell)?;
        }
        self.rows += 1;
        if self.rows == ROWS_PER_GROUP {
            self.flush_group()?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<W, WriteError> {
        self.flush_group()?;
        self.file.into_inner().map_err(encode_error)
    }
}

impl Column {
    fn push(&mut self, cell: Cell<'_>) -> Result<(), WriteError> {
        match (self, cell) {
            (Column::Text { values, levels }, Cell::Text(text)) => push(
                values,
                levels,
                text.map(|text| ByteArray::from(text.as_bytes().to_vec())),
            ),
            (Column::Text { values, levels }, Cell::KeyValue(tags)) => push(
                values,
                levels,
                tags.map(|tags| ByteArray::from(serde_json::to_vec(tags).expect("JSON values serialize"))),
            ),
            (Column::Decimal { values, levels }, Cell::Decimal(value)) => {
                push(values, levels, value.map(decimal_bytes).transpose()?)
            }
            (Column::Time { values, levels }, Cell::Time(time)) => {
                push(values, levels, time.map(|time| time.timestamp_micros()))
            }
            _ => return Err(WriteError::Encode("a cell does not match its column's type".into())),
        }
        Ok(())
    }

    fn clear(&mut self) {
        match self {
            Column::Text { values, levels } => (values.clear(), levels.clear()),
            Column::Decimal { values, levels } => (values.clear(), levels.clear()),
            Column::Time { values, levels } => (values.clear(), levels.clear()),
        };
    }
}

fn push<T>(values: &mut Vec<T>, levels: &mut Vec<i16>, value: Option<T>) {
    match value {
        Some(value) => {
            values.push(value);
            levels.push(1);
        }
        None => levels.push(0),
    }
}

/// A decimal as `DECIMAL(38, 18)` stores it: the unscaled value, 16 bytes big-endian.
fn decimal_bytes(value: rust_decimal::Decimal) -> Result<FixedLenByteArray, WriteError> {
    let places = MONEY_SCALE
        .checked_sub(value.scale())
        .ok_or_else(|| WriteError::Encode(format!("{value} has more than {MONEY_SCALE} decimal places")))?;
    let unscaled = value
        .mantissa()
        .checked_mul(10_i128.pow(places))
        .filter(|unscaled| unscaled.unsigned_abs() < 10_u128.pow(38))
        .ok_or_else(|| WriteError::Encode(format!("{value} does not fit DECIMAL(38, {MONEY_SCALE})")))?;
    Ok(FixedLenByteArray::from(ByteArray::from(
        unscaled.to_be_bytes().to_vec(),
    )))
}

/// The schema, in Parquet's message type syntax.
fn message_type() -> String {
    let mut message = String::from("message focus {\n");
    for (name, kind) in COLUMNS.iter().zip(KINDS) {
        let field = match kind {
            Kind::Text | Kind::KeyValue => format!("OPTIONAL BYTE_ARRAY {name} (STRING);"),
            Kind::Decimal => format!("OPTIONAL FIXED_LEN_BYTE_ARRAY (16) {name} (DECIMAL(38, {MONEY_SCALE}));"),
            Kind::Time => format!("OPTIONAL INT64 {name} (TIMESTAMP(MICROS, true));"),
        };
        message.push_str("  ");
        message.push_str(&field);
        message.push('\n');
    }
    message.push('}');
    message
}

fn encode_error(error: parquet::errors::ParquetError) -> WriteError {
    match error {
        parquet::errors::ParquetError::External(error) => match error.downcast::<std::io::Error>() {
            Ok(error) => WriteError::Io(*error),
            Err(error) => WriteError::Encode(error.to_string()),
        },
        other => WriteError::Encode(other.to_string()),
    }
}
