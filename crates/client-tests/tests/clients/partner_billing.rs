//! The monthly bill: Microsoft Graph's partner billing exports played whole by a server on
//! 127.0.0.1 (202 with `Location` → "running" answers with `Retry-After` → succeeded with a link to
//! the manifest → the manifest → three gzip JSON Lines files behind a SAS token), through the
//! generated client and through the generated tool as a process: every line item once and in
//! order, exact totals, a failed operation's typed error, a file that breaks off or stalls
//! resumed with `Range`, a killed export resumed without downloading a finished file again, a
//! continuation resumed by another process, and no SAS token or access token in a TRACE log.

use crate::cli::tools;
use client_tests::examples;
use client_tests::log::CapturedLog;
use client_tests::scripted::{ReceivedRequest, Reply, ScriptedServer};
use finops_client_runtime::downloads::{DownloadOptions, DownloadProblem};
use futures::StreamExt;
use partner_billing_client::types::{AttributeSet, BilledExportRequest, UsageLineItem};
use partner_billing_client::{Client, Continuation, Error, OperationError};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing_subscriber::fmt::format::FmtSpan;

const TOKEN: &str = "graph-access-token-7f3a9c";
const SIGNATURE: &str = "c2VjcmV0LXNhcy1zaWduYXR1cmU";
const SAS: &str = "sv=2024-05-04&sr=d&sp=rl&sig=c2VjcmV0LXNhcy1zaWduYXR1cmU%3D";
const EXPORT: &str = "/reports/partners/billing/usage/billed/export";
const RECONCILIATION_EXPORT: &str = "/reports/partners/billing/reconciliation/billed/export";
const OPERATION: &str = "/reports/partners/billing/operations/9ab9cb54-d07f-4f52-9ea6-a09d7de52c14";
const MANIFEST: &str = "/reports/partners/billing/manifests/8fe347d7-1e0f-4bd6-9091-4672691f32db";
const ROOT: &str = "/store/billedusagefastpath/v1/InvoiceId=G016907411";

/// The three files of the export: their names and lines, as the server sends them.
fn files() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        (
            "part-00001.c000.json.gz",
            vec![
                json!({"PartnerId": "p1", "CustomerId": "c1", "InvoiceNumber": "G016907411", "ChargeType": "new", "BillingPreTaxTotal": 0.1, "BillingCurrency": "USD", "UsageDate": "2026-11-30T23:00:00Z", "Quantity": 1.5}),
                json!({"PartnerId": "p1", "CustomerId": "c1", "InvoiceNumber": "G016907411", "ChargeType": "new", "BillingPreTaxTotal": 0.2, "BillingCurrency": "USD", "UsageDate": "2026-12-01T00:30:00Z", "FieldTheSpecDoesNotList": {"any": "thing"}}),
                json!({"PartnerId": "p1", "CustomerId": "c2", "InvoiceNumber": "G016907411", "ChargeType": "credit", "BillingPreTaxTotal": -12.5, "BillingCurrency": "EUR"}),
            ],
        ),
        (
            "part-00002.c000.json.gz",
            vec![
                json!({"PartnerId": "p1", "CustomerId": "c3", "BillingPreTaxTotal": 0, "BillingCurrency": "USD", "Tags": "{\"env\":\"prod\"}"}),
                json!({"PartnerId": "p1", "CustomerId": "c3", "BillingPreTaxTotal": 1234.5678, "BillingCurrency": "JPY", "ResourceURI": "/subscriptions/s/resourceGroups/r, with a comma"}),
            ],
        ),
        (
            "part-00003.c000.json.gz",
            vec![
                json!({"PartnerId": "p1", "CustomerId": "c4", "BillingPreTaxTotal": 99.99, "BillingCurrency": "EUR"}),
                json!({"PartnerId": "p1", "CustomerId": "c4", "BillingPreTaxTotal": null, "BillingCurrency": "EUR"}),
                json!({"PartnerId": "p1", "CustomerId": "c5", "BillingPreTaxTotal": 0.7, "BillingCurrency": "USD"}),
                json!({"PartnerId": "p1", "CustomerId": "c5", "BillingPreTaxTotal": 1e-7, "BillingCurrency": "USD"}),
            ],
        ),
    ]
}

/// `lines` as a gzip JSON Lines file; long enough that half of it is several chunks.
fn gzip(lines: &[Value]) -> Vec<u8> {
    let mut text = String::new();
    for line in lines {
        text.push_str(&line.to_string());
        text.push('\n');
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

/// How the fake Graph behaves, and what it saw.
#[derive(Default)]
pub(crate) struct State {
    base: String,
    pub(crate) running_answers: usize,
    failed: bool,
    status_polls: usize,
    /// The first answer for this file sends half of it and closes the connection.
    break_first: Option<String>,
    /// The first answer for this file sends half of it, then nothing for a while.
    stall_first: Option<String>,
    /// This file is never answered (the answer stalls for an hour).
    hold: Option<String>,
    file_gets: BTreeMap<String, usize>,
    requests: Vec<ReceivedRequest>,
}

pub(crate) struct Graph {
    server: ScriptedServer,
    state: Arc<Mutex<State>>,
    bodies: Arc<BTreeMap<String, Vec<u8>>>,
}

impl Graph {
    async fn start(configure: impl FnOnce(&mut State)) -> Graph {
        Graph::serving(files(), configure).await
    }

    /// A Graph whose export lists `files` (names and lines), with the state `configure` sets.
    pub(crate) async fn serving(files: Vec<(&str, Vec<Value>)>, configure: impl FnOnce(&mut State)) -> Graph {
        let mut state = State {
            running_answers: 2,
            ..State::default()
        };
        configure(&mut state);
        let state = Arc::new(Mutex::new(state));
        let bodies: Arc<BTreeMap<String, Vec<u8>>> = Arc::new(
            files
                .into_iter()
                .map(|(name, lines)| (name.to_string(), gzip(&lines)))
                .collect(),
        );
        let server = {
            let state = Arc::clone(&state);
            let bodies = Arc::clone(&bodies);
            ScriptedServer::handle(move |request| answer(&mut state.lock().unwrap(), &bodies, request)).await
        };
        state.lock().unwrap().base = server.uri();
        Graph { server, state, bodies }
    }

    pub(crate) fn base(&self) -> String {
        self.server.uri()
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(self.base())
            .bearer_token(TOKEN)
            .build()
            .unwrap()
    }

    fn requests(&self) -> Vec<ReceivedRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    fn count(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.target.split('?').next() == Some(path))
            .count()
    }

    fn file_gets(&self) -> BTreeMap<String, usize> {
        self.state.lock().unwrap().file_gets.clone()
    }
}

fn answer(state: &mut State, bodies: &BTreeMap<String, Vec<u8>>, request: &ReceivedRequest) -> Reply {
    state.requests.push(request.clone());
    let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
    let base = state.base.clone();
    match (request.method.as_str(), path) {
        ("POST", EXPORT | RECONCILIATION_EXPORT) => Reply::status(202).header("location", format!("{base}{OPERATION}")),
        ("GET", OPERATION) => {
            state.status_polls += 1;
            let mut body = json!({
                "@odata.type": "#microsoft.graph.partners.billing.runningOperation",
                "id": "9ab9cb54-d07f-4f52-9ea6-a09d7de52c14",
                "status": "running",
                "createdDateTime": "2026-12-01T08:12:53",
                "lastActionDateTime": "2026-12-01T08:37:48.5046691Z",
            });
            if state.status_polls <= state.running_answers {
                return Reply::status(200).header("retry-after", "1").json(&body);
            }
            if state.failed {
                body["@odata.type"] = json!("#microsoft.graph.partners.billing.failedOperation");
                body["status"] = json!("failed");
                body["error"] = json!({"message": "No data available", "code": "5000"});
            } else {
                body["@odata.type"] = json!("#microsoft.graph.partners.billing.exportSuccessOperation");
                body["status"] = json!("succeeded");
                body["resourceLocation@odata.navigationLink"] = json!(format!("{base}{MANIFEST}"));
            }
            Reply::status(200).json(&body)
        }
        ("GET", MANIFEST) => Reply::status(200).json(&json!({
            "id": "8fe347d7-1e0f-4bd6-9091-4672691f32db",
            "schemaVersion": "1",
            "dataFormat": "compressedJSONLines",
            "createdDateTime": "2026-12-01T08:40:00Z",
            "eTag": "WYjLro78HdMg6vUWR",
            "partnerTenantId": "0e195b37-4574-4539-bc42-0e539b9684c0",
            "rootDirectory": format!("{base}{ROOT}"),
            "sasToken": SAS,
            "partitionType": "Default",
            "blobCount": bodies.len(),
            "blobs": bodies.keys().map(|name| json!({"name": name, "partitionValue": "default"})).collect::<Vec<_>>(),
        })),
        ("GET", file) if file.starts_with(ROOT) => {
            let name = file[ROOT.len() + 1..].to_string();
            if query != SAS {
                return Reply::status(403);
            }
            let Some(body) = bodies.get(&name) else {
                return Reply::status(404);
            };
            let gets = state.file_gets.entry(name.clone()).or_default();
            *gets += 1;
            let first = *gets == 1;
            let etag = "\"0x8DCFILE\"";
            if state.hold.as_deref() == Some(name.as_str()) {
                return Reply::status(200)
                    .body(body.clone())
                    .stall_after(0, Duration::from_secs(3600));
            }
            if let Some(range) = request.header("range") {
                let start: usize = range
                    .strip_prefix("bytes=")
                    .and_then(|r| r.strip_suffix('-'))
                    .and_then(|s| s.parse().ok())
                    .unwrap();
                assert_eq!(
                    request.header("if-match"),
                    Some(etag),
                    "a resumed request names the version"
                );
                return Reply::status(206)
                    .header("etag", etag)
                    .header(
                        "content-range",
                        format!("bytes {start}-{}/{}", body.len() - 1, body.len()),
                    )
                    .body(body[start..].to_vec());
            }
            let full = Reply::status(200).header("etag", etag).body(body.clone());
            if first && state.break_first.as_deref() == Some(name.as_str()) {
                return Reply::status(200)
                    .header("etag", etag)
                    .body(body[..body.len() / 2].to_vec())
                    .claimed_length(body.len() as u64);
            }
            if first && state.stall_first.as_deref() == Some(name.as_str()) {
                return full.stall_after(body.len() / 2, Duration::from_secs(30));
            }
            full
        }
        _ => Reply::status(404),
    }
}

/// Starts the export, waits for it and streams every line item.
async fn export(graph: &Graph, options: DownloadOptions) -> Vec<(String, u64, UsageLineItem)> {
    let client = graph.client();
    let poller = client
        .export_billed_usage(BilledExportRequest::new("G016907411").attribute_set(AttributeSet::Full))
        .start()
        .await
        .unwrap()
        .poll_interval(Duration::from_secs(1));
    let manifest = poller.await.unwrap();
    let mut lines = client.export_billed_usage_items(&manifest, options);
    let mut out = Vec::new();
    while let Some(line) = lines.next().await {
        let line = line.unwrap();
        out.push((line.file.to_string(), line.number, line.item));
    }
    out
}

/// Each line's file, number and decoded item (as JSON, unknown fields left out).
fn expected_items() -> Vec<(String, u64, Value)> {
    files()
        .into_iter()
        .flat_map(|(name, lines)| {
            lines.into_iter().enumerate().map(move |(i, line)| {
                let item: UsageLineItem = serde_json::from_value(line).unwrap();
                (name.to_string(), i as u64 + 1, serde_json::to_value(item).unwrap())
            })
        })
        .collect()
}

fn as_json(items: &[(String, u64, UsageLineItem)]) -> Vec<(String, u64, Value)> {
    items
        .iter()
        .map(|(file, number, item)| (file.clone(), *number, serde_json::to_value(item).unwrap()))
        .collect()
}

#[tokio::test]
async fn an_export_is_started_polled_and_its_files_streamed_every_item_once_in_order() {
    let graph = Graph::start(|_| {}).await;
    let items = export(&graph, DownloadOptions::new().concurrency(2)).await;
    assert_eq!(as_json(&items), expected_items());
    assert_eq!(items.len(), 9);

    // One export started; polled until it succeeded (two "running" answers); one manifest read.
    let requests = graph.requests();
    let start = &requests[0];
    assert_eq!((start.method.as_str(), start.target.as_str()), ("POST", EXPORT));
    assert_eq!(
        serde_json::from_slice::<Value>(&start.body).unwrap(),
        json!({"invoiceId": "G016907411", "attributeSet": "full"})
    );
    assert_eq!(graph.count("POST", EXPORT), 1);
    assert_eq!(graph.count("GET", OPERATION), 3);
    assert_eq!(graph.count("GET", MANIFEST), 1);
    assert_eq!(graph.file_gets().values().collect::<Vec<_>>(), [&1, &1, &1]);
    // Graph calls carry the token; the storage's only their SAS token, never the token.
    for request in &requests {
        let to_storage = request.target.starts_with(ROOT);
        assert_eq!(
            request.header("authorization").is_some(),
            !to_storage,
            "{} {}",
            request.method,
            request.target
        );
        if let Some(authorization) = request.header("authorization") {
            assert_eq!(authorization, format!("Bearer {TOKEN}"));
        }
    }
}

#[tokio::test]
async fn the_items_decoded_keep_their_values_and_sum_exactly() {
    let graph = Graph::start(|state| state.running_answers = 0).await;
    let items = export(&graph, DownloadOptions::new()).await;
    let credit = &items[2].2;
    assert_eq!(credit.charge_type.as_deref(), Some("credit"));
    assert_eq!(credit.billing_pre_tax_total, Some(-12.5));
    assert_eq!(items[1].2.usage_date.as_deref(), Some("2026-12-01T00:30:00Z"));
    assert_eq!(
        items[4].2.resource_uri.as_deref(),
        Some("/subscriptions/s/resourceGroups/r, with a comma")
    );
    assert_eq!(items[6].2.billing_pre_tax_total, None);
}

#[tokio::test]
async fn a_failed_operation_is_its_typed_error_with_the_service_code_and_message() {
    let graph = Graph::start(|state| {
        state.running_answers = 1;
        state.failed = true;
    })
    .await;
    let client = graph.client();
    let poller = client
        .export_billed_usage(BilledExportRequest::new("G016907411"))
        .start()
        .await
        .unwrap()
        .poll_interval(Duration::from_secs(1));
    let continuation = poller.continuation().clone();
    let error = poller.await.unwrap_err();
    let OperationError::Failed(failure) = &error else {
        panic!("not a failure: {error:?}");
    };
    assert_eq!(failure.status, "failed");
    assert_eq!(failure.code.as_deref(), Some("5000"));
    assert_eq!(failure.message.as_deref(), Some("No data available"));
    assert_eq!(failure.error.as_ref().and_then(|e| e.code.as_deref()), Some("5000"));
    assert_eq!(failure.continuation, continuation);
    assert_eq!(
        error.to_string(),
        format!(
            "the operation {}{OPERATION} ended as `failed`: 5000: No data available",
            graph.base()
        )
    );
    assert_eq!(graph.count("GET", MANIFEST), 0);
}

#[tokio::test]
async fn a_file_that_breaks_off_halfway_is_resumed_with_range_and_gives_the_same_items() {
    let graph = Graph::start(|state| {
        state.running_answers = 0;
        state.break_first = Some("part-00002.c000.json.gz".into());
    })
    .await;
    let items = export(&graph, DownloadOptions::new()).await;
    assert_eq!(as_json(&items), expected_items());
    assert_eq!(graph.file_gets()["part-00002.c000.json.gz"], 2);
    let half = graph.bodies["part-00002.c000.json.gz"].len() / 2;
    let ranges: Vec<String> = graph
        .requests()
        .iter()
        .filter_map(|r| r.header("range").map(str::to_string))
        .collect();
    assert_eq!(ranges, [format!("bytes={half}-")]);
}

#[tokio::test]
async fn a_stalled_file_is_broken_off_and_resumed_where_it_stopped() {
    let graph = Graph::start(|state| {
        state.running_answers = 0;
        state.stall_first = Some("part-00003.c000.json.gz".into());
    })
    .await;
    let items = export(&graph, DownloadOptions::new().stall_timeout(Duration::from_millis(300))).await;
    assert_eq!(as_json(&items), expected_items());
    assert_eq!(graph.file_gets()["part-00003.c000.json.gz"], 2);
}

#[tokio::test]
async fn a_line_that_does_not_decode_is_an_error_naming_its_file_and_line() {
    let bad = gzip(&[json!({"CustomerId": "c1"}), json!({"BillingPreTaxTotal": "twelve"})]);
    let server = ScriptedServer::start(vec![Reply::status(200).body(bad)]).await;
    let file =
        finops_client_runtime::downloads::RemoteFile::in_directory(&server.uri(), "bad.json.gz", Some(SAS)).unwrap();
    let mut lines = finops_client_runtime::downloads::json_lines::<UsageLineItem>(
        reqwest::Client::new(),
        file,
        DownloadOptions::new(),
    );
    assert_eq!(
        lines.next().await.unwrap().unwrap().item.customer_id.as_deref(),
        Some("c1")
    );
    let error = lines.next().await.unwrap().unwrap_err();
    assert_eq!(error.file, "bad.json.gz");
    assert!(
        matches!(error.problem, DownloadProblem::Line { number: 2, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("file \"bad.json.gz\": line 2 does not decode: "),
        "{error}"
    );
    assert!(lines.next().await.is_none());
}

#[tokio::test]
async fn an_operation_address_on_another_origin_is_never_polled() {
    let graph = Graph::start(|_| {}).await;
    let client = graph.client();
    let error = client
        .resume_export_billed_usage(Continuation {
            operation: "https://elsewhere.example.net/reports/partners/billing/operations/1".into(),
        })
        .unwrap_err();
    assert!(matches!(error, OperationError::InvalidContinuation(_)), "{error:?}");

    let foreign = ScriptedServer::start(vec![
        Reply::status(202).header("location", "https://elsewhere.example.net/operations/1"),
    ])
    .await;
    let client = Client::builder()
        .base_url(foreign.uri())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let error = client
        .export_billed_usage(BilledExportRequest::new("G016907411"))
        .start()
        .await
        .unwrap_err();
    let Error::OperationAddress(address) = &error else {
        panic!("not an address error: {error:?}");
    };
    assert_eq!(address.status, 202);
    assert!(
        address.problem.contains("https://elsewhere.example.net"),
        "{}",
        address.problem
    );
    assert_eq!(foreign.requests(), 1);
}

#[tokio::test]
async fn a_trace_log_of_the_whole_flow_holds_no_sas_token_and_no_access_token() {
    let log = CapturedLog::start(tracing::Level::TRACE, FmtSpan::FULL);
    let graph = Graph::start(|state| {
        state.running_answers = 1;
        state.break_first = Some("part-00001.c000.json.gz".into());
    })
    .await;
    let client = graph.client();
    let manifest = client
        .export_billed_usage(BilledExportRequest::new("G016907411"))
        .start()
        .await
        .unwrap()
        .poll_interval(Duration::from_secs(1))
        .await
        .unwrap();
    let files = client.export_billed_usage_files(&manifest).unwrap();
    let mut lines = client.export_billed_usage_items(&manifest, DownloadOptions::new());
    while let Some(line) = lines.next().await {
        line.unwrap();
    }
    // The manifest's SAS token is a `Secret`: its `Debug` does not show it either.
    let text = format!("{}\n{files:?}\n{manifest:?}", log.text());
    // (The download's own events are not asserted: a callsite another test's thread registers
    // first may be cached as disabled for this thread's subscriber.)
    assert!(
        text.contains("operation running"),
        "the log covers the polling:\n{text}"
    );
    assert!(
        text.contains("get_billing_manifest"),
        "the log covers the manifest:\n{text}"
    );
    for secret in [SIGNATURE, TOKEN] {
        assert!(!text.contains(secret), "{secret} is in the log:\n{text}");
    }
}

/// Runs the partner billing tool with `args` against `graph`, with a token in the environment.
async fn run_tool(graph: &Graph, args: &[&str]) -> Output {
    let mut command = tool_command(graph, args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn tool_command(graph: &Graph, args: &[&str]) -> std::process::Command {
    let mut command = examples::command(tools().join("partner-billing"), "PARTNER_BILLING_");
    command
        .args(["--base-url", &graph.base()])
        .args(args)
        .env("PARTNER_BILLING_TOKEN", TOKEN)
        .stdin(Stdio::null());
    command
}

fn export_args(out: &Path) -> Vec<String> {
    [
        "export-billed-usage",
        "--invoice-id",
        "G016907411",
        "--poll-interval",
        "1",
        "--concurrency",
        "1",
        "--out",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([out.display().to_string()])
    .collect()
}

/// Every file of `dir` but the lock, with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != ".export.lock")
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

const SUMMARY_TOTALS: &str = r#""lines": 9,
  "totals": {
    "EUR": "87.49",
    "JPY": "1234.5678",
    "USD": "1.0000001"
  }
}"#;

#[tokio::test]
async fn the_export_tool_writes_json_lines_and_csv_and_prints_exact_totals() {
    let graph = Graph::start(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bill");
    let args = export_args(&out);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run_tool(&graph, &args).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout,
        format!(
            "{{\n  \"operation\": \"{}{OPERATION}\",\n  \"files\": 3,\n  {SUMMARY_TOTALS}\n",
            graph.base()
        )
    );
    let written = contents(&out);
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        [
            "export.journal.json",
            "part-00001.c000.csv",
            "part-00001.c000.jsonl",
            "part-00002.c000.csv",
            "part-00002.c000.jsonl",
            "part-00003.c000.csv",
            "part-00003.c000.jsonl"
        ]
    );
    // The JSON Lines are the lines as sent, unknown fields included.
    for (name, lines) in files() {
        let stem = name.trim_end_matches(".json.gz");
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(
            String::from_utf8(written[&format!("{stem}.jsonl")].clone()).unwrap(),
            text
        );
    }
    let csv = String::from_utf8(written["part-00002.c000.csv"].clone()).unwrap();
    let mut rows = csv.lines();
    let header = rows.next().unwrap();
    assert!(
        header.starts_with("AdditionalInfo,AvailabilityId,BenefitID,"),
        "{header}"
    );
    let columns: Vec<&str> = header.split(',').collect();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let field = |row: usize, name: &str| records[row][columns.iter().position(|c| *c == name).unwrap()].to_string();
    assert_eq!(field(0, "Tags"), "{\"env\":\"prod\"}");
    assert_eq!(field(0, "BillingPreTaxTotal"), "0");
    assert_eq!(
        field(1, "ResourceURI"),
        "/subscriptions/s/resourceGroups/r, with a comma"
    );
    assert_eq!(field(1, "BillingPreTaxTotal"), "1234.5678");
    assert_eq!(field(1, "UsageDate"), "");
}

#[tokio::test]
async fn a_killed_export_resumes_without_downloading_a_finished_file_again() {
    // The reference: one uninterrupted run.
    let reference = Graph::start(|_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let args = export_args(&whole);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(run_tool(&reference, &args).await.status.success());

    // A run killed while the second file hangs, after the first was finished.
    let graph = Graph::start(|state| state.hold = Some("part-00002.c000.json.gz".into())).await;
    let out = dir.path().join("resumed");
    let args = export_args(&out);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = tool_command(&graph, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let journal = out.join("export.journal.json");
    let finished_first = async {
        loop {
            if std::fs::read_to_string(&journal).is_ok_and(|j| j.contains("part-00001.c000.json.gz")) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(60), finished_first)
        .await
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(graph.count("POST", EXPORT), 1);

    // The rerun: no new export, the finished file not downloaded again, the same bytes.
    graph.state.lock().unwrap().hold = None;
    let output = run_tool(&graph, &args).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(graph.count("POST", EXPORT), 1);
    let gets = graph.file_gets();
    assert_eq!(gets["part-00001.c000.json.gz"], 1);
    assert_eq!(gets["part-00003.c000.json.gz"], 1);
    let mut expected = contents(&whole);
    let mut resumed = contents(&out);
    // The journals differ only in the server's address.
    let journal_of = |files: &mut BTreeMap<String, Vec<u8>>, base: &str| {
        String::from_utf8(files.remove("export.journal.json").unwrap())
            .unwrap()
            .replace(base, "BASE")
    };
    assert_eq!(
        journal_of(&mut resumed, &graph.base()),
        journal_of(&mut expected, &reference.base())
    );
    assert_eq!(resumed, expected);
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .ends_with(&format!("{SUMMARY_TOTALS}\n"))
    );
}

#[tokio::test]
async fn a_continuation_saved_by_one_process_is_resumed_by_another() {
    let graph = Graph::start(|state| state.running_answers = 1).await;
    let started = run_tool(
        &graph,
        &["export-billed-usage", "--invoice-id", "G016907411", "--no-wait"],
    )
    .await;
    assert!(started.status.success(), "{}", String::from_utf8_lossy(&started.stderr));
    let continuation: Continuation = serde_json::from_slice(&started.stdout).unwrap();
    assert_eq!(continuation.operation, format!("{}{OPERATION}", graph.base()));
    assert_eq!(graph.count("GET", OPERATION), 0);

    let resumed = run_tool(
        &graph,
        &[
            "export-billed-usage",
            "--invoice-id",
            "G016907411",
            "--resume",
            &continuation.operation,
            "--poll-interval",
            "1",
        ],
    )
    .await;
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    let manifest: Value = serde_json::from_slice(&resumed.stdout).unwrap();
    assert_eq!(manifest["sasToken"], SAS);
    assert_eq!(manifest["blobCount"], 3);
    assert_eq!(graph.count("POST", EXPORT), 1);
    assert_eq!(graph.count("GET", OPERATION), 2);
}

#[tokio::test]
async fn a_failed_export_exits_1_with_the_service_code_and_message() {
    let graph = Graph::start(|state| {
        state.running_answers = 0;
        state.failed = true;
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let args = export_args(&dir.path().join("bill"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run_tool(&graph, &args).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        format!(
            "error: the operation {}{OPERATION} ended as `failed`: 5000: No data available\n",
            graph.base()
        )
    );
}
