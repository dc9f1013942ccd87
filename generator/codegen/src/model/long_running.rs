//! `x-long-running`: an operation that starts work on the server and answers with the address
//! of an operation to poll, read from the spec and checked against the operations and bodies it
//! names, so that a declaration with a wrong pointer or status fails with its location instead of
//! generating a poller that never ends.
//!
//! ```yaml
//! x-long-running:
//!   start: {status: 202, header: Location}   # the answer that starts it; or {status, field: /pointer}
//!   status-operation: get_operation          # the GET that reads the operation at that address
//!   status: /status                          # in that GET's success body
//!   succeeded: [succeeded]                   # terminal values
//!   failed: [failed]
//!   result: /resourceLocation                # where a succeeded operation's result is; or a link
//!                                            # to it, read with a GET: {link: /pointer, operation: get_x}
//!   error: {field: /error, code: /code, message: /message}   # where a failed one's error is
//!   poll-interval: {seconds: 10, source: https://…}          # the documented wait between polls
//!                                            # (`why:` when the page gives no number)
//!   downloads:                               # optional: the result lists files to download
//!     root: /rootDirectory                   #   in the result: the directory URL,
//!     token: /sasToken                       #   the token that authorizes reading it,
//!     files: /blobs                          #   the files, and each file's name
//!     file-name: /name
//!     content: gzip-json-lines               #   each file: gzip-compressed JSON Lines of `items`
//!     items: '#/components/schemas/UsageLineItem'   #   (a component schema)
//!     totals: {amount: /billingPreTaxTotal, currency: /billingCurrency}   # summed per currency
//! ```

use super::pagination::{Leaf, Lens, Reader};
use super::{OperationModel, StatusKey};
use crate::diagnostic::Diagnostic;
use crate::names::rust_ident;
use crate::spec::BundledSpec;
use heck::ToUpperCamelCase;
use openapiv3::{Components, ReferenceOr, SchemaKind, Type};
use serde_json::Value;

/// One start operation's declaration, resolved to Rust names.
#[derive(Debug, Clone)]
pub struct LongRunningModel {
    /// Where the start answer gives the operation's address.
    pub address: Address,
    /// The started answer's status.
    pub start_status: u16,
    /// The status operation's Rust name and builder, e.g. `get_operation`.
    pub status_operation: String,
    pub status_builder: String,
    /// The status operation's success body type and error enum.
    pub status_type: String,
    pub status_error: String,
    pub status: Lens,
    pub succeeded: Vec<String>,
    pub failed: Vec<String>,
    pub result: ResultModel,
    pub result_type: String,
    pub error: Lens,
    pub error_type: String,
    pub error_code: Option<Lens>,
    pub error_message: Option<Lens>,
    pub poll_seconds: u64,
    pub poll_source: String,
    /// Why this interval, when the source gives no number.
    pub poll_why: Option<String>,
    pub downloads: Option<DownloadsModel>,
}

/// Where a succeeded operation's result is.
#[derive(Debug, Clone)]
pub enum ResultModel {
    /// In the status body.
    Inline(Lens),
    /// At a link in the status body, read with a GET operation (its Rust name, error enum).
    Link {
        link: Lens,
        operation: String,
        error: String,
    },
}

impl ResultModel {
    /// The pointer in the status body.
    pub fn pointer(&self) -> &str {
        match self {
            ResultModel::Inline(lens) | ResultModel::Link { link: lens, .. } => &lens.pointer,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Address {
    Header(String),
    Field(Lens),
}

/// The files a result lists.
#[derive(Debug, Clone)]
pub struct DownloadsModel {
    pub root: Lens,
    pub token: Option<Lens>,
    /// Whether the token's schema is an `x-secret` string (a `Secret` in Rust).
    pub token_secret: bool,
    pub files: Lens,
    pub file_name: Lens,
    pub items_type: String,
    pub items_name: String,
    /// The items' property names, in the spec's order: the CSV columns.
    pub columns: Vec<String>,
    pub amount: Option<Lens>,
    pub currency: Option<Lens>,
}

const FIELDS: &[&str] = &[
    "start",
    "status-operation",
    "status",
    "succeeded",
    "failed",
    "result",
    "error",
    "poll-interval",
    "downloads",
];
const DOWNLOAD_FIELDS: &[&str] = &["root", "token", "files", "file-name", "content", "items", "totals"];
const CONTENTS: &[&str] = &["gzip-json-lines"];

/// The operation's declaration; `None` without one. `operations` are every operation's models
/// (the status operation is one of them).
pub fn read(
    spec: &BundledSpec,
    components: &Components,
    operation: &openapiv3::Operation,
    operation_pointer: &str,
    model: &OperationModel,
    operations: &[OperationModel],
) -> Result<Option<LongRunningModel>, Diagnostic> {
    let Some(declaration) = operation.extensions.get("x-long-running") else {
        return Ok(None);
    };
    let at = format!("{operation_pointer}/x-long-running");
    let fail = |pointer: &str, message: String| spec.error_at(pointer, message);
    let usage = format!("an `x-long-running` declaration takes {}", FIELDS.join(", "));
    let Some(fields) = declaration.as_object() else {
        return Err(fail(&at, "`x-long-running` is not a mapping".into()).help(usage));
    };
    if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(fail(
            &format!("{at}/{}", crate::diagnostic::escape_pointer_token(unknown)),
            format!("`{unknown}` is not a field of `x-long-running`"),
        )
        .help(usage));
    }
    let required = |key: &str| -> Result<&Value, Diagnostic> {
        fields
            .get(key)
            .ok_or_else(|| fail(&at, format!("`x-long-running` needs `{key}`")).help(usage.clone()))
    };

    // The answer that starts the operation.
    let start = required("start")?;
    let start_at = format!("{at}/start");
    let Some(start_fields) = start.as_object() else {
        return Err(fail(&start_at, "`start` is not a mapping".into())
            .help("write `{status: 202, header: Location}` or `{status: 202, field: /pointer}`"));
    };
    let start_status = start_fields
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .ok_or_else(|| {
            fail(
                &start_at,
                "`start` needs the `status` of the answer that starts the operation".into(),
            )
            .help("write e.g. `status: 202`")
        })?;
    if !model.success.contains(&StatusKey::Code(start_status)) {
        return Err(fail(
            &format!("{start_at}/status"),
            format!("the operation documents no {start_status} response"),
        )
        .help("name the success status the operation answers when it starts the work"));
    }
    let address = match (start_fields.get("header"), start_fields.get("field")) {
        (Some(header), None) => {
            let name = header.as_str().unwrap_or_default();
            if !declares_header(operation, components, start_status, name) {
                return Err(fail(
                    &format!("{start_at}/header"),
                    format!("the {start_status} response declares no header {header}"),
                )
                .help("declare the header under the response's `headers`"));
            }
            Address::Header(name.to_string())
        }
        (None, Some(field)) => {
            let Some(body) = model.success_body.as_deref() else {
                return Err(fail(
                    &format!("{start_at}/field"),
                    "the starting response has no body to hold the address".into(),
                )
                .help("name the header that holds the address instead"));
            };
            let reader = Reader {
                spec,
                components,
                at: &start_at,
                body,
            };
            Address::Field(reader.lens(field, "field", &[Leaf::String])?)
        }
        _ => {
            return Err(fail(&start_at, "`start` needs one of `header` and `field`".into())
                .help("name where the starting answer gives the operation's address"));
        }
    };
    if let Some(unknown) = start_fields
        .keys()
        .find(|k| !["status", "header", "field"].contains(&k.as_str()))
    {
        return Err(fail(
            &format!("{start_at}/{unknown}"),
            format!("`{unknown}` is not a field of `start`"),
        )
        .help("`start` takes status and one of header, field"));
    }

    // The status operation and its body.
    let status_name = required("status-operation")?.as_str().unwrap_or_default();
    let Some(status_op) = operations.iter().find(|o| o.id == status_name) else {
        let gets: Vec<&str> = operations
            .iter()
            .filter(|o| o.method == "get")
            .map(|o| o.id.as_str())
            .collect();
        return Err(fail(
            &format!("{at}/status-operation"),
            format!("`status-operation` names `{status_name}`, which is not an operation of this API"),
        )
        .help(format!(
            "name the GET that reads the operation; the GETs are {}",
            gets.join(", ")
        )));
    };
    let path_parameters = status_op
        .parameters
        .iter()
        .filter(|p| matches!(p.location, super::ParameterLocation::Path))
        .count();
    if status_op.method != "get" || path_parameters != 1 {
        return Err(fail(
            &format!("{at}/status-operation"),
            format!("`{status_name}` is not a GET with one path parameter (the operation's id)"),
        )
        .help("the status is read with a GET of the address, whose last segment is the operation's id"));
    }
    let Some(status_body) = status_op.success_body.as_deref() else {
        return Err(fail(
            &format!("{at}/status-operation"),
            format!("`{status_name}` has no success body to read the status from"),
        )
        .help("document its 200 response with a component schema"));
    };
    let reader = Reader {
        spec,
        components,
        at: &at,
        body: status_body,
    };
    let status = reader.lens(required("status")?, "status", &[Leaf::String])?;
    let values = |key: &str| -> Result<Vec<String>, Diagnostic> {
        let list = required(key)?;
        let values: Option<Vec<String>> = list
            .as_array()
            .filter(|l| !l.is_empty())
            .and_then(|l| l.iter().map(|v| v.as_str().map(str::to_string)).collect());
        values.ok_or_else(|| {
            fail(
                &format!("{at}/{key}"),
                format!("`{key}` is not a list of status values"),
            )
            .help("write the terminal values, e.g. `[succeeded]`")
        })
    };
    let succeeded = values("succeeded")?;
    let failed = values("failed")?;
    if let Some(both) = succeeded.iter().find(|v| failed.contains(v)) {
        return Err(fail(
            &format!("{at}/failed"),
            format!("`{both}` is both a success and a failure"),
        )
        .help("each terminal value is one or the other"));
    }
    let declared = required("result")?;
    let (result, result_type, result_component) = match declared.as_object() {
        None => {
            let lens = reader.lens(declared, "result", &[Leaf::Other])?;
            let rust = component_type(&reader, &lens, "result")?;
            let component = lens.component.clone().unwrap_or_default();
            (ResultModel::Inline(lens), rust, component)
        }
        Some(link) => {
            let result_at = format!("{at}/result");
            let help = "write `{link: /pointer, operation: <a GET with one path parameter>}`";
            let (Some(pointer), Some(name), 2) = (
                link.get("link"),
                link.get("operation").and_then(Value::as_str),
                link.len(),
            ) else {
                return Err(fail(
                    &result_at,
                    "`result` is neither a pointer nor a link and its operation".into(),
                )
                .help(help));
            };
            let lens = reader.lens(pointer, "result/link", &[Leaf::String])?;
            let getter = operations.iter().find(|o| o.id == name).filter(|o| {
                o.method == "get"
                    && o.success_body.is_some()
                    && o.parameters
                        .iter()
                        .filter(|p| matches!(p.location, super::ParameterLocation::Path))
                        .count()
                        == 1
            });
            let Some(getter) = getter else {
                return Err(fail(
                    &format!("{result_at}/operation"),
                    format!("`{name}` is not a GET of this API with one path parameter and a success body"),
                )
                .help("name the GET that reads the linked result"));
            };
            let body = getter.success_body.clone().unwrap_or_default();
            let rust = format!("crate::types::{}", body.to_upper_camel_case());
            let model = ResultModel::Link {
                link: lens,
                operation: getter.rust_name.clone(),
                error: super::error_enum(getter),
            };
            (model, rust, body)
        }
    };

    let error = required("error")?;
    let error_at = format!("{at}/error");
    let Some(error_fields) = error.as_object() else {
        return Err(fail(&error_at, "`error` is not a mapping".into())
            .help("write `{field: /error, code: /code, message: /message}`"));
    };
    let error_lens = reader.lens(
        error_fields.get("field").unwrap_or(&Value::Null),
        "error/field",
        &[Leaf::Other],
    )?;
    let error_type = component_type(&reader, &error_lens, "error/field")?;
    let error_name = error_lens.component.clone().unwrap_or_default();
    let error_reader = Reader {
        spec,
        components,
        at: &error_at,
        body: &error_name,
    };
    let error_code = match error_fields.get("code") {
        Some(code) => Some(error_reader.lens(code, "code", &[Leaf::String])?),
        None => None,
    };
    let error_message = match error_fields.get("message") {
        Some(message) => Some(error_reader.lens(message, "message", &[Leaf::String])?),
        None => None,
    };

    let interval = required("poll-interval")?;
    let interval_at = format!("{at}/poll-interval");
    if let Some(unknown) = interval
        .as_object()
        .and_then(|m| m.keys().find(|k| !["seconds", "source", "why"].contains(&k.as_str())))
    {
        return Err(fail(
            &format!("{interval_at}/{unknown}"),
            format!("`{unknown}` is not a field of `poll-interval`"),
        )
        .help("`poll-interval` takes seconds, source and why"));
    }
    let poll_why = interval.get("why").and_then(Value::as_str).map(str::to_string);
    let poll_seconds = interval
        .get("seconds")
        .and_then(Value::as_u64)
        .filter(|s| (1..=3600).contains(s))
        .ok_or_else(|| {
            fail(&interval_at, "`poll-interval` needs `seconds`, from 1 to 3600".into())
                .help("write the documented wait between status requests, e.g. `{seconds: 10, source: <page>}`")
        })?;
    let poll_source = interval
        .get("source")
        .and_then(Value::as_str)
        .filter(|s| s.starts_with("https://"))
        .ok_or_else(|| {
            fail(&interval_at, "`poll-interval` does not name its `source`".into())
                .help("give the https address of the page that documents the interval")
        })?
        .to_string();

    let downloads = match fields.get("downloads") {
        None => None,
        Some(downloads) => Some(read_downloads(
            spec,
            components,
            &format!("{at}/downloads"),
            downloads,
            &result_component,
        )?),
    };

    Ok(Some(LongRunningModel {
        address,
        start_status,
        status_operation: status_op.rust_name.clone(),
        status_builder: status_op.builder.clone(),
        status_type: format!("crate::types::{}", status_body.to_upper_camel_case()),
        status_error: super::error_enum(status_op),
        status,
        succeeded,
        failed,
        result,
        result_type,
        error: error_lens,
        error_type,
        error_code,
        error_message,
        poll_seconds,
        poll_source,
        poll_why,
        downloads,
    }))
}

fn read_downloads(
    spec: &BundledSpec,
    components: &Components,
    at: &str,
    declaration: &Value,
    result: &str,
) -> Result<DownloadsModel, Diagnostic> {
    let usage = format!("`downloads` takes {}", DOWNLOAD_FIELDS.join(", "));
    let Some(fields) = declaration.as_object() else {
        return Err(spec.error_at(at, "`downloads` is not a mapping").help(usage));
    };
    if let Some(unknown) = fields.keys().find(|k| !DOWNLOAD_FIELDS.contains(&k.as_str())) {
        return Err(spec
            .error_at(
                &format!("{at}/{unknown}"),
                format!("`{unknown}` is not a field of `downloads`"),
            )
            .help(usage));
    }
    let required = |key: &str| -> Result<&Value, Diagnostic> {
        fields.get(key).ok_or_else(|| {
            spec.error_at(at, format!("`downloads` needs `{key}`"))
                .help(usage.clone())
        })
    };
    let reader = Reader {
        spec,
        components,
        at,
        body: result,
    };
    let root = reader.lens(required("root")?, "root", &[Leaf::String])?;
    let token = match fields.get("token") {
        Some(token) => Some(reader.lens(token, "token", &[Leaf::String])?),
        None => None,
    };
    let (files, files_schema) = reader.lens_to(required("files")?, "files", &[Leaf::Array])?;
    let file_schema = match &files_schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => match array.items.as_ref() {
            Some(ReferenceOr::Reference { reference }) => Some(crate::names::component_name(reference).to_string()),
            _ => None,
        },
        _ => None,
    };
    let Some(file_schema) = file_schema else {
        return Err(reader
            .fail(
                "files",
                format!("the files at `{}` are not a component schema", files.pointer),
            )
            .help("give the file entries a schema under `components/schemas` and `$ref` it"));
    };
    let file_reader = Reader {
        spec,
        components,
        at,
        body: &file_schema,
    };
    let file_name = file_reader.lens(required("file-name")?, "file-name", &[Leaf::String])?;
    let content = required("content")?.as_str().unwrap_or_default();
    if !CONTENTS.contains(&content) {
        return Err(reader
            .fail(
                "content",
                format!("`content` is {:?}, not a content the client can read", content),
            )
            .help(format!("write one of {}", CONTENTS.join(", "))));
    }
    let items_ref = required("items")?.as_str().unwrap_or_default();
    let items_name = items_ref
        .strip_prefix("#/components/schemas/")
        .unwrap_or_default()
        .to_string();
    let Some(ReferenceOr::Item(items_schema)) = components.schemas.get(&items_name) else {
        let mut names: Vec<&str> = components.schemas.keys().map(String::as_str).collect();
        names.sort_unstable();
        return Err(reader
            .fail(
                "items",
                format!("`items` is {items_ref:?}, not a component schema of this API"),
            )
            .help(format!(
                "write `'#/components/schemas/<Name>'` with one of {}",
                names.join(", ")
            )));
    };
    let SchemaKind::Type(Type::Object(object)) = &items_schema.schema_kind else {
        return Err(reader
            .fail("items", format!("`{items_name}` is not an object schema"))
            .help("each line of the files is one JSON object"));
    };
    let columns: Vec<String> = object.properties.keys().cloned().collect();
    let item_reader = Reader {
        spec,
        components,
        at,
        body: &items_name,
    };
    let (amount, currency) = match fields.get("totals") {
        None => (None, None),
        Some(totals) => {
            let (Some(amount), Some(currency)) = (totals.get("amount"), totals.get("currency")) else {
                return Err(reader
                    .fail("totals", "`totals` needs `amount` and `currency`".into())
                    .help("point at the item's amount and its currency code"));
            };
            let amount = item_reader.lens(amount, "totals/amount", &[Leaf::Other])?;
            if !is_number(&item_reader, &amount) {
                return Err(reader
                    .fail(
                        "totals/amount",
                        format!("`{}` in `{items_name}` is not a number", amount.pointer),
                    )
                    .help("point at a `type: number` field"));
            }
            let currency = item_reader.lens(currency, "totals/currency", &[Leaf::String])?;
            (Some(amount), Some(currency))
        }
    };
    let token_secret = token
        .as_ref()
        .and_then(|t| t.component.as_deref())
        .and_then(|name| components.schemas.get(name))
        .is_some_and(|schema| match schema {
            ReferenceOr::Item(schema) => schema.schema_data.extensions.get("x-secret") == Some(&Value::Bool(true)),
            ReferenceOr::Reference { .. } => false,
        });
    Ok(DownloadsModel {
        root,
        token,
        token_secret,
        files,
        file_name,
        items_type: format!("crate::types::{}", items_name.to_upper_camel_case()),
        items_name,
        columns,
        amount,
        currency,
    })
}

/// The Rust type of the component a lens reaches.
fn component_type(reader: &Reader<'_>, lens: &Lens, field: &str) -> Result<String, Diagnostic> {
    match &lens.component {
        Some(name) => Ok(format!("crate::types::{}", name.to_upper_camel_case())),
        None => Err(reader
            .fail(field, format!("`{}` is not a component schema", lens.pointer))
            .help("give it a schema under `components/schemas` and `$ref` it")),
    }
}

fn is_number(reader: &Reader<'_>, lens: &Lens) -> bool {
    let mut schema = reader.component(reader.body);
    for (name, _) in &lens.steps {
        let Some(SchemaKind::Type(Type::Object(object))) = schema.map(|s| &s.schema_kind) else {
            return false;
        };
        let property = object
            .properties
            .iter()
            .find(|(key, _)| rust_ident(key) == *name)
            .map(|(_, p)| p);
        schema = property.and_then(|p| reader.resolve(p));
    }
    matches!(schema.map(|s| &s.schema_kind), Some(SchemaKind::Type(Type::Number(_))))
}

/// Whether the `status` response of `operation` declares header `name`.
fn declares_header(operation: &openapiv3::Operation, components: &Components, status: u16, name: &str) -> bool {
    let response = operation
        .responses
        .responses
        .iter()
        .find(|(key, _)| key.to_string() == status.to_string())
        .map(|(_, r)| r);
    let response = match response {
        Some(ReferenceOr::Item(r)) => Some(r),
        Some(ReferenceOr::Reference { reference }) => {
            match components.responses.get(crate::names::component_name(reference)) {
                Some(ReferenceOr::Item(r)) => Some(r),
                _ => None,
            }
        }
        None => None,
    };
    !name.is_empty() && response.is_some_and(|r| r.headers.keys().any(|h| h.eq_ignore_ascii_case(name)))
}
