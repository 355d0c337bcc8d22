"""The ingredient table: which diet labels each ingredient breaks.

A recipe extract may leave ``diet_labels`` empty; the labels are then derived from the
ingredients with the editable table ``pilot/data/ingredients.csv`` (one row per ingredient,
``breaks`` = the labels it breaks, ``|``-separated; rows starting with ``#`` are comments).

A recipe gets every label of ``DIET_LABELS`` that none of its ingredients breaks.
**Unknown ingredients break every label**: a label is a promise to a person with a
restriction, and nothing can be promised about an ingredient nobody has classified.
The import report lists unknown ingredients with their counts so the table can be extended.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from pilot.models.catalog import DIET_LABELS

TABLE_PATH = Path(__file__).resolve().parent / "data" / "ingredients.csv"


def normalise(ingredient: str) -> str:
    """Lower case, single spaces: ``"  Red  Onion "`` -> ``"red onion"``."""
    return " ".join(ingredient.lower().split())


def load_table(path: Path = TABLE_PATH) -> dict[str, frozenset[str]]:
    """Read the table: ingredient -> the labels it breaks.

    Raises
    ------
    ValueError
        A row names a label that is not in ``DIET_LABELS`` (a typo would silently label
        recipes wrongly), or an ingredient appears twice.
    """
    table: dict[str, frozenset[str]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.reader(f), start=1):
            if line == 1 or not row or row[0].startswith("#"):
                continue
            ingredient = normalise(row[0])
            breaks = frozenset(b.strip() for b in (row[1] if len(row) > 1 else "").split("|"))
            breaks -= {""}
            unknown = breaks - set(DIET_LABELS)
            if unknown:
                raise ValueError(
                    f"{path.name}: line {line}: unknown diet label(s) {sorted(unknown)}"
                )
            if ingredient in table:
                raise ValueError(f"{path.name}: line {line}: '{ingredient}' is listed twice")
            table[ingredient] = breaks
    return table


@cache
def ingredient_table() -> dict[str, frozenset[str]]:
    """The table of ``TABLE_PATH``, read once per process."""
    return load_table()


def lookup(ingredient: str, table: dict[str, frozenset[str]] | None = None):
    """The labels an ingredient breaks, or ``None`` when the table does not know it.

    Plurals are tried as written, then without a final "es" or "s" ("tomatoes" -> "tomato").
    """
    table = ingredient_table() if table is None else table
    name = normalise(ingredient)
    for candidate in (name, name[:-2] if name.endswith("es") else None, name.rstrip("s")):
        if candidate and candidate in table:
            return table[candidate]
    return None


def derive_diet_labels(
    ingredients: Iterable[str], table: dict[str, frozenset[str]] | None = None
) -> list[str]:
    """The labels of ``DIET_LABELS`` that no ingredient breaks, in ``DIET_LABELS`` order.

    An unknown ingredient breaks every label; no ingredients at all give no labels either
    (an empty list is not evidence of anything).

    >>> derive_diet_labels(["pasta", "tomato", "basil"])
    ['vegetarian', 'vegan', 'dairy_free', 'nut_free', 'halal', 'no_pork']
    """
    broken: set[str] = set()
    seen = False
    for ingredient in ingredients:
        if not ingredient.strip():
            continue
        seen = True
        breaks = lookup(ingredient, table)
        if breaks is None:
            return []
        broken |= breaks
    if not seen:
        return []
    return [label for label in DIET_LABELS if label not in broken]


def unknown_ingredients(ingredients: Iterable[str], table=None) -> list[str]:
    """The ingredients the table does not know (normalised)."""
    return [normalise(i) for i in ingredients if i.strip() and lookup(i, table) is None]
