"""The ingredient table and how a name finds its entry.

``pilot/data/ingredients.csv`` has one row per ingredient: ``ingredient,facts,group``
(facts ``|``-separated, from ``pilot.ingredients.facts.FACTS``; empty = no fact). Names are
matched after ``normalise_name`` (lower case, accents and marks dropped, ``-`` read as a
space), so "Jalapeño" is "jalapeno" and "all-purpose flour" is "all purpose flour".

A name that is not in the table as written is matched piece by piece (``Table.facts_of``):

1. Qualifiers that take facts away are read first: "gluten-free flour" is flour without
   gluten, "vegetarian ground beef" is beef without the slaughter facts, "vegan butter" is
   butter without dairy, "halal chicken" is chicken whose meat is halal.
2. The rest must be covered, word by word, by table entries (longest first, each also in
   the singular: "tomatoes" -> "tomato") and by *neutral words* that never change a fact
   (sizes, colours, "fresh", "smoked", "boneless", "organic", brand names...). The name's
   facts are the union of its pieces': "smoked paprika" is paprika, "chicken stock" is
   chicken stock, "beef and ale pie filling" would need every word known.
3. If any word is left that is neither, the name is **unknown**: it breaks every label.

So a longer name can only gain facts from its pieces, never lose one except through an
explicit qualifier: a word nobody classified can never make a label appear.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pilot.ingredients.facts import FREE_OF, HALAL_SWAPS, check_facts

TABLE_PATH = Path(__file__).resolve().parents[1] / "data" / "ingredients.csv"

#: Words that never change what an ingredient is made of.
NEUTRAL = frozenset(
    """
    fresh freshly frozen thawed defrosted dried dry canned tinned jarred bottled boxed
    packaged bagged refrigerated chilled cold warm hot room temperature raw cooked uncooked
    precooked pre cooked leftover day old stale ripe overripe unripe firm soft tender young
    baby mature large larger small smaller medium big jumbo extra giant mini miniature tiny
    huge whole halved half quartered chopped minced diced sliced cubed grated shredded
    crushed crumbled ground mashed pureed julienned slivered shaved torn trimmed peeled
    unpeeled seeded deseeded pitted stoned cored hulled stemmed deveined shelled unshelled
    boned deboned boneless skinless bone in skin on thick thin thinly thickly finely coarsely
    roughly lightly well very loosely firmly packed heaping heaped level rounded scant good
    quality best plain simple basic regular ordinary natural organic pure real genuine
    authentic traditional classic homemade home made store bought storebought prepared
    ready made premade instant quick quick cooking fast old fashioned rolled steel cut
    smoked roasted toasted grilled charred broiled baked fried deep sauteed steamed boiled
    poached braised blanched pickled cured brined marinated seasoned unseasoned spiced
    flavored flavoured unflavored unflavoured salted unsalted lightly salted sweetened
    unsweetened sugar free low sodium reduced sodium no salt added salt free low fat reduced
    fat fat free nonfat non fat lowfat light lite lean extra lean skim full fat
    virgin extra virgin cold pressed refined unrefined filtered unfiltered distilled
    red green yellow orange white black brown purple golden pink blue dark pale
    sweet savory savoury spicy mild hot medium sharp tangy sour bitter crisp crispy crunchy
    creamy smooth chunky coarse fine superfine granulated powdered flaked
    italian french mexican greek spanish english american asian chinese japanese thai
    indian korean vietnamese cajun creole southern southwestern tex mex mediterranean
    middle eastern moroccan turkish persian lebanese german polish irish scottish swiss
    hungarian russian caribbean jamaican cuban brazilian peruvian hawaiian california
    kosher sea wild farmed free range pasture raised grass fed cage
    heirloom hothouse vine ripened english seedless
    fire roasted oven roasted slow roasted sun ripe ready to use quick
    bunch bunches sprig sprigs stalk stalks stick sticks head heads clove cloves leaf leaves
    piece pieces chunk chunks cube cubes slice slices strip strips wedge wedges round rounds
    spear spears floret florets segment segments ring rings pod pods thread threads
    long short grain kernel kernels style condensed baking blend back unbaked deep dish popped
    brewed strong whipped fully grade sushi all purpose mix petite
    mixed assorted various variety favorite favourite any other additional extra more
    your choice optional desired about approximately
    kraft heinz hellmanns hellmann best foods mccormick philadelphia kikkoman campbells
    campbell swanson pillsbury land o lakes hunts del monte dole goya ortega knorr lipton
    progresso betty crocker duncan hines nestle nestle toll house hersheys hershey bakers
    ghirardelli domino splenda kerrygold tillamook cabot sargento daisy breakstone
    horizon organic valley silk blue diamond smuckers jif skippy planters diamond crystal
    morton mrs dash old el paso rotel ro tel barilla de cecco ronzoni mueller muellers
    contadina muir glen san marzano bush bushs bushs best green giant birds eye
    ocean spray mott motts libby libbys carnation eagle brand borden
    trader joes whole foods 365 kirkland great value market pantry simply
    pace tostitos frontera la costena herdez embasa mission guerrero
    """.split()
)

_MARKS = re.compile(r"[®™©]")
_NOT_WORD = re.compile(r"[^a-z0-9&%' ]+")
_APOSTROPHE = re.compile(r"'s\b|'")


def normalise_name(name: str) -> str:
    """Lower case, accents and trade marks dropped, punctuation as spaces, single spaces.

    >>> normalise_name("  Jalapeño-Peppers® ")
    'jalapeno peppers'
    >>> normalise_name("Confectioners' Sugar")
    'confectioners sugar'
    """
    text = name.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", _MARKS.sub(" ", text))
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.replace("’", "'").replace("‘", "'")
    text = _APOSTROPHE.sub("", text)
    text = _NOT_WORD.sub(" ", text)
    return " ".join(text.split())


def singulars(word: str) -> list[str]:
    """Candidate singulars of an English word, most likely first (no dictionary).

    >>> singulars("tomatoes"), singulars("berries"), singulars("leaves")
    (['tomato', 'tomatoe'], ['berry', 'berrie'], ['leaf', 'leave', 'leav'])
    """
    out = []
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return out
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("ves"):
        out.append(word[:-3] + "f")
    if word.endswith("oes") or word.endswith("ches") or word.endswith("shes"):
        out.append(word[:-2])
    if word.endswith("xes") or word.endswith("ses") or word.endswith("zes"):
        out.append(word[:-2])
    out.append(word[:-1])
    if word.endswith("es") and word[:-2] not in out:
        out.append(word[:-2])
    return out


@dataclass
class Table:
    """Ingredient name -> facts, with matching of longer names (see the module docstring).

    ``entries`` maps normalised names to their facts; ``overrides`` (staff classifications
    from the database) win over ``entries`` for the names they list.
    """

    entries: dict[str, frozenset[str]]
    overrides: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self):
        known = dict(self.entries)
        for name, facts in self.entries.items():  # "mustard seeds" is also "mustard seed"
            words = name.split()
            for singular in singulars(words[-1])[:1]:
                key = " ".join((*words[:-1], singular))
                known[key] = known[key] | facts if key in known else facts
        self._known = {**known, **self.overrides}
        self._longest = max((len(k.split()) for k in self._known), default=1)
        self._cache: dict[str, frozenset[str] | None] = {}

    def with_overrides(self, overrides: Mapping[str, Iterable[str]]) -> Table:
        """A table in which these names have these facts (normalised, validated)."""
        extra = {
            normalise_name(name): check_facts(facts, f"classification of {name!r}")
            for name, facts in overrides.items()
        }
        return Table(self.entries, {**self.overrides, **extra})

    def __len__(self) -> int:
        return len(self._known)

    def __contains__(self, name: str) -> bool:
        return normalise_name(name) in self._known

    def _entry(self, words: tuple[str, ...]) -> frozenset[str] | None:
        """The facts of an entry spelt by these words, trying singulars of the last one."""
        name = " ".join(words)
        if name in self._known:
            return self._known[name]
        for singular in singulars(words[-1]):
            candidate = " ".join((*words[:-1], singular))
            if candidate in self._known:
                return self._known[candidate]
        return None

    def facts_of(self, name: str) -> frozenset[str] | None:
        """The facts of an ingredient name, or ``None`` when it is unknown."""
        key = normalise_name(name)
        if key in self._cache:
            return self._cache[key]
        result = self._match(key)
        if len(self._cache) < 200_000:
            self._cache[key] = result
        return result

    def _match(self, key: str) -> frozenset[str] | None:
        words = tuple(key.split())
        if not words:
            return None
        whole = self._entry(words)
        if whole is not None:
            return whole
        words, removed, halal = _qualifiers(words)
        facts = self._cover(words)
        if facts is None:
            return None
        if halal and facts & HALAL_SWAPS:
            facts = (facts - HALAL_SWAPS) | {"halal_meat"}
        return facts - removed

    def _cover(self, words: tuple[str, ...]) -> frozenset[str] | None:
        """Union of the facts of entries and neutral words covering every word, or None.

        Dynamic programming over word positions, preferring the fewest pieces; at least one
        piece must be a table entry (a name of neutral words only is not an ingredient).
        """
        n = len(words)
        if n == 0:
            return None
        # best[i] = (pieces, entries used, facts) covering words[:i]
        best: list[tuple[int, int, frozenset[str]] | None] = [None] * (n + 1)
        best[0] = (0, 0, frozenset())
        for i in range(n):
            if best[i] is None:
                continue
            pieces, used, facts = best[i]
            for j in range(min(n, i + self._longest), i, -1):
                entry = self._entry(words[i:j])
                if entry is not None:
                    candidate = (pieces + 1, used + 1, facts | entry)
                    if best[j] is None or _better(candidate, best[j]):
                        best[j] = candidate
            if words[i] in NEUTRAL or words[i].isdigit():
                candidate = (pieces + 1, used, facts)
                if best[i + 1] is None or _better(candidate, best[i + 1]):
                    best[i + 1] = candidate
        end = best[n]
        if end is None or end[1] == 0:
            return None
        return end[2]


def _better(a, b) -> bool:
    """Fewer pieces wins; on a tie the stricter (more facts), then more table entries."""
    return (a[0], -len(a[2]), -a[1]) < (b[0], -len(b[2]), -b[1])


_QUALIFIERS = sorted(FREE_OF, key=lambda q: -len(q.split()))


def _qualifiers(words: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str], bool]:
    """Take "gluten free", "vegan", "halal"... out of the words; return what they remove."""
    removed: set[str] = set()
    halal = False
    out: list[str] = []
    i = 0
    while i < len(words):
        for qualifier in _QUALIFIERS:
            q = tuple(qualifier.split())
            if words[i : i + len(q)] == q:
                removed |= FREE_OF[qualifier]
                i += len(q)
                break
        else:
            if words[i] in {"halal", "zabiha"}:
                halal = True
            else:
                out.append(words[i])
            i += 1
    return tuple(out), frozenset(removed), halal


def load_table(path: Path = TABLE_PATH) -> Table:
    """Read the CSV.

    Raises
    ------
    ValueError
        A row names a fact that is not in ``FACTS`` (a typo would silently label recipes
        wrongly), or an ingredient appears twice; the message names the file and line.
    """
    entries: dict[str, frozenset[str]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.reader(f), start=1):
            if line == 1 or not row or row[0].startswith("#"):
                continue
            name = normalise_name(row[0])
            facts = check_facts(
                (row[1] if len(row) > 1 else "").split("|"), f"{path.name}: line {line}"
            )
            if name in entries:
                raise ValueError(f"{path.name}: line {line}: '{name}' is listed twice")
            entries[name] = facts
    return Table(entries)


@cache
def base_table() -> Table:
    """The table of ``TABLE_PATH``, read once per process."""
    return load_table()
