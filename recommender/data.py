"""Interaction data: events -> weighted user x item matrix, and train/test splits.

The package owns the id vocabularies: external user and item ids go in, matrix rows and
columns stay inside :mod:`recommender`. Everything here works on plain pandas DataFrames
with one row per event (who, which recipe, what kind of event, when).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = [
    "EventWeights",
    "Interactions",
    "Split",
    "split_by_time",
    "split_last_n",
    "split_random",
    "to_utc",
]

#: Verb used in explanation sentences for each event type ("Because you saved ...").
EVENT_VERBS = {"view": "viewed", "save": "saved", "cook": "cooked", "rate": "rated"}
#: Event name given to rows of a frame without an event column.
GENERIC_EVENT = "interaction"


@dataclass(frozen=True)
class EventWeights:
    """How much each event type counts in the interaction matrix.

    A user's weight for an item is the sum of the weights of all their events on it
    (after time decay, if any). Event types with weight 0 are ignored; negative weights
    are not allowed.

    Parameters
    ----------
    view, save, cook, rate : float
        Weight of one event of that type. Defaults: view 1, save 3, cook 5, rate 4.
    extra : tuple of (str, float)
        Weights of further event types, e.g. ``(("share", 2.0),)``.

    Notes
    -----
    For value-based weights (a star rating as the weight, as in MovieLens) pass
    ``weight_col="rating"`` to :meth:`Interactions.from_frame`: the column's values are then
    the weights and the event table is not used.
    """

    view: float = 1.0
    save: float = 3.0
    cook: float = 5.0
    rate: float = 4.0
    extra: tuple[tuple[str, float], ...] = field(default=())

    def as_dict(self) -> dict[str, float]:
        """Event type -> weight, including ``extra``."""
        weights = {"view": self.view, "save": self.save, "cook": self.cook, "rate": self.rate}
        weights.update(dict(self.extra))
        for name, value in weights.items():
            if value < 0:
                raise ValueError(f"event weight for {name!r} is negative: {value}")
        return weights

    def of(self, events: Iterable[str]) -> np.ndarray:
        """Weights (float64) for a sequence of event type names.

        Raises
        ------
        ValueError
            If an event type has no weight.
        """
        table = self.as_dict()
        events = pd.Series(list(events) if not isinstance(events, pd.Series) else events)
        weights = events.map(table)
        unknown = sorted(set(events[weights.isna()].astype(str)))
        if unknown:
            raise ValueError(
                f"no weight for event type(s) {unknown}; known: {sorted(table)} "
                "(add them with EventWeights(extra=...))"
            )
        return weights.to_numpy(dtype=np.float64)


def to_utc(values: Any) -> Any:
    """Normalise timestamps to timezone-aware UTC pandas values.

    Numbers are read as Unix seconds, naive datetimes as UTC, aware ones are converted.
    Accepts a scalar (returns a ``pd.Timestamp``) or a Series/array (returns a Series).
    """
    if np.isscalar(values) or isinstance(values, pd.Timestamp | np.datetime64):
        if isinstance(values, int | float | np.integer | np.floating):
            return pd.Timestamp(values, unit="s", tz="UTC")
        ts = pd.Timestamp(values)
        return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return pd.to_datetime(series, unit="s", utc=True)
    return pd.to_datetime(series, utc=True)


def _id_array(values: Any) -> np.ndarray:
    """External ids as an int64 array if they are all integers, else a str array."""
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    if pd.api.types.is_integer_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=np.int64)
    return np.asarray(series.astype(str).to_numpy(), dtype=str)


class _IdIndex:
    """Vocabulary of external ids <-> positions (internal to the package)."""

    def __init__(self, ids: np.ndarray):
        self.ids = ids
        self._index = pd.Index(ids)
        if not self._index.is_unique:
            raise ValueError("id vocabulary has duplicates")

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, value: Any) -> int:
        """Position of one external id, -1 if unknown: a dict look-up for the common case
        (same type as the vocabulary), else the same coercions as :meth:`positions`."""
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            lookup = self._lookup = {v: i for i, v in enumerate(self.ids.tolist())}
        found = lookup.get(value) if isinstance(value, str | int) else None
        if found is not None:
            return found
        return int(self.positions([value])[0])

    def positions(self, values: Any) -> np.ndarray:
        """Positions (int64) of external ids; -1 for ids not in the vocabulary."""
        values = list(values) if not isinstance(values, np.ndarray | pd.Series) else values
        if len(values) == 0:
            return np.empty(0, dtype=np.int64)
        if self.ids.dtype.kind == "i" and getattr(values, "dtype", None) is not None:
            if np.issubdtype(values.dtype, np.integer):
                return self._index.get_indexer(np.asarray(values, dtype=np.int64)).astype(np.int64)
        if self.ids.dtype.kind == "U":
            if isinstance(values, np.ndarray) and values.dtype.kind == "U":
                return self._index.get_indexer(values).astype(np.int64)
        if self.ids.dtype.kind == "i":
            numeric = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
            whole = numeric.notna() & (numeric == numeric.round())
            out = np.full(len(values), -1, dtype=np.int64)
            if whole.any():
                found = self._index.get_indexer(numeric[whole].astype(np.int64).to_numpy())
                out[whole.to_numpy()] = found
            return out
        as_str = np.asarray(pd.Series(values, dtype=object).astype(str).to_numpy(), dtype=str)
        return self._index.get_indexer(as_str).astype(np.int64)


class Interactions:
    """A weighted user x item matrix with the vocabularies that name its rows and columns.

    Build it with :meth:`from_frame`. Rows are users, columns are items, values the summed
    event weights (float32, duplicates summed).

    Attributes
    ----------
    user_ids : numpy.ndarray
        External user ids in row order (int64 if all ids are integers, else str).
    item_ids : numpy.ndarray
        External item ids in column order.
    matrix : scipy.sparse.csr_matrix
        float32 weights, shape ``(len(user_ids), len(item_ids))``.
    frame : pandas.DataFrame
        The normalised events that built the matrix: ``user, item, event, weight, timestamp``
        (weight after time decay; timestamp UTC, ``NaT`` when the input had none).
    n_dropped : int
        Events left out: ids outside given ``users`` / ``items`` vocabularies, or weight 0.
    """

    def __init__(
        self,
        user_ids: np.ndarray,
        item_ids: np.ndarray,
        matrix: sp.csr_matrix,
        frame: pd.DataFrame,
        event_codes: sp.csr_matrix,
        event_names: np.ndarray,
        n_dropped: int = 0,
    ):
        self.user_ids = user_ids
        self.item_ids = item_ids
        self.matrix = matrix
        self.frame = frame
        self.n_dropped = n_dropped
        # strongest event type per (user, item), same sparsity as matrix, value = code + 1
        self._event_codes = event_codes
        self._event_names = event_names
        self._users = _IdIndex(user_ids)
        self._items = _IdIndex(item_ids)

    def __repr__(self) -> str:
        return (
            f"Interactions({len(self.user_ids)} users x {len(self.item_ids)} items, "
            f"{self.matrix.nnz} pairs from {len(self.frame)} events)"
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def fingerprint(self) -> str:
        """SHA-256 (hex) of the vocabularies and the matrix: same data, same fingerprint.

        For the record of a model version ("which data"); the event frame's order and the
        dropped rows do not enter it.
        """
        digest = hashlib.sha256()
        for array in (self.user_ids, self.item_ids):
            digest.update(array.dtype.str.encode())
            digest.update(np.ascontiguousarray(array).tobytes())
        for array in (self.matrix.indptr, self.matrix.indices, self.matrix.data):
            digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
        return digest.hexdigest()

    def history(self, user: Any) -> list:
        """External ids of the items a user interacted with (empty if unknown)."""
        row = self._users.position(user)
        if row < 0:
            return []
        cols = self.matrix.indices[self.matrix.indptr[row] : self.matrix.indptr[row + 1]]
        return self.item_ids[cols].tolist()

    def _user_rows(self, users: Any) -> np.ndarray:
        return self._users.positions(users)

    def _item_cols(self, items: Any) -> np.ndarray:
        return self._items.positions(items)

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        user_col: str = "user",
        item_col: str = "item",
        event_col: str = "event",
        time_col: str = "timestamp",
        weight_col: str | None = None,
        weights: EventWeights = EventWeights(),  # noqa: B008 (frozen, immutable)
        half_life_days: float | None = None,
        now: Any = None,
        users: Iterable | None = None,
        items: Iterable | None = None,
    ) -> Interactions:
        """Build the matrix from one row per event.

        Parameters
        ----------
        df : pandas.DataFrame
            Events. ``user_col`` and ``item_col`` are required; ``event_col`` (event type
            names, weighted by ``weights``) and ``time_col`` are optional.
        weight_col : str, optional
            Use this column's values as weights instead of the event table (value-based,
            e.g. a rating). Rows with weight <= 0 or missing are dropped.
        weights : EventWeights
            Weight per event type (view 1, save 3, cook 5, rate 4 by default).
        half_life_days : float, optional
            Time decay: an event ``d`` days older than ``now`` counts
            ``weight * 0.5 ** (d / half_life_days)``. Events after ``now`` count fully.
        now : timestamp-like, optional
            Reference time for the decay; default the latest event.
        users, items : iterable, optional
            Fixed vocabularies (e.g. all enrolled people, the whole catalog). Events outside
            them are dropped; ids without events get empty rows / columns. Default: the
            sorted distinct ids of ``df``.

        Returns
        -------
        Interactions
        """
        for col in (user_col, item_col):
            if col not in df.columns:
                raise ValueError(f"events frame has no {col!r} column")
        n_in = len(df)
        user = _id_array(df[user_col])
        item = _id_array(df[item_col])
        if weight_col is not None:
            if weight_col not in df.columns:
                raise ValueError(f"events frame has no {weight_col!r} column")
            weight = pd.to_numeric(df[weight_col], errors="coerce").to_numpy(dtype=np.float64)
        if event_col in df.columns:
            event = df[event_col].astype(str).to_numpy()
            if weight_col is None:
                weight = weights.of(event)
        else:
            event = np.full(n_in, GENERIC_EVENT)
            if weight_col is None:
                weight = np.ones(n_in)
        if time_col in df.columns:
            timestamp = to_utc(df[time_col]).reset_index(drop=True)
        else:
            timestamp = pd.Series(pd.NaT, index=range(n_in), dtype="datetime64[ns, UTC]")

        frame = pd.DataFrame(
            {"user": user, "item": item, "event": event, "weight": weight, "timestamp": timestamp}
        )
        base_weight = frame["weight"].to_numpy()
        if half_life_days is not None:
            if half_life_days <= 0:
                raise ValueError("half_life_days must be positive")
            if frame["timestamp"].isna().any():
                raise ValueError(f"time decay needs a timestamp on every event ({time_col!r})")
            ref = to_utc(now) if now is not None else frame["timestamp"].max()
            age_days = (ref - frame["timestamp"]).dt.total_seconds().to_numpy() / 86400.0
            frame["weight"] = base_weight * 0.5 ** (np.clip(age_days, 0, None) / half_life_days)

        user_ids = _id_array(pd.Series(list(users))) if users is not None else np.unique(user)
        item_ids = _id_array(pd.Series(list(items))) if items is not None else np.unique(item)
        user_index, item_index = _IdIndex(user_ids), _IdIndex(item_ids)
        rows = user_index.positions(frame["user"].to_numpy())
        cols = item_index.positions(frame["item"].to_numpy())
        keep = (rows >= 0) & (cols >= 0) & (frame["weight"].to_numpy() > 0)
        keep &= np.isfinite(frame["weight"].to_numpy())
        frame = frame[keep].reset_index(drop=True)
        rows, cols = rows[keep], cols[keep]

        event_names, event_code = np.unique(frame["event"].to_numpy(dtype=str), return_inverse=True)
        event_names = np.asarray(event_names, dtype=str)
        # one entry per (user, item): summed weight, and the event type of the strongest
        # (highest undecayed weight) event, which names the verb in explanations
        shape = (len(user_ids), len(item_ids))
        pair = rows * max(shape[1], 1) + cols
        order = np.lexsort((event_code, base_weight[keep], pair))
        sorted_pair = pair[order]
        weights_sorted = frame["weight"].to_numpy()[order]
        if len(order):
            starts = np.flatnonzero(np.r_[True, sorted_pair[1:] != sorted_pair[:-1]])
            ends = np.r_[starts[1:], len(order)] - 1
            summed = np.add.reduceat(weights_sorted, starts)
        else:
            starts = ends = order
            summed = weights_sorted
        r, c = np.divmod(sorted_pair[starts], max(shape[1], 1))
        matrix = sp.csr_matrix((np.asarray(summed, dtype=np.float32), (r, c)), shape=shape)
        codes = event_code[order][ends].astype(np.int16) + 1
        event_codes = sp.csr_matrix((codes, (r, c)), shape=shape)
        matrix.sort_indices()
        event_codes.sort_indices()
        return cls(
            user_ids,
            item_ids,
            matrix,
            frame,
            event_codes,
            event_names,
            n_dropped=int(n_in - keep.sum()),
        )


@dataclass(frozen=True)
class Split:
    """A train/test split of an events DataFrame.

    Attributes
    ----------
    train, test : pandas.DataFrame
        Rows of the input frame (same columns, original index).
    kind : str
        ``"time"``, ``"last_n"`` or ``"random"``.
    cutoff : pandas.Timestamp or None
        The cutoff of a temporal split (UTC): train is strictly before it, test at or after.
    params : dict
        The arguments that made the split (for the record of a model version).
    """

    train: pd.DataFrame
    test: pd.DataFrame
    kind: str
    cutoff: pd.Timestamp | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


def split_by_time(
    df: pd.DataFrame,
    cutoff: Any,
    *,
    time_col: str = "timestamp",
    test_days: float | None = None,
) -> Split:
    """Temporal split, the pilot default: train on the past, test on what came after.

    Parameters
    ----------
    df : pandas.DataFrame
        Events with a ``time_col`` column (datetimes, or numbers as Unix seconds).
    cutoff : timestamp-like
        Events strictly before it train; events at or after it test.
    test_days : float, optional
        Keep only test events within this many days after the cutoff (e.g. 28 for
        "the four weeks after").
    """
    cutoff = to_utc(cutoff)
    times = to_utc(df[time_col])
    before = (times < cutoff).to_numpy()
    after = ~before & times.notna().to_numpy()
    if test_days is not None:
        after &= (times < cutoff + pd.Timedelta(days=test_days)).to_numpy()
    return Split(
        train=df[before],
        test=df[after],
        kind="time",
        cutoff=cutoff,
        params={"cutoff": cutoff.isoformat(), "test_days": test_days},
    )


def split_last_n(
    df: pd.DataFrame, n: int, *, user_col: str = "user", time_col: str = "timestamp"
) -> Split:
    """Leave-last-n-out: each user's ``n`` latest events test, the rest train.

    Users with ``n`` events or fewer stay wholly in train (they would have no history).
    Ties in time keep the input order (a stable sort).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    times = to_utc(df[time_col]).to_numpy()
    order = pd.DataFrame({"u": df[user_col].to_numpy(), "t": times, "pos": np.arange(len(df))})
    order = order.sort_values(["u", "t", "pos"], kind="stable")
    from_end = order.groupby("u", sort=False).cumcount(ascending=False).to_numpy()
    sizes = order.groupby("u", sort=False)["pos"].transform("size").to_numpy()
    is_test = np.zeros(len(df), dtype=bool)
    is_test[order["pos"].to_numpy()] = (from_end < n) & (sizes > n)
    return Split(train=df[~is_test], test=df[is_test], kind="last_n", params={"n": n})


def split_random(df: pd.DataFrame, test_fraction: float, seed: int = 0) -> Split:
    """Random split of events (for comparison with the temporal one: it leaks the future)."""
    if not 0 < test_fraction < 1:
        raise ValueError("test_fraction must be between 0 and 1")
    rng = np.random.default_rng(seed)
    is_test = np.zeros(len(df), dtype=bool)
    n_test = int(round(test_fraction * len(df)))
    is_test[rng.choice(len(df), size=n_test, replace=False)] = True
    return Split(
        train=df[~is_test],
        test=df[is_test],
        kind="random",
        params={"test_fraction": test_fraction, "seed": seed},
    )
