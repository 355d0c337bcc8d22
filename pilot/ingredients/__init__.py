"""Ingredients: from the lines a recipe lists to the diet labels it can carry.

- ``lines``: an ingredient line ("2 large garlic cloves, minced") -> names ("garlic cloves").
- ``table``: the ingredient table (``pilot/data/ingredients.csv``, thousands of entries built
  by ``build``) and the matching that finds a known ingredient inside a longer name.
- ``facts``: what an ingredient is made of, and which diet labels each fact breaks.
- ``worklist``: the unknown ingredients staff classify, and the re-derivation that follows.

A recipe gets every label of ``DIET_LABELS`` that none of its ingredients breaks.
**An unknown ingredient breaks every label**: a label is a promise to a person with a
restriction, and nothing can be promised about an ingredient nobody has classified. For
"a or b" both are listed, so the stricter decides. Labels given by an extract are checked,
not trusted: a label an ingredient breaks is dropped and reported (``label_recipe``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pilot.ingredients.facts import DIET_LABELS, labels_broken
from pilot.ingredients.lines import parse_line, parse_lines
from pilot.ingredients.table import Table, base_table, load_table, normalise_name

__all__ = [
    "Labelling",
    "Table",
    "derive_diet_labels",
    "ingredient_table",
    "label_recipe",
    "load_table",
    "lookup",
    "normalise",
    "parse_line",
    "parse_lines",
    "unknown_ingredients",
]


def normalise(ingredient: str) -> str:
    """Lower case, single spaces: ``"  Red  Onion "`` -> ``"red onion"`` (lines as stored)."""
    return " ".join(ingredient.lower().split())


def ingredient_table() -> Table:
    """The table of ``pilot/data/ingredients.csv``, read once per process.

    Staff classifications live in the database: ``pilot.ingredients.worklist.current_table()``
    adds them.
    """
    return base_table()


def lookup(ingredient: str, table: Table | None = None) -> frozenset[str] | None:
    """The labels an ingredient *name* breaks, or ``None`` when the table does not know it."""
    facts = (table or ingredient_table()).facts_of(ingredient)
    return None if facts is None else labels_broken(facts)


@dataclass
class Labelling:
    """What the ingredient lines of one recipe say about its diet labels.

    Attributes
    ----------
    names : list of str
        The ingredient names the lines contain (``lines.parse_lines``).
    unknown : list of str
        The names the table does not know (normalised).
    labels : list of str
        The labels to store: derived (nothing unknown: every label no ingredient breaks;
        anything unknown or no ingredient at all: none), or the given ones without those an
        ingredient breaks.
    labels_if_known : list of str
        The labels the recipe would carry if every unknown name turned out to break nothing:
        what classifying its unknown ingredients could give it at most.
    contradictions : list of (label, name)
        Given labels an ingredient breaks (only when labels were given).
    """

    names: list[str]
    unknown: list[str]
    labels: list[str]
    labels_if_known: list[str]
    contradictions: list[tuple[str, str]] = field(default_factory=list)


def label_recipe(
    lines: Iterable[str], given: list[str] | None = None, table: Table | None = None
) -> Labelling:
    """Derive (``given`` is None) or check (``given`` is a list) a recipe's diet labels."""
    table = table or ingredient_table()
    names = parse_lines(lines)
    broken: set[str] = set()
    unknown: list[str] = []
    by_label: dict[str, str] = {}
    for name in names:
        facts = table.facts_of(name)
        if facts is None:
            key = normalise_name(name)
            if key and key not in unknown:
                unknown.append(key)
            continue
        for label in labels_broken(facts):
            by_label.setdefault(label, name)
            broken.add(label)
    if_known = [label for label in DIET_LABELS if label not in broken] if names else []
    if given is None:
        labels = [] if unknown else if_known
        return Labelling(names, unknown, labels, if_known)
    kept = [label for label in given if label not in broken]
    clashes = [(label, by_label[label]) for label in given if label in broken]
    return Labelling(names, unknown, kept, if_known, clashes)


def derive_diet_labels(ingredients: Iterable[str], table: Table | None = None) -> list[str]:
    """The labels of ``DIET_LABELS`` that no ingredient breaks, in ``DIET_LABELS`` order.

    ``ingredients`` are lines or names. An unknown ingredient breaks every label; no
    ingredients at all give no labels either (an empty list is not evidence of anything).

    >>> derive_diet_labels(["pasta", "tomato", "basil"])
    ['vegetarian', 'vegan', 'dairy_free', 'nut_free', 'halal', 'no_pork']
    """
    return label_recipe(ingredients, None, table).labels


def unknown_ingredients(ingredients: Iterable[str], table: Table | None = None) -> list[str]:
    """The ingredient names in these lines that the table does not know (normalised)."""
    return label_recipe(ingredients, None, table).unknown
