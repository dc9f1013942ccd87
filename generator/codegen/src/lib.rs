//! The finops-clients generator: checked OpenAPI specs (from [`finops_spec`]) → client crates in
//! `crates/`.
//!
//! Stages, each a function of the previous stage's output (only loading and [`emit`] touch the
//! disk): `spec::discover` → `spec::bundle` → `spec::check` → `generate` (normalize, model,
//! progenitor, postprocess, the client layer, crate files) → `emit`. [`codegen::accept`] runs the
//! stages up to `generate` for one API: it is the gate `cargo xtask codegen` and `lint` share.

pub mod codegen;
pub mod emit;
pub mod generate;

pub use finops_spec as spec;
pub use finops_spec::diagnostic;
