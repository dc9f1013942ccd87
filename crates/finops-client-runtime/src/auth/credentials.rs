//! Credentials and the secret strings inside them.

use reqwest::header::HeaderValue;
use std::fmt;

/// A token or API key. Its `Debug` and `Display` print `[redacted]`; only [`Secret::expose`]
/// gives the value back.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Call it only where the value is sent, never where it could be logged.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How requests authenticate, as declared by the spec's security schemes.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// `Authorization: Bearer <token>` (an HTTP `bearer` security scheme).
    Bearer(Secret),
    /// An API key sent as a query parameter (an `apiKey` scheme with `in: query`).
    QueryApiKey {
        /// The query parameter's name, from the spec.
        parameter: &'static str,
        /// The key.
        key: Secret,
    },
}

impl Credentials {
    /// The `Authorization` header value, marked sensitive so `http` and `reqwest` never print it.
    pub(crate) fn authorization(&self) -> Result<Option<HeaderValue>, String> {
        match self {
            Credentials::Bearer(token) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| "the bearer token contains characters that cannot be sent in a header".to_string())?;
                value.set_sensitive(true);
                Ok(Some(value))
            }
            Credentials::QueryApiKey { .. } => Ok(None),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Bearer(_) => f.write_str("Bearer([redacted])"),
            Credentials::QueryApiKey { parameter, .. } => write!(f, "QueryApiKey({parameter}=[redacted])"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let bearer = Credentials::Bearer(Secret::new("tok-123"));
        let key = Credentials::QueryApiKey {
            parameter: "api_key",
            key: Secret::new("key-456"),
        };
        assert_eq!(format!("{bearer:?}"), "Bearer([redacted])");
        assert_eq!(format!("{key:?}"), "QueryApiKey(api_key=[redacted])");
        assert_eq!(format!("{}", Secret::new("x")), "[redacted]");
        let header = bearer.authorization().unwrap().unwrap();
        assert!(header.is_sensitive());
        assert_eq!(format!("{header:?}"), "Sensitive");
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_an_error() {
        let bad = Credentials::Bearer(Secret::new("line\nbreak"));
        assert!(bad.authorization().is_err());
    }
}
