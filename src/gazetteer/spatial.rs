//! The R-tree over gazetteer points: "places within R km", "nearest place".
//!
//! Two trees answer the same queries: an rstar tree bulk-loaded in memory (gazetteers
//! read from TSV or built in this process), with the place's index as a
//! [`GeomWithData`] payload, and a [`PackedRTree`] read straight from a mapped index
//! file. Both measure squared *degrees*, which are not km (a degree of longitude
//! shrinks towards the poles), so a tree only narrows: a query asks it for a degree box
//! that surely holds the circle, then measures each hit by haversine. Both see the same
//! `f64` points, so they give the same answers.

use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

use super::packed_rtree::PackedRTree;
use crate::geodesy::{haversine_km, KM_PER_DEGREE};

/// A gazetteer point: [lon, lat] degrees with the place index as payload.
pub type IndexedPoint = GeomWithData<[f64; 2], u32>;

/// An R-tree of place points.
#[derive(Debug)]
pub enum SpatialIndex {
    /// Bulk-loaded in memory.
    InMemory(RTree<IndexedPoint>),
    /// Stored in a mapped index file.
    Packed(PackedRTree),
}

impl Default for SpatialIndex {
    fn default() -> Self {
        SpatialIndex::InMemory(RTree::new())
    }
}

impl SpatialIndex {
    /// Bulk-loads an in-memory tree from (place index, lon, lat) triples.
    pub fn new(points: impl IntoIterator<Item = (u32, f64, f64)>) -> Self {
        let items: Vec<IndexedPoint> = points
            .into_iter()
            .map(|(i, lon, lat)| GeomWithData::new([lon, lat], i))
            .collect();
        SpatialIndex::InMemory(RTree::bulk_load(items))
    }

    /// Number of points in the tree.
    pub fn len(&self) -> usize {
        match self {
            SpatialIndex::InMemory(t) => t.size(),
            SpatialIndex::Packed(t) => t.len(),
        }
    }

    /// True when the tree holds no point.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every place within `km` kilometres (haversine) of (`lon`, `lat`) degrees, as
    /// (place index, distance km), nearest first.
    pub fn within_km(&self, lon: f64, lat: f64, km: f64) -> Vec<(u32, f64)> {
        let (lo, hi) = search_box(lon, lat, km);
        let mut hits: Vec<(u32, f64)> = Vec::new();
        let mut keep = |i: u32, plon: f64, plat: f64| {
            let d = haversine_km((lon, lat), (plon, plat));
            if d <= km {
                hits.push((i, d));
            }
        };
        match self {
            SpatialIndex::InMemory(t) => {
                for p in t.locate_in_envelope(&AABB::from_corners(lo, hi)) {
                    let [plon, plat] = *p.geom();
                    keep(p.data, plon, plat);
                }
            }
            SpatialIndex::Packed(t) => t.for_each_in(lo, hi, &mut keep),
        }
        hits.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        hits
    }

    /// The `n` nearest places to (`lon`, `lat`) by haversine distance, nearest first.
    ///
    /// The tree's nearest-neighbour order is in degrees, so it can disagree with km
    /// away from the equator; this widens a km circle until it holds `n` places, then
    /// sorts them by haversine.
    pub fn nearest(&self, lon: f64, lat: f64, n: usize) -> Vec<(u32, f64)> {
        if n == 0 || self.is_empty() {
            return Vec::new();
        }
        let mut km = 10.0;
        loop {
            let hits = self.within_km(lon, lat, km);
            if hits.len() >= n || km > 20_100.0 {
                return hits.into_iter().take(n).collect();
            }
            km *= 4.0;
        }
    }
}

/// A lon/lat box, (min corner, max corner), that contains every point within `km`
/// of (lon, lat).
fn search_box(lon: f64, lat: f64, km: f64) -> ([f64; 2], [f64; 2]) {
    let dlat = km / KM_PER_DEGREE;
    let lat_lo = (lat - dlat).max(-90.0);
    let lat_hi = (lat + dlat).min(90.0);
    // The longitude span grows with the latitude nearest the pole inside the box.
    let worst_lat = lat_lo.abs().max(lat_hi.abs());
    let cos = worst_lat.to_radians().cos();
    let dlon = if cos < 1e-6 || lat_hi >= 89.999 || lat_lo <= -89.999 {
        180.0
    } else {
        (km / (KM_PER_DEGREE * cos)).min(180.0)
    };
    if dlon >= 180.0 || lon - dlon < -180.0 || lon + dlon > 180.0 {
        // Crossing the antimeridian or a pole: search the whole latitude band.
        ([-180.0, lat_lo], [180.0, lat_hi])
    } else {
        ([lon - dlon, lat_lo], [lon + dlon, lat_hi])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::bytes::Bytes;
    use crate::gazetteer::packed_rtree::{encode, StoredPoint};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_points(rng: &mut ChaCha8Rng, n: usize) -> Vec<(u32, f64, f64)> {
        (0..n)
            .map(|i| {
                // Uniform on the sphere, so high latitudes are tested too; rounded to
                // 1e-7 degrees as an index file stores them.
                let lat = (rng.gen_range(-1.0f64..1.0)).asin().to_degrees();
                let lon: f64 = rng.gen_range(-180.0..180.0);
                (i as u32, e7(lon) as f64 / 1e7, e7(lat) as f64 / 1e7)
            })
            .collect()
    }

    fn e7(deg: f64) -> i32 {
        (deg * 1e7).round() as i32
    }

    fn packed(points: &[(u32, f64, f64)]) -> SpatialIndex {
        let stored: Vec<StoredPoint> = points
            .iter()
            .map(|&(place, lon, lat)| StoredPoint {
                lon_e7: e7(lon),
                lat_e7: e7(lat),
                place,
            })
            .collect();
        let tree = PackedRTree::open(Bytes::Owned(encode(&stored)), points.len()).unwrap();
        SpatialIndex::Packed(tree)
    }

    /// Both trees over the same points.
    fn both(points: &[(u32, f64, f64)]) -> [SpatialIndex; 2] {
        [SpatialIndex::new(points.to_vec()), packed(points)]
    }

    #[test]
    fn within_km_matches_brute_force() {
        let mut rng = ChaCha8Rng::seed_from_u64(161);
        let points = random_points(&mut rng, 5000);
        let trees = both(&points);
        for q in 0..400 {
            // Every tenth query hugs the antimeridian or a pole.
            let (lon, lat) = match q % 10 {
                0 => (rng.gen_range(178.0..180.0), rng.gen_range(-89.0..89.0)),
                1 => (rng.gen_range(-180.0..-178.0), rng.gen_range(-89.0..89.0)),
                2 => (rng.gen_range(-180.0..180.0), rng.gen_range(88.0..90.0)),
                3 => (rng.gen_range(-180.0..180.0), rng.gen_range(-90.0..-88.0)),
                _ => (rng.gen_range(-180.0..180.0), rng.gen_range(-89.0..89.0)),
            };
            let km = rng.gen_range(1.0..3000.0);
            let mut want: Vec<(u32, f64)> = points
                .iter()
                .map(|&(i, plon, plat)| (i, haversine_km((lon, lat), (plon, plat))))
                .filter(|&(_, d)| d <= km)
                .collect();
            want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            for index in &trees {
                assert_eq!(
                    index.within_km(lon, lat, km),
                    want,
                    "query ({lon}, {lat}) {km} km, {index:?}"
                );
            }
        }
    }

    #[test]
    fn nearest_matches_brute_force() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let points = random_points(&mut rng, 2000);
        let [mem, packed] = both(&points);
        for _ in 0..200 {
            let (lon, lat) = (rng.gen_range(-180.0..180.0), rng.gen_range(-85.0..85.0));
            let got = mem.nearest(lon, lat, 5);
            assert_eq!(got, packed.nearest(lon, lat, 5));
            let mut all: Vec<f64> = points
                .iter()
                .map(|&(_, plon, plat)| haversine_km((lon, lat), (plon, plat)))
                .collect();
            all.sort_by(f64::total_cmp);
            let got_d: Vec<f64> = got.iter().map(|h| h.1).collect();
            for (g, w) in got_d.iter().zip(&all[..5]) {
                assert!(
                    (g - w).abs() < 1e-9,
                    "({lon},{lat}): {got_d:?} vs {:?}",
                    &all[..5]
                );
            }
        }
    }

    #[test]
    fn antimeridian_query_finds_both_sides() {
        // Suva, Fiji (178.44 E) and a point across the date line (-179.9).
        for index in both(&[(0, 178.44, -18.14), (1, -179.9, -18.0), (2, 0.0, 0.0)]) {
            let ids: Vec<u32> = index
                .within_km(179.9, -18.1, 300.0)
                .into_iter()
                .map(|h| h.0)
                .collect();
            assert_eq!(ids.len(), 2);
            assert!(ids.contains(&0) && ids.contains(&1));
        }
    }

    #[test]
    fn poles_find_every_longitude() {
        let points = [
            (0, -170.0, 89.5),
            (1, 10.0, 89.5),
            (2, 100.0, -89.9),
            (3, 0.0, 0.0),
        ];
        for index in both(&points) {
            // Both at 89.5°, so equally far up to rounding: either order.
            let mut north: Vec<u32> = index
                .within_km(45.0, 90.0, 100.0)
                .iter()
                .map(|h| h.0)
                .collect();
            north.sort_unstable();
            assert_eq!(north, vec![0, 1]);
            let south: Vec<u32> = index
                .within_km(0.0, -90.0, 20.0)
                .iter()
                .map(|h| h.0)
                .collect();
            assert_eq!(south, vec![2]);
            assert!(index.within_km(0.0, 0.0, 0.0).iter().any(|h| h.0 == 3));
            assert!(index.nearest(0.0, 0.0, 0).is_empty());
        }
    }
}
