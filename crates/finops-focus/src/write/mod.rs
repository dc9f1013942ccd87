//! Writing rows as they come: CSV, and Apache Parquet behind the `parquet` feature.

pub mod csv;
#[cfg(feature = "parquet")]
pub mod parquet;

use crate::Row;

/// A sink of FOCUS rows, written in the order given. Nothing is complete until
/// [`finish`](RowWriter::finish): a Parquet file has no footer before it.
pub trait RowWriter {
    /// What `finish` gives back (the writer's inner sink).
    type Output;

    /// Writes one row.
    fn write(&mut self, row: &Row) -> Result<(), WriteError>;

    /// Writes what is buffered and the format's end, and gives back the inner sink.
    fn finish(self) -> Result<Self::Output, WriteError>;
}

/// A row that could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The sink refused the bytes.
    Io(std::io::Error),
    /// The format's encoder failed.
    Encode(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Io(error) => write!(f, "cannot write: {error}"),
            WriteError::Encode(message) => write!(f, "cannot encode: {message}"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io(error) => Some(error),
            WriteError::Encode(_) => None,
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(error: std::io::Error) -> Self {
        WriteError::Io(error)
    }
}
