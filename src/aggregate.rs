//! A map of a whole corpus: the places of many documents merged into one
//! feature per place, with how many documents and mentions name it and which
//! documents those are.
//!
//! Each document's features (as [`crate::output::feature`] writes them) are
//! folded in with [`Aggregator::add`]; a place is the same place across documents
//! when its feature id is the same (`geonames:N`, `mentionmap:N`), and for
//! relative estimates (`relative:NAME`, no gazetteer entry) when the estimated
//! point is also the same to [`RELATIVE_KEY_DEGREES`]. The result
//! ([`Aggregator::feature_collection`]) has one Point feature per place with
//! `doc_count`, `mention_count`, `docs` (the document ids, in input order),
//! `doc_mentions` (mentions per listed document) and up to
//! [`DEFAULT_MAX_SNIPPETS`] `snippets` (`{doc, snippet}`, from the documents that
//! mention the place most); the `metadata` lists the documents
//! (`id`, and `title`/`date` when known) so that a page can filter by them.
//!
//! Memory grows with the number of (place, document) pairs, not with the text:
//! a document's mentions are dropped once counted.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

/// Snippets kept per place: enough to show what a place is talked about for in a
/// popup, few enough that a 10,000-document map stays a few MB.
pub const DEFAULT_MAX_SNIPPETS: usize = 5;

/// Relative estimates without a gazetteer entry are one place across documents
/// only if their points agree to this many degrees (about 1 km): the same phrase
/// ("north of Aleppo") gives the same point, different anchors do not.
pub const RELATIVE_KEY_DEGREES: f64 = 0.01;

/// The properties of a document's feature that describe the place itself (the
/// same in every document), copied to the aggregated feature.
const PLACE_PROPERTIES: [&str; 10] = [
    "gazetteer_name",
    "geonameid",
    "layer",
    "feature_code",
    "country_code",
    "admin1",
    "population",
    "method",
    "uncertainty_km",
    "anchor",
];

/// One document of a corpus, as the aggregated map lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocInfo {
    /// Its id (JSONL `id`, or the path under the directory).
    pub id: String,
    /// Its title, when the JSONL or the HTML gave one.
    pub title: Option<String>,
    /// Its date as the JSONL gave it (ISO 8601 is what the page's time filter reads).
    pub date: Option<String>,
}

/// Builds an [`Aggregator`].
#[derive(Debug, Clone)]
pub struct AggregatorBuilder {
    max_snippets: usize,
}

impl AggregatorBuilder {
    /// Snippets kept per place (default [`DEFAULT_MAX_SNIPPETS`]).
    pub fn max_snippets(mut self, n: usize) -> Self {
        self.max_snippets = n;
        self
    }

    /// The aggregator.
    pub fn build(self) -> Aggregator {
        Aggregator {
            max_snippets: self.max_snippets,
            docs: Vec::new(),
            errors: 0,
            index: HashMap::new(),
            places: Vec::new(),
        }
    }
}

/// Places of many documents, merged (see the module docs).
#[derive(Debug)]
pub struct Aggregator {
    max_snippets: usize,
    docs: Vec<DocInfo>,
    errors: usize,
    index: HashMap<String, usize>,
    places: Vec<PlaceTotals>,
}

#[derive(Debug)]
struct PlaceTotals {
    id: String,
    lon_lat: (f64, f64),
    name: String,
    props: Map<String, Value>,
    confidence: f64,
    mentions: u64,
    /// (document index, mentions in it), one entry per document.
    docs: Vec<(u32, u32)>,
    /// (mentions in the document, {doc, snippet}).
    snippets: Vec<(u32, Value)>,
}

impl Default for Aggregator {
    fn default() -> Self {
        Aggregator::builder().build()
    }
}

impl Aggregator {
    /// A builder with the defaults.
    pub fn builder() -> AggregatorBuilder {
        AggregatorBuilder {
            max_snippets: DEFAULT_MAX_SNIPPETS,
        }
    }

    /// Folds in one document and its features (Points; others are skipped).
    pub fn add(&mut self, doc: DocInfo, features: &[geojson::Feature]) {
        let doc_index = self.docs.len() as u32;
        for f in features {
            let (Some(props), Some((lon, lat))) = (&f.properties, point(f)) else {
                continue;
            };
            let key = place_key(f, props, lon, lat);
            let i = match self.index.get(&key) {
                Some(&i) => i,
                None => {
                    self.index.insert(key, self.places.len());
                    self.places.push(PlaceTotals::new(f, props, lon, lat));
                    self.places.len() - 1
                }
            };
            let n = mention_count(props);
            let place = &mut self.places[i];
            place.mentions += n as u64;
            if let Some(c) = props.get("confidence").and_then(Value::as_f64) {
                place.confidence = place.confidence.max(c);
            }
            // A document may hold the same place twice (two layers never share an
            // id, but two relative phrases may share a point): one entry per document.
            match place.docs.last_mut() {
                Some(last) if last.0 == doc_index => last.1 += n,
                _ => place.docs.push((doc_index, n)),
            }
            // Keep the snippets of the documents that mention the place most (the
            // ones a popup lists first); ties keep the earlier document.
            if let Some(s) = first_snippet(props) {
                let entry = (n, json!({"doc": doc.id, "snippet": s}));
                if place.snippets.len() < self.max_snippets {
                    place.snippets.push(entry);
                } else if let Some(min) = place
                    .snippets
                    .iter_mut()
                    .filter(|e| e.0 < n)
                    .min_by_key(|e| e.0)
                {
                    *min = entry;
                }
            }
        }
        self.docs.push(doc);
    }

    /// Counts a document that could not be read or mapped.
    pub fn add_error(&mut self) {
        self.errors += 1;
    }

    /// Documents folded in.
    pub fn documents(&self) -> usize {
        self.docs.len()
    }

    /// Distinct places so far.
    pub fn places(&self) -> usize {
        self.places.len()
    }

    /// Documents that failed.
    pub fn errors(&self) -> usize {
        self.errors
    }

    /// The aggregated map: a FeatureCollection, most-documented places first.
    /// `metadata` (an object, e.g. [`crate::output::metadata`]) gets
    /// `aggregate: true`, `documents` (the list), `document_count`, `places` and
    /// `errors`.
    pub fn feature_collection(&self, metadata: Value) -> Value {
        let mut order: Vec<&PlaceTotals> = self.places.iter().collect();
        order.sort_by(|a, b| {
            b.docs
                .len()
                .cmp(&a.docs.len())
                .then(b.mentions.cmp(&a.mentions))
                .then_with(|| a.name.cmp(&b.name))
        });
        let features: Vec<Value> = order.iter().map(|p| p.to_feature(&self.docs)).collect();
        let mut meta = match metadata {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let documents: Vec<Value> = self.docs.iter().map(doc_json).collect();
        meta.insert("aggregate".into(), json!(true));
        meta.insert("document_count".into(), json!(self.docs.len()));
        meta.insert("places".into(), json!(self.places.len()));
        meta.insert("errors".into(), json!(self.errors));
        meta.insert("documents".into(), Value::Array(documents));
        json!({"type": "FeatureCollection", "features": features, "metadata": meta})
    }
}

/// Maps and aggregates the documents of a JSONL text (an upload): one
/// `{"id", "text"|"html", "title"?, "date"?}` per line, as for `map --jsonl`.
/// URLs are not fetched (the caller may be anyone): such a line, like a bad one,
/// counts as an error, listed in `metadata.error_lines` (first
/// [`MAX_ERROR_LINES`]). All layers; documents mapped in parallel.
pub fn aggregate_jsonl(
    mapper: &crate::pipeline::Mapper,
    jsonl: &[u8],
    name: &str,
) -> Result<Value, crate::Error> {
    let gazetteer = mapper.gazetteer();
    let layers = crate::Layer::ALL;
    let options = crate::source::PrepareOptions::default();
    let docs = crate::batch::jsonl_reader_docs(
        jsonl,
        name.to_string(),
        crate::batch::jsonl_line_cap(options.max_bytes),
    );
    let mut agg = Aggregator::default();
    let mut error_lines: Vec<String> = Vec::new();
    let render = |r: &Result<crate::batch::DocResult, crate::batch::DocError>| match r {
        Ok(d) => {
            crate::output::feature_collection(gazetteer, &d.mapped, &d.prepared.meta, &layers)
                .features
        }
        Err(_) => Vec::new(),
    };
    crate::batch::run(mapper, docs, None, &options, render, |r, features| {
        match r {
            Ok(d) => agg.add(
                DocInfo {
                    id: d.id.clone(),
                    title: d.prepared.meta.title.clone(),
                    date: d.date.clone(),
                },
                &features,
            ),
            Err(e) => {
                agg.add_error();
                if error_lines.len() < MAX_ERROR_LINES {
                    error_lines.push(e.to_string());
                }
            }
        }
        Ok(())
    })?;
    let meta = crate::output::metadata(
        gazetteer,
        &crate::output::Metadata {
            source: Some(name.to_string()),
            ..Default::default()
        },
        &layers,
    );
    let mut fc = agg.feature_collection(meta);
    fc["metadata"]["error_lines"] = json!(error_lines);
    Ok(fc)
}

/// Error messages kept by [`aggregate_jsonl`]: enough to see what is wrong with
/// an upload without an answer as long as the upload.
pub const MAX_ERROR_LINES: usize = 20;

impl PlaceTotals {
    fn new(f: &geojson::Feature, props: &Map<String, Value>, lon: f64, lat: f64) -> Self {
        let mut kept = Map::new();
        for k in PLACE_PROPERTIES {
            if let Some(v) = props.get(k) {
                kept.insert(k.to_string(), v.clone());
            }
        }
        // Documents spell a place differently ("ALEPPO", "Aleppo"): the gazetteer's
        // name is the one name they share; relative places keep the text's.
        let name = props
            .get("gazetteer_name")
            .and_then(Value::as_str)
            .filter(|_| props.get("method").and_then(Value::as_str) != Some("relative"))
            .or_else(|| props.get("name").and_then(Value::as_str))
            .unwrap_or("")
            .to_string();
        PlaceTotals {
            id: feature_id(f).unwrap_or_default(),
            lon_lat: (lon, lat),
            name,
            props: kept,
            confidence: 0.0,
            mentions: 0,
            docs: Vec::new(),
            snippets: Vec::new(),
        }
    }

    fn to_feature(&self, docs: &[DocInfo]) -> Value {
        let mut props = Map::new();
        props.insert("name".into(), json!(self.name));
        props.extend(self.props.clone());
        props.insert(
            "confidence".into(),
            json!((self.confidence * 1000.0).round() / 1000.0),
        );
        props.insert("doc_count".into(), json!(self.docs.len()));
        props.insert("mention_count".into(), json!(self.mentions));
        let ids: Vec<&str> = self
            .docs
            .iter()
            .map(|&(d, _)| docs[d as usize].id.as_str())
            .collect();
        props.insert("docs".into(), json!(ids));
        let counts: Vec<u32> = self.docs.iter().map(|&(_, n)| n).collect();
        props.insert("doc_mentions".into(), json!(counts));
        let mut snippets = self.snippets.clone();
        snippets.sort_by_key(|e| std::cmp::Reverse(e.0));
        props.insert(
            "snippets".into(),
            Value::Array(snippets.into_iter().map(|e| e.1).collect()),
        );
        json!({
            "type": "Feature",
            "id": self.id,
            "geometry": {"type": "Point", "coordinates": [self.lon_lat.0, self.lon_lat.1]},
            "properties": props,
        })
    }
}

fn doc_json(d: &DocInfo) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(d.id));
    if let Some(t) = &d.title {
        m.insert("title".into(), json!(t));
    }
    if let Some(t) = &d.date {
        m.insert("date".into(), json!(t));
    }
    Value::Object(m)
}

fn point(f: &geojson::Feature) -> Option<(f64, f64)> {
    match &f.geometry.as_ref()?.value {
        geojson::Value::Point(c) if c.len() >= 2 && c[0].is_finite() && c[1].is_finite() => {
            Some((c[0], c[1]))
        }
        _ => None,
    }
}

fn feature_id(f: &geojson::Feature) -> Option<String> {
    match f.id.as_ref()? {
        geojson::feature::Id::String(s) => Some(s.clone()),
        geojson::feature::Id::Number(n) => Some(n.to_string()),
    }
}

/// The identity of a place across documents (see the module docs).
fn place_key(f: &geojson::Feature, props: &Map<String, Value>, lon: f64, lat: f64) -> String {
    let id = feature_id(f).unwrap_or_else(|| {
        props
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    });
    let layer = props.get("layer").and_then(Value::as_str).unwrap_or("");
    if id.starts_with("geonames:") || id.starts_with("mentionmap:") {
        return format!("{id}|{layer}");
    }
    let q = |x: f64| (x / RELATIVE_KEY_DEGREES).round() as i64;
    format!("{id}|{layer}|{}|{}", q(lon), q(lat))
}

fn mention_count(props: &Map<String, Value>) -> u32 {
    props
        .get("mention_count")
        .and_then(Value::as_u64)
        .or_else(|| {
            props
                .get("mentions")
                .and_then(Value::as_array)
                .map(|m| m.len() as u64)
        })
        .unwrap_or(1)
        .min(u32::MAX as u64) as u32
}

fn first_snippet(props: &Map<String, Value>) -> Option<String> {
    props
        .get("mentions")?
        .as_array()?
        .iter()
        .find_map(|m| m.get("snippet").and_then(Value::as_str))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{feature_collection, Metadata};
    use crate::pipeline::Mapper;
    use crate::Layer;
    use std::sync::Arc;

    const GAZ: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
170063\tAleppo\tcity\tPPLA\tSY\t09\t1602264\t36.20124\t37.16117\tHalab\t\t\n\
524901\tMoscow\tcity\tPPLC\tRU\t48\t10381222\t55.75222\t37.61556\t\t\t\n\
163843\tSyria\tcountry\tPCLI\tSY\t\t16906283\t35.0\t38.0\t\tSY\tSyrian\n";

    fn mapper() -> Mapper {
        Mapper::new(Arc::new(crate::gazetteer::testing::from_tsv(GAZ)))
    }

    fn features(mapper: &Mapper, text: &str) -> Vec<geojson::Feature> {
        let doc = mapper.map(text);
        feature_collection(mapper.gazetteer(), &doc, &Metadata::default(), &Layer::ALL).features
    }

    fn doc(id: &str) -> DocInfo {
        DocInfo {
            id: id.into(),
            ..Default::default()
        }
    }

    #[test]
    fn merges_a_place_across_documents_and_counts_both_ways() {
        let mapper = mapper();
        let mut agg = Aggregator::default();
        agg.add(
            doc("a"),
            &features(&mapper, "Shelling in Aleppo. Aleppo was quiet later."),
        );
        agg.add(doc("b"), &features(&mapper, "Talks in Moscow."));
        agg.add(
            DocInfo {
                id: "c".into(),
                title: Some("Third".into()),
                date: Some("2016-12-01".into()),
            },
            &features(&mapper, "ALEPPO is under siege."),
        );
        let fc = agg.feature_collection(json!({}));
        let feats = fc["features"].as_array().unwrap();
        let aleppo = feats
            .iter()
            .find(|f| f["properties"]["name"] == "Aleppo")
            .expect("Aleppo aggregated");
        let p = &aleppo["properties"];
        assert_eq!(p["doc_count"], 2, "{p}");
        assert_eq!(p["mention_count"], 3, "{p}");
        assert_eq!(p["docs"], json!(["a", "c"]));
        assert_eq!(p["doc_mentions"], json!([2, 1]));
        assert_eq!(p["snippets"].as_array().unwrap().len(), 2);
        // The most-documented place comes first; the documents are listed once.
        assert_eq!(feats[0]["properties"]["name"], "Aleppo");
        assert_eq!(fc["metadata"]["document_count"], 3);
        assert_eq!(
            fc["metadata"]["documents"][2],
            json!({"id": "c", "title": "Third", "date": "2016-12-01"})
        );
        assert_eq!(fc["metadata"]["aggregate"], true);
    }

    #[test]
    fn aggregates_an_uploaded_jsonl_and_counts_bad_lines() {
        let jsonl =
            b"{\"id\": \"a\", \"text\": \"Fighting in Aleppo.\", \"date\": \"2016-11-30\"}\n\
not json\n\
{\"id\": \"u\", \"url\": \"http://127.0.0.1:9/\"}\n\
\n\
{\"id\": 7, \"html\": \"<p>Aleppo and Moscow</p>\", \"title\": \"T\"}\n";
        let fc = aggregate_jsonl(&mapper(), jsonl, "upload").unwrap();
        let m = &fc["metadata"];
        assert_eq!(m["document_count"], 2, "{m}");
        assert_eq!(m["errors"], 2, "{m}");
        assert!(
            m["error_lines"][0].as_str().unwrap().contains("upload:2"),
            "{m}"
        );
        assert_eq!(m["documents"][1], json!({"id": "7", "title": "T"}));
        let aleppo = &fc["features"][0]["properties"];
        assert_eq!(aleppo["name"], "Aleppo");
        assert_eq!(aleppo["docs"], json!(["a", "7"]));
    }

    #[test]
    fn snippets_are_capped_and_empty_documents_still_listed() {
        let mapper = mapper();
        let mut agg = Aggregator::builder().max_snippets(2).build();
        for i in 0..5 {
            agg.add(
                doc(&format!("d{i}")),
                &features(&mapper, "News from Aleppo."),
            );
        }
        agg.add(doc("nothing"), &features(&mapper, "No places here at all."));
        agg.add_error();
        let fc = agg.feature_collection(Value::Null);
        let p = &fc["features"][0]["properties"];
        assert_eq!(p["doc_count"], 5);
        assert_eq!(p["snippets"].as_array().unwrap().len(), 2);
        assert_eq!(fc["metadata"]["document_count"], 6);
        // A later document that names the place more often takes a snippet's slot.
        agg.add(
            doc("most"),
            &features(&mapper, "Aleppo. Aleppo. Aleppo again."),
        );
        let fc = agg.feature_collection(Value::Null);
        assert_eq!(
            fc["features"][0]["properties"]["snippets"][0]["doc"],
            "most"
        );
        assert_eq!(fc["metadata"]["errors"], 1);
        assert_eq!((agg.documents(), agg.places(), agg.errors()), (7, 1, 1));
    }
}
