//! The R-tree over gazetteer points: "places within R km", "nearest place".
//!
//! The tree stores points as (longitude, latitude) degrees with the place's index as a
//! [`GeomWithData`] payload. rstar measures squared *degrees*, which are not km (a degree
//! of longitude shrinks towards the poles), so the tree only narrows: a query asks it
//! for a degree box that surely holds the circle, then measures each hit by haversine.

use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

use crate::geodesy::{haversine_km, KM_PER_DEGREE};

/// A gazetteer point: [lon, lat] degrees with the place index as payload.
pub type IndexedPoint = GeomWithData<[f64; 2], u32>;

/// A bulk-loaded R-tree of place points.
#[derive(Debug, Default)]
pub struct SpatialIndex {
    tree: RTree<IndexedPoint>,
}

impl SpatialIndex {
    /// Bulk-loads the tree from (place index, lon, lat) triples.
    pub fn new(points: impl IntoIterator<Item = (u32, f64, f64)>) -> Self {
        let items: Vec<IndexedPoint> = points
            .into_iter()
            .map(|(i, lon, lat)| GeomWithData::new([lon, lat], i))
            .collect();
        SpatialIndex {
            tree: RTree::bulk_load(items),
        }
    }

    /// Number of points in the tree.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// True when the tree holds no point.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Every place within `km` kilometres (haversine) of (`lon`, `lat`) degrees, as
    /// (place index, distance km), nearest first.
    pub fn within_km(&self, lon: f64, lat: f64, km: f64) -> Vec<(u32, f64)> {
        let mut hits: Vec<(u32, f64)> = self
            .tree
            .locate_in_envelope(&search_box(lon, lat, km))
            .filter_map(|p| {
                let [plon, plat] = *p.geom();
                let d = haversine_km((lon, lat), (plon, plat));
                (d <= km).then_some((p.data, d))
            })
            .collect();
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

/// A lon/lat box that contains every point within `km` of (lon, lat).
fn search_box(lon: f64, lat: f64, km: f64) -> AABB<[f64; 2]> {
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
        AABB::from_corners([-180.0, lat_lo], [180.0, lat_hi])
    } else {
        AABB::from_corners([lon - dlon, lat_lo], [lon + dlon, lat_hi])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_points(rng: &mut ChaCha8Rng, n: usize) -> Vec<(u32, f64, f64)> {
        (0..n)
            .map(|i| {
                // Uniform on the sphere, so high latitudes are tested too.
                let lat = (rng.gen_range(-1.0f64..1.0)).asin().to_degrees();
                (i as u32, rng.gen_range(-180.0..180.0), lat)
            })
            .collect()
    }

    #[test]
    fn within_km_matches_brute_force() {
        let mut rng = ChaCha8Rng::seed_from_u64(161);
        let points = random_points(&mut rng, 5000);
        let index = SpatialIndex::new(points.clone());
        for _ in 0..300 {
            let (lon, lat) = (rng.gen_range(-180.0..180.0), rng.gen_range(-89.0..89.0));
            let km = rng.gen_range(1.0..3000.0);
            let got: Vec<u32> = index
                .within_km(lon, lat, km)
                .into_iter()
                .map(|h| h.0)
                .collect();
            let mut want: Vec<(u32, f64)> = points
                .iter()
                .map(|&(i, plon, plat)| (i, haversine_km((lon, lat), (plon, plat))))
                .filter(|&(_, d)| d <= km)
                .collect();
            want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            let want: Vec<u32> = want.into_iter().map(|h| h.0).collect();
            assert_eq!(got, want, "query ({lon}, {lat}) {km} km");
        }
    }

    #[test]
    fn nearest_matches_brute_force() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let points = random_points(&mut rng, 2000);
        let index = SpatialIndex::new(points.clone());
        for _ in 0..200 {
            let (lon, lat) = (rng.gen_range(-180.0..180.0), rng.gen_range(-85.0..85.0));
            let got = index.nearest(lon, lat, 5);
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
        let index = SpatialIndex::new([(0, 178.44, -18.14), (1, -179.9, -18.0), (2, 0.0, 0.0)]);
        let ids: Vec<u32> = index
            .within_km(179.9, -18.1, 300.0)
            .into_iter()
            .map(|h| h.0)
            .collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&0) && ids.contains(&1));
    }
}
