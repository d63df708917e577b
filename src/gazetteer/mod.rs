//! The gazetteer: place records, a folded-name index and an R-tree of their points.
//!
//! A gazetteer is read from the TSV format documented in `gazetteer/README.md` (gzip or
//! plain): one row per place with its id (the GeoNames id where there is one), names,
//! abbreviations, demonyms, kind, feature code, country, admin1, population and point.
//! The default gazetteer, built by `gazetteer/build.sh` from registry packages (GeoNames
//! cities500, countries, first-level regions, US counties, continents), is compiled into
//! the library ([`Gazetteer::bundled`]).

pub mod builder;
pub mod geonames_dump;
pub mod index_file;
mod load;
pub mod names;
pub mod spatial;
pub mod user_places;

use std::collections::HashMap;
use std::path::Path;

pub use names::{NameIndex, NameKind, Posting};
pub use spatial::SpatialIndex;

use crate::error::Error;

/// What sort of place a record is. The order runs from the largest to the smallest.
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
    /// division (classes H, L, R, S, T, U, V and other A codes).
    Feature,
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
}

impl Layer {
    /// All layers, largest first.
    pub const ALL: [Layer; 4] = [
        Layer::Countries,
        Layer::Regions,
        Layer::Cities,
        Layer::Districts,
    ];

    /// The layer's name in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Countries => "countries",
            Layer::Regions => "regions",
            Layer::Cities => "cities",
            Layer::Districts => "districts",
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

/// A loaded gazetteer: places, their names and their points.
#[derive(Debug)]
pub struct Gazetteer {
    places: Vec<Place>,
    names: NameIndex,
    spatial: SpatialIndex,
    countries: HashMap<String, u32>,
    admin1: HashMap<(String, String), u32>,
    /// Where it was read from, for metadata ("bundled" or a path).
    source: String,
    /// Attribution lines from the file's header comments.
    attribution: Vec<String>,
}

/// The bundled default gazetteer file (gzip TSV), compiled in.
static BUNDLED: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/gazetteer/default.tsv.gz"
));

impl Gazetteer {
    /// The default gazetteer compiled into the library.
    pub fn bundled() -> Result<Gazetteer, Error> {
        load::from_bytes(BUNDLED, "bundled default gazetteer")
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
            places,
            names,
            spatial,
            countries,
            admin1,
            source,
            attribution,
        }
    }

    /// All places.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The place at an index from a [`Posting`] or a spatial query.
    pub fn place(&self, index: u32) -> &Place {
        &self.places[index as usize]
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
    pub fn lookup(&self, name: &str) -> Vec<(Posting, &Place)> {
        let key = crate::text::fold_name(name);
        self.names
            .get(&key)
            .iter()
            .map(|p| (*p, self.place(p.place)))
            .collect()
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
