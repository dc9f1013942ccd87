//! A short, reviewable summary of a generated crate's public API: operations, and the types in
//! `types` with their fields or variants. A spec change shows up here as a few readable lines.

use super::model::OperationModel;
use quote::ToTokens;
use std::fmt::Write as _;

/// The summary: `operations` (method, path, `Client` method, what `send` returns and its error
/// enum), then the `type_entries` of every module, sorted.
pub fn summarize(operations: &[OperationModel], mut type_entries: Vec<String>) -> String {
    let mut out = String::from("operations:\n");
    for op in operations {
        let _ = writeln!(
            out,
            "  {} {} → Client::{} → {} / errors::{}",
            op.method.to_uppercase(),
            op.path,
            op.rust_name,
            op.success_body
                .as_deref()
                .map_or_else(|| "()".to_string(), super::model::body_type),
            super::model::error_enum(op)
        );
    }
    out.push_str("types:\n");
    type_entries.sort();
    out.push_str(&type_entries.concat());
    out
}

/// One entry per public struct or enum of a generated module (looking inside `mod types`,
/// progenitor's), each listing its public fields or variants one per line.
pub fn type_entries(file: &syn::File) -> Vec<String> {
    let mut items: Vec<&syn::Item> = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                items.extend(m.content.iter().flat_map(|(_, inner)| inner.iter()));
            }
            syn::Item::Mod(_) => {}
            other => items.push(other),
        }
    }
    let mut entries = Vec::new();
    for item in items {
        let mut text = String::new();
        match item {
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                let fields: Vec<String> = s
                    .fields
                    .iter()
                    .filter(|f| matches!(f.vis, syn::Visibility::Public(_)))
                    .map(|f| match &f.ident {
                        Some(name) => format!("{name}: {}", short_type(&f.ty)),
                        None => short_type(&f.ty),
                    })
                    .collect();
                let _ = writeln!(text, "  struct {}", s.ident);
                for field in fields {
                    let _ = writeln!(text, "    {field}");
                }
            }
            syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                let variants: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| match &v.fields {
                        syn::Fields::Unit => v.ident.to_string(),
                        fields => {
                            let inner: Vec<String> = fields.iter().map(|f| short_type(&f.ty)).collect();
                            format!("{}({})", v.ident, inner.join(", "))
                        }
                    })
                    .collect();
                let _ = writeln!(text, "  enum {}", e.ident);
                for variant in variants {
                    let _ = writeln!(text, "    {variant}");
                }
            }
            _ => {}
        }
        entries.push(text);
    }
    entries
}

/// `::std::option::Option<::std::string::String>` → `Option<String>`.
fn short_type(ty: &syn::Type) -> String {
    let mut text = ty.to_token_stream().to_string().replace(' ', "");
    for prefix in [
        "::finops_client_runtime::",
        "crate::models::",
        "crate::types::",
        "::std::option::",
        "::std::string::",
        "::std::vec::",
        "::std::collections::",
        "::serde_json::",
        "::chrono::offset::",
        "::chrono::",
        "::uuid::",
        "::std::num::",
    ] {
        text = text.replace(prefix, "");
    }
    text.replace(',', ", ")
}
