//! A reseller's nightly budget sync, as a crate outside this workspace writes it against the
//! three generated clients: raise Partner Center usage budgets below a target (never above a
//! cap), set Respan customers' period budgets, and make sure a CloudHealth billing rule targets
//! every partner customer. Every change is one report line with an id to quote to the vendor.

use partner_center_client::types::SpendingBudgetUpdate;
use partner_center_client::uuid::Uuid;
use std::fmt;

/// One line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub api: &'static str,
    pub customer: String,
    /// What happened: `raised 100 -> 250`, `unchanged`, `failed: ...`.
    pub outcome: String,
    /// The id to quote: the server's or the client's request id, else the client's attempt id.
    pub request_id: String,
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{},{}", self.api, self.customer, self.outcome, self.request_id)
    }
}

/// The id a report quotes for a call's ids.
fn quote(ids: Option<&partner_center_client::RequestIds>) -> String {
    match ids {
        Some(ids) => match (ids.primary(), ids.attempt()) {
            (Some((name, value)), _) => format!("{name}={value}"),
            (None, Some(attempt)) => format!("attempt {attempt}"),
            (None, None) => "-".to_owned(),
        },
        None => "-".to_owned(),
    }
}

/// The id a report quotes for a failed call.
fn quote_error<E: fmt::Debug>(error: &partner_center_client::Error<E>) -> String {
    match (error.request_ids(), error.attempt()) {
        (Some(ids), _) => quote(Some(ids)),
        (None, Some(attempt)) => format!("attempt {attempt}"),
        (None, None) => "-".to_owned(),
    }
}

fn failed<E: fmt::Debug>(api: &'static str, customer: String, error: &partner_center_client::Error<E>) -> Line {
    Line {
        api,
        customer,
        outcome: format!("failed: {error}"),
        request_id: quote_error(error),
    }
}

/// Raises each customer's Partner Center usage budget to `target` when it is below it, never
/// above `cap`.
pub async fn partner_center(client: &partner_center_client::Client, customers: &[Uuid], target: f64, cap: f64) -> Vec<Line> {
    let mut lines = Vec::new();
    for customer in customers {
        let name = customer.to_string();
        let current = match client.get_usage_budget(*customer).send().await {
            Ok(budget) => budget.amount.unwrap_or(0.0),
            Err(error) => {
                lines.push(failed("partner-center", name, &error));
                continue;
            }
        };
        let wanted = target.min(cap);
        if current >= wanted {
            lines.push(Line {
                api: "partner-center",
                customer: name,
                outcome: "unchanged".into(),
                request_id: "-".into(),
            });
            continue;
        }
        match client
            .update_usage_budget(*customer, SpendingBudgetUpdate::new().amount(wanted))
            .send()
            .await
        {
            Ok(budget) => lines.push(Line {
                api: "partner-center",
                customer: name,
                outcome: format!("raised {current} -> {}", budget.amount.unwrap_or(0.0)),
                request_id: quote(Some(budget.request_ids())),
            }),
            Err(error) => lines.push(failed("partner-center", name, &error)),
        }
    }
    lines
}

/// Sets each Respan customer's period budget.
pub async fn respan(client: &respan_client::Client, budgets: &[(&str, f64)]) -> Vec<Line> {
    let mut lines = Vec::new();
    for (customer, budget) in budgets {
        let update = respan_client::types::CustomerUpdate::new().period_budget(*budget);
        lines.push(match client.update_customer(*customer, update).send().await {
            Ok(updated) => Line {
                api: "respan",
                customer: (*customer).to_owned(),
                outcome: format!("period budget {}", updated.period_budget.unwrap_or(0.0)),
                request_id: quote(Some(updated.request_ids())),
            },
            Err(error) => failed("respan", (*customer).to_owned(), &error),
        });
    }
    lines
}

/// Makes sure billing rule `rule` targets every one of the partner's Microsoft CSP customers
/// (`add_csp_customers`: the client API ids `list_partner_customers` returns).
pub async fn cloudhealth(client: &cloudhealth_client::Client, rule: i64, partner_customers: &[i64]) -> Vec<Line> {
    let current = match client.get_billing_rule(rule).send().await {
        Ok(current) => current,
        Err(error) => return vec![failed("cloudhealth", format!("rule {rule}"), &error)],
    };
    let missing: Vec<i64> = partner_customers
        .iter()
        .copied()
        .filter(|id| !current.csp_customers.contains(id))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let name = current.name.clone().unwrap_or_default();
    let update = cloudhealth_client::types::BillingRuleUpdate::new(name)
        .add_csp_customers(cloudhealth_client::types::CspCustomerSelection::from(missing.clone()));
    match client.modify_billing_rule(rule, update).send().await {
        Ok(modified) => missing
            .iter()
            .map(|id| Line {
                api: "cloudhealth",
                customer: id.to_string(),
                outcome: format!("added to rule {rule}"),
                request_id: quote(Some(modified.request_ids())),
            })
            .collect(),
        Err(error) => vec![failed("cloudhealth", format!("rule {rule}"), &error)],
    }
}
