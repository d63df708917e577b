//! Spatial relations written after a place name: "on the northern edge of Aleppo",
//! "10 km north of Aleppo", "near Aleppo", "in Aleppo", "the X district of Aleppo".
//!
//! [`parse_relation`] reads the tokens that follow a name (and its place noun) and says
//! how the name's place stands to the place named next: the *anchor*, found as the
//! mention that starts where the phrase ends.

use crate::text::Token;

/// How a place stands to its anchor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RelationKind {
    /// On the edge or outskirts of the anchor, on a bearing ("northern edge").
    Edge {
        /// Degrees clockwise from north.
        bearing: f64,
    },
    /// A stated distance on a bearing ("10 km north of").
    Offset {
        /// Degrees clockwise from north.
        bearing: f64,
        /// Kilometres.
        km: f64,
    },
    /// On a bearing, no distance ("just north of").
    Direction {
        /// Degrees clockwise from north.
        bearing: f64,
    },
    /// Near, outside, close to the anchor.
    Near,
    /// Inside the anchor ("in", "of", "district of").
    Inside,
}

/// A parsed relation and the token where its anchor's name starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Relation {
    /// The relation.
    pub kind: RelationKind,
    /// Index of the anchor's first token.
    pub anchor_token: usize,
}

/// Words that may stand between a name and its relation without changing it: "just
/// north of", "some 10 km from", "located near", "lying on the edge of". Folded.
pub fn is_hedge(folded: &str) -> bool {
    matches!(
        folded,
        "just"
            | "some"
            | "about"
            | "around"
            | "roughly"
            | "nearly"
            | "almost"
            | "approximately"
            | "located"
            | "situated"
            | "lying"
    )
}

/// Reads a relation phrase starting at token `at` (the token after the name and its
/// noun). `text` is needed to see commas between tokens.
pub fn parse_relation(text: &str, tokens: &[Token], at: usize) -> Option<Relation> {
    let word = |i: usize| tokens.get(i).map(|t| t.folded.as_str()).unwrap_or("");
    let mut i = at;
    // Skip a comma-introduced apposition's article: "X, a village near Y" is handled by
    // the caller's noun; here "X, 10 km north of Y" and "X, near Y".
    while is_hedge(word(i)) || matches!(word(i), "which" | "is" | "lies") {
        i += 1;
    }
    match word(i) {
        "on" | "at" | "along" => {
            // on the northern edge of Y / on the outskirts of Y / on Y's ... (not handled)
            let mut j = i + 1;
            if word(j) == "the" {
                j += 1;
            }
            let (bearing, after) = read_bearing(tokens, j);
            let edge_word = matches!(
                word(after),
                "edge"
                    | "edges"
                    | "outskirts"
                    | "fringe"
                    | "fringes"
                    | "periphery"
                    | "side"
                    | "outskirt"
                    | "limits"
                    | "approaches"
            );
            if edge_word && word(after + 1) == "of" {
                let anchor_token = skip_article(tokens, after + 2);
                return Some(Relation {
                    kind: match bearing {
                        Some(b) => RelationKind::Edge { bearing: b },
                        None => RelationKind::Near,
                    },
                    anchor_token,
                });
            }
            None
        }
        "near" | "outside" | "nearby" | "close" | "beside" | "next" => {
            let mut j = i + 1;
            if matches!(word(j), "to" | "by") {
                j += 1;
            }
            Some(Relation {
                kind: RelationKind::Near,
                anchor_token: skip_article(tokens, j),
            })
        }
        "in" | "of" | "inside" | "within" => Some(Relation {
            kind: RelationKind::Inside,
            anchor_token: skip_article(tokens, i + 1),
        }),
        "north" | "south" | "east" | "west" | "northeast" | "northwest" | "southeast"
        | "southwest" => {
            let (bearing, after) = read_bearing(tokens, i);
            (word(after) == "of").then(|| Relation {
                kind: RelationKind::Direction {
                    bearing: bearing.unwrap_or(0.0),
                },
                anchor_token: skip_article(tokens, after + 1),
            })
        }
        w if w.parse::<f64>().is_ok() => {
            let mut km: f64 = w.parse().ok()?;
            let mut j = i + 1;
            // "10.5" is tokenised as "10" "5".
            if tokens.get(j).is_some_and(|t| {
                text[tokens[i].end..t.start] == *"." && t.folded.chars().all(|c| c.is_ascii_digit())
            }) {
                km = format!("{w}.{}", word(j)).parse().ok()?;
                j += 1;
            }
            match word(j) {
                "km" | "kms" | "kilometres" | "kilometers" | "kilometre" | "kilometer" => {}
                "mi" | "miles" | "mile" => km *= 1.609_344,
                _ => return None,
            }
            let (bearing, after) = read_bearing(tokens, j + 1);
            let bearing = bearing?;
            (word(after) == "of").then(|| Relation {
                kind: RelationKind::Offset { bearing, km },
                anchor_token: skip_article(tokens, after + 1),
            })
        }
        _ => None,
    }
}

fn skip_article(tokens: &[Token], i: usize) -> usize {
    match tokens.get(i).map(|t| t.folded.as_str()) {
        Some("the") => i + 1,
        _ => i,
    }
}

/// Reads a compass word or pair at `i` ("north", "northern", "north-eastern", "NE"),
/// returning the bearing and the index after it.
fn read_bearing(tokens: &[Token], i: usize) -> (Option<f64>, usize) {
    let base = |w: &str| -> Option<f64> {
        Some(match w {
            "north" | "northern" | "n" => 0.0,
            "east" | "eastern" | "e" => 90.0,
            "south" | "southern" | "s" => 180.0,
            "west" | "western" | "w" => 270.0,
            "northeast" | "northeastern" | "ne" => 45.0,
            "southeast" | "southeastern" | "se" => 135.0,
            "southwest" | "southwestern" | "sw" => 225.0,
            "northwest" | "northwestern" | "nw" => 315.0,
            _ => return None,
        })
    };
    let Some(first) = tokens.get(i).and_then(|t| base(&t.folded)) else {
        return (None, i);
    };
    // "north-eastern" arrives as two tokens.
    if let Some(second) = tokens.get(i + 1).and_then(|t| base(&t.folded)) {
        if (first == 0.0 || first == 180.0) && (second == 90.0 || second == 270.0) {
            let b = if first == 0.0 {
                if second == 90.0 {
                    45.0
                } else {
                    315.0
                }
            } else if second == 90.0 {
                135.0
            } else {
                225.0
            };
            return (Some(b), i + 2);
        }
    }
    (Some(first), i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn rel(text: &str) -> Option<Relation> {
        let toks = tokenize(text);
        parse_relation(text, &toks, 0)
    }

    #[test]
    fn reads_news_patterns() {
        assert_eq!(
            rel("on the northern edge of Aleppo").unwrap().kind,
            RelationKind::Edge { bearing: 0.0 }
        );
        assert_eq!(
            rel("on the north-eastern outskirts of Aleppo")
                .unwrap()
                .kind,
            RelationKind::Edge { bearing: 45.0 }
        );
        let r = rel("10 km south of Aleppo").unwrap();
        assert_eq!(
            r.kind,
            RelationKind::Offset {
                bearing: 180.0,
                km: 10.0
            }
        );
        assert_eq!(r.anchor_token, 4);
        let r = rel("some 12.5 miles west of the city").unwrap();
        match r.kind {
            RelationKind::Offset { bearing, km } => {
                assert!(bearing == 270.0 && (km - 20.117).abs() < 0.01)
            }
            _ => panic!("{r:?}"),
        }
        assert_eq!(rel("near Idlib").unwrap().kind, RelationKind::Near);
        assert_eq!(rel("close to Idlib").unwrap().anchor_token, 2);
        assert_eq!(rel("of Aleppo").unwrap().kind, RelationKind::Inside);
        assert_eq!(
            rel("just north of Homs").unwrap().kind,
            RelationKind::Direction { bearing: 0.0 }
        );
        assert!(rel("on Tuesday").is_none());
        assert!(rel("10 people north of").is_none());
    }
}
