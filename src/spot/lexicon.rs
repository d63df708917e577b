//! Word lists the spotter consults: given names (from a registry package, see
//! `gazetteer/README.md`), and short generic lists of English function words, titles,
//! place nouns and organisation heads. None of them names a place.

// FxHash: these sets are asked about every token; SipHash was a visible share of a batch.
use rustc_hash::FxHashSet as HashSet;

use super::word_set::WordSet;
use crate::text::fold_word;

/// English given names (`gazetteer/given_names.txt`: the @stdlib male and female
/// first-name lists), folded, as a word set the build script lays out, so that nothing
/// is hashed at start-up.
static GIVEN_NAMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/given_names.set"));

/// Common English words (`gazetteer/common_words.txt`: SCOWL sizes 10–35, lower case),
/// as a word set the build script lays out: capitalised, they are more often sentence
/// starts, headings or labels than places ("Reading", "Manage").
static COMMON_WORDS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/common_words.set"));

/// Titles and roles written before a person's name ("Secretary John Kerry").
const TITLES: &[&str] = &[
    "president",
    "vice",
    "secretary",
    "minister",
    "premier",
    "chancellor",
    "senator",
    "sen",
    "rep",
    "representative",
    "congressman",
    "congresswoman",
    "gov",
    "governor",
    "mayor",
    "lt",
    "gen",
    "general",
    "col",
    "colonel",
    "maj",
    "major",
    "capt",
    "captain",
    "sgt",
    "sergeant",
    "cpl",
    "officer",
    "deputy",
    "detective",
    "det",
    "dr",
    "doctor",
    "mr",
    "mrs",
    "ms",
    "miss",
    "prof",
    "professor",
    "judge",
    "justice",
    "king",
    "queen",
    "prince",
    "princess",
    "sheikh",
    "emir",
    "ambassador",
    "envoy",
    "pope",
    "rev",
    "reverend",
    "father",
    "bishop",
    "cardinal",
    "rabbi",
    "imam",
    "sir",
    "lord",
    "lady",
    "dame",
    "chief",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "commissioner",
    "superintendent",
    "sheriff",
    "trooper",
    "coach",
    "attorney",
    "councilman",
    "councilwoman",
    "councillor",
    "councilor",
    "aide",
    "adviser",
    "advisor",
    "leader",
    "speaker",
    "commander",
    "admiral",
    "pastor",
    "brother",
    "sister",
    "uncle",
    "aunt",
    "son",
    "daughter",
    "wife",
    "husband",
    "mother",
    "mrs",
    "dean",
    "principal",
    "sen",
    "del",
    "delegate",
    "assemblyman",
    "assemblywoman",
    "ceo",
    "founder",
    "nurse",
    "pvt",
    "private",
    "agent",
    "inspector",
    "constable",
    "magistrate",
];

/// Function words and other capitalised-at-sentence-start words that are never places
/// on their own, whatever a gazetteer's alternate names say.
const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "if",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "from",
    "by",
    "with",
    "as",
    "is",
    "it",
    "its",
    "he",
    "she",
    "we",
    "they",
    "i",
    "you",
    "his",
    "her",
    "our",
    "their",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "then",
    "than",
    "so",
    "no",
    "not",
    "yes",
    "all",
    "any",
    "some",
    "one",
    "two",
    "three",
    "after",
    "before",
    "when",
    "while",
    "where",
    "who",
    "what",
    "which",
    "why",
    "how",
    "also",
    "about",
    "over",
    "under",
    "up",
    "down",
    "out",
    "into",
    "just",
    "only",
    "more",
    "most",
    "many",
    "much",
    "very",
    "can",
    "will",
    "may",
    "might",
    "must",
    "would",
    "could",
    "should",
    "be",
    "been",
    "was",
    "were",
    "are",
    "has",
    "have",
    "had",
    "do",
    "did",
    "does",
    "said",
    "says",
    "new",
    "old",
    "last",
    "next",
    "first",
    "mr",
    "mrs",
    "ms",
    "dr",
    "us",
    "me",
    "him",
    "them",
    "my",
    "your",
    "since",
    "until",
    "during",
    "because",
    "however",
    "although",
    "though",
    "even",
    "still",
    "yet",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "today",
    "tomorrow",
    "yesterday",
    "tonight",
    "now",
    "according",
    "photo",
    "video",
    "image",
    "read",
    "more",
    "click",
    "share",
    "email",
    "print",
    "comment",
    "comments",
    "home",
    "news",
    "page",
    "story",
    "update",
    "updated",
    "posted",
    "copyright",
    "police",
    "officials",
    "government",
    "state",
    "city",
    "county",
    "people",
    "man",
    "woman",
    "men",
    "women",
    "god",
    "center",
    "central",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "university",
    "college",
    "school",
];

/// Nouns that make a capitalised unknown word before them a place ("the Handarat area").
const PLACE_NOUNS: &[&str] = &[
    "area",
    "district",
    "neighbourhood",
    "neighborhood",
    "quarter",
    "suburb",
    "camp",
    "village",
    "town",
    "township",
    "settlement",
    "hamlet",
    "locality",
    "municipality",
    "region",
    "valley",
    "enclave",
    "outskirts",
    "compound",
    "refugee",
    "governorate",
    "province",
    "borough",
];

/// Capitalised words that, right after a place name, make it part of the name of a
/// street, a building, a school, a company or a newspaper ("Aleppo University", "Reston
/// Drive", "New York Times") rather than a mention of the place. Public bodies are not
/// here: annotated news corpora count "Ohio" in "Ohio Department of Transportation" and
/// "Knox County Sheriff" as mentions of the place (measured with `mentionmap eval`).
const ORGANISATION_HEADS: &[&str] = &[
    "university",
    "college",
    "institute",
    "school",
    "academy",
    "elementary",
    "middle",
    "high",
    "times",
    "journal",
    "herald",
    "tribune",
    "gazette",
    "news",
    "daily",
    "chronicle",
    "review",
    "magazine",
    "press",
    "radio",
    "television",
    "records",
    "group",
    "bank",
    "company",
    "corp",
    "corporation",
    "inc",
    "ltd",
    "club",
    "fc",
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "boulevard",
    "blvd",
    "drive",
    "lane",
    "square",
    "center",
    "centre",
    "mall",
    "arena",
    "stadium",
    "airport",
    "museum",
    "library",
    "bridge",
    "church",
    "cathedral",
    "mosque",
    "temple",
    "prison",
    "authority",
    "federation",
    "league",
    "network",
    "motors",
    "oil",
    "air",
    "airlines",
];

/// Lower-case words that may sit inside a multi-word place name ("Bosnia and
/// Herzegovina", "Stratford-upon-Avon", "Dar es Salaam").
const NAME_CONNECTORS: &[&str] = &[
    "of", "and", "the", "de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la",
    "le", "les", "el", "al", "an", "am", "im", "upon", "on", "sur", "y", "e", "es", "en", "van",
    "von", "der", "den", "ad", "bin", "ibn", "s", "d",
];

/// Generic words that close the name of a county or physical feature ("Orange
/// County", "Red River", "Long Island"): a name ending in one is a place name even
/// when every word of it is a common word, so it carries no common-word penalty.
const GEOGRAPHIC_GENERICS: &[&str] = &[
    "county",
    "parish",
    "river",
    "lake",
    "island",
    "islands",
    "bay",
    "sea",
    "ocean",
    "gulf",
    "peninsula",
    "mountains",
    "creek",
    "canyon",
];

/// Does this folded name end in a generic that closes a county's or physical
/// feature's name ("orange county", "red river")? One word alone is no such name.
pub fn ends_in_geographic_generic(key: &str) -> bool {
    key.rsplit_once(' ')
        .is_some_and(|(_, last)| is_geographic_generic(last))
}

/// Is this folded word a generic that closes a county's or physical feature's name
/// ("county", "river")?
pub fn is_geographic_generic(folded: &str) -> bool {
    GEOGRAPHIC_GENERICS.contains(&folded)
}

/// Is this folded word a place noun ("area", "district")? For callers without a
/// [`Lexicon`] at hand.
pub fn is_place_noun_word(folded: &str) -> bool {
    PLACE_NOUNS.contains(&folded)
}

/// The word lists, folded, ready for look-ups.
#[derive(Debug)]
pub struct Lexicon {
    given_names: WordSet<'static>,
    common_words: WordSet<'static>,
    titles: HashSet<String>,
    stopwords: HashSet<String>,
    place_nouns: HashSet<String>,
    organisation_heads: HashSet<String>,
    connectors: HashSet<String>,
    tables: super::tables::Tables,
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::new()
    }
}

impl Lexicon {
    /// The built-in lists.
    pub fn new() -> Self {
        let set = |words: &[&str]| words.iter().map(|w| fold_word(w)).collect::<HashSet<_>>();
        Lexicon {
            given_names: WordSet::new(GIVEN_NAMES),
            common_words: WordSet::new(COMMON_WORDS),
            titles: set(TITLES),
            stopwords: set(STOPWORDS),
            place_nouns: set(PLACE_NOUNS),
            organisation_heads: set(ORGANISATION_HEADS),
            connectors: set(NAME_CONNECTORS),
            tables: super::tables::Tables::new(),
        }
    }

    /// The per-language tables for text beyond English.
    pub fn tables(&self) -> &super::tables::Tables {
        &self.tables
    }

    /// Is this folded word a given name ("john", "vladimir")?
    pub fn is_given_name(&self, folded: &str) -> bool {
        self.given_names.contains(folded)
    }

    /// Is this folded word a common English word ("reading", "white")?
    pub fn is_common_word(&self, folded: &str) -> bool {
        self.common_words.contains(folded)
    }

    /// Is this folded word a title or role ("secretary", "spokesman")?
    pub fn is_title(&self, folded: &str) -> bool {
        self.titles.contains(folded)
    }

    /// Is this folded word a function word or another word never a place on its own?
    pub fn is_stopword(&self, folded: &str) -> bool {
        self.stopwords.contains(folded)
    }

    /// Is this folded word a place noun ("area", "district")?
    pub fn is_place_noun(&self, folded: &str) -> bool {
        self.place_nouns.contains(folded)
    }

    /// Is this folded word the head of an organisation or building name ("post")?
    pub fn is_organisation_head(&self, folded: &str) -> bool {
        self.organisation_heads.contains(folded)
    }

    /// May this lower-case folded word sit inside a multi-word name?
    pub fn is_connector(&self, folded: &str) -> bool {
        self.connectors.contains(folded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The build script's word sets hold exactly the lists' words: every given name
    /// folded (comment lines aside), every common word as written.
    #[test]
    fn compiled_word_sets_hold_the_lists() {
        let root = env!("CARGO_MANIFEST_DIR");
        let read = |f: &str| std::fs::read_to_string(format!("{root}/gazetteer/{f}")).unwrap();
        let lex = Lexicon::new();
        let given = read("given_names.txt");
        let names: Vec<String> = given
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(fold_word)
            .collect();
        assert!(names.len() > 5000);
        assert!(names.iter().all(|n| lex.is_given_name(n)));
        let common = read("common_words.txt");
        let words: Vec<&str> = common
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert!(words.len() > 30_000);
        assert!(words.iter().all(|w| lex.is_common_word(w)));
        // And nothing else: a word's name, and the lists' words made longer.
        assert!(lex.is_given_name("john") && !lex.is_given_name("aleppo"));
        assert!(lex.is_common_word("reading") && !lex.is_common_word("handarat"));
        assert!(words.iter().all(|w| !lex.is_common_word(&format!("{w}#"))));
        assert!(names.iter().all(|n| !lex.is_given_name(&format!("{n}#"))));
    }
}
