//! Edits of progenitor's syntax tree, each one named and checked: if progenitor's output stops
//! matching what a pass expects, generation fails instead of silently skipping the pass.

use crate::names::public_type;
use quote::ToTokens;
use syn::visit_mut::VisitMut;

/// What the passes found; each count must match the spec for the output to be trusted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// `api-version` header insertions removed.
    pub api_version_headers: usize,
    /// Builder `send` methods renamed to the crate-private `send_unchecked`.
    pub sends: usize,
    /// `Client::new` removed (it panics when the TLS backend cannot start).
    pub client_new: usize,
    /// `200..=299 => Ok(ResponseValue::stream(response))` arms removed, so every response
    /// reaches `finops_client_runtime::finish` whole.
    pub success_streams: usize,
    /// `schemars::JsonSchema` derives moved behind the crate's optional `schemars` feature.
    pub schemars_derives: usize,
    /// `.query(..)` calls routed through `finops_client_runtime::query`, which leaves the URL
    /// alone for an unset optional parameter.
    pub query_calls: usize,
    /// Empty header maps no longer built and merged into the request.
    pub empty_header_maps: usize,
    /// `encode_path(..)` calls routed through `finops_client_runtime::path_segment`, which
    /// refuses an empty, `.` or `..` segment and encodes `\`.
    pub path_segments: usize,
    /// Header values converted by `finops_client_runtime::header_value`, which refuses what a
    /// server would read differently (line breaks, non-ASCII, edge white space).
    pub header_values: usize,
    /// `.json(..)` bodies routed through `finops_client_runtime::json`, which refuses a float
    /// JSON cannot carry (serde_json would send `null`).
    pub json_bodies: usize,
    /// Required inputs (required parameters and request bodies) made arguments of the `Client`
    /// method, so that a call without one does not compile; their builder setters become
    /// crate-private.
    pub required_arguments: usize,
    /// `Client` operation methods that take their required inputs as arguments.
    pub client_methods: usize,
    /// Builder constructors made crate-private: a builder comes from its `Client` method only.
    pub builder_constructors: usize,
    /// `body_map` setters removed: a body is a value of its type, built one way.
    pub body_maps: usize,
    /// typify's `X::builder()` constructors removed with the `types::builder` module (see
    /// [`without_type_builders`]): `bodies.rs` gives each body type its one constructor.
    pub type_builders: usize,
    /// Operation builders whose body field held a `types::builder::X`, now holding the body
    /// type itself like every other body.
    pub builder_bodies: usize,
    /// Setters of `NonZeroU32`/`NonZeroU64` parameters that take any primitive integer through
    /// `finops_client_runtime::PositiveInteger` (`page_size(50)`, `page_size(n: usize)`), with
    /// a message naming the parameter for 0 or an out-of-range value.
    pub positive_integer_setters: usize,
}

/// Parameters of the spec that the passes expect to find in progenitor's output.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ParameterCounts {
    /// Query parameters over all operations.
    pub query: usize,
    /// Operations with no header parameter: their header map stays empty.
    pub operations_without_headers: usize,
    /// Path parameters over all operations.
    pub path: usize,
    /// Header parameters over all operations.
    pub header: usize,
    /// Operations with a (JSON) request body.
    pub json_bodies: usize,
    /// Required parameters (every path parameter, and query and header ones marked required).
    pub required: usize,
}

/// The required arguments of each `Client` operation method, by method name.
pub type Arguments = std::collections::BTreeMap<String, Vec<String>>;

/// What [`apply`] found besides its counts: each `Client` method's required arguments, and the
/// body structs `bodies.rs` gives constructors.
#[derive(Debug, Default)]
pub struct Found {
    pub arguments: Arguments,
    pub bodies: Vec<BodyStruct>,
    /// Each operation builder's inputs by builder name, in field order.
    pub builders: std::collections::BTreeMap<String, Vec<BuilderField>>,
}

/// One input of an operation builder: a parameter, or `body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuilderField {
    pub rust_name: String,
    /// The type the builder holds, as written in `generated.rs` (for an optional input, the type
    /// inside the `Option`).
    pub rust_type: String,
    pub optional: bool,
}

/// A struct of progenitor's `types` that a request body is built from (the body type, and the
/// struct types its fields name), for `bodies.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyStruct {
    pub name: String,
    pub fields: Vec<BodyField>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyField {
    pub rust_name: String,
    pub json_name: String,
    /// What the spec says of the field: its own description, or, for a field that names a
    /// component (`$ref`, which cannot carry one), that component's.
    pub description: String,
    /// The field's type as written in `types` (for an `Option`, the type inside it).
    pub rust_type: String,
    pub kind: BodyFieldKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFieldKind {
    /// No default: an argument of `new`.
    Required,
    /// `Option<T>`: left out until set.
    Optional,
    /// `#[serde(default)]` (lists, maps): empty until set.
    Defaulted,
}

/// progenitor's tokens without typify's `types::builder` module (and the attributes on it).
/// With progenitor's builder interface, typify emits a fallible builder for every struct: a second
/// way to build a body, and about half of `generated.rs`. Dropping the module here, before the
/// tokens are parsed, saves parsing and printing it; [`apply`] then removes what named it.
pub fn without_type_builders(tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    use proc_macro2::{Group, TokenTree};
    let mut out: Vec<TokenTree> = tokens.into_iter().collect();
    // `mod types { .. }` at the top level.
    let Some(types_at) = (0..out.len().saturating_sub(2)).find(|&i| {
        matches!(&out[i], TokenTree::Ident(m) if m == "mod")
            && matches!(&out[i + 1], TokenTree::Ident(t) if t == "types")
            && matches!(&out[i + 2], TokenTree::Group(_))
    }) else {
        return out.into_iter().collect();
    };
    let TokenTree::Group(types) = &out[types_at + 2] else {
        unreachable!("matched as a group above")
    };
    let mut items: Vec<TokenTree> = types.stream().into_iter().collect();
    if let Some(at) = (0..items.len().saturating_sub(3)).find(|&i| {
        matches!(&items[i], TokenTree::Ident(p) if p == "pub")
            && matches!(&items[i + 1], TokenTree::Ident(m) if m == "mod")
            && matches!(&items[i + 2], TokenTree::Ident(b) if b == "builder")
            && matches!(&items[i + 3], TokenTree::Group(_))
    }) {
        // Outer attributes (`#` and a bracketed group) directly before `pub mod builder`.
        let mut start = at;
        while start >= 2
            && matches!(&items[start - 2], TokenTree::Punct(p) if p.as_char() == '#')
            && matches!(&items[start - 1], TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Bracket)
        {
            start -= 2;
        }
        items.drain(start..at + 4);
    }
    let mut group = Group::new(types.delimiter(), items.into_iter().collect());
    group.set_span(types.span());
    out[types_at + 2] = TokenTree::Group(group);
    out.into_iter().collect()
}

/// Applies every pass. `models` are the `models.rs` types re-exported from `types`; `lib` is the
/// crate's name in Rust (`respan_client`), which the doc examples are compiled against;
/// `answers` are the types of the documented response bodies, which get constructors like the
/// request bodies so that a test can build a mock's answer (a success, or a vendor's error body).
pub fn apply(
    file: &mut syn::File,
    operations: usize,
    parameters: ParameterCounts,
    models: &[String],
    lib: &str,
    answers: &[String],
) -> Result<(Applied, Found), String> {
    let mut pass = Passes::default();
    pass.visit_file_mut(file);
    let setter_types: std::collections::HashMap<&str, std::collections::HashMap<String, String>> = pass
        .builder_fields
        .iter()
        .map(|(builder, fields)| {
            let types = fields
                .iter()
                .map(|(ident, ty)| {
                    let inner = first_type_argument(ty, "Option");
                    (ident.to_string(), type_text(inner.as_ref().unwrap_or(ty)))
                })
                .collect();
            (builder.as_str(), types)
        })
        .collect();
    let arguments = required_arguments(file, &pass.required, &setter_types, lib);
    pass.applied.client_methods = arguments.len();
    let mut body_types: Vec<String> = pass
        .required
        .values()
        .flatten()
        .filter(|(name, _)| name == "body")
        .filter_map(|(_, ty)| match ty {
            syn::Type::Path(path) => Some(path.path.segments.last()?.ident.to_string()),
            _ => None,
        })
        .collect();
    body_types.extend(answers.iter().cloned());
    if !models.is_empty() {
        let types = file
            .items
            .iter_mut()
            .find_map(|item| match item {
                syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
                _ => None,
            })
            .ok_or("progenitor's output has no `types` module")?;
        let names: Vec<syn::Ident> = models
            .iter()
            .map(|m| syn::Ident::new(m, proc_macro2::Span::call_site()))
            .collect();
        types.1.insert(
            0,
            // Open enums and three-state PATCH bodies, defined in the crate's `models` module.
            syn::parse_quote! {
                pub use crate::models::{#(#names),*};
            },
        );
    }
    let expected = Applied {
        api_version_headers: operations,
        sends: operations,
        client_new: 1,
        success_streams: operations,
        schemars_derives: pass.applied.schemars_derives,
        query_calls: parameters.query,
        empty_header_maps: parameters.operations_without_headers,
        path_segments: parameters.path,
        header_values: parameters.header,
        json_bodies: parameters.json_bodies,
        required_arguments: parameters.required + parameters.json_bodies,
        client_methods: operations,
        builder_constructors: operations,
        body_maps: pass.applied.body_maps,
        type_builders: pass.applied.type_builders,
        builder_bodies: pass.applied.builder_bodies,
        positive_integer_setters: pass.applied.positive_integer_setters,
    };
    if pass.applied != expected {
        return Err(format!(
            "progenitor's output no longer matches the generator's edits: expected {expected:?}, found {:?}",
            pass.applied
        ));
    }
    crate_private_plumbing(file)?;
    let bodies = body_structs(file, &body_types, models);
    let builders = pass
        .builder_fields
        .iter()
        .map(|(builder, fields)| {
            let fields = fields
                .iter()
                .map(|(ident, ty)| {
                    let inner = first_type_argument(ty, "Option");
                    BuilderField {
                        rust_name: ident.to_string(),
                        rust_type: type_text(inner.as_ref().unwrap_or(ty)),
                        optional: inner.is_some(),
                    }
                })
                .collect();
            (builder.clone(), fields)
        })
        .collect();
    Ok((
        pass.applied,
        Found {
            arguments,
            bodies,
            builders,
        },
    ))
}

/// Keeps progenitor's plumbing out of the crate's public API (and its rustdoc index): the
/// `progenitor_client` items it re-exports (`ByteStream`, `ClientInfo`, `ResponseValue`, and an
/// `Error` the runtime's replaces) become crate-private, and its `prelude` module, a second
/// path to `Client`, goes.
fn crate_private_plumbing(file: &mut syn::File) -> Result<(), String> {
    let before = file.items.len();
    file.items
        .retain(|item| !matches!(item, syn::Item::Mod(m) if m.ident == "prelude"));
    if file.items.len() + 1 != before {
        return Err("progenitor's output no longer has one `prelude` module".into());
    }
    let mut reexports = 0;
    for item in &mut file.items {
        if let syn::Item::Use(item) = item
            && matches!(item.vis, syn::Visibility::Public(_))
            && matches!(&item.tree, syn::UseTree::Path(p) if p.ident == "progenitor_client")
        {
            item.vis = syn::parse_quote!(pub(crate));
            reexports += 1;
        }
    }
    if reexports != 1 {
        return Err(format!(
            "progenitor's output re-exports `progenitor_client` {reexports} times; the generator expects once"
        ));
    }
    Ok(())
}

/// The structs of progenitor's `types` named `body_types` (typify's, with a `builder()`), and
/// the struct types their fields name, transitively; sorted by name. Types replaced by
/// `models.rs` have their own constructors and are left out.
fn body_structs(file: &syn::File, body_types: &[String], models: &[String]) -> Vec<BodyStruct> {
    let Some((_, types)) = types_module(file) else {
        return Vec::new();
    };
    let structs: std::collections::HashMap<String, &syn::ItemStruct> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect();
    let type_docs: std::collections::HashMap<String, String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((s.ident.to_string(), doc_text(&s.attrs))),
            syn::Item::Enum(e) => Some((e.ident.to_string(), doc_text(&e.attrs))),
            _ => None,
        })
        .collect();
    let mut pending: Vec<String> = body_types.to_vec();
    let mut found: std::collections::BTreeMap<String, BodyStruct> = std::collections::BTreeMap::new();
    while let Some(name) = pending.pop() {
        if found.contains_key(&name) || models.contains(&name) {
            continue;
        }
        let Some(item) = structs.get(&name) else { continue };
        let mut fields = Vec::new();
        for field in &item.fields {
            let Some(ident) = &field.ident else { continue };
            let mut json_name = ident.to_string();
            let mut defaulted = false;
            for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        json_name = meta.value()?.parse::<syn::LitStr>()?.value();
                    } else if meta.path.is_ident("default") {
                        defaulted = true;
                        if meta.input.peek(syn::Token![=]) {
                            meta.value()?.parse::<syn::Expr>()?;
                        }
                    } else if meta.input.peek(syn::Token![=]) {
                        meta.value()?.parse::<syn::Expr>()?;
                    }
                    Ok(())
                });
            }
            let (kind, ty) = match first_type_argument(&field.ty, "Option") {
                Some(inner) => (BodyFieldKind::Optional, inner),
                None if defaulted => (BodyFieldKind::Defaulted, field.ty.clone()),
                None => (BodyFieldKind::Required, field.ty.clone()),
            };
            let rust_type = type_text(&ty);
            let mut description = doc_text(&field.attrs);
            if description.is_empty()
                && let syn::Type::Path(path) = &ty
                && let Some(last) = path.path.segments.last()
            {
                description = type_docs.get(&last.ident.to_string()).cloned().unwrap_or_default();
            }
            // Struct types the field names are built the same way.
            for token in ty.to_token_stream() {
                if let proc_macro2::TokenTree::Ident(i) = token
                    && structs.contains_key(&i.to_string())
                {
                    pending.push(i.to_string());
                }
            }
            fields.push(BodyField {
                rust_name: ident.to_string(),
                json_name,
                description,
                rust_type,
                kind,
            });
        }
        found.insert(name.clone(), BodyStruct { name, fields });
    }
    found.into_values().collect()
}

/// The text of an item's `///` lines, trimmed; empty when it has none.
fn doc_text(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .collect();
    lines.join("\n").trim().to_string()
}

/// progenitor's `mod types`: its items.
fn types_module(file: &syn::File) -> Option<&(syn::token::Brace, Vec<syn::Item>)> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref(),
        _ => None,
    })
}

/// A type as compact source text: `:: std :: vec :: Vec < T >` → `::std::vec::Vec<T>`. A space
/// stays only between two words (`dyn Trait`).
pub fn type_text(ty: &syn::Type) -> String {
    let spaced = ty.to_token_stream().to_string();
    let mut out = String::with_capacity(spaced.len());
    let chars: Vec<char> = spaced.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
            let between_words = word(out.chars().last().as_ref()) && word(chars.get(i + 1));
            if between_words || out.ends_with([',', ';']) {
                out.push(' ');
            }
            continue;
        }
        out.push(*c);
    }
    out
}

#[derive(Default)]
struct Passes {
    applied: Applied,
    /// Inside the top-level `builder` module, where the operation builders live.
    in_builder: bool,
    /// Each builder's fields of type `Result<T, String>`: name and `T`.
    builder_fields: std::collections::HashMap<String, Vec<(syn::Ident, syn::Type)>>,
    /// Each builder's required inputs (required parameters, then the body), in field order.
    required: std::collections::HashMap<String, Vec<(syn::Ident, syn::Type)>>,
    /// Builders whose body field held a `types::builder::X` (rewritten to `types::X`).
    builder_bodies: std::collections::HashSet<String>,
}

impl VisitMut for Passes {
    /// `#[derive(.., schemars::JsonSchema)]` → the derive without it, plus
    /// `#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]`: schemars is an optional
    /// dependency of generated crates.
    fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
        let mut gated = false;
        for attr in attrs.iter_mut() {
            if !attr.path().is_ident("derive") {
                continue;
            }
            let Ok(paths) =
                attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                continue;
            };
            let before = paths.len();
            let is_json_schema = |p: &syn::Path| {
                p.leading_colon.is_none()
                    && p.segments.len() == 2
                    && p.segments[0].ident == "schemars"
                    && p.segments[1].ident == "JsonSchema"
            };
            let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_json_schema(p)).collect();
            if kept.len() != before {
                *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
                gated = true;
            }
        }
        if gated {
            attrs.push(syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]));
            self.applied.schemars_derives += 1;
        }
    }

    /// In builders, caller values go through the runtime's checked conversions:
    /// - `request.query(&param)` → `::finops_client_runtime::query(request, &param)?`;
    /// - `request.json(&body)` → `::finops_client_runtime::json(request, &body)?`;
    /// - `header_map.append("Name", value.to_string().try_into()?)` →
    ///   `header_map.append("Name", ::finops_client_runtime::header_value("Name", value.to_string())?)`;
    /// - `encode_path(&x.to_string())` inside the URL's `format!` →
    ///   `::finops_client_runtime::path_segment("x", &x.to_string())?`.
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if !self.in_builder {
            return;
        }
        match expr {
            syn::Expr::MethodCall(call) if call.method == "query" && call.args.len() == 1 => {
                let receiver = &call.receiver;
                let params = &call.args[0];
                *expr = syn::parse_quote!(::finops_client_runtime::query(#receiver, #params)?);
                self.applied.query_calls += 1;
            }
            syn::Expr::MethodCall(call) if call.method == "json" && call.args.len() == 1 => {
                let receiver = &call.receiver;
                let body = &call.args[0];
                *expr = syn::parse_quote!(::finops_client_runtime::json(#receiver, #body)?);
                self.applied.json_bodies += 1;
            }
            syn::Expr::MethodCall(call)
                if call.method == "append"
                    && call.args.len() == 2
                    && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("header_map")) =>
            {
                let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(name),
                    ..
                }) = &call.args[0]
                else {
                    return;
                };
                let Some(value) = string_try_into(&call.args[1]) else {
                    return;
                };
                call.args[1] = syn::parse_quote!(::finops_client_runtime::header_value(#name, #value)?);
                self.applied.header_values += 1;
            }
            syn::Expr::Macro(mac) if mac.mac.path.is_ident("format") => {
                self.applied.path_segments += checked_path_segments(&mut mac.mac);
            }
            _ => {}
        }
    }

    fn visit_expr_match_mut(&mut self, expr: &mut syn::ExprMatch) {
        if self.in_builder {
            let before = expr.arms.len();
            expr.arms.retain(|arm| !is_success_stream_arm(arm));
            self.applied.success_streams += before - expr.arms.len();
        }
        syn::visit_mut::visit_expr_match_mut(self, expr);
    }

    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if module.ident == "types" && !self.in_builder {
            // Only derives are edited in `types`; skipping its impl bodies (most of the file's
            // expressions) keeps this pass cheap.
            self.visit_type_items(module);
            return;
        }
        let outer = self.in_builder;
        self.in_builder = module.ident == "builder" && !outer;
        if self.in_builder {
            // progenitor imports `types` whether or not a builder names it; without response
            // types, some APIs' builders do not.
            for item in module.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
                if let syn::Item::Use(import) = item
                    && import.tree.to_token_stream().to_string() == "super :: types"
                {
                    import.attrs.push(syn::parse_quote!(#[allow(unused_imports)]));
                }
            }
        }
        syn::visit_mut::visit_item_mod_mut(self, module);
        self.in_builder = outer;
    }

    /// Drops `header_map.append(HeaderName::from_static("api-version"), ...)`: progenitor sends
    /// `info.version` in a header no API of ours documents.
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_api_version_header(stmt));
        self.applied.api_version_headers += before - block.stmts.len();
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        if self.in_builder {
            for field in item.fields.iter_mut() {
                if field.ident.as_ref().is_some_and(|i| i == "body")
                    && let Some(body) = first_type_argument(&field.ty, "Result")
                    && matches!(&body, syn::Type::Path(p) if p.path.segments.iter().any(|s| s.ident == "builder"))
                {
                    let body = without_builder_segment(&body);
                    field.ty = syn::parse_quote!(Result<#body, String>);
                    self.builder_bodies.insert(item.ident.to_string());
                    self.applied.builder_bodies += 1;
                }
            }
            // The pagers in `pages.rs` read the page and token parameters a caller set.
            for field in item.fields.iter_mut() {
                field.vis = syn::parse_quote!(pub(crate));
            }
            let fields = item
                .fields
                .iter()
                .filter_map(|field| Some((field.ident.clone()?, first_type_argument(&field.ty, "Result")?)))
                .collect();
            self.builder_fields.insert(item.ident.to_string(), fields);
        }
        syn::visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        // Inner edits (the `api-version` lines) first: `drop_needless_mut` looks at what is left.
        syn::visit_mut::visit_item_impl_mut(self, item);
        let is_client = matches!(&*item.self_ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("Client"));
        if item.trait_.is_none() && is_client {
            let before = item.items.len();
            item.items
                .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
            self.applied.client_new += before - item.items.len();
            for i in &mut item.items {
                if let syn::ImplItem::Fn(f) = i
                    && f.sig.ident == "new_with_client"
                {
                    f.vis = syn::parse_quote!(pub(crate));
                    f.attrs.retain(|a| !a.path().is_ident("doc"));
                    f.attrs.push(syn::parse_quote!(
                        #[doc = " Used by `ClientBuilder::build`, which checks the settings first."]
                    ));
                }
            }
        }
        if item.trait_.is_none() && self.in_builder {
            self.required_inputs(item);
            for i in &mut item.items {
                if let syn::ImplItem::Fn(f) = i
                    && positive_integer_setter(f)
                {
                    self.applied.positive_integer_setters += 1;
                }
            }
            for i in &mut item.items {
                if let syn::ImplItem::Fn(f) = i
                    && f.sig.ident == "send"
                    && f.sig.asyncness.is_some()
                {
                    self.applied.empty_header_maps += drop_empty_header_map(f);
                    f.sig.ident = syn::Ident::new("send_unchecked", f.sig.ident.span());
                    f.vis = syn::parse_quote!(pub(crate));
                    f.attrs.retain(|a| !a.path().is_ident("doc"));
                    f.attrs.push(syn::parse_quote!(
                        #[doc = " Builds and sends the request; `send` decodes the response."]
                    ));
                    self.applied.sends += 1;
                }
            }
        }
    }
}

impl Passes {
    /// The derive edit on every struct, enum and union of `module` and its submodules.
    fn visit_type_items(&mut self, module: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut module.content {
            let before = items.len();
            items.retain(|item| !is_type_builder_impl(item));
            self.applied.type_builders += before - items.len();
        }
        for item in module.content.iter_mut().flat_map(|(_, items)| items.iter_mut()) {
            match item {
                syn::Item::Struct(s) => self.visit_attributes_mut(&mut s.attrs),
                syn::Item::Enum(e) => self.visit_attributes_mut(&mut e.attrs),
                syn::Item::Union(u) => self.visit_attributes_mut(&mut u.attrs),
                syn::Item::Mod(m) => self.visit_type_items(m),
                _ => {}
            }
        }
    }

    /// In a builder's `impl`: finds the required inputs (the fields `new` leaves as
    /// "was not initialized" errors, and the body), makes their setters and `new` crate-private,
    /// and drops `body_map`.
    fn required_inputs(&mut self, item: &mut syn::ItemImpl) {
        let syn::Type::Path(self_ty) = &*item.self_ty else {
            return;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let Some(fields) = self.builder_fields.get(&name) else {
            return;
        };
        let Some(new) = item.items.iter().find_map(|i| match i {
            syn::ImplItem::Fn(f) if f.sig.ident == "new" => Some(f),
            _ => None,
        }) else {
            return;
        };
        let uninitialized: Vec<String> = new
            .block
            .stmts
            .iter()
            .filter_map(|stmt| match stmt {
                syn::Stmt::Expr(syn::Expr::Struct(init), None) => Some(init),
                _ => None,
            })
            .flat_map(|init| init.fields.iter())
            .filter(|field| matches!(&field.expr, syn::Expr::Call(call) if matches!(&*call.func, syn::Expr::Path(p) if p.path.is_ident("Err"))))
            .filter_map(|field| match &field.member {
                syn::Member::Named(ident) => Some(ident.to_string()),
                syn::Member::Unnamed(_) => None,
            })
            .collect();
        let required: Vec<(syn::Ident, syn::Type)> = fields
            .iter()
            .filter(|(field, _)| field == "body" || uninitialized.iter().any(|u| field == u))
            .cloned()
            .collect();
        if self.builder_bodies.contains(&name) {
            for i in &mut item.items {
                if let syn::ImplItem::Fn(f) = i
                    && ["new", "body", "send"].iter().any(|n| f.sig.ident == n)
                {
                    BodyWithoutBuilder.visit_impl_item_fn_mut(f);
                }
            }
        }
        let before = item.items.len();
        item.items
            .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "body_map"));
        self.applied.body_maps += before - item.items.len();
        for i in &mut item.items {
            let syn::ImplItem::Fn(f) = i else { continue };
            if f.sig.ident == "new" {
                f.vis = syn::parse_quote!(pub(crate));
                self.applied.builder_constructors += 1;
            } else if required.iter().any(|(field, _)| f.sig.ident == *field) {
                f.vis = syn::parse_quote!(pub(crate));
                self.applied.required_arguments += 1;
            }
        }
        self.required.insert(name, required);
    }
}

/// `types::builder::X` (typify's builder, which a body field holds) → `types::X`.
fn without_builder_segment(ty: &syn::Type) -> syn::Type {
    let mut ty = ty.clone();
    if let syn::Type::Path(path) = &mut ty {
        let segments: syn::punctuated::Punctuated<syn::PathSegment, syn::Token![::]> = path
            .path
            .segments
            .iter()
            .filter(|s| s.ident != "builder")
            .cloned()
            .collect();
        path.path.segments = segments;
    }
    ty
}

/// A setter `fn name<V>(mut self, value: V) where V: TryInto<NonZeroU32>` (or `NonZeroU64`)
/// becomes `where V: ::finops_client_runtime::PositiveInteger<NonZeroU32>`, its
/// `value.try_into()..map_err(..)` becomes `::finops_client_runtime::positive_integer("name",
/// value)` (keeping `.map(Some)`). Returns whether `f` was such a setter.
fn positive_integer_setter(f: &mut syn::ImplItemFn) -> bool {
    let Some(where_clause) = &mut f.sig.generics.where_clause else {
        return false;
    };
    let mut target = None;
    for predicate in where_clause.predicates.iter_mut() {
        let syn::WherePredicate::Type(bound) = predicate else {
            continue;
        };
        for b in bound.bounds.iter_mut() {
            let syn::TypeParamBound::Trait(t) = b else { continue };
            let Some(last) = t.path.segments.last() else { continue };
            if last.ident != "TryInto" {
                continue;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                continue;
            };
            let Some(syn::GenericArgument::Type(syn::Type::Path(ty))) = args.args.first() else {
                continue;
            };
            if ty
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "NonZeroU32" || s.ident == "NonZeroU64")
            {
                let ty = ty.clone();
                *b = syn::parse_quote!(::finops_client_runtime::PositiveInteger<#ty>);
                target = Some(ty);
            }
        }
    }
    if target.is_none() {
        return false;
    }
    let name = f.sig.ident.to_string();
    for stmt in &mut f.block.stmts {
        let syn::Stmt::Expr(syn::Expr::Assign(assign), _) = stmt else {
            continue;
        };
        let optional = assign.right.to_token_stream().to_string().contains("map (Some)");
        assign.right = if optional {
            Box::new(syn::parse_quote!(::finops_client_runtime::positive_integer(#name, value).map(Some)))
        } else {
            Box::new(syn::parse_quote!(::finops_client_runtime::positive_integer(#name, value)))
        };
    }
    true
}

/// `impl X { pub fn builder() -> builder::X { .. } }` in `types`.
fn is_type_builder_impl(item: &syn::Item) -> bool {
    matches!(item, syn::Item::Impl(i) if i.trait_.is_none()
        && !i.items.is_empty()
        && i.items.iter().all(|f| matches!(f, syn::ImplItem::Fn(f) if f.sig.ident == "builder")))
}

/// In an operation builder whose body field held typify's builder, the conversions to and from
/// it: `body: Ok(Default::default())` in `new` becomes the "was not initialized" error of every
/// other required input, the setter's `.map(From::from)` and `send`'s
/// `body.and_then(|v| types::X::try_from(v)..)` go.
struct BodyWithoutBuilder;

impl VisitMut for BodyWithoutBuilder {
    fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
        if matches!(&field.member, syn::Member::Named(i) if i == "body") {
            field.expr = syn::parse_quote!(Err("body was not initialized".to_string()));
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if let syn::Expr::MethodCall(call) = expr {
            let from_from = call.method == "map"
                && matches!(call.args.first(), Some(syn::Expr::Path(p)) if p.path.segments.len() == 2
                    && p.path.segments[0].ident == "From" && p.path.segments[1].ident == "from");
            let body_try_from =
                call.method == "and_then" && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("body"));
            if from_from || body_try_from {
                *expr = (*call.receiver).clone();
            }
        }
    }
}

/// `T` of `Wrapper<T, ..>` for a path ending in `wrapper` (`Option`, `Result`).
fn first_type_argument(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    }
}

/// Gives each `Client` operation method (`pub fn op(&self) -> builder::Op<'_>`) its builder's
/// required inputs as arguments, parameters as `impl Into<T>` and the body as its type,
/// and rewrites the call in its doc example. Returns the arguments of each method it changed.
fn required_arguments(
    file: &mut syn::File,
    required: &std::collections::HashMap<String, Vec<(syn::Ident, syn::Type)>>,
    setter_types: &std::collections::HashMap<&str, std::collections::HashMap<String, String>>,
    lib: &str,
) -> Arguments {
    let mut changed = Arguments::new();
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else { continue };
        let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("Client"));
        if block.trait_.is_some() || !is_client {
            continue;
        }
        for i in &mut block.items {
            let syn::ImplItem::Fn(f) = i else { continue };
            let syn::ReturnType::Type(_, output) = &f.sig.output else {
                continue;
            };
            let syn::Type::Path(output) = &**output else { continue };
            let segments: Vec<String> = output.path.segments.iter().map(|s| s.ident.to_string()).collect();
            let [module, builder] = &segments[..] else { continue };
            if module != "builder" {
                continue;
            }
            let inputs = required.get(builder);
            if let Some(inputs) = inputs {
                let builder_ident = syn::Ident::new(builder, proc_macro2::Span::call_site());
                let mut call: syn::Expr = syn::parse_quote!(builder::#builder_ident::new(self));
                for (name, ty) in inputs {
                    if name == "body" {
                        f.sig.inputs.push(syn::parse_quote!(#name: #ty));
                        call = syn::parse_quote!(#call.#name(#name));
                    } else {
                        f.sig.inputs.push(syn::parse_quote!(#name: impl Into<#ty>));
                        call = syn::parse_quote!(#call.#name(#name.into()));
                    }
                }
                f.block = syn::parse_quote!({ #call });
            }
            let names: Vec<String> = inputs.into_iter().flatten().map(|(name, _)| name.to_string()).collect();
            for attr in &mut f.attrs {
                if let syn::Meta::NameValue(doc) = &mut attr.meta
                    && doc.path.is_ident("doc")
                    && let syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) = &doc.value
                {
                    let rewritten = doc_example_with_arguments(&text.value(), &f.sig.ident.to_string(), &names);
                    let types = setter_types.get(builder.as_str());
                    let type_of = |name: &str| types.and_then(|t| t.get(name)).map(|t| public_type(t, lib));
                    let rewritten = compiled_doc_example(&rewritten, lib, type_of);
                    doc.value = syn::parse_quote!(#rewritten);
                }
            }
            if inputs.is_some() {
                changed.insert(f.sig.ident.to_string(), names);
            }
        }
    }
    changed
}

/// progenitor's doc example `client.op()\n    .name(name)\n ...` with the required `names` moved
/// into the call's arguments.
fn doc_example_with_arguments(doc: &str, method: &str, names: &[String]) -> String {
    let mut out = String::with_capacity(doc.len());
    for line in doc.split_inclusive('\n') {
        let trimmed = line.trim();
        let is_required_setter = names.iter().any(|name| trimmed == format!(".{name}({name})"));
        if is_required_setter {
            continue;
        }
        out.push_str(&line.replace(
            &format!("client.{method}()"),
            &format!("client.{method}({})", names.join(", ")),
        ));
    }
    out
}

/// progenitor's doc example, which it marks `ignore` (its variables are never defined), made a
/// compiled one: `no_run` (it needs a server), inside a hidden `async fn` that takes the client and
/// each variable the example passes, typed as the builder's input (`type_of`). A variable whose
/// type is unknown leaves the example as progenitor wrote it.
fn compiled_doc_example(doc: &str, lib: &str, type_of: impl Fn(&str) -> Option<String>) -> String {
    let Some(start) = doc.find("```ignore\n") else {
        return doc.to_string();
    };
    let body_start = start + "```ignore\n".len();
    let Some(length) = doc[body_start..].find("```") else {
        return doc.to_string();
    };
    let body = &doc[body_start..body_start + length];
    // The example's variables: the call's arguments and each setter's argument, `name(name)`.
    let mut variables: Vec<&str> = Vec::new();
    for (open, _) in body.match_indices('(') {
        let Some(close) = body[open..].find(')') else { continue };
        for name in body[open + 1..open + close].split(',').map(str::trim) {
            let is_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if is_name && !variables.contains(&name) {
                variables.push(name);
            }
        }
    }
    let mut parameters = vec![format!("client: &{lib}::Client")];
    for name in variables {
        match type_of(name) {
            Some(ty) => parameters.push(format!("{name}: {ty}")),
            None => return doc.to_string(),
        }
    }
    format!(
        "{}```no_run\n# async fn example({}) {{\n{body}# }}\n{}",
        &doc[..start],
        parameters.join(", "),
        &doc[body_start + length..]
    )
}

/// When nothing is appended to `header_map` any more (the `api-version` line was its only use),
/// drops `let mut header_map = ...;` and `.headers(header_map)`: merging an empty map costs every
/// call an allocation. Returns how many maps it dropped (0 or 1).
fn drop_empty_header_map(function: &mut syn::ImplItemFn) -> usize {
    struct FindsAppend(bool);
    impl<'ast> syn::visit::Visit<'ast> for FindsAppend {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            let on_header_map = matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("header_map"));
            self.0 |= on_header_map && call.method == "append";
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    struct DropsMerge(usize);
    impl VisitMut for DropsMerge {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.len() == 1
                && matches!(&call.args[0], syn::Expr::Path(p) if p.path.is_ident("header_map"))
            {
                *expr = (*call.receiver).clone();
                self.0 += 1;
            }
        }
    }
    let mut finds = FindsAppend(false);
    syn::visit::Visit::visit_block(&mut finds, &function.block);
    if finds.0 {
        return 0;
    }
    let before = function.block.stmts.len();
    function.block.stmts.retain(|stmt| {
        !matches!(stmt, syn::Stmt::Local(local)
            if matches!(&local.pat, syn::Pat::Ident(ident) if ident.ident == "header_map"))
    });
    if function.block.stmts.len() == before {
        return 0;
    }
    let mut merges = DropsMerge(0);
    merges.visit_block_mut(&mut function.block);
    merges.0
}

/// `X.to_string().try_into()?` → `X.to_string()`.
fn string_try_into(expr: &syn::Expr) -> Option<syn::Expr> {
    let syn::Expr::Try(attempt) = expr else { return None };
    let syn::Expr::MethodCall(call) = &*attempt.expr else {
        return None;
    };
    let to_string = &*call.receiver;
    let is_to_string = matches!(to_string, syn::Expr::MethodCall(inner) if inner.method == "to_string");
    (call.method == "try_into" && call.args.is_empty() && is_to_string).then(|| to_string.clone())
}

/// Rewrites each `encode_path(&name.to_string())` argument of a `format!` into
/// `::finops_client_runtime::path_segment("name", &name.to_string())?`; returns how many.
fn checked_path_segments(mac: &mut syn::Macro) -> usize {
    use syn::parse::Parser;
    let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
    let Ok(mut arguments) = parser.parse2(mac.tokens.clone()) else {
        return 0;
    };
    let mut rewritten = 0;
    for argument in arguments.iter_mut() {
        let syn::Expr::Call(call) = argument else { continue };
        let is_encode_path = matches!(&*call.func, syn::Expr::Path(p) if p.path.is_ident("encode_path"));
        let (Some(value), 1) = (call.args.first(), call.args.len()) else {
            continue;
        };
        let name = match value {
            syn::Expr::Reference(reference) => match &*reference.expr {
                syn::Expr::MethodCall(call) if call.method == "to_string" => match &*call.receiver {
                    syn::Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let (true, Some(name)) = (is_encode_path, name) else {
            continue;
        };
        *argument = syn::parse_quote!(::finops_client_runtime::path_segment(#name, #value)?);
        rewritten += 1;
    }
    if rewritten > 0 {
        mac.tokens = arguments.to_token_stream();
    }
    rewritten
}

/// `200..=299 => Ok(ResponseValue::stream(response))`, compared without printing the arm.
fn is_success_stream_arm(arm: &syn::Arm) -> bool {
    let literal = |bound: &Option<Box<syn::Expr>>, value: u16| {
        matches!(bound.as_deref(), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(int), .. }))
            if int.base10_parse::<u16>().ok() == Some(value))
    };
    let syn::Pat::Range(range) = &arm.pat else {
        return false;
    };
    if !(literal(&range.start, 200) && literal(&range.end, 299)) {
        return false;
    }
    arm.body
        .to_token_stream()
        .to_string()
        .contains("ResponseValue :: stream")
}

fn is_api_version_header(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    call.method == "append"
        && call.args.first().is_some_and(|name| {
            name.to_token_stream()
                .to_string()
                .contains("from_static (\"api-version\")")
        })
}
