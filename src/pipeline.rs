//! The whole job for one text: spot → resolve → place relatives → group by place.
//!
//! [`Mapper`] holds what is expensive to build (the gazetteer, the word lists) and is
//! cheap to share between threads; [`Mapper::map`] turns one text into a
//! [`MappedDocument`]: the places it mentions, each with its mentions, and an
//! explanation per mention for `--explain`.

use std::collections::HashMap;
use std::sync::Arc;

use crate::gazetteer::{Gazetteer, Layer, NameKind, PlaceKind};
use crate::resolve::relative::{place_relative_in, RelativePlace};
use crate::resolve::{ResolveOptions, Resolver, ScoredCandidate};
use crate::spot::{Language, Lexicon, SpotOptions, Spotter};
use crate::text::CharOffsets;

/// Builds a [`Mapper`] with options.
#[derive(Debug, Clone)]
pub struct MapperBuilder {
    spot: SpotOptions,
    resolve: ResolveOptions,
    snippet_chars: usize,
    max_mentions: Option<usize>,
    language: Option<String>,
    min_confidence: f64,
}

/// Mentions kept per place (and explanations per document) by default. A news
/// story names a place a few dozen times at most; a 40 MB text can name one
/// 100,000 times, and each kept mention costs a snippet and offsets. Beyond this
/// the place keeps its count ([`MappedPlace::mention_count`]) and its first
/// mentions only.
pub const DEFAULT_MAX_MENTIONS: usize = 1000;

/// Texts longer than this are mapped in segments of about this size, cut at
/// paragraph or line breaks, and the segments' places merged: the spotter and the
/// resolver hold every mention with its candidates at once, so one pass over 40 MB
/// would need gigabytes. Documents under it map in one pass, as before.
pub const SEGMENT_BYTES: usize = 1 << 20;

impl Default for MapperBuilder {
    fn default() -> Self {
        MapperBuilder {
            spot: SpotOptions::default(),
            resolve: ResolveOptions::default(),
            snippet_chars: 60,
            max_mentions: Some(DEFAULT_MAX_MENTIONS),
            language: None,
            min_confidence: 0.0,
        }
    }
}

impl MapperBuilder {
    /// Report demonyms ("Syrian") as mentions of their country (default on).
    pub fn demonyms(mut self, yes: bool) -> Self {
        self.spot.demonyms = yes;
        self
    }

    /// The score below which a mention is dropped as probably not a place.
    pub fn min_score(mut self, score: f64) -> Self {
        self.resolve.min_score = score;
        self
    }

    /// Leave out mentions whose calibrated confidence (the probability that the place
    /// is right within 161 km) is below this: higher trades recall for precision.
    /// Default 0, all.
    pub fn min_confidence(mut self, p: f64) -> Self {
        self.min_confidence = p;
        self
    }

    /// The calibration that turns a resolution's evidence into a confidence (default:
    /// the shipped weights, see [`crate::resolve::calibration`]).
    pub fn calibration(mut self, c: Arc<crate::resolve::calibration::Calibration>) -> Self {
        self.resolve.calibration = c;
        self
    }

    /// How each mention's winner is picked among its candidates: the hand-set rules
    /// (default) or the learned ranker ([`crate::resolve::ranker`]).
    pub fn ranking(mut self, r: crate::resolve::ranker::Ranking) -> Self {
        self.resolve.ranking = r;
        self
    }

    /// Keep the learned ranker's inputs in every explanation even when the rules pick
    /// (for `eval --dump-ranker`, which trains the ranker; default off).
    pub fn ranker_inputs(mut self, yes: bool) -> Self {
        self.resolve.ranker_inputs = yes;
        self
    }

    /// Characters of context on each side of a mention in its snippet.
    pub fn snippet_chars(mut self, n: usize) -> Self {
        self.snippet_chars = n;
        self
    }

    /// Mentions kept per place and explanations kept per document (`None`: all;
    /// default [`DEFAULT_MAX_MENTIONS`]). Counts are always complete.
    pub fn max_mentions(mut self, n: Option<usize>) -> Self {
        self.max_mentions = n;
        self
    }

    /// Treat every text as written in this language (ISO 639-1 "ar" or 639-3 "ara")
    /// instead of detecting it. Check the code first with
    /// [`Language::check_code`]: an unknown code is ignored (detection is used).
    pub fn language(mut self, code: Option<&str>) -> Self {
        self.language = code
            .filter(|c| Language::check_code(c).is_ok())
            .map(str::to_string);
        self
    }

    /// Builds the mapper over a gazetteer.
    pub fn build(self, gazetteer: Arc<Gazetteer>) -> Mapper {
        Mapper {
            gazetteer,
            lexicon: Lexicon::new(),
            options: self,
        }
    }
}

/// Maps texts to places. Build once, share freely (`Sync`).
#[derive(Debug)]
pub struct Mapper {
    gazetteer: Arc<Gazetteer>,
    lexicon: Lexicon,
    options: MapperBuilder,
}

/// How a place's point was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// A gazetteer entry.
    Gazetteer,
    /// Estimated from a relation to an anchor in the text.
    Relative,
}

/// One mention of a place in the text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MentionSpan {
    /// Start as a Unicode code-point offset (a Python `str` index).
    pub start: usize,
    /// End (exclusive), code points.
    pub end: usize,
    /// Start as a UTF-8 byte offset.
    pub byte_start: usize,
    /// End (exclusive), UTF-8 bytes.
    pub byte_end: usize,
    /// The text of the mention.
    pub text: String,
    /// "name", "abbreviation", "demonym", or "relative".
    pub kind: &'static str,
    /// The mention with some context around it, on one line.
    pub snippet: String,
}

/// A place the text mentions.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedPlace {
    /// The name as the text writes it most often.
    pub name: String,
    /// Gazetteer index when from the gazetteer.
    pub place: Option<u32>,
    /// The output layer.
    pub layer: Layer,
    /// Point, (lon, lat) degrees.
    pub lon_lat: (f64, f64),
    /// Confidence that the place is right within 161 km: the mean of its mentions'
    /// calibrated confidences (for a relative estimate, its own).
    pub confidence: f64,
    /// Gazetteer or relative.
    pub method: Method,
    /// Uncertainty radius of a relative estimate, km.
    pub uncertainty_km: Option<f64>,
    /// Anchor of a relative estimate (gazetteer index).
    pub anchor: Option<u32>,
    /// Its mentions in text order: the first [`MapperBuilder::max_mentions`] of them.
    pub mentions: Vec<MentionSpan>,
    /// How many times the text mentions it (at least `mentions.len()`).
    pub mention_count: usize,
}

impl MappedPlace {
    /// Mentions left out of [`MappedPlace::mentions`] by the cap.
    pub fn mentions_truncated(&self) -> usize {
        self.mention_count.saturating_sub(self.mentions.len())
    }
}

/// Why a mention resolved as it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The mention.
    pub mention: MentionSpan,
    /// The chosen gazetteer place, if any.
    pub chosen: Option<u32>,
    /// Confidence in the choice.
    pub confidence: f64,
    /// What the confidence was computed from.
    pub inputs: crate::resolve::calibration::ConfidenceInputs,
    /// Candidates, best first, with their features.
    pub ranked: Vec<ScoredCandidate>,
    /// The learned ranker's own inputs of each of `ranked` (empty under the rules; see
    /// [`crate::resolve::Resolution::extras`]).
    pub extras: Vec<crate::resolve::ranker::Extras>,
    /// A relative estimate replaced the gazetteer choice.
    pub replaced_by_relative: bool,
}

/// The result of mapping one text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MappedDocument {
    /// Places, in order of first mention.
    pub places: Vec<MappedPlace>,
    /// One explanation per gazetteer-matched mention.
    pub explanations: Vec<Explanation>,
    /// The text's language, detected or forced; `None` when the text has no words.
    pub language: Option<Language>,
}

impl Mapper {
    /// A mapper with default options.
    pub fn new(gazetteer: Arc<Gazetteer>) -> Mapper {
        MapperBuilder::default().build(gazetteer)
    }

    /// Options for a mapper.
    pub fn builder() -> MapperBuilder {
        MapperBuilder::default()
    }

    /// The gazetteer it maps against.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// How it picks each mention's winner among the candidates.
    pub fn ranking(&self) -> &crate::resolve::ranker::Ranking {
        &self.options.resolve.ranking
    }

    /// Maps one text: in one pass, or segment by segment when it is longer than
    /// [`SEGMENT_BYTES`].
    pub fn map(&self, text: &str) -> MappedDocument {
        if text.len() <= SEGMENT_BYTES {
            let mut doc = self.map_segment(text);
            self.cap(&mut doc);
            return doc;
        }
        let mut merged = crate::segment::Merger::default();
        for (offset, part) in crate::segment::segments(text, SEGMENT_BYTES) {
            let mut doc = self.map_segment(part);
            self.cap(&mut doc);
            merged.add(text, offset, doc, self.options.max_mentions);
        }
        merged.finish()
    }

    /// Drops mentions and explanations beyond the cap; counts stay.
    fn cap(&self, doc: &mut MappedDocument) {
        if let Some(n) = self.options.max_mentions {
            for p in &mut doc.places {
                p.mentions.truncate(n);
            }
            doc.explanations.truncate(n);
        }
    }

    fn map_segment(&self, text: &str) -> MappedDocument {
        let gaz = &*self.gazetteer;
        let language = match &self.options.language {
            Some(code) => Language::forced(code, text).ok(),
            None => Language::detect(text),
        };
        let spot_options = SpotOptions {
            language: language
                .as_ref()
                .filter(|l| l.has_own_path())
                .map(|l| l.code),
            ..self.options.spot.clone()
        };
        let spotted = Spotter::new(gaz, &self.lexicon, spot_options).spot(text);
        let resolutions = Resolver::new(gaz, self.options.resolve.clone()).resolve(text, &spotted);
        // Relative phrases ("10 km north of", "al norte de") from the language's own
        // table: the English words are other words elsewhere (German "In Berlin").
        let own_path = language
            .as_ref()
            .filter(|l| l.has_own_path())
            .map(|l| l.code);
        let relatives = place_relative_in(gaz, text, &spotted, &resolutions, own_path);
        let chars = CharOffsets::new(text);
        let span = |start: usize, end: usize, kind: &'static str| MentionSpan {
            start: chars.char_offset(start),
            end: chars.char_offset(end),
            byte_start: start,
            byte_end: end,
            text: text[start..end].to_string(),
            kind,
            snippet: snippet(text, start, end, self.options.snippet_chars),
        };

        let replaced: Vec<usize> = relatives
            .iter()
            .filter_map(|r| r.replaces_mention)
            .collect();
        let mut places: Vec<MappedPlace> = Vec::new();
        let mut by_place: HashMap<u32, usize> = HashMap::new();
        let mut explanations = Vec::new();
        // By value: each resolution's ranked candidates move into its explanation.
        for (i, (m, r)) in spotted.mentions.iter().zip(resolutions).enumerate() {
            let kind = match m.kind() {
                NameKind::Demonym => "demonym",
                NameKind::Abbreviation => "abbreviation",
                _ => "name",
            };
            let s = span(m.start, m.end, kind);
            let is_replaced = replaced.contains(&i);
            explanations.push(Explanation {
                mention: s.clone(),
                chosen: r.place,
                confidence: r.confidence,
                inputs: r.inputs,
                ranked: r.ranked,
                extras: r.extras,
                replaced_by_relative: is_replaced,
            });
            // Beyond English a demonym is a lower-case adjective ("сирийская",
            // "syrienne"), not a name: context for resolution, not a mention.
            if own_path.is_some() && m.kind() == NameKind::Demonym {
                continue;
            }
            let Some(place) = r.place else { continue };
            if is_replaced || r.confidence < self.options.min_confidence {
                continue;
            }
            let p = gaz.place(place);
            let idx = *by_place.entry(place).or_insert_with(|| {
                places.push(MappedPlace {
                    name: String::new(),
                    place: Some(place),
                    layer: p.kind.layer(),
                    lon_lat: p.lon_lat(),
                    confidence: 0.0,
                    method: Method::Gazetteer,
                    uncertainty_km: None,
                    anchor: None,
                    mentions: Vec::new(),
                    mention_count: 0,
                });
                places.len() - 1
            });
            let mp = &mut places[idx];
            // Summed here, averaged below: every mention is one prediction.
            mp.confidence += r.confidence;
            mp.mentions.push(s);
        }
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for rel in relatives
            .iter()
            .filter(|r| r.confidence >= self.options.min_confidence)
        {
            let key = crate::text::fold_name(&rel.name);
            let s = span(rel.start, rel.end, "relative");
            let idx = *by_name.entry(key).or_insert_with(|| {
                places.push(relative_place(rel));
                places.len() - 1
            });
            let mp = &mut places[idx];
            mp.confidence = mp.confidence.max(rel.confidence);
            mp.mentions.push(s);
        }
        for p in &mut places {
            if p.method == Method::Gazetteer && !p.mentions.is_empty() {
                p.confidence /= p.mentions.len() as f64;
            }
            p.mentions.sort_by_key(|m| m.byte_start);
            p.name = most_common_surface(&p.mentions);
            p.mention_count = p.mentions.len();
        }
        places.sort_by_key(|p| p.mentions.first().map(|m| m.byte_start).unwrap_or(0));
        MappedDocument {
            places,
            explanations,
            language,
        }
    }
}

fn relative_place(rel: &RelativePlace) -> MappedPlace {
    MappedPlace {
        name: rel.name.clone(),
        place: None,
        layer: PlaceKind::District.layer(),
        lon_lat: rel.lon_lat,
        confidence: rel.confidence,
        method: Method::Relative,
        uncertainty_km: Some(rel.uncertainty_km),
        anchor: Some(rel.anchor),
        mentions: Vec::new(),
        mention_count: 0,
    }
}

/// The surface written most often (the first on ties), ignoring demonyms when a
/// name is there.
fn most_common_surface(mentions: &[MentionSpan]) -> String {
    let mut counts: Vec<(&str, usize, bool)> = Vec::new();
    for m in mentions {
        match counts.iter_mut().find(|c| c.0 == m.text) {
            Some(c) => c.1 += 1,
            None => counts.push((&m.text, 1, m.kind == "demonym")),
        }
    }
    let best = counts
        .iter()
        .filter(|c| !c.2)
        .max_by(|a, b| a.1.cmp(&b.1).then(std::cmp::Ordering::Greater))
        .or_else(|| counts.first());
    best.map(|c| c.0.to_string()).unwrap_or_default()
}

/// The mention with up to `n` characters either side, whitespace collapsed; an
/// ellipsis marks a side cut at `n` characters.
///
/// The window is found by byte offsets and copied once (every kept mention has a
/// snippet: collecting its characters was a visible share of a batch).
fn snippet(text: &str, start: usize, end: usize, n: usize) -> String {
    let bytes = text.as_bytes();
    // Characters are counted by the bytes that begin one (UTF-8 continuation bytes
    // are 0b10xxxxxx), not decoded: every kept mention cuts two windows.
    let (mut from, mut before) = (start, 0);
    while before < n && from > 0 {
        from -= 1;
        if bytes[from] & 0xc0 != 0x80 {
            before += 1;
        }
    }
    let (mut to, mut after) = (end, 0);
    while after < n && to < bytes.len() {
        to += utf8_len(bytes[to]);
        after += 1;
    }
    let mut window = String::with_capacity(to - from + 2 * '…'.len_utf8());
    if before == n && start > 0 {
        window.push('…');
    }
    window.push_str(&text[from..to]);
    if after == n {
        window.push('…');
    }
    collapse_whitespace(&window)
}

/// The length of the UTF-8 character that `lead`, its first byte, begins.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// `s.split_whitespace()` joined by single spaces, with ASCII bytes tested as bytes
/// (the same whitespace: tab, line feed, vertical tab, form feed, carriage return,
/// space) and only other characters decoded.
fn collapse_whitespace(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut push_word = |word: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    };
    let mut word: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let (len, space) = match bytes[i] {
            b @ 0..=0x7f => (1, matches!(b, b'\t'..=b'\r' | b' ')),
            _ => s[i..]
                .chars()
                .next()
                .map_or((1, false), |c| (c.len_utf8(), c.is_whitespace())),
        };
        if !space && word.is_none() {
            word = Some(i);
        } else if space {
            if let Some(w) = word.take() {
                push_word(&s[w..i]);
            }
        }
        i += len;
    }
    if let Some(w) = word {
        push_word(&s[w..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_char_safe_and_one_line() {
        let text = "Ḩalab ḩalab\nḨalab — Aleppo — ḩalab ḩalab";
        let s = text.find("Aleppo").unwrap();
        let sn = snippet(text, s, s + 6, 5);
        assert_eq!(sn, "…ab — Aleppo — ḩa…");
        assert_eq!(snippet("Aleppo", 0, 6, 5), "Aleppo");
        // Exactly n characters on a side is a cut side; fewer is the whole text.
        assert_eq!(snippet("ab Aleppo cd", 3, 9, 3), "…ab Aleppo cd…");
        assert_eq!(snippet("b Aleppo c", 2, 8, 3), "b Aleppo c");
        assert_eq!(snippet(" b\n\nAleppo", 4, 10, 0), "…Aleppo…");
    }

    /// Whitespace collapses exactly as `split_whitespace` joined by spaces does, for
    /// ASCII, vertical tabs and the Unicode spaces.
    #[test]
    fn whitespace_collapses_as_split_whitespace() {
        for s in [
            "",
            "  ",
            "a",
            " a  b\t\nc ",
            "x\u{b}y\u{c}z\rw",
            "Ḩalab\u{a0}ḩalab\u{2003} — \u{3000}阿勒颇\u{85}end",
            "…\n b…",
            "é\u{200b}e",
        ] {
            let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(s), want, "{s:?}");
        }
    }
}
