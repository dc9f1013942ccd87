//! partner-center-client against a mock Partner Center on 127.0.0.1.

use client_tests::{all_requests, assert_matches_schema, header, header_names, json_body, only_request};
use partner_center_client::errors::{GetOverageError, UpdateUsageBudgetError};
use partner_center_client::types::{self, SpendingBudgetUpdate};
use partner_center_client::{CallOptions, Client, Error, RetryPolicy, Server};
use serde_json::json;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API: &str = "partner-center";
const TENANT: partner_center_client::uuid::Uuid =
    partner_center_client::uuid::uuid!("4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab");
const REQUEST_ID: &str = "312b044d-dc41-4b37-a2d5-7d27322d9654";
const CORRELATION_ID: &str = "7cb67bb7-4750-403d-ac2e-6bc44c52d52c";
const TOKEN: &str = "eyJ0eXAiOiJKV1Qi.pc-test-token";

fn budget_json() -> serde_json::Value {
    json!({
        "amount": 100,
        "usageSpendingBudget": 100,
        "attributes": {"objectType": "SpendingBudget"},
        "links": {"self": {"uri": format!("/v1/customers/{TENANT}/usagebudget"), "method": "PATCH", "headers": []}}
    })
}

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(retry)
        .build()
        .expect("valid settings")
}

fn is_uuid(value: &str) -> bool {
    value.parse::<uuid::Uuid>().is_ok()
}

#[tokio::test]
async fn update_usage_budget_sends_the_documented_headers_and_returns_the_typed_resource() {
    let server = MockServer::start().await;
    let answer = budget_json();
    assert_matches_schema(API, "SpendingBudget", &answer);
    Mock::given(method("PATCH"))
        .and(path(format!("/v1/customers/{TENANT}/usagebudget")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("MS-RequestId", REQUEST_ID)
                .insert_header("MS-CorrelationId", CORRELATION_ID)
                .set_body_json(&answer),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server, RetryPolicy::default())
        .update_usage_budget(
            TENANT,
            SpendingBudgetUpdate::new()
                .amount(100.0)
                .attributes(types::ResourceAttributes {
                    etag: None,
                    object_type: Some("SpendingBudget".into()),
                }),
        )
        .ms_request_id(REQUEST_ID)
        .ms_correlation_id(CORRELATION_ID)
        .x_locale("en-US")
        .send()
        .await
        .expect("a 200 response");

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_eq!(request.url.path(), format!("/v1/customers/{TENANT}/usagebudget"));
    assert_eq!(request.url.query(), None);
    assert_eq!(
        header_names(&request),
        [
            "accept",
            "authorization",
            "content-length",
            "content-type",
            "host",
            "ms-correlationid",
            "ms-requestid",
            "user-agent",
            "x-locale"
        ]
    );
    assert_eq!(header(&request, "authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(header(&request, "accept"), "application/json");
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "ms-requestid"), REQUEST_ID, "the caller's id is kept");
    assert_eq!(header(&request, "ms-correlationid"), CORRELATION_ID);
    assert_eq!(header(&request, "x-locale"), "en-US");
    assert_eq!(header(&request, "user-agent"), "partner-center-client/0.4.0");
    let sent = json_body(&request);
    assert_eq!(
        sent,
        json!({"amount": 100.0, "attributes": {"objectType": "SpendingBudget"}})
    );
    assert_matches_schema(API, "SpendingBudgetUpdate", &sent);

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["ms-requestid"], REQUEST_ID);
    let budget = response.into_inner();
    assert_eq!(budget.amount, Some(100.0));
    assert_eq!(budget.usage_spending_budget, Some(100.0));
    assert_eq!(
        budget.attributes.and_then(|a| a.object_type).as_deref(),
        Some("SpendingBudget")
    );
    let link = budget.links.and_then(|l| l.self_).expect("a self link");
    assert_eq!(link.uri, Some(format!("/v1/customers/{TENANT}/usagebudget")));
    assert_eq!(link.method.as_deref(), Some("PATCH"));
    assert!(link.headers.is_empty());
}

#[tokio::test]
async fn get_overage_generates_request_and_correlation_ids_and_returns_the_typed_collection() {
    let server = MockServer::start().await;
    let answer = json!({
        "totalCount": 1,
        "items": [{
            "azureEntitlementId": "ea1c26b7-8c99-42bb-ba7d-c535831fae8e",
            "partnerId": "1234",
            "type": "PhoneServices",
            "overageEnabled": true,
            "links": {"overage": {"uri": format!("/customers/{TENANT}/subscriptions/overage"), "method": "GET", "headers": []}},
            "attributes": {"objectType": "Overage"}
        }],
        "attributes": {"objectType": "Collection"}
    });
    assert_matches_schema(API, "OverageCollection", &answer);
    Mock::given(method("GET"))
        .and(path(format!("/v1/customers/{TENANT}/subscriptions/overage")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let overage = client(&server, RetryPolicy::default())
        .get_overage(TENANT)
        .send()
        .await
        .expect("a 200 response")
        .into_inner();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        header_names(&request),
        [
            "accept",
            "authorization",
            "host",
            "ms-correlationid",
            "ms-requestid",
            "user-agent"
        ]
    );
    assert!(is_uuid(header(&request, "ms-requestid")));
    assert!(is_uuid(header(&request, "ms-correlationid")));
    assert_ne!(header(&request, "ms-requestid"), header(&request, "ms-correlationid"));
    assert!(request.body.is_empty());

    assert_eq!(overage.total_count, Some(1));
    let item = &overage.items[0];
    assert_eq!(
        item.azure_entitlement_id.map(|id| id.to_string()).as_deref(),
        Some("ea1c26b7-8c99-42bb-ba7d-c535831fae8e")
    );
    assert_eq!(item.partner_id.as_deref(), Some("1234"));
    assert_eq!(item.type_.as_deref(), Some("PhoneServices"));
    assert_eq!(item.overage_enabled, Some(true));
}

#[tokio::test]
async fn the_standard_error_body_and_the_throttling_body_each_decode_by_status() {
    let server = MockServer::start().await;
    let not_found = json!({"code": 3000, "description": "Customer not found.", "data": [], "source": "PartnerFD"});
    let throttled = json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds."});
    assert_matches_schema(API, "PartnerCenterError", &not_found);
    assert_matches_schema(API, "ThrottlingError", &throttled);
    Mock::given(path(format!("/v1/customers/{TENANT}/subscriptions/overage")))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("MS-RequestId", REQUEST_ID)
                .set_body_json(&not_found),
        )
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/customers/{TENANT}/usagebudget")))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "57")
                .set_body_json(&throttled),
        )
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::disabled());

    let error = client.get_overage(TENANT).send().await.expect_err("a 404");
    assert_eq!(error.header("ms-requestid"), Some(REQUEST_ID));
    let Some(GetOverageError::NotFound(body)) = error.api_body() else {
        panic!("{error:?}")
    };
    assert!(matches!(body.code, types::ErrorCode::Int64(3000)));
    assert_eq!(body.description.to_string(), "Customer not found.");
    assert_eq!(body.source.as_deref(), Some("PartnerFD"));

    let error = client
        .update_usage_budget(TENANT, SpendingBudgetUpdate::new().amount(1.0))
        .send()
        .await
        .expect_err("a 429");
    assert_eq!(error.header("retry-after"), Some("57"));
    let Some(UpdateUsageBudgetError::TooManyRequests(body)) = error.api_body() else {
        panic!("{error:?}")
    };
    assert_eq!(body.status_code, Some(429));
    assert_eq!(
        body.message.as_deref(),
        Some("Rate limit is exceeded. Try again in 57 seconds.")
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_once_after_about_a_second() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(
                    json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."}),
                ),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(budget_json()))
        .with_priority(2)
        .mount(&server)
        .await;

    let started = Instant::now();
    let budget = client(&server, RetryPolicy::default())
        .update_usage_budget(TENANT, SpendingBudgetUpdate::new().amount(100.0))
        .send()
        .await
        .expect("the retry succeeds");
    let elapsed = started.elapsed();
    assert_eq!(budget.status().as_u16(), 200);

    let requests = all_requests(&server).await;
    assert_eq!(requests.len(), 2);
    // The one wait honoured Retry-After: 1. (A lower bound only; the upper one is generous.)
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    // A new MS-RequestId after a response; the same MS-CorrelationId for the whole call.
    assert_ne!(
        header(&requests[0], "ms-requestid"),
        header(&requests[1], "ms-requestid")
    );
    assert_eq!(
        header(&requests[0], "ms-correlationid"),
        header(&requests[1], "ms-correlationid")
    );
    assert_eq!(json_body(&requests[0]), json_body(&requests[1]));
}

#[tokio::test]
async fn a_429_storm_stops_after_the_configured_attempts_with_the_last_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .set_body_json(json!({"statusCode": 429, "message": "Rate limit is exceeded."})),
        )
        .expect(4)
        .mount(&server)
        .await;

    let error = client(&server, RetryPolicy::default().max_attempts(4))
        .get_overage(TENANT)
        .send()
        .await
        .expect_err("every attempt is throttled");
    let Some(GetOverageError::TooManyRequests(body)) = error.api_body() else {
        panic!("{error:?}")
    };
    assert_eq!(body.message.as_deref(), Some("Rate limit is exceeded."));
    let requests = all_requests(&server).await;
    assert_eq!(requests.len(), 4);
    let ids: std::collections::BTreeSet<&str> = requests.iter().map(|r| header(r, "ms-requestid")).collect();
    assert_eq!(ids.len(), 4, "a new MS-RequestId after each response");
}

#[tokio::test]
async fn a_timed_out_attempt_is_repeated_with_the_same_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(budget_json())
                .set_delay(Duration::from_secs(3)),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(budget_json()))
        .with_priority(2)
        .mount(&server)
        .await;

    // PATCH is not idempotent, but the MS-RequestId idempotency key makes the repeat safe.
    client(
        &server,
        RetryPolicy::default().initial_backoff(Duration::from_millis(10)),
    )
    .update_usage_budget(TENANT, SpendingBudgetUpdate::new().amount(5.0))
    .send_with(CallOptions::new().timeout(Duration::from_millis(300)))
    .await
    .expect("the second attempt succeeds");

    let requests = all_requests(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(
        header(&requests[0], "ms-requestid"),
        header(&requests[1], "ms-requestid")
    );
    assert_eq!(
        header(&requests[0], "ms-correlationid"),
        header(&requests[1], "ms-correlationid")
    );
}

#[tokio::test]
async fn a_retried_get_keeps_the_call_timeout() {
    let server = MockServer::start().await;
    // Every answer comes too late: if a retry went out without the timeout, it would succeed.
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"totalCount": 0, "items": [], "attributes": {"objectType": "Collection"}}))
                .set_delay(Duration::from_secs(2)),
        )
        .mount(&server)
        .await;

    let error = client(
        &server,
        RetryPolicy::default()
            .max_attempts(2)
            .initial_backoff(Duration::from_millis(10)),
    )
    .get_overage(TENANT)
    .send_with(CallOptions::new().timeout(Duration::from_millis(200)))
    .await
    .expect_err("both attempts time out");
    assert!(matches!(&error, Error::Transport(t) if t.is_timeout()), "{error:?}");
    let requests = all_requests(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(
        header(&requests[0], "ms-requestid"),
        header(&requests[1], "ms-requestid"),
        "no response came back, so the retry keeps the request id"
    );
}

#[tokio::test]
async fn a_502_on_an_idempotent_get_is_retried_and_a_500_is_not() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(502).set_body_json(json!({"code": "BadGateway", "description": "upstream"})),
        )
        .expect(3)
        .mount(&server)
        .await;
    let error = client(
        &server,
        RetryPolicy::default().initial_backoff(Duration::from_millis(10)),
    )
    .get_overage(TENANT)
    .send()
    .await
    .expect_err("every attempt fails");
    let Some(GetOverageError::BadGateway(body)) = error.api_body() else {
        panic!("{error:?}")
    };
    assert!(matches!(&body.code, types::ErrorCode::String(code) if code == "BadGateway"));

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"code": 1, "description": "oops"})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server, RetryPolicy::default())
        .get_overage(TENANT)
        .send()
        .await
        .expect_err("a 500");
}

#[tokio::test]
async fn servers_come_from_the_spec() {
    assert_eq!(Server::default(), Server::Default);
    assert_eq!(Server::Default.base_url(), "https://api.partnercenter.microsoft.com");
    assert_eq!(
        Server::China.base_url(),
        "https://partner.partnercenterapi.microsoftonline.cn"
    );
    // An unreachable server: the error names no URL (whose query could hold a key) and no token.
    let error = Client::builder()
        .base_url("http://127.0.0.1:9")
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
        .get_overage(TENANT)
        .send()
        .await
        .expect_err("nothing listens on port 9");
    assert!(matches!(&error, Error::Transport(t) if t.is_connect()), "{error:?}");
    // One sentence; the causes follow through `source()`, each told once.
    assert_eq!(error.to_string(), "no response: the connection could not be made");
    let mut causes = Vec::new();
    let mut cause = std::error::Error::source(&error);
    while let Some(c) = cause {
        causes.push(c.to_string());
        cause = c.source();
    }
    assert!(
        !causes.is_empty() && causes.iter().all(|c| !c.contains("no response")),
        "{causes:?}"
    );
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(TOKEN) && !text.contains("http://"), "{text}");
    }
}

fn customer_json(id: &str, name: &str) -> serde_json::Value {
    json!({
        "id": id,
        "companyProfile": {
            "tenantId": id,
            "domain": format!("{}.onmicrosoft.com", name.to_lowercase()),
            "companyName": name,
            "attributes": {"objectType": "CustomerCompanyProfile"}
        },
        "relationshipToPartner": "reseller",
        "attributes": {"objectType": "Customer"}
    })
}

#[tokio::test]
async fn list_customers_reads_every_page_through_the_continuation_token() {
    let server = MockServer::start().await;
    let first = json!({
        "totalCount": 1,
        "items": [customer_json("b44bb1fb-c595-45b0-9e09-d657365580bf", "Contoso")],
        "continuationToken": "page-2-token",
        "links": {
            "self": {"uri": "/v1/customers?size=1", "method": "GET", "headers": []},
            "next": {
                "uri": "/v1/customers?size=1&seekOperation=Next",
                "method": "GET",
                "headers": [{"key": "MS-ContinuationToken", "value": "page-2-token"}]
            }
        },
        "attributes": {"objectType": "Collection"}
    });
    // The last page has no `links.next`: a token alone does not continue the loop.
    let last = json!({
        "totalCount": 1,
        "items": [customer_json("45c44870-ef77-4fdd-b6fe-3dacb075cff2", "Fabrikam")],
        "continuationToken": "page-2-token",
        "links": {"self": {"uri": "/v1/customers?size=1&seekOperation=Next", "method": "GET", "headers": []}},
        "attributes": {"objectType": "Collection"}
    });
    assert_matches_schema(API, "CustomerCollection", &first);
    assert_matches_schema(API, "CustomerCollection", &last);
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .and(wiremock::matchers::header("MS-ContinuationToken", "page-2-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&last))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&first))
        .mount(&server)
        .await;

    // The loop of the operation's code sample, bounded so that a loop that never ends fails.
    let client = client(&server, RetryPolicy::disabled());
    let mut names = Vec::new();
    let mut page = client.list_customers(1).send().await.expect("page 1").into_inner();
    for _ in 0..5 {
        for customer in &page.items {
            names.push(customer.company_profile.as_ref().and_then(|p| p.company_name.clone()));
        }
        let next = page.links.as_ref().and_then(|links| links.next.as_ref());
        let (Some(_), Some(token)) = (next, page.continuation_token.clone()) else {
            break;
        };
        page = client
            .list_customers(1)
            .seek_operation(types::SeekOperation::Next)
            .ms_continuation_token(token)
            .send()
            .await
            .expect("the next page")
            .into_inner();
    }
    assert_eq!(names, [Some("Contoso".to_string()), Some("Fabrikam".to_string())]);

    let requests = all_requests(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].url.query(), Some("size=1"));
    assert!(requests[0].headers.get("ms-continuationtoken").is_none());
    assert_eq!(requests[1].url.query(), Some("seekOperation=Next&size=1"));
    assert_eq!(header(&requests[1], "ms-continuationtoken"), "page-2-token");
    for request in &requests {
        assert_eq!(header(request, "authorization"), format!("Bearer {TOKEN}"));
        assert!(is_uuid(header(request, "ms-correlationid")));
        assert!(is_uuid(header(request, "ms-requestid")));
    }
}

#[tokio::test]
async fn usage_records_give_each_customers_budget_and_percent_used() {
    let server = MockServer::start().await;
    let answer = json!({
        "totalCount": 1,
        "items": [{
            "budget": {"amount": 20, "attributes": {"objectType": "SpendingBudget"}},
            "percentUsed": 602.84,
            "isUpgraded": true,
            "resourceId": "11111111-6fb9-4b05-8f15-b3d72e0596e6",
            "resourceName": "Modern Azure Customer SE",
            "id": "11111111-6fb9-4b05-8f15-b3d72e0596e6",
            "name": "Modern Azure Customer SE",
            "totalCost": 120.5683,
            "currencyCode": "SEK",
            "usdTotalCost": 12.4,
            "lastModifiedDate": "2019-09-17T17:08:11.1433333+00:00",
            "attributes": {"objectType": "CustomerMonthlyUsageRecord"}
        }],
        "links": {"self": {"uri": "/customers/usagerecords", "method": "GET", "headers": []}},
        "attributes": {"objectType": "Collection"}
    });
    assert_matches_schema(API, "CustomerMonthlyUsageRecordCollection", &answer);
    Mock::given(method("GET"))
        .and(path("/v1/customers/usagerecords"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let records = client(&server, RetryPolicy::disabled())
        .list_customer_usage_records()
        .send()
        .await
        .expect("a 200 response")
        .into_inner();

    let request = only_request(&server).await;
    assert_eq!(request.url.query(), None);
    assert_eq!(
        header_names(&request),
        [
            "accept",
            "authorization",
            "host",
            "ms-correlationid",
            "ms-requestid",
            "user-agent"
        ]
    );
    let record = &records.items[0];
    assert_eq!(record.name.as_deref(), Some("Modern Azure Customer SE"));
    assert_eq!(record.budget.as_ref().and_then(|b| b.amount), Some(20.0));
    assert_eq!(record.percent_used, Some(602.84));
    assert_eq!(record.currency_code.as_deref(), Some("SEK"));
}

#[tokio::test]
async fn usage_summaries_compare_budget_with_spend_and_a_missing_customer_is_typed() {
    let server = MockServer::start().await;
    let customer = json!({
        "budget": {"amount": 97, "attributes": {"objectType": "SpendingBudget"}},
        "resourceId": TENANT,
        "resourceName": "Modern Azure Customer UK",
        "billingStartDate": "2019-09-01T00:00:00+00:00",
        "billingEndDate": "2019-10-01T00:00:00+00:00",
        "totalCost": 28.83,
        "currencyCode": "GBP",
        "usdTotalCost": 35.23,
        "attributes": {"objectType": "CustomerUsageSummary"}
    });
    let partner = json!({
        "id": "11111111-4574-4539-bc42-0e539b9684c0",
        "name": "Example Partner",
        "customersWithUsageBasedSubscription": 11,
        "customersOverBudget": 1,
        "customersTrendingOver": 0,
        "billingStartDate": "2019-08-28T00:00:00-07:00",
        "billingEndDate": "2019-09-27T00:00:00-07:00",
        "totalCost": 22.86,
        "attributes": {"objectType": "PartnerUsageSummary"}
    });
    let missing = json!({"code": 600, "description": "The customer does not exist.", "source": "PartnerFD"});
    assert_matches_schema(API, "CustomerUsageSummary", &customer);
    assert_matches_schema(API, "PartnerUsageSummary", &partner);
    assert_matches_schema(API, "PartnerCenterError", &missing);
    Mock::given(method("GET"))
        .and(path(format!("/v1/customers/{TENANT}/usagesummary")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&customer))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/usagesummary"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&partner))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(&missing))
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::disabled());

    let summary = client
        .get_customer_usage_summary(TENANT)
        .send()
        .await
        .expect("a 200 response")
        .into_inner();
    assert_eq!(summary.budget.as_ref().and_then(|b| b.amount), Some(97.0));
    assert_eq!(summary.total_cost, Some(28.83));
    assert_eq!(
        summary.billing_end_date.map(|t| t.to_rfc3339()).as_deref(),
        Some("2019-10-01T00:00:00+00:00")
    );

    let partner = client
        .get_partner_usage_summary()
        .send()
        .await
        .expect("a 200 response")
        .into_inner();
    assert_eq!(partner.customers_over_budget, Some(1));
    assert_eq!(partner.customers_with_usage_based_subscription, Some(11));
    assert_eq!(
        partner.billing_start_date.map(|t| t.to_rfc3339()).as_deref(),
        Some("2019-08-28T07:00:00+00:00")
    );

    let other = partner_center_client::uuid::uuid!("9a1e0b52-3b4f-4c3c-8d8e-2f7c41f0c111");
    let error = client
        .get_customer_usage_summary(other)
        .send()
        .await
        .expect_err("a 404");
    let Some(partner_center_client::errors::GetCustomerUsageSummaryError::NotFound(body)) = error.api_body() else {
        panic!("{error:?}")
    };
    assert_eq!(body.description.as_str(), "The customer does not exist.");

    let paths: Vec<String> = all_requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            format!("/v1/customers/{TENANT}/usagesummary"),
            "/v1/usagesummary".to_string(),
            format!("/v1/customers/{other}/usagesummary"),
        ]
    );
}

#[tokio::test]
async fn an_azure_entitlement_id_is_what_the_overage_update_takes() {
    let server = MockServer::start().await;
    let subscription = partner_center_client::uuid::uuid!("3f15978e-005c-b763-bb78-2a8fab289c58");
    let entitlements = json!({
        "totalCount": 1,
        "items": [{
            "id": "899ae6f1-8a74-4d5e-b6c6-e6b5019bbff8",
            "friendlyName": "Microsoft Azure",
            "status": "active",
            "subscriptionId": subscription
        }],
        "attributes": {"objectType": "Collection"}
    });
    let overage = json!({
        "azureEntitlementId": "899ae6f1-8a74-4d5e-b6c6-e6b5019bbff8",
        "partnerId": "5357563",
        "type": "PhoneServices",
        "overageEnabled": true,
        "attributes": {"objectType": "Overage"}
    });
    assert_matches_schema(API, "AzureEntitlementCollection", &entitlements);
    assert_matches_schema(API, "Overage", &overage);
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1/customers/{TENANT}/subscriptions/{subscription}/azureEntitlements"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(&entitlements))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/v1/customers/{TENANT}/subscriptions/overage")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&overage))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::disabled());

    let listed = client
        .list_azure_entitlements(TENANT, subscription)
        .send()
        .await
        .expect("a 200 response")
        .into_inner();
    let entitlement = &listed.items[0];
    assert_eq!(entitlement.friendly_name.as_deref(), Some("Microsoft Azure"));
    // The crate re-exports the UUID library its types use.
    let id: partner_center_client::uuid::Uuid = entitlement.id.as_deref().expect("an id").parse().expect("a GUID");

    let updated = client
        .update_overage(TENANT, types::OverageUpdate::new(id, true))
        .send()
        .await
        .expect("a 200 response")
        .into_inner();
    assert_eq!(updated.overage_enabled, Some(true));

    let requests = all_requests(&server).await;
    assert_eq!(requests[0].method.as_str(), "GET");
    assert_eq!(requests[1].method.as_str(), "PUT");
    let sent = json_body(&requests[1]);
    assert_eq!(
        sent,
        json!({"azureEntitlementId": "899ae6f1-8a74-4d5e-b6c6-e6b5019bbff8", "overageEnabled": true})
    );
    assert_matches_schema(API, "OverageUpdate", &sent);
}

/// The server echoes the request's `MS-CorrelationId` and answers its own `MS-RequestId`.
struct EchoIds {
    status: u16,
    body: serde_json::Value,
}

impl wiremock::Respond for EchoIds {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let correlation = request
            .headers
            .get("ms-correlationid")
            .map(|v| v.to_str().unwrap().to_string());
        let mut response = ResponseTemplate::new(self.status)
            .insert_header("MS-RequestId", REQUEST_ID)
            .set_body_json(&self.body);
        if let Some(correlation) = correlation {
            response = response.insert_header("MS-CorrelationId", correlation.as_str());
        }
        response
    }
}

#[tokio::test]
async fn request_ids_sent_and_answered_are_on_the_success_value_and_on_the_error() {
    let server = MockServer::start().await;
    let not_found = json!({"code": 3000, "description": "Customer not found.", "data": [], "source": "PartnerFD"});
    Mock::given(path(format!("/v1/customers/{TENANT}/usagebudget")))
        .respond_with(EchoIds {
            status: 200,
            body: budget_json(),
        })
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/customers/{TENANT}/subscriptions/overage")))
        .respond_with(EchoIds {
            status: 404,
            body: not_found,
        })
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::disabled());

    let budget = client.get_usage_budget(TENANT).send().await.expect("a 200 response");
    let request = only_request(&server).await;
    let ids = budget.request_ids();
    assert_eq!(ids.sent("MS-RequestId"), Some(header(&request, "ms-requestid")));
    assert_eq!(ids.sent("ms-correlationid"), Some(header(&request, "ms-correlationid")));
    assert_eq!(ids.received("MS-RequestId"), Some(REQUEST_ID));
    assert_eq!(ids.received("MS-CorrelationId"), ids.sent("MS-CorrelationId"));
    assert_eq!(ids.iter_sent().count(), 2);

    let error = client.get_overage(TENANT).send().await.expect_err("a 404");
    let ids = error.request_ids().expect("the server answered");
    assert!(ids.sent("MS-RequestId").is_some_and(is_uuid));
    assert_ne!(ids.sent("MS-RequestId"), budget.request_ids().sent("MS-RequestId"));
    assert_eq!(ids.received("MS-RequestId"), Some(REQUEST_ID));
    assert_eq!(ids.received("MS-CorrelationId"), ids.sent("MS-CorrelationId"));
    assert_eq!(
        error.to_string(),
        "the server answered 404 Not Found: Customer not found."
    );
    assert!(error.raw_body().is_some_and(|body| body.starts_with(b"{\"code\":3000")));
}

#[tokio::test]
async fn a_per_call_header_goes_with_that_call_only_and_a_bad_one_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/v1/customers/{TENANT}/usagebudget")))
        .respond_with(ResponseTemplate::new(200).set_body_json(budget_json()))
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::disabled());

    let options = CallOptions::new()
        .header("X-Request-Purpose", "audit")
        .header("MS-CorrelationId", CORRELATION_ID);
    let budget = client
        .get_usage_budget(TENANT)
        .send_with(options)
        .await
        .expect("a 200 response");
    assert_eq!(budget.request_ids().sent("MS-CorrelationId"), Some(CORRELATION_ID));
    client.get_usage_budget(TENANT).send().await.expect("a 200 response");

    let requests = all_requests(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(header(&requests[0], "x-request-purpose"), "audit");
    assert_eq!(header(&requests[0], "ms-correlationid"), CORRELATION_ID);
    assert!(requests[1].headers.get("x-request-purpose").is_none());
    assert_ne!(header(&requests[1], "ms-correlationid"), CORRELATION_ID);

    for options in [
        CallOptions::new().header("X-Note", "line\nbreak"),
        CallOptions::new().header("bad name", "x"),
    ] {
        let error = client
            .get_usage_budget(TENANT)
            .send_with(options)
            .await
            .expect_err("refused before sending");
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    }
    assert_eq!(all_requests(&server).await.len(), 2, "nothing more was sent");
}

/// A hook that counts attempts and records the statuses, as a metrics hook would.
#[derive(Default)]
struct Metrics {
    attempts: std::sync::Mutex<Vec<(String, u32)>>,
    statuses: std::sync::Mutex<Vec<Option<u16>>>,
}

/// Registered as an `Arc<Metrics>`; the test keeps the other handle to read the counts.
impl partner_center_client::Hook for Metrics {
    fn before_attempt(
        &self,
        attempt: &partner_center_client::Attempt<'_>,
        request: &mut partner_center_client::reqwest::Request,
    ) {
        self.attempts
            .lock()
            .unwrap()
            .push((attempt.operation.to_string(), attempt.number));
        request.headers_mut().insert("x-attempt", attempt.number.into());
    }

    fn after_attempt(
        &self,
        _: &partner_center_client::Attempt<'_>,
        status: Option<partner_center_client::reqwest::StatusCode>,
        _: Option<&partner_center_client::reqwest::header::HeaderMap>,
        _: Duration,
    ) {
        self.statuses.lock().unwrap().push(status.map(|s| s.as_u16()));
    }
}

#[tokio::test]
async fn a_registered_hook_runs_once_before_and_once_after_each_attempt() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/v1/customers/{TENANT}/usagebudget")))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(format!("/v1/customers/{TENANT}/usagebudget")))
        .respond_with(ResponseTemplate::new(200).set_body_json(budget_json()))
        .mount(&server)
        .await;
    let metrics = std::sync::Arc::new(Metrics::default());
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .hook(std::sync::Arc::clone(&metrics))
        .build()
        .expect("valid settings");

    client
        .get_usage_budget(TENANT)
        .send()
        .await
        .expect("a 200 after one retry");

    assert_eq!(
        *metrics.attempts.lock().unwrap(),
        [("get_usage_budget".to_string(), 1), ("get_usage_budget".to_string(), 2)]
    );
    assert_eq!(*metrics.statuses.lock().unwrap(), [Some(502), Some(200)]);
    let requests = all_requests(&server).await;
    let attempts: Vec<&str> = requests.iter().map(|r| header(r, "x-attempt")).collect();
    assert_eq!(attempts, ["1", "2"]);
}

/// A listed customer's id is the tenant GUID the per-customer calls take, with no parsing in
/// between; an id that is not a GUID is a typed decode error naming the field.
#[tokio::test]
async fn a_listed_customer_id_is_the_tenant_id_of_the_per_customer_calls() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalCount": 1,
            "items": [{"id": TENANT.to_string(), "companyProfile": {"companyName": "Contoso"}}],
            "links": {"self": {"uri": "/customers?size=1", "method": "GET", "headers": []}},
            "attributes": {"objectType": "Collection"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/customers/{TENANT}/usagebudget")))
        .respond_with(ResponseTemplate::new(200).set_body_json(budget_json()))
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::disabled());
    let page = client.list_customers(1).send().await.unwrap();
    let customer: partner_center_client::uuid::Uuid = page.items[0].id.expect("an id");
    let budget = client.get_usage_budget(customer).send().await.unwrap();
    assert_eq!(budget.amount, Some(100.0));

    let broken = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"totalCount": 1, "items": [{"id": "contoso"}]})))
        .mount(&broken)
        .await;
    let error = client_for(&broken).list_customers(1).send().await.unwrap_err();
    match error {
        Error::InvalidBody(body) => assert!(
            body.source.to_string().starts_with("UUID parsing failed"),
            "{}",
            body.source
        ),
        other => panic!("expected InvalidBody, got {other:?}"),
    }
}

fn client_for(server: &MockServer) -> Client {
    client(server, RetryPolicy::disabled())
}
