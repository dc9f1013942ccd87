//! The export's journal, `export.journal.json` in the output directory: the request, the
//! continuation once the export has started, and each finished file. It is replaced whole (a file
//! beside it, synced, then renamed), so it is never half-written; the directory is locked for the
//! run (`.export.lock`), so two runs never write the same files.

use crate::totals::Totals;
use finops_cli::Failure;
use finops_client_runtime::Continuation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const JOURNAL: &str = "export.journal.json";
const LOCK: &str = ".export.lock";

/// What a finished file held.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FileRecord {
    pub(crate) lines: u64,
    pub(crate) totals: Totals,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    export: String,
    request: serde_json::Value,
    continuation: Option<Continuation>,
    files: BTreeMap<String, FileRecord>,
}

/// The run's summary, printed at its end.
#[derive(Debug, Serialize)]
pub(crate) struct Summary {
    operation: String,
    files: usize,
    lines: u64,
    totals: Totals,
}

pub(crate) struct Journal {
    path: PathBuf,
    record: Mutex<Record>,
    _lock: File,
}

impl Journal {
    /// Opens the journal of `dir` (created if missing) for this run alone.
    ///
    /// Refused: a path that is a file or a symbolic link, a directory another run is using, and
    /// a directory holding another export or another request.
    pub(crate) fn open(dir: &Path, export: &str, request: &serde_json::Value) -> Result<Self, Failure> {
        let usage = |why: String| Failure::Usage(why);
        match fs::symlink_metadata(dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(usage(format!(
                    "{} is a symbolic link; give the directory itself",
                    dir.display()
                )));
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(usage(format!("{} is not a directory", dir.display())));
            }
            Ok(_) => {}
            Err(_) => fs::create_dir_all(dir).map_err(|e| usage(format!("cannot create {}: {e}", dir.display())))?,
        }
        let lock_path = dir.join(LOCK);
        let lock = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| usage(format!("cannot write in {}: {e}", dir.display())))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(usage(format!(
                    "{} is in use by another run; wait for it to end, or give another --out",
                    dir.display()
                )));
            }
            Err(fs::TryLockError::Error(e)) => return Err(usage(format!("cannot lock {}: {e}", lock_path.display()))),
        }
        let path = dir.join(JOURNAL);
        let record = match fs::read(&path) {
            Ok(bytes) => {
                let record: Record = serde_json::from_slice(&bytes)
                    .map_err(|e| usage(format!("{} is not an export journal: {e}", path.display())))?;
                if record.export != export || &record.request != request {
                    return Err(usage(format!(
                        "{} holds another export ({} of {}); give another --out",
                        dir.display(),
                        record.export,
                        record.request
                    )));
                }
                record
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Record {
                export: export.to_string(),
                request: request.clone(),
                continuation: None,
                files: BTreeMap::new(),
            },
            Err(e) => return Err(usage(format!("cannot read {}: {e}", path.display()))),
        };
        Ok(Self {
            path,
            record: Mutex::new(record),
            _lock: lock,
        })
    }

    pub(crate) fn continuation(&self) -> Option<Continuation> {
        self.lock().continuation.clone()
    }

    pub(crate) fn set_continuation(&self, continuation: &Continuation) -> Result<(), Failure> {
        let mut record = self.lock();
        record.continuation = Some(continuation.clone());
        self.write(&record)
    }

    pub(crate) fn is_finished(&self, file: &str) -> bool {
        self.lock().files.contains_key(file)
    }

    pub(crate) fn finish_file(&self, file: &str, done: FileRecord) -> Result<(), Failure> {
        let mut record = self.lock();
        record.files.insert(file.to_string(), done);
        self.write(&record)
    }

    pub(crate) fn summary(&self, continuation: &Continuation) -> Result<Summary, Failure> {
        let record = self.lock();
        let mut totals = Totals::default();
        let mut lines = 0u64;
        for file in record.files.values() {
            lines = lines.saturating_add(file.lines);
            totals.merge(&file.totals).map_err(Failure::Call)?;
        }
        Ok(Summary {
            operation: continuation.operation.clone(),
            files: record.files.len(),
            lines,
            totals,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self, record: &Record) -> Result<(), Failure> {
        let fail = |e: &dyn std::fmt::Display| Failure::Call(format!("cannot write {}: {e}", self.path.display()));
        let mut text = serde_json::to_vec_pretty(record).map_err(|e| fail(&e))?;
        text.push(b'\n');
        let partial = self.path.with_extension("json.part");
        let mut file = File::create(&partial).map_err(|e| fail(&e))?;
        file.write_all(&text).map_err(|e| fail(&e))?;
        file.sync_all().map_err(|e| fail(&e))?;
        fs::rename(&partial, &self.path).map_err(|e| fail(&e))
    }
}
