//! Issue #16, item by item: what an attacker or an unlucky user does to mentionmap,
//! through the real binary. Each test names its item.
//!
//! Item 5 (markup in GeoJSON property values reaching the page unescaped) is a
//! browser matter: `tests/browser/` opens a GeoJSON with markup in every property
//! and counts the scripts that run.

mod common;

use common::{feature_names as names, mentionmap as bin, run, stderr};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

/// `rel` under `../shared`, which these tests need (they fail without it).
fn shared(rel: &str) -> PathBuf {
    common::manifest().join("../shared").join(rel)
}

fn json_file(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap())
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", p.display()))
}

/// `<div>` nested `depth` deep around a sentence naming Aleppo.
fn nested_html(depth: usize) -> String {
    format!(
        "<html><body>{}<p>Shelling was reported in Aleppo.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

/// The documents of the dev corpora, as JSONL lines.
fn dev_lines() -> Vec<String> {
    let dir = shared("eval/dev");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

// ---------------------------------------------------------------- the server

struct Server {
    child: std::process::Child,
    addr: String,
}

impl Server {
    fn start() -> Server {
        let mut child = bin()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = common::served_address(&line);
        Server { child, addr }
    }

    /// Sends raw bytes; returns the whole response (the server closes).
    fn raw(&self, request: &[u8]) -> String {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s.write_all(request).unwrap();
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        String::from_utf8_lossy(&raw).into_owned()
    }

    fn post(&self, path: &str, extra_headers: &str, content_type: &str, body: &[u8]) -> String {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n",
            self.addr,
            body.len()
        )
        .into_bytes();
        req.extend_from_slice(body);
        self.raw(&req)
    }

    fn alive(&self) -> bool {
        let r = self.raw(
            format!(
                "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.addr
            )
            .as_bytes(),
        );
        r.starts_with("HTTP/1.1 200")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Item 1: deep nesting was a stack overflow. 100,000 levels on the CLI (was an
/// abort after 44 s), 5,000 in a batch's `html` document (was exit 134 and an
/// invalid `-o` file) and in a server request (was the whole server aborting).
#[test]
fn item1_deeply_nested_html_maps_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("deep.html");
    std::fs::write(&page, nested_html(100_000)).unwrap();
    let started = Instant::now();
    let o = run(&["map", page.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(names(&fc).contains(&"Aleppo".to_string()), "{fc}");
    eprintln!(
        "100,000 nested divs: {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let jsonl = dir.path().join("deep.jsonl");
    let line = serde_json::json!({"id": "deep", "html": nested_html(5_000)});
    std::fs::write(&jsonl, format!("{line}\n")).unwrap();
    let out = dir.path().join("deep.geojson");
    let o = run(
        &[
            "map",
            "--jsonl",
            jsonl.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(names(&json_file(&out)).contains(&"Aleppo".to_string()));

    let server = Server::start();
    let body = serde_json::json!({"format": "html", "text": nested_html(5_000)}).to_string();
    let r = server.post("/api/map", "", "application/json", body.as_bytes());
    assert!(r.starts_with("HTTP/1.1 200"), "{}", &r[..r.len().min(300)]);
    assert!(r.contains("\"Aleppo\""));
    assert!(server.alive());
}

/// Item 2: a place named thousands of times keeps its first 1,000 mentions, counts
/// all and says how many it left out; `--all-mentions` keeps them all.
#[test]
fn item2_mentions_per_place_are_capped_with_a_count() {
    let text = "Aleppo ".repeat(3_000);
    let o = run(&["map"], Some(text.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &fc["features"][0]["properties"];
    assert_eq!(p["name"], "Aleppo");
    assert_eq!(p["mention_count"], 3_000);
    assert_eq!(p["mentions"].as_array().unwrap().len(), 1_000);
    assert_eq!(p["mentions_truncated"], 2_000);
    let o = run(&["map", "--all-mentions"], Some(text.as_bytes()));
    let fc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &fc["features"][0]["properties"];
    assert_eq!(p["mentions"].as_array().unwrap().len(), 3_000);
    assert!(p.get("mentions_truncated").is_none());
}

/// Item 3: a Content-Length over the cap is refused before the body is read, and a
/// connection that never finishes its headers is closed.
#[test]
fn item3_oversized_bodies_and_slow_headers_are_cut_off() {
    let server = Server::start();
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    write!(
        s,
        "POST /api/map HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain\r\nContent-Length: 50000000\r\n\r\n",
        server.addr
    )
    .unwrap();
    // No body is sent: the answer must come from the header alone.
    let mut head = [0u8; 12];
    s.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 413");

    let mut slow = TcpStream::connect(&server.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(25)))
        .unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let closed = match slow.read_to_end(&mut rest) {
        Ok(_) => true,
        // A reset is a close too; a read timeout is not.
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    };
    assert!(
        closed && started.elapsed() < Duration::from_secs(20),
        "half-sent headers held for {:?}",
        started.elapsed()
    );
    assert!(server.alive());
}

/// Item 4: another origin's page cannot use the server; answers carry nosniff.
#[test]
fn item4_cross_origin_requests_are_refused() {
    let server = Server::start();
    let r = server.post(
        "/api/map",
        "Origin: http://evil.example\r\n",
        "text/plain",
        b"Aleppo",
    );
    assert!(r.starts_with("HTTP/1.1 403"), "{r}");
    assert!(r.contains("cross-origin"), "{r}");
    let r = server.post("/api/map", "", "text/plain", b"Aleppo");
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    assert!(
        r.to_ascii_lowercase()
            .contains("x-content-type-options: nosniff"),
        "{r}"
    );
}

/// Item 6: ids that cannot be file names as given (too long, `a.geojson/x` after
/// `a`, NUL, a leading dot) are made safe; ids that name nothing (empty, `..`) are
/// one bad document each; the rest are written and the run ends with the summary
/// and exit 8. (It stopped with exit 5 at the first bad id.)
#[test]
fn item6_bad_ids_in_an_out_dir_are_single_bad_documents() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(300);
    let ids = [
        "a",
        "a.geojson/x",
        long.as_str(),
        "",
        "..",
        "nul\u{0}id",
        ".hidden",
        "last",
    ];
    let jsonl: String = ids
        .iter()
        .map(|id| {
            format!(
                "{}\n",
                serde_json::json!({"id": id, "text": "Rain in Homs."})
            )
        })
        .collect();
    let input = dir.path().join("ids.jsonl");
    std::fs::write(&input, jsonl).unwrap();
    let out = dir.path().join("out");
    let o = run(
        &[
            "map",
            "--jsonl",
            input.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ],
        None,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(8), "{err}");
    assert!(
        err.contains("6 documents") && err.contains("2 errors"),
        "{err}"
    );
    assert!(err.contains("ids.jsonl:4 (doc \"\")"), "{err}");
    assert!(err.contains("ids.jsonl:5 (doc \"..\")"), "{err}");
    for f in [
        "a.geojson",
        "a.geojson_/x.geojson",
        "nul_id.geojson",
        "_hidden.geojson",
        "last.geojson",
    ] {
        let fc = json_file(&out.join(f));
        assert!(names(&fc).contains(&"Homs".to_string()), "{f}");
    }
    let long_file = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with("xxxx"))
        .expect("the long id's file");
    assert!(long_file.len() <= 255, "{long_file}");
    assert_eq!(json_file(&out.join(&long_file))["metadata"]["doc"], long);
    // Nothing was written outside the directory.
    let outside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(outside.len(), 2, "{outside:?}");
}

/// Item 7: a run killed while writing `-o` leaves the earlier good file whole
/// under its name (it was 0 bytes or truncated), and a finished run leaves no
/// temporary file.
#[test]
fn item7_a_killed_run_keeps_the_earlier_output() {
    let dir = tempfile::tempdir().unwrap();
    let lines = dev_lines();
    let small = dir.path().join("small.jsonl");
    std::fs::write(&small, lines[..5].join("\n")).unwrap();
    let out = dir.path().join("out.geojson");
    let o = run(
        &[
            "map",
            "--jsonl",
            small.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let good = std::fs::read(&out).unwrap();
    assert_eq!(json_file(&out)["metadata"]["documents"], 5);
    let listing = || -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(listing(), ["out.geojson", "small.jsonl"]);

    // Enough documents that the run is still writing when it is killed.
    let big = dir.path().join("big.jsonl");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    for i in 0..8 {
        for l in &lines {
            let mut doc: Value = serde_json::from_str(l).unwrap();
            doc["id"] = format!("{}-{i}", doc["id"].as_str().unwrap_or("doc")).into();
            writeln!(w, "{doc}").unwrap();
        }
    }
    w.flush().unwrap();
    drop(w);
    let mut child = bin()
        .args(["map", "--jsonl", big.to_str().unwrap(), "-o"])
        .arg(&out)
        .args(["--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mid_write = loop {
        let partial = std::fs::read_dir(dir.path()).unwrap().any(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            name.starts_with(".out.geojson.") && e.metadata().is_ok_and(|m| m.len() > 0)
        });
        if partial {
            break true;
        }
        if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(mid_write, "the run ended before any output was written");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        good,
        "the earlier file changed"
    );
    // The killed writer's hidden temporary file may remain; nothing else changed.
    let left: Vec<String> = listing()
        .into_iter()
        .filter(|n| !n.starts_with(".out.geojson."))
        .collect();
    assert_eq!(left, ["big.jsonl", "out.geojson", "small.jsonl"]);
}

/// Item 8: `--max-bytes` holds for each JSONL document, and a JSONL line has a
/// length cap (twice `--max-bytes` plus 64 KiB): over either, that one document is
/// reported and the rest are mapped.
#[test]
fn item8_max_bytes_applies_to_jsonl_documents_and_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("docs.jsonl");
    let over = format!("Rain in Homs. {}", "More rain. ".repeat(100));
    let huge_title = "t".repeat(200_000);
    let lines = [
        serde_json::json!({"id": "ok", "text": "Rain in Aleppo."}),
        serde_json::json!({"id": "over", "text": over}),
        serde_json::json!({"id": "long-line", "text": "Hama", "title": huge_title}),
        serde_json::json!({"id": "after", "text": "Rain in Damascus."}),
    ];
    let jsonl: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&input, jsonl).unwrap();
    let o = run(
        &[
            "map",
            "--jsonl",
            input.to_str().unwrap(),
            "--max-bytes",
            "1000",
            "--format",
            "geojsonseq",
        ],
        None,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(8), "{err}");
    assert!(
        err.contains("docs.jsonl:2 (doc \"over\"): larger than the 1000-byte input limit"),
        "{err}"
    );
    assert!(
        err.contains("docs.jsonl:3: line of 200") && err.contains("67536-byte limit"),
        "{err}"
    );
    assert!(
        err.contains("2 documents") && err.contains("2 errors"),
        "{err}"
    );
    let docs: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .split('\u{1e}')
        .filter(|r| !r.trim().is_empty())
        .map(|r| {
            let f: Value = serde_json::from_str(r).unwrap();
            f["properties"]["doc"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(docs, ["ok", "after"]);
}

/// The header and body checksums of an index file recomputed after an edit.
fn reseal(b: &mut [u8]) {
    let body = crc32fast::hash(&b[32..]);
    b[24..28].copy_from_slice(&body.to_le_bytes());
    let header = crc32fast::hash(&b[..28]);
    b[28..32].copy_from_slice(&header.to_le_bytes());
}

/// Item 9: a flipped byte in the name automaton, with the file's checksums forged
/// to match, is refused at open (it gave different answers).
#[test]
fn item9_a_forged_index_with_a_changed_automaton_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let gaz = dir.path().join("sy.gaz");
    let o = run(
        &[
            "gazetteer",
            "build",
            "--geonames",
            shared("gazetteer/SY-whosonfirst.geonames.txt")
                .to_str()
                .unwrap(),
            "-o",
            gaz.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let good = std::fs::read(&gaz).unwrap();
    let text = b"Shelling in Aleppo and Homs, then Idlib and Hama.";
    let map = |path: &Path| run(&["map", "--gazetteer", path.to_str().unwrap()], Some(text));
    assert_eq!(map(&gaz).status.code(), Some(0));

    // The FST section from the section table (u32 tag, u32, u64 offset, u64 length).
    let count = u32::from_le_bytes(good[12..16].try_into().unwrap()) as usize;
    let entry = (0..count)
        .map(|i| 32 + i * 24)
        .find(|&t| &good[t..t + 4] == b"FST\0")
        .unwrap();
    let off = u64::from_le_bytes(good[entry + 8..entry + 16].try_into().unwrap()) as usize;
    let len = u64::from_le_bytes(good[entry + 16..entry + 24].try_into().unwrap()) as usize;
    let forged = dir.path().join("forged.gaz");
    for at in [off + len / 3, off + len / 2, off + len - 40] {
        let mut b = good.clone();
        b[at] ^= 0x01;
        reseal(&mut b);
        std::fs::write(&forged, &b).unwrap();
        let o = map(&forged);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(4), "byte {at}: {err}");
        assert!(
            err.contains("corrupt gazetteer") && err.contains("name automaton"),
            "{err}"
        );
    }
}

/// Item 10: a GeoNames dump may start with a byte-order mark; a negative population
/// is an error naming its line (it became 0).
#[test]
fn item10_geonames_dumps_with_a_bom_or_a_negative_population() {
    let dir = tempfile::tempdir().unwrap();
    let dump = std::fs::read_to_string(shared("gazetteer/SY-whosonfirst.geonames.txt")).unwrap();
    let rows: Vec<&str> = dump.lines().take(20).collect();
    let bom = dir.path().join("bom.txt");
    std::fs::write(&bom, format!("\u{feff}{}\n", rows.join("\n"))).unwrap();
    let gaz = dir.path().join("bom.gaz");
    let o = run(
        &[
            "gazetteer",
            "build",
            "--geonames",
            bom.to_str().unwrap(),
            "-o",
            gaz.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("20 rows: 20 added"), "{}", stderr(&o));

    let mut cols: Vec<&str> = rows[1].split('\t').collect();
    cols[14] = "-5";
    let negative = cols.join("\t");
    let neg = dir.path().join("neg.txt");
    std::fs::write(&neg, format!("{}\n{negative}\n", rows[0])).unwrap();
    let o = run(
        &[
            "gazetteer",
            "build",
            "--geonames",
            neg.to_str().unwrap(),
            "-o",
            gaz.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("(line 2): negative population \"-5\""),
        "{}",
        stderr(&o)
    );
}

/// Item 10: an error line names its place once (it said `b.jsonl:3: b.jsonl:3:`).
#[test]
fn item10_batch_errors_name_their_line_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("b.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"text\":\"Homs\"}\n\n{not json\n{\"id\":\"c\"}\n",
    )
    .unwrap();
    let o = run(
        &["map", "--jsonl", input.to_str().unwrap(), "--format", "csv"],
        None,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(8), "{err}");
    let errors: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("mentionmap: error:"))
        .collect();
    assert_eq!(errors.len(), 2, "{err}");
    for (line, e) in ["b.jsonl:3", "b.jsonl:4"].iter().zip(&errors) {
        assert_eq!(e.matches(line).count(), 1, "{e}");
    }
}

/// Item 10: an error in a GeoJSON of user places gives the line and column where
/// the feature or the syntax error is (it said nothing, or "line 0").
#[test]
fn item10_geojson_place_errors_give_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let places = dir.path().join("places.geojson");
    let gaz = dir.path().join("p.gaz");
    let build = |contents: &str| {
        std::fs::write(&places, contents).unwrap();
        run(
            &[
                "gazetteer",
                "build",
                "--geojson",
                places.to_str().unwrap(),
                "-o",
                gaz.to_str().unwrap(),
            ],
            None,
        )
    };
    let o = build(
        "{\"type\": \"FeatureCollection\", \"features\": [\n\
         {\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [37.1, 36.2]}, \"properties\": {\"name\": \"Handarat Camp\", \"country\": \"SY\", \"kind\": \"district\"}},\n\
         \x20 {\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [\"a\", 36.2]}, \"properties\": {\"name\": \"Bad\"}}\n\
         ]}\n",
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("places.geojson line 3 column 3: feature 2: coordinates are not numbers"),
        "{err}"
    );
    let o = build(
        "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\",}\n]}",
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("places.geojson line 3 column"), "{err}");
    assert!(
        !err.contains("line 0") && err.matches("line 3").count() == 1,
        "{err}"
    );
}
