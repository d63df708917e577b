//! Resolution: which gazetteer entry does each mention name, and how sure are we?
//!
//! Every candidate gets a score that is a sum of named features ([`Features`]), so that
//! `--explain` can show why one won:
//!
//! * `prior` — how likely the place is to be written about at all: countries and
//!   continents high, first-level regions next, counties and cities by log population
//!   (cities with a bonus for capitals and admin seats), sections of cities low.
//! * `name` — how the text names it: its preferred name, an abbreviation or demonym,
//!   or one of its alternate names (weaker: alternate names are many and foreign).
//! * `pair` — "Paris, Texas": a name followed by ", " and a region or country that
//!   contains the candidate, unless both stand in a longer list of places of one
//!   level ("Georgia, Oklahoma, Pennsylvania and California"; [`list`]).
//! * `country` / `admin1` — the document names the candidate's country or region
//!   elsewhere (directly, by demonym, or through places resolved in a first pass; a
//!   country or region that wins its ambiguous name in the first pass counts as
//!   named).
//! * `coherence` — spatial coherence: the candidate lies near places the document's
//!   other mentions resolved to in the first pass, found with an R-tree over those
//!   points and measured by haversine.
//! * `relation` — the text ties the mention to an anchor ("X, 10 km north of Y") and
//!   the candidate lies near that anchor.
//! * `dateline` — an all-capitals name opening a story is a city.
//! * `contain` — the text states what holds the place ("Victoria is a city in Ellis
//!   County, Kansas", "Lima, a city in Ohio"): the candidate inside the named county,
//!   region or country, and those containers ([`containment`]). It holds for every
//!   mention of the name.
//! * `focus` — the share of the document's other confidently placed names that lie in
//!   the candidate's first-level region ([`focus`]).
//! * `local` — another name of the document has a reading within a few km of the
//!   candidate ("Paris" and "Henry County": Paris, Tennessee, is its seat; [`local`]).
//! * `common_word` — a penalty for names made of common English words ("Reading",
//!   "White House", "Centre"): none for countries and counties, heavier for small
//!   places than for regions and big cities, heavier at the start of a sentence, halved
//!   when the name stands in a list beside a name that is no common word ("Lyon and
//!   Nice").
//! * `user` / `plain` — evidence for places the gazetteer cannot weigh by population:
//!   the user's own places, and places of unknown population the text names plainly
//!   (see [`evidence`]).
//!
//! Resolution runs twice: the first pass picks provisional winners from the features
//! that need no other mention; the second adds context and coherence from them. All
//! mentions with the same folded name share one sense per document: their scores are
//! summed per candidate before the winner is picked. A mention whose best score stays
//! below [`ResolveOptions::min_score`] is dropped as probably not a place.
//!
//! With [`ranker::Ranking::Learned`] the winner is instead the candidate with the best
//! learned score ([`ranker`]), a fitted weighting of the same features and a few more;
//! the threshold and the confidence still come from the hand-set scores.

pub mod calibration;
pub mod containment;
pub mod evidence;
pub mod focus;
pub mod list;
pub mod local;
pub mod ranker;
pub mod relation;
pub mod relative;
mod weights_file;

use std::borrow::Cow;
// FxHash: these maps are filled per mention and candidate; SipHash was a visible share
// of a batch (keys are our own names and ids, not attacker-chosen).
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rstar::primitives::GeomWithData;
use rstar::RTree;
use serde::Serialize;

use crate::gazetteer::{Gazetteer, NameKind, Place, PlaceKind};
use crate::geodesy::haversine_km;
use crate::spot::{Mention, Spotted};
use calibration::{Calibration, ConfidenceInputs, MAX_MARGIN};
use ranker::{Extras, Ranking};
use relation::{parse_relation, RelationKind};

/// A mention's candidates: (place index, how the mention names it, its features).
pub(crate) type Candidates = Vec<(u32, NameKind, Features)>;

/// A city that holds a country's or region's own name only as an alternate ("Mexico"
/// for Mexico City) is named more weakly than by an alternate name (0.6).
const ALTERNATE_OF_REGION_NAME: f64 = 0.3;

/// A container named by a containment statement counts for each level that holds a
/// candidate: as much as a "Paris, Texas" pair's half (`pair` 3.0), so that a county
/// and its state together (3.0) outweigh a big namesake's population (a city of
/// 8 million over a village of 500 is 0.25 × 4.2 ≈ 1.05 in `prior`, plus a capital's
/// 0.5) and one level alone about equals it.
const CONTAIN_PER_CONTAINER: f64 = 1.5;
/// More levels say no more than a county and its state.
const CONTAIN_MAX: f64 = 3.0;
/// A container reading that holds one of the subject's candidates ("Georgia" the
/// state in "a city in Clarke County, Georgia"): as much as the region of a pair.
const CONTAINER_BOOST: f64 = 1.0;

/// Coherence measures a candidate against this many of the nearest first-pass places
/// (nearest in degrees, by the R-tree), the nearest by haversine among them counting.
const NEAREST_ANCHORS: usize = 8;
/// A region that won its name in the first pass counts for the names inside it as
/// much as a region named with no other reading (`admin1` 1.0). Chosen on the dev
/// corpora among 0.5, 1.0 and 1.5 (LGL acc@161 0.876, 0.880, 0.879).
const REGION_WON: f64 = 1.0;
/// A country that won its name in the first pass: as much as a country named with no
/// other reading (`country` 1.0); with 0.5 or 0 overall acc@161 fell 0.878 → 0.875.
const COUNTRY_WON: f64 = 1.0;

/// Options for resolution.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    /// Mentions whose best candidate scores below this are dropped.
    pub min_score: f64,
    /// Spatial coherence reaches this far, in km (its weight halves every
    /// `coherence_km * ln 2`).
    pub coherence_km: f64,
    /// Turns a winner's inputs into a probability (default: the shipped weights).
    pub calibration: std::sync::Arc<Calibration>,
    /// Picks each mention's winner among its candidates: the hand-set sum of features
    /// or the learned model ([`ranker`]).
    pub ranking: Ranking,
    /// Keep the learned ranker's own inputs ([`Resolution::extras`]) even when the rules
    /// pick: for the training dump (`eval --dump-ranker`). Off by default: they cost
    /// time the rules do not need.
    pub ranker_inputs: bool,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions {
            min_score: 2.2,
            coherence_km: 150.0,
            calibration: Calibration::shipped(),
            ranking: Ranking::default(),
            ranker_inputs: false,
        }
    }
}

/// The scored features of one candidate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Features {
    /// Place importance: kind, population, capital.
    pub prior: f64,
    /// How the text names it.
    pub name: f64,
    /// "X, Region" pattern.
    pub pair: f64,
    /// Its country is named in the document.
    pub country: f64,
    /// Its first-level region is named in the document.
    pub admin1: f64,
    /// Nearness to the document's other places.
    pub coherence: f64,
    /// Nearness to an anchor the text relates it to.
    pub relation: f64,
    /// Dateline city.
    pub dateline: f64,
    /// Other names of the document that have *some* reading near this candidate
    /// ("Paris" and "Henry County": one Paris lies in one Henry County).
    pub neighbours: f64,
    /// Penalty for a name made of common English words ("Reading", "White House"),
    /// heavier for small places and at the start of a sentence.
    pub common_word: f64,
    /// The place comes from the user's own CSV or GeoJSON ([`evidence`]).
    pub user: f64,
    /// A place of unknown population that the text names plainly ([`evidence`]).
    pub plain: f64,
    /// The text states that a named county, region or country holds it, or it holds
    /// a place the text says it holds ([`containment`]).
    pub contain: f64,
    /// Share of the document's other confident places in its first-level region
    /// ([`focus`]).
    pub focus: f64,
    /// Readings of the document's other names close by ([`local`]).
    pub local: f64,
}

/// How many named features a candidate has ([`Features::NAMES`]).
pub const FEATURE_COUNT: usize = 15;

impl Features {
    /// The features' names, in the order of [`Features::values`]: the names the learned
    /// ranker's weights file ([`ranker`]) and its training dump use. A unit test checks
    /// that they are the struct's fields, so a new feature cannot be left out.
    pub const NAMES: [&'static str; FEATURE_COUNT] = [
        "prior",
        "name",
        "pair",
        "country",
        "admin1",
        "coherence",
        "relation",
        "dateline",
        "common_word",
        "neighbours",
        "user",
        "plain",
        "contain",
        "focus",
        "local",
    ];

    /// The features' values in [`Features::NAMES`] order.
    pub fn values(&self) -> [f64; FEATURE_COUNT] {
        [
            self.prior,
            self.name,
            self.pair,
            self.country,
            self.admin1,
            self.coherence,
            self.relation,
            self.dateline,
            self.common_word,
            self.neighbours,
            self.user,
            self.plain,
            self.contain,
            self.focus,
            self.local,
        ]
    }

    /// The candidate's score under the hand-set rules: the sum of its features (in
    /// this order, which the goldens were computed with).
    pub fn total(&self) -> f64 {
        self.values().iter().sum()
    }
}

/// One scored candidate of a mention.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredCandidate {
    /// Index of the place in the gazetteer.
    pub place: u32,
    /// How the mention names it.
    pub name_kind: NameKind,
    /// The features that scored it.
    pub features: Features,
    /// The sum of the features (this mention's own; the name's mentions are summed to
    /// pick the winner).
    pub score: f64,
    /// The learned ranker's score, when it picked the winner.
    pub learned: Option<f64>,
}

/// The outcome for one mention.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The chosen place, or `None` when the mention was judged not a place.
    pub place: Option<u32>,
    /// Calibrated probability that the mention names a place within 161 km of the
    /// chosen one ([`calibration`]); 0 when none was chosen.
    pub confidence: f64,
    /// What the confidence was computed from.
    pub inputs: ConfidenceInputs,
    /// Candidates, best first.
    pub ranked: Vec<ScoredCandidate>,
    /// The learned ranker's own inputs ([`ranker::EXTRA_NAMES`]) of each of `ranked`,
    /// in its order; empty when the rules picked and [`ResolveOptions::ranker_inputs`]
    /// is off.
    pub extras: Vec<Extras>,
}

impl serde::Serialize for NameKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A place's context-free importance: the `prior` feature. Countries and continents
/// high, first-level regions next, cities by log population with a bonus for
/// capitals and admin seats, city sections low.
pub fn prior(p: &Place) -> f64 {
    match p.kind {
        PlaceKind::Continent => 2.0,
        PlaceKind::Country => 2.5,
        PlaceKind::Admin1 => 1.8,
        PlaceKind::Admin2 => admin2_prior(p.population),
        PlaceKind::City => {
            let seat = match p.feature_code.as_str() {
                "PPLC" => 0.5,
                "PPLA" => 0.25,
                "PPLA2" => 0.1,
                _ => 0.0,
            };
            0.25 * ((p.population as f64) + 10.0).log10() + seat
        }
        PlaceKind::District | PlaceKind::Feature => 0.2 * ((p.population as f64) + 10.0).log10(),
        PlaceKind::Area => AREA_PRIOR,
        PlaceKind::Physical => physical_prior(&p.feature_code),
    }
}

/// A second-level region of unknown population (UK counties, Philippine provinces in
/// the bundled data): between a town and a first-level region.
const ADMIN2_PRIOR: f64 = 1.2;
/// Prior per tenfold population of a county. Smaller than a city's 0.25: counties of one
/// name differ by population as much as towns do, but the county a text means is
/// told by its context (the state it names, the places around), and a steeper scale
/// overrode that context ("Dallas County" among Iowa places is not the Texan one).
const ADMIN2_PER_DECADE: f64 = 0.1;
/// Added so that the median US county (about 11,000 people) keeps [`ADMIN2_PRIOR`];
/// a county of ten million reaches 1.5, still below a first-level region (1.8).
const ADMIN2_OFFSET: f64 = 0.8;

/// The prior of a second-level region: by log population like a city ("Orange
/// County" of 3 million people before the one of 8,000), flat when the population
/// is unknown. Never below [`ADMIN2_PRIOR`]: a county named alone passed the
/// threshold (2.2) with the flat prior, and a small county still should.
fn admin2_prior(population: u64) -> f64 {
    if population == 0 {
        return ADMIN2_PRIOR;
    }
    (ADMIN2_PER_DECADE * ((population as f64) + 10.0).log10() + ADMIN2_OFFSET).max(ADMIN2_PRIOR)
}

/// An informal or member-defined region (Darfur, the Middle East) is named in news as
/// often as a first-level region of the same size; a bit below admin1 (1.8) so that a
/// state or province of the same name keeps the lead.
const AREA_PRIOR: f64 = 1.6;
/// Oceans stand with continents (2.0).
const OCEAN_PRIOR: f64 = 2.0;
/// Seas and gulfs are as large and as often named as first-level regions (1.8).
const SEA_PRIOR: f64 = 1.8;
/// Rivers, lakes, islands, ranges, deserts and the like in Natural Earth's 1:10m
/// selection are notable: they rank with a city of about 400,000 people
/// (0.25 × log10 400,000 ≈ 1.4), so a large city keeps a name it shares with one.
const LARGE_FEATURE_PRIOR: f64 = 1.4;
/// Single points (peaks, capes, passes, waterfalls) rank with a town of 10,000.
const POINT_FEATURE_PRIOR: f64 = 1.0;

/// The prior of a notable physical feature, by its GeoNames feature code: "a sea is
/// not a small town".
fn physical_prior(code: &str) -> f64 {
    match code {
        "OCN" => OCEAN_PRIOR,
        "SEA" | "GULF" => SEA_PRIOR,
        "MT" | "CAPE" | "PASS" | "FLLS" => POINT_FEATURE_PRIOR,
        _ => LARGE_FEATURE_PRIOR,
    }
}

/// One gazetteer entry for a name, as `mentionmap resolve`, `/api/resolve` and the
/// Python `Mapper.resolve` list it.
#[derive(Debug, Clone)]
pub struct RankedCandidate<'g> {
    /// How the entry holds the name.
    pub posting: crate::gazetteer::Posting,
    /// The entry.
    pub place: Cow<'g, Place>,
    /// Its [`prior`], the rank key.
    pub prior: f64,
}

impl RankedCandidate<'_> {
    /// The entry as a JSON object (the same fields everywhere it is shown).
    pub fn to_json(&self) -> serde_json::Value {
        let p = &self.place;
        serde_json::json!({
            "geonameid": p.has_geonames_id().then_some(p.id), "id": p.id, "name": p.name,
            "kind": p.kind, "feature_code": p.feature_code, "country_code": p.country_code,
            "admin1": p.admin1, "population": p.population, "lat": p.lat, "lon": p.lon,
            "matched_as": self.posting.kind.as_str(), "prior": self.prior,
        })
    }
}

/// The gazetteer's entries for a name as written, at most `limit`, ranked as a reader
/// expects without context: by [`prior`] (kind, population), then by id for a stable
/// order.
pub fn ranked_candidates<'g>(
    gazetteer: &'g Gazetteer,
    name: &str,
    limit: usize,
) -> Vec<RankedCandidate<'g>> {
    let mut ranked: Vec<RankedCandidate> = gazetteer
        .lookup(name)
        .into_iter()
        .map(|(posting, place)| RankedCandidate {
            prior: prior(&place),
            posting,
            place,
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.prior
            .total_cmp(&a.prior)
            .then(a.place.id.cmp(&b.place.id))
    });
    ranked.truncate(limit);
    ranked
}

/// Resolves spotted mentions against a gazetteer.
#[derive(Debug)]
pub struct Resolver<'a> {
    gazetteer: &'a Gazetteer,
    options: ResolveOptions,
}

impl<'a> Resolver<'a> {
    /// A resolver over a gazetteer.
    pub fn new(gazetteer: &'a Gazetteer, options: ResolveOptions) -> Self {
        Resolver { gazetteer, options }
    }

    /// Resolves every mention of `spotted` (one [`Resolution`] per mention, same order).
    pub fn resolve(&self, text: &str, spotted: &Spotted) -> Vec<Resolution> {
        let mentions = &spotted.mentions;
        let mut feats = self.base(text, spotted);
        self.weaken_alternates_of_region_names(&mut feats);
        self.add_pairs(text, mentions, &mut feats);
        self.add_containment(text, spotted, &mut feats);
        self.add_named_context(mentions, &mut feats);
        // First pass: provisional winners from the features that need no other place.
        let first = self.pick(mentions, &feats, None);
        // Second pass: what the provisional winners say about each other.
        self.add_spatial_context(mentions, &first, &mut feats);
        self.add_focus(mentions, &first, &mut feats);
        self.add_local(mentions, &first, &mut feats);
        self.add_relations(text, spotted, &first, &mut feats);
        let model = self.options.ranking.model();
        let extras: Vec<Vec<Extras>> = if model.is_some() || self.options.ranker_inputs {
            let centroid = ranker::Centroid::new(self.gazetteer, mentions, &first);
            mentions
                .iter()
                .zip(&feats)
                .map(|(m, f)| ranker::extras(self.gazetteer, f, centroid.without(&m.key)))
                .collect()
        } else {
            vec![Vec::new(); mentions.len()]
        };
        let learned: Option<Vec<Vec<f64>>> = model.map(|model| {
            feats
                .iter()
                .zip(&extras)
                .map(|(f, x)| f.iter().zip(x).map(|(c, x)| model.score(&c.2, x)).collect())
                .collect()
        });
        let resolved = self.pick(mentions, &feats, learned.as_deref());
        let mut learned = learned.map(Vec::into_iter);
        let mut repeats: HashMap<&str, usize> = HashMap::default();
        for m in mentions {
            *repeats.entry(m.key.as_str()).or_default() += 1;
        }
        feats
            .into_iter()
            .zip(extras)
            .zip(resolved)
            .enumerate()
            .map(|(i, ((f, x), winner))| {
                let m = &mentions[i];
                let scores = learned.as_mut().and_then(Iterator::next);
                self.finish(m, repeats[m.key.as_str()], (f, x, scores), winner)
            })
            .collect()
    }

    /// Every mention's candidates with the features that need no other mention.
    fn base(&self, text: &str, spotted: &Spotted) -> Vec<Candidates> {
        spotted
            .mentions
            .iter()
            .map(|m| {
                m.candidates
                    .iter()
                    .map(|c| {
                        let p = self.gazetteer.place(c.place);
                        let mut ft = self.base_features(m, &p, c.kind);
                        if self.gazetteer.is_user_place(c.place) {
                            ft.user = evidence::USER_PLACE_PRIOR;
                        }
                        ft.plain = evidence::plain_name(text, spotted, m, &p, c.kind);
                        (c.place, c.kind, ft)
                    })
                    .collect()
            })
            .collect()
    }

    /// "Mexico", "New York": when the name is a country's or region's own name, a
    /// city that has it only as an alternate name ("Mexico" for Mexico City) is the
    /// weaker reading.
    fn weaken_alternates_of_region_names(&self, feats: &mut [Candidates]) {
        for f in feats.iter_mut() {
            if !self.region_owns_name(f) {
                continue;
            }
            for (place, kind, ft) in f.iter_mut() {
                if *kind == NameKind::Alternate && self.gazetteer.kind(*place) >= PlaceKind::Admin2
                {
                    ft.name = ALTERNATE_OF_REGION_NAME;
                }
            }
        }
    }

    /// True when a country or first-level region holds the mention's name as its own.
    fn region_owns_name(&self, f: &Candidates) -> bool {
        f.iter().any(|(place, kind, _)| {
            *kind == NameKind::Preferred && self.gazetteer.kind(*place) <= PlaceKind::Admin1
        })
    }

    /// Context named outright: countries (by name, abbreviation or demonym) and
    /// first-level regions whose mentions have no other reading raise the candidates
    /// inside them (`country`, `admin1`).
    fn add_named_context(&self, mentions: &[Mention], feats: &mut [Candidates]) {
        // Codes are borrowed from the gazetteer: a String per candidate was most of
        // this step.
        let gaz = self.gazetteer;
        let mut countries: HashSet<&str> = HashSet::default();
        // Regions named outright, with the keys that name them: a region does not
        // vouch for readings of its own name ("New York" the state is no evidence
        // for New York the city).
        let mut regions: HashMap<(&str, &str), HashSet<&str>> = HashMap::default();
        for (m, f) in mentions.iter().zip(feats.iter()) {
            if !f.is_empty() && f.iter().all(|c| gaz.kind(c.0) == PlaceKind::Country) {
                countries.extend(f.iter().map(|c| gaz.codes(c.0).0));
            }
            // A region is named outright when it is the mention's one reading by its
            // own name or abbreviation and any other reading holds the name only as an
            // alternate ("Illinois" is also an old name of a Riverside), or when it is
            // the only reading ("State of Ohio").
            let own: Vec<u32> = if f.len() == 1 {
                vec![f[0].0]
            } else {
                f.iter()
                    .filter(|c| c.1 != NameKind::Alternate)
                    .map(|c| c.0)
                    .collect()
            };
            if own.len() == 1 && gaz.kind(own[0]) == PlaceKind::Admin1 {
                regions
                    .entry(gaz.codes(own[0]))
                    .or_default()
                    .insert(m.key.as_str());
            }
        }
        // Keys under which each country is named outright ("Russia", "Russian").
        let mut country_keys: HashMap<&str, HashSet<&str>> = HashMap::default();
        for (m, f) in mentions.iter().zip(feats.iter()) {
            for (place, _, _) in f {
                let country = gaz.codes(*place).0;
                if gaz.kind(*place) == PlaceKind::Country && countries.contains(country) {
                    country_keys
                        .entry(country)
                        .or_default()
                        .insert(m.key.as_str());
                }
            }
        }
        for (m, f) in mentions.iter().zip(feats.iter_mut()) {
            for (place, _, ft) in f.iter_mut() {
                let kind = gaz.kind(*place);
                let codes = gaz.codes(*place);
                if kind > PlaceKind::Country && countries.contains(codes.0) {
                    ft.country = 1.0;
                }
                // A country the text also names another way is surely meant.
                if kind == PlaceKind::Country
                    && country_keys
                        .get(codes.0)
                        .is_some_and(|keys| keys.iter().any(|k| *k != m.key))
                {
                    ft.country = 1.0;
                }
                if kind > PlaceKind::Admin1
                    && regions
                        .get(&codes)
                        .is_some_and(|keys| keys.iter().any(|k| *k != m.key))
                {
                    ft.admin1 = 1.0;
                }
            }
        }
    }

    /// The second pass: countries implied by other mentions' provisional places
    /// (`country` 0.25), spatial coherence with those places, and support from the
    /// other names' readings (`neighbours`).
    fn add_spatial_context(
        &self,
        mentions: &[Mention],
        first: &[Option<(u32, f64)>],
        feats: &mut [Candidates],
    ) {
        // Countries that hold another mention's provisional place.
        let mut implied: HashMap<String, HashSet<&str>> = HashMap::default();
        for (m, w) in mentions.iter().zip(first) {
            if let Some((place, share)) = *w {
                let p = self.gazetteer.place(place);
                if share > 0.6 && p.kind > PlaceKind::Country {
                    implied
                        .entry(p.country_code.clone())
                        .or_default()
                        .insert(m.key.as_str());
                }
            }
        }
        let anchors: RTree<GeomWithData<[f64; 2], usize>> = RTree::bulk_load(
            first
                .iter()
                .enumerate()
                .filter_map(|(i, w)| {
                    let (place, _) = (*w)?;
                    let p = self.gazetteer.place(place);
                    (p.kind >= PlaceKind::Admin2).then(|| GeomWithData::new([p.lon, p.lat], i))
                })
                .collect(),
        );
        let support = CandidateSupport::new(self.gazetteer, mentions, feats);
        // A candidate's support and coherence depend only on its name's key and its
        // place, so every repeat of a name reuses the first mention's R-tree queries.
        let mut measured: HashMap<(&str, u32), (f64, f64)> = HashMap::default();
        for (i, f) in feats.iter_mut().enumerate() {
            let key = mentions[i].key.as_str();
            // Where a country or region owns the name, a city holding it only as an
            // alternate ("Mexico" for Mexico City) gets no spatial help: nearness to
            // other Mexican places speaks as much for the country.
            let region_owns_name = self.region_owns_name(f);
            for (place, kind, ft) in f.iter_mut() {
                let p = self.gazetteer.place(*place);
                let spatial = p.kind >= PlaceKind::Admin2
                    && !(region_owns_name && *kind == NameKind::Alternate);
                let (neighbours, coherence) = if spatial {
                    *measured.entry((key, *place)).or_insert_with(|| {
                        (
                            support.score(self.gazetteer, key, &p),
                            self.coherence(&anchors, mentions, i, &p),
                        )
                    })
                } else {
                    (0.0, 0.0)
                };
                if spatial {
                    ft.neighbours = neighbours;
                }
                let holds_others = implied
                    .get(p.country_code.as_str())
                    .is_some_and(|keys| keys.iter().any(|k| *k != key));
                if p.kind >= PlaceKind::Country && ft.country == 0.0 && holds_others {
                    ft.country = 0.25;
                }
                if spatial {
                    ft.coherence = coherence;
                }
            }
        }
    }

    /// Features that need no other mention.
    fn base_features(&self, m: &Mention, p: &Place, kind: NameKind) -> Features {
        let prior = prior(p);
        let name = match kind {
            NameKind::Preferred => 1.0,
            NameKind::Abbreviation => 0.8,
            NameKind::Demonym => 0.9,
            NameKind::Alternate => 0.6,
        };
        let dateline = if m.dateline && p.kind == PlaceKind::City {
            1.0
        } else {
            0.0
        };
        // "Orange County", "Red River": read as a county or feature, a name closed by
        // its generic is no common word, even at the start of a sentence.
        let generic_named = matches!(p.kind, PlaceKind::Admin2 | PlaceKind::Physical)
            && crate::spot::lexicon::ends_in_geographic_generic(&m.key);
        let common_word = if !m.common_words || generic_named {
            0.0
        } else {
            let size = match p.kind {
                // A sea or region whose name is made of common words ("Red Sea",
                // "Middle East", "North Sea") is held under that name as a whole.
                PlaceKind::Continent
                | PlaceKind::Country
                | PlaceKind::Admin2
                | PlaceKind::Area
                | PlaceKind::Physical => 0.0,
                // A region called by a common word ("Centre", "Lakes", "Gulf": regions
                // of Cameroon, South Sudan, Papua New Guinea) counts as a big city
                // called by one; context in the text can still lift it.
                PlaceKind::Admin1 => -0.75,
                _ if p.population >= 100_000 => -0.75,
                _ => -1.5,
            };
            // Listed beside a real name, a common word is probably a place as well.
            let size = if m.listed_with_name { size / 2.0 } else { size };
            size + if m.sentence_initial { -1.0 } else { 0.0 }
        };
        Features {
            prior,
            name,
            dateline,
            common_word,
            ..Features::default()
        }
    }

    /// "X, Y": raise X's candidates inside one of Y's regions or countries, and those.
    fn add_pairs(&self, text: &str, mentions: &[Mention], feats: &mut [Candidates]) {
        for i in 0..mentions.len().saturating_sub(1) {
            let gap = &text[mentions[i].end..mentions[i + 1].start];
            if gap.trim() != "," {
                continue;
            }
            // In a longer list, X's own reading as a place of Y's level says it is
            // a list item, not a town of Y ([`list`]).
            let list = list::in_longer_list(text, mentions, i);
            let x_level = feats[i]
                .iter()
                .filter(|c| c.1 != NameKind::Alternate)
                .map(|c| self.gazetteer.kind(c.0))
                .min();
            let (left, right) = feats.split_at_mut(i + 1);
            let (xs, ys) = (&mut left[i], &mut right[0]);
            for (xp, _, xf) in xs.iter_mut() {
                let x = self.gazetteer.place(*xp);
                for (yp, _, yf) in ys.iter_mut() {
                    let y = self.gazetteer.place(*yp);
                    if list && x_level.is_some_and(|k| k <= y.kind) {
                        continue;
                    }
                    let contains = match y.kind {
                        PlaceKind::Country => {
                            x.kind > PlaceKind::Country && x.country_code == y.country_code
                        }
                        PlaceKind::Admin1 => {
                            x.kind > PlaceKind::Admin1
                                && x.country_code == y.country_code
                                && x.admin1 == y.admin1
                        }
                        _ => false,
                    };
                    if contains {
                        xf.pair = 3.0;
                        yf.pair = yf.pair.max(1.0);
                    }
                }
            }
        }
    }

    /// "X is a city in Y County, Z": X's candidates inside the containers gain
    /// `contain` for every unpaired mention of X's name; the containers' readings that
    /// hold one of X's candidates gain a little.
    fn add_containment(&self, text: &str, spotted: &Spotted, feats: &mut [Candidates]) {
        let mentions = &spotted.mentions;
        for st in containment::statements(text, spotted) {
            let mut best: HashMap<u32, f64> = HashMap::default();
            let subjects: Vec<u32> = feats[st.subject].iter().map(|c| c.0).collect();
            for xp in &subjects {
                let x = self.gazetteer.place(*xp);
                let mut held = 0.0;
                for &k in &st.containers {
                    let mut holds = false;
                    for (yp, _, yf) in feats[k].iter_mut() {
                        if containment::contains(&self.gazetteer.place(*yp), &x) {
                            holds = true;
                            yf.contain = yf.contain.max(CONTAINER_BOOST);
                        }
                    }
                    if holds {
                        held += CONTAIN_PER_CONTAINER;
                    }
                }
                if held > 0.0 {
                    best.insert(*xp, held.min(CONTAIN_MAX));
                }
            }
            if best.is_empty() {
                continue;
            }
            let key = mentions[st.subject].key.as_str();
            for (m, f) in mentions.iter().zip(feats.iter_mut()) {
                if m.key != key || f.iter().any(|c| c.2.pair > 0.0) {
                    continue;
                }
                for (place, _, ft) in f.iter_mut() {
                    if let Some(v) = best.get(place) {
                        ft.contain = ft.contain.max(*v);
                    }
                }
            }
        }
    }

    /// The document's focus ([`focus`]) on the candidates of every ambiguous name,
    /// and the context of the regions that won their names ([`Self::won_regions`]).
    fn add_focus(
        &self,
        mentions: &[Mention],
        first: &[Option<(u32, f64)>],
        feats: &mut [Candidates],
    ) {
        let codes = focus::Focus::codes(self.gazetteer, first);
        let doc = focus::Focus::new(mentions, first, &codes);
        let won = self.won_regions(mentions, first);
        let by_other = |key: &str, cc: &str, region: &str| {
            won.iter()
                .any(|(c, r, k)| c == cc && r == region && *k != key)
        };
        // The focus depends only on the name's key and the place: once per pair.
        let mut scored: HashMap<(&str, u32), f64> = HashMap::default();
        for ((m, f), w) in mentions.iter().zip(feats.iter_mut()).zip(first) {
            if f.len() < 2 {
                continue;
            }
            // A name a region holds as its own is that region or its namesake city
            // ("Oklahoma", "Washington"): context from other regions would favour
            // one over the other by kind alone.
            let won_context = w.is_some() && !won.is_empty() && !self.region_owns_name(f);
            for (place, _, ft) in f.iter_mut() {
                let p = self.gazetteer.place(*place);
                if p.kind > PlaceKind::Country {
                    ft.focus = *scored
                        .entry((m.key.as_str(), *place))
                        .or_insert_with(|| doc.score(&m.key, &p.country_code, &p.admin1));
                }
                if !won_context {
                    continue;
                }
                if p.kind > PlaceKind::Admin1 && by_other(&m.key, &p.country_code, &p.admin1) {
                    ft.admin1 = ft.admin1.max(REGION_WON);
                }
                if p.kind > PlaceKind::Country && by_other(&m.key, &p.country_code, "") {
                    ft.country = ft.country.max(COUNTRY_WON);
                }
            }
        }
    }

    /// Countries and regions that won their name in the first pass, however narrowly
    /// ("Virginia" the state over the towns of that name, "Canada" over its
    /// namesakes), count as named for the other ambiguous names the first pass took
    /// for places, unless a region holds that name as its own: `country` and `admin1`
    /// as for a name with no other reading. (Giving it to the regions of such a name
    /// alone put "Ontario" and "New Brunswick" right but "Washington" the capital in
    /// the state: dev acc@161 0.877 → 0.876.)
    fn won_regions<'m>(
        &self,
        mentions: &'m [Mention],
        first: &[Option<(u32, f64)>],
    ) -> Vec<(String, String, &'m str)> {
        // (country, region or "", the name that chose it); a handful per document.
        let mut won = Vec::new();
        for (m, w) in mentions.iter().zip(first) {
            let Some((place, _)) = *w else { continue };
            let region = match self.gazetteer.kind(place) {
                PlaceKind::Country => String::new(),
                PlaceKind::Admin1 => self.gazetteer.place(place).admin1.clone(),
                _ => continue,
            };
            let cc = self.gazetteer.place(place).country_code.clone();
            won.push((cc, region, m.key.as_str()));
        }
        won
    }

    /// Readings of other names close by ([`local`]) for every ambiguous name the first
    /// pass took for a place.
    fn add_local(
        &self,
        mentions: &[Mention],
        first: &[Option<(u32, f64)>],
        feats: &mut [Candidates],
    ) {
        // A name a country or region holds as its own ("Kansas", "California") is
        // that region: its towns neither take nor give local support.
        let placed: Vec<bool> = first
            .iter()
            .zip(feats.iter())
            .map(|(w, f)| w.is_some() && !self.region_owns_name(f))
            .collect();
        // Nothing to choose, or no other name to choose by.
        let choosing = feats.iter().zip(&placed).any(|(f, ok)| *ok && f.len() > 1);
        if !choosing || placed.iter().filter(|ok| **ok).count() < 2 {
            return;
        }
        let near = local::Local::new(
            self.gazetteer,
            mentions,
            feats.iter().map(|f| f.iter().map(|c| c.0)),
            &placed,
        );
        // Repeated names have the same readings: score each (name, reading) once.
        let mut done: HashMap<(&str, u32), f64> = HashMap::default();
        for ((m, f), ok) in mentions.iter().zip(feats.iter_mut()).zip(&placed) {
            if !ok || f.len() < 2 {
                continue;
            }
            for (place, _, ft) in f.iter_mut() {
                if local::is_local_kind(self.gazetteer.kind(*place)) {
                    ft.local = *done.entry((m.key.as_str(), *place)).or_insert_with(|| {
                        let p = self.gazetteer.place(*place);
                        near.score(self.gazetteer, &m.key, *place, p.lon, p.lat)
                    });
                }
            }
        }
    }

    /// Coherence of candidate `p` of mention `i` with the other mentions' first-pass
    /// places: the R-tree finds the nearest few, haversine measures them.
    fn coherence(
        &self,
        anchors: &RTree<GeomWithData<[f64; 2], usize>>,
        mentions: &[Mention],
        i: usize,
        p: &Place,
    ) -> f64 {
        let mut best = f64::INFINITY;
        let mut measure = |a: &GeomWithData<[f64; 2], usize>| {
            if mentions[a.data].key != mentions[i].key {
                let [lon, lat] = *a.geom();
                best = best.min(haversine_km((p.lon, p.lat), (lon, lat)));
            }
        };
        if anchors.size() <= NEAREST_ANCHORS {
            // The nearest of at most that many are all of them, and a minimum needs
            // no order: no walk of the tree (most news documents).
            anchors.iter().for_each(&mut measure);
        } else {
            anchors
                .nearest_neighbor_iter(&[p.lon, p.lat])
                .take(NEAREST_ANCHORS)
                .for_each(&mut measure);
        }
        if best.is_finite() {
            // Nearness helps choose among plausible places; it does not make a hamlet
            // plausible, so it is scaled by the place's own importance.
            let plausibility = (prior(p) / 2.0).min(1.0);
            1.5 * (-best / self.options.coherence_km).exp() * plausibility
        } else {
            0.0
        }
    }

    /// "X, 10 km north of Y" where X is in the gazetteer: candidates of X near Y's
    /// provisional place win.
    fn add_relations(
        &self,
        text: &str,
        spotted: &Spotted,
        first: &[Option<(u32, f64)>],
        feats: &mut [Candidates],
    ) {
        let mentions = &spotted.mentions;
        for i in 0..mentions.len() {
            let mut at = mentions[i].tokens.end;
            if spotted
                .tokens
                .get(at)
                .is_some_and(|t| crate::spot::lexicon::is_place_noun_word(&t.folded))
            {
                at += 1;
            }
            let Some(rel) = parse_relation(text, &spotted.tokens, at) else {
                continue;
            };
            let Some(j) = spotted.mention_starting_at(rel.anchor_token) else {
                continue;
            };
            let Some((anchor, _)) = first[j] else {
                continue;
            };
            let a = self.gazetteer.place(anchor);
            let reach = match rel.kind {
                RelationKind::Offset { km, .. } => km.max(5.0) * 1.5,
                RelationKind::Inside => relative::urban_radius_km(&a) * 2.0,
                _ => relative::urban_radius_km(&a) * 3.0 + 10.0,
            };
            for (place, _, ft) in feats[i].iter_mut() {
                let p = self.gazetteer.place(*place);
                if p.kind >= PlaceKind::Admin2 && *place != anchor {
                    let d = haversine_km(p.lon_lat(), a.lon_lat());
                    ft.relation = 2.0 * (-d / reach).exp();
                }
            }
        }
    }

    /// Winner per mention, one sense per document: scores are summed over every
    /// mention with the same key. The winner has the highest hand-set score, or the
    /// highest `learned` score when the learned ranker gave one per candidate; either
    /// way the mention is kept only when its best hand-set score reaches the threshold.
    /// Returns (place, the winner's share of the hand-set scores) per mention.
    fn pick(
        &self,
        mentions: &[Mention],
        feats: &[Candidates],
        learned: Option<&[Vec<f64>]>,
    ) -> Vec<Option<(u32, f64)>> {
        // A mention in an "X, Region" pair is read on its own ("Paris, Texas, and
        // Paris, Tenn."); the others of a name share one sense.
        let paired: Vec<bool> = feats
            .iter()
            .map(|f| f.iter().any(|c| c.2.pair > 0.0))
            .collect();
        // (place, hand-set score, learned score) per candidate of mention i.
        fn scores<'a>(
            f: &'a Candidates,
            learned: Option<&'a [f64]>,
        ) -> impl Iterator<Item = (u32, f64, f64)> + 'a {
            f.iter()
                .enumerate()
                .map(move |(j, c)| (c.0, c.2.total(), learned.map_or(0.0, |l| l[j])))
        }
        let learned_of = |i: usize| learned.map(|l| l[i].as_slice());
        let mut sums: HashMap<&str, HashMap<u32, (f64, f64)>> = HashMap::default();
        let mut counts: HashMap<&str, usize> = HashMap::default();
        for (i, (m, f)) in mentions.iter().zip(feats).enumerate() {
            let entry = sums.entry(m.key.as_str()).or_default();
            for (place, hand, learn) in scores(f, learned_of(i)) {
                let e = entry.entry(place).or_default();
                e.0 += hand;
                e.1 += learn;
            }
            *counts.entry(m.key.as_str()).or_default() += 1;
        }
        // The unpaired mentions of a name share one winner: picked once per name.
        let mut shared: HashMap<&str, Option<(u32, f64)>> = HashMap::default();
        mentions
            .iter()
            .zip(feats)
            .zip(paired)
            .enumerate()
            .map(|(i, ((m, f), paired))| {
                if paired {
                    let own: HashMap<u32, (f64, f64)> = scores(f, learned_of(i))
                        .map(|(p, h, l)| (p, (h, l)))
                        .collect();
                    return self.winner(&own, 1.0, learned.is_some());
                }
                let key = m.key.as_str();
                *shared.entry(key).or_insert_with(|| {
                    self.winner(&sums[key], counts[key] as f64, learned.is_some())
                })
            })
            .collect()
    }

    /// The winner of summed (hand-set, learned) scores `s` over `n` mentions, ranked
    /// by the learned score when `by_learned`, with its softmax share of the hand-set
    /// scores, when the best mean hand-set score reaches [`ResolveOptions::min_score`].
    fn winner(&self, s: &HashMap<u32, (f64, f64)>, n: f64, by_learned: bool) -> Option<(u32, f64)> {
        let rank = |v: &(f64, f64)| if by_learned { v.1 } else { v.0 };
        let (place, chosen) = s
            .iter()
            .max_by(|a, b| rank(a.1).total_cmp(&rank(b.1)).then(b.0.cmp(a.0)))?;
        let best = s.values().map(|v| v.0).fold(f64::NEG_INFINITY, f64::max);
        let share = softmax_share(s.values().map(|v| v.0 / n), chosen.0 / n);
        ((best / n) >= self.options.min_score).then_some((*place, share))
    }

    /// Ranks a mention's candidates and turns its winner's evidence into a calibrated
    /// confidence.
    fn finish(
        &self,
        mention: &Mention,
        repeats: usize,
        (f, extras, learned): (Candidates, Vec<Extras>, Option<Vec<f64>>),
        winner: Option<(u32, f64)>,
    ) -> Resolution {
        let ranked: Vec<ScoredCandidate> = f
            .into_iter()
            .enumerate()
            .map(|(j, (place, name_kind, features))| ScoredCandidate {
                place,
                name_kind,
                features,
                score: features.total(),
                learned: learned.as_ref().map(|l| l[j]),
            })
            .collect();
        let (ranked, extras) = best_first(ranked, extras);
        let Some((place, share)) = winner else {
            return Resolution {
                place: None,
                confidence: 0.0,
                inputs: ConfidenceInputs::default(),
                ranked,
                extras,
            };
        };
        let inputs = self.confidence_inputs(mention, repeats, &ranked, place, share);
        Resolution {
            place: Some(place),
            confidence: self.options.calibration.probability(&inputs),
            inputs,
            ranked,
            extras,
        }
    }

    /// The inputs of the calibration model for the winner `place` of a mention.
    fn confidence_inputs(
        &self,
        mention: &Mention,
        repeats: usize,
        ranked: &[ScoredCandidate],
        place: u32,
        share: f64,
    ) -> ConfidenceInputs {
        let win = ranked.iter().find(|c| c.place == place);
        let best = win.map_or(0.0, |c| c.score);
        let rival = ranked
            .iter()
            .filter(|c| c.place != place)
            .map(|c| c.score)
            .fold(f64::NEG_INFINITY, f64::max);
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let kind = self.gazetteer.kind(place);
        let f = win.map(|c| c.features).unwrap_or_default();
        let name_kind = win.map(|c| c.name_kind);
        ConfidenceInputs {
            share,
            margin: (best - self.options.min_score).clamp(0.0, MAX_MARGIN),
            lead: (best - rival).clamp(0.0, MAX_MARGIN),
            readings: (1.0 + ranked.len() as f64).ln(),
            repeats: (repeats.max(1) as f64).ln(),
            sentence_initial: flag(mention.sentence_initial),
            common_words: flag(mention.common_words),
            demonym: flag(name_kind == Some(NameKind::Demonym)),
            abbreviation: flag(name_kind == Some(NameKind::Abbreviation)),
            country: flag(kind <= PlaceKind::Country),
            admin1: flag(kind == PlaceKind::Admin1),
            feature: flag(matches!(kind, PlaceKind::Area | PlaceKind::Physical)),
            context: flag(f.pair > 0.0 || f.country >= 1.0 || f.admin1 > 0.0 || f.contain > 0.0),
            dateline: flag(f.dateline > 0.0),
        }
    }
}

/// Sorts candidates best first by whichever score picked the winner (the learned one
/// when given), and their extras (if any) along with them.
fn best_first(
    mut ranked: Vec<ScoredCandidate>,
    extras: Vec<Extras>,
) -> (Vec<ScoredCandidate>, Vec<Extras>) {
    let key = |c: &ScoredCandidate| c.learned.unwrap_or(c.score);
    let order = |a: &ScoredCandidate, b: &ScoredCandidate| {
        key(b).total_cmp(&key(a)).then(a.place.cmp(&b.place))
    };
    if extras.len() != ranked.len() {
        ranked.sort_by(order);
        return (ranked, extras);
    }
    // Sorting indices moves 8 bytes per swap instead of a candidate and its extras.
    let mut idx: Vec<usize> = (0..ranked.len()).collect();
    idx.sort_by(|&a, &b| order(&ranked[a], &ranked[b]));
    (
        idx.iter().map(|&i| ranked[i].clone()).collect(),
        idx.iter().map(|&i| extras[i]).collect(),
    )
}

/// Spatial support between the readings of different names in one document.
///
/// Every candidate (county-sized or smaller) of every mention goes into an R-tree;
/// a candidate's support is, over the document's *other* names, how near their
/// nearest reading lies (within [`SUPPORT_KM`], decaying over [`SUPPORT_DECAY_KM`]),
/// each name weighted by how specific it is (1/√ its number of readings, so that a
/// name with fifty readings supports little). Unlike coherence with the first pass's
/// winners, this lets two ambiguous names choose each other.
struct CandidateSupport {
    index: crate::gazetteer::SpatialIndex,
    /// (key id, place) per point of the index.
    points: Vec<(usize, u32)>,
    key_ids: HashMap<String, usize>,
    specificity: Vec<f64>,
}

/// How far support reaches, km.
const SUPPORT_KM: f64 = 100.0;
/// Support halves about every `SUPPORT_DECAY_KM * ln 2` km.
const SUPPORT_DECAY_KM: f64 = 40.0;

impl CandidateSupport {
    fn new(gazetteer: &Gazetteer, mentions: &[Mention], feats: &[Candidates]) -> Self {
        let mut key_ids: HashMap<String, usize> = HashMap::default();
        let mut seen: HashSet<(usize, u32)> = HashSet::default();
        let mut points = Vec::new();
        let mut readings: Vec<usize> = Vec::new();
        for (m, f) in mentions.iter().zip(feats) {
            let next = key_ids.len();
            let k = *key_ids.entry(m.key.clone()).or_insert(next);
            if k == readings.len() {
                readings.push(f.len());
            }
            for (place, _, _) in f {
                if gazetteer.place(*place).kind >= PlaceKind::Admin2 && seen.insert((k, *place)) {
                    points.push((k, *place));
                }
            }
        }
        let index = crate::gazetteer::SpatialIndex::new(points.iter().enumerate().map(
            |(i, &(_, place))| {
                let p = gazetteer.place(place);
                (i as u32, p.lon, p.lat)
            },
        ));
        let specificity = readings
            .iter()
            .map(|&n| 1.0 / (n.max(1) as f64).sqrt())
            .collect();
        CandidateSupport {
            index,
            points,
            key_ids,
            specificity,
        }
    }

    fn score(&self, gazetteer: &Gazetteer, key: &str, p: &Place) -> f64 {
        let own = self.key_ids.get(key).copied();
        let mut best: HashMap<usize, f64> = HashMap::default();
        for (i, km) in self.index.within_km(p.lon, p.lat, SUPPORT_KM) {
            let (k, place) = self.points[i as usize];
            if Some(k) == own || gazetteer.place(place).id == p.id {
                continue;
            }
            let w = (-km / SUPPORT_DECAY_KM).exp() * self.specificity[k];
            let e = best.entry(k).or_default();
            *e = e.max(w);
        }
        let plausibility = (prior(p) / 2.0).min(1.0);
        2.0 * best.values().sum::<f64>().min(1.0) * plausibility
    }
}

/// The softmax share of `best` among `scores` (temperature 0.5).
fn softmax_share(scores: impl Iterator<Item = f64>, best: f64) -> f64 {
    let z: f64 = scores.map(|s| ((s - best) / 0.5).exp()).sum();
    if z > 0.0 {
        1.0 / z
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::testing::from_tsv;
    use crate::spot::{Lexicon, SpotOptions, Spotter};

    const GAZ: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
6252001\tUnited States\tcountry\tPCLI\tUS\t\t327167434\t39.76\t-98.5\tAmerica\tU.S.|US\tAmerican\n\
4140963\tWashington\tcity\tPPLC\tUS\tDC\t689545\t38.89511\t-77.03637\t\t\t\n\
5815135\tWashington\tadmin1\tADM1\tUS\tWA\t0\t47.5\t-120.5\t\tWA|Wash.\t\n\
4717560\tParis\tcity\tPPL\tUS\tTX\t24782\t33.66094\t-95.55551\t\t\t\n\
2988507\tParis\tcity\tPPLC\tFR\t11\t2138551\t48.85341\t2.3488\t\t\t\n\
4736286\tTexas\tadmin1\tADM1\tUS\tTX\t0\t31.25\t-99.25\t\tTX|Tex.\t\n\
4159050\tHollywood\tcity\tPPL\tUS\tFL\t153067\t26.0112\t-80.14949\t\t\t\n\
5357527\tHollywood\tcity\tPPLX\tUS\tCA\t167664\t34.09834\t-118.32674\t\t\t\n\
5368361\tLos Angeles\tcity\tPPLA2\tUS\tCA\t3971883\t34.05223\t-118.24368\t\t\t\n\
4896861\tIllinois\tadmin1\tADM1\tUS\tIL\t0\t40.00032\t-89.25037\t\tIL|Ill.\t\n\
4905599\tParis\tcity\tPPLA2\tUS\tIL\t8432\t39.61115\t-87.69614\t\t\t\n\
5387428\tRiverside\tcity\tPPL\tUS\tIL\t2946\t41.83\t-87.82\tIllinois\t\t\n\
5128638\tNew York\tadmin1\tADM1\tUS\tNY\t0\t43.00035\t-75.4999\t\tNY|N.Y.\t\n\
5128581\tNew York City\tcity\tPPL\tUS\tNY\t8175133\t40.71427\t-74.00597\tNew York\t\t\n";

    fn resolve(text: &str) -> Vec<(String, Option<u64>)> {
        resolve_in(GAZ, text)
            .into_iter()
            .map(|(surface, id, _)| (surface, id))
            .collect()
    }

    #[test]
    fn a_sea_is_not_a_small_town() {
        let g = from_tsv(
            "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
9300000001\tRed Sea\tphysical\tSEA\t\t\t0\t20\t38.5\t\t\t\n\
9300000002\tCauvery River\tphysical\tSTM\t\t\t0\t11.1\t79.9\tCauvery\t\t\n\
9300000003\tPacific Ocean\tphysical\tOCN\t\t\t0\t0\t-160\tPacific\t\t\n\
9400000001\tMiddle East\tarea\tRGN\t\t\t0\t29\t41\t\t\t\n\
4353765\tRed Sea\tcity\tPPL\tUS\tNC\t1200\t35.1\t-80.2\t\t\t\n\
5367440\tPacific\tcity\tPPL\tUS\tMO\t7100\t38.48\t-90.74\t\t\t\n",
        );
        let p = |i: u32| prior(&g.place(i));
        assert!(p(0) > p(4), "the Red Sea outranks a village named after it");
        assert!(
            p(2) > p(5) && p(2) >= p(0),
            "an ocean ranks with continents"
        );
        assert!(
            p(1) > p(4) && p(1) < p(0),
            "a river ranks between a village and a sea"
        );
        assert!(p(3) > p(4));
    }

    #[test]
    fn a_county_is_weighed_by_population_and_its_generic_is_no_common_word() {
        let g = from_tsv(
            "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
9000050017\tOrange County\tadmin2\tADM2\tUS\tVT\t6201\t44.0\t-72.37\t\t\t\n\
9000006059\tOrange County\tadmin2\tADM2\tUS\tCA\t3154170\t33.7\t-117.76\t\t\t\n\
9200000402\tCambridgeshire\tadmin2\tADM2\tGB\tENG\t0\t52.35\t0.02\t\t\t\n\
5368361\tLos Angeles County\tadmin2\tADM2\tUS\tCA\t10039107\t34.3\t-118.2\t\t\t\n",
        );
        let p = |i: u32| prior(&g.place(i));
        assert!(
            p(1) > p(0),
            "the county of 3 million before the one of 6,000"
        );
        assert!(
            (p(2) - ADMIN2_PRIOR).abs() < 1e-9,
            "unknown population: flat"
        );
        assert!(
            p(3) <= prior(&from_tsv(GAZ).place(5)),
            "no county above a state"
        );
        // Sentence-initial and made of common words, yet a county by its generic.
        let text = "Orange County has a new budget. Officials in Orange County said so.";
        let lex = Lexicon::new();
        let s = Spotter::new(&g, &lex, SpotOptions::default()).spot(text);
        let r = Resolver::new(&g, ResolveOptions::default()).resolve(text, &s);
        assert_eq!(r[0].place.map(|i| g.place(i).id), Some(9000006059));
    }

    #[test]
    fn paris_texas_pattern_beats_population() {
        let r = resolve("He grew up in Paris, Texas, and never saw Paris.");
        // One sense per document: both Paris mentions follow the "Paris, Texas" reading.
        assert_eq!(r[0], ("Paris".into(), Some(4717560)));
        assert_eq!(r[1], ("Texas".into(), Some(4736286)));
    }

    #[test]
    fn paris_alone_is_the_capital() {
        assert_eq!(resolve("Talks opened in Paris.")[0].1, Some(2988507));
    }

    #[test]
    fn coherence_picks_the_nearby_district() {
        let r = resolve("Studios in Hollywood and downtown Los Angeles.");
        assert_eq!(r[0].1, Some(5357527));
    }

    #[test]
    fn a_region_named_in_the_text_is_context() {
        // "Illinois" is also an alternate name of a village: the region still counts.
        let r = resolve("The Paris library runs a workshop for Illinois job seekers.");
        assert_eq!(r[0], ("Paris".into(), Some(4905599)));
        // A region is no evidence for readings of its own name.
        let r = resolve("Farmers across New York want rain.");
        assert_eq!(r[0], ("New York".into(), Some(5128638)));
    }

    /// Resolves `text` against gazetteer `gaz`: (surface, chosen id, chosen features).
    fn resolve_in(gaz: &str, text: &str) -> Vec<(String, Option<u64>, Features)> {
        let g = from_tsv(gaz);
        let lex = Lexicon::new();
        let s = Spotter::new(&g, &lex, SpotOptions::default()).spot(text);
        let r = Resolver::new(&g, ResolveOptions::default()).resolve(text, &s);
        s.mentions
            .iter()
            .zip(r)
            .map(|(m, r)| {
                let f = r
                    .ranked
                    .iter()
                    .find(|c| Some(c.place) == r.place)
                    .map(|c| c.features)
                    .unwrap_or_default();
                (m.surface.clone(), r.place.map(|p| g.place(p).id), f)
            })
            .collect()
    }

    #[test]
    fn a_stated_container_picks_the_namesake_inside_it() {
        let gaz = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
4273857\tKansas\tadmin1\tADM1\tUS\tKS\t0\t38.5\t-98.5\t\t\t\n\
4280000\tVictoria\tcity\tPPL\tUS\tKS\t1200\t38.85\t-99.14\t\t\t\n\
2158177\tVictoria\tadmin1\tADM1\tAU\t07\t0\t-37\t144\t\t\t\n";
        // Named alone, the Australian state wins on its prior.
        assert_eq!(resolve_in(gaz, "Victoria voted.")[0].1, Some(2158177));
        // "is a city in Kansas" settles it, for every mention of the name.
        let r = resolve_in(gaz, "Victoria is a city in Kansas. Victoria has a museum.");
        assert_eq!(r[0].1, Some(4280000));
        assert!(r[0].2.contain > 0.0);
        assert_eq!(r[2].0, "Victoria");
        assert_eq!(r[2].1, Some(4280000));
    }

    #[test]
    fn the_document_focus_weighs_on_an_ambiguous_name() {
        let gaz = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
4887398\tChicago\tcity\tPPL\tUS\tIL\t2720546\t41.85003\t-87.65005\t\t\t\n\
4907959\tRockford\tcity\tPPL\tUS\tIL\t147000\t42.27113\t-89.094\t\t\t\n\
4250542\tSpringfield\tcity\tPPL\tUS\tIL\t60000\t39.80172\t-89.64371\t\t\t\n\
4951788\tSpringfield\tcity\tPPLA2\tUS\tMA\t300000\t42.10148\t-72.58981\t\t\t\n";
        // Alone, the larger county seat in Massachusetts wins.
        assert_eq!(
            resolve_in(gaz, "Springfield was quiet.")[0].1,
            Some(4951788)
        );
        // The rest of the document lies in Illinois, too far (280 km) for coherence to decide.
        let r = resolve_in(
            gaz,
            "Crowds in Chicago and Rockford cheered; Springfield was quiet.",
        );
        assert_eq!(r[2].0, "Springfield");
        assert_eq!(r[2].1, Some(4250542));
        assert!((r[2].2.focus - focus::ADMIN1_WEIGHT).abs() < 1e-9);
    }

    const HEAD: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n";

    #[test]
    fn a_town_and_its_county_choose_each_other() {
        let gaz = format!(
            "{HEAD}\
2988507\tParis\tcity\tPPLC\tFR\t11\t2138551\t48.85341\t2.3488\t\t\t\n\
4655177\tParis\tcity\tPPLA2\tUS\tTN\t10150\t36.302\t-88.3267\t\t\t\n\
9000047079\tHenry County\tadmin2\tADM2\tUS\tTN\t10819\t36.33\t-88.3\t\t\t\n\
9000018065\tHenry County\tadmin2\tADM2\tUS\tIN\t22869\t39.93\t-85.4\t\t\t\n"
        );
        assert_eq!(
            resolve_in(&gaz, "Paris police said so.")[0].1,
            Some(2988507)
        );
        // Paris, Tennessee, is the seat of one of the Henry Counties: each name's
        // reading beside the other's wins, the world capital's prior notwithstanding.
        let r = resolve_in(&gaz, "Paris police arrested a man from Henry County.");
        assert_eq!((r[0].0.as_str(), r[0].1), ("Paris", Some(4655177)));
        assert!(r[0].2.local > 0.5 * local::WEIGHT);
        assert_eq!(r[1].1, Some(9000047079));
    }

    #[test]
    fn a_region_that_wins_its_name_is_context() {
        let gaz = format!(
            "{HEAD}\
6254928\tVirginia\tadmin1\tADM1\tUS\tVA\t0\t37.5\t-78.9\t\t\t\n\
5047234\tVirginia\tcity\tPPL\tUS\tMN\t8423\t47.52\t-92.54\t\t\t\n\
361058\tAlexandria\tcity\tPPLA\tEG\t06\t5263542\t31.2\t29.92\t\t\t\n\
4744091\tAlexandria\tcity\tPPLA2\tUS\tVA\t159467\t38.8\t-77.05\t\t\t\n"
        );
        assert_eq!(
            resolve_in(&gaz, "Alexandria police found the body.")[0].1,
            Some(361058)
        );
        // "Virginia" has a town's reading too, so it is not named outright, but the
        // state wins it and counts for Alexandria.
        let r = resolve_in(
            &gaz,
            "Alexandria police found the body. He awaits transfer to Virginia.",
        );
        assert_eq!(r[0].1, Some(4744091));
        assert!((r[0].2.admin1 - REGION_WON).abs() < 1e-9);
    }

    #[test]
    fn a_list_of_states_is_no_pair() {
        let gaz = format!(
            "{HEAD}\
4544379\tOklahoma\tadmin1\tADM1\tUS\tOK\t0\t35.5\t-97.5\t\t\t\n\
6254927\tPennsylvania\tadmin1\tADM1\tUS\tPA\t0\t40.9\t-77.7\t\t\t\n\
5203000\tOklahoma\tcity\tPPL\tUS\tPA\t786\t40.58\t-79.57\t\t\t\n\
5279468\tWisconsin\tadmin1\tADM1\tUS\tWI\t0\t44.5\t-90\t\t\t\n\
5165418\tOhio\tadmin1\tADM1\tUS\tOH\t0\t40.25\t-83\t\t\t\n\
4736286\tTexas\tadmin1\tADM1\tUS\tTX\t0\t31.25\t-99.25\t\t\t\n\
4998000\tPennsylvania\tcity\tPPL\tUS\tMI\t300\t42.1\t-84.1\t\t\t\n"
        );
        // A pair alone: the town in the state.
        let r = resolve_in(&gaz, "He was born in Oklahoma, Pennsylvania.");
        assert_eq!(r[0].1, Some(5203000));
        // In a list of states every name is a state ("Pennsylvania" has a town's
        // reading too, so that it is not named outright and the state's `admin1`
        // does not decide alone).
        let r = resolve_in(
            &gaz,
            "Hives were lost in Oklahoma, Pennsylvania, Wisconsin, Ohio and Texas.",
        );
        assert_eq!(r[0].1, Some(4544379));
        assert_eq!(r[0].2.pair, 0.0);
    }

    #[test]
    fn the_learned_ranker_picks_the_winner_and_the_rules_keep_the_mention() {
        let g = from_tsv(GAZ);
        let lex = Lexicon::new();
        let text = "Talks opened in Paris. Paris was calm.";
        let s = Spotter::new(&g, &lex, SpotOptions::default()).spot(text);
        // Weights that prefer the least important reading: the smallest Paris wins,
        // for both mentions of the name, and is kept because the capital's hand-set
        // score passes the threshold.
        let model = ranker::LearnedRanker::parse(
            "prior	-1
name	1
",
            "test",
        )
        .unwrap();
        let options = ResolveOptions {
            ranking: Ranking::Learned(std::sync::Arc::new(model)),
            ..ResolveOptions::default()
        };
        let r = Resolver::new(&g, options).resolve(text, &s);
        let smallest = (0..g.len() as u32)
            .filter(|&i| g.place(i).name == "Paris")
            .min_by(|&a, &b| prior(&g.place(a)).total_cmp(&prior(&g.place(b))))
            .unwrap();
        for res in &r {
            assert_eq!(res.place, Some(smallest));
            assert_eq!(res.ranked[0].place, smallest, "ranked by the learned score");
            assert!(res.ranked[0].learned.unwrap() >= res.ranked[1].learned.unwrap());
            assert!(res.confidence > 0.0 && res.confidence < 1.0);
        }
        // Under the rules the capital wins and no learned score is given.
        let r = Resolver::new(&g, ResolveOptions::default()).resolve(text, &s);
        assert_eq!(r[0].place.map(|p| g.place(p).id), Some(2988507));
        assert!(r[0].ranked.iter().all(|c| c.learned.is_none()));
    }

    #[test]
    fn capital_in_context_beats_state() {
        let r = resolve("WASHINGTON - U.S. officials said on Monday.");
        assert_eq!(r[0].1, Some(4140963));
    }
}
