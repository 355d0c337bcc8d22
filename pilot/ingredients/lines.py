"""Ingredient lines as recipe sites write them -> the ingredient names they contain.

    >>> parse_line("2 large garlic cloves, minced")
    ['garlic cloves']
    >>> parse_line("1 (14 1/2-ounce) can diced tomatoes")
    ['tomatoes']
    >>> parse_line("vegetable or chicken stock")
    ['vegetable stock', 'chicken stock']
    >>> parse_line("Sauce:")
    []

The steps, each a function below, in order:

1. ``is_header``: a section header ("Sauce:", "For the topping", "FILLING") names nothing.
2. ``clean``: accents, brand marks (® ™), parentheticals and bracketed notes go.
3. ``is_equipment``: liners, foil, skewers, parchment... name no ingredient.
4. ``citrus_parts``: "juice of 1 lemon" -> "lemon juice"; "zest and juice of 2 limes".
5. ``main_and_extras``: after a comma comes preparation ("minced", "cut into cubes",
   "to taste") and is dropped; a part that is not preparation ("salt, pepper") is kept, and
   "such as X" / "like X" / "e.g. X" keep X as an alternative (the stricter decides).
6. ``split_alternatives``: "a or b", "a and/or b", "a and b", "a & b", "a, b" give both
   (a protected compound such as "half and half" or "macaroni and cheese" stays whole).
7. ``strip_amounts``: quantities, units, sizes and preparation or state words go, at the
   start and wherever they stand ("1 cup finely chopped fresh parsley" -> "parsley").

Nothing here knows the ingredient table: a name that survives is looked up afterwards, and
a name nobody knows breaks every label (``pilot.ingredients.label_recipe``). We wrote this
rather than take a library: ``ingredient-parser-nlp`` downloads NLTK data at run time (this
product runs on closed networks) and ships a CRF model for quantities we throw away;
``ingreedypy`` splits quantity, unit and the rest, but the rest is where the work is
(preparation words, brand marks, alternatives, headers, equipment), and both parse one
ingredient per line where real lines often hold two ("salt and pepper").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Units, containers and measures (singular and plural, with the usual abbreviations).
UNITS = frozenset(
    """
    cup cups c teaspoon teaspoons tsp tsps tspn t tablespoon tablespoons tbsp tbsps tbs tbl
    tbls tb tblsp dessertspoon dessertspoons ounce ounces oz fl floz fluid pound pounds lb lbs
    gram grams g gr kilogram kilograms kg kgs milligram mg milliliter milliliters millilitre
    millilitres ml mls liter liters litre litres l dl cl pint pints pt quart quarts qt qts
    gallon gallons gal pinch pinches dash dashes drop drops splash splashes drizzle dollop
    dollops handful handfuls smidgen knob knobs can cans tin tins jar jars package packages
    pkg pkgs pkt packet packets envelope envelopes sachet sachets box boxes bag bags bottle
    bottles container containers carton cartons tub tubs tube tubes pouch pouches block blocks
    bar bars square squares slice slices piece pieces bunch bunches sprig sprigs stalk stalks
    stick sticks head heads ear ears sheet sheets strip strips cube cubes loaf loaves link
    links rack racks fillet fillets scoop scoops shot shots jigger jiggers glass glasses
    measure measures inch inches in cm mm centimeter centimeters centimetre centimetres
    wedge wedges round rounds segment segments quarter quarters ring rings leaf leaves
    bulb bulbs stem stems rib ribs floret florets spear spears clove cloves dozen doz
    serving servings portion portions batch recipe part parts lengths length thumb
    """.split()
)
#: Units that are also ingredients on their own ("4 whole cloves", "2 bay leaves").
UNIT_OR_FOOD = frozenset({"cloves", "clove", "leaves", "leaf", "ribs", "rib", "links"})

SIZES = frozenset(
    """
    large larger small smaller medium med big jumbo extra giant mini miniature tiny huge
    heaping heaped rounded level scant generous good full thick thin sized size bite petite
    """.split()
)

#: Preparation and state words: dropped wherever they stand.
PREPARATION = frozenset(
    """
    chopped minced diced sliced cubed grated shredded crushed crumbled mashed pureed puréed
    julienned slivered shaved torn trimmed peeled unpeeled seeded deseeded pitted stoned
    cored hulled stemmed deveined shelled halved quartered beaten whisked lightly finely
    coarsely roughly thinly thickly freshly very well loosely firmly packed softened melted
    cooled chilled warmed heated thawed defrosted drained rinsed washed dried patted cleaned
    scrubbed squeezed juiced zested separated sifted divided cut snipped crumbed flaked
    dissolved prepared reserved optional approximately about roughly
    room temperature at fresh frozen canned tinned undrained pounded thick inch inches husked
    smashed spiralized chunked blanched unbaked popped brewed
    uncooked cooked leftover ripe overripe firm soft""".split()
)
#: Preparation words that are part of a real name when they stand first ("ground beef" is
#: beef either way, but "hot sauce", "dried cranberries" and "cooked rice" are kept whole
#: by the table's neutral words; here only words that never name anything are dropped).
KEEP_AT_START = frozenset()

#: Phrases that end a line's useful part.
TRAILING = re.compile(
    r"\b(?:to taste|for (?:garnish|garnishing|serving|dusting|frying|deep frying|greasing|"
    r"brushing|the pan|the top|decoration|decorating|drizzling|sprinkling|topping|dipping|"
    r"rolling|coating|the grill|the pan)|as (?:needed|required|desired)|if (?:desired|needed|"
    r"using|you like)|plus (?:more|extra|additional)\b.*|or (?:more|less|so|as needed|to taste)|"
    r"at room temperature|(?:cut|torn|broken|sliced|chopped|diced) into\b.*|"
    r"with (?:leaves|tops|stems|skin|skins|seeds|liquid|juice|husks?|shells?)\b.*|"
    r"for (?:a|an|one|two) \b.*|"
    r"(?:preferably|ideally|such as|like|e\.?g\.?|about|approximately|see note|see below|"
    r"divided|optional|each|total|in total|or so)\b.*)$"
)
#: Words of preparation notes after a comma ("white and green parts separated", "cut into
#: 1-inch pieces", "ribs removed"). A comma part is dropped only when *every* word is one of
#: these (or a number, unit or size): "tomatoes, green chiles" keeps the chiles, and a part
#: nobody can read stays as an ingredient (unknown: it breaks every label, the safe side).
PREP_VOCABULARY = (
    frozenset(
        """
        to for plus about cut such like divided at room temperature if as preferably ideally
        optional more less so needed desired taste serving garnish garnishing dusting frying
        drizzling greasing brushing see note below above in into on off of the a an by with
        without from each torn broken removed discarded skin skins bones stems tops ends tips
        tails shells seeds pits cores membranes casings casing left whole halves reserved kept
        soaked toasted roasted lightly tough woody excess squeezed and or not no any your one
        two three half white green light pale dark parts part only split undrained lengthwise
        crosswise diagonally meat juices liquid debearded scrubbed patted husks husk silk ribs
        rib leaves pounded zested juiced bite size sized pieces chunks strips rounds slices
        wedges cubes dice thick thin inch inches cm mm wide long lengthways widthways apart
        intact attached trimmed fat then until while still very well finely roughly coarsely
        thinly thickly freshly lightly packed loosely firmly separately total approximately
        dry dried cold warm hot chilled room-temperature plus extra
        """.split()
    )
    | PREPARATION
)


def is_preparation(part: str) -> bool:
    """Every word of this comma part is preparation ("thinly sliced", "cut into 1-inch pieces")."""
    words = re.findall(r"[a-z]+", part.replace("-", " "))
    return bool(words) and all(w in PREP_VOCABULARY or w in UNITS or w in SIZES for w in words)


SUCH_AS = re.compile(r"\b(?:such as|like|e\.?g\.?|preferably|ideally)\s+(.+)$")

EQUIPMENT = re.compile(
    r"\b(?:liners?|aluminum foil|aluminium foil|tin foil|foil|parchment(?: paper)?|"
    r"wax(?:ed)? paper|baking paper|plastic wrap|cling ?film|paper towels?|kitchen paper|"
    r"skewers?|toothpicks?|cocktail sticks|kitchen string|butcher'?s? (?:twine|string)|twine|"
    r"cheesecloth|muslin|zip[- ]?top bags?|ziploc|freezer bags?|oven bags?|roasting bags?|"
    r"cooking bags?|popsicle sticks|lolly sticks|cupcake cases|paper cases|muffin cases|"
    r"ramekins?|baking sheets?|baking dish|pan|pans|tray|trays|mold|molds|mould|moulds|"
    r"thermometer|piping bag|cookie cutters?|springform|slow cooker liner|candy thermometer|"
    r"canning jars|mason jars|jar lids)\b"
)
#: Food names that contain an equipment word.
NOT_EQUIPMENT = re.compile(r"\b(?:rice paper|pan drippings|pan juices|pan de|panko|sheet pasta)")

#: Headers that read like one with "for (the)" before them ("For the sauce"), or "to" and
#: what is done with the food ("To serve", "To decorate the top"). "To" followed by anything
#: else is not a header: the words may be an ingredient nobody knows, which must stay.
TO_VERBS = (
    "serve|finish|garnish|decorate|dust|drizzle|sprinkle|top|glaze|grease|brush|fry|deep fry|"
    "shallow fry|dip|coat|assemble|taste|accompany|cook|make|bake|roll|dress|season|thicken|"
    "line|oil|flour|butter|coat|scatter|spread|pour|fill|stuff|marinate|baste|toss|mix"
)
HEADER_WORDS = re.compile(
    rf"^(?:for (?:the )?[a-z]+(?: [a-z]+){{0,3}}|to (?:{TO_VERBS})(?: [a-z]+){{0,3}})$"
)
#: Words that head a section on their own and never name an ingredient ("Topping").
BARE_HEADERS = frozenset(
    """
    topping toppings filling fillings assembly garnish garnishes decoration decorations
    equipment ingredients optional other crust base streusel
    """.split()
) | {"dry ingredients", "wet ingredients", "to serve", "to finish", "for serving"}


#: "and"-compounds that name one thing.
COMPOUNDS = (
    "half and half",
    "half & half",
    "sweet and sour",
    "macaroni and cheese",
    "mac and cheese",
    "mac n cheese",
    "pork and beans",
    "beans and franks",
    "cookies and cream",
    "salt and vinegar",
    "fish and chips",
    "surf and turf",
    "hundreds and thousands",
    "tomatoes and green chiles",
    "tomatoes and green chilies",
    "spinach and ricotta",
    "legs and thighs",
    "lea and perrins",
    "lea & perrins",
    "peanut butter and jelly",
    "oil and vinegar dressing",
    "land o lakes",
)

_NUMBER = r"(?:\d+(?:[.,]\d+)?(?:\s*/\s*\d+)?|[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞])"
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\([^()]*$")
_CITRUS = re.compile(
    r"^(?:(?:finely )?grated |fresh(?:ly squeezed)? )?(juice|zest|rind|peel)"
    r"(?:\s*(?:and|&)\s*(juice|zest|rind|peel))?\s+(?:of|from)\s+(.+)$"
)


#: Brand names that stand before the product they make ("Hellmann's Real Mayonnaise"); a
#: brand that *is* the product ("Jell-O", "Bisquick", "Nutella") is left to the table.
BRANDS = re.compile(
    r"\b(?:hellmann'?s|best foods|kraft|kikkoman|reynolds|hunt'?s|heinz|mccormick|"
    r"campbell'?s|swanson|pillsbury|land o'? ?lakes|del monte|goya|ortega|knorr|lipton|"
    r"progresso|betty crocker|duncan hines|nestle|toll house|hershey'?s|baker'?s|ghirardelli|"
    r"domino|philadelphia|kerrygold|tillamook|sargento|smucker'?s|jif|skippy|planters|"
    r"old el paso|barilla|de cecco|ronzoni|contadina|muir glen|bush'?s|green giant|"
    r"birds eye|ocean spray|mott'?s|libby'?s|carnation|eagle brand|pace|tostitos|frontera|"
    r"herdez|mission|guerrero|daisy|breakstone'?s|simply organic|trader joe'?s|kirkland|"
    r"frank'?s|lawry'?s|morton|diamond crystal|argo|clabber girl|fleischmann'?s|red star|"
    r"c&h|imperial|splenda|truvia|stonyfield|chobani|fage|oikos|dannon|yoplait|silk|"
    r"blue diamond|almond breeze|so delicious|earth balance|country crock|smart balance|"
    r"wesson|crisco|mazola|bertolli|filippo berio|colavita|pompeian|newman'?s own|"
    r"wish-bone|ken'?s|hidden valley|kens steakhouse)\b"
)


def is_header(line: str) -> bool:
    """A section header: ends with ":" and has nothing after it, or reads like one."""
    text = line.strip()
    if not text:
        return True
    if text.endswith(":"):
        return True
    words = _clean_text(text)
    if _HAS_DIGIT.search(text):
        return False
    if text.isupper() and len(text.split()) <= 4:
        return True
    return words in BARE_HEADERS or bool(HEADER_WORDS.match(words))


_MARKS = re.compile(r"[®™©]")
#: Words that say how much ("a few", "several", "half"), dropped at the start of a line.
AMOUNT_WORDS = frozenset(
    "a an one two three four five six seven eight nine ten twelve few several couple some "
    "handful half quarter dozen".split()
)
_BETWEEN_NUMBERS = frozenset({"-", "–", "to", "or", "x"})
_FILLERS = frozenset({"of", "or", "and", "-", "x", "/", "+"})
_UNIT_SUFFIXES = UNITS | {"", "x"}
_UNIT_AFTER_NUMBER = re.compile(rf"(?:{_NUMBER}[a-z]+|\d+[a-z]*)")
_LEADING_NUMBER = re.compile(r"^[\d.,/]+")
_JUST_NUMBER = re.compile(_NUMBER)
_HAS_LETTER = re.compile(r"[a-z]")
_HAS_DIGIT = re.compile(r"\d")


def _clean_text(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace("⁄", "/")
        text = _MARKS.sub(" ", text)
        text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return " ".join(text.lower().split())


_BULLET = re.compile(r"^[*•·\-–]+\s*")
_WORD_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_BONE_SKIN = re.compile(r"\b(?:bone in|skin on|boneless|skinless)\b,?")
_SPACE_BEFORE_COMMA = re.compile(r"\s+([,;])")


def clean(line: str) -> str:
    """Lower case, accents and brand marks dropped, parentheticals and a "Label:" prefix gone.

    >>> clean("1 (14 1/2-ounce) can Hunts® Diced Tomatoes [see note]")
    '1 can hunts diced tomatoes'
    >>> clean("Topping: 1 cup grated cheddar")
    '1 cup grated cheddar'
    """
    text = _clean_text(line)
    while "(" in text or "[" in text:
        stripped = _PARENS.sub(" ", text)
        if stripped == text:
            break
        text = stripped
    text = _BULLET.sub("", text)
    head, sep, rest = text.partition(":")
    if sep and rest.strip() and len(head.split()) <= 3:
        text = rest
    if "-" in text:
        text = _WORD_HYPHEN.sub(" ", text)
    if "bone" in text or "skin" in text:
        text = _BONE_SKIN.sub(lambda m: m[0].rstrip(","), text)
    text = BRANDS.sub(" ", text)
    text = _SPACE_BEFORE_COMMA.sub(r"\1", text)
    return " ".join(text.split()).strip(" ,;.")


def is_equipment(text: str) -> bool:
    """Kitchen equipment, not food ("Reynolds Slow Cooker Liner", "wooden skewers")."""
    return bool(EQUIPMENT.search(text)) and not NOT_EQUIPMENT.search(text)


def citrus_parts(text: str) -> str | None:
    """``"juice of 1 lemon"`` -> ``"lemon juice"``; ``"zest and juice of 2 limes"`` ->
    ``"lime zest and lime juice"``; None when the line is not of that shape."""
    if not any(w in text for w in ("juice", "zest", "rind", "peel")):
        return None
    match = _CITRUS.match(strip_amounts(text, keep_words=True))
    if not match:
        return None
    fruit = strip_amounts(match[3])
    if not fruit:
        return None
    fruit = re.sub(r"(?<=[^s])s$", "", fruit) if fruit.endswith(("lemons", "limes")) else fruit
    if fruit.endswith("oranges"):
        fruit = fruit[:-1]
    parts = [f"{fruit} {match[1]}"] + ([f"{fruit} {match[2]}"] if match[2] else [])
    return " and ".join(parts)


def main_and_extras(text: str) -> list[str]:
    """The parts of a line that name ingredients: the part before the first comma, later
    comma parts that are not preparation, and the examples after "such as" / "like"."""
    text = text.replace(";", ",")
    parts = [p.strip() for p in text.split(",")]
    out = []
    for position, part in enumerate(parts):
        if not part:
            continue
        example = SUCH_AS.search(part)
        if example:
            out.append(example[1])
            part = part[: example.start()].strip()
            if not part:
                continue
        if position > 0 and is_preparation(part):
            continue
        out.append(part)
    return out


def split_alternatives(text: str) -> list[str]:
    """``"a or b"``, ``"a and/or b"``, ``"a and b"``, ``"a & b"`` -> ``["a", "b"]``.

    A shared head noun is given to both sides: "vegetable or chicken stock" ->
    ``["vegetable stock", "chicken stock"]`` when the left side is a single word and the
    right side is longer ("salt and pepper" stays two words).
    """
    pieces = [
        p.strip()
        for p in re.split(r"\s+(?:and/or|or|and|&|\+|plus|n)\s+|(?<=[a-z])\s*/\s*(?=[a-z])", text)
    ]
    pieces = [p for p in pieces if p]
    if len(pieces) == 2:
        left, right = pieces
        right_words = right.split()
        if len(left.split()) == 1 and len(right_words) >= 2 and left not in _STANDALONE:
            head = right_words[-1]
            if head in _SHARED_HEADS:
                pieces = [f"{left} {head}", right]
    return pieces


#: Head nouns that "a or b <head>" shares ("vegetable or chicken stock").
_SHARED_HEADS = frozenset(
    """
    stock broth bouillon oil vinegar flour sugar milk cream cheese juice zest sauce beans
    peppers pepper onions onion rice pasta noodles wine extract seeds leaves powder nuts
    mushrooms tomatoes butter yogurt chips crumbs breadcrumbs paste syrup
    """.split()
)
#: Words that are whole ingredients on their own, never the first half of "a or b <head>".
_STANDALONE = frozenset(
    """
    salt pepper water ice garlic butter eggs egg sugar honey oil flour milk cream
    """.split()
)


def strip_amounts(text: str, keep_words: bool = False) -> str:
    """Quantities, units, sizes and preparation words dropped.

    >>> strip_amounts("1 1/2 cups finely chopped fresh flat-leaf parsley")
    'flat-leaf parsley'
    >>> strip_amounts("4 whole cloves")
    'whole cloves'
    """
    words = text.replace("-", " - ").split()
    # leading amounts and units ("1 (15 oz) can", "2 x 400g tins", "a pinch of"); a unit only
    # after an amount or before "of" ("gram flour" is flour of chickpeas)
    i, n, amount_seen, after_number = 0, len(words), False, False
    while i < n:
        word = words[i]
        if _JUST_NUMBER.fullmatch(word):
            i, amount_seen, after_number = i + 1, True, True
            continue
        if after_number and word in _BETWEEN_NUMBERS:
            i, after_number = i + 1, False
            continue
        after_number = False
        if word in AMOUNT_WORDS:
            i, amount_seen = i + 1, True
            continue
        first = word.strip(".")
        if first[:1].isdigit() and _UNIT_AFTER_NUMBER.fullmatch(first):
            if _LEADING_NUMBER.sub("", first) in _UNIT_SUFFIXES:
                i, amount_seen = i + 1, True
                continue
        if i + 1 < n and (
            (first in UNITS and (amount_seen or words[i + 1] == "of"))
            or first in SIZES
            or first in _FILLERS
        ):
            i += 1
            continue
        break
    words = words[i:]
    if not keep_words:
        words = [
            w
            for w in words
            if w not in PREPARATION
            and w not in {"-"}
            and not _JUST_NUMBER.fullmatch(w)
            and not (w in SIZES and len(words) > 1)
        ]
    text = " ".join(words).replace(" - ", "-").replace("- ", "").replace(" -", "")
    return text.strip(" ,.-")


def _drop_trailing(text: str) -> str:
    """Drop "to taste", "for garnish", "plus more"... at the end, never the whole text."""
    match = TRAILING.search(text)
    if match and _HAS_LETTER.search(strip_amounts(text[: match.start()])):
        text = text[: match.start()]
    return text.strip()


def parse_line(line: str) -> list[str]:
    """The ingredient names one line contains, in order, without repeats (maybe none)."""
    return list(_parse_line(line))


@lru_cache(maxsize=100_000)
def _parse_line(line: str) -> tuple[str, ...]:
    """``parse_line``, cached: real extracts repeat lines ("salt", "2 eggs") thousands of times."""
    if is_header(line):
        return ()
    text = clean(line)
    if not text or is_equipment(text):
        return ()
    citrus = citrus_parts(text)
    if citrus:
        text = citrus
    protected = {}
    for i, compound in enumerate(COMPOUNDS):
        if compound in text:
            protected[f"compound{i}x"] = compound
            text = text.replace(compound, f"compound{i}x")
    names: list[str] = []
    for part in main_and_extras(text):
        part = _drop_trailing(strip_amounts(part, keep_words=True))
        for piece in split_alternatives(part):
            name = strip_amounts(_drop_trailing(piece))
            for token, compound in protected.items():
                name = name.replace(token, compound)
            name = re.sub(r"^(?:of|and|or|with)\s+", "", name).strip()
            if name in UNITS or name in SIZES or re.fullmatch(r"[\d\s./-]*", name):
                continue
            if name not in names:
                names.append(name)
    return tuple(names)


def parse_lines(lines) -> list[str]:
    """The ingredient names of several lines, in order, without repeats."""
    out: list[str] = []
    for line in lines:
        for name in parse_line(line):
            if name not in out:
                out.append(name)
    return out
