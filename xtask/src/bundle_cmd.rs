//! `cargo xtask bundle [--out DIR]`: each API's spec as one self-contained JSON document, for
//! independent validators (Redocly, Spectral) and for reviewers who want one file. Each bundle is
//! in the OpenAPI version its spec is written in: a 3.1 spec's bundle is 3.1, not the lowered form.

use crate::spec;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where bundles go unless `--out` says otherwise (inside `target/`, so they are never committed).
pub const DEFAULT_OUT: &str = "target/openapi";

/// Writes `<out>/<api>.json` for every API folder in `specs_dir` and returns the paths written.
/// Fails, writing nothing, when any spec fails to load. Paths in messages are relative to `root`.
pub fn run(
    root: &Path,
    specs_dir: &Path,
    out_dir: &Path,
    out: &mut impl Write,
) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let apis = spec::discover(specs_dir).map_err(|d| d.to_string())?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Each bundle keeps the version its spec is written in: the 3.1 fixture's bundle is 3.1, with
    /// its webhooks and `type` lists, while a 3.0 spec's bundle stays 3.0.
    #[test]
    fn each_spec_is_bundled_in_its_own_version() {
        let root = crate::spec::project_root().expect("the tests run inside the checkout");
        let fixtures = root.join("generator/codegen/tests/fixtures");
        let scratch = tempfile::tempdir().unwrap();
        let mut shown = Vec::new();
        let written = run(&root, &fixtures, scratch.path(), &mut shown).unwrap();
        assert!(written.len() >= 5, "{written:?}");
        let read = |name: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(scratch.path().join(format!("{name}.json"))).unwrap())
                .unwrap()
        };
        let v31 = read("openapi-3-1");
        assert_eq!(v31["openapi"], "3.1.0");
        assert_eq!(
            v31["jsonSchemaDialect"],
            "https://spec.openapis.org/oas/3.1/dialect/base"
        );
        assert!(v31["webhooks"]["budgetExceeded"]["post"].is_object());
        assert_eq!(
            v31["components"]["schemas"]["Budget"]["properties"]["threshold_percent"]["type"],
            serde_json::json!(["integer", "null"])
        );
        // The component another file defined is in the bundle, with the description beside its `$ref`.
        assert_eq!(
            v31["paths"]["/budgets/{budget_id}/alerts"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["items"],
            serde_json::json!({"$ref": "#/components/schemas/Alert", "description": "One alert."})
        );
        assert_eq!(read("minimal")["openapi"], "3.0.3");
        let shown = String::from_utf8(shown).unwrap();
        assert!(shown.contains("openapi-3-1      → "), "{shown}");
    }
}
