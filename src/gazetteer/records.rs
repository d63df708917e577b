//! Place records as an index file stores them, decoded on demand.
//!
//! Sections (see [`super::index_file`]): `STRX`, u32 offsets of each string in `STRS`
//! and one more (the end); `STRS`, the strings' UTF-8 bytes back to back; `RECS`,
//! 48 bytes per place:
//!
//! ```text
//!  0 u64 id            8 u64 population     16 i32 lon   20 i32 lat (1e-7 degrees)
//! 24 u32 string ids of name, feature code, country code, admin1 (4 × u32)
//! 40 u8 kind          41 u8 feature class   42 6 bytes zero
//! ```
//!
//! `MappedRecords::open` validates every fixed-width field in one parallel pass
//! (kind, point on the globe, string ids in range) and the string table as a whole
//! (UTF-8, offsets ascending and on character boundaries), so that decoding a record
//! later cannot fail: it only slices validated bytes.

use std::collections::HashMap;

use rayon::prelude::*;

use super::bytes::{i32_at, u32_at, u64_at, Bytes};
use super::{Place, PlaceKind};

/// Bytes per record.
pub const RECORD_LEN: usize = 48;
const MAX_LON_E7: i32 = 1_800_000_000;
const MAX_LAT_E7: i32 = 900_000_000;

/// The kinds, by their stored byte.
const KINDS: [PlaceKind; 9] = [
    PlaceKind::Continent,
    PlaceKind::Country,
    PlaceKind::Admin1,
    PlaceKind::Admin2,
    PlaceKind::City,
    PlaceKind::District,
    PlaceKind::Feature,
    PlaceKind::Area,
    PlaceKind::Physical,
];

/// Degrees to the stored 1e-7-degree integer.
pub fn to_e7(deg: f64) -> i32 {
    (deg * 1e7).round() as i32
}

/// The stored 1e-7-degree integer to degrees.
pub fn from_e7(v: i32) -> f64 {
    f64::from(v) / 1e7
}

/// The encoded `STRX`, `STRS` and `RECS` sections.
pub struct EncodedRecords {
    /// String offsets.
    pub strx: Vec<u8>,
    /// String bytes.
    pub strs: Vec<u8>,
    /// Records.
    pub recs: Vec<u8>,
}

/// Encodes places and their feature classes; repeated strings (codes, common names)
/// are stored once. `None` when the strings pass 4 GiB or 4 billion.
pub fn encode(places: &[Place], classes: &[u8]) -> Option<EncodedRecords> {
    let mut strs: Vec<u8> = Vec::new();
    let mut offsets: Vec<u32> = vec![0];
    let mut interned: HashMap<&str, u32> = HashMap::new();
    let mut recs = Vec::with_capacity(places.len() * RECORD_LEN);
    for (p, &class) in places.iter().zip(classes) {
        let mut ids = [0u32; 4];
        for (slot, s) in ids
            .iter_mut()
            .zip([&p.name, &p.feature_code, &p.country_code, &p.admin1])
        {
            *slot = match interned.get(s.as_str()) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(offsets.len() - 1).ok()?;
                    strs.extend_from_slice(s.as_bytes());
                    offsets.push(u32::try_from(strs.len()).ok()?);
                    interned.insert(s, id);
                    id
                }
            };
        }
        recs.extend_from_slice(&p.id.to_le_bytes());
        recs.extend_from_slice(&p.population.to_le_bytes());
        recs.extend_from_slice(&to_e7(p.lon).to_le_bytes());
        recs.extend_from_slice(&to_e7(p.lat).to_le_bytes());
        for id in ids {
            recs.extend_from_slice(&id.to_le_bytes());
        }
        recs.push(KINDS.iter().position(|k| *k == p.kind).unwrap_or(0) as u8);
        recs.push(class);
        recs.extend_from_slice(&[0u8; 6]);
    }
    let strx = offsets.iter().flat_map(|o| o.to_le_bytes()).collect();
    Some(EncodedRecords { strx, strs, recs })
}

/// Validated record and string sections of a mapped file.
#[derive(Debug)]
pub struct MappedRecords {
    recs: Bytes,
    strx: Bytes,
    strs: Bytes,
    len: usize,
}

impl MappedRecords {
    /// Validates the sections (see the module docs).
    pub(crate) fn open(recs: Bytes, strx: Bytes, strs: Bytes) -> Result<MappedRecords, String> {
        let records = MappedRecords::open_built(recs, strx, strs)?;
        let strings = records.strx.as_ref().len() / 4 - 1;
        let bad = records
            .recs
            .as_ref()
            .par_chunks_exact(RECORD_LEN)
            .position_any(|rec| !record_ok(rec, strings));
        if let Some(i) = bad {
            return Err(format!(
                "record {i} is invalid (kind, point off the globe or string out of range)"
            ));
        }
        Ok(records)
    }

    /// Checks the sections of an index that was validated whole when it was built
    /// (the compiled-in index, which the build script opened with [`Self::open`]):
    /// only the layout and what decoding strings without checks rests on (the table
    /// is UTF-8 and every string starts on a character), not each record's fields,
    /// which cost a one-document run more than mapping the document.
    pub(crate) fn open_built(
        recs: Bytes,
        strx: Bytes,
        strs: Bytes,
    ) -> Result<MappedRecords, String> {
        let (r, x, s) = (recs.as_ref(), strx.as_ref(), strs.as_ref());
        if r.len() % RECORD_LEN != 0 {
            return Err(format!(
                "record section of {} bytes is not a whole number of records",
                r.len()
            ));
        }
        if x.len() % 4 != 0 || x.len() < 4 {
            return Err("string offsets are not whole u32s".into());
        }
        if !is_utf8(s) {
            return Err("string table is not UTF-8".into());
        }
        let strings = x.len() / 4 - 1;
        let offsets_ok = u32_at(x, 0) == 0
            && u32_at(x, x.len() - 4) as usize == s.len()
            && (0..strings).into_par_iter().all(|i| {
                let (a, b) = (u32_at(x, i * 4) as usize, u32_at(x, i * 4 + 4) as usize);
                a <= b && is_char_start(s, b)
            });
        if !offsets_ok {
            return Err("string offsets are out of order or split a character".into());
        }
        Ok(MappedRecords {
            len: r.len() / RECORD_LEN,
            recs,
            strx,
            strs,
        })
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn record(&self, i: usize) -> &[u8] {
        &self.recs.as_ref()[i * RECORD_LEN..(i + 1) * RECORD_LEN]
    }

    /// The string with this id.
    fn string(&self, id: u32) -> &str {
        let x = self.strx.as_ref();
        let i = id as usize * 4;
        let bytes = &self.strs.as_ref()[u32_at(x, i) as usize..u32_at(x, i + 4) as usize];
        // SAFETY: `open` checked that the string table is UTF-8 and that every offset
        // falls on a character boundary, so every string's bytes are UTF-8. Checking
        // again here was a tenth of a batch's time with records decoded on demand.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// The population of record `i`, without decoding its strings.
    pub fn population(&self, i: usize) -> u64 {
        u64_at(self.record(i), 8)
    }

    /// Decodes record `i` (`i < len`).
    pub fn place(&self, i: usize) -> Place {
        let r = self.record(i);
        Place {
            id: u64_at(r, 0),
            population: u64_at(r, 8),
            lon: from_e7(i32_at(r, 16)),
            lat: from_e7(i32_at(r, 20)),
            name: self.string(u32_at(r, 24)).to_string(),
            feature_code: self.string(u32_at(r, 28)).to_string(),
            country_code: self.string(u32_at(r, 32)).to_string(),
            admin1: self.string(u32_at(r, 36)).to_string(),
            // Validated at open: every stored kind byte indexes KINDS.
            kind: KINDS
                .get(usize::from(r[40]))
                .copied()
                .unwrap_or(PlaceKind::Feature),
        }
    }

    /// The country code and admin1 code of record `i`, borrowed from the map.
    pub fn codes(&self, i: usize) -> (&str, &str) {
        let r = self.record(i);
        (self.string(u32_at(r, 32)), self.string(u32_at(r, 36)))
    }

    /// The kind of record `i`, without decoding its strings.
    pub fn kind(&self, i: usize) -> PlaceKind {
        KINDS
            .get(usize::from(self.record(i)[40]))
            .copied()
            .unwrap_or(PlaceKind::Feature)
    }

    /// The point of record `i` in 1e-7 degrees.
    pub fn point_e7(&self, i: usize) -> (i32, i32) {
        let r = self.record(i);
        (i32_at(r, 16), i32_at(r, 20))
    }

    /// The feature class byte of record `i`.
    pub fn class(&self, i: usize) -> u8 {
        self.record(i)[41]
    }
}

/// True when the bytes are UTF-8, checked in parallel over chunks that start at a
/// character (a chunk boundary moves forward past continuation bytes, so the chunks
/// are valid exactly when the whole is).
fn is_utf8(s: &[u8]) -> bool {
    const CHUNK: usize = 8 << 20;
    let mut starts = vec![0];
    let mut at = CHUNK;
    while at < s.len() {
        while at < s.len() && !is_char_start(s, at) {
            at += 1;
        }
        starts.push(at);
        at += CHUNK;
    }
    starts.push(s.len());
    starts
        .par_windows(2)
        .all(|w| std::str::from_utf8(&s[w[0]..w[1]]).is_ok())
}

/// True when byte `i` of UTF-8 text begins a character, or is its end.
fn is_char_start(s: &[u8], i: usize) -> bool {
    match s.get(i) {
        Some(&b) => !(0x80..0xc0).contains(&b),
        None => i == s.len(),
    }
}

fn record_ok(r: &[u8], strings: usize) -> bool {
    let (lon, lat) = (i32_at(r, 16), i32_at(r, 20));
    usize::from(r[40]) < KINDS.len()
        && (-MAX_LON_E7..=MAX_LON_E7).contains(&lon)
        && (-MAX_LAT_E7..=MAX_LAT_E7).contains(&lat)
        && (0..4).all(|k| (u32_at(r, 24 + 4 * k) as usize) < strings)
}
