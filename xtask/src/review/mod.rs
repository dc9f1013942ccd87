//! Tools for reviewing a spec change: `cargo xtask lint` (house rules) and
//! `cargo xtask diff --base <rev>` (what changed for client users, and the version bump it needs).

pub mod diff;
pub mod git;
pub mod lint;
pub mod report;

#[cfg(test)]
mod tests {
    mod diff_rules;
    mod lint_rules;
}
