//! `src/errors.rs`: one error enum per operation, a variant per documented error status.

use super::rust_writer::RustWriter;
use super::surface::TypeEntry;
use crate::model::{ApiModel, ErrorResponse, StatusKey, error_enum};
use crate::names::body_type;

/// The module's source, and its public types for the API summary.
pub fn render(model: &ApiModel) -> (String, Vec<TypeEntry>) {
    let mut w = RustWriter::new();
    let mut entries = Vec::new();
    w.inner_doc(&[
        "One error enum per operation: a variant for each documented error status, holding that\nstatus's body type.",
    ]);
    for op in &model.operations {
        let name = error_enum(op);
        let mut entry = TypeEntry::enumeration(&name);
        w.blank();
        w.doc(&[
            &format!(
                "An error response documented for [`Client::{0}`](crate::Client::{0}), decoded by status.",
                op.rust_name
            ),
            "A status the spec does not list arrives as [`Error::UnexpectedStatus`](crate::Error::UnexpectedStatus) instead.",
        ]);
        w.line("#[derive(Debug, Clone)]");
        w.line("#[non_exhaustive]");
        w.open(format!("pub enum {name} {{"));
        for error in &op.errors {
            w.doc(&[&format!("`{}`: {}", error.status.label(), error.description)]);
            match &error.body {
                Some(body) => {
                    let body = body_type(body);
                    w.line(format!("{}(crate::types::{body}),", error.variant));
                    entry.item(format!("{}({body})", error.variant));
                }
                None => {
                    w.line(format!("{},", error.variant));
                    entry.item(&error.variant);
                }
            }
        }
        w.close("}");
        status_and_body(&mut w, &name, &op.errors);
        entries.push(entry);
    }
    (w.finish(), entries)
}

/// `status()`, and `Serialize` as the body the server sent: what the typed mocks answer with and
/// what the command-line tools print.
fn status_and_body(w: &mut RustWriter, name: &str, errors: &[ErrorResponse]) {
    let pattern = |error: &ErrorResponse, binding: &str| match &error.body {
        Some(_) => format!("Self::{}({binding})", error.variant),
        None => format!("Self::{}", error.variant),
    };
    w.blank();
    w.open(format!("impl {name} {{"));
    w.doc(&[
        "The status this variant is documented for; for a range such as `4XX` its first code (`400`), for `default` `500`.",
    ]);
    w.open("pub fn status(&self) -> u16 {");
    if errors.is_empty() {
        w.line("match *self {}");
    } else {
        w.open("match self {");
    }
    for error in errors {
        let code = match error.status {
            StatusKey::Code(code) => code,
            StatusKey::Range(class) => class * 100,
            StatusKey::Default => 500,
        };
        w.line(format!("{} => {code},", pattern(error, "_")));
    }
    if !errors.is_empty() {
        w.close("}");
    }
    w.close("}");
    w.close("}");
    w.blank();
    w.doc(&["Serialized as the response body it was decoded from (`null` for a variant without one)."]);
    w.open(format!("impl ::serde::Serialize for {name} {{"));
    let serializer = if errors.is_empty() { "_" } else { "serializer" };
    w.open(format!(
        "fn serialize<S: ::serde::Serializer>(&self, {serializer}: S) -> ::std::result::Result<S::Ok, S::Error> {{"
    ));
    if errors.is_empty() {
        w.line("match *self {}");
    } else {
        w.open("match self {");
    }
    for error in errors {
        match &error.body {
            Some(_) => w.line(format!("{} => body.serialize(serializer),", pattern(error, "body"))),
            None => w.line(format!("{} => serializer.serialize_unit(),", pattern(error, "_"))),
        }
    }
    if !errors.is_empty() {
        w.close("}");
    }
    w.close("}");
    w.close("}");
}
