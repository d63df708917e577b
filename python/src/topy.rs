//! Python objects straight from mapped output: a FeatureCollection as nested dicts
//! and lists, without going through a `serde_json::Value` copy of it or a generic
//! serde bridge.
//!
//! This runs with the GIL held, on one thread, for every document `map_many`
//! returns, so it is the binding's serial step; two things keep it short:
//!
//! * object keys and short strings (layers, kinds, methods, country codes, place
//!   names) and every string of a list (the metadata's attribution lines and
//!   layers) are made once per call and shared: Python strings are immutable, so
//!   sharing is invisible, and a shared key keeps its cached hash for the dicts;
//! * the collection and its features are walked as structs, not serialized first.
//!
//! Dict keys come in the order a `serde_json::Value` of the same collection has
//! (sorted), the order the binding has always returned.

use geojson::{Feature, FeatureCollection, Geometry};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use rustc_hash::FxHashMap;
use serde_json::Value;

/// Strings up to this many bytes are shared: enough for layer, kind, method,
/// codes and most place names and mention texts, which repeat across features and
/// documents; longer ones (snippets) are mostly unique, and looking them up would
/// only cost.
const SHARED_STRING_MAX_BYTES: usize = 40;

/// At most this many distinct strings are kept for sharing in one call, so that a
/// call over millions of documents (each with its own id) does not keep them all;
/// past it, new strings are simply made each time.
const SHARED_STRINGS_MAX: usize = 1 << 14;

/// The strings shared within one call: kept across releases of the GIL (a call
/// that converts each document as it comes releases it in between).
#[derive(Default)]
pub struct SharedStrings(FxHashMap<Box<str>, Py<PyString>>);

/// Builds Python objects with the GIL held, sharing repeated strings.
pub struct ToPy<'a, 'py> {
    py: Python<'py>,
    shared: &'a mut SharedStrings,
}

impl<'a, 'py> ToPy<'a, 'py> {
    /// A converter over the strings of `shared`, adding to them.
    pub fn new(py: Python<'py>, shared: &'a mut SharedStrings) -> Self {
        ToPy { py, shared }
    }

    /// A string, shared when `share` says it is likely to repeat.
    fn string(&mut self, s: &str, share: bool) -> Bound<'py, PyString> {
        if !share {
            return PyString::new(self.py, s);
        }
        if let Some(p) = self.shared.0.get(s) {
            return p.bind(self.py).clone();
        }
        let p = PyString::new(self.py, s);
        if self.shared.0.len() < SHARED_STRINGS_MAX {
            self.shared.0.insert(s.into(), p.clone().unbind());
        }
        p
    }

    /// A dict key.
    fn key(&mut self, s: &str) -> Bound<'py, PyString> {
        self.string(s, true)
    }

    /// Any JSON value: null, bool, int (integers), float, str, list, dict.
    pub fn value(&mut self, v: &Value) -> PyResult<Bound<'py, PyAny>> {
        self.value_in(v, false)
    }

    /// `in_list`: a string element of a list (shared whatever its length).
    fn value_in(&mut self, v: &Value, in_list: bool) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match v {
            Value::Null => py.None().into_bound(py),
            Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    u.into_pyobject(py)?.into_any()
                } else if let Some(i) = n.as_i64() {
                    i.into_pyobject(py)?.into_any()
                } else {
                    // serde_json numbers are finite: as_f64 is always Some here.
                    n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
                }
            }
            Value::String(s) => self
                .string(s, in_list || s.len() <= SHARED_STRING_MAX_BYTES)
                .into_any(),
            Value::Array(items) => {
                let items = items
                    .iter()
                    .map(|v| self.value_in(v, true))
                    .collect::<PyResult<Vec<_>>>()?;
                PyList::new(py, items)?.into_any()
            }
            Value::Object(map) => {
                let d = PyDict::new(py);
                for (k, v) in map {
                    d.set_item(self.key(k), self.value_in(v, false)?)?;
                }
                d.into_any()
            }
        })
    }

    /// A FeatureCollection as a dict: `features`, its foreign members (`metadata`)
    /// and `type`, with `bbox` when set.
    pub fn collection(&mut self, fc: &FeatureCollection) -> PyResult<Bound<'py, PyDict>> {
        let features = fc
            .features
            .iter()
            .map(|f| self.feature(f))
            .collect::<PyResult<Vec<_>>>()?;
        let d = PyDict::new(self.py);
        let mut members: Vec<(&str, Bound<'py, PyAny>)> = vec![
            ("features", PyList::new(self.py, features)?.into_any()),
            ("type", self.key("FeatureCollection").into_any()),
        ];
        if let Some(b) = &fc.bbox {
            members.push(("bbox", PyList::new(self.py, b)?.into_any()));
        }
        for (k, v) in fc.foreign_members.iter().flatten() {
            members.push((k.as_str(), self.value(v)?));
        }
        self.put_sorted(&d, members)?;
        Ok(d)
    }

    /// A Feature as a dict: `geometry`, `id`, `properties` and `type`. A feature
    /// with a bounding box or foreign members (mentionmap makes none) goes the
    /// general way, through a JSON value.
    fn feature(&mut self, f: &Feature) -> PyResult<Bound<'py, PyAny>> {
        if f.bbox.is_some() || f.foreign_members.is_some() {
            let v = serde_json::to_value(f)
                .map_err(|e| crate::MentionmapError::new_err(e.to_string()))?;
            return self.value(&v);
        }
        let py = self.py;
        let d = PyDict::new(py);
        let geometry = match &f.geometry {
            Some(g) => self.geometry(g)?,
            None => py.None().into_bound(py),
        };
        d.set_item(self.key("geometry"), geometry)?;
        match &f.id {
            Some(geojson::feature::Id::String(s)) => {
                d.set_item(self.key("id"), self.string(s, false))?
            }
            Some(geojson::feature::Id::Number(n)) => {
                d.set_item(self.key("id"), self.value(&Value::Number(n.clone()))?)?
            }
            None => {}
        }
        let properties = match &f.properties {
            Some(p) => {
                let pd = PyDict::new(py);
                for (k, v) in p {
                    pd.set_item(self.key(k), self.value(v)?)?;
                }
                pd.into_any()
            }
            None => py.None().into_bound(py),
        };
        d.set_item(self.key("properties"), properties)?;
        d.set_item(self.key("type"), self.key("Feature"))?;
        Ok(d.into_any())
    }

    /// A Point as `{"coordinates": [lon, lat], "type": "Point"}`; other geometries
    /// (mentionmap makes none) through a JSON value.
    fn geometry(&mut self, g: &Geometry) -> PyResult<Bound<'py, PyAny>> {
        match &g.value {
            geojson::Value::Point(c) if g.bbox.is_none() && g.foreign_members.is_none() => {
                let d = PyDict::new(self.py);
                d.set_item(self.key("coordinates"), PyList::new(self.py, c)?)?;
                d.set_item(self.key("type"), self.key("Point"))?;
                Ok(d.into_any())
            }
            _ => {
                let v = serde_json::to_value(g)
                    .map_err(|e| crate::MentionmapError::new_err(e.to_string()))?;
                self.value(&v)
            }
        }
    }

    /// Sets `members` on `d` in key order, as a `serde_json::Value` object has them.
    fn put_sorted(
        &mut self,
        d: &Bound<'py, PyDict>,
        mut members: Vec<(&str, Bound<'py, PyAny>)>,
    ) -> PyResult<()> {
        members.sort_by(|a, b| a.0.cmp(b.0));
        for (k, v) in members {
            d.set_item(self.key(k), v)?;
        }
        Ok(())
    }
}
