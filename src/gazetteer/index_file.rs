//! The binary gazetteer index (`.gaz`): one file holding the name automaton, its
//! postings, the place records, a packed R-tree of their points and build metadata,
//! opened by memory map and read in place.
//!
//! ```text
//! header, 32 bytes (little-endian)
//!   0  magic "MMGAZ\0"            6  u16 reserved (0)
//!   8  u32 format version (3)    12  u32 number of sections
//!  16  u64 body length (file length - 32)
//!  24  u32 crc32 of the body     28  u32 crc32 of header bytes 0..28
//! body
//!   section table: per section u32 tag, u32 reserved, u64 offset (from file start), u64 length
//!   sections, each starting on an 8-byte boundary:
//!     META  JSON build metadata (sources, filters, build date, attribution, code names)
//!     STRX  u32 per string + 1: where each string starts in STRS (the last is its length)
//!     STRS  the strings' UTF-8 bytes, back to back, each stored once
//!     RECS  48-byte records: u64 id, u64 population, i32 lon and i32 lat (1e-7 degrees),
//!           u32 string ids of name, feature code, country code and admin1,
//!           u8 kind, u8 feature class, 6 bytes zero (see `records`)
//!     FST   the fst map bytes (folded name → key ordinal)
//!     OFFS  u32 per key + 1: the key's first posting
//!     POST  u32 per posting: place << 4 | name kind << 2 | all caps << 1 | trailing dot
//!     TREE  packed R-tree of the points (see `packed_rtree`)
//!     RGNS  u32 record indices, ascending, of every country and admin1 place
//! ```
//!
//! Version 2 replaced version 1 (which had to decode every record and rebuild the
//! R-tree at open). Version 3 added the kinds `area` and `physical` (kind bytes 7 and
//! 8), which a version-2 reader would reject as corrupt records; older files are
//! refused with a request to rebuild them, and the bundled gazetteer's cache, named
//! after the version, is rebuilt.
//!
//! Opening checks the magic, version, length and both checksums (the body checksum
//! is computed over chunks in parallel and combined) and the name automaton's own
//! checksum (see `verify_fst`), then validates every section's
//! structure: each record's kind, point and string ids, the string table's UTF-8 and
//! offsets, the posting offsets and places, every R-tree box. So a truncated or corrupt
//! file is a clear [`Error::Gazetteer`] at open, never a panic or wrong answers later.
//! The compiled-in index has all these checks once, when the build script writes it,
//! and at each start only its layout and what safe decoding rests on (`Checks::Built`).
//! Nothing else is read: records are decoded when asked for (or all at open for small
//! indexes, see [`RecordLoading`]), postings and the tree are read in the map, and only
//! the countries and first-level regions listed in `RGNS` are decoded to build their
//! lookup tables.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use memmap2::Mmap;
use rayon::prelude::*;

use super::builder::{BuildMeta, Built};
use super::bytes::{u32_at, u64_at, Bytes};
use super::names::NameIndex;
use super::packed_rtree::{self, PackedRTree, StoredPoint};
use super::records::{self, MappedRecords};
use super::spatial::SpatialIndex;
use super::{Gazetteer, Place, PlaceKind, PlaceStore};
use crate::error::Error;

/// The first six bytes of every index file.
pub const MAGIC: &[u8; 6] = b"MMGAZ\0";
/// The format version this mentionmap writes and reads.
pub const FORMAT_VERSION: u32 = 3;
const HEADER_LEN: usize = 32;
/// Indexes with at most this many places have all their records decoded at open:
/// it costs little, and spares mapping the per-lookup decoding.
pub const EAGER_RECORDS_MAX: usize = 1_000_000;

const META: u32 = u32::from_le_bytes(*b"META");
const STRX: u32 = u32::from_le_bytes(*b"STRX");
const STRS: u32 = u32::from_le_bytes(*b"STRS");
const RECS: u32 = u32::from_le_bytes(*b"RECS");
const FST: u32 = u32::from_le_bytes(*b"FST\0");
const OFFS: u32 = u32::from_le_bytes(*b"OFFS");
const POST: u32 = u32::from_le_bytes(*b"POST");
const TREE: u32 = u32::from_le_bytes(*b"TREE");
const RGNS: u32 = u32::from_le_bytes(*b"RGNS");
const TAGS: [u32; 9] = [META, STRX, STRS, RECS, FST, OFFS, POST, TREE, RGNS];

/// Whether [`open_with`] decodes all records at open or each when asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordLoading {
    /// Eager up to [`EAGER_RECORDS_MAX`] places, lazy above; the environment variable
    /// `MENTIONMAP_RECORDS=eager` or `=lazy` overrides it (for measurements).
    Auto,
    /// Decode every record into memory at open.
    Eager,
    /// Keep the records in the map and decode one when asked for.
    Lazy,
    /// Decode each record when first asked for and keep it (the compiled-in index).
    Kept,
}

/// How long each part of [`open_with`] took.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenTimes {
    /// Mapping the file and checking the header and section table.
    pub map: Duration,
    /// The body checksum.
    pub checksum: Duration,
    /// Validating records and strings (and decoding them when eager).
    pub records: Duration,
    /// Validating the name automaton, offsets and postings (the automaton's
    /// checksum included).
    pub names: Duration,
    /// Of [`OpenTimes::names`], the automaton's own checksum.
    pub automaton_checksum: Duration,
    /// Validating the R-tree.
    pub tree: Duration,
    /// Decoding countries and first-level regions.
    pub regions: Duration,
}

/// What [`write()`] wrote.
#[derive(Debug, Clone, Copy)]
pub struct WriteSummary {
    /// Places written.
    pub places: usize,
    /// Distinct folded names.
    pub names: usize,
    /// Postings (name, place pairs).
    pub postings: usize,
    /// File size in bytes.
    pub bytes: u64,
}

/// True when the bytes start like an index file.
pub fn is_index(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Writes a built gazetteer as an index file ([`crate::atomic_file`]: to a temporary
/// name beside it, synced, then renamed).
pub fn write(path: &Path, built: &Built) -> Result<WriteSummary, Error> {
    let out_err = |e: std::io::Error| Error::Output(format!("{}: {e}", path.display()));
    let body = encode_body(built)?;
    let mut header = [0u8; HEADER_LEN];
    header[..6].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    header[12..16].copy_from_slice(&(TAGS.len() as u32).to_le_bytes());
    header[16..24].copy_from_slice(&(body.len() as u64).to_le_bytes());
    header[24..28].copy_from_slice(&parallel_crc32(&body).to_le_bytes());
    let hcrc = crc32fast::hash(&header[..28]);
    header[28..32].copy_from_slice(&hcrc.to_le_bytes());
    let mut f = crate::atomic_file::AtomicFile::create(path)?;
    f.write_all(&header).map_err(out_err)?;
    f.write_all(&body).map_err(out_err)?;
    f.commit()?;
    Ok(WriteSummary {
        places: built.places.len(),
        names: built.names.len(),
        postings: built.names.posting_count(),
        bytes: (HEADER_LEN + body.len()) as u64,
    })
}

fn pad8(buf: &mut Vec<u8>) {
    while buf.len() % 8 != 0 {
        buf.push(0);
    }
}

/// The crc32 of `bytes`, computed over chunks in parallel and combined (the same
/// value as a sequential crc32).
fn parallel_crc32(bytes: &[u8]) -> u32 {
    const CHUNK: usize = 16 << 20;
    bytes
        .par_chunks(CHUNK)
        .map(|c| {
            let mut h = crc32fast::Hasher::new();
            h.update(c);
            h
        })
        .collect::<Vec<_>>()
        .into_iter()
        .fold(crc32fast::Hasher::new(), |mut all, h| {
            all.combine(&h);
            all
        })
        .finalize()
}

fn encode_body(built: &Built) -> Result<Vec<u8>, Error> {
    let too_big =
        |what: &str| Error::Output(format!("gazetteer too large for index format 2: {what}"));
    if built.places.len() >= 1 << 28 {
        return Err(too_big("more than 268 million places"));
    }
    let recs = records::encode(&built.places, &built.classes)
        .ok_or_else(|| too_big("string table over 4 GiB"))?;
    let names = &built.names;
    let offs: Vec<u8> = (0..=names.len())
        .flat_map(|k| names.offset(k).to_le_bytes())
        .collect();
    let post: Vec<u8> = names
        .all_postings()
        .iter()
        .flat_map(|p| p.pack().to_le_bytes())
        .collect();
    let points: Vec<StoredPoint> = built
        .places
        .iter()
        .enumerate()
        .map(|(i, p)| StoredPoint {
            lon_e7: records::to_e7(p.lon),
            lat_e7: records::to_e7(p.lat),
            place: i as u32,
        })
        .collect();
    let tree = packed_rtree::encode(&points);
    let regions: Vec<u8> = built
        .places
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.kind, PlaceKind::Country | PlaceKind::Admin1))
        .flat_map(|(i, _)| (i as u32).to_le_bytes())
        .collect();
    let meta = serde_json::to_vec(&built.meta).map_err(|e| Error::Output(e.to_string()))?;
    let sections: [(u32, &[u8]); 9] = [
        (META, &meta),
        (STRX, &recs.strx),
        (STRS, &recs.strs),
        (RECS, &recs.recs),
        (FST, names.fst_bytes()),
        (OFFS, &offs),
        (POST, &post),
        (TREE, &tree),
        (RGNS, &regions),
    ];
    let table_len = sections.len() * 24;
    let mut body =
        Vec::with_capacity(table_len + sections.iter().map(|s| s.1.len() + 8).sum::<usize>());
    body.resize(table_len, 0);
    for (i, (tag, bytes)) in sections.iter().enumerate() {
        pad8(&mut body);
        let offset = (HEADER_LEN + body.len()) as u64;
        body.extend_from_slice(bytes);
        let t = &mut body[i * 24..i * 24 + 24];
        t[..4].copy_from_slice(&tag.to_le_bytes());
        t[8..16].copy_from_slice(&offset.to_le_bytes());
        t[16..24].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    }
    Ok(body)
}

/// A validated index file: mapped from disk or compiled into the binary.
struct Mapped {
    map: Bytes,
    sections: HashMap<u32, Range<usize>>,
    source: String,
}

impl Mapped {
    fn err(&self, message: String) -> Error {
        corrupt(&self.source, message)
    }

    fn section(&self, tag: u32) -> &[u8] {
        &self.map.as_ref()[self.sections[&tag].clone()]
    }

    /// A section as shared bytes of the map (no copy).
    fn bytes(&self, tag: u32) -> Bytes {
        self.map.slice(self.sections[&tag].clone())
    }
}

fn corrupt(source: &str, message: String) -> Error {
    Error::Gazetteer {
        source_name: source.to_string(),
        line: 0,
        message,
    }
}

/// Maps and validates the file: magic, version, length, checksums, section table.
fn map_file(path: &Path, times: &mut OpenTimes) -> Result<Mapped, Error> {
    let start = Instant::now();
    let source = path.display().to_string();
    let file = File::open(path).map_err(|e| Error::Io {
        path: source.clone(),
        source: e,
    })?;
    // SAFETY: the file is opened read-only; like every mmap reader we rely on nobody
    // truncating it while it is open. The checksum below covers what we read.
    let map = unsafe { Mmap::map(&file) }.map_err(|e| Error::Io {
        path: source.clone(),
        source: e,
    })?;
    let len = map.len();
    check(
        Bytes::Mapped(Arc::new(map), 0..len),
        source,
        start,
        times,
        true,
    )
}

/// Checks the header, the header checksum, the body checksum when `body_checksum`,
/// and the section table of a whole index.
fn check(
    bytes: Bytes,
    source: String,
    start: Instant,
    times: &mut OpenTimes,
    body_checksum: bool,
) -> Result<Mapped, Error> {
    let map = bytes.as_ref();
    let bad = |m: String| corrupt(&source, m);
    if map.len() < HEADER_LEN || !map.starts_with(MAGIC) {
        return Err(bad(
            if map.starts_with(&MAGIC[..map.len().min(6)]) && !map.is_empty() {
                format!(
                    "truncated index: {} bytes, shorter than the 32-byte header",
                    map.len()
                )
            } else {
                "not a mentionmap index (no MMGAZ magic)".into()
            },
        ));
    }
    if crc32fast::hash(&map[..28]) != u32_at(map, 28) {
        return Err(bad(
            "index header checksum mismatch: the file is corrupt".into()
        ));
    }
    let version = u32_at(map, 8);
    if version < FORMAT_VERSION {
        return Err(bad(format!(
            "index format version {version} was built by an older mentionmap: rebuild it with `mentionmap gazetteer build` (this mentionmap reads version {FORMAT_VERSION})"
        )));
    }
    if version > FORMAT_VERSION {
        return Err(bad(format!(
            "index format version {version} was built by a newer mentionmap; this one reads version {FORMAT_VERSION}"
        )));
    }
    let body_len = u64_at(map, 16);
    let actual = (map.len() - HEADER_LEN) as u64;
    if body_len != actual {
        return Err(bad(format!(
            "index is {} bytes but its header says {} (truncated or extended)",
            map.len(),
            body_len + HEADER_LEN as u64
        )));
    }
    times.map = start.elapsed();
    let start = Instant::now();
    if body_checksum && parallel_crc32(&map[HEADER_LEN..]) != u32_at(map, 24) {
        return Err(bad("index checksum mismatch: the file is corrupt".into()));
    }
    times.checksum = start.elapsed();
    let count = u32_at(map, 12) as usize;
    if count > 64 || HEADER_LEN + count * 24 > map.len() {
        return Err(bad(format!("bad section count {count}")));
    }
    let mut sections = HashMap::new();
    for i in 0..count {
        let t = HEADER_LEN + i * 24;
        let (tag, off, len) = (u32_at(map, t), u64_at(map, t + 8), u64_at(map, t + 16));
        let end = off
            .checked_add(len)
            .filter(|&e| e <= map.len() as u64 && off >= HEADER_LEN as u64);
        match end {
            Some(end) => sections.insert(tag, off as usize..end as usize),
            None => return Err(bad(format!("section {i} lies outside the file"))),
        };
    }
    for tag in TAGS {
        if !sections.contains_key(&tag) {
            let name = String::from_utf8_lossy(&tag.to_le_bytes())
                .trim_end_matches('\0')
                .to_string();
            return Err(bad(format!("missing section {name}")));
        }
    }
    Ok(Mapped {
        map: bytes,
        sections,
        source,
    })
}

fn read_meta(m: &Mapped) -> Result<BuildMeta, Error> {
    serde_json::from_slice(m.section(META)).map_err(|e| m.err(format!("bad metadata: {e}")))
}

/// The part of the build metadata a gazetteer keeps. Reading only it skips building
/// the country and admin1 name tables of the metadata (about 4,000 entries for the
/// bundled index, a tenth of its start-up).
#[derive(serde::Deserialize)]
struct KeptMeta {
    attribution: Vec<String>,
    #[serde(default)]
    user_places: Vec<(u32, u32)>,
}

/// The metadata a gazetteer keeps: from a file, all of it is read (and so checked);
/// from an index checked when it was built, only the kept part.
fn read_kept_meta(m: &Mapped, checks: Checks) -> Result<KeptMeta, Error> {
    match checks {
        Checks::All => read_meta(m).map(|meta| KeptMeta {
            attribution: meta.attribution,
            user_places: meta.user_places,
        }),
        Checks::Built => {
            serde_json::from_slice(m.section(META)).map_err(|e| m.err(format!("bad metadata: {e}")))
        }
    }
}

/// Validates the record sections; `None` of them is decoded.
fn read_records(m: &Mapped, checks: Checks) -> Result<MappedRecords, Error> {
    let (recs, strx, strs) = (m.bytes(RECS), m.bytes(STRX), m.bytes(STRS));
    match checks {
        Checks::All => MappedRecords::open(recs, strx, strs),
        Checks::Built => MappedRecords::open_built(recs, strx, strs),
    }
    .map_err(|e| m.err(e))
}

/// Checks the name automaton's own checksum (a crc32c the fst crate writes at its
/// end) before the automaton is used. The body checksum already covers these bytes,
/// but a file whose header and body checksums were recomputed after an edit (a
/// forged or hand-patched index) would pass it and give different answers; the
/// automaton's checksum is a second, independent one over the part that decides
/// which names are found. It cannot stop a forger who recomputes all three: the
/// checks are for corruption, not tampering.
fn verify_fst(m: &Mapped) -> Result<(), Error> {
    let fst =
        fst::raw::Fst::new(m.section(FST)).map_err(|e| m.err(format!("name automaton: {e}")))?;
    fst.verify()
        .map_err(|e| m.err(format!("name automaton checksum: {e}")))
}

/// The name index, its automaton checked first by `verify_fst` in `open_with`
/// and `info`.
fn read_names(m: &Mapped, places: usize) -> Result<NameIndex, Error> {
    NameIndex::from_mapped(m.bytes(FST), m.bytes(OFFS), m.bytes(POST), places).map_err(|e| m.err(e))
}

/// The country and admin1 tables from the `RGNS` list: first record wins for a code,
/// as when they are built by scanning every place.
type RegionTables = (HashMap<String, u32>, HashMap<(String, String), u32>);

fn read_regions(m: &Mapped, records: &MappedRecords) -> Result<RegionTables, Error> {
    let list = m.section(RGNS);
    if list.len() % 4 != 0 {
        return Err(m.err("region list is not whole u32s".into()));
    }
    let mut countries = HashMap::new();
    let mut admin1 = HashMap::new();
    let mut previous: Option<u32> = None;
    for at in (0..list.len()).step_by(4) {
        let i = u32_at(list, at);
        if (i as usize) >= records.len() || previous.is_some_and(|p| p >= i) {
            return Err(m.err(format!("region list entry {i} is out of order or range")));
        }
        previous = Some(i);
        // Only the codes, borrowed: decoding whole places here was most of this loop.
        let (country, code) = records.codes(i as usize);
        match records.kind(i as usize) {
            PlaceKind::Country => {
                countries.entry(country.to_string()).or_insert(i);
            }
            PlaceKind::Admin1 => {
                admin1
                    .entry((country.to_string(), code.to_string()))
                    .or_insert(i);
            }
            _ => return Err(m.err(format!("region list names place {i}, not a region"))),
        }
    }
    Ok((countries, admin1))
}

/// Opens an index file as a gazetteer.
pub fn open(path: &Path) -> Result<Gazetteer, Error> {
    open_with(path, RecordLoading::Auto).map(|(g, _)| g)
}

/// Opens an index file as a gazetteer, decoding records as `loading` says, and tells
/// how long each part took.
pub fn open_with(path: &Path, loading: RecordLoading) -> Result<(Gazetteer, OpenTimes), Error> {
    let mut times = OpenTimes::default();
    let m = map_file(path, &mut times)?;
    open_mapped(m, loading, Checks::All, times)
}

/// How much of an index's structure `open_mapped` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// Every section, as the module docs list: a file may be damaged or forged.
    All,
    /// An index that had every check when it was built: the compiled-in index, which
    /// the build script opens with [`open`] before the library includes its bytes.
    /// Only the layout and what safe decoding rests on (UTF-8 strings on character
    /// boundaries) are checked at each start; scanning every record, posting and
    /// R-tree box again, the automaton's checksum and the full metadata were nine
    /// tenths of the start-up of a run on an empty input.
    Built,
}

/// Opens an index held in the binary (the compiled-in bundled gazetteer). The build
/// script validated it whole, so only its layout is checked here, not the body
/// checksum (it guards files against damage on disk; these bytes are part of the
/// program) nor each section's contents (see `Checks::Built`), and
/// its records are decoded when first asked for and kept ([`RecordLoading::Kept`]):
/// decoding them all at open would cost a one-document run more than mapping the
/// document (`MENTIONMAP_RECORDS=eager` or `=lazy` overrides it, for measurements).
pub fn open_static(bytes: &'static [u8], source: &str) -> Result<Gazetteer, Error> {
    let mut times = OpenTimes::default();
    let m = check(
        Bytes::Static(bytes),
        source.to_string(),
        Instant::now(),
        &mut times,
        false,
    )?;
    let loading = match std::env::var("MENTIONMAP_RECORDS").as_deref() {
        Ok("eager") => RecordLoading::Eager,
        Ok("lazy") => RecordLoading::Lazy,
        _ => RecordLoading::Kept,
    };
    open_mapped(m, loading, Checks::Built, times).map(|(g, _)| g)
}

fn open_mapped(
    m: Mapped,
    loading: RecordLoading,
    checks: Checks,
    mut times: OpenTimes,
) -> Result<(Gazetteer, OpenTimes), Error> {
    let meta = read_kept_meta(&m, checks)?;
    let start = Instant::now();
    let records = read_records(&m, checks)?;
    let n = records.len();
    let eager = match loading {
        RecordLoading::Eager => true,
        RecordLoading::Lazy | RecordLoading::Kept => false,
        RecordLoading::Auto => match std::env::var("MENTIONMAP_RECORDS").as_deref() {
            Ok("eager") => true,
            Ok("lazy") => false,
            _ => n <= EAGER_RECORDS_MAX,
        },
    };
    times.records = start.elapsed();
    let start = Instant::now();
    let names = match checks {
        Checks::All => {
            verify_fst(&m)?;
            times.automaton_checksum = start.elapsed();
            read_names(&m, n)?
        }
        Checks::Built => NameIndex::from_built(m.bytes(FST), m.bytes(OFFS), m.bytes(POST))
            .map_err(|e| m.err(e))?,
    };
    times.names = start.elapsed();
    let start = Instant::now();
    let tree = match checks {
        Checks::All => PackedRTree::open(m.bytes(TREE), n),
        Checks::Built => PackedRTree::open_built(m.bytes(TREE), n),
    }
    .map_err(|e| m.err(e))?;
    times.tree = start.elapsed();
    let start = Instant::now();
    let (countries, admin1) = read_regions(&m, &records)?;
    times.regions = start.elapsed();
    let start = Instant::now();
    let places = if eager {
        PlaceStore::Owned((0..n).into_par_iter().map(|i| records.place(i)).collect())
    } else if loading == RecordLoading::Kept {
        PlaceStore::Kept(super::kept_records::KeptRecords::new(records))
    } else {
        PlaceStore::Mapped(records)
    };
    times.records += start.elapsed();
    let gazetteer = Gazetteer {
        places,
        names,
        spatial: SpatialIndex::Packed(tree),
        countries,
        admin1,
        source: m.source.clone(),
        attribution: meta.attribution,
        user_places: meta.user_places,
    };
    Ok((gazetteer, times))
}

/// What `mentionmap gazetteer info` shows about an index file.
#[derive(Debug, Clone)]
pub struct IndexInfo {
    /// Format version.
    pub format_version: u32,
    /// File size in bytes.
    pub bytes: u64,
    /// Build metadata.
    pub meta: BuildMeta,
    /// The places.
    pub places: Vec<Place>,
    /// Their feature classes.
    pub classes: Vec<u8>,
    /// Distinct folded names.
    pub names: usize,
    /// Postings.
    pub postings: usize,
}

/// Reads an index file's metadata and records (validated as by [`open`]).
pub fn info(path: &Path) -> Result<IndexInfo, Error> {
    let m = map_file(path, &mut OpenTimes::default())?;
    let meta = read_meta(&m)?;
    let records = read_records(&m, Checks::All)?;
    verify_fst(&m)?;
    let names = read_names(&m, records.len())?;
    PackedRTree::open(m.bytes(TREE), records.len()).map_err(|e| m.err(e))?;
    read_regions(&m, &records)?;
    Ok(IndexInfo {
        format_version: FORMAT_VERSION,
        bytes: m.map.as_ref().len() as u64,
        meta,
        names: names.len(),
        postings: names.posting_count(),
        places: (0..records.len()).map(|i| records.place(i)).collect(),
        classes: (0..records.len()).map(|i| records.class(i)).collect(),
    })
}
