"""Item-item nearest neighbours (cosine or BM25) through ``implicit``, scored with scipy."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender.data import Interactions
from recommender.models.base import _BLOCK_BYTES, _AdditiveExplanation, _SideFeatureModel
from recommender.topk import topk_from_scores

__all__ = ["ItemKNN"]

SIMILARITIES = ("cosine", "bm25")


class ItemKNN(_AdditiveExplanation, _SideFeatureModel):
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
        Keyword-only, as for :class:`~recommender.models.als.ALS`.

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
        **shared: Any,
    ):
        super().__init__(**shared)
        self.similarity = similarity
        self.neighbours = neighbours
        self.bm25_k1 = bm25_k1
        self.bm25_b = bm25_b
        self.num_threads = num_threads

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

    def _contribution_parts(
        self, row: int, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """History columns, their contributions (n_hist, m), feature columns, theirs."""
        history = self._history_rows(np.array([row]))
        columns, weights = history.indices, history.data
        contributions = weights[:, None] * self.similarity_[columns][:, cols].toarray()
        real = columns < len(self.item_ids_)
        return (
            columns[real],
            contributions[real],
            columns[~real] - len(self.item_ids_),
            contributions[~real],
        )

    def _score(self, row: int, col: int) -> float:
        column = self.similarity_[:, col].toarray()
        return (self._history_rows(np.array([row])) @ column).item()
