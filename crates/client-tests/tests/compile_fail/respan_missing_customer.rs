// `get_customer` needs the customer identifier.
fn main() {
    let client = respan_client::Client::builder().build().unwrap();
    let _ = client.get_customer().send();
}
