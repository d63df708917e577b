//! Lists of names that read like "Town, Region" pairs: "Georgia, Oklahoma,
//! Pennsylvania, Wisconsin and California", "Armenia, Azerbaijan, Georgia, Iraq, Iran,
//! and Syria", "Gambia, Ghana, Guinea-Bissau, Niger, Nigeria and Togo".
//!
//! "X, Y" is a `pair` when Y holds X ("Paris, Texas"). In a list of states or countries
//! every name is a state or country, and a town or province called like one of them
//! (Oklahoma, Pennsylvania; Iraq, a city of Iran; Niger, a state of Nigeria) makes a
//! false pair. The pair is a list item when the comma chain goes on (a name before X
//! or after Y joined by a comma, "and" or "or") and X is itself a place of Y's level
//! or above by its own name.

use crate::spot::Mention;

/// Joiners of list items between two names, after trimming spaces.
const LIST_JOINERS: &[&str] = &[",", "and", "or", ", and", ", or", "&"];

/// True when the pair of mentions `i` ("X") and `i + 1` ("Y") stands in a longer list:
/// a name before X or after Y joined to it as a list item.
pub fn in_longer_list(text: &str, mentions: &[Mention], i: usize) -> bool {
    let joined = |a: &Mention, b: &Mention| {
        a.end <= b.start && LIST_JOINERS.contains(&text[a.end..b.start].trim())
    };
    let before = i > 0 && joined(&mentions[i - 1], &mentions[i]);
    let after = mentions
        .get(i + 2)
        .is_some_and(|z| joined(&mentions[i + 1], z));
    before || after
}
