//! The writing system of a character, as far as spotting cares: scripts written
//! without spaces between words (Chinese, Japanese), scripts without capitals
//! (Arabic), and Cyrillic, whose place names inflect.

/// A script class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Latin letters (and anything else not listed).
    Latin,
    /// Cyrillic.
    Cyrillic,
    /// Arabic (and Persian, Urdu).
    Arabic,
    /// Chinese characters and Japanese kana: no spaces between words.
    Unspaced,
    /// Digits and other characters that carry no script.
    Other,
}

/// The script of one character.
pub fn script_of(c: char) -> Script {
    // Most characters read are ASCII: no table to consult.
    if c.is_ascii() {
        return if c.is_ascii_alphabetic() {
            Script::Latin
        } else {
            Script::Other
        };
    }
    match c as u32 {
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        // Hiragana, Katakana, CJK ideographs (with extension A and compatibility forms),
        // half-width Katakana.
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F => {
            Script::Unspaced
        }
        0x20000..=0x2FA1F => Script::Unspaced,
        _ if c.is_alphabetic() => Script::Latin,
        _ => Script::Other,
    }
}

/// The script of a word: that of its first character.
pub fn script_of_word(word: &str) -> Script {
    word.chars().next().map(script_of).unwrap_or(Script::Other)
}

/// True when the text has a character of a script the English path does not handle
/// (unspaced, Arabic or Cyrillic): then the tokens need normalising before spotting.
pub fn needs_script_handling(text: &str) -> bool {
    // ASCII text (most English) is decided without decoding a character.
    !text.is_ascii()
        && text.chars().any(|c| {
            !c.is_ascii()
                && matches!(
                    script_of(c),
                    Script::Cyrillic | Script::Arabic | Script::Unspaced
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_scripts() {
        assert_eq!(script_of('a'), Script::Latin);
        assert_eq!(script_of('é'), Script::Latin);
        assert_eq!(script_of('Ж'), Script::Cyrillic);
        assert_eq!(script_of('ح'), Script::Arabic);
        assert_eq!(script_of('阿'), Script::Unspaced);
        assert_eq!(script_of('カ'), Script::Unspaced);
        assert_eq!(script_of('7'), Script::Other);
        assert!(needs_script_handling("Алеппо"));
        assert!(!needs_script_handling("Ḩalab is Aleppo"));
    }
}
