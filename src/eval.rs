//! Measuring accuracy on annotated corpora, with the metrics of the geoparsing
//! literature (Gritta et al. 2018, "What's missing in geographical parsing?"):
//!
//! * recognition — precision, recall and F1 of predicted spans against gold spans,
//!   counted two ways: *exact* (same start and end) and *overlap* (any shared
//!   character);
//! * resolution — on the gold toponyms some prediction overlaps (the prediction with
//!   the largest overlap stands for it): accuracy@161 km (share with error ≤ 100
//!   miles), mean and median error in km (haversine), and AUC, the mean of
//!   ln(1 + error km) / ln(20039) (lower is better; 0 is perfect), plus GeoNames-id
//!   accuracy where the gold has ids.
//!
//! Offsets are Unicode code-point indices, as in the corpora (Python `str` indices).
//! The figures agree with `shared/tools/score.py` on the same predictions.
//!
//! [`coverage`] measures the gazetteer alone: the share of gold toponyms with an entry
//! of that name near the gold point.
//!
//! [`extraction`] measures the step before: how much of a web page's article text
//! the main-text extraction keeps.

use serde::{Deserialize, Serialize};

use crate::geodesy::haversine_km;

pub mod calibration;
pub mod coverage;
pub mod extraction;

/// Half the earth's circumference in km: the largest possible error.
const MAX_ERROR_KM: f64 = 20039.0;

/// A gold toponym.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct GoldToponym {
    /// Start, code points.
    pub start: usize,
    /// End (exclusive), code points.
    pub end: usize,
    /// The toponym's text.
    #[serde(default)]
    pub name: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// GeoNames id, where the corpus gives one.
    #[serde(default)]
    pub geonameid: Option<u64>,
}

/// One annotated document.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldDocument {
    /// Document id.
    pub id: String,
    /// Corpus name, when the file gives one.
    #[serde(default)]
    pub corpus: Option<String>,
    /// The text.
    pub text: String,
    /// Gold toponyms.
    pub toponyms: Vec<GoldToponym>,
}

/// One predicted toponym.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// Start, code points.
    pub start: usize,
    /// End (exclusive), code points.
    pub end: usize,
    /// The predicted text.
    pub name: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// GeoNames id of the predicted place, when it has one.
    pub geonameid: Option<u64>,
}

/// Counts gathered over documents; [`Tally::scores`] turns them into figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Documents seen.
    pub docs: usize,
    /// Gold toponyms.
    pub gold: usize,
    /// Predicted toponyms.
    pub predicted: usize,
    /// Predictions with the exact span of a gold toponym.
    pub exact_tp: usize,
    /// Predictions that overlap some gold toponym.
    pub overlap_tp_pred: usize,
    /// Gold toponyms that some prediction overlaps.
    pub overlap_tp_gold: usize,
    /// Error in km for each overlapped gold toponym.
    pub errors_km: Vec<f64>,
    /// Gold toponyms with an id that were resolved to a place with an id.
    pub id_checked: usize,
    /// ... and whose ids agree.
    pub id_correct: usize,
    /// Characters of text.
    pub chars: usize,
    /// Bytes of text.
    pub bytes: usize,
}

/// What one document's predictions did against its gold, for error analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentErrors {
    /// Gold toponyms no prediction overlaps.
    pub missed: Vec<GoldToponym>,
    /// Predictions that overlap no gold toponym.
    pub spurious: Vec<Prediction>,
    /// Overlapped gold toponyms resolved more than 161 km away: (gold, prediction, km).
    pub far: Vec<(GoldToponym, Prediction, f64)>,
}

impl Tally {
    /// Adds one document's gold and predictions; returns what went wrong in it.
    pub fn add(
        &mut self,
        text: &str,
        gold: &[GoldToponym],
        preds: &[Prediction],
    ) -> DocumentErrors {
        self.docs += 1;
        self.gold += gold.len();
        self.predicted += preds.len();
        self.chars += text.chars().count();
        self.bytes += text.len();
        let overlaps = |p: &Prediction, g: &GoldToponym| p.start < g.end && g.start < p.end;
        let mut errors = DocumentErrors {
            missed: Vec::new(),
            spurious: Vec::new(),
            far: Vec::new(),
        };
        for p in preds {
            if gold.iter().any(|g| g.start == p.start && g.end == p.end) {
                self.exact_tp += 1;
            }
            if gold.iter().any(|g| overlaps(p, g)) {
                self.overlap_tp_pred += 1;
            } else {
                errors.spurious.push(p.clone());
            }
        }
        for g in gold {
            let best = preds.iter().filter(|p| overlaps(p, g)).max_by_key(|p| {
                (
                    p.end.min(g.end) - p.start.max(g.start),
                    std::cmp::Reverse(p.start),
                )
            });
            let Some(p) = best else {
                errors.missed.push(g.clone());
                continue;
            };
            self.overlap_tp_gold += 1;
            let km = haversine_km((g.lon, g.lat), (p.lon, p.lat));
            self.errors_km.push(km);
            if km > 161.0 {
                errors.far.push((g.clone(), p.clone(), km));
            }
            if let (Some(gid), Some(pid)) = (g.geonameid, p.geonameid) {
                self.id_checked += 1;
                if gid == pid {
                    self.id_correct += 1;
                }
            }
        }
        errors
    }

    /// Merges another tally into this one.
    pub fn merge(&mut self, other: &Tally) {
        self.docs += other.docs;
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.exact_tp += other.exact_tp;
        self.overlap_tp_pred += other.overlap_tp_pred;
        self.overlap_tp_gold += other.overlap_tp_gold;
        self.errors_km.extend_from_slice(&other.errors_km);
        self.id_checked += other.id_checked;
        self.id_correct += other.id_correct;
        self.chars += other.chars;
        self.bytes += other.bytes;
    }

    /// The figures.
    pub fn scores(&self) -> Scores {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let (ep, er) = (
            ratio(self.exact_tp, self.predicted),
            ratio(self.exact_tp, self.gold),
        );
        let (op, or) = (
            ratio(self.overlap_tp_pred, self.predicted),
            ratio(self.overlap_tp_gold, self.gold),
        );
        let n = self.errors_km.len();
        let resolution = (n > 0).then(|| {
            let mut sorted = self.errors_km.clone();
            sorted.sort_by(f64::total_cmp);
            let median = if n % 2 == 1 {
                sorted[n / 2]
            } else {
                (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
            };
            Resolution {
                resolved: n,
                acc161: ratio(self.errors_km.iter().filter(|&&e| e <= 161.0).count(), n),
                mean_km: self.errors_km.iter().sum::<f64>() / n as f64,
                median_km: median,
                auc: self
                    .errors_km
                    .iter()
                    .map(|e| e.ln_1p() / MAX_ERROR_KM.ln())
                    .sum::<f64>()
                    / n as f64,
                geonameid_acc: (self.id_checked > 0)
                    .then(|| ratio(self.id_correct, self.id_checked)),
            }
        });
        Scores {
            docs: self.docs,
            gold: self.gold,
            predicted: self.predicted,
            exact: Prf {
                p: ep,
                r: er,
                f1: f1(ep, er),
            },
            overlap: Prf {
                p: op,
                r: or,
                f1: f1(op, or),
            },
            resolution,
        }
    }
}

/// The harmonic mean of precision and recall; 0 when both are 0.
fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Precision, recall, F1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// F1.
    pub f1: f64,
}

/// Resolution figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Resolution {
    /// Gold toponyms with an overlapping prediction.
    pub resolved: usize,
    /// Share within 161 km.
    pub acc161: f64,
    /// Mean error, km.
    pub mean_km: f64,
    /// Median error, km.
    pub median_km: f64,
    /// Area under the log-error curve (lower is better).
    pub auc: f64,
    /// Share of id-bearing gold toponyms resolved to the same GeoNames id.
    pub geonameid_acc: Option<f64>,
}

/// All figures for one corpus or overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Documents.
    pub docs: usize,
    /// Gold toponyms.
    pub gold: usize,
    /// Predictions.
    pub predicted: usize,
    /// Exact-span recognition.
    pub exact: Prf,
    /// Overlapping-span recognition.
    pub overlap: Prf,
    /// Resolution, when anything was recognised.
    pub resolution: Option<Resolution>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(start: usize, end: usize, lat: f64, lon: f64) -> GoldToponym {
        GoldToponym {
            start,
            end,
            name: String::new(),
            lat,
            lon,
            geonameid: None,
        }
    }

    fn pred(start: usize, end: usize, lat: f64, lon: f64) -> Prediction {
        Prediction {
            start,
            end,
            name: String::new(),
            lat,
            lon,
            geonameid: None,
        }
    }

    #[test]
    fn precision_recall_f1_by_hand() {
        // Gold: 3 spans. Predictions: one exact, one overlapping, one spurious.
        let g = [
            gold(0, 6, 0.0, 0.0),
            gold(10, 16, 0.0, 0.0),
            gold(20, 25, 0.0, 0.0),
        ];
        let p = [
            pred(0, 6, 0.0, 0.0),
            pred(10, 13, 0.0, 0.0),
            pred(30, 35, 0.0, 0.0),
        ];
        let mut t = Tally::default();
        let errs = t.add(&"x".repeat(40), &g, &p);
        let s = t.scores();
        assert!((s.exact.p - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.exact.r - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.exact.f1 - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.overlap.p - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.overlap.r - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(errs.missed.len(), 1);
        assert_eq!(errs.spurious.len(), 1);
    }

    #[test]
    fn the_161_km_boundary() {
        // 1.4479 degrees of latitude is 161.0 km on geo's mean radius; just inside
        // and just outside.
        let inside = 161.0 / 111.19508;
        let mut t = Tally::default();
        t.add(
            "",
            &[gold(0, 1, 0.0, 0.0)],
            &[pred(0, 1, inside - 1e-6, 0.0)],
        );
        t.add(
            "",
            &[gold(0, 1, 0.0, 0.0)],
            &[pred(0, 1, inside + 1e-3, 0.0)],
        );
        let r = t.scores().resolution.unwrap();
        assert_eq!(r.resolved, 2);
        assert!((r.acc161 - 0.5).abs() < 1e-12);
    }

    #[test]
    fn auc_of_perfect_and_worst() {
        let mut perfect = Tally::default();
        perfect.add("", &[gold(0, 1, 10.0, 20.0)], &[pred(0, 1, 10.0, 20.0)]);
        assert_eq!(perfect.scores().resolution.unwrap().auc, 0.0);
        let mut worst = Tally::default();
        // Antipodes: the largest error there is.
        worst.add("", &[gold(0, 1, 10.0, 20.0)], &[pred(0, 1, -10.0, -160.0)]);
        let r = worst.scores().resolution.unwrap();
        assert!((r.auc - 1.0).abs() < 1e-3, "{}", r.auc);
        assert_eq!(r.acc161, 0.0);
    }

    #[test]
    fn median_of_even_count() {
        let t = Tally {
            errors_km: vec![1.0, 3.0, 10.0, 100.0],
            ..Tally::default()
        };
        assert_eq!(t.scores().resolution.unwrap().median_km, 6.5);
    }
}
