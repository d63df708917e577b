//! Local namesakes that choose each other: "Paris" and "Henry County" in one story are
//! Paris, Tennessee and the county it is the seat of.
//!
//! Two names of one document that each have several readings rarely have two readings
//! within a few kilometres of each other by chance: with a dozen counties called Henry
//! and twenty towns called Paris spread over a continent, a Paris within 10 km of a
//! Henry County is a coincidence about once in a thousand documents, yet it is what
//! local news writes every day (a town and its county, a town and its neighbour). The
//! `local` feature rewards a reading of an ambiguous name that lies that close to a
//! reading of another name, in proportion to how near it lies, without the importance
//! scaling of `coherence` and `neighbours`: the point is to let a town of 10,000 beat
//! a world capital of its name when the text's other names sit beside it. Each other
//! name counts once, by its nearest reading, however many readings it has (weighing
//! a name by 1/n^0.25 or 1/√n of its n readings, as `neighbours` does, lost LGL
//! acc@161 0.883 → 0.877 and 0.868 on the dev corpora: closeness within a few km is
//! rare enough by itself).
//!
//! Only names the first pass judged places take part, on either side: a name that is
//! probably no place does not vote, and the feature chooses among the readings of a
//! name already taken for a place rather than making a place of a word.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::gazetteer::{Gazetteer, PlaceKind, SpatialIndex};
use crate::spot::Mention;

/// How far a supporting reading may lie, km: three decays (below), where its
/// support has fallen to 5%.
const REACH_KM: f64 = 45.0;

/// Support decays with distance over this many km: a town and the county it is the
/// seat of (their points 5–20 km apart) keep most of it, towns 50 km apart a third.
/// Chosen on the dev corpora among 10, 15, 20 and 30 km (LGL acc@161 0.880, 0.883,
/// 0.881, 0.870 with the weight below).
const DECAY_KM: f64 = 15.0;

/// The weight of full support: as much as naming the candidate's region (`admin1`
/// 1.0), which with the first pass's coherence and neighbours outweighs a world
/// capital's prior over a county seat of 10,000 (2.08 - 1.1 ≈ 1.0). Chosen on the dev
/// corpora among 0.75, 1, 1.25, 2 and 3 (overall acc@161 0.875, 0.878, 0.878, 0.866,
/// 0.862: heavier, it lets two small namesakes that happen to be near each other
/// beat the places a story means).
pub const WEIGHT: f64 = 1.0;

/// True for readings whose point says where they are: counties, towns, their
/// sections and local features (not countries, regions, seas or rivers).
pub fn is_local_kind(kind: PlaceKind) -> bool {
    matches!(
        kind,
        PlaceKind::Admin2 | PlaceKind::City | PlaceKind::District | PlaceKind::Feature
    )
}

/// Every local reading of every name the first pass took for a place, in an R-tree.
pub struct Local<'m> {
    index: SpatialIndex,
    /// (name id, place) per point of the index.
    points: Vec<(usize, u32)>,
    name_ids: HashMap<&'m str, usize>,
}

impl<'m> Local<'m> {
    /// The readings of the names of `mentions` (candidates per mention in `readings`)
    /// whose mentions the first pass placed (`placed[i]`).
    pub fn new<I: IntoIterator<Item = u32>>(
        gazetteer: &Gazetteer,
        mentions: &'m [Mention],
        readings: impl Iterator<Item = I>,
        placed: &[bool],
    ) -> Self {
        let mut name_ids: HashMap<&'m str, usize> = HashMap::default();
        let mut seen: HashSet<(usize, u32)> = HashSet::default();
        let mut points = Vec::new();
        for ((m, places), &ok) in mentions.iter().zip(readings).zip(placed) {
            if !ok {
                continue;
            }
            let next = name_ids.len();
            let k = *name_ids.entry(m.key.as_str()).or_insert(next);
            for place in places {
                if is_local_kind(gazetteer.kind(place)) && seen.insert((k, place)) {
                    points.push((k, place));
                }
            }
        }
        let index = SpatialIndex::new(points.iter().enumerate().map(|(i, &(_, place))| {
            let p = gazetteer.place(place);
            (i as u32, p.lon, p.lat)
        }));
        Local {
            index,
            points,
            name_ids,
        }
    }

    /// The `local` feature of reading `place` (at `lon`, `lat`) of the name `key`.
    pub fn score(&self, gazetteer: &Gazetteer, key: &str, place: u32, lon: f64, lat: f64) -> f64 {
        let own = self.name_ids.get(key).copied();
        let mut id = None;
        // (name id, best support): the names near one point are few.
        let mut best: Vec<(usize, f64)> = Vec::new();
        for (i, km) in self.index.within_km(lon, lat, REACH_KM) {
            let (k, other) = self.points[i as usize];
            if Some(k) == own || other == place {
                continue;
            }
            let id = *id.get_or_insert_with(|| gazetteer.place(place).id);
            if gazetteer.place(other).id == id {
                continue;
            }
            let w = (-km / DECAY_KM).exp();
            match best.iter_mut().find(|b| b.0 == k) {
                Some(b) => b.1 = b.1.max(w),
                None => best.push((k, w)),
            }
        }
        WEIGHT * best.iter().map(|b| b.1).sum::<f64>().min(1.0)
    }
}
