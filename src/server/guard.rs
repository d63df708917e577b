//! Who may call the server, and the headers every response carries.
//!
//! A browser lets any web page send a POST to `http://127.0.0.1:8080/`, and a page
//! whose name is rebound to 127.0.0.1 (DNS rebinding) even reads the answer. So:
//! * the `Host` must be an IP address, `localhost`, or the host of an allowed origin
//!   (a rebinding page comes with its own name as `Host`);
//! * a request with an `Origin` must come from the server's own origin
//!   (`http://<Host>`) or one given with `--allow-origin` (`*` allows any); allowed
//!   foreign origins get CORS headers and preflight answers.
//!
//! Requests without `Origin` (curl, scripts) are not cross-origin and pass.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{error, AppState};

/// The page's Content-Security-Policy: scripts and styles from the server only
/// (Leaflet sets inline styles, hence 'unsafe-inline' for styles), images also
/// from tile servers (`?tiles=URL`), nothing framed, no plugins.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Refuses requests from other origins or for other hosts; adds the headers.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let allowed: &[String] = &state.allow_origins;
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !host.is_empty() && !host_ok(&host, allowed) {
        return error(
            StatusCode::FORBIDDEN,
            format!("Host {host:?} is not this server's (use an IP address or localhost, or --allow-origin)"),
        );
    }
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|o| o.trim_end_matches('/').to_ascii_lowercase());
    let foreign = origin
        .as_ref()
        .filter(|o| **o != format!("http://{host}") && **o != format!("https://{host}"));
    if let Some(o) = foreign {
        if !allowed.iter().any(|a| a == "*" || a == o) {
            return error(
                StatusCode::FORBIDDEN,
                format!("cross-origin request from {o} refused (start the server with --allow-origin {o} to allow it)"),
            );
        }
    }
    let preflight = foreign.is_some() && req.method() == Method::OPTIONS;
    let mut res = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(req).await
    };
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let is_html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
    }
    if let Some(o) = foreign.and_then(|o| HeaderValue::from_str(o).ok()) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
        if preflight {
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("content-type"),
            );
        }
    }
    res
}

/// `Host` (with or without a port) names this server: an IP literal, localhost, or
/// an allowed origin's host.
fn host_ok(host: &str, allowed: &[String]) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    name == "localhost"
        || name.parse::<std::net::IpAddr>().is_ok()
        || allowed.iter().any(|a| {
            a == "*"
                || a.split("://")
                    .nth(1)
                    .is_some_and(|h| h == host || h.split(':').next() == Some(name))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(host_ok("127.0.0.1:8080", &[]));
        assert!(host_ok("[::1]:8080", &[]));
        assert!(host_ok("localhost:8080", &[]));
        assert!(!host_ok("evil.example:8080", &[]));
        assert!(host_ok(
            "maps.example:8080",
            &["https://maps.example".to_string()]
        ));
    }
}
