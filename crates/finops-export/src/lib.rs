//! Resumable exports for the generated command-line tools: start a long-running export (or resume
//! one), wait for its result, download the files it lists as typed items, and write each as JSON
//! Lines and CSV into an output directory, with a journal so that a run that was stopped resumes
//! without downloading a finished file again. At the end it prints the line count and the sum of
//! the declared amount per currency.
//!
//! The generated tool gives the flags of the call and two steps: how to start the export, and how
//! to turn a continuation into the result's files. Everything else is here.
//!
//! Output directory:
//!
//! - `<file>.jsonl`: the file's lines as received, one per line.
//! - `<file>.csv`: the same lines, one column per field of the item schema in the spec's order;
//!   strings as they are, numbers and booleans as JSON writes them, objects and arrays as JSON, an
//!   absent field or `null` empty.
//! - `export.journal.json`: the export's request, its continuation, and each finished file with
//!   its line count and totals. A file's outputs are written beside their final names and renamed
//!   when the file is complete, so a finished file is never half-written.

mod journal;
mod totals;

use finops_cli::{Failure, WaitArgs};
use finops_client_runtime::Continuation;
use finops_client_runtime::downloads::{DownloadOptions, RemoteFile, json_lines};
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use journal::{FileRecord, Journal};
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use totals::Totals;

/// The flags of an export, besides the call's own and [`WaitArgs`].
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Export")]
pub struct ExportArgs {
    /// Downloads the result's files into this directory (created if missing) as JSON Lines and
    /// CSV; a directory holding this export's journal resumes it.
    #[arg(long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Files downloaded at once.
    #[arg(long = "concurrency", value_name = "FILES", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// A file that sends nothing for this many seconds is broken off and resumed where it stopped.
    #[arg(long = "stall-timeout", value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub stall_timeout: u64,
}

/// What the generated tool knows about one export.
pub struct Job {
    /// The subcommand, e.g. `export-billed-usage`.
    pub name: &'static str,
    /// The call as sent (its body and parameters): a directory's journal is only resumed by the
    /// same request.
    pub request: serde_json::Value,
    /// The CSV columns: the item schema's fields, in the spec's order.
    pub columns: &'static [&'static str],
    /// JSON pointers to the amount summed per currency, and to the currency, in each item.
    pub totals: Option<(&'static str, &'static str)>,
}

/// What identifies an export's request in its journal: its body and its other arguments.
pub fn request_of(body: &impl serde::Serialize, arguments: &[String]) -> serde_json::Value {
    let body = serde_json::to_value(body).unwrap_or(serde_json::Value::Null);
    if arguments.is_empty() {
        body
    } else {
        serde_json::json!({ "body": body, "arguments": arguments })
    }
}

/// Runs the export into `args.out`: starts it with `start` unless the directory's journal (or
/// `--resume`) gives a continuation, waits for its result and lists its files with `files`, then
/// downloads every file not finished before. Prints the summary as JSON on stdout.
pub async fn run<T, S, SF, W, WF>(
    job: Job,
    args: &ExportArgs,
    wait: &WaitArgs,
    http: reqwest::Client,
    start: S,
    files: W,
) -> Result<(), Failure>
where
    T: DeserializeOwned + Send + 'static,
    S: FnOnce() -> SF,
    SF: Future<Output = Result<Continuation, Failure>>,
    W: FnOnce(Continuation, WaitArgs) -> WF,
    WF: Future<Output = Result<Vec<RemoteFile>, Failure>>,
{
    let out = args
        .out
        .as_deref()
        .ok_or_else(|| Failure::Usage("an export needs --out DIR".into()))?;
    let journal = Journal::open(out, job.name, &job.request)?;
    let resume = wait.resume.as_ref().map(|url| Continuation { operation: url.clone() });
    let continuation = match (journal.continuation(), resume) {
        (Some(saved), Some(given)) if saved != given => {
            return Err(Failure::Usage(format!(
                "{} holds the export {saved}, not {given}; give another --out",
                out.display()
            )));
        }
        (Some(saved), _) => saved,
        (None, Some(given)) => {
            journal.set_continuation(&given)?;
            given
        }
        (None, None) => {
            let continuation = start().await?;
            journal.set_continuation(&continuation)?;
            continuation
        }
    };
    if wait.no_wait {
        return finops_cli::print_value(&continuation);
    }

    let progress = ProgressBar::new_spinner();
    progress.set_message(format!("waiting for the export {continuation}"));
    progress.enable_steady_tick(Duration::from_millis(200));
    let listed = files(continuation.clone(), wait.clone()).await;
    progress.finish_and_clear();
    let listed = listed?;
    let names = output_names(&listed)?;

    let options = DownloadOptions::new()
        .stall_timeout(Duration::from_secs(args.stall_timeout))
        .keep_text(true);
    let todo: Vec<(RemoteFile, String)> = listed
        .into_iter()
        .zip(names)
        .filter(|(file, _)| !journal.is_finished(file.name()))
        .collect();
    let bar = ProgressBar::new(todo.len() as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} files {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut downloads = futures::stream::iter(todo)
        .map(|(file, stem)| download::<T>(http.clone(), file, out, stem, &job, options.clone(), &bar))
        .buffer_unordered(usize::from(args.concurrency));
    while let Some(done) = downloads.next().await {
        let (name, record) = done?;
        journal.finish_file(&name, record)?;
        bar.inc(1);
    }
    drop(downloads);
    bar.finish_and_clear();
    finops_cli::print_value(&journal.summary(&continuation)?)
}

/// The stem each file's outputs are named by: its name without the `.gz` and `.json` or `.jsonl`
/// endings, with `/` made `_`. Two files that would share a stem are refused.
fn output_names(files: &[RemoteFile]) -> Result<Vec<String>, Failure> {
    let mut seen = BTreeSet::new();
    let mut names = Vec::with_capacity(files.len());
    for file in files {
        let mut stem = file.name().trim_matches('/').replace('/', "_");
        for ending in [".gz", ".jsonl", ".json"] {
            if let Some(shorter) = stem.strip_suffix(ending) {
                stem = shorter.to_string();
            }
        }
        let usable = !stem.is_empty()
            && !stem.starts_with('.')
            && stem.chars().all(|c| !c.is_control() && c != '\\')
            && stem != "export.journal";
        if !usable || !seen.insert(stem.clone()) {
            return Err(Failure::Call(format!(
                "the result lists a file named {:?}, which cannot be written under its own name",
                file.name()
            )));
        }
        names.push(stem);
    }
    Ok(names)
}

/// Downloads one file into `<stem>.jsonl` and `<stem>.csv`.
async fn download<T: DeserializeOwned + Send + 'static>(
    http: reqwest::Client,
    file: RemoteFile,
    out: &Path,
    stem: String,
    job: &Job,
    options: DownloadOptions,
    bar: &ProgressBar,
) -> Result<(String, FileRecord), Failure> {
    let name = file.name().to_string();
    let write_error =
        |path: &Path, e: &dyn std::fmt::Display| Failure::Call(format!("cannot write {}: {e}", path.display()));
    let jsonl_path = out.join(format!("{stem}.jsonl"));
    let csv_path = out.join(format!("{stem}.csv"));
    let jsonl_part = out.join(format!("{stem}.jsonl.part"));
    let csv_part = out.join(format!("{stem}.csv.part"));
    let mut jsonl = std::io::BufWriter::with_capacity(
        256 << 10,
        std::fs::File::create(&jsonl_part).map_err(|e| write_error(&jsonl_part, &e))?,
    );
    let mut csv = csv::WriterBuilder::new()
        .buffer_capacity(256 << 10)
        .from_path(&csv_part)
        .map_err(|e| write_error(&csv_part, &e))?;
    csv.write_record(job.columns).map_err(|e| write_error(&csv_part, &e))?;

    let mut record = FileRecord::default();
    let mut lines = json_lines::<T>(http, file, options);
    let mut cells: Vec<String> = Vec::with_capacity(job.columns.len());
    while let Some(line) = lines.next().await {
        let line = line.map_err(|e| Failure::Call(e.to_string()))?;
        let text = line.text.unwrap_or_default();
        jsonl
            .write_all(text.as_bytes())
            .and_then(|()| jsonl.write_all(b"\n"))
            .map_err(|e| write_error(&jsonl_part, &e))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Failure::Call(format!("file {name:?}: line {} does not decode: {e}", line.number)))?;
        cells.clear();
        cells.extend(job.columns.iter().map(|column| cell(value.get(*column))));
        csv.write_record(&cells).map_err(|e| write_error(&csv_part, &e))?;
        if let Some((amount, currency)) = job.totals {
            record
                .totals
                .add(value.pointer(currency), value.pointer(amount))
                .map_err(|why| Failure::Call(format!("file {name:?}: line {}: {why}", line.number)))?;
        }
        record.lines += 1;
        if record.lines % 10_000 == 0 {
            bar.set_message(format!("({name}: {} lines)", record.lines));
        }
    }
    let jsonl = jsonl.into_inner().map_err(|e| write_error(&jsonl_part, e.error()))?;
    jsonl.sync_all().map_err(|e| write_error(&jsonl_part, &e))?;
    let csv = csv.into_inner().map_err(|e| write_error(&csv_part, e.error()))?;
    csv.sync_all().map_err(|e| write_error(&csv_part, &e))?;
    std::fs::rename(&jsonl_part, &jsonl_path).map_err(|e| write_error(&jsonl_path, &e))?;
    std::fs::rename(&csv_part, &csv_path).map_err(|e| write_error(&csv_path, &e))?;
    Ok((name, record))
}

/// A CSV cell for a field's value.
fn cell(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> RemoteFile {
        RemoteFile::in_directory("https://store.example.net/d", name, Some("sig=x")).unwrap()
    }

    #[test]
    fn outputs_are_named_after_their_files() {
        let names = output_names(&[file("a/part-1.json.gz"), file("b.jsonl.gz"), file("c")]).unwrap();
        assert_eq!(names, ["a_part-1", "b", "c"]);
        assert!(output_names(&[file("x.json.gz"), file("x.jsonl.gz")]).is_err());
        assert!(output_names(&[file("export.journal.json")]).is_err());
        assert!(output_names(&[file(".hidden.gz")]).is_err());
    }

    #[test]
    fn cells_keep_values_as_written() {
        let value: serde_json::Value =
            serde_json::from_str(r#"{"s":"a,b","n":12.50,"b":true,"o":{"k":[1]},"z":null}"#).unwrap();
        let cells: Vec<String> = ["s", "n", "b", "o", "z", "missing"]
            .iter()
            .map(|c| cell(value.get(*c)))
            .collect();
        assert_eq!(cells, ["a,b", "12.5", "true", r#"{"k":[1]}"#, "", ""]);
    }
}
