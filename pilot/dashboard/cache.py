"""Built pages cached until the data under them changes.

The key holds a fingerprint read in one cheap query per request: the highest primary key
of recommendations, ratings and questionnaire answers (index look-ups, so new rows of any
study change it without scanning 200,000 rows), the participants' count and latest
withdrawal, the recipes' latest update and the arms' versions' offline metrics (small
tables), and a counter bumped by every save or delete of a Rating, QuestionnaireAnswer,
Recommendation, Participant, Recipe, Arm or ModelVersion (an edited rating keeps its
primary key). Uses Django's default cache (per process unless ``CACHES`` says otherwise);
entries expire after an hour in any case.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from pilot.models import (
    Arm,
    ModelVersion,
    Participant,
    QuestionnaireAnswer,
    Rating,
    Recipe,
    Recommendation,
)

TIMEOUT = 3600
#: The latest snapshot of a page is kept a day (served, marked, while a rebuild runs).
LATEST_TIMEOUT = 86400
COUNTER = "dash:writes"
WATCHED = (Rating, QuestionnaireAnswer, Recommendation, Participant, Recipe, Arm, ModelVersion)


def _bump(**kwargs) -> None:
    try:
        cache.incr(COUNTER)
    except ValueError:
        cache.set(COUNTER, 1, None)


for _model in WATCHED:
    post_save.connect(_bump, sender=_model, dispatch_uid=f"dash-{_model.__name__}-save")
    post_delete.connect(_bump, sender=_model, dispatch_uid=f"dash-{_model.__name__}-delete")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def fingerprint(study) -> str:
    sql = (
        f"SELECT (SELECT MAX(id) FROM {_table(Recommendation)}),"
        f" (SELECT MAX(id) FROM {_table(Rating)}),"
        f" (SELECT MAX(id) FROM {_table(QuestionnaireAnswer)}),"
        f" (SELECT COUNT(*) FROM {_table(Participant)} WHERE study_id = %s),"
        f" (SELECT MAX(withdrawn_at) FROM {_table(Participant)} WHERE study_id = %s),"
        f" (SELECT MAX(updated_at) FROM {_table(Recipe)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [study.pk, study.pk])
        row = cursor.fetchone()
    parts = (row, cache.get(COUNTER, 0))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Freshness:
    """How current a served page is."""

    built_at: datetime
    #: Built from the data as they are now (False: an earlier snapshot, a rebuild queued).
    current: bool


def _digest(params: dict) -> str:
    flat = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if v)
    return hashlib.sha256(flat.encode()).hexdigest()[:16]


def shares_cache_with_jobs() -> bool:
    """True when a background job's cache writes reach this process's reads.

    The embedded worker thread runs in the web process (same per-process cache); an RQ
    worker is another process, so only a shared cache backend (Redis, Memcached, database)
    lets it warm the pages the web serves.
    """
    backend = settings.CACHES["default"]["BACKEND"]
    return settings.JOBS_INLINE or "locmem" not in backend.lower()


def snapshot(study, name: str, params: dict, build, fp: str | None = None, *, refresh=None):
    """(value, Freshness): ``build()``'s result for the data as they are (fingerprint ``fp``).

    Built entries are kept under (study, name, params, fingerprint) and, as the "latest"
    snapshot, under (study, name, params). When the data changed since the latest snapshot
    and ``refresh`` is given (it queues a background rebuild, see ``pilot.dashboard.warm``),
    the latest snapshot is served at once, marked not current, instead of building in the
    request; a synchronous job runner (the tests) rebuilds before this returns, and the
    fresh entry is served. Without a snapshot, or without ``refresh``, it builds here.
    """
    fp = fp or fingerprint(study)
    digest = _digest(params)
    key = f"dash:{study.pk}:{name}:{fp}:{digest}"
    latest_key = f"dash:{study.pk}:{name}:latest:{digest}"
    entry = cache.get(key)
    if entry is None and refresh is not None and shares_cache_with_jobs():
        latest = cache.get(latest_key)
        if latest is not None:
            refresh()
            entry = cache.get(key)
            if entry is None:
                return latest["value"], Freshness(latest["built_at"], current=False)
    if entry is None:
        entry = {"value": build(), "built_at": timezone.now()}
        cache.set(key, entry, TIMEOUT)
        cache.set(latest_key, entry, LATEST_TIMEOUT)
    return entry["value"], Freshness(entry["built_at"], current=True)


def cached(study, name: str, params: dict, build, fp: str | None = None):
    """``build()``'s result for the data as they are now (no earlier snapshot served).

    ``fp``: the study's fingerprint when the caller already read it (one query saved).
    """
    return snapshot(study, name, params, build, fp)[0]


def claim(study, name: str, params: dict, fp: str) -> bool:
    """True once per (study, page, params, fingerprint) for ten minutes: who queues a rebuild."""
    return cache.add(f"dash:warming:{study.pk}:{name}:{fp}:{_digest(params)}", 1, 600)


def is_built(study, name: str, params: dict, fp: str) -> bool:
    """Whether the page ``name`` (with ``params``) is built for the data of fingerprint ``fp``."""
    return cache.get(f"dash:{study.pk}:{name}:{fp}:{_digest(params)}") is not None
