//! Prints the main text mentionmap extracts from HTML files (what gets mapped).
//!
//! `cargo run --release --example extract_html -- page.html [more.html ...]`

fn main() {
    for path in std::env::args().skip(1) {
        let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let e = mentionmap::html::extract(&html);
        println!("== {path}");
        println!("title: {:?}", e.title);
        println!(
            "blocks kept {}, dropped {}",
            e.blocks_kept, e.blocks_dropped
        );
        println!("{}\n", e.text);
    }
}
