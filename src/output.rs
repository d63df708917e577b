//! Writing mapped places as GeoJSON (RFC 7946), GeoJSON text sequences (RFC 8142)
//! and CSV.
//!
//! Every place is a Point Feature at [longitude, latitude] with flat properties:
//! `name`, `gazetteer_name`, `geonameid`, `layer`, `feature_code`, `country_code`,
//! `admin1`, `population`, `confidence`, `method`, `uncertainty_km`, `mention_count`
//! and `mentions` (each with code-point `start`/`end`, `byte_start`/`byte_end`, `text`,
//! `kind` and `snippet`; the first 1,000 by default, see
//! [`crate::pipeline::DEFAULT_MAX_MENTIONS`]), plus `mentions_truncated` (how many
//! were left out) only when some were; CSV rows carry the same values flat
//! ([`crate::rows`]). The collection carries a `metadata` member with the
//! generator, the source, the gazetteer and its attribution (GeoNames CC BY 4.0), and
//! the text's `language` (ISO 639-1 `code`, `name`, `script`, detector `confidence`,
//! `forced` when set with `--lang`).

use std::io::Write;

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, JsonValue};
use serde_json::json;

use crate::error::Error;
use crate::gazetteer::{Gazetteer, Layer};
use crate::pipeline::{MappedDocument, MappedPlace, Method};

/// The credit GeoNames' CC BY 4.0 licence asks for.
pub const GEONAMES_ATTRIBUTION: &str =
    "Place data from GeoNames (https://www.geonames.org), licensed CC BY 4.0";

/// The credit Natural Earth asks for (its data is public domain): the bundled
/// gazetteer's seas, rivers, islands, informal regions and first-level label points
/// come from it.
pub const NATURAL_EARTH_ATTRIBUTION: &str =
    "Made with Natural Earth (https://www.naturalearthdata.com), public domain";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One GeoJSON FeatureCollection.
    GeoJson,
    /// GeoJSON text sequence: one Feature per record (RFC 8142).
    GeoJsonSeq,
    /// CSV, one row per place.
    Csv,
}

/// What the collection says about where it came from.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// The input: a path, "stdin", a URL.
    pub source: Option<String>,
    /// Document id in a batch.
    pub doc: Option<String>,
    /// The page's title, for HTML input.
    pub title: Option<String>,
    /// When the source was fetched, RFC 3339 UTC, for URLs.
    pub fetched_at: Option<String>,
    /// What was done to the input before mapping, in order (e.g.
    /// "html-main-text", "boilerplate-filter: removed 2 trailing paragraphs");
    /// mention offsets refer to the text after these steps.
    pub preprocessing: Vec<String>,
}

/// One place as a GeoJSON Feature.
pub fn feature(gazetteer: &Gazetteer, place: &MappedPlace, doc: Option<&str>) -> Feature {
    let g = place.place.map(|i| gazetteer.place(i));
    let mut props = JsonObject::new();
    let mut put = |k: &str, v: JsonValue| {
        props.insert(k.to_string(), v);
    };
    put("name", json!(place.name));
    let g = g.as_deref();
    put("gazetteer_name", json!(g.map(|p| p.name.clone())));
    put(
        "geonameid",
        json!(g.filter(|p| p.has_geonames_id()).map(|p| p.id)),
    );
    put("layer", json!(place.layer.as_str()));
    put("feature_code", json!(g.map(|p| p.feature_code.clone())));
    let country = g
        .map(|p| p.country_code.clone())
        .or_else(|| {
            place
                .anchor
                .map(|a| gazetteer.place(a).country_code.clone())
        })
        .filter(|c| !c.is_empty());
    put("country_code", json!(country));
    put(
        "admin1",
        json!(g.map(|p| p.admin1.clone()).filter(|a| !a.is_empty())),
    );
    put(
        "population",
        json!(g.map(|p| p.population).filter(|&n| n > 0)),
    );
    put("confidence", json!(round(place.confidence, 3)));
    put("method", json!(place.method));
    put(
        "uncertainty_km",
        json!(place.uncertainty_km.map(|u| round(u, 1))),
    );
    put(
        "anchor",
        json!(place.anchor.map(|a| gazetteer.place(a).name.clone())),
    );
    put("mention_count", json!(place.mention_count));
    put("mentions", json!(place.mentions));
    if place.mentions_truncated() > 0 {
        // Only then, so ordinary output is unchanged.
        put("mentions_truncated", json!(place.mentions_truncated()));
    }
    if let Some(d) = doc {
        put("doc", json!(d));
    }
    let id = match (g, place.method) {
        (Some(p), _) if p.has_geonames_id() => format!("geonames:{}", p.id),
        (Some(p), _) => format!("mentionmap:{}", p.id),
        (None, Method::Relative) | (None, Method::Gazetteer) => {
            format!(
                "relative:{}",
                crate::text::fold_name(&place.name).replace(' ', "-")
            )
        }
    };
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(geojson::Value::Point(vec![
            round(place.lon_lat.0, 6),
            round(place.lon_lat.1, 6),
        ]))),
        id: Some(geojson::feature::Id::String(id)),
        properties: Some(props),
        foreign_members: None,
    }
}

/// The `metadata` member of a collection.
pub fn metadata(gazetteer: &Gazetteer, meta: &Metadata, layers: &[Layer]) -> JsonValue {
    let mut attribution = vec![GEONAMES_ATTRIBUTION.to_string()];
    attribution.extend(
        gazetteer
            .attribution()
            .iter()
            .filter(|a| !a.contains("GeoNames (https"))
            .map(|a| {
                // The gazetteer's own line says which data came from Natural Earth;
                // the output carries the credit in the words Natural Earth asks for.
                if a.starts_with("Made with Natural Earth") {
                    NATURAL_EARTH_ATTRIBUTION.to_string()
                } else {
                    a.clone()
                }
            }),
    );

    json!({
        "generator": concat!("mentionmap ", env!("CARGO_PKG_VERSION")),
        "source": meta.source,
        "doc": meta.doc,
        "title": meta.title,
        "fetched_at": meta.fetched_at,
        "preprocessing": meta.preprocessing,
        "gazetteer": gazetteer.source(),
        "attribution": attribution,
        "layers": layers.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "crs": "WGS84 longitude, latitude (RFC 7946)",
    })
}

/// The places of `doc` on `layers` as one FeatureCollection.
pub fn feature_collection(
    gazetteer: &Gazetteer,
    doc: &MappedDocument,
    meta: &Metadata,
    layers: &[Layer],
) -> FeatureCollection {
    let features = doc
        .places
        .iter()
        .filter(|p| layers.contains(&p.layer))
        .map(|p| feature(gazetteer, p, meta.doc.as_deref()))
        .collect();
    let mut foreign = JsonObject::new();
    let mut m = metadata(gazetteer, meta, layers);
    if let (Some(obj), Some(lang)) = (m.as_object_mut(), &doc.language) {
        obj.insert("language".into(), json!(lang));
    }
    foreign.insert("metadata".into(), m);
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(foreign),
    }
}

/// Writes the places of `doc` in `format`.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    gazetteer: &Gazetteer,
    doc: &MappedDocument,
    meta: &Metadata,
    layers: &[Layer],
) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Output(e.to_string());
    match format {
        Format::GeoJson => {
            let fc = feature_collection(gazetteer, doc, meta, layers);
            serde_json::to_writer_pretty(&mut *out, &fc)
                .map_err(|e| Error::Output(e.to_string()))?;
            writeln!(out).map_err(io)?;
        }
        Format::GeoJsonSeq => {
            for p in doc.places.iter().filter(|p| layers.contains(&p.layer)) {
                let f = feature(gazetteer, p, meta.doc.as_deref());
                out.write_all(b"\x1e").map_err(io)?;
                serde_json::to_writer(&mut *out, &f).map_err(|e| Error::Output(e.to_string()))?;
                writeln!(out).map_err(io)?;
            }
        }
        Format::Csv => write_csv(out, gazetteer, doc, meta, layers)?,
    }
    Ok(())
}

/// CSV columns, one row per place: [`crate::rows::CSV_COLUMNS`], the column set
/// the Python rows share.
pub const CSV_HEADER: [&str; 17] = crate::rows::CSV_COLUMNS;

fn write_csv(
    out: &mut dyn Write,
    gazetteer: &Gazetteer,
    doc: &MappedDocument,
    meta: &Metadata,
    layers: &[Layer],
) -> Result<(), Error> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| Error::Output(e.to_string());
    w.write_record(CSV_HEADER).map_err(err)?;
    let doc_id = meta.doc.as_deref().unwrap_or_default();
    for p in doc.places.iter().filter(|p| layers.contains(&p.layer)) {
        w.write_record(crate::rows::PlaceValues::new(gazetteer, p).csv_record(doc_id, p))
            .map_err(err)?;
    }
    w.flush().map_err(|e| Error::Output(e.to_string()))?;
    Ok(())
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}
