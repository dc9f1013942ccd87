//! The conversions every mapping shares: amounts, currencies, times and periods, each refusing a
//! value it cannot place.

use crate::Problem;
use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// The decimal places an amount keeps: every amount is exact to this many places (more only
/// arises from multiplying two source numbers), and the Parquet columns are `DECIMAL(38, 18)`.
pub const MONEY_SCALE: u32 = 18;

/// The largest amount a row holds: what `DECIMAL(38, 18)` can (20 digits before the point).
fn money_limit() -> Decimal {
    Decimal::from_i128_with_scale(10_i128.pow(20), 0)
}

/// A source's number as the decimal it was written as: the shortest decimal that reads back as
/// the same `f64`, which is the JSON text the server sent for any number of up to 15 significant
/// digits (decoded to the nearest `f64`: this crate turns on serde_json's `float_roundtrip`).
/// NaN, infinities and amounts beyond [`money_limit`] are refused.
pub(crate) fn decimal(field: &'static str, value: f64) -> Result<Decimal, Problem> {
    let refused = || Problem::Amount {
        field,
        value: value.to_string(),
    };
    if !value.is_finite() {
        return Err(refused());
    }
    let decimal = Decimal::from_str(&value.to_string()).map_err(|_| refused())?;
    fit(decimal).ok_or_else(refused)
}

/// A required amount: absent is refused, never read as zero.
pub(crate) fn required_decimal(field: &'static str, value: Option<f64>) -> Result<Decimal, Problem> {
    decimal(field, value.ok_or(Problem::Missing { field })?)
}

/// An amount kept to [`MONEY_SCALE`] places (half away from zero beyond them), within the limit.
pub(crate) fn fit(value: Decimal) -> Option<Decimal> {
    let value = value.round_dp_with_strategy(MONEY_SCALE, RoundingStrategy::MidpointAwayFromZero);
    (value.abs() < money_limit()).then(|| value.normalize())
}

/// `a × b`, kept as [`fit`] keeps amounts; refused when it overflows.
pub(crate) fn product(field: &'static str, a: Decimal, b: Decimal) -> Result<Decimal, Problem> {
    a.checked_mul(b).and_then(fit).ok_or_else(|| Problem::Amount {
        field,
        value: format!("{a} × {b}"),
    })
}

/// An amount that must not be negative (a unit price, an exchange rate), or refused; zero too
/// when `zero` is false.
pub(crate) fn positive(field: &'static str, value: Decimal, zero: bool) -> Result<Decimal, Problem> {
    if value.is_sign_negative() && !value.is_zero() || value.is_zero() && !zero {
        return Err(Problem::Amount {
            field,
            value: value.to_string(),
        });
    }
    Ok(value)
}

/// An ISO 4217 currency code, as the standard writes it (three capital letters). Lower case is
/// accepted and written in capitals; anything else is refused.
pub(crate) fn currency(field: &'static str, code: Option<&str>) -> Result<String, Problem> {
    let code = non_empty(code).ok_or(Problem::Missing { field })?;
    let upper = code.to_ascii_uppercase();
    match iso_currency::Currency::from_code(&upper) {
        Some(_) => Ok(upper),
        None => Err(Problem::Currency {
            field,
            value: code.to_string(),
        }),
    }
}

/// Text that is there: `None` for absent, empty or only white space.
pub(crate) fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

/// Required text, refused when absent or empty.
pub(crate) fn required(field: &'static str, value: Option<&str>) -> Result<String, Problem> {
    non_empty(value).map(str::to_string).ok_or(Problem::Missing { field })
}

/// Optional text, `None` when empty.
pub(crate) fn optional(value: Option<&str>) -> Option<String> {
    non_empty(value).map(str::to_string)
}

/// How a source writes a moment in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    /// A date and time at the offset it was written with (UTC when it had none).
    Instant(DateTime<FixedOffset>),
    /// A calendar date alone, which stands for the whole UTC day.
    Date(NaiveDate),
}

impl When {
    /// The moment the value starts.
    pub(crate) fn start(self) -> DateTime<Utc> {
        match self {
            When::Instant(instant) => instant.with_timezone(&Utc),
            When::Date(date) => midnight(date),
        }
    }

    /// The exclusive end of a period whose end the value names. Microsoft writes a period's end
    /// as its last day (a date, or a time on that day such as `23:59:59` or `00:00:00`) or as
    /// the first moment of the next month (`2024-02-01T00:00:00Z`): a time of exactly midnight
    /// on the first of a month is that exclusive end; any other value ends at the midnight after
    /// its day, at the offset it was written with.
    pub(crate) fn inclusive_end(self) -> DateTime<Utc> {
        match self {
            When::Date(date) => midnight(date.succ_opt().unwrap_or(NaiveDate::MAX)),
            When::Instant(instant) => {
                let local = instant.naive_local();
                if local.time() == NaiveTime::MIN && local.day() == 1 {
                    return instant.with_timezone(&Utc);
                }
                let next_midnight = local.date().succ_opt().and_then(|day| {
                    day.and_time(NaiveTime::MIN)
                        .and_local_timezone(*instant.offset())
                        .single()
                });
                next_midnight.unwrap_or(instant).with_timezone(&Utc)
            }
        }
    }
}

/// Midnight UTC at the start of `date`.
pub(crate) fn midnight(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))
}

/// A time as the sources write one: RFC 3339 (`2024-01-15T00:00:00Z`, any offset, converted to
/// UTC), an ISO 8601 date and time without an offset (read as UTC), an ISO date (`2024-01-15`),
/// or a US date (`1/15/2024`, the reconciliation files' form). Anything else is refused.
pub(crate) fn when(field: &'static str, value: &str) -> Result<When, Problem> {
    let text = value.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(When::Instant(instant));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(When::Instant(Utc.from_utc_datetime(&naive).fixed_offset()));
        }
    }
    for format in ["%Y-%m-%d", "%m/%d/%Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Ok(When::Date(date));
        }
    }
    Err(Problem::Date {
        field,
        value: value.to_string(),
    })
}

/// A required time, refused when absent or empty.
pub(crate) fn required_when(field: &'static str, value: Option<&str>) -> Result<When, Problem> {
    when(field, non_empty(value).ok_or(Problem::Missing { field })?)
}

/// The UTC calendar month holding `instant`: its first midnight and the next month's; refused
/// when the next month is past the last date a time can hold.
pub(crate) fn month_of(field: &'static str, instant: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), Problem> {
    let first = instant.date_naive().with_day(1).expect("every month has a first day");
    let next = first.checked_add_months(Months::new(1)).ok_or_else(|| Problem::Date {
        field,
        value: instant.to_rfc3339(),
    })?;
    Ok((midnight(first), midnight(next)))
}

/// A month written `YYYY-MM`, as its first midnight and the next month's (UTC).
pub(crate) fn month(field: &'static str, value: Option<&str>) -> Result<(DateTime<Utc>, DateTime<Utc>), Problem> {
    let text = non_empty(value).ok_or(Problem::Missing { field })?;
    let first = NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 7)
        .ok_or_else(|| Problem::Date {
            field,
            value: text.to_string(),
        })?;
    let next = first.checked_add_months(Months::new(1)).ok_or_else(|| Problem::Date {
        field,
        value: text.to_string(),
    })?;
    Ok((midnight(first), midnight(next)))
}

/// A period that ends after it starts, within the years FOCUS's date format writes (four
/// digits: 0001 to 9999), or refused.
pub(crate) fn period(
    field: &'static str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<(DateTime<Utc>, DateTime<Utc>), Problem> {
    let writable = |moment: DateTime<Utc>| (1..=9999).contains(&moment.year());
    if !writable(start) || !writable(end) {
        return Err(Problem::Date {
            field,
            value: format!("{start} to {end}"),
        });
    }
    if end > start {
        Ok((start, end))
    } else {
        Err(Problem::Period { field, start, end })
    }
}

/// The UTC day that starts at `start`, as a period.
pub(crate) fn day_from(start: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        start,
        start.checked_add_days(Days::new(1)).unwrap_or(DateTime::<Utc>::MAX_UTC),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_month_a_time_can_hold_has_no_end_and_is_refused() {
        let last = DateTime::<Utc>::MAX_UTC;
        assert!(matches!(
            month_of("created_at", last),
            Err(Problem::Date {
                field: "created_at",
                ..
            })
        ));
        assert_eq!(day_from(last).1, DateTime::<Utc>::MAX_UTC);
        assert_eq!(When::Date(NaiveDate::MAX).inclusive_end(), midnight(NaiveDate::MAX));
    }

    #[test]
    fn amounts_are_the_decimal_the_source_wrote() {
        assert_eq!(decimal("a", 0.1).unwrap().to_string(), "0.1");
        assert_eq!(decimal("a", 211523.09).unwrap().to_string(), "211523.09");
        assert_eq!(decimal("a", -0.0).unwrap().to_string(), "0");
        for refused in [f64::NAN, f64::INFINITY, 1e20, 1e300] {
            assert!(
                matches!(decimal("a", refused), Err(Problem::Amount { field: "a", .. })),
                "{refused}"
            );
        }
        assert_eq!(
            fit(Decimal::from_str("0.0000000000000000005").unwrap())
                .unwrap()
                .to_string(),
            "0.000000000000000001"
        );
    }
}
