//! Relative phrases beyond English, read from small per-language tables written for
//! this repository: "Tayba, al norte de Alepo", "Tayba, à 10 km au nord d'Alep",
//! "Tayba, 10 km nördlich von Aleppo", "Тайба, в 10 км к северу от Алеппо",
//! "الطيبة شمال حلب", "泰巴位于阿勒颇以北10公里" / "阿勒颇以北的泰巴".
//!
//! A relation ties two neighbouring mentions. In the languages that put the phrase
//! before the anchor (ar, ru, es, fr, de, as English does) the text between them is
//! the phrase: the first mention is placed relative to the second. Chinese puts it
//! after the anchor ("阿勒颇以北", north of Aleppo): the place is either the mention
//! before, joined by a copula such as "位于" (lies at), or the mention after, joined by
//! "的" ("阿勒颇以北的泰巴", the Tayba north of Aleppo).
//!
//! Each table's templates are expanded once into whole phrases (a direction slot
//! filled with every compass word), so reading a gap is one hash look-up after
//! normalising it (lower case, single spaces, no surrounding commas); a stated
//! distance ("10 km", "10,5 км", "١٠ كم", "10公里") before a direction phrase makes
//! an offset.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::resolve::relation::RelationKind;
use crate::spot::Mention;

/// A relation read between two mentions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct MentionRelation {
    /// Index of the mention the phrase places.
    pub subject: usize,
    /// Index of the mention it is placed from.
    pub anchor: usize,
    /// The relation.
    pub kind: RelationKind,
}

/// Where a language puts its relative phrase.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Order {
    /// Between the place and its anchor ("X north of Y").
    Prefix,
    /// After the anchor ("Y以北").
    Postfix,
}

/// One language's words. Templates hold `{d}` (a compass word of `dirs`) or `{a}` (a
/// compass adjective of `adjs`).
struct Table {
    order: Order,
    /// Compass words in the form the direction templates take, with their bearings.
    dirs: &'static [(&'static str, f64)],
    /// Compass adjectives in the form the edge templates take.
    adjs: &'static [(&'static str, f64)],
    /// "north of": a bearing without a distance.
    direction: &'static [&'static str],
    /// "on the northern edge of".
    edge: &'static [&'static str],
    /// "near", "on the outskirts of".
    near: &'static [&'static str],
    /// Words that may open a phrase without changing it ("about", "located").
    hedges: &'static [&'static str],
    /// Words before a stated distance ("a 10 km", "в 10 км", "على بعد").
    distance_intro: &'static [&'static str],
    /// Kilometre units.
    km: &'static [&'static str],
    /// Chinese only: what joins a place to the anchor after it ("位于").
    copulas: &'static [&'static str],
}

const ES: Table = Table {
    order: Order::Prefix,
    dirs: &[
        ("norte", 0.0),
        ("sur", 180.0),
        ("este", 90.0),
        ("oeste", 270.0),
        ("noreste", 45.0),
        ("nordeste", 45.0),
        ("noroeste", 315.0),
        ("sureste", 135.0),
        ("sudeste", 135.0),
        ("suroeste", 225.0),
        ("sudoeste", 225.0),
    ],
    adjs: &[],
    direction: &["al {d} de", "al {d} del"],
    edge: &[
        "en la periferia {d} de",
        "en la periferia {d} del",
        "en el extremo {d} de",
        "en el extremo {d} del",
        "en las afueras al {d} de",
        "en las afueras al {d} del",
    ],
    near: &[
        "cerca de",
        "cerca del",
        "en las afueras de",
        "en las afueras del",
        "en los alrededores de",
        "en los alrededores del",
        "en las inmediaciones de",
        "en las inmediaciones del",
        "junto a",
        "a las afueras de",
    ],
    hedges: &[
        "justo",
        "unos",
        "unas",
        "situado",
        "situada",
        "ubicado",
        "ubicada",
        "aproximadamente",
    ],
    distance_intro: &["a"],
    km: &["km", "kilómetros", "kilometros", "kilómetro"],
    copulas: &[],
};

const FR: Table = Table {
    order: Order::Prefix,
    dirs: &[
        ("nord", 0.0),
        ("sud", 180.0),
        ("est", 90.0),
        ("ouest", 270.0),
        ("nord-est", 45.0),
        ("nord-ouest", 315.0),
        ("sud-est", 135.0),
        ("sud-ouest", 225.0),
    ],
    adjs: &[
        ("nord", 0.0),
        ("sud", 180.0),
        ("est", 90.0),
        ("ouest", 270.0),
        ("septentrionale", 0.0),
        ("méridionale", 180.0),
        ("orientale", 90.0),
        ("occidentale", 270.0),
    ],
    // "à l'est de", "à l'ouest du": the article elided before a vowel.
    direction: &["au {d} de", "au {d} du", "à l'{d} de", "à l'{d} du"],
    edge: &[
        "à la périphérie {a} de",
        "à la périphérie {a} du",
        "en périphérie {a} de",
        "dans la banlieue {a} de",
        "dans la banlieue {a} du",
        "à la sortie {a} de",
        "à l'entrée {a} de",
    ],
    near: &[
        "près de",
        "près du",
        "non loin de",
        "non loin du",
        "aux environs de",
        "aux abords de",
        "dans la banlieue de",
        "en banlieue de",
        "à proximité de",
        "aux portes de",
        "dans les environs de",
    ],
    hedges: &[
        "juste", "environ", "quelque", "situé", "située", "situés", "situées",
    ],
    distance_intro: &["à"],
    km: &["km", "kilomètres", "kilometres", "kilomètre"],
    copulas: &[],
};

const DE: Table = Table {
    order: Order::Prefix,
    dirs: &[
        ("nördlich", 0.0),
        ("südlich", 180.0),
        ("östlich", 90.0),
        ("westlich", 270.0),
        ("nordöstlich", 45.0),
        ("nordwestlich", 315.0),
        ("südöstlich", 135.0),
        ("südwestlich", 225.0),
    ],
    adjs: &[
        ("nördlichen", 0.0),
        ("südlichen", 180.0),
        ("östlichen", 90.0),
        ("westlichen", 270.0),
        ("nordöstlichen", 45.0),
        ("nordwestlichen", 315.0),
        ("südöstlichen", 135.0),
        ("südwestlichen", 225.0),
    ],
    // "nördlich Aleppos" takes the genitive without "von".
    direction: &["{d} von", "{d} vom", "{d}"],
    edge: &[
        "am {a} stadtrand von",
        "am {a} stadtrand",
        "am {a} rand von",
        "am {a} rand",
    ],
    near: &[
        "bei",
        "nahe",
        "nahe von",
        "in der nähe von",
        "unweit von",
        "unweit",
        "am stadtrand von",
        "vor den toren von",
        "in der umgebung von",
        "außerhalb von",
    ],
    hedges: &[
        "etwa",
        "rund",
        "ungefähr",
        "knapp",
        "gut",
        "circa",
        "ca.",
        "direkt",
        "unmittelbar",
        "liegt",
        "gelegen",
    ],
    distance_intro: &[],
    km: &["km", "kilometer", "kilometern"],
    copulas: &[],
};

const RU: Table = Table {
    order: Order::Prefix,
    dirs: &[
        ("северу", 0.0),
        ("югу", 180.0),
        ("востоку", 90.0),
        ("западу", 270.0),
        ("северо-востоку", 45.0),
        ("северо-западу", 315.0),
        ("юго-востоку", 135.0),
        ("юго-западу", 225.0),
    ],
    adjs: &[
        ("северной", 0.0),
        ("южной", 180.0),
        ("восточной", 90.0),
        ("западной", 270.0),
        ("северо-восточной", 45.0),
        ("северо-западной", 315.0),
        ("юго-восточной", 135.0),
        ("юго-западной", 225.0),
    ],
    direction: &["к {d} от"],
    edge: &["на {a} окраине"],
    near: &[
        "под",
        "около",
        "возле",
        "близ",
        "недалеко от",
        "неподалёку от",
        "неподалеку от",
        "рядом с",
        "на окраине",
        "в окрестностях",
        "в пригороде",
    ],
    hedges: &[
        "примерно",
        "почти",
        "всего",
        "расположенный",
        "расположенная",
        "расположенное",
        "что",
    ],
    distance_intro: &["в"],
    km: &["км", "километрах", "километров", "километра", "километре"],
    copulas: &[],
};

const AR: Table = Table {
    order: Order::Prefix,
    dirs: &[
        ("شمال", 0.0),
        ("جنوب", 180.0),
        ("شرق", 90.0),
        ("غرب", 270.0),
        ("شمال شرق", 45.0),
        ("شمال غرب", 315.0),
        ("جنوب شرق", 135.0),
        ("جنوب غرب", 225.0),
        ("شمالي", 0.0),
        ("جنوبي", 180.0),
        ("شرقي", 90.0),
        ("غربي", 270.0),
        ("شمال شرقي", 45.0),
        ("شمال غربي", 315.0),
        ("جنوب شرقي", 135.0),
        ("جنوب غربي", 225.0),
    ],
    adjs: &[
        ("الشمالية", 0.0),
        ("الجنوبية", 180.0),
        ("الشرقية", 90.0),
        ("الغربية", 270.0),
        ("الشمالية الشرقية", 45.0),
        ("الشمالية الغربية", 315.0),
        ("الجنوبية الشرقية", 135.0),
        ("الجنوبية الغربية", 225.0),
    ],
    // The anchor may follow a proclitic "ل" (to) written onto it: "لحلب".
    direction: &["{d}", "{d} مدينة", "إلى ال{d} من", "الى ال{d} من"],
    edge: &[
        "على الأطراف {a} ل",
        "على الاطراف {a} ل",
        "في الضواحي {a} ل",
        "عند المدخل {a} ل",
    ],
    near: &[
        "قرب",
        "قرب مدينة",
        "بالقرب من",
        "بالقرب من مدينة",
        "على مشارف",
        "على أطراف",
        "على اطراف",
        "في محيط",
        "في ضواحي",
        "في ريف",
    ],
    hedges: &["الواقعة", "الواقع", "تقع", "يقع", "حوالي", "نحو", "قرابة"],
    distance_intro: &["على بعد", "على مسافة"],
    km: &["كم", "كيلومتر", "كيلومترات", "كيلومترا", "كيلومتراً"],
    copulas: &[],
};

const ZH: Table = Table {
    order: Order::Postfix,
    dirs: &[
        ("北", 0.0),
        ("南", 180.0),
        ("东", 90.0),
        ("西", 270.0),
        ("东北", 45.0),
        ("西北", 315.0),
        ("东南", 135.0),
        ("西南", 225.0),
    ],
    adjs: &[("北", 0.0), ("南", 180.0), ("东", 90.0), ("西", 270.0)],
    direction: &["以{d}", "{d}面", "{d}边", "{d}方"],
    edge: &["{a}郊", "{a}部郊区", "{a}部边缘"],
    near: &["附近", "郊区", "郊外", "周边", "近郊"],
    hedges: &["约", "大约", "距离", "处"],
    distance_intro: &[],
    km: &["公里", "千米", "km"],
    copulas: &["位于", "地处", "坐落于", "处于", "在"],
};

/// The table for a language (ISO 639-1), if there is one.
fn table(lang: &str) -> Option<&'static Table> {
    Some(match lang {
        "es" => &ES,
        "fr" => &FR,
        "de" => &DE,
        "ru" => &RU,
        "ar" => &AR,
        "zh" => &ZH,
        _ => return None,
    })
}

/// A table's templates expanded into whole phrases.
struct Phrases {
    table: &'static Table,
    /// Normalised phrase -> relation (`Direction`, `Edge` or `Near`).
    whole: HashMap<String, RelationKind>,
    /// Longest phrase, in characters (bounds the Chinese postfix search).
    longest: usize,
}

impl Phrases {
    fn build(table: &'static Table) -> Phrases {
        let mut whole = HashMap::new();
        for t in table.direction {
            for &(d, bearing) in table.dirs {
                whole.insert(t.replace("{d}", d), RelationKind::Direction { bearing });
            }
        }
        for t in table.edge {
            let (slot, words) = if t.contains("{a}") {
                ("{a}", table.adjs)
            } else {
                ("{d}", table.dirs)
            };
            for &(a, bearing) in words {
                whole.insert(t.replace(slot, a), RelationKind::Edge { bearing });
            }
        }
        for n in table.near {
            whole.insert(n.to_string(), RelationKind::Near);
        }
        let longest = whole.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        Phrases {
            table,
            whole,
            longest,
        }
    }

    /// The relation a whole normalised phrase states: a listed phrase, after any
    /// hedges, or a distance followed by a direction phrase.
    fn read(&self, phrase: &str) -> Option<RelationKind> {
        if let Some(k) = self.whole.get(phrase) {
            return Some(*k);
        }
        let rest = strip_words(phrase, self.table.hedges);
        if let Some(k) = self.whole.get(rest) {
            return Some(*k);
        }
        self.read_offset(rest)
    }

    /// "10 km al norte de": a number, a unit, and a direction phrase.
    fn read_offset(&self, phrase: &str) -> Option<RelationKind> {
        let rest = strip_words(phrase, self.table.distance_intro);
        let rest = strip_words(rest, self.table.hedges);
        let (km, rest) = leading_number(rest)?;
        let rest = rest.trim_start();
        let unit = self
            .table
            .km
            .iter()
            .filter(|u| rest.starts_with(*u))
            .max_by_key(|u| u.len())?;
        let rest = strip_words(rest[unit.len()..].trim_start(), self.table.hedges);
        match self.whole.get(rest)? {
            RelationKind::Direction { bearing } => Some(RelationKind::Offset {
                bearing: *bearing,
                km,
            }),
            _ => None,
        }
    }

    /// The longest phrase that opens `after` (Chinese, after the anchor), with a
    /// distance after a direction ("以北10公里"): the relation and the bytes read.
    fn read_postfix(&self, after: &str) -> Option<(RelationKind, usize)> {
        let ends: Vec<usize> = after
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .take(self.longest)
            .collect();
        let (kind, len) = ends
            .iter()
            .rev()
            .find_map(|&e| self.whole.get(&after[..e]).map(|k| (*k, e)))?;
        if let RelationKind::Direction { bearing } = kind {
            if let Some(read) = self.distance_after(&after[len..]) {
                return Some((
                    RelationKind::Offset {
                        bearing,
                        km: read.0,
                    },
                    len + read.1,
                ));
            }
        }
        Some((kind, len))
    }

    /// "西南约55公里": a bare compass word after the anchor, which makes a relation
    /// only with a distance after it ("阿勒颇北部" is the north of Aleppo, inside it).
    fn read_bare_postfix(&self, after: &str) -> Option<(RelationKind, usize)> {
        let (dir, bearing) = self
            .table
            .dirs
            .iter()
            .filter(|(d, _)| after.starts_with(d))
            .max_by_key(|(d, _)| d.len())?;
        let (km, read) = self.distance_after(&after[dir.len()..])?;
        Some((
            RelationKind::Offset {
                bearing: *bearing,
                km,
            },
            dir.len() + read,
        ))
    }

    /// A distance opening `s` ("约10公里"): kilometres and the bytes read.
    fn distance_after(&self, s: &str) -> Option<(f64, usize)> {
        let tail = strip_words(s, self.table.hedges);
        let (km, rest) = leading_number(tail)?;
        let rest = rest.trim_start();
        let u = self.table.km.iter().find(|u| rest.starts_with(*u))?;
        Some((km, s.len() - rest.len() + u.len()))
    }
}

/// The expanded phrases of `lang`, built on first use.
fn phrases(lang: &str) -> Option<&'static Phrases> {
    static BUILT: OnceLock<Vec<(&'static str, Phrases)>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        ["es", "fr", "de", "ru", "ar", "zh"]
            .into_iter()
            .filter_map(|l| table(l).map(|t| (l, Phrases::build(t))))
            .collect()
    });
    built.iter().find(|(l, _)| *l == lang).map(|(_, p)| p)
}

/// The relations the text states between neighbouring mentions, in language `lang`.
pub fn relations(lang: &str, text: &str, mentions: &[Mention]) -> Vec<MentionRelation> {
    let Some(p) = phrases(lang) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, pair) in mentions.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        let gap = normalise(&text[a.end..b.start]);
        match p.table.order {
            Order::Prefix => {
                if let Some(kind) = p.read(&gap) {
                    out.push(MentionRelation {
                        subject: i,
                        anchor: i + 1,
                        kind,
                    });
                }
            }
            Order::Postfix => {
                // "阿勒颇以北的泰巴": the anchor first, the phrase and "的", the place.
                let before_de = gap.strip_suffix('的').map(|g| g.trim_end_matches('处'));
                if let Some(kind) =
                    before_de.and_then(|g| p.read_postfix(g).filter(|r| r.1 == g.len()))
                {
                    out.push(MentionRelation {
                        subject: i + 1,
                        anchor: i,
                        kind: kind.0,
                    });
                    continue;
                }
                // "泰巴位于阿勒颇以北": the place, a copula, the anchor, the phrase.
                if p.table.copulas.contains(&gap.as_str()) {
                    let after = normalise_start(&text[b.end..]);
                    let read = p.read_postfix(after).or_else(|| p.read_bare_postfix(after));
                    if let Some((kind, _)) = read {
                        out.push(MentionRelation {
                            subject: i,
                            anchor: i + 1,
                            kind,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The gap between two mentions as a phrase: lower case, typographic apostrophes
/// plain, single spaces, no commas or spaces around it, and the elided French "d'"
/// written out as "de" (the anchor's name follows it directly).
fn normalise(gap: &str) -> String {
    let trimmed =
        gap.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '،' | '，' | '、'));
    let mut out = String::with_capacity(trimmed.len());
    for word in trimmed.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            word.chars()
                .map(|c| if c == '’' { '\'' } else { c })
                .flat_map(char::to_lowercase),
        );
    }
    if let Some(stem) = out.strip_suffix("d'") {
        if stem.is_empty() || stem.ends_with(' ') {
            out = format!("{stem}de");
        }
    }
    out
}

/// Text after a Chinese anchor without leading spaces.
fn normalise_start(after: &str) -> &str {
    after.trim_start()
}

/// `s` without any of `words` (and the spaces after them) at its start.
fn strip_words<'s>(mut s: &'s str, words: &[&str]) -> &'s str {
    loop {
        let next = words.iter().find_map(|w| {
            let rest = s.strip_prefix(w)?;
            // A whole word: a space or the end follows, or the script has no spaces.
            let spaced = w
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() && !is_han(c));
            if !spaced || rest.is_empty() || rest.starts_with(' ') {
                Some(rest.trim_start())
            } else {
                None
            }
        });
        match next {
            Some(rest) if rest.len() < s.len() => s = rest,
            _ => return s,
        }
    }
}

/// A Chinese character: Chinese words are not separated by spaces.
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

/// A number at the start of `s` (ASCII, Arabic-Indic or full-width digits, with "."
/// or "," as the decimal mark), and the rest.
fn leading_number(s: &str) -> Option<(f64, &str)> {
    let mut digits = String::new();
    let mut end = 0;
    for (i, c) in s.char_indices() {
        let d = match c {
            '0'..='9' => c,
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '.' | ',' | '٫' if !digits.is_empty() && !digits.contains('.') => '.',
            _ => break,
        };
        digits.push(d);
        end = i + c.len_utf8();
    }
    let digits = digits.trim_end_matches('.');
    if digits.is_empty() {
        return None;
    }
    let km: f64 = digits.parse().ok()?;
    // A trailing decimal mark was punctuation: give it back.
    let consumed = if s[..end].ends_with(['.', ',', '٫']) {
        end - s[..end].chars().last().map_or(0, char::len_utf8)
    } else {
        end
    };
    (km > 0.0).then_some((km, &s[consumed..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lang: &str, phrase: &str) -> Option<RelationKind> {
        phrases(lang).unwrap().read(&normalise(phrase))
    }

    #[test]
    fn each_language_reads_direction_edge_near_and_offset() {
        let north = Some(RelationKind::Direction { bearing: 0.0 });
        assert_eq!(read("es", ", al norte de "), north);
        assert_eq!(read("fr", ", au nord d’"), north);
        assert_eq!(read("de", ", nördlich von "), north);
        assert_eq!(read("ru", ", к северу от "), north);
        assert_eq!(read("ar", " شمال "), north);
        assert_eq!(
            read("fr", " à la périphérie ouest de "),
            Some(RelationKind::Edge { bearing: 270.0 })
        );
        assert_eq!(
            read("ru", ", на юго-восточной окраине "),
            Some(RelationKind::Edge { bearing: 135.0 })
        );
        assert_eq!(
            read("fr", ", à l'est de "),
            Some(RelationKind::Direction { bearing: 90.0 })
        );
        assert_eq!(read("es", " cerca de "), Some(RelationKind::Near));
        assert_eq!(read("ar", " بالقرب من "), Some(RelationKind::Near));
        let offset = |bearing, km| Some(RelationKind::Offset { bearing, km });
        assert_eq!(read("es", ", a unos 12 km al sur de "), offset(180.0, 12.0));
        assert_eq!(
            read("fr", ", à environ 7,5 km au nord-est d'"),
            offset(45.0, 7.5)
        );
        assert_eq!(
            read("de", ", rund 30 Kilometer westlich von "),
            offset(270.0, 30.0)
        );
        assert_eq!(read("ru", ", в 20 км к западу от "), offset(270.0, 20.0));
        assert_eq!(read("ar", " على بعد ١٥ كم جنوب "), offset(180.0, 15.0));
        // Words that state no relation.
        assert_eq!(read("es", " y "), None);
        assert_eq!(read("de", " und "), None);
        assert_eq!(read("ru", " 12 км "), None);
    }

    #[test]
    fn chinese_reads_the_phrase_after_the_anchor() {
        let p = phrases("zh").unwrap();
        assert_eq!(
            p.read_postfix("以北10公里的村庄"),
            Some((
                RelationKind::Offset {
                    bearing: 0.0,
                    km: 10.0
                },
                "以北10公里".len()
            ))
        );
        assert_eq!(
            p.read_postfix("以西北的山区").map(|r| r.0),
            Some(RelationKind::Direction { bearing: 315.0 })
        );
        assert_eq!(
            p.read_postfix("附近发生").map(|r| r.0),
            Some(RelationKind::Near)
        );
        assert_eq!(p.read_postfix("和大马士革"), None);
        assert_eq!(
            p.read_bare_postfix("西南约55公里，").map(|r| r.0),
            Some(RelationKind::Offset {
                bearing: 225.0,
                km: 55.0
            })
        );
        assert_eq!(p.read_bare_postfix("北部的"), None);
    }

    #[test]
    fn numbers_take_either_decimal_mark_and_other_digits() {
        assert_eq!(leading_number("12 km"), Some((12.0, " km")));
        assert_eq!(leading_number("7,5 km"), Some((7.5, " km")));
        assert_eq!(leading_number("١٥ كم"), Some((15.0, " كم")));
        assert_eq!(leading_number("１０公里"), Some((10.0, "公里")));
        assert_eq!(leading_number("12, "), Some((12.0, ", ")));
        assert_eq!(leading_number("km"), None);
    }
}
