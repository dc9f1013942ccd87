//! Validation of a bundled spec before it reaches progenitor.
//!
//! Everything progenitor would reject with an unhelpful message, silently get wrong, or panic on is
//! caught here, with the position in the source and what to write instead.

use super::BundledSpec;
use super::node::{Kind, Node};
use super::{push_index, push_key};
use crate::diagnostic::{Diagnostics, escape_pointer_token};
use std::collections::{BTreeMap, BTreeSet};

use super::walk::HTTP_METHODS;

pub fn check(spec: &BundledSpec) -> Result<(), Diagnostics> {
    let mut checker = Checker {
        spec,
        doc: &spec.document,
        out: Diagnostics::default(),
    };
    checker.document();
    super::inhabited::check(spec, &mut checker.out);
    checker.out.into_result()
}

struct Checker<'a> {
    spec: &'a BundledSpec,
    doc: &'a Node,
    out: Diagnostics,
}

impl<'a> Checker<'a> {
    fn report(&mut self, pointer: &str, message: impl Into<String>, help: impl Into<String>) {
        self.out.push(self.spec.error_at(pointer, message).help(help));
    }

    fn document(&mut self) {
        let doc = self.doc;
        match doc.get("openapi").map(|v| &v.kind) {
            Some(Kind::String(v)) if v.starts_with("3.0.") => {}
            // A 3.1 document arrives here lowered to 3.0 (`openapi31`), so any other version is one
            // the generator does not read.
            Some(Kind::String(v)) => self.report(
                "/openapi",
                format!("OpenAPI {v} is not supported: the generator reads OpenAPI 3.0.x and 3.1.x"),
                "write `openapi: 3.1.1` or `openapi: 3.0.3`",
            ),
            Some(_) => self.report(
                "/openapi",
                "`openapi` must be a version string such as 3.1.1 or 3.0.3",
                "write `openapi: 3.1.1` or `openapi: 3.0.3` (a bare `3.1` reads as a number)",
            ),
            None if doc.get("swagger").is_some() => self.report(
                "/swagger",
                "Swagger 2.0 documents are not supported",
                "convert the document to OpenAPI 3.1 or 3.0 (`openapi: 3.1.1`, `components` instead of `definitions`)",
            ),
            None => self.report(
                "",
                "the document has no `openapi` version",
                "add `openapi: 3.1.1` (or 3.0.3) at the top of openapi.yaml",
            ),
        }
        match doc.get("info") {
            Some(info) if info.as_map().is_some() => {
                for field in ["title", "version"] {
                    if info.get(field).and_then(Node::as_str).is_none() {
                        self.report(
                            "/info",
                            format!("`info.{field}` is missing or not a string"),
                            format!("add `{field}:` under `info`"),
                        );
                    }
                }
            }
            Some(_) => self.report(
                "/info",
                "`info` must be an object",
                "give `info` a `title` and a `version`",
            ),
            None => self.report(
                "",
                "the document has no `info`",
                "add `info:` with `title` and `version`",
            ),
        }
        match doc.get("paths") {
            Some(paths) if paths.as_map().is_some() => self.paths(paths),
            Some(_) => self.report(
                "/paths",
                "`paths` must be an object",
                "map each path template to its operations",
            ),
            None => self.report(
                "",
                "the document has no `paths`",
                "add `paths:` with at least one operation",
            ),
        }
        self.references(doc, &mut String::new());
        self.defaults(doc, &mut String::new(), false);
    }

    /// Walks the document; in every schema, a `default` must match the schema, or typify fails
    /// (or, for a replaced enum, the wrong value would be documented).
    fn defaults(&mut self, node: &Node, pointer: &mut String, is_schema: bool) {
        let Some(entries) = node.as_map() else {
            if let Some(items) = node.as_seq() {
                for (i, item) in items.iter().enumerate() {
                    let len = push_index(pointer, i);
                    self.defaults(item, pointer, false);
                    pointer.truncate(len);
                }
            }
            return;
        };
        if is_schema
            && let Some(default) = node.get("default")
            && let Some(problem) = default_problem(node, default)
        {
            self.report(
                &format!("{pointer}/default"),
                format!("the default {problem}"),
                "make the default a value the schema accepts, or state the service's default in the description",
            );
        }
        for (key, value) in entries {
            if key.starts_with("x-") || key == "example" || key == "examples" || key == "default" || key == "enum" {
                continue;
            }
            let len = push_key(pointer, key);
            let schema_map = (is_schema && key == "properties") || pointer == "/components/schemas";
            let schema_list = is_schema && matches!(key.as_str(), "allOf" | "oneOf" | "anyOf");
            if schema_map || schema_list {
                if let Some(map) = value.as_map() {
                    for (name, schema) in map {
                        let inner = push_key(pointer, name);
                        self.defaults(schema, pointer, true);
                        pointer.truncate(inner);
                    }
                } else if let Some(seq) = value.as_seq() {
                    for (i, schema) in seq.iter().enumerate() {
                        let inner = push_index(pointer, i);
                        self.defaults(schema, pointer, true);
                        pointer.truncate(inner);
                    }
                }
            } else {
                let child_is_schema =
                    key == "schema" || (is_schema && matches!(key.as_str(), "items" | "not" | "additionalProperties"));
                self.defaults(value, pointer, child_is_schema);
            }
            pointer.truncate(len);
        }
    }

    /// Every `$ref` must resolve in the bundled document. `pointer` is the node's JSON pointer,
    /// one buffer extended and cut back along the walk.
    fn references(&mut self, node: &Node, pointer: &mut String) {
        match &node.kind {
            Kind::Map(entries) => {
                if let Some(target) = node.get("$ref").and_then(Node::as_str) {
                    let resolves = target.strip_prefix('#').is_some_and(|p| self.doc.pointer(p).is_some());
                    if !resolves {
                        self.report(
                            &format!("{pointer}/$ref"),
                            format!("`$ref: {target}` points to nothing in the bundled document"),
                            "check the name; components are case-sensitive",
                        );
                    }
                }
                for (key, value) in entries {
                    let len = push_key(pointer, key);
                    self.references(value, pointer);
                    pointer.truncate(len);
                }
            }
            Kind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = push_index(pointer, i);
                    self.references(item, pointer);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    fn paths(&mut self, paths: &'a Node) {
        let mut operation_ids: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in paths.as_map().unwrap_or_default() {
            let item_pointer = format!("/paths/{}", escape_pointer_token(path));
            if !path.starts_with('/') {
                self.report(
                    &item_pointer,
                    format!("path `{path}` does not start with `/`"),
                    "write paths like `/v1/items/{id}`",
                );
            }
            let Some(entries) = item.as_map() else {
                self.report(
                    &item_pointer,
                    "a path item must be an object",
                    "map HTTP methods to operations",
                );
                continue;
            };
            for (method, operation) in entries {
                if !HTTP_METHODS.contains(&method.as_str()) {
                    continue;
                }
                let pointer = format!("{item_pointer}/{method}");
                self.operation(path, item, method, operation, &pointer, &mut operation_ids);
            }
        }
    }

    fn operation(
        &mut self,
        path: &str,
        item: &'a Node,
        method: &str,
        operation: &'a Node,
        pointer: &str,
        ids: &mut BTreeMap<String, String>,
    ) {
        if operation.as_map().is_none() {
            self.report(
                pointer,
                "an operation must be an object",
                "give it an operationId and responses",
            );
            return;
        }
        match operation.get("operationId").and_then(Node::as_str) {
            None => self.report(
                pointer,
                format!("{} {path} has no operationId", method.to_uppercase()),
                "add `operationId: verb_noun`; it becomes the Rust method name",
            ),
            Some(id) => {
                if let Some(first) = ids.get(id) {
                    let message = format!("operationId `{id}` is already used by {first}");
                    self.report(
                        &format!("{pointer}/operationId"),
                        message,
                        "give every operation its own operationId",
                    );
                } else {
                    ids.insert(id.to_string(), format!("{} {path}", method.to_uppercase()));
                }
            }
        }
        self.parameters(path, item, operation, pointer);
        if let Some(body) = operation.get("requestBody") {
            self.request_body(body, &format!("{pointer}/requestBody"));
        }
        match operation.get("responses") {
            Some(responses) if responses.as_map().is_some() => {
                self.responses(responses, &format!("{pointer}/responses"))
            }
            _ => self.report(
                pointer,
                "the operation has no `responses`",
                "document at least the success response",
            ),
        }
    }

    fn parameters(&mut self, path: &str, item: &'a Node, operation: &'a Node, pointer: &str) {
        let mut declared_path_params = BTreeSet::new();
        let lists = [
            (item.get("parameters"), format!("{}/parameters", parent(pointer))),
            (operation.get("parameters"), format!("{pointer}/parameters")),
        ];
        for (list, list_pointer) in lists {
            let Some(list) = list else { continue };
            let Some(items) = list.as_seq() else {
                self.report(
                    &list_pointer,
                    "`parameters` must be a list",
                    "write each parameter as a list item",
                );
                continue;
            };
            for (i, parameter) in items.iter().enumerate() {
                let param_pointer = format!("{list_pointer}/{i}");
                let Some(parameter) = self.deref(parameter) else {
                    continue;
                };
                let name = parameter.get("name").and_then(Node::as_str);
                let location = parameter.get("in").and_then(Node::as_str);
                match (name, location) {
                    (Some(name), Some("path")) => {
                        declared_path_params.insert(name.to_string());
                        if !parameter.get("required").is_some_and(Node::is_true) {
                            self.report(
                                &param_pointer,
                                format!("path parameter `{name}` is not marked required"),
                                "add `required: true`: OpenAPI requires it for path parameters",
                            );
                        }
                    }
                    (Some(name), Some("cookie")) => self.report(
                        &param_pointer,
                        format!("cookie parameter `{name}` cannot be generated"),
                        "the generator supports path, query and header parameters; describe the cookie in prose",
                    ),
                    (Some(_), Some("query" | "header")) => {}
                    (Some(name), other) => self.report(
                        &param_pointer,
                        format!("parameter `{name}` has `in: {}`", other.unwrap_or("(missing)")),
                        "use one of path, query or header",
                    ),
                    (None, _) => self.report(&param_pointer, "a parameter has no `name`", "add `name:`"),
                }
            }
        }
        let in_template: BTreeSet<String> = template_params(path).into_iter().collect();
        // The template is written in `paths`, often in another file than the operation: the
        // message points at the path item there.
        for missing in in_template.difference(&declared_path_params) {
            self.report(
                parent(pointer),
                format!("path parameter `{{{missing}}}` of `{path}` is not declared"),
                format!("add a parameter with `name: {missing}`, `in: path`, `required: true`"),
            );
        }
        for unused in declared_path_params.difference(&in_template) {
            self.report(
                pointer,
                format!("path parameter `{unused}` does not appear in `{path}`"),
                "remove it, or add `{name}` to the path template",
            );
        }
    }

    fn request_body(&mut self, body: &'a Node, pointer: &str) {
        let Some(body) = self.deref(body) else { return };
        if !body.get("required").is_some_and(Node::is_true) {
            self.report(
                pointer,
                "the request body is optional, but the generator would make it required",
                "add `required: true`, or split the operation into one with and one without a body",
            );
        }
        let Some(content) = body.get("content").and_then(Node::as_map) else {
            self.report(
                pointer,
                "the request body has no `content`",
                "add `content: {application/json: {schema: ...}}`",
            );
            return;
        };
        if content.len() > 1 {
            let types: Vec<&str> = content.iter().map(|(k, _)| k.as_str()).collect();
            self.report(
                &format!("{pointer}/content"),
                format!(
                    "the request body has {} media types ({}); the generator takes one",
                    types.len(),
                    types.join(", ")
                ),
                "keep one media type (usually application/json)",
            );
        }
        for (media_type, _) in content {
            if media_type.starts_with("multipart/") || media_type == "application/x-www-form-urlencoded" {
                self.report(
                    &format!("{pointer}/content/{}", escape_pointer_token(media_type)),
                    format!("`{media_type}` request bodies cannot be generated"),
                    "only JSON (and raw octet-stream) bodies are supported",
                );
            }
        }
    }

    fn responses(&mut self, responses: &'a Node, pointer: &str) {
        let mut success_types: Vec<(&str, Option<&Node>)> = Vec::new();
        for (status, response) in responses.as_map().unwrap_or_default() {
            let valid = status == "default"
                || (status.len() == 3 && (status.bytes().all(|b| b.is_ascii_digit()) || status.ends_with("XX")));
            if !valid {
                self.report(
                    &format!("{pointer}/{}", escape_pointer_token(status)),
                    format!("`{status}` is not a status code"),
                    "use a code like 200, a range like 4XX, or `default`",
                );
                continue;
            }
            if !status.starts_with('2') {
                continue;
            }
            let Some(response) = self.deref(response) else { continue };
            let schema = response
                .get("content")
                .and_then(Node::as_map)
                .and_then(|c| c.first())
                .and_then(|(_, media)| media.get("schema"));
            success_types.push((status, schema));
        }
        let mut distinct: Vec<Option<&Node>> = Vec::new();
        for (_, schema) in &success_types {
            if !distinct.contains(schema) {
                distinct.push(*schema);
            }
        }
        if distinct.len() > 1 {
            let statuses: Vec<&str> = success_types.iter().map(|(s, _)| *s).collect();
            self.report(
                pointer,
                format!(
                    "success responses {} have different bodies; a generated method returns one type",
                    statuses.join(", ")
                ),
                "give every 2xx response the same schema (or none), or split the operation",
            );
        }
    }

    /// Follows local `$ref`s; unresolved ones are reported by `references`.
    fn deref(&self, mut node: &'a Node) -> Option<&'a Node> {
        for _ in 0..32 {
            match node.get("$ref").and_then(Node::as_str) {
                Some(target) => node = self.doc.pointer(target.strip_prefix('#')?)?,
                None => return Some(node),
            }
        }
        None
    }
}

fn parent(pointer: &str) -> &str {
    pointer.rsplit_once('/').map_or("", |(head, _)| head)
}

/// `/v1/{a}/x/{b}` → `["a", "b"]`.
/// Why `default` does not fit `schema` (its type, `nullable`, `enum`, bounds), if it does not.
fn default_problem(schema: &Node, default: &Node) -> Option<String> {
    let shown = || serde_json::to_string(&default.to_json()).unwrap_or_default();
    if matches!(default.kind, Kind::Null) {
        return (!schema.get("nullable").is_some_and(Node::is_true))
            .then(|| "is null, but the schema is not `nullable: true`".to_string());
    }
    let fits = match schema.get("type").and_then(Node::as_str) {
        Some("string") => matches!(default.kind, Kind::String(_)),
        Some("integer") => matches!(default.kind, Kind::Int(_)),
        Some("number") => matches!(default.kind, Kind::Int(_) | Kind::Float(_)),
        Some("boolean") => matches!(default.kind, Kind::Bool(_)),
        Some("array") => matches!(default.kind, Kind::Seq(_)),
        Some("object") => matches!(default.kind, Kind::Map(_)),
        _ => true,
    };
    if !fits {
        let ty = schema.get("type").and_then(Node::as_str).unwrap_or_default();
        return Some(format!(
            "{} is {}, but the schema's type is {ty}",
            shown(),
            default.kind_name()
        ));
    }
    if let Some(values) = schema.get("enum").and_then(Node::as_seq)
        && !values.iter().any(|v| v == default)
    {
        let listed: Vec<String> = values
            .iter()
            .map(|v| serde_json::to_string(&v.to_json()).unwrap_or_default())
            .collect();
        return Some(format!(
            "{} is not one of the enum values {}",
            shown(),
            listed.join(", ")
        ));
    }
    let number = default.as_f64();
    let bound = |key: &str| schema.get(key).and_then(Node::as_f64);
    if let Some(n) = number {
        if bound("minimum").is_some_and(|min| n < min) {
            return Some(format!("{} is below the schema's minimum", shown()));
        }
        if bound("maximum").is_some_and(|max| n > max) {
            return Some(format!("{} is above the schema's maximum", shown()));
        }
    }
    None
}

pub fn template_params(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}
