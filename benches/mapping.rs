//! Benchmarks (not run in CI): `cargo bench --bench mapping`.
//!
//! * `load/*` — time to load the bundled default gazetteer from its compiled-in TSV
//!   (the first run) and from the cached index (every later run; its records decoded
//!   at open, as for any index of up to a million places, or left in the map as for a
//!   full GeoNames index); the process's resident memory before and after a load is
//!   printed to stderr. `cargo run --release --example open_index -- FILE` times the
//!   parts of opening any index file.
//! * `map/*` — mapping news text document by document (the dev corpora's texts from
//!   ../shared/eval/dev, or the test texts when absent), reported in bytes/s, next to a baseline in the same
//!   run: tokenising the same text, the least any mapper must do. Compare ratios, not
//!   absolute times: these machines are noisy.
//! * `spatial/*` — R-tree "within 50 km" against a linear haversine scan over every
//!   gazetteer point, on the same random queries (fixed seed).

use std::path::Path;
use std::sync::Arc;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use mentionmap::gazetteer::builder::GazetteerBuilder;
use mentionmap::geodesy::haversine_km;
use mentionmap::{Gazetteer, Mapper};
use rand::{Rng, SeedableRng};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn news_corpus() -> Vec<String> {
    let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev");
    let mut texts = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dev) {
        for e in entries.flatten() {
            if let Ok(s) = std::fs::read_to_string(e.path()) {
                for line in s.lines() {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                        if let Some(t) = v["text"].as_str() {
                            texts.push(t.to_string());
                        }
                    }
                }
            }
        }
    }
    if texts.is_empty() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/texts");
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            texts.push(std::fs::read_to_string(e.path()).unwrap());
        }
    }
    texts
}

fn bench_load(c: &mut Criterion) {
    let before = rss_kib();
    let g = Gazetteer::bundled().expect("bundled gazetteer");
    let after = rss_kib();
    eprintln!(
        "bundled gazetteer: {} places, {} names; RSS {:.1} MiB before, {:.1} MiB after load (+{:.1} MiB)",
        g.len(),
        g.names().len(),
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after - before) as f64 / 1024.0
    );
    drop(g);
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    // Baseline: building from the compiled-in TSV, as every first run did before
    // the index was built at compile time.
    group.bench_function("bundled_from_tsv", |b| {
        b.iter(|| {
            let mut builder = GazetteerBuilder::default();
            builder.add_bundled().unwrap();
            black_box(builder.finish().into_gazetteer("bundled"))
        })
    });
    // Every run: mapping the compiled-in index.
    group.bench_function("bundled_compiled_in", |b| {
        b.iter(|| black_box(Gazetteer::bundled().unwrap()))
    });
    group.finish();
}

fn bench_map(c: &mut Criterion) {
    let gazetteer = Arc::new(Gazetteer::bundled().unwrap());
    let mapper = Mapper::new(gazetteer);
    let docs = news_corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    let mut group = c.benchmark_group("map");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("baseline_tokenize", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| mentionmap::text::tokenize(d).len())
                .sum::<usize>()
        })
    });
    group.bench_function("mapper", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| mapper.map(d).places.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn bench_spatial(c: &mut Criterion) {
    let g = Gazetteer::bundled().unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let queries: Vec<(f64, f64)> = (0..200)
        .map(|_| (rng.gen_range(-120.0..140.0), rng.gen_range(-40.0..60.0)))
        .collect();
    let mut group = c.benchmark_group("spatial");
    group.sample_size(10);
    group.bench_with_input(
        BenchmarkId::new("rtree_within_50km", queries.len()),
        &queries,
        |b, qs| {
            b.iter(|| {
                qs.iter()
                    .map(|&(lon, lat)| g.spatial().within_km(lon, lat, 50.0).len())
                    .sum::<usize>()
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new("linear_within_50km", queries.len()),
        &queries,
        |b, qs| {
            b.iter(|| {
                qs.iter()
                    .map(|&(lon, lat)| {
                        g.iter_places()
                            .filter(|p| haversine_km((lon, lat), p.lon_lat()) <= 50.0)
                            .count()
                    })
                    .sum::<usize>()
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench_load, bench_map, bench_spatial);
criterion_main!(benches);
