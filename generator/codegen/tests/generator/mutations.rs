//! Property tests: random mutations of our real specs never make the loader, the bundler, the
//! checks or the generator panic. Every outcome is a spec or an error message that names a file.
//!
//! Case counts: `PROPTEST_CASES` overrides the defaults below (e.g. `PROPTEST_CASES=5000`).

use finops_spec::{self as spec, ApiDir};
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::fs;
use std::path::{Path, PathBuf};

/// Every file of every API under `specs/`, and of the OpenAPI 3.1 fixture (as `specs/openapi-3-1/`,
/// so the lowering stage is mutated too), as (path relative to `specs/`, bytes).
fn real_specs() -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                out.push((path.strip_prefix(base).unwrap().to_path_buf(), fs::read(&path).unwrap()));
            }
        }
    }
    let specs = finops_spec::project_root()
        .expect("the tests run inside the checkout")
        .join("specs");
    let mut out = Vec::new();
    walk(&specs, &specs, &mut out);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    walk(&fixtures.join("openapi-3-1"), &fixtures, &mut out);
    out
}

/// One edit of one file, the kinds a person editing YAML by hand makes (and a few they do not).
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Indent(usize, bool),
    Truncate(usize),
    InsertByte(usize, u8),
    ReplaceByte(usize, u8),
    ReplaceToken(usize, &'static str),
}

const TOKENS: &[&str] = &[
    "$ref: '#/components/schemas/Nope'",
    "$ref: '../openapi.yaml#/components/schemas'",
    "$ref: missing.yaml",
    "$ref: '#'",
    "nullable: true",
    "type: array",
    "enum: []",
    "default: {}",
    "required: [ghost]",
    "oneOf: []",
    "- ",
    "&a ",
    "*a",
    "~",
    "null",
    "'",
    "\"",
    "{",
    "]",
    ": ",
    "\t",
    "1e999",
    "!!binary",
    "<<: *a",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), any::<bool>()).prop_map(|(l, deeper)| Mutation::Indent(l, deeper)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::InsertByte(at, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::ReplaceByte(at, b)),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(at, t)| Mutation::ReplaceToken(at, t)),
    ]
}

fn apply(bytes: &[u8], mutation: &Mutation) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let n = lines.len().max(1);
    let len = bytes.len().max(1);
    match *mutation {
        Mutation::DeleteLine(i) => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) => {
            let line = lines[i % n].clone();
            lines.insert(i % n, line);
        }
        Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
        Mutation::Indent(i, deeper) => {
            let line = &mut lines[i % n];
            if deeper {
                line.splice(0..0, *b"  ");
            } else if line.starts_with(b"  ") {
                line.drain(0..2);
            }
        }
        Mutation::Truncate(at) => return bytes[..at % len].to_vec(),
        Mutation::InsertByte(at, b) => {
            let mut out = bytes.to_vec();
            out.insert(at % len, b);
            return out;
        }
        Mutation::ReplaceByte(at, b) => {
            let mut out = bytes.to_vec();
            if !out.is_empty() {
                out[at % len] = b;
            }
            return out;
        }
        Mutation::ReplaceToken(i, token) => {
            let line = &mut lines[i % n];
            let indent = line.iter().take_while(|&&b| b == b' ').count();
            line.truncate(indent);
            line.extend_from_slice(token.as_bytes());
        }
    }
    lines.join(&b'\n')
}

/// Writes the specs with `mutations` applied (each to the file it picks) into a scratch root.
fn scratch(files: &[(PathBuf, Vec<u8>)], mutations: &[(usize, Mutation)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let mut files = files.to_vec();
    for (pick, mutation) in mutations {
        let index = pick % files.len();
        files[index].1 = apply(&files[index].1, mutation);
    }
    for (path, bytes) in &files {
        let target = root.path().join("specs").join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
    }
    root
}

fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(1000))]

    /// Loading (YAML parse, bundling, checks) of every API never panics, and every failure
    /// names a file under `specs/`.
    #[test]
    fn loading_mutated_specs_never_panics(mutations in prop::collection::vec((any::<usize>(), mutation()), 1..4)) {
        let files = real_specs();
        let root = scratch(&files, &mutations);
        for api in ["cloudhealth", "partner-center", "respan", "openapi-3-1"] {
            let dir = ApiDir { name: api.to_string(), dir: root.path().join("specs").join(api) };
            if let Err(diagnostics) = spec::load(&dir, root.path()) {
                let message = diagnostics.to_string();
                prop_assert!(message.starts_with("error: "), "{}", message);
                prop_assert!(message.contains("specs/") || message.contains(api), "{}", message);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(60))]

    /// The whole pipeline, progenitor included, never panics on a mutated spec, and a failed run
    /// writes nothing.
    #[test]
    fn generating_mutated_specs_never_panics(mutations in prop::collection::vec((any::<usize>(), mutation()), 1..3)) {
        let files = real_specs();
        let root = scratch(&files, &mutations);
        let mut out = Vec::new();
        match finops_codegen::codegen::run(root.path(), false, &mut out) {
            Ok(_) => prop_assert!(root.path().join("crates").is_dir()),
            Err(error) => {
                prop_assert!(error.to_string().starts_with("error: "), "{}", error);
                prop_assert!(!root.path().join("crates").exists(), "a failed run wrote files");
            }
        }
    }
}
