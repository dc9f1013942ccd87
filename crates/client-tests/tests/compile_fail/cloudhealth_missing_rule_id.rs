// `get_billing_rule` needs the rule's id.
fn main() {
    let client = cloudhealth_client::Client::builder().build().unwrap();
    let _ = client.get_billing_rule().send();
}
