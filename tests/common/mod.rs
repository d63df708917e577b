//! Helpers shared by integration tests: running the binary, reading its output,
//! finding the shared data. Not every test crate uses every helper.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The crate's root directory.
pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `mentionmap` binary built for these tests.
pub fn mentionmap() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mentionmap"))
}

/// Runs the binary with `args`, feeding `stdin` (nothing: an empty, closed input).
/// Standard input is written from its own thread, so that a large input cannot
/// deadlock against output the binary writes before it has read all of it.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = mentionmap()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.unwrap_or_default().to_vec();
    // A binary that exits early (an error) closes the pipe: that is its answer, not
    // the test's failure, so the write error is ignored.
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The `name` property of every feature of a FeatureCollection, in order.
pub fn feature_names(fc: &Value) -> Vec<String> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap().to_string())
        .collect()
}

/// `rel` under `../shared`, or `None`, with a note, when it is absent (a checkout
/// without the shared data).
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = manifest().join("../shared").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

/// The `host:port` that `mentionmap serve` announces in its first line of output
/// (the text after `http://` up to the next `/`).
pub fn served_address(first_line: &str) -> String {
    first_line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("no address in {first_line:?}"))
        .to_string()
}

/// The real saved news pages fetched by `scripts/fetch-news-pages` (the data
/// directory holding `html/`, `txt/` and `metadata/`), or `None`, with a note, when
/// they have not been fetched. In CI (`CI` set) their absence is a failure, since
/// `scripts/test` fetches them first.
pub fn news_pages_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("MENTIONMAP_NEWS_PAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest().join("target/news-pages/newspaper4k-0.9.6/tests/data"));
    if dir.join("html").is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing: run scripts/fetch-news-pages",
        dir.display()
    );
    eprintln!(
        "skipped: no news pages at {} (run scripts/fetch-news-pages)",
        dir.display()
    );
    None
}
