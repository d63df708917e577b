//! Reading input text: files and standard input, checked before mapping.
//!
//! Input must be UTF-8 text. A directory, a file with NUL bytes (binary), bytes that
//! are not UTF-8 and input over the size cap are errors that name the input; a leading
//! byte-order mark is dropped.

use std::io::Read;
use std::path::Path;

use crate::error::Error;

/// The largest input read by default: 256 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a text file, checking that it is UTF-8 text under `max_bytes`.
pub fn read_file(path: &Path, max_bytes: u64) -> Result<String, Error> {
    let name = path.display().to_string();
    let io = |source| Error::Io {
        path: name.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(Error::BadInput {
            source_name: name,
            message: "is a directory, not a text file".into(),
        });
    }
    let file = std::fs::File::open(path).map_err(io)?;
    read_capped(file, &name, max_bytes)
}

/// Reads standard input (or any reader) as text under `max_bytes`.
pub fn read_capped(reader: impl Read, name: &str, max_bytes: u64) -> Result<String, Error> {
    let mut bytes = Vec::new();
    reader
        .take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: name.to_string(),
            source,
        })?;
    if bytes.len() as u64 > max_bytes {
        return Err(Error::BadInput {
            source_name: name.to_string(),
            message: format!("larger than the {max_bytes}-byte input limit"),
        });
    }
    decode(bytes, name)
}

/// Checks and decodes bytes as UTF-8 text.
pub fn decode(bytes: Vec<u8>, name: &str) -> Result<String, Error> {
    let bad = |message: String| Error::BadInput {
        source_name: name.to_string(),
        message,
    };
    if let Some(pos) = bytes.iter().take(1 << 16).position(|&b| b == 0) {
        return Err(bad(format!(
            "looks binary (NUL byte at offset {pos}); give a text file"
        )));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        bad(format!(
            "is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_binary_non_utf8_and_oversized() {
        assert!(decode(b"ab\x00cd".to_vec(), "x")
            .unwrap_err()
            .to_string()
            .contains("binary"));
        assert!(decode(b"caf\xe9".to_vec(), "x")
            .unwrap_err()
            .to_string()
            .contains("UTF-8"));
        assert!(read_capped(&b"0123456789"[..], "x", 5)
            .unwrap_err()
            .to_string()
            .contains("limit"));
        assert_eq!(
            decode("\u{feff}Aleppo".as_bytes().to_vec(), "x").unwrap(),
            "Aleppo"
        );
        assert_eq!(decode(Vec::new(), "x").unwrap(), "");
    }
}
