"""Implicit-feedback ALS (Hu, Koren & Volinsky 2008) through ``implicit``, scored with numpy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender.data import Interactions
from recommender.models.base import N_EVIDENCE, Contributions, Recommender
from recommender.topk import topk_dot

__all__ = ["ALS"]


class ALS(Recommender):
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
    user_features, item_features : tuple of str
        Side-feature columns folded into the matrix (:mod:`recommender.models.features`).
    feature_weight : float
        Weight of a side-feature entry.
    segment_col, restrictions_col : str
        Columns of the ``user_features`` frame that group users for cold-start popularity.
    min_group_users : int
        Smallest group (users with history) whose popularity is used for cold start.

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
        user_features: tuple[str, ...] = (),
        item_features: tuple[str, ...] = (),
        feature_weight: float = 1.0,
        segment_col: str = "segment",
        restrictions_col: str = "restrictions",
        min_group_users: int = 5,
    ):
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.use_cg = use_cg
        self.random_state = random_state
        self.num_threads = num_threads
        self.user_features = user_features
        self.item_features = item_features
        self.feature_weight = feature_weight
        self.segment_col = segment_col
        self.restrictions_col = restrictions_col
        self.min_group_users = min_group_users

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

    def _topk(self, rows, k, exclude, banned, user_group):
        return topk_dot(
            self.user_factors_[rows],
            self.item_factors_,
            k,
            exclude=exclude,
            banned=banned,
            user_group=user_group,
        )

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

    def _explain(self, rows, idx, scores):
        out = []
        for row, item_row, score_row in zip(rows, idx, scores, strict=True):
            cols = item_row[item_row >= 0]
            if cols.size == 0:
                out.append([])
                continue
            hist, contrib, _, feat_contrib = self._contribution_parts(int(row), cols)
            per_slot = []
            for j in range(cols.size):
                column = contrib[:, j]
                total = float(score_row[j])
                if total <= 0:
                    total = float(np.abs(column).sum() + np.abs(feat_contrib[:, j]).sum()) or 1.0
                order = np.argsort(-column, kind="stable")[:N_EVIDENCE]
                per_slot.append(
                    [(int(hist[i]), float(column[i] / total)) for i in order if column[i] > 0]
                )
            out.append(per_slot)
        return out

    def contributions(self, user: Any, item: Any) -> Contributions:
        """Additive explanation of ``score(user, item)`` (implicit's ``explain``).

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
        hist, contrib, feats, feat_contrib = self._contribution_parts(row, [col])
        score = float(self.user_factors_[row] @ self.item_factors_[col])
        items = sorted(
            (
                (self.item_ids_[h].item(), float(c))
                for h, c in zip(hist, contrib[:, 0], strict=True)
            ),
            key=lambda pair: -pair[1],
        )
        features = sorted(
            (
                (str(self.user_feature_names_[f]), float(c))
                for f, c in zip(feats, feat_contrib[:, 0], strict=True)
            ),
            key=lambda pair: -pair[1],
        )
        return Contributions(score=score, items=items, features=features)
