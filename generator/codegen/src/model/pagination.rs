//! `x-pagination`: how a list operation pages, read from the spec and checked against the
//! operation's parameters and success body, so that a declaration that names a missing parameter
//! or a field of the wrong type fails with its location instead of generating code that does not
//! compile (or pages wrongly).
//!
//! ```yaml
//! x-pagination:
//!   style: page-number              # or continuation-token, next-link, single-page
//!   items: /results                 # JSON pointer to the items array in the success body
//!   page: page                      # page-number: the page parameter
//!   page-size: page_size            #   its page size parameter (optional)
//!   first-page: 1                   #   the first page's number (default 1)
//!   last-page: {next-link: /next}   #   or {count: /count}, or {short-page: true}
//! ```
//!
//! A continuation-token list names where the token is, `token: {pointer: /continuationToken}`
//! (or `{header: X-Continuation}`), the `token-parameter` that sends it back,
//! `next-page-parameters` sent along with it, and an optional `last-page: {next-link: …}`. A
//! next-link list names `next-link: /nextLink`. `single-page` (with `why`) says a collection comes
//! whole, so that lint does not ask for a declaration.

use super::base::OpenEnum;
use crate::diagnostic::{Diagnostic, escape_pointer_token as esc};
use crate::names::{component_name, resolve_parameter, rust_ident, string_literal};
use crate::spec::BundledSpec;
use heck::ToUpperCamelCase;
use openapiv3::{Components, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

/// One operation's declaration, resolved to Rust names.
#[derive(Debug, Clone)]
pub struct PaginationModel {
    pub style: Style,
    /// The items array in the success body.
    pub items: Lens,
    /// The items' type, e.g. `crate::types::CustomerListItem`.
    pub item_type: String,
    /// The items' schema name, for docs.
    pub item_name: String,
}

#[derive(Debug, Clone)]
pub enum Style {
    PageNumber {
        page: Param,
        page_size: Option<Param>,
        first: u64,
        last_page: LastPage,
    },
    ContinuationToken {
        token: TokenSource,
        parameter: Param,
        /// Builder calls that go with the token, e.g. `seek_operation(crate::models::SeekOperation::Next)`.
        along: Vec<(Param, String)>,
        /// A field whose absence marks the last page.
        more: Option<Lens>,
    },
    NextLink {
        link: Lens,
    },
}

impl Style {
    /// The style in a few words, for the API summary: `page numbers in page, last page without /next`.
    pub fn summary(&self) -> String {
        match self {
            Style::PageNumber { page, last_page, .. } => {
                let last = match last_page {
                    LastPage::NextLink(link) => format!("last page without {}", link.pointer),
                    LastPage::Count(count) => format!("ends at the {} count", count.pointer),
                    LastPage::ShortPage => "last page short".to_string(),
                };
                format!("page numbers in {}, {last}", page.name)
            }
            Style::ContinuationToken {
                token, parameter, more, ..
            } => {
                let from = match token {
                    TokenSource::Body(lens) => lens.pointer.clone(),
                    TokenSource::Header(name) => format!("header {name}"),
                };
                let last = match more {
                    Some(link) => format!("last page without {} (a token on it is not followed)", link.pointer),
                    None => "last page without a token".to_string(),
                };
                format!("continuation token from {from} sent in {}, {last}", parameter.name)
            }
            Style::NextLink { link } => format!("next link in {}", link.pointer),
        }
    }
}

#[derive(Debug, Clone)]
pub enum LastPage {
    NextLink(Lens),
    Count(Lens),
    ShortPage,
}

#[derive(Debug, Clone)]
pub enum TokenSource {
    Body(Lens),
    Header(String),
}

/// A parameter of the operation: its spec name and the builder's setter and field.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub rust: String,
}

/// A path from the success body to a field: each step's Rust field and whether typify made it an
/// `Option`.
#[derive(Debug, Clone)]
pub struct Lens {
    pub pointer: String,
    pub steps: Vec<(String, bool)>,
    pub leaf: Leaf,
    /// The component schema the field is (`$ref`, or an `allOf` of one `$ref`), if it is one.
    pub component: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    Array,
    String,
    Integer,
    Other,
}

const STYLES: &str = "page-number, continuation-token, next-link or single-page";

/// The operation's declaration; `None` without one or for `single-page`.
pub fn read(
    spec: &BundledSpec,
    components: &Components,
    open_enums: &[OpenEnum],
    operation: &openapiv3::Operation,
    operation_pointer: &str,
    success_body: Option<&str>,
) -> Result<Option<PaginationModel>, Diagnostic> {
    let Some(declaration) = operation.extensions.get("x-pagination") else {
        return Ok(None);
    };
    let at = format!("{operation_pointer}/x-pagination");
    let fail = |pointer: &str, message: String| spec.error_at(pointer, message);
    let Some(fields) = declaration.as_object() else {
        return Err(fail(&at, "`x-pagination` is not a mapping".into())
            .help(format!("write `style:` ({STYLES}) and the fields of that style")));
    };
    let style = fields.get("style").and_then(Value::as_str).unwrap_or_default();
    let allowed: &[&str] = match style {
        "page-number" => &["style", "items", "page", "page-size", "first-page", "last-page"],
        "continuation-token" => &[
            "style",
            "items",
            "token",
            "token-parameter",
            "next-page-parameters",
            "last-page",
        ],
        "next-link" => &["style", "items", "next-link"],
        "single-page" => &["style", "why"],
        _ => {
            let pointer = if fields.contains_key("style") {
                format!("{at}/style")
            } else {
                at.clone()
            };
            return Err(fail(
                &pointer,
                format!(
                    "`x-pagination.style` is {}, not a pagination style",
                    fields.get("style").unwrap_or(&Value::Null)
                ),
            )
            .help(format!("write one of {STYLES}")));
        }
    };
    if let Some(unknown) = fields.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(fail(
            &format!("{at}/{}", esc(unknown)),
            format!("`{unknown}` is not a field of a {style} declaration"),
        )
        .help(format!("a {style} declaration takes {}", allowed.join(", "))));
    }
    if style == "single-page" {
        if fields
            .get("why")
            .and_then(Value::as_str)
            .is_none_or(|w| w.trim().is_empty())
        {
            return Err(fail(&at, "a single-page declaration does not say why".into())
                .help("add `why:` with the source that shows the whole collection comes in one response"));
        }
        return Ok(None);
    }

    let Some(body) = success_body else {
        return Err(
            fail(&at, "a paginated operation needs a success body with the items".into())
                .help("document the list's 200 response with a component schema"),
        );
    };
    let reader = Reader {
        spec,
        components,
        at: &at,
        body,
    };
    let required = |key: &str| -> Result<&Value, Diagnostic> {
        fields.get(key).ok_or_else(|| {
            fail(&at, format!("a {style} declaration needs `{key}`"))
                .help(format!("a {style} declaration takes {}", allowed.join(", ")))
        })
    };
    let (items, array) = reader.lens_to(required("items")?, "items", &[Leaf::Array])?;
    let (item_type, item_name) = reader.item_type(&items, array, open_enums)?;

    let style = match style {
        "page-number" => {
            let page = reader.parameter(operation, required("page")?, "page", ParamKind::Integer)?;
            let page_size = match fields.get("page-size") {
                Some(name) => Some(reader.parameter(operation, name, "page-size", ParamKind::Integer)?),
                None => None,
            };
            let first = match fields.get("first-page") {
                None => 1,
                Some(value) => value.as_u64().ok_or_else(|| {
                    fail(
                        &format!("{at}/first-page"),
                        format!("`first-page` is {value}, not a page number"),
                    )
                    .help("write 0 or 1")
                })?,
            };
            let last = required("last-page")?;
            let last_page = match reader.one_of(last, "last-page", &["next-link", "count", "short-page"])? {
                ("next-link", value) => LastPage::NextLink(reader.lens(value, "last-page/next-link", &[])?),
                ("count", value) => LastPage::Count(reader.lens(value, "last-page/count", &[Leaf::Integer])?),
                (_, value) => {
                    if value != &Value::Bool(true) {
                        return Err(fail(
                            &format!("{at}/last-page/short-page"),
                            "`short-page` is not `true`".into(),
                        )
                        .help("write `short-page: true`"));
                    }
                    LastPage::ShortPage
                }
            };
            Style::PageNumber {
                page,
                page_size,
                first,
                last_page,
            }
        }
        "continuation-token" => {
            let token = required("token")?;
            let token = match reader.one_of(token, "token", &["pointer", "header"])? {
                ("pointer", value) => TokenSource::Body(reader.lens(value, "token/pointer", &[Leaf::String])?),
                (_, value) => {
                    let name = value.as_str().unwrap_or_default();
                    reader.response_header(operation, name)?;
                    TokenSource::Header(name.to_string())
                }
            };
            let parameter = reader.parameter(
                operation,
                required("token-parameter")?,
                "token-parameter",
                ParamKind::Token,
            )?;
            let mut along = Vec::new();
            for (name, value) in fields
                .get("next-page-parameters")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let param = reader.parameter(
                    operation,
                    &Value::String(name.clone()),
                    &format!("next-page-parameters/{}", esc(name)),
                    ParamKind::Any,
                )?;
                let expr = reader.value_expr(operation, name, value, open_enums)?;
                along.push((param, expr));
            }
            if fields.get("next-page-parameters").is_some_and(|v| !v.is_object()) {
                return Err(fail(
                    &format!("{at}/next-page-parameters"),
                    "`next-page-parameters` is not a mapping".into(),
                )
                .help("write `parameter: value` pairs"));
            }
            let more = match fields.get("last-page") {
                None => None,
                Some(last) => {
                    let (_, value) = reader.one_of(last, "last-page", &["next-link"])?;
                    Some(reader.lens(value, "last-page/next-link", &[])?)
                }
            };
            Style::ContinuationToken {
                token,
                parameter,
                along,
                more,
            }
        }
        _ => Style::NextLink {
            link: reader.lens(required("next-link")?, "next-link", &[Leaf::String])?,
        },
    };
    Ok(Some(PaginationModel {
        style,
        items,
        item_type,
        item_name,
    }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ParamKind {
    Integer,
    Token,
    Any,
}

/// Reads a declaration's fields against one component schema (`body`): JSON pointers into it,
/// the operation's parameters. Shared with the other extensions that point into bodies.
pub(super) struct Reader<'a> {
    pub(super) spec: &'a BundledSpec,
    pub(super) components: &'a Components,
    /// The declaration's pointer in the spec.
    pub(super) at: &'a str,
    /// The component schema the pointers start from.
    pub(super) body: &'a str,
}

impl Reader<'_> {
    pub(super) fn fail(&self, field: &str, message: String) -> Diagnostic {
        self.spec.error_at(&format!("{}/{field}", self.at), message)
    }

    /// `{key: value}` with exactly one of `keys`.
    pub(super) fn one_of<'v>(
        &self,
        value: &'v Value,
        field: &str,
        keys: &[&'static str],
    ) -> Result<(&'static str, &'v Value), Diagnostic> {
        let help = format!("write a mapping with one of {}", keys.join(", "));
        let Some(map) = value.as_object().filter(|m| m.len() == 1) else {
            return Err(self
                .fail(field, format!("`{field}` is not a mapping with one field"))
                .help(help));
        };
        let (key, value) = map.iter().next().expect("one field");
        match keys.iter().find(|k| **k == key) {
            Some(k) => Ok((k, value)),
            None => Err(self
                .fail(
                    &format!("{field}/{}", esc(key)),
                    format!("`{key}` is not a field of `{field}`"),
                )
                .help(help)),
        }
    }

    /// The field at a JSON pointer in the success body, of one of the `leaves` kinds (any when empty).
    pub(super) fn lens(&self, value: &Value, field: &str, leaves: &[Leaf]) -> Result<Lens, Diagnostic> {
        self.lens_to(value, field, leaves).map(|(lens, _)| lens)
    }

    /// [`Self::lens`], with the schema of the field it reaches.
    pub(super) fn lens_to(&self, value: &Value, field: &str, leaves: &[Leaf]) -> Result<(Lens, &Schema), Diagnostic> {
        let Some(pointer) = value.as_str().filter(|p| p.starts_with('/') && p.len() > 1) else {
            return Err(self
                .fail(
                    field,
                    format!("`{field}` is {value}, not a JSON pointer into the response body"),
                )
                .help("write a pointer such as `/results` or `/links/next`"));
        };
        let mut schema = self.component(self.body).ok_or_else(|| {
            self.fail(
                field,
                format!("the success body `{}` is not a component schema", self.body),
            )
        })?;
        let mut steps = Vec::new();
        let mut walked = String::new();
        let mut component = None;
        for token in pointer[1..].split('/') {
            let name = token.replace("~1", "/").replace("~0", "~");
            let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
                return Err(self
                    .fail(field, format!("`{pointer}`: `{}{walked}` is not an object", self.body))
                    .help("point at a property of an object"));
            };
            let Some(property) = object.properties.get(&name) else {
                let known: Vec<&str> = object.properties.keys().map(String::as_str).collect();
                return Err(self
                    .fail(
                        field,
                        format!("`{pointer}`: `{}{walked}` has no property `{name}`", self.body),
                    )
                    .help(format!("its properties are {}", known.join(", "))));
            };
            component = referenced_component(property);
            let property = self
                .resolve(property)
                .ok_or_else(|| self.fail(field, format!("`{pointer}`: property `{name}` is a dangling reference")))?;
            let data = &property.schema_data;
            let plain_when_absent = data.default.is_some() || is_collection(property);
            let optional = data.nullable || (!object.required.contains(&name) && !plain_when_absent);
            steps.push((rust_ident(&name), optional));
            walked.push('/');
            walked.push_str(&name);
            schema = property;
        }
        let leaf = match &schema.schema_kind {
            SchemaKind::Type(Type::Array(_)) => Leaf::Array,
            SchemaKind::Type(Type::String(_)) => Leaf::String,
            SchemaKind::Type(Type::Integer(_)) => Leaf::Integer,
            _ => Leaf::Other,
        };
        if !leaves.is_empty() && !leaves.contains(&leaf) {
            let wanted: Vec<&str> = leaves
                .iter()
                .map(|l| match l {
                    Leaf::Array => "an array",
                    Leaf::String => "a string",
                    Leaf::Integer => "an integer",
                    Leaf::Other => "an object",
                })
                .collect();
            return Err(self
                .fail(
                    field,
                    format!("`{pointer}` in `{}` is not {}", self.body, wanted.join(" or ")),
                )
                .help("point at a field of that type"));
        }
        let lens = Lens {
            pointer: pointer.to_string(),
            steps,
            leaf,
            component,
        };
        Ok((lens, schema))
    }

    /// The Rust type of the items of `array`, the schema at `items`.
    fn item_type(&self, items: &Lens, array: &Schema, open_enums: &[OpenEnum]) -> Result<(String, String), Diagnostic> {
        let item_schema = match &array.schema_kind {
            SchemaKind::Type(Type::Array(array)) => array.items.as_ref(),
            _ => None,
        };
        match item_schema {
            Some(ReferenceOr::Reference { reference }) => {
                let name = component_name(reference);
                let rust = name.to_upper_camel_case();
                let module = if open_enums.iter().any(|e| e.name == rust) {
                    "models"
                } else {
                    "types"
                };
                Ok((format!("crate::{module}::{rust}"), name.to_string()))
            }
            _ => Err(self
                .fail(
                    "items",
                    format!("the items at `{}` are not a component schema", items.pointer),
                )
                .help("give the list's items a schema under `components/schemas` and `$ref` it")),
        }
    }

    /// A parameter of the operation named by the declaration.
    fn parameter(
        &self,
        operation: &openapiv3::Operation,
        value: &Value,
        field: &str,
        kind: ParamKind,
    ) -> Result<Param, Diagnostic> {
        let name = value.as_str().unwrap_or_default();
        let parameters: Vec<&Parameter> = operation
            .parameters
            .iter()
            .filter_map(|p| resolve_parameter(p, self.components))
            .collect();
        let Some(parameter) = parameters.iter().find(|p| p.parameter_data_ref().name == name) else {
            let names: Vec<&str> = parameters
                .iter()
                .map(|p| p.parameter_data_ref().name.as_str())
                .collect();
            return Err(self
                .fail(
                    field,
                    format!("`{field}` names {value}, which is not a parameter of this operation"),
                )
                .help(format!("its parameters are {}", names.join(", "))));
        };
        let data = parameter.parameter_data_ref();
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => self.resolve(schema),
            ParameterSchemaOrContent::Content(_) => None,
        };
        let fits = match kind {
            ParamKind::Integer => matches!(schema.map(|s| &s.schema_kind), Some(SchemaKind::Type(Type::Integer(_)))),
            ParamKind::Token => {
                matches!(schema.map(|s| &s.schema_kind), Some(SchemaKind::Type(Type::String(s))) if s.enumeration.is_empty())
                    && matches!(parameter, Parameter::Query { .. } | Parameter::Header { .. })
            }
            ParamKind::Any => true,
        };
        if !fits {
            let wanted = match kind {
                ParamKind::Integer => "an integer parameter",
                _ => "a string query or header parameter",
            };
            return Err(self
                .fail(field, format!("parameter `{name}` is not {wanted}"))
                .help("name the parameter that carries the page number, size or token"));
        }
        if kind == ParamKind::Token && data.required {
            return Err(self
                .fail(field, format!("token parameter `{name}` is required"))
                .help("the first page is asked for without a token: make the parameter optional"));
        }
        Ok(Param {
            name: name.to_string(),
            rust: rust_ident(name),
        })
    }

    /// A header the success response declares.
    fn response_header(&self, operation: &openapiv3::Operation, name: &str) -> Result<(), Diagnostic> {
        let declared = operation
            .responses
            .responses
            .iter()
            .filter(|(status, _)| status.to_string().starts_with('2'))
            .any(|(_, response)| {
                let response = match response {
                    ReferenceOr::Item(r) => Some(r),
                    ReferenceOr::Reference { reference } => {
                        match self.components.responses.get(component_name(reference)) {
                            Some(ReferenceOr::Item(r)) => Some(r),
                            _ => None,
                        }
                    }
                };
                response.is_some_and(|r| r.headers.keys().any(|h| h.eq_ignore_ascii_case(name)))
            });
        if name.is_empty() || !declared {
            return Err(self
                .fail(
                    "token/header",
                    format!("the success response declares no header `{name}`"),
                )
                .help("declare the token header under the success response's `headers`"));
        }
        Ok(())
    }

    /// The Rust argument for a next-page parameter's value.
    fn value_expr(
        &self,
        operation: &openapiv3::Operation,
        name: &str,
        value: &Value,
        open_enums: &[OpenEnum],
    ) -> Result<String, Diagnostic> {
        let field = format!("next-page-parameters/{}", esc(name));
        let parameter = operation
            .parameters
            .iter()
            .filter_map(|p| resolve_parameter(p, self.components))
            .find(|p| p.parameter_data_ref().name == name)
            .expect("checked by parameter");
        let ParameterSchemaOrContent::Schema(schema) = &parameter.parameter_data_ref().format else {
            return Err(self.fail(&field, format!("parameter `{name}` has no schema")));
        };
        let resolved = self.resolve(schema);
        let wrong = || {
            self.fail(&field, format!("{value} is not a value of parameter `{name}`"))
                .help("write a value the parameter's schema admits")
        };
        match resolved.map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::String(string))) if !string.enumeration.is_empty() => {
                let text = value.as_str().ok_or_else(wrong)?;
                if !string.enumeration.iter().flatten().any(|v| v == text) {
                    return Err(wrong());
                }
                let ReferenceOr::Reference { reference } = schema else {
                    return Err(self
                        .fail(&field, format!("parameter `{name}` has an inline enum"))
                        .help("make the enum a component schema"));
                };
                let rust = component_name(reference).to_upper_camel_case();
                let variant = open_enums
                    .iter()
                    .find(|e| e.name == rust)
                    .and_then(|e| e.values.iter().find(|(v, _)| v == text))
                    .map(|(_, variant)| variant.clone())
                    .ok_or_else(wrong)?;
                Ok(format!("crate::models::{rust}::{variant}"))
            }
            Some(SchemaKind::Type(Type::String(_))) => Ok(string_literal(value.as_str().ok_or_else(wrong)?)),
            Some(SchemaKind::Type(Type::Integer(_))) => Ok(value.as_i64().ok_or_else(wrong)?.to_string()),
            Some(SchemaKind::Type(Type::Boolean(_))) => Ok(value.as_bool().ok_or_else(wrong)?.to_string()),
            _ => Err(self
                .fail(
                    &field,
                    format!("parameter `{name}` is not a string, integer or boolean"),
                )
                .help("only such parameters can be set on next pages")),
        }
    }

    pub(super) fn component(&self, name: &str) -> Option<&Schema> {
        match self.components.schemas.get(name)? {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.component(component_name(reference)),
        }
    }

    pub(super) fn resolve<'s, T: std::borrow::Borrow<Schema>>(
        &'s self,
        schema: &'s ReferenceOr<T>,
    ) -> Option<&'s Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema.borrow()),
            ReferenceOr::Reference { reference } => self.component(component_name(reference)),
        }
    }
}

/// The component a property schema names: `$ref`, or `allOf` with one `$ref` (a 3.1 nullable
/// reference, lowered).
fn referenced_component<T: std::borrow::Borrow<Schema>>(property: &ReferenceOr<T>) -> Option<String> {
    match property {
        ReferenceOr::Reference { reference } => Some(component_name(reference).to_string()),
        ReferenceOr::Item(schema) => match &schema.borrow().schema_kind {
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
                ReferenceOr::Reference { reference } => Some(component_name(reference).to_string()),
                ReferenceOr::Item(_) => None,
            },
            _ => None,
        },
    }
}

/// typify gives an absent array or map its empty value instead of an `Option`.
fn is_collection(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(_)) => true,
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.is_empty() && object.additional_properties.is_some()
        }
        _ => false,
    }
}
