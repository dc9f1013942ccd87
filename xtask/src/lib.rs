//! The finops-clients generator: OpenAPI specs in `specs/` → client crates in `crates/`.
//!
//! Stages, each a function of the previous stage's output (only `spec::load`'s file reading and
//! `emit` touch the disk):
//! `spec::discover` → `spec::bundle` → `spec::check` → `spec::normalize` → `generate` → `emit`.

pub mod bench;
pub mod bundle_cmd;
pub mod codegen;
pub mod diagnostic;
pub mod emit;
pub mod generate;
pub mod review;
pub mod spec;
