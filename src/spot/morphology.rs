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
            let form = format!("{stem}{r}");
            if form != folded && !out.contains(&form) {
                out.push(form);
            }
        }
    }
    out
}

/// Candidate base forms of a folded German word: the genitive "-s" or "-es" removed.
pub fn german_forms(folded: &str) -> Vec<String> {
    let mut out = Vec::new();
    for ending in ["es", "s"] {
        if let Some(stem) = folded.strip_suffix(ending) {
            if stem.chars().count() >= MIN_STEM_CHARS {
                out.push(stem.to_string());
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
/// "ل" + "الرقة"), or may be kept bare in the gazetteer though the text writes the
/// article. The article is never added otherwise: "مدينة" (city) is not "المدينة"
/// (Medina).
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
        if let Some(bare) = name.strip_prefix("ال") {
            push(skip, bare.to_string());
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
        ] {
            let forms = russian_forms(&fold_word(inflected));
            assert!(has(&forms, nominative), "{inflected}: {forms:?}");
        }
        // Short stems are not cut: "Уфе" would leave "уф".
        assert!(russian_forms(&fold_word("Уфе")).is_empty());
    }

    #[test]
    fn german_genitives() {
        assert_eq!(
            german_forms("deutschlands"),
            ["deutschlande", "deutschland"]
        );
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
        let forms = arabic_forms(&fold_word("الموصل"));
        assert!(forms.contains(&(0, fold_word("موصل"))), "{forms:?}");
    }
}
