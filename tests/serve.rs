//! The real `mentionmap serve` on a free 127.0.0.1 port, mapping the seed article.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request with `Connection: close`; returns (status line, body).
fn request(addr: &str, head: &str, body: &[u8]) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    write!(
        s,
        "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (headers, rest) = text.split_once("\r\n\r\n").unwrap();
    let status = headers.lines().next().unwrap().to_string();
    // The body may be chunked: keep it as is when not, else join the chunks.
    let chunked = headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        let mut out = String::new();
        let mut rest = rest;
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.push_str(&tail[..n]);
            rest = &tail[n + 2..];
        }
        out
    } else {
        rest.to_string()
    };
    (status, body)
}

#[test]
fn serve_maps_the_seed_article_over_http() {
    let seed =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/examples/aleppo-2016.txt");
    let Ok(article) = std::fs::read(&seed) else {
        eprintln!("skipped: {} not present", seed.display());
        return;
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr = common::served_address(&line);

    let (status, page) = request(&addr, "GET / HTTP/1.1", b"");
    assert!(status.contains("200"), "{status}");
    assert!(page.contains("mentionmap"));

    let (status, body) = request(
        &addr,
        "POST /api/map HTTP/1.1\r\nContent-Type: text/plain",
        &article,
    );
    assert!(status.contains("200"), "{status}: {body}");
    let fc: serde_json::Value = serde_json::from_str(&body).unwrap();
    let names: Vec<&str> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Aleppo") && names.contains(&"Handarat"),
        "{names:?}"
    );

    let (status, body) = request(
        &addr,
        "POST /api/map HTTP/1.1\r\nContent-Type: application/json",
        b"{oops",
    );
    assert!(status.contains("400"), "{status}: {body}");
    drop(server);
}
