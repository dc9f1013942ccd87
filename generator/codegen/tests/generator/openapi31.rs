//! A spec written in OpenAPI 3.1 generates the same crates as the same spec written in 3.0.
//!
//! Each API under `specs/` is rewritten, file by file, into the 3.1 idiom: `openapi: 3.1.0` with
//! `jsonSchemaDialect`, `type: [T, 'null']` for `nullable: true`, `anyOf` with a `{type: 'null'}`
//! branch for a nullable `allOf` reference, numeric exclusive bounds, `examples` lists on schemas,
//! and `const` for a one-value enum. Both versions are generated into memory, and every file of the
//! client crate and of the tool, the API-surface summary and the counts must be byte-identical.

use crate::support;

use finops_codegen::codegen;
use finops_spec::{self as spec, ApiDir};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// How many times each 3.1 idiom was written, by name.
type Counts = BTreeMap<&'static str, usize>;

/// Rewrites one parsed spec file into the 3.1 idiom.
fn to_3_1(value: &mut Value, counts: &mut Counts) {
    match value {
        Value::Object(map) => {
            if map.remove("nullable") == Some(json!(true)) {
                match (map.get("type").cloned(), map.remove("allOf")) {
                    (Some(Value::String(ty)), None) => {
                        map.insert("type".into(), json!([ty, "null"]));
                        *counts.entry("type: [T, 'null']").or_default() += 1;
                    }
                    (_, Some(Value::Array(branches))) if branches.len() == 1 => {
                        map.insert("anyOf".into(), json!([branches[0], {"type": "null"}]));
                        *counts.entry("anyOf with a null branch").or_default() += 1;
                    }
                    other => panic!("a nullable schema this test cannot rewrite: {other:?}"),
                }
            }
            for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
                if map.get(exclusive) == Some(&json!(true)) {
                    let bound = map
                        .remove(inclusive)
                        .expect("a boolean exclusive bound beside its bound");
                    map.insert(exclusive.into(), bound);
                    *counts.entry("numeric exclusive bound").or_default() += 1;
                } else if map.get(exclusive) == Some(&json!(false)) {
                    map.remove(exclusive);
                }
            }
            // A schema: it has a `type` (parameters and media types hold theirs under `schema`).
            if map.get("type").is_some_and(|t| t.is_string() || t.is_array()) {
                if let Some(example) = map.remove("example") {
                    map.insert("examples".into(), json!([example]));
                    *counts.entry("schema examples").or_default() += 1;
                }
                if let Some(Value::Array(values)) = map.get("enum")
                    && values.len() == 1
                {
                    let value = values[0].clone();
                    map.remove("enum");
                    map.insert("const".into(), value);
                    *counts.entry("const").or_default() += 1;
                }
            }
            for (key, child) in map.iter_mut() {
                let data = key.starts_with("x-") || matches!(key.as_str(), "example" | "examples" | "default" | "enum");
                if !data {
                    to_3_1(child, counts);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| to_3_1(item, counts)),
        _ => {}
    }
}

/// Copies the API folder `from` to `to`, each OpenAPI file rewritten into 3.1 (written as JSON,
/// which is YAML); `facts.yaml` is the project's own format and is copied as it is.
fn rewrite_folder(from: &Path, to: &Path, root: bool, counts: &mut Counts) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        if path.is_dir() {
            rewrite_folder(&path, &target, false, counts);
            continue;
        }
        if entry.file_name() == "facts.yaml" || path.extension().is_none_or(|e| e != "yaml") {
            fs::copy(&path, &target).unwrap();
            continue;
        }
        let mut files = spec::SourceFiles::new(from.to_path_buf());
        let id = files.add(path.clone());
        let node =
            spec::yaml::parse(&fs::read(&path).unwrap(), id).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let mut value = node.to_json();
        to_3_1(&mut value, counts);
        if root && entry.file_name() == spec::ROOT_FILE {
            let document = value.as_object_mut().unwrap();
            document.insert("openapi".into(), json!("3.1.0"));
            document.insert(
                "jsonSchemaDialect".into(),
                json!("https://spec.openapis.org/oas/3.1/dialect/base"),
            );
        }
        fs::write(&target, serde_json::to_string_pretty(&value).unwrap() + "\n").unwrap();
    }
}

#[test]
fn each_api_rewritten_in_openapi_3_1_generates_byte_identical_crates() {
    let root = spec::project_root().expect("the tests run inside the checkout");
    let scratch = tempfile::tempdir().unwrap();
    let apis = spec::discover(&root.join("specs")).unwrap_or_else(|d| panic!("{d}"));
    let mut total = Counts::new();
    for api in &apis {
        let mut counts = Counts::new();
        rewrite_folder(
            &api.dir,
            &scratch.path().join("specs").join(&api.name),
            true,
            &mut counts,
        );
        // The rewrite changed every API's schemas, so the comparison below means something.
        assert!(!counts.is_empty(), "{}: nothing was rewritten", api.name);
        eprintln!("{}: {counts:?}", api.name);
        for (idiom, n) in counts {
            *total.entry(idiom).or_default() += n;
        }

        let rewritten = ApiDir {
            name: api.name.clone(),
            dir: scratch.path().join("specs").join(&api.name),
        };
        let loaded = spec::load(&rewritten, scratch.path()).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(loaded.written_version(), "3.1.0");
        assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);
    }

    for idiom in ["type: [T, 'null']", "const"] {
        assert!(
            total.contains_key(idiom),
            "no API has a schema to write as {idiom}: {total:?}"
        );
    }

    let from_3_0 = codegen::generate_all(&root).unwrap_or_else(|d| panic!("{d}"));
    let from_3_1 = codegen::generate_all(scratch.path()).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(from_3_0.len(), from_3_1.len());
    for (a, b) in from_3_0.iter().zip(&from_3_1) {
        assert_eq!(a.api, b.api);
        assert_eq!(a.surface, b.surface, "{}: the API-surface summaries differ", a.api);
        assert_eq!((a.operation_count, a.type_count), (b.operation_count, b.type_count));
        let files_a: Vec<_> = a.all_files().collect();
        let files_b: Vec<_> = b.all_files().collect();
        let paths = |files: &[(std::path::PathBuf, &String)]| files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&files_a), paths(&files_b), "{}: different files", a.api);
        for ((path, text_a), (_, text_b)) in files_a.iter().zip(&files_b) {
            if text_a != text_b {
                let line = text_a
                    .lines()
                    .zip(text_b.lines())
                    .position(|(x, y)| x != y)
                    .unwrap_or(0);
                panic!(
                    "{}: {} differs from line {}:\n  3.0: {}\n  3.1: {}",
                    a.api,
                    path.display(),
                    line + 1,
                    text_a.lines().nth(line).unwrap_or_default(),
                    text_b.lines().nth(line).unwrap_or_default()
                );
            }
        }
    }
}

/// A 3.1 folder dropped under `specs/` is generated like any other (`fixtures_compile` builds it),
/// and `codegen` names what it left out, at its line, under the API's line.
#[test]
fn a_3_1_folder_under_specs_generates_and_names_what_it_leaves_out() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi-3-1");
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("specs/budget-alerts");
    support::copy_spec_folder(&fixture, &dir);
    let mut out = Vec::new();
    codegen::run(scratch.path(), false, &mut out).unwrap_or_else(|e| panic!("{e}"));
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0]
            .starts_with("budget-alerts    → crates/budget-alerts-client and crates/budget-alerts-cli: 3 operations,"),
        "{out}"
    );
    assert_eq!(
        lines[1..3],
        [
            "  note: specs/budget-alerts/openapi.yaml:23:9 (at #/webhooks/budgetExceeded): webhook `budgetExceeded` is not generated: a client sends requests and does not receive webhooks",
            "  note: specs/budget-alerts/openapi.yaml:93:11 (at #/components/pathItems/Archive): path item `Archive` is not generated: no path refers to it",
        ]
    );
    let readme = fs::read_to_string(scratch.path().join("crates/budget-alerts-client/README.md")).unwrap();
    assert!(readme.contains(
        "## Not generated\n\n- `specs/budget-alerts/openapi.yaml:23`: webhook `budgetExceeded` is not generated"
    ));
    let api = fs::read_to_string(scratch.path().join("crates/budget-alerts-client/API.md")).unwrap();
    assert!(
        api.contains("→ Client::list_alerts(budget_id) →"),
        "the path item from its own file is generated"
    );
    assert!(
        api.contains("→ Client::update_budget(budget_id, body) →"),
        "the path item component is generated"
    );
    assert!(!api.contains("archive_budget"), "the unused path item is not");
}
