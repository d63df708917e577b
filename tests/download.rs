//! `mentionmap gazetteer download` end to end against a GeoNames mirror served from
//! 127.0.0.1 by a small HTTP server in this file (Range requests, 404s, and a body cut
//! off once to exercise resuming). The country dump is the Syrian test dump from
//! `../shared`, zipped here as GeoNames ships `SY.zip` (a readme member first).

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const SY_DUMP: &str = "../shared/gazetteer/SY-whosonfirst.geonames.txt";

fn manifest(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A zip archive with its members stored (not compressed), as any zip reader reads it.
fn stored_zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in members {
        let offset = out.len() as u32;
        let crc = crc32fast::hash(data);
        let size = data.len() as u32;
        let fixed = |sig: u32, central: bool| {
            let mut h = sig.to_le_bytes().to_vec();
            if central {
                h.extend(20u16.to_le_bytes()); // version made by
            }
            h.extend(20u16.to_le_bytes()); // version needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(0u16.to_le_bytes()); // method: stored
            h.extend(0u16.to_le_bytes()); // time
            h.extend(0x21u16.to_le_bytes()); // date 1980-01-01
            h.extend(crc.to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra length
            h
        };
        out.extend(fixed(0x0403_4b50, false));
        out.extend(name.as_bytes());
        out.extend(*data);
        central.extend(fixed(0x0201_4b50, true));
        central.extend(0u16.to_le_bytes()); // comment length
        central.extend(0u16.to_le_bytes()); // disk
        central.extend(0u16.to_le_bytes()); // internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]); // disk numbers
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn sy_zip() -> Vec<u8> {
    let dump = std::fs::read(manifest(SY_DUMP)).expect("the Syrian test dump in ../shared");
    stored_zip(&[
        ("readme.txt", b"GeoNames dump for SY\n".as_slice()),
        ("SY.txt", &dump),
    ])
}

/// Alternate names for the Syrian places, in alternateNamesV2 layout.
fn sy_alternate_names() -> Vec<u8> {
    let rows = "900001\t169933\ten\tHandarat Camp\t\t\t\t\t\t\n\
                900002\t169933\tar\tمخيم حندرات\t\t\t\t\t\t\n\
                900003\t169933\tlink\thttps://en.wikipedia.org/wiki/Handarat\t\t\t\t\t\t\n";
    stored_zip(&[("SY.txt", rows.as_bytes())])
}

/// The whole Syrian mirror: dump, alternate names, admin1 and country tables.
fn sy_mirror() -> HashMap<String, Vec<u8>> {
    let fixture = |f: &str| std::fs::read(manifest("tests/fixtures/geonames").join(f)).unwrap();
    HashMap::from([
        ("SY.zip".to_string(), sy_zip()),
        ("alternatenames/SY.zip".to_string(), sy_alternate_names()),
        (
            "admin1CodesASCII.txt".to_string(),
            fixture("admin1CodesASCII.txt"),
        ),
        ("countryInfo.txt".to_string(), fixture("countryInfo.txt")),
    ])
}

/// A request the server saw: path and Range header.
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

struct Mirror {
    url: String,
    seen: Seen,
}

/// Serves `files` on 127.0.0.1; each path in `cut_once` has its first body cut off
/// half-way (the full Content-Length announced, then the connection closed).
fn serve(files: HashMap<String, Vec<u8>>, cut_once: &[&str]) -> Mirror {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let cut: Arc<Mutex<HashSet<String>>> =
        Arc::new(Mutex::new(cut_once.iter().map(|s| s.to_string()).collect()));
    let files = Arc::new(files);
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (files, log, cut) = (files.clone(), log.clone(), cut.clone());
            std::thread::spawn(move || {
                let _ = answer(stream, &files, &log, &cut);
            });
        }
    });
    Mirror { url, seen }
}

fn answer(
    mut stream: TcpStream,
    files: &HashMap<String, Vec<u8>>,
    seen: &Seen,
    cut: &Mutex<HashSet<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    let path = request
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .trim_start_matches('/')
        .to_string();
    let mut range = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.trim().eq_ignore_ascii_case("range") {
                range = Some(v.trim().to_string());
            }
        }
    }
    seen.lock().unwrap().push((path.clone(), range.clone()));
    let Some(body) = files.get(&path) else {
        return stream.write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found",
        );
    };
    let len = body.len();
    let from = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok());
    let (head, part) = match from {
        Some(n) if n >= len => {
            let head = format!(
                "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{len}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return stream.write_all(head.as_bytes());
        }
        Some(n) => (
            format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {n}-{}/{len}\r\nContent-Length: {}\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n",
                len - 1,
                len - n
            ),
            &body[n..],
        ),
        None => (
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nETag: \"v1\"\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n"
            ),
            &body[..],
        ),
    };
    stream.write_all(head.as_bytes())?;
    if cut.lock().unwrap().remove(&path) {
        stream.write_all(&part[..part.len() / 2])?;
        stream.flush()?;
        return stream.shutdown(std::net::Shutdown::Both);
    }
    stream.write_all(part)
}

/// Runs mentionmap with its cache directory in `cache`.
fn run(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("MENTIONMAP_CACHE_DIR", cache)
        .env_remove("MENTIONMAP_NO_CACHE")
        .args(args)
        .output()
        .unwrap()
}

/// Runs `gazetteer download --countries CODE --mirror MIRROR` and then `extra`.
fn download(cache: &Path, code: &str, mirror: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "gazetteer",
        "download",
        "--countries",
        code,
        "--mirror",
        mirror,
    ];
    args.extend_from_slice(extra);
    run(cache, &args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The ids `resolve NAME` lists.
fn resolve_ids(cache: &Path, extra: &[&str], name: &str) -> Vec<u64> {
    let mut args = extra.to_vec();
    args.extend(["resolve", name, "--json"]);
    let out = run(cache, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v
        .as_array()
        .cloned()
        .or_else(|| v["candidates"].as_array().cloned())
        .unwrap_or_default();
    list.iter()
        .filter_map(|c| c["geonameid"].as_u64().or_else(|| c["id"].as_u64()))
        .collect()
}

fn assert_one_line_error(out: &Output, code: i32, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.contains("warning")).collect();
    assert_eq!(lines.len(), 1, "one error line: {err}");
    assert!(lines[0].starts_with("mentionmap: error: "), "{err}");
    for n in needles {
        assert!(lines[0].contains(n), "{n:?} in {err}");
    }
}

#[test]
fn downloaded_syria_maps_handarat_from_the_gazetteer() {
    let mirror = serve(sy_mirror(), &[]);
    let cache = tempfile::tempdir().unwrap();
    let out = download(cache.path(), "sy", &mirror.url, &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("warning"), "{err}");
    let index = cache.path().join("geonames.gaz");
    assert!(index.is_file(), "{err}");
    // The downloads are gone once the index is built.
    assert!(!cache.path().join("downloads").exists());
    let fetched: Vec<String> = mirror
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.0.clone())
        .collect();
    for f in [
        "SY.zip",
        "alternatenames/SY.zip",
        "admin1CodesASCII.txt",
        "countryInfo.txt",
    ] {
        assert!(fetched.iter().any(|p| p == f), "{f} in {fetched:?}");
    }

    // `map` picks the downloaded index up without being told.
    let out = run(
        cache.path(),
        &[
            "map",
            "../shared/examples/aleppo-2016.txt",
            "--format",
            "csv",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = stdout(&out);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let row: Vec<&str> = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[col("name")] == "Handarat")
        .unwrap_or_else(|| panic!("Handarat mapped:\n{csv}"));
    assert_eq!(row[col("method")], "gazetteer", "{csv}");
    assert_eq!(row[col("geonameid")], "169933");
    let (lat, lon): (f64, f64) = (
        row[col("lat")].parse().unwrap(),
        row[col("lon")].parse().unwrap(),
    );
    assert!(
        (lat - 36.289).abs() < 0.01 && (lon - 37.161).abs() < 0.01,
        "{lat},{lon}"
    );
    // Places of the bundled gazetteer are still there (merged by default).
    assert!(csv
        .lines()
        .any(|l| l.contains(",Aleppo,") && l.contains(",170063,")));

    // Names from the alternate-names file, admin1 and country names are in the index.
    assert!(resolve_ids(cache.path(), &[], "Handarat Camp").contains(&169933));
    let out = run(cache.path(), &["gazetteer", "info", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["file"], index.display().to_string());
    assert!(info["in_use"].as_str().unwrap().contains("downloaded"));
    assert_eq!(info["meta"]["country_names"]["SY"], "Syria");
    assert_eq!(info["meta"]["admin1_names"]["SY.09"], "Aleppo");
    let kinds: Vec<&str> = info["meta"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds[..3],
        ["tsv", "geonames", "alternate-names"],
        "{kinds:?}"
    );

    // --bundled-gazetteer ignores the download.
    let out = run(
        cache.path(),
        &["--bundled-gazetteer", "gazetteer", "info", "--json"],
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        info["in_use"].as_str().unwrap().contains("bundled"),
        "{info}"
    );
    assert!(
        !resolve_ids(cache.path(), &["--bundled-gazetteer"], "Handarat Camp").contains(&169933)
    );
}

#[test]
fn a_dropped_connection_is_resumed_with_a_range_request() {
    let mirror = serve(sy_mirror(), &["SY.zip"]);
    let cache = tempfile::tempdir().unwrap();
    let out_path = cache.path().join("sy.gaz");
    let out = download(
        cache.path(),
        "SY",
        &mirror.url,
        &["--no-bundled", "-o", out_path.to_str().unwrap()],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("downloaded SY.zip") && err.contains("resumed 1×"),
        "{err}"
    );
    let seen = mirror.seen.lock().unwrap().clone();
    let sy: Vec<_> = seen.iter().filter(|s| s.0 == "SY.zip").collect();
    assert_eq!(sy.len(), 2, "{seen:?}");
    assert_eq!(sy[0].1, None);
    let half = sy_zip().len() / 2;
    assert_eq!(sy[1].1.as_deref(), Some(format!("bytes={half}-").as_str()));
    // With -o the cache gets no index, and the resumed file built a whole one.
    assert!(!cache.path().join("geonames.gaz").exists());
    let gaz = ["--gazetteer", out_path.to_str().unwrap()];
    assert!(resolve_ids(cache.path(), &gaz, "Handarat").contains(&169933));
    let out = run(
        cache.path(),
        &["gazetteer", "info", out_path.to_str().unwrap(), "--json"],
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = std::fs::read_to_string(manifest(SY_DUMP))
        .unwrap()
        .lines()
        .count();
    assert_eq!(info["places"].as_u64(), Some(rows as u64));
}

#[test]
fn a_part_file_from_an_earlier_run_is_continued() {
    let mirror = serve(sy_mirror(), &[]);
    let cache = tempfile::tempdir().unwrap();
    let downloads = cache.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let zip = sy_zip();
    std::fs::write(downloads.join("SY.zip.part"), &zip[..1000]).unwrap();
    let out = download(cache.path(), "SY", &mirror.url, &["--no-bundled"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let seen = mirror.seen.lock().unwrap().clone();
    let first = seen.iter().find(|s| s.0 == "SY.zip").unwrap();
    assert_eq!(first.1.as_deref(), Some("bytes=1000-"), "{seen:?}");
    assert!(resolve_ids(cache.path(), &[], "Handarat").contains(&169933));
}

#[test]
fn files_missing_from_the_mirror_other_than_the_dump_are_warnings() {
    let files = HashMap::from([("SY.zip".to_string(), sy_zip())]);
    let mirror = serve(files, &[]);
    let cache = tempfile::tempdir().unwrap();
    let out = download(cache.path(), "SY", &mirror.url, &["--no-bundled"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for f in [
        "alternatenames/SY.zip",
        "admin1CodesASCII.txt",
        "countryInfo.txt",
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("mentionmap: warning:") && l.contains(f)),
            "warning for {f}: {err}"
        );
    }
    // Without the alternate-names file the dump's own names column is read.
    assert!(resolve_ids(cache.path(), &[], "Hanndrâte").contains(&169933));
}

#[test]
fn a_missing_country_dump_is_an_error() {
    let mut files = sy_mirror();
    files.remove("SY.zip");
    let mirror = serve(files, &[]);
    let cache = tempfile::tempdir().unwrap();
    let out = download(cache.path(), "SY", &mirror.url, &[]);
    assert_one_line_error(&out, 7, &["SY.zip", "404"]);
    assert!(!cache.path().join("geonames.gaz").exists());
}

#[test]
fn an_unreachable_mirror_is_exit_7_in_one_line() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cache = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/");
    let out = download(cache.path(), "SY", &url, &[]);
    assert_one_line_error(&out, 7, &["SY.zip", "refused"]);
}

#[test]
fn a_bad_zip_is_a_clear_error_and_is_not_kept() {
    for (bad, needle) in [
        (sy_zip()[..300_000].to_vec(), "end-of-central-directory"),
        (
            b"<html>Service unavailable</html>".to_vec(),
            "not a zip archive",
        ),
    ] {
        let mut files = sy_mirror();
        files.insert("SY.zip".into(), bad);
        let mirror = serve(files, &[]);
        let cache = tempfile::tempdir().unwrap();
        let out = download(cache.path(), "SY", &mirror.url, &[]);
        assert_one_line_error(&out, 7, &["SY.zip", needle]);
        assert!(!cache.path().join("downloads/SY.zip").exists());
        assert!(!cache.path().join("geonames.gaz").exists());
    }
}

#[test]
fn a_local_directory_mirror_is_read_in_place() {
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in sy_mirror() {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let cache = tempfile::tempdir().unwrap();
    let out = download(
        cache.path(),
        "SY",
        dir.path().to_str().unwrap(),
        &["--no-bundled"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        dir.path().join("SY.zip").is_file(),
        "the mirror is left alone"
    );
    assert!(resolve_ids(cache.path(), &[], "Handarat Camp").contains(&169933));
    // A downloaded index that no longer opens says how to get past it.
    let index = cache.path().join("geonames.gaz");
    let bytes = std::fs::read(&index).unwrap();
    std::fs::write(&index, &bytes[..bytes.len() / 2]).unwrap();
    let out = run(cache.path(), &["resolve", "Aleppo"]);
    assert_one_line_error(&out, 4, &["gazetteer download", "--bundled-gazetteer"]);
    assert!(
        run(cache.path(), &["--bundled-gazetteer", "resolve", "Aleppo"])
            .status
            .success()
    );
}

#[test]
fn usage_errors() {
    let cache = tempfile::tempdir().unwrap();
    let out = run(cache.path(), &["gazetteer", "download"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = run(
        cache.path(),
        &["gazetteer", "download", "--countries", "SY", "--all"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = run(
        cache.path(),
        &["gazetteer", "download", "--countries", "S1"],
    );
    assert_one_line_error(&out, 3, &["S1", "country code"]);
    let out = run(
        cache.path(),
        &[
            "gazetteer",
            "download",
            "--all",
            "--mirror",
            "/no/such/mirror",
        ],
    );
    assert_one_line_error(&out, 3, &["--mirror", "/no/such/mirror"]);
}
