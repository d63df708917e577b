//! Placing names the gazetteer lacks from what the text says about them.
//!
//! "Government forces captured the Handarat area on the northern edge of Aleppo": no
//! registry gazetteer holds Handarat, but the sentence places it. For each
//! [`UnknownName`](crate::spot::UnknownName) followed by a relation
//! ([`parse_relation`]) to a resolved city, the estimate is a point offset from the
//! anchor city's centre:
//!
//! | relation | distance from the centre | uncertainty |
//! |---|---|---|
//! | on the *dir* edge / outskirts of | the city's urban radius | half the radius, ≥ 2 km |
//! | N km *dir* of | N km | 20% of N, ≥ 2 km |
//! | *dir* of | radius + 5 km | radius + 5 km |
//! | near, outside | 0 | radius + 10 km |
//! | in, district of | 0 | the radius |
//!
//! The urban radius comes from population at a dense-city 6,000 people per km²,
//! between 1.5 and 25 km ([`urban_radius_km`]). Estimates carry `method: "relative"`,
//! their uncertainty, and a confidence well below the anchor's.
//!
//! The same relation also tests gazetteer matches: when a matched name's chosen place
//! lies far from the anchor the text ties it to, the relative estimate replaces it.
//!
//! Beyond English ([`place_relative_in`] with a language), the relations between
//! neighbouring gazetteer matches are read from per-language phrase tables
//! (`relative/phrases.rs`: "al norte de", "au nord de", "nördlich von", "к северу от", "شمال",
//! Chinese "以北" after the anchor), with the same estimates. Names no gazetteer holds
//! are found in English only, so only matched names are re-placed there.

mod phrases;

use crate::gazetteer::{Gazetteer, Place, PlaceKind};
use crate::geodesy::{destination, haversine_km};
use crate::spot::lexicon::is_place_noun_word;
use crate::spot::Spotted;

use super::relation::{parse_relation, RelationKind};
use super::Resolution;

/// People per km² assumed when turning a city's population into a radius.
const URBAN_DENSITY: f64 = 6000.0;

/// A place estimated from a relation to an anchor.
#[derive(Debug, Clone, PartialEq)]
pub struct RelativePlace {
    /// The name as written.
    pub name: String,
    /// Byte span of the name in the text.
    pub start: usize,
    /// Byte offset one past the name.
    pub end: usize,
    /// Estimated point, (lon, lat) degrees.
    pub lon_lat: (f64, f64),
    /// Radius of the estimate's uncertainty, km.
    pub uncertainty_km: f64,
    /// The anchor place (gazetteer index).
    pub anchor: u32,
    /// The relation read from the text.
    pub relation: RelationKind,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// Index of the gazetteer-matched mention this estimate replaces, if any.
    pub replaces_mention: Option<usize>,
}

/// A city's rough urban radius in km from its population.
pub fn urban_radius_km(p: &Place) -> f64 {
    (p.population as f64 / (std::f64::consts::PI * URBAN_DENSITY))
        .sqrt()
        .clamp(1.5, 25.0)
}

/// [`place_relative`] for a text in `language` (ISO 639-1; `None` for English): the
/// English phrases, or those of the language's table; a language with neither (a
/// language the spotter has its own path for, but no phrase table) gets none, since
/// the English words mean other things there (German "in", French "on").
pub fn place_relative_in(
    gazetteer: &Gazetteer,
    text: &str,
    spotted: &Spotted,
    resolutions: &[Resolution],
    language: Option<&str>,
) -> Vec<RelativePlace> {
    let Some(lang) = language.filter(|l| *l != "en") else {
        return place_relative(gazetteer, text, spotted, resolutions);
    };
    let mut out = Vec::new();
    for rel in phrases::relations(lang, text, &spotted.mentions) {
        // Without a distance or an edge, "Zaragoza, al oeste de Barcelona" may lie 250
        // km away: a name the gazetteer resolved stays where it was resolved.
        let loose = matches!(
            rel.kind,
            RelationKind::Direction { .. } | RelationKind::Near | RelationKind::Inside
        );
        if loose && resolutions[rel.subject].place.is_some() {
            continue;
        }
        let Some((anchor, conf)) = city_anchor(gazetteer, resolutions, rel.anchor) else {
            continue;
        };
        if let Some(p) = relate_mention(
            gazetteer,
            spotted,
            resolutions,
            (rel.subject, false),
            (anchor, conf),
            rel.kind,
        ) {
            out.push(p);
        }
    }
    out
}

/// The resolved place of mention `j` with its confidence, when it is a city or a
/// district: the anchors relations are measured from.
fn city_anchor(gazetteer: &Gazetteer, resolutions: &[Resolution], j: usize) -> Option<(u32, f64)> {
    let r = resolutions.get(j)?;
    let place = r.place?;
    matches!(
        gazetteer.place(place).kind,
        PlaceKind::City | PlaceKind::District
    )
    .then_some((place, r.confidence))
}

/// The estimate for gazetteer match `i` (with a place noun after it, or not) tied to
/// `anchor` by `kind`, when it should replace the match's own reading: the match
/// resolved to a town far from where the text puts it, or to nothing while the text
/// gives a place noun, a bearing or a distance.
fn relate_mention(
    gazetteer: &Gazetteer,
    spotted: &Spotted,
    resolutions: &[Resolution],
    (i, has_noun): (usize, bool),
    (anchor, conf): (u32, f64),
    kind: RelationKind,
) -> Option<RelativePlace> {
    let a = gazetteer.place(anchor);
    let (lon_lat, uncertainty_km, weight) = estimate(&a, kind);
    match resolutions[i].place {
        Some(chosen) => {
            let chosen_place = gazetteer.place(chosen);
            if chosen_place.kind < PlaceKind::Admin2 {
                return None;
            }
            // A gazetteer entry within reach of the estimate always wins.
            let reach = (3.0 * uncertainty_km).max(50.0);
            if haversine_km(chosen_place.lon_lat(), lon_lat) <= reach {
                return None;
            }
        }
        // A name dropped as too unlikely a place on its own ("Tayba": a small
        // town far away) is a place after all when the text places it, as for
        // unknown names: a place noun, or a bearing or distance.
        None => {
            if !has_noun && matches!(kind, RelationKind::Near | RelationKind::Inside) {
                return None;
            }
        }
    }
    let m = &spotted.mentions[i];
    Some(RelativePlace {
        name: m.surface.clone(),
        start: m.start,
        end: m.end,
        lon_lat,
        uncertainty_km,
        anchor,
        relation: kind,
        confidence: conf * weight,
        replaces_mention: Some(i),
    })
}

/// Estimates the unknown names of `spotted`, and re-places gazetteer matches that a
/// relation puts far from where they were resolved (English phrases).
pub fn place_relative(
    gazetteer: &Gazetteer,
    text: &str,
    spotted: &Spotted,
    resolutions: &[Resolution],
) -> Vec<RelativePlace> {
    let mut out = Vec::new();
    let anchor_at = |token: usize| -> Option<(usize, u32, f64)> {
        let j = spotted.mention_starting_at(token)?;
        city_anchor(gazetteer, resolutions, j).map(|(place, conf)| (j, place, conf))
    };
    let after_noun = |end: usize| -> usize {
        if spotted
            .tokens
            .get(end)
            .is_some_and(|t| is_place_noun_word(&t.folded))
        {
            end + 1
        } else {
            end
        }
    };

    for u in &spotted.unknown {
        let Some(rel) = parse_relation(text, &spotted.tokens, after_noun(u.tokens.end)) else {
            continue;
        };
        // Without a place noun ("Handarat, on the edge of Aleppo") only a bearing or a
        // distance marks the name as a place: "Lavrov, in Moscow" is a person.
        if u.noun.is_none() && matches!(rel.kind, RelationKind::Near | RelationKind::Inside) {
            continue;
        }
        let Some((_, anchor, conf)) = anchor_at(rel.anchor_token) else {
            continue;
        };
        let (lon_lat, uncertainty_km, weight) = estimate(&gazetteer.place(anchor), rel.kind);
        out.push(RelativePlace {
            name: u.surface.clone(),
            start: u.start,
            end: u.end,
            lon_lat,
            uncertainty_km,
            anchor,
            relation: rel.kind,
            confidence: conf * weight,
            replaces_mention: None,
        });
    }

    for (i, m) in spotted.mentions.iter().enumerate() {
        let has_noun = after_noun(m.tokens.end) > m.tokens.end;
        let Some(rel) = parse_relation(text, &spotted.tokens, after_noun(m.tokens.end)) else {
            continue;
        };
        let Some((j, anchor, conf)) = anchor_at(rel.anchor_token) else {
            continue;
        };
        if j == i {
            continue;
        }
        if let Some(p) = relate_mention(
            gazetteer,
            spotted,
            resolutions,
            (i, has_noun),
            (anchor, conf),
            rel.kind,
        ) {
            out.push(p);
        }
    }
    contained_estimates(gazetteer, text, spotted, resolutions, &mut out);
    out
}

/// A county or town's reach when it holds a place the gazetteer lacks: the
/// estimate's uncertainty, km (US counties are 30–60 km across).
const COUNTY_UNCERTAINTY_KM: f64 = 30.0;
/// An estimate at a container's point is as loose as an "in" relation's (0.4).
const CONTAINED_WEIGHT: f64 = 0.4;

/// "Detroit is a city in Marion County, Oregon" where the gazetteer holds no Detroit
/// in that county: every mention of the name (except those paired with another
/// region, "Detroit, Michigan") is placed at the innermost container's point when
/// that container is a county, a city or a district, and the name resolved to
/// nothing or to a place the container does not hold.
fn contained_estimates(
    gazetteer: &Gazetteer,
    text: &str,
    spotted: &Spotted,
    resolutions: &[Resolution],
    out: &mut Vec<RelativePlace>,
) {
    for st in super::containment::statements(text, spotted) {
        let Some((k, anchor, uncertainty_km)) = innermost_point(gazetteer, resolutions, &st) else {
            continue;
        };
        let subject = &spotted.mentions[st.subject];
        // A place that any county- or town-sized container holds is where the text
        // says; only a place none of them holds is replaced.
        let held = resolutions[st.subject].place.is_some_and(|p| {
            let p = gazetteer.place(p);
            st.containers.iter().any(|&c| {
                resolutions[c].place.is_some_and(|y| {
                    let y = gazetteer.place(y);
                    y.kind >= PlaceKind::Admin2 && super::containment::contains(&y, &p)
                })
            })
        });
        if held {
            continue;
        }
        let point = gazetteer.place(anchor).lon_lat();
        for (i, m) in spotted.mentions.iter().enumerate() {
            let paired = resolutions[i].ranked.iter().any(|c| c.features.pair > 0.0);
            if m.key != subject.key
                || (i != st.subject && paired)
                || out.iter().any(|r| r.replaces_mention == Some(i))
            {
                continue;
            }
            out.push(RelativePlace {
                name: m.surface.clone(),
                start: m.start,
                end: m.end,
                lon_lat: point,
                uncertainty_km,
                anchor,
                relation: RelationKind::Inside,
                confidence: resolutions[k].confidence * CONTAINED_WEIGHT,
                replaces_mention: Some(i),
            });
        }
    }
}

/// The innermost container of a statement that can stand for the place's point: a
/// county, town or district that every region and country named after it holds (so
/// that a misread "Olio Township" does not stand for a town in Illinois). Returns
/// (container mention, its place, the estimate's uncertainty in km).
fn innermost_point(
    gazetteer: &Gazetteer,
    resolutions: &[Resolution],
    st: &super::containment::Statement,
) -> Option<(usize, u32, f64)> {
    for (n, &k) in st.containers.iter().enumerate() {
        let Some(place) = resolutions[k].place else {
            continue;
        };
        let a = gazetteer.place(place);
        let uncertainty_km = match a.kind {
            PlaceKind::Admin2 => COUNTY_UNCERTAINTY_KM,
            PlaceKind::City | PlaceKind::District => urban_radius_km(&a) * 2.0,
            _ => continue,
        };
        let consistent = st.containers[n + 1..].iter().all(|&o| {
            resolutions[o].place.map_or(true, |y| {
                let y = gazetteer.place(y);
                y.kind > PlaceKind::Admin1 || super::containment::contains(&y, &a)
            })
        });
        if consistent {
            return Some((k, place, uncertainty_km));
        }
    }
    None
}

/// The estimated point, its uncertainty in km and a confidence weight.
fn estimate(anchor: &Place, kind: RelationKind) -> ((f64, f64), f64, f64) {
    let r = urban_radius_km(anchor);
    let from = anchor.lon_lat();
    match kind {
        RelationKind::Edge { bearing } => (destination(from, bearing, r), (r / 2.0).max(2.0), 0.5),
        RelationKind::Offset { bearing, km } => {
            (destination(from, bearing, km), (km * 0.2).max(2.0), 0.5)
        }
        RelationKind::Direction { bearing } => (destination(from, bearing, r + 5.0), r + 5.0, 0.4),
        RelationKind::Near => (from, r + 10.0, 0.4),
        RelationKind::Inside => (from, r, 0.4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::testing::from_tsv;
    use crate::resolve::{ResolveOptions, Resolver};
    use crate::spot::{Lexicon, SpotOptions, Spotter};

    const GAZ: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
170063\tAleppo\tcity\tPPLA\tSY\t09\t1602264\t36.20124\t37.16117\tHalab\t\t\n\
163843\tSyria\tcountry\tPCLI\tSY\t\t16906283\t35.0\t38.0\t\tSY\tSyrian\n\
169577\tIdlib\tcity\tPPLA\tSY\t10\t128840\t35.93062\t36.63393\t\t\t\n\
250441\tTayba\tcity\tPPL\tJO\t12\t50000\t30.4\t35.6\t\t\t\n";

    fn estimates(text: &str) -> Vec<RelativePlace> {
        let g = from_tsv(GAZ);
        let lex = Lexicon::new();
        let s = Spotter::new(&g, &lex, SpotOptions::default()).spot(text);
        let r = Resolver::new(&g, ResolveOptions::default()).resolve(text, &s);
        place_relative(&g, text, &s, &r)
    }

    fn km_from(p: &RelativePlace, lat: f64, lon: f64) -> f64 {
        haversine_km(p.lon_lat, (lon, lat))
    }

    #[test]
    fn edge_of_a_city_lies_beyond_its_centre() {
        let e = estimates(
            "Rebels lost the Kafr Hamra area on the western outskirts of Aleppo in Syria.",
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].name, "Kafr Hamra");
        // West of Aleppo's centre by its urban radius (~9 km).
        assert!(e[0].lon_lat.0 < 37.16117 && (e[0].lon_lat.1 - 36.20124).abs() < 0.01);
        assert!((km_from(&e[0], 36.20124, 37.16117) - 9.2).abs() < 1.0);
    }

    #[test]
    fn stated_distances_and_nearness() {
        let e = estimates("Shelling hit the Maarat village, 12 km south of Idlib, in Syria.");
        assert_eq!(e.len(), 1);
        assert!((km_from(&e[0], 35.93062, 36.63393) - 12.0).abs() < 0.1);
        assert!(e[0].lon_lat.1 < 35.93062);
        let e = estimates("They fled to the Atmeh camp near Idlib.");
        assert_eq!(e[0].name, "Atmeh");
        assert!(km_from(&e[0], 35.93062, 36.63393) < 0.01);
        assert!(e[0].uncertainty_km > 10.0);
    }

    #[test]
    fn a_stated_container_places_a_namesake_the_gazetteer_lacks() {
        // The gazetteer's only Tayba lies in Jordan; the text puts this one in Aleppo.
        let e = estimates("Tayba is a village in Aleppo, Syria. Tayba has no school.");
        assert_eq!(e.len(), 2, "{e:?}");
        for (p, mention) in e.iter().zip([0, 3]) {
            assert_eq!(p.replaces_mention, Some(mention));
            assert!(km_from(p, 36.20124, 37.16117) < 0.01);
        }
        // A namesake the container holds stays.
        assert!(estimates("Idlib is a city in Syria near Aleppo.").is_empty());
    }

    #[test]
    fn a_far_gazetteer_match_is_replaced_by_the_relation() {
        // Tayba exists, in Jordan; the text puts this one 10 km north of Aleppo.
        let e = estimates("Fighting reached Tayba, 10 km north of Aleppo, on Sunday.");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].replaces_mention, Some(0));
        assert!((km_from(&e[0], 36.20124, 37.16117) - 10.0).abs() < 0.1);
    }

    #[test]
    fn an_apposition_with_a_bearing_places_a_bare_name() {
        let e = estimates("Rebels reported shelling in Handarat, on the northern edge of Aleppo.");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].name, "Handarat");
        assert!(e[0].lon_lat.1 > 36.20124 + 0.05);
        // A bare name "in" a city may be a person: no estimate.
        assert!(estimates("Talks with Lavrov, in Aleppo, went on.").is_empty());
    }

    /// Aleppo and a Tayba far away (in Jordan), named in the six languages; Barcelona
    /// and Zaragoza, 250 km west of it.
    const GAZ_WORLD: &str = "id\tname\tkind\tfeature_code\tcountry_code\tadmin1\tpopulation\tlat\tlon\tnames\tabbreviations\tdemonyms\n\
170063\tAleppo\tcity\tPPLA\tSY\t09\t1602264\t36.20124\t37.16117\tHalab|Alepo|Alep|Алеппо|حلب|阿勒颇\t\t\n\
250441\tTayba\tcity\tPPL\tJO\t12\t50000\t30.4\t35.6\tТайба|الطيبة|塔伊巴\t\t\n\
3128760\tBarcelona\tcity\tPPLA\tES\t56\t1620343\t41.38879\t2.15899\t巴塞罗那\t\t\n\
3104324\tZaragoza\tcity\tPPLA\tES\t52\t674997\t41.65606\t-0.87734\t萨拉戈萨\t\t\n";

    fn estimates_in(lang: &str, text: &str) -> (crate::gazetteer::Gazetteer, Vec<RelativePlace>) {
        let g = from_tsv(GAZ_WORLD);
        let lex = Lexicon::new();
        let options = SpotOptions {
            language: Some(crate::spot::Language::forced(lang, text).unwrap().code),
            ..Default::default()
        };
        let s = Spotter::new(&g, &lex, options).spot(text);
        let r = Resolver::new(&g, ResolveOptions::default()).resolve(text, &s);
        let e = place_relative_in(&g, text, &s, &r, Some(lang));
        (g, e)
    }

    #[test]
    fn each_language_places_a_far_match_from_its_anchor() {
        let cases = [
            (
                "es",
                "Los combates llegaron a Tayba, a 10 km al norte de Alepo, el domingo.",
            ),
            (
                "fr",
                "Les combats ont atteint Tayba, à 10 km au nord d'Alep, dimanche.",
            ),
            (
                "de",
                "Die Kämpfe erreichten Tayba, 10 km nördlich von Aleppo, am Sonntag.",
            ),
            (
                "ru",
                "Бои дошли до села Тайба, в 10 км к северу от Алеппо, в воскресенье.",
            ),
            (
                "ar",
                "وصلت المعارك إلى الطيبة على بعد 10 كم شمال حلب يوم الأحد.",
            ),
            ("zh", "战斗蔓延到塔伊巴，塔伊巴位于阿勒颇以北10公里。"),
        ];
        for (lang, text) in cases {
            let (g, e) = estimates_in(lang, text);
            let tayba: Vec<_> = e.iter().filter(|p| p.end <= text.len()).collect();
            assert!(!tayba.is_empty(), "{lang}: {text}");
            let p = tayba.last().unwrap();
            assert_eq!(g.place(p.anchor).name, "Aleppo", "{lang}");
            assert_eq!(
                p.relation,
                RelationKind::Offset {
                    bearing: 0.0,
                    km: 10.0
                },
                "{lang}"
            );
            assert!(
                (km_from(p, 36.20124, 37.16117) - 10.0).abs() < 0.1,
                "{lang}"
            );
            assert!(p.lon_lat.1 > 36.20124, "{lang}");
        }
    }

    #[test]
    fn chinese_places_a_name_after_its_anchor_and_other_relations() {
        let (g, e) = estimates_in("zh", "叛军控制了阿勒颇以西20公里的塔伊巴。");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].name, "塔伊巴");
        assert_eq!(g.place(e[0].anchor).name, "Aleppo");
        assert_eq!(
            e[0].relation,
            RelationKind::Offset {
                bearing: 270.0,
                km: 20.0
            }
        );
        assert!(e[0].lon_lat.0 < 37.16117);
        // A bearing alone leaves a resolved town where it is: "west of" may be far.
        assert!(estimates_in("es", "Zaragoza, al oeste de Barcelona, votó.")
            .1
            .is_empty());
        assert!(estimates_in("zh", "萨拉戈萨位于巴塞罗那以西。")
            .1
            .is_empty());
        let (_, e) = estimates_in("ru", "Тайба, на северной окраине Алеппо, под обстрелом.");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].relation, RelationKind::Edge { bearing: 0.0 });
        // No phrase, no estimate; a near match would have stayed where it was.
        assert!(estimates_in("es", "Tayba y Alepo.").1.is_empty());
    }

    #[test]
    fn no_anchor_no_estimate() {
        assert!(estimates("The Handarat area was quiet.").is_empty());
    }
}
