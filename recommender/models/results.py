"""What a model returns: one recommendation, the lists of many users, a score's split.

:class:`Recommendations` holds the lists column-wise and builds a
:class:`Recommendation` only when one is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Recommendation:
    """One slot of a user's list.

    Attributes
    ----------
    item : external item id
    rank : int
        1 for the first slot.
    score : float
        The model's score (its scale depends on the model; for popularity reasons the share
        of the group's users who interacted with the item).
    reason_code : str
        Machine-readable reason (see the module docstring).
    reason : str
        A short sentence for people ("Because you saved Thai green curry and Pad thai").
    evidence : tuple of (key, number)
        For history reasons ``(item id, share)`` pairs, largest first; for popularity
        reasons ``(("users", n), ("group_size", m))``.
    """

    item: Any
    rank: int
    score: float
    reason_code: str
    reason: str
    evidence: tuple[tuple[Any, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (evidence as a list of ``[key, number]`` pairs)."""
        return {
            "item": self.item,
            "rank": self.rank,
            "score": self.score,
            "reason_code": self.reason_code,
            "reason": self.reason,
            "evidence": [list(pair) for pair in self.evidence],
        }


class Recommendations:
    """Lists for many users, in the order they were asked for.

    ``recs[user]`` gives a user's list (of :class:`Recommendation`), ``for user, items in
    recs`` walks them in order. Models fill it column-wise and the
    :class:`Recommendation` objects are only built when a list is looked at, so
    ``item_lists()`` and ``to_frame()`` stay cheap for many users.
    """

    def __init__(self, users: Sequence[Any], lists: Sequence[list[Recommendation]]):
        if len(users) != len(lists):
            raise ValueError("one list per user")
        self.users = list(users)
        self._lists: list[list[Recommendation] | None] = list(lists)
        self._columns: _Columns | None = None
        self._index_users()

    @classmethod
    def _from_columns(cls, users: list, columns: _Columns) -> Recommendations:
        recs = cls.__new__(cls)
        recs.users = users
        recs._lists = [None] * len(users)
        recs._columns = columns
        recs._index_users()
        return recs

    def _index_users(self) -> None:
        self._position: dict[Any, int] = {}
        for pos, user in enumerate(self.users):
            try:
                self._position.setdefault(user, pos)
            except TypeError:  # unhashable id: reachable by iteration only
                pass

    def _list(self, pos: int) -> list[Recommendation]:
        found = self._lists[pos]
        if found is None:
            found = self._lists[pos] = self._columns.materialize(pos)
        return found

    def __len__(self) -> int:
        return len(self.users)

    def __getitem__(self, user: Any) -> list[Recommendation]:
        return self._list(self._position[user])

    def __iter__(self) -> Iterator[tuple[Any, list[Recommendation]]]:
        return ((user, self._list(pos)) for pos, user in enumerate(self.users))

    def __repr__(self) -> str:
        return f"Recommendations({len(self)} users, {self._n_slots()} items)"

    def _n_slots(self) -> int:
        if self._columns is not None:
            return int(self._columns.lengths.sum())
        return sum(map(len, self._lists))

    def item_lists(self) -> list[list]:
        """External item ids per user, best first (for evaluation)."""
        if self._columns is not None:
            return self._columns.item_lists()
        return [[rec.item for rec in recs] for recs in self._lists]

    def to_frame(self, *, evidence: bool = False) -> pd.DataFrame:
        """One row per slot: ``user, rank, item, score, reason_code, reason`` (+ ``evidence``)."""
        columns = ["user", "rank", "item", "score", "reason_code", "reason"]
        if self._columns is not None and not evidence:
            return self._columns.frame(self.users, columns)
        rows = [
            (user, r.rank, r.item, r.score, r.reason_code, r.reason)
            + ((list(r.evidence),) if evidence else ())
            for user, recs in self
            for r in recs
        ]
        return pd.DataFrame(rows, columns=columns + (["evidence"] if evidence else []))


class _Columns:
    """Column-wise content of :class:`Recommendations` (internal).

    ``cols`` holds item columns of the model vocabulary (-1 padding), ``scores`` their
    scores; per user a reason code, a reason (one sentence for every slot, or one per slot),
    evidence per slot (or None) and, for popularity reasons, the group size.
    """

    def __init__(self, item_ids: np.ndarray, n: int, k: int):
        self.item_ids = item_ids
        self.cols = np.full((n, k), -1, dtype=np.int64)
        self.scores = np.full((n, k), -np.inf, dtype=np.float64)
        self.codes: list[str] = [""] * n
        self.reasons: list[str | list[str]] = [""] * n
        self.evidence: list[list[tuple] | None] = [None] * n
        self.group_size = np.full(n, -1, dtype=np.int64)

    @property
    def lengths(self) -> np.ndarray:
        return (self.cols >= 0).sum(axis=1)

    def _ids(self) -> np.ndarray:
        return self.item_ids[np.maximum(self.cols, 0)]

    def item_lists(self) -> list[list]:
        rows = self._ids().tolist()
        return [row[:n] for row, n in zip(rows, self.lengths.tolist(), strict=True)]

    def frame(self, users: list, columns: list[str]) -> pd.DataFrame:
        lengths = self.lengths
        mask = self.cols >= 0
        user_col = np.empty(len(users), dtype=object)
        user_col[:] = users
        flat_reasons = []
        for reason, n in zip(self.reasons, lengths.tolist(), strict=True):
            flat_reasons.extend([reason] * n if isinstance(reason, str) else reason[:n])
        ids = self._ids()[mask]
        return pd.DataFrame(
            {
                "user": np.repeat(user_col, lengths).tolist(),
                "rank": np.nonzero(mask)[1] + 1,
                "item": ids.tolist(),
                "score": self.scores[mask],
                "reason_code": np.repeat(np.asarray(self.codes, dtype=object), lengths).tolist(),
                "reason": flat_reasons,
            },
            columns=columns,
        )

    def materialize(self, pos: int) -> list[Recommendation]:
        n = int((self.cols[pos] >= 0).sum())
        ids = self.item_ids[self.cols[pos, :n]].tolist()
        scores = self.scores[pos, :n].tolist()
        reason = self.reasons[pos]
        evidence = self.evidence[pos]
        size = int(self.group_size[pos])
        out = []
        for slot in range(n):
            if size >= 0:
                proof = (("users", int(round(scores[slot] * size))), ("group_size", size))
            else:
                proof = tuple(evidence[slot]) if evidence is not None else ()
            out.append(
                Recommendation(
                    item=ids[slot],
                    rank=slot + 1,
                    score=scores[slot],
                    reason_code=self.codes[pos],
                    reason=reason if isinstance(reason, str) else reason[slot],
                    evidence=proof,
                )
            )
        return out


@dataclass(frozen=True)
class Contributions:
    """An additive explanation of one score: ``score == sum(items) + sum(features)``.

    Attributes
    ----------
    score : float
        The model's score for the (user, item) pair, as used for ranking.
    items : list of (item id, float)
        Contribution of each history item, largest first.
    features : list of (str, float)
        Contribution of each user side feature (``"diet=vegetarian"``), largest first.
    """

    score: float
    items: list[tuple[Any, float]]
    features: list[tuple[str, float]]

    @property
    def total(self) -> float:
        return float(sum(c for _, c in self.items) + sum(c for _, c in self.features))
