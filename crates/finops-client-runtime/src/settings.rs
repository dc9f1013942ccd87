//! What a generated `ClientBuilder` collects, and the configuration a built client carries.

use crate::auth::{DEFAULT_RENEWAL_MARGIN, TokenCache};
use crate::hooks::{Hook, Hooks};
use crate::pacing::Pacer;
use crate::{Credentials, RateLimit, Redirects, RetryPolicy, Secret, TokenContext, TokenProvider};
use reqwest::header::HeaderValue;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The settings behind a generated `ClientBuilder`. Generated builders add typed methods (named
/// environments, the API's credentials) on top of these.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    base_url: String,
    user_agent: String,
    auth: AuthSetting,
    #[cfg(feature = "oauth2")]
    oauth2_endpoints: Option<crate::OAuth2Endpoints>,
    #[cfg(feature = "oauth2")]
    token_authority: Option<String>,
    renewal_margin: Duration,
    default_query: Vec<(&'static str, Secret)>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    redirects: Redirects,
    max_response_bytes: u64,
    http: Option<reqwest::Client>,
    hooks: Hooks,
    rate_limits: Vec<RateLimit>,
    adaptive_pacing: bool,
    max_in_flight: Option<usize>,
}

/// How a client authenticates, as set on the builder; the last setting wins.
#[derive(Clone, Default)]
enum AuthSetting {
    #[default]
    None,
    Static(Credentials),
    Provider(Arc<dyn TokenProvider>),
    #[cfg(feature = "oauth2")]
    OAuth2(crate::OAuth2Credentials),
    #[cfg(feature = "azure")]
    Azure(Arc<dyn azure_core::credentials::TokenCredential>),
}

impl AuthSetting {
    /// Whether tokens are requested with the client's HTTP client (an OAuth2 grant, or a
    /// provider that may use [`TokenContext::http`]).
    fn fetches_tokens(&self) -> bool {
        match self {
            AuthSetting::Provider(_) => true,
            #[cfg(feature = "oauth2")]
            AuthSetting::OAuth2(_) => true,
            _ => false,
        }
    }
}

impl fmt::Debug for AuthSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthSetting::None => f.write_str("None"),
            AuthSetting::Static(credentials) => credentials.fmt(f),
            AuthSetting::Provider(provider) => write!(f, "TokenProvider({})", provider.kind()),
            #[cfg(feature = "oauth2")]
            AuthSetting::OAuth2(credentials) => credentials.fmt(f),
            #[cfg(feature = "azure")]
            AuthSetting::Azure(credential) => write!(f, "Azure({credential:?})"),
        }
    }
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
            auth: AuthSetting::None,
            #[cfg(feature = "oauth2")]
            oauth2_endpoints: None,
            #[cfg(feature = "oauth2")]
            token_authority: None,
            renewal_margin: DEFAULT_RENEWAL_MARGIN,
            default_query: Vec::new(),
            retry: RetryPolicy::default(),
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Duration::from_secs(10),
            redirects: Redirects::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http: None,
            hooks: Hooks::default(),
            rate_limits: Vec::new(),
            adaptive_pacing: true,
            max_in_flight: None,
        }
    }

    /// Paces calls by `limits`, replacing all others (generated builders start with the vendor's
    /// documented limits).
    pub fn set_rate_limits(&mut self, limits: Vec<RateLimit>) {
        self.rate_limits = limits;
    }

    /// Paces calls by `limit` too, replacing the limit of the same name.
    pub fn add_rate_limit(&mut self, limit: RateLimit) {
        match self.rate_limits.iter_mut().find(|l| l.name() == limit.name()) {
            Some(existing) => *existing = limit,
            None => self.rate_limits.push(limit),
        }
    }

    /// The rate limits calls are paced by.
    pub fn rate_limits(&self) -> &[RateLimit] {
        &self.rate_limits
    }

    /// Whether a 429 slows the pace of its scope down until successes bring it back (on unless
    /// set); off, the limits pace calls at their fixed rates.
    pub fn set_adaptive_pacing(&mut self, adaptive: bool) {
        self.adaptive_pacing = adaptive;
    }

    /// At most `max` attempts in flight at once for the client and its clones; `None` for no cap.
    pub fn set_max_in_flight(&mut self, max: Option<usize>) {
        self.max_in_flight = max;
    }

    /// Runs `hook` around every attempt of every call, after the hooks added before it.
    pub fn add_hook(&mut self, hook: impl Hook) {
        self.hooks.0.push(std::sync::Arc::new(hook));
    }

    /// Sends requests to `base_url` instead.
    pub fn set_base_url(&mut self, base_url: impl Into<String>) {
        self.base_url = base_url.into();
    }

    /// Authenticates every request with `credentials`, replacing other credentials.
    pub fn set_credentials(&mut self, credentials: Credentials) {
        self.auth = AuthSetting::Static(credentials);
    }

    /// Authenticates every request with `Authorization: Bearer <token>` from `provider`, replacing
    /// other credentials. The token is cached: renewed ahead of its expiry (see
    /// [`Self::set_token_renewal_margin`]) or after a 401, one request at a time.
    pub fn set_token_provider(&mut self, provider: impl TokenProvider) {
        self.auth = AuthSetting::Provider(Arc::new(provider));
    }

    /// Authenticates every request with access tokens from `credentials`, replacing other
    /// credentials. What they leave unset comes from [`Self::set_oauth2_endpoints`].
    #[cfg(feature = "oauth2")]
    pub fn set_oauth2(&mut self, credentials: crate::OAuth2Credentials) {
        self.auth = AuthSetting::OAuth2(credentials);
    }

    /// Authenticates every request with tokens from an `azure_core` credential, for the scopes of
    /// the spec's client credentials flow at the chosen server; replaces other credentials.
    #[cfg(feature = "azure")]
    pub fn set_azure_credential(&mut self, credential: Arc<dyn azure_core::credentials::TokenCredential>) {
        self.auth = AuthSetting::Azure(credential);
    }

    /// The spec's token URL and scopes for the chosen server; generated builders set them.
    #[cfg(feature = "oauth2")]
    pub fn set_oauth2_endpoints(&mut self, endpoints: crate::OAuth2Endpoints) {
        self.oauth2_endpoints = Some(endpoints);
    }

    /// Sends OAuth2 token requests to `authority` (scheme, host, port, and an optional path
    /// prefix) instead of the token URL's own, keeping the token URL's path.
    #[cfg(feature = "oauth2")]
    pub fn set_token_authority(&mut self, authority: impl Into<String>) {
        self.token_authority = Some(authority.into());
    }

    /// How long before its expiry a cached token is renewed: 5 minutes unless set. A token that
    /// lives less than twice the margin is renewed at half its lifetime.
    pub fn set_token_renewal_margin(&mut self, margin: Duration) {
        self.renewal_margin = margin;
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
        if let Some(problem) = self.rate_limits.iter().find_map(RateLimit::problem) {
            return Err(BuildError(problem));
        }
        if self.max_in_flight == Some(0) {
            return Err(BuildError(
                "a cap of 0 requests in flight would send nothing; give at least 1".into(),
            ));
        }
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| BuildError(format!("`{}` cannot be sent as a User-Agent", self.user_agent)))?;
        let client = |redirects: Redirects| {
            reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(redirects.policy())
                .build()
                .map_err(|e| BuildError(format!("the HTTP client could not be created: {e}")))
        };
        // Token requests carry the client secret or refresh token in their body, which a 307 or
        // 308 sends again to wherever it points: they never follow a redirect to another origin,
        // whatever the API's requests do. A caller's own HTTP client is used as it is.
        let (http, token_http) = match self.http {
            Some(http) => (http.clone(), http),
            None if self.redirects == Redirects::AnyOrigin && self.auth.fetches_tokens() => {
                (client(self.redirects)?, client(Redirects::SameOrigin)?)
            }
            None => {
                let http = client(self.redirects)?;
                (http.clone(), http)
            }
        };
        let provider: Option<Arc<dyn TokenProvider>> = match &self.auth {
            AuthSetting::Provider(provider) => Some(provider.clone()),
            #[cfg(feature = "oauth2")]
            AuthSetting::OAuth2(credentials) => Some(Arc::new(
                credentials
                    .resolve(self.oauth2_endpoints.as_ref(), self.token_authority.as_deref())
                    .map_err(BuildError)?,
            )),
            #[cfg(feature = "azure")]
            AuthSetting::Azure(credential) => {
                let scopes = self
                    .oauth2_endpoints
                    .and_then(|e| e.client_credentials)
                    .map(|flow| flow.scopes)
                    .unwrap_or_default();
                if scopes.is_empty() {
                    return Err(BuildError(
                        "the spec gives no client-credentials scope to ask the Azure credential for".into(),
                    ));
                }
                Some(Arc::new(crate::AzureCredential::new(
                    credential.clone(),
                    scopes.iter().copied(),
                )))
            }
            AuthSetting::None | AuthSetting::Static(_) => None,
        };
        let auth = match (self.auth, provider) {
            (_, Some(provider)) => {
                let context = TokenContext {
                    http: token_http,
                    timeout: self.timeout,
                };
                Auth::Tokens(Arc::new(TokenCache::new(provider, context, self.renewal_margin)))
            }
            (AuthSetting::Static(credentials), None) => match credentials.authorization().map_err(BuildError)? {
                Some(authorization) => Auth::Header(authorization),
                None => Auth::Static(credentials),
            },
            _ => Auth::None,
        };
        let config = ClientConfig {
            auth,
            default_query: self.default_query,
            user_agent,
            retry: self.retry,
            timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
            hooks: self.hooks,
            pacer: Pacer::new(self.rate_limits, self.adaptive_pacing, self.max_in_flight).map(Arc::new),
        };
        Ok((self.base_url.trim_end_matches('/').to_string(), http, config))
    }
}

/// How a built client authenticates its requests.
#[derive(Clone)]
pub(crate) enum Auth {
    None,
    /// A static `Authorization` header, made once.
    Header(HeaderValue),
    /// Credentials sent elsewhere than the `Authorization` header (an API key in the query).
    Static(Credentials),
    /// Bearer tokens from a provider, through the cache all clones share.
    Tokens(Arc<TokenCache>),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Header(_) => f.write_str("Bearer([redacted])"),
            Auth::Static(credentials) => credentials.fmt(f),
            Auth::Tokens(cache) => cache.fmt(f),
        }
    }
}

/// The per-request configuration a built client carries (progenitor's "inner" value).
#[derive(Clone)]
pub struct ClientConfig {
    pub(crate) auth: Auth,
    pub(crate) default_query: Vec<(&'static str, Secret)>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_response_bytes: u64,
    pub(crate) hooks: Hooks,
    /// Shared by clones, like the token cache: one pace for every copy of the client.
    pub(crate) pacer: Option<Arc<Pacer>>,
}

impl ClientConfig {
    /// The query parameters every request carries whose values are secret: a query API key and
    /// the client defaults.
    pub(crate) fn sent_secrets<'a>(&'a self, authorization: Option<&'a HeaderValue>) -> Vec<&'a str> {
        let token = authorization
            .and_then(|value| value.to_str().ok())
            .map(|value| value.strip_prefix("Bearer ").unwrap_or(value));
        token
            .into_iter()
            .chain(self.secret_query().map(|(_, secret)| secret.expose()))
            .filter(|secret| !secret.is_empty())
            .collect()
    }

    pub(crate) fn secret_query(&self) -> impl Iterator<Item = (&str, &Secret)> {
        let api_key = match &self.auth {
            Auth::Static(Credentials::QueryApiKey { parameter, key }) => Some((*parameter, key)),
            _ => None,
        };
        api_key
            .into_iter()
            .chain(self.default_query.iter().map(|(name, value)| (*name, value)))
    }

    /// The retry policy calls use unless they override it.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<&str> = self.default_query.iter().map(|(name, _)| *name).collect();
        f.debug_struct("ClientConfig")
            .field("auth", &self.auth)
            .field("default_query", &query)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("pacer", &self.pacer)
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
