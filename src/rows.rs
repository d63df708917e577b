//! Flat rows: the one column set shared by CSV output, the Python package's rows
//! (`mentionmap.COLUMNS`, `to_dataframe`) and its Spark and Dask recipes.
//!
//! Every row starts with the place columns [`PLACE_COLUMNS`], in this order, with the
//! values GeoJSON properties carry (rounded as they are rounded; a relative place
//! takes its anchor's `country_code`). Then:
//!
//! * CSV (one row per place): [`CSV_COLUMNS`] adds `mention_count` and `mentions`
//!   (the code-point spans, `start-end` separated by spaces);
//! * Python, Spark and Dask (one row per mention): [`MENTION_COLUMNS`] adds
//!   `mention` (the text as written), `start`, `end` (code points) and `kind`
//!   (`name`, `abbreviation`, `demonym`, `relative`).
//!
//! Empty values (no GeoNames id, no population, no anchor) are empty CSV cells and
//! `None` in Python.

use crate::gazetteer::Gazetteer;
use crate::pipeline::{MappedPlace, Method};

/// The place columns every row starts with, in order.
pub const PLACE_COLUMNS: [&str; 15] = [
    "doc_id",
    "name",
    "gazetteer_name",
    "geonameid",
    "layer",
    "feature_code",
    "country_code",
    "admin1",
    "population",
    "lat",
    "lon",
    "confidence",
    "method",
    "uncertainty_km",
    "anchor",
];

/// CSV columns: one row per place.
pub const CSV_COLUMNS: [&str; 17] = concat_columns(PLACE_COLUMNS, ["mention_count", "mentions"]);

/// Python/Spark/Dask columns: one row per mention.
pub const MENTION_COLUMNS: [&str; 19] =
    concat_columns(PLACE_COLUMNS, ["mention", "start", "end", "kind"]);

/// `a` then `b`, at compile time, so the place columns are written once.
const fn concat_columns<const A: usize, const B: usize, const N: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; N] {
    assert!(A + B == N, "column counts must add up");
    let mut out = [""; N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - A];
        i += 1;
    }
    out
}

/// The values of [`PLACE_COLUMNS`] after `doc_id` and `name` for one place: what its
/// GeoJSON Feature's properties say, flat.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceValues {
    /// The gazetteer entry's preferred name.
    pub gazetteer_name: Option<String>,
    /// GeoNames id, when the entry has one.
    pub geonameid: Option<u64>,
    /// Output layer.
    pub layer: &'static str,
    /// GeoNames feature code.
    pub feature_code: Option<String>,
    /// ISO country code: the entry's, or a relative place's anchor's.
    pub country_code: Option<String>,
    /// First-level region code.
    pub admin1: Option<String>,
    /// Population (or a user place's population equivalent), when known.
    pub population: Option<u64>,
    /// Latitude, degrees, 6 decimals.
    pub lat: f64,
    /// Longitude, degrees, 6 decimals.
    pub lon: f64,
    /// Confidence 0-1, 3 decimals.
    pub confidence: f64,
    /// `gazetteer` or `relative`.
    pub method: &'static str,
    /// Uncertainty radius of a relative estimate, km, 1 decimal.
    pub uncertainty_km: Option<f64>,
    /// The anchor of a relative estimate, by its gazetteer name.
    pub anchor: Option<String>,
}

impl PlaceValues {
    /// The values for `place`, looked up in `gazetteer`.
    pub fn new(gazetteer: &Gazetteer, place: &MappedPlace) -> PlaceValues {
        let g = place.place.map(|i| gazetteer.place(i));
        let g = g.as_deref();
        let anchor = place.anchor.map(|a| gazetteer.place(a));
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        PlaceValues {
            gazetteer_name: g.map(|p| p.name.clone()),
            geonameid: g.filter(|p| p.has_geonames_id()).map(|p| p.id),
            layer: place.layer.as_str(),
            feature_code: g.map(|p| p.feature_code.clone()),
            country_code: g
                .or(anchor.as_deref())
                .and_then(|p| non_empty(&p.country_code)),
            admin1: g.and_then(|p| non_empty(&p.admin1)),
            population: g.map(|p| p.population).filter(|&n| n > 0),
            lat: round(place.lon_lat.1, 6),
            lon: round(place.lon_lat.0, 6),
            confidence: round(place.confidence, 3),
            method: match place.method {
                Method::Gazetteer => "gazetteer",
                Method::Relative => "relative",
            },
            uncertainty_km: place.uncertainty_km.map(|u| round(u, 1)),
            anchor: anchor.map(|p| p.name.clone()),
        }
    }

    /// The CSV cells of [`CSV_COLUMNS`] for this place of document `doc_id`.
    pub fn csv_record(&self, doc_id: &str, place: &MappedPlace) -> Vec<String> {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let num = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
        let spans: Vec<String> = place
            .mentions
            .iter()
            .map(|m| format!("{}-{}", m.start, m.end))
            .collect();
        vec![
            doc_id.to_string(),
            place.name.clone(),
            opt(&self.gazetteer_name),
            num(self.geonameid),
            self.layer.to_string(),
            opt(&self.feature_code),
            opt(&self.country_code),
            opt(&self.admin1),
            num(self.population),
            format!("{:.6}", self.lat),
            format!("{:.6}", self.lon),
            format!("{:.3}", self.confidence),
            self.method.to_string(),
            self.uncertainty_km
                .map(|u| format!("{u:.1}"))
                .unwrap_or_default(),
            opt(&self.anchor),
            place.mention_count.to_string(),
            spans.join(" "),
        ]
    }
}

/// `x` rounded to `digits` decimals, as the GeoJSON output rounds.
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_starts_with_the_place_columns() {
        assert_eq!(CSV_COLUMNS[..15], PLACE_COLUMNS);
        assert_eq!(MENTION_COLUMNS[..15], PLACE_COLUMNS);
        assert_eq!(CSV_COLUMNS[15..], ["mention_count", "mentions"]);
        assert_eq!(MENTION_COLUMNS[15..], ["mention", "start", "end", "kind"]);
    }
}
