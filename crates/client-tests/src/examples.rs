//! The generated crates' example programs, built once per test and run as a user runs them.

use std::path::{Path, PathBuf};

/// Builds `examples` (package, example name) in one cargo run, offline; returns the directory
/// the binaries are in.
pub fn build(examples: &[(&str, &str)]) -> PathBuf {
    let mut args = Vec::new();
    for (package, example) in examples {
        args.extend(["-p", package, "--example", example]);
    }
    cargo_build(&args, "the examples").join("examples")
}

/// Builds the binaries of `packages` (the generated command-line tools) in one cargo run,
/// offline; returns the directory they are in.
pub fn build_tools(packages: &[&str]) -> PathBuf {
    let args: Vec<&str> = packages.iter().flat_map(|package| ["-p", package]).collect();
    cargo_build(&args, "the tools")
}

/// `cargo build --offline` with `args` in the checkout; returns the target's `debug` folder.
fn cargo_build(args: &[&str], what: &str) -> PathBuf {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .current_dir(&root)
        .args(["build", "--offline", "--message-format=short"])
        .args(args)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{what} do not build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("debug")
}

/// Runs `cargo <args>` (offline) in `scratch`, a crate outside this workspace with its own
/// `[workspace]`, after adding this workspace's dev profile to its manifest. The build shares the
/// workspace's target directory: the dependencies the workspace has built with the same
/// features are reused rather than built again. Warnings in the scratch crate are errors when
/// its roots say `#![deny(warnings)]` ([`DENY_WARNINGS`]).
pub fn cargo_outside_workspace(scratch: &Path, args: &[&str]) -> std::process::Output {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).expect("the workspace manifest");
    let manifest = scratch.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).expect("the scratch manifest");
    text.push('\n');
    text.push_str(&dev_profile(&workspace));
    std::fs::write(&manifest, text).expect("the scratch manifest is written");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    std::process::Command::new(cargo)
        .current_dir(scratch)
        .args(args)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

/// The first line of a scratch crate's root: its warnings are errors, and, unlike `RUSTFLAGS`,
/// the dependencies it shares with the workspace keep their compiled form.
pub const DENY_WARNINGS: &str = "#![deny(warnings)]\n";

/// The `[profile.dev]` tables of the workspace manifest, but those naming one of its own crates
/// (`finops-…`), which a crate outside the workspace does not build with that profile.
fn dev_profile(workspace: &str) -> String {
    let mut out = String::new();
    let mut keep = false;
    for line in workspace.lines() {
        if line.starts_with('[') {
            keep = line.starts_with("[profile.dev") && !line.starts_with("[profile.dev.package.finops-");
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A command for example binary `binary` with every variable starting with `prefix` (such as
/// `RESPAN_`) removed from its environment, so the test's settings are the only ones.
pub fn command(binary: PathBuf, prefix: &str) -> std::process::Command {
    let mut command = std::process::Command::new(binary);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with(prefix)) {
        command.env_remove(name);
    }
    command
}
