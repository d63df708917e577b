//! Mention spotting: where in a text are place names, and which gazetteer entries could
//! each one be?
//!
//! The spotter walks the token stream once. At each token it asks the gazetteer's name
//! automaton for every name that starts there ([`crate::gazetteer::NameIndex::prefix_matches`])
//! and keeps the longest that passes the checks below; the matched span's offsets are
//! byte offsets into the original text, so they are exact whatever the script.
//!
//! Before places, it marks people, because many surnames are also towns: a capitalised
//! run that starts with a given name ("John Kerry", "Vladimir Putin") or follows a title
//! ("Foreign Minister Sergey Lavrov") is a person, and the run's last word is remembered
//! as a surname for the whole document, so a later "Kerry said" is a person too (one
//! sense per document). A place name must be capitalised (connectors such as "of" or
//! "upon" excepted), must not be a lone function word, and must not be the first part
//! of a street, building, school, company or newspaper name ("Aleppo University",
//! "the Arndale Centre") or of a money amount ("US$2 million"): see `embedded`.
//!
//! Capitalised words that no gazetteer holds but that a place noun follows ("the
//! Handarat area") are reported as [`UnknownName`]s for relative placement.

mod embedded;
mod foreign;
pub mod language;
pub mod lexicon;
pub mod morphology;
pub mod normalise;
mod place_statement;
pub mod script;
pub mod tables;
pub mod unspaced;
pub mod word_set;

use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;

pub use language::{Language, UnknownLanguage};
pub use lexicon::Lexicon;
pub use tables::{LangTables, Tables};

use script::{script_of_word, Script};

use crate::gazetteer::{Gazetteer, NameKind, PlaceKind, Posting};
use crate::text::{is_all_caps, is_capitalised, tokenize, Token};

/// The longest name, in tokens, the spotter tries ("Bosnia and Herzegovina" is 3).
pub(crate) const MAX_NAME_TOKENS: usize = 8;

/// A name found through a generated form ("Москве" as "москва", "Deutschlands" as
/// "deutschland") must be able to mean a region, a country or a town at least this big:
/// generated forms reach villages by accident far more often than written names do.
const MIN_INFLECTED_POPULATION: u64 = 10_000;

/// The longest title abbreviation written with a dot before a name ("Mrs.", "Capt.",
/// "Prof."); longer words before a full stop end a sentence.
const MAX_ABBREVIATED_TITLE_CHARS: usize = 4;

/// A span of text that names a place in the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Byte offset of the span's start in the text.
    pub start: usize,
    /// Byte offset one past the span's end.
    pub end: usize,
    /// The span's text.
    pub surface: String,
    /// The folded name key, the same for every writing of the name.
    pub key: String,
    /// Tokens the span covers.
    pub tokens: Range<usize>,
    /// The gazetteer entries the name may refer to.
    pub candidates: Vec<Posting>,
    /// The span opens a sentence (its capital says less).
    pub sentence_initial: bool,
    /// The span is a dateline ("WASHINGTON -" at the head of a story).
    pub dateline: bool,
    /// Every word of the span is a common English word ("Reading", "White House"), and
    /// the text does not state that the name is a place ("Reading is a town in ...").
    pub common_words: bool,
    /// The span stands in a list beside a mention that is no common word ("Lyon and
    /// Nice", "Nice, Cannes"): a coordinated common word is likely a place too.
    pub listed_with_name: bool,
}

impl Mention {
    /// How the span names its place: a demonym when every candidate reads it so, an
    /// abbreviation likewise, else a name.
    pub fn kind(&self) -> NameKind {
        let all = |k: NameKind| {
            !self.candidates.is_empty() && self.candidates.iter().all(|p| p.kind == k)
        };
        if all(NameKind::Demonym) {
            NameKind::Demonym
        } else if all(NameKind::Abbreviation) {
            NameKind::Abbreviation
        } else {
            NameKind::Preferred
        }
    }
}

/// A capitalised name the gazetteer lacks, with a cue that it is a place.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownName {
    /// Byte offset of the name's start.
    pub start: usize,
    /// Byte offset one past the name's end.
    pub end: usize,
    /// The name as written.
    pub surface: String,
    /// Tokens of the name.
    pub tokens: Range<usize>,
    /// The place noun after it ("area"), when there is one.
    pub noun: Option<String>,
}

/// A text cut into tokens, with the mentions, people and unknown names found in it.
#[derive(Debug, Clone, Default)]
pub struct Spotted {
    /// The text's tokens.
    pub tokens: Vec<Token>,
    /// Place mentions, in text order.
    pub mentions: Vec<Mention>,
    /// Unknown place-like names, in text order.
    pub unknown: Vec<UnknownName>,
    /// Token ranges judged to be people.
    pub persons: Vec<Range<usize>>,
}

impl Spotted {
    /// The index of the mention whose first token is `token`, if any (mentions are
    /// in text order, so this is a binary search).
    pub fn mention_starting_at(&self, token: usize) -> Option<usize> {
        self.mentions
            .binary_search_by_key(&token, |m| m.tokens.start)
            .ok()
    }
}

/// Options for spotting.
#[derive(Debug, Clone)]
pub struct SpotOptions {
    /// Report demonyms and adjectives ("Syrian") as mentions of their country.
    pub demonyms: bool,
    /// The text's language (ISO 639-1), which picks the per-language word tables;
    /// `None` or "en" for the English path.
    pub language: Option<&'static str>,
}

impl Default for SpotOptions {
    fn default() -> Self {
        SpotOptions {
            demonyms: true,
            language: None,
        }
    }
}

/// Finds place mentions in text against one gazetteer.
#[derive(Debug)]
pub struct Spotter<'a> {
    gazetteer: &'a Gazetteer,
    lexicon: &'a Lexicon,
    options: SpotOptions,
}

impl<'a> Spotter<'a> {
    /// A spotter over a gazetteer and word lists.
    pub fn new(gazetteer: &'a Gazetteer, lexicon: &'a Lexicon, options: SpotOptions) -> Self {
        Spotter {
            gazetteer,
            lexicon,
            options,
        }
    }

    /// Spots the mentions in `text`.
    pub fn spot(&self, text: &str) -> Spotted {
        let lang = self.foreign_language();
        let foreign = lang.is_some() || script::needs_script_handling(text);
        let (tokens, inflected, other_forms) = if foreign {
            let n = normalise::normalise(
                self.gazetteer,
                self.lexicon.tables(),
                text,
                tokenize(text),
                lang,
            );
            (n.tokens, n.inflected, n.other_forms)
        } else {
            (tokenize(text), Vec::new(), Vec::new())
        };
        let starts = sentence_starts(text, &tokens);
        let (mut persons, mut surnames, speakers) = self.find_persons(text, &tokens, &starts);
        // Names the text states are places ("Dallas is a city in ..."): they stay places
        // beside a namesake person, and are not read as common words ("Cove is a city").
        let stated = if foreign {
            HashSet::default()
        } else {
            place_statement::stated_places(text, &tokens)
        };
        surnames.retain(|s| !stated.contains(s));
        if foreign {
            persons.extend(self.arabic_persons(text, &tokens));
            persons.sort_by_key(|r| r.start);
        }
        let mut in_person = vec![false; tokens.len()];
        for r in &persons {
            in_person[r.clone()].iter_mut().for_each(|b| *b = true);
        }

        let mut mentions = Vec::new();
        let mut covered = vec![false; tokens.len()];
        let mut i = 0;
        while i < tokens.len() {
            // Only a token that can open a name (`name_shape_ok`'s test of a first
            // word) is looked up: most tokens of running text are lower-case words.
            let opens = can_open_name(text, &tokens[i])
                || self.is_demonym_reading(tokens[i].surface(text), &tokens[i].folded);
            if in_person[i] || !opens {
                i += 1;
                continue;
            }
            let found = self
                .best_match_at(
                    text,
                    &tokens,
                    i,
                    &in_person,
                    (&surnames, &speakers),
                    &starts,
                )
                .and_then(|m| {
                    if foreign {
                        self.accept_foreign(text, &tokens, (&inflected, &other_forms), m)
                    } else {
                        self.accept_english(text, &tokens, m)
                    }
                });
            match found {
                Some(m) => {
                    covered[m.tokens.clone()].iter_mut().for_each(|b| *b = true);
                    i = m.tokens.end;
                    mentions.push(m);
                }
                None => i += 1,
            }
        }
        for m in &mut mentions {
            m.common_words &= !stated.contains(&m.key);
        }
        mark_lists(text, &mut mentions);
        let unknown = self.find_unknown(text, &tokens, (&covered, &in_person), &starts);
        Spotted {
            tokens,
            mentions,
            unknown,
            persons,
        }
    }

    /// The longest acceptable gazetteer name that starts at token `i`.
    fn best_match_at(
        &self,
        text: &str,
        tokens: &[Token],
        i: usize,
        in_person: &[bool],
        (surnames, speakers): (&HashSet<String>, &HashSet<String>),
        starts: &[bool],
    ) -> Option<Mention> {
        let matches = self
            .gazetteer
            .names()
            .prefix_matches(tokens, i, MAX_NAME_TOKENS);
        for m in matches.iter().rev() {
            let range = i..m.end_token;
            if in_person[range.clone()].iter().any(|&p| p)
                || !self.name_shape_ok(text, tokens, range.clone())
            {
                continue;
            }
            let first = &tokens[i];
            let single = range.len() == 1;
            if single
                && (self.lexicon.is_stopword(&first.folded) || self.lexicon.is_title(&first.folded))
                && !(is_all_caps(first.surface(text)) && first.surface(text).chars().count() > 1)
            {
                continue;
            }
            let caps = range.clone().all(|t| {
                is_all_caps(tokens[t].surface(text))
                    || tokens[t].folded.chars().all(|c| c.is_ascii_digit())
            });
            let mut candidates: Vec<Posting> = self
                .gazetteer
                .names()
                .postings_of(m.key)
                .iter()
                .filter(|p| caps || !p.all_caps)
                .filter(|p| self.options.demonyms || p.kind != NameKind::Demonym)
                .collect();
            // An acronym ("UN", "CNN", "FDA") names a country or region by its
            // abbreviation, or a big city by its initials ("LA", "NYC"); airport codes
            // among cities' alternate names ("DAC" Dhaka, "TNA" Jinan) do not count.
            if caps && single && first.surface(text).chars().count() <= 5 {
                let acronym = first.surface(text);
                candidates.retain(|p| {
                    p.kind == NameKind::Abbreviation
                        || self.gazetteer.kind(p.place) <= PlaceKind::Admin1
                        || (self.gazetteer.population(p.place) >= 1_000_000
                            && embedded::is_initialism_of(
                                acronym,
                                &self.gazetteer.place(p.place).name,
                            ))
                });
            }
            if candidates.is_empty() {
                continue;
            }
            // One sense per document: a surname stays a person, unless the name is also
            // a country or first-level region ("Washington", "Jordan").
            let key: String = range
                .clone()
                .map(|t| tokens[t].folded.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if surnames.contains(&key) {
                candidates.retain(|p| {
                    matches!(
                        self.gazetteer.kind(p.place),
                        PlaceKind::Country | PlaceKind::Admin1 | PlaceKind::Continent
                    )
                });
                if candidates.is_empty() {
                    continue;
                }
            }
            if single && speakers.contains(&key) {
                candidates.retain(|p| {
                    self.gazetteer.kind(p.place) <= PlaceKind::Admin1
                        || self.gazetteer.population(p.place) >= 100_000
                });
                if candidates.is_empty() {
                    continue;
                }
            }
            // "The Bush administration", "Obama-era": a leader's name; only a country or
            // region reading stays.
            if embedded::names_a_leader(text, tokens, &range) {
                candidates.retain(|p| self.gazetteer.kind(p.place) <= PlaceKind::Admin1);
                if candidates.is_empty() {
                    continue;
                }
            }
            // Part of a money amount or of another name: "US$2 million", "Aleppo
            // University", "the Arndale Centre".
            if embedded::is_currency_code(text, tokens, &range)
                || embedded::is_part_of_organisation_name(text, tokens, &range, self.lexicon)
            {
                continue;
            }
            let mut end = tokens[m.end_token - 1].end;
            if candidates.iter().any(|p| p.trailing_dot) && text[end..].starts_with('.') {
                end += 1;
            }
            let start = first.start;
            return Some(Mention {
                start,
                end,
                surface: text[start..end].to_string(),
                key,
                candidates,
                sentence_initial: starts[i],
                dateline: is_dateline(text, tokens, i, m.end_token),
                common_words: range
                    .clone()
                    .all(|t| self.lexicon.is_common_word(&tokens[t].folded)),
                listed_with_name: false,
                tokens: range,
            });
        }
        None
    }

    /// Capitals where a name needs them, and only name-like gaps between its tokens.
    fn name_shape_ok(&self, text: &str, tokens: &[Token], range: Range<usize>) -> bool {
        let last = range.end - 1;
        for t in range.clone() {
            let tok = &tokens[t];
            let surface = tok.surface(text);
            let inner = t != range.start && t != last;
            let name_word = is_capitalised(surface)
                || (inner && self.lexicon.is_connector(&tok.folded))
                || is_number(tok)
                || (t != range.start && self.foreign_lower_case_ok(surface, &tok.folded, inner))
                || (range.len() == 1 && self.is_demonym_reading(surface, &tok.folded));
            if !name_word {
                return false;
            }
            if t > range.start {
                let gap = &text[tokens[t - 1].end..tok.start];
                // A bare ampersand joins the initials of an abbreviation ("T&T").
                let ok = gap == "&"
                    || (gap.chars().count() <= 2
                        && !gap.is_empty()
                        && gap
                            .chars()
                            .all(|c| matches!(c, ' ' | '-' | '.' | '\'' | '’' | '‐' | '–')));
                if !ok {
                    return false;
                }
            }
        }
        true
    }

    /// People: capitalised runs opened by a given name or following a title.
    /// Returns their token ranges, the folded surnames (each run's last word), and
    /// lone words that are the subject of a speech verb ("Welch said").
    fn find_persons(
        &self,
        text: &str,
        tokens: &[Token],
        starts: &[bool],
    ) -> (Vec<Range<usize>>, HashSet<String>, HashSet<String>) {
        let mut persons = Vec::new();
        let mut surnames = HashSet::default();
        let mut speakers = HashSet::default();
        for run in capitalised_runs(text, tokens, starts) {
            // The person starts after the last title in the run, or at its first given
            // name that has a word after it.
            let mut begin = None;
            for t in run.clone() {
                if self.is_title(text, &tokens[t]) && t + 1 < run.end {
                    begin = Some(t + 1);
                }
            }
            // "Mrs. Lincoln", "Dr. Clinton", "Lt. Brent Wheat": the dot of an abbreviated
            // title ends the run before the name, so the title stands just before it.
            if begin.is_none()
                && run.start > 0
                && self.is_abbreviated_title(text, tokens, run.start - 1)
            {
                begin = Some(run.start);
            }
            if begin.is_none() {
                begin = run.clone().find(|&t| {
                    t + 1 < run.end
                        && self.is_given_name(text, &tokens[t])
                        && !self.opens_place_name(tokens, t)
                });
            }
            // "Barack Obama", "Dmitry Peskov": a two-word run whose first word is no
            // place, no common word and no function word, and whose second is a name
            // the gazetteer knows, reads as given name + surname (the given-name list
            // is English; names from elsewhere are not in it). An all-caps first word
            // is an acronym, not a given name: "CTV Winnipeg", "CBC Toronto" are a
            // broadcaster's station.
            if begin.is_none() && run.len() == 2 && !starts[run.start] {
                let (a, b) = (&tokens[run.start], &tokens[run.start + 1]);
                let unknown_first = self.gazetteer.names().get(&a.folded).is_empty()
                    && !is_all_caps(a.surface(text))
                    && !self.lexicon.is_common_word(&a.folded)
                    && !self.lexicon.is_stopword(&a.folded)
                    && !self.lexicon.is_connector(&a.folded)
                    && a.folded.chars().count() > 2;
                let place_second = !self.gazetteer.names().get(&b.folded).is_empty();
                let noun_after = tokens
                    .get(run.end)
                    .is_some_and(|t| self.lexicon.is_place_noun(&t.folded));
                if unknown_first && place_second && !noun_after {
                    begin = Some(run.start);
                }
            }
            let Some(b) = begin else { continue };
            let person = b..run.end;
            let last = &tokens[run.end - 1];
            // "Victoria Falls", "Jordan Valley", "Washington Post", "Santa Clara
            // County": a place or an organisation, not a person.
            if self.lexicon.is_place_noun(&last.folded)
                || self.lexicon.is_organisation_head(&last.folded)
                || lexicon::is_geographic_generic(&last.folded)
            {
                continue;
            }
            let whole: Vec<&str> = person.clone().map(|t| tokens[t].folded.as_str()).collect();
            if person.len() >= 2 && !self.gazetteer.names().get(&whole.join(" ")).is_empty() {
                continue;
            }
            surnames.insert(last.folded.to_string());
            persons.push(person);
        }
        // "Welch said": a lone capitalised word as the subject of a speech verb is a
        // person's surname (places that speak, "Moscow said", are big or countries:
        // the spotter keeps those, see `best_match_at`).
        for (i, t) in tokens.iter().enumerate() {
            // Only a capitalised word (not an acronym) can be the speaker: the tests
            // of its neighbours are for those alone (most words of a text are not).
            let surface = t.surface(text);
            if !is_capitalised(surface) || is_all_caps(surface) {
                continue;
            }
            let next = tokens.get(i + 1).map(|n| n.folded.as_str());
            let speech = matches!(
                next,
                Some(
                    "said"
                        | "says"
                        | "told"
                        | "added"
                        | "noted"
                        | "explained"
                        | "wrote"
                        | "argued"
                        | "asked"
                        | "recalled"
                        | "insisted"
                        | "tweeted"
                        | "stated"
                        | "replied"
                        | "warned"
                        | "admitted"
                        | "testified"
                )
            );
            let alone = i == 0 || !is_capitalised(tokens[i - 1].surface(text)) || starts[i];
            let alone =
                alone || (i > 0 && matches!(tokens[i - 1].folded.as_str(), "said" | "says"));
            // ... and "said Welch." at the end of a quote.
            let prev = if i > 0 {
                tokens[i - 1].folded.as_str()
            } else {
                ""
            };
            let next_capital = tokens
                .get(i + 1)
                .is_some_and(|n| is_capitalised(n.surface(text)) && !starts[i + 1]);
            let said_before = matches!(prev, "said" | "says") && !next_capital;
            if (speech || said_before) && alone {
                speakers.insert(t.folded.to_string());
            }
        }
        (persons, surnames, speakers)
    }

    /// Is token `k` a title written as an abbreviation with its dot ("Mrs.", "Dr.",
    /// "Lt.", "Gov.") right before a name? "Miss." is left out: it is also the state
    /// abbreviation of Mississippi ("Tupelo, Miss."); a title written out and followed
    /// by a full stop ends a sentence ("... elected governor. Boston").
    fn is_abbreviated_title(&self, text: &str, tokens: &[Token], k: usize) -> bool {
        let tok = &tokens[k];
        let surface = tok.surface(text);
        k + 1 < tokens.len()
            && is_capitalised(surface)
            && surface.chars().count() <= MAX_ABBREVIATED_TITLE_CHARS
            && tok.folded != "miss"
            && &text[tok.end..tokens[k + 1].start] == ". "
            && self.is_title(text, tok)
    }

    /// Does the given name at token `t` open a place name rather than a person's?
    /// "Laurel County", "Virginia State Board", "Georgia Department": a multi-word
    /// place starts there, or the word is a region or country and the next word is a
    /// common English word (surnames rarely are: "Virginia Woolf").
    fn opens_place_name(&self, tokens: &[Token], t: usize) -> bool {
        let names = self.gazetteer.names();
        if names
            .prefix_matches(tokens, t, MAX_NAME_TOKENS)
            .iter()
            .any(|m| m.end_token > t + 1)
        {
            return true;
        }
        let region = names.get(&tokens[t].folded).iter().any(|p| {
            self.gazetteer.kind(p.place) <= PlaceKind::Admin2 && p.kind == NameKind::Preferred
        });
        region
            && tokens
                .get(t + 1)
                .is_some_and(|n| self.lexicon.is_common_word(&n.folded))
    }

    /// Unknown capitalised names followed by a place noun ("Handarat area").
    fn find_unknown(
        &self,
        text: &str,
        tokens: &[Token],
        (covered, in_person): (&[bool], &[bool]),
        sentence_start: &[bool],
    ) -> Vec<UnknownName> {
        let mut out = Vec::new();
        let no_starts = vec![false; tokens.len()];
        for run in capitalised_runs(text, tokens, &no_starts) {
            // Drop leading function words ("The Handarat") and titles.
            let mut begin = run.start;
            while begin < run.end
                && (self.lexicon.is_stopword(&tokens[begin].folded)
                    || self.lexicon.is_title(&tokens[begin].folded))
            {
                begin += 1;
            }
            let name = begin..run.end;
            if name.is_empty() || name.clone().any(|t| covered[t] || in_person[t]) {
                continue;
            }
            let Some(next) = tokens.get(run.end) else {
                continue;
            };
            let gap = &text[tokens[run.end - 1].end..next.start];
            let noun_follows = gap == " "
                && !is_capitalised(next.surface(text))
                && self.lexicon.is_place_noun(&next.folded);
            // "Handarat, on the northern edge of Aleppo": an apposition that opens like
            // a spatial relation. Resolution only places these when the relation is
            // a bearing or a distance, which people and organisations never take.
            let relation_follows = gap == ", "
                && !sentence_start[run.start]
                && (next.folded.starts_with(|c: char| c.is_ascii_digit())
                    || matches!(next.folded.as_str(), "on" | "at" | "along")
                    || crate::resolve::relation::is_hedge(&next.folded));
            if !noun_follows && !relation_follows {
                continue;
            }
            let (start, end) = (tokens[name.start].start, tokens[name.end - 1].end);
            out.push(UnknownName {
                start,
                end,
                surface: text[start..end].to_string(),
                tokens: name,
                noun: noun_follows.then(|| next.folded.to_string()),
            });
        }
        out
    }
}

/// Runs of capitalised tokens joined by single spaces (or an initial's ". "), not
/// crossing a sentence start.
fn capitalised_runs(text: &str, tokens: &[Token], starts: &[bool]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !is_run_word(tokens[i].surface(text)) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < tokens.len() && is_run_word(tokens[j].surface(text)) && !starts[j] {
            let gap = &text[tokens[j - 1].end..tokens[j].start];
            let initial = tokens[j - 1].surface(text).chars().count() == 1 && gap == ". ";
            if gap != " " && !initial {
                break;
            }
            j += 1;
        }
        runs.push(i..j);
        i = j;
    }
    runs
}

/// A capitalised word that can join a run of name words. Scripts without capitals
/// (Arabic, Chinese) count as capitalised for a name's shape, but a run of them is
/// just running text, not a name.
fn is_run_word(surface: &str) -> bool {
    is_capitalised(surface) && !matches!(script_of_word(surface), Script::Arabic | Script::Unspaced)
}

/// Which tokens open a sentence: the first token, and any token after end punctuation
/// or a line break (an initial such as "J." or a dotted abbreviation does not end one).
fn sentence_starts(text: &str, tokens: &[Token]) -> Vec<bool> {
    let mut starts = vec![false; tokens.len()];
    for i in 0..tokens.len() {
        if i == 0 {
            starts[i] = true;
            continue;
        }
        let prev = &tokens[i - 1];
        // One pass over the gap's bytes (all the marks are ASCII); the previous token's
        // length only matters after a dot ("U.S. forces" is no sentence start).
        let (mut line, mut bang, mut dot) = (false, false, false);
        for &b in &text.as_bytes()[prev.end..tokens[i].start] {
            match b {
                b'\n' => line = true,
                b'!' | b'?' => bang = true,
                b'.' => dot = true,
                _ => {}
            }
        }
        starts[i] = line || bang || (dot && prev.surface(text).chars().nth(1).is_some());
    }
    starts
}

/// Can this token open a place name: capitalised, or a number ("10 Downing Street")?
fn can_open_name(text: &str, token: &Token) -> bool {
    is_capitalised(token.surface(text)) || is_number(token)
}

/// A token of ASCII digits only (so also the empty fold).
fn is_number(token: &Token) -> bool {
    token.folded.bytes().all(|b| b.is_ascii_digit())
}

/// A dateline: an all-capitals name at the head of a line, followed by a dash, comma or
/// parenthesis ("WASHINGTON - ", "ALEPPO, Syria (AP) -").
fn is_dateline(text: &str, tokens: &[Token], start: usize, end: usize) -> bool {
    let line_start = start == 0 || text[tokens[start - 1].end..tokens[start].start].contains('\n');
    if !line_start || !(start..end).all(|t| is_all_caps(tokens[t].surface(text))) {
        return false;
    }
    // Any space may stand before the dash: wire copy often has a no-break space
    // ("WASHINGTON\u{a0}- ").
    let after = text[tokens[end - 1].end..]
        .trim_start_matches(|c: char| c == '.' || (c.is_whitespace() && c != '\n'));
    after.starts_with(['-', '—', '–', '‒', '―', ',', '('])
}

/// Marks common-word mentions that stand in a list beside a name that is no common
/// word: "Lyon and Nice", "Nice or Cannes", "Nice, Lyon". The list says both are the
/// same sort of thing; it does not say which reading, so resolution only softens the
/// common-word penalty.
fn mark_lists(text: &str, mentions: &mut [Mention]) {
    for i in 1..mentions.len() {
        let gap = &text[mentions[i - 1].end..mentions[i].start];
        if !matches!(gap, " and " | " or " | ", " | " & " | ", and " | ", or ") {
            continue;
        }
        let (a, b) = (mentions[i - 1].common_words, mentions[i].common_words);
        if a != b {
            let common = if a { i - 1 } else { i };
            mentions[common].listed_with_name = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::testing::from_tsv;

    const GAZ: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
170063\tAleppo\tcity\tPPLA\tSY\t09\t1602264\t36.20124\t37.16117\tHalab\t\t\n\
163843\tSyria\tcountry\tPCLI\tSY\t\t16906283\t35.0\t38.0\t\tSY\tSyrian\n\
6252001\tUnited States\tcountry\tPCLI\tUS\t\t327167434\t39.76\t-98.5\tAmerica\tU.S.|US|USA\tAmerican\n\
2963597\tKerry\tcity\tPPL\tIE\t02\t1000\t52.1\t-9.6\t\t\t\n\
473247\tVladimir\tcity\tPPL\tRU\t83\t350000\t56.13\t40.4\t\t\t\n\
4140963\tWashington\tcity\tPPLC\tUS\tDC\t689545\t38.89511\t-77.03637\t\t\t\n\
5815135\tWashington\tadmin1\tADM1\tUS\tWA\t0\t47.5\t-120.5\t\tWA|Wash.\t\n\
2996944\tLyon\tcity\tPPLA\tFR\t84\t522969\t45.74846\t4.84671\t\t\t\n\
2990440\tNice\tcity\tPPLA2\tFR\t93\t342669\t43.70313\t7.26608\t\t\t\n\
3573591\tTrinidad and Tobago\tcountry\tPCLI\tTT\t\t1389858\t11.0\t-61.0\t\tT&T\t\n";

    fn spot(text: &str) -> Spotted {
        let g = from_tsv(GAZ);
        let lex = Lexicon::new();
        Spotter::new(&g, &lex, SpotOptions::default()).spot(text)
    }

    fn surfaces(s: &Spotted) -> Vec<&str> {
        s.mentions.iter().map(|m| m.surface.as_str()).collect()
    }

    #[test]
    fn people_are_not_places() {
        let s = spot("Secretary of State John Kerry met Vladimir Putin in Aleppo. Kerry said Syria was at stake.");
        assert_eq!(surfaces(&s), ["Aleppo", "Syria"]);
        assert_eq!(s.persons.len(), 2);
    }

    #[test]
    fn a_town_the_text_defines_outlives_its_namesake_person() {
        // One sense per document yields to the text's own statement.
        let s = spot("Kerry is a town in Syria named for Sir John Kerry. Kerry grew quickly.");
        assert_eq!(surfaces(&s), ["Kerry", "Syria", "Kerry"]);
        let s = spot("Sir John Kerry spoke. Kerry said the town would grow.");
        assert!(surfaces(&s).is_empty());
    }

    #[test]
    fn a_name_after_an_abbreviated_title_is_a_person() {
        let s = spot("Stories told by Mrs. Lyon and Dr. Nice in Aleppo. Lyon smiled.");
        assert_eq!(surfaces(&s), ["Aleppo"]);
        assert_eq!(s.persons.len(), 2);
        // A title written out before a full stop ends the sentence; "Miss." is also
        // Mississippi's abbreviation.
        let s = spot("He was elected governor. Lyon cheered. Tupelo, Miss. Nice weather.");
        assert_eq!(surfaces(&s), ["Lyon", "Nice"]);
    }

    #[test]
    fn a_station_is_not_a_person() {
        // "CTV Winnipeg" (here "CTV Lyon") once read as given name + surname, dropping every later
        // "Winnipeg" of the document as that person's surname.
        let s = spot("She told CTV Lyon the dog was driven to Lyon at night.");
        assert_eq!(surfaces(&s), ["Lyon", "Lyon"]);
        assert!(s.persons.is_empty());
        let s = spot("She told Dmitry Lyon about Aleppo.");
        assert_eq!(surfaces(&s), ["Aleppo"]);
    }

    #[test]
    fn abbreviations_take_their_dot_and_need_capitals() {
        let s = spot("He told us the U.S.-Russia talks and US aid help Syrian towns.");
        assert_eq!(surfaces(&s), ["U.S.", "US", "Syrian"]);
        assert_eq!(s.mentions[2].kind(), NameKind::Demonym);
    }

    #[test]
    fn a_given_name_before_a_generic_is_no_person() {
        let g = from_tsv(
            "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
9000006085\tSanta Clara County\tadmin2\tADM2\tUS\tCA\t1910232\t37.23\t-121.7\t\t\t\n",
        );
        let lex = Lexicon::new();
        let s = Spotter::new(&g, &lex, SpotOptions::default())
            .spot("A court reversed a Santa Clara County conviction.");
        assert_eq!(surfaces(&s), ["Santa Clara County"]);
        assert!(s.persons.is_empty());
    }

    #[test]
    fn an_ampersand_joins_initials() {
        let s = spot("The T&T mission in Aleppo and AT&T & Syria.");
        assert_eq!(surfaces(&s), ["T&T", "Aleppo", "Syria"]);
    }

    #[test]
    fn organisations_and_datelines() {
        let s = spot("WASHINGTON - The Washington Times reported on Aleppo University.");
        assert_eq!(surfaces(&s), ["WASHINGTON"]);
        assert!(s.mentions[0].dateline);
        // Wire copy puts a no-break space or an em dash after the city.
        for text in [
            "WASHINGTON\u{a0}- Officials said.",
            "WASHINGTON \u{2014} Officials said.",
        ] {
            assert!(spot(text).mentions[0].dateline, "{text:?}");
        }
        assert!(!spot("WASHINGTON\n- Officials said.").mentions[0].dateline);
    }

    #[test]
    fn unknown_names_before_place_nouns() {
        let s = spot("Forces took the Handarat area on the northern edge of Aleppo.");
        assert_eq!(s.unknown.len(), 1);
        assert_eq!(s.unknown[0].surface, "Handarat");
        assert_eq!(s.unknown[0].noun.as_deref(), Some("area"));
    }

    #[test]
    fn demonyms_can_be_switched_off() {
        let g = from_tsv(GAZ);
        let lex = Lexicon::new();
        let s = Spotter::new(
            &g,
            &lex,
            SpotOptions {
                demonyms: false,
                ..Default::default()
            },
        )
        .spot("Syrian and American forces in Syria");
        assert_eq!(surfaces(&s), ["Syria"]);
    }

    #[test]
    fn offsets_are_exact_in_non_ascii_text() {
        let text = "Ḩalab — also Halab — is Aleppo";
        let s = spot(text);
        for m in &s.mentions {
            assert_eq!(&text[m.start..m.end], m.surface);
        }
        assert_eq!(surfaces(&s), ["Ḩalab", "Halab", "Aleppo"]);
    }

    #[test]
    fn a_common_word_listed_beside_a_name_is_marked() {
        let listed = |text: &str| -> Vec<(String, bool)> {
            spot(text)
                .mentions
                .into_iter()
                .map(|m| (m.surface, m.listed_with_name))
                .collect()
        };
        assert_eq!(
            listed("Rain fell on Lyon and Nice overnight."),
            [("Lyon".into(), false), ("Nice".into(), true)]
        );
        assert_eq!(
            listed("From Nice, Aleppo is far."),
            [("Nice".into(), true), ("Aleppo".into(), false)]
        );
        // Not a list: a verb between them.
        assert_eq!(
            listed("Nice weather reached Lyon."),
            [("Nice".into(), false), ("Lyon".into(), false)]
        );
    }
}
