//! A packed, static R-tree of place points, written into the index file and queried
//! straight from the memory map: opening a file builds no tree and copies no point.
//!
//! Layout of the `TREE` section (little-endian; the section starts 8-aligned):
//!
//! ```text
//! header, 16 bytes: u32 node size B (16), u32 number of levels L, u64 number of points n
//! points, n × 12 bytes: i32 lon, i32 lat (1e-7 degrees), u32 place index,
//!         sorted along a Hilbert curve so that neighbours share leaves
//! level 0, ceil(n / B) boxes of 16 bytes: i32 min lon, min lat, max lon, max lat;
//!         box j bounds points j·B .. j·B + B
//! level k, ceil(count(k-1) / B) boxes; box j bounds boxes j·B .. j·B + B of level k-1
//! ...     the last level holds one box, the root; an empty tree has no level
//! ```
//!
//! Children are found by arithmetic, not by stored offsets, so the only structure to
//! trust is the header: `PackedRTree::open` checks that it agrees with the section
//! length and the number of places, that every point is on the globe and names a place,
//! and that every box is exactly the union of its children. A corrupt section is an
//! error at open; queries then index only within validated bounds.
//!
//! Coordinates are kept as the same 1e-7-degree integers as the place records, so a
//! point converts to exactly the `f64` its [`super::Place`] holds.

use super::bytes::{i32_at, u32_at, u64_at, Bytes};
use rayon::prelude::*;

/// Entries per node.
pub const NODE_SIZE: usize = 16;
const HEADER_LEN: usize = 16;
const POINT_LEN: usize = 12;
const BOX_LEN: usize = 16;
const MAX_LON_E7: i32 = 1_800_000_000;
const MAX_LAT_E7: i32 = 900_000_000;

/// A point as stored: 1e-7 degrees and the place it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredPoint {
    /// Longitude, 1e-7 degrees.
    pub lon_e7: i32,
    /// Latitude, 1e-7 degrees.
    pub lat_e7: i32,
    /// Index of the place in the gazetteer.
    pub place: u32,
}

/// A bounding box in 1e-7 degrees: [min lon, min lat, max lon, max lat].
type Box4 = [i32; 4];

const EMPTY: Box4 = [i32::MAX, i32::MAX, i32::MIN, i32::MIN];

fn grow(b: &mut Box4, o: &Box4) {
    b[0] = b[0].min(o[0]);
    b[1] = b[1].min(o[1]);
    b[2] = b[2].max(o[2]);
    b[3] = b[3].max(o[3]);
}

fn point_box(p: &StoredPoint) -> Box4 {
    [p.lon_e7, p.lat_e7, p.lon_e7, p.lat_e7]
}

/// Boxes per level, leaves first; empty for no point.
fn level_counts(points: usize) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut c = points;
    while c > 0 && counts.last() != Some(&1) {
        c = c.div_ceil(NODE_SIZE);
        counts.push(c);
    }
    counts
}

/// Position of a point along a Hilbert curve over a 65,536 × 65,536 grid of the globe.
fn hilbert_key(p: &StoredPoint) -> u64 {
    const N: u64 = 1 << 16;
    let scale = |v: i32, max: i32| -> u64 {
        let v = i64::from(v.clamp(-max, max)) + i64::from(max);
        ((v as u64 * (N - 1)) / (2 * max as u64)).min(N - 1)
    };
    let (mut x, mut y) = (scale(p.lon_e7, MAX_LON_E7), scale(p.lat_e7, MAX_LAT_E7));
    let mut d = 0u64;
    let mut s = N / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = N - 1 - x;
                y = N - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// Encodes the tree section for these points (any order).
pub fn encode(points: &[StoredPoint]) -> Vec<u8> {
    let mut keyed: Vec<(u64, StoredPoint)> = points.iter().map(|p| (hilbert_key(p), *p)).collect();
    keyed.par_sort_unstable_by_key(|(k, p)| (*k, p.place));
    let counts = level_counts(points.len());
    let mut out = Vec::with_capacity(
        HEADER_LEN + points.len() * POINT_LEN + counts.iter().sum::<usize>() * BOX_LEN,
    );
    out.extend_from_slice(&(NODE_SIZE as u32).to_le_bytes());
    out.extend_from_slice(&(counts.len() as u32).to_le_bytes());
    out.extend_from_slice(&(points.len() as u64).to_le_bytes());
    for (_, p) in &keyed {
        out.extend_from_slice(&p.lon_e7.to_le_bytes());
        out.extend_from_slice(&p.lat_e7.to_le_bytes());
        out.extend_from_slice(&p.place.to_le_bytes());
    }
    let mut level: Vec<Box4> = keyed
        .chunks(NODE_SIZE)
        .map(|c| {
            let mut b = EMPTY;
            c.iter().for_each(|(_, p)| grow(&mut b, &point_box(p)));
            b
        })
        .collect();
    loop {
        for b in &level {
            b.iter()
                .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
        }
        if level.len() <= 1 {
            break;
        }
        level = level
            .chunks(NODE_SIZE)
            .map(|c| {
                let mut b = EMPTY;
                c.iter().for_each(|o| grow(&mut b, o));
                b
            })
            .collect();
    }
    out
}

/// A validated tree section.
#[derive(Clone)]
pub struct PackedRTree {
    bytes: Bytes,
    points: usize,
    /// Byte offset of each level's boxes in the section, leaves first.
    level_starts: Vec<usize>,
    counts: Vec<usize>,
}

impl std::fmt::Debug for PackedRTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PackedRTree({} points, {:?})", self.points, self.bytes)
    }
}

impl PackedRTree {
    /// Checks a tree section for a gazetteer of `places` places (see the module docs).
    pub(crate) fn open(bytes: Bytes, places: usize) -> Result<PackedRTree, String> {
        let tree = PackedRTree::open_built(bytes, places)?;
        tree.check_boxes()?;
        Ok(tree)
    }

    /// Checks only the header of the tree section of an index that was validated
    /// whole when it was built (the compiled-in index, opened with [`Self::open`] by
    /// the build script): the boxes are not checked again at every start. Queries stay
    /// within the bounds the header gives, so a wrong box could only give wrong
    /// answers, never read outside the section.
    pub(crate) fn open_built(bytes: Bytes, places: usize) -> Result<PackedRTree, String> {
        let b = bytes.as_ref();
        if b.len() < HEADER_LEN {
            return Err("spatial tree section is shorter than its header".into());
        }
        let (node_size, levels, points) = (u32_at(b, 0), u32_at(b, 4), u64_at(b, 8));
        if node_size as usize != NODE_SIZE {
            return Err(format!(
                "spatial tree node size {node_size}, expected {NODE_SIZE}"
            ));
        }
        if points != places as u64 {
            return Err(format!(
                "spatial tree holds {points} points for {places} places"
            ));
        }
        let counts = level_counts(places);
        if counts.len() != levels as usize {
            return Err(format!(
                "spatial tree has {levels} levels, {places} points need {}",
                counts.len()
            ));
        }
        let mut level_starts = Vec::with_capacity(counts.len());
        let mut end = HEADER_LEN + places * POINT_LEN;
        for c in &counts {
            level_starts.push(end);
            end += c * BOX_LEN;
        }
        if end != b.len() {
            return Err(format!(
                "spatial tree section is {} bytes, its header implies {end}",
                b.len()
            ));
        }
        Ok(PackedRTree {
            bytes,
            points: places,
            level_starts,
            counts,
        })
    }

    /// Every point on the globe and naming a place; every box the union of its
    /// children. Leaves are checked in parallel (they are most of the section).
    fn check_boxes(&self) -> Result<(), String> {
        let Some(&leaves) = self.counts.first() else {
            return Ok(());
        };
        (0..leaves).into_par_iter().try_for_each(|j| {
            let mut b = EMPTY;
            for i in j * NODE_SIZE..((j + 1) * NODE_SIZE).min(self.points) {
                let p = self.point(i);
                if p.place as usize >= self.points
                    || !(-MAX_LON_E7..=MAX_LON_E7).contains(&p.lon_e7)
                    || !(-MAX_LAT_E7..=MAX_LAT_E7).contains(&p.lat_e7)
                {
                    return Err(format!("spatial tree point {i} is invalid"));
                }
                grow(&mut b, &point_box(&p));
            }
            if b != self.node_box(0, j) {
                return Err(format!("spatial tree leaf {j} does not bound its points"));
            }
            Ok(())
        })?;
        for level in 1..self.counts.len() {
            for j in 0..self.counts[level] {
                let mut b = EMPTY;
                for c in self.children(level, j) {
                    grow(&mut b, &self.node_box(level - 1, c));
                }
                if b != self.node_box(level, j) {
                    return Err(format!(
                        "spatial tree node {j} of level {level} does not bound its children"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points
    }

    /// True when the tree holds no point.
    pub fn is_empty(&self) -> bool {
        self.points == 0
    }

    fn point(&self, i: usize) -> StoredPoint {
        let b = self.bytes.as_ref();
        let o = HEADER_LEN + i * POINT_LEN;
        StoredPoint {
            lon_e7: i32_at(b, o),
            lat_e7: i32_at(b, o + 4),
            place: u32_at(b, o + 8),
        }
    }

    fn node_box(&self, level: usize, j: usize) -> Box4 {
        let b = self.bytes.as_ref();
        let o = self.level_starts[level] + j * BOX_LEN;
        [
            i32_at(b, o),
            i32_at(b, o + 4),
            i32_at(b, o + 8),
            i32_at(b, o + 12),
        ]
    }

    /// The children of box `j` of `level`: points for level 0, boxes of the level
    /// below otherwise.
    fn children(&self, level: usize, j: usize) -> std::ops::Range<usize> {
        let below = if level == 0 {
            self.points
        } else {
            self.counts[level - 1]
        };
        j * NODE_SIZE..((j + 1) * NODE_SIZE).min(below)
    }

    /// Calls `found(place, lon, lat)` for every point with `lo ≤ (lon, lat) ≤ hi`
    /// (degrees, compared as `f64` as an rstar envelope query compares them).
    pub fn for_each_in(&self, lo: [f64; 2], hi: [f64; 2], found: &mut impl FnMut(u32, f64, f64)) {
        let top = self.counts.len();
        if top == 0 {
            return;
        }
        if intersects(&self.node_box(top - 1, 0), lo, hi) {
            self.visit(top - 1, 0, lo, hi, found);
        }
    }

    fn visit(
        &self,
        level: usize,
        j: usize,
        lo: [f64; 2],
        hi: [f64; 2],
        found: &mut impl FnMut(u32, f64, f64),
    ) {
        for c in self.children(level, j) {
            if level == 0 {
                let p = self.point(c);
                let (lon, lat) = (from_e7(p.lon_e7), from_e7(p.lat_e7));
                if lo[0] <= lon && lon <= hi[0] && lo[1] <= lat && lat <= hi[1] {
                    found(p.place, lon, lat);
                }
            } else if intersects(&self.node_box(level - 1, c), lo, hi) {
                self.visit(level - 1, c, lo, hi, found);
            }
        }
    }
}

fn from_e7(v: i32) -> f64 {
    f64::from(v) / 1e7
}

fn intersects(b: &Box4, lo: [f64; 2], hi: [f64; 2]) -> bool {
    from_e7(b[0]) <= hi[0]
        && from_e7(b[2]) >= lo[0]
        && from_e7(b[1]) <= hi[1]
        && from_e7(b[3]) >= lo[1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(n: usize) -> Vec<StoredPoint> {
        (0..n)
            .map(|i| StoredPoint {
                lon_e7: (i as i32 * 7_919_000) % MAX_LON_E7,
                lat_e7: (i as i32 * 3_571_000) % MAX_LAT_E7,
                place: i as u32,
            })
            .collect()
    }

    #[test]
    fn level_counts_end_at_one_root() {
        assert!(level_counts(0).is_empty());
        assert_eq!(level_counts(1), vec![1]);
        assert_eq!(level_counts(16), vec![1]);
        assert_eq!(level_counts(17), vec![2, 1]);
        assert_eq!(level_counts(257), vec![17, 2, 1]);
    }

    #[test]
    fn round_trips_every_point() {
        for n in [0, 1, 15, 16, 17, 300, 4097] {
            let points = pts(n);
            let tree = PackedRTree::open(Bytes::Owned(encode(&points)), n).unwrap();
            let mut got = Vec::new();
            tree.for_each_in([-180.0, -90.0], [180.0, 90.0], &mut |i, _, _| got.push(i));
            got.sort_unstable();
            assert_eq!(got, (0..n as u32).collect::<Vec<_>>());
        }
    }

    #[test]
    fn corrupt_sections_are_errors_not_panics() {
        let good = encode(&pts(1000));
        assert!(PackedRTree::open(Bytes::Owned(good.clone()), 999).is_err());
        assert!(PackedRTree::open(Bytes::Owned(good[..good.len() - 1].to_vec()), 1000).is_err());
        assert!(PackedRTree::open(Bytes::Owned(good[..10].to_vec()), 1000).is_err());
        // Header fields: node size, levels.
        for (at, v) in [(0usize, 8u32), (0, u32::MAX), (4, 1), (4, 200)] {
            let mut b = good.clone();
            b[at..at + 4].copy_from_slice(&v.to_le_bytes());
            assert!(
                PackedRTree::open(Bytes::Owned(b), 1000).is_err(),
                "{at}={v}"
            );
        }
        // A point naming a place out of range, a point off the globe, a box byte.
        let mut b = good.clone();
        b[HEADER_LEN + 8..HEADER_LEN + 12].copy_from_slice(&5000u32.to_le_bytes());
        assert!(PackedRTree::open(Bytes::Owned(b), 1000).is_err());
        let mut b = good.clone();
        b[HEADER_LEN + 4..HEADER_LEN + 8].copy_from_slice(&i32::MAX.to_le_bytes());
        assert!(PackedRTree::open(Bytes::Owned(b), 1000).is_err());
        for at in [
            good.len() - 1,
            good.len() - 16 * 3,
            HEADER_LEN + 1000 * POINT_LEN + 3,
        ] {
            let mut b = good.clone();
            b[at] ^= 0x10;
            assert!(
                PackedRTree::open(Bytes::Owned(b), 1000).is_err(),
                "flip at {at}"
            );
        }
    }
}
