//! A call that lacks a required input does not compile: required path parameters and request
//! bodies are arguments of the operation method, builders come only from those methods, and a
//! body is built one way. Each case is a `compile_fail` doctest that names the compiler error it
//! must fail with, compiled against the already-built client crates by `cargo test --doc`.
//!
//! progenitor's plumbing is not part of a crate's API (nor of its rustdoc index): its response
//! wrapper, byte stream, client trait, error type and prelude are private, and `Error` is the
//! runtime's:
//!
//! ```compile_fail,E0603
//! use respan_client::ResponseValue;
//! ```
//!
//! ```compile_fail,E0603
//! use cloudhealth_client::ByteStream;
//! ```
//!
//! ```compile_fail,E0603
//! use partner_center_client::ClientInfo;
//! ```
//!
//! ```compile_fail,E0432
//! use partner_billing_client::prelude::Client;
//! ```
//!
//! ```
//! fn runtime_error(error: respan_client::Error<()>) -> finops_client_runtime::Error<()> {
//!     error
//! }
//! ```
//!
//! A builder comes from its `Client` method only, never without its required inputs:
//!
//! ```compile_fail,E0624
//! let client = respan_client::Client::builder().build().unwrap();
//! let _ = respan_client::builder::GetCustomer::new(&client);
//! ```
//!
//! `get_customer` needs the customer identifier:
//!
//! ```compile_fail,E0061
//! let client = respan_client::Client::builder().build().unwrap();
//! let _ = client.get_customer().send();
//! ```
//!
//! `list_customers` needs its filters body (send `CustomerFilters::new()` for every customer):
//!
//! ```compile_fail,E0061
//! let client = respan_client::Client::builder().build().unwrap();
//! let _ = client.list_customers().send();
//! ```
//!
//! `get_usage_budget` needs the customer's tenant id:
//!
//! ```compile_fail,E0061
//! let client = partner_center_client::Client::builder().build().unwrap();
//! let _ = client.get_usage_budget().send();
//! ```
//!
//! `update_usage_budget` needs the tenant id and the body:
//!
//! ```compile_fail,E0061
//! let client = partner_center_client::Client::builder().build().unwrap();
//! let tenant = partner_center_client::uuid::Uuid::nil();
//! let _ = client.update_usage_budget(tenant).send();
//! ```
//!
//! `get_billing_rule` needs the rule's id:
//!
//! ```compile_fail,E0061
//! let client = cloudhealth_client::Client::builder().build().unwrap();
//! let _ = client.get_billing_rule().send();
//! ```
//!
//! `create_billing_rule` needs its body:
//!
//! ```compile_fail,E0061
//! let client = cloudhealth_client::Client::builder().build().unwrap();
//! let _ = client.create_billing_rule().send();
//! ```
//!
//! `BillingRuleCreate::new` needs every required field, each of its own type:
//!
//! ```compile_fail,E0277
//! let _ = cloudhealth_client::types::BillingRuleCreate::new("Customer markup");
//! ```
//!
//! A body is built one way, `Type::new(required fields)` and setters; typify's fallible
//! `Type::builder()` is not generated:
//!
//! ```compile_fail,E0599
//! let _ = respan_client::types::CustomerFilters::builder();
//! ```
//!
//! ```compile_fail,E0599
//! let _ = partner_center_client::types::SpendingBudget::builder();
//! ```
//!
//! And the same calls with their inputs compile:
//!
//! ```no_run
//! let client = respan_client::Client::builder().build().unwrap();
//! let _ = client.get_customer("cus_1").send();
//! let _ = client.list_customers(respan_client::types::CustomerFilters::new()).send();
//! let partner = partner_center_client::Client::builder().build().unwrap();
//! let _ = partner.get_usage_budget(partner_center_client::uuid::Uuid::nil()).send();
//! ```
