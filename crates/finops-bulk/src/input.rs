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
    /// The value as written (trimmed): a number, or [`crate::CLEAR`].
    pub value_text: String,
    /// The new value; `None` clears it (the row says [`crate::CLEAR`]).
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
        // A row cut short has no value field at all: absent, which is never "clear".
        let value_field = record.get(value_at);
        let value_text = value_field.unwrap_or_default().to_string();
        let bad = |why: String| BadRow {
            line,
            key: key.clone(),
            value: value_text.clone(),
            why,
        };
        let checked = check_key(&key, job)
            .and_then(|()| parse_value(value_field, job))
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

/// The value field: a finite number, or [`crate::CLEAR`] to clear. A missing or empty field is
/// refused: a truncated or badly exported file must not clear budgets.
fn parse_value(field: Option<&str>, job: &crate::Job) -> Result<Option<f64>, String> {
    let column = job.value_column;
    let text = match field {
        None => {
            return Err(format!(
                "the row has no {column} field (write a number, or `{}` to clear)",
                crate::CLEAR
            ));
        }
        Some("") => {
            return Err(format!(
                "{column} is empty (write a number, or `{}` to clear)",
                crate::CLEAR
            ));
        }
        Some(text) => text,
    };
    if text.eq_ignore_ascii_case(crate::CLEAR) {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(Some(value)),
        _ => Err(format!("{column} `{text}` is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const JOB: crate::Job = crate::Job {
        key_column: "customer",
        key_kind: KeyKind::Text,
        value_column: "amount",
        idempotency_key: None,
    };

    /// A value field as an operator's file may hold it: a number, `clear` in any case, an empty
    /// field, words, or spaces around any of them.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<f64>().prop_map(|v| v.to_string()),
            "[-+]?[0-9]{0,4}(\\.[0-9]{0,3})?(e[-+]?[0-9]{1,3})?",
            "(clear|CLEAR|Clear|null|none|NaN|inf|-inf)",
            "[ a-z0-9.,\"]{0,6}",
        ]
        .prop_flat_map(|v| (Just(v), "[ ]{0,2}", "[ ]{0,2}"))
        .prop_map(|(v, before, after)| format!("{before}{v}{after}"))
    }

    proptest! {
        /// Every row read from any file is sent with exactly the number its field holds, or
        /// cleared because the field says `clear`; anything else (an empty or missing field
        /// among them) is a bad row, never a clear.
        #[test]
        fn a_row_is_read_as_written_or_refused(
            rows in proptest::collection::vec((field(), any::<bool>()), 1..20)
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("in.csv");
            let mut file = csv::WriterBuilder::new().flexible(true).from_path(&path).unwrap();
            file.write_record(["customer", "amount"]).unwrap();
            for (i, (value, cut)) in rows.iter().enumerate() {
                let key = format!("c{i}");
                if *cut {
                    file.write_record([key.as_str()]).unwrap();
                } else {
                    file.write_record([key.as_str(), value.as_str()]).unwrap();
                }
            }
            file.flush().unwrap();
            drop(file);
            let input = read(&path, &JOB).unwrap();
            prop_assert_eq!(input.rows.len(), rows.len());
            for (read, (value, cut)) in input.rows.iter().zip(&rows) {
                let text = value.trim();
                let number = text.parse::<f64>().ok().filter(|v| v.is_finite());
                match read {
                    Ok(row) if text.eq_ignore_ascii_case("clear") => {
                        prop_assert!(!cut);
                        prop_assert_eq!(row.value, None);
                    }
                    Ok(row) => {
                        prop_assert!(!cut);
                        prop_assert_eq!(row.value.map(f64::to_bits), number.map(f64::to_bits));
                        prop_assert!(row.value.is_some());
                    }
                    Err(_) => prop_assert!(*cut || (number.is_none() && !text.eq_ignore_ascii_case("clear"))),
                }
            }
        }
    }
}
