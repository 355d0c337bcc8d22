"""Implicit-feedback ALS (Hu, Koren & Volinsky 2008) through ``implicit``, scored with numpy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender.data import Interactions
from recommender.models.base import _AdditiveExplanation, _FactorScores, _SideFeatureModel

__all__ = ["ALS"]


class ALS(_AdditiveExplanation, _FactorScores, _SideFeatureModel):
    """Alternating least squares matrix factorisation with additive explanations.

    Trained with ``implicit.cpu.als.AlternatingLeastSquares`` on the (augmented) weight
    matrix, whose values are the confidences ``c_ui = alpha * w_ui``. After training, every
    user's factors are solved once more, exactly, against the final item factors::

        x_u = (Y^T C_u Y + lambda I)^{-1} Y^T C_u p_u

    so the score ``s_uj = x_u . y_j`` splits exactly into one contribution per history item
    ``i`` (implicit's ``explain``): ``c_ui * y_j^T (Y^T C_u Y + lambda I)^{-1} y_i``.
    The factors are stored in the model (``.npz``) and scored with numpy.

    Parameters
    ----------
    factors : int
        Latent dimensions.
    regularization : float
        lambda above.
    alpha : float
        Confidence scale applied to the weights.
    iterations : int
        ALS sweeps.
    use_cg : bool
        Conjugate-gradient solver during training (faster); the final user solve is exact.
    random_state : int
        Seed of the initial factors.
    num_threads : int
        implicit's threads (0 = all cores). BLAS is limited to one thread during fit.
    user_features, item_features, feature_weight, segment_col, restrictions_col,
    min_group_users
        Keyword-only: side features folded into the matrix and cold-start groups, shared by
        the personalised models (``recommender.models.base._SideFeatureModel``).

    Attributes
    ----------
    user_factors_ : ndarray (n_users, factors), float32
    item_factors_ : ndarray (n_items, factors), float32
    feature_item_factors_ : ndarray (n_user_features, factors), float32
        Factors of the user side-feature pseudo-items (used by explanations only).
    """

    reason_code = "als_history"
    _saved = ("user_factors_", "item_factors_", "feature_item_factors_")

    def __init__(
        self,
        factors: int = 64,
        regularization: float = 0.01,
        alpha: float = 1.0,
        iterations: int = 15,
        use_cg: bool = True,
        random_state: int = 0,
        num_threads: int = 0,
        **shared: Any,
    ):
        super().__init__(**shared)
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.use_cg = use_cg
        self.random_state = random_state
        self.num_threads = num_threads

    def _fit(self, interactions: Interactions, matrix: sp.csr_matrix) -> None:
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        n_users, n_items = self.user_items_.shape
        with threadpool_limits(1, "blas"):
            model = AlternatingLeastSquares(
                factors=self.factors,
                regularization=self.regularization,
                alpha=self.alpha,
                iterations=self.iterations,
                use_cg=self.use_cg,
                random_state=self.random_state,
                num_threads=self.num_threads,
                calculate_training_loss=False,
            )
            model.fit(matrix, show_progress=False)
            user_factors = model.recalculate_user(np.arange(n_users), matrix[:n_users])
        self.user_factors_ = np.ascontiguousarray(user_factors, dtype=np.float32)
        self.item_factors_ = np.ascontiguousarray(model.item_factors[:n_items], dtype=np.float32)
        self.feature_item_factors_ = np.ascontiguousarray(
            model.item_factors[n_items:], dtype=np.float32
        )

    def _index_vocabularies(self) -> None:
        super()._index_vocabularies()
        self._yty = None

    def _contribution_parts(
        self, row: int, cols: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """History columns, their contributions (n_hist, m), feature columns, theirs."""
        if self._yty is None:
            every = np.vstack([self.item_factors_, self.feature_item_factors_]).astype(np.float64)
            self._yty = every.T @ every
        ui, uf = self.user_items_, self.user_feature_matrix_
        hist = ui.indices[ui.indptr[row] : ui.indptr[row + 1]]
        weights = ui.data[ui.indptr[row] : ui.indptr[row + 1]].astype(np.float64)
        feats = uf.indices[uf.indptr[row] : uf.indptr[row + 1]]
        feat_weights = uf.data[uf.indptr[row] : uf.indptr[row + 1]] * float(self.feature_weight)
        factors = np.vstack([self.item_factors_[hist], self.feature_item_factors_[feats]])
        factors = factors.astype(np.float64)
        confidence = self.alpha * np.concatenate([weights, feat_weights.astype(np.float64)])
        keep = confidence != 0
        a = self._yty + self.regularization * np.eye(self._yty.shape[0])
        a += (factors[keep].T * (confidence[keep] - 1.0)) @ factors[keep]
        targets = self.item_factors_[np.asarray(cols, dtype=np.int64)].astype(np.float64)
        solved = np.linalg.solve(a, targets.T)  # (factors, m)
        contributions = confidence[:, None] * (factors @ solved)
        return hist, contributions[: hist.size], feats, contributions[hist.size :]
