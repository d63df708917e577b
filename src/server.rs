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
//! Errors are JSON `{"error": "..."}` with a 4xx status: 400 for bad JSON or
//! parameters, 413 over [`MAX_BODY_BYTES`]. Mapping runs on a blocking thread so the
//! server keeps answering while a long text is mapped.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::gazetteer::Layer;
use crate::output::{feature_collection, Metadata};
use crate::pipeline::Mapper;

/// The largest request body accepted: 5 MB.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// What every handler shares: the mapper (and through it the gazetteer).
#[derive(Clone)]
pub struct AppState {
    mapper: Arc<Mapper>,
}

impl AppState {
    /// State over a mapper.
    pub fn new(mapper: Arc<Mapper>) -> Self {
        AppState { mapper }
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
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
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
struct MapRequest {
    text: String,
    #[serde(default)]
    format: Option<String>,
}

async fn map(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) => return error(e.status(), e.body_text()),
    };
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let (text, html) = if is_json {
        match serde_json::from_slice::<MapRequest>(&body) {
            Ok(r) => {
                let html = r.format.as_deref() == Some("html");
                (r.text, html)
            }
            Err(e) => return error(StatusCode::BAD_REQUEST, format!("bad JSON: {e}")),
        }
    } else {
        match String::from_utf8(body.to_vec()) {
            Ok(t) => (t, false),
            Err(_) => return error(StatusCode::BAD_REQUEST, "the body is not UTF-8 text"),
        }
    };
    let mapper = state.mapper.clone();
    let result = tokio::task::spawn_blocking(move || {
        let (text, title) = if html {
            let e = crate::html::extract(&text);
            (e.text, e.title)
        } else {
            (text, None)
        };
        let doc = mapper.map(&text);
        let meta = Metadata {
            source: Some("api/map".into()),
            title,
            ..Default::default()
        };
        serde_json::to_value(feature_collection(
            mapper.gazetteer(),
            &doc,
            &meta,
            &Layer::ALL,
        ))
    })
    .await;
    match result {
        Ok(Ok(fc)) => Json(fc).into_response(),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("mapping failed: {e}"),
        ),
    }
}

/// `POST /api/aggregate`: a JSONL body (one document per line, as for
/// `map --jsonl`; URLs are not fetched) → the corpus as one feature per place
/// ([`crate::aggregate::aggregate_jsonl`]). 422 when no line is a document.
async fn aggregate(State(state): State<AppState>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) => return error(e.status(), e.body_text()),
    };
    let mapper = state.mapper.clone();
    let result = tokio::task::spawn_blocking(move || {
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

/// Serves `app` on `addr` until the process is stopped; prints the URL it listens on
/// (the real port when `addr` asks for port 0).
pub fn serve(mapper: Arc<Mapper>, addr: &str) -> Result<(), crate::Error> {
    let io = |e: std::io::Error| crate::Error::BadInput {
        source_name: format!("serve {addr}"),
        message: e.to_string(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(io)?;
        let local = listener.local_addr().map_err(io)?;
        println!("mentionmap: serving the map on http://{local}/ (Ctrl-C stops)");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        axum::serve(listener, app(AppState::new(mapper)))
            .await
            .map_err(io)
    })
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
