"""Model versions trained from the site: holdout metrics, then the served artifact.

:func:`train_version` is the one way a :class:`~pilot.models.ModelVersion` is made (the
``train_model`` command, the staff page's background job and ``manage.py demo`` call it):

1. read the interactions resolved to a person (:mod:`pilot.modeldata`; events of visitors
   never linked to a customer are left out and counted), the people and the catalog;
2. **offline metrics** on a temporal holdout: fit on the events before the cutoff (default
   :data:`HOLDOUT_DAYS` days before the latest interaction, at 00:00 UTC), recommend
   :data:`K` recipes to every person with events after it (their dietary restrictions as a
   hard constraint, as in the pilot; seen recipes excluded) and score the lists with
   :func:`recommender.evaluate.evaluate` (docs/metrics.md): means with 95% bootstrap
   intervals over people, per segment (region) and per month, beyond-accuracy numbers and
   the other tools' conventions; each person's own numbers go to a JSON file beside the
   artifact (keyed by customer id);
3. **refit** the same model (same parameters and seed) on all interactions up to training
   time and save it as ``VAR_DIR/models/<id>-<name>.npz``: that is what the pilot serves.

Everything needed to train "the same version with one feature more" is recorded:
:func:`training_spec` gives it back as keyword arguments of :func:`train_version`.
"""

from __future__ import annotations

import inspect
import json
import math
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from pilot import modeldata
from pilot.models import ModelVersion
from recommender.catalog import Catalog
from recommender.data import Interactions, split_by_time
from recommender.evaluate import evaluate
from recommender.models import ALS, BPR, ItemKNN, Popularity
from recommender.models.knn import SIMILARITIES
from recommender.models.popularity import MODES

#: Command-line names of the algorithms and their classes.
ALGORITHMS = {"als": ALS, "bpr": BPR, "item_knn": ItemKNN, "popularity": Popularity}
#: ``ModelVersion.algorithm`` value of each.
STORED_ALGORITHM = {
    "als": ModelVersion.Algorithm.ALS,
    "bpr": ModelVersion.Algorithm.BPR,
    "item_knn": ModelVersion.Algorithm.ITEMKNN,
    "popularity": ModelVersion.Algorithm.POPULARITY,
}
#: List length of the offline metrics.
K = 10
#: Default holdout: the last this many days before the latest interaction are the test.
HOLDOUT_DAYS = 14
#: Bootstrap resamples and their seed (fixed, so the same data gives the same interval).
N_BOOT = 1000
BOOTSTRAP_SEED = 0
DEFAULT_SEED = 0
#: Model parameters the pilot sets itself (features are arguments; groups are fixed).
_NOT_PARAMS = ("user_features", "item_features", "segment_col", "restrictions_col")
#: The parameter that takes the seed, per algorithm.
_SEED_PARAM = {"als": "random_state", "bpr": "random_state"}
#: Pilot defaults that differ from the model's: BPR with more than one thread is not
#: reproducible from its seed.
_PILOT_DEFAULTS = {"bpr": {"num_threads": 1}}
_CHOICES = {"similarity": SIMILARITIES, "mode": MODES}
_POSITIVE = {
    "factors", "iterations", "neighbours", "alpha", "learning_rate", "window_days",
    "min_group_users", "bm25_k1",
}  # fmt: skip
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

Progress = Callable[[int, str], None]


class TrainingError(ValueError):
    """Bad input or no data: the message says what is wrong and where."""


# ---------------------------------------------------------------------------- validation
def algorithm_key(name: str) -> str:
    """``"als"``, ``"bpr"``, ``"item_knn"`` or ``"popularity"`` (``"itemknn"`` too)."""
    key = str(name).strip().lower().replace("-", "_")
    key = {"itemknn": "item_knn"}.get(key, key)
    if key not in ALGORITHMS:
        raise TrainingError(f"Unknown algorithm {name!r}; choose one of {', '.join(ALGORITHMS)}.")
    return key


def parameters(algorithm: str) -> dict[str, Any]:
    """The parameters one may set for ``algorithm`` with their defaults (the seed apart)."""
    key = algorithm_key(algorithm)
    signature = inspect.signature(ALGORITHMS[key].__init__)
    skip = {"self", *_NOT_PARAMS, _SEED_PARAM.get(key)}
    defaults = {
        name: p.default
        for name, p in signature.parameters.items()
        if name not in skip and p.kind is not inspect.Parameter.VAR_KEYWORD
    }
    defaults.update(_PILOT_DEFAULTS.get(key, {}))
    return defaults


def parse_param_args(items: Iterable[str]) -> dict[str, str]:
    """``["factors=32", "alpha=10"]`` -> ``{"factors": "32", "alpha": "10"}``."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = str(item).partition("=")
        name = name.strip()
        if not sep or not name:
            raise TrainingError(f"--param {item!r}: write it as NAME=VALUE, e.g. factors=32.")
        if name in out:
            raise TrainingError(f"--param {name} is given twice.")
        out[name] = value.strip()
    return out


def coerce_params(algorithm: str, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every parameter of ``algorithm``: the defaults, overridden by ``raw`` (typed).

    Values may be text (from a command line or a form) or already typed. Raises
    :class:`TrainingError` for an unknown name or a value of the wrong type or range.
    """
    key = algorithm_key(algorithm)
    known = parameters(key)
    raw = dict(raw or {})
    unknown = sorted(set(raw) - set(known))
    if unknown:
        hint = " (set the seed with --seed)" if _SEED_PARAM.get(key) in unknown else ""
        raise TrainingError(
            f"Unknown parameter(s) {', '.join(unknown)} for {key}{hint}; "
            f"known: {', '.join(sorted(known))}."
        )
    params = dict(known)
    for name, value in raw.items():
        params[name] = _typed(key, name, value, known[name])
    return params


def _typed(key: str, name: str, value: Any, default: Any) -> Any:
    where = f"Parameter {name} of {key}"
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise TrainingError(f"{where}: {value!r} is not true or false.")
    if isinstance(default, int | float):
        kind = int if isinstance(default, int) else float
        try:
            number = kind(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or (kind is int and isinstance(value, float) and value != number):
            raise TrainingError(
                f"{where}: {value!r} is not {'an integer' if kind is int else 'a number'}."
            )
        if not math.isfinite(number):
            raise TrainingError(f"{where}: {value!r} is not a finite number.")
        if name in _POSITIVE and number <= 0:
            raise TrainingError(f"{where}: {value!r} must be greater than 0.")
        if number < 0:
            raise TrainingError(f"{where}: {value!r} must not be negative.")
        return number
    text = str(value).strip()
    choices = _CHOICES.get(name)
    if choices and text not in choices:
        raise TrainingError(f"{where}: {value!r} is not one of {', '.join(choices)}.")
    return text


def check_features(
    algorithm: str, user_features: Iterable[str] = (), item_features: Iterable[str] = ()
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The side-feature columns, checked against :mod:`pilot.modeldata`'s (order kept)."""
    key = algorithm_key(algorithm)
    out = []
    for side, given, known in (
        ("user", user_features, modeldata.USER_FEATURE_COLUMNS),
        ("item", item_features, modeldata.ITEM_FEATURE_COLUMNS),
    ):
        names = [str(n).strip() for n in given or () if str(n).strip()]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise TrainingError(
                f"Unknown {side} feature column(s) {', '.join(unknown)}; known: {', '.join(known)}."
            )
        out.append(tuple(dict.fromkeys(names)))
    if key == "popularity" and (out[0] or out[1]):
        raise TrainingError("The popularity model takes no side features.")
    return out[0], out[1]


def parse_cutoff(value: Any) -> datetime | None:
    """A holdout cutoff: a date (00:00 UTC that day) or an ISO date-time (UTC if naive)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, datetime.min.time())
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise TrainingError(
                f"Cutoff {value!r} is not a date (2026-11-08) or an ISO date-time."
            ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def default_cutoff(latest: datetime) -> datetime:
    """:data:`HOLDOUT_DAYS` days before ``latest``, at 00:00 UTC of that day."""
    day = (pd.Timestamp(latest).tz_convert("UTC") - timedelta(days=HOLDOUT_DAYS)).date()
    return datetime.combine(day, datetime.min.time(), UTC)


def _check_name(name: str | None) -> str | None:
    if name is None or not str(name).strip():
        return None
    name = str(name).strip()
    if len(name) > 100:
        raise TrainingError(f"Name {name[:20]!r}... is longer than 100 characters.")
    existing = ModelVersion.objects.filter(name=name).first()
    if existing is not None:
        raise TrainingError(
            f"A model version named {name!r} exists already (id {existing.pk}); choose another name."
        )
    return name


def _free_name(base: str) -> str:
    name, n = base, 1
    while ModelVersion.objects.filter(name=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def check_request(
    algorithm: str,
    *,
    params: Mapping[str, Any] | None = None,
    user_features: Iterable[str] = (),
    item_features: Iterable[str] = (),
    cutoff: Any = None,
    name: str | None = None,
    seed: Any = DEFAULT_SEED,
) -> dict[str, Any]:
    """Validate everything that can be checked before training; the arguments, typed.

    The staff form calls it before it starts a background job, so bad input is refused on
    the page rather than in a failed job.
    """
    key = algorithm_key(algorithm)
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise TrainingError(f"Seed {seed!r} is not an integer.") from None
    if seed < 0:
        raise TrainingError(f"Seed {seed} must not be negative.")
    users, items = check_features(key, user_features, item_features)
    return {
        "algorithm": key,
        "params": coerce_params(key, params),
        "user_features": users,
        "item_features": items,
        "cutoff": parse_cutoff(cutoff),
        "name": _check_name(name),
        "seed": seed,
    }


# ---------------------------------------------------------------------------- training
def build_model(
    algorithm: str, params: Mapping[str, Any], seed: int, user_features=(), item_features=()
):
    """The unfitted model of a version: its class, parameters, seed and features."""
    key = algorithm_key(algorithm)
    kwargs = dict(params)
    if key in _SEED_PARAM:
        kwargs[_SEED_PARAM[key]] = seed
    if key != "popularity":
        kwargs.update(user_features=tuple(user_features), item_features=tuple(item_features))
    return ALGORITHMS[key](**kwargs)


def _iso(moment) -> str | None:
    return pd.Timestamp(moment).tz_convert("UTC").isoformat() if moment is not None else None


def holdout_inputs(people: pd.DataFrame) -> tuple[dict, dict]:
    """The evaluation's ``segments`` (region) and ``restrictions`` (hard constraints)."""
    segments = dict(zip(people["user"], people["segment"], strict=True))
    restrictions = {
        u: r.split(",") for u, r in zip(people["user"], people["restrictions"], strict=True) if r
    }
    return segments, restrictions


def evaluate_holdout(
    algorithm: str,
    params: Mapping[str, Any],
    seed: int,
    user_features: Iterable[str],
    item_features: Iterable[str],
    events: pd.DataFrame,
    people: pd.DataFrame,
    recipes: pd.DataFrame,
    cutoff: datetime,
    *,
    summaries: bool = True,
):
    """Fit a spec on the events before ``cutoff`` and score it on those after it.

    The evaluation of :func:`train_version` (restrictions as hard constraints, seen recipes
    excluded, :data:`K` recipes, :data:`N_BOOT` resamples with :data:`BOOTSTRAP_SEED`).
    Returns ``(EvaluationResult, fitted model, split)``; the comparison of two versions on a
    common split (``pilot.comparisons``) calls it too, with ``summaries=False``: it needs
    the per-person numbers and lists only (the same), not this version's own intervals per
    segment and month, which then get a single resample and no months.
    """
    key = algorithm_key(algorithm)
    segments, restrictions = holdout_inputs(people)
    split = split_by_time(events, pd.Timestamp(cutoff))
    model = build_model(key, params, seed, user_features, item_features)
    result = evaluate(
        model,
        split,
        K,
        catalog=Catalog.from_frame(recipes),
        segments=segments,
        restrictions=restrictions,
        n_boot=N_BOOT if summaries else 1,
        seed=BOOTSTRAP_SEED,
        months=summaries,
        fit_kwargs={"user_features": people, "item_features": recipes},
    )
    return result, model, split


def train_version(
    algorithm: str,
    *,
    params: Mapping[str, Any] | None = None,
    user_features: Iterable[str] = (),
    item_features: Iterable[str] = (),
    cutoff: Any = None,
    until: Any = None,
    parent: Any = None,
    name: str | None = None,
    note: str = "",
    user=None,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> ModelVersion:
    """Train, evaluate and save one model version (see the module docstring).

    Parameters
    ----------
    algorithm : {"als", "bpr", "item_knn", "popularity"}
    params : mapping, optional
        Model parameters by name (text or typed); the others keep their defaults
        (:func:`parameters`). Unknown names are refused.
    user_features, item_features : iterable of str
        Side-feature columns (:data:`pilot.modeldata.USER_FEATURE_COLUMNS`,
        :data:`~pilot.modeldata.ITEM_FEATURE_COLUMNS`).
    cutoff : date, datetime or ISO text, optional
        Holdout cutoff; default :func:`default_cutoff` of the latest interaction.
    until : date, datetime or ISO text, optional
        Use only the interactions before this (default: training time). A variant passes
        its parent's ``data_cutoff``, so both are fitted on the same data (same
        fingerprint); it becomes the version's ``data_cutoff``.
    parent : ModelVersion or id, optional
        The version this one is a variant of (recorded as ``parent``).
    name : str, optional
        Unique; default ``<algorithm>-<YYYYMMDD-HHMMSS>``.
    note, user
        What changed, and who trained it.
    seed : int
        The model's random seed (ALS, BPR); recorded in ``params["seed"]``.
    progress : callable(percent, message), optional

    Raises
    ------
    TrainingError
        Bad input, no interactions, or a cutoff that leaves nothing to train or test on.
    """
    report = progress or (lambda percent, message: None)
    spec = check_request(
        algorithm,
        params=params,
        user_features=user_features,
        item_features=item_features,
        cutoff=cutoff,
        name=name,
        seed=seed,
    )
    key, seed = spec["algorithm"], spec["seed"]
    users_cols, items_cols = spec["user_features"], spec["item_features"]
    started = timezone.now()
    clock = time.perf_counter()
    data_until = parse_cutoff(until) or started
    if data_until > started:
        raise TrainingError(f"Until {_iso(data_until)} is in the future.")
    parent_version = _parent(parent)

    report(2, "Reading the interactions, people and recipes")
    events = modeldata.interactions_frame(until=data_until)
    if events.empty:
        raise TrainingError(
            "No interactions resolved to a person: import the interactions and identities "
            "extracts first (manage.py import_extract)."
        )
    unresolved = modeldata.unresolved_count(until=data_until)
    people = modeldata.people_frame()
    recipes = modeldata.recipes_frame()
    first, last = events["timestamp"].min(), events["timestamp"].max()
    holdout_cutoff = spec["cutoff"] or default_cutoff(last)
    if holdout_cutoff <= first:
        raise TrainingError(
            f"Cutoff {_iso(holdout_cutoff)} leaves nothing to train on: the first "
            f"interaction is at {_iso(first)}."
        )
    if holdout_cutoff > last:
        raise TrainingError(
            f"Cutoff {_iso(holdout_cutoff)} leaves nothing to test on: the latest "
            f"interaction is at {_iso(last)}."
        )
    fit_kwargs = {"user_features": people, "item_features": recipes}

    report(10, f"Holdout: training on the interactions before {holdout_cutoff:%Y-%m-%d}")
    result, holdout_model, split = evaluate_holdout(
        key, spec["params"], seed, users_cols, items_cols, events, people, recipes, holdout_cutoff
    )

    report(60, "Refitting on every interaction up to now")
    refit_clock = time.perf_counter()
    everything = Interactions.from_frame(events)
    served = build_model(key, spec["params"], seed, users_cols, items_cols)
    served.fit(everything, **fit_kwargs)
    refit_seconds = time.perf_counter() - refit_clock

    report(85, "Saving the artifact and the metrics")
    metrics = result.to_dict()
    metrics["holdout"] = {
        "cutoff": _iso(holdout_cutoff),
        "default_cutoff": spec["cutoff"] is None,
        "train_events": len(split.train),
        "train_from": _iso(first),
        "test_events": len(split.test),
        "test_until": _iso(last),
        "test_people": int(result.info["n_users"]),
        "fit_seconds": result.info.get("fit_seconds"),
        "train_fingerprint": holdout_model.data_fingerprint_,
    }
    metrics["served"] = {
        "fitted_on": "every interaction resolved to a person up to training time"
        if until is None
        else "every interaction resolved to a person before the given date",
        "until": _iso(data_until),
        "events": len(events),
        "fit_seconds": refit_seconds,
    }
    fingerprint = everything.fingerprint()
    if parent_version is not None:
        metrics["parent"] = {
            "id": parent_version.pk,
            "name": parent_version.name,
            "same_data": fingerprint == parent_version.data_fingerprint,
        }
    holdout = _holdout_people(result)
    params_record = {**_plain_params(spec["params"]), "seed": seed}
    version = _save(
        served,
        holdout,
        name=spec["name"] or _free_name(f"{key}-{started:%Y%m%d-%H%M%S}"),
        fields={
            "algorithm": STORED_ALGORITHM[key],
            "params": params_record,
            "features": [f"user:{c}" for c in users_cols] + [f"item:{c}" for c in items_cols],
            "data_cutoff": data_until,
            "holdout_cutoff": holdout_cutoff,
            "data_fingerprint": fingerprint,
            "parent": parent_version,
            "data_start": first.to_pydatetime(),
            "data_end": last.to_pydatetime(),
            "n_events": len(events),
            "n_people": len(everything.user_ids),
            "n_recipes": len(everything.item_ids),
            "n_unresolved": unresolved,
            "trained_at": started,
            "metrics": metrics,
            "note": note or "",
            "created_by": user if getattr(user, "pk", None) else None,
        },
        clock=clock,
    )
    report(100, f"Done: version {version.name} (id {version.pk})")
    return version


def _parent(parent) -> ModelVersion | None:
    if parent is None or parent == "":
        return None
    if isinstance(parent, ModelVersion):
        return parent
    found = ModelVersion.objects.filter(pk=parent).first() if str(parent).isdigit() else None
    if found is None:
        raise TrainingError(f"Parent model version {parent!r} does not exist.")
    return found


def _plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def _holdout_people(result) -> dict[str, Any]:
    """Each test person's own holdout numbers and list, keyed by customer id."""
    frame = result.per_user
    people = {}
    for user, row in frame.iterrows():
        record = {}
        for column, value in row.items():
            if hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and math.isnan(value):
                value = None
            record[column] = value
        record["recommended"] = [str(i) for i in result.recommendations.get(user, [])]
        people[str(user)] = record
    return {"k": result.k, "metrics": [c for c in frame.columns], "people": people}


def _save(served, holdout, *, name: str, fields: dict, clock: float) -> ModelVersion:
    folder = Path(settings.VAR_DIR) / "models"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".tmp-{uuid.uuid4().hex}"
    tmp_npz, tmp_json = tmp.with_suffix(".npz"), tmp.with_suffix(".json")
    served.save(tmp_npz)
    tmp_json.write_text(json.dumps(holdout, allow_nan=False))
    try:
        with transaction.atomic():
            version = ModelVersion.objects.create(name=name, **fields)
            stem = f"{version.pk}-{slugify(name) or 'version'}"
            artifact, holdout_file = folder / f"{stem}.npz", folder / f"{stem}.holdout.json"
            os.replace(tmp_npz, artifact)
            os.replace(tmp_json, holdout_file)
            version.artifact, version.holdout_file = str(artifact), str(holdout_file)
            version.training_seconds = time.perf_counter() - clock
            version.save(update_fields=["artifact", "holdout_file", "training_seconds"])
    except IntegrityError:
        raise TrainingError(
            f"A model version named {name!r} exists already; choose another name."
        ) from None
    finally:
        tmp_npz.unlink(missing_ok=True)
        tmp_json.unlink(missing_ok=True)
    return version


# ---------------------------------------------------------------------------- reading back
def holdout_people(version: ModelVersion) -> dict[str, dict[str, Any]]:
    """Each holdout person's metrics and list (customer id -> {"ndcg": ..., ...}); {} if none."""
    if not version.holdout_file:
        return {}
    try:
        return json.loads(Path(version.holdout_file).read_text())["people"]
    except (OSError, ValueError, KeyError):
        return {}


def training_spec(version: ModelVersion) -> dict[str, Any]:
    """Keyword arguments of :func:`train_version` that train ``version`` again.

    Same algorithm, parameters, seed, features and holdout cutoff; change one entry (add a
    feature: ``spec["user_features"] += ("region",)``) to make a variant of it.
    """
    key = algorithm_key(version.algorithm)
    params = dict(version.params or {})
    seed = int(params.pop("seed", DEFAULT_SEED))
    params.pop(_SEED_PARAM.get(key, ""), None)
    return {
        "algorithm": key,
        "params": params,
        "user_features": tuple(version.user_features),
        "item_features": tuple(version.item_features),
        "cutoff": version.holdout_cutoff,
        "seed": seed,
    }


#: How a side-feature column is named in ``ModelVersion.features`` and on the command line.
SIDES = {"user": "people", "item": "recipe"}


def parse_feature(text: str) -> tuple[str, str]:
    """``"user:region"`` -> ``("user", "region")``; a clear error for anything else."""
    side, sep, column = str(text).strip().partition(":")
    side, column = side.strip().lower(), column.strip()
    known = {"user": modeldata.USER_FEATURE_COLUMNS, "item": modeldata.ITEM_FEATURE_COLUMNS}
    if not sep or side not in known or not column:
        raise TrainingError(
            f"Feature {text!r}: write it as user:COLUMN or item:COLUMN "
            "(e.g. user:region, item:tags)."
        )
    if column not in known[side]:
        raise TrainingError(
            f"Unknown {SIDES[side]} column {column!r} in {text!r}; known: {', '.join(known[side])}."
        )
    return side, column


def columns_in_data() -> list[str]:
    """The side-feature columns with at least one value in the data (``user:region``...)."""
    out = []
    for side, frame, columns in (
        ("user", modeldata.people_frame(), modeldata.USER_FEATURE_COLUMNS),
        ("item", modeldata.recipes_frame(), modeldata.ITEM_FEATURE_COLUMNS),
    ):
        for column in columns:
            if any(_has_value(v) for v in frame[column].tolist()):
                out.append(f"{side}:{column}")
    return out


def _has_value(value) -> bool:
    if value is None:
        return False
    if isinstance(value, list | tuple | set):
        return len(value) > 0
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value) != ""


def describe_change(added: Iterable[str] = (), removed: Iterable[str] = ()) -> str:
    """``"adds the people column region"`` / ``"removes the recipe column tags"``."""
    parts = []
    for verb, features in (("adds", added), ("removes", removed)):
        for feature in features:
            side, column = feature.split(":", 1)
            parts.append(f"{verb} the {SIDES.get(side, side)} column {column}")
    return " and ".join(parts)


def variant_spec(
    version: ModelVersion,
    *,
    add: str | None = None,
    remove: str | None = None,
    name: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """The :func:`train_version` arguments of ``version`` with exactly one feature changed.

    Same algorithm, parameters, seed and holdout cutoff, and the same data: ``until`` is
    the parent's ``data_cutoff``, so the variant is fitted on the interactions the parent
    was fitted on (same data fingerprint). ``parent`` records where it comes from. Every
    value is JSON (dates as ISO text), so the spec can go to a background job as it is.

    Raises
    ------
    TrainingError
        Not exactly one change, an unknown column, a column already present (to add) or
        absent (to remove), one with no value in the data, a popularity model, or a version
        that was never trained here.
    """
    if bool(add) == bool(remove):
        raise TrainingError(
            "A variant changes exactly one feature: give one column to add "
            "(--add-feature user:region) or one to remove (--remove-feature item:tags)."
        )
    if algorithm_key(version.algorithm) == "popularity":
        raise TrainingError(
            f"Version {version.name!r} is a popularity model: it takes no side features, so "
            "no column can be added or removed (start from an ALS, BPR or item k-NN version)."
        )
    if version.data_cutoff is None or version.holdout_cutoff is None:
        raise TrainingError(
            f"Version {version.name!r} was never trained here (no data cutoff or holdout "
            "cutoff): a variant needs its parent's data."
        )
    side, column = parse_feature(add or remove)
    feature = f"{side}:{column}"
    present = list(version.features or [])
    label = f"The {SIDES[side]} column {column}"
    if add and feature in present:
        raise TrainingError(f"{label} is already a feature of {version.name!r}; nothing to add.")
    if remove and feature not in present:
        raise TrainingError(
            f"{label} is not a feature of {version.name!r} (features: "
            f"{', '.join(present) or 'none'}); nothing to remove."
        )
    if add and feature not in columns_in_data():
        raise TrainingError(f"{label} has no value in the data: adding it would change nothing.")
    spec = training_spec(version)
    users, items = list(spec["user_features"]), list(spec["item_features"])
    target = users if side == "user" else items
    if add:
        target.append(column)
    else:
        target.remove(column)
    change = describe_change([feature] if add else [], [feature] if remove else [])
    return {
        **spec,
        "user_features": users,
        "item_features": items,
        "cutoff": _iso(version.holdout_cutoff),
        "until": _iso(version.data_cutoff),
        "parent": version.pk,
        "name": _check_name(name) or _free_name(f"{version.name}{'+' if add else '-'}{column}"),
        "note": note or f"Variant of {version.name}: {change}.",
    }


def summary_lines(version: ModelVersion) -> list[str]:
    """What the command prints: data, holdout, metrics with intervals, artifact."""
    metrics = version.metrics or {}
    holdout, served = metrics.get("holdout", {}), metrics.get("served", {})
    lines = [
        f"Trained {version.get_algorithm_display()} version {version.name!r} in "
        f"{version.training_seconds or 0:.1f} s.",
        f"Data: {version.n_events:,} interactions of {version.n_people:,} people on "
        f"{version.n_recipes:,} recipes, {version.data_start:%Y-%m-%d %H:%M} to "
        f"{version.data_end:%Y-%m-%d %H:%M} UTC; {version.n_unresolved:,} interactions of "
        "visitors not linked to a person left out.",
        f"Holdout: trained on {holdout.get('train_events', 0):,} interactions before "
        f"{version.holdout_cutoff:%Y-%m-%d %H:%M} UTC, tested on "
        f"{holdout.get('test_events', 0):,} after it ({holdout.get('test_people', 0):,} people "
        "with something new to find).",
    ]
    for metric, row in (metrics.get("summary") or {}).items():
        lines.append(f"  {metric + '@' + str(K) if metric in _RANKING else metric:<22} {_ci(row)}")
    for metric, value in (metrics.get("beyond") or {}).items():
        if metric not in ("novelty", "arp", "ild") and value is not None:
            lines.append(f"  {metric:<22} {value:.4f}")
    lines += [
        f"Served artifact: refit on all {served.get('events', 0):,} interactions up to "
        f"{version.data_cutoff:%Y-%m-%d %H:%M} UTC; {version.artifact}",
        f"Per-person holdout metrics: {version.holdout_file}",
    ]
    return lines


_RANKING = ("precision", "recall", "hit_rate", "ndcg", "map", "mrr")
#: Display names of the per-person metrics (docs/metrics.md).
METRIC_LABELS = {
    "precision": f"precision@{K}",
    "recall": f"recall@{K}",
    "hit_rate": f"hit rate@{K}",
    "ndcg": f"NDCG@{K}",
    "map": f"MAP@{K}",
    "mrr": f"MRR@{K}",
    "novelty": "novelty (bits)",
    "arp": "popularity bias (ARP)",
    "ild": "intra-list diversity",
}
BEYOND_LABELS = {
    "catalog_coverage": "catalog coverage",
    "coverage_personalize": "coverage (Amazon Personalize's denominator)",
    "personalization": "personalization",
    "gini_exposure": "Gini of exposure",
}
#: The few numbers the versions list shows.
KEY_METRICS = ("ndcg", "recall", "precision")


def summary_rows(metrics: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Overall metrics with their intervals: ``name, label, estimate, low, high, n``."""
    summary = (metrics or {}).get("summary") or {}
    return [
        {"name": name, "label": label, **summary[name]}
        for name, label in METRIC_LABELS.items()
        if name in summary
    ]


def beyond_rows(metrics: Mapping[str, Any]) -> list[dict[str, Any]]:
    beyond = (metrics or {}).get("beyond") or {}
    return [
        {"name": name, "label": label, "value": beyond[name]}
        for name, label in BEYOND_LABELS.items()
        if name in beyond
    ]


def grouped_rows(
    metrics: Mapping[str, Any],
    table: str = "segments",
    names=("ndcg", "recall", "precision", "hit_rate"),
) -> list[dict[str, Any]]:
    """Per segment (or ``table="months"``): one row per group, a cell per metric."""
    column = {"segments": "segment", "months": "month"}[table]
    rows: dict[str, dict[str, Any]] = {}
    for record in (metrics or {}).get(table) or []:
        if record["metric"] not in names:
            continue
        row = rows.setdefault(record[column], {"group": record[column], "n": 0, "cells": {}})
        row["cells"][record["metric"]] = record
        row["n"] = max(row["n"], record.get("n") or 0)
    return [
        {**row, "cells": [row["cells"].get(name) for name in names]}
        for _, row in sorted(rows.items())
    ]


def _ci(row: Mapping[str, Any]) -> str:
    if row.get("estimate") is None:
        return "-"
    return f"{row['estimate']:.4f}  (95% CI {row['low']:.4f}-{row['high']:.4f}, n={row['n']})"


# ---------------------------------------------------------------------------- background runs
def _run_path(token: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        raise ValueError("bad run token")
    return Path(settings.VAR_DIR) / "progress" / f"train-{token}.json"


def write_run(token: str, **state) -> None:
    """Replace a training run's state file atomically (state, percent, message, ...)."""
    path = _run_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({**state, "at": time.time()}, default=str))
    os.replace(tmp, path)


def read_run(token: str) -> dict[str, Any] | None:
    try:
        return json.loads(_run_path(token).read_text())
    except (OSError, ValueError):
        return None


def new_run(spec: Mapping[str, Any]) -> str:
    """A token for a training run about to be queued, with its state file ("queued")."""
    token = uuid.uuid4().hex
    write_run(token, state="queued", percent=0, message="Waiting for a worker", spec=dict(spec))
    return token


def run_training(token: str, spec: Mapping[str, Any], user_id: int | None = None) -> int | None:
    """Train a version for a background job, keeping the run's state file up to date.

    Returns the new version's id, or None when the request was refused (the state file
    says why). Unexpected errors are recorded and raised again (the job fails).
    """
    from django.contrib.auth import get_user_model

    from pilot import jobs

    live = getattr(jobs, "progress", None)

    def progress(percent: int, message: str) -> None:
        write_run(token, state="running", percent=percent, message=message, spec=dict(spec))
        if callable(live):
            live(percent, message)

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        version = train_version(**spec, user=user, progress=progress)
    except TrainingError as error:
        write_run(token, state="failed", percent=100, message=str(error), spec=dict(spec))
        return None
    except Exception as error:
        write_run(
            token, state="failed", percent=100, message=f"Training failed: {error}", spec=dict(spec)
        )
        raise
    write_run(
        token, state="done", percent=100, message=f"Version {version.name} is ready.",
        version_id=version.pk, spec=dict(spec),
    )  # fmt: skip
    return version.pk
