//! Request bodies from a JSON file or stdin, with the values of per-field flags laid over them.

use crate::Failure;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Read;

/// A body property with a flag of its own: the property's JSON name, the flag, and the value
/// given on the command line.
#[derive(Debug, Clone)]
pub struct BodyField {
    json_name: &'static str,
    flag: &'static str,
    value: Option<serde_json::Value>,
}

impl BodyField {
    /// Property `json_name` set by `--flag` to `value` (`None`: not given); `clear` (a
    /// `--clear-…` flag) sets it to `null`.
    pub fn new<T: Serialize>(json_name: &'static str, flag: &'static str, value: Option<&T>, clear: bool) -> Self {
        let value = match value {
            Some(value) => serde_json::to_value(value).ok(),
            None if clear => Some(serde_json::Value::Null),
            None => None,
        };
        BodyField { json_name, flag, value }
    }
}

/// The request body: the JSON document of `source` (a file path, or `-` for stdin; an empty
/// object without one), with each field flag given laid over it, decoded into `T`.
pub fn request_body<T: DeserializeOwned>(source: Option<&str>, fields: Vec<BodyField>) -> Result<T, Failure> {
    let mut document = match source {
        Some(source) => read_document(source)?,
        None => serde_json::Value::Object(Default::default()),
    };
    let given: Vec<&BodyField> = fields.iter().filter(|f| f.value.is_some()).collect();
    if !given.is_empty() {
        let serde_json::Value::Object(object) = &mut document else {
            return Err(Failure::Usage(format!(
                "--{} sets a field of the body, but the --body document is not a JSON object",
                given[0].flag
            )));
        };
        for field in given {
            object.insert(field.json_name.to_string(), field.value.clone().unwrap_or_default());
        }
    }
    serde_path_to_error::deserialize(&document).map_err(|error| {
        let path = error.path().to_string();
        let top = path.split(['.', '[']).next().unwrap_or_default();
        let inner = error.into_inner();
        let place = match fields.iter().find(|f| f.json_name == top && f.value.is_some()) {
            Some(field) => format!("--{}", field.flag),
            None if path == "." => "the request body".to_string(),
            None => format!("the request body's `{path}`"),
        };
        let hint = if fields.is_empty() {
            " (give the body with --body <file> or --body -)"
        } else {
            " (give the body with --body <file>, --body -, or the body's flags)"
        };
        Failure::Usage(format!("{place}: {inner}{hint}"))
    })
}

/// The JSON document of a file, or of stdin for `-`.
fn read_document(source: &str) -> Result<serde_json::Value, Failure> {
    let (text, name) = if source == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Usage(format!("--body -: cannot read stdin: {e}")))?;
        (text, "stdin".to_string())
    } else {
        let text = std::fs::read_to_string(source).map_err(|e| Failure::Usage(format!("--body {source}: {e}")))?;
        (text, source.to_string())
    };
    serde_json::from_str(&text).map_err(|e| Failure::Usage(format!("--body: {name} is not JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Budget {
        amount: Option<f64>,
        name: String,
    }

    #[test]
    fn flags_lay_over_the_document() {
        let dir = std::env::temp_dir().join(format!("finops-cli-body-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("body.json");
        std::fs::write(&file, r#"{"amount": 5, "name": "a"}"#).unwrap();
        let body: Budget = request_body(
            file.to_str(),
            vec![BodyField::new("amount", "amount", Some(&7.5), false)],
        )
        .unwrap();
        assert_eq!(
            body,
            Budget {
                amount: Some(7.5),
                name: "a".into()
            }
        );
        let cleared: Budget = request_body(
            file.to_str(),
            vec![BodyField::new::<f64>("amount", "amount", None, true)],
        )
        .unwrap();
        assert_eq!(cleared.amount, None);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_field_and_a_bad_file_are_usage_errors() {
        let missing = request_body::<Budget>(None, vec![BodyField::new("amount", "amount", Some(&1.0), false)]);
        assert_eq!(
            missing,
            Err(Failure::Usage(
                "the request body: missing field `name` (give the body with --body <file>, --body -, or the body's flags)"
                    .into()
            ))
        );
        let absent = request_body::<Budget>(Some("/nonexistent/body.json"), Vec::new()).unwrap_err();
        assert!(
            matches!(&absent, Failure::Usage(m) if m.starts_with("--body /nonexistent/body.json: ")),
            "{absent:?}"
        );
    }
}
