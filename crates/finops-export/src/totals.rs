//! Sums of amounts per currency, exact in decimal.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Amounts summed per currency code, in decimal: a sum of JSON numbers as written, without the
/// drift of a floating-point sum. Lines without an amount count in no total; an amount without a
/// currency is summed under `""`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Totals(BTreeMap<String, Decimal>);

impl Totals {
    /// Adds one line's `amount` (a JSON number, or absent or `null`) under its `currency`.
    pub fn add(
        &mut self,
        currency: Option<&serde_json::Value>,
        amount: Option<&serde_json::Value>,
    ) -> Result<(), String> {
        let amount = match amount {
            None | Some(serde_json::Value::Null) => return Ok(()),
            Some(serde_json::Value::Number(number)) => decimal(&number.to_string())?,
            Some(other) => return Err(format!("the amount {other} is not a number")),
        };
        let currency = match currency {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(code)) => code.clone(),
            Some(other) => return Err(format!("the currency {other} is not text")),
        };
        let total = self.0.entry(currency).or_default();
        *total = total
            .checked_add(amount)
            .ok_or_else(|| "the total is too large to hold".to_string())?
            .normalize();
        Ok(())
    }

    /// Adds every total of `other`.
    pub fn merge(&mut self, other: &Totals) -> Result<(), String> {
        for (currency, amount) in &other.0 {
            let total = self.0.entry(currency.clone()).or_default();
            *total = total
                .checked_add(*amount)
                .ok_or_else(|| "the total is too large to hold".to_string())?
                .normalize();
        }
        Ok(())
    }

    /// The totals, by currency code.
    pub fn by_currency(&self) -> impl Iterator<Item = (&str, Decimal)> {
        self.0.iter().map(|(currency, amount)| (currency.as_str(), *amount))
    }
}

/// A JSON number's text as a decimal (`12.5`, `-3`, `1e-7`).
fn decimal(text: &str) -> Result<Decimal, String> {
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map(|d| d.normalize())
        .map_err(|_| format!("the amount {text} cannot be summed exactly"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sums_are_exact_per_currency() {
        let mut totals = Totals::default();
        for (currency, amount) in [
            ("USD", json!(0.1)),
            ("USD", json!(0.2)),
            ("EUR", json!(-1.5)),
            ("USD", json!(1e-7)),
        ] {
            totals.add(Some(&json!(currency)), Some(&amount)).unwrap();
        }
        totals.add(Some(&json!("EUR")), None).unwrap();
        totals.add(None, Some(&json!(2))).unwrap();
        assert_eq!(
            serde_json::to_string(&totals).unwrap(),
            r#"{"":"2","EUR":"-1.5","USD":"0.3000001"}"#
        );
        assert!(totals.add(Some(&json!("USD")), Some(&json!("12"))).is_err());
    }
}
