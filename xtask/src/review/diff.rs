//! Breaking-change rules between two bundled specs of one API, modelled on oasdiff's checks and
//! judged from a Rust client user's side (a removed request property removes a builder method, so
//! it is breaking here, where oasdiff only warns).

use crate::spec::walk::{self, resolve};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt;

/// How a change affects code that uses the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Existing callers break: at compile time, or at run time against the new API.
    Breaking,
    /// Callers keep compiling but may see something new (an enum value they do not match).
    Warning,
    /// Additions and relaxations.
    NonBreaking,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Breaking => "breaking",
            Level::Warning => "warning",
            Level::NonBreaking => "non-breaking",
        })
    }
}

/// One change, with the rule that classified it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub level: Level,
    pub rule: &'static str,
    /// `PATCH /api/users/{customer_identifier}/` (operation `update_customer`).
    pub operation: String,
    /// What changed and where inside the operation.
    pub detail: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

struct Operation<'a> {
    id: String,
    method: &'static str,
    path: String,
    item: &'a Value,
    op: &'a Value,
}

fn operations(doc: &Value) -> Vec<Operation<'_>> {
    walk::operations(doc)
        .into_iter()
        .map(|op| Operation {
            id: match op.id() {
                "" => format!("{} {}", op.method, op.path),
                id => id.to_string(),
            },
            method: op.method,
            path: op.path.to_string(),
            item: op.item,
            op: op.operation,
        })
        .collect()
}

struct Differ<'a> {
    before: &'a Value,
    after: &'a Value,
    operation: String,
    out: Vec<Finding>,
    /// Schema pairs being compared, so recursive schemas terminate.
    visiting: BTreeSet<(usize, usize)>,
}

/// The spec's servers as (environment name, URL), the way the generator names them: the
/// `x-environment`, or `default` for an unnamed first server.
fn servers(doc: &Value) -> Vec<(String, String)> {
    doc.get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(index, server)| {
            let name = match server.get("x-environment").and_then(Value::as_str) {
                Some(name) => name.to_string(),
                None if index == 0 => "default".to_string(),
                None => format!("server{index}"),
            };
            let url = server.get("url").and_then(Value::as_str).unwrap_or("").to_string();
            (name, url)
        })
        .collect()
}

/// Servers are `Server` enum variants: a removed one no longer compiles, a moved URL changes
/// where existing calls go.
fn server_changes(before: &Value, after: &Value, out: &mut Vec<Finding>) {
    let old = servers(before);
    let new = servers(after);
    let finding = |level, rule, detail| Finding {
        level,
        rule,
        operation: "servers".to_string(),
        detail,
    };
    for (name, url) in &old {
        match new.iter().find(|(n, _)| n == name) {
            None => out.push(finding(
                Level::Breaking,
                "server-removed",
                format!("server `{name}` ({url}) removed"),
            )),
            Some((_, now)) if now != url => out.push(finding(
                Level::Warning,
                "server-url-changed",
                format!("server `{name}`: {url} → {now}"),
            )),
            Some(_) => {}
        }
    }
    for (name, url) in &new {
        if !old.iter().any(|(n, _)| n == name) {
            out.push(finding(
                Level::NonBreaking,
                "server-added",
                format!("new server `{name}` ({url})"),
            ));
        }
    }
}

/// Every change from `before` to `after` (bundled specs, as JSON), sorted by level.
pub fn diff(before: &Value, after: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    server_changes(before, after, &mut out);
    let old = operations(before);
    let new = operations(after);
    for op in &new {
        if !old.iter().any(|o| o.id == op.id) {
            out.push(Finding {
                level: Level::NonBreaking,
                rule: "endpoint-added",
                operation: label(op),
                detail: format!("new operation `{}`", op.id),
            });
        }
    }
    for op in &old {
        let Some(now) = new.iter().find(|n| n.id == op.id) else {
            out.push(Finding {
                level: Level::Breaking,
                rule: "endpoint-removed",
                operation: label(op),
                detail: format!("operation `{}` removed", op.id),
            });
            continue;
        };
        let mut differ = Differ {
            before,
            after,
            operation: label(now),
            out: Vec::new(),
            visiting: BTreeSet::new(),
        };
        if now.method != op.method || now.path != op.path {
            differ.push(
                Level::Breaking,
                "endpoint-path-changed",
                format!("was {} {}", op.method.to_uppercase(), op.path),
            );
        }
        differ.parameters(op, now);
        differ.request_body(op.op, now.op);
        differ.responses(op.op, now.op);
        out.extend(differ.out);
    }
    out.sort();
    out
}

fn label(op: &Operation<'_>) -> String {
    format!("{} {} ({})", op.method.to_uppercase(), op.path, op.id)
}

fn parameters<'a>(doc: &'a Value, op: &Operation<'a>) -> Vec<(String, String, &'a Value)> {
    let mut out: Vec<(String, String, &Value)> = Vec::new();
    for list in [op.item.get("parameters"), op.op.get("parameters")] {
        for parameter in list.and_then(Value::as_array).into_iter().flatten() {
            let parameter = resolve(doc, parameter);
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let location = parameter
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            out.retain(|(n, l, _)| !(n == &name && l == &location));
            out.push((location, name, parameter));
        }
    }
    out
}

fn is_true(value: Option<&Value>) -> bool {
    value == Some(&Value::Bool(true))
}

fn type_name(schema: &Value) -> String {
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let format = schema.get("format").and_then(Value::as_str);
        return format.map_or_else(|| t.to_string(), |f| format!("{t}/{f}"));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if schema.get(key).is_some() {
            return key.to_string();
        }
    }
    "any".into()
}

impl Differ<'_> {
    fn push(&mut self, level: Level, rule: &'static str, detail: String) {
        self.out.push(Finding {
            level,
            rule,
            operation: self.operation.clone(),
            detail,
        });
    }

    fn parameters(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        let before = parameters(self.before, old);
        let after = parameters(self.after, new);
        for (location, name, parameter) in &after {
            let required = is_true(parameter.get("required"));
            match before.iter().find(|(l, n, _)| l == location && n == name) {
                None if required => self.push(
                    Level::Breaking,
                    "new-required-request-parameter",
                    format!("{location} parameter `{name}` added, required"),
                ),
                None => self.push(
                    Level::NonBreaking,
                    "new-optional-request-parameter",
                    format!("{location} parameter `{name}` added"),
                ),
                Some((_, _, was)) => {
                    let was_required = is_true(was.get("required"));
                    if required && !was_required {
                        self.push(
                            Level::Breaking,
                            "request-parameter-became-required",
                            format!("{location} parameter `{name}` is now required"),
                        );
                    } else if !required && was_required {
                        self.push(
                            Level::NonBreaking,
                            "request-parameter-became-optional",
                            format!("{location} parameter `{name}` is now optional"),
                        );
                    }
                    if let (Some(a), Some(b)) = (was.get("schema"), parameter.get("schema")) {
                        let place = format!("{location} parameter `{name}`");
                        self.schema(Side::Request, &place, a, b);
                    }
                }
            }
        }
        for (location, name, _) in &before {
            if !after.iter().any(|(l, n, _)| l == location && n == name) {
                self.push(
                    Level::Breaking,
                    "request-parameter-removed",
                    format!("{location} parameter `{name}` removed"),
                );
            }
        }
    }

    fn body_schema<'v>(doc: &'v Value, body: Option<&'v Value>) -> Option<&'v Value> {
        let body = resolve(doc, body?);
        body.get("content")?.as_object()?.values().next()?.get("schema")
    }

    fn request_body(&mut self, old: &Value, new: &Value) {
        let (before, after) = (self.before, self.after);
        match (
            Self::body_schema(before, old.get("requestBody")),
            Self::body_schema(after, new.get("requestBody")),
        ) {
            (None, Some(_)) => self.push(
                Level::Breaking,
                "request-body-added",
                "a request body is now expected".into(),
            ),
            (Some(_), None) => self.push(
                Level::Breaking,
                "request-body-removed",
                "the request body was removed".into(),
            ),
            (Some(a), Some(b)) => self.schema(Side::Request, "request body", a, b),
            (None, None) => {}
        }
    }

    fn responses(&mut self, old: &Value, new: &Value) {
        let (before, after) = (self.before, self.after);
        let statuses = |op: &Value| -> Vec<String> {
            op.get("responses")
                .and_then(Value::as_object)
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (was, now) = (statuses(old), statuses(new));
        for status in &now {
            if !was.contains(status) {
                let success = status.starts_with('2');
                self.push(
                    Level::NonBreaking,
                    if success {
                        "response-success-status-added"
                    } else {
                        "response-error-status-added"
                    },
                    format!("response {status} documented"),
                );
            }
        }
        for status in &was {
            let old_response = &old["responses"][status.as_str()];
            if !now.contains(status) {
                let success = status.starts_with('2');
                self.push(
                    if success { Level::Breaking } else { Level::Warning },
                    if success {
                        "response-success-status-removed"
                    } else {
                        "response-error-status-removed"
                    },
                    format!("response {status} no longer documented"),
                );
                continue;
            }
            let new_response = &new["responses"][status.as_str()];
            match (
                Self::body_schema(before, Some(old_response)),
                Self::body_schema(after, Some(new_response)),
            ) {
                (Some(a), Some(b)) => self.schema(Side::Response, &format!("response {status}"), a, b),
                (None, Some(_)) => self.push(
                    Level::NonBreaking,
                    "response-body-added",
                    format!("response {status} now has a body"),
                ),
                (Some(_), None) => self.push(
                    Level::Breaking,
                    "response-body-removed",
                    format!("response {status} no longer has a body"),
                ),
                (None, None) => {}
            }
        }
    }

    /// Compares two schemas at `place` (`request body`, `response 200: items[]`, ...).
    fn schema(&mut self, side: Side, place: &str, a: &Value, b: &Value) {
        let (a, b) = (resolve(self.before, a), resolve(self.after, b));
        let key = (a as *const Value as usize, b as *const Value as usize);
        if !self.visiting.insert(key) {
            return;
        }
        let (ta, tb) = (type_name(a), type_name(b));
        if ta != tb {
            let rule = match side {
                Side::Request => "request-property-type-changed",
                Side::Response => "response-property-type-changed",
            };
            self.push(Level::Breaking, rule, format!("{place}: type {ta} → {tb}"));
            // Everything inside changed with it; one finding says so.
            self.visiting.remove(&key);
            return;
        }
        let (na, nb) = (is_true(a.get("nullable")), is_true(b.get("nullable")));
        if na != nb {
            let (level, rule) = match (side, nb) {
                (Side::Request, true) => (Level::NonBreaking, "request-property-became-nullable"),
                (Side::Request, false) => (Level::Breaking, "request-property-became-not-nullable"),
                (Side::Response, true) => (Level::Breaking, "response-property-became-nullable"),
                (Side::Response, false) => (Level::NonBreaking, "response-property-became-not-nullable"),
            };
            self.push(
                level,
                rule,
                format!("{place}: {}", if nb { "now nullable" } else { "no longer nullable" }),
            );
        }
        self.enums(side, place, a, b);
        self.properties(side, place, a, b);
        if let (Some(ia), Some(ib)) = (a.get("items"), b.get("items")) {
            self.schema(side, &format!("{place}[]"), ia, ib);
        }
        self.visiting.remove(&key);
    }

    fn enums(&mut self, side: Side, place: &str, a: &Value, b: &Value) {
        let values = |s: &Value| -> Vec<String> {
            s.get("enum")
                .and_then(Value::as_array)
                .map(|v| v.iter().map(|x| x.to_string()).collect())
                .unwrap_or_default()
        };
        let (va, vb) = (values(a), values(b));
        if va.is_empty() && vb.is_empty() {
            return;
        }
        for added in vb.iter().filter(|v| !va.contains(v)) {
            let (level, rule) = match side {
                Side::Request => (Level::NonBreaking, "request-enum-value-added"),
                Side::Response => (Level::Warning, "response-enum-value-added"),
            };
            self.push(level, rule, format!("{place}: enum value {added} added"));
        }
        for removed in va.iter().filter(|v| !vb.contains(v)) {
            let (level, rule) = match side {
                Side::Request => (Level::Breaking, "request-enum-value-removed"),
                Side::Response => (Level::NonBreaking, "response-enum-value-removed"),
            };
            self.push(level, rule, format!("{place}: enum value {removed} removed"));
        }
    }

    fn properties(&mut self, side: Side, place: &str, a: &Value, b: &Value) {
        let props = |s: &Value| {
            s.get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let required = |s: &Value| -> BTreeSet<String> {
            s.get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default()
        };
        let (pa, pb) = (props(a), props(b));
        let (ra, rb) = (required(a), required(b));
        let at = |name: &str| child(place, name);
        for (name, schema) in &pb {
            match pa.get(name) {
                None => {
                    let (level, rule) = match (side, rb.contains(name)) {
                        (Side::Request, true) => (Level::Breaking, "new-required-request-property"),
                        (Side::Request, false) => (Level::NonBreaking, "new-optional-request-property"),
                        (Side::Response, _) => (Level::NonBreaking, "response-property-added"),
                    };
                    self.push(level, rule, format!("{} added", at(name)));
                }
                Some(old) => {
                    let (was, now) = (ra.contains(name), rb.contains(name));
                    if was != now {
                        let (level, rule) = match (side, now) {
                            (Side::Request, true) => (Level::Breaking, "request-property-became-required"),
                            (Side::Request, false) => (Level::NonBreaking, "request-property-became-optional"),
                            (Side::Response, true) => (Level::NonBreaking, "response-property-became-required"),
                            (Side::Response, false) => (Level::Breaking, "response-property-became-optional"),
                        };
                        self.push(
                            level,
                            rule,
                            format!("{} is now {}", at(name), if now { "required" } else { "optional" }),
                        );
                    }
                    self.schema(side, &at(name), old, schema);
                }
            }
        }
        for name in pa.keys() {
            if !pb.contains_key(name) {
                let rule = match side {
                    Side::Request => "request-property-removed",
                    Side::Response => "response-property-removed",
                };
                self.push(Level::Breaking, rule, format!("{} removed", at(name)));
            }
        }
    }
}

/// `request body` + `amount` → `request body: amount`; then `request body: amount.value`.
fn child(place: &str, name: &str) -> String {
    if place.contains(": ") {
        format!("{place}.{name}")
    } else {
        format!("{place}: {name}")
    }
}

/// The version a crate needs after `findings`, from `version` (semver; 0.x counts the minor
/// number as major).
pub fn required_bump(version: &str, findings: &[Finding]) -> Option<String> {
    let parts: Vec<u64> = version
        .split(['-', '+'])
        .next()
        .unwrap_or_default()
        .split('.')
        .filter_map(|p| p.parse().ok())
        .collect();
    let [major, minor, patch] = parts[..] else { return None };
    let breaking = findings.iter().any(|f| f.level == Level::Breaking);
    if findings.is_empty() {
        return None;
    }
    Some(match (major, breaking) {
        (0, true) => format!("0.{}.0", minor + 1),
        (0, false) => format!("0.{minor}.{}", patch + 1),
        (_, true) => format!("{}.0.0", major + 1),
        (_, false) => format!("{major}.{}.0", minor + 1),
    })
}
