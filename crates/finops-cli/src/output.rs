//! Responses as JSON on stdout, failures on stderr, and the exit status of each.

use finops_client_runtime::{Error, Items, OperationError, Paginated};
use serde::Serialize;
use std::fmt::Debug;
use std::io::Write;
use std::process::ExitCode;

/// Why a run did not succeed, and so its exit status.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// Bad usage or input, found before anything was sent (a flag value, a body file): exit 2.
    Usage(String),
    /// The API answered with an error status: printed on stderr as `{"status": …, "body": …}`,
    /// the body typed when the status is documented, as received otherwise: exit 1.
    Api { status: u16, body: serde_json::Value },
    /// The call failed otherwise (no connection, no token, a body that does not decode): exit 1.
    Call(String),
}

impl Failure {
    /// Prints the failure on stderr and gives its exit status.
    pub fn report(&self) -> std::process::ExitCode {
        match self {
            Failure::Usage(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
            Failure::Api { status, body } => {
                /// The status first, then the body.
                #[derive(Serialize)]
                struct Report<'a> {
                    status: u16,
                    body: &'a serde_json::Value,
                }
                let report = Report { status: *status, body };
                eprintln!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_else(|_| format!("{{\"status\": {status}}}"))
                );
                ExitCode::from(1)
            }
            Failure::Call(message) => {
                eprintln!("error: {message}");
                ExitCode::from(1)
            }
        }
    }
}

impl<E: Serialize + Debug> From<Error<E>> for Failure {
    fn from(error: Error<E>) -> Self {
        match error {
            Error::Api(api) => Failure::Api {
                status: api.status.as_u16(),
                body: serde_json::to_value(&api.body).unwrap_or(serde_json::Value::Null),
            },
            Error::UnexpectedStatus(raw) => Failure::Api {
                status: raw.status.as_u16(),
                body: serde_json::from_slice(&raw.body)
                    .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&raw.body).into_owned())),
            },
            Error::InvalidRequest(message) => Failure::Usage(message),
            // With its causes: a body that does not decode names the field and the reason.
            other => Failure::Call(finops_client_runtime::source_chain(&other)),
        }
    }
}

impl<F: Debug, E: Serialize + Debug, R: Serialize + Debug> From<OperationError<F, E, R>> for Failure {
    /// A failed status request is reported as the call's error; a failed operation with the
    /// service's code and message, and the continuation to resume a timed-out one.
    fn from(error: OperationError<F, E, R>) -> Self {
        match error {
            OperationError::Poll(error) => error.into(),
            OperationError::Result(error) => error.into(),
            OperationError::InvalidContinuation(_) => Failure::Usage(error.to_string()),
            other => Failure::Call(other.to_string()),
        }
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_value(value: &impl Serialize) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value)
        .map_err(|e| Failure::Call(format!("cannot print the response: {e}")))?;
    writeln!(stdout).map_err(|e| Failure::Call(format!("cannot print the response: {e}")))
}

/// Prints a call's answer as the server sent it: its JSON body, pretty-printed, with every field
/// (an explicit `null`, which tells an operator a budget was cleared, and fields the spec does not
/// declare). An empty body, or one that is not JSON, prints the typed value instead.
pub fn print_response<T: Serialize>(response: &finops_client_runtime::Response<T>) -> Result<(), Failure> {
    match response.raw_json() {
        Ok(serde_json::Value::Null) | Err(_) => print_value(&**response),
        Ok(raw) => print_value(&raw),
    }
}

/// Prints every item of a list as one compact JSON line, each as soon as its page arrives, so a
/// failure on a later page leaves the items before it printed.
pub async fn print_items<'a, P>(mut items: Items<'a, P>) -> Result<(), Failure>
where
    P: Paginated + 'a,
    P::Item: Serialize,
    P::Error: Serialize + Debug,
{
    while let Some(item) = items.next().await {
        let item = item?;
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer(&mut stdout, &item).map_err(|e| Failure::Call(format!("cannot print an item: {e}")))?;
        writeln!(stdout)
            .and_then(|()| stdout.flush())
            .map_err(|e| Failure::Call(format!("cannot print an item: {e}")))?;
    }
    Ok(())
}
