//! The finops-clients generator: checked OpenAPI specs (from [`finops_spec`]) → client crates in
//! `crates/`.
//!
//! Data flows one way through the stages, each a function of the previous one's output (only
//! loading and [`emit`] touch the disk): `spec::discover` → `spec::bundle` → `spec::check` →
//! [`generate`], which runs, for one API, [`model`] (the spec read into the API model, one module
//! per spec extension with its reader and checks) → [`progenitor`] (progenitor's request code and
//! its named syntax-tree edits) → [`render`] (one renderer per generated file) → [`emit`].
//! [`names`] holds what every stage shares and imports none of them. [`codegen::accept`] runs the
//! stages up to `generate` for one API: it is the gate `cargo xtask codegen` and `lint` share.

pub mod codegen;
pub mod emit;
pub mod generate;
pub mod model;
pub mod names;
pub mod progenitor;
pub mod render;

pub use finops_spec as spec;
pub use finops_spec::diagnostic;
