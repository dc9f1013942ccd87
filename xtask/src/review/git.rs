//! The `specs/` folder as it was at a git revision, copied into a scratch folder.

use std::path::Path;
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout)
}

/// Writes every file under `specs/` at `revision` into `into/specs/`.
pub fn checkout_specs(root: &Path, revision: &str, into: &Path) -> Result<(), String> {
    git(
        root,
        &["rev-parse", "--verify", "--quiet", &format!("{revision}^{{commit}}")],
    )
    .map_err(|_| format!("`{revision}` is not a commit of this repository"))?;
    let listing = git(root, &["ls-tree", "-r", "--name-only", revision, "--", "specs"])?;
    std::fs::create_dir_all(into.join("specs")).map_err(|e| e.to_string())?;
    for path in String::from_utf8_lossy(&listing).lines() {
        let bytes = git(root, &["show", &format!("{revision}:{path}")])?;
        let target = into.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, bytes).map_err(|e| e.to_string())?;
    }
    Ok(())
}
