//! `mentionmap gazetteer build` and `mentionmap gazetteer info`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};
use mentionmap::gazetteer::builder::{BuildMeta, Filters, GazetteerBuilder};
use mentionmap::gazetteer::geonames_dump::{class_of_kind, Lines};
use mentionmap::gazetteer::{self, download, index_file, user_places};
use mentionmap::{Error, Place};

#[derive(Debug, Args)]
pub struct GazetteerArgs {
    #[command(subcommand)]
    pub command: GazetteerCommand,
}

#[derive(Debug, Subcommand)]
pub enum GazetteerCommand {
    /// Build a gazetteer index (.gaz) from GeoNames dumps, mentionmap TSV and your own places.
    #[command(
        after_help = "Sources merge in this order: --bundled, --tsv, --geonames, --csv, --geojson; a later \
record with an id already present adds its names to it, new ids are added. Then --alternate-names, --admin1, \
--country-info and --hierarchy attach names and codes to the places present. Filters apply to GeoNames dump rows \
and alternate names only.\n\nExamples:\n  mentionmap gazetteer build --geonames allCountries.zip --alternate-names alternateNamesV2.txt \\\n      \
--admin1 admin1CodesASCII.txt --country-info countryInfo.txt -o geonames.gaz\n  mentionmap gazetteer build --geonames SY.txt \
--feature-classes P,A --languages en,ar -o sy.gaz\n  mentionmap gazetteer build --geonames cities500.zip --countries SY,IQ -o sy-iq.gaz\n  mentionmap gazetteer build --bundled --geonames ../shared/gazetteer/SY-whosonfirst.geonames.txt -o default+sy.gaz\n  \
mentionmap gazetteer build --csv my-places.csv -o mine.gaz\n  mentionmap --gazetteer default+sy.gaz map article.txt"
    )]
    Build(Box<BuildArgs>),
    /// Download GeoNames dumps (some countries or all) and build the index `map` then uses.
    #[command(after_help = DOWNLOAD_HELP)]
    Download(DownloadArgs),
    /// Show what a gazetteer holds: counts by feature class and country, sources, build date, attribution.
    #[command(
        after_help = "Without FILE it describes the gazetteer `map` uses: the downloaded one when present, else the bundled one.\n\nExamples:\n  mentionmap gazetteer info geonames.gaz\n  mentionmap gazetteer info"
    )]
    Info(InfoArgs),
}

const DOWNLOAD_HELP: &str = "Fetches XX.zip and alternatenames/XX.zip per country (allCountries.zip and \
alternateNamesV2.zip with --all), admin1CodesASCII.txt and countryInfo.txt, merges them with the bundled gazetteer \
and writes the index to the cache directory ($MENTIONMAP_CACHE_DIR, else $XDG_CACHE_HOME/mentionmap, else \
~/.cache/mentionmap) as geonames.gaz. From then on `map`, `resolve`, `near`, `serve` and `eval` use it instead of \
the bundled gazetteer; --bundled-gazetteer ignores it, `gazetteer info` shows which is in use, deleting the file \
undoes it. An interrupted download resumes when the command runs again. A mirror file other than a country dump \
that is missing is a warning.

Examples:
  mentionmap gazetteer download --countries SY,IQ
  mentionmap gazetteer download --all              # ~0.6 GB of zips; plan for 16 GB of memory
  mentionmap gazetteer download --countries SY --mirror /data/geonames/export/dump -o sy.gaz
  mentionmap --bundled-gazetteer map article.txt   # ignore the downloaded index";

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("scope").required(true).args(["countries", "all"])))]
pub struct DownloadArgs {
    /// Countries to fetch: ISO codes, comma-separated (SY,IQ).
    #[arg(long, value_name = "CODES")]
    pub countries: Option<String>,
    /// Fetch all of GeoNames (allCountries.zip, alternateNamesV2.zip).
    #[arg(long)]
    pub all: bool,
    /// A copy laid out like GeoNames' export/dump/ directory: an http(s):// URL or a local directory.
    #[arg(long, value_name = "URL|DIR", default_value = download::DEFAULT_MIRROR)]
    pub mirror: String,
    /// Do not merge the bundled gazetteer in: the index holds the downloaded places only.
    #[arg(long)]
    pub no_bundled: bool,
    /// Write the index here instead of the cache directory (`map` then needs --gazetteer PATH).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Keep the downloaded dumps in the cache directory's downloads/ (a later run reuses them).
    #[arg(long)]
    pub keep_downloads: bool,
    /// Fetch again files kept by --keep-downloads.
    #[arg(long)]
    pub refresh: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Write the index here (conventionally NAME.gaz).
    #[arg(short, long, value_name = "PATH")]
    pub output: PathBuf,
    /// Start from the bundled default gazetteer.
    #[arg(long)]
    pub bundled: bool,
    /// A mentionmap TSV gazetteer (gzip or plain), e.g. gazetteer/default.tsv.gz.
    #[arg(long, value_name = "FILE")]
    pub tsv: Vec<PathBuf>,
    /// A GeoNames main-table dump: allCountries.txt, allCountries.zip, XX.txt, cities500.txt (plain, gzip or zip).
    #[arg(long, value_name = "FILE")]
    pub geonames: Vec<PathBuf>,
    /// GeoNames alternateNamesV2.txt (replaces the dumps' alternatenames column, with languages).
    #[arg(long, value_name = "FILE")]
    pub alternate_names: Vec<PathBuf>,
    /// GeoNames admin1CodesASCII.txt: names for admin1 codes.
    #[arg(long, value_name = "FILE")]
    pub admin1: Option<PathBuf>,
    /// Keep only GeoNames rows and alternate names of these countries (ISO codes,
    /// comma-separated: SY,IQ).
    #[arg(long, value_name = "CODES")]
    pub countries: Option<String>,
    /// GeoNames countryInfo.txt: names for country codes (shown by `gazetteer info`).
    #[arg(long, value_name = "FILE")]
    pub country_info: Option<PathBuf>,
    /// GeoNames hierarchy.txt: fills missing admin1 codes from ADM parents.
    #[arg(long, value_name = "FILE")]
    pub hierarchy: Option<PathBuf>,
    /// Your own places as CSV: name, alt_names, lat, lon, kind, country [, id, population
    /// or importance (0-1), admin1]. Kinds: continent, country, admin1, admin2, city,
    /// district, feature, or a GeoNames feature code in capitals.
    #[arg(long, value_name = "FILE")]
    pub csv: Vec<PathBuf>,
    /// Your own places as a GeoJSON FeatureCollection of points (same property names as the CSV).
    #[arg(long, value_name = "FILE")]
    pub geojson: Vec<PathBuf>,
    /// Keep only these GeoNames feature classes (comma-separated: P,A,H,L,R,S,T,U,V).
    #[arg(long, value_delimiter = ',', value_name = "CLASSES")]
    pub feature_classes: Option<Vec<String>>,
    /// Keep only GeoNames rows with at least this population.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub min_population: u64,
    /// Keep only alternate names in these languages (comma-separated ISO 639: en,ar; `abbr` for abbreviations).
    #[arg(long, value_delimiter = ',', value_name = "LANGS")]
    pub languages: Option<Vec<String>>,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// A gazetteer index (.gaz) or TSV; without it, the one `map` uses.
    pub file: Option<PathBuf>,
    /// Show every country instead of the 20 largest.
    #[arg(long)]
    pub all: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs a `gazetteer` subcommand; `in_use` is the gazetteer the other commands would
/// load (`None` for the bundled one), which `info` describes when given no file.
pub fn run(args: &GazetteerArgs, in_use: Option<PathBuf>) -> Result<i32, Error> {
    match &args.command {
        GazetteerCommand::Build(a) => build(a),
        GazetteerCommand::Download(a) => download_command(a),
        GazetteerCommand::Info(a) => info(a, in_use),
    }
}

fn download_command(a: &DownloadArgs) -> Result<i32, Error> {
    let start = Instant::now();
    let scope = match &a.countries {
        Some(codes) => download::Scope::countries(codes)?,
        None => download::Scope::All,
    };
    let mirror = download::Mirror::parse(&a.mirror)?;
    let cache = gazetteer::cache_dir();
    let (work_dir, output) = match (&cache, &a.output) {
        (Some(c), Some(o)) => (c.clone(), o.clone()),
        (Some(c), None) => (c.clone(), c.join(gazetteer::DOWNLOADED_INDEX)),
        (None, Some(o)) => (
            o.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            o.clone(),
        ),
        (None, None) => {
            return Err(usage(
                "-o",
                "no cache directory (HOME, XDG_CACHE_HOME and MENTIONMAP_CACHE_DIR are unset): give -o PATH"
                    .into(),
            ))
        }
    };
    let options = download::DownloadOptions::new(scope, work_dir)
        .mirror(mirror)
        .bundled(!a.no_bundled)
        .keep_downloads(a.keep_downloads)
        .refresh(a.refresh);
    let report = download::download_and_build(&options, &output, &mut |line| {
        eprintln!("mentionmap: {line}")
    })?;
    if let Some(s) = report.index {
        eprintln!(
            "mentionmap: wrote {}: {} places, {} names, {:.1} MB; fetched {:.1} MB in {:.1} s, built in {:.1} s, {:.1} s in all (peak RSS {})",
            output.display(),
            s.places,
            s.names,
            s.bytes as f64 / 1e6,
            report.downloaded_bytes as f64 / 1e6,
            report.fetch_seconds,
            report.build_seconds,
            start.elapsed().as_secs_f64(),
            peak_rss().map_or("unknown".into(), |b| format!("{:.0} MB", b as f64 / 1e6))
        );
    }
    if a.output.is_none() {
        eprintln!(
            "mentionmap: `map` now uses this index; --bundled-gazetteer ignores it, `gazetteer info` shows which is in use"
        );
    }
    Ok(0)
}

fn usage(flag: &str, message: String) -> Error {
    Error::Usage {
        flag: flag.into(),
        message,
    }
}

/// The process's peak resident set size in bytes (Linux), when known.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The `--countries` filter: ISO 3166-1 alpha-2 codes only. A file name there is
/// refused with a pointer to `--country-info`, which is the one flag for
/// countryInfo.txt.
fn country_codes(value: &str) -> Result<Vec<String>, Error> {
    if Path::new(value).is_file() {
        return Err(usage(
            "--countries",
            format!("takes ISO country codes (SY,IQ), not a file: for {value} use --country-info"),
        ));
    }
    let codes: Vec<String> = value
        .split(',')
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect();
    match codes
        .iter()
        .find(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        Some(bad) => Err(usage(
            "--countries",
            format!("{bad:?} is not a two-letter ISO country code (e.g. SY,IQ)"),
        )),
        None if codes.is_empty() => Err(usage("--countries", "no country codes given".into())),
        None => Ok(codes),
    }
}

/// One line per source as it is read: what that source itself contributed (not
/// the running total), and the total so far.
struct Progress {
    start: Instant,
    reported: usize,
}

impl Progress {
    fn sources_read(&mut self, b: &GazetteerBuilder) {
        for r in &b.sources()[self.reported..] {
            eprintln!(
                "mentionmap: {} ({}): {} rows: {} added, {} merged, {} skipped; {} places in all ({:.1} s)",
                r.path,
                r.kind,
                r.rows,
                r.added,
                r.merged,
                r.skipped,
                b.len(),
                self.start.elapsed().as_secs_f64()
            );
        }
        self.reported = b.sources().len();
    }
}

fn warn(warnings: user_places::Warnings) {
    for w in warnings {
        eprintln!("mentionmap: warning: {w}");
    }
}

fn build(a: &BuildArgs) -> Result<i32, Error> {
    let start = Instant::now();
    let country_filter = a.countries.as_deref().map(country_codes).transpose()?;
    if !a.bundled
        && a.tsv.is_empty()
        && a.geonames.is_empty()
        && a.csv.is_empty()
        && a.geojson.is_empty()
    {
        return Err(usage(
            "gazetteer build",
            "no places to build from: give --geonames, --tsv, --csv, --geojson or --bundled".into(),
        ));
    }
    let filters = Filters {
        feature_classes: a.feature_classes.clone(),
        min_population: a.min_population,
        countries: country_filter,
        languages: a.languages.clone(),
    };
    let mut b = GazetteerBuilder::new(filters);
    let mut progress = Progress { start, reported: 0 };
    if a.bundled {
        b.add_bundled()?;
        progress.sources_read(&b);
    }
    for p in &a.tsv {
        b.add_tsv(Lines::open(p)?)?;
        progress.sources_read(&b);
    }
    for p in &a.geonames {
        b.add_geonames(p, a.alternate_names.is_empty())?;
        progress.sources_read(&b);
    }
    for p in &a.csv {
        warn(user_places::add_csv(&mut b, p)?);
        progress.sources_read(&b);
    }
    for p in &a.geojson {
        warn(user_places::add_geojson(&mut b, p)?);
        progress.sources_read(&b);
    }
    for p in &a.alternate_names {
        b.add_alternate_names(p)?;
        progress.sources_read(&b);
    }
    if let Some(p) = &a.admin1 {
        b.add_admin1_codes(p)?;
        progress.sources_read(&b);
    }
    if let Some(p) = &a.country_info {
        b.add_country_info(p)?;
        progress.sources_read(&b);
    }
    if let Some(p) = &a.hierarchy {
        b.add_hierarchy(p)?;
        progress.sources_read(&b);
    }
    if b.is_empty() {
        return Err(Error::BadInput {
            source_name: "gazetteer build".into(),
            message: "the filters left no places".into(),
        });
    }
    let built = b.finish();
    let (names, postings) = built.name_counts();
    eprintln!(
        "mentionmap: names folded and indexed: {} places, {names} names, {postings} postings ({:.1} s)",
        built.places.len(),
        start.elapsed().as_secs_f64()
    );
    let summary = index_file::write(&a.output, &built)?;
    eprintln!(
        "mentionmap: wrote {}: {} places, {} names, {} postings, {:.1} MB in {:.1} s (peak RSS {})",
        a.output.display(),
        summary.places,
        summary.names,
        summary.postings,
        summary.bytes as f64 / 1e6,
        start.elapsed().as_secs_f64(),
        peak_rss().map_or("unknown".into(), |b| format!("{:.0} MB", b as f64 / 1e6))
    );
    Ok(0)
}

fn class_name(c: u8) -> &'static str {
    match c {
        b'A' => "A country, state, region",
        b'H' => "H stream, lake, sea",
        b'L' => "L parks, area, continent",
        b'P' => "P city, village",
        b'R' => "R road, railroad",
        b'S' => "S spot, building, farm",
        b'T' => "T mountain, hill, rock",
        b'U' => "U undersea",
        b'V' => "V forest, heath",
        _ => "? unclassified",
    }
}

struct Summary {
    format: String,
    bytes: u64,
    meta: BuildMeta,
    places: Vec<Place>,
    classes: Vec<u8>,
    names: usize,
    postings: usize,
}

/// The bundled gazetteer described like a TSV file.
fn bundled_summary() -> Result<Summary, Error> {
    let mut b = GazetteerBuilder::default();
    b.add_bundled()?;
    tsv_summary(b, 0)
}

fn tsv_summary(b: GazetteerBuilder, bytes: u64) -> Result<Summary, Error> {
    let built = b.finish();
    let (offsets, postings) = built.name_counts();
    let classes = built.places.iter().map(|p| class_of_kind(p.kind)).collect();
    Ok(Summary {
        format: "mentionmap TSV".into(),
        bytes,
        meta: BuildMeta {
            built_at: String::new(),
            ..built.meta
        },
        names: offsets,
        postings,
        places: built.places,
        classes,
    })
}

fn load_summary(path: &Path) -> Result<Summary, Error> {
    let mut magic = [0u8; 6];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut magic))
        .map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
    if index_file::is_index(&magic[..n]) {
        let i = index_file::info(path)?;
        return Ok(Summary {
            format: format!("mentionmap index, format version {}", i.format_version),
            bytes: i.bytes,
            meta: i.meta,
            places: i.places,
            classes: i.classes,
            names: i.names,
            postings: i.postings,
        });
    }
    let mut b = GazetteerBuilder::default();
    b.add_tsv(Lines::open(path)?)?;
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    tsv_summary(b, bytes)
}

fn info(a: &InfoArgs, in_use: Option<PathBuf>) -> Result<i32, Error> {
    let (file, s, role) = match (&a.file, in_use) {
        (Some(f), _) => (f.display().to_string(), load_summary(f)?, None),
        (None, Some(f)) => {
            let role = if gazetteer::downloaded_index().as_ref() == Some(&f) {
                "in use: the downloaded index (`gazetteer download`; --bundled-gazetteer ignores it)"
            } else {
                "in use: given by --gazetteer"
            };
            (f.display().to_string(), load_summary(&f)?, Some(role))
        }
        (None, None) => (
            "bundled default gazetteer".to_string(),
            bundled_summary()?,
            Some("in use: the bundled default (no downloaded index in the cache directory)"),
        ),
    };
    let mut by_class: BTreeMap<u8, u64> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_country: BTreeMap<&str, u64> = BTreeMap::new();
    for (p, c) in s.places.iter().zip(&s.classes) {
        *by_class.entry(*c).or_default() += 1;
        *by_kind
            .entry(format!("{:?}", p.kind).to_lowercase())
            .or_default() += 1;
        *by_country.entry(p.country_code.as_str()).or_default() += 1;
    }
    let mut countries: Vec<(&str, u64)> = by_country.into_iter().collect();
    countries.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    let country_name = |cc: &str| -> String {
        if cc.is_empty() {
            "(none)".into()
        } else {
            s.meta.country_names.get(cc).cloned().unwrap_or_default()
        }
    };
    if a.json {
        let v = serde_json::json!({
            "file": file,
            "in_use": role,
            "format": s.format,
            "bytes": s.bytes,
            "places": s.places.len(),
            "names": s.names,
            "postings": s.postings,
            "by_feature_class": by_class.iter().map(|(c, n)| ((*c as char).to_string(), *n)).collect::<BTreeMap<_, _>>(),
            "by_kind": by_kind,
            "by_country": countries.iter().map(|(c, n)| serde_json::json!({"country": c, "name": country_name(c), "places": n})).collect::<Vec<_>>(),
            "meta": s.meta,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| Error::Output(e.to_string()))?
        );
        return Ok(0);
    }
    println!("file        {file}");
    if let Some(role) = role {
        println!("            {role}");
    }
    println!("format      {} ({:.1} MB)", s.format, s.bytes as f64 / 1e6);
    if !s.meta.built_at.is_empty() {
        println!("built       {} by {}", s.meta.built_at, s.meta.built_by);
    }
    println!("places      {}", s.places.len());
    println!(
        "names       {} distinct folded names, {} postings",
        s.names, s.postings
    );
    println!("\nsources");
    for r in &s.meta.sources {
        println!(
            "  {:<16} {}  ({} rows: {} added, {} merged, {} skipped)",
            r.kind, r.path, r.rows, r.added, r.merged, r.skipped
        );
    }
    let f = &s.meta.filters;
    if f.feature_classes.is_some()
        || f.min_population > 0
        || f.countries.is_some()
        || f.languages.is_some()
    {
        println!("\nfilters");
        if let Some(c) = &f.feature_classes {
            println!("  feature classes  {}", c.join(","));
        }
        if f.min_population > 0 {
            println!("  min population   {}", f.min_population);
        }
        if let Some(c) = &f.countries {
            println!("  countries        {}", c.join(","));
        }
        if let Some(l) = &f.languages {
            println!("  languages        {}", l.join(","));
        }
    }
    println!("\nby feature class");
    for (c, n) in &by_class {
        println!("  {:<28} {:>10}", class_name(*c), n);
    }
    println!("\nby kind");
    for (k, n) in &by_kind {
        println!("  {:<28} {:>10}", k, n);
    }
    let shown = if a.all {
        countries.len()
    } else {
        countries.len().min(20)
    };
    println!(
        "\nby country ({} countries{})",
        countries.len(),
        if shown < countries.len() {
            ", largest 20; --all for every one"
        } else {
            ""
        }
    );
    for (cc, n) in &countries[..shown] {
        println!(
            "  {:<3} {:<24} {:>10}",
            if cc.is_empty() { "--" } else { cc },
            country_name(cc),
            n
        );
    }
    if !s.meta.admin1_names.is_empty() {
        println!("\nadmin1 codes named: {}", s.meta.admin1_names.len());
    }
    println!("\nattribution");
    for line in &s.meta.attribution {
        println!("  {line}");
    }
    Ok(0)
}
