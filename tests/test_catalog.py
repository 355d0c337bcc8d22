"""The recommender catalog built from the Recipe table keeps inactive recipes' titles."""

import pytest

from pilot.modeldata import catalog as recipe_catalog
from pilot.models import Recipe

pytestmark = pytest.mark.django_db


def test_it_holds_inactive_recipes_as_inactive_with_their_titles():
    Recipe.objects.create(external_id="fc494182", title="Leek soup", active=False)
    Recipe.objects.create(
        external_id="R2", title="Dal", diet_labels=["vegan"], tags=["course:main"]
    )
    catalog = recipe_catalog()
    assert len(catalog) == 2
    assert catalog.title("fc494182") == "Leek soup"  # an explanation names it, not the id
    assert dict(zip(catalog.item_ids.tolist(), catalog.active.tolist(), strict=True)) == {
        "fc494182": False,
        "R2": True,
    }
    assert catalog.labels_of("R2") == {"vegan"}


def test_it_is_empty_without_recipes():
    assert len(recipe_catalog()) == 0


def test_an_explanation_names_a_retired_recipe_by_its_title():
    """A history item that is no longer active is still explained by title, not raw id."""
    import pandas as pd

    from recommender.data import Interactions
    from recommender.models import ItemKNN

    titles = {"fc494182": "Retired leek soup", "R2": "Dal", "R3": "Chana masala", "R4": "Stew"}
    for external_id, title in titles.items():
        Recipe.objects.create(external_id=external_id, title=title)
    Recipe.objects.filter(external_id="fc494182").update(active=False)
    rows = [("u1", "fc494182"), ("u2", "fc494182"), ("u2", "R3"), ("u3", "fc494182")]
    rows += [("u3", "R3"), ("u4", "R2"), ("u4", "R4"), ("u1", "R2")]
    events = pd.DataFrame(rows, columns=["user", "item"]).assign(event="cook")
    model = ItemKNN(neighbours=5, num_threads=1).fit(Interactions.from_frame(events))
    (user, recs), *_ = model.recommend(["u1"], k=2, catalog=recipe_catalog())
    assert recs and "fc494182" not in [r.item for r in recs]  # inactive: never recommended
    reasons = " ".join(r.reason for r in recs)
    assert "Retired leek soup" in reasons and "fc494182" not in reasons
