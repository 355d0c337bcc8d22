"""recommender.compare: list overlap (Jaccard, RBO) and paired metric deltas."""

import numpy as np
import pandas as pd
import pytest

from recommender.compare import compare, compare_models, jaccard_at_k, rank_biased_overlap
from recommender.evaluate import evaluate
from recommender.models import ALS, Popularity
from tests.recommender.test_evaluate import LISTS, SPLIT, FixedLists, synthetic_events


def slow_rbo(a, b, p):
    """Webber et al. (2010) eq. 32, one prefix at a time."""
    s_list, l_list = (a, b) if len(a) <= len(b) else (b, a)
    s, l = len(s_list), len(l_list)  # noqa: E741
    if s == 0:
        return 1.0 if l == 0 else 0.0
    x = [len(set(a[:d]) & set(b[:d])) for d in range(1, l + 1)]
    total = sum(x[d - 1] / d * p**d for d in range(1, l + 1))
    total += sum(x[s - 1] * (d - s) / (s * d) * p**d for d in range(s + 1, l + 1))
    return (1 - p) / p * total + ((x[l - 1] - x[s - 1]) / l + x[s - 1] / s) * p**l


def test_jaccard_by_hand():
    got = jaccard_at_k(
        [[1, 2, 3], [1, 2], [], [4, 5, 6, 7]], [[3, 2, 9], [3], [], [4, 5, 6, 8]], k=3
    )
    np.testing.assert_allclose(got, [2 / 4, 0.0, 1.0, 1.0])  # last pair: k=3 cuts 7 and 8


def test_rbo_reproduces_a_published_value_and_its_limits():
    # Extrapolated RBO of 1,2,3,4,5 against 2,3,4,1,5 at p = 0.9 is 0.828 (rankmeasures' README).
    assert rank_biased_overlap([[1, 2, 3, 4, 5]], [[2, 3, 4, 1, 5]], p=0.9)[0] == pytest.approx(
        0.828, abs=5e-4
    )
    got = rank_biased_overlap([list("abcdefghij"), list("abc"), list("abc"), [], ["a"]],
                              [list("abcdefghij"), list("xyz"), list("ab"), [], []])  # fmt: skip
    np.testing.assert_allclose(got, [1.0, 0.0, 1.0, 1.0, 0.0], atol=1e-12)


def test_rbo_weighs_the_top_of_the_list_most():
    top_swapped = rank_biased_overlap([[1, 2, 3, 4, 5, 6]], [[2, 1, 3, 4, 5, 6]])[0]
    bottom_swapped = rank_biased_overlap([[1, 2, 3, 4, 5, 6]], [[1, 2, 3, 4, 6, 5]])[0]
    assert top_swapped < bottom_swapped < 1.0


@pytest.mark.parametrize("p", [0.5, 0.9, 0.98])
def test_rbo_agrees_with_a_slow_implementation_of_the_formula(p):
    rng = np.random.default_rng(int(p * 100))
    a, b = [], []
    for _ in range(200):
        la, lb = rng.integers(0, 11, 2)
        a.append(rng.choice(15, la, replace=False).tolist())
        b.append(rng.choice(15, lb, replace=False).tolist())
    got = rank_biased_overlap(a, b, p=p)
    want = [slow_rbo(x, y, p) for x, y in zip(a, b, strict=True)]
    np.testing.assert_allclose(got, want, atol=1e-12)
    assert ((got >= -1e-12) & (got <= 1 + 1e-12)).all()


def test_rbo_rejects_a_bad_persistence():
    with pytest.raises(ValueError):
        rank_biased_overlap([[1]], [[1]], p=1.0)


def two_results(**kwargs):
    other = dict(LISTS, ann=["tart", "curry", "salad"], cat=["pie", "tart", "soup"])
    a = evaluate(FixedLists(LISTS), SPLIT, 3, n_boot=300, **kwargs)
    b = evaluate(FixedLists(other), SPLIT, 3, n_boot=300, **kwargs)
    return a, b


def test_it_reports_per_user_overlap_and_deltas():
    a, b = two_results(segments={"ann": "north", "bob": "north", "cat": "south", "dan": "south"})
    c = compare(a, b)
    assert c.names == ("FixedLists (A)", "FixedLists (B)")
    ann, cat, bob = (c.per_user.loc[u] for u in ("ann", "cat", "bob"))
    assert ann["jaccard"] == 1.0 and ann["rbo"] < 1.0  # same items, new order
    assert bob["jaccard"] == 1.0 and bob["rbo"] == pytest.approx(1.0)
    # cat's pie moves from rank 3 to rank 1 (soup, seen in train, is dropped): MRR 1/3 -> 1
    assert cat["jaccard"] == pytest.approx(1 / 4)
    assert cat["mrr_a"] == pytest.approx(1 / 3) and cat["mrr_delta"] == pytest.approx(2 / 3)
    mrr = c.deltas.loc["mrr"]
    assert mrr["delta"] == pytest.approx(c.per_user["mrr_delta"].mean())
    assert mrr["mean_b"] - mrr["mean_a"] == pytest.approx(mrr["delta"])
    assert mrr["low"] <= mrr["delta"] <= mrr["high"] and mrr["n"] == 4
    assert "ild" not in c.deltas.index  # no tags on either side
    assert c.overlap["identical_share"] == 0.5 and c.overlap["n_users"] == 4
    assert list(c.most_changed(2).index) == ["cat", "ann"]
    assert c.segments.index[0] == "south"  # cat's list changed most
    assert c.segments.loc["north", "n"] == 2


def test_identical_results_show_no_change():
    a, _ = two_results()
    c = compare(a, a)
    assert (c.per_user["rbo"] == 1.0).all() and c.overlap["identical_share"] == 1.0
    assert (c.deltas["delta"] == 0).all() and (c.deltas["p_wilcoxon"] == 1.0).all()


def test_it_refuses_results_with_different_k():
    a = evaluate(FixedLists(LISTS), SPLIT, 3, n_boot=50)
    b = evaluate(FixedLists(LISTS), SPLIT, 2, n_boot=50)
    with pytest.raises(ValueError, match="different k"):
        compare(a, b)


def test_compare_models_on_real_models():
    from recommender.data import split_by_time

    split = split_by_time(synthetic_events(seed=1), "2026-04-15")
    c = compare_models(
        Popularity(),
        ALS(factors=2, iterations=15, regularization=0.1, num_threads=1),
        split,
        10,
        n_boot=200,
    )
    assert c.names == ("Popularity", "ALS")
    assert c.overlap["n_users"] == len(c.per_user) > 50
    assert 0 <= c.overlap["rbo"] < 1 and 0 <= c.overlap["jaccard"] < 1
    recall = c.deltas.loc["recall"]
    assert recall["delta"] > 0 and recall["low"] > 0  # ALS finds the taste groups
    assert recall["p_wilcoxon"] < 0.05 and recall["effect"] > 0
    assert isinstance(c.segments, pd.DataFrame)
