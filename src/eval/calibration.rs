//! How well confidence is calibrated: a reliability table (predictions binned by
//! confidence, each bin's share right beside its mean confidence) and the expected
//! calibration error, the bins' gaps weighted by their sizes.
//!
//! A prediction is *right* when it overlaps a gold toponym and lies within 161 km of
//! it; a prediction that overlaps none (not a place, or not annotated) is wrong.

use serde::Serialize;

use super::GoldToponym;
use crate::geodesy::haversine_km;

/// Confidence bins of width 0.1.
pub const BINS: usize = 10;

/// Within this many km of the gold point a prediction is right (100 miles, as
/// accuracy@161).
const RIGHT_KM: f64 = 161.0;

/// Is a prediction of span `start..end` (code points) at `lon_lat` right?
pub fn is_right(gold: &[GoldToponym], start: usize, end: usize, lon_lat: (f64, f64)) -> bool {
    gold.iter().any(|g| {
        start < g.end && g.start < end && haversine_km((g.lon, g.lat), lon_lat) <= RIGHT_KM
    })
}

/// One bin of the reliability table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Bin {
    /// Predictions in the bin.
    pub n: usize,
    /// Sum of their confidences.
    pub confidence_sum: f64,
    /// How many were right.
    pub right: usize,
}

impl Bin {
    /// Mean confidence (0 when empty).
    pub fn mean_confidence(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.confidence_sum / self.n as f64
        }
    }

    /// Share right (0 when empty).
    pub fn accuracy(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.right as f64 / self.n as f64
        }
    }
}

/// Predictions tallied by confidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reliability {
    /// The bins, [0, 0.1) to [0.9, 1].
    pub bins: [Bin; BINS],
}

impl Reliability {
    /// Counts one prediction.
    pub fn add(&mut self, confidence: f64, right: bool) {
        let c = confidence.clamp(0.0, 1.0);
        let b = ((c * BINS as f64) as usize).min(BINS - 1);
        let bin = &mut self.bins[b];
        bin.n += 1;
        bin.confidence_sum += c;
        bin.right += usize::from(right);
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &Reliability) {
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            a.n += b.n;
            a.confidence_sum += b.confidence_sum;
            a.right += b.right;
        }
    }

    /// Predictions counted.
    pub fn n(&self) -> usize {
        self.bins.iter().map(|b| b.n).sum()
    }

    /// Expected calibration error: Σ (bin size / n) × |accuracy − mean confidence|.
    pub fn ece(&self) -> f64 {
        let n = self.n();
        if n == 0 {
            return 0.0;
        }
        self.bins
            .iter()
            .map(|b| b.n as f64 / n as f64 * (b.accuracy() - b.mean_confidence()).abs())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calibrated_tally_has_no_error_and_an_overconfident_one_does() {
        let mut good = Reliability::default();
        for i in 0..10 {
            good.add(0.8, i < 8);
            good.add(0.25, i < 2);
        }
        // 0.8 → 8 of 10 right (gap 0); 0.25 → 2 of 10 (gap 0.05).
        assert!((good.ece() - 0.025).abs() < 1e-9, "{}", good.ece());
        let mut bad = Reliability::default();
        for _ in 0..10 {
            bad.add(0.95, false);
        }
        assert!((bad.ece() - 0.95).abs() < 1e-9);
        assert_eq!(bad.bins[9].n, 10);
        good.merge(&bad);
        assert_eq!(good.n(), 30);
    }

    #[test]
    fn right_means_overlapping_and_near() {
        let gold = [GoldToponym {
            start: 10,
            end: 16,
            name: "Aleppo".into(),
            lat: 36.2,
            lon: 37.16,
            geonameid: None,
        }];
        assert!(is_right(&gold, 10, 16, (37.2, 36.3)));
        assert!(!is_right(&gold, 10, 16, (2.35, 48.85)), "far");
        assert!(!is_right(&gold, 0, 5, (37.2, 36.3)), "no overlap");
    }
}
