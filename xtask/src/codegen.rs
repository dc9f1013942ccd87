//! `cargo xtask codegen [--check]`: every API folder → one client crate, all in memory first.

use crate::diagnostic::Diagnostics;
use crate::emit::Plan;
use crate::generate::{self, CRATES_DIR, GeneratedCrate};
use crate::spec;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The command users run to bring generated files up to date.
pub const REGENERATE_COMMAND: &str = "cargo xtask codegen";

/// The repository root: the parent of the xtask crate.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the repository")
        .to_path_buf()
}

/// Loads and generates every API under `root/specs`. Fails when any API fails, reporting the
/// problems of every API, not only the first.
pub fn generate_all(root: &Path) -> Result<Vec<GeneratedCrate>, Diagnostics> {
    let apis = spec::discover(&root.join("specs"))?;
    let show_progress = std::io::stderr().is_terminal() && apis.len() > 1;
    let mut crates = Vec::new();
    let mut problems = Diagnostics::default();
    for (i, api) in apis.iter().enumerate() {
        if show_progress {
            eprint!("\rgenerating {} ({}/{})…\x1b[K", api.name, i + 1, apis.len());
        }
        match spec::load(api, root).and_then(|bundled| generate::generate(&bundled)) {
            Ok(krate) => crates.push(krate),
            Err(errors) => problems.0.extend(errors.0),
        }
    }
    if show_progress {
        eprint!("\r\x1b[K");
    }
    problems.into_result()?;
    Ok(crates)
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
        let counts = plan.summary_for(&krate.dir);
        let files: Vec<String> = counts.iter().map(|(what, n)| format!("{n} {what}")).collect();
        let verb = if check { "checked" } else { "files" };
        writeln!(
            out,
            "{:<16} → {}: {} operations, {} types; {verb}: {}",
            krate.api,
            krate.dir.display(),
            krate.operation_count,
            krate.type_count,
            files.join(", ")
        )?;
    }
    let orphans: Vec<_> = plan
        .drift()
        .filter(|f| !crates.iter().any(|c| f.path.starts_with(&c.dir)))
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
