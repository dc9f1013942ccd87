//! The pipeline for one API, in memory: a bundled spec is normalized and read into the
//! [`model`], progenitor writes the request code and the [`progenitor`] stage edits it, then each
//! [`render`]er writes its file. Nothing here reads or writes the disk; the emit stage does.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model;
use crate::progenitor::{self, postprocess};
use crate::render::crate_files::{self, CrateInfo};
use crate::render::{
    bodies_rs, bulk_example_rs, client_rs, deps, errors_rs, mock_rs, models_rs, operations_rs, pages_rs, send_rs,
    surface, tool_crate,
};
use crate::spec::BundledSpec;
use crate::spec::node::Node;
use crate::spec::normalize::{self, Rewrite};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Where generated crates live, relative to the repository root.
pub const CRATES_DIR: &str = "crates";

/// One generated crate, held in memory until every API has succeeded.
#[derive(Debug, Clone)]
pub struct GeneratedCrate {
    pub api: String,
    pub package: String,
    /// The crate's folder relative to the repository root, e.g. `crates/respan-client`.
    pub dir: PathBuf,
    /// File contents by path relative to [`Self::dir`].
    pub files: BTreeMap<PathBuf, String>,
    pub operation_count: usize,
    pub type_count: usize,
    pub rewrites: Vec<Rewrite>,
    /// What the spec has that the crate leaves out on purpose, as located notes (see
    /// [`crate::spec::openapi31::Note`]).
    pub notes: Vec<String>,
    /// The public API in a few lines; see [`surface`].
    pub surface: String,
    /// The API's command-line tool, a crate of its own; see [`tool_crate`].
    pub cli: GeneratedFiles,
}

/// The files of a generated crate other than the client: its package, folder and contents.
#[derive(Debug, Clone)]
pub struct GeneratedFiles {
    pub package: String,
    /// Relative to the repository root, e.g. `crates/respan-cli`.
    pub dir: PathBuf,
    /// File contents by path relative to [`Self::dir`].
    pub files: BTreeMap<PathBuf, String>,
}

impl GeneratedCrate {
    /// The folders the API's generation owns: the client crate's, then the tool's.
    pub fn dirs(&self) -> [&std::path::Path; 2] {
        [&self.dir, &self.cli.dir]
    }

    /// Every file of the client crate and the tool, by path relative to the repository root.
    pub fn all_files(&self) -> impl Iterator<Item = (PathBuf, &String)> {
        let client = self.files.iter().map(|(path, text)| (self.dir.join(path), text));
        let cli = self
            .cli
            .files
            .iter()
            .map(|(path, text)| (self.cli.dir.join(path), text));
        client.chain(cli)
    }
}

/// The package name of an API's crate.
pub fn package_name(api: &str) -> String {
    format!("{api}-client")
}

/// Time spent in each stage of [`generate`], for `cargo xtask bench`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    /// Read the YAML files and bundle them into one document.
    pub load: Duration,
    /// The generator's checks of the bundled spec.
    pub check: Duration,
    /// Normalize the spec and read the model.
    pub normalize: Duration,
    /// progenitor and typify.
    pub progenitor: Duration,
    /// Parse progenitor's tokens, apply the syntax-tree edits, print `generated.rs`.
    pub progenitor_tree: Duration,
    /// Write the client layer (client.rs, errors.rs, send.rs, models.rs, bodies.rs).
    pub client_layer: Duration,
    /// Cargo.toml, README.md, API.md, lib.rs and the examples.
    pub crate_files: Duration,
}

impl std::ops::AddAssign for StageTimes {
    fn add_assign(&mut self, other: Self) {
        self.load += other.load;
        self.check += other.check;
        self.normalize += other.normalize;
        self.progenitor += other.progenitor;
        self.progenitor_tree += other.progenitor_tree;
        self.client_layer += other.client_layer;
        self.crate_files += other.crate_files;
    }
}

/// A Rust module of the crate as written, with what `Cargo.toml` and `API.md` need from it.
struct RustModule {
    path: &'static str,
    code: String,
    crates: Vec<&'static deps::KnownCrate>,
    type_entries: Vec<surface::TypeEntry>,
}

impl RustModule {
    fn new(path: &'static str, code: String, type_entries: Vec<surface::TypeEntry>) -> Self {
        RustModule {
            path,
            crates: deps::used_crates(&code),
            code,
            type_entries,
        }
    }

    /// A module built as a syntax tree (progenitor's), printed by prettyplease.
    fn printed(path: &'static str, file: &syn::File) -> Self {
        Self::new(path, prettyplease::unparse(file), surface::type_entries(file))
    }
}

/// A checked spec, ready to render: normalized, typed, and read into the model and the crate's
/// metadata. Whether the generator accepts a spec is decided by [`prepare`] and [`render`] together
/// (see `codegen::accept`).
pub struct Prepared<'a> {
    pub spec: &'a BundledSpec,
    /// The normalized document (every response body a component `$ref`), as `openapiv3` types.
    pub openapi: openapiv3::OpenAPI,
    /// The crate's metadata and the model the client layer is rendered from.
    pub info: CrateInfo,
    pub rewrites: Vec<Rewrite>,
}

/// Normalize → `openapiv3` → model → crate metadata. `document` is `spec`'s document as JSON
/// (what [`crate::spec::check_bundled`] gives back).
pub fn prepare(spec: &BundledSpec, mut document: serde_json::Value) -> Result<Prepared<'_>, Diagnostics> {
    let rewrites = normalize::normalize(&mut document);
    let openapi = to_openapi(spec, document)?;
    let model = model::read(spec, &openapi)?;
    let info = crate_info(spec, &openapi, &model, rewrites.clone())?;
    Ok(Prepared {
        spec,
        openapi,
        info,
        rewrites,
    })
}

/// [`prepare`] then [`render`].
pub fn generate(spec: &BundledSpec) -> Result<GeneratedCrate, Diagnostics> {
    let mut times = StageTimes::default();
    let prepared = prepare(spec, spec.document.to_json())?;
    render(&prepared, &mut times)
}

/// Every file of the crate: progenitor's module, the client layer, then the crate files. Adds
/// the time of each stage to `times`.
pub fn render(prepared: &Prepared<'_>, times: &mut StageTimes) -> Result<GeneratedCrate, Diagnostics> {
    let Prepared {
        spec,
        openapi,
        info,
        rewrites,
    } = prepared;
    let model = &info.model;

    let replaced: Vec<String> = model
        .open_enums
        .iter()
        .map(|e| e.name.clone())
        .chain(model.patch_bodies.iter().map(|b| b.name.clone()))
        .collect();
    let api = spec.api.name.as_str();
    let (generated, applied, found, generated_module) =
        progenitor_module(spec, api, openapi, model, model.operations.len(), &replaced, times)?;
    let started = Instant::now();
    let mut modules = vec![generated_module];
    modules.extend(client_layer(model, !replaced.is_empty(), &found.bodies));
    modules.push(RustModule::new(
        "src/mock.rs",
        mock_rs::render(model, &info.title, &found.builders),
        Vec::new(),
    ));
    times.client_layer += started.elapsed();

    let started = Instant::now();
    let mut used: Vec<&deps::KnownCrate> = Vec::new();
    for dep in modules.iter().flat_map(|m| &m.crates) {
        if !used.iter().any(|u| u.ident == dep.ident) {
            used.push(dep);
        }
    }
    if generated.uses_futures && !used.iter().any(|c| c.ident == "futures") {
        used.extend(deps::KNOWN_CRATES.iter().filter(|c| c.ident == "futures"));
    }
    used.sort_by_key(|c| deps::KNOWN_CRATES.iter().position(|k| k.ident == c.ident));
    let type_entries: Vec<surface::TypeEntry> = modules
        .iter_mut()
        .flat_map(|m| std::mem::take(&mut m.type_entries))
        .collect();
    let surface = surface::summarize(&model.operations, &model.rate_limits, &found.arguments, &type_entries);

    let module_names: Vec<&str> = modules
        .iter()
        .filter_map(|m| m.path.strip_prefix("src/")?.strip_suffix(".rs"))
        .collect();
    let mut files = BTreeMap::new();
    files.insert(
        PathBuf::from("Cargo.toml"),
        crate_files::cargo_toml(info, &used, applied.schemars_derives > 0 || !replaced.is_empty()),
    );
    files.insert(PathBuf::from("README.md"), crate_files::readme(info));
    files.insert(
        PathBuf::from("src/lib.rs"),
        crate_files::lib_rs(info, &module_names, &used),
    );
    for module in &modules {
        files.insert(PathBuf::from(module.path), crate_files::rust_file(info, &module.code));
    }
    files.insert(PathBuf::from("API.md"), crate_files::api_md(info, &surface));
    for op in &info.model.operations {
        if let Some(example) = crate_files::example_rs(info, op) {
            files.insert(PathBuf::from(format!("examples/{}.rs", info.example_name(op))), example);
        }
        if let Some(bulk) = &op.bulk {
            files.insert(
                PathBuf::from(format!("examples/{}.rs", bulk.name)),
                bulk_example_rs::example_rs(info, op, bulk),
            );
        }
    }
    let cli = GeneratedFiles {
        package: tool_crate::package_name(api),
        dir: PathBuf::from(CRATES_DIR).join(tool_crate::package_name(api)),
        files: tool_crate::files(info, &found.builders, &found.arguments)?,
    };
    times.crate_files += started.elapsed();
    Ok(GeneratedCrate {
        api: spec.api.name.clone(),
        package: info.package.clone(),
        dir: PathBuf::from(CRATES_DIR).join(&info.package),
        files,
        operation_count: info.model.operations.len(),
        type_count: generated.type_count,
        rewrites: rewrites.clone(),
        notes: spec.notes.iter().map(ToString::to_string).collect(),
        surface,
        cli,
    })
}

/// The normalized document as `openapiv3` types. Deserializing with a path tracker is slower,
/// so it runs only to explain a failure.
fn to_openapi(spec: &BundledSpec, document: serde_json::Value) -> Result<openapiv3::OpenAPI, Diagnostic> {
    use serde::Deserialize as _;
    if let Ok(openapi) = openapiv3::OpenAPI::deserialize(&document) {
        return Ok(openapi);
    }
    let error = match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&document) {
        Ok(openapi) => return Ok(openapi),
        Err(error) => error,
    };
    let pointer: String = error
        .path()
        .iter()
        .map(|segment| format!("/{}", crate::diagnostic::escape_pointer_token(&segment.to_string())))
        .collect();
    Err(spec
        .error_at(&pointer, format!("not a valid OpenAPI 3.0 document: {}", error.inner()))
        .help("compare the node with the OpenAPI 3.0.3 specification (a 3.1 spec is read in its 3.0 form)"))
}

/// What [`progenitor_module`] gives: progenitor's result, the edits made, what the edits found
/// (required arguments, body structs), and `generated.rs`.
type ProgenitorModule = (
    progenitor::Generated,
    postprocess::Applied,
    postprocess::Found,
    RustModule,
);

/// progenitor's output for the spec without responses, edited by [`postprocess`] and printed as
/// `src/generated.rs`.
fn progenitor_module(
    spec: &BundledSpec,
    api: &str,
    openapi: &openapiv3::OpenAPI,
    model: &model::ApiModel,
    operation_count: usize,
    replaced: &[String],
    times: &mut StageTimes,
) -> Result<ProgenitorModule, Diagnostics> {
    let started = Instant::now();
    let mut generated = progenitor::generate(
        api,
        &progenitor::request_only(openapi),
        &progenitor::settings(model),
        &|pointer| spec.locate(pointer),
    )?;
    times.progenitor += started.elapsed();
    let started = Instant::now();
    let tokens = postprocess::without_type_builders(std::mem::take(&mut generated.tokens));
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| Diagnostic::new(format!("{api}: the generated progenitor code does not parse: {e}")))?;
    let parameters = progenitor::parameter_counts(openapi);
    let lib = package_name(api).replace('-', "_");
    let answers: Vec<String> = model
        .operations
        .iter()
        .flat_map(|op| {
            op.success_body
                .iter()
                .chain(op.errors.iter().filter_map(|e| e.body.as_ref()))
        })
        .map(|component| crate::names::body_type(component))
        .collect();
    let (applied, found) = postprocess::apply(&mut file, operation_count, parameters, replaced, &lib, &answers)
        .map_err(|e| Diagnostic::new(format!("{api}: {e}")))?;
    let module = RustModule::printed("src/generated.rs", &file);
    times.progenitor_tree += started.elapsed();
    Ok((generated, applied, found, module))
}

/// The modules written already formatted: `client.rs`, `errors.rs`, `send.rs`, `models.rs` when
/// the spec has open enums or PATCH bodies, and `bodies.rs` when progenitor's types hold bodies.
fn client_layer(model: &model::ApiModel, has_models: bool, bodies: &[postprocess::BodyStruct]) -> Vec<RustModule> {
    let (client, client_types) = client_rs::render(model);
    let (errors, error_types) = errors_rs::render(model);
    let mut modules = vec![
        RustModule::new("src/client.rs", client, client_types),
        RustModule::new("src/errors.rs", errors, error_types),
        RustModule::new("src/send.rs", send_rs::render(model), Vec::new()),
    ];
    if has_models {
        let (models, model_types) = models_rs::render(model);
        modules.push(RustModule::new("src/models.rs", models, model_types));
    }
    if let Some(code) = pages_rs::render(model) {
        modules.push(RustModule::new("src/pages.rs", code, Vec::new()));
    }
    if let Some(code) = operations_rs::render(model) {
        modules.push(RustModule::new("src/operations.rs", code, Vec::new()));
    }
    if let Some(code) = bodies_rs::render(bodies) {
        modules.push(RustModule::new("src/bodies.rs", code, Vec::new()));
    }
    modules
}

/// Crate metadata from the spec: `info`, `servers`, security schemes and the optional
/// `info.x-rust-crate` extension (`version`, `description`, `keywords`).
fn crate_info(
    spec: &BundledSpec,
    openapi: &openapiv3::OpenAPI,
    model: &model::ApiModel,
    rewrites: Vec<Rewrite>,
) -> Result<CrateInfo, Diagnostics> {
    let extension = spec.document.pointer("/info/x-rust-crate");
    let text = |key: &str| {
        extension
            .and_then(|e| e.get(key))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    let version = text("version").unwrap_or_else(|| "0.1.0".into());
    let mut problems = Diagnostics::default();
    if !is_semver(&version) {
        problems.push(
            spec.error_at(
                "/info/x-rust-crate/version",
                format!("crate version `{version}` is not a semantic version"),
            )
            .help("write it like 0.1.0"),
        );
    }
    let keywords: Vec<String> = extension
        .and_then(|e| e.get("keywords"))
        .and_then(Node::as_seq)
        .map(|k| k.iter().filter_map(Node::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if keywords.len() > 5 || keywords.iter().any(|k| k.len() > 20 || k.is_empty()) {
        problems.push(
            spec.error_at(
                "/info/x-rust-crate/keywords",
                "crates.io accepts at most 5 keywords of 1 to 20 characters",
            )
            .help("shorten the list"),
        );
    }
    problems.into_result()?;
    // Without `x-rust-crate.description`, the title, and the 3.1 `info.summary` when there is one
    // (which lowering keeps as `x-summary`).
    let summary = openapi.info.extensions.get("x-summary").and_then(|s| s.as_str());
    let description = text("description").unwrap_or_else(|| match summary {
        Some(summary) => format!("Typed async client for {}: {summary}", openapi.info.title),
        None => format!("Typed async client for {}.", openapi.info.title),
    });
    let servers = openapi
        .servers
        .iter()
        .map(|s| (s.url.clone(), s.description.clone().unwrap_or_default()))
        .collect();
    let security = openapi
        .components
        .iter()
        .flat_map(|c| c.security_schemes.iter())
        .map(|(name, scheme)| match scheme {
            openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::HTTP {
                scheme, description, ..
            }) => {
                format!(
                    "`{name}`: HTTP `{scheme}` authentication. {}",
                    description.clone().unwrap_or_default()
                )
            }
            openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                location,
                name: key,
                description,
                ..
            }) => format!(
                "`{name}`: API key in the `{key}` {location:?} parameter. {}",
                description.clone().unwrap_or_default()
            )
            .replace("Query", "query")
            .replace("Header", "header"),
            openapiv3::ReferenceOr::Item(openapiv3::SecurityScheme::OAuth2 { flows, description, .. }) => {
                let mut grants = Vec::new();
                if flows.client_credentials.is_some() {
                    grants.push("client credentials (`ClientBuilder::client_credentials`)");
                }
                if flows.authorization_code.is_some() {
                    grants.push("refresh tokens of the authorization-code flow (`ClientBuilder::refresh_token`)");
                }
                format!(
                    "`{name}`: OAuth2 access tokens from {}, or any `OAuth2Credentials` (`ClientBuilder::oauth2`), \
                     cached and renewed before they expire and after a 401. {}",
                    grants.join(" or "),
                    description.clone().unwrap_or_default()
                )
            }
            _ => format!("`{name}`"),
        })
        .map(|s| s.trim_end().to_string())
        .collect();
    Ok(CrateInfo {
        api: spec.api.name.clone(),
        package: package_name(&spec.api.name),
        version,
        description,
        keywords,
        title: openapi.info.title.clone(),
        api_version: openapi.info.version.clone(),
        servers,
        security,
        rewrites,
        not_generated: spec
            .notes
            .iter()
            .map(|note| match &note.0.location {
                Some(at) => format!(
                    "`{}:{}`: {}",
                    at.file.display().to_string().replace('\\', "/"),
                    at.line.unwrap_or(0),
                    note.0.message
                ),
                None => note.0.message.clone(),
            })
            .collect(),
        model: model.clone(),
        facts: crate::spec::facts::summary(spec),
        examples: count_examples(openapi),
    })
}

/// The documented examples of request bodies and responses (`example`, and each `examples` entry);
/// a shared response's examples count once.
fn count_examples(openapi: &openapiv3::OpenAPI) -> crate_files::ExampleCount {
    use openapiv3::ReferenceOr;
    let in_content = |content: &openapiv3::Content| -> usize {
        content
            .values()
            .map(|media| usize::from(media.example.is_some()) + media.examples.len())
            .sum()
    };
    let mut count = crate_files::ExampleCount::default();
    for response in openapi.components.iter().flat_map(|c| c.responses.values()) {
        count.responses += response.as_item().map_or(0, |r| in_content(&r.content));
    }
    for (_, _, op) in crate::names::operations(openapi) {
        if let Some(ReferenceOr::Item(body)) = &op.request_body {
            count.requests += in_content(&body.content);
        }
        for response in op.responses.responses.values().chain(op.responses.default.iter()) {
            count.responses += response.as_item().map_or(0, |r| in_content(&r.content));
        }
    }
    count
}

fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}
