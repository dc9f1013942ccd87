//! Setters of positive integer parameters (page numbers and sizes, `NonZeroU32` in the
//! generated code) take any primitive integer; the value is checked when the call is sent, with
//! a message that names the parameter.

use std::num::{NonZeroU32, NonZeroU64};

/// A value a positive integer parameter accepts: any primitive integer, or the `NonZero` type
/// itself. Zero, negative values and values too large for the parameter's type are refused
/// before anything is sent ([`crate::Error::InvalidRequest`]).
pub trait PositiveInteger<T>: Sized {
    /// `self` as `T`, or the reason it is not one.
    fn positive_integer(self) -> Result<T, String>;
}

macro_rules! positive_integer_from {
    ($target:ty, $inner:ty: $($source:ty),*) => {$(
        impl PositiveInteger<$target> for $source {
            fn positive_integer(self) -> Result<$target, String> {
                let value = <$inner>::try_from(self)
                    .map_err(|_| format!("{self} is out of range (at most {})", <$inner>::MAX))?;
                <$target>::new(value).ok_or_else(|| "0 is not allowed (the least value is 1)".to_string())
            }
        }
    )*};
}

positive_integer_from!(NonZeroU32, u32: u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);
positive_integer_from!(NonZeroU64, u64: u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);

impl PositiveInteger<NonZeroU32> for NonZeroU32 {
    fn positive_integer(self) -> Result<NonZeroU32, String> {
        Ok(self)
    }
}

impl PositiveInteger<NonZeroU64> for NonZeroU64 {
    fn positive_integer(self) -> Result<NonZeroU64, String> {
        Ok(self)
    }
}

/// Used by generated setters: `value` as the positive integer parameter `name`.
#[doc(hidden)]
pub fn positive_integer<T, V: PositiveInteger<T>>(name: &str, value: V) -> Result<T, String> {
    value
        .positive_integer()
        .map_err(|reason| format!("{name} must be a positive integer: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_of_every_width_are_checked() {
        assert_eq!(
            positive_integer::<NonZeroU32, _>("page_size", 50),
            Ok(NonZeroU32::new(50).unwrap())
        );
        assert_eq!(
            positive_integer::<NonZeroU32, _>("page_size", 50usize),
            Ok(NonZeroU32::new(50).unwrap())
        );
        assert_eq!(
            positive_integer::<NonZeroU32, _>("page_size", 0),
            Err("page_size must be a positive integer: 0 is not allowed (the least value is 1)".into())
        );
        assert_eq!(
            positive_integer::<NonZeroU32, _>("page", -3i64),
            Err("page must be a positive integer: -3 is out of range (at most 4294967295)".into())
        );
        assert_eq!(
            positive_integer::<NonZeroU32, _>("page", 1u64 << 40),
            Err("page must be a positive integer: 1099511627776 is out of range (at most 4294967295)".into())
        );
        let one = NonZeroU64::new(1).unwrap();
        assert_eq!(positive_integer::<NonZeroU64, _>("page", one), Ok(one));
    }
}
