//! What a generated `ClientBuilder` collects, and the configuration a built client carries.

use crate::hooks::{Hook, Hooks};
use crate::{Credentials, Redirects, RetryPolicy, Secret};
use reqwest::header::HeaderValue;
use std::fmt;
use std::time::Duration;

/// The settings behind a generated `ClientBuilder`. Generated builders add typed methods (named
/// environments, the API's credentials) on top of these.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    base_url: String,
    user_agent: String,
    credentials: Option<Credentials>,
    default_query: Vec<(&'static str, Secret)>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    redirects: Redirects,
    max_response_bytes: u64,
    http: Option<reqwest::Client>,
    hooks: Hooks,
}

/// The largest response body a client reads unless told otherwise: 64 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 << 20;

/// Why a client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build the client: {}", self.0)
    }
}

impl std::error::Error for BuildError {}

impl ClientSettings {
    /// Settings for `base_url`, identifying requests as `user_agent` (`<crate>/<version>`).
    pub fn new(base_url: impl Into<String>, user_agent: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            user_agent: user_agent.into(),
            credentials: None,
            default_query: Vec::new(),
            retry: RetryPolicy::default(),
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Duration::from_secs(10),
            redirects: Redirects::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http: None,
            hooks: Hooks::default(),
        }
    }

    /// Runs `hook` around every attempt of every call, after the hooks added before it.
    pub fn add_hook(&mut self, hook: impl Hook) {
        self.hooks.0.push(std::sync::Arc::new(hook));
    }

    /// Sends requests to `base_url` instead.
    pub fn set_base_url(&mut self, base_url: impl Into<String>) {
        self.base_url = base_url.into();
    }

    /// Authenticates every request with `credentials`.
    pub fn set_credentials(&mut self, credentials: Credentials) {
        self.credentials = Some(credentials);
    }

    /// Adds `name=value` to the query of every request that does not set `name` itself.
    pub fn set_default_query(&mut self, name: &'static str, value: impl Into<String>) {
        self.default_query.retain(|(n, _)| *n != name);
        self.default_query.push((name, Secret::new(value)));
    }

    /// Appends `product` to the `User-Agent` (e.g. `my-app/1.2`).
    pub fn add_user_agent(&mut self, product: &str) {
        self.user_agent = format!("{} {}", self.user_agent, product.trim());
    }

    /// The retry policy of every call (a call may override it).
    pub fn set_retry(&mut self, retry: RetryPolicy) {
        self.retry = retry;
    }

    /// The timeout of each attempt (a call may override it); `None` for no timeout.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// The connect timeout of the HTTP client this builder makes (not of one passed with
    /// [`Self::set_http_client`]).
    pub fn set_connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = timeout;
    }

    /// Which redirects the HTTP client this builder makes follows (not one passed with
    /// [`Self::set_http_client`], which follows its own policy).
    pub fn set_redirects(&mut self, redirects: Redirects) {
        self.redirects = redirects;
    }

    /// The largest response body read (a call may override it); a longer one fails the call
    /// with [`crate::Error::ResponseTooLarge`] without being read further.
    pub fn set_max_response_bytes(&mut self, limit: u64) {
        self.max_response_bytes = limit;
    }

    /// Sends through `http` (proxies, TLS roots, connection pool) instead of a new client.
    pub fn set_http_client(&mut self, http: reqwest::Client) {
        self.http = Some(http);
    }

    /// Checks the settings and returns the base URL, the HTTP client and the per-request
    /// configuration the generated client keeps.
    pub fn build(self) -> Result<(String, reqwest::Client, ClientConfig), BuildError> {
        let url = reqwest::Url::parse(&self.base_url)
            .map_err(|e| BuildError(format!("the base URL `{}` is not a URL: {e}", self.base_url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BuildError(format!(
                "the base URL `{}` must start with http:// or https://",
                self.base_url
            )));
        }
        // Paths are appended to the base URL as text: a query or fragment in it would swallow them.
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BuildError(format!(
                "the base URL `{}` has a query or fragment; give the scheme, host and path only",
                url.origin().ascii_serialization()
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(BuildError(
                "the base URL holds a user name or password; set credentials on the builder instead".into(),
            ));
        }
        let authorization = match &self.credentials {
            Some(credentials) => credentials.authorization().map_err(BuildError)?,
            None => None,
        };
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| BuildError(format!("`{}` cannot be sent as a User-Agent", self.user_agent)))?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(self.redirects.policy())
                .build()
                .map_err(|e| BuildError(format!("the HTTP client could not be created: {e}")))?,
        };
        let config = ClientConfig {
            credentials: self.credentials,
            authorization,
            default_query: self.default_query,
            user_agent,
            retry: self.retry,
            timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
            hooks: self.hooks,
        };
        Ok((self.base_url.trim_end_matches('/').to_string(), http, config))
    }
}

/// The per-request configuration a built client carries (progenitor's "inner" value).
#[derive(Clone)]
pub struct ClientConfig {
    pub(crate) credentials: Option<Credentials>,
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) default_query: Vec<(&'static str, Secret)>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_response_bytes: u64,
    pub(crate) hooks: Hooks,
}

impl ClientConfig {
    /// The retry policy calls use unless they override it.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<&str> = self.default_query.iter().map(|(name, _)| *name).collect();
        f.debug_struct("ClientConfig")
            .field("credentials", &self.credentials)
            .field("default_query", &query)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_base_urls_are_errors() {
        let err = ClientSettings::new("not a url", "x/1").build().unwrap_err();
        assert!(err.to_string().contains("`not a url` is not a URL"), "{err}");
        let err = ClientSettings::new("ftp://example.com", "x/1").build().unwrap_err();
        assert!(err.to_string().contains("must start with http"), "{err}");
        let err = ClientSettings::new("https://example.com/api?key=1", "x/1")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("has a query or fragment"), "{err}");
        assert!(!err.to_string().contains("key=1"), "{err}");
        let err = ClientSettings::new("https://example.com/#x", "x/1")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("has a query or fragment"), "{err}");
        let err = ClientSettings::new("https://u:pw@example.com/", "x/1")
            .build()
            .unwrap_err();
        assert!(
            err.to_string().contains("user name or password") && !err.to_string().contains("pw"),
            "{err}"
        );
    }

    #[test]
    fn debug_hides_secrets_and_query_values() {
        let mut settings = ClientSettings::new("https://example.com/", "x/1");
        settings.set_credentials(Credentials::Bearer(Secret::new("tok-123")));
        settings.set_default_query("client_api_id", "cust-9");
        let (base, _, config) = settings.build().unwrap();
        assert_eq!(base, "https://example.com");
        let debug = format!("{config:?}");
        assert!(!debug.contains("tok-123") && !debug.contains("cust-9"), "{debug}");
        assert!(debug.contains("client_api_id"), "{debug}");
    }
}
