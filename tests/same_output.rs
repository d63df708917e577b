//! Byte-identity of the mapped output: every document of the dev corpora
//! (`../shared/eval/dev/*.jsonl`) and the seed article, mapped by the real binary, is
//! digested (SHA-256 of each document's GeoJSON features, in output order) and compared
//! with `tests/golden/dev_outputs.sha256`.
//!
//! The guard for work that must not change what mentionmap finds (speed work above
//! all): a refactor of the tokenizer, the name index or the pipeline that moves one
//! coordinate, confidence or snippet fails here, naming the documents. Work that means
//! to change the output regenerates the golden file on purpose and reviews the diff of
//! figures in `mentionmap eval`:
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test --release --test same_output
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `mentionmap map ARGS` and parses its GeoJSON.
fn map(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .arg("map")
        .args(args)
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "mentionmap map {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("GeoJSON output")
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One digest per document of a mapped output, keyed `{label}/{doc}`, and one for its
/// metadata (the source path nulled: it differs between checkouts). A feature is
/// serialized back from its parsed value, so key order and float formatting are
/// serde_json's, the same for equal values.
fn digests(label: &str, fc: &mut Value, out: &mut BTreeMap<String, String>) {
    fc["metadata"]["source"] = Value::Null;
    out.insert(
        format!("{label}/metadata"),
        sha256(fc["metadata"].to_string().as_bytes()),
    );
    let mut per_doc: BTreeMap<String, Sha256> = BTreeMap::new();
    for feature in fc["features"].as_array().expect("features") {
        let doc = feature["properties"]["doc"]
            .as_str()
            .unwrap_or("-")
            .to_string();
        let h = per_doc.entry(doc).or_default();
        h.update(feature.to_string().as_bytes());
        h.update(b"\n");
    }
    for (doc, h) in per_doc {
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        out.insert(format!("{label}/{doc}"), hex);
    }
}

fn golden_path() -> PathBuf {
    manifest().join("tests/golden/dev_outputs.sha256")
}

fn read_golden(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", path.display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (hash, key) = l.split_once("  ").expect("`HASH  KEY` lines");
            (key.to_string(), hash.to_string())
        })
        .collect()
}

#[test]
fn dev_corpora_and_seed_map_to_the_golden_output() {
    let dev = manifest().join("../shared/eval/dev");
    let seed = manifest().join("../shared/examples/aleppo-2016.txt");
    if !dev.is_dir() || !seed.is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/eval/dev and the seed article are needed"
        );
        eprintln!("skipped: ../shared/eval/dev or the seed article is missing");
        return;
    }
    let mut corpora: Vec<PathBuf> = std::fs::read_dir(&dev)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    corpora.sort();
    assert!(!corpora.is_empty(), "no corpora in {}", dev.display());

    let mut got = BTreeMap::new();
    for corpus in &corpora {
        let label = corpus.file_stem().unwrap().to_string_lossy().into_owned();
        // One thread: the batch's output order then follows the input.
        let mut fc = map(&["--jsonl", corpus.to_str().unwrap(), "--threads", "1"]);
        digests(&label, &mut fc, &mut got);
    }
    let mut fc = map(&[seed.to_str().unwrap()]);
    digests("seed", &mut fc, &mut got);

    let path = golden_path();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let mut text = String::from(
            "# SHA-256 of each document's mapped GeoJSON features (tests/same_output.rs).\n\
             # Regenerate with UPDATE_GOLDEN=1 cargo test --release --test same_output\n",
        );
        for (key, hash) in &got {
            text.push_str(&format!("{hash}  {key}\n"));
        }
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = read_golden(&path);
    let changed: Vec<&str> = want
        .keys()
        .chain(got.keys())
        .filter(|k| want.get(*k) != got.get(*k))
        .map(String::as_str)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        changed.is_empty(),
        "{} of {} documents map differently from {} (first: {:?}); if the change is meant, \
         regenerate with UPDATE_GOLDEN=1 and review the eval figures",
        changed.len(),
        want.len().max(got.len()),
        path.display(),
        &changed[..changed.len().min(10)]
    );
}
