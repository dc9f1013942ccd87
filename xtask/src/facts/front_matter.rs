//! The extractor for documentation sites whose pages keep each endpoint in YAML front matter
//! (CloudHealth's API guide, a Jekyll site): `title`, `type` (the method), `endpoint` (the URL,
//! with `:name` path parameters) and `parameters` (each with `name`, `required: yes|no`, and
//! `sub-fields` for an object's members).
//!
//! Read per record entry whose source is a file of the checkout: an operation's title, method,
//! path, its path parameters (from the endpoint) and, for a `GET` or `DELETE`, its query
//! parameters; for a `POST`, `PUT` or `PATCH`, the page's parameters are the fields of the
//! operation's request body, the schema the spec names for it (sub-fields go to the schema of their
//! property). Types and enums are prose on these pages, so they are not read.

use super::{Bodies, Covered, Extracted, Reading};
use finops_spec::SourceFiles;
use finops_spec::diagnostic::{Diagnostic, Location};
use finops_spec::facts::RecordedFacts;
use finops_spec::node::Node;
use std::collections::BTreeSet;
use std::path::Path;

/// Reads the files of `checkout` that the record cites as `source:<path>`.
pub fn read(
    record: &RecordedFacts,
    bodies: &Bodies,
    source: &str,
    checkout: &Path,
    reading: &mut Reading,
) -> Result<(), Diagnostic> {
    let mut pages: BTreeSet<&str> = BTreeSet::new();
    for cited in record.entries.values() {
        if let Some(path) = cited.strip_prefix(source).and_then(|rest| rest.strip_prefix(':')) {
            pages.insert(path);
        }
    }
    for page in pages {
        let reference = format!("{source}:{page}");
        let entries: Vec<&String> = record
            .entries
            .iter()
            .filter(|(_, cited)| **cited == reference)
            .map(|(prefix, _)| prefix)
            .collect();
        let file = checkout.join(page);
        if !file.is_file() {
            for prefix in entries {
                reading.missing.push((prefix.clone(), reference.clone()));
            }
            continue;
        }
        let front = FrontMatter::read(&file, checkout)?;
        let at = |line: u32| format!("{reference}:{line}");
        for prefix in entries.iter().filter(|p| p.starts_with("operations.")) {
            operation(prefix, &front, &at, &reference, reading);
            let id = prefix.trim_start_matches("operations.");
            if let Some((schema, properties)) = bodies.get(id)
                && front
                    .method()
                    .is_some_and(|m| matches!(m.as_str(), "post" | "put" | "patch"))
            {
                body_fields(record, schema, properties, &front, &at, &reference, reading);
            }
        }
    }
    Ok(())
}

/// A page's front matter, parsed with its lines.
struct FrontMatter {
    node: Node,
    /// The line of the file the front matter's first line is on.
    first_line: u32,
}

impl FrontMatter {
    fn read(file: &Path, checkout: &Path) -> Result<Self, Diagnostic> {
        let mut files = SourceFiles::new(checkout.to_path_buf());
        let id = files.add(file.to_path_buf());
        let located = |line: Option<usize>, message: String| {
            Diagnostic::new(message).at(Location {
                file: files.display(id),
                line,
                column: None,
                pointer: String::new(),
            })
        };
        let text = std::fs::read_to_string(file).map_err(|e| located(None, format!("cannot read the page: {e}")))?;
        let mut lines = text.lines();
        if lines.next().map(str::trim_end) != Some("---") {
            return Err(located(
                Some(1),
                "the page does not start with front matter (`---`)".into(),
            ));
        }
        let body: Vec<&str> = lines.by_ref().take_while(|line| line.trim_end() != "---").collect();
        if body.len() + 1 >= text.lines().count() {
            return Err(located(
                Some(1),
                "the page's front matter is not closed (no second `---`)".into(),
            ));
        }
        let yaml = body.join("\n");
        let node = finops_spec::yaml::parse(yaml.as_bytes(), id).map_err(|e| {
            let line = e.line.map(|l| l + 1);
            located(line, format!("the page's front matter is not YAML: {}", e.message))
        })?;
        if node.as_map().is_none() {
            return Err(located(Some(2), "the page's front matter is not a mapping".into()));
        }
        Ok(FrontMatter { node, first_line: 2 })
    }

    fn line(&self, node: &Node) -> u32 {
        node.origin.line + self.first_line - 1
    }

    fn text(&self, key: &str) -> Option<(String, u32)> {
        let node = self.node.get(key)?;
        Some((node.as_str()?.trim().to_string(), self.line(node)))
    }

    fn method(&self) -> Option<String> {
        self.text("type").map(|(method, _)| method.to_lowercase())
    }

    /// The endpoint's path, with `:name` segments written `{name}`, and the names.
    fn path(&self) -> Option<(String, Vec<String>, u32)> {
        let (endpoint, line) = self.text("endpoint")?;
        let after_scheme = endpoint.split_once("://").map_or(endpoint.as_str(), |(_, rest)| rest);
        let path = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let mut names = Vec::new();
        let segments: Vec<String> = path
            .split('/')
            .map(|segment| match segment.strip_prefix(':') {
                Some(name) => {
                    names.push(name.to_string());
                    format!("{{{name}}}")
                }
                None => segment.to_string(),
            })
            .collect();
        Some((segments.join("/"), names, line))
    }

    /// The `parameters` list: each name, whether required, its line, and its sub-fields.
    fn parameters(&self, list: Option<&Node>) -> Vec<Parameter> {
        list.and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|item| {
                let name = item.get("name")?;
                Some(Parameter {
                    name: name.as_str()?.trim().to_string(),
                    required: item.get("required").is_some_and(|r| {
                        r.is_true() || r.as_str().is_some_and(|t| matches!(t.trim(), "yes" | "true" | "Yes"))
                    }),
                    line: self.line(name),
                    sub_fields: self.parameters(item.get("sub-fields")),
                })
            })
            .collect()
    }
}

struct Parameter {
    name: String,
    required: bool,
    line: u32,
    sub_fields: Vec<Parameter>,
}

fn push(reading: &mut Reading, key: String, value: impl Into<String>, at: String) {
    reading.facts.push(Extracted {
        key,
        value: value.into(),
        at,
    });
}

fn operation(prefix: &str, front: &FrontMatter, at: &dyn Fn(u32) -> String, reference: &str, reading: &mut Reading) {
    reading.covered.push(Covered {
        prefix: prefix.to_string(),
        kinds: &["title", "method", "path"],
        source: reference.to_string(),
    });
    if let Some((title, line)) = front.text("title") {
        push(reading, format!("{prefix}.title"), title, at(line));
    }
    if let (Some(method), Some((_, line))) = (front.method(), front.text("type")) {
        push(reading, format!("{prefix}.method"), method, at(line));
    }
    let Some((path, in_path, line)) = front.path() else {
        return;
    };
    push(reading, format!("{prefix}.path"), path, at(line));
    let parameters = format!("{prefix}.parameters");
    reading.covered.push(Covered {
        prefix: parameters.clone(),
        kinds: &["present", "required", "in"],
        source: reference.to_string(),
    });
    for name in &in_path {
        let key = format!("{parameters}.{name}");
        push(reading, key.clone(), "present", at(line));
        push(reading, format!("{key}.required"), "true", at(line));
        push(reading, format!("{key}.in"), "path", at(line));
    }
    if front
        .method()
        .is_some_and(|m| matches!(m.as_str(), "get" | "delete" | "head"))
    {
        for parameter in front.parameters(front.node.get("parameters")) {
            if in_path.contains(&parameter.name) {
                continue;
            }
            let key = format!("{parameters}.{}", parameter.name);
            push(reading, key.clone(), "present", at(parameter.line));
            push(
                reading,
                format!("{key}.required"),
                parameter.required.to_string(),
                at(parameter.line),
            );
            push(reading, format!("{key}.in"), "query", at(parameter.line));
        }
    }
}

/// The page's parameters as the fields of the operation's request body `schema` (when the record
/// has it), and their sub-fields as those of the schema each property names.
fn body_fields(
    record: &RecordedFacts,
    schema: &str,
    properties: &std::collections::BTreeMap<String, String>,
    front: &FrontMatter,
    at: &dyn Fn(u32) -> String,
    reference: &str,
    reading: &mut Reading,
) {
    let top = front.parameters(front.node.get("parameters"));
    fields(record, schema, &top, at, reference, reading);
    for parameter in top.iter().filter(|p| !p.sub_fields.is_empty()) {
        if let Some(inner) = properties.get(&parameter.name) {
            fields(record, inner, &parameter.sub_fields, at, reference, reading);
        }
    }
}

fn fields(
    record: &RecordedFacts,
    schema: &str,
    parameters: &[Parameter],
    at: &dyn Fn(u32) -> String,
    reference: &str,
    reading: &mut Reading,
) {
    if !record.entries.contains_key(&format!("schemas.{schema}")) {
        return;
    }
    let prefix = format!("schemas.{schema}.fields");
    reading.covered.push(Covered {
        prefix: prefix.clone(),
        kinds: &["present", "required"],
        source: reference.to_string(),
    });
    for parameter in parameters {
        let key = format!("{prefix}.{}", parameter.name);
        push(reading, key.clone(), "present", at(parameter.line));
        push(
            reading,
            format!("{key}.required"),
            parameter.required.to_string(),
            at(parameter.line),
        );
    }
}
