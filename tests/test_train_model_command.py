"""manage.py train_model: a summary, the new version's id as the last line, clear refusals."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilot.models import ModelVersion
from tests.world import build_world


@pytest.fixture
def world(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return build_world(n_people=24, n_recipes=40)


def train(*args):
    out = io.StringIO()
    call_command("train_model", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_prints_a_summary_and_the_new_versions_id_last(world):
    lines = train(
        "--algorithm", "als", "--param", "factors=8", "--param", "iterations=4",
        "--user-features", "region,age_band", "--item-features", "cuisine",
        "--cutoff", "2026-10-04", "--name", "als-small", "--note", "a try", "--seed", "7",
    )  # fmt: skip

    version = ModelVersion.objects.get()
    assert lines[-1] == str(version.pk)
    assert version.name == "als-small" and version.note == "a try"
    assert version.params["factors"] == 8 and version.params["iterations"] == 4
    assert version.params["seed"] == 7
    assert version.features == ["user:region", "user:age_band", "item:cuisine"]
    text = "\n".join(lines)
    assert "before 2026-10-04 00:00 UTC" in text
    assert f"{version.n_unresolved:,} interactions of visitors not linked" in text
    ndcg = version.metrics["summary"]["ndcg"]
    assert "ndcg@10" in text and f"{ndcg['estimate']:.4f}" in text
    assert version.artifact in text


def test_item_knn_is_stored_under_its_model_name(world):
    lines = train("--algorithm", "item_knn", "--param", "similarity=bm25")
    version = ModelVersion.objects.get(pk=int(lines[-1]))
    assert version.algorithm == ModelVersion.Algorithm.ITEMKNN
    assert version.params["similarity"] == "bm25"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--param", "factor=8"], "Unknown parameter(s) factor for als; known: alpha, factors"),
        (["--param", "factors=eight"], "Parameter factors of als: 'eight' is not an integer"),
        (["--param", "factors=0"], "Parameter factors of als: '0' must be greater than 0"),
        (["--param", "regularization=-1"], "'-1' must not be negative"),
        (["--param", "use_cg=perhaps"], "'perhaps' is not true or false"),
        (["--param", "factors"], "write it as NAME=VALUE"),
        (["--param", "factors=8", "--param", "factors=9"], "--param factors is given twice"),
        (["--param", "random_state=3"], "set the seed with --seed"),
        (["--user-features", "region,shoe_size"], "Unknown user feature column(s) shoe_size"),
        (["--item-features", "colour"], "Unknown item feature column(s) colour; known: tags"),
        (["--cutoff", "2026-13-01"], "Cutoff '2026-13-01' is not a date"),
        (["--cutoff", "2030-01-01"], "leaves nothing to test on"),
    ],
)
def test_it_refuses_bad_input_with_a_message_naming_it(world, args, message):
    with pytest.raises(CommandError) as error:
        train("--algorithm", "als", *args)
    assert message in str(error.value)
    assert not ModelVersion.objects.exists()


def test_it_refuses_side_features_for_popularity_and_a_bad_mode(world):
    with pytest.raises(CommandError, match="popularity model takes no side features"):
        train("--algorithm", "popularity", "--user-features", "region")
    with pytest.raises(CommandError, match="'weekly' is not one of global, segment, trending"):
        train("--algorithm", "popularity", "--param", "mode=weekly")


def test_it_refuses_an_unknown_algorithm_and_a_name_taken(world):
    with pytest.raises(CommandError, match="invalid choice: 'svd'"):
        train("--algorithm", "svd")
    train("--algorithm", "popularity", "--name", "base")
    with pytest.raises(CommandError, match="named 'base' exists already"):
        train("--algorithm", "popularity", "--name", "base")


def test_it_says_when_there_is_no_data(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="No interactions resolved to a person"):
        train("--algorithm", "als")
