//! Records of a mapped index decoded on first use and kept, for the compiled-in
//! bundled gazetteer.
//!
//! Decoding every record at open costs a one-document run more than the document (a
//! tenth of a second and 50 MB for 212,000 places); decoding a record each time it is
//! asked for costs a batch the same strings over and over (the resolver asks for each
//! candidate several times). Here each record is decoded once, when first asked for,
//! and kept: one pointer-sized cell per place is all that is paid up front, and
//! threads share what any of them decoded.

use std::sync::OnceLock;

use super::records::MappedRecords;
use super::{Place, PlaceKind};

/// Mapped records with a decode-once cell per record.
#[derive(Debug)]
pub(crate) struct KeptRecords {
    records: MappedRecords,
    decoded: Box<[OnceLock<Box<Place>>]>,
}

impl KeptRecords {
    /// Wraps validated records; nothing is decoded yet.
    pub(crate) fn new(records: MappedRecords) -> Self {
        let decoded = (0..records.len()).map(|_| OnceLock::new()).collect();
        KeptRecords { records, decoded }
    }

    /// Number of records.
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Record `i` (`i < len`), decoded the first time it is asked for.
    pub(crate) fn place(&self, i: usize) -> &Place {
        self.decoded[i].get_or_init(|| Box::new(self.records.place(i)))
    }

    /// The kind of record `i`, without decoding it.
    pub(crate) fn kind(&self, i: usize) -> PlaceKind {
        self.records.kind(i)
    }

    /// The population of record `i`, without decoding it.
    pub(crate) fn population(&self, i: usize) -> u64 {
        self.records.population(i)
    }

    /// The country and admin1 codes of record `i`, borrowed from the map.
    pub(crate) fn codes(&self, i: usize) -> (&str, &str) {
        self.records.codes(i)
    }
}
