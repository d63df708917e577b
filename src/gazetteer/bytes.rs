//! Byte buffers shared by the index structures: built in this process, a range of a
//! memory-mapped index file, or of the index compiled into the binary (so that opening
//! an index copies nothing).

use std::ops::Range;
use std::sync::Arc;

use memmap2::Mmap;

/// Bytes owned by the process or borrowed from a mapped index file.
#[derive(Clone)]
pub(crate) enum Bytes {
    /// Built in this process.
    Owned(Vec<u8>),
    /// A byte range of a memory-mapped index file.
    Mapped(Arc<Mmap>, Range<usize>),
    /// Bytes in the binary: the compiled-in bundled index.
    Static(&'static [u8]),
}

impl Bytes {
    /// A sub-range of these bytes, sharing them (no copy). `range` lies within
    /// `self` (checked by the caller).
    pub(crate) fn slice(&self, range: Range<usize>) -> Bytes {
        match self {
            Bytes::Owned(v) => Bytes::Owned(v[range].to_vec()),
            Bytes::Mapped(m, r) => {
                Bytes::Mapped(m.clone(), r.start + range.start..r.start + range.end)
            }
            Bytes::Static(s) => Bytes::Static(&s[range]),
        }
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m, r) => &m[r.clone()],
            Bytes::Static(s) => s,
        }
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bytes::Owned(v) => write!(f, "Owned({} bytes)", v.len()),
            Bytes::Mapped(_, r) => write!(f, "Mapped({} bytes)", r.len()),
            Bytes::Static(s) => write!(f, "Static({} bytes)", s.len()),
        }
    }
}

/// The little-endian u32 at byte `i`. Callers check the range first (a section's
/// length is validated when the file is opened), so the indexing cannot fail.
pub(crate) fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// The little-endian i32 at byte `i` (see [`u32_at`]).
pub(crate) fn i32_at(b: &[u8], i: usize) -> i32 {
    u32_at(b, i) as i32
}

/// The little-endian u64 at byte `i` (see [`u32_at`]).
pub(crate) fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from(u32_at(b, i)) | (u64::from(u32_at(b, i + 4)) << 32)
}
