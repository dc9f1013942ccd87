//! Lowering: an OpenAPI 3.1 document brought to the OpenAPI 3.0 form that the checks and the
//! generator read.
//!
//! The stage runs between bundling and checking ([`crate::read`]). A 3.0 document passes through
//! untouched. In a 3.1 document, every construct with a faithful 3.0 form is rewritten in place.
//! Each rewritten node keeps the source position it was written at, so a later error (a check, the
//! OpenAPI 3.0 schema, lint, the facts check) still names the file and line the author wrote.
//!
//! | OpenAPI 3.1 (JSON Schema 2020-12)                 | 3.0 form                                         |
//! |---------------------------------------------------|--------------------------------------------------|
//! | `type: [T, 'null']`                               | `type: T`, `nullable: true`                      |
//! | an `anyOf`/`oneOf` branch `{type: 'null'}`        | the other branches, `nullable: true`             |
//! | `const: v`                                        | `enum: [v]`, and `v`'s type when none is given   |
//! | `exclusiveMinimum: n` (a number)                  | `minimum: n`, `exclusiveMinimum: true`           |
//! | `examples: [a, b]` on a schema                    | `example: a`; the whole list as `x-examples`     |
//! | `$ref` with sibling keywords                      | `allOf: [{$ref}]` beside the siblings            |
//! | `contentEncoding: base64`                         | `format: byte`                                   |
//! | `contentMediaType: application/octet-stream`      | `format: binary`                                 |
//! | `contentMediaType` of any other type              | `x-content-media-type`                           |
//! | `unevaluatedProperties` with no composition       | `additionalProperties`                           |
//! | `unevaluatedItems` with no `items`                | `items`                                          |
//! | the schema `true`                                 | `{}`                                             |
//! | `$comment`                                        | removed                                          |
//! | `info.summary`                                    | `info.x-summary`                                 |
//! | `license.identifier`                              | `license.url`, the SPDX page of the identifier   |
//! | `jsonSchemaDialect` or `$schema` naming OpenAPI 3.1's dialect or 2020-12 | removed              |
//! | a path `$ref: '#/components/pathItems/X'`         | the path item itself                             |
//! | `webhooks`, unused `components/pathItems`         | removed, each with a [`Note`]                    |
//!
//! What has no 3.0 form the generator can honour is an error at its position with a help line:
//! tuples (`prefixItems`), conditional and dependent keywords (`if`, `dependentRequired`,
//! `dependentSchemas`), `patternProperties`, `propertyNames`, `contains`, `unevaluatedProperties`
//! beside a composition, `$defs` and the identifier keywords (`$id`, `$anchor`, `$dynamicRef`),
//! another dialect, a type list with two non-null types, a schema that only allows null, the
//! schema `false`, an encoding other than base64, and a reference object overriding the
//! description of the parameter or response it points to. The 3.0 spellings that 3.1 dropped
//! (`nullable`, a boolean `exclusiveMinimum`) are errors in a 3.1 document too, since every other
//! 3.1 tool would ignore them.

use super::SourceFiles;
use super::node::{Kind, Node, Origin};
use super::{push_index, push_key};
use crate::diagnostic::{Diagnostic, Diagnostics, escape_pointer_token};
use std::cmp::Ordering;

/// The version the lowered document declares: the one the checks and the OpenAPI 3.0 schema expect.
pub const LOWERED_VERSION: &str = "3.0.3";

/// The dialects a 3.1 document may name in `jsonSchemaDialect` or `$schema`: OpenAPI 3.1's own
/// (whose published versions share this prefix) and plain JSON Schema 2020-12.
const DIALECT_PREFIXES: [&str; 2] = [
    "https://spec.openapis.org/oas/3.1/dialect/",
    "https://json-schema.org/draft/2020-12/schema",
];

/// Something the stage left out of the generated crate on purpose, with where it was written.
/// Shown by `codegen`, `lint` and the generated README; never an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note(pub Diagnostic);

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.to_string();
        write!(f, "note: {}", text.strip_prefix("error: ").unwrap_or(&text))
    }
}

/// Whether `document` is an OpenAPI 3.1 document (`openapi: 3.1.x`).
pub fn is_3_1(document: &Node) -> bool {
    document
        .get("openapi")
        .and_then(Node::as_str)
        .and_then(|v| v.strip_prefix("3.1."))
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

/// Lowers `document` in place when it is a 3.1 document, returning what was left out. Nothing is
/// changed for a 3.0 document.
pub fn lower(document: &mut Node, files: &SourceFiles) -> Result<Vec<Note>, Diagnostics> {
    if !is_3_1(document) {
        return Ok(Vec::new());
    }
    let mut lowering = Lowering {
        files,
        errors: Diagnostics::default(),
        notes: Vec::new(),
    };
    lowering.document(document);
    lowering.errors.into_result()?;
    Ok(lowering.notes)
}

struct Lowering<'a> {
    files: &'a SourceFiles,
    errors: Diagnostics,
    notes: Vec<Note>,
}

impl Lowering<'_> {
    fn error(&mut self, origin: Origin, pointer: &str, message: impl Into<String>, help: impl Into<String>) {
        let location = self.files.location(origin, pointer);
        self.errors.push(Diagnostic::new(message).at(location).help(help));
    }

    fn note(&mut self, origin: Origin, pointer: &str, message: impl Into<String>) {
        let location = self.files.location(origin, pointer);
        self.notes.push(Note(Diagnostic::new(message).at(location)));
    }

    fn document(&mut self, document: &mut Node) {
        let origin = document.get("openapi").map_or(document.origin, |v| v.origin);
        document.set("openapi", Node::new(Kind::String(LOWERED_VERSION.into()), origin));
        if let Some(dialect) = document.remove("jsonSchemaDialect") {
            self.dialect(&dialect, "/jsonSchemaDialect", "jsonSchemaDialect");
        }
        if let Some(info) = document.get_mut("info") {
            rename(info, "summary", "x-summary");
            if let Some(license) = info.get_mut("license")
                && let Some(identifier) = license.remove("identifier")
            {
                if license.get("url").is_some() {
                    self.error(
                        identifier.origin,
                        "/info/license/identifier",
                        "`license` has both `identifier` and `url`",
                        "OpenAPI 3.1 allows one of them; keep the SPDX `identifier`",
                    );
                } else if let Some(id) = identifier.as_str() {
                    let url = format!("https://spdx.org/licenses/{id}.html");
                    license.set("url", Node::new(Kind::String(url), identifier.origin));
                }
            }
        }
        if let Some(webhooks) = document.remove("webhooks") {
            self.must_be_map(&webhooks, "/webhooks", "`webhooks`");
            for (name, item) in webhooks.as_map().unwrap_or_default() {
                self.note(
                    item.origin,
                    &format!("/webhooks/{}", escape_pointer_token(name)),
                    format!("webhook `{name}` is not generated: a client sends requests and does not receive webhooks"),
                );
            }
        }
        self.path_item_components(document);
        self.walk(document, &mut String::new());
    }

    /// A section the stage removes is checked here, since the OpenAPI 3.0 schema never sees it.
    fn must_be_map(&mut self, node: &Node, pointer: &str, what: &str) {
        if node.as_map().is_none() {
            self.error(
                node.origin,
                pointer,
                format!("{what} must map names to path items, not be {}", node.kind_name()),
                "write each path item under its name",
            );
        }
    }

    /// Checks a dialect URI (`jsonSchemaDialect`, `$schema`); the node is removed by the caller.
    fn dialect(&mut self, dialect: &Node, pointer: &str, key: &str) {
        let known = dialect
            .as_str()
            .is_some_and(|d| DIALECT_PREFIXES.iter().any(|p| d.trim_end_matches('#').starts_with(p)));
        if !known {
            let shown = dialect.as_str().unwrap_or("(not a string)");
            self.error(
                dialect.origin,
                pointer,
                format!("`{key}: {shown}` names a dialect the generator does not read"),
                "remove it (the default is OpenAPI 3.1's dialect), or write https://spec.openapis.org/oas/3.1/dialect/base",
            );
        }
    }

    /// Inlines every path item that is a `$ref` to `#/components/pathItems/<name>` (OpenAPI 3.0
    /// has no such components), then removes them, with a note for each one no path used.
    fn path_item_components(&mut self, document: &mut Node) {
        let components = document.get_mut("components").and_then(|c| c.remove("pathItems"));
        if let Some(components) = &components {
            self.must_be_map(components, "/components/pathItems", "`components/pathItems`");
        }
        let mut used = std::collections::BTreeSet::new();
        if let Some(Kind::Map(paths)) = document.get_mut("paths").map(|p| &mut p.kind) {
            for (path, item) in paths.iter_mut() {
                let Some(target) = item.get("$ref").and_then(Node::as_str).map(str::to_string) else {
                    continue;
                };
                let pointer = format!("/paths/{}", escape_pointer_token(path));
                let name = target
                    .strip_prefix("#/components/pathItems/")
                    .map(crate::diagnostic::unescape_pointer_token);
                let found = name.as_deref().and_then(|n| components.as_ref().and_then(|c| c.get(n)));
                let Some(found) = found else {
                    self.error(
                        item.origin,
                        &format!("{pointer}/$ref"),
                        format!("path item `$ref: {target}` points to no `components/pathItems` entry"),
                        "refer to a path item under #/components/pathItems, or to a file",
                    );
                    continue;
                };
                if found.get("$ref").is_some() {
                    self.error(
                        found.origin,
                        &format!(
                            "/components/pathItems/{}",
                            escape_pointer_token(name.as_deref().unwrap_or_default())
                        ),
                        "a path item component that is itself a `$ref`",
                        "write the operations in the component, or refer the path to the file directly",
                    );
                    continue;
                }
                let mut inlined = found.clone();
                for (key, value) in item.as_map().unwrap_or_default() {
                    if key == "$ref" {
                        continue;
                    }
                    if matches!(key.as_str(), "summary" | "description") {
                        inlined.set(key, value.clone());
                    } else {
                        self.error(
                            value.origin,
                            &format!("{pointer}/{}", escape_pointer_token(key)),
                            format!("`{key}` beside a path item `$ref`: OpenAPI leaves the result undefined"),
                            "write it in the referenced path item",
                        );
                    }
                }
                used.extend(name);
                *item = inlined;
            }
        }
        for (name, item) in components.as_ref().and_then(Node::as_map).unwrap_or_default() {
            if !used.contains(name) {
                self.note(
                    item.origin,
                    &format!("/components/pathItems/{}", escape_pointer_token(name)),
                    format!("path item `{name}` is not generated: no path refers to it"),
                );
            }
        }
    }

    /// Walks the document outside schemas, lowering every schema it reaches.
    fn walk(&mut self, node: &mut Node, pointer: &mut String) {
        let origin = node.origin;
        match &mut node.kind {
            Kind::Map(entries) => {
                let overrides: Vec<&str> = entries
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .filter(|k| matches!(*k, "summary" | "description"))
                    .collect();
                if entries.iter().any(|(k, _)| k == "$ref") && !overrides.is_empty() {
                    self.error(
                        origin,
                        pointer,
                        format!(
                            "this reference overrides the `{}` of what it points to; OpenAPI 3.0 has no such override",
                            overrides.join("` and `")
                        ),
                        "write the text in the component itself, or copy the component",
                    );
                }
                let in_components = pointer == "/components";
                // The keys of `paths` and of a `components` section are names, never data keys.
                let names =
                    pointer == "/paths" || (pointer.starts_with("/components/") && pointer.matches('/').count() == 2);
                for (key, value) in entries.iter_mut() {
                    if !names && data(key) {
                        continue;
                    }
                    let len = push_key(pointer, key);
                    if key == "schema" {
                        self.schema(value, pointer);
                    } else if in_components && key == "schemas" {
                        self.schema_map(value, pointer);
                    } else {
                        self.walk(value, pointer);
                    }
                    pointer.truncate(len);
                }
            }
            Kind::Seq(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let len = push_index(pointer, i);
                    self.walk(item, pointer);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    fn schema_map(&mut self, map: &mut Node, pointer: &mut String) {
        if let Kind::Map(entries) = &mut map.kind {
            for (name, schema) in entries.iter_mut() {
                let len = push_key(pointer, name);
                self.schema(schema, pointer);
                pointer.truncate(len);
            }
        }
    }

    fn schema_list(&mut self, list: &mut Node, pointer: &mut String) {
        if let Kind::Seq(items) = &mut list.kind {
            for (i, schema) in items.iter_mut().enumerate() {
                let len = push_index(pointer, i);
                self.schema(schema, pointer);
                pointer.truncate(len);
            }
        }
    }

    /// Lowers one schema and, through it, every schema inside it.
    fn schema(&mut self, schema: &mut Node, pointer: &mut String) {
        match schema.kind {
            Kind::Bool(true) => {
                schema.kind = Kind::Map(Vec::new());
                return;
            }
            Kind::Bool(false) => {
                self.error(
                    schema.origin,
                    pointer,
                    "the schema `false` (no value is valid) has no OpenAPI 3.0 form",
                    "leave the property out, and say in its description that it must not be sent",
                );
                return;
            }
            Kind::Map(_) => {}
            // Anything else is not a schema; the OpenAPI 3.0 schema check reports it.
            _ => return,
        }
        schema.remove("$comment");
        if let Some(dialect) = schema.remove("$schema") {
            self.dialect(&dialect, &format!("{pointer}/$schema"), "$schema");
        }
        self.refused(schema, pointer);
        self.spelled_as_3_0(schema, pointer);
        self.null_branches(schema, pointer);
        self.type_list(schema, pointer);
        self.constant(schema, pointer);
        for (exclusive, inclusive, stricter) in [
            ("exclusiveMinimum", "minimum", Ordering::Greater),
            ("exclusiveMaximum", "maximum", Ordering::Less),
        ] {
            exclusive_bound(schema, exclusive, inclusive, stricter);
        }
        self.examples(schema, pointer);
        self.content(schema, pointer);
        self.unevaluated(schema, pointer);
        self.children(schema, pointer);
        wrap_sibling_ref(schema);
    }

    /// The 2020-12 keywords with no 3.0 form the generator can honour.
    fn refused(&mut self, schema: &Node, pointer: &str) {
        for (key, value) in schema.as_map().unwrap_or_default() {
            let (what, help) = match key.as_str() {
                "prefixItems" => (
                    "a tuple (`prefixItems`)",
                    "describe the array with `items` (a `oneOf` of the item shapes), or use an object with named properties",
                ),
                "contains" | "minContains" | "maxContains" => (
                    "a `contains` rule",
                    "describe the array with `items`, and state the rule in the description",
                ),
                "dependentRequired" => (
                    "`dependentRequired`",
                    "state the rule in the properties' descriptions; a generated type cannot require one field because another is set",
                ),
                // One message for `if`/`then`/`else`, at the `if` when there is one.
                "then" | "else" if schema.get("if").is_some() => continue,
                "dependentSchemas" | "if" | "then" | "else" => (
                    "a conditional schema",
                    "list every property in one schema, or split the shapes with `oneOf`, and state the rule in the description",
                ),
                "patternProperties" => (
                    "`patternProperties`",
                    "use `additionalProperties` with the value schema, and state the key pattern in the description",
                ),
                "propertyNames" => (
                    "`propertyNames`",
                    "use `additionalProperties`, and state the key rule in the description",
                ),
                "$defs" => (
                    "`$defs`",
                    "move each definition under `components/schemas` and refer to it with `$ref: '#/components/schemas/<Name>'`",
                ),
                "$id" | "$anchor" | "$dynamicRef" | "$dynamicAnchor" | "$vocabulary" => (
                    "a schema identifier",
                    "name the schema under `components/schemas` and refer to it with `$ref: '#/components/schemas/<Name>'`",
                ),
                "contentSchema" => (
                    "`contentSchema`",
                    "describe the encoded document in the description; the generated field is a string",
                ),
                _ => continue,
            };
            self.error(
                value.origin,
                &format!("{pointer}/{}", escape_pointer_token(key)),
                format!("{what} has no OpenAPI 3.0 form the generator can honour"),
                help,
            );
        }
    }

    /// `nullable` and boolean exclusive bounds: 3.0 spellings that a 3.1 document may not use.
    fn spelled_as_3_0(&mut self, schema: &Node, pointer: &str) {
        if let Some(nullable) = schema.get("nullable") {
            self.error(
                nullable.origin,
                &format!("{pointer}/nullable"),
                "`nullable` is not an OpenAPI 3.1 keyword; 3.1 tools ignore it",
                "write `type: [<type>, 'null']`",
            );
        }
        for key in ["exclusiveMinimum", "exclusiveMaximum"] {
            if let Some(value) = schema.get(key)
                && matches!(value.kind, Kind::Bool(_))
            {
                self.error(
                    value.origin,
                    &format!("{pointer}/{key}"),
                    format!("`{key}` is a number in OpenAPI 3.1, not a boolean"),
                    format!("write `{key}: <bound>` in place of the inclusive bound and `{key}: true`"),
                );
            }
        }
    }

    /// `anyOf`/`oneOf` with a `{type: 'null'}` branch: the other branches, and `nullable: true`.
    fn null_branches(&mut self, schema: &mut Node, pointer: &str) {
        for key in ["anyOf", "oneOf"] {
            let Some(Kind::Seq(branches)) = schema.get_mut(key).map(|b| &mut b.kind) else {
                continue;
            };
            let Some(null) = branches.iter().find(|b| is_null_schema(b)).map(|b| b.origin) else {
                continue;
            };
            branches.retain(|b| !is_null_schema(b));
            let mut rest = std::mem::take(branches);
            if rest.is_empty() {
                self.error(
                    null,
                    &format!("{pointer}/{key}"),
                    format!(
                        "every branch of this `{key}` is null: a schema that only allows null has no OpenAPI 3.0 form"
                    ),
                    "leave the property out, or give it a type",
                );
                return;
            }
            let nullable = Node::new(Kind::Bool(true), null);
            let branch_keys: Vec<String> = rest[0]
                .as_map()
                .unwrap_or_default()
                .iter()
                .map(|(k, _)| k.clone())
                .collect();
            let clashes = |schema: &Node| branch_keys.iter().any(|k| schema.get(k).is_some() && k != key);
            if rest.len() == 1 && rest[0].get("$ref").is_none() && !clashes(schema) {
                // `anyOf: [{type: string}, {type: 'null'}]` is `{type: string, nullable: true}`.
                schema.remove(key);
                if let Kind::Map(entries) = rest.remove(0).kind {
                    for (k, v) in entries {
                        schema.set(&k, v);
                    }
                }
            } else if rest.len() == 1 && schema.get("allOf").is_none() {
                // `anyOf: [{$ref: X}, {type: 'null'}]` is 3.0's `allOf: [{$ref: X}], nullable: true`.
                let origin = schema.get(key).map_or(null, |b| b.origin);
                schema.remove(key);
                schema.set("allOf", Node::new(Kind::Seq(rest), origin));
            } else if let Some(list) = schema.get_mut(key) {
                list.kind = Kind::Seq(rest);
            }
            schema.set("nullable", nullable);
        }
    }

    /// `type: [T, 'null']` → `type: T`, `nullable: true`.
    fn type_list(&mut self, schema: &mut Node, pointer: &str) {
        let Some(ty) = schema.get("type") else { return };
        if ty.as_str() == Some("null") {
            self.error(
                ty.origin,
                &format!("{pointer}/type"),
                "a schema that only allows null has no OpenAPI 3.0 form",
                "leave the property out, or give it a type besides 'null'",
            );
            return;
        }
        let Some(types) = ty.as_seq() else { return };
        let origin = ty.origin;
        let mut names: Vec<&str> = Vec::new();
        for t in types {
            match t.as_str() {
                Some(name) if !names.contains(&name) => names.push(name),
                Some(_) => {}
                None => {
                    self.error(
                        t.origin,
                        &format!("{pointer}/type"),
                        "a `type` list holds type names",
                        "write the types as strings, e.g. `type: [string, 'null']`",
                    );
                    return;
                }
            }
        }
        let null = names.contains(&"null");
        names.retain(|n| *n != "null");
        match names.as_slice() {
            [] => self.error(
                origin,
                &format!("{pointer}/type"),
                "a schema that only allows null has no OpenAPI 3.0 form",
                "leave the property out, or give it a type besides 'null'",
            ),
            [single] => {
                let single = Node::new(Kind::String(single.to_string()), origin);
                schema.set("type", single);
                if null {
                    schema.set("nullable", Node::new(Kind::Bool(true), origin));
                }
            }
            several => self.error(
                origin,
                &format!("{pointer}/type"),
                format!(
                    "`type: [{}]` allows several types; an OpenAPI 3.0 schema has one",
                    several.join(", ")
                ),
                "write `oneOf` with one schema per type (and `type: 'null'` as a branch if null is allowed)",
            ),
        }
    }

    /// `const: v` → `enum: [v]`, with `v`'s type when the schema names none.
    fn constant(&mut self, schema: &mut Node, pointer: &str) {
        let Some(value) = schema.get("const") else { return };
        let here = format!("{pointer}/const");
        if schema.get("enum").is_some() {
            self.error(
                value.origin,
                &here,
                "`const` beside `enum`",
                "keep one of them: `const` for a single value, `enum` for a list",
            );
            return;
        }
        let ty = match value.kind {
            Kind::String(_) => "string",
            Kind::Int(_) => "integer",
            Kind::Float(_) => "number",
            Kind::Bool(_) => "boolean",
            Kind::Null => {
                self.error(
                    value.origin,
                    &here,
                    "`const: null` (a schema that only allows null) has no OpenAPI 3.0 form",
                    "leave the property out, or give it a type",
                );
                return;
            }
            Kind::Seq(_) | Kind::Map(_) => {
                self.error(
                    value.origin,
                    &here,
                    format!(
                        "a `const` that is {} has no form the generator can honour",
                        value.kind_name()
                    ),
                    "describe the value's shape with a schema, and the value in the description",
                );
                return;
            }
        };
        let origin = value.origin;
        let Some(value) = schema.remove("const") else { return };
        schema.set("enum", Node::new(Kind::Seq(vec![value]), origin));
        if schema.get("type").is_none() {
            schema.set("type", Node::new(Kind::String(ty.into()), origin));
        }
    }

    /// `examples: [a, b]` → `example: a`, and the list as `x-examples` when it says more.
    fn examples(&mut self, schema: &mut Node, pointer: &str) {
        let Some(examples) = schema.remove("examples") else {
            return;
        };
        let Some(list) = examples.as_seq() else {
            self.error(
                examples.origin,
                &format!("{pointer}/examples"),
                format!(
                    "a schema's `examples` is a list of values, not {}",
                    examples.kind_name()
                ),
                "write `examples: [<value>]`",
            );
            return;
        };
        let Some(first) = list.first() else { return };
        let more = list.len() > 1 || schema.get("example").is_some();
        if schema.get("example").is_none() {
            schema.set("example", first.clone());
        }
        if more {
            schema.set("x-examples", examples);
        }
    }

    /// `contentEncoding` and `contentMediaType` on strings.
    fn content(&mut self, schema: &mut Node, pointer: &str) {
        let format = schema.get("format").and_then(Node::as_str).map(str::to_string);
        let encoded = match schema.remove("contentEncoding") {
            Some(encoding) if encoding.as_str() == Some("base64") => {
                if format.as_deref().is_some_and(|f| f != "byte") {
                    self.error(
                        encoding.origin,
                        &format!("{pointer}/contentEncoding"),
                        format!(
                            "`contentEncoding: base64` beside `format: {}`",
                            format.as_deref().unwrap_or_default()
                        ),
                        "remove `format`: base64 content is OpenAPI 3.0's `format: byte`",
                    );
                }
                schema.set("format", Node::new(Kind::String("byte".into()), encoding.origin));
                true
            }
            Some(encoding) => {
                let shown = encoding.as_str().unwrap_or("(not a string)");
                self.error(
                    encoding.origin,
                    &format!("{pointer}/contentEncoding"),
                    format!("`contentEncoding: {shown}` has no OpenAPI 3.0 form the generator can honour"),
                    "use base64 (OpenAPI 3.0's `format: byte`), or a plain string that names its encoding in the description",
                );
                true
            }
            None => false,
        };
        let Some(media) = schema.remove("contentMediaType") else {
            return;
        };
        if !encoded && media.as_str() == Some("application/octet-stream") && format.is_none() {
            schema.set("format", Node::new(Kind::String("binary".into()), media.origin));
        } else {
            schema.set("x-content-media-type", media);
        }
    }

    /// `unevaluatedProperties` and `unevaluatedItems`, where they mean what 3.0 can say.
    fn unevaluated(&mut self, schema: &mut Node, pointer: &str) {
        let composed = ["allOf", "anyOf", "oneOf", "$ref"]
            .into_iter()
            .find(|k| schema.get(k).is_some());
        for (key, plain, covered_by) in [
            ("unevaluatedProperties", "additionalProperties", "additionalProperties"),
            ("unevaluatedItems", "items", "items"),
        ] {
            let Some(value) = schema.get(key) else { continue };
            if value.is_true() {
                schema.remove(key);
            } else if let Some(composed) = composed {
                self.error(
                    value.origin,
                    &format!("{pointer}/{key}"),
                    format!("`{key}` beside `{composed}` has no OpenAPI 3.0 form the generator can honour"),
                    format!("list every property in one object schema with `{plain}`, in place of combining schemas"),
                );
            } else if schema.get(covered_by).is_some() {
                // Every property (item) is already evaluated, so the keyword adds nothing.
                schema.remove(key);
            } else {
                rename(schema, key, plain);
            }
        }
    }

    /// Lowers the schemas inside `schema`.
    fn children(&mut self, schema: &mut Node, pointer: &mut String) {
        let Kind::Map(entries) = &mut schema.kind else { return };
        for (key, value) in entries.iter_mut() {
            let len = push_key(pointer, key);
            match key.as_str() {
                "properties" => self.schema_map(value, pointer),
                "allOf" | "anyOf" | "oneOf" => self.schema_list(value, pointer),
                "items" | "not" => self.schema(value, pointer),
                "additionalProperties" if value.as_map().is_some() => self.schema(value, pointer),
                _ => {}
            }
            pointer.truncate(len);
        }
    }
}

/// `exclusiveMinimum: n` → `minimum: n`, `exclusiveMinimum: true`, unless an inclusive bound that
/// is stricter (`stricter` than `n`) is also given, which then stands alone.
fn exclusive_bound(schema: &mut Node, exclusive: &str, inclusive: &str, stricter: Ordering) {
    let Some(bound) = schema.get(exclusive).filter(|b| b.as_f64().is_some()).cloned() else {
        return;
    };
    let inclusive_wins = schema
        .get(inclusive)
        .and_then(Node::as_f64)
        .zip(bound.as_f64())
        .is_some_and(|(i, e)| i.partial_cmp(&e) == Some(stricter));
    if inclusive_wins {
        schema.remove(exclusive);
    } else {
        let origin = bound.origin;
        schema.set(inclusive, bound);
        schema.set(exclusive, Node::new(Kind::Bool(true), origin));
    }
}

/// `$ref` with sibling keywords (which 3.1 applies, and 3.0 ignores) → `allOf: [{$ref}]` beside them.
fn wrap_sibling_ref(schema: &mut Node) {
    let Some(entries) = schema.as_map() else { return };
    let siblings = entries
        .iter()
        .filter(|(k, _)| k != "$ref" && !k.starts_with("x-"))
        .count();
    if siblings == 0 || schema.get("$ref").is_none() {
        return;
    }
    let Some(reference) = schema.remove("$ref") else {
        return;
    };
    let wrapped = Node::new(Kind::Map(vec![("$ref".into(), reference.clone())]), reference.origin);
    match schema.get_mut("allOf").map(|a| &mut a.kind) {
        Some(Kind::Seq(list)) => list.insert(0, wrapped),
        _ => schema.set("allOf", Node::new(Kind::Seq(vec![wrapped]), reference.origin)),
    }
}

/// `{type: 'null'}` (with annotations at most): the null branch of a 3.1 nullable union.
fn is_null_schema(node: &Node) -> bool {
    let Some(entries) = node.as_map() else { return false };
    let null_type = |n: &Node| match &n.kind {
        Kind::String(s) => s == "null",
        Kind::Seq(items) => items.len() == 1 && items[0].as_str() == Some("null"),
        _ => false,
    };
    node.get("type").is_some_and(null_type)
        && entries.iter().all(|(k, _)| {
            k == "type" || k.starts_with("x-") || matches!(k.as_str(), "description" | "title" | "$comment")
        })
}

/// Keys whose values are data or extensions, never schemas or references to lower: examples
/// (`example`, an Example object's `value`), defaults, enum values and `x-` extensions.
fn data(key: &str) -> bool {
    key.starts_with("x-") || matches!(key, "example" | "value" | "default" | "enum" | "const")
}

fn rename(node: &mut Node, from: &str, to: &str) {
    if let Some(value) = node.remove(from) {
        node.set(to, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use std::path::PathBuf;

    /// Lowers a 3.1 document given as YAML: the 3.0 form as JSON and the notes, or the errors.
    fn lowered(yaml: &str) -> Result<(Value, Vec<String>), String> {
        let mut files = SourceFiles::new(PathBuf::from("/specs"));
        let id = files.add(PathBuf::from("/specs/t/openapi.yaml"));
        let mut document = crate::yaml::parse(yaml.as_bytes(), id).map_err(|e| format!("{e:?}"))?;
        let notes = lower(&mut document, &files).map_err(|d| d.to_string())?;
        Ok((document.to_json(), notes.iter().map(ToString::to_string).collect()))
    }

    /// The lowered form of one schema, written at `/components/schemas/S`.
    fn schema(yaml: &str) -> Result<Value, String> {
        let indented: String = yaml.lines().map(|l| format!("      {l}\n")).collect();
        let document = format!(
            "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    S:\n{indented}"
        );
        lowered(&document).map(|(doc, _)| doc["components"]["schemas"]["S"].clone())
    }

    #[test]
    fn a_3_0_document_is_left_alone() {
        let yaml = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\nx-a: {type: [string, 'null']}\n";
        let (doc, notes) = lowered(yaml).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["x-a"], json!({"type": ["string", "null"]}));
        assert!(notes.is_empty());
    }

    #[test]
    fn type_lists_with_null_become_nullable() {
        assert_eq!(
            schema("type: [string, 'null']\nformat: date-time").unwrap(),
            json!({"type": "string", "format": "date-time", "nullable": true})
        );
        assert_eq!(schema("type: [integer]").unwrap(), json!({"type": "integer"}));
        let nested = schema("type: object\nproperties:\n  a: {type: ['null', number]}\n  b: {type: array, items: {type: [string, 'null']}}").unwrap();
        assert_eq!(nested["properties"]["a"], json!({"type": "number", "nullable": true}));
        assert_eq!(
            nested["properties"]["b"]["items"],
            json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn null_branches_of_unions_become_nullable() {
        assert_eq!(
            schema("anyOf: [{$ref: '#/components/schemas/B'}, {type: 'null'}]\ndescription: d").unwrap(),
            json!({"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true, "description": "d"})
        );
        assert_eq!(
            schema("oneOf: [{type: string, maxLength: 3}, {type: 'null'}]").unwrap(),
            json!({"type": "string", "maxLength": 3, "nullable": true})
        );
        assert_eq!(
            schema("oneOf: [{type: string}, {type: integer}, {type: 'null'}]").unwrap(),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn const_becomes_a_one_value_enum_with_its_type() {
        assert_eq!(
            schema("const: usd").unwrap(),
            json!({"enum": ["usd"], "type": "string"})
        );
        assert_eq!(
            schema("type: integer\nconst: 2").unwrap(),
            json!({"enum": [2], "type": "integer"})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_ones() {
        assert_eq!(
            schema("type: number\nexclusiveMinimum: 0\nexclusiveMaximum: 100.5").unwrap(),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 100.5, "exclusiveMaximum": true})
        );
        // The stricter bound wins when both kinds are given.
        assert_eq!(
            schema("type: integer\nminimum: 5\nexclusiveMinimum: 0").unwrap(),
            json!({"type": "integer", "minimum": 5})
        );
        assert_eq!(
            schema("type: integer\nminimum: 0\nexclusiveMinimum: 0").unwrap(),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn schema_examples_become_example() {
        assert_eq!(
            schema("type: string\nexamples: [a]").unwrap(),
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema("type: string\nexamples: [a, b]").unwrap(),
            json!({"type": "string", "example": "a", "x-examples": ["a", "b"]})
        );
    }

    #[test]
    fn ref_siblings_apply_through_all_of() {
        assert_eq!(
            schema("$ref: '#/components/schemas/B'\ndescription: The owner.").unwrap(),
            json!({"allOf": [{"$ref": "#/components/schemas/B"}], "description": "The owner."})
        );
        assert_eq!(
            schema("$ref: '#/components/schemas/B'\nx-note: kept").unwrap(),
            json!({"$ref": "#/components/schemas/B", "x-note": "kept"})
        );
    }

    #[test]
    fn content_keywords_become_formats() {
        assert_eq!(
            schema("type: string\ncontentEncoding: base64\ncontentMediaType: image/png").unwrap(),
            json!({"type": "string", "format": "byte", "x-content-media-type": "image/png"})
        );
        assert_eq!(
            schema("type: string\ncontentMediaType: application/octet-stream").unwrap(),
            json!({"type": "string", "format": "binary"})
        );
    }

    #[test]
    fn unevaluated_keywords_without_composition_become_plain_ones() {
        assert_eq!(
            schema("type: object\nunevaluatedProperties: {type: ['string', 'null']}").unwrap(),
            json!({"type": "object", "additionalProperties": {"type": "string", "nullable": true}})
        );
        assert_eq!(
            schema("type: object\nadditionalProperties: false\nunevaluatedProperties: false").unwrap(),
            json!({"type": "object", "additionalProperties": false})
        );
        assert_eq!(
            schema("type: array\nunevaluatedItems: {type: string}").unwrap(),
            json!({"type": "array", "items": {"type": "string"}})
        );
        assert_eq!(
            schema("type: object\nunevaluatedProperties: true").unwrap(),
            json!({"type": "object"})
        );
    }

    #[test]
    fn comments_dialects_and_true_schemas() {
        assert_eq!(
            schema("$comment: why\n$schema: https://json-schema.org/draft/2020-12/schema\ntype: object\nproperties:\n  any: true").unwrap(),
            json!({"type": "object", "properties": {"any": {}}})
        );
    }

    #[test]
    fn document_keywords_are_lowered() {
        let yaml = "openapi: 3.1.1
jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base
info: {title: T, version: '1', summary: Short., license: {name: Apache 2.0, identifier: Apache-2.0}}
paths:
  /a: {$ref: '#/components/pathItems/A', description: Overridden.}
webhooks:
  budgetExceeded: {post: {responses: {'200': {description: ok}}}}
components:
  pathItems:
    A: {get: {operationId: get_a, responses: {'200': {description: ok}}}}
    Unused: {get: {operationId: get_u, responses: {'200': {description: ok}}}}
";
        let (doc, notes) = lowered(yaml).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("jsonSchemaDialect").is_none() && doc.get("webhooks").is_none());
        assert_eq!(doc["info"]["x-summary"], "Short.");
        assert_eq!(
            doc["info"]["license"],
            json!({"name": "Apache 2.0", "url": "https://spdx.org/licenses/Apache-2.0.html"})
        );
        assert_eq!(doc["paths"]["/a"]["get"]["operationId"], "get_a");
        assert_eq!(doc["paths"]["/a"]["description"], "Overridden.");
        assert_eq!(doc["components"], json!({}));
        let not_a_map = yaml.replace(
            "webhooks:\n  budgetExceeded:",
            "webhooks: []\nx-old:\n  budgetExceeded:",
        );
        assert!(
            lowered(&not_a_map)
                .unwrap_err()
                .contains("(at #/webhooks): `webhooks` must map names to path items, not be a list")
        );
        let chained = yaml.replace("A: {get:", "A: {$ref: '#/components/pathItems/Unused'}\n    B: {get:");
        assert!(
            lowered(&chained)
                .unwrap_err()
                .contains("a path item component that is itself a `$ref`")
        );
        assert_eq!(
            notes,
            [
                "note: t/openapi.yaml:7:19 (at #/webhooks/budgetExceeded): webhook `budgetExceeded` is not generated: a client sends requests and does not receive webhooks",
                "note: t/openapi.yaml:11:13 (at #/components/pathItems/Unused): path item `Unused` is not generated: no path refers to it",
            ]
        );
    }

    #[test]
    fn components_are_lowered_whatever_their_names_and_example_values_are_left_alone() {
        let yaml = "openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
components:
  parameters:
    example: {name: e, in: query, schema: {type: [string, 'null']}}
  examples:
    default: {value: {$ref: kept, description: data, type: [string, 'null']}}
";
        let (doc, _) = lowered(yaml).unwrap();
        assert_eq!(
            doc["components"]["parameters"]["example"]["schema"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            doc["components"]["examples"]["default"]["value"],
            json!({"$ref": "kept", "description": "data", "type": ["string", "null"]})
        );
    }

    #[test]
    fn what_has_no_3_0_form_is_an_error_at_its_line() {
        let cases = [
            (
                "type: array\nprefixItems: [{type: string}]",
                "openapi.yaml:8:20 (at #/components/schemas/S/prefixItems): a tuple (`prefixItems`) has no OpenAPI 3.0 form",
            ),
            (
                "type: object\ndependentRequired: {a: [b]}",
                "(at #/components/schemas/S/dependentRequired): `dependentRequired` has no OpenAPI 3.0 form",
            ),
            (
                "allOf: [{type: object}]\nunevaluatedProperties: false",
                "(at #/components/schemas/S/unevaluatedProperties): `unevaluatedProperties` beside `allOf`",
            ),
            (
                "type: [string, integer]",
                "`type: [string, integer]` allows several types",
            ),
            ("type: 'null'", "a schema that only allows null"),
            (
                "type: string\nnullable: true",
                "`nullable` is not an OpenAPI 3.1 keyword",
            ),
            (
                "type: integer\nminimum: 1\nexclusiveMinimum: true",
                "`exclusiveMinimum` is a number in OpenAPI 3.1",
            ),
            ("const: a\nenum: [a, b]", "`const` beside `enum`"),
            (
                "$schema: https://json-schema.org/draft-07/schema",
                "names a dialect the generator does not read",
            ),
            (
                "type: string\ncontentEncoding: base64url",
                "`contentEncoding: base64url` has no OpenAPI 3.0 form",
            ),
            (
                "type: object\nproperties:\n  gone: false",
                "(at #/components/schemas/S/properties/gone): the schema `false`",
            ),
            ("$defs: {A: {type: string}}", "`$defs` has no OpenAPI 3.0 form"),
            (
                "if: {type: string}\nthen: {minLength: 1}",
                "(at #/components/schemas/S/if): a conditional schema",
            ),
        ];
        for (yaml, expected) in cases {
            let error = schema(yaml).expect_err(yaml);
            assert!(error.starts_with("error: t/openapi.yaml:"), "{yaml}: {error}");
            assert!(
                error.contains(expected),
                "{yaml}:\n{error}\ndoes not contain: {expected}"
            );
            assert!(error.contains("\n  help: "), "{yaml}: no help line in {error}");
        }
    }
}
