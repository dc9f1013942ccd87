//! `cargo xtask lint`: the house rules for specs, each finding with a rule id, a severity, the
//! file, line and JSON pointer. Errors fail the command; warnings do not.
//!
//! Whether the generator accepts the spec is decided first, by the same gate as `cargo xtask
//! codegen` ([`crate::codegen::accept`]); its messages are rule `spec-load`.

use crate::diagnostic::{Diagnostic, escape_pointer_token as esc};
use crate::spec::BundledSpec;
use crate::spec::json_schema;
use crate::spec::walk;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding of one rule.
#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: Severity,
    pub rule: &'static str,
    pub diagnostic: Diagnostic,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let text = self.diagnostic.to_string();
        let text = text.strip_prefix("error: ").unwrap_or(&text);
        write!(f, "{severity}[{}]: {text}", self.rule)
    }
}

/// Every rule, for `--help`-style listings and the README.
pub const RULES: &[(&str, Severity, &str)] = &[
    (
        "spec-load",
        Severity::Error,
        "the generator accepts the spec (codegen's own checks and messages)",
    ),
    (
        "operation-id-style",
        Severity::Error,
        "operationId is snake_case verb_noun (`get_customer`)",
    ),
    ("operation-summary", Severity::Error, "every operation has a summary"),
    (
        "operation-external-docs",
        Severity::Error,
        "every operation links its source page in `externalDocs`",
    ),
    (
        "operation-security",
        Severity::Error,
        "every operation has a security requirement naming a declared scheme",
    ),
    (
        "operation-error-response",
        Severity::Error,
        "every operation documents at least one error response",
    ),
    (
        "property-type",
        Severity::Error,
        "every schema property has a `type` (or `$ref`, or a composition)",
    ),
    (
        "example-valid",
        Severity::Error,
        "every example validates against its schema",
    ),
    ("enum-duplicates", Severity::Error, "no enum lists a value twice"),
    ("servers", Severity::Error, "the document lists its servers"),
    (
        "source-facts",
        Severity::Error,
        "every fact in facts.yaml holds in the spec, and every spec element has a recorded source, unless `x-doc-errata` names it",
    ),
    (
        "docs-agree",
        Severity::Error,
        "an operation's prose agrees with its declarations: a rate it states is declared in `x-rate-limits`, and a token-driven list that ends on a missing next link says so where it describes the walk",
    ),
    (
        "description-bare-url",
        Severity::Error,
        "no bare URL in a description (rustdoc, run with warnings denied, rejects it in doc comments)",
    ),
    ("unused-component", Severity::Warning, "every component is referenced"),
    (
        "inline-enum",
        Severity::Warning,
        "string enums are components (inline ones generate closed enums)",
    ),
    (
        "pagination-undeclared",
        Severity::Warning,
        "a success body shaped like one page of a collection (an items array with a count, cursor or link) has an `x-pagination` declaration",
    ),
    (
        "request-default",
        Severity::Warning,
        "no `default:` in request schemas (generated code would always send it)",
    ),
    (
        "not-generated",
        Severity::Warning,
        "what an OpenAPI 3.1 spec has that a client cannot use (webhooks, unused path items) is named",
    ),
];

struct Linter<'a> {
    spec: &'a BundledSpec,
    doc: Value,
    out: Vec<Finding>,
}

/// Lints one loaded API.
pub fn lint(spec: &BundledSpec) -> Vec<Finding> {
    let mut linter = Linter {
        spec,
        doc: spec.document.to_json(),
        out: Vec::new(),
    };
    linter.run();
    linter.out.extend(spec.notes.iter().map(|note| Finding {
        severity: Severity::Warning,
        rule: "not-generated",
        diagnostic: note.0.clone(),
    }));
    if let Err(diagnostics) = crate::spec::facts::check(spec) {
        linter.out.extend(diagnostics.into_iter().map(|diagnostic| Finding {
            severity: Severity::Error,
            rule: "source-facts",
            diagnostic,
        }));
    }
    linter
        .out
        .sort_by(|a, b| (a.severity, a.rule).cmp(&(b.severity, b.rule)));
    linter.out
}

/// Lints one API folder: a spec the generator does not accept (see [`crate::codegen::accept`])
/// gives codegen's own messages as `spec-load` findings; an accepted one gets the house rules.
pub fn lint_api(api: &crate::spec::ApiDir, root: &std::path::Path) -> Vec<Finding> {
    match crate::codegen::accept(api, root, &mut Default::default()) {
        Ok((spec, _)) => lint(&spec),
        Err(diagnostics) => load_failures(diagnostics),
    }
}

/// A spec that does not load, as `spec-load` findings.
pub fn load_failures(diagnostics: crate::diagnostic::Diagnostics) -> Vec<Finding> {
    diagnostics
        .0
        .into_iter()
        .map(|diagnostic| Finding {
            severity: Severity::Error,
            rule: "spec-load",
            diagnostic,
        })
        .collect()
}

/// The first URL in `text` that is neither in `<…>` nor the target of a Markdown link `](…)`.
fn bare_url(text: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(found) = ["https://", "http://"]
        .iter()
        .filter_map(|s| text[from..].find(s))
        .min()
    {
        let start = from + found;
        let end = text[start..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == ')')
            .map_or(text.len(), |n| start + n);
        let before = text[..start].chars().next_back();
        let wrapped = before == Some('<') || (before == Some('(') && text[..start - 1].ends_with(']'));
        if !wrapped {
            return Some(text[start..end].trim_end_matches(['.', ',', ';']));
        }
        from = end;
    }
    None
}

/// Property names that mark one page of a collection, compared without case or `_`. A `links`
/// object is not one: single resources carry the same links as collections.
const PAGING_MARKERS: &[&str] = &[
    "count",
    "total",
    "totalcount",
    "totalitems",
    "next",
    "nextlink",
    "nextpage",
    "nextpagetoken",
    "pagetoken",
    "continuationtoken",
    "cursor",
    "nextcursor",
    "hasmore",
];

/// The first success response whose JSON body is an object with an array property and a paging
/// marker, with the markers found.
fn collection_shape(doc: &Value, responses: Option<&serde_json::Map<String, Value>>) -> Option<(String, Vec<String>)> {
    let resolve = |node| walk::resolve(doc, node);
    for (status, response) in responses.into_iter().flatten() {
        if !status.starts_with('2') {
            continue;
        }
        let response = resolve(response);
        let Some(schema) = response.pointer("/content/application~1json/schema").map(resolve) else {
            continue;
        };
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let has_array = properties
            .values()
            .any(|p| resolve(p).get("type").and_then(Value::as_str) == Some("array"));
        let markers: Vec<String> = properties
            .keys()
            .filter(|name| {
                let plain: String = name
                    .chars()
                    .filter(|c| *c != '_')
                    .collect::<String>()
                    .to_ascii_lowercase();
                PAGING_MARKERS.contains(&plain.as_str())
            })
            .map(|name| format!("`{name}`"))
            .collect();
        if has_array && !markers.is_empty() {
            return Some((status.clone(), markers));
        }
    }
    None
}

/// A rate the text states, such as `500 requests per minute`: the number and the words up to
/// the unit.
fn stated_rate(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(4).find_map(|w| {
        let number = w[0].trim_start_matches('(').replace(',', "");
        let is_rate = !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit())
            && matches!(w[1].to_lowercase().as_str(), "requests" | "request" | "calls")
            && w[2].eq_ignore_ascii_case("per");
        let unit = w[3].trim_end_matches(|c: char| !c.is_alphanumeric());
        is_rate.then(|| format!("{number} {} per {unit}", w[1]))
    })
}

fn is_snake_verb_noun(id: &str) -> bool {
    let words: Vec<&str> = id.split('_').collect();
    words.len() >= 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && id.as_bytes()[0].is_ascii_lowercase()
}

impl Linter<'_> {
    fn report(&mut self, severity: Severity, rule: &'static str, pointer: &str, message: String, help: &str) {
        let diagnostic = self.spec.error_at(pointer, message).help(help);
        self.out.push(Finding {
            severity,
            rule,
            diagnostic,
        });
    }

    fn run(&mut self) {
        let doc = self.doc.clone();
        if doc.get("servers").and_then(Value::as_array).is_none_or(Vec::is_empty) {
            self.report(
                Severity::Error,
                "servers",
                "",
                "the document lists no `servers`".into(),
                "add the API's base URLs under `servers`, each with an `x-environment` name",
            );
        }
        let schemes: BTreeSet<String> = doc
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default();
        for op in walk::operations(&doc) {
            self.operation(&doc, op.operation, &op.pointer(), &schemes);
        }
        self.bare_urls(&doc, String::new());
        self.schemas(&doc, String::new(), false);
        self.unused_components(&doc);
    }

    fn operation(&mut self, doc: &Value, op: &Value, pointer: &str, schemes: &BTreeSet<String>) {
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
        if !is_snake_verb_noun(id) {
            self.report(
                Severity::Error,
                "operation-id-style",
                &format!("{pointer}/operationId"),
                format!("operationId `{id}` is not snake_case verb_noun"),
                "name it like `get_customer` or `update_usage_budget`; it becomes the Rust method name",
            );
        }
        if op
            .get("summary")
            .and_then(Value::as_str)
            .is_none_or(|s| s.trim().is_empty())
        {
            self.report(
                Severity::Error,
                "operation-summary",
                pointer,
                format!("operation `{id}` has no summary"),
                "add a one-line `summary`",
            );
        }
        if op.pointer("/externalDocs/url").and_then(Value::as_str).is_none() {
            self.report(
                Severity::Error,
                "operation-external-docs",
                pointer,
                format!("operation `{id}` does not link its source page"),
                "add `externalDocs: {url: <vendor page>}`",
            );
        }
        let security = op.get("security").or_else(|| doc.get("security"));
        let named: Vec<&String> = security
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|requirement| requirement.keys())
            .collect();
        if named.is_empty() {
            self.report(
                Severity::Error,
                "operation-security",
                pointer,
                format!("operation `{id}` has no security requirement"),
                "add `security` to the operation or the document",
            );
        }
        for name in named.iter().filter(|n| !schemes.contains(**n)) {
            self.report(
                Severity::Error,
                "operation-security",
                pointer,
                format!("operation `{id}` requires undeclared security scheme `{name}`"),
                "declare it under `components/securitySchemes`",
            );
        }
        let responses = op.get("responses").and_then(Value::as_object);
        let has_error = responses.is_some_and(|r| {
            r.keys()
                .any(|k| k == "default" || k.starts_with('4') || k.starts_with('5'))
        });
        if !has_error {
            self.report(
                Severity::Error,
                "operation-error-response",
                &format!("{pointer}/responses"),
                format!("operation `{id}` documents no error response"),
                "document the error statuses the page lists, with their body",
            );
        }
        if op.get("x-pagination").is_none()
            && let Some((status, markers)) = collection_shape(doc, responses)
        {
            self.report(
                Severity::Warning,
                "pagination-undeclared",
                &format!("{pointer}/responses/{}", esc(&status)),
                format!(
                    "operation `{id}` returns an items array with {}, but declares no `x-pagination`",
                    markers.join(", ")
                ),
                "declare how the list pages (`style: page-number`, `continuation-token` or `next-link`), or `style: single-page` with `why:` when the collection comes whole",
            );
        }
        self.docs_agree(doc, op, pointer, id);
        if let Some(content) = op.pointer("/requestBody/content").and_then(Value::as_object) {
            for (media, body) in content {
                let at = format!("{pointer}/requestBody/content/{}", esc(media));
                self.examples(doc, body, &at);
            }
        }
        for (status, response) in responses.into_iter().flatten() {
            let response = match response.get("$ref").and_then(Value::as_str) {
                Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(response),
                None => response,
            };
            for (media, body) in response.get("content").and_then(Value::as_object).into_iter().flatten() {
                let at = format!("{pointer}/responses/{}/content/{}", esc(status), esc(media));
                self.examples(doc, body, &at);
            }
        }
    }

    /// `docs-agree`: what the operation's prose (summary, description, code samples, response
    /// descriptions) says about its rate limit and its paging matches what the spec declares, since
    /// the generated docs and behaviour follow the declarations, not the prose.
    fn docs_agree(&mut self, doc: &Value, op: &Value, pointer: &str, id: &str) {
        let mut texts: Vec<(String, &str)> = Vec::new();
        for key in ["summary", "description"] {
            if let Some(text) = op.get(key).and_then(Value::as_str) {
                texts.push((format!("{pointer}/{key}"), text));
            }
        }
        for (index, sample) in op
            .get("x-codeSamples")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(text) = sample.get("source").and_then(Value::as_str) {
                texts.push((format!("{pointer}/x-codeSamples/{index}/source"), text));
            }
        }
        for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
            let response = match response.get("$ref").and_then(Value::as_str) {
                Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(response),
                None => response,
            };
            if let Some(text) = response.get("description").and_then(Value::as_str) {
                texts.push((format!("{pointer}/responses/{}/description", esc(status)), text));
            }
        }
        let declares_rate = op.get("x-rate-limits").is_some()
            || doc
                .get("x-rate-limits")
                .and_then(Value::as_array)
                .is_some_and(|limits| {
                    limits.iter().any(|limit| {
                        limit
                            .get("operations")
                            .and_then(Value::as_array)
                            .is_none_or(|ops| ops.iter().any(|o| o.as_str() == Some(id)))
                    })
                });
        if !declares_rate && let Some((at, rate)) = texts.iter().find_map(|(at, text)| Some((at, stated_rate(text)?))) {
            self.report(
                Severity::Error,
                "docs-agree",
                at,
                format!("operation `{id}`'s text gives a rate limit ({rate}) that no `x-rate-limits` declares"),
                "declare it in `x-rate-limits` (the client paces by it and its README lists it), or reword the text",
            );
        }
        let ends_on_link = op.pointer("/x-pagination/style").and_then(Value::as_str) == Some("continuation-token")
            && op.pointer("/x-pagination/last-page/next-link").is_some();
        if ends_on_link {
            for (at, text) in &texts {
                let lower = text.to_lowercase();
                if lower.contains("continuation token") && !lower.contains("next link") {
                    self.report(
                        Severity::Error,
                        "docs-agree",
                        at,
                        format!(
                            "operation `{id}`'s text describes a walk by continuation token, but the list ends at the first page without a next link"
                        ),
                        "say where the walk ends (\"the last page is the one without a next link\")",
                    );
                }
            }
        }
    }

    /// `example` and `examples.*.value` of one media type object validate against its schema.
    fn examples(&mut self, doc: &Value, media: &Value, pointer: &str) {
        let Some(schema) = media.get("schema") else { return };
        let mut examples: Vec<(String, &Value)> = Vec::new();
        if let Some(example) = media.get("example") {
            examples.push((format!("{pointer}/example"), example));
        }
        for (name, example) in media.get("examples").and_then(Value::as_object).into_iter().flatten() {
            if let Some(value) = example.get("value") {
                examples.push((format!("{pointer}/examples/{}/value", esc(name)), value));
            }
        }
        if examples.is_empty() {
            return;
        }
        let document = json_schema::schema_document(doc, schema);
        let validator = match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&document)
        {
            Ok(v) => v,
            Err(e) => {
                self.report(
                    Severity::Error,
                    "example-valid",
                    pointer,
                    format!("the schema cannot be used to validate: {e}"),
                    "fix the schema",
                );
                return;
            }
        };
        for (at, example) in examples {
            let errors: Vec<String> = validator
                .iter_errors(example)
                .map(|e| format!("{e} (at {})", e.instance_path()))
                .collect();
            if !errors.is_empty() {
                self.report(
                    Severity::Error,
                    "example-valid",
                    &at,
                    format!("the example does not match its schema: {}", errors.join("; ")),
                    "correct the example (noting the page's version in `x-doc-errata`) or the schema",
                );
            }
        }
    }

    /// Walks every schema: property types, enum duplicates, inline enums, request defaults.
    fn schemas(&mut self, node: &Value, pointer: String, in_request: bool) {
        match node {
            Value::Object(map) => {
                let is_component_schema =
                    pointer.starts_with("/components/schemas/") && pointer.matches('/').count() == 3;
                if let Some(properties) = map.get("properties").and_then(Value::as_object) {
                    for (name, property) in properties {
                        let typed = ["type", "$ref", "oneOf", "anyOf", "allOf"]
                            .iter()
                            .any(|k| property.get(*k).is_some());
                        if !typed {
                            self.report(
                                Severity::Error,
                                "property-type",
                                &format!("{pointer}/properties/{}", esc(name)),
                                format!("property `{name}` has no type"),
                                "add `type:` (or `$ref` a component)",
                            );
                        }
                    }
                }
                if let Some(values) = map.get("enum").and_then(Value::as_array) {
                    let mut seen = BTreeSet::new();
                    for value in values {
                        if !seen.insert(value.to_string()) {
                            self.report(
                                Severity::Error,
                                "enum-duplicates",
                                &format!("{pointer}/enum"),
                                format!("enum value {value} is listed twice"),
                                "list each value once",
                            );
                        }
                    }
                    let string_enum = map.get("type").and_then(Value::as_str) == Some("string");
                    if string_enum
                        && !is_component_schema
                        && !pointer.contains("/oneOf/")
                        && !pointer.contains("/anyOf/")
                    {
                        self.report(Severity::Warning, "inline-enum", &pointer, "this string enum is inline, so it generates a closed enum".into(), "move it to `components/schemas` and `$ref` it: component enums are open (an unknown value is kept)");
                    }
                }
                if in_request && map.contains_key("default") && (map.contains_key("type") || map.contains_key("$ref")) {
                    self.report(
                        Severity::Warning,
                        "request-default",
                        &format!("{pointer}/default"),
                        "a request schema has a `default`; generated code sends it on every call".into(),
                        "state the service's default in the description instead",
                    );
                }
                for (key, value) in map {
                    if key.starts_with("x-")
                        || key == "example"
                        || key == "examples"
                        || key == "enum"
                        || key == "default"
                    {
                        continue;
                    }
                    let request = in_request || key == "requestBody" || key == "parameters";
                    self.schemas(value, format!("{pointer}/{}", esc(key)), request && key != "responses");
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.schemas(item, format!("{pointer}/{i}"), in_request);
                }
            }
            _ => {}
        }
    }

    /// Descriptions become doc comments; a URL in them must be `<https://…>` or a Markdown link.
    fn bare_urls(&mut self, node: &Value, pointer: String) {
        match node {
            Value::Object(map) => {
                for (key, value) in map {
                    let at = format!("{pointer}/{}", esc(key));
                    match (key.as_str(), value) {
                        ("description" | "summary", Value::String(text)) => {
                            if let Some(url) = bare_url(text) {
                                self.report(
                                    Severity::Error,
                                    "description-bare-url",
                                    &at,
                                    format!("the text has a bare URL, {url}"),
                                    "write it as `<https://…>` or as a Markdown link `[text](https://…)`",
                                );
                            }
                        }
                        // Examples and extensions are data, not prose.
                        ("example" | "examples", _) => {}
                        _ if key.starts_with("x-") => {}
                        _ => self.bare_urls(value, at),
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.bare_urls(item, format!("{pointer}/{i}"));
                }
            }
            _ => {}
        }
    }

    fn unused_components(&mut self, doc: &Value) {
        let text = doc.to_string();
        for kind in [
            "schemas",
            "parameters",
            "responses",
            "headers",
            "requestBodies",
            "examples",
        ] {
            for name in doc
                .pointer(&format!("/components/{kind}"))
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|c| c.keys())
            {
                let reference = format!("\"#/components/{kind}/{}\"", esc(name));
                if !text.contains(&reference) {
                    self.report(
                        Severity::Warning,
                        "unused-component",
                        &format!("/components/{kind}/{}", esc(name)),
                        format!("component `{name}` is not referenced"),
                        "remove it, or refer to it where it belongs",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::bare_url;

    #[test]
    fn only_unwrapped_urls_are_bare() {
        assert_eq!(bare_url("see https://a.example/x."), Some("https://a.example/x"));
        assert_eq!(bare_url("see (https://a.example/x)"), Some("https://a.example/x"));
        assert_eq!(bare_url("see <https://a.example/x>"), None);
        assert_eq!(bare_url("see [the page](https://a.example/x)"), None);
        assert_eq!(bare_url("no link here"), None);
    }
}
