//! The gazetteer: place records, a folded-name index and an R-tree of their points.
//!
//! A gazetteer is read from the TSV format documented in `gazetteer/README.md` (gzip or
//! plain): one row per place with its id (the GeoNames id where there is one), names,
//! abbreviations, demonyms, kind, feature code, country, admin1, population and point.
//! The default gazetteer, built by `gazetteer/build.sh` from registry packages (GeoNames
//! cities500, countries, first-level regions, US counties, continents), is compiled into
//! the library ([`Gazetteer::bundled`]).
//!
//! The bundled gazetteer is compiled in as a ready index: the build script (`build.rs`)
//! compiles this module, reads `gazetteer/default.tsv.gz` through [`builder`] and
//! writes the index with [`index_file::write`], which the library includes and maps
//! from the binary's memory. Items the build script does not need (downloads, user
//! places, the compiled-in index itself) are compiled under `cfg(mentionmap_library)`,
//! which the script sets for the library.

pub mod builder;
mod bytes;
#[cfg(mentionmap_library)]
pub mod download;
pub mod geonames_dump;
pub mod index_file;
mod kept_records;
mod load;
pub mod names;
pub mod packed_rtree;
pub mod records;
pub mod spatial;
#[cfg(mentionmap_library)]
pub mod user_places;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

pub use names::{NameIndex, NameKind, Posting, Postings};
pub use spatial::SpatialIndex;

use crate::error::Error;

/// What sort of place a record is. From `Continent` to `District` the order runs from
/// the largest to the smallest; `Feature`, `Area` and `Physical` come last, so that code
/// which asks "smaller than a region?" (`kind >= Admin2`) treats them as it treated every
/// non-administrative feature before they were told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    /// A continent (GeoNames CONT).
    Continent,
    /// An independent country or territory (PCLI and kin).
    Country,
    /// A first-level region: state, province, governorate (ADM1).
    Admin1,
    /// A second-level region: US county (ADM2).
    Admin2,
    /// A populated place (GeoNames class P, except sections).
    City,
    /// A section of a populated place (PPLX), or a neighbourhood placed from the text.
    District,
    /// Any other GeoNames feature: river, sea, mountain, region, spot, historical
    /// division (classes H, L, R, S, T, U, V and other A codes), as a GeoNames dump
    /// gives them.
    Feature,
    /// An informal, historical or member-defined region, in the bundled gazetteer:
    /// Darfur, Jutland, the Middle East, the European Union (Natural Earth regions and
    /// the hand-written table `gazetteer/regions.tsv`).
    Area,
    /// A notable physical feature, in the bundled gazetteer: ocean, sea, gulf, river,
    /// lake, island, mountain range, desert (Natural Earth 1:10m).
    Physical,
}

impl PlaceKind {
    /// Parses the `kind` column of the gazetteer file.
    pub fn parse(s: &str) -> Option<PlaceKind> {
        Some(match s {
            "continent" => PlaceKind::Continent,
            "country" => PlaceKind::Country,
            "admin1" => PlaceKind::Admin1,
            "admin2" => PlaceKind::Admin2,
            "city" => PlaceKind::City,
            "district" => PlaceKind::District,
            "feature" => PlaceKind::Feature,
            "area" => PlaceKind::Area,
            "physical" => PlaceKind::Physical,
            _ => return None,
        })
    }

    /// The output layer this kind of place is drawn on.
    pub fn layer(self) -> Layer {
        match self {
            PlaceKind::Continent | PlaceKind::Country => Layer::Countries,
            PlaceKind::Admin1 | PlaceKind::Admin2 | PlaceKind::Feature => Layer::Regions,
            PlaceKind::City => Layer::Cities,
            PlaceKind::District => Layer::Districts,
            PlaceKind::Area => Layer::Areas,
            PlaceKind::Physical => Layer::Physical,
        }
    }
}

/// The GeoJSON layers mentionmap writes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// Continents and countries.
    Countries,
    /// States, provinces, governorates, counties.
    Regions,
    /// Cities, towns, villages.
    Cities,
    /// Districts, neighbourhoods and places estimated from the text.
    Districts,
    /// Informal, historical and member-defined regions (Darfur, the Middle East).
    Areas,
    /// Seas, rivers, lakes, islands, mountains and deserts.
    Physical,
}

impl Layer {
    /// All layers, largest first.
    pub const ALL: [Layer; 6] = [
        Layer::Countries,
        Layer::Regions,
        Layer::Cities,
        Layer::Districts,
        Layer::Areas,
        Layer::Physical,
    ];

    /// The layer's name in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Countries => "countries",
            Layer::Regions => "regions",
            Layer::Cities => "cities",
            Layer::Districts => "districts",
            Layer::Areas => "areas",
            Layer::Physical => "physical",
        }
    }

    /// Parses a layer name.
    pub fn parse(s: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// One gazetteer record.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// GeoNames id where the source has one; synthetic ids start at 9,000,000,000.
    pub id: u64,
    /// The preferred (English) name.
    pub name: String,
    /// What sort of place it is.
    pub kind: PlaceKind,
    /// GeoNames feature code (PPLA, ADM1, PCLI ...).
    pub feature_code: String,
    /// ISO 3166-1 alpha-2 country code; empty for continents.
    pub country_code: String,
    /// GeoNames admin1 code within the country ("09" for Aleppo governorate, "VA").
    pub admin1: String,
    /// Population, 0 when unknown.
    pub population: u64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
}

impl Place {
    /// The place's point as (lon, lat) degrees.
    pub fn lon_lat(&self) -> (f64, f64) {
        (self.lon, self.lat)
    }

    /// True for ids that GeoNames assigned (the synthetic range starts at 9e9).
    pub fn has_geonames_id(&self) -> bool {
        self.id < 9_000_000_000
    }
}

/// Where a gazetteer's places live.
#[derive(Debug)]
pub(crate) enum PlaceStore {
    /// Decoded: read from TSV, built in this process, or a small index file.
    Owned(Vec<Place>),
    /// Records in a mapped index file, decoded when asked for.
    Mapped(records::MappedRecords),
    /// Records in a mapped index, each decoded when first asked for and kept (the
    /// compiled-in bundled gazetteer).
    Kept(kept_records::KeptRecords),
}

/// A loaded gazetteer: places, their names and their points.
#[derive(Debug)]
pub struct Gazetteer {
    places: PlaceStore,
    names: NameIndex,
    spatial: SpatialIndex,
    countries: HashMap<String, u32>,
    admin1: HashMap<(String, String), u32>,
    /// Where it was read from, for metadata ("bundled" or a path).
    source: String,
    /// Attribution lines from the file's header comments.
    attribution: Vec<String>,
    /// Places from the user's own CSV or GeoJSON, as sorted half-open index ranges.
    user_places: Vec<(u32, u32)>,
}

/// The bundled default gazetteer file (gzip TSV), compiled in: what the build script
/// builds the compiled-in index from, and what [`builder::GazetteerBuilder::add_bundled`]
/// reads.
static BUNDLED: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/gazetteer/default.tsv.gz"
));

/// The name of the bundled gazetteer in metadata and errors.
pub(crate) const BUNDLED_NAME: &str = "bundled default gazetteer";

/// The bundled gazetteer's index, built from [`BUNDLED`] by the build script (see the
/// module documentation) and mapped in place by [`Gazetteer::bundled`].
#[cfg(mentionmap_library)]
static BUNDLED_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/bundled.gaz"));

/// The user's mentionmap cache directory: `$MENTIONMAP_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/mentionmap`, else `~/.cache/mentionmap`; `None` when none of these
/// is set. Holds what `gazetteer download` builds.
pub fn cache_dir() -> Option<std::path::PathBuf> {
    use std::env::var_os;
    let nonempty = |v: std::ffi::OsString| (!v.is_empty()).then_some(v);
    var_os("MENTIONMAP_CACHE_DIR")
        .and_then(nonempty)
        .map(std::path::PathBuf::from)
        .or_else(|| {
            var_os("XDG_CACHE_HOME")
                .and_then(nonempty)
                .map(|d| std::path::PathBuf::from(d).join("mentionmap"))
        })
        .or_else(|| {
            var_os("HOME")
                .and_then(nonempty)
                .map(|h| std::path::PathBuf::from(h).join(".cache/mentionmap"))
        })
}

/// File name of the index `mentionmap gazetteer download` writes into the cache
/// directory, which the command line then uses instead of the bundled gazetteer.
pub const DOWNLOADED_INDEX: &str = "geonames.gaz";

/// Where `gazetteer download` puts its index by default (it may not exist yet).
pub fn downloaded_index_path() -> Option<std::path::PathBuf> {
    cache_dir().map(|d| d.join(DOWNLOADED_INDEX))
}

/// The downloaded index when one is present in the cache directory.
pub fn downloaded_index() -> Option<std::path::PathBuf> {
    downloaded_index_path().filter(|p| p.is_file())
}

impl Gazetteer {
    /// The default gazetteer compiled into the library, ready to map: its index was
    /// built at compile time (see the module documentation) and is read in place from
    /// the binary's memory, so no run, not even the first on a fresh machine, builds
    /// or caches anything.
    #[cfg(mentionmap_library)]
    pub fn bundled() -> Result<Gazetteer, Error> {
        index_file::open_static(BUNDLED_INDEX, BUNDLED_NAME)
    }

    /// Reads a gazetteer file: a binary index built by `mentionmap gazetteer build`
    /// (memory-mapped, see [`index_file`]) or a gzip or plain TSV (see
    /// `gazetteer/README.md`), told apart by their first bytes.
    pub fn open(path: &Path) -> Result<Gazetteer, Error> {
        let mut magic = [0u8; 6];
        let n = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut magic))
            .map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?;
        if index_file::is_index(&magic[..n])
            || (n > 0 && n < 6 && index_file::MAGIC.starts_with(&magic[..n]))
        {
            return index_file::open(path);
        }
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        load::from_bytes(&bytes, &path.display().to_string())
    }

    /// Builds a gazetteer from records and their extra names, (place index, name,
    /// kind, all caps, trailing dot). Used by the loader and by tests.
    pub fn from_parts(
        places: Vec<Place>,
        names: NameIndex,
        source: String,
        attribution: Vec<String>,
    ) -> Gazetteer {
        let spatial = SpatialIndex::new(
            places
                .iter()
                .enumerate()
                .map(|(i, p)| (i as u32, p.lon, p.lat)),
        );
        let mut countries = HashMap::new();
        let mut admin1 = HashMap::new();
        for (i, p) in places.iter().enumerate() {
            match p.kind {
                PlaceKind::Country => {
                    countries.entry(p.country_code.clone()).or_insert(i as u32);
                }
                PlaceKind::Admin1 => {
                    admin1
                        .entry((p.country_code.clone(), p.admin1.clone()))
                        .or_insert(i as u32);
                }
                _ => {}
            }
        }
        Gazetteer {
            places: PlaceStore::Owned(places),
            names,
            spatial,
            countries,
            admin1,
            source,
            attribution,
            user_places: Vec::new(),
        }
    }

    /// True when the place at an index came from the user's own CSV or GeoJSON file
    /// (`gazetteer build --csv/--geojson`): put there on purpose.
    pub fn is_user_place(&self, index: u32) -> bool {
        let after = self.user_places.partition_point(|r| r.1 <= index);
        self.user_places.get(after).is_some_and(|r| r.0 <= index)
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        match &self.places {
            PlaceStore::Owned(v) => v.len(),
            PlaceStore::Mapped(m) => m.len(),
            PlaceStore::Kept(k) => k.len(),
        }
    }

    /// True when the gazetteer holds no place.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All places, in index order (decoded one by one from a large index file).
    pub fn iter_places(&self) -> impl ExactSizeIterator<Item = Cow<'_, Place>> + '_ {
        (0..self.len()).map(|i| self.place(i as u32))
    }

    /// The place at an index from a [`Posting`] or a spatial query (below
    /// [`Gazetteer::len`]): borrowed when the places are in memory, decoded from the
    /// mapped record when they are not. Fields read as through a reference
    /// (`gazetteer.place(i).name`); pass `&gazetteer.place(i)` where a `&Place` is due.
    pub fn place(&self, index: u32) -> Cow<'_, Place> {
        match &self.places {
            PlaceStore::Owned(v) => Cow::Borrowed(&v[index as usize]),
            PlaceStore::Mapped(m) => Cow::Owned(m.place(index as usize)),
            PlaceStore::Kept(k) => Cow::Borrowed(k.place(index as usize)),
        }
    }

    /// The kind of the place at an index, without decoding its strings.
    pub fn kind(&self, index: u32) -> PlaceKind {
        match &self.places {
            PlaceStore::Owned(v) => v[index as usize].kind,
            PlaceStore::Mapped(m) => m.kind(index as usize),
            PlaceStore::Kept(k) => k.kind(index as usize),
        }
    }

    /// The population of the place at an index (0 when unknown), without decoding
    /// its strings.
    pub fn population(&self, index: u32) -> u64 {
        match &self.places {
            PlaceStore::Owned(v) => v[index as usize].population,
            PlaceStore::Mapped(m) => m.population(index as usize),
            PlaceStore::Kept(k) => k.population(index as usize),
        }
    }

    /// The country code and admin1 code of the place at an index, borrowed: for maps
    /// keyed by region without a String per candidate.
    pub fn codes(&self, index: u32) -> (&str, &str) {
        match &self.places {
            PlaceStore::Owned(v) => {
                let p = &v[index as usize];
                (&p.country_code, &p.admin1)
            }
            PlaceStore::Mapped(m) => m.codes(index as usize),
            PlaceStore::Kept(k) => k.codes(index as usize),
        }
    }

    /// The folded-name index.
    pub fn names(&self) -> &NameIndex {
        &self.names
    }

    /// The R-tree of place points.
    pub fn spatial(&self) -> &SpatialIndex {
        &self.spatial
    }

    /// The country record for an ISO alpha-2 code.
    pub fn country(&self, code: &str) -> Option<u32> {
        self.countries.get(code).copied()
    }

    /// The admin1 record for a country code and GeoNames admin1 code.
    pub fn admin1(&self, country: &str, admin1: &str) -> Option<u32> {
        self.admin1
            .get(&(country.to_string(), admin1.to_string()))
            .copied()
    }

    /// Where the gazetteer came from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Attribution lines for the data (GeoNames CC BY 4.0 and the other sources).
    pub fn attribution(&self) -> &[String] {
        &self.attribution
    }

    /// Candidates for a name written as in a text, best-known first: the postings of its
    /// folded key, with their places.
    pub fn lookup(&self, name: &str) -> Vec<(Posting, Cow<'_, Place>)> {
        let key = crate::text::fold_name(name);
        self.names
            .get(&key)
            .iter()
            .map(|p| (p, self.place(p.place)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_kinds_parse_and_have_their_own_layers() {
        assert_eq!(
            PlaceKind::parse("physical").map(PlaceKind::layer),
            Some(Layer::Physical)
        );
        assert_eq!(
            PlaceKind::parse("area").map(PlaceKind::layer),
            Some(Layer::Areas)
        );
        assert_eq!(Layer::parse("physical"), Some(Layer::Physical));
        assert_eq!(Layer::parse("areas"), Some(Layer::Areas));
        // GeoNames-dump features keep their kind and layer.
        assert_eq!(PlaceKind::Feature.layer(), Layer::Regions);
        // Code that asks "smaller than a region?" treats the new kinds as it treats
        // features.
        assert!(PlaceKind::Area > PlaceKind::Admin2 && PlaceKind::Physical > PlaceKind::Admin2);
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A tiny hand-made gazetteer of real places for unit tests of later stages.
    use super::*;

    /// Reads a TSV gazetteer from a string.
    pub fn from_tsv(tsv: &str) -> Gazetteer {
        load::from_bytes(tsv.as_bytes(), "test").expect("test gazetteer parses")
    }
}
