//! The generated clients, tools and mocks, tried as their users try them: HTTP to servers on
//! 127.0.0.1, the tools and examples run as processes, programs built outside the workspace.
//!
//! One test binary, a module per subject, so the dependencies are linked once rather than once
//! per file.

mod budget_sync;
mod bulk;
mod cli;
mod cloudhealth;
mod credentials;
mod escape_hatches;
mod examples;
mod focus;
mod generation_lost_nothing;
mod mock_consumer;
mod mocks;
mod outside_workspace;
mod pacing;
mod pagination;
mod partner_billing;
mod partner_center;
mod properties;
mod respan;
mod robustness;
mod schemas;
mod traces;
