//! partner-center-client against a mock Partner Center on 127.0.0.1.

use client_tests::{assert_matches_schema, header_names, only_request};
use partner_center_client::{Client, Error, types};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API: &str = "partner-center";
const TENANT: &str = "4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab";
const REQUEST_ID: &str = "312b044d-dc41-4b37-a2d5-7d27322d9654";
const CORRELATION_ID: &str = "7cb67bb7-4750-403d-ac2e-6bc44c52d52c";

fn header<'r>(request: &'r Request, name: &str) -> &'r str {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[tokio::test]
async fn update_usage_budget_sends_the_budget_and_returns_the_typed_resource() {
    let server = MockServer::start().await;
    let answer = json!({
        "amount": 100,
        "usageSpendingBudget": 100,
        "attributes": {"objectType": "SpendingBudget"},
        "links": {"self": {"uri": format!("/v1/customers/{TENANT}/usagebudget"), "method": "PATCH", "headers": []}}
    });
    assert_matches_schema(API, "SpendingBudget", &answer);
    Mock::given(method("PATCH"))
        .and(path(format!("/v1/customers/{TENANT}/usagebudget")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("MS-RequestId", REQUEST_ID)
                .set_body_json(&answer),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = Client::new(&server.uri())
        .update_usage_budget()
        .customer_tenant_id(TENANT)
        .ms_request_id(REQUEST_ID)
        .ms_correlation_id(CORRELATION_ID)
        .x_locale("en-US")
        .body_map(|budget| {
            budget.amount(Some(100.0)).attributes(Some(types::ResourceAttributes {
                etag: None,
                object_type: Some("SpendingBudget".into()),
            }))
        })
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
            "api-version",
            "content-length",
            "content-type",
            "host",
            "ms-correlationid",
            "ms-requestid",
            "x-locale"
        ]
    );
    assert_eq!(header(&request, "accept"), "application/json");
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "ms-requestid"), REQUEST_ID);
    assert_eq!(header(&request, "ms-correlationid"), CORRELATION_ID);
    assert_eq!(header(&request, "x-locale"), "en-US");
    let sent: Value = serde_json::from_slice(&request.body).expect("a JSON body");
    assert_eq!(
        sent,
        json!({"amount": 100.0, "attributes": {"objectType": "SpendingBudget"}})
    );
    assert_matches_schema(API, "SpendingBudget", &sent);

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
async fn get_overage_returns_the_typed_collection() {
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

    let overage = Client::new(&server.uri())
        .get_overage()
        .customer_tenant_id(TENANT)
        .send()
        .await
        .expect("a 200 response")
        .into_inner();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        request.url.path(),
        format!("/v1/customers/{TENANT}/subscriptions/overage")
    );
    assert_eq!(header_names(&request), ["accept", "api-version", "host"]);
    assert_eq!(header(&request, "api-version"), "v1");
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
    assert_eq!(
        overage.attributes.as_ref().and_then(|a| a.object_type.as_deref()),
        Some("Collection")
    );
}

#[tokio::test]
async fn error_bodies_keep_status_and_decode_into_the_spec_types() {
    let server = MockServer::start().await;
    let not_found = json!({"code": 3000, "description": "Customer not found.", "data": [], "source": "PartnerFD"});
    let throttled = json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds."});
    assert_matches_schema(API, "PartnerCenterError", &not_found);
    assert_matches_schema(API, "ThrottlingError", &throttled);
    Mock::given(path(format!("/v1/customers/{TENANT}/subscriptions/overage")))
        .respond_with(ResponseTemplate::new(404).set_body_json(&not_found))
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
    let client = Client::new(&server.uri());

    let Err(Error::ErrorResponse(response)) = client.get_overage().customer_tenant_id(TENANT).send().await else {
        panic!("expected an error response");
    };
    assert_eq!(response.status().as_u16(), 404);
    let error: types::PartnerCenterError = serde_json::from_value(response.into_inner()).expect("the standard body");
    assert!(matches!(error.code, types::ErrorCode::Int64(3000)));
    assert_eq!(error.description.to_string(), "Customer not found.");
    assert_eq!(error.source.as_deref(), Some("PartnerFD"));

    let result = client
        .update_usage_budget()
        .customer_tenant_id(TENANT)
        .body_map(|b| b.amount(Some(1.0)))
        .send()
        .await;
    let Err(Error::ErrorResponse(response)) = result else {
        panic!("expected an error response")
    };
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "57");
    let error: types::ThrottlingError = serde_json::from_value(response.into_inner()).expect("the 429 body");
    assert_eq!(error.status_code, Some(429));
    assert_eq!(
        error.message.as_deref(),
        Some("Rate limit is exceeded. Try again in 57 seconds.")
    );
}
