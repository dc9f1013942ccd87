//! The output file, which is also the run's journal: lines appended as rows are sent and
//! answered, read back by a rerun, and rewritten with one row per input row when the run ends.

use crate::{FAILED, Job, KeyKind, PENDING, UPDATED};
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One output row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) key: String,
    pub(crate) value: String,
    pub(crate) outcome: String,
    pub(crate) http_status: Option<u16>,
    pub(crate) request_id: String,
    pub(crate) error: String,
}

impl Record {
    fn fields(&self) -> [String; 6] {
        [
            self.key.clone(),
            self.value.clone(),
            self.outcome.clone(),
            self.http_status.map(|s| s.to_string()).unwrap_or_default(),
            self.request_id.clone(),
            self.error.clone(),
        ]
    }

    /// Whether the row may have reached the server without an answer: a rerun sends it again
    /// with the same request id.
    pub(crate) fn in_doubt(&self) -> bool {
        self.outcome == PENDING || (self.outcome == FAILED && self.http_status.is_none() && !self.request_id.is_empty())
    }
}

/// The header row: `<key>,<value>,outcome,http_status,request_id,error`.
pub(crate) fn header(job: &Job) -> [&'static str; 6] {
    [
        job.key_column,
        job.value_column,
        "outcome",
        "http_status",
        "request_id",
        "error",
    ]
}

/// How rows are told apart: GUIDs regardless of case.
pub(crate) fn identity(job: &Job, key: &str) -> String {
    match job.key_kind {
        KeyKind::Guid => key.to_ascii_lowercase(),
        KeyKind::Text => key.to_string(),
    }
}

/// What an earlier run recorded for each key: its last complete line. Passed over: lines with an
/// outcome this tool does not write (a line cut short by a crash), and failures that sent
/// nothing (a bad input row, such as a second row for the same key), which say nothing about
/// the key's state on the server.
fn load(path: &Path, job: &Job) -> Result<HashMap<String, Record>, String> {
    let mut records = HashMap::new();
    if !path.exists() {
        return Ok(records);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let found = reader
        .headers()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .clone();
    if found.is_empty() {
        return Ok(records);
    }
    if found.iter().ne(header(job)) {
        return Err(format!(
            "{} exists and is not this tool's output (its header is `{}`, not `{}`); give another --output",
            path.display(),
            found.iter().collect::<Vec<_>>().join(","),
            header(job).join(",")
        ));
    }
    for line in reader.records() {
        let Ok(line) = line else { continue };
        let field = |i: usize| line.get(i).unwrap_or_default().to_string();
        let outcome = field(2);
        if line.len() != 6 || ![UPDATED, FAILED, PENDING].contains(&outcome.as_str()) {
            continue;
        }
        let record = Record {
            key: field(0),
            value: field(1),
            outcome,
            http_status: field(3).parse().ok(),
            request_id: field(4),
            error: field(5),
        };
        if record.outcome == FAILED && record.http_status.is_none() && record.request_id.is_empty() {
            continue;
        }
        records.insert(identity(job, &record.key), record);
    }
    Ok(records)
}

/// The output file opened for appending, shared by the rows in flight.
pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<csv::Writer<File>>,
    /// The handle holding the run's lock on the file; released when the run ends.
    _lock: File,
}

impl Journal {
    /// Opens `path` for this run alone, and reads what an earlier run recorded in it.
    ///
    /// Refused with a clear error: a path that is not a regular file (a device such as
    /// `/dev/full`, a pipe, a directory), a symbolic link (the run's last step replaces the file
    /// it names), another tool's output, and a file another run is using (the file is locked
    /// for the whole run, so two runs cannot send the same rows twice).
    pub(crate) fn open(path: &Path, job: &Job) -> Result<(Self, HashMap<String, Record>), String> {
        let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(format!(
                    "{} is a symbolic link; give the output file itself",
                    path.display()
                ));
            }
            Ok(meta) if !meta.is_file() => {
                return Err(format!(
                    "{} is not a regular file; give a file for the outcomes",
                    path.display()
                ));
            }
            _ => {}
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(fail)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "{} is in use by another run; wait for it to end, or give another --output",
                    path.display()
                ));
            }
            Err(fs::TryLockError::Error(e)) => return Err(format!("cannot lock {}: {e}", path.display())),
        }
        let prior = load(path, job)?;
        let length = file.metadata().map_err(fail)?.len();
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(file.try_clone().map_err(fail)?);
        if length == 0 {
            writer.write_record(header(job)).map_err(|e| e.to_string())?;
        } else {
            let mut last = [0u8];
            file.seek(SeekFrom::End(-1)).map_err(fail)?;
            file.read_exact(&mut last).map_err(fail)?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(fail)?;
            }
        }
        writer.flush().map_err(fail)?;
        let journal = Self {
            path: path.to_path_buf(),
            file: Mutex::new(writer),
            _lock: file,
        };
        Ok((journal, prior))
    }

    /// Appends `record`; with `durable`, waits until it is on disk (a `pending` line must
    /// outlive a crash of the machine, not only of the process, before its request is sent).
    pub(crate) fn append(&self, record: &Record, durable: bool) -> Result<(), String> {
        let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", self.path.display());
        let mut writer = self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        writer.write_record(record.fields()).map_err(|e| fail(&e))?;
        writer.flush().map_err(|e| fail(&e))?;
        if durable {
            writer.get_ref().sync_data().map_err(|e| fail(&e))?;
        }
        Ok(())
    }
}

/// Rewrites `path` with the header and `records`, atomically: a file beside it, then a rename.
pub(crate) fn rewrite(path: &Path, job: &Job, records: &[Record]) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let mut writer = csv::Writer::from_path(&temporary).map_err(|e| fail(&e))?;
    writer.write_record(header(job)).map_err(|e| fail(&e))?;
    for record in records {
        writer.write_record(record.fields()).map_err(|e| fail(&e))?;
    }
    writer.flush().map_err(|e| fail(&e))?;
    writer
        .into_inner()
        .map_err(|e| fail(&e))?
        .sync_all()
        .map_err(|e| fail(&e))?;
    fs::rename(&temporary, path).map_err(|e| fail(&e))
}
