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
//! `kind` is a mentionmap kind (`city`, `district`, `admin1`, `feature` ...) or a
//! GeoNames feature code (`PPL`, `PPLX`, `ADM1`, `MT`); it defaults to `city`. A row
//! with a GeoNames id merges its names into that place when the place is present; a
//! row without one gets a synthetic id from 9,200,000,000 up.

use std::path::Path;

use super::builder::{GazetteerBuilder, NamedPlace, SourceReport};
use super::geonames_dump::{class_of_kind, kind_of};
use super::names::NameKind;
use super::{Place, PlaceKind};
use crate::error::Error;

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

fn bad(source: &str, line: usize, message: String) -> Error {
    Error::Gazetteer {
        source_name: source.to_string(),
        line,
        message,
    }
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
    // A GeoNames feature code: guess its class from the code's family.
    let code = k.to_ascii_uppercase();
    let class = if code.starts_with("PPL") {
        b'P'
    } else if code.starts_with("ADM") || code.starts_with("PCL") || code == "TERR" {
        b'A'
    } else if code == "CONT" {
        b'L'
    } else if code.chars().all(|c| c.is_ascii_alphanumeric()) && code.len() <= 6 {
        b'?'
    } else {
        return None;
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
    let (kind, feature_code, class) = parse_kind(&u.kind, u.feature_code.trim())
        .ok_or_else(|| bad(source, line, format!("unknown kind {:?}", u.kind)))?;
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
            country_code: u.country.trim().to_ascii_uppercase(),
            admin1: u.admin1.trim().to_string(),
            population: u.population,
            lon: u.lon,
            lat: u.lat,
        },
        class,
        names,
    };
    if builder.add(np) {
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

/// Reads a CSV of places into the builder.
pub fn add_csv(builder: &mut GazetteerBuilder, path: &Path) -> Result<(), Error> {
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
        let population = match get(c_pop) {
            "" => 0,
            s => s
                .parse()
                .map_err(|_| bad(&source, line, format!("bad population {s:?}")))?,
        };
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
    Ok(())
}

/// Reads a GeoJSON FeatureCollection (or a single Feature) of points into the builder.
pub fn add_geojson(builder: &mut GazetteerBuilder, path: &Path) -> Result<(), Error> {
    use serde_json::Value;
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: source.clone(),
        source: e,
    })?;
    let doc: Value = serde_json::from_slice(&bytes)
        .map_err(|e| bad(&source, e.line(), format!("not JSON: {e}")))?;
    let features: Vec<&Value> = match doc.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => doc
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(&source, 0, "FeatureCollection without `features`".into()))?
            .iter()
            .collect(),
        Some("Feature") => vec![&doc],
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
    for (i, f) in features.into_iter().enumerate() {
        let at = |m: String| bad(&source, 0, format!("feature {i}: {m}"));
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
        let u = UserPlace {
            id,
            name: text(&["name"]),
            alt_names,
            lat,
            lon,
            kind: text(&["kind"]),
            country: text(&["country", "country_code"]),
            admin1: text(&["admin1"]),
            population: props.get("population").and_then(Value::as_u64).unwrap_or(0),
            feature_code: text(&["feature_code"]),
        };
        add(builder, u, &source, 0, &mut rep).map_err(|e| match e {
            Error::Gazetteer { message, .. } => at(message),
            e => e,
        })?;
    }
    builder.attribute(&format!(
        "User places from {}",
        path.file_name()
            .map_or(source.clone(), |f| f.to_string_lossy().into_owned())
    ));
    builder.report(rep);
    Ok(())
}
