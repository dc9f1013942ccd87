//! `cargo xtask <command>`: the repository's own tooling.

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use xtask::codegen::{self, Outcome};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "finops-clients tooling",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate one client crate per API folder under specs/ into crates/.
    Codegen {
        /// Write nothing; exit non-zero and show a diff when generated files are stale, missing
        /// or extra.
        #[arg(long)]
        check: bool,
    },
    /// Write each API's bundled spec as one JSON file (for validators and reviewers).
    Bundle {
        /// Folder to write `<api>.json` into, relative to the repository root.
        #[arg(long, default_value = xtask::bundle_cmd::DEFAULT_OUT)]
        out: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = codegen::project_root();
    match cli.command {
        Command::Codegen { check } => match codegen::run(&root, check, &mut std::io::stdout().lock()) {
            Ok(Outcome::Done) => ExitCode::SUCCESS,
            Ok(Outcome::Stale) => ExitCode::FAILURE,
            Err(error) => {
                eprintln!("{error}");
                eprintln!("nothing was written");
                ExitCode::FAILURE
            }
        },
        Command::Bundle { out } => {
            match xtask::bundle_cmd::run(&root, &root.join(out), &mut std::io::stdout().lock()) {
                Ok(_) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("{error}");
                    eprintln!("nothing was written");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
