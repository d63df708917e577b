//! `mentionmap map corpus/ --html corpus.html` and `--aggregate corpus.geojson`
//! (also with `--jsonl docs.jsonl`): every document mapped in parallel (the batch
//! machinery of [`mentionmap::batch`]) and folded into one feature per place
//! ([`mentionmap::aggregate`]); written as a self-contained map page, as GeoJSON,
//! or both. One error line per bad document, one summary line at the end.

use std::path::PathBuf;
use std::time::Instant;

use mentionmap::aggregate::{Aggregator, DocInfo};
use mentionmap::atomic_file;
use mentionmap::batch::{self, DocError, DocResult};
use mentionmap::fetch::{FetchOptions, Fetcher};
use mentionmap::output::{self, Metadata};
use mentionmap::pipeline::Mapper;
use mentionmap::source::PrepareOptions;
use mentionmap::{Error, Gazetteer, Layer};

use super::batch::{BatchSource, EXIT_SOME_FAILED};

/// What an aggregated run needs.
pub struct AggregateConfig<'a> {
    pub mapper: &'a Mapper,
    pub gazetteer: &'a Gazetteer,
    pub layers: Vec<Layer>,
    pub threads: Option<usize>,
    pub prepare: PrepareOptions,
    pub fetch: FetchOptions,
    /// The map page to write.
    pub html: Option<PathBuf>,
    /// The aggregated GeoJSON to write.
    pub geojson: Option<PathBuf>,
}

/// Maps and aggregates a batch; 0, or [`EXIT_SOME_FAILED`] when a document failed.
pub fn run(cfg: AggregateConfig<'_>, source: BatchSource) -> Result<i32, Error> {
    let started = Instant::now();
    let (source_name, docs) = source.open(cfg.prepare.max_bytes)?;
    let fetcher = Fetcher::new(cfg.fetch.clone())?;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = cfg.threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build().map_err(|e| Error::BadInput {
        source_name: "--threads".into(),
        message: e.to_string(),
    })?;

    let (gazetteer, layers) = (cfg.gazetteer, &cfg.layers);
    // Features are made on the worker threads; the aggregator folds them in order.
    let render = |r: &Result<DocResult, DocError>| -> Vec<geojson::Feature> {
        match r {
            Ok(d) => {
                output::feature_collection(gazetteer, &d.mapped, &d.prepared.meta, layers).features
            }
            Err(_) => Vec::new(),
        }
    };
    let mut agg = Aggregator::default();
    let summary = pool.install(|| {
        batch::run(
            cfg.mapper,
            docs,
            Some(&fetcher),
            &cfg.prepare,
            render,
            |r, features| {
                match r {
                    Ok(d) => agg.add(doc_info(&d), &features),
                    Err(e) => {
                        agg.add_error();
                        eprintln!("mentionmap: error: {e}");
                    }
                }
                Ok(())
            },
        )
    })?;

    let meta = output::metadata(
        gazetteer,
        &Metadata {
            source: Some(source_name),
            ..Default::default()
        },
        layers,
    );
    let fc = agg.feature_collection(meta);
    if let Some(path) = &cfg.geojson {
        let mut bytes = serde_json::to_vec(&fc).map_err(|e| Error::Output(e.to_string()))?;
        bytes.push(b'\n');
        atomic_file::write(path, &bytes)?;
    }
    if let Some(path) = &cfg.html {
        atomic_file::write(path, mentionmap::web::self_contained_html(&fc).as_bytes())?;
    }
    let written: Vec<String> = [&cfg.html, &cfg.geojson]
        .into_iter()
        .flatten()
        .map(|p| p.display().to_string())
        .collect();
    eprintln!(
        "mentionmap: {} documents, {} places aggregated, {} errors, {:.2} s: wrote {}",
        summary.documents,
        agg.places(),
        summary.errors,
        started.elapsed().as_secs_f64(),
        written.join(", ")
    );
    Ok(if summary.errors > 0 {
        EXIT_SOME_FAILED
    } else {
        0
    })
}

fn doc_info(d: &DocResult) -> DocInfo {
    DocInfo {
        id: d.id.clone(),
        title: d.prepared.meta.title.clone(),
        date: d.date.clone(),
    }
}
