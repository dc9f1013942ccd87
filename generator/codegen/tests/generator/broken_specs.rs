//! Broken specs give one clear message each and leave `crates/` exactly as it was.
//!
//! Each folder under `tests/broken/` is one API folder plus `expected.txt`, the exact message.
//! The case is copied to `specs/broken/` of a scratch repository whose `crates/` holds a generated
//! crate that a successful run would delete; after the failed run it must still be there, unchanged.
//!
//! `cargo xtask lint` rejects each case with the same message (its test reads these cases).
//!
//! To add a case, add a folder and run `UPDATE_EXPECT=1 cargo test -p finops-codegen --test generator broken_specs::`,
//! then read the `expected.txt` it wrote.

use crate::support;

use finops_codegen::codegen;
use finops_codegen::emit::GENERATED_MARKER;
use std::fs;
use std::path::Path;

#[test]
fn every_broken_spec_gives_its_expected_message_and_writes_nothing() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let mut names: Vec<_> = fs::read_dir(&cases).unwrap().flatten().map(|e| e.file_name()).collect();
    names.sort();
    assert!(names.len() >= 28, "cases went missing");
    // The README states how many cases there are.
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let claim = format!("one folder per broken spec ({} of them)", names.len());
    let folded = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(folded.contains(&claim), "README.md does not state: {claim}");
    let mut failures = Vec::new();
    for name in names {
        let case = cases.join(&name);
        let root = tempfile::tempdir().unwrap();
        support::copy_spec_folder(&case, &root.path().join("specs/broken"));
        let kept = root.path().join("crates/old-client/Cargo.toml");
        fs::create_dir_all(kept.parent().unwrap()).unwrap();
        let kept_text = format!("{GENERATED_MARKER} from specs/old/.\n[package]\nname = \"old-client\"\n");
        fs::write(&kept, &kept_text).unwrap();

        let mut out = Vec::new();
        let message = match codegen::run(root.path(), false, &mut out) {
            Ok(_) => "(no error)".to_string(),
            Err(e) => e.to_string(),
        };
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            fs::write(case.join("expected.txt"), format!("{}\n", message.trim_end())).unwrap();
        }
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap_or_default();
        if message.trim_end() != expected.trim_end() {
            failures.push(format!(
                "{}:\n--- expected\n{}\n--- got\n{message}",
                name.to_string_lossy(),
                expected.trim_end()
            ));
        }
        assert_eq!(
            fs::read_to_string(&kept).ok().as_deref(),
            Some(kept_text.as_str()),
            "{name:?} touched crates/"
        );
        let crates: Vec<_> = fs::read_dir(root.path().join("crates"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(crates.len(), 1, "{name:?} wrote into crates/: {crates:?}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_empty_specs_folder_is_an_error_and_deletes_nothing() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("specs")).unwrap();
    let kept = root.path().join("crates/old-client/Cargo.toml");
    fs::create_dir_all(kept.parent().unwrap()).unwrap();
    let kept_text = format!("{GENERATED_MARKER} from specs/old/.\n[package]\nname = \"old-client\"\n");
    fs::write(&kept, &kept_text).unwrap();

    let error = codegen::run(root.path(), false, &mut Vec::new()).expect_err("no API to generate");
    let message = error.to_string().replace(&root.path().display().to_string(), "<root>");
    assert_eq!(
        message.trim_end(),
        "error: <root>/specs holds no API folder\n  help: add a folder such as <root>/specs/my-api/ holding its openapi.yaml"
    );
    assert_eq!(fs::read_to_string(&kept).unwrap(), kept_text);
}

#[test]
fn an_api_folder_without_a_root_document_is_an_error() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("specs/half-done/operations")).unwrap();
    let error = codegen::run(root.path(), false, &mut Vec::new()).expect_err("no openapi.yaml");
    let message = error.to_string().replace(&root.path().display().to_string(), "<root>");
    assert_eq!(
        message.trim_end(),
        "error: <root>/specs/half-done has no openapi.yaml\n  help: every API folder needs a root document named openapi.yaml"
    );
}
