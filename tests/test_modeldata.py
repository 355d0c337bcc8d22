"""The database as the recommender sees it: external ids only, restrictions as keys."""

import pytest

from pilot import modeldata
from pilot.models import Interaction, Recipe
from tests.world import build_world


@pytest.fixture
def world(db):
    return build_world(n_people=12, n_recipes=20, cold=2)


def test_it_gives_resolved_events_under_external_ids(world):
    frame = modeldata.interactions_frame()
    assert len(frame) == Interaction.objects.filter(person__isnull=False).count()
    assert set(frame["user"]) <= {p.customer_id for p in world[0]}
    assert frame["item"].str.startswith("R-").all()
    assert frame["timestamp"].is_monotonic_increasing
    assert modeldata.unresolved_count() == 30


def test_it_bounds_events_by_time(world):
    frame = modeldata.interactions_frame()
    cut = frame["timestamp"].iloc[len(frame) // 2]
    before = modeldata.interactions_frame(until=cut)
    after = modeldata.interactions_frame(since=cut)
    assert len(before) + len(after) == len(frame)
    assert (before["timestamp"] < cut).all()


def test_it_describes_people_with_segment_restriction_key_and_devices(world):
    frame = modeldata.people_frame().set_index("user")
    assert frame.loc["K-0005", "restrictions"] == "nut_free,vegetarian"
    assert frame.loc["K-0005", "segment"] == "Scotland"
    assert frame.loc["K-0005", "n_devices"] == "2"  # two visitors, see tests/world.py
    assert frame.loc["K-0000", "n_devices"] == "0"  # cold: never used the website


def test_it_keeps_inactive_recipes_in_the_catalog_for_their_titles(world):
    Recipe.objects.filter(external_id="R-0003").update(active=False)
    catalog = modeldata.catalog()
    assert "R-0003" in catalog
    assert not catalog.is_active("R-0003")
    assert catalog.title("R-0003") == "Mexican dish 3"
    assert catalog.allows("R-0001", ["vegan"])
    assert not catalog.allows("R-0000", ["vegan"])
