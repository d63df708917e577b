//! Builds the bundled gazetteer's index at compile time.
//!
//! The library maps the bundled gazetteer straight from the binary's memory
//! (`Gazetteer::bundled`), so that a fresh machine, a Python wheel or a Spark executor
//! starts mapping at once instead of spending seconds on a first-run build. The index
//! is built here from `gazetteer/default.tsv.gz` by the library's own code: the
//! gazetteer modules (with `error`, `text`, `geodesy` and `atomic_file`, which they use) are compiled
//! into this build script through `#[path]`, so there is one builder and one index
//! writer, and the compiled-in index is byte for byte what
//! `SOURCE_DATE_EPOCH=0 mentionmap gazetteer build --tsv gazetteer/default.tsv.gz`
//! writes (the build time is that of `SOURCE_DATE_EPOCH`, 1970 when unset, so that
//! the build is reproducible; `tests/gazetteer_build.rs` checks it).
//!
//! The few library items the builder does not need and whose crates are not build
//! dependencies (downloads, user places, the compiled-in index itself) are compiled
//! only under `cfg(mentionmap_library)`, which this script sets for the library.

// The script compiles whole library modules and uses a small part of them.
#![allow(dead_code, unused_imports, unused_macros)]

#[path = "src/atomic_file.rs"]
mod atomic_file;
#[path = "src/error.rs"]
mod error;
#[path = "src/gazetteer/mod.rs"]
mod gazetteer;
#[path = "src/geodesy.rs"]
mod geodesy;
#[path = "src/text.rs"]
mod text;
#[path = "src/utc.rs"]
mod utc;
#[path = "src/spot/word_set.rs"]
mod word_set;

use std::path::PathBuf;

/// The file the library includes (`include_bytes!(concat!(env!("OUT_DIR"), ...))`).
const INDEX_FILE: &str = "bundled.gaz";

/// The spotter's given names (`spot::lexicon`): a word set of the list's folded lines.
const GIVEN_NAMES_SET: &str = "given_names.set";
/// The spotter's common English words: a word set of the list's lines as written.
const COMMON_WORDS_SET: &str = "common_words.set";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(mentionmap_library)");
    println!("cargo::rustc-cfg=mentionmap_library");
    for input in [
        "build.rs",
        "gazetteer/default.tsv.gz",
        "src/error.rs",
        "src/geodesy.rs",
        "src/text.rs",
        "src/gazetteer",
        "src/spot/word_set.rs",
        "gazetteer/given_names.txt",
        "gazetteer/common_words.txt",
    ] {
        println!("cargo::rerun-if-changed={input}");
    }
    println!("cargo::rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    if let Err(e) = build_word_sets(&out) {
        eprintln!("mentionmap build script: word lists: {e}");
        std::process::exit(1);
    }
    if let Err(e) = build_index(&out.join(INDEX_FILE)) {
        // A broken default.tsv.gz is a build error with the builder's own message.
        eprintln!("mentionmap build script: {e}");
        std::process::exit(1);
    }
}

/// Reads the bundled TSV through the builder and writes the index file, then opens it
/// the way the library's file reader does (every section validated), so that a
/// compiled-in index is known good before the library maps it without checks.
fn build_index(path: &std::path::Path) -> Result<(), error::Error> {
    let mut builder = gazetteer::builder::GazetteerBuilder::default();
    builder.add_bundled()?;
    let mut built = builder.finish();
    // The build time would make every build's bytes differ: the time
    // SOURCE_DATE_EPOCH gives, else 1970-01-01.
    if std::env::var_os("SOURCE_DATE_EPOCH").is_none() {
        built.meta.built_at = gazetteer::builder::utc_at(0);
    }
    gazetteer::index_file::write(path, &built)?;
    gazetteer::index_file::open(path)?;
    Ok(())
}

/// Lays out the spotter's two long word lists as word sets (`src/spot/word_set.rs`), so
/// that the library hashes none of their 45,000 words at start-up. Which lines count
/// and how they are folded is the lexicon's rule, kept here and checked against the
/// lists by `spot::lexicon`'s tests.
fn build_word_sets(out: &std::path::Path) -> std::io::Result<()> {
    let given = std::fs::read_to_string("gazetteer/given_names.txt")?;
    let mut names = word_set::WordSetBuilder::default();
    for line in given.lines().map(str::trim) {
        if !line.is_empty() && !line.starts_with('#') {
            names.insert(&text::fold_word(line));
        }
    }
    std::fs::write(out.join(GIVEN_NAMES_SET), names.finish())?;
    let common = std::fs::read_to_string("gazetteer/common_words.txt")?;
    let mut words = word_set::WordSetBuilder::default();
    for line in common.lines().map(str::trim) {
        words.insert(line);
    }
    std::fs::write(out.join(COMMON_WORDS_SET), words.finish())
}
