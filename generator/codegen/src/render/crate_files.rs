//! The text of every file of a generated crate except the code itself: `Cargo.toml`, `README.md`
//! and `src/lib.rs`.

use super::deps::KnownCrate;
use crate::model::{ApiModel, CredentialModel, OperationModel};
use crate::spec::normalize::Rewrite;
use std::fmt::Write as _;

/// Everything the templates need to know about one API.
pub struct CrateInfo {
    /// The spec folder name, e.g. `respan`.
    pub api: String,
    /// The package name, e.g. `respan-client`.
    pub package: String,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub title: String,
    pub api_version: String,
    pub servers: Vec<(String, String)>,
    pub security: Vec<String>,
    pub rewrites: Vec<Rewrite>,
    /// What the spec has that the crate leaves out on purpose (a 3.1 spec's webhooks), each as
    /// "`file:line`: why".
    pub not_generated: Vec<String>,
    pub model: ApiModel,
    /// What the API's facts record holds; `None` when it has none.
    pub facts: Option<crate::spec::facts::Summary>,
    /// The spec's documented examples: request bodies and responses.
    pub examples: ExampleCount,
}

/// How many documented examples a spec has, by place.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExampleCount {
    pub requests: usize,
    pub responses: usize,
}

impl CrateInfo {
    pub fn lib_name(&self) -> String {
        self.package.replace('-', "_")
    }

    pub(super) fn env_prefix(&self) -> String {
        self.api.to_uppercase().replace('-', "_")
    }

    /// The builder call that sets the API's static credential from `token`, e.g.
    /// `.bearer_token(token)`; empty when the spec declares none.
    fn static_credential_call(&self) -> String {
        self.model
            .credentials
            .iter()
            .find_map(|c| match c {
                CredentialModel::Bearer { .. } => Some(".bearer_token(token)".to_string()),
                CredentialModel::QueryApiKey { parameter, .. } => {
                    Some(format!(".{}(token)", crate::names::rust_ident(parameter)))
                }
                CredentialModel::OAuth2(_) => None,
            })
            .unwrap_or_default()
    }

    /// The OAuth2 grant an example uses when no token is set: the builder method, and the
    /// environment variables of its arguments in order.
    pub(super) fn oauth2_grant(&self) -> Option<(&'static str, Vec<String>)> {
        let oauth2 = self.model.oauth2()?;
        let prefix = self.env_prefix();
        let flows = oauth2.default_flows();
        let (method, last) = if flows.client_credentials.is_some() {
            ("client_credentials", ["CLIENT_ID", "CLIENT_SECRET"])
        } else {
            ("refresh_token", ["CLIENT_ID", "REFRESH_TOKEN"])
        };
        let mut vars: Vec<String> = oauth2
            .variables
            .iter()
            .map(|(name, _)| format!("{prefix}_{}", name.to_uppercase().replace('-', "_")))
            .collect();
        vars.extend(last.iter().map(|v| format!("{prefix}_{v}")));
        Some((method, vars))
    }

    /// The statements of an example program that build `client` from the environment: a token
    /// (`<PREFIX>_TOKEN`), or else the OAuth2 grant's variables; then the authority and base URL.
    pub(super) fn client_from_env(&self) -> String {
        let prefix = self.env_prefix();
        let mut out = String::new();
        match (self.oauth2_grant(), self.static_credential_call()) {
            (Some((method, vars)), token_call) => {
                let list = vars.join(", ");
                let args = vars
                    .iter()
                    .map(|v| format!("var(\"{v}\")?"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = writeln!(out, "let mut builder = Client::builder();");
                if token_call.is_empty() {
                    let _ = writeln!(
                        out,
                        "let var = |name: &str| std::env::var(name).map_err(|_| format!(\"set {list} ({{name}} is missing)\"));"
                    );
                    let _ = writeln!(out, "builder = builder.{method}({args});");
                } else {
                    let _ = writeln!(out, "builder = match std::env::var(\"{prefix}_TOKEN\") {{");
                    let _ = writeln!(out, "    Ok(token) => builder{token_call},");
                    let _ = writeln!(out, "    Err(_) => {{");
                    let _ = writeln!(
                        out,
                        "        let var = |name: &str| std::env::var(name).map_err(|_| format!(\"set {prefix}_TOKEN, or {list} ({{name}} is missing)\"));"
                    );
                    let _ = writeln!(out, "        builder.{method}({args})");
                    let _ = writeln!(out, "    }}");
                    let _ = writeln!(out, "}};");
                }
                let _ = writeln!(
                    out,
                    "if let Ok(authority) = std::env::var(\"{prefix}_AUTHORITY_URL\") {{"
                );
                let _ = writeln!(out, "    builder = builder.token_authority(authority);");
                let _ = writeln!(out, "}}");
            }
            (None, token_call) if token_call.is_empty() => {
                let _ = writeln!(out, "let mut builder = Client::builder();");
            }
            (None, token_call) => {
                let _ = writeln!(
                    out,
                    "let token = std::env::var(\"{prefix}_TOKEN\").map_err(|_| \"set {prefix}_TOKEN\")?;"
                );
                let _ = writeln!(out, "let mut builder = Client::builder(){token_call};");
            }
        }
        let _ = writeln!(out, "if let Ok(base_url) = std::env::var(\"{prefix}_BASE_URL\") {{");
        let _ = writeln!(out, "    builder = builder.base_url(base_url);");
        let _ = writeln!(out, "}}");
        let _ = writeln!(out, "let client = builder.build()?;");
        out
    }

    /// How to run an example, for its doc comment: one command line per way to authenticate.
    pub(super) fn example_commands(&self, example: &str) -> String {
        let prefix = self.env_prefix();
        let run = format!("cargo run -p {} --example {example}", self.package);
        let mut out = String::new();
        if !self.static_credential_call().is_empty() {
            let _ = writeln!(
                out,
                "//! {prefix}_TOKEN=... [{prefix}_BASE_URL=http://127.0.0.1:8080] {run}"
            );
        }
        if let Some((_, vars)) = self.oauth2_grant() {
            let set: String = vars.iter().map(|v| format!("{v}=... ")).collect();
            let _ = writeln!(
                out,
                "//! {set}[{prefix}_AUTHORITY_URL=http://127.0.0.1:8081] [{prefix}_BASE_URL=http://127.0.0.1:8080] {run}"
            );
        }
        if out.is_empty() {
            let _ = writeln!(out, "//! [{prefix}_BASE_URL=http://127.0.0.1:8080] {run}");
        }
        out
    }

    /// The example program of `op`, named after the API too: examples of every crate share
    /// `target/*/examples/`, and several APIs have an operation of the same name.
    pub fn example_name(&self, op: &OperationModel) -> String {
        format!("{}_{}", self.api.replace('-', "_"), op.rust_name)
    }

    pub(super) fn spec_dir(&self) -> String {
        format!("specs/{}/", self.api)
    }
}

/// First line of every generated file (after the comment marker): how to regenerate it.
pub fn header_text(info: &CrateInfo) -> String {
    format!(
        "Generated by `cargo xtask codegen` from {}. Do not edit: change the spec or the generator, then run the command again.",
        info.spec_dir()
    )
}

/// `schemars`: the crate has `schemars::JsonSchema` derives behind its optional `schemars` feature.
pub fn cargo_toml(info: &CrateInfo, deps: &[&KnownCrate], schemars: bool) -> String {
    let (schemars_feature, schemars_dependency) = if schemars {
        (
            "# `schemars::JsonSchema` for every type in `types`.\nschemars = [\"dep:schemars\", \"finops-client-runtime/schemars\"]\n",
            "schemars = { workspace = true, optional = true }\n",
        )
    } else {
        ("", "")
    };
    let azure_feature = if info.model.oauth2().is_some() {
        "# `ClientBuilder::azure_credential`: any `azure_identity` credential as the token source.\nazure = [\"finops-client-runtime/azure\"]\n"
    } else {
        ""
    };
    let keywords = info
        .keywords
        .iter()
        .map(|k| format!("{k:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        r#"# {header}
[package]
name = "{package}"
version = "{version}"
description = "{description}"
keywords = [{keywords}]
categories = ["api-bindings", "web-programming::http-client"]
readme = "README.md"
# progenitor's output targets edition 2021.
edition = "2021"
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[package.metadata.docs.rs]
# The mocks, schemars derives and every credential source are documented with the rest.
all-features = true

[lib]
# No unit tests: the crate is tested from outside (the repository's client-tests), and its doc
# examples by `cargo test --doc`; a test harness of it would only compile it a second time.
test = false

[features]
default = ["rustls"]
# TLS through rustls with the platform's certificate verifier.
rustls = ["reqwest/rustls"]
# TLS through the platform's native library (OpenSSL on Linux).
native-tls = ["reqwest/native-tls"]
{schemars_feature}{azure_feature}# `mock::MockApi`: a typed mock server of the API for the tests of code that calls it.
mock = ["finops-client-runtime/mock"]

[dependencies]
{dependencies}{schemars_dependency}
[dev-dependencies]
# The examples' async runtime.
tokio = {{ workspace = true }}
{bulk}"#,
        header = header_text(info),
        bulk = if info.model.operations.iter().any(|op| op.bulk.is_some()) {
            "# The bulk tool's CSV runs, resumes and progress.\nfinops-bulk = { workspace = true }\n"
        } else {
            ""
        },
        package = info.package,
        version = info.version,
        description = info.description.replace('"', "\\\""),
        dependencies = deps
            .iter()
            .map(|d| match d.ident {
                "finops_client_runtime" => runtime_dependency(info),
                _ => format!("{}\n", d.manifest_line),
            })
            .collect::<String>(),
    )
}

/// The crates whose types a generated crate's public API names, re-exported so a caller needs no
/// dependency (or matching version) of its own, and why each one is there.
const REEXPORTED: [(&str, &str); 3] = [
    (
        "chrono",
        "The date and time library of the `date-time` fields and parameters (`chrono::DateTime<Utc>`).",
    ),
    (
        "serde_json",
        "The JSON library of free-form fields and objects (`serde_json::Value`, `serde_json::Map`).",
    ),
    (
        "uuid",
        "The UUID library of the `uuid` fields and parameters (`uuid::Uuid`).",
    ),
];

/// `src/lib.rs`: declares `modules` (the generated files' stems; `errors` is public).
pub fn lib_rs(info: &CrateInfo, modules: &[&str], deps: &[&KnownCrate]) -> String {
    // A group of its own (after a blank line), sorted, as rustfmt keeps it.
    let mut reexports = String::new();
    for (ident, why) in REEXPORTED {
        if deps.iter().any(|dep| dep.ident == ident) {
            let _ = writeln!(reexports, "/// {why}\npub use {ident};");
        }
    }
    if !reexports.is_empty() {
        reexports.insert(0, '\n');
    }
    let mut sorted = modules.to_vec();
    sorted.sort_unstable();
    let declarations: String = sorted
        .iter()
        .map(|name| match *name {
            "errors" => "#[rustfmt::skip]\npub mod errors;\n".to_string(),
            "mock" => "#[cfg(feature = \"mock\")]\n#[rustfmt::skip]\npub mod mock;\n".to_string(),
            _ => format!("#[rustfmt::skip]\nmod {name};\n"),
        })
        .collect();
    format!(
        r#"// {header}
#![doc = include_str!("../README.md")]

// Generated modules are written already formatted (progenitor's `generated.rs` by prettyplease)
// and skipped by rustfmt, whose output would depend on the toolchain version.
{declarations}
pub use client::*;
pub use finops_client_runtime::{{
{runtime_names}}};
pub use generated::*;
{operations}/// The HTTP client library used by [`Client`], re-exported so callers build a `reqwest::Client`
/// (proxies, TLS roots) against the same version.
pub use reqwest;
{reexports}"#,
        header = header_text(info),
        runtime_names = runtime_reexports(info),
        operations = if modules.contains(&"operations") {
            "pub use operations::*;\n"
        } else {
            ""
        },
    )
}

/// The runtime with the features this API needs, and no others: the OAuth2 machinery only for a
/// spec that declares an OAuth2 scheme, downloads only for results that list files.
fn runtime_dependency(info: &CrateInfo) -> String {
    let mut features = Vec::new();
    if has_downloads(info) {
        features.push("\"downloads\"");
    }
    if info.model.oauth2().is_some() {
        features.push("\"oauth2\"");
    }
    if features.is_empty() {
        "finops-client-runtime = { workspace = true }\n".to_string()
    } else {
        format!(
            "finops-client-runtime = {{ workspace = true, features = [{}] }}\n",
            features.join(", ")
        )
    }
}

/// Whether a long-running operation of the API has files to download: the crate then builds the
/// runtime's `downloads` feature.
pub fn has_downloads(info: &CrateInfo) -> bool {
    info.model
        .operations
        .iter()
        .any(|op| op.long_running.as_ref().is_some_and(|l| l.downloads.is_some()))
}

/// The runtime types a crate's public API names, as the lines of a `use` list that rustfmt keeps.
fn runtime_reexports(info: &CrateInfo) -> String {
    let mut names = vec![
        "ApiError",
        "Attempt",
        "AttemptId",
        "BuildError",
        "CallOptions",
        "Error",
        "Hook",
        "IncompleteBody",
        "InvalidBody",
        "MAX_SERVER_HOLD",
        "Patch",
        "RateLimit",
        "RateScope",
        "RawResponse",
        "Redirects",
        "RequestIds",
        "Response",
        "ResponseTooLarge",
        "RetryPolicy",
        "Secret",
        "TransportError",
        "UnknownValue",
    ];
    let tokens = info
        .model
        .credentials
        .iter()
        .any(|c| matches!(c, CredentialModel::Bearer { .. } | CredentialModel::OAuth2(_)));
    if tokens {
        names.extend([
            "AccessToken",
            "AuthError",
            "TokenContext",
            "TokenFuture",
            "TokenProvider",
        ]);
    }
    if info.model.oauth2().is_some() {
        names.extend(["Grant", "OAuth2Credentials"]);
    }
    if info.model.operations.iter().any(|op| op.pagination.is_some()) {
        names.extend(["Cursor", "Items", "Page", "Pages", "PagingError", "PagingProblem"]);
    }
    if info.model.operations.iter().any(|op| op.long_running.is_some()) {
        names.extend([
            "Continuation",
            "DEFAULT_MAX_WAIT",
            "ErrorOf",
            "Failure",
            "OperationAddressError",
            "OperationError",
            "PollStep",
            "Poller",
        ]);
    }
    if has_downloads(info) {
        names.push("downloads");
    }
    // rustfmt's order: `self` and modules, then types, then constants.
    names.sort_unstable_by_key(|name| {
        let rank = if name.starts_with(|c: char| c.is_ascii_lowercase()) {
            0
        } else if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            2
        } else {
            1
        };
        (rank, *name)
    });
    let mut out = String::new();
    let mut line = String::from("   ");
    for name in names {
        if line.len() + 1 + name.len() + 1 >= 120 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from("   ");
        }
        line.push(' ');
        line.push_str(name);
        line.push(',');
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// A generated Rust module: the header, then the code.
pub fn rust_file(info: &CrateInfo, code: &str) -> String {
    format!("// {}\n\n{code}", header_text(info))
}

/// `examples/<api>_<operation>.rs`: the operation's Rust code sample as a program that reads its base
/// URL and credential from the environment.
pub fn example_rs(info: &CrateInfo, op: &OperationModel) -> Option<String> {
    let sample = op.rust_sample.as_deref()?;
    let example = info.example_name(op);
    let body = indent(sample.trim_end());
    Some(format!(
        r#"// {header}

//! {what}
//!
//! ```sh
{commands}//! ```

use {lib}::Client;

// The body is the spec's code sample, kept as written there.
#[rustfmt::skip]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
{setup}
{body}    Ok(())
}}
"#,
        header = header_text(info),
        what = match op.pagination {
            Some(_) => format!(
                "Walks every page of `{}` ({} {}) and prints one line per item.",
                op.rust_name,
                op.method.to_uppercase(),
                op.path
            ),
            None => format!(
                "Calls `{}` ({} {}) and prints the result.",
                op.rust_name,
                op.method.to_uppercase(),
                op.path
            ),
        },
        lib = info.lib_name(),
        commands = info.example_commands(&example),
        setup = indent(&info.client_from_env()),
    ))
}

/// `text` indented by four spaces, blank lines left empty.
fn indent(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                "\n".to_string()
            } else {
                format!("    {line}\n")
            }
        })
        .collect()
}

/// `API.md`: the public API in a few lines per item, so a pull request's diff of this file shows
/// what changed for Rust users.
pub fn api_md(info: &CrateInfo, surface: &str) -> String {
    format!(
        "<!-- {} -->\n\n# {} public API\n\nOperations (method, path, `Client` method, success type / error enum; how lists page) and the public types \
         with their fields or variants.\n\n```text\n{surface}```\n",
        header_text(info),
        info.package
    )
}

pub fn readme(info: &CrateInfo) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {} -->\n", header_text(info));
    let _ = writeln!(out, "# {}\n", info.package);
    let _ = writeln!(out, "{}\n", info.description);
    let _ = writeln!(
        out,
        "This crate wraps **{}** (API version `{}`). It is generated from the OpenAPI spec in \
         [`{}`](../../{}) by `cargo xtask codegen`, using [progenitor](https://crates.io/crates/progenitor) \
         for the client code.\n",
        info.title,
        info.api_version,
        info.spec_dir(),
        info.spec_dir()
    );
    let _ = writeln!(
        out,
        "## Usage\n\n```toml\n[dependencies]\n{} = \"{}\"\n```\n",
        info.package, info.version
    );
    let _ = writeln!(
        out,
        "TLS uses rustls by default; build with `default-features = false, features = [\"native-tls\"]` \
         to use the platform's TLS library instead.\n"
    );
    out.push_str(&example(info));
    out.push_str(&long_running_section(info));
    out.push_str(&mock_section(info));
    let _ = writeln!(
        out,
        "## Operations\n\n| Method | Path | Rust method | Summary |\n|---|---|---|---|"
    );
    for op in &info.model.operations {
        let _ = writeln!(
            out,
            "| {} | `{}` | [`Client::{}`] | {} |",
            op.method.to_uppercase(),
            op.path,
            op.rust_name,
            op.summary
        );
    }
    if !info.servers.is_empty() {
        let _ = writeln!(out, "\n## Servers\n\n| Base URL | Description |\n|---|---|");
        for (url, description) in &info.servers {
            let _ = writeln!(out, "| `{url}` | {description} |");
        }
    }
    if !info.security.is_empty() {
        let _ = writeln!(out, "\n## Authentication\n");
        for scheme in &info.security {
            let _ = writeln!(out, "- {scheme}");
        }
    }
    out.push_str(&behaviour(info));
    out.push_str(&provenance(info));
    if !info.rewrites.is_empty() {
        let _ = writeln!(
            out,
            "\n## Names the generator chose\n\n\
             Responses are decoded by status into named types, so inline response schemas got names:\n"
        );
        for rewrite in &info.rewrites {
            let _ = writeln!(out, "- `{}` ({}): {}", rewrite.target, rewrite.rule, rewrite.detail);
        }
    }
    if !info.not_generated.is_empty() {
        let _ = writeln!(out, "\n## Not generated\n");
        for item in &info.not_generated {
            let _ = writeln!(out, "- {item}");
        }
    }
    out
}

/// Where each operation comes from, and what the tests prove about the spec. Only a spec with a
/// facts record (one of the workspace's APIs, whose examples `client-tests` proves) gets the proofs.
fn provenance(info: &CrateInfo) -> String {
    if info.facts.is_none() && info.model.operations.iter().all(|op| op.docs_url.is_none()) {
        return String::new();
    }
    let mut out = String::from(
        "\n## Where the spec comes from\n\n\
         Each operation is written from the vendor page it links. Where the spec departs from that page \
         (a correction, an inference, or a fact from another vendor source), the operation's `x-doc-errata` \
         in the spec says so and why.\n\n\
         | Operation | Vendor page | Departures |\n|---|---|---|\n",
    );
    for op in &info.model.operations {
        let page = op
            .docs_url
            .as_deref()
            .map_or_else(|| "none".to_string(), |url| format!("<{url}>"));
        let _ = writeln!(out, "| [`Client::{}`] | {page} | {} |", op.rust_name, op.errata);
    }
    let Some(facts) = info.facts else {
        return out;
    };
    let _ = writeln!(
        out,
        "\n[`{dir}facts.yaml`](../../{dir}facts.yaml) records {} facts (schema fields, parameters, statuses \
         and response headers) from {} vendor sources, each a page URL or a repository file at a commit. \
         `cargo xtask lint` fails unless every recorded fact holds in the spec and every property of its \
         object schemas, and every parameter, status and response header of its operations, has a recorded \
         fact, or an `x-doc-errata` entry names the departure ({} fact keys are named).",
        facts.facts,
        facts.sources,
        facts.departures,
        dir = info.spec_dir(),
    );
    let examples = info.examples;
    let _ = writeln!(
        out,
        "\nThe spec's {} examples ({} request bodies, {} responses) validate against their schemas, decode \
         into this crate's types and encode back to the same JSON; each request example sent through the \
         client reaches a server on 127.0.0.1 equal as JSON (`crates/client-tests/tests/clients/examples.rs`).",
        examples.requests + examples.responses,
        examples.requests,
        examples.responses,
    );
    out
}

/// What the client does beyond sending the request, with the spec facts it comes from.
fn behaviour(info: &CrateInfo) -> String {
    let mut out = String::from(
        "\n## Calling an operation\n\n\
         - **Required inputs are arguments**: `client.get_x(id)`; a call without a required parameter or \
         body does not compile. Optional parameters are chainable setters before `send()`.\n\
         - **Request bodies** are built one way: `types::Body::new(required fields)` and one setter per \
         optional field.\n\
         - **Per call**: `send_with(CallOptions::new().header(..).timeout(..).retry(..))`; dropping the \
         future cancels the call.\n\
         - **Responses**: `send` returns a [`Response`] (dereferences to the body) with the status, headers \
         and [`RequestIds`]: the request-id headers the client sent and the server answered. \
         [`Error::request_ids`] gives the same for an error that followed a response.\n\
         - **Hooks**: `ClientBuilder::hook` registers a [`Hook`] that runs before each attempt and after it \
         ends (metrics, logging, headers).\n\
         \n## Behaviour\n\n\
         - **Retries**: 429 and 503 are always retried; 408, 502, 504 and failures without a response only \
         when repeating is safe (an idempotent method or an idempotency key). The wait is `Retry-After` \
         (seconds or HTTP-date) when sent, else exponential backoff with jitter; attempts and total time are \
         bounded. Configure with `ClientBuilder::retry_policy` or per call with `send_with`.\n\
         - **Errors**: `send` returns [`Error`]; each documented error status decodes into the operation's \
         enum in [`errors`], and every error that follows a response keeps its status, headers, request ids \
         and body. Its message is one sentence: the status and the body's message field, or the start of an \
         undocumented body with secret-looking values removed.\n\
         - **Secrets**: tokens and API keys never appear in `Debug` output, errors or `tracing` fields.\n\
         - **Tracing**: each attempt runs in a `finops_request` span with the operation id and the \
         OpenTelemetry HTTP client attributes (`http.request.method`, `url.full` with secret query values \
         redacted, `url.template`, `server.address`, `http.request.resend_count`, \
         `http.response.status_code`, `error.type`); a token request runs in a `finops_token` span.\n",
    );
    let generated: Vec<String> = {
        let mut names: Vec<String> = Vec::new();
        for op in &info.model.operations {
            for (name, _) in &op.generated_headers {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        names
    };
    if !generated.is_empty() {
        let _ = writeln!(
            out,
            "- **Request ids**: {} are filled with a new UUID unless you set them; see each header's \
             renewal rule in the spec.",
            generated
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !info.model.open_enums.is_empty() {
        let _ = writeln!(
            out,
            "- **Open enums**: {} keep a value the spec does not list in `Unknown` and send it back unchanged.",
            info.model
                .open_enums
                .iter()
                .map(|e| format!("[`types::{}`]", e.name))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let pacing = if info.model.rate_limits.is_empty() {
        "The vendor documents no rate limit for these operations, so calls are not paced unless you \
         set one with `ClientBuilder::rate_limit`."
            .to_string()
    } else {
        let limits: Vec<String> = info
            .model
            .rate_limits
            .iter()
            .map(crate::model::rate_limits::RateLimitModel::label)
            .collect();
        format!(
            "Calls wait for their slot under the documented rate limits ({}; see \
             `Client::documented_rate_limits`).",
            limits.join(", ")
        )
    };
    let _ = writeln!(
        out,
        "- **Pacing**: {pacing} A 429 slows the pace of its scope and holds it for `Retry-After`; \
         successes bring it back. `ClientBuilder::max_in_flight` caps the requests in flight; \
         clones share the pace and the cap."
    );
    for op in &info.model.operations {
        if let Some(bulk) = &op.bulk {
            let _ = writeln!(
                out,
                "- **Bulk tool**: `cargo run -p {} --example {} -- --input in.csv --output out.csv` applies \
                 `{},{}` rows with `{}` at the API's pace, and resumes from its output file.",
                info.package, bulk.name, bulk.key_column, bulk.value_column, op.rust_name
            );
        }
    }
    for body in &info.model.patch_bodies {
        let _ = writeln!(
            out,
            "- **PATCH fields**: the nullable fields of [`types::{}`] are [`Patch`] values: left out, `null`, or a value.",
            body.name
        );
    }
    out
}

/// The README's example: building an authenticated client and calling the first operation with a
/// Rust `x-codeSamples` entry. It is compiled as a doctest (the README is the crate's docs).
fn example(info: &CrateInfo) -> String {
    let lib = info.lib_name();
    let env = format!("{}_TOKEN", info.env_prefix());
    let call = info
        .model
        .operations
        .iter()
        .find_map(|op| op.rust_sample.as_deref())
        .map(|sample| sample.trim_end().to_string())
        .unwrap_or_else(|| "// Call an operation, e.g. `client.<operation>().send().await?`.".to_string());
    let static_call = info.static_credential_call();
    let build = if static_call.is_empty() {
        "let client = Client::builder().build()?;".to_string()
    } else {
        format!("let token = std::env::var(\"{env}\")?;\nlet client = Client::builder(){static_call}.build()?;")
    };
    let mut out = format!(
        r#"## Example

```rust,no_run
# async fn example() -> Result<(), Box<dyn std::error::Error>> {{
use {lib}::Client;

{build}

{call}
# Ok(())
# }}
```

"#
    );
    if let Some((method, vars)) = info.oauth2_grant() {
        let args: Vec<String> = vars.iter().map(|v| format!("std::env::var(\"{v}\")?")).collect();
        let _ = write!(
            out,
            r#"Or with OAuth2 credentials, whose access tokens the client requests, caches and renews before
they expire (and after a 401), one request at a time for every clone of the client:

```rust,no_run
# fn example() -> Result<(), Box<dyn std::error::Error>> {{
use {lib}::Client;

let client = Client::builder()
    .{method}(
        {args},
    )
    .build()?;
# Ok(())
# }}
```

Every example program takes `{env}`, or else {vars}; `{prefix}_AUTHORITY_URL` sends token requests to
another host (a test server).

"#,
            args = args.join(",\n        "),
            vars = vars.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "),
            prefix = info.env_prefix(),
        );
    }
    out
}

/// The README's section on the long-running operations and the files of their results, with the
/// first such operation's code sample (compiled as a doctest).
fn long_running_section(info: &CrateInfo) -> String {
    let started: Vec<&OperationModel> = info
        .model
        .operations
        .iter()
        .filter(|op| op.long_running.is_some())
        .collect();
    let Some(first) = started.first() else {
        return String::new();
    };
    let lib = info.lib_name();
    let names: Vec<String> = started
        .iter()
        .map(|op| format!("[`{0}`](Client::{0})", op.rust_name))
        .collect();
    let mut out = format!(
        "## Long-running operations\n\n{} start work on the server. `.start()` sends the call and gives a \
         [`Poller`]: `.await` it for the result, polled as the service's `Retry-After` asks (else the \
         interval the spec gives), for at most [`Poller::max_wait`] (default two hours); or step with \
         [`Poller::poll`]. [`Poller::continuation`] is the operation's address as JSON: save it, and \
         `Client::resume_{}(continuation)` polls the same operation later or from another process without \
         starting it again. A failed operation is [`OperationError::Failed`] with the service's code and \
         message.\n\n",
        names.join(", "),
        first.rust_name
    );
    if started
        .iter()
        .any(|op| op.long_running.as_ref().is_some_and(|lr| lr.downloads.is_some()))
    {
        let tool = info.api.clone();
        let command = first.rust_name.replace('_', "-");
        let _ = write!(
            out,
            "The files a result lists stream as typed items: `Client::{op}_items(&result, DownloadOptions)` \
             downloads each file, gunzips it as the bytes arrive and decodes it line by line, several files \
             at once and in order, with memory bounded whatever their size. A download that breaks off or \
             stalls is resumed where it stopped with a `Range` request on the same version of the file; a \
             line that does not decode is an error naming the file and the line; fields the spec does not \
             list are ignored. The files' token is a secret: no `Debug` output, error or log shows it.\n\n\
             ```rust,no_run\n# async fn example(client: &{lib}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n{sample}\n# Ok(())\n# }}\n```\n\n\
             The tool does the whole job: `{tool} {command} … --out DIR` starts the export (or resumes the \
             one `DIR` holds), shows progress on a terminal, writes each file as JSON Lines (the lines as \
             received) and CSV, keeps a journal so that a run stopped midway resumes without downloading a \
             finished file again, and prints the line count and the totals per currency. `--no-wait` prints \
             the continuation; `--resume URL` polls it.\n\n",
            op = first.rust_name,
            sample = first.rust_sample.as_deref().unwrap_or_default().trim_end(),
        );
    }
    out
}

/// The README's section on the typed mocks: a consumer's test of the first operation with a body
/// (or the first operation).
fn mock_section(info: &CrateInfo) -> String {
    let lib = info.lib_name();
    let Some(op) = info
        .model
        .operations
        .iter()
        .find(|op| op.success_body.is_some())
        .or_else(|| info.model.operations.first())
    else {
        return String::new();
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Testing your code with the typed mocks\n\n\
         The `mock` feature gives `mock::MockApi`: a server on 127.0.0.1 with an expectation per operation. \
         Its methods take the operation's parameters and body in their own types, `respond` the success type \
         and `fail` the operation's error enum (headers such as `Retry-After` go on the reply). A request \
         that matches no expectation is answered `404`, and when the server is dropped every expectation must \
         have been met (by default, at least once; `.times(n)` to say how often).\n\n\
         ```toml\n[dev-dependencies]\n{} = {{ version = \"{}\", features = [\"mock\"] }}\n```\n",
        info.package, info.version
    );
    // Compiled (not run) with the `mock` feature: `my_code` and the answer are hidden stand-ins.
    let (answer, respond) = match &op.success_body {
        Some(body) => {
            let ty = crate::names::body_type(body);
            (
                format!("#     let answer: {lib}::types::{ty} = todo!();\n"),
                format!(".respond(&answer) // answer: a {lib}::types::{ty}"),
            )
        }
        None => (String::new(), ".respond()".to_string()),
    };
    let _ = writeln!(
        out,
        "```rust,no_run\n# #[cfg(feature = \"mock\")]\n# mod test {{\n# async fn my_code(_client: &{lib}::Client) {{}}\n\
         use {lib}::mock::MockApi;\n\n// In your tests, under `#[tokio::test]`:\nasync fn my_code_calls_{name}() {{\n    \
         let api = MockApi::start().await;\n{answer}    api.{name}()\n        // .<parameter>(value) and .body(&body) for each input the request must carry\n        \
         {respond}\n        .times(1)\n        .mount()\n        .await;\n    \
         my_code(&api.client()).await; // the client calls the mock server\n}}\n# }}\n```\n\n\
         A complete consumer crate tested this way is `crates/client-tests/tests/mock_consumer/` in the \
         repository.\n",
        name = op.rust_name,
    );
    out
}
