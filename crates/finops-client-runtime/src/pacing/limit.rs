//! What a rate limit says: how many requests, per how long, counted where, for which operations.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

/// A rate limit calls are paced by: at most [`Self::requests`] every [`Self::per`], counted in
/// one [`RateScope`], for some operations or all of them.
///
/// Generated clients start with the limits their vendor documents (`Client::documented_rate_limits`);
/// a builder's `rate_limit` replaces one of them by name or adds another.
///
/// ```
/// use finops_client_runtime::{RateLimit, RateScope};
/// use std::time::Duration;
///
/// // 150 calls a minute for each customer tenant, for one operation.
/// let limit = RateLimit::new("usage-budget-per-customer", 150, Duration::from_secs(60))
///     .per_path_parameter("customer-tenant-id")
///     .operations(["update_usage_budget"]);
/// assert_eq!(limit.interval(), Duration::from_millis(400));
/// assert!(limit.applies_to("update_usage_budget") && !limit.applies_to("list_customers"));
/// assert_eq!(limit.scope(), &RateScope::PathParameter("customer-tenant-id".into()));
/// assert_eq!(limit.to_string(), "`usage-budget-per-customer`: 150 requests per 60 s per customer-tenant-id, for update_usage_budget");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    name: Cow<'static, str>,
    requests: u32,
    per: Duration,
    scope: RateScope,
    operations: Option<Vec<Cow<'static, str>>>,
    source: Option<Cow<'static, str>>,
}

/// Where a [`RateLimit`] counts its requests.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateScope {
    /// Every call of the client (and its clones) counts against one budget: the limit a vendor
    /// sets per partner, organization or API key.
    Account,
    /// Each value of a path parameter has its own budget, such as each customer tenant.
    PathParameter(Cow<'static, str>),
}

impl RateLimit {
    /// At most `requests` every `per`, for every operation, counted for the whole account.
    ///
    /// Calls are spread evenly, one every `(per + τ) / requests` with `τ = min(20 ms, per / 40)`,
    /// each allowed up to `τ` early so that a call woken late does not delay the later ones: at
    /// least 97.5 % of the limit, and never more than `requests` in any window of length `per`. A limit of 0 requests or a zero `per` is refused when the
    /// client is built.
    pub fn new(name: impl Into<Cow<'static, str>>, requests: u32, per: Duration) -> Self {
        Self {
            name: name.into(),
            requests,
            per,
            scope: RateScope::Account,
            operations: None,
            source: None,
        }
    }

    /// At most `rate` requests a second (fractions allowed: `0.5` is one every 2 s). A whole
    /// rate counts in windows of one second (`40.0` is 40 per second); another, one request per
    /// `1 / rate`. A rate that is not a positive, finite number is refused when the client is
    /// built.
    pub fn per_second(name: impl Into<Cow<'static, str>>, rate: f64) -> Self {
        if rate.is_finite() && rate >= 1.0 && rate.fract() == 0.0 && rate <= f64::from(u32::MAX) {
            return Self::new(name, rate as u32, Duration::from_secs(1));
        }
        let per = if rate.is_finite() && rate > 0.0 {
            Duration::try_from_secs_f64(1.0 / rate).unwrap_or(Duration::ZERO)
        } else {
            Duration::ZERO
        };
        Self::new(name, 1, per)
    }

    /// Counts the requests separately for each value of the path parameter `name` (as the
    /// spec names it), such as each customer tenant, instead of for the whole account.
    pub fn per_path_parameter(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.scope = RateScope::PathParameter(name.into());
        self
    }

    /// Applies the limit to these operations (by `operationId`) only.
    pub fn operations<S: Into<Cow<'static, str>>>(mut self, operations: impl IntoIterator<Item = S>) -> Self {
        self.operations = Some(operations.into_iter().map(Into::into).collect());
        self
    }

    /// Where the limit is documented.
    pub fn source(mut self, url: impl Into<Cow<'static, str>>) -> Self {
        self.source = Some(url.into());
        self
    }

    /// The limit's name; a builder's `rate_limit` replaces the limit with the same name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many requests each [`Self::per`].
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window the requests are counted in.
    pub fn per(&self) -> Duration {
        self.per
    }

    /// Where the requests are counted.
    pub fn scope(&self) -> &RateScope {
        &self.scope
    }

    /// Where the limit is documented, if it was given.
    pub fn documented_at(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// The operations the limit applies to; `None`: all of them.
    pub fn operation_ids(&self) -> Option<impl Iterator<Item = &str>> {
        self.operations.as_ref().map(|ops| ops.iter().map(|op| op.as_ref()))
    }

    /// Whether calls of `operation_id` count against this limit.
    pub fn applies_to(&self, operation_id: &str) -> bool {
        self.operations
            .as_ref()
            .is_none_or(|ops| ops.iter().any(|op| op == operation_id))
    }

    /// The time between two calls at this pace.
    pub fn interval(&self) -> Duration {
        self.per.checked_div(self.requests).unwrap_or(Duration::ZERO)
    }

    /// Why the limit cannot pace anything, if it cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        if self.interval().is_zero() {
            return Some(format!(
                "the rate limit `{}` admits no requests ({} per {:?}); give it a positive rate, or remove it",
                self.name, self.requests, self.per
            ));
        }
        None
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {} requests per ", self.name, self.requests)?;
        let per = self.per;
        if per.subsec_nanos() == 0 {
            write!(f, "{} s", per.as_secs())?;
        } else {
            write!(f, "{per:?}")?;
        }
        match &self.scope {
            RateScope::Account => f.write_str(" per account")?,
            RateScope::PathParameter(name) => write!(f, " per {name}")?,
        }
        if let Some(ops) = &self.operations {
            write!(f, ", for {}", ops.join(", "))?;
        }
        Ok(())
    }
}
