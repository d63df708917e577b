//! A user's own places: a CSV or a GeoJSON FeatureCollection of points, added to the
//! builder alone or merged with GeoNames.
//!
//! **CSV**: a header row, then one place per row. Columns are found by name (any
//! order, case-insensitive): `name` (required), `alt_names` (also `alternate_names`,
//! `names`; several names separated by `|` or `;`), `lat`, `lon` (also `latitude`,
//! `longitude`, `lng`), `kind`, `country` (also `country_code`); optional `id` (also
//! `geonameid`), `population`, `admin1`, `feature_code`.
//!
//! **GeoJSON**: Point features whose `properties` hold the same keys (`alt_names` may
//! be an array). Other geometries are an error.
//!
//! `kind` is a mentionmap kind, in any case (`continent`, `country`, `admin1`,
//! `admin2`, `city`, `district`, `feature`), or a GeoNames feature code written in
//! capitals (`PPL`, `PPLX`, `ADM1`, `MT`); it defaults to `city`. Any other word
//! (`town`, `village`) is an error naming the line and the accepted kinds, so that
//! a word never silently becomes a feature code. `country` must be an ISO 3166-1
//! alpha-2 code (`SY`).
//!
//! **Importance**: `population` (people), or `importance` from 0 to 1 for places
//! whose prominence a user knows but whose population is not the point (a camp, a
//! roundabout, a landmark). Importance is stored as a population equivalent,
//! 10^(7 × importance) people (0.5 ≈ 3,000, a village; 0.7 ≈ 80,000, a town; 1 =
//! 10 million, a world city; 0 = no population), because the resolver weighs places
//! by log population: equal steps of importance are equal steps of its prior. A row
//! gives one of the two, not both.
//!
//! A file with no `country` column or no `kind` column is accepted (places get no
//! country code; every place is a city) with a warning the caller shows, since a
//! place without a country loses the resolver's country evidence.
//!
//! A row with a GeoNames id merges its names into that place when the place is
//! present; a row without one gets a synthetic id from 9,200,000,000 up.

use std::path::Path;

use super::builder::{GazetteerBuilder, NamedPlace, SourceReport};
use super::geonames_dump::{class_of_kind, kind_of};
use super::names::NameKind;
use super::{Place, PlaceKind};
use crate::error::Error;

/// The `kind` values accepted besides GeoNames feature codes, as the errors list them.
pub const KINDS: &str = "continent, country, admin1, admin2, city, district, feature";

/// Population equivalent of importance 1, as a power of ten: a world city's 10
/// million people, the top of the range the resolver's log-population prior spans.
const IMPORTANCE_FULL_POPULATION_LOG10: f64 = 7.0;

/// A GeoNames feature code is 1 to 5 capitals and digits (`P`, `MT`, `PPLX`,
/// `ADM1`, `PCLIX`).
const MAX_FEATURE_CODE_LEN: usize = 5;

/// One user place before it enters the builder.
#[derive(Debug, Default)]
struct UserPlace {
    id: Option<u64>,
    name: String,
    alt_names: Vec<String>,
    lat: f64,
    lon: f64,
    kind: String,
    country: String,
    admin1: String,
    population: u64,
    feature_code: String,
}

/// The population equivalent of an importance in 0..=1 (see the module docs).
pub fn population_of_importance(importance: f64) -> Option<u64> {
    if !(0.0..=1.0).contains(&importance) {
        return None;
    }
    if importance == 0.0 {
        return Some(0);
    }
    Some(
        10f64
            .powf(IMPORTANCE_FULL_POPULATION_LOG10 * importance)
            .round() as u64,
    )
}

/// The population of a row from its `population` and `importance` cells (either may
/// be empty).
fn population(population: &str, importance: &str) -> Result<u64, String> {
    match (population.trim(), importance.trim()) {
        ("", "") => Ok(0),
        (p, "") => p
            .parse()
            .map_err(|_| format!("bad population {p:?}: a whole number of people")),
        ("", i) => i
            .parse::<f64>()
            .ok()
            .and_then(population_of_importance)
            .ok_or_else(|| format!("bad importance {i:?}: a number from 0 to 1")),
        _ => Err("give population or importance, not both".into()),
    }
}

/// An error in the user's file: input, not a corrupt gazetteer (exit code 3). `line`
/// is 1-based, 0 when the problem is not on one line.
fn bad(source: &str, line: usize, message: String) -> Error {
    Error::BadInput {
        source_name: if line == 0 {
            source.to_string()
        } else {
            format!("{source} line {line}")
        },
        message,
    }
}

/// [`bad`] with a column as well: `FILE line L column C`.
fn bad_at(source: &str, line: usize, column: usize, message: String) -> Error {
    if line == 0 {
        return bad(source, 0, message);
    }
    Error::BadInput {
        source_name: format!("{source} line {line} column {column}"),
        message,
    }
}

/// The 1-based line and column (in bytes) of byte `offset` of `bytes`.
fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, before.len() - start + 1)
}

/// serde_json's message without its " at line L column C" (the error line already
/// names the place).
fn without_position(e: &serde_json::Error) -> String {
    let m = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    m.strip_suffix(&suffix).map(str::to_string).unwrap_or(m)
}

/// (kind, feature code, class) for a `kind` cell.
fn parse_kind(kind: &str, feature_code: &str) -> Option<(PlaceKind, String, u8)> {
    let k = kind.trim();
    if k.is_empty() {
        let code = if feature_code.is_empty() {
            "PPL"
        } else {
            feature_code
        };
        return Some((PlaceKind::City, code.to_string(), b'P'));
    }
    if let Some(kind) = PlaceKind::parse(&k.to_ascii_lowercase()) {
        let code = if feature_code.is_empty() {
            match kind {
                PlaceKind::Continent => "CONT",
                PlaceKind::Country => "PCLI",
                PlaceKind::Admin1 => "ADM1",
                PlaceKind::Admin2 => "ADM2",
                PlaceKind::City => "PPL",
                PlaceKind::District => "PPLX",
                PlaceKind::Feature => "",
                PlaceKind::Area => "RGN",
                // A physical feature without a code ranks as a large one (river, lake).
                PlaceKind::Physical => "",
            }
        } else {
            feature_code
        };
        return Some((kind, code.to_string(), class_of_kind(kind)));
    }
    // A GeoNames feature code, written in capitals: guess its class from the code's
    // family. A lowercase word that is not a kind is refused, not taken for a code.
    let is_code = k.len() <= MAX_FEATURE_CODE_LEN
        && k.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && k.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !is_code {
        return None;
    }
    let code = k.to_string();
    let class = if code.starts_with("PPL") {
        b'P'
    } else if code.starts_with("ADM") || code.starts_with("PCL") || code == "TERR" {
        b'A'
    } else if code == "CONT" {
        b'L'
    } else {
        b'?'
    };
    Some((kind_of(class, &code), code, class))
}

fn add(
    builder: &mut GazetteerBuilder,
    u: UserPlace,
    source: &str,
    line: usize,
    rep: &mut SourceReport,
) -> Result<(), Error> {
    rep.rows += 1;
    let name = u.name.trim();
    if name.is_empty() {
        return Err(bad(source, line, "empty name".into()));
    }
    if !u.lat.is_finite()
        || !u.lon.is_finite()
        || !(-90.0..=90.0).contains(&u.lat)
        || !(-180.0..=180.0).contains(&u.lon)
    {
        return Err(bad(
            source,
            line,
            format!("point off the globe: lat {}, lon {}", u.lat, u.lon),
        ));
    }
    let (kind, feature_code, class) =
        parse_kind(&u.kind, u.feature_code.trim()).ok_or_else(|| {
            bad(
                source,
                line,
                format!(
                    "unknown kind {:?}: use one of {KINDS}, or a GeoNames feature code in capitals (PPL, PPLX, ADM1, MT)",
                    u.kind.trim()
                ),
            )
        })?;
    let country = u.country.trim().to_ascii_uppercase();
    if !country.is_empty()
        && (country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return Err(bad(
            source,
            line,
            format!(
                "bad country {:?}: a two-letter ISO code (SY, FR)",
                u.country.trim()
            ),
        ));
    }
    let id = match u.id {
        Some(id) => id,
        None => builder.next_synthetic_id(),
    };
    let names = u
        .alt_names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty() && *n != name)
        .map(|n| (n.into(), NameKind::Alternate))
        .collect();
    let np = NamedPlace {
        place: Place {
            id,
            name: name.to_string(),
            kind,
            feature_code,
            country_code: country,
            admin1: u.admin1.trim().to_string(),
            population: u.population,
            lon: u.lon,
            lat: u.lat,
        },
        class,
        names,
    };
    if builder.add_user_place(np) {
        rep.added += 1;
    } else {
        rep.merged += 1;
    }
    Ok(())
}

fn split_names(s: &str) -> Vec<String> {
    s.split(['|', ';'])
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// Warnings about a file that was read but may not say what its author meant (no
/// `country` column, no `kind` column), each one line naming the file.
pub type Warnings = Vec<String>;

/// The warnings for a file lacking a `country` or a `kind` column (or property).
fn missing_column_warnings(source: &str, has_country: bool, has_kind: bool) -> Warnings {
    let mut w = Vec::new();
    if !has_country {
        w.push(format!(
            "{source}: no `country` column: the places get no country code, so a country named in a text does not favour them"
        ));
    }
    if !has_kind {
        w.push(format!(
            "{source}: no `kind` column: every place is a city (kinds: {KINDS}, or a GeoNames feature code)"
        ));
    }
    w
}

/// Reads a CSV of places into the builder; returns warnings for the caller to show.
pub fn add_csv(builder: &mut GazetteerBuilder, path: &Path) -> Result<Warnings, Error> {
    let source = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| bad(&source, 0, format!("cannot read CSV: {e}")))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| bad(&source, 1, format!("bad CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let c_name = col(&["name"]).ok_or_else(|| bad(&source, 1, "no `name` column".into()))?;
    let c_lat =
        col(&["lat", "latitude"]).ok_or_else(|| bad(&source, 1, "no `lat` column".into()))?;
    let c_lon = col(&["lon", "lng", "long", "longitude"])
        .ok_or_else(|| bad(&source, 1, "no `lon` column".into()))?;
    let c_alt = col(&[
        "alt_names",
        "alternate_names",
        "alternatenames",
        "names",
        "alt names",
    ]);
    let c_kind = col(&["kind"]);
    let c_country = col(&["country", "country_code", "cc"]);
    let c_id = col(&["id", "geonameid", "geonames_id"]);
    let c_pop = col(&["population"]);
    let c_importance = col(&["importance"]);
    let c_admin1 = col(&["admin1", "admin1_code"]);
    let c_code = col(&["feature_code"]);
    let mut rep = SourceReport {
        kind: "csv".into(),
        path: source.clone(),
        ..Default::default()
    };
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(&source, line, format!("bad CSV row: {e}")))?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("");
        let num = |c: usize, what: &str| -> Result<f64, Error> {
            get(Some(c))
                .parse::<f64>()
                .map_err(|_| bad(&source, line, format!("bad {what} {:?}", get(Some(c)))))
        };
        let id = match get(c_id) {
            "" => None,
            s => Some(
                s.parse()
                    .map_err(|_| bad(&source, line, format!("bad id {s:?}")))?,
            ),
        };
        let population =
            population(get(c_pop), get(c_importance)).map_err(|m| bad(&source, line, m))?;
        let u = UserPlace {
            id,
            name: get(Some(c_name)).to_string(),
            alt_names: split_names(get(c_alt)),
            lat: num(c_lat, "latitude")?,
            lon: num(c_lon, "longitude")?,
            kind: get(c_kind).to_string(),
            country: get(c_country).to_string(),
            admin1: get(c_admin1).to_string(),
            population,
            feature_code: get(c_code).to_string(),
        };
        add(builder, u, &source, line, &mut rep)?;
    }
    builder.attribute(&format!(
        "User places from {}",
        path.file_name()
            .map_or(source.clone(), |f| f.to_string_lossy().into_owned())
    ));
    builder.report(rep);
    Ok(missing_column_warnings(
        &source,
        c_country.is_some(),
        c_kind.is_some(),
    ))
}

/// Reads a GeoJSON FeatureCollection (or a single Feature) of points into the
/// builder; returns warnings for the caller to show. Errors name the feature by its
/// 1-based position in `features`.
pub fn add_geojson(builder: &mut GazetteerBuilder, path: &Path) -> Result<Warnings, Error> {
    use serde_json::Value;
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: source.clone(),
        source: e,
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let (line, column) = line_column(&bytes, e.valid_up_to());
        bad_at(&source, line, column, "not UTF-8 text".into())
    })?;
    let json_error = |e: serde_json::Error| {
        bad_at(
            &source,
            e.line(),
            e.column(),
            format!("not JSON: {}", without_position(&e)),
        )
    };
    // Each feature is kept as its raw text first, so that an error in it can name
    // the line and column where it starts (a parsed Value has no positions).
    #[derive(serde::Deserialize)]
    struct Top<'a> {
        #[serde(rename = "type")]
        kind: Option<String>,
        #[serde(borrow)]
        features: Option<Vec<&'a serde_json::value::RawValue>>,
    }
    let top: Top = serde_json::from_str(text).map_err(json_error)?;
    let features: Vec<(&str, Value)> = match top.kind.as_deref() {
        Some("FeatureCollection") => top
            .features
            .ok_or_else(|| bad(&source, 0, "FeatureCollection without `features`".into()))?
            .into_iter()
            .map(|raw| {
                let v = serde_json::from_str(raw.get()).map_err(json_error)?;
                Ok((raw.get(), v))
            })
            .collect::<Result<_, Error>>()?,
        Some("Feature") => vec![(text, serde_json::from_str(text).map_err(json_error)?)],
        _ => {
            return Err(bad(
                &source,
                0,
                "not a GeoJSON FeatureCollection or Feature".into(),
            ))
        }
    };
    let mut rep = SourceReport {
        kind: "geojson".into(),
        path: source.clone(),
        ..Default::default()
    };
    let (mut has_country, mut has_kind) = (false, false);
    for (i, (raw, f)) in features.iter().enumerate() {
        // Where the feature starts in the file: `raw` is a slice of `text`.
        let (line, column) = line_column(&bytes, raw.as_ptr() as usize - text.as_ptr() as usize);
        let at = |m: String| bad_at(&source, line, column, format!("feature {}: {m}", i + 1));
        let geom = f.get("geometry").ok_or_else(|| at("no geometry".into()))?;
        if geom.get("type").and_then(Value::as_str) != Some("Point") {
            return Err(at("geometry is not a Point".into()));
        }
        let coords = geom
            .get("coordinates")
            .and_then(Value::as_array)
            .filter(|c| c.len() >= 2)
            .ok_or_else(|| at("bad coordinates".into()))?;
        let (lon, lat) = match (coords[0].as_f64(), coords[1].as_f64()) {
            (Some(lon), Some(lat)) => (lon, lat),
            _ => return Err(at("coordinates are not numbers".into())),
        };
        let empty = serde_json::Map::new();
        let props = f
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let text = |keys: &[&str]| -> String {
            keys.iter()
                .find_map(|k| props.get(*k))
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => String::new(),
                })
                .unwrap_or_default()
        };
        let alt_names = match ["alt_names", "alternate_names", "names"]
            .iter()
            .find_map(|k| props.get(*k))
        {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(Value::String(s)) => split_names(s),
            _ => Vec::new(),
        };
        let id = match ["id", "geonameid"]
            .iter()
            .find_map(|k| props.get(*k))
            .or_else(|| f.get("id"))
        {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_u64().ok_or_else(|| at(format!("bad id {n}")))?),
            Some(Value::String(s)) => Some(s.parse().map_err(|_| at(format!("bad id {s:?}")))?),
            Some(v) => return Err(at(format!("bad id {v}"))),
        };
        has_country |= !text(&["country", "country_code"]).is_empty();
        has_kind |= !text(&["kind"]).is_empty();
        let u = UserPlace {
            id,
            name: text(&["name"]),
            alt_names,
            lat,
            lon,
            kind: text(&["kind"]),
            country: text(&["country", "country_code"]),
            admin1: text(&["admin1"]),
            population: population(&text(&["population"]), &text(&["importance"])).map_err(at)?,
            feature_code: text(&["feature_code"]),
        };
        add(builder, u, &source, 0, &mut rep).map_err(|e| match e {
            Error::BadInput { message, .. } => at(message),
            e => e,
        })?;
    }
    builder.attribute(&format!(
        "User places from {}",
        path.file_name()
            .map_or(source.clone(), |f| f.to_string_lossy().into_owned())
    ));
    builder.report(rep);
    Ok(missing_column_warnings(&source, has_country, has_kind))
}
