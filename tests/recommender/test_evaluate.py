"""recommender.evaluate: the protocol (relevant sets, users, months, segments), and runs on
the real models.

``FixedLists`` below is a stand-in for a *model* (it follows the model contract and returns
lists chosen by the test) so that expected numbers can be worked out by hand; the thing
under test, ``evaluate``, runs for real. The last tests use the real ALS and Popularity.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recommender.catalog import Catalog
from recommender.data import Interactions, Split, split_by_time
from recommender.evaluate import evaluate
from recommender.metrics import ranking_metrics
from recommender.models import ALS, Popularity
from recommender.models.results import Recommendation, Recommendations


class FixedLists:
    """A model that recommends given lists (after dropping what the user saw in train)."""

    def __init__(self, lists, default=()):
        self.lists = lists
        self.default = list(default)
        self.fitted_on = None
        self.calls = []

    def get_params(self):
        return {"n_lists": len(self.lists)}

    def fit(self, interactions):
        assert isinstance(interactions, Interactions)
        self.fitted_on = interactions
        return self

    def recommend(
        self, users, k=10, *, exclude_seen=True, catalog=None, restrictions=None, segments=None
    ):
        users = list(users)
        self.calls.append({"users": users, "k": k, "exclude_seen": exclude_seen})
        out = []
        for user in users:
            seen = set(self.fitted_on.history(user)) if exclude_seen and self.fitted_on else set()
            items = [i for i in self.lists.get(user, self.default) if i not in seen][:k]
            out.append(
                [Recommendation(i, r + 1, 1.0 / (r + 1), "fixed", "") for r, i in enumerate(items)]
            )
        return Recommendations(users, out)


def events(rows):
    frame = pd.DataFrame(rows, columns=["user", "item", "event", "timestamp"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


TRAIN = events(
    [
        ("ann", "soup", "cook", "2026-05-01"),
        ("ann", "pie", "view", "2026-05-02"),
        ("bob", "soup", "save", "2026-05-03"),
        ("bob", "salad", "view", "2026-05-04"),
        ("cat", "soup", "view", "2026-05-05"),
    ]
)
TEST = events(
    [
        ("ann", "curry", "cook", "2026-06-03"),
        ("ann", "pie", "cook", "2026-06-04"),  # seen in train: not relevant
        ("ann", "tart", "save", "2026-07-02"),
        ("bob", "pie", "view", "2026-06-10"),
        ("dan", "soup", "save", "2026-07-05"),  # dan is new: cold start
        ("cat", "pie", "view", "2026-06-20"),
    ]
)
SPLIT = Split(TRAIN, TEST, kind="time", cutoff=pd.Timestamp("2026-06-01", tz="UTC"))
LISTS = {
    "ann": ["curry", "salad", "tart"],
    "bob": ["curry", "soup", "salad"],  # soup and salad are bob's train items: dropped
    "cat": ["salad", "curry", "pie"],
    "dan": ["soup", "pie", "curry"],
}


def run(**kwargs):
    model = FixedLists(LISTS)
    kwargs.setdefault("n_boot", 200)
    return model, evaluate(model, SPLIT, 3, **kwargs)


def test_it_fits_on_train_and_scores_test_users_by_external_id():
    model, result = run()
    assert model.fitted_on is not None and sorted(model.fitted_on.user_ids) == ["ann", "bob", "cat"]
    assert model.calls[0]["exclude_seen"] is True and model.calls[0]["k"] == 3
    assert list(result.per_user.index) == ["ann", "bob", "dan", "cat"]
    assert result.per_user.index.name == "user"


def test_it_leaves_items_seen_in_train_out_of_the_relevant_set():
    _, result = run()
    ann = result.per_user.loc["ann"]
    assert ann["n_relevant"] == 2  # curry and tart; pie was seen in train
    # ann gets [curry, salad, tart]: hits at ranks 1 and 3
    assert ann["precision"] == pytest.approx(2 / 3)
    assert ann["recall"] == 1.0
    assert ann["map"] == pytest.approx((1 + 2 / 3) / 2)
    assert ann["mrr"] == 1.0


def test_per_user_numbers_are_the_metric_definitions():
    _, result = run()
    bob, cat, dan = (result.per_user.loc[u] for u in ("bob", "cat", "dan"))
    assert bob["n_recommended"] == 1 and bob["hit_rate"] == 0.0  # only curry is left
    assert bob["precision"] == 0.0
    assert cat["mrr"] == pytest.approx(1 / 3) and cat["ndcg"] == pytest.approx(0.5)
    assert dan["mrr"] == 1.0 and dan["precision"] == pytest.approx(1 / 3)
    assert result.metric("precision") == pytest.approx(np.mean([2 / 3, 0, 1 / 3, 1 / 3]))


def test_users_unknown_to_train_are_scored_and_flagged_cold():
    _, result = run()
    assert result.per_user["cold"].to_dict() == {
        "ann": False,
        "bob": False,
        "dan": True,
        "cat": False,
    }
    assert result.info["n_cold_users"] == 1


def test_it_does_not_fit_when_told_not_to():
    model = FixedLists(LISTS)
    model.fit(Interactions.from_frame(TRAIN))
    before = model.fitted_on
    evaluate(model, SPLIT, 3, fit=False, n_boot=50)
    assert model.fitted_on is before


def test_summary_has_bootstrap_intervals_that_do_not_move_with_the_same_seed():
    _, first = run(seed=4)
    _, second = run(seed=4)
    pd.testing.assert_frame_equal(first.summary, second.summary)
    s = first.summary.dropna()
    assert (s["low"] <= s["estimate"] + 1e-12).all() and (s["estimate"] <= s["high"] + 1e-12).all()
    precision = s.loc["precision"]
    assert precision["low"] <= precision["estimate"] <= precision["high"]
    assert precision["n"] == 4


def test_segments_break_the_means_down():
    segments = {"ann": "north", "bob": "north", "cat": "south"}
    _, result = run(segments=segments)
    table = result.segments.set_index(["segment", "metric"])
    assert table.loc[("north", "precision"), "estimate"] == pytest.approx((2 / 3 + 0) / 2)
    assert table.loc[("north", "precision"), "n"] == 2
    assert table.loc[("(no segment)", "mrr"), "estimate"] == 1.0  # dan has no segment
    assert result.per_user.loc["cat", "segment"] == "south"


def test_months_score_the_same_lists_against_each_months_events():
    _, result = run()
    table = result.months.set_index(["month", "metric"])
    assert sorted(result.months["month"].unique()) == ["2026-06", "2026-07"]
    # June: ann {curry} hit at 1, bob {pie} no hit, cat {pie} hit at 3
    assert table.loc[("2026-06", "mrr"), "estimate"] == pytest.approx((1 + 0 + 1 / 3) / 3)
    assert table.loc[("2026-06", "mrr"), "n"] == 3
    # July: ann {tart} hit at 3, dan {soup} hit at 1
    assert table.loc[("2026-07", "recall"), "estimate"] == 1.0
    assert table.loc[("2026-07", "mrr"), "estimate"] == pytest.approx((1 / 3 + 1) / 2)
    _, without = run(months=False)
    assert without.months is None


def test_relevant_events_keep_only_some_event_types():
    _, result = run(relevant_events=["cook"])
    assert list(result.per_user.index) == ["ann"]  # only ann cooked something new
    assert result.per_user.loc["ann", "n_relevant"] == 1


def test_beyond_accuracy_uses_the_catalog_and_training_popularity():
    catalog = Catalog.from_frame(
        pd.DataFrame(
            {
                "item": ["soup", "pie", "salad", "curry", "tart", "stew"],
                "tags": ["winter", "dessert", "summer", "spicy,winter", "dessert", "winter"],
                "active": [True, True, True, True, True, False],
            }
        )
    )
    _, result = run(catalog=catalog)
    # recommended: curry, salad, tart, pie, soup = 5 of 5 active items (stew is inactive)
    assert result.beyond["catalog_coverage"] == 1.0
    assert result.beyond["coverage_personalize"] == pytest.approx(5 / 6)
    # novelty: 3 training users; soup seen by 3 (0 bits), salad and pie by 1 (log2 3)
    assert result.per_user.loc["bob", "novelty"] == pytest.approx(math.log2(3))  # curry: unseen
    # ild of ann [curry, salad, tart]: no shared tags, all distances 1
    assert result.per_user.loc["ann", "ild"] == pytest.approx(1.0)
    # cat [salad, curry, pie]: no shared tags either; dan [soup, pie, curry]: soup~curry
    cos = 1 / math.sqrt(2)
    assert result.per_user.loc["dan", "ild"] == pytest.approx(1 - cos / 3)
    assert result.per_user.loc["bob", "arp"] == 0.0
    assert 0 <= result.beyond["gini_exposure"] <= 1


def test_conventions_and_to_dict():
    _, result = run()
    assert set(result.conventions) == {"default", "implicit", "recommenders", "personalize"}
    assert result.conventions["default"]["ndcg"] == pytest.approx(result.metric("ndcg"))
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["k"] == 3
    assert payload["summary"]["precision"]["n"] == 4
    assert payload["info"]["model"] == "FixedLists"
    assert payload["summary"]["ild"]["estimate"] is None  # no tags: NaN becomes null


# --- real models ----------------------------------------------------------------------


def synthetic_events(seed=0, n_users=120, n_items=60):
    """Two taste groups with their own items, plus some noise, over five months."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2026-01-01", tz="UTC")
    for user in range(n_users):
        group = user % 2
        for _ in range(rng.integers(8, 20)):
            if rng.random() < 0.85:
                item = rng.integers(0, n_items // 2) * 2 + group
            else:
                item = rng.integers(0, n_items)
            when = start + pd.Timedelta(seconds=int(rng.integers(0, 150 * 86400)))
            rows.append((user, int(item), rng.choice(["view", "save", "cook"]), when))
    return pd.DataFrame(rows, columns=["user", "item", "event", "timestamp"])


@pytest.fixture(scope="module")
def real_split():
    return split_by_time(synthetic_events(), "2026-04-15")


def test_it_runs_on_real_als_and_matches_a_recomputation(real_split):
    model = ALS(factors=2, iterations=15, regularization=0.1, num_threads=1)
    result = evaluate(model, real_split, 10, n_boot=100)
    train_pairs = set(zip(real_split.train["user"], real_split.train["item"], strict=True))
    for user, items in result.recommendations.items():
        assert not any((user, item) in train_pairs for item in items)
    # recompute the means from the lists with metrics.ranking_metrics
    users = list(result.per_user.index)
    recommended = {i for lst in result.recommendations.values() for i in lst}
    vocab = sorted(recommended | set(real_split.test["item"]))
    col = {item: j for j, item in enumerate(vocab)}
    rec = np.full((len(users), 10), -1)
    for row, user in enumerate(users):
        for slot, item in enumerate(result.recommendations[user]):
            rec[row, slot] = col[item]
    test = real_split.test
    test = test[[pair not in train_pairs for pair in zip(test["user"], test["item"], strict=True)]]
    rows = [users.index(u) for u in test["user"]]
    cols = [col[i] for i in test["item"]]
    rel = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(users), len(vocab)))
    rel.data[:] = 1
    expected = ranking_metrics(rec, rel, 10)
    for name, value in expected.items():
        assert result.metric(name) == pytest.approx(value, abs=1e-12)
    assert result.info["model"] == "ALS" and result.info["params"]["factors"] == 2


def test_als_beats_popularity_on_data_with_two_taste_groups(real_split):
    als = evaluate(
        ALS(factors=2, iterations=15, regularization=0.1, num_threads=1), real_split, 10, n_boot=200
    )
    pop = evaluate(Popularity(), real_split, 10, n_boot=200)
    assert als.metric("recall") > pop.metric("recall")
    assert als.beyond["personalization"] > pop.beyond["personalization"]


def test_restrictions_and_catalog_reach_the_model(real_split):
    items = sorted(set(real_split.train["item"]) | set(real_split.test["item"]))
    catalog = Catalog.from_frame(
        pd.DataFrame(
            {
                "item": items,
                "labels": ["vegetarian" if i % 3 else "" for i in items],
                "tags": ["even" if i % 2 == 0 else "odd" for i in items],
            }
        )
    )
    veggies = {user: {"vegetarian"} for user in range(0, 120, 4)}
    model = ALS(factors=2, iterations=15, regularization=0.1, num_threads=1)
    result = evaluate(model, real_split, 5, catalog=catalog, restrictions=veggies, n_boot=50)
    for user in veggies:
        if user in result.recommendations:
            assert all(item % 3 for item in result.recommendations[user])
    assert result.per_user["ild"].notna().any()  # the catalog's tags are used
