//! The facts command on fixture pages in CloudHealth's front-matter format, written for these
//! tests: what an added field, a changed flag, a removed parameter and a renamed page look like in
//! the report, and a malformed page as a located error.

use super::{Bodies, Reading, compare, front_matter, report};
use finops_spec::facts::recorded_facts;
use std::fs;
use std::path::Path;

const RECORD: &str = r#"sources:
  guide:
    repo: CloudHealth/cht_api_guide
    commit: a0000000000000000000000000000000000000b1
schemas:
  WidgetUpdate:
    source: guide:_widgets/modify.md
    fields:
      name: {type: string, required: true}
      colour: {type: string}
  WidgetLimits:
    source: guide:_widgets/modify.md
    fields:
      most: {type: integer, required: true}
operations:
  modify_widget:
    source: guide:_widgets/modify.md
    title: Modify a Widget
    method: put
    path: /v1/widgets/{widget_id}
    parameters:
      widget_id: {in: path, type: integer, required: true}
  list_widgets:
    source: guide:_widgets/list.md
    title: List Widgets
    method: get
    path: /v1/widgets
    parameters:
      page: {in: query, type: integer}
      per_page: {in: query, type: integer}
  get_gadget:
    source: guide:_gadgets/get.md
    method: get
    path: /v1/gadgets/{id}
"#;

const MODIFY: &str = "---
title: Modify a Widget
type: put
endpoint: https://api.example.test/v1/widgets/:widget_id
parameters:
  - name: name
    required: yes
    content: The widget's name.
  - name: colour
    required: yes
    content: Now required.
  - name: shape
    required: no
    content: A field the record does not have.
  - name: limits
    required: no
    content: An object.
    sub-fields:
      - name: most
        required: yes
        content: The most.
---
Body text.
";

const LIST: &str = "---
title: List Widgets
type: get
endpoint: https://api.example.test/v1/widgets
parameters:
  - name: per_page
    required: no
    content: Items a page.
---
";

fn fixture() -> (tempfile::TempDir, tempfile::TempDir) {
    let specs = tempfile::tempdir().unwrap();
    let api = specs.path().join("specs/widgets");
    fs::create_dir_all(&api).unwrap();
    fs::write(api.join("facts.yaml"), RECORD).unwrap();
    let checkout = tempfile::tempdir().unwrap();
    fs::create_dir_all(checkout.path().join("_widgets")).unwrap();
    fs::write(checkout.path().join("_widgets/modify.md"), MODIFY).unwrap();
    fs::write(checkout.path().join("_widgets/list.md"), LIST).unwrap();
    (specs, checkout)
}

fn read(specs: &Path, checkout: &Path) -> Result<String, String> {
    let record = recorded_facts(&specs.join("specs/widgets"), specs).map_err(|e| e.to_string())?;
    // What the spec would give: `modify_widget`'s body is `WidgetUpdate`, whose `limits` is a
    // `WidgetLimits`.
    let mut bodies = Bodies::new();
    bodies.insert(
        "modify_widget".into(),
        (
            "WidgetUpdate".into(),
            [("limits".to_string(), "WidgetLimits".to_string())].into(),
        ),
    );
    let mut reading = Reading::default();
    front_matter::read(&record, &bodies, "guide", checkout, &mut reading).map_err(|e| e.to_string())?;
    Ok(report("widgets", &compare(&record, &reading)))
}

#[test]
fn each_kind_of_change_is_one_exact_line() {
    let (specs, checkout) = fixture();
    assert_eq!(
        read(specs.path(), checkout.path()).unwrap(),
        "! operations.get_gadget: guide:_gadgets/get.md is not in the checkout (renamed or removed)\n\
         - operations.list_widgets.parameters.page  (recorded from guide:_widgets/list.md)\n\
         - operations.list_widgets.parameters.page.in  (recorded from guide:_widgets/list.md)\n\
         - operations.list_widgets.parameters.page.required  (recorded from guide:_widgets/list.md)\n\
         ~ schemas.WidgetUpdate.fields.colour.required: false -> true  (guide:_widgets/modify.md:9)\n\
         + schemas.WidgetUpdate.fields.limits  (guide:_widgets/modify.md:15)\n\
         + schemas.WidgetUpdate.fields.limits.required: false  (guide:_widgets/modify.md:15)\n\
         + schemas.WidgetUpdate.fields.shape  (guide:_widgets/modify.md:12)\n\
         + schemas.WidgetUpdate.fields.shape.required: false  (guide:_widgets/modify.md:12)\n\
         widgets: 17 of 35 recorded facts reproduced exactly (48.6 %); 9 difference(s)\n"
    );
}

#[test]
fn a_page_that_agrees_with_the_record_gives_no_line() {
    let (specs, checkout) = fixture();
    let agreeing = "---
title: Modify a Widget
type: put
endpoint: https://api.example.test/v1/widgets/:widget_id
parameters:
  - name: name
    required: yes
  - name: colour
    required: no
  - name: limits
    required: no
    sub-fields:
      - name: most
        required: yes
---
";
    fs::write(checkout.path().join("_widgets/modify.md"), agreeing).unwrap();
    let report = read(specs.path(), checkout.path()).unwrap();
    // Only `limits`, which the record does not list for the body, and the list page's changes.
    assert!(!report.contains("modify_widget"), "{report}");
    assert!(
        !report.contains("fields.colour") && !report.contains("fields.shape"),
        "{report}"
    );
    assert!(!report.contains("WidgetLimits"), "{report}");
    assert!(
        report.contains("+ schemas.WidgetUpdate.fields.limits  (guide:_widgets/modify.md:10)"),
        "{report}"
    );
}

#[test]
fn a_malformed_page_is_a_located_error() {
    let (specs, checkout) = fixture();
    let cases = [
        (
            "no front matter\n",
            "_widgets/list.md:1: the page does not start with front matter (`---`)",
        ),
        (
            "---\ntitle: x\n",
            "_widgets/list.md:1: the page's front matter is not closed (no second `---`)",
        ),
        ("---\ntitle: x\nparameters: [a\n---\n", "_widgets/list.md:"),
    ];
    for (text, expected) in cases {
        fs::write(checkout.path().join("_widgets/list.md"), text).unwrap();
        let error = read(specs.path(), checkout.path()).expect_err("malformed");
        assert!(error.contains(expected), "{error}");
    }
}

/// A reference page in Partner Center's Markdown-table format, written for this test.
const RESOURCES: &str = "# Widget resources

## Widget

**Widget** is a thing.

| Property     | Type                              | Description   |
|--------------|-----------------------------------|---------------|
| Id           | string                            | The id.       |
| USDTotal     | decimal                           | A total.      |
| Shape        | string                            | Added later.  |
| Links        | [ResourceLinks](utility.md#links) | Links.        |

## Other
";

const GET_WIDGET: &str = "# Get a widget

### Request syntax

| Method  | Request URI |
|---------|-------------|
| **GET** | [*{baseURL}*](urls.md)/v1/widgets/{widget-id}?expand={expand} HTTP/1.1 |

### URI parameters

| Name            | Type     | Required | Description |
|-----------------|----------|----------|-------------|
| **widget-id**   | **guid** | Y        | The widget. |
";

const TABLES_RECORD: &str = r#"sources:
  docs:
    repo: xdmushui/partner-center-sdk
    commit: a0000000000000000000000000000000000000b2
  widget-resources:
    url: https://learn.microsoft.com/en-us/partner-center/developer/widget-resources
  get-a-widget:
    url: https://learn.microsoft.com/en-us/partner-center/developer/get-a-widget
  list-gadgets:
    url: https://learn.microsoft.com/en-us/partner-center/developer/list-gadgets
schemas:
  Widget:
    source: widget-resources
    fields:
      id: {type: string}
      usdTotal: {type: integer}
      links: {type: object}
      colour: {type: string}
operations:
  get_widget:
    source: get-a-widget
    method: get
    path: /v1/widgets/{widget-id}
    parameters:
      widget-id: {in: query, type: string, format: uuid, required: true}
      expand: {in: query, type: string}
  list_gadgets:
    source: list-gadgets
    method: get
    path: /v1/gadgets
"#;

#[test]
fn markdown_tables_show_each_kind_of_change_as_one_exact_line() {
    let specs = tempfile::tempdir().unwrap();
    let api = specs.path().join("specs/widgets");
    fs::create_dir_all(&api).unwrap();
    fs::write(api.join("facts.yaml"), TABLES_RECORD).unwrap();
    let checkout = tempfile::tempdir().unwrap();
    fs::create_dir_all(checkout.path().join("develop")).unwrap();
    fs::write(checkout.path().join("develop/widget-resources.md"), RESOURCES).unwrap();
    fs::write(checkout.path().join("develop/get-a-widget.md"), GET_WIDGET).unwrap();
    let record = recorded_facts(&api, specs.path()).unwrap();
    let mut reading = Reading::default();
    super::markdown_tables::read(&record, "docs", checkout.path(), &mut reading).unwrap();
    assert_eq!(
        report("widgets", &compare(&record, &reading)),
        "- operations.get_widget.parameters.expand  (recorded from get-a-widget)\n\
         - operations.get_widget.parameters.expand.in  (recorded from get-a-widget)\n\
         - operations.get_widget.parameters.expand.required  (recorded from get-a-widget)\n\
         - operations.get_widget.parameters.expand.type  (recorded from get-a-widget)\n\
         ! operations.list_gadgets: docs:develop/list-gadgets.md is not in the checkout (renamed or removed)\n\
         - schemas.Widget.fields.colour  (recorded from widget-resources)\n\
         - schemas.Widget.fields.colour.type  (recorded from widget-resources)\n\
         + schemas.Widget.fields.shape  (docs:develop/widget-resources.md:11)\n\
         + schemas.Widget.fields.shape.type: string  (docs:develop/widget-resources.md:11)\n\
         ~ schemas.Widget.fields.usdTotal.type: integer -> number  (docs:develop/widget-resources.md:10)\n\
         widgets: 12 of 31 recorded facts reproduced exactly (38.7 %); 10 difference(s)\n"
    );
}
