//! Client overhead: requests per second through the generated `respan-client` (retries and
//! tracing on, not triggered) against the same request made with `reqwest` directly, both
//! decoding the same JSON into the same type, against one loopback server in this process.
//!
//! The hand-written call sets the same per-request timeout as the client's default (60 s): a
//! timeout arms a timer on every request, and both sides should pay for it. A second hand-written
//! call without a timeout shows what that costs.
//!
//! A second client takes its token from a token provider instead of a static bearer token: every
//! attempt then asks the token cache for the token, which is what a client with OAuth2
//! credentials does between renewals.
//!
//! Run: `cargo bench -p client-tests --bench client_overhead` (or as part of `cargo xtask bench`).
//!
//! To see where a call's time goes, `CLIENT_OVERHEAD_PROFILE=raw` or `=client` makes the binary
//! warm up and then make `PROFILE_CALLS` calls of that side only, printing nothing: run it under
//! `valgrind --tool=callgrind` (instructions per call, both sides) or `perf record`, as
//! BENCHMARKS.md §4 shows.
//! Prints one JSON line: {"raw_rps": [...], "raw_no_timeout_rps": [...], "client_rps": [...],
//! "client_cached_token_rps": [...]}, one entry per round.

use respan_client::types::Customer;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const BODY: &str = r#"{"id":"cus_8f2a","name":"Acme","email":"billing@acme.example","customer_identifier":"acme","environment":"prod","total_budget":null,"period_budget":100,"organization_name":"Example Org","total_period_usage":12.5,"period_start":"2026-11-01T00:00:00Z","period_end":null,"budget_duration":"monthly","updated_at":"2026-11-20T09:30:00Z"}"#;
const REQUESTS: usize = 2000;
const ROUNDS: usize = 9;
/// The client's default per-attempt timeout, set on the hand-written call too.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Calls made in a profiling run, after the warm-up.
const PROFILE_CALLS: usize = 1000;

/// A keep-alive HTTP/1.1 server answering every request with `BODY`.
async fn serve(listener: TcpListener) {
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let response = response.clone();
        tokio::spawn(async move {
            let mut buffer = Vec::with_capacity(4096);
            let mut chunk = [0u8; 4096];
            loop {
                let Ok(n) = socket.read(&mut chunk).await else { return };
                if n == 0 {
                    return;
                }
                buffer.extend_from_slice(&chunk[..n]);
                // Requests here have no body: each ends with an empty line.
                while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    buffer.drain(..end + 4);
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(listener));

    let http = reqwest::Client::new();
    // Respan's documented 60 requests a minute would pace the calls; overhead is measured unpaced.
    let client = respan_client::Client::builder()
        .base_url(&base)
        .bearer_token("bench-token")
        .without_rate_limits()
        .http_client(http.clone())
        .build()
        .unwrap();
    let with_provider = respan_client::Client::builder()
        .base_url(&base)
        .without_rate_limits()
        .token_provider(|| async {
            Ok(respan_client::AccessToken::new(
                "bench-token",
                Duration::from_secs(3600),
            ))
        })
        .http_client(http.clone())
        .build()
        .unwrap();
    let raw = |timeout: Option<Duration>| {
        let (http, base) = (&http, &base);
        async move {
            let mut request = http
                .get(format!("{base}/api/users/{}/", "acme"))
                .header("authorization", "Bearer bench-token")
                .header("accept", "application/json")
                .header("user-agent", "respan-client/0.2.0");
            if let Some(timeout) = timeout {
                request = request.timeout(timeout);
            }
            let response = request.send().await.unwrap();
            let bytes = response.bytes().await.unwrap();
            let customer: Customer = serde_json::from_slice(&bytes).unwrap();
            assert!(customer.customer_identifier.is_some());
        }
    };
    // Through a reference to the client, as the raw side uses its `reqwest::Client`.
    async fn generated(client: &respan_client::Client) {
        let customer = client.get_customer("acme").send().await.unwrap();
        assert!(customer.customer_identifier.is_some());
    }

    // Warm up every path (connection, allocator).
    for _ in 0..200 {
        raw(Some(TIMEOUT)).await;
        raw(None).await;
        generated(&client).await;
        generated(&with_provider).await;
    }
    match std::env::var("CLIENT_OVERHEAD_PROFILE").as_deref() {
        Ok("raw") => {
            for _ in 0..PROFILE_CALLS {
                raw(Some(TIMEOUT)).await;
            }
            return;
        }
        Ok("client") => {
            for _ in 0..PROFILE_CALLS {
                generated(&client).await;
            }
            return;
        }
        _ => {}
    }
    let rate = |started: Instant| REQUESTS as f64 / started.elapsed().as_secs_f64();
    let (mut raw_rps, mut raw_no_timeout_rps, mut client_rps, mut cached_token_rps) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for _ in 0..REQUESTS {
            raw(Some(TIMEOUT)).await;
        }
        raw_rps.push(rate(t));
        let t = Instant::now();
        for _ in 0..REQUESTS {
            generated(&client).await;
        }
        client_rps.push(rate(t));
        let t = Instant::now();
        for _ in 0..REQUESTS {
            generated(&with_provider).await;
        }
        cached_token_rps.push(rate(t));
        let t = Instant::now();
        for _ in 0..REQUESTS {
            raw(None).await;
        }
        raw_no_timeout_rps.push(rate(t));
    }
    println!(
        "{}",
        serde_json::json!({
            "requests_per_round": REQUESTS,
            "raw_rps": raw_rps,
            "raw_no_timeout_rps": raw_no_timeout_rps,
            "client_rps": client_rps,
            "client_cached_token_rps": cached_token_rps,
        })
    );
}
