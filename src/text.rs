//! Tokenisation and name folding, shared by the gazetteer's name index and the spotter.
//!
//! Both sides must cut and fold text the same way, so that a gazetteer name and the
//! words of a document meet on the same key. A *token* is a maximal run of letters and
//! digits; everything else (spaces, dots, hyphens, apostrophes) separates tokens. A
//! token is *folded* by Unicode compatibility decomposition, dropping combining marks
//! (diacritics) and lower-casing; a few abbreviated words are expanded ("St" → "saint")
//! so that "St. Louis" and "Saint Louis" share a key. The folded key of a phrase is its
//! folded tokens joined by single spaces: "U.S." → `u s`, "Ḩalab" → `halab`.

use compact_str::CompactString;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// A token's folded form. Held inline (no heap allocation) up to 24 bytes, which is
/// every word of running text but a few: a `String` per token and its free were a
/// tenth of mapping English news.
pub type Folded = CompactString;

/// One token of a text: a run of letters and digits, with its UTF-8 byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first character in the original text.
    pub start: usize,
    /// Byte offset one past the last character in the original text.
    pub end: usize,
    /// The folded form used for look-ups (see the module docs).
    pub folded: Folded,
}

impl Token {
    /// The token's text as it stands in `text`.
    pub fn surface<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Bytes of text per token, for sizing the token vector: English news averages 6, so
/// a guess of 6 made half the documents grow their vector (a copy of all tokens);
/// at 5 few do, for a fifth more room.
const BYTES_PER_TOKEN_GUESS: usize = 5;

/// Splits `text` into tokens with exact byte offsets.
///
/// One pass over the bytes: an ASCII byte is judged as a byte, and only the bytes of
/// other characters are decoded. An ASCII word is folded as it is cut (copied,
/// lower-cased only when it has a capital); the rest go through [`fold_token`].
/// Tokenising was a tenth of mapping English news when every character was decoded
/// and every token folded into a `String` of its own. (A table of byte classes
/// matched per byte ran fewer instructions but took a third more time than these
/// plain tests, which the processor predicts well.)
pub fn tokenize(text: &str) -> Vec<Token> {
    // Sized once, not grown, for nearly every text.
    let mut tokens = Vec::with_capacity(text.len() / BYTES_PER_TOKEN_GUESS);
    let bytes = text.as_bytes();
    let mut i = 0;
    'text: loop {
        // Separators up to the next word.
        loop {
            let Some(&b) = bytes.get(i) else {
                break 'text;
            };
            if b.is_ascii_alphanumeric() {
                break;
            }
            if b.is_ascii() {
                i += 1;
                continue;
            }
            let c = char_at(text, i);
            if is_alphanumeric(c) {
                break;
            }
            i += c.len_utf8();
        }
        let start = i;
        let (mut capital, mut ascii) = (false, true);
        while let Some(&b) = bytes.get(i) {
            if b.is_ascii_alphanumeric() {
                capital |= b.is_ascii_uppercase();
                i += 1;
                continue;
            }
            if b.is_ascii() {
                break;
            }
            let c = char_at(text, i);
            // Combining marks stay inside a word (decomposed input, Arabic vowel signs).
            if !(is_alphanumeric(c) || is_combining_mark(c)) {
                break;
            }
            ascii = false;
            i += c.len_utf8();
        }
        let word = &text[start..i];
        let folded = if ascii {
            let mut folded = Folded::new(word);
            if capital {
                folded.make_ascii_lowercase();
            }
            expand_abbreviation(folded)
        } else {
            fold_token(word)
        };
        tokens.push(Token {
            start,
            end: i,
            folded,
        });
    }
    tokens
}

/// The character that starts at byte `i` of `text` (a character boundary).
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or_default()
}

/// Folds one word: compatibility decomposition, no diacritics, lower case, and the
/// usual abbreviations of place-name words expanded.
pub fn fold_word(word: &str) -> String {
    fold_token(word).into_string()
}

/// [`fold_word`] into a [`Folded`], without a heap allocation for a word of up to 24
/// bytes.
pub fn fold_token(word: &str) -> Folded {
    if word.is_ascii() {
        // Most words: no decomposition to do, lower-cased bytewise in one copy.
        let mut folded = Folded::new(word);
        folded.make_ascii_lowercase();
        return expand_abbreviation(folded);
    }
    let mut out = Folded::with_capacity(word.len());
    for c in word.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        for l in c.to_lowercase() {
            out.push(l);
        }
    }
    expand_abbreviation(out)
}

/// "st" → "saint", "mt" → "mount", "ft" → "fort".
#[inline]
fn expand_abbreviation(folded: Folded) -> Folded {
    if !(2..=3).contains(&folded.len()) {
        // Most words: no abbreviation is this long or this short.
        return folded;
    }
    match folded.as_str() {
        "st" | "ste" => Folded::const_new("saint"),
        "mt" => Folded::const_new("mount"),
        "ft" => Folded::const_new("fort"),
        _ => folded,
    }
}

/// The folded key of a whole name: its folded tokens joined by single spaces.
/// Returns an empty string when the name has no letters or digits.
pub fn fold_name(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for t in tokenize(name) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&t.folded);
    }
    key
}

/// True when the word starts with an upper-case letter, or is written in a script
/// without case (Arabic, Chinese ...), where capitalisation carries no signal.
#[inline]
pub fn is_capitalised(word: &str) -> bool {
    // The spotter asks this of nearly every token: an ASCII first byte answers
    // inline, without decoding a character or calling out.
    match word.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        Some(_) => first_char_capitalised(word),
        None => false,
    }
}

/// [`is_capitalised`] for a word that starts beyond ASCII.
fn first_char_capitalised(word: &str) -> bool {
    match word.chars().next() {
        // The general test below gives these without Unicode tables: ASCII, the basic
        // Russian alphabet, and the letters of the Arabic alphabet and the common CJK
        // ideographs, which have no case and count as capitals. std's alphabetic
        // table costs some 500 instructions per character outside Latin, and every
        // word of an Arabic, Russian or Chinese text is asked
        // (`letter_ranges_take_the_short_way` checks the ranges against the general
        // test).
        Some(c) if c.is_ascii() => c.is_ascii_uppercase(),
        Some(c) if CASELESS_LETTERS.iter().any(|r| r.contains(&c)) => true,
        Some(c) if CYRILLIC_UPPER.contains(&c) => true,
        Some(c) if CYRILLIC_LOWER.contains(&c) => false,
        Some(c) => c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase()),
        None => false,
    }
}

/// Ranges of letters without case: the Arabic alphabet (hamza to yeh) and the CJK
/// Unified Ideographs block.
const CASELESS_LETTERS: [std::ops::RangeInclusive<char>; 2] =
    ['\u{0620}'..='\u{064A}', '\u{4E00}'..='\u{9FFF}'];
/// The basic Russian alphabet's capitals (А to Я) ...
const CYRILLIC_UPPER: std::ops::RangeInclusive<char> = '\u{0410}'..='\u{042F}';
/// ... and small letters (а to я).
const CYRILLIC_LOWER: std::ops::RangeInclusive<char> = '\u{0430}'..='\u{044F}';

/// `char::is_alphanumeric`, answered without Unicode tables for ASCII and the letter
/// ranges [`is_capitalised`] knows (the tokenizer asks it of every character).
fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    CASELESS_LETTERS.iter().any(|r| r.contains(&c))
        || CYRILLIC_UPPER.contains(&c)
        || CYRILLIC_LOWER.contains(&c)
        || c.is_alphanumeric()
}

/// True when every cased letter of the word is upper case and it has at least one.
pub fn is_all_caps(word: &str) -> bool {
    let mut any = false;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            any = true;
        }
    }
    any
}

/// Converts a UTF-8 byte offset into `text` to a Unicode code-point offset (the index a
/// Python `str` uses). `byte` must be on a character boundary.
pub fn byte_to_char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

/// Maps byte offsets to code-point offsets in one pass; cheaper than calling
/// [`byte_to_char_offset`] per mention on long documents.
#[derive(Debug)]
pub struct CharOffsets {
    /// (byte offset, char offset) at every non-ASCII character boundary, sorted.
    marks: Vec<(usize, usize)>,
}

impl CharOffsets {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut marks = Vec::new();
        let bytes = text.as_bytes();
        // Characters before byte `at`; runs of ASCII are skipped as bytes, one
        // character each, and only the other characters are stepped over whole.
        let (mut at, mut chars) = (0, 0);
        while let Some(skip) = bytes[at..].iter().position(|b| !b.is_ascii()) {
            chars += skip;
            at += skip + char_at(text, at + skip).len_utf8();
            chars += 1;
            marks.push((at, chars));
        }
        CharOffsets { marks }
    }

    /// The code-point offset of byte offset `byte`.
    pub fn char_offset(&self, byte: usize) -> usize {
        // Find the last non-ASCII boundary at or before `byte`; after it every byte is
        // one character until the next mark.
        match self.marks.partition_point(|&(b, _)| b <= byte) {
            0 => byte,
            i => {
                let (b, c) = self.marks[i - 1];
                c + (byte - b)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_ranges_take_the_short_way() {
        let general = |c: char| c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase());
        for c in CASELESS_LETTERS
            .iter()
            .cloned()
            .flatten()
            .chain([CYRILLIC_UPPER, CYRILLIC_LOWER].into_iter().flatten())
            .chain((0..128u8).map(char::from))
        {
            assert_eq!(is_capitalised(&c.to_string()), general(c), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
        assert!(is_capitalised("حلب") && is_capitalised("北京") && !is_capitalised("aleppo"));
    }

    #[test]
    fn folds_case_diacritics_and_abbreviations() {
        assert_eq!(fold_name("Ḩalab"), "halab");
        assert_eq!(fold_name("U.S."), "u s");
        assert_eq!(fold_name("St. Louis"), fold_name("Saint Louis"));
        assert_eq!(fold_name("Winston-Salem"), "winston salem");
        assert_eq!(fold_name("São Paulo"), "sao paulo");
        assert_eq!(fold_name("حلب"), "حلب");
        assert_eq!(fold_name("..."), "");
    }

    /// The tokenizer's definition, a character at a time: a token is a run of
    /// letters and digits (and combining marks after its first character), folded
    /// by `fold_word`.
    fn tokenize_by_chars(text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        let mut start: Option<usize> = None;
        let ends = text.char_indices().map(Some).chain([None]);
        for next in ends {
            let word_char = next.is_some_and(|(_, c)| {
                c.is_alphanumeric() || (start.is_some() && is_combining_mark(c))
            });
            let i = next.map_or(text.len(), |(i, _)| i);
            match (word_char, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    let folded = Folded::from(fold_word(&text[s..i]));
                    tokens.push(Token {
                        start: s,
                        end: i,
                        folded,
                    });
                    start = None;
                }
                _ => {}
            }
        }
        tokens
    }

    #[test]
    fn the_byte_tokenizer_keeps_the_definition() {
        let texts = [
            "Kerry’s call: Ḩalab, Aleppo. St. Louis, Mt Hood, Ft. Worth, ste-Foy!",
            "MOSCOW — В Москве и Санкт-Петербурге; في حلب الشهباء; 北京和上海",
            "e\u{301}cole Cafe\u{301} ÉCOLE naïve ﬁle ２０１６ x\u{301}\u{302}",
            "",
            "   ...   ",
            "a",
            "ends with a word",
            "\u{301}leading mark, ΑΘΗΝΑ Αθήνα, İstanbul",
        ];
        for text in texts {
            assert_eq!(tokenize(text), tokenize_by_chars(text), "{text:?}");
        }
        let many: String = texts.concat().repeat(3);
        assert_eq!(tokenize(&many), tokenize_by_chars(&many));
    }

    #[test]
    fn token_offsets_are_exact_bytes() {
        let text = "Kerry’s call: Ḩalab, Aleppo.";
        let toks = tokenize(text);
        let surfaces: Vec<&str> = toks.iter().map(|t| t.surface(text)).collect();
        assert_eq!(surfaces, ["Kerry", "s", "call", "Ḩalab", "Aleppo"]);
    }

    #[test]
    fn capitalisation() {
        assert!(is_capitalised("Aleppo"));
        assert!(is_capitalised("حلب"));
        assert!(!is_capitalised("area"));
        assert!(is_all_caps("WASHINGTON"));
        assert!(!is_all_caps("Washington"));
    }

    #[test]
    fn char_offsets_match_python_indices() {
        let text = "Ḩalab — Aleppo and حلب, then Moscow";
        let idx = CharOffsets::new(text);
        for (b, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(idx.char_offset(b), byte_to_char_offset(text, b), "byte {b}");
        }
        let m = text.find("Moscow").unwrap();
        assert_eq!(idx.char_offset(m), 29);
    }
}
