"""Derived diet labels on real-style recipes, against labels judged by hand.

The fixture holds a few hundred recipes written the way recipe sites list ingredients, each
judged as an independent check would judge it: vegetarian = no meat, poultry, fish, shellfish,
gelatin (or stock made from them); gluten-free = no wheat, barley or rye. The labels must
never be wrong in the unsafe direction, and must cover most of the recipes that could carry
them (issue 12: at least 80 % of the vegetarian ones, 60 % of the gluten-free ones).
"""

from pathlib import Path

import pytest

from pilot.ingredients import label_recipe

FIXTURE = Path(__file__).parent / "fixtures" / "recipes_truth.txt"


def _recipes():
    out = []
    for row in FIXTURE.read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        title, vegetarian, gluten_free, lines = (part.strip() for part in row.split(" | ", 3))
        out.append((title, vegetarian == "V", gluten_free == "G", lines.split("; ")))
    return out


RECIPES = _recipes()


@pytest.fixture(scope="module")
def labelled():
    return [(title, veg, gf, label_recipe(lines).labels) for title, veg, gf, lines in RECIPES]


def test_it_has_a_few_hundred_recipes_of_both_kinds():
    assert len(RECIPES) >= 200
    assert sum(veg for _, veg, _, _ in RECIPES) >= 80
    assert sum(gf for _, _, gf, _ in RECIPES) >= 80


def test_it_never_labels_meat_fish_or_gelatin_vegetarian(labelled):
    wrong = [title for title, veg, _, labels in labelled if "vegetarian" in labels and not veg]
    assert wrong == []


def test_it_never_labels_wheat_barley_or_rye_gluten_free(labelled):
    wrong = [title for title, _, gf, labels in labelled if "gluten_free" in labels and not gf]
    assert wrong == []


def test_it_labels_most_vegetarian_recipes_vegetarian(labelled):
    truly = [(title, labels) for title, veg, _, labels in labelled if veg]
    given = [title for title, labels in truly if "vegetarian" in labels]
    assert len(given) / len(truly) >= 0.80, sorted(set(t for t, _ in truly) - set(given))


def test_it_labels_most_gluten_free_recipes_gluten_free(labelled):
    truly = [(title, labels) for title, _, gf, labels in labelled if gf]
    given = [title for title, labels in truly if "gluten_free" in labels]
    assert len(given) / len(truly) >= 0.60, sorted(set(t for t, _ in truly) - set(given))
