//! Which language a document is written in: detected with the `whatlang` crate
//! (trigram profiles), or forced by the caller (`--lang`).
//!
//! The spotter's script handling (unspaced Chinese and Japanese, Arabic proclitics,
//! Russian cases) follows each token's script, so it works whatever the detector says;
//! the language picks the small per-language tables (titles, given names, name
//! connectors, organisation words; see [`super::tables`]) and is reported in the
//! output's metadata.

use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

/// Bytes of a document the detector reads: trigram statistics settle well before
/// this, and reading a long document whole would cost more than spotting it.
const DETECT_SAMPLE_BYTES: usize = 1024;

/// Words a sample needs before its share of English function words means anything.
const ENGLISH_MIN_WORDS: usize = 30;

/// Share of a sample's words that are English function words above which the text is
/// English beyond doubt: English news runs at about 0.15 to 0.2, the other languages
/// at about 0 (a quoted English phrase in a French article stays far below).
const ENGLISH_MIN_SHARE: f64 = 0.1;

/// ISO 639-1 codes for the languages whatlang names by ISO 639-3 code: the languages
/// the spotter has tables for and other widely read news languages. The detector
/// chooses among these only.
const ISO_639_1: &[(&str, &str)] = &[
    ("eng", "en"),
    ("ara", "ar"),
    ("rus", "ru"),
    ("cmn", "zh"),
    ("spa", "es"),
    ("fra", "fr"),
    ("deu", "de"),
    ("jpn", "ja"),
    ("ukr", "uk"),
    ("ita", "it"),
    ("por", "pt"),
    ("nld", "nl"),
    ("pol", "pl"),
    ("tur", "tr"),
    ("pes", "fa"),
    ("heb", "he"),
    ("kor", "ko"),
];

/// Languages the spotter has a path of its own for (tables in [`super::tables`],
/// forms in [`super::morphology`]); any other language is spotted as English (with
/// script handling where the text needs it). Ukrainian shares the Russian path's
/// Cyrillic forms; Japanese the unspaced path.
const OWN_PATH: &[&str] = &["ar", "ru", "zh", "es", "fr", "de", "ja", "uk"];

/// A document's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Language {
    /// ISO 639-1 code where there is one ("ar", "zh"), else ISO 639-3 ("cmn" is
    /// reported as "zh").
    pub code: &'static str,
    /// English name of the language ("Arabic").
    pub name: &'static str,
    /// The main script of the text ("Latin", "Cyrillic", "Arabic", "Mandarin").
    pub script: Option<String>,
    /// The detector's confidence, 0 to 1 (1 when forced).
    pub confidence: f64,
    /// Set by the caller rather than detected.
    pub forced: bool,
}

/// A language code that names no language the detector knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLanguage(pub String);

impl fmt::Display for UnknownLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown language code {:?} (use ISO 639-1 such as ar, ru, zh, es, fr, de, en, or ISO 639-3)",
            self.0
        )
    }
}

impl std::error::Error for UnknownLanguage {}

impl Language {
    /// Detects the language of `text` from its first `DETECT_SAMPLE_BYTES` bytes.
    /// `None` when the text has no letters to judge.
    pub fn detect(text: &str) -> Option<Language> {
        let sample = sample(text);
        // Most text mentionmap reads is English: a count of function words settles it
        // at a small part of the trigram detector's cost.
        if plainly_english(sample) {
            return Some(Language {
                code: "en",
                name: whatlang::Lang::Eng.eng_name(),
                script: Some(whatlang::Script::Latin.name().to_string()),
                confidence: 1.0,
                forced: false,
            });
        }
        let info = detector().detect(sample)?;
        Some(Language {
            code: short_code(info.lang()),
            name: info.lang().eng_name(),
            script: Some(info.script().name().to_string()),
            confidence: (info.confidence() * 1000.0).round() / 1000.0,
            forced: false,
        })
    }

    /// The language named by `code` (ISO 639-1 "ar" or ISO 639-3 "ara"), as forced by
    /// the caller; the script is read from `text`.
    pub fn forced(code: &str, text: &str) -> Result<Language, UnknownLanguage> {
        let lang = parse_code(code)?;
        Ok(Language {
            code: short_code(lang),
            name: lang.eng_name(),
            script: whatlang::detect_script(sample(text)).map(|s| s.name().to_string()),
            confidence: 1.0,
            forced: true,
        })
    }

    /// Does the spotter treat this language apart from English?
    pub fn has_own_path(&self) -> bool {
        OWN_PATH.contains(&self.code)
    }

    /// Checks a code without a text (for validating `--lang` before any input is read).
    pub fn check_code(code: &str) -> Result<(), UnknownLanguage> {
        parse_code(code).map(|_| ())
    }
}

/// The detector, choosing among the languages of [`ISO_639_1`] only: news in other
/// languages is rare in what mentionmap reads, and close neighbours confuse short
/// texts (a Russian sentence read as Bulgarian, Spanish as Galician).
fn detector() -> &'static whatlang::Detector {
    static DETECTOR: OnceLock<whatlang::Detector> = OnceLock::new();
    DETECTOR.get_or_init(|| {
        let langs = ISO_639_1
            .iter()
            .filter_map(|(long, _)| whatlang::Lang::from_code(*long))
            .collect();
        whatlang::Detector::with_allowlist(langs)
    })
}

fn parse_code(code: &str) -> Result<whatlang::Lang, UnknownLanguage> {
    let lower = code.trim().to_ascii_lowercase();
    let long = ISO_639_1
        .iter()
        .find(|(_, short)| *short == lower)
        .map(|(long, _)| long.to_string())
        .unwrap_or(lower);
    whatlang::Lang::from_code(long).ok_or_else(|| UnknownLanguage(code.to_string()))
}

fn short_code(lang: whatlang::Lang) -> &'static str {
    let long = lang.code();
    ISO_639_1
        .iter()
        .find(|(l, _)| *l == long)
        .map(|(_, s)| *s)
        .unwrap_or(long)
}

/// True when `sample` is Latin-script text whose words are English function words
/// often enough (see [`ENGLISH_MIN_SHARE`]). Any letter beyond the Latin blocks
/// (Cyrillic, Arabic, Chinese) leaves the decision to the trigram detector.
fn plainly_english(sample: &str) -> bool {
    // An ASCII sample (most) is Latin throughout: checked word-at-a-time, without
    // decoding its characters.
    let ascii = sample.is_ascii();
    if !ascii
        && !sample
            .chars()
            .all(|c| (c as u32) < LATIN_BLOCKS_END || !c.is_alphabetic())
    {
        return false;
    }
    let mut words = 0usize;
    let mut function = 0usize;
    if ascii {
        // Most samples: words split on bytes, without decoding characters.
        for word in sample
            .as_bytes()
            .split(|b| !b.is_ascii_alphabetic() && *b != b'\'')
            .filter(|w| !w.is_empty())
        {
            words += 1;
            function += usize::from(is_english_function_word_bytes(word));
        }
        return words >= ENGLISH_MIN_WORDS && function as f64 >= ENGLISH_MIN_SHARE * words as f64;
    }
    for word in sample.split(|c: char| !c.is_alphabetic() && c != '\'') {
        if word.is_empty() {
            continue;
        }
        words += 1;
        function += usize::from(is_english_function_word(word));
    }
    words >= ENGLISH_MIN_WORDS && function as f64 >= ENGLISH_MIN_SHARE * words as f64
}

/// Longest word [`is_english_function_word`] knows, in bytes.
const FUNCTION_WORD_MAX: usize = 6;

/// An English function word that is no everyday word of the other Latin-script
/// languages the detector chooses among ("in", "is", "was", "to", "of", "on", "die"
/// are left out: German, Dutch, Polish or French use them too). Any letter case.
fn is_english_function_word(word: &str) -> bool {
    word.is_ascii() && is_english_function_word_bytes(word.as_bytes())
}

/// [`is_english_function_word`] for an ASCII word's bytes.
fn is_english_function_word_bytes(word: &[u8]) -> bool {
    if word.len() > FUNCTION_WORD_MAX {
        return false;
    }
    let mut buf = [0u8; FUNCTION_WORD_MAX];
    for (b, c) in buf.iter_mut().zip(word.iter()) {
        *b = c.to_ascii_lowercase();
    }
    matches!(
        &buf[..word.len()],
        b"the"
            | b"and"
            | b"that"
            | b"with"
            | b"from"
            | b"were"
            | b"which"
            | b"said"
            | b"have"
            | b"has"
            | b"had"
            | b"this"
            | b"been"
            | b"their"
            | b"they"
            | b"for"
            | b"are"
            | b"by"
            | b"at"
            | b"it"
            | b"its"
            | b"his"
            | b"who"
            | b"not"
            | b"but"
            | b"after"
            | b"would"
            | b"be"
    )
}

/// End of the Latin letter blocks (Basic Latin to Latin Extended-B, U+0000..U+024F).
const LATIN_BLOCKS_END: u32 = 0x0250;

/// The first `DETECT_SAMPLE_BYTES` bytes of `text`, cut at a character boundary.
fn sample(text: &str) -> &str {
    if text.len() <= DETECT_SAMPLE_BYTES {
        return text;
    }
    let mut end = DETECT_SAMPLE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_six_languages_and_english() {
        let cases = [
            ("The bombing of Aleppo and Idlib continued, sources in Damascus said.", "en"),
            ("قصفت الطائرات مدينة حلب وريف إدلب، وقالت مصادر في دمشق إن القتال مستمر.", "ar"),
            ("Авиация нанесла удары по Алеппо и Идлибу, сообщили в Москве и Дамаске.", "ru"),
            ("俄罗斯空军轰炸了阿勒颇和伊德利卜，大马士革的消息来源称。", "zh"),
            ("Los bombardeos en Alepo y Damasco continuaron, según fuentes en Moscú.", "es"),
            ("Les frappes sur Alep et Idleb se sont poursuivies, selon des sources à Damas.", "fr"),
            ("Die Luftangriffe auf Aleppo und Idlib gingen weiter, berichteten Quellen in Damaskus.", "de"),
        ];
        for (text, code) in cases {
            assert_eq!(Language::detect(text).unwrap().code, code, "{text}");
        }
        assert!(Language::detect("12 34 -- !!").is_none());
    }

    #[test]
    fn function_words_settle_english_and_only_english() {
        let english = "Government forces pushed into the northern districts of the city on \
            Tuesday, and the rebels who had held them for four years said they would not \
            leave. Aid agencies warned that the roads from the south were cut, which has left \
            thousands of families without food, and that their stocks had been looted.";
        assert!(plainly_english(english));
        // The shortcut gives what the trigram detector would.
        let info = detector().detect(english).unwrap();
        assert_eq!((info.lang(), info.confidence()), (whatlang::Lang::Eng, 1.0));
        let others = [
            "Les forces gouvernementales sont entrées mardi dans les quartiers du nord de la \
             ville, et les rebelles qui les tenaient depuis quatre ans ont dit qu'ils ne \
             partiraient pas. Les agences humanitaires ont averti que les routes du sud étaient \
             coupées, ce qui laisse des milliers de familles sans nourriture.",
            "Die Regierungstruppen sind am Dienstag in die nördlichen Viertel der Stadt \
             vorgedrungen, und die Rebellen, die sie seit vier Jahren gehalten hatten, sagten, \
             sie würden nicht abziehen. Hilfsorganisationen warnten, dass die Straßen aus dem \
             Süden abgeschnitten seien, was Tausende Familien ohne Nahrung lasse.",
            "Las fuerzas del gobierno entraron el martes en los barrios del norte de la ciudad, \
             y los rebeldes que los habían controlado durante cuatro años dijeron que no se \
             irían. Las agencias de ayuda advirtieron que las carreteras del sur estaban \
             cortadas, lo que ha dejado a miles de familias sin comida.",
            "De regeringstroepen zijn dinsdag de noordelijke wijken van de stad binnengedrongen, \
             en de rebellen die ze vier jaar in handen hadden, zeiden dat ze niet zouden \
             vertrekken. Hulporganisaties waarschuwden dat de wegen uit het zuiden waren \
             afgesneden, waardoor duizenden gezinnen zonder voedsel zitten.",
        ];
        for text in others {
            assert!(!plainly_english(text), "{text}");
        }
        // Too few words to judge: the detector decides.
        assert!(!plainly_english("The war and the peace."));
        assert!(!plainly_english(&format!("{english} Алеппо")));
    }

    #[test]
    fn forced_codes_take_both_iso_forms_and_reject_others() {
        let l = Language::forced("ar", "حلب").unwrap();
        assert_eq!((l.code, l.name, l.forced), ("ar", "Arabic", true));
        assert_eq!(Language::forced("deu", "Berlin").unwrap().code, "de");
        assert_eq!(Language::forced("ZH", "北京").unwrap().code, "zh");
        let err = Language::forced("xx", "text").unwrap_err();
        assert!(err.to_string().contains("\"xx\""));
    }

    #[test]
    fn the_sample_is_cut_at_a_character_boundary() {
        let text = "ж".repeat(DETECT_SAMPLE_BYTES);
        assert!(sample(&text).len() <= DETECT_SAMPLE_BYTES);
        assert_eq!(
            Language::detect(&text).and_then(|l| l.script).as_deref(),
            Some("Cyrillic")
        );
    }
}
