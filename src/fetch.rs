//! Fetching a web page to map: HTTP(S) with [`reqwest`] (rustls, gzip and brotli,
//! a capped number of redirects, connect and total timeouts, a body-size cap and a
//! User-Agent that names mentionmap).
//!
//! Every failure is one [`Error::Network`] that names the URL and says what went
//! wrong in words: the host does not resolve, the connection was refused, the
//! server took too long, it answered 4xx/5xx, the content is not HTML or text, or
//! the body is over the size cap.

use std::io::Read;
use std::time::{Duration, SystemTime};

use crate::error::Error;

/// The User-Agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "mentionmap/",
    env!("CARGO_PKG_VERSION"),
    " (geoparser; fetches one page per request)"
);

/// Limits for fetching.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed for the whole request, body included.
    pub timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Largest body accepted, bytes after decompression.
    pub max_bytes: u64,
    /// The User-Agent header.
    pub user_agent: String,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_redirects: 5,
            max_bytes: 10 * 1024 * 1024,
            user_agent: USER_AGENT.to_string(),
        }
    }
}

/// What the server sent.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL asked for.
    pub url: String,
    /// The URL answered, after redirects.
    pub final_url: String,
    /// True for HTML (`text/html`, `application/xhtml+xml`), false for plain text.
    pub is_html: bool,
    /// The body decoded as text.
    pub body: String,
    /// When the response arrived, RFC 3339 UTC.
    pub fetched_at: String,
}

/// A reusable HTTP client (connection pool); share it between threads.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::blocking::Client,
    options: FetchOptions,
}

/// True when `s` is an `http://` or `https://` URL.
pub fn is_url(s: &str) -> bool {
    let l = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

impl Fetcher {
    /// A client with these limits.
    pub fn new(options: FetchOptions) -> Result<Fetcher, Error> {
        let client = reqwest::blocking::Client::builder()
            .user_agent(options.user_agent.clone())
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::limited(options.max_redirects))
            .gzip(true)
            .brotli(true)
            .build()
            .map_err(|e| Error::Network {
                url: String::new(),
                message: format!("cannot start the HTTP client: {e}"),
            })?;
        Ok(Fetcher { client, options })
    }

    /// The limits in force.
    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    /// Fetches one page.
    pub fn fetch(&self, url: &str) -> Result<Fetched, Error> {
        let fail = |message: String| Error::Network {
            url: url.to_string(),
            message,
        };
        let response = self
            .client
            .get(url)
            .header(
                reqwest::header::ACCEPT,
                "text/html,application/xhtml+xml,text/plain;q=0.8,*/*;q=0.1",
            )
            .send()
            .map_err(|e| fail(describe(&e, &self.options)))?;
        let final_url = response.url().to_string();
        let status = response.status();
        if !status.is_success() {
            return Err(fail(format!(
                "the server answered HTTP {}{}",
                status.as_u16(),
                status
                    .canonical_reason()
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default()
            )));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let is_html = match mime.as_str() {
            "text/html" | "application/xhtml+xml" => true,
            "text/plain" => false,
            // No type given: decide from the body below.
            "" => true,
            other => {
                return Err(fail(format!(
                    "the content is {other}, not HTML or text; give a web page"
                )))
            }
        };
        let max = self.options.max_bytes;
        if response.content_length().is_some_and(|n| n > max) {
            return Err(fail(format!(
                "the body is larger than the {max}-byte limit"
            )));
        }
        let mut bytes = Vec::new();
        response
            .take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                let timed_out = std::error::Error::source(&e)
                    .and_then(|s| s.downcast_ref::<reqwest::Error>())
                    .is_some_and(|r| r.is_timeout())
                    || e.kind() == std::io::ErrorKind::TimedOut
                    || e.to_string().contains("timed out");
                if timed_out {
                    fail(format!(
                        "timed out after {} s reading the body",
                        self.options.timeout.as_secs_f64()
                    ))
                } else {
                    fail(format!("reading the body failed: {e}"))
                }
            })?;
        if bytes.len() as u64 > max {
            return Err(fail(format!(
                "the body is larger than the {max}-byte limit"
            )));
        }
        if bytes.iter().take(4096).any(|&b| b == 0) {
            return Err(fail("the content is binary, not HTML or text".into()));
        }
        let body = decode(bytes, charset(&content_type));
        Ok(Fetched {
            url: url.to_string(),
            final_url,
            is_html: is_html && (!mime.is_empty() || body.trim_start().starts_with('<')),
            body,
            fetched_at: rfc3339(SystemTime::now()),
        })
    }
}

/// One line about a failed request.
pub(crate) fn describe(e: &reqwest::Error, options: &FetchOptions) -> String {
    let mut chain = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        src = s.source();
    }
    let lower = chain.to_lowercase();
    if e.is_timeout() || lower.contains("timed out") {
        return format!(
            "timed out (connect limit {} s, total {} s)",
            options.connect_timeout.as_secs_f64(),
            options.timeout.as_secs_f64()
        );
    }
    if e.is_redirect() {
        return format!("more than {} redirects", options.max_redirects);
    }
    if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no address associated")
    {
        let host = e
            .url()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        return format!("cannot resolve host {host:?} (DNS lookup failed)");
    }
    if lower.contains("connection refused") {
        return "the connection was refused".into();
    }
    if e.is_builder() || lower.contains("url") && lower.contains("invalid") {
        return format!("not a valid URL ({chain})");
    }
    if e.is_connect() {
        return format!("cannot connect ({chain})");
    }
    format!("request failed ({chain})")
}

fn charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim() == "charset").then(|| v.trim().trim_matches('"').to_ascii_lowercase())
    })
}

/// UTF-8 (lossy, BOM dropped); ISO-8859-1 and Windows-1252 by code point.
fn decode(bytes: Vec<u8>, charset: Option<String>) -> String {
    let latin = matches!(
        charset.as_deref(),
        Some("iso-8859-1" | "latin1" | "latin-1" | "windows-1252" | "cp1252" | "us-ascii")
    );
    let mut s = if latin && std::str::from_utf8(&bytes).is_err() {
        bytes.iter().map(|&b| b as char).collect()
    } else {
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    };
    if s.starts_with('\u{feff}') {
        s.drain(..3);
    }
    s
}

pub use crate::utc::rfc3339;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_charsets() {
        assert!(is_url("https://example.org/a"));
        assert!(is_url("HTTP://EXAMPLE.ORG"));
        assert!(!is_url("article.html"));
        assert!(!is_url("ftp://x"));
        assert_eq!(
            charset("text/html; charset=\"UTF-8\""),
            Some("utf-8".into())
        );
        assert_eq!(charset("text/html"), None);
        assert_eq!(
            decode(b"caf\xe9".to_vec(), Some("iso-8859-1".into())),
            "café"
        );
        assert_eq!(decode("\u{feff}hé".as_bytes().to_vec(), None), "hé");
    }
}
