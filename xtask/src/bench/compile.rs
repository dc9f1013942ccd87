//! Compile cost of the generated crates against the same specs through progenitor's
//! `generate_api!` macro, the way most progenitor users consume it.
//!
//! Everything happens in a scratch workspace with two target folders, one per side, so neither
//! side reuses the other's artifacts:
//! - `crates/<api>-client`: our generated crates, generated again from a copy of `specs/` (with the
//!   hand-written crates their tools build on);
//! - `macro/<api>-macro`: `progenitor::generate_api!` on the bundled spec raw progenitor can take;
//! - `runtime/finops-client-runtime`: a copy of our runtime crate;
//! - `programs/<api>-{client,by-hand}`: one small program written twice, on a generated client
//!   and by hand on `reqwest`, `serde`, `chrono` and `tokio`.

use super::{copy_dir, median};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One API as both sides build it.
pub struct Api {
    pub name: String,
    /// The bundled spec as raw progenitor takes it.
    pub baseline_spec: PathBuf,
}

/// Runs of each crate-only build and each rebuild.
const RUNS: usize = 3;

const OURS_TARGET: &str = "target-ours";
const MACRO_TARGET: &str = "target-macro";

fn ours_package(api: &str) -> String {
    crate::generate::package_name(api)
}

fn macro_package(api: &str) -> String {
    format!("{api}-macro")
}

/// Measures and returns the report's section 3 as Markdown.
pub fn run(root: &Path, scratch: &Path, apis: &[Api]) -> Result<String, String> {
    let work = scratch.join("compile");
    set_up(root, &work, apis)?;
    let ours: Vec<String> = apis.iter().map(|a| ours_package(&a.name)).collect();
    let macros: Vec<String> = apis.iter().map(|a| macro_package(&a.name)).collect();

    eprintln!("bench: compile cost: clean build with dependencies, ours");
    let ours_cold = timed_build(&work, OURS_TARGET, &ours, true)?;
    eprintln!("bench: compile cost: clean build with dependencies, generate_api!");
    let macro_cold = timed_build(&work, MACRO_TARGET, &macros, true)?;
    let ours_deps = dependency_count(&work, &ours)?;
    let macro_deps = dependency_count(&work, &macros)?;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "## 3. Compile cost of a generated crate\n\n\
         Command: `cargo xtask bench --only compile`. A scratch workspace holds our generated client crates (generated again from `specs/`) and, for each API, a crate whose only \
         code is `progenitor::generate_api!(spec = ..., interface = Builder, tags = Merged)` on the same bundled spec raw progenitor \
         takes (the baseline of section 1), with the dependencies progenitor's README lists (`reqwest` with rustls). Dev profile without \
         overrides, as a user's workspace has it; each side has its own target folder. Goal: ours ≤ 1.0× the macro.\n\n\
         Clean build of the client crates and all their dependencies (one run each, in s):\n\n\
         | | ours | `generate_api!` | ratio | dependency crates, ours | dependency crates, macro |\n|---|---|---|---|---|---|\n\
         | every client crate, from nothing | {ours_cold:.1} | {macro_cold:.1} | {:.2}× | {ours_deps} | {macro_deps} |\n",
        ours_cold / macro_cold
    );

    eprintln!("bench: compile cost: each crate alone, dependencies built");
    let _ = writeln!(
        out,
        "Each crate alone, dependencies already built (`cargo clean -p <crate>` then `cargo build -p <crate>` without incremental \
         compilation; median of {RUNS}, in s). For the macro this includes running progenitor inside rustc.\n\n\
         | API | ours | `generate_api!` | ratio | goal |\n|---|---|---|---|---|"
    );
    let mut crate_rows = Vec::new();
    for api in apis {
        let ours_s = median(
            (0..RUNS)
                .map(|_| clean_crate_build(&work, OURS_TARGET, &ours_package(&api.name)))
                .collect::<Result<_, _>>()?,
        );
        let macro_s = median(
            (0..RUNS)
                .map(|_| clean_crate_build(&work, MACRO_TARGET, &macro_package(&api.name)))
                .collect::<Result<_, _>>()?,
        );
        crate_rows.push((ours_s, macro_s));
        let _ = writeln!(
            out,
            "| {} | {ours_s:.2} | {macro_s:.2} | {:.2}× | ≤ 1.0× |",
            api.name,
            ours_s / macro_s
        );
    }

    eprintln!("bench: compile cost: rebuild after a one-line spec change");
    let _ = writeln!(
        out,
        "\nRebuild after a one-line spec change: the description of one schema property gets a few more words, in our YAML and in \
         the macro's JSON. Ours is `cargo xtask codegen` (in process) and then `cargo build -p <crate>`; the macro's is `cargo build \
         -p <crate>`, which expands the macro again. Incremental compilation on, as in a user's dev build; median of {RUNS}, in s.\n\n\
         | API | property changed | ours: codegen | ours: build | **ours total** | `generate_api!` build | ratio |\n\
         |---|---|---|---|---|---|---|"
    );
    for api in apis {
        let edit = OneLineEdit::find(&work, api)?;
        let (mut generate, mut build, mut macro_build) = (Vec::new(), Vec::new(), Vec::new());
        for run in 1..=RUNS {
            edit.apply(run)?;
            let started = Instant::now();
            crate::codegen::run(&work, false, &mut std::io::sink()).map_err(|e| e.to_string())?;
            generate.push(started.elapsed().as_secs_f64());
            build.push(timed_build(&work, OURS_TARGET, &[ours_package(&api.name)], true)?);
            macro_build.push(timed_build(&work, MACRO_TARGET, &[macro_package(&api.name)], true)?);
        }
        let (generate, build, macro_build) = (median(generate), median(build), median(macro_build));
        let _ = writeln!(
            out,
            "| {} | `{}` | {generate:.2} | {build:.2} | **{:.2}** | {macro_build:.2} | {:.2}× |",
            api.name,
            edit.property,
            generate + build,
            (generate + build) / macro_build
        );
    }
    out.push('\n');
    out.push_str(&programs(&work)?);
    Ok(out)
}

/// A program a user writes, twice: on a generated client, and by hand.
struct Program {
    api: &'static str,
    /// `main.rs` on the generated client.
    client: &'static str,
    /// `main.rs` on `reqwest`, `serde`, `chrono` and `tokio`, doing the same.
    by_hand: &'static str,
}

const PROGRAMS: &[Program] = &[
    Program {
        api: "respan",
        client: r#"use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("RESPAN_TOKEN")?;
    let client = respan_client::Client::builder().bearer_token(token).build()?;
    let mut transactions = client.list_credit_transactions().page_size(100).stream();
    while let Some(transaction) = transactions.next().await {
        let transaction = transaction?;
        println!("{:?} {:?} {:?}", transaction.id, transaction.created_at, transaction.amount);
    }
    Ok(())
}
"#,
        by_hand: r#"#[derive(serde::Deserialize)]
struct Page {
    next: Option<String>,
    results: Vec<Transaction>,
}

#[derive(serde::Deserialize)]
struct Transaction {
    id: Option<String>,
    amount: Option<f64>,
    created_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("RESPAN_TOKEN")?;
    let http = reqwest::Client::new();
    let mut url = Some("https://api.respan.ai/api/credit-transactions/list/?page_size=100".to_string());
    while let Some(next) = url {
        let page: Page = http.get(&next).bearer_auth(&token).send().await?.error_for_status()?.json().await?;
        for transaction in page.results {
            println!("{:?} {:?} {:?}", transaction.id, transaction.created_at, transaction.amount);
        }
        url = page.next;
    }
    Ok(())
}
"#,
    },
    Program {
        api: "cloudhealth",
        client: r#"use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("CLOUDHEALTH_API_KEY")?;
    let client = cloudhealth_client::Client::builder().api_key(key).build()?;
    let mut statements = client.list_customer_statements().billing_period("2026-11").per_page(100).stream();
    while let Some(statement) = statements.next().await {
        let statement = statement?;
        println!("{:?} {:?} {:?}", statement.customer_id, statement.cloud, statement.total_amount);
    }
    Ok(())
}
"#,
        by_hand: r#"#[derive(serde::Deserialize)]
struct Page {
    billing_artifacts: Vec<Statement>,
}

#[derive(serde::Deserialize)]
struct Statement {
    customer_id: Option<i64>,
    cloud: Option<String>,
    total_amount: Option<f64>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("CLOUDHEALTH_API_KEY")?;
    let http = reqwest::Client::new();
    for page in 1.. {
        let url = format!("https://chapi.cloudhealthtech.com/v1/customer_statements?billing_period=2026-11&per_page=100&page={page}");
        let page: Page = http.get(&url).bearer_auth(&key).send().await?.error_for_status()?.json().await?;
        for statement in &page.billing_artifacts {
            println!("{:?} {:?} {:?}", statement.customer_id, statement.cloud, statement.total_amount);
        }
        if page.billing_artifacts.len() < 100 {
            break;
        }
    }
    Ok(())
}
"#,
    },
];

/// The programs of [`PROGRAMS`], each built from nothing in its own target folder; the report's
/// rows.
fn programs(work: &Path) -> Result<String, String> {
    let mut out = String::from(
        "A program a user writes (list one API's credit transactions or statements, every page, and print them), twice: on the \
         generated client, and by hand on `reqwest` (rustls, `json`), `serde`, `chrono` and `tokio`. Each built from nothing \
         (`cargo build`, dev profile, its own target folder; one run each, in s). Goal: ≤ 1.1×.\n\n\
         | API | on the client | by hand | ratio | crates, client | crates, by hand |\n|---|---|---|---|---|---|\n",
    );
    for program in PROGRAMS {
        let client_package = format!("{}-on-client", program.api);
        let by_hand_package = format!("{}-by-hand", program.api);
        eprintln!(
            "bench: compile cost: a {} program from nothing, on the client and by hand",
            program.api
        );
        let on_client = timed_build(
            work,
            &format!("target-{client_package}"),
            std::slice::from_ref(&client_package),
            true,
        )?;
        let by_hand = timed_build(
            work,
            &format!("target-{by_hand_package}"),
            std::slice::from_ref(&by_hand_package),
            true,
        )?;
        let _ = writeln!(
            out,
            "| {} | {on_client:.1} | {by_hand:.1} | {:.2}× | {} | {} |",
            program.api,
            on_client / by_hand,
            dependency_count(work, &[client_package])?,
            dependency_count(work, &[by_hand_package])?,
        );
    }
    out.push('\n');
    Ok(out)
}

/// Writes each program of [`PROGRAMS`] twice into `programs/`.
fn write_programs(work: &Path) -> Result<(), String> {
    let io = |e: std::io::Error| e.to_string();
    for program in PROGRAMS {
        let client_package = format!("{}-on-client", program.api);
        let by_hand_package = format!("{}-by-hand", program.api);
        let client_dependencies = format!(
            "{}-client = {{ path = \"../../crates/{}-client\" }}\nfutures = {{ workspace = true }}\n\
             tokio = {{ workspace = true }}\n",
            program.api, program.api
        );
        let by_hand_dependencies = "reqwest = { workspace = true, features = [\"json\", \"rustls\"] }\n\
             serde = { workspace = true }\nchrono = { workspace = true }\ntokio = { workspace = true }\n";
        for (package, dependencies, main) in [
            (&client_package, client_dependencies.as_str(), program.client),
            (&by_hand_package, by_hand_dependencies, program.by_hand),
        ] {
            let dir = work.join("programs").join(package);
            std::fs::create_dir_all(dir.join("src")).map_err(io)?;
            std::fs::write(
                dir.join("Cargo.toml"),
                format!("[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{dependencies}"),
            )
            .map_err(io)?;
            std::fs::write(dir.join("src/main.rs"), main).map_err(io)?;
        }
    }
    Ok(())
}

/// Writes the scratch workspace and generates our crates in it.
fn set_up(root: &Path, work: &Path, apis: &[Api]) -> Result<(), String> {
    let io = |e: std::io::Error| e.to_string();
    std::fs::create_dir_all(work).map_err(io)?;
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(io)?;
    // The workspace's dependency table and package fields, without its members and profiles.
    let manifest = manifest
        .split("\n[profile.")
        .next()
        .unwrap_or_default()
        .replace(
            r#"members = ["xtask", "generator/*", "crates/*"]"#,
            r#"members = ["crates/*", "macro/*", "programs/*"]"#,
        )
        .replace(
            r#"path = "crates/finops-client-runtime""#,
            r#"path = "runtime/finops-client-runtime""#,
        );
    if !manifest.contains(r#""programs/*""#) || !manifest.contains("runtime/finops-client-runtime") {
        return Err("the root Cargo.toml no longer has the members or runtime path the compile bench rewrites".into());
    }
    std::fs::write(work.join("Cargo.toml"), manifest).map_err(io)?;
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).map_err(io)?;
    let runtime = work.join("runtime/finops-client-runtime");
    for part in ["Cargo.toml", "src"] {
        let from = root.join("crates/finops-client-runtime").join(part);
        if from.is_dir() {
            copy_dir(&from, &runtime.join(part)).map_err(io)?;
        } else {
            std::fs::create_dir_all(&runtime).map_err(io)?;
            std::fs::copy(&from, runtime.join(part)).map_err(io)?;
        }
    }
    // The hand-written crates the generated tools build on, where the workspace's paths expect them.
    for tool_crate in ["finops-cli", "finops-bulk", "finops-export"] {
        let from = root.join("crates").join(tool_crate);
        let to = work.join("crates").join(tool_crate);
        copy_dir(&from.join("src"), &to.join("src")).map_err(io)?;
        for file in ["Cargo.toml", "README.md"] {
            std::fs::copy(from.join(file), to.join(file)).map_err(io)?;
        }
    }
    copy_dir(&root.join("specs"), &work.join("specs")).map_err(io)?;
    write_programs(work)?;
    crate::codegen::run(work, false, &mut std::io::sink()).map_err(|e| e.to_string())?;
    for api in apis {
        let dir = work.join("macro").join(macro_package(&api.name));
        std::fs::create_dir_all(dir.join("src")).map_err(io)?;
        std::fs::copy(&api.baseline_spec, dir.join("spec.json")).map_err(io)?;
        let spec_text = std::fs::read_to_string(&api.baseline_spec).map_err(io)?;
        // The generated code names these crates at the crate root: `progenitor_client` from nested
        // modules, `regress` for `pattern`.
        let regress = if spec_text.contains("\"pattern\"") {
            "regress = { workspace = true }\n"
        } else {
            ""
        };
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
                 [dependencies]\n\
                 progenitor = {{ workspace = true, features = [\"macro\"] }}\n\
                 progenitor-client = {{ workspace = true }}\n{regress}\
                 futures = {{ workspace = true }}\n\
                 reqwest = {{ workspace = true, features = [\"json\", \"query\", \"stream\", \"rustls\"] }}\n\
                 serde = {{ workspace = true }}\n\
                 serde_json = {{ workspace = true }}\n\
                 chrono = {{ workspace = true }}\n\
                 uuid = {{ workspace = true }}\n",
                macro_package(&api.name)
            ),
        )
        .map_err(io)?;
        std::fs::write(
            dir.join("src/lib.rs"),
            "progenitor::generate_api!(spec = \"spec.json\", interface = Builder, tags = Merged);\n",
        )
        .map_err(io)?;
    }
    Ok(())
}

fn cargo(work: &Path, target: &str) -> Command {
    let cargo = Path::new(env!("CARGO"));
    let mut command = Command::new(cargo);
    // Some registry crates carry a `rust-toolchain.toml`; a rustup `rustc` proxy run in their
    // folder would switch toolchains. The compiler beside this cargo is the one to measure.
    let rustc = cargo.with_file_name(format!("rustc{}", std::env::consts::EXE_SUFFIX));
    if rustc.is_file() {
        command.env("RUSTC", rustc);
    }
    command
        .current_dir(work)
        .env("CARGO_TARGET_DIR", work.join(target))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS");
    command
}

fn succeed(command: &mut Command) -> Result<std::process::Output, String> {
    let output = command.output().map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{command:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// `cargo build -p ...` in seconds.
fn timed_build(work: &Path, target: &str, packages: &[String], incremental: bool) -> Result<f64, String> {
    let mut command = cargo(work, target);
    command.args(["build", "--quiet"]);
    for package in packages {
        command.args(["-p", package]);
    }
    if !incremental {
        command.env("CARGO_INCREMENTAL", "0");
    }
    let started = Instant::now();
    succeed(&mut command)?;
    Ok(started.elapsed().as_secs_f64())
}

fn clean_crate_build(work: &Path, target: &str, package: &str) -> Result<f64, String> {
    succeed(cargo(work, target).args(["clean", "--quiet", "-p", package]))?;
    timed_build(work, target, &[package.to_string()], false)
}

/// Distinct crates the packages build on, themselves excluded.
fn dependency_count(work: &Path, packages: &[String]) -> Result<usize, String> {
    let mut command = cargo(work, OURS_TARGET);
    command.args([
        "tree",
        "--quiet",
        "-e",
        "normal,build",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ]);
    for package in packages {
        command.args(["-p", package]);
    }
    let output = succeed(&mut command)?;
    let crates: std::collections::BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.trim_end_matches(" (*)").to_string())
        .filter(|l| !l.is_empty() && !packages.iter().any(|p| l.starts_with(&format!("{p} "))))
        .collect();
    Ok(crates.len())
}

/// A schema property description found both in our YAML and in the macro's JSON, edited in both.
struct OneLineEdit {
    /// `Schema.property`, for the report.
    property: String,
    yaml_file: PathBuf,
    yaml_line: usize,
    original_line: String,
    json_file: PathBuf,
    json_pointer: String,
    original_text: String,
}

impl OneLineEdit {
    /// The first component property whose description is a one-line plain scalar in the YAML.
    fn find(work: &Path, api: &Api) -> Result<Self, String> {
        let json_file = work.join("macro").join(macro_package(&api.name)).join("spec.json");
        let spec: Value = serde_json::from_str(&std::fs::read_to_string(&json_file).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        let mut yaml_files = Vec::new();
        collect_yaml(&work.join("specs").join(&api.name), &mut yaml_files).map_err(|e| e.to_string())?;
        yaml_files.sort();
        let sources = yaml_files
            .into_iter()
            .map(|file| std::fs::read_to_string(&file).map(|source| (file, source)))
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|e| e.to_string())?;
        let schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (schema, body) in &schemas {
            let Some(properties) = body.get("properties").and_then(Value::as_object) else {
                continue;
            };
            for (property, definition) in properties {
                let Some(text) = definition.get("description").and_then(Value::as_str) else {
                    continue;
                };
                let wanted = format!("description: {text}");
                for (file, source) in &sources {
                    if let Some((line, original)) = source.lines().enumerate().find(|(_, l)| l.trim() == wanted) {
                        return Ok(OneLineEdit {
                            property: format!("{schema}.{property}"),
                            yaml_file: file.clone(),
                            yaml_line: line,
                            original_line: original.to_string(),
                            json_file,
                            json_pointer: format!("/components/schemas/{schema}/properties/{property}/description"),
                            original_text: text.to_string(),
                        });
                    }
                }
            }
        }
        Err(format!(
            "{}: no schema property has a one-line description to edit",
            api.name
        ))
    }

    /// Appends ` (edit N)` to the description on both sides.
    fn apply(&self, n: usize) -> Result<(), String> {
        let io = |e: std::io::Error| e.to_string();
        let source = std::fs::read_to_string(&self.yaml_file).map_err(io)?;
        let mut lines: Vec<String> = source.lines().map(str::to_string).collect();
        lines[self.yaml_line] = format!("{} (edit {n})", self.original_line);
        let mut text = lines.join("\n");
        if source.ends_with('\n') {
            text.push('\n');
        }
        std::fs::write(&self.yaml_file, text).map_err(io)?;
        let mut spec: Value =
            serde_json::from_str(&std::fs::read_to_string(&self.json_file).map_err(io)?).map_err(|e| e.to_string())?;
        if let Some(description) = spec.pointer_mut(&self.json_pointer) {
            *description = Value::String(format!("{} (edit {n})", self.original_text));
        }
        std::fs::write(
            &self.json_file,
            serde_json::to_string(&spec).map_err(|e| e.to_string())?,
        )
        .map_err(io)
    }
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}
