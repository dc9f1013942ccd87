//! `cargo xtask codegen [--check]`: every API folder → one client crate, all in memory first.

use crate::diagnostic::Diagnostics;
use crate::emit::Plan;
use crate::generate::{self, CRATES_DIR, GeneratedCrate, StageTimes};
use crate::spec;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The command users run to bring generated files up to date.
pub const REGENERATE_COMMAND: &str = "cargo xtask codegen";

/// Loads and generates every API under `root/specs`. Fails when any API fails, reporting the
/// problems of every API, not only the first.
pub fn generate_all(root: &Path) -> Result<Vec<GeneratedCrate>, Diagnostics> {
    generate_all_timed(root).map(|(crates, _)| crates)
}

/// [`generate_all`], with the time each stage took summed over the APIs. APIs are independent,
/// so they are generated on as many threads as the machine has cores; the results, and so the
/// files, do not depend on which thread finishes first.
pub fn generate_all_timed(root: &Path) -> Result<(Vec<GeneratedCrate>, StageTimes), Diagnostics> {
    let apis = spec::discover(&root.join("specs"))?;
    let show_progress = std::io::stderr().is_terminal() && apis.len() > 1;
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<ApiResult>>> = apis.iter().map(|_| Mutex::new(None)).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(apis.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(api) = apis.get(index) else { break };
                    let result = generate_one(api, root);
                    *results[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                    let done = finished.fetch_add(1, Ordering::Relaxed) + 1;
                    if show_progress {
                        eprint!(
                            "\rgenerating: {done}/{} APIs done (last: {})…\x1b[K",
                            apis.len(),
                            api.name
                        );
                    }
                }
            });
        }
    });
    if show_progress {
        eprint!("\r\x1b[K");
    }
    let mut crates = Vec::new();
    let mut times = StageTimes::default();
    let mut problems = Diagnostics::default();
    for result in results {
        match result.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(Ok((krate, api_times))) => {
                crates.push(krate);
                times += api_times;
            }
            Some(Err(errors)) => problems.0.extend(errors.0),
            None => {}
        }
    }
    problems.into_result()?;
    Ok((crates, times))
}

type ApiResult = Result<(GeneratedCrate, StageTimes), Diagnostics>;

/// One API from its folder to its crate in memory.
fn generate_one(api: &spec::ApiDir, root: &Path) -> ApiResult {
    let mut times = StageTimes::default();
    let (_, krate) = accept(api, root, &mut times)?;
    Ok((krate, times))
}

/// Whether an API's spec is accepted: the one gate that `codegen`, `lint` and `bench` share. The
/// stages in order: bundle → lower (OpenAPI 3.1) → check → prepare (normalize, model, crate metadata) → render
/// (progenitor, the client layer, the crate files), all in memory. A spec is accepted when every
/// stage succeeds; what it generates comes back with it.
pub fn accept(
    api: &spec::ApiDir,
    root: &Path,
    times: &mut StageTimes,
) -> Result<(spec::BundledSpec, GeneratedCrate), Diagnostics> {
    let started = Instant::now();
    let bundled = spec::read(api, root)?;
    times.load += started.elapsed();
    let started = Instant::now();
    let document = spec::check_bundled(&bundled)?;
    times.check += started.elapsed();
    let started = Instant::now();
    let prepared = generate::prepare(&bundled, document)?;
    times.normalize += started.elapsed();
    let krate = generate::render(&prepared, times)?;
    Ok((bundled, krate))
}

/// What a codegen run found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Files are up to date (check) or were written (write).
    Done,
    /// Check mode found differences.
    Stale,
}

pub fn run(root: &Path, check: bool, out: &mut impl Write) -> Result<Outcome, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let crates = generate_all(root).map_err(|d| d.to_string())?;
    let plan = Plan::new(root, &crates, Path::new(CRATES_DIR))?;
    if !check {
        plan.apply(root)?;
    }
    for krate in &crates {
        let mut counts = plan.summary_for(&krate.dir);
        for (what, n) in plan.summary_for(&krate.cli.dir) {
            *counts.entry(what).or_insert(0) += n;
        }
        let files: Vec<String> = counts.iter().map(|(what, n)| format!("{n} {what}")).collect();
        let verb = if check { "checked" } else { "files" };
        writeln!(
            out,
            "{:<16} → {} and {}: {} operations, {} types; {verb}: {}",
            krate.api,
            krate.dir.display(),
            krate.cli.dir.display(),
            krate.operation_count,
            krate.type_count,
            files.join(", ")
        )?;
        for note in &krate.notes {
            writeln!(out, "  {note}")?;
        }
    }
    let orphans: Vec<_> = plan
        .drift()
        .filter(|f| {
            !crates
                .iter()
                .any(|c| c.dirs().iter().any(|dir| f.path.starts_with(dir)))
        })
        .collect();
    for orphan in &orphans {
        writeln!(
            out,
            "{}: no spec folder generates it any more{}",
            orphan.path.display(),
            if check { "" } else { " (deleted)" }
        )?;
    }
    let drift = plan.drift().count();
    if check && drift > 0 {
        write!(out, "{}", plan.diff(40))?;
        writeln!(
            out,
            "error: {drift} generated file(s) are out of date with specs/. Run `{REGENERATE_COMMAND}` and commit the result."
        )?;
        return Ok(Outcome::Stale);
    }
    writeln!(
        out,
        "{} API(s) in {:.2} s",
        crates.len(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(Outcome::Done)
}
