//! Which checkout a command works on.

use std::path::{Path, PathBuf};

/// The repository to work on, found when the command runs.
///
/// It is the checkout that holds the current directory. When cargo started the command (`cargo
/// xtask`, `cargo test`), the package cargo built must belong to that same checkout, or the
/// command refuses to run. The path is never fixed at compile time: with a `CARGO_TARGET_DIR`
/// shared between clones or git worktrees, cargo may reuse a binary built in another checkout.
pub fn project_root() -> Result<PathBuf, String> {
    let here = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let root = find_project_root(&here)?;
    if let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        let built_for = find_project_root(Path::new(&manifest_dir))?;
        if built_for != root {
            return Err(format!(
                "cargo ran this command for the checkout {}, but the current directory is in {}; \
                 run it from inside the checkout you mean to change",
                built_for.display(),
                root.display()
            ));
        }
    }
    Ok(root)
}

/// The nearest folder from `start` upwards that is a finops-clients checkout: a `Cargo.toml`
/// declaring a `[workspace]`, beside `xtask/Cargo.toml` and `specs/`.
pub fn find_project_root(start: &Path) -> Result<PathBuf, String> {
    let start = start
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", start.display()))?;
    for folder in start.ancestors() {
        let is_workspace = std::fs::read_to_string(folder.join("Cargo.toml"))
            .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"));
        if is_workspace && folder.join("xtask/Cargo.toml").is_file() && folder.join("specs").is_dir() {
            return Ok(folder.to_path_buf());
        }
    }
    Err(format!(
        "{} is not inside a finops-clients checkout (a Cargo workspace with `xtask/` and `specs/`); \
         run the command from inside one",
        start.display()
    ))
}
