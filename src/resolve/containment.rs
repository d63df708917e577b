//! Containment statements: "Victoria is a city in Ellis County, Kansas", "Lima, a city
//! in Ohio", "Princeton (formerly Ket-tee) is a census-designated place in Colusa
//! County, California", "Santa Maria is located in the province of Isabela".
//!
//! A text that defines a place by what holds it settles which namesake it means: the
//! candidate that lies inside the named county, region or country is the one. This
//! module reads the statement (a small English phrase table: a copula or an apposition,
//! a descriptor that ends in a settlement noun, then "in" or "of"; or "located in") and
//! lists the *container* mentions that follow, up to the end of the clause ("in Butler
//! County, Kentucky, United States"). [`contains`] says whether a container reading
//! holds a candidate: by country and first-level region codes for countries and
//! regions, by distance for counties, cities and islands (the gazetteer records no
//! second-level code).

use crate::gazetteer::{Place, PlaceKind};
use crate::geodesy::haversine_km;
use crate::spot::Spotted;

/// A statement that mention `subject` lies in each of `containers`.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The mention the text defines.
    pub subject: usize,
    /// The mentions said to hold it, outermost last.
    pub containers: Vec<usize>,
}

/// Words of a descriptor that say the subject is a settlement or an administrative
/// unit, so that the "in"/"of" after them states where it lies ("a city in", "the
/// county seat of"); folded.
const SETTLEMENT_NOUNS: &[&str] = &[
    "city",
    "town",
    "village",
    "hamlet",
    "municipality",
    "commune",
    "community",
    "township",
    "parish",
    "suburb",
    "neighbourhood",
    "neighborhood",
    "borough",
    "district",
    "county",
    "settlement",
    "locality",
    "place",
    "cdp",
    "seat",
    "capital",
    "port",
    "resort",
    "area",
    "region",
    "province",
    "state",
    "island",
    "quarter",
    "barangay",
    "municipal",
    "ward",
    "unincorporated",
    "census",
];

/// Words that may stand between the containers of one clause ("in the U.S. state
/// of Arizona", "in rural Somerset", "in the borough of Dartford in Kent"); folded.
const CONTAINER_FILLERS: &[&str] = &[
    "the",
    "of",
    "in",
    "and",
    "u",
    "s",
    "us",
    "county",
    "state",
    "province",
    "region",
    "district",
    "borough",
    "parish",
    "department",
    "prefecture",
    "governorate",
    "oblast",
    "canton",
    "municipality",
    "shire",
    "territory",
    "island",
    "islands",
    "republic",
    "rural",
    "central",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "upstate",
    "downstate",
    "metropolitan",
    "area",
    "city",
    "town",
    "township",
    "regional",
    "civil",
    "unitary",
    "authority",
    "local",
    "government",
    "autonomous",
    "community",
    "commune",
    "municipal",
    "part",
    "parts",
    "portion",
    "side",
    "end",
    "edge",
    "outskirts",
    "heart",
    "centre",
    "center",
    "corner",
];

/// A descriptor longer than this many words is no longer about the subject ("is a
/// city near the Southern California coast in Santa Barbara County" has seven).
const MAX_DESCRIPTOR_WORDS: usize = 8;

/// Consecutive filler words allowed between two containers: "in the eastern part of
/// the city of Toronto" has seven.
const MAX_FILLERS: usize = 7;

/// The containment statements of a text, at most one per mention.
pub fn statements(text: &str, spotted: &Spotted) -> Vec<Statement> {
    (0..spotted.mentions.len())
        .filter_map(|i| {
            let (at, demonyms) = descriptor_end(text, spotted, i)?;
            let mut containers = containers_from(text, spotted, at);
            // "a Canadian city in Eastern Ontario": the demonym names the outermost
            // container.
            containers.extend(demonyms);
            (!containers.is_empty()).then_some(Statement {
                subject: i,
                containers,
            })
        })
        .collect()
}

/// The text between token `k - 1` and token `k` (what stands before token `k`).
fn gap<'t>(text: &'t str, spotted: &Spotted, k: usize) -> &'t str {
    let tokens = &spotted.tokens;
    let start = if k == 0 { 0 } else { tokens[k - 1].end };
    let end = tokens.get(k).map_or(text.len(), |t| t.start);
    &text[start.min(end)..end]
}

/// True when a clause or sentence ends in `gap`.
fn ends_clause(gap: &str) -> bool {
    gap.contains(['.', ';', ':', '!', '?', '\n'])
}

/// For mention `i`, the index of the first token after the statement's "in"/"of"
/// when the mention opens a containment statement, with the demonyms of the
/// descriptor ("a Canadian city").
fn descriptor_end(text: &str, spotted: &Spotted, i: usize) -> Option<(usize, Vec<usize>)> {
    let tokens = &spotted.tokens;
    let word = |k: usize| tokens.get(k).map_or("", |t| t.folded.as_str());
    let m = &spotted.mentions[i];
    let mut k = m.tokens.end;
    // "Princeton (formerly, Ket-tee) is ...": skip a parenthesis after the name.
    if gap(text, spotted, k).trim_start().starts_with('(') {
        while k < tokens.len() && !gap(text, spotted, k).contains(')') {
            k += 1;
        }
    }
    if k >= tokens.len() || ends_clause(gap(text, spotted, k)) {
        return None;
    }
    let apposition = gap(text, spotted, k).trim() == ",";
    // "X is located in Y", "X, located in Y", "X lies in Y".
    let verb = matches!(word(k), "is" | "was" | "lies");
    if verb {
        k += 1;
    }
    if matches!(word(k), "located" | "situated") && matches!(word(k + 1), "in" | "within") {
        return Some((k + 2, Vec::new()));
    }
    // "X is one of the ten provinces of Y".
    if verb && word(k) == "one" && word(k + 1) == "of" {
        k += 2;
    }
    if !(verb || apposition) || !matches!(word(k), "a" | "an" | "the") {
        return None;
    }
    k += 1;
    let mut settlement = false;
    let mut demonyms = Vec::new();
    for _ in 0..MAX_DESCRIPTOR_WORDS {
        if k >= tokens.len() || ends_clause(gap(text, spotted, k)) {
            return None;
        }
        let w = word(k);
        if matches!(w, "in" | "of" | "within") {
            return settlement.then_some((k + 1, demonyms));
        }
        if matches!(w, "located" | "situated") {
            k += 1;
            continue;
        }
        // A capitalised name inside the descriptor ("a city near the Southern
        // California coast") makes the statement about something else; a demonym
        // ("a Canadian city") says where it is.
        if let Some(j) = spotted.mention_starting_at(k) {
            let m = &spotted.mentions[j];
            if m.kind() != crate::gazetteer::NameKind::Demonym {
                return None;
            }
            demonyms.push(j);
            k = m.tokens.end.max(k + 1);
            continue;
        }
        settlement |= is_settlement_noun(w);
        k += 1;
    }
    None
}

/// A settlement noun, singular or plural ("provinces", "municipalities").
fn is_settlement_noun(w: &str) -> bool {
    let singular = |w: &str| -> Option<String> {
        w.strip_suffix("ies")
            .map(|stem| format!("{stem}y"))
            .or_else(|| w.strip_suffix('s').map(str::to_string))
    };
    SETTLEMENT_NOUNS.contains(&w)
        || singular(w).is_some_and(|s| SETTLEMENT_NOUNS.contains(&s.as_str()))
}

/// The container mentions of a clause that starts at token `at`.
fn containers_from(text: &str, spotted: &Spotted, at: usize) -> Vec<usize> {
    let tokens = &spotted.tokens;
    let mut out = Vec::new();
    let mut k = at;
    let mut fillers = 0;
    while k < tokens.len() {
        if k > at && ends_clause(gap(text, spotted, k)) {
            break;
        }
        if let Some(j) = spotted.mention_starting_at(k) {
            out.push(j);
            k = spotted.mentions[j].tokens.end.max(k + 1);
            fillers = 0;
            continue;
        }
        let t = &tokens[k];
        let capitalised = t
            .surface(text)
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        if fillers >= MAX_FILLERS
            || !(capitalised || CONTAINER_FILLERS.contains(&t.folded.as_str()))
        {
            break;
        }
        fillers += 1;
        k += 1;
    }
    out
}

/// How far a county's or an island's reach is taken to be from its point, km: US
/// counties are 30–60 km across, English ones and islands up to about 150.
const COUNTY_REACH_KM: f64 = 80.0;
/// A city holds its neighbourhoods within a few of its urban radii.
const CITY_REACH_FACTOR: f64 = 3.0;
/// Even a small town holds what lies this near its point, km.
const MIN_CITY_REACH_KM: f64 = 10.0;

/// True when container reading `y` holds candidate `x`.
pub fn contains(y: &Place, x: &Place) -> bool {
    if x.kind <= y.kind && y.kind <= PlaceKind::Admin1 {
        return false;
    }
    match y.kind {
        PlaceKind::Continent => false,
        PlaceKind::Country => x.country_code == y.country_code,
        PlaceKind::Admin1 => x.country_code == y.country_code && x.admin1 == y.admin1,
        PlaceKind::Admin2 | PlaceKind::Physical | PlaceKind::Area => {
            x.kind > PlaceKind::Admin2
                && same_country(x, y)
                && haversine_km(x.lon_lat(), y.lon_lat()) <= COUNTY_REACH_KM
        }
        PlaceKind::City | PlaceKind::District | PlaceKind::Feature => {
            let reach =
                (super::relative::urban_radius_km(y) * CITY_REACH_FACTOR).max(MIN_CITY_REACH_KM);
            x.kind > PlaceKind::Admin2
                && x.id != y.id
                && same_country(x, y)
                && haversine_km(x.lon_lat(), y.lon_lat()) <= reach
        }
    }
}

/// Same country, or one of them has none recorded (a sea, an island of a user file).
fn same_country(x: &Place, y: &Place) -> bool {
    x.country_code.is_empty() || y.country_code.is_empty() || x.country_code == y.country_code
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::testing::from_tsv;
    use crate::spot::{Lexicon, SpotOptions, Spotter};

    const GAZ: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
6252001\tUnited States\tcountry\tPCLI\tUS\t\t327167434\t39.76\t-98.5\t\tU.S.\tAmerican\n\
4273857\tKansas\tadmin1\tADM1\tUS\tKS\t0\t38.5\t-98.5\t\t\t\n\
4273000\tEllis County\tadmin2\tADM2\tUS\tKS\t0\t38.91\t-99.32\t\t\t\n\
4280000\tVictoria\tcity\tPPL\tUS\tKS\t1200\t38.85\t-99.14\t\t\t\n\
2158177\tVictoria\tadmin1\tADM1\tAU\t07\t0\t-37\t144\t\t\t\n\
5166000\tOhio\tadmin1\tADM1\tUS\tOH\t0\t40.25\t-83\t\t\t\n\
4517000\tLima\tcity\tPPLA2\tUS\tOH\t38000\t40.74\t-84.1\t\t\t\n\
3936456\tLima\tcity\tPPLC\tPE\t15\t7737002\t-12.04\t-77.03\t\t\t\n";

    fn statements_of(text: &str) -> Vec<(String, Vec<String>)> {
        let g = from_tsv(GAZ);
        let lex = Lexicon::new();
        let s = Spotter::new(&g, &lex, SpotOptions::default()).spot(text);
        statements(text, &s)
            .into_iter()
            .map(|st| {
                (
                    s.mentions[st.subject].surface.clone(),
                    st.containers
                        .iter()
                        .map(|&j| s.mentions[j].surface.clone())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn reads_definitions_and_appositions() {
        assert_eq!(
            statements_of("Victoria is a city in Ellis County, Kansas, United States. It grew."),
            vec![(
                "Victoria".to_string(),
                vec![
                    "Ellis County".into(),
                    "Kansas".into(),
                    "United States".into()
                ]
            )]
        );
        assert_eq!(
            statements_of("Police in Lima, a small city in northern Ohio, said so."),
            vec![("Lima".to_string(), vec!["Ohio".into()])]
        );
        assert_eq!(
            statements_of("Lima is an American city in Ohio."),
            vec![("Lima".to_string(), vec!["Ohio".into(), "American".into()])]
        );
        assert_eq!(
            statements_of("Victoria is located in Kansas."),
            vec![("Victoria".to_string(), vec!["Kansas".into()])]
        );
        assert_eq!(
            statements_of("Kansas is one of the fifty states of the United States."),
            vec![("Kansas".to_string(), vec!["United States".into()])]
        );
        assert_eq!(
            statements_of("Victoria is a district within the eastern part of the city of Lima."),
            vec![("Victoria".to_string(), vec!["Lima".into()])]
        );
        // No settlement noun: not a statement of where the place lies.
        assert!(statements_of("Lima is a friend of Ohio farmers.").is_empty());
        // The clause ends before the next sentence's names.
        assert!(statements_of("Victoria is a city. Kansas agrees.").is_empty());
    }

    #[test]
    fn containment_by_codes_and_distance() {
        let g = from_tsv(GAZ);
        let p = |i: u32| g.place(i).into_owned();
        let (us, kansas, ellis, victoria_ks, victoria_au) = (p(0), p(1), p(2), p(3), p(4));
        assert!(contains(&us, &victoria_ks) && !contains(&us, &victoria_au));
        assert!(contains(&kansas, &victoria_ks) && !contains(&kansas, &victoria_au));
        assert!(contains(&ellis, &victoria_ks) && !contains(&ellis, &victoria_au));
        assert!(!contains(&victoria_ks, &kansas), "a town holds no region");
    }
}
