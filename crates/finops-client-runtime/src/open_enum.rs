//! The value an open enum keeps when the server sends one the spec does not list.

use std::fmt;

/// A string enum value the spec does not list, kept exactly as received so it serializes back
/// unchanged.
///
/// Generated enums hold it in their `Unknown` variant. It has no public constructor: a known
/// value can never hide in `Unknown`, so `match` arms on the named variants stay reliable.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For generated code only: wraps a value that matched no listed variant.
    #[doc(hidden)]
    pub fn __new(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
