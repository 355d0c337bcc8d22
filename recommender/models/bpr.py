"""Bayesian personalised ranking (Rendle et al. 2009) through ``implicit``, scored with numpy."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender.data import Interactions
from recommender.models.base import _FactorScores, _SideFeatureModel, strongest

__all__ = ["BPR"]


class BPR(_FactorScores, _SideFeatureModel):
    """Matrix factorisation trained on pairwise rankings (positive beats unobserved item).

    Trained with ``implicit.cpu.bpr.BayesianPersonalizedRanking``: any non-zero weight is a
    positive, the weight's size is not used. Scores are ``x_u . y_j`` where the last factor
    column holds the item bias (the user side is 1).

    Explanations (reason ``bpr_similar``) name the history items whose factors are closest to
    the recommended item's (cosine, bias column left out). A BPR score has no exact split by
    history item, so the evidence shares are each item's part of the summed positive
    similarities of the evidence items, not parts of the score.

    Parameters
    ----------
    factors : int
        Latent dimensions (implicit adds one for the bias).
    learning_rate, regularization : float
        SGD step size and L2 penalty.
    iterations : int
        Epochs.
    random_state : int
        Seed.
    num_threads : int
        implicit's threads (0 = all cores; more than one makes training non-deterministic).
    user_features, item_features, feature_weight, segment_col, restrictions_col,
    min_group_users
        Keyword-only, as for :class:`~recommender.models.als.ALS`.

    Attributes
    ----------
    user_factors_ : ndarray (n_users, factors + 1), float32
    item_factors_ : ndarray (n_items, factors + 1), float32
    """

    reason_code = "bpr_similar"
    _saved = ("user_factors_", "item_factors_")

    def __init__(
        self,
        factors: int = 64,
        learning_rate: float = 0.01,
        regularization: float = 0.01,
        iterations: int = 100,
        random_state: int = 0,
        num_threads: int = 0,
        **shared: Any,
    ):
        super().__init__(**shared)
        self.factors = factors
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.iterations = iterations
        self.random_state = random_state
        self.num_threads = num_threads

    def _fit(self, interactions: Interactions, matrix: sp.csr_matrix) -> None:
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        n_users, n_items = self.user_items_.shape
        model = BayesianPersonalizedRanking(
            factors=self.factors,
            learning_rate=self.learning_rate,
            regularization=self.regularization,
            iterations=self.iterations,
            random_state=self.random_state,
            num_threads=self.num_threads,
        )
        model.fit(matrix, show_progress=False)
        self.user_factors_ = np.ascontiguousarray(model.user_factors[:n_users], dtype=np.float32)
        self.item_factors_ = np.ascontiguousarray(model.item_factors[:n_items], dtype=np.float32)

    def _index_vocabularies(self) -> None:
        super()._index_vocabularies()
        self._unit_items = None

    def _explain(self, rows, idx, scores):
        if self._unit_items is None:
            body = self.item_factors_[:, :-1].astype(np.float64)
            norms = np.linalg.norm(body, axis=1, keepdims=True)
            self._unit_items = body / np.where(norms > 0, norms, 1.0)
        ui = self.user_items_
        out = []
        for row, item_row in zip(rows, idx, strict=True):
            cols = item_row[item_row >= 0]
            hist = ui.indices[ui.indptr[row] : ui.indptr[row + 1]]
            similarity = self._unit_items[hist] @ self._unit_items[cols].T  # (n_hist, m)
            per_slot = []
            for j in range(cols.size):
                column = similarity[:, j]
                order = strongest(column)
                total = float(column[order].sum()) if order else 1.0
                per_slot.append([(int(hist[i]), float(column[i] / total)) for i in order])
            out.append(per_slot)
        return out
