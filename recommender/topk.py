"""Exact, filtered top-k selection for batch recommendation.

Two entry points share one selection kernel:

- :func:`topk_dot` scores users against items by dot product of their factors, block by
  block, and returns each user's best ``k`` allowed items;
- :func:`topk_from_scores` does the same for a block of scores computed elsewhere (item
  nearest neighbours, popularity).

Both return ``(indices, scores)``: ``indices`` is int64 ``(n_users, k)`` padded with ``-1``,
``scores`` is ``(n_users, k)`` padded with ``-inf``; each row is sorted by descending score,
ties broken by the lower item index. A banned or excluded item never appears: when fewer than
``k`` items are allowed the row is shorter, padded, never filled with a forbidden item. Items
whose score is ``-inf`` are never returned either (a score of ``-inf`` means "cannot be
recommended"). Scores must not be NaN.

How it stays fast and exact
---------------------------
The items are cut into ``G`` interleaved chunks (item ``j`` belongs to chunk ``j mod G``). For
one user, let ``t`` be the ``k``-th largest of the ``G`` chunk maxima, computed after the
forbidden items were set to ``-inf``. The ``k`` chunks with the largest maxima hold at least
``k`` allowed items scoring ``>= t``, so every item of the true top ``k`` scores ``>= t`` and
lies in a chunk whose maximum is ``>= t``. Only those chunks (about ``k`` of them) are read
again, and only their items scoring ``>= t`` are sorted. The result is the exact top ``k``,
ties included, with no fallback: the whole score row is read once by one vectorised
reduction instead of a per-row ``argpartition``.

Restriction groups are handled by dropping their banned items from the item factors before
the product (each group multiplies only against the items it may receive), so dietary bans
cost nothing at selection time and shrink the product. Already-seen items are set to
``-inf`` in the score block with one scatter per block of users.
"""

from __future__ import annotations

import math
import os
import queue
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import numpy as np
import scipy.sparse as sp

__all__ = ["topk_dot", "topk_from_scores"]

#: Target size in bytes of one block of scores (users x items) held in memory at once.
_BLOCK_BYTES = 32 * 2**20


def topk_dot(
    user_factors,
    item_factors,
    k,
    *,
    exclude=None,
    banned=None,
    user_group=None,
    block_size=None,
    num_threads=1,
):
    """Best ``k`` items per user by dot product, honouring exclusions and group bans.

    The score of item ``j`` for user ``u`` is ``s[u, j] = user_factors[u] . item_factors[j]``,
    computed in float32. The result holds, for each user, the ``k`` items of largest score
    among the items that are neither excluded for the user nor banned for the user's group,
    in descending order of score (ties: lower item index first).

    Parameters
    ----------
    user_factors : array_like, shape (n_users, n_factors)
        One row of factors per user.
    item_factors : array_like, shape (n_items, n_factors)
        One row of factors per item.
    k : int
        Number of items wanted per user (``k >= 0``; may exceed ``n_items``).
    exclude : scipy.sparse matrix or array, shape (n_users, n_items), optional
        Items a user must not get (already seen, already recommended): every non-zero entry
        ``exclude[u, j]`` removes item ``j`` for user ``u``.
    banned : ndarray of bool, shape (n_groups, n_items), optional
        ``banned[g, j]`` is true when item ``j`` may not be recommended to users of group
        ``g`` (a restriction group such as "vegetarian and nut-free").
    user_group : ndarray of int, shape (n_users,), optional
        Row of ``banned`` that applies to each user. Required when ``banned`` has more than
        one row; when ``banned`` has one row it applies to every user.
    block_size : int, optional
        Users scored at once. Defaults to a block of about 32 MB of scores; memory use is
        about ``block_size * n_items * 4`` bytes per thread whatever the number of users.
    num_threads : int
        Threads scoring blocks of users side by side (``0``: one per CPU). numpy releases
        the GIL in the product and the selection, so threads use several cores; the result
        does not depend on this. Keep BLAS itself on one thread (``OPENBLAS_NUM_THREADS=1``
        or ``threadpoolctl``) to avoid oversubscription.

    Returns
    -------
    indices : ndarray of int64, shape (n_users, k)
        Item indices, best first, padded with ``-1``.
    scores : ndarray of float32, shape (n_users, k)
        Their scores, padded with ``-inf``.

    Examples
    --------
    >>> users = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    >>> items = np.array([[3.0, 0.0], [2.0, 1.0], [0.0, 5.0]], dtype=np.float32)
    >>> banned = np.array([[False, False, True]])
    >>> idx, sc = topk_dot(users, items, 2, banned=banned)
    >>> idx.tolist(), sc.tolist()
    ([[0, 1], [1, 0]], [[3.0, 2.0], [1.0, 0.0]])
    """
    users = np.ascontiguousarray(user_factors, dtype=np.float32)
    items = np.ascontiguousarray(item_factors, dtype=np.float32)
    if users.ndim != 2 or items.ndim != 2 or users.shape[1] != items.shape[1]:
        raise ValueError(
            f"factors must be 2-D with the same number of columns, got {users.shape} and "
            f"{items.shape}"
        )
    n_users, n_items = users.shape[0], items.shape[0]
    k = _check_k(k)
    exclude = _check_exclude(exclude, (n_users, n_items))
    groups = _user_groups(banned, user_group, n_users, n_items)
    n_threads = _check_threads(num_threads)

    out_idx = np.full((n_users, k), -1, dtype=np.int64)
    out_scores = np.full((n_users, k), -np.inf, dtype=np.float32)
    if k == 0 or n_users == 0 or n_items == 0:
        return out_idx, out_scores

    # Transposed item factors, C-contiguous: BLAS runs faster on it than on a transposed view.
    items_t = np.ascontiguousarray(items.T)
    plans = []
    for group_users, allowed in groups:
        n_allowed = n_items if allowed is None else allowed.size
        if group_users.size and n_allowed:
            layout = _Layout(n_allowed, k)
            rows = _rows_per_block(block_size, layout.width, group_users.size)
            plans.append((group_users, allowed, layout, rows))
    # Buffers reused by every group (fresh memory costs a page fault on each first touch):
    # the factors of one group's allowed items, and one score block per thread.
    factor_buffer = np.empty(
        max((p[2].width for p in plans), default=0) * items_t.shape[0], dtype=np.float32
    )
    score_size = max((p[2].width * p[3] for p in plans), default=0)
    free_buffers = queue.SimpleQueue()
    for _ in range(n_threads):
        free_buffers.put(np.empty(score_size, dtype=np.float32))

    def score_block(block_users, group_items_t, allowed, column_of, layout):
        buffer = free_buffers.get()
        try:
            block = buffer[: block_users.size * layout.width].reshape(-1, layout.width)
            np.matmul(users[block_users], group_items_t, out=block)
            block[:, layout.n_items :] = -np.inf
            if exclude is not None:
                ex_rows, ex_cols = _excluded_entries(exclude, block_users)
                if column_of is not None:
                    ex_cols = column_of[ex_cols]
                    keep = ex_cols >= 0
                    ex_rows, ex_cols = ex_rows[keep], ex_cols[keep]
                block[ex_rows, ex_cols] = -np.inf
            idx, scores = _select(block, k, layout)
        finally:
            free_buffers.put(buffer)
        if allowed is not None:
            idx = np.where(idx >= 0, allowed[np.maximum(idx, 0)], -1)
        out_idx[block_users] = idx
        out_scores[block_users] = scores

    with ThreadPoolExecutor(n_threads) if n_threads > 1 else nullcontext() as pool:
        for group_users, allowed, layout, rows in plans:
            n_allowed = layout.n_items
            # Factors of the allowed items only, padded with zero columns to the layout
            # width; the padding columns of each score block are set to -inf.
            group_items_t = factor_buffer[: items_t.shape[0] * layout.width]
            group_items_t = group_items_t.reshape(items_t.shape[0], layout.width)
            group_items_t[:, n_allowed:] = 0.0
            if allowed is None:
                group_items_t[:, :n_allowed] = items_t
            else:
                np.take(items_t, allowed, axis=1, out=group_items_t[:, :n_allowed])
            column_of = None
            if allowed is not None and exclude is not None:
                column_of = np.full(n_items, -1, dtype=np.int64)
                column_of[allowed] = np.arange(n_allowed)

            blocks = [group_users[i : i + rows] for i in range(0, group_users.size, rows)]
            args = (group_items_t, allowed, column_of, layout)
            if pool is None:
                for block_users in blocks:
                    score_block(block_users, *args)
            else:
                # Wait for the whole group: the next one reuses the factor buffer.
                for done in [pool.submit(score_block, b, *args) for b in blocks]:
                    done.result()
    return out_idx, out_scores


def topk_from_scores(scores, k, *, exclude=None, banned_rows=None):
    """Best ``k`` items per row of a score block, honouring exclusions and bans.

    Parameters
    ----------
    scores : array_like, shape (n_rows, n_items)
        Scores of every item for each row (user). ``-inf`` means "cannot be recommended";
        NaN is not allowed. The array is not modified.
    k : int
        Number of items wanted per row (``k >= 0``; may exceed ``n_items``).
    exclude : scipy.sparse matrix or array, shape (n_rows, n_items), optional
        Every non-zero entry ``exclude[r, j]`` removes item ``j`` from row ``r``.
    banned_rows : ndarray of bool, shape (n_rows, n_items) or (n_items,), optional
        True where an item may not be recommended for that row; a 1-D mask applies to all rows.

    Returns
    -------
    indices : ndarray of int64, shape (n_rows, k)
        Item indices, best first (ties: lower index first), padded with ``-1``.
    scores : ndarray, shape (n_rows, k)
        Their scores, padded with ``-inf``: float64 for float64 input, float32 otherwise.

    Examples
    --------
    >>> idx, sc = topk_from_scores(np.array([[0.5, 2.0, 2.0, 1.0]]), 3, banned_rows=[[0, 0, 1, 0]])
    >>> idx.tolist(), sc.tolist()
    ([[1, 3, 0]], [[2.0, 1.0, 0.5]])
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(f"scores must be 2-D, got shape {scores.shape}")
    dtype = np.float64 if scores.dtype == np.float64 else np.float32
    n_rows, n_items = scores.shape
    k = _check_k(k)
    exclude = _check_exclude(exclude, (n_rows, n_items))
    if banned_rows is not None:
        banned_rows = np.asarray(banned_rows, dtype=bool)
        if banned_rows.shape not in ((n_rows, n_items), (n_items,)):
            raise ValueError(
                f"banned_rows must have shape {(n_rows, n_items)} or {(n_items,)}, "
                f"got {banned_rows.shape}"
            )

    out_idx = np.full((n_rows, k), -1, dtype=np.int64)
    out_scores = np.full((n_rows, k), -np.inf, dtype=dtype)
    if k == 0 or n_rows == 0 or n_items == 0:
        return out_idx, out_scores

    layout = _Layout(n_items, k)
    rows = _rows_per_block(None, layout.width, n_rows)
    buffer = np.empty((rows, layout.width), dtype=dtype)
    for start in range(0, n_rows, rows):
        stop = min(start + rows, n_rows)
        block = buffer[: stop - start]
        block[:, :n_items] = scores[start:stop]
        block[:, n_items:] = -np.inf
        if banned_rows is not None:
            ban = banned_rows if banned_rows.ndim == 1 else banned_rows[start:stop]
            np.copyto(block[:, :n_items], -np.inf, where=ban)
        if exclude is not None:
            ex_rows, ex_cols = _excluded_entries(exclude, np.arange(start, stop))
            block[ex_rows, ex_cols] = -np.inf
        out_idx[start:stop], out_scores[start:stop] = _select(block, k, layout)
    return out_idx, out_scores


class _Layout:
    """How ``n`` item columns are cut into ``n_chunks`` interleaved chunks of ``depth`` items.

    Column ``j`` of a block belongs to chunk ``j % n_chunks``; the block is ``width =
    depth * n_chunks`` columns wide, the last ``width - n`` columns being padding. The
    ``k``-th largest chunk maximum is the selection threshold, so at least ``k`` chunks are
    needed; about ``sqrt(k * n)`` chunks balance the cost of ranking the chunk maxima
    against the cost of re-reading the ``~k`` selected chunks.
    """

    def __init__(self, n, k):
        self.n_items = n
        n_chunks = 16 * math.ceil(math.sqrt(k * n) / 16)
        n_chunks = min(n, max(n_chunks, min(k, n)))
        self.depth = math.ceil(n / n_chunks)
        self.n_chunks = n_chunks
        self.width = self.depth * n_chunks


def _select(block, k, layout):
    """Exact top ``k`` of each row of ``block`` (forbidden entries already ``-inf``).

    ``block`` has ``layout.width`` columns; the result is ``(indices, scores)`` as in
    :func:`topk_from_scores`, with indices into the block's columns.
    """
    n_rows = block.shape[0]
    n_chunks = layout.n_chunks
    chunks = block.reshape(n_rows, layout.depth, n_chunks)
    chunk_max = chunks.max(axis=1)
    # The layout has k <= n_chunks, or one item per chunk when k exceeds the item count
    # (then the threshold is the smallest score and every finite item is a candidate).
    kth = n_chunks - min(k, n_chunks)
    threshold = np.partition(chunk_max, kth, axis=1)[:, kth]
    # -inf marks forbidden items: the threshold never lets them through.
    threshold = np.maximum(threshold, np.finfo(block.dtype).min)

    hit_rows, hit_chunks = np.nonzero(chunk_max >= threshold[:, None])
    candidates = chunks[hit_rows, :, hit_chunks]  # (n_hits, depth)
    sel_hit, sel_depth = np.nonzero(candidates >= threshold[hit_rows, None])
    rows = hit_rows[sel_hit]
    cols = sel_depth * n_chunks + hit_chunks[sel_hit]
    values = candidates[sel_hit, sel_depth]

    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    row_start = np.searchsorted(rows, np.arange(n_rows))
    rank = np.arange(rows.size) - row_start[rows]
    keep = rank < k
    rows, rank = rows[keep], rank[keep]

    indices = np.full((n_rows, k), -1, dtype=np.int64)
    scores = np.full((n_rows, k), -np.inf, dtype=block.dtype)
    indices[rows, rank] = cols[keep]
    scores[rows, rank] = values[keep]
    return indices, scores


def _check_k(k):
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        raise ValueError(f"k must be a non-negative integer, got {k!r}")
    return int(k)


def _check_threads(num_threads):
    if isinstance(num_threads, bool) or not isinstance(num_threads, int) or num_threads < 0:
        raise ValueError(f"num_threads must be a non-negative integer, got {num_threads!r}")
    return num_threads or os.cpu_count() or 1


def _check_exclude(exclude, shape):
    """Return ``exclude`` as a CSR matrix holding only its non-zero entries, or None."""
    if exclude is None:
        return None
    if not sp.issparse(exclude):
        raise TypeError("exclude must be a scipy.sparse matrix or array")
    if exclude.shape != shape:
        raise ValueError(f"exclude must have shape {shape}, got {exclude.shape}")
    exclude = exclude.tocsr()
    if exclude.nnz and not np.all(exclude.data):
        exclude = exclude.copy()
        exclude.eliminate_zeros()
    return exclude


def _excluded_entries(exclude, users):
    """(row in block, item) pairs of the stored entries of ``exclude`` for rows ``users``."""
    indptr = exclude.indptr
    starts = indptr[users]
    lengths = indptr[users + 1] - starts
    total = int(lengths.sum())
    block_rows = np.repeat(np.arange(users.size), lengths)
    offsets = np.cumsum(lengths) - lengths
    positions = np.repeat(starts - offsets, lengths) + np.arange(total)
    return block_rows, exclude.indices[positions].astype(np.int64, copy=False)


def _user_groups(banned, user_group, n_users, n_items):
    """List of ``(users, allowed items or None)``: users who share the same allowed items."""
    everyone = np.arange(n_users)
    if banned is None:
        if user_group is not None:
            raise ValueError("user_group was given without banned")
        return [(everyone, None)]
    banned = np.asarray(banned, dtype=bool)
    if banned.ndim == 1:
        banned = banned[None, :]
    if banned.ndim != 2 or banned.shape[1] != n_items:
        raise ValueError(f"banned must have shape (n_groups, {n_items}), got {banned.shape}")
    if user_group is None:
        if banned.shape[0] != 1:
            raise ValueError("user_group is required when banned has more than one row")
        return [(everyone, np.flatnonzero(~banned[0]))]
    user_group = np.asarray(user_group)
    if user_group.shape != (n_users,) or not np.issubdtype(user_group.dtype, np.integer):
        raise ValueError(f"user_group must be an integer array of shape ({n_users},)")
    if n_users and (user_group.min() < 0 or user_group.max() >= banned.shape[0]):
        raise ValueError(f"user_group values must lie in [0, {banned.shape[0]})")
    order = np.argsort(user_group, kind="stable")
    present, starts = np.unique(user_group[order], return_index=True)
    return [
        (users, np.flatnonzero(~banned[group]))
        for group, users in zip(present, np.split(order, starts[1:]), strict=True)
    ]


def _rows_per_block(block_size, width, n_rows):
    if block_size is None:
        block_size = max(1, _BLOCK_BYTES // (4 * width))
    elif isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise ValueError(f"block_size must be a positive integer, got {block_size!r}")
    return max(1, min(block_size, n_rows))
