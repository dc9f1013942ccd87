//! Pacing under rate limits, on tokio's paused clock: the API server runs on the test's runtime
//! and notes when each request arrives, so waits are measured exactly and take no wall time.
//!
//! Calls are made one after another (the clones test alternates clones) so that no timer is
//! pending while a request is in flight, and the clock moves only when every task waits for one.

use client_tests::scripted::{ReceivedRequest, Reply, ScriptedServer};
use partner_center_client::{Client, ClientBuilder, RateLimit, RetryPolicy};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

const CUSTOMER_A: &str = "4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab";
const CUSTOMER_B: &str = "7d0e5f21-3b4a-4c6d-8e9f-a0b1c2d3e4f5";

/// Arrivals as (milliseconds since the test began, customer tenant of the path).
type Arrivals = Arc<Mutex<Vec<(u128, String)>>>;

struct Api {
    server: ScriptedServer,
    arrivals: Arrivals,
}

impl Api {
    /// A usage-budget server that answers 200, or `answer`'s reply to the requests it picks.
    async fn start(answer: impl Fn(usize, &ReceivedRequest) -> Option<Reply> + Send + Sync + 'static) -> Self {
        let arrivals: Arrivals = Arc::default();
        let began = Instant::now();
        let server = {
            let arrivals = Arc::clone(&arrivals);
            ScriptedServer::handle(move |request| {
                let customer = request.target.split('/').nth(3).unwrap_or_default().to_string();
                let index = {
                    let mut arrivals = arrivals.lock().unwrap();
                    arrivals.push((began.elapsed().as_millis(), customer));
                    arrivals.len() - 1
                };
                answer(index, request).unwrap_or_else(|| {
                    Reply::status(200).json(&json!({"amount": 100.0, "attributes": {"objectType": "SpendingBudget"}}))
                })
            })
            .await
        };
        Api { server, arrivals }
    }

    /// A client with no time limits and no pooled connections (nothing but the test and the
    /// pacer moves the clock), retries off, and the limits of each test.
    fn builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.server.uri())
            .bearer_token("token")
            .retry_policy(RetryPolicy::disabled())
            .no_timeout()
            .http_client(
                partner_center_client::reqwest::Client::builder()
                    .pool_max_idle_per_host(0)
                    .build()
                    .unwrap(),
            )
    }

    fn arrivals(&self) -> Vec<(u128, String)> {
        self.arrivals.lock().unwrap().clone()
    }

    fn times(&self) -> Vec<u128> {
        self.arrivals().into_iter().map(|(ms, _)| ms).collect()
    }
}

fn too_many(retry_after: &str) -> Reply {
    Reply::status(429)
        .header("Retry-After", retry_after)
        .json(&json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 2 seconds."}))
}

async fn budget(
    client: &Client,
    customer: &str,
) -> Result<(), partner_center_client::Error<partner_center_client::errors::GetUsageBudgetError>> {
    client
        .get_usage_budget(customer.parse::<uuid::Uuid>().unwrap())
        .send()
        .await
        .map(|_| ())
}

#[tokio::test(start_paused = true)]
async fn calls_over_the_pace_wait_for_their_slot() {
    let api = Api::start(|_, _| None).await;
    let client = api
        .builder()
        .rate_limit(RateLimit::new("test", 2, Duration::from_secs(1)))
        .build()
        .unwrap();
    for _ in 0..5 {
        budget(&client, CUSTOMER_A).await.unwrap();
    }
    // Two a second: a slot every (1 s + 20 ms) / 2 = 510 ms, each taken up to 19 ms early (the
    // 20 ms tolerance less the clock's millisecond), so the first wait is 491 ms and the rest 510.
    assert_eq!(api.times(), [0, 491, 1001, 1511, 2021]);
}

#[tokio::test(start_paused = true)]
async fn without_rate_limits_calls_go_at_once() {
    let api = Api::start(|_, _| None).await;
    let client = api
        .builder()
        .rate_limit(RateLimit::new("test", 2, Duration::from_secs(1)))
        .without_rate_limits()
        .build()
        .unwrap();
    for _ in 0..5 {
        budget(&client, CUSTOMER_A).await.unwrap();
    }
    assert_eq!(api.times(), [0, 0, 0, 0, 0]);
}

#[tokio::test(start_paused = true)]
async fn clones_share_one_pace() {
    let api = Api::start(|_, _| None).await;
    let first = api
        .builder()
        .rate_limit(RateLimit::new("test", 4, Duration::from_secs(1)))
        .build()
        .unwrap();
    let second = first.clone();
    for _ in 0..3 {
        budget(&first, CUSTOMER_A).await.unwrap();
        budget(&second, CUSTOMER_A).await.unwrap();
    }
    // One slot every 255 ms for both (taken 19 ms early): a clone with its own pace would send at
    // 0, 0, 236, 236, ...
    assert_eq!(api.times(), [0, 236, 491, 746, 1001, 1256]);
}

#[tokio::test(start_paused = true)]
async fn a_429_slows_its_own_scope_only_and_holds_it_for_retry_after() {
    // Customer A's first call is refused with `Retry-After: 2`.
    let api = Api::start(|index, _| (index == 0).then(|| too_many("2"))).await;
    let client = api
        .builder()
        .rate_limit(RateLimit::new("per-customer", 10, Duration::from_secs(1)).per_path_parameter("customer-tenant-id"))
        .build()
        .unwrap();
    let refused = budget(&client, CUSTOMER_A).await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(429));
    // B keeps its pace of one call every 102 ms (taken 19 ms early).
    for _ in 0..3 {
        budget(&client, CUSTOMER_B).await.unwrap();
    }
    // A waits out the `Retry-After`, then goes at half its pace (204 ms), sped up by 1/32 of the
    // limit per success: 1 / (1/0.204 + 1/0.102/32) s = 192.0 ms after the first success.
    for _ in 0..2 {
        budget(&client, CUSTOMER_A).await.unwrap();
    }
    budget(&client, CUSTOMER_B).await.unwrap();
    let arrivals: Vec<(u128, &str)> = api
        .arrivals()
        .iter()
        .map(|(ms, customer)| (*ms, if customer == CUSTOMER_A { "A" } else { "B" }))
        .collect();
    assert_eq!(
        arrivals,
        [
            (0, "A"),
            (0, "B"),
            (83, "B"),
            (185, "B"),
            (2000, "A"),
            (2192, "A"),
            (2192, "B"),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn the_pace_recovers_while_calls_succeed() {
    let api = Api::start(|index, _| (index == 0).then(|| too_many("0"))).await;
    let client = api
        .builder()
        .rate_limit(RateLimit::new("test", 10, Duration::from_secs(1)))
        .build()
        .unwrap();
    budget(&client, CUSTOMER_A).await.unwrap_err();
    for _ in 0..40 {
        budget(&client, CUSTOMER_A).await.unwrap();
    }
    let times = api.times();
    let gaps: Vec<u128> = times.windows(2).map(|pair| pair[1] - pair[0]).collect();
    // Halved to 204 ms by the 429, then 1/32 of the limit back with each success, until the
    // limit's own 102 ms ((1 s + 20 ms) / 10) after 16 successes (tokio's timer rounds up to the
    // millisecond).
    assert_eq!(
        gaps[..17],
        [
            204, 192, 182, 172, 164, 156, 149, 142, 136, 131, 126, 121, 117, 113, 109, 106, 103
        ],
        "{gaps:?}"
    );
    // Back at its limit, a call may take its slot up to 19 ms early once (83 ms after the
    // previous), never earlier; then every 102 ms.
    assert!(gaps.iter().all(|gap| *gap >= 83), "{gaps:?}");
    assert_eq!(gaps[gaps.len() - 20..], [102; 20], "{gaps:?}");
}

#[tokio::test(start_paused = true)]
async fn with_adaptive_pacing_off_a_429_changes_nothing() {
    let api = Api::start(|index, _| (index == 0).then(|| too_many("5"))).await;
    let client = api
        .builder()
        .rate_limit(RateLimit::new("test", 10, Duration::from_secs(1)))
        .adaptive_pacing(false)
        .build()
        .unwrap();
    budget(&client, CUSTOMER_A).await.unwrap_err();
    for _ in 0..3 {
        budget(&client, CUSTOMER_A).await.unwrap();
    }
    assert_eq!(api.times(), [0, 83, 185, 287]);
}

#[tokio::test(start_paused = true)]
async fn a_retried_call_waits_its_retry_after_and_then_its_slot() {
    let api = Api::start(|index, _| (index == 0).then(|| too_many("3"))).await;
    let client = api
        .builder()
        .retry_policy(RetryPolicy::default())
        .rate_limit(RateLimit::new("test", 10, Duration::from_secs(1)))
        .build()
        .unwrap();
    budget(&client, CUSTOMER_A).await.unwrap();
    budget(&client, CUSTOMER_A).await.unwrap();
    // The retry is the first success after the 429: the next call is 192 ms later.
    assert_eq!(api.times(), [0, 3000, 3192]);
}

#[tokio::test(start_paused = true)]
async fn at_most_max_in_flight_attempts_are_sent_at_once() {
    // Every answer takes a second.
    let api = Api::start(|_, _| {
        Some(
            Reply::status(200)
                .json(&json!({"amount": 1.0}))
                .delay(Duration::from_secs(1)),
        )
    })
    .await;
    let client = api.builder().max_in_flight(2).build().unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let client = client.clone();
        calls.spawn(async move { budget(&client, CUSTOMER_A).await });
    }
    while let Some(call) = calls.join_next().await {
        call.unwrap().unwrap();
    }
    assert_eq!(api.times(), [0, 0, 1000, 1000, 2000, 2000]);
}

#[tokio::test(start_paused = true)]
async fn respan_clients_start_with_the_documented_limits() {
    let customers = Arc::new(Mutex::new(Vec::new()));
    let began = Instant::now();
    let server = {
        let customers = Arc::clone(&customers);
        ScriptedServer::handle(move |request| {
            customers
                .lock()
                .unwrap()
                .push((began.elapsed().as_millis(), request.target.clone()));
            if request.target.starts_with("/api/credit-transactions/") {
                Reply::status(200).json(&json!({"id": "ct_1", "amount": 5.0, "transaction_type": "grant"}))
            } else {
                Reply::status(200).json(&json!({"id": "cus_1", "customer_identifier": "cus_1"}))
            }
        })
        .await
    };
    let limits = respan_client::Client::documented_rate_limits();
    let names: Vec<String> = limits.iter().map(ToString::to_string).collect();
    assert_eq!(
        names,
        [
            "`users-api`: 60 requests per 60 s per account, for list_customers, get_customer, update_customer, delete_customer",
            "`other-apis`: 60 requests per 60 s per account, for list_credit_transactions, get_credit_transaction",
        ]
    );
    let client = respan_client::Client::builder()
        .base_url(server.uri())
        .bearer_token("token")
        .no_timeout()
        .http_client(
            respan_client::reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    for _ in 0..2 {
        client.get_customer("cus_1").send().await.unwrap();
        client.get_credit_transaction("ct_1").send().await.unwrap();
    }
    let times: Vec<(u128, String)> = customers.lock().unwrap().clone();
    // One call a second for each limit, each with its own budget.
    assert_eq!(
        times,
        [
            (0, "/api/users/cus_1/".to_string()),
            (0, "/api/credit-transactions/ct_1/".to_string()),
            (982, "/api/users/cus_1/".to_string()),
            (982, "/api/credit-transactions/ct_1/".to_string()),
        ]
    );
}

#[test]
fn limits_that_admit_nothing_are_refused_by_build() {
    let error = Client::builder()
        .rate_limit(RateLimit::new("none", 0, Duration::from_secs(1)))
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot build the client: the rate limit `none` admits no requests (0 per 1s); give it a positive rate, or remove it"
    );
    let error = Client::builder()
        .rate_limit(RateLimit::per_second("nan", f64::NAN))
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("the rate limit `nan` admits no requests"),
        "{error}"
    );
    let error = Client::builder().max_in_flight(0).build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot build the client: a cap of 0 requests in flight would send nothing; give at least 1"
    );
}

#[tokio::test(start_paused = true)]
async fn a_servers_hold_is_capped_and_the_wait_for_a_slot_counts_against_the_timeout() {
    // The first call is refused with a hold of a day; then `u64::MAX` seconds.
    let api = Api::start(|index, _| match index {
        0 => Some(too_many("86400")),
        2 => Some(too_many("18446744073709551615")),
        _ => None,
    })
    .await;
    let client = api
        .builder()
        .rate_limit(RateLimit::new("per-customer", 10, Duration::from_secs(1)).per_path_parameter("customer-tenant-id"))
        .build()
        .unwrap();
    let refused = budget(&client, CUSTOMER_A).await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(429));
    // A clone with a per-call timeout shorter than the hold gives up at its timeout, sending
    // nothing, instead of waiting for the scope to open.
    let clone = client.clone();
    let started = Instant::now();
    let timed_out = clone
        .get_usage_budget(CUSTOMER_A.parse::<uuid::Uuid>().unwrap())
        .send_with(partner_center_client::CallOptions::new().timeout(Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    let partner_center_client::Error::Transport(transport) = &timed_out else {
        panic!("not a timeout: {timed_out:?}");
    };
    assert!(transport.is_timeout() && transport.is_pacing_timeout());
    assert_eq!(
        timed_out.to_string(),
        "no response: the call's timeout (5000 ms) passed while it waited for its turn under the client's pacing; nothing was sent"
    );
    assert_eq!(api.times(), [0], "nothing was sent");
    // Without a timeout, the scope opens after the cap, not after a day.
    budget(&client, CUSTOMER_A).await.unwrap();
    assert_eq!(api.times(), [0, partner_center_client::MAX_SERVER_HOLD.as_millis()]);
    // A hold that no clock can add is capped the same way, and panics nothing.
    budget(&client, CUSTOMER_A).await.unwrap_err();
    budget(&client, CUSTOMER_A).await.unwrap();
    let times = api.times();
    assert_eq!(times[3] - times[2], partner_center_client::MAX_SERVER_HOLD.as_millis());
}
