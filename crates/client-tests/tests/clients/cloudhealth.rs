//! cloudhealth-client against a mock CloudHealth on 127.0.0.1.

use client_tests::{all_requests, assert_matches_schema, header, header_names, only_request};
use cloudhealth_client::errors::ModifyBillingRuleError;
use cloudhealth_client::{Client, Error, RetryPolicy, types};
use serde_json::{Value, json};
use std::collections::HashMap;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API: &str = "cloudhealth";
const API_KEY: &str = "ch-secret-key-1f3d";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token(API_KEY)
        .build()
        .expect("valid settings")
}

#[tokio::test]
async fn modify_billing_rule_sends_the_documented_example_and_returns_the_typed_rule() {
    let server = MockServer::start().await;
    let answer = json!({
        "id": 1,
        "name": "Customer markup 23",
        "product_name": "markup",
        "product_description": "markup",
        "billing_rule_type": "custom",
        "cloud": "azure",
        "csp_customers": [1, 2],
        "enterprise_agreements": {"1": [2]},
        "start_month": "2019-06",
        "frequency": "one_time",
        "type": "charge",
        "rate_in_percentage": 4,
        "add_spend_as_custom_line_item": true
    });
    assert_matches_schema(API, "BillingRule", &answer);
    Mock::given(method("PUT"))
        .and(path("/v1/partner_billing_rules/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let rule = client(&server)
        .modify_billing_rule(
            1,
            types::BillingRuleUpdate::new("Customer markup 23")
                .add_enterprise_agreements(types::EnterpriseAgreements(HashMap::from([("1".to_string(), vec![2])])))
                .remove_csp_customers(vec![111])
                .start_month("2019-06".parse::<types::YearMonth>().expect("a valid month"))
                .frequency(types::Frequency::OneTime)
                .apply_rate_in_percentage(4.0),
        )
        .send()
        .await
        .expect("a 200 response")
        .into_inner();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(request.url.path(), "/v1/partner_billing_rules/1");
    assert_eq!(request.url.query(), None);
    assert_eq!(
        header_names(&request),
        [
            "accept",
            "authorization",
            "content-length",
            "content-type",
            "host",
            "user-agent"
        ]
    );
    assert_eq!(header(&request, "authorization"), format!("Bearer {API_KEY}"));
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "user-agent"), "cloudhealth-client/0.4.0");
    let sent: Value = serde_json::from_slice(&request.body).expect("a JSON body");
    // The page's request example (with its missing comma restored), byte for byte as JSON.
    assert_eq!(
        sent,
        json!({
            "name": "Customer markup 23",
            "add_enterprise_agreements": {"1": [2]},
            "remove_csp_customers": [111],
            "start_month": "2019-06",
            "frequency": "one_time",
            "apply_rate_in_percentage": 4.0
        })
    );
    assert_matches_schema(API, "BillingRuleUpdate", &sent);

    assert_eq!(rule.id, Some(1));
    assert_eq!(rule.name.as_deref(), Some("Customer markup 23"));
    assert_eq!(rule.billing_rule_type, Some(types::BillingRuleType::Custom));
    assert_eq!(rule.cloud, Some(types::Cloud::Azure));
    assert_eq!(rule.csp_customers, [1, 2]);
    assert_eq!(
        rule.enterprise_agreements.as_ref().map(|ea| ea.0["1"].clone()),
        Some(vec![2])
    );
    assert_eq!(
        rule.start_month.as_ref().map(|m| m.to_string()).as_deref(),
        Some("2019-06")
    );
    assert_eq!(rule.frequency, Some(types::Frequency::OneTime));
    assert_eq!(rule.type_, Some(types::LineItemType::Charge));
    assert_eq!(rule.rate_in_percentage, Some(4.0));
    assert_eq!(rule.add_spend_as_custom_line_item, Some(true));
}

#[tokio::test]
async fn an_error_decodes_into_the_cloudhealth_error_body() {
    let server = MockServer::start().await;
    let body = json!({"error": "Record with id 99 not found"});
    assert_matches_schema(API, "CloudHealthError", &body);
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(404).set_body_json(&body))
        .mount(&server)
        .await;

    let error = client(&server)
        .modify_billing_rule(99, types::BillingRuleUpdate::new("x"))
        .send()
        .await
        .expect_err("a 404");

    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let Some(ModifyBillingRuleError::NotFound(body)) = error.api_body() else {
        panic!("{error:?}")
    };
    assert_eq!(body.error, "Record with id 99 not found");
}

#[tokio::test]
async fn the_query_api_key_is_sent_on_every_attempt_and_never_printed() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": "maintenance"})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key(API_KEY)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(std::time::Duration::from_millis(10)),
        )
        .build()
        .expect("valid settings");

    let error = client
        .modify_billing_rule(5, types::BillingRuleUpdate::new("renamed"))
        .send()
        .await
        .expect_err("a 503");

    // 503 is always retried; each attempt carries the key in the query, not in a header.
    let requests = all_requests(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.url.query(), Some(format!("api_key={API_KEY}").as_str()));
        assert!(request.headers.get("authorization").is_none());
    }
    assert!(
        matches!(error.api_body(), Some(ModifyBillingRuleError::ServiceUnavailable(_))),
        "{error:?}"
    );
    // The key appears in no Debug output or error message, even when the request URL held it.
    let unreachable = Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key(API_KEY)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let transport = unreachable
        .modify_billing_rule(5, types::BillingRuleUpdate::new("renamed"))
        .send()
        .await
        .expect_err("nothing listens on port 9");
    assert!(matches!(transport, Error::Transport(_)), "{transport:?}");
    let bearer = Client::builder().bearer_token(API_KEY).build().unwrap();
    for text in [
        format!("{client:?}"),
        format!("{bearer:?}"),
        format!("{:?}", Client::builder().api_key(API_KEY)),
        format!("{error:?}"),
        error.to_string(),
        format!("{transport:?}"),
        transport.to_string(),
    ] {
        assert!(!text.contains(API_KEY), "{text}");
    }
}

#[tokio::test]
async fn an_invalid_month_is_refused_before_anything_is_sent() {
    assert!("2019-13".parse::<types::YearMonth>().is_err());
    assert!("2019-6".parse::<types::YearMonth>().is_err());
    assert!("2019-06".parse::<types::YearMonth>().is_ok());
}

fn customer_json(id: i64, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "classification": "managed_without_access",
        "billing_contact": "billing@example.com",
        "created_at": "2019-04-17T20:09:13Z",
        "updated_at": "2019-04-17T20:09:13Z",
        "address": {"street1": "1 Main St", "city": "Boston", "state": "MA", "zipcode": "02110", "country": "US"},
        "tags": [{"key": "tier", "value": "gold"}]
    })
}

#[tokio::test]
async fn list_customers_sends_the_page_and_reads_typed_customers() {
    let server = MockServer::start().await;
    let answer = json!({"customers": [customer_json(3947, "Acme")]});
    assert_matches_schema(API, "CustomerList", &answer);
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let list = client(&server)
        .list_customers()
        .page(2)
        .per_page(25)
        .send()
        .await
        .expect("a 200 response")
        .into_inner();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.query(), Some("page=2&per_page=25"));
    assert_eq!(
        header_names(&request),
        ["accept", "authorization", "host", "user-agent"]
    );
    assert_eq!(header(&request, "authorization"), format!("Bearer {API_KEY}"));
    let customer = &list.customers[0];
    assert_eq!(customer.id, Some(3947));
    assert_eq!(customer.name.as_deref(), Some("Acme"));
    assert_eq!(customer.tags.len(), 1);
}

#[tokio::test]
async fn partner_customer_ids_are_what_a_billing_rule_targets() {
    let server = MockServer::start().await;
    let customers = json!({"customers": [customer_json(1211, "Contoso"), customer_json(1212, "Fabrikam")]});
    assert_matches_schema(API, "CustomerList", &customers);
    Mock::given(method("GET"))
        .and(path("/v2/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&customers))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v1/partner_billing_rules/42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 42, "csp_customers": [1211, 1212]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let listed = client
        .list_partner_customers()
        .send()
        .await
        .expect("a 200 response")
        .into_inner();
    let ids: Vec<i64> = listed.customers.iter().filter_map(|c| c.id).collect();
    let rule = client
        .modify_billing_rule(
            42,
            types::BillingRuleUpdate::new("CSP markup").add_csp_customers(types::CspCustomerSelection::Array(ids)),
        )
        .send()
        .await
        .expect("a 200 response")
        .into_inner();
    assert_eq!(rule.csp_customers, [1211, 1212]);

    let requests = all_requests(&server).await;
    assert_eq!(requests[0].url.path(), "/v2/customers");
    assert_eq!(requests[0].url.query(), None);
    let sent: Value = serde_json::from_slice(&requests[1].body).expect("a JSON body");
    assert_eq!(sent, json!({"name": "CSP markup", "add_csp_customers": [1211, 1212]}));
    assert_matches_schema(API, "BillingRuleUpdate", &sent);
}

#[tokio::test]
async fn the_billing_rule_list_is_returned_as_the_json_the_service_sends() {
    let server = MockServer::start().await;
    let answer = json!({"billing_rules": [{"id": 1, "name": "Customer markup 23"}]});
    Mock::given(method("GET"))
        .and(path("/v1/partner_billing_rules"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let list = client(&server)
        .list_billing_rules()
        .send()
        .await
        .expect("a 200 response")
        .into_inner();

    assert_eq!(only_request(&server).await.url.query(), None);
    assert_eq!(list.0, answer);
}

#[tokio::test]
async fn customer_statements_are_filtered_by_customer_status_and_period() {
    let server = MockServer::start().await;
    let answer = json!({"billing_artifacts": [{
        "customer_id": 1211,
        "cloud": "AWS",
        "billing_period": "2020-12",
        "total_amount": 211523.09,
        "status": "Final",
        "detailed_billing_records_generation_time": "2020-12-23 23:59:11",
        "statement_generation_time": "2020-12-23 23:59:41",
        "statement_summary_generation_time": "2020-12-23 23:59:53",
        "currency": {"name": "USD", "symbol": "$"}
    }]});
    assert_matches_schema(API, "CustomerStatementList", &answer);
    Mock::given(method("GET"))
        .and(path("/v1/customer_statements"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let statements = client(&server)
        .list_customer_statements()
        .client_api_id(1211)
        .status(types::StatementStatus::Final)
        .billing_period("2020-12".parse::<types::YearMonth>().expect("a valid month"))
        .per_page(10)
        .page(1)
        .send()
        .await
        .expect("a 200 response")
        .into_inner();

    let request = only_request(&server).await;
    let mut query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    query.sort();
    assert_eq!(
        query,
        [
            ("billing_period".to_string(), "2020-12".to_string()),
            ("client_api_id".to_string(), "1211".to_string()),
            ("page".to_string(), "1".to_string()),
            ("per_page".to_string(), "10".to_string()),
            ("status".to_string(), "Final".to_string()),
        ]
    );
    let statement = &statements.billing_artifacts[0];
    assert_eq!(statement.customer_id, Some(1211));
    assert_eq!(statement.total_amount, Some(211523.09));
    assert_eq!(statement.status, Some(types::StatementStatus::Final));
    assert_eq!(statement.currency.as_ref().and_then(|c| c.name.as_deref()), Some("USD"));
}

#[tokio::test]
async fn a_rule_is_created_read_and_deleted_with_exact_requests() {
    let server = MockServer::start().await;
    let rule = json!({
        "id": 9,
        "name": "Customer markup",
        "billing_rule_type": "custom",
        "cloud": "aws",
        "target_customers": [1211],
        "start_month": "2019-05",
        "frequency": "recurring",
        "type": "charge",
        "rate_in_percentage": 5
    });
    assert_matches_schema(API, "BillingRule", &rule);
    Mock::given(method("POST"))
        .and(path("/v1/partner_billing_rules"))
        .respond_with(ResponseTemplate::new(201).set_body_json(&rule))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/partner_billing_rules/9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&rule))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/partner_billing_rules/9"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let created = client
        .create_billing_rule(
            types::BillingRuleCreate::new(
                types::BillingRuleType::Custom,
                types::Cloud::Aws,
                "Customer markup",
                types::RuleAction::SpendRatio,
            )
            .add_target_customers(types::TargetCustomerSelection::Array(vec![1211]))
            .apply_rate_in_percentage(5.0),
        )
        .send()
        .await
        .expect("a 201 response");
    assert_eq!(created.status().as_u16(), 201);
    let id = created.into_inner().id.expect("the new rule's id");
    let read = client
        .get_billing_rule(id)
        .send()
        .await
        .expect("a 200 response")
        .into_inner();
    assert_eq!(read.frequency, Some(types::Frequency::Recurring));
    assert_eq!(read.target_customers, [1211]);
    let deleted = client.delete_billing_rule(id).send().await.expect("a 204 response");
    assert_eq!(deleted.status().as_u16(), 204);

    let requests = all_requests(&server).await;
    let calls: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        calls,
        [
            "POST /v1/partner_billing_rules",
            "GET /v1/partner_billing_rules/9",
            "DELETE /v1/partner_billing_rules/9"
        ]
    );
    let sent: Value = serde_json::from_slice(&requests[0].body).expect("a JSON body");
    assert_eq!(
        sent,
        json!({
            "name": "Customer markup",
            "cloud": "aws",
            "billing_rule_type": "custom",
            "rule_action": "spend_ratio",
            "add_target_customers": [1211],
            "apply_rate_in_percentage": 5.0
        })
    );
    assert_matches_schema(API, "BillingRuleCreate", &sent);
    assert!(requests[1].body.is_empty() && requests[2].body.is_empty());
}
