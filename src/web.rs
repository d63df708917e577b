//! The bundled map page (`web/`): its files compiled into the library, and a
//! self-contained HTML file with a map's data inlined.
//!
//! `web/index.html` marks each asset with a comment block,
//! `<!-- mentionmap:NAME -->…<!-- /mentionmap:NAME -->` (see `web/README.md`).
//! Served over HTTP the page loads the files by their relative paths; written as one
//! file ([`self_contained_html`]) each block is replaced by the file's contents and
//! the data by `<script>window.MENTIONMAP_DATA = …;</script>`, so it opens from disk
//! with no network: Leaflet, the basemap and the data are all inside.

/// A file of the page: its path under `web/`, content type and bytes.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Path under `web/`, as the page requests it ("vendor/leaflet/leaflet.js").
    pub path: &'static str,
    /// HTTP content type.
    pub content_type: &'static str,
    /// The file.
    pub bytes: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $ctype:literal) => {
        Asset {
            path: $path,
            content_type: $ctype,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/web/", $path)),
        }
    };
}

/// Every file the page needs.
pub const ASSETS: &[Asset] = &[
    asset!("index.html", "text/html; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("style.css", "text/css; charset=utf-8"),
    asset!("basemap/countries.js", "text/javascript; charset=utf-8"),
    asset!("basemap/labels.js", "text/javascript; charset=utf-8"),
    asset!("basemap/admin1.js", "text/javascript; charset=utf-8"),
    asset!(
        "vendor/leaflet/leaflet.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("vendor/leaflet/leaflet.css", "text/css; charset=utf-8"),
    asset!("vendor/leaflet/images/layers.png", "image/png"),
    asset!("vendor/leaflet/images/layers-2x.png", "image/png"),
    asset!("vendor/leaflet/images/marker-icon.png", "image/png"),
    asset!("vendor/leaflet/images/marker-icon-2x.png", "image/png"),
    asset!("vendor/leaflet/images/marker-shadow.png", "image/png"),
    asset!("vendor/leaflet/LICENSE", "text/plain; charset=utf-8"),
];

/// The asset at a path under `web/` ("" is the page itself).
pub fn asset(path: &str) -> Option<&'static Asset> {
    let path = if path.is_empty() { "index.html" } else { path };
    ASSETS.iter().find(|a| a.path == path)
}

fn text(path: &str) -> &'static str {
    let a = asset(path).expect("asset compiled in");
    std::str::from_utf8(a.bytes).expect("text asset is UTF-8")
}

/// JSON that can sit inside a `<script>` element: every `<` escaped (so neither
/// `</script>` nor `<!--` can appear) and the two line separators JavaScript
/// rejects in string literals escaped.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    let s = serde_json::to_string(value).expect("a JSON value serialises");
    s.replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// One HTML file holding the page, its assets and `collection` (a GeoJSON
/// FeatureCollection): it opens from disk, with no network.
pub fn self_contained_html(collection: &serde_json::Value) -> String {
    let mut html = text("index.html").to_string();
    // A closing tag inside an inlined file would end its element early.
    let script = |path: &str| {
        format!(
            "<script>{}</script>",
            text(path).replace("</script", "<\\/script")
        )
    };
    let style = |path: &str| {
        format!(
            "<style>{}</style>",
            text(path).replace("</style", "<\\/style")
        )
    };
    let blocks = [
        ("leaflet-css", style("vendor/leaflet/leaflet.css")),
        ("style-css", style("style.css")),
        ("leaflet-js", script("vendor/leaflet/leaflet.js")),
        ("basemap-js", script("basemap/countries.js")),
        ("labels-js", script("basemap/labels.js")),
        // Empty in index.html: a served page loads admin1.js only once zoomed in.
        ("admin1-js", script("basemap/admin1.js")),
        (
            "data",
            format!(
                "<script>window.MENTIONMAP_DATA = {};</script>",
                script_safe_json(collection)
            ),
        ),
        ("app-js", script("app.js")),
    ];
    for (name, replacement) in blocks {
        let (open, close) = (
            format!("<!-- mentionmap:{name} -->"),
            format!("<!-- /mentionmap:{name} -->"),
        );
        let (Some(i), Some(j)) = (html.find(&open), html.find(&close)) else {
            panic!("web/index.html lacks the {name} block (a build-time invariant)");
        };
        html.replace_range(i..j + close.len(), &replacement);
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inlines_every_block_and_the_data() {
        let fc = serde_json::json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.16, 36.2]},
             "properties": {"name": "Aleppo", "mentions": [{"snippet": "a </script><script>alert(1)</script> \u{2028}"}]}}]});
        let html = self_contained_html(&fc);
        assert!(!html.contains("<!-- mentionmap:"), "a marker is left");
        assert!(!html.contains("src=\"vendor/") && !html.contains("href=\"style.css\""));
        // The data cannot close its script element, and round-trips.
        let start =
            html.find("window.MENTIONMAP_DATA = ").unwrap() + "window.MENTIONMAP_DATA = ".len();
        let end = start + html[start..].find(";</script>").unwrap();
        let json = &html[start..end];
        assert!(!json.contains('<') && !json.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(back, fc);
        assert!(html.contains("L.map") || html.contains("Leaflet"));
    }

    #[test]
    fn assets_resolve() {
        assert!(asset("").unwrap().content_type.starts_with("text/html"));
        assert!(asset("vendor/leaflet/leaflet.js").is_some());
        assert!(asset("../Cargo.toml").is_none());
    }
}
