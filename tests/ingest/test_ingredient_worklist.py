"""The unknown-ingredient worklist, classifications, and re-deriving labels after one."""

import pytest

from pilot.ingest import import_extract, report_lines
from pilot.ingredients.worklist import classify, current_table, worklist
from pilot.models import IngredientClassification, Recipe, UnknownIngredient
from tests.conftest import enrol

from .conftest import write

pytestmark = pytest.mark.django_db

RECIPES = """recipe_id,title,ingredients,diet_labels
R1,Glorp salad,2 cups lettuce|1 tbsp glorp sauce,
R2,Glorp pasta,8 oz spaghetti|2 tbsp glorp sauce|1 cup zibble,
R3,Zibble stew,1 lb beef chuck|1 cup zibble,
R4,Plain rice,1 cup rice|salt,
R5,Old glorp,1 cup rice|glorp sauce,
"""


@pytest.fixture
def imported(folder, study):
    extract = import_extract("recipes", write(folder, "r.csv", RECIPES))
    Recipe.objects.filter(external_id="R5").update(active=False)
    enrol(study, "V1", restrictions=["vegetarian"])
    enrol(study, "V2", restrictions=["vegetarian"])
    enrol(study, "G1", restrictions=["gluten_free"])
    enrol(study, "H1", restrictions=["halal", "gluten_free"])
    enrol(study, "N1")
    return extract


def labels(external_id):
    return Recipe.objects.get(external_id=external_id).diet_labels


def test_it_counts_recipes_and_the_restricted_participants_each_name_blocks(imported):
    rows, total = worklist()
    assert total == 2
    # glorp sauce: R1 (could be anything) and R2 (gluten: spaghetti); R5 is inactive.
    # Blocks V1, V2 (R1 or R2 could be vegetarian), G1 and H1 (R1 could be gluten-free, halal).
    # zibble: R2 (could be vegetarian: V1, V2) and R3 (beef, but could be gluten-free: G1).
    assert [(r.name, r.recipes, r.participants) for r in rows] == [
        ("glorp sauce", 2, 4),
        ("zibble", 2, 3),
    ]
    assert worklist(limit=1)[0] == rows[:1] and worklist(limit=1)[1] == 2


def test_the_import_report_gives_the_total_and_the_top_of_the_list(imported):
    assert imported.report["unknown_ingredients_total"] == 2
    assert imported.report["unknown_ingredients_in_file"] == 2
    text = "\n".join(report_lines(imported))
    assert "2 in this file, 2 on the worklist" in text
    assert "glorp sauce: 3 recipes, 0 restricted participants blocked" in text  # at import time


def test_classifying_a_name_relabels_the_affected_recipes_at_once(imported, staff_user):
    assert labels("R1") == []
    done = classify(["Glorp Sauce"], [], staff_user, note="a chilli sauce, checked the label")
    assert done.names == ["glorp sauce"] and done.recipes_checked == 3
    assert labels("R1") == [
        "vegetarian", "vegan", "gluten_free", "dairy_free", "nut_free", "halal", "no_pork"
    ]  # fmt: skip
    assert labels("R2") == []  # zibble is still unknown
    assert labels("R5") != []  # inactive recipes are relabelled too
    assert not UnknownIngredient.objects.filter(name="glorp sauce").exists()
    decision = IngredientClassification.objects.get()
    assert (decision.name, decision.facts, decision.previous_facts) == ("glorp sauce", [], None)
    assert (decision.classified_by, decision.recipes_relabelled) == (staff_user, 2)
    assert [(r.name, r.participants) for r in worklist()[0]] == [("zibble", 3)]


def test_classifying_many_names_with_facts_breaks_their_labels(imported, staff_user):
    classify(["glorp sauce", "zibble"], ["dairy", "gluten"], staff_user)
    assert labels("R1") == ["vegetarian", "nut_free", "halal", "no_pork"]
    assert labels("R3") == ["nut_free", "no_pork"]
    assert worklist() == ([], 0)


def test_a_correction_is_recorded_with_what_was_before_and_relabels(imported, staff_user):
    classify(["glorp sauce"], [], staff_user)
    classify(["glorp sauce"], ["fish"], staff_user)
    first, second = IngredientClassification.objects.order_by("id")
    assert (second.previous_facts, second.facts) == ([], ["fish"])
    assert "vegetarian" not in labels("R1")
    assert current_table().facts_of("glorp sauce") == {"fish"}


def test_classifying_a_known_ingredient_reaches_every_recipe_that_lists_it(imported, staff_user):
    assert "vegetarian" in labels("R4")
    classify(["rice"], ["animal"], staff_user, note="made up, for the test")
    assert "vegetarian" not in labels("R4")


def test_a_new_import_uses_the_classifications(imported, folder, staff_user):
    classify(["zibble"], ["peanut"], staff_user)
    text = "recipe_id,title,ingredients,diet_labels\nR9,Zibble rice,rice|zibble,\n"
    import_extract("recipes", write(folder, "r2.csv", text))
    assert "nut_free" not in labels("R9") and "vegan" in labels("R9")


def test_it_refuses_a_word_that_is_not_a_fact(imported):
    with pytest.raises(ValueError, match="unknown fact"):
        classify(["zibble"], ["vegetarian"])
    with pytest.raises(ValueError, match="no ingredient name"):
        classify(["  "], [])
    assert not IngredientClassification.objects.exists()
