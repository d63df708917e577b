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
use crate::gazetteer::{Gazetteer, Layer, Place};
use crate::pipeline::{MappedDocument, MappedPlace, MentionSpan, Method};

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
    let id = feature_id(g, place);
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

/// A feature's id: `geonames:ID`, `mentionmap:ID` for a place of another source, or
/// `relative:folded-name` for a place estimated from a relation.
fn feature_id(g: Option<&Place>, place: &MappedPlace) -> String {
    match g {
        Some(p) if p.has_geonames_id() => format!("geonames:{}", p.id),
        Some(p) => format!("mentionmap:{}", p.id),
        None => format!(
            "relative:{}",
            crate::text::fold_name(&place.name).replace(' ', "-")
        ),
    }
}

/// One place as a GeoJSON text sequence record: exactly what [`feature`] serializes
/// to (the test `record_serializes_as_feature` holds them together), written
/// straight from the place instead of through a map of JSON values, which was
/// a ninth of mapping a batch. Fields are in the order serde_json writes that
/// Feature: its own members in geojson's order, properties and mentions sorted by
/// key (a JSON object map keeps them sorted).
#[derive(serde::Serialize)]
struct FeatureRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    geometry: PointRecord,
    properties: PropertiesRecord<'a>,
    id: String,
}

#[derive(serde::Serialize)]
struct PointRecord {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

#[derive(serde::Serialize)]
struct PropertiesRecord<'a> {
    admin1: Option<&'a str>,
    anchor: Option<&'a str>,
    confidence: f64,
    country_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<&'a str>,
    feature_code: Option<&'a str>,
    gazetteer_name: Option<&'a str>,
    geonameid: Option<u64>,
    layer: &'static str,
    mention_count: usize,
    mentions: MentionsRecord<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mentions_truncated: Option<usize>,
    method: Method,
    name: &'a str,
    population: Option<u64>,
    uncertainty_km: Option<f64>,
}

/// The mentions, each with its keys sorted.
struct MentionsRecord<'a>(&'a [MentionSpan]);

impl serde::Serialize for MentionsRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|m| MentionRecord {
            byte_end: m.byte_end,
            byte_start: m.byte_start,
            end: m.end,
            kind: m.kind,
            snippet: &m.snippet,
            start: m.start,
            text: &m.text,
        }))
    }
}

#[derive(serde::Serialize)]
struct MentionRecord<'a> {
    byte_end: usize,
    byte_start: usize,
    end: usize,
    kind: &'static str,
    snippet: &'a str,
    start: usize,
    text: &'a str,
}

impl<'a> FeatureRecord<'a> {
    /// `g` is the place's gazetteer entry, `anchor` its anchor's.
    fn new(
        place: &'a MappedPlace,
        g: Option<&'a Place>,
        anchor: Option<&'a Place>,
        doc: Option<&'a str>,
    ) -> Self {
        let nonempty = |s: &'a str| Some(s).filter(|s| !s.is_empty());
        let truncated = place.mentions_truncated();
        FeatureRecord {
            kind: "Feature",
            geometry: PointRecord {
                kind: "Point",
                coordinates: [round(place.lon_lat.0, 6), round(place.lon_lat.1, 6)],
            },
            properties: PropertiesRecord {
                admin1: g.and_then(|p| nonempty(&p.admin1)),
                anchor: anchor.map(|a| a.name.as_str()),
                confidence: round(place.confidence, 3),
                country_code: g.or(anchor).and_then(|p| nonempty(&p.country_code)),
                doc,
                feature_code: g.map(|p| p.feature_code.as_str()),
                gazetteer_name: g.map(|p| p.name.as_str()),
                geonameid: g.filter(|p| p.has_geonames_id()).map(|p| p.id),
                layer: place.layer.as_str(),
                mention_count: place.mention_count,
                mentions: MentionsRecord(&place.mentions),
                mentions_truncated: (truncated > 0).then_some(truncated),
                method: place.method,
                name: &place.name,
                population: g.map(|p| p.population).filter(|&n| n > 0),
                uncertainty_km: place.uncertainty_km.map(|u| round(u, 1)),
            },
            id: feature_id(g, place),
        }
    }
}

/// Writes one place as a GeoJSON text sequence record (RFC 8142: RS, JSON, LF).
fn write_record(
    out: &mut dyn Write,
    gazetteer: &Gazetteer,
    place: &MappedPlace,
    doc: Option<&str>,
) -> Result<(), Error> {
    let g = place.place.map(|i| gazetteer.place(i));
    let anchor = place.anchor.map(|a| gazetteer.place(a));
    let record = FeatureRecord::new(place, g.as_deref(), anchor.as_deref(), doc);
    let io = |e: std::io::Error| Error::Output(e.to_string());
    out.write_all(b"\x1e").map_err(io)?;
    serde_json::to_writer(&mut *out, &record).map_err(|e| Error::Output(e.to_string()))?;
    out.write_all(b"\n").map_err(io)
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
    foreign.insert(
        "metadata".into(),
        collection_metadata(gazetteer, doc, meta, layers),
    );
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(foreign),
    }
}

/// The collection's `metadata` member: [`metadata`] with the document's language.
fn collection_metadata(
    gazetteer: &Gazetteer,
    doc: &MappedDocument,
    meta: &Metadata,
    layers: &[Layer],
) -> JsonValue {
    let mut m = metadata(gazetteer, meta, layers);
    if let (Some(obj), Some(lang)) = (m.as_object_mut(), &doc.language) {
        obj.insert("language".into(), json!(lang));
    }
    m
}

/// A FeatureCollection as [`feature_collection`] builds it, serialized straight from
/// the places as [`FeatureRecord`]s: building a map of JSON values per feature and
/// mention first was a third of mapping a text dense in places.
#[derive(serde::Serialize)]
struct CollectionRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<FeatureRecord<'a>>,
    metadata: JsonValue,
}

/// Writes the places of `doc` on `layers` as one pretty-printed FeatureCollection,
/// byte for byte what serializing [`feature_collection`] writes.
fn write_collection(
    out: &mut Vec<u8>,
    gazetteer: &Gazetteer,
    doc: &MappedDocument,
    meta: &Metadata,
    layers: &[Layer],
) -> Result<(), Error> {
    let shown: Vec<&MappedPlace> = doc
        .places
        .iter()
        .filter(|p| layers.contains(&p.layer))
        .collect();
    // The entries first: a record borrows them, and a mapped store decodes them.
    let entries: Vec<_> = shown
        .iter()
        .map(|p| {
            (
                p.place.map(|i| gazetteer.place(i)),
                p.anchor.map(|a| gazetteer.place(a)),
            )
        })
        .collect();
    let features = shown
        .iter()
        .zip(&entries)
        .map(|(p, (g, a))| FeatureRecord::new(p, g.as_deref(), a.as_deref(), meta.doc.as_deref()))
        .collect();
    let record = CollectionRecord {
        kind: "FeatureCollection",
        features,
        metadata: collection_metadata(gazetteer, doc, meta, layers),
    };
    serde_json::to_writer_pretty(&mut *out, &record).map_err(|e| Error::Output(e.to_string()))?;
    out.push(b'\n');
    Ok(())
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
    // JSON is written in many small pieces: into memory first, then in one call, so
    // that each piece is not a call through `dyn Write` and the file's buffer.
    let mut buf = Vec::new();
    match format {
        Format::GeoJson => write_collection(&mut buf, gazetteer, doc, meta, layers)?,
        Format::GeoJsonSeq => {
            for p in doc.places.iter().filter(|p| layers.contains(&p.layer)) {
                write_record(&mut buf, gazetteer, p, meta.doc.as_deref())?;
            }
        }
        Format::Csv => return write_csv(out, gazetteer, doc, meta, layers),
    }
    out.write_all(&buf)
        .map_err(|e| Error::Output(e.to_string()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Mapper;
    use std::sync::Arc;

    /// The text-sequence record of every place is byte for byte the Feature that
    /// `feature` builds, for gazetteer places, relative places with an anchor, a
    /// document id and truncated mentions.
    #[test]
    fn record_serializes_as_feature() {
        let gazetteer = Arc::new(Gazetteer::bundled().expect("bundled gazetteer"));
        let text = "Rebels held the Handarat area on the northern edge of Aleppo. Fighting \
                    in Homs and Damascus went on. Aleppo and Homs were quiet; Syrian officials \
                    met in Geneva. Aleppo again, and Aleppo.";
        for mapper in [
            Mapper::new(gazetteer.clone()),
            Mapper::builder()
                .max_mentions(Some(1))
                .build(gazetteer.clone()),
        ] {
            let doc = mapper.map(text);
            assert!(doc.places.len() >= 4, "{:?}", doc.places);
            assert!(doc.places.iter().any(|p| p.anchor.is_some()));
            for d in [None, Some("doc-1")] {
                for p in &doc.places {
                    let mut out = Vec::new();
                    write_record(&mut out, &gazetteer, p, d).unwrap();
                    let want = serde_json::to_string(&feature(&gazetteer, p, d)).unwrap();
                    assert_eq!(String::from_utf8(out).unwrap(), format!("\x1e{want}\n"));
                }
            }
            let meta = Metadata {
                doc: Some("doc-1".into()),
                ..Metadata::default()
            };
            for layers in [&Layer::ALL[..], &[Layer::Cities][..], &[][..]] {
                let mut out = Vec::new();
                write_collection(&mut out, &gazetteer, &doc, &meta, layers).unwrap();
                let fc = feature_collection(&gazetteer, &doc, &meta, layers);
                let want = serde_json::to_string_pretty(&fc).unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), format!("{want}\n"));
            }
        }
    }
}
