//! `--explain`: every mention's ranked candidates and the features that scored them.

use mentionmap::pipeline::MappedDocument;
use mentionmap::resolve::ranker::{self, LearnedRanker};
use mentionmap::Gazetteer;

/// How many candidates to show per mention.
const SHOWN: usize = 5;

/// Prints the explanations of one document to standard error; with the learned ranker,
/// each candidate's learned score and every input's contribution to it.
pub fn print(
    gazetteer: &Gazetteer,
    source: &str,
    doc: &MappedDocument,
    model: Option<&LearnedRanker>,
) {
    eprintln!(
        "== {source}: {} mentions, {} places{}",
        doc.explanations.len(),
        doc.places.len(),
        if model.is_some() {
            "; ranked by the learned ranker (learned = sum of weight × input)"
        } else {
            ""
        }
    );
    for e in &doc.explanations {
        let verdict = match (e.chosen, e.replaced_by_relative) {
            (Some(_), true) => "replaced by a relative estimate".to_string(),
            (Some(p), false) => {
                let p = gazetteer.place(p);
                format!(
                    "→ {} ({} {}, id {}) confidence {:.2}",
                    p.name, p.feature_code, p.country_code, p.id, e.confidence
                )
            }
            (None, _) => "→ dropped: best score below the threshold".to_string(),
        };
        eprintln!(
            "{:?} [{}..{}] {}",
            e.mention.text, e.mention.start, e.mention.end, verdict
        );
        for (rank, c) in e.ranked.iter().take(SHOWN).enumerate() {
            let p = gazetteer.place(c.place);
            let f = &c.features;
            eprintln!(
                "  {}. {:<24} {:<5} {:<2} pop {:>9}  score {:>5.2} = prior {:.2} + name {:.2} ({}) + pair {:.1} + country {:.1} + admin1 {:.1} + coherence {:.2} + relation {:.2} + dateline {:.1} + common word {:.2} + neighbours {:.2} + user {:.2} + plain {:.2} + contain {:.1} + focus {:.2} + local {:.2}",
                rank + 1, p.name, p.feature_code, p.country_code, p.population, c.score, f.prior, f.name, c.name_kind.as_str(), f.pair, f.country, f.admin1, f.coherence, f.relation, f.dateline, f.common_word, f.neighbours, f.user, f.plain, f.contain, f.focus, f.local
            );
            if let (Some(m), Some(score), Some(extras)) = (model, c.learned, e.extras.get(rank)) {
                let parts: Vec<String> = ranker::input_names()
                    .zip(m.contributions(&c.features, extras))
                    .filter(|(_, v)| *v != 0.0)
                    .map(|(n, v)| format!("{n} {v:+.2}"))
                    .collect();
                eprintln!("     learned {score:>5.2} = {}", parts.join(" "));
            }
        }
        if e.chosen.is_some() {
            let names = mentionmap::resolve::calibration::INPUT_NAMES;
            let shown: Vec<String> = names
                .iter()
                .zip(e.inputs.values())
                .filter(|(_, v)| *v != 0.0)
                .map(|(n, v)| format!("{n} {v:.2}"))
                .collect();
            eprintln!("  confidence from: {}", shown.join(", "));
        }
        if e.ranked.len() > SHOWN {
            eprintln!("  … {} more", e.ranked.len() - SHOWN);
        }
    }
    for p in doc
        .places
        .iter()
        .filter(|p| p.method == mentionmap::pipeline::Method::Relative)
    {
        eprintln!(
            "{:?} placed relative to {} at ({:.4}, {:.4}) ± {:.1} km, confidence {:.2}",
            p.name,
            p.anchor
                .map(|a| gazetteer.place(a).name.clone())
                .unwrap_or_else(|| "?".into()),
            p.lon_lat.1,
            p.lon_lat.0,
            p.uncertainty_km.unwrap_or(0.0),
            p.confidence
        );
    }
}
