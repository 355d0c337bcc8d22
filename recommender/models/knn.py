"""Item-item nearest neighbours (cosine or BM25) through ``implicit``, scored with scipy."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender.data import Interactions
from recommender.models.base import _BLOCK_BYTES, N_EVIDENCE, Contributions, Recommender
from recommender.topk import topk_from_scores

__all__ = ["ItemKNN"]

SIMILARITIES = ("cosine", "bm25")


class ItemKNN(Recommender):
    """Recommend the items most similar to what a user interacted with.

    The item-item similarity ``S`` is implicit's (``CosineRecommender`` or
    ``BM25Recommender``, keeping each item's ``neighbours`` nearest items), learned on the
    (augmented) matrix in float64. The score of item ``j`` for user ``u`` is implicit's::

        s_uj = sum_i w_ui * S[i, j]

    over the user's history items ``i`` (and side-feature pseudo-items), so each history
    item's contribution ``w_ui * S[i, j]`` is exact and the explanation (reason
    ``knn_similar``) names the largest. Items with score 0 (no similar history item) are
    never recommended, so a list can be shorter than ``k``.

    Parameters
    ----------
    similarity : {"cosine", "bm25"}
    neighbours : int
        implicit's ``K``: neighbours kept per item.
    bm25_k1, bm25_b : float
        BM25 parameters (``similarity="bm25"`` only).
    num_threads : int
        implicit's threads (0 = all cores).
    user_features, item_features, feature_weight, segment_col, restrictions_col,
    min_group_users
        As for :class:`~recommender.models.als.ALS`.

    Attributes
    ----------
    similarity_ : scipy.sparse.csr_matrix (n_items + n_user_features, n_items), float64
        Rows: every column of the augmented matrix; columns: the real items.
    """

    reason_code = "knn_similar"
    _saved = ("similarity_",)

    def __init__(
        self,
        similarity: str = "cosine",
        neighbours: int = 20,
        bm25_k1: float = 1.2,
        bm25_b: float = 0.75,
        num_threads: int = 0,
        user_features: tuple[str, ...] = (),
        item_features: tuple[str, ...] = (),
        feature_weight: float = 1.0,
        segment_col: str = "segment",
        restrictions_col: str = "restrictions",
        min_group_users: int = 5,
    ):
        self.similarity = similarity
        self.neighbours = neighbours
        self.bm25_k1 = bm25_k1
        self.bm25_b = bm25_b
        self.num_threads = num_threads
        self.user_features = user_features
        self.item_features = item_features
        self.feature_weight = feature_weight
        self.segment_col = segment_col
        self.restrictions_col = restrictions_col
        self.min_group_users = min_group_users

    def _fit(self, interactions: Interactions, matrix: sp.csr_matrix) -> None:
        from implicit.nearest_neighbours import BM25Recommender, CosineRecommender
        from implicit.utils import ParameterWarning

        if self.similarity == "cosine":
            model = CosineRecommender(K=self.neighbours, num_threads=self.num_threads)
        elif self.similarity == "bm25":
            model = BM25Recommender(
                K=self.neighbours, K1=self.bm25_k1, B=self.bm25_b, num_threads=self.num_threads
            )
        else:
            raise ValueError(f"similarity must be one of {SIMILARITIES}, got {self.similarity!r}")
        with warnings.catch_warnings():
            # implicit's own normalisation hands its kernel a COO matrix and warns about it
            warnings.simplefilter("ignore", ParameterWarning)
            model.fit(matrix.astype(np.float64), show_progress=False)
        n_items = self.user_items_.shape[1]
        self.similarity_ = sp.csr_matrix(model.similarity.tocsc()[:, :n_items], dtype=np.float64)
        self.similarity_.sort_indices()

    def _history_rows(self, rows: np.ndarray) -> sp.csr_matrix:
        """Users' rows of the augmented matrix (history items, then side features)."""
        ui = self.user_items_[rows]
        if self.user_feature_matrix_.shape[1] == 0:
            return sp.csr_matrix(ui, dtype=np.float64)
        uf = self.user_feature_matrix_[rows] * float(self.feature_weight)
        return sp.hstack([ui, uf], format="csr", dtype=np.float64)

    def _topk(self, rows, k, exclude, banned, user_group):
        n_items = len(self.item_ids_)
        idx = np.full((rows.size, k), -1, dtype=np.int64)
        scores = np.full((rows.size, k), -np.inf, dtype=np.float64)
        block = max(1, _BLOCK_BYTES // max(8 * n_items, 1))
        for start in range(0, rows.size, block):
            stop = min(start + block, rows.size)
            dense = (self._history_rows(rows[start:stop]) @ self.similarity_).toarray()
            dense[dense == 0] = -np.inf
            idx[start:stop], scores[start:stop] = topk_from_scores(
                dense,
                k,
                exclude=exclude[start:stop],
                banned_rows=banned[user_group[start:stop]],
            )
        return idx, scores

    def _contribution_parts(self, row: int, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Augmented history columns of the user and their contributions (n_hist, m)."""
        history = self._history_rows(np.array([row]))
        hist, weights = history.indices, history.data
        similar = self.similarity_[hist][:, cols].toarray()
        return hist, weights[:, None] * similar

    def _explain(self, rows, idx, scores):
        n_items = len(self.item_ids_)
        out = []
        for row, item_row, score_row in zip(rows, idx, scores, strict=True):
            cols = item_row[item_row >= 0]
            hist, contrib = self._contribution_parts(int(row), cols)
            real = hist < n_items
            hist, contrib = hist[real], contrib[real]
            per_slot = []
            for j in range(cols.size):
                column = contrib[:, j]
                total = float(score_row[j]) or 1.0
                order = np.argsort(-column, kind="stable")[:N_EVIDENCE]
                per_slot.append(
                    [(int(hist[i]), float(column[i] / total)) for i in order if column[i] > 0]
                )
            out.append(per_slot)
        return out

    def contributions(self, user: Any, item: Any) -> Contributions:
        """Exact split of ``score(user, item)`` into ``w_ui * S[i, item]`` per history item.

        Raises
        ------
        KeyError
            If the user or the item is unknown to the model.
        """
        self._check_fitted()
        row = int(self._users.positions([user])[0])
        col = int(self._items.positions([item])[0])
        if row < 0 or col < 0:
            raise KeyError(user if row < 0 else item)
        hist, contrib = self._contribution_parts(row, np.array([col]))
        n_items = len(self.item_ids_)
        column = self.similarity_[:, col].toarray()
        score = (self._history_rows(np.array([row])) @ column).item()
        items, features = [], []
        for h, c in zip(hist, contrib[:, 0], strict=True):
            if h < n_items:
                items.append((self.item_ids_[h].item(), float(c)))
            else:
                features.append((str(self.user_feature_names_[h - n_items]), float(c)))
        return Contributions(
            score=score,
            items=sorted(items, key=lambda p: -p[1]),
            features=sorted(features, key=lambda p: -p[1]),
        )
