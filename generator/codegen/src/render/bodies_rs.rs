//! `src/bodies.rs`: how a request body is built, the same way in every crate:
//! `Type::new(required fields)`, then a chainable setter per optional field. For progenitor's
//! body types (and the structs their fields name), in place of typify's fallible builders.

use super::rust_writer::RustWriter;
use crate::progenitor::postprocess::{BodyFieldKind, BodyStruct};

/// The module's source; `None` when no body needs it.
pub fn render(bodies: &[BodyStruct]) -> Option<String> {
    if bodies.is_empty() {
        return None;
    }
    let mut w = RustWriter::new();
    w.inner_doc(&[
        "Request bodies are built with `Type::new(required fields)` and one setter per optional\nfield; a missing required field does not compile.",
    ]);
    w.blank();
    // Field types are written as in `types`, which names its own types unqualified.
    w.line("use crate::types::*;");
    for body in bodies {
        let required: Vec<_> = body
            .fields
            .iter()
            .filter(|f| f.kind == BodyFieldKind::Required)
            .collect();
        w.blank();
        w.open(format!("impl {} {{", body.name));
        w.doc(&[if required.is_empty() {
            "A value with every optional field left out until set."
        } else {
            "A value with the required fields; the optional ones are left out until set."
        }]);
        let params: Vec<String> = required
            .iter()
            .map(|f| format!("{}: impl Into<{}>", f.rust_name, f.rust_type))
            .collect();
        let params: Vec<&str> = params.iter().map(String::as_str).collect();
        w.open_fn("pub fn new", &params, " -> Self");
        w.open("Self {");
        for field in &body.fields {
            match field.kind {
                BodyFieldKind::Required => w.line(format!("{0}: {0}.into(),", field.rust_name)),
                BodyFieldKind::Optional => w.line(format!("{}: None,", field.rust_name)),
                BodyFieldKind::Defaulted => w.line(format!("{}: Default::default(),", field.rust_name)),
            }
        }
        w.close("}");
        w.close("}");
        for field in body.fields.iter().filter(|f| f.kind != BodyFieldKind::Required) {
            let value = match field.kind {
                BodyFieldKind::Optional => "Some(value.into())",
                _ => "value.into()",
            };
            w.blank();
            let sets = format!("Sets `{}`.", field.json_name);
            if field.description.is_empty() {
                w.doc(&[&sets]);
            } else {
                w.doc(&[&sets, &field.description]);
            }
            w.open(format!(
                "pub fn {}(mut self, value: impl Into<{}>) -> Self {{",
                field.rust_name, field.rust_type
            ));
            w.line(format!("self.{} = {value};", field.rust_name));
            w.line("self");
            w.close("}");
        }
        w.close("}");
    }
    Some(w.finish())
}
