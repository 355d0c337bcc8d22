"""recommender.metrics: hand-worked examples, other tools' documented examples, and
agreement with a slow, obvious per-user loop on random data."""

import math
from itertools import combinations

import numpy as np
import pytest
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares
from implicit.evaluation import ranking_metrics_at_k, train_test_split

from recommender.metrics import (
    average_recommendation_popularity,
    catalog_coverage,
    gini_exposure,
    intra_list_diversity,
    novelty,
    personalization,
    ranking_metrics,
)

NAMES = ("precision", "recall", "ndcg", "map", "mrr", "hit_rate")


def relevance(rows, n_items=100):
    """CSR from a list of relevant-item lists, one per user."""
    r = [u for u, items in enumerate(rows) for _ in items]
    c = [i for items in rows for i in items]
    return sp.csr_matrix((np.ones(len(c)), (r, c)), shape=(len(rows), n_items))


def slow_metrics(recommended, relevant, k, convention="default"):
    """One user at a time, straight from the written definitions."""
    relevant = sp.csr_matrix(relevant)
    out = {name: [] for name in NAMES}
    for u in range(recommended.shape[0]):
        row = relevant.getrow(u)
        rel = {int(i) for i, v in zip(row.indices, row.data, strict=True) if v != 0}
        if not rel:
            for name in NAMES:
                out[name].append(math.nan)
            continue
        lst = [int(i) for i in recommended[u, :k]]
        is_hit = [i >= 0 and i in rel for i in lst]
        hits = sum(is_hit)
        dcg = sum(1 / math.log2(i + 2) for i, h in enumerate(is_hit) if h)
        idcg = sum(1 / math.log2(i + 2) for i in range(min(len(rel), k)))
        prec_at = [sum(is_hit[: i + 1]) / (i + 1) for i in range(k)]
        ap_sum = sum(p for p, h in zip(prec_at, is_hit, strict=True) if h)
        out["precision"].append(hits / k)
        out["recall"].append(hits / len(rel))
        out["ndcg"].append(dcg / idcg)
        out["map"].append(ap_sum / min(len(rel), k))
        out["mrr"].append(1 / (is_hit.index(True) + 1) if hits else 0.0)
        out["hit_rate"].append(float(hits > 0))
        if convention == "implicit":
            out["precision"][-1] = hits / min(len(rel), k)
        if convention == "recommenders":
            out["map"][-1] = ap_sum / len(rel)
    return {name: np.array(v) for name, v in out.items()}


def random_case(seed, n_users=300, n_items=60, width=12):
    rng = np.random.default_rng(seed)
    recommended = np.full((n_users, width), -1)
    for u in range(n_users):
        length = rng.integers(0, width + 1)
        recommended[u, :length] = rng.choice(n_items, size=length, replace=False)
    dense = rng.random((n_users, n_items)) < rng.uniform(0.0, 0.3, (n_users, 1))
    dense[rng.random(n_users) < 0.1] = False  # users with nothing relevant
    return recommended, sp.csr_matrix(dense.astype(float))


# --- documented examples -------------------------------------------------------------


def test_it_reproduces_amazon_personalize_ndcg_example():
    # "The second and fifth recommendations match records in the testing data ...
    # K = 5": NDCG = (1/log(1+2) + 1/log(1+5)) / (1/log(1+1) + 1/log(1+2)) = 0.6241,
    # reciprocal rank 1/2, precision 2/5. Two relevant items, so the ideal list has two.
    m = ranking_metrics(np.array([[10, 11, 12, 13, 14]]), relevance([[11, 14]]), k=5)
    assert round(m["ndcg"], 4) == 0.6241
    assert m["mrr"] == 0.5
    assert m["precision"] == 0.4
    expected = (1 / math.log(3) + 1 / math.log(6)) / (1 / math.log(2) + 1 / math.log(3))
    assert m["ndcg"] == pytest.approx(expected, abs=1e-12)
    same = ranking_metrics(
        np.array([[10, 11, 12, 13, 14]]), relevance([[11, 14]]), k=5, convention="personalize"
    )
    assert same == m


def test_it_reproduces_amazon_personalize_mrr_at_25_example():
    # Three users shown 25 recommendations each; user 1 interacts with ranks 4 and 10,
    # user 2 with ranks 2, 4 and 12, user 3 with rank 6: (1/4 + 1/2 + 1/6) / 3 = .3056
    recommended = np.arange(75).reshape(3, 25)
    clicked = [[3, 9], [25 + 1, 25 + 3, 25 + 11], [50 + 5]]
    m = ranking_metrics(recommended, relevance(clicked), k=25, convention="personalize")
    assert m["mrr"] == pytest.approx((1 / 4 + 1 / 2 + 1 / 6) / 3, abs=1e-12)
    assert round(m["mrr"], 4) == 0.3056


# --- hand-worked examples --------------------------------------------------------------


def test_it_computes_every_metric_for_a_hand_worked_list():
    # L = [7, 3, 9, 5], R = {3, 5, 8}, k = 4: hits at ranks 2 and 4.
    m = ranking_metrics(np.array([[7, 3, 9, 5]]), relevance([[3, 5, 8]]), k=4)
    assert m["precision"] == pytest.approx(2 / 4)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["hit_rate"] == 1.0
    assert m["mrr"] == pytest.approx(1 / 2)
    # AP = (P@2 + P@4) / min(3, 4) = (1/2 + 2/4) / 3
    assert m["map"] == pytest.approx((1 / 2 + 2 / 4) / 3)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert m["ndcg"] == pytest.approx(dcg / idcg)


def test_it_gives_zero_for_a_list_without_hits():
    m = ranking_metrics(np.array([[1, 2, 3]]), relevance([[4]]), k=3)
    assert m == {name: 0.0 for name in NAMES}


def test_it_leaves_users_without_relevant_items_out_of_the_means():
    recommended = np.array([[1, 2], [1, 2]])
    m = ranking_metrics(recommended, relevance([[1], []]), k=2)
    assert m["precision"] == 0.5 and m["recall"] == 1.0 and m["mrr"] == 1.0
    per = ranking_metrics(recommended, relevance([[1], []]), k=2, per_user=True)
    for name in NAMES:
        assert not np.isnan(per[name][0]) and np.isnan(per[name][1])


def test_it_returns_nan_when_nobody_has_a_relevant_item():
    m = ranking_metrics(np.array([[1, 2]]), relevance([[]]), k=2)
    assert all(math.isnan(v) for v in m.values())


def test_it_counts_an_empty_slot_as_a_miss_that_still_takes_a_place_in_k():
    # Restrictions left only two recipes: [4, 6, -1, -1], both relevant.
    m = ranking_metrics(np.array([[4, 6, -1, -1]]), relevance([[4, 6]]), k=4)
    assert m["precision"] == 0.5
    assert m["recall"] == 1.0
    assert m["ndcg"] == pytest.approx(1.0)
    assert m["map"] == pytest.approx(1.0)


def test_it_uses_only_the_first_k_columns():
    recommended = np.array([[1, 2, 3, 4, 5]])
    m = ranking_metrics(recommended, relevance([[4, 5]]), k=3)
    assert m["hit_rate"] == 0.0
    assert ranking_metrics(recommended, relevance([[4, 5]]), k=5)["hit_rate"] == 1.0


def test_it_caps_the_ideal_list_and_ap_at_k():
    # |R| = 5 > k = 2, both slots relevant: perfect NDCG and AP, recall 2/5.
    m = ranking_metrics(np.array([[0, 1]]), relevance([[0, 1, 2, 3, 4]]), k=2)
    assert m["ndcg"] == pytest.approx(1.0)
    assert m["map"] == pytest.approx(1.0)
    assert m["recall"] == pytest.approx(2 / 5)


def test_it_ignores_explicit_zeros_in_the_relevance_matrix():
    rel = sp.csr_matrix((np.array([1.0, 0.0]), ([0, 0], [3, 4])), shape=(1, 10))
    m = ranking_metrics(np.array([[4, 3]]), rel, k=2)
    assert m["recall"] == 1.0  # |R| = 1: item 4's stored zero is not relevant
    assert m["mrr"] == 0.5


def test_it_accepts_unsorted_and_duplicated_sparse_entries():
    # Two entries for item 3 (they add up) and unsorted column indices.
    rel = sp.csr_matrix(
        (np.array([1.0, 1.0, 1.0]), np.array([5, 3, 3]), np.array([0, 3])), shape=(1, 10)
    )
    m = ranking_metrics(np.array([[3, 5]]), rel, k=2)
    assert m["recall"] == 1.0 and m["precision"] == 1.0


def test_it_rejects_a_relevant_item_listed_twice():
    with pytest.raises(ValueError, match="twice"):
        ranking_metrics(np.array([[3, 3]]), relevance([[3]]), k=2)
    # a duplicated irrelevant item changes nothing, so it is accepted
    assert ranking_metrics(np.array([[7, 7]]), relevance([[3]]), k=2)["precision"] == 0.0


@pytest.mark.parametrize(
    ("recommended", "k", "message"),
    [
        (np.array([[1, 2]]), 3, "fewer than k"),
        (np.array([[1, 200]]), 2, "out of range"),
        (np.array([[1, -2]]), 2, "out of range"),
        (np.array([[1.0, 2.0]]), 2, "integer"),
        (np.array([[1, 2], [3, 4]]), 2, "rows"),
    ],
)
def test_it_rejects_malformed_input(recommended, k, message):
    with pytest.raises(ValueError, match=message):
        ranking_metrics(recommended, relevance([[1]]), k=k)


def test_it_rejects_an_unknown_convention():
    with pytest.raises(ValueError, match="convention"):
        ranking_metrics(np.array([[1]]), relevance([[1]]), k=1, convention="spark")


# --- conventions -------------------------------------------------------------------------


def test_implicit_convention_divides_precision_by_min_k_r_and_pools_users():
    # k = 3. User 0: |R| = 1, one hit. User 1: |R| = 5, no hit.
    recommended = np.array([[0, 1, 2], [10, 11, 12]])
    rel = relevance([[0], [20, 21, 22, 23, 24]])
    implicit = ranking_metrics(recommended, rel, k=3, convention="implicit")
    assert implicit["precision"] == pytest.approx(1 / (1 + 3))  # pooled: 1 hit / (1 + 3)
    per = ranking_metrics(recommended, rel, k=3, convention="implicit", per_user=True)
    np.testing.assert_allclose(per["precision"], [1.0, 0.0])  # whose mean would be 0.5
    default = ranking_metrics(recommended, rel, k=3)
    assert default["precision"] == pytest.approx((1 / 3 + 0) / 2)
    for name in ("recall", "ndcg", "map", "mrr", "hit_rate"):
        assert implicit[name] == default[name]


def test_recommenders_convention_divides_ap_by_all_relevant_items():
    # k = 2, both slots hit, |R| = 5: AP@k = 1 by default, 2 / 5 in Recommenders' map.
    recommended = np.array([[0, 1]])
    rel = relevance([[0, 1, 2, 3, 4]])
    assert ranking_metrics(recommended, rel, k=2)["map"] == pytest.approx(1.0)
    assert ranking_metrics(recommended, rel, k=2, convention="recommenders")[
        "map"
    ] == pytest.approx(2 / 5)


def test_implicit_convention_matches_implicit_itself_on_a_real_model():
    rng = np.random.default_rng(3)
    dense = (rng.random((80, 50)) < rng.uniform(0.05, 0.4, (80, 1))).astype(np.float64)
    train, test = train_test_split(sp.csr_matrix(dense), 0.7, random_state=4)
    model = AlternatingLeastSquares(factors=6, iterations=5, random_state=0)
    model.fit(train, show_progress=False)
    theirs = ranking_metrics_at_k(model, train, test, K=5, show_progress=False)
    ids, _ = model.recommend(np.arange(80), train, N=5)
    ours = ranking_metrics(ids.astype(np.int64), test, k=5, convention="implicit")
    for name in ("precision", "map", "ndcg"):
        assert ours[name] == pytest.approx(theirs[name], abs=1e-9), name


# --- agreement with the slow loop -------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("convention", ["default", "implicit", "recommenders", "personalize"])
@pytest.mark.parametrize("k", [1, 5, 12])
def test_it_agrees_with_a_slow_loop_on_random_data(seed, convention, k):
    recommended, relevant = random_case(seed)
    expected = slow_metrics(recommended, relevant, k, convention)
    got = ranking_metrics(recommended, relevant, k, per_user=True, convention=convention)
    for name in NAMES:
        np.testing.assert_allclose(got[name], expected[name], rtol=0, atol=1e-9, err_msg=name)
    means = ranking_metrics(recommended, relevant, k, convention=convention)
    has = np.diff(relevant.indptr) > 0
    for name in NAMES:
        want = np.mean(expected[name][has])
        if convention == "implicit" and name == "precision":
            n_hits = expected["precision"][has] * np.minimum(np.diff(relevant.indptr)[has], k)
            want = n_hits.sum() / np.minimum(np.diff(relevant.indptr)[has], k).sum()
        assert means[name] == pytest.approx(want, abs=1e-9), name


# --- beyond accuracy ----------------------------------------------------------------------


def test_catalog_coverage_counts_distinct_items_over_the_catalog():
    assert catalog_coverage(np.array([[0, 1, -1], [1, 2, 3]]), catalog_size=8) == 0.5
    with pytest.raises(ValueError):
        catalog_coverage(np.array([[0]]), catalog_size=0)


def test_novelty_is_mean_self_information_with_unseen_items_as_seen_once():
    # 8 training users; item 0 seen by 4 (1 bit), item 1 by 1 (3 bits), item 2 by 0 (3 bits)
    per = novelty(np.array([[0, 1], [2, -1], [-1, -1]]), [4, 1, 0], n_users=8, per_user=True)
    np.testing.assert_allclose(per[:2], [2.0, 3.0])
    assert np.isnan(per[2])
    assert novelty(np.array([[0, 1], [2, -1]]), [4, 1, 0], n_users=8) == pytest.approx(2.5)


def test_arp_is_the_mean_popularity_of_each_list_then_over_users():
    pop = np.array([0.5, 0.1, 0.2])
    per = average_recommendation_popularity(np.array([[0, 1], [2, -1]]), pop, per_user=True)
    np.testing.assert_allclose(per, [0.3, 0.2])
    assert average_recommendation_popularity(np.array([[0, 1], [2, -1]]), pop) == 0.25


def test_intra_list_diversity_by_hand():
    tags = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
    per = intra_list_diversity(
        np.array([[0, 1, -1], [0, 2, -1], [0, 1, 2], [3, 0, -1], [1, -1, -1]]), tags, per_user=True
    )
    # cos(0,1) = 1/2, cos(0,2) = cos(1,2) = 0; an untagged item is at distance 1.
    np.testing.assert_allclose(per[:4], [0.5, 1.0, (0.5 + 1 + 1) / 3, 1.0])
    assert np.isnan(per[4])  # a single item has no pairs


def test_intra_list_diversity_agrees_with_a_pairwise_loop():
    rng = np.random.default_rng(7)
    tags = (rng.random((40, 6)) < 0.35) * rng.integers(1, 4, (40, 6))
    recommended, _ = random_case(8, n_users=50, n_items=40, width=7)
    got = intra_list_diversity(recommended, sp.csr_matrix(tags), per_user=True)
    for u, row in enumerate(recommended):
        items = [i for i in row if i >= 0]
        if len(items) < 2:
            assert np.isnan(got[u])
            continue
        dists = []
        for a, b in combinations(items, 2):
            na, nb = np.linalg.norm(tags[a]), np.linalg.norm(tags[b])
            cos = tags[a] @ tags[b] / (na * nb) if na and nb else 0.0
            dists.append(1 - cos)
        assert got[u] == pytest.approx(np.mean(dists), abs=1e-9)


def test_personalization_matches_evidently_and_a_pairwise_loop():
    recommended = np.array([[0, 1, 2], [0, 1, 3], [4, 5, 6], [0, 5, 7]])
    n, k = recommended.shape
    overlaps = [len(set(a) & set(b)) / k for a, b in combinations(recommended.tolist(), 2)]
    assert personalization(recommended) == pytest.approx(1 - np.mean(overlaps))
    # Evidently: 1 - (sum c_i^2 - n k) / k / (n^2 - n)
    c = np.bincount(recommended.ravel())
    evidently = 1 - ((c**2).sum() - n * k) / k / (n**2 - n)
    assert personalization(recommended) == pytest.approx(evidently)
    assert personalization(np.array([[0, 1], [0, 1]])) == 0.0
    assert personalization(np.array([[0, 1], [2, 3]])) == 1.0
    assert math.isnan(personalization(np.array([[0, 1]])))


def test_personalization_counts_overlap_exactly_with_short_lists():
    recommended = np.array([[0, 1, -1], [0, -1, -1], [2, 3, 4]])
    overlaps = [1 / 3, 0, 0]
    assert personalization(recommended) == pytest.approx(1 - np.mean(overlaps))


def test_gini_of_exposure_by_hand_and_against_mean_absolute_difference():
    assert gini_exposure(np.array([[0], [0]]), n_items=4) == pytest.approx(0.75)
    assert gini_exposure(np.array([[0, 1], [2, 3]]), n_items=4) == pytest.approx(0.0)
    assert math.isnan(gini_exposure(np.array([[-1]]), n_items=4))
    rng = np.random.default_rng(1)
    recommended = rng.integers(-1, 30, (50, 5))
    x = np.bincount(recommended[recommended >= 0], minlength=30).astype(float)
    mad = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert gini_exposure(recommended, n_items=30) == pytest.approx(mad)
