"""Offline evaluation of one model on one split: per-user metrics and their uncertainty.

:func:`evaluate` fits a model on a split's train events, recommends for the test users
(items seen in train excluded) and scores the lists against the test events with the
definitions of :mod:`recommender.metrics`. Everything comes back per user (indexed by
external user id), so every mean has a bootstrap confidence interval over users, and the
same numbers can be cut by segment and by calendar month of the test period.

Protocol
--------
- **Relevant set** R_u: the items of user u's test events (optionally only some event
  types, ``relevant_events``), minus the items u already interacted with in train: those
  are excluded from recommendation, so counting them would only lower recall.
- **Users evaluated**: every test user with a non-empty R_u, including users unknown to
  the training data (they take the model's cold-start path; column ``cold``).
- **Months**: R_u restricted to the test events of one calendar month (UTC), scored
  against the same lists (made once, at the cutoff): does quality hold later in the test
  period, in another season?
- **Beyond accuracy**: novelty and ARP use the training users' interactions; catalog
  coverage and the Gini index count over the recommendable items (active catalog items
  with a catalog, else the items seen in train).
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender import metrics as M
from recommender.data import Interactions, Split, to_utc
from recommender.stats import bootstrap_ci

__all__ = ["EvaluationResult", "evaluate", "score_lists"]

#: Per-user metric columns, in display order.
PER_USER_METRICS = M.RANKING_METRICS + ("novelty", "arp", "ild")
NO_SEGMENT = "(no segment)"


@dataclass
class EvaluationResult:
    """What :func:`evaluate` found.

    Attributes
    ----------
    k : int
    per_user : pandas.DataFrame
        Indexed by external user id (``user``): the ranking metrics of
        :data:`recommender.metrics.RANKING_METRICS`, ``novelty``, ``arp``, ``ild`` (NaN
        without item tags), ``n_relevant``, ``n_recommended``, ``cold`` (unknown to
        train) and ``segment``.
    summary : pandas.DataFrame
        Indexed by metric: ``estimate`` (mean over users), ``low``, ``high`` (bootstrap
        interval over users), ``n`` (users with a value).
    segments : pandas.DataFrame or None
        Long format: ``segment, metric, estimate, low, high, n``.
    months : pandas.DataFrame or None
        Long format: ``month`` ("2026-06"), ``metric, estimate, low, high, n``.
    beyond : dict
        Whole-list numbers: ``catalog_coverage``, ``coverage_personalize`` (Amazon
        Personalize's denominator: every item in the interactions and catalog),
        ``personalization``, ``gini_exposure``, ``novelty``, ``arp``, ``ild``.
    conventions : dict
        ``{convention: {metric: value}}``: the ranking metrics under implicit's,
        Microsoft Recommenders' and Amazon Personalize's definitions, to reconcile a
        number from another tool.
    recommendations : dict
        External user id -> list of recommended external item ids (best first).
    info : dict
        Model class and parameters, split kind and cutoff, k, n_boot, seed, counts and
        timings (``fit_seconds``, ``recommend_seconds``, ``score_seconds``).
    """

    k: int
    per_user: pd.DataFrame
    summary: pd.DataFrame
    segments: pd.DataFrame | None
    months: pd.DataFrame | None
    beyond: dict[str, float]
    conventions: dict[str, dict[str, float]]
    recommendations: dict[Any, list]
    info: dict[str, Any] = field(default_factory=dict)

    def metric(self, name: str) -> float:
        """Mean of one metric over users (``summary.loc[name, "estimate"]``)."""
        return float(self.summary.loc[name, "estimate"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready numbers (no per-user rows): what a ModelVersion stores."""

        def records(frame: pd.DataFrame | None) -> list[dict] | None:
            if frame is None:
                return None
            return [
                {key: _plain(value) for key, value in row.items()}
                for row in frame.to_dict(orient="records")
            ]

        return {
            "k": self.k,
            "summary": {
                name: {key: _plain(value) for key, value in row.items()}
                for name, row in self.summary.to_dict(orient="index").items()
            },
            "segments": records(self.segments),
            "months": records(self.months),
            "beyond": {key: _plain(value) for key, value in self.beyond.items()},
            "conventions": {
                conv: {key: _plain(value) for key, value in values.items()}
                for conv, values in self.conventions.items()
            },
            "info": {key: _plain(value) for key, value in self.info.items()},
        }


def _plain(value: Any) -> Any:
    """Python scalar for JSON (NaN becomes None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def evaluate(
    model,
    split: Split,
    k: int = 10,
    *,
    catalog=None,
    segments: Mapping[Any, Any] | None = None,
    restrictions: Mapping[Any, Iterable[str]] | None = None,
    months: bool = True,
    n_boot: int = 1000,
    seed: int = 0,
    fit: bool = True,
    relevant_events: Iterable[str] | None = None,
    interactions_kwargs: Mapping[str, Any] | None = None,
    fit_kwargs: Mapping[str, Any] | None = None,
) -> EvaluationResult:
    """Fit (unless ``fit=False``), recommend for the test users and score the lists.

    Parameters
    ----------
    model : recommender model
        Anything with ``fit(interactions) -> self`` and ``recommend(users, k, *,
        exclude_seen=True, catalog=None, restrictions=None, segments=None)`` returning
        :class:`~recommender.models.results.Recommendations`.
    split : Split
        ``train`` and ``test`` frames of events with columns ``user, item`` and
        optionally ``event, timestamp`` (:mod:`recommender.data`).
    k : int, default 10
    catalog : Catalog, optional
        Passed to the model (what may be recommended); its active items are the
        denominator of catalog coverage and its tags give intra-list diversity.
    segments : mapping user -> segment, optional
        For the per-segment breakdown (and passed to the model for cold start).
    restrictions : mapping user -> set of dietary labels, optional
        Passed to the model (hard constraints), as in the pilot.
    months : bool, default True
        Also score each calendar month of the test period separately (needs timestamps).
    n_boot, seed : int
        Bootstrap resamples and seed for every interval (same seed: same intervals).
    fit : bool, default True
        ``False`` evaluates an already fitted model (e.g. a saved model version).
    relevant_events : iterable of str, optional
        Only test events of these types are relevant (default: every test event).
    interactions_kwargs : mapping, optional
        Passed to :meth:`Interactions.from_frame` for the training matrix (e.g.
        ``weight_col="rating"`` or event weights).
    fit_kwargs : mapping, optional
        Passed to ``model.fit`` (e.g. ``user_features=``).

    Returns
    -------
    EvaluationResult
    """
    k = int(k)
    if k < 1:
        raise ValueError("k must be at least 1")
    train = Interactions.from_frame(split.train, **dict(interactions_kwargs or {}))
    timings: dict[str, float] = {}
    if fit:
        start = time.perf_counter()
        model.fit(train, **dict(fit_kwargs or {}))
        timings["fit_seconds"] = time.perf_counter() - start

    test = _test_events(split.test, relevant_events)
    seen = _pairs(split.train)
    test = test[~_pairs(test).isin(seen)]
    users = pd.unique(test["user"])
    train_users = set(pd.unique(split.train["user"]).tolist())

    start = time.perf_counter()
    recs = _recommend(model, users, k, catalog, restrictions, segments)
    timings["recommend_seconds"] = time.perf_counter() - start

    start = time.perf_counter()
    result = score_lists(
        recs,
        test,
        train,
        k,
        catalog=catalog,
        segments=segments,
        months=months,
        n_boot=n_boot,
        seed=seed,
        cold={u: u not in train_users for u in users},
    )
    timings["score_seconds"] = time.perf_counter() - start
    result.info.update(
        {
            "model": type(model).__name__,
            "params": _params(model),
            "split": split.kind,
            "cutoff": split.cutoff.isoformat() if split.cutoff is not None else None,
            "n_train_events": len(split.train),
            "n_test_events": len(split.test),
            **timings,
        }
    )
    return result


def _params(model) -> dict[str, Any]:
    get = getattr(model, "get_params", None)
    return dict(get()) if callable(get) else {}


def _test_events(test: pd.DataFrame, relevant_events: Iterable[str] | None) -> pd.DataFrame:
    for col in ("user", "item"):
        if col not in test.columns:
            raise ValueError(f"test events have no {col!r} column")
    if relevant_events is not None:
        if "event" not in test.columns:
            raise ValueError("relevant_events needs an 'event' column in the test events")
        test = test[test["event"].astype(str).isin(set(relevant_events))]
    return test


def _pairs(frame: pd.DataFrame) -> pd.Index:
    return pd.MultiIndex.from_arrays([frame["user"].to_numpy(), frame["item"].to_numpy()])


def _recommend(model, users, k, catalog, restrictions, segments) -> dict[Any, list]:
    kwargs: dict[str, Any] = {"exclude_seen": True, "catalog": catalog}
    if restrictions is not None:
        kwargs["restrictions"] = restrictions
    if segments is not None:
        kwargs["segments"] = segments
    if "explain" in inspect.signature(model.recommend).parameters:
        kwargs["explain"] = False  # evaluation needs the items, not the sentences
    recs = model.recommend(list(users), k, **kwargs)
    return {
        user: list(items)[:k] for user, items in zip(recs.users, recs.item_lists(), strict=True)
    }


def score_lists(
    recommendations: Mapping[Any, list],
    test: pd.DataFrame,
    train: Interactions,
    k: int,
    *,
    catalog=None,
    segments: Mapping[Any, Any] | None = None,
    months: bool = True,
    n_boot: int = 1000,
    seed: int = 0,
    cold: Mapping[Any, bool] | None = None,
) -> EvaluationResult:
    """Score given lists against test events (the scoring half of :func:`evaluate`).

    Use it to score lists that did not come from a model object (a pilot batch, another
    tool's output). ``test`` must already hold only relevant events not seen in train;
    every user with at least one test event is scored (a user without a list gets an
    empty one).

    Parameters
    ----------
    recommendations : mapping user -> list of item ids
    test : pandas.DataFrame
        Relevant events: ``user, item`` (``timestamp`` for months).
    train : Interactions
        Training interactions (popularity for novelty and ARP; recommendable items
        when there is no catalog).
    k, catalog, segments, months, n_boot, seed
        As in :func:`evaluate`.
    cold : mapping user -> bool, optional
        Whether each user was unknown to the training data.

    Returns
    -------
    EvaluationResult
    """
    users = pd.Index(pd.unique(test["user"]), name="user")
    lists = [list(recommendations.get(u, []))[:k] for u in users]
    vocab = pd.Index(
        pd.unique(
            np.concatenate(
                [
                    np.asarray(train.item_ids, dtype=object),
                    test["item"].to_numpy(dtype=object),
                    np.asarray([i for lst in lists for i in lst], dtype=object),
                    np.asarray(catalog.item_ids if catalog is not None else [], dtype=object),
                ]
            )
        )
    )
    rec = _as_matrix(lists, vocab, k)
    relevant = _relevance(test, users, vocab)

    # popularity among training users, over the evaluation vocabulary
    item_users = np.zeros(len(vocab))
    train_cols = vocab.get_indexer(np.asarray(train.item_ids, dtype=object))
    item_users[train_cols] = np.diff((train.matrix > 0).tocsc().indptr)
    n_train_users = max(int((np.diff(train.matrix.indptr) > 0).sum()), 1)

    per_user = pd.DataFrame(M.ranking_metrics(rec, relevant, k, per_user=True), index=users)
    per_user["novelty"] = M.novelty(rec, item_users, n_train_users, per_user=True)
    per_user["arp"] = M.average_recommendation_popularity(
        rec, item_users / n_train_users, per_user=True
    )
    tags = _tag_matrix(catalog, vocab)
    per_user["ild"] = (
        M.intra_list_diversity(rec, tags, per_user=True) if tags is not None else np.nan
    )
    per_user["n_relevant"] = np.diff(relevant.indptr)
    per_user["n_recommended"] = (rec >= 0).sum(axis=1)
    per_user["cold"] = [bool(cold.get(u, False)) if cold else False for u in users]
    per_user["segment"] = [
        _segment_label(segments.get(u)) if segments is not None else NO_SEGMENT for u in users
    ]

    summary = _summary(per_user, PER_USER_METRICS, n_boot, seed)
    segment_table = None
    if segments is not None:
        segment_table = _grouped(per_user, per_user["segment"], "segment", n_boot, seed)
    month_table = None
    if months and "timestamp" in test.columns and test["timestamp"].notna().any():
        month_table = _months(test, users, vocab, rec, k, n_boot, seed)

    recommendable = _recommendable(catalog, train, vocab)
    rec_in_universe = np.where(rec >= 0, recommendable[np.maximum(rec, 0)], -1)
    universe_size = int((recommendable >= 0).sum())
    beyond = {
        "catalog_coverage": M.catalog_coverage(rec_in_universe, max(universe_size, 1)),
        "coverage_personalize": M.catalog_coverage(rec, len(vocab)),
        "personalization": M.personalization(rec, k),
        "gini_exposure": M.gini_exposure(rec_in_universe, max(universe_size, 1)),
        "novelty": float(summary.loc["novelty", "estimate"]),
        "arp": float(summary.loc["arp", "estimate"]),
        "ild": float(summary.loc["ild", "estimate"]),
    }
    conventions = {
        conv: M.ranking_metrics(rec, relevant, k, convention=conv) for conv in M.CONVENTIONS
    }
    info = {
        "k": k,
        "n_boot": n_boot,
        "seed": seed,
        "n_users": len(users),
        "n_cold_users": int(per_user["cold"].sum()),
        "n_items": len(vocab),
        "n_recommendable": universe_size,
    }
    return EvaluationResult(
        k=k,
        per_user=per_user,
        summary=summary,
        segments=segment_table,
        months=month_table,
        beyond=beyond,
        conventions=conventions,
        recommendations=dict(zip(users, lists, strict=True)),
        info=info,
    )


def _segment_label(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == "":
        return NO_SEGMENT
    return str(value)


def _as_matrix(lists: list[list], vocab: pd.Index, k: int) -> np.ndarray:
    rec = np.full((len(lists), k), -1, dtype=np.int64)
    lengths = np.array([len(lst) for lst in lists], dtype=np.int64)
    if lengths.sum():
        flat = np.asarray([i for lst in lists for i in lst], dtype=object)
        rows = np.repeat(np.arange(len(lists)), lengths)
        cols = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        rec[rows, cols] = vocab.get_indexer(flat)
    return rec


def _relevance(test: pd.DataFrame, users: pd.Index, vocab: pd.Index) -> sp.csr_matrix:
    rows = users.get_indexer(test["user"].to_numpy(dtype=object))
    cols = vocab.get_indexer(test["item"].to_numpy(dtype=object))
    keep = (rows >= 0) & (cols >= 0)
    matrix = sp.csr_matrix(
        (np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(len(users), len(vocab))
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _tag_matrix(catalog, vocab: pd.Index) -> sp.csr_matrix | None:
    if catalog is None or not hasattr(catalog, "tag_matrix"):
        return None
    tags, names = catalog.tag_matrix(vocab.tolist())
    return tags if names else None


def _recommendable(catalog, train: Interactions, vocab: pd.Index) -> np.ndarray:
    """Position in the recommendable universe of each vocabulary item, or -1."""
    if catalog is not None:
        ids = np.asarray(catalog.item_ids, dtype=object)[np.asarray(catalog.active, dtype=bool)]
    else:
        ids = np.asarray(train.item_ids, dtype=object)
    universe = pd.Index(pd.unique(ids))
    return universe.get_indexer(vocab.to_numpy(dtype=object)).astype(np.int64)


def _summary(per_user: pd.DataFrame, names: Iterable[str], n_boot: int, seed: int) -> pd.DataFrame:
    rows = {}
    for name in names:
        ci = bootstrap_ci(per_user[name].to_numpy(dtype=np.float64), n_boot=n_boot, seed=seed)
        rows[name] = {"estimate": ci.estimate, "low": ci.low, "high": ci.high, "n": ci.n}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "metric"
    return frame


def _grouped(per_user, keys, label, n_boot, seed, names=PER_USER_METRICS) -> pd.DataFrame:
    parts = []
    for key, group in per_user.groupby(keys, sort=True):
        table = _summary(group, names, n_boot, seed).reset_index()
        table.insert(0, label, key)
        parts.append(table)
    columns = [label, "metric", "estimate", "low", "high", "n"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _months(test, users, vocab, rec, k, n_boot, seed) -> pd.DataFrame:
    stamps = to_utc(test["timestamp"]).reset_index(drop=True)
    month = stamps.dt.tz_convert("UTC").dt.strftime("%Y-%m").to_numpy()
    parts = []
    for key in sorted(set(month[~pd.isna(month)].tolist())):
        subset = test.iloc[np.flatnonzero(month == key)]
        relevant = _relevance(subset, users, vocab)
        per = pd.DataFrame(M.ranking_metrics(rec, relevant, k, per_user=True), index=users)
        table = _summary(per, M.RANKING_METRICS, n_boot, seed).reset_index()
        table.insert(0, "month", key)
        parts.append(table)
    columns = ["month", "metric", "estimate", "low", "high", "n"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
