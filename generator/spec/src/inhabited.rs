//! Component schemas that no value can have: `A: {$ref: B}` with `B: {$ref: A}`, or an object
//! whose required property is, through any chain of required properties and references, itself.
//! The generator would turn them into Rust types that can never be built or decoded.
//!
//! A schema has values unless every way to build one needs a value of a schema that has none. The
//! components that have values are found as a least fixed point: none at first, then each whose
//! needs are met by those found so far, until nothing changes; those left over are reported.

use super::BundledSpec;
use super::node::{Kind, Node};
use crate::diagnostic::{Diagnostics, escape_pointer_token, unescape_pointer_token};
use std::collections::BTreeSet;

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Reports every component schema that no value can have.
pub fn check(spec: &BundledSpec, out: &mut Diagnostics) {
    let Some(schemas) = spec.document.pointer("/components/schemas").and_then(Node::as_map) else {
        return;
    };
    let mut inhabited: BTreeSet<&str> = BTreeSet::new();
    loop {
        let before = inhabited.len();
        for (name, schema) in schemas {
            if !inhabited.contains(name.as_str()) && blocker(schema, &inhabited).is_none() {
                inhabited.insert(name);
            }
        }
        if inhabited.len() == before {
            break;
        }
    }
    for (name, schema) in schemas {
        if inhabited.contains(name.as_str()) {
            continue;
        }
        let chain = chain_from(name, schemas, &inhabited);
        let pointer = format!("/components/schemas/{}", escape_pointer_token(name));
        let only_a_reference = schema.as_map().is_some_and(|m| m.len() == 1) && schema.get("$ref").is_some();
        let message = if only_a_reference {
            format!(
                "no value can have the type `{name}`: it is only a reference, and the references go round in a circle ({chain})"
            )
        } else {
            format!("no value can have the type `{name}`: each one would have to contain another ({chain})")
        };
        out.push(spec.error_at(&pointer, message).help(
            "give the cycle a way out: make a property on it optional or `nullable: true`, or give the schema fields of its own",
        ));
    }
}

/// `name → next → … → name`: the chain of components each one needs.
fn chain_from(name: &str, schemas: &[(String, Node)], inhabited: &BTreeSet<&str>) -> String {
    let mut chain = vec![name.to_string()];
    let mut current = name.to_string();
    while let Some(schema) = schemas.iter().find(|(n, _)| *n == current).map(|(_, s)| s) {
        let Some(next) = blocker(schema, inhabited) else { break };
        let repeated = chain.contains(&next);
        chain.push(next.clone());
        if repeated {
            break;
        }
        current = next;
    }
    chain.join(" → ")
}

/// The component that keeps `schema` from having a value, given the components known to have
/// values; `None` when it has values.
fn blocker(schema: &Node, inhabited: &BTreeSet<&str>) -> Option<String> {
    if schema.get("nullable").is_some_and(Node::is_true) {
        return None;
    }
    if let Some(target) = schema.get("$ref").and_then(Node::as_str) {
        let name = unescape_pointer_token(target.strip_prefix(COMPONENT_PREFIX)?);
        return (!inhabited.contains(name.as_str())).then_some(name);
    }
    if let Some(all) = schema.get("allOf").and_then(Node::as_seq)
        && let Some(blocked) = all.iter().find_map(|member| blocker(member, inhabited))
    {
        return Some(blocked);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(members) = schema.get(key).and_then(Node::as_seq)
            && !members.is_empty()
        {
            let blocked: Vec<String> = members.iter().filter_map(|m| blocker(m, inhabited)).collect();
            if blocked.len() == members.len() {
                return blocked.into_iter().next();
            }
        }
    }
    let properties = schema.get("properties");
    for required in schema.get("required").and_then(Node::as_seq).unwrap_or_default() {
        let Some(property) = required.as_str().and_then(|name| properties?.get(name)) else {
            continue;
        };
        if let Some(blocked) = blocker(property, inhabited) {
            return Some(blocked);
        }
    }
    let needs_items = schema
        .get("minItems")
        .is_some_and(|n| matches!(n.kind, Kind::Int(i) if i > 0));
    if needs_items && let Some(items) = schema.get("items") {
        return blocker(items, inhabited);
    }
    None
}
