//! Synthetic specs of any size with realistic shapes: path, query and header parameters, request
//! bodies with nested objects, a shared enum, nullable fields, and error responses. Every error
//! status shares one body, so raw progenitor (the baseline) can generate the same spec.

use serde_json::{Value, json};

/// A spec with exactly `operations` operations, as JSON (which is YAML too).
pub fn spec(operations: usize) -> Value {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Status".into(),
        json!({"type": "string", "enum": ["active", "suspended", "closed"], "description": "Lifecycle state."}),
    );
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["code"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}}}),
    );
    let errors = json!({
        "400": {"$ref": "#/components/responses/Error"},
        "404": {"$ref": "#/components/responses/Error"},
        "429": {"$ref": "#/components/responses/Error"},
        "500": {"$ref": "#/components/responses/Error"},
    });
    let mut made = 0;
    let mut resource = 0;
    while made < operations {
        let name = format!("Resource{resource}");
        schemas.insert(
            name.clone(),
            json!({"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer", "format": "int64"},
                "name": {"type": "string"},
                "status": {"$ref": "#/components/schemas/Status"},
                "amount": {"type": "number", "format": "double", "nullable": true},
                "created": {"type": "string", "format": "date-time"},
                "owner": {"type": "string", "format": "uuid"},
                "meta": {"type": "object", "properties": {
                    "region": {"type": "string"}, "priority": {"type": "integer", "format": "int32"}}},
                "tags": {"type": "array", "items": {"type": "string"}}
            }}),
        );
        schemas.insert(
            format!("{name}Update"),
            json!({"type": "object", "properties": {
                "name": {"type": "string"},
                "status": {"$ref": "#/components/schemas/Status"},
                "amount": {"type": "number", "format": "double", "nullable": true},
                "tags": {"type": "array", "items": {"type": "string"}}
            }}),
        );
        let ok = |schema: &str| json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
        let body = |schema: &str| json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
        let common = [
            json!({"name": "X-Request-Id", "in": "header", "schema": {"type": "string", "format": "uuid"}}),
            json!({"name": "verbose", "in": "query", "schema": {"type": "boolean"}}),
        ];
        let id =
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}});
        let responses = |success: Value| {
            let mut r = errors.clone();
            r["200"] = success;
            r
        };
        let snake = format!("resource{resource}");
        let candidates = [
            (
                "item",
                "get",
                json!({"operationId": format!("get_{snake}"), "summary": "Get one",
                "parameters": [id.clone(), common[0].clone(), common[1].clone()], "responses": responses(ok(&name))}),
            ),
            (
                "item",
                "patch",
                json!({"operationId": format!("update_{snake}"), "summary": "Update one",
                "parameters": [id.clone(), common[0].clone()], "requestBody": body(&format!("{name}Update")),
                "responses": responses(ok(&name))}),
            ),
            (
                "item",
                "delete",
                json!({"operationId": format!("delete_{snake}"), "summary": "Delete one",
                "parameters": [id.clone(), common[0].clone()], "responses": responses(ok(&name))}),
            ),
            (
                "collection",
                "post",
                json!({"operationId": format!("create_{snake}"), "summary": "Create one",
                "parameters": [common[0].clone(), json!({"name": "page", "in": "query", "schema": {"type": "integer", "format": "int32"}})],
                "requestBody": body(&format!("{name}Update")), "responses": responses(ok(&name))}),
            ),
        ];
        for (kind, method, operation) in candidates {
            if made == operations {
                break;
            }
            let path = match kind {
                "item" => format!("/v1/resources{resource}/{{id}}"),
                _ => format!("/v1/resources{resource}"),
            };
            paths
                .entry(path)
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("a path item")
                .insert(method.to_string(), operation);
            made += 1;
        }
        resource += 1;
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1"},
        "servers": [{"url": "https://api.example.com", "x-environment": "default"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": schemas
        }
    })
}
