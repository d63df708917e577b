//! The spotter's checks for text beyond English, from the per-language tables
//! ([`super::tables`]): titles and given names in the person guard, lower-case words
//! inside names, organisation words before a name, one-character names in scripts
//! without capitals, and the stricter candidate test for names found through a
//! generated form. The table is picked by the token's script (Cyrillic → Russian,
//! Arabic → Arabic) or else by the document's language; English text never reaches
//! these checks, so its path is unchanged.

use std::ops::Range;

use crate::gazetteer::{NameKind, PlaceKind, Posting};
use crate::text::{is_capitalised, Token};

use super::script::{script_of_word, Script};
use super::tables::LangTables;
use super::{Mention, Spotter, MIN_INFLECTED_POPULATION};

/// Words a person's name runs to after an Arabic title or given name ("بشار الأسد").
const ARABIC_NAME_WORDS: usize = 2;

impl Spotter<'_> {
    /// The document's language when it is not English.
    pub(super) fn foreign_language(&self) -> Option<&'static str> {
        self.options.language.filter(|&l| l != "en")
    }

    /// The tables for a word: by its script, else by the document's language.
    fn tables_for(&self, surface: &str) -> &LangTables {
        let tables = self.lexicon.tables();
        match script_of_word(surface) {
            Script::Cyrillic => tables.get("ru"),
            Script::Arabic => tables.get("ar"),
            Script::Unspaced => tables.get("zh"),
            _ => tables.get(self.foreign_language().unwrap_or("en")),
        }
    }

    /// The tables for a word when it has any: none for a Latin-script word of an
    /// English text, the common case, which the English lists alone decide.
    fn foreign_tables_for(&self, surface: &str) -> Option<&LangTables> {
        if self.foreign_language().is_none()
            && matches!(script_of_word(surface), Script::Latin | Script::Other)
        {
            return None;
        }
        Some(self.tables_for(surface))
    }

    /// A title before a person's name, in English or the word's language.
    pub(super) fn is_title(&self, text: &str, tok: &Token) -> bool {
        self.lexicon.is_title(&tok.folded)
            || self
                .foreign_tables_for(tok.surface(text))
                .is_some_and(|t| t.titles.contains(tok.folded.as_str()))
    }

    /// A given name, in English or the word's language.
    pub(super) fn is_given_name(&self, text: &str, tok: &Token) -> bool {
        self.lexicon.is_given_name(&tok.folded)
            || self
                .foreign_tables_for(tok.surface(text))
                .is_some_and(|t| t.given_names.contains(tok.folded.as_str()))
    }

    /// May a lower-case word stand at this place in a name? Inside a name, the
    /// language's connectors may ("Frankfurt am Main", "Ростов-на-Дону"); in French and
    /// Spanish any later word may, as adjectives in names are lower case there
    /// ("République dominicaine", "Arabia saudí").
    pub(super) fn foreign_lower_case_ok(&self, surface: &str, folded: &str, inner: bool) -> bool {
        // Cyrillic and Arabic words have their script's table whatever the detector
        // said (short Russian text is sometimes taken for Bulgarian).
        let own_script = matches!(script_of_word(surface), Script::Cyrillic | Script::Arabic);
        if !own_script && self.foreign_language().is_none() {
            return false;
        }
        (inner && self.tables_for(surface).connectors.contains(folded))
            || matches!(self.foreign_language(), Some("fr" | "es"))
    }

    /// English text: the gazetteer holds country names in other languages, which
    /// English text meets inside longer names: a foreign one ("the Petit Cambodge
    /// restaurant", "Café Deutschland": the word before is no English word) or an
    /// English one built of English words ("Fire Island": German "Island" is
    /// Iceland). A country's alternate name right after another capitalised word in
    /// either case is part of that name, not the country; "Accessible America" keeps
    /// its country. `None` rejects the mention.
    pub(super) fn accept_english(
        &self,
        text: &str,
        tokens: &[Token],
        mut m: Mention,
    ) -> Option<Mention> {
        let i = m.tokens.start;
        if i == 0 {
            return Some(m);
        }
        let prev = &tokens[i - 1];
        let inside_name = &text[prev.end..tokens[i].start] == " "
            && is_capitalised(prev.surface(text))
            && !self.lexicon.is_stopword(&prev.folded)
            && !self.lexicon.is_title(&prev.folded)
            && (!self.lexicon.is_common_word(&prev.folded) || m.common_words);
        if !inside_name {
            return Some(m);
        }
        m.candidates.retain(|p| {
            p.kind != NameKind::Alternate
                || self.gazetteer.place(p.place).kind != PlaceKind::Country
        });
        (!m.candidates.is_empty()).then_some(m)
    }

    /// A lower-case word read as a demonym of the text's language ("сирийская" as
    /// "syrian"): it may stand as a one-word name.
    pub(super) fn is_demonym_reading(&self, surface: &str, folded: &str) -> bool {
        // English text: only a Cyrillic or Arabic word has a table to be read by.
        if self.foreign_language().is_none() && surface.is_ascii() {
            return false;
        }
        super::normalise::is_demonym_reading(
            self.lexicon.tables(),
            surface,
            folded,
            self.foreign_language(),
        )
    }

    /// The checks a non-English mention must pass besides the English ones; may drop
    /// candidates. `None` rejects the mention.
    pub(super) fn accept_foreign(
        &self,
        text: &str,
        tokens: &[Token],
        (inflected, other_forms): (&[bool], &[Option<String>]),
        mut m: Mention,
    ) -> Option<Mention> {
        let first = &tokens[m.tokens.start];
        let surface = first.surface(text);
        // One letter of a script without capitals: a clitic, a particle, a word.
        if m.tokens.len() == 1
            && surface.chars().count() == 1
            && !matches!(script_of_word(surface), Script::Latin | Script::Other)
        {
            return None;
        }
        let table = self.tables_for(surface);
        // "La", "Die" opening a sentence: a function word, though a village bears it.
        if m.tokens.len() == 1 && table.stopwords.contains(first.folded.as_str()) {
            return None;
        }
        // "El Banco Santander", "Universidad de ...": the name opens with an
        // organisation word, so it names the organisation.
        if table.organisation_heads.contains(first.folded.as_str())
            || m.tokens.clone().any(|t| {
                t > m.tokens.start
                    && self
                        .tables_for(tokens[t].surface(text))
                        .organisation_heads
                        .contains(tokens[t].folded.as_str())
            })
            || self.after_organisation_head(text, tokens, m.tokens.start)
        {
            return None;
        }
        let notable = |p: &Posting| {
            let place = self.gazetteer.place(p.place);
            place.kind <= PlaceKind::Admin1 || place.population >= MIN_INFLECTED_POPULATION
        };
        if m.tokens.clone().any(|t| inflected.get(t) == Some(&true)) {
            m.candidates.retain(notable);
            if m.candidates.is_empty() {
                return None;
            }
        }
        // The word as written names a place, and so does a generated form of it:
        // resolution chooses between them.
        if let Some(Some(form)) = other_forms
            .get(m.tokens.start)
            .filter(|_| m.tokens.len() == 1)
        {
            for p in self.gazetteer.names().get(form).iter() {
                if notable(&p)
                    && (self.options.demonyms || p.kind != NameKind::Demonym)
                    && !m.candidates.iter().any(|c| c.place == p.place)
                {
                    m.candidates.push(p);
                }
            }
        }
        // In a script the gazetteer's preferred (English or local Latin) names are not
        // written in, a name in that script is the natural way to write the place, not
        // a lesser alternate.
        if matches!(
            script_of_word(surface),
            Script::Cyrillic | Script::Arabic | Script::Unspaced
        ) {
            for p in &mut m.candidates {
                if p.kind == NameKind::Alternate {
                    p.kind = NameKind::Preferred;
                }
            }
        }
        Some(m)
    }

    /// Is the name at token `i` part of an organisation's name, because a word such as
    /// "Banco", "Universität" or "جامعة" stands right before it (or, in cased scripts,
    /// one more capitalised word back: "FC Bayern München")?
    fn after_organisation_head(&self, text: &str, tokens: &[Token], i: usize) -> bool {
        let head_at = |j: usize| {
            let t = &tokens[j];
            let gap = &text[t.end..tokens[j + 1].start];
            gap == " "
                && self
                    .tables_for(t.surface(text))
                    .organisation_heads
                    .contains(t.folded.as_str())
        };
        if i >= 1 && head_at(i - 1) {
            return true;
        }
        // "Banque de France", "Universidad de Salamanca": one function word between.
        if i >= 2 && {
            let prev = &tokens[i - 1];
            &text[prev.end..tokens[i].start] == " "
                && self
                    .tables_for(prev.surface(text))
                    .stopwords
                    .contains(prev.folded.as_str())
                && head_at(i - 2)
        } {
            return true;
        }
        i >= 2 && {
            let prev = tokens[i - 1].surface(text);
            let cased = matches!(script_of_word(prev), Script::Latin | Script::Cyrillic);
            cased
                && is_capitalised(prev)
                && &text[tokens[i - 1].end..tokens[i].start] == " "
                && head_at(i - 2)
        }
    }

    /// People in Arabic text, which has no capitals to mark a name: the words after a
    /// title ("الرئيس بشار الأسد"), or a given name and the word after it ("عمر
    /// البغدادي"). The name stops at a function word, a punctuation gap, or, unless it
    /// follows a given name, at a word the gazetteer knows ("رئيس وزراء العراق": Iraq).
    pub(super) fn arabic_persons(&self, text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
        let t = self.lexicon.tables().get("ar");
        let names = self.gazetteer.names();
        let arabic = |j: usize| script_of_word(tokens[j].surface(text)) == Script::Arabic;
        let given = |j: usize| t.given_names.contains(tokens[j].folded.as_str());
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if !arabic(i) {
                i += 1;
                continue;
            }
            let start = if t.titles.contains(tokens[i].folded.as_str()) {
                i + 1
            } else if given(i) {
                i
            } else {
                i += 1;
                continue;
            };
            let mut end = start;
            while end < tokens.len() && end < start + ARABIC_NAME_WORDS && arabic(end) {
                let tok = &tokens[end];
                let spaced = end == i || &text[tokens[end - 1].end..tok.start] == " ";
                let after_given = end > start && given(end - 1);
                let known_place = !names.get(&tok.folded).is_empty();
                if !spaced
                    || tok.folded.is_empty()
                    || t.stopwords.contains(tok.folded.as_str())
                    || t.titles.contains(tok.folded.as_str())
                    || (known_place && !given(end) && !after_given)
                {
                    break;
                }
                end += 1;
            }
            if end > start {
                out.push(start..end);
                i = end;
            } else {
                i += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::gazetteer::testing::from_tsv;
    use crate::spot::{Lexicon, SpotOptions, Spotter};

    const GAZ: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
1831722\tCambodia\tcountry\tPCLI\tKH\t\t16249798\t13\t105\tCambodge|Camboya\t\t\n\
2988507\tParis\tcity\tPPLC\tFR\t11\t2138551\t48.85341\t2.3488\t\t\t\n";

    fn surfaces(text: &str) -> Vec<String> {
        let g = from_tsv(GAZ);
        let lex = Lexicon::new();
        Spotter::new(&g, &lex, SpotOptions::default())
            .spot(text)
            .mentions
            .into_iter()
            .map(|m| m.surface)
            .collect()
    }

    #[test]
    fn a_countrys_other_name_inside_a_longer_english_name_is_no_mention() {
        assert_eq!(
            surfaces("Gunmen fired at the Petit Cambodge restaurant in Paris."),
            ["Paris"]
        );
        // On its own, or after an article at a sentence start, it still is.
        assert_eq!(surfaces("Aid reached Cambodge on Monday."), ["Cambodge"]);
        assert_eq!(surfaces("The Cambodge border was shut."), ["Cambodge"]);
        // An other name after an English word that is not itself an English word
        // stays.
        assert_eq!(surfaces("The Great Camboya Race."), ["Camboya"]);
    }
}
