//! Auto-pagination: every list operation declared with `x-pagination` in its spec gets
//! [`Pages`] (one item per page, with its headers and cursors) and [`Items`] (one item per list
//! element) from its builder.
//!
//! Both are lazy `futures::Stream`s: nothing is sent before the first poll, and each page is one
//! call through the client's usual path (credentials, retries, hooks, tracing). A stream ends
//! after the last page, after a capped number of pages or items, or after yielding an error;
//! a server that hands back a cursor it already gave ends it with [`Error::Paging`] instead of
//! looping.

use crate::call::{self, CallOptions};
use crate::{Error, RequestIds, Response};
use futures::stream::{BoxStream, Stream, StreamExt};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Where a page starts: what a caller saves to resume a walk later ([`Page::next_cursor`],
/// [`Pages::starting_at`]). Serializes as `{"page": 3}`, `{"token": "…"}` or `{"link": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cursor {
    /// A page number, for operations that page by number.
    Page(u64),
    /// A continuation token the server handed out.
    Token(String),
    /// The absolute URL of the page, for operations that follow next links.
    Link(String),
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cursor::Page(number) => write!(f, "page {number}"),
            Cursor::Token(token) => write!(f, "continuation token {token:?}"),
            Cursor::Link(link) => write!(f, "link {link}"),
        }
    }
}

/// How an operation pages; generated from its `x-pagination` declaration.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// Numbered pages from `first`; the page parameter is named `parameter`.
    PageNumber {
        parameter: &'static str,
        first: u64,
        last_page: LastPage,
    },
    /// The next page is asked for with the token the previous one carried.
    ContinuationToken,
    /// The next page is the link the previous one carried.
    NextLink,
}

/// How a numbered page is known to be the last (an empty page always is).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastPage {
    /// The page has no next link ([`PageFacts::more`] is false).
    NextLink,
    /// The pages so far hold the total count ([`PageFacts::count`]).
    Count,
    /// The page holds fewer items than the page size asked for (or than the largest page so far,
    /// when no size was sent).
    ShortPage,
}

/// What one page says about the walk; read from the decoded body and headers by generated code.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default)]
pub struct PageFacts<'b> {
    /// How many items the page holds.
    pub items: usize,
    /// Whether the page's next-page marker is present, for operations that declare one.
    pub more: Option<bool>,
    /// The next link, when the operation declares one.
    pub next_link: Option<&'b str>,
    /// The total count, when the operation declares one.
    pub count: Option<u64>,
    /// The continuation token, when the operation declares one.
    pub token: Option<&'b str>,
}

/// A future of one page's call.
#[doc(hidden)]
pub type PageFuture<'a, B, E> = Pin<Box<dyn Future<Output = Result<Response<B>, Error<E>>> + Send + 'a>>;

/// A list operation's builder, as the pagers drive it. Implemented by generated code for each
/// operation with an `x-pagination` declaration; not meant to be implemented by hand.
#[doc(hidden)]
pub trait Paginated: Clone + Send + Sync {
    /// The success body of one page.
    type Body: Send;
    /// One element of the list.
    type Item: Send;
    /// The operation's error enum.
    type Error: Send;
    /// How the operation pages.
    const STYLE: PageStyle;
    /// The page number or token the caller set on the builder, if any.
    fn cursor(&self) -> Option<Cursor>;
    /// The page size the builder sends, if it sends one.
    fn page_size(&self) -> Option<u64>;
    /// The client's base URL, against which next links are resolved.
    fn base_url(&self) -> &str;
    /// The builder with its page number or token parameter set to `cursor` (and any other
    /// parameters a next-page request carries). Called only with a cursor of the style's kind;
    /// a [`Cursor::Link`] leaves the builder as it is (the link replaces its URL).
    fn at(self, cursor: &Cursor) -> Self;
    /// Sends the builder's request and decodes the response.
    fn send_page<'s>(self) -> PageFuture<'s, Self::Body, Self::Error>
    where
        Self: 's;
    /// What the page says about the walk.
    fn facts<'b>(body: &'b Self::Body, headers: &'b HeaderMap) -> PageFacts<'b>;
    /// Moves the items out of a page's body.
    fn take_items(body: &mut Self::Body) -> Vec<Self::Item>;
}

/// One page of a list: the decoded response (status, headers, request ids, body), the cursor it
/// was fetched with and the cursor of the next page. Dereferences to the response, and through
/// it to the body.
#[derive(Debug, Clone)]
pub struct Page<B> {
    response: Response<B>,
    cursor: Option<Cursor>,
    next: Option<Cursor>,
}

impl<B> Page<B> {
    /// The cursor this page was fetched with; `None` for the first page of a token or link walk
    /// that started without one.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_ref()
    }

    /// The cursor of the next page; `None` on the last page. Save it to resume the walk later
    /// with [`Pages::starting_at`] or [`Items::starting_at`].
    pub fn next_cursor(&self) -> Option<&Cursor> {
        self.next.as_ref()
    }

    /// The decoded response.
    pub fn response(&self) -> &Response<B> {
        &self.response
    }

    /// The decoded response, without the cursors.
    pub fn into_response(self) -> Response<B> {
        self.response
    }
}

impl<B> std::ops::Deref for Page<B> {
    type Target = Response<B>;

    fn deref(&self) -> &Response<B> {
        &self.response
    }
}

/// Why a walk could not go on although the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingProblem {
    /// The server handed out a cursor this walk had already fetched: going on would loop.
    RepeatedCursor(Cursor),
    /// A next link points to another origin than the client's base URL; following it would send
    /// the client's credentials there.
    ForeignLink(String),
    /// A next link is not a URL.
    InvalidLink(String),
    /// The server handed out a new cursor after [`DEFAULT_MAX_PAGES`] pages and the caller set
    /// no [`Pages::max_pages`]: a list that long is taken for a server that never ends.
    TooManyPages(u64),
}

/// How many pages a walk fetches unless [`Pages::max_pages`] says otherwise: a server that hands
/// out a new cursor with every page would otherwise be followed forever. Past it the walk ends
/// with [`PagingProblem::TooManyPages`]; set `max_pages` to walk a longer list.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

impl fmt::Display for PagingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PagingProblem::RepeatedCursor(cursor) => {
                write!(f, "the server handed out {cursor} again; the list would never end")
            }
            PagingProblem::ForeignLink(link) => write!(
                f,
                "the next link {link} leaves the client's origin; it is not followed, so no credentials are sent there"
            ),
            PagingProblem::InvalidLink(link) => write!(f, "the next link {link:?} is not a URL"),
            PagingProblem::TooManyPages(pages) => write!(
                f,
                "the server handed out a next cursor after {pages} pages; set `max_pages` to walk a list longer than that"
            ),
        }
    }
}

/// A page whose next cursor cannot be followed ([`Error::Paging`]); the page itself was yielded
/// before this error.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PagingError {
    /// What is wrong with the next cursor.
    pub problem: PagingProblem,
    /// The HTTP status of the page that carried it.
    pub status: StatusCode,
    /// The headers of that page.
    pub headers: HeaderMap,
    /// The request ids of that page.
    pub request_ids: RequestIds,
}

impl fmt::Display for PagingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)
    }
}

/// Every page of a list operation, in order: a lazy [`Stream`] of [`Page`]s. Made by a generated
/// builder's `pages()`.
///
/// Set [`Self::starting_at`], [`Self::max_pages`] and [`Self::with_options`] before the first
/// poll. An error is yielded once and ends the stream; dropping the stream cancels the walk, and
/// no request is sent after that.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<'a, P: Paginated> {
    walk: Option<Walk<P>>,
    stream: Option<PageStream<'a, P>>,
}

impl<'a, P: Paginated + 'a> Pages<'a, P> {
    #[doc(hidden)]
    pub fn new(builder: P) -> Self {
        Self {
            walk: Some(Walk::new(builder)),
            stream: None,
        }
    }

    /// Starts at `cursor` (a [`Page::next_cursor`] saved earlier) instead of where the builder
    /// points. A cursor of another kind than the operation's (a token for a numbered list) fails
    /// the first poll with [`Error::InvalidRequest`], before anything is sent.
    pub fn starting_at(mut self, cursor: Cursor) -> Self {
        if let Some(walk) = &mut self.walk {
            walk.start = Some(cursor);
        }
        self
    }

    /// Fetches at most `pages` pages; the stream ends after the last of them. Without it, a walk
    /// stops with an error after [`DEFAULT_MAX_PAGES`].
    pub fn max_pages(mut self, pages: u64) -> Self {
        if let Some(walk) = &mut self.walk {
            walk.pages_left = Some(pages);
        }
        self
    }

    /// Sends every page's request with these per-call options (headers, timeout, retry policy).
    pub fn with_options(mut self, options: CallOptions) -> Self {
        if let Some(walk) = &mut self.walk {
            walk.options = options;
        }
        self
    }

    /// The next page, or `None` at the end: [`StreamExt::next`] without the import.
    pub async fn next(&mut self) -> Option<Result<Page<P::Body>, Error<P::Error>>> {
        StreamExt::next(self).await
    }
}

impl<'a, P: Paginated + 'a> Stream for Pages<'a, P> {
    type Item = Result<Page<P::Body>, Error<P::Error>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Some(walk) = this.walk.take() {
            this.stream = Some(walk.into_stream());
        }
        match &mut this.stream {
            Some(stream) => stream.poll_next_unpin(cx),
            None => Poll::Ready(None),
        }
    }
}

impl<P: Paginated> Unpin for Pages<'_, P> {}

impl<P: Paginated> fmt::Debug for Pages<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("started", &self.stream.is_some())
            .finish_non_exhaustive()
    }
}

/// Every item of a list operation, in order, across pages: a lazy [`Stream`]. Made by a
/// generated builder's `stream()`. A page is fetched only when the items before it have been
/// taken.
#[must_use = "streams do nothing unless polled"]
pub struct Items<'a, P: Paginated> {
    pages: Pages<'a, P>,
    buffered: VecDeque<P::Item>,
    items_left: Option<u64>,
    ended: bool,
}

impl<'a, P: Paginated + 'a> Items<'a, P> {
    #[doc(hidden)]
    pub fn new(builder: P) -> Self {
        Self {
            pages: Pages::new(builder),
            buffered: VecDeque::new(),
            items_left: None,
            ended: false,
        }
    }

    /// Starts at the page of `cursor`; see [`Pages::starting_at`].
    pub fn starting_at(mut self, cursor: Cursor) -> Self {
        self.pages = self.pages.starting_at(cursor);
        self
    }

    /// Fetches at most `pages` pages.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.pages = self.pages.max_pages(pages);
        self
    }

    /// Yields at most `items` items; no page is fetched after the one that holds the last of them.
    pub fn max_items(mut self, items: u64) -> Self {
        self.items_left = Some(items);
        self
    }

    /// Sends every page's request with these per-call options.
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.pages = self.pages.with_options(options);
        self
    }

    /// The next item, or `None` at the end: [`StreamExt::next`] without the import.
    pub async fn next(&mut self) -> Option<Result<P::Item, Error<P::Error>>> {
        StreamExt::next(self).await
    }
}

impl<'a, P: Paginated + 'a> Stream for Items<'a, P> {
    type Item = Result<P::Item, Error<P::Error>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.ended || this.items_left == Some(0) {
                return Poll::Ready(None);
            }
            if let Some(item) = this.buffered.pop_front() {
                if let Some(left) = &mut this.items_left {
                    *left -= 1;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            match this.pages.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.ended = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(error))) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(Some(Ok(page))) => {
                    let mut body = page.into_response().into_inner();
                    this.buffered.extend(P::take_items(&mut body));
                }
            }
        }
    }
}

impl<P: Paginated> Unpin for Items<'_, P> {}

impl<P: Paginated> fmt::Debug for Items<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.buffered.len())
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

/// The pages of a started walk.
type PageStream<'a, P> = BoxStream<'a, PageResult<P>>;
type PageResult<P> = Result<Page<<P as Paginated>::Body>, Error<<P as Paginated>::Error>>;

/// The state of one walk through a list.
struct Walk<P: Paginated> {
    builder: P,
    /// Where the caller asked to start instead of the builder's own cursor.
    start: Option<Cursor>,
    pages_left: Option<u64>,
    /// Pages fetched so far.
    fetched: u64,
    options: CallOptions,
    /// The cursor of the next request; `None` before the first.
    next: Option<Cursor>,
    started: bool,
    /// Every cursor fetched so far (and the next one), to catch a server that loops.
    seen: HashSet<Cursor>,
    /// The most items a page held, for short-page detection without a page size.
    largest_page: u64,
    /// An error to yield after the page that caused it.
    pending: Option<Error<P::Error>>,
    done: bool,
}

impl<P: Paginated> Walk<P> {
    fn new(builder: P) -> Self {
        Self {
            builder,
            start: None,
            pages_left: None,
            fetched: 0,
            options: CallOptions::default(),
            next: None,
            started: false,
            seen: HashSet::new(),
            largest_page: 0,
            pending: None,
            done: false,
        }
    }

    fn into_stream<'a>(self) -> PageStream<'a, P>
    where
        P: 'a,
    {
        futures::stream::unfold(self, |mut walk| async move {
            let item = walk.step().await?;
            Some((item, walk))
        })
        .boxed()
    }

    /// The next page or error; `None` once the walk is over.
    async fn step(&mut self) -> Option<Result<Page<P::Body>, Error<P::Error>>> {
        if let Some(error) = self.pending.take() {
            self.done = true;
            return Some(Err(error));
        }
        if self.done || self.pages_left == Some(0) {
            return None;
        }
        let cursor = if self.started {
            Some(self.next.take()?)
        } else {
            self.started = true;
            match self.start.take() {
                Some(cursor) => match check_kind(P::STYLE, &cursor) {
                    Ok(()) => Some(cursor),
                    Err(message) => {
                        self.done = true;
                        return Some(Err(Error::InvalidRequest(message)));
                    }
                },
                None => self.builder.cursor().or(match P::STYLE {
                    PageStyle::PageNumber { first, .. } => Some(Cursor::Page(first)),
                    _ => None,
                }),
            }
        };
        if let Some(cursor) = &cursor {
            self.seen.insert(cursor.clone());
        }
        if let Some(left) = &mut self.pages_left {
            *left -= 1;
        }
        let mut options = self.options.clone();
        let request = match &cursor {
            Some(Cursor::Link(link)) => match reqwest::Url::parse(link) {
                Ok(url) => {
                    options.url = Some(url);
                    self.builder.clone()
                }
                Err(_) => {
                    self.done = true;
                    return Some(Err(Error::InvalidRequest(format!(
                        "the cursor's link {link:?} is not a URL"
                    ))));
                }
            },
            Some(cursor) => self.builder.clone().at(cursor),
            None => self.builder.clone(),
        };
        let response = match call::with_call_options(options, request.send_page()).await {
            Ok(response) => response,
            Err(error) => {
                self.done = true;
                return Some(Err(error));
            }
        };
        let next = self.next_cursor(cursor.as_ref(), &response);
        self.fetched += 1;
        let next = match next {
            Ok(Some(next)) if !self.seen.insert(next.clone()) => Err(PagingProblem::RepeatedCursor(next)),
            Ok(Some(_)) if self.pages_left.is_none() && self.fetched >= DEFAULT_MAX_PAGES => {
                Err(PagingProblem::TooManyPages(self.fetched))
            }
            other => other,
        };
        let next = match next {
            Ok(next) => next,
            Err(problem) => {
                self.pending = Some(Error::Paging(PagingError {
                    problem,
                    status: response.status(),
                    headers: response.headers().clone(),
                    request_ids: response.request_ids().clone(),
                }));
                None
            }
        };
        self.next = next.clone();
        if next.is_none() && self.pending.is_none() {
            self.done = true;
        }
        Some(Ok(Page { response, cursor, next }))
    }

    /// The cursor of the page after the one fetched with `sent`, or `None` if that was the last.
    fn next_cursor(
        &mut self,
        sent: Option<&Cursor>,
        response: &Response<P::Body>,
    ) -> Result<Option<Cursor>, PagingProblem> {
        let facts = P::facts(response, response.headers());
        let items = u64::try_from(facts.items).unwrap_or(u64::MAX);
        match P::STYLE {
            PageStyle::PageNumber {
                parameter,
                first,
                last_page,
            } => {
                let current = match sent {
                    Some(Cursor::Page(number)) => *number,
                    _ => first,
                };
                if items == 0 {
                    return Ok(None);
                }
                let size = self.builder.page_size().unwrap_or(self.largest_page.max(items));
                self.largest_page = self.largest_page.max(items);
                let last = match last_page {
                    LastPage::NextLink => {
                        if let Some(pointed) = facts.next_link.and_then(|link| page_in_link(link, parameter))
                            && pointed <= current
                        {
                            return Err(PagingProblem::RepeatedCursor(Cursor::Page(pointed)));
                        }
                        facts.more != Some(true)
                    }
                    LastPage::Count => match facts.count {
                        Some(count) => (current.saturating_sub(first) + 1).saturating_mul(size) >= count,
                        None => true,
                    },
                    LastPage::ShortPage => items < size,
                };
                Ok((!last).then(|| Cursor::Page(current + 1)))
            }
            PageStyle::ContinuationToken => {
                if facts.more == Some(false) {
                    return Ok(None);
                }
                Ok(facts
                    .token
                    .filter(|token| !token.is_empty())
                    .map(|token| Cursor::Token(token.to_string())))
            }
            PageStyle::NextLink => {
                let Some(link) = facts.next_link.filter(|link| !link.is_empty()) else {
                    return Ok(None);
                };
                resolve_link(self.builder.base_url(), link).map(Some)
            }
        }
    }
}

/// Whether `cursor` is of the kind `style` takes.
fn check_kind(style: PageStyle, cursor: &Cursor) -> Result<(), String> {
    let fits = matches!(
        (style, cursor),
        (PageStyle::PageNumber { .. }, Cursor::Page(_))
            | (PageStyle::ContinuationToken, Cursor::Token(_))
            | (PageStyle::NextLink, Cursor::Link(_))
    );
    if fits {
        return Ok(());
    }
    let wanted = match style {
        PageStyle::PageNumber { .. } => "a page number",
        PageStyle::ContinuationToken => "a continuation token",
        PageStyle::NextLink => "a link",
    };
    Err(format!("this list starts from {wanted}, not from {cursor}"))
}

/// The page number a next link carries in its query, if any.
fn page_in_link(link: &str, parameter: &str) -> Option<u64> {
    let query = link.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == parameter)
        .and_then(|(_, value)| value.parse().ok())
}

/// `link` made absolute against `base`, if it stays on the base URL's origin.
fn resolve_link(base: &str, link: &str) -> Result<Cursor, PagingProblem> {
    let base = reqwest::Url::parse(base).map_err(|_| PagingProblem::InvalidLink(link.to_string()))?;
    let url = base
        .join(link)
        .map_err(|_| PagingProblem::InvalidLink(link.to_string()))?;
    if url.origin() != base.origin() {
        return Err(PagingProblem::ForeignLink(url.origin().ascii_serialization()));
    }
    Ok(Cursor::Link(url.into()))
}

/// Generated lens helpers: a page number or size the builder holds, as a `u64`.
#[doc(hidden)]
pub trait PageNumberValue {
    fn page_number(&self) -> Option<u64>;
}

macro_rules! page_number_value {
    ($($ty:ty => |$v:ident| $e:expr),* $(,)?) => {$(
        impl PageNumberValue for $ty {
            fn page_number(&self) -> Option<u64> {
                let $v = self;
                $e
            }
        }
    )*};
}

page_number_value!(
    std::num::NonZeroU32 => |v| Some(u64::from(v.get())),
    std::num::NonZeroU64 => |v| Some(v.get()),
    i32 => |v| u64::try_from(*v).ok(),
    i64 => |v| u64::try_from(*v).ok(),
    u32 => |v| Some(u64::from(*v)),
    u64 => |v| Some(*v),
);

impl<T: PageNumberValue> PageNumberValue for Option<T> {
    fn page_number(&self) -> Option<u64> {
        self.as_ref()?.page_number()
    }
}

/// Used by generated code: the value of a builder's integer parameter, if it is set and valid.
#[doc(hidden)]
pub fn page_number<T: PageNumberValue>(field: &Result<T, String>) -> Option<u64> {
    field.as_ref().ok()?.page_number()
}

/// Used by generated code: the value of a builder's string parameter, if it is set.
#[doc(hidden)]
pub fn token_value<T: AsRef<str>>(field: &Result<Option<T>, String>) -> Option<String> {
    Some(field.as_ref().ok()?.as_ref()?.as_ref().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_stay_on_the_base_origin() {
        let base = "https://api.example.com/v1";
        assert_eq!(
            resolve_link(base, "/v1/items?page=2"),
            Ok(Cursor::Link("https://api.example.com/v1/items?page=2".into()))
        );
        assert_eq!(
            resolve_link(base, "https://api.example.com:443/v1/items?page=2"),
            Ok(Cursor::Link("https://api.example.com/v1/items?page=2".into()))
        );
        assert_eq!(
            resolve_link(base, "https://evil.example.net/steal"),
            Err(PagingProblem::ForeignLink("https://evil.example.net".into()))
        );
        assert_eq!(
            resolve_link(base, "http://api.example.com/v1/items"),
            Err(PagingProblem::ForeignLink("http://api.example.com".into()))
        );
        assert_eq!(
            resolve_link(base, "https://[::1"),
            Err(PagingProblem::InvalidLink("https://[::1".into()))
        );
    }

    #[test]
    fn page_numbers_are_read_from_links() {
        assert_eq!(page_in_link("https://x/list/?page=2&page_size=5", "page"), Some(2));
        assert_eq!(page_in_link("https://x/list/?page_size=5", "page"), None);
        assert_eq!(page_in_link("https://x/list/?page=two", "page"), None);
        assert_eq!(page_in_link("https://x/list/", "page"), None);
    }

    #[test]
    fn cursors_serialize_by_kind() {
        let cursors = [
            (Cursor::Page(3), r#"{"page":3}"#),
            (Cursor::Token("a b".into()), r#"{"token":"a b"}"#),
            (Cursor::Link("https://x/?p=2".into()), r#"{"link":"https://x/?p=2"}"#),
        ];
        for (cursor, json) in cursors {
            assert_eq!(serde_json::to_string(&cursor).unwrap(), json);
            assert_eq!(serde_json::from_str::<Cursor>(json).unwrap(), cursor);
        }
        assert_eq!(Cursor::Page(3).to_string(), "page 3");
        assert_eq!(Cursor::Token("t".into()).to_string(), "continuation token \"t\"");
    }

    #[test]
    fn a_cursor_of_the_wrong_kind_is_refused() {
        let numbered = PageStyle::PageNumber {
            parameter: "page",
            first: 1,
            last_page: LastPage::ShortPage,
        };
        assert_eq!(check_kind(numbered, &Cursor::Page(2)), Ok(()));
        assert_eq!(
            check_kind(numbered, &Cursor::Token("t".into())),
            Err("this list starts from a page number, not from continuation token \"t\"".into())
        );
        assert_eq!(
            check_kind(PageStyle::NextLink, &Cursor::Page(2)),
            Err("this list starts from a link, not from page 2".into())
        );
    }

    /// A token list whose server hands out a new token with every page, forever.
    #[derive(Clone)]
    struct Endless {
        token: Option<String>,
    }

    impl Paginated for Endless {
        type Body = (Vec<u32>, String);
        type Item = u32;
        type Error = ();
        const STYLE: PageStyle = PageStyle::ContinuationToken;

        fn cursor(&self) -> Option<Cursor> {
            self.token.clone().map(Cursor::Token)
        }
        fn page_size(&self) -> Option<u64> {
            None
        }
        fn base_url(&self) -> &str {
            "http://127.0.0.1"
        }
        fn at(self, cursor: &Cursor) -> Self {
            match cursor {
                Cursor::Token(token) => Endless {
                    token: Some(token.clone()),
                },
                _ => self,
            }
        }
        fn send_page<'s>(self) -> PageFuture<'s, Self::Body, Self::Error>
        where
            Self: 's,
        {
            let n: u64 = self.token.as_deref().map_or(0, |t| t.parse().unwrap());
            let body = (vec![1], (n + 1).to_string());
            let response = Response::new(
                body,
                reqwest::StatusCode::OK,
                HeaderMap::new(),
                RequestIds::default(),
                bytes::Bytes::new(),
            );
            Box::pin(std::future::ready(Ok(response)))
        }
        fn facts<'b>(body: &'b Self::Body, _: &'b HeaderMap) -> PageFacts<'b> {
            PageFacts {
                items: body.0.len(),
                token: Some(&body.1),
                ..PageFacts::default()
            }
        }
        fn take_items(body: &mut Self::Body) -> Vec<Self::Item> {
            std::mem::take(&mut body.0)
        }
    }

    #[tokio::test]
    async fn a_server_that_never_ends_is_stopped_after_the_default_page_cap() {
        let mut pages = Pages::new(Endless { token: None });
        let mut fetched = 0;
        let error = loop {
            match pages.next().await {
                Some(Ok(_)) => fetched += 1,
                Some(Err(error)) => break error,
                None => panic!("the walk ended without an error"),
            }
        };
        assert_eq!(fetched, DEFAULT_MAX_PAGES);
        let Error::Paging(paging) = error else {
            panic!("not a paging error: {error:?}");
        };
        assert_eq!(paging.problem, PagingProblem::TooManyPages(DEFAULT_MAX_PAGES));
        // A caller's own limit ends the walk quietly, past the default too.
        let items: Vec<_> = Items::new(Endless { token: None })
            .max_pages(DEFAULT_MAX_PAGES + 5)
            .collect()
            .await;
        assert_eq!(items.len() as u64, DEFAULT_MAX_PAGES + 5);
        assert!(items.iter().all(Result::is_ok));
    }
}
