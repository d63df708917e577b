//! Long texts mapped in segments ([`crate::pipeline::SEGMENT_BYTES`]): where to cut
//! them, and how the segments' places are merged back into one document.
//!
//! Cuts fall at a paragraph break (a blank line) when the segment has one, else at
//! a line break, else at white space, else at a character boundary, so a mention is
//! never cut in two unless a segment is one unbroken word. Each segment is spotted
//! and resolved alone; the merged document lists each place once, in order of
//! first mention, with offsets into the whole text.

use std::collections::HashMap;

use crate::pipeline::{MappedDocument, MappedPlace, Method};

/// `(byte offset, segment)` pieces of `text`, each at most `size` bytes (unless a
/// single character is longer), covering it in order.
pub fn segments(text: &str, size: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let rest = &text[at..];
        let len = if rest.len() <= size {
            rest.len()
        } else {
            cut(rest, size)
        };
        let start = at;
        at += len;
        Some((start, &rest[..len]))
    })
}

/// Where to end a segment of `rest` no longer than `size` bytes.
fn cut(rest: &str, size: usize) -> usize {
    let mut end = size;
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    let window = &rest[..end];
    // Never cut in the first half: that would make many tiny segments.
    let min = end / 2;
    for sep in ["\n\n", "\n", " "] {
        if let Some(i) = window.rfind(sep).filter(|&i| i >= min) {
            return i + sep.len();
        }
    }
    if end == 0 {
        // One character longer than `size`.
        rest.chars().next().map_or(rest.len(), char::len_utf8)
    } else {
        end
    }
}

/// Segments' documents merged into one.
#[derive(Default)]
pub struct Merger {
    doc: MappedDocument,
    /// Gazetteer places by index, relative places by folded name.
    by_place: HashMap<u32, usize>,
    by_name: HashMap<String, usize>,
    /// Byte offset and code-point offset of the last segment seen.
    last: (usize, usize),
}

impl Merger {
    /// Adds the document of the segment at byte `offset` of `text`, keeping at most
    /// `max_mentions` mentions per place and explanations overall.
    pub fn add(
        &mut self,
        text: &str,
        offset: usize,
        segment: MappedDocument,
        max_mentions: Option<usize>,
    ) {
        let chars = self.last.1 + text[self.last.0..offset].chars().count();
        self.last = (offset, chars);
        let cap = max_mentions.unwrap_or(usize::MAX);
        let shift = |m: &mut crate::pipeline::MentionSpan| {
            m.start += chars;
            m.end += chars;
            m.byte_start += offset;
            m.byte_end += offset;
        };
        // The whole text's language is taken from its first segment that has words.
        if self.doc.language.is_none() {
            self.doc.language = segment.language;
        }
        for mut p in segment.places {
            p.mentions.iter_mut().for_each(shift);
            let slot = match (p.place, p.method) {
                (Some(i), _) => self.by_place.get(&i).copied(),
                (None, Method::Relative | Method::Gazetteer) => {
                    self.by_name.get(&crate::text::fold_name(&p.name)).copied()
                }
            };
            match slot {
                Some(i) => merge_into(&mut self.doc.places[i], p, cap),
                None => {
                    let i = self.doc.places.len();
                    match p.place {
                        Some(g) => self.by_place.insert(g, i),
                        None => self.by_name.insert(crate::text::fold_name(&p.name), i),
                    };
                    self.doc.places.push(p);
                }
            }
        }
        for mut e in segment.explanations {
            if self.doc.explanations.len() >= cap {
                break;
            }
            shift(&mut e.mention);
            self.doc.explanations.push(e);
        }
    }

    /// The merged document.
    pub fn finish(self) -> MappedDocument {
        self.doc
    }
}

fn merge_into(into: &mut MappedPlace, from: MappedPlace, cap: usize) {
    into.confidence = into.confidence.max(from.confidence);
    into.mention_count += from.mention_count;
    let room = cap.saturating_sub(into.mentions.len());
    into.mentions.extend(from.mentions.into_iter().take(room));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cover_the_text_and_cut_at_breaks() {
        let text = "Aleppo is in Syria.\n\nHoms too.\nDamascus, Syria. ".repeat(50);
        let parts: Vec<_> = segments(&text, 100).collect();
        assert!(parts.len() > 10);
        let mut at = 0;
        for (off, s) in &parts {
            assert_eq!(*off, at);
            assert!(s.len() <= 100);
            at += s.len();
        }
        assert_eq!(at, text.len());
        assert!(parts[0].1.ends_with('\n') || parts[0].1.ends_with(' '));
    }

    #[test]
    fn unbroken_multibyte_text_is_cut_on_char_boundaries() {
        let text = "Ḩalab".repeat(100);
        let joined: String = segments(&text, 7).map(|(_, s)| s).collect();
        assert_eq!(joined, text);
    }
}
