//! Integration tests that run the real `mentionmap` binary.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;

use common::{manifest, mentionmap as bin, run};

fn seed_article() -> Option<PathBuf> {
    let p = manifest().join("../shared/examples/aleppo-2016.txt");
    p.exists().then_some(p)
}

fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let (dlat, dlon) = ((b.0 - a.0).to_radians(), (b.1 - a.1).to_radians());
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

/// (name, geonameid, lat, lon, method) of every feature.
fn places(fc: &Value) -> Vec<(String, Option<u64>, f64, f64, String)> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            let p = &f["properties"];
            (
                p["name"].as_str().unwrap().to_string(),
                p["geonameid"].as_u64(),
                c[1].as_f64().unwrap(),
                c[0].as_f64().unwrap(),
                p["method"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn seed_article_finds_the_places_and_avoids_the_traps() {
    let Some(article) = seed_article() else {
        eprintln!("skipped: ../shared/examples/aleppo-2016.txt not present");
        return;
    };
    let out = run(&["map", article.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ps = places(&fc);
    let ids: Vec<Option<u64>> = ps.iter().map(|p| p.1).collect();
    // Washington D.C., Syria, Russia, Moscow, Aleppo, United States, United Kingdom.
    for id in [4140963, 163843, 2017370, 524901, 170063, 6252001, 2635167] {
        assert!(ids.contains(&Some(id)), "missing GeoNames {id} in {ps:?}");
    }
    // Handarat: placed from "on the northern edge of Aleppo".
    let h = ps
        .iter()
        .find(|p| p.0 == "Handarat")
        .expect("Handarat placed");
    assert_eq!(h.4, "relative");
    assert!(h.2 > 36.20124, "north of Aleppo's centre: {h:?}");
    assert!(haversine_km((h.2, h.3), (36.27, 37.18)) <= 5.0, "{h:?}");
    // No person-name traps, nothing from the cookie banner.
    let names: Vec<String> = ps.iter().map(|p| p.0.to_lowercase()).collect();
    for trap in [
        "kerry", "burns", "kirby", "vladimir", "lavrov", "earnest", "putin", "peskov", "manage",
        "settings",
    ] {
        assert!(
            !names.iter().any(|n| n.contains(trap)),
            "trap {trap} in {names:?}"
        );
    }
    let text = std::fs::read_to_string(&article).unwrap();
    let banner = text.find("We and our partners use cookies").unwrap();
    let banner_chars = text[..banner].chars().count() as u64;
    for f in fc["features"].as_array().unwrap() {
        for m in f["properties"]["mentions"].as_array().unwrap() {
            assert!(
                m["start"].as_u64().unwrap() < banner_chars,
                "mention in the cookie banner: {m}"
            );
        }
    }
    assert!(
        !ps.iter()
            .any(|p| haversine_km((p.2, p.3), (52.1, -9.6)) < 60.0),
        "Kerry County"
    );
    assert!(
        !ps.iter()
            .any(|p| haversine_km((p.2, p.3), (56.13, 40.40)) < 30.0),
        "Vladimir"
    );
}

#[test]
fn mentions_carry_exact_offsets() {
    let text = "Ḩalab, known in English as Aleppo, lies north of Damascus.";
    let out = run(&["map"], Some(text.as_bytes()));
    assert!(out.status.success());
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let mut n = 0;
    for f in fc["features"].as_array().unwrap() {
        for m in f["properties"]["mentions"].as_array().unwrap() {
            let (s, e) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            let (bs, be) = (
                m["byte_start"].as_u64().unwrap() as usize,
                m["byte_end"].as_u64().unwrap() as usize,
            );
            let by_chars: String = chars[s..e].iter().collect();
            assert_eq!(by_chars, m["text"].as_str().unwrap());
            assert_eq!(&text[bs..be], m["text"].as_str().unwrap());
            n += 1;
        }
    }
    assert!(n >= 3, "{fc}");
}

#[test]
fn relative_placement_in_other_news_patterns() {
    // Names no bundled gazetteer holds, tied to a city by the usual phrases.
    let text = "Troops shelled the Qarqour village, 15 km south of Hama, on Friday. \
                Families fled to the Kafr Batikh camp near Idlib. \
                Clashes hit the Zahraa district of Homs.";
    let out = run(&["map"], Some(text.as_bytes()));
    assert!(out.status.success());
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ps = places(&fc);
    let find = |n: &str| {
        ps.iter()
            .find(|p| p.0 == n)
            .unwrap_or_else(|| panic!("{n} missing from {ps:?}"))
            .clone()
    };
    let hama = find("Hama");
    let q = find("Qarqour");
    assert_eq!(q.4, "relative");
    assert!((haversine_km((q.2, q.3), (hama.2, hama.3)) - 15.0).abs() < 0.5);
    assert!(q.2 < hama.2, "south of Hama");
    let idlib = find("Idlib");
    let k = find("Kafr Batikh");
    assert!(haversine_km((k.2, k.3), (idlib.2, idlib.3)) < 1.0);
    let homs = find("Homs");
    let z = find("Zahraa");
    assert!(haversine_km((z.2, z.3), (homs.2, homs.3)) < 1.0);
}

#[test]
fn bad_inputs_give_one_line_and_distinct_codes() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    std::fs::write(p("binary.bin"), b"\x7fELF\x00\x00\x01").unwrap();
    std::fs::write(p("latin1.txt"), b"caf\xe9 in Paris").unwrap();
    std::fs::write(p("bad.tsv"), "not a gazetteer\n").unwrap();

    let cases: Vec<(Vec<String>, i32, &str)> = vec![
        (
            vec!["map".into(), p("missing.txt").display().to_string()],
            3,
            "cannot read",
        ),
        // A directory is a batch: its one .txt file is not UTF-8, so "some failed".
        (
            vec!["map".into(), dir.path().display().to_string()],
            8,
            "latin1.txt",
        ),
        (
            vec!["map".into(), p("binary.bin").display().to_string()],
            3,
            "binary",
        ),
        (
            vec!["map".into(), p("latin1.txt").display().to_string()],
            3,
            "UTF-8",
        ),
        (
            vec!["map".into(), "--no-such-flag".into()],
            2,
            "unexpected argument",
        ),
        (
            vec![
                "--gazetteer".into(),
                p("bad.tsv").display().to_string(),
                "resolve".into(),
                "Aleppo".into(),
            ],
            4,
            "corrupt gazetteer",
        ),
        (vec!["near".into(), "95".into(), "0".into()], 2, "latitude"),
    ];
    for (args, code, needle) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args, Some(b""));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        // A batch adds its summary line.
        if code != 8 {
            assert_eq!(
                err.trim().lines().count(),
                1,
                "{args:?}: one line, got {err}"
            );
        }
    }
}

#[test]
fn empty_input_is_an_empty_valid_collection() {
    let out = run(&["map"], Some(b"  \n"));
    assert_eq!(out.status.code(), Some(6));
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["features"].as_array().unwrap().len(), 0);
}

#[test]
fn geojsonseq_and_csv() {
    let text = b"Talks in Geneva, then Aleppo and Damascus.";
    let out = run(&["map", "--format", "geojsonseq"], Some(text));
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    let feats: Vec<Value> = s
        .lines()
        .map(|l| serde_json::from_str(l.strip_prefix('\u{1e}').expect("RS")).unwrap())
        .collect();
    assert_eq!(feats.len(), 3);
    assert!(feats.iter().all(|f| f["type"] == "Feature"));

    let out = run(&["map", "--format", "csv"], Some(text));
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("doc_id,name,gazetteer_name,geonameid,layer"));
    assert_eq!(lines.count(), 3);
}

/// CSV rows carry what the GeoJSON properties say, relative places included: the
/// anchor's country, the anchor and the uncertainty.
#[test]
fn csv_rows_match_the_geojson_for_relative_places() {
    let text = b"Government forces captured the Handarat area on the northern edge of Aleppo.";
    let fc: Value = serde_json::from_slice(&run(&["map"], Some(text)).stdout).unwrap();
    let out = run(&["map", "--format", "csv"], Some(text));
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), fc["features"].as_array().unwrap().len());
    let relative = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["method"] == "relative")
        .expect("Handarat is placed from the text");
    let row = rows
        .iter()
        .find(|r| r.get(1) == relative["properties"]["name"].as_str())
        .unwrap();
    let cell = |c: &str| {
        row.get(header.iter().position(|h| h == c).unwrap())
            .unwrap()
    };
    for c in ["country_code", "anchor"] {
        assert_eq!(cell(c), relative["properties"][c].as_str().unwrap(), "{c}");
    }
    assert_eq!(cell("country_code"), "SY");
    assert_eq!(
        cell("uncertainty_km").parse::<f64>().unwrap(),
        relative["properties"]["uncertainty_km"].as_f64().unwrap()
    );
}

#[test]
fn layers_can_be_selected_and_split() {
    let text = b"Syrian forces entered Aleppo; Syria said.";
    let out = run(&["map", "--layers", "cities"], Some(text));
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let layers: Vec<&str> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["layer"].as_str().unwrap())
        .collect();
    assert_eq!(layers, ["cities"]);

    let dir = tempfile::tempdir().unwrap();
    let outp = dir.path().join("out.geojson");
    let out = run(
        &["map", "--split-layers", "-o", outp.to_str().unwrap()],
        Some(text),
    );
    assert!(out.status.success());
    let countries: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.countries.geojson")).unwrap())
            .unwrap();
    assert_eq!(countries["features"][0]["properties"]["geonameid"], 163843);
}

#[test]
fn seas_rivers_and_member_regions_map_on_their_layers() {
    let text = b"Tankers crossed the Red Sea towards the Mediterranean Sea, and aid \
        reached Darfur and the Middle East. Floods hit Cambridgeshire and Pangasinan.";
    let out = run(&["map"], Some(text));
    assert!(out.status.success());
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let by_name = |n: &str| {
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["name"] == n)
            .unwrap_or_else(|| panic!("{n} not mapped"))
            .clone()
    };
    let near = |f: &Value, lat: f64, lon: f64, km: f64| {
        let c = &f["geometry"]["coordinates"];
        haversine_km((c[1].as_f64().unwrap(), c[0].as_f64().unwrap()), (lat, lon)) < km
    };
    let red = by_name("Red Sea");
    assert_eq!(red["properties"]["layer"], "physical");
    assert!(near(&red, 20.0, 38.5, 800.0), "{red}");
    assert_eq!(
        by_name("Mediterranean Sea")["properties"]["layer"],
        "physical"
    );
    let me = by_name("Middle East");
    assert_eq!(me["properties"]["layer"], "areas");
    assert!(near(&me, 29.0, 41.0, 1000.0), "{me}");
    let darfur = by_name("Darfur");
    assert_eq!(darfur["properties"]["layer"], "areas");
    assert!(near(&darfur, 13.0, 24.6, 300.0), "{darfur}");
    // UK counties and Philippine provinces come from Natural Earth's label points.
    assert!(near(&by_name("Cambridgeshire"), 52.3, 0.0, 60.0));
    assert!(near(&by_name("Pangasinan"), 15.9, 120.3, 60.0));
    let attribution = fc["metadata"]["attribution"].to_string();
    assert!(
        attribution.contains("Made with Natural Earth"),
        "{attribution}"
    );
}

#[test]
fn geojson_is_rfc7946_with_attribution() {
    let out = run(
        &["map"],
        Some(b"Flights from Moscow to Washington resumed."),
    );
    let fc: geojson::FeatureCollection =
        serde_json::from_slice(&out.stdout).expect("parses as GeoJSON");
    assert!(!fc.features.is_empty());
    for f in &fc.features {
        match &f.geometry.as_ref().unwrap().value {
            geojson::Value::Point(c) => {
                assert!((-180.0..=180.0).contains(&c[0]) && (-90.0..=90.0).contains(&c[1]));
            }
            other => panic!("not a point: {other:?}"),
        }
    }
    let moscow = fc
        .features
        .iter()
        .find(|f| f.property("geonameid").and_then(Value::as_u64) == Some(524901))
        .unwrap();
    // [longitude, latitude]
    match &moscow.geometry.as_ref().unwrap().value {
        geojson::Value::Point(c) => {
            assert!(c[0] > 37.0 && c[0] < 38.0 && c[1] > 55.0 && c[1] < 56.0)
        }
        _ => unreachable!(),
    }
    let meta = &fc.foreign_members.as_ref().unwrap()["metadata"];
    assert!(meta["attribution"][0]
        .as_str()
        .unwrap()
        .contains("GeoNames"));
    assert!(meta["attribution"][0]
        .as_str()
        .unwrap()
        .contains("CC BY 4.0"));
}

#[test]
fn ogrinfo_reads_the_output_when_installed() {
    if Command::new("ogrinfo").arg("--version").output().is_err() {
        eprintln!("skipped: ogrinfo not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("places.geojson");
    let out = run(
        &["map", "-o", p.to_str().unwrap()],
        Some(b"Floods hit Karachi and Lahore in Pakistan."),
    );
    assert!(out.status.success());
    let info = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(&p)
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "{s}");
    assert!(s.contains("Feature Count: 3"), "{s}");
    assert!(s.contains("Point"), "{s}");
}

#[test]
fn resolve_and_near_commands() {
    let out = run(&["resolve", "Aleppo", "--json"], None);
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["geonameid"], 170063);
    let halab = run(&["resolve", "حلب", "--json"], None);
    let rows2: Value = serde_json::from_slice(&halab.stdout).unwrap();
    assert!(rows2
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["geonameid"] == 170063));

    let out = run(&["near", "36.2021", "37.1343", "--km", "5", "--json"], None);
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(rows.iter().any(|r| r["id"] == 170063));
    let kms: Vec<f64> = rows.iter().map(|r| r["km"].as_f64().unwrap()).collect();
    assert!(kms.windows(2).all(|w| w[0] <= w[1]) && kms.iter().all(|&k| k <= 5.0));
}

/// Golden files: mapped output of texts under tests/texts compared as parsed JSON.
/// Regenerate with `UPDATE_GOLDEN=1 cargo test --release --test cli golden`.
#[test]
fn golden_files() {
    let texts = manifest().join("tests/texts");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&texts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let out = run(&["map", path.to_str().unwrap()], None);
        assert!(out.status.success());
        let mut got: Value = serde_json::from_slice(&out.stdout).unwrap();
        // The source path differs between checkouts.
        got["metadata"]["source"] = Value::Null;
        let golden = manifest()
            .join("tests/golden")
            .join(format!("{name}.geojson"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let want: Value =
            serde_json::from_str(&std::fs::read_to_string(&golden).unwrap_or_else(|_| {
                panic!("{} missing: run with UPDATE_GOLDEN=1", golden.display())
            }))
            .unwrap();
        assert_eq!(
            got, want,
            "{name}: output changed; review and regenerate with UPDATE_GOLDEN=1"
        );
    }
}

#[test]
fn bundled_gazetteer_maps_at_once_and_writes_no_cache() {
    // A fresh machine: an empty cache directory and home. The compiled-in index is
    // mapped from the binary; nothing is built or written.
    let home = tempfile::tempdir().unwrap();
    let mut cmd = bin();
    cmd.env("MENTIONMAP_CACHE_DIR", home.path().join("cache"))
        .env("HOME", home.path())
        .env_remove("XDG_CACHE_HOME");
    cmd.args(["map", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"Floods hit Karachi and Lahore in Pakistan.")
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    for place in ["Karachi", "Lahore", "Pakistan"] {
        assert!(csv.contains(place), "{place} missing:\n{csv}");
    }
    let written: Vec<_> = std::fs::read_dir(home.path()).unwrap().collect();
    assert!(written.is_empty(), "{written:?}");
}

#[test]
fn min_confidence_trades_recall_for_precision_and_eval_reports_calibration() {
    let Some(seed) = seed_article() else { return };
    let seed = seed.to_str().unwrap();
    let confidences = |args: &[&str]| -> Vec<f64> {
        let out = run(&[&["map", seed], args].concat(), None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["confidence"].as_f64().unwrap())
            .collect()
    };
    let every = confidences(&[]);
    let sure = confidences(&["--min-confidence", "0.8"]);
    assert!(
        !sure.is_empty() && sure.len() < every.len(),
        "{every:?} {sure:?}"
    );
    assert!(sure.iter().all(|&c| c >= 0.8), "{sure:?}");
    assert!(every.iter().all(|c| (0.0..=1.0).contains(c)));
    for bad in ["1.5", "-0.1", "high"] {
        let out = run(&["map", seed, "--min-confidence", bad], None);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    // The dateline opening the seed ("WASHINGTON\u{a0}- ...") is read as one.
    let out = run(&["map", seed, "--explain"], None);
    let explain = String::from_utf8_lossy(&out.stderr);
    let line = explain
        .lines()
        .skip_while(|l| !l.starts_with("\"WASHINGTON\""))
        .nth(1)
        .expect("WASHINGTON is explained");
    assert!(line.contains("dateline 1.0"), "{line}");

    // eval prints a reliability table and the expected calibration error.
    let corpus = manifest().join("../shared/eval/dev/GeoWebNews.jsonl");
    if corpus.exists() {
        let out = run(&["eval", corpus.to_str().unwrap(), "--json"], None);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let overall = &v["corpora"][1];
        let ece = overall["ece"].as_f64().unwrap();
        assert!((0.0..0.2).contains(&ece), "{ece}");
        let bins = overall["reliability"].as_array().unwrap();
        assert_eq!(bins.len(), 10);
        let n: u64 = bins.iter().map(|b| b["n"].as_u64().unwrap()).sum();
        assert_eq!(n, overall["scores"]["predicted"].as_u64().unwrap());
    }
}

#[test]
fn eval_coverage_gaps_lists_far_and_absent_gold_names() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("tiny.jsonl");
    let text = "Aleppo, Aleppo and Qzxwvbury.";
    // Aleppo at its own point (covered), Aleppo placed in the Atlantic (far), and a name
    // no gazetteer holds (absent).
    let doc = serde_json::json!({"id": "t1", "text": text, "toponyms": [
        {"start": 0, "end": 6, "name": "Aleppo", "lat": 36.2, "lon": 37.16},
        {"start": 8, "end": 14, "name": "Aleppo", "lat": 0.0, "lon": -30.0},
        {"start": 19, "end": 28, "name": "Qzxwvbury", "lat": 10.0, "lon": 10.0},
    ]});
    std::fs::write(&corpus, format!("{doc}\n")).unwrap();
    let gaps = dir.path().join("gaps.jsonl");
    let out = run(
        &[
            "eval",
            corpus.to_str().unwrap(),
            "--coverage-gaps",
            gaps.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The coverage table is printed too.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("gazetteer coverage"), "{stdout}");
    let rows: Vec<Value> = std::fs::read_to_string(&gaps)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["name"], "Aleppo");
    assert_eq!(rows[0]["covered"], "far");
    assert_eq!(rows[0]["nearest_kind"], "city");
    assert!(rows[0]["nearest_km"].as_f64().unwrap() > 3000.0);
    assert_eq!(rows[1]["covered"], "absent");
    assert!(rows[1]["nearest_km"].is_null());
    assert_eq!(rows[0]["corpus"], "tiny");
}

#[test]
fn the_learned_ranker_keeps_the_seed_and_explains_its_scores() {
    let Some(article) = seed_article() else {
        eprintln!("skipped: ../shared/examples/aleppo-2016.txt not present");
        return;
    };
    let seed = article.to_str().unwrap();
    let out = run(&["map", seed, "--ranker", "learned", "--explain"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<Option<u64>> = places(&fc).iter().map(|p| p.1).collect();
    for id in [4140963, 163843, 2017370, 524901, 170063, 6252001, 2635167] {
        assert!(ids.contains(&Some(id)), "missing GeoNames {id} in {ids:?}");
    }
    // Each candidate's learned score, as the sum of weight × input.
    let explain = String::from_utf8_lossy(&out.stderr);
    let line = explain
        .lines()
        .find(|l| l.trim_start().starts_with("learned "))
        .expect("learned scores explained");
    let (score, parts) = line.trim_start()["learned ".len()..]
        .split_once(" = ")
        .unwrap();
    let sum: f64 = parts
        .split_whitespace()
        .skip(1)
        .step_by(2)
        .map(|v| v.parse::<f64>().unwrap())
        .sum();
    let score: f64 = score.trim().parse().unwrap();
    assert!(
        (sum - score).abs() < 0.05 * parts.split_whitespace().count() as f64,
        "{line}"
    );
    // The rules, the default, show no learned scores.
    let out = run(&["map", seed, "--explain"], None);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("learned "));
    let out = run(&["map", seed, "--ranker", "neural"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn eval_dump_ranker_writes_labelled_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("tiny.jsonl");
    // Paris (France) annotated; the text gives no context, so both readings are candidates.
    std::fs::write(
        &corpus,
        r#"{"id": "t1", "text": "Talks opened in Paris on Monday.", "toponyms": [{"start": 16, "end": 21, "name": "Paris", "lat": 48.85, "lon": 2.35}]}
"#,
    )
    .unwrap();
    let dump = dir.path().join("rows.jsonl");
    let out = run(
        &[
            "eval",
            corpus.to_str().unwrap(),
            "--dump-ranker",
            dump.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&dump).unwrap();
    let mut lines = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap());
    let header = lines.next().unwrap();
    let names = header["input_names"].as_array().unwrap();
    assert_eq!(names[0], "prior");
    let row = lines.next().expect("the Paris mention");
    assert_eq!(row["mention"], "Paris");
    let cands = row["candidates"].as_array().unwrap();
    assert!(cands.len() >= 2);
    assert!(cands
        .iter()
        .all(|c| c["inputs"].as_array().unwrap().len() == names.len()));
    let right: Vec<bool> = cands
        .iter()
        .map(|c| c["right"].as_bool().unwrap())
        .collect();
    assert!(right.contains(&true) && right.contains(&false), "{right:?}");
    // A bad weights file is one line and a non-zero exit.
    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "size\t1\n").unwrap();
    let out = run(
        &[
            "eval",
            corpus.to_str().unwrap(),
            "--ranker-weights",
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim().lines().count(),
        1
    );
}
