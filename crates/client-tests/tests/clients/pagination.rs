//! Every list is a stream: each pagination style of our specs against a lister on 127.0.0.1 that
//! serves three pages and records every request.
//!
//! - Respan `list_customers`: page numbers, the last page has no `next`.
//! - Respan `list_credit_transactions`: the next page is the body's `next` link.
//! - CloudHealth `list_customers`: page numbers, the last page is short.
//! - Partner Center `list_customers`: a continuation token sent back in `MS-ContinuationToken`.

use client_tests::assert_matches_schema;
use client_tests::scripted::{ReceivedRequest, Reply, ScriptedServer};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a style's server answers: the page a request asks for, and the body of each page.
#[derive(Clone, Copy)]
enum Style {
    RespanCustomers,
    RespanCreditTransactions,
    CloudHealthCustomers,
    PartnerCenterCustomers,
}

/// Two items a page, five in all: pages 1 and 2 are full and page 3 holds one.
const ITEM_IDS: [&str; 5] = ["c1", "c2", "c3", "c4", "c5"];

/// A Partner Center customer's id (a tenant GUID) for item `cN`, and back.
fn tenant_id(item: &str) -> String {
    format!("00000000-0000-4000-8000-{:012}", item[1..].parse::<u64>().unwrap())
}

fn item_of(tenant: partner_center_client::uuid::Uuid) -> String {
    format!("c{}", tenant.as_u128() & 0xffff_ffff_ffff)
}
const PAGE_SIZE: usize = 2;

impl Style {
    /// The page a request asks for, from 1.
    fn page_of(self, request: &ReceivedRequest) -> usize {
        match self {
            Style::PartnerCenterCustomers => match request.header("MS-ContinuationToken") {
                None => 1,
                Some(token) => token.strip_prefix("tok-").and_then(|n| n.parse().ok()).unwrap_or(99),
            },
            _ => query(&request.target)
                .get("page")
                .map_or(1, |page| page.parse().unwrap_or(99)),
        }
    }

    fn item(self, id: &str) -> Value {
        match self {
            Style::RespanCustomers => json!({"customer_identifier": id, "total_cost": 1.5}),
            Style::RespanCreditTransactions => json!({"id": id, "amount": 150, "transaction_type": "grant"}),
            Style::CloudHealthCustomers => json!({"id": id[1..].parse::<i64>().unwrap(), "name": id}),
            Style::PartnerCenterCustomers => json!({"id": tenant_id(id), "companyProfile": {"companyName": id}}),
        }
    }

    /// The body of page `page` of `pages`, holding `ids`.
    fn body(self, base: &str, page: usize, pages: usize, ids: &[&str]) -> Value {
        let items: Vec<Value> = ids.iter().map(|id| self.item(id)).collect();
        let last = page >= pages;
        match self {
            Style::RespanCustomers | Style::RespanCreditTransactions => {
                let path = match self {
                    Style::RespanCustomers => "/api/users/list/",
                    _ => "/api/credit-transactions/list/",
                };
                let link = |n: usize| format!("{base}{path}?page={n}&page_size={PAGE_SIZE}");
                json!({
                    "count": ITEM_IDS.len(),
                    "next": if last { Value::Null } else { json!(link(page + 1)) },
                    "previous": if page == 1 { Value::Null } else { json!(link(page - 1)) },
                    "results": items,
                })
            }
            Style::CloudHealthCustomers => json!({"customers": items}),
            Style::PartnerCenterCustomers => {
                let mut body = json!({
                    "totalCount": items.len(),
                    "items": items,
                    "attributes": {"objectType": "Collection"},
                });
                if !last {
                    let token = format!("tok-{}", page + 1);
                    body["continuationToken"] = json!(token);
                    body["links"] = json!({"next": {
                        "uri": format!("/customers?size={PAGE_SIZE}&seekOperation=Next"),
                        "method": "GET",
                        "headers": [{"key": "MS-ContinuationToken", "value": token}],
                    }});
                }
                body
            }
        }
    }

    /// An error body of the API's documented shape.
    fn error_body(self, status: u16) -> Value {
        match self {
            Style::RespanCustomers | Style::RespanCreditTransactions => json!({"detail": "try again later"}),
            Style::CloudHealthCustomers => json!({"error": "try again later"}),
            Style::PartnerCenterCustomers => json!({"code": status, "description": "try again later"}),
        }
    }

    fn api(self) -> (&'static str, &'static str) {
        match self {
            Style::RespanCustomers => ("respan", "CustomerList"),
            Style::RespanCreditTransactions => ("respan", "CreditTransactionList"),
            Style::CloudHealthCustomers => ("cloudhealth", "CustomerList"),
            Style::PartnerCenterCustomers => ("partner-center", "CustomerCollection"),
        }
    }
}

fn query(target: &str) -> HashMap<String, String> {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    serde_urlencoded::from_str(query).unwrap()
}

/// What the lister serves and has seen.
struct State {
    style: Style,
    base: String,
    /// The items of each page.
    pages: Vec<Vec<&'static str>>,
    /// Statuses answered, in turn, instead of a page (the last one for every later request).
    faults: HashMap<usize, Vec<u16>>,
    /// Pages whose body hands out this next token or page link instead of the right one.
    repeat: HashMap<usize, usize>,
    requests: Vec<ReceivedRequest>,
}

struct Lister {
    server: ScriptedServer,
    state: Arc<Mutex<State>>,
}

impl Lister {
    async fn start(style: Style) -> Self {
        Self::with_pages(style, ITEM_IDS.chunks(PAGE_SIZE).map(<[_]>::to_vec).collect()).await
    }

    async fn with_pages(style: Style, pages: Vec<Vec<&'static str>>) -> Self {
        let state = Arc::new(Mutex::new(State {
            style,
            base: String::new(),
            pages,
            faults: HashMap::new(),
            repeat: HashMap::new(),
            requests: Vec::new(),
        }));
        let server = {
            let state = Arc::clone(&state);
            ScriptedServer::handle(move |request| answer(&mut state.lock().unwrap(), request)).await
        };
        state.lock().unwrap().base = server.uri();
        Lister { server, state }
    }

    fn fail(&self, page: usize, statuses: &[u16]) {
        self.state.lock().unwrap().faults.insert(page, statuses.to_vec());
    }

    /// Page `page`'s body points to page `to` as its next page.
    fn repeat(&self, page: usize, to: usize) {
        self.state.lock().unwrap().repeat.insert(page, to);
    }

    fn requests(&self) -> Vec<ReceivedRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The page each request asked for, in order.
    fn pages_asked(&self) -> Vec<usize> {
        let state = self.state.lock().unwrap();
        state.requests.iter().map(|r| state.style.page_of(r)).collect()
    }
}

fn answer(state: &mut State, request: &ReceivedRequest) -> Reply {
    state.requests.push(request.clone());
    let page = state.style.page_of(request);
    if let Some(statuses) = state.faults.get_mut(&page) {
        let status = if statuses.len() > 1 {
            statuses.remove(0)
        } else {
            statuses[0]
        };
        if status != 200 {
            let reply = Reply::status(status).json(&state.style.error_body(status));
            return if status == 429 {
                reply.header("retry-after", "0")
            } else {
                reply
            };
        }
    }
    let Some(ids) = state.pages.get(page - 1) else {
        return Reply::status(404).json(&json!({"detail": "no such page"}));
    };
    let mut body = state.style.body(&state.base, page, state.pages.len(), ids);
    if let Some(&to) = state.repeat.get(&page) {
        match state.style {
            Style::PartnerCenterCustomers => body["continuationToken"] = json!(format!("tok-{to}")),
            _ => {
                let next = body["next"]
                    .as_str()
                    .unwrap()
                    .replace(&format!("page={}", page + 1), &format!("page={to}"));
                body["next"] = json!(next);
            }
        }
    }
    let (api, schema) = state.style.api();
    assert_matches_schema(api, schema, &body);
    Reply::status(200).json(&body)
}

/// Polls `stream` up to its first error: each value before it, passed through `map`, and the error.
async fn until_error<S, T, E, V>(stream: &mut S, map: impl Fn(T) -> V) -> (Vec<V>, E)
where
    S: futures::Stream<Item = Result<T, E>> + Unpin,
{
    let mut values = Vec::new();
    loop {
        match futures::StreamExt::next(stream)
            .await
            .expect("the stream ends with an error")
        {
            Ok(value) => values.push(map(value)),
            Err(error) => return (values, error),
        }
    }
}

/// A retry policy that retries at once: the lister's `Retry-After` is 0.
fn quick_retries() -> Duration {
    Duration::from_millis(1)
}

mod respan_customers {
    use super::*;
    use respan_client::errors::ListCustomersError;
    use respan_client::types::CustomerFilters;
    use respan_client::{Client, Cursor, Error, RetryPolicy};

    fn client(lister: &Lister) -> Client {
        Client::builder()
            .base_url(lister.server.uri())
            .bearer_token("rsp-test")
            .retry_policy(RetryPolicy::default().initial_backoff(quick_retries()))
            .build()
            .unwrap()
    }

    async fn ids<'c>(mut items: respan_client::Items<'c, respan_client::builder::ListCustomers<'c>>) -> Vec<String> {
        let mut ids = Vec::new();
        while let Some(item) = items.next().await {
            ids.push(item.unwrap().customer_identifier.unwrap());
        }
        ids
    }

    #[tokio::test]
    async fn three_pages_give_every_item_once_with_one_request_per_page() {
        let lister = Lister::start(Style::RespanCustomers).await;
        let client = client(&lister);
        let items = client
            .list_customers(CustomerFilters::new())
            .page_size(PAGE_SIZE)
            .sort_by("-total_cost")
            .stream();
        assert_eq!(ids(items).await, ITEM_IDS);
        let targets: Vec<String> = lister.requests().iter().map(|r| r.target.clone()).collect();
        assert_eq!(
            targets,
            [
                "/api/users/list/?page=1&page_size=2&sort_by=-total_cost",
                "/api/users/list/?page=2&page_size=2&sort_by=-total_cost",
                "/api/users/list/?page=3&page_size=2&sort_by=-total_cost",
            ]
        );
        for request in lister.requests() {
            assert_eq!(request.method, "POST");
            assert_eq!(serde_json::from_slice::<Value>(&request.body).unwrap(), json!({}));
        }
    }

    #[tokio::test]
    async fn a_list_walk_runs_in_a_spawned_task() {
        let lister = Lister::start(Style::RespanCustomers).await;
        let client = client(&lister);
        let items = tokio::spawn(async move {
            let mut ids = Vec::new();
            let mut items = client
                .list_customers(CustomerFilters::new())
                .page_size(PAGE_SIZE)
                .stream();
            while let Some(item) = items.next().await {
                ids.push(item.unwrap().customer_identifier.unwrap());
            }
            let mut pages = client
                .list_customers(CustomerFilters::new())
                .page_size(PAGE_SIZE)
                .pages();
            let mut count = 0;
            while let Some(page) = pages.next().await {
                count += page.unwrap().results.len();
            }
            (ids, count)
        });
        assert_eq!(
            items.await.unwrap(),
            (ITEM_IDS.map(String::from).to_vec(), ITEM_IDS.len())
        );
    }

    #[tokio::test]
    async fn pages_carry_their_headers_and_cursors() {
        let lister = Lister::start(Style::RespanCustomers).await;
        let client = client(&lister);
        let mut pages = client.list_customers(CustomerFilters::new()).page_size(2).pages();
        let mut seen = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.unwrap();
            assert_eq!(page.headers()["content-type"], "application/json");
            seen.push((page.cursor().cloned(), page.next_cursor().cloned(), page.results.len()));
        }
        assert_eq!(
            seen,
            [
                (Some(Cursor::Page(1)), Some(Cursor::Page(2)), 2),
                (Some(Cursor::Page(2)), Some(Cursor::Page(3)), 2),
                (Some(Cursor::Page(3)), None, 1),
            ]
        );
    }

    #[tokio::test]
    async fn a_429_is_retried_and_a_500_ends_the_stream_after_the_pages_before_it() {
        let lister = Lister::start(Style::RespanCustomers).await;
        lister.fail(2, &[429, 200]);
        lister.fail(3, &[500]);
        let client = client(&lister);
        let mut items = client.list_customers(CustomerFilters::new()).page_size(2).stream();
        let (ids, error) = until_error(&mut items, |item| item.customer_identifier.unwrap()).await;
        assert_eq!(ids, ["c1", "c2", "c3", "c4"]);
        assert!(
            matches!(&error, Error::Api(e) if e.status == 500 && matches!(e.body, ListCustomersError::InternalServerError(_))),
            "{error:?}"
        );
        assert!(items.next().await.is_none());
        assert!(items.next().await.is_none());
        assert_eq!(lister.pages_asked(), [1, 2, 2, 3]);
    }

    #[tokio::test]
    async fn a_walk_resumes_from_a_saved_cursor() {
        let lister = Lister::start(Style::RespanCustomers).await;
        let client = client(&lister);
        let mut first = client
            .list_customers(CustomerFilters::new())
            .page_size(2)
            .pages()
            .max_pages(1);
        let page = first.next().await.unwrap().unwrap();
        assert!(first.next().await.is_none(), "max_pages(1) stops after one page");
        let saved = serde_json::to_string(page.next_cursor().unwrap()).unwrap();
        assert_eq!(saved, r#"{"page":2}"#);

        let cursor: Cursor = serde_json::from_str(&saved).unwrap();
        let items = client
            .list_customers(CustomerFilters::new())
            .page_size(2)
            .stream()
            .starting_at(cursor);
        assert_eq!(ids(items).await, ["c3", "c4", "c5"]);
        assert_eq!(lister.pages_asked(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn an_empty_first_page_ends_at_once() {
        let lister = Lister::with_pages(Style::RespanCustomers, vec![vec![]]).await;
        let client = client(&lister);
        let items = client.list_customers(CustomerFilters::new()).stream();
        assert!(ids(items).await.is_empty());
        assert_eq!(lister.pages_asked(), [1]);
    }

    #[tokio::test]
    async fn a_next_link_back_to_a_fetched_page_ends_with_an_error() {
        let lister = Lister::start(Style::RespanCustomers).await;
        lister.repeat(2, 2);
        let client = client(&lister);
        let mut items = client.list_customers(CustomerFilters::new()).page_size(2).stream();
        let (ids, error) = until_error(&mut items, |item| item.customer_identifier.unwrap()).await;
        assert_eq!(ids, ["c1", "c2", "c3", "c4"]);
        assert_eq!(
            error.to_string(),
            "the list cannot go on: the server handed out page 2 again; the list would never end"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        assert!(items.next().await.is_none());
        assert_eq!(lister.pages_asked(), [1, 2]);
    }

    #[tokio::test]
    async fn nothing_is_sent_before_the_first_poll_or_after_the_stream_is_dropped() {
        let lister = Lister::start(Style::RespanCustomers).await;
        let client = client(&lister);
        let mut items = client.list_customers(CustomerFilters::new()).page_size(2).stream();
        tokio::task::yield_now().await;
        assert_eq!(lister.server.requests(), 0);
        let first = items.next().await.unwrap().unwrap();
        assert_eq!(first.customer_identifier.as_deref(), Some("c1"));
        drop(items);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(lister.pages_asked(), [1]);
    }

    #[tokio::test]
    async fn max_items_fetches_no_page_after_the_last_item_it_yields() {
        let lister = Lister::start(Style::RespanCustomers).await;
        let client = client(&lister);
        let items = client
            .list_customers(CustomerFilters::new())
            .page_size(2)
            .stream()
            .max_items(3);
        assert_eq!(ids(items).await, ["c1", "c2", "c3"]);
        assert_eq!(lister.pages_asked(), [1, 2]);
    }

    #[tokio::test]
    async fn a_cursor_of_another_kind_is_refused_before_sending() {
        let lister = Lister::start(Style::RespanCustomers).await;
        let client = client(&lister);
        let mut items = client
            .list_customers(CustomerFilters::new())
            .stream()
            .starting_at(Cursor::Token("abc".into()));
        let error = items.next().await.unwrap().unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid request: this list starts from a page number, not from continuation token \"abc\""
        );
        assert!(items.next().await.is_none());
        assert_eq!(lister.server.requests(), 0);
    }
}

mod respan_credit_transactions {
    use super::*;
    use respan_client::{Client, Cursor, Error, PagingProblem, RetryPolicy};

    fn client(lister: &Lister) -> Client {
        Client::builder()
            .base_url(lister.server.uri())
            .bearer_token("rsp-test")
            .retry_policy(RetryPolicy::default().initial_backoff(quick_retries()))
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn three_pages_follow_the_next_links() {
        let lister = Lister::start(Style::RespanCreditTransactions).await;
        let client = client(&lister);
        let mut items = client.list_credit_transactions().page_size(2).stream();
        let mut ids = Vec::new();
        while let Some(item) = items.next().await {
            ids.push(item.unwrap().id.unwrap());
        }
        assert_eq!(ids, ITEM_IDS);
        let targets: Vec<String> = lister.requests().iter().map(|r| r.target.clone()).collect();
        assert_eq!(
            targets,
            [
                "/api/credit-transactions/list/?page_size=2",
                "/api/credit-transactions/list/?page=2&page_size=2",
                "/api/credit-transactions/list/?page=3&page_size=2",
            ]
        );
        for request in lister.requests() {
            assert_eq!(request.header("authorization"), Some("Bearer rsp-test"));
        }
    }

    #[tokio::test]
    async fn a_429_is_retried_and_a_500_ends_the_stream() {
        let lister = Lister::start(Style::RespanCreditTransactions).await;
        lister.fail(2, &[429, 200]);
        lister.fail(3, &[500]);
        let client = client(&lister);
        let mut pages = client.list_credit_transactions().page_size(2).pages();
        let (sizes, error) = until_error(&mut pages, |page| page.results.len()).await;
        assert_eq!(sizes, [2, 2]);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
        assert!(matches!(error, Error::Api(_)));
        assert!(pages.next().await.is_none());
        assert_eq!(lister.pages_asked(), [1, 2, 2, 3]);
    }

    #[tokio::test]
    async fn a_saved_link_resumes_the_walk_and_a_repeated_link_ends_it() {
        let lister = Lister::start(Style::RespanCreditTransactions).await;
        let client = client(&lister);
        let mut pages = client.list_credit_transactions().page_size(2).pages().max_pages(1);
        let next = pages.next().await.unwrap().unwrap().next_cursor().cloned().unwrap();
        assert_eq!(
            next,
            Cursor::Link(format!(
                "{}/api/credit-transactions/list/?page=2&page_size=2",
                lister.server.uri()
            ))
        );
        let mut resumed = client.list_credit_transactions().pages().starting_at(next);
        let mut sizes = Vec::new();
        while let Some(page) = resumed.next().await {
            sizes.push(page.unwrap().results.len());
        }
        assert_eq!(sizes, [2, 1]);
        assert_eq!(lister.pages_asked(), [1, 2, 3]);

        let looping = Lister::start(Style::RespanCreditTransactions).await;
        looping.repeat(2, 2);
        let other_client = super::respan_credit_transactions::client(&looping);
        let mut pages = other_client.list_credit_transactions().pages();
        pages.next().await.unwrap().unwrap();
        pages.next().await.unwrap().unwrap();
        let error = pages.next().await.unwrap().unwrap_err();
        assert!(
            matches!(&error, Error::Paging(e) if matches!(e.problem, PagingProblem::RepeatedCursor(Cursor::Link(_)))),
            "{error:?}"
        );
        assert!(pages.next().await.is_none());
        assert_eq!(looping.pages_asked(), [1, 2]);
    }

    #[tokio::test]
    async fn a_next_link_to_another_origin_is_not_followed() {
        let lister = Lister::start(Style::RespanCreditTransactions).await;
        let elsewhere = Lister::start(Style::RespanCreditTransactions).await;
        lister.state.lock().unwrap().base = elsewhere.server.uri();
        let client = client(&lister);
        let mut pages = client.list_credit_transactions().page_size(2).pages();
        pages.next().await.unwrap().unwrap();
        let error = pages.next().await.unwrap().unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "the list cannot go on: the next link {} leaves the client's origin; it is not followed, so no credentials are sent there",
                elsewhere.server.uri()
            )
        );
        assert!(pages.next().await.is_none());
        assert_eq!(lister.pages_asked(), [1]);
        assert_eq!(elsewhere.server.requests(), 0);
    }

    #[tokio::test]
    async fn an_empty_first_page_ends_at_once_and_a_dropped_stream_sends_nothing_more() {
        let empty = Lister::with_pages(Style::RespanCreditTransactions, vec![vec![]]).await;
        let client = client(&empty);
        let mut items = client.list_credit_transactions().stream();
        assert!(items.next().await.is_none());
        assert_eq!(empty.pages_asked(), [1]);

        let lister = Lister::start(Style::RespanCreditTransactions).await;
        let other_client = super::respan_credit_transactions::client(&lister);
        let mut items = other_client.list_credit_transactions().page_size(2).stream();
        items.next().await.unwrap().unwrap();
        drop(items);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(lister.pages_asked(), [1]);
    }
}

mod cloudhealth_customers {
    use super::*;
    use cloudhealth_client::errors::ListCustomersError;
    use cloudhealth_client::{Client, Cursor, Error, RetryPolicy};

    fn client(lister: &Lister) -> Client {
        Client::builder()
            .base_url(lister.server.uri())
            .bearer_token("ch-test")
            .retry_policy(RetryPolicy::default().initial_backoff(quick_retries()))
            .build()
            .unwrap()
    }

    async fn names<'c>(
        mut items: cloudhealth_client::Items<'c, cloudhealth_client::builder::ListCustomers<'c>>,
    ) -> Vec<String> {
        let mut names = Vec::new();
        while let Some(item) = items.next().await {
            names.push(item.unwrap().name.unwrap());
        }
        names
    }

    #[tokio::test]
    async fn three_pages_end_at_the_short_one() {
        let lister = Lister::start(Style::CloudHealthCustomers).await;
        let client = client(&lister);
        let items = client.list_customers().per_page(2).stream();
        assert_eq!(names(items).await, ITEM_IDS);
        let targets: Vec<String> = lister.requests().iter().map(|r| r.target.clone()).collect();
        assert_eq!(
            targets,
            [
                "/v1/customers?page=1&per_page=2",
                "/v1/customers?page=2&per_page=2",
                "/v1/customers?page=3&per_page=2",
            ]
        );
    }

    #[tokio::test]
    async fn without_a_page_size_the_walk_ends_at_a_page_shorter_than_the_first() {
        let lister = Lister::start(Style::CloudHealthCustomers).await;
        let client = client(&lister);
        let items = client.list_customers().stream();
        assert_eq!(names(items).await, ITEM_IDS);
        assert_eq!(lister.pages_asked(), [1, 2, 3]);
    }

    #[tokio::test]
    async fn a_429_is_retried_and_a_500_ends_the_stream() {
        let lister = Lister::start(Style::CloudHealthCustomers).await;
        lister.fail(2, &[429, 200]);
        lister.fail(3, &[500]);
        let client = client(&lister);
        let mut items = client.list_customers().per_page(2).stream();
        let (names, error) = until_error(&mut items, |item| item.name.unwrap()).await;
        assert_eq!(names, ["c1", "c2", "c3", "c4"]);
        assert!(
            matches!(&error, Error::Api(e) if matches!(e.body, ListCustomersError::InternalServerError(_))),
            "{error:?}"
        );
        assert!(items.next().await.is_none());
        assert_eq!(lister.pages_asked(), [1, 2, 2, 3]);
    }

    #[tokio::test]
    async fn a_walk_resumes_at_page_two_and_an_empty_first_page_ends_at_once() {
        let lister = Lister::start(Style::CloudHealthCustomers).await;
        let client = client(&lister);
        let items = client
            .list_customers()
            .per_page(2)
            .stream()
            .starting_at(Cursor::Page(2));
        assert_eq!(names(items).await, ["c3", "c4", "c5"]);
        assert_eq!(lister.pages_asked(), [2, 3]);

        let empty = Lister::with_pages(Style::CloudHealthCustomers, vec![vec![]]).await;
        let client = super::cloudhealth_customers::client(&empty);
        assert!(names(client.list_customers().per_page(2).stream()).await.is_empty());
        assert_eq!(empty.pages_asked(), [1]);
    }

    #[tokio::test]
    async fn a_dropped_stream_sends_nothing_more() {
        let lister = Lister::start(Style::CloudHealthCustomers).await;
        let client = client(&lister);
        let mut items = client.list_customers().per_page(2).stream();
        items.next().await.unwrap().unwrap();
        drop(items);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(lister.pages_asked(), [1]);
    }
}

mod partner_center_customers {
    use super::*;
    use partner_center_client::errors::ListCustomersError;
    use partner_center_client::{Client, Cursor, Error, PagingProblem, RetryPolicy};

    fn client(lister: &Lister) -> Client {
        Client::builder()
            .base_url(lister.server.uri())
            .bearer_token("pc-test")
            .retry_policy(RetryPolicy::default().initial_backoff(quick_retries()))
            .build()
            .unwrap()
    }

    /// The query and continuation token of each request.
    fn sent(lister: &Lister) -> Vec<(String, Option<String>)> {
        lister
            .requests()
            .iter()
            .map(|r| (r.target.clone(), r.header("MS-ContinuationToken").map(str::to_string)))
            .collect()
    }

    #[tokio::test]
    async fn three_pages_send_back_each_continuation_token() {
        let lister = Lister::start(Style::PartnerCenterCustomers).await;
        let client = client(&lister);
        let mut items = client.list_customers(2).stream();
        let mut ids = Vec::new();
        while let Some(item) = items.next().await {
            ids.push(item_of(item.unwrap().id.unwrap()));
        }
        assert_eq!(ids, ITEM_IDS);
        assert_eq!(
            sent(&lister),
            [
                ("/v1/customers?size=2".to_string(), None),
                (
                    "/v1/customers?seekOperation=Next&size=2".to_string(),
                    Some("tok-2".to_string())
                ),
                (
                    "/v1/customers?seekOperation=Next&size=2".to_string(),
                    Some("tok-3".to_string())
                ),
            ]
        );
        // Each page is a call of its own, with its own generated request id.
        let request_ids: std::collections::HashSet<String> = lister
            .requests()
            .iter()
            .map(|r| r.header("MS-RequestId").unwrap().to_string())
            .collect();
        assert_eq!(request_ids.len(), 3);
    }

    #[tokio::test]
    async fn a_429_is_retried_and_a_500_ends_the_stream() {
        let lister = Lister::start(Style::PartnerCenterCustomers).await;
        lister.fail(2, &[429, 200]);
        lister.fail(3, &[500]);
        let client = client(&lister);
        let mut pages = client.list_customers(2).pages();
        let (tokens, error) = until_error(&mut pages, |page| page.next_cursor().cloned()).await;
        assert_eq!(
            tokens,
            [Some(Cursor::Token("tok-2".into())), Some(Cursor::Token("tok-3".into()))]
        );
        assert!(
            matches!(&error, Error::Api(e) if matches!(e.body, ListCustomersError::InternalServerError(_))),
            "{error:?}"
        );
        assert!(pages.next().await.is_none());
        assert_eq!(lister.pages_asked(), [1, 2, 2, 3]);
    }

    #[tokio::test]
    async fn a_saved_token_resumes_at_page_two() {
        let lister = Lister::start(Style::PartnerCenterCustomers).await;
        let client = client(&lister);
        let mut pages = client
            .list_customers(2)
            .pages()
            .starting_at(Cursor::Token("tok-2".into()));
        let mut ids = Vec::new();
        while let Some(page) = pages.next().await {
            ids.extend(page.unwrap().items.iter().map(|c| item_of(c.id.unwrap())));
        }
        assert_eq!(ids, ["c3", "c4", "c5"]);
        assert_eq!(lister.pages_asked(), [2, 3]);
        assert_eq!(sent(&lister)[0].1.as_deref(), Some("tok-2"));
    }

    #[tokio::test]
    async fn a_repeated_token_ends_with_an_error_and_an_empty_page_ends_at_once() {
        let lister = Lister::start(Style::PartnerCenterCustomers).await;
        lister.repeat(2, 2);
        let client = client(&lister);
        let mut items = client.list_customers(2).stream();
        let (ids, error) = until_error(&mut items, |item| item_of(item.id.unwrap())).await;
        assert_eq!(ids, ["c1", "c2", "c3", "c4"]);
        assert!(
            matches!(&error, Error::Paging(e) if e.problem == PagingProblem::RepeatedCursor(Cursor::Token("tok-2".into()))),
            "{error:?}"
        );
        assert!(items.next().await.is_none());
        assert_eq!(lister.pages_asked(), [1, 2]);

        let empty = Lister::with_pages(Style::PartnerCenterCustomers, vec![vec![]]).await;
        let other_client = super::partner_center_customers::client(&empty);
        let mut items = other_client.list_customers(2).stream();
        assert!(items.next().await.is_none());
        assert_eq!(empty.pages_asked(), [1]);
    }

    #[tokio::test]
    async fn a_dropped_stream_sends_nothing_more() {
        let lister = Lister::start(Style::PartnerCenterCustomers).await;
        let client = client(&lister);
        let mut items = client.list_customers(2).stream();
        items.next().await.unwrap().unwrap();
        drop(items);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(lister.pages_asked(), [1]);
    }
}

/// The generated list examples walk every page and print one line per item, its identifier first.
mod examples {
    use super::*;
    use std::path::PathBuf;

    const EXAMPLES: [(&str, &str); 4] = [
        ("respan-client", "respan_list_customers"),
        ("respan-client", "respan_list_credit_transactions"),
        ("cloudhealth-client", "cloudhealth_list_customers"),
        ("partner-center-client", "partner_center_list_customers"),
    ];

    fn build() -> PathBuf {
        client_tests::examples::build(&EXAMPLES)
    }

    async fn run(binary: PathBuf, prefix: &str, base_url: String) -> Vec<String> {
        let mut command = client_tests::examples::command(binary, prefix);
        command
            .env(format!("{prefix}TOKEN"), "example-token")
            .env(format!("{prefix}BASE_URL"), base_url);
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .unwrap()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The first word of each line.
    fn ids(lines: &[String]) -> Vec<&str> {
        lines.iter().map(|line| line.split(' ').next().unwrap()).collect()
    }

    #[tokio::test]
    async fn every_list_example_walks_all_pages_and_prints_one_line_per_item() {
        let dir = tokio::task::spawn_blocking(build).await.unwrap();

        let respan = Lister::start(Style::RespanCustomers).await;
        let lines = run(dir.join("respan_list_customers"), "RESPAN_", respan.server.uri()).await;
        assert_eq!(ids(&lines), ITEM_IDS);
        assert_eq!(lines[0], "c1 Some(1.5) USD");
        assert_eq!(respan.pages_asked(), [1, 2, 3]);

        let transactions = Lister::start(Style::RespanCreditTransactions).await;
        let lines = run(
            dir.join("respan_list_credit_transactions"),
            "RESPAN_",
            transactions.server.uri(),
        )
        .await;
        assert_eq!(ids(&lines), ITEM_IDS);
        assert_eq!(transactions.pages_asked(), [1, 2, 3]);

        // The example asks for 100 customers a page; the last page is the short one.
        let numbered: Vec<&'static str> = (1..=201).map(|n| &*format!("c{n}").leak()).collect();
        let cloudhealth = Lister::with_pages(
            Style::CloudHealthCustomers,
            numbered.chunks(100).map(<[_]>::to_vec).collect(),
        )
        .await;
        let lines = run(
            dir.join("cloudhealth_list_customers"),
            "CLOUDHEALTH_",
            cloudhealth.server.uri(),
        )
        .await;
        let expected: Vec<String> = (1..=201).map(|n| n.to_string()).collect();
        assert_eq!(ids(&lines), expected);
        assert_eq!(lines[0], "1 Some(\"c1\")");
        assert_eq!(cloudhealth.pages_asked(), [1, 2, 3]);

        let partner_center = Lister::start(Style::PartnerCenterCustomers).await;
        let lines = run(
            dir.join("partner_center_list_customers"),
            "PARTNER_CENTER_",
            partner_center.server.uri(),
        )
        .await;
        let expected: Vec<String> = ITEM_IDS.iter().map(|id| tenant_id(id)).collect();
        assert_eq!(ids(&lines), expected);
        assert_eq!(lines[0], format!("{} Some(\"c1\")", tenant_id("c1")));
        assert_eq!(partner_center.pages_asked(), [1, 2, 3]);
    }
}
