//! The run: plan each row against the earlier output, send the rest with bounded concurrency,
//! record every step, report progress.

use crate::input::{self, BadRow, Row};
use crate::journal::{self, Journal, Record};
use crate::{Args, FAILED, Job, PENDING, Sent, UPDATED};
use finops_client_runtime::CallOptions;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::future::Future;
use std::process::ExitCode;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows updated by this run.
    pub updated: usize,
    /// Rows an earlier run had updated, not sent again.
    pub already_updated: usize,
    /// Rows sent that failed.
    pub failed: usize,
    /// Input rows refused before sending.
    pub bad: usize,
    /// Rows not finished because the run was interrupted (Ctrl-C): never sent, or sent and
    /// left `pending` for a rerun.
    pub not_sent: usize,
}

impl Summary {
    /// 0 when every row is updated; 1 when some failed or were refused; 130 after Ctrl-C.
    pub fn exit_code(&self) -> ExitCode {
        if self.not_sent > 0 {
            ExitCode::from(130)
        } else if self.failed > 0 || self.bad > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}

impl Sent {
    /// A row the client refused before sending anything.
    pub fn refused(why: impl std::fmt::Display) -> Self {
        Sent {
            updated: false,
            http_status: None,
            request_id: None,
            error: Some(why.to_string()),
        }
    }
}

/// What to do with one input row.
enum Plan {
    /// An earlier run updated it with this value.
    Done(Record),
    Bad(BadRow),
    /// Send it, with this request id (kept from an earlier run if that one may have reached
    /// the server).
    Send(Row, String),
}

/// Applies the rows of `args.input` with `apply`, recording outcomes in `args.output`.
///
/// `apply` makes one row's call with the [`CallOptions`] given (they carry the row's
/// idempotency key, if the API has one) and returns [`crate::sent`] of its result. At most
/// `args.concurrency` rows are in flight; the pace is the client's.
///
/// Errors are problems with the files (unreadable input, an output file of another kind);
/// problems with rows are in the output and the [`Summary`].
pub async fn run<F, Fut>(job: Job, args: &Args, apply: F) -> Result<Summary, String>
where
    F: Fn(Row, CallOptions) -> Fut,
    Fut: Future<Output = Sent>,
{
    if same_file(&args.input, &args.output) {
        return Err(format!(
            "--input and --output are the same file ({}); the outcomes would overwrite the updates",
            args.output.display()
        ));
    }
    let input = input::read(&args.input, &job)?;
    let (journal, prior) = Journal::open(&args.output, &job)?;
    let plans: Vec<Plan> = input.rows.into_iter().map(|row| plan(&job, &prior, row)).collect();
    let mut summary = Summary::default();
    for plan in &plans {
        match plan {
            Plan::Done(_) => summary.already_updated += 1,
            Plan::Bad(bad) => {
                summary.bad += 1;
                eprintln!("{}: {bad}; skipped", args.input.display());
            }
            Plan::Send(..) => {}
        }
    }
    let sends: Vec<(usize, Row, String)> = plans
        .iter()
        .enumerate()
        .filter_map(|(index, plan)| match plan {
            Plan::Send(row, id) => Some((index, row.clone(), id.clone())),
            _ => None,
        })
        .collect();
    let progress = Progress::new(sends.len() as u64);
    // The rows sent and not yet answered, each with its `pending` record.
    let in_flight: std::sync::Mutex<HashMap<usize, Record>> = std::sync::Mutex::default();
    let rows = futures::stream::iter(sends)
        .map(|(index, row, request_id)| {
            let (journal, apply, progress, in_flight) = (&journal, &apply, &progress, &in_flight);
            async move {
                let mut record = Record {
                    key: row.key.clone(),
                    value: row.value_text.clone(),
                    outcome: PENDING.into(),
                    http_status: None,
                    request_id: request_id.clone(),
                    error: String::new(),
                };
                journal.append(&record, true)?;
                lock(in_flight).insert(index, record.clone());
                let options = match job.idempotency_key {
                    Some(header) => CallOptions::new().header(header, &request_id),
                    None => CallOptions::new(),
                };
                let line = row.line;
                let sent = apply(row, options).await;
                lock(in_flight).remove(&index);
                record.outcome = if sent.updated { UPDATED } else { FAILED }.into();
                record.http_status = sent.http_status;
                if job.idempotency_key.is_none() {
                    record.request_id = sent.request_id.unwrap_or_default();
                }
                record.error = sent.error.unwrap_or_default();
                journal.append(&record, false)?;
                progress.row_done(line, &record);
                Ok((index, record))
            }
        })
        .buffer_unordered(usize::from(args.concurrency));
    // Ctrl-C drops every row in flight at once: one waiting for its slot is never sent, and one
    // already sent stays `pending`, so a rerun sends it again with the same request id, as after
    // a crash. Nothing new is sent after it, and the run ends without waiting for answers.
    let results: Vec<Result<(usize, Record), String>> =
        rows.take_until(Box::pin(tokio::signal::ctrl_c())).collect().await;
    progress.finish();
    let mut sent: HashMap<usize, Record> = HashMap::new();
    for result in results {
        let (index, record) = result?;
        if record.outcome == UPDATED {
            summary.updated += 1;
        } else {
            summary.failed += 1;
        }
        sent.insert(index, record);
    }
    for (index, record) in lock(&in_flight).drain() {
        sent.insert(index, record);
        summary.not_sent += 1;
    }
    let mut records = Vec::new();
    for (index, plan) in plans.into_iter().enumerate() {
        match plan {
            Plan::Done(record) => records.push(record),
            Plan::Bad(bad) => records.push(Record {
                key: bad.key.clone(),
                value: bad.value.clone(),
                outcome: FAILED.into(),
                http_status: None,
                request_id: String::new(),
                error: bad.to_string(),
            }),
            Plan::Send(row, _) => match sent.remove(&index) {
                // Answered, or sent and cut off by Ctrl-C (`pending`).
                Some(record) => records.push(record),
                None => {
                    // Interrupted before it was sent: an earlier run's line, if any, stands.
                    summary.not_sent += 1;
                    if let Some(record) = prior.get(&journal::identity(&job, &row.key)) {
                        records.push(record.clone());
                    }
                }
            },
        }
    }
    journal::rewrite(&args.output, &job, &records)?;
    eprintln!(
        "{} updated, {} already updated, {} failed, {} bad rows{}; outcomes in {}",
        summary.updated,
        summary.already_updated,
        summary.failed,
        summary.bad,
        if summary.not_sent > 0 {
            format!(", {} not finished (interrupted; run again to resume)", summary.not_sent)
        } else {
            String::new()
        },
        args.output.display()
    );
    Ok(summary)
}

fn plan(job: &Job, prior: &HashMap<String, Record>, row: Result<Row, BadRow>) -> Plan {
    let row = match row {
        Ok(row) => row,
        Err(bad) => return Plan::Bad(bad),
    };
    let earlier = prior
        .get(&journal::identity(job, &row.key))
        .filter(|record| same_value(&record.value, row.value));
    match earlier {
        Some(record) if record.outcome == UPDATED => Plan::Done(record.clone()),
        Some(record) if record.in_doubt() && job.idempotency_key.is_some() => {
            let id = record.request_id.clone();
            Plan::Send(row, id)
        }
        _ => Plan::Send(row, uuid::Uuid::new_v4().to_string()),
    }
}

/// Whether two paths name one file (through links or relative parts).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn same_value(recorded: &str, value: Option<f64>) -> bool {
    let recorded = recorded.trim();
    match value {
        None => recorded.eq_ignore_ascii_case(crate::CLEAR),
        Some(value) => recorded.parse::<f64>().is_ok_and(|r| r == value),
    }
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A progress bar on a terminal; on anything else, a plain line at every tenth of the rows
/// and for every failure.
struct Progress {
    bar: ProgressBar,
    total: u64,
}

impl Progress {
    fn new(total: u64) -> Self {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} rows  {per_sec}  eta {eta}  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self { bar, total }
    }

    fn row_done(&self, line: u64, record: &Record) {
        self.bar.inc(1);
        let done = self.bar.position();
        let failure = (record.outcome != UPDATED).then(|| {
            let status = record.http_status.map(|s| format!(" ({s})")).unwrap_or_default();
            format!("line {line}: {} failed{status}: {}", record.key, record.error)
        });
        if self.bar.is_hidden() {
            if let Some(failure) = failure {
                eprintln!("{failure}");
            }
            let step = (self.total / 10).max(1);
            if done.is_multiple_of(step) || done == self.total {
                eprintln!("{done}/{} rows sent", self.total);
            }
        } else if let Some(failure) = failure {
            self.bar.println(failure);
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
