//! `x-bulk-example`: a bulk tool for an update operation, written as an example program of the
//! crate. The tool reads `key,value` rows from a CSV file and makes one call per row; the runs,
//! resumes and progress are the `finops-bulk` crate's, and this module writes the glue: the
//! client from the environment, the key parsed as the path parameter's type, the value set or
//! cleared in the PATCH body.
//!
//! ```yaml
//! x-bulk-example:
//!   name: bulk_update_budgets
//!   key: {column: customer_tenant_id, parameter: customer-tenant-id}
//!   value: {column: amount, field: amount}
//! ```

use super::base::{FieldKind, PatchBody};
use crate::diagnostic::{Diagnostic, escape_pointer_token as esc};
use crate::names::{component_name, resolve_parameter};
use crate::spec::BundledSpec;
use openapiv3::{
    Components, Parameter, ParameterSchemaOrContent, ReferenceOr, SchemaKind, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

/// One operation's bulk tool.
#[derive(Debug, Clone)]
pub struct BulkModel {
    /// The example's name, e.g. `bulk_update_budgets`.
    pub name: String,
    pub key_column: String,
    /// The path parameter is a `uuid`: keys must be GUIDs.
    pub key_is_uuid: bool,
    pub value_column: String,
    /// The PATCH body type, e.g. `SpendingBudgetUpdate`.
    pub body: String,
    /// The body's field: its setter, and `clear_<field>` clears it.
    pub field: String,
}

const FIELDS: &[&str] = &["name", "key", "value"];

/// The operation's declaration, checked against its path parameters and PATCH body.
pub fn read(
    spec: &BundledSpec,
    components: &Components,
    patch_bodies: &[PatchBody],
    operation: &openapiv3::Operation,
    operation_pointer: &str,
) -> Result<Option<BulkModel>, Diagnostic> {
    let Some(declaration) = operation.extensions.get("x-bulk-example") else {
        return Ok(None);
    };
    let at = format!("{operation_pointer}/x-bulk-example");
    let fail = |pointer: &str, message: String| spec.error_at(pointer, message);
    let usage = "write `name:`, `key: {column, parameter}` and `value: {column, field}`";
    let Some(fields) = declaration.as_object() else {
        return Err(fail(&at, "`x-bulk-example` is not a mapping".into()).help(usage));
    };
    if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(fail(
            &format!("{at}/{}", esc(unknown)),
            format!("`{unknown}` is not a field of `x-bulk-example`"),
        )
        .help(usage));
    }
    let text = |value: Option<&Value>, pointer: String, what: &str| -> Result<String, Diagnostic> {
        value
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map(str::to_string)
            .ok_or_else(|| fail(&pointer, format!("`x-bulk-example` needs {what}")).help(usage))
    };
    let name = text(
        fields.get("name"),
        format!("{at}/name"),
        "a `name` (letters, digits, `_`)",
    )?
    .replace('-', "_");
    let key = fields.get("key");
    let value = fields.get("value");
    let key_column = text(
        key.and_then(|k| k.get("column")),
        format!("{at}/key"),
        "the key's `column`",
    )?;
    let parameter = text(
        key.and_then(|k| k.get("parameter")),
        format!("{at}/key"),
        "the key's path `parameter`",
    )?;
    let value_column = text(
        value.and_then(|v| v.get("column")),
        format!("{at}/value"),
        "the value's `column`",
    )?;
    let field = text(
        value.and_then(|v| v.get("field")),
        format!("{at}/value"),
        "the value's body `field`",
    )?;

    let path_parameters: Vec<&Parameter> = operation
        .parameters
        .iter()
        .filter_map(|p| resolve_parameter(p, components))
        .filter(|p| matches!(p, Parameter::Path { .. }))
        .collect();
    let key_parameter = match path_parameters.as_slice() {
        [only] if only.parameter_data_ref().name == parameter => *only,
        _ => {
            return Err(fail(
                &format!("{at}/key/parameter"),
                format!("the bulk key `{parameter}` is not the operation's one path parameter"),
            )
            .help("a bulk tool updates one resource per row: an operation with one path parameter, named as the key"));
        }
    };
    let key_is_uuid = match &key_parameter.parameter_data_ref().format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => matches!(
            &schema.schema_kind,
            SchemaKind::Type(Type::String(s)) if matches!(&s.format, VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid")
        ),
        _ => false,
    };

    let body = operation
        .request_body
        .as_ref()
        .and_then(|body| match body {
            ReferenceOr::Item(body) => body.content.values().next()?.schema.as_ref(),
            ReferenceOr::Reference { .. } => None,
        })
        .and_then(|schema| match schema {
            ReferenceOr::Reference { reference } => patch_bodies.iter().find(|p| p.name == component_name(reference)),
            ReferenceOr::Item(_) => None,
        });
    let Some(body) = body else {
        return Err(fail(
            &at,
            "a bulk tool needs a PATCH operation whose body is a component schema".into(),
        )
        .help("declare `x-bulk-example` on the update (PATCH) operation"));
    };
    let Some(patch_field) = body.fields.iter().find(|f| f.json_name == field) else {
        let known: Vec<&str> = body.fields.iter().map(|f| f.json_name.as_str()).collect();
        return Err(fail(
            &format!("{at}/value/field"),
            format!("`{}` has no field `{field}`", body.name),
        )
        .help(format!("its fields are {}", known.join(", "))));
    };
    if patch_field.kind != FieldKind::ThreeState || patch_field.rust_type != "f64" {
        return Err(fail(
            &format!("{at}/value/field"),
            format!("`{}.{field}` is not an optional, nullable number", body.name),
        )
        .help("the value column sets a number, and `clear` sends `null` to clear it"));
    }
    Ok(Some(BulkModel {
        name,
        key_column,
        key_is_uuid,
        value_column,
        body: body.name.clone(),
        field: patch_field.rust_name.clone(),
    }))
}
