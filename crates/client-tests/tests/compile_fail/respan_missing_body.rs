// `list_customers` needs its filters body (send `CustomerFilters::new()` for every customer).
fn main() {
    let client = respan_client::Client::builder().build().unwrap();
    let _ = client.list_customers().send();
}
