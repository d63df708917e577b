//! Main-text extraction compared on real saved news pages with reference article
//! text (newspaper4k's test data, fetched by `scripts/fetch-news-pages`):
//!
//! * `mentionmap` — `mentionmap::html::extract`, the extractor the tool uses;
//! * `dom_smoothie` — a maintained Rust port of Mozilla's Readability.js, its
//!   formatted text with the title;
//! * `all text` — every text node outside scripts, styles and `<head>`: no
//!   extraction, the floor.
//!
//! For each: bag-of-words precision/recall/F1 against the reference text, and
//! precision/recall of the places mapped from it against the places mapped from the
//! reference text (`mentionmap::eval::extraction`), as means over pages, with the
//! time per page relative to mentionmap's, measured in this run.
//!
//!     cargo run --release --manifest-path benches/extract_compare/Cargo.toml [DATA_DIR]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mentionmap::eval::extraction::{mapped_places as places, set_overlap, word_overlap};
use mentionmap::{Gazetteer, Mapper};
use scraper::{Html, Node};

type Extractor = fn(&str) -> String;

fn mentionmap_extract(html: &str) -> String {
    mentionmap::html::extract(html).text
}

fn dom_smoothie_extract(html: &str) -> String {
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    match dom_smoothie::Readability::new(html, None, Some(cfg)).and_then(|mut r| r.parse()) {
        Ok(a) => format!("{}\n\n{}", a.title, a.text_content),
        Err(_) => String::new(),
    }
}

fn all_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let mut out = String::new();
    for node in doc.tree.root().descendants() {
        if let Node::Text(t) = node.value() {
            let hidden = node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| {
                    matches!(
                        e.name(),
                        "script" | "style" | "head" | "noscript" | "template"
                    )
                })
            });
            if !hidden && !t.trim().is_empty() {
                out.push_str(t.trim());
                out.push('\n');
            }
        }
    }
    out
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/news-pages/newspaper4k-0.9.6/tests/data")
        });
    let Ok(entries) = std::fs::read_dir(dir.join("txt")) else {
        eprintln!(
            "no pages at {}: run scripts/fetch-news-pages",
            dir.display()
        );
        std::process::exit(1);
    };
    let mut pages: Vec<(String, String, String)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.path().file_stem()?.to_string_lossy().to_string();
            let html = std::fs::read(dir.join("html").join(format!("{name}.html"))).ok()?;
            let reference = std::fs::read_to_string(e.path()).ok()?;
            Some((name, String::from_utf8_lossy(&html).into_owned(), reference))
        })
        .collect();
    pages.sort();
    let mapper = Mapper::new(Arc::new(Gazetteer::bundled().expect("bundled gazetteer")));

    let extractors: [(&str, Extractor); 3] = [
        ("mentionmap", mentionmap_extract),
        ("dom_smoothie", dom_smoothie_extract),
        ("all text", all_text),
    ];
    // Sums of word P, R, F1, place P, R; time; pages with word F1 < 0.5.
    let mut sums = [[0.0f64; 5]; 3];
    let mut time = [Duration::ZERO; 3];
    let mut failed = [0usize; 3];
    println!(
        "{:22} {:>26} {:>26} {:>26}",
        "page (word F1, places P/R)", "mentionmap", "dom_smoothie", "all text"
    );
    for (name, html, reference) in &pages {
        let want = places(&mapper, reference);
        let mut line = format!("{name:26}");
        for (k, (_, extract)) in extractors.iter().enumerate() {
            // Best of three runs, so one page's time is not a cold-cache outlier.
            let mut text = String::new();
            let mut best = Duration::MAX;
            for _ in 0..3 {
                let t = Instant::now();
                text = extract(html);
                best = best.min(t.elapsed());
            }
            time[k] += best;
            let w = word_overlap(&text, reference);
            let p = set_overlap(&places(&mapper, &text), &want);
            for (i, v) in [w.p, w.r, w.f1, p.p, p.r].into_iter().enumerate() {
                sums[k][i] += v;
            }
            failed[k] += usize::from(w.f1 < 0.5);
            line += &format!(" {:>12.2} {:>5.2}/{:<5.2}", w.f1, p.p, p.r);
        }
        println!("{line}");
    }
    let n = pages.len() as f64;
    println!(
        "\n{} pages; means over pages; time relative to mentionmap in this run",
        pages.len()
    );
    println!(
        "| extractor | word P | word R | word F1 | pages F1 < 0.5 | places P | places R | time |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (k, (label, _)) in extractors.iter().enumerate() {
        let s = sums[k].map(|v| v / n);
        println!(
            "| {label} | {:.3} | {:.3} | {:.3} | {} | {:.3} | {:.3} | {:.2} |",
            s[0],
            s[1],
            s[2],
            failed[k],
            s[3],
            s[4],
            time[k].as_secs_f64() / time[0].as_secs_f64()
        );
    }
}
