//! FOCUS output end to end: the `focus` command as a process against each API's server on
//! 127.0.0.1, its CSV and Parquet files checked by the FinOps Foundation's own validator
//! (`focus-validator`, installed on first use into the target directory) and queried with DuckDB;
//! and the operator's mistakes and a hostile server's answers, each refused with nothing left
//! behind.

use crate::cli::tools;
use crate::partner_billing::Graph;
use client_tests::examples;
use client_tests::scripted::{Reply, ScriptedServer};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The validator release and the pyarrow it runs with (its newer pyarrow wants NumPy 2, which
/// the validator's own pins refuse).
const VALIDATOR: &[&str] = &["focus-validator==2.2.1", "pyarrow==22.0.0"];

/// The criteria of what the sources support: with them the validator also checks the sub-account,
/// region, tag and pricing-category columns.
const CRITERIA: &str = "SUB_ACCOUNT_SUPPORTED,REGION_SUPPORTED,TAGGING_SUPPORTED,MULTIPLE_PRICING_CATEGORIES_SUPPORTED";

/// The validator's virtual environment, made on first use under the target directory.
fn validator() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = finops_spec::project_root().expect("the tests run inside the checkout");
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
        let dir = target.join("focus-validator");
        let marker = dir.join("installed.txt");
        if std::fs::read_to_string(&marker).ok().as_deref() == Some(&VALIDATOR.join("\n")) {
            return dir;
        }
        let _ = std::fs::remove_dir_all(&dir);
        let python = python_3_12();
        run_ok(Command::new(&python).args(["-m", "venv"]).arg(&dir), "python -m venv");
        run_ok(
            Command::new(dir.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check", "--no-compile"])
                .args(VALIDATOR),
            "pip install focus-validator",
        );
        std::fs::write(&marker, VALIDATOR.join("\n")).unwrap();
        dir
    })
}

/// A Python 3.12 (the validator needs 3.12 or newer; its NumPy pin has no wheels for 3.13):
/// `FOCUS_VALIDATOR_PYTHON`, else `python3.12`, else pyenv's.
fn python_3_12() -> PathBuf {
    if let Some(python) = std::env::var_os("FOCUS_VALIDATOR_PYTHON") {
        return python.into();
    }
    let works = |python: &Path| {
        Command::new(python)
            .arg("--version")
            .output()
            .is_ok_and(|out| out.status.success() && String::from_utf8_lossy(&out.stdout).starts_with("Python 3.12"))
    };
    if works(Path::new("python3.12")) {
        return "python3.12".into();
    }
    let pyenv_root = Command::new("pyenv")
        .arg("root")
        .output()
        .ok()
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        .filter(|root| root.is_dir())
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".pyenv")));
    let mut versions: Vec<PathBuf> = pyenv_root
        .and_then(|root| std::fs::read_dir(root.join("versions")).ok())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("3.12"))
        .map(|entry| entry.path().join("bin/python3"))
        .filter(|python| works(python))
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("the FOCUS validator needs Python 3.12: install it, or set FOCUS_VALIDATOR_PYTHON to one")
}

fn run_ok(command: &mut Command, what: &str) {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What the validator reported on one file.
#[derive(Debug)]
struct Validation {
    passed: usize,
    failed: Vec<String>,
}

/// Runs the validator on `file` (CSV or Parquet, by its extension), offline, against the FOCUS
/// 1.2 rules it bundles.
fn validate(file: &Path) -> Validation {
    let venv = validator();
    // It reads its currency list from `focus_validator/rules/` under the working directory.
    let cwd = tempfile::tempdir().unwrap();
    let rules = cwd.path().join("focus_validator/rules");
    std::fs::create_dir_all(&rules).unwrap();
    let lib = std::fs::read_dir(venv.join("lib"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    std::fs::copy(
        lib.join("site-packages/focus_validator/rules/currency_codes.csv"),
        rules.join("currency_codes.csv"),
    )
    .unwrap();
    let output = Command::new(venv.join("bin/focus-validator"))
        .current_dir(cwd.path())
        .arg("--data-file")
        .arg(file)
        .args([
            "--validate-version",
            "1.2.0.1",
            "--block-download",
            "--applicability-criteria",
            CRITERIA,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let totals = stdout
        .lines()
        .find(|line| line.starts_with("Total: "))
        .unwrap_or_else(|| {
            panic!(
                "the validator reported no totals:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let number = |label: &str| -> usize {
        totals
            .split(" | ")
            .find_map(|part| part.trim().strip_prefix(label))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let failed: Vec<String> = stdout
        .lines()
        .skip_while(|line| !line.starts_with("--- Failures ---"))
        .filter_map(|line| line.strip_prefix("- ").and_then(|rest| rest.split(':').next()))
        .map(str::to_string)
        .collect();
    assert_eq!(failed.len(), number("Fail:"), "{stdout}");
    Validation {
        passed: number("Pass:"),
        failed,
    }
}

/// The validator's verdict on a file whose every row has an invoice (`billed`) or none: every
/// rule passes but one. `InvoiceId` must be null for charges without an invoice and not null for
/// charges with one; the validator cannot tell which a row is, so it checks both and reports the
/// one that does not hold as failed, while the rule that joins them (`InvoiceId-C-003-C`, either
/// of the two) passes.
fn assert_valid(file: &Path, billed: bool) {
    let validation = validate(file);
    let expected = if billed {
        "InvoiceId-C-004-C"
    } else {
        "InvoiceId-C-005-C"
    };
    assert_eq!(validation.failed, [expected], "{} : {validation:?}", file.display());
    assert!(validation.passed >= 140, "{validation:?}");
}

/// Runs `focus` with `args` and `env`.
async fn focus(args: Vec<String>, env: &[(&str, &str)]) -> Output {
    let mut command = examples::command(tools().join("focus"), "PARTNER_BILLING_");
    for prefix in ["RESPAN_", "CLOUDHEALTH_"] {
        for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with(prefix)) {
            command.env_remove(name);
        }
    }
    command.args(args).envs(env.iter().copied()).stdin(Stdio::null());
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn args(list: &[&str], out: &Path) -> Vec<String> {
    list.iter()
        .map(|s| s.to_string())
        .chain(["--out".into(), out.display().to_string()])
        .collect()
}

fn stdout_json(output: &Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The rows of a DuckDB query (in UTC), one line each with `|` between the values, through the
/// validator's environment (which carries DuckDB).
fn duckdb(query: &str) -> String {
    let script = "import duckdb, sys\nduckdb.sql(\"SET TimeZone = 'UTC'\")\nfor row in duckdb.sql(sys.argv[1]).fetchall(): print('|'.join(map(str, row)))";
    let output = Command::new(validator().join("bin/python"))
        .args(["-c", script, query])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn usage_line(customer: &str, date: &str, cost: f64, currency: &str) -> Value {
    json!({
        "PartnerId": "3b33e682-00c3-41ee-9dd2-a548adf56438", "PartnerName": "Contoso Partner",
        "CustomerId": customer, "CustomerName": format!("Customer {customer}"),
        "InvoiceNumber": "G016907411", "ChargeType": "new",
        "ChargeStartDate": "2026-11-01T00:00:00Z", "ChargeEndDate": "2026-11-30T23:59:59Z", "UsageDate": date,
        "BillingCurrency": currency, "PricingCurrency": "USD", "PCToBCExchangeRate": if currency == "USD" { 1.0 } else { 0.9234 },
        "BillingPreTaxTotal": cost, "UnitPrice": 0.14, "Quantity": 12.0, "UnitType": "1 Hour",
        "MeterCategory": "Virtual Machines", "MeterName": "D2 v3", "MeterId": "8f1e3a63-d9f8-4c1a-a8e7-4c1b2a0c9d11",
        "MeterRegion": "US East", "ResourceLocation": "eastus", "ProductName": "Azure plan",
        "SubscriptionId": "6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b", "SubscriptionDescription": "Production",
        "Tags": "{\"env\":\"prod\"}", "FieldTheSpecDoesNotList": 1
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_billed_usage_export_becomes_a_parquet_file_the_focus_validator_passes() {
    let graph = Graph::serving(
        vec![
            (
                "part-00001.c000.json.gz",
                vec![
                    usage_line("c1", "2026-11-03T00:00:00Z", 1.68, "USD"),
                    usage_line("c1", "2026-11-04T00:00:00Z", 0.0, "USD"),
                ],
            ),
            (
                "part-00002.c000.json.gz",
                vec![
                    usage_line("c2", "2026-11-05T00:00:00-08:00", -0.5, "USD"),
                    usage_line("c3", "2026-11-06T00:00:00Z", 1.55, "EUR"),
                ],
            ),
        ],
        |state| state.running_answers = 0,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("costs.parquet");
    let output = focus(
        args(
            &[
                "export",
                "partner-billing",
                "--invoice-id",
                "G016907411",
                "--base-url",
                &graph.base(),
            ],
            &out,
        ),
        &[("PARTNER_BILLING_TOKEN", "graph-access-token")],
    )
    .await;
    assert_eq!(
        stdout_json(&output),
        json!({"out": out.display().to_string(), "format": "parquet", "items": 4, "rows": 4,
               "billed_cost": {"EUR": "1.55", "USD": "1.18"}})
    );
    assert_valid(&out, true);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the output file, no partial file"
    );
    // The README's query: the cost per customer and currency, straight from the Parquet file.
    let table = duckdb(&format!(
        "SELECT x_CustomerId, BillingCurrency, sum(BilledCost) AS billed, min(ChargePeriodStart) AS first_day \
         FROM '{}' GROUP BY ALL ORDER BY ALL",
        out.display()
    ));
    assert_eq!(
        table,
        "c1|USD|1.680000000000000000|2026-11-03 00:00:00+00:00\n\
         c2|USD|-0.500000000000000000|2026-11-05 08:00:00+00:00\n\
         c3|EUR|1.550000000000000000|2026-11-06 00:00:00+00:00\n"
    );
}

fn transaction(id: &str, kind: &str, amount: f64, at: &str) -> Value {
    json!({"id": id, "organization_subscription": 2345, "unique_organization_id": "d290f1ee-6c54-4b01-90e6-d701748f0851",
           "amount": amount, "transaction_type": kind, "created_at": at, "expires_at": null,
           "description": format!("{kind} {id}"), "stripe_payment_intent_id": "", "metadata": {}})
}

/// A Respan server whose credit transactions are `pages`, linked by `next`.
async fn respan(pages: Vec<Vec<Value>>) -> ScriptedServer {
    let pages = std::sync::Arc::new(pages);
    let base = std::sync::Arc::new(OnceLock::<String>::new());
    let server = {
        let base = std::sync::Arc::clone(&base);
        ScriptedServer::handle(move |request| {
            let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
            if path != "/api/credit-transactions/list/" || request.header("authorization") != Some("Bearer respan-key") {
                return Reply::status(404);
            }
            let page: usize = query
                .split('&')
                .find_map(|pair| pair.strip_prefix("page="))
                .map_or(1, |page| page.parse().unwrap());
            let Some(results) = pages.get(page - 1) else { return Reply::status(404) };
            let next = (page < pages.len())
                .then(|| format!("{}/api/credit-transactions/list/?page={}&page_size=100", base.get().unwrap(), page + 1));
            Reply::status(200).json(&json!({"count": pages.iter().map(Vec::len).sum::<usize>(), "next": next, "previous": null, "results": results}))
        })
        .await
    };
    base.set(server.uri()).unwrap();
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn respan_credit_transactions_of_a_period_become_a_csv_file_the_focus_validator_passes() {
    let server = respan(vec![
        vec![
            transaction("ct_1", "purchase", 150.0, "2026-11-02T09:30:00Z"),
            transaction("ct_0", "purchase", 99.0, "2026-10-31T23:59:59Z"),
            transaction("ct_2", "grant", 25.5, "2026-11-16T02:00:00+05:00"),
        ],
        vec![
            transaction("ct_3", "refund", -150.0, "2026-11-20T10:00:00Z"),
            transaction("ct_4", "adjustment", -10.25, "2026-12-01T00:00:00Z"),
        ],
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("respan.csv");
    let output = focus(
        args(
            &[
                "export",
                "respan",
                "--from",
                "2026-11-01",
                "--to",
                "2026-12-01",
                "--base-url",
                &server.uri(),
            ],
            &out,
        ),
        &[("RESPAN_TOKEN", "respan-key")],
    )
    .await;
    assert_eq!(
        stdout_json(&output),
        json!({"out": out.display().to_string(), "format": "csv", "items": 3, "rows": 3, "billed_cost": {"USD": "-25.5"}})
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let descriptions: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(8).unwrap())
        .collect();
    assert_eq!(descriptions, ["purchase ct_1", "grant ct_2", "refund ct_3"]);
    assert_valid(&out, false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudhealth_statements_become_a_parquet_file_the_focus_validator_passes_and_csv() {
    let server = ScriptedServer::handle(|request| {
        let query = request.target.split_once('?').map_or("", |(_, query)| query);
        if !request.target.starts_with("/v1/customer_statements?")
            || !query.contains("billing_period=2026-11")
            || !query.contains("status=Final")
        {
            return Reply::status(404);
        }
        let statement = |customer: i64, cloud: &str, total: f64, currency: &str| {
            json!({"customer_id": customer, "cloud": cloud, "billing_period": "2026-11", "total_amount": total, "status": "Final",
                   "statement_generation_time": "2026-12-02 23:59:41", "currency": {"name": currency, "symbol": "$"}})
        };
        Reply::status(200).json(&json!({"billing_artifacts": [
            statement(1211, "AWS", 211523.09, "USD"),
            statement(1212, "Azure", 1830.5, "EUR"),
            statement(1213, "GCP", 0.0, "USD"),
        ]}))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    for (file, format) in [("statements.parquet", "parquet"), ("statements.csv", "csv")] {
        let out = dir.path().join(file);
        let output = focus(
            args(
                &[
                    "export",
                    "cloudhealth",
                    "--billing-period",
                    "2026-11",
                    "--partner",
                    "Contoso Cloud Services",
                    "--base-url",
                    &server.uri(),
                ],
                &out,
            ),
            &[("CLOUDHEALTH_TOKEN", "cloudhealth-key")],
        )
        .await;
        assert_eq!(
            stdout_json(&output),
            json!({"out": out.display().to_string(), "format": format, "items": 3, "rows": 3,
                   "billed_cost": {"EUR": "1830.5", "USD": "211523.09"}})
        );
        // CSV has no types: the validator infers them, and reads the customer ids (`1211`) as
        // numbers where FOCUS wants text. Parquet carries the types.
        if format == "parquet" {
            assert_valid(&out, false);
        }
    }
}

/// What is in `dir`, by name.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_that_cannot_be_placed_fails_the_run_naming_it_and_leaves_no_file() {
    let server = respan(vec![vec![
        transaction("ct_1", "purchase", 150.0, "2026-11-02T09:30:00Z"),
        transaction("ct_2", "chargeback", 10.0, "2026-11-03T09:30:00Z"),
    ]])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let output = focus(
        args(
            &["export", "respan", "--base-url", &server.uri()],
            &dir.path().join("respan.parquet"),
        ),
        &[("RESPAN_TOKEN", "respan-key")],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: Respan credit transaction ct_2: `transaction_type` \"chargeback\" is not a value the mapping knows\n"
    );
    assert!(output.stdout.is_empty());
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_that_cannot_be_placed_is_named_by_its_file_and_line() {
    let mut bad = usage_line("c9", "2026-11-03T00:00:00Z", 1.0, "USD");
    bad["BillingCurrency"] = json!("XBT");
    let graph = Graph::serving(
        vec![(
            "part-00001.c000.json.gz",
            vec![usage_line("c1", "2026-11-03T00:00:00Z", 1.0, "USD"), bad],
        )],
        |state| state.running_answers = 0,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let output = focus(
        args(
            &[
                "export",
                "partner-billing",
                "--invoice-id",
                "G016907411",
                "--base-url",
                &graph.base(),
            ],
            &dir.path().join("costs.csv"),
        ),
        &[("PARTNER_BILLING_TOKEN", "graph-access-token")],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: Microsoft partner billing usage line item of subscription 6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b on \
         2026-11-03T00:00:00Z (meter 8f1e3a63-d9f8-4c1a-a8e7-4c1b2a0c9d11) (line 2 of part-00001.c000.json.gz): \
         `BillingCurrency` \"XBT\" is not an ISO 4217 currency code\n"
    );
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_failing_halfway_fails_the_run_and_leaves_no_file() {
    // The first page links to a second the server does not have.
    let server = respan(vec![vec![transaction(
        "ct_1",
        "purchase",
        150.0,
        "2026-11-02T09:30:00Z",
    )]])
    .await;
    let broken = ScriptedServer::handle({
        let first = server.uri();
        move |request| {
            if request.target.contains("page=2") {
                Reply::status(500).json(&json!({"detail": "internal error"}))
            } else {
                Reply::status(200).json(
                    &json!({"count": 2, "next": format!("{first}/api/credit-transactions/list/?page=2"),
                    "previous": null, "results": [transaction("ct_1", "purchase", 150.0, "2026-11-02T09:30:00Z")]}),
                )
            }
        }
    })
    .await;
    let _ = server;
    let dir = tempfile::tempdir().unwrap();
    let output = focus(
        args(
            &["export", "respan", "--base-url", &broken.uri()],
            &dir.path().join("respan.csv"),
        ),
        &[("RESPAN_TOKEN", "respan-key")],
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_path_that_would_lose_data_is_refused_before_anything_is_sent() {
    let server = respan(vec![vec![transaction(
        "ct_1",
        "purchase",
        150.0,
        "2026-11-02T09:30:00Z",
    )]])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("last-month.csv");
    std::fs::write(&existing, "kept").unwrap();
    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    let partial = dir.path().join("running.csv.partial");
    std::fs::write(&partial, "another run").unwrap();
    let env = [("RESPAN_TOKEN", "respan-key")];
    let cases: [(PathBuf, &[&str], &str); 5] = [
        (
            existing.clone(),
            &[],
            "last-month.csv exists: give --force to replace it",
        ),
        (
            folder.clone(),
            &["--force"],
            "folder.csv exists and is not a regular file",
        ),
        (
            "/dev/full".into(),
            &["--force", "--format", "csv"],
            "/dev/full exists and is not a regular file",
        ),
        (
            dir.path().join("running.csv"),
            &[],
            "running.csv.partial exists: another run is writing",
        ),
        (dir.path().join("costs.xlsx"), &[], "cannot tell the format of"),
    ];
    let base = server.uri();
    for (out, extra, message) in cases {
        let mut list = vec!["export", "respan", "--base-url", &base];
        list.extend_from_slice(extra);
        let output = focus(args(&list, &out), &env).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{}: {stderr}", out.display());
        assert!(stderr.contains(message), "{}: {stderr}", out.display());
    }
    assert_eq!(server.requests(), 0, "nothing was sent");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "kept");
    assert_eq!(std::fs::read_to_string(&partial).unwrap(), "another run");
    // With --force, a regular file is replaced.
    let output = focus(
        args(&["export", "respan", "--base-url", &server.uri(), "--force"], &existing),
        &env,
    )
    .await;
    assert_eq!(stdout_json(&output)["rows"], 1);
    assert!(std::fs::read_to_string(&existing).unwrap().starts_with("BilledCost,"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_or_sigterm_stops_the_run_and_leaves_no_file() {
    for (signal, status) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        // The server holds its answer: the run is waiting on it when interrupted.
        let server = ScriptedServer::handle(|_| {
            Reply::status(200)
                .json(&json!({"count": 0, "next": null, "previous": null, "results": []}))
                .delay(std::time::Duration::from_secs(3600))
        })
        .await;
        let dir = tempfile::tempdir().unwrap();
        let mut command = examples::command(tools().join("focus"), "RESPAN_");
        command
            .args(args(
                &["export", "respan", "--base-url", &server.uri()],
                &dir.path().join("respan.parquet"),
            ))
            .env("RESPAN_TOKEN", "respan-key")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = command.spawn().unwrap();
        for _ in 0..500 {
            if server.requests() > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(server.requests(), 1);
        assert_eq!(
            names(dir.path()),
            ["respan.parquet.partial"],
            "the file is being written"
        );
        // SAFETY: signals a child process this test started and still owns.
        unsafe { libc::kill(child.id() as i32, signal) };
        let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap();
        assert_eq!(output.status.code(), Some(status));
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "interrupted: no output file was written\n"
        );
        assert_eq!(names(dir.path()), Vec::<String>::new());
        assert_eq!(server.requests(), 1, "nothing more was sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_wait_prints_the_continuation_and_resume_writes_the_file() {
    let graph = Graph::serving(
        vec![(
            "part-00001.c000.json.gz",
            vec![usage_line("c1", "2026-11-03T00:00:00Z", 1.68, "USD")],
        )],
        |state| state.running_answers = 0,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("costs.csv");
    let env = [("PARTNER_BILLING_TOKEN", "graph-access-token")];
    let started = focus(
        args(
            &[
                "export",
                "partner-billing",
                "--invoice-id",
                "G016907411",
                "--no-wait",
                "--base-url",
                &graph.base(),
            ],
            &out,
        ),
        &env,
    )
    .await;
    let continuation = stdout_json(&started);
    let operation = continuation["operation"].as_str().unwrap().to_string();
    assert!(
        operation.ends_with("/reports/partners/billing/operations/9ab9cb54-d07f-4f52-9ea6-a09d7de52c14"),
        "{continuation}"
    );
    assert_eq!(names(dir.path()), Vec::<String>::new(), "no file yet");
    let resumed = focus(
        args(
            &[
                "export",
                "partner-billing",
                "--resume",
                &operation,
                "--base-url",
                &graph.base(),
            ],
            &out,
        ),
        &env,
    )
    .await;
    assert_eq!(stdout_json(&resumed)["rows"], 1);
    assert_eq!(names(dir.path()), ["costs.csv"]);
}

fn reconciliation_line(charge_type: &str, subtotal: f64, tax: f64, reservation: &str) -> Value {
    json!({
        "PartnerId": "3b33e682-00c3-41ee-9dd2-a548adf56438", "CustomerId": "c1", "CustomerName": "Customer c1",
        "InvoiceNumber": "G016907411", "OrderId": "order-1", "ProductId": "CFQ7TTC0LH18", "SkuId": "0001",
        "SkuName": "Business Basic", "ProductName": "Microsoft 365", "ChargeType": charge_type,
        "UnitPrice": 6.0, "UnitType": "Licenses", "Quantity": 10, "BillableQuantity": 10,
        "Subtotal": subtotal, "TaxTotal": tax, "Total": subtotal + tax, "Currency": "USD",
        "PublisherName": "Microsoft Corporation", "SubscriptionId": "6e8f1b2c-0a1d-4e2f-8a3b-9c4d5e6f7a8b",
        "SubscriptionDescription": "Office", "ChargeStartDate": "11/1/2026", "ChargeEndDate": "11/30/2026",
        "BillingFrequency": if reservation.is_empty() { "Monthly" } else { "" }, "ReservationOrderId": reservation
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn billed_reconciliation_becomes_a_parquet_file_with_tax_rows_and_the_validator_flags_only_licences() {
    let graph = Graph::serving(
        vec![(
            "part-00001.c000.json.gz",
            vec![
                reconciliation_line("new", 60.0, 4.8, ""),
                reconciliation_line("cancelImmediate", -30.0, -2.4, ""),
                reconciliation_line("customerCredit", -12.5, 0.0, ""),
                reconciliation_line("new", 700.8, 0.0, "ro-1"),
            ],
        )],
        |state| state.running_answers = 0,
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("invoice.parquet");
    let output = focus(
        args(
            &[
                "export",
                "partner-billing",
                "--invoice-id",
                "G016907411",
                "--reconciliation",
                "--base-url",
                &graph.base(),
            ],
            &out,
        ),
        &[("PARTNER_BILLING_TOKEN", "graph-access-token")],
    )
    .await;
    // Four lines, two of them with tax: six rows; the billed total is the invoice's, tax included.
    assert_eq!(
        stdout_json(&output),
        json!({"out": out.display().to_string(), "format": "parquet", "items": 4, "rows": 6, "billed_cost": {"USD": "720.7"}})
    );
    // FOCUS sets a purchase's effective cost to 0 only when it covers later charges (a
    // reservation); the validator checks it on every purchase, so it flags the two licence rows,
    // whose effective cost is what they bill.
    let validation = validate(&out);
    assert_eq!(
        validation.failed,
        ["InvoiceId-C-004-C", "EffectiveCost-C-005-C"],
        "{validation:?}"
    );
    let table = duckdb(&format!(
        "SELECT ChargeCategory, BilledCost, EffectiveCost FROM '{}' ORDER BY BilledCost",
        out.display()
    ));
    assert_eq!(
        table,
        "Purchase|-30.000000000000000000|-30.000000000000000000\n\
         Credit|-12.500000000000000000|-12.500000000000000000\n\
         Tax|-2.400000000000000000|-2.400000000000000000\n\
         Tax|4.800000000000000000|4.800000000000000000\n\
         Purchase|60.000000000000000000|60.000000000000000000\n\
         Purchase|700.800000000000000000|0E-18\n"
    );
}
