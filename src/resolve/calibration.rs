//! Calibrated confidence: the probability that a resolved mention is a place and lies
//! within 161 km of where the text means.
//!
//! A logistic model over a few named inputs of the winning candidate
//! ([`ConfidenceInputs`]): its softmax share among the mention's candidates, its score
//! above the threshold, its lead over the runner-up, how many readings the name has,
//! what kind of place won, how it is named, and whether the text backs it with a
//! country, a region or a dateline. The weights are fitted by `scripts/calibrate` on
//! the development corpora (inputs dumped by `mentionmap eval --dump-confidence`) and
//! shipped in `calibration.tsv`; the figures the script reports are leave-one-corpus-
//! out. `mentionmap eval --calibration FILE` reads other weights, for that check.

use std::sync::{Arc, OnceLock};

use serde::Serialize;

use super::weights_file;
use crate::error::Error;

/// The inputs of the calibration model for one resolved mention.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ConfidenceInputs {
    /// The winner's softmax share among the name's candidates (0..1).
    pub share: f64,
    /// Its score above the threshold, capped at [`MAX_MARGIN`].
    pub margin: f64,
    /// Its lead over the runner-up's score, capped at [`MAX_MARGIN`] (the cap when
    /// it has no rival).
    pub lead: f64,
    /// ln(1 + number of candidates).
    pub readings: f64,
    /// ln of the number of mentions of the name in the document.
    pub repeats: f64,
    /// 1 when the span opens a sentence.
    pub sentence_initial: f64,
    /// 1 when every word of the span is a common English word.
    pub common_words: f64,
    /// 1 for a demonym ("Syrian"), 0 otherwise.
    pub demonym: f64,
    /// 1 for an abbreviation ("U.S."), 0 otherwise.
    pub abbreviation: f64,
    /// 1 when a country or continent won.
    pub country: f64,
    /// 1 when a first-level region won.
    pub admin1: f64,
    /// 1 when a physical feature or an informal area won.
    pub feature: f64,
    /// 1 when the text backs the winner: "X, Region", or its country or region named.
    pub context: f64,
    /// 1 for a dateline city.
    pub dateline: f64,
}

/// Score differences beyond this say nothing more (a capital named outright scores
/// 5–8 above the threshold; a logistic input should not grow without bound).
pub const MAX_MARGIN: f64 = 4.0;

/// The names of the inputs, in the order of the weights file.
pub const INPUT_NAMES: [&str; 14] = [
    "share",
    "margin",
    "lead",
    "readings",
    "repeats",
    "sentence_initial",
    "common_words",
    "demonym",
    "abbreviation",
    "country",
    "admin1",
    "feature",
    "context",
    "dateline",
];

impl ConfidenceInputs {
    /// The inputs in [`INPUT_NAMES`] order.
    pub fn values(&self) -> [f64; 14] {
        [
            self.share,
            self.margin,
            self.lead,
            self.readings,
            self.repeats,
            self.sentence_initial,
            self.common_words,
            self.demonym,
            self.abbreviation,
            self.country,
            self.admin1,
            self.feature,
            self.context,
            self.dateline,
        ]
    }
}

/// A fitted logistic calibration: a bias and one weight per input.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    bias: f64,
    weights: [f64; 14],
}

/// The shipped weights, written by `scripts/calibrate`.
static SHIPPED_TSV: &str = include_str!("calibration.tsv");

impl Calibration {
    /// The shipped calibration (parsed once).
    pub fn shipped() -> Arc<Calibration> {
        static SHIPPED: OnceLock<Arc<Calibration>> = OnceLock::new();
        SHIPPED
            .get_or_init(|| {
                Arc::new(
                    Calibration::parse(SHIPPED_TSV, "calibration.tsv")
                        .expect("the shipped calibration.tsv is checked by a unit test"),
                )
            })
            .clone()
    }

    /// Reads weights from a file in the shipped format.
    pub fn from_file(path: &std::path::Path) -> Result<Calibration, Error> {
        Calibration::parse(&weights_file::read(path)?, &path.display().to_string())
    }

    /// Parses `name<TAB>weight` lines (`#` comments allowed): `bias` and every input
    /// of [`INPUT_NAMES`], each once.
    pub fn parse(text: &str, source: &str) -> Result<Calibration, Error> {
        // Slot 0 is the bias, then the inputs in order.
        let given = weights_file::parse(text, source, INPUT_NAMES.len() + 1, |name| {
            if name == "bias" {
                Some(0)
            } else {
                INPUT_NAMES.iter().position(|n| *n == name).map(|i| i + 1)
            }
        })?;
        let bias = given[0].ok_or_else(|| weights_file::bad(source, "no bias".into()))?;
        let mut weights = [0.0; 14];
        for (i, w) in weights.iter_mut().enumerate() {
            *w = given[i + 1].ok_or_else(|| {
                weights_file::bad(source, format!("no weight for {}", INPUT_NAMES[i]))
            })?;
        }
        Ok(Calibration { bias, weights })
    }

    /// The calibrated probability for these inputs.
    pub fn probability(&self, inputs: &ConfidenceInputs) -> f64 {
        let z: f64 = self.bias
            + inputs
                .values()
                .iter()
                .zip(&self.weights)
                .map(|(x, w)| x * w)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_weights_parse_and_rank_sure_above_unsure() {
        let c = Calibration::parse(SHIPPED_TSV, "calibration.tsv").unwrap();
        let sure = ConfidenceInputs {
            share: 1.0,
            margin: MAX_MARGIN,
            lead: MAX_MARGIN,
            readings: 2f64.ln(),
            country: 1.0,
            context: 1.0,
            ..Default::default()
        };
        let unsure = ConfidenceInputs {
            share: 0.4,
            margin: 0.1,
            lead: 0.1,
            readings: 20f64.ln(),
            sentence_initial: 1.0,
            ..Default::default()
        };
        let (p, q) = (c.probability(&sure), c.probability(&unsure));
        assert!(p > 0.8 && q < p && (0.0..=1.0).contains(&q), "{p} {q}");
    }

    #[test]
    fn bad_weight_files_are_errors() {
        assert!(Calibration::parse("bias\t0\n", "x").is_err());
        let mut full: String = INPUT_NAMES.iter().map(|n| format!("{n}\t0.5\n")).collect();
        assert!(Calibration::parse(&full, "x").is_err(), "no bias");
        full.push_str("bias\t-1\n");
        assert!(Calibration::parse(&full, "x").is_ok());
        assert!(Calibration::parse(&format!("{full}share\t1\n"), "x").is_err());
        assert!(Calibration::parse(&format!("{full}size\t1\n"), "x").is_err());
        assert!(Calibration::parse(&full.replace("0.5", "NaN"), "x").is_err());
    }
}
