//! Readers for the official GeoNames dump formats (<https://download.geonames.org/export/dump/>).
//!
//! * the main table (`allCountries.txt`, `XX.txt`, `cities500.txt`, plain, gzip or zip):
//!   19 tab-separated columns, `geonameid name asciiname alternatenames latitude
//!   longitude feature_class feature_code country_code cc2 admin1 admin2 admin3 admin4
//!   population elevation dem timezone modification_date`;
//! * `alternateNamesV2.txt`: `alternateNameId geonameid isolanguage alternate_name
//!   isPreferredName isShortName isColloquial isHistoric from to`;
//! * `admin1CodesASCII.txt`: `CC.code name asciiname geonameid`;
//! * `countryInfo.txt`: `#` comments, then `ISO ISO3 numeric fips Country Capital ...
//!   geonameid (col 17) ...`;
//! * `hierarchy.txt`: `parentId childId type`.
//!
//! Every reader checks its rows: a wrong column count, a number that does not parse or
//! a point off the globe is an error naming the file and line, never a panic.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use flate2::read::{DeflateDecoder, MultiGzDecoder};

use super::PlaceKind;
use crate::error::Error;

/// One row of the GeoNames main table, borrowed from the line.
#[derive(Debug, Clone, PartialEq)]
pub struct DumpRow<'a> {
    /// geonameid.
    pub id: u64,
    /// The name (UTF-8, often with diacritics).
    pub name: &'a str,
    /// The ASCII name.
    pub ascii_name: &'a str,
    /// The comma-separated alternate names column.
    pub alternate_names: &'a str,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Feature class (A, H, L, P, R, S, T, U, V), `b'?'` when empty.
    pub feature_class: u8,
    /// Feature code (PPL, ADM1, ...), may be empty.
    pub feature_code: &'a str,
    /// ISO country code, may be empty.
    pub country_code: &'a str,
    /// admin1 code, may be empty.
    pub admin1: &'a str,
    /// Population, 0 when empty.
    pub population: u64,
}

/// The mentionmap kind of a GeoNames feature class and code.
///
/// A/PCL* and TERR are countries, ADM1 first-level regions, ADM2–ADM5 and ADMD
/// second-level regions; P/PPLX is a district, any other P a city; L/CONT a continent;
/// everything else (rivers, mountains, regions, spots, historical divisions) a
/// [`PlaceKind::Feature`].
pub fn kind_of(feature_class: u8, feature_code: &str) -> PlaceKind {
    match (feature_class, feature_code) {
        (b'A', "PCLI" | "PCLD" | "PCLF" | "PCLS" | "PCLIX" | "PCL" | "TERR") => PlaceKind::Country,
        (b'A', "ADM1") => PlaceKind::Admin1,
        (b'A', "ADM2" | "ADM3" | "ADM4" | "ADM5" | "ADMD") => PlaceKind::Admin2,
        (b'P', "PPLX") => PlaceKind::District,
        (b'P', _) => PlaceKind::City,
        (b'L', "CONT") => PlaceKind::Continent,
        _ => PlaceKind::Feature,
    }
}

/// The feature class a kind stands for, when a source has no class of its own.
pub fn class_of_kind(kind: PlaceKind) -> u8 {
    match kind {
        PlaceKind::Continent => b'L',
        PlaceKind::Country | PlaceKind::Admin1 | PlaceKind::Admin2 => b'A',
        PlaceKind::City | PlaceKind::District => b'P',
        PlaceKind::Feature => b'?',
        PlaceKind::Area => b'L',
        PlaceKind::Physical => b'T',
    }
}

/// Reads a text input line by line: plain, gzip, or the first `.txt` member of a zip
/// (not `readme.txt`), as GeoNames ships `allCountries.zip`.
pub struct Lines<'a> {
    reader: Box<dyn BufRead + 'a>,
    buf: Vec<u8>,
    line: usize,
    source: String,
}

/// The UTF-8 byte-order mark, dropped from the start of a dump.
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

impl<'a> Lines<'a> {
    /// Opens a file, detecting gzip and zip by their magic bytes.
    pub fn open(path: &Path) -> Result<Lines<'static>, Error> {
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        let mut file = File::open(path).map_err(io)?;
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut file, &mut magic).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let source = path.display().to_string();
        let reader: Box<dyn BufRead> = if n >= 2 && magic[..2] == [0x1f, 0x8b] {
            Box::new(BufReader::with_capacity(1 << 20, MultiGzDecoder::new(file)))
        } else if n == 4 && magic == *b"PK\x03\x04" {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            zip_member(file, &source, &stem)?
        } else {
            Box::new(BufReader::with_capacity(1 << 20, file))
        };
        Ok(Lines {
            reader,
            buf: Vec::new(),
            line: 0,
            source,
        })
    }

    /// Reads from bytes already in memory (gzip or plain).
    pub fn from_bytes(bytes: &'a [u8], source: &str) -> Lines<'a> {
        let reader: Box<dyn BufRead + 'a> = if bytes.starts_with(&[0x1f, 0x8b]) {
            Box::new(BufReader::with_capacity(
                1 << 20,
                MultiGzDecoder::new(bytes),
            ))
        } else {
            Box::new(bytes)
        };
        Lines {
            reader,
            buf: Vec::new(),
            line: 0,
            source: source.to_string(),
        }
    }

    /// The next line without its line ending, with its 1-based number; `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<(usize, &str)>, Error> {
        self.buf.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| corrupt(&self.source, self.line + 1, format!("cannot read: {e}")))?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.line == 1 && self.buf.starts_with(UTF8_BOM) {
            // Editors on Windows start UTF-8 files with a byte-order mark; it is not
            // part of the first geonameid.
            self.buf.drain(..UTF8_BOM.len());
        }
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        match std::str::from_utf8(&self.buf) {
            Ok(s) => Ok(Some((self.line, s))),
            Err(_) => Err(corrupt(&self.source, self.line, "not UTF-8 text".into())),
        }
    }

    /// The input's name, for errors.
    pub fn source(&self) -> &str {
        &self.source
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// The error for a bad row or file.
pub fn corrupt(source: &str, line: usize, message: String) -> Error {
    Error::Gazetteer {
        source_name: source.to_string(),
        line,
        message,
    }
}

/// A streaming reader of a zip archive's `.txt` member (stored or deflated), located
/// through the central directory (zip64 offsets included): the one named after the
/// archive (`alternateNamesV2.txt` in `alternateNamesV2.zip`, which also holds
/// `iso-languagecodes.txt`), else the first that is not a readme.
fn zip_member(mut file: File, source: &str, stem: &str) -> Result<Box<dyn BufRead>, Error> {
    let bad = |m: &str| corrupt(source, 0, format!("zip archive: {m}"));
    let io = |e: std::io::Error| corrupt(source, 0, format!("zip archive: {e}"));
    let len = file.seek(SeekFrom::End(0)).map_err(io)?;
    let tail_len = len.min(65_557);
    file.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail).map_err(io)?;
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))
        .ok_or_else(|| bad("no end-of-central-directory record (truncated?)"))?;
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as u64;
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap()) as u64;
    let u64_at = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
    let mut cd_size = u32_at(&tail, eocd + 12);
    let mut cd_offset = u32_at(&tail, eocd + 16);
    if cd_offset == 0xFFFF_FFFF && eocd >= 20 && tail[eocd - 20..].starts_with(b"PK\x06\x07") {
        let z64 = u64_at(&tail, eocd - 20 + 8);
        file.seek(SeekFrom::Start(z64)).map_err(io)?;
        let mut rec = [0u8; 56];
        file.read_exact(&mut rec).map_err(io)?;
        if !rec.starts_with(b"PK\x06\x06") {
            return Err(bad("bad zip64 end record"));
        }
        cd_size = u64_at(&rec, 40);
        cd_offset = u64_at(&rec, 48);
    }
    if cd_offset.checked_add(cd_size).map_or(true, |e| e > len) || cd_size > 1 << 30 {
        return Err(bad("central directory out of range (truncated?)"));
    }
    file.seek(SeekFrom::Start(cd_offset)).map_err(io)?;
    let mut cd = vec![0u8; cd_size as usize];
    file.read_exact(&mut cd).map_err(io)?;
    let mut i = 0usize;
    let mut chosen = None;
    while i + 46 <= cd.len() && cd[i..].starts_with(b"PK\x01\x02") {
        let method = u16_at(&cd, i + 10);
        let name_len = u16_at(&cd, i + 28) as usize;
        let extra_len = u16_at(&cd, i + 30) as usize;
        let comment_len = u16_at(&cd, i + 32) as usize;
        let mut compressed = u32_at(&cd, i + 20);
        let uncompressed = u32_at(&cd, i + 24);
        let mut offset = u32_at(&cd, i + 42);
        if i + 46 + name_len + extra_len > cd.len() {
            return Err(bad("central directory entry out of range"));
        }
        let name = String::from_utf8_lossy(&cd[i + 46..i + 46 + name_len]).to_string();
        if offset == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF {
            // zip64 extra field: 64-bit values for exactly the fields saturated above,
            // in the order uncompressed size, compressed size, offset.
            let extra = &cd[i + 46 + name_len..i + 46 + name_len + extra_len];
            let mut j = 0;
            while j + 4 <= extra.len() {
                let (id, size) = (u16_at(extra, j), u16_at(extra, j + 2) as usize);
                if id == 1 && j + 4 + size <= extra.len() {
                    let mut k = j + 4;
                    let mut next = |present: bool| -> Option<u64> {
                        if !present || k + 8 > j + 4 + size {
                            return None;
                        }
                        k += 8;
                        Some(u64_at(extra, k - 8))
                    };
                    next(uncompressed == 0xFFFF_FFFF);
                    if let Some(c) = next(compressed == 0xFFFF_FFFF) {
                        compressed = c;
                    }
                    if let Some(o) = next(offset == 0xFFFF_FFFF) {
                        offset = o;
                    }
                }
                j += 4 + size;
            }
        }
        let lower = name.to_ascii_lowercase();
        let base = lower.rsplit('/').next().unwrap_or(&lower);
        let named_after_archive = base.strip_suffix(".txt") == Some(stem);
        if named_after_archive
            || (lower.ends_with(".txt") && !lower.contains("readme") && chosen.is_none())
        {
            chosen = Some((method, offset, compressed, name));
            if named_after_archive {
                break;
            }
        }
        i += 46 + name_len + extra_len + comment_len;
    }
    let (method, offset, compressed, _name) = chosen.ok_or_else(|| bad("no .txt member"))?;
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    let mut local = [0u8; 30];
    file.read_exact(&mut local).map_err(io)?;
    if !local.starts_with(b"PK\x03\x04") {
        return Err(bad("bad local header"));
    }
    let skip = u16_at(&local, 26) + u16_at(&local, 28);
    file.seek(SeekFrom::Current(skip as i64)).map_err(io)?;
    Ok(match method {
        // A stored member ends where its size says, not at the end of the file.
        0 => Box::new(BufReader::with_capacity(1 << 20, file.take(compressed))),
        8 => Box::new(BufReader::with_capacity(
            1 << 20,
            DeflateDecoder::new(BufReader::new(file)),
        )),
        m => return Err(bad(&format!("unsupported compression method {m}"))),
    })
}

fn parse_f64(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The population column: empty is 0; a whole number, or a decimal one as some
/// derived dumps write it (`1234.0`); a negative or non-numeric value is an error,
/// not a silent 0 that would sink the place in the ranking.
fn parse_population(cell: &str) -> Result<u64, String> {
    if cell.is_empty() {
        return Ok(0);
    }
    if let Ok(n) = cell.parse::<u64>() {
        return Ok(n);
    }
    match cell.parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 0.0 => Ok(f as u64),
        Ok(f) if f < 0.0 => Err(format!("negative population {cell:?}")),
        _ => Err(format!("bad population {cell:?}")),
    }
}

/// Parses one row of the main table (19 columns).
pub fn parse_dump_row<'a>(
    line: &'a str,
    source: &str,
    lineno: usize,
) -> Result<DumpRow<'a>, Error> {
    let err = |m: String| corrupt(source, lineno, m);
    let mut cols = [""; 19];
    let mut n = 0;
    for c in line.split('\t') {
        if n < 19 {
            cols[n] = c;
        }
        n += 1;
    }
    if n != 19 {
        return Err(err(format!(
            "expected 19 tab-separated GeoNames columns, found {n}"
        )));
    }
    let id: u64 = cols[0]
        .parse()
        .map_err(|_| err(format!("bad geonameid {:?}", cols[0])))?;
    let lat = parse_f64(cols[4]).ok_or_else(|| err(format!("bad latitude {:?}", cols[4])))?;
    let lon = parse_f64(cols[5]).ok_or_else(|| err(format!("bad longitude {:?}", cols[5])))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(err(format!("point off the globe: lat {lat}, lon {lon}")));
    }
    let population = parse_population(cols[14]).map_err(err)?;
    let feature_class = match cols[6].as_bytes() {
        [] => b'?',
        [c] if c.is_ascii_uppercase() => *c,
        _ => return Err(err(format!("bad feature class {:?}", cols[6]))),
    };
    Ok(DumpRow {
        id,
        name: cols[1],
        ascii_name: cols[2],
        alternate_names: cols[3],
        lat,
        lon,
        feature_class,
        feature_code: cols[7],
        country_code: cols[8],
        admin1: cols[10],
        population,
    })
}

/// One row of `alternateNamesV2.txt` (also reads the older 8-column layout).
#[derive(Debug, Clone, PartialEq)]
pub struct AltNameRow<'a> {
    /// The place's geonameid.
    pub geonameid: u64,
    /// ISO 639 language or a pseudo-code (`link`, `post`, `iata`, `abbr`, ...).
    pub language: &'a str,
    /// The name.
    pub name: &'a str,
    /// The preferred name in its language.
    pub preferred: bool,
    /// A short name ("California" for "State of California").
    pub short: bool,
    /// A colloquial or slang name.
    pub colloquial: bool,
    /// A historic name no longer used.
    pub historic: bool,
}

/// Pseudo-languages whose "names" are not names: URLs, Wikidata ids, postal codes,
/// airport codes, UN/LOCODEs.
pub const SKIPPED_LANGUAGES: &[&str] = &[
    "link", "wkdt", "post", "iata", "icao", "faac", "unlc", "tcid",
];

/// Parses one row of the alternate names file.
pub fn parse_alt_row<'a>(
    line: &'a str,
    source: &str,
    lineno: usize,
) -> Result<AltNameRow<'a>, Error> {
    let cols: Vec<&str> = line.split('\t').collect();
    if !(4..=10).contains(&cols.len()) {
        return Err(corrupt(
            source,
            lineno,
            format!(
                "expected 4 to 10 alternate-name columns, found {}",
                cols.len()
            ),
        ));
    }
    let geonameid = cols[1]
        .parse()
        .map_err(|_| corrupt(source, lineno, format!("bad geonameid {:?}", cols[1])))?;
    let flag = |i: usize| cols.get(i).is_some_and(|c| *c == "1");
    Ok(AltNameRow {
        geonameid,
        language: cols[2],
        name: cols[3],
        preferred: flag(4),
        short: flag(5),
        colloquial: flag(6),
        historic: flag(7),
    })
}

/// Reads `admin1CodesASCII.txt`: ("CC.code", name, ascii name, geonameid).
pub fn read_admin1_codes(
    path: &Path,
    mut f: impl FnMut(&str, &str, &str, Option<u64>),
) -> Result<usize, Error> {
    let mut lines = Lines::open(path)?;
    let source = lines.source().to_string();
    let mut n = 0;
    while let Some((lineno, line)) = lines.next_line()? {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 4 || !cols[0].contains('.') {
            return Err(corrupt(
                &source,
                lineno,
                "expected `CC.code<TAB>name<TAB>asciiname<TAB>geonameid`".into(),
            ));
        }
        f(cols[0], cols[1], cols[2], cols[3].parse().ok());
        n += 1;
    }
    Ok(n)
}

/// Reads `countryInfo.txt`: (ISO code, country name, geonameid).
pub fn read_country_info(
    path: &Path,
    mut f: impl FnMut(&str, &str, Option<u64>),
) -> Result<usize, Error> {
    let mut lines = Lines::open(path)?;
    let source = lines.source().to_string();
    let mut n = 0;
    while let Some((lineno, line)) = lines.next_line()? {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 17 || cols[0].len() != 2 {
            return Err(corrupt(
                &source,
                lineno,
                format!(
                    "expected a countryInfo row of 17+ columns, found {}",
                    cols.len()
                ),
            ));
        }
        f(cols[0], cols[4], cols[16].parse().ok());
        n += 1;
    }
    Ok(n)
}

/// Reads `hierarchy.txt`: (parent geonameid, child geonameid, type).
pub fn read_hierarchy(path: &Path, mut f: impl FnMut(u64, u64, &str)) -> Result<usize, Error> {
    let mut lines = Lines::open(path)?;
    let source = lines.source().to_string();
    let mut n = 0;
    while let Some((lineno, line)) = lines.next_line()? {
        if line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let ids = (cols.len() >= 2).then(|| (cols[0].parse::<u64>(), cols[1].parse::<u64>()));
        match ids {
            Some((Ok(p), Ok(c))) => f(p, c, cols.get(2).copied().unwrap_or("")),
            _ => {
                return Err(corrupt(
                    &source,
                    lineno,
                    "expected `parentId<TAB>childId<TAB>type`".into(),
                ))
            }
        }
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_and_kinds() {
        let line = "169933\tḨandarāt\tHandarat\tHanndrâte,حندرات\t36.28888\t37.16086\tP\tPPL\tSY\t\t09\t\t\t\t\t\t474\tAsia/Damascus\t2012-01-17";
        let r = parse_dump_row(line, "t", 1).unwrap();
        assert_eq!((r.id, r.population, r.admin1), (169933, 0, "09"));
        assert_eq!(kind_of(r.feature_class, r.feature_code), PlaceKind::City);
        assert_eq!(kind_of(b'P', "PPLX"), PlaceKind::District);
        assert_eq!(kind_of(b'A', "ADM3"), PlaceKind::Admin2);
        assert_eq!(kind_of(b'H', "STM"), PlaceKind::Feature);
        assert_eq!(kind_of(b'L', "CONT"), PlaceKind::Continent);
        assert!(parse_dump_row("1\tx", "t", 3)
            .unwrap_err()
            .to_string()
            .contains("line 3"));
        let bad = line.replace("36.28888", "96.2");
        assert!(parse_dump_row(&bad, "t", 1).is_err());
    }

    #[test]
    fn populations_are_whole_non_negative_numbers() {
        assert_eq!(parse_population(""), Ok(0));
        assert_eq!(parse_population("4500000"), Ok(4_500_000));
        assert_eq!(parse_population("1234.0"), Ok(1234));
        assert!(parse_population("-5").unwrap_err().contains("negative"));
        assert!(parse_population("-0.5").unwrap_err().contains("negative"));
        assert!(parse_population("many")
            .unwrap_err()
            .contains("bad population"));
        assert!(parse_population("NaN").is_err());
    }

    #[test]
    fn a_byte_order_mark_before_the_first_row_is_dropped() {
        let mut lines = Lines::from_bytes(b"\xef\xbb\xbf169933\tx\n2\ty\n", "t");
        assert_eq!(lines.next_line().unwrap(), Some((1, "169933\tx")));
        assert_eq!(lines.next_line().unwrap(), Some((2, "2\ty")));
    }
}
