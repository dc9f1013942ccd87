//! Access tokens, the providers that make them, and why a token could not be had.

use super::Secret;
use reqwest::StatusCode;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// An access token and when it stops being valid.
#[derive(Clone)]
pub struct AccessToken {
    pub(crate) token: Secret,
    /// When the token was received and how long it lives; `None`: until the server refuses it.
    pub(crate) lifetime: Option<(Instant, Duration)>,
}

impl AccessToken {
    /// A token that expires `expires_in` from now (an OAuth2 `expires_in`).
    pub fn new(token: impl Into<Secret>, expires_in: Duration) -> Self {
        Self {
            token: token.into(),
            lifetime: Some((Instant::now(), expires_in)),
        }
    }

    /// A token that expires at `expires_at` (a wall-clock time, such as a JWT's `exp`); one in
    /// the past is already expired.
    pub fn expiring_at(token: impl Into<Secret>, expires_at: SystemTime) -> Self {
        let expires_in = expires_at.duration_since(SystemTime::now()).unwrap_or_default();
        Self::new(token, expires_in)
    }

    /// A token with no known expiry: it is used until a call is answered 401.
    pub fn without_expiry(token: impl Into<Secret>) -> Self {
        Self {
            token: token.into(),
            lifetime: None,
        }
    }

    /// The token.
    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// How long the token has left, if its expiry is known.
    pub fn expires_in(&self) -> Option<Duration> {
        self.lifetime.map(|(received, lifetime)| {
            crate::server_time::later(received, lifetime).saturating_duration_since(Instant::now())
        })
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &self.token)
            .field("expires_in", &self.expires_in())
            .finish()
    }
}

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, AuthError>> + Send + 'a>>;

/// Where access tokens come from. The client asks for a new one only when the one it holds is
/// about to expire or was refused with a 401, and never two requests at once (see
/// `ClientBuilder::token_provider` of a generated crate).
///
/// Shipped providers: [`OAuth2Credentials`](crate::OAuth2Credentials) (client credentials, refresh
/// token), `AzureCredential` (feature `azure`), and any closure returning a future of
/// `Result<AccessToken, AuthError>`:
///
/// ```
/// use finops_client_runtime::{AccessToken, AuthError, TokenProvider};
/// use std::time::Duration;
///
/// async fn from_vault() -> Result<String, std::io::Error> {
///     Ok("token-from-a-vault".into())
/// }
///
/// let provider = || async {
///     let token = from_vault().await.map_err(AuthError::provider)?;
///     Ok(AccessToken::new(token, Duration::from_secs(3600)))
/// };
/// fn takes(_: impl TokenProvider) {}
/// takes(provider);
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// Gets a new token. `context` has the client's HTTP client and time limit, for providers
    /// that call a token endpoint (the client's proxy and TLS settings then apply to them too).
    fn fetch_token<'a>(&'a self, context: &'a TokenContext) -> TokenFuture<'a>;

    /// A short name for the `tracing` span of a token request, e.g. `oauth2_client_credentials`.
    fn kind(&self) -> &'static str {
        "custom"
    }
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AccessToken, AuthError>> + Send + 'static,
{
    fn fetch_token<'a>(&'a self, _context: &'a TokenContext) -> TokenFuture<'a> {
        Box::pin(self())
    }
}

/// What a [`TokenProvider`] may use to request a token.
#[derive(Debug, Clone)]
pub struct TokenContext {
    pub(crate) http: reqwest::Client,
    pub(crate) timeout: Option<Duration>,
}

impl TokenContext {
    /// The client's HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The client's time limit per attempt, to apply to each token request; `None` for none.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }
}

/// Why no access token could be had. Its message carries what the token endpoint said (OAuth2
/// `error` and `error_description`), never a secret.
#[derive(Clone)]
pub struct AuthError {
    kind: AuthErrorKind,
}

#[derive(Clone)]
// Only the OAuth2 endpoints' errors are built without the `oauth2` feature's token requests.
#[cfg_attr(not(feature = "oauth2"), allow(dead_code))]
enum AuthErrorKind {
    /// The token endpoint answered with an OAuth2 error.
    Refused {
        status: StatusCode,
        error: String,
        description: Option<String>,
    },
    /// The token endpoint answered something that is neither a token nor an OAuth2 error.
    Unreadable { status: StatusCode, why: String },
    /// The token request got no response.
    NoResponse { why: &'static str },
    /// The credentials cannot be used as given (a token URL that is not a URL, a token that
    /// cannot be sent in a header).
    Invalid(String),
    /// A caller's provider failed.
    Provider(Arc<dyn std::error::Error + Send + Sync>),
}

impl AuthError {
    /// A caller's provider failed because of `source`.
    pub fn provider(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            kind: AuthErrorKind::Provider(Arc::from(source.into())),
        }
    }

    #[cfg_attr(not(feature = "oauth2"), allow(dead_code))]
    pub(crate) fn refused(status: StatusCode, error: String, description: Option<String>) -> Self {
        Self {
            kind: AuthErrorKind::Refused {
                status,
                error,
                description,
            },
        }
    }

    #[cfg_attr(not(feature = "oauth2"), allow(dead_code))]
    pub(crate) fn unreadable(status: StatusCode, why: impl Into<String>) -> Self {
        Self {
            kind: AuthErrorKind::Unreadable {
                status,
                why: why.into(),
            },
        }
    }

    #[cfg_attr(not(feature = "oauth2"), allow(dead_code))]
    pub(crate) fn no_response(why: &'static str) -> Self {
        Self {
            kind: AuthErrorKind::NoResponse { why },
        }
    }

    pub(crate) fn invalid(why: impl Into<String>) -> Self {
        Self {
            kind: AuthErrorKind::Invalid(why.into()),
        }
    }

    /// The OAuth2 `error` code the token endpoint answered, e.g. `invalid_client`.
    pub fn error_code(&self) -> Option<&str> {
        match &self.kind {
            AuthErrorKind::Refused { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The token endpoint's `error_description`.
    pub fn description(&self) -> Option<&str> {
        match &self.kind {
            AuthErrorKind::Refused { description, .. } => description.as_deref(),
            _ => None,
        }
    }

    /// The token endpoint's HTTP status, if it answered.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.kind {
            AuthErrorKind::Refused { status, .. } | AuthErrorKind::Unreadable { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The token request got no response (a timeout or a failed connection); trying again later
    /// may succeed.
    pub fn is_no_response(&self) -> bool {
        matches!(self.kind, AuthErrorKind::NoResponse { .. })
    }

    /// A short, secret-free name for the `error.type` tracing field.
    pub(crate) fn kind_name(&self) -> &'static str {
        match &self.kind {
            AuthErrorKind::Refused { .. } => "token_refused",
            AuthErrorKind::Unreadable { .. } => "token_response_unreadable",
            AuthErrorKind::NoResponse { .. } => "token_no_response",
            AuthErrorKind::Invalid(_) => "token_invalid",
            AuthErrorKind::Provider(_) => "token_provider",
        }
    }

    /// The same error with every form of `secrets` in what the server said replaced: a token
    /// endpoint may echo what it was sent, form-encoded or not.
    #[cfg_attr(not(feature = "oauth2"), allow(dead_code))]
    pub(crate) fn without(mut self, secrets: &[&str]) -> Self {
        let scrub = |text: &mut String| {
            if let Some(redacted) = super::credentials::redact(text, secrets) {
                *text = redacted;
            }
        };
        match &mut self.kind {
            AuthErrorKind::Refused { error, description, .. } => {
                scrub(error);
                if let Some(description) = description {
                    scrub(description);
                }
            }
            AuthErrorKind::Unreadable { why, .. } => scrub(why),
            _ => {}
        }
        self
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            AuthErrorKind::Refused {
                status,
                error,
                description: Some(description),
            } => write!(
                f,
                "the token endpoint refused the request ({status}): {error}: {description}"
            ),
            AuthErrorKind::Refused { status, error, .. } => {
                write!(f, "the token endpoint refused the request ({status}): {error}")
            }
            AuthErrorKind::Unreadable { status, why } => {
                write!(f, "the token endpoint answered {status} with no usable token: {why}")
            }
            AuthErrorKind::NoResponse { why } => write!(f, "the token request got no response: {why}"),
            AuthErrorKind::Invalid(why) => write!(f, "the credentials cannot be used: {why}"),
            AuthErrorKind::Provider(source) => write!(f, "the token provider failed: {source}"),
        }
    }
}

impl fmt::Debug for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthError({self})")
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            AuthErrorKind::Provider(source) => Some(&**source),
            _ => None,
        }
    }
}
