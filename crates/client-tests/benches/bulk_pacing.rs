//! Bulk pacing: 1,000 budget updates through `partner-center-client` against a server on
//! 127.0.0.1 that admits `RATE` requests a second (any one-second window) and answers the rest
//! `429` with `Retry-After: 1`, as Partner Center does.
//!
//! Both sides send every update at once with `futures::future::join_all` and the client's default
//! retry policy (3 attempts, `Retry-After` obeyed). The paced side's client has a rate limit of
//! `RATE` a second and at most 16 attempts in flight; the other has neither.
//!
//! Run: `cargo bench -p client-tests --bench bulk_pacing` (or `cargo xtask bench --only bulk`).
//! Prints one JSON line with each side's seconds, updates applied, failures, requests and 429s.

use client_tests::scripted::{Reply, ScriptedServer};
use partner_center_client::types::SpendingBudgetUpdate;
use partner_center_client::{Client, RateLimit};
use serde_json::json;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const UPDATES: usize = 1000;
const RATE: usize = 100;

#[derive(Default)]
struct Counts {
    requests: usize,
    throttled: usize,
    window: VecDeque<Instant>,
}

async fn side(paced: bool) -> serde_json::Value {
    let counts: Arc<Mutex<Counts>> = Arc::default();
    let server = {
        let counts = Arc::clone(&counts);
        ScriptedServer::handle(move |_| {
            let mut counts = counts.lock().unwrap();
            counts.requests += 1;
            let now = Instant::now();
            while counts
                .window
                .front()
                .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
            {
                counts.window.pop_front();
            }
            if counts.window.len() >= RATE {
                counts.throttled += 1;
                return Reply::status(429)
                    .header("Retry-After", "1")
                    .json(&json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."}));
            }
            counts.window.push_back(now);
            Reply::status(200).json(&json!({"amount": 100.0}))
        })
        .await
    };
    let mut builder = Client::builder().base_url(server.uri()).bearer_token("bench-token");
    if paced {
        builder = builder
            .rate_limit(RateLimit::per_second("bench", RATE as f64))
            .max_in_flight(16);
    }
    let client = builder.build().unwrap();
    let started = Instant::now();
    let calls = (0..UPDATES).map(|i| {
        let customer = format!("{i:08x}-0000-4000-8000-{i:012x}")
            .parse::<uuid::Uuid>()
            .unwrap();
        client
            .update_usage_budget(customer, SpendingBudgetUpdate::new().amount(100.0))
            .send()
    });
    let results = futures::future::join_all(calls).await;
    let seconds = started.elapsed().as_secs_f64();
    let failures = results.iter().filter(|r| r.is_err()).count();
    let counts = counts.lock().unwrap();
    json!({
        "seconds": seconds,
        "updated": UPDATES - failures,
        "failures": failures,
        "requests": counts.requests,
        "throttled": counts.throttled,
    })
}

#[tokio::main]
async fn main() {
    let paced = side(true).await;
    let unpaced = side(false).await;
    println!(
        "{}",
        json!({"updates": UPDATES, "rate": RATE, "paced": paced, "unpaced": unpaced})
    );
}
