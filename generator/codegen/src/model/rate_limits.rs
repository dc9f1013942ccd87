//! `x-rate-limits`: the request rates a vendor documents, read from the spec and checked, so that
//! generated clients pace their calls by them from the start.
//!
//! ```yaml
//! x-rate-limits:                    # at the root: for all operations, or those listed
//!   - name: users-api
//!     requests: 60
//!     per: minute                   # second, minute, hour or day
//!     scope: account                # or {path-parameter: customer-tenant-id}
//!     operations: [list_customers]  # optional; only at the root
//!     source: https://vendor.example/docs/rate-limits
//! ```
//!
//! The same list on an operation applies to that operation only. A call counts against every
//! limit that applies to it.

use crate::diagnostic::{Diagnostic, escape_pointer_token as esc};
use crate::spec::BundledSpec;
use serde_json::Value;

/// One documented limit, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitModel {
    pub name: String,
    pub requests: u32,
    /// The window, in seconds.
    pub per_seconds: u64,
    /// The window as the spec names it: `minute`.
    pub per: String,
    /// The path parameter each value of which has its own budget; `None`: the whole account.
    pub path_parameter: Option<String>,
    /// The operations the limit applies to; `None`: all of them.
    pub operations: Option<Vec<String>>,
    pub source: String,
}

impl RateLimitModel {
    /// The limit in a few words, for the API summary: `60 requests per minute per account`.
    pub fn summary(&self) -> String {
        let scope = match &self.path_parameter {
            Some(name) => format!("per {name}"),
            None => "per account".to_string(),
        };
        format!("{} requests per {} {scope}", self.requests, self.per)
    }

    /// The name and the summary: `users-api (60 requests per minute per account)`.
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.summary())
    }
}

const FIELDS: &[&str] = &[
    "name",
    "requests",
    "per",
    "scope",
    "operations",
    "source",
    "description",
];
const WINDOWS: &[(&str, u64)] = &[("second", 1), ("minute", 60), ("hour", 3_600), ("day", 86_400)];

/// An operation as the limits see it.
pub struct OperationRef<'a> {
    pub id: &'a str,
    /// The operation's JSON pointer in the bundled spec.
    pub pointer: String,
    /// The path template.
    pub path: &'a str,
    /// Its own `x-rate-limits`, if any.
    pub limits: Option<&'a Value>,
}

/// Every limit of the spec: the root's (`root`), then each operation's, in path order.
pub fn read(
    spec: &BundledSpec,
    root: Option<&Value>,
    operations: &[OperationRef<'_>],
) -> Result<Vec<RateLimitModel>, Diagnostic> {
    // Each limit with the pointer it was read at.
    let mut limits: Vec<(RateLimitModel, String)> = Vec::new();
    let mut push = |limit: RateLimitModel, at: String| -> Result<(), Diagnostic> {
        if let Some((_, other)) = limits.iter().find(|(l, _)| l.name == limit.name) {
            return Err(spec
                .error_at(
                    &format!("{at}/name"),
                    format!("two rate limits are named `{}`", limit.name),
                )
                .help(format!(
                    "the other is at {other}; give each limit its own name (builders replace a limit by name)"
                )));
        }
        limits.push((limit, at));
        Ok(())
    };
    if let Some(list) = root {
        for (index, entry) in entries(spec, list, "/x-rate-limits")? {
            let at = format!("/x-rate-limits/{index}");
            let limit = read_one(spec, entry, &at, None, operations)?;
            push(limit, at)?;
        }
    }
    for operation in operations {
        let Some(list) = operation.limits else {
            continue;
        };
        let list_at = format!("{}/x-rate-limits", operation.pointer);
        for (index, entry) in entries(spec, list, &list_at)? {
            let at = format!("{list_at}/{index}");
            let limit = read_one(spec, entry, &at, Some(operation), operations)?;
            push(limit, at)?;
        }
    }
    Ok(limits.into_iter().map(|(limit, _)| limit).collect())
}

fn entries<'v>(
    spec: &BundledSpec,
    list: &'v Value,
    at: &str,
) -> Result<impl Iterator<Item = (usize, &'v Value)>, Diagnostic> {
    let Some(list) = list.as_array() else {
        return Err(spec
            .error_at(at, "`x-rate-limits` is not a list")
            .help("write a list of limits, each with name, requests, per, scope and source"));
    };
    Ok(list.iter().enumerate())
}

/// One entry; `operation` is the operation (id, path) it is written on, `None` at the root.
fn read_one(
    spec: &BundledSpec,
    entry: &Value,
    at: &str,
    operation: Option<&OperationRef<'_>>,
    operations: &[OperationRef<'_>],
) -> Result<RateLimitModel, Diagnostic> {
    let fail = |pointer: &str, message: String| spec.error_at(pointer, message);
    let Some(fields) = entry.as_object() else {
        return Err(
            fail(at, "a rate limit is not a mapping".into()).help(format!("write the fields {}", FIELDS.join(", ")))
        );
    };
    if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(fail(
            &format!("{at}/{}", esc(unknown)),
            format!("`{unknown}` is not a field of a rate limit"),
        )
        .help(format!("a rate limit takes {}", FIELDS.join(", "))));
    }
    let required = |key: &str| {
        fields.get(key).ok_or_else(|| {
            fail(at, format!("a rate limit needs `{key}`"))
                .help("write name, requests, per, scope and source (the page that documents the limit)")
        })
    };
    let name = required("name")?
        .as_str()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| {
            fail(&format!("{at}/name"), "the limit's `name` is not a word".into()).help("name it, e.g. `users-api`")
        })?
        .to_string();
    let requests = required("requests")?;
    let requests = requests
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            fail(
                &format!("{at}/requests"),
                format!("limit `{name}`: `requests` is {requests}, not a positive count"),
            )
            .help("write how many requests the window admits, e.g. `60`")
        })?;
    let per_value = required("per")?;
    let (per, per_seconds) = per_value
        .as_str()
        .and_then(|word| WINDOWS.iter().find(|(w, _)| *w == word))
        .copied()
        .ok_or_else(|| {
            fail(
                &format!("{at}/per"),
                format!("limit `{name}`: `per` is {per_value}, not a window"),
            )
            .help("write second, minute, hour or day")
        })?;
    let source = required("source")?
        .as_str()
        .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
        .ok_or_else(|| {
            fail(
                &format!("{at}/source"),
                format!("limit `{name}`: `source` is not a URL"),
            )
            .help("link the vendor page that documents the limit")
        })?
        .to_string();

    let covered: Vec<&OperationRef<'_>> = match (operation, fields.get("operations")) {
        (Some(_), Some(_)) => {
            return Err(fail(
                &format!("{at}/operations"),
                format!("limit `{name}` is written on an operation and also lists operations"),
            )
            .help("a limit on an operation applies to it alone; list operations only at the root"));
        }
        (Some(op), None) => vec![op],
        (None, None) => operations.iter().collect(),
        (None, Some(list)) => {
            let ids = list.as_array().filter(|l| !l.is_empty()).ok_or_else(|| {
                fail(
                    &format!("{at}/operations"),
                    format!("limit `{name}`: `operations` is not a list of operation ids"),
                )
                .help("list the operationIds the limit applies to, or leave `operations` out for all")
            })?;
            let mut covered = Vec::new();
            for (index, id) in ids.iter().enumerate() {
                let found = id.as_str().and_then(|id| operations.iter().find(|op| op.id == id));
                let Some(found) = found else {
                    let known: Vec<&str> = operations.iter().map(|op| op.id).collect();
                    return Err(fail(
                        &format!("{at}/operations/{index}"),
                        format!("limit `{name}`: {id} is not an operationId of this spec"),
                    )
                    .help(format!("the operations are {}", known.join(", "))));
                };
                covered.push(found);
            }
            covered
        }
    };

    let path_parameter = match required("scope")? {
        Value::String(word) if word == "account" => None,
        Value::Object(scope) if scope.len() == 1 && scope.get("path-parameter").is_some_and(Value::is_string) => {
            let parameter = scope["path-parameter"].as_str().unwrap_or_default().to_string();
            let placeholder = format!("{{{parameter}}}");
            if let Some(op) = covered.iter().find(|op| !op.path.contains(&placeholder)) {
                return Err(fail(
                    &format!("{at}/scope/path-parameter"),
                    format!(
                        "limit `{name}` counts per `{parameter}`, which is not in the path of `{}`",
                        op.id
                    ),
                )
                .help("a limit per path parameter can apply only to operations whose path has it"));
            }
            Some(parameter)
        }
        other => {
            return Err(fail(
                &format!("{at}/scope"),
                format!("limit `{name}`: `scope` is {other}, not a scope"),
            )
            .help("write `account`, or `{path-parameter: <name>}` for a budget per value of a path parameter"));
        }
    };
    let operations = match operation {
        Some(op) => Some(vec![op.id.to_string()]),
        None => fields
            .get("operations")
            .map(|_| covered.iter().map(|op| op.id.to_string()).collect()),
    };
    Ok(RateLimitModel {
        name,
        requests,
        per_seconds,
        per: per.to_string(),
        path_parameter,
        operations,
        source,
    })
}
