//! `src/models.rs` of a generated crate: open enums (a value the spec does not list is kept, not
//! rejected) and PATCH bodies whose nullable fields have three states. progenitor uses these in
//! place of its own types, and `types` re-exports them.

use super::rust_writer::RustWriter;
use super::surface::{TypeEntry, short_type};
use crate::model::{ApiModel, FieldKind, OpenEnum, PatchBody};
use crate::names::string_literal;

/// The module's source, and its public types for the API summary.
pub fn render(model: &ApiModel) -> (String, Vec<TypeEntry>) {
    let mut w = RustWriter::new();
    let mut entries = Vec::new();
    w.inner_doc(&["Open enums and three-state PATCH bodies, re-exported from [`crate::types`]."]);
    for e in &model.open_enums {
        entries.push(open_enum(&mut w, e));
    }
    for body in &model.patch_bodies {
        entries.push(patch_body(&mut w, body));
    }
    (w.finish(), entries)
}

fn open_enum(w: &mut RustWriter, e: &OpenEnum) -> TypeEntry {
    let name = &e.name;
    let mut entry = TypeEntry::enumeration(name);
    w.blank();
    w.doc(&[
        e.description.as_deref().unwrap_or_default(),
        "Open: a value the spec does not list decodes into `Unknown` and is sent back unchanged, \
         so match with a wildcard arm.",
    ]);
    w.line("#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]");
    w.line("#[non_exhaustive]");
    w.open(format!("pub enum {name} {{"));
    for (value, variant) in &e.values {
        w.doc(&[&format!("`{value}`")]);
        w.line(format!("{variant},"));
        entry.item(variant);
    }
    w.doc(&["A value the spec does not list, kept as received."]);
    w.line("Unknown(::finops_client_runtime::UnknownValue),");
    entry.item("Unknown(UnknownValue)");
    w.close("}");

    w.blank();
    w.open(format!("impl {name} {{"));
    w.doc(&["The value as sent on the wire."]);
    w.open("pub fn as_str(&self) -> &str {");
    w.open("match self {");
    for (value, variant) in &e.values {
        w.line(format!("Self::{variant} => {},", string_literal(value)));
    }
    w.line("Self::Unknown(value) => value.as_str(),");
    w.close("}");
    w.close("}");
    w.blank();
    w.open("fn from_wire(value: &str) -> Self {");
    w.open("match value {");
    for (value, variant) in &e.values {
        w.line(format!("{} => Self::{variant},", string_literal(value)));
    }
    w.line("other => Self::Unknown(::finops_client_runtime::UnknownValue::__new(other.to_string())),");
    w.close("}");
    w.close("}");
    w.close("}");

    w.blank();
    w.open(format!("impl ::std::fmt::Display for {name} {{"));
    w.open("fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {");
    w.line("f.write_str(self.as_str())");
    w.close("}");
    w.close("}");

    w.blank();
    w.open(format!("impl ::std::str::FromStr for {name} {{"));
    w.line("type Err = ::std::convert::Infallible;");
    w.blank();
    w.doc(&["Never fails: a value the spec does not list becomes `Unknown`."]);
    w.open("fn from_str(value: &str) -> Result<Self, Self::Err> {");
    w.line("Ok(Self::from_wire(value))");
    w.close("}");
    w.close("}");

    w.blank();
    w.open(format!("impl ::serde::Serialize for {name} {{"));
    w.open("fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {");
    w.line("serializer.serialize_str(self.as_str())");
    w.close("}");
    w.close("}");

    w.blank();
    w.doc(&["Described with the values the spec lists; others are accepted too."]);
    w.line("#[cfg(feature = \"schemars\")]");
    w.open(format!("impl ::schemars::JsonSchema for {name} {{"));
    w.open("fn schema_name() -> ::std::string::String {");
    w.line(format!("{}.to_string()", string_literal(name)));
    w.close("}");
    w.blank();
    w.open("fn json_schema(_: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {");
    w.open("::schemars::schema::SchemaObject {");
    w.line("instance_type: Some(::schemars::schema::InstanceType::String.into()),");
    let values: Vec<String> = e
        .values
        .iter()
        .map(|(value, _)| format!("::serde_json::Value::from({})", string_literal(value)))
        .collect();
    w.line(format!("enum_values: Some(vec![{}]),", values.join(", ")));
    w.line("..Default::default()");
    w.close("}");
    w.line(".into()");
    w.close("}");
    w.close("}");

    w.blank();
    w.open(format!("impl<'de> ::serde::Deserialize<'de> for {name} {{"));
    w.open("fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {");
    w.line("let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;");
    w.line("Ok(Self::from_wire(&value))");
    w.close("}");
    w.close("}");
    entry
}

fn patch_body(w: &mut RustWriter, body: &PatchBody) -> TypeEntry {
    let name = &body.name;
    let mut entry = TypeEntry::structure(name);
    let has_required = body.fields.iter().any(|f| f.kind == FieldKind::Required);
    let comparable = !body.fields.iter().any(|f| f.rust_type.contains("crate::types::"));
    let mut derives = vec!["Debug", "Clone"];
    if !has_required {
        derives.push("Default");
    }
    if comparable {
        derives.push("PartialEq");
    }
    derives.extend(["::serde::Serialize", "::serde::Deserialize"]);

    w.blank();
    w.doc(&[
        body.description.as_deref().unwrap_or_default(),
        "Fields of type [`Patch`](::finops_client_runtime::Patch) have three states: left out (the \
         server keeps its value), `null` (the server clears it), or a value. Each has a setter \
         and a `clear_` method; a field not touched is left out.",
    ]);
    w.line(format!("#[derive({})]", derives.join(", ")));
    w.line("#[cfg_attr(feature = \"schemars\", derive(::schemars::JsonSchema))]");
    w.open(format!("pub struct {name} {{"));
    let mut required_args = Vec::new();
    let mut inits = Vec::new();
    for field in &body.fields {
        let (ident, ty) = (&field.rust_name, &field.rust_type);
        w.doc(&[field.description.as_deref().unwrap_or_default()]);
        if field.rust_name != field.json_name {
            w.line(format!("#[serde(rename = {})]", string_literal(&field.json_name)));
        }
        let field_type = match field.kind {
            FieldKind::ThreeState => {
                w.line("#[serde(default, skip_serializing_if = \"::finops_client_runtime::Patch::is_absent\")]");
                inits.push(format!("{ident}: ::finops_client_runtime::Patch::Absent,"));
                format!("::finops_client_runtime::Patch<{ty}>")
            }
            FieldKind::Optional => {
                w.line("#[serde(default, skip_serializing_if = \"::std::option::Option::is_none\")]");
                inits.push(format!("{ident}: None,"));
                format!("::std::option::Option<{ty}>")
            }
            FieldKind::Required => {
                required_args.push(format!("{ident}: impl Into<{ty}>"));
                inits.push(format!("{ident}: {ident}.into(),"));
                ty.clone()
            }
        };
        w.line(format!("pub {ident}: {field_type},"));
        entry.item(format!("{ident}: {}", short_type(&field_type)));
    }
    w.close("}");

    w.blank();
    w.open(format!("impl {name} {{"));
    w.doc(&[if has_required {
        "A body with the required fields; the others are left out until set."
    } else {
        "A body that changes nothing until fields are set."
    }]);
    w.open(format!("pub fn new({}) -> Self {{", required_args.join(", ")));
    w.open("Self {");
    for init in &inits {
        w.line(init);
    }
    w.close("}");
    w.close("}");
    for field in &body.fields {
        let (ident, ty, json) = (&field.rust_name, &field.rust_type, &field.json_name);
        match field.kind {
            FieldKind::ThreeState => {
                w.blank();
                w.doc(&[&format!("Sets `{json}`.")]);
                w.open(format!("pub fn {ident}(mut self, value: impl Into<{ty}>) -> Self {{"));
                w.line(format!(
                    "self.{ident} = ::finops_client_runtime::Patch::Value(value.into());"
                ));
                w.line("self");
                w.close("}");
                w.blank();
                w.doc(&[&format!("Sends `{json}: null`, clearing the stored value.")]);
                w.open(format!(
                    "pub fn clear_{}(mut self) -> Self {{",
                    field.rust_name.trim_start_matches("r#").trim_end_matches('_')
                ));
                w.line(format!("self.{ident} = ::finops_client_runtime::Patch::Null;"));
                w.line("self");
                w.close("}");
            }
            FieldKind::Optional => {
                w.blank();
                w.doc(&[&format!("Sets `{json}`.")]);
                w.open(format!("pub fn {ident}(mut self, value: impl Into<{ty}>) -> Self {{"));
                w.line(format!("self.{ident} = Some(value.into());"));
                w.line("self");
                w.close("}");
            }
            FieldKind::Required => {}
        }
    }
    w.close("}");
    entry
}
