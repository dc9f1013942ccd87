//! The generated crates' example programs, built once per test and run as a user runs them.

use std::path::PathBuf;

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

/// A command for example binary `binary` with every variable starting with `prefix` (such as
/// `RESPAN_`) removed from its environment, so the test's settings are the only ones.
pub fn command(binary: PathBuf, prefix: &str) -> std::process::Command {
    let mut command = std::process::Command::new(binary);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with(prefix)) {
        command.env_remove(name);
    }
    command
}
