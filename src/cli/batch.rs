//! `mentionmap map --jsonl docs.jsonl` and `mentionmap map DIR/`: many documents in
//! parallel (`--threads` workers, [`batch::Runner`]), streamed in and out, one
//! error line per bad document, a progress bar on a terminal and a summary line at
//! the end.
//!
//! Outputs:
//! * `--out-dir DIR`: one file per document, named after its id
//!   (`DIR/<id>.geojson`, `.geojsons` for `--format geojsonseq`, `.csv` for CSV);
//! * otherwise `--format geojson` (default): one FeatureCollection whose features
//!   carry a `doc` property, written as the documents come (to `-o` or stdout);
//! * `--format geojsonseq`: a GeoJSON text sequence (RFC 8142), one Feature per
//!   record, each with `doc`;
//! * `--format csv`: one header, then rows with the `doc_id` column.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mentionmap::atomic_file::{AtomicFile, AtomicOptions};
use mentionmap::batch::{self, BatchDoc, DocError, DocResult};
use mentionmap::fetch::{FetchOptions, Fetcher};
use mentionmap::output::{self, Format, Metadata};
use mentionmap::pipeline::Mapper;
use mentionmap::source::PrepareOptions;
use mentionmap::{Error, Gazetteer, Layer};

/// Exit code when some documents of a batch failed (the rest were written).
pub const EXIT_SOME_FAILED: i32 = 8;

/// Where a batch comes from.
pub enum BatchSource {
    /// A JSONL file.
    Jsonl(PathBuf),
    /// A directory, walked recursively.
    Dir(PathBuf),
}

/// The documents of a batch, each or its error, one at a time.
pub type BatchDocs = Box<dyn Iterator<Item = Result<BatchDoc, DocError>> + Send>;

impl BatchSource {
    /// The source's name for messages and its documents (a JSONL file that
    /// cannot be opened is an error at once; a bad line or file is one bad document).
    /// `max_bytes` is `--max-bytes`, which also caps a JSONL line's length
    /// ([`batch::jsonl_line_cap`]).
    pub fn open(&self, max_bytes: u64) -> Result<(String, BatchDocs), Error> {
        Ok(match self {
            // `-`, as for most commands that read files: a pipe (`zcat docs.jsonl.gz |`).
            BatchSource::Jsonl(p) if p.as_os_str() == "-" => (
                "standard input".to_string(),
                Box::new(batch::jsonl_reader_docs(
                    std::io::BufReader::with_capacity(1 << 16, std::io::stdin()),
                    "standard input".to_string(),
                    batch::jsonl_line_cap(max_bytes),
                )),
            ),
            BatchSource::Jsonl(p) => (
                p.display().to_string(),
                Box::new(batch::jsonl_docs(p, batch::jsonl_line_cap(max_bytes))?),
            ),
            BatchSource::Dir(p) => (p.display().to_string(), Box::new(batch::dir_docs(p))),
        })
    }
}

/// Everything a batch run needs.
pub struct BatchConfig<'a> {
    pub mapper: &'a Mapper,
    pub gazetteer: &'a Gazetteer,
    pub layers: Vec<Layer>,
    pub format: Format,
    pub out_dir: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub threads: Option<usize>,
    pub prepare: PrepareOptions,
    pub fetch: FetchOptions,
}

/// Runs a batch; returns 0, or [`EXIT_SOME_FAILED`] when any document failed.
pub fn run(cfg: BatchConfig<'_>, source: BatchSource) -> Result<i32, Error> {
    let started = Instant::now();
    let (source_name, docs) = source.open(cfg.prepare.max_bytes)?;
    let fetcher = Fetcher::new(cfg.fetch.clone())?;
    let mut runner = batch::Runner::new(cfg.mapper, &cfg.prepare).fetcher(Some(&fetcher));
    if let Some(n) = cfg.threads {
        runner = runner.threads(n);
    }

    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{spinner} {pos} documents  {per_sec}  {elapsed}  {msg}")
                .unwrap(),
        );
        b.enable_steady_tick(Duration::from_millis(120));
        b
    } else {
        ProgressBar::hidden()
    };

    let mut out = Sink::open(&cfg, &source_name)?;
    let gazetteer = cfg.gazetteer;
    let layers = &cfg.layers;
    let format = cfg.format;
    let per_doc_files = cfg.out_dir.is_some();
    let render = |r: &Result<DocResult, DocError>| -> Result<Vec<u8>, Error> {
        let Ok(d) = r else { return Ok(Vec::new()) };
        render_doc(gazetteer, d, format, layers, per_doc_files)
    };
    let mut errors = 0usize;
    let mut report = |e: &dyn std::fmt::Display| {
        errors += 1;
        bar.set_message(format!("{errors} errors"));
        bar.suspend(|| eprintln!("mentionmap: error: {e}"));
    };
    // Documents mapped whose file could not be written: they count as failed.
    let mut unwritten = Unwritten::default();
    let mut summary = runner.run(docs, render, |r, rendered| {
        bar.inc(1);
        match r {
            Ok(d) => match out.put(&d, rendered?)? {
                Ok(()) => Ok(()),
                Err(e) => {
                    unwritten.documents += 1;
                    unwritten.places += d.mapped.places.len();
                    report(&e);
                    Ok(())
                }
            },
            Err(e) => {
                report(&e);
                Ok(())
            }
        }
    })?;
    summary.documents -= unwritten.documents;
    summary.places -= unwritten.places;
    summary.errors += unwritten.documents;
    out.finish(&summary)?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "mentionmap: {} documents, {} places, {} errors, {:.2} s, {:.2} MB/s",
        summary.documents,
        summary.places,
        summary.errors,
        secs,
        summary.bytes as f64 / 1e6 / secs.max(1e-9)
    );
    Ok(if summary.errors > 0 {
        EXIT_SOME_FAILED
    } else {
        0
    })
}

/// Mapped documents of an `--out-dir` batch whose file could not be written.
#[derive(Default)]
struct Unwritten {
    documents: usize,
    places: usize,
}

/// One document's output bytes, made on a worker thread.
fn render_doc(
    gazetteer: &Gazetteer,
    d: &DocResult,
    format: Format,
    layers: &[Layer],
    whole_file: bool,
) -> Result<Vec<u8>, Error> {
    let mut buf = Vec::new();
    let meta = &d.prepared.meta;
    match (format, whole_file) {
        (Format::GeoJson, false) => {
            // Comma-separated features for the combined collection (the features
            // alone: a collection's metadata per document would be made for nothing).
            let on_layers = d.mapped.places.iter().filter(|p| layers.contains(&p.layer));
            for p in on_layers {
                let f = output::feature(gazetteer, p, meta.doc.as_deref());
                serde_json::to_writer(&mut buf, &f).map_err(|e| Error::Output(e.to_string()))?;
                buf.push(b'\n');
            }
        }
        (Format::Csv, false) => {
            output::write(&mut buf, format, gazetteer, &d.mapped, meta, layers)?;
            // Drop this document's header line; the sink writes one.
            let nl = buf
                .iter()
                .position(|&b| b == b'\n')
                .map(|i| i + 1)
                .unwrap_or(buf.len());
            buf.drain(..nl);
        }
        _ => output::write(&mut buf, format, gazetteer, &d.mapped, meta, layers)?,
    }
    Ok(buf)
}

enum Sink {
    Dir {
        dir: PathBuf,
        ext: &'static str,
        /// Files written in this run: a repeated id gets a numbered file instead of
        /// overwriting the first one.
        written: std::collections::HashSet<PathBuf>,
    },
    Stream {
        w: Destination,
        format: Format,
        first: bool,
        cfg_meta: serde_json::Value,
    },
}

/// Where a streamed batch goes: standard output, or `-o`'s file written beside its
/// final name and renamed into place when the batch ends ([`AtomicFile`]).
enum Destination {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(AtomicFile),
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Destination::Stdout(w) => w.write(buf),
            Destination::File(f) => f.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Destination::Stdout(w) => w.write_all(buf),
            Destination::File(f) => f.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Destination::Stdout(w) => w.flush(),
            Destination::File(f) => f.flush(),
        }
    }
}

/// Whether a failed write of one document's file means the directory can take no
/// more (a full disk or quota, a read-only file system: the batch stops, exit 5)
/// rather than that one name being unusable (the document is reported, the rest go
/// on).
fn stops_the_batch(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(
            e.raw_os_error(),
            Some(libc::ENOSPC | libc::EDQUOT | libc::EROFS)
        )
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// `--out-dir` files are not synced one by one: whole-or-absent holds without it
/// (see [`AtomicOptions::sync`]), and a sync costs about 6 ms here, a minute over
/// a 10,000-document batch.
const SYNC_EACH_OUT_DIR_FILE: bool = false;

impl Sink {
    fn open(cfg: &BatchConfig<'_>, source_name: &str) -> Result<Sink, Error> {
        let oerr =
            |p: &std::path::Path, e: std::io::Error| Error::Output(format!("{}: {e}", p.display()));
        if let Some(dir) = &cfg.out_dir {
            std::fs::create_dir_all(dir).map_err(|e| oerr(dir, e))?;
            let ext = match cfg.format {
                Format::GeoJson => "geojson",
                Format::GeoJsonSeq => "geojsons",
                Format::Csv => "csv",
            };
            return Ok(Sink::Dir {
                dir: dir.clone(),
                ext,
                written: Default::default(),
            });
        }
        let mut w = match &cfg.output {
            Some(p) => Destination::File(AtomicFile::create(p)?),
            None => Destination::Stdout(std::io::BufWriter::new(std::io::stdout())),
        };
        let io = |e: std::io::Error| Error::Output(e.to_string());
        match cfg.format {
            Format::GeoJson => w
                .write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
                .map_err(io)?,
            Format::Csv => {
                let mut c = csv::Writer::from_writer(Vec::new());
                c.write_record(output::CSV_HEADER)
                    .map_err(|e| Error::Output(e.to_string()))?;
                w.write_all(&c.into_inner().map_err(|e| Error::Output(e.to_string()))?)
                    .map_err(io)?;
            }
            Format::GeoJsonSeq => {}
        }
        let meta = output::metadata(
            cfg.gazetteer,
            &Metadata {
                source: Some(source_name.to_string()),
                ..Default::default()
            },
            &cfg.layers,
        );
        Ok(Sink::Stream {
            w,
            format: cfg.format,
            first: true,
            cfg_meta: meta,
        })
    }

    /// Writes one document. The outer error stops the batch (the output cannot be
    /// written at all); the inner one is this document's alone (its file could
    /// not be made), to be reported while the rest go on.
    fn put(&mut self, d: &DocResult, bytes: Vec<u8>) -> Result<Result<(), DocError>, Error> {
        let io = |e: std::io::Error| Error::Output(e.to_string());
        match self {
            Sink::Dir { dir, ext, written } => {
                let origin = d.prepared.meta.source.clone().unwrap_or_default();
                let doc_error = |error: Error| DocError {
                    id: Some(d.id.clone()),
                    origin: origin.clone(),
                    error,
                };
                let mut path = match batch::out_path(dir, &d.id, ext) {
                    Ok(p) => p,
                    Err(message) => {
                        return Ok(Err(doc_error(Error::BadInput {
                            source_name: origin.clone(),
                            message,
                        })))
                    }
                };
                if written.contains(&path) {
                    let first = path.clone();
                    let stem = first.with_extension("");
                    let mut n = 2;
                    while written.contains(&path) {
                        path = PathBuf::from(format!("{}~{n}.{ext}", stem.display()));
                        n += 1;
                    }
                    eprintln!(
                        "mentionmap: document id {:?} repeats ({} exists): wrote {}",
                        d.id,
                        first.display(),
                        path.display()
                    );
                }
                let made = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .map_err(|e| (path.parent().unwrap_or(dir).to_path_buf(), e));
                let options = AtomicOptions::new().sync(SYNC_EACH_OUT_DIR_FILE);
                let wrote = made.and_then(|()| {
                    let mut f = options.create_io(&path).map_err(|e| (path.clone(), e))?;
                    f.write_all(&bytes).map_err(|e| (path.clone(), e))?;
                    f.commit_io().map_err(|e| (path.clone(), e))
                });
                match wrote {
                    Ok(()) => {
                        written.insert(path);
                        Ok(Ok(()))
                    }
                    Err((p, e)) if stops_the_batch(&e) => {
                        Err(Error::Output(format!("{}: {e}", p.display())))
                    }
                    Err((p, e)) => Ok(Err(doc_error(Error::Output(format!(
                        "{}: {e}",
                        p.display()
                    ))))),
                }
            }
            Sink::Stream {
                w, format, first, ..
            } => {
                if *format == Format::GeoJson {
                    // Features arrive one per line; join them with commas.
                    for line in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                        if !*first {
                            w.write_all(b",\n").map_err(io)?;
                        }
                        *first = false;
                        w.write_all(line).map_err(io)?;
                    }
                    Ok(Ok(()))
                } else {
                    w.write_all(&bytes).map_err(io)?;
                    Ok(Ok(()))
                }
            }
        }
    }

    /// Ends the output: the collection's metadata, then the rename of `-o`'s file.
    fn finish(self, summary: &batch::Summary) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::Output(e.to_string());
        if let Sink::Stream {
            mut w,
            format,
            mut cfg_meta,
            ..
        } = self
        {
            if format == Format::GeoJson {
                if let Some(m) = cfg_meta.as_object_mut() {
                    m.insert("documents".into(), summary.documents.into());
                    m.insert("places".into(), summary.places.into());
                    m.insert("errors".into(), summary.errors.into());
                }
                w.write_all(b"\n],\"metadata\":").map_err(io)?;
                serde_json::to_writer(&mut w, &cfg_meta)
                    .map_err(|e| Error::Output(e.to_string()))?;
                w.write_all(b"}\n").map_err(io)?;
            }
            match w {
                Destination::Stdout(mut s) => s.flush().map_err(io)?,
                Destination::File(f) => f.commit()?,
            }
        }
        Ok(())
    }
}
