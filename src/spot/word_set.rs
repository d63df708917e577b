//! A set of words laid out as bytes: an open-addressing hash table the build script
//! writes and the library reads in place.
//!
//! The spotter's two long word lists (given names, common English words: some 45,000
//! words) were hashed into sets at every start, half of an empty run's start-up. The
//! build script now builds each set once ([`WordSetBuilder`], compiled into `build.rs`
//! through `#[path]`), the binary embeds the bytes with `include_bytes!`, and a look-up
//! ([`WordSet::contains`]) hashes the word and probes the table where it lies.
//!
//! Layout, all integers little-endian `u32`:
//!
//! ```text
//! slots            number of slots, a power of two
//! slot × slots     0 for an empty slot, else (offset of the word in WORDS) << 8 | its length
//! WORDS            the words' bytes, one after another
//! ```
//!
//! A word sits in the first free slot from its hash (FNV-1a) on, so a look-up probes from
//! there until it meets the word or an empty slot. The hash is computed the same way by
//! the build script and the library, whatever the machines.

/// The longest word a slot can describe (8 bits of length).
const MAX_WORD_LEN: usize = u8::MAX as usize;

/// Slots per word, at least: with linear probing a table at most two thirds full
/// answers a miss in a few probes.
const SLOTS_PER_WORD: f64 = 1.5;

/// FNV-1a, 32 bits: a byte-at-a-time hash, the same on every machine.
fn hash(word: &[u8]) -> u32 {
    const OFFSET_BASIS: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;
    word.iter()
        .fold(OFFSET_BASIS, |h, &b| (h ^ u32::from(b)).wrapping_mul(PRIME))
}

/// Reads the little-endian `u32` at byte `at`, or 0 past the end.
fn read_u32(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// A word set over its bytes (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct WordSet<'a> {
    /// The slot table's bytes.
    slots: &'a [u8],
    /// The words' bytes.
    words: &'a [u8],
    /// Number of slots minus one (the number of slots is a power of two).
    mask: usize,
}

impl<'a> WordSet<'a> {
    /// The set laid out in `bytes`. Bytes too short for their own header read as an
    /// empty set; a look-up never reads outside `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        let slots = read_u32(bytes, 0) as usize;
        let table_end = 4 + slots * 4;
        if slots == 0 || !slots.is_power_of_two() || bytes.len() < table_end {
            return WordSet {
                slots: &[],
                words: &[],
                mask: 0,
            };
        }
        WordSet {
            slots: &bytes[4..table_end],
            words: &bytes[table_end..],
            mask: slots - 1,
        }
    }

    /// Is `word` in the set?
    pub fn contains(&self, word: &str) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let word = word.as_bytes();
        let mut i = hash(word) as usize & self.mask;
        loop {
            let slot = read_u32(self.slots, i * 4);
            if slot == 0 {
                return false;
            }
            let (start, len) = ((slot >> 8) as usize, (slot & 0xff) as usize);
            if len == word.len() && self.words.get(start..start + len) == Some(word) {
                return true;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// Collects words and lays them out as a [`WordSet`]'s bytes.
#[derive(Debug, Default)]
pub struct WordSetBuilder {
    words: Vec<String>,
}

impl WordSetBuilder {
    /// Adds a word; empty words and repeats are dropped. Panics on a word longer than
    /// 255 bytes: the lists are ours, and none has one.
    pub fn insert(&mut self, word: &str) {
        assert!(
            word.len() <= MAX_WORD_LEN,
            "word too long for a word set: {word:?}"
        );
        if !word.is_empty() {
            self.words.push(word.to_string());
        }
    }

    /// The set's bytes. The words are sorted first, so that the bytes depend only on
    /// the set.
    pub fn finish(mut self) -> Vec<u8> {
        self.words.sort_unstable();
        self.words.dedup();
        let slots = ((self.words.len() as f64 * SLOTS_PER_WORD).ceil() as usize)
            .max(1)
            .next_power_of_two();
        let mut table = vec![0u32; slots];
        let mut blob = Vec::new();
        for word in &self.words {
            let offset = u32::try_from(blob.len())
                .ok()
                .filter(|&o| o < 1 << 24)
                .expect("a word set's words fit in 16 MB");
            blob.extend_from_slice(word.as_bytes());
            let mut i = hash(word.as_bytes()) as usize & (slots - 1);
            while table[i] != 0 {
                i = (i + 1) & (slots - 1);
            }
            table[i] = offset << 8 | word.len() as u32;
        }
        let mut out = Vec::with_capacity(4 + slots * 4 + blob.len());
        out.extend_from_slice(&(slots as u32).to_le_bytes());
        for slot in table {
            out.extend_from_slice(&slot.to_le_bytes());
        }
        out.extend_from_slice(&blob);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_of(words: &[&str]) -> Vec<u8> {
        let mut b = WordSetBuilder::default();
        for w in words {
            b.insert(w);
        }
        b.finish()
    }

    #[test]
    fn finds_its_words_and_no_others() {
        let words: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let bytes = set_of(&refs);
        let set = WordSet::new(&bytes);
        assert!(refs.iter().all(|w| set.contains(w)));
        assert!((5000..10_000).all(|i| !set.contains(&format!("w{i}"))));
        assert!(!set.contains("") && !set.contains("w"));
    }

    #[test]
    fn repeats_and_order_do_not_change_the_bytes() {
        assert_eq!(set_of(&["john", "mary", "john"]), set_of(&["mary", "john"]));
    }

    #[test]
    fn short_or_empty_bytes_are_an_empty_set() {
        for bytes in [&[][..], &[8, 0, 0, 0][..], &set_of(&[])[..]] {
            assert!(!WordSet::new(bytes).contains("john"));
        }
    }
}
