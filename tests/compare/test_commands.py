"""manage.py train_model --like VERSION --add-feature/--remove-feature and compare_versions."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilot import comparisons, training
from pilot.models import Comparison, ModelVersion
from tests.compare.conftest import differs_in_exactly_one_feature


def run(name, *args):
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue().splitlines()


def test_train_model_like_adds_exactly_one_column_on_the_parents_data(parent):
    lines = run("train_model", "--like", parent.name, "--add-feature", "user:region")

    variant = ModelVersion.objects.get(pk=int(lines[-1]))
    differs_in_exactly_one_feature(parent, variant, "user:region")
    assert variant.name == f"{parent.name}+region"
    assert f"compare_versions {parent.pk} {variant.pk}" in lines[-2]


def test_train_model_like_removes_one_column_by_id(parent):
    lines = run("train_model", "--like", str(parent.pk), "--remove-feature", "item:cuisine",
                "--name", "no-cuisine")  # fmt: skip

    variant = ModelVersion.objects.get(pk=int(lines[-1]))
    assert variant.name == "no-cuisine"
    differs_in_exactly_one_feature(parent, variant, "item:cuisine", added=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--add-feature", "item:cuisine"], "already a feature"),
        (["--remove-feature", "item:tags"], "is not a feature"),
        (["--add-feature", "user:shoe_size"], "Unknown people column 'shoe_size'"),
        (["--add-feature", "item:nope"], "Unknown recipe column 'nope'"),
        (["--add-feature", "user:region", "--remove-feature", "item:cuisine"], "exactly one"),
        ([], "exactly one feature"),
        (["--add-feature", "user:region", "--seed", "4"], "--seed cannot be combined"),
        (["--add-feature", "user:region", "--param", "factors=4"], "--param cannot be"),
    ],
)
def test_train_model_like_refuses_with_a_clear_message(parent, args, message):
    with pytest.raises(CommandError, match=message):
        run("train_model", "--like", parent.name, *args)
    assert ModelVersion.objects.count() == 1


def test_train_model_like_refuses_unknown_versions_and_popularity(world):
    with pytest.raises(CommandError, match="No model version with id or name 'nope'"):
        run("train_model", "--like", "nope", "--add-feature", "user:region")
    with pytest.raises(CommandError, match="need --like"):
        run("train_model", "--add-feature", "user:region")
    popularity = training.train_version("popularity", name="pop")
    with pytest.raises(CommandError, match="popularity model"):
        run("train_model", "--like", popularity.name, "--add-feature", "user:region")
    with pytest.raises(CommandError, match="--algorithm is required"):
        run("train_model")


def test_compare_versions_prints_the_stored_numbers_and_the_verdict_last(parent, variant):
    lines = run("compare_versions", parent.name, str(variant.pk))

    comparison = Comparison.objects.get()
    assert (comparison.version_a, comparison.version_b) == (parent, variant)
    r = comparison.result
    assert lines[-1] == comparison.sentence
    assert lines == comparisons.lines(comparison)
    text = "\n".join(lines)
    assert r["split"]["reason"] in text
    for row in r["deltas"]:
        expected = (
            f"{row['label']:<22} {row['mean_a']:8.4f} {row['mean_b']:8.4f} {row['delta']:+8.4f}"
        )
        assert expected in text
    assert f"mean Jaccard {r['overlap']['mean_jaccard']:8.4f}" in text
    assert "Pilot: no study had both versions in its arms." in text
    assert f"{r['split']['n_people']:,} people scored by both" in text


def test_compare_versions_refuses_unknown_and_identical_versions(parent):
    with pytest.raises(CommandError, match="No model version with id or name '999'"):
        run("compare_versions", parent.name, "999")
    with pytest.raises(CommandError, match="two different versions"):
        run("compare_versions", parent.name, str(parent.pk))
    assert not Comparison.objects.exists()
