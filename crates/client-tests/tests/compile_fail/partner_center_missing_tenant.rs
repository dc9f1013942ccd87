// `get_usage_budget` needs the customer's tenant id.
fn main() {
    let client = partner_center_client::Client::builder().build().unwrap();
    let _ = client.get_usage_budget().send();
}
