"""Metrics of a ranking over the items a user *rated*: AUC and NDCG with stars as gain.

The pilot as a test set (docs/metrics.md, "Scored on the pilot"): a model version ranks
every recipe for a person; among the recipes that person rated, does it put the liked ones
(4-5 stars) above the disliked ones (1-2)? Computed per user and vectorized (no Python loop
over users), like :mod:`recommender.metrics`.

Inputs are long arrays, one entry per (user, rated item):

``user``
    integer user positions ``0..n_users-1`` (the caller owns the id vocabulary).
``rank``
    the model's rank of the item for that user, 1 = best. Any increasing number works (only
    the order matters). Equal ranks are ties; ``numpy.inf`` marks an item the model could
    not rank (all such items of a user tie with each other, below every ranked one).
``stars``
    the user's stars, 1-5.
"""

from __future__ import annotations

import numpy as np

#: Stars at or above: liked; at or below: disliked (3 is neither).
LIKED_MIN = 4
DISLIKED_MAX = 2


def rated_metrics(user, rank, stars, *, n_users: int | None = None) -> dict[str, np.ndarray]:
    r"""Per-user AUC and NDCG of a ranking over the items each user rated.

    For user u with rated items I, liked items L = {i : stars_i >= 4} and disliked items
    D = {i : stars_i <= 2} (3 stars is neither), and the model's rank r_i of each item:

    .. math::

        \mathrm{AUC}_u = \frac{1}{|L|\,|D|} \sum_{l \in L} \sum_{d \in D}
            \big([r_l < r_d] + \tfrac12 [r_l = r_d]\big)

    the probability that a liked item is ranked above a disliked one, ties counting half.
    NaN when L or D is empty.

    NDCG over all of I with the stars as gain: sort I by r (best first) into positions
    p = 1..|I|; items with equal r share their positions, each getting the *mean* discount
    of the positions the tie occupies (the expected DCG when ties are broken at random):

    .. math::

        \mathrm{DCG}_u = \sum_{i \in I} \mathrm{stars}_i \cdot \overline{d}_i, \qquad
        d_p = 1/\log_2(p+1), \qquad
        \mathrm{NDCG}_u = \mathrm{DCG}_u \,/\, \sum_{p=1}^{|I|} s_{(p)}\, d_p

    where s_(1) >= s_(2) >= ... are the stars sorted in decreasing order (the ideal
    ordering). NaN when every rated item has the same stars (one rating included): then
    every ordering scores 1 and the user tells nothing about the model. As stars are 1-5,
    even the worst ordering scores well above 0: compare versions with each other.

    Parameters
    ----------
    user : array_like of int, shape (n,)
        User position of each rating, ``0 <= user < n_users``.
    rank : array_like of float, shape (n,)
        The model's rank of the rated item for that user (1 = best; ``inf``: not ranked).
    stars : array_like of int, shape (n,)
        Stars 1-5.
    n_users : int, optional
        Number of users (default ``max(user) + 1``).

    Returns
    -------
    dict of arrays, shape (n_users,)
        ``auc`` and ``ndcg`` (float, NaN where undefined), ``n_rated``, ``n_liked`` and
        ``n_disliked`` (int).

    Raises
    ------
    ValueError
        On arrays of different lengths, a negative user, NaN ranks or stars outside 1-5.

    Examples
    --------
    One user rated four recipes; the model ranks them liked (5), disliked (1), liked (4),
    disliked (2). Of the 2 x 2 (liked, disliked) pairs, 3 are in the right order:

    >>> m = rated_metrics([0, 0, 0, 0], [1, 2, 3, 4], [5, 1, 4, 2])
    >>> float(m["auc"][0])
    0.75

    NDCG: DCG = 5/log2(2) + 1/log2(3) + 4/log2(4) + 2/log2(5), ideal 5, 4, 2, 1:

    >>> import numpy as np
    >>> d = 1 / np.log2(np.arange(2, 6))
    >>> bool(np.isclose(m["ndcg"][0], (d @ [5, 1, 4, 2]) / (d @ [5, 4, 2, 1])))
    True

    A tie counts half; a user with no disliked recipe has no AUC:

    >>> m = rated_metrics([0, 0, 1, 1], [1, 1, 1, 2], [5, 1, 5, 3])
    >>> float(m["auc"][0]), bool(np.isnan(m["auc"][1])), m["n_liked"].tolist()
    (0.5, True, [1, 1])
    """
    user = np.asarray(user, dtype=np.int64).ravel()
    rank = np.asarray(rank, dtype=np.float64).ravel()
    stars = np.asarray(stars, dtype=np.float64).ravel()
    if not (user.size == rank.size == stars.size):
        raise ValueError(
            f"user, rank and stars differ in length ({user.size}, {rank.size}, {stars.size})"
        )
    if user.size and user.min() < 0:
        raise ValueError("user positions must be non-negative")
    if np.isnan(rank).any():
        raise ValueError("rank has NaN values (use inf for an item the model did not rank)")
    if stars.size and (stars.min() < 1 or stars.max() > 5):
        raise ValueError("stars must be between 1 and 5")
    if n_users is None:
        n_users = int(user.max()) + 1 if user.size else 0
    elif user.size and user.max() >= n_users:
        raise ValueError(f"user position {int(user.max())} out of range for {n_users} users")

    liked = stars >= LIKED_MIN
    disliked = stars <= DISLIKED_MAX
    n_rated = np.bincount(user, minlength=n_users)
    n_liked = np.bincount(user, weights=liked, minlength=n_users).astype(np.int64)
    n_disliked = np.bincount(user, weights=disliked, minlength=n_users).astype(np.int64)

    # Sort by (user, rank): positions within the user, tie groups of equal (user, rank).
    order = np.lexsort((rank, user))
    u, r, s = user[order], rank[order], stars[order]
    start = np.concatenate(([0], np.cumsum(n_rated)))[u]
    position = np.arange(u.size) - start + 1  # 1-based, within the user
    new_group = np.ones(u.size, dtype=bool)
    new_group[1:] = (u[1:] != u[:-1]) | (r[1:] != r[:-1])
    group = np.cumsum(new_group) - 1
    n_groups = int(group[-1]) + 1 if u.size else 0

    # NDCG: each tie gets the mean discount of its positions.
    discount = 1.0 / np.log2(position + 1.0)
    size = np.bincount(group, minlength=n_groups)
    mean_discount = np.bincount(group, weights=discount, minlength=n_groups) / np.maximum(size, 1)
    dcg = np.bincount(u, weights=s * mean_discount[group], minlength=n_users)
    ideal = np.lexsort((-s, u))  # users stay in blocks; stars decreasing within each
    idcg = np.bincount(u, weights=s[ideal] * discount, minlength=n_users)
    spread = np.zeros(n_users)
    if u.size:
        top = np.full(n_users, -np.inf)
        low = np.full(n_users, np.inf)
        np.maximum.at(top, u, s)
        np.minimum.at(low, u, s)
        spread = np.where(n_rated > 0, top - low, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ndcg = np.where(spread > 0, dcg / idcg, np.nan)

    # AUC: Mann-Whitney over the liked and disliked items only, mid-ranks for ties.
    keep = (s >= LIKED_MIN) | (s <= DISLIKED_MAX)
    uk, gk, bad = u[keep], group[keep], s[keep] <= DISLIKED_MAX
    n_kept = np.bincount(uk, minlength=n_users)
    kept_start = np.concatenate(([0], np.cumsum(n_kept)))[uk]
    kept_position = np.arange(uk.size) - kept_start + 1.0
    tie_size = np.bincount(gk, minlength=n_groups)
    tie_mean = np.bincount(gk, weights=kept_position, minlength=n_groups) / np.maximum(tie_size, 1)
    midrank = tie_mean[gk]
    # Sum of the disliked items' mid-ranks minus its minimum = pairs with the liked above.
    disliked_ranks = np.bincount(uk, weights=midrank * bad, minlength=n_users)
    above = disliked_ranks - n_disliked * (n_disliked + 1) / 2.0
    pairs = n_liked * n_disliked
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = np.where(pairs > 0, above / pairs, np.nan)
    return {
        "auc": auc,
        "ndcg": ndcg,
        "n_rated": n_rated.astype(np.int64),
        "n_liked": n_liked,
        "n_disliked": n_disliked,
    }
