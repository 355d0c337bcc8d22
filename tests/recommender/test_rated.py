"""recommender.rated: the docstring's examples, a slow reference loop, bad input."""

import doctest
import math

import numpy as np
import pytest

from recommender import rated
from recommender.rated import rated_metrics


def test_the_docstring_examples_hold():
    assert doctest.testmod(rated).failed == 0


def reference(ranks, stars):
    """AUC and NDCG of one user with plain loops (ties: half a pair; mean discount)."""
    n = len(ranks)
    liked = [i for i in range(n) if stars[i] >= 4]
    disliked = [i for i in range(n) if stars[i] <= 2]
    auc = math.nan
    if liked and disliked:
        right = sum(
            1.0 if ranks[a] < ranks[b] else 0.5 if ranks[a] == ranks[b] else 0.0
            for a in liked
            for b in disliked
        )
        auc = right / (len(liked) * len(disliked))
    order = sorted(range(n), key=lambda i: ranks[i])
    position = {i: p for p, i in enumerate(order, 1)}
    dcg = 0.0
    for i in range(n):
        tied = [position[j] for j in range(n) if ranks[j] == ranks[i]]
        dcg += stars[i] * sum(1 / math.log2(p + 1) for p in tied) / len(tied)
    ideal = sum(s / math.log2(p + 1) for p, s in enumerate(sorted(stars, reverse=True), 1))
    ndcg = dcg / ideal if len(set(stars)) > 1 else math.nan
    return auc, ndcg


def test_it_matches_a_loop_on_random_users_with_ties_and_unranked_items():
    rng = np.random.default_rng(4)
    n, n_users = 4000, 400
    user = rng.integers(0, n_users, n)
    rank = rng.integers(1, 9, n).astype(float)
    rank[rng.random(n) < 0.1] = np.inf
    stars = rng.integers(1, 6, n)
    got = rated_metrics(user, rank, stars, n_users=n_users + 2)  # two users with nothing
    for u in range(n_users + 2):
        idx = np.flatnonzero(user == u)
        auc, ndcg = reference(rank[idx].tolist(), stars[idx].tolist())
        for name, want in (("auc", auc), ("ndcg", ndcg)):
            value = got[name][u]
            assert (math.isnan(want) and math.isnan(value)) or value == pytest.approx(want)
        assert got["n_rated"][u] == idx.size
        assert got["n_liked"][u] == int((stars[idx] >= 4).sum())
        assert got["n_disliked"][u] == int((stars[idx] <= 2).sum())


def test_perfect_and_reversed_orders():
    stars = [5, 4, 3, 2, 1]
    best = rated_metrics([0] * 5, [1, 2, 3, 4, 5], stars)
    worst = rated_metrics([0] * 5, [5, 4, 3, 2, 1], stars)
    assert best["auc"][0] == 1.0 and best["ndcg"][0] == pytest.approx(1.0)
    assert worst["auc"][0] == 0.0 and 0 < worst["ndcg"][0] < 1
    same = rated_metrics([0, 0], [1, 2], [4, 4])
    assert math.isnan(same["ndcg"][0]) and math.isnan(same["auc"][0])


def test_empty_input_gives_empty_arrays():
    out = rated_metrics([], [], [], n_users=0)
    assert all(v.size == 0 for v in out.values())


@pytest.mark.parametrize(
    ("user", "rank", "stars", "message"),
    [
        ([0, 1], [1], [5, 5], "differ in length"),
        ([-1], [1], [5], "non-negative"),
        ([0], [math.nan], [5], "NaN"),
        ([0], [1], [6], "between 1 and 5"),
    ],
)
def test_bad_input_is_named(user, rank, stars, message):
    with pytest.raises(ValueError, match=message):
        rated_metrics(user, rank, stars)


def test_a_user_out_of_range_is_named():
    with pytest.raises(ValueError, match="out of range for 1 users"):
        rated_metrics([0, 1], [1, 2], [5, 1], n_users=1)
