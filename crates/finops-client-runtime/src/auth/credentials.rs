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

/// A secret a response carries (a field the spec marks `x-secret`, such as a SAS token) is read
/// as a JSON string, and written back as one: saving or forwarding the value is the caller's
/// explicit act; `Debug`, `Display` and logs still show `[redacted]`.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Secret {
    fn schema_name() -> String {
        "Secret".to_string()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        <String as schemars::JsonSchema>::json_schema(generator)
    }
}

/// The shortest form of a secret that is looked for: anything shorter is no secret worth the
/// damage of replacing it everywhere it appears.
const MIN_FORM_LEN: usize = 4;

/// Every form `secret` can take on the way out, for finding it where a server echoes it: as
/// written, percent-encoded and form-encoded (with either case of hex digit), and base64
/// (standard and URL-safe, padded or not). Empty for an empty secret.
pub(crate) fn encodings(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    if secret.is_empty() {
        return Vec::new();
    }
    let percent = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC).to_string();
    let form: String = serde_urlencoded::to_string([("", secret)])
        .map(|pair| pair.trim_start_matches('=').to_string())
        .unwrap_or_default();
    let mut forms = vec![secret.to_string()];
    for encoded in [percent, form] {
        let lower = lower_hex_escapes(&encoded);
        forms.push(encoded);
        forms.push(lower);
    }
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        forms.push(engine.encode(secret));
    }
    // Longest first, so a form is replaced whole before a shorter one inside it.
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms.dedup();
    // A form of a few characters (a one-letter test token) would be "found" in every message.
    forms.retain(|form| form.len() >= MIN_FORM_LEN);
    forms
}

/// `%7E` as `%7e`: servers and libraries differ in the case of the hex digits they write.
fn lower_hex_escapes(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut after_percent = 0;
    for c in encoded.chars() {
        if c == '%' {
            after_percent = 2;
            out.push(c);
        } else if after_percent > 0 {
            after_percent -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `bytes` with every form of each of `secrets` ([`encodings`]) replaced by `[redacted]`;
/// `None` when none is there.
pub(crate) fn redact_bytes(bytes: &[u8], secrets: &[&str]) -> Option<Vec<u8>> {
    let mut text: Option<Vec<u8>> = None;
    for secret in secrets {
        for form in encodings(secret) {
            let current = text.as_deref().unwrap_or(bytes);
            if let Some(replaced) = replace_all(current, form.as_bytes(), b"[redacted]") {
                text = Some(replaced);
            }
        }
    }
    text
}

/// [`redact_bytes`] of a text. A match of a UTF-8 needle in UTF-8 text starts and ends on
/// character boundaries, so the result is still UTF-8.
#[cfg_attr(not(feature = "oauth2"), allow(dead_code))]
pub(crate) fn redact(text: &str, secrets: &[&str]) -> Option<String> {
    redact_bytes(text.as_bytes(), secrets).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Option<Vec<u8>> {
    let first = haystack.windows(needle.len()).position(|window| window == needle)?;
    let mut out = Vec::with_capacity(haystack.len());
    out.extend_from_slice(&haystack[..first]);
    let mut rest = &haystack[first..];
    while !rest.is_empty() {
        if rest.starts_with(needle) {
            out.extend_from_slice(with);
            rest = &rest[needle.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    Some(out)
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
    ///
    /// An empty token or key (an environment variable set to nothing) is refused: it would be
    /// sent as `Authorization: Bearer ` and fail at the server, or stand in for other credentials.
    pub(crate) fn authorization(&self) -> Result<Option<HeaderValue>, String> {
        match self {
            Credentials::Bearer(token) if token.expose().trim().is_empty() => Err("the bearer token is empty".into()),
            Credentials::QueryApiKey { parameter, key } if key.expose().trim().is_empty() => {
                Err(format!("the API key (`{parameter}`) is empty"))
            }
            Credentials::Bearer(token) => bearer_header(token.expose()).map(Some),
            Credentials::QueryApiKey { .. } => Ok(None),
        }
    }
}

/// `Authorization: Bearer <token>`, marked sensitive; refused as any header value a server would
/// read differently (a control character, text outside ASCII, white space at either end), by
/// the rule every header value follows.
pub(crate) fn bearer_header(token: &str) -> Result<HeaderValue, String> {
    // The token is checked alone, so white space at its ends is not hidden behind `Bearer `.
    crate::outgoing::checked_header_value("Authorization", token)
        .map_err(|why| format!("the bearer token cannot be sent: {why}"))?;
    let mut value = HeaderValue::try_from(format!("Bearer {token}"))
        .map_err(|_| "the bearer token cannot be sent in a header".to_string())?;
    value.set_sensitive(true);
    Ok(value)
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

    #[test]
    fn every_encoding_of_a_secret_is_redacted() {
        let secret = "s3cr~t/+ key";
        let echoed = [
            "client_secret=s3cr%7Et%2F%2B+key&grant_type=client_credentials",
            "client_secret=s3cr%7et%2f%2b+key",
            "secret s3cr~t/+ key here",
            "s3cr%7Et%2F%2B%20key",
            "czNjcn50Lysga2V5",
            "czNjcn50Lysga2V5 and czNjcn50Lysga2V5",
        ];
        for text in echoed {
            let redacted = redact(text, &[secret]).unwrap_or_else(|| panic!("{text}: not found"));
            assert!(redacted.contains("[redacted]"), "{text}: {redacted}");
            for form in encodings(secret) {
                assert!(!redacted.contains(&form), "{text}: {redacted}");
            }
        }
        assert_eq!(redact("nothing here", &[secret]), None);
        assert_eq!(redact("nothing here", &[""]), None);
        assert_eq!(redact("a token t is not every t", &["t"]), None);
    }

    #[test]
    fn empty_credentials_are_refused() {
        for token in ["", " "] {
            assert_eq!(
                Credentials::Bearer(Secret::new(token)).authorization(),
                Err("the bearer token is empty".into())
            );
        }
        let key = Credentials::QueryApiKey {
            parameter: "api_key",
            key: Secret::new(""),
        };
        assert_eq!(key.authorization(), Err("the API key (`api_key`) is empty".into()));
    }
}
