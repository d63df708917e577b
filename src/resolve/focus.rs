//! Document focus: where the document as a whole is about.
//!
//! Local news names its region again and again; an encyclopaedia article about a town
//! names its county, state and neighbours. The first pass's confident winners,
//! counted once per mention, give the document's distribution over countries and
//! first-level regions; an ambiguous name's candidate inside the regions most of the
//! document is about gets the `focus` feature, in proportion to the share of the
//! document's *other* names that lie there (a name does not vote for itself).

// FxHash: looked up once per candidate; SipHash was most of the score's cost.
use rustc_hash::FxHashMap as HashMap;

use crate::gazetteer::{Gazetteer, PlaceKind};
use crate::spot::Mention;

/// A first-pass winner speaks for the document's focus when it took at least this
/// share of its name's softmax (a coin-toss between namesakes says nothing).
const CONFIDENT_SHARE: f64 = 0.6;

/// Fewer other confident mentions than this give no focus: two names are a
/// coincidence, not a document's subject.
const MIN_VOTERS: f64 = 2.0;

/// The weight of the share of the document inside the candidate's first-level
/// region: with all other names there, half again as much as naming the region once
/// (`admin1` 1.0), since a document about one region does not always name it. Chosen
/// on the dev corpora and WikToR among 1.0, 1.5 and 2.0 (WikToR acc@161 0.843, 0.845,
/// 0.841; dev unchanged within a mention).
pub const ADMIN1_WEIGHT: f64 = 1.5;

/// Where a document's confident mentions lie, by first-level region, with each
/// name's own votes kept apart so they can be left out for that name.
#[derive(Debug, Default)]
pub struct Focus<'m> {
    regions: HashMap<(&'m str, &'m str), f64>,
    total: f64,
    /// Per name key: (country, region or "", votes).
    own: HashMap<&'m str, Vec<(&'m str, &'m str, f64)>>,
}

impl<'m> Focus<'m> {
    /// The focus of the first-pass winners `first` of `mentions`. Country codes and
    /// region codes are borrowed from `codes`, which holds each winner's
    /// (country, admin1) pair.
    pub fn new(
        mentions: &'m [Mention],
        first: &[Option<(u32, f64)>],
        codes: &'m [Option<(String, String)>],
    ) -> Self {
        let mut f = Focus::default();
        for ((m, w), c) in mentions.iter().zip(first).zip(codes) {
            let (Some((_, share)), Some((cc, a1))) = (w, c) else {
                continue;
            };
            if *share < CONFIDENT_SHARE || cc.is_empty() {
                continue;
            }
            if !a1.is_empty() {
                *f.regions.entry((cc, a1)).or_default() += 1.0;
            }
            f.total += 1.0;
            let own = f.own.entry(m.key.as_str()).or_default();
            match own.iter_mut().find(|o| o.0 == cc && o.1 == a1) {
                Some(o) => o.2 += 1.0,
                None => own.push((cc, a1, 1.0)),
            }
        }
        f
    }

    /// The (country, admin1) codes of each first-pass winner that can vote: places in
    /// a country. A country counts among the voters but for no region, so that a
    /// document about many countries has a weaker regional focus.
    pub fn codes(
        gazetteer: &Gazetteer,
        first: &[Option<(u32, f64)>],
    ) -> Vec<Option<(String, String)>> {
        first
            .iter()
            .map(|w| {
                let p = gazetteer.place((*w)?.0);
                match p.kind {
                    PlaceKind::Continent => None,
                    PlaceKind::Country => Some((p.country_code.clone(), String::new())),
                    _ => Some((p.country_code.clone(), p.admin1.clone())),
                }
            })
            .collect()
    }

    /// The `focus` feature of a candidate in `country`/`admin1` of a mention named
    /// `key`: [`ADMIN1_WEIGHT`] × the share of the other confident mentions in that
    /// region.
    pub fn score(&self, key: &str, country: &str, admin1: &str) -> f64 {
        let own = self.own.get(key).map(Vec::as_slice).unwrap_or(&[]);
        let own_total: f64 = own.iter().map(|o| o.2).sum();
        let voters = self.total - own_total;
        if voters < MIN_VOTERS || country.is_empty() || admin1.is_empty() {
            return 0.0;
        }
        let own_region: f64 = own
            .iter()
            .filter(|o| o.0 == country && o.1 == admin1)
            .map(|o| o.2)
            .sum();
        let in_region = self.regions.get(&(country, admin1)).copied().unwrap_or(0.0) - own_region;
        ADMIN1_WEIGHT * in_region / voters
    }
}
