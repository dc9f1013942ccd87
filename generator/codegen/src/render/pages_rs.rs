//! `src/pages.rs`: `pages()` and `stream()` on the builder of every operation declared with
//! `x-pagination`, and the `Paginated` implementation the runtime's pagers drive: where the cursor
//! goes in the request, and what each page says about the next (lens functions over the decoded
//! body, as smithy-rs generates for its paginators).

use super::rust_writer::RustWriter;
use crate::model::pagination::{LastPage, Leaf, Lens, PaginationModel, Style, TokenSource};
use crate::model::{ApiModel, OperationModel, error_enum};
use crate::names::{body_type, string_literal};

/// The module's source, or `None` when no operation pages.
pub fn render(model: &ApiModel) -> Option<String> {
    let paginated: Vec<(&OperationModel, &PaginationModel)> = model
        .operations
        .iter()
        .filter_map(|op| Some((op, op.pagination.as_ref()?)))
        .collect();
    if paginated.is_empty() {
        return None;
    }
    let mut w = RustWriter::new();
    w.inner_doc(&[
        "`pages()` and `stream()` for every list operation: each page is one call through\n`send`, fetched when the stream is polled.",
    ]);
    w.blank();
    w.line("use crate::{builder, errors};");
    w.line("use ::finops_client_runtime::{Cursor, Items, PageFacts, PageFuture, PageStyle, Pages, Paginated};");
    for (op, pagination) in paginated {
        render_operation(&mut w, op, pagination);
    }
    Some(w.finish())
}

fn render_operation(w: &mut RustWriter, op: &OperationModel, pagination: &PaginationModel) {
    let body = format!(
        "crate::types::{}",
        body_type(op.success_body.as_deref().expect("checked by pagination::read"))
    );
    let item = &pagination.item_type;
    w.blank();
    w.open(format!("impl<'a> builder::{}<'a> {{", op.builder));
    w.doc(&[
        &format!(
            "Every page of `{} {}`, in order: a lazy stream that sends one request per page when polled, through [`Self::send`] (retries, credentials, tracing).",
            op.method.to_uppercase(),
            op.path
        ),
        &style_doc(pagination),
        "Each page keeps its status, headers and request ids, the cursor it was fetched with and the cursor of the next page; [`Pages::starting_at`] resumes from a saved cursor. An error is yielded once and ends the stream, and so does a cursor the server hands out twice ([`Error::Paging`](crate::Error::Paging)).",
    ]);
    w.open("pub fn pages(self) -> Pages<'a, Self> {");
    w.line("Pages::new(self)");
    w.close("}");
    w.blank();
    w.doc(&[&format!(
        "Every [`{}`]({item}) of the list, in order across pages: [`Self::pages`] one item at a time. A page is fetched only once the items before it are taken; [`Items::max_items`] caps the walk.",
        pagination.item_name
    )]);
    w.open("pub fn stream(self) -> Items<'a, Self> {");
    w.line("Items::new(self)");
    w.close("}");
    w.close("}");

    w.blank();
    w.open(format!("impl<'a> Paginated for builder::{}<'a> {{", op.builder));
    w.line(format!("type Body = {body};"));
    w.line(format!("type Item = {item};"));
    w.line(format!("type Error = errors::{};", error_enum(op)));
    match &pagination.style {
        Style::PageNumber {
            page, first, last_page, ..
        } => {
            let last = match last_page {
                LastPage::NextLink(_) => "NextLink",
                LastPage::Count(_) => "Count",
                LastPage::ShortPage => "ShortPage",
            };
            w.open("const STYLE: PageStyle = PageStyle::PageNumber {");
            w.line(format!("parameter: {},", string_literal(&page.name)));
            w.line(format!("first: {first},"));
            w.line(format!("last_page: ::finops_client_runtime::LastPage::{last},"));
            w.close("};");
        }
        Style::ContinuationToken { .. } => w.line("const STYLE: PageStyle = PageStyle::ContinuationToken;"),
        Style::NextLink { .. } => w.line("const STYLE: PageStyle = PageStyle::NextLink;"),
    }

    w.blank();
    w.open("fn cursor(&self) -> Option<Cursor> {");
    match &pagination.style {
        Style::PageNumber { page, .. } => {
            w.line(format!(
                "::finops_client_runtime::page_number(&self.{}).map(Cursor::Page)",
                page.rust
            ));
        }
        Style::ContinuationToken { parameter, .. } => {
            w.line(format!(
                "::finops_client_runtime::token_value(&self.{}).map(Cursor::Token)",
                parameter.rust
            ));
        }
        Style::NextLink { .. } => w.line("None"),
    }
    w.close("}");

    w.blank();
    w.open("fn page_size(&self) -> Option<u64> {");
    match &pagination.style {
        Style::PageNumber {
            page_size: Some(size), ..
        } => {
            w.line(format!("::finops_client_runtime::page_number(&self.{})", size.rust));
        }
        _ => w.line("None"),
    }
    w.close("}");

    w.blank();
    w.open("fn base_url(&self) -> &str {");
    w.line("&self.client.baseurl");
    w.close("}");

    w.blank();
    match &pagination.style {
        Style::PageNumber { page, .. } => {
            w.open("fn at(self, cursor: &Cursor) -> Self {");
            w.open("match cursor {");
            w.line(format!("Cursor::Page(number) => self.{}(*number),", page.rust));
            w.line("_ => self,");
            w.close("}");
        }
        Style::ContinuationToken { parameter, along, .. } => {
            w.open("fn at(self, cursor: &Cursor) -> Self {");
            w.open("match cursor {");
            let calls: String = along
                .iter()
                .map(|(param, value)| format!(".{}({value})", param.rust))
                .collect();
            w.line(format!(
                "Cursor::Token(token) => self.{}(token.as_str()){calls},",
                parameter.rust
            ));
            w.line("_ => self,");
            w.close("}");
        }
        Style::NextLink { .. } => {
            w.doc(&["A link replaces the request's URL; the builder stays as it is."]);
            w.open("fn at(self, _cursor: &Cursor) -> Self {");
            w.line("self");
        }
    }
    w.close("}");

    w.blank();
    w.line("fn send_page<'s>(self) -> PageFuture<'s, Self::Body, Self::Error>");
    w.line("where");
    w.line("    Self: 's,");
    w.open("{");
    w.line("Box::pin(self.send())");
    w.close("}");

    w.blank();
    let headers = if matches!(
        &pagination.style,
        Style::ContinuationToken {
            token: TokenSource::Header(_),
            ..
        }
    ) {
        "headers"
    } else {
        "_headers"
    };
    w.open(format!(
        "fn facts<'b>(body: &'b Self::Body, {headers}: &'b ::reqwest::header::HeaderMap) -> PageFacts<'b> {{"
    ));
    w.open("PageFacts {");
    w.line(format!("items: {},", items_len(&pagination.items)));
    match &pagination.style {
        Style::PageNumber { last_page, .. } => match last_page {
            LastPage::NextLink(link) => {
                w.line(format!("more: Some({}),", present(link)));
                if link.leaf == Leaf::String {
                    w.line(format!("next_link: {},", string_value(link)));
                }
            }
            LastPage::Count(count) => w.line(format!("count: {},", integer_value(count))),
            LastPage::ShortPage => {}
        },
        Style::ContinuationToken { token, more, .. } => {
            if let Some(more) = more {
                w.line(format!("more: Some({}),", present(more)));
            }
            match token {
                TokenSource::Body(lens) => w.line(format!("token: {},", string_value(lens))),
                TokenSource::Header(name) => w.line(format!(
                    "token: headers.get({}).and_then(|value| value.to_str().ok()),",
                    string_literal(name)
                )),
            }
        }
        Style::NextLink { link } => w.line(format!("next_link: {},", string_value(link))),
    }
    w.line("..PageFacts::default()");
    w.close("}");
    w.close("}");

    w.blank();
    w.open("fn take_items(body: &mut Self::Body) -> Vec<Self::Item> {");
    w.line(take_items(&pagination.items));
    w.close("}");
    w.close("}");
}

/// One sentence on how the list pages, for the docs.
fn style_doc(pagination: &PaginationModel) -> String {
    match &pagination.style {
        Style::PageNumber {
            page,
            page_size,
            first,
            last_page,
        } => {
            let size = page_size
                .as_ref()
                .map(|size| format!(" (`{}` sets the page size)", size.name))
                .unwrap_or_default();
            let last = match last_page {
                LastPage::NextLink(link) => format!("the last page is the one without `{}`", link.pointer),
                LastPage::Count(count) => format!(
                    "the walk ends when the pages hold the `{}` items the body counts",
                    count.pointer
                ),
                LastPage::ShortPage => "the last page is one shorter than the page size".to_string(),
            };
            format!(
                "Pages are numbered from {first} in `{}`{size}; {last}, and an empty page ends the walk too.",
                page.name
            )
        }
        Style::ContinuationToken {
            token, parameter, more, ..
        } => {
            let from = match token {
                TokenSource::Body(lens) => format!("the body's `{}`", lens.pointer),
                TokenSource::Header(name) => format!("the `{name}` response header"),
            };
            let last = match more {
                Some(lens) => format!(" The last page has no token or no `{}`.", lens.pointer),
                None => " The last page has no token.".to_string(),
            };
            format!(
                "The next page is asked for with `{}`, set to the continuation token of {from}.{last}",
                parameter.name
            )
        }
        Style::NextLink { link } => format!(
            "The next page is the link in `{}`, resolved against the client's base URL; a link to another origin ends the walk with an error rather than take the credentials there.",
            link.pointer
        ),
    }
}

/// `steps` from `body` as an expression: a place (`body.a.b`, `false`) or an `Option` of a
/// reference (`true`); `&mut` references when `mutable`.
fn chain(steps: &[(String, bool)], mutable: bool) -> (String, bool) {
    let (as_ref, borrow) = if mutable { ("as_mut", "&mut ") } else { ("as_ref", "&") };
    let mut expr = "body".to_string();
    let mut is_option = false;
    for (field, optional) in steps {
        expr = match (is_option, optional) {
            (false, false) => format!("{expr}.{field}"),
            (false, true) => format!("{expr}.{field}.{as_ref}()"),
            (true, false) => format!("{expr}.map(|v| {borrow}v.{field})"),
            (true, true) => format!("{expr}.and_then(|v| v.{field}.{as_ref}())"),
        };
        is_option |= optional;
    }
    (expr, is_option)
}

fn reference(lens: &Lens) -> (String, bool) {
    chain(&lens.steps, false)
}

fn items_len(lens: &Lens) -> String {
    match reference(lens) {
        (place, false) => format!("{place}.len()"),
        (option, true) => format!("{option}.map_or(0, Vec::len)"),
    }
}

/// Whether the field is present (and, for a string, not empty).
fn present(lens: &Lens) -> String {
    match (reference(lens), lens.leaf == Leaf::String) {
        ((place, false), true) => format!("!{place}.is_empty()"),
        ((_, false), false) => "true".to_string(),
        ((option, true), true) => format!("{option}.is_some_and(|v| !v.is_empty())"),
        ((option, true), false) => format!("{option}.is_some()"),
    }
}

fn string_value(lens: &Lens) -> String {
    let (last, parent) = lens.steps.split_last().expect("a pointer has a field");
    let (field, optional) = last;
    match (chain(parent, false), optional) {
        ((place, false), false) => format!("Some({place}.{field}.as_str())"),
        ((place, false), true) => format!("{place}.{field}.as_deref()"),
        ((option, true), false) => format!("{option}.map(|v| v.{field}.as_str())"),
        ((option, true), true) => format!("{option}.and_then(|v| v.{field}.as_deref())"),
    }
}

fn integer_value(lens: &Lens) -> String {
    match reference(lens) {
        (place, false) => format!("::finops_client_runtime::PageNumberValue::page_number(&{place})"),
        (option, true) => format!("{option}.and_then(::finops_client_runtime::PageNumberValue::page_number)"),
    }
}

/// Moves the items array out of `body`.
fn take_items(lens: &Lens) -> String {
    let (last, parent) = lens.steps.split_last().expect("a pointer has a field");
    let (field, optional) = last;
    match (chain(parent, true), optional) {
        ((place, false), false) => format!("::std::mem::take(&mut {place}.{field})"),
        ((place, false), true) => format!("{place}.{field}.take().unwrap_or_default()"),
        ((option, true), false) => format!("{option}.map(|v| ::std::mem::take(&mut v.{field})).unwrap_or_default()"),
        ((option, true), true) => format!("{option}.and_then(|v| v.{field}.take()).unwrap_or_default()"),
    }
}
