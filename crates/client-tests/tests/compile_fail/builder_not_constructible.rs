// A builder comes from its `Client` method only, never without its required inputs.
fn main() {
    let client = respan_client::Client::builder().build().unwrap();
    let _ = respan_client::builder::GetCustomer::new(&client);
}
