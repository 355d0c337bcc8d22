"""Settings and helpers for bench_rating: the real site plus one trivial view.

``DJANGO_SETTINGS_MODULE=tests.bench.rating_server`` serves the real URLs and
``/bench/trivial/`` (a plain ``HttpResponse`` through the same middleware), the ratio's
baseline. ``python -m tests.bench.rating_server seed N K`` creates N pilot users with a sent
week of K recipes each and prints their session keys and recommendation ids as JSON;
``... count`` prints the ratings and questionnaires in the database.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")

from pilot.settings import *  # noqa: E402,F403

ROOT_URLCONF = "tests.bench.rating_server"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = None  # whitenoise serves from the finders (WHITENOISE_USE_FINDERS)


def _urlpatterns():
    from django.http import HttpResponse
    from django.urls import include, path

    def trivial(request):
        return HttpResponse("ok", content_type="text/plain")

    return [path("bench/trivial/", trivial), path("", include("pilot.urls"))]


def __getattr__(name):  # urlpatterns built lazily: settings must not import views
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


def seed(n_users: int, n_recipes: int) -> list[dict]:
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from pilot.models import (
        Arm,
        Batch,
        ModelVersion,
        Participant,
        Person,
        Recipe,
        Recommendation,
        Study,
    )

    version = ModelVersion.objects.create(name="bench", algorithm="popularity")
    study = Study.objects.create(name="Bench", key="bench")
    arm = Arm.objects.create(study=study, name="a", model_version=version, batch_size=n_recipes)
    recipes = Recipe.objects.bulk_create(
        Recipe(external_id=f"B{i}", title=f"Recipe {i}", ingredients=["onion"], minutes=20)
        for i in range(n_recipes * 2)
    )
    now = timezone.now()
    batch = Batch.objects.create(
        study=study, iso_year=2026, iso_week=49, status=Batch.Status.SENT, sent_at=now,
        closes_at=now + timedelta(days=6),
    )  # fmt: skip
    raters = []
    for u in range(n_users):
        person = Person.objects.create(customer_id=f"BC{u}", email=f"bc{u}@example.org")
        user = User.objects.create_user(f"bench{u}", email=person.email)
        participant = Participant.objects.create(study=study, person=person, user=user, arm=arm)
        mine = [recipes[(u + k) % len(recipes)] for k in range(n_recipes)]
        recs = Recommendation.objects.bulk_create(
            Recommendation(batch=batch, participant=participant, recipe=r, rank=k + 1,
                           model_version=version, explanation="Popular with everyone")
            for k, r in enumerate(mine)
        )  # fmt: skip
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        raters.append(
            {"session": session.session_key, "batch": batch.pk, "recs": [r.pk for r in recs]}
        )
    return raters


def count() -> dict:
    from pilot.models import QuestionnaireAnswer, Rating

    return {
        "ratings": {str(r): s for r, s in Rating.objects.values_list("recommendation", "stars")},
        "questionnaires": QuestionnaireAnswer.objects.count(),
    }


if __name__ == "__main__":
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.rating_server"
    django.setup()
    if sys.argv[1] == "seed":
        print(json.dumps(seed(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(json.dumps(count()))
