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

use std::path::PathBuf;

/// The file the library includes (`include_bytes!(concat!(env!("OUT_DIR"), ...))`).
const INDEX_FILE: &str = "bundled.gaz";

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
    ] {
        println!("cargo::rerun-if-changed={input}");
    }
    println!("cargo::rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
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
