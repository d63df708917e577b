//! Reading the gazetteer TSV (gzip or plain) into places and a name index.
//!
//! Every row is checked: a wrong column count, a number that does not parse or a point
//! off the globe is an error naming the line, never a panic or a silently wrong record.

use super::builder::{GazetteerBuilder, NamedPlace, SourceReport};
use super::geonames_dump::{class_of_kind, corrupt as corrupt_at, Lines};
use super::names::NameKind;
use super::{Gazetteer, Place, PlaceKind};
use crate::error::Error;

const HEADER: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms";
const COLUMNS: usize = 12;

/// Parses a gazetteer from the bytes of a gzip or plain TSV file, through the builder
/// (the same path as `mentionmap gazetteer build --tsv`).
pub(super) fn from_bytes(bytes: &[u8], source: &str) -> Result<Gazetteer, Error> {
    let mut builder = GazetteerBuilder::default();
    read_tsv(Lines::from_bytes(bytes, source), &mut builder)?;
    Ok(builder.finish().into_gazetteer(source))
}

/// Reads every row of a TSV gazetteer into the builder.
pub(super) fn read_tsv(mut lines: Lines<'_>, builder: &mut GazetteerBuilder) -> Result<(), Error> {
    let source = lines.source().to_string();
    let corrupt = |line: usize, msg: String| corrupt_at(&source, line, msg);
    let mut rep = SourceReport {
        kind: "tsv".into(),
        path: source.clone(),
        ..Default::default()
    };
    let mut seen_header = false;
    while let Some((lineno, line)) = lines.next_line()? {
        if let Some(comment) = line.strip_prefix('#') {
            let c = comment.trim();
            if !c.is_empty() && !c.starts_with("mentionmap gazetteer") {
                builder.attribute(c);
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        if !seen_header {
            if line != HEADER {
                return Err(corrupt(lineno, "missing or unexpected header row".into()));
            }
            seen_header = true;
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != COLUMNS {
            return Err(corrupt(
                lineno,
                format!("expected {COLUMNS} columns, found {}", cols.len()),
            ));
        }
        let num = |i: usize, what: &str| -> Result<f64, Error> {
            cols[i]
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| corrupt(lineno, format!("bad {what} {:?}", cols[i])))
        };
        let id: u64 = cols[0]
            .parse()
            .map_err(|_| corrupt(lineno, format!("bad id {:?}", cols[0])))?;
        let kind = PlaceKind::parse(cols[2])
            .ok_or_else(|| corrupt(lineno, format!("unknown kind {:?}", cols[2])))?;
        let population: u64 = if cols[6].is_empty() {
            0
        } else {
            cols[6]
                .parse()
                .map_err(|_| corrupt(lineno, format!("bad population {:?}", cols[6])))?
        };
        let lat = num(7, "latitude")?;
        let lon = num(8, "longitude")?;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(corrupt(
                lineno,
                format!("point off the globe: lat {lat}, lon {lon}"),
            ));
        }
        let mut names = Vec::new();
        for (col, kind) in [
            (9, NameKind::Alternate),
            (10, NameKind::Abbreviation),
            (11, NameKind::Demonym),
        ] {
            names.extend(
                cols[col]
                    .split('|')
                    .filter(|s| !s.is_empty())
                    .map(|n| (n.into(), kind)),
            );
        }
        rep.rows += 1;
        let added = builder.add(NamedPlace {
            place: Place {
                id,
                name: cols[1].to_string(),
                kind,
                feature_code: cols[3].to_string(),
                country_code: cols[4].to_string(),
                admin1: cols[5].to_string(),
                population,
                lon,
                lat,
            },
            class: class_of_kind(kind),
            names,
        });
        if added {
            rep.added += 1;
        } else {
            rep.merged += 1;
        }
    }
    if !seen_header {
        return Err(corrupt(
            0,
            "no header row: not a mentionmap gazetteer".into(),
        ));
    }
    builder.report(rep);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "# mentionmap gazetteer v1\n# Place data from GeoNames, CC BY 4.0\n\
id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
170063\tAleppo\tcity\tPPLA\tSY\t09\t1602264\t36.20124\t37.16117\tHalab|Ḩalab|ALP\t\t\n\
163843\tSyria\tcountry\tPCLI\tSY\t\t16906283\t35.0\t38.0\tSyrian Arab Republic\tSY\tSyrian\n";

    #[test]
    fn reads_rows_names_and_attribution() {
        let g = from_bytes(TSV.as_bytes(), "t").unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g.attribution(), ["Place data from GeoNames, CC BY 4.0"]);
        let hits = g.lookup("halab");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1.id, 170063);
        let syrian = g.lookup("Syrian");
        assert_eq!(syrian[0].0.kind, NameKind::Demonym);
        let alp = g.lookup("ALP");
        assert!(alp[0].0.all_caps);
        assert_eq!(g.country("SY"), Some(1));
    }

    #[test]
    fn reads_gzip() {
        use flate2::write::GzEncoder;
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(TSV.as_bytes()).unwrap();
        let g = from_bytes(&enc.finish().unwrap(), "t").unwrap();
        assert_eq!(g.len(), 2);
    }

    #[test]
    fn corrupt_rows_are_errors_with_line_numbers() {
        let bad_lat = TSV.replace("36.20124", "north");
        let e = from_bytes(bad_lat.as_bytes(), "t").unwrap_err().to_string();
        assert!(e.contains("line 4") && e.contains("latitude"), "{e}");
        let off_globe = TSV.replace("36.20124", "136.2");
        assert!(from_bytes(off_globe.as_bytes(), "t").is_err());
        let short = TSV.replace("\tSY\tSyrian\n", "\n");
        assert!(from_bytes(short.as_bytes(), "t")
            .unwrap_err()
            .to_string()
            .contains("columns"));
        assert!(from_bytes(b"\x00\x01binary", "t").is_err());
        assert!(from_bytes(&[0x1f, 0x8b, 0, 0], "t").is_err());
    }
}
