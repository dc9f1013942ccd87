//! Pins the generator's output.
//!
//! - Every API under `specs/` (discovered, so a new folder is covered without editing this file):
//!   its snapshot holds a SHA-256 digest of every generated file and the public-surface summary.
//!   The files themselves are committed once, under `crates/`, and `committed_crates_are_fresh`
//!   compares them byte for byte with a fresh generation.
//! - Every fixture under `generator/codegen/tests/fixtures/` (one small spec per generator feature): its
//!   snapshot holds every generated file in full.

use finops_codegen::codegen::{self, REGENERATE_COMMAND};
use finops_codegen::emit::Plan;
use finops_codegen::generate::{self, CRATES_DIR, GeneratedCrate};
use finops_spec::{self as spec, ApiDir};
use sha2::{Digest, Sha256};
use std::path::Path;

fn manifest(krate: &GeneratedCrate) -> String {
    let mut out = format!(
        "package: {}\noperations: {}, types: {}\nfiles:\n",
        krate.package, krate.operation_count, krate.type_count
    );
    for (path, contents) in krate.all_files() {
        let path = path.strip_prefix("crates").unwrap_or(&path).to_path_buf();
        let digest = Sha256::digest(contents.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        out.push_str(&format!(
            "  {:<40} {:>6} lines  sha256:{hex}\n",
            path.display(),
            contents.lines().count()
        ));
    }
    for rewrite in &krate.rewrites {
        out.push_str(&format!(
            "rewrite {} ({}): {}\n",
            rewrite.target, rewrite.rule, rewrite.detail
        ));
    }
    out.push_str(&krate.surface);
    out
}

/// Asserts `text` against `tests/snapshots/snapshots__<name>.snap`, the file this module's
/// snapshots have always had, whatever binary the module is linked into.
fn pinned(name: &str, text: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(format!("snapshots__{name}"), text));
}

#[test]
fn every_api_is_pinned() {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let crates = codegen::generate_all(&root).unwrap_or_else(|d| panic!("{d}"));
    for krate in &crates {
        pinned(&format!("api__{}", krate.api), manifest(krate));
    }
}

#[test]
fn committed_crates_are_fresh() {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let crates = codegen::generate_all(&root).unwrap_or_else(|d| panic!("{d}"));
    let plan = Plan::new(&root, &crates, Path::new(CRATES_DIR)).unwrap();
    let stale: Vec<_> = plan.drift().map(|f| f.path.display().to_string()).collect();
    assert!(
        stale.is_empty(),
        "generated files are out of date with specs/: {}\n{}\nRun `{REGENERATE_COMMAND}` and commit the result.",
        stale.join(", "),
        plan.diff(20)
    );
}

#[test]
fn generation_is_deterministic() {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let first = codegen::generate_all(&root).unwrap_or_else(|d| panic!("{d}"));
    let second = codegen::generate_all(&root).unwrap_or_else(|d| panic!("{d}"));
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.files, b.files, "two generations of {} differ", a.api);
        assert_eq!(a.cli.files, b.cli.files, "two generations of {}'s tool differ", a.api);
    }
}

#[test]
fn every_fixture_is_pinned() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let apis = spec::discover(&fixtures).unwrap_or_else(|d| panic!("{d}"));
    assert!(apis.len() >= 4, "fixtures went missing: {apis:?}");
    for api in apis {
        let krate = generate_fixture(&api, &root);
        let mut text = String::new();
        for (path, contents) in krate.all_files() {
            text.push_str(&format!("==> {} <==\n{contents}\n", path.display()));
        }
        pinned(&format!("fixture__{}", api.name), text);
    }
}

fn generate_fixture(api: &ApiDir, root: &Path) -> GeneratedCrate {
    let bundled = spec::load(api, root).unwrap_or_else(|d| panic!("{}: {d}", api.name));
    generate::generate(&bundled).unwrap_or_else(|d| panic!("{}: {d}", api.name))
}

/// Examples of every crate share `target/*/examples/`, so no two crates may name an example
/// alike (cargo warns of colliding output files, and one build overwrites the other).
#[test]
fn example_programs_have_names_unique_across_crates() {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let crates = codegen::generate_all(&root).unwrap_or_else(|d| panic!("{d}"));
    let mut seen = std::collections::BTreeMap::new();
    for krate in &crates {
        for path in krate.files.keys().filter(|p| p.starts_with("examples")) {
            if let Some(other) = seen.insert(path.clone(), krate.package.clone()) {
                panic!("{} and {} both have {}", other, krate.package, path.display());
            }
        }
    }
    assert!(!seen.is_empty(), "no example was generated");
}

/// Every code example in a generated crate's docs is compiled by `cargo test --doc` (`no_run`
/// where it needs a server): none is `ignore`d, so none can go stale unnoticed.
#[test]
fn no_doc_example_is_ignored() {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let mut crates = codegen::generate_all(&root).unwrap_or_else(|d| panic!("{d}"));
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for api in spec::discover(&fixtures).unwrap_or_else(|d| panic!("{d}")) {
        crates.push(generate_fixture(&api, &root));
    }
    let mut ignored = Vec::new();
    for krate in &crates {
        for (path, text) in krate.all_files() {
            let fences = text.lines().filter(|line| {
                let line = line.trim_start_matches(['/', '!', '*', ' ']);
                line.starts_with("```") && line.contains("ignore")
            });
            ignored.extend(fences.map(|line| format!("{}: {line}", path.display())));
        }
    }
    assert!(ignored.is_empty(), "ignored doc examples:\n{}", ignored.join("\n"));
}
