//! Python bindings for mentionmap (PyO3), imported as `mentionmap._mentionmap`.
//!
//! The extension holds one thing, [`PyMapper`] (`mentionmap.Mapper` in Python): the
//! library's [`Mapper`] over a gazetteer loaded once, with the input preparation and
//! output writers the CLI uses, so `Mapper.map(text)` returns the same GeoJSON
//! FeatureCollection `mentionmap map` writes, parsed into Python objects.
//!
//! ## Threads and the GIL
//!
//! Mapping never touches Python objects: texts are copied out of Python first, the
//! work runs with the GIL released ([`Python::allow_threads`]), and only the results
//! are turned into Python objects. `map_many` maps its documents on `threads` worker
//! threads (one per core when not given) through the library's ordered pipeline
//! (`mentionmap::batch::ordered`, what the CLI's batches use), converting each
//! result on the calling thread as its turn comes, with the GIL taken for that
//! alone; `columns` maps on a rayon pool of `threads` workers made for the call (or
//! rayon's global pool). The mapper is immutable (`frozen`) and `Sync`, so Python
//! threads may share one.
//!
//! ## Results as Python objects
//!
//! The collections are made by the library's GeoJSON writer on the workers (the
//! same code the CLI's output goes through), then turned straight into dicts and
//! lists with the GIL held (module `topy`: no JSON text, no `serde_json::Value`
//! copy, repeated strings shared); `benches/python_vs_cli.py` compares the cost of
//! the binding with the CLI. Flat rows ([`PyMapper::columns`]) skip GeoJSON and go
//! straight to column lists, which pandas and Arrow take without a per-row dict.

use std::path::PathBuf;
use std::sync::Arc;

use geojson::FeatureCollection;
use mentionmap::gazetteer::Layer;
use mentionmap::output::{feature_collection, Metadata};
use mentionmap::rows::PlaceValues;
use mentionmap::source::{prepare, Input, PrepareOptions};
use mentionmap::{Gazetteer, MappedDocument, Mapper};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use rayon::prelude::*;
use serde_json::{json, Value};

mod topy;
use topy::{SharedStrings, ToPy};

/// mimalloc rather than the system allocator for the extension's own (Rust)
/// allocations: the collections are made on the workers and dropped on the calling
/// thread, and glibc's malloc takes an arena lock for each such free (the same
/// choice as the command's; see the root Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

create_exception!(
    _mentionmap,
    MentionmapError,
    PyException,
    "An error from mentionmap: an unreadable or corrupt gazetteer, bad input."
);

fn to_py_err(e: mentionmap::Error) -> PyErr {
    MentionmapError::new_err(e.to_string())
}

/// Maps texts to the places they mention, over a gazetteer loaded once.
///
/// `Mapper(gazetteer=None, *, demonyms=True, min_score=None, min_confidence=None,
/// boilerplate_filter=True, layers=None)`; `mentionmap.Mapper` in Python (a subclass that adds rows,
/// to_dataframe and to_geodataframe). Type stubs: `mentionmap/_mentionmap.pyi`.
#[pyclass(frozen, subclass, module = "mentionmap._mentionmap", name = "Mapper")]
pub struct PyMapper {
    mapper: Arc<Mapper>,
    prepare: PrepareOptions,
    layers: Vec<Layer>,
}

/// One document of a call, copied out of Python so that mapping can run without the GIL.
struct Doc {
    id: Option<String>,
    text: String,
}

impl PyMapper {
    /// Prepares one text as the CLI does for a text input (the trailing-boilerplate
    /// filter keeps a prefix, so offsets still index the caller's string) and maps it.
    fn map_doc(&self, doc: &Doc) -> Result<(Metadata, MappedDocument), mentionmap::Error> {
        let prepared = prepare(
            Input::Text {
                name: doc.id.clone().unwrap_or_else(|| "text".into()),
                text: doc.text.clone(),
            },
            None,
            &self.prepare,
        )?;
        let mut meta = prepared.meta;
        // The source names the caller's input; a plain string has none.
        meta.source = None;
        meta.doc = doc.id.clone();
        let mapped = self.mapper.map(&prepared.text);
        Ok((meta, mapped))
    }

    fn geojson(&self, doc: &Doc) -> Result<FeatureCollection, mentionmap::Error> {
        let (meta, mapped) = self.map_doc(doc)?;
        Ok(feature_collection(
            self.mapper.gazetteer(),
            &mapped,
            &meta,
            &self.layers,
        ))
    }

    /// Runs `f` over `docs` without the GIL, in parallel on `threads` workers.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        docs: &[Doc],
        threads: Option<usize>,
        f: impl Fn(&Self, &Doc) -> Result<T, mentionmap::Error> + Sync,
    ) -> PyResult<Vec<T>> {
        let work = || -> Result<Vec<T>, mentionmap::Error> {
            match threads {
                Some(1) => docs.iter().map(|d| f(self, d)).collect(),
                Some(n) => pool(n)?.install(|| docs.par_iter().map(|d| f(self, d)).collect()),
                None => docs.par_iter().map(|d| f(self, d)).collect(),
            }
        };
        py.allow_threads(work).map_err(to_py_err)
    }
}

/// A rayon pool of `n` workers for one call.
fn pool(n: usize) -> Result<rayon::ThreadPool, mentionmap::Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("mentionmap-{i}"))
        .build()
        .map_err(|e| mentionmap::Error::BadInput {
            source_name: "threads".into(),
            message: e.to_string(),
        })
}

/// Copies texts (and ids) out of Python: any iterable of `str`.
fn collect_docs(texts: &Bound<'_, PyAny>, ids: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Doc>> {
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "texts must be an iterable of str, not a single str (use map() for one text)",
        ));
    }
    let mut docs = Vec::new();
    for (i, t) in texts.try_iter()?.enumerate() {
        let t = t?;
        let text: String = t.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "texts[{i}] is {}, not str",
                t.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        docs.push(Doc { id: None, text });
    }
    if let Some(ids) = ids {
        // Ids are strings in every output; numbers are written as Python prints them.
        let ids: Vec<String> = ids
            .try_iter()?
            .map(|id| Ok(id?.str()?.to_string()))
            .collect::<PyResult<_>>()?;
        if ids.len() != docs.len() {
            return Err(PyValueError::new_err(format!(
                "got {} ids for {} texts",
                ids.len(),
                docs.len()
            )));
        }
        for (doc, id) in docs.iter_mut().zip(ids) {
            doc.id = Some(id);
        }
    }
    Ok(docs)
}

fn check_threads(threads: Option<usize>) -> PyResult<Option<usize>> {
    match threads {
        Some(0) => Err(PyValueError::new_err("threads must be at least 1")),
        t => Ok(t),
    }
}

/// Names of the flat row columns, in order (see `columns`): the library's one
/// column set, place columns then mention columns (`mentionmap::rows`).
const COLUMNS: [&str; 19] = mentionmap::rows::MENTION_COLUMNS;

/// One row per mention, built without the GIL.
struct Row {
    doc_id: String,
    name: String,
    place: PlaceValues,
    mention: String,
    start: usize,
    end: usize,
    kind: &'static str,
}

fn rows_of(gaz: &Gazetteer, doc_id: &str, mapped: &MappedDocument, layers: &[Layer]) -> Vec<Row> {
    let mut rows = Vec::new();
    for p in mapped.places.iter().filter(|p| layers.contains(&p.layer)) {
        // The same values the GeoJSON and the CSV carry, so rows and features agree.
        let place = PlaceValues::new(gaz, p);
        for m in &p.mentions {
            rows.push(Row {
                doc_id: doc_id.to_string(),
                name: p.name.clone(),
                place: place.clone(),
                mention: m.text.clone(),
                start: m.start,
                end: m.end,
                kind: m.kind,
            });
        }
    }
    rows
}

#[pymethods]
impl PyMapper {
    #[new]
    #[pyo3(signature = (gazetteer=None, *, demonyms=true, min_score=None, min_confidence=None, boilerplate_filter=true, layers=None))]
    fn new(
        py: Python<'_>,
        gazetteer: Option<PathBuf>,
        demonyms: bool,
        min_score: Option<f64>,
        min_confidence: Option<f64>,
        boilerplate_filter: bool,
        layers: Option<Vec<String>>,
    ) -> PyResult<Self> {
        let layers = match layers {
            None => Layer::ALL.to_vec(),
            Some(names) => names
                .iter()
                .map(|n| {
                    Layer::parse(n).ok_or_else(|| {
                        PyValueError::new_err(format!(
                            "unknown layer {n:?}: expected countries, regions, cities, districts, areas or physical"
                        ))
                    })
                })
                .collect::<PyResult<Vec<_>>>()?,
        };
        if let Some(s) = min_score {
            if !s.is_finite() {
                return Err(PyValueError::new_err("min_score must be a finite number"));
            }
        }
        if let Some(p) = min_confidence {
            if !(0.0..=1.0).contains(&p) {
                return Err(PyValueError::new_err(
                    "min_confidence must be a number from 0 to 1",
                ));
            }
        }
        // The bundled gazetteer is an index compiled into the extension, mapped in
        // place (milliseconds, no first-run build); a file may take longer to open, so
        // other Python threads run meanwhile.
        let gaz = py
            .allow_threads(|| match &gazetteer {
                Some(path) => Gazetteer::open(path),
                None => Gazetteer::bundled(),
            })
            .map_err(to_py_err)?;
        let mut builder = Mapper::builder().demonyms(demonyms);
        if let Some(s) = min_score {
            builder = builder.min_score(s);
        }
        if let Some(p) = min_confidence {
            builder = builder.min_confidence(p);
        }
        Ok(PyMapper {
            mapper: Arc::new(builder.build(Arc::new(gaz))),
            prepare: PrepareOptions {
                boilerplate_filter,
                html: Some(false),
                ..Default::default()
            },
            layers,
        })
    }

    /// Where the gazetteer was read from ("bundled default gazetteer" or a path).
    #[getter]
    fn gazetteer(&self) -> String {
        self.mapper.gazetteer().source().to_string()
    }

    /// Attribution lines for the gazetteer's data (GeoNames, CC BY 4.0, first).
    #[getter]
    fn attribution(&self) -> Vec<String> {
        let mut lines = vec![mentionmap::output::GEONAMES_ATTRIBUTION.to_string()];
        lines.extend(
            self.mapper
                .gazetteer()
                .attribution()
                .iter()
                .filter(|a| !a.contains("GeoNames (https"))
                .cloned(),
        );
        lines
    }

    /// Number of places in the gazetteer.
    fn __len__(&self) -> usize {
        self.mapper.gazetteer().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Mapper(gazetteer={:?}, places={})",
            self.mapper.gazetteer().source(),
            self.mapper.gazetteer().len()
        )
    }

    /// Maps one text to a GeoJSON FeatureCollection (a dict), as `mentionmap map`
    /// writes it: Point features at [lon, lat] with flat properties; mention
    /// offsets `start`/`end` index the Python string. `doc` sets `metadata.doc`.
    #[pyo3(signature = (text, *, doc=None))]
    fn map<'py>(
        &self,
        py: Python<'py>,
        text: String,
        doc: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let d = Doc { id: doc, text };
        let fc = py.allow_threads(|| self.geojson(&d)).map_err(to_py_err)?;
        let mut shared = SharedStrings::default();
        Ok(ToPy::new(py, &mut shared).collection(&fc)?.into_any())
    }

    /// Maps many texts in parallel with the GIL released; a list of
    /// FeatureCollections in input order. `ids` set each `metadata.doc`; `threads`
    /// is the number of worker threads (None: one per core).
    #[pyo3(signature = (texts, *, ids=None, threads=None))]
    fn map_many<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        ids: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let threads = check_threads(threads)?;
        let docs = collect_docs(texts, ids)?;
        // One table of shared strings for the call, so strings repeated across
        // documents are made once.
        let mut shared = SharedStrings::default();
        if threads == Some(1) || docs.len() <= 1 {
            let out = PyList::empty(py);
            for fc in &self.run(py, &docs, threads, |m, d| m.geojson(d))? {
                out.append(ToPy::new(py, &mut shared).collection(fc)?)?;
            }
            return Ok(out);
        }
        // Turning results into Python objects needs the GIL and so runs on this
        // thread only: the workers map the documents (without the GIL) while this
        // thread converts each result as its turn comes, taking the GIL for it and
        // letting go between results, so that other Python threads run meanwhile
        // (the library's ordered pipeline, `mentionmap::batch::ordered`, as the CLI's
        // batches use it: no barrier between chunks, at most a window in flight).
        let out = PyList::empty(py).unbind();
        let workers = threads.unwrap_or_else(rayon::current_num_threads);
        let ran = py.allow_threads(|| {
            mentionmap::batch::ordered::run(
                workers,
                mentionmap::batch::IN_FLIGHT,
                &docs,
                |d| self.geojson(d),
                |fc| {
                    let fc = fc.map_err(to_py_err)?;
                    Python::with_gil(|py| {
                        let dict = ToPy::new(py, &mut shared).collection(&fc)?;
                        out.bind(py).append(dict)
                    })
                },
            )
        });
        ran.map_err(|e| MentionmapError::new_err(format!("cannot start a worker thread: {e}")))??;
        Ok(out.into_bound(py))
    }

    /// Maps many texts to flat rows, one per mention, as a dict of equal-length
    /// column lists.
    #[pyo3(signature = (texts, *, ids=None, threads=None))]
    fn columns<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        ids: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let threads = check_threads(threads)?;
        let docs = collect_docs(texts, ids)?;
        let with_ids: Vec<Doc> = docs
            .into_iter()
            .enumerate()
            .map(|(i, d)| Doc {
                id: Some(d.id.unwrap_or_else(|| i.to_string())),
                text: d.text,
            })
            .collect();
        let per_doc = self.run(py, &with_ids, threads, |m, d| {
            let (_, mapped) = m.map_doc(d)?;
            let id = d.id.as_deref().unwrap_or_default();
            Ok(rows_of(m.mapper.gazetteer(), id, &mapped, &m.layers))
        })?;
        let rows: Vec<&Row> = per_doc.iter().flatten().collect();
        let out = PyDict::new(py);
        macro_rules! column {
            ($name:literal, $($field:ident).+) => {
                out.set_item(
                    $name,
                    PyList::new(py, rows.iter().map(|r| r.$($field).+.clone()))?,
                )?;
            };
        }
        column!("doc_id", doc_id);
        column!("name", name);
        column!("gazetteer_name", place.gazetteer_name);
        column!("geonameid", place.geonameid);
        column!("layer", place.layer);
        column!("feature_code", place.feature_code);
        column!("country_code", place.country_code);
        column!("admin1", place.admin1);
        column!("population", place.population);
        column!("lat", place.lat);
        column!("lon", place.lon);
        column!("confidence", place.confidence);
        column!("method", place.method);
        column!("uncertainty_km", place.uncertainty_km);
        column!("anchor", place.anchor);
        column!("mention", mention);
        column!("start", start);
        column!("end", end);
        column!("kind", kind);
        debug_assert_eq!(out.len(), COLUMNS.len());
        Ok(out)
    }

    /// Gazetteer candidates for a name, best-known first (the prior from kind and
    /// population), as dicts with geonameid, name, kind, lat, lon and more.
    #[pyo3(signature = (name, limit=10))]
    fn resolve<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        limit: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        if name.trim().is_empty() {
            return Err(PyValueError::new_err("name is empty"));
        }
        // The ranking and fields of `mentionmap resolve` and /api/resolve.
        let rows: Vec<Value> =
            mentionmap::resolve::ranked_candidates(self.mapper.gazetteer(), name, limit)
                .iter()
                .map(|c| c.to_json())
                .collect();
        ToPy::new(py, &mut SharedStrings::default()).value(&Value::Array(rows))
    }

    /// Gazetteer places within `km` kilometres (haversine) of (`lat`, `lon`)
    /// degrees, nearest first, each with its distance `km`.
    #[pyo3(signature = (lat, lon, km=25.0, limit=50))]
    fn near<'py>(
        &self,
        py: Python<'py>,
        lat: f64,
        lon: f64,
        km: f64,
        limit: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !(-90.0..=90.0).contains(&lat)
            || !(-180.0..=180.0).contains(&lon)
            || !(0.0..=20_100.0).contains(&km)
        {
            return Err(PyValueError::new_err(
                "lat must be in [-90, 90], lon in [-180, 180], km in [0, 20100]",
            ));
        }
        let g = self.mapper.gazetteer();
        let rows: Vec<Value> = py
            .allow_threads(|| g.spatial().within_km(lon, lat, km))
            .into_iter()
            .take(limit)
            .map(|(i, d)| {
                let p = g.place(i);
                json!({
                    "geonameid": p.has_geonames_id().then_some(p.id), "id": p.id,
                    "name": p.name, "kind": p.kind, "feature_code": p.feature_code,
                    "country_code": p.country_code, "population": p.population,
                    "lat": p.lat, "lon": p.lon, "km": (d * 100.0).round() / 100.0,
                })
            })
            .collect();
        ToPy::new(py, &mut SharedStrings::default()).value(&Value::Array(rows))
    }
}

/// The compiled part of the `mentionmap` Python package.
#[pymodule]
fn _mentionmap(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMapper>()?;
    m.add("MentionmapError", m.py().get_type::<MentionmapError>())?;
    m.add("COLUMNS", COLUMNS.to_vec())?;
    m.add(
        "GEONAMES_ATTRIBUTION",
        mentionmap::output::GEONAMES_ATTRIBUTION,
    )?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
