//! Any `azure_core` [`TokenCredential`] (the `azure_identity` credentials: managed identity, Azure
//! CLI, workload identity, certificates) as a [`TokenProvider`].

use super::{AccessToken, AuthError, TokenContext, TokenFuture, TokenProvider};
use azure_core::credentials::TokenCredential;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// An `azure_core` credential asked for tokens of `scopes`.
#[derive(Clone)]
pub struct AzureCredential {
    credential: Arc<dyn TokenCredential>,
    scopes: Vec<String>,
}

impl AzureCredential {
    /// Asks `credential` for tokens of `scopes` (for Partner Center,
    /// `https://api.partnercenter.microsoft.com/.default`).
    pub fn new(credential: Arc<dyn TokenCredential>, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            credential,
            scopes: scopes.into_iter().map(Into::into).collect(),
        }
    }
}

impl TokenProvider for AzureCredential {
    fn fetch_token<'a>(&'a self, _context: &'a TokenContext) -> TokenFuture<'a> {
        Box::pin(async move {
            let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
            let token = self
                .credential
                .get_token(&scopes, None)
                .await
                .map_err(AuthError::provider)?;
            Ok(AccessToken::expiring_at(
                token.token.secret().to_string(),
                SystemTime::from(token.expires_on),
            ))
        })
    }

    fn kind(&self) -> &'static str {
        "azure_credential"
    }
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureCredential")
            .field("credential", &self.credential)
            .field("scopes", &self.scopes)
            .finish()
    }
}
