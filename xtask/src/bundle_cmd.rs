//! `cargo xtask bundle [--out DIR]`: each API's spec as one self-contained JSON document, for
//! independent validators (Redocly, Spectral) and for reviewers who want one file. Each bundle is
//! in the OpenAPI version its spec is written in: a 3.1 spec's bundle is 3.1, not the lowered form.

use crate::spec;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where bundles go unless `--out` says otherwise (inside `target/`, so they are never committed).
pub const DEFAULT_OUT: &str = "target/openapi";

/// Writes `<out>/<api>.json` for every API and returns the paths written. Fails, writing nothing,
/// when any spec fails to load.
pub fn run(root: &Path, out_dir: &Path, out: &mut impl Write) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let apis = spec::discover(&root.join("specs")).map_err(|d| d.to_string())?;
    let mut bundles = Vec::new();
    let mut problems = crate::diagnostic::Diagnostics::default();
    for api in &apis {
        match spec::load(api, root) {
            Ok(bundled) => bundles.push((api.name.clone(), bundled.as_written().to_json())),
            Err(errors) => problems.0.extend(errors.0),
        }
    }
    problems.into_result().map_err(|d| d.to_string())?;
    std::fs::create_dir_all(out_dir)?;
    let mut written = Vec::new();
    for (name, document) in bundles {
        let path = out_dir.join(format!("{name}.json"));
        let mut text = serde_json::to_string_pretty(&document)?;
        text.push('\n');
        std::fs::write(&path, text)?;
        writeln!(out, "{name:<16} → {}", path.display())?;
        written.push(path);
    }
    Ok(written)
}
