//! Great-circle measures on the sphere, in kilometres and degrees.
//!
//! Every function takes and returns points as (longitude, latitude) in WGS84 degrees,
//! the axis order of GeoJSON and of [`geo::Point`]. Distances use the haversine formula
//! on geo's mean earth radius (6371.0088 km), the same as the geoparsing literature's
//! accuracy@161 km.

use geo::{Destination, Distance, Haversine, Point};

/// Great-circle distance in kilometres between two (lon, lat) points in degrees.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine::distance(Point::new(a.0, a.1), Point::new(b.0, b.1)) / 1000.0
}

/// The point reached by going `km` kilometres from `origin` (lon, lat degrees) on the
/// initial bearing `bearing_deg` (degrees clockwise from north). Returns (lon, lat).
pub fn destination(origin: (f64, f64), bearing_deg: f64, km: f64) -> (f64, f64) {
    let p = Haversine::destination(Point::new(origin.0, origin.1), bearing_deg, km * 1000.0);
    (p.x(), p.y())
}

/// Kilometres per degree of latitude (and of longitude at the equator).
pub const KM_PER_DEGREE: f64 = 111.195;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aleppo_to_damascus() {
        // Aleppo (37.16117 E, 36.20124 N) to Damascus (36.29128 E, 33.5102 N): ~310 km.
        let d = haversine_km((37.16117, 36.20124), (36.29128, 33.5102));
        assert!((d - 309.6).abs() < 2.0, "{d}");
    }

    #[test]
    fn destination_round_trip() {
        let p = destination((37.16117, 36.20124), 0.0, 10.0);
        assert!((haversine_km((37.16117, 36.20124), p) - 10.0).abs() < 1e-6);
        assert!(p.1 > 36.20124 && (p.0 - 37.16117).abs() < 1e-9);
    }
}
