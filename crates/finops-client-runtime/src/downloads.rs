//! Files a service hands out to download (a result manifest's blobs in Azure Blob Storage, each a
//! URL and a SAS token), streamed as typed items and never held whole.
//!
//! [`json_lines`] reads one gzip-compressed JSON Lines file: the bytes are gunzipped as they
//! arrive and each line is decoded into `T` as soon as it is complete, so memory stays bounded
//! whatever the file's size. A connection that breaks off, or stalls (no bytes for
//! [`DownloadOptions::stall_timeout`]), is resumed with a `Range` request where it stopped, on
//! the same version of the file (`If-Match` with its `ETag`). [`json_lines_of_all`] reads several
//! files in order while the next ones download, under a bound.
//!
//! The SAS token is a [`Secret`]: it is in no `Debug` output, error or log; errors name the file.

use crate::Secret;
use bytes::Bytes;
use futures::{Stream, StreamExt};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, ETAG, HeaderValue, IF_MATCH, RANGE};
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncBufReadExt, AsyncReadExt};

/// One file to download: its URL without the query, and the query that authorizes it.
#[derive(Clone)]
pub struct RemoteFile {
    name: Arc<str>,
    url: reqwest::Url,
    token: Option<Secret>,
}

impl RemoteFile {
    /// The file `name` under the directory URL `root`, authorized by the SAS `token` (a URL query,
    /// with or without its leading `?`). `name` is one path, made of segments that are
    /// percent-encoded as needed; `.` and `..` segments are refused.
    pub fn in_directory(root: &str, name: &str, token: Option<&str>) -> Result<Self, DownloadError> {
        let invalid = |why: String| DownloadError {
            file: name.to_string(),
            problem: DownloadProblem::InvalidAddress(why),
        };
        let mut url =
            reqwest::Url::parse(root.trim()).map_err(|_| invalid("the root directory is not a URL".into()))?;
        if !matches!(url.scheme(), "https" | "http") || url.cannot_be_a_base() {
            return Err(invalid("the root directory is not an http(s) URL".into()));
        }
        if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
            return Err(invalid(
                "the root directory carries a query, fragment or user name".into(),
            ));
        }
        let segments: Vec<&str> = name.split('/').filter(|s| !s.is_empty()).collect();
        if segments.is_empty() || segments.iter().any(|s| *s == "." || *s == "..") {
            return Err(invalid(format!("{name:?} is not a file name")));
        }
        url.path_segments_mut()
            .map_err(|_| invalid("the root directory cannot hold files".into()))?
            .pop_if_empty()
            .extend(segments);
        let token = token
            .map(|t| t.trim().trim_start_matches('?'))
            .filter(|t| !t.is_empty())
            .map(|t| Secret::new(t.to_string()));
        Ok(Self {
            name: Arc::from(name),
            url,
            token,
        })
    }

    /// The file's name, as the manifest gives it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL with its token, for the request only.
    fn request_url(&self) -> reqwest::Url {
        let mut url = self.url.clone();
        if let Some(token) = &self.token {
            url.set_query(Some(token.expose()));
        }
        url
    }
}

impl fmt::Debug for RemoteFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteFile")
            .field("name", &self.name)
            .field("url", &self.url.as_str())
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// How files are downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadOptions {
    stall_timeout: Duration,
    max_attempts: u32,
    concurrency: usize,
    max_line_bytes: usize,
    buffered_lines: usize,
    keep_text: bool,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self {
            stall_timeout: Duration::from_secs(60),
            max_attempts: 6,
            concurrency: 4,
            max_line_bytes: 16 << 20,
            buffered_lines: 1024,
            keep_text: false,
        }
    }
}

impl DownloadOptions {
    /// The defaults: a 60 s stall timeout, 6 attempts per file without progress, 4 files at once,
    /// lines up to 16 MiB.
    pub fn new() -> Self {
        Self::default()
    }

    /// A file that sends no byte for this long is broken off and resumed where it stopped.
    pub fn stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = timeout;
        self
    }

    /// Requests per file, in a row, that may fail (no answer, a retryable status, a stall, a
    /// break) before the download gives up; a request that delivers bytes resets the count.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// How many files [`json_lines_of_all`] downloads at once (at least 1).
    pub fn concurrency(mut self, files: usize) -> Self {
        self.concurrency = files.max(1);
        self
    }

    /// The longest line read; a longer one is [`DownloadProblem::LineTooLong`].
    pub fn max_line_bytes(mut self, bytes: usize) -> Self {
        self.max_line_bytes = bytes.max(1);
        self
    }

    /// Keeps each line as received in [`Line::text`] (to write it out unchanged), besides the
    /// decoded item.
    pub fn keep_text(mut self, keep: bool) -> Self {
        self.keep_text = keep;
        self
    }

    /// The files downloading at once.
    pub fn files_at_once(&self) -> usize {
        self.concurrency
    }
}

/// One decoded line of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Line<T> {
    /// The file's name.
    pub file: Arc<str>,
    /// The line's number in its file, from 1.
    pub number: u64,
    /// The line as received (without its line ending), with [`DownloadOptions::keep_text`].
    pub text: Option<String>,
    /// The line decoded.
    pub item: T,
}

/// A download that failed, naming the file (never its URL's token).
#[derive(Debug)]
pub struct DownloadError {
    /// The file's name.
    pub file: String,
    /// What went wrong.
    pub problem: DownloadProblem,
}

/// What went wrong with a download.
#[derive(Debug)]
#[non_exhaustive]
pub enum DownloadProblem {
    /// The file's address cannot be built from the manifest.
    InvalidAddress(String),
    /// The storage answered a status that is not retried (403: the SAS token expired or does not
    /// grant reading; 404: no such file), or a retryable one on every attempt.
    Status(StatusCode),
    /// No bytes arrived on any of the attempts: the connection failed, broke off or stalled.
    Transport {
        /// What happened on the last attempt.
        last: String,
        /// The attempts made.
        attempts: u32,
    },
    /// The file changed between two requests of one download (its `ETag`), or the storage did
    /// not resume where asked; the items read so far may be from another version.
    Changed(String),
    /// The bytes are not valid gzip.
    Decompress(io::Error),
    /// A line is not UTF-8 or does not decode into the item type.
    Line {
        /// The line's number, from 1.
        number: u64,
        /// Why it does not decode.
        source: serde_json::Error,
    },
    /// A line is longer than [`DownloadOptions::max_line_bytes`].
    LineTooLong {
        /// The line's number, from 1.
        number: u64,
        /// The limit.
        limit: usize,
    },
}

impl fmt::Display for DownloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "file {:?}: ", self.file)?;
        match &self.problem {
            DownloadProblem::InvalidAddress(why) => write!(f, "cannot be addressed: {why}"),
            DownloadProblem::Status(status) => write!(f, "the storage answered {status}"),
            DownloadProblem::Transport { last, attempts } => {
                write!(f, "no data after {attempts} attempts (last: {last})")
            }
            DownloadProblem::Changed(why) => write!(f, "changed while it was downloaded: {why}"),
            DownloadProblem::Decompress(error) => write!(f, "not valid gzip: {error}"),
            DownloadProblem::Line { number, source } => write!(f, "line {number} does not decode: {source}"),
            DownloadProblem::LineTooLong { number, limit } => {
                write!(f, "line {number} is longer than {limit} bytes")
            }
        }
    }
}

impl std::error::Error for DownloadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            DownloadProblem::Decompress(error) => Some(error),
            DownloadProblem::Line { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A boxed stream of items, `Send` so it can be spawned.
pub type LineStream<T> = Pin<Box<dyn Stream<Item = Result<Line<T>, DownloadError>> + Send>>;

/// Every line of one gzip-compressed JSON Lines file, decoded into `T`, in order. Empty lines are
/// skipped; fields `T` does not know are ignored (as its `Deserialize` allows). A line that does
/// not decode ends the stream with [`DownloadProblem::Line`] naming it.
///
/// `http` sends the requests: pass the generated client's `http_client()` to keep its proxy and
/// TLS settings. No credential of the API goes with them; the file's token is its authorization.
pub fn json_lines<T>(http: reqwest::Client, file: RemoteFile, options: DownloadOptions) -> LineStream<T>
where
    T: DeserializeOwned + Send + 'static,
{
    let name = file.name.clone();
    let max_line = options.max_line_bytes;
    let keep_text = options.keep_text;
    let body = Box::pin(ResumingBody::new(http, file, options).into_stream());
    let reader = tokio_util::io::StreamReader::new(body);
    let mut decoder = async_compression::tokio::bufread::GzipDecoder::new(reader);
    decoder.multiple_members(true);
    let lines = tokio::io::BufReader::with_capacity(64 << 10, decoder);
    let state = LineState {
        lines,
        name,
        number: 0,
        buffer: Vec::new(),
        max_line,
        keep_text,
        done: false,
    };
    Box::pin(futures::stream::unfold(state, |mut state| async move {
        let line = state.next_line().await?;
        Some((line, state))
    }))
}

struct LineState<R> {
    lines: R,
    name: Arc<str>,
    number: u64,
    buffer: Vec<u8>,
    max_line: usize,
    keep_text: bool,
    done: bool,
}

impl<R: tokio::io::AsyncBufRead + Unpin> LineState<R> {
    async fn next_line<T: DeserializeOwned>(&mut self) -> Option<Result<Line<T>, DownloadError>> {
        loop {
            if self.done {
                return None;
            }
            self.buffer.clear();
            self.number += 1;
            let read = match (&mut self.lines)
                .take(self.max_line as u64 + 2)
                .read_until(b'\n', &mut self.buffer)
                .await
            {
                Ok(read) => read,
                Err(error) => {
                    self.done = true;
                    return Some(Err(self.fail(read_problem(error))));
                }
            };
            if read == 0 {
                self.done = true;
                return None;
            }
            let ended = self.buffer.last() == Some(&b'\n');
            if ended {
                self.buffer.pop();
                if self.buffer.last() == Some(&b'\r') {
                    self.buffer.pop();
                }
            }
            if self.buffer.len() > self.max_line || (!ended && self.buffer.len() >= self.max_line) {
                self.done = true;
                let (number, limit) = (self.number, self.max_line);
                return Some(Err(self.fail(DownloadProblem::LineTooLong { number, limit })));
            }
            if self.buffer.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let number = self.number;
            let decoded = if self.keep_text {
                std::str::from_utf8(&self.buffer)
                    .map_err(|_| serde_json::Error::io(io::Error::new(io::ErrorKind::InvalidData, "not UTF-8")))
                    .and_then(|text| serde_json::from_str::<T>(text).map(|item| (Some(text.to_string()), item)))
            } else {
                serde_json::from_slice::<T>(&self.buffer).map(|item| (None, item))
            };
            return Some(match decoded {
                Ok((text, item)) => Ok(Line {
                    file: self.name.clone(),
                    number,
                    text,
                    item,
                }),
                Err(source) => {
                    self.done = true;
                    Err(self.fail(DownloadProblem::Line { number, source }))
                }
            });
        }
    }

    fn fail(&self, problem: DownloadProblem) -> DownloadError {
        DownloadError {
            file: self.name.to_string(),
            problem,
        }
    }
}

/// An error of the byte stream under the decoder: a download problem passed through `io::Error`,
/// or the decoder's own.
fn read_problem(error: io::Error) -> DownloadProblem {
    if error
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<Carried>().is_some())
    {
        let inner = error.into_inner().expect("checked");
        let carried = inner.downcast::<Carried>().expect("checked");
        return carried.0;
    }
    DownloadProblem::Decompress(error)
}

/// A download problem carried through the `io::Error` of the byte stream.
#[derive(Debug)]
struct Carried(DownloadProblem);

impl fmt::Display for Carried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("download failed")
    }
}

impl std::error::Error for Carried {}

fn carried(problem: DownloadProblem) -> io::Error {
    io::Error::other(Carried(problem))
}

/// The compressed bytes of one file, across as many requests as it takes.
struct ResumingBody {
    http: reqwest::Client,
    file: RemoteFile,
    options: DownloadOptions,
    /// Bytes received so far.
    offset: u64,
    /// The file's length, once an answer gave it.
    length: Option<u64>,
    etag: Option<HeaderValue>,
    current: Option<Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>>,
    /// Requests in a row that brought no byte.
    failures: u32,
    last_failure: String,
    done: bool,
}

impl ResumingBody {
    fn new(http: reqwest::Client, file: RemoteFile, options: DownloadOptions) -> Self {
        Self {
            http,
            file,
            options,
            offset: 0,
            length: None,
            etag: None,
            current: None,
            failures: 0,
            last_failure: String::new(),
            done: false,
        }
    }

    fn into_stream(self) -> impl Stream<Item = io::Result<Bytes>> + Send {
        futures::stream::unfold(self, |mut body| async move {
            let chunk = body.next_chunk().await?;
            Some((chunk, body))
        })
    }

    async fn next_chunk(&mut self) -> Option<io::Result<Bytes>> {
        loop {
            if self.done {
                return None;
            }
            if self.current.is_none() {
                match self.open().await {
                    Ok(()) => {}
                    Err(problem) => {
                        self.done = true;
                        return Some(Err(carried(problem)));
                    }
                }
                continue;
            }
            let stream = self.current.as_mut().expect("opened");
            match tokio::time::timeout(self.options.stall_timeout, stream.next()).await {
                Ok(Some(Ok(chunk))) => {
                    if chunk.is_empty() {
                        continue;
                    }
                    self.offset += chunk.len() as u64;
                    self.failures = 0;
                    return Some(Ok(chunk));
                }
                Ok(None) if self.length.is_none_or(|length| self.offset >= length) => {
                    self.done = true;
                    return None;
                }
                Ok(None) => self.broke_off("the body ended before its length".into()),
                Ok(Some(Err(error))) => self.broke_off(format!(
                    "the connection broke off ({})",
                    crate::error::failure_kind(&error)
                )),
                Err(_) => self.broke_off(format!("no bytes for {} ms", self.options.stall_timeout.as_millis())),
            }
            if self.failures >= self.options.max_attempts {
                self.done = true;
                return Some(Err(carried(DownloadProblem::Transport {
                    last: self.last_failure.clone(),
                    attempts: self.failures,
                })));
            }
        }
    }

    fn broke_off(&mut self, why: String) {
        tracing::debug!(file = %self.file.name, offset = self.offset, why = %why, "download interrupted; resuming");
        self.current = None;
        self.failures += 1;
        self.last_failure = why;
    }

    /// Sends a request for the rest of the file, retrying what can be retried.
    async fn open(&mut self) -> Result<(), DownloadProblem> {
        loop {
            if self.failures > 0 {
                tokio::time::sleep(self.backoff()).await;
            }
            let mut request = self.http.get(self.file.request_url());
            if self.offset > 0 {
                request = request.header(RANGE, format!("bytes={}-", self.offset));
                if let Some(etag) = &self.etag {
                    request = request.header(IF_MATCH, etag.clone());
                }
            }
            tracing::debug!(file = %self.file.name, offset = self.offset, "download request");
            let response = match request.send().await {
                Ok(response) => response,
                Err(error) => {
                    self.failures += 1;
                    self.last_failure = format!("no answer ({})", crate::error::failure_kind(&error));
                    if self.failures >= self.options.max_attempts {
                        return Err(DownloadProblem::Transport {
                            last: self.last_failure.clone(),
                            attempts: self.failures,
                        });
                    }
                    continue;
                }
            };
            let status = response.status();
            if matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504) {
                self.failures += 1;
                self.last_failure = format!("the storage answered {status}");
                if self.failures >= self.options.max_attempts {
                    return Err(DownloadProblem::Status(status));
                }
                if let Some(wait) = crate::retry::retry_after(response.headers(), SystemTime::now()) {
                    tokio::time::sleep(crate::server_time::capped_hold(wait)).await;
                }
                continue;
            }
            if status == StatusCode::PRECONDITION_FAILED {
                return Err(DownloadProblem::Changed(
                    "its ETag is no longer the one first downloaded".into(),
                ));
            }
            let etag = response.headers().get(ETAG).cloned();
            if self.offset > 0 && self.etag.is_some() && etag.is_some() && etag != self.etag {
                return Err(DownloadProblem::Changed(
                    "its ETag is no longer the one first downloaded".into(),
                ));
            }
            match (self.offset, status) {
                (_, StatusCode::OK) => {
                    let length = content_length(response.headers());
                    let skip = self.offset;
                    if skip > 0 {
                        tracing::debug!(file = %self.file.name, skip, "the storage ignored the range; skipping what was read");
                    }
                    self.length = length;
                    self.etag = etag.or(self.etag.take());
                    self.current = Some(skip_bytes(response.bytes_stream(), skip));
                    return Ok(());
                }
                (offset, StatusCode::PARTIAL_CONTENT) if offset > 0 => {
                    let range = response
                        .headers()
                        .get(CONTENT_RANGE)
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_content_range);
                    match range {
                        Some((start, total)) if start == offset => {
                            self.length = total.or(self.length);
                            self.etag = etag.or(self.etag.take());
                            self.current = Some(Box::pin(response.bytes_stream()));
                            return Ok(());
                        }
                        _ => {
                            return Err(DownloadProblem::Changed(format!(
                                "asked to resume at byte {offset}, the storage answered another range"
                            )));
                        }
                    }
                }
                (_, status) => return Err(DownloadProblem::Status(status)),
            }
        }
    }

    fn backoff(&self) -> Duration {
        let exponent = self.failures.saturating_sub(1).min(6);
        let base = Duration::from_millis(250) * 2u32.pow(exponent);
        base.min(Duration::from_secs(10))
    }
}

fn content_length(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// `bytes 100-199/1000` → (100, Some(1000)); `bytes 100-199/*` → (100, None).
fn parse_content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, _) = range.split_once('-')?;
    let total = if total == "*" { None } else { Some(total.parse().ok()?) };
    Some((start.parse().ok()?, total))
}

/// `stream` without its first `skip` bytes.
fn skip_bytes(
    stream: impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static,
    skip: u64,
) -> Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>> {
    let mut left = skip;
    Box::pin(stream.filter_map(move |chunk| {
        let out = match chunk {
            Ok(mut chunk) if left > 0 => {
                let drop = left.min(chunk.len() as u64);
                left -= drop;
                let rest = chunk.split_off(drop as usize);
                (!rest.is_empty()).then_some(Ok(rest))
            }
            other => Some(other),
        };
        std::future::ready(out)
    }))
}

/// Every line of every file, file after file, each in order. The file being read is read as its
/// bytes arrive; the next ones (up to [`DownloadOptions::concurrency`] files in all) download in
/// their own tasks into bounded buffers, so memory stays bounded. The first error ends the stream;
/// dropping it stops every download.
pub fn json_lines_of_all<T>(http: reqwest::Client, files: Vec<RemoteFile>, options: DownloadOptions) -> LineStream<T>
where
    T: DeserializeOwned + Send + 'static,
{
    let mut pending: VecDeque<RemoteFile> = files.into();
    let current = pending
        .pop_front()
        .map(|file| json_lines::<T>(http.clone(), file, options.clone()));
    let state = Window::<T> {
        http,
        pending,
        current,
        running: VecDeque::new(),
        options,
        failed: false,
    };
    Box::pin(futures::stream::unfold(state, |mut window| async move {
        let line = window.next().await?;
        Some((line, window))
    }))
}

struct Window<T> {
    http: reqwest::Client,
    pending: VecDeque<RemoteFile>,
    /// The file being read: directly, or from the buffer it downloaded into ahead of its turn.
    current: Option<LineStream<T>>,
    /// The files downloading ahead, in order.
    running: VecDeque<Running<T>>,
    options: DownloadOptions,
    failed: bool,
}

/// A file downloading in its own task into a bounded channel; the task stops when this is dropped.
struct Running<T> {
    lines: tokio::sync::mpsc::Receiver<Result<Line<T>, DownloadError>>,
    task: tokio::task::AbortHandle,
}

impl<T> Drop for Running<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl<T: Send + 'static> Running<T> {
    /// The lines from the buffer, the task stopped when the stream is dropped.
    fn into_stream(self) -> LineStream<T> {
        Box::pin(futures::stream::unfold(self, |mut running| async move {
            let line = running.lines.recv().await?;
            Some((line, running))
        }))
    }
}

impl<T: DeserializeOwned + Send + 'static> Window<T> {
    async fn next(&mut self) -> Option<Result<Line<T>, DownloadError>> {
        if self.failed {
            return None;
        }
        loop {
            while self.running.len() + 1 < self.options.concurrency {
                let Some(file) = self.pending.pop_front() else { break };
                let (sender, lines) = tokio::sync::mpsc::channel(self.options.buffered_lines.max(1));
                let mut stream = json_lines::<T>(self.http.clone(), file, self.options.clone());
                let task = tokio::spawn(async move {
                    while let Some(line) = stream.next().await {
                        if sender.send(line).await.is_err() {
                            break;
                        }
                    }
                });
                self.running.push_back(Running {
                    lines,
                    task: task.abort_handle(),
                });
            }
            if self.current.is_none() {
                if let Some(ahead) = self.running.pop_front() {
                    self.current = Some(ahead.into_stream());
                } else {
                    let file = self.pending.pop_front()?;
                    self.current = Some(json_lines::<T>(self.http.clone(), file, self.options.clone()));
                }
            }
            let current = self.current.as_mut().expect("set above");
            match current.next().await {
                Some(Ok(line)) => return Some(Ok(line)),
                Some(Err(error)) => {
                    self.failed = true;
                    self.current = None;
                    self.running.clear();
                    return Some(Err(error));
                }
                None => self.current = None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_addressed_under_its_root_with_its_token_kept_apart() {
        let file = RemoteFile::in_directory(
            "https://store.example.net/exports/2026/",
            "part 1/data.json.gz",
            Some("?sv=2024&sig=abc%2Bdef"),
        )
        .unwrap();
        assert_eq!(
            file.request_url().as_str(),
            "https://store.example.net/exports/2026/part%201/data.json.gz?sv=2024&sig=abc%2Bdef"
        );
        let debug = format!("{file:?}");
        assert!(!debug.contains("sig=") && debug.contains("[redacted]"), "{debug}");
        for bad in ["", "/", "../x", "a/../b", "./a"] {
            assert!(
                RemoteFile::in_directory("https://s.example.net/d", bad, None).is_err(),
                "{bad}"
            );
        }
        assert!(RemoteFile::in_directory("https://s.example.net/d?sig=x", "a", None).is_err());
        assert!(RemoteFile::in_directory("file:///etc", "passwd", None).is_err());
    }

    #[test]
    fn content_ranges() {
        assert_eq!(parse_content_range("bytes 100-199/1000"), Some((100, Some(1000))));
        assert_eq!(parse_content_range("bytes 5-9/*"), Some((5, None)));
        assert_eq!(parse_content_range("items 1-2/3"), None);
    }
}
