//! OAuth2 credentials: the client credentials grant and the refresh token grant, sent with the
//! `oauth2` crate over the client's own HTTP client.

use super::{AccessToken, AuthError, Secret, TokenContext, TokenFuture, TokenProvider};
use crate::error::failure_kind;
use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{AuthType, ClientId, ClientSecret, RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl};
use reqwest::StatusCode;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::Instrument;

/// OAuth2 credentials that get access tokens from a token endpoint: an app's client credentials
/// (app-only), or a refresh token (app + user).
///
/// A generated client builder fills in what the spec declares (the token URL of the chosen server,
/// the scope); set them here for another endpoint. Clones share the refresh token: when the token
/// endpoint rotates it, [`Self::current_refresh_token`] on any clone gives the new one.
#[derive(Clone)]
pub struct OAuth2Credentials {
    grant: Grant,
    client_id: String,
    client_secret: Option<Secret>,
    token_url: Option<String>,
    scopes: Vec<String>,
    url_variables: Vec<(String, String)>,
    refresh: Arc<RefreshState>,
}

/// Which OAuth2 grant the credentials use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grant {
    /// `grant_type=client_credentials` (RFC 6749 §4.4).
    ClientCredentials,
    /// `grant_type=refresh_token` (RFC 6749 §6).
    RefreshToken,
}

/// What clones of one [`OAuth2Credentials`] share.
#[derive(Default)]
struct RefreshState {
    token: Mutex<Option<Secret>>,
    on_rotated: Mutex<Option<RotationCallback>>,
}

type RotationCallback = Arc<dyn Fn(&Secret) + Send + Sync>;

/// The token endpoint and scopes of each grant, from the spec; generated builders pass them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OAuth2Endpoints {
    /// The client credentials flow.
    pub client_credentials: Option<OAuth2Flow>,
    /// The flow whose refresh tokens the refresh token grant renews (authorization code).
    pub refresh_token: Option<OAuth2Flow>,
}

/// One flow of the spec's OAuth2 security scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OAuth2Flow {
    /// The token URL, with `{name}` for each variable (such as `{tenant}`).
    pub token_url: &'static str,
    /// The scopes requested unless the credentials name their own.
    pub scopes: &'static [&'static str],
}

impl OAuth2Credentials {
    /// The client credentials grant: `client_id` and `client_secret` of an app registration.
    pub fn client_credentials(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        Self::new(
            Grant::ClientCredentials,
            client_id.into(),
            Some(client_secret.into()),
            None,
        )
    }

    /// The refresh token grant: `refresh_token` from a user's sign-in, for app `client_id`. Add
    /// [`Self::client_secret`] for an app that has one (a web app).
    pub fn refresh_token(client_id: impl Into<String>, refresh_token: impl Into<Secret>) -> Self {
        Self::new(Grant::RefreshToken, client_id.into(), None, Some(refresh_token.into()))
    }

    fn new(grant: Grant, client_id: String, client_secret: Option<Secret>, refresh_token: Option<Secret>) -> Self {
        Self {
            grant,
            client_id,
            client_secret,
            token_url: None,
            scopes: Vec::new(),
            url_variables: Vec::new(),
            refresh: Arc::new(RefreshState {
                token: Mutex::new(refresh_token),
                on_rotated: Mutex::new(None),
            }),
        }
    }

    /// Authenticates the app with `client_secret` (sent in the request body).
    pub fn client_secret(mut self, client_secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(client_secret.into());
        self
    }

    /// Requests tokens from `token_url` instead of the spec's.
    pub fn token_url(mut self, token_url: impl Into<String>) -> Self {
        self.token_url = Some(token_url.into());
        self
    }

    /// Requests `scope`; the first call replaces the spec's scopes.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scopes.push(scope.into());
        self
    }

    /// The value of `{name}` in the token URL (such as the `tenant` of a Microsoft Entra ID URL).
    pub fn token_url_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.url_variables.retain(|(n, _)| *n != name);
        self.url_variables.push((name, value.into()));
        self
    }

    /// Calls `callback` with the new refresh token each time the token endpoint rotates it, so it
    /// can be stored for the next run. It runs on the task that made the call: keep it short.
    pub fn on_refresh_token_rotated(self, callback: impl Fn(&Secret) + Send + Sync + 'static) -> Self {
        *lock(&self.refresh.on_rotated) = Some(Arc::new(callback));
        self
    }

    /// The refresh token the next renewal will send: the one given, or the latest the token
    /// endpoint returned. `None` for the client credentials grant.
    pub fn current_refresh_token(&self) -> Option<Secret> {
        lock(&self.refresh.token).clone()
    }

    /// The grant these credentials use.
    pub fn grant(&self) -> Grant {
        self.grant
    }

    /// The provider the client uses: the token URL and scopes resolved against the spec's
    /// `endpoints`, with the scheme, host and port of `authority` if given.
    pub(crate) fn resolve(
        &self,
        endpoints: Option<&OAuth2Endpoints>,
        authority: Option<&str>,
    ) -> Result<OAuth2Provider, String> {
        let flow = endpoints.and_then(|e| match self.grant {
            Grant::ClientCredentials => e.client_credentials,
            Grant::RefreshToken => e.refresh_token,
        });
        let template = match (&self.token_url, &flow) {
            (Some(url), _) => url.as_str(),
            (None, Some(flow)) => flow.token_url,
            (None, None) => {
                return Err(
                    "the OAuth2 credentials have no token URL; set one with `OAuth2Credentials::token_url`".into(),
                );
            }
        };
        let filled = fill_variables(template, &self.url_variables)?;
        let mut url =
            reqwest::Url::parse(&filled).map_err(|e| format!("the token URL `{filled}` is not a URL: {e}"))?;
        if let Some(authority) = authority {
            url = with_authority(&url, authority)?;
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("the token URL `{url}` must start with http:// or https://"));
        }
        let scopes = if !self.scopes.is_empty() {
            self.scopes.clone()
        } else {
            flow.map(|f| f.scopes.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default()
        };
        if self.grant == Grant::ClientCredentials && self.client_secret.is_none() {
            return Err("the client credentials grant needs a client secret".into());
        }
        // An empty value (an environment variable set to nothing) is a missing one, never a
        // credential to send.
        if self.client_id.is_empty() {
            return Err("the OAuth2 client id is empty".into());
        }
        if self.client_secret.as_ref().is_some_and(|s| s.expose().is_empty()) {
            return Err("the OAuth2 client secret is empty".into());
        }
        if self.grant == Grant::RefreshToken && self.current_refresh_token().is_none_or(|t| t.expose().is_empty()) {
            return Err("the OAuth2 refresh token is empty".into());
        }
        Ok(OAuth2Provider {
            credentials: self.clone(),
            token_url: TokenUrl::from_url(url),
            scopes,
        })
    }
}

impl fmt::Debug for OAuth2Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Credentials")
            .field("grant", &self.grant)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("token_url", &self.token_url)
            .field("scopes", &self.scopes)
            .field("refresh_token", &self.current_refresh_token())
            .finish()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `template` with each `{name}` replaced by its value, percent-encoded as a path segment.
fn fill_variables(template: &str, variables: &[(String, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("the token URL `{template}` has an unclosed `{{`"))?;
        let name = &rest[open + 1..open + close];
        let (_, value) = variables
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| format!("the token URL `{template}` needs a value for `{{{name}}}`"))?;
        if value.is_empty() {
            return Err(format!("the token URL variable `{name}` is empty"));
        }
        out.extend(percent_encoding::utf8_percent_encode(
            value,
            crate::outgoing::PATH_SEGMENT,
        ));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `url` sent to `authority` (scheme, host, port and an optional path prefix) instead.
fn with_authority(url: &reqwest::Url, authority: &str) -> Result<reqwest::Url, String> {
    let base =
        reqwest::Url::parse(authority).map_err(|e| format!("the token authority `{authority}` is not a URL: {e}"))?;
    if base.query().is_some() || base.fragment().is_some() || !base.username().is_empty() {
        return Err(format!(
            "the token authority `{}` must be a scheme, host and port (and a path) only",
            base.origin().ascii_serialization()
        ));
    }
    let mut joined = format!("{}{}", base.as_str().trim_end_matches('/'), url.path());
    if let Some(query) = url.query() {
        joined.push('?');
        joined.push_str(query);
    }
    reqwest::Url::parse(&joined).map_err(|e| format!("the token URL `{joined}` is not a URL: {e}"))
}

/// [`OAuth2Credentials`] resolved against the spec: what the token cache asks for tokens.
pub(crate) struct OAuth2Provider {
    credentials: OAuth2Credentials,
    token_url: TokenUrl,
    scopes: Vec<String>,
}

/// The largest token response read; real ones are a few kilobytes.
const MAX_TOKEN_RESPONSE_BYTES: usize = 256 << 10;
/// Token requests per renewal: one, and two more after no response, a 429 or a 5xx.
const TOKEN_ATTEMPTS: u32 = 3;

impl TokenProvider for OAuth2Provider {
    fn fetch_token<'a>(&'a self, context: &'a TokenContext) -> TokenFuture<'a> {
        Box::pin(async move {
            let mut attempt = 1;
            loop {
                match self.request(context).await {
                    Err(error) if attempt < TOKEN_ATTEMPTS && transient(&error) => {
                        tokio::time::sleep(Duration::from_millis(500) * attempt).await;
                        attempt += 1;
                    }
                    result => return result,
                }
            }
        })
    }

    fn kind(&self) -> &'static str {
        match self.credentials.grant {
            Grant::ClientCredentials => "oauth2_client_credentials",
            Grant::RefreshToken => "oauth2_refresh_token",
        }
    }
}

fn transient(error: &AuthError) -> bool {
    error.is_no_response()
        || error
            .status()
            .is_some_and(|s| s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error())
}

impl OAuth2Provider {
    /// One token request.
    async fn request(&self, context: &TokenContext) -> Result<AccessToken, AuthError> {
        let credentials = &self.credentials;
        let mut client = BasicClient::new(ClientId::new(credentials.client_id.clone()))
            .set_token_uri(self.token_url.clone())
            .set_auth_type(AuthType::RequestBody);
        if let Some(secret) = &credentials.client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
        }
        let scopes = self.scopes.iter().map(|s| Scope::new(s.clone()));
        let send = TokenHttp {
            http: context.http.clone(),
            timeout: context.timeout,
            status: Arc::new(Mutex::new(None)),
        };
        let sent_refresh_token = credentials.current_refresh_token();
        let result: Result<BasicTokenResponse, _> = match credentials.grant {
            Grant::ClientCredentials => {
                client
                    .exchange_client_credentials()
                    .add_scopes(scopes)
                    .request_async(&send)
                    .await
            }
            Grant::RefreshToken => {
                let Some(refresh_token) = &sent_refresh_token else {
                    return Err(AuthError::invalid("the refresh token grant has no refresh token"));
                };
                let refresh_token = RefreshToken::new(refresh_token.expose().to_string());
                client
                    .exchange_refresh_token(&refresh_token)
                    .add_scopes(scopes)
                    .request_async(&send)
                    .await
            }
        };
        let status = lock(&send.status).unwrap_or(StatusCode::OK);
        let secrets: Vec<&str> = [credentials.client_secret.as_ref(), sent_refresh_token.as_ref()]
            .into_iter()
            .flatten()
            .map(Secret::expose)
            .collect();
        let response = result.map_err(|e| token_error(e, status).without(&secrets))?;
        if let Some(rotated) = response.refresh_token()
            && sent_refresh_token
                .as_ref()
                .is_some_and(|sent| sent.expose() != rotated.secret())
        {
            let rotated = Secret::new(rotated.secret().clone());
            *lock(&credentials.refresh.token) = Some(rotated.clone());
            let callback = lock(&credentials.refresh.on_rotated).clone();
            if let Some(callback) = callback {
                callback(&rotated);
            }
        }
        let token = Secret::new(response.access_token().secret().clone());
        Ok(match response.expires_in() {
            Some(expires_in) => AccessToken::new(token, expires_in),
            None => AccessToken::without_expiry(token),
        })
    }
}

/// Why a token request got no usable response, before the `oauth2` crate looked at it.
#[derive(Debug)]
enum TokenHttpError {
    NoResponse(&'static str),
    TooLarge,
}

impl fmt::Display for TokenHttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenHttpError::NoResponse(why) => f.write_str(why),
            TokenHttpError::TooLarge => write!(f, "the response is longer than {MAX_TOKEN_RESPONSE_BYTES} bytes"),
        }
    }
}

impl std::error::Error for TokenHttpError {}

/// The `oauth2` crate's HTTP client: ours, recording the status of the last response (the crate's
/// errors do not keep it).
struct TokenHttp {
    http: reqwest::Client,
    timeout: Option<Duration>,
    status: Arc<Mutex<Option<StatusCode>>>,
}

impl<'c> oauth2::AsyncHttpClient<'c> for TokenHttp {
    type Error = TokenHttpError;
    type Future = Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, TokenHttpError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(send_token_request(&self.http, self.timeout, request, &self.status))
    }
}

/// Sends one token request in its own span and reads the response, at most
/// [`MAX_TOKEN_RESPONSE_BYTES`]. The span has the URL, never the body (which holds the secrets).
async fn send_token_request(
    http: &reqwest::Client,
    timeout: Option<Duration>,
    request: oauth2::HttpRequest,
    status_slot: &Mutex<Option<StatusCode>>,
) -> Result<oauth2::HttpResponse, TokenHttpError> {
    let mut request = reqwest::Request::try_from(request).map_err(|_| TokenHttpError::NoResponse("invalid request"))?;
    *request.timeout_mut() = timeout;
    let url = request.url();
    let span = tracing::info_span!(
        "finops_token_request",
        otel.kind = "client",
        http.request.method = "POST",
        url.full = url.as_str(),
        server.address = url.host_str().unwrap_or_default(),
        server.port = url.port_or_known_default().unwrap_or_default(),
        http.response.status_code = tracing::field::Empty,
        error.type = tracing::field::Empty,
    );
    let read = async {
        let fail = |error: reqwest::Error| {
            let kind = failure_kind(&error);
            span.record("error.type", kind);
            TokenHttpError::NoResponse(kind)
        };
        let mut response = http.execute(request).await.map_err(fail)?;
        let status = response.status();
        span.record("http.response.status_code", status.as_u16());
        if status.is_client_error() || status.is_server_error() {
            span.record("error.type", status.as_str());
        }
        *lock(status_slot) = Some(status);
        let mut builder = http::Response::builder().status(status);
        if let Some(headers) = builder.headers_mut() {
            *headers = std::mem::take(response.headers_mut());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fail)? {
            if body.len() + chunk.len() > MAX_TOKEN_RESPONSE_BYTES {
                span.record("error.type", "response_too_large");
                return Err(TokenHttpError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        builder
            .body(body)
            .map_err(|_| TokenHttpError::NoResponse("invalid response"))
    };
    read.instrument(span.clone()).await
}

/// The `oauth2` crate's error as an [`AuthError`], without the response body (a malformed
/// success body may hold a token).
fn token_error(error: RequestTokenError<TokenHttpError, BasicErrorResponse>, status: StatusCode) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(response) => AuthError::refused(
            status,
            response.error().to_string(),
            response.error_description().cloned(),
        ),
        RequestTokenError::Request(TokenHttpError::NoResponse(why)) => AuthError::no_response(why),
        RequestTokenError::Request(TokenHttpError::TooLarge) => AuthError::unreadable(
            status,
            format!("the response is longer than {MAX_TOKEN_RESPONSE_BYTES} bytes"),
        ),
        RequestTokenError::Parse(error, _) => AuthError::unreadable(
            status,
            format!("the body is not an OAuth2 token response (at `{}`)", error.path()),
        ),
        RequestTokenError::Other(why) => AuthError::unreadable(status, why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_fill_the_token_url_and_the_authority_replaces_its_host() {
        let endpoints = OAuth2Endpoints {
            client_credentials: Some(OAuth2Flow {
                token_url: "https://login.example.com/{tenant}/oauth2/v2.0/token",
                scopes: &["https://api.example.com/.default"],
            }),
            refresh_token: None,
        };
        let credentials = OAuth2Credentials::client_credentials("app", "s3cret").token_url_variable("tenant", "a b/c");
        let provider = credentials.resolve(Some(&endpoints), None).unwrap();
        assert_eq!(
            provider.token_url.as_str(),
            "https://login.example.com/a%20b%2Fc/oauth2/v2.0/token"
        );
        assert_eq!(provider.scopes, ["https://api.example.com/.default"]);
        let provider = credentials
            .clone()
            .scope("custom")
            .resolve(Some(&endpoints), Some("http://127.0.0.1:9/prefix/"))
            .unwrap();
        assert_eq!(
            provider.token_url.as_str(),
            "http://127.0.0.1:9/prefix/a%20b%2Fc/oauth2/v2.0/token"
        );
        assert_eq!(provider.scopes, ["custom"]);
    }

    #[test]
    fn what_cannot_be_resolved_is_named() {
        let endpoints = OAuth2Endpoints {
            client_credentials: Some(OAuth2Flow {
                token_url: "https://login.example.com/{tenant}/token",
                scopes: &[],
            }),
            refresh_token: None,
        };
        let err = OAuth2Credentials::client_credentials("app", "s")
            .resolve(Some(&endpoints), None)
            .err()
            .unwrap();
        assert_eq!(
            err,
            "the token URL `https://login.example.com/{tenant}/token` needs a value for `{tenant}`"
        );
        let err = OAuth2Credentials::refresh_token("app", "rt")
            .resolve(Some(&endpoints), None)
            .err()
            .unwrap();
        assert!(err.contains("no token URL"), "{err}");
        let err = OAuth2Credentials::client_credentials("app", "s")
            .token_url("https://login.example.com/t")
            .resolve(None, Some("https://u:pw@proxy.example.com"))
            .err()
            .unwrap();
        assert!(err.contains("scheme, host and port") && !err.contains("pw"), "{err}");
    }

    #[test]
    fn debug_hides_the_secrets() {
        let credentials = OAuth2Credentials::refresh_token("app", "rt-secret").client_secret("cs-secret");
        let debug = format!("{credentials:?}");
        assert!(!debug.contains("rt-secret") && !debug.contains("cs-secret"), "{debug}");
        assert!(debug.contains("\"app\""), "{debug}");
    }
}
