//! Downloads of export files: throughput and peak memory of the generated line-item stream
//! (`partner-billing-client`'s `export_billed_usage_items`: download, gunzip and decode as the
//! bytes arrive) against a hand-written `reqwest` + `flate2` + `serde_json` loop over the same gzip
//! JSON Lines file on loopback, each side in its own process so that its peak RSS is its own; then
//! the `partner-billing` tool exporting a 1 GB file that the server gzips on the fly (never held
//! whole on either side).
//!
//! Run: `cargo bench -p client-tests --bench downloads` (or as part of `cargo xtask bench`).
//! Prints one JSON line: {"file_bytes", "lines", "generated": [...], "raw": [...], "export": {...}}.

#[path = "support/export_server.rs"]
#[allow(dead_code)] // what only the FOCUS bench uses
mod export_server;

use export_server::{File, SAS, gzip_file, manifest};
use futures::StreamExt;
use partner_billing_client::types::{Manifest, UsageLineItem};
use serde_json::{Value, json};
use std::io::Write;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;

/// Lines of the throughput file (about 100 MB of JSON).
const LINES: usize = 300_000;
/// Uncompressed bytes of the export tool's file.
const EXPORT_BYTES: u64 = 1 << 30;
const ROUNDS: usize = 5;

/// Peak resident memory of this process, in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmHWM:")
                    .map(|v| v.trim().trim_end_matches(" kB").trim().parse().unwrap_or(0))
            })
        })
        .unwrap_or(0)
}

/// One side, in this process: every line of the file at `base`, decoded.
async fn side(name: &str, base: &str) -> Value {
    let started = Instant::now();
    let mut lines = 0u64;
    let mut total = 0.0;
    if name == "generated" {
        let client = partner_billing_client::Client::builder()
            .base_url(base)
            .build()
            .unwrap();
        let manifest: Manifest = serde_json::from_value(manifest(base)).unwrap();
        let mut items = client.export_billed_usage_items(&manifest, Default::default());
        while let Some(item) = items.next().await {
            total += item.unwrap().item.billing_pre_tax_total.unwrap_or_default();
            lines += 1;
        }
    } else {
        /// Decodes each complete line of what the gzip decoder writes.
        struct Lines {
            pending: Vec<u8>,
            lines: u64,
            total: f64,
        }
        impl Write for Lines {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.pending.extend_from_slice(bytes);
                let mut start = 0;
                while let Some(end) = self.pending[start..].iter().position(|b| *b == b'\n') {
                    let item: UsageLineItem = serde_json::from_slice(&self.pending[start..start + end])?;
                    self.total += item.billing_pre_tax_total.unwrap_or_default();
                    self.lines += 1;
                    start += end + 1;
                }
                self.pending.drain(..start);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let url = format!("{base}/store/part-00000.json.gz?{SAS}");
        let response = reqwest::Client::new()
            .get(url)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        let mut decoder = flate2::write::GzDecoder::new(Lines {
            pending: Vec::new(),
            lines: 0,
            total: 0.0,
        });
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            decoder.write_all(&chunk.unwrap()).unwrap();
        }
        let sink = decoder.finish().unwrap();
        lines = sink.lines;
        total = sink.total;
    }
    json!({"seconds": started.elapsed().as_secs_f64(), "lines": lines, "total": total, "peak_rss_kib": peak_rss_kib()})
}

/// Runs this bench binary as `--side <name> <base>` and reads its JSON line.
fn run_side(name: &str, base: &str) -> Value {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--side", name, base])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Runs the tool's export against `base` into a scratch directory; its time and peak RSS.
fn export(base: &str) -> Value {
    let root = finops_spec::project_root().unwrap();
    let build = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["build", "--release", "-q", "-p", "partner-billing-cli"])
        .status()
        .unwrap();
    assert!(build.success());
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    // Waited for with `wait4` below, which also gives its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(target.join("release/partner-billing"))
        .args([
            "--base-url",
            base,
            "--token",
            "bench",
            "export-billed-usage",
            "--invoice-id",
            "G016907411",
            "--out",
        ])
        .arg(out.path().join("bill"))
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
    json!({
        "seconds": seconds,
        "uncompressed_bytes": EXPORT_BYTES,
        "lines": summary["lines"],
        "peak_rss_kib": usage.ru_maxrss,
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(index) = args.iter().position(|a| a == "--side") {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let result = runtime.block_on(side(&args[index + 1], &args[index + 2]));
        println!("{result}");
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let file = Arc::new(gzip_file(LINES));
    let file_bytes = file.len();
    // The server runs on its own thread; each side runs in its own process.
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (small, large) = server.block_on(async move {
        let small = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let large = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addresses = (small.local_addr().unwrap(), large.local_addr().unwrap());
        tokio::spawn(export_server::serve(small, File::Whole(file)));
        tokio::spawn(export_server::serve(large, File::Bytes(EXPORT_BYTES)));
        addresses
    });
    let (small, large) = (format!("http://{small}"), format!("http://{large}"));
    let mut generated = Vec::new();
    let mut raw = Vec::new();
    for _ in 0..ROUNDS {
        generated.push(run_side("generated", &small));
        raw.push(run_side("raw", &small));
    }
    for result in generated.iter().chain(&raw) {
        assert_eq!(result["lines"], LINES, "every line decoded: {result}");
    }
    let export = export(&large);
    println!(
        "{}",
        json!({"file_bytes": file_bytes, "lines": LINES, "generated": generated, "raw": raw, "export": export})
    );
}
