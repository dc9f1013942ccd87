//! `cargo xtask facts <api> --checkout <source>=<dir>`: reads the vendor's own documentation
//! sources in a local checkout with a program (an extractor per source format), compares what it
//! reads with the API's `facts.yaml`, and prints the differences fact by fact, so a doc change
//! becomes a reviewable diff:
//!
//! ```text
//! + schemas.BillingRuleUpdate.fields.note  (guide:_billing-rules/rule-modify.md:14)
//! ~ schemas.BillingRuleUpdate.fields.name.required: true -> false  (guide:_billing-rules/rule-modify.md:9)
//! - operations.list_customers.parameters.page  (recorded from guide:_partner/get-all-customers.md)
//! ! operations.list_billing_rules: guide:_billing-rules/rule-get-all.md is not in the checkout
//! ```
//!
//! Only the kinds of fact an extractor reads are compared (CloudHealth's front matter gives
//! titles, methods, paths, parameters and whether each is required, not types); the summary
//! gives the share of the whole record it reproduces exactly. The project never stores a
//! vendor's text: the extractors run on a checkout the user provides.

mod front_matter;
mod markdown_tables;

use finops_spec::diagnostic::Diagnostic;
use finops_spec::facts::{RecordedFacts, recorded_facts};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One fact a program read from a source: its key (as the record names it), value, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub key: String,
    pub value: String,
    /// `source:path:line`, e.g. `guide:_billing-rules/rule-modify.md:9`.
    pub at: String,
}

/// What an extractor made of the record's sources in one checkout.
#[derive(Debug, Default)]
pub struct Reading {
    pub facts: Vec<Extracted>,
    /// The fact-key prefixes whose source the extractor read, with the kinds of fact it reads
    /// under them: `operations.x` with `title`, `method`, `path`; `operations.x.parameters` or
    /// `schemas.S.fields` with `present` (a member exists), `required`, `in`.
    pub covered: Vec<Covered>,
    /// Record entries whose cited file is not in the checkout: `(prefix, source reference)`.
    pub missing: Vec<(String, String)>,
}

/// What a reading covers: the facts under `prefix` of the given kinds that cite `source` (the
/// file read). A recorded fact it covers and did not read is reported gone.
#[derive(Debug, Clone)]
pub struct Covered {
    pub prefix: String,
    pub kinds: &'static [&'static str],
    pub source: String,
}

/// The request body of each operation in the spec: its component schema, and the component of
/// each of its properties that names one. Body fields on a page go there.
pub type Bodies = BTreeMap<String, (String, BTreeMap<String, String>)>;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    New {
        key: String,
        value: String,
        at: String,
    },
    Changed {
        key: String,
        recorded: String,
        read: String,
        at: String,
    },
    Gone {
        key: String,
        source: String,
    },
    MissingFile {
        prefix: String,
        source: String,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::New { key, value, at } if value == "present" => write!(f, "+ {key}  ({at})"),
            Change::New { key, value, at } => write!(f, "+ {key}: {value}  ({at})"),
            Change::Changed {
                key,
                recorded,
                read,
                at,
            } => write!(f, "~ {key}: {recorded} -> {read}  ({at})"),
            Change::Gone { key, source } => write!(f, "- {key}  (recorded from {source})"),
            Change::MissingFile { prefix, source } => {
                write!(f, "! {prefix}: {source} is not in the checkout (renamed or removed)")
            }
        }
    }
}

/// The comparison of one reading with the record.
#[derive(Debug, Default)]
pub struct Comparison {
    pub changes: Vec<Change>,
    /// Recorded facts the reading reproduces exactly.
    pub reproduced: usize,
    /// Every recorded fact of the API.
    pub recorded: usize,
}

/// Compares `reading` with `record`, over the kinds of fact the reading covers.
pub fn compare(record: &RecordedFacts, reading: &Reading) -> Comparison {
    let read: BTreeMap<&str, &Extracted> = reading.facts.iter().map(|f| (f.key.as_str(), f)).collect();
    let mut comparison = Comparison {
        recorded: record.facts.len(),
        ..Comparison::default()
    };
    let covers = |key: &str, source: &str| {
        reading.covered.iter().any(|covered| {
            let Some(rest) = key
                .strip_prefix(covered.prefix.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .filter(|_| covered.source == source)
            else {
                return false;
            };
            let kinds = covered.kinds;
            match rest.split('.').collect::<Vec<_>>().as_slice() {
                // `prefix.title`, or `prefix.<name>`: a field or parameter's existence.
                [one] => kinds.contains(one) || (kinds.contains(&"present") && !SCALARS.contains(one)),
                [_, kind] => kinds.contains(kind),
                _ => false,
            }
        })
    };
    for (key, fact) in &record.facts {
        match read.get(key.as_str()) {
            Some(extracted) if extracted.value == fact.value => comparison.reproduced += 1,
            Some(extracted) => comparison.changes.push(Change::Changed {
                key: key.clone(),
                recorded: fact.value.clone(),
                read: extracted.value.clone(),
                at: extracted.at.clone(),
            }),
            None if covers(key, &fact.source) => comparison.changes.push(Change::Gone {
                key: key.clone(),
                source: fact.source.clone(),
            }),
            None => {}
        }
    }
    for extracted in &reading.facts {
        if !record.facts.contains_key(&extracted.key) {
            comparison.changes.push(Change::New {
                key: extracted.key.clone(),
                value: extracted.value.clone(),
                at: extracted.at.clone(),
            });
        }
    }
    for (prefix, source) in &reading.missing {
        comparison.changes.push(Change::MissingFile {
            prefix: prefix.clone(),
            source: source.clone(),
        });
    }
    comparison.changes.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    comparison
}

/// The facts of an operation itself, beside its parameters, statuses and headers.
const SCALARS: [&str; 3] = ["title", "method", "path"];

fn sort_key(change: &Change) -> (&str, u8) {
    match change {
        Change::MissingFile { prefix, .. } => (prefix, 0),
        Change::Gone { key, .. } => (key, 1),
        Change::Changed { key, .. } => (key, 2),
        Change::New { key, .. } => (key, 3),
    }
}

/// The request body schemas of `spec`'s operations, by operationId.
fn bodies(spec: &serde_json::Value) -> Bodies {
    let component = |node: &serde_json::Value| {
        node.get("$ref")
            .and_then(serde_json::Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(str::to_string)
    };
    let mut out = Bodies::new();
    for item in spec
        .get("paths")
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let (Some(id), Some(schema)) = (
                op.get("operationId").and_then(serde_json::Value::as_str),
                op.pointer("/requestBody/content/application~1json/schema")
                    .and_then(component),
            ) else {
                continue;
            };
            let properties = spec
                .pointer(&format!("/components/schemas/{schema}/properties"))
                .and_then(serde_json::Value::as_object)
                .map(|properties| {
                    properties
                        .iter()
                        .filter_map(|(name, property)| Some((name.clone(), component(property)?)))
                        .collect()
                })
                .unwrap_or_default();
            out.insert(id.to_string(), (schema, properties));
        }
    }
    out
}

/// Runs the command: the API's record, each checkout read by the extractor for its repository.
pub fn run(root: &Path, api: &str, checkouts: &[(String, PathBuf)]) -> Result<Comparison, Diagnostic> {
    let dir = root.join("specs").join(api);
    let record = recorded_facts(&dir, root)?;
    let spec = finops_spec::load(
        &finops_spec::ApiDir {
            name: api.to_string(),
            dir: dir.clone(),
        },
        root,
    )
    .map_err(|errors| Diagnostic::new(format!("the spec of `{api}` does not load: {errors}")))?;
    let bodies = bodies(&spec.document.to_json());
    let mut reading = Reading::default();
    for (source, checkout) in checkouts {
        let Some(reference) = record.sources.get(source) else {
            return Err(Diagnostic::new(format!(
                "the record of `{api}` has no source `{source}`; its sources: {}",
                record.sources.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        };
        match reference.repo.as_deref() {
            Some("CloudHealth/cht_api_guide") => front_matter::read(&record, &bodies, source, checkout, &mut reading)?,
            Some("xdmushui/partner-center-sdk" | "MicrosoftDocs/partner-center-pr") => {
                markdown_tables::read(&record, source, checkout, &mut reading)?
            }
            other => {
                return Err(Diagnostic::new(format!(
                    "no extractor reads source `{source}` ({}) yet",
                    other.or(reference.url.as_deref()).unwrap_or("no repository")
                )));
            }
        }
    }
    Ok(compare(&record, &reading))
}

/// The report: one line per change, then the share reproduced.
pub fn report(api: &str, comparison: &Comparison) -> String {
    let mut out = String::new();
    for change in &comparison.changes {
        out.push_str(&change.to_string());
        out.push('\n');
    }
    let share = if comparison.recorded == 0 {
        0.0
    } else {
        100.0 * comparison.reproduced as f64 / comparison.recorded as f64
    };
    out.push_str(&format!(
        "{api}: {} of {} recorded facts reproduced exactly ({share:.1} %); {} difference(s)\n",
        comparison.reproduced,
        comparison.recorded,
        comparison.changes.len()
    ));
    out
}

#[cfg(test)]
mod tests;
