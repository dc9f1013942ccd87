//! Every subcommand of the three generated command-line tools, run as a user runs them against
//! the API's typed mock server on 127.0.0.1. The mock asserts the request's parameters and exact
//! JSON body; each test also pins the exact method, path and query of every request, and the
//! exact stdout: the typed response as pretty JSON (or one line per item with `--all`). Answers
//! are the spec's documented examples, validated against the spec's schemas.
//!
//! Also: bad flags exit 2 naming the flag with nothing sent, an API error exits 1 with its status
//! and typed body on stderr, and `--help` of every command is pinned by a snapshot.

use client_tests::{assert_matches_schema, examples, success_example};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::OnceLock;

const CUSTOMER: &str = "4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab";
const SUBSCRIPTION: &str = "6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b";

/// The tools (and the `focus` command), built once per test binary.
pub(crate) fn tools() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        examples::build_tools(&[
            "partner-center-cli",
            "respan-cli",
            "cloudhealth-cli",
            "partner-billing-cli",
            "focus-cli",
        ])
    })
}

/// Runs tool `api` with `args` against `base_url` (none: the flags alone), with a token in the
/// environment and `stdin` as its input.
async fn run(api: &str, base_url: Option<&str>, args: &[&str], stdin: &str) -> Output {
    let prefix = format!("{}_", api.to_uppercase().replace('-', "_"));
    let mut command = examples::command(tools().join(api), &prefix);
    command.args(args).env(format!("{prefix}TOKEN"), "test-token");
    if let Some(base_url) = base_url {
        command.args(["--base-url", base_url]);
    }
    let stdin = stdin.to_string();
    tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// The documented success example of `operation`, checked against `component` and typed.
fn example<T: DeserializeOwned>(api: &str, operation: &str, component: &str) -> T {
    let value = success_example(api, operation).unwrap_or_else(|| panic!("{api} {operation} has no example"));
    assert_matches_schema(api, component, &value);
    serde_json::from_value(value).unwrap()
}

/// `value` as the tools print it.
/// What a tool prints for an answer whose body is `value` as JSON: the body as the server sent
/// it (a JSON object's keys in the order serde_json keeps them), pretty-printed.
fn pretty(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(&serde_json::to_value(value).unwrap()).unwrap() + "\n"
}

/// `T` from JSON.
fn typed<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

#[track_caller]
fn assert_prints(output: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    assert_eq!(stderr, "");
}

/// `METHOD /path?query` of each request, and the JSON bodies of those that had one.
fn targets(requests: &[wiremock::Request]) -> (Vec<String>, Vec<Value>) {
    let lines = requests
        .iter()
        .map(|r| {
            let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
            format!("{} {}{query}", r.method, r.url.path())
        })
        .collect();
    let bodies = requests
        .iter()
        .filter(|r| !r.body.is_empty())
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    (lines, bodies)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_center_every_subcommand() {
    use partner_center_client::mock::MockApi;
    use partner_center_client::types;
    use partner_center_client::uuid::Uuid;
    const API: &str = "partner-center";
    let api = MockApi::start().await;
    let uri = api.uri();
    let base = Some(uri.as_str());
    let customer: Uuid = CUSTOMER.parse().unwrap();
    let subscription: Uuid = SUBSCRIPTION.parse().unwrap();

    let customers: types::CustomerCollection = example(API, "list_customers", "CustomerCollection");
    api.list_customers().size(2).respond(&customers).times(1).mount().await;
    let output = run(API, base, &["list-customers", "--size", "2"], "").await;
    assert_prints(&output, &pretty(&customers));

    let records: types::CustomerMonthlyUsageRecordCollection = example(
        API,
        "list_customer_usage_records",
        "CustomerMonthlyUsageRecordCollection",
    );
    api.list_customer_usage_records()
        .respond(&records)
        .times(1)
        .mount()
        .await;
    let output = run(API, base, &["list-customer-usage-records"], "").await;
    assert_prints(&output, &pretty(&records));

    let overage: types::OverageCollection = example(API, "get_overage", "OverageCollection");
    api.get_overage()
        .customer_tenant_id(customer)
        .respond(&overage)
        .times(1)
        .mount()
        .await;
    let output = run(API, base, &["get-overage", "--customer-tenant-id", CUSTOMER], "").await;
    assert_prints(&output, &pretty(&overage));

    let updated: types::Overage = example(API, "update_overage", "Overage");
    let update: types::OverageUpdate = typed(json!({"azureEntitlementId": SUBSCRIPTION, "overageEnabled": true}));
    api.update_overage()
        .customer_tenant_id(customer)
        .body(&update)
        .respond(&updated)
        .times(1)
        .mount()
        .await;
    let flags = [
        "update-overage",
        "--customer-tenant-id",
        CUSTOMER,
        "--azure-entitlement-id",
        SUBSCRIPTION,
        "--overage-enabled",
        "true",
    ];
    assert_prints(&run(API, base, &flags, "").await, &pretty(&updated));

    let entitlements: types::AzureEntitlementCollection =
        example(API, "list_azure_entitlements", "AzureEntitlementCollection");
    api.list_azure_entitlements()
        .customer_tenant_id(customer)
        .subscription_id(subscription)
        .respond(&entitlements)
        .times(1)
        .mount()
        .await;
    let flags = [
        "list-azure-entitlements",
        "--customer-tenant-id",
        CUSTOMER,
        "--subscription-id",
        SUBSCRIPTION,
    ];
    assert_prints(&run(API, base, &flags, "").await, &pretty(&entitlements));

    let budget: types::SpendingBudget = example(API, "get_usage_budget", "SpendingBudget");
    api.get_usage_budget()
        .customer_tenant_id(customer)
        .x_locale("en-GB")
        .respond(&budget)
        .times(1)
        .mount()
        .await;
    let flags = [
        "get-usage-budget",
        "--customer-tenant-id",
        CUSTOMER,
        "--x-locale",
        "en-GB",
    ];
    assert_prints(&run(API, base, &flags, "").await, &pretty(&budget));

    // The body from flags, then from stdin.
    let set: types::SpendingBudget = example(API, "update_usage_budget", "SpendingBudget");
    api.update_usage_budget()
        .customer_tenant_id(customer)
        .body(&types::SpendingBudgetUpdate::new().amount(250.5))
        .respond(&set)
        .times(2)
        .mount()
        .await;
    let flags = [
        "update-usage-budget",
        "--customer-tenant-id",
        CUSTOMER,
        "--amount",
        "250.5",
    ];
    assert_prints(&run(API, base, &flags, "").await, &pretty(&set));
    let flags = ["update-usage-budget", "--customer-tenant-id", CUSTOMER, "--body", "-"];
    assert_prints(&run(API, base, &flags, r#"{"amount": 250.5}"#).await, &pretty(&set));
    api.update_usage_budget()
        .customer_tenant_id(customer)
        .body(&types::SpendingBudgetUpdate::new().clear_amount())
        .respond(&types::SpendingBudget::default())
        .times(1)
        .mount()
        .await;
    let flags = [
        "update-usage-budget",
        "--customer-tenant-id",
        CUSTOMER,
        "--clear-amount",
    ];
    assert_prints(&run(API, base, &flags, "").await, "{}\n");

    let summary: types::CustomerUsageSummary = example(API, "get_customer_usage_summary", "CustomerUsageSummary");
    api.get_customer_usage_summary()
        .customer_tenant_id(customer)
        .respond(&summary)
        .times(1)
        .mount()
        .await;
    let flags = ["get-customer-usage-summary", "--customer-tenant-id", CUSTOMER];
    assert_prints(&run(API, base, &flags, "").await, &pretty(&summary));

    let partner: types::PartnerUsageSummary = example(API, "get_partner_usage_summary", "PartnerUsageSummary");
    api.get_partner_usage_summary().respond(&partner).times(1).mount().await;
    assert_prints(
        &run(API, base, &["get-partner-usage-summary"], "").await,
        &pretty(&partner),
    );

    let (lines, bodies) = targets(&api.received_requests().await);
    let c = CUSTOMER;
    assert_eq!(
        lines,
        [
            "GET /v1/customers?size=2".to_string(),
            "GET /v1/customers/usagerecords".into(),
            format!("GET /v1/customers/{c}/subscriptions/overage"),
            format!("PUT /v1/customers/{c}/subscriptions/overage"),
            format!("GET /v1/customers/{c}/subscriptions/{SUBSCRIPTION}/azureEntitlements"),
            format!("GET /v1/customers/{c}/usagebudget"),
            format!("PATCH /v1/customers/{c}/usagebudget"),
            format!("PATCH /v1/customers/{c}/usagebudget"),
            format!("PATCH /v1/customers/{c}/usagebudget"),
            format!("GET /v1/customers/{c}/usagesummary"),
            "GET /v1/usagesummary".into(),
        ]
    );
    assert_eq!(
        bodies,
        [
            json!({"azureEntitlementId": SUBSCRIPTION, "overageEnabled": true}),
            json!({"amount": 250.5}),
            json!({"amount": 250.5}),
            json!({"amount": null}),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn respan_every_subcommand() {
    use respan_client::mock::MockApi;
    use respan_client::types;
    const API: &str = "respan";
    let api = MockApi::start().await;
    let uri = api.uri();
    let base = Some(uri.as_str());

    let transactions: types::CreditTransactionList = example(API, "list_credit_transactions", "CreditTransactionList");
    api.list_credit_transactions()
        .page(2)
        .page_size(25)
        .respond(&transactions)
        .times(1)
        .mount()
        .await;
    let flags = ["list-credit-transactions", "--page", "2", "--page-size", "25"];
    assert_prints(&run(API, base, &flags, "").await, &pretty(&transactions));

    let transaction: types::CreditTransaction = example(API, "get_credit_transaction", "CreditTransaction");
    api.get_credit_transaction()
        .id("ct_1a2b 3c")
        .respond(&transaction)
        .times(1)
        .mount()
        .await;
    let output = run(API, base, &["get-credit-transaction", "--id", "ct_1a2b 3c"], "").await;
    assert_prints(&output, &pretty(&transaction));

    let customers: types::CustomerList = example(API, "list_customers", "CustomerList");
    let filters: types::CustomerFilters = typed(json!({"filters": {"total_cost": {"operator": "gte", "value": [10]}}}));
    api.list_customers()
        .environment("test".parse().unwrap())
        .sort_by("-total_cost")
        .body(&filters)
        .respond(&customers)
        .times(1)
        .mount()
        .await;
    let flags = [
        "list-customers",
        "--environment",
        "test",
        "--sort-by",
        "-total_cost",
        "--body",
        "-",
    ];
    let body = r#"{"filters": {"total_cost": {"operator": "gte", "value": [10]}}}"#;
    assert_prints(&run(API, base, &flags, body).await, &pretty(&customers));

    let customer: types::Customer = example(API, "get_customer", "Customer");
    api.get_customer()
        .customer_identifier("user_123")
        .respond(&customer)
        .times(1)
        .mount()
        .await;
    let output = run(API, base, &["get-customer", "--customer-identifier", "user_123"], "").await;
    assert_prints(&output, &pretty(&customer));

    api.delete_customer()
        .customer_identifier("user_123")
        .respond()
        .times(1)
        .mount()
        .await;
    let output = run(API, base, &["delete-customer", "--customer-identifier", "user_123"], "").await;
    assert_prints(&output, "");

    let updated: types::Customer = example(API, "update_customer", "Customer");
    api.update_customer()
        .customer_identifier("user_123")
        .body(
            &types::CustomerUpdate::new()
                .period_budget(100.0)
                .clear_total_budget()
                .budget_duration(types::BudgetDuration::Weekly)
                .name("Ada"),
        )
        .respond(&updated)
        .times(1)
        .mount()
        .await;
    let flags = [
        "update-customer",
        "--customer-identifier",
        "user_123",
        "--period-budget",
        "100",
        "--clear-total-budget",
        "--budget-duration",
        "weekly",
        "--name",
        "Ada",
    ];
    assert_prints(&run(API, base, &flags, "").await, &pretty(&updated));

    let (lines, bodies) = targets(&api.received_requests().await);
    assert_eq!(
        lines,
        [
            "GET /api/credit-transactions/list/?page=2&page_size=25",
            "GET /api/credit-transactions/ct_1a2b%203c/",
            "POST /api/users/list/?environment=test&sort_by=-total_cost",
            "GET /api/users/user_123/",
            "DELETE /api/users/user_123/",
            "PATCH /api/users/user_123/",
        ]
    );
    assert_eq!(
        bodies,
        [
            json!({"filters": {"total_cost": {"operator": "gte", "value": [10]}}}),
            json!({"budget_duration": "weekly", "name": "Ada", "period_budget": 100.0, "total_budget": null}),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudhealth_every_subcommand() {
    use cloudhealth_client::mock::MockApi;
    use cloudhealth_client::types;
    const API: &str = "cloudhealth";
    let api = MockApi::start().await;
    let uri = api.uri();
    let base = Some(uri.as_str());

    let statements: types::CustomerStatementList = example(API, "list_customer_statements", "CustomerStatementList");
    api.list_customer_statements()
        .client_api_id(42)
        .status("Final".parse().unwrap())
        .billing_period("2026-10".parse().unwrap())
        .respond(&statements)
        .times(1)
        .mount()
        .await;
    let flags = [
        "list-customer-statements",
        "--client-api-id",
        "42",
        "--status",
        "Final",
        "--billing-period",
        "2026-10",
    ];
    assert_prints(&run(API, base, &flags, "").await, &pretty(&statements));

    // `--all`: one JSON line per customer; the example is one short page.
    let customers: types::CustomerList = example(API, "list_customers", "CustomerList");
    api.list_customers()
        .per_page(50)
        .respond(&customers)
        .times(1)
        .mount()
        .await;
    let output = run(API, base, &["list-customers", "--per-page", "50", "--all"], "").await;
    let lines: String = customers
        .customers
        .iter()
        .map(|c| serde_json::to_string(c).unwrap() + "\n")
        .collect();
    assert!(!customers.customers.is_empty(), "the example lists customers");
    assert_prints(&output, &lines);

    // The spec leaves the list's body untyped, and documents no example.
    let rules: types::BillingRuleList = typed(json!({"partner_billing_rules": [{"id": 7, "name": "Support fee"}]}));
    api.list_billing_rules().respond(&rules).times(1).mount().await;
    assert_prints(&run(API, base, &["list-billing-rules"], "").await, &pretty(&rules));

    let rule: types::BillingRule = example(API, "create_billing_rule", "BillingRule");
    let create: types::BillingRuleCreate = typed(json!({
        "name": "Support fee",
        "cloud": "aws",
        "billing_rule_type": "support",
        "rule_action": "flat_fee",
        "flat_fee_cost": 12.5,
        "type": "charge",
        "start_month": "2026-11"
    }));
    api.create_billing_rule()
        .body(&create)
        .respond(&rule)
        .times(1)
        .mount()
        .await;
    let flags = [
        "create-billing-rule",
        "--body",
        "-",
        "--flat-fee-cost",
        "12.5",
        "--type",
        "charge",
    ];
    let body = r#"{"name": "Support fee", "cloud": "aws", "billing_rule_type": "support", "rule_action": "flat_fee", "start_month": "2026-11", "flat_fee_cost": 1}"#;
    assert_prints(&run(API, base, &flags, body).await, &pretty(&rule));

    api.get_billing_rule()
        .partner_billing_rule_id(7)
        .respond(&rule)
        .times(1)
        .mount()
        .await;
    let output = run(API, base, &["get-billing-rule", "--partner-billing-rule-id", "7"], "").await;
    assert_prints(&output, &pretty(&rule));

    let update: types::BillingRuleUpdate = typed(json!({"name": "Support fee 2026"}));
    api.modify_billing_rule()
        .partner_billing_rule_id(7)
        .body(&update)
        .respond(&rule)
        .times(1)
        .mount()
        .await;
    let flags = [
        "modify-billing-rule",
        "--partner-billing-rule-id",
        "7",
        "--name",
        "Support fee 2026",
    ];
    assert_prints(&run(API, base, &flags, "").await, &pretty(&rule));

    api.delete_billing_rule()
        .partner_billing_rule_id(7)
        .respond()
        .times(1)
        .mount()
        .await;
    let output = run(
        API,
        base,
        &["delete-billing-rule", "--partner-billing-rule-id", "7"],
        "",
    )
    .await;
    assert_prints(&output, "");

    let partner_customers: types::CustomerList = example(API, "list_partner_customers", "CustomerList");
    api.list_partner_customers()
        .respond(&partner_customers)
        .times(1)
        .mount()
        .await;
    let output = run(API, base, &["list-partner-customers"], "").await;
    assert_prints(&output, &pretty(&partner_customers));

    let (lines, bodies) = targets(&api.received_requests().await);
    let lines: Vec<String> = lines
        .into_iter()
        .map(|l| l.replace("api_key=test-token", "KEY"))
        .collect();
    assert_eq!(
        lines,
        [
            "GET /v1/customer_statements?billing_period=2026-10&client_api_id=42&status=Final&KEY",
            // `--all` walks from the first page, which it names.
            "GET /v1/customers?page=1&per_page=50&KEY",
            "GET /v1/partner_billing_rules?KEY",
            "POST /v1/partner_billing_rules?KEY",
            "GET /v1/partner_billing_rules/7?KEY",
            "PUT /v1/partner_billing_rules/7?KEY",
            "DELETE /v1/partner_billing_rules/7?KEY",
            "GET /v2/customers?KEY",
        ]
    );
    assert_eq!(
        bodies,
        [
            serde_json::to_value(&create).unwrap(),
            json!({"name": "Support fee 2026"})
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_flags_exit_2_naming_the_flag_and_send_nothing() {
    let api = respan_client::mock::MockApi::start().await;
    let uri = api.uri();
    let cases: [(&str, &[&str], &str); 6] = [
        (
            "partner-center",
            &["get-usage-budget", "--customer-tenant-id", "not-a-guid"],
            "error: invalid value 'not-a-guid' for '--customer-tenant-id <CUSTOMER_TENANT_ID>'",
        ),
        (
            "partner-center",
            &[
                "update-usage-budget",
                "--customer-tenant-id",
                CUSTOMER,
                "--amount",
                "ten",
            ],
            "error: invalid value 'ten' for '--amount <AMOUNT>'",
        ),
        (
            "respan",
            &["list-customers", "--environment", "staging", "--body", "-"],
            "error: invalid value 'staging' for '--environment <ENVIRONMENT>'\n  [possible values: prod, test]",
        ),
        (
            "respan",
            &["list-credit-transactions", "--page-size", "0"],
            "error: invalid value '0' for '--page-size <PAGE_SIZE>'",
        ),
        (
            "cloudhealth",
            &["get-billing-rule"],
            "error: the following required arguments were not provided:\n  --partner-billing-rule-id <PARTNER_BILLING_RULE_ID>",
        ),
        (
            "respan",
            &[
                "update-customer",
                "--customer-identifier",
                "u",
                "--period-budget",
                "5",
                "--clear-period-budget",
            ],
            "error: the argument '--period-budget <PERIOD_BUDGET>' cannot be used with '--clear-period-budget'",
        ),
    ];
    for (tool, args, message) in cases {
        let output = run(tool, Some(&uri), args, "").await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{tool} {args:?}: {stderr}");
        assert!(stderr.starts_with(message), "{tool} {args:?}:\n{stderr}");
        assert_eq!(output.stdout, b"");
    }
    // Bodies the type refuses, found before sending.
    let output = run("respan", Some(&uri), &["list-customers", "--body", "-"], "[1, 2").await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with("error: --body: stdin is not JSON: "),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = run("cloudhealth", Some(&uri), &["create-billing-rule", "--name", "x"], "").await;
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: the request body: missing field `billing_rule_type` (give the body with --body <file>, --body -, or the body's flags)\n"
    );
    assert_eq!(output.status.code(), Some(2));
    let output = run(
        "partner-center",
        None,
        &["get-partner-usage-summary", "--server", "mars"],
        "",
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("[possible values: default, china]"));
    assert!(api.received_requests().await.is_empty(), "a request was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_json_cannot_carry_and_empty_updates_exit_2_and_send_nothing() {
    let api = respan_client::mock::MockApi::start().await;
    let uri = api.uri();
    let update = ["update-usage-budget", "--customer-tenant-id", CUSTOMER];
    for (value, shown) in [("NaN", "NaN"), ("inf", "inf"), ("1e400", "inf"), ("-infinity", "-inf")] {
        // `--flag=value`: clap reads `-infinity` after a space as a flag.
        let amount = format!("--amount={value}");
        let output = run(
            "partner-center",
            Some(&uri),
            &[&update[..], &[amount.as_str()]].concat(),
            "",
        )
        .await;
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!("error: --amount: the value is {shown}, which JSON and query strings cannot carry\n")
        );
        assert_eq!(output.status.code(), Some(2));
        let output = run(
            "respan",
            Some(&uri),
            &[
                "update-customer",
                "--customer-identifier",
                "u",
                &format!("--period-budget={value}"),
            ],
            "",
        )
        .await;
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!("error: --period-budget: the value is {shown}, which JSON and query strings cannot carry\n")
        );
        assert_eq!(output.status.code(), Some(2));
    }
    let output = run("partner-center", Some(&uri), &update, "").await;
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: nothing to update: the request body is empty (give --body <file>, --body -, or --amount)\n"
    );
    assert_eq!(output.status.code(), Some(2));
    let output = run(
        "partner-center",
        Some(&uri),
        &[&update[..], &["--body", "-"]].concat(),
        "{}",
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(api.received_requests().await.is_empty(), "a request was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_body_echoing_the_token_is_printed_without_it_and_an_empty_token_is_refused() {
    use client_tests::scripted::{Reply, ScriptedServer};
    let echo = ScriptedServer::handle(|request| {
        let authorization = request.header("authorization").unwrap_or_default().to_string();
        Reply::status(401).json(&json!({"detail": format!("Invalid token: {authorization}")}))
    })
    .await;
    let output = run(
        "respan",
        Some(&echo.uri()),
        &["get-customer", "--customer-identifier", "u"],
        "",
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "{\n  \"status\": 401,\n  \"body\": {\n    \"detail\": \"Invalid token: Bearer [redacted]\"\n  }\n}\n"
    );
    // An empty token is refused before anything is sent, even beside other credentials.
    for (tool, args) in [
        (
            "respan",
            &["get-customer", "--customer-identifier", "u", "--token", ""][..],
        ),
        (
            "partner-center",
            &["get-usage-budget", "--customer-tenant-id", CUSTOMER, "--token", ""][..],
        ),
    ] {
        let output = run(tool, Some(&echo.uri()), args, "").await;
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "error: cannot build the client: the bearer token is empty\n"
        );
        assert_eq!(output.status.code(), Some(2));
    }
    let prefix = "PARTNER_CENTER_";
    let mut command = examples::command(tools().join("partner-center"), prefix);
    command
        .args([
            "get-usage-budget",
            "--customer-tenant-id",
            CUSTOMER,
            "--base-url",
            &echo.uri(),
        ])
        .env("PARTNER_CENTER_TOKEN", "")
        .env("PARTNER_CENTER_TENANT_ID", "contoso.onmicrosoft.com")
        .env("PARTNER_CENTER_CLIENT_ID", "app")
        .env("PARTNER_CENTER_CLIENT_SECRET", "secret");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: cannot build the client: the bearer token is empty\n"
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(echo.requests(), 1, "only the first call reached the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_exits_1_with_its_status_and_typed_body_on_stderr() {
    use respan_client::errors::GetCustomerError;
    use respan_client::mock::MockApi;
    let api = MockApi::start().await;
    let uri = api.uri();
    let missing = GetCustomerError::NotFound(typed(json!({"detail": "Customer not found."})));
    api.get_customer()
        .customer_identifier("nobody")
        .fail(&missing)
        .times(1)
        .mount()
        .await;
    let output = run(
        "respan",
        Some(&uri),
        &["get-customer", "--customer-identifier", "nobody"],
        "",
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, b"");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "{\n  \"status\": 404,\n  \"body\": {\n    \"detail\": \"Customer not found.\"\n  }\n}\n"
    );

    // Nothing listening: exit 1 with the reason.
    let output = run(
        "respan",
        Some("http://127.0.0.1:9"),
        &["get-customer", "--customer-identifier", "x"],
        "",
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: "));
}

/// A cleared budget is an explicit `null` on the wire; the operator sees it, and a field the spec
/// does not declare, as the server sent them. A body that does not decode names the cause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tool_prints_what_the_server_sent_and_why_a_body_does_not_decode() {
    use respan_client::mock::MockApi;
    use respan_client::mock::wiremock::matchers::{method, path};
    use respan_client::mock::wiremock::{Mock, ResponseTemplate};
    let api = MockApi::start().await;
    let sent = json!({
        "customer_identifier": "acme",
        "period_budget": null,
        "total_budget": null,
        "region": "eu-west"
    });
    Mock::given(method("GET"))
        .and(path("/api/users/acme/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&sent))
        .mount(api.wiremock())
        .await;
    Mock::given(method("GET"))
        .and(path("/api/users/broken/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"period_budget": "lots"})))
        .mount(api.wiremock())
        .await;
    let uri = api.uri();
    let output = run(
        "respan",
        Some(&uri),
        &["get-customer", "--customer-identifier", "acme"],
        "",
    )
    .await;
    assert_prints(
        &output,
        "{\n  \"customer_identifier\": \"acme\",\n  \"period_budget\": null,\n  \"region\": \"eu-west\",\n  \"total_budget\": null\n}\n",
    );
    let output = run(
        "respan",
        Some(&uri),
        &["get-customer", "--customer-identifier", "broken"],
        "",
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: the server answered 200 OK with a body that does not match the spec: invalid type: string \"lots\", expected f64 at line 1 column 23\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_are_printed_for_a_shell() {
    let output = run("cloudhealth", None, &["completions", "bash"], "").await;
    assert_eq!(output.status.code(), Some(0));
    let script = String::from_utf8_lossy(&output.stdout);
    assert!(script.contains("_cloudhealth()"), "{script}");
    assert!(script.contains("--partner-billing-rule-id"), "{script}");
}

/// `--help` of the tool and of each subcommand, pinned per tool.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_is_pinned() {
    for tool in ["partner-center", "respan", "cloudhealth", "partner-billing"] {
        let top = run(tool, None, &["--help"], "").await;
        let mut text = String::from_utf8_lossy(&top.stdout).into_owned();
        let commands: Vec<String> = text
            .split("Commands:\n")
            .nth(1)
            .unwrap()
            .lines()
            .take_while(|line| line.starts_with("  "))
            .filter_map(|line| line.split_whitespace().next().map(str::to_string))
            .filter(|command| command != "help")
            .collect();
        for command in commands {
            let help = run(tool, None, &[&command, "--help"], "").await;
            assert_eq!(help.status.code(), Some(0));
            text.push_str(&format!("\n==> {tool} {command} --help <==\n"));
            text.push_str(&String::from_utf8_lossy(&help.stdout));
        }
        insta::assert_snapshot!(format!("cli_help__{tool}"), text);
    }
}
