//! A consumer crate outside this workspace tests its own budget code with
//! `partner-center-client`'s typed mocks (feature `mock`): `tests/mock_consumer/lib.rs` is the
//! function under test, `tests/mock_consumer/budget_test.rs` its tests. They pass as written, and
//! fail once the function sends the wrong body (cents where the API takes dollars).
//!
//! The crate is built in a scratch workspace of its own (`Cargo.lock` copied from this checkout,
//! `--offline`, warnings denied), in this workspace's target directory and dev profile, as
//! `outside_workspace.rs` builds its consumers.

use client_tests::examples;
use std::path::{Path, PathBuf};
use std::process::Output;

const MANIFEST: &str = r#"[package]
name = "consumer-budgets"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
path = "lib.rs"

[[test]]
name = "budget_test"
path = "budget_test.rs"

[dependencies]
partner-center-client = { path = "CLIENT", features = ["mock"] }

[dev-dependencies]
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
"#;

/// Writes the consumer crate into a scratch folder, with `lib` as its library.
fn scratch_crate(name: &str, lib: &str) -> PathBuf {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let scratch = std::env::temp_dir().join(format!("finops-mock-consumer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let client = root.join("crates/partner-center-client").display().to_string();
    std::fs::write(scratch.join("Cargo.toml"), MANIFEST.replace("CLIENT", &client)).unwrap();
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mock_consumer");
    std::fs::write(scratch.join("lib.rs"), format!("{}{lib}", examples::DENY_WARNINGS)).unwrap();
    let test = std::fs::read_to_string(sources.join("budget_test.rs")).unwrap();
    std::fs::write(
        scratch.join("budget_test.rs"),
        format!("{}{test}", examples::DENY_WARNINGS),
    )
    .unwrap();
    scratch
}

/// `cargo test` in the scratch crate; its output, and the folder removed.
fn cargo_test(scratch: &Path) -> Output {
    let output = examples::cargo_outside_workspace(
        scratch,
        &["test", "--offline", "--message-format=short", "--", "--test-threads=1"],
    );
    let _ = std::fs::remove_dir_all(scratch);
    output
}

fn consumer_lib() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mock_consumer/lib.rs")).unwrap()
}

#[test]
fn the_consumers_tests_pass_and_catch_a_wrong_body() {
    let output = cargo_test(&scratch_crate("right", &consumer_lib()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the consumer's tests fail:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for test in [
        "sets_a_budget_in_dollars",
        "removes_a_budget_with_null",
        "reports_throttling_with_its_typed_body",
    ] {
        assert!(
            stdout.contains(&format!("test {test} ... ok")),
            "{test} did not pass:\n{stdout}"
        );
    }

    // The bug the mocks are there to catch: cents sent where the API takes dollars.
    let lib = consumer_lib();
    let wrong = lib.replace(".amount(dollars)", ".amount(dollars * 100.0)");
    assert_ne!(
        wrong, lib,
        "the consumer's library no longer has the line this test changes"
    );
    let output = cargo_test(&scratch_crate("wrong", &wrong));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "a wrong body went unnoticed:\n{stdout}");
    assert!(stdout.contains("test sets_a_budget_in_dollars ... FAILED"), "{stdout}");
    assert!(stdout.contains("test removes_a_budget_with_null ... ok"), "{stdout}");
    assert!(stdout.contains("test result: FAILED. 2 passed; 1 failed"), "{stdout}");
}
