"""A small ORM world (tests/world.py) with model artifacts under a temporary VAR_DIR."""

import pytest

from tests.world import build_world


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def world(db, var_dir):
    return build_world()


#: Small ALS parameters: the real implicit model, trained in a fraction of a second.
SMALL_ALS = {"factors": 8, "iterations": 5, "num_threads": 1}
