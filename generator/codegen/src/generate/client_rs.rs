//! `src/client.rs` of a generated crate: the `Server` enum from the spec's `servers`, the
//! `ClientBuilder` with the spec's credentials, and the `ClientHooks` implementation that sends
//! every request through the runtime's request loop.

use super::model::{ApiModel, CredentialModel, OperationModel, Renewal};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn tokens(model: &ApiModel) -> TokenStream {
    let server_enum = server_enum(model);
    let default_url = match model.environments.first() {
        Some(_) => quote!(Server::default().base_url()),
        None => quote!(""),
    };
    let server_method = (!model.environments.is_empty()).then(|| {
        quote! {
            /// Sends requests to `server` (by default the first documented one).
            pub fn server(mut self, server: Server) -> Self {
                self.settings.set_base_url(server.base_url());
                self
            }
        }
    });
    let credential_methods = model.credentials.iter().map(|credential| match credential {
        CredentialModel::Bearer { description } => {
            let doc = doc_lines(&[
                "Authenticates every request with `Authorization: Bearer <token>`, replacing other credentials.",
                description,
            ]);
            quote! {
                #doc
                pub fn bearer_token(mut self, token: impl Into<::finops_client_runtime::Secret>) -> Self {
                    self.settings.set_credentials(::finops_client_runtime::Credentials::Bearer(token.into()));
                    self
                }
            }
        }
        CredentialModel::QueryApiKey { parameter, description } => {
            let method = format_ident!("{}", super::model::rust_ident(parameter));
            let doc = doc_lines(&[
                &format!(
                    "Authenticates every request with the `{parameter}` query parameter, replacing other credentials."
                ),
                description,
            ]);
            quote! {
                #doc
                pub fn #method(mut self, key: impl Into<::finops_client_runtime::Secret>) -> Self {
                    self.settings.set_credentials(::finops_client_runtime::Credentials::QueryApiKey {
                        parameter: #parameter,
                        key: key.into(),
                    });
                    self
                }
            }
        }
    });
    let default_methods = model.client_defaults.iter().map(|default| {
        let parameter = &default.parameter;
        let method = format_ident!("{}", super::model::rust_ident(parameter));
        let doc = doc_lines(&[
            &format!("Sends `{parameter}` with every call that does not set it itself."),
            &default.description,
        ]);
        quote! {
            #doc
            pub fn #method(mut self, value: impl ::std::fmt::Display) -> Self {
                self.settings.set_default_query(#parameter, value.to_string());
                self
            }
        }
    });
    let operation_specs = model.operations.iter().map(operation_spec);

    quote! {
        use crate::Client;
        use ::finops_client_runtime::{BuildError, ClientSettings, OperationSpec, RetryPolicy};
        use ::std::time::Duration;

        #server_enum

        /// Builds a [`Client`]: server or base URL, credentials, retries, timeouts and limits.
        ///
        /// Defaults: the first documented server, no credentials, [`RetryPolicy::default`], a
        /// 60 s timeout per attempt, a 10 s connect timeout, redirects followed within the same
        /// origin only, and response bodies of at most 64 MiB.
        #[derive(Debug, Clone)]
        pub struct ClientBuilder {
            settings: ClientSettings,
        }

        impl ClientBuilder {
            fn new() -> Self {
                Self {
                    settings: ClientSettings::new(
                        #default_url,
                        concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
                    ),
                }
            }

            #server_method

            /// Sends requests to `base_url` (a proxy, a test server) instead of a documented server.
            pub fn base_url(mut self, base_url: impl Into<::std::string::String>) -> Self {
                self.settings.set_base_url(base_url);
                self
            }

            #(#credential_methods)*

            #(#default_methods)*

            /// Retries failed calls as `policy` allows; [`RetryPolicy::disabled`] turns retries off.
            pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
                self.settings.set_retry(policy);
                self
            }

            /// The time limit of each attempt: connect, send, and read the response.
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.settings.set_timeout(Some(timeout));
                self
            }

            /// No time limit per attempt.
            pub fn no_timeout(mut self) -> Self {
                self.settings.set_timeout(None);
                self
            }

            /// The time limit to open a connection.
            pub fn connect_timeout(mut self, timeout: Duration) -> Self {
                self.settings.set_connect_timeout(timeout);
                self
            }

            /// Appends `product` (e.g. `my-app/1.2`) to the `User-Agent`, which starts with this
            /// crate's name and version.
            pub fn user_agent(mut self, product: &str) -> Self {
                self.settings.add_user_agent(product);
                self
            }

            /// Which redirects to follow: by default those to the same scheme, host and port,
            /// at most 10, never a loop. A redirect not followed is returned as the 3xx response.
            pub fn redirects(mut self, redirects: ::finops_client_runtime::Redirects) -> Self {
                self.settings.set_redirects(redirects);
                self
            }

            /// The largest response body a call reads (64 MiB unless set); a longer one fails with
            /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge), read no further.
            pub fn max_response_bytes(mut self, limit: u64) -> Self {
                self.settings.set_max_response_bytes(limit);
                self
            }

            /// Sends through `http` (proxies, TLS roots, connection pool) instead of a new
            /// `reqwest::Client`; the connect timeout and the redirects followed are then `http`'s own.
            pub fn http_client(mut self, http: ::reqwest::Client) -> Self {
                self.settings.set_http_client(http);
                self
            }

            /// Checks the settings and builds the client.
            pub fn build(self) -> Result<Client, BuildError> {
                let (base_url, http, config) = self.settings.build()?;
                Ok(Client::new_with_client(&base_url, http, config))
            }
        }

        impl Client {
            /// Starts building a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }
        }

        impl ::progenitor_client::ClientHooks<::finops_client_runtime::ClientConfig> for Client {
            async fn exec(
                &self,
                request: ::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                let operation = OPERATIONS
                    .iter()
                    .find(|op| op.id == info.operation_id)
                    .unwrap_or(&UNDESCRIBED);
                ::finops_client_runtime::execute(&self.client, &self.inner, operation, request).await
            }
        }

        /// What the request loop needs to know about each operation, from the spec.
        const OPERATIONS: &[OperationSpec] = &[#(#operation_specs),*];

        /// For a request the table does not describe: no generated headers, and only the
        /// always-safe retries.
        const UNDESCRIBED: OperationSpec = OperationSpec {
            id: "",
            idempotent_method: false,
            idempotency_key: None,
            accept: None,
            generated_headers: &[],
        };
    }
}

fn server_enum(model: &ApiModel) -> TokenStream {
    if model.environments.is_empty() {
        return quote!();
    }
    let variants = model.environments.iter().enumerate().map(|(i, env)| {
        let variant = format_ident!("{}", env.variant);
        let doc = doc_lines(&[&format!("`{}`", env.url), &env.description]);
        let default = (i == 0).then(|| quote!(#[default]));
        quote! { #doc #default #variant }
    });
    let urls = model.environments.iter().map(|env| {
        let variant = format_ident!("{}", env.variant);
        let url = &env.url;
        quote! { Server::#variant => #url }
    });
    quote! {
        /// The servers the API is documented at.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum Server {
            #(#variants),*
        }

        impl Server {
            /// The server's base URL.
            pub fn base_url(self) -> &'static str {
                match self {
                    #(#urls),*
                }
            }
        }
    }
}

fn operation_spec(op: &OperationModel) -> TokenStream {
    let id = &op.rust_name;
    let idempotent = matches!(
        op.method.as_str(),
        "get" | "head" | "options" | "put" | "delete" | "trace"
    );
    let key = match &op.idempotency_key {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    let accept = match &op.accept {
        Some(media) => quote!(Some(#media)),
        None => quote!(None),
    };
    let headers = op.generated_headers.iter().map(|(name, renewal)| {
        let renewal = match renewal {
            Renewal::PerCall => quote!(::finops_client_runtime::Renewal::PerCall),
            Renewal::AfterResponse => quote!(::finops_client_runtime::Renewal::AfterResponse),
        };
        quote!(::finops_client_runtime::GeneratedHeader { name: #name, renewal: #renewal })
    });
    quote! {
        OperationSpec {
            id: #id,
            idempotent_method: #idempotent,
            idempotency_key: #key,
            accept: #accept,
            generated_headers: &[#(#headers),*],
        }
    }
}

/// `#[doc = " ..."]` attributes, one paragraph per non-empty part.
pub fn doc_lines(parts: &[&str]) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(part.lines().map(|l| format!(" {}", l.trim_end())));
    }
    quote!(#(#[doc = #lines])*)
}
