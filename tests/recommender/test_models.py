"""The shared contract every model passes, plus each model's own checks.

Real implicit models on small synthetic data (tests/recommender/synthetic.py).
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from implicit.cpu.als import AlternatingLeastSquares
from implicit.nearest_neighbours import BM25Recommender, CosineRecommender

from recommender.catalog import Catalog
from recommender.data import Interactions
from recommender.models import ALS, BPR, ItemKNN, Popularity, Recommendations, load
from tests.recommender import synthetic

FACTORIES = {
    "als": lambda: ALS(factors=8, iterations=8, regularization=0.05, num_threads=1),
    "bpr": lambda: BPR(factors=8, iterations=40, learning_rate=0.05, num_threads=1),
    "knn_cosine": lambda: ItemKNN(similarity="cosine", neighbours=10, num_threads=1),
    "knn_bm25": lambda: ItemKNN(similarity="bm25", neighbours=10, num_threads=1),
    "pop_global": lambda: Popularity(),
    "pop_segment": lambda: Popularity(mode="segment", min_group_users=3),
    "pop_trending": lambda: Popularity(mode="trending", window_days=20),
    "als_features": lambda: ALS(
        factors=8,
        iterations=8,
        num_threads=1,
        user_features=("taste", "household_size"),
        item_features=("cuisine", "season"),
        feature_weight=2.0,
    ),
}
OWN_CODES = {
    "als": "als_history",
    "als_features": "als_history",
    "bpr": "bpr_similar",
    "knn_cosine": "knn_similar",
    "knn_bm25": "knn_similar",
    "pop_global": "popular_global",
    "pop_segment": "popular_segment",
    "pop_trending": "trending",
}
SILENT = "u_silent"  # in the vocabulary, no events


@pytest.fixture(scope="module")
def events():
    return synthetic.events()


@pytest.fixture(scope="module")
def interactions(events):
    users = sorted(set(events["user"])) + [SILENT]
    return Interactions.from_frame(events, users=users)


@pytest.fixture(scope="module")
def catalog():
    return synthetic.catalog()


@pytest.fixture(scope="module", params=sorted(FACTORIES))
def fitted(request, interactions):
    model = FACTORIES[request.param]()
    model.fit(
        interactions, user_features=synthetic.user_frame(), item_features=synthetic.item_frame()
    )
    return request.param, model


def _seen(interactions, user):
    return set(interactions.history(user))


class TestEveryModel:
    """What every recommender promises, whatever its algorithm."""

    def test_it_returns_ranked_lists_of_external_ids(self, fitted, catalog):
        _, model = fitted
        recs = model.recommend(["u0", "u1", "u2"], k=5, catalog=catalog)
        assert isinstance(recs, Recommendations)
        assert recs.users == ["u0", "u1", "u2"]
        for _, items in recs:
            assert 0 < len(items) <= 5
            assert [r.rank for r in items] == list(range(1, len(items) + 1))
            scores = [r.score for r in items]
            assert scores == sorted(scores, reverse=True)
            assert len({r.item for r in items}) == len(items)
            assert all(isinstance(r.item, int) and r.item in catalog for r in items)

    def test_it_handles_unknown_users_without_raising(self, fitted, catalog):
        name, model = fitted
        recs = model.recommend(["nobody", 12345, None], k=4, catalog=catalog)
        for _, items in recs:
            assert len(items) == 4
            expected = OWN_CODES[name] if name.startswith("pop") else "cold_start_popular"
            if name == "pop_segment":  # no segment, no restrictions: everyone
                expected = "popular_global"
            assert {r.reason_code for r in items} == {expected}
            assert all(r.reason.startswith(("Popular", "Trending")) for r in items)

    def test_it_gives_users_with_empty_history_the_cold_start_path(self, fitted, catalog):
        name, model = fitted
        silent = model.recommend([SILENT], k=3, catalog=catalog)[SILENT]
        unknown = model.recommend(["nobody"], k=3, catalog=catalog)["nobody"]
        assert [r.item for r in silent] == [r.item for r in unknown]
        if not name.startswith("pop"):
            assert {r.reason_code for r in silent} == {"cold_start_popular"}

    def test_it_never_breaks_restrictions(self, fitted, catalog):
        _, model = fitted
        users = [f"u{u}" for u in range(20)] + ["nobody", SILENT]
        sets = [set(), {"vegetarian"}, {"vegan"}, {"vegetarian", "nut_free"}, {"gluten-free"}]
        restrictions = {user: sets[i % len(sets)] for i, user in enumerate(users)}
        recs = model.recommend(users, k=10, catalog=catalog, restrictions=restrictions)
        for user, items in recs:
            for r in items:
                assert catalog.allows(r.item, restrictions[user]), (user, r.item)

    def test_it_returns_a_shorter_list_rather_than_a_forbidden_item(self, fitted, catalog):
        _, model = fitted
        strict = {"vegan", "gluten_free", "nut_free"}
        allowed = set(catalog.allowed_items(strict))
        assert allowed == {0, 6, 30, 36}
        recs = model.recommend(
            ["u0", "u1", "nobody"],
            k=10,
            catalog=catalog,
            restrictions={u: strict for u in ["u0", "u1", "nobody"]},
            exclude_seen=False,
        )
        for _, items in recs:
            assert {r.item for r in items} <= allowed
        impossible = model.recommend(["u0"], k=5, catalog=catalog, restrictions={"u0": {"kosher"}})
        assert impossible["u0"] == []

    def test_it_never_recommends_inactive_or_uncatalogued_items(self, fitted):
        _, model = fitted
        small = Catalog.from_frame(synthetic.catalog_frame().iloc[:30])  # items 30-39 unknown
        recs = model.recommend([f"u{u}" for u in range(30)] + ["nobody"], k=15, catalog=small)
        returned = {item for items in recs.item_lists() for item in items}
        assert returned
        assert not returned & set(synthetic.INACTIVE)
        assert all(item < 30 for item in returned)

    def test_it_honours_exclusions(self, fitted, interactions, catalog):
        _, model = fitted
        users = ["u0", "u1", "u5", "nobody"]
        first = model.recommend(users, k=4, catalog=catalog)
        earlier = {user: [r.item for r in first[user]] for user in users}
        second = model.recommend(users, k=4, catalog=catalog, exclude=earlier)
        for user in users:
            got = {r.item for r in second[user]}
            assert not got & set(earlier[user])
            assert not got & _seen(interactions, user)

    def test_it_can_include_seen_items_when_asked(self, fitted, interactions):
        _, model = fitted
        items = model.recommend(["u0"], k=40, exclude_seen=False).item_lists()[0]
        assert set(items) & _seen(interactions, "u0")

    def test_save_and_load_give_identical_recommendations(self, fitted, catalog, tmp_path):
        _, model = fitted
        users = ["u0", "u3", "u8", "nobody", SILENT]
        kwargs = dict(
            k=6,
            catalog=catalog,
            restrictions={"u3": {"vegetarian"}, "nobody": {"nut_free"}},
            segments={"nobody": "north"},
            exclude={"u0": [0, 1, 2]},
        )
        path = tmp_path / "model.npz"
        model.save(path)
        loaded = load(path)
        assert type(loaded) is type(model)
        assert loaded.get_params() == model.get_params()
        before = model.recommend(users, **kwargs).to_frame(evidence=True)
        after = loaded.recommend(users, **kwargs).to_frame(evidence=True)
        pd.testing.assert_frame_equal(before, after)
        with np.load(path, allow_pickle=False) as data:  # no pickles inside
            assert all(data[key].dtype != object for key in data.files)

    def test_every_recommendation_is_explained(self, fitted, interactions, catalog):
        name, model = fitted
        recs = model.recommend([f"u{u}" for u in range(10)], k=5, catalog=catalog)
        for user, items in recs:
            history = _seen(interactions, user)
            for r in items:
                assert r.reason_code == OWN_CODES[name]
                assert r.reason
                if name.startswith("pop"):
                    assert dict(r.evidence)["group_size"] > 0
                    continue
                assert r.evidence, (user, r)
                assert all(item in history for item, _ in r.evidence)
                shares = [share for _, share in r.evidence]
                assert all(s > 0 for s in shares) and shares == sorted(shares, reverse=True)
                first_title = catalog.title(r.evidence[0][0])
                assert r.reason.startswith("Because you") and first_title in r.reason

    def test_it_returns_a_frame_and_item_lists(self, fitted, catalog):
        _, model = fitted
        recs = model.recommend(["u0", "nobody"], k=3, catalog=catalog)
        frame = recs.to_frame()
        assert list(frame.columns) == ["user", "rank", "item", "score", "reason_code", "reason"]
        assert len(frame) == 6
        with_evidence = recs.to_frame(evidence=True)
        pd.testing.assert_frame_equal(frame, with_evidence.drop(columns="evidence"))
        empty = model.recommend([], k=3, catalog=catalog)
        assert len(empty) == 0 and empty.item_lists() == [] and empty.to_frame().empty
        assert recs.item_lists() == [frame[frame.user == u].item.tolist() for u in recs.users]

    def test_it_refuses_restrictions_without_a_catalog(self, fitted):
        _, model = fitted
        with pytest.raises(ValueError, match="catalog"):
            model.recommend(["u0"], restrictions={"u0": {"vegan"}})

    def test_parameters_are_explicit_and_typos_are_refused(self, fitted):
        name, model = fitted
        names = list(inspect.signature(type(model).__init__).parameters)[1:]
        assert list(model.get_params()) == names
        assert {"segment_col", "restrictions_col", "min_group_users"} <= set(names)
        if model.personalized:
            assert {"user_features", "item_features", "feature_weight"} <= set(names)
        with pytest.raises(TypeError, match="min_group_user"):
            type(model)(min_group_user=3)
        assert type(model)(min_group_users=3).min_group_users == 3

    def test_unfitted_model_says_so(self, fitted):
        name, _ = fitted
        with pytest.raises(RuntimeError, match="not fitted"):
            FACTORIES[name]().recommend(["u0"])


class TestColdStart:
    def test_it_uses_popularity_among_people_with_the_same_restrictions(self, interactions):
        model = ALS(factors=4, iterations=2, num_threads=1, min_group_users=3)
        model.fit(interactions, user_features=synthetic.user_frame())
        catalog = synthetic.catalog()
        recs = model.recommend(
            ["newbie"], k=5, catalog=catalog, restrictions={"newbie": {"vegetarian"}}
        )
        items = recs["newbie"]
        assert items and {r.reason for r in items} == {"Popular with people who eat vegetarian"}
        # the shares are those of the training users who eat vegetarian
        frame = synthetic.user_frame()
        veg = set(frame.user[frame.restrictions.map(lambda r: "vegetarian" in r)])
        pairs = synthetic.events()[["user", "item"]].drop_duplicates()
        counts = pairs[pairs.user.isin(veg)].item.value_counts()
        for r in items:
            assert r.score == pytest.approx(counts[r.item] / len(veg))
            assert dict(r.evidence) == {"users": counts[r.item], "group_size": len(veg)}

    def test_segment_and_restrictions_fall_back_to_larger_groups(self, interactions):
        model = Popularity(mode="segment", min_group_users=100)
        model.fit(interactions, user_features=synthetic.user_frame())
        recs = model.recommend(["nobody"], k=3, segments={"nobody": "north"})
        assert {r.reason_code for r in recs["nobody"]} == {"popular_global"}
        model = Popularity(mode="segment", min_group_users=3).fit(
            interactions, user_features=synthetic.user_frame()
        )
        recs = model.recommend(["nobody"], k=3, segments={"nobody": "north"})
        assert {r.reason for r in recs["nobody"]} == {"Popular with people in north"}

    def test_without_known_groups_the_sentence_says_the_list_is_filtered(self, interactions):
        # fitted without user features: no training user's restrictions are known
        model = ALS(factors=4, iterations=2, num_threads=1).fit(interactions)
        catalog = synthetic.catalog()
        recs = model.recommend(
            ["newbie", "plain", "u0"],
            k=5,
            catalog=catalog,
            restrictions={"newbie": {"Vegetarian", "nut-free"}, "u0": {"vegetarian"}},
        )
        newbie = recs["newbie"]
        assert newbie and {r.reason_code for r in newbie} == {"cold_start_popular"}
        assert {r.reason for r in newbie} == {
            "Popular with everyone; nut-free and vegetarian recipes only"
        }
        assert all({"vegetarian", "nut_free"} <= synthetic.item_labels(r.item) for r in newbie)
        # the counts are still everyone's: the group is everyone, only the list is filtered
        pairs = synthetic.events()[["user", "item"]].drop_duplicates()
        counts, n_users = pairs.item.value_counts(), pairs.user.nunique()
        for r in newbie:
            assert dict(r.evidence) == {"users": counts[r.item], "group_size": n_users}
        # same group in the same call, no restrictions: the plain sentence
        assert {r.reason for r in recs["plain"]} == {"Popular with everyone"}
        # a user with history keeps the history reason
        assert {r.reason_code for r in recs["u0"]} == {"als_history"}

    @pytest.mark.parametrize(
        ("min_group_users", "segment", "sentence"),
        [
            # 5 vegetarians in north, 20 people in north: falls back to the segment
            (6, "north", "Popular with people in north; vegetarian recipes only"),
            # no group is big enough: everyone
            (100, "north", "Popular with everyone; vegetarian recipes only"),
            # the group of vegetarians in north is big enough: it names them, no suffix
            (5, "north", "Popular with people in north who eat vegetarian"),
            (3, None, "Popular with people who eat vegetarian"),
        ],
    )
    def test_the_sentence_names_restrictions_the_group_does_not_hold(
        self, interactions, min_group_users, segment, sentence
    ):
        model = ALS(factors=4, iterations=2, num_threads=1, min_group_users=min_group_users)
        model.fit(interactions, user_features=synthetic.user_frame())
        recs = model.recommend(
            ["newbie"],
            k=5,
            catalog=synthetic.catalog(),
            restrictions={"newbie": {"vegetarian"}},
            segments={"newbie": segment} if segment else None,
        )
        assert recs["newbie"]
        assert {(r.reason_code, r.reason) for r in recs["newbie"]} == {
            ("cold_start_popular", sentence)
        }

    def test_popularity_says_when_a_list_is_filtered_too(self, interactions):
        model = Popularity().fit(interactions)
        recs = model.recommend(
            ["u0", "u1"], k=4, catalog=synthetic.catalog(), restrictions={"u0": {"vegan"}}
        )
        assert {r.reason for r in recs["u0"]} == {"Popular with everyone; vegan recipes only"}
        assert {r.reason for r in recs["u1"]} == {"Popular with everyone"}
        assert {r.reason_code for _, items in recs for r in items} == {"popular_global"}
        trending = Popularity(mode="trending", window_days=20).fit(interactions)
        recs = trending.recommend(
            ["u0"], k=4, catalog=synthetic.catalog(), restrictions={"u0": {"vegan"}}
        )
        assert {r.reason for r in recs["u0"]} == {
            "Trending: popular in the last 20 days; vegan recipes only"
        }


class TestALS:
    def test_contributions_add_up_to_the_recommended_score(self, interactions, catalog):
        model = FACTORIES["als_features"]()
        model.fit(
            interactions, user_features=synthetic.user_frame(), item_features=synthetic.item_frame()
        )
        recs = model.recommend(["u0", "u1", "u7"], k=5, catalog=catalog)
        for user, items in recs:
            for r in items:
                c = model.contributions(user, r.item)
                assert c.features  # the user's side features take part
                assert c.total == pytest.approx(r.score, rel=1e-4, abs=1e-6)
                assert c.score == pytest.approx(r.score, rel=1e-6)
                shares = dict(r.evidence)
                for item, value in c.items[:3]:
                    if value > 0:
                        assert shares[item] == pytest.approx(value / r.score, rel=1e-3)

    def test_contributions_agree_with_implicit_explain(self, interactions):
        model = ALS(factors=6, iterations=5, alpha=3.0, regularization=0.2, num_threads=1)
        model.fit(interactions)
        reference = AlternatingLeastSquares(factors=6, regularization=0.2, alpha=3.0)
        reference.item_factors = model.item_factors_
        reference.user_factors = model.user_factors_
        row = list(interactions.user_ids).index("u4")
        for item in (3, 11, 25):
            col = list(interactions.item_ids).index(item)
            total, top, _ = reference.explain(row, interactions.matrix, col, N=100)
            mine = model.contributions("u4", item)
            assert mine.total == pytest.approx(total, rel=1e-5)
            assert mine.score == pytest.approx(total, rel=1e-4, abs=1e-6)
            expected = {interactions.item_ids[i].item(): s for i, s in top}
            assert dict(mine.items) == pytest.approx(expected, rel=1e-5)

    def test_contributions_of_unknown_ids_raise_key_error(self, interactions):
        model = ALS(factors=4, iterations=2, num_threads=1).fit(interactions)
        with pytest.raises(KeyError):
            model.contributions("nobody", 1)

    def test_it_learns_the_taste_clusters(self, interactions):
        model = ALS(factors=8, iterations=10, regularization=0.05, num_threads=1)
        model.fit(interactions)
        lists = model.recommend([f"u{u}" for u in range(20)], k=5).item_lists()
        home = [np.mean([(i < 20) == (u % 2 == 0) for i in items]) for u, items in enumerate(lists)]
        assert np.mean(home) > 0.8


class TestItemKNN:
    @pytest.mark.parametrize(
        "similarity,reference",
        [("cosine", lambda: CosineRecommender(K=10)), ("bm25", lambda: BM25Recommender(K=10))],
    )
    @pytest.mark.filterwarnings("ignore::implicit.utils.ParameterWarning")
    def test_it_scores_like_implicit(self, interactions, similarity, reference):
        model = ItemKNN(similarity=similarity, neighbours=10, num_threads=1).fit(interactions)
        ref = reference()
        ref.fit(interactions.matrix.astype(np.float64), show_progress=False)
        for user in ("u0", "u9"):
            row = list(interactions.user_ids).index(user)
            ids, scores = ref.recommend(row, interactions.matrix[row], N=5)
            got = model.recommend([user], k=5)[user]
            assert [r.item for r in got] == interactions.item_ids[ids].tolist()
            assert [r.score for r in got] == pytest.approx(scores.tolist(), rel=1e-6)

    def test_contributions_add_up_to_the_score(self, interactions):
        model = ItemKNN(neighbours=10, num_threads=1).fit(interactions)
        for r in model.recommend(["u2"], k=5)["u2"]:
            c = model.contributions("u2", r.item)
            assert c.total == pytest.approx(r.score, rel=1e-9)


class TestPopularity:
    def test_global_scores_are_shares_of_users(self, interactions, events):
        model = Popularity().fit(interactions)
        items = model.recommend(["anyone"], k=3, exclude_seen=False)["anyone"]
        pairs = events[["user", "item"]].drop_duplicates()
        counts = pairs.item.value_counts()
        n_users = events.user.nunique()
        top = sorted((counts / n_users).tolist(), reverse=True)[:3]
        assert [r.score for r in items] == pytest.approx(top)
        for r in items:
            assert r.score == pytest.approx(counts[r.item] / n_users)

    def test_trending_counts_only_the_recent_window(self, interactions, events):
        model = Popularity(mode="trending", window_days=7).fit(interactions)
        end = events.timestamp.max()
        recent = events[events.timestamp > end - pd.Timedelta(days=7)]
        recent_items = set(recent.item)
        items = model.recommend(["anyone"], k=50)["anyone"]
        assert {r.item for r in items} == recent_items
        assert items[0].reason == "Trending: popular in the last 7 days"

    def test_unknown_mode_is_refused_at_fit(self, interactions):
        model = Popularity(mode="weekly")  # no validation in __init__
        with pytest.raises(ValueError, match="mode"):
            model.fit(interactions)
