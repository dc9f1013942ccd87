//! The parts of the API model that the extension readers build on (servers' environments, open
//! enums, PATCH bodies), so that each reader depends on them and the model's assembly depends on
//! the readers, never the other way round.

#[derive(Debug, Clone)]
pub struct EnvironmentModel {
    /// The `x-environment` name, e.g. `china`.
    pub name: String,
    /// The variant name, e.g. `China`.
    pub variant: String,
    pub url: String,
    pub description: String,
}

/// A component string enum, generated as an open enum.
#[derive(Debug, Clone)]
pub struct OpenEnum {
    pub name: String,
    pub description: Option<String>,
    /// (JSON value, variant name)
    pub values: Vec<(String, String)>,
}

/// A request body whose optional nullable properties get three states.
#[derive(Debug, Clone)]
pub struct PatchBody {
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<PatchField>,
}

#[derive(Debug, Clone)]
pub struct PatchField {
    pub json_name: String,
    pub rust_name: String,
    /// The field's type without `Option`/`Patch`: Rust source, checked to parse as a type. Text
    /// rather than tokens so the model can be shared with the thread that builds the client layer.
    pub rust_type: String,
    pub kind: FieldKind,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Required,
    Optional,
    /// Optional and nullable: absent, `null`, or a value.
    ThreeState,
}
