//! Support for the HTTP tests of the generated clients (in `tests/`): the specs' own schemas, as
//! JSON Schema validators, to prove that what a client sends and what a mock server answers are
//! valid per the spec; [`scripted::ScriptedServer`], a raw server that misbehaves on cue; and
//! [`log::CapturedLog`], a log a test reads back; [`examples`], the example programs built and
//! run; and, as doctests, [`compile_fail`]: the calls that must not compile.

pub mod compile_fail;
pub mod examples;
pub mod log;
pub mod scripted;

use finops_spec::{self as spec, ApiDir, json_schema};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

/// The bundled spec of `api` (a folder under `specs/`) as JSON, loaded once per test binary.
pub fn bundled_spec(api: &str) -> Value {
    static CACHE: OnceLock<Mutex<BTreeMap<String, Value>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(api.to_string())
        .or_insert_with(|| {
            let root = finops_spec::project_root().expect("the tests run inside the checkout");
            let dir = ApiDir {
                name: api.to_string(),
                dir: root.join("specs").join(api),
            };
            spec::load(&dir, &root)
                .unwrap_or_else(|d| panic!("{d}"))
                .document
                .to_json()
        })
        .clone()
}

/// `node` itself, or what its local `$ref` points to in `spec` (`Null` if nothing).
pub fn resolve_ref(spec: &Value, node: &Value) -> Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => spec.pointer(r.trim_start_matches('#')).cloned().unwrap_or(Value::Null),
        None => node.clone(),
    }
}

/// Asserts that `instance` is valid against component schema `component` of `api`'s spec, with
/// formats (uuid, date-time) enforced. Panics listing every violation.
pub fn assert_matches_schema(api: &str, component: &str, instance: &Value) {
    let schema = json_schema::component_schema(&bundled_spec(api), component);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema {component} of {api} is not valid JSON Schema: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{instance} does not match {api} schema {component}:\n{}",
        errors.join("\n")
    );
}

/// The one request `server` received; panics when it received none or several.
pub async fn only_request(server: &wiremock::MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// The names of the headers of `request`, sorted.
pub fn header_names(request: &wiremock::Request) -> Vec<String> {
    let mut names: Vec<String> = request.headers.keys().map(|k| k.as_str().to_string()).collect();
    names.sort();
    names
}

/// The value of header `name` of `request`; panics when it is missing or not text.
pub fn header<'r>(request: &'r wiremock::Request, name: &str) -> &'r str {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// Every request `server` received, in order.
pub async fn all_requests(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("request recording is on")
}

/// The JSON body of `request`; panics when it is not JSON.
pub fn json_body(request: &wiremock::Request) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

/// Asserts that the file at `path` (from the checkout's root) states `claim`, whitespace folded:
/// the counts a README gives are the ones this test computes.
pub fn assert_readme_states(path: &str, claim: &str) {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(fold(&text).contains(&fold(claim)), "{path} does not state: {claim}");
}

/// The documented example of the first success response of operation `operation_id` of `api`
/// (its `example`, or the first of its `examples`); `None` when it has no body.
pub fn success_example(api: &str, operation_id: &str) -> Option<Value> {
    let spec = bundled_spec(api);
    let operation = spec["paths"]
        .as_object()?
        .values()
        .flat_map(|item| item.as_object().into_iter().flat_map(|methods| methods.values()))
        .find(|operation| operation["operationId"] == operation_id)
        .unwrap_or_else(|| panic!("{api} has no operation {operation_id}"));
    let (_, response) = operation["responses"]
        .as_object()?
        .iter()
        .find(|(status, _)| status.starts_with('2'))?;
    let media = resolve_ref(&spec, response)
        .pointer("/content/application~1json")?
        .clone();
    media.get("example").cloned().or_else(|| {
        let first = media.get("examples")?.as_object()?.values().next()?;
        resolve_ref(&spec, first).get("value").cloned()
    })
}
