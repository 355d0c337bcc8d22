"""The catalog: which recipes may be recommended, their dietary labels, tags and titles.

Restriction rule (a hard constraint, whatever a model scores): a user with restrictions S
may only get items that are active, in the catalog, and whose labels contain every label
in S. Labels are compared after :func:`normalize_labels` ("Gluten-free" == "gluten_free").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.data import _id_array, _IdIndex

__all__ = ["Catalog", "normalize_labels"]


def _split_values(value: Any) -> list[str]:
    """A cell of a label/tag column as a list of strings (set, list, "a,b" or "a|b")."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in value.replace("|", ",").split(",") if part.strip()]
    if isinstance(value, float) and np.isnan(value):
        return []
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def normalize_labels(labels: Any) -> frozenset[str]:
    """Canonical label set: lower case, spaces and hyphens become underscores.

    >>> sorted(normalize_labels("Gluten-free, vegetarian"))
    ['gluten_free', 'vegetarian']
    """
    return frozenset(
        v.strip().lower().replace("-", "_").replace(" ", "_") for v in _split_values(labels)
    )


def _normalize_tags(tags: Any) -> frozenset[str]:
    return frozenset(v.strip().lower() for v in _split_values(tags))


class Catalog:
    """Recipes a model may recommend.

    Build it with :meth:`from_frame`.

    Attributes
    ----------
    item_ids : numpy.ndarray
        External item ids (int64 if all integers, else str), in frame order.
    titles : list of str
    labels : list of frozenset of str
        Dietary labels (normalised: ``"vegetarian"``, ``"nut_free"``, ``"gluten_free"``...).
    tags : list of frozenset of str
        Cuisine, course, season, holiday... (lower case).
    active : numpy.ndarray of bool
        Inactive items are never recommended.
    """

    def __init__(
        self,
        item_ids: np.ndarray,
        titles: Sequence[str],
        labels: Sequence[frozenset[str]],
        tags: Sequence[frozenset[str]],
        active: np.ndarray,
    ):
        self.item_ids = item_ids
        self.titles = list(titles)
        self.labels = list(labels)
        self.tags = list(tags)
        self.active = np.asarray(active, dtype=bool)
        self._index = _IdIndex(item_ids)
        self._label_columns: dict[str, np.ndarray] = {}
        for pos, item_labels in enumerate(self.labels):
            for label in item_labels:
                self._label_columns.setdefault(label, np.zeros(len(item_ids), dtype=bool))[pos] = (
                    True
                )

    @classmethod
    def from_frame(cls, df: pd.DataFrame, *, item_col: str = "item") -> Catalog:
        """Build from a frame with columns ``item, title, labels, tags, active``.

        Only ``item`` is required: ``title`` defaults to the id, ``labels`` and ``tags`` to
        empty (cells may be sets, lists or comma-separated strings), ``active`` to True.
        """
        if item_col not in df.columns:
            raise ValueError(f"catalog frame has no {item_col!r} column")
        ids = _id_array(df[item_col])
        n = len(df)
        titles = (
            df["title"].astype(str).tolist() if "title" in df.columns else [str(i) for i in ids]
        )
        labels = (
            [normalize_labels(v) for v in df["labels"]]
            if "labels" in df.columns
            else [frozenset()] * n
        )
        tags = (
            [_normalize_tags(v) for v in df["tags"]] if "tags" in df.columns else [frozenset()] * n
        )
        active = (
            df["active"].fillna(False).to_numpy(dtype=bool)
            if "active" in df.columns
            else np.ones(n, dtype=bool)
        )
        return cls(ids, titles, labels, tags, active)

    def __len__(self) -> int:
        return len(self.item_ids)

    def __contains__(self, item: Any) -> bool:
        return self._index.position(item) >= 0

    def __repr__(self) -> str:
        return f"Catalog({len(self)} items, {int(self.active.sum())} active)"

    def _position(self, item: Any) -> int:
        pos = self._index.position(item)
        if pos < 0:
            raise KeyError(item)
        return pos

    def title(self, item: Any, default: str | None = None) -> str:
        """Title of an item; ``default`` (or the id as text) if it is not in the catalog."""
        pos = self._index.position(item)
        if pos < 0:
            return str(item) if default is None else default
        return self.titles[pos]

    def labels_of(self, item: Any) -> frozenset[str]:
        return self.labels[self._position(item)]

    def tags_of(self, item: Any) -> frozenset[str]:
        return self.tags[self._position(item)]

    def is_active(self, item: Any) -> bool:
        pos = self._index.position(item)
        return bool(pos >= 0 and self.active[pos])

    def allows(self, item: Any, restrictions: Any = ()) -> bool:
        """True if ``item`` may be recommended to someone with these restrictions."""
        pos = self._index.position(item)
        return bool(
            pos >= 0 and self.active[pos] and normalize_labels(restrictions) <= self.labels[pos]
        )

    def allowed_mask(self, restrictions: Any = ()) -> np.ndarray:
        """Boolean mask over catalog items (frame order) allowed for these restrictions."""
        mask = self.active.copy()
        for label in normalize_labels(restrictions):
            column = self._label_columns.get(label)
            if column is None:
                return np.zeros(len(self), dtype=bool)
            mask &= column
        return mask

    def allowed_items(self, restrictions: Any = ()) -> list:
        """External ids of the items allowed for these restrictions."""
        return self.item_ids[self.allowed_mask(restrictions)].tolist()

    def _banned(self, item_ids: np.ndarray, restriction_sets: Sequence[Any]) -> np.ndarray:
        """Bool ``(len(restriction_sets), len(item_ids))``: True where an item is banned.

        An item of the model's vocabulary is banned for a restriction set if it is not in
        the catalog, is inactive, or lacks one of the required labels.
        """
        positions = self._index.positions(item_ids)
        known = positions >= 0
        banned = np.ones((len(restriction_sets), len(item_ids)), dtype=bool)
        for g, restrictions in enumerate(restriction_sets):
            allowed = self.allowed_mask(restrictions)
            banned[g, known] = ~allowed[positions[known]]
        return banned

    def tag_matrix(self, item_ids: Iterable | None = None) -> tuple[sp.csr_matrix, list[str]]:
        """One-hot tag matrix (items x tags, float32) and the tag names.

        Rows follow ``item_ids`` (default: catalog order); unknown items get empty rows.
        """
        names = sorted(set().union(*self.tags)) if self.tags else []
        column = {name: j for j, name in enumerate(names)}
        if item_ids is None:
            positions = np.arange(len(self))
        else:
            positions = self._index.positions(list(item_ids))
        rows, cols = [], []
        for r, pos in enumerate(positions):
            if pos >= 0:
                for tag in self.tags[pos]:
                    rows.append(r)
                    cols.append(column[tag])
        matrix = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(positions), len(names))
        )
        return matrix, names

    def to_frame(self) -> pd.DataFrame:
        """The catalog as a frame (labels and tags as sorted lists)."""
        return pd.DataFrame(
            {
                "item": self.item_ids,
                "title": self.titles,
                "labels": [sorted(v) for v in self.labels],
                "tags": [sorted(v) for v in self.tags],
                "active": self.active,
            }
        )
