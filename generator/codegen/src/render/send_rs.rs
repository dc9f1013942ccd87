//! `src/send.rs`: each operation's `send`, which decodes the response by status.

use super::rust_writer::RustWriter;
use crate::model::{ApiModel, OperationModel, StatusKey, error_enum};
use crate::names::body_type;

/// The module's source.
pub fn render(model: &ApiModel) -> String {
    let mut uses = RuntimeUses::default();
    let mut body = RustWriter::new();
    for op in &model.operations {
        send_impl(&mut body, op, &mut uses);
    }
    let mut w = RustWriter::new();
    w.inner_doc(&[
        "`send` and `send_with` for every operation: the request goes out through the\nruntime's request loop, and the response is decoded by status.",
    ]);
    w.blank();
    w.line("use crate::{builder, errors};");
    w.line(format!(
        "use ::finops_client_runtime::{{{}}};",
        uses.imports().join(", ")
    ));
    let mut code = w.finish();
    if !model.operations.is_empty() {
        code.push('\n');
    }
    code.push_str(&body.finish());
    code
}

/// Which runtime items the decoders name, so that `send.rs` imports exactly those (generated
/// crates build without warnings).
#[derive(Default)]
struct RuntimeUses {
    decoded: bool,
    success: bool,
    failure: bool,
}

impl RuntimeUses {
    fn imports(&self) -> Vec<&'static str> {
        let mut imports = vec!["CallOptions", "Decoding", "Error", "Response"];
        let optional = [
            (self.decoded, "Decoded"),
            (self.failure, "failure"),
            (self.success, "success"),
        ];
        imports.extend(optional.into_iter().filter(|(used, _)| *used).map(|(_, item)| item));
        imports
    }
}

fn send_impl(w: &mut RustWriter, op: &OperationModel, uses: &mut RuntimeUses) {
    let error = error_enum(op);
    let decode = format!("decode_{}", op.rust_name);
    let success = match &op.success_body {
        Some(body) => format!("crate::types::{}", body_type(body)),
        None => "()".to_string(),
    };
    let output = format!("Result<Response<{success}>, Error<errors::{error}>>");

    w.blank();
    w.open(format!("impl builder::{}<'_> {{", op.builder));
    w.doc(&[
        &format!("Sends `{} {}` and decodes the response.", op.method.to_uppercase(), op.path),
        &format!(
            "Retries as the client's [`RetryPolicy`](crate::RetryPolicy) allows. Documented error statuses decode into [`errors::{error}`]; the value and every error that followed a response keep its status, headers and [request ids](crate::RequestIds)."
        ),
    ]);
    w.open_fn("pub async fn send", &["self"], &format!(" -> {output}"));
    w.line(format!(
        "::finops_client_runtime::finish(self.send_unchecked().await, {decode}).await"
    ));
    w.close("}");
    w.blank();
    w.doc(&["[`Self::send`] with per-call options: extra headers, a timeout, a retry policy."]);
    w.open_fn(
        "pub async fn send_with",
        &["self", "options: CallOptions"],
        &format!(" -> {output}"),
    );
    w.line("::finops_client_runtime::with_call_options(options, self.send()).await");
    w.close("}");
    w.close("}");

    let mut arms: Vec<(StatusKey, String)> = Vec::new();
    for status in &op.success {
        let value = match &op.success_body {
            Some(_) => {
                uses.success = true;
                "success(body)".to_string()
            }
            None => {
                uses.decoded = true;
                "Ok(Decoded::Success(()))".to_string()
            }
        };
        arms.push((*status, value));
    }
    for e in &op.errors {
        let value = match &e.body {
            Some(_) => {
                uses.failure = true;
                format!("failure(body, errors::{error}::{})", e.variant)
            }
            None => {
                uses.decoded = true;
                format!("Ok(Decoded::Failure(errors::{error}::{}))", e.variant)
            }
        };
        arms.push((e.status, value));
    }
    arms.sort_by_key(|(status, _)| *status);
    let has_default = arms.iter().any(|(s, _)| *s == StatusKey::Default);
    let uses_body = op.success_body.is_some() || op.errors.iter().any(|e| e.body.is_some());
    let body_param = if uses_body { "body" } else { "_body" };

    // The decoder is `#[inline]` so that it is compiled where an operation is called, like
    // progenitor's async methods, not with the client crate: a program compiles the JSON decoding
    // of the operations it uses, and the crate itself builds as fast as `generate_api!`'s output.
    w.blank();
    w.doc(&["The body type of each documented status; `None` for the others."]);
    w.line("#[inline]");
    w.open_fn(
        &format!("fn {decode}"),
        &["status: ::reqwest::StatusCode", &format!("{body_param}: &[u8]")],
        &format!(" -> Option<Decoding<{success}, errors::{error}>>"),
    );
    w.open("Some(match status.as_u16() {");
    for (status, value) in &arms {
        let pattern = match status {
            StatusKey::Code(code) => code.to_string(),
            StatusKey::Range(class) => format!("{}..={}", class * 100, class * 100 + 99),
            StatusKey::Default => "_".to_string(),
        };
        w.line(format!("{pattern} => {value},"));
    }
    if !has_default {
        w.line("_ => return None,");
    }
    w.close("})");
    w.close("}");
}
