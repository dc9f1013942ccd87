//! How requests authenticate: static credentials from the spec's security schemes, and access
//! tokens from a [`TokenProvider`] kept fresh by a cache that every clone of a client shares.

#[cfg(feature = "azure")]
mod azure;
mod cache;
mod credentials;
#[cfg(feature = "oauth2")]
mod oauth2;
mod token;

#[cfg(feature = "azure")]
pub use azure::AzureCredential;
pub use cache::DEFAULT_RENEWAL_MARGIN;
pub(crate) use cache::TokenCache;
pub(crate) use credentials::redact_bytes;
pub use credentials::{Credentials, Secret};
#[cfg(feature = "oauth2")]
pub use oauth2::{Grant, OAuth2Credentials, OAuth2Endpoints, OAuth2Flow};
pub use token::{AccessToken, AuthError, TokenContext, TokenFuture, TokenProvider};
