//! The learned ranker: which of a mention's candidates the text means, weighed by a
//! model fitted on annotated corpora instead of the hand-set sum of features.
//!
//! The model is a conditional logit: a candidate's learned score is a weighted sum of
//! its inputs, and the winner is the candidate with the highest score (summed, like the
//! hand-set score, over every mention of the name in the document). The inputs are the
//! resolver's named features ([`Features::NAMES`], the ones `--explain` shows) followed
//! by a few that describe the candidate among its namesakes ([`EXTRA_NAMES`]): its
//! population rank, the number of readings, its kind and seat, and how far it lies from
//! the document's confidently placed names.
//!
//! The ranker only picks among the candidates. Whether a mention is a place at all (the
//! hand-set score against [`super::ResolveOptions::min_score`]) and how sure the
//! resolver is ([`super::calibration`]) are decided as before.
//!
//! The weights are fitted by `scripts/train-ranker` from the dump `mentionmap eval
//! --dump-ranker` writes (the development corpora and WikToR) and shipped in
//! `ranker.tsv`; `mentionmap eval --ranker-weights FILE` reads other weights, which is
//! how the script measures each corpus with a model fitted on the others. An input the
//! file does not name weighs 0, so a feature added to the resolver after the last fit
//! changes nothing until the ranker is refitted.

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap as HashMap;

use super::weights_file;
use super::{Candidates, Features, FEATURE_COUNT};
use crate::error::Error;
use crate::gazetteer::{Gazetteer, Place, PlaceKind};
use crate::geodesy::haversine_km;
use crate::spot::Mention;

/// How many inputs the ranker adds to the named features ([`EXTRA_NAMES`]).
pub const EXTRA_COUNT: usize = 15;

/// The ranker's own inputs, after the named features, in [`extras`] order.
pub const EXTRA_NAMES: [&str; EXTRA_COUNT] = [
    "pop_rank",
    "most_populous",
    "population",
    "readings_x_prior",
    "centroid_km",
    "kind_continent",
    "kind_country",
    "kind_admin1",
    "kind_admin2",
    "kind_city",
    "kind_district",
    "kind_feature",
    "kind_area",
    "kind_physical",
    "seat",
];

/// Every input: the named features, then the ranker's own.
pub const INPUT_COUNT: usize = FEATURE_COUNT + EXTRA_COUNT;

/// The ranker's own inputs of one candidate ([`EXTRA_NAMES`]).
pub type Extras = [f64; EXTRA_COUNT];

/// A first-pass winner counts towards the document's centroid when its softmax share is
/// above this: the share the resolver already trusts to imply a country.
const CONFIDENT_SHARE: f64 = 0.6;

/// Distances to the centroid enter as ln(1 + km / this): a few tens of km within a
/// region matter less than the step from one region or continent to the next.
const CENTROID_SCALE_KM: f64 = 100.0;

/// The names of all inputs, in the order of [`inputs`].
pub fn input_names() -> impl Iterator<Item = &'static str> {
    Features::NAMES.iter().chain(EXTRA_NAMES.iter()).copied()
}

/// All inputs of one candidate: its named features, then its [`Extras`].
pub fn inputs(features: &Features, extras: &Extras) -> [f64; INPUT_COUNT] {
    let mut out = [0.0; INPUT_COUNT];
    out[..FEATURE_COUNT].copy_from_slice(&features.values());
    out[FEATURE_COUNT..].copy_from_slice(extras);
    out
}

/// How the resolver picks a mention's winner among its candidates.
#[derive(Debug, Clone, Default)]
pub enum Ranking {
    /// The hand-set rules: the highest sum of the named features.
    #[default]
    Rules,
    /// The learned model's highest score.
    Learned(Arc<LearnedRanker>),
}

impl Ranking {
    /// The learned ranker with the shipped weights.
    pub fn learned() -> Ranking {
        Ranking::Learned(LearnedRanker::shipped())
    }

    /// "rules" or "learned" (the shipped weights); anything else is an error naming both.
    pub fn from_name(name: &str) -> Result<Ranking, Error> {
        match name {
            "rules" => Ok(Ranking::Rules),
            "learned" => Ok(Ranking::learned()),
            other => Err(Error::BadInput {
                source_name: "--ranker".into(),
                message: format!("unknown ranker {other:?}: use learned or rules"),
            }),
        }
    }

    /// The learned model, if this ranking uses one.
    pub fn model(&self) -> Option<&LearnedRanker> {
        match self {
            Ranking::Rules => None,
            Ranking::Learned(m) => Some(m),
        }
    }
}

/// Fitted weights, one per input ([`input_names`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedRanker {
    weights: [f64; INPUT_COUNT],
}

/// The shipped weights, written by `scripts/train-ranker`.
static SHIPPED_TSV: &str = include_str!("ranker.tsv");

impl LearnedRanker {
    /// The shipped model (parsed once).
    pub fn shipped() -> Arc<LearnedRanker> {
        static SHIPPED: OnceLock<Arc<LearnedRanker>> = OnceLock::new();
        SHIPPED
            .get_or_init(|| {
                Arc::new(
                    LearnedRanker::parse(SHIPPED_TSV, "ranker.tsv")
                        .expect("the shipped ranker.tsv is checked by a unit test"),
                )
            })
            .clone()
    }

    /// Reads weights from a file in the shipped format.
    pub fn from_file(path: &std::path::Path) -> Result<LearnedRanker, Error> {
        LearnedRanker::parse(&weights_file::read(path)?, &path.display().to_string())
    }

    /// Parses `name<TAB>weight` lines (`#` comments allowed). A name that is no input
    /// is an error (a typo would silently weigh 0); an input not named weighs 0.
    pub fn parse(text: &str, source: &str) -> Result<LearnedRanker, Error> {
        let given = weights_file::parse(text, source, INPUT_COUNT, |name| {
            input_names().position(|n| n == name)
        })?;
        if given.iter().all(Option::is_none) {
            return Err(weights_file::bad(source, "no weights".into()));
        }
        let mut weights = [0.0; INPUT_COUNT];
        for (w, g) in weights.iter_mut().zip(given) {
            *w = g.unwrap_or(0.0);
        }
        Ok(LearnedRanker { weights })
    }

    /// The learned score of a candidate.
    pub fn score(&self, features: &Features, extras: &Extras) -> f64 {
        self.contributions(features, extras).iter().sum()
    }

    /// Each input's contribution to the score (weight × value), in [`input_names`]
    /// order: what `--explain` shows.
    pub fn contributions(&self, features: &Features, extras: &Extras) -> [f64; INPUT_COUNT] {
        let mut x = inputs(features, extras);
        for (v, w) in x.iter_mut().zip(&self.weights) {
            *v *= w;
        }
        x
    }
}

/// The document's centroid of confidently placed names, without a given name's own
/// places: where the rest of the document is.
///
/// Points are summed as unit vectors (a mean on the sphere, right across the
/// antimeridian); countries and continents are left out, as their points say little
/// about where in them the story is.
pub struct Centroid<'m> {
    total: [f64; 3],
    by_key: HashMap<&'m str, [f64; 3]>,
}

impl<'m> Centroid<'m> {
    /// The centroid of the first pass's confident winners.
    pub fn new(
        gazetteer: &Gazetteer,
        mentions: &'m [Mention],
        first: &[Option<(u32, f64)>],
    ) -> Self {
        let mut total = [0.0; 3];
        let mut by_key: HashMap<&str, [f64; 3]> = HashMap::default();
        for (m, w) in mentions.iter().zip(first) {
            let Some((place, share)) = *w else { continue };
            let p = gazetteer.place(place);
            if share <= CONFIDENT_SHARE || p.kind <= PlaceKind::Country {
                continue;
            }
            let v = unit(p.lon, p.lat);
            let own = by_key.entry(m.key.as_str()).or_default();
            for k in 0..3 {
                total[k] += v[k];
                own[k] += v[k];
            }
        }
        Centroid { total, by_key }
    }

    /// The centroid of every confident place not named by `key`, as (lon, lat); `None`
    /// when there is none (or they cancel out).
    pub fn without(&self, key: &str) -> Option<(f64, f64)> {
        let own = self.by_key.get(key).copied().unwrap_or_default();
        let v: Vec<f64> = (0..3).map(|k| self.total[k] - own[k]).collect();
        let norm = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        // Below this the places cancel out (or there are none): no direction to speak of.
        const MIN_NORM: f64 = 1e-6;
        if norm < MIN_NORM {
            return None;
        }
        let lat = (v[2] / norm).asin().to_degrees();
        let lon = v[1].atan2(v[0]).to_degrees();
        Some((lon, lat))
    }
}

fn unit(lon: f64, lat: f64) -> [f64; 3] {
    let (lon, lat) = (lon.to_radians(), lat.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

/// The [`Extras`] of each of a mention's candidates, given where the rest of the
/// document is (`centroid`, lon/lat).
pub fn extras(
    gazetteer: &Gazetteer,
    candidates: &Candidates,
    centroid: Option<(f64, f64)>,
) -> Vec<Extras> {
    let places: Vec<std::borrow::Cow<Place>> =
        candidates.iter().map(|c| gazetteer.place(c.0)).collect();
    let readings = (candidates.len().max(1) as f64).ln();
    let mut populations: Vec<u64> = places.iter().map(|p| p.population).collect();
    populations.sort_unstable_by(|a, b| b.cmp(a));
    places
        .iter()
        .zip(candidates)
        .map(|(p, c)| {
            // Namesakes more populous than this one (ties share a rank).
            let rank = populations.partition_point(|&q| q > p.population);
            let flag = |b: bool| if b { 1.0 } else { 0.0 };
            let km = centroid.map_or(0.0, |c| {
                (1.0 + haversine_km(p.lon_lat(), c) / CENTROID_SCALE_KM).ln()
            });
            let seat = matches!(
                p.feature_code.as_str(),
                "PPLC" | "PPLA" | "PPLA2" | "PPLA3" | "PPLA4" | "PPLG"
            );
            [
                (1.0 + rank as f64).ln(),
                flag(rank == 0 && places.len() > 1),
                ((p.population as f64) + 1.0).log10(),
                readings * c.2.prior,
                km,
                flag(p.kind == PlaceKind::Continent),
                flag(p.kind == PlaceKind::Country),
                flag(p.kind == PlaceKind::Admin1),
                flag(p.kind == PlaceKind::Admin2),
                flag(p.kind == PlaceKind::City),
                flag(p.kind == PlaceKind::District),
                flag(p.kind == PlaceKind::Feature),
                flag(p.kind == PlaceKind::Area),
                flag(p.kind == PlaceKind::Physical),
                flag(seat),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feature_names_are_the_struct_fields() {
        let json = serde_json::to_value(Features::default()).unwrap();
        let mut fields: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut names = Features::NAMES.to_vec();
        fields.sort_unstable();
        names.sort_unstable();
        assert_eq!(fields, names, "Features::NAMES must list every feature");
        let f = Features {
            prior: 1.0,
            focus: 2.0,
            common_word: -0.5,
            ..Default::default()
        };
        assert_eq!(f.total(), 2.5);
    }

    #[test]
    fn the_shipped_weights_parse() {
        let r = LearnedRanker::parse(SHIPPED_TSV, "ranker.tsv").unwrap();
        assert!(r.weights.iter().any(|w| *w != 0.0));
    }

    #[test]
    fn bad_weight_files_are_errors() {
        assert!(LearnedRanker::parse("", "x").is_err(), "no weights");
        assert!(LearnedRanker::parse("prior\t1\n", "x").is_ok());
        assert!(LearnedRanker::parse("prior\t1\nprior\t2\n", "x").is_err());
        assert!(LearnedRanker::parse("size\t1\n", "x").is_err());
        assert!(LearnedRanker::parse("prior\tNaN\n", "x").is_err());
        assert!(LearnedRanker::parse("prior 1\n", "x").is_err());
        assert!(Ranking::from_name("neural").is_err());
    }

    #[test]
    fn contributions_are_weight_times_value() {
        let r =
            LearnedRanker::parse("prior\t2\ncentroid_km\t-0.5\nkind_city\t0.25\n", "x").unwrap();
        let f = Features {
            prior: 1.5,
            name: 1.0,
            ..Default::default()
        };
        let mut x = [0.0; EXTRA_COUNT];
        x[4] = 2.0;
        x[9] = 1.0;
        let c = r.contributions(&f, &x);
        assert_eq!(c[0], 3.0);
        assert_eq!(c[1], 0.0, "an input the file does not name weighs 0");
        assert_eq!(r.score(&f, &x), 3.0 - 1.0 + 0.25);
    }

    #[test]
    fn the_centroid_leaves_out_the_name_itself() {
        let g = crate::gazetteer::testing::from_tsv(
            "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
1\tAlpha\tcity\tPPL\tUS\tIL\t1000\t40\t-90\t\t\t\n\
2\tBeta\tcity\tPPL\tUS\tIL\t1000\t42\t-88\t\t\t\n\
3\tGamma\tcity\tPPL\tFR\t11\t1000\t48\t2\t\t\t\n",
        );
        let lex = crate::spot::Lexicon::new();
        let s = crate::spot::Spotter::new(&g, &lex, crate::spot::SpotOptions::default())
            .spot("Alpha and Beta and Gamma.");
        let first = vec![Some((0, 1.0)), Some((1, 1.0)), Some((2, 0.5))];
        let c = Centroid::new(&g, &s.mentions, &first);
        // Gamma is not confident; without Alpha, Beta alone is left.
        let (lon, lat) = c.without(&s.mentions[0].key).unwrap();
        assert!((lon + 88.0).abs() < 1e-9 && (lat - 42.0).abs() < 1e-9);
        let (lon, lat) = c.without(&s.mentions[2].key).unwrap();
        assert!(haversine_km((lon, lat), (-89.0, 41.0)) < 100.0);
        let none = Centroid::new(&g, &s.mentions, &[None, None, None]);
        assert!(none.without("alpha").is_none());
    }
}
