//! Which redirects a client follows.

/// Which redirects the HTTP client that a generated `ClientBuilder` makes follows.
///
/// A redirect is answered with at most [`Redirects::MAX_HOPS`] more requests. A chain that comes
/// back to a URL it already visited is a loop: the call fails at once with a transport error
/// ([`crate::TransportError::is_redirect`]) and is never retried. A redirect that is not followed
/// is returned as the 3xx response it is, with its `Location` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Redirects {
    /// Follow none.
    None,
    /// Follow redirects to the scheme, host and port of the request (the default).
    ///
    /// A redirect elsewhere could carry a query-string API key or a PATCH body to another server,
    /// so it is not followed unless asked for.
    #[default]
    SameOrigin,
    /// Follow redirects to any origin. The `Authorization` header is dropped when the host
    /// changes; a query-string API key in the new URL is not.
    AnyOrigin,
}

impl Redirects {
    /// The most redirects followed for one request.
    pub const MAX_HOPS: usize = 10;

    /// The reqwest policy that carries out this choice.
    pub(crate) fn policy(self) -> reqwest::redirect::Policy {
        if self == Redirects::None {
            return reqwest::redirect::Policy::none();
        }
        reqwest::redirect::Policy::custom(move |attempt| {
            let previous = attempt.previous();
            if previous.iter().any(|url| url == attempt.url()) {
                return attempt.error("redirect loop");
            }
            if previous.len() > Self::MAX_HOPS {
                return attempt.error(format!("more than {} redirects", Self::MAX_HOPS));
            }
            let same_origin = previous
                .first()
                .is_some_and(|first| first.origin() == attempt.url().origin());
            if self == Redirects::SameOrigin && !same_origin {
                return attempt.stop();
            }
            attempt.follow()
        })
    }
}
