//! Short, secret-free text from a response body, for error messages.

use serde_json::Value;

/// The most a message quotes from a body, in characters.
const MAX_CHARS: usize = 200;

/// Keys whose values are never quoted: a server that echoes a request may echo its credentials.
const SECRET_KEYS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "authorization",
    "api_key",
    "apikey",
    "key",
];

/// The error message a JSON error body carries: the first string found under `message`,
/// `error_description`, `detail`, `error` or `description`, at the top level or one object down
/// (`{"error": {"message": ..}}`).
pub(crate) fn message(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    find_message(&value, 0).map(|m| shorten(&redact_text(m)))
}

fn find_message(value: &Value, depth: usize) -> Option<&str> {
    let object = value.as_object()?;
    for key in ["message", "error_description", "detail", "error", "description"] {
        match object.get(key) {
            Some(Value::String(text)) if !text.trim().is_empty() => return Some(text),
            Some(inner @ Value::Object(_)) if depth == 0 => {
                if let Some(text) = find_message(inner, 1) {
                    return Some(text);
                }
            }
            _ => {}
        }
    }
    None
}

/// The start of a body as one line: JSON with the values of secret-looking keys replaced by
/// `***`, other text with bearer tokens and long token-like words replaced.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            redact_json(&mut value);
            value.to_string()
        }
        Err(_) => redact_text(&String::from_utf8_lossy(body)),
    };
    shorten(&text)
}

fn redact_json(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object.iter_mut() {
                let key = key.to_ascii_lowercase();
                if SECRET_KEYS.iter().any(|secret| key.contains(secret)) {
                    *inner = Value::String("***".into());
                } else {
                    redact_json(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::String(text) => *text = redact_text(text),
        _ => {}
    }
}

/// Replaces the word after `Bearer`, and words of 32 or more token characters (keys, JWTs).
fn redact_text(text: &str) -> String {
    let mut out = Vec::new();
    let mut after_bearer = false;
    for word in text.split_whitespace() {
        let token_like = word.len() >= 32 && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_.=+/".contains(c));
        if after_bearer || token_like {
            out.push("***");
        } else {
            out.push(word);
        }
        after_bearer = word.eq_ignore_ascii_case("bearer");
    }
    out.join(" ")
}

fn shorten(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_found_at_the_top_or_one_level_down() {
        assert_eq!(
            message(br#"{"message": "Record not found"}"#).as_deref(),
            Some("Record not found")
        );
        assert_eq!(
            message(br#"{"error": {"code": 1, "message": "quota"}}"#).as_deref(),
            Some("quota")
        );
        assert_eq!(message(br#"{"code": 3}"#), None);
        assert_eq!(message(b"not json"), None);
    }

    #[test]
    fn excerpts_remove_secrets_and_stop_at_the_limit() {
        assert_eq!(
            excerpt(br#"{"api_key": "sk-live-1", "note": "Bearer abc", "n": 1}"#),
            r#"{"api_key":"***","n":1,"note":"Bearer ***"}"#
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
        assert_eq!(excerpt(format!("denied for {jwt}\n").as_bytes()), "denied for ***");
        let long = "x ".repeat(300);
        assert_eq!(excerpt(long.as_bytes()).chars().count(), MAX_CHARS + 1);
    }
}
