//! The progenitor stage: runs progenitor on one API, turning its panics and errors into
//! diagnostics that name the operation being generated; [`postprocess`] then edits its syntax
//! tree, and reports what it found there (builders, arguments, bodies) for the renderers.

pub mod postprocess;

use crate::diagnostic::{Diagnostic, Location, escape_pointer_token};
use crate::model::ApiModel;
use ::progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::quote;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// What progenitor produced for one API.
pub struct Generated {
    pub tokens: TokenStream,
    pub type_count: usize,
    pub uses_futures: bool,
}

/// The settings an API is generated with:
/// - builder-style methods (named setters, so adding an optional parameter does not break
///   callers) and one `Client` with every operation;
/// - the runtime's `ClientConfig` inside the `Client`, and a `ClientHooks` implementation that the
///   crate's `client.rs` must provide (it sends through `finops_client_runtime::execute`);
/// - open enums and three-state PATCH bodies from `models.rs` in place of typify's types.
pub fn settings(model: &ApiModel) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote!(::finops_client_runtime::ClientConfig))
        .with_hooks(HooksMode::Expected)
        .with_derive("schemars::JsonSchema");
    for open_enum in &model.open_enums {
        settings.with_replacement(
            &open_enum.name,
            format!("crate::models::{}", open_enum.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for secret in &model.secret_strings {
        settings.with_replacement(secret, "::finops_client_runtime::Secret", std::iter::empty());
    }
    for body in &model.patch_bodies {
        settings.with_replacement(
            &body.name,
            format!("crate::models::{}", body.name),
            [TypeImpl::Default].into_iter(),
        );
    }
    settings
}

/// The spec as progenitor sees it: without responses, so its request code hands every response
/// back whole and the runtime decodes it by status (see `finops_client_runtime::finish`).
pub fn request_only(spec: &OpenAPI) -> OpenAPI {
    let mut spec = spec.clone();
    for item in spec.paths.paths.values_mut() {
        if let openapiv3::ReferenceOr::Item(item) = item {
            for (_, operation) in item_operations_mut(item) {
                if let Some(operation) = operation {
                    operation.responses = openapiv3::Responses::default();
                }
            }
        }
    }
    spec
}

/// Runs progenitor. A failure is narrowed down to the operation or component schema that fails
/// on its own, and `locate` turns that one's JSON pointer into its source position.
pub fn generate(
    api_name: &str,
    spec: &OpenAPI,
    settings: &GenerationSettings,
    locate: &dyn Fn(&str) -> Location,
) -> Result<Generated, Diagnostic> {
    let failure = match run(spec, settings) {
        Ok(Ok(generated)) => return Ok(generated),
        Ok(Err(error)) => format!("progenitor rejected the spec: {error}"),
        Err(panic) => format!("progenitor panicked: {panic}"),
    };
    let diagnostic = explain(api_name, spec, settings, &failure);
    Err(match diagnostic.pointer {
        Some(pointer) => diagnostic.diagnostic.at(locate(&pointer)),
        None => diagnostic.diagnostic,
    })
}

/// A failure, and the JSON pointer of what fails on its own, when one was found.
struct Explained {
    diagnostic: Diagnostic,
    pointer: Option<String>,
}

/// Generates; `Err` carries a panic's message.
fn run(spec: &OpenAPI, settings: &GenerationSettings) -> Result<Result<Generated, progenitor::Error>, String> {
    catch_panic(|| {
        let mut generator = Generator::new(settings);
        let tokens = generator.generate_tokens(spec)?;
        let type_space = generator.get_type_space();
        Ok(Generated {
            tokens,
            type_count: type_space.iter_types().count(),
            uses_futures: generator.uses_futures(),
        })
    })
}

/// Names the component schema or the first operation that fails on its own, so the author knows
/// where to look.
fn explain(api_name: &str, spec: &OpenAPI, settings: &GenerationSettings, failure: &str) -> Explained {
    let mut types_only = spec.clone();
    types_only.paths.paths.clear();
    if !matches!(run(&types_only, settings), Ok(Ok(_))) {
        return types_failed(api_name, &types_only, settings, failure);
    }
    for (path, method, operation) in crate::names::operations(spec) {
        let mut single = spec.clone();
        single.paths.paths.retain(|p, _| p == path);
        if let Some(openapiv3::ReferenceOr::Item(item)) = single.paths.paths.get_mut(path) {
            for (m, op) in item_operations_mut(item) {
                if m != method {
                    *op = None;
                }
            }
        }
        let fails_alone = !matches!(run(&single, settings), Ok(Ok(_)));
        if fails_alone {
            let id = operation.operation_id.as_deref().unwrap_or("(no operationId)");
            return Explained {
                diagnostic: Diagnostic::new(format!(
                    "{api_name}: generating operation `{id}` ({} {path}) failed: {failure}",
                    method.to_uppercase()
                ))
                .help("this spec shape is not supported by the generator; the README's \"Supported specs\" section lists what is"),
                pointer: Some(format!("/paths/{}/{method}", escape_pointer_token(path))),
            };
        }
    }
    types_failed(api_name, &types_only, settings, failure)
}

/// The component types fail: finds the component schema whose types fail with only what it
/// refers to beside it (the one with the fewest such), and points at it.
fn types_failed(api_name: &str, types_only: &OpenAPI, settings: &GenerationSettings, failure: &str) -> Explained {
    let no_components = openapiv3::Components::default();
    let components = types_only.components.as_ref().unwrap_or(&no_components);
    let mut culprit: Option<(usize, String)> = None;
    for name in components.schemas.keys() {
        let closure = referenced_closure(name, components);
        if culprit.as_ref().is_some_and(|(size, _)| *size <= closure.len()) {
            continue;
        }
        let mut alone = types_only.clone();
        if let Some(components) = alone.components.as_mut() {
            components.schemas.retain(|n, _| closure.contains(n));
        }
        if !matches!(run(&alone, settings), Ok(Ok(_))) {
            culprit = Some((closure.len(), name.clone()));
        }
    }
    let help =
        "this schema shape is not supported by the generator; the README's \"Supported specs\" section lists what is";
    match culprit {
        Some((_, name)) => Explained {
            diagnostic: Diagnostic::new(format!(
                "{api_name}: generating the types of component schema `{name}` failed: {failure}"
            ))
            .help(help),
            pointer: Some(format!("/components/schemas/{}", escape_pointer_token(&name))),
        },
        None => Explained {
            diagnostic: Diagnostic::new(format!("{api_name}: generating the component types failed: {failure}"))
                .help("check the schemas under `components/schemas` for shapes the generator cannot express"),
            pointer: None,
        },
    }
}

/// `name` and every component schema it refers to, directly or not.
fn referenced_closure(name: &str, components: &openapiv3::Components) -> std::collections::BTreeSet<String> {
    const PREFIX: &str = "#/components/schemas/";
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = vec![name.to_string()];
    while let Some(next) = todo.pop() {
        if !seen.insert(next.clone()) {
            continue;
        }
        let Some(schema) = components.schemas.get(&next) else {
            continue;
        };
        let json = serde_json::to_value(schema).unwrap_or_default();
        let mut stack = vec![&json];
        while let Some(value) = stack.pop() {
            match value {
                serde_json::Value::Object(map) => {
                    if let Some(target) = map
                        .get("$ref")
                        .and_then(|r| r.as_str())
                        .and_then(|r| r.strip_prefix(PREFIX))
                    {
                        todo.push(crate::diagnostic::unescape_pointer_token(target));
                    }
                    stack.extend(map.values());
                }
                serde_json::Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    }
    seen
}

/// What progenitor's request code holds per the spec: one `.query(..)` per query parameter, one
/// `encode_path(..)` per path parameter, one `header_map.append(..)` per header parameter, one
/// `.json(..)` per JSON request body, and a header map with nothing appended for each operation
/// without header parameters.
pub fn parameter_counts(spec: &OpenAPI) -> postprocess::ParameterCounts {
    use openapiv3::{Parameter, ReferenceOr};
    let no_components = openapiv3::Components::default();
    let components = spec.components.as_ref().unwrap_or(&no_components);
    let mut counts = postprocess::ParameterCounts::default();
    for item in spec.paths.paths.values() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            // Operation-level parameters override path-level ones of the same name and location.
            let parameters: std::collections::BTreeSet<(bool, bool, bool, &str, bool)> = item
                .parameters
                .iter()
                .chain(&operation.parameters)
                .filter_map(|reference| crate::names::resolve_parameter(reference, components))
                .map(|p| {
                    (
                        matches!(p, Parameter::Query { .. }),
                        matches!(p, Parameter::Header { .. }),
                        matches!(p, Parameter::Path { .. }),
                        p.parameter_data_ref().name.as_str(),
                        p.parameter_data_ref().required,
                    )
                })
                .collect();
            counts.query += parameters.iter().filter(|(query, ..)| *query).count();
            let headers = parameters.iter().filter(|(_, header, ..)| *header).count();
            counts.header += headers;
            counts.path += parameters.iter().filter(|(_, _, path, ..)| *path).count();
            counts.required += parameters.iter().filter(|(.., required)| *required).count();
            if headers == 0 {
                counts.operations_without_headers += 1;
            }
            if operation.request_body.is_some() {
                counts.json_bodies += 1;
            }
        }
    }
    counts
}

fn item_operations_mut(item: &mut openapiv3::PathItem) -> [(&'static str, &mut Option<openapiv3::Operation>); 8] {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
}

/// `/home/u/.cargo/registry/src/index…/progenitor-impl-0.15.1/src/method.rs` →
/// `progenitor-impl-0.15.1/src/method.rs`: the same text on every machine.
fn crate_relative(file: &str) -> String {
    let parts: Vec<&str> = file.split(['/', '\\']).collect();
    match parts.iter().rposition(|p| *p == "src") {
        Some(i) if i > 0 => parts[i - 1..].join("/"),
        _ => file.to_string(),
    }
}

thread_local! {
    /// `Some` while this thread runs [`catch_panic`]: the panic hook stores the message here
    /// instead of printing it.
    static CAPTURED: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Runs `f`, returning a panic as its message. The message is captured rather than printed, so
/// the user sees one diagnostic and never a Rust backtrace. Panics on other threads print as usual.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static INSTALL_HOOK: Once = Once::new();
    INSTALL_HOOK.call_once(|| {
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let captured = CAPTURED.with(|slot| match slot.borrow_mut().as_mut() {
                Some(message) => {
                    let payload = info
                        .payload()
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| info.payload().downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "(no message)".into());
                    // Panic messages may carry multi-line Debug dumps; the first line says what failed.
                    let payload = match payload.lines().next() {
                        Some(first) if payload.contains('\n') => format!("{} …", first.trim_end()),
                        _ => payload,
                    };
                    let at = info
                        .location()
                        .map(|l| format!(" (at {}:{})", crate_relative(l.file()), l.line()))
                        .unwrap_or_default();
                    *message = Some(format!("{payload}{at}"));
                    true
                }
                None => false,
            });
            if !captured {
                default_hook(info);
            }
        }));
    });
    let outer = CAPTURED.with(|slot| slot.replace(Some(None)));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let message = CAPTURED.with(|slot| slot.replace(outer)).flatten();
    result.map_err(|_| message.unwrap_or_else(|| "(no message)".into()))
}
