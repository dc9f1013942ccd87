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
    /// The value to send (`None`: not given), or why the flag's value cannot be sent.
    value: Result<Option<serde_json::Value>, String>,
}

impl BodyField {
    /// Property `json_name` set by `--flag` to `value` (`None`: not given); `clear` (a
    /// `--clear-…` flag) sets it to `null`.
    ///
    /// The value goes through the client's own check ([`finops_client_runtime::json_value`]):
    /// a number JSON cannot carry (`--amount NaN`, `inf`, `1e400`) is refused, never sent as
    /// `null`, which for a budget means "remove it".
    pub fn new<T: Serialize>(json_name: &'static str, flag: &'static str, value: Option<&T>, clear: bool) -> Self {
        let value = match value {
            Some(value) => finops_client_runtime::json_value(value).map(Some),
            None if clear => Ok(Some(serde_json::Value::Null)),
            None => Ok(None),
        };
        BodyField { json_name, flag, value }
    }

    fn given(&self) -> bool {
        !matches!(self.value, Ok(None))
    }
}

/// Whether a body with nothing in it may be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Empty {
    /// An empty object is a request of its own (a list with no filters).
    Allowed,
    /// An update with no field in it changes nothing, and is most likely a forgotten flag:
    /// refused before anything is sent.
    Refused,
}

/// The request body: the JSON document of `source` (a file path, or `-` for stdin; an empty
/// object without one), with each field flag given laid over it, decoded into `T`.
///
/// With [`Empty::Refused`] (generated for PATCH operations), a body that ends up an empty object
/// is refused: a run with no flag would otherwise send `{}` and report success.
pub fn request_body<T: DeserializeOwned>(
    source: Option<&str>,
    fields: Vec<BodyField>,
    empty: Empty,
) -> Result<T, Failure> {
    if let Some(field) = fields.iter().find(|f| f.value.is_err()) {
        let why = field.value.as_ref().err().cloned().unwrap_or_default();
        return Err(Failure::Usage(format!("--{}: {why}", field.flag)));
    }
    let mut document = match source {
        Some(source) => read_document(source)?,
        None => serde_json::Value::Object(Default::default()),
    };
    let given: Vec<&BodyField> = fields.iter().filter(|f| f.given()).collect();
    if !given.is_empty() {
        let serde_json::Value::Object(object) = &mut document else {
            return Err(Failure::Usage(format!(
                "--{} sets a field of the body, but the --body document is not a JSON object",
                given[0].flag
            )));
        };
        for field in given {
            if let Ok(Some(value)) = &field.value {
                object.insert(field.json_name.to_string(), value.clone());
            }
        }
    }
    if empty == Empty::Refused && document.as_object().is_some_and(|object| object.is_empty()) {
        let flags: Vec<String> = fields.iter().map(|f| format!("--{}", f.flag)).collect();
        let how = if flags.is_empty() {
            "give the body with --body <file> or --body -".to_string()
        } else {
            format!("give --body <file>, --body -, or {}", flags.join(", "))
        };
        return Err(Failure::Usage(format!(
            "nothing to update: the request body is empty ({how})"
        )));
    }
    serde_path_to_error::deserialize(&document).map_err(|error| {
        let path = error.path().to_string();
        let top = path.split(['.', '[']).next().unwrap_or_default();
        let inner = error.into_inner();
        let place = match fields.iter().find(|f| f.json_name == top && f.given()) {
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
            Empty::Refused,
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
            Empty::Refused,
        )
        .unwrap();
        assert_eq!(cleared.amount, None);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_field_and_a_bad_file_are_usage_errors() {
        let missing = request_body::<Budget>(
            None,
            vec![BodyField::new("amount", "amount", Some(&1.0), false)],
            Empty::Allowed,
        );
        assert_eq!(
            missing,
            Err(Failure::Usage(
                "the request body: missing field `name` (give the body with --body <file>, --body -, or the body's flags)"
                    .into()
            ))
        );
        let absent = request_body::<Budget>(Some("/nonexistent/body.json"), Vec::new(), Empty::Allowed).unwrap_err();
        assert!(
            matches!(&absent, Failure::Usage(m) if m.starts_with("--body /nonexistent/body.json: ")),
            "{absent:?}"
        );
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Update {
        amount: Option<f64>,
    }

    #[test]
    fn values_json_cannot_carry_are_refused_naming_the_flag() {
        for (value, shown) in [(f64::NAN, "NaN"), (f64::INFINITY, "inf"), (f64::NEG_INFINITY, "-inf")] {
            let refused = request_body::<Update>(
                None,
                vec![BodyField::new("amount", "amount", Some(&value), false)],
                Empty::Refused,
            );
            assert_eq!(
                refused,
                Err(Failure::Usage(format!(
                    "--amount: the value is {shown}, which JSON and query strings cannot carry"
                )))
            );
        }
    }

    #[test]
    fn an_update_with_nothing_in_it_is_refused() {
        let refused = request_body::<Update>(
            None,
            vec![BodyField::new::<f64>("amount", "amount", None, false)],
            Empty::Refused,
        );
        assert_eq!(
            refused,
            Err(Failure::Usage(
                "nothing to update: the request body is empty (give --body <file>, --body -, or --amount)".into()
            ))
        );
        let allowed = request_body::<Update>(None, Vec::new(), Empty::Allowed);
        assert_eq!(allowed, Ok(Update { amount: None }));
    }

    proptest::proptest! {
        /// Whatever number a flag is given, the body holds exactly that number, or the run is
        /// refused before anything is sent; never `null`.
        #[test]
        fn a_flag_value_is_in_the_body_exactly_or_refused(bits in proptest::prelude::any::<u64>()) {
            let value = f64::from_bits(bits);
            let body = request_body::<serde_json::Value>(
                None,
                vec![BodyField::new("amount", "amount", Some(&value), false)],
                Empty::Refused,
            );
            match body {
                Ok(body) => {
                    proptest::prop_assert!(value.is_finite());
                    proptest::prop_assert_eq!(body["amount"].as_f64().map(f64::to_bits), Some(value.to_bits()));
                }
                Err(Failure::Usage(message)) => {
                    proptest::prop_assert!(!value.is_finite());
                    proptest::prop_assert!(message.starts_with("--amount: "), "{}", message);
                }
                Err(other) => proptest::prop_assert!(false, "{:?}", other),
            }
        }
    }
}
