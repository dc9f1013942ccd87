//! FOCUS output: rows per second of the CSV and Parquet writers (usage line items mapped and
//! written in this process, no network), and the `focus` command (release build) exporting
//! 1,000,000 usage line items from a Graph on 127.0.0.1 into Parquet and into CSV, with its time
//! and peak RSS.
//!
//! Run: `cargo bench -p client-tests --bench focus` (or `cargo xtask bench --only focus`).
//! Prints one JSON line: {"rows", "writer": {"csv", "parquet"}, "tool": {"csv", "parquet"}}.

#[path = "support/export_server.rs"]
#[allow(dead_code)] // what only the downloads bench uses
mod export_server;

use finops_focus::{CsvWriter, Mapping, ParquetWriter, PartnerBillingUsage, RowWriter};
use partner_billing_client::types::UsageLineItem;
use serde_json::{Value, json};
use std::io::BufWriter;
use std::process::Command;
use std::time::Instant;
use tokio::net::TcpListener;

/// Line items of each run.
const ROWS: u64 = 1_000_000;

/// Maps and writes `ROWS` items (1,000 distinct ones, cycled) with `writer`; its time and size.
fn writer_run<W: RowWriter<Output = BufWriter<std::fs::File>>>(
    make: impl FnOnce(BufWriter<std::fs::File>) -> W,
    items: &[UsageLineItem],
) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out");
    let mut writer = make(BufWriter::new(std::fs::File::create(&path).unwrap()));
    let started = Instant::now();
    let mut rows = Vec::new();
    for i in 0..ROWS as usize {
        rows.clear();
        PartnerBillingUsage
            .map_into(&items[i % items.len()], &mut rows)
            .unwrap();
        for row in &rows {
            writer.write(row).unwrap();
        }
    }
    writer.finish().unwrap();
    let seconds = started.elapsed().as_secs_f64();
    json!({"seconds": seconds, "rows_per_second": ROWS as f64 / seconds, "bytes": std::fs::metadata(&path).unwrap().len()})
}

/// The `focus` command exporting the served file into `file`; its time and peak RSS.
fn tool_run(base: &str, file: &str) -> Value {
    let root = finops_spec::project_root().unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(file);
    let started = Instant::now();
    // Waited for with `wait4` below, which also gives its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(target.join("release/focus"))
        .args([
            "export",
            "partner-billing",
            "--invoice-id",
            "G016907411",
            "--base-url",
            base,
            "--token",
            "bench",
            "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills; the pid is our child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let seconds = started.elapsed().as_secs_f64();
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.unwrap(), &mut stdout).unwrap();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the export failed"
    );
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["rows"], ROWS, "every line item became a row: {summary}");
    json!({
        "seconds": seconds,
        "rows_per_second": ROWS as f64 / seconds,
        "peak_rss_kib": usage.ru_maxrss,
        "bytes": std::fs::metadata(&out).unwrap().len(),
    })
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let items: Vec<UsageLineItem> = (0..1000)
        .map(|i| serde_json::from_str(&export_server::line(i)).unwrap())
        .collect();
    let writer = json!({
        "csv": writer_run(|sink| CsvWriter::new(sink).unwrap(), &items),
        "parquet": writer_run(|sink| ParquetWriter::new(sink).unwrap(), &items),
    });

    let root = finops_spec::project_root().unwrap();
    let build = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["build", "--release", "-q", "-p", "focus-cli"])
        .status()
        .unwrap();
    assert!(build.success());
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let address = server.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(export_server::serve(listener, export_server::File::Lines(ROWS)));
        address
    });
    let base = format!("http://{address}");
    let tool = json!({"parquet": tool_run(&base, "costs.parquet"), "csv": tool_run(&base, "costs.csv")});
    println!("{}", json!({"rows": ROWS, "writer": writer, "tool": tool}));
}
