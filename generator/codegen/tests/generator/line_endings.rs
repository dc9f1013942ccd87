//! A checkout whose generated files have CRLF line endings (git's `core.autocrlf`) is not stale.

use finops_codegen::codegen::{self, Outcome};
use std::fs;
use std::path::Path;

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn generated_files_with_crlf_line_endings_are_up_to_date() {
    let root = tempfile::tempdir().unwrap();
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal/openapi.yaml");
    fs::create_dir_all(root.path().join("specs/minimal")).unwrap();
    fs::copy(spec, root.path().join("specs/minimal/openapi.yaml")).unwrap();
    let mut out = Vec::new();
    assert_eq!(codegen::run(root.path(), false, &mut out).unwrap(), Outcome::Done);

    let generated = files_under(&root.path().join("crates/minimal-client"));
    assert!(generated.len() > 3, "{generated:?}");
    for path in &generated {
        let text = fs::read_to_string(path).unwrap();
        fs::write(path, text.replace('\n', "\r\n")).unwrap();
    }
    assert_eq!(codegen::run(root.path(), true, &mut out).unwrap(), Outcome::Done);

    // A real change is still seen.
    let readme = root.path().join("crates/minimal-client/README.md");
    let text = fs::read_to_string(&readme).unwrap();
    fs::write(&readme, text.replacen("minimal", "maximal", 1)).unwrap();
    assert_eq!(codegen::run(root.path(), true, &mut out).unwrap(), Outcome::Stale);
}
