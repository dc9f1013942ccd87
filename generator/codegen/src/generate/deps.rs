//! Which crates the generated code names, so each crate depends on exactly those.

use std::collections::BTreeSet;
use syn::visit::Visit;

/// A crate generated code may use, and how a generated crate depends on it.
pub struct KnownCrate {
    /// The name as written in Rust paths.
    pub ident: &'static str,
    /// The `[dependencies]` line (versions and features live in the workspace manifest).
    pub manifest_line: &'static str,
}

/// Every crate the generated code can refer to. `reqwest` and `progenitor-client` are always used.
pub const KNOWN_CRATES: &[KnownCrate] = &[
    KnownCrate {
        ident: "bytes",
        manifest_line: "bytes = { workspace = true }",
    },
    KnownCrate {
        ident: "chrono",
        manifest_line: "chrono = { workspace = true }",
    },
    KnownCrate {
        ident: "finops_client_runtime",
        manifest_line: "finops-client-runtime = { workspace = true }",
    },
    KnownCrate {
        ident: "futures",
        manifest_line: "futures = { workspace = true }",
    },
    KnownCrate {
        ident: "progenitor_client",
        manifest_line: "progenitor-client = { workspace = true }",
    },
    KnownCrate {
        ident: "regress",
        manifest_line: "regress = { workspace = true }",
    },
    KnownCrate {
        ident: "reqwest",
        manifest_line: "reqwest = { workspace = true }",
    },
    KnownCrate {
        ident: "serde",
        manifest_line: "serde = { workspace = true }",
    },
    KnownCrate {
        ident: "serde_json",
        manifest_line: "serde_json = { workspace = true }",
    },
    KnownCrate {
        ident: "uuid",
        manifest_line: "uuid = { workspace = true }",
    },
];

/// The known crates named by any path in `file`, in the order of [`KNOWN_CRATES`].
pub fn used_crates(file: &syn::File) -> Vec<&'static KnownCrate> {
    let mut visitor = PathRoots::default();
    visitor.visit_file(file);
    KNOWN_CRATES
        .iter()
        .filter(|c| visitor.roots.contains(c.ident))
        .collect()
}

#[derive(Default)]
struct PathRoots {
    roots: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for PathRoots {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(first) = path.segments.first() {
            self.roots.insert(first.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                self.roots.insert(p.ident.to_string());
            }
            syn::UseTree::Name(n) => {
                self.roots.insert(n.ident.to_string());
            }
            _ => {}
        }
        // Only the first segment of a `use` names a crate.
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `serde_json::json!(..)`-style bodies are token streams; look at their idents too.
        collect_idents(mac.tokens.clone(), &mut self.roots);
        syn::visit::visit_macro(self, mac);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        // `#[serde(with = "...")]`, `#[derive(::serde::Serialize)]` name crates inside attributes.
        if let syn::Meta::List(list) = &attr.meta {
            collect_idents(list.tokens.clone(), &mut self.roots);
        }
        syn::visit::visit_attribute(self, attr);
    }
}

fn collect_idents(tokens: proc_macro2::TokenStream, out: &mut BTreeSet<String>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => {
                out.insert(ident.to_string());
            }
            proc_macro2::TokenTree::Group(group) => collect_idents(group.stream(), out),
            proc_macro2::TokenTree::Literal(lit) => {
                // String literals such as `"chrono::serde::ts_seconds"` in serde attributes.
                let text = lit.to_string();
                if let Some(root) = text.trim_matches('"').split("::").next() {
                    out.insert(root.to_string());
                }
            }
            proc_macro2::TokenTree::Punct(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(code: &str) -> Vec<&'static str> {
        used_crates(&syn::parse_str(code).unwrap())
            .iter()
            .map(|c| c.ident)
            .collect()
    }

    #[test]
    fn finds_crates_in_paths_uses_and_attributes() {
        let code = r#"
            use progenitor_client::Error;
            pub struct A { pub at: ::chrono::DateTime<::chrono::offset::Utc>, pub v: serde_json::Value }
            #[derive(::serde::Serialize)]
            pub struct B;
        "#;
        assert_eq!(used(code), ["chrono", "progenitor_client", "serde", "serde_json"]);
    }

    #[test]
    fn local_names_that_look_like_crates_in_other_positions_are_ignored() {
        assert_eq!(used("pub struct Uuid { pub bytes_len: u8 }"), Vec::<&str>::new());
    }
}
