//! Gazetteer coverage: how many gold toponyms the gazetteer could resolve at all.
//!
//! A gold toponym is *covered* when the gazetteer holds an entry under its name (as the
//! name index folds it: preferred and alternate names, abbreviations, demonyms) within
//! [`COVERAGE_KM`] of the gold point. It is *far* when entries of that name exist but
//! none is that close, and *absent* when the name has no entry. Coverage bounds what
//! any resolver can reach with the gazetteer, whatever the spotter and ranking do, so
//! it measures the data alone.

use serde::Serialize;

use super::GoldToponym;
use crate::geodesy::haversine_km;
use crate::Gazetteer;

/// A candidate this close to the gold point counts as right: the 161 km (100 miles)
/// of accuracy@161, so that coverage is an upper bound of that figure.
pub const COVERAGE_KM: f64 = 161.0;

/// Counts of gold toponyms by whether the gazetteer covers them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Gold toponyms looked at.
    pub gold: usize,
    /// With an entry of that name within [`COVERAGE_KM`].
    pub near: usize,
    /// With entries of that name, none within [`COVERAGE_KM`].
    pub far: usize,
    /// With no entry of that name.
    pub absent: usize,
}

/// How a gazetteer holds one gold toponym.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covered {
    /// An entry of that name lies within [`COVERAGE_KM`].
    Near,
    /// Entries of that name exist, all farther.
    Far,
    /// No entry has that name.
    Absent,
}

/// Looks one gold toponym up by name and measures its entries against the gold point.
pub fn check(gazetteer: &Gazetteer, t: &GoldToponym) -> Covered {
    let found = gazetteer.lookup(&t.name);
    if found.is_empty() {
        return Covered::Absent;
    }
    let near = found
        .iter()
        .any(|(_, p)| haversine_km((p.lon, p.lat), (t.lon, t.lat)) <= COVERAGE_KM);
    if near {
        Covered::Near
    } else {
        Covered::Far
    }
}

/// A gold toponym the gazetteer does not cover, with the nearest entry of its name
/// (for `eval --coverage-gaps`, so that the remaining gaps can be sorted into classes:
/// names absent, and names held only for a far point of some kind).
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    /// The gold toponym's text.
    pub name: String,
    /// Gold latitude, degrees.
    pub lat: f64,
    /// Gold longitude, degrees.
    pub lon: f64,
    /// `far` or `absent`.
    pub covered: &'static str,
    /// The nearest entry's kind (`far` only).
    pub nearest_kind: Option<crate::gazetteer::PlaceKind>,
    /// The nearest entry's feature code (`far` only).
    pub nearest_feature_code: Option<String>,
    /// The nearest entry's name (`far` only).
    pub nearest_name: Option<String>,
    /// Distance from the gold point to the nearest entry, km (`far` only).
    pub nearest_km: Option<f64>,
}

/// The gap record of one gold toponym, or `None` when the gazetteer covers it.
pub fn gap(gazetteer: &Gazetteer, t: &GoldToponym) -> Option<Gap> {
    let nearest = gazetteer
        .lookup(&t.name)
        .into_iter()
        .map(|(_, p)| (haversine_km((p.lon, p.lat), (t.lon, t.lat)), p))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if nearest.as_ref().is_some_and(|(km, _)| *km <= COVERAGE_KM) {
        return None;
    }
    Some(Gap {
        name: t.name.clone(),
        lat: t.lat,
        lon: t.lon,
        covered: if nearest.is_some() { "far" } else { "absent" },
        nearest_kind: nearest.as_ref().map(|(_, p)| p.kind),
        nearest_feature_code: nearest.as_ref().map(|(_, p)| p.feature_code.clone()),
        nearest_name: nearest.as_ref().map(|(_, p)| p.name.clone()),
        nearest_km: nearest.as_ref().map(|(km, _)| (km * 10.0).round() / 10.0),
    })
}

impl Coverage {
    /// Adds one gold toponym's outcome.
    pub fn add(&mut self, c: Covered) {
        self.gold += 1;
        match c {
            Covered::Near => self.near += 1,
            Covered::Far => self.far += 1,
            Covered::Absent => self.absent += 1,
        }
    }

    /// Adds another tally's counts.
    pub fn merge(&mut self, other: &Coverage) {
        self.gold += other.gold;
        self.near += other.near;
        self.far += other.far;
        self.absent += other.absent;
    }

    /// The share of gold toponyms covered (0 when there is none).
    pub fn share(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            self.near as f64 / self.gold as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::testing::from_tsv;

    const TSV: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
        170063\tAleppo\tcity\tPPLA\tSY\t09\t1602264\t36.20124\t37.16117\tHalab\t\t\n\
        4314550\tAlexandria\tcity\tPPL\tUS\tLA\t47723\t31.31129\t-92.44514\t\t\t\n";

    fn gold(name: &str, lat: f64, lon: f64) -> GoldToponym {
        GoldToponym {
            start: 0,
            end: name.chars().count(),
            name: name.into(),
            lat,
            lon,
            geonameid: None,
        }
    }

    #[test]
    fn near_far_and_absent_are_told_apart() {
        let g = from_tsv(TSV);
        // Aleppo by an alternate name, 20 km from the entry.
        assert_eq!(check(&g, &gold("Halab", 36.3, 37.3)), Covered::Near);
        // Alexandria, Egypt: only the Louisiana namesake is held.
        assert_eq!(check(&g, &gold("Alexandria", 31.2, 29.9)), Covered::Far);
        assert_eq!(check(&g, &gold("Damascus", 33.5, 36.3)), Covered::Absent);
        let mut c = Coverage::default();
        for x in [Covered::Near, Covered::Far, Covered::Absent, Covered::Near] {
            c.add(x);
        }
        assert_eq!((c.gold, c.near, c.far, c.absent), (4, 2, 1, 1));
        assert!(gap(&g, &gold("Halab", 36.3, 37.3)).is_none());
        let far = gap(&g, &gold("Alexandria", 31.2, 29.9)).expect("a gap");
        assert_eq!(far.covered, "far");
        assert_eq!(far.nearest_kind, Some(crate::gazetteer::PlaceKind::City));
        assert!(far.nearest_km.is_some_and(|km| km > 5000.0));
        let absent = gap(&g, &gold("Damascus", 33.5, 36.3)).expect("a gap");
        assert_eq!((absent.covered, absent.nearest_km), ("absent", None));
        assert!((c.share() - 0.5).abs() < 1e-12);
    }
}
