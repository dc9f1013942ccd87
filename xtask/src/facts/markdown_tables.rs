//! The extractor for reference pages that keep resources and requests in Markdown tables
//! (Microsoft's Partner Center REST docs: `develop/<slug>.md`, the page
//! `learn.microsoft.com/.../partner-center/developer/<slug>`).
//!
//! Read per record entry whose source is such a page: a schema from the table of properties
//! under the heading of its name (`## SpendingBudget`): each property (its name camelCased, as the
//! pages' JSON spells it), its type and format, by the record's conventions (`decimal` a number,
//! `date` a string of format `date`, `guid` a string of format `uuid`, a resource an object,
//! `array of strings` an array of strings); an operation's method and path from its request syntax
//! table, and its parameters from the URI parameters table (name, type, format, required; `in` is
//! the table's word, `query`).

use super::{Covered, Extracted, Reading};
use finops_spec::diagnostic::Diagnostic;
use finops_spec::facts::RecordedFacts;
use std::path::Path;

/// Where the pages are published; a page source's URL is this and the file's slug.
const PUBLISHED: &str = "https://learn.microsoft.com/en-us/partner-center/developer/";

/// Reads the pages the record cites, from a checkout of the docs repository (`source` is its id).
pub fn read(record: &RecordedFacts, source: &str, checkout: &Path, reading: &mut Reading) -> Result<(), Diagnostic> {
    for (prefix, cited) in &record.entries {
        let file = match cited.strip_prefix(source).and_then(|rest| rest.strip_prefix(':')) {
            Some(path) => path.to_string(),
            None => match record.sources.get(cited).and_then(|s| s.url.as_deref()) {
                Some(url) => match url.strip_prefix(PUBLISHED) {
                    Some(slug) => format!("develop/{slug}.md"),
                    None => continue,
                },
                None => continue,
            },
        };
        let path = checkout.join(&file);
        if !path.is_file() {
            reading.missing.push((prefix.clone(), format!("{source}:{file}")));
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Diagnostic::new(format!("{}: cannot read the page: {e}", path.display())))?;
        let page = Page {
            lines: text.lines().collect(),
            at: format!("{source}:{file}"),
        };
        if let Some(name) = prefix.strip_prefix("schemas.") {
            schema(prefix, name, cited, &page, reading);
        } else {
            operation(prefix, cited, &page, reading);
        }
    }
    Ok(())
}

struct Page<'a> {
    lines: Vec<&'a str>,
    at: String,
}

impl Page<'_> {
    fn at(&self, index: usize) -> String {
        format!("{}:{}", self.at, index + 1)
    }

    /// The index of the first heading line (`#`…) whose text satisfies `wanted`.
    fn heading(&self, wanted: impl Fn(&str) -> bool) -> Option<usize> {
        self.lines.iter().position(|line| {
            let text = line.trim_start_matches('#');
            line.starts_with('#') && text.starts_with(' ') && wanted(text.trim())
        })
    }

    /// The rows of the first table after line `from`, before the next heading: each row's
    /// index and cells (the header row and its separator left out).
    fn table(&self, from: usize) -> Vec<(usize, Vec<String>)> {
        let mut rows = Vec::new();
        let mut seen_header = false;
        for (index, line) in self.lines.iter().enumerate().skip(from + 1) {
            let trimmed = line.trim();
            if trimmed.starts_with('#') {
                break;
            }
            if !trimmed.starts_with('|') {
                if seen_header {
                    break;
                }
                continue;
            }
            let cells: Vec<String> = trimmed
                .trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_string())
                .collect();
            if !seen_header {
                seen_header = true;
                continue;
            }
            if cells.iter().all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))) {
                continue;
            }
            rows.push((index, cells));
        }
        rows
    }
}

fn push(reading: &mut Reading, key: String, value: impl Into<String>, at: String) {
    reading.facts.push(Extracted {
        key,
        value: value.into(),
        at,
    });
}

fn schema(prefix: &str, name: &str, cited: &str, page: &Page<'_>, reading: &mut Reading) {
    let Some(heading) = page.heading(|text| text == name) else {
        return;
    };
    let fields = format!("{prefix}.fields");
    reading.covered.push(Covered {
        prefix: fields.clone(),
        kinds: &["present", "type", "format"],
        source: cited.to_string(),
    });
    for (index, cells) in page.table(heading) {
        let [property, kind, ..] = cells.as_slice() else {
            continue;
        };
        let key = format!("{fields}.{}", camel_case(&plain(property)));
        let (label, format) = type_label(kind);
        push(reading, key.clone(), "present", page.at(index));
        push(reading, format!("{key}.type"), label, page.at(index));
        if let Some(format) = format {
            push(reading, format!("{key}.format"), format, page.at(index));
        }
    }
}

fn operation(prefix: &str, cited: &str, page: &Page<'_>, reading: &mut Reading) {
    reading.covered.push(Covered {
        prefix: prefix.to_string(),
        kinds: &["method", "path"],
        source: cited.to_string(),
    });
    if let Some(heading) = page.heading(|text| text.eq_ignore_ascii_case("request syntax"))
        && let Some((index, cells)) = page.table(heading).into_iter().next()
        && let [method, uri, ..] = cells.as_slice()
    {
        push(
            reading,
            format!("{prefix}.method"),
            plain(method).to_lowercase(),
            page.at(index),
        );
        push(reading, format!("{prefix}.path"), request_path(uri), page.at(index));
    }
    let parameters = format!("{prefix}.parameters");
    reading.covered.push(Covered {
        prefix: parameters.clone(),
        kinds: &["present", "type", "format", "required", "in"],
        source: cited.to_string(),
    });
    let Some(heading) = page.heading(|text| text.to_lowercase().starts_with("uri parameter")) else {
        return;
    };
    for (index, cells) in page.table(heading) {
        let [name, kind, required, ..] = cells.as_slice() else {
            continue;
        };
        let key = format!("{parameters}.{}", plain(name));
        let (label, format) = type_label(kind);
        push(reading, key.clone(), "present", page.at(index));
        push(reading, format!("{key}.type"), label, page.at(index));
        if let Some(format) = format {
            push(reading, format!("{key}.format"), format, page.at(index));
        }
        let required = matches!(plain(required).to_lowercase().as_str(), "y" | "yes" | "true");
        push(reading, format!("{key}.required"), required.to_string(), page.at(index));
        push(reading, format!("{key}.in"), "query", page.at(index));
    }
}

/// A cell's text without Markdown emphasis, code marks or links (`[Text](target)` → `Text`).
fn plain(cell: &str) -> String {
    let mut out = String::new();
    let mut rest = cell;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find("](")
            .and_then(|close| after[close..].find(')').map(|end| (close, close + end)))
        {
            Some((close, end)) => {
                out.push_str(&after[..close]);
                rest = &after[end + 1..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace(['*', '`'], "").replace("\\_", "_").trim().to_string()
}

/// `ResourceId` → `resourceId`, `USDTotalCost` → `usdTotalCost`: the pages' JSON spelling.
fn camel_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let run = chars.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let lower = match run {
        0 => 0,
        _ if run == chars.len() => run,
        1 => 1,
        // An acronym before a word: its last capital starts the word.
        _ => run - 1,
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < lower { c.to_ascii_lowercase() } else { *c })
        .collect()
}

/// A table's type, as the record labels it, with its format.
fn type_label(cell: &str) -> (String, Option<&'static str>) {
    let text = plain(cell);
    let lower = text.to_lowercase();
    let scalar = |word: &str| -> Option<(&'static str, Option<&'static str>)> {
        Some(match word {
            "string" | "strings" => ("string", None),
            "bool" | "boolean" | "booleans" => ("boolean", None),
            "int" | "integer" | "integers" | "long" | "int32" | "int64" => ("integer", None),
            "decimal" | "double" | "number" | "numbers" | "float" => ("number", None),
            "date" => ("string", Some("date")),
            "datetime" | "date-time" => ("string", Some("date-time")),
            "guid" | "uuid" => ("string", Some("uuid")),
            "object" => ("object", None),
            _ => return None,
        })
    };
    if let Some(item) = lower.strip_prefix("array of ").or_else(|| lower.strip_suffix(" array")) {
        let item = scalar(item.trim()).map_or("object", |(label, _)| label);
        return (format!("array<{item}>"), None);
    }
    match scalar(lower.as_str()) {
        Some((label, format)) => (label.to_string(), format),
        // A resource (`SpendingBudget`, a link to one).
        None => ("object".to_string(), None),
    }
}

/// The path of a request syntax row's URI: `[*{baseURL}*](…)/v1/customers?size={size} HTTP/1.1`
/// → `/v1/customers`.
fn request_path(uri: &str) -> String {
    let text = plain(uri);
    let text = text.split_whitespace().next().unwrap_or_default();
    let path = text.strip_prefix("{baseURL}").unwrap_or(text);
    path.split('?').next().unwrap_or(path).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_types_and_paths_read_as_the_record_writes_them() {
        assert_eq!(camel_case("USDTotalCost"), "usdTotalCost");
        assert_eq!(camel_case("ResourceId"), "resourceId");
        assert_eq!(camel_case("id"), "id");
        assert_eq!(camel_case("ID"), "id");
        assert_eq!(type_label("decimal"), ("number".into(), None));
        assert_eq!(type_label("**guid**"), ("string".into(), Some("uuid")));
        assert_eq!(
            type_label("[ResourceLinks](utility-resources.md#resourcelinks)"),
            ("object".into(), None)
        );
        assert_eq!(type_label("array of strings"), ("array<string>".into(), None));
        assert_eq!(type_label("array of [Link](x.md)"), ("array<object>".into(), None));
        assert_eq!(
            request_path("[*{baseURL}*](partner-center-rest-urls.md)/v1/customers?size={size}  HTTP/1.1"),
            "/v1/customers"
        );
        assert_eq!(plain("**microsoft\\_support**"), "microsoft_support");
    }
}
