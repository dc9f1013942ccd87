//! Shared runtime of the finops-clients generated API clients.
//!
//! Generated crates hold what is specific to one API (operations, types, environments, which
//! headers to generate); this crate holds what is the same for all of them. It knows nothing about
//! any one API.
//!
//! - [`Secret`] and [`Credentials`]: tokens and API keys that never appear in `Debug` output,
//!   errors or logs.
//! - [`TokenProvider`]: where access tokens come from (`OAuth2Credentials` with the `oauth2`
//!   feature, a closure, or `AzureCredential` with the `azure` feature); the client caches the token, renews it ahead of
//!   its expiry and after a 401, and turns a failed renewal into [`AuthError`].
//! - [`ClientSettings`]: what a generated `ClientBuilder` collects before it builds a client.
//! - [`RetryPolicy`]: which failures are retried and how long to wait.
//! - [`execute`]: the request loop behind every generated call.
//! - [`Error`]: typed errors that keep the HTTP status, headers, request ids and raw body;
//!   [`Response`]: a success value with the same.
//! - [`Hook`]: caller code around every attempt; [`CallOptions`]: per-call headers, timeout and
//!   retry policy.
//! - [`path_segment`], [`header_value`], [`json`], [`json_value`], [`query`]: caller values
//!   made into request parts, refusing any value that cannot be sent as meant.
//! - [`Pages`] and [`Items`]: every page or item of a list operation, as a lazy stream that
//!   resumes from a [`Cursor`].
//! - [`Poller`]: a long-running operation, polled to its typed result, resumable from its
//!   [`Continuation`] in another process.
//! - [`downloads`] (feature `downloads`): the files a result manifest lists, streamed as typed
//!   items, resumed where they broke off.
//! - [`RateLimit`]: the pace calls are sent at, per account or per customer, adapting to 429s;
//!   with a cap on the attempts in flight.
//! - [`Redirects`]: which redirects are followed.
//! - [`Patch`]: a PATCH body field that can be absent, `null`, or a value.
//! - [`UnknownValue`]: what an open enum holds for a value the spec does not list.

mod auth;
mod body;
mod call;
mod count;
#[cfg(feature = "downloads")]
pub mod downloads;
mod error;
mod excerpt;
mod execute;
mod finite;
mod hooks;
mod long_running;
#[cfg(feature = "mock")]
pub mod mock;
mod open_enum;
mod operation;
mod outgoing;
mod pacing;
mod paging;
mod patch;
mod redirects;
mod request_ids;
mod response;
mod retry;
mod server_time;
mod settings;

#[cfg(feature = "azure")]
pub use auth::AzureCredential;
pub use auth::{
    AccessToken, AuthError, Credentials, DEFAULT_RENEWAL_MARGIN, Secret, TokenContext, TokenFuture, TokenProvider,
};
#[cfg(feature = "oauth2")]
pub use auth::{Grant, OAuth2Credentials, OAuth2Endpoints, OAuth2Flow};
/// The `azure_core` crate the `azure` feature adapts, for naming its `TokenCredential`.
#[cfg(feature = "azure")]
pub use azure_core;
pub use call::{CallOptions, with_call_options};
pub use count::{PositiveInteger, positive_integer};
pub use error::{
    ApiError, Decoded, Decoder, Decoding, Error, IncompleteBody, InvalidBody, OperationAddressError, RawResponse,
    ResponseTooLarge, TransportError, failure, finish, source_chain, success,
};
pub use execute::execute;
pub use hooks::{Attempt, Hook};
pub use long_running::{
    Continuation, DEFAULT_MAX_WAIT, ErrorOf, Failure, MIN_POLL_INTERVAL, OperationError, PollStep, Poller,
};
#[doc(hidden)]
pub use long_running::{Polled, State, StatusFuture, started};
pub use open_enum::UnknownValue;
pub use operation::{GeneratedHeader, OperationSpec, Renewal};
pub use outgoing::{header_value, json, json_value, path_segment, query};
pub use pacing::{RateLimit, RateScope};
pub use paging::{Cursor, DEFAULT_MAX_PAGES, Items, Page, Pages, PagingError, PagingProblem};
#[doc(hidden)]
pub use paging::{LastPage, PageFacts, PageFuture, PageNumberValue, PageStyle, Paginated, page_number, token_value};
pub use patch::Patch;
pub use redirects::Redirects;
pub use request_ids::{AttemptId, RequestIds};
pub use response::Response;
pub use retry::RetryPolicy;
pub use server_time::MAX_SERVER_HOLD;
pub use settings::{BuildError, ClientConfig, ClientSettings, DEFAULT_MAX_RESPONSE_BYTES};
