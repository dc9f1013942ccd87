//! Walking a bundled OpenAPI document as JSON: its operations, and the `$ref`s between its parts.
//! Every reader of a bundled document (normalize, lint, diff, the facts check) walks it here.

use crate::diagnostic::escape_pointer_token;
use serde_json::Value;

/// The keys of a path item that hold operations, in the order OpenAPI lists them.
pub const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One operation of a document, where it is, and what it says.
#[derive(Debug, Clone, Copy)]
pub struct OperationRef<'a> {
    pub path: &'a str,
    pub method: &'static str,
    /// The path item holding the operation (for path-level parameters).
    pub item: &'a Value,
    pub operation: &'a Value,
}

impl<'a> OperationRef<'a> {
    /// The operation's `operationId`, or `""`.
    pub fn id(&self) -> &'a str {
        self.operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The JSON pointer of the operation, e.g. `/paths/~1things~1{id}/get`.
    pub fn pointer(&self) -> String {
        format!("/paths/{}/{}", escape_pointer_token(self.path), self.method)
    }
}

/// Every operation of `doc`, path by path in document order, methods in [`HTTP_METHODS`] order.
pub fn operations(doc: &Value) -> Vec<OperationRef<'_>> {
    let mut out = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in HTTP_METHODS {
            if let Some(operation) = item.get(method) {
                out.push(OperationRef {
                    path,
                    method,
                    item,
                    operation,
                });
            }
        }
    }
    out
}

/// Follows local `$ref`s (at most 32 deep).
pub fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => match doc.pointer(r.trim_start_matches('#')) {
                Some(target) => value = target,
                None => return value,
            },
            None => return value,
        }
    }
    value
}
