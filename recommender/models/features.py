"""Side features folded into the interaction matrix ("what if we add one column?").

A user feature column (``diet``, ``household_size``, ``region``...) becomes one pseudo-item
per distinct value (``"region=north"``): a user with that value gets an entry of weight
``feature_weight`` in that column. An item feature column (``cuisine``, ``season``...)
becomes one pseudo-user per value with entries on the items that have it. The models train
on the augmented matrix::

    [ user_items        user_feature_matrix * w ]     rows: real users, then pseudo-users
    [ item_features * w          0              ]     cols: real items, then pseudo-items

and then keep only the real rows and columns for recommending, so pseudo-items are never
recommended and pseudo-users never asked for. Values are categories (compared as text);
cells holding a list or set give one entry per element; missing values give none. Bin a
numeric column yourself if its values should not each be their own category.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.catalog import normalize_labels
from recommender.data import _IdIndex

__all__ = ["augment", "encode_features", "group_keys"]


def _as_text(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _cell_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, set | frozenset | list | tuple | np.ndarray):
        return [_as_text(v) for v in value]
    if pd.isna(value):
        return []
    return [_as_text(value)]


def encode_features(
    frame: pd.DataFrame | None,
    id_col: str,
    columns: Sequence[str],
    vocabulary: _IdIndex,
    kind: str,
) -> tuple[sp.csr_matrix, np.ndarray]:
    """One-hot encode the named feature columns for the ids of ``vocabulary``.

    Returns a ``(len(vocabulary), n_features)`` float32 CSR matrix of ones and the feature
    names ``"column=value"`` (str array, sorted). Ids of ``frame`` outside the vocabulary are
    ignored; ids without a row get no features.
    """
    columns = tuple(columns)
    n = len(vocabulary)
    if not columns:
        return sp.csr_matrix((n, 0), dtype=np.float32), np.array([], dtype=str)
    if frame is None:
        raise ValueError(
            f"the model was built with {kind}_features={columns!r} but fit() got no "
            f"{kind}_features frame"
        )
    missing = [c for c in (id_col, *columns) if c not in frame.columns]
    if missing:
        raise ValueError(f"{kind}_features frame has no column(s) {missing}")
    positions = vocabulary.positions(frame[id_col].to_numpy())
    rows: list[int] = []
    names: list[str] = []
    for column in columns:
        for pos, value in zip(positions, frame[column].tolist(), strict=True):
            if pos < 0:
                continue
            for text in _cell_values(value):
                rows.append(int(pos))
                names.append(f"{column}={text}")
    feature_names, cols = np.unique(np.asarray(names, dtype=str), return_inverse=True)
    matrix = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (np.asarray(rows, dtype=np.int64), cols)),
        shape=(n, len(feature_names)),
    )
    matrix.data[:] = 1.0  # the same value listed twice is still one feature
    matrix.sort_indices()
    return matrix, np.asarray(feature_names, dtype=str)


def group_keys(
    frame: pd.DataFrame | None,
    vocabulary: _IdIndex,
    segment_col: str | None,
    restrictions_col: str | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-user segment and restriction keys (str arrays, ``""`` when unknown).

    Read from the ``segment_col`` and ``restrictions_col`` columns of the user features frame
    when present; used to find "people like you" for cold-start popularity. The restriction
    key is the sorted, normalised labels joined by commas.
    """
    n = len(vocabulary)
    segment = np.full(n, "", dtype=object)
    restrictions = np.full(n, "", dtype=object)
    if frame is not None and "user" in frame.columns:
        positions = vocabulary.positions(frame["user"].to_numpy())
        known = positions >= 0
        if segment_col and segment_col in frame.columns:
            values = frame[segment_col].tolist()
            for pos, value, ok in zip(positions, values, known, strict=True):
                if ok and _cell_values(value):
                    segment[pos] = _as_text(value)
        if restrictions_col and restrictions_col in frame.columns:
            values = frame[restrictions_col].tolist()
            for pos, value, ok in zip(positions, values, known, strict=True):
                if ok:
                    restrictions[pos] = restriction_key(value)
    return np.asarray(segment, dtype=str), np.asarray(restrictions, dtype=str)


def restriction_key(restrictions: Any) -> str:
    """Canonical text key of a restriction set: sorted normalised labels joined by commas."""
    if restrictions is None or (isinstance(restrictions, float) and np.isnan(restrictions)):
        return ""
    return ",".join(sorted(normalize_labels(restrictions)))


def augment(
    user_items: sp.csr_matrix,
    user_feature_matrix: sp.csr_matrix,
    item_feature_matrix: sp.csr_matrix,
    weight: float,
) -> sp.csr_matrix:
    """The augmented training matrix (see the module docstring); float32 CSR."""
    n_users, n_items = user_items.shape
    n_user_features = user_feature_matrix.shape[1]
    n_item_features = item_feature_matrix.shape[0]
    if n_user_features == 0 and n_item_features == 0:
        return user_items.astype(np.float32).tocsr()
    top = sp.hstack([user_items, user_feature_matrix * weight], format="csr")
    bottom = sp.hstack(
        [item_feature_matrix * weight, sp.csr_matrix((n_item_features, n_user_features))],
        format="csr",
    )
    matrix = sp.vstack([top, bottom], format="csr").astype(np.float32)
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix
