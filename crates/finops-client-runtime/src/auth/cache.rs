//! The token cache in front of every [`TokenProvider`]: one token shared by all calls of a client
//! (and its clones), renewed ahead of its expiry, one token request at a time.

use super::{AccessToken, AuthError, TokenContext, TokenProvider};
use reqwest::header::HeaderValue;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::time::Instant;
use tracing::Instrument;

/// How long before its expiry a token is renewed unless set otherwise: 5 minutes, as the Azure
/// SDKs do. A token that lives less than twice this is renewed at half its lifetime.
pub const DEFAULT_RENEWAL_MARGIN: Duration = Duration::from_secs(300);

/// The token a request carries: its header and which fetch it came from, so a 401 drops that
/// token and not a newer one.
#[derive(Clone)]
pub(crate) struct IssuedToken {
    pub(crate) authorization: HeaderValue,
    pub(crate) generation: u64,
}

struct Cached {
    issued: IssuedToken,
    /// When to stop handing the token out; `None`: until it is refused.
    renew_at: Option<Instant>,
}

pub(crate) struct TokenCache {
    provider: Arc<dyn TokenProvider>,
    context: TokenContext,
    margin: Duration,
    current: RwLock<Option<Cached>>,
    /// Held while a token is requested; calls that find no valid token queue on it. It holds the
    /// error of the last token request, for the calls that waited for it.
    fetch: tokio::sync::Mutex<Option<AuthError>>,
    /// How many token requests have ended; a call that waited sees whether one ended meanwhile.
    fetches: AtomicU64,
}

impl TokenCache {
    pub(crate) fn new(provider: Arc<dyn TokenProvider>, context: TokenContext, margin: Duration) -> Self {
        Self {
            provider,
            context,
            margin,
            current: RwLock::new(None),
            fetch: tokio::sync::Mutex::new(None),
            fetches: AtomicU64::new(0),
        }
    }

    /// A valid token: the cached one, or a new one from the provider.
    ///
    /// Calls that find the token stale while another call is fetching wait for that fetch and
    /// share its result, token or error, so any number of them cause one token request.
    pub(crate) async fn token(&self) -> Result<IssuedToken, AuthError> {
        if let Some(issued) = self.valid() {
            return Ok(issued);
        }
        let fetches_before = self.fetches.load(Ordering::Acquire);
        let mut last_error = self.fetch.lock().await;
        if let Some(issued) = self.valid() {
            return Ok(issued);
        }
        if self.fetches.load(Ordering::Acquire) != fetches_before
            && let Some(error) = &*last_error
        {
            return Err(error.clone());
        }
        let span = tracing::info_span!(
            "finops_token",
            token.provider = self.provider.kind(),
            error.type = tracing::field::Empty,
        );
        let fetched = self.provider.fetch_token(&self.context).instrument(span.clone()).await;
        let result = fetched.and_then(|token| self.store(token));
        if let Err(error) = &result {
            span.record("error.type", error.kind_name());
        }
        *last_error = result.as_ref().err().cloned();
        self.fetches.fetch_add(1, Ordering::AcqRel);
        result
    }

    /// Drops the token of `generation` after a 401 answered it; a newer token is kept.
    pub(crate) fn refused(&self, generation: u64) {
        let mut current = self.current.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.as_ref().is_some_and(|c| c.issued.generation == generation) {
            *current = None;
        }
    }

    fn valid(&self) -> Option<IssuedToken> {
        let current = self.current.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        let cached = current.as_ref()?;
        match cached.renew_at {
            Some(renew_at) if Instant::now() >= renew_at => None,
            _ => Some(cached.issued.clone()),
        }
    }

    fn store(&self, token: AccessToken) -> Result<IssuedToken, AuthError> {
        if token.token.expose().trim().is_empty() {
            return Err(AuthError::invalid("the token provider gave an empty access token"));
        }
        let authorization = super::credentials::bearer_header(token.token.expose()).map_err(AuthError::invalid)?;
        // `lifetime` is the server's `expires_in`, any number: the sum saturates.
        let renew_at = token.lifetime.map(|(received, lifetime)| {
            let margin = self.margin.min(lifetime / 2);
            crate::server_time::later(received, lifetime - margin)
        });
        let mut current = self.current.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Stored under the fetch lock, so no two tokens share a generation.
        let generation = self.fetches.load(Ordering::Acquire) + 1;
        let issued = IssuedToken {
            authorization,
            generation,
        };
        *current = Some(Cached {
            issued: issued.clone(),
            renew_at,
        });
        Ok(issued)
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("provider", &self.provider.kind())
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}
