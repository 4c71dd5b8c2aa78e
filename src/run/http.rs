//! Sends one request and reads the response with bounds: a timeout for the whole exchange and a cap
//! on the body, so a hostile target can neither hang nor exhaust the harness. Redirects are decided
//! here, not by the HTTP client: a request (a login body holds a password) is never resent to
//! another origin, and a POST never silently becomes a GET.

use std::path::PathBuf;
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
    /// The 3xx answer the exchange ended on (not followed), or else the one it followed.
    pub redirect: Option<Redirect>,
}

/// Whether [`send`] may follow a redirect. Only a same-origin 307/308 is ever followed, once; a
/// caller whose body must not be resent anywhere (a login: the password) says `Never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    SameOriginOnce,
    Never,
}

/// A 3xx answer and what was done with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub status: u16,
    /// `Location` resolved against the request URL; as sent when it does not resolve; empty when absent.
    pub location: String,
    /// Scheme, host or port differ from the request's.
    pub cross_origin: bool,
    /// The request was sent again, to `location`.
    pub followed: bool,
    /// Why it was not followed (empty when it was).
    pub reason: &'static str,
}

impl Redirect {
    /// The evidence of a redirect that was not followed.
    pub fn describe(&self) -> String {
        let location = if self.location.is_empty() { "(no Location)" } else { &self.location };
        let origin = if self.cross_origin { "another origin" } else { "same origin" };
        format!(
            "HTTP {} redirect to {location} ({origin}; {}): not followed; nothing was resent",
            self.status, self.reason
        )
    }
}

/// Why no HTTP client could be built: nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// `--ca-cert` names a file that cannot be read.
    #[error("cannot read --ca-cert `{}`: {cause}", .path.display())]
    ReadCaCert { path: PathBuf, cause: std::io::Error },
    /// `--ca-cert` is not a PEM certificate.
    #[error("--ca-cert `{}`: {cause}", .path.display())]
    CaCert { path: PathBuf, cause: reqwest::Error },
    /// The TLS back end refused the client's settings.
    #[error("cannot build the HTTP client: {0}")]
    Build(reqwest::Error),
}

pub fn client(config: &RunConfig) -> Result<reqwest::Client, ClientError> {
    let mut builder = reqwest::Client::builder()
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        // `send` decides on redirects itself (origin, method, login): the client follows none.
        .redirect(reqwest::redirect::Policy::none())
        .danger_accept_invalid_certs(config.insecure)
        .pool_max_idle_per_host(config.jobs.max(1) * 2);
    if let Some(path) = &config.ca_cert {
        let pem = std::fs::read(path).map_err(|cause| ClientError::ReadCaCert { path: path.clone(), cause })?;
        let cert =
            reqwest::Certificate::from_pem(&pem).map_err(|cause| ClientError::CaCert { path: path.clone(), cause })?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build().map_err(ClientError::Build)
}

/// A transport failure in words a user can act on.
fn describe(e: &reqwest::Error, timeout: Duration) -> SendError {
    if e.is_timeout() {
        return SendError::Timeout(format!("no complete answer within the timeout ({} ms)", timeout.as_millis()));
    }
    SendError::Transport(if e.is_connect() {
        format!("cannot connect: {}", root_cause(e))
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

/// What to do with a 3xx answer to a request for `from`; the URL to resend to when it is followed.
/// `refuse` is why a same-origin 307/308 may not be followed here (`None`: it may).
fn judge(
    from: &reqwest::Url,
    response: &reqwest::Response,
    refuse: Option<&'static str>,
) -> (Redirect, Option<reqwest::Url>) {
    let status = response.status().as_u16();
    let header =
        response.headers().get(reqwest::header::LOCATION).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let resolved = header.as_deref().and_then(|l| from.join(l).ok());
    let location = resolved.as_ref().map_or_else(|| header.clone().unwrap_or_default(), ToString::to_string);
    let cross_origin = resolved.as_ref().is_some_and(|u| u.origin() != from.origin());
    let reason = if resolved.is_none() {
        Some("no usable Location")
    } else if cross_origin {
        Some("credentials stay with the target")
    } else if !matches!(status, 307 | 308) {
        Some("only 307 and 308 keep the method and body; a POST is not turned into a GET")
    } else {
        refuse
    };
    let redirect =
        Redirect { status, location, cross_origin, followed: reason.is_none(), reason: reason.unwrap_or("") };
    (redirect, if reason.is_none() { resolved } else { None })
}

pub async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    content_type: &str,
    body: Vec<u8>,
    timeout: Duration,
    follow: Follow,
) -> Result<Exchange, SendError> {
    let start = Instant::now();
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| SendError::Transport(format!("bad method `{method}`")))?;
    let url = reqwest::Url::parse(url).map_err(|e| SendError::Transport(format!("bad URL `{url}`: {e}")))?;
    // Shared, not copied, if the request is resent.
    let body = bytes::Bytes::from(body);
    let request = |to: reqwest::Url| {
        client
            .request(method.clone(), to)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body.clone())
            .send()
    };
    let work = async {
        let mut response = request(url.clone()).await.map_err(|e| describe(&e, timeout))?;
        let mut redirect = None;
        if response.status().is_redirection() {
            let refuse = match follow {
                Follow::SameOriginOnce => None,
                Follow::Never => Some("this request is not resent (it may carry a password)"),
            };
            let (first, next) = judge(&url, &response, refuse);
            redirect = Some(first);
            if let Some(next) = next {
                response = request(next.clone()).await.map_err(|e| describe(&e, timeout))?;
                if response.status().is_redirection() {
                    // At most one redirect is followed: the second is the answer, as is.
                    redirect = Some(judge(&next, &response, Some("one redirect was already followed")).0);
                }
            }
        }
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
        Ok::<_, SendError>(Exchange { status, content_type, body, truncated, duration: Duration::ZERO, redirect })
    };
    // The client timeout covers each request; this outer bound covers the whole exchange (a followed
    // redirect included) and a slow drip of chunks.
    match tokio::time::timeout(timeout + Duration::from_millis(250), work).await {
        Ok(Ok(exchange)) => Ok(Exchange { duration: start.elapsed(), ..exchange }),
        Ok(Err(e)) => Err(e),
        Err(_) => {
            Err(SendError::Timeout(format!("no complete answer within the timeout ({} ms)", timeout.as_millis())))
        }
    }
}
