//! Evidence that a name is a place when the gazetteer cannot vouch for it by
//! population: the user put the place in their own file, or the text names it plainly.
//!
//! The `prior` weighs towns and villages by log population, which a user's CSV and
//! most GeoNames rows (villages, districts, third-level seats) do not have: with a
//! population of 0 a place scores 0.25 + 1.0 for its name, far below the threshold
//! (2.2). These two features let such a place pass when the text and the gazetteer
//! agree that it is meant:
//!
//! * `user` — the place comes from the user's own CSV or GeoJSON
//!   ([`crate::Gazetteer::is_user_place`]): somebody added it on purpose.
//! * `plain` — the place's population is unknown and the text names it plainly: by
//!   the place's own name (alternate names are many and foreign), not with common
//!   words ("Heath", "Reading"), not at the head of a sentence where every word is
//!   capitalised, not as the head of a longer capitalised name ("Los" of "Los
//!   Feliz"), with a cue that it is a place ("in Zorbleton", "the Handarat area"), and
//!   spread over the name's readings (a name with five readings says little about any
//!   one of them).

use crate::gazetteer::{NameKind, Place, PlaceKind};
use crate::spot::{lexicon::is_place_noun_word, Mention, Spotted};
use crate::text::is_capitalised;

/// A place from the user's own file was put there on purpose: it counts as much as a
/// town of about 10,000 people over a hamlet (0.25 × log10 10⁴ = 1.0 against 0.25 for
/// no population), so that, named by its own name, it passes the threshold
/// (0.25 + 1.0 + 1.0 = 2.25 > 2.2) and outranks a bundled namesake of up to
/// ~50,000 people (prior 1.2), while a big city of the same name keeps it unless the
/// text says otherwise.
pub const USER_PLACE_PRIOR: f64 = 1.0;

/// A plainly named place of unknown population with a place cue and one reading gets
/// what a town of about 100,000 would get over a hamlet (0.25 × 5), so that a GeoNames
/// village the text calls "the Handarat area" passes the threshold alone
/// (0.25 + 1.0 + 1.25 = 2.5).
pub const PLAIN_NAME_EVIDENCE: f64 = 1.25;

/// Without a cue ("Zorbleton said ...") the name's capital alone speaks for it: half.
const NO_CUE_FACTOR: f64 = 0.5;

/// Words before a name that say a place follows ("in", "near", "to").
const LOCATIVE_WORDS: &[&str] = &[
    "in", "at", "near", "to", "from", "into", "outside", "around", "toward", "towards", "through",
    "via", "across", "inside", "within", "beyond", "of",
];

/// The `plain` feature of candidate `p` of mention `m` (see the module docs): only for
/// places whose prior depends on a population they do not have.
pub fn plain_name(text: &str, spotted: &Spotted, m: &Mention, p: &Place, kind: NameKind) -> f64 {
    let population_kind = matches!(
        p.kind,
        PlaceKind::City | PlaceKind::District | PlaceKind::Feature
    );
    let head_of_longer_name = spotted
        .tokens
        .get(m.tokens.end)
        .is_some_and(|t| text[m.end..t.start].trim().is_empty() && is_capitalised(t.surface(text)));
    if !population_kind
        || p.population > 0
        || kind != NameKind::Preferred
        || m.common_words
        || m.sentence_initial
        || head_of_longer_name
    {
        return 0.0;
    }
    let cue = if has_place_cue(spotted, m) {
        1.0
    } else {
        NO_CUE_FACTOR
    };
    PLAIN_NAME_EVIDENCE * cue / m.candidates.len().max(1) as f64
}

/// "in Zorbleton", "the Handarat area": a locative word before the name or a place
/// noun after it.
fn has_place_cue(spotted: &Spotted, m: &Mention) -> bool {
    let before = m
        .tokens
        .start
        .checked_sub(1)
        .and_then(|i| spotted.tokens.get(i))
        .is_some_and(|t| LOCATIVE_WORDS.contains(&t.folded.as_str()));
    let after = spotted
        .tokens
        .get(m.tokens.end)
        .is_some_and(|t| is_place_noun_word(&t.folded));
    before || after
}
