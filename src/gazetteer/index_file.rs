//! The binary gazetteer index (`.gaz`): one file holding the name automaton, its
//! postings, the place records and build metadata, opened by memory map.
//!
//! ```text
//! header, 32 bytes (little-endian)
//!   0  magic "MMGAZ\0"            6  u16 reserved (0)
//!   8  u32 format version (1)    12  u32 number of sections
//!  16  u64 body length (file length - 32)
//!  24  u32 crc32 of the body     28  u32 crc32 of header bytes 0..28
//! body
//!   section table: per section u32 tag, u32 reserved, u64 offset (from file start), u64 length
//!   sections, each starting on an 8-byte boundary:
//!     META  JSON build metadata (sources, filters, build date, attribution, code names)
//!     STRS  string table: each string a u16 length then UTF-8 bytes
//!     RECS  48-byte records: u64 id, u64 population, i32 lon and i32 lat (1e-7 degrees),
//!           u32 offsets of name, feature code, country code and admin1 in STRS,
//!           u8 kind, u8 feature class, 6 bytes zero
//!     FST   the fst map bytes (folded name → key ordinal)
//!     OFFS  u32 per key + 1: the key's first posting
//!     POST  u32 per posting: place << 4 | name kind << 2 | all caps << 1 | trailing dot
//! ```
//!
//! Opening checks the magic, version, length and both checksums before reading
//! anything, then checks every offset, string, kind and posting as it decodes, so a
//! truncated or corrupt file is a clear [`Error::Gazetteer`], never a panic or wrong
//! answers. The records are copied out into [`Place`]s; the automaton stays in the map.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use memmap2::Mmap;

use super::builder::{BuildMeta, Built};
use super::names::{FstBytes, NameIndex, NameKind, Posting};
use super::{Gazetteer, Place, PlaceKind};
use crate::error::Error;

/// The first six bytes of every index file.
pub const MAGIC: &[u8; 6] = b"MMGAZ\0";
/// The format version this mentionmap writes and reads.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 32;
const RECORD_LEN: usize = 48;

const META: u32 = u32::from_le_bytes(*b"META");
const STRS: u32 = u32::from_le_bytes(*b"STRS");
const RECS: u32 = u32::from_le_bytes(*b"RECS");
const FST: u32 = u32::from_le_bytes(*b"FST\0");
const OFFS: u32 = u32::from_le_bytes(*b"OFFS");
const POST: u32 = u32::from_le_bytes(*b"POST");
const TAGS: [u32; 6] = [META, STRS, RECS, FST, OFFS, POST];

const KINDS: [PlaceKind; 7] = [
    PlaceKind::Continent,
    PlaceKind::Country,
    PlaceKind::Admin1,
    PlaceKind::Admin2,
    PlaceKind::City,
    PlaceKind::District,
    PlaceKind::Feature,
];
const NAME_KINDS: [NameKind; 4] = [
    NameKind::Preferred,
    NameKind::Alternate,
    NameKind::Abbreviation,
    NameKind::Demonym,
];

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

/// Writes a built gazetteer as an index file (to a temporary name, then renamed).
pub fn write(path: &Path, built: &Built) -> Result<WriteSummary, Error> {
    let out_err = |e: std::io::Error| Error::Output(format!("{}: {e}", path.display()));
    let body = encode_body(built)?;
    let mut header = [0u8; HEADER_LEN];
    header[..6].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    header[12..16].copy_from_slice(&(TAGS.len() as u32).to_le_bytes());
    header[16..24].copy_from_slice(&(body.len() as u64).to_le_bytes());
    header[24..28].copy_from_slice(&crc32fast::hash(&body).to_le_bytes());
    let hcrc = crc32fast::hash(&header[..28]);
    header[28..32].copy_from_slice(&hcrc.to_le_bytes());
    let tmp = path.with_extension("gaz.part");
    {
        let mut f = BufWriter::with_capacity(1 << 20, File::create(&tmp).map_err(out_err)?);
        f.write_all(&header).map_err(out_err)?;
        f.write_all(&body).map_err(out_err)?;
        f.into_inner()
            .map_err(|e| out_err(e.into_error()))?
            .sync_all()
            .map_err(out_err)?;
    }
    std::fs::rename(&tmp, path).map_err(out_err)?;
    let (_, offsets, postings) = built.names.raw_parts();
    Ok(WriteSummary {
        places: built.places.len(),
        names: offsets.len() - 1,
        postings: postings.len(),
        bytes: (HEADER_LEN + body.len()) as u64,
    })
}

fn pad8(buf: &mut Vec<u8>) {
    while buf.len() % 8 != 0 {
        buf.push(0);
    }
}

fn encode_body(built: &Built) -> Result<Vec<u8>, Error> {
    let too_big =
        |what: &str| Error::Output(format!("gazetteer too large for index format 1: {what}"));
    // String table, with repeated strings (codes, common names) stored once.
    let mut strs: Vec<u8> = Vec::new();
    let mut interned: HashMap<&str, u32> = HashMap::new();
    let mut recs = Vec::with_capacity(built.places.len() * RECORD_LEN);
    for (p, &class) in built.places.iter().zip(&built.classes) {
        let mut o = [0u32; 4];
        for (slot, s) in o
            .iter_mut()
            .zip([&p.name, &p.feature_code, &p.country_code, &p.admin1])
        {
            *slot = intern(s, &mut strs, &mut interned)
                .ok_or_else(|| too_big("string table over 4 GiB"))?;
        }
        recs.extend_from_slice(&p.id.to_le_bytes());
        recs.extend_from_slice(&p.population.to_le_bytes());
        recs.extend_from_slice(&to_e7(p.lon).to_le_bytes());
        recs.extend_from_slice(&to_e7(p.lat).to_le_bytes());
        for o in o {
            recs.extend_from_slice(&o.to_le_bytes());
        }
        recs.push(KINDS.iter().position(|k| *k == p.kind).unwrap_or(0) as u8);
        recs.push(class);
        recs.extend_from_slice(&[0u8; 6]);
    }
    let (fst, offsets, postings) = built.names.raw_parts();
    if built.places.len() >= 1 << 28 {
        return Err(too_big("more than 268 million places"));
    }
    let mut offs = Vec::with_capacity(offsets.len() * 4);
    for o in offsets {
        offs.extend_from_slice(&o.to_le_bytes());
    }
    let mut post = Vec::with_capacity(postings.len() * 4);
    for p in postings {
        let kind = NAME_KINDS.iter().position(|k| *k == p.kind).unwrap_or(1) as u32;
        let v =
            (p.place << 4) | (kind << 2) | (u32::from(p.all_caps) << 1) | u32::from(p.trailing_dot);
        post.extend_from_slice(&v.to_le_bytes());
    }
    let meta = serde_json::to_vec(&built.meta).map_err(|e| Error::Output(e.to_string()))?;
    let sections: [(u32, &[u8]); 6] = [
        (META, &meta),
        (STRS, &strs),
        (RECS, &recs),
        (FST, fst),
        (OFFS, &offs),
        (POST, &post),
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

/// The offset of `s` in the string table, adding it the first time. Strings longer
/// than 65,535 bytes are cut at a character boundary. `None` past 4 GiB.
fn intern<'a>(s: &'a str, strs: &mut Vec<u8>, interned: &mut HashMap<&'a str, u32>) -> Option<u32> {
    let mut end = s.len().min(u16::MAX as usize);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let s = &s[..end];
    if let Some(&o) = interned.get(s) {
        return Some(o);
    }
    let o = u32::try_from(strs.len()).ok()?;
    strs.extend_from_slice(&(s.len() as u16).to_le_bytes());
    strs.extend_from_slice(s.as_bytes());
    interned.insert(s, o);
    Some(o)
}

fn to_e7(deg: f64) -> i32 {
    (deg * 1e7).round() as i32
}

fn from_e7(v: i32) -> f64 {
    v as f64 / 1e7
}

/// A validated, mapped index file.
struct Mapped {
    map: Arc<Mmap>,
    sections: HashMap<u32, Range<usize>>,
    source: String,
}

impl Mapped {
    fn err(&self, message: String) -> Error {
        corrupt(&self.source, message)
    }

    fn section(&self, tag: u32) -> &[u8] {
        &self.map[self.sections[&tag].clone()]
    }
}

fn corrupt(source: &str, message: String) -> Error {
    Error::Gazetteer {
        source_name: source.to_string(),
        line: 0,
        message,
    }
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(b[i..i + 4].try_into().unwrap())
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().unwrap())
}

/// Maps and validates the file: magic, version, length, checksums, section table.
fn map_file(path: &Path) -> Result<Mapped, Error> {
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
    if crc32fast::hash(&map[..28]) != u32_at(&map, 28) {
        return Err(bad(
            "index header checksum mismatch: the file is corrupt".into()
        ));
    }
    let version = u32_at(&map, 8);
    if version != FORMAT_VERSION {
        return Err(bad(format!(
            "index format version {version}; this mentionmap reads version {FORMAT_VERSION}: rebuild it with `mentionmap gazetteer build`"
        )));
    }
    let body_len = u64_at(&map, 16);
    let actual = (map.len() - HEADER_LEN) as u64;
    if body_len != actual {
        return Err(bad(format!(
            "index is {} bytes but its header says {} (truncated or extended)",
            map.len(),
            body_len + HEADER_LEN as u64
        )));
    }
    if crc32fast::hash(&map[HEADER_LEN..]) != u32_at(&map, 24) {
        return Err(bad("index checksum mismatch: the file is corrupt".into()));
    }
    let count = u32_at(&map, 12) as usize;
    if count > 64 || HEADER_LEN + count * 24 > map.len() {
        return Err(bad(format!("bad section count {count}")));
    }
    let mut sections = HashMap::new();
    for i in 0..count {
        let t = HEADER_LEN + i * 24;
        let (tag, off, len) = (u32_at(&map, t), u64_at(&map, t + 8), u64_at(&map, t + 16));
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
        map: Arc::new(map),
        sections,
        source,
    })
}

fn read_meta(m: &Mapped) -> Result<BuildMeta, Error> {
    serde_json::from_slice(m.section(META)).map_err(|e| m.err(format!("bad metadata: {e}")))
}

/// Decodes the records (places and feature classes).
fn read_records(m: &Mapped) -> Result<(Vec<Place>, Vec<u8>), Error> {
    let recs = m.section(RECS);
    let strs = m.section(STRS);
    if recs.len() % RECORD_LEN != 0 {
        return Err(m.err(format!(
            "record section of {} bytes is not a whole number of records",
            recs.len()
        )));
    }
    let n = recs.len() / RECORD_LEN;
    let mut cache: HashMap<u32, String> = HashMap::new();
    let string = |o: u32| -> Result<&str, Error> {
        let o = o as usize;
        let len = strs
            .get(o..o + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
            .ok_or_else(|| m.err(format!("string offset {o} out of range")))?;
        let bytes = strs
            .get(o + 2..o + 2 + len)
            .ok_or_else(|| m.err(format!("string at {o} runs past the table")))?;
        std::str::from_utf8(bytes).map_err(|_| m.err(format!("string at {o} is not UTF-8")))
    };
    let mut places = Vec::with_capacity(n);
    let mut classes = Vec::with_capacity(n);
    for r in recs.chunks_exact(RECORD_LEN) {
        let kind = *KINDS.get(r[40] as usize).ok_or_else(|| {
            m.err(format!(
                "record {} has unknown kind {}",
                places.len(),
                r[40]
            ))
        })?;
        let lon = from_e7(i32::from_le_bytes(r[16..20].try_into().unwrap()));
        let lat = from_e7(i32::from_le_bytes(r[20..24].try_into().unwrap()));
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(m.err(format!("record {} is off the globe", places.len())));
        }
        let mut short = |o: u32| -> Result<String, Error> {
            if let Some(s) = cache.get(&o) {
                return Ok(s.clone());
            }
            let s = string(o)?.to_string();
            if s.len() <= 8 {
                cache.insert(o, s.clone());
            }
            Ok(s)
        };
        places.push(Place {
            id: u64_at(r, 0),
            population: u64_at(r, 8),
            lon,
            lat,
            name: string(u32_at(r, 24))?.to_string(),
            feature_code: short(u32_at(r, 28))?,
            country_code: short(u32_at(r, 32))?,
            admin1: short(u32_at(r, 36))?,
            kind,
        });
        classes.push(r[41]);
    }
    Ok((places, classes))
}

fn read_names(m: &Mapped, places: usize) -> Result<NameIndex, Error> {
    let offs = m.section(OFFS);
    let post = m.section(POST);
    if offs.len() % 4 != 0 || post.len() % 4 != 0 {
        return Err(m.err("name offsets or postings are not whole u32s".into()));
    }
    let offsets: Vec<u32> = offs
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let mut postings = Vec::with_capacity(post.len() / 4);
    for c in post.chunks_exact(4) {
        let v = u32::from_le_bytes(c.try_into().unwrap());
        let place = v >> 4;
        if place as usize >= places {
            return Err(m.err(format!("posting refers to place {place} of {places}")));
        }
        postings.push(Posting {
            place,
            kind: NAME_KINDS[((v >> 2) & 3) as usize],
            all_caps: v & 2 != 0,
            trailing_dot: v & 1 != 0,
        });
    }
    let fst = FstBytes::Mapped(m.map.clone(), m.sections[&FST].clone());
    NameIndex::from_raw(fst, offsets, postings).map_err(|e| m.err(e))
}

/// Opens an index file as a gazetteer.
pub fn open(path: &Path) -> Result<Gazetteer, Error> {
    let m = map_file(path)?;
    let meta = read_meta(&m)?;
    let (places, _) = read_records(&m)?;
    let names = read_names(&m, places.len())?;
    Ok(Gazetteer::from_parts(
        places,
        names,
        m.source.clone(),
        meta.attribution,
    ))
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
    let m = map_file(path)?;
    let meta = read_meta(&m)?;
    let (places, classes) = read_records(&m)?;
    let names = read_names(&m, places.len())?;
    let (_, offsets, postings) = names.raw_parts();
    Ok(IndexInfo {
        format_version: FORMAT_VERSION,
        bytes: m.map.len() as u64,
        meta,
        names: offsets.len() - 1,
        postings: postings.len(),
        places,
        classes,
    })
}
