//! One measured run, in its own process so its peak memory is its own: our pipeline on a spec
//! folder, or the baseline (raw progenitor + prettyplease) on a bundled spec.

use crate::emit::Plan;
use crate::generate::CRATES_DIR;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident memory of this process in KiB (Linux `VmHWM`; 0 elsewhere).
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// User and system CPU time of this process so far, in ms (Linux `/proc/self/stat`; NaN
/// elsewhere).
pub fn cpu_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    // Linux reports these in clock ticks of 1/100 s (USER_HZ) on every common platform.
    (ticks(11) + ticks(12)) * 10.0
}

/// Our whole pipeline on every API under `root/specs`, writing into `root/crates`: what
/// `cargo xtask codegen` runs. Stage times are summed over APIs and threads; `cpu_ms` is the
/// process's user and system time.
pub fn ours(root: &Path) -> Result<Value, String> {
    let started = Instant::now();
    let (crates, times) = crate::codegen::generate_all_timed(root).map_err(|d| d.to_string())?;
    let t = Instant::now();
    let plan = Plan::new(root, &crates, Path::new(CRATES_DIR)).map_err(|e| e.to_string())?;
    plan.apply(root).map_err(|e| e.to_string())?;
    let write = t.elapsed();
    let lines: usize = crates
        .iter()
        .flat_map(|c| c.all_files().map(|(_, text)| text))
        .map(|text| text.lines().count())
        .sum();
    Ok(json!({
        "total_ms": ms(started.elapsed()),
        "cpu_ms": cpu_ms(),
        "load_ms": ms(times.load),
        "check_ms": ms(times.check),
        "normalize_ms": ms(times.normalize),
        "progenitor_ms": ms(times.progenitor),
        "progenitor_tree_ms": ms(times.progenitor_tree),
        "client_layer_ms": ms(times.client_layer),
        "crate_files_ms": ms(times.crate_files),
        "write_ms": ms(write),
        "lines": lines,
        "peak_rss_kib": peak_rss_kib(),
    }))
}

/// The baseline: a bundled spec through raw progenitor (builder interface, default settings) and
/// prettyplease, written to `out`.
pub fn baseline(bundled: &Path, out: &Path) -> Result<Value, String> {
    let started = Instant::now();
    let text = std::fs::read_to_string(bundled).map_err(|e| e.to_string())?;
    let spec: openapiv3::OpenAPI = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let parse = started.elapsed();
    let t = Instant::now();
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged);
    let tokens = progenitor::Generator::new(&settings)
        .generate_tokens(&spec)
        .map_err(|e| e.to_string())?;
    let progenitor = t.elapsed();
    let t = Instant::now();
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    let code = prettyplease::unparse(&file);
    let format = t.elapsed();
    let t = Instant::now();
    std::fs::write(out, &code).map_err(|e| e.to_string())?;
    let write = t.elapsed();
    Ok(json!({
        "total_ms": ms(started.elapsed()),
        "cpu_ms": cpu_ms(),
        "load_ms": ms(parse),
        "progenitor_ms": ms(progenitor),
        "format_ms": ms(format),
        "write_ms": ms(write),
        "lines": code.lines().count(),
        "peak_rss_kib": peak_rss_kib(),
    }))
}
