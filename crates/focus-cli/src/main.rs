//! `focus`: cost data from the finops-clients APIs as FOCUS 1.2 rows, written as CSV or Apache
//! Parquet as the items stream in. See the crate README for the flags and exit statuses.

mod output;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};
use finops_cli::{Failure, WaitArgs};
use finops_focus::{
    CloudHealthStatements, Mapping, PartnerBillingReconciliation, PartnerBillingUsage, RespanCreditTransactions,
};
use futures::{Stream, StreamExt};
use output::{Format, Output, Summary};
use std::path::PathBuf;
use std::pin::pin;
use std::process::ExitCode;

/// FOCUS 1.2 cost and usage rows from Microsoft partner billing, Respan and CloudHealth.
#[derive(Parser)]
#[command(
    name = "focus",
    version,
    about = "Cost data from Microsoft partner billing, Respan and CloudHealth as FOCUS 1.2 rows, in CSV or Apache Parquet.",
    after_help = "Exit status: 0 when every item became rows; 1 when the API fails or an item cannot be placed (the error names it, and no output file is left); 2 on bad usage; 130 after Ctrl-C, 143 after SIGTERM (no output file is left)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Exports one source's cost data as a FOCUS file.
    #[command(subcommand)]
    Export(Box<Source>),
    /// Prints a completion script for a shell.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand)]
enum Source {
    /// Microsoft partner billing line items: an invoice's billed usage (or reconciliation), or the
    /// unbilled data of a billing period (Microsoft Graph's exports).
    PartnerBilling(PartnerBillingArgs),
    /// Respan credit transactions, all or those recorded in a period.
    Respan(RespanArgs),
    /// CloudHealth customer statements of a month.
    Cloudhealth(CloudHealthArgs),
}

/// Where the rows go.
#[derive(Args)]
#[command(next_help_heading = "Output")]
struct OutputArgs {
    /// The file to write; written beside as `<FILE>.partial` and renamed when complete.
    #[arg(long = "out", value_name = "FILE")]
    out: PathBuf,
    /// The format; by default the file's extension says (`.csv` or `.parquet`).
    #[arg(long = "format", value_name = "FORMAT", value_parser = ["csv", "parquet"])]
    format: Option<String>,
    /// Replaces an existing file (a regular file only).
    #[arg(long = "force")]
    force: bool,
}

#[derive(Args)]
struct PartnerBillingArgs {
    /// The invoice whose billed data to export, e.g. `G016907411`.
    #[arg(long = "invoice-id", value_name = "INVOICE_ID", conflicts_with = "billing_period", required_unless_present_any = ["billing_period", "resume"])]
    invoice_id: Option<String>,
    /// The unbilled data of this billing period instead: `current` or `last`.
    #[arg(long = "billing-period", value_name = "PERIOD", value_parser = ["current", "last"], requires = "currency_code")]
    billing_period: Option<String>,
    /// The billing currency of the unbilled data, e.g. `USD`.
    #[arg(long = "currency-code", value_name = "CODE")]
    currency_code: Option<String>,
    /// The reconciliation line items (licences, purchases, credits and their tax) instead of the
    /// usage line items.
    #[arg(long = "reconciliation")]
    reconciliation: bool,
    #[command(flatten)]
    wait: WaitArgs,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    connection: PartnerBillingConnection,
}

#[derive(Args)]
#[command(next_help_heading = "Connection")]
struct PartnerBillingConnection {
    /// Access token, sent as `Authorization: Bearer`.
    #[arg(
        long = "token",
        env = "PARTNER_BILLING_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    token: Option<String>,
    /// OAuth2 `client_credentials` grant: tenant id.
    #[arg(
        long = "tenant-id",
        env = "PARTNER_BILLING_TENANT_ID",
        hide_env_values = true,
        value_name = "TENANT_ID"
    )]
    tenant_id: Option<String>,
    /// OAuth2 `client_credentials` grant: client id.
    #[arg(
        long = "client-id",
        env = "PARTNER_BILLING_CLIENT_ID",
        hide_env_values = true,
        value_name = "CLIENT_ID"
    )]
    client_id: Option<String>,
    /// OAuth2 `client_credentials` grant: client secret.
    #[arg(
        long = "client-secret",
        env = "PARTNER_BILLING_CLIENT_SECRET",
        hide_env_values = true,
        value_name = "CLIENT_SECRET"
    )]
    client_secret: Option<String>,
    /// The API's address instead of Microsoft Graph's, e.g. `http://127.0.0.1:8080`.
    #[arg(
        long = "base-url",
        env = "PARTNER_BILLING_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    base_url: Option<String>,
}

#[derive(Args)]
struct RespanArgs {
    /// The first day (UTC) of the period, e.g. `2026-11-01`; without it, from the first transaction.
    #[arg(long = "from", value_name = "DATE")]
    from: Option<NaiveDate>,
    /// The day after the period (UTC), e.g. `2026-12-01`; without it, to the last transaction.
    #[arg(long = "to", value_name = "DATE")]
    to: Option<NaiveDate>,
    #[command(flatten)]
    output: OutputArgs,
    /// API key, sent as `Authorization: Bearer`.
    #[arg(
        long = "token",
        env = "RESPAN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        help_heading = "Connection"
    )]
    token: Option<String>,
    /// The API's address instead of Respan's, e.g. `http://127.0.0.1:8080`.
    #[arg(
        long = "base-url",
        env = "RESPAN_BASE_URL",
        hide_env_values = true,
        value_name = "URL",
        help_heading = "Connection"
    )]
    base_url: Option<String>,
}

#[derive(Args)]
struct CloudHealthArgs {
    /// The month, e.g. `2026-11`.
    #[arg(long = "billing-period", value_name = "YYYY-MM")]
    billing_period: String,
    /// The partner issuing the statements to its customers (FOCUS's invoice issuer and
    /// provider), e.g. `Contoso Cloud Services`.
    #[arg(long = "partner", value_name = "NAME")]
    partner: String,
    /// One customer's statements (its client API ID) instead of every customer's.
    #[arg(long = "client-api-id", value_name = "ID")]
    client_api_id: Option<i64>,
    /// Estimated statements instead of final ones.
    #[arg(long = "estimated")]
    estimated: bool,
    #[command(flatten)]
    output: OutputArgs,
    /// API key.
    #[arg(
        long = "token",
        env = "CLOUDHEALTH_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        help_heading = "Connection"
    )]
    token: Option<String>,
    /// The API's address instead of CloudHealth's, e.g. `http://127.0.0.1:8080`.
    #[arg(
        long = "base-url",
        env = "CLOUDHEALTH_BASE_URL",
        hide_env_values = true,
        value_name = "URL",
        help_heading = "Connection"
    )]
    base_url: Option<String>,
}

/// Why a run stopped early.
enum Stop {
    Failed(Failure),
    /// By Ctrl-C (exit status 130) or SIGTERM (143).
    Interrupted(u8),
}

impl<T: Into<Failure>> From<T> for Stop {
    fn from(failure: T) -> Self {
        Stop::Failed(failure.into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let source = match cli.command {
        Command::Completions { shell } => {
            finops_cli::completions::<Cli>(shell, "focus");
            return ExitCode::SUCCESS;
        }
        Command::Export(source) => source,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    // Ctrl-C or SIGTERM at any point (waiting for the export, paging, writing) drops the run:
    // nothing more is sent, and the partial file is removed as the output is dropped.
    let run = async {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(error) => {
                return Err(Stop::Failed(Failure::Call(format!(
                    "cannot watch for SIGTERM: {error}"
                ))));
            }
        };
        tokio::select! {
            result = export(*source) => result,
            _ = tokio::signal::ctrl_c() => Err(Stop::Interrupted(130)),
            _ = terminate.recv() => Err(Stop::Interrupted(143)),
        }
    };
    match runtime.block_on(run) {
        // `--no-wait`: the continuation is printed; there is no file yet.
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(summary)) => match finops_cli::print_value(&summary.to_json()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => failure.report(),
        },
        Err(Stop::Failed(failure)) => failure.report(),
        Err(Stop::Interrupted(status)) => {
            eprintln!("interrupted: no output file was written");
            ExitCode::from(status)
        }
    }
}

/// Runs the export; `None` when it only started one (`--no-wait`).
async fn export(source: Source) -> Result<Option<Summary>, Stop> {
    match source {
        Source::PartnerBilling(args) => partner_billing(args).await,
        Source::Respan(args) => respan(args).await.map(Some),
        Source::Cloudhealth(args) => cloudhealth(args).await.map(Some),
    }
}

async fn partner_billing(args: PartnerBillingArgs) -> Result<Option<Summary>, Stop> {
    use partner_billing_client::Continuation;
    use partner_billing_client::types::{BilledExportRequest, BillingPeriod, UnbilledExportRequest};
    // With `--no-wait` no file is written: the continuation is printed, for `--resume`.
    let format = format(&args.output)?;
    let output = match args.wait.no_wait {
        true => None,
        false => Some(Output::create(&args.output.out, format, args.output.force)?),
    };
    let client = partner_billing_connect(&args.connection)?;
    let invoice = args.invoice_id.clone().unwrap_or_default();
    let unbilled = || {
        let period = match args.billing_period.as_deref() {
            Some("last") => BillingPeriod::Last,
            _ => BillingPeriod::Current,
        };
        UnbilledExportRequest::new(period, args.currency_code.clone().unwrap_or_default())
    };
    // Starts (or resumes) one export, waits for it, and writes its files' items.
    macro_rules! run {
        ($call:ident, $resume:ident, $items:ident, $body:expr, $mapping:expr) => {{
            let poller = match &args.wait.resume {
                Some(url) => client.$resume(Continuation { operation: url.clone() })?,
                None => client.$call($body).start().await?,
            };
            let Some(output) = output else {
                finops_cli::print_value(poller.continuation())?;
                return Ok(None);
            };
            let manifest = args.wait.apply(poller).await?;
            let items = client.$items(&manifest, Default::default()).map(|line| match line {
                Ok(line) => Ok((format!(" (line {} of {})", line.number, line.file), line.item)),
                Err(error) => Err(Failure::Call(error.to_string())),
            });
            output.write_all(&$mapping, items).await.map(Some)
        }};
    }
    // A resumed export is read the same way billed or unbilled: only its kind of item matters.
    let billed = args.billing_period.is_none();
    match (args.reconciliation, billed) {
        (false, true) => run!(
            export_billed_usage,
            resume_export_billed_usage,
            export_billed_usage_items,
            BilledExportRequest::new(invoice),
            PartnerBillingUsage
        ),
        (false, false) => run!(
            export_unbilled_usage,
            resume_export_unbilled_usage,
            export_unbilled_usage_items,
            unbilled(),
            PartnerBillingUsage
        ),
        (true, true) => run!(
            export_billed_reconciliation,
            resume_export_billed_reconciliation,
            export_billed_reconciliation_items,
            BilledExportRequest::new(invoice),
            PartnerBillingReconciliation
        ),
        (true, false) => run!(
            export_unbilled_reconciliation,
            resume_export_unbilled_reconciliation,
            export_unbilled_reconciliation_items,
            unbilled(),
            PartnerBillingReconciliation
        ),
    }
}

fn partner_billing_connect(c: &PartnerBillingConnection) -> Result<partner_billing_client::Client, Failure> {
    let mut builder = partner_billing_client::Client::builder();
    if let Some(base_url) = &c.base_url {
        builder = builder.base_url(base_url.clone());
    }
    if let Some(token) = &c.token {
        builder = builder.bearer_token(token.clone());
    } else if let (Some(tenant), Some(id), Some(secret)) = (&c.tenant_id, &c.client_id, &c.client_secret) {
        builder = builder.client_credentials(tenant.clone(), id.clone(), secret.clone());
    } else {
        return Err(Failure::Usage(
            "no credential: give --token (PARTNER_BILLING_TOKEN), or --tenant-id, --client-id and --client-secret"
                .into(),
        ));
    }
    builder.build().map_err(|e| Failure::Usage(e.to_string()))
}

async fn respan(args: RespanArgs) -> Result<Summary, Stop> {
    let start = args
        .from
        .map(|day| day.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    let end = args.to.map(|day| day.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        return Err(Failure::Usage("--to must be after --from".into()).into());
    }
    let output = Output::create(&args.output.out, format(&args.output)?, args.output.force)?;
    let mut builder = respan_client::Client::builder();
    if let Some(base_url) = &args.base_url {
        builder = builder.base_url(base_url.clone());
    }
    let Some(token) = &args.token else {
        return Err(Failure::Usage("no credential: give --token (RESPAN_TOKEN)".into()).into());
    };
    let client = builder
        .bearer_token(token.clone())
        .build()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let within = move |at: Option<DateTime<Utc>>| match at {
        // A transaction without a time is kept, for the mapping to refuse by name.
        None => true,
        Some(at) => start.is_none_or(|start| at >= start) && end.is_none_or(|end| at < end),
    };
    let items = client
        .list_credit_transactions()
        .page_size(100)
        .stream()
        .filter(move |item| std::future::ready(item.as_ref().map_or(true, |item| within(item.created_at))))
        .map(|item| item.map(|item| (String::new(), item)).map_err(Failure::from));
    output.write_all(&RespanCreditTransactions, items).await
}

async fn cloudhealth(args: CloudHealthArgs) -> Result<Summary, Stop> {
    use cloudhealth_client::types::StatementStatus;
    let output = Output::create(&args.output.out, format(&args.output)?, args.output.force)?;
    let mut builder = cloudhealth_client::Client::builder();
    if let Some(base_url) = &args.base_url {
        builder = builder.base_url(base_url.clone());
    }
    let Some(token) = &args.token else {
        return Err(Failure::Usage("no credential: give --token (CLOUDHEALTH_TOKEN)".into()).into());
    };
    let client = builder
        .api_key(token.clone())
        .build()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let mut call = client
        .list_customer_statements()
        .billing_period(args.billing_period.clone())
        .status(if args.estimated {
            StatementStatus::Estimated
        } else {
            StatementStatus::Final
        })
        .per_page(100);
    if let Some(id) = args.client_api_id {
        call = call.client_api_id(id);
    }
    let items = call
        .stream()
        .map(|item| item.map(|item| (String::new(), item)).map_err(Failure::from));
    let mapping = CloudHealthStatements {
        partner: args.partner,
        customer_id: args.client_api_id,
    };
    output.write_all(&mapping, items).await
}

/// The output format: the flag, else the file's extension.
fn format(args: &OutputArgs) -> Result<Format, Failure> {
    let extension = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match args.format.as_deref().or(extension.as_deref()) {
        Some("csv") => Ok(Format::Csv),
        Some("parquet") => Ok(Format::Parquet),
        _ => Err(Failure::Usage(format!(
            "cannot tell the format of {}: name it `.csv` or `.parquet`, or give --format",
            args.out.display()
        ))),
    }
}

impl Output {
    /// Maps and writes every item of `items` (each with where it was found), stopping at the
    /// first failure; the file is only there when all went well.
    async fn write_all<M: Mapping>(
        mut self,
        mapping: &M,
        items: impl Stream<Item = Result<(String, M::Item), Failure>>,
    ) -> Result<Summary, Stop> {
        let mut items = pin!(items);
        let mut rows = Vec::new();
        while let Some(next) = items.next().await {
            let (place, item) = next?;
            rows.clear();
            mapping.map_into(&item, &mut rows).map_err(|problem| {
                let mut error = mapping.error(&item, problem);
                error.item.push_str(&place);
                Failure::Call(error.to_string())
            })?;
            for row in &rows {
                self.write(row)?;
            }
            self.count_item();
        }
        Ok(self.finish()?)
    }
}
