//! Rendering: one renderer per generated file, each named after the file it writes (`client_rs`
//! writes `src/client.rs`), reading the [`crate::model`] and what the [`crate::progenitor`] stage
//! found in progenitor's code. Renderers may share this folder's helpers ([`rust_writer`], the
//! type entries of [`surface`]); nothing outside rendering imports them but the pipeline.

pub mod bodies_rs;
pub mod bulk_example_rs;
pub mod client_rs;
pub mod crate_files;
pub mod deps;
pub mod errors_rs;
pub mod mock_rs;
pub mod models_rs;
pub mod operations_rs;
pub mod pages_rs;
pub mod rust_writer;
pub mod send_rs;
pub mod surface;
pub mod tool_crate;
