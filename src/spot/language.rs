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
        let info = detector().detect(sample(text))?;
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
