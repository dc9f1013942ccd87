// `create_billing_rule` needs its body; `BillingRuleCreate::new` needs the required fields.
fn main() {
    let client = cloudhealth_client::Client::builder().build().unwrap();
    let _ = client.create_billing_rule().send();
    let _ = cloudhealth_client::types::BillingRuleCreate::new("Customer markup");
}
