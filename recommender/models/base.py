"""The interface every recommender shares, and what it returns.

A model stores its parameters in ``__init__`` (no work there), learns in
``fit(interactions)`` (returns ``self``; learned state ends with ``_``) and answers
``recommend(users, k, ...)`` for many users at once with external item ids, scores and a
reason per slot. This module holds what is the same for all models: id vocabularies,
exclusions, dietary restrictions as hard constraints, the cold-start path, explanations and
``.npz`` save/load. What a model returns lives in :mod:`recommender.models.results`; the
popularity sentences in :mod:`recommender.models.sentences`.

Reason codes
------------
``als_history``
    ALS: the history items whose contributions to the score (implicit's ``explain``) are
    largest; evidence ``(item, share of the score)``.
``knn_similar``
    ItemKNN: the history items most similar to the recommended one; evidence
    ``(item, share of the score)`` (the score is the sum of weight x similarity).
``bpr_similar``
    BPR: the history items whose factors are closest (cosine) to the recommended item;
    evidence ``(item, share of the summed positive similarities)``. BPR scores have no
    additive decomposition, so this explains by resemblance, not by contribution.
``popular_global``, ``popular_segment``, ``trending``
    Popularity model; evidence ``(("users", n), ("group_size", m))``.
``cold_start_popular``
    A personalised model asked about a user it does not know or who has no history: the
    items most popular among training users with the same segment and restrictions
    (falling back to the same segment, the same restrictions, then everyone, whichever
    first has ``min_group_users`` users with history). Same evidence as popularity. The
    sentence names the group ("Popular with people who eat vegetarian"); when the user's
    restrictions filtered the list but did not choose the group, it says so ("Popular with
    everyone; nut-free and vegetarian recipes only"), as for the popularity codes.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recommender.catalog import Catalog, normalize_labels
from recommender.data import EVENT_VERBS, Interactions, _IdIndex
from recommender.models.features import augment, encode_features, group_keys, restriction_key
from recommender.models.results import Contributions, Recommendation, Recommendations, _Columns
from recommender.models.sentences import _join, filtered_sentence, group_sentence
from recommender.serialize import read_npz, write_npz
from recommender.topk import topk_dot, topk_from_scores

__all__ = ["Contributions", "Recommendation", "Recommendations", "Recommender", "load"]

#: Number of evidence items kept per recommendation, and named in the sentence.
N_EVIDENCE = 3
N_NAMED = 2
#: Bytes of dense scores held at once when a model scores blocks of users.
_BLOCK_BYTES = 32 * 2**20

#: Keyword parameters that group training users for cold-start popularity (every model):
#: name -> (default, annotation).
GROUP_PARAMS: dict[str, tuple[Any, str]] = {
    "segment_col": ("segment", "str"),
    "restrictions_col": ("restrictions", "str"),
    "min_group_users": (5, "int"),
}
#: Keyword parameters of the side features folded into the matrix (personalised models).
FEATURE_PARAMS: dict[str, tuple[Any, str]] = {
    "user_features": ((), "tuple[str, ...]"),
    "item_features": ((), "tuple[str, ...]"),
    "feature_weight": (1.0, "float"),
}


class Recommender:
    """Base class: vocabularies, filters, cold start, explanations, save/load.

    Subclasses define ``__init__`` with their own parameters as keywords (stored unchanged)
    and ``**shared``, passed on to ``super().__init__(**shared)``, which stores the shared
    parameters of ``_shared_params`` (defaults filled in; unknown names raise
    ``TypeError``). The shared parameters are added to the subclass's ``__init__``
    signature as keyword-only parameters, so ``inspect.signature``, ``help()``,
    :meth:`get_params` and :func:`load` see every parameter. Subclasses also define
    ``_fit(interactions, matrix)`` and, when personalised, ``_topk`` and ``_explain``.

    Parameters
    ----------
    segment_col, restrictions_col : str
        Columns of the ``user_features`` frame passed to ``fit`` that give each training
        user's segment and restrictions (cold-start groups, see the module docstring).
    min_group_users : int
        Smallest group (users with history) whose popularity is used for cold start.
    """

    #: Personalised models send users without history to the cold-start path.
    personalized: ClassVar[bool] = True
    reason_code: ClassVar[str] = ""
    #: Names of the fitted attributes saved by :meth:`save` beyond the common ones.
    _saved: ClassVar[tuple[str, ...]] = ()
    _common_saved: ClassVar[tuple[str, ...]] = (
        "user_ids_",
        "item_ids_",
        "user_items_",
        "event_codes_",
        "event_names_",
        "user_segment_",
        "user_restrictions_",
        "user_feature_names_",
        "user_feature_matrix_",
        "item_feature_names_",
        "item_feature_matrix_",
        "data_fingerprint_",
    )
    _registry: ClassVar[dict[str, type[Recommender]]] = {}
    #: Keyword parameters every instance takes beyond its class's own: name -> (default,
    #: annotation), in the order :meth:`get_params` lists them after the class's own.
    _shared_params: ClassVar[dict[str, tuple[Any, str]]] = GROUP_PARAMS

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            Recommender._registry[cls.__name__] = cls
        init = cls.__dict__.get("__init__")
        if init is not None:
            own = [
                p
                for p in inspect.signature(init).parameters.values()
                if p.kind is not inspect.Parameter.VAR_KEYWORD
            ]
            shared = [
                inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a)
                for name, (d, a) in cls._shared_params.items()
            ]
            init.__signature__ = inspect.Signature(own + shared)

    def __init__(self, **shared: Any):
        unknown = sorted(set(shared) - set(self._shared_params))
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword argument(s) {unknown}")
        for name, (default, _) in self._shared_params.items():
            setattr(self, name, shared.get(name, default))

    # ------------------------------------------------------------------ parameters
    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [name for name in signature.parameters if name != "self"]

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters (what a ModelVersion records)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"

    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "user_ids_")

    def _check_fitted(self) -> None:
        if not self.is_fitted:
            raise RuntimeError(f"{type(self).__name__} is not fitted: call fit() first")

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        interactions: Interactions,
        *,
        user_features: pd.DataFrame | None = None,
        item_features: pd.DataFrame | None = None,
    ) -> Recommender:
        """Learn from an :class:`~recommender.data.Interactions` matrix.

        Parameters
        ----------
        interactions : Interactions
        user_features : pandas.DataFrame, optional
            One row per user (column ``user``) with the side-feature columns named by the
            model's ``user_features`` parameter, and optionally the ``segment_col`` and
            ``restrictions_col`` columns used to group users for cold-start popularity.
        item_features : pandas.DataFrame, optional
            One row per item (column ``item``) with the columns named by ``item_features``.

        Returns
        -------
        self
        """
        if not isinstance(interactions, Interactions):
            raise TypeError("fit() takes an Interactions object (Interactions.from_frame)")
        users = _IdIndex(interactions.user_ids)
        items = _IdIndex(interactions.item_ids)
        self.user_ids_ = interactions.user_ids.copy()
        self.item_ids_ = interactions.item_ids.copy()
        self.user_items_ = sp.csr_matrix(interactions.matrix, dtype=np.float32, copy=True)
        self.event_codes_ = interactions._event_codes.copy()
        self.event_names_ = interactions._event_names.copy()
        self.data_fingerprint_ = interactions.fingerprint()
        self.user_segment_, self.user_restrictions_ = group_keys(
            user_features,
            users,
            getattr(self, "segment_col", None),
            getattr(self, "restrictions_col", None),
        )
        user_columns = tuple(getattr(self, "user_features", ()) or ())
        item_columns = tuple(getattr(self, "item_features", ()) or ())
        self.user_feature_matrix_, self.user_feature_names_ = encode_features(
            user_features, "user", user_columns, users, "user"
        )
        item_matrix, self.item_feature_names_ = encode_features(
            item_features, "item", item_columns, items, "item"
        )
        self.item_feature_matrix_ = item_matrix.T.tocsr()
        self._index_vocabularies()
        self._fit(interactions, self._augmented())
        return self

    def _fit(self, interactions: Interactions, matrix: sp.csr_matrix) -> None:
        raise NotImplementedError

    def _augmented(self) -> sp.csr_matrix:
        return augment(
            self.user_items_,
            self.user_feature_matrix_,
            self.item_feature_matrix_,
            float(getattr(self, "feature_weight", 1.0)),
        )

    def _index_vocabularies(self) -> None:
        self._users = _IdIndex(self.user_ids_)
        self._items = _IdIndex(self.item_ids_)
        self._history_sizes = np.diff(self.user_items_.indptr)
        self._group_cache: dict[tuple[str | None, str | None], tuple[np.ndarray, int]] = {}

    # ------------------------------------------------------------------ recommending
    def recommend(
        self,
        users: Iterable[Any],
        k: int = 10,
        *,
        catalog: Catalog | None = None,
        exclude_seen: bool = True,
        exclude: Mapping[Any, Iterable[Any]] | None = None,
        restrictions: Mapping[Any, Iterable[str]] | None = None,
        segments: Mapping[Any, Any] | None = None,
        explain: bool = True,
    ) -> Recommendations:
        """Top-``k`` lists for many users in one call.

        Parameters
        ----------
        users : iterable of external user ids
            Known or unknown; unknown users and users without history take the cold-start
            path (personalised models). Never raises for an unknown id.
        k : int
            Length of each list. Lists are shorter when fewer than ``k`` items qualify.
        catalog : Catalog, optional
            What may be recommended: with a catalog, items outside it and inactive items
            are never returned, and titles are used in the reason sentences. Required when
            ``restrictions`` are given.
        exclude_seen : bool
            Leave out the items a user interacted with in the training data.
        exclude : mapping user -> iterable of item ids, optional
            Further items to leave out per user (e.g. recommended in earlier weeks).
            Unknown item ids are ignored.
        restrictions : mapping user -> set of labels, optional
            Hard dietary constraint: a user with restrictions S only gets items whose
            catalog labels contain all of S.
        segments : mapping user -> segment key, optional
            Segment of each user (e.g. region) for cold-start and per-segment popularity;
            for users not in the mapping the segment seen in ``fit`` is used.
        explain : bool
            Compute evidence and sentences. With ``False`` the reason code is still set,
            ``reason`` is empty for history reasons and ``evidence`` is empty (faster, for
            offline evaluation of many users).

        Returns
        -------
        Recommendations
        """
        self._check_fitted()
        if isinstance(k, bool) or int(k) != k or k < 0:
            raise ValueError(f"k must be a non-negative integer, got {k!r}")
        k = int(k)
        users = list(users)
        n = len(users)
        n_items = len(self.item_ids_)
        rows = self._users.positions(users) if n else np.empty(0, dtype=np.int64)

        restriction_keys = [
            restriction_key(restrictions.get(u, ())) if restrictions else "" for u in users
        ]
        if catalog is None and any(restriction_keys):
            raise ValueError("restrictions need a catalog to check the items' labels")
        distinct = sorted(set(restriction_keys))
        group_of = {key: g for g, key in enumerate(distinct)}
        user_group = np.array([group_of[key] for key in restriction_keys], dtype=np.int64)
        if catalog is not None:
            banned = catalog._banned(self.item_ids_, [normalize_labels(key) for key in distinct])
        else:
            banned = np.zeros((len(distinct), n_items), dtype=bool)
        excluded = self._exclusions(rows, users, exclude_seen, exclude)

        user_segments = [
            self._segment_of(u, row, segments) for u, row in zip(users, rows, strict=True)
        ]
        has_history = (rows >= 0) & (self._history_sizes[np.maximum(rows, 0)] > 0)
        warm = has_history if self.personalized else np.zeros(n, dtype=bool)

        out = _Columns(self.item_ids_, n, k)
        warm_pos = np.flatnonzero(warm)
        if warm_pos.size:
            idx, scores = self._topk(
                rows[warm_pos], k, excluded[warm_pos], banned, user_group[warm_pos]
            )
            out.cols[warm_pos], out.scores[warm_pos] = idx, scores
            why = self._explain(rows[warm_pos], idx, scores) if explain else None
            for j, p in enumerate(warm_pos.tolist()):
                out.codes[p] = self.reason_code
                if why is not None:
                    evidence = [pairs[:N_EVIDENCE] for pairs in why[j]]
                    out.evidence[p] = [
                        tuple((self.item_ids_[c].item(), float(x)) for c, x in pairs)
                        for pairs in evidence
                    ]
                    verbs = self._verbs(int(rows[p]))
                    out.reasons[p] = [
                        self._history_sentence([c for c, _ in pairs], verbs, catalog)
                        for pairs in evidence
                    ]
        cold_pos = np.flatnonzero(~warm)
        if cold_pos.size:
            self._popular_columns(
                cold_pos,
                [user_segments[p] for p in cold_pos],
                [restriction_keys[p] for p in cold_pos],
                k,
                excluded[cold_pos],
                banned,
                user_group[cold_pos],
                out,
            )
        return Recommendations._from_columns(users, out)

    def _segment_of(self, user: Any, row: int, segments: Mapping[Any, Any] | None) -> str | None:
        if segments is not None and user in segments and segments[user] is not None:
            text = str(segments[user])
            return text or None
        if row >= 0 and self.user_segment_[row]:
            return str(self.user_segment_[row])
        return None

    def _exclusions(
        self,
        rows: np.ndarray,
        users: list,
        exclude_seen: bool,
        exclude: Mapping[Any, Iterable[Any]] | None,
    ) -> sp.csr_matrix:
        n, n_items = len(users), len(self.item_ids_)
        excluded = sp.csr_matrix((n, n_items), dtype=np.float32)
        if exclude_seen and n:
            known = (rows >= 0).astype(np.float32)
            seen = self.user_items_[np.maximum(rows, 0)]
            excluded = excluded + sp.diags(known) @ (seen > 0).astype(np.float32)
        if exclude:
            r: list[int] = []
            c: list[np.ndarray] = []
            for pos, user in enumerate(users):
                items = exclude.get(user)
                if items:
                    cols = self._items.positions(list(items))
                    cols = cols[cols >= 0]
                    r.extend([pos] * cols.size)
                    c.append(cols)
            if r:
                extra = sp.csr_matrix(
                    (np.ones(len(r), dtype=np.float32), (np.asarray(r), np.concatenate(c))),
                    shape=(n, n_items),
                )
                excluded = excluded + extra
        excluded = sp.csr_matrix(excluded)
        excluded.eliminate_zeros()
        return excluded

    # -- personalised part (subclasses)
    def _topk(
        self,
        rows: np.ndarray,
        k: int,
        exclude: sp.csr_matrix,
        banned: np.ndarray,
        user_group: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Item columns (padded -1) and scores (padded -inf) for known users with history."""
        raise NotImplementedError

    def _explain(
        self, rows: np.ndarray, idx: np.ndarray, scores: np.ndarray
    ) -> list[list[list[tuple[int, float]]]]:
        """Per user, per slot: evidence as (item column, share), largest first."""
        raise NotImplementedError

    def _verbs(self, row: int) -> dict[int, str]:
        start, stop = self.event_codes_.indptr[row], self.event_codes_.indptr[row + 1]
        cols = self.event_codes_.indices[start:stop]
        codes = self.event_codes_.data[start:stop]
        names = self.event_names_
        return {
            int(c): EVENT_VERBS.get(str(names[int(code) - 1]), "liked")
            for c, code in zip(cols, codes, strict=True)
        }

    def _history_sentence(
        self, cols: list[int], verbs: Mapping[int, str], catalog: Catalog | None
    ) -> str:
        named = cols[:N_NAMED]
        if not named:
            return "Recommended from your history"

        def title(c: int) -> str:
            item = self.item_ids_[c].item()
            return catalog.title(item) if catalog is not None else str(item)

        parts: list[tuple[str, list[str]]] = []
        for c in named:
            verb = verbs.get(c, "liked")
            if parts and parts[-1][0] == verb:
                parts[-1][1].append(title(c))
            else:
                parts.append((verb, [title(c)]))
        return "Because you " + " and ".join(f"{verb} {_join(ts)}" for verb, ts in parts)

    # -- popularity / cold start
    def _group_popularity(
        self, segment: str | None, restrictions: str | None
    ) -> tuple[np.ndarray, int] | None:
        """Share of the group's users (with history) who interacted with each item.

        Returns ``(shares float64 with -inf for 0, group size)``, or None if the group has
        fewer than ``min_group_users`` users (at least 1 for everyone).
        """
        key = (segment, restrictions)
        if key not in self._group_cache:
            mask = self._history_sizes > 0
            if segment is not None:
                mask &= self.user_segment_ == segment
            if restrictions is not None:
                mask &= self.user_restrictions_ == restrictions
            size = int(mask.sum())
            counts = np.asarray(
                (self.user_items_[np.flatnonzero(mask)] > 0).sum(axis=0), dtype=np.float64
            ).ravel()
            with np.errstate(divide="ignore", invalid="ignore"):
                shares = np.where(counts > 0, counts / max(size, 1), -np.inf)
            self._group_cache[key] = (shares, size)
        shares, size = self._group_cache[key]
        needed = 1 if key == (None, None) else int(getattr(self, "min_group_users", 1))
        return (shares, size) if size >= needed else None

    def _choose_group(
        self, segment: str | None, restrictions: str
    ) -> tuple[str | None, str | None]:
        """First group with enough users: segment+diet, segment, diet, everyone."""
        restrictions = restrictions or None
        for seg, diet in [(segment, restrictions), (segment, None), (None, restrictions)]:
            if (seg is not None or diet is not None) and self._group_popularity(seg, diet):
                return seg, diet
        return None, None

    def _popular_reason(self, segment: str | None, restrictions: str | None) -> tuple[str, str]:
        code = "cold_start_popular" if self.personalized else self.reason_code
        return code, group_sentence(segment, restrictions)

    def _popular_columns(
        self,
        positions: np.ndarray,
        segments: list[str | None],
        restrictions: list[str],
        k: int,
        excluded: sp.csr_matrix,
        banned: np.ndarray,
        user_group: np.ndarray,
        out: _Columns,
    ) -> None:
        keys = [self._choose_group(s, r) for s, r in zip(segments, restrictions, strict=True)]
        distinct = sorted(set(keys), key=lambda key: (key[0] or "", key[1] or ""))
        key_index = {key: g for g, key in enumerate(distinct)}
        vectors, sizes, reasons = [], [], []
        for key in distinct:
            found = self._group_popularity(*key)
            shares, size = found if found is not None else (None, 0)
            vectors.append(shares if shares is not None else np.full(len(self.item_ids_), -np.inf))
            sizes.append(size)
            reasons.append(self._popular_reason(*key))
        user_key = np.array([key_index[key] for key in keys], dtype=np.int64)
        rows_per_block = max(1, _BLOCK_BYTES // max(8 * len(self.item_ids_), 1))
        for start in range(0, len(positions), rows_per_block):
            stop = min(start + rows_per_block, len(positions))
            block = positions[start:stop]
            block_keys = user_key[start:stop]
            out.cols[block], out.scores[block] = topk_from_scores(
                np.stack([vectors[g] for g in block_keys]),
                k,
                exclude=excluded[start:stop],
                banned_rows=banned[user_group[start:stop]],
            )
            out.group_size[block] = [sizes[g] for g in block_keys]
            for i, (p, g) in enumerate(zip(block.tolist(), block_keys.tolist(), strict=True)):
                code, sentence = reasons[g]
                out.codes[p] = code
                out.reasons[p] = filtered_sentence(
                    sentence, restrictions[start + i], distinct[g][1]
                )

    # ------------------------------------------------------------------ save / load
    def save(self, path: Any) -> None:
        """Write the fitted model to ``path`` as ``.npz`` (no pickles)."""
        self._check_fitted()
        names = self._common_saved + self._saved
        arrays = {
            name: getattr(self, name) for name in names if not np.isscalar(getattr(self, name))
        }
        scalars = {
            name: getattr(self, name).item()
            if isinstance(getattr(self, name), np.generic)
            else getattr(self, name)
            for name in names
            if np.isscalar(getattr(self, name))
        }
        params = {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in self.get_params().items()
        }
        write_npz(path, {"class": type(self).__name__, "params": params, "state": scalars}, arrays)


def strongest(values: np.ndarray) -> list[int]:
    """Positions of the ``N_EVIDENCE`` largest positive ``values``, largest first (stable)."""
    return [i for i in np.argsort(-values, kind="stable")[:N_EVIDENCE] if values[i] > 0]


class _SideFeatureModel(Recommender):
    """A personalised model whose training matrix can hold side features.

    Parameters
    ----------
    user_features, item_features : tuple of str
        Side-feature columns folded into the matrix (:mod:`recommender.models.features`);
        ``fit`` reads them from its ``user_features`` / ``item_features`` frames.
    feature_weight : float
        Weight of a side-feature entry.
    segment_col, restrictions_col, min_group_users
        Cold-start groups, as for :class:`Recommender`.
    """

    _shared_params = {**FEATURE_PARAMS, **GROUP_PARAMS}


class _FactorScores:
    """Scoring ``s_uj = x_u . y_j`` from ``user_factors_`` and ``item_factors_`` (mixin)."""

    def _topk(self, rows, k, exclude, banned, user_group):
        return topk_dot(
            self.user_factors_[rows],
            self.item_factors_,
            k,
            exclude=exclude,
            banned=banned,
            user_group=user_group,
        )

    def _score(self, row: int, col: int) -> float:
        return float(self.user_factors_[row] @ self.item_factors_[col])


class _AdditiveExplanation:
    """Evidence and :meth:`contributions` for a score that splits exactly (mixin).

    The model defines ``_score(row, col)`` and ``_contribution_parts(row, cols)``, which
    returns the user's history columns, their contributions to the scores of the item
    columns ``cols`` (n_hist, m), the user's side-feature columns and theirs
    (n_features, m); all of them add up to the score. The evidence of a slot is the
    ``N_EVIDENCE`` largest positive history contributions, each as a share of the score (of
    the summed absolute contributions, side features included, if the score is not
    positive).
    """

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
                per_slot.append(
                    [(int(hist[i]), float(column[i] / total)) for i in strongest(column)]
                )
            out.append(per_slot)
        return out

    def contributions(self, user: Any, item: Any) -> Contributions:
        """Exact split of ``score(user, item)`` by history item and user side feature.

        The terms (formula in the class docstring) add up to ``score``, the value the
        model ranks by.

        Raises
        ------
        KeyError
            If the user or the item is unknown to the model.
        """
        self._check_fitted()
        row = self._users.position(user)
        col = self._items.position(item)
        if row < 0 or col < 0:
            raise KeyError(user if row < 0 else item)
        hist, contrib, feats, feat_contrib = self._contribution_parts(row, np.array([col]))
        items = [
            (self.item_ids_[h].item(), float(c)) for h, c in zip(hist, contrib[:, 0], strict=True)
        ]
        features = [
            (str(self.user_feature_names_[f]), float(c))
            for f, c in zip(feats, feat_contrib[:, 0], strict=True)
        ]
        return Contributions(
            score=self._score(row, col),
            items=sorted(items, key=lambda pair: -pair[1]),
            features=sorted(features, key=lambda pair: -pair[1]),
        )


def load(path: Any) -> Recommender:
    """Load a model written by :meth:`Recommender.save`; it recommends exactly as before."""
    meta, arrays = read_npz(path)
    cls = Recommender._registry.get(meta["class"])
    if cls is None:
        raise ValueError(f"unknown model class {meta['class']!r} in {path}")
    signature = inspect.signature(cls.__init__)
    params = {}
    for name, value in meta["params"].items():
        default = signature.parameters[name].default if name in signature.parameters else None
        params[name] = tuple(value) if isinstance(default, tuple) and value is not None else value
    model = cls(**params)
    for name, value in {**arrays, **meta["state"]}.items():
        setattr(model, name, value)
    model._index_vocabularies()
    return model
