//! Query parameters for generated request code.

use serde::Serialize;

/// Adds `params` to the request's query string; generated code calls it in place of
/// [`reqwest::RequestBuilder::query`].
///
/// An unset optional parameter serializes to nothing, and then the URL is left as it is:
/// `RequestBuilder::query` takes the URL apart and puts it back together even for no pairs, a
/// cost every call of an operation with optional parameters would pay.
pub fn query<T: Serialize + ?Sized>(request: reqwest::RequestBuilder, params: &T) -> reqwest::RequestBuilder {
    match serde_urlencoded::to_string(params) {
        Ok(pairs) if pairs.is_empty() => request,
        // Errors are left to `RequestBuilder::query`, which reports them when the request is built.
        _ => request.query(params),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use progenitor_client::QueryParam;

    fn url(request: reqwest::RequestBuilder) -> String {
        request.build().unwrap().url().to_string()
    }

    #[test]
    fn unset_parameters_leave_the_url_alone() {
        let http = reqwest::Client::new();
        let request = http.get("http://127.0.0.1/items/?a=1");
        let request = query(request, &QueryParam::new("page", &None::<u32>));
        assert_eq!(url(request), "http://127.0.0.1/items/?a=1");
        let request = query(
            http.get("http://127.0.0.1/items/"),
            &QueryParam::new("page", &None::<u32>),
        );
        assert_eq!(url(request), "http://127.0.0.1/items/");
    }

    #[test]
    fn set_parameters_are_appended_encoded() {
        let http = reqwest::Client::new();
        let request = query(
            http.get("http://127.0.0.1/items/?a=1"),
            &QueryParam::new("sort by", &Some("name asc")),
        );
        let request = query(request, &QueryParam::new("ids", &vec![1, 2]));
        assert_eq!(url(request), "http://127.0.0.1/items/?a=1&sort+by=name+asc&ids=1&ids=2");
    }

    #[test]
    fn serialization_errors_surface_when_the_request_is_built() {
        let http = reqwest::Client::new();
        let nested = serde_json::json!({"a": {"b": 1}});
        let request = query(http.get("http://127.0.0.1/items/"), &nested);
        assert!(request.build().is_err());
    }
}
