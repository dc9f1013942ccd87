//! The output file: written beside its final name, renamed when complete, removed on failure.

use finops_cli::Failure;
use finops_focus::{CsvWriter, ParquetWriter, Row, RowWriter, WriteError};
use indicatif::{ProgressBar, ProgressStyle};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
}

/// What a run wrote.
pub struct Summary {
    out: PathBuf,
    format: Format,
    items: u64,
    rows: u64,
    billed_cost: BTreeMap<String, Decimal>,
}

impl Summary {
    /// The summary printed on stdout.
    pub fn to_json(&self) -> serde_json::Value {
        let totals: serde_json::Map<String, serde_json::Value> = self
            .billed_cost
            .iter()
            .map(|(currency, total)| (currency.clone(), total.normalize().to_string().into()))
            .collect();
        serde_json::json!({
            "out": self.out.display().to_string(),
            "format": match self.format { Format::Csv => "csv", Format::Parquet => "parquet" },
            "items": self.items,
            "rows": self.rows,
            "billed_cost": totals,
        })
    }
}

/// The writer of the file's format (each boxed: they differ much in size).
enum Writer {
    Csv(Box<CsvWriter<BufWriter<File>>>),
    Parquet(Box<ParquetWriter<BufWriter<File>>>),
}

/// An output file being written.
pub struct Output {
    writer: Option<Writer>,
    partial: PathBuf,
    /// Renamed to its final name: nothing to remove.
    done: bool,
    summary: Summary,
    progress: ProgressBar,
}

impl Output {
    /// Starts `out`, refusing a path that is not (or would not replace) a regular file, an
    /// existing file without `force`, and a second run on the same file.
    pub fn create(out: &Path, format: Format, force: bool) -> Result<Output, Failure> {
        match fs::symlink_metadata(out) {
            Ok(meta) if !meta.file_type().is_file() => {
                return Err(Failure::Usage(format!(
                    "{} exists and is not a regular file",
                    out.display()
                )));
            }
            Ok(_) if !force => {
                return Err(Failure::Usage(format!(
                    "{} exists: give --force to replace it",
                    out.display()
                )));
            }
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(Failure::Usage(format!("cannot read {}: {error}", out.display()))),
        }
        let mut partial = out.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&partial)
            .map_err(|error| {
                if error.kind() == std::io::ErrorKind::AlreadyExists {
                    Failure::Usage(format!(
                        "{} exists: another run is writing {} (or one was killed: remove the file)",
                        partial.display(),
                        out.display()
                    ))
                } else {
                    Failure::Usage(format!("cannot create {}: {error}", partial.display()))
                }
            })?;
        let sink = BufWriter::with_capacity(1 << 20, file);
        let writer = match format {
            Format::Csv => CsvWriter::new(sink).map(|w| Writer::Csv(Box::new(w))),
            Format::Parquet => ParquetWriter::new(sink).map(|w| Writer::Parquet(Box::new(w))),
        };
        let mut output = Output {
            writer: None,
            partial,
            done: false,
            summary: Summary {
                out: out.to_path_buf(),
                format,
                items: 0,
                rows: 0,
                billed_cost: BTreeMap::new(),
            },
            progress: ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {human_pos} rows, {per_sec}").expect("a valid template"),
            ),
        };
        output.writer = Some(writer.map_err(write_failure)?);
        Ok(output)
    }

    /// Writes one row.
    pub fn write(&mut self, row: &Row) -> Result<(), Failure> {
        let result = match self.writer.as_mut().expect("written until finished") {
            Writer::Csv(writer) => writer.write(row),
            Writer::Parquet(writer) => writer.write(row),
        };
        result.map_err(write_failure)?;
        self.summary.rows += 1;
        let total = self
            .summary
            .billed_cost
            .entry(row.billing_currency.clone())
            .or_default();
        *total = total
            .checked_add(row.billed_cost)
            .ok_or_else(|| Failure::Call("the billed cost's total is too large to hold".into()))?;
        self.progress.inc(1);
        Ok(())
    }

    /// Counts an item whose rows are written.
    pub fn count_item(&mut self) {
        self.summary.items += 1;
    }

    /// Completes the file and gives it its final name.
    pub fn finish(mut self) -> Result<Summary, Failure> {
        self.progress.finish_and_clear();
        let file = match self.writer.take().expect("finished once") {
            Writer::Csv(writer) => writer.finish(),
            Writer::Parquet(writer) => writer.finish(),
        }
        .map_err(write_failure)?;
        let file = file
            .into_inner()
            .map_err(|error| write_failure(WriteError::Io(error.into_error())))?;
        file.sync_all().map_err(|error| write_failure(WriteError::Io(error)))?;
        fs::rename(&self.partial, &self.summary.out)
            .map_err(|error| Failure::Call(format!("cannot rename {}: {error}", self.partial.display())))?;
        self.done = true;
        Ok(std::mem::replace(
            &mut self.summary,
            Summary {
                out: PathBuf::new(),
                format: Format::Csv,
                items: 0,
                rows: 0,
                billed_cost: BTreeMap::new(),
            },
        ))
    }
}

impl Drop for Output {
    /// A run that did not finish leaves no file behind.
    fn drop(&mut self) {
        self.progress.finish_and_clear();
        if !self.done {
            let _ = fs::remove_file(&self.partial);
        }
    }
}

fn write_failure(error: WriteError) -> Failure {
    Failure::Call(error.to_string())
}
