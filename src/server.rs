//! `mentionmap serve`: the map page and a small JSON API over HTTP (axum).
//!
//! | route | what |
//! |---|---|
//! | `GET /`, `GET /<asset>` | the page in `web/`, compiled in ([`crate::web`]) |
//! | `POST /api/map` | text (`text/plain`) or JSON `{"text": ..., "format": "html"?}` → GeoJSON |
//! | `POST /api/aggregate` | JSONL, one document per line → the corpus, one feature per place |
//! | `GET /api/resolve?name=` | ranked gazetteer candidates for a name |
//! | `GET /api/near?lat=&lon=&km=` | places within `km` of a point (R-tree query) |
//!
//! Errors are JSON `{"error": "..."}` with a 4xx/5xx status: 400 for bad JSON, an
//! unknown `format` or bad parameters, 403 for a refused origin or host
//! ([`guard`]), 405 for a wrong method, 408 when the body does not arrive within
//! [`BODY_READ_TIMEOUT`], 413 over [`MAX_BODY_BYTES`] (refused from the
//! `Content-Length` before reading), 503 when every mapping worker stays busy for
//! [`MAP_QUEUE_WAIT`].
//!
//! Limits, so that one client cannot take the server down: mapping runs on at most
//! [`ServeOptions::map_workers`] blocking threads at once (the rest wait, then get
//! 503); at most [`ServeOptions::max_connections`] connections are open (more are
//! closed at once); request headers, and the wait for the next request on a
//! kept-alive connection, time out after [`HEADER_READ_TIMEOUT`]; a place lists at
//! most [`crate::pipeline::DEFAULT_MAX_MENTIONS`] mentions. After a large request the
//! freed memory is handed back to the system ([`memory`]).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use crate::gazetteer::Layer;
use crate::output::{feature_collection, Format, Metadata};
use crate::pipeline::Mapper;

pub mod guard;
pub mod memory;

/// The largest request body accepted: 5 MB.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// Time for a client to send its request headers, and the longest a kept-alive
/// connection may sit idle before its next request: a slow or idle client holds a
/// socket, and enough of them would exhaust the file descriptors.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Time for the whole body to arrive once the headers are in: 5 MB at 200 KB/s.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a request waits for a mapping worker before it gets 503.
pub const MAP_QUEUE_WAIT: Duration = Duration::from_secs(30);

/// Open connections by default: well under the usual 1,024 file descriptors.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// How the server runs; [`ServeOptions::new`] then the setters.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    addr: String,
    allow_origins: Vec<String>,
    max_connections: usize,
    map_workers: usize,
}

impl ServeOptions {
    /// Defaults for `addr`: no foreign origin, [`DEFAULT_MAX_CONNECTIONS`], one
    /// mapping worker per CPU.
    pub fn new(addr: impl Into<String>) -> Self {
        ServeOptions {
            addr: addr.into(),
            allow_origins: Vec::new(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            map_workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }

    /// Origins (`https://maps.example`, or `*` for any) whose pages may call the API.
    pub fn allow_origins(mut self, origins: Vec<String>) -> Self {
        self.allow_origins = origins
            .into_iter()
            .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
            .collect();
        self
    }

    /// Connections open at once; more are closed as they arrive.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Texts mapped at once: each costs memory in proportion to its mentions, so
    /// this bounds the server's peak.
    pub fn map_workers(mut self, n: usize) -> Self {
        self.map_workers = n.max(1);
        self
    }
}

/// What every handler shares: the mapper (and through it the gazetteer), the
/// mapping permits and the allowed origins.
#[derive(Clone)]
pub struct AppState {
    mapper: Arc<Mapper>,
    map_permits: Arc<Semaphore>,
    allow_origins: Arc<Vec<String>>,
}

impl AppState {
    /// State over a mapper, with default options.
    pub fn new(mapper: Arc<Mapper>) -> Self {
        AppState::with_options(mapper, &ServeOptions::new("127.0.0.1:0"))
    }

    /// State over a mapper, with the limits and origins of `options`.
    pub fn with_options(mapper: Arc<Mapper>, options: &ServeOptions) -> Self {
        AppState {
            mapper,
            map_permits: Arc::new(Semaphore::new(options.map_workers)),
            allow_origins: Arc::new(options.allow_origins.clone()),
        }
    }
}

/// The application's routes.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(|| asset_response("")))
        .route("/api/map", post(map))
        .route("/api/aggregate", post(aggregate))
        .route("/api/resolve", get(resolve))
        .route("/api/near", get(near))
        .route(
            "/{*path}",
            get(|Path(path): Path<String>| asset_response_owned(path)),
        )
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed: the API takes POST /api/map and GET elsewhere",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .with_state(state)
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

async fn asset_response(path: &str) -> Response {
    match crate::web::asset(path) {
        Some(a) => ([(header::CONTENT_TYPE, a.content_type)], a.bytes).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no such file: /{path}")),
    }
}

async fn asset_response_owned(path: String) -> Response {
    asset_response(&path).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MapRequest {
    text: String,
    /// Output format, or "html" for HTML input with GeoJSON output.
    #[serde(default)]
    format: Option<String>,
    /// The text is an HTML page (main-text extraction first).
    #[serde(default)]
    html: bool,
}

/// The `format` member: (output format, input is HTML).
fn request_format(format: Option<&str>) -> Result<(Format, bool), String> {
    Ok(match format {
        None | Some("geojson") => (Format::GeoJson, false),
        Some("geojsonseq") => (Format::GeoJsonSeq, false),
        Some("csv") => (Format::Csv, false),
        Some("html") => (Format::GeoJson, true),
        Some(other) => {
            return Err(format!(
                "unknown format {other:?}: expected \"geojson\", \"geojsonseq\", \"csv\" or \"html\" (HTML input, GeoJSON output)"
            ))
        }
    })
}

/// `Content-Type` is `application/json` (any case, parameters allowed).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// Reads the body within the size cap and [`BODY_READ_TIMEOUT`]; an over-large
/// `Content-Length` is refused before a byte of the body is read.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, Response> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is over the {MAX_BODY_BYTES}-byte limit"),
        )
    };
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(
        BODY_READ_TIMEOUT,
        axum::body::to_bytes(body, MAX_BODY_BYTES),
    )
    .await
    {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(_)) => Err(too_large()),
        Err(_) => Err(error(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the body did not arrive within {} s",
                BODY_READ_TIMEOUT.as_secs()
            ),
        )),
    }
}

async fn map(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let large = memory::is_large(&headers);
    releasing_if_large(large, map_request(state, headers, body)).await
}

/// Runs a request's handler, then, after a large body, gives the memory it freed back
/// to the system ([`memory::release_freed`]) so one big request does not leave the
/// server's resident size high.
async fn releasing_if_large(
    large: bool,
    handler: impl std::future::Future<Output = Response>,
) -> Response {
    let res = handler.await;
    if large {
        memory::release_freed().await;
    }
    res
}

async fn map_request(state: AppState, headers: HeaderMap, body: Body) -> Response {
    let body = match read_body(&headers, body).await {
        Ok(b) => b,
        Err(res) => return res,
    };
    let (text, format, html) = if is_json(&headers) {
        let r = match serde_json::from_slice::<MapRequest>(&body) {
            Ok(r) => r,
            Err(e) => return error(StatusCode::BAD_REQUEST, format!("bad JSON: {e}")),
        };
        match request_format(r.format.as_deref()) {
            Ok((format, html)) => (r.text, format, html || r.html),
            Err(e) => return error(StatusCode::BAD_REQUEST, e),
        }
    } else {
        match String::from_utf8(body.to_vec()) {
            Ok(t) => (t, Format::GeoJson, false),
            Err(_) => return error(StatusCode::BAD_REQUEST, "the body is not UTF-8 text"),
        }
    };
    drop(body);
    let permit = match map_permit(&state).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    let mapper = state.mapper.clone();
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        map_to_bytes(&mapper, text, format, html)
    })
    .await;
    let content_type = match format {
        Format::GeoJson => "application/geo+json",
        Format::GeoJsonSeq => "application/geo+json-seq",
        Format::Csv => "text/csv; charset=utf-8",
    };
    match result {
        Ok(Ok(bytes)) => ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("mapping failed: {e}"),
        ),
    }
}

/// A mapping worker's permit, waiting up to [`MAP_QUEUE_WAIT`]; 503 when none
/// frees up in time.
async fn map_permit(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, Response> {
    match tokio::time::timeout(MAP_QUEUE_WAIT, state.map_permits.clone().acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "every mapping worker is busy: try again shortly",
        )),
    }
}

/// `POST /api/aggregate`: a JSONL body (one document per line, as for
/// `map --jsonl`; URLs are not fetched) → the corpus as one feature per place
/// ([`crate::aggregate::aggregate_jsonl`]). 422 when no line is a document.
/// Reads its body and takes a mapping permit as `POST /api/map` does.
async fn aggregate(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let large = memory::is_large(&headers);
    releasing_if_large(large, aggregate_request(state, headers, body)).await
}

async fn aggregate_request(state: AppState, headers: HeaderMap, body: Body) -> Response {
    let body = match read_body(&headers, body).await {
        Ok(b) => b,
        Err(res) => return res,
    };
    let permit = match map_permit(&state).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    let mapper = state.mapper.clone();
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        crate::aggregate::aggregate_jsonl(&mapper, &body, "upload")
    })
    .await;
    match result {
        Ok(Ok(fc)) if fc["metadata"]["document_count"] == 0 => {
            let first = fc["metadata"]["error_lines"][0]
                .as_str()
                .unwrap_or("the body is empty");
            error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("no document in the JSONL: {first}"),
            )
        }
        Ok(Ok(fc)) => Json(fc).into_response(),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("aggregation failed: {e}"),
        ),
    }
}

/// Maps one request's text and writes it in `format` (compact GeoJSON).
fn map_to_bytes(
    mapper: &Mapper,
    text: String,
    format: Format,
    html: bool,
) -> Result<Vec<u8>, crate::Error> {
    let (text, title) = if html {
        let e = crate::html::extract(&text);
        (e.text, e.title)
    } else {
        (text, None)
    };
    let doc = mapper.map(&text);
    drop(text);
    let meta = Metadata {
        source: Some("api/map".into()),
        title,
        ..Default::default()
    };
    let mut out = Vec::new();
    match format {
        Format::GeoJson => {
            let fc = feature_collection(mapper.gazetteer(), &doc, &meta, &Layer::ALL);
            serde_json::to_writer(&mut out, &fc)
                .map_err(|e| crate::Error::Output(e.to_string()))?;
        }
        _ => crate::output::write(
            &mut out,
            format,
            mapper.gazetteer(),
            &doc,
            &meta,
            &Layer::ALL,
        )?,
    }
    Ok(out)
}

#[derive(Deserialize)]
struct ResolveQuery {
    name: Option<String>,
    limit: Option<usize>,
}

async fn resolve(
    State(state): State<AppState>,
    query: Result<Query<ResolveQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad query: expected ?name=...&limit=N",
        );
    };
    let Some(name) = q.name.filter(|n| !n.trim().is_empty()) else {
        return error(StatusCode::BAD_REQUEST, "missing ?name=");
    };
    let limit = q.limit.unwrap_or(10).min(100);
    let rows: Vec<Value> =
        crate::resolve::ranked_candidates(state.mapper.gazetteer(), &name, limit)
            .iter()
            .map(|c| c.to_json())
            .collect();
    Json(rows).into_response()
}

#[derive(Deserialize)]
struct NearQuery {
    lat: Option<f64>,
    lon: Option<f64>,
    km: Option<f64>,
    limit: Option<usize>,
}

async fn near(
    State(state): State<AppState>,
    query: Result<Query<NearQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad query: expected ?lat=&lon=&km=",
        );
    };
    let (Some(lat), Some(lon)) = (q.lat, q.lon) else {
        return error(StatusCode::BAD_REQUEST, "missing ?lat= or ?lon=");
    };
    let km = q.km.unwrap_or(25.0);
    if !(-90.0..=90.0).contains(&lat)
        || !(-180.0..=180.0).contains(&lon)
        || !(0.0..=20_100.0).contains(&km)
    {
        return error(
            StatusCode::BAD_REQUEST,
            "lat must be in [-90, 90], lon in [-180, 180], km in [0, 20100]",
        );
    }
    let g = state.mapper.gazetteer();
    let rows: Vec<Value> = g
        .spatial()
        .within_km(lon, lat, km)
        .into_iter()
        .take(q.limit.unwrap_or(50).min(1000))
        .map(|(i, d)| {
            let p = g.place(i);
            json!({"id": p.id, "name": p.name, "kind": p.kind, "feature_code": p.feature_code,
                "country_code": p.country_code, "population": p.population, "lat": p.lat, "lon": p.lon,
                "km": (d * 100.0).round() / 100.0})
        })
        .collect();
    Json(rows).into_response()
}

/// Serves `app` until the process is stopped; prints the URL it listens on (the
/// real port when the address asks for port 0), and a warning when the address is
/// not a loopback one (the API has no authentication).
pub fn serve(mapper: Arc<Mapper>, options: ServeOptions) -> Result<(), crate::Error> {
    let addr = options.addr.clone();
    let io = |e: std::io::Error| crate::Error::BadInput {
        source_name: format!("serve {addr}"),
        message: e.to_string(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&options.addr)
            .await
            .map_err(io)?;
        let local = listener.local_addr().map_err(io)?;
        if !local.ip().is_loopback() {
            eprintln!(
                "mentionmap: warning: listening on {local}, reachable from other machines; the API has no authentication"
            );
        }
        println!("mentionmap: serving the map on http://{local}/ (Ctrl-C stops)");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let app = app(AppState::with_options(mapper, &options));
        accept_loop(listener, app, options.max_connections).await;
        Ok(())
    })
}

/// Accepts connections for ever, each served by hyper with the header/idle
/// timeout; connections over `max` are closed at once.
async fn accept_loop(listener: tokio::net::TcpListener, app: Router, max: usize) {
    let slots = Arc::new(Semaphore::new(max));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(_) => {
                // Out of file descriptors or a reset connection: wait, then go on.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let conn = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(slot);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{to_bytes, Body};
    use axum::http::Request;
    use tower::ServiceExt;

    use crate::gazetteer::testing::from_tsv;

    const GAZ: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
170063\tAleppo\tcity\tPPLA\tSY\t09\t1602264\t36.20124\t37.16117\tHalab\t\t\n\
163843\tSyria\tcountry\tPCLI\tSY\t\t16906283\t35.0\t38.0\t\tSY\tSyrian\n";

    fn test_app() -> Router {
        let mapper = Mapper::new(Arc::new(from_tsv(GAZ)));
        app(AppState::new(Arc::new(mapper)))
    }

    async fn call(req: Request<Body>) -> (StatusCode, String, Vec<u8>) {
        let res = test_app().oneshot(req).await.unwrap();
        let status = res.status();
        let ctype = res
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        (status, ctype, body)
    }

    fn get_req(uri: &str) -> Request<Body> {
        Request::get(uri).body(Body::empty()).unwrap()
    }

    fn json_body(b: &[u8]) -> Value {
        serde_json::from_slice(b).unwrap()
    }

    #[tokio::test]
    async fn serves_the_page_and_its_assets() {
        let (s, ct, body) = call(get_req("/")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(ct.starts_with("text/html"));
        assert!(String::from_utf8(body)
            .unwrap()
            .contains("mentionmap:app-js"));
        let (s, ct, _) = call(get_req("/vendor/leaflet/leaflet.js")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(ct.starts_with("text/javascript"));
        let (s, _, body) = call(get_req("/../Cargo.toml")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(json_body(&body)["error"].is_string());
    }

    #[tokio::test]
    async fn aggregates_an_uploaded_jsonl() {
        let req = Request::post("/api/aggregate")
            .body(Body::from(
                "{\"id\":\"a\",\"text\":\"Aleppo\"}\n{\"id\":\"b\",\"text\":\"Aleppo, Syria\"}\n",
            ))
            .unwrap();
        let (s, _, body) = call(req).await;
        assert_eq!(s, StatusCode::OK);
        let fc = json_body(&body);
        assert_eq!(fc["metadata"]["document_count"], 2);
        assert_eq!(fc["features"][0]["properties"]["doc_count"], 2);
        let req = Request::post("/api/aggregate")
            .body(Body::from("not json\n"))
            .unwrap();
        let (s, _, body) = call(req).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json_body(&body)["error"]
            .as_str()
            .unwrap()
            .contains("upload:1"));
    }

    #[tokio::test]
    async fn maps_plain_text_json_and_html() {
        let req = Request::post("/api/map")
            .body(Body::from("Shelling in Aleppo, Syria."))
            .unwrap();
        let (s, _, body) = call(req).await;
        assert_eq!(s, StatusCode::OK);
        let fc = json_body(&body);
        assert_eq!(fc["type"], "FeatureCollection");
        assert_eq!(fc["features"].as_array().unwrap().len(), 2);

        let req = Request::post("/api/map")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"text": "<html><body><nav>Home</nav><article><h1>News</h1><p>Fighting went on in Aleppo on Monday, residents said, as talks stalled again.</p></article></body></html>", "format": "html"}"#))
            .unwrap();
        let (s, _, body) = call(req).await;
        assert_eq!(s, StatusCode::OK);
        let fc = json_body(&body);
        assert_eq!(fc["features"][0]["properties"]["geonameid"], 170063);

        let req = Request::post("/api/map").body(Body::empty()).unwrap();
        let (s, _, body) = call(req).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(json_body(&body)["features"].as_array().unwrap().len(), 0);
    }

    #[tokio::test]
    async fn map_errors_are_json() {
        let req = Request::post("/api/map")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{not json"))
            .unwrap();
        let (s, _, body) = call(req).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(json_body(&body)["error"].as_str().unwrap().contains("JSON"));

        let big = vec![b'a'; MAX_BODY_BYTES + 1];
        let req = Request::post("/api/map").body(Body::from(big)).unwrap();
        let (s, _, body) = call(req).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(json_body(&body)["error"].is_string());

        let req = Request::post("/api/map")
            .body(Body::from(vec![0xff, 0xfe]))
            .unwrap();
        let (s, _, _) = call(req).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn resolve_and_near() {
        let (s, _, body) = call(get_req("/api/resolve?name=Halab")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(json_body(&body)[0]["geonameid"], 170063);
        let (s, _, _) = call(get_req("/api/resolve")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);

        let (s, _, body) = call(get_req("/api/near?lat=36.2&lon=37.16&km=5")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(json_body(&body)[0]["id"], 170063);
        for bad in [
            "/api/near?lat=95&lon=0",
            "/api/near?lat=x&lon=0",
            "/api/near?lon=0",
            "/api/near?lat=0&lon=0&km=-1",
        ] {
            let (s, _, body) = call(get_req(bad)).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
            assert!(json_body(&body)["error"].is_string(), "{bad}");
        }
    }
}
