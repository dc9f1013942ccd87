//! Reading the input file: rows checked one by one, a bad row reported by its line number.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// What the key column must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A GUID, such as a Microsoft Entra tenant id.
    Guid,
    /// Any non-empty text, such as a customer identifier.
    Text,
}

/// One input row that passed the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row's line in the input file (the header is line 1).
    pub line: u64,
    /// The key as written (trimmed).
    pub key: String,
    /// The value as written (trimmed); empty to clear.
    pub value_text: String,
    /// The new value; `None` clears it.
    pub value: Option<f64>,
}

/// An input row that cannot be applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadRow {
    pub(crate) line: u64,
    pub(crate) key: String,
    pub(crate) value: String,
    pub(crate) why: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.why)
    }
}

/// The rows of the input file, in order: those to apply and those refused.
pub(crate) struct Input {
    pub(crate) rows: Vec<Result<Row, BadRow>>,
}

/// Reads `path`, which must have a header row naming `job`'s key and value columns (other
/// columns are ignored). A file that cannot be read or lacks a column is an error; a bad row is
/// kept as a [`BadRow`].
pub(crate) fn read(path: &Path, job: &crate::Job) -> Result<Input, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header row of {}: {e}", path.display()))?
        .clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            format!(
                "{} has no `{name}` column; its header row must name `{},{}`",
                path.display(),
                job.key_column,
                job.value_column
            )
        })
    };
    let (key_at, value_at) = (column(job.key_column)?, column(job.value_column)?);
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let line = record.position().map_or(0, |p| p.line());
        let key = record.get(key_at).unwrap_or_default().to_string();
        let value_text = record.get(value_at).unwrap_or_default().to_string();
        let bad = |why: String| BadRow {
            line,
            key: key.clone(),
            value: value_text.clone(),
            why,
        };
        let checked = check_key(&key, job)
            .and_then(|()| parse_value(&value_text, job))
            .map_err(bad)
            .and_then(|value| {
                let identity = if job.key_kind == KeyKind::Guid {
                    key.to_ascii_lowercase()
                } else {
                    key.clone()
                };
                match first_line.get(&identity) {
                    Some(first) => Err(bad(format!(
                        "{} `{key}` is also on line {first}; each is updated once per run",
                        job.key_column
                    ))),
                    None => {
                        first_line.insert(identity, line);
                        Ok(Row {
                            line,
                            key: key.clone(),
                            value_text: value_text.clone(),
                            value,
                        })
                    }
                }
            });
        rows.push(checked);
    }
    Ok(Input { rows })
}

fn check_key(key: &str, job: &crate::Job) -> Result<(), String> {
    match job.key_kind {
        _ if key.is_empty() => Err(format!("{} is empty", job.key_column)),
        KeyKind::Guid if uuid::Uuid::try_parse(key).is_err() => {
            Err(format!("{} `{key}` is not a GUID", job.key_column))
        }
        _ => Ok(()),
    }
}

fn parse_value(text: &str, job: &crate::Job) -> Result<Option<f64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(Some(value)),
        _ => Err(format!("{} `{text}` is not a number", job.value_column)),
    }
}
