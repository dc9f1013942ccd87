//! A field of a PATCH body with three states.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field of a PATCH body: left out (unchanged on the server), sent as `null` (cleared), or sent
/// with a value.
///
/// The field is declared with `#[serde(default, skip_serializing_if = "Patch::is_absent")]`, so
/// `Absent` leaves it out of the JSON entirely; `Null` writes `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: the server keeps the stored value.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the stored value.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Patch<T> {
    /// The field is left out of the body.
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The value, if one is set.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Patch::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Value(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Value(value) => value.serialize(serializer),
            // `Absent` is skipped by the field attribute; if serialized anyway, it is a `null`.
            Patch::Absent | Patch::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// A missing field gives `Absent` (through `#[serde(default)]`), `null` gives `Null`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Patch::Null, Patch::Value))
    }
}

/// A three-state field is described as its value type, nullable; the field's `#[serde(default)]`
/// makes it optional.
#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Patch<T> {
    fn is_referenceable() -> bool {
        false
    }

    fn schema_name() -> String {
        format!("Nullable_{}", T::schema_name())
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        <Option<T> as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Body {
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        budget: Patch<f64>,
    }

    #[test]
    fn three_states_round_trip() {
        for (body, json) in [
            (Body { budget: Patch::Absent }, "{}"),
            (Body { budget: Patch::Null }, r#"{"budget":null}"#),
            (
                Body {
                    budget: Patch::Value(5.5),
                },
                r#"{"budget":5.5}"#,
            ),
        ] {
            assert_eq!(serde_json::to_string(&body).unwrap(), json);
            assert_eq!(serde_json::from_str::<Body>(json).unwrap(), body);
        }
    }
}
