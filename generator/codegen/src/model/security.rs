//! The spec's security schemes as the credentials a client builder offers.
//!
//! Supported: `http` with `scheme: bearer`, `apiKey` in the query, and `oauth2` with the
//! client-credentials and authorization-code flows. The OAuth2 scheme may carry:
//! - `x-token-url-variables: {name: description}`: each `{name}` in the token URLs (such as the
//!   tenant of a Microsoft Entra ID URL), which the builder takes as an argument;
//! - `x-environments: {environment: {clientCredentials: {tokenUrl, scopes: [..]}, authorizationCode:
//!   {..}}}`: the token URL and scopes of each server other than the default (the `flows` are the
//!   default server's), keyed by the servers' `x-environment`.
//!
//! The client credentials flow requests every scope its `scopes` lists; the refresh token grant
//! uses the authorization-code flow's token URL and scopes.

use super::base::EnvironmentModel;
use crate::diagnostic::{Diagnostic, escape_pointer_token as esc};
use crate::spec::BundledSpec;
use openapiv3::{Components, ReferenceOr, SecurityScheme};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialModel {
    /// An HTTP `bearer` scheme: `ClientBuilder::bearer_token` and `token_provider`.
    Bearer { description: String },
    /// An `apiKey` scheme sent in the query: `ClientBuilder::<parameter>`.
    QueryApiKey { parameter: String, description: String },
    /// An `oauth2` scheme: `client_credentials`, `refresh_token`, `oauth2`, `token_authority`.
    OAuth2(OAuth2Model),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2Model {
    pub description: String,
    /// `x-token-url-variables`: name and description, in spec order.
    pub variables: Vec<(String, String)>,
    /// The flows at each server, in the order of the servers (one entry when there are none).
    pub environments: Vec<OAuth2Environment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2Environment {
    /// The `Server` variant, e.g. `China`; empty when the spec has no servers.
    pub variant: String,
    pub client_credentials: Option<FlowModel>,
    /// The authorization-code flow, whose refresh tokens the refresh token grant renews.
    pub refresh_token: Option<FlowModel>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowModel {
    pub token_url: String,
    pub scopes: Vec<String>,
}

impl OAuth2Model {
    /// The default server's flows.
    pub fn default_flows(&self) -> &OAuth2Environment {
        &self.environments[0]
    }
}

/// Reads every security scheme in `components`; errors point into `spec`'s files.
pub fn read(
    spec: &BundledSpec,
    components: &Components,
    environments: &[EnvironmentModel],
) -> Result<Vec<CredentialModel>, Diagnostic> {
    let mut credentials: Vec<CredentialModel> = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let ReferenceOr::Item(scheme) = scheme else { continue };
        let pointer = format!("/components/securitySchemes/{}", esc(name));
        let credential = match scheme {
            SecurityScheme::HTTP {
                scheme, description, ..
            } if scheme.eq_ignore_ascii_case("bearer") => CredentialModel::Bearer {
                description: description.clone().unwrap_or_default(),
            },
            SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Query,
                name: parameter,
                description,
                ..
            } => CredentialModel::QueryApiKey {
                parameter: parameter.clone(),
                description: description.clone().unwrap_or_default(),
            },
            SecurityScheme::OAuth2 {
                flows,
                description,
                extensions,
            } => CredentialModel::OAuth2(oauth2(
                spec,
                &pointer,
                flows,
                description,
                |key| extensions.get(key),
                environments,
            )?),
            _ => {
                return Err(spec
                    .error_at(
                        &pointer,
                        format!("security scheme `{name}` is neither HTTP bearer, an API key in the query, nor OAuth2"),
                    )
                    .help(
                        "the client builder supports `type: http, scheme: bearer`, `type: apiKey, in: query` \
                         and `type: oauth2` with the clientCredentials or authorizationCode flow",
                    ));
            }
        };
        if credentials
            .iter()
            .any(|c| std::mem::discriminant(c) == std::mem::discriminant(&credential))
        {
            return Err(spec
                .error_at(
                    &pointer,
                    format!("security scheme `{name}` repeats a kind of credential"),
                )
                .help("declare at most one bearer scheme, one query API key scheme and one OAuth2 scheme"));
        }
        credentials.push(credential);
    }
    Ok(credentials)
}

/// `extension` reads the scheme's `x-` keys.
fn oauth2<'a>(
    spec: &BundledSpec,
    pointer: &str,
    flows: &openapiv3::OAuth2Flows,
    description: &Option<String>,
    extension: impl Fn(&str) -> Option<&'a serde_json::Value>,
    environments: &[EnvironmentModel],
) -> Result<OAuth2Model, Diagnostic> {
    let fail = |at: &str, message: String| spec.error_at(&format!("{pointer}{at}"), message);
    for (flow, present) in [
        ("implicit", flows.implicit.is_some()),
        ("password", flows.password.is_some()),
    ] {
        if present {
            return Err(fail(
                &format!("/flows/{flow}"),
                format!("the `{flow}` flow cannot be used by a client library"),
            )
            .help("declare `clientCredentials` (app-only) or `authorizationCode` (whose refresh tokens the client renews)"));
        }
    }
    let client_credentials = flows.client_credentials.as_ref().map(|f| FlowModel {
        token_url: f.token_url.clone(),
        scopes: f.scopes.keys().cloned().collect(),
    });
    let refresh_token = flows.authorization_code.as_ref().map(|f| FlowModel {
        token_url: f.token_url.clone(),
        scopes: f.scopes.keys().cloned().collect(),
    });
    if client_credentials.is_none() && refresh_token.is_none() {
        return Err(fail("/flows", "the OAuth2 scheme declares no flow".into())
            .help("declare `clientCredentials` or `authorizationCode`"));
    }

    let mut variables = Vec::new();
    if let Some(declared) = extension("x-token-url-variables") {
        let Some(declared) = declared.as_object() else {
            return Err(fail(
                "/x-token-url-variables",
                "`x-token-url-variables` must map each variable's name to its description".into(),
            )
            .help("for example `x-token-url-variables: {tenant-id: The Microsoft Entra tenant}`"));
        };
        for (name, description) in declared {
            let Some(description) = description.as_str() else {
                return Err(fail(
                    &format!("/x-token-url-variables/{}", esc(name)),
                    format!("the description of token URL variable `{name}` is not a string"),
                ));
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(fail(
                    &format!("/x-token-url-variables/{}", esc(name)),
                    format!("token URL variable `{name}` is not a name of letters, digits, `-` and `_`"),
                ));
            }
            variables.push((name.clone(), description.to_string()));
        }
    }
    let names: Vec<&str> = variables.iter().map(|(n, _)| n.as_str()).collect();
    let flow_pointer = |flow: &str| format!("/flows/{flow}/tokenUrl");
    for (flow, model) in [
        ("clientCredentials", &client_credentials),
        ("authorizationCode", &refresh_token),
    ] {
        if let Some(model) = model {
            check_token_url(&model.token_url, &names)
                .map_err(|(message, help)| fail(&flow_pointer(flow), message).help(help))?;
        }
    }

    let mut per_environment = vec![OAuth2Environment {
        variant: environments.first().map(|e| e.variant.clone()).unwrap_or_default(),
        client_credentials: client_credentials.clone(),
        refresh_token: refresh_token.clone(),
    }];
    let listed = match extension("x-environments") {
        None => serde_json::Map::new(),
        Some(serde_json::Value::Object(listed)) => listed.clone(),
        Some(_) => {
            return Err(fail(
                "/x-environments",
                "`x-environments` must map each server's `x-environment` to its flows".into(),
            ));
        }
    };
    for key in listed.keys() {
        if !environments.iter().skip(1).any(|e| e.name == *key) {
            return Err(fail(
                &format!("/x-environments/{}", esc(key)),
                format!("`{key}` is not the `x-environment` of a server other than the default"),
            )
            .help("name a server's `x-environment`; the `flows` themselves are the default server's"));
        }
    }
    for environment in environments.iter().skip(1) {
        let Some(entry) = listed.get(&environment.name) else {
            return Err(fail(
                "/x-environments",
                format!("the OAuth2 scheme gives no token URL for server `{}`", environment.name),
            )
            .help(format!(
                "add `x-environments: {{{}: {{clientCredentials: {{tokenUrl: ..., scopes: [...]}}}}}}`, \
                 one entry per flow",
                environment.name
            )));
        };
        let at = format!("/x-environments/{}", esc(&environment.name));
        let mut flows_here = OAuth2Environment {
            variant: environment.variant.clone(),
            client_credentials: None,
            refresh_token: None,
        };
        for (flow, default, slot) in [
            (
                "clientCredentials",
                &client_credentials,
                &mut flows_here.client_credentials,
            ),
            ("authorizationCode", &refresh_token, &mut flows_here.refresh_token),
        ] {
            let value = entry.get(flow);
            match (default, value) {
                (None, None) => {}
                (Some(_), None) => {
                    return Err(
                        fail(&at, format!("server `{}` has no `{flow}` entry", environment.name))
                            .help("give every flow of `flows` a token URL and scopes on every server"),
                    );
                }
                (None, Some(_)) => {
                    return Err(fail(
                        &format!("{at}/{flow}"),
                        format!("`{flow}` is not one of the scheme's `flows`"),
                    ));
                }
                (Some(_), Some(value)) => {
                    let token_url = value.get("tokenUrl").and_then(|v| v.as_str());
                    let scopes = value.get("scopes").and_then(|v| v.as_array()).map(|scopes| {
                        scopes
                            .iter()
                            .map(|s| s.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                    });
                    let (Some(token_url), Some(Some(scopes))) = (token_url, scopes) else {
                        return Err(fail(
                            &format!("{at}/{flow}"),
                            format!("the `{flow}` entry needs `tokenUrl` (a URL) and `scopes` (a list of strings)"),
                        ));
                    };
                    check_token_url(token_url, &names)
                        .map_err(|(message, help)| fail(&format!("{at}/{flow}/tokenUrl"), message).help(help))?;
                    *slot = Some(FlowModel {
                        token_url: token_url.to_string(),
                        scopes,
                    });
                }
            }
        }
        per_environment.push(flows_here);
    }
    Ok(OAuth2Model {
        description: description.clone().unwrap_or_default(),
        variables,
        environments: per_environment,
    })
}

/// A token URL is an absolute http(s) URL once its variables are filled in, and names each
/// declared variable exactly where `{name}` appears.
fn check_token_url(url: &str, variables: &[&str]) -> Result<(), (String, String)> {
    let mut filled = String::new();
    let mut rest = url;
    let mut used = Vec::new();
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            return Err((
                format!("token URL `{url}` has an unclosed `{{`"),
                "write each variable as `{name}`".into(),
            ));
        };
        let name = &rest[open + 1..open + close];
        if !variables.contains(&name) {
            return Err((
                format!("token URL `{url}` uses `{{{name}}}`, which `x-token-url-variables` does not declare"),
                format!("declare it: `x-token-url-variables: {{{name}: <what the value is>}}`"),
            ));
        }
        used.push(name);
        filled.push('x');
        rest = &rest[open + close + 1..];
    }
    filled.push_str(rest);
    let scheme_ok = filled.starts_with("https://") || filled.starts_with("http://");
    let host_ok = filled
        .split_once("://")
        .is_some_and(|(_, after)| !after.is_empty() && !after.starts_with('/'));
    if !scheme_ok || !host_ok || filled.chars().any(char::is_whitespace) {
        return Err((
            format!("token URL `{url}` is not an absolute http(s) URL"),
            "give the whole URL, e.g. `https://login.example.com/oauth2/token`".into(),
        ));
    }
    if let Some(unused) = variables.iter().find(|v| !used.contains(v)) {
        return Err((
            format!("token URL `{url}` does not use `{{{unused}}}`, which `x-token-url-variables` declares"),
            "every token URL takes every declared variable".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_token_url;

    #[test]
    fn token_urls_are_checked() {
        assert!(check_token_url("https://login.example.com/{tenant}/token", &["tenant"]).is_ok());
        assert!(check_token_url("https://login.example.com/token", &[]).is_ok());
        let (message, _) = check_token_url("https://login.example.com/{tenant}/token", &[]).unwrap_err();
        assert!(message.contains("does not declare"), "{message}");
        let (message, _) = check_token_url("https://login.example.com/token", &["tenant"]).unwrap_err();
        assert!(message.contains("does not use `{tenant}`"), "{message}");
        let (message, _) = check_token_url("/oauth2/token", &[]).unwrap_err();
        assert!(message.contains("not an absolute"), "{message}");
        let (message, _) = check_token_url("https://login.example.com/{tenant/token", &["tenant"]).unwrap_err();
        assert!(message.contains("unclosed"), "{message}");
    }
}
