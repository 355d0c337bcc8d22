"""The recommender catalog built from the Recipe table keeps inactive recipes' titles."""

import pytest

from pilot.catalog import recipe_catalog
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
    assert list(catalog.item_ids) == ["fc494182", "R2"]
    assert catalog.active.tolist() == [False, True]
    assert catalog.labels_of("R2") == {"vegan"}


def test_it_is_empty_without_recipes():
    assert len(recipe_catalog()) == 0
