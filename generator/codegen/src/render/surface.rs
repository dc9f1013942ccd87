//! A short, reviewable summary of a generated crate's public API: operations, and the types in
//! `types` with their fields or variants. A spec change shows up here as a few readable lines.

use crate::model::OperationModel;
use crate::model::rate_limits::RateLimitModel;
use crate::progenitor::postprocess::Arguments;
use quote::ToTokens;
use std::fmt::Write as _;

/// The summary: `operations` (method, path, `Client` method with its required arguments, what
/// `send` returns and its error enum; how it pages, the rate limits that pace it, its bulk tool),
/// then the `type_entries` of every module, sorted.
pub fn summarize(
    operations: &[OperationModel],
    rate_limits: &[RateLimitModel],
    arguments: &Arguments,
    type_entries: &[TypeEntry],
) -> String {
    let mut out = String::from("operations:\n");
    for op in operations {
        let _ = writeln!(
            out,
            "  {} {} → Client::{}({}) → {} / errors::{}",
            op.method.to_uppercase(),
            op.path,
            op.rust_name,
            arguments.get(&op.rust_name).map(|a| a.join(", ")).unwrap_or_default(),
            op.success_body
                .as_deref()
                .map_or_else(|| "()".to_string(), crate::names::body_type),
            crate::model::error_enum(op)
        );
        if let Some(pagination) = &op.pagination {
            let _ = writeln!(
                out,
                "    .pages() → Pages<{}> / .stream() → Items<{}>, {}",
                op.success_body
                    .as_deref()
                    .map(crate::names::body_type)
                    .unwrap_or_default(),
                pagination.item_name,
                pagination.style.summary()
            );
        }
        if let Some(lr) = &op.long_running {
            let _ = writeln!(
                out,
                "    .start() → Poller<{}> (await: {}; {} until {} or {}) / Client::resume_{}(Continuation)",
                super::operations_rs::operation_type(op),
                crate::names::body_type(lr.result_type.rsplit("::").next().unwrap_or_default()),
                lr.status.pointer,
                lr.succeeded.join("|"),
                lr.failed.join("|"),
                op.rust_name
            );
            if let Some(downloads) = &lr.downloads {
                let _ = writeln!(
                    out,
                    "    Client::{}_items(result, DownloadOptions) → stream of Line<{}> (gzip JSON Lines files at {} + {})",
                    op.rust_name, downloads.items_name, downloads.root.pointer, downloads.file_name.pointer
                );
            }
        }
        let paced: Vec<String> = rate_limits
            .iter()
            .filter(|limit| limit.operations.as_ref().is_none_or(|ops| ops.contains(&op.id)))
            .map(RateLimitModel::label)
            .collect();
        if !paced.is_empty() {
            let _ = writeln!(out, "    paced by {}", paced.join(", "));
        }
        if let Some(bulk) = &op.bulk {
            let _ = writeln!(
                out,
                "    examples/{}.rs: bulk tool over `{},{}` rows",
                bulk.name, bulk.key_column, bulk.value_column
            );
        }
    }
    out.push_str("types:\n");
    let mut entries: Vec<String> = type_entries.iter().map(TypeEntry::text).collect();
    entries.sort();
    out.push_str(&entries.concat());
    out
}

/// A public struct or enum of a generated module, with its public fields or variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeEntry {
    kind: &'static str,
    name: String,
    items: Vec<String>,
}

impl TypeEntry {
    pub fn structure(name: impl Into<String>) -> Self {
        TypeEntry {
            kind: "struct",
            name: name.into(),
            items: Vec::new(),
        }
    }

    pub fn enumeration(name: impl Into<String>) -> Self {
        TypeEntry {
            kind: "enum",
            name: name.into(),
            items: Vec::new(),
        }
    }

    /// Adds a field (`name: Type`) or a variant (`Name` or `Name(Type)`).
    pub fn item(&mut self, text: impl Into<String>) {
        self.items.push(text.into());
    }

    /// The entry's lines in the summary.
    fn text(&self) -> String {
        let mut text = format!("  {} {}\n", self.kind, self.name);
        for item in &self.items {
            let _ = writeln!(text, "    {item}");
        }
        text
    }
}

/// The entries of a module parsed from tokens (progenitor's, looking inside `mod types`).
pub fn type_entries(file: &syn::File) -> Vec<TypeEntry> {
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
        match item {
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                let mut entry = TypeEntry::structure(s.ident.to_string());
                for field in s.fields.iter().filter(|f| matches!(f.vis, syn::Visibility::Public(_))) {
                    let ty = short_type(&field.ty.to_token_stream().to_string());
                    entry.item(match &field.ident {
                        Some(name) => format!("{name}: {ty}"),
                        None => ty,
                    });
                }
                entries.push(entry);
            }
            syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                let mut entry = TypeEntry::enumeration(e.ident.to_string());
                for variant in &e.variants {
                    entry.item(match &variant.fields {
                        syn::Fields::Unit => variant.ident.to_string(),
                        fields => {
                            let inner: Vec<String> = fields
                                .iter()
                                .map(|f| short_type(&f.ty.to_token_stream().to_string()))
                                .collect();
                            format!("{}({})", variant.ident, inner.join(", "))
                        }
                    });
                }
                entries.push(entry);
            }
            _ => {}
        }
    }
    entries
}

/// `::std::option::Option<::std::string::String>` → `Option<String>`.
pub fn short_type(ty: &str) -> String {
    let mut text = ty.replace(' ', "");
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
