//! Sends one request and reads the response with bounds: a timeout for the whole exchange and a cap
//! on the body, so a hostile target can neither hang nor exhaust the harness.

use std::time::{Duration, Instant};

use crate::run::config::RunConfig;

/// Bodies beyond this are cut (the step records `truncated`).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// Why no exchange happened: the target did not answer in time (a conformance failure, D-TIMEOUT),
/// or the harness could not talk to it at all (an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    Timeout(String),
    Transport(String),
}

#[derive(Debug, Clone)]
pub struct Exchange {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub truncated: bool,
    pub duration: Duration,
}

pub fn client(config: &RunConfig) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .redirect(reqwest::redirect::Policy::limited(5))
        .danger_accept_invalid_certs(config.insecure)
        .pool_max_idle_per_host(config.jobs.max(1) * 2);
    if let Some(path) = &config.ca_cert {
        let pem = std::fs::read(path).map_err(|e| format!("cannot read --ca-cert `{}`: {e}", path.display()))?;
        let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| format!("--ca-cert `{}`: {e}", path.display()))?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build().map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// A transport failure in words a user can act on.
fn describe(e: &reqwest::Error, timeout: Duration) -> SendError {
    if e.is_timeout() {
        return SendError::Timeout(format!("no complete answer within the timeout ({} ms)", timeout.as_millis()));
    }
    SendError::Transport(if e.is_connect() {
        format!("cannot connect: {}", root_cause(e))
    } else if e.is_redirect() {
        "too many redirects (redirect loop?)".to_string()
    } else if e.is_body() || e.is_decode() {
        format!("the response body broke off: {}", root_cause(e))
    } else {
        format!("request failed: {}", root_cause(e))
    })
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    cause
}

pub async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    content_type: &str,
    body: Vec<u8>,
    timeout: Duration,
) -> Result<Exchange, SendError> {
    let start = Instant::now();
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| SendError::Transport(format!("bad method `{method}`")))?;
    let work = async {
        let mut response = client
            .request(method, url)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| describe(&e, timeout))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let mut body = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e, timeout))? {
            let room = MAX_BODY.saturating_sub(body.len());
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok::<_, SendError>((status, content_type, body, truncated))
    };
    // The client timeout covers the exchange; this outer bound also covers a slow drip of chunks.
    match tokio::time::timeout(timeout + Duration::from_millis(250), work).await {
        Ok(Ok((status, content_type, body, truncated))) => {
            Ok(Exchange { status, content_type, body, truncated, duration: start.elapsed() })
        }
        Ok(Err(e)) => Err(e),
        Err(_) => {
            Err(SendError::Timeout(format!("no complete answer within the timeout ({} ms)", timeout.as_millis())))
        }
    }
}
