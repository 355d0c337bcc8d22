"""Facts about an ingredient, and the diet labels each fact breaks.

The ingredient table records *facts* (what an ingredient is or contains: ``poultry``,
``dairy``, ``gluten``...), never a hand list of broken labels: the labels follow from the
facts by the one mapping below, so adding a label means adding one line here, not
re-classifying thousands of ingredients.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Every fact the table may record, with what it means.
FACTS: dict[str, str] = {
    "meat": "meat of a mammal other than the pig (beef, lamb, goat, game...), slaughter unknown",
    "poultry": "meat of a bird (chicken, turkey, duck...), slaughter unknown",
    "pork": "from the pig (pork, bacon, ham, lard, most salami...)",
    "halal_meat": "meat or poultry sold as halal (still meat)",
    "fish": "fish, or made with it (anchovies in worcestershire sauce, fish sauce...)",
    "shellfish": "crustaceans and molluscs (shrimp, crab, mussels, oyster sauce...)",
    "gelatin": "gelatin or made with it (marshmallows, gummies); usually from pigs",
    "rennet": "cheese made with animal rennet by its protected recipe (parmesan, pecorino...)",
    "animal": "another product of slaughter (carmine, isinglass, bone broth of unknown animal)",
    "dairy": "milk of an animal, or made with it (butter, cheese, whey, casein...)",
    "egg": "eggs, or made with them (mayonnaise, egg noodles...)",
    "honey": "honey or other bee products (not vegan)",
    "gluten": "wheat, barley, rye and their relatives (spelt, farro...), malt; oats (see docs)",
    "tree_nut": "tree nuts (almonds, walnuts, pine nuts...) or made with them",
    "peanut": "peanuts or made with them",
    "alcohol": "wine, beer, spirits, or an ingredient made with them (vanilla extract, mirin)",
}

_SLAUGHTER = {"meat", "poultry", "pork", "halal_meat", "fish", "shellfish", "gelatin", "rennet"}

#: Which facts break each diet label of ``DIET_LABELS``.
BREAKS: dict[str, frozenset[str]] = {
    "vegetarian": frozenset(_SLAUGHTER | {"animal"}),
    "vegan": frozenset(_SLAUGHTER | {"animal", "dairy", "egg", "honey"}),
    "gluten_free": frozenset({"gluten"}),
    "dairy_free": frozenset({"dairy"}),
    "nut_free": frozenset({"tree_nut", "peanut"}),
    "halal": frozenset({"meat", "poultry", "pork", "gelatin", "rennet", "animal", "alcohol"}),
    "no_pork": frozenset({"pork", "gelatin"}),
}

#: The labels in ``pilot.models.catalog.DIET_LABELS`` order (kept free of Django so the table
#: can be built and benchmarked without it; a test checks the two agree).
DIET_LABELS = tuple(BREAKS)
assert all(f in FACTS for facts in BREAKS.values() for f in facts)

#: What each qualifier in a name ("vegan cheese", "gluten-free flour") takes away.
_ANIMAL = frozenset(_SLAUGHTER | {"animal"})
FREE_OF: dict[str, frozenset[str]] = {
    "vegan": _ANIMAL | {"dairy", "egg", "honey"},
    "plant based": _ANIMAL | {"dairy", "egg", "honey"},
    "vegetarian": _ANIMAL,
    "veggie": _ANIMAL,
    "meatless": _ANIMAL,
    "meat free": _ANIMAL,
    "gluten free": frozenset({"gluten"}),
    "wheat free": frozenset(),  # wheat-free is not gluten-free (barley, rye)
    "dairy free": frozenset({"dairy"}),
    "non dairy": frozenset({"dairy"}),
    "nondairy": frozenset({"dairy"}),
    "milk free": frozenset({"dairy"}),
    "egg free": frozenset({"egg"}),
    "eggless": frozenset({"egg"}),
    "nut free": frozenset({"tree_nut", "peanut"}),
    "peanut free": frozenset({"peanut"}),
    "alcohol free": frozenset({"alcohol"}),
    "non alcoholic": frozenset({"alcohol"}),
    "nonalcoholic": frozenset({"alcohol"}),
    "pork free": frozenset({"pork"}),
}
#: "halal chicken": slaughter facts become ``halal_meat`` (pork and alcohol stay).
HALAL_SWAPS = frozenset({"meat", "poultry", "gelatin", "rennet", "animal"})


def labels_broken(facts: Iterable[str]) -> frozenset[str]:
    """The diet labels these facts break.

    >>> sorted(labels_broken({"poultry"}))
    ['halal', 'vegan', 'vegetarian']
    """
    facts = set(facts)
    return frozenset(label for label in DIET_LABELS if BREAKS[label] & facts)


def check_facts(facts: Iterable[str], where: str) -> frozenset[str]:
    """The facts as a set; a word that is not a fact raises ``ValueError`` naming ``where``."""
    facts = frozenset(f.strip() for f in facts) - {""}
    unknown = sorted(facts - set(FACTS))
    if unknown:
        raise ValueError(
            f"{where}: unknown fact(s) {', '.join(unknown)}; expected some of {', '.join(FACTS)}"
        )
    return facts
