//! Real inputs: URLs (served by a local HTTP server on 127.0.0.1 started here, no
//! internet), saved HTML pages, plain text with boilerplate, and batches (JSONL and
//! directories), including every error kind and its exit code.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

mod common;

use common::{feature_names as names, manifest, run, stderr};

fn fixture(name: &str) -> PathBuf {
    manifest().join("tests/fixtures/html").join(name)
}

/// A file with `contents` in a fresh temporary directory (kept while the guard lives).
fn temp_file(name: &str, contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            stderr(o)
        )
    })
}

// ---------------------------------------------------------------- test server

/// The seed article wrapped in a news page layout, when ../shared is there.
fn seed_page() -> Option<String> {
    let text =
        std::fs::read_to_string(manifest().join("../shared/examples/aleppo-2016.txt")).ok()?;
    let paras: String = text
        .split("\n\n")
        .map(|p| format!("<p>{}</p>\n", p.trim()))
        .collect();
    Some(format!(
        "<html><head><title>Aleppo | The Post</title></head><body>\
         <nav><a href='/'>Home</a> <a href='/w'>Paris</a> <a href='/t'>Tokyo</a></nav>\
         <article><div class='article-body'>{paras}</div></article>\
         <footer>Copyright The Post, Lagos. All rights reserved.</footer></body></html>"
    ))
}

/// Starts (once) a tiny HTTP/1.1 server on 127.0.0.1; returns its base URL.
fn server() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let _ = serve(stream);
                });
            }
        });
        base
    })
}

fn respond(
    s: &mut TcpStream,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    s.flush()
}

/// A 200 response with an HTML body, gzip-encoded.
fn respond_gzipped_html(s: &mut TcpStream, html: &[u8]) -> std::io::Result<()> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(html)?;
    let b = enc.finish()?;
    respond(
        s,
        "200 OK",
        &[
            ("Content-Type", "text/html; charset=utf-8".into()),
            ("Content-Encoding", "gzip".into()),
            ("Content-Length", b.len().to_string()),
        ],
        &b,
    )
}

fn serve(mut s: TcpStream) -> std::io::Result<()> {
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(s.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    let mut accept_gzip = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let l = line.to_ascii_lowercase();
        if l.starts_with("accept-encoding:") && l.contains("gzip") {
            accept_gzip = true;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let html = |name: &str| std::fs::read(fixture(name)).unwrap();
    let ct_html = ("Content-Type", "text/html; charset=utf-8".to_string());
    let len = |b: &[u8]| ("Content-Length", b.len().to_string());
    match path.as_str() {
        "/wire" => {
            let b = html("wire-story.html");
            respond(&mut s, "200 OK", &[ct_html, len(&b)], &b)
        }
        "/gzip" => {
            assert!(accept_gzip, "the client asks for gzip");
            respond_gzipped_html(&mut s, &html("wire-story.html"))
        }
        "/moved" => respond(
            &mut s,
            "301 Moved Permanently",
            &[("Location", "/redirect2".into()), len(b"")],
            b"",
        ),
        "/redirect2" => respond(
            &mut s,
            "302 Found",
            &[("Location", "/wire".into()), len(b"")],
            b"",
        ),
        "/loop" => respond(
            &mut s,
            "302 Found",
            &[("Location", "/loop".into()), len(b"")],
            b"",
        ),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(4));
            let b = html("wire-story.html");
            respond(&mut s, "200 OK", &[ct_html, len(&b)], &b)
        }
        "/text" => {
            let b = b"Talks resumed in Geneva and Vienna on Monday.\n\nWe use cookies. Accept all cookies or manage settings.".to_vec();
            respond(
                &mut s,
                "200 OK",
                &[("Content-Type", "text/plain".into()), len(&b)],
                &b,
            )
        }
        "/pdf" => respond(
            &mut s,
            "200 OK",
            &[("Content-Type", "application/pdf".into()), len(b"%PDF-1.4")],
            b"%PDF-1.4",
        ),
        "/huge-declared" => {
            // Claims 50 MB; the client must refuse before reading it.
            respond(
                &mut s,
                "200 OK",
                &[ct_html, ("Content-Length", "50000000".into())],
                b"<p>",
            )
        }
        "/huge-stream" => {
            // No length: a body that only turns out too large while reading.
            respond(&mut s, "200 OK", &[ct_html], &vec![b'x'; 300_000])
        }
        news if news.starts_with("/news/") => {
            // A real saved news page (scripts/fetch-news-pages), gzipped as
            // news sites send them.
            let page = common::news_pages_dir()
                .and_then(|d| std::fs::read(d.join("html").join(&news[6..])).ok());
            match page {
                Some(b) => respond_gzipped_html(&mut s, &b),
                None => respond(&mut s, "404 Not Found", &[len(b"")], b""),
            }
        }
        "/seed" => match seed_page() {
            Some(p) => respond(
                &mut s,
                "200 OK",
                &[ct_html, len(p.as_bytes())],
                p.as_bytes(),
            ),
            None => respond(&mut s, "404 Not Found", &[len(b"")], b""),
        },
        "/error" => respond(
            &mut s,
            "500 Internal Server Error",
            &[len(b"oops")],
            b"oops",
        ),
        _ => respond(
            &mut s,
            "404 Not Found",
            &[ct_html, len(b"<h1>Not found</h1>")],
            b"<h1>Not found</h1>",
        ),
    }?;
    // Let the client read everything before the socket closes.
    let mut rest = Vec::new();
    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = s.read_to_end(&mut rest);
    Ok(())
}

fn url(path: &str) -> String {
    format!("{}{path}", server())
}

// ---------------------------------------------------------------- URLs

fn assert_wire_story(fc: &Value) {
    let n = names(fc);
    for want in ["Sindh", "Sukkur", "Hyderabad", "Islamabad", "Rajasthan"] {
        assert!(n.iter().any(|x| x == want), "{want} missing from {n:?}");
    }
    // Navigation, JSON-LD, captions, related links, most-read, newsletter, footer
    // and cookie banner must not leak.
    for gone in [
        "Chicago",
        "Tokyo",
        "Kabul",
        "Quetta",
        "Lahore",
        "Peshawar",
        "Athens",
        "Manila",
        "Frankfurt",
        "San Francisco",
        "London",
        "Hong Kong",
        "Africa",
        "Europe",
    ] {
        assert!(!n.iter().any(|x| x == gone), "{gone} leaked into {n:?}");
    }
}

/// Every mention's offsets point at its text in the extracted page text.
fn assert_offsets(fc: &Value, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    for f in fc["features"].as_array().unwrap() {
        for m in f["properties"]["mentions"].as_array().unwrap() {
            let (bs, be) = (
                m["byte_start"].as_u64().unwrap() as usize,
                m["byte_end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[bs..be], m["text"].as_str().unwrap());
            let (cs, ce) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                chars[cs..ce].iter().collect::<String>(),
                m["text"].as_str().unwrap()
            );
        }
    }
}

#[test]
fn url_is_fetched_extracted_and_described() {
    let o = run(&["map", &url("/wire")], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fc = json(&o);
    assert_wire_story(&fc);
    let meta = &fc["metadata"];
    assert_eq!(meta["source"], url("/wire"));
    assert_eq!(meta["title"], "Floods sweep Sindh as Indus rises");
    let t = meta["fetched_at"].as_str().unwrap();
    assert!(
        t.len() == 20 && t.ends_with('Z') && &t[10..11] == "T",
        "{t}"
    );
    assert!(meta["preprocessing"][0]
        .as_str()
        .unwrap()
        .starts_with("html-main-text"));
    let html = std::fs::read_to_string(fixture("wire-story.html")).unwrap();
    let text = mentionmap::html::extract(&html).text;
    let text = mentionmap::boilerplate::strip_trailing(&text).0;
    assert_offsets(&fc, text);
}

/// Places of a mapped collection: geonameid, or name for an estimate.
fn place_keys(fc: &Value) -> std::collections::BTreeSet<String> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            match p["geonameid"].as_u64() {
                Some(id) => id.to_string(),
                None => p["name"].as_str().unwrap().to_string(),
            }
        })
        .collect()
}

#[test]
fn real_news_pages_over_http_map_like_their_article_text() {
    let Some(dir) = common::news_pages_dir() else {
        return;
    };
    for page in [
        "cnn_article",
        "wired_001",
        "time_001",
        "fox13now_001",
        "yna_co_kr",
    ] {
        let o = run(&["map", &url(&format!("/news/{page}.html"))], None);
        assert_eq!(o.status.code(), Some(0), "{page}: {}", stderr(&o));
        let fetched = json(&o);
        assert!(
            fetched["metadata"]["title"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{page}: no title"
        );
        let html = std::fs::read_to_string(dir.join("html").join(format!("{page}.html"))).unwrap();
        let text = mentionmap::html::extract(&html).text;
        assert_offsets(&fetched, mentionmap::boilerplate::strip_trailing(&text).0);

        let reference = dir.join("txt").join(format!("{page}.txt"));
        let o = run(&["map", reference.to_str().unwrap()], None);
        assert_eq!(o.status.code(), Some(0), "{page}: {}", stderr(&o));
        let expected = place_keys(&json(&o));
        assert!(!expected.is_empty(), "{page}: its article names no place");
        assert_eq!(place_keys(&fetched), expected, "{page}");
    }
}

#[test]
fn gzip_and_redirects() {
    let o = run(&["map", &url("/gzip")], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_wire_story(&json(&o));

    let o = run(&["map", &url("/moved")], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fc = json(&o);
    assert_wire_story(&fc);
    assert!(fc["metadata"]["source"]
        .as_str()
        .unwrap()
        .contains("redirected to"));

    let o = run(&["map", &url("/loop")], None);
    assert_eq!(o.status.code(), Some(7));
    assert!(stderr(&o).contains("redirects"), "{}", stderr(&o));
}

#[test]
fn plain_text_url_is_filtered_not_extracted() {
    let o = run(&["map", &url("/text")], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fc = json(&o);
    assert!(names(&fc).contains(&"Geneva".to_string()));
    assert_eq!(fc["metadata"]["title"], Value::Null);
    assert!(fc["metadata"]["preprocessing"][0]
        .as_str()
        .unwrap()
        .contains("removed 1"));
}

#[test]
fn network_errors_are_one_line_and_exit_7() {
    let cases: &[(&str, &str)] = &[
        ("/missing", "HTTP 404"),
        ("/error", "HTTP 500"),
        ("/pdf", "application/pdf"),
        ("/huge-declared", "limit"),
    ];
    for (path, want) in cases {
        let o = run(&["map", &url(path)], None);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(7), "{path}: {err}");
        assert!(err.contains(want) && err.contains(path), "{path}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(o.stdout.is_empty());
    }
    let o = run(
        &["map", &url("/huge-stream"), "--max-fetch-bytes", "100000"],
        None,
    );
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
    assert!(stderr(&o).contains("100000-byte limit"), "{}", stderr(&o));

    let o = run(&["map", "http://no-such-host.invalid/story.html"], None);
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
    assert!(stderr(&o).contains("resolve"), "{}", stderr(&o));

    // Nothing listens on port 9 of localhost here.
    let o = run(&["map", "http://127.0.0.1:9/"], None);
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
}

#[test]
fn slow_server_times_out() {
    let o = run(&["map", &url("/slow"), "--timeout", "1"], None);
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
    // The server answers after 4 s: a success here would mean no timeout.
    assert!(stderr(&o).contains("timed out"), "{}", stderr(&o));
}

#[test]
fn seed_article_as_a_web_page() {
    if seed_page().is_none() {
        return;
    }
    let o = run(&["map", &url("/seed")], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let n = names(&json(&o));
    for want in ["Aleppo", "Handarat", "Moscow"] {
        assert!(n.iter().any(|x| x == want), "{want} missing from {n:?}");
    }
    for gone in ["Paris", "Tokyo", "Lagos"] {
        assert!(!n.iter().any(|x| x == gone), "{gone} leaked into {n:?}");
    }
}

// ---------------------------------------------------------------- files, stdin

#[test]
fn html_files_and_stdin_html() {
    let o = run(&["map", fixture("wire-story.html").to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fc = json(&o);
    assert_wire_story(&fc);
    assert_eq!(fc["metadata"]["title"], "Floods sweep Sindh as Indus rises");
    assert_eq!(fc["metadata"]["fetched_at"], Value::Null);

    let html = std::fs::read(fixture("local-blog.html")).unwrap();
    let o = run(&["map", "--input", "html"], Some(&html));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let n = names(&json(&o));
    for want in ["Laurel County", "Knox County", "Frankfort"] {
        assert!(n.iter().any(|x| x == want), "{want} missing from {n:?}");
    }
    for gone in [
        "Louisville",
        "Barbourville",
        "Somerset",
        "Manchester",
        "Williamsburg",
        "Richmond",
        "Berea",
    ] {
        assert!(!n.iter().any(|x| x == gone), "{gone} leaked into {n:?}");
    }
    // Without --input html the same bytes are text, markup and all.
    let o = run(&["map"], Some(&html));
    assert_eq!(o.status.code(), Some(0));
    assert!(names(&json(&o))
        .iter()
        .any(|x| x == "Somerset" || x == "Barbourville"));

    let o = run(
        &["map", fixture("div-paragraphs.html").to_str().unwrap()],
        None,
    );
    let n = names(&json(&o));
    for want in ["Geneva", "Aleppo", "Gaziantep"] {
        assert!(n.iter().any(|x| x == want), "{want} missing from {n:?}");
    }
    for gone in ["Beirut", "Venice", "Marseille", "Madrid"] {
        assert!(!n.iter().any(|x| x == gone), "{gone} leaked into {n:?}");
    }
}

#[test]
fn plain_text_boilerplate_filter_and_switch() {
    let (_dir, p) = temp_file(
        "a.txt",
        "Rescue teams reached Valparaiso on Friday.\n\nf\n\nSubscribe to our newsletter from our newsroom in Toronto. We use cookies; accept all cookies in Toronto.\n",
    );
    let o = run(&["map", p.to_str().unwrap()], None);
    let fc = json(&o);
    let n = names(&fc);
    assert!(n.contains(&"Valparaiso".to_string()), "{n:?}");
    assert!(!n.contains(&"Toronto".to_string()), "{n:?}");
    assert!(fc["metadata"]["preprocessing"][0]
        .as_str()
        .unwrap()
        .contains("removed 2"));
    let o = run(&["map", p.to_str().unwrap(), "--keep-boilerplate"], None);
    let fc = json(&o);
    assert!(names(&fc).contains(&"Toronto".to_string()));
    assert_eq!(fc["metadata"]["preprocessing"], serde_json::json!([]));
}

// ---------------------------------------------------------------- batches

fn geojson_seq(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .split('\x1e')
        .filter(|r| !r.trim().is_empty())
        .map(|r| serde_json::from_str(r.trim()).unwrap())
        .collect()
}

#[test]
fn jsonl_batch_reports_bad_lines_and_keeps_going() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs.jsonl");
    let html = std::fs::read_to_string(fixture("div-paragraphs.html")).unwrap();
    let lines = [
        serde_json::json!({"id": "t1", "text": "Rescue teams reached Valparaiso on Friday."})
            .to_string(),
        "{this is not json".to_string(),
        serde_json::json!({"id": "h1", "html": html}).to_string(),
        serde_json::json!({"id": "u1", "url": url("/wire")}).to_string(),
        serde_json::json!({"id": "u404", "url": url("/gone")}).to_string(),
        String::new(),
        serde_json::json!({"id": 7, "text": "Floods in Dhaka."}).to_string(),
    ];
    std::fs::write(&docs, lines.join("\n")).unwrap();
    let d = docs.to_str().unwrap();

    // One combined collection, features tagged with `doc`.
    let o = run(&["map", "--jsonl", d, "--threads", "2"], None);
    assert_eq!(o.status.code(), Some(8), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("docs.jsonl:2") && err.contains("invalid JSON"),
        "{err}"
    );
    assert!(
        err.contains("docs.jsonl:5") && err.contains("HTTP 404"),
        "{err}"
    );
    assert!(
        err.contains("4 documents") && err.contains("2 errors") && err.contains("MB/s"),
        "{err}"
    );
    let fc = json(&o);
    let docs_seen: std::collections::BTreeSet<String> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["doc"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        docs_seen.into_iter().collect::<Vec<_>>(),
        ["7", "h1", "t1", "u1"]
    );
    assert_eq!(fc["metadata"]["documents"], 4);
    assert_eq!(fc["metadata"]["errors"], 2);

    // The same batch from standard input (`--jsonl -`): the same places, and bad
    // lines named by their line on standard input.
    let piped = run(
        &["map", "--jsonl", "-", "--threads", "2"],
        Some(lines.join("\n").as_bytes()),
    );
    assert_eq!(piped.status.code(), Some(8), "{}", stderr(&piped));
    assert!(
        stderr(&piped).contains("standard input:2"),
        "{}",
        stderr(&piped)
    );
    assert_eq!(json(&piped)["features"], fc["features"]);

    // GeoJSON text sequence on stdout.
    let o = run(&["map", "--jsonl", d, "--format", "geojsonseq"], None);
    assert_eq!(o.status.code(), Some(8));
    let feats = geojson_seq(&o);
    assert!(feats.iter().any(|f| f["properties"]["doc"] == "u1"));
    assert!(feats.iter().all(|f| f["type"] == "Feature"));

    // One file per document.
    let out = dir.path().join("out");
    let o = run(
        &["map", "--jsonl", d, "--out-dir", out.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(8));
    for id in ["t1", "h1", "u1", "7"] {
        let fc: Value =
            serde_json::from_slice(&std::fs::read(out.join(format!("{id}.geojson"))).unwrap())
                .unwrap();
        assert_eq!(fc["metadata"]["doc"], id);
    }
    let u1: Value =
        serde_json::from_slice(&std::fs::read(out.join("u1.geojson")).unwrap()).unwrap();
    assert_wire_story(&u1);
    assert!(u1["metadata"]["fetched_at"].is_string());
    assert!(!out.join("u404.geojson").exists());

    // A missing JSONL file is an input error, not a batch failure.
    let o = run(
        &[
            "map",
            "--jsonl",
            dir.path().join("nope.jsonl").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn directory_batch_recurses_and_reports_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("2024/may")).unwrap();
    std::fs::write(
        d.join("a.txt"),
        "Protests spread from Santiago to Valparaiso.",
    )
    .unwrap();
    std::fs::copy(fixture("wire-story.html"), d.join("2024/may/wire.html")).unwrap();
    std::fs::write(d.join("2024/broken.txt"), b"Lima\x00\x01binary").unwrap();
    std::fs::write(d.join("notes.md"), "Paris").unwrap();
    let o = run(
        &["map", d.to_str().unwrap(), "--format", "geojsonseq"],
        None,
    );
    assert_eq!(o.status.code(), Some(8), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("broken.txt") && err.contains("binary"),
        "{err}"
    );
    assert!(err.contains("2 documents"), "{err}");
    let feats = geojson_seq(&o);
    let docs: std::collections::BTreeSet<&str> = feats
        .iter()
        .map(|f| f["properties"]["doc"].as_str().unwrap())
        .collect();
    assert_eq!(
        docs.into_iter().collect::<Vec<_>>(),
        ["2024/may/wire.html", "a.txt"]
    );
    assert!(!feats.iter().any(|f| f["properties"]["name"] == "Paris"));

    // Per-document files mirror the tree.
    let out = d.join("../out-dir-test");
    let o = run(
        &[
            "map",
            d.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(8));
    assert!(out.join("2024/may/wire.html.geojson").exists());
    assert!(out.join("a.txt.geojson").exists());
    std::fs::remove_dir_all(&out).unwrap();

    // A clean directory exits 0.
    std::fs::remove_file(d.join("2024/broken.txt")).unwrap();
    let o = run(&["map", d.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fc = json(&o);
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["metadata"]["documents"], 2);
}

#[test]
fn help_documents_exit_codes_and_batches() {
    let o = run(&["map", "--help"], None);
    let h = String::from_utf8_lossy(&o.stdout);
    for want in [
        "--jsonl",
        "--out-dir",
        "--keep-boilerplate",
        "7 network",
        "8 some documents",
        "geojsonseq",
        "doc",
    ] {
        assert!(h.contains(want), "{want} not in help");
    }
}

/// Two documents with the same id in `--out-dir`: both files are written, and the
/// repeat is reported on stderr.
#[test]
fn repeated_ids_in_an_out_dir_are_not_overwritten() {
    let (dir, jsonl) = temp_file(
        "dup.jsonl",
        "{\"id\": \"a\", \"text\": \"Talks opened in Aleppo.\"}\n\
         {\"id\": \"a\", \"text\": \"Talks opened in Moscow.\"}\n",
    );
    let out = dir.path().join("out");
    let o = run(
        &[
            "map",
            "--jsonl",
            jsonl.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
            "--threads",
            "1",
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let names_in = |p: &str| -> Vec<String> {
        names(&serde_json::from_slice(&std::fs::read(out.join(p)).unwrap()).unwrap())
    };
    let mut both = [names_in("a.geojson"), names_in("a~2.geojson")].concat();
    both.sort();
    assert_eq!(both, ["Aleppo", "Moscow"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("repeats"));
}

#[test]
fn one_document_flags_are_refused_in_a_batch() {
    let (_dir, jsonl) = temp_file(
        "docs.jsonl",
        "{\"id\": \"a\", \"text\": \"Talks opened in Aleppo.\"}\n",
    );
    // (`--html` with a batch makes a corpus map: tests/aggregate.rs.)
    let o = run(
        &["map", "--jsonl", jsonl.to_str().unwrap(), "--explain"],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "--explain is a usage error in a batch"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--explain") && err.contains("one document"),
        "{err}"
    );
    assert!(o.stdout.is_empty(), "nothing mapped");
}
