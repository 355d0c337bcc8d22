"""Built pages cached until the study's data changes.

The key holds a fingerprint of the study's rows (counts and latest times of its
recommendations, ratings, questionnaire answers, participants and of the recipes, and
its arms' offline metrics), read in one
aggregate query each request: a new rating, answer, list or enrolment changes the
fingerprint and the next request builds the page afresh. Uses Django's default cache
(per process unless ``CACHES`` says otherwise).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max

from pilot.models import Participant, QuestionnaireAnswer, Rating, Recipe, Recommendation

TIMEOUT = 3600


def fingerprint(study) -> str:
    parts = [
        Recommendation.objects.filter(batch__study=study).aggregate(n=Count("pk"), m=Max("pk")),
        Rating.objects.filter(recommendation__batch__study=study).aggregate(
            n=Count("pk"), t=Max("updated_at")
        ),
        QuestionnaireAnswer.objects.filter(batch__study=study).aggregate(
            n=Count("pk"), t=Max("created_at")
        ),
        Participant.objects.filter(study=study).aggregate(n=Count("pk"), w=Max("withdrawn_at")),
        Recipe.objects.aggregate(n=Count("pk"), t=Max("updated_at")),
        list(study.arms.values_list("pk", "model_version_id", "model_version__metrics")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def cached(study, name: str, params: dict, build):
    """``build()``'s result, cached under (study, name, params, fingerprint)."""
    flat = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if v)
    key = f"dash:{study.pk}:{name}:{fingerprint(study)}:{hashlib.sha256(flat.encode()).hexdigest()[:16]}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value
