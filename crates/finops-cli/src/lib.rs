//! What the generated command-line tools (the `<api>-cli` crates that `cargo xtask codegen`
//! writes) share, so that the generated code is only the flags of each operation and the call.
//!
//! - [`request_body`]: a request body from `--body <file>` or `--body -` (JSON), with the values
//!   of the body's own flags laid over it, decoded into the body's type with a message that
//!   names the flag or field at fault.
//! - [`print_response`], [`print_value`], [`print_items`]: an answer as JSON on stdout, as the
//!   server sent it; a list walked with `--all` as one JSON line per item, printed as the pages
//!   arrive.
//! - [`Failure`] and [`run`]: the exit status. 0 on success; 1 when the API answered with an
//!   error (its status and typed body printed as JSON on stderr) or could not be reached; 2 on
//!   bad usage or input, found before anything is sent (clap's own usage errors exit 2 too).
//! - [`completions`]: a shell completion script.

mod body;
mod output;

pub use body::{BodyField, Empty, request_body};
pub use output::{Failure, print_items, print_response, print_value};

use std::future::Future;
use std::process::ExitCode;

/// Runs a tool's async `main` on a current-thread tokio runtime, reports its failure on stderr
/// and gives the exit status.
pub fn run(main: impl Future<Output = Result<(), Failure>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(main) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// Prints the completion script of command `C` (named `name`) for `shell` on stdout.
pub fn completions<C: clap::CommandFactory>(shell: clap_complete::Shell, name: &str) {
    clap_complete::generate(shell, &mut C::command(), name, &mut std::io::stdout());
}

/// The flags of a call that starts a long-running operation.
#[derive(Debug, Clone, clap::Args)]
pub struct WaitArgs {
    /// Prints the operation's continuation (`{"operation": URL}`) as soon as it has started,
    /// instead of waiting for its result.
    #[arg(long = "no-wait")]
    pub no_wait: bool,
    /// Resumes the operation at this continuation (the URL `--no-wait` printed) instead of
    /// starting a new one; the call's own flags are then not sent.
    #[arg(long = "resume", value_name = "OPERATION_URL")]
    pub resume: Option<String>,
    /// The longest wait for the result, in seconds.
    #[arg(long = "max-wait", value_name = "SECONDS", default_value_t = 7200)]
    pub max_wait: u64,
    /// Seconds between status requests when the service gives no `Retry-After` (at least 1),
    /// instead of the documented interval.
    #[arg(long = "poll-interval", value_name = "SECONDS")]
    pub poll_interval: Option<u64>,
}

impl WaitArgs {
    /// The poller with these flags' maximum wait and polling interval.
    pub fn apply<P: finops_client_runtime::Polled>(
        &self,
        poller: finops_client_runtime::Poller<P>,
    ) -> finops_client_runtime::Poller<P> {
        let poller = poller.max_wait(std::time::Duration::from_secs(self.max_wait));
        match self.poll_interval {
            Some(seconds) => poller.poll_interval(std::time::Duration::from_secs(seconds)),
            None => poller,
        }
    }
}
