//! `src/operations.rs`: for every operation declared with `x-long-running`, `start()` on its
//! builder (the call, then a `Poller` of the operation it started), `Client::resume_<op>` (a
//! poller from a saved continuation), and the `Polled` implementation the runtime's poller drives:
//! lens functions over the status body, as for the pagers. With `downloads`, the files of the
//! result and their items as a stream.

use super::rust_writer::RustWriter;
use crate::model::long_running::{Address, DownloadsModel, LongRunningModel, ResultModel};
use crate::model::pagination::Lens;
use crate::model::{ApiModel, OperationModel, error_enum};
use crate::names::string_literal;
use heck::ToUpperCamelCase;

/// The module's source, or `None` when no operation is long-running.
pub fn render(model: &ApiModel) -> Option<String> {
    let started: Vec<(&OperationModel, &LongRunningModel)> = model
        .operations
        .iter()
        .filter_map(|op| Some((op, op.long_running.as_ref()?)))
        .collect();
    if started.is_empty() {
        return None;
    }
    let mut w = RustWriter::new();
    w.inner_doc(&[
        "Long-running operations: `start()` sends the call and gives a [`Poller`] of the operation it started;\nawait the poller for the result, or save its [`Continuation`] and resume it with `Client::resume_*`.",
    ]);
    w.blank();
    w.line("use crate::{builder, errors, Client};");
    w.line("use ::finops_client_runtime::{Continuation, Error, Poller};");
    for (op, long_running) in &started {
        render_operation(&mut w, op, long_running);
    }
    if started.iter().any(|(_, lr)| lr.downloads.is_some()) {
        w.blank();
        w.open("impl Client {");
        w.doc(&[
            "The HTTP client the files of results are downloaded with: this client's settings (proxy, TLS, timeouts of the connection), none of its credentials.",
        ]);
        w.open("pub fn download_client(&self) -> &::reqwest::Client {");
        w.line("&self.client");
        w.close("}");
        w.close("}");
    }
    Some(w.finish())
}

/// The type that names a long-running operation in `Poller<…>`, e.g. `ExportBilledUsageOperation`.
pub fn operation_type(op: &OperationModel) -> String {
    format!("{}Operation", op.builder)
}

fn render_operation(w: &mut RustWriter, op: &OperationModel, lr: &LongRunningModel) {
    let operation = operation_type(op);
    let poller = format!("Poller<{operation}>");
    let result_error = match &lr.result {
        ResultModel::Inline(_) => lr.status_error.clone(),
        ResultModel::Link { error, .. } => error.clone(),
    };
    let where_address = match &lr.address {
        Address::Header(name) => format!("its `{name}` header"),
        Address::Field(lens) => format!("the body's `{}`", lens.pointer),
    };

    w.blank();
    w.doc(&[
        &format!(
            "The long-running operation [`{}`](crate::Client::{}) starts: its status is read with [`{}`](crate::Client::{}) at the address the {} answer gives in {where_address}.",
            op.rust_name, op.rust_name, lr.status_operation, lr.status_operation, lr.start_status
        ),
        &format!(
            "It has succeeded when `{}` is {}, with the result {}; it has failed when it is {}, with the error in `{}`. Between status requests the poller waits as the service's `Retry-After` says, else {} s ({}).",
            lr.status.pointer,
            values(&lr.succeeded),
            match &lr.result {
                ResultModel::Inline(lens) => format!("in `{}`", lens.pointer),
                ResultModel::Link { link, operation, .. } => format!(
                    "at the link in `{}`, read with [`{operation}`](crate::Client::{operation})",
                    link.pointer
                ),
            },
            values(&lr.failed),
            lr.error.pointer,
            lr.poll_seconds,
            match &lr.poll_why {
                Some(why) => format!("[source]({}): {}", lr.poll_source, why.trim_end_matches('.')),
                None => format!("[documented]({})", lr.poll_source),
            }
        ),
    ]);
    w.line("#[derive(Debug, Clone)]");
    w.open(format!("pub struct {operation} {{"));
    w.line("client: Client,");
    w.close("}");

    w.blank();
    w.open(format!("impl ::finops_client_runtime::Polled for {operation} {{"));
    w.line(format!("type Status = {};", lr.status_type));
    w.line(format!("type Output = {};", lr.result_type));
    w.line(format!("type Failure = {};", lr.error_type));
    w.line(format!("type Error = errors::{};", lr.status_error));
    w.line(format!("type ResultError = errors::{result_error};"));
    w.line(format!(
        "const POLL_INTERVAL: ::std::time::Duration = ::std::time::Duration::from_secs({});",
        lr.poll_seconds
    ));
    w.blank();
    w.open("fn base_url(&self) -> &str {");
    w.line("&self.client.baseurl");
    w.close("}");
    w.blank();
    w.open(
        "fn status<'s>(&'s self, id: &str) -> ::finops_client_runtime::StatusFuture<'s, Self::Status, Self::Error> {",
    );
    w.line(format!("Box::pin(self.client.{}(id).send())", lr.status_operation));
    w.close("}");
    w.blank();
    w.open("fn state(status: Self::Status) -> ::finops_client_runtime::State<Self::Output, Self::Failure> {");
    w.line(format!(
        "let value: Option<String> = {};",
        owned_text("status", &lr.status)
    ));
    w.open("match value.as_deref() {");
    match &lr.result {
        ResultModel::Inline(lens) => {
            w.open(format!(
                "Some({}) => match {} {{",
                patterns(&lr.succeeded),
                moved("status", lens)
            ));
            w.line("Some(result) => ::finops_client_runtime::State::Succeeded(result),");
        }
        ResultModel::Link { link, .. } => {
            w.open(format!(
                "Some({}) => match {} {{",
                patterns(&lr.succeeded),
                owned_text("status", link)
            ));
            w.line("Some(link) => ::finops_client_runtime::State::SucceededAt(link),");
        }
    }
    w.line("None => ::finops_client_runtime::State::SucceededWithoutResult(value.unwrap_or_default()),");
    w.close("},");
    w.open(format!("Some({}) => {{", patterns(&lr.failed)));
    w.line(format!("let error = {};", moved("status", &lr.error)));
    let text = |lens: &Option<Lens>| match lens {
        Some(lens) => format!("error.as_ref().and_then(|error| {})", owned_text("error", lens)),
        None => "None".to_string(),
    };
    w.line(format!("let code = {};", text(&lr.error_code)));
    w.line(format!("let message = {};", text(&lr.error_message)));
    w.line("::finops_client_runtime::State::Failed(::finops_client_runtime::Failure::__new(value.unwrap_or_default(), code, message, error))");
    w.close("}");
    w.line("_ => ::finops_client_runtime::State::Running(value),");
    w.close("}");
    w.close("}");
    w.blank();
    w.open(
        "fn result<'s>(&'s self, id: &str) -> ::finops_client_runtime::StatusFuture<'s, Self::Output, Self::ResultError> {",
    );
    match &lr.result {
        ResultModel::Link { operation, .. } => w.line(format!("Box::pin(self.client.{operation}(id).send())")),
        ResultModel::Inline(_) => {
            w.line("let _ = id;");
            w.line("Box::pin(async { Err(Error::Internal(\"the result comes inline, never by a link\".into())) })");
        }
    }
    w.close("}");
    w.close("}");

    w.blank();
    w.open(format!("impl builder::{}<'_> {{", op.builder));
    w.doc(&[
        &format!(
            "Sends the call, as [`Self::send`] does (retries, credentials, tracing), and gives the [`Poller`] of the operation the {} answer starts. Await the poller for the [`{}`]({}), or save [`Poller::continuation`] and resume with [`Client::resume_{}`].",
            lr.start_status,
            short(&lr.result_type),
            lr.result_type,
            op.rust_name
        ),
        "An answer without an address the client can poll (none, or one on another origin, where the client's credentials would go) is [`Error::OperationAddress`].",
    ]);
    w.open(format!(
        "pub async fn start(self) -> Result<{poller}, Error<errors::{}>> {{",
        error_enum(op)
    ));
    w.line("let client = self.client.clone();");
    w.line("let response = self.send().await?;");
    match &lr.address {
        Address::Header(name) => w.line(format!(
            "let address = response.headers().get({}).and_then(|value| value.to_str().ok()).map(str::to_string);",
            string_literal(name)
        )),
        Address::Field(lens) => w.line(format!(
            "let address = {{ let body: &{} = &response; {} }};",
            response_type(op),
            owned_text("body", lens)
        )),
    }
    w.line(format!(
        "::finops_client_runtime::started({operation} {{ client }}, response, address.as_deref())"
    ));
    w.close("}");
    w.close("}");

    w.blank();
    w.open("impl Client {");
    w.doc(&[
        &format!(
            "Polls the operation a [`{}`](Self::{}) call started earlier, maybe in another process, from its saved [`Continuation`]; nothing is started again.",
            op.rust_name, op.rust_name
        ),
        "A continuation that is not a URL, or is on another origin than this client's base URL, is refused before anything is sent.",
    ]);
    w.line("#[allow(clippy::result_large_err)] // the error keeps the answer it failed on, as every call's does");
    w.open(format!(
        "pub fn resume_{}(&self, continuation: Continuation) -> Result<{poller}, ::finops_client_runtime::ErrorOf<{operation}>> {{",
        op.rust_name
    ));
    w.line(format!(
        "Poller::resume({operation} {{ client: self.clone() }}, continuation)"
    ));
    w.close("}");
    if let Some(downloads) = &lr.downloads {
        render_downloads(w, op, lr, downloads);
    }
    w.close("}");
}

fn render_downloads(w: &mut RustWriter, op: &OperationModel, lr: &LongRunningModel, d: &DownloadsModel) {
    let files = format!("{}_files", op.rust_name);
    w.blank();
    w.doc(&[
        &format!(
            "The files a succeeded [`{}`](Self::{}) lists: each under `{}`, named by its `{}`, authorized by `{}`.",
            op.rust_name,
            op.rust_name,
            d.root.pointer,
            d.file_name.pointer,
            d.token.as_ref().map_or("nothing", |t| t.pointer.as_str())
        ),
        "The token is kept as a secret: no `Debug` output, error or log shows it.",
    ]);
    w.open(format!(
        "pub fn {files}(&self, result: &{}) -> Result<Vec<::finops_client_runtime::downloads::RemoteFile>, ::finops_client_runtime::downloads::DownloadError> {{",
        lr.result_type
    ));
    w.line(format!("let root = {};", borrowed_text("result", &d.root)));
    w.line(format!(
        "let token = {};",
        d.token.as_ref().map_or("None".to_string(), |t| if d.token_secret {
            format!("{}.map(|v| v.expose())", borrowed("result", t))
        } else {
            borrowed_text("result", t)
        })
    ));
    w.line(format!(
        "{}.iter().map(|file| ::finops_client_runtime::downloads::RemoteFile::in_directory(root.unwrap_or_default(), {}.unwrap_or_default(), token)).collect()",
        borrowed_list("result", &d.files),
        borrowed_text("file", &d.file_name)
    ));
    w.close("}");

    w.blank();
    w.doc(&[
        &format!(
            "Every [`{}`]({}) of the files a succeeded [`{}`](Self::{}) lists, file after file, each in its order: gunzipped and decoded line by line as the bytes arrive, several files downloading at once (see [`DownloadOptions`](::finops_client_runtime::downloads::DownloadOptions)).",
            d.items_name, d.items_type, op.rust_name, op.rust_name
        ),
        "The requests carry none of this client's credentials, only each file's token, and use its HTTP settings (proxy, TLS).",
    ]);
    w.open(format!(
        "pub fn {}_items(&self, result: &{}, options: ::finops_client_runtime::downloads::DownloadOptions) -> ::finops_client_runtime::downloads::LineStream<{}> {{",
        op.rust_name, lr.result_type, d.items_type
    ));
    w.open(format!("match self.{files}(result) {{"));
    w.line("Ok(files) => ::finops_client_runtime::downloads::json_lines_of_all(self.client.clone(), files, options),");
    w.line("Err(error) => Box::pin(::futures::stream::once(async move { Err(error) })),");
    w.close("}");
    w.close("}");
}

/// The start operation's success body type.
fn response_type(op: &OperationModel) -> String {
    format!(
        "crate::types::{}",
        op.success_body.as_deref().unwrap_or_default().to_upper_camel_case()
    )
}

fn values(list: &[String]) -> String {
    list.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(" or ")
}

fn patterns(list: &[String]) -> String {
    list.iter().map(|v| string_literal(v)).collect::<Vec<_>>().join(" | ")
}

fn short(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// `root.a.b` by reference, as an `Option<&T>`.
fn borrowed(root: &str, lens: &Lens) -> String {
    let mut expr = format!("Some(&{root})");
    for (field, optional) in &lens.steps {
        expr = if *optional {
            format!("{expr}.and_then(|v| v.{field}.as_ref())")
        } else {
            format!("{expr}.map(|v| &v.{field})")
        };
    }
    expr
}

/// The text of a string or open-enum field, as an `Option<String>`.
fn owned_text(root: &str, lens: &Lens) -> String {
    format!("{}.map(|v| v.as_str().to_string())", borrowed(root, lens))
}

/// The text of a string field, as an `Option<&str>`.
fn borrowed_text(root: &str, lens: &Lens) -> String {
    format!("{}.map(|v| v.as_str())", borrowed(root, lens))
}

/// A list field as a slice (empty when absent).
fn borrowed_list(root: &str, lens: &Lens) -> String {
    format!("{}.map_or(&[][..], |v| v.as_slice())", borrowed(root, lens))
}

/// `root.a.b` moved out, as an `Option<T>`.
fn moved(root: &str, lens: &Lens) -> String {
    let mut expr = format!("Some({root})");
    for (field, optional) in &lens.steps {
        expr = if *optional {
            format!("{expr}.and_then(|v| v.{field})")
        } else {
            format!("{expr}.map(|v| v.{field})")
        };
    }
    expr
}
