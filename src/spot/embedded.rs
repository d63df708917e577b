//! Names that stand inside another kind of expression and so do not mention the place:
//! a currency ("US$2.8 million"), the name of an organisation or building ("Aleppo
//! University", "the Arndale Centre"), or a code that is not the place's initials
//! ("DAC", Dhaka's airport code).
//!
//! Each check looks only at the tokens and characters right around the matched span,
//! so it costs a few comparisons per candidate name. Public bodies are deliberately not
//! caught: annotated news corpora count "Ohio" in "Ohio Department of Transportation"
//! and "Knox County Sheriff" as mentions of the place (measured with `mentionmap eval`).

use std::ops::Range;

use super::lexicon::Lexicon;
use crate::text::{is_all_caps, is_capitalised, Token};

/// Currency symbols that a country code can prefix or follow in a money amount.
const CURRENCY_SYMBOLS: &[char] = &['$', '€', '£', '¥'];

/// The longest country code written as part of a currency ("US", "NZ", "HK").
const MAX_CURRENCY_CODE_CHARS: usize = 3;

/// Is the span a country code written as part of a money amount: "US$2.8 million",
/// "US $42 million", "$US 1.5 billion"?
pub(super) fn is_currency_code(text: &str, tokens: &[Token], range: &Range<usize>) -> bool {
    if range.len() != 1 {
        return false;
    }
    let token = &tokens[range.start];
    let surface = token.surface(text);
    if !is_all_caps(surface) || surface.chars().count() > MAX_CURRENCY_CODE_CHARS {
        return false;
    }
    let after = text[token.end..]
        .strip_prefix(' ')
        .unwrap_or(&text[token.end..]);
    let mut after_chars = after.chars();
    let symbol_then_amount = after_chars
        .next()
        .is_some_and(|c| CURRENCY_SYMBOLS.contains(&c))
        && after_chars
            .find(|c| *c != ' ')
            .is_some_and(|c| c.is_ascii_digit());
    let symbol_before = text[..token.start]
        .chars()
        .next_back()
        .is_some_and(|c| CURRENCY_SYMBOLS.contains(&c))
        && after.starts_with(|c: char| c.is_ascii_digit());
    symbol_then_amount || symbol_before
}

/// Is the span part of the name of an organisation or building rather than a mention
/// of the place?
///
/// - followed by an organisation head: "Aleppo University", "New York Times";
/// - a lone head word that a capitalised word precedes: "the Arndale Centre", "the
///   European Centre for Disease Prevention" (the region of France named "Centre").
///
/// "University of Georgia", "Bank of Canada" are left as mentions: the annotated news
/// corpora count the place there (LGL 18 of 20 such spans, measured with `eval`).
pub(super) fn is_part_of_organisation_name(
    text: &str,
    tokens: &[Token],
    range: &Range<usize>,
    lexicon: &Lexicon,
) -> bool {
    let joined_by_space =
        |left: usize, right: usize| &text[tokens[left].end..tokens[right].start] == " ";
    let is_head = |k: usize| {
        is_capitalised(tokens[k].surface(text)) && lexicon.is_organisation_head(&tokens[k].folded)
    };
    let last = range.end - 1;
    let head_after =
        range.end < tokens.len() && joined_by_space(last, range.end) && is_head(range.end);
    let lone_head_after_name = range.len() == 1
        && range.start >= 1
        && is_head(range.start)
        && joined_by_space(range.start - 1, range.start)
        && is_capitalised(tokens[range.start - 1].surface(text));
    head_after || lone_head_after_name
}

/// Words after a single name that make it a person's (a leader's) name: "the Obama
/// administration", "the Bush presidency", "Obama-era rules".
const LEADER_NOUNS: &[&str] = &["administration", "administrations", "presidency", "era"];

/// Is the one-word span the name of a leader whose term it qualifies ("the Bush
/// administration", "Obama-era")? Only a country or region can govern, so the caller
/// keeps those readings ("the Georgia administration").
pub(super) fn names_a_leader(text: &str, tokens: &[Token], range: &Range<usize>) -> bool {
    if range.len() != 1 || range.end >= tokens.len() {
        return false;
    }
    let gap = &text[tokens[range.start].end..tokens[range.end].start];
    matches!(gap, " " | "-") && LEADER_NOUNS.contains(&tokens[range.end].folded.as_str())
}

/// Is `acronym` the initials of `name`'s words ("NYC" of "New York City", "LA" of "Los
/// Angeles")? Airport codes and other codes a gazetteer lists as alternate names are
/// not ("DAC" for Dhaka, "UFA" for Ufa).
pub(super) fn is_initialism_of(acronym: &str, name: &str) -> bool {
    let initials = name
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|word| word.chars().next())
        .flat_map(char::to_uppercase);
    let letters = acronym.chars().filter(|c| *c != '.');
    initials.eq(letters)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn span_of(text: &str, word: &str) -> (Vec<Token>, Range<usize>) {
        let tokens = tokenize(text);
        let at = text.find(word).unwrap();
        let start = tokens.iter().position(|t| t.start == at).unwrap();
        let end = tokens
            .iter()
            .position(|t| t.end == at + word.len())
            .unwrap()
            + 1;
        (tokens, start..end)
    }

    #[test]
    fn currency_codes_are_not_places() {
        for (text, word) in [
            ("an appeal for US$2.8 million in aid", "US"),
            ("an appeal for US $42 million in aid", "US"),
            ("the crop value is $US 1.5 billion", "US"),
            ("worth NZ$ 40 each", "NZ"),
        ] {
            let (tokens, range) = span_of(text, word);
            assert!(is_currency_code(text, &tokens, &range), "{text}");
        }
        for (text, word) in [
            ("US troops and $2 million", "US"),
            ("the US said $ signs", "US"),
            ("Aleppo $5", "Aleppo"),
        ] {
            let (tokens, range) = span_of(text, word);
            assert!(!is_currency_code(text, &tokens, &range), "{text}");
        }
    }

    #[test]
    fn initialisms_are_told_from_codes() {
        assert!(is_initialism_of("NYC", "New York City"));
        assert!(is_initialism_of("LA", "Los Angeles"));
        assert!(is_initialism_of("K.L.", "Kuala Lumpur"));
        assert!(!is_initialism_of("DAC", "Dhaka"));
        assert!(!is_initialism_of("NYC", "Manhattan"));
        assert!(!is_initialism_of("UF", "Ufa"));
    }

    #[test]
    fn organisation_names_hide_their_places() {
        let lexicon = Lexicon::new();
        for (text, word) in [
            ("He studied at Aleppo University last year", "Aleppo"),
            ("shoppers in the Arndale Centre on Monday", "Centre"),
        ] {
            let (tokens, range) = span_of(text, word);
            assert!(
                is_part_of_organisation_name(text, &tokens, &range, &lexicon),
                "{text}"
            );
        }
        for (text, word) in [
            ("the governor of Georgia said", "Georgia"),
            ("tests at the University of Georgia found", "Georgia"),
            ("Aleppo, university towns and Centre", "Aleppo"),
            ("schools in the Centre region", "Centre"),
            ("the Department of Transportation in Ohio", "Ohio"),
        ] {
            let (tokens, range) = span_of(text, word);
            assert!(
                !is_part_of_organisation_name(text, &tokens, &range, &lexicon),
                "{text}"
            );
        }
    }

    #[test]
    fn a_leader_s_term_is_no_place() {
        for (text, word) in [
            ("under the Bush administration", "Bush"),
            ("the Obama-era rule", "Obama"),
        ] {
            let (tokens, range) = span_of(text, word);
            assert!(names_a_leader(text, &tokens, &range), "{text}");
        }
        for (text, word) in [
            ("aid to Bush and the administration", "Bush"),
            ("Obama, era", "Obama"),
            ("New York administration", "New York"),
        ] {
            let (tokens, range) = span_of(text, word);
            assert!(!names_a_leader(text, &tokens, &range), "{text}");
        }
    }
}
