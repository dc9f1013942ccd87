//! The spec-validation helper the HTTP tests rely on must reject what the spec forbids.

use client_tests::assert_matches_schema;
use serde_json::json;

#[test]
#[should_panic(expected = "does not match respan schema CustomerUpdate")]
fn a_wrong_type_is_rejected() {
    assert_matches_schema("respan", "CustomerUpdate", &json!({"period_budget": "lots"}));
}

#[test]
#[should_panic(expected = "does not match partner-center schema Overage")]
fn a_malformed_uuid_is_rejected() {
    assert_matches_schema(
        "partner-center",
        "Overage",
        &json!({"azureEntitlementId": "not-a-guid"}),
    );
}

#[test]
#[should_panic(expected = "does not match cloudhealth schema BillingRuleUpdate")]
fn a_missing_required_property_is_rejected() {
    assert_matches_schema("cloudhealth", "BillingRuleUpdate", &json!({"frequency": "one_time"}));
}

#[test]
fn explicit_null_is_accepted_where_the_spec_says_nullable() {
    assert_matches_schema(
        "respan",
        "CustomerUpdate",
        &json!({"total_budget": null, "period_end": null}),
    );
}
