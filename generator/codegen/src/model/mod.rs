//! The model stage: what the client layer around progenitor's output needs to know about one
//! API, read from the spec: environments, credentials, per-operation request rules and responses,
//! open enums and three-state PATCH bodies.
//!
//! Each spec extension with more than a flag has a module of its own here, holding its reader and
//! its checks (errors located in the spec): [`security`], [`pagination`], [`rate_limits`],
//! [`bulk`]. They build on [`base`]; this module assembles their results into [`ApiModel`] and
//! never the other way round. Renderers read the model; the model reads no renderer.
//!
//! Spec extensions read here (all optional):
//! - `servers[*].x-environment`: the environment's name: `default` for the first server, then
//!   names such as `china` or `legacy`.
//! - header parameter `x-generated: {value: uuid, renewal: per-call | after-response}`: the client
//!   fills the header with a random UUID unless the caller sets it.
//! - parameter `x-idempotency-key: true`: a request carrying this header is safe to repeat.
//! - query parameter `x-client-default: true`: the client builder can set it for every call.

pub mod base;
pub mod bulk;
pub mod long_running;
pub mod pagination;
pub mod rate_limits;
pub mod security;

pub use base::{EnvironmentModel, FieldKind, OpenEnum, PatchBody, PatchField};
pub use security::CredentialModel;

use crate::diagnostic::{Diagnostic, escape_pointer_token as esc};
use crate::names::{body_type, component_name, operations, resolve_parameter, rust_ident};
use crate::spec::BundledSpec;
use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, Response, Schema, SchemaKind, Type};
use std::collections::BTreeSet;

/// The spec facts of one API that progenitor does not use.
#[derive(Debug, Clone)]
pub struct ApiModel {
    pub environments: Vec<EnvironmentModel>,
    pub credentials: Vec<CredentialModel>,
    pub client_defaults: Vec<ClientDefault>,
    pub operations: Vec<OperationModel>,
    pub open_enums: Vec<OpenEnum>,
    /// Component string schemas marked `x-secret: true`: generated as `Secret` (redacted in
    /// `Debug` and `Display`), e.g. a SAS token.
    pub secret_strings: Vec<String>,
    pub patch_bodies: Vec<PatchBody>,
    /// The documented rate limits (`x-rate-limits`), which new clients pace calls by.
    pub rate_limits: Vec<rate_limits::RateLimitModel>,
}

impl ApiModel {
    /// The spec's OAuth2 scheme, if it declares one.
    pub fn oauth2(&self) -> Option<&security::OAuth2Model> {
        self.credentials.iter().find_map(|c| match c {
            CredentialModel::OAuth2(oauth2) => Some(oauth2),
            _ => None,
        })
    }
}

/// A query parameter the client builder can set for every call.
#[derive(Debug, Clone)]
pub struct ClientDefault {
    pub parameter: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct OperationModel {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    /// The vendor page the operation was written from (`externalDocs.url`).
    pub docs_url: Option<String>,
    /// How many `x-doc-errata` entries say where the spec departs from that page.
    pub errata: usize,
    /// The spec's `x-codeSamples` entry for Rust, if any: the README example and the example program.
    pub rust_sample: Option<String>,
    /// `Client` method, e.g. `update_customer`.
    pub rust_name: String,
    /// progenitor's builder struct, e.g. `UpdateCustomer`.
    pub builder: String,
    pub idempotency_key: Option<String>,
    pub accept: Option<String>,
    pub generated_headers: Vec<(String, Renewal)>,
    /// The success statuses and the component schema of their body (`None`: no body).
    pub success: Vec<StatusKey>,
    pub success_body: Option<String>,
    pub errors: Vec<ErrorResponse>,
    /// How the operation pages (`x-pagination`), if it is a paginated list.
    pub pagination: Option<pagination::PaginationModel>,
    /// The bulk tool written for the operation (`x-bulk-example`), if any.
    pub bulk: Option<bulk::BulkModel>,
    /// The long-running operation it starts (`x-long-running`), if any.
    pub long_running: Option<long_running::LongRunningModel>,
    /// The parameters, in the spec's order.
    pub parameters: Vec<ParameterModel>,
    /// The JSON request body, if the operation takes one.
    pub request_body: Option<RequestBodyModel>,
}

/// One parameter of an operation, as the mocks and command-line tools present it.
#[derive(Debug, Clone)]
pub struct ParameterModel {
    /// As the spec spells it, e.g. `customer-tenant-id`.
    pub name: String,
    pub location: ParameterLocation,
    /// The builder's field, e.g. `customer_tenant_id`.
    pub rust_name: String,
    pub required: bool,
    pub description: String,
    /// The allowed values of a string enum (through `$ref`s); empty otherwise.
    pub enum_values: Vec<String>,
    /// The client fills it in unless the caller does (`x-generated`).
    pub generated: bool,
}

/// A JSON scalar type, with the string format a flag checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    String,
    Uuid,
    Integer,
    Number,
    Boolean,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
}

/// A request body: its component schema and, for an object, its properties.
#[derive(Debug, Clone)]
pub struct RequestBodyModel {
    /// typify's (or `models.rs`'s) type name, e.g. `SpendingBudgetUpdate`.
    pub type_name: String,
    pub fields: Vec<BodyFieldModel>,
}

/// A property of a request body.
#[derive(Debug, Clone)]
pub struct BodyFieldModel {
    pub json_name: String,
    pub description: String,
    pub required: bool,
    pub nullable: bool,
    /// What a flag can give it: a string, number, integer or boolean, through `$ref`s; `None`
    /// for an object or array.
    pub scalar: Option<Scalar>,
    pub enum_values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    PerCall,
    AfterResponse,
}

/// A response key of the spec: `404`, `4XX` or `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusKey {
    Code(u16),
    Range(u16),
    Default,
}

#[derive(Debug, Clone)]
pub struct ErrorResponse {
    pub status: StatusKey,
    /// The error enum's variant, e.g. `TooManyRequests`.
    pub variant: String,
    pub body: Option<String>,
    pub description: String,
}

impl StatusKey {
    pub fn parse(key: &str) -> Option<Self> {
        if key == "default" {
            return Some(StatusKey::Default);
        }
        if let Some(class) = key.strip_suffix("XX").or_else(|| key.strip_suffix("xx")) {
            return class.parse().ok().filter(|c| (1..=5).contains(c)).map(StatusKey::Range);
        }
        key.parse()
            .ok()
            .filter(|c| (100..=599).contains(c))
            .map(StatusKey::Code)
    }

    pub fn is_success(self) -> bool {
        match self {
            StatusKey::Code(c) => (200..300).contains(&c),
            StatusKey::Range(c) => c == 2,
            StatusKey::Default => false,
        }
    }

    /// How the spec writes it.
    pub fn label(self) -> String {
        match self {
            StatusKey::Code(c) => c.to_string(),
            StatusKey::Range(c) => format!("{c}XX"),
            StatusKey::Default => "default".into(),
        }
    }

    fn variant(self) -> String {
        match self {
            StatusKey::Code(code) => reason(code).map_or_else(|| format!("Status{code}"), str::to_string),
            StatusKey::Range(4) => "ClientError".into(),
            StatusKey::Range(5) => "ServerError".into(),
            StatusKey::Range(c) => format!("Status{c}xx"),
            StatusKey::Default => "Other".into(),
        }
    }
}

/// Variant names for the statuses APIs document.
fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        423 => "Locked",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return None,
    })
}

/// The `source` of the entry of `x-codeSamples` whose `lang` is Rust.
fn rust_code_sample(samples: Option<&serde_json::Value>) -> Option<String> {
    samples?.as_array()?.iter().find_map(|sample| {
        let lang = sample.get("lang")?.as_str()?;
        if !lang.eq_ignore_ascii_case("rust") {
            return None;
        }
        sample.get("source")?.as_str().map(str::to_string)
    })
}

/// Reads the model; `openapi` is the normalized spec (every response body is a component `$ref`).
/// Errors point into `spec`'s files.
pub fn read(spec: &BundledSpec, openapi: &OpenAPI) -> Result<ApiModel, Diagnostic> {
    let fail = |pointer: &str, message: String| spec.error_at(pointer, message);
    let components = openapi.components.clone().unwrap_or_default();

    let mut environments = Vec::new();
    for (index, server) in openapi.servers.iter().enumerate() {
        let name = server
            .extensions
            .get("x-environment")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| {
                if index == 0 {
                    "default".into()
                } else {
                    format!("server{index}")
                }
            });
        // One naming scheme in every crate: the first server is `Server::Default`, the one a
        // client uses unless told otherwise; the others are named by their environment.
        if (index == 0) != (name == "default") {
            let message = if index == 0 {
                format!("the first server is the default one, so its `x-environment` must be `default`, not `{name}`")
            } else {
                "only the first server is the default one; this one is also named `default`".to_string()
            };
            return Err(fail(&format!("/servers/{index}/x-environment"), message).help(
                "list the server clients use unless told otherwise first, with `x-environment: default` \
                 (it becomes `Server::Default`), and name the others by their environment",
            ));
        }
        let variant = name.to_upper_camel_case();
        if environments.iter().any(|e: &EnvironmentModel| e.variant == variant) {
            return Err(fail(
                &format!("/servers/{index}"),
                format!("two servers are named `{variant}`"),
            )
            .help("give each server a distinct `x-environment` name"));
        }
        environments.push(EnvironmentModel {
            name,
            variant,
            url: server.url.trim_end_matches('/').to_string(),
            description: server.description.clone().unwrap_or_default(),
        });
    }

    let credentials = security::read(spec, &components, &environments)?;

    let mut open_enums = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else { continue };
        if let SchemaKind::Type(Type::String(string)) = &schema.schema_kind {
            if string.enumeration.is_empty() {
                continue;
            }
            let schema_pointer = format!("/components/schemas/{}", esc(name));
            if schema.schema_data.nullable {
                return Err(fail(&schema_pointer, format!("enum schema `{name}` is nullable"))
                    .help("keep component enums non-nullable; make the property that uses it optional"));
            }
            let mut values = Vec::new();
            let mut variants = BTreeSet::new();
            for value in string.enumeration.iter().flatten() {
                let variant = enum_variant(value);
                if !variants.insert(variant.clone()) || variant == "Unknown" {
                    return Err(fail(
                        &format!("{schema_pointer}/enum"),
                        format!("enum `{name}`: value `{value}` gives the variant name `{variant}` twice"),
                    )
                    .help("enum values must differ by more than case and punctuation, and `Unknown` is reserved"));
                }
                values.push((value.clone(), variant));
            }
            open_enums.push(OpenEnum {
                name: name.to_upper_camel_case(),
                description: schema.schema_data.description.clone(),
                values,
            });
        }
    }

    let mut secret_strings = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else { continue };
        let Some(secret) = schema.schema_data.extensions.get("x-secret") else {
            continue;
        };
        let schema_pointer = format!("/components/schemas/{}", esc(name));
        let plain_string = matches!(&schema.schema_kind, SchemaKind::Type(Type::String(string)) if string.enumeration.is_empty())
            && !schema.schema_data.nullable;
        if secret != &serde_json::Value::Bool(true) || !plain_string {
            return Err(fail(
                &format!("{schema_pointer}/x-secret"),
                format!("`x-secret` on `{name}` is not `true` on a string schema without enum or nullable"),
            )
            .help("mark a plain `type: string` component `x-secret: true`; make the property that uses it optional or nullable"));
        }
        secret_strings.push(name.to_upper_camel_case());
    }

    let mut client_defaults: Vec<ClientDefault> = Vec::new();
    let mut operation_models = Vec::new();
    for (path, method, operation) in operations(openapi) {
        let id = operation.operation_id.clone().unwrap_or_default();
        let mut generated_headers = Vec::new();
        let mut idempotency_key = None;
        let mut parameters = Vec::new();
        let operation_pointer = format!("/paths/{}/{method}", esc(path));
        for (index, reference) in operation.parameters.iter().enumerate() {
            let Some(parameter) = resolve_parameter(reference, &components) else {
                continue;
            };
            if let Some(model) = parameter_model(parameter, &components) {
                parameters.push(model);
            }
            let parameter_pointer = match reference {
                ReferenceOr::Reference { reference } => {
                    format!("/components/parameters/{}", esc(component_name(reference)))
                }
                ReferenceOr::Item(_) => format!("{operation_pointer}/parameters/{index}"),
            };
            let data = parameter.parameter_data_ref();
            if data.extensions.get("x-idempotency-key").and_then(|v| v.as_bool()) == Some(true) {
                idempotency_key = Some(data.name.clone());
            }
            if let Some(generated) = data.extensions.get("x-generated") {
                let renewal = match generated.get("renewal").and_then(|v| v.as_str()) {
                    Some("per-call") => Renewal::PerCall,
                    Some("after-response") => Renewal::AfterResponse,
                    other => {
                        return Err(fail(
                            &format!("{parameter_pointer}/x-generated"),
                            format!("parameter `{}`: `x-generated.renewal` is {other:?}", data.name),
                        )
                        .help("write `renewal: per-call` or `renewal: after-response`"));
                    }
                };
                if !matches!(parameter, Parameter::Header { .. })
                    || generated.get("value").and_then(|v| v.as_str()) != Some("uuid")
                {
                    return Err(fail(
                        &format!("{parameter_pointer}/x-generated"),
                        format!(
                            "parameter `{}`: `x-generated` needs a header and `value: uuid`",
                            data.name
                        ),
                    )
                    .help("only header parameters with `value: uuid` can be generated"));
                }
                generated_headers.push((data.name.clone(), renewal));
            }
            if data.extensions.get("x-client-default").and_then(|v| v.as_bool()) == Some(true) {
                if !matches!(parameter, Parameter::Query { .. }) {
                    return Err(fail(
                        &format!("{parameter_pointer}/x-client-default"),
                        format!("parameter `{}`: `x-client-default` needs a query parameter", data.name),
                    )
                    .help("move the extension to a query parameter"));
                }
                if !client_defaults.iter().any(|d| d.parameter == data.name) {
                    client_defaults.push(ClientDefault {
                        parameter: data.name.clone(),
                        description: data.description.clone().unwrap_or_default(),
                    });
                }
            }
        }
        let mut success = Vec::new();
        let mut success_body = None;
        let mut errors = Vec::new();
        let mut accept = None;
        let responses = operation
            .responses
            .default
            .iter()
            .map(|r| ("default".to_string(), r))
            .chain(operation.responses.responses.iter().map(|(k, r)| (k.to_string(), r)));
        for (key, response) in responses {
            let response_pointer = format!("{operation_pointer}/responses/{}", esc(&key));
            let status = StatusKey::parse(&key).ok_or_else(|| {
                fail(&response_pointer, format!("response key `{key}` is not a status"))
                    .help("write a status code (`404`), a range (`4XX`) or `default`")
            })?;
            let response = resolve_response(response, &components)
                .ok_or_else(|| fail(&response_pointer, format!("response `{key}` is a dangling reference")))?;
            let body = match response.content.iter().next() {
                None => None,
                Some((media_type, content)) => {
                    if media_type.contains("json") {
                        accept = Some("application/json".to_string());
                    }
                    match &content.schema {
                        Some(ReferenceOr::Reference { reference }) => Some(component_name(reference).to_string()),
                        None => None,
                        Some(ReferenceOr::Item(_)) => {
                            return Err(fail(
                                &response_pointer,
                                format!("response `{key}` has an inline schema after normalization"),
                            )
                            .help("a generator bug: the `named-response-bodies` rewrite names every response schema"));
                        }
                    }
                }
            };
            if status.is_success() {
                success.push(status);
                success_body = success_body.or(body);
            } else {
                errors.push(ErrorResponse {
                    status,
                    variant: status.variant(),
                    body,
                    description: response.description.clone(),
                });
            }
        }
        errors.sort_by_key(|e| e.status);
        let pagination = pagination::read(
            spec,
            &components,
            &open_enums,
            operation,
            &operation_pointer,
            success_body.as_deref(),
        )?;
        operation_models.push(OperationModel {
            rust_name: id.to_snake_case(),
            builder: id.to_upper_camel_case(),
            id,
            method: method.to_string(),
            path: path.to_string(),
            summary: operation.summary.clone().unwrap_or_default(),
            docs_url: operation.external_docs.as_ref().map(|docs| docs.url.clone()),
            errata: operation
                .extensions
                .get("x-doc-errata")
                .and_then(|errata| errata.as_array())
                .map_or(0, Vec::len),
            rust_sample: rust_code_sample(operation.extensions.get("x-codeSamples")),
            idempotency_key,
            accept,
            generated_headers,
            success,
            success_body,
            errors,
            pagination,
            bulk: None,
            long_running: None,
            parameters,
            request_body: request_body_model(operation, &components),
        });
    }

    let mut patch_bodies = Vec::new();
    for (_, method, operation) in operations(openapi) {
        if method != "patch" {
            continue;
        }
        let Some(ReferenceOr::Item(body)) = &operation.request_body else {
            continue;
        };
        let Some(ReferenceOr::Reference { reference }) = body.content.values().next().and_then(|m| m.schema.as_ref())
        else {
            continue;
        };
        let name = component_name(reference);
        if patch_bodies.iter().any(|p: &PatchBody| p.name == name) {
            continue;
        }
        let Some(ReferenceOr::Item(schema)) = components.schemas.get(name) else {
            continue;
        };
        if let Some(patch) = patch_body(spec, name, schema, &components, &open_enums)? {
            patch_bodies.push(patch);
        }
    }
    patch_bodies.sort_by(|a, b| a.name.cmp(&b.name));

    for (model, (path, method, operation)) in operation_models.iter_mut().zip(operations(openapi)) {
        let pointer = format!("/paths/{}/{method}", esc(path));
        model.bulk = bulk::read(spec, &components, &patch_bodies, operation, &pointer)?;
    }

    let mut started = Vec::new();
    for (model, (path, method, operation)) in operation_models.iter().zip(operations(openapi)) {
        let pointer = format!("/paths/{}/{method}", esc(path));
        started.push(long_running::read(
            spec,
            &components,
            operation,
            &pointer,
            model,
            &operation_models,
        )?);
    }
    for (model, long_running) in operation_models.iter_mut().zip(started) {
        model.long_running = long_running;
    }

    let limited: Vec<rate_limits::OperationRef<'_>> = operations(openapi)
        .into_iter()
        .map(|(path, method, operation)| rate_limits::OperationRef {
            id: operation.operation_id.as_deref().unwrap_or_default(),
            pointer: format!("/paths/{}/{method}", esc(path)),
            path,
            limits: operation.extensions.get("x-rate-limits"),
        })
        .collect();
    let rate_limits = rate_limits::read(spec, openapi.extensions.get("x-rate-limits"), &limited)?;

    Ok(ApiModel {
        environments,
        credentials,
        client_defaults,
        operations: operation_models,
        open_enums,
        secret_strings,
        patch_bodies,
        rate_limits,
    })
}

/// `per_billing_family` → `PerBillingFamily`; `2xl` → `V2xl`.
fn enum_variant(value: &str) -> String {
    let name = value.to_upper_camel_case();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        _ => format!("V{name}"),
    }
}

/// A three-state struct for `schema`, if any of its properties is optional and nullable.
fn patch_body(
    spec: &BundledSpec,
    name: &str,
    schema: &Schema,
    components: &openapiv3::Components,
    open_enums: &[OpenEnum],
) -> Result<Option<PatchBody>, Diagnostic> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Ok(None);
    };
    let three_state = |property: &ReferenceOr<Box<Schema>>, required: bool| {
        !required && matches!(property, ReferenceOr::Item(s) if s.schema_data.nullable)
    };
    if !object
        .properties
        .iter()
        .any(|(key, p)| three_state(p, object.required.contains(key)))
    {
        return Ok(None);
    }
    let mut fields = Vec::new();
    for (json_name, property) in &object.properties {
        let required = object.required.contains(json_name);
        let kind = if three_state(property, required) {
            FieldKind::ThreeState
        } else if required {
            FieldKind::Required
        } else {
            FieldKind::Optional
        };
        let rust_type = rust_type(property, components, open_enums)
            .and_then(|text| {
                syn::parse_str::<syn::Type>(&text)
                    .map(|_| text.clone())
                    .map_err(|e| format!("`{text}` is not a Rust type: {e}"))
            })
            .map_err(|why| {
                spec.error_at(
                    &format!("/components/schemas/{}/properties/{}", esc(name), esc(json_name)),
                    format!("property `{json_name}` of PATCH body `{name}` cannot be a three-state field: {why}"),
                )
                .help("give the property a plain type or `$ref` a component schema")
            })?;
        let description = match property {
            ReferenceOr::Item(s) => s.schema_data.description.clone(),
            ReferenceOr::Reference { .. } => None,
        };
        fields.push(PatchField {
            rust_name: rust_ident(json_name),
            json_name: json_name.clone(),
            rust_type,
            kind,
            description,
        });
    }
    Ok(Some(PatchBody {
        name: name.to_upper_camel_case(),
        description: schema.schema_data.description.clone(),
        fields,
    }))
}

/// The Rust type of a PATCH body property, as typify would write it.
fn rust_type(
    property: &ReferenceOr<Box<Schema>>,
    components: &openapiv3::Components,
    open_enums: &[OpenEnum],
) -> Result<String, String> {
    let schema = match property {
        ReferenceOr::Reference { reference } => {
            let name = component_name(reference);
            if !components.schemas.contains_key(name) {
                return Err(format!("`{reference}` is not a component schema"));
            }
            let rust = name.to_upper_camel_case();
            return Ok(if open_enums.iter().any(|e| e.name == rust) {
                format!("crate::models::{rust}")
            } else {
                format!("crate::types::{rust}")
            });
        }
        ReferenceOr::Item(schema) => schema,
    };
    use openapiv3::{StringFormat, VariantOrUnknownOrEmpty as F};
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if !s.enumeration.is_empty() || s.pattern.is_some() || s.min_length.is_some() || s.max_length.is_some() {
                return Err("an inline string with an enum, pattern or length limit".into());
            }
            match &s.format {
                F::Item(StringFormat::DateTime) => "::chrono::DateTime<::chrono::offset::Utc>".into(),
                F::Item(StringFormat::Date) => "::chrono::naive::NaiveDate".into(),
                F::Unknown(f) if f == "uuid" => "::uuid::Uuid".into(),
                _ => "::std::string::String".into(),
            }
        }
        SchemaKind::Type(Type::Number(n)) => match &n.format {
            F::Item(openapiv3::NumberFormat::Float) => "f32".into(),
            _ => "f64".into(),
        },
        SchemaKind::Type(Type::Integer(i)) => match &i.format {
            F::Item(openapiv3::IntegerFormat::Int32) => "i32".into(),
            _ => "i64".into(),
        },
        SchemaKind::Type(Type::Boolean(_)) => "bool".into(),
        SchemaKind::Type(Type::Array(a)) => {
            let items = a.items.as_ref().ok_or("an array without `items`")?;
            format!("::std::vec::Vec<{}>", rust_type(items, components, open_enums)?)
        }
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => match &o.additional_properties {
            Some(openapiv3::AdditionalProperties::Schema(s)) => format!(
                "::std::collections::HashMap<::std::string::String, {}>",
                rust_type(&boxed(s), components, open_enums)?
            ),
            _ => "::serde_json::Map<::std::string::String, ::serde_json::Value>".into(),
        },
        // `allOf: [{$ref: X}]` beside `nullable: true`: OpenAPI 3.0's nullable reference (and
        // what a 3.1 `anyOf: [{$ref: X}, {type: 'null'}]` is lowered to) is the type of `X`.
        SchemaKind::AllOf { all_of } if all_of.len() == 1 && matches!(all_of[0], ReferenceOr::Reference { .. }) => {
            rust_type(&boxed(&all_of[0]), components, open_enums)?
        }
        _ => return Err("an inline object, composition or untyped schema".into()),
    })
}

fn boxed(schema: &ReferenceOr<Schema>) -> ReferenceOr<Box<Schema>> {
    match schema {
        ReferenceOr::Item(s) => ReferenceOr::Item(Box::new(s.clone())),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

/// The model of a path, query or header parameter (cookie parameters are refused earlier).
fn parameter_model(parameter: &Parameter, components: &openapiv3::Components) -> Option<ParameterModel> {
    let location = match parameter {
        Parameter::Path { .. } => ParameterLocation::Path,
        Parameter::Query { .. } => ParameterLocation::Query,
        Parameter::Header { .. } => ParameterLocation::Header,
        Parameter::Cookie { .. } => return None,
    };
    let data = parameter.parameter_data_ref();
    let schema = match &data.format {
        openapiv3::ParameterSchemaOrContent::Schema(schema) => Some(schema),
        openapiv3::ParameterSchemaOrContent::Content(_) => None,
    };
    Some(ParameterModel {
        name: data.name.clone(),
        location,
        rust_name: rust_ident(&data.name),
        required: data.required,
        description: data.description.clone().unwrap_or_default(),
        enum_values: schema.map(|s| string_enum(s, components)).unwrap_or_default(),
        generated: data.extensions.contains_key("x-generated"),
    })
}

/// The JSON request body of `operation`, when it names a component schema.
fn request_body_model(
    operation: &openapiv3::Operation,
    components: &openapiv3::Components,
) -> Option<RequestBodyModel> {
    let ReferenceOr::Item(body) = operation.request_body.as_ref()? else {
        return None;
    };
    let Some(ReferenceOr::Reference { reference }) = body.content.values().next()?.schema.as_ref() else {
        return None;
    };
    let name = component_name(reference);
    let reference = ReferenceOr::ref_(reference);
    let schema = resolve_schema(&reference, components)?;
    let mut fields = Vec::new();
    if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind {
        for (json_name, property) in &object.properties {
            let property = property.clone().unbox();
            let resolved = resolve_schema(&property, components);
            fields.push(BodyFieldModel {
                json_name: json_name.clone(),
                description: resolved
                    .and_then(|s| s.schema_data.description.clone())
                    .unwrap_or_default(),
                required: object.required.contains(json_name),
                nullable: resolved.is_some_and(|s| s.schema_data.nullable),
                scalar: resolved.and_then(|s| match &s.schema_kind {
                    SchemaKind::Type(Type::String(string)) => Some(match &string.format {
                        openapiv3::VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => Scalar::Uuid,
                        _ => Scalar::String,
                    }),
                    SchemaKind::Type(Type::Number(_)) => Some(Scalar::Number),
                    SchemaKind::Type(Type::Integer(_)) => Some(Scalar::Integer),
                    SchemaKind::Type(Type::Boolean(_)) => Some(Scalar::Boolean),
                    _ => None,
                }),
                enum_values: string_enum(&property, components),
            });
        }
    }
    Some(RequestBodyModel {
        type_name: body_type(name),
        fields,
    })
}

/// `schema`, following component `$ref`s.
fn resolve_schema<'a>(schema: &'a ReferenceOr<Schema>, components: &'a openapiv3::Components) -> Option<&'a Schema> {
    let mut current = schema;
    for _ in 0..16 {
        match current {
            ReferenceOr::Item(schema) => return Some(schema),
            ReferenceOr::Reference { reference } => current = components.schemas.get(component_name(reference))?,
        }
    }
    None
}

/// The values of a string enum schema (through `$ref`s); empty for any other schema.
fn string_enum(schema: &ReferenceOr<Schema>, components: &openapiv3::Components) -> Vec<String> {
    match resolve_schema(schema, components).map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::String(string))) => string.enumeration.iter().flatten().cloned().collect(),
        _ => Vec::new(),
    }
}

fn resolve_response<'a>(
    response: &'a ReferenceOr<Response>,
    components: &'a openapiv3::Components,
) -> Option<&'a Response> {
    match response {
        ReferenceOr::Item(r) => Some(r),
        ReferenceOr::Reference { reference } => match components.responses.get(component_name(reference))? {
            ReferenceOr::Item(r) => Some(r),
            ReferenceOr::Reference { .. } => None,
        },
    }
}

/// The error enum's name for an operation: `UpdateCustomerError`.
pub fn error_enum(op: &OperationModel) -> String {
    format!("{}Error", op.builder)
}
