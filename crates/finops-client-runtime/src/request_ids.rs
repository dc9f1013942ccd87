//! The request ids of a call: what the client sent and what the server answered.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// The request-id headers of one call's last attempt: the values the client generated and
/// sent (for example `MS-RequestId` and `MS-CorrelationId`), and the values the server answered
/// in headers of the same names. What support desks ask for when a call goes wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestIds {
    sent: Vec<(HeaderName, HeaderValue)>,
    received: Vec<(HeaderName, HeaderValue)>,
}

impl RequestIds {
    pub(crate) fn new(sent: Vec<(HeaderName, HeaderValue)>, response: &HeaderMap) -> Self {
        let received = sent
            .iter()
            .filter_map(|(name, _)| Some((name.clone(), response.get(name)?.clone())))
            .collect();
        Self { sent, received }
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
}

fn find<'a>(headers: &'a [(HeaderName, HeaderValue)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.to_str().ok())
}

/// The request-id headers an attempt sent, kept in the response's extensions for
/// [`crate::finish`].
#[derive(Debug, Clone)]
pub(crate) struct SentIds(pub(crate) Vec<(HeaderName, HeaderValue)>);
