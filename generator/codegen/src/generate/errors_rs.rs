//! `src/errors.rs`: one error enum per operation, a variant per documented error status.

use super::model::{ApiModel, body_type, error_enum};
use super::rust_writer::RustWriter;
use super::surface::TypeEntry;

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
        entries.push(entry);
    }
    (w.finish(), entries)
}
