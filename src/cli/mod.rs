//! The command line: flags (clap) and one function per subcommand. Each function
//! builds what it needs from the library and returns a library error, which `main`
//! prints as one line and turns into an exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use mentionmap::atomic_file::{self, AtomicFile};
use mentionmap::output::{self, Format, Metadata};
use mentionmap::pipeline::{MappedDocument, Mapper};
use mentionmap::{Error, Gazetteer, Layer};

mod aggregate;
mod batch;
mod dump_ranker;
mod eval;
mod eval_errors;
pub mod exit;
mod explain;
mod gazetteer;

/// Exit code when the input was empty: the output is a valid, empty collection.
pub const EXIT_EMPTY_INPUT: i32 = 6;

#[derive(Debug, Parser)]
#[command(
    name = "mentionmap",
    version,
    about = "Find the places a text mentions and map them as GeoJSON.",
    after_help = "Examples:\n  mentionmap map article.txt -o places.geojson\n  cat article.txt | mentionmap map --format csv\n  mentionmap map article.txt --explain > /dev/null\n  mentionmap resolve Aleppo\n  mentionmap near 36.2 37.16 --km 25\n\nPlace data from GeoNames (https://www.geonames.org), CC BY 4.0."
)]
pub struct Cli {
    /// Gazetteer file to use instead of the bundled default (see gazetteer/README.md).
    #[arg(long, global = true, value_name = "PATH")]
    pub gazetteer: Option<PathBuf>,

    /// Use the bundled gazetteer even when `gazetteer download` has put an index in the cache directory.
    #[arg(long, global = true, conflicts_with = "gazetteer")]
    pub bundled_gazetteer: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Map the places in text or HTML files, web pages (URLs), standard input, or a
    /// batch (a directory or a JSONL file) to GeoJSON.
    #[command(after_help = MAP_HELP)]
    Map(MapArgs),
    /// Show the ranked gazetteer candidates for one name.
    #[command(after_help = "Example:\n  mentionmap resolve \"Washington\" --limit 5")]
    Resolve(ResolveArgs),
    /// Measure recognition and resolution accuracy on annotated JSONL corpora.
    #[command(
        after_help = "Example:\n  mentionmap eval ../shared/eval/dev/*.jsonl --errors errors.jsonl"
    )]
    Eval(eval::EvalArgs),
    /// Build a gazetteer index from GeoNames dumps or your own places, or describe one.
    #[command(
        after_help = "Examples:\n  mentionmap gazetteer build --geonames allCountries.zip -o geonames.gaz\n  mentionmap gazetteer info geonames.gaz"
    )]
    Gazetteer(gazetteer::GazetteerArgs),
    /// Serve the map page and a JSON API (POST /api/map, GET /api/resolve, GET /api/near).
    #[command(
        after_help = "Example:\n  mentionmap serve --addr 127.0.0.1:8080\n  then open http://127.0.0.1:8080/ and paste an article"
    )]
    Serve(ServeArgs),
    /// List gazetteer places within a distance of a point (R-tree query).
    #[command(after_help = "Example:\n  mentionmap near 36.2021 37.1343 --km 10")]
    Near(NearArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// One GeoJSON FeatureCollection (RFC 7946).
    Geojson,
    /// GeoJSON text sequence, one Feature per record (RFC 8142).
    Geojsonseq,
    /// CSV, one row per place.
    Csv,
}

/// `map --help` epilogue: inputs, batch outputs and exit codes.
const MAP_HELP: &str = "Inputs:
  FILE.txt             plain text; trailing cookie/consent/subscribe/share paragraphs and
                       stray 1-2 character lines are dropped first (--keep-boilerplate keeps them)
  FILE.html, FILE.htm  the page's main text is extracted (navigation, scripts, footers,
                       cookie banners, share bars and related-links lists dropped)
  http(s)://URL        fetched (redirects <= 5, --timeout, --max-fetch-bytes), then as HTML
                       (or as text for text/plain); other content types are an error
  -  or nothing        standard input; --input html extracts it as HTML
  DIR/                 batch: every .txt/.html/.htm below DIR, recursively
  --jsonl FILE         batch: one {\"id\", \"text\"|\"html\"|\"url\"} object per line (- reads stdin)
Mention offsets refer to the text that was mapped (after extraction and filtering); the
GeoJSON metadata records the source, the page title, the fetch time and those steps.

Batch output (documents mapped in parallel, --threads):
  --out-dir DIR        one file per document: DIR/<id>.geojson (.geojsons, .csv by --format)
  --format geojson     one FeatureCollection to -o or stdout; each feature has a `doc` property
  --format geojsonseq  GeoJSON text sequence (RFC 8142), one Feature per record, with `doc`
  --format csv         one CSV with a `doc_id` column (the columns of src/rows.rs)
  A bad document (invalid JSON line, unreadable file, failed URL) is reported with its line
  number or path and the others still come out. A progress bar shows on a terminal; a
  summary line (documents, places, errors, seconds, MB/s) ends the run on stderr.

Exit codes:
  0 success   2 usage   3 input unreadable or invalid   4 gazetteer   5 output
  6 empty input (an empty collection was written)   7 network (DNS, timeout, HTTP 4xx/5xx,
  not HTML or text, body too large)   8 some documents of a batch failed

Examples:
  mentionmap map ../shared/examples/aleppo-2016.txt -o aleppo.geojson
  mentionmap map https://example.org/news/story.html
  mentionmap map saved-page.html --format csv
  mentionmap map a.txt b.txt --format geojsonseq
  echo 'Talks in Geneva and Aleppo' | mentionmap map --layers cities
  mentionmap map --jsonl docs.jsonl --out-dir places/
  mentionmap map corpus/ --format geojsonseq > places.geojsons";

/// How to read FILE arguments and standard input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputArg {
    /// HTML for .html/.htm files and text/html pages, plain text otherwise.
    Auto,
    /// Everything is plain text.
    Text,
    /// Everything is HTML: extract the main text first.
    Html,
}

#[derive(Debug, Args)]
pub struct MapArgs {
    /// Text or HTML files, http(s) URLs, or one directory (batch); `-` or nothing reads
    /// standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Batch: map the documents of this JSONL file, one {"id", "text"|"html"|"url"} per line
    /// (`-`: standard input).
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub jsonl: Option<PathBuf>,
    /// Batch: write one file per document into this directory.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["output", "split_layers"])]
    pub out_dir: Option<PathBuf>,
    /// Batch: worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// How to read files and standard input.
    #[arg(long, value_enum, default_value = "auto")]
    pub input: InputArg,
    /// Keep trailing cookie/consent/subscribe/share paragraphs of plain text.
    #[arg(long)]
    pub keep_boilerplate: bool,
    /// Seconds allowed for fetching one URL.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Refuse web pages larger than this many bytes (after decompression).
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_fetch_bytes: u64,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "geojson")]
    pub format: FormatArg,
    /// Layers to write, comma-separated: countries, regions, cities, districts, areas,
    /// physical.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "countries,regions,cities,districts,areas,physical"
    )]
    pub layers: Vec<String>,
    /// With -o: write one file per layer (OUT.countries.geojson ...) instead of one.
    #[arg(long, requires = "output")]
    pub split_layers: bool,
    /// Also write a self-contained map page (Leaflet, basemap and data inlined) that
    /// opens from disk. For a batch: a map of the whole corpus, one marker per place
    /// sized by documents and mentions, with document and date filters.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// Batch: write the corpus aggregated as GeoJSON, one feature per place with
    /// doc_count, mention_count and the document ids (for a QGIS heatmap).
    #[arg(long, value_name = "PATH")]
    pub aggregate: Option<PathBuf>,
    /// Do not count demonyms ("Syrian") as mentions of their country.
    #[arg(long)]
    pub no_demonyms: bool,
    /// Print every mention's ranked candidates and their features to standard error.
    #[arg(long)]
    pub explain: bool,
    /// Keep every mention of each place (and every explanation); by default a place
    /// lists its first 1000 mentions, counts all, and says `mentions_truncated`.
    #[arg(long)]
    pub all_mentions: bool,
    /// Drop mentions whose best candidate scores below this (higher: fewer, surer places).
    #[arg(long, value_name = "SCORE")]
    pub min_score: Option<f64>,
    /// Leave out places whose confidence (the calibrated probability that the place is
    /// right within 161 km) is below this, from 0 to 1: higher trades recall for
    /// precision (dev corpora: 0.5 keeps 93% of the right mentions and raises their share
    /// from 72% to 79%; 0.7 keeps 73% at 86%).
    #[arg(long, value_name = "P", value_parser = probability)]
    pub min_confidence: Option<f64>,
    /// How a mention's place is picked among its namesakes: `rules` (the hand-set sum
    /// of features, the default) or `learned` (the model `scripts/train-ranker` fits).
    #[arg(long, value_name = "RANKER", default_value = "rules", value_parser = ["rules", "learned"])]
    pub ranker: String,
    /// The texts' language (ISO 639-1 such as ar, ru, zh, es, fr, de), instead of
    /// detecting it per document.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Refuse inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = mentionmap::input::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The place name, as a text would write it.
    pub name: String,
    /// How many candidates to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Let pages from this origin (`https://maps.example`, or `*` for any) call the API;
    /// repeatable. By default cross-origin requests are refused with 403.
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    /// Texts mapped at once (default: one per CPU); the others wait.
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Connections open at once; more are closed on arrival.
    #[arg(long, value_name = "N", default_value_t = mentionmap::server::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
}

#[derive(Debug, Args)]
pub struct NearArgs {
    /// Latitude, degrees north.
    #[arg(allow_hyphen_values = true)]
    pub lat: f64,
    /// Longitude, degrees east.
    #[arg(allow_hyphen_values = true)]
    pub lon: f64,
    /// Radius in km.
    #[arg(long, default_value_t = 25.0)]
    pub km: f64,
    /// How many places to show, nearest first.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The gazetteer file the flags select: `--gazetteer`, else the index `gazetteer
/// download` wrote to the cache directory (unless `--bundled-gazetteer`), else `None`
/// for the bundled default.
fn gazetteer_in_use(cli: &Cli) -> Option<PathBuf> {
    match &cli.gazetteer {
        Some(p) => Some(p.clone()),
        None if cli.bundled_gazetteer => None,
        None => mentionmap::gazetteer::downloaded_index(),
    }
}

/// Loads the gazetteer the flags select. A downloaded index that no longer opens
/// (corrupt, or built by an older mentionmap) says how to get past it.
fn load_gazetteer(path: &Option<PathBuf>) -> Result<Arc<Gazetteer>, Error> {
    Ok(Arc::new(match path {
        Some(p) => Gazetteer::open(p).map_err(|e| {
            match (e, mentionmap::gazetteer::downloaded_index().as_ref() == Some(p)) {
                (Error::Gazetteer { source_name, line, message }, true) => Error::Gazetteer {
                    source_name,
                    line,
                    message: format!(
                        "{message} (the index `gazetteer download` wrote: run it again, or use --bundled-gazetteer)"
                    ),
                },
                (e, _) => e,
            }
        })?,
        None => Gazetteer::bundled()?,
    }))
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32, Error> {
    if let Command::Gazetteer(args) = &cli.command {
        return gazetteer::run(args, gazetteer_in_use(&cli));
    }
    if let Command::Serve(args) = &cli.command {
        check_addr(&args.addr)?;
    }
    let gazetteer = load_gazetteer(&gazetteer_in_use(&cli))?;
    match cli.command {
        Command::Map(args) => map(gazetteer, args),
        Command::Resolve(args) => resolve(&gazetteer, args),
        Command::Near(args) => near(&gazetteer, args),
        Command::Serve(args) => {
            let mut options = mentionmap::server::ServeOptions::new(&args.addr)
                .allow_origins(args.allow_origin)
                .max_connections(args.max_connections);
            if let Some(n) = args.workers {
                options = options.map_workers(n);
            }
            mentionmap::server::serve(Arc::new(Mapper::new(gazetteer)), options)?;
            Ok(0)
        }
        Command::Eval(args) => eval::run(gazetteer, args),
        Command::Gazetteer(_) => unreachable!("handled above"),
    }
}

/// `serve --addr` must name a host and port; a malformed one is a usage error, not
/// a failure to listen.
fn check_addr(addr: &str) -> Result<(), Error> {
    use std::net::ToSocketAddrs;
    match addr.to_socket_addrs().map(|mut a| a.next()) {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(Error::Usage {
            flag: "--addr".into(),
            message: format!("{addr:?} names no address"),
        }),
        Err(e) => Err(Error::Usage {
            flag: "--addr".into(),
            message: format!("{addr:?} is not HOST:PORT ({e})"),
        }),
    }
}

fn map(gazetteer: Arc<Gazetteer>, args: MapArgs) -> Result<i32, Error> {
    let layers = parse_layers(&args.layers)?;
    if let Some(code) = &args.lang {
        mentionmap::spot::Language::check_code(code).map_err(|e| Error::BadInput {
            source_name: "--lang".into(),
            message: e.to_string(),
        })?;
    }
    let mut builder = Mapper::builder()
        .demonyms(!args.no_demonyms)
        .language(args.lang.as_deref());
    if let Some(s) = args.min_score {
        builder = builder.min_score(s);
    }
    if let Some(p) = args.min_confidence {
        builder = builder.min_confidence(p);
    }
    builder = builder.ranking(mentionmap::resolve::ranker::Ranking::from_name(
        &args.ranker,
    )?);
    if args.all_mentions {
        builder = builder.max_mentions(None);
    }
    let mapper = builder.build(gazetteer.clone());
    let format = match args.format {
        FormatArg::Geojson => Format::GeoJson,
        FormatArg::Geojsonseq => Format::GeoJsonSeq,
        FormatArg::Csv => Format::Csv,
    };

    let prepare = mentionmap::source::PrepareOptions {
        boilerplate_filter: !args.keep_boilerplate,
        html: match args.input {
            InputArg::Auto => None,
            InputArg::Text => Some(false),
            InputArg::Html => Some(true),
        },
        max_bytes: args.max_bytes,
    };
    let fetch = mentionmap::fetch::FetchOptions {
        timeout: std::time::Duration::from_secs_f64(args.timeout.max(0.001)),
        connect_timeout: std::time::Duration::from_secs_f64(args.timeout.clamp(0.001, 10.0)),
        max_bytes: args.max_fetch_bytes,
        ..Default::default()
    };
    let batch_source = match (&args.jsonl, args.files.as_slice()) {
        (Some(j), _) => Some(batch::BatchSource::Jsonl(j.clone())),
        (None, [d]) if d.is_dir() => Some(batch::BatchSource::Dir(d.clone())),
        _ => None,
    };
    if let Some(src) = batch_source {
        // Say so rather than silently ignore a flag that only makes sense for one text.
        if args.explain {
            return Err(Error::Usage {
                flag: "--explain".into(),
                message: "works on one document: not with a directory or --jsonl".into(),
            });
        }
        if args.html.is_some() || args.aggregate.is_some() {
            return aggregate_batch(&mapper, &gazetteer, layers, &args, prepare, fetch, src);
        }
        let cfg = batch::BatchConfig {
            mapper: &mapper,
            gazetteer: &gazetteer,
            layers,
            format,
            out_dir: args.out_dir.clone(),
            output: args.output.clone(),
            threads: args.threads,
            prepare,
            fetch,
        };
        return batch::run(cfg, src);
    }
    if args.aggregate.is_some() {
        return Err(Error::Usage {
            flag: "--aggregate".into(),
            message: "is for batches: give a directory or --jsonl FILE".into(),
        });
    }
    if args.out_dir.is_some() {
        return Err(Error::Usage {
            flag: "--out-dir".into(),
            message: "is for batches: give a directory or --jsonl FILE".into(),
        });
    }

    let stdin = args.files.is_empty() || args.files.iter().any(|f| f.as_os_str() == "-");
    if stdin && std::io::stdin().is_terminal() {
        eprintln!("mentionmap: reading text from standard input (end with Ctrl-D); see --help");
    }
    let sources: Vec<Option<PathBuf>> = if args.files.is_empty() {
        vec![None]
    } else {
        args.files
            .iter()
            .map(|f| (f.as_os_str() != "-").then(|| f.clone()))
            .collect()
    };
    // Read (fetch, extract) every input first: a bad one stops the run before any
    // output is written.
    use mentionmap::source::Input;
    let url_of = |p: &PathBuf| {
        p.to_str()
            .filter(|s| mentionmap::fetch::is_url(s))
            .map(str::to_string)
    };
    let fetcher = if sources.iter().flatten().any(|p| url_of(p).is_some()) {
        Some(mentionmap::fetch::Fetcher::new(fetch)?)
    } else {
        None
    };
    let mut docs: Vec<(String, String)> = Vec::new();
    let mut metas: Vec<Metadata> = Vec::new();
    for src in &sources {
        let input = match src {
            Some(path) => match url_of(path) {
                Some(url) => Input::Url(url),
                None => Input::File(path.clone()),
            },
            None => Input::Text {
                name: "stdin".to_string(),
                text: mentionmap::input::read_capped(
                    std::io::stdin().lock(),
                    "stdin",
                    args.max_bytes,
                )?,
            },
        };
        let p = mentionmap::source::prepare(input, fetcher.as_ref(), &prepare)?;
        docs.push((p.meta.source.clone().unwrap_or_default(), p.text));
        metas.push(p.meta);
    }
    let empty = docs.iter().all(|(_, t)| t.trim().is_empty());

    let mut mapped: Vec<(String, MappedDocument)> = Vec::new();
    for (name, text) in &docs {
        let doc = mapper.map(text);
        if args.explain {
            explain::print(&gazetteer, name, &doc, mapper.ranking().model());
        }
        mapped.push((name.clone(), doc));
    }
    let combined = combine(&mapped);
    let meta = if metas.len() == 1 {
        metas.remove(0)
    } else {
        let mut preprocessing: Vec<String> = Vec::new();
        for m in &metas {
            for step in &m.preprocessing {
                let step = format!("{}: {step}", m.source.as_deref().unwrap_or(""));
                preprocessing.push(step);
            }
        }
        Metadata {
            source: Some(
                docs.iter()
                    .map(|d| d.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            preprocessing,
            ..Default::default()
        }
    };

    // Files written, for the one confirmation line; with none, the output went to
    // standard output and needs none.
    let mut written: Vec<PathBuf> = Vec::new();
    if let Some(path) = &args.html {
        let fc = output::feature_collection(&gazetteer, &combined, &meta, &layers);
        let value = serde_json::to_value(&fc).map_err(|e| Error::Output(e.to_string()))?;
        atomic_file::write(
            path,
            mentionmap::web::self_contained_html(&value).as_bytes(),
        )?;
        written.push(path.clone());
    }
    match (&args.output, args.split_layers) {
        (Some(path), true) => {
            for layer in &layers {
                let p = layer_path(path, *layer);
                let mut f = AtomicFile::create(&p)?;
                output::write(&mut f, format, &gazetteer, &combined, &meta, &[*layer])?;
                f.commit()?;
                written.push(p);
            }
        }
        (Some(path), false) => {
            let mut f = AtomicFile::create(path)?;
            output::write(&mut f, format, &gazetteer, &combined, &meta, &layers)?;
            f.commit()?;
            written.push(path.clone());
        }
        // The map page was asked for and no -o: the page is the output, and the
        // GeoJSON does not also go to the terminal.
        (None, _) if args.html.is_some() => {}
        (None, _) => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            output::write(&mut lock, format, &gazetteer, &combined, &meta, &layers)?;
            lock.flush().map_err(|e| Error::Output(e.to_string()))?;
        }
    }
    if !written.is_empty() {
        eprintln!("mentionmap: {}", confirmation(&combined, &layers, &written));
    }
    if empty {
        eprintln!("mentionmap: the input is empty; wrote an empty collection");
        return Ok(EXIT_EMPTY_INPUT);
    }
    Ok(0)
}

/// "wrote 8 places (countries 3, cities 4, districts 1) to a.geojson, a.html": what
/// went into the files, by layer, in the order of `layers`.
fn confirmation(doc: &MappedDocument, layers: &[Layer], paths: &[PathBuf]) -> String {
    let count = |l: &Layer| doc.places.iter().filter(|p| p.layer == *l).count();
    let total: usize = layers.iter().map(count).sum();
    let by_layer: Vec<String> = layers
        .iter()
        .map(|l| (l, count(l)))
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| format!("{} {n}", l.as_str()))
        .collect();
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    format!(
        "wrote {total} place{} ({}) to {}",
        if total == 1 { "" } else { "s" },
        if by_layer.is_empty() {
            format!(
                "layers {}",
                layers
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            by_layer.join(", ")
        },
        paths.join(", ")
    )
}

/// `map DIR/ --html` / `--aggregate`: the corpus as one map. Per-document output
/// is a separate run, so that a flag is never silently ignored.
fn aggregate_batch(
    mapper: &Mapper,
    gazetteer: &Gazetteer,
    layers: Vec<Layer>,
    args: &MapArgs,
    prepare: mentionmap::source::PrepareOptions,
    fetch: mentionmap::fetch::FetchOptions,
    src: batch::BatchSource,
) -> Result<i32, Error> {
    for (flag, given) in [
        ("-o", args.output.is_some()),
        ("--out-dir", args.out_dir.is_some()),
    ] {
        if given {
            return Err(Error::Usage {
                flag: flag.into(),
                message: "cannot be combined with --html/--aggregate for a batch (they write the \
                          corpus aggregated; map per document in a separate run)"
                    .into(),
            });
        }
    }
    let cfg = aggregate::AggregateConfig {
        mapper,
        gazetteer,
        layers,
        threads: args.threads,
        prepare,
        fetch,
        html: args.html.clone(),
        geojson: args.aggregate.clone(),
    };
    aggregate::run(cfg, src)
}

/// One document's result, or several merged in input order (mention offsets stay
/// relative to their own document, whose name the metadata lists).
fn combine(mapped: &[(String, MappedDocument)]) -> MappedDocument {
    if mapped.len() == 1 {
        return mapped[0].1.clone();
    }
    let mut all = MappedDocument::default();
    // Several documents share the language only when they all have the same one.
    if mapped
        .iter()
        .all(|(_, d)| d.language == mapped[0].1.language)
    {
        all.language = mapped[0].1.language.clone();
    }
    for (_, d) in mapped {
        all.places.extend(d.places.iter().cloned());
        all.explanations.extend(d.explanations.iter().cloned());
    }
    all
}

fn layer_path(path: &std::path::Path, layer: Layer) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "geojson".into());
    path.with_file_name(format!("{stem}.{}.{ext}", layer.as_str()))
}

fn parse_layers(names: &[String]) -> Result<Vec<Layer>, Error> {
    names
        .iter()
        .map(|n| {
            Layer::parse(n.trim()).ok_or_else(|| Error::Usage {
                flag: "--layers".into(),
                message: format!(
                    "unknown layer {n:?} (choose from countries, regions, cities, districts, areas, physical)"
                ),
            })
        })
        .collect()
}

fn resolve(gazetteer: &Gazetteer, args: ResolveArgs) -> Result<i32, Error> {
    if args.name.trim().is_empty() {
        return Err(Error::Usage {
            flag: "resolve NAME".into(),
            message: "the name is empty".into(),
        });
    }
    let hits = mentionmap::resolve::ranked_candidates(gazetteer, &args.name, args.limit);
    if args.json {
        let rows: Vec<serde_json::Value> = hits.iter().map(|c| c.to_json()).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).map_err(|e| Error::Output(e.to_string()))?
        );
    } else if hits.is_empty() {
        println!("no gazetteer entry for {:?}", args.name);
    } else {
        println!(
            "{:>4}  {:<28} {:<10} {:<6} {:<3} {:<6} {:>11} {:>9} {:>10}  {:<12} {:>5}",
            "rank",
            "name",
            "id",
            "code",
            "cc",
            "admin1",
            "population",
            "lat",
            "lon",
            "matched as",
            "prior"
        );
        for (i, c) in hits.iter().enumerate() {
            let p = &c.place;
            println!(
                "{:>4}  {:<28} {:<10} {:<6} {:<3} {:<6} {:>11} {:>9.4} {:>10.4}  {:<12} {:>5.2}",
                i + 1,
                truncate(&p.name, 28),
                p.id,
                p.feature_code,
                p.country_code,
                p.admin1,
                p.population,
                p.lat,
                p.lon,
                c.posting.kind.as_str(),
                c.prior
            );
        }
    }
    Ok(0)
}

fn near(gazetteer: &Gazetteer, args: NearArgs) -> Result<i32, Error> {
    if !(-90.0..=90.0).contains(&args.lat)
        || !(-180.0..=180.0).contains(&args.lon)
        || args.km.is_nan()
        || args.km < 0.0
    {
        return Err(Error::Usage {
            flag: "near".into(),
            message: format!("latitude must be in [-90, 90], longitude in [-180, 180] and --km >= 0 (got {}, {}, {})", args.lat, args.lon, args.km),
        });
    }
    let hits = gazetteer.spatial().within_km(args.lon, args.lat, args.km);
    let hits: Vec<_> = hits.into_iter().take(args.limit).collect();
    if args.json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .map(|&(i, d)| {
                let p = gazetteer.place(i);
                serde_json::json!({"id": p.id, "name": p.name, "kind": p.kind, "feature_code": p.feature_code,
                    "country_code": p.country_code, "population": p.population, "lat": p.lat, "lon": p.lon, "km": (d * 100.0).round() / 100.0})
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).map_err(|e| Error::Output(e.to_string()))?
        );
    } else {
        println!(
            "{:>8}  {:<30} {:<10} {:<6} {:<3} {:>11}",
            "km", "name", "id", "code", "cc", "population"
        );
        for (i, d) in hits {
            let p = gazetteer.place(i);
            println!(
                "{:>8.2}  {:<30} {:<10} {:<6} {:<3} {:>11}",
                d,
                truncate(&p.name, 30),
                p.id,
                p.feature_code,
                p.country_code,
                p.population
            );
        }
    }
    Ok(0)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// A `--min-confidence` value: a number from 0 to 1.
fn probability(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|p| (0.0..=1.0).contains(p))
        .ok_or_else(|| format!("{s:?} is not a probability: give a number from 0 to 1"))
}
