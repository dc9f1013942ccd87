//! Bulk pacing: 1,000 budget updates through `partner-center-client` against a server on
//! 127.0.0.1 that admits `RATE` requests a second (any one-second window) and answers the rest
//! `429` with `Retry-After: 1`, as Partner Center does.
//!
//! Both sides send every update at once with `futures::future::join_all` and the client's default
//! retry policy (3 attempts, `Retry-After` obeyed). The paced side's client has a rate limit of
//! `RATE` a second and at most 16 attempts in flight; the other has neither, and its adaptive
//! pacing is off.
//!
//! A third run is the bulk tool's own loop (`finops_bulk::run`, 8 rows in flight) with no rate
//! limit at all, as for Partner Center's budget updates, whose limit is not published: 1,000
//! rows against a server that admits `LEARNED_RATE` a second, with access tokens from a token
//! endpoint that expire every few seconds. The client learns the pace from the 429s.
//!
//! Run: `cargo bench -p client-tests --bench bulk_pacing` (or `cargo xtask bench --only bulk`).
//! Prints one JSON line with each side's seconds, updates applied, failures, requests and 429s.

use client_tests::scripted::{Reply, ScriptedServer, SlidingWindow};
use partner_center_client::types::SpendingBudgetUpdate;
use partner_center_client::{Client, RateLimit};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const UPDATES: usize = 1000;
const RATE: usize = 100;
const LEARNED_RATE: usize = 40;
/// The access tokens' lifetime, in seconds: each is renewed at half its life.
const TOKEN_SECONDS: u64 = 4;

#[derive(Default)]
struct Counts {
    requests: usize,
    throttled: usize,
    window: SlidingWindow,
    /// When each request arrived, admitted or not.
    arrivals: Vec<Instant>,
}

impl Counts {
    /// The most requests that arrived in any one-second window.
    fn busiest_second(&self) -> usize {
        let mut busiest = 0;
        let mut start = 0;
        for (end, arrived) in self.arrivals.iter().enumerate() {
            while arrived.duration_since(self.arrivals[start]) >= Duration::from_secs(1) {
                start += 1;
            }
            busiest = busiest.max(end - start + 1);
        }
        busiest
    }

    /// Counts a request; `false` when the server's window is full and it is refused.
    fn admit(&mut self, rate: usize) -> bool {
        self.requests += 1;
        self.arrivals.push(Instant::now());
        let admitted = self.window.admit(rate);
        if !admitted {
            self.throttled += 1;
        }
        admitted
    }
}

fn too_many() -> Reply {
    Reply::status(429)
        .header("Retry-After", "1")
        .json(&json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."}))
}

async fn side(paced: bool) -> serde_json::Value {
    let counts: Arc<Mutex<Counts>> = Arc::default();
    let server = {
        let counts = Arc::clone(&counts);
        ScriptedServer::handle(move |_| {
            if !counts.lock().unwrap().admit(RATE) {
                return too_many();
            }
            Reply::status(200).json(&json!({"amount": 100.0}))
        })
        .await
    };
    let mut builder = Client::builder().base_url(server.uri()).bearer_token("bench-token");
    if paced {
        builder = builder
            .rate_limit(RateLimit::per_second("bench", RATE as f64))
            .max_in_flight(16);
    } else {
        builder = builder.adaptive_pacing(false);
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
    let busiest = counts.busiest_second();
    if paced {
        assert!(
            busiest <= RATE,
            "the paced client sent {busiest} requests in one second, over {RATE}"
        );
    }
    json!({
        "seconds": seconds,
        "updated": UPDATES - failures,
        "failures": failures,
        "requests": counts.requests,
        "throttled": counts.throttled,
        "busiest_second": busiest,
    })
}

/// What the learned side's servers saw.
#[derive(Default)]
struct Ledger {
    counts: Counts,
    /// Access tokens issued, and when.
    tokens: Vec<(String, Instant)>,
    token_requests: usize,
    /// Successful updates per customer; request ids already applied.
    applied: HashMap<String, usize>,
    seen: HashSet<String>,
    unauthorized: usize,
}

/// The bulk tool's loop with no documented limit: the client learns the server's pace.
async fn learned() -> serde_json::Value {
    let ledger: Arc<Mutex<Ledger>> = Arc::default();
    let tokens = {
        let ledger = Arc::clone(&ledger);
        ScriptedServer::handle(move |_| {
            let mut ledger = ledger.lock().unwrap();
            ledger.token_requests += 1;
            let token = format!("at-{}", ledger.tokens.len());
            ledger.tokens.push((token.clone(), Instant::now()));
            Reply::status(200)
                .json(&json!({"token_type": "Bearer", "expires_in": TOKEN_SECONDS, "access_token": token}))
        })
        .await
    };
    let api = {
        let ledger = Arc::clone(&ledger);
        ScriptedServer::handle(move |request| {
            let mut ledger = ledger.lock().unwrap();
            let token = request
                .header("authorization")
                .unwrap_or_default()
                .trim_start_matches("Bearer ");
            let valid = ledger
                .tokens
                .iter()
                .any(|(issued, at)| issued == token && at.elapsed() < Duration::from_secs(TOKEN_SECONDS));
            if !valid {
                ledger.unauthorized += 1;
                return Reply::status(401).json(&json!({"code": 401, "description": "token expired"}));
            }
            if !ledger.counts.admit(LEARNED_RATE) {
                return too_many();
            }
            let id = request.header("ms-requestid").unwrap_or_default().to_string();
            if ledger.seen.insert(id) {
                let customer = request.target.split('/').nth(3).unwrap_or_default().to_string();
                *ledger.applied.entry(customer).or_default() += 1;
            }
            Reply::status(200).json(&json!({"amount": 100.0}))
        })
        .await
    };
    let client = Client::builder()
        .base_url(api.uri())
        .token_authority(tokens.uri())
        .client_credentials("contoso.onmicrosoft.com", "bench-app", "bench-secret")
        .build()
        .unwrap();
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("in.csv");
    let mut rows = String::from("customer_tenant_id,amount\n");
    for i in 0..UPDATES {
        rows.push_str(&format!("{i:08x}-0000-4000-8000-{i:012x},{}\n", 100 + i));
    }
    std::fs::write(&input, rows).unwrap();
    let args = finops_bulk::Args {
        input,
        output: work.path().join("out.csv"),
        concurrency: 8,
        rate: None,
    };
    let job = finops_bulk::Job {
        key_column: "customer_tenant_id",
        key_kind: finops_bulk::KeyKind::Guid,
        value_column: "amount",
        idempotency_key: Some("MS-RequestId"),
    };
    let started = Instant::now();
    let summary = finops_bulk::run(job, &args, |row, options| {
        let client = &client;
        async move {
            let key = row.key.parse::<uuid::Uuid>().unwrap();
            let body = SpendingBudgetUpdate::new().amount(row.value.unwrap());
            finops_bulk::sent(&client.update_usage_budget(key, body).send_with(options).await)
        }
    })
    .await
    .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let ledger = ledger.lock().unwrap();
    let once = ledger.applied.len() == UPDATES && ledger.applied.values().all(|n| *n == 1);
    json!({
        "seconds": seconds,
        "updated": summary.updated,
        "failures": summary.failed,
        "requests": ledger.counts.requests,
        "throttled": ledger.counts.throttled,
        "every_row_once": once,
        "token_requests": ledger.token_requests,
        "unauthorized": ledger.unauthorized,
    })
}

#[tokio::main]
async fn main() {
    let paced = side(true).await;
    let unpaced = side(false).await;
    let learned = learned().await;
    println!(
        "{}",
        json!({"updates": UPDATES, "rate": RATE, "learned_rate": LEARNED_RATE, "paced": paced, "unpaced": unpaced, "learned": learned})
    );
}
