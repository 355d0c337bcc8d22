"""The database as ``recommender/`` sees it: events, people and the catalog as frames.

This is the one bridge between the pilot's rows and the pure-Python recommender. External
ids cross it, never primary keys: users are ``Person.customer_id``, items are
``Recipe.external_id``. Training (``pilot.training``) and the weekly cycle
(``pilot.batches``) both read the data through these functions, so a model is always asked
about people and recipes under the names it was trained with.

- :func:`interactions_frame`: the events resolved to a person (``user, item, event, value,
  timestamp``). Events of visitors never linked to a customer cannot belong to a pilot user
  and are left out; :func:`unresolved_count` says how many.
- :func:`people_frame`: one row per person with the columns a model may use as side
  features, the cold-start ``segment`` and ``restrictions`` keys.
- :func:`catalog`: every recipe, inactive ones included (``active=False``) so that
  explanations can still name a retired recipe by its title.
- :func:`load_model`: a saved model version's artifact, cached per process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from django.db.models import Count

from pilot.models import Identity, Interaction, ModelVersion, Person, Recipe
from recommender.catalog import Catalog
from recommender.models import load
from recommender.models.features import restriction_key

#: Person columns that can be side features of a model (``--user-features``).
USER_FEATURE_COLUMNS = ("age_band", "household_size", "region", "liked_cuisines", "n_devices")
#: Recipe columns that can be side features (``--item-features``); tags by category too.
ITEM_FEATURE_COLUMNS = ("tags", "cuisine", "course", "season", "holiday", "ingredients", "minutes")
#: The person column that groups people for cold-start popularity ("people in Wales").
SEGMENT_COLUMN = "region"


def interactions_frame(*, until=None, since=None) -> pd.DataFrame:
    """Events resolved to a person: ``user, item, event, value, timestamp`` (UTC).

    ``until`` (exclusive) and ``since`` (inclusive) bound the timestamps. Sorted by time.
    """
    rows = Interaction.objects.filter(person__isnull=False)
    if until is not None:
        rows = rows.filter(timestamp__lt=until)
    if since is not None:
        rows = rows.filter(timestamp__gte=since)
    values = rows.order_by("timestamp", "pk").values_list(
        "person__customer_id", "recipe__external_id", "event", "value", "timestamp"
    )
    frame = pd.DataFrame.from_records(
        list(values.iterator(chunk_size=20_000)),
        columns=["user", "item", "event", "value", "timestamp"],
    )
    frame["user"] = frame["user"].astype(str)
    frame["item"] = frame["item"].astype(str)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


def unresolved_count(*, until=None) -> int:
    """Events of visitors not linked to any customer (left out of training)."""
    rows = Interaction.objects.filter(person__isnull=True)
    if until is not None:
        rows = rows.filter(timestamp__lt=until)
    return rows.count()


def _device_counts() -> dict[int, int]:
    return dict(
        Identity.objects.filter(source=Identity.Source.WEB, status=Identity.Status.RESOLVED)
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )


def people_frame(people: Iterable[Person] | None = None) -> pd.DataFrame:
    """One row per person: ``user`` (customer id), the side-feature columns of
    :data:`USER_FEATURE_COLUMNS`, ``segment`` (the :data:`SEGMENT_COLUMN`) and
    ``restrictions`` (the canonical key, e.g. ``"gluten_free,vegetarian"``).

    ``people`` limits the rows (default: everyone).
    """
    people = list(Person.objects.all() if people is None else people)
    devices = _device_counts()
    records = [
        {
            "user": p.customer_id,
            "age_band": p.age_band or None,
            "household_size": str(p.household_size) if p.household_size else None,
            "region": p.region or None,
            "liked_cuisines": list(p.liked_cuisines or []),
            "n_devices": str(min(devices.get(p.pk, 0), 3)),
            "segment": getattr(p, SEGMENT_COLUMN) or "",
            "restrictions": restriction_key(p.restrictions or []),
        }
        for p in people
    ]
    columns = ["user", *USER_FEATURE_COLUMNS, "segment", "restrictions"]
    return pd.DataFrame.from_records(records, columns=columns)


def _recipe_records(recipes) -> list[dict]:
    records = []
    for r in recipes:
        tags = list(r.tags or [])
        record = {
            "item": r.external_id,
            "title": r.title,
            "labels": list(r.diet_labels or []),
            "tags": tags,
            "active": bool(r.active),
            "ingredients": list(r.ingredients or []),
            "minutes": _minutes_band(r.minutes),
        }
        for category in ("cuisine", "course", "season", "holiday"):
            prefix = f"{category}:"
            record[category] = [t[len(prefix) :] for t in tags if t.startswith(prefix)]
        records.append(record)
    return records


def _minutes_band(minutes: int | None) -> str | None:
    if minutes is None:
        return None
    for limit in (15, 30, 60, 120):
        if minutes <= limit:
            return f"<={limit}"
    return ">120"


def recipes_frame() -> pd.DataFrame:
    """One row per recipe (inactive ones too): ``item, title, labels, tags, active`` and the
    item side-feature columns of :data:`ITEM_FEATURE_COLUMNS`."""
    records = _recipe_records(Recipe.objects.order_by("external_id"))
    columns = ["item", "title", "labels", "active", *ITEM_FEATURE_COLUMNS]
    return pd.DataFrame.from_records(records, columns=columns)


def catalog() -> Catalog:
    """Every recipe as a :class:`~recommender.catalog.Catalog` (inactive ones never
    recommended, but their titles name them in explanations)."""
    return Catalog.from_frame(recipes_frame())


_cache: dict[tuple[str, float], object] = {}
_cache_lock = threading.Lock()
_CACHE_SIZE = 4


def load_model(version: ModelVersion):
    """The fitted model saved for ``version`` (cached per process by path and mtime)."""
    if not version.artifact:
        raise ValueError(f"Model version {version.name!r} has no saved artifact.")
    path = Path(version.artifact)
    if not path.exists():
        raise FileNotFoundError(
            f"Model version {version.name!r}: its artifact {path} is missing on this machine."
        )
    key = (str(path), path.stat().st_mtime)
    with _cache_lock:
        model = _cache.get(key)
        if model is None:
            model = load(path)
            if len(_cache) >= _CACHE_SIZE:
                _cache.pop(next(iter(_cache)))  # the oldest: a study has a few arms at most
            _cache[key] = model
    return model
