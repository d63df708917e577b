//! Opens an index file and prints how long each part of the open took, best of N.
//!
//! `cargo run --release --example open_index -- FILE [RUNS]`

use std::path::PathBuf;
use std::time::Instant;

use mentionmap::gazetteer::index_file::{self, RecordLoading};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: open_index FILE [RUNS]")?);
    let runs: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    for _ in 0..runs {
        let start = Instant::now();
        let (g, t) = index_file::open_with(&path, RecordLoading::Auto)?;
        let total = start.elapsed();
        println!(
            "{} places: total {:.3} s = map {:.3} + checksum {:.3} + records {:.3} + names {:.3} (automaton checksum {:.4}) + tree {:.3} + regions {:.3}",
            g.len(),
            total.as_secs_f64(),
            t.map.as_secs_f64(),
            t.checksum.as_secs_f64(),
            t.records.as_secs_f64(),
            t.names.as_secs_f64(),
            t.automaton_checksum.as_secs_f64(),
            t.tree.as_secs_f64(),
            t.regions.as_secs_f64(),
        );
    }
    Ok(())
}
