//! A nesting cap applied to markup before it is parsed.
//!
//! html5ever checks the stack of open elements on most start tags ("is a `<p>` in
//! button scope?"), so parsing a page of N nested `<div>`s costs time in N²: 20,000
//! levels take 6 s, the 1,000,000 that fit in a 5 MB request would take hours.
//! Browsers cap the depth instead (Blink's parser stops nesting at 512 levels and
//! adds deeper elements as siblings); this does the same on the markup itself: tags
//! that would open an element deeper than [`MAX_NESTING`] are dropped, with their
//! end tags, and their text stays where it is. Pages within the cap pass unchanged.

use std::borrow::Cow;

/// Deepest nesting of explicitly closed elements kept (Blink's parser limit).
pub const MAX_NESTING: usize = 512;

/// Elements with no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

/// Elements whose end tag may be left out: a new sibling closes them, so repeating
/// them does not nest and they are not counted.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "rt", "rp", "optgroup", "option", "colgroup", "caption", "thead",
    "tbody", "tfoot", "tr", "td", "th", "html", "head", "body",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript"];

/// The markup with tags deeper than `max` explicitly closed elements removed;
/// borrowed unchanged when nothing is that deep.
pub fn cap_nesting(html: &str, max: usize) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut depth = 0usize;
    let mut out: Option<String> = None;
    // Bytes of `html` copied to `out` so far (only once `out` exists).
    let mut copied = 0usize;
    let mut i = 0usize;
    while let Some(off) = memchr(b'<', &b[i..]) {
        let start = i + off;
        if b[start..].starts_with(b"<!--") {
            i = find(b, start + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let Some(tag_end) = memchr(b'>', &b[start..]).map(|e| start + e + 1) else {
            break;
        };
        i = tag_end;
        let (closing, name) = tag_name(&b[start + 1..tag_end - 1]);
        if name.is_empty() {
            continue;
        }
        let name = name.to_ascii_lowercase();
        let self_closing = b[tag_end - 2] == b'/';
        if !closing && RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            i = find_ci(b, tag_end, close.as_bytes()).unwrap_or(b.len());
        }
        if VOID.contains(&name.as_str()) || OPTIONAL_END.contains(&name.as_str()) || self_closing {
            continue;
        }
        let drop = if closing {
            let deep = depth > max;
            depth = depth.saturating_sub(1);
            deep
        } else {
            depth += 1;
            depth > max
        };
        if drop {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[copied..start]);
            copied = tag_end;
        }
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[copied..]);
            Cow::Owned(o)
        }
    }
}

/// `(is an end tag, name)` of the inside of a tag (`div class=x`, `/div`); the name
/// is empty for `<!doctype>`, `<?xml>` and text that only looks like a tag.
fn tag_name(inner: &[u8]) -> (bool, String) {
    let (closing, rest) = match inner.first() {
        Some(b'/') => (true, &inner[1..]),
        _ => (false, inner),
    };
    if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
        return (closing, String::new());
    }
    let end = rest
        .iter()
        .position(|c| c.is_ascii_whitespace() || *c == b'/')
        .unwrap_or(rest.len());
    (closing, String::from_utf8_lossy(&rest[..end]).into_owned())
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_pass_unchanged() {
        let page = "<html><body><div><p>Aleppo<br>Syria<p>x</div><script>if (a<b) {}</script></body></html>";
        assert!(matches!(cap_nesting(page, 3), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_tags_are_dropped_with_their_end_tags() {
        let page = format!(
            "{}Aleppo{}<p>after</p>",
            "<div>".repeat(6),
            "</div>".repeat(6)
        );
        let capped = cap_nesting(&page, 2);
        assert_eq!(capped, "<div><div>Aleppo</div></div><p>after</p>");
    }

    #[test]
    fn comments_and_scripts_do_not_count() {
        let page = "<!-- <div><div><div> --><script><div><div><div></script><div>x</div>";
        assert!(matches!(cap_nesting(page, 1), Cow::Borrowed(_)));
    }
}
