//! Names and lookups every stage shares: Rust identifiers and type names as progenitor and
//! typify write them, component references, the operations of a typed document. Below the model,
//! progenitor and rendering stages alike; it imports none of them.

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, Parameter, ReferenceOr};

/// Every operation of a typed document with its path and method (methods in
/// [`HTTP_METHODS`](crate::spec::walk::HTTP_METHODS) order), as the generator's stages read them.
pub fn operations(spec: &OpenAPI) -> Vec<(&str, &'static str, &openapiv3::Operation)> {
    let mut out = Vec::new();
    for (path, item) in &spec.paths.paths {
        if let ReferenceOr::Item(item) = item {
            for (method, op) in item.iter() {
                let method = crate::spec::walk::HTTP_METHODS
                    .into_iter()
                    .find(|m| *m == method)
                    .unwrap_or("get");
                out.push((path.as_str(), method, op));
            }
        }
    }
    out
}

/// The Rust name progenitor and typify give a JSON name: snake case, with a trailing `_` where
/// that is a keyword (`type` → `type_`).
pub fn rust_ident(json_name: &str) -> String {
    let name = json_name.to_snake_case();
    if syn::parse_str::<syn::Ident>(&name).is_ok() {
        name
    } else {
        format!("{name}_")
    }
}

/// `#/components/schemas/Customer` → `Customer`.
pub fn component_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// A parameter, or the component parameter its `$ref` names (one level deep).
pub fn resolve_parameter<'a>(
    parameter: &'a ReferenceOr<Parameter>,
    components: &'a openapiv3::Components,
) -> Option<&'a Parameter> {
    match parameter {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => match components.parameters.get(component_name(reference))? {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { .. } => None,
        },
    }
}

/// typify's name for a component schema.
pub fn body_type(component: &str) -> String {
    component.to_upper_camel_case()
}

/// `text` as a Rust string literal. `str`'s `Debug` form escapes quotes, backslashes and
/// control characters the way Rust source does.
pub fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

/// A type of `generated.rs` as named through the crate's public paths (`types`, and the
/// re-exported `uuid`, `chrono`, `serde_json`); `lib` is the crate's name, or `crate` inside it.
pub fn public_type(rust_type: &str, lib: &str) -> String {
    let mut text = rust_type
        .replace("crate::models::", "types::")
        .replace("crate::types::", "types::");
    for module in ["uuid", "chrono", "serde_json"] {
        text = text.replace(&format!("::{module}::"), &format!("{lib}::{module}::"));
    }
    // `types::X` not preceded by a path separator is the crate's `types` module.
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("types::") {
        let before = &rest[..at];
        out.push_str(before);
        let joined = out.ends_with("::") || out.ends_with(|c: char| c.is_alphanumeric() || c == '_');
        if !joined {
            out.push_str(lib);
            out.push_str("::");
        }
        out.push_str("types::");
        rest = &rest[at + "types::".len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_parse_back_to_the_same_text() {
        for text in ["plain", "quote \" and \\ backslash", "line\nbreak\ttab\r\u{0}", "ünï"] {
            let literal: syn::LitStr = syn::parse_str(&string_literal(text)).unwrap();
            assert_eq!(literal.value(), text);
        }
    }
}
