//! `cargo xtask lint`: a spec that breaks every house rule gets one finding per rule, each with
//! its rule id, severity, file:line and pointer; our own specs get none.

use crate::review::lint::{self, Severity};
use crate::spec::{self, ApiDir};
use std::fs;
use std::path::Path;

const BROKEN: &str = r#"openapi: 3.0.3
info: {title: Broken, version: '1'}
paths:
  /things:
    get:
      operationId: Things
      description: Lists things, as on http://example.com/things.
      parameters:
        - name: mode
          in: query
          schema: {type: string, enum: [a, b, a]}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              example: {id: seven}
    post:
      operationId: create_thing
      summary: Create a thing
      externalDocs: {url: 'https://example.com/docs'}
      security: [{bearer: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                size: {type: integer, default: 3}
      responses:
        '201': {description: Created}
        '400': {description: Bad}
  /pages:
    get:
      operationId: list_pages
      summary: List pages
      description: Up to 100 requests per minute.
      externalDocs: {url: 'https://example.com/docs'}
      security: [{bearer: []}]
      responses:
        '200':
          description: One page.
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {type: integer}}
                  nextLink: {type: string}
        '400': {description: Bad}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Thing:
      type: object
      properties:
        id: {type: integer}
        label: {description: no type}
    Unused: {type: string}
"#;

#[test]
fn every_rule_reports_with_its_id_and_position() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("specs/broken");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("openapi.yaml"), BROKEN).unwrap();
    let loaded = spec::load(
        &ApiDir {
            name: "broken".into(),
            dir,
        },
        root.path(),
    )
    .expect("the spec loads");
    let findings: Vec<String> = lint::lint(&loaded)
        .iter()
        .map(|f| {
            let text = f.to_string();
            text.lines().next().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        findings,
        [
            "error[description-bare-url]: specs/broken/openapi.yaml:7:20 (at #/paths/~1things/get/description): the text has a bare URL, http://example.com/things",
            "error[docs-agree]: specs/broken/openapi.yaml:39:20 (at #/paths/~1pages/get/description): operation `list_pages`'s text gives a rate limit (100 requests per minute) that no `x-rate-limits` declares",
            "error[enum-duplicates]: specs/broken/openapi.yaml:11:40 (at #/paths/~1things/get/parameters/0/schema/enum): enum value \"a\" is listed twice",
            "error[example-valid]: specs/broken/openapi.yaml:18:24 (at #/paths/~1things/get/responses/200/content/application~1json/example): the example does not match its schema: \"seven\" is not of type \"integer\" (at /id)",
            "error[operation-error-response]: specs/broken/openapi.yaml:13:14 (at #/paths/~1things/get/responses): operation `Things` documents no error response",
            "error[operation-external-docs]: specs/broken/openapi.yaml:6:18 (at #/paths/~1things/get): operation `Things` does not link its source page",
            "error[operation-id-style]: specs/broken/openapi.yaml:6:20 (at #/paths/~1things/get/operationId): operationId `Things` is not snake_case verb_noun",
            "error[operation-security]: specs/broken/openapi.yaml:6:18 (at #/paths/~1things/get): operation `Things` has no security requirement",
            "error[operation-summary]: specs/broken/openapi.yaml:6:18 (at #/paths/~1things/get): operation `Things` has no summary",
            "error[property-type]: specs/broken/openapi.yaml:61:16 (at #/components/schemas/Thing/properties/label): property `label` has no type",
            "error[servers]: specs/broken/openapi.yaml:1:8: the document lists no `servers`",
            "error[source-facts]: specs/broken/facts.yaml: the API has no facts record",
            "warning[inline-enum]: specs/broken/openapi.yaml:11:19 (at #/paths/~1things/get/parameters/0/schema): this string enum is inline, so it generates a closed enum",
            "warning[pagination-undeclared]: specs/broken/openapi.yaml:44:22 (at #/paths/~1pages/get/responses/200): operation `list_pages` returns an items array with `nextLink`, but declares no `x-pagination`",
            "warning[request-default]: specs/broken/openapi.yaml:31:48 (at #/paths/~1things/post/requestBody/content/application~1json/schema/properties/size/default): a request schema has a `default`; generated code sends it on every call",
            "warning[unused-component]: specs/broken/openapi.yaml:62:13 (at #/components/schemas/Unused): component `Unused` is not referenced",
        ]
    );
    assert!(lint::lint(&loaded).iter().any(|f| f.severity == Severity::Error));
}

#[test]
fn our_specs_are_lint_clean() {
    let root = spec::project_root().expect("the tests run inside the checkout");
    for api in spec::discover(&root.join("specs")).unwrap() {
        let findings: Vec<String> = lint::lint_api(&api, &root).iter().map(ToString::to_string).collect();
        assert!(findings.is_empty(), "{}:\n{}", api.name, findings.join("\n"));
    }
}

/// Copies an API folder, leaving out the corpus's `expected.txt`.
fn copy_case(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_case(&entry.path(), &target);
        } else if entry.file_name() != "expected.txt" {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Lint and codegen share one gate: every case of the broken-spec corpus fails `lint` with the
/// exact message `codegen` gives (its `expected.txt`).
#[test]
fn every_broken_spec_fails_lint_with_codegens_message() {
    let root = spec::project_root().expect("the tests run inside the checkout");
    let cases = root.join("generator/codegen/tests/broken");
    let mut names: Vec<_> = fs::read_dir(&cases).unwrap().flatten().map(|e| e.file_name()).collect();
    names.sort();
    assert!(names.len() >= 28, "cases went missing");
    let mut failures = Vec::new();
    for name in names {
        let scratch = tempfile::tempdir().unwrap();
        copy_case(&cases.join(&name), &scratch.path().join("specs/broken"));
        let linted = match spec::discover(&scratch.path().join("specs")) {
            Err(diagnostics) => diagnostics.to_string(),
            Ok(apis) => apis
                .iter()
                .flat_map(|api| lint::lint_api(api, scratch.path()))
                .filter(|finding| finding.rule == "spec-load")
                .map(|finding| finding.diagnostic.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        };
        let expected = fs::read_to_string(cases.join(&name).join("expected.txt")).unwrap();
        if linted.trim_end() != expected.trim_end() {
            failures.push(format!("{name:?}: lint says\n{linted}\nbut codegen says\n{expected}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The README's rule table names every rule `cargo xtask lint --rules` lists.
#[test]
fn the_readme_lists_every_rule() {
    let root = spec::project_root().expect("the tests run inside the checkout");
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let table: Vec<&str> = readme.lines().filter(|line| line.starts_with("| `")).collect();
    for (id, severity, _) in lint::RULES {
        let row = table
            .iter()
            .find(|row| row.split('|').nth(1).is_some_and(|c| c.contains(&format!("`{id}`"))));
        let Some(row) = row else {
            panic!("README.md's rule table has no row for `{id}`")
        };
        let severity = format!("{severity:?}").to_lowercase();
        assert!(
            row.contains(&format!("| {severity} |")),
            "README.md gives `{id}` another severity: {row}"
        );
    }
}

/// A 3.1 spec is linted in its lowered form, each finding at the line the author wrote; what the
/// client leaves out (a webhook) is a `not-generated` warning.
const BROKEN_3_1: &str = r#"openapi: 3.1.0
info: {title: Broken, version: '1'}
servers: [{url: 'https://api.example.com'}]
security: [{bearer: []}]
paths:
  /things/{id}:
    get:
      operationId: get_thing
      summary: Get a thing.
      externalDocs: {url: 'https://example.com/docs'}
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              example: {count: 0, label: null}
        '404': {description: Missing}
webhooks:
  thingChanged:
    post:
      responses: {'204': {description: Received.}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Thing:
      type: object
      properties:
        count: {type: integer, exclusiveMinimum: 0}
        label:
          type: [string, 'null']
          description: See http://example.com/labels.
"#;

#[test]
fn a_3_1_spec_is_linted_at_its_own_lines() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("specs/broken");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("openapi.yaml"), BROKEN_3_1).unwrap();
    let api = ApiDir {
        name: "broken".into(),
        dir,
    };
    let findings: Vec<String> = lint::lint_api(&api, root.path())
        .iter()
        .map(|f| f.to_string().lines().next().unwrap().to_string())
        .collect();
    assert_eq!(
        findings,
        [
            "error[description-bare-url]: specs/broken/openapi.yaml:35:24 (at #/components/schemas/Thing/properties/label/description): the text has a bare URL, http://example.com/labels",
            "error[example-valid]: specs/broken/openapi.yaml:19:24 (at #/paths/~1things~1{id}/get/responses/200/content/application~1json/example): the example does not match its schema: 0 is less than or equal to the minimum of 0 (at /count)",
            "error[source-facts]: specs/broken/facts.yaml: the API has no facts record",
            "warning[not-generated]: specs/broken/openapi.yaml:23:9 (at #/webhooks/thingChanged): webhook `thingChanged` is not generated: a client sends requests and does not receive webhooks",
        ]
    );
}
