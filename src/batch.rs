//! Mapping many documents: a JSONL file (one `{"id", "text"|"url"|"html"}` per
//! line) or a directory (every `.txt`, `.html` and `.htm` file, recursively), in
//! parallel on rayon's thread pool, with streamed input and output.
//!
//! Documents are read lazily and mapped in chunks of [`CHUNK`]: a chunk is mapped
//! in parallel, its results are handed to the sink in input order, and the chunk
//! is dropped before the next is read, so memory stays flat however large the
//! corpus. A document that fails (bad JSON line, unreadable file, failed URL) is
//! reported to the sink with its line number or path; the others go on.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Error;
use crate::fetch::Fetcher;
use crate::pipeline::{MappedDocument, Mapper};
use crate::source::{self, Input, PrepareOptions, Prepared};

/// Documents mapped in parallel before results are handed on.
pub const CHUNK: usize = 256;

/// One document of a batch, not yet read.
#[derive(Debug, Clone)]
pub struct BatchDoc {
    /// Its id: the JSONL `id`, or the path relative to the directory.
    pub id: String,
    /// Where it is, for messages: `docs.jsonl:12` or a path.
    pub origin: String,
    /// What to read.
    pub input: Input,
    /// The JSONL `title`, if any (it becomes the metadata's title).
    pub title: Option<String>,
    /// The JSONL `date`, if any, as given (for a corpus map's time filter).
    pub date: Option<String>,
}

/// A document that could not be listed or mapped.
#[derive(Debug)]
pub struct DocError {
    /// Its id when known.
    pub id: Option<String>,
    /// `docs.jsonl:12` or a path.
    pub origin: String,
    /// What went wrong.
    pub error: Error,
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} (doc {id:?}): {}", self.origin, self.error),
            None => write!(f, "{}: {}", self.origin, self.error),
        }
    }
}

/// A mapped document of a batch.
#[derive(Debug)]
pub struct DocResult {
    /// Its id.
    pub id: String,
    /// The prepared input (text and metadata, `doc` set to the id).
    pub prepared: Prepared,
    /// The places.
    pub mapped: MappedDocument,
    /// The JSONL `date`, if any.
    pub date: Option<String>,
}

/// Counts over a batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents mapped.
    pub documents: usize,
    /// Places over all documents.
    pub places: usize,
    /// Documents that failed.
    pub errors: usize,
    /// Raw input bytes read.
    pub bytes: u64,
}

/// Reads a JSONL file lazily: one document per non-blank line.
///
/// Each line is an object with an `id` (string or number; the line number when
/// absent) and one of `text`, `html` or `url`, optionally a `title` and a `date`
/// (strings); other members are ignored. A line that is not such an object
/// yields a [`DocError`] naming `FILE:LINE`.
pub fn jsonl_docs(path: &Path) -> Result<impl Iterator<Item = Result<BatchDoc, DocError>>, Error> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    Ok(jsonl_reader_docs(
        BufReader::with_capacity(1 << 16, file),
        name,
    ))
}

/// [`jsonl_docs`] over any reader (an uploaded body); `name` stands for the file
/// in messages.
pub fn jsonl_reader_docs<R: BufRead>(
    reader: R,
    name: String,
) -> impl Iterator<Item = Result<BatchDoc, DocError>> {
    reader
        .split(b'\n')
        .enumerate()
        .filter_map(move |(i, line)| {
            let origin = format!("{name}:{}", i + 1);
            let bad = |message: String| DocError {
                id: None,
                origin: origin.clone(),
                error: Error::BadInput {
                    source_name: origin.clone(),
                    message,
                },
            };
            let line = match line {
                Ok(l) => l,
                Err(e) => return Some(Err(bad(format!("cannot read the line: {e}")))),
            };
            if line.iter().all(u8::is_ascii_whitespace) {
                return None;
            }
            Some(parse_line(&line, i + 1, &origin).map_err(bad))
        })
}

fn parse_line(line: &[u8], lineno: usize, origin: &str) -> Result<BatchDoc, String> {
    #[derive(serde::Deserialize)]
    struct Line {
        id: Option<serde_json::Value>,
        text: Option<String>,
        html: Option<String>,
        url: Option<String>,
        // Loose: a number or anything else in them must not lose the document.
        title: Option<serde_json::Value>,
        date: Option<serde_json::Value>,
    }
    let l: Line = serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let id = match l.id {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        None | Some(serde_json::Value::Null) => format!("line-{lineno}"),
        Some(other) => return Err(format!("\"id\" must be a string or number, not {other}")),
    };
    let input = match (l.text, l.html, l.url) {
        (Some(text), None, None) => Input::Text {
            name: origin.to_string(),
            text,
        },
        (None, Some(html), None) => Input::Html {
            name: origin.to_string(),
            html,
        },
        (None, None, Some(url)) => Input::Url(url),
        (None, None, None) => return Err("needs one of \"text\", \"html\" or \"url\"".into()),
        _ => return Err("give only one of \"text\", \"html\" or \"url\"".into()),
    };
    Ok(BatchDoc {
        id,
        origin: origin.to_string(),
        input,
        title: loose_string(l.title),
        date: loose_string(l.date),
    })
}

/// A string or number member as text; anything else (or blank) as none.
fn loose_string(v: Option<serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Lists a directory lazily and recursively: every `.txt`, `.html` and `.htm` file,
/// in name order, with its path relative to `dir` as id. Hidden entries (".name")
/// are skipped; an unreadable subdirectory yields a [`DocError`].
pub fn dir_docs(dir: &Path) -> impl Iterator<Item = Result<BatchDoc, DocError>> {
    DirWalk {
        root: dir.to_path_buf(),
        stack: vec![Err(dir.to_path_buf())],
    }
}

struct DirWalk {
    root: PathBuf,
    /// Ok: a file to yield; Err: a directory to open. Popped from the end.
    stack: Vec<Result<PathBuf, PathBuf>>,
}

impl Iterator for DirWalk {
    type Item = Result<BatchDoc, DocError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.stack.pop()? {
                Ok(file) => {
                    let id = file
                        .strip_prefix(&self.root)
                        .unwrap_or(&file)
                        .to_string_lossy()
                        .replace('\\', "/");
                    return Some(Ok(BatchDoc {
                        id,
                        origin: file.display().to_string(),
                        input: Input::File(file),
                        title: None,
                        date: None,
                    }));
                }
                Err(dir) => {
                    let entries = match std::fs::read_dir(&dir) {
                        Ok(e) => e,
                        Err(source) => {
                            let name = dir.display().to_string();
                            return Some(Err(DocError {
                                id: None,
                                origin: name.clone(),
                                error: Error::Io { path: name, source },
                            }));
                        }
                    };
                    let mut items: Vec<Result<PathBuf, PathBuf>> = Vec::new();
                    for entry in entries.flatten() {
                        let path = entry.path();
                        if entry.file_name().to_string_lossy().starts_with('.') {
                            continue;
                        }
                        // Follows symlinks: a link to a file or directory counts.
                        let Ok(meta) = std::fs::metadata(&path) else {
                            items.push(Ok(path));
                            continue;
                        };
                        if meta.is_dir() {
                            items.push(Err(path));
                        } else if is_batch_file(&path) {
                            items.push(Ok(path));
                        }
                    }
                    // Reverse name order on the stack: yields in name order.
                    items.sort_by(|a, b| {
                        let (a, b) = (
                            a.as_ref().unwrap_or_else(|p| p),
                            b.as_ref().unwrap_or_else(|p| p),
                        );
                        b.cmp(a)
                    });
                    self.stack.extend(items);
                }
            }
        }
    }
}

/// `.txt`, `.html` or `.htm`, any case.
pub fn is_batch_file(path: &Path) -> bool {
    source::is_html_path(path)
        || path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

/// Maps one document of a batch.
pub fn map_doc(
    mapper: &Mapper,
    doc: BatchDoc,
    fetcher: Option<&Fetcher>,
    options: &PrepareOptions,
) -> Result<DocResult, DocError> {
    let BatchDoc {
        id,
        origin,
        input,
        title,
        date,
    } = doc;
    match source::prepare(input, fetcher, options) {
        Ok(mut prepared) => {
            prepared.meta.doc = Some(id.clone());
            if title.is_some() {
                prepared.meta.title = title;
            }
            let mapped = mapper.map(&prepared.text);
            Ok(DocResult {
                id,
                prepared,
                mapped,
                date,
            })
        }
        Err(error) => Err(DocError {
            id: Some(id),
            origin,
            error,
        }),
    }
}

/// Maps every document of `docs` on the current rayon pool, [`CHUNK`] at a time.
/// `render` runs on the worker threads right after each document (to serialize its
/// output in parallel); `sink` then gets each result with its rendering on the
/// calling thread, in input order. `sink` may stop the batch by returning an error
/// (an output failure), which is returned.
pub fn run<I, R, F, S>(
    mapper: &Mapper,
    docs: I,
    fetcher: Option<&Fetcher>,
    options: &PrepareOptions,
    render: F,
    mut sink: S,
) -> Result<Summary, Error>
where
    I: IntoIterator<Item = Result<BatchDoc, DocError>>,
    R: Send,
    F: Fn(&Result<DocResult, DocError>) -> R + Sync,
    S: FnMut(Result<DocResult, DocError>, R) -> Result<(), Error>,
{
    let mut summary = Summary::default();
    let mut docs = docs.into_iter();
    loop {
        let chunk: Vec<_> = docs.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let results: Vec<(Result<DocResult, DocError>, R)> = chunk
            .into_par_iter()
            .map(|d| {
                let r = d.and_then(|d| map_doc(mapper, d, fetcher, options));
                let rendered = render(&r);
                (r, rendered)
            })
            .collect();
        for (r, rendered) in results {
            match &r {
                Ok(d) => {
                    summary.documents += 1;
                    summary.places += d.mapped.places.len();
                    summary.bytes += d.prepared.input_bytes as u64;
                }
                Err(_) => summary.errors += 1,
            }
            sink(r, rendered)?;
        }
    }
    Ok(summary)
}

/// A file name for a document's GeoJSON under an output directory: the id with
/// unsafe characters replaced, path separators kept as subdirectories (no `..`,
/// no absolute paths), plus `.EXT`.
pub fn out_path(dir: &Path, id: &str, ext: &str) -> PathBuf {
    let mut p = dir.to_path_buf();
    let parts: Vec<String> = id
        .split('/')
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .map(|c| {
            c.chars()
                .map(|ch| {
                    if ch.is_alphanumeric() || matches!(ch, '.' | '-' | '_') {
                        ch
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    if parts.is_empty() {
        p.push(format!("_.{ext}"));
        return p;
    }
    let last = parts.len() - 1;
    for (i, c) in parts.into_iter().enumerate() {
        if i == last {
            p.push(format!("{c}.{ext}"));
        } else {
            p.push(c);
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_lines_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.jsonl");
        std::fs::write(
            &p,
            "{\"id\":\"a\",\"text\":\"Rain in Paris\"}\n\n{not json\n{\"id\":7,\"html\":\"<p>x</p>\"}\n{\"url\":\"http://127.0.0.1:9/\"}\n{\"id\":\"b\"}\n",
        )
        .unwrap();
        let docs: Vec<_> = jsonl_docs(&p).unwrap().collect();
        assert_eq!(docs.len(), 5);
        let ok = docs[0].as_ref().unwrap();
        assert_eq!(ok.id, "a");
        assert!(ok.origin.ends_with("d.jsonl:1"));
        let bad = docs[1].as_ref().unwrap_err();
        assert!(bad.to_string().contains("d.jsonl:3"), "{bad}");
        assert!(bad.to_string().contains("invalid JSON"));
        assert_eq!(docs[2].as_ref().unwrap().id, "7");
        assert_eq!(docs[3].as_ref().unwrap().id, "line-5");
        assert!(matches!(docs[3].as_ref().unwrap().input, Input::Url(_)));
        assert!(docs[4]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("needs one of"));
        assert!(jsonl_docs(&dir.path().join("missing.jsonl")).is_err());
    }

    #[test]
    fn directory_walk_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("sub/deeper")).unwrap();
        std::fs::create_dir_all(d.join(".hidden")).unwrap();
        for f in [
            "b.txt",
            "a.html",
            "c.md",
            "sub/x.htm",
            "sub/deeper/y.TXT",
            ".hidden/z.txt",
        ] {
            std::fs::write(d.join(f), "x").unwrap();
        }
        let ids: Vec<String> = dir_docs(d).map(|r| r.unwrap().id).collect();
        assert_eq!(ids, ["a.html", "b.txt", "sub/deeper/y.TXT", "sub/x.htm"]);
    }

    #[test]
    fn output_paths_stay_inside() {
        let d = Path::new("/out");
        assert_eq!(
            out_path(d, "a b/c.txt", "geojson"),
            Path::new("/out/a_b/c.txt.geojson")
        );
        assert_eq!(
            out_path(d, "../../etc/passwd", "geojson"),
            Path::new("/out/etc/passwd.geojson")
        );
        assert_eq!(
            out_path(d, "/abs", "geojson"),
            Path::new("/out/abs.geojson")
        );
        assert_eq!(out_path(d, "", "geojson"), Path::new("/out/_.geojson"));
    }
}
