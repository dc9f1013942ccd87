//! Table-driven tests of `cargo xtask diff`'s rules: each case edits one base spec and lists the
//! exact findings (level, rule, detail) the edit must produce.

use crate::review::diff::{self, Finding};
use crate::spec::node::FileId;

const BASE: &str = r#"
openapi: 3.0.3
info: {title: Things, version: '1'}
servers:
  - {url: 'https://api.example.com', x-environment: default}
  - {url: 'https://api.example.cn', x-environment: china}
paths:
  /things/{id}:
    get:
      operationId: get_thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        '404': {description: Missing}
    patch:
      operationId: update_thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: If-Match, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ThingUpdate'}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        name: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
        tags: {type: array, items: {type: string}}
        size: {type: number}
    ThingUpdate:
      type: object
      required: [name]
      properties:
        name: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
        size: {type: number}
    Kind:
      type: string
      enum: [small, large]
"#;

fn parse(text: &str) -> serde_json::Value {
    crate::spec::yaml::parse(text.as_bytes(), FileId(0))
        .unwrap_or_else(|e| panic!("case YAML does not parse: {e:?}"))
        .to_json()
}

fn show(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f.level,
                f.rule,
                f.operation.split(' ').next().unwrap_or(""),
                f.detail
            )
        })
        .collect()
}

/// (name, edits applied to BASE as (find, replace), expected findings)
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

const CASES: &[Case] = &[
    ("no change", &[], &[]),
    (
        "server renamed",
        &[("x-environment: china", "x-environment: mainland")],
        &[
            "breaking server-removed servers: server `china` (https://api.example.cn) removed",
            "non-breaking server-added servers: new server `mainland` (https://api.example.cn)",
        ],
    ),
    (
        "server moved",
        &[("https://api.example.com", "https://api.example.com/v2")],
        &["warning server-url-changed servers: server `default`: https://api.example.com → https://api.example.com/v2"],
    ),
    (
        "endpoint added",
        &[(
            "    patch:\n      operationId: update_thing",
            "    delete:\n      operationId: delete_thing\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: integer}}\n      responses:\n        '204': {description: Deleted}\n    patch:\n      operationId: update_thing",
        )],
        &["non-breaking endpoint-added DELETE: new operation `delete_thing`"],
    ),
    (
        "endpoint removed",
        &[(
            "    patch:\n      operationId: update_thing\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: integer}}\n        - {name: If-Match, in: header, required: true, schema: {type: string}}\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/ThingUpdate'}\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Thing'}\n",
            "",
        )],
        &["breaking endpoint-removed PATCH: operation `update_thing` removed"],
    ),
    (
        "endpoint path changed",
        &[("  /things/{id}:", "  /items/{id}:")],
        &[
            "breaking endpoint-path-changed GET: was GET /things/{id}",
            "breaking endpoint-path-changed PATCH: was PATCH /things/{id}",
        ],
    ),
    (
        "endpoint method changed",
        &[(
            "    patch:\n      operationId: update_thing",
            "    put:\n      operationId: update_thing",
        )],
        &["breaking endpoint-path-changed PUT: was PATCH /things/{id}"],
    ),
    (
        "new required query parameter",
        &[(
            "        - {name: verbose, in: query, schema: {type: boolean}}",
            "        - {name: verbose, in: query, schema: {type: boolean}}\n        - {name: tenant, in: query, required: true, schema: {type: string}}",
        )],
        &["breaking new-required-request-parameter GET: query parameter `tenant` added, required"],
    ),
    (
        "new optional header parameter",
        &[(
            "        - {name: verbose, in: query, schema: {type: boolean}}",
            "        - {name: verbose, in: query, schema: {type: boolean}}\n        - {name: X-Locale, in: header, schema: {type: string}}",
        )],
        &["non-breaking new-optional-request-parameter GET: header parameter `X-Locale` added"],
    ),
    (
        "parameter removed",
        &[("        - {name: verbose, in: query, schema: {type: boolean}}\n", "")],
        &["breaking request-parameter-removed GET: query parameter `verbose` removed"],
    ),
    (
        "parameter became required",
        &[(
            "{name: verbose, in: query, schema",
            "{name: verbose, in: query, required: true, schema",
        )],
        &["breaking request-parameter-became-required GET: query parameter `verbose` is now required"],
    ),
    (
        "parameter became optional",
        &[(
            "{name: If-Match, in: header, required: true, schema",
            "{name: If-Match, in: header, schema",
        )],
        &["non-breaking request-parameter-became-optional PATCH: header parameter `If-Match` is now optional"],
    ),
    (
        "parameter retyped",
        &[(
            "{name: verbose, in: query, schema: {type: boolean}}",
            "{name: verbose, in: query, schema: {type: string}}",
        )],
        &["breaking request-property-type-changed GET: query parameter `verbose`: type boolean → string"],
    ),
    (
        "parameter format changed",
        &[(
            "      operationId: get_thing\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: integer}}",
            "      operationId: get_thing\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: integer, format: int64}}",
        )],
        &["breaking request-property-type-changed GET: path parameter `id`: type integer → integer/int64"],
    ),
    (
        "new required request property",
        &[(
            "      required: [name]\n      properties:\n        name: {type: string}",
            "      required: [name, owner]\n      properties:\n        owner: {type: string}\n        name: {type: string}",
        )],
        &["breaking new-required-request-property PATCH: request body: owner added"],
    ),
    (
        "new optional request property",
        &[(
            "    ThingUpdate:\n      type: object\n      required: [name]\n      properties:",
            "    ThingUpdate:\n      type: object\n      required: [name]\n      properties:\n        note: {type: string}",
        )],
        &["non-breaking new-optional-request-property PATCH: request body: note added"],
    ),
    (
        "request property removed",
        &[(
            "        kind: {$ref: '#/components/schemas/Kind'}\n        size: {type: number}\n    Kind:",
            "        kind: {$ref: '#/components/schemas/Kind'}\n    Kind:",
        )],
        &["breaking request-property-removed PATCH: request body: size removed"],
    ),
    (
        "request property retyped",
        &[(
            "        size: {type: number}\n    Kind:",
            "        size: {type: string}\n    Kind:",
        )],
        &["breaking request-property-type-changed PATCH: request body: size: type number → string"],
    ),
    (
        "request property became required",
        &[("      required: [name]\n", "      required: [name, size]\n")],
        &["breaking request-property-became-required PATCH: request body: size is now required"],
    ),
    (
        "request property became optional",
        &[("      required: [name]\n", "      required: []\n")],
        &["non-breaking request-property-became-optional PATCH: request body: name is now optional"],
    ),
    (
        "request property became nullable",
        &[(
            "        size: {type: number}\n    Kind:",
            "        size: {type: number, nullable: true}\n    Kind:",
        )],
        &["non-breaking request-property-became-nullable PATCH: request body: size: now nullable"],
    ),
    (
        "response property removed",
        &[("        tags: {type: array, items: {type: string}}\n", "")],
        &[
            "breaking response-property-removed GET: response 200: tags removed",
            "breaking response-property-removed PATCH: response 200: tags removed",
        ],
    ),
    (
        "response property added",
        &[(
            "        id: {type: integer}\n",
            "        id: {type: integer}\n        created: {type: string, format: date-time}\n",
        )],
        &[
            "non-breaking response-property-added GET: response 200: created added",
            "non-breaking response-property-added PATCH: response 200: created added",
        ],
    ),
    (
        "response property retyped",
        &[("        id: {type: integer}\n", "        id: {type: string}\n")],
        &[
            "breaking response-property-type-changed GET: response 200: id: type integer → string",
            "breaking response-property-type-changed PATCH: response 200: id: type integer → string",
        ],
    ),
    (
        "response property became optional",
        &[("      required: [id]\n", "")],
        &[
            "breaking response-property-became-optional GET: response 200: id is now optional",
            "breaking response-property-became-optional PATCH: response 200: id is now optional",
        ],
    ),
    (
        "response property became required",
        &[("      required: [id]\n", "      required: [id, name]\n")],
        &[
            "non-breaking response-property-became-required GET: response 200: name is now required",
            "non-breaking response-property-became-required PATCH: response 200: name is now required",
        ],
    ),
    (
        "response property became nullable",
        &[(
            "        id: {type: integer}\n",
            "        id: {type: integer, nullable: true}\n",
        )],
        &[
            "breaking response-property-became-nullable GET: response 200: id: now nullable",
            "breaking response-property-became-nullable PATCH: response 200: id: now nullable",
        ],
    ),
    (
        "nested array item retyped",
        &[(
            "        tags: {type: array, items: {type: string}}",
            "        tags: {type: array, items: {type: integer}}",
        )],
        &[
            "breaking response-property-type-changed GET: response 200: tags[]: type string → integer",
            "breaking response-property-type-changed PATCH: response 200: tags[]: type string → integer",
        ],
    ),
    (
        "enum value added (shared by request and response)",
        &[("      enum: [small, large]", "      enum: [small, large, huge]")],
        &[
            "warning response-enum-value-added GET: response 200: kind: enum value \"huge\" added",
            "warning response-enum-value-added PATCH: response 200: kind: enum value \"huge\" added",
            "non-breaking request-enum-value-added PATCH: request body: kind: enum value \"huge\" added",
        ],
    ),
    (
        "enum value removed (shared by request and response)",
        &[("      enum: [small, large]", "      enum: [small]")],
        &[
            "breaking request-enum-value-removed PATCH: request body: kind: enum value \"large\" removed",
            "non-breaking response-enum-value-removed GET: response 200: kind: enum value \"large\" removed",
            "non-breaking response-enum-value-removed PATCH: response 200: kind: enum value \"large\" removed",
        ],
    ),
    (
        "error status added",
        &[(
            "        '404': {description: Missing}",
            "        '404': {description: Missing}\n        '429': {description: Throttled}",
        )],
        &["non-breaking response-error-status-added GET: response 429 documented"],
    ),
    (
        "error status removed",
        &[("        '404': {description: Missing}\n", "")],
        &["warning response-error-status-removed GET: response 404 no longer documented"],
    ),
    (
        "success status replaced",
        &[(
            "      operationId: get_thing\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: integer}}\n        - {name: verbose, in: query, schema: {type: boolean}}\n      responses:\n        '200':",
            "      operationId: get_thing\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: integer}}\n        - {name: verbose, in: query, schema: {type: boolean}}\n      responses:\n        '203':",
        )],
        &[
            "breaking response-success-status-removed GET: response 200 no longer documented",
            "non-breaking response-success-status-added GET: response 203 documented",
        ],
    ),
    (
        "response body removed",
        &[(
            "      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Thing'}\n        '404'",
            "      responses:\n        '200':\n          description: OK\n        '404'",
        )],
        &["breaking response-body-removed GET: response 200 no longer has a body"],
    ),
    (
        "request body added",
        &[(
            "      operationId: get_thing\n",
            "      operationId: get_thing\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {type: object}\n",
        )],
        &["breaking request-body-added GET: a request body is now expected"],
    ),
    (
        "request body retyped",
        &[(
            "            schema: {$ref: '#/components/schemas/ThingUpdate'}",
            "            schema: {type: array, items: {$ref: '#/components/schemas/ThingUpdate'}}",
        )],
        &["breaking request-property-type-changed PATCH: request body: type object → array"],
    ),
];

#[test]
fn every_rule_classifies_its_change() {
    let before = parse(BASE);
    let mut failures = Vec::new();
    for (name, edits, expected) in CASES {
        let mut text = BASE.to_string();
        for (find, replace) in *edits {
            assert!(text.contains(find), "case `{name}`: `{find}` is not in the base spec");
            text = text.replacen(find, replace, 1);
        }
        let got = show(&diff::diff(&before, &parse(&text)));
        if got != *expected {
            failures.push(format!("case `{name}`:\n  expected {expected:#?}\n  got {got:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(CASES.len() >= 30, "{} cases", CASES.len());
}

/// `text` as the generator reads it: a 3.1 document lowered to the 3.0 form.
fn lowered(text: &str) -> serde_json::Value {
    let mut files = crate::spec::SourceFiles::new(std::path::PathBuf::new());
    let id = files.add(std::path::PathBuf::from("openapi.yaml"));
    let mut node = crate::spec::yaml::parse(text.as_bytes(), id).unwrap_or_else(|e| panic!("{e:?}"));
    crate::spec::openapi31::lower(&mut node, &files).unwrap_or_else(|d| panic!("{d}"));
    node.to_json()
}

/// A spec moved to OpenAPI 3.1 is no change to its users; a change written in 3.1 is classified
/// as the same change written in 3.0.
#[test]
fn a_spec_moved_to_3_1_is_no_change_and_its_edits_are_classified_alike() {
    let in_3_1 = BASE
        .replace(
            "openapi: 3.0.3",
            "openapi: 3.1.0\njsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base",
        )
        .replace("size: {type: number}", "size: {type: number, examples: [2.5]}");
    let before = parse(BASE);
    assert_eq!(show(&diff::diff(&before, &lowered(&in_3_1))), Vec::<String>::new());

    let nullable_3_1 = in_3_1.replacen("name: {type: string}", "name: {type: [string, 'null']}", 1);
    let nullable_3_0 = BASE.replacen("name: {type: string}", "name: {type: string, nullable: true}", 1);
    let got = show(&diff::diff(&before, &lowered(&nullable_3_1)));
    assert_eq!(got, show(&diff::diff(&before, &parse(&nullable_3_0))));
    assert_eq!(
        got,
        [
            "breaking response-property-became-nullable GET: response 200: name: now nullable",
            "breaking response-property-became-nullable PATCH: response 200: name: now nullable",
        ]
    );
}
