//! Giving the memory of a large request back to the system once it is answered.
//!
//! Mapping a 5 MB text allocates a few hundred MB on the mapping thread; glibc's
//! allocator keeps the freed pages in that thread's arena for later use rather than
//! return them, so after a burst of large requests the server's resident memory
//! stayed several times its baseline (756 MB against 102 MB in `benches/load.py`)
//! while idle. `malloc_trim(0)` hands every arena's free pages back; it takes
//! milliseconds, which only large requests are made to pay.
//!
//! The `mentionmap` binary (and the Python extension) allocate with mimalloc, which
//! keeps freed pages too until the heap is used again: `mi_collect(true)` returns
//! them (a 4 MB text mapped three times left 139 MB resident without it, 42 MB with
//! it; glibc with `malloc_trim`, 60 MB). Both calls are made, so the trim works
//! whichever allocator the embedding program chose.

use axum::http::{header, HeaderMap};

/// Requests with bodies at least this large are followed by a trim: a 256 KiB text
/// makes tens of MB of mapping data, small ones too little to matter.
pub const TRIM_AFTER_BODY_BYTES: u64 = 256 * 1024;

/// Whether a request is large enough to trim after; a body of unknown length
/// (chunked) counts as large.
pub fn is_large(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(true, |n| n >= TRIM_AFTER_BODY_BYTES)
}

/// Returns freed heap pages to the system (mimalloc's everywhere, glibc's on Linux).
pub async fn release_freed() {
    let _ = tokio::task::spawn_blocking(trim).await;
}

fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it takes the allocator's own
    // locks and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
    // SAFETY: mi_collect only frees mimalloc's unused memory; safe from any thread.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_means_a_big_or_unknown_body() {
        let with = |n: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_LENGTH, n.parse().unwrap());
            is_large(&h)
        };
        assert!(!with("3041"));
        assert!(with("5242880"));
        assert!(is_large(&HeaderMap::new()));
    }
}
