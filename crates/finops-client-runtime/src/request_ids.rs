//! The request ids of a call: what the client sent, what the server answered, and the client's
//! own id for the attempt.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Response headers in which servers commonly name a request, recorded whenever a server sends
/// one, whether or not its API documents it: what a vendor's support desk will search for.
const COMMON_RESPONSE_IDS: [&str; 7] = [
    "x-request-id",
    "request-id",
    "x-ms-request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
    "cf-ray",
];

/// The request ids of one call's last attempt: the values the client generated and sent (for
/// example `MS-RequestId` and `MS-CorrelationId`, where the API documents them), the ids the
/// server answered (in headers of those names, or in a common request-id header such as
/// `X-Request-Id`), and the client's own [`AttemptId`]. What support desks ask for when a call
/// goes wrong; its `Display` writes all of them on one line for a log or a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestIds {
    sent: Vec<(HeaderName, HeaderValue)>,
    received: Vec<(HeaderName, HeaderValue)>,
    attempt: Option<AttemptId>,
}

impl RequestIds {
    pub(crate) fn new(sent: SentIds, response: &HeaderMap) -> Self {
        let mut received: Vec<(HeaderName, HeaderValue)> = sent
            .headers
            .iter()
            .filter_map(|(name, _)| Some((name.clone(), response.get(name)?.clone())))
            .collect();
        // One pass over the answer's few headers: looking each common name up would parse and
        // hash seven names on every call.
        for (name, value) in response {
            if COMMON_RESPONSE_IDS.contains(&name.as_str()) && !received.iter().any(|(n, _)| n == name) {
                received.push((name.clone(), value.clone()));
            }
        }
        Self {
            sent: sent.headers,
            received,
            attempt: sent.attempt,
        }
    }

    /// The value the client sent in header `name` (case-insensitive), if it is a request-id header.
    pub fn sent(&self, name: &str) -> Option<&str> {
        find(&self.sent, name)
    }

    /// The value the server answered in header `name`, if it is a request-id header.
    pub fn received(&self, name: &str) -> Option<&str> {
        find(&self.received, name)
    }

    /// Every request-id header the client sent, with its value.
    pub fn iter_sent(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sent
            .iter()
            .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?)))
    }

    /// Every request-id header the server answered, with its value.
    pub fn iter_received(&self) -> impl Iterator<Item = (&str, &str)> {
        self.received
            .iter()
            .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?)))
    }

    /// The one id to quote to the vendor: the first the server answered, else the first the
    /// client sent, as `(header, value)`. `None` when neither side named the request; the
    /// [`attempt`](Self::attempt) id still names it in the client's own logs.
    pub fn primary(&self) -> Option<(&str, &str)> {
        self.iter_received().next().or_else(|| self.iter_sent().next())
    }

    /// The client's id of the attempt these ids belong to, also recorded as `attempt_id` on the
    /// attempt's `finops_request` span.
    pub fn attempt(&self) -> Option<AttemptId> {
        self.attempt
    }
}

/// One line: the server's ids, then the client's, then the attempt, e.g.
/// `x-request-id=4f1c…; sent MS-RequestId=9b2e…; attempt 3a41c9e07d52-17`.
impl fmt::Display for RequestIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self.iter_received().map(|(n, v)| format!("{n}={v}")).collect();
        parts.extend(self.iter_sent().map(|(n, v)| format!("sent {n}={v}")));
        if let Some(attempt) = self.attempt {
            parts.push(format!("attempt {attempt}"));
        }
        if parts.is_empty() {
            return f.write_str("no request ids");
        }
        f.write_str(&parts.join("; "))
    }
}

fn find<'a>(headers: &'a [(HeaderName, HeaderValue)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.to_str().ok())
}

/// The client's own id of one attempt of one call: a random prefix drawn once per process and a
/// counter, e.g. `3a41c9e07d52-17`. Unique within the process and, in practice, across the
/// processes that log to one place; it costs one atomic increment per attempt. Every error that
/// followed a response carries it in its [`RequestIds`], a transport error in
/// [`TransportError::attempt`](crate::TransportError::attempt), and the attempt's span as
/// `attempt_id`, so a line a user logs can be matched with the trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttemptId {
    process: u64,
    number: u64,
}

impl AttemptId {
    /// The next id of this process.
    pub(crate) fn next() -> Self {
        static PROCESS: OnceLock<u64> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(1);
        Self {
            process: *PROCESS.get_or_init(|| fastrand::u64(..) & 0xffff_ffff_ffff),
            number: COUNTER.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl fmt::Display for AttemptId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012x}-{}", self.process, self.number)
    }
}

/// What an attempt sent that names it, kept in the response's extensions for
/// [`crate::finish`]: the request-id headers and the attempt's id.
#[derive(Debug, Clone, Default)]
pub(crate) struct SentIds {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) attempt: Option<AttemptId>,
}
