//! Which crates the generated code names, so each crate depends on exactly those.

/// A crate generated code may use, and how a generated crate depends on it.
pub struct KnownCrate {
    /// The name as written in Rust paths.
    pub ident: &'static str,
    /// The `[dependencies]` line (versions and features live in the workspace manifest).
    pub manifest_line: &'static str,
}

/// Every crate the generated code can refer to. `reqwest` and `progenitor-client` are always used.
pub const KNOWN_CRATES: &[KnownCrate] = &[
    KnownCrate {
        ident: "bytes",
        manifest_line: "bytes = { workspace = true }",
    },
    KnownCrate {
        ident: "chrono",
        manifest_line: "chrono = { workspace = true }",
    },
    KnownCrate {
        ident: "finops_client_runtime",
        manifest_line: "finops-client-runtime = { workspace = true }",
    },
    KnownCrate {
        ident: "futures",
        manifest_line: "futures = { workspace = true }",
    },
    KnownCrate {
        ident: "progenitor_client",
        manifest_line: "progenitor-client = { workspace = true }",
    },
    KnownCrate {
        ident: "regress",
        manifest_line: "regress = { workspace = true }",
    },
    KnownCrate {
        ident: "reqwest",
        manifest_line: "reqwest = { workspace = true }",
    },
    KnownCrate {
        ident: "serde",
        manifest_line: "serde = { workspace = true }",
    },
    KnownCrate {
        ident: "serde_json",
        manifest_line: "serde_json = { workspace = true }",
    },
    KnownCrate {
        ident: "uuid",
        manifest_line: "uuid = { workspace = true }",
    },
];

/// The known crates that `code` (Rust source as written) names as the first segment of a path,
/// in the order of [`KNOWN_CRATES`]. Comments are skipped; string literals are not, so serde
/// attributes such as `with = "chrono::serde::ts_seconds"` count.
///
/// One pass over the text: each `::` is looked at once, and only the identifier before it is
/// compared. Walking progenitor's syntax tree for the same answer takes several times longer.
pub fn used_crates(code: &str) -> Vec<&'static KnownCrate> {
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found = [false; KNOWN_CRATES.len()];
    for (colons, _) in code.match_indices("::") {
        let start = bytes[..colons].iter().rposition(|&b| !is_ident(b)).map_or(0, |i| i + 1);
        if start == colons {
            continue;
        }
        let ident = &code[start..colons];
        let Some(index) = KNOWN_CRATES.iter().position(|c| c.ident == ident) else {
            continue;
        };
        // Not a first segment when preceded by `segment::` (`crate::types::uuid::..`).
        let before = &bytes[..start];
        if before.ends_with(b"::") && before.len() > 2 && is_ident(before[before.len() - 3]) {
            continue;
        }
        let line_start = bytes[..start].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if code[line_start..start].trim_start().starts_with("//") {
            continue;
        }
        found[index] = true;
    }
    KNOWN_CRATES
        .iter()
        .zip(found)
        .filter_map(|(c, found)| found.then_some(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(code: &str) -> Vec<&'static str> {
        used_crates(code).iter().map(|c| c.ident).collect()
    }

    #[test]
    fn finds_crates_in_paths_uses_and_attributes() {
        let code = r#"
            use progenitor_client::Error;
            pub struct A { pub at: ::chrono::DateTime<::chrono::offset::Utc>, pub v: serde_json::Value }
            #[derive(::serde::Serialize)]
            pub struct B { #[serde(with = "bytes::x")] b: Vec<u8> }
        "#;
        assert_eq!(
            used(code),
            ["bytes", "chrono", "progenitor_client", "serde", "serde_json"]
        );
    }

    #[test]
    fn local_names_later_segments_and_comments_are_ignored() {
        assert_eq!(used("pub struct Uuid { pub bytes_len: u8 }"), Vec::<&str>::new());
        assert_eq!(used("type T = crate::types::uuid::Thing;"), Vec::<&str>::new());
        assert_eq!(
            used("/// Build a `reqwest::Client`.\n    // uuid::Uuid\nstruct A;"),
            Vec::<&str>::new()
        );
        assert_eq!(used("type T = Vec<uuid::Uuid>;"), ["uuid"]);
    }
}
