//! Mapping many documents: a JSONL file (one `{"id", "text"|"url"|"html"}` per
//! line) or a directory (every `.txt`, `.html` and `.htm` file, recursively), in
//! parallel on worker threads, with streamed input and output.
//!
//! Documents are read lazily on the calling thread and handed to the workers; each
//! result goes to the sink, in input order, as soon as the documents before it are
//! done, with at most [`IN_FLIGHT`] documents read and not yet handed on, so memory
//! stays flat however large the corpus and no worker waits for another's slow
//! document (see [`Runner`] and [`ordered`]). A document that fails (bad
//! JSON line, unreadable file, failed URL) is reported to the sink with its line
//! number or path; the others go on.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::fetch::Fetcher;
use crate::pipeline::{MappedDocument, Mapper};
use crate::source::{self, Input, PrepareOptions, Prepared};

pub mod ordered;

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
        // The error often names the same place (`docs.jsonl:3: ...`, a file's
        // path): say it once.
        let error = self.error.to_string();
        let error = error
            .strip_prefix(&format!("{}: ", self.origin))
            .unwrap_or(&error);
        match &self.id {
            Some(id) => write!(f, "{} (doc {id:?}): {error}", self.origin),
            None => write!(f, "{}: {error}", self.origin),
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

/// Room a JSONL line gets beyond `--max-bytes` for its JSON: escapes (`\"`,
/// `\n`, `\uXXXX`) can double a text's size, and the id, title and date need a
/// little more.
const JSONL_ESCAPE_FACTOR: u64 = 2;
/// Bytes a JSONL line may take beyond its text for the other members.
const JSONL_LINE_OVERHEAD: u64 = 64 * 1024;

/// The longest JSONL line read for documents of at most `max_bytes`: twice that (JSON
/// escapes) plus 64 KiB. A longer line is one bad document, skipped without being
/// held in memory.
pub fn jsonl_line_cap(max_bytes: u64) -> u64 {
    max_bytes
        .saturating_mul(JSONL_ESCAPE_FACTOR)
        .saturating_add(JSONL_LINE_OVERHEAD)
}

/// Reads a JSONL file lazily: one document per non-blank line.
///
/// Each line is an object with an `id` (string or number; the line number when
/// absent) and one of `text`, `html` or `url`, optionally a `title` and a `date`
/// (strings); other members are ignored. A line that is not such an object, or is
/// longer than `max_line` bytes (see [`jsonl_line_cap`]), yields a [`DocError`]
/// naming `FILE:LINE`.
pub fn jsonl_docs(
    path: &Path,
    max_line: u64,
) -> Result<impl Iterator<Item = Result<BatchDoc, DocError>>, Error> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    Ok(jsonl_reader_docs(
        BufReader::with_capacity(1 << 16, file),
        name,
        max_line,
    ))
}

/// [`jsonl_docs`] over any reader (an uploaded body); `name` stands for the file
/// in messages.
pub fn jsonl_reader_docs<R: BufRead>(
    reader: R,
    name: String,
    max_line: u64,
) -> impl Iterator<Item = Result<BatchDoc, DocError>> {
    CappedLines {
        reader,
        max: max_line,
        done: false,
    }
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
            Err(LineError::Read(e)) => {
                return Some(Err(bad(format!("cannot read the line: {e}"))))
            }
            Err(LineError::TooLong(n)) => {
                return Some(Err(bad(format!(
                    "line of {n} bytes is longer than the {max_line}-byte limit (twice --max-bytes plus 64 KiB)"
                ))))
            }
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(parse_line(&line, i + 1, &origin).map_err(bad))
    })
}

/// Why a line was not read.
enum LineError {
    Read(std::io::Error),
    /// Longer than the cap; carries its length in bytes.
    TooLong(u64),
}

/// Lines (without their `\n`) of at most `max` bytes; a longer line is read
/// through to its end without being kept, and reported with its length.
struct CappedLines<R> {
    reader: R,
    max: u64,
    done: bool,
}

impl<R: BufRead> Iterator for CappedLines<R> {
    type Item = Result<Vec<u8>, LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut line = Vec::new();
        let mut len: u64 = 0;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Some(Err(LineError::Read(e)));
                }
            };
            if chunk.is_empty() {
                self.done = true;
                if len == 0 {
                    return None;
                }
                break;
            }
            let (part, used, ends) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (&chunk[..i], i + 1, true),
                None => (chunk, chunk.len(), false),
            };
            len += part.len() as u64;
            if len <= self.max {
                line.extend_from_slice(part);
            } else if !line.is_empty() {
                // Over the cap: let go of what was kept, count the rest.
                line = Vec::new();
            }
            self.reader.consume(used);
            if ends {
                break;
            }
        }
        Some(if len > self.max {
            Err(LineError::TooLong(len))
        } else {
            Ok(line)
        })
    }
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

/// Maps every document of `docs` on as many worker threads as the current rayon
/// pool has (so `pool.install(|| batch::run(..))` sets the number); see
/// [`Runner::run`], which this is with the default window and no other settings.
pub fn run<I, R, F, S>(
    mapper: &Mapper,
    docs: I,
    fetcher: Option<&Fetcher>,
    options: &PrepareOptions,
    render: F,
    sink: S,
) -> Result<Summary, Error>
where
    I: IntoIterator<Item = Result<BatchDoc, DocError>>,
    R: Send,
    F: Fn(&Result<DocResult, DocError>) -> R + Sync,
    S: FnMut(Result<DocResult, DocError>, R) -> Result<(), Error>,
{
    Runner::new(mapper, options)
        .fetcher(fetcher)
        .threads(rayon::current_num_threads())
        .run(docs, render, sink)
}

/// How a batch runs: the mapper, input options, URL fetcher, worker threads and
/// the window of documents in flight. Made with [`Runner::new`], set with its
/// builder methods, started with [`Runner::run`].
#[derive(Clone, Copy)]
pub struct Runner<'a> {
    mapper: &'a Mapper,
    options: &'a PrepareOptions,
    fetcher: Option<&'a Fetcher>,
    threads: usize,
    window: usize,
}

impl<'a> Runner<'a> {
    /// A runner with one worker per core, no fetcher (URL documents fail) and a
    /// window of [`IN_FLIGHT`].
    pub fn new(mapper: &'a Mapper, options: &'a PrepareOptions) -> Self {
        Runner {
            mapper,
            options,
            fetcher: None,
            threads: default_threads(),
            window: IN_FLIGHT,
        }
    }

    /// The fetcher for URL documents.
    pub fn fetcher(mut self, fetcher: Option<&'a Fetcher>) -> Self {
        self.fetcher = fetcher;
        self
    }

    /// Worker threads; 0 means one per core. More than the window would idle, so
    /// at most that many run.
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = if n == 0 { default_threads() } else { n };
        self
    }

    /// Documents read and not yet handed to the sink, at most (at least 1): what
    /// bounds memory, however large the batch.
    pub fn window(mut self, n: usize) -> Self {
        self.window = n.max(1);
        self
    }

    /// Maps every document of `docs` on the worker threads. `render` runs on the
    /// workers right after each document (to serialize its output in parallel);
    /// `sink` then gets each result with its rendering on the calling thread, in
    /// input order, as soon as the documents before it are done. The documents are
    /// read on the calling thread too, between results, while the workers map.
    /// `sink` may stop the batch by returning an error (an output failure), which
    /// is returned; so is a failure to start any worker thread.
    pub fn run<I, R, F, S>(&self, docs: I, render: F, mut sink: S) -> Result<Summary, Error>
    where
        I: IntoIterator<Item = Result<BatchDoc, DocError>>,
        R: Send,
        F: Fn(&Result<DocResult, DocError>) -> R + Sync,
        S: FnMut(Result<DocResult, DocError>, R) -> Result<(), Error>,
    {
        let Runner {
            mapper,
            options,
            fetcher,
            ..
        } = *self;
        let mut summary = Summary::default();
        let work = |d: Result<BatchDoc, DocError>| {
            let r = d.and_then(|d| map_doc(mapper, d, fetcher, options));
            let rendered = render(&r);
            (r, rendered)
        };
        let collect = |(r, rendered): (Result<DocResult, DocError>, R)| {
            match &r {
                Ok(d) => {
                    summary.documents += 1;
                    summary.places += d.mapped.places.len();
                    summary.bytes += d.prepared.input_bytes as u64;
                }
                Err(_) => summary.errors += 1,
            }
            sink(r, rendered)
        };
        let workers = self.threads.min(self.window);
        ordered::run(workers, self.window, docs, work, collect)
            .map_err(|e| Error::Output(format!("cannot start a worker thread: {e}")))??;
        Ok(summary)
    }
}

/// Documents in flight at most by default: as many as the chunks of 256 the batch
/// was mapped in before held, so memory stays where it was, and enough that one
/// slow document (a long text, a slow URL) does not stall the other workers until
/// a few hundred documents behind it are done.
pub const IN_FLIGHT: usize = 256;

/// One worker per core, or one when the number of cores is unknown.
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The longest name part [`out_path`] writes, in bytes: under the 255-byte name
/// limit of common file systems, with room for `.geojsons` and a `~N` for a
/// repeated id.
pub const MAX_NAME_PART_BYTES: usize = 200;
/// The deepest relative path [`out_path`] makes: with parts of at most
/// [`MAX_NAME_PART_BYTES`], twelve levels stay well under the 4,096-byte path limit.
pub const MAX_NAME_DEPTH: usize = 12;

/// A file name for a document under an output directory, made from its id:
///
/// 1. the id is split at `/` and `\`; empty, `.` and `..` parts are dropped, so the
///    file is always inside `dir`;
/// 2. in each part every character but letters, digits, `.`, `-` and `_` becomes
///    `_` (spaces, NUL and control characters, `:`), and a leading `.` becomes `_`
///    (no hidden files: temporary files are hidden);
/// 3. a directory part that ends in `.EXT` gets a `_` appended, so that no
///    directory takes the name of a document's file (ids `a` and `a.geojson/x`
///    give `a.geojson` and `a.geojson_/x.geojson`);
/// 4. over [`MAX_NAME_DEPTH`] parts, all are joined with `_` into one;
/// 5. a part over [`MAX_NAME_PART_BYTES`] is cut (at a character boundary) and ends
///    in `~` and eight hex digits of a checksum of the whole id, so that long ids
///    with the same beginning stay apart;
/// 6. the last part gets `.EXT`.
///
/// An id that leaves no part (empty, `..`, `/`) is an error, reported as one bad
/// document. Two ids may still give one name (`a b` and `a_b`): the batch writer
/// numbers the later file rather than overwrite the first.
pub fn out_path(dir: &Path, id: &str, ext: &str) -> Result<PathBuf, String> {
    let mut parts: Vec<String> = id
        .split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .map(safe_name_part)
        .collect();
    if parts.is_empty() {
        return Err(format!(
            "document id {id:?} cannot name a file (nothing left after dropping `/`, `.` and `..`)"
        ));
    }
    if parts.len() > MAX_NAME_DEPTH {
        parts = vec![parts.join("_")];
    }
    let last = parts.len() - 1;
    let dir_suffix = format!(".{ext}");
    let mut p = dir.to_path_buf();
    for (i, part) in parts.into_iter().enumerate() {
        let part = cut_long_part(part, id);
        if i == last {
            p.push(format!("{part}.{ext}"));
        } else if part.ends_with(&dir_suffix) {
            p.push(format!("{part}_"));
        } else {
            p.push(part);
        }
    }
    Ok(p)
}

/// Rule 2 of [`out_path`] for one part.
fn safe_name_part(part: &str) -> String {
    part.chars()
        .enumerate()
        .map(|(i, ch)| match ch {
            '.' if i == 0 => '_',
            c if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') => c,
            _ => '_',
        })
        .collect()
}

/// Rule 5 of [`out_path`].
fn cut_long_part(part: String, id: &str) -> String {
    if part.len() <= MAX_NAME_PART_BYTES {
        return part;
    }
    // Room for "~" and 8 hex digits.
    let mut end = MAX_NAME_PART_BYTES - 9;
    while !part.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}~{:08x}", &part[..end], crc32fast::hash(id.as_bytes()))
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
        let docs: Vec<_> = jsonl_docs(&p, 1 << 20).unwrap().collect();
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
        assert!(jsonl_docs(&dir.path().join("missing.jsonl"), 1 << 20).is_err());
    }

    #[test]
    fn a_line_over_the_cap_is_one_bad_document_and_is_not_kept() {
        let long = format!("{{\"id\":\"big\",\"text\":\"{}\"}}", "Aleppo ".repeat(100));
        let input = format!(
            "{{\"id\":\"a\",\"text\":\"Homs\"}}\n{long}\n\n{{\"id\":\"c\",\"text\":\"Hama\"}}"
        );
        // A small buffer, so the long line arrives in many pieces.
        let reader = std::io::BufReader::with_capacity(16, input.as_bytes());
        let docs: Vec<_> = jsonl_reader_docs(reader, "d.jsonl".into(), 200).collect();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].as_ref().unwrap().id, "a");
        let e = docs[1].as_ref().unwrap_err().to_string();
        assert!(e.starts_with("d.jsonl:2: line of 722 bytes"), "{e}");
        assert!(!e.contains("d.jsonl:2: d.jsonl:2"), "{e}");
        let c = docs[2].as_ref().unwrap();
        assert_eq!((c.id.as_str(), c.origin.as_str()), ("c", "d.jsonl:4"));
        // No line is over the cap: nothing is refused.
        let reader = std::io::BufReader::with_capacity(16, input.as_bytes());
        assert!(jsonl_reader_docs(reader, "d.jsonl".into(), 722).all(|d| d.is_ok()));
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
        let p = |id: &str| out_path(d, id, "geojson");
        assert_eq!(p("a b/c.txt").unwrap(), Path::new("/out/a_b/c.txt.geojson"));
        assert_eq!(
            p("../../etc/passwd").unwrap(),
            Path::new("/out/etc/passwd.geojson")
        );
        assert_eq!(p("/abs").unwrap(), Path::new("/out/abs.geojson"));
        assert_eq!(p("..\\win\\x").unwrap(), Path::new("/out/win/x.geojson"));
        assert_eq!(p(".hidden").unwrap(), Path::new("/out/_hidden.geojson"));
        assert_eq!(p("a\0b\n").unwrap(), Path::new("/out/a_b_.geojson"));
        // A directory never takes a document file's name.
        assert_eq!(
            p("a.geojson/x").unwrap(),
            Path::new("/out/a.geojson_/x.geojson")
        );
        for bad in ["", "..", "/", "./../."] {
            assert!(
                p(bad).unwrap_err().contains("cannot name a file"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn long_and_deep_ids_make_short_distinct_names() {
        let d = Path::new("/out");
        let long_a = format!("{}a", "é".repeat(300));
        let long_b = format!("{}b", "é".repeat(300));
        let (a, b) = (
            out_path(d, &long_a, "geojsons").unwrap(),
            out_path(d, &long_b, "geojsons").unwrap(),
        );
        assert_ne!(a, b);
        for p in [&a, &b] {
            let name = p.file_name().unwrap().to_str().unwrap();
            assert!(
                name.len() <= MAX_NAME_PART_BYTES + ".geojsons".len(),
                "{name}"
            );
            assert!(name.ends_with(".geojsons"));
        }
        let deep = vec!["x"; 40].join("/");
        let p = out_path(d, &deep, "csv").unwrap();
        assert_eq!(p.parent().unwrap(), d);
        assert!(p.to_str().unwrap().len() < 4096);
    }
}
