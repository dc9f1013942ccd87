//! A short, reviewable summary of a generated crate's public API: operations, and the types in
//! `types` with their fields or variants. A spec change shows up here as a few readable lines.

use quote::ToTokens;
use std::fmt::Write as _;

/// One operation as a Rust user sees it.
#[derive(Debug, Clone)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub rust_name: String,
}

pub fn summarize(operations: &[Operation], file: &syn::File) -> String {
    let mut out = String::from("operations:\n");
    for op in operations {
        let _ = writeln!(
            out,
            "  {} {} → Client::{}",
            op.method.to_uppercase(),
            op.path,
            op.rust_name
        );
    }
    out.push_str("types:\n");
    let types = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    for item in types.into_iter().flatten() {
        match item {
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                let fields: Vec<String> = s
                    .fields
                    .iter()
                    .map(|f| match &f.ident {
                        Some(name) => format!("{name}: {}", short_type(&f.ty)),
                        None => short_type(&f.ty),
                    })
                    .collect();
                let _ = writeln!(out, "  struct {} {{ {} }}", s.ident, fields.join(", "));
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
                let _ = writeln!(out, "  enum {} {{ {} }}", e.ident, variants.join(", "));
            }
            _ => {}
        }
    }
    out
}

/// `::std::option::Option<::std::string::String>` → `Option<String>`.
fn short_type(ty: &syn::Type) -> String {
    let mut text = ty.to_token_stream().to_string().replace(' ', "");
    for prefix in [
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
