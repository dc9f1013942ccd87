//! Pacing: calls wait for their slot under the API's rate limits instead of being sent early and
//! refused, and at most so many attempts are in flight at once.
//!
//! - [`RateLimit`]: at most so many requests per window, for the whole account or per value of a
//!   path parameter (such as the customer tenant), for some operations or all. Generated clients
//!   start with the limits the vendor documents.
//! - Each limit has a schedule of slots per scope (a generic cell rate algorithm, in `pacer.rs`),
//!   shared by all clones of a client: calls are spread evenly at 97.5 % or more of the limit's
//!   pace, a call woken late (by up to 20 ms) takes its slot without pushing the later ones back,
//!   and no window of the limit's length admits more than the limit.
//! - Adaptive: a 429 halves the pace of the narrowest scopes the call counted against (down to
//!   1/16 of the limit) and holds them back for its `Retry-After`, at most
//!   [`crate::MAX_SERVER_HOLD`]; each success then wins back 1/32 of the limit. The retried call
//!   itself still waits its `Retry-After`, if that ends within its retry policy's limit.
//! - Calls no limit covers (the vendor publishes none) are paced from the server's own 429s:
//!   from the first one on, the client sends at a rate it learns (see `learned.rs`), so a bulk
//!   run against an undocumented limit meets few 429s instead of retrying blindly. Off with
//!   adaptive pacing.
//! - The wait for a slot and for a place under the cap counts against the call's timeout: a call
//!   that cannot be admitted in time fails with a timeout, having sent nothing.

mod learned;
mod limit;
mod pacer;

pub use limit::{RateLimit, RateScope};
pub(crate) use pacer::Pacer;
