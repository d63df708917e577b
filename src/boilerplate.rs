//! Dropping page boilerplate that survives copy-and-paste: cookie and consent
//! notices, "subscribe to our newsletter", share prompts, copyright lines, and stray
//! one- or two-character lines left over from page furniture.
//!
//! [`strip_trailing`] removes such paragraphs from the *end* of a plain text and
//! returns a prefix of it, so byte and character offsets into the kept text are the
//! same as into the original. [`is_boilerplate`] judges one paragraph; the HTML
//! extractor ([`crate::html`]) uses it on its blocks too.
//!
//! A paragraph is boilerplate when it holds a strong phrase ("we use cookies", "all
//! rights reserved", "privacy policy", ...) and is not long, or when at least two
//! weaker keywords (cookies, consent, accept, subscribe, newsletter, ...) make up a
//! dense share of its words.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// Phrases that on their own mark a short paragraph as boilerplate.
const STRONG: &[&str] = &[
    "we use cookies",
    "use cookies",
    "uses cookies",
    "cookie policy",
    "cookie settings",
    "cookie preferences",
    "accept cookies",
    "accept all",
    "manage settings",
    "manage preferences",
    "privacy policy",
    "terms of use",
    "terms of service",
    "terms and conditions",
    "all rights reserved",
    "subscribe to our newsletter",
    "sign up for our newsletter",
    "sign up for the",
    "share this article",
    "share this story",
    "follow us on",
    "by continuing to use",
    "you accept these cookies",
    "consent to the use",
    "enable javascript",
    "skip to main content",
    "copyright ©",
    "© copyright",
];

/// Words that mark boilerplate when several of them are dense in a paragraph (at
/// most 64 of them).
const WEAK: &[&str] = &[
    "cookie",
    "cookies",
    "consent",
    "privacy",
    "accept",
    "subscribe",
    "subscribers",
    "subscription",
    "newsletter",
    "newsletters",
    "advertising",
    "advertisement",
    "personalized",
    "personalised",
    "partners",
    "settings",
    "preferences",
    "share",
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "email",
    "copyright",
    "©",
    "reserved",
    "inbox",
    "login",
    "log",
    "sign",
    "tracking",
    "browser",
];

// `is_boilerplate` keeps one bit per weak word in a u64, and looks up only words of
// at most WEAK_MAX_BYTES.
const _: () = {
    assert!(WEAK.len() <= 64);
    let mut i = 0;
    while i < WEAK.len() {
        assert!(WEAK[i].len() <= WEAK_MAX_BYTES);
        i += 1;
    }
};

/// The longest paragraph (in words) a strong phrase alone can condemn.
const STRONG_MAX_WORDS: usize = 120;

/// What [`strip_trailing`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stripped {
    /// Paragraphs (non-empty lines) removed.
    pub paragraphs: usize,
    /// Bytes removed from the end, whitespace included.
    pub bytes: usize,
}

/// True when `paragraph` reads as cookie/consent/subscribe/share/copyright
/// boilerplate rather than article text.
///
/// The words are those of the lower-cased paragraph: runs of letters, digits and
/// `©`. They are counted in one pass over the paragraph's characters, lower-cased
/// one at a time, without copying it: most documents of a batch are one long
/// paragraph that [`strip_trailing`] judges whole, and that copy and a vector of its
/// words searched once per keyword were a tenth of mapping the dev corpora. The
/// paragraph is lower-cased whole only for the strong phrases, which only short
/// paragraphs are searched for.
pub fn is_boilerplate(paragraph: &str) -> bool {
    let mut words = Words::default();
    let bytes = paragraph.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            // Most characters: a run of ASCII letters and digits, taken whole.
            let run = bytes[i..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(&bytes[i..], |n| &bytes[i..i + n]);
            words.push_ascii_run(run);
            i += run.len();
        } else if b.is_ascii() {
            words.end_word();
            i += 1;
        } else {
            // `i` is on a character boundary: every step moves by a whole character.
            let Some(c) = paragraph[i..].chars().next() else {
                break;
            };
            c.to_lowercase().for_each(|l| words.push(l));
            i += c.len_utf8();
        }
    }
    words.end_word();
    if words.count == 0 {
        return false;
    }
    if words.count <= STRONG_MAX_WORDS {
        let lower = paragraph.to_lowercase();
        if STRONG.iter().any(|p| lower.contains(p)) {
            return true;
        }
    }
    let distinct = words.seen.count_ones() as usize;
    // At least two different keywords, and one keyword in every twelve words.
    distinct >= 2 && words.hits * 12 >= words.count
}

/// The longest weak word, in bytes: a longer word is not looked up.
const WEAK_MAX_BYTES: usize = 16;

/// For each word length, the first bytes (a bit each, by the byte's low six bits) of
/// the weak words of that length: most words of a text match no weak word's length
/// and first letter together, and skip the look-up (it was most of `is_boilerplate`).
const WEAK_FIRST_BYTES: [u64; WEAK_MAX_BYTES + 1] = {
    let mut table = [0u64; WEAK_MAX_BYTES + 1];
    let mut i = 0;
    while i < WEAK.len() {
        let word = WEAK[i].as_bytes();
        table[word.len()] |= first_byte_bit(word[0]);
        i += 1;
    }
    table
};

/// The bit of [`WEAK_FIRST_BYTES`] for a word's first byte (distinct for the
/// lower-case letters; a shared bit only costs a look-up).
const fn first_byte_bit(b: u8) -> u64 {
    1 << (b & 63)
}

/// Word counts of a lower-cased text fed one character at a time.
#[derive(Default)]
struct Words {
    /// Words so far.
    count: usize,
    /// Of them, weak words.
    hits: usize,
    /// Bit k set when `WEAK[k]` occurred.
    seen: u64,
    /// The current word's bytes, while they fit.
    word: [u8; WEAK_MAX_BYTES],
    /// Its length in bytes (more than `WEAK_MAX_BYTES` when it did not fit).
    len: usize,
}

impl Words {
    /// ASCII letters and digits: they continue the word.
    fn push_ascii_run(&mut self, run: &[u8]) {
        if let Some(room) = self.word.get_mut(self.len..) {
            for (w, b) in room.iter_mut().zip(run) {
                *w = b.to_ascii_lowercase();
            }
        }
        self.len += run.len();
    }

    fn push(&mut self, c: char) {
        if !(c.is_alphanumeric() || c == '©') {
            self.end_word();
            return;
        }
        let n = c.len_utf8();
        if self.len + n <= WEAK_MAX_BYTES {
            c.encode_utf8(&mut self.word[self.len..]);
        }
        self.len += n;
    }

    fn end_word(&mut self) {
        if self.len == 0 {
            return;
        }
        self.count += 1;
        if self.len <= WEAK_MAX_BYTES
            && WEAK_FIRST_BYTES[self.len] & first_byte_bit(self.word[0]) != 0
        {
            let word = std::str::from_utf8(&self.word[..self.len]).unwrap_or_default();
            if let Some(&k) = weak_index().get(word) {
                self.hits += 1;
                self.seen |= 1 << k;
            }
        }
        self.len = 0;
    }
}

/// [`WEAK`]'s words → their position (below 64: `is_boilerplate` keeps a bit each).
fn weak_index() -> &'static FxHashMap<&'static str, u32> {
    static INDEX: OnceLock<FxHashMap<&'static str, u32>> = OnceLock::new();
    INDEX.get_or_init(|| {
        (0u32..)
            .zip(WEAK.iter().copied())
            .map(|(k, w)| (w, k))
            .collect()
    })
}

/// True for a stray line of one or two characters (a lone "f", "|", "»").
pub fn is_stray(line: &str) -> bool {
    let n = line.trim().chars().count();
    (1..=2).contains(&n)
}

/// Removes trailing boilerplate paragraphs and stray short lines from `text`.
///
/// Works backwards over non-empty lines and stops at the first that is article
/// text. The result is a prefix of `text` (trailing whitespace of the kept part is
/// kept), so offsets into it are offsets into `text`.
pub fn strip_trailing(text: &str) -> (&str, Stripped) {
    let mut cut = text.len();
    let mut paragraphs = 0;
    loop {
        let head = &text[..cut];
        let body_end = head.trim_end().len();
        if body_end == 0 {
            break;
        }
        let line_start = head[..body_end].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let line = &head[line_start..body_end];
        if is_boilerplate(line) || is_stray(line) {
            cut = line_start;
            paragraphs += 1;
        } else {
            // Keep the line's own end-of-line, drop only what followed it.
            let keep = head[body_end..]
                .find('\n')
                .map(|i| body_end + i + 1)
                .unwrap_or(body_end);
            if paragraphs > 0 {
                cut = keep.min(cut);
            }
            break;
        }
    }
    if paragraphs == 0 {
        return (text, Stripped::default());
    }
    let kept = &text[..cut];
    (
        kept,
        Stripped {
            paragraphs,
            bytes: text.len() - kept.len(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOKIE: &str = "We and our partners use cookies to understand how you use our site, improve your experience and serve you personalized content and advertising. Read about how we use cookies in our cookie policy and how you can control them by clicking Manage Settings. By continuing to use this site, you accept these cookies.";

    #[test]
    fn judges_paragraphs() {
        assert!(is_boilerplate(COOKIE));
        assert!(is_boilerplate(
            "© 2016 The Example Post. All rights reserved."
        ));
        assert!(is_boilerplate(
            "Subscribe to our newsletter for the latest news in your inbox."
        ));
        assert!(is_boilerplate("Share on Facebook Share on Twitter Email"));
        assert!(!is_boilerplate(
            "Aleppo, Syria's largest city and former commercial center, has been fiercely contested since 2012."
        ));
        // An article about privacy is not boilerplate by one word.
        assert!(!is_boilerplate(
            "Regulators in Brussels said the company broke privacy rules when it moved data of users in Ireland to servers in Virginia and California last year."
        ));
        assert!(!is_boilerplate(""));
    }

    #[test]
    fn strips_the_seed_ending_and_keeps_a_prefix() {
        let text = format!("Fighting in Aleppo.\n\nThe quarter of Aleppo is old.\n\nf\n\n{COOKIE}");
        let (kept, s) = strip_trailing(&text);
        assert_eq!(
            kept,
            "Fighting in Aleppo.\n\nThe quarter of Aleppo is old.\n"
        );
        assert!(text.starts_with(kept));
        assert_eq!(s.paragraphs, 2);
        assert_eq!(s.bytes, text.len() - kept.len());
    }

    #[test]
    fn leaves_clean_text_alone() {
        for t in [
            "",
            "\n\n",
            "Talks in Geneva.",
            "Talks in Geneva.\n",
            "A\n\nTalks in Geneva.",
        ] {
            let (kept, s) = strip_trailing(t);
            assert_eq!(kept, t);
            assert_eq!(s, Stripped::default());
        }
        // Boilerplate in the middle stays: only the end is trimmed.
        let t = "Talks in Geneva.\n\nSubscribe to our newsletter.\n\nTalks in Paris.";
        assert_eq!(strip_trailing(t).0, t);
    }

    /// The judgement as first written: the paragraph lower-cased whole, its words
    /// collected, each keyword searched for.
    fn reference(paragraph: &str) -> bool {
        let lower = paragraph.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_alphanumeric() || c == '©'))
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return false;
        }
        if words.len() <= STRONG_MAX_WORDS && STRONG.iter().any(|p| lower.contains(p)) {
            return true;
        }
        let hits = words.iter().filter(|w| WEAK.contains(w)).count();
        let distinct = WEAK
            .iter()
            .filter(|k| words.iter().any(|w| w == *k))
            .count();
        distinct >= 2 && hits * 12 >= words.len()
    }

    #[test]
    fn one_pass_judges_as_the_reference() {
        let long_article = "Talks in Geneva went on. ".repeat(40);
        let long_cookies = format!("{} {COOKIE}", "Talks resumed today. ".repeat(30));
        let cases = [
            COOKIE,
            "COOKIES and CONSENT: ACCEPT or SUBSCRIBE",
            "İstanbul cookie İ consent",
            "©2016 Example ©copyright reserved",
            "Σ ΣΑΣ cookies, consent",
            "Share\u{a0}on Facebook\u{2009}Email",
            "supercalifragilisticexpialidocious cookie consent",
            "COOKIE© ©Consent cookiés privacyé aaaaaaaaaaaaaaaé cookie",
            "ÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀÀ cookies consent",
            "cookies consent",
            "cookie",
            "",
            "—",
            long_article.as_str(),
            long_cookies.as_str(),
        ];
        for c in cases {
            assert_eq!(is_boilerplate(c), reference(c), "{c:?}");
        }
    }

    #[test]
    fn stray_lines_and_all_boilerplate() {
        assert!(is_stray(" f "));
        assert!(is_stray("»|"));
        assert!(!is_stray("Gaza"));
        assert!(!is_stray(""));
        let (kept, s) = strip_trailing("x\n\nAll rights reserved.");
        assert_eq!(kept, "");
        assert_eq!(s.paragraphs, 2);
    }
}
