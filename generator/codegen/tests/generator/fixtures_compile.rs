//! Every fixture's generated crate compiles, examples, typed mocks and command-line tool included,
//! with warnings denied.
//!
//! The fixtures' code is pinned by the snapshots, but a snapshot does not prove it builds. Each
//! fixture is generated into a scratch workspace that shares this one's dependencies (its
//! `Cargo.lock`, its profiles, and the runtime crate by path) and its target directory, so the
//! dependencies this workspace has built with the same features are not built again. Warnings
//! are denied through `RUSTC_WORKSPACE_WRAPPER`, which reaches the fixture crates only: a
//! `RUSTFLAGS` would change every dependency's fingerprint and rebuild them all.

use crate::support;

use finops_codegen::codegen::{self, Outcome};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The root manifest with the fixtures' crates as the only members and the runtime found in
/// this checkout.
fn scratch_manifest(root: &Path) -> String {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = r#"members = ["xtask", "generator/*", "crates/*"]"#;
    assert!(
        manifest.contains(members),
        "the root Cargo.toml no longer has the members this test rewrites"
    );
    let mut manifest = manifest.replace(members, r#"members = ["crates/*"]"#);
    // The hand-written crates generated ones depend on, found in this checkout.
    for krate in ["finops-client-runtime", "finops-cli", "finops-bulk"] {
        let path = format!(r#"path = "crates/{krate}""#);
        assert!(
            manifest.contains(&path),
            "the root Cargo.toml no longer has the path of {krate} this test rewrites"
        );
        let dir = root.join("crates").join(krate);
        manifest = manifest.replace(&path, &format!("path = {:?}", dir.display().to_string()));
    }
    manifest
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// A `RUSTC_WORKSPACE_WRAPPER` in `dir` that runs rustc with warnings denied.
fn deny_warnings_wrapper(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("deny-warnings");
    fs::write(&path, "#!/bin/sh\nexec \"$@\" -D warnings\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn every_fixture_crate_builds_without_warnings() {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let scratch = tempfile::tempdir().unwrap();
    let work = scratch.path();
    let mut names = Vec::new();
    for entry in fs::read_dir(&fixtures).unwrap().flatten() {
        names.push(entry.file_name().to_string_lossy().into_owned());
        support::copy_spec_folder(&entry.path(), &work.join("specs").join(entry.file_name()));
    }
    names.sort();
    assert!(names.len() >= 4, "fixtures went missing: {names:?}");
    fs::write(work.join("Cargo.toml"), scratch_manifest(&root)).unwrap();
    fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).unwrap();
    let mut out = Vec::new();
    assert_eq!(codegen::run(work, false, &mut out).unwrap(), Outcome::Done);

    // Each client's typed mocks too.
    let mocks: Vec<String> = names.iter().map(|name| format!("{name}-client/mock")).collect();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(work)
        .args([
            "build",
            "--offline",
            "--workspace",
            "--all-targets",
            "--message-format=short",
            "--features",
            &mocks.join(","),
        ])
        .env("CARGO_TARGET_DIR", target_dir(&root))
        .env("RUSTC_WORKSPACE_WRAPPER", deny_warnings_wrapper(scratch.path()))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the fixtures' crates do not build:\n{stderr}");
}
