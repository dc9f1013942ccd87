//! A stranger's program, built outside this workspace against one client crate and nothing else
//! of ours (no `uuid`, `chrono` or `serde_json` of its own: the crate re-exports what its API
//! names), calls every operation of that crate against a server on 127.0.0.1 that answers each
//! operation with the spec's documented success example.
//!
//! The programs are `tests/consumers/<api>.rs`. Each is built in a scratch workspace of its own
//! (`Cargo.lock` copied from this checkout, `--offline`, warnings denied) in this workspace's
//! target directory and dev profile, so the dependencies already built are not built again.

use client_tests::{bundled_spec, examples, resolve_ref};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

/// One documented operation: method, path template as a pattern, and its success answer.
struct Documented {
    operation: String,
    method: String,
    segments: Vec<Option<String>>,
    status: u16,
    body: Option<Value>,
}

/// Answers every request with the success example of the operation it matches; 404 otherwise.
struct SpecExamples(Vec<Documented>);

impl SpecExamples {
    fn of(api: &str) -> Self {
        let spec = bundled_spec(api);
        let resolve = |node: &Value| resolve_ref(&spec, node);
        let mut documented = Vec::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let responses = operation["responses"].as_object().unwrap();
                let (status, response) = responses
                    .iter()
                    .find(|(status, _)| status.starts_with('2'))
                    .unwrap_or_else(|| panic!("{api} {id} documents no success"));
                let response = resolve(response);
                let body = response.pointer("/content/application~1json").map(|media| {
                    media
                        .get("example")
                        .cloned()
                        .or_else(|| {
                            let first = media.get("examples")?.as_object()?.values().next()?;
                            resolve(first).get("value").cloned()
                        })
                        // An untyped body with no example: any JSON decodes.
                        .unwrap_or_else(|| serde_json::json!({}))
                });
                documented.push(Documented {
                    operation: id.to_string(),
                    method: method.to_uppercase(),
                    segments: path
                        .split('/')
                        .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                        .collect(),
                    status: status.parse().unwrap(),
                    body,
                });
            }
        }
        // Literal segments win over parameters (`/v1/customers/usagerecords`).
        documented.sort_by_key(|d| d.segments.iter().filter(|s| s.is_none()).count());
        SpecExamples(documented)
    }

    fn find(&self, request: &Request) -> Option<&Documented> {
        let segments: Vec<&str> = request.url.path().split('/').collect();
        self.0.iter().find(|d| {
            d.method == request.method.as_str()
                && d.segments.len() == segments.len()
                && d.segments.iter().zip(&segments).all(|(want, got)| match want {
                    Some(literal) => literal == got,
                    None => !got.is_empty(),
                })
        })
    }
}

impl Respond for SpecExamples {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self.find(request) {
            Some(Documented {
                status,
                body: Some(body),
                ..
            }) => ResponseTemplate::new(*status).set_body_json(body),
            Some(Documented { status, body: None, .. }) => ResponseTemplate::new(*status),
            None => ResponseTemplate::new(404),
        }
    }
}

fn consumer_manifest(api: &str, root: &Path) -> String {
    format!(
        r#"[package]
name = "consumer-{api}"
version = "0.1.0"
edition = "2024"
publish = false

[[bin]]
name = "consumer-{api}"
path = "main.rs"

[dependencies]
{api}-client = {{ path = {client:?} }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
"#,
        client = root.join(format!("crates/{api}-client")).display().to_string(),
    )
}

/// Builds `tests/consumers/<api>.rs` as a crate of a scratch workspace; returns the binary.
fn build_consumer(api: &str) -> PathBuf {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let scratch = std::env::temp_dir().join(format!("finops-consumer-{api}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::write(
        scratch.join("Cargo.toml"),
        consumer_manifest(api, &root) + "\n[workspace]\n",
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/consumers/{}.rs", api.replace('-', "_")));
    let source = std::fs::read_to_string(&program).unwrap();
    std::fs::write(scratch.join("main.rs"), format!("{}{source}", examples::DENY_WARNINGS)).unwrap();
    let output = examples::cargo_outside_workspace(&scratch, &["build", "--offline", "--message-format=short"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the {api} consumer does not build:\n{stderr}");
    let _ = std::fs::remove_dir_all(&scratch);
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    target.join("debug").join(format!("consumer-{api}"))
}

/// Runs the consumer of `api` against the spec's examples; returns its output and the
/// operations the server saw, in order.
async fn run_consumer(api: &str) -> (String, Vec<String>) {
    let binary = build_consumer(api);
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(SpecExamples::of(api))
        .mount(&server)
        .await;
    let base_url = server.uri();
    let output = tokio::task::spawn_blocking(move || Command::new(&binary).env("BASE_URL", base_url).output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the {api} consumer failed:\n{stdout}\n{stderr}"
    );
    let examples = SpecExamples::of(api);
    let seen = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            examples.find(r).map_or_else(
                || format!("unknown {} {}", r.method, r.url.path()),
                |d| d.operation.clone(),
            )
        })
        .collect();
    (stdout, seen)
}

/// Runs the consumer of `api`: its output must be `expected`, line for line, and the server must
/// have seen every operation of the spec.
async fn assert_consumer(api: &str, expected: &[&str]) {
    let (stdout, mut seen) = run_consumer(api).await;
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        expected,
        "the {api} consumer's output"
    );
    seen.sort();
    seen.dedup();
    let mut all: Vec<String> = SpecExamples::of(api).0.into_iter().map(|d| d.operation).collect();
    all.sort();
    assert_eq!(seen, all, "the {api} consumer did not call every operation");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_program_outside_the_workspace_calls_every_respan_operation() {
    assert_consumer(
        "respan",
        &[
            "list_customers: 51 in all, first Some(\"user_123\")",
            "get_customer: Some(\"John Doe\")",
            "update_customer: period budget Some(200.0)",
            "delete_customer: 200 OK",
            "list_credit_transactions: Some(1) in all",
            "get_credit_transaction: Some(150.75) USD, created in Some(2024)",
            "refused: page_size must be a positive integer: 0 is not allowed (the least value is 1)",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_program_outside_the_workspace_calls_every_partner_center_operation() {
    assert_consumer(
        "partner-center",
        &[
            "list_customers: 2 on the first page",
            "get_usage_budget: Some(100.0)",
            "update_usage_budget: Some(100.0)",
            "get_customer_usage_summary: Some(28.82860766744405) Some(\"GBP\")",
            "get_partner_usage_summary: Some(1) over budget",
            "list_customer_usage_records: 2 records",
            "get_overage: 1 items",
            "update_overage: enabled Some(true)",
            "list_azure_entitlements: 1 entitlements, MS-RequestId sent: true",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_program_outside_the_workspace_calls_every_cloudhealth_operation() {
    assert_consumer(
        "cloudhealth",
        &[
            "list_customers: 1 customers",
            "list_partner_customers: 1 customers",
            "list_customer_statements: 1 statements",
            "list_billing_rules: BillingRuleList(Object {})",
            "create_billing_rule: Some(\"Customer markup\")",
            "get_billing_rule: Some(\"Customer markup 23\") on Some(Azure)",
            "modify_billing_rule: Some(\"Customer markup 23\")",
            "delete_billing_rule: 200 OK",
        ],
    )
    .await;
}
