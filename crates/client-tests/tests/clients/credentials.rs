//! Credentials that last: a token endpoint and the Partner Center API, both on 127.0.0.1, on the
//! test's runtime so that both read the same (paused) clock. The API refuses a token the endpoint
//! did not issue, or one that has expired, with a 401.

use client_tests::log::CapturedLog;
use client_tests::scripted::{ReceivedRequest, Reply, ScriptedServer};
use finops_client_runtime::OAuth2Credentials;
use partner_center_client::{AccessToken, AuthError, Client, ClientBuilder, Error, RetryPolicy, Server};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT_ID: &str = "0f6a1c2e-app";
const CLIENT_SECRET: &str = "cs-3xq~never-print-me";
const CUSTOMER: &str = "4b2c1a3e-9f0d-4c1d-9e8f-0123456789ab";

/// What the token endpoint does and has seen.
#[derive(Default)]
struct Issuer {
    expires_in: u64,
    /// Each access token issued and when.
    issued: Vec<(String, Instant)>,
    requests: Vec<ReceivedRequest>,
    /// Answer every request with this status and body instead of a token.
    refuse: Option<(u16, serde_json::Value)>,
    /// Answer each refresh token grant with a new refresh token.
    rotate: bool,
    /// How long each answer takes.
    delay: Duration,
}

/// What the API does and has seen: (token, status) per request.
#[derive(Default)]
struct ApiState {
    seen: Vec<(String, u16)>,
    /// Refuse this many requests with a 401 whatever their token (a token revoked early).
    revoked: usize,
}

struct Servers {
    tokens: ScriptedServer,
    api: ScriptedServer,
    issuer: Arc<Mutex<Issuer>>,
    api_state: Arc<Mutex<ApiState>>,
}

impl Servers {
    async fn start(expires_in: u64) -> Self {
        let issuer = Arc::new(Mutex::new(Issuer {
            expires_in,
            ..Issuer::default()
        }));
        let api_state = Arc::new(Mutex::new(ApiState::default()));
        let tokens = {
            let issuer = Arc::clone(&issuer);
            ScriptedServer::handle(move |request| issue(&mut issuer.lock().unwrap(), request)).await
        };
        let api = {
            let issuer = Arc::clone(&issuer);
            let api_state = Arc::clone(&api_state);
            ScriptedServer::handle(move |request| {
                answer(&issuer.lock().unwrap(), &mut api_state.lock().unwrap(), request)
            })
            .await
        };
        Servers {
            tokens,
            api,
            issuer,
            api_state,
        }
    }

    /// A client of the API with no time limits and no pooled connections, so that nothing but
    /// the test moves the paused clock.
    fn builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.api.uri())
            .token_authority(self.tokens.uri())
            .no_timeout()
            .http_client(
                partner_center_client::reqwest::Client::builder()
                    .pool_max_idle_per_host(0)
                    .build()
                    .unwrap(),
            )
    }

    fn client_credentials(&self) -> Client {
        self.builder()
            .client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET)
            .build()
            .unwrap()
    }

    fn token_requests(&self) -> Vec<ReceivedRequest> {
        self.issuer.lock().unwrap().requests.clone()
    }

    fn issued(&self) -> Vec<String> {
        self.issuer
            .lock()
            .unwrap()
            .issued
            .iter()
            .map(|(t, _)| t.clone())
            .collect()
    }

    fn api_seen(&self) -> Vec<(String, u16)> {
        self.api_state.lock().unwrap().seen.clone()
    }
}

fn issue(issuer: &mut Issuer, request: &ReceivedRequest) -> Reply {
    issuer.requests.push(request.clone());
    if let Some((status, body)) = &issuer.refuse {
        return Reply::status(*status).json(body).delay(issuer.delay);
    }
    let form = request.form();
    let field = |name: &str| form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let token = format!("at-{}-q7", issuer.issued.len() + 1);
    issuer.issued.push((token.clone(), Instant::now()));
    let mut body = json!({"token_type": "Bearer", "expires_in": issuer.expires_in, "access_token": token});
    if issuer.rotate
        && let Some(sent) = field("refresh_token")
    {
        let n: u32 = sent.trim_start_matches("rt-").parse().unwrap();
        body["refresh_token"] = json!(format!("rt-{}", n + 1));
    }
    Reply::status(200).json(&body).delay(issuer.delay)
}

fn answer(issuer: &Issuer, state: &mut ApiState, request: &ReceivedRequest) -> Reply {
    let token = request
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    let valid = issuer.issued.iter().any(|(issued, at)| {
        *issued == token
            && at
                .checked_add(Duration::from_secs(issuer.expires_in))
                .is_none_or(|end| Instant::now() < end)
    });
    let status = if state.revoked > 0 {
        state.revoked -= 1;
        401
    } else if valid {
        200
    } else {
        401
    };
    state.seen.push((token, status));
    if status == 401 {
        return Reply::status(401)
            .header("WWW-Authenticate", "OAuth realm=urn:cpsvc:cpid:test")
            .json(&json!({"code": 401, "description": "Access denied", "data": [], "source": "PartnerFD"}));
    }
    assert_eq!(request.target, format!("/v1/customers/{CUSTOMER}/usagebudget"));
    Reply::status(200)
        .json(&json!({"amount": 100, "usageSpendingBudget": 100, "attributes": {"objectType": "SpendingBudget"}}))
}

fn customer() -> partner_center_client::uuid::Uuid {
    CUSTOMER.parse().unwrap()
}

/// The form fields of a token request, sorted.
fn form(request: &ReceivedRequest) -> Vec<(String, String)> {
    let mut form = request.form();
    form.sort();
    form
}

fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    out.sort();
    out
}

#[tokio::test(start_paused = true)]
async fn tokens_that_live_two_seconds_are_renewed_before_they_expire() {
    let servers = Servers::start(2).await;
    let client = servers.client_credentials();
    let started = Instant::now();
    // 13 calls, one every 500 ms: at 0 s, 0.5 s, ... 6 s.
    for _ in 0..13 {
        let budget = client
            .get_usage_budget(customer())
            .send()
            .await
            .expect("every call succeeds");
        assert_eq!(budget.amount, Some(100.0));
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(started.elapsed(), Duration::from_millis(6500));
    let seen = servers.api_seen();
    assert_eq!(seen.len(), 13);
    assert!(seen.iter().all(|(_, status)| *status == 200), "{seen:?}");
    // A two-second token is renewed at half its lifetime: at 0, 1, ... 6 s.
    assert_eq!(servers.issued().len(), 7);
    let used: Vec<&str> = seen.iter().map(|(token, _)| token.as_str()).collect();
    assert_eq!(
        used,
        [
            "at-1-q7", "at-1-q7", "at-2-q7", "at-2-q7", "at-3-q7", "at-3-q7", "at-4-q7", "at-4-q7", "at-5-q7",
            "at-5-q7", "at-6-q7", "at-6-q7", "at-7-q7"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_client_credentials_request_is_the_one_the_spec_declares_for_the_chosen_cloud() {
    let servers = Servers::start(3600).await;
    servers
        .client_credentials()
        .get_usage_budget(customer())
        .send()
        .await
        .unwrap();
    let china = servers
        .builder()
        .server(Server::China)
        .base_url(servers.api.uri())
        .client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap();
    china.get_usage_budget(customer()).send().await.unwrap();

    let requests = servers.token_requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.target, "/contoso.onmicrosoft.com/oauth2/v2.0/token");
        assert_eq!(
            request.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
    }
    let expected = |scope: &str| {
        pairs(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("scope", scope),
        ])
    };
    assert_eq!(
        form(&requests[0]),
        expected("https://api.partnercenter.microsoft.com/.default")
    );
    assert_eq!(
        form(&requests[1]),
        expected("https://partner.partnercenterapi.microsoftonline.cn/.default")
    );
    assert_eq!(
        servers.api_seen(),
        [("at-1-q7".to_string(), 200), ("at-2-q7".to_string(), 200)]
    );
}

#[tokio::test(start_paused = true)]
async fn fifty_concurrent_calls_that_find_the_token_expired_make_one_token_request() {
    let servers = Servers::start(60).await;
    let client = servers.client_credentials();
    client.get_usage_budget(customer()).send().await.unwrap();
    tokio::time::advance(Duration::from_secs(61)).await;
    servers.issuer.lock().unwrap().delay = Duration::from_millis(200);

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..50 {
        // Clones share the token.
        let client = client.clone();
        calls.spawn(async move { client.get_usage_budget(customer()).send().await.map(|_| ()) });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().expect("every call succeeds");
    }
    assert_eq!(servers.token_requests().len(), 2);
    let seen = servers.api_seen();
    assert_eq!(seen.len(), 51);
    assert!(
        seen[1..]
            .iter()
            .all(|(token, status)| token == "at-2-q7" && *status == 200),
        "{seen:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_401_renews_the_token_once_and_sends_the_call_again() {
    let servers = Servers::start(3600).await;
    servers.api_state.lock().unwrap().revoked = 1;
    // The resend after a 401 is not a retry: it happens with retries turned off.
    let client = servers
        .builder()
        .client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let budget = client
        .get_usage_budget(customer())
        .send()
        .await
        .expect("the resend succeeds");
    assert_eq!(budget.amount, Some(100.0));
    assert_eq!(servers.token_requests().len(), 2);
    assert_eq!(
        servers.api_seen(),
        [("at-1-q7".to_string(), 401), ("at-2-q7".to_string(), 200)]
    );
    // The new token stays cached.
    client.get_usage_budget(customer()).send().await.unwrap();
    assert_eq!(servers.token_requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_401_on_every_attempt_is_the_error_after_exactly_one_renewal() {
    let servers = Servers::start(3600).await;
    servers.api_state.lock().unwrap().revoked = usize::MAX;
    let client = servers.client_credentials();
    let error = client.get_usage_budget(customer()).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.to_string(), "the server answered 401 Unauthorized: Access denied");
    assert_eq!(servers.token_requests().len(), 2);
    assert_eq!(
        servers.api_seen(),
        [("at-1-q7".to_string(), 401), ("at-2-q7".to_string(), 401)]
    );
}

#[tokio::test(start_paused = true)]
async fn a_refusing_token_endpoint_is_a_typed_error_with_its_description_and_no_secret() {
    let servers = Servers::start(3600).await;
    servers.issuer.lock().unwrap().refuse = Some((
        400,
        json!({
            "error": "invalid_client",
            "error_description": format!("AADSTS7000215: Invalid client secret provided: {CLIENT_SECRET}."),
            "error_codes": [7000215],
            "trace_id": "03da4b8e-0000",
        }),
    ));
    let error = servers
        .client_credentials()
        .get_usage_budget(customer())
        .send()
        .await
        .unwrap_err();
    let Error::Authentication(auth) = &error else {
        panic!("not an authentication error: {error:?}");
    };
    assert_eq!(auth.error_code(), Some("invalid_client"));
    assert_eq!(
        auth.description(),
        Some("AADSTS7000215: Invalid client secret provided: [redacted].")
    );
    assert_eq!(auth.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        error.to_string(),
        "authentication failed: the token endpoint refused the request (400 Bad Request): invalid_client: \
         AADSTS7000215: Invalid client secret provided: [redacted]."
    );
    assert!(!format!("{error:?}").contains(CLIENT_SECRET));
    assert_eq!(error.status(), None, "the API never answered");
    // Refused credentials are not retried, and nothing reached the API.
    assert_eq!(servers.token_requests().len(), 1);
    assert!(servers.api_seen().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_token_endpoint_that_fails_is_asked_three_times_then_named_in_the_error() {
    let servers = Servers::start(3600).await;
    servers.issuer.lock().unwrap().refuse = Some((503, json!("busy")));
    let error = servers
        .client_credentials()
        .get_usage_budget(customer())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "authentication failed: the token endpoint answered 503 Service Unavailable with no usable token: \
         the body is not an OAuth2 token response (at `.`)"
    );
    assert_eq!(servers.token_requests().len(), 3);
    assert!(servers.api_seen().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_rotated_refresh_token_is_sent_next_and_can_be_read_back() {
    let servers = Servers::start(3600).await;
    servers.issuer.lock().unwrap().rotate = true;
    let rotated = Arc::new(Mutex::new(Vec::new()));
    let credentials = {
        let rotated = Arc::clone(&rotated);
        OAuth2Credentials::refresh_token(CLIENT_ID, "rt-1")
            .client_secret(CLIENT_SECRET)
            .token_url_variable("tenant-id", TENANT)
            .on_refresh_token_rotated(move |token| rotated.lock().unwrap().push(token.expose().to_string()))
    };
    let client = servers.builder().oauth2(credentials.clone()).build().unwrap();
    client.get_usage_budget(customer()).send().await.unwrap();
    tokio::time::advance(Duration::from_secs(3600)).await;
    client.get_usage_budget(customer()).send().await.unwrap();

    let requests = servers.token_requests();
    assert_eq!(requests.len(), 2);
    let expected = |refresh_token: &str| {
        pairs(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            (
                "scope",
                "https://api.partnercenter.microsoft.com/user_impersonation offline_access",
            ),
        ])
    };
    assert_eq!(form(&requests[0]), expected("rt-1"));
    assert_eq!(form(&requests[1]), expected("rt-2"));
    assert_eq!(credentials.current_refresh_token().unwrap().expose(), "rt-3");
    assert_eq!(*rotated.lock().unwrap(), ["rt-2", "rt-3"]);
}

#[tokio::test(start_paused = true)]
async fn a_refresh_token_of_an_app_without_a_secret_sends_none() {
    let servers = Servers::start(3600).await;
    let client = servers
        .builder()
        .refresh_token(TENANT, CLIENT_ID, "rt-1")
        .build()
        .unwrap();
    client.get_usage_budget(customer()).send().await.unwrap();
    assert_eq!(
        form(&servers.token_requests()[0]),
        pairs(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "rt-1"),
            ("client_id", CLIENT_ID),
            (
                "scope",
                "https://api.partnercenter.microsoft.com/user_impersonation offline_access"
            ),
        ])
    );
}

#[tokio::test(start_paused = true)]
async fn a_closure_is_a_token_provider_and_its_failure_is_an_authentication_error() {
    let servers = Servers::start(3600).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let provider = {
        let calls = Arc::clone(&calls);
        let issuer = Arc::clone(&servers.issuer);
        move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            let issuer = Arc::clone(&issuer);
            async move {
                if n > 1 {
                    return Err(AuthError::provider("the vault is sealed"));
                }
                let token = "at-vault-1".to_string();
                issuer.lock().unwrap().issued.push((token.clone(), Instant::now()));
                Ok(AccessToken::new(token, Duration::from_secs(3600)))
            }
        }
    };
    let client = servers.builder().token_provider(provider).build().unwrap();
    client.get_usage_budget(customer()).send().await.unwrap();
    client.get_usage_budget(customer()).send().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the token is cached");
    // At 55 minutes, inside the 5-minute margin, the provider is asked again.
    tokio::time::advance(Duration::from_secs(55 * 60)).await;
    let error = client.get_usage_budget(customer()).send().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "authentication failed: the token provider failed: the vault is sealed"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(servers.api_seen().len(), 2);
}

/// An `azure_identity`-style credential: what the client asks it for, and a token.
#[derive(Debug, Default)]
struct RecordingCredential {
    scopes: Mutex<Vec<Vec<String>>>,
}

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for RecordingCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        self.scopes
            .lock()
            .unwrap()
            .push(scopes.iter().map(|s| s.to_string()).collect());
        Ok(azure_core::credentials::AccessToken::new(
            "at-azure-1",
            azure_core::time::OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1),
        ))
    }
}

#[tokio::test(start_paused = true)]
async fn an_azure_credential_is_asked_for_the_chosen_clouds_scope() {
    let servers = Servers::start(3600).await;
    servers
        .issuer
        .lock()
        .unwrap()
        .issued
        .push(("at-azure-1".into(), Instant::now()));
    let credential = Arc::new(RecordingCredential::default());
    let client = servers
        .builder()
        .server(Server::China)
        .base_url(servers.api.uri())
        .azure_credential(credential.clone())
        .build()
        .unwrap();
    client.get_usage_budget(customer()).send().await.unwrap();
    client.get_usage_budget(customer()).send().await.unwrap();
    assert_eq!(
        *credential.scopes.lock().unwrap(),
        [["https://partner.partnercenterapi.microsoftonline.cn/.default"]]
    );
    assert_eq!(
        servers.api_seen(),
        [("at-azure-1".to_string(), 200), ("at-azure-1".to_string(), 200)]
    );
}

#[tokio::test]
async fn credentials_that_cannot_be_resolved_fail_the_build() {
    let error = Client::builder()
        .oauth2(OAuth2Credentials::client_credentials(CLIENT_ID, CLIENT_SECRET))
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot build the client: the token URL `https://login.microsoftonline.com/{tenant-id}/oauth2/v2.0/token` \
         needs a value for `{tenant-id}`"
    );
    let error = Client::builder()
        .client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET)
        .token_authority("ftp://proxy.example.com")
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("must start with http:// or https://"),
        "{error}"
    );
    assert!(
        !format!(
            "{:?}",
            Client::builder().client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET)
        )
        .contains(CLIENT_SECRET)
    );
}

#[tokio::test(start_paused = true)]
async fn a_trace_level_log_of_every_credential_path_holds_no_secret() {
    let log = CapturedLog::start(tracing::Level::TRACE, tracing_subscriber::fmt::format::FmtSpan::FULL);

    let servers = Servers::start(3600).await;
    servers.issuer.lock().unwrap().rotate = true;
    servers.api_state.lock().unwrap().revoked = 1;
    // Client credentials, with a 401 and its renewal.
    let client = servers.client_credentials();
    client.get_usage_budget(customer()).send().await.unwrap();
    // A refresh token that rotates.
    let credentials = OAuth2Credentials::refresh_token(CLIENT_ID, "rt-1")
        .client_secret(CLIENT_SECRET)
        .token_url_variable("tenant-id", TENANT);
    let refreshing = servers.builder().oauth2(credentials.clone()).build().unwrap();
    refreshing.get_usage_budget(customer()).send().await.unwrap();
    tracing::info!(?credentials, builder = ?servers.builder().client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET), "debug output");
    // A refused token request, whose description echoes the secret.
    servers.issuer.lock().unwrap().refuse = Some((
        401,
        json!({"error": "invalid_client", "error_description": format!("bad secret {CLIENT_SECRET}")}),
    ));
    let error = servers
        .builder()
        .client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap()
        .get_usage_budget(customer())
        .send()
        .await
        .unwrap_err();
    tracing::error!(%error, ?error, "the call failed");

    let log = log.text();
    let mut secrets = vec![CLIENT_SECRET.to_string(), "rt-1".into(), "rt-2".into()];
    secrets.extend(servers.issued());
    assert!(secrets.len() >= 5, "{secrets:?}");
    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "`{secret}` is in the log:\n{log}");
    }
    // What the spans do say.
    assert!(
        log.contains("finops_token{token.provider=\"oauth2_client_credentials\"}"),
        "{log}"
    );
    assert!(
        log.contains("finops_token{token.provider=\"oauth2_refresh_token\"}"),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "finops_token_request{{otel.kind=\"client\" http.request.method=\"POST\" url.full=\"{}/contoso.onmicrosoft.com/oauth2/v2.0/token\"",
            servers.tokens.uri()
        )),
        "{log}"
    );
    assert!(log.contains("error.type=\"token_refused\""), "{log}");
    assert!(log.contains("the token was refused; resending with a new one"), "{log}");
}

#[tokio::test(start_paused = true)]
async fn a_thousand_calls_over_an_hour_make_two_token_requests() {
    // Entra ID's access tokens: `expires_in` 3599 s, renewed 5 minutes before they expire.
    let servers = Servers::start(3599).await;
    let client = servers.client_credentials();
    for _ in 0..1000 {
        client.get_usage_budget(customer()).send().await.unwrap();
        tokio::time::sleep(Duration::from_millis(3600)).await;
    }
    assert_eq!(servers.api_seen().len(), 1000);
    assert!(servers.api_seen().iter().all(|(_, status)| *status == 200));
    // At 0 s, and at 3,301.2 s: the first call at or after 3,299 s.
    assert_eq!(servers.token_requests().len(), 2);
}

/// Builds the `get_usage_budget` example program of `partner-center-client`; returns its path.
fn build_example() -> std::path::PathBuf {
    let root = finops_spec::project_root().expect("the tests run inside the checkout");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .current_dir(&root)
        .args([
            "build",
            "--offline",
            "--message-format=short",
            "-p",
            "partner-center-client",
            "--example",
            "partner_center_get_usage_budget",
        ])
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the example does not build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("debug/examples/partner_center_get_usage_budget")
}

/// Runs the example with `env` (and nothing else of the environment's Partner Center variables).
async fn run_example(binary: &std::path::Path, env: Vec<(&'static str, String)>) -> std::process::Output {
    let mut command = std::process::Command::new(binary);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("PARTNER_CENTER_")) {
        command.env_remove(name);
    }
    command.envs(env).env("PARTNER_CENTER_CUSTOMER", CUSTOMER);
    tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn every_example_takes_a_token_or_client_credentials_from_the_environment() {
    let binary = tokio::task::spawn_blocking(build_example).await.unwrap();
    let servers = Servers::start(3600).await;
    servers
        .issuer
        .lock()
        .unwrap()
        .issued
        .push(("at-env-1".into(), Instant::now()));

    let with_token = run_example(
        &binary,
        vec![
            ("PARTNER_CENTER_TOKEN", "at-env-1".into()),
            ("PARTNER_CENTER_BASE_URL", servers.api.uri()),
        ],
    )
    .await;
    assert!(with_token.status.success(), "{with_token:?}");
    assert_eq!(String::from_utf8_lossy(&with_token.stdout), "budget: Some(100.0)\n");
    assert!(servers.token_requests().is_empty());

    let with_client_credentials = run_example(
        &binary,
        vec![
            ("PARTNER_CENTER_TENANT_ID", TENANT.into()),
            ("PARTNER_CENTER_CLIENT_ID", CLIENT_ID.into()),
            ("PARTNER_CENTER_CLIENT_SECRET", CLIENT_SECRET.into()),
            ("PARTNER_CENTER_AUTHORITY_URL", servers.tokens.uri()),
            ("PARTNER_CENTER_BASE_URL", servers.api.uri()),
        ],
    )
    .await;
    assert!(with_client_credentials.status.success(), "{with_client_credentials:?}");
    assert_eq!(
        String::from_utf8_lossy(&with_client_credentials.stdout),
        "budget: Some(100.0)\n"
    );
    let requests = servers.token_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].target, "/contoso.onmicrosoft.com/oauth2/v2.0/token");
    assert_eq!(
        servers.api_seen(),
        [("at-env-1".to_string(), 200), ("at-2-q7".to_string(), 200)]
    );

    let without = run_example(&binary, vec![("PARTNER_CENTER_CLIENT_ID", CLIENT_ID.into())]).await;
    assert!(!without.status.success());
    assert_eq!(
        String::from_utf8_lossy(&without.stderr),
        "Error: \"set PARTNER_CENTER_TOKEN, or PARTNER_CENTER_TENANT_ID, PARTNER_CENTER_CLIENT_ID, \
         PARTNER_CENTER_CLIENT_SECRET (PARTNER_CENTER_TENANT_ID is missing)\"\n"
    );
}

#[tokio::test(start_paused = true)]
async fn an_expires_in_no_clock_can_add_is_a_token_that_lasts_not_a_panic() {
    let servers = Servers::start(u64::MAX).await;
    let client = servers.client_credentials();
    for _ in 0..3 {
        client.get_usage_budget(customer()).send().await.unwrap();
    }
    assert_eq!(servers.token_requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_empty_access_token_is_an_authentication_error_and_nothing_is_sent() {
    let servers = Servers::start(3600).await;
    servers.issuer.lock().unwrap().refuse = Some((
        200,
        json!({"token_type": "Bearer", "expires_in": 3600, "access_token": ""}),
    ));
    let error = servers
        .client_credentials()
        .get_usage_budget(customer())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "authentication failed: the credentials cannot be used: the token provider gave an empty access token"
    );
    assert!(servers.api_seen().is_empty());
    // Empty static credentials and empty OAuth2 values fail the build.
    for (builder, message) in [
        (servers.builder().bearer_token(""), "the bearer token is empty"),
        (
            servers.builder().client_credentials(TENANT, CLIENT_ID, ""),
            "the OAuth2 client secret is empty",
        ),
        (
            servers.builder().client_credentials(TENANT, "", CLIENT_SECRET),
            "the OAuth2 client id is empty",
        ),
        (
            servers.builder().client_credentials("", CLIENT_ID, CLIENT_SECRET),
            "the token URL variable `tenant-id` is empty",
        ),
    ] {
        assert_eq!(
            builder.build().unwrap_err().to_string(),
            format!("cannot build the client: {message}")
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_token_endpoint_echoing_the_form_encoded_secret_is_redacted() {
    let servers = Servers::start(3600).await;
    // The secret holds `~`, which form encoding writes as `%7E`.
    let encoded = "cs-3xq%7Enever-print-me";
    servers.issuer.lock().unwrap().refuse = Some((
        400,
        json!({
            "error": "invalid_request",
            "error_description": format!("bad request body: grant_type=client_credentials&client_secret={encoded}&x=1; also {}", encoded.to_lowercase()),
        }),
    ));
    let error = servers
        .client_credentials()
        .get_usage_budget(customer())
        .send()
        .await
        .unwrap_err();
    let Error::Authentication(auth) = &error else {
        panic!("not an authentication error: {error:?}");
    };
    assert_eq!(
        auth.description(),
        Some("bad request body: grant_type=client_credentials&client_secret=[redacted]&x=1; also [redacted]")
    );
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains(encoded) && !shown.contains(CLIENT_SECRET), "{shown}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_token_request_never_follows_a_redirect_to_another_origin() {
    let servers = Servers::start(3600).await;
    let elsewhere = Servers::start(3600).await;
    let target = format!("{}/steal", elsewhere.tokens.uri());
    let redirecting = ScriptedServer::handle(move |_| Reply::status(307).header("Location", &target)).await;
    let client = Client::builder()
        .base_url(servers.api.uri())
        .token_authority(redirecting.uri())
        .redirects(partner_center_client::Redirects::AnyOrigin)
        .no_timeout()
        .client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap();
    let error = client.get_usage_budget(customer()).send().await.unwrap_err();
    assert!(matches!(error, Error::Authentication(_)), "{error:?}");
    assert!(
        elsewhere.token_requests().is_empty(),
        "the client secret went to another origin"
    );
    assert!(servers.api_seen().is_empty());
}

#[tokio::test(start_paused = true)]
async fn an_error_answer_echoing_the_token_never_shows_it() {
    let echo = ScriptedServer::handle(|request| {
        let authorization = request.header("authorization").unwrap_or_default().to_string();
        let token = authorization.trim_start_matches("Bearer ").to_string();
        use base64::Engine as _;
        Reply::status(401)
            .header("X-Echo", &authorization)
            .json(&json!({
                "code": 401,
                "description": format!("token {token} is not valid ({})", base64::engine::general_purpose::STANDARD.encode(&token)),
            }))
    })
    .await;
    let token = "pc-token~with/odd+chars-1234";
    let client = Client::builder()
        .base_url(echo.uri())
        .bearer_token(token)
        .no_timeout()
        .build()
        .unwrap();
    let error = client.get_usage_budget(customer()).send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("pc-token"), "{shown}");
        assert!(!shown.contains("cGMtdG9rZW5"), "{shown}");
    }
    assert!(String::from_utf8_lossy(error.raw_body().unwrap()).contains("token [redacted] is not valid ([redacted])"));
}
