//! OpenAPI 3.0 schemas as JSON Schema (draft 2020-12), so that JSON can be checked against the
//! spec with an ordinary JSON Schema validator.
//!
//! The differences handled: `nullable: true` becomes a `"null"` type (or an `anyOf` with null
//! around a `$ref`/composition), boolean exclusive bounds become numeric ones, and
//! `#/components/schemas/X` references become `#/$defs/X`.

use serde_json::{Map, Value, json};

/// A JSON Schema document validating one component schema of `openapi` (a bundled spec as JSON).
pub fn component_schema(openapi: &Value, name: &str) -> Value {
    let defs: Map<String, Value> = openapi
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
        .unwrap_or_default();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/$defs/{name}"),
        "$defs": defs,
    })
}

/// A JSON Schema document validating against `schema` (any schema of `openapi`, inline or a
/// `$ref`), with every component available under `$defs`.
pub fn schema_document(openapi: &Value, schema: &Value) -> Value {
    let mut document = match convert(schema) {
        Value::Object(map) => map,
        other => {
            let mut map = Map::new();
            map.insert("allOf".into(), json!([other]));
            map
        }
    };
    let defs: Map<String, Value> = openapi
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
        .unwrap_or_default();
    document.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    document.insert("$defs".into(), Value::Object(defs));
    Value::Object(document)
}

/// Converts one OpenAPI 3.0 schema object.
pub fn convert(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        let converted = match key.as_str() {
            "$ref" => Value::String(
                value
                    .as_str()
                    .unwrap_or_default()
                    .replace("#/components/schemas/", "#/$defs/"),
            ),
            "properties" | "patternProperties" => Value::Object(
                value
                    .as_object()
                    .map(|p| p.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
                    .unwrap_or_default(),
            ),
            "items" | "additionalProperties" | "not" => convert(value),
            "oneOf" | "anyOf" | "allOf" => Value::Array(value.as_array().into_iter().flatten().map(convert).collect()),
            "nullable" | "example" | "discriminator" | "xml" | "externalDocs" => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    // 3.0's `minimum: n, exclusiveMinimum: true` is JSON Schema's `exclusiveMinimum: n`.
    for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        match out.get(exclusive) {
            Some(Value::Bool(true)) => match out.remove(inclusive) {
                Some(bound) => {
                    out.insert(exclusive.into(), bound);
                }
                None => {
                    out.remove(exclusive);
                }
            },
            Some(Value::Bool(false)) => {
                out.remove(exclusive);
            }
            _ => {}
        }
    }
    if object.get("nullable").and_then(Value::as_bool) == Some(true) {
        return make_nullable(out);
    }
    Value::Object(out)
}

fn make_nullable(mut schema: Map<String, Value>) -> Value {
    if let Some(Value::Array(values)) = schema.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match schema.get("type").cloned() {
        Some(Value::String(t)) => {
            schema.insert("type".into(), json!([t, "null"]));
            Value::Object(schema)
        }
        _ => json!({"anyOf": [Value::Object(schema), {"type": "null"}]}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_becomes_a_null_type() {
        assert_eq!(
            convert(&json!({"type": "number", "nullable": true})),
            json!({"type": ["number", "null"]})
        );
        assert_eq!(
            convert(&json!({"type": "string", "enum": ["a"], "nullable": true})),
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        assert_eq!(
            convert(&json!({"$ref": "#/components/schemas/X", "nullable": true})),
            json!({"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}]})
        );
    }

    #[test]
    fn boolean_exclusive_bounds_become_numeric_ones() {
        assert_eq!(
            convert(
                &json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": false})
            ),
            json!({"type": "integer", "exclusiveMinimum": 0, "maximum": 9})
        );
    }

    #[test]
    fn nested_schemas_are_converted() {
        let schema = json!({"type": "object", "properties": {"a": {"type": "array", "items": {"$ref": "#/components/schemas/A"}}}});
        assert_eq!(
            convert(&schema),
            json!({"type": "object", "properties": {"a": {"type": "array", "items": {"$ref": "#/$defs/A"}}}})
        );
    }
}
