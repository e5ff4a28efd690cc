//! HTTP checks: one GET per check, timed, with the status, whether the body
//! matched, and an excerpt of the body as evidence.

use std::time::Instant;

use jiff::Timestamp;

use super::observation::CheckObservation;
use crate::config::HttpCheck;

/// Bodies are read up to this size; enough for a match and an excerpt.
const BODY_LIMIT: usize = 256 * 1024;
const EXCERPT: usize = 300;

pub fn client() -> reqwest::Client {
    // A missing provider would only break HTTPS; install ring once, quietly.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("medic/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "http client with defaults failed; using a bare client");
            reqwest::Client::new()
        })
}

pub async fn run_check(client: &reqwest::Client, check: &HttpCheck) -> CheckObservation {
    let observed_at = Timestamp::now();
    let started = Instant::now();
    let mut observation = CheckObservation {
        check: check.name.clone(),
        observed_at,
        status: None,
        latency_ms: None,
        body_matched: None,
        body_excerpt: None,
        error: None,
    };
    let pinned;
    let client = match pinned_client(check) {
        Some(c) => {
            pinned = c;
            &pinned
        }
        None => client,
    };
    let response = match client.get(&check.url).timeout(check.timeout).send().await {
        Ok(r) => r,
        Err(e) => {
            observation.error = Some(describe(e, check));
            return observation;
        }
    };
    observation.status = Some(response.status().as_u16());
    let body = read_body(response).await;
    observation.latency_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
    match body {
        Ok(body) => {
            let text = String::from_utf8_lossy(&body);
            observation.body_matched = check
                .body_contains
                .as_ref()
                .map(|needle| text.contains(needle.as_str()));
            observation.body_excerpt = Some(excerpt(&text));
        }
        Err(e) => observation.error = Some(describe(e, check)),
    }
    observation
}

/// With `connect_to`, a client that reaches the URL's host at that address
/// (the request still names the host, so virtual hosts and TLS work).
fn pinned_client(check: &HttpCheck) -> Option<reqwest::Client> {
    let ip = check.connect_to?;
    let url = reqwest::Url::parse(&check.url).ok()?;
    let host = url.host_str()?.to_string();
    let port = url.port_or_known_default()?;
    reqwest::Client::builder()
        .user_agent(concat!("medic/", env!("CARGO_PKG_VERSION")))
        .resolve(&host, std::net::SocketAddr::new(ip, port))
        .build()
        .ok()
}

async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
        if body.len() >= BODY_LIMIT {
            break;
        }
    }
    Ok(body)
}

fn excerpt(text: &str) -> String {
    let mut end = text.len().min(EXCERPT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].trim().to_string()
}

/// The URL is left out: it may carry credentials.
fn describe(error: reqwest::Error, check: &HttpCheck) -> String {
    use std::error::Error as _;
    let error = error.without_url();
    if error.is_timeout() {
        return format!(
            "no response within {}",
            humantime::format_duration(check.timeout)
        );
    }
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    message
}
