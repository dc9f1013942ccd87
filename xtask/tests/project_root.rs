//! `cargo xtask` works on the checkout it runs in, found at run time, and refuses a mismatch.
//!
//! The binary under test is this checkout's, as a binary shared through `CARGO_TARGET_DIR` would
//! be: each case runs it from another checkout (a scratch workspace) and looks at where it wrote.

use std::fs;
use std::path::Path;
use std::process::Command;

/// A scratch checkout: a workspace manifest, `xtask/Cargo.toml`, and one API in `specs/`.
fn scratch_checkout() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    fs::write(root.path().join("Cargo.toml"), "[workspace]\nmembers = [\"xtask\"]\n").unwrap();
    fs::create_dir_all(root.path().join("xtask/src")).unwrap();
    fs::write(root.path().join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\n").unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../generator/codegen/tests/fixtures/minimal/openapi.yaml");
    fs::create_dir_all(root.path().join("specs/minimal")).unwrap();
    fs::copy(fixture, root.path().join("specs/minimal/openapi.yaml")).unwrap();
    root
}

fn xtask(current_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.current_dir(current_dir).env_remove("CARGO_MANIFEST_DIR");
    command
}

#[test]
fn codegen_writes_into_the_checkout_it_runs_in() {
    let other = scratch_checkout();
    let output = xtask(&other.path().join("specs")).arg("codegen").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(other.path().join("crates/minimal-client/Cargo.toml").is_file());
    let this_checkout = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    assert!(
        !this_checkout.join("crates/minimal-client").exists(),
        "wrote into the checkout it was built in"
    );
}

#[test]
fn a_binary_cargo_built_for_another_checkout_refuses_to_run() {
    let other = scratch_checkout();
    let output = xtask(other.path())
        .arg("codegen")
        .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: cargo ran this command for the checkout "),
        "{stderr}"
    );
    assert!(stderr.ends_with("nothing was written\n"), "{stderr}");
    assert!(!other.path().join("crates").exists());
}

#[test]
fn outside_any_checkout_the_command_says_where_to_run_it() {
    let nowhere = tempfile::tempdir().unwrap();
    let output = xtask(nowhere.path()).arg("codegen").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not inside a finops-clients checkout"), "{stderr}");
    assert!(fs::read_dir(nowhere.path()).unwrap().next().is_none(), "wrote nothing");
}
