//! Helpers shared by integration tests.

use std::path::PathBuf;

/// The `host:port` that `mentionmap serve` announces in its first line of output
/// (the text after `http://` up to the next `/`).
#[allow(dead_code)] // not every test crate that includes this module serves
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
#[allow(dead_code)] // not every test crate that includes this module reads them
pub fn news_pages_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("MENTIONMAP_NEWS_PAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/news-pages/newspaper4k-0.9.6/tests/data")
        });
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
