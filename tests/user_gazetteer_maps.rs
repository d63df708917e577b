//! A user's own gazetteer maps its places (issue #13, item 1): places without a
//! population pass the threshold when the text names them plainly. Made-up names, so
//! that nothing but the user's file can supply them; the real Syrian dump from
//! `../shared` when it is present.

use std::path::Path;

mod common;

use common::{mentionmap, shared};

const CSV: &str = "name,alt_names,lat,lon,kind,country\n\
Zorbleton,Zorbl,51.5,-1.2,city,GB\n\
Quimbly Heath,,52.1,-0.7,district,GB\n";

const GEOJSON: &str = r#"{"type": "FeatureCollection", "features": [
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-1.2, 51.5]},
  "properties": {"name": "Zorbleton", "alt_names": ["Zorbl"], "kind": "city", "country": "GB"}},
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-0.7, 52.1]},
  "properties": {"name": "Quimbly Heath", "kind": "district", "country": "GB"}}]}"#;

const STORY: &str =
    "Protesters gathered in Zorbleton on Saturday, then marched to Quimbly Heath near Oxford.";

/// `mentionmap gazetteer build <args> -o <out>`, asserting success.
fn build(args: &[&str], out: &Path) {
    let o = mentionmap()
        .args(["gazetteer", "build"])
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The places `map --format geojson` finds in `text` (or in the file `text` names
/// when `file` is true): (name, GeoNames id, [lon, lat]).
/// `None` maps with the bundled gazetteer.
fn map(gazetteer: Option<&Path>, text: &str, file: bool) -> Vec<(String, Option<u64>, [f64; 2])> {
    use std::io::Write;
    let mut cmd = mentionmap();
    match gazetteer {
        Some(g) => cmd.arg("--gazetteer").arg(g),
        None => cmd.arg("--bundled-gazetteer"),
    };
    cmd.arg("map");
    if file {
        cmd.arg(text);
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if !file {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (
                f["properties"]["name"].as_str().unwrap().to_string(),
                f["properties"]["geonameid"].as_u64(),
                [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()],
            )
        })
        .collect()
}

fn point_of(found: &[(String, Option<u64>, [f64; 2])], name: &str) -> Option<[f64; 2]> {
    found.iter().find(|f| f.0 == name).map(|f| f.2)
}

#[test]
fn made_up_places_from_csv_and_geojson_map_alone_and_with_the_bundled_places() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mine.csv");
    let geojson = dir.path().join("mine.geojson");
    std::fs::write(&csv, CSV).unwrap();
    std::fs::write(&geojson, GEOJSON).unwrap();
    for (flag, file) in [("--csv", &csv), ("--geojson", &geojson)] {
        let file = file.to_str().unwrap();
        let alone = dir.path().join("alone.gaz");
        build(&[flag, file], &alone);
        let found = map(Some(&alone), STORY, false);
        assert_eq!(
            point_of(&found, "Zorbleton"),
            Some([-1.2, 51.5]),
            "{flag}: {found:?}"
        );
        assert_eq!(
            point_of(&found, "Quimbly Heath"),
            Some([-0.7, 52.1]),
            "{flag}: {found:?}"
        );

        let merged = dir.path().join("merged.gaz");
        build(&["--bundled", flag, file], &merged);
        let found = map(Some(&merged), STORY, false);
        assert_eq!(
            point_of(&found, "Zorbleton"),
            Some([-1.2, 51.5]),
            "{flag}: {found:?}"
        );
        assert!(
            point_of(&found, "Oxford")
                .is_some_and(|[lon, lat]| (lon + 1.26).abs() < 0.1 && (lat - 51.75).abs() < 0.1),
            "{flag}: the bundled Oxford stays: {found:?}"
        );
        // Near Oxford, Quimbly Heath is the user's place or placed beside Oxford;
        // either way it is on the map.
        assert!(
            point_of(&found, "Quimbly Heath").is_some(),
            "{flag}: {found:?}"
        );
    }
}

#[test]
fn a_user_place_shadows_a_small_bundled_namesake_but_not_a_capital() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mine.csv");
    // A Banbury and a Paris of the user's own, in Canada (made-up points).
    std::fs::write(
        &csv,
        "name,lat,lon,kind,country\nBanbury,49.1,-97.3,city,CA\nParis,49.3,-97.6,city,CA\n",
    )
    .unwrap();
    let merged = dir.path().join("merged.gaz");
    build(&["--bundled", "--csv", csv.to_str().unwrap()], &merged);
    let found = map(Some(&merged), "Volunteers met in Banbury on Sunday.", false);
    assert_eq!(
        point_of(&found, "Banbury"),
        Some([-97.3, 49.1]),
        "{found:?}"
    );
    // A world capital keeps its name unless the text says otherwise.
    let found = map(Some(&merged), "Talks opened in Paris on Monday.", false);
    let [lon, lat] = point_of(&found, "Paris").expect("Paris is mapped");
    assert!(
        (lon - 2.35).abs() < 0.1 && (lat - 48.85).abs() < 0.1,
        "{found:?}"
    );
}

#[test]
fn a_user_place_is_not_read_into_a_person_or_a_common_word() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mine.csv");
    std::fs::write(
        &csv,
        "name,lat,lon,kind,country\nKerrymore,52.0,-9.5,city,IE\nMarch,52.5,0.1,city,GB\n",
    )
    .unwrap();
    let alone = dir.path().join("alone.gaz");
    build(&["--csv", csv.to_str().unwrap()], &alone);
    let found = map(
        Some(&alone),
        "Senator John Kerrymore said in a statement. March was cold.",
        false,
    );
    assert!(found.is_empty(), "{found:?}");
    let found = map(
        Some(&alone),
        "Farmers near Kerrymore want rain after a cold week.",
        false,
    );
    assert_eq!(
        point_of(&found, "Kerrymore"),
        Some([-9.5, 52.0]),
        "{found:?}"
    );
}

#[test]
fn the_syrian_dump_alone_and_merged_maps_handarat() {
    let (Some(dump), Some(article)) = (
        shared("gazetteer/SY-whosonfirst.geonames.txt"),
        shared("examples/aleppo-2016.txt"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (dump, article) = (dump.to_str().unwrap(), article.to_str().unwrap());
    let handarat = (169_933, [37.16086, 36.28888]);
    let alone = dir.path().join("sy.gaz");
    build(&["--geonames", dump], &alone);
    let found = map(Some(&alone), article, true);
    let h = found.iter().find(|f| f.0 == "Handarat").expect("Handarat");
    assert_eq!((h.1, h.2), (Some(handarat.0), handarat.1), "{found:?}");

    let merged = dir.path().join("default+sy.gaz");
    build(&["--bundled", "--geonames", dump], &merged);
    let found = map(Some(&merged), article, true);
    let h = found.iter().find(|f| f.0 == "Handarat").expect("Handarat");
    assert_eq!((h.1, h.2), (Some(handarat.0), handarat.1), "{found:?}");
    let a = found.iter().find(|f| f.0 == "Aleppo").expect("Aleppo");
    assert_eq!(a.1, Some(170_063), "{found:?}");
    // The dump's ten thousand villages do not turn the story's other words into
    // places: the merged map holds what the bundled one does, and Handarat.
    let names = |found: &[(String, Option<u64>, [f64; 2])]| {
        let mut n: Vec<String> = found.iter().map(|f| f.0.clone()).collect();
        n.sort();
        n
    };
    assert_eq!(names(&found), names(&map(None, article, true)));
}
