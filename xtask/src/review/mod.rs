//! Tools for reviewing a spec change: `cargo xtask lint` (house rules) and
//! `cargo xtask diff --base <rev>` (what changed for client users, and the version bump it needs).

pub mod diff;
pub mod facts;
pub mod git;
pub mod lint;
pub mod report;

use serde_json::Value;

/// Follows local `$ref`s (at most 32 deep).
pub(crate) fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => match doc.pointer(r.trim_start_matches('#')) {
                Some(target) => value = target,
                None => return value,
            },
            None => return value,
        }
    }
    value
}
