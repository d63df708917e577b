//! `mentionmap gazetteer download`: fetches GeoNames dumps for some countries, or all
//! of GeoNames, from <https://download.geonames.org/export/dump/> or a mirror laid out
//! like it, and builds an index from them with the ordinary
//! [`GazetteerBuilder`] (merged with the bundled gazetteer by default).
//!
//! Per country `XX` it fetches `XX.zip` (required) and `alternatenames/XX.zip`; for
//! all of GeoNames `allCountries.zip` and `alternateNamesV2.zip`; and in both cases
//! `admin1CodesASCII.txt` and `countryInfo.txt`. A file other than a country dump that
//! the mirror lacks is a warning and the build goes on without it (without alternate
//! names the dump's own alternatenames column supplies the names).
//!
//! Downloads go to `DOWNLOADS/` under the cache directory, resume from a `.part`
//! file (see [`resumable`]), must be as long as the server announced, and a zip must
//! read back (its central directory and its text member's first line) before the
//! build starts. They are deleted after a successful build unless kept.

pub mod resumable;

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::builder::GazetteerBuilder;
use super::geonames_dump::Lines;
use super::index_file;
use crate::error::Error;
use crate::fetch::FetchOptions;

pub use resumable::{parse_content_range, Outcome, MAX_RESUMES};

/// GeoNames' own dump directory.
pub const DEFAULT_MIRROR: &str = "https://download.geonames.org/export/dump/";

/// Subdirectory of the work directory that holds downloads in progress.
pub const DOWNLOADS: &str = "downloads";

/// Time allowed to connect to the mirror: long enough for a slow link, short enough
/// that an unreachable mirror is reported promptly.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Time allowed for the response head and for each read of the body (the blocking
/// client applies it per read, so a 400 MB dump on a slow link is not cut off; a
/// stalled connection is, and is then resumed).
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// Which part of GeoNames to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// These ISO 3166 alpha-2 codes (upper case, as GeoNames names its files).
    Countries(Vec<String>),
    /// `allCountries.zip` and `alternateNamesV2.zip`.
    All,
}

impl Scope {
    /// Parses comma-separated country codes (`SY,iq`): two ASCII letters each.
    pub fn countries(codes: &str) -> Result<Scope, Error> {
        let mut out: Vec<String> = Vec::new();
        for c in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(Error::BadInput {
                    source_name: "--countries".into(),
                    message: format!("{c:?} is not a two-letter ISO country code (SY, IQ, ...)"),
                });
            }
            let c = c.to_ascii_uppercase();
            if !out.contains(&c) {
                out.push(c);
            }
        }
        if out.is_empty() {
            return Err(Error::BadInput {
                source_name: "--countries".into(),
                message: "no country codes given (e.g. --countries SY,IQ)".into(),
            });
        }
        Ok(Scope::Countries(out))
    }
}

/// What a fetched file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A main-table dump (`XX.zip`, `allCountries.zip`): required.
    Dump,
    /// Alternate names with languages.
    AlternateNames,
    /// `admin1CodesASCII.txt`.
    Admin1,
    /// `countryInfo.txt`.
    CountryInfo,
}

/// One file to fetch, by its path under the dump directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// Path relative to the mirror (`SY.zip`, `alternatenames/SY.zip`).
    pub rel: String,
    /// What it is for.
    pub role: Role,
    /// The country it covers; `None` for all countries and the shared tables.
    pub country: Option<String>,
}

/// The files a scope needs, dumps first (so an unreachable mirror fails at once).
pub fn plan(scope: &Scope) -> Vec<Wanted> {
    let w = |rel: String, role, country: Option<&String>| Wanted {
        rel,
        role,
        country: country.cloned(),
    };
    let mut out = Vec::new();
    match scope {
        Scope::Countries(codes) => {
            for c in codes {
                out.push(w(format!("{c}.zip"), Role::Dump, Some(c)));
            }
            for c in codes {
                out.push(w(
                    format!("alternatenames/{c}.zip"),
                    Role::AlternateNames,
                    Some(c),
                ));
            }
        }
        Scope::All => {
            out.push(w("allCountries.zip".into(), Role::Dump, None));
            out.push(w("alternateNamesV2.zip".into(), Role::AlternateNames, None));
        }
    }
    out.push(w("admin1CodesASCII.txt".into(), Role::Admin1, None));
    out.push(w("countryInfo.txt".into(), Role::CountryInfo, None));
    out
}

/// Where the dumps come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mirror {
    /// An `http(s)://` base URL ending in `/`.
    Http(String),
    /// A local directory laid out like `export/dump/`; files are read in place.
    Dir(PathBuf),
}

impl Mirror {
    /// An `http(s)://` URL, a `file://` URL or a directory path.
    pub fn parse(s: &str) -> Result<Mirror, Error> {
        if crate::fetch::is_url(s) {
            let mut base = s.to_string();
            if !base.ends_with('/') {
                base.push('/');
            }
            return Ok(Mirror::Http(base));
        }
        let path = PathBuf::from(s.strip_prefix("file://").unwrap_or(s));
        if path.is_dir() {
            Ok(Mirror::Dir(path))
        } else {
            Err(Error::BadInput {
                source_name: "--mirror".into(),
                message: format!(
                    "{s:?} is neither an http(s):// URL nor a directory laid out like export/dump/"
                ),
            })
        }
    }

    /// The URL or path of one file, for messages.
    pub fn locate(&self, rel: &str) -> String {
        match self {
            Mirror::Http(base) => format!("{base}{rel}"),
            Mirror::Dir(dir) => dir.join(rel).display().to_string(),
        }
    }
}

/// Options for [`download_and_build`], set through its builder-style methods.
#[derive(Debug, Clone)]
pub struct DownloadOptions {
    scope: Scope,
    mirror: Mirror,
    bundled: bool,
    work_dir: PathBuf,
    keep_downloads: bool,
    refresh: bool,
    progress: bool,
}

impl DownloadOptions {
    /// Fetch `scope` from GeoNames into `work_dir/downloads`, merge with the bundled
    /// gazetteer, delete the downloads after the build, show progress bars when
    /// standard error is a terminal.
    pub fn new(scope: Scope, work_dir: PathBuf) -> DownloadOptions {
        DownloadOptions {
            scope,
            mirror: Mirror::Http(DEFAULT_MIRROR.into()),
            bundled: true,
            work_dir,
            keep_downloads: false,
            refresh: false,
            progress: std::io::stderr().is_terminal(),
        }
    }

    /// Fetch from this mirror instead.
    pub fn mirror(mut self, mirror: Mirror) -> Self {
        self.mirror = mirror;
        self
    }

    /// Start from the bundled gazetteer (the default) or from nothing.
    pub fn bundled(mut self, on: bool) -> Self {
        self.bundled = on;
        self
    }

    /// Keep the downloaded files after the build (a later run reuses them).
    pub fn keep_downloads(mut self, on: bool) -> Self {
        self.keep_downloads = on;
        self
    }

    /// Fetch again even when a complete download was kept.
    pub fn refresh(mut self, on: bool) -> Self {
        self.refresh = on;
        self
    }

    /// Show progress bars on standard error.
    pub fn progress(mut self, on: bool) -> Self {
        self.progress = on;
        self
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct DownloadReport {
    /// Files fetched or read: (relative path, bytes).
    pub files: Vec<(String, u64)>,
    /// Files the mirror lacked, in words.
    pub warnings: Vec<String>,
    /// Bytes transferred over the network (0 for a directory mirror).
    pub downloaded_bytes: u64,
    /// Seconds spent fetching.
    pub fetch_seconds: f64,
    /// Seconds spent building and writing the index.
    pub build_seconds: f64,
    /// The index written.
    pub index: Option<index_file::WriteSummary>,
}

/// One fetched file.
struct Got {
    wanted: Wanted,
    path: PathBuf,
}

/// Fetches the files of `options`' scope and writes an index to `output` (atomically,
/// as every index write is). `notify` receives one
/// line per step and per warning.
pub fn download_and_build(
    options: &DownloadOptions,
    output: &Path,
    notify: &mut dyn FnMut(&str),
) -> Result<DownloadReport, Error> {
    let mut report = DownloadReport::default();
    let fetch_start = Instant::now();
    let fetcher = Fetch::new(options)?;
    let mut got = Vec::new();
    for wanted in plan(&options.scope) {
        let where_ = options.mirror.locate(&wanted.rel);
        match fetcher.fetch(&wanted, notify, &mut report)? {
            Some(path) => got.push(Got { wanted, path }),
            None if wanted.role == Role::Dump => {
                return Err(match &options.mirror {
                    Mirror::Http(_) => Error::Network {
                        url: where_,
                        message:
                            "the mirror has no such file (HTTP 404); is the country code right?"
                                .into(),
                    },
                    Mirror::Dir(_) => Error::Io {
                        path: where_,
                        source: std::io::ErrorKind::NotFound.into(),
                    },
                })
            }
            None => {
                let w = format!(
                    "warning: {where_} is missing from the mirror; building without {}",
                    match wanted.role {
                        Role::AlternateNames =>
                            "its alternate names (the dump's own names column is used)",
                        Role::Admin1 => "admin1 names",
                        _ => "country names",
                    }
                );
                notify(&w);
                report.warnings.push(w);
            }
        }
    }
    report.fetch_seconds = fetch_start.elapsed().as_secs_f64();
    let build_start = Instant::now();
    let built = build(options, &got, notify)?;
    notify("folding names and writing the index");
    report.index = Some(write_index(output, &built)?);
    report.build_seconds = build_start.elapsed().as_secs_f64();
    if !options.keep_downloads && matches!(options.mirror, Mirror::Http(_)) {
        for g in &got {
            let _ = std::fs::remove_file(&g.path);
        }
        let downloads = options.work_dir.join(DOWNLOADS);
        let _ = std::fs::remove_dir(downloads.join("alternatenames"));
        let _ = std::fs::remove_dir(downloads);
    }
    Ok(report)
}

/// Runs the builder over the fetched files, in the order `gazetteer build` uses.
fn build(
    options: &DownloadOptions,
    got: &[Got],
    notify: &mut dyn FnMut(&str),
) -> Result<super::builder::Built, Error> {
    let mut b = GazetteerBuilder::default();
    if options.bundled {
        b.add_bundled()?;
        notify(&format!("bundled gazetteer: {} places", b.len()));
    }
    let role = |r: Role| got.iter().filter(move |g| g.wanted.role == r);
    for dump in role(Role::Dump) {
        let has_alternates =
            role(Role::AlternateNames).any(|a| a.wanted.country == dump.wanted.country);
        b.add_geonames(&dump.path, !has_alternates)?;
        notify(&format!("{}: {} places", dump.wanted.rel, b.len()));
    }
    for alt in role(Role::AlternateNames) {
        b.add_alternate_names(&alt.path)?;
        notify(&format!("{}: names attached", alt.wanted.rel));
    }
    if let Some(a) = role(Role::Admin1).next() {
        b.add_admin1_codes(&a.path)?;
    }
    if let Some(c) = role(Role::CountryInfo).next() {
        b.add_country_info(&c.path)?;
    }
    Ok(b.finish())
}

/// Writes the index to `output`, making its directory first; `index_file::write` is
/// itself atomic (a temporary file beside it, renamed into place).
fn write_index(
    output: &Path,
    built: &super::builder::Built,
) -> Result<index_file::WriteSummary, Error> {
    let dir = output
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    index_file::write(output, built)
}

/// The HTTP client and where downloads go.
struct Fetch<'a> {
    options: &'a DownloadOptions,
    client: Option<reqwest::blocking::Client>,
    http: FetchOptions,
}

impl<'a> Fetch<'a> {
    fn new(options: &'a DownloadOptions) -> Result<Fetch<'a>, Error> {
        let http = FetchOptions {
            connect_timeout: CONNECT_TIMEOUT,
            timeout: READ_TIMEOUT,
            ..FetchOptions::default()
        };
        let client = match options.mirror {
            Mirror::Dir(_) => None,
            Mirror::Http(_) => Some(
                reqwest::blocking::Client::builder()
                    .user_agent(http.user_agent.clone())
                    .connect_timeout(http.connect_timeout)
                    .timeout(http.timeout)
                    .build()
                    .map_err(|e| Error::Network {
                        url: String::new(),
                        message: format!("cannot start the HTTP client: {e}"),
                    })?,
            ),
        };
        Ok(Fetch {
            options,
            client,
            http,
        })
    }

    /// The local path of one file (downloaded, reused or in a directory mirror), or
    /// `None` when the mirror does not have it.
    fn fetch(
        &self,
        wanted: &Wanted,
        notify: &mut dyn FnMut(&str),
        report: &mut DownloadReport,
    ) -> Result<Option<PathBuf>, Error> {
        let location = self.options.mirror.locate(&wanted.rel);
        let (Some(client), Mirror::Http(_)) = (&self.client, &self.options.mirror) else {
            let path = PathBuf::from(&location);
            if !path.is_file() {
                return Ok(None);
            }
            verify(&path, &location)?;
            report.files.push((wanted.rel.clone(), file_len(&path)));
            return Ok(Some(path));
        };
        let dest = self.options.work_dir.join(DOWNLOADS).join(&wanted.rel);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        if self.options.refresh {
            let _ = std::fs::remove_file(&dest);
        } else if dest.is_file() && verify(&dest, &location).is_ok() {
            notify(&format!(
                "reusing {} kept from an earlier run (--refresh fetches it again)",
                dest.display()
            ));
            report.files.push((wanted.rel.clone(), file_len(&dest)));
            return Ok(Some(dest));
        }
        let bar = self.bar(&wanted.rel);
        let started = Instant::now();
        let outcome = resumable::download(client, &self.http, &location, &dest, &bar);
        bar.finish_and_clear();
        match outcome? {
            Outcome::Missing(_) => Ok(None),
            Outcome::Done { bytes, resumed } => {
                if let Err(e) = verify(&dest, &location) {
                    let _ = std::fs::remove_file(&dest);
                    return Err(e);
                }
                report.files.push((wanted.rel.clone(), bytes));
                report.downloaded_bytes += bytes;
                notify(&format!(
                    "downloaded {} ({:.1} MB in {:.1} s{})",
                    wanted.rel,
                    bytes as f64 / 1e6,
                    started.elapsed().as_secs_f64(),
                    match resumed {
                        0 => String::new(),
                        n => format!(", resumed {n}×"),
                    }
                ));
                Ok(Some(dest))
            }
        }
    }

    fn bar(&self, label: &str) -> ProgressBar {
        if !self.options.progress {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{msg:>24} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label.to_string());
        bar
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The first bytes of every zip archive (a local file header).
const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";

/// Checks that a fetched file reads back: a zip must start like one and its central
/// directory and text member must open and yield a first line; a text file must be
/// UTF-8 text. Errors name `location`.
pub fn verify(path: &Path, location: &str) -> Result<(), Error> {
    let bad = |message: String| Error::Network {
        url: location.to_string(),
        message,
    };
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        let mut magic = [0u8; 4];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut magic))
            .map_err(|e| bad(format!("cannot read the download: {e}")))?;
        if &magic[..n] != ZIP_MAGIC {
            return Err(bad(format!(
                "not a zip archive (it starts with {:?}; an error page?)",
                String::from_utf8_lossy(&magic[..n])
            )));
        }
    }
    let reason = |e: Error| match e {
        Error::Gazetteer { message, .. } => message,
        other => other.to_string(),
    };
    let mut lines = Lines::open(path).map_err(|e| bad(format!("unreadable: {}", reason(e))))?;
    lines
        .next_line()
        .map_err(|e| bad(format!("unreadable: {}", reason(e))))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_checked_and_normalised() {
        assert_eq!(
            Scope::countries("sy, IQ,SY").unwrap(),
            Scope::Countries(vec!["SY".into(), "IQ".into()])
        );
        for bad in ["", " , ", "SYR", "S1", "ü"] {
            assert!(Scope::countries(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn plans_put_dumps_first_and_shared_tables_last() {
        let rels = |s: &Scope| plan(s).into_iter().map(|w| w.rel).collect::<Vec<_>>();
        assert_eq!(
            rels(&Scope::countries("SY,IQ").unwrap()),
            [
                "SY.zip",
                "IQ.zip",
                "alternatenames/SY.zip",
                "alternatenames/IQ.zip",
                "admin1CodesASCII.txt",
                "countryInfo.txt"
            ]
        );
        assert_eq!(
            rels(&Scope::All),
            [
                "allCountries.zip",
                "alternateNamesV2.zip",
                "admin1CodesASCII.txt",
                "countryInfo.txt"
            ]
        );
    }

    #[test]
    fn mirrors() {
        assert_eq!(
            Mirror::parse("http://127.0.0.1:9/dump").unwrap(),
            Mirror::Http("http://127.0.0.1:9/dump/".into())
        );
        let dir = std::env::temp_dir();
        let file_url = format!("file://{}", dir.display());
        assert_eq!(Mirror::parse(&file_url).unwrap(), Mirror::Dir(dir.clone()));
        assert!(Mirror::parse("/no/such/mirror/dir").is_err());
        assert!(Mirror::parse("ftp://example.org/").is_err());
        assert_eq!(
            Mirror::Http(DEFAULT_MIRROR.into()).locate("alternatenames/SY.zip"),
            "https://download.geonames.org/export/dump/alternatenames/SY.zip"
        );
    }
}
