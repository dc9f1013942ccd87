//! Caller values turned into the parts of a request: path segments, header values, JSON bodies
//! and query strings. Generated request code calls these in place of progenitor's helpers.
//!
//! Each one refuses a value that cannot be sent as the caller meant it, before anything is sent:
//! a path segment that would address another resource, a header value that a server would read
//! differently, a float that JSON cannot carry. The refusal is
//! [`Error::InvalidRequest`](crate::Error::InvalidRequest), naming the parameter or field.

use crate::finite;
use progenitor_client::Error as SendError;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::Serialize;

/// The error type of generated request code, whose responses are all decoded later. It is large
/// (hence the `result_large_err` allowances), but it is what the `?` in that code converts into,
/// and it is built only when a value is refused.
type SendResult<T> = Result<T, SendError<()>>;

/// Characters percent-encoded in a path segment: the WHATWG path-segment set (controls, space,
/// `"#<>?`{}`, `/`), `%` so that no caller text is read as an escape, and `\`, which URL parsers
/// treat as `/` in `http` and `https` URLs.
pub(crate) const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'\\')
    .add(b'%');

/// The path parameter `name`'s `value`, percent-encoded as one path segment.
///
/// An empty value, `.` and `..` are refused: URL parsers and servers collapse them (`.` and `..`
/// are dot segments; `/users//` often becomes `/users/`), so the request would address the
/// collection or a parent resource instead of the one named.
#[allow(clippy::result_large_err)]
pub fn path_segment(name: &str, value: &str) -> SendResult<String> {
    match value {
        "" => Err(invalid(format!("the path parameter `{name}` is empty"))),
        "." | ".." => Err(invalid(format!(
            "the path parameter `{name}` is `{value}`, which URLs treat as a relative path, not a name"
        ))),
        _ => Ok(percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()),
    }
}

/// The header parameter `name`'s `value` as a header value.
///
/// Refused: control characters (a line break would end the header), characters outside ASCII
/// (HTTP has no agreed encoding for them: servers read the bytes as Latin-1 or reject them), and
/// leading or trailing spaces, which HTTP strips.
#[allow(clippy::result_large_err)]
pub fn header_value(name: &str, value: String) -> SendResult<HeaderValue> {
    checked_header_value(name, &value).map_err(invalid)
}

/// [`header_value`]'s check, with the reason as text.
pub(crate) fn checked_header_value(name: &str, value: &str) -> Result<HeaderValue, String> {
    let problem = if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        Some("holds a control character")
    } else if !value.is_ascii() {
        Some("holds characters outside ASCII, which HTTP headers cannot carry reliably")
    } else if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
        Some("starts or ends with white space, which HTTP removes")
    } else {
        None
    };
    if let Some(problem) = problem {
        return Err(format!("the value of the header `{name}` {problem}"));
    }
    HeaderValue::try_from(value).map_err(|e| format!("the value of the header `{name}`: {e}"))
}

/// `request` with `body` as its JSON body (as `RequestBuilder::json`), unless the body holds a
/// float JSON cannot carry: serde_json would send `null` for it.
#[allow(clippy::result_large_err)]
pub fn json<T: Serialize + ?Sized>(request: reqwest::RequestBuilder, body: &T) -> SendResult<reqwest::RequestBuilder> {
    finite::check(body).map_err(|e| invalid(format!("the request body cannot be sent: {e}")))?;
    let bytes = serde_json::to_vec(body).map_err(|e| invalid(format!("the request body cannot be sent: {e}")))?;
    Ok(request
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .body(bytes))
}

/// Adds `params` to the request's query string; generated code calls it in place of
/// [`reqwest::RequestBuilder::query`].
///
/// A float that is not finite is refused (it would be sent as `NaN` or `inf`). An unset optional
/// parameter serializes to nothing, and then the URL is left as it is: `RequestBuilder::query`
/// takes the URL apart and puts it back together even for no pairs, a cost every call of an
/// operation with optional parameters would pay.
#[allow(clippy::result_large_err)]
pub fn query<T: Serialize + ?Sized>(
    request: reqwest::RequestBuilder,
    params: &T,
) -> SendResult<reqwest::RequestBuilder> {
    finite::check(params).map_err(|e| invalid(format!("a query parameter cannot be sent: {e}")))?;
    match serde_urlencoded::to_string(params) {
        Ok(pairs) if pairs.is_empty() => Ok(request),
        Ok(_) => Ok(request.query(params)),
        Err(e) => Err(invalid(format!("a query parameter cannot be sent: {e}"))),
    }
}

/// `value` as a JSON value, or why it cannot be sent: the same refusal as [`json`], for code that
/// builds a body piece by piece (a command-line tool's flags) before it has the body's type.
/// serde_json's own `to_value` turns NaN and ±infinity into `null`.
pub fn json_value<T: Serialize + ?Sized>(value: &T) -> Result<serde_json::Value, String> {
    finite::check(value).map_err(|e| e.to_string())?;
    serde_json::to_value(value).map_err(|e| e.to_string())
}

fn invalid(message: String) -> SendError<()> {
    SendError::InvalidRequest(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use progenitor_client::QueryParam;

    fn message(error: SendError<()>) -> String {
        match error {
            SendError::InvalidRequest(message) => message,
            other => panic!("not an invalid request: {other:?}"),
        }
    }

    #[test]
    fn path_segments_that_would_move_the_request_are_refused() {
        for value in ["", ".", ".."] {
            let error = message(path_segment("id", value).unwrap_err());
            assert!(error.starts_with("the path parameter `id`"), "{error}");
        }
        assert_eq!(path_segment("id", "...").unwrap(), "...");
        assert_eq!(path_segment("id", ".a").unwrap(), ".a");
        assert_eq!(path_segment("id", "a/../b").unwrap(), "a%2F..%2Fb");
        assert_eq!(path_segment("id", r"..\x").unwrap(), "..%5Cx");
        assert_eq!(path_segment("id", "%2e%2E").unwrap(), "%252e%252E");
        assert_eq!(path_segment("id", "a b?c#d").unwrap(), "a%20b%3Fc%23d");
        assert_eq!(path_segment("id", "café").unwrap(), "caf%C3%A9");
    }

    #[test]
    fn header_values_a_server_would_read_differently_are_refused() {
        assert_eq!(header_value("X", "a b".into()).unwrap(), "a b");
        for (value, problem) in [
            ("a\r\nb", "control character"),
            ("a\0", "control character"),
            ("café", "outside ASCII"),
            (" a", "white space"),
            ("a\t", "white space"),
        ] {
            let error = message(header_value("X-Locale", value.into()).unwrap_err());
            assert!(error.starts_with("the value of the header `X-Locale`"), "{error}");
            assert!(error.contains(problem), "{value:?}: {error}");
        }
    }

    fn url(request: reqwest::RequestBuilder) -> String {
        request.build().unwrap().url().to_string()
    }

    #[test]
    fn unset_query_parameters_leave_the_url_alone() {
        let http = reqwest::Client::new();
        let request = http.get("http://127.0.0.1/items/?a=1");
        let request = query(request, &QueryParam::new("page", &None::<u32>)).unwrap();
        assert_eq!(url(request), "http://127.0.0.1/items/?a=1");
    }

    #[test]
    fn set_query_parameters_are_appended_encoded() {
        let http = reqwest::Client::new();
        let request = query(
            http.get("http://127.0.0.1/items/?a=1"),
            &QueryParam::new("sort by", &Some("name asc")),
        )
        .unwrap();
        let request = query(request, &QueryParam::new("ids", &vec![1, 2])).unwrap();
        assert_eq!(url(request), "http://127.0.0.1/items/?a=1&sort+by=name+asc&ids=1&ids=2");
    }

    #[test]
    fn unsendable_query_values_are_refused() {
        let http = reqwest::Client::new();
        let error = query(http.get("http://127.0.0.1/"), &QueryParam::new("min", &Some(f64::NAN))).unwrap_err();
        assert!(message(error).contains("is NaN"));
        let nested = serde_json::json!({"a": {"b": 1}});
        let error = query(http.get("http://127.0.0.1/"), &nested).unwrap_err();
        assert!(message(error).starts_with("a query parameter cannot be sent"));
    }

    #[test]
    fn json_bodies_with_non_finite_floats_are_refused() {
        let http = reqwest::Client::new();
        let error = json(http.post("http://127.0.0.1/"), &serde_json::json!({"a": 1})).map(|r| r.build().unwrap());
        let request = error.unwrap();
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(request.body().unwrap().as_bytes(), Some(&b"{\"a\":1}"[..]));
        #[derive(serde::Serialize)]
        struct Budget {
            amount: f64,
        }
        let error = json(http.post("http://127.0.0.1/"), &Budget { amount: f64::INFINITY }).unwrap_err();
        assert_eq!(
            message(error),
            "the request body cannot be sent: `amount` is inf, which JSON and query strings cannot carry"
        );
    }
}
