//! # mentionmap
//!
//! A geoparser: it reads text, finds the places the text mentions, resolves each
//! mention to a point through a gazetteer, and writes GeoJSON layers.
//!
//! ## How a text flows through it
//!
//! ```text
//! text ──▶ input ──▶ spot ──────────▶ resolve ─────────────▶ pipeline ──▶ output
//!          (checks)  (mentions and    (scored candidates,    (places with  (GeoJSON,
//!                     their candidate  context, coherence,    mentions)     seq, CSV)
//!                     entries)         relative estimates)
//! ```
//!
//! * [`text`] cuts text into tokens with exact byte offsets and folds names (case,
//!   diacritics, "St." → "saint") so that text and gazetteer meet on one key.
//! * [`gazetteer`] holds places (GeoNames ids, kinds, countries, populations, points),
//!   a folded-name index in an [`fst`] automaton, and an R-tree of points
//!   ([`gazetteer::SpatialIndex`]) for "places within R km" and "nearest place".
//!   The bundled gazetteer's index is built at compile time: `build.rs` compiles the
//!   gazetteer modules and runs their builder and index writer on
//!   `gazetteer/default.tsv.gz`, and [`Gazetteer::bundled`] maps the result in place
//!   from the binary, so no run builds or caches an index.
//! * [`spot`] walks the token stream once, taking the longest gazetteer name at each
//!   token, and sets aside people ("John Kerry"), street, school and company names ("Aleppo University")
//!   and function words. Unknown names followed by a place noun ("the Handarat area")
//!   are kept for relative placement.
//! * [`resolve`] scores every candidate with named features (importance, how it is
//!   named, "X, Region" pairs, the document's countries and regions, spatial
//!   coherence, relations to anchors) and explains its choice;
//!   [`resolve::relative`] places names the gazetteer lacks from phrases such as "on
//!   the northern edge of Aleppo".
//! * [`pipeline::Mapper`] runs the stages for one text and groups mentions by place;
//!   [`output`] writes the result; [`rows`] is the one flat column set of CSV and
//!   the Python package's rows.
//! * Inputs: [`source`] turns a file, standard input, an HTML page ([`html`]: main-text
//!   extraction) or a URL ([`fetch`]) into the text to map, dropping trailing
//!   cookie/consent boilerplate ([`boilerplate`]); [`batch`] maps JSONL files and
//!   directories in parallel with streamed input and output.
//!
//! ## Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use mentionmap::{Gazetteer, Mapper};
//!
//! let gazetteer = Arc::new(Gazetteer::bundled()?);
//! let mapper = Mapper::new(gazetteer);
//! let doc = mapper.map("Government forces captured the Handarat area on the northern edge of Aleppo.");
//! for place in &doc.places {
//!     println!("{} at {:?} ({:?})", place.name, place.lon_lat, place.method);
//! }
//! # Ok::<(), mentionmap::Error>(())
//! ```
//!
//! Coordinates are (longitude, latitude) WGS84 degrees everywhere, as in GeoJSON;
//! distances are kilometres by haversine. Place data comes from GeoNames
//! (<https://www.geonames.org>), licensed CC BY 4.0; see `gazetteer/README.md`.
#![deny(missing_docs)]

pub mod aggregate;
pub mod atomic_file;
pub mod batch;
pub mod boilerplate;
pub mod error;
pub mod eval;
pub mod fetch;
pub mod gazetteer;
pub mod geodesy;
pub mod html;
pub mod input;
pub mod output;
pub mod pipeline;
pub mod resolve;
pub mod rows;
pub mod segment;
pub mod server;
pub mod source;
pub mod spot;
pub mod text;
pub mod utc;
pub mod web;

pub use error::Error;
pub use gazetteer::{Gazetteer, Layer, Place, PlaceKind};
pub use pipeline::{MappedDocument, MappedPlace, Mapper, MapperBuilder};
