// A body is built one way: `Type::new(required fields)` and setters. typify's fallible
// `Type::builder()` is not generated.
fn main() {
    let _ = respan_client::types::CustomerFilters::builder();
    let _ = partner_center_client::types::SpendingBudget::builder();
}
