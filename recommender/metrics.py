"""Offline metrics, computed per user and vectorized (no Python loop over users).

The definitions are the ones in DESIGN.md and ``docs/metrics.md``; every formula is
repeated in the docstring of the function that computes it. Inputs are arrays of
*matrix positions* (item indices = columns of ``relevant``, users as rows): the id vocabularies
live in :mod:`recommender.evaluate`, which is the layer that speaks external ids.

Shapes used throughout

``recommended``
    integer array ``(n_users, width)``, one top-k list per row, best first, item
    indices padded with ``-1`` where a list is shorter (e.g. dietary restrictions left
    fewer than k recipes). A ``-1`` slot is an empty slot: never a hit, but it still
    counts in the k of precision@k. A list must not name the same item twice
    (``ranking_metrics`` rejects a repeated relevant item; a repeated irrelevant one
    changes no ranking metric).
``relevant``
    ``scipy.sparse`` CSR matrix ``(n_users, n_items)``; the stored non-zeros of row u
    are the relevant set R_u (explicit zeros are not relevant).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

CONVENTIONS = ("default", "implicit", "recommenders", "personalize")
RANKING_METRICS = ("precision", "recall", "ndcg", "map", "mrr", "hit_rate")


def ranking_metrics(recommended, relevant, k, per_user=False, convention="default"):
    r"""Precision, recall, NDCG, MAP, MRR and hit rate at k, per user or averaged.

    For user u with top-k list L (slots i = 1..k, empty slots never hit) and relevant
    set R (``default`` convention, DESIGN.md):

    .. math::

        \mathrm{precision@k} &= |L \cap R| / k \\
        \mathrm{recall@k} &= |L \cap R| / |R| \\
        \mathrm{hit\_rate@k} &= [\,|L \cap R| > 0\,] \\
        \mathrm{NDCG@k} &= \frac{\sum_{i:\,L_i \in R} 1/\log_2(i+1)}
                              {\sum_{i=1}^{\min(|R|,k)} 1/\log_2(i+1)} \\
        \mathrm{AP@k} &= \frac{1}{\min(|R|,k)} \sum_{i:\,L_i \in R}
                          \mathrm{precision@}i \\
        \mathrm{MRR@k} &= 1 / \min\{i : L_i \in R\} \quad (0 \text{ if no hit})

    ``map`` is the mean of AP@k. Users with an empty R are left out of every average
    (their per-user values are NaN).

    Other tools' conventions (``convention=``), where they differ from the above:

    ``"implicit"`` (``implicit.evaluation.ranking_metrics_at_k``)
        precision = sum_u |L∩R| / sum_u min(k, |R|): divided by min(k, |R|) and
        *pooled* over users (a ratio of sums, not a mean of ratios). Per user
        (``per_user=True``) the array is |L∩R| / min(k, |R|), whose plain mean is not
        implicit's number. implicit's ``map`` and ``ndcg`` are the defaults above;
        it has no recall, MRR or hit rate (the defaults are returned).
    ``"recommenders"`` (Microsoft Recommenders ``python_evaluation``)
        map = mean over users of sum_{i: L_i∈R} precision@i / |R| (their ``map``,
        and their ``map_at_k`` before version 1.2). Their current ``map_at_k``,
        ``precision_at_k``, ``recall_at_k`` and ``ndcg_at_k`` (natural log, which
        cancels in the ratio) equal the defaults.
    ``"personalize"`` (Amazon Personalize)
        precision_at_K, normalized_discounted_cumulative_gain_at_K and
        mean_reciprocal_rank_at_25 (with k=25) are the defaults above, averaged
        over test users; Personalize reports no recall, MAP or hit rate. Its
        ``coverage`` differs: see :func:`catalog_coverage`.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, width)
        Item indices, best first, ``-1`` for an empty slot; ``width >= k``. Only
        the first k columns are used.
    relevant : scipy.sparse matrix, shape (n_users, n_items)
        Non-zeros mark the relevant items of each user.
    k : int
        Cut-off.
    per_user : bool, default False
        Return per-user arrays (NaN for users with an empty R) instead of means.
    convention : {"default", "implicit", "recommenders", "personalize"}
        Which tool's definitions to use where they differ (see above).

    Returns
    -------
    dict
        Keys ``precision, recall, ndcg, map, mrr, hit_rate``. Floats (NaN when no
        user has a relevant item), or float arrays of shape (n_users,).

    Raises
    ------
    ValueError
        On shape mismatches, item indices out of range, ``k`` larger than the list
        width, or a relevant item listed twice in one row.

    Examples
    --------
    Amazon Personalize's documented example: hits at ranks 2 and 5 of a top-5 list,
    two relevant items.

    >>> import numpy as np, scipy.sparse as sp
    >>> rel = sp.csr_matrix(([1, 1], ([0, 0], [1, 4])), shape=(1, 10))
    >>> m = ranking_metrics(np.array([[0, 1, 2, 3, 4]]), rel, k=5)
    >>> round(m["ndcg"], 4), m["mrr"], m["precision"]
    (0.6241, 0.5, 0.4)
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    k = int(k)
    if k < 1:
        raise ValueError("k must be at least 1")
    rec = np.asarray(recommended)
    if rec.ndim != 2 or not np.issubdtype(rec.dtype, np.integer):
        raise ValueError("recommended must be a 2-D integer array")
    if rec.shape[1] < k:
        raise ValueError(f"recommended has {rec.shape[1]} columns, fewer than k={k}")
    rel = _canonical_csr(relevant)
    n_users, n_items = rel.shape
    if rec.shape[0] != n_users:
        raise ValueError(f"recommended has {rec.shape[0]} rows, relevant has {n_users}")
    rec = rec[:, :k]
    if rec.size and (rec.max() >= n_items or rec.min() < -1):
        raise ValueError("item index out of range (use -1 for an empty slot)")

    hit_rows, hit_ranks = _hits(rec, rel)
    n_rel = np.diff(rel.indptr).astype(np.float64)
    has_rel = n_rel > 0
    discount = 1.0 / np.log2(np.arange(2, k + 2, dtype=np.float64))

    # Hits come out row-major, so within a row they are in rank order.
    n_hits = np.bincount(hit_rows, minlength=n_users).astype(np.float64)
    row_start = np.cumsum(n_hits, dtype=np.intp) - n_hits.astype(np.intp)
    hits_so_far = np.arange(1, hit_rows.size + 1) - row_start[hit_rows]
    dcg = np.bincount(hit_rows, weights=discount[hit_ranks - 1], minlength=n_users)
    ap_sum = np.bincount(hit_rows, weights=hits_so_far / hit_ranks, minlength=n_users)
    first_rank = np.zeros(n_users)
    first = hits_so_far == 1
    first_rank[hit_rows[first]] = hit_ranks[first]

    capped = np.minimum(n_rel, k)
    idcg = np.concatenate(([np.nan], np.cumsum(discount)))[capped.astype(np.intp)]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = n_hits / k
        recall = n_hits / n_rel
        ndcg = dcg / idcg
        ap = ap_sum / capped
        mrr = np.where(n_hits > 0, 1.0 / first_rank, 0.0)
        hit_rate = (n_hits > 0).astype(np.float64)
        if convention == "implicit":
            precision = n_hits / capped
        elif convention == "recommenders":
            ap = ap_sum / n_rel

    values = {
        "precision": precision,
        "recall": recall,
        "ndcg": ndcg,
        "map": ap,
        "mrr": mrr,
        "hit_rate": hit_rate,
    }
    for name in values:
        values[name] = np.where(has_rel, values[name], np.nan)
    if per_user:
        return values
    if not has_rel.any():
        return {name: float("nan") for name in values}
    means = {name: float(v[has_rel].mean()) for name, v in values.items()}
    if convention == "implicit":
        means["precision"] = float(n_hits[has_rel].sum() / capped[has_rel].sum())
    return means


def _canonical_csr(matrix):
    """CSR with sorted, summed indices and no explicit zeros (copying only if needed)."""
    if not sp.issparse(matrix):
        raise ValueError("relevant must be a scipy.sparse matrix")
    rel = sp.csr_array(matrix)
    if rel.ndim != 2:
        raise ValueError("relevant must be 2-D")
    if not rel.has_canonical_format or (rel.data == 0).any():
        rel = rel.copy()
        rel.sum_duplicates()
        rel.eliminate_zeros()
    return rel


def _hits(rec, rel):
    """Rows and 1-based ranks of the slots whose item is relevant, in row-major order.

    One sparse lookup per slot (scipy binary-searches each row's sorted indices); an
    empty slot (-1) looks up the last column and is then masked out.
    """
    n_users, k = rec.shape
    if rec.size == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    flat = rec.ravel()
    rows = np.repeat(np.arange(n_users, dtype=np.intp), k)
    found = np.asarray(rel[rows, flat]).ravel() != 0
    slots = np.flatnonzero(found & (flat >= 0))
    hit_rows, hit_ranks = np.divmod(slots, k)
    # Non-relevant duplicates change no ranking metric; a relevant one would count twice.
    keys = np.sort(hit_rows.astype(np.int64) * rel.shape[1] + flat[slots])
    if (keys[1:] == keys[:-1]).any():
        raise ValueError("a recommended list names the same relevant item twice")
    return hit_rows, hit_ranks + 1


# ---------------------------------------------------------------------------------------
# Beyond accuracy
# ---------------------------------------------------------------------------------------


def catalog_coverage(recommended, catalog_size):
    r"""Share of the recommendable catalog that appears in at least one list.

    .. math:: \mathrm{coverage} = |\bigcup_u L_u| / |C|

    with C the items that *could* be recommended (active recipes, say). Amazon
    Personalize's ``coverage`` is the same count over a different denominator: all
    unique items in its Interactions and Items datasets, so pass that number as
    ``catalog_size`` to reproduce it.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, width)
        Item indices, ``-1`` for empty slots (ignored).
    catalog_size : int
        Number of items that could have been recommended.

    Returns
    -------
    float

    Examples
    --------
    >>> catalog_coverage([[0, 1], [1, 2], [2, -1]], catalog_size=6)
    0.5
    """
    if catalog_size <= 0:
        raise ValueError("catalog_size must be positive")
    rec = np.asarray(recommended)
    return float(np.unique(rec[rec >= 0]).size / catalog_size)


def novelty(recommended, item_users, n_users, per_user=False):
    r"""Mean self-information of the recommended items.

    .. math::

        \mathrm{novelty}(u) = \frac{1}{|L_u|} \sum_{i \in L_u}
                              -\log_2 \frac{\max(n_i, 1)}{N}

    where n_i is the number of training users who interacted with item i and N the
    number of training users. An item nobody interacted with is counted as if one
    user had (the largest finite value, log2 N), not as infinity. The overall value
    is the mean over users with a non-empty list (equal to the mean over all
    recommended slots when every list has the same length).

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, width)
        Item indices, ``-1`` for empty slots (ignored).
    item_users : array_like, shape (n_items,)
        Training users per item.
    n_users : int
        Training users.
    per_user : bool, default False
        Return the per-user array (NaN for an empty list).

    Returns
    -------
    float or ndarray

    Examples
    --------
    With 8 training users, an item seen by 4 has novelty 1 bit, one seen by 1 has 3:

    >>> novelty([[0, 1]], item_users=[4, 1], n_users=8)
    2.0
    """
    info = -np.log2(np.maximum(np.asarray(item_users, dtype=np.float64), 1.0) / n_users)
    return _list_mean(recommended, info, per_user)


def average_recommendation_popularity(recommended, item_popularity, per_user=False):
    r"""Popularity bias as ARP (average recommendation popularity).

    .. math:: \mathrm{ARP}(u) = \frac{1}{|L_u|} \sum_{i \in L_u} \phi(i)

    with phi(i) the popularity of item i as given (``recommender.evaluate`` passes the
    share of training users who interacted with it; Abdollahpouri et al. use raw
    counts). The overall value is the mean over users with a non-empty list.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, width)
        Item indices, ``-1`` for empty slots (ignored).
    item_popularity : array_like, shape (n_items,)
        phi for every item.
    per_user : bool, default False
        Return the per-user array (NaN for an empty list).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> average_recommendation_popularity([[0, 1], [2, -1]], [0.5, 0.1, 0.2])
    0.25
    """
    return _list_mean(recommended, np.asarray(item_popularity, dtype=np.float64), per_user)


def _list_mean(recommended, item_values, per_user):
    rec = np.asarray(recommended)
    valid = rec >= 0
    values = np.where(valid, item_values[np.where(valid, rec, 0)], 0.0)
    counts = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per = values.sum(axis=1) / counts
    if per_user:
        return per
    return float(per[counts > 0].mean()) if (counts > 0).any() else float("nan")


def intra_list_diversity(recommended, item_tags, per_user=False):
    r"""Mean pairwise tag distance inside each list.

    .. math::

        \mathrm{ILD}(u) = \frac{2}{m(m-1)} \sum_{a<b} \bigl(1 - \cos(t_{L_a}, t_{L_b})\bigr)

    for a list of m >= 2 items with tag vectors t. An item without tags has cosine 0
    with everything (distance 1). Computed without pairs: with unit vectors
    v_a, sum_{a<b} cos = (||sum_a v_a||^2 - #tagged items) / 2.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, width)
        Item indices, ``-1`` for empty slots (ignored).
    item_tags : array_like or scipy.sparse matrix, shape (n_items, n_tags)
        Tag weights (0/1 or any non-negative weights).
    per_user : bool, default False
        Return the per-user array (NaN for lists of fewer than two items).

    Returns
    -------
    float or ndarray
        Mean over users with at least two items.

    Examples
    --------
    Two recipes sharing one of two tags each (cosine 1/2) and a third sharing none:

    >>> tags = np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1]])
    >>> intra_list_diversity([[0, 1], [0, 2]], tags, per_user=True)
    array([0.5, 1. ])
    """
    rec = np.asarray(recommended)
    tags = sp.csr_array(item_tags, dtype=np.float64)
    norms = np.sqrt(np.asarray(tags.multiply(tags).sum(axis=1)).ravel())
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    unit = sp.diags_array(inv) @ tags
    valid = rec >= 0
    n_users = rec.shape[0]
    rows = np.repeat(np.arange(n_users), rec.shape[1])[valid.ravel()]
    lists = sp.csr_array((np.ones(rows.size), (rows, rec[valid])), shape=(n_users, tags.shape[0]))
    summed = lists @ unit
    sq = np.asarray(summed.multiply(summed).sum(axis=1)).ravel()
    tagged = lists @ (norms > 0).astype(np.float64)
    m = valid.sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_cos = (sq - tagged) / (m * (m - 1))
    per = np.where(m >= 2, 1.0 - mean_cos, np.nan)
    if per_user:
        return per
    ok = m >= 2
    return float(per[ok].mean()) if ok.any() else float("nan")


def personalization(recommended, k=None):
    r"""One minus the mean overlap between two users' lists (Evidently's formula).

    .. math::

        \mathrm{personalization} = 1 - \frac{1}{n(n-1)} \sum_{u \ne v}
                                   \frac{|L_u \cap L_v|}{k}
                                 = 1 - \frac{\sum_i c_i^2 - \sum_i c_i}{k\,n(n-1)}

    where c_i is the number of lists containing item i and n the number of users.
    0 means everybody got the same list, 1 that no two lists share an item.
    Evidently subtracts n*k for sum_i c_i, which assumes full lists; with short lists
    (restrictions) the actual number of filled slots is used, so overlaps are still
    counted exactly.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, width)
        Item indices, ``-1`` for empty slots (ignored).
    k : int, optional
        List length; defaults to the array width.

    Returns
    -------
    float
        NaN for fewer than two users.

    Examples
    --------
    Three users, lists of 2: one pair shares one item, the other pairs nothing:
    1 - (1/2) / 3.

    >>> round(personalization([[0, 1], [1, 2], [3, 4]]), 4)
    0.8333
    """
    rec = np.asarray(recommended)
    n = rec.shape[0]
    k = rec.shape[1] if k is None else int(k)
    if n < 2:
        return float("nan")
    counts = np.bincount(rec[rec >= 0]).astype(np.float64)
    shared = (counts**2).sum() - counts.sum()
    return float(1.0 - shared / (k * n * (n - 1)))


def gini_exposure(recommended, n_items):
    r"""Gini index of how often each catalog item is recommended.

    .. math:: G = \frac{\sum_{j=1}^{n} (2j - n - 1)\, x_{(j)}}{n \sum_j x_j}

    over the n catalog items with exposure counts x sorted ascending (items never
    recommended count with 0). 0: every item shown equally often; close to 1: a few
    items take all the exposure.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, width)
        Item indices, ``-1`` for empty slots (ignored).
    n_items : int
        Catalog size (indices must be below it).

    Returns
    -------
    float
        NaN if nothing was recommended.

    Examples
    --------
    Four items, all exposure on one: (n - 1) / n.

    >>> gini_exposure([[0], [0]], n_items=4)
    0.75
    """
    rec = np.asarray(recommended)
    x = np.sort(np.bincount(rec[rec >= 0], minlength=n_items).astype(np.float64))
    if x.size != n_items:
        raise ValueError("item index out of range")
    total = x.sum()
    if total == 0:
        return float("nan")
    j = np.arange(1, n_items + 1)
    return float(((2 * j - n_items - 1) * x).sum() / (n_items * total))
