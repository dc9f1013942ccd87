//! Documented rewrites applied to a valid spec before generation.
//!
//! Each rewrite is named, recorded, and shown in the generated crate's README, so a reader can see
//! where a generated name comes from. Nothing here changes what goes over the wire.

use super::walk::HTTP_METHODS;
use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};
use std::collections::HashSet;

/// One rewrite applied to one operation or component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// The operation or component rewritten.
    pub target: String,
    pub rule: &'static str,
    pub detail: String,
}

/// Rule `named-response-bodies`: responses are decoded by status into component types, so an
/// inline response schema becomes a component named after its operation and status
/// (`GetThingResponse`, `GetThingNotFound`) or after its response component.
pub const NAMED_RESPONSE_BODIES: &str = "named-response-bodies";

/// Applies every rewrite to `document` (the bundled spec as JSON) and returns what was done.
pub fn normalize(document: &mut Value) -> Vec<Rewrite> {
    path_parameters_into_operations(document);
    let mut rewrites = Vec::new();
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let mut taken: HashSet<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();

    if let Some(responses) = document
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        for (name, response) in responses.iter_mut() {
            if let Some(schema) = take_inline_schema(response, || unique(&name.to_upper_camel_case(), &mut taken)) {
                rewrites.push(Rewrite {
                    target: format!("components/responses/{name}"),
                    rule: NAMED_RESPONSE_BODIES,
                    detail: format!("body type `{}`", schema.0),
                });
                hoisted.push(schema);
            }
        }
    }
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in HTTP_METHODS {
                let Some(operation) = item.get_mut(method) else {
                    continue;
                };
                let id = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else {
                    continue;
                };
                for (status, response) in responses.iter_mut() {
                    let name = || {
                        unique(
                            &format!("{}{}", id.to_upper_camel_case(), status_suffix(status)),
                            &mut taken,
                        )
                    };
                    if let Some(schema) = take_inline_schema(response, name) {
                        rewrites.push(Rewrite {
                            target: id.clone(),
                            rule: NAMED_RESPONSE_BODIES,
                            detail: format!("{status} body type `{}`", schema.0),
                        });
                        hoisted.push(schema);
                    }
                }
            }
        }
    }
    if !hoisted.is_empty() {
        let components = document
            .as_object_mut()
            .map(|d| d.entry("components").or_insert_with(|| json!({})));
        if let Some(schemas) = components
            .and_then(Value::as_object_mut)
            .map(|c| c.entry("schemas").or_insert_with(|| Value::Object(Map::new())))
            .and_then(Value::as_object_mut)
        {
            for (name, schema) in hoisted {
                schemas.insert(name, schema);
            }
        }
    }
    rewrites
}

/// Copies the parameters a path item declares for all its operations into each operation, as
/// OpenAPI defines them: an operation's own parameter with the same name and location wins. Every
/// later stage then finds an operation's parameters on the operation. It changes no name and
/// nothing on the wire, so it is not recorded as a rewrite.
fn path_parameters_into_operations(document: &mut Value) {
    let declared = document
        .pointer("/components/parameters")
        .cloned()
        .unwrap_or(Value::Null);
    // A parameter is identified by its name and location, through its `$ref` if it has one.
    let identity = |parameter: &Value| {
        let parameter = match parameter.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| declared.get(name))
                .unwrap_or(parameter),
            None => parameter,
        };
        (parameter.get("name").cloned(), parameter.get("in").cloned())
    };
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(shared) = item.as_object_mut().and_then(|i| i.remove("parameters")) else {
            continue;
        };
        let shared = shared.as_array().cloned().unwrap_or_default();
        for method in HTTP_METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let Some(own) = operation
                .entry("parameters")
                .or_insert_with(|| json!([]))
                .as_array_mut()
            else {
                continue;
            };
            let mut merged: Vec<Value> = shared
                .iter()
                .filter(|p| !own.iter().any(|o| identity(o) == identity(p)))
                .cloned()
                .collect();
            merged.append(own);
            *own = merged;
        }
    }
}

/// Replaces an inline body schema of `response` by a `$ref` to a component named by `name`
/// (called only then, so only hoisted schemas take a name), returning the name and the schema.
fn take_inline_schema(response: &mut Value, name: impl FnOnce() -> String) -> Option<(String, Value)> {
    let content = response.get_mut("content")?.as_object_mut()?;
    let media = content.values_mut().next()?;
    let schema = media.get_mut("schema")?;
    if schema.get("$ref").is_some() {
        return None;
    }
    let name = name();
    let inline = std::mem::replace(schema, json!({"$ref": format!("#/components/schemas/{name}")}));
    Some((name, inline))
}

fn status_suffix(status: &str) -> String {
    match status {
        s if s.starts_with('2') => "Response".into(),
        "default" => "Error".into(),
        s => format!("Status{s}"),
    }
}

fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_level_parameters_move_into_each_operation() {
        let mut doc = json!({
            "paths": {"/b/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}, {"name": "v", "in": "query", "description": "shared"}],
                "get": {"operationId": "get_b"},
                "put": {"operationId": "put_b", "parameters": [{"name": "v", "in": "query", "description": "own"}]}
            }},
            "components": {"parameters": {"Id": {"name": "id", "in": "path", "required": true}}}
        });
        assert!(normalize(&mut doc).is_empty());
        let item = &doc["paths"]["/b/{id}"];
        assert!(item.get("parameters").is_none());
        assert_eq!(
            item["get"]["parameters"],
            json!([{"$ref": "#/components/parameters/Id"}, {"name": "v", "in": "query", "description": "shared"}])
        );
        assert_eq!(
            item["put"]["parameters"],
            json!([{"$ref": "#/components/parameters/Id"}, {"name": "v", "in": "query", "description": "own"}])
        );
    }

    #[test]
    fn inline_response_schemas_become_components() {
        let mut doc = json!({
            "paths": {"/t": {"get": {"operationId": "get_thing", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
                "404": {"description": "no", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}
            }}}},
            "components": {"schemas": {"E": {"type": "object"}, "GetThingResponse": {"type": "integer"}}}
        });
        let rewrites = normalize(&mut doc);
        assert_eq!(rewrites.len(), 1);
        assert_eq!(
            doc.pointer("/paths/~1t/get/responses/200/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/GetThingResponse2"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/GetThingResponse2"),
            Some(&json!({"type": "string"}))
        );
    }
}
