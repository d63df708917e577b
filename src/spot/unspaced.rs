//! Spotting in scripts written without spaces (Chinese, Japanese): the tokenizer
//! gives a whole run of characters as one token ("俄罗斯空军轰炸了阿勒颇和伊德利卜"), so
//! names are found inside it by longest match at every character position against the
//! gazetteer's name automaton ([`crate::gazetteer::NameIndex::key_prefixes`]).
//!
//! The run is cut into tokens: each name found becomes a token, and the characters
//! between names become "filler" tokens with an empty folded key, which no gazetteer
//! name matches. The ordinary spotter then meets the names as whole tokens, so
//! resolution (one sense per document, coherence) is the same as for English.
//!
//! Guards, because a short name inside running text is often part of another word:
//! - a name must be at least `MIN_NAME_CHARS` characters ("京", "美" are
//!   abbreviations and everyday words far more often than places);
//! - a two-character name must be able to mean a notable place (an admin region, a
//!   country, or a town of `MIN_SHORT_NAME_POPULATION`), since many two-character
//!   words are also the names of villages and small towns ("合作" cooperation is
//!   Hezuo, "中心" centre is Zhongxin);
//! - a two-character name right after a common family name is a person's given name
//!   ("李长春" is a man, not Changchun), unless it names a country or region;
//! - a name right before an organisation word is part of that organisation's name
//!   ("北京大学" Peking University);
//! - a name right after a title is a person ("国务卿鲍威尔" Secretary Powell, "总统
//!   华盛顿" President Washington), unless it names a country or region.

use crate::gazetteer::{Gazetteer, PlaceKind};
use crate::text::{fold_token, fold_word, Folded, Token};

use super::script::{script_of, Script};
use super::tables::Tables;

/// Shortest name matched inside unspaced text, in characters.
const MIN_NAME_CHARS: usize = 2;
/// Longest name tried, in characters (names such as "布宜诺斯艾利斯" run to 7; GeoNames
/// has longer official forms).
const MAX_NAME_CHARS: usize = 16;
/// A two-character name must be able to mean a town at least this big (or a region or
/// country): smaller places with two-character names collide with common words.
const MIN_SHORT_NAME_POPULATION: u64 = 100_000;

/// Cuts every token that holds unspaced-script characters into name and filler tokens.
pub fn segment(
    gazetteer: &Gazetteer,
    tables: &Tables,
    text: &str,
    tokens: Vec<Token>,
) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        if t.surface(text)
            .chars()
            .any(|c| script_of(c) == Script::Unspaced)
        {
            segment_token(gazetteer, tables, text, &t, &mut out);
        } else {
            out.push(t);
        }
    }
    out
}

fn segment_token(
    gazetteer: &Gazetteer,
    tables: &Tables,
    text: &str,
    tok: &Token,
    out: &mut Vec<Token>,
) {
    let s = tok.surface(text);
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let folded = FoldedChars::new(s, &chars);
    let byte_at = |i: usize| chars.get(i).map_or(s.len(), |c| c.0);
    let mut filler: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let after_name = filler.is_none() && i > 0;
        match name_at(gazetteer, tables, (s, &chars, &folded), i, after_name) {
            Some(n) => {
                if let Some(f) = filler.take() {
                    out.push(filler_token(tok.start + byte_at(f), tok.start + byte_at(i)));
                }
                let (start, end) = (tok.start + byte_at(i), tok.start + byte_at(i + n));
                out.push(Token {
                    start,
                    end,
                    folded: fold_token(&text[start..end]),
                });
                i += n;
            }
            None => {
                filler.get_or_insert(i);
                i += 1;
            }
        }
    }
    if let Some(f) = filler {
        out.push(filler_token(tok.start + byte_at(f), tok.end));
    }
}

/// A stretch of characters that is no name: its empty key matches nothing.
fn filler_token(start: usize, end: usize) -> Token {
    Token {
        start,
        end,
        folded: Folded::default(),
    }
}

/// A token folded character by character, once: `ends[k]` is where character `k`'s
/// folded form ends in `text`, so that a key's length maps back to a character count
/// from any starting character.
struct FoldedChars {
    text: String,
    ends: Vec<usize>,
}

impl FoldedChars {
    fn new(s: &str, chars: &[(usize, char)]) -> FoldedChars {
        let mut text = String::with_capacity(s.len());
        let mut ends = Vec::with_capacity(chars.len());
        for &(b, c) in chars {
            // CJK ideographs fold to themselves (no case, no decomposition): most
            // characters of a Chinese text skip the general folding.
            if matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF) {
                text.push(c);
            } else {
                text.push_str(&fold_word(&s[b..b + c.len_utf8()]));
            }
            ends.push(text.len());
        }
        FoldedChars { text, ends }
    }
}

/// The length in characters of the longest acceptable name starting at character `i`.
/// `after_name`: the character before `i` ended a name (so it is no family name).
fn name_at(
    gazetteer: &Gazetteer,
    tables: &Tables,
    (s, chars, folded): (&str, &[(usize, char)], &FoldedChars),
    i: usize,
    after_name: bool,
) -> Option<usize> {
    if script_of(chars[i].1) != Script::Unspaced {
        return None;
    }
    let last = (i + MAX_NAME_CHARS).min(chars.len());
    let base = if i == 0 { 0 } else { folded.ends[i - 1] };
    let window = &folded.text[base..folded.ends[last - 1]];
    let ends = &folded.ends[i..last];
    let names = gazetteer.names();
    for (len, key) in names.key_prefixes(window).into_iter().rev() {
        let Some(k) = ends.iter().position(|&e| e - base == len) else {
            continue;
        };
        let n = k + 1;
        if n < MIN_NAME_CHARS {
            break;
        }
        let notable_region = names
            .postings_of(key)
            .iter()
            .any(|p| gazetteer.place(p.place).kind <= PlaceKind::Admin1);
        if n == MIN_NAME_CHARS {
            let notable = names.postings_of(key).iter().any(|p| {
                let place = gazetteer.place(p.place);
                place.kind <= PlaceKind::Admin2 || place.population >= MIN_SHORT_NAME_POPULATION
            });
            let family_name =
                i > 0 && !after_name && tables.chinese_surnames.contains(&chars[i - 1].1);
            if !notable || (family_name && !notable_region) {
                continue;
            }
        }
        let before = &s[..chars[i].0];
        if !notable_region && tables.chinese_titles.iter().any(|t| before.ends_with(t)) {
            continue;
        }
        let rest = chars.get(i + n).map_or("", |c| &s[c.0..]);
        if tables
            .chinese_organisation_tails
            .iter()
            .any(|t| rest.starts_with(t))
        {
            continue;
        }
        return Some(n);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::testing::from_tsv;

    const GAZ: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
170063\tAleppo\tcity\tPPLA\tSY\t09\t1602264\t36.20124\t37.16117\t阿勒颇\t\t\n\
169389\tIdlib\tcity\tPPLA\tSY\t12\t128840\t35.93062\t36.63393\t伊德利卜\t\t\n\
1816670\tBeijing\tcity\tPPLC\tCN\t22\t18960744\t39.9075\t116.39723\t北京\t\t\n\
2038180\tChangchun\tcity\tPPLA\tCN\t05\t4714996\t43.88\t125.32278\t长春\t\t\n\
1\tHeping\tcity\tPPL\tCN\t05\t3000\t43.0\t125.0\t和平\t\t\n\
2\tHe\tcity\tPPL\tCN\t05\t300000\t43.0\t125.0\t和\t\t\n\
4140963\tWashington\tcity\tPPLC\tUS\tDC\t689545\t38.89511\t-77.03637\t华盛顿\t\t\n";

    fn cut(text: &str) -> Vec<String> {
        let g = from_tsv(GAZ);
        let tables = Tables::new();
        segment(&g, &tables, text, crate::text::tokenize(text))
            .into_iter()
            .map(|t| {
                if t.folded.is_empty() {
                    format!("({})", &text[t.start..t.end])
                } else {
                    t.folded.into_string()
                }
            })
            .collect()
    }

    #[test]
    fn names_are_cut_out_of_unspaced_runs() {
        assert_eq!(
            cut("俄罗斯空军轰炸了阿勒颇和伊德利卜，消息称"),
            [
                "(俄罗斯空军轰炸了)",
                "阿勒颇",
                "(和)",
                "伊德利卜",
                "(消息称)"
            ]
        );
    }

    #[test]
    fn guards_short_names_people_and_organisations() {
        // One character, a village-sized two-character name, a family name before a
        // two-character city, an organisation word after a name.
        assert_eq!(cut("和平和"), ["(和平和)"]);
        assert_eq!(cut("李长春在北京"), ["(李长春在)", "北京"]);
        assert_eq!(cut("北京大学在长春"), ["(北京大学在)", "长春"]);
        // A title before a name: a person, not the city.
        assert_eq!(cut("总统华盛顿到了华盛顿"), ["(总统华盛顿到了)", "华盛顿"]);
    }

    #[test]
    fn offsets_stay_on_the_text() {
        let text = "Mixed 阿勒颇2016 text";
        let g = from_tsv(GAZ);
        let toks = segment(&g, &Tables::new(), text, crate::text::tokenize(text));
        let names: Vec<&str> = toks
            .iter()
            .filter(|t| !t.folded.is_empty())
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(names, ["Mixed", "阿勒颇", "text"]);
    }
}
