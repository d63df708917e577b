//! The `name<TAB>weight` files of the resolver's fitted models (`calibration.tsv`,
//! `ranker.tsv`, or a user's file given with `--calibration` / `--ranker-weights`):
//! one weight per line, `#` comments and blank lines allowed. Each model then says
//! which names it requires.

use std::path::Path;

use crate::error::Error;

/// The text of a weights file, read for [`parse`] under its path's name.
pub(crate) fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// The weight of each of `slots` slots as given in `text` (`None`: not given).
/// `slot_of` maps a name to its slot; a name it does not know, a line without a tab,
/// a weight that is no finite number, or a name given twice is an error naming
/// `source`.
pub(crate) fn parse(
    text: &str,
    source: &str,
    slots: usize,
    slot_of: impl Fn(&str) -> Option<usize>,
) -> Result<Vec<Option<f64>>, Error> {
    let mut weights = vec![None; slots];
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line
            .split_once('\t')
            .ok_or_else(|| bad(source, format!("not name<TAB>weight: {line:?}")))?;
        let w: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|w: &f64| w.is_finite())
            .ok_or_else(|| bad(source, format!("bad weight {value:?} for {name}")))?;
        let i = slot_of(name).ok_or_else(|| bad(source, format!("unknown input {name:?}")))?;
        if weights[i].replace(w).is_some() {
            return Err(bad(source, format!("{name} given twice")));
        }
    }
    Ok(weights)
}

/// An error in the weights file `source`.
pub(crate) fn bad(source: &str, message: String) -> Error {
    Error::BadInput {
        source_name: source.to_string(),
        message,
    }
}
