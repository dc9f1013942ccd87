//! Every documented example in the specs is proven: it validates against its schema, it decodes
//! into the generated Rust type, and it encodes back to the same JSON. Every request example sent
//! through the generated client reaches a server on 127.0.0.1 equal as JSON.

use client_tests::{assert_matches_schema, assert_readme_states, bundled_spec, json_body, only_request, resolve_ref};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One documented example: where it is, which component schema it claims, and its value.
#[derive(Debug, Clone)]
struct Example {
    api: &'static str,
    operation: String,
    /// `request` or the response status.
    place: String,
    component: String,
    value: Value,
}

const APIS: [&str; 4] = ["cloudhealth", "partner-billing", "partner-center", "respan"];

/// Every `example` and `examples.*.value` of every request body and response of `api`.
fn examples(api: &'static str) -> Vec<Example> {
    let spec = bundled_spec(api);
    let resolve = |node: &Value| resolve_ref(&spec, node);
    let mut out = Vec::new();
    let mut collect = |operation: &str, place: String, content: &Value| {
        for media in content.as_object().into_iter().flat_map(|c| c.values()) {
            let component = media
                .pointer("/schema/$ref")
                .and_then(Value::as_str)
                .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
                .unwrap_or_else(|| panic!("{api} {operation} {place}: the example's schema is not a component"));
            let mut values: Vec<Value> = media.get("example").cloned().into_iter().collect();
            for example in media
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|e| e.values())
            {
                values.extend(resolve(example).get("value").cloned());
            }
            for value in values {
                out.push(Example {
                    api,
                    operation: operation.to_string(),
                    place: place.clone(),
                    component: component.clone(),
                    value,
                });
            }
        }
    };
    for (name, response) in spec
        .pointer("/components/responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(content) = response.get("content") {
            collect("(shared)", format!("components/responses/{name}"), content);
        }
    }
    for item in spec["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            if let Some(content) = operation.pointer("/requestBody/content") {
                collect(id, "request".into(), content);
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                // A shared response is collected once, above.
                if response.get("$ref").is_none()
                    && let Some(content) = response.get("content")
                {
                    collect(id, status.clone(), content);
                }
            }
        }
    }
    out
}

/// Decodes `value` into `T` and encodes it back.
fn roundtrip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let decoded: T = serde_json::from_value(value.clone()).map_err(|e| format!("does not decode: {e}"))?;
    serde_json::to_value(&decoded).map_err(|e| format!("does not encode: {e}"))
}

macro_rules! types {
    ($component:expr, $value:expr; $($name:literal => $ty:ty),* $(,)?) => {
        match $component {
            $($name => Some(roundtrip::<$ty>($value)),)*
            _ => None,
        }
    };
}

/// The generated Rust type of each component that has examples.
fn roundtrip_component(api: &str, component: &str, value: &Value) -> Option<Result<Value, String>> {
    match api {
        "partner-center" => {
            use partner_center_client::types::*;
            types! { component, value;
                "SpendingBudget" => SpendingBudget,
                "SpendingBudgetUpdate" => SpendingBudgetUpdate,
                "CustomerUsageSummary" => CustomerUsageSummary,
                "PartnerUsageSummary" => PartnerUsageSummary,
                "CustomerMonthlyUsageRecordCollection" => CustomerMonthlyUsageRecordCollection,
                "CustomerCollection" => CustomerCollection,
                "AzureEntitlementCollection" => AzureEntitlementCollection,
                "Overage" => Overage,
                "OverageUpdate" => OverageUpdate,
                "OverageCollection" => OverageCollection,
                "PartnerCenterError" => PartnerCenterError,
                "ThrottlingError" => ThrottlingError,
            }
        }
        "partner-billing" => {
            use partner_billing_client::types::*;
            types! { component, value;
                "BilledExportRequest" => BilledExportRequest,
                "UnbilledExportRequest" => UnbilledExportRequest,
                "BillingOperation" => BillingOperation,
                "Manifest" => Manifest,
                "ODataError" => ODataError,
            }
        }
        "respan" => {
            use respan_client::types::*;
            types! { component, value;
                "Customer" => Customer,
                "CustomerUpdate" => CustomerUpdate,
                "CustomerList" => CustomerList,
                "CustomerFilters" => CustomerFilters,
                "CreditTransaction" => CreditTransaction,
                "CreditTransactionList" => CreditTransactionList,
                "ErrorDetail" => ErrorDetail,
                "ValidationError" => ValidationError,
                "RateLimitError" => RateLimitError,
            }
        }
        "cloudhealth" => {
            use cloudhealth_client::types::*;
            types! { component, value;
                "BillingRule" => BillingRule,
                "BillingRuleCreate" => BillingRuleCreate,
                "BillingRuleUpdate" => BillingRuleUpdate,
                "CustomerList" => CustomerList,
                "CustomerStatementList" => CustomerStatementList,
                "CloudHealthError" => CloudHealthError,
            }
        }
        _ => None,
    }
}

/// Numbers compared by value (`100` and `100.0` are one number), and date-times by instant
/// (`2019-09-27T00:00:00-07:00` and `2019-09-27T07:00:00Z` are one time). For responses, an explicit
/// `null`, `[]` or `{}` equals a left-out optional field: the generated types read all of them as
/// "not there" (`None`, or an empty collection that is not written back).
fn normalized(value: &Value, drop_empty: bool) -> Value {
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    };
    match value {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(time) => Value::String(time.to_utc().to_rfc3339()),
            Err(_) => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| normalized(v, drop_empty)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !(drop_empty && empty(v)))
                .map(|(k, v)| (k.clone(), normalized(v, drop_empty)))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    }
}

#[test]
fn every_example_validates_decodes_and_encodes_back_unchanged() {
    let mut failures = Vec::new();
    let mut totals = (0, 0);
    for api in APIS {
        let examples = examples(api);
        let requests = examples.iter().filter(|e| e.place == "request").count();
        let responses = examples.len() - requests;
        // Every API documents examples; a spec that lost them would pass vacuously.
        assert!(
            requests > 0 && responses > 0,
            "{api}: {requests} request and {responses} response examples"
        );
        assert_readme_states(
            &format!("crates/{api}-client/README.md"),
            &format!(
                "The spec's {} examples ({requests} request bodies, {responses} responses)",
                examples.len()
            ),
        );
        totals = (totals.0 + requests, totals.1 + responses);
        for example in &examples {
            let Example {
                operation,
                place,
                component,
                value,
                ..
            } = example;
            let context = format!("{api} {operation} {place} ({component})");
            let validation = std::panic::catch_unwind(|| assert_matches_schema(api, component, value));
            if validation.is_err() {
                failures.push(format!("{context}: does not validate against its schema"));
                continue;
            }
            match roundtrip_component(api, component, value) {
                None => failures.push(format!("{context}: no Rust type registered for the component")),
                Some(Err(e)) => failures.push(format!("{context}: {e}")),
                Some(Ok(back)) => {
                    let drop_empty = place != "request";
                    if normalized(&back, drop_empty) != normalized(value, drop_empty) {
                        failures.push(format!("{context}: encodes back as {back}, not {value}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let (requests, responses) = totals;
    assert_readme_states(
        "README.md",
        &format!(
            "every request and response example in the specs, {} in all ({requests} request bodies, {responses} responses)",
            requests + responses
        ),
    );
}

fn decode<T: DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).expect("the example decodes")
}

/// Sends `body` (a request example) through the generated client and returns what the server got.
async fn send_request_example(api: &str, operation: &str, body: &Value) -> Value {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let url = server.uri();
    let tenant = partner_center_client::uuid::uuid!("4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab");
    match (api, operation) {
        ("partner-center", _) => {
            let client = partner_center_client::Client::builder().base_url(url).build().unwrap();
            match operation {
                "update_usage_budget" => {
                    let _ = client
                        .update_usage_budget(
                            tenant,
                            decode::<partner_center_client::types::SpendingBudgetUpdate>(body),
                        )
                        .send()
                        .await;
                }
                "update_overage" => {
                    let _ = client
                        .update_overage(tenant, decode::<partner_center_client::types::OverageUpdate>(body))
                        .send()
                        .await;
                }
                other => panic!("no request for {api} {other}"),
            }
        }
        ("partner-billing", _) => {
            use partner_billing_client::types::{BilledExportRequest, UnbilledExportRequest};
            let client = partner_billing_client::Client::builder().base_url(url).build().unwrap();
            match operation {
                "export_billed_usage" => {
                    let _ = client
                        .export_billed_usage(decode::<BilledExportRequest>(body))
                        .send()
                        .await;
                }
                "export_unbilled_usage" => {
                    let _ = client
                        .export_unbilled_usage(decode::<UnbilledExportRequest>(body))
                        .send()
                        .await;
                }
                "export_billed_reconciliation" => {
                    let _ = client
                        .export_billed_reconciliation(decode::<BilledExportRequest>(body))
                        .send()
                        .await;
                }
                "export_unbilled_reconciliation" => {
                    let _ = client
                        .export_unbilled_reconciliation(decode::<UnbilledExportRequest>(body))
                        .send()
                        .await;
                }
                other => panic!("no request for {api} {other}"),
            }
        }
        ("respan", _) => {
            let client = respan_client::Client::builder().base_url(url).build().unwrap();
            match operation {
                "update_customer" => {
                    let _ = client
                        .update_customer("acme", decode::<respan_client::types::CustomerUpdate>(body))
                        .send()
                        .await;
                }
                "list_customers" => {
                    let _ = client
                        .list_customers(decode::<respan_client::types::CustomerFilters>(body))
                        .send()
                        .await;
                }
                other => panic!("no request for {api} {other}"),
            }
        }
        ("cloudhealth", _) => {
            let client = cloudhealth_client::Client::builder().base_url(url).build().unwrap();
            match operation {
                "create_billing_rule" => {
                    let _ = client
                        .create_billing_rule(decode::<cloudhealth_client::types::BillingRuleCreate>(body))
                        .send()
                        .await;
                }
                "modify_billing_rule" => {
                    let _ = client
                        .modify_billing_rule(1, decode::<cloudhealth_client::types::BillingRuleUpdate>(body))
                        .send()
                        .await;
                }
                other => panic!("no request for {api} {other}"),
            }
        }
        _ => panic!("unknown API {api}"),
    }
    json_body(&only_request(&server).await)
}

#[tokio::test]
async fn every_request_example_reaches_the_server_equal_as_json() {
    let mut sent = 0;
    for api in APIS {
        for example in examples(api).into_iter().filter(|e| e.place == "request") {
            let received = send_request_example(example.api, &example.operation, &example.value).await;
            assert_eq!(
                normalized(&received, false),
                normalized(&example.value, false),
                "{api} {}: the server received {received}",
                example.operation
            );
            sent += 1;
        }
    }
    assert_eq!(sent, 10, "request examples sent");
}
