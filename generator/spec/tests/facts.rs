//! The facts record (`specs/<api>/facts.yaml`) is checked against the spec in both directions, and
//! every recorded fact is load-bearing: removing any property, parameter, status or response header
//! from one of our specs makes the check fail and name what was removed.

use finops_spec::facts::{self, Summary};
use finops_spec::node::{Kind, Node};
use finops_spec::walk::resolve;
use finops_spec::{self as spec, ApiDir, BundledSpec};
use serde_json::Value;
use std::fs;

const SPEC: &str = r#"openapi: 3.0.3
info: {title: Shop, version: '1'}
servers: [{url: 'https://shop.example'}]
paths:
  /things/{id}:
    get:
      operationId: get_thing
      summary: Get a thing
      externalDocs: {url: 'https://shop.example/docs/get-thing'}
      x-doc-errata:
        - page: The page says `size` is a string.
          spec: size is an integer.
          why: Every example sends a number.
          facts: [schemas.Thing.fields.size.type]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The thing.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        '404': {description: Not found.}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
        size: {type: integer}
        color: {$ref: '#/components/schemas/Color'}
    Color: {type: string, enum: [red, blue]}
"#;

const FACTS: &str = r#"sources:
  page: {url: 'https://shop.example/docs/get-thing'}
  sdk: {repo: shop/sdk, commit: 0123456789abcdef0123456789abcdef01234567}
schemas:
  Thing:
    source: page
    fields:
      id: {type: string, required: true}
      size: {type: string}
      color: {type: string, enum: [red, blue], source: 'sdk:models/thing.py'}
operations:
  get_thing:
    source: page
    method: get
    path: /things/{id}
    parameters:
      id: {in: path, type: string, required: true}
    statuses: [200, 404]
"#;

/// Checks the shop API after applying `edit` to its spec and facts texts; the findings' first lines.
fn check_shop(edit: impl FnOnce(&mut String, &mut String)) -> Result<Summary, Vec<String>> {
    let (mut spec_text, mut facts_text) = (SPEC.to_string(), FACTS.to_string());
    edit(&mut spec_text, &mut facts_text);
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("specs/shop");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("openapi.yaml"), spec_text).unwrap();
    fs::write(dir.join(facts::FACTS_FILE), facts_text).unwrap();
    let loaded = spec::load(
        &ApiDir {
            name: "shop".into(),
            dir,
        },
        root.path(),
    )
    .expect("the spec loads");
    facts::check(&loaded).map_err(|findings| {
        findings
            .iter()
            .map(|f| f.to_string().lines().next().unwrap().to_string())
            .collect()
    })
}

fn replace(text: &mut String, from: &str, to: &str) {
    assert!(text.contains(from), "{from:?} is not in the text");
    *text = text.replacen(from, to, 1);
}

#[test]
fn a_record_that_holds_passes_and_is_counted() {
    assert_eq!(
        check_shop(|_, _| {}),
        Ok(Summary {
            facts: 6,
            sources: 2,
            departures: 1
        })
    );
}

#[test]
fn a_recorded_field_missing_from_the_spec_fails_and_its_errata_go_stale() {
    let result = check_shop(|spec, _| replace(spec, "        size: {type: integer}\n", ""));
    assert_eq!(
        result.unwrap_err(),
        [
            "error: specs/shop/facts.yaml:9:13 (at #/schemas/Thing/fields/size): schemas.Thing.fields.size: the source lists field `size`; the spec's `Thing` has no such property",
            "error: specs/shop/openapi.yaml:14:19 (at #/paths/~1things~1{id}/get/x-doc-errata/0/facts/0): the errata name `schemas.Thing.fields.size.type`, but the spec departs from no recorded fact there",
        ]
    );
}

#[test]
fn a_departure_without_errata_fails() {
    let result = check_shop(|spec, _| replace(spec, "          facts: [schemas.Thing.fields.size.type]\n", ""));
    assert_eq!(
        result.unwrap_err(),
        [
            "error: specs/shop/openapi.yaml:30:15 (at #/components/schemas/Thing/properties/size): schemas.Thing.fields.size.type: the source gives type `string`; the spec has `integer`"
        ]
    );
}

#[test]
fn spec_elements_without_a_source_fail() {
    let result = check_shop(|spec, _| {
        replace(spec, "[red, blue]", "[red, blue, green]");
        replace(
            spec,
            "        '404': {description: Not found.}\n",
            "        '404': {description: Not found.}\n        '409': {description: Conflict.}\n",
        );
        replace(
            spec,
            "        id: {type: string}\n",
            "        id: {type: string}\n        weight: {type: number}\n",
        );
        replace(
            spec,
            "in: path, required: true, schema: {type: string}}\n",
            "in: path, required: true, schema: {type: string}}\n        - {name: fields, in: query, schema: {type: string}}\n",
        );
    });
    assert_eq!(
        result.unwrap_err(),
        [
            "error: specs/shop/openapi.yaml:35:16 (at #/components/schemas/Thing/properties/color): schemas.Thing.fields.color.enum: the source lists blue, red; the spec lists blue, green, red",
            "error: specs/shop/openapi.yaml:33:17 (at #/components/schemas/Thing/properties/weight): schemas.Thing.fields.weight: the spec's `Thing` has property `weight`, which no recorded source gives",
            "error: specs/shop/openapi.yaml:17:11 (at #/paths/~1things~1{id}/get/parameters/1): operations.get_thing.parameters.fields: the spec has parameter `fields`, which no recorded source gives for this operation",
            "error: specs/shop/openapi.yaml:25:16 (at #/paths/~1things~1{id}/get/responses/409): operations.get_thing.statuses.409: the spec lists status 409, which no recorded source gives for this operation",
        ]
    );
}

#[test]
fn the_link_is_the_page_the_facts_come_from() {
    let result = check_shop(|spec, _| {
        replace(
            spec,
            "url: 'https://shop.example/docs/get-thing'",
            "url: 'https://shop.example/docs/thing'",
        )
    });
    assert_eq!(
        result.unwrap_err(),
        [
            "error: specs/shop/openapi.yaml:9:27 (at #/paths/~1things~1{id}/get/externalDocs/url): operations.get_thing.docs: externalDocs links https://shop.example/docs/thing, but the recorded source is the page https://shop.example/docs/get-thing"
        ]
    );
}

#[test]
fn required_nullable_and_format_are_facts_too() {
    let result = check_shop(|spec, facts| {
        replace(spec, "      required: [id]\n", "");
        replace(
            facts,
            "      size: {type: string}",
            "      size: {type: string, nullable: true}",
        );
        replace(
            facts,
            "in: path, type: string, required: true}",
            "in: path, type: string, format: uuid, required: true}",
        );
    });
    assert_eq!(
        result.unwrap_err(),
        [
            "error: specs/shop/openapi.yaml:29:13 (at #/components/schemas/Thing/properties/id): schemas.Thing.fields.id.required: the source says required; the spec says optional",
            "error: specs/shop/openapi.yaml:30:15 (at #/components/schemas/Thing/properties/size): schemas.Thing.fields.size.nullable: the source says it may be null; the spec says it is never null",
            "error: specs/shop/openapi.yaml:16:11 (at #/paths/~1things~1{id}/get/parameters/0): operations.get_thing.parameters.id.format: the source gives format `uuid`; the spec has none",
        ]
    );
}

#[test]
fn sources_are_pages_or_repository_files_at_a_commit() {
    let result = check_shop(|_, facts| {
        replace(
            facts,
            "'https://shop.example/docs/get-thing'",
            "'http://shop.example/docs/get-thing'",
        );
        replace(facts, "0123456789abcdef0123456789abcdef01234567", "main");
        replace(facts, "source: 'sdk:models/thing.py'", "source: sdk");
        replace(
            facts,
            "    statuses: [200, 404]\n",
            "    statuses: [200, 404]\n    shared: [errors]\n",
        );
    });
    assert_eq!(
        result.unwrap_err(),
        [
            "error: specs/shop/facts.yaml:2:9 (at #/sources/page): source `page` is malformed: a page source's `url` starts with https://",
            "error: specs/shop/facts.yaml:3:8 (at #/sources/sdk): source `sdk` is malformed: `commit` is the full 40-hex commit that was read",
            "error: specs/shop/facts.yaml:19:13 (at #/operations/get_thing/shared): operation `get_thing` names unknown shared group `errors`",
            "error: specs/shop/facts.yaml:10:56 (at #/schemas/Thing/fields/color/source): `sdk` is a repository: name the file, as `sdk:<path>`",
            "error: specs/shop/facts.yaml:3:8 (at #/sources/sdk): source `sdk` is listed but no fact cites it",
            "error: specs/shop/openapi.yaml:9:27 (at #/paths/~1things~1{id}/get/externalDocs/url): operations.get_thing.docs: externalDocs links https://shop.example/docs/get-thing, but the recorded source is the page http://shop.example/docs/get-thing",
        ]
    );
}

#[test]
fn an_unknown_key_in_the_record_is_located() {
    let result = check_shop(|_, facts| replace(facts, "size: {type: string}", "size: {kind: string}"));
    let findings = result.unwrap_err();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].starts_with(
            "error: specs/shop/facts.yaml:9:20 (at #/schemas/Thing/fields/size/kind): unknown field `kind`"
        ),
        "{findings:?}"
    );
}

/// Removes the node at `pointer` (a map entry) from a bundled document.
fn remove(document: &mut Node, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let mut node = document;
    for token in parent.split('/').skip(1) {
        node = node
            .get_mut(&finops_spec::diagnostic::unescape_pointer_token(token))
            .unwrap();
    }
    let key = finops_spec::diagnostic::unescape_pointer_token(key);
    match &mut node.kind {
        Kind::Map(entries) => entries.retain(|(k, _)| *k != key),
        Kind::Seq(items) => {
            items.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("{pointer} is not in a map or a sequence"),
    }
}

/// The spec pointers of everything the record states: each recorded field's property, and each
/// operation's recorded parameters, statuses and response headers (its own and its shared groups').
fn recorded(spec: &BundledSpec) -> Vec<Vec<String>> {
    let doc = spec.document.to_json();
    let text = fs::read(spec.api.dir.join(facts::FACTS_FILE)).unwrap();
    let record = finops_spec::yaml::parse(&text, finops_spec::node::FileId(0))
        .unwrap()
        .to_json();
    let esc = finops_spec::diagnostic::escape_pointer_token;
    let names = |value: &Value| -> Vec<String> {
        match value {
            Value::Object(map) => map.keys().cloned().collect(),
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut out = Vec::new();
    for (name, schema) in record["schemas"].as_object().into_iter().flatten() {
        for field in names(&schema["fields"]) {
            out.push(vec![format!(
                "/components/schemas/{}/properties/{}",
                esc(name),
                esc(&field)
            )]);
        }
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("/paths/{}/{method}", esc(path));
            let Some(facts) = op["operationId"].as_str().and_then(|id| record["operations"].get(id)) else {
                continue;
            };
            let mut groups = vec![facts.clone()];
            groups.extend(names(&facts["shared"]).iter().map(|g| record["shared"][g].clone()));
            for group in &groups {
                for parameter in names(&group["parameters"]) {
                    let index = op["parameters"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .position(|p| resolve(&doc, p)["name"] == parameter.as_str());
                    out.push(vec![format!("{at}/parameters/{}", index.map_or(usize::MAX, |i| i))]);
                }
                for status in names(&group["statuses"]) {
                    out.push(vec![format!("{at}/responses/{}", esc(&status))]);
                }
                for header in names(&group["response_headers"]) {
                    // A header declared on several responses is removed from all of them.
                    let statuses = op["responses"].as_object().unwrap().iter().filter(|(_, r)| {
                        resolve(&doc, r)
                            .pointer(&format!("/headers/{}", esc(&header)))
                            .is_some()
                    });
                    out.push(
                        statuses
                            .map(|(s, _)| format!("{at}/responses/{}/headers/{}", esc(s), esc(&header)))
                            .collect(),
                    );
                }
            }
        }
    }
    out
}

#[test]
fn our_specs_hold_their_facts_and_every_fact_is_load_bearing() {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let mut totals = Summary::default();
    let apis = spec::discover(&root.join("specs")).unwrap();
    for api in &apis {
        let loaded = spec::load(api, &root).unwrap();
        let summary = facts::check(&loaded).unwrap_or_else(|findings| {
            let text: Vec<String> = findings.iter().map(ToString::to_string).collect();
            panic!("{}:\n{}", api.name, text.join("\n"))
        });
        assert!(summary.facts > 0 && summary.sources > 0, "{}: {summary:?}", api.name);
        totals.facts += summary.facts;
        totals.sources += summary.sources;
        totals.departures += summary.departures;
        let mut removals = 0;
        for pointers in recorded(&loaded) {
            // A fact the spec departs from (named by errata) has nothing in the spec to remove.
            let present: Vec<&String> = pointers
                .iter()
                .filter(|p| loaded.document.pointer(p).is_some())
                .collect();
            if present.is_empty() {
                continue;
            }
            let mut mutant = loaded.clone();
            for pointer in present {
                remove(&mut mutant.document, pointer);
            }
            removals += 1;
            assert!(
                facts::check(&mutant).is_err(),
                "{}: removing {pointers:?} from the spec breaks no recorded fact",
                api.name
            );
        }
        assert!(removals > 0, "{}: no recorded fact was tried", api.name);
    }
    // The README states the totals this test computes.
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let claim = format!(
        "The {} records hold {} facts from {} sources; errata name {} fact keys as departures.",
        apis.len(),
        totals.facts,
        totals.sources,
        totals.departures
    );
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(fold(&readme).contains(&claim), "README.md does not state: {claim}");
}
