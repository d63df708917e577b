//! Dictionary forms of inflected place-name tokens: generated, not stemmed, so that a
//! candidate form is kept only when the gazetteer knows it (see [`super::normalise`]).
//!
//! - Russian names decline in six cases: "Москве" (prepositional of "Москва"),
//!   "Идлибу" (dative of "Идлиб"), "Россией" (instrumental of "Россия"). The candidate
//!   nominatives of a folded word come from its ending, by the regular noun and
//!   adjective declensions.
//! - German adds a genitive "-s"/"-es" to names ("Deutschlands", "Russlands").
//! - Arabic attaches proclitics to the front of a word: "و" and, "ف" so, "ب" in/by,
//!   "ل" for, "ك" like ("وحلب" and Aleppo, "بحلب" in Aleppo; "للرقة" = "ل" + "الرقة").
//!   The clitics are split off: the name's span starts after them.
//!
//! All forms are folded (lower case, no diacritics: "й" is "и", "ё" is "е"), as the
//! tokens and the gazetteer keys are.

/// Russian case endings (folded) and the nominative endings each may replace, most
/// likely first. "и" stands for "й" after folding.
const RUSSIAN_ENDINGS: &[(&str, &[&str])] = &[
    // Adjectival names ("Нижнем Новгороде", "Красноярского края").
    ("ого", &["ыи", "ии", "ои"]),
    ("его", &["ии", "ыи"]),
    ("ому", &["ыи", "ои"]),
    ("ему", &["ии"]),
    ("ыми", &["ые"]),
    // Plural names ("в Афинах", "Соединённых Штатах").
    ("ами", &["ы", "и", "а"]),
    ("ями", &["и", "я"]),
    ("ах", &["ы", "и", "а"]),
    ("ях", &["и"]),
    ("ам", &["ы", "и"]),
    ("ым", &["ые"]),
    ("ых", &["ые", "ы", "и"]),
    // Singular nouns and adjectives.
    ("ои", &["а", "ыи", "ои", "ая"]),
    ("еи", &["я", "ь", "ия"]),
    ("ою", &["а"]),
    ("ею", &["я"]),
    ("ью", &["ь"]),
    ("ом", &["", "о", "ыи", "ои"]),
    ("ем", &["и", "ь", "е", "ии"]),
    ("ую", &["ая"]),
    ("юю", &["яя"]),
    ("ии", &["ия", "ии"]),
    ("ие", &["ия"]),
    ("ию", &["ия"]),
    ("ы", &["а", ""]),
    ("и", &["я", "ь", "а", "и"]),
    ("е", &["а", "", "я", "ь", "о"]),
    ("у", &["", "а"]),
    ("ю", &["я", "ь", "и"]),
    ("а", &["", "о"]),
    ("я", &["и", "ь", "е"]),
];

/// The shortest stem kept after removing an ending, in characters: shorter stems
/// turn common words into short place names.
const MIN_STEM_CHARS: usize = 3;

/// Candidate nominative forms of a folded Russian word, most likely first (the word
/// itself not included).
pub fn russian_forms(folded: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (ending, replacements) in RUSSIAN_ENDINGS {
        let Some(stem) = folded.strip_suffix(ending) else {
            continue;
        };
        if stem.chars().count() < MIN_STEM_CHARS {
            continue;
        }
        for r in *replacements {
            // Built by hand: `format!` costs several times the two copies, and every
            // capitalised Russian word that names no place as written comes here.
            let mut form = String::with_capacity(stem.len() + r.len());
            form.push_str(stem);
            form.push_str(r);
            if form != folded && !out.contains(&form) {
                out.push(form);
            }
        }
        // A vowel that drops when the noun declines ("Египет" → "Египта"): put "е" or
        // "о" back between the stem's last two consonants.
        if matches!(*ending, "а" | "у" | "е" | "ом" | "ы" | "и") {
            let chars: Vec<char> = stem.chars().collect();
            let n = chars.len();
            if n >= MIN_STEM_CHARS && !is_vowel(chars[n - 1]) && !is_vowel(chars[n - 2]) {
                for v in ['е', 'о'] {
                    let form: String = chars[..n - 1]
                        .iter()
                        .chain([v, chars[n - 1]].iter())
                        .collect();
                    if !out.contains(&form) {
                        out.push(form);
                    }
                }
            }
        }
    }
    out
}

/// A Russian vowel letter (folded: "й" is "и", "ё" is "е"), or the soft/hard sign.
fn is_vowel(c: char) -> bool {
    "аеиоуыэюяьъ".contains(c)
}

/// Candidate base forms of a folded German name: the genitive "-s" or "-es" removed
/// ("Deutschlands", "Russlands").
pub fn german_forms(folded: &str) -> Vec<String> {
    strip_endings(folded, &[("es", ""), ("s", "")])
}

/// Candidate base forms of a folded German adjective that opens a name: the case
/// endings "-en", "-em", "-er" turned back into "-e" ("in den Vereinigten Staaten" →
/// "Vereinigte Staaten"). Only for names of several words: a lone noun with these
/// endings is a plural or a verb ("Zahlen").
pub fn german_adjective_forms(folded: &str) -> Vec<String> {
    strip_endings(folded, &[("en", "e"), ("em", "e"), ("er", "e")])
}

fn strip_endings(folded: &str, endings: &[(&str, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    for (ending, base) in endings {
        if let Some(stem) = folded.strip_suffix(ending) {
            if stem.chars().count() >= MIN_STEM_CHARS {
                let mut form = String::with_capacity(stem.len() + base.len());
                form.push_str(stem);
                form.push_str(base);
                out.push(form);
            }
        }
    }
    out
}

/// Arabic conjunctions written onto the next word.
const ARABIC_CONJUNCTIONS: [char; 2] = ['و', 'ف'];
/// Arabic prepositions written onto the next word.
const ARABIC_PREPOSITIONS: [char; 3] = ['ب', 'ل', 'ك'];

/// Ways to read a folded Arabic word as proclitics + a name: (bytes of clitics at the
/// front, the name's folded key). The name may need its article back ("للرقة" is
/// "ل" + "الرقة"); otherwise the article is neither added nor removed: "مدينة" (city)
/// is not "المدينة" (Medina), and "السلطات" (the authorities) is not "سلطات".
pub fn arabic_forms(folded: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut push = |skip: usize, form: String| {
        if form.chars().count() >= 2 && !out.iter().any(|(_, f)| *f == form) {
            out.push((skip, form));
        }
    };
    let mut starts = vec![0usize];
    let mut rest = folded;
    if let Some(c) = rest
        .chars()
        .next()
        .filter(|c| ARABIC_CONJUNCTIONS.contains(c))
    {
        rest = &rest[c.len_utf8()..];
        starts.push(folded.len() - rest.len());
    }
    if let Some(c) = rest
        .chars()
        .next()
        .filter(|c| ARABIC_PREPOSITIONS.contains(c))
    {
        rest = &rest[c.len_utf8()..];
        starts.push(folded.len() - rest.len());
    }
    for &skip in starts.iter().rev() {
        let name = &folded[skip..];
        if skip > 0 {
            push(skip, name.to_string());
        }
        // "ل" + "ال..." is written "لل...": the article's alif drops.
        if skip > 0 && folded[..skip].ends_with('ل') && name.starts_with('ل') {
            push(skip, format!("ا{name}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold_word;

    fn has(forms: &[String], word: &str) -> bool {
        forms.contains(&fold_word(word))
    }

    #[test]
    fn russian_cases_lead_back_to_the_nominative() {
        for (inflected, nominative) in [
            ("Москве", "Москва"),
            ("Идлибу", "Идлиб"),
            ("Дамаске", "Дамаск"),
            ("Россией", "Россия"),
            ("Китаем", "Китай"),
            ("Казани", "Казань"),
            ("Хомса", "Хомс"),
            ("Нижнем", "Нижний"),
            ("Сирии", "Сирия"),
            ("Египта", "Египет"),
        ] {
            let forms = russian_forms(&fold_word(inflected));
            assert!(has(&forms, nominative), "{inflected}: {forms:?}");
        }
        // Short stems are not cut: "Уфе" would leave "уф".
        assert!(russian_forms(&fold_word("Уфе")).is_empty());
    }

    #[test]
    fn german_genitives() {
        assert_eq!(german_forms("deutschlands"), ["deutschland"]);
        assert_eq!(german_forms("landes"), ["land", "lande"]);
        assert_eq!(german_adjective_forms("vereinigten"), ["vereinigte"]);
        assert!(german_forms("ems").is_empty());
    }

    #[test]
    fn arabic_proclitics_are_split_off() {
        let forms = arabic_forms(&fold_word("وحلب"));
        assert!(forms.contains(&(2, fold_word("حلب"))), "{forms:?}");
        let forms = arabic_forms(&fold_word("وبحلب"));
        assert!(forms.contains(&(4, fold_word("حلب"))), "{forms:?}");
        let forms = arabic_forms(&fold_word("للرقة"));
        assert!(forms.contains(&(2, fold_word("الرقة"))), "{forms:?}");
        assert!(arabic_forms(&fold_word("السلطات")).is_empty());
        assert!(arabic_forms(&fold_word("مدينة")).is_empty());
    }
}
