//! The generated crates' example programs, built once per test and run as a user runs them.

use std::path::PathBuf;

/// Builds `examples` (package, example name) in one cargo run, offline; returns the directory
/// the binaries are in.
pub fn build(examples: &[(&str, &str)]) -> PathBuf {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let mut args = vec!["build", "--offline", "--message-format=short"];
    for (package, example) in examples {
        args.extend(["-p", package, "--example", example]);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .current_dir(&root)
        .args(args)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the examples do not build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("debug/examples")
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
