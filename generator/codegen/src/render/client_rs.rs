//! `src/client.rs` of a generated crate: the `Server` enum from the spec's `servers`, the
//! `ClientBuilder` with the spec's credentials, and the `ClientHooks` implementation that sends
//! every request through the runtime's request loop.

use super::rust_writer::RustWriter;
use super::surface::TypeEntry;
use crate::model::security::{FlowModel, OAuth2Model};
use crate::model::{ApiModel, CredentialModel, OperationModel, ParameterLocation, Renewal};
use crate::names::{rust_ident, string_literal};

/// The module's source, and its public types for the API summary.
pub fn render(model: &ApiModel) -> (String, Vec<TypeEntry>) {
    let mut w = RustWriter::new();
    let mut entries = Vec::new();
    w.line("use crate::Client;");
    w.line("use ::finops_client_runtime::{BuildError, ClientSettings, OperationSpec, RetryPolicy};");
    w.line("use ::std::time::Duration;");
    if model.oauth2().is_some() {
        w.line("use ::finops_client_runtime::{OAuth2Endpoints, OAuth2Flow};");
    }
    if let Some(entry) = server_enum(&mut w, model) {
        entries.push(entry);
    }
    client_builder(&mut w, model);
    entries.push(TypeEntry::structure("ClientBuilder"));
    if let Some(oauth2) = model.oauth2() {
        oauth2_endpoints(&mut w, model, oauth2);
    }
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
        "Defaults: the first documented server, no credentials, [`RetryPolicy::default`], a\n60 s timeout per attempt, a 10 s connect timeout, redirects followed within the same\norigin only, response bodies of at most 64 MiB, calls paced by\n[`Client::documented_rate_limits`] (slowed by a 429, sped back up by successes), and no cap\non the attempts in flight.",
    ]);
    w.line("#[derive(Debug, Clone)]");
    w.open("pub struct ClientBuilder {");
    w.line("settings: ClientSettings,");
    w.close("}");
    w.blank();
    w.open("impl ClientBuilder {");
    let oauth2 = model.oauth2();
    let mut defaults = Vec::new();
    if oauth2.is_some() {
        defaults.push(if model.environments.is_empty() {
            "builder.settings.set_oauth2_endpoints(oauth2_endpoints());"
        } else {
            "builder.settings.set_oauth2_endpoints(oauth2_endpoints(Server::default()));"
        });
    }
    if !model.rate_limits.is_empty() {
        defaults.push("builder.settings.set_rate_limits(Client::documented_rate_limits());");
    }
    w.open("fn new() -> Self {");
    w.open(if defaults.is_empty() {
        "Self {"
    } else {
        "let mut builder = Self {"
    });
    w.open("settings: ClientSettings::new(");
    w.line(if model.environments.is_empty() {
        "\"\","
    } else {
        "Server::default().base_url(),"
    });
    w.line("concat!(env!(\"CARGO_PKG_NAME\"), \"/\", env!(\"CARGO_PKG_VERSION\")),");
    w.close("),");
    if defaults.is_empty() {
        w.close("}");
    } else {
        w.close("};");
        for line in defaults {
            w.line(line);
        }
        w.line("builder");
    }
    w.close("}");
    if !model.environments.is_empty() {
        let (doc, body): (&[&str], &[&str]) = if oauth2.is_some() {
            (
                &[
                    "Sends requests to `server` (by default the first documented one), and OAuth2 token\nrequests to the token URL of the server's cloud.",
                ],
                &[
                    "self.settings.set_base_url(server.base_url());",
                    "self.settings.set_oauth2_endpoints(oauth2_endpoints(server));",
                    "self",
                ],
            )
        } else {
            (
                &["Sends requests to `server` (by default the first documented one)."],
                &["self.settings.set_base_url(server.base_url());", "self"],
            )
        };
        method(w, doc, "pub fn server(mut self, server: Server) -> Self", body);
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
            CredentialModel::OAuth2(oauth2) => oauth2_methods(w, oauth2),
        }
    }
    if model
        .credentials
        .iter()
        .any(|c| matches!(c, CredentialModel::Bearer { .. } | CredentialModel::OAuth2(_)))
    {
        token_provider_methods(w);
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
    pacing_methods(w);
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
    documented_rate_limits(w, model);
    w.close("}");
}

/// The builder's methods for the pace of calls and the cap on attempts in flight.
fn pacing_methods(w: &mut RustWriter) {
    method(
        w,
        &[
            "Paces calls by `limit` too, replacing the limit of the same name (a documented one,\nsee [`Client::documented_rate_limits`], or one set before).",
            "Calls over the pace wait for their slot; all clones of the client share the pace.",
        ],
        "pub fn rate_limit(mut self, limit: ::finops_client_runtime::RateLimit) -> Self",
        &["self.settings.add_rate_limit(limit);", "self"],
    );
    method(
        w,
        &["Paces calls by no rate limit, documented or set before: each call is sent when it\nis made."],
        "pub fn without_rate_limits(mut self) -> Self",
        &["self.settings.set_rate_limits(::std::vec::Vec::new());", "self"],
    );
    method(
        w,
        &[
            "Whether a 429 slows the pace of its scope down (and holds it back for its\n`Retry-After`, at most [`MAX_SERVER_HOLD`](crate::MAX_SERVER_HOLD)) until successes\nbring it back, and whether calls no rate limit covers are paced at a rate learned from\nthe server's 429s: on unless set. Off, the rate limits pace calls at their fixed rates\nand other calls are not paced.",
        ],
        "pub fn adaptive_pacing(mut self, adaptive: bool) -> Self",
        &["self.settings.set_adaptive_pacing(adaptive);", "self"],
    );
    method(
        w,
        &[
            "At most `max` attempts in flight at once, for the client and all its clones; other\ncalls wait for a place. No cap unless set; 0 is refused by [`Self::build`].",
        ],
        "pub fn max_in_flight(mut self, max: usize) -> Self",
        &["self.settings.set_max_in_flight(Some(max));", "self"],
    );
}

/// `Client::documented_rate_limits`: the spec's `x-rate-limits`, which new builders start with.
fn documented_rate_limits(w: &mut RustWriter, model: &ApiModel) {
    w.blank();
    let mut doc =
        vec!["The rate limits the vendor documents, which a new [`ClientBuilder`] paces calls by.".to_string()];
    if model.rate_limits.is_empty() {
        doc.push("The vendor documents none: calls are not paced unless a limit is set.".to_string());
    } else {
        let lines: Vec<String> = model
            .rate_limits
            .iter()
            .map(|limit| {
                let operations = match &limit.operations {
                    Some(ops) => format!(" for `{}`", ops.join("`, `")),
                    None => String::new(),
                };
                format!(
                    "- `{}`: {}{operations} ([source]({}))",
                    limit.name,
                    limit.summary(),
                    limit.source
                )
            })
            .collect();
        doc.push(lines.join("\n"));
    }
    let doc: Vec<&str> = doc.iter().map(String::as_str).collect();
    w.doc(&doc);
    w.open("pub fn documented_rate_limits() -> ::std::vec::Vec<::finops_client_runtime::RateLimit> {");
    if model.rate_limits.is_empty() {
        w.line("::std::vec::Vec::new()");
    } else {
        w.open("::std::vec![");
        for limit in &model.rate_limits {
            let mut expression = format!(
                "::finops_client_runtime::RateLimit::new({}, {}, Duration::from_secs({}))",
                string_literal(&limit.name),
                limit.requests,
                limit.per_seconds
            );
            if let Some(parameter) = &limit.path_parameter {
                expression.push_str(&format!(".per_path_parameter({})", string_literal(parameter)));
            }
            if let Some(ops) = &limit.operations {
                let ops: Vec<String> = ops.iter().map(|op| string_literal(op)).collect();
                expression.push_str(&format!(".operations([{}])", ops.join(", ")));
            }
            expression.push_str(&format!(".source({}),", string_literal(&limit.source)));
            w.line(expression);
        }
        w.close("]");
    }
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
    w.line("path: \"\",");
    w.line("idempotent_method: false,");
    w.line("idempotency_key: None,");
    w.line("accept: None,");
    w.line("generated_headers: &[],");
    w.line("query: &[],");
    w.line("headers: &[],");
    w.line("body_fields: &[],");
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
    w.line(format!("path: {},", string_literal(&op.path)));
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
    let names = |location: ParameterLocation| -> Vec<String> {
        op.parameters
            .iter()
            .filter(|p| p.location == location)
            .map(|p| string_literal(&p.name))
            .collect()
    };
    w.line(format!("query: &[{}],", names(ParameterLocation::Query).join(", ")));
    w.line(format!("headers: &[{}],", names(ParameterLocation::Header).join(", ")));
    let fields: Vec<String> = op
        .request_body
        .iter()
        .flat_map(|body| &body.fields)
        .map(|f| string_literal(&f.json_name))
        .collect();
    w.line(format!("body_fields: &[{}],", fields.join(", ")));
    w.close("},");
}

/// `fn oauth2_endpoints(server)`: the token URL and scopes of each flow at each server.
fn oauth2_endpoints(w: &mut RustWriter, model: &ApiModel, oauth2: &OAuth2Model) {
    let endpoints = |w: &mut RustWriter, env: &crate::model::security::OAuth2Environment, head: &str, tail: &str| {
        w.open(format!("{head}OAuth2Endpoints {{"));
        for (field, flow) in [
            ("client_credentials", &env.client_credentials),
            ("refresh_token", &env.refresh_token),
        ] {
            match flow {
                None => w.line(format!("{field}: None,")),
                Some(flow) => {
                    w.open(format!("{field}: Some(OAuth2Flow {{"));
                    w.line(format!("token_url: {},", string_literal(&flow.token_url)));
                    let scopes: Vec<String> = flow.scopes.iter().map(|s| string_literal(s)).collect();
                    w.line(format!("scopes: &[{}],", scopes.join(", ")));
                    w.close("}),");
                }
            }
        }
        w.close(format!("}}{tail}"));
    };
    w.blank();
    w.doc(&["The token URL and scopes of each OAuth2 flow, from the spec's OAuth2 security scheme."]);
    if model.environments.is_empty() {
        w.open("fn oauth2_endpoints() -> OAuth2Endpoints {");
        endpoints(w, oauth2.default_flows(), "", "");
        w.close("}");
        return;
    }
    w.open("fn oauth2_endpoints(server: Server) -> OAuth2Endpoints {");
    w.open("match server {");
    for env in &oauth2.environments {
        endpoints(w, env, &format!("Server::{} => ", env.variant), ",");
    }
    w.close("}");
    w.close("}");
}

/// The builder methods of an OAuth2 scheme: one per flow, then the general ones.
fn oauth2_methods(w: &mut RustWriter, oauth2: &OAuth2Model) {
    let defaults = oauth2.default_flows();
    let parameters: String = oauth2
        .variables
        .iter()
        .map(|(name, _)| format!("{}: impl Into<::std::string::String>, ", rust_ident(name)))
        .collect();
    let variables: String = oauth2
        .variables
        .iter()
        .map(|(name, _)| format!(".token_url_variable({}, {})", string_literal(name), rust_ident(name)))
        .collect();
    let variable_docs: Vec<String> = oauth2
        .variables
        .iter()
        .map(|(name, description)| format!("`{}`: {}", rust_ident(name), description))
        .collect();
    let scopes = |flow: &FlowModel| {
        flow.scopes
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let renewal = "The token is requested when the first call needs it, renewed before it expires and after a 401,\nfor every clone of the client at once.";
    if let Some(flow) = &defaults.client_credentials {
        let mut doc = vec![
            "Authenticates with OAuth2 client credentials (app-only): access tokens from the chosen\nserver's token URL, replacing other credentials.".to_string(),
            format!(
                "The default server's token URL is `{}`, for scopes {}.",
                flow.token_url,
                scopes(flow)
            ),
            renewal.to_string(),
        ];
        doc.extend(variable_docs.iter().cloned());
        doc.push(oauth2.description.clone());
        let doc: Vec<&str> = doc.iter().map(String::as_str).collect();
        method(
            w,
            &doc,
            &format!(
                "pub fn client_credentials(mut self, {parameters}client_id: impl Into<::std::string::String>, client_secret: impl Into<::finops_client_runtime::Secret>) -> Self"
            ),
            &[
                &format!(
                    "self.settings.set_oauth2(::finops_client_runtime::OAuth2Credentials::client_credentials(client_id, client_secret){variables});"
                ),
                "self",
            ],
        );
    }
    if let Some(flow) = &defaults.refresh_token {
        let mut doc = vec![
            "Authenticates with an OAuth2 refresh token (app + user, from the authorization-code flow)\nof an app without a client secret, replacing other credentials.".to_string(),
            format!(
                "The default server's token URL is `{}`, for scopes {}. For an app with a client\nsecret, or to store a rotated refresh token, pass [`OAuth2Credentials`](::finops_client_runtime::OAuth2Credentials)\nto [`Self::oauth2`] and keep a clone.",
                flow.token_url,
                scopes(flow)
            ),
            renewal.to_string(),
        ];
        doc.extend(variable_docs.iter().cloned());
        let doc: Vec<&str> = doc.iter().map(String::as_str).collect();
        method(
            w,
            &doc,
            &format!(
                "pub fn refresh_token(mut self, {parameters}client_id: impl Into<::std::string::String>, refresh_token: impl Into<::finops_client_runtime::Secret>) -> Self"
            ),
            &[
                &format!(
                    "self.settings.set_oauth2(::finops_client_runtime::OAuth2Credentials::refresh_token(client_id, refresh_token){variables});"
                ),
                "self",
            ],
        );
    }
    let variable_names: Vec<String> = oauth2.variables.iter().map(|(name, _)| format!("`{name}`")).collect();
    let fill = if variable_names.is_empty() {
        String::new()
    } else {
        format!(
            " Set the token URL's {} with `OAuth2Credentials::token_url_variable`.",
            variable_names.join(", ")
        )
    };
    method(
        w,
        &[
            &format!(
                "Authenticates with `credentials`, replacing other credentials; the token URL and scopes\nthey leave unset are the chosen server's.{fill}"
            ),
            renewal,
        ],
        "pub fn oauth2(mut self, credentials: ::finops_client_runtime::OAuth2Credentials) -> Self",
        &["self.settings.set_oauth2(credentials);", "self"],
    );
    method(
        w,
        &[
            "Sends OAuth2 token requests to `authority` (scheme, host and port, such as a test server\nor a proxy) instead of the token URL's, keeping the token URL's path.",
        ],
        "pub fn token_authority(mut self, authority: impl Into<::std::string::String>) -> Self",
        &["self.settings.set_token_authority(authority);", "self"],
    );
    w.blank();
    w.doc(&[
        "Authenticates with an `azure_core` credential (any `azure_identity` credential: managed\nidentity, Azure CLI, workload identity, a certificate), asking for the chosen server's\nclient-credentials scopes; replaces other credentials.",
        renewal,
    ]);
    w.line("#[cfg(feature = \"azure\")]");
    w.open("pub fn azure_credential(mut self, credential: ::std::sync::Arc<dyn ::finops_client_runtime::azure_core::credentials::TokenCredential>) -> Self {");
    w.line("self.settings.set_azure_credential(credential);");
    w.line("self");
    w.close("}");
}

/// `token_provider` and `token_renewal_margin`: bearer tokens from the caller's provider.
fn token_provider_methods(w: &mut RustWriter) {
    method(
        w,
        &[
            "Authenticates every request with `Authorization: Bearer <token>` from `provider` (a closure\nreturning a future of `Result<AccessToken, AuthError>`, or any\n[`TokenProvider`](::finops_client_runtime::TokenProvider)), replacing other credentials.",
            "The token is asked for when the first call needs it, renewed before it expires and after a\n401, one request at a time for every clone of the client.",
        ],
        "pub fn token_provider(mut self, provider: impl ::finops_client_runtime::TokenProvider) -> Self",
        &["self.settings.set_token_provider(provider);", "self"],
    );
    method(
        w,
        &[
            "How long before its expiry a token is renewed: 5 minutes unless set. A token that lives less\nthan twice this is renewed at half its lifetime.",
        ],
        "pub fn token_renewal_margin(mut self, margin: Duration) -> Self",
        &["self.settings.set_token_renewal_margin(margin);", "self"],
    );
}
