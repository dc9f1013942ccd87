//! `cargo xtask <command>`: the repository's own tooling.

use clap::{Parser, Subcommand};
use std::process::ExitCode;
mod bench;
mod bundle_cmd;
mod facts;
mod review;

use finops_codegen::codegen::{self, Outcome};
use finops_codegen::{emit, generate};
use finops_spec::{self as spec, diagnostic};

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
    /// Check every spec against the house rules (rule id, severity, file:line, JSON pointer).
    /// Exits non-zero when a rule with severity `error` fails.
    Lint {
        /// List the rules (id, severity, what each checks) instead of checking.
        #[arg(long)]
        rules: bool,
    },
    /// Compare each API's spec at a git revision with the working tree, as a Markdown report.
    Diff {
        /// The revision to compare with, e.g. `main` or `HEAD~1`.
        #[arg(long)]
        base: String,
        /// Exit non-zero when a change of this level (or worse) is found.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Measure generation (per stage, and scaling against raw progenitor), `--check` latency,
    /// compile cost (against generate_api!) and client overhead; write BENCHMARKS.md and
    /// benchmarks/scaling.svg.
    Bench {
        /// Skip the 2,000-operation spec, the compile cost and the client benchmark, and print the
        /// results instead of writing them.
        #[arg(long)]
        quick: bool,
        /// Measure one section and print it, leaving BENCHMARKS.md alone.
        #[arg(long, value_enum)]
        only: Option<crate::bench::Section>,
    },
    /// One measured run of `bench` (internal).
    #[command(hide = true)]
    BenchWorker {
        /// `ours <root>`, `baseline <bundled.json> <out.rs>`, or `synthetic <operations> <scratch>`
        /// (write a synthetic input to profile by hand).
        args: Vec<String>,
    },
    /// Read an API's facts from local checkouts of its vendor's sources with a program, and show
    /// how they differ from its facts.yaml, fact by fact (`+` new, `~` changed, `-` gone, `!` a
    /// cited file missing). Exits non-zero when there is a difference.
    Facts {
        /// The API folder under specs/, e.g. `cloudhealth`.
        api: String,
        /// `<source>=<dir>`: the record's source id and a checkout of it (a working tree of the
        /// repository the source names). Repeat for several sources.
        #[arg(long = "checkout", value_parser = parse_checkout, required = true)]
        checkouts: Vec<(String, std::path::PathBuf)>,
    },
    /// Write each API's bundled spec as one JSON file (for validators and reviewers).
    Bundle {
        /// Folder to write `<api>.json` into, relative to the repository root.
        #[arg(long, default_value = crate::bundle_cmd::DEFAULT_OUT)]
        out: std::path::PathBuf,
        /// Folder of API folders to bundle, relative to the repository root (CI also bundles
        /// the generator's fixtures this way).
        #[arg(long, default_value = "specs")]
        specs: std::path::PathBuf,
    },
}

fn parse_checkout(text: &str) -> Result<(String, std::path::PathBuf), String> {
    match text.split_once('=') {
        Some((source, dir)) if !source.is_empty() && !dir.is_empty() => Ok((source.to_string(), dir.into())),
        _ => Err(format!("`{text}` is not `<source>=<dir>`")),
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Breaking,
    Warning,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = match spec::project_root() {
        Ok(root) => root,
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("nothing was written");
            return ExitCode::FAILURE;
        }
    };
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
        Command::Lint { rules: true } => {
            for (id, severity, checks) in crate::review::lint::RULES {
                println!("{id:<24} {:<8} {checks}", format!("{severity:?}").to_lowercase());
            }
            ExitCode::SUCCESS
        }
        Command::Lint { rules: false } => lint(&root),
        Command::Facts { api, checkouts } => match crate::facts::run(&root, &api, &checkouts) {
            Ok(comparison) => {
                print!("{}", crate::facts::report(&api, &comparison));
                if comparison.changes.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(error) => {
                eprintln!("{error}");
                ExitCode::FAILURE
            }
        },
        Command::Bench { quick, only } => match crate::bench::run(&root, quick, only) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        Command::BenchWorker { args } => {
            let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
                ["ours", root] => crate::bench::worker::ours(std::path::Path::new(root)),
                ["baseline", bundled, out] => {
                    crate::bench::worker::baseline(std::path::Path::new(bundled), std::path::Path::new(out))
                }
                ["synthetic", operations, scratch] => operations
                    .parse()
                    .map_err(|_| format!("not a number of operations: {operations}"))
                    .and_then(|n| crate::bench::synthetic_input(std::path::Path::new(scratch), n)),
                _ => Err(
                    "usage: bench-worker ours <root> | baseline <bundled.json> <out.rs> | synthetic <operations> <scratch>"
                        .into(),
                ),
            };
            match result {
                Ok(value) => {
                    println!("{value}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Diff { base, fail_on } => diff(&root, &base, fail_on),
        Command::Bundle { out, specs } => {
            let (specs, out) = (root.join(specs), root.join(out));
            match crate::bundle_cmd::run(&root, &specs, &out, &mut std::io::stdout().lock()) {
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

fn lint(root: &std::path::Path) -> ExitCode {
    use crate::review::lint::{self, Severity};
    let apis = match spec::discover(&root.join("specs")) {
        Ok(apis) => apis,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let (mut errors, mut warnings) = (0, 0);
    for api in &apis {
        let findings = lint::lint_api(api, root);
        for finding in &findings {
            println!("{finding}");
        }
        let api_errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
        errors += api_errors;
        warnings += findings.len() - api_errors;
        println!(
            "{:<16} {api_errors} error(s), {} warning(s)",
            api.name,
            findings.len() - api_errors
        );
    }
    println!("{} API(s): {errors} error(s), {warnings} warning(s)", apis.len());
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn diff(root: &std::path::Path, base: &str, fail_on: Option<FailOn>) -> ExitCode {
    use crate::review::{diff::Level, report};
    let changes = match report::compare(root, base) {
        Ok(changes) => changes,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", report::markdown(base, &changes));
    let worst = changes.iter().flat_map(|c| &c.findings).map(|f| f.level).min();
    let fails = matches!(
        (fail_on, worst),
        (Some(FailOn::Breaking), Some(Level::Breaking))
            | (Some(FailOn::Warning), Some(Level::Breaking | Level::Warning))
    );
    if fails { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
