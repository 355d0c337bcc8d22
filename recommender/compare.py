"""Side-by-side comparison of two models scored on the same users.

:func:`compare` takes two :class:`~recommender.evaluate.EvaluationResult` (same split,
same k) and reports, over the users both scored:

- how much the lists changed, per user: Jaccard@k and rank-biased overlap (RBO, p = 0.9);
- each metric's mean difference B - A with a **paired** bootstrap interval over users and
  the Wilcoxon signed-rank test of the per-user differences;
- the users and segments whose lists changed most.

:func:`compare_models` evaluates two models on one split and compares them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from recommender.evaluate import PER_USER_METRICS, EvaluationResult, evaluate
from recommender.stats import paired_bootstrap, wilcoxon_signed_rank

__all__ = ["Comparison", "compare", "compare_models", "jaccard_at_k", "rank_biased_overlap"]


def _flat(lists: Sequence[Sequence[Any]], k: int) -> tuple[list, np.ndarray]:
    cut = [list(items)[:k] for items in lists]
    return [i for items in cut for i in items], np.array([len(x) for x in cut], dtype=np.int64)


def _padded(flat: list, lengths: np.ndarray, k: int, vocab: pd.Index) -> np.ndarray:
    """One row per list, the vocabulary position of each item, -1 padding (one look-up)."""
    out = np.full((len(lengths), k), -1, dtype=np.int64)
    if lengths.sum():
        rows = np.repeat(np.arange(len(lengths)), lengths)
        cols = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        out[rows, cols] = vocab.get_indexer(np.asarray(flat, dtype=object))
    return out


def _encode(a: Sequence[Sequence[Any]], b: Sequence[Sequence[Any]], k: int):
    flat_a, len_a = _flat(a, k)
    flat_b, len_b = _flat(b, k)
    vocab = pd.Index(pd.unique(np.asarray(flat_a + flat_b, dtype=object)))
    return _padded(flat_a, len_a, k, vocab), _padded(flat_b, len_b, k, vocab)


def _positions_in_other(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each slot of ``a``, the 0-based slot of the same item in ``b`` (or -1)."""
    same = (a[:, :, None] == b[:, None, :]) & (a[:, :, None] >= 0)
    return np.where(same.any(axis=2), same.argmax(axis=2), -1)


def jaccard_at_k(a, b, k: int) -> np.ndarray:
    r"""Per-user Jaccard similarity of two top-k lists.

    .. math:: J(A, B) = |A \cap B| / |A \cup B|

    over the first k items of each list; 1 when both lists are empty.

    Parameters
    ----------
    a, b : sequence of sequences
        One list of item ids per user, aligned by user.
    k : int

    Returns
    -------
    numpy.ndarray, shape (n_users,)

    Examples
    --------
    >>> jaccard_at_k([[1, 2, 3]], [[3, 2, 9]], k=3)
    array([0.5])
    """
    if len(a) != len(b):
        raise ValueError("one list per user on both sides")
    if len(a) == 0:
        return np.zeros(0)
    ea, eb = _encode(a, b, k)
    inter = (_positions_in_other(ea, eb) >= 0).sum(axis=1)
    union = (ea >= 0).sum(axis=1) + (eb >= 0).sum(axis=1) - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / union, 1.0)


def rank_biased_overlap(a, b, p: float = 0.9) -> np.ndarray:
    r"""Per-user rank-biased overlap of two ranked lists (Webber, Moffat & Zobel, 2010).

    The extrapolated RBO (their eq. 32) for lists of lengths s <= l, with
    :math:`X_d` the number of items the two top-d prefixes share and
    :math:`A_d = X_d / d`:

    .. math::

        \mathrm{RBO}_{ext} = \frac{1-p}{p}\Bigl(\sum_{d=1}^{l} \frac{X_d}{d} p^d
            + \sum_{d=s+1}^{l} \frac{X_s (d-s)}{s\,d} p^d\Bigr)
            + \Bigl(\frac{X_l - X_s}{l} + \frac{X_s}{s}\Bigr) p^l

    1 for identical lists, 0 for disjoint ones; agreement at the top weighs most
    (with p = 0.9 the first 10 ranks carry about 86 % of the weight). Two empty lists
    count as identical (1), one empty list as disjoint (0).

    Parameters
    ----------
    a, b : sequence of sequences
        One ranked list of item ids per user, aligned by user. Lists must not repeat an
        item.
    p : float, default 0.9
        Persistence, 0 < p < 1.

    Returns
    -------
    numpy.ndarray, shape (n_users,)

    Examples
    --------
    >>> rank_biased_overlap([[1, 2, 3]], [[1, 2, 3]]).round(12)
    array([1.])
    >>> rank_biased_overlap([[1, 2]], [[2, 1]], p=0.5).round(4)
    array([0.5])
    """
    if not 0 < p < 1:
        raise ValueError("p must be between 0 and 1")
    if len(a) != len(b):
        raise ValueError("one list per user on both sides")
    if len(a) == 0:
        return np.zeros(0)
    width = max(max((len(x) for x in a), default=0), max((len(x) for x in b), default=0), 1)
    ea, eb = _encode(a, b, width)
    len_a, len_b = (ea >= 0).sum(axis=1), (eb >= 0).sum(axis=1)
    s, l = np.minimum(len_a, len_b), np.maximum(len_a, len_b)  # noqa: E741 (the paper's l)
    pos_b = _positions_in_other(ea, eb)
    # an item shared by both lists joins the overlap at depth max(rank in a, rank in b)
    depth = np.where(pos_b >= 0, np.maximum(np.arange(width)[None, :], pos_b) + 1, 0)
    n = ea.shape[0]
    joins = np.zeros((n, width + 1))
    np.add.at(joins, (np.repeat(np.arange(n), width), depth.ravel()), 1.0)
    overlap = np.cumsum(joins[:, 1:], axis=1)  # X_d for d = 1..width
    d = np.arange(1, width + 1, dtype=np.float64)
    weights = p**d
    rows = np.arange(n)
    in_l = d[None, :] <= l[:, None]
    x_s = np.where(s > 0, overlap[rows, np.maximum(s, 1) - 1], 0.0)
    x_l = np.where(l > 0, overlap[rows, np.maximum(l, 1) - 1], 0.0)
    first = (np.where(in_l, overlap / d, 0.0) * weights).sum(axis=1)
    tail_mask = in_l & (d[None, :] > s[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        tail_terms = x_s[:, None] * (d[None, :] - s[:, None]) / (s[:, None] * d[None, :])
        tail = (np.where(tail_mask, tail_terms, 0.0) * weights).sum(axis=1)
        last = ((x_l - x_s) / l + x_s / s) * p**l
    rbo = (1 - p) / p * (first + tail) + last
    rbo = np.where(s == 0, np.where(l == 0, 1.0, 0.0), rbo)
    return rbo


@dataclass
class Comparison:
    """Two models on the same users.

    Attributes
    ----------
    per_user : pandas.DataFrame
        Indexed by user: ``jaccard``, ``rbo``, ``segment``, and for each metric ``m`` the
        columns ``m_a``, ``m_b`` and ``m_delta`` (B - A).
    deltas : pandas.DataFrame
        Indexed by metric: ``mean_a, mean_b, delta, low, high`` (paired bootstrap interval
        of the mean difference), ``p_bootstrap``, ``p_wilcoxon``, ``effect`` (matched-pairs
        rank-biserial correlation, positive when B is better) and ``n`` (users with both).
    overlap : dict
        Mean ``jaccard`` and ``rbo`` over users, ``identical_share`` (lists equal in
        content and order) and ``n_users``.
    segments : pandas.DataFrame
        Per segment: ``n``, mean ``jaccard`` and ``rbo``, and mean ``*_delta`` of each
        metric, sorted by ``rbo`` (most changed first).
    names : tuple of str
        Labels of model A and model B.
    k : int
    info : dict
        ``n_boot``, ``seed``, ``rbo_p``, users only in A or only in B.
    """

    per_user: pd.DataFrame
    deltas: pd.DataFrame
    overlap: dict[str, float]
    segments: pd.DataFrame
    names: tuple[str, str]
    k: int
    info: dict[str, Any] = field(default_factory=dict)

    def most_changed(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` users whose lists changed most (lowest RBO, then lowest Jaccard)."""
        return self.per_user.sort_values(["rbo", "jaccard"], kind="stable").head(n)


def compare(
    result_a: EvaluationResult,
    result_b: EvaluationResult,
    *,
    metrics: Sequence[str] = PER_USER_METRICS,
    n_boot: int | None = None,
    seed: int | None = None,
    rbo_p: float = 0.9,
    names: tuple[str, str] | None = None,
) -> Comparison:
    """Compare two evaluation results over the users both scored.

    Parameters
    ----------
    result_a, result_b : EvaluationResult
        Results on the same split and k (model A is the reference: deltas are B - A).
    metrics : sequence of str
        Per-user metrics to compare (those with no value on either side are skipped).
    n_boot, seed : int, optional
        Bootstrap settings; default those of ``result_a``.
    rbo_p : float, default 0.9
        Persistence of the rank-biased overlap.
    names : (str, str), optional
        Labels; default the model class names (suffixed when equal).

    Returns
    -------
    Comparison
    """
    if result_a.k != result_b.k:
        raise ValueError(f"results use different k ({result_a.k} and {result_b.k})")
    k = result_a.k
    n_boot = int(result_a.info.get("n_boot", 1000) if n_boot is None else n_boot)
    seed = int(result_a.info.get("seed", 0) if seed is None else seed)
    if names is None:
        name_a = str(result_a.info.get("model", "A"))
        name_b = str(result_b.info.get("model", "B"))
        names = (name_a, name_b) if name_a != name_b else (f"{name_a} (A)", f"{name_b} (B)")

    users = result_a.per_user.index.intersection(result_b.per_user.index, sort=False)
    lists_a = [result_a.recommendations.get(u, []) for u in users]
    lists_b = [result_b.recommendations.get(u, []) for u in users]
    per_user = pd.DataFrame(index=users)
    per_user["jaccard"] = jaccard_at_k(lists_a, lists_b, k)
    per_user["rbo"] = rank_biased_overlap(lists_a, lists_b, p=rbo_p)
    per_user["segment"] = result_a.per_user.loc[users, "segment"].to_numpy()

    rows = {}
    compared = []
    for name in metrics:
        a = result_a.per_user.loc[users, name].to_numpy(dtype=np.float64)
        b = result_b.per_user.loc[users, name].to_numpy(dtype=np.float64)
        if np.all(np.isnan(a)) or np.all(np.isnan(b)):
            continue
        compared.append(name)
        per_user[f"{name}_a"], per_user[f"{name}_b"] = a, b
        per_user[f"{name}_delta"] = b - a
        paired = paired_bootstrap(a, b, n_boot=n_boot, seed=seed)
        test = wilcoxon_signed_rank(a, b)
        both = ~(np.isnan(a) | np.isnan(b))
        rows[name] = {
            "mean_a": float(a[both].mean()) if both.any() else np.nan,
            "mean_b": float(b[both].mean()) if both.any() else np.nan,
            "delta": paired.delta,
            "low": paired.low,
            "high": paired.high,
            "p_bootstrap": paired.p_value,
            "p_wilcoxon": test.p_value,
            "effect": test.effect,
            "n": paired.n,
        }
    deltas = pd.DataFrame.from_dict(rows, orient="index")
    deltas.index.name = "metric"

    identical = [list(x)[:k] == list(y)[:k] for x, y in zip(lists_a, lists_b, strict=True)]
    overlap = {
        "jaccard": float(per_user["jaccard"].mean()) if len(users) else np.nan,
        "rbo": float(per_user["rbo"].mean()) if len(users) else np.nan,
        "identical_share": float(np.mean(identical)) if identical else np.nan,
        "n_users": int(len(users)),
    }
    agg = {"n": ("rbo", "size"), "jaccard": ("jaccard", "mean"), "rbo": ("rbo", "mean")}
    agg.update({f"{m}_delta": (f"{m}_delta", "mean") for m in compared})
    segments = (
        per_user.groupby("segment", sort=True)
        .agg(**agg)
        .sort_values(["rbo", "jaccard"], kind="stable")
    )
    only_a = result_a.per_user.index.difference(result_b.per_user.index)
    only_b = result_b.per_user.index.difference(result_a.per_user.index)
    info = {
        "n_boot": n_boot,
        "seed": seed,
        "rbo_p": rbo_p,
        "n_only_a": int(len(only_a)),
        "n_only_b": int(len(only_b)),
    }
    return Comparison(per_user, deltas, overlap, segments, names, k, info)


def compare_models(model_a, model_b, split, k: int = 10, **evaluate_kwargs) -> Comparison:
    """Evaluate two models on the same split and compare them (B - A).

    ``evaluate_kwargs`` go to :func:`recommender.evaluate.evaluate` for both models
    (``catalog``, ``segments``, ``n_boot``, ``seed``, ``fit``...).
    """
    result_a = evaluate(model_a, split, k, **evaluate_kwargs)
    result_b = evaluate(model_b, split, k, **evaluate_kwargs)
    return compare(result_a, result_b)
