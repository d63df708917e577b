//! Names the text itself says are places: "Dallas is a city in Paulding County",
//! "Clinton is the largest city in DeWitt County", "Austin (/ˈɒstɪn/) is the capital of
//! Texas", "the town of Clinton".
//!
//! The spotter remembers a person's surname for the whole document (one sense per
//! document: after "John Kerry", "Kerry said" is the man). That rule must yield when the
//! document states outright that the name is a place: an article on Dallas, Georgia
//! that also names "George M. Dallas", after whom the city is called, is about the city
//! in every other mention. The statements are read in English only, from the shapes
//! below; a name is held as a place only from such a statement, never from a bare "in X".

use rustc_hash::FxHashSet as HashSet;

use crate::text::{is_capitalised, Token};

/// Nouns that make "X is a …" a statement that X is a place (and "the … of X" one
/// that X is). Kinds of settlement and division; not "area" or "site", which name
/// parts of places as often as places.
const PLACE_NOUNS: &[&str] = &[
    "borough",
    "capital",
    "city",
    "commune",
    "community",
    "county",
    "district",
    "hamlet",
    "municipality",
    "neighborhood",
    "neighbourhood",
    "parish",
    "port",
    "province",
    "settlement",
    "suburb",
    "town",
    "township",
    "village",
];

/// How many lower-case words may stand between the copula and the place noun ("is a
/// small unincorporated coastal town", "was the largest city").
const MAX_WORDS_BEFORE_NOUN: usize = 4;

/// How many capitalised words a stated name may have ("Long Beach", "Garden City",
/// "Santa Maria de Jetibá" is cut to its last four).
const MAX_NAME_WORDS: usize = 4;

/// The folded names (words joined by one space, as the spotter keys names) that the
/// text states are places.
pub fn stated_places(text: &str, tokens: &[Token]) -> HashSet<String> {
    let mut stated = HashSet::default();
    for (i, token) in tokens.iter().enumerate() {
        match token.folded.as_str() {
            "is" | "was" if is_place_predicate(text, tokens, i + 1) => {
                if let Some(name) = name_before(text, tokens, i) {
                    stated.insert(name);
                }
            }
            "of" if i >= 2
                && tokens[i - 2].folded == "the"
                && PLACE_NOUNS.contains(&tokens[i - 1].folded.as_str())
                && is_lower_case(tokens[i - 1].surface(text)) =>
            {
                if let Some(name) = name_after(text, tokens, i + 1) {
                    stated.insert(name);
                }
            }
            _ => {}
        }
    }
    stated
}

/// Whether the words from `from` read "a/an/the [few lower-case words] <place noun>".
fn is_place_predicate(text: &str, tokens: &[Token], from: usize) -> bool {
    let Some(first) = tokens.get(from) else {
        return false;
    };
    if !matches!(first.folded.as_str(), "a" | "an" | "the") {
        return false;
    }
    tokens[from + 1..]
        .iter()
        .take(MAX_WORDS_BEFORE_NOUN + 1)
        .take_while(|t| is_lower_case(t.surface(text)))
        // "the county's senator" is no statement about the subject.
        .any(|t| {
            PLACE_NOUNS.contains(&t.folded.as_str())
                && !text[t.end..].starts_with(['\'', '\u{2019}'])
        })
}

/// The capitalised run that ends just before token `copula` (a parenthesis between
/// them skipped: "Austin (/ˈɒstɪn/) is"), folded; `None` if there is none.
fn name_before(text: &str, tokens: &[Token], copula: usize) -> Option<String> {
    let mut end = copula;
    let gap = &text[tokens.get(copula.checked_sub(1)?)?.end..tokens[copula].start];
    if gap.trim().is_empty() {
        // directly before
    } else if gap.trim_end().ends_with(')') {
        // Skip back to the token before the parenthesis opened.
        let open = text[..tokens[copula].start].rfind('(')?;
        end = tokens.iter().rposition(|t| t.end <= open)? + 1;
    } else {
        return None;
    }
    let mut start = end;
    while start > 0
        && end - start < MAX_NAME_WORDS
        && is_capitalised(tokens[start - 1].surface(text))
        && (start == end || is_word_gap(&text[tokens[start - 1].end..tokens[start].start]))
    {
        start -= 1;
    }
    (start < end).then(|| join_folded(&tokens[start..end]))
}

/// The capitalised run that starts at token `from`, folded.
fn name_after(text: &str, tokens: &[Token], from: usize) -> Option<String> {
    let mut end = from;
    while end < tokens.len()
        && end - from < MAX_NAME_WORDS
        && is_capitalised(tokens[end].surface(text))
        && (end == from || is_word_gap(&text[tokens[end - 1].end..tokens[end].start]))
    {
        end += 1;
    }
    (end > from).then(|| join_folded(&tokens[from..end]))
}

fn join_folded(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| t.folded.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words of one name are separated by a space or a hyphen, not by punctuation.
fn is_word_gap(gap: &str) -> bool {
    gap == " " || gap == "-"
}

fn is_lower_case(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn stated(text: &str) -> Vec<String> {
        let mut v: Vec<String> = stated_places(text, &tokenize(text)).into_iter().collect();
        v.sort();
        v
    }

    #[test]
    fn definitions_and_the_city_of() {
        assert_eq!(
            stated("Dallas is a city in and the county seat of Paulding County, Georgia."),
            ["dallas"]
        );
        assert_eq!(
            stated("Long Beach is a small coastal settlement in Otago."),
            ["long beach"]
        );
        assert_eq!(
            stated("Austin (/ˈɒstɪn/) is the capital of the US state of Texas."),
            ["austin"]
        );
        assert_eq!(
            stated("He grew up in the town of Clinton, Iowa."),
            ["clinton"]
        );
    }

    #[test]
    fn people_and_other_predicates_are_not_places() {
        assert!(stated("Kerry is a former senator from Massachusetts.").is_empty());
        assert!(stated("Dallas was the vice president under Polk.").is_empty());
        assert!(stated("The region is a city of contrasts.").is_empty());
        assert!(stated("Kerry said the City of London was calm.").is_empty());
        assert!(stated("Kerry was the county's senator.").is_empty());
    }
}
