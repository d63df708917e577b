//! `eval --dump-ranker`: the learned ranker's training rows (`scripts/train-ranker`).
//!
//! A header line names the inputs; then one line per mention that has two or more
//! candidates and overlaps a gold toponym: each candidate's inputs (the resolver's named
//! features and the ranker's own, [`mentionmap::resolve::ranker::input_names`]), its
//! hand-set score, and whether it lies within 161 km of the gold point. Mentions that
//! overlap no gold toponym are left out: they teach whether a name is a place, which
//! the ranker does not decide.

use mentionmap::eval::GoldDocument;
use mentionmap::geodesy::haversine_km;
use mentionmap::pipeline::MappedDocument;
use mentionmap::resolve::ranker;
use mentionmap::Gazetteer;
use serde_json::{json, Value};

/// A candidate within this distance of the gold point is right (acc@161).
const RIGHT_KM: f64 = 161.0;

/// The first line: the input names, in the order of every row's `inputs`, of which the
/// first `feature_count` are the resolver's named features (the hand-set rule sums them).
pub fn header() -> Value {
    json!({
        "input_names": ranker::input_names().collect::<Vec<_>>(),
        "feature_count": mentionmap::resolve::FEATURE_COUNT,
    })
}

/// The rows of one mapped document.
pub fn rows(
    gazetteer: &Gazetteer,
    corpus: &str,
    doc: &GoldDocument,
    mapped: &MappedDocument,
) -> Vec<Value> {
    let mut out = Vec::new();
    for e in &mapped.explanations {
        if e.ranked.len() < 2 || e.extras.len() != e.ranked.len() {
            continue;
        }
        let (start, end) = (e.mention.start, e.mention.end);
        // The gold toponym the mention overlaps most.
        let Some(gold) = doc
            .toponyms
            .iter()
            .filter(|g| start < g.end && g.start < end)
            .max_by_key(|g| end.min(g.end) - start.max(g.start))
        else {
            continue;
        };
        let candidates: Vec<Value> = e
            .ranked
            .iter()
            .zip(&e.extras)
            .map(|(c, extras)| {
                let p = gazetteer.place(c.place);
                let km = haversine_km(p.lon_lat(), (gold.lon, gold.lat));
                json!({
                    "id": p.id,
                    "right": km <= RIGHT_KM,
                    "score": c.score,
                    "inputs": ranker::inputs(&c.features, extras).to_vec(),
                })
            })
            .collect();
        out.push(json!({
            "corpus": corpus,
            "doc": doc.id,
            "mention": e.mention.text,
            "start": start,
            "chosen": e.chosen.map(|p| gazetteer.place(p).id),
            "candidates": candidates,
        }));
    }
    out
}
