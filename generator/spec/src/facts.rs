//! The facts record: what each vendor source says about an API, checked against its spec.
//!
//! `specs/<api>/facts.yaml` lists, per object schema and per operation, the fields, parameters,
//! statuses and response headers that a vendor source documents, each with its source (a page URL,
//! or a file of a repository at a commit). [`check`] compares the record with the bundled spec in
//! both directions: a recorded fact the spec contradicts, and a spec element that no fact gives,
//! are each a finding unless an `x-doc-errata` entry names the fact's key in its `facts:` list. An
//! errata key that excuses nothing is a finding too, so the errata stay true.
//!
//! Fact keys are dot paths: `schemas.Customer.fields.id` (the field exists), with `.type`,
//! `.required`, `.nullable`, `.enum` or `.format` for one property of it;
//! `operations.get_customer.parameters.environment` (and the same suffixes, plus `.in`);
//! `operations.get_customer.statuses.422`; `operations.get_customer.response_headers.MS-CV`;
//! `operations.get_customer.method`, `.path` and `.docs` (its `externalDocs.url` is the page its
//! facts come from). A key also excuses every key below it, so
//! `schemas.CustomerList` covers a schema the sources do not describe at all.

use crate::diagnostic::{Diagnostic, Location, escape_pointer_token as esc};
use crate::node::Node;
use crate::walk::{self, resolve};
use crate::{BundledSpec, SourceFiles, yaml};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The record's file name inside an API folder.
pub const FACTS_FILE: &str = "facts.yaml";

const HELP_DEPART: &str = "make the spec say what the source says, or add an `x-doc-errata` entry to an operation \
     that explains the departure and names this key in its `facts:`";

/// What one API's record holds, for the READMEs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Recorded facts: schema fields, parameters, statuses and response headers.
    pub facts: usize,
    /// Distinct sources (pages and repository files) the facts cite.
    pub sources: usize,
    /// Fact keys that `x-doc-errata` entries name as departures.
    pub departures: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    sources: BTreeMap<String, Source>,
    #[serde(default)]
    shared: BTreeMap<String, Group>,
    #[serde(default)]
    schemas: BTreeMap<String, SchemaFacts>,
    #[serde(default)]
    operations: BTreeMap<String, OperationFacts>,
}

/// A page (`url`) or a repository read at one commit (`repo` and `commit`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    url: Option<String>,
    repo: Option<String>,
    commit: Option<String>,
    /// For a repository of documentation pages: the URL its files are published at, with
    /// `{path}` (the file), `{collection}` (its first folder, less a leading `_`) and `{title}` (the
    /// operation's `title`, slugified as Jekyll does).
    pages: Option<String>,
}

/// Facts that several operations share, such as API-wide error statuses and headers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    source: String,
    #[serde(default)]
    statuses: Vec<Value>,
    #[serde(default)]
    parameters: BTreeMap<String, ValueFact>,
    #[serde(default)]
    response_headers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaFacts {
    source: String,
    fields: BTreeMap<String, ValueFact>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationFacts {
    source: String,
    /// The page's title, where the source's `pages` URL is built from it.
    title: Option<String>,
    method: String,
    path: String,
    #[serde(default)]
    shared: Vec<String>,
    #[serde(default)]
    parameters: BTreeMap<String, ValueFact>,
    #[serde(default)]
    statuses: Vec<Value>,
    #[serde(default)]
    response_headers: Vec<String>,
}

/// One field or parameter as a source gives it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueFact {
    #[serde(rename = "type")]
    type_label: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    nullable: bool,
    #[serde(rename = "enum")]
    values: Option<Vec<Value>>,
    format: Option<String>,
    source: Option<String>,
    #[serde(rename = "in")]
    location: Option<String>,
}

/// Formats that carry meaning beyond the Rust type chosen for a value; a spec that states one
/// needs a source for it. Number widths (`int64`, `double`) are the spec's own choice.
const MEANINGFUL_FORMATS: [&str; 5] = ["date-time", "date", "uuid", "email", "uri"];

/// Checks `spec` against its API's `facts.yaml`.
pub fn check(spec: &BundledSpec) -> Result<Summary, Vec<Diagnostic>> {
    let (summary, findings) = examine(spec)?;
    if findings.is_empty() {
        Ok(summary)
    } else {
        Err(findings)
    }
}

/// What the API's record holds, whether or not the spec agrees with it; `None` when the API has
/// no readable record.
pub fn summary(spec: &BundledSpec) -> Option<Summary> {
    examine(spec).ok().map(|(summary, _)| summary)
}

/// The record's summary and its findings; `Err` when the record cannot be read at all.
fn examine(spec: &BundledSpec) -> Result<(Summary, Vec<Diagnostic>), Vec<Diagnostic>> {
    let path = spec.api.dir.join(FACTS_FILE);
    let mut files = SourceFiles::new(spec.files.display_root().to_path_buf());
    let file = files.add(path.clone());
    let bytes = std::fs::read(&path).map_err(|e| {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "the API has no facts record".to_string(),
            _ => format!("cannot read the facts record: {e}"),
        };
        let location = Location {
            file: files.display(file),
            line: None,
            column: None,
            pointer: String::new(),
        };
        vec![Diagnostic::new(message).at(location).help(
            "record in facts.yaml the facts each vendor source gives (see the README's \"How the specs are proven\")",
        )]
    })?;
    let node = yaml::parse(&bytes, file).map_err(|e| vec![e.into_diagnostic(files.display(file))])?;
    let record: Record = serde_path_to_error::deserialize(node.to_json()).map_err(|e| {
        let pointer: String = e
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Map { key } => Some(format!("/{}", esc(key))),
                serde_path_to_error::Segment::Seq { index } => Some(format!("/{index}")),
                _ => None,
            })
            .collect();
        vec![Diagnostic::new(e.inner().to_string()).at(locate(&files, &node, &pointer))]
    })?;
    let mut checker = Checker {
        spec,
        doc: spec.document.to_json(),
        record: &record,
        files: &files,
        node: &node,
        errata: BTreeMap::new(),
        used: BTreeSet::new(),
        cited: BTreeSet::new(),
        out: Vec::new(),
    };
    checker.run();
    Ok((checker.summary(), checker.out))
}

/// The position of the node at `pointer` in facts.yaml, or of its nearest existing ancestor.
fn locate(files: &SourceFiles, root: &Node, pointer: &str) -> Location {
    files.location(root.nearest(pointer).origin, pointer)
}

struct Checker<'a> {
    spec: &'a BundledSpec,
    doc: Value,
    record: &'a Record,
    files: &'a SourceFiles,
    node: &'a Node,
    /// Every key named by an `x-doc-errata` entry, with the entry's pointer in the spec.
    errata: BTreeMap<String, String>,
    /// Errata keys that excused a departure.
    used: BTreeSet<String>,
    /// Source references the facts cite, as written (`id` or `id:path`).
    cited: BTreeSet<String>,
    out: Vec<Diagnostic>,
}

/// One operation as the spec has it.
struct SpecOperation {
    method: String,
    path: String,
    pointer: String,
    value: Value,
}

impl Checker<'_> {
    fn run(&mut self) {
        self.collect_errata();
        self.sources();
        self.schemas();
        self.operations();
        self.stale_errata();
    }

    fn summary(&self) -> Summary {
        let record = self.record;
        let groups: usize = record
            .shared
            .values()
            .map(|g| g.statuses.len() + g.parameters.len() + g.response_headers.len())
            .sum();
        let schemas: usize = record.schemas.values().map(|s| s.fields.len()).sum();
        let operations: usize = record
            .operations
            .values()
            .map(|o| o.parameters.len() + o.statuses.len() + o.response_headers.len())
            .sum();
        Summary {
            facts: groups + schemas + operations,
            sources: self.cited.len(),
            departures: self.errata.len(),
        }
    }

    fn in_facts(&self, pointer: &str) -> Location {
        locate(self.files, self.node, pointer)
    }

    fn collect_errata(&mut self) {
        for (_, op) in self.spec_operations() {
            let entries = op.value.get("x-doc-errata").and_then(Value::as_array);
            for (i, entry) in entries.into_iter().flatten().enumerate() {
                let keys = entry.get("facts").and_then(Value::as_array);
                for (j, key) in keys.into_iter().flatten().enumerate() {
                    let pointer = format!("{}/x-doc-errata/{i}/facts/{j}", op.pointer);
                    match key.as_str() {
                        Some(key) if key.starts_with("schemas.") || key.starts_with("operations.") => {
                            self.errata.insert(key.to_string(), pointer);
                        }
                        _ => self.out.push(
                            self.spec
                                .error_at(
                                    &pointer,
                                    format!("errata fact key {key} is not a `schemas.` or `operations.` key"),
                                )
                                .help("name a key of facts.yaml, such as `schemas.Customer.fields.id.type`"),
                        ),
                    }
                }
            }
        }
    }

    /// The errata key that excuses `key`: the key itself or one of its ancestors.
    fn excuse(&self, key: &str) -> Option<String> {
        let mut candidate = key;
        loop {
            if self.errata.contains_key(candidate) {
                return Some(candidate.to_string());
            }
            candidate = &candidate[..candidate.rfind('.')?];
        }
    }

    /// Records a departure of the spec from the record at `key`, unless an errata entry excuses it.
    fn depart(&mut self, key: String, location: Location, message: String) {
        match self.excuse(&key) {
            Some(excuse) => {
                self.used.insert(excuse);
            }
            None => self.out.push(
                Diagnostic::new(format!("{key}: {message}"))
                    .at(location)
                    .help(HELP_DEPART),
            ),
        }
    }

    fn sources(&mut self) {
        for (id, source) in &self.record.sources {
            let pointer = format!("/sources/{}", esc(id));
            let problem = match (&source.url, &source.repo, &source.commit) {
                (Some(url), None, None) if url.starts_with("https://") => None,
                (Some(_), None, None) => Some("a page source's `url` starts with https://"),
                (None, Some(repo), Some(commit)) => {
                    let repo_ok = repo.split('/').count() == 2 && !repo.starts_with('/') && !repo.ends_with('/');
                    let commit_ok = commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit());
                    match (repo_ok, commit_ok) {
                        (false, _) => Some("`repo` is `owner/name`"),
                        (_, false) => Some("`commit` is the full 40-hex commit that was read"),
                        _ => None,
                    }
                }
                _ => Some("a source is either a page (`url`) or a repository (`repo` and `commit`)"),
            };
            if let Some(problem) = problem {
                let location = self.in_facts(&pointer);
                self.out
                    .push(Diagnostic::new(format!("source `{id}` is malformed: {problem}")).at(location));
            }
        }
        let record = self.record;
        let mut citations: Vec<(String, String)> = Vec::new();
        for (name, group) in &record.shared {
            let at = format!("/shared/{}", esc(name));
            citations.push((group.source.clone(), format!("{at}/source")));
            citations.extend(field_sources(&group.parameters, &format!("{at}/parameters")));
        }
        for (name, schema) in &record.schemas {
            let at = format!("/schemas/{}", esc(name));
            citations.push((schema.source.clone(), format!("{at}/source")));
            citations.extend(field_sources(&schema.fields, &format!("{at}/fields")));
        }
        for (id, op) in &record.operations {
            let at = format!("/operations/{}", esc(id));
            citations.push((op.source.clone(), format!("{at}/source")));
            citations.extend(field_sources(&op.parameters, &format!("{at}/parameters")));
            for group in &op.shared {
                if !record.shared.contains_key(group) {
                    let location = self.in_facts(&format!("{at}/shared"));
                    self.out.push(
                        Diagnostic::new(format!("operation `{id}` names unknown shared group `{group}`")).at(location),
                    );
                }
            }
        }
        let mut used_ids = BTreeSet::new();
        for (citation, pointer) in citations {
            let (id, path) = match citation.split_once(':') {
                Some((id, path)) => (id, Some(path)),
                None => (citation.as_str(), None),
            };
            let problem = match (record.sources.get(id), path) {
                (None, _) => Some(format!("`{citation}` names no source listed under `sources`")),
                (Some(s), None) if s.repo.is_some() => {
                    Some(format!("`{citation}` is a repository: name the file, as `{id}:<path>`"))
                }
                (Some(s), Some(_)) if s.url.is_some() => Some(format!("`{citation}` is a page: cite it as `{id}`")),
                (Some(_), Some("")) => Some(format!("`{citation}` names an empty path")),
                _ => None,
            };
            match problem {
                Some(problem) => {
                    let location = self.in_facts(&pointer);
                    self.out.push(Diagnostic::new(problem).at(location));
                }
                None => {
                    used_ids.insert(id.to_string());
                    self.cited.insert(citation);
                }
            }
        }
        for id in record.sources.keys() {
            if !used_ids.contains(id) {
                let location = self.in_facts(&format!("/sources/{}", esc(id)));
                self.out.push(
                    Diagnostic::new(format!("source `{id}` is listed but no fact cites it"))
                        .at(location)
                        .help("remove it, or cite it from the facts it gives"),
                );
            }
        }
    }

    fn schemas(&mut self) {
        let components = self
            .doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let record = self.record;
        for (name, schema) in &components {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                continue;
            };
            let pointer = format!("/components/schemas/{}", esc(name));
            let key = format!("schemas.{name}");
            let Some(facts) = record.schemas.get(name) else {
                let location = self.spec.locate(&pointer);
                self.depart(
                    key,
                    location,
                    format!("no recorded source describes the object schema `{name}`"),
                );
                continue;
            };
            let required: BTreeSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for (field, fact) in &facts.fields {
                let key = format!("{key}.fields.{field}");
                let fact_at = format!("/schemas/{}/fields/{}", esc(name), esc(field));
                match properties.get(field) {
                    None => {
                        let location = self.in_facts(&fact_at);
                        self.depart(
                            key,
                            location,
                            format!("the source lists field `{field}`; the spec's `{name}` has no such property"),
                        );
                    }
                    Some(property) => {
                        let spec_at = format!("{pointer}/properties/{}", esc(field));
                        let location = self.spec.locate(&spec_at);
                        let shape = Shape::of(&self.doc, property, required.contains(field.as_str()));
                        self.compare(&key, fact, &shape, location);
                    }
                }
            }
            for field in properties.keys() {
                if !facts.fields.contains_key(field) {
                    let location = self.spec.locate(&format!("{pointer}/properties/{}", esc(field)));
                    self.depart(
                        format!("{key}.fields.{field}"),
                        location,
                        format!("the spec's `{name}` has property `{field}`, which no recorded source gives"),
                    );
                }
            }
        }
        for name in record.schemas.keys() {
            let is_object = components.get(name).is_some_and(|s| s.get("properties").is_some());
            if !is_object {
                let location = self.in_facts(&format!("/schemas/{}", esc(name)));
                self.depart(
                    format!("schemas.{name}"),
                    location,
                    format!("the record describes `{name}`, which is not an object schema of the spec"),
                );
            }
        }
    }

    /// Compares one recorded field or parameter with the spec's.
    fn compare(&mut self, key: &str, fact: &ValueFact, shape: &Shape, location: Location) {
        if fact.type_label != shape.label {
            self.depart(
                format!("{key}.type"),
                location.clone(),
                format!(
                    "the source gives type `{}`; the spec has `{}`",
                    fact.type_label, shape.label
                ),
            );
        }
        if fact.required != shape.required {
            let says = |required| if required { "required" } else { "optional" };
            self.depart(
                format!("{key}.required"),
                location.clone(),
                format!(
                    "the source says {}; the spec says {}",
                    says(fact.required),
                    says(shape.required)
                ),
            );
        }
        if fact.nullable != shape.nullable {
            let says = |nullable| if nullable { "may be null" } else { "is never null" };
            self.depart(
                format!("{key}.nullable"),
                location.clone(),
                format!(
                    "the source says it {}; the spec says it {}",
                    says(fact.nullable),
                    says(shape.nullable)
                ),
            );
        }
        let fact_values: Option<BTreeSet<String>> = fact.values.as_ref().map(|v| v.iter().map(enum_text).collect());
        if fact_values != shape.values {
            let list = |values: &Option<BTreeSet<String>>| match values {
                Some(values) => values.iter().cloned().collect::<Vec<_>>().join(", "),
                None => "no values".to_string(),
            };
            self.depart(
                format!("{key}.enum"),
                location.clone(),
                format!(
                    "the source lists {}; the spec lists {}",
                    list(&fact_values),
                    list(&shape.values)
                ),
            );
        }
        let meaningful = shape.format.as_deref().filter(|f| MEANINGFUL_FORMATS.contains(f));
        match (&fact.format, &shape.format) {
            (Some(fact_format), spec_format) if Some(fact_format) != spec_format.as_ref() => self.depart(
                format!("{key}.format"),
                location,
                format!(
                    "the source gives format `{fact_format}`; the spec has {}",
                    describe(spec_format.as_deref())
                ),
            ),
            (None, _) if meaningful.is_some() => self.depart(
                format!("{key}.format"),
                location,
                format!(
                    "the spec has format `{}`, which no recorded source gives",
                    meaningful.unwrap_or_default()
                ),
            ),
            _ => {}
        }
    }

    fn spec_operations(&self) -> Vec<(String, SpecOperation)> {
        walk::operations(&self.doc)
            .into_iter()
            .map(|op| {
                let spec_op = SpecOperation {
                    method: op.method.to_string(),
                    path: op.path.to_string(),
                    pointer: op.pointer(),
                    value: op.operation.clone(),
                };
                (op.id().to_string(), spec_op)
            })
            .collect()
    }

    fn operations(&mut self) {
        let record = self.record;
        let spec_ops = self.spec_operations();
        for (id, op) in &spec_ops {
            let key = format!("operations.{id}");
            let Some(facts) = record.operations.get(id) else {
                let location = self.spec.locate(&op.pointer);
                self.depart(key, location, format!("no recorded source describes operation `{id}`"));
                continue;
            };
            let at = format!("/operations/{}", esc(id));
            if !facts.method.eq_ignore_ascii_case(&op.method) {
                let location = self.spec.locate(&op.pointer);
                self.depart(
                    format!("{key}.method"),
                    location,
                    format!("the source gives method {}; the spec has {}", facts.method, op.method),
                );
            }
            if facts.path != op.path {
                let location = self.spec.locate(&op.pointer);
                self.depart(
                    format!("{key}.path"),
                    location,
                    format!("the source gives path {}; the spec has {}", facts.path, op.path),
                );
            }
            self.page_link(id, facts, op);
            let groups: Vec<(&str, &Group)> = facts
                .shared
                .iter()
                .filter_map(|g| record.shared.get_key_value(g).map(|(k, v)| (k.as_str(), v)))
                .collect();
            self.parameters(&key, &at, facts, &groups, op);
            self.statuses(&key, &at, facts, &groups, op);
            self.response_headers(&key, &at, facts, &groups, op);
        }
        for id in record.operations.keys() {
            if !spec_ops.iter().any(|(spec_id, _)| spec_id == id) {
                let location = self.in_facts(&format!("/operations/{}", esc(id)));
                self.depart(
                    format!("operations.{id}"),
                    location,
                    format!("the record describes operation `{id}`, which the spec does not have"),
                );
            }
        }
    }

    /// The operation's `externalDocs.url` must be the page its facts come from.
    fn page_link(&mut self, id: &str, facts: &OperationFacts, op: &SpecOperation) {
        let (source_id, path) = match facts.source.split_once(':') {
            Some((id, path)) => (id, Some(path)),
            None => (facts.source.as_str(), None),
        };
        let Some(source) = self.record.sources.get(source_id) else {
            return; // reported with the citations
        };
        let expected = match (&source.url, &source.pages, path) {
            (Some(url), _, _) => Ok(url.clone()),
            (None, Some(pages), Some(path)) => page_url(pages, path, facts.title.as_deref()),
            _ => Err(format!(
                "`{}` does not say which page documents the operation: cite a page, or give the repository a `pages` URL",
                facts.source
            )),
        };
        let linked = op
            .value
            .pointer("/externalDocs/url")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match expected {
            Ok(expected) if expected == linked => {}
            Ok(expected) => {
                let location = self.spec.locate(&format!("{}/externalDocs/url", op.pointer));
                self.depart(
                    format!("operations.{id}.docs"),
                    location,
                    format!("externalDocs links {linked}, but the recorded source is the page {expected}"),
                );
            }
            Err(problem) => {
                let location = self.in_facts(&format!("/operations/{}/source", esc(id)));
                self.out.push(Diagnostic::new(problem).at(location));
            }
        }
    }

    fn parameters(
        &mut self,
        key: &str,
        at: &str,
        facts: &OperationFacts,
        groups: &[(&str, &Group)],
        op: &SpecOperation,
    ) {
        let mut recorded: BTreeMap<&str, (&ValueFact, String)> = BTreeMap::new();
        for (group, facts) in groups {
            for (name, fact) in &facts.parameters {
                recorded.insert(name, (fact, format!("/shared/{}/parameters/{}", esc(group), esc(name))));
            }
        }
        for (name, fact) in &facts.parameters {
            recorded.insert(name, (fact, format!("{at}/parameters/{}", esc(name))));
        }
        let mut in_spec = BTreeMap::new();
        for (i, parameter) in op
            .value
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let parameter = resolve(&self.doc, parameter).clone();
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            in_spec.insert(name, (parameter, format!("{}/parameters/{i}", op.pointer)));
        }
        for (name, (fact, fact_at)) in &recorded {
            let key = format!("{key}.parameters.{name}");
            let Some((parameter, spec_at)) = in_spec.get(*name) else {
                let location = self.in_facts(fact_at);
                self.depart(
                    key,
                    location,
                    format!("the source documents parameter `{name}`; the spec does not have it"),
                );
                continue;
            };
            let location = self.spec.locate(spec_at);
            let spec_in = parameter.get("in").and_then(Value::as_str).unwrap_or_default();
            if fact.location.as_deref() != Some(spec_in) {
                self.depart(
                    format!("{key}.in"),
                    location.clone(),
                    format!(
                        "the source puts it in {}; the spec in {spec_in}",
                        describe(fact.location.as_deref())
                    ),
                );
            }
            let required = parameter.get("required").and_then(Value::as_bool).unwrap_or(false);
            let schema = parameter.get("schema").cloned().unwrap_or(Value::Null);
            let shape = Shape::of(&self.doc, &schema, required);
            self.compare(&key, fact, &shape, location);
        }
        for (name, (_, spec_at)) in &in_spec {
            if !recorded.contains_key(name.as_str()) {
                let location = self.spec.locate(spec_at);
                self.depart(
                    format!("{key}.parameters.{name}"),
                    location,
                    format!("the spec has parameter `{name}`, which no recorded source gives for this operation"),
                );
            }
        }
    }

    fn statuses(&mut self, key: &str, at: &str, facts: &OperationFacts, groups: &[(&str, &Group)], op: &SpecOperation) {
        let mut recorded: BTreeMap<String, String> = BTreeMap::new();
        for (group, facts) in groups {
            for (i, status) in facts.statuses.iter().enumerate() {
                recorded.insert(enum_text(status), format!("/shared/{}/statuses/{i}", esc(group)));
            }
        }
        for (i, status) in facts.statuses.iter().enumerate() {
            recorded.insert(enum_text(status), format!("{at}/statuses/{i}"));
        }
        let responses = op
            .value
            .get("responses")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (status, fact_at) in &recorded {
            if !responses.contains_key(status) {
                let location = self.in_facts(fact_at);
                self.depart(
                    format!("{key}.statuses.{status}"),
                    location,
                    format!("the source documents status {status}; the spec does not list it"),
                );
            }
        }
        for status in responses.keys() {
            if !recorded.contains_key(status) {
                let location = self.spec.locate(&format!("{}/responses/{}", op.pointer, esc(status)));
                self.depart(
                    format!("{key}.statuses.{status}"),
                    location,
                    format!("the spec lists status {status}, which no recorded source gives for this operation"),
                );
            }
        }
    }

    fn response_headers(
        &mut self,
        key: &str,
        at: &str,
        facts: &OperationFacts,
        groups: &[(&str, &Group)],
        op: &SpecOperation,
    ) {
        let mut recorded: BTreeMap<&str, String> = BTreeMap::new();
        for (group, facts) in groups {
            for (i, name) in facts.response_headers.iter().enumerate() {
                recorded.insert(name, format!("/shared/{}/response_headers/{i}", esc(group)));
            }
        }
        for (i, name) in facts.response_headers.iter().enumerate() {
            recorded.insert(name, format!("{at}/response_headers/{i}"));
        }
        let mut in_spec: BTreeMap<String, String> = BTreeMap::new();
        for (status, response) in op
            .value
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let response = resolve(&self.doc, response);
            for name in response
                .get("headers")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(n, _)| n)
            {
                in_spec
                    .entry(name.clone())
                    .or_insert_with(|| format!("{}/responses/{}/headers/{}", op.pointer, esc(status), esc(name)));
            }
        }
        for (name, fact_at) in &recorded {
            if !in_spec.contains_key(*name) {
                let location = self.in_facts(fact_at);
                self.depart(
                    format!("{key}.response_headers.{name}"),
                    location,
                    format!("the source documents response header {name}; the spec declares it on no response"),
                );
            }
        }
        for (name, spec_at) in &in_spec {
            if !recorded.contains_key(name.as_str()) {
                let location = self.spec.locate(spec_at);
                self.depart(
                    format!("{key}.response_headers.{name}"),
                    location,
                    format!("the spec declares response header {name}, which no recorded source gives"),
                );
            }
        }
    }

    fn stale_errata(&mut self) {
        let stale: Vec<(String, String)> = self
            .errata
            .iter()
            .filter(|(key, _)| !self.used.contains(*key))
            .map(|(k, p)| (k.clone(), p.clone()))
            .collect();
        for (key, pointer) in stale {
            self.out.push(
                self.spec
                    .error_at(
                        &pointer,
                        format!("the errata name `{key}`, but the spec departs from no recorded fact there"),
                    )
                    .help("remove the key (and the entry, if nothing else departs), or correct the record"),
            );
        }
    }
}

/// The published URL of the documentation file `path`, from a source's `pages` template.
fn page_url(template: &str, path: &str, title: Option<&str>) -> Result<String, String> {
    let collection = path.split('/').next().unwrap_or_default().trim_start_matches('_');
    let mut url = template.replace("{path}", path).replace("{collection}", collection);
    if url.contains("{title}") {
        let title = title.ok_or("the source's `pages` URL needs the page's `title`: record it on the operation")?;
        url = url.replace("{title}", &slugify(title));
    }
    Ok(url)
}

/// Jekyll's `slugify` (default mode): lowercase, every run of other characters than letters and
/// digits one dash, no dash at either end.
fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_string()
}

/// The cited source references of a map of field facts, with each one's pointer in facts.yaml.
fn field_sources(facts: &BTreeMap<String, ValueFact>, at: &str) -> Vec<(String, String)> {
    facts
        .iter()
        .filter_map(|(name, fact)| fact.source.clone().map(|s| (s, format!("{at}/{}/source", esc(name)))))
        .collect()
}

fn describe(value: Option<&str>) -> String {
    value.map_or_else(|| "none".to_string(), |v| format!("`{v}`"))
}

fn enum_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What the spec says about one field or parameter, in the record's vocabulary.
struct Shape {
    label: String,
    required: bool,
    nullable: bool,
    values: Option<BTreeSet<String>>,
    format: Option<String>,
}

impl Shape {
    fn of(doc: &Value, schema: &Value, required: bool) -> Shape {
        let target = resolve(doc, schema);
        let nullable = [schema, target]
            .iter()
            .any(|s| s.get("nullable").and_then(Value::as_bool) == Some(true));
        Shape {
            label: type_label(doc, schema, 0),
            required,
            nullable,
            values: target
                .get("enum")
                .and_then(Value::as_array)
                .map(|v| v.iter().filter(|v| !v.is_null()).map(enum_text).collect()),
            format: target.get("format").and_then(Value::as_str).map(str::to_string),
        }
    }
}

/// A schema's type in the record's vocabulary: `string`, `number`, `integer`, `boolean`, `object`,
/// `array<T>`, or `A|B` for a `oneOf`/`anyOf`.
fn type_label(doc: &Value, schema: &Value, depth: usize) -> String {
    let schema = resolve(doc, schema);
    if depth > 16 {
        return "object".into();
    }
    for composition in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(composition).and_then(Value::as_array) {
            return branches
                .iter()
                .map(|b| type_label(doc, b, depth + 1))
                .collect::<Vec<_>>()
                .join("|");
        }
    }
    if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        return type_label(doc, only, depth + 1);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            format!("array<{}>", type_label(doc, &items, depth + 1))
        }
        Some(other) => other.to_string(),
        None if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() => "object".into(),
        None if schema.get("enum").is_some() => "string".into(),
        None => "any".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guide_page_url_is_built_from_its_collection_and_slugified_title() {
        let template = "https://apidocs.cloudhealthtech.com/#{collection}_{title}";
        assert_eq!(
            page_url(
                template,
                "_billing-rules/rule-modify.md",
                Some("Modify Existing Billing Rule")
            ),
            Ok("https://apidocs.cloudhealthtech.com/#billing-rules_modify-existing-billing-rule".to_string())
        );
        assert_eq!(
            page_url(
                "https://github.com/o/r/blob/c/{path}",
                "_billing-rules/rule-get-all.md",
                None
            ),
            Ok("https://github.com/o/r/blob/c/_billing-rules/rule-get-all.md".to_string())
        );
        assert!(page_url(template, "_partner/x.md", None).is_err());
        assert_eq!(
            slugify("  Statements for All Customers (v2)! "),
            "statements-for-all-customers-v2"
        );
    }
}

/// One API's record, flattened to one value per fact key, for comparing it with what a program
/// reads from the sources (`cargo xtask facts`).
#[derive(Debug, Clone, Default)]
pub struct RecordedFacts {
    /// Each source id with the repository and commit, or the page, it names.
    pub sources: BTreeMap<String, SourceRef>,
    /// Each fact key (as `x-doc-errata` names them) with its value and the source it cites.
    pub facts: BTreeMap<String, RecordedFact>,
    /// Each schema and operation (`schemas.Customer`, `operations.get_customer`) with the source
    /// it cites as a whole.
    pub entries: BTreeMap<String, String>,
}

/// Where a source id points.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceRef {
    pub repo: Option<String>,
    pub commit: Option<String>,
    pub url: Option<String>,
}

/// One recorded fact: its value as text (`present` for a field, parameter, status or header that
/// exists; `true`/`false`; a type label; an enum as JSON) and the source it cites, as written
/// (`guide:_billing-rules/rule-modify.md`, or a page id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedFact {
    pub value: String,
    pub source: String,
}

/// Reads `specs/<api>/facts.yaml` under `api_dir` and flattens it. Shared groups are not
/// expanded into the operations that name them; they are facts of their own
/// (`shared.<group>.statuses.404`).
pub fn recorded_facts(api_dir: &std::path::Path, display_root: &std::path::Path) -> Result<RecordedFacts, Diagnostic> {
    let path = api_dir.join(FACTS_FILE);
    let mut files = SourceFiles::new(display_root.to_path_buf());
    let file = files.add(path.clone());
    let bytes = std::fs::read(&path).map_err(|e| Diagnostic::new(format!("cannot read {}: {e}", path.display())))?;
    let node = yaml::parse(&bytes, file).map_err(|e| e.into_diagnostic(files.display(file)))?;
    let record: Record = serde_json::from_value(node.to_json())
        .map_err(|e| Diagnostic::new(format!("{}: {e}", files.display(file).display())))?;
    let mut out = RecordedFacts::default();
    for (id, source) in &record.sources {
        out.sources.insert(
            id.clone(),
            SourceRef {
                repo: source.repo.clone(),
                commit: source.commit.clone(),
                url: source.url.clone(),
            },
        );
    }
    let mut facts = BTreeMap::new();
    let mut put = |key: String, value: String, source: &str| {
        facts.insert(
            key,
            RecordedFact {
                value,
                source: source.to_string(),
            },
        );
    };
    let value_facts = |put: &mut dyn FnMut(String, String, &str), prefix: String, fact: &ValueFact, source: &str| {
        let source = fact.source.as_deref().unwrap_or(source);
        put(prefix.clone(), "present".into(), source);
        put(format!("{prefix}.type"), fact.type_label.clone(), source);
        put(format!("{prefix}.required"), fact.required.to_string(), source);
        put(format!("{prefix}.nullable"), fact.nullable.to_string(), source);
        if let Some(values) = &fact.values {
            put(
                format!("{prefix}.enum"),
                Value::Array(values.clone()).to_string(),
                source,
            );
        }
        if let Some(format) = &fact.format {
            put(format!("{prefix}.format"), format.clone(), source);
        }
        if let Some(location) = &fact.location {
            put(format!("{prefix}.in"), location.clone(), source);
        }
    };
    for (name, group) in &record.shared {
        for status in &group.statuses {
            put(
                format!("shared.{name}.statuses.{}", plain(status)),
                "present".into(),
                &group.source,
            );
        }
        for (parameter, fact) in &group.parameters {
            value_facts(
                &mut put,
                format!("shared.{name}.parameters.{parameter}"),
                fact,
                &group.source,
            );
        }
        for header in &group.response_headers {
            put(
                format!("shared.{name}.response_headers.{header}"),
                "present".into(),
                &group.source,
            );
        }
    }
    for (name, schema) in &record.schemas {
        out.entries.insert(format!("schemas.{name}"), schema.source.clone());
        for (field, fact) in &schema.fields {
            value_facts(&mut put, format!("schemas.{name}.fields.{field}"), fact, &schema.source);
        }
    }
    for (id, op) in &record.operations {
        out.entries.insert(format!("operations.{id}"), op.source.clone());
        let prefix = format!("operations.{id}");
        if let Some(title) = &op.title {
            put(format!("{prefix}.title"), title.clone(), &op.source);
        }
        put(format!("{prefix}.method"), op.method.to_lowercase(), &op.source);
        put(format!("{prefix}.path"), op.path.clone(), &op.source);
        for (parameter, fact) in &op.parameters {
            value_facts(&mut put, format!("{prefix}.parameters.{parameter}"), fact, &op.source);
        }
        for status in &op.statuses {
            put(
                format!("{prefix}.statuses.{}", plain(status)),
                "present".into(),
                &op.source,
            );
        }
        for header in &op.response_headers {
            put(
                format!("{prefix}.response_headers.{header}"),
                "present".into(),
                &op.source,
            );
        }
    }
    out.facts = facts;
    Ok(out)
}

/// A status code or key as written: `404`, `4XX`.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
