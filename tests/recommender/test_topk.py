"""recommender.topk against a brute-force masked sort."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.topk import topk_dot, topk_from_scores


def brute_force(scores, k, forbidden):
    """Per row: allowed finite items sorted by (-score, index), first k, padded."""
    n_rows, n_items = scores.shape
    indices = np.full((n_rows, k), -1, dtype=np.int64)
    values = np.full((n_rows, k), -np.inf, dtype=scores.dtype)
    for r in range(n_rows):
        ok = np.flatnonzero(~forbidden[r] & (scores[r] > -np.inf))
        order = ok[np.lexsort((ok, -scores[r, ok]))][:k]
        indices[r, : order.size] = order
        values[r, : order.size] = scores[r, order]
    return indices, values


def integer_factors(rng, n_users, n_items, n_factors, spread):
    """Small integers: float32 products are exact, so ties are real ties."""
    users = rng.integers(-spread, spread + 1, (n_users, n_factors)).astype(np.float32)
    items = rng.integers(-spread, spread + 1, (n_items, n_factors)).astype(np.float32)
    return users, items


def random_exclude(rng, n_users, n_items, density):
    mask = rng.random((n_users, n_items)) < density
    return sp.csr_matrix(mask.astype(np.float32))


def assert_same(got, expected):
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


CASES = [
    # n_users, n_items, n_factors, k, spread, n_groups, ban_share, exclude_density
    (30, 200, 4, 10, 3, 3, 0.1, 0.05),
    (50, 1000, 8, 10, 20, 8, 0.1, 0.02),
    (40, 500, 6, 50, 2, 2, 0.5, 0.1),  # many ties, k a tenth of the catalogue
    (25, 60, 3, 60, 2, 2, 0.3, 0.2),  # k = n_items: fewer than k allowed items
    (10, 30, 3, 45, 5, 1, 0.2, 0.1),  # k > n_items
    (20, 5000, 8, 20, 30, 4, 0.9, 0.01),  # a group allowing only 10% of the items
    (7, 1, 2, 3, 2, 1, 0.0, 0.0),  # a single item
]


@pytest.mark.parametrize(
    ("n_users", "n_items", "n_factors", "k", "spread", "n_groups", "ban_share", "density"), CASES
)
def test_it_matches_brute_force(
    n_users, n_items, n_factors, k, spread, n_groups, ban_share, density
):
    rng = np.random.default_rng(n_users * 1000 + n_items)
    users, items = integer_factors(rng, n_users, n_items, n_factors, spread)
    banned = rng.random((n_groups, n_items)) < ban_share
    user_group = rng.integers(0, n_groups, n_users)
    exclude = random_exclude(rng, n_users, n_items, density)
    forbidden = banned[user_group] | exclude.toarray().astype(bool)
    expected = brute_force(users @ items.T, k, forbidden)

    for block_size, num_threads in ((None, 1), (1, 1), (7, 1), (3, 2), (None, 0)):
        got = topk_dot(
            users,
            items,
            k,
            exclude=exclude,
            banned=banned,
            user_group=user_group,
            block_size=block_size,
            num_threads=num_threads,
        )
        assert got[0].dtype == np.int64 and got[1].dtype == np.float32
        assert_same(got, expected)
    assert_same(
        topk_from_scores(users @ items.T, k, exclude=exclude, banned_rows=forbidden), expected
    )


def test_it_never_returns_anything_when_everything_is_banned_or_seen():
    rng = np.random.default_rng(1)
    users, items = integer_factors(rng, 6, 40, 3, 4)
    banned = np.zeros((3, 40), dtype=bool)
    banned[1] = True  # group 1 may receive nothing
    banned[2, :35] = True  # group 2 may receive 5 items
    user_group = np.array([0, 1, 2, 0, 1, 2])
    seen = np.zeros((6, 40), dtype=np.float32)
    seen[3] = 1  # user 3 has seen everything
    seen[5, 35:37] = 1  # user 5 has seen 2 of the 5 items its group allows

    idx, scores = topk_dot(
        users, items, 10, exclude=sp.csr_matrix(seen), banned=banned, user_group=user_group
    )

    for u in (1, 3):
        assert (idx[u] == -1).all() and np.isneginf(scores[u]).all()
    assert sorted(idx[2, :5]) == [35, 36, 37, 38, 39] and (idx[2, 5:] == -1).all()
    assert sorted(idx[5, :3]) == [37, 38, 39] and (idx[5, 3:] == -1).all()
    assert np.isneginf(scores[5, 3:]).all() and np.isfinite(scores[5, :3]).all()
    assert (idx[0] >= 0).all() and (idx[4] == -1).all()


def test_it_breaks_ties_by_lower_index():
    users = np.ones((2, 2), dtype=np.float32)
    items = np.array([[1, 0], [0, 1], [2, 0], [1, 0], [0, 2]], dtype=np.float32)
    idx, scores = topk_dot(users, items, 4)
    assert idx.tolist() == [[2, 4, 0, 1], [2, 4, 0, 1]]
    assert scores.tolist() == [[2, 2, 1, 1], [2, 2, 1, 1]]


def test_it_matches_brute_force_on_real_valued_scores():
    rng = np.random.default_rng(7)
    users = rng.standard_normal((300, 16)).astype(np.float32)
    items = rng.standard_normal((3000, 16)).astype(np.float32)
    banned = rng.random((5, 3000)) < 0.2
    user_group = rng.integers(0, 5, 300)
    exclude = random_exclude(rng, 300, 3000, 0.01)
    forbidden = banned[user_group] | exclude.toarray().astype(bool)
    scores = users @ items.T
    expected = brute_force(scores, 10, forbidden)

    idx, got = topk_dot(users, items, 10, exclude=exclude, banned=banned, user_group=user_group)

    # Two BLAS calls of different shapes may round differently in the last bit.
    np.testing.assert_allclose(got, expected[1], rtol=1e-5, atol=1e-5)
    assert not forbidden[np.arange(300)[:, None], idx].any()
    assert_same(topk_from_scores(scores, 10, exclude=exclude, banned_rows=forbidden), expected)


def test_it_handles_empty_and_missing_exclusions_alike():
    rng = np.random.default_rng(3)
    users, items = integer_factors(rng, 12, 90, 4, 6)
    empty = sp.csr_matrix((12, 90), dtype=np.float32)
    assert_same(topk_dot(users, items, 8, exclude=empty), topk_dot(users, items, 8))
    assert_same(topk_dot(users, items, 8, exclude=sp.csr_array(empty)), topk_dot(users, items, 8))
    expected = brute_force(users @ items.T, 8, np.zeros((12, 90), dtype=bool))
    assert_same(topk_dot(users, items, 8), expected)


def test_it_accepts_any_sparse_format_for_exclusions():
    rng = np.random.default_rng(6)
    users, items = integer_factors(rng, 9, 70, 3, 4)
    exclude = random_exclude(rng, 9, 70, 0.3)
    expected = topk_dot(users, items, 12, exclude=exclude)
    for converted in (exclude.tocoo(), exclude.tocsc(), sp.csr_array(exclude)):
        assert_same(topk_dot(users, items, 12, exclude=converted), expected)


def test_it_excludes_only_non_zero_entries():
    users = np.ones((1, 1), dtype=np.float32)
    items = np.array([[3.0], [2.0], [1.0]], dtype=np.float32)
    exclude = sp.csr_matrix((np.array([0.0, 1.0]), (np.array([0, 0]), np.array([0, 1]))), (1, 3))
    assert exclude.nnz == 2  # one stored zero, which must not exclude item 0
    idx, _ = topk_dot(users, items, 3, exclude=exclude)
    assert idx.tolist() == [[0, 2, -1]]


def test_it_applies_a_single_ban_row_to_every_user():
    rng = np.random.default_rng(4)
    users, items = integer_factors(rng, 5, 50, 3, 5)
    ban = rng.random(50) < 0.5
    expected = brute_force(users @ items.T, 6, np.broadcast_to(ban, (5, 50)))
    assert_same(topk_dot(users, items, 6, banned=ban[None, :]), expected)
    assert_same(topk_from_scores(users @ items.T, 6, banned_rows=ban), expected)


def test_it_returns_padded_arrays_for_empty_inputs():
    users = np.ones((3, 2), dtype=np.float32)
    idx, scores = topk_dot(users, np.ones((0, 2), dtype=np.float32), 4)
    assert idx.shape == (3, 4) and (idx == -1).all() and np.isneginf(scores).all()
    idx, scores = topk_dot(users, np.ones((5, 2), dtype=np.float32), 0)
    assert idx.shape == (3, 0) and scores.shape == (3, 0)
    idx, _ = topk_dot(np.ones((0, 2)), np.ones((5, 2)), 3)
    assert idx.shape == (0, 3)


def test_from_scores_skips_minus_infinity_and_keeps_float64():
    scores = np.array([[1.0, -np.inf, 0.5, -np.inf], [-np.inf] * 4])
    idx, values = topk_from_scores(scores, 3)
    assert values.dtype == np.float64
    assert idx.tolist() == [[0, 2, -1], [-1, -1, -1]]
    assert values[0, :2].tolist() == [1.0, 0.5] and np.isneginf(values[:, 2]).all()


def test_from_scores_does_not_modify_its_input():
    rng = np.random.default_rng(5)
    scores = rng.standard_normal((4, 100)).astype(np.float32)
    before = scores.copy()
    topk_from_scores(scores, 5, exclude=random_exclude(rng, 4, 100, 0.3), banned_rows=scores > 1)
    np.testing.assert_array_equal(scores, before)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"k": -1}, ValueError),
        ({"k": 2.5}, ValueError),
        ({"exclude": np.zeros((3, 4))}, TypeError),
        ({"exclude": sp.csr_matrix((3, 5))}, ValueError),
        ({"banned": np.zeros((2, 4), dtype=bool)}, ValueError),
        ({"banned": np.zeros((2, 4), dtype=bool), "user_group": np.array([0, 1, 2])}, ValueError),
        ({"banned": np.zeros((2, 5), dtype=bool), "user_group": np.array([0, 1, 1])}, ValueError),
        ({"user_group": np.array([0, 0, 0])}, ValueError),
        ({"block_size": 0}, ValueError),
        ({"num_threads": -1}, ValueError),
    ],
)
def test_it_rejects_bad_arguments(kwargs, error):
    args = {"k": 2, **kwargs}
    with pytest.raises(error):
        topk_dot(np.ones((3, 2)), np.ones((4, 2)), **args)


@settings(max_examples=60, deadline=None)
@given(
    n_users=st.integers(1, 12),
    n_items=st.integers(1, 120),
    k=st.integers(0, 130),
    n_groups=st.integers(1, 4),
    ban_share=st.floats(0.0, 1.0),
    density=st.floats(0.0, 1.0),
    spread=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_no_returned_item_is_ever_forbidden(
    n_users, n_items, k, n_groups, ban_share, density, spread, seed
):
    rng = np.random.default_rng(seed)
    users, items = integer_factors(rng, n_users, n_items, 3, spread)
    banned = rng.random((n_groups, n_items)) < ban_share
    user_group = rng.integers(0, n_groups, n_users)
    exclude = random_exclude(rng, n_users, n_items, density)
    forbidden = banned[user_group] | exclude.toarray().astype(bool)

    idx, scores = topk_dot(
        users, items, k, exclude=exclude, banned=banned, user_group=user_group, block_size=5
    )

    present = idx >= 0
    rows = np.broadcast_to(np.arange(n_users)[:, None], idx.shape)
    assert not forbidden[rows[present], idx[present]].any()
    assert_same((idx, scores), brute_force(users @ items.T, k, forbidden))
