//! `mentionmap map --jsonl docs.jsonl` and `mentionmap map DIR/`: many documents in
//! parallel (rayon), streamed in and out, one error line per bad document, a
//! progress bar on a terminal and a summary line at the end.
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
    pub fn open(&self) -> Result<(String, BatchDocs), Error> {
        Ok(match self {
            BatchSource::Jsonl(p) => (p.display().to_string(), Box::new(batch::jsonl_docs(p)?)),
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
    let (source_name, docs) = source.open()?;
    let fetcher = Fetcher::new(cfg.fetch.clone())?;
    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(n) = cfg.threads {
            b = b.num_threads(n);
        }
        b.build().map_err(|e| Error::BadInput {
            source_name: "--threads".into(),
            message: e.to_string(),
        })?
    };

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
    let summary = pool.install(|| {
        batch::run(
            cfg.mapper,
            docs,
            Some(&fetcher),
            &cfg.prepare,
            render,
            |r, rendered| {
                bar.inc(1);
                match r {
                    Ok(d) => out.put(&d, rendered?),
                    Err(e) => {
                        errors += 1;
                        bar.set_message(format!("{errors} errors"));
                        bar.suspend(|| eprintln!("mentionmap: error: {e}"));
                        Ok(())
                    }
                }
            },
        )
    })?;
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
            // Comma-separated features for the combined collection.
            let fc = output::feature_collection(gazetteer, &d.mapped, meta, layers);
            for f in &fc.features {
                serde_json::to_writer(&mut buf, f).map_err(|e| Error::Output(e.to_string()))?;
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

enum Sink<'a> {
    Dir {
        dir: PathBuf,
        ext: &'static str,
        /// Files written in this run: a repeated id gets a numbered file instead of
        /// overwriting the first one.
        written: std::collections::HashSet<PathBuf>,
    },
    Stream {
        w: Box<dyn Write + Send + 'a>,
        format: Format,
        first: bool,
        cfg_meta: serde_json::Value,
    },
}

impl<'a> Sink<'a> {
    fn open(cfg: &BatchConfig<'a>, source_name: &str) -> Result<Sink<'a>, Error> {
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
        let mut w: Box<dyn Write + Send> = match &cfg.output {
            Some(p) => Box::new(std::io::BufWriter::new(
                std::fs::File::create(p).map_err(|e| oerr(p, e))?,
            )),
            None => Box::new(std::io::BufWriter::new(std::io::stdout())),
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

    fn put(&mut self, d: &DocResult, bytes: Vec<u8>) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::Output(e.to_string());
        match self {
            Sink::Dir { dir, ext, written } => {
                let mut path = batch::out_path(dir, &d.id, ext);
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
                written.insert(path.clone());
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| Error::Output(format!("{}: {e}", parent.display())))?;
                }
                std::fs::write(&path, bytes)
                    .map_err(|e| Error::Output(format!("{}: {e}", path.display())))
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
                    Ok(())
                } else {
                    w.write_all(&bytes).map_err(io)
                }
            }
        }
    }

    fn finish(&mut self, summary: &batch::Summary) -> Result<(), Error> {
        let io = |e: std::io::Error| Error::Output(e.to_string());
        if let Sink::Stream {
            w,
            format,
            cfg_meta,
            ..
        } = self
        {
            if *format == Format::GeoJson {
                if let Some(m) = cfg_meta.as_object_mut() {
                    m.insert("documents".into(), summary.documents.into());
                    m.insert("places".into(), summary.places.into());
                    m.insert("errors".into(), summary.errors.into());
                }
                w.write_all(b"\n],\"metadata\":").map_err(io)?;
                serde_json::to_writer(&mut *w, cfg_meta)
                    .map_err(|e| Error::Output(e.to_string()))?;
                w.write_all(b"}\n").map_err(io)?;
            }
            w.flush().map_err(io)?;
        }
        Ok(())
    }
}
