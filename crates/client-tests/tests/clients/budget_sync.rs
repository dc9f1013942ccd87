//! A consumer crate outside this workspace, `tests/budget_sync/`: a nightly budget sync over the
//! three clients (Partner Center with OAuth2, Respan, CloudHealth), tested with their typed mocks
//! only: a 429 then a success, a 404 for one customer, a token endpoint that refuses, and a
//! request id on every line of the report. Built in a scratch workspace of its own, as
//! `mock_consumer.rs` builds its crate.

use client_tests::examples;
use std::path::Path;

const MANIFEST: &str = r#"[package]
name = "budget-sync"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
path = "lib.rs"

[[test]]
name = "sync_test"
path = "sync_test.rs"

[dependencies]
partner-center-client = { path = "CRATES/partner-center-client", features = ["mock"] }
respan-client = { path = "CRATES/respan-client", features = ["mock"] }
cloudhealth-client = { path = "CRATES/cloudhealth-client", features = ["mock"] }

[dev-dependencies]
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
"#;

#[test]
fn the_budget_sync_passes_its_tests_against_the_typed_mocks() {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let scratch = std::env::temp_dir().join(format!("finops-budget-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let crates = root.join("crates").display().to_string();
    std::fs::write(scratch.join("Cargo.toml"), MANIFEST.replace("CRATES", &crates)).unwrap();
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/budget_sync");
    for file in ["lib.rs", "sync_test.rs"] {
        let text = std::fs::read_to_string(sources.join(file)).unwrap();
        std::fs::write(scratch.join(file), format!("{}{text}", examples::DENY_WARNINGS)).unwrap();
    }
    let output = examples::cargo_outside_workspace(
        &scratch,
        &["test", "--offline", "--message-format=short", "--", "--test-threads=2"],
    );
    let _ = std::fs::remove_dir_all(&scratch);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the budget sync's tests fail:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for test in [
        "partner_center_raises_below_target_retries_a_429_and_reports_a_404",
        "a_refused_token_fails_every_customer_and_sends_nothing_else",
        "respan_sets_period_budgets_and_quotes_the_servers_request_id",
        "cloudhealth_adds_only_the_missing_partner_customers",
    ] {
        assert!(
            stdout.contains(&format!("test {test} ... ok")),
            "{test} did not pass:\n{stdout}"
        );
    }
}
