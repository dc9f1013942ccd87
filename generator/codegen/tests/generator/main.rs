//! The generator's integration tests, one binary with a module per subject, so the generator and
//! its dependencies are linked once. Their data stays beside this folder: `../broken/` (the
//! broken-spec corpus), `../fixtures/` (feature fixtures) and `../snapshots/`.

mod broken_specs;
mod fixtures_compile;
mod line_endings;
mod mutations;
mod openapi31;
mod snapshots;
mod support;
