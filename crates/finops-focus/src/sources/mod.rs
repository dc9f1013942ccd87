//! One mapping per source, each over its generated client's typed items.

#[cfg(feature = "cloudhealth")]
pub mod cloudhealth;
#[cfg(feature = "partner-billing")]
pub mod partner_billing;
#[cfg(feature = "respan")]
pub mod respan;
