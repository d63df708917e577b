//! `mentionmap eval`: run the pipeline over annotated corpora and print the figures.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use mentionmap::eval::calibration::{self, Reliability};
use mentionmap::eval::coverage::{self, Coverage};
use mentionmap::eval::{GoldDocument, Prediction, Scores, Tally};
use mentionmap::pipeline::{MappedDocument, Mapper};
use mentionmap::resolve::ranker::{LearnedRanker, Ranking};
use mentionmap::{Error, Gazetteer};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Corpus files: JSONL, one {"id", "text", "toponyms": [...]} per line.
    #[arg(required = true, value_name = "CORPUS.jsonl")]
    pub corpora: Vec<PathBuf>,
    /// Print the figures as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Write every error here, one JSON line each with its `class`: missed, spurious,
    /// wrong_entry, right_entry_far_point, far_point (no ids to tell).
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Write predictions in the format of shared/tools/score.py here (JSONL).
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,
    /// Use only the first N documents of each corpus.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Do not count demonyms as mentions.
    #[arg(long)]
    pub no_demonyms: bool,
    /// Drop mentions whose best candidate scores below this.
    #[arg(long, value_name = "SCORE")]
    pub min_score: Option<f64>,
    /// Also print gazetteer coverage: the share of gold toponyms with an entry of that
    /// name within 161 km of the gold point (an upper bound of acc@161).
    #[arg(long)]
    pub coverage: bool,
    /// Write every gold toponym the gazetteer does not cover here, one JSON line each
    /// (corpus, name, gold point, `far` or `absent`, the nearest entry of the name), for
    /// `scripts/coverage_gaps.py`. Implies `--coverage`.
    #[arg(long, value_name = "FILE")]
    pub coverage_gaps: Option<PathBuf>,
    /// Write the confidence model's inputs and outcome for every resolved mention here
    /// (JSONL: corpus, inputs, right), for `scripts/calibrate`.
    #[arg(long, value_name = "FILE")]
    pub dump_confidence: Option<PathBuf>,
    /// How a mention's place is picked among its namesakes: `rules` or `learned`.
    #[arg(long, value_name = "RANKER", default_value = "rules", value_parser = ["rules", "learned"])]
    pub ranker: String,
    /// Use the learned ranker with these weights instead of the shipped ones (the
    /// format of `src/resolve/ranker.tsv`; for `scripts/train-ranker`).
    #[arg(long, value_name = "FILE", hide = true)]
    pub ranker_weights: Option<PathBuf>,
    /// Write, for every mention with two or more candidates, each candidate's ranker
    /// inputs, its hand-set and learned scores, and whether it lies within 161 km of the
    /// gold toponym the mention overlaps (JSONL, for `scripts/train-ranker`).
    #[arg(long, value_name = "FILE", hide = true)]
    pub dump_ranker: Option<PathBuf>,
    /// Use these calibration weights instead of the shipped ones (the format of
    /// `src/resolve/calibration.tsv`).
    #[arg(long, value_name = "FILE")]
    pub calibration: Option<PathBuf>,
}

/// Predictions of one mapped document, in code points.
pub fn predictions(gazetteer: &Gazetteer, doc: &MappedDocument) -> Vec<Prediction> {
    let mut out: Vec<Prediction> = doc
        .places
        .iter()
        .flat_map(|p| {
            let id = p
                .place
                .map(|i| gazetteer.place(i))
                .filter(|g| g.has_geonames_id())
                .map(|g| g.id);
            p.mentions.iter().map(move |m| Prediction {
                start: m.start,
                end: m.end,
                name: m.text.clone(),
                lat: p.lon_lat.1,
                lon: p.lon_lat.0,
                geonameid: id,
            })
        })
        .collect();
    out.sort_by_key(|p| (p.start, p.end));
    out
}

pub fn run(gazetteer: Arc<Gazetteer>, args: EvalArgs) -> Result<i32, Error> {
    // Scoring needs every mention, however often a place is named.
    let mut builder = Mapper::builder()
        .demonyms(!args.no_demonyms)
        .max_mentions(None);
    if let Some(s) = args.min_score {
        builder = builder.min_score(s);
    }
    if let Some(p) = &args.calibration {
        builder = builder.calibration(Arc::new(
            mentionmap::resolve::calibration::Calibration::from_file(p)?,
        ));
    }
    builder = builder.ranker_inputs(args.dump_ranker.is_some());
    builder = builder.ranking(match &args.ranker_weights {
        Some(p) => Ranking::Learned(Arc::new(LearnedRanker::from_file(p)?)),
        None => Ranking::from_name(&args.ranker)?,
    });
    let mapper = builder.build(gazetteer.clone());
    let out_err = |e: std::io::Error| Error::Output(e.to_string());
    let mut errors_out = match &args.errors {
        Some(p) => Some(mentionmap::atomic_file::AtomicFile::create(p)?),
        None => None,
    };
    let mut dump_out = match &args.dump_confidence {
        Some(p) => Some(mentionmap::atomic_file::AtomicFile::create(p)?),
        None => None,
    };
    let mut ranker_out = match &args.dump_ranker {
        Some(p) => {
            let mut w = mentionmap::atomic_file::AtomicFile::create(p)?;
            writeln!(w, "{}", super::dump_ranker::header()).map_err(out_err)?;
            Some(w)
        }
        None => None,
    };
    let mut gaps_out = match &args.coverage_gaps {
        Some(p) => Some(mentionmap::atomic_file::AtomicFile::create(p)?),
        None => None,
    };
    let show_coverage = args.coverage || args.coverage_gaps.is_some();
    let mut reliability: Vec<(String, Reliability)> = Vec::new();
    let mut preds_out = match &args.predictions {
        Some(p) => Some(mentionmap::atomic_file::AtomicFile::create(p)?),
        None => None,
    };

    let mut rows: Vec<(String, Scores, f64)> = Vec::new();
    let mut covered: Vec<(String, Coverage)> = Vec::new();
    let mut overall = Tally::default();
    let mut overall_secs = 0.0;
    let mut bad_lines = 0;
    for path in &args.corpora {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut tally = Tally::default();
        let mut cover = Coverage::default();
        let mut reliable = Reliability::default();
        let mut secs = 0.0;
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            if args.limit.is_some_and(|l| tally.docs >= l) {
                break;
            }
            let line = line.map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let doc: GoldDocument = match serde_json::from_str(&line) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!(
                        "mentionmap: {}:{}: skipped, not a corpus document: {e}",
                        path.display(),
                        n + 1
                    );
                    bad_lines += 1;
                    continue;
                }
            };
            if show_coverage {
                for t in &doc.toponyms {
                    cover.add(coverage::check(&gazetteer, t));
                }
            }
            if let Some(w) = gaps_out.as_mut() {
                for g in doc
                    .toponyms
                    .iter()
                    .filter_map(|t| coverage::gap(&gazetteer, t))
                {
                    let mut row = serde_json::json!(g);
                    row["corpus"] = serde_json::json!(name);
                    row["id"] = serde_json::json!(doc.id);
                    writeln!(w, "{row}").map_err(out_err)?;
                }
            }
            let t0 = Instant::now();
            let mapped = mapper.map(&doc.text);
            secs += t0.elapsed().as_secs_f64();
            for p in &mapped.places {
                for m in &p.mentions {
                    let right = calibration::is_right(&doc.toponyms, m.start, m.end, p.lon_lat);
                    reliable.add(p.confidence, right);
                }
            }
            if let Some(w) = dump_out.as_mut() {
                for e in mapped
                    .explanations
                    .iter()
                    .filter(|e| !e.replaced_by_relative)
                {
                    let Some(place) = e.chosen else { continue };
                    let g = gazetteer.place(place);
                    let right = calibration::is_right(
                        &doc.toponyms,
                        e.mention.start,
                        e.mention.end,
                        g.lon_lat(),
                    );
                    let row =
                        serde_json::json!({"corpus": name, "inputs": e.inputs, "right": right});
                    writeln!(w, "{row}").map_err(out_err)?;
                }
            }
            if let Some(w) = ranker_out.as_mut() {
                for row in super::dump_ranker::rows(&gazetteer, &name, &doc, &mapped) {
                    writeln!(w, "{row}").map_err(out_err)?;
                }
            }
            let preds = predictions(&gazetteer, &mapped);
            let errs = tally.add(&doc.text, &doc.toponyms, &preds);
            if let Some(w) = errors_out.as_mut() {
                for record in super::eval_errors::records(&name, &doc.id, &errs) {
                    writeln!(w, "{record}").map_err(out_err)?;
                }
            }
            if let Some(w) = preds_out.as_mut() {
                writeln!(
                    w,
                    "{}",
                    serde_json::json!({"id": doc.id, "predictions": preds})
                )
                .map_err(out_err)?;
            }
        }
        overall.merge(&tally);
        overall_secs += secs;
        reliability.push((name.clone(), reliable));
        covered.push((name.clone(), cover));
        rows.push((name, tally.scores(), throughput(&tally, secs)));
    }
    rows.push((
        "overall".into(),
        overall.scores(),
        throughput(&overall, overall_secs),
    ));
    let total = covered.iter().fold(Coverage::default(), |mut a, (_, c)| {
        a.merge(c);
        a
    });
    covered.push(("overall".into(), total));
    let all = reliability
        .iter()
        .fold(Reliability::default(), |mut a, (_, r)| {
            a.merge(r);
            a
        });
    reliability.push(("overall".into(), all));
    let docs_per_s = if overall_secs > 0.0 {
        overall.docs as f64 / overall_secs
    } else {
        0.0
    };

    if args.json {
        let json: Vec<serde_json::Value> = rows
            .iter()
            .zip(&covered)
            .map(|((n, s, mbs), (_, c))| {
                let r = &reliability
                    .iter()
                    .find(|r| &r.0 == n)
                    .expect("one per corpus")
                    .1;
                let mut v = serde_json::json!({"corpus": n, "scores": s, "mb_per_s": mbs,
                    "ece": r.ece(), "reliability": r.bins});
                if show_coverage {
                    v["coverage"] = serde_json::json!(c);
                }
                v
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({"corpora": json, "docs_per_s": docs_per_s, "skipped_lines": bad_lines})).map_err(|e| Error::Output(e.to_string()))?);
    } else {
        print_table(&rows);
        print_reliability(&reliability);
        if show_coverage {
            print_coverage(&covered);
        }
        println!(
            "{} documents, {:.0} docs/s, {:.2} MB/s (mapping only, one thread){}",
            overall.docs,
            docs_per_s,
            rows.last().map(|r| r.2).unwrap_or(0.0),
            if bad_lines > 0 {
                format!("; {bad_lines} lines skipped")
            } else {
                String::new()
            }
        );
    }
    if let Some(w) = errors_out {
        w.commit()?;
    }
    if let Some(w) = gaps_out {
        w.commit()?;
    }
    if let Some(w) = dump_out {
        w.commit()?;
    }
    if let Some(w) = ranker_out {
        w.commit()?;
    }
    if let Some(w) = preds_out {
        w.commit()?;
    }
    Ok(if bad_lines > 0 { 3 } else { 0 })
}

fn throughput(t: &Tally, secs: f64) -> f64 {
    if secs > 0.0 {
        t.bytes as f64 / 1e6 / secs
    } else {
        0.0
    }
}

/// The expected calibration error per corpus and the overall reliability table.
fn print_reliability(rows: &[(String, Reliability)]) {
    let eces: Vec<String> = rows
        .iter()
        .map(|(n, r)| format!("{n} {:.3}", r.ece()))
        .collect();
    println!(
        "\nconfidence: expected calibration error (ECE) {}",
        eces.join(", ")
    );
    let Some((_, all)) = rows.last() else { return };
    println!(
        "{:<11} {:>6} {:>9} {:>7}",
        "confidence", "places", "mean conf", "right"
    );
    for (i, b) in all.bins.iter().enumerate() {
        if b.n == 0 {
            continue;
        }
        println!(
            "{:<11} {:>6} {:>9.3} {:>7.3}",
            format!("{:.1}-{:.1}", i as f64 / 10.0, (i + 1) as f64 / 10.0),
            b.n,
            b.mean_confidence(),
            b.accuracy()
        );
    }
}

fn print_coverage(rows: &[(String, Coverage)]) {
    println!(
        "\n{:<12} {:>6} {:>6} {:>6} {:>6} | {:>8}   (gazetteer coverage: an entry of the name within {} km)",
        "corpus", "gold", "near", "far", "absent", "covered", coverage::COVERAGE_KM
    );
    for (name, c) in rows {
        println!(
            "{:<12} {:>6} {:>6} {:>6} {:>6} | {:>8.3}",
            name,
            c.gold,
            c.near,
            c.far,
            c.absent,
            c.share()
        );
    }
}

fn print_table(rows: &[(String, Scores, f64)]) {
    println!(
        "{:<12} {:>5} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>7} {:>8} {:>8} {:>6} {:>6}",
        "corpus", "docs", "gold", "pred", "ex.P", "ex.R", "ex.F1", "ov.P", "ov.R", "ov.F1", "acc161", "mean km", "med km", "AUC", "id acc"
    );
    for (name, s, _) in rows {
        let (acc, mean, med, auc, id) = match s.resolution {
            Some(r) => (
                format!("{:.3}", r.acc161),
                format!("{:.0}", r.mean_km),
                format!("{:.1}", r.median_km),
                format!("{:.3}", r.auc),
                r.geonameid_acc
                    .map(|a| format!("{a:.3}"))
                    .unwrap_or_else(|| "-".into()),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into(), "-".into()),
        };
        println!(
            "{:<12} {:>5} {:>6} {:>6} | {:>6.3} {:>6.3} {:>6.3} | {:>6.3} {:>6.3} {:>6.3} | {:>7} {:>8} {:>8} {:>6} {:>6}",
            name, s.docs, s.gold, s.predicted, s.exact.p, s.exact.r, s.exact.f1, s.overlap.p, s.overlap.r, s.overlap.f1, acc, mean, med, auc, id
        );
    }
}
