//! Documented rewrites that turn a valid spec into one progenitor can generate.
//!
//! Each rewrite is named, recorded, and shown in the generated crate's README, so a reader can see
//! where the generated client's types differ from the spec. Nothing here changes what goes over the
//! wire.

use super::check::HTTP_METHODS;
use serde_json::{Value, json};

/// One rewrite applied to one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub operation_id: String,
    pub rule: &'static str,
    pub detail: String,
}

/// Rule `untyped-error-bodies`: progenitor gives an operation one error type and panics when error
/// responses declare different bodies. Such operations get `serde_json::Value` as their error type;
/// the per-status body types are still generated (they are components) for callers to decode into.
pub const UNTYPED_ERROR_BODIES: &str = "untyped-error-bodies";

/// Applies every rewrite to `document` (the bundled spec as JSON) and returns what was done.
pub fn normalize(document: &mut Value) -> Vec<Rewrite> {
    let components = document.get("components").cloned().unwrap_or(Value::Null);
    let mut rewrites = Vec::new();
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return rewrites;
    };
    for item in paths.values_mut() {
        for method in HTTP_METHODS {
            let Some(operation) = item.get_mut(method) else {
                continue;
            };
            let operation_id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            if let Some(detail) = untype_differing_error_bodies(responses, &components) {
                rewrites.push(Rewrite {
                    operation_id,
                    rule: UNTYPED_ERROR_BODIES,
                    detail,
                });
            }
        }
    }
    rewrites
}

fn untype_differing_error_bodies(responses: &mut serde_json::Map<String, Value>, components: &Value) -> Option<String> {
    let is_error = |status: &str| status == "default" || status.starts_with('4') || status.starts_with('5');
    let mut bodies: Vec<(String, Option<Value>)> = Vec::new();
    for (status, response) in responses.iter() {
        if is_error(status) {
            let resolved = resolve(response, components);
            let schema = resolved
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("schema"))
                .cloned();
            bodies.push((status.clone(), schema));
        }
    }
    let mut distinct: Vec<&Option<Value>> = Vec::new();
    for (_, schema) in &bodies {
        if !distinct.contains(&schema) {
            distinct.push(schema);
        }
    }
    if distinct.len() <= 1 {
        return None;
    }
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for (status, schema) in &bodies {
        let name = match schema {
            Some(s) => s
                .get("$ref")
                .and_then(Value::as_str)
                .map_or("inline schema", |r| r.rsplit('/').next().unwrap_or(r))
                .to_string(),
            None => "no body".to_string(),
        };
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, statuses)) => statuses.push(status),
            None => groups.push((name, vec![status])),
        }
    }
    for (status, _) in &bodies {
        let description = resolve(&responses[status.as_str()], components)
            .get("description")
            .cloned()
            .unwrap_or(json!(""));
        responses.insert(
            status.clone(),
            json!({"description": description, "content": {"application/json": {"schema": {}}}}),
        );
    }
    let listed: Vec<String> = groups
        .iter()
        .map(|(name, statuses)| format!("{} → {name}", statuses.join("/")))
        .collect();
    Some(listed.join(", "))
}

/// Follows a `#/components/responses/...` reference.
fn resolve<'v>(response: &'v Value, components: &'v Value) -> &'v Value {
    match response
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/"))
    {
        Some(path) => path
            .split('/')
            .try_fold(components, |v, token| v.get(token))
            .unwrap_or(response),
        None => response,
    }
}
