//! `examples/<name>.rs` of an operation with `x-bulk-example`: the bulk tool's glue (the client
//! from the environment, the key parsed as the path parameter's type, the value set or cleared in
//! the PATCH body); the runs, resumes and progress are the `finops-bulk` crate's.

use super::crate_files::{CrateInfo, header_text};
use crate::model::OperationModel;
use crate::model::bulk::BulkModel;

/// `examples/<name>.rs`: the bulk tool of `op`.
pub fn example_rs(info: &CrateInfo, op: &OperationModel, bulk: &BulkModel) -> String {
    let lib = info.lib_name();
    let run = format!("--example {}", bulk.name);
    let commands = info
        .example_commands(&bulk.name)
        .replace(&run, &format!("{run} -- --input in.csv --output out.csv"));
    let setup = info.client_from_env();
    let setup = setup
        .trim_end()
        .strip_suffix("let client = builder.build()?;")
        .unwrap_or(&setup);
    let setup: String = setup.lines().map(|line| format!("    {line}\n")).collect();
    let idempotency_key = match &op.idempotency_key {
        Some(name) => format!("Some({name:?})"),
        None => "None".to_string(),
    };
    let (key_kind, key) = if bulk.key_is_uuid {
        (
            "Guid",
            format!(
                "match row.key.parse::<{lib}::uuid::Uuid>() {{\n                Ok(key) => key,\n                Err(error) => return finops_bulk::Sent::refused(error),\n            }}"
            ),
        )
    } else {
        ("Text", "row.key".to_string())
    };
    let resend = match &op.idempotency_key {
        Some(name) => format!(
            "//! A row that may have reached the server before a crash is sent again with the same `{name}`, which\n//! the service uses to recognise a repeated request.\n"
        ),
        None => String::new(),
    };
    format!(
        r#"// {header}

//! Applies `{key_column},{value_column}` rows of a CSV file with `{method}`
//! ({verb} {path}): one call per row {pace},
//! `--concurrency` rows at a time (8 unless set). `clear` in `{value_column}` clears it; an empty
//! or missing `{value_column}` is a bad row, never a clear.
//!
//! ```sh
{commands}//! ```
//!
//! Writes `{key_column},{value_column},outcome,http_status,request_id,error` rows to the output
//! file (outcome `updated` or `failed`). Run again with the same output file, it sends nothing for
//! rows already `updated` and resumes the others after a crash or Ctrl-C.
{resend}//! A bad row (a key that is not {key_what}, a value that is not a number or `clear`) is
//! reported by its line number and skipped. The output file is locked while a run uses it.

use {lib}::types::{body};
use {lib}::Client;

// The client is built from the environment as in the other examples, in lines of their length.
#[rustfmt::skip]
#[tokio::main]
async fn main() -> Result<std::process::ExitCode, Box<dyn std::error::Error>> {{
    let args = finops_bulk::Args::from_env();
{setup}    if let Some(rate) = args.rate {{
        builder = builder
            .without_rate_limits()
            .rate_limit({lib}::RateLimit::per_second("--rate", rate));
    }}
    let client = builder.build()?;
    let job = finops_bulk::Job {{
        key_column: {key_column:?},
        key_kind: finops_bulk::KeyKind::{key_kind},
        value_column: {value_column:?},
        idempotency_key: {idempotency_key},
    }};
    let summary = finops_bulk::run(job, &args, |row, options| {{
        let client = &client;
        async move {{
            let key = {key};
            let body = match row.value {{
                Some(value) => {body}::new().{field}(value),
                None => {body}::new().clear_{field}(),
            }};
            finops_bulk::sent(&client.{method}(key, body).send_with(options).await)
        }}
    }})
    .await;
    match summary {{
        Ok(summary) => Ok(summary.exit_code()),
        Err(problem) => {{
            eprintln!("{{problem}}");
            Ok(std::process::ExitCode::from(2))
        }}
    }}
}}
"#,
        header = header_text(info),
        pace = if info
            .model
            .rate_limits
            .iter()
            .any(|limit| limit.operations.as_ref().is_none_or(|ops| ops.contains(&op.id)))
        {
            "at the API's pace (its documented rate limits,\n//! or `--rate` requests a second)"
        } else {
            "unpaced unless `--rate` sets requests a second (the\n//! vendor publishes no rate limit for it)"
        },
        key_column = bulk.key_column,
        value_column = bulk.value_column,
        method = op.rust_name,
        verb = op.method.to_uppercase(),
        path = op.path,
        key_what = if bulk.key_is_uuid { "a GUID" } else { "given" },
        body = bulk.body,
        field = bulk.field,
    )
}
