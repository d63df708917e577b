//! The gazetteer builder: GeoNames dump-format fixtures, user places, the index file
//! (round trip, corruption, truncation), the CLI, and the real Syrian dump from
//! `../shared` when it is present.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use mentionmap::gazetteer::builder::{Filters, GazetteerBuilder};
use mentionmap::gazetteer::geonames_dump::Lines;
use mentionmap::gazetteer::names::NameKind;
use mentionmap::gazetteer::{index_file, user_places};
use mentionmap::{Gazetteer, Mapper, PlaceKind};

mod common;

use common::shared;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/geonames")
        .join(name)
}

fn geonames(filters: Filters, alternates: bool) -> GazetteerBuilder {
    let mut b = GazetteerBuilder::new(filters);
    b.add_geonames(&fixture("SY-mini.txt"), !alternates)
        .unwrap();
    if alternates {
        b.add_alternate_names(&fixture("alternateNamesV2.txt"))
            .unwrap();
    }
    b
}

fn ids(g: &Gazetteer, name: &str) -> Vec<u64> {
    let mut v: Vec<u64> = g.lookup(name).iter().map(|(_, p)| p.id).collect();
    v.sort();
    v
}

fn place(g: &Gazetteer, id: u64) -> mentionmap::Place {
    g.iter_places()
        .map(|p| p.into_owned())
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no place {id}"))
}

#[test]
fn reads_the_dump_layout_with_its_tricky_rows() {
    let g = geonames(Filters::default(), false)
        .finish()
        .into_gazetteer("t");
    assert_eq!(g.len(), 13);
    // Kinds from feature class and code.
    assert_eq!(place(&g, 170063).kind, PlaceKind::City);
    assert_eq!(place(&g, 170062).kind, PlaceKind::Admin1);
    assert_eq!(place(&g, 163843).kind, PlaceKind::Country);
    assert_eq!(place(&g, 7910991).kind, PlaceKind::District, "PPLX");
    assert_eq!(place(&g, 169389).kind, PlaceKind::Admin2);
    assert_eq!(place(&g, 169115).kind, PlaceKind::Feature, "river");
    assert_eq!(place(&g, 173334).kind, PlaceKind::Feature, "mountain");
    assert_eq!(place(&g, 6255147).kind, PlaceKind::Continent);
    assert_eq!(place(&g, 11000001).kind, PlaceKind::Feature, "empty class");
    // Empty population is 0; a population above 2^31 survives.
    assert_eq!(place(&g, 169933).population, 0);
    assert_eq!(place(&g, 6255147).population, 3_812_366_000);
    // Names: preferred with diacritics, ASCII name, many alternates in many scripts.
    assert_eq!(ids(&g, "Handarat"), [169933]);
    assert_eq!(ids(&g, "Ḩandarāt"), [169933]);
    assert_eq!(ids(&g, "حندرات"), [169933]);
    for n in ["Halab", "حلب", "Алепо", "アレッポ", "Χαλέπι", "Hələb"] {
        assert!(ids(&g, n).contains(&170063), "{n}");
    }
    assert_eq!(ids(&g, "Euphrates"), [169115]);
    assert_eq!(ids(&g, "Syria"), [163843]);
    assert_eq!(g.country("SY").map(|i| g.place(i).id), Some(163843));
    assert_eq!(g.admin1("SY", "09").map(|i| g.place(i).id), Some(170062));
    assert!(g
        .attribution()
        .iter()
        .any(|a| a.contains("GeoNames") && a.contains("CC BY 4.0")));
    // The R-tree holds every point.
    let near: Vec<u64> = g
        .spatial()
        .within_km(37.16086, 36.28888, 1.0)
        .iter()
        .map(|(i, _)| g.place(*i).id)
        .collect();
    assert_eq!(near, [169933]);
}

#[test]
fn filters_by_class_population_and_country() {
    let only = |f: Filters| {
        let mut v: Vec<u64> = geonames(f, false)
            .finish()
            .places
            .iter()
            .map(|p| p.id)
            .collect();
        v.sort();
        v
    };
    let p = only(Filters {
        feature_classes: Some(vec!["P".into()]),
        ..Default::default()
    });
    assert_eq!(p, [98182, 169933, 170063, 7910991, 11000002]);
    let big = only(Filters {
        min_population: 5_000_000,
        ..Default::default()
    });
    assert_eq!(big, [98182, 99237, 163843, 6255147]);
    let iq = only(Filters {
        countries: Some(vec!["iq".into()]),
        ..Default::default()
    });
    assert_eq!(iq, [98182, 99237]);
    let both = only(Filters {
        feature_classes: Some(vec!["p".into(), "A".into()]),
        countries: Some(vec!["SY".into()]),
        min_population: 1,
        ..Default::default()
    });
    assert_eq!(both, [163843, 170062, 170063]);
}

#[test]
fn alternate_names_file_languages_and_pseudo_languages() {
    let g = geonames(Filters::default(), true)
        .finish()
        .into_gazetteer("t");
    // The English preferred name becomes the place's name.
    assert_eq!(place(&g, 169933).name, "Handarat");
    assert_eq!(
        ids(&g, "Ḩandarāt"),
        [169933],
        "the old name stays as an alternate"
    );
    // Links, Wikidata ids, IATA, postal and UN/LOCODE codes are not names.
    assert!(g.lookup("Q41183").is_empty());
    assert!(g.lookup("21000").is_empty());
    assert!(g.lookup("IQBGW").is_empty());
    assert!(g.lookup("https://en.wikipedia.org/wiki/Aleppo").is_empty());
    // With the alternate-names file, the dump's alternatenames column is not used:
    // ALP came only from there (and as an IATA code, which is skipped).
    assert!(g.lookup("ALP").is_empty());
    // abbr → abbreviation; historic names are kept; no-language names are kept.
    let syr = g.lookup("SYR");
    assert_eq!(syr.len(), 1);
    assert_eq!(syr[0].0.kind, NameKind::Abbreviation);
    assert_eq!(ids(&g, "Beroea"), [170063]);
    assert_eq!(ids(&g, "Alep-la-Républicaine"), [170063]);
    assert_eq!(ids(&g, "Halab"), [170063]);

    // --languages en,ar: French and German go, Arabic and unlabelled stay.
    let g = geonames(
        Filters {
            languages: Some(vec!["en".into(), "ar".into()]),
            ..Default::default()
        },
        true,
    )
    .finish()
    .into_gazetteer("t");
    assert!(g.lookup("Alep").is_empty());
    assert!(g.lookup("Bagdad").is_empty());
    assert_eq!(ids(&g, "حلب"), [170063]);
    assert_eq!(ids(&g, "Halab"), [170063]);
    assert_eq!(ids(&g, "Syrian Arab Republic"), [163843]);
}

#[test]
fn admin1_country_info_and_hierarchy() {
    let mut b = geonames(Filters::default(), false);
    b.add_admin1_codes(&fixture("admin1CodesASCII.txt"))
        .unwrap();
    b.add_country_info(&fixture("countryInfo.txt")).unwrap();
    b.add_hierarchy(&fixture("hierarchy.txt")).unwrap();
    let built = b.finish();
    assert_eq!(
        built.meta.admin1_names.get("SY.09").map(String::as_str),
        Some("Aleppo")
    );
    assert_eq!(
        built.meta.admin1_names.get("IQ.07").map(String::as_str),
        Some("Baghdad")
    );
    assert_eq!(
        built.meta.country_names.get("IQ").map(String::as_str),
        Some("Iraq")
    );
    let g = built.into_gazetteer("t");
    // admin1CodesASCII's name "Aleppo" is now also a name of the governorate.
    assert_eq!(ids(&g, "Aleppo"), [170062, 170063]);
    // hierarchy.txt gave the orphan its admin1 code.
    assert_eq!(place(&g, 11000002).admin1, "09");
}

#[test]
fn user_places_alone_and_merged_by_id() {
    let mut b = GazetteerBuilder::default();
    user_places::add_csv(&mut b, &fixture("user-places.csv")).unwrap();
    user_places::add_geojson(&mut b, &fixture("user-places.geojson")).unwrap();
    let g = b.finish().into_gazetteer("t");
    assert_eq!(g.len(), 5);
    assert_eq!(place(&g, 169933).kind, PlaceKind::City);
    let castello = &g.lookup("دوار الكاستيلو")[0].1;
    assert_eq!(
        (castello.kind, castello.lat, castello.lon),
        (PlaceKind::District, 36.2406, 37.1533)
    );
    assert!(castello.id >= 9_200_000_000 && !castello.has_geonames_id());
    assert_eq!(
        g.lookup("Kindi Hospital")[0].1.kind,
        PlaceKind::Feature,
        "a feature code as kind"
    );
    assert_eq!(g.lookup("الراموسة")[0].1.lon_lat(), (37.1422, 36.2311));
    assert_eq!(g.lookup("1070 Apartment Project")[0].1.admin1, "09");

    // Merged after GeoNames: same id adds names, new ids are added.
    let mut b = geonames(Filters::default(), false);
    user_places::add_csv(&mut b, &fixture("user-places.csv")).unwrap();
    let g = b.finish().into_gazetteer("t");
    assert_eq!(g.len(), 15);
    assert_eq!(ids(&g, "Handarat Camp"), [169933]);
    assert_eq!(place(&g, 169933).population, 0);
}

#[test]
fn user_place_errors_name_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.csv");
    std::fs::write(&p, "name,lat,lon\nGood,1,2\nBad,north,2\n").unwrap();
    let e = user_places::add_csv(&mut GazetteerBuilder::default(), &p)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3") && e.contains("latitude"), "{e}");
    std::fs::write(&p, "name,lat,lon\nFar,91,2\n").unwrap();
    assert!(user_places::add_csv(&mut GazetteerBuilder::default(), &p).is_err());
    let j = dir.path().join("bad.geojson");
    std::fs::write(&j, r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]},"properties":{"name":"x"}}]}"#).unwrap();
    let e = user_places::add_geojson(&mut GazetteerBuilder::default(), &j)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a Point"), "{e}");
}

/// A kind that is neither a mentionmap kind nor a GeoNames code in capitals is an
/// error naming the line and the accepted kinds, never a made-up feature code.
#[test]
fn user_place_kinds_are_checked_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kinds.csv");
    std::fs::write(
        &p,
        "name,lat,lon,kind,country\nAleppo,36.2,37.16,City,SY\nAzaz,36.58,37.04,town,SY\n",
    )
    .unwrap();
    let e = user_places::add_csv(&mut GazetteerBuilder::default(), &p)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3") && e.contains("\"town\""), "{e}");
    assert!(e.contains(user_places::KINDS), "{e}");
    // Feature codes count in capitals only; a country must be an ISO code.
    for (row, needle) in [
        ("Azaz,36.58,37.04,Town,SY", "unknown kind"),
        ("Azaz,36.58,37.04,ppl,SY", "unknown kind"),
        ("Azaz,36.58,37.04,PPL,Syria", "bad country"),
    ] {
        std::fs::write(&p, format!("name,lat,lon,kind,country\n{row}\n")).unwrap();
        let e = user_places::add_csv(&mut GazetteerBuilder::default(), &p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains(needle), "{row}: {e}");
    }
    std::fs::write(&p, "name,lat,lon,kind,country\nAzaz,36.58,37.04,PPLA2,sy\n").unwrap();
    let mut b = GazetteerBuilder::default();
    assert!(user_places::add_csv(&mut b, &p).unwrap().is_empty());
    let g = b.finish().into_gazetteer("t");
    let azaz = &g.lookup("Azaz")[0].1;
    assert_eq!(
        (
            azaz.kind,
            azaz.feature_code.as_str(),
            azaz.country_code.as_str()
        ),
        (PlaceKind::City, "PPLA2", "SY")
    );
}

/// A file without `country` or `kind` columns is read, with one warning for each.
#[test]
fn user_places_without_country_or_kind_warn() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bare.csv");
    std::fs::write(&p, "name,lat,lon\nCastello Roundabout,36.2406,37.1533\n").unwrap();
    let mut b = GazetteerBuilder::default();
    let w = user_places::add_csv(&mut b, &p).unwrap();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].contains("no `country` column") && w[1].contains("no `kind` column"),
        "{w:?}"
    );
    assert_eq!(b.len(), 1);
    let j = dir.path().join("bare.geojson");
    std::fs::write(&j, r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[37.15,36.24]},"properties":{"name":"Castello","kind":"district"}}]}"#).unwrap();
    let w = user_places::add_geojson(&mut GazetteerBuilder::default(), &j).unwrap();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("no `country`"), "{w:?}");
}

/// `importance` (0-1) becomes a population equivalent on a log scale, so that it
/// ranks a user's place as the resolver ranks populations.
#[test]
fn user_place_importance_is_a_population_equivalent() {
    assert_eq!(user_places::population_of_importance(0.0), Some(0));
    assert_eq!(user_places::population_of_importance(1.0), Some(10_000_000));
    assert_eq!(user_places::population_of_importance(0.5), Some(3_162));
    assert_eq!(user_places::population_of_importance(1.5), None);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("camps.csv");
    std::fs::write(
        &p,
        "name,lat,lon,kind,country,importance\nHandarat Camp,36.2889,37.1609,district,SY,0.6\nTiny Camp,36.3,37.2,district,SY,0.1\n",
    )
    .unwrap();
    let mut b = GazetteerBuilder::default();
    user_places::add_csv(&mut b, &p).unwrap();
    let g = b.finish().into_gazetteer("t");
    let pop = |n: &str| g.lookup(n)[0].1.population;
    assert_eq!(pop("Handarat Camp"), 15_849);
    assert!(pop("Handarat Camp") > pop("Tiny Camp"));
    // Out of range, not a number, or given with a population: errors with the line.
    for (cells, needle) in [("1.2", "bad importance"), ("high", "bad importance")] {
        std::fs::write(&p, format!("name,lat,lon,importance\nX,1,2,{cells}\n")).unwrap();
        let e = user_places::add_csv(&mut GazetteerBuilder::default(), &p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains(needle), "{e}");
    }
    std::fs::write(&p, "name,lat,lon,population,importance\nX,1,2,500,0.5\n").unwrap();
    let e = user_places::add_csv(&mut GazetteerBuilder::default(), &p)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not both"), "{e}");
    // GeoJSON: the same property.
    let j = dir.path().join("camps.geojson");
    std::fs::write(&j, r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[37.16,36.29]},"properties":{"name":"Handarat Camp","kind":"district","country":"SY","importance":0.6}}]}"#).unwrap();
    let mut b = GazetteerBuilder::default();
    user_places::add_geojson(&mut b, &j).unwrap();
    assert_eq!(
        b.finish().into_gazetteer("t").lookup("Handarat Camp")[0]
            .1
            .population,
        15_849
    );
}

#[test]
fn malformed_dump_rows_are_errors_with_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(fixture("SY-mini.txt")).unwrap();
    for (what, bad) in [
        ("latitude", good.replacen("36.20124", "north", 1)),
        ("off the globe", good.replacen("36.20124", "136.2", 1)),
        ("columns", good.replacen("\t2024-01-01\n", "\n", 1)),
        ("population", good.replacen("1602264", "many", 1)),
    ] {
        let p = dir.path().join("bad.txt");
        std::fs::write(&p, bad).unwrap();
        let e = GazetteerBuilder::default()
            .add_geonames(&p, true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1") && e.contains(what), "{what}: {e}");
    }
}

/// A zip archive holding `readme.txt` and one deflated member, as GeoNames ships them.
fn zip_of(member: &str, data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    let deflated = enc.finish().unwrap();
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mut count = 0u16;
    for (name, method, raw, stored) in [
        ("readme.txt", 0u16, &b"read me"[..], &b"read me"[..]),
        (member, 8, data, &deflated[..]),
    ] {
        let offset = out.len() as u32;
        let crc = crc32fast::hash(raw);
        let mut h = Vec::new();
        h.extend_from_slice(&20u16.to_le_bytes()); // version needed
        h.extend_from_slice(&0u16.to_le_bytes()); // flags
        h.extend_from_slice(&method.to_le_bytes());
        h.extend_from_slice(&[0, 0, 0, 0]); // time, date
        h.extend_from_slice(&crc.to_le_bytes());
        h.extend_from_slice(&(stored.len() as u32).to_le_bytes());
        h.extend_from_slice(&(raw.len() as u32).to_le_bytes());
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&h);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(stored);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        central.extend_from_slice(&h);
        central.extend_from_slice(&[0u8; 10]); // comment length, disk, internal and external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
        count += 1;
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn reads_zip_and_gzip_dumps() {
    let dir = tempfile::tempdir().unwrap();
    let data = std::fs::read(fixture("SY-mini.txt")).unwrap();
    let zip = dir.path().join("SY.zip");
    std::fs::write(&zip, zip_of("SY.txt", &data)).unwrap();
    let mut b = GazetteerBuilder::default();
    b.add_geonames(&zip, true).unwrap();
    assert_eq!(b.len(), 13);
    let gz = dir.path().join("SY.txt.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &data).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let mut b = GazetteerBuilder::default();
    b.add_geonames(&gz, true).unwrap();
    assert_eq!(b.len(), 13);
    // A truncated zip is an error, not a panic.
    let bytes = std::fs::read(&zip).unwrap();
    std::fs::write(&zip, &bytes[..bytes.len() - 30]).unwrap();
    assert!(GazetteerBuilder::default()
        .add_geonames(&zip, true)
        .is_err());
}

fn build_index(dir: &Path) -> (PathBuf, Gazetteer) {
    let mut b = geonames(Filters::default(), true);
    b.add_admin1_codes(&fixture("admin1CodesASCII.txt"))
        .unwrap();
    b.add_country_info(&fixture("countryInfo.txt")).unwrap();
    user_places::add_csv(&mut b, &fixture("user-places.csv")).unwrap();
    let built = b.finish();
    let path = dir.join("sy.gaz");
    let summary = index_file::write(&path, &built).unwrap();
    assert_eq!(summary.places, built.places.len());
    (path, built.into_gazetteer("memory"))
}

#[test]
fn index_round_trip_matches_the_in_memory_gazetteer() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mem) = build_index(dir.path());
    let g = Gazetteer::open(&path).unwrap();
    assert!(g.iter_places().eq(mem.iter_places()));
    assert_eq!(g.attribution(), mem.attribution());
    assert_eq!(g.names().len(), mem.names().len());
    for n in [
        "Aleppo",
        "حلب",
        "Handarat",
        "SYR",
        "Castello",
        "Euphrates",
        "Asia",
        "nowhere",
    ] {
        let a: Vec<_> = g.lookup(n).iter().map(|(p, pl)| (*p, pl.id)).collect();
        let b: Vec<_> = mem.lookup(n).iter().map(|(p, pl)| (*p, pl.id)).collect();
        assert_eq!(a, b, "{n}");
    }
    assert_eq!(
        g.spatial().nearest(37.16, 36.2, 3),
        mem.spatial().nearest(37.16, 36.2, 3)
    );
    let info = index_file::info(&path).unwrap();
    assert_eq!(
        info.meta.country_names.get("SY").map(String::as_str),
        Some("Syria")
    );
    assert_eq!(info.classes.iter().filter(|c| **c == b'P').count(), 6);
    assert!(!info.meta.built_at.is_empty());
}

/// Everything a caller can ask a gazetteer, for comparing two of them.
fn answers(g: &Gazetteer) -> String {
    let mut out = format!("{}\n", g.len());
    for p in g.iter_places() {
        out += &format!("{p:?}\n");
    }
    for n in [
        "Aleppo", "حلب", "SYR", "Syrian", "Handarat", "Iraq", "nowhere",
    ] {
        out += &format!("{n}: {:?}\n", g.lookup(n));
    }
    for (lon, lat, km) in [
        (37.16, 36.2, 50.0),
        (44.4, 33.3, 500.0),
        (179.9, 0.0, 20_000.0),
    ] {
        out += &format!("{:?}\n", g.spatial().within_km(lon, lat, km));
        out += &format!("{:?}\n", g.spatial().nearest(lon, lat, 3));
    }
    for cc in ["SY", "IQ", "US", ""] {
        out += &format!("{cc}: {:?}\n", g.country(cc));
        for a1 in ["09", "07", "01", ""] {
            out += &format!("{cc}.{a1}: {:?}\n", g.admin1(cc, a1));
        }
    }
    out
}

#[test]
fn eager_and_lazy_records_answer_as_the_in_memory_gazetteer() {
    use index_file::RecordLoading;
    let dir = tempfile::tempdir().unwrap();
    let (path, mem) = build_index(dir.path());
    let want = answers(&mem);
    for loading in [
        RecordLoading::Eager,
        RecordLoading::Lazy,
        RecordLoading::Kept,
        RecordLoading::Auto,
    ] {
        let (g, _) = index_file::open_with(&path, loading).unwrap();
        assert_eq!(answers(&g), want, "{loading:?}");
        // Asked twice: a kept record answers as the first decoding did.
        assert_eq!(answers(&g), want, "{loading:?}");
        assert_eq!(g.kind(0), mem.kind(0));
        assert_eq!(g.population(0), mem.population(0));
    }
}

/// The file with one section's bytes changed and both checksums recomputed, so
/// that only the structure checks can catch it.
fn with_section_changed(good: &[u8], tag: &[u8; 4], change: impl Fn(&mut [u8])) -> Vec<u8> {
    let mut b = good.to_vec();
    let count = u32::from_le_bytes(b[12..16].try_into().unwrap()) as usize;
    let entry = (0..count)
        .map(|i| 32 + i * 24)
        .find(|&t| &b[t..t + 4] == tag)
        .expect("section present");
    let off = u64::from_le_bytes(b[entry + 8..entry + 16].try_into().unwrap()) as usize;
    let len = u64::from_le_bytes(b[entry + 16..entry + 24].try_into().unwrap()) as usize;
    change(&mut b[off..off + len]);
    let body = crc32fast::hash(&b[32..]);
    b[24..28].copy_from_slice(&body.to_le_bytes());
    let header = crc32fast::hash(&b[..28]);
    b[28..32].copy_from_slice(&header.to_le_bytes());
    b
}

#[test]
fn corrupt_sections_with_good_checksums_are_errors_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = build_index(dir.path());
    let good = std::fs::read(&path).unwrap();
    let bad = dir.path().join("bad.gaz");
    let open = |bytes: Vec<u8>| {
        std::fs::write(&bad, bytes).unwrap();
        Gazetteer::open(&bad).map(|_| ()).unwrap_err().to_string()
    };
    let set_u32 =
        |at: usize, v: u32| move |s: &mut [u8]| s[at..at + 4].copy_from_slice(&v.to_le_bytes());
    type Change = Box<dyn Fn(&mut [u8])>;
    let cases: Vec<(&[u8; 4], Change, &str)> = vec![
        // The tree: its levels (so children would fall outside), a point's place, a box.
        (b"TREE", Box::new(set_u32(4, 9)), "spatial tree"),
        (
            b"TREE",
            Box::new(set_u32(16 + 8, 1_000_000)),
            "spatial tree",
        ),
        (
            b"TREE",
            Box::new(|s: &mut [u8]| {
                let n = s.len();
                s[n - 2] ^= 1
            }),
            "spatial tree",
        ),
        // A record's kind, point and string id.
        (b"RECS", Box::new(|s: &mut [u8]| s[40] = 9), "record 0"),
        (b"RECS", Box::new(set_u32(48 + 20, 950_000_000)), "record 1"),
        (b"RECS", Box::new(set_u32(24, u32::MAX)), "record 0"),
        // Strings split inside a character, or not UTF-8.
        (b"STRS", Box::new(|s: &mut [u8]| s[0] = 0xff), "UTF-8"),
        (b"STRX", Box::new(set_u32(0, 1)), "string offsets"),
        // Postings naming no place, offsets out of order.
        (b"POST", Box::new(set_u32(0, u32::MAX)), "posting refers"),
        (b"OFFS", Box::new(set_u32(4, u32::MAX)), "offsets"),
        // The region list: out of range, or naming a city.
        (b"RGNS", Box::new(set_u32(0, u32::MAX)), "region list"),
    ];
    for (tag, change, says) in cases {
        let e = open(with_section_changed(&good, tag, change));
        assert!(
            e.contains("corrupt gazetteer") && e.contains(says),
            "{tag:?}: {e}"
        );
    }
}

#[test]
fn corrupt_or_truncated_index_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = build_index(dir.path());
    let good = std::fs::read(&path).unwrap();
    let bad = dir.path().join("bad.gaz");
    let open = |bytes: &[u8]| {
        std::fs::write(&bad, bytes).unwrap();
        Gazetteer::open(&bad).map(|_| ()).unwrap_err().to_string()
    };
    // A flipped byte anywhere: header or body.
    for pos in [
        0usize,
        5,
        8,
        16,
        24,
        29,
        40,
        100,
        good.len() / 3,
        good.len() / 2,
        good.len() - 1,
    ] {
        let mut b = good.clone();
        b[pos] ^= 0x40;
        let e = open(&b);
        assert!(e.contains("corrupt gazetteer"), "flip at {pos}: {e}");
    }
    let mut b = good.clone();
    b[good.len() / 2] ^= 1;
    assert!(open(&b).contains("checksum"));
    // Cut anywhere.
    for len in [
        0usize,
        3,
        6,
        31,
        32,
        33,
        200,
        good.len() / 2,
        good.len() - 1,
    ] {
        let e = open(&good[..len]);
        assert!(e.contains("corrupt gazetteer"), "cut at {len}: {e}");
    }
    assert!(open(&good[..good.len() / 2]).contains("truncated"));
    // Extra bytes, another version.
    let mut b = good.clone();
    b.push(0);
    assert!(open(&b).contains("extended"));
    for (version, says) in [(2u32, "older mentionmap: rebuild it"), (4, "newer")] {
        let mut b = good.clone();
        b[8..12].copy_from_slice(&version.to_le_bytes());
        let crc = crc32fast::hash(&b[..28]);
        b[28..32].copy_from_slice(&crc.to_le_bytes());
        let e = open(&b);
        assert!(e.contains(&format!("format version {version}")), "{e}");
        assert!(e.contains(says), "{e}");
    }
    // Still fine after all that.
    assert!(Gazetteer::open(&path).is_ok());
}

#[test]
fn bundled_tsv_goes_through_the_builder_and_the_index() {
    // One code path: the bundled default, rebuilt as an index, answers as the bundled.
    let bundled = Gazetteer::bundled().unwrap();
    let mut b = GazetteerBuilder::default();
    b.add_bundled().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("default.gaz");
    let mut built = b.finish();
    // As the build script does (its build time is SOURCE_DATE_EPOCH's, 1970 unset).
    built.meta.built_at = mentionmap::gazetteer::builder::utc_at(
        option_env!("SOURCE_DATE_EPOCH").map_or(0, |s| s.parse().unwrap()),
    );
    index_file::write(&path, &built).unwrap();
    // The compiled-in index is byte for byte what the builder writes at run time.
    let compiled_in = std::fs::read(concat!(env!("OUT_DIR"), "/bundled.gaz")).unwrap();
    assert!(
        std::fs::read(&path).unwrap() == compiled_in,
        "the compiled-in index differs from the builder's"
    );
    let t = std::time::Instant::now();
    let g = Gazetteer::open(&path).unwrap();
    eprintln!(
        "default index: {} places opened in {:?}",
        g.len(),
        t.elapsed()
    );
    assert!(g.iter_places().eq(bundled.iter_places()));
    for n in ["Aleppo", "Washington", "U.S.", "Syrian", "Paris"] {
        let a: Vec<_> = g.lookup(n).iter().map(|(p, pl)| (*p, pl.id)).collect();
        let b: Vec<_> = bundled
            .lookup(n)
            .iter()
            .map(|(p, pl)| (*p, pl.id))
            .collect();
        assert_eq!(a, b, "{n}");
    }
    // The TSV file itself builds the same way.
    let mut b = GazetteerBuilder::default();
    b.add_tsv(
        Lines::open(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("gazetteer/default.tsv.gz"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(b.len(), bundled.len());
}

#[test]
fn cli_build_and_info() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sy.gaz");
    let f = |n: &str| fixture(n).display().to_string();
    let status = Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .args([
            "gazetteer",
            "build",
            "--geonames",
            &f("SY-mini.txt"),
            "--alternate-names",
            &f("alternateNamesV2.txt"),
        ])
        .args([
            "--admin1",
            &f("admin1CodesASCII.txt"),
            "--country-info",
            &f("countryInfo.txt"),
            "--hierarchy",
            &f("hierarchy.txt"),
        ])
        .args([
            "--geojson",
            &f("user-places.geojson"),
            "--languages",
            "en,ar",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let info = Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .args(["gazetteer", "info"])
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success());
    for want in [
        "format version 3",
        "places      15",
        "P city, village",
        "H stream",
        "SY  Syria",
        "IQ  Iraq",
        "CC BY 4.0",
        "alternate-names",
        "languages        en,ar",
        "built ",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let resolve = Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .arg("--gazetteer")
        .arg(&out)
        .args(["resolve", "حندرات", "--json"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&resolve.stdout).contains("169933"));
    // Country filter and a clear error on a corrupt index.
    let status = Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .args([
            "gazetteer",
            "build",
            "--geonames",
            &f("SY-mini.txt"),
            "--countries",
            "IQ",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success());
    let mut bytes = std::fs::read(&out).unwrap();
    let n = bytes.len();
    bytes.truncate(n - 10);
    std::fs::write(&out, bytes).unwrap();
    let r = Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .arg("--gazetteer")
        .arg(&out)
        .args(["resolve", "Baghdad"])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&r.stderr).contains("truncated"));
}

#[test]
fn syrian_dump_merged_with_default_places_handarat_at_its_point() {
    let (Some(dump), Some(article)) = (
        shared("gazetteer/SY-whosonfirst.geonames.txt"),
        shared("examples/aleppo-2016.txt"),
    ) else {
        return;
    };
    let mut b = GazetteerBuilder::default();
    b.add_bundled().unwrap();
    b.add_geonames(&dump, true).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("default+sy.gaz");
    index_file::write(&path, &b.finish()).unwrap();
    let g = Arc::new(Gazetteer::open(&path).unwrap());
    let text = std::fs::read_to_string(article).unwrap();
    let doc = Mapper::new(g.clone()).map(&text);
    let handarat = doc
        .places
        .iter()
        .find(|p| p.name.contains("Handarat") || p.place.is_some_and(|i| g.place(i).id == 169933))
        .expect("Handarat is mapped");
    let id = handarat.place.map(|i| g.place(i).id);
    assert_eq!(id, Some(169933), "{handarat:?}");
    assert_eq!(handarat.lon_lat, (37.16086, 36.28888));
    assert_eq!(
        format!("{:?}", handarat.method).to_lowercase(),
        "gazetteer",
        "{handarat:?}"
    );
}
