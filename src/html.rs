//! Main-text extraction from news web pages, before spotting.
//!
//! A page is parsed with [`scraper`] (html5ever, the browser-grade HTML5 parser) and
//! cut into text blocks (paragraphs, headings, list items, quotes, and `<div>`s that
//! hold bare text). Then, in the manner of Readability:
//!
//! 1. Subtrees that are never article text are skipped outright: `script`, `style`,
//!    `noscript`, `template`, `svg`, `nav`, `footer`, `aside`, `form`, `figure`,
//!    `iframe`, `button`, hidden elements, ARIA roles `navigation`, `banner`,
//!    `contentinfo`, `complementary`, `dialog`, `search`, and elements whose class or
//!    id names cookie/consent banners, share bars, related/recommended/most-read
//!    lists, newsletters, comments, ads, breadcrumbs, menus and sidebars.
//! 2. Every paragraph of 25+ characters scores its parent (and half of it its
//!    grandparent) by its length and commas; the best-scoring container is the
//!    article body. Blocks outside it are dropped, except under siblings of it that
//!    score at least a quarter as well (bodies split over several `<div>`s).
//! 3. Blocks that are mostly link text (related-links lists, tag clouds), one- or
//!    two-word furniture ("Advertisement", "Share") and leading or trailing
//!    boilerplate paragraphs ([`crate::boilerplate::is_boilerplate`]) are dropped.
//! 4. The headline (`og:title`, else the first `<h1>`, else `<title>`) becomes the
//!    title; the first `<h1>` leads the text when the body does not hold it.
//!
//! The result is plain text, one block per paragraph separated by blank lines;
//! mentions' offsets refer to it.
//!
//! Class words are a hint, not a verdict: an element that holds most of the page's
//! text frames the article whatever its class says ("layout-with-rail",
//! "advert-content-wrap"), except cookie/consent banners and comment threads.
//!
//! Measured on 23 real saved news pages with reference article text (newspaper4k's
//! test data; `tests/news_pages.rs`, and `benches/extract_compare` for the
//! comparison): bag-of-words F1 0.966 and 1.000 / 0.981 precision / recall of the
//! places mapped, against 0.943 and 0.957 / 0.981 for dom_smoothie, a Rust port of
//! Readability.js, and 0.583 and 0.283 / 0.966 for all the page's text. So this
//! extractor is kept, and no readability crate is a dependency.

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node, Selector};

use crate::boilerplate::is_boilerplate;

mod depth;

/// The main text of a page and what was found about it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// The headline, when the page has one.
    pub title: Option<String>,
    /// The article text: blocks separated by blank lines.
    pub text: String,
    /// Text blocks kept.
    pub blocks_kept: usize,
    /// Text blocks dropped as navigation, links or boilerplate (skipped subtrees
    /// not counted).
    pub blocks_dropped: usize,
}

/// Elements whose whole subtree is never article text.
const SKIP_TAGS: &[&str] = &[
    "head", "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object",
    "embed", "video", "audio", "nav", "footer", "aside", "form", "button", "select", "input",
    "textarea", "label", "figure", "menu", "dialog", "picture", "img",
];

/// ARIA roles of page furniture.
const SKIP_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "dialog",
    "alertdialog",
    "search",
    "menu",
    "menubar",
    "toolbar",
];

/// Class/id words of elements that are never the article, however much text they
/// hold (a long consent notice or comment thread can outweigh a short story).
const NEVER_CONTENT_WORDS: &[&str] = &[
    "cookie", "cookies", "consent", "gdpr", "cmp", "onetrust", "comments", "comment", "disqus",
];

/// Class/id words that mean furniture, even inside the article, unless the element
/// holds most of the page's text (then the word names what it wraps or sits beside).
const HARD_WORDS: &[&str] = &[
    "share",
    "sharing",
    "sharebar",
    "social",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "adslot",
    "sponsored",
    "outbrain",
    "taboola",
    "related",
    "recommended",
    "recirculation",
    "trending",
    "mostread",
    "popular",
    "breadcrumb",
    "breadcrumbs",
    "skip",
    "toolbar",
    "modal",
    "popup",
    "overlay",
    "print",
    "caption",
    "credit",
];

/// Class/id words that mean furniture unless the same element also says it is the
/// content (see [`CONTENT_WORDS`]).
const SOFT_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "sidebar",
    "rail",
    "footer",
    "header",
    "masthead",
    "banner",
    "widget",
    "promo",
    "tags",
    "topics",
    "byline",
    "meta",
    "author",
    "login",
    "more",
];

/// Class/id words of the article body.
const CONTENT_WORDS: &[&str] = &[
    "article", "body", "content", "main", "story", "entry", "post", "text", "column",
];

/// How far above the best-scoring container another container's wrapper may join
/// it, when an article body is split over several containers.
const SPLIT_BODY_LEVELS: usize = 5;

/// Block-level elements: each starts a new text block.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "body",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "header",
    "hr",
    "address",
    "center",
];

#[derive(Debug)]
struct Block {
    text: String,
    link_chars: usize,
    /// The block's element and its ancestors, innermost first.
    ancestors: Vec<NodeId>,
    tag: String,
}

/// Extracts the main text of an HTML page.
///
/// Markup nested deeper than 512 elements (Blink's parser limit) is flattened
/// before parsing, so the time stays linear in the page's size.
pub fn extract(html: &str) -> Extracted {
    let html = depth::cap_nesting(html, depth::MAX_NESTING);
    let doc = Html::parse_document(&html);
    let title = title(&doc);
    let first_h1 = select_text(&doc, "h1");

    let mut blocks = Vec::new();
    let mut cur = Block {
        text: String::new(),
        link_chars: 0,
        ancestors: Vec::new(),
        tag: String::new(),
    };
    let mut prose = HashMap::new();
    let total_prose = prose_chars(doc.tree.root(), &mut prose);
    let page = Page { prose, total_prose };
    walk(&page, doc.tree.root(), &mut cur, &mut blocks);
    flush(&mut cur, &[], &mut blocks);
    for b in &mut blocks {
        b.text = b.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    blocks.retain(|b| !b.text.is_empty());
    let total = blocks.len();

    // Score containers by the paragraphs they hold directly.
    let mut score: HashMap<NodeId, f64> = HashMap::new();
    let mut parent_of: HashMap<NodeId, NodeId> = HashMap::new();
    for b in &blocks {
        for w in b.ancestors.windows(2) {
            parent_of.insert(w[0], w[1]);
        }
        let chars = b.text.chars().count();
        if chars < 25 || !matches!(b.tag.as_str(), "p" | "div" | "pre" | "blockquote" | "td") {
            continue;
        }
        let linkless = 1.0 - b.link_chars as f64 / chars as f64;
        let s =
            (1.0 + b.text.matches(',').count() as f64 + (chars as f64 / 100.0).min(3.0)) * linkless;
        // A <p>'s container is its parent; a bare-text <div> is its own.
        let start = if b.tag == "p" { 1 } else { 0 };
        if let Some(&p) = b.ancestors.get(start) {
            *score.entry(p).or_default() += s;
        }
        if let Some(&g) = b.ancestors.get(start + 1) {
            *score.entry(g).or_default() += s / 2.0;
        }
    }
    let best = score
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(&id, &s)| (id, s));
    // Bodies split over several containers (paragraphs grouped between adverts, each
    // group in its own wrapper) keep every container that scores at least a quarter
    // as well as the best and sits within a few levels of it.
    let up = |from: NodeId, levels: usize| {
        std::iter::successors(parent_of.get(&from).copied(), |n| parent_of.get(n).copied())
            .take(levels)
            .collect::<Vec<_>>()
    };
    let keep_roots: Vec<NodeId> = match best {
        Some((id, s)) => {
            let above = up(id, usize::MAX);
            let near = &above[..above.len().min(SPLIT_BODY_LEVELS)];
            let mut roots = vec![id];
            roots.extend(
                score
                    .iter()
                    .filter(|(n, &ns)| {
                        **n != id
                            && ns >= s * 0.25
                            && up(**n, SPLIT_BODY_LEVELS + 1)
                                .iter()
                                .any(|a| near.contains(a))
                            && !above.contains(n)
                    })
                    .map(|(&n, _)| n),
            );
            roots
        }
        None => Vec::new(),
    };

    let mut kept: Vec<&Block> = blocks
        .iter()
        .filter(|b| keep_roots.is_empty() || b.ancestors.iter().any(|a| keep_roots.contains(a)))
        .filter(|b| {
            let chars = b.text.chars().count();
            b.link_chars * 2 <= chars && (is_heading(&b.tag) || word_count(&b.text) >= 3)
        })
        .collect();
    while kept.first().is_some_and(|b| is_boilerplate(&b.text)) {
        kept.remove(0);
    }
    // Boilerplate at the end, and headings left with nothing under them.
    while kept
        .last()
        .is_some_and(|b| is_boilerplate(&b.text) || is_heading(&b.tag))
    {
        kept.pop();
    }
    let mut parts: Vec<&str> = kept.iter().map(|b| b.text.as_str()).collect();
    if let Some(h1) = first_h1.as_deref() {
        if !parts.contains(&h1) {
            parts.insert(0, h1);
        }
    }
    Extracted {
        title,
        blocks_kept: parts.len(),
        blocks_dropped: total.saturating_sub(kept.len()),
        text: parts.join("\n\n"),
    }
}

/// Words in a text block. Chinese, Japanese, Korean, Thai, Lao and Burmese write no
/// spaces between words, so there every two characters count as a word (a rough
/// average word length); elsewhere words are separated by white space.
fn word_count(text: &str) -> usize {
    let unspaced = text.chars().filter(|&c| is_unspaced_script(c)).count();
    text.split_whitespace().count().max(unspaced / 2)
}

pub(crate) fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF     // Thai, Lao
        | 0x1000..=0x109F   // Myanmar
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0xF900..=0xFAFF) // CJK compatibility ideographs
}

fn is_heading(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// The page title: `og:title`, the first `<h1>`, or `<title>`.
pub fn title(doc: &Html) -> Option<String> {
    let og = Selector::parse(r#"meta[property="og:title"], meta[name="twitter:title"]"#).unwrap();
    doc.select(&og)
        .filter_map(|m| m.value().attr("content"))
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|c| !c.is_empty())
        .or_else(|| select_text(doc, "h1"))
        .or_else(|| select_text(doc, "title"))
}

fn select_text(doc: &Html, css: &str) -> Option<String> {
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<Vec<_>>().join(" "))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|t| !t.is_empty())
}

/// What is known about the whole page while walking it.
struct Page {
    /// Characters of running text under each element (see [`prose_chars`]).
    prose: HashMap<NodeId, usize>,
    /// Characters of running text in the whole page.
    total_prose: usize,
}

impl Page {
    /// Whether the element holds most of the page's running text: then it frames the
    /// article, whatever its class says ("layout-with-rail" is a layout that has a
    /// rail, not the rail; "advert-content-wrap" wraps content between adverts).
    fn holds_most_prose(&self, node: NodeId) -> bool {
        self.total_prose > 0 && self.prose.get(&node).copied().unwrap_or(0) * 2 > self.total_prose
    }
}

/// Counts the characters of text outside links, scripts and styles under `node`
/// (menus and link lists are mostly links, so this is mostly running text),
/// recording the count of every element in `out`.
///
/// Iterative (an explicit stack, children summed on the way back up): a page nested
/// 100,000 elements deep must not overflow the thread's stack.
fn prose_chars(node: NodeRef<'_, Node>, out: &mut HashMap<NodeId, usize>) -> usize {
    // (node, children entered); a node's count is added to its parent's on exit.
    let mut stack: Vec<(NodeRef<'_, Node>, bool)> = vec![(node, false)];
    // Running sums, one per element or document on the stack.
    let mut sums: Vec<usize> = Vec::new();
    let mut total = 0;
    while let Some((n, entered)) = stack.pop() {
        let counted = match n.value() {
            Node::Element(e)
                if matches!(
                    e.name(),
                    "head" | "script" | "style" | "noscript" | "template" | "a"
                ) =>
            {
                None
            }
            Node::Element(_) | Node::Document | Node::Fragment => Some(()),
            _ => None,
        };
        if entered {
            let s = sums.pop().unwrap_or(0);
            if matches!(n.value(), Node::Element(_)) {
                out.insert(n.id(), s);
            }
            add_to_parent(&mut sums, &mut total, s);
            continue;
        }
        match (n.value(), counted) {
            (Node::Text(t), _) => add_to_parent(&mut sums, &mut total, t.trim().chars().count()),
            (_, Some(())) => {
                sums.push(0);
                stack.push((n, true));
                // Reversed, so children are entered in document order.
                let children: Vec<_> = n.children().collect();
                stack.extend(children.into_iter().rev().map(|c| (c, false)));
            }
            _ => {}
        }
    }
    total
}

fn add_to_parent(sums: &mut [usize], total: &mut usize, n: usize) {
    match sums.last_mut() {
        Some(s) => *s += n,
        None => *total += n,
    }
}

/// Block elements deeper than this are read as inline text of the block that
/// holds them: no real page nests blocks hundreds deep (browsers stop nesting at
/// 512), and each block records its ancestors, so an unbounded path would make a
/// hostile page of 100,000 nested `<div>`s quadratic in time and memory.
const MAX_BLOCK_DEPTH: usize = 256;

/// One step of the iterative walk.
enum Step<'a> {
    /// Visit a node.
    Enter {
        node: NodeRef<'a, Node>,
        in_link: bool,
        in_article: bool,
    },
    /// Leave an element that was pushed on the path (and flush it when a block).
    Exit { block: bool },
}

/// Cuts the page into text blocks, in document order. Iterative, like
/// [`prose_chars`], so nesting depth cannot overflow the stack.
fn walk<'a>(page: &Page, root: NodeRef<'a, Node>, cur: &mut Block, out: &mut Vec<Block>) {
    let mut path: Vec<(NodeId, String)> = Vec::new();
    let mut stack = vec![Step::Enter {
        node: root,
        in_link: false,
        in_article: false,
    }];
    while let Some(step) = stack.pop() {
        let (node, in_link, in_article) = match step {
            Step::Exit { block } => {
                path.pop();
                if block {
                    flush(cur, &path, out);
                }
                continue;
            }
            Step::Enter {
                node,
                in_link,
                in_article,
            } => (node, in_link, in_article),
        };
        let push_children = |stack: &mut Vec<Step<'a>>, link: bool, article: bool| {
            let children: Vec<_> = node.children().collect();
            stack.extend(children.into_iter().rev().map(|c| Step::Enter {
                node: c,
                in_link: link,
                in_article: article,
            }));
        };
        match node.value() {
            Node::Text(t) => {
                let s: &str = t;
                if !s.trim().is_empty() || !cur.text.is_empty() {
                    cur.text.push_str(s);
                    if in_link {
                        cur.link_chars += s.trim().chars().count();
                    }
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if skip(page, node, e, in_article) {
                    continue;
                }
                if name == "br" {
                    // Two <br>s in a row separate paragraphs; one is a space.
                    if cur.text.trim_end().ends_with('\u{E000}') {
                        flush(cur, &path, out);
                    } else {
                        cur.text.push('\u{E000}');
                    }
                    continue;
                }
                let link = in_link || name == "a";
                let article = in_article || matches!(name, "article" | "main");
                if path.len() >= MAX_BLOCK_DEPTH {
                    // Too deep to be structure: its text joins the current block.
                    push_children(&mut stack, link, article);
                    continue;
                }
                let block = BLOCK_TAGS.contains(&name);
                path.push((node.id(), name.to_string()));
                if block {
                    flush(cur, &path, out);
                }
                stack.push(Step::Exit { block });
                push_children(&mut stack, link, article);
            }
            Node::Document | Node::Fragment => push_children(&mut stack, in_link, in_article),
            _ => {}
        }
    }
}

/// Ends the current block (if it has text) and starts the next one inside the
/// innermost block element on `path`.
fn flush(cur: &mut Block, path: &[(NodeId, String)], out: &mut Vec<Block>) {
    let text = cur.text.replace('\u{E000}', " ");
    if !text.trim().is_empty() {
        out.push(Block {
            text,
            link_chars: cur.link_chars,
            ancestors: std::mem::take(&mut cur.ancestors),
            tag: std::mem::take(&mut cur.tag),
        });
    }
    cur.text.clear();
    cur.link_chars = 0;
    // The block belongs to the innermost block-level element; inline wrappers
    // (<span>, <a>) inside it do not change its container.
    let inner = path
        .iter()
        .rposition(|(_, t)| BLOCK_TAGS.contains(&t.as_str()))
        .unwrap_or(0);
    cur.ancestors = path[..(inner + 1).min(path.len())]
        .iter()
        .rev()
        .map(|(id, _)| *id)
        .collect();
    cur.tag = path.get(inner).map(|(_, t)| t.clone()).unwrap_or_default();
}

/// Whether to skip an element's subtree. `in_article`: it sits inside an
/// `<article>` or `<main>`.
fn skip(
    page: &Page,
    node: NodeRef<'_, Node>,
    e: &scraper::node::Element,
    in_article: bool,
) -> bool {
    let name = e.name();
    if matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    if SKIP_TAGS.contains(&name) {
        return true;
    }
    if e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = e.attr("style") {
        let s: String = style.to_lowercase().split_whitespace().collect();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    if e.attr("role")
        .is_some_and(|r| SKIP_ROLES.contains(&r.trim()))
    {
        return true;
    }
    if name == "header" {
        // A site header (logo, menu) rather than an article's own header.
        return !in_article;
    }
    let mut words: Vec<String> = Vec::new();
    for attr in [e.attr("class"), e.attr("id"), e.attr("data-component")]
        .into_iter()
        .flatten()
    {
        let lower = attr.to_lowercase();
        words.extend(
            lower
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string),
        );
        // "most-read", "more-stories" spelled as one word too.
        words.push(lower.replace(['-', '_'], ""));
    }
    if words.is_empty() {
        return false;
    }
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    // Long furniture words also match as prefixes: "relatedposts", "sharebar-top",
    // "cookiebanner".
    let has_or_prefix = |list: &[&str]| {
        has(list)
            || words
                .iter()
                .any(|w| list.iter().any(|h| h.len() >= 5 && w.starts_with(h)))
    };
    if has_or_prefix(NEVER_CONTENT_WORDS) {
        return true;
    }
    if has_or_prefix(HARD_WORDS) {
        return !page.holds_most_prose(node.id());
    }
    has(SOFT_WORDS) && !has(CONTENT_WORDS) && !page.holds_most_prose(node.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!doctype html><html><head><title>Floods in Sindh | Example News</title>
<meta property="og:title" content="Floods sweep Sindh">
<script>var nav = "Kabul Tehran";</script><style>.x{color:red}</style></head>
<body class="has-sidebar">
<header class="site-header"><a href="/">Example News</a><nav><a href="/world">World</a> <a href="/asia">Asia</a> <a href="/europe">Europe</a></nav></header>
<div id="cookie-banner">We use cookies. <button>Accept</button></div>
<main><article>
<h1>Floods sweep Sindh</h1>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
<div class="article-body">
<p>KARACHI, Pakistan - Floodwaters swept through villages in Sindh province on Monday, officials said, as the Indus rose near Sukkur.</p>
<p>The army flew helicopters from Hyderabad and Larkana, and agencies in Islamabad appealed for tents.</p>
<div class="ad-slot">Advertisement</div>
<p>Neighbouring India opened two relief camps in Rajasthan, <a href="/x">officials</a> said.</p>
</div>
<ul class="related-links"><li><a href="/a">Earthquake in Quetta</a></li><li><a href="/b">Heat in Lahore</a></li></ul>
</article></main>
<aside><h2>Most read</h2><p>Storm hits Dhaka, leaving thousands homeless in the rain.</p></aside>
<footer><p>© 2024 Example News. All rights reserved.</p></footer>
</body></html>"##;

    #[test]
    fn keeps_the_article_and_drops_furniture() {
        let e = extract(PAGE);
        assert_eq!(e.title.as_deref(), Some("Floods sweep Sindh"));
        assert!(
            e.text.starts_with("Floods sweep Sindh\n\nKARACHI"),
            "{}",
            e.text
        );
        assert!(e.text.contains("Larkana"));
        assert!(e.text.contains("Rajasthan, officials said."));
        for gone in [
            "Kabul",
            "World",
            "Europe",
            "cookies",
            "Facebook",
            "Advertisement",
            "Quetta",
            "Dhaka",
            "rights",
            "color",
        ] {
            assert!(!e.text.contains(gone), "{gone} leaked: {}", e.text);
        }
    }

    #[test]
    fn bare_text_divs_and_br_paragraphs() {
        let e = extract(
            "<html><body><div>Talks opened in Geneva on Monday, diplomats said.<br><br>Delegates from Aleppo and Homs arrived late.</div></body></html>",
        );
        assert_eq!(
            e.text,
            "Talks opened in Geneva on Monday, diplomats said.\n\nDelegates from Aleppo and Homs arrived late."
        );
        assert_eq!(e.title, None);
    }

    #[test]
    fn empty_and_broken_html() {
        assert_eq!(extract("").text, "");
        let e = extract("<p>Rain in <b>Paris</b> and Lyon today, forecasters said.<p>More in Nice");
        assert!(e.text.contains("Rain in Paris and Lyon"));
    }
}
