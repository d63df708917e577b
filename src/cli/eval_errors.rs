//! The `eval --errors` file: one JSON line per error, each labelled with its class,
//! so that a reader can count and filter them (`jq 'select(.class == "missed")'`).
//!
//! Classes:
//! * `missed`: a gold toponym no prediction overlaps (recognition);
//! * `spurious`: a prediction that overlaps no gold toponym (recognition);
//! * `wrong_entry`: found, resolved more than 161 km away, to a different gazetteer
//!   entry than the corpus's (resolution chose wrongly);
//! * `right_entry_far_point`: found and resolved to the corpus's own GeoNames entry,
//!   yet more than 161 km from the gold point (the corpus and the gazetteer place
//!   the same entry differently: a large region's centroid, an edited point);
//! * `far_point`: more than 161 km away where the corpus or the prediction has no
//!   GeoNames id to tell the two cases apart.

use mentionmap::eval::{DocumentErrors, GoldToponym, Prediction};
use serde_json::{json, Value};

/// The class of a far resolution: whether the entry or only its point is at fault.
pub fn far_class(gold: &GoldToponym, predicted: &Prediction) -> &'static str {
    match (gold.geonameid, predicted.geonameid) {
        (Some(g), Some(p)) if g == p => "right_entry_far_point",
        (Some(_), Some(_)) => "wrong_entry",
        _ => "far_point",
    }
}

/// One record per error of a document, in the order missed, spurious, far.
pub fn records(corpus: &str, id: &str, errs: &DocumentErrors) -> Vec<Value> {
    let missed = errs
        .missed
        .iter()
        .map(|g| json!({"corpus": corpus, "id": id, "class": "missed", "gold": g}));
    let spurious = errs
        .spurious
        .iter()
        .map(|p| json!({"corpus": corpus, "id": id, "class": "spurious", "predicted": p}));
    let far = errs.far.iter().map(|(g, p, km)| {
        json!({"corpus": corpus, "id": id, "class": far_class(g, p), "gold": g, "predicted": p,
               "km": (km * 10.0).round() / 10.0})
    });
    missed.chain(spurious).chain(far).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mentionmap::eval::Tally;

    fn gold(name: &str, start: usize, lat: f64, lon: f64, id: Option<u64>) -> GoldToponym {
        GoldToponym {
            start,
            end: start + name.chars().count(),
            name: name.into(),
            lat,
            lon,
            geonameid: id,
        }
    }

    fn pred(g: &GoldToponym, lat: f64, lon: f64, id: Option<u64>) -> Prediction {
        Prediction {
            start: g.start,
            end: g.end,
            name: g.name.clone(),
            lat,
            lon,
            geonameid: id,
        }
    }

    /// Queensland's GeoNames entry (2152274) predicted at its own point, 374 km from
    /// the corpus's point for the same entry, is the entry's point at fault; Perth
    /// (Scotland) for Perth (Western Australia) is a wrong entry; a name nobody
    /// annotated is spurious and an unfound one missed.
    #[test]
    fn each_error_gets_its_class() {
        let text = "Floods in Queensland; Perth and Broome were dry; Darwin too.";
        let qld = gold("Queensland", 10, -22.0, 144.0, Some(2152274));
        let perth = gold("Perth", 22, -31.95, 115.86, Some(2063523));
        let broome = gold("Broome", 32, -17.96, 122.24, Some(2075720));
        let preds = vec![
            pred(&qld, -20.0, 146.96, Some(2152274)),
            pred(&perth, 56.40, -3.43, Some(2640354)),
            Prediction {
                start: 49,
                end: 55,
                name: "Darwin".into(),
                lat: -12.46,
                lon: 130.84,
                geonameid: Some(2073124),
            },
        ];
        let errs = Tally::default().add(text, &[qld, perth, broome], &preds);
        let recs = records("test", "d1", &errs);
        let classes: Vec<(&str, &str)> = recs
            .iter()
            .map(|r| {
                let name = r["gold"]["name"]
                    .as_str()
                    .or(r["predicted"]["name"].as_str())
                    .unwrap();
                (r["class"].as_str().unwrap(), name)
            })
            .collect();
        assert_eq!(
            classes,
            [
                ("missed", "Broome"),
                ("spurious", "Darwin"),
                ("right_entry_far_point", "Queensland"),
                ("wrong_entry", "Perth"),
            ]
        );
        assert!(recs[2]["km"].as_f64().unwrap() > 161.0);
    }

    #[test]
    fn without_ids_a_far_point_is_not_blamed_on_either() {
        let g = gold("Springfield", 0, 39.8, -89.6, None);
        let p = pred(&g, 37.2, -93.3, Some(4409896));
        assert_eq!(far_class(&g, &p), "far_point");
    }
}
