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

from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save

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


def cached(study, name: str, params: dict, build, fp: str | None = None):
    """``build()``'s result, cached under (study, name, params, fingerprint).

    ``fp``: the study's fingerprint when the caller already read it (one query saved).
    """
    flat = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if v)
    digest = hashlib.sha256(flat.encode()).hexdigest()[:16]
    key = f"dash:{study.pk}:{name}:{fp or fingerprint(study)}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value
