//! Generation lost nothing: for every component schema of every spec, the JSON Schema derived from
//! the generated Rust type (`schemars`, the crates' `schemars` feature) has the spec's property
//! names, required set, enum values, union arity and nullability.
//!
//! Nullability is compared as Rust can express it: a nullable property must accept `null`; a
//! required, non-nullable one must not. An optional, non-nullable property is an `Option`, which
//! also reads an explicit `null` as "absent", and is not counted as a difference.

use client_tests::{assert_readme_states, bundled_spec};
use serde_json::Value;
use std::collections::BTreeSet;

macro_rules! derived {
    ($component:expr; $($ty:ident),* $(,)?) => {
        match $component {
            $(stringify!($ty) => Some(serde_json::to_value(schemars::schema_for!($ty)).unwrap()),)*
            _ => None,
        }
    };
}

/// The JSON Schema of the generated type for `component`.
fn derived_schema(api: &str, component: &str) -> Option<Value> {
    match api {
        "cloudhealth" => {
            use cloudhealth_client::types::*;
            derived!(component; BillingRule, BillingRuleCreate, BillingRuleList, BillingRuleType, BillingRuleUpdate,
                Cloud, CloudHealthError, CspCustomerSelection, Currency, Customer, CustomerAddress,
                CustomerClassification, CustomerList, CustomerStatement, CustomerStatementList, CustomerTag,
                EnterpriseAgreements, Frequency, LineItemType, PartnerBillingConfiguration, PricingInfo, RuleAction,
                RuleScope, StatementStatus, SupportTier, TargetCustomerSelection, YearMonth)
        }
        // `x-secret` strings are the runtime's `Secret`.
        "partner-billing" if component == "SasToken" => {
            Some(serde_json::to_value(schemars::schema_for!(partner_billing_client::Secret)).unwrap())
        }
        "partner-billing" => {
            use partner_billing_client::types::*;
            derived!(component; AttributeSet, BilledExportRequest, BillingOperation, BillingPeriod, Blob,
                LongRunningOperationStatus, Manifest, ODataError, ODataMainError, PublicError, PublicErrorDetail,
                ReconciliationLineItem, UnbilledExportRequest, UsageLineItem)
        }
        "partner-center" => {
            use partner_center_client::types::*;
            derived!(component; Address, AzureEntitlement, AzureEntitlementCollection, Customer,
                CustomerBillingProfile, CustomerCollection, CustomerCompanyProfile, CustomerMonthlyUsageRecord,
                CustomerMonthlyUsageRecordCollection, CustomerPartnerRelationship, CustomerUsageSummary, ErrorCode,
                KeyValuePair, Link, Overage, OverageCollection, OverageLinks, OverageUpdate, PartnerCenterError,
                PartnerUsageSummary, ResourceAttributes, ResourceLinks, SeekOperation, SpendingBudget,
                SpendingBudgetUpdate, ThrottlingError, UserCredentials)
        }
        "respan" => {
            use respan_client::types::*;
            derived!(component; BudgetDuration, CreditTransaction, CreditTransactionList, Customer, CustomerFilters,
                CustomerId, CustomerList, CustomerListItem, CustomerUpdate, Environment, ErrorDetail, RateLimitError,
                TransactionType, ValidationError)
        }
        _ => None,
    }
}

/// Follows a `$ref` into `root`'s `definitions` (schemars) or `components/schemas` (the spec).
fn deref<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => root.pointer(r.trim_start_matches('#')).unwrap_or(schema),
        None => schema,
    }
}

fn accepts_null(root: &Value, schema: &Value) -> bool {
    let schema = deref(root, schema);
    let type_has_null = match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        _ => false,
    };
    type_has_null
        || schema.get("nullable") == Some(&Value::Bool(true))
        || ["anyOf", "oneOf"].iter().any(|key| {
            schema
                .get(*key)
                .and_then(Value::as_array)
                .is_some_and(|variants| variants.iter().any(|v| accepts_null(root, v)))
        })
}

fn names(object: Option<&Value>) -> BTreeSet<String> {
    object
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn strings(array: Option<&Value>) -> BTreeSet<String> {
    array
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|v| v.to_string()).collect())
        .unwrap_or_default()
}

/// Differences between the spec's schema and the derived one, each named.
fn differences(spec: &Value, derived: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(properties) = spec.get("properties") {
        let derived_properties = derived.get("properties");
        let (want, got) = (names(Some(properties)), names(derived_properties));
        if want != got {
            out.push(format!("properties: spec {want:?}, Rust {got:?}"));
        }
        let (want, got) = (strings(spec.get("required")), strings(derived.get("required")));
        if want != got {
            out.push(format!("required: spec {want:?}, Rust {got:?}"));
        }
        for (name, property) in properties.as_object().unwrap() {
            let Some(rust) = derived_properties.and_then(|p| p.get(name)) else {
                continue;
            };
            let nullable = property.get("nullable") == Some(&Value::Bool(true));
            let required = spec
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n == name));
            let rust_null = accepts_null(derived, rust);
            if nullable && !rust_null {
                out.push(format!(
                    "property `{name}` is nullable in the spec, but the Rust type rejects null"
                ));
            }
            if required && !nullable && rust_null {
                out.push(format!(
                    "property `{name}` is required and not nullable, but the Rust type accepts null"
                ));
            }
        }
    }
    if let Some(values) = spec.get("enum") {
        let (want, got) = (strings(Some(values)), strings(derived.get("enum")));
        if want != got {
            out.push(format!("enum: spec {want:?}, Rust {got:?}"));
        }
    }
    if let Some(variants) = spec.get("oneOf").and_then(Value::as_array) {
        let rust = derived
            .get("anyOf")
            .or_else(|| derived.get("oneOf"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if rust != variants.len() {
            out.push(format!(
                "oneOf: {} variants in the spec, {rust} in Rust",
                variants.len()
            ));
        }
    }
    if spec.get("type").and_then(Value::as_str) == Some("object")
        && derived.get("type").and_then(Value::as_str) != Some("object")
    {
        out.push("the spec's object is not an object in Rust".into());
    }
    out
}

#[test]
fn every_component_schema_survives_generation() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for api in ["cloudhealth", "partner-billing", "partner-center", "respan"] {
        let spec = bundled_spec(api);
        for (component, schema) in spec["components"]["schemas"].as_object().unwrap() {
            let Some(derived) = derived_schema(api, component) else {
                failures.push(format!("{api} {component}: no generated type registered"));
                continue;
            };
            for difference in differences(schema, &derived) {
                failures.push(format!("{api} {component}: {difference}"));
            }
            compared += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared > 0, "no component schema was compared");
    assert_readme_states("README.md", &format!("for each of the {compared} component schemas"));
}

#[test]
fn the_comparison_notices_a_difference() {
    let spec = serde_json::json!({
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string"}, "b": {"type": "string", "nullable": true}}
    });
    let derived = serde_json::json!({
        "type": "object",
        "required": [],
        "properties": {"a": {"type": ["string", "null"]}, "b": {"type": "string"}, "c": {"type": "string"}}
    });
    assert_eq!(
        differences(&spec, &derived),
        [
            "properties: spec {\"a\", \"b\"}, Rust {\"a\", \"b\", \"c\"}",
            "required: spec {\"\\\"a\\\"\"}, Rust {}",
            "property `a` is required and not nullable, but the Rust type accepts null",
            "property `b` is nullable in the spec, but the Rust type rejects null",
        ]
    );
}
