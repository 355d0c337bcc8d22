"""The recipes a fitted model holds closest to one recipe ("what does it think X is like?").

:func:`similar_items` answers with external ids, never row numbers:

- ALS and BPR: cosine similarity of the items' latent factors (``item_factors_``; BPR's
  last column is the item bias, left out as in its explanations),
  ``sim(i, j) = <q_i, q_j> / (|q_i| |q_j|)``.
- ItemKNN: the fitted item-item similarity (``similarity_``), column ``i``: the weight with
  which each other item ``j`` in a history adds to the score of ``i``.
- Popularity: no neighbours; it scores items by how many people touched them, never by
  likeness, and :attr:`Neighbours.reason` says so.

An item the model never saw in training is not an error either: ``known`` is False and the
reason says it is not in the version's training data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Neighbours", "similar_items"]


@dataclass
class Neighbours:
    """The answer of :func:`similar_items`.

    Attributes
    ----------
    item : external id asked about
    known : bool
        The item is in the model's training vocabulary.
    method : str
        ``"factor cosine"``, ``"item-item similarity"`` or ``"none"``.
    items : list of (external id, similarity)
        Most similar first, at most ``n``, the item itself left out; similarities of 0 or
        below are left out for ItemKNN (no link at all).
    reason : str
        Why ``items`` is empty, when it is.
    """

    item: Any
    known: bool
    method: str
    items: list[tuple[Any, float]] = field(default_factory=list)
    reason: str = ""


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = rows.astype(np.float64)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def _factors(model) -> np.ndarray | None:
    factors = getattr(model, "item_factors_", None)
    if factors is None:
        return None
    if type(model).__name__ == "BPR":
        return factors[:, :-1]  # implicit's BPR keeps the item bias in the last column
    return factors


def similar_items(model, item: Any, n: int = 10) -> Neighbours:
    """The ``n`` items most similar to ``item`` according to the fitted ``model``.

    Parameters
    ----------
    model : a fitted :class:`recommender.models.Recommender`
    item : external item id
    n : int
        How many neighbours at most.

    Returns
    -------
    Neighbours
    """
    model._check_fitted()
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    n = int(n)
    factors = _factors(model)
    similarity = getattr(model, "similarity_", None)
    if factors is None and similarity is None:
        return Neighbours(
            item,
            model._items.position(item) >= 0,
            "none",
            reason=(
                f"{type(model).__name__} ranks recipes by how many people interacted with "
                "them; it has no notion of similar recipes."
            ),
        )
    col = model._items.position(item)
    method = "factor cosine" if factors is not None else "item-item similarity"
    if col < 0:
        return Neighbours(
            item, False, method, reason="Not in this version's training data: it has no neighbours."
        )
    n_items = len(model.item_ids_)
    if factors is not None:
        unit = _unit(np.asarray(factors[:n_items]))
        scores = unit @ unit[col]
    else:
        scores = similarity[:n_items, col].toarray().ravel().astype(np.float64)
        scores[scores <= 0] = -np.inf
    scores[col] = -np.inf
    order = np.argsort(-scores, kind="stable")[:n]
    items = [(model.item_ids_[j].item(), float(scores[j])) for j in order if np.isfinite(scores[j])]
    reason = "" if items else "No other recipe shares a person with it in the training data."
    return Neighbours(item, True, method, items, reason)
