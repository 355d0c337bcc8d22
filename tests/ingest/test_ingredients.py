"""The ingredient table, its facts, and the matching of longer names."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pilot.ingredients import derive_diet_labels, ingredient_table, label_recipe, load_table, lookup
from pilot.ingredients.build import render
from pilot.ingredients.facts import BREAKS, FACTS, labels_broken
from pilot.ingredients.table import NEUTRAL, TABLE_PATH
from pilot.models.catalog import DIET_LABELS


def test_it_has_thousands_of_entries_with_known_facts():
    table = ingredient_table()
    assert len(table) >= 5000
    assert set(BREAKS) == set(DIET_LABELS) and tuple(BREAKS) == DIET_LABELS


def test_it_is_the_table_the_build_writes():
    assert TABLE_PATH.read_text(encoding="utf-8") == render()


@pytest.mark.parametrize(
    "ingredient, breaks",
    [
        ("chicken", {"vegetarian", "vegan", "halal"}),
        ("halal chicken thighs", {"vegetarian", "vegan"}),
        ("peanuts", {"nut_free"}),
        ("Flour", {"gluten_free"}),
        ("bacon", {"vegetarian", "vegan", "halal", "no_pork"}),
        ("butter", {"vegan", "dairy_free"}),
        ("tomatoes", set()),
        ("chicken stock", {"vegetarian", "vegan", "halal"}),
        ("smoked paprika", set()),
        ("vegetarian ground beef", set()),
        ("gluten-free flour", set()),
        ("gluten free soy sauce", set()),
        ("vegan butter", set()),
        ("parmesan cheese", {"vegetarian", "vegan", "dairy_free", "halal"}),
        ("worcestershire sauce", {"vegetarian", "vegan", "gluten_free"}),
        ("marshmallows", {"vegetarian", "vegan", "halal", "no_pork"}),
        ("stock", {"vegetarian", "vegan", "halal"}),
        ("peanut butter", {"nut_free"}),
        ("coconut milk", set()),
        ("almond milk", {"nut_free"}),
        ("egg noodles", {"vegan", "gluten_free"}),
        ("rice flour", set()),
        ("boneless skinless chicken breasts", {"vegetarian", "vegan", "halal"}),
        ("extra virgin olive oil", set()),
        ("red wine", {"halal"}),
        ("mustard seed", set()),
        ("beef tomatoes", set()),
    ],
)
def test_it_finds_the_known_ingredient_in_a_name(ingredient, breaks):
    assert lookup(ingredient) == breaks


def test_it_unions_the_pieces_of_a_longer_name():
    """A longer name can only gain facts from its pieces: "beef and bean" keeps the beef."""
    assert lookup("organic smoked beef chili flakes") == {"vegetarian", "vegan", "halal"}
    assert lookup("spicy peanut sesame noodles") >= {"nut_free", "gluten_free"}


def test_an_unknown_word_makes_the_name_unknown():
    assert lookup("dragon fruit") == set()
    assert lookup("dragon fruit glaze mystery") is None
    assert lookup("fresh") is None  # neutral words alone are no ingredient


def test_labels_are_those_no_ingredient_breaks():
    assert derive_diet_labels(["rice", "chickpeas", "spinach"]) == list(DIET_LABELS)
    assert derive_diet_labels(["bread", "butter"]) == ["vegetarian", "nut_free", "halal", "no_pork"]


def test_an_unknown_ingredient_breaks_every_label():
    assert derive_diet_labels(["rice", "mystery powder"]) == []
    assert label_recipe(["rice", "mystery powder"]).labels_if_known == list(DIET_LABELS)


def test_or_keeps_both_and_the_stricter_decides():
    result = label_recipe(["1 cup vegetable or chicken stock", "2 leeks"])
    assert "vegetarian" not in result.labels
    assert result.names == ["vegetable stock", "chicken stock", "leeks"]


def test_no_ingredients_give_no_labels():
    assert derive_diet_labels([]) == []
    assert derive_diet_labels(["Sauce:", "aluminum foil"]) == []


def test_a_typo_in_the_table_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("ingredient,facts,group\ntofu,vegitarian,x\n")
    with pytest.raises(ValueError, match=r"t.csv: line 2: unknown fact\(s\) vegitarian"):
        load_table(path)


def test_a_name_listed_twice_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("ingredient,facts,group\ntofu,,x\nTofu,dairy,x\n")
    with pytest.raises(ValueError, match="line 3: 'tofu' is listed twice"):
        load_table(path)


# The property: whatever an unknown or ambiguous ingredient could contain, a label it could
# break never appears. Unknown words are drawn from letters that form no table entry.
_known = ingredient_table()
unknown_words = st.text(alphabet="qxzjvkw", min_size=4, max_size=9).filter(
    lambda w: w not in _known and w not in NEUTRAL
)
known_names = st.sampled_from(sorted(_known.entries)[::7])


@settings(max_examples=300, deadline=None)
@given(
    known=st.lists(known_names, max_size=6),
    unknown=unknown_words,
    prefix=st.lists(st.sampled_from(sorted(NEUTRAL)), max_size=2),
    position=st.integers(min_value=0, max_value=6),
)
# Found by a random run: "to <word>" read as a header ("To serve") hid the unknown word.
@example(known=["00 flour"], unknown="jjjj", prefix=["to"], position=0)
def test_it_never_labels_a_recipe_with_an_unknown_ingredient(known, unknown, prefix, position):
    name = " ".join([*prefix, unknown])
    ingredients = list(known)
    ingredients.insert(min(position, len(ingredients)), name)
    assert derive_diet_labels(ingredients) == []
    # ... nor when the unknown word is glued to a known name ("<known> <unknown>")
    if known:
        assert derive_diet_labels([f"{known[0]} {unknown}"]) == []


ambiguous = st.sampled_from(
    ["stock", "broth", "sausage", "gelatin", "cheese", "nuts", "chocolate", "soup", "pesto",
     "curry paste", "refried beans", "pie crust", "worcestershire sauce", "oats", "vanilla extract",
     "meat", "jelly", "marshmallows", "bouillon cube"]
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(name=ambiguous, extra=st.lists(known_names, max_size=5))
def test_an_ambiguous_ingredient_breaks_what_any_of_its_readings_could(name, extra):
    """Each ambiguous name has the facts of its strictest common reading."""
    facts = _known.facts_of(name)
    assert facts, name
    labels = derive_diet_labels([name, *extra])
    assert not set(labels) & labels_broken(facts)


def test_every_fact_is_explained():
    assert all(FACTS[f] for facts in BREAKS.values() for f in facts)
