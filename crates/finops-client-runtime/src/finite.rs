//! Finds floating-point values that JSON cannot carry, before anything is sent.
//!
//! serde_json writes NaN and ±infinity as `null`, and serde_urlencoded writes them as `NaN` and
//! `inf`. Neither is the caller's value, and a `null` can mean something else entirely (for a
//! Partner Center budget, "remove the budget"). [`check`] walks a value through serde without
//! producing any output and reports the first non-finite float with the path to it.

use serde::ser::{self, Serialize};
use std::fmt;

/// A non-finite float (or a value that could not be serialized at all), with where it was.
#[derive(Debug)]
pub(crate) enum Unsendable {
    NonFinite { path: Vec<String>, value: f64 },
    Custom(String),
}

impl Unsendable {
    /// The same error, one level further out: `segment` is the field, key or index it was under.
    fn within(mut self, segment: impl FnOnce() -> String) -> Self {
        if let Unsendable::NonFinite { path, .. } = &mut self {
            path.insert(0, segment());
        }
        self
    }
}

impl fmt::Display for Unsendable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsendable::NonFinite { path, value } => {
                let mut at = String::new();
                for segment in path {
                    if !segment.starts_with('[') && !at.is_empty() {
                        at.push('.');
                    }
                    at.push_str(segment);
                }
                if at.is_empty() {
                    write!(f, "the value is {value}, ")?;
                } else {
                    write!(f, "`{at}` is {value}, ")?;
                }
                f.write_str("which JSON and query strings cannot carry")
            }
            Unsendable::Custom(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Unsendable {}

impl ser::Error for Unsendable {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Unsendable::Custom(message.to_string())
    }
}

/// Ok when every float inside `value` is finite.
pub(crate) fn check<T: Serialize + ?Sized>(value: &T) -> Result<(), Unsendable> {
    value.serialize(Checker)
}

fn finite(value: f64) -> Result<(), Unsendable> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Unsendable::NonFinite {
            path: Vec::new(),
            value,
        })
    }
}

/// A serializer that writes nothing and fails on the first non-finite float.
struct Checker;

/// The state of a sequence, tuple, map or struct being walked.
#[derive(Default)]
struct Compound {
    index: usize,
    key: Option<String>,
}

impl Compound {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsendable> {
        let index = self.index;
        self.index += 1;
        value.serialize(Checker).map_err(|e| e.within(|| format!("[{index}]")))
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Unsendable> {
        value.serialize(Checker).map_err(|e| e.within(|| name.to_string()))
    }
}

macro_rules! accept {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<(), Unsendable> { Ok(()) })*
    };
}

impl ser::Serializer for Checker {
    type Ok = ();
    type Error = Unsendable;
    type SerializeSeq = Compound;
    type SerializeTuple = Compound;
    type SerializeTupleStruct = Compound;
    type SerializeTupleVariant = Compound;
    type SerializeMap = Compound;
    type SerializeStruct = Compound;
    type SerializeStructVariant = Compound;

    accept!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_f32(self, value: f32) -> Result<(), Unsendable> {
        finite(f64::from(value))
    }

    fn serialize_f64(self, value: f64) -> Result<(), Unsendable> {
        finite(value)
    }

    fn serialize_none(self) -> Result<(), Unsendable> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsendable> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unsendable> {
        Ok(())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Unsendable> {
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Unsendable> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unsendable> {
        value.serialize(self).map_err(|e| e.within(|| variant.to_string()))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound, Unsendable> {
        Ok(Compound::default())
    }

    fn serialize_tuple(self, _: usize) -> Result<Compound, Unsendable> {
        Ok(Compound::default())
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound, Unsendable> {
        Ok(Compound::default())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound, Unsendable> {
        Ok(Compound::default())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound, Unsendable> {
        Ok(Compound::default())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound, Unsendable> {
        Ok(Compound::default())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound, Unsendable> {
        Ok(Compound::default())
    }
}

/// The compound impls that check elements by index (`serialize_element` or unnamed
/// `serialize_field`).
macro_rules! by_index {
    ($($trait:ident::$method:ident),* $(,)?) => {
        $(impl ser::$trait for Compound {
            type Ok = ();
            type Error = Unsendable;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsendable> {
                self.element(value)
            }
            fn end(self) -> Result<(), Unsendable> {
                Ok(())
            }
        })*
    };
}

/// The compound impls that check fields by name.
macro_rules! by_name {
    ($($trait:ident),* $(,)?) => {
        $(impl ser::$trait for Compound {
            type Ok = ();
            type Error = Unsendable;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Unsendable> {
                self.field(name, value)
            }
            fn end(self) -> Result<(), Unsendable> {
                Ok(())
            }
        })*
    };
}

by_index!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);
by_name!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Compound {
    type Ok = ();
    type Error = Unsendable;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsendable> {
        key.serialize(Checker)?;
        // Only needed to name the entry in an error; map keys in request bodies are strings.
        self.key = match serde_json::to_value(key) {
            Ok(serde_json::Value::String(text)) => Some(text),
            Ok(other) => Some(other.to_string()),
            Err(_) => None,
        };
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsendable> {
        let key = self.key.take();
        value
            .serialize(Checker)
            .map_err(|e| e.within(|| key.unwrap_or_else(|| "<key>".to_string())))
    }
    fn end(self) -> Result<(), Unsendable> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(serde::Serialize)]
    struct Budget {
        amount: Option<f64>,
        thresholds: Vec<f32>,
        tags: BTreeMap<String, f64>,
    }

    #[test]
    fn finite_values_pass() {
        let budget = Budget {
            amount: Some(1.5),
            thresholds: vec![0.5, 1.0],
            tags: BTreeMap::from([("a".to_string(), 2.0)]),
        };
        check(&budget).unwrap();
        check(&json!({"a": [1, 2.5, null, "x"]})).unwrap();
    }

    #[test]
    fn non_finite_values_are_named_by_their_path() {
        let budget = |amount, threshold, tag| Budget {
            amount: Some(amount),
            thresholds: vec![0.5, threshold],
            tags: BTreeMap::from([("team a".to_string(), tag)]),
        };
        let message = |b: Budget| check(&b).unwrap_err().to_string();
        assert_eq!(
            message(budget(f64::NAN, 1.0, 1.0)),
            "`amount` is NaN, which JSON and query strings cannot carry"
        );
        assert_eq!(
            message(budget(1.0, f32::INFINITY, 1.0)),
            "`thresholds[1]` is inf, which JSON and query strings cannot carry"
        );
        assert_eq!(
            message(budget(1.0, 1.0, f64::NEG_INFINITY)),
            "`tags.team a` is -inf, which JSON and query strings cannot carry"
        );
        assert_eq!(
            check(&f64::NAN).unwrap_err().to_string(),
            "the value is NaN, which JSON and query strings cannot carry"
        );
    }
}
