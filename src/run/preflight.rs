//! The pre-flight: before any case (`run`) or any load (`load`), a few requests establish that the
//! target answers, that the URL serves this API, and that every account logs in. Without it a wrong
//! password reads as "119 MUST failures", a wrong base path as 701 findings, and a load run sends
//! hundreds of thousands of failed logins (which a target's security team reads as brute force).
//!
//! One v1 login per distinct account (`/services/login`: it needs no device token, SVC-LOGIN-004),
//! all at once, within one time budget. Nothing else is sent, and no redirect is followed: a login
//! body holds a password.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::config::Credentials;
use super::http::ClientError;
use crate::secrets::Secrets;

/// The whole pre-flight's time budget.
pub const BUDGET: Duration = Duration::from_secs(2);
const LOGIN: &str = "/services/login";

/// What the pre-flight established.
#[derive(Debug, Clone)]
pub struct Preflight {
    /// Accounts that logged in (one login each).
    pub accounts: usize,
    pub elapsed: Duration,
}

/// Why the run cannot start. Each renders as one line; the command line gives each its exit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreflightError {
    /// No answer at all: connection refused, DNS, TLS.
    #[error("cannot reach the target at {url}: {cause}")]
    Unreachable { url: String, cause: String },
    /// Connected, but no complete answer within the budget.
    #[error("the target did not answer a login at {url} within {} s (the pre-flight's bound)", .budget.as_secs_f64())]
    TooSlow { url: String, budget: Duration },
    /// The URL answers, but not as this API does (HTML, a 404, some other JSON).
    #[error(
        "{url} does not answer as the CITSmart web services do: {found}; is the base path right? \
         (--target is the URL with the context path, e.g. https://host/citsmart)"
    )]
    NotThisApi { url: String, found: String },
    /// The login was answered with a redirect, which is never followed with a password.
    #[error(
        "the login at {url} was answered HTTP {status} to {location}; a login is never resent: \
         give the final URL as --target"
    )]
    Redirected { url: String, status: u16, location: String },
    /// The target refused an account: its own error code and description.
    #[error("the target rejected the {} account `{user}`: {code} \"{description}\"", .roles.join("/"))]
    CredentialsRejected { roles: Vec<String>, user: String, code: String, description: String },
}

/// A client for the pre-flight of `load` (`run` passes its own, with the same TLS options).
pub fn client(insecure: bool) -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(BUDGET)
        .connect_timeout(BUDGET)
        .danger_accept_invalid_certs(insecure)
        .build()
        .map_err(ClientError::Build)
}

/// Logs every distinct account in once, concurrently, within [`BUDGET`].
pub async fn preflight(
    client: &reqwest::Client,
    target: &str,
    credentials: &Credentials,
) -> Result<Preflight, PreflightError> {
    let started = Instant::now();
    let url = format!("{}{LOGIN}", target.trim_end_matches('/'));
    // Each account once, with every role it plays.
    let mut accounts: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (role, pool) in &credentials.pools {
        for (user, password) in pool {
            accounts.entry((user.clone(), password.clone())).or_default().push(role.clone());
        }
    }
    let logins = accounts.iter().map(|((user, password), roles)| {
        let url = url.clone();
        async move { login(client, &url, user, password, roles).await }
    });
    let results = match tokio::time::timeout(BUDGET, futures::future::join_all(logins)).await {
        Ok(results) => results,
        Err(_) => return Err(PreflightError::TooSlow { url, budget: BUDGET }),
    };
    // A target problem (unreachable, not this API) before an account problem: it explains both.
    let mut errors: Vec<PreflightError> = results.into_iter().filter_map(Result::err).collect();
    errors.sort_by_key(|e| matches!(e, PreflightError::CredentialsRejected { .. }));
    match errors.into_iter().next() {
        Some(e) => Err(redacted(e, &Secrets::new(credentials.secrets()))),
        None => Ok(Preflight { accounts: accounts.len(), elapsed: started.elapsed() }),
    }
}

/// What the target said back may echo a password (an echo server, a verbose error page).
fn redacted(error: PreflightError, secrets: &Secrets) -> PreflightError {
    match error {
        PreflightError::NotThisApi { url, found } => PreflightError::NotThisApi { url, found: secrets.redact(&found) },
        PreflightError::CredentialsRejected { roles, user, code, description } => {
            PreflightError::CredentialsRejected { roles, user, code, description: secrets.redact(&description) }
        }
        PreflightError::Redirected { url, status, location } => {
            PreflightError::Redirected { url, status, location: secrets.redact(&location) }
        }
        other => other,
    }
}

async fn login(
    client: &reqwest::Client,
    url: &str,
    user: &str,
    password: &str,
    roles: &[String],
) -> Result<(), PreflightError> {
    let body = serde_json::json!({"userName": user, "password": password});
    let response = client
        .post(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .json(&body)
        .send()
        .await
        .map_err(|e| transport(url, &e))?;
    let status = response.status().as_u16();
    let content_type =
        response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    if (300..400).contains(&status) {
        let location =
            response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("?").to_string();
        return Err(PreflightError::Redirected { url: url.to_string(), status, location });
    }
    let bytes = response.bytes().await.map_err(|e| transport(url, &e))?;
    let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
    let sid = parsed.as_ref().and_then(|b| b.get("sessionID")).and_then(Value::as_str).filter(|s| !s.is_empty());
    if status == 200 && sid.is_some() {
        return Ok(());
    }
    let error = parsed.as_ref().and_then(|b| b.get("error")).and_then(Value::as_object);
    match error.and_then(|e| e.get("code")).and_then(Value::as_str) {
        // The login answered with the API's own error shape: the account was refused.
        Some(code) if status < 500 => Err(PreflightError::CredentialsRejected {
            roles: roles.to_vec(),
            user: user.to_string(),
            code: code.to_string(),
            description: error
                .and_then(|e| e.get("description"))
                .and_then(Value::as_str)
                .unwrap_or("(no description)")
                .to_string(),
        }),
        _ => Err(PreflightError::NotThisApi { url: url.to_string(), found: describe(status, &content_type, &bytes) }),
    }
}

fn transport(url: &str, e: &reqwest::Error) -> PreflightError {
    if e.is_timeout() {
        return PreflightError::TooSlow { url: url.to_string(), budget: BUDGET };
    }
    let mut cause = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    PreflightError::Unreachable { url: url.to_string(), cause }
}

/// `HTTP 404 text/html: "<html><head><title>Not Found…"`: what answered instead, on one line.
fn describe(status: u16, content_type: &str, body: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(body).split_whitespace().collect::<Vec<_>>().join(" ");
    let excerpt: String = text.chars().take(80).collect();
    let more = if text.chars().count() > 80 { "…" } else { "" };
    let ct = if content_type.is_empty() { "no content type" } else { content_type };
    if excerpt.is_empty() {
        format!("POST /services/login answered HTTP {status} ({ct}, empty body)")
    } else {
        format!("POST /services/login answered HTTP {status} ({ct}): \"{excerpt}{more}\"")
    }
}
