"""Popularity baselines: global, per segment, and trending (a recent window)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.data import Interactions
from recommender.models.base import Recommender
from recommender.models.sentences import group_sentence

__all__ = ["Popularity"]

MODES = ("global", "segment", "trending")


class Popularity(Recommender):
    """Recommend what most people interacted with; the same list for everyone in a group.

    The score of an item is the share of a group's users (with history) who interacted with
    it at least once: ``score_j = |{u in G : w_uj > 0}| / |G|``. Items nobody in the group
    touched are not recommended. Restrictions, exclusions and the catalog apply as for every
    model.

    Parameters
    ----------
    mode : {"global", "segment", "trending"}
        ``global``: G is everyone (reason ``popular_global``). ``segment``: G is the users
        with the same segment and restrictions, falling back to the same segment, the same
        restrictions, then everyone, whichever first has ``min_group_users`` users (reason
        ``popular_segment``, or ``popular_global`` after falling back to everyone).
        ``trending``: G is everyone, counting only events in the last ``window_days`` days
        before the latest training event (reason ``trending``).
    window_days : float
        Trending window.
    segment_col, restrictions_col : str
        Keyword-only. Columns of the ``user_features`` frame passed to ``fit`` that give
        each training user's segment and restrictions.
    min_group_users : int
        Keyword-only. Smallest group used in ``segment`` mode.

    Attributes
    ----------
    trending_counts_ : ndarray (n_items,), float64
        Distinct users per item within the window (``trending`` mode; zeros otherwise).
    trending_size_ : int
        Distinct users with an event within the window.
    trend_end_ : str
        ISO time of the latest training event (the end of the window), or "".
    """

    personalized = False
    _saved = ("trending_counts_", "trending_size_", "trend_end_")

    def __init__(
        self,
        mode: str = "global",
        window_days: float = 14.0,
        **shared: Any,
    ):
        super().__init__(**shared)
        self.mode = mode
        self.window_days = window_days

    @property
    def reason_code(self) -> str:  # type: ignore[override]
        return {"global": "popular_global", "segment": "popular_segment"}.get(self.mode, "trending")

    def _fit(self, interactions: Interactions, matrix: sp.csr_matrix) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        n_items = len(self.item_ids_)
        self.trending_counts_ = np.zeros(n_items, dtype=np.float64)
        self.trending_size_ = 0
        self.trend_end_ = ""
        frame = interactions.frame
        if self.mode != "trending" or frame.empty:
            return
        if frame["timestamp"].isna().all():
            raise ValueError("trending popularity needs event timestamps")
        end = frame["timestamp"].max()
        recent = frame[frame["timestamp"] > end - pd.Timedelta(days=self.window_days)]
        pairs = recent[["user", "item"]].drop_duplicates()
        cols = self._items.positions(pairs["item"].to_numpy())
        self.trending_counts_ = np.bincount(cols[cols >= 0], minlength=n_items).astype(np.float64)
        self.trending_size_ = int(pairs["user"].nunique())
        self.trend_end_ = end.isoformat()

    def _group_popularity(self, segment, restrictions):
        if self.mode == "trending":
            size = int(self.trending_size_)
            with np.errstate(divide="ignore", invalid="ignore"):
                shares = np.where(
                    self.trending_counts_ > 0, self.trending_counts_ / max(size, 1), -np.inf
                )
            return shares, size
        return super()._group_popularity(segment, restrictions)

    def _choose_group(self, segment, restrictions):
        if self.mode == "segment":
            return super()._choose_group(segment, restrictions)
        return None, None

    def _popular_reason(self, segment, restrictions):
        if self.mode == "trending":
            return "trending", f"Trending: popular in the last {self.window_days:g} days"
        if segment is None and restrictions is None:
            return "popular_global", group_sentence(None, None)
        return "popular_segment", group_sentence(segment, restrictions)
