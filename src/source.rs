//! Turning one input — text, an HTML page, a file or a URL — into the text that is
//! mapped, with the metadata that says where it came from.
//!
//! * Plain text passes through the trailing-boilerplate filter
//!   ([`crate::boilerplate::strip_trailing`]) unless it is turned off; the kept text
//!   is a prefix of the input, so offsets are unchanged.
//! * HTML (`.html`/`.htm` files, `html` documents in a batch, pages fetched with a
//!   `text/html` type, or any input with `html: Some(true)`) goes through main-text extraction
//!   ([`crate::html::extract`]); mention offsets then refer to the extracted text.
//! * URLs are fetched with [`crate::fetch::Fetcher`].
//!
//! [`Prepared::meta`] records the source, the title, the fetch time and which steps
//! ran, for the GeoJSON `metadata` member.

use std::path::{Path, PathBuf};

use crate::boilerplate::strip_trailing;
use crate::error::Error;
use crate::fetch::Fetcher;
use crate::output::Metadata;

/// One input to map.
#[derive(Debug, Clone)]
pub enum Input {
    /// Plain text already in memory, with a name for messages.
    Text {
        /// Where it came from ("stdin", "docs.jsonl:3").
        name: String,
        /// The text.
        text: String,
    },
    /// An HTML page already in memory.
    Html {
        /// Where it came from.
        name: String,
        /// The markup.
        html: String,
    },
    /// A file: `.html`/`.htm` are HTML, anything else plain text.
    File(PathBuf),
    /// An `http(s)://` URL to fetch.
    Url(String),
}

/// How inputs are prepared.
#[derive(Debug, Clone)]
pub struct PrepareOptions {
    /// Drop trailing cookie/consent/subscribe/share paragraphs and stray lines.
    pub boilerplate_filter: bool,
    /// `Some(true)`: every input is HTML; `Some(false)`: every input is plain text;
    /// `None`: HTML by file extension, JSONL member or content type.
    pub html: Option<bool>,
    /// Largest input, bytes: a file, standard input, a batch document's `text` or
    /// `html`, a fetched page (which `--max-fetch-bytes` also caps).
    pub max_bytes: u64,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        PrepareOptions {
            boilerplate_filter: true,
            html: None,
            max_bytes: crate::input::DEFAULT_MAX_BYTES,
        }
    }
}

/// The text to map and where it came from.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// The text that is mapped; mention offsets refer to it.
    pub text: String,
    /// Source, title, fetch time and preprocessing steps (`doc` is left unset).
    pub meta: Metadata,
    /// Bytes of raw input read (markup included), for throughput figures.
    pub input_bytes: usize,
}

/// True for a path whose extension is `.html` or `.htm` (any case).
pub fn is_html_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}

/// Reads, fetches and extracts one input. `fetcher` is needed only for URLs.
pub fn prepare(
    input: Input,
    fetcher: Option<&Fetcher>,
    options: &PrepareOptions,
) -> Result<Prepared, Error> {
    let mut meta = Metadata::default();
    let (raw, is_html) = match input {
        Input::Text { name, text } => {
            meta.source = Some(name);
            (text, options.html == Some(true))
        }
        Input::Html { name, html } => {
            meta.source = Some(name);
            (html, options.html != Some(false))
        }
        Input::File(path) => {
            meta.source = Some(path.display().to_string());
            let html = options.html.unwrap_or_else(|| is_html_path(&path));
            (crate::input::read_file(&path, options.max_bytes)?, html)
        }
        Input::Url(url) => {
            let fetcher = fetcher.ok_or_else(|| Error::Network {
                url: url.clone(),
                message: "fetching is not enabled here".into(),
            })?;
            let page = fetcher.fetch(&url)?;
            meta.source = Some(if page.final_url != page.url {
                format!("{} (redirected to {})", page.url, page.final_url)
            } else {
                page.url.clone()
            });
            meta.fetched_at = Some(page.fetched_at);
            let html = options.html.unwrap_or(page.is_html);
            (page.body, html)
        }
    };
    let input_bytes = raw.len();
    if input_bytes as u64 > options.max_bytes {
        // Files and standard input are refused while read; a batch's in-memory
        // documents (JSONL `text`/`html`) are checked here, each on its own.
        return Err(Error::BadInput {
            source_name: meta.source.unwrap_or_default(),
            message: format!("larger than the {}-byte input limit", options.max_bytes),
        });
    }
    let mut text = if is_html {
        let e = crate::html::extract(&raw);
        meta.title = e.title;
        meta.preprocessing.push(format!(
            "html-main-text: kept {} blocks, dropped {}",
            e.blocks_kept, e.blocks_dropped
        ));
        e.text
    } else {
        raw
    };
    if options.boilerplate_filter {
        let (kept, stripped) = strip_trailing(&text);
        meta.preprocessing.push(format!(
            "boilerplate-filter: removed {} trailing paragraphs ({} bytes)",
            stripped.paragraphs, stripped.bytes
        ));
        let n = kept.len();
        text.truncate(n);
    }
    Ok(Prepared {
        text,
        meta,
        input_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_html_and_filter_switch() {
        let text = "Talks in Geneva.\n\nWe use cookies on this site.";
        let p = prepare(
            Input::Text {
                name: "t".into(),
                text: text.into(),
            },
            None,
            &PrepareOptions::default(),
        )
        .unwrap();
        assert_eq!(p.text, "Talks in Geneva.\n");
        assert_eq!(p.meta.source.as_deref(), Some("t"));
        assert!(p.meta.preprocessing[0].contains("removed 1"));
        let off = PrepareOptions {
            boilerplate_filter: false,
            ..Default::default()
        };
        let p = prepare(
            Input::Text {
                name: "t".into(),
                text: text.into(),
            },
            None,
            &off,
        )
        .unwrap();
        assert_eq!(p.text, text);
        assert!(p.meta.preprocessing.is_empty());

        let p = prepare(
            Input::Html {
                name: "h".into(),
                html: "<title>T</title><p>Rain fell on Lyon and Nice overnight.</p>".into(),
            },
            None,
            &PrepareOptions::default(),
        )
        .unwrap();
        assert_eq!(p.text, "Rain fell on Lyon and Nice overnight.");
        assert_eq!(p.meta.title.as_deref(), Some("T"));
        assert!(is_html_path(Path::new("a/B.HTM")));
        assert!(!is_html_path(Path::new("a/b.txt")));
        assert!(prepare(Input::Url("http://x".into()), None, &off).is_err());
    }
}
