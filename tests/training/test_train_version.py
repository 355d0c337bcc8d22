"""pilot.training.train_version: what a model version records, its holdout metrics checked
against a second computation, the default cutoff, and the artifact round trip."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
import time_machine
from django.db.models import Max, Min

from pilot import modeldata, training
from pilot.models import Interaction, ModelVersion, Person
from pilot.training import TrainingError, train_version
from recommender import metrics as M
from recommender.data import Interactions
from recommender.models import load
from tests.conftest import make_user
from tests.training.conftest import SMALL_ALS


def resolved():
    return Interaction.objects.filter(person__isnull=False)


def test_it_records_the_data_parameters_features_and_artifact(world, var_dir):
    staff = make_user("trainer")
    version = train_version(
        "als",
        params={**SMALL_ALS, "alpha": "4"},
        user_features=["region"],
        item_features=["cuisine"],
        seed=3,
        note="region and cuisine",
        user=staff,
    )

    version.refresh_from_db()
    assert version.algorithm == ModelVersion.Algorithm.ALS
    assert version.params["factors"] == 8 and version.params["alpha"] == 4.0
    assert version.params["seed"] == 3 and "random_state" not in version.params
    assert load(version.artifact).random_state == 3  # the seed reached the model
    assert version.params["regularization"] == 0.01  # the model's default, recorded too
    assert version.features == ["user:region", "item:cuisine"]
    assert (version.user_features, version.item_features) == (["region"], ["cuisine"])
    span = resolved().aggregate(first=Min("timestamp"), last=Max("timestamp"))
    assert (version.data_start, version.data_end) == (span["first"], span["last"])
    assert version.n_events == resolved().count()
    assert version.n_people == resolved().values("person").distinct().count() == 36
    assert version.n_recipes == resolved().values("recipe").distinct().count()
    assert version.n_unresolved == 30  # the anonymous visitor's events, left out
    assert version.data_cutoff == version.trained_at
    assert version.training_seconds > 0
    assert version.note == "region and cuisine" and version.created_by == staff
    expected = Interactions.from_frame(modeldata.interactions_frame()).fingerprint()
    assert version.data_fingerprint == expected
    artifact = Path(version.artifact)
    assert artifact.parent == var_dir / "models"
    assert artifact.name == f"{version.pk}-{version.name}.npz" and artifact.exists()
    assert Path(version.holdout_file).exists()
    assert not list((var_dir / "models").glob(".tmp-*"))
    served = version.metrics["served"]
    assert served["events"] == version.n_events
    assert (
        version.metrics["holdout"]["train_events"] + version.metrics["holdout"]["test_events"]
        == version.n_events
    )


def test_it_defaults_the_cutoff_to_14_days_before_the_latest_interaction(world):
    version = train_version("popularity")

    latest = resolved().aggregate(last=Max("timestamp"))["last"]
    day = (latest - timedelta(days=14)).date()
    assert version.holdout_cutoff == datetime(day.year, day.month, day.day, tzinfo=UTC)
    holdout = version.metrics["holdout"]
    assert holdout["default_cutoff"] is True
    assert (
        holdout["train_events"] == resolved().filter(timestamp__lt=version.holdout_cutoff).count()
    )
    assert (
        holdout["test_events"] == resolved().filter(timestamp__gte=version.holdout_cutoff).count()
    )


def test_it_takes_a_cutoff_date_and_refuses_one_with_nothing_to_train_or_test_on(world):
    version = train_version("popularity", cutoff="2026-10-01")
    assert version.holdout_cutoff == datetime(2026, 10, 1, tzinfo=UTC)
    assert version.metrics["holdout"]["default_cutoff"] is False

    with pytest.raises(TrainingError, match="nothing to test on"):
        train_version("popularity", cutoff="2027-01-01")
    with pytest.raises(TrainingError, match="nothing to train on"):
        train_version("popularity", cutoff="2026-09-01")
    with pytest.raises(TrainingError, match="not a date"):
        train_version("popularity", cutoff="next tuesday")
    assert ModelVersion.objects.count() == 1


def test_its_metrics_agree_with_a_second_computation_on_the_same_split(world):
    version = train_version("als", params=SMALL_ALS, cutoff="2026-10-05")
    people = training.holdout_people(version)

    cutoff = version.holdout_cutoff
    before = set(
        resolved()
        .filter(timestamp__lt=cutoff)
        .values_list("person__customer_id", "recipe__external_id")
    )
    relevant = {}
    for user, item in (
        resolved()
        .filter(timestamp__gte=cutoff)
        .values_list("person__customer_id", "recipe__external_id")
    ):
        if (user, item) not in before:
            relevant.setdefault(user, set()).add(item)
    assert set(people) == set(relevant)  # everyone with something new to find, nobody else

    users = sorted(relevant)
    items = sorted({i for u in users for i in relevant[u] | set(people[u]["recommended"])})
    col = {item: j for j, item in enumerate(items)}
    rec = np.full((len(users), 10), -1)
    for r, user in enumerate(users):
        listed = people[user]["recommended"]
        assert len(listed) <= 10 and not set(listed) & {i for u, i in before if u == user}
        rec[r, : len(listed)] = [col[i] for i in listed]
    rows = [r for r, u in enumerate(users) for _ in relevant[u]]
    cols = [col[i] for u in users for i in sorted(relevant[u])]
    truth = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(users), len(items)))
    again = M.ranking_metrics(rec, truth, 10, per_user=True)

    for name in M.RANKING_METRICS:
        mine = np.array([people[u][name] for u in users], dtype=float)
        np.testing.assert_allclose(mine, again[name])
        summary = version.metrics["summary"][name]
        assert summary["estimate"] == pytest.approx(np.nanmean(again[name]))
        assert summary["low"] <= summary["estimate"] <= summary["high"]
        assert summary["n"] == len(users)


def test_holdout_lists_honour_restrictions_and_come_from_the_model_fitted_before_the_cutoff(world):
    version = train_version("als", params=SMALL_ALS, seed=5)
    people = training.holdout_people(version)

    catalog = modeldata.catalog()
    diet = {p.customer_id: p.restrictions for p in Person.objects.all()}
    assert any(diet[u] for u in people)
    for user, record in people.items():
        assert all(catalog.allows(item, diet[user]) for item in record["recommended"])

    events = modeldata.interactions_frame()
    train = events[events["timestamp"] < version.holdout_cutoff]
    frame = modeldata.people_frame()
    model = training.build_model("als", training.coerce_params("als", SMALL_ALS), 5)
    model.fit(Interactions.from_frame(train), user_features=frame)
    restrictions = {
        u: r.split(",") for u, r in zip(frame["user"], frame["restrictions"], strict=True) if r
    }
    users = sorted(people)
    recs = model.recommend(users, 10, catalog=catalog, restrictions=restrictions)
    assert recs.item_lists() == [people[u]["recommended"] for u in users]


def test_it_gives_metrics_per_segment_and_beyond_accuracy(world):
    version = train_version("als", params=SMALL_ALS)
    metrics = version.metrics

    people = training.holdout_people(version)
    regions = dict(Person.objects.values_list("customer_id", "region"))
    segments = {row["segment"] for row in metrics["segments"]}
    assert segments == {regions[u] for u in people}
    ndcg = [row for row in metrics["segments"] if row["metric"] == "ndcg"]
    assert sum(row["n"] for row in ndcg) == metrics["summary"]["ndcg"]["n"]
    london = [u for u in people if regions[u] == "London"]
    (row,) = [r for r in ndcg if r["segment"] == "London"]
    assert row["estimate"] == pytest.approx(np.mean([people[u]["ndcg"] for u in london]))
    beyond = metrics["beyond"]
    for name in ("catalog_coverage", "personalization", "gini_exposure"):
        assert 0 <= beyond[name] <= 1
    assert beyond["novelty"] > 0 and 0 < beyond["arp"] < 1
    assert set(metrics["summary"]) >= {"precision", "recall", "ndcg", "map", "mrr", "hit_rate"}
    assert metrics["k"] == 10 and metrics["info"]["n_boot"] == 1000
    assert set(metrics["conventions"]) == {"default", "implicit", "recommenders", "personalize"}


def test_the_artifact_loads_back_and_recommends_what_the_refit_model_does(world):
    version = train_version("als", params=SMALL_ALS, seed=2)

    model = modeldata.load_model(version)
    users = [p.customer_id for p in Person.objects.order_by("customer_id")]
    catalog = modeldata.catalog()
    fresh = training.build_model("als", training.coerce_params("als", SMALL_ALS), 2)
    fresh.fit(
        Interactions.from_frame(modeldata.interactions_frame()),
        user_features=modeldata.people_frame(),
        item_features=modeldata.recipes_frame(),
    )
    assert (
        model.recommend(users, 10, catalog=catalog).item_lists()
        == fresh.recommend(users, 10, catalog=catalog).item_lists()
    )
    assert (
        load(version.artifact).recommend(users, 5).item_lists()
        == model.recommend(users, 5).item_lists()
    )
    assert model.data_fingerprint_ == version.data_fingerprint  # fitted on everything


@pytest.mark.parametrize(
    "algorithm, params",
    [
        ("bpr", {"factors": 8, "iterations": 20}),
        ("item_knn", {"neighbours": 10}),
        ("popularity", {"mode": "segment"}),
    ],
)
def test_every_algorithm_trains_a_loadable_version(world, algorithm, params):
    version = train_version(algorithm, params=params)

    assert version.algorithm == training.STORED_ALGORITHM[algorithm]
    assert version.metrics["summary"]["ndcg"]["n"] > 0
    recs = modeldata.load_model(version).recommend(
        ["K-0010", "someone-new"], 5, catalog=modeldata.catalog()
    )
    assert len(recs["someone-new"]) == 5


def test_its_training_spec_trains_the_same_version_again_and_a_variant_is_one_step(world):
    first = train_version("als", params=SMALL_ALS, seed=4, cutoff="2026-10-03")

    spec = training.training_spec(first)
    again = train_version(**spec, name="again")
    assert spec["cutoff"] == first.holdout_cutoff and spec["seed"] == 4
    assert again.params == first.params and again.features == first.features
    assert again.metrics["summary"] == first.metrics["summary"]
    assert (
        again.metrics["holdout"]["train_fingerprint"]
        == first.metrics["holdout"]["train_fingerprint"]
    )
    assert json.loads(Path(again.holdout_file).read_text()) == json.loads(
        Path(first.holdout_file).read_text()
    )

    variant = train_version(**{**spec, "user_features": spec["user_features"] + ("region",)})
    assert variant.params == first.params and variant.holdout_cutoff == first.holdout_cutoff
    assert variant.features == ["user:region"]


def test_it_names_versions_uniquely(world):
    first = train_version("popularity", name="baseline")
    assert first.name == "baseline"
    with pytest.raises(TrainingError, match="exists already"):
        train_version("popularity", name="baseline")
    with time_machine.travel(datetime(2026, 11, 1, 12, 0, tzinfo=UTC), tick=False):
        automatic = [train_version("popularity").name for _ in range(2)]
    assert automatic == ["popularity-20261101-120000", "popularity-20261101-120000-2"]


def test_it_refuses_when_there_is_nothing_to_train_on(db, var_dir):
    with pytest.raises(TrainingError, match="No interactions resolved to a person"):
        train_version("als")
    assert not ModelVersion.objects.exists()


def test_it_reports_progress(world):
    seen = []
    train_version("popularity", progress=lambda percent, message: seen.append((percent, message)))
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[0] < 10 and percents[-1] == 100
    assert "Done" in seen[-1][1]
