//! `cargo xtask diff --base <rev>`: a Markdown report of what changed in each API since `rev`,
//! for pasting into a pull request.

use super::diff::{self, Finding, Level};
use crate::spec::{self, ApiDir};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// One API's changes.
pub struct ApiChanges {
    pub package: String,
    pub version_before: Option<String>,
    pub version_now: Option<String>,
    pub findings: Vec<Finding>,
}

/// Loads every API at `base` and in the working tree and compares them.
pub fn compare(root: &Path, base: &str) -> Result<Vec<ApiChanges>, String> {
    let scratch = tempfile_dir()?;
    super::git::checkout_specs(root, base, scratch.path())?;
    let load_all = |at: &Path, display: &Path| -> Result<Vec<(String, Value)>, String> {
        let specs = at.join("specs");
        if !specs.is_dir() {
            return Ok(Vec::new());
        }
        let apis = match spec::discover(&specs) {
            Ok(apis) => apis,
            Err(_)
                if std::fs::read_dir(&specs)
                    .map(|mut d| d.next().is_none())
                    .unwrap_or(true) =>
            {
                Vec::new()
            }
            Err(d) => return Err(d.to_string()),
        };
        apis.iter()
            .map(|api: &ApiDir| {
                spec::load(api, display)
                    .map(|b| (api.name.clone(), b.document.to_json()))
                    .map_err(|d| d.to_string())
            })
            .collect()
    };
    let before =
        load_all(scratch.path(), scratch.path()).map_err(|e| format!("the specs at `{base}` do not load:\n{e}"))?;
    let after = load_all(root, root)?;
    let mut names: Vec<&String> = before.iter().chain(after.iter()).map(|(n, _)| n).collect();
    names.sort();
    names.dedup();
    let version = |doc: Option<&Value>| {
        doc.and_then(|d| d.pointer("/info/x-rust-crate/version"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Ok(names
        .into_iter()
        .map(|name| {
            let old = before.iter().find(|(n, _)| n == name).map(|(_, d)| d);
            let new = after.iter().find(|(n, _)| n == name).map(|(_, d)| d);
            let findings = match (old, new) {
                (Some(a), Some(b)) => diff::diff(a, b),
                (None, Some(_)) => vec![Finding {
                    level: Level::NonBreaking,
                    rule: "api-added",
                    operation: "(whole API)".into(),
                    detail: format!("new API `{name}`"),
                }],
                (Some(_), None) => vec![Finding {
                    level: Level::Breaking,
                    rule: "api-removed",
                    operation: "(whole API)".into(),
                    detail: format!("API `{name}` removed; its crate is deleted"),
                }],
                (None, None) => Vec::new(),
            };
            ApiChanges {
                package: crate::generate::package_name(name),
                version_before: version(old),
                version_now: version(new),
                findings,
            }
        })
        .collect())
}

fn tempfile_dir() -> Result<ScratchDir, String> {
    let path = std::env::temp_dir().join(format!("xtask-diff-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&path).map_err(|e| e.to_string())?;
    Ok(ScratchDir(path))
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// A folder deleted when dropped.
struct ScratchDir(std::path::PathBuf);

impl ScratchDir {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The Markdown report.
pub fn markdown(base: &str, changes: &[ApiChanges]) -> String {
    let mut out = format!("## Spec changes since `{base}`\n");
    for api in changes {
        let _ = writeln!(out);
        if api.findings.is_empty() {
            let _ = writeln!(out, "### {} — no changes", api.package);
            continue;
        }
        let count = |level| api.findings.iter().filter(|f| f.level == level).count();
        let bump = api
            .version_before
            .as_deref()
            .and_then(|v| diff::required_bump(v, &api.findings));
        let verdict = match (&bump, &api.version_now) {
            (Some(needed), Some(now)) if version_at_least(now, needed) => {
                format!("needs {needed}; the spec's version {now} covers it")
            }
            (Some(needed), Some(now)) => {
                format!("needs **{needed}** (the spec says {now}: bump `info.x-rust-crate.version`)")
            }
            (Some(needed), None) => format!("needs {needed}"),
            (None, _) => "new crate".into(),
        };
        let _ = writeln!(
            out,
            "### {} — {} breaking, {} warning, {} non-breaking; {verdict}\n",
            api.package,
            count(Level::Breaking),
            count(Level::Warning),
            count(Level::NonBreaking)
        );
        let _ = writeln!(out, "| Level | Rule | Operation | Change |\n|---|---|---|---|");
        for f in &api.findings {
            let level = match f.level {
                Level::Breaking => "**breaking**".to_string(),
                other => other.to_string(),
            };
            let _ = writeln!(
                out,
                "| {level} | `{}` | {} | {} |",
                f.rule,
                f.operation.replace('|', "\\|"),
                f.detail.replace('|', "\\|")
            );
        }
    }
    out
}

fn version_at_least(have: &str, need: &str) -> bool {
    let parse = |v: &str| -> Vec<u64> {
        v.split(['-', '+'])
            .next()
            .unwrap_or_default()
            .split('.')
            .filter_map(|p| p.parse().ok())
            .collect()
    };
    parse(have) >= parse(need)
}
