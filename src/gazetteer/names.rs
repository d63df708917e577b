//! The folded-name index: folded name key → the places that carry that name.
//!
//! Keys are stored in an [`fst::Map`] (a compact, sorted automaton) whose value is the
//! key's ordinal; the postings of ordinal `i` are `postings[offsets[i]..offsets[i+1]]`.
//! The automaton is also walked byte by byte, token by token, by the spotter
//! ([`NameIndex::prefix_matches`]): that is the longest-match scan over a document's
//! token stream, one walk per start token, with no regex per name.

use fst::raw::{Fst, Node, Output};
use fst::{Map, MapBuilder};
use rayon::prelude::*;

use super::bytes::{u32_at, Bytes};

use crate::text::Token;

/// How a name relates to its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameKind {
    /// The place's preferred name.
    Preferred,
    /// Another name: a spelling, an older name, a name in another language.
    Alternate,
    /// A short form: "U.S.", "UK", "Va.", "Calif.".
    Abbreviation,
    /// A demonym or adjective: "Syrian", "American".
    Demonym,
}

impl NameKind {
    /// The word used for this kind in output and explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Preferred => "name",
            NameKind::Alternate => "alternate",
            NameKind::Abbreviation => "abbreviation",
            NameKind::Demonym => "demonym",
        }
    }
}

/// One place that carries a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Posting {
    /// Index of the place in the gazetteer.
    pub place: u32,
    /// How the name relates to the place.
    pub kind: NameKind,
    /// The name is written in capitals in the source ("US", "ALP"): a text must write
    /// it in capitals too, so that "us" or "Alp" do not match it.
    pub all_caps: bool,
    /// The name ends with a dot ("U.S.", "Va."): the mention's span takes the dot.
    pub trailing_dot: bool,
}

/// The bytes behind the name automaton: built in memory, or borrowed from a mapped
/// index file (see [`super::index_file`]).
pub(crate) type FstBytes = Bytes;

/// The ways a posting's name kind is stored, in its two bits.
const NAME_KINDS: [NameKind; 4] = [
    NameKind::Preferred,
    NameKind::Alternate,
    NameKind::Abbreviation,
    NameKind::Demonym,
];

impl Posting {
    /// The stored form: place << 4 | name kind << 2 | all caps << 1 | trailing dot.
    pub(crate) fn pack(&self) -> u32 {
        let kind = NAME_KINDS.iter().position(|k| *k == self.kind).unwrap_or(1) as u32;
        (self.place << 4)
            | (kind << 2)
            | (u32::from(self.all_caps) << 1)
            | u32::from(self.trailing_dot)
    }

    /// Reads the stored form (every u32 is some posting; the place is checked at open).
    pub(crate) fn unpack(v: u32) -> Posting {
        Posting {
            place: v >> 4,
            kind: NAME_KINDS[((v >> 2) & 3) as usize],
            all_caps: v & 2 != 0,
            trailing_dot: v & 1 != 0,
        }
    }
}

/// Where the postings live: built in memory, or packed u32s in a mapped file.
#[derive(Debug)]
enum PostingStore {
    Owned {
        offsets: Vec<u32>,
        postings: Vec<Posting>,
    },
    /// `offsets`: u32 per key + 1; `postings`: packed u32s ([`Posting::pack`]).
    Mapped { offsets: Bytes, postings: Bytes },
}

/// Parses the automaton of a mapped index and checks that there is one posting offset
/// per key and one more, and whole u32s of postings.
fn mapped_layout(
    fst: FstBytes,
    offsets: &Bytes,
    postings: &Bytes,
) -> Result<Map<FstBytes>, String> {
    let map = Map::new(fst).map_err(|e| format!("name automaton: {e}"))?;
    let (o, p) = (offsets.as_ref(), postings.as_ref());
    if o.len() % 4 != 0 || p.len() % 4 != 0 {
        return Err("name offsets or postings are not whole u32s".into());
    }
    if o.len() / 4 != map.len() + 1 {
        return Err(format!(
            "{} name keys but {} offsets",
            map.len(),
            o.len() / 4
        ));
    }
    Ok(map)
}

/// Folded name → postings, built once, read-only afterwards.
#[derive(Debug)]
pub struct NameIndex {
    map: Map<FstBytes>,
    store: PostingStore,
}

/// The postings of one key, read in place (from memory or from the mapped file).
#[derive(Debug, Clone, Copy)]
pub enum Postings<'a> {
    /// Postings built in memory.
    Slice(&'a [Posting]),
    /// Packed postings in a mapped index file, 4 bytes each.
    Packed(&'a [u8]),
}

impl<'a> Postings<'a> {
    /// Number of postings.
    pub fn len(&self) -> usize {
        match self {
            Postings::Slice(s) => s.len(),
            Postings::Packed(b) => b.len() / 4,
        }
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The postings, in order.
    pub fn iter(&self) -> PostingsIter<'a> {
        PostingsIter {
            postings: *self,
            next: 0,
        }
    }

    fn at(&self, i: usize) -> Posting {
        match self {
            Postings::Slice(s) => s[i],
            Postings::Packed(b) => Posting::unpack(u32_at(b, i * 4)),
        }
    }
}

impl<'a> IntoIterator for Postings<'a> {
    type Item = Posting;
    type IntoIter = PostingsIter<'a>;
    fn into_iter(self) -> PostingsIter<'a> {
        self.iter()
    }
}

/// Iterator over [`Postings`].
#[derive(Debug, Clone)]
pub struct PostingsIter<'a> {
    postings: Postings<'a>,
    next: usize,
}

impl Iterator for PostingsIter<'_> {
    type Item = Posting;
    fn next(&mut self) -> Option<Posting> {
        (self.next < self.postings.len()).then(|| {
            self.next += 1;
            self.postings.at(self.next - 1)
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.postings.len() - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for PostingsIter<'_> {}

/// A key of the index that a run of tokens spells out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixMatch {
    /// Index one past the last token of the match.
    pub end_token: usize,
    /// Ordinal of the key, for [`NameIndex::postings_of`].
    pub key: u64,
}

impl NameIndex {
    /// Builds the index from (folded key, posting) pairs in any order. Empty keys are
    /// dropped; duplicate postings are merged.
    pub fn build(mut entries: Vec<(String, Posting)>) -> Self {
        entries.retain(|(k, _)| !k.is_empty());
        entries.sort_unstable();
        entries.dedup();
        let mut builder = MapBuilder::memory();
        let mut offsets = Vec::new();
        let mut postings = Vec::with_capacity(entries.len());
        let mut last: Option<&str> = None;
        for (key, posting) in &entries {
            if last != Some(key.as_str()) {
                builder
                    .insert(key, offsets.len() as u64)
                    .expect("keys are sorted and unique");
                offsets.push(postings.len() as u32);
                last = Some(key.as_str());
            }
            postings.push(*posting);
        }
        offsets.push(postings.len() as u32);
        let map = Map::new(FstBytes::Owned(
            builder.into_inner().expect("in-memory fst"),
        ))
        .expect("fst just built");
        NameIndex {
            map,
            store: PostingStore::Owned { offsets, postings },
        }
    }

    /// Assembles an index from the sections of a mapped file, checking that they
    /// agree: the fst must parse, there must be one offset per key and one more, offsets
    /// must be non-decreasing from 0 and end at the number of postings, and every
    /// posting must name one of `places` places. Nothing is copied.
    pub(crate) fn from_mapped(
        fst: FstBytes,
        offsets: Bytes,
        postings: Bytes,
        places: usize,
    ) -> Result<Self, String> {
        let map = mapped_layout(fst, &offsets, &postings)?;
        let (o, p) = (offsets.as_ref(), postings.as_ref());
        let sorted = o.par_chunks(1 << 16).enumerate().all(|(c, chunk)| {
            // Each chunk also compares its first offset with the previous one.
            let first = c * (1 << 16);
            let mut last = if first == 0 { 0 } else { u32_at(o, first - 4) };
            chunk.chunks_exact(4).all(|b| {
                let v = u32_at(b, 0);
                let ok = v >= last;
                last = v;
                ok
            })
        });
        if u32_at(o, 0) != 0 || !sorted || u32_at(o, o.len() - 4) as usize != p.len() / 4 {
            return Err("name posting offsets are out of order or out of range".into());
        }
        let bad = p
            .par_chunks(1 << 16)
            .flat_map_iter(|chunk| chunk.chunks_exact(4).map(|b| u32_at(b, 0) >> 4))
            .find_any(|&place| place as usize >= places);
        if let Some(place) = bad {
            return Err(format!("posting refers to place {place} of {places}"));
        }
        Ok(NameIndex {
            map,
            store: PostingStore::Mapped { offsets, postings },
        })
    }

    /// Assembles an index from the sections of an index that was validated whole when
    /// it was built (the compiled-in index, opened with [`Self::from_mapped`] by the
    /// build script): the fst must parse and there must be one offset per key and one
    /// more; the offsets and postings are not scanned again at every start.
    pub(crate) fn from_built(
        fst: FstBytes,
        offsets: Bytes,
        postings: Bytes,
    ) -> Result<Self, String> {
        let map = mapped_layout(fst, &offsets, &postings)?;
        Ok(NameIndex {
            map,
            store: PostingStore::Mapped { offsets, postings },
        })
    }

    /// The automaton bytes (for the index writer).
    pub(crate) fn fst_bytes(&self) -> &[u8] {
        self.map.as_fst().as_bytes()
    }

    /// Total number of postings (name, place pairs).
    pub fn posting_count(&self) -> usize {
        match &self.store {
            PostingStore::Owned { postings, .. } => postings.len(),
            PostingStore::Mapped { postings, .. } => postings.as_ref().len() / 4,
        }
    }

    /// Where the postings of key ordinal `k` start; `k` may be [`NameIndex::len`].
    pub(crate) fn offset(&self, k: usize) -> u32 {
        match &self.store {
            PostingStore::Owned { offsets, .. } => offsets[k],
            PostingStore::Mapped { offsets, .. } => u32_at(offsets.as_ref(), k * 4),
        }
    }

    /// Every posting, in key order (for the index writer).
    pub(crate) fn all_postings(&self) -> Postings<'_> {
        match &self.store {
            PostingStore::Owned { postings, .. } => Postings::Slice(postings),
            PostingStore::Mapped { postings, .. } => Postings::Packed(postings.as_ref()),
        }
    }

    /// Number of distinct folded names.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when the index holds no name.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The postings of a folded key, empty when the key is unknown.
    pub fn get(&self, folded_key: &str) -> Postings<'_> {
        match self.map.get(folded_key) {
            Some(k) => self.postings_of(k),
            None => Postings::Slice(&[]),
        }
    }

    /// The postings of a key ordinal from [`PrefixMatch::key`]. An ordinal past the
    /// last key has none.
    pub fn postings_of(&self, key: u64) -> Postings<'_> {
        let k = key as usize;
        if k >= self.len() {
            return Postings::Slice(&[]);
        }
        let range = self.offset(k) as usize..self.offset(k + 1) as usize;
        match &self.store {
            PostingStore::Owned { postings, .. } => Postings::Slice(&postings[range]),
            PostingStore::Mapped { postings, .. } => {
                Postings::Packed(&postings.as_ref()[range.start * 4..range.end * 4])
            }
        }
    }

    /// Every key spelled by `tokens[start..end]` for some `end`, walking the automaton
    /// token by token (shortest first). Stops after `max_tokens` tokens or when no key
    /// continues. Tokens separated by more than a space or a hyphen-like gap in the text
    /// are still joined; the caller decides which gaps a name may span.
    pub fn prefix_matches(
        &self,
        tokens: &[Token],
        start: usize,
        max_tokens: usize,
    ) -> Vec<PrefixMatch> {
        let fst: &Fst<FstBytes> = self.map.as_fst();
        let mut node: Node = fst.root();
        let mut out = Output::zero();
        let mut found = Vec::new();
        let end = tokens.len().min(start + max_tokens);
        for (i, token) in tokens.iter().enumerate().take(end).skip(start) {
            if i > start {
                match step(fst, node, out, b' ') {
                    Some((n, o)) => (node, out) = (n, o),
                    None => break,
                }
            }
            let mut ok = true;
            for &b in token.folded.as_bytes() {
                match step(fst, node, out, b) {
                    Some((n, o)) => (node, out) = (n, o),
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                break;
            }
            if node.is_final() {
                found.push(PrefixMatch {
                    end_token: i + 1,
                    key: out.cat(node.final_output()).value(),
                });
            }
        }
        found
    }
}

impl NameIndex {
    /// True when some key starts with these bytes (one walk of the automaton): the
    /// spotter asks it before trying many combinations that share a beginning.
    pub fn starts_key<'b>(&self, bytes: impl IntoIterator<Item = &'b u8>) -> bool {
        let fst: &Fst<FstBytes> = self.map.as_fst();
        let mut node: Node = fst.root();
        let mut out = Output::zero();
        for &b in bytes {
            match step(fst, node, out, b) {
                Some((n, o)) => (node, out) = (n, o),
                None => return false,
            }
        }
        true
    }

    /// Every key that is a prefix of `s`, as (length in bytes, key ordinal), shortest
    /// first: one walk of the automaton. The spotter uses it for scripts written
    /// without spaces, where a name may start and end anywhere inside a token.
    pub fn key_prefixes(&self, s: &str) -> Vec<(usize, u64)> {
        let fst: &Fst<FstBytes> = self.map.as_fst();
        let mut node: Node = fst.root();
        let mut out = Output::zero();
        let mut found = Vec::new();
        for (i, &b) in s.as_bytes().iter().enumerate() {
            match step(fst, node, out, b) {
                Some((n, o)) => (node, out) = (n, o),
                None => break,
            }
            if node.is_final() {
                found.push((i + 1, out.cat(node.final_output()).value()));
            }
        }
        found
    }
}

fn step<'f>(
    fst: &'f Fst<FstBytes>,
    node: Node<'f>,
    out: Output,
    byte: u8,
) -> Option<(Node<'f>, Output)> {
    let i = node.find_input(byte)?;
    let t = node.transition(i);
    Some((fst.node(t.addr), out.cat(t.out)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{fold_name, tokenize};

    fn posting(place: u32, kind: NameKind) -> Posting {
        Posting {
            place,
            kind,
            all_caps: false,
            trailing_dot: false,
        }
    }

    #[test]
    fn walks_longest_and_shorter_keys() {
        let idx = NameIndex::build(vec![
            (fold_name("New York"), posting(0, NameKind::Preferred)),
            (fold_name("New York City"), posting(1, NameKind::Preferred)),
            (fold_name("York"), posting(2, NameKind::Preferred)),
            (fold_name("New York"), posting(3, NameKind::Preferred)),
        ]);
        let text = "in New York City today";
        let toks = tokenize(text);
        let m = idx.prefix_matches(&toks, 1, 6);
        let ends: Vec<usize> = m.iter().map(|p| p.end_token).collect();
        assert_eq!(ends, vec![3, 4]);
        let places: Vec<u32> = idx.postings_of(m[0].key).iter().map(|p| p.place).collect();
        assert_eq!(places, vec![0, 3]);
        assert!(idx.prefix_matches(&toks, 0, 6).is_empty());
        assert_eq!(idx.get("york").len(), 1);
        assert!(idx.get("paris").is_empty());
    }
}
