"""recommender.neighbours.similar_items on real fitted models (synthetic two-cluster data)."""

from __future__ import annotations

import math

import pytest

from recommender.data import Interactions
from recommender.models import ALS, BPR, ItemKNN, Popularity
from recommender.neighbours import similar_items
from tests.recommender import synthetic


@pytest.fixture(scope="module")
def interactions():
    return Interactions.from_frame(synthetic.events())


def _fit(model, interactions):
    return model.fit(interactions, user_features=synthetic.user_frame())


def _cosine(a, b):
    dot = sum(float(x) * float(y) for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(float(x) ** 2 for x in a))
    nb = math.sqrt(sum(float(y) ** 2 for y in b))
    return dot / (na * nb)


@pytest.mark.parametrize(
    "factory",
    [
        lambda: ALS(factors=8, iterations=8, regularization=0.05, num_threads=1, random_state=1),
        lambda: BPR(factors=8, iterations=40, learning_rate=0.05, num_threads=1, random_state=1),
    ],
    ids=["als", "bpr"],
)
def test_it_ranks_items_by_factor_cosine(interactions, factory):
    model = _fit(factory(), interactions)
    found = similar_items(model, 3, n=5)
    assert found.known and found.method == "factor cosine" and len(found.items) == 5
    ids = list(model.item_ids_.tolist())
    bias = isinstance(model, BPR)
    row = lambda i: list(model.item_factors_[ids.index(i)])[: -1 if bias else None]  # noqa: E731
    expected = sorted(((i, _cosine(row(3), row(i))) for i in ids if i != 3), key=lambda p: -p[1])[
        :5
    ]
    assert [i for i, _ in found.items] == [i for i, _ in expected]
    for (_, got), (_, want) in zip(found.items, expected, strict=True):
        assert got == pytest.approx(want, abs=1e-5)
    assert 3 not in [i for i, _ in found.items]


def test_it_finds_neighbours_in_the_same_taste_cluster(interactions):
    model = _fit(ALS(factors=8, iterations=15, num_threads=1, random_state=1), interactions)
    found = similar_items(model, 3, n=5)
    assert sum(1 for i, _ in found.items if i < synthetic.N_ITEMS // 2) >= 4


def test_it_reads_itemknn_similarity_column(interactions):
    model = _fit(ItemKNN(similarity="cosine", neighbours=10, num_threads=1), interactions)
    found = similar_items(model, 25, n=4)
    assert found.method == "item-item similarity"
    ids = list(model.item_ids_.tolist())
    col = ids.index(25)
    dense = model.similarity_.toarray()
    expected = sorted(
        ((ids[r], dense[r, col]) for r in range(len(ids)) if r != col and dense[r, col] > 0),
        key=lambda p: -p[1],
    )[:4]
    assert [i for i, _ in found.items] == [i for i, _ in expected]
    assert [s for _, s in found.items] == pytest.approx([s for _, s in expected])


def test_popularity_has_no_neighbours_and_says_why(interactions):
    model = _fit(Popularity(), interactions)
    found = similar_items(model, 3)
    assert found.items == [] and found.method == "none" and found.known
    assert "no notion of similar recipes" in found.reason


def test_an_unknown_item_is_not_an_error(interactions):
    model = _fit(ALS(factors=4, iterations=2, num_threads=1), interactions)
    found = similar_items(model, 999)
    assert not found.known and found.items == []
    assert "training data" in found.reason
    with pytest.raises(ValueError, match="n must be"):
        similar_items(model, 3, n=-1)
