//! `src/client.rs` of a generated crate: the `Server` enum from the spec's `servers`, the
//! `ClientBuilder` with the spec's credentials, and the `ClientHooks` implementation that sends
//! every request through the runtime's request loop.

use super::model::{ApiModel, CredentialModel, OperationModel, Renewal, rust_ident};
use super::rust_writer::{RustWriter, string_literal};
use super::surface::TypeEntry;

/// The module's source, and its public types for the API summary.
pub fn render(model: &ApiModel) -> (String, Vec<TypeEntry>) {
    let mut w = RustWriter::new();
    let mut entries = Vec::new();
    w.line("use crate::Client;");
    w.line("use ::finops_client_runtime::{BuildError, ClientSettings, OperationSpec, RetryPolicy};");
    w.line("use ::std::time::Duration;");
    if let Some(entry) = server_enum(&mut w, model) {
        entries.push(entry);
    }
    client_builder(&mut w, model);
    entries.push(TypeEntry::structure("ClientBuilder"));
    hooks(&mut w, model);
    (w.finish(), entries)
}

fn server_enum(w: &mut RustWriter, model: &ApiModel) -> Option<TypeEntry> {
    if model.environments.is_empty() {
        return None;
    }
    let mut entry = TypeEntry::enumeration("Server");
    w.blank();
    w.doc(&["The servers the API is documented at."]);
    w.line("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]");
    w.line("#[non_exhaustive]");
    w.open("pub enum Server {");
    for (i, env) in model.environments.iter().enumerate() {
        w.doc(&[&format!("`{}`", env.url), &env.description]);
        if i == 0 {
            w.line("#[default]");
        }
        w.line(format!("{},", env.variant));
        entry.item(&env.variant);
    }
    w.close("}");
    w.blank();
    w.open("impl Server {");
    w.doc(&["The server's base URL."]);
    w.open("pub fn base_url(self) -> &'static str {");
    w.open("match self {");
    for env in &model.environments {
        w.line(format!("Server::{} => {},", env.variant, string_literal(&env.url)));
    }
    w.close("}");
    w.close("}");
    w.close("}");
    Some(entry)
}

/// One builder method: its doc paragraphs, signature and body lines.
fn method(w: &mut RustWriter, doc: &[&str], signature: &str, body: &[&str]) {
    w.blank();
    w.doc(doc);
    w.open(format!("{signature} {{"));
    for line in body {
        w.line(line);
    }
    w.close("}");
}

fn client_builder(w: &mut RustWriter, model: &ApiModel) {
    w.blank();
    w.doc(&[
        "Builds a [`Client`]: server or base URL, credentials, retries, timeouts and limits.",
        "Defaults: the first documented server, no credentials, [`RetryPolicy::default`], a\n60 s timeout per attempt, a 10 s connect timeout, redirects followed within the same\norigin only, and response bodies of at most 64 MiB.",
    ]);
    w.line("#[derive(Debug, Clone)]");
    w.open("pub struct ClientBuilder {");
    w.line("settings: ClientSettings,");
    w.close("}");
    w.blank();
    w.open("impl ClientBuilder {");
    w.open("fn new() -> Self {");
    w.open("Self {");
    w.open("settings: ClientSettings::new(");
    w.line(if model.environments.is_empty() {
        "\"\","
    } else {
        "Server::default().base_url(),"
    });
    w.line("concat!(env!(\"CARGO_PKG_NAME\"), \"/\", env!(\"CARGO_PKG_VERSION\")),");
    w.close("),");
    w.close("}");
    w.close("}");
    if !model.environments.is_empty() {
        method(
            w,
            &["Sends requests to `server` (by default the first documented one)."],
            "pub fn server(mut self, server: Server) -> Self",
            &["self.settings.set_base_url(server.base_url());", "self"],
        );
    }
    method(
        w,
        &["Sends requests to `base_url` (a proxy, a test server) instead of a documented server."],
        "pub fn base_url(mut self, base_url: impl Into<::std::string::String>) -> Self",
        &["self.settings.set_base_url(base_url);", "self"],
    );
    for credential in &model.credentials {
        match credential {
            CredentialModel::Bearer { description } => method(
                w,
                &[
                    "Authenticates every request with `Authorization: Bearer <token>`, replacing other credentials.",
                    description,
                ],
                "pub fn bearer_token(mut self, token: impl Into<::finops_client_runtime::Secret>) -> Self",
                &[
                    "self.settings.set_credentials(::finops_client_runtime::Credentials::Bearer(token.into()));",
                    "self",
                ],
            ),
            CredentialModel::QueryApiKey { parameter, description } => method(
                w,
                &[
                    &format!(
                        "Authenticates every request with the `{parameter}` query parameter, replacing other credentials."
                    ),
                    description,
                ],
                &format!(
                    "pub fn {}(mut self, key: impl Into<::finops_client_runtime::Secret>) -> Self",
                    rust_ident(parameter)
                ),
                &[
                    &format!(
                        "self.settings.set_credentials(::finops_client_runtime::Credentials::QueryApiKey {{ parameter: {}, key: key.into() }});",
                        string_literal(parameter)
                    ),
                    "self",
                ],
            ),
        }
    }
    for default in &model.client_defaults {
        let parameter = &default.parameter;
        method(
            w,
            &[
                &format!("Sends `{parameter}` with every call that does not set it itself."),
                &default.description,
            ],
            &format!(
                "pub fn {}(mut self, value: impl ::std::fmt::Display) -> Self",
                rust_ident(parameter)
            ),
            &[
                &format!(
                    "self.settings.set_default_query({}, value.to_string());",
                    string_literal(parameter)
                ),
                "self",
            ],
        );
    }
    method(
        w,
        &["Retries failed calls as `policy` allows; [`RetryPolicy::disabled`] turns retries off."],
        "pub fn retry_policy(mut self, policy: RetryPolicy) -> Self",
        &["self.settings.set_retry(policy);", "self"],
    );
    method(
        w,
        &["The time limit of each attempt: connect, send, and read the response."],
        "pub fn timeout(mut self, timeout: Duration) -> Self",
        &["self.settings.set_timeout(Some(timeout));", "self"],
    );
    method(
        w,
        &["No time limit per attempt."],
        "pub fn no_timeout(mut self) -> Self",
        &["self.settings.set_timeout(None);", "self"],
    );
    method(
        w,
        &["The time limit to open a connection."],
        "pub fn connect_timeout(mut self, timeout: Duration) -> Self",
        &["self.settings.set_connect_timeout(timeout);", "self"],
    );
    method(
        w,
        &[
            "Appends `product` (e.g. `my-app/1.2`) to the `User-Agent`, which starts with this\ncrate's name and version.",
        ],
        "pub fn user_agent(mut self, product: &str) -> Self",
        &["self.settings.add_user_agent(product);", "self"],
    );
    method(
        w,
        &[
            "Which redirects to follow: by default those to the same scheme, host and port,\nat most 10, never a loop. A redirect not followed is returned as the 3xx response.",
        ],
        "pub fn redirects(mut self, redirects: ::finops_client_runtime::Redirects) -> Self",
        &["self.settings.set_redirects(redirects);", "self"],
    );
    method(
        w,
        &[
            "The largest response body a call reads (64 MiB unless set); a longer one fails with\n[`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge), read no further.",
        ],
        "pub fn max_response_bytes(mut self, limit: u64) -> Self",
        &["self.settings.set_max_response_bytes(limit);", "self"],
    );
    method(
        w,
        &[
            "Sends through `http` (proxies, TLS roots, connection pool) instead of a new\n`reqwest::Client`; the connect timeout and the redirects followed are then `http`'s own.",
        ],
        "pub fn http_client(mut self, http: ::reqwest::Client) -> Self",
        &["self.settings.set_http_client(http);", "self"],
    );
    method(
        w,
        &[
            "Runs `hook` before each attempt of every call and after it ends (metrics, logging,\nheaders), after the hooks added before it.",
        ],
        "pub fn hook(mut self, hook: impl ::finops_client_runtime::Hook) -> Self",
        &["self.settings.add_hook(hook);", "self"],
    );
    method(
        w,
        &["Checks the settings and builds the client."],
        "pub fn build(self) -> Result<Client, BuildError>",
        &[
            "let (base_url, http, config) = self.settings.build()?;",
            "Ok(Client::new_with_client(&base_url, http, config))",
        ],
    );
    w.close("}");
    w.blank();
    w.open("impl Client {");
    w.doc(&["Starts building a client."]);
    w.open("pub fn builder() -> ClientBuilder {");
    w.line("ClientBuilder::new()");
    w.close("}");
    w.close("}");
}

/// The `ClientHooks` implementation and the table of operations it reads.
fn hooks(w: &mut RustWriter, model: &ApiModel) {
    w.blank();
    w.open("impl ::progenitor_client::ClientHooks<::finops_client_runtime::ClientConfig> for Client {");
    w.open("async fn exec(");
    w.line("&self,");
    w.line("request: ::reqwest::Request,");
    w.line("info: &::progenitor_client::OperationInfo,");
    w.reopen(") -> ::reqwest::Result<::reqwest::Response> {");
    w.line("let operation = OPERATIONS.iter().find(|op| op.id == info.operation_id).unwrap_or(&UNDESCRIBED);");
    w.line("::finops_client_runtime::execute(&self.client, &self.inner, operation, request).await");
    w.close("}");
    w.close("}");
    w.blank();
    w.doc(&["What the request loop needs to know about each operation, from the spec."]);
    w.open("const OPERATIONS: &[OperationSpec] = &[");
    for op in &model.operations {
        operation_spec(w, op);
    }
    w.close("];");
    w.blank();
    w.doc(&["For a request the table does not describe: no generated headers, and only the\nalways-safe retries."]);
    w.open("const UNDESCRIBED: OperationSpec = OperationSpec {");
    w.line("id: \"\",");
    w.line("idempotent_method: false,");
    w.line("idempotency_key: None,");
    w.line("accept: None,");
    w.line("generated_headers: &[],");
    w.close("};");
}

fn operation_spec(w: &mut RustWriter, op: &OperationModel) {
    let idempotent = matches!(
        op.method.as_str(),
        "get" | "head" | "options" | "put" | "delete" | "trace"
    );
    let optional = |value: &Option<String>| match value {
        Some(text) => format!("Some({})", string_literal(text)),
        None => "None".to_string(),
    };
    w.open("OperationSpec {");
    w.line(format!("id: {},", string_literal(&op.rust_name)));
    w.line(format!("idempotent_method: {idempotent},"));
    w.line(format!("idempotency_key: {},", optional(&op.idempotency_key)));
    w.line(format!("accept: {},", optional(&op.accept)));
    if op.generated_headers.is_empty() {
        w.line("generated_headers: &[],");
    } else {
        w.open("generated_headers: &[");
        for (name, renewal) in &op.generated_headers {
            let renewal = match renewal {
                Renewal::PerCall => "PerCall",
                Renewal::AfterResponse => "AfterResponse",
            };
            w.line(format!(
                "::finops_client_runtime::GeneratedHeader {{ name: {}, renewal: ::finops_client_runtime::Renewal::{renewal} }},",
                string_literal(name)
            ));
        }
        w.close("],");
    }
    w.close("},");
}
