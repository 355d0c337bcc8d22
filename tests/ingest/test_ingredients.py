"""The ingredient table and the diet labels derived from it."""

import pytest

from pilot.ingredients import derive_diet_labels, ingredient_table, load_table, lookup
from pilot.models.catalog import DIET_LABELS


def test_the_table_is_rich_and_valid():
    table = ingredient_table()
    assert len(table) >= 150
    assert all(breaks <= set(DIET_LABELS) for breaks in table.values())


@pytest.mark.parametrize(
    "ingredient, breaks",
    [
        ("chicken", {"vegetarian", "vegan", "halal"}),
        ("peanuts", {"nut_free"}),
        ("Flour", {"gluten_free"}),
        ("bacon", {"vegetarian", "vegan", "halal", "no_pork"}),
        ("butter", {"vegan", "dairy_free"}),
        ("tomatoes", set()),
    ],
)
def test_lookup(ingredient, breaks):
    assert lookup(ingredient) == breaks


def test_labels_are_those_no_ingredient_breaks():
    assert derive_diet_labels(["rice", "chickpeas", "spinach"]) == list(DIET_LABELS)
    assert derive_diet_labels(["bread", "butter"]) == ["vegetarian", "nut_free", "halal", "no_pork"]


def test_an_unknown_ingredient_breaks_every_label():
    assert derive_diet_labels(["rice", "mystery powder"]) == []


def test_no_ingredients_give_no_labels():
    assert derive_diet_labels([]) == []


def test_a_typo_in_the_table_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("ingredient,breaks\ntofu,vegitarian\n")
    with pytest.raises(ValueError, match="unknown diet label"):
        load_table(path)
