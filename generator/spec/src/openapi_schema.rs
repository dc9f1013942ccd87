//! Every bundled document is validated against the official OpenAPI 3.0 JSON Schema (a 3.1 document
//! in its lowered form, see [`super::openapi31`]), so that a key
//! OpenAPI does not allow (`nulable:`, `requried:`, a `components` map inside an operation) or a
//! value it does not take (`type: decimalish`) is an error at its source position, never ignored.
//!
//! The schema is `openapi-3.0-schema.json` beside this file: the OpenAPI Initiative's schema
//! `https://spec.openapis.org/oas/3.0/schema/2021-09-28` (Apache-2.0), unmodified.
//!
//! A JSON Schema validator reports an unknown key inside a schema object as "not valid under any
//! of the schemas listed in `oneOf`" (a schema or a `$ref`). The errors are explained from the
//! inside: for each `oneOf`/`anyOf`, the alternative the document evidently meant is chosen (the
//! one it does not fail to be at all, by type or a missing required key), and its errors are
//! reported instead. An unknown key is reported at the key, with the nearest allowed key.

use super::BundledSpec;
use crate::diagnostic::{Diagnostics, escape_pointer_token};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;
use std::sync::OnceLock;

/// The OpenAPI 3.0 schema, parsed and compiled once per process.
fn validator() -> &'static (Value, Validator) {
    static VALIDATOR: OnceLock<(Value, Validator)> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("openapi-3.0-schema.json")).expect("the vendored schema is JSON");
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schema)
            .expect("the vendored schema compiles");
        (schema, validator)
    })
}

/// Validates `spec`'s document, given as JSON, against the OpenAPI 3.0 schema.
pub fn validate(spec: &BundledSpec, document: &Value) -> Result<(), Diagnostics> {
    let (schema, validator) = validator();
    let mut findings: Vec<Finding> = Vec::new();
    // A 3.1 document is checked in its lowered 3.0 form: a key that form lacks is one the
    // generator does not read, whatever 3.1 allows.
    let allows = if spec.written.is_some() {
        "the generator reads"
    } else {
        "OpenAPI 3.0 allows"
    };
    for error in validator.iter_errors(document) {
        explain(&error, schema, allows, &mut findings);
    }
    findings.sort_by(|a, b| a.pointer.cmp(&b.pointer).then(a.message.cmp(&b.message)));
    findings.dedup();
    let mut out = Diagnostics::default();
    for finding in findings {
        let mut diagnostic = spec.error_at(&finding.pointer, finding.message);
        if let Some(help) = finding.help {
            diagnostic = diagnostic.help(help);
        }
        out.push(diagnostic);
    }
    out.into_result()
}

#[derive(Debug, PartialEq, Eq)]
struct Finding {
    pointer: String,
    message: String,
    help: Option<String>,
}

/// Turns one validator error into findings, descending into `oneOf`/`anyOf` alternatives.
/// `allows` words what decides the keys a node may have, e.g. "OpenAPI 3.0 allows".
fn explain(error: &ValidationError<'_>, schema: &Value, allows: &str, out: &mut Vec<Finding>) {
    let at = error.instance_path().as_str().to_string();
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            match meant_alternative(context, &at) {
                Some(errors) => errors.iter().for_each(|e| explain(e, schema, allows, out)),
                None => out.push(Finding {
                    pointer: at,
                    message: "this is none of the things OpenAPI allows here".into(),
                    help: Some(alternatives_help(error, schema)),
                }),
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let (object, allowed) = allowed_keys(schema, error.schema_path().as_str());
            for key in unexpected {
                let near = nearest(key, &allowed);
                let help = match near {
                    Some(near) => format!("did you mean `{near}`? (extensions start with `x-`)"),
                    None => format!(
                        "{object} takes {}; extensions start with `x-`",
                        allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                out.push(Finding {
                    pointer: format!("{at}/{}", escape_pointer_token(key)),
                    message: format!("`{key}` is not a key {allows} in {object}; it would be ignored"),
                    help: Some(help),
                });
            }
        }
        ValidationErrorKind::Enum { options } => {
            let value = error.instance();
            let options: Vec<String> = options
                .as_array()
                .map(|o| {
                    o.iter()
                        .map(|v| v.as_str().map_or(v.to_string(), str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let near = value.as_str().and_then(|v| nearest(v, &options));
            out.push(Finding {
                pointer: at,
                message: format!("{value} is not one of {}", options.join(", ")),
                help: Some(match near {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "write one of the values listed".into(),
                }),
            });
        }
        _ => out.push(Finding {
            pointer: at,
            message: error.to_string(),
            help: None,
        }),
    }
}

/// The errors of the alternative the document meant: the one it does not fail to be at all (a
/// wrong type or a missing required key at the same place). `None` if no single one stands out.
fn meant_alternative<'a>(
    alternatives: &'a [Vec<ValidationError<'static>>],
    at: &str,
) -> Option<&'a [ValidationError<'static>]> {
    let mismatches = |errors: &[ValidationError<'_>]| {
        errors
            .iter()
            .filter(|e| {
                e.instance_path().as_str() == at
                    && matches!(
                        e.kind(),
                        ValidationErrorKind::Type { .. }
                            | ValidationErrorKind::Required { .. }
                            | ValidationErrorKind::Enum { .. }
                    )
            })
            .count()
    };
    let fewest = alternatives.iter().map(|e| mismatches(e)).min()?;
    let mut candidates = alternatives.iter().filter(|e| mismatches(e) == fewest);
    let first = candidates.next()?;
    let rest: Vec<_> = candidates.collect();
    if rest.is_empty() {
        return Some(first);
    }
    // Several fit equally: the one with the fewest errors, if it is the only one.
    let all: Vec<_> = std::iter::once(first).chain(rest).collect();
    let least = all.iter().map(|e| e.len()).min()?;
    let mut smallest = all.into_iter().filter(|e| e.len() == least);
    let only = smallest.next()?;
    smallest.next().is_none().then_some(only.as_slice())
}

fn alternatives_help(error: &ValidationError<'_>, schema: &Value) -> String {
    let (object, _) = allowed_keys(schema, error.schema_path().as_str());
    format!("see what the OpenAPI 3.0 specification allows in {object}")
}

/// For the schema location of an `additionalProperties` failure: a name for the object (the
/// definition it is in, e.g. "a Schema") and the keys it allows.
fn allowed_keys(schema: &Value, schema_path: &str) -> (String, Vec<String>) {
    let mut node = schema;
    let mut definition = "this object".to_string();
    let segments: Vec<String> = schema_path
        .split('/')
        .skip(1)
        .map(crate::diagnostic::unescape_pointer_token)
        .collect();
    let last = segments.len().saturating_sub(1);
    for (index, segment) in segments.iter().enumerate() {
        if index == last && segment == "additionalProperties" {
            break;
        }
        if index > 0 && segments[index - 1] == "definitions" {
            definition = article(segment);
        }
        let next = if segment == "$ref" {
            let target = node.get("$ref").and_then(Value::as_str).unwrap_or_default();
            if let Some(name) = target.strip_prefix("#/definitions/") {
                definition = article(name);
            }
            schema.pointer(target.trim_start_matches('#'))
        } else {
            match node {
                Value::Object(map) => map.get(segment),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            }
        };
        match next {
            Some(next) => node = next,
            None => break,
        }
    }
    let allowed = node
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    (definition, allowed)
}

/// "a Schema", "an Operation", with the definition's name split into words.
fn article(name: &str) -> String {
    let mut words = String::new();
    let mut previous_upper = true;
    for c in name.chars() {
        if c.is_uppercase() && !previous_upper {
            words.push(' ');
        }
        previous_upper = c.is_uppercase();
        words.push(c);
    }
    let an = words.starts_with(['A', 'E', 'I', 'O', 'U']);
    format!("{} {words} object", if an { "an" } else { "a" })
}

/// The allowed key closest to `key`, if it is close enough to be a typo.
fn nearest<'a>(key: &str, allowed: &'a [String]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(key, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_matched_to_the_nearest_key() {
        let keys: Vec<String> = ["nullable", "required", "readOnly", "type"].map(String::from).to_vec();
        assert_eq!(nearest("nulable", &keys), Some("nullable"));
        assert_eq!(nearest("requried", &keys), Some("required"));
        assert_eq!(nearest("readonly", &keys), Some("readOnly"));
        assert_eq!(nearest("components", &keys), None);
        assert_eq!(article("Operation"), "an Operation object");
        assert_eq!(article("PathItem"), "a Path Item object");
    }
}
