"""Benchmark: every dashboard page's server time and SQL query count at pilot scale.

Run from the project root::

    .venv/bin/python -m tests.bench.bench_dashboard [--quick] [--backends sqlite,postgresql]

Per backend, in a fresh child process and database, the demo at scale written with bulk
SQL: 360 recipes, 1,000 participants in two arms (K = 10), 20 weekly batches, 10 recipes
each (200,000 recommendations), about 70% of them rated, questionnaire answers; and the
same at a tenth (100 participants, 20,000 recommendations). Each page is fetched through
Django's test client as an analyst. The baseline, in the same process: each page built in
the request from an empty cache (the load and the page). Then the warm job a batch close
queues (``pilot.dashboard.warm``) and, per page, p50, p95 and first of the repeats, and
the number of SQL queries (which must not grow with the data); then one request right
after a new rating (the latest snapshot served while the rebuild runs). ``--quick`` measures only
the tenth. PostgreSQL: ``postgres://postgres@127.0.0.1:5432/bench_dashboard`` (dropped
and created here; ``BENCH_POSTGRES_URL`` overrides). Writes
``tests/bench/results/dashboard.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tests.bench.common import reset_postgres

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results" / "dashboard.json"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_dashboard"
)
PAGES = ("overview", "offline", "how-many", "seasonality", "segments", "feedback", "how-long")
TAGS = ("season:winter", "season:summer", "holiday:christmas", "holiday:halloween", "")


def build(key: str, n_people: int, n_weeks: int = 20, k: int = 10):
    """A study of ``n_people`` with ``n_weeks`` batches of ``k`` rated recipes, bulk SQL."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from pilot.models import Arm, Batch, ModelVersion, Participant, Person, Recipe, Study

    rng = np.random.default_rng(len(key))
    if not Recipe.objects.exists():
        Recipe.objects.bulk_create(
            Recipe(external_id=f"RD{i}", title=f"Recipe {i}",
                   tags=["cuisine:thai", "course:main"] + ([TAGS[i % 5]] if TAGS[i % 5] else []))
            for i in range(360)
        )  # fmt: skip
    recipes = list(Recipe.objects.values_list("pk", flat=True))
    study = Study.objects.create(name=key, key=key)
    arms = [
        Arm.objects.create(study=study, name=name, batch_size=k,
                           model_version=ModelVersion.objects.get_or_create(
                               name=f"{name}-v", algorithm="popularity",
                               defaults={"metrics": {"summary": {"ndcg": {"estimate": ndcg}}}})[0])
        for name, ndcg in (("als", 0.12), ("pop", 0.08))
    ]  # fmt: skip
    Person.objects.bulk_create(
        Person(customer_id=f"{key}-{i}", email=f"{key}{i}@example.org", region=f"R{i % 6}",
               age_band="25-34" if i % 2 else "45-54", household_size=1 + i % 4)
        for i in range(n_people)
    )  # fmt: skip
    people = list(Person.objects.filter(customer_id__startswith=f"{key}-").order_by("pk"))
    User.objects.bulk_create(User(username=f"u-{p.customer_id}") for p in people)
    users = {u.username: u for u in User.objects.filter(username__startswith=f"u-{key}-")}
    Participant.objects.bulk_create(
        Participant(study=study, person=p, user=users[f"u-{p.customer_id}"], arm=arms[i % 2])
        for i, p in enumerate(people)
    )  # fmt: skip
    parts = list(Participant.objects.filter(study=study).values_list("pk", "arm_id"))
    Batch.objects.bulk_create(
        Batch(study=study, iso_year=2026, iso_week=w, status="closed")
        for w in range(1, n_weeks + 1)
    )
    batches = list(Batch.objects.filter(study=study).values_list("pk", flat=True))
    version = {a.pk: a.model_version_id for a in arms}
    recs, n = [], 0
    for b in batches:
        for pid, arm_id in parts:
            for rank, recipe in enumerate(rng.choice(recipes, k, replace=False), start=1):
                recs.append((b, pid, int(recipe), rank, 1.0 / rank, version[arm_id], "history", "Because you liked X", "[]"))  # fmt: skip
                n += 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO pilot_recommendation (batch_id, participant_id, recipe_id, rank, score,"
            " model_version_id, reason_code, explanation, evidence, created_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
            recs,
        )
        cursor.execute(
            "SELECT r.id, p.arm_id FROM pilot_recommendation r JOIN pilot_participant p"
            " ON p.id = r.participant_id WHERE p.study_id = %s", [study.pk]
        )  # fmt: skip
        rows = cursor.fetchall()
        keep = rng.random(len(rows)) < 0.7
        stars = rng.integers(1, 6, len(rows))
        wc = rng.choice(["yes", "maybe", "no"], len(rows))
        comment = rng.choice(["", "", "", "lovely spicy curry", "too salty"], len(rows))
        cursor.executemany(
            "INSERT INTO pilot_rating (recommendation_id, stars, would_cook, comment, created_at,"
            " updated_at) VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            [(rid, int(min(5, stars[i] + (arm == arms[0].pk and i % 3 == 0))), str(wc[i]), str(comment[i]))
             for i, (rid, arm) in enumerate(rows) if keep[i]],
        )  # fmt: skip
        cursor.executemany(
            "INSERT INTO pilot_questionnaireanswer (participant_id, batch_id, accuracy, diversity,"
            " novelty, transparency, trust, intention, free_text, created_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
            [(pid, b, *[int(x) for x in rng.integers(1, 6, 6)], "lovely week")
             for b in batches for pid, _ in parts if rng.random() < 0.5],
        )  # fmt: skip
    return study, n


def _url(study, page):
    return "/dashboard/" if page == "landing" else f"/dashboard/{study.key}/{page}/"


def _forget():
    """No built page and no shared StudyData left in this process."""
    from django.core.cache import cache

    from pilot.dashboard import queries

    cache.clear()
    queries._SHARED.clear()


def _get(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - t0
    assert response.status_code == 200, (url, response.status_code)
    return seconds, len(ctx.captured_queries), response.content.decode()


def measure(client, study, repeats: int) -> tuple[list[dict], dict]:
    """Per page: the baseline (built in the request from nothing: the load and the page),
    then, after the warm job a batch close queues, p50/p95/first of ``repeats`` requests,
    and one request right after a new rating (the snapshot served while a rebuild runs)."""
    from pilot.dashboard import warm
    from pilot.models import Rating, Recommendation, Study

    pages = ("landing", *PAGES)
    cold = {}
    for page in pages:
        _forget()
        cold[page] = _get(client, _url(study, page))[0]
    _forget()
    t0 = time.perf_counter()
    warm.warm(study)
    warm_seconds = time.perf_counter() - t0
    for other in Study.objects.exclude(pk=study.pk):  # the landing lists every study: in
        warm.warm(other)  # use, each has its snapshot from an earlier close or visit
    out = []
    for page in pages:
        times, queries = [], 0
        for _ in range(repeats):
            seconds, queries, _ = _get(client, _url(study, page))
            times.append(seconds)
        out.append({"page": page, "baseline_ms": round(cold[page] * 1000),
                    "p50_ms": round(float(np.percentile(times, 50)) * 1000),
                    "p95_ms": round(float(np.percentile(times, 95)) * 1000),
                    "first_ms": round(times[0] * 1000), "queries": queries,
                    "ratio_p95_to_baseline": round(float(np.percentile(times, 95)) / cold[page], 3)})  # fmt: skip
    rec = Recommendation.objects.filter(batch__study=study, rating__isnull=True).first()
    Rating.objects.create(recommendation=rec, stars=4, would_cook="yes")
    seconds, _, body = _get(client, _url(study, "overview"))
    stale = {"after_change_ms": round(seconds * 1000), "warm_seconds": round(warm_seconds, 2),
             "served_snapshot": 'data-current="false"' in body}  # fmt: skip
    _wait_for_jobs()
    return out, stale


def _wait_for_jobs(limit: float = 120.0) -> None:
    from pilot.models import Job

    end = time.perf_counter() + limit
    while Job.objects.filter(state__in=["queued", "running"]).exists():
        if time.perf_counter() > end:
            raise SystemExit("a dashboard rebuild job did not finish in time")
        time.sleep(0.2)


def child(backend: str, quick: bool, repeats: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilot.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    analyst = User.objects.create_user("bench-analyst")
    analyst.groups.add(Group.objects.get_or_create(name="analyst")[0])
    results, changes = [], []
    for label, n_people in (("tenth", 100),) + (() if quick else (("full", 1000),)):
        from pilot.models import Study

        Study.objects.update(active=False)  # the landing page shows every study; keep one
        t0 = time.perf_counter()
        study, n = build(f"bench-{label}", n_people)
        setup = time.perf_counter() - t0
        client = Client()
        client.force_login(analyst)
        rows, stale = measure(client, study, repeats)
        for row in rows:
            results.append({"backend": backend, "size": label, "participants": n_people,
                            "recommendations": n, "setup_seconds": round(setup, 1), **row})  # fmt: skip
        changes.append({"backend": backend, "size": label, **stale})
    return {"rows": results, "changes": changes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the tenth only")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.quick, args.repeats)))
        return
    rows, changes = [], []
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        for backend in args.backends.split(","):
            env = dict(os.environ, VAR_DIR=str(Path(tmp) / "var"), OPENBLAS_NUM_THREADS="1")
            if backend == "postgresql":
                reset_postgres(POSTGRES_URL)
                env["DATABASE_URL"] = POSTGRES_URL
            else:
                env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            env.pop("REDIS_URL", None)
            command = [sys.executable, "-m", "tests.bench.bench_dashboard", "--child", backend,
                       "--repeats", str(args.repeats)] + (["--quick"] if args.quick else [])  # fmt: skip
            out = subprocess.run(
                command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
            )
            got = json.loads(out.stdout.strip().splitlines()[-1])
            rows += got["rows"]
            changes += got["changes"]
    print(
        f"{'backend':<11}{'size':<7}{'recs':>8}  {'page':<12}{'baseline':>9}{'first ms':>9}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'queries':>8}"
    )
    for r in rows:
        print(f"{r['backend']:<11}{r['size']:<7}{r['recommendations']:>8}  {r['page']:<12}"
              f"{r['baseline_ms']:>9}{r['first_ms']:>9}{r['p50_ms']:>8}{r['p95_ms']:>8}"
              f"{r['queries']:>8}")  # fmt: skip
    for c in changes:
        print(f"{c['backend']:<11}{c['size']:<7} warm job {c['warm_seconds']} s; a page right "
              f"after a new rating: {c['after_change_ms']} ms (snapshot served: "
              f"{c['served_snapshot']})")  # fmt: skip
    print("baseline: the page built in the request from an empty cache (load + page);")
    print("target: under 500 ms per page; the same query count at both sizes")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"benchmark": "dashboard", "quick": args.quick,
                                   "python": platform.python_version(), "rows": rows,
                                   "changes": changes}, indent=2) + "\n")  # fmt: skip
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
