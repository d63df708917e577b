//! Preparing the tokens of a non-English text for the ordinary spotter: unspaced runs
//! are cut into names ([`super::unspaced`]), and a token that starts no gazetteer name
//! as written is tried in its dictionary forms ([`super::morphology`]): the first form
//! that starts the longest name replaces the token's folded key, so "Москве" is looked
//! up, resolved and grouped as "москва" while its span stays the surface word. Arabic
//! proclitics become a token of their own with an empty key, so the name's span starts
//! after them ("و" + "حلب").
//!
//! Names found this way are flagged as inflected: the spotter asks more of their
//! candidates, because generated forms reach small places by accident more often
//! than words written in full.

use crate::gazetteer::Gazetteer;
use crate::text::{is_capitalised, Folded, Token};

use super::morphology::{arabic_forms, german_adjective_forms, german_forms, russian_forms};
use super::script::{script_of_word, Script};
use super::tables::Tables;
use super::unspaced;
use super::MAX_NAME_TOKENS;

/// Tokens ready for spotting, with a flag per token: its key is a generated form.
#[derive(Debug, Default)]
pub struct Normalised {
    /// The tokens, with rewritten keys and split clitics.
    pub tokens: Vec<Token>,
    /// `inflected[i]`: token `i`'s key is not the word as written.
    pub inflected: Vec<bool>,
    /// `other_forms[i]`: a generated form of token `i` that is also a gazetteer name,
    /// when the word as written is one too ("Осаки" is Ōsaki as written, and the
    /// genitive of "Осака"): the spotter offers the places of both to resolution.
    pub other_forms: Vec<Option<String>>,
}

/// Normalises `tokens` of `text` in language `lang` (ISO 639-1, if known).
pub fn normalise(
    gazetteer: &Gazetteer,
    tables: &Tables,
    text: &str,
    tokens: Vec<Token>,
    lang: Option<&str>,
) -> Normalised {
    let tokens = unspaced::segment(gazetteer, tables, text, tokens);
    let mut out = Normalised {
        inflected: vec![false; tokens.len()],
        other_forms: vec![None; tokens.len()],
        tokens,
    };
    let german = lang == Some("de");
    // Arabic clitics split off a token, by the token's index: inserted in one pass at
    // the end, since inserting each into the token vector as found moved the rest of
    // the text every time (quadratic in the text's length).
    let mut clitics: Vec<(usize, Token)> = Vec::new();
    let mut i = 0;
    while i < out.tokens.len() {
        let surface = out.tokens[i].surface(text);
        // The spotter opens no name at a lower-case word of a cased script, so a name
        // found there would only hide the words after it from the steps below; most
        // words of running text are such words, and walking the automaton from each
        // was half the cost of normalising German, Spanish and French.
        let found = if can_open(tables, &out.tokens[i], surface, lang) {
            longest_end(gazetteer, &out.tokens[i..])
        } else {
            None
        };
        if let Some(end) = found {
            if end == 1 {
                out.other_forms[i] = other_form(gazetteer, &out.tokens[i], surface, german);
            }
            i += end;
            continue;
        }
        if let Some(len) = try_demonym(gazetteer, tables, &mut out, i, surface, lang) {
            i += len;
            continue;
        }
        let step = match script_of_word(surface) {
            Script::Cyrillic if is_capitalised(surface) => {
                try_forms(gazetteer, text, &mut out, i, (russian_forms, 1))
            }
            Script::Latin if german && is_capitalised(surface) => {
                try_forms(gazetteer, text, &mut out, i, (german_forms, 1)).or_else(|| {
                    try_forms(gazetteer, text, &mut out, i, (german_adjective_forms, 2))
                })
            }
            Script::Arabic => try_proclitics(gazetteer, text, &mut out, i, &mut clitics),
            _ => None,
        };
        i += step.unwrap_or(1);
    }
    insert_clitics(&mut out, clitics);
    out
}

/// Puts each split-off clitic before its name token (`clitics` in token order). A
/// clitic is no name: no generated key, no other form.
fn insert_clitics(out: &mut Normalised, clitics: Vec<(usize, Token)>) {
    if clitics.is_empty() {
        return;
    }
    let n = out.tokens.len() + clitics.len();
    let mut tokens = Vec::with_capacity(n);
    let mut inflected = Vec::with_capacity(n);
    let mut other_forms = Vec::with_capacity(n);
    let mut clitics = clitics.into_iter().peekable();
    let old = std::mem::take(&mut out.tokens).into_iter();
    let flags = std::mem::take(&mut out.inflected).into_iter();
    let forms = std::mem::take(&mut out.other_forms).into_iter();
    for (k, ((tok, inf), form)) in old.zip(flags).zip(forms).enumerate() {
        if let Some((_, clitic)) = clitics.next_if(|(at, _)| *at == k) {
            tokens.push(clitic);
            inflected.push(false);
            other_forms.push(None);
        }
        tokens.push(tok);
        inflected.push(inf);
        other_forms.push(form);
    }
    *out = Normalised {
        tokens,
        inflected,
        other_forms,
    };
}

/// Can the spotter open a name at this token: a capitalised word (every word of a script
/// without capitals counts), a number or empty key, or a word of the demonym table
/// (read as a lower-case demonym, see [`is_demonym_reading`])?
fn can_open(tables: &Tables, tok: &Token, surface: &str, lang: Option<&str>) -> bool {
    is_capitalised(surface)
        || tok.folded.bytes().all(|b| b.is_ascii_digit())
        || table_language(surface, lang)
            .is_some_and(|code| tables.get(code).demonyms.contains_key(tok.folded.as_str()))
}

/// The language whose tables hold a word: Cyrillic and Arabic words are read by their
/// script whatever the detector said, others by the document's language.
fn table_language<'l>(surface: &str, lang: Option<&'l str>) -> Option<&'l str> {
    match script_of_word(surface) {
        Script::Cyrillic => Some("ru"),
        Script::Arabic => Some("ar"),
        _ => lang,
    }
}

/// Token `i` read as a demonym of its language ("сирийская" as "syrian"), when the
/// gazetteer holds that English demonym. Returns how many tokens the name spans.
fn try_demonym(
    gazetteer: &Gazetteer,
    tables: &Tables,
    out: &mut Normalised,
    i: usize,
    surface: &str,
    lang: Option<&str>,
) -> Option<usize> {
    let code = table_language(surface, lang)?;
    let english = tables
        .get(code)
        .demonyms
        .get(out.tokens[i].folded.as_str())?;
    if gazetteer.names().get(english).is_empty() {
        return None;
    }
    out.tokens[i].folded = english.into();
    out.inflected[i] = true;
    Some(1)
}

/// Is `folded` the demonym key `surface` was read as by [`normalise`]? The spotter
/// lets such a word stand as a name though it is written in lower case.
pub fn is_demonym_reading(
    tables: &Tables,
    surface: &str,
    folded: &str,
    lang: Option<&str>,
) -> bool {
    table_language(surface, lang).is_some_and(|code| {
        let table = tables.get(code);
        // Most words are no English demonym: one look-up of the key as it is, before
        // folding the surface again (an allocation per word of running text).
        table.demonym_targets.contains(folded)
            && table
                .demonyms
                .get(&crate::text::fold_word(surface))
                .is_some_and(|e| e == folded)
    })
}

/// A generated form of a one-token name that is itself a whole gazetteer name.
fn other_form(gazetteer: &Gazetteer, tok: &Token, surface: &str, german: bool) -> Option<String> {
    let forms = match script_of_word(surface) {
        Script::Cyrillic if is_capitalised(surface) => russian_forms(&tok.folded),
        Script::Latin if german && is_capitalised(surface) => german_forms(&tok.folded),
        _ => return None,
    };
    forms
        .into_iter()
        .find(|f| !gazetteer.names().get(f).is_empty())
}

/// Tokens spanned by the longest gazetteer name that starts at `window[0]`.
fn longest_end(gazetteer: &Gazetteer, window: &[Token]) -> Option<usize> {
    gazetteer
        .names()
        .prefix_matches(window, 0, MAX_NAME_TOKENS)
        .last()
        .map(|m| m.end_token)
}

/// [`longest_end`] of `window` with the keys of its first token, and of its second
/// when given, replaced for the walk. The keys are swapped in and back, so no token is
/// copied: the forms of every capitalised word are tried, and copying the window of
/// eight tokens (a string each) for each one cost more than the walks.
fn longest_end_as(
    gazetteer: &Gazetteer,
    window: &mut [Token],
    first: Option<&mut Folded>,
    second: Option<&mut Folded>,
) -> Option<usize> {
    let swap = |window: &mut [Token], k: usize, key: Option<&mut Folded>| {
        if let Some(key) = key {
            std::mem::swap(&mut window[k].folded, key);
        }
    };
    let (mut first, mut second) = (first, second);
    swap(window, 0, first.as_deref_mut());
    swap(window, 1, second.as_deref_mut());
    let end = longest_end(gazetteer, window);
    swap(window, 0, first);
    swap(window, 1, second);
    end
}

/// Tries the dictionary forms of token `i`, and of `i` (as written or in a form)
/// with token `i + 1` in a form ("Нижнем Новгороде"). Keeps the combination that
/// starts the longest name (the first such, in the forms' order) of at least
/// `min_tokens` tokens. Returns how many tokens the name spans.
fn try_forms(
    gazetteer: &Gazetteer,
    text: &str,
    out: &mut Normalised,
    i: usize,
    (forms, min_tokens): (fn(&str) -> Vec<String>, usize),
) -> Option<usize> {
    let end = out.tokens.len().min(i + MAX_NAME_TOKENS);
    let window = &mut out.tokens[i..end];
    let mut first: Vec<Folded> = forms(&window[0].folded)
        .into_iter()
        .map(Folded::from)
        .collect();
    let mut best: Option<(usize, String, Option<String>)> = None;
    let mut consider = |len: Option<usize>, a: &str, b: Option<&str>| {
        if let Some(len) = len.filter(|&l| l >= min_tokens) {
            if best.as_ref().map_or(true, |(l, _, _)| len > *l) {
                best = Some((len, a.to_string(), b.map(str::to_string)));
            }
        }
    };
    let original = window[0].folded.clone();
    for f in &mut first {
        let len = longest_end_as(gazetteer, window, Some(f), None);
        consider(len, f, None);
    }
    // A second word joins the name after a hyphen ("Ростов-на-Дону"), or after a
    // space when it is capitalised too ("Нижнем Новгороде"): a lower-case word after a
    // space is running text, and trying its forms against every form of the first
    // word is most of the cost of Russian text.
    let second_joins = window.len() > 1 && {
        let gap = &text[window[0].end..window[1].start];
        let second = window[1].surface(text);
        script_of_word(second) == Script::Cyrillic
            && (gap == "-" || (gap == " " && is_capitalised(second)))
    };
    if second_joins {
        // Only a first word some name of several words starts with can open one: most
        // forms of the first word start none, and are not tried with every form of
        // the second.
        let names = gazetteer.names();
        let opens = |a: &str| names.starts_key(a.as_bytes().iter().chain(b" "));
        let original_opens = opens(&original);
        let first_opens: Vec<bool> = first.iter().map(|f| opens(f)).collect();
        if original_opens || first_opens.contains(&true) {
            for s in forms(&window[1].folded) {
                let mut s = Folded::from(s);
                // The first word as written, then in each of its forms.
                if original_opens {
                    let len =
                        longest_end_as(gazetteer, window, None, Some(&mut s)).filter(|&l| l >= 2);
                    consider(len, &original, Some(&s));
                }
                for (f, _) in first.iter_mut().zip(&first_opens).filter(|(_, &o)| o) {
                    let len = longest_end_as(gazetteer, window, Some(f), Some(&mut s))
                        .filter(|&l| l >= 2);
                    consider(len, f, Some(&s));
                }
            }
        }
    }
    let (len, a, b) = best?;
    if a != original.as_str() {
        out.tokens[i].folded = a.into();
        out.inflected[i] = true;
    }
    if let Some(b) = b {
        out.tokens[i + 1].folded = b.into();
        out.inflected[i + 1] = true;
    }
    Some(len)
}

/// Splits Arabic proclitics off token `i` when the rest starts a name: token `i`
/// becomes the name, and the clitic is added to `clitics` to be put before it. Returns
/// how many tokens the name spans.
fn try_proclitics(
    gazetteer: &Gazetteer,
    text: &str,
    out: &mut Normalised,
    i: usize,
    clitics: &mut Vec<(usize, Token)>,
) -> Option<usize> {
    let end = out.tokens.len().min(i + MAX_NAME_TOKENS);
    let tok = out.tokens[i].clone();
    let window = &mut out.tokens[i..end];
    let mut best: Option<(usize, usize, Folded)> = None;
    for (skip, form) in arabic_forms(&tok.folded) {
        let mut form = Folded::from(form);
        // The clitic letters fold to themselves, so their length in the key is their
        // length in the text, unless vowel marks were written on them: then check.
        let cut = tok.start + skip;
        if cut >= tok.end
            || !text.is_char_boundary(cut)
            || crate::text::fold_word(&text[tok.start..cut]) != tok.folded[..skip]
        {
            continue;
        }
        // The walk reads keys only, so the form stands in for the token's key.
        if let Some(len) = longest_end_as(gazetteer, window, Some(&mut form), None) {
            if best.as_ref().map_or(true, |(l, _, _)| len > *l) {
                best = Some((len, skip, form));
            }
        }
    }
    let (len, skip, form) = best?;
    let name = Token {
        start: tok.start + skip,
        end: tok.end,
        folded: form,
    };
    out.tokens[i] = name;
    out.inflected[i] = true;
    if skip > 0 {
        let clitic = Token {
            start: tok.start,
            end: tok.start + skip,
            folded: Folded::default(),
        };
        clitics.push((i, clitic));
    }
    Some(len)
}
