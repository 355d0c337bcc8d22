"""A small world (tests/world.py) with a real ALS version and its one-column variant."""

import pytest

from pilot import training
from tests.world import build_world

#: Small ALS parameters: the real implicit model, trained in a fraction of a second.
SMALL_ALS = {"factors": 8, "iterations": 5, "num_threads": 1}


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def world(db, var_dir):
    return build_world(n_people=48, n_recipes=60, cold=4)


@pytest.fixture
def parent(world):
    return training.train_version(
        "als", params=SMALL_ALS, item_features=["cuisine"], seed=3, name="als-parent"
    )


@pytest.fixture
def variant(parent):
    return training.train_version(**training.variant_spec(parent, add="user:region"))


def differs_in_exactly_one_feature(parent, variant, feature: str, added: bool = True) -> None:
    """The variant of ``parent``: the same recipe, data and cutoffs but for ``feature``."""
    assert variant.parent_id == parent.pk
    assert variant.algorithm == parent.algorithm
    assert variant.params == parent.params  # parameters and the seed
    assert variant.params["seed"] == parent.params["seed"]
    assert variant.holdout_cutoff == parent.holdout_cutoff
    assert variant.data_cutoff == parent.data_cutoff
    assert variant.data_fingerprint == parent.data_fingerprint
    assert variant.n_events == parent.n_events
    assert (
        variant.metrics["holdout"]["train_fingerprint"]
        == parent.metrics["holdout"]["train_fingerprint"]
    )
    if added:
        assert set(variant.features) - set(parent.features) == {feature}
        assert set(parent.features) <= set(variant.features)
    else:
        assert set(parent.features) - set(variant.features) == {feature}
        assert set(variant.features) <= set(parent.features)
    assert variant.metrics["parent"] == {"id": parent.pk, "name": parent.name, "same_data": True}
