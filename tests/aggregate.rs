//! `map DIR/ --html` / `map --jsonl X --aggregate`: a corpus as one map (issue #17
//! item 15), run through the binary on real texts.

use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn props_of<'a>(fc: &'a Value, name: &str) -> &'a Value {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["name"] == name)
        .map(|f| &f["properties"])
        .unwrap_or_else(|| panic!("{name} not aggregated: {fc}"))
}

#[test]
fn jsonl_corpus_aggregates_to_geojson_and_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("docs.jsonl");
    std::fs::write(
        &jsonl,
        concat!(
            r#"{"id": "a", "title": "Siege", "date": "2016-12-01", "text": "Shelling in Aleppo went on. Aleppo's east fell."}"#,
            "\n",
            r#"{"id": "b", "date": "2016-12-02", "text": "Talks in Moscow about Aleppo."}"#,
            "\n",
            r#"{"id": "c", "text": "Nothing here."}"#,
            "\n"
        ),
    )
    .unwrap();
    let (geo, html) = (dir.path().join("agg.geojson"), dir.path().join("map.html"));
    let out = run(&[
        "map",
        "--jsonl",
        jsonl.to_str().unwrap(),
        "--aggregate",
        geo.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout when writing files"
    );
    assert!(
        stderr.contains("3 documents") && stderr.contains("agg.geojson"),
        "{stderr}"
    );

    let fc: Value = serde_json::from_slice(&std::fs::read(&geo).unwrap()).unwrap();
    let aleppo = props_of(&fc, "Aleppo");
    assert_eq!(aleppo["doc_count"], 2);
    assert_eq!(aleppo["docs"], serde_json::json!(["a", "b"]));
    assert!(aleppo["mention_count"].as_u64().unwrap() >= 3, "{aleppo}");
    assert_eq!(props_of(&fc, "Moscow")["docs"], serde_json::json!(["b"]));
    // The most-documented place first; the documents listed with title and date.
    assert_eq!(fc["features"][0]["properties"]["name"], "Aleppo");
    let docs = &fc["metadata"]["documents"];
    assert_eq!(docs[0]["title"], "Siege");
    assert_eq!(docs[1]["date"], "2016-12-02");
    assert_eq!(fc["metadata"]["document_count"], 3);

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("\"aggregate\":true") && page.contains("L.map"));
    assert!(
        !page.contains("src=\"app.js\""),
        "the page is self-contained"
    );
}

#[test]
fn a_directory_aggregates_and_bad_combinations_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    std::fs::write(corpus.join("one.txt"), "Fighting near Aleppo.").unwrap();
    std::fs::write(
        corpus.join("sub/two.html"),
        "<html><head><title>Two</title></head><body><p>Aleppo and Damascus.</p></body></html>",
    )
    .unwrap();
    let geo = dir.path().join("agg.geojson");
    let out = run(&[
        "map",
        corpus.to_str().unwrap(),
        "--aggregate",
        geo.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fc: Value = serde_json::from_slice(&std::fs::read(&geo).unwrap()).unwrap();
    assert_eq!(
        props_of(&fc, "Aleppo")["docs"],
        serde_json::json!(["one.txt", "sub/two.html"])
    );
    assert_eq!(fc["metadata"]["documents"][1]["title"], "Two");

    // One line and the usage code, never a silently ignored flag.
    for args in [
        vec![
            "map",
            corpus.to_str().unwrap(),
            "--aggregate",
            "x.geojson",
            "-o",
            "y.geojson",
        ],
        vec![
            "map",
            corpus.to_str().unwrap(),
            "--html",
            "x.html",
            "--out-dir",
            "d",
        ],
        vec![
            "map",
            corpus.join("one.txt").to_str().unwrap(),
            "--aggregate",
            "x.geojson",
        ],
    ] {
        let out = run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("--aggregate") || stderr.contains("--html"),
            "{stderr}"
        );
    }
}
