//! The bulk tools, run as a user runs them: the example binaries against a budget server on
//! 127.0.0.1 that throttles, checks every body against the spec, and, as Partner Center
//! documents for `MS-RequestId`, answers a repeated request id without applying it again.

use client_tests::examples;
use client_tests::scripted::{ReceivedRequest, Reply, ScriptedServer, SlidingWindow};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOOLS: [(&str, &str); 2] = [
    ("partner-center-client", "bulk_update_budgets"),
    ("respan-client", "respan_bulk_update_budgets"),
];

/// What the budget server saw and did.
#[derive(Default)]
struct Ledger {
    /// Each customer's applied values, in order (`None`: cleared).
    applied: HashMap<String, Vec<Option<f64>>>,
    applies: usize,
    /// Request ids already applied, with the answer given.
    seen: HashMap<String, Value>,
    repeats_recognised: usize,
    throttled: usize,
    updates: usize,
    /// Recent admissions, for the server's own limit.
    window: SlidingWindow,
    /// After this many applies, answers are held back (the update is applied, the caller
    /// hears nothing): the moment to kill the tool.
    hold_after: Option<usize>,
    /// Bodies that do not match the spec.
    invalid: Vec<String>,
}

struct BudgetServer {
    server: ScriptedServer,
    ledger: Arc<Mutex<Ledger>>,
}

impl BudgetServer {
    /// A server for `api` that admits `per_second` updates a second and answers the others
    /// `429` with `Retry-After: 1`.
    async fn start(api: &'static str, per_second: usize) -> Self {
        let ledger: Arc<Mutex<Ledger>> = Arc::default();
        let (schema, prefix, idempotency) = match api {
            "partner-center" => ("SpendingBudgetUpdate", "/v1/customers/", Some("ms-requestid")),
            _ => ("CustomerUpdate", "/api/users/", None),
        };
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&finops_spec::json_schema::component_schema(
                &client_tests::bundled_spec(api),
                schema,
            ))
            .unwrap();
        let server = {
            let ledger = Arc::clone(&ledger);
            ScriptedServer::handle(move |request| {
                let mut ledger = ledger.lock().unwrap();
                answer(&mut ledger, request, &validator, prefix, idempotency, per_second)
            })
            .await
        };
        BudgetServer { server, ledger }
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap()
    }
}

fn answer(
    ledger: &mut Ledger,
    request: &ReceivedRequest,
    validator: &jsonschema::Validator,
    prefix: &str,
    idempotency: Option<&str>,
    per_second: usize,
) -> Reply {
    let Some(customer) = request
        .target
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('/').next())
        .filter(|_| request.method == "PATCH")
    else {
        return Reply::status(404).json(&json!({"detail": "Not found."}));
    };
    ledger.updates += 1;
    if !ledger.window.admit(per_second) {
        ledger.throttled += 1;
        return Reply::status(429)
            .header("Retry-After", "1")
            .json(&json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."}));
    }
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
    if !errors.is_empty() {
        ledger.invalid.push(format!("{body}: {}", errors.join("; ")));
        return Reply::status(400).json(&json!({"detail": "invalid body"}));
    }
    let field = if idempotency.is_some() {
        "amount"
    } else {
        "period_budget"
    };
    let answer = json!({"amount": body[field], "period_budget": body[field], "customer_identifier": customer});
    let id = idempotency.and_then(|name| request.header(name)).map(str::to_string);
    if let Some(earlier) = id.as_ref().and_then(|id| ledger.seen.get(id)) {
        let earlier = earlier.clone();
        ledger.repeats_recognised += 1;
        return Reply::status(200).json(&earlier);
    }
    ledger
        .applied
        .entry(customer.to_string())
        .or_default()
        .push(body[field].as_f64());
    ledger.applies += 1;
    if let Some(id) = &id {
        ledger.seen.insert(id.clone(), answer.clone());
    }
    let reply = Reply::status(200).json(&answer);
    let reply = match &id {
        Some(id) => reply.header("MS-RequestId", id),
        None => reply,
    };
    match ledger.hold_after {
        Some(limit) if ledger.applies > limit => reply.delay(Duration::from_secs(600)),
        _ => reply,
    }
}

fn customer(index: usize) -> String {
    format!("{index:08x}-0000-4000-8000-{index:012x}")
}

/// 200 rows: amounts `10 × i`, every 50th cleared; then a row that is not a GUID, one that is
/// not a number, and one that repeats the first customer.
fn write_input(dir: &Path) -> PathBuf {
    let mut text = String::from("customer_tenant_id,amount\n");
    for i in 1..=200 {
        let amount = if i % 50 == 0 {
            "clear".to_string()
        } else {
            format!("{}", i * 10)
        };
        text.push_str(&format!("{},{amount}\n", customer(i)));
    }
    text.push_str("contoso.onmicrosoft.com,10\n");
    text.push_str(&format!("{},ten\n", customer(201)));
    text.push_str(&format!("{},5\n", customer(1)));
    let path = dir.join("in.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn tool(binary: &Path, server: &BudgetServer, input: &Path, output: &Path, rate: &str) -> std::process::Command {
    let mut command = examples::command(binary.to_path_buf(), "PARTNER_CENTER_");
    command
        .env("PARTNER_CENTER_TOKEN", "token")
        .env("PARTNER_CENTER_BASE_URL", server.server.uri())
        .arg("--input")
        .arg(input)
        .arg("--output")
        .arg(output)
        .args(["--rate", rate, "--concurrency", "8"]);
    command
}

async fn run(mut command: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap()
}

/// Waits until the server has applied `applies` updates (a minute at most).
async fn until_applied(server: &BudgetServer, applies: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.ledger().applies < applies {
        assert!(Instant::now() < deadline, "the tool stalled");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A scratch folder with `write_input`'s rows and the path of an output file in it.
fn scratch() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let work = tempfile::tempdir().unwrap();
    let input = write_input(work.path());
    let output = work.path().join("out.csv");
    (work, input, output)
}

fn rows(output: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(output)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn expected_applied() -> HashMap<String, Vec<Option<f64>>> {
    (1..=200)
        .map(|i| {
            let value = (i % 50 != 0).then(|| (i * 10) as f64);
            (customer(i), vec![value])
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_center_bulk_tool_applies_every_row_once_and_a_rerun_sends_nothing() {
    let dir = examples::build(&TOOLS);
    let binary = dir.join("bulk_update_budgets");
    let (_work, input, output) = scratch();
    // The server admits 60 updates a second; the tool is told 80, and slows down on the 429s.
    let server = BudgetServer::start("partner-center", 60).await;

    let first = run(tool(&binary, &server, &input, &output, "80")).await;
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(
        first.status.code(),
        Some(1),
        "bad rows make the exit status 1:\n{stderr}"
    );
    let bad: Vec<&str> = stderr.lines().filter(|l| l.contains(": line ")).collect();
    let path = input.display();
    assert_eq!(
        bad,
        [
            format!("{path}: line 202: customer_tenant_id `contoso.onmicrosoft.com` is not a GUID; skipped"),
            format!("{path}: line 203: amount `ten` is not a number; skipped"),
            format!(
                "{path}: line 204: customer_tenant_id `{}` is also on line 2; each is updated once per run; skipped",
                customer(1)
            ),
        ]
    );
    assert!(
        stderr.contains("200 updated, 0 already updated, 0 failed, 3 bad rows; outcomes in"),
        "{stderr}"
    );
    {
        let ledger = server.ledger();
        assert!(ledger.invalid.is_empty(), "{:?}", ledger.invalid);
        assert_eq!(ledger.applied, expected_applied());
        assert_eq!(ledger.repeats_recognised, 0);
        eprintln!("{} updates sent, {} throttled", ledger.updates, ledger.throttled);
        assert!(ledger.throttled > 0, "the server throttled the tool");
    }
    let written = rows(&output);
    assert_eq!(written.len(), 203);
    for (i, row) in written.iter().take(200).enumerate() {
        let amount = if (i + 1) % 50 == 0 {
            "clear".to_string()
        } else {
            format!("{}", (i + 1) * 10)
        };
        assert_eq!(
            row[..4],
            [customer(i + 1), amount, "updated".into(), "200".into()],
            "{row:?}"
        );
        uuid::Uuid::parse_str(&row[4]).expect("the MS-RequestId sent and echoed");
        assert_eq!(row[5], "");
    }
    assert_eq!(
        written[200],
        [
            "contoso.onmicrosoft.com",
            "10",
            "failed",
            "",
            "",
            "line 202: customer_tenant_id `contoso.onmicrosoft.com` is not a GUID"
        ]
    );
    assert_eq!(
        written[201][2..],
        ["failed", "", "", "line 203: amount `ten` is not a number"]
    );
    let before = std::fs::read(&output).unwrap();
    let updates = server.ledger().updates;

    let second = run(tool(&binary, &server, &input, &output, "50")).await;
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("0 updated, 200 already updated, 0 failed, 3 bad rows"),
        "{stderr}"
    );
    assert_eq!(server.ledger().updates, updates, "the rerun sends nothing");
    assert_eq!(
        std::fs::read(&output).unwrap(),
        before,
        "the rerun writes the same outcomes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_halfway_and_restarted_applies_every_row_exactly_once() {
    let dir = examples::build(&TOOLS);
    let binary = dir.join("bulk_update_budgets");
    let (_work, input, output) = scratch();
    let server = BudgetServer::start("partner-center", 1000).await;
    server.ledger().hold_after = Some(100);

    let mut child = tool(&binary, &server, &input, &output, "200")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Applied but unanswered: these rows may have reached the server, as far as the tool knows.
    until_applied(&server, 104).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let held = {
        let mut ledger = server.ledger();
        ledger.hold_after = None;
        ledger.applies - 100
    };
    let journal = std::fs::read_to_string(&output).unwrap();
    assert!(
        journal.contains(",pending,"),
        "the killed run left rows pending:\n{journal}"
    );

    let second = run(tool(&binary, &server, &input, &output, "200")).await;
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    let ledger = server.ledger();
    assert!(ledger.invalid.is_empty(), "{:?}", ledger.invalid);
    assert_eq!(ledger.applied, expected_applied(), "every row applied exactly once");
    assert!(
        ledger.repeats_recognised >= held && held >= 1,
        "{} repeats recognised, {held} held",
        ledger.repeats_recognised
    );
    let written = rows(&output);
    assert_eq!(written.iter().filter(|row| row[2] == "updated").count(), 200);
    assert!(written.iter().all(|row| row[2] != "pending"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn respan_bulk_tool_sets_and_clears_period_budgets() {
    let dir = examples::build(&TOOLS);
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("in.csv");
    std::fs::write(
        &input,
        "customer_identifier,period_budget\ncus_1,100\ncus_2,clear\ncus_3,2.5\n",
    )
    .unwrap();
    let output = work.path().join("out.csv");
    let server = BudgetServer::start("respan", 1000).await;
    let mut command = examples::command(dir.join("respan_bulk_update_budgets"), "RESPAN_");
    command
        .env("RESPAN_TOKEN", "token")
        .env("RESPAN_BASE_URL", server.server.uri())
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .args(["--rate", "100"]);
    let result = run(command).await;
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let ledger = server.ledger();
    assert!(ledger.invalid.is_empty(), "{:?}", ledger.invalid);
    let expected: HashMap<String, Vec<Option<f64>>> = [
        ("cus_1".to_string(), vec![Some(100.0)]),
        ("cus_2".to_string(), vec![None]),
        ("cus_3".to_string(), vec![Some(2.5)]),
    ]
    .into();
    assert_eq!(ledger.applied, expected);
    let written = rows(&output);
    assert_eq!(
        written,
        [
            ["cus_1", "100", "updated", "200", "", ""],
            ["cus_2", "clear", "updated", "200", "", ""],
            ["cus_3", "2.5", "updated", "200", "", ""],
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_without_a_value_is_refused_never_read_as_clear() {
    let dir = examples::build(&TOOLS);
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("in.csv");
    // A truncated export: a row with the key alone, a row with an empty amount, a row cut
    // before its comma; and a row that clears on purpose.
    std::fs::write(
        &input,
        format!(
            "customer_tenant_id,amount\n{},5\n{}\n{},\n{},CLEAR\n{}",
            customer(1),
            customer(2),
            customer(3),
            customer(4),
            customer(5)
        ),
    )
    .unwrap();
    let output = work.path().join("out.csv");
    let server = BudgetServer::start("partner-center", 1000).await;
    let result = run(tool(&dir.join("bulk_update_budgets"), &server, &input, &output, "100")).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    let path = input.display();
    let bad: Vec<&str> = stderr.lines().filter(|l| l.contains(": line ")).collect();
    assert_eq!(
        bad,
        [
            format!("{path}: line 3: the row has no amount field (write a number, or `clear` to clear); skipped"),
            format!("{path}: line 4: amount is empty (write a number, or `clear` to clear); skipped"),
            format!("{path}: line 6: the row has no amount field (write a number, or `clear` to clear); skipped"),
        ]
    );
    let expected: HashMap<String, Vec<Option<f64>>> =
        [(customer(1), vec![Some(5.0)]), (customer(4), vec![None])].into();
    assert_eq!(server.ledger().applied, expected);
    let outcomes: Vec<String> = rows(&output).iter().map(|row| row[2].clone()).collect();
    assert_eq!(outcomes, ["updated", "failed", "failed", "updated", "failed"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_files_that_cannot_be_a_journal_are_refused_before_anything_is_sent() {
    let dir = examples::build(&TOOLS);
    let binary = dir.join("bulk_update_budgets");
    let work = tempfile::tempdir().unwrap();
    let input = write_input(work.path());
    let server = BudgetServer::start("partner-center", 1000).await;
    let link = work.path().join("link.csv");
    std::os::unix::fs::symlink(work.path().join("target.csv"), &link).unwrap();
    let cases = [
        (
            PathBuf::from("/dev/full"),
            "/dev/full is not a regular file; give a file for the outcomes".to_string(),
        ),
        (
            work.path().to_path_buf(),
            format!(
                "{} is not a regular file; give a file for the outcomes",
                work.path().display()
            ),
        ),
        (
            link.clone(),
            format!("{} is a symbolic link; give the output file itself", link.display()),
        ),
        (
            input.clone(),
            format!(
                "--input and --output are the same file ({}); the outcomes would overwrite the updates",
                input.display()
            ),
        ),
    ];
    for (output, message) in cases {
        let started = Instant::now();
        let result = run(tool(&binary, &server, &input, &output, "100")).await;
        assert!(started.elapsed() < Duration::from_secs(20), "{} hung", output.display());
        assert_eq!(String::from_utf8_lossy(&result.stderr), format!("{message}\n"));
        assert_eq!(result.status.code(), Some(2));
    }
    assert_eq!(server.ledger().updates, 0, "nothing is sent");
    assert!(!work.path().join("target.csv").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_the_same_output_is_refused_while_the_first_runs() {
    let dir = examples::build(&TOOLS);
    let binary = dir.join("bulk_update_budgets");
    let (_work, input, output) = scratch();
    let server = BudgetServer::start("partner-center", 1000).await;
    server.ledger().hold_after = Some(10);
    let mut first = tool(&binary, &server, &input, &output, "200")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Ten rows answered, then eight in flight and unanswered: the first run is busy.
    until_applied(&server, 18).await;
    let updates = server.ledger().updates;
    let second = run(tool(&binary, &server, &input, &output, "200")).await;
    assert_eq!(
        String::from_utf8_lossy(&second.stderr),
        format!(
            "{} is in use by another run; wait for it to end, or give another --output\n",
            output.display()
        )
    );
    assert_eq!(second.status.code(), Some(2));
    assert_eq!(server.ledger().updates, updates, "the second run sent nothing");
    first.kill().unwrap();
    first.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_sending_at_once_and_the_exit_status_says_interrupted() {
    let dir = examples::build(&TOOLS);
    let binary = dir.join("bulk_update_budgets");
    let (_work, input, output) = scratch();
    let server = BudgetServer::start("partner-center", 1000).await;
    // Two rows a second, eight in flight: most of the eight wait for their slot.
    let child = tool(&binary, &server, &input, &output, "2")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    until_applied(&server, 2).await;
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let interrupted = Instant::now();
    let updates = server.ledger().updates;
    let result = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(130), "{stderr}");
    assert!(
        interrupted.elapsed() < Duration::from_secs(2),
        "the run went on after Ctrl-C"
    );
    assert!(server.ledger().updates <= updates + 1, "rows were sent after Ctrl-C");
    assert!(stderr.contains("(interrupted; run again to resume)"), "{stderr}");
    // The rerun finishes the job, every row once.
    let second = run(tool(&binary, &server, &input, &output, "200")).await;
    assert_eq!(
        second.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(server.ledger().applied, expected_applied());
}
