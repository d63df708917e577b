//! The gazetteer builder: the one code path from source files to a [`Gazetteer`] or
//! an index file.
//!
//! Sources are added in order: the mentionmap TSV (the bundled default is read this
//! way), GeoNames dumps with their alternate-names, admin1, country and hierarchy
//! files, and a user's own places (CSV or GeoJSON, see [`super::user_places`]).
//! Records merge by id: when a later source has a record whose id is already present,
//! its names are added to the earlier record (whose kind, point and codes stay); new ids
//! are added. [`GazetteerBuilder::finish`] folds every name, builds the name automaton
//! and returns the parts, which become a [`Gazetteer`] in memory or an index file
//! ([`super::index_file::write`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::geonames_dump::{self, kind_of, Lines, SKIPPED_LANGUAGES};
use super::names::{NameIndex, NameKind, Posting};
use super::{Gazetteer, Place, PlaceKind};
use crate::error::Error;
use crate::text::{fold_name, is_all_caps};

/// The GeoNames credit every build that reads a GeoNames dump carries.
pub const GEONAMES_ATTRIBUTION: &str =
    "Place data from GeoNames (https://www.geonames.org), CC BY 4.0";

/// First synthetic id given to user places without a GeoNames id.
pub const USER_ID_BASE: u64 = 9_200_000_000;

/// A place and every name it carries, as the builder holds it.
#[derive(Debug, Clone)]
pub struct NamedPlace {
    /// The record (its `name` is the preferred name).
    pub place: Place,
    /// GeoNames feature class (`b'P'`, `b'A'` ...; `b'?'` when unknown).
    pub class: u8,
    /// Other names with how they relate to the place.
    pub names: Vec<(Box<str>, NameKind)>,
}

/// Which GeoNames rows and names to keep. Filters apply to GeoNames dump rows and
/// alternate names; TSV and user places are taken whole.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Filters {
    /// Feature classes to keep (A, P, H, ...); all when `None`.
    pub feature_classes: Option<Vec<String>>,
    /// Drop rows with a smaller population (rows without population count as 0).
    pub min_population: u64,
    /// ISO country codes to keep; all when `None`.
    pub countries: Option<Vec<String>>,
    /// Alternate-name languages to keep (ISO 639 codes, `abbr`); unlabelled names are
    /// kept too. All when `None`.
    pub languages: Option<Vec<String>>,
}

impl Filters {
    fn is_empty(&self) -> bool {
        self.feature_classes.is_none()
            && self.min_population == 0
            && self.countries.is_none()
            && self.languages.is_none()
    }
}

/// What one source contributed.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SourceReport {
    /// `tsv`, `geonames`, `alternate-names`, `admin1`, `countries`, `hierarchy`, `csv`, `geojson`.
    pub kind: String,
    /// The path as given.
    pub path: String,
    /// Data rows read.
    pub rows: u64,
    /// New records.
    pub added: u64,
    /// Rows merged into an existing record (same id), or names attached to one.
    pub merged: u64,
    /// Rows left out by the filters or with nothing to attach to.
    pub skipped: u64,
}

/// Metadata stored with a built gazetteer, shown by `mentionmap gazetteer info`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct BuildMeta {
    /// UTC build time, `YYYY-MM-DDTHH:MM:SSZ`.
    pub built_at: String,
    /// The mentionmap version that built it.
    pub built_by: String,
    /// The sources in the order they were added.
    pub sources: Vec<SourceReport>,
    /// The filters in force.
    pub filters: Filters,
    /// Attribution lines for the data.
    pub attribution: Vec<String>,
    /// Country names by ISO code (from countryInfo.txt or the country records).
    pub country_names: BTreeMap<String, String>,
    /// admin1 names by `CC.code` (from admin1CodesASCII.txt or the admin1 records).
    pub admin1_names: BTreeMap<String, String>,
    /// Places the user added from a CSV or GeoJSON file, as sorted half-open ranges of
    /// place indices: the resolver gives them a prior for being put there on purpose.
    #[serde(default)]
    pub user_places: Vec<(u32, u32)>,
}

/// A finished build: places, their feature classes, the name index and metadata.
#[derive(Debug)]
pub struct Built {
    /// The places, in the order they were added.
    pub places: Vec<Place>,
    /// Feature class of each place.
    pub classes: Vec<u8>,
    /// Folded names → postings.
    pub names: NameIndex,
    /// Where it came from.
    pub meta: BuildMeta,
}

impl Built {
    /// (distinct folded names, postings).
    pub fn name_counts(&self) -> (usize, usize) {
        (self.names.len(), self.names.posting_count())
    }

    /// The in-memory gazetteer.
    pub fn into_gazetteer(self, source: &str) -> Gazetteer {
        let mut g = Gazetteer::from_parts(
            self.places,
            self.names,
            source.to_string(),
            self.meta.attribution,
        );
        g.user_places = self.meta.user_places;
        g
    }
}

/// Collects places from sources; see the module documentation.
#[derive(Debug)]
pub struct GazetteerBuilder {
    records: Vec<NamedPlace>,
    by_id: HashMap<u64, u32>,
    filters: Filters,
    classes: Option<HashSet<u8>>,
    countries: Option<HashSet<String>>,
    languages: Option<HashSet<String>>,
    next_user_id: u64,
    /// Indices of the records a user's own file added or named.
    user_records: Vec<u32>,
    meta: BuildMeta,
}

impl Default for GazetteerBuilder {
    fn default() -> Self {
        GazetteerBuilder::new(Filters::default())
    }
}

impl GazetteerBuilder {
    /// An empty builder with these filters.
    pub fn new(filters: Filters) -> Self {
        let upper = |v: &Vec<String>| {
            v.iter()
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty())
                .collect::<HashSet<_>>()
        };
        GazetteerBuilder {
            classes: filters.feature_classes.as_ref().map(|v| {
                upper(v)
                    .into_iter()
                    .filter_map(|s| s.bytes().next())
                    .collect()
            }),
            countries: filters.countries.as_ref().map(upper),
            languages: filters
                .languages
                .as_ref()
                .map(|v| v.iter().map(|s| s.trim().to_ascii_lowercase()).collect()),
            filters,
            next_user_id: USER_ID_BASE,
            user_records: Vec::new(),
            records: Vec::new(),
            by_id: HashMap::new(),
            meta: BuildMeta::default(),
        }
    }

    /// Number of records so far.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True before any record is added.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The record with a given id, if present.
    pub fn get(&self, id: u64) -> Option<&NamedPlace> {
        self.by_id.get(&id).map(|&i| &self.records[i as usize])
    }

    /// A fresh synthetic id for a place that has none.
    pub fn next_synthetic_id(&mut self) -> u64 {
        while self.by_id.contains_key(&self.next_user_id) {
            self.next_user_id += 1;
        }
        self.next_user_id += 1;
        self.next_user_id - 1
    }

    /// Adds an attribution line once.
    pub fn attribute(&mut self, line: &str) {
        if !self.meta.attribution.iter().any(|a| a == line) {
            self.meta.attribution.push(line.to_string());
        }
    }

    /// Records a source's report (used by the readers in other modules).
    pub fn report(&mut self, report: SourceReport) {
        self.meta.sources.push(report);
    }

    /// What each source read so far contributed, in the order they were read.
    pub fn sources(&self) -> &[SourceReport] {
        &self.meta.sources
    }

    /// Adds a record, or merges its names into the record with the same id. Returns
    /// true when the record is new.
    pub fn add(&mut self, mut np: NamedPlace) -> bool {
        match self.by_id.get(&np.place.id) {
            Some(&i) => {
                let existing = &mut self.records[i as usize];
                if np.place.name != existing.place.name {
                    existing
                        .names
                        .push((np.place.name.into_boxed_str(), NameKind::Alternate));
                }
                existing.names.append(&mut np.names);
                if existing.place.population == 0 {
                    existing.place.population = np.place.population;
                }
                false
            }
            None => {
                self.by_id.insert(np.place.id, self.records.len() as u32);
                self.records.push(np);
                true
            }
        }
    }

    /// Adds a place from the user's own file (CSV, GeoJSON) like [`Self::add`], and
    /// marks the record as the user's: added or named on purpose.
    pub fn add_user_place(&mut self, np: NamedPlace) -> bool {
        let id = np.place.id;
        let new = self.add(np);
        if let Some(&i) = self.by_id.get(&id) {
            self.user_records.push(i);
        }
        new
    }

    /// Reads the bundled default gazetteer (compiled into the library).
    pub fn add_bundled(&mut self) -> Result<(), Error> {
        self.add_tsv(Lines::from_bytes(super::BUNDLED, super::BUNDLED_NAME))
    }

    /// Reads a mentionmap TSV gazetteer (the bundled default's format).
    pub fn add_tsv(&mut self, lines: Lines<'_>) -> Result<(), Error> {
        super::load::read_tsv(lines, self)
    }

    /// Reads a GeoNames main-table dump (`allCountries.txt|.zip`, `XX.txt`,
    /// `cities500.txt`). With `alternates_column` false the comma-separated
    /// alternatenames column is ignored (an alternate-names file supplies the names,
    /// with their languages).
    pub fn add_geonames(&mut self, path: &Path, alternates_column: bool) -> Result<(), Error> {
        let mut lines = Lines::open(path)?;
        let source = lines.source().to_string();
        let mut rep = SourceReport {
            kind: "geonames".into(),
            path: source.clone(),
            ..Default::default()
        };
        while let Some((lineno, line)) = lines.next_line()? {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let row = geonames_dump::parse_dump_row(line, &source, lineno)?;
            rep.rows += 1;
            if self
                .classes
                .as_ref()
                .is_some_and(|c| !c.contains(&row.feature_class))
                || row.population < self.filters.min_population
                || self
                    .countries
                    .as_ref()
                    .is_some_and(|c| !c.contains(row.country_code))
            {
                rep.skipped += 1;
                continue;
            }
            let mut names: Vec<(Box<str>, NameKind)> = Vec::new();
            if !row.ascii_name.is_empty() && row.ascii_name != row.name {
                names.push((row.ascii_name.into(), NameKind::Alternate));
            }
            if alternates_column {
                names.extend(
                    row.alternate_names
                        .split(',')
                        .map(str::trim)
                        .filter(|n| !n.is_empty() && *n != row.name && !n.starts_with("http"))
                        .map(|n| (n.into(), NameKind::Alternate)),
                );
            }
            let np = NamedPlace {
                place: Place {
                    id: row.id,
                    name: row.name.to_string(),
                    kind: kind_of(row.feature_class, row.feature_code),
                    feature_code: row.feature_code.to_string(),
                    country_code: row.country_code.to_string(),
                    admin1: row.admin1.to_string(),
                    population: row.population,
                    lon: row.lon,
                    lat: row.lat,
                },
                class: row.feature_class,
                names,
            };
            if self.add(np) {
                rep.added += 1;
            } else {
                rep.merged += 1;
            }
        }
        self.attribute(GEONAMES_ATTRIBUTION);
        self.meta.sources.push(rep);
        Ok(())
    }

    /// Reads `alternateNamesV2.txt` (or `alternateNames.txt`, or a country's
    /// `XX.txt` from the alternatenames folder) and attaches names to the places
    /// already added. Links, Wikidata ids, postal, IATA/ICAO/FAA and UN/LOCODE codes
    /// are skipped; `abbr` names become abbreviations; `--languages` keeps only those
    /// languages (and names without one). A preferred name in the first listed
    /// language (English by default) becomes the place's name.
    pub fn add_alternate_names(&mut self, path: &Path) -> Result<(), Error> {
        let mut lines = Lines::open(path)?;
        let source = lines.source().to_string();
        let preferred_language = self
            .filters
            .languages
            .as_ref()
            .and_then(|l| l.first().cloned())
            .unwrap_or_else(|| "en".into())
            .to_ascii_lowercase();
        let mut rep = SourceReport {
            kind: "alternate-names".into(),
            path: source.clone(),
            ..Default::default()
        };
        while let Some((lineno, line)) = lines.next_line()? {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let row = geonames_dump::parse_alt_row(line, &source, lineno)?;
            rep.rows += 1;
            let lang = row.language.to_ascii_lowercase();
            let name = row.name.trim();
            let Some(&i) = self.by_id.get(&row.geonameid) else {
                rep.skipped += 1;
                continue;
            };
            if name.is_empty()
                || SKIPPED_LANGUAGES.contains(&lang.as_str())
                || name.starts_with("http")
                || (!lang.is_empty() && self.languages.as_ref().is_some_and(|l| !l.contains(&lang)))
            {
                rep.skipped += 1;
                continue;
            }
            let kind = if lang == "abbr" {
                NameKind::Abbreviation
            } else {
                NameKind::Alternate
            };
            let rec = &mut self.records[i as usize];
            if row.preferred
                && !row.historic
                && !row.colloquial
                && lang == preferred_language
                && rec.place.name != name
            {
                let old = std::mem::replace(&mut rec.place.name, name.to_string());
                rec.names.push((old.into_boxed_str(), NameKind::Alternate));
            } else if name != rec.place.name {
                rec.names.push((name.into(), kind));
            }
            rep.merged += 1;
        }
        self.meta.sources.push(rep);
        Ok(())
    }

    /// Reads `admin1CodesASCII.txt`: names for admin1 codes (shown by `gazetteer
    /// info`), added as names of the admin1 records too.
    pub fn add_admin1_codes(&mut self, path: &Path) -> Result<(), Error> {
        let mut rep = SourceReport {
            kind: "admin1".into(),
            path: path.display().to_string(),
            ..Default::default()
        };
        let mut rows = Vec::new();
        geonames_dump::read_admin1_codes(path, |code, name, ascii, id| {
            rows.push((code.to_string(), name.to_string(), ascii.to_string(), id))
        })?;
        for (code, name, ascii, id) in rows {
            rep.rows += 1;
            self.meta.admin1_names.insert(code, name.clone());
            match id.and_then(|id| self.by_id.get(&id).copied()) {
                Some(i) => {
                    let rec = &mut self.records[i as usize];
                    for n in [name, ascii] {
                        if n != rec.place.name && !n.is_empty() {
                            rec.names.push((n.into_boxed_str(), NameKind::Alternate));
                        }
                    }
                    rep.merged += 1;
                }
                None => rep.skipped += 1,
            }
        }
        self.meta.sources.push(rep);
        Ok(())
    }

    /// Reads `countryInfo.txt`: names for country codes, added to the country records.
    pub fn add_country_info(&mut self, path: &Path) -> Result<(), Error> {
        let mut rep = SourceReport {
            kind: "countries".into(),
            path: path.display().to_string(),
            ..Default::default()
        };
        let mut rows = Vec::new();
        geonames_dump::read_country_info(path, |code, name, id| {
            rows.push((code.to_string(), name.to_string(), id))
        })?;
        for (code, name, id) in rows {
            rep.rows += 1;
            self.meta.country_names.insert(code, name.clone());
            match id.and_then(|id| self.by_id.get(&id).copied()) {
                Some(i) => {
                    let rec = &mut self.records[i as usize];
                    if name != rec.place.name {
                        rec.names.push((name.into_boxed_str(), NameKind::Alternate));
                    }
                    rep.merged += 1;
                }
                None => rep.skipped += 1,
            }
        }
        self.meta.sources.push(rep);
        Ok(())
    }

    /// Reads `hierarchy.txt`: an `ADM` edge from a first-level region gives a child
    /// without an admin1 code its parent's country and admin1 code.
    pub fn add_hierarchy(&mut self, path: &Path) -> Result<(), Error> {
        let mut rep = SourceReport {
            kind: "hierarchy".into(),
            path: path.display().to_string(),
            ..Default::default()
        };
        let mut edges = Vec::new();
        geonames_dump::read_hierarchy(path, |p, c, t| {
            if t == "ADM" || t.is_empty() {
                edges.push((p, c));
            }
        })?;
        rep.rows = edges.len() as u64;
        for (parent, child) in edges {
            let (Some(&p), Some(&c)) = (self.by_id.get(&parent), self.by_id.get(&child)) else {
                rep.skipped += 1;
                continue;
            };
            let pp = &self.records[p as usize].place;
            if pp.kind == PlaceKind::Admin1 && self.records[c as usize].place.admin1.is_empty() {
                let (cc, a1) = (pp.country_code.clone(), pp.admin1.clone());
                let cp = &mut self.records[c as usize].place;
                if cp.country_code.is_empty() || cp.country_code == cc {
                    cp.country_code = cc;
                    cp.admin1 = a1;
                    rep.merged += 1;
                    continue;
                }
            }
            rep.skipped += 1;
        }
        self.meta.sources.push(rep);
        Ok(())
    }

    /// Folds every name and builds the name index. Names are folded on all cores.
    pub fn finish(mut self) -> Built {
        self.meta.user_places = index_ranges(std::mem::take(&mut self.user_records));
        for r in &self.records {
            match r.place.kind {
                PlaceKind::Country if !r.place.country_code.is_empty() => {
                    self.meta
                        .country_names
                        .entry(r.place.country_code.clone())
                        .or_insert_with(|| r.place.name.clone());
                }
                PlaceKind::Admin1 if !r.place.country_code.is_empty() => {
                    self.meta
                        .admin1_names
                        .entry(format!("{}.{}", r.place.country_code, r.place.admin1))
                        .or_insert_with(|| r.place.name.clone());
                }
                _ => {}
            }
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let chunk = self.records.len().div_ceil(threads).max(1);
        let parts: Vec<Vec<(String, Posting)>> = std::thread::scope(|s| {
            let handles: Vec<_> = self
                .records
                .chunks_mut(chunk)
                .enumerate()
                .map(|(c, recs)| s.spawn(move || fold_names(recs, (c * chunk) as u32)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("name folding thread"))
                .collect()
        });
        let mut entries: Vec<(String, Posting)> =
            Vec::with_capacity(parts.iter().map(Vec::len).sum());
        for mut p in parts {
            entries.append(&mut p);
        }
        // The same place under one key keeps its strongest kind only; it matches
        // lower case if any of its forms is not all capitals ("Ky" beside "KY"), and may
        // take a trailing dot if any form has one ("Ky.").
        entries.sort_unstable();
        entries.dedup_by(|b, a| {
            let same = a.0 == b.0 && a.1.place == b.1.place;
            if same {
                a.1.all_caps &= b.1.all_caps;
                a.1.trailing_dot |= b.1.trailing_dot;
            }
            same
        });
        let names = NameIndex::build(entries);
        let mut places = Vec::with_capacity(self.records.len());
        let mut classes = Vec::with_capacity(self.records.len());
        for r in self.records {
            places.push(r.place);
            classes.push(r.class);
        }
        self.meta.built_at = utc_now();
        self.meta.built_by = format!("mentionmap {}", env!("CARGO_PKG_VERSION"));
        if !self.filters.is_empty() {
            self.meta.filters = self.filters;
        }
        Built {
            places,
            classes,
            names,
            meta: self.meta,
        }
    }
}

/// (folded key, posting) for every name of `records`, whose first index is `base`.
/// The other names are dropped as they are folded, to keep the peak memory down.
fn fold_names(records: &mut [NamedPlace], base: u32) -> Vec<(String, Posting)> {
    let mut out = Vec::with_capacity(records.len() * 3);
    for (k, r) in records.iter_mut().enumerate() {
        let index = base + k as u32;
        let mut add = |name: &str, kind: NameKind| {
            let key = fold_name(name);
            if key.is_empty() {
                return;
            }
            // A name of two to four capitals ("US", "ALP") only matches capitals.
            let letters = name.chars().filter(|c| c.is_alphabetic()).count();
            let all_caps = is_all_caps(name) && letters <= 4;
            out.push((
                key,
                Posting {
                    place: index,
                    kind,
                    all_caps,
                    trailing_dot: name.ends_with('.'),
                },
            ));
        };
        add(&r.place.name, NameKind::Preferred);
        for (name, kind) in std::mem::take(&mut r.names) {
            add(&name, kind);
        }
    }
    out
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`, or the time `SOURCE_DATE_EPOCH`
/// gives (seconds since 1970, the reproducible-builds convention), so that a build can
/// be repeated byte for byte.
pub fn utc_now() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    utc_at(secs)
}

pub use crate::utc::utc_at;

/// Sorted half-open ranges covering a set of indices.
fn index_ranges(mut indices: Vec<u32>) -> Vec<(u32, u32)> {
    indices.sort_unstable();
    indices.dedup();
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for i in indices {
        match ranges.last_mut() {
            Some(last) if last.1 == i => last.1 = i + 1,
            _ => ranges.push((i, i + 1)),
        }
    }
    ranges
}
