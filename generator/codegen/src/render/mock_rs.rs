//! `src/mock.rs` (the crate's `mock` feature): a typed mock server of the API for the tests of
//! code that calls it. One expectation type per operation, with a method per parameter taking
//! the parameter's own type, `body` taking the body type, `respond` the success type and `fail`
//! the operation's error enum. The matching and the server are `finops_client_runtime::mock`'s.

use super::rust_writer::RustWriter;
use crate::model::{ApiModel, CredentialModel, OperationModel, ParameterLocation, StatusKey, error_enum};
use crate::names::body_type;
use crate::names::public_type;
use crate::progenitor::postprocess::BuilderField;
use std::collections::BTreeMap;

/// The module's source. `builders` are the operation builders' inputs (their types are the
/// parameter types the expectations take).
pub fn render(model: &ApiModel, title: &str, builders: &BTreeMap<String, Vec<BuilderField>>) -> String {
    let mut w = RustWriter::new();
    w.inner_doc(&[&format!(
        "A typed mock server of {title}, for the tests of code that calls it (feature `mock`).\n\n\
             [`MockApi::start`] starts a server on 127.0.0.1 and [`MockApi::client`] gives a client that calls it. \
             Each operation has an expectation: its methods take the operation's parameters and body in their own \
             types, and it is answered with the success type (`respond`) or a documented error (`fail`), with \
             headers such as `Retry-After` on the reply. When the server is dropped, every expectation must have \
             been met, by default by at least one call."
    )]);
    w.blank();
    w.line("use crate::{Client, ClientBuilder};");
    w.line("use ::finops_client_runtime::mock::{Expectation, MockServer};");
    w.line("pub use ::finops_client_runtime::mock::{ReceivedRequest, Reply, Times};");
    if token_path(model).is_some() {
        w.line("pub use ::finops_client_runtime::mock::TokenExpectation;");
    }
    w.doc(&[
        "The mock server crate these mocks are built on, at the version they use: for matchers and \
         responders the typed expectations do not offer, without a dependency of your own.",
    ]);
    w.line("pub use ::finops_client_runtime::mock::wiremock;");
    w.blank();
    w.doc(&[&format!(
        "A mock {title} on 127.0.0.1. Its expectations are checked when it is dropped: one that was not met \
         fails the test with the requests received."
    )]);
    w.line("#[derive(Debug)]");
    w.open("pub struct MockApi {");
    w.line("server: MockServer,");
    w.close("}");
    w.blank();
    w.open("impl MockApi {");
    w.doc(&["Starts the server on a free port."]);
    w.open("pub async fn start() -> Self {");
    w.line("MockApi { server: MockServer::start().await }");
    w.close("}");
    w.blank();
    w.doc(&["The server's base URL, e.g. `http://127.0.0.1:41237`."]);
    w.open("pub fn uri(&self) -> ::std::string::String {");
    w.line("self.server.uri()");
    w.close("}");
    w.blank();
    w.doc(&[
        "A client builder for the server: its base URL, a placeholder credential, and no pacing (calls go \
         out at once). Retries are as in production; set `retry_policy(RetryPolicy::disabled())` to see a \
         `429` or `503` at once.",
    ]);
    w.open("pub fn client_builder(&self) -> ClientBuilder {");
    w.line(format!(
        "Client::builder().base_url(self.uri()){}.without_rate_limits()",
        credential_call(model)
    ));
    w.close("}");
    w.blank();
    if let Some((path, variables)) = token_path(model) {
        w.doc(&[&format!(
            "A client builder for the server whose tokens come from the server's own token endpoint \
             (`POST {path}`), as a production client gets them: client credentials `mock-client-id` and \
             `mock-client-secret`{}. Mount [`token_endpoint`](Self::token_endpoint) answers for it, such as a \
             token that expires, or a refusal.",
            variables
                .iter()
                .map(|v| format!(", `{v}` `mock-{v}`"))
                .collect::<String>()
        )]);
        w.open("pub fn oauth2_client_builder(&self) -> ClientBuilder {");
        let builder_variables: String = variables
            .iter()
            .map(|v| format!(".token_url_variable({v:?}, {:?})", format!("mock-{v}")))
            .collect();
        w.line(format!(
            "let credentials = ::finops_client_runtime::OAuth2Credentials::client_credentials(\"mock-client-id\", \"mock-client-secret\"){builder_variables};"
        ));
        w.line("Client::builder().base_url(self.uri()).oauth2(credentials).token_authority(self.uri()).without_rate_limits()");
        w.close("}");
        w.blank();
        w.doc(&[&format!(
            "Expects a token request of [`oauth2_client_builder`](Self::oauth2_client_builder)'s client \
             (`POST {path}`, grant `client_credentials`, client `mock-client-id`); answer it with `issue` or `refuse`."
        )]);
        w.open("pub fn token_endpoint(&self) -> TokenExpectation<'_> {");
        let tenants: String = variables
            .iter()
            .map(|v| format!(".path_param({v:?}, {:?})", format!("mock-{v}")))
            .collect();
        w.line(format!(
            "self.server.expect_token({path:?}){tenants}.form_field(\"grant_type\", \"client_credentials\").form_field(\"client_id\", \"mock-client-id\")"
        ));
        w.close("}");
        w.blank();
    }
    w.doc(&["A client for the server; see [`client_builder`](Self::client_builder)."]);
    w.open("pub fn client(&self) -> Client {");
    w.line("self.client_builder().build().expect(\"a client of the mock server builds\")");
    w.close("}");
    w.blank();
    w.doc(&["Every request the server received, in order."]);
    w.open("pub async fn received_requests(&self) -> ::std::vec::Vec<ReceivedRequest> {");
    w.line("self.server.received_requests().await");
    w.close("}");
    w.blank();
    w.doc(&["Checks the expectations now, as a drop does: panics with what was received if one was not met."]);
    w.open("pub async fn verify(&self) {");
    w.line("self.server.verify().await");
    w.close("}");
    w.blank();
    w.doc(&["The wiremock server, for matchers and responders the typed expectations do not offer."]);
    w.open("pub fn wiremock(&self) -> &::finops_client_runtime::mock::wiremock::MockServer {");
    w.line("self.server.wiremock()");
    w.close("}");
    for op in &model.operations {
        w.blank();
        w.doc(&[&format!(
            "Expects [`Client::{}`] (`{} {}`).",
            op.rust_name,
            op.method.to_uppercase(),
            op.path
        )]);
        w.open(format!(
            "pub fn {}(&self) -> {}<'_> {{",
            op.rust_name,
            expectation_type(op)
        ));
        w.line(format!(
            "{}(self.server.expect({:?}, {:?}, {:?}))",
            expectation_type(op),
            op.id,
            op.method.to_uppercase(),
            op.path
        ));
        w.close("}");
    }
    w.close("}");
    for op in &model.operations {
        expectation(
            &mut w,
            op,
            builders.get(&op.builder).map(Vec::as_slice).unwrap_or_default(),
        );
    }
    w.finish()
}

/// The name of an operation's expectation type: `UpdateUsageBudgetExpectation`.
fn expectation_type(op: &OperationModel) -> String {
    format!("{}Expectation", op.builder)
}

/// The builder call that gives the client a placeholder credential.
fn credential_call(model: &ApiModel) -> String {
    let static_call = model.credentials.iter().find_map(|c| match c {
        CredentialModel::Bearer { .. } => Some(".bearer_token(\"mock-token\")".to_string()),
        CredentialModel::QueryApiKey { parameter, .. } => {
            Some(format!(".{}(\"mock-token\")", crate::names::rust_ident(parameter)))
        }
        CredentialModel::OAuth2(_) => None,
    });
    match static_call {
        Some(call) => call,
        None if model.oauth2().is_some() => ".token_provider(|| async { \
             Ok(::finops_client_runtime::AccessToken::new(\"mock-token\", ::std::time::Duration::from_secs(3600))) })"
            .to_string(),
        None => String::new(),
    }
}

/// The path of the default server's client-credentials token URL, and the variables in it; `None`
/// for an API without that flow.
fn token_path(model: &ApiModel) -> Option<(String, Vec<String>)> {
    let flow = model.oauth2()?.default_flows().client_credentials.as_ref()?;
    let after_scheme = flow
        .token_url
        .split_once("://")
        .map_or(flow.token_url.as_str(), |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
    let variables = path
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
        .collect();
    Some((path.to_string(), variables))
}

/// One operation's expectation type and its methods.
fn expectation(w: &mut RustWriter, op: &OperationModel, fields: &[BuilderField]) {
    let name = expectation_type(op);
    w.blank();
    w.doc(&[&format!(
        "An expected call of [`Client::{}`](crate::Client::{}): give what the request must carry, then answer it.",
        op.rust_name, op.rust_name
    )]);
    w.line("#[derive(Debug)]");
    w.line("#[must_use = \"an expectation does nothing until it is answered and mounted\"]");
    w.line(format!("pub struct {name}<'a>(Expectation<'a>);"));
    w.blank();
    w.open(format!("impl<'a> {name}<'a> {{"));
    for parameter in &op.parameters {
        let Some(field) = fields.iter().find(|f| f.rust_name == parameter.rust_name) else {
            continue;
        };
        let positive = matches!(
            field.rust_type.as_str(),
            "::std::num::NonZeroU32" | "::std::num::NonZeroU64"
        );
        let (argument, value) = if field.rust_type == "::std::string::String" {
            (
                "impl ::std::convert::Into<::std::string::String>".to_string(),
                "value.into()",
            )
        } else if positive {
            // As the builder's setter: any primitive integer, refused at 0.
            (
                format!("impl ::finops_client_runtime::PositiveInteger<{}>", field.rust_type),
                "value",
            )
        } else {
            (public_type(&field.rust_type, "crate"), "value")
        };
        let call = match parameter.location {
            ParameterLocation::Path => format!("path_param({:?}, {value})", parameter.name),
            ParameterLocation::Query => format!("query_param({:?}, &{value})", parameter.name),
            ParameterLocation::Header => format!("header({:?}, {value})", parameter.name),
        };
        let location = match parameter.location {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
        };
        w.doc(&[&format!(
            "The {location} parameter `{}` must be `value`.",
            parameter.name
        )]);
        w.open(format!(
            "pub fn {}(self, value: {argument}) -> Self {{",
            field.rust_name
        ));
        if positive {
            w.line(format!(
                "let value = value.positive_integer().unwrap_or_else(|e| panic!(\"mock of `{}`: {}: {{e}}\"));",
                op.rust_name, parameter.name
            ));
        }
        w.line(format!("Self(self.0.{call})"));
        w.close("}");
    }
    if let Some(body) = &op.request_body {
        let ty = match fields.iter().find(|f| f.rust_name == "body") {
            Some(field) => public_type(&field.rust_type, "crate"),
            None => format!("crate::types::{}", body.type_name),
        };
        w.doc(&["The request body must be `body`, as JSON, exactly."]);
        w.open(format!("pub fn body(self, body: &{ty}) -> Self {{"));
        w.line("Self(self.0.json_body(body))");
        w.close("}");
    }
    let success = op
        .success
        .iter()
        .map(|status| match status {
            StatusKey::Code(code) => *code,
            _ => 200,
        })
        .next()
        .unwrap_or(200);
    match &op.success_body {
        Some(body) => {
            w.doc(&[&format!("Answers `{success}` with `value` as the body.")]);
            w.open(format!(
                "pub fn respond(self, value: &crate::types::{}) -> Reply<'a> {{",
                body_type(body)
            ));
            w.line(format!("self.0.reply_json({success}, value)"));
        }
        None => {
            w.doc(&[&format!("Answers `{success}` without a body.")]);
            w.open("pub fn respond(self) -> Reply<'a> {");
            w.line(format!("self.0.reply({success}, None)"));
        }
    }
    w.close("}");
    w.doc(&[
        "Answers with the error's documented status and its body; add headers such as `Retry-After` on the reply.",
    ]);
    w.open(format!(
        "pub fn fail(self, error: &crate::errors::{}) -> Reply<'a> {{",
        error_enum(op)
    ));
    w.line("self.0.reply_json(error.status(), error)");
    w.close("}");
    w.close("}");
}
