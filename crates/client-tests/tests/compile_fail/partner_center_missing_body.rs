// `update_usage_budget` needs the tenant id and the body.
fn main() {
    let client = partner_center_client::Client::builder().build().unwrap();
    let tenant = partner_center_client::uuid::Uuid::nil();
    let _ = client.update_usage_budget(tenant).send();
}
