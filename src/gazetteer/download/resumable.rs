//! One resumable HTTP download: the body goes into `FILE.part`, and a download that
//! stops part-way (dropped connection, interrupted run) continues from the bytes
//! already there with an HTTP `Range` request instead of starting again.
//!
//! `FILE.part.validator` keeps the first response's `ETag` (or `Last-Modified`); a
//! resumed request sends it as `If-Range`, so a server whose file changed since then
//! answers with the whole new file, never with the tail of a different one. The
//! finished file must be as long as the server said (`Content-Length`, or the total
//! of `Content-Range`) before it is renamed into place.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use reqwest::blocking::Client;
use reqwest::header::{CONTENT_RANGE, ETAG, IF_RANGE, LAST_MODIFIED, RANGE};
use reqwest::StatusCode;

use crate::error::Error;
use crate::fetch::FetchOptions;

/// How many times a body that stops part-way is resumed within one run. Each resume
/// must have made progress, so a server that keeps failing still ends the run.
pub const MAX_RESUMES: u32 = 5;

/// Copy buffer: large enough that the per-call cost vanishes next to the network.
const BUFFER_BYTES: usize = 1 << 20;

/// How a download ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The file is complete at the destination; `resumed` counts Range requests that
    /// continued a partial body.
    Done {
        /// Size in bytes.
        bytes: u64,
        /// Range requests that continued a partial body.
        resumed: u32,
    },
    /// The server has no such file (HTTP 404 or 410).
    Missing(u16),
}

fn part_path(dest: &Path) -> PathBuf {
    let mut s = dest.as_os_str().to_owned();
    s.push(".part");
    PathBuf::from(s)
}

fn validator_path(dest: &Path) -> PathBuf {
    let mut s = part_path(dest).into_os_string();
    s.push(".validator");
    PathBuf::from(s)
}

/// The total size from a `Content-Range` value (`bytes 100-199/200` or `bytes */200`)
/// and the first byte sent (`None` for the `*/` form).
pub fn parse_content_range(value: &str) -> Option<(Option<u64>, u64)> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let total: u64 = total.trim().parse().ok()?;
    if range.trim() == "*" {
        return Some((None, total));
    }
    let (start, _end) = range.split_once('-')?;
    Some((Some(start.trim().parse().ok()?), total))
}

/// Downloads `url` to `dest`, resuming `dest.part` when present; see the module
/// documentation. Errors name the URL in one line.
pub fn download(
    client: &Client,
    options: &FetchOptions,
    url: &str,
    dest: &Path,
    bar: &ProgressBar,
) -> Result<Outcome, Error> {
    let fail = |message: String| Error::Network {
        url: url.to_string(),
        message,
    };
    let io = |what: &str, e: std::io::Error| fail(format!("{what}: {e}"));
    let part = part_path(dest);
    let validator_file = validator_path(dest);
    let mut resumed = 0;
    let mut progressed = true;
    loop {
        let have = std::fs::metadata(&part).map_or(0, |m| m.len());
        let validator = std::fs::read_to_string(&validator_file).unwrap_or_default();
        let mut request = client.get(url);
        if have > 0 {
            request = request.header(RANGE, format!("bytes={have}-"));
            if !validator.is_empty() {
                request = request.header(IF_RANGE, validator.trim());
            }
        }
        let response = request
            .send()
            .map_err(|e| fail(crate::fetch::describe(&e, options)))?;
        let status = response.status();
        if matches!(status, StatusCode::NOT_FOUND | StatusCode::GONE) {
            return Ok(Outcome::Missing(status.as_u16()));
        }
        let content_range = response
            .headers()
            .get(CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_content_range);
        let (append, total) = match status {
            StatusCode::PARTIAL_CONTENT if have > 0 => match content_range {
                Some((Some(start), total)) if start == have => (true, Some(total)),
                // A range other than the one asked for: start over.
                _ => {
                    discard(&part, &validator_file);
                    continue;
                }
            },
            StatusCode::RANGE_NOT_SATISFIABLE if have > 0 => {
                if content_range.is_some_and(|(_, total)| total == have) {
                    // The part file already holds the whole body.
                    bar.set_length(have);
                    bar.set_position(have);
                    finish(&part, dest, &validator_file).map_err(|e| io("cannot rename", e))?;
                    return Ok(Outcome::Done {
                        bytes: have,
                        resumed,
                    });
                }
                discard(&part, &validator_file);
                continue;
            }
            s if s.is_success() => (false, response.content_length()),
            s => {
                return Err(fail(format!(
                    "the server answered HTTP {}{}",
                    s.as_u16(),
                    s.canonical_reason()
                        .map(|r| format!(" {r}"))
                        .unwrap_or_default()
                )))
            }
        };
        if append {
            resumed += 1;
        } else {
            let v = response
                .headers()
                .get(ETAG)
                .or_else(|| response.headers().get(LAST_MODIFIED))
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            std::fs::write(&validator_file, v).map_err(|e| io("cannot write", e))?;
        }
        let start = if append { have } else { 0 };
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(&part)
            .map_err(|e| io(&format!("cannot write {}", part.display()), e))?;
        bar.set_length(total.unwrap_or(0));
        bar.set_position(start);
        let copied = copy(response, &mut file, bar);
        file.flush().map_err(|e| io("cannot write", e))?;
        drop(file);
        let got = std::fs::metadata(&part).map_or(0, |m| m.len());
        let short = total.is_some_and(|t| got < t);
        match copied {
            Ok(()) if !short => {
                if let Some(t) = total.filter(|&t| got != t) {
                    return Err(fail(format!(
                        "size check failed: received {got} bytes, the server announced {t}"
                    )));
                }
                finish(&part, dest, &validator_file).map_err(|e| io("cannot rename", e))?;
                return Ok(Outcome::Done {
                    bytes: got,
                    resumed,
                });
            }
            result => {
                // The body stopped early: resume while each attempt makes progress.
                progressed = progressed && got > have;
                if resumed >= MAX_RESUMES || !progressed {
                    let why = match result {
                        Err(e) => e.to_string(),
                        Ok(()) => "the connection closed early".into(),
                    };
                    return Err(fail(format!(
                        "the download stopped at {got} of {} bytes ({why}); run the command again to resume",
                        total.map_or("?".into(), |t| t.to_string())
                    )));
                }
                progressed = true;
            }
        }
    }
}

/// Copies the body into the file, advancing the progress bar.
fn copy(mut from: impl Read, to: &mut File, bar: &ProgressBar) -> std::io::Result<()> {
    let mut buf = vec![0u8; BUFFER_BYTES];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        to.write_all(&buf[..n])?;
        bar.inc(n as u64);
    }
}

fn finish(part: &Path, dest: &Path, validator: &Path) -> std::io::Result<()> {
    std::fs::rename(part, dest)?;
    let _ = std::fs::remove_file(validator);
    Ok(())
}

fn discard(part: &Path, validator: &Path) {
    let _ = std::fs::remove_file(part);
    let _ = std::fs::remove_file(validator);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges() {
        assert_eq!(
            parse_content_range("bytes 100-199/200"),
            Some((Some(100), 200))
        );
        assert_eq!(parse_content_range("bytes */4096"), Some((None, 4096)));
        assert_eq!(parse_content_range("bytes 1-2/*"), None);
        assert_eq!(parse_content_range("items 1-2/3"), None);
        assert_eq!(parse_content_range(""), None);
    }

    #[test]
    fn part_files_sit_beside_the_destination() {
        let d = Path::new("/tmp/x/SY.zip");
        assert_eq!(part_path(d), Path::new("/tmp/x/SY.zip.part"));
        assert_eq!(validator_path(d), Path::new("/tmp/x/SY.zip.part.validator"));
    }
}
