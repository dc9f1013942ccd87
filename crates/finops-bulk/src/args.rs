//! The bulk tools' command line.

use std::path::PathBuf;

/// `--input in.csv --output out.csv [--concurrency N] [--rate R]`.
#[derive(Debug, Clone, clap::Parser)]
#[command(about = "Applies one update per CSV row at the API's pace; rerun with the same output file to resume.")]
pub struct Args {
    /// The CSV file of updates, with a header row.
    #[arg(long)]
    pub input: PathBuf,
    /// The CSV file of outcomes; an existing one from an earlier run is resumed from.
    #[arg(long)]
    pub output: PathBuf,
    /// How many rows are in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
    /// Requests per second for the whole run, instead of the API's documented rate limits.
    #[arg(long, value_parser = positive_rate)]
    pub rate: Option<f64>,
}

impl Args {
    /// The arguments of this process; prints usage and exits on bad ones.
    pub fn from_env() -> Self {
        <Self as clap::Parser>::parse()
    }
}

fn positive_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!("`{text}` is not a positive number of requests per second")),
    }
}
