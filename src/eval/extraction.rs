//! How well main-text extraction kept a page's article: the words of the extracted
//! text against the words of a reference text for the same page, as a bag of words
//! (each word counted as often as it occurs, order ignored), in the manner of the
//! CleanEval and web-extraction benchmarks. Precision is the share of extracted words
//! that belong to the article, recall the share of the article's words extracted.
//!
//! Words are runs of letters and digits, lower-cased; in scripts written without
//! spaces (Chinese, Japanese, Korean, Thai, Burmese) each character is a word, so
//! the figures mean the same thing across languages.
//!
//! [`set_overlap`] compares what is mapped from the two texts ([`mapped_places`]):
//! the measure that matters to a geoparser.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use super::{f1, Prf};
use crate::html::is_unspaced_script;
use crate::Mapper;

/// The words of `text` with their counts.
pub fn words(text: &str) -> HashMap<String, usize> {
    let mut bag: HashMap<String, usize> = HashMap::new();
    let mut word = String::new();
    for c in text.chars() {
        if is_unspaced_script(c) {
            if !word.is_empty() {
                *bag.entry(std::mem::take(&mut word)).or_default() += 1;
            }
            *bag.entry(c.to_string()).or_default() += 1;
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            *bag.entry(std::mem::take(&mut word)).or_default() += 1;
        }
    }
    if !word.is_empty() {
        *bag.entry(word).or_default() += 1;
    }
    bag
}

/// Bag-of-words precision, recall and F1 of `extracted` against `reference`.
/// Two empty texts agree perfectly.
pub fn word_overlap(extracted: &str, reference: &str) -> Prf {
    let got = words(extracted);
    let want = words(reference);
    let shared: usize = got
        .iter()
        .map(|(w, &n)| n.min(want.get(w).copied().unwrap_or(0)))
        .sum();
    prf(shared, got.values().sum(), want.values().sum())
}

/// Precision, recall and F1 of a predicted set against a reference set. Two empty
/// sets agree perfectly.
pub fn set_overlap<T: Eq + Hash>(predicted: &HashSet<T>, reference: &HashSet<T>) -> Prf {
    let shared = predicted.intersection(reference).count();
    prf(shared, predicted.len(), reference.len())
}

/// The places `mapper` finds in `text`, as keys that compare across texts:
/// `#` and the gazetteer index for a gazetteer place, the name for an estimate.
pub fn mapped_places(mapper: &Mapper, text: &str) -> HashSet<String> {
    mapper
        .map(text)
        .places
        .iter()
        .map(|p| match p.place {
            Some(i) => format!("#{i}"),
            None => p.name.clone(),
        })
        .collect()
}

fn prf(shared: usize, predicted: usize, reference: usize) -> Prf {
    let ratio = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    let p = ratio(shared, predicted);
    let r = ratio(shared, reference);
    Prf { p, r, f1: f1(p, r) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_counted() {
        let bag = words("Aleppo, ALEPPO and Halab's 2nd-largest");
        assert_eq!(bag["aleppo"], 2);
        assert_eq!(bag["halab"], 1);
        assert_eq!(bag["s"], 1);
        assert_eq!(bag["2nd"], 1);
        assert_eq!(bag.values().sum::<usize>(), 7);
    }

    #[test]
    fn unspaced_scripts_count_characters() {
        let bag = words("中美合作 in 東京");
        assert_eq!(bag.values().sum::<usize>(), 7);
        assert_eq!(bag["in"], 1);
        assert_eq!(bag["中"], 1);
    }

    #[test]
    fn overlap_by_hand() {
        // Extracted: 4 words, 3 of them in the reference (a a b, not d); the
        // reference has 5 words.
        let s = word_overlap("a a b d", "a a b c e");
        assert!((s.p - 0.75).abs() < 1e-12);
        assert!((s.r - 0.6).abs() < 1e-12);
        assert!((s.f1 - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        // A word counts only as often as the reference has it.
        assert!((word_overlap("a a a a", "a").p - 0.25).abs() < 1e-12);
        assert_eq!(word_overlap("", "").f1, 1.0);
        assert_eq!(word_overlap("x", "").f1, 0.0);
        assert_eq!(word_overlap("", "y").r, 0.0);
    }

    #[test]
    fn sets_by_hand() {
        let a: HashSet<u32> = [1, 2, 3].into();
        let b: HashSet<u32> = [2, 3, 4, 5].into();
        let s = set_overlap(&a, &b);
        assert!((s.p - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.r - 0.5).abs() < 1e-12);
        assert_eq!(set_overlap(&HashSet::<u32>::new(), &HashSet::new()).f1, 1.0);
    }
}
