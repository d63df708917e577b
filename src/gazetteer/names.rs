//! The folded-name index: folded name key → the places that carry that name.
//!
//! Keys are stored in an [`fst::Map`] (a compact, sorted automaton) whose value is the
//! key's ordinal; the postings of ordinal `i` are `postings[offsets[i]..offsets[i+1]]`.
//! The automaton is also walked byte by byte, token by token, by the spotter
//! ([`NameIndex::prefix_matches`]): that is the longest-match scan over a document's
//! token stream, one walk per start token, with no regex per name.

use fst::raw::{Fst, Node, Output};
use fst::{Map, MapBuilder};

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
#[derive(Clone)]
pub(crate) enum FstBytes {
    /// Built in this process.
    Owned(Vec<u8>),
    /// A byte range of a memory-mapped index file.
    Mapped(std::sync::Arc<memmap2::Mmap>, std::ops::Range<usize>),
}

impl AsRef<[u8]> for FstBytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            FstBytes::Owned(v) => v,
            FstBytes::Mapped(m, r) => &m[r.clone()],
        }
    }
}

impl std::fmt::Debug for FstBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FstBytes::Owned(v) => write!(f, "Owned({} bytes)", v.len()),
            FstBytes::Mapped(_, r) => write!(f, "Mapped({} bytes)", r.len()),
        }
    }
}

/// Folded name → postings, built once, read-only afterwards.
#[derive(Debug)]
pub struct NameIndex {
    map: Map<FstBytes>,
    offsets: Vec<u32>,
    postings: Vec<Posting>,
}

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
            offsets,
            postings,
        }
    }

    /// Assembles an index from its stored parts, checking that they agree: the fst
    /// must parse, its values must be key ordinals, offsets must be non-decreasing and
    /// end at the postings' length.
    pub(crate) fn from_raw(
        fst: FstBytes,
        offsets: Vec<u32>,
        postings: Vec<Posting>,
    ) -> Result<Self, String> {
        let map = Map::new(fst).map_err(|e| format!("name automaton: {e}"))?;
        if offsets.len() != map.len() + 1 {
            return Err(format!(
                "{} name keys but {} offsets",
                map.len(),
                offsets.len()
            ));
        }
        if offsets.first() != Some(&0)
            || *offsets.last().unwrap() as usize != postings.len()
            || offsets.windows(2).any(|w| w[0] > w[1])
        {
            return Err("name posting offsets are out of order or out of range".into());
        }
        Ok(NameIndex {
            map,
            offsets,
            postings,
        })
    }

    /// The stored parts: automaton bytes, offsets, postings (for the index writer).
    pub(crate) fn raw_parts(&self) -> (&[u8], &[u32], &[Posting]) {
        (self.map.as_fst().as_bytes(), &self.offsets, &self.postings)
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
    pub fn get(&self, folded_key: &str) -> &[Posting] {
        match self.map.get(folded_key) {
            Some(k) => self.postings_of(k),
            None => &[],
        }
    }

    /// The postings of a key ordinal from [`PrefixMatch::key`].
    pub fn postings_of(&self, key: u64) -> &[Posting] {
        let k = key as usize;
        &self.postings[self.offsets[k] as usize..self.offsets[k + 1] as usize]
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
