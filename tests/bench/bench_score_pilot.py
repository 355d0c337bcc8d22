"""Benchmark: scoring a model version on 200,000 pilot ratings (``score_on_pilot``).

Run from the project root::

    .venv/bin/python -m tests.bench.bench_score_pilot [--quick] [--backends sqlite,postgresql]

Per backend, in a fresh child process and database, written with bulk SQL: 360 recipes
(some with diet labels), 2,000 participants in two arms (an ALS and a Popularity version,
K = 10, a fifth of the participants vegetarian), 10 weekly batches of 10 recipes each, every
one rated (200,000 ratings, no recipe twice to one participant). A third version (ALS,
trained "after the study started") is scored: ``score_on_pilot`` orders the whole catalog
for every participant and every version it scores, which are the scored version *and* the
two serving versions (reference rows), so three versions.

Baseline, in the same process: producing those three versions' weekly lists alone for the
same participants (``model.recommend(k=10, restrictions, segments, explain=True)``, as the
weekly cycle asks). Also reported: the three versions' full orderings alone (``k`` = every
recipe, ``explain=False``: the part of scoring the model does), and scoring the one version
without its reference rows (``pilot_scores.score_version``) against that version's lists.
``--quick``: 200 participants (20,000 ratings), SQLite only by default. Writes
``tests/bench/results/score_pilot.json``.
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
RESULTS = Path(__file__).resolve().parent / "results" / "score_pilot.json"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_score_pilot"
)
N_RECIPES = 360
WEEKS = 10
K = 10


def _train(tmp: Path, name: str, model, users, rng):
    """Fit ``model`` on synthetic events of ``users`` and record it as a version."""
    import pandas as pd
    from django.utils import timezone

    from pilot.models import ModelVersion
    from recommender.data import Interactions

    n = len(users) * 15
    frame = pd.DataFrame(
        {
            "user": np.repeat(users, 15),
            # people lean towards a band of recipes, so a factor model has something to learn
            "item": [f"RS{(i * 7 + int(x)) % N_RECIPES}"
                     for i, x in zip(np.repeat(np.arange(len(users)), 15), rng.integers(0, 40, n), strict=True)],
            "event": rng.choice(["view", "save", "cook"], n),
        }
    )  # fmt: skip
    model.fit(Interactions.from_frame(frame))
    path = tmp / f"{name}.npz"
    model.save(path)
    return ModelVersion.objects.create(
        name=name, algorithm="als" if "als" in name else "popularity", artifact=str(path),
        trained_at=timezone.now(), data_cutoff=timezone.now(),
    )  # fmt: skip


def build(tmp: Path, n_people: int):
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from pilot.models import Arm, Batch, Participant, Person, Recipe, Study
    from recommender.models import ALS, Popularity

    rng = np.random.default_rng(3)
    Recipe.objects.bulk_create(
        Recipe(external_id=f"RS{i}", title=f"Recipe {i}",
               diet_labels=["vegetarian"] if i % 3 else [])
        for i in range(N_RECIPES)
    )  # fmt: skip
    recipes = dict(Recipe.objects.values_list("external_id", "pk"))
    users = [f"C{i}" for i in range(n_people)]
    serving = [
        _train(tmp, "bench-als", ALS(factors=32, iterations=8, random_state=1), users, rng),
        _train(tmp, "bench-pop", Popularity(), users, rng),
    ]
    scored = _train(tmp, "bench-als-new", ALS(factors=48, iterations=8, random_state=2), users, rng)
    study = Study.objects.create(name="bench", key="bench")
    arms = [
        Arm.objects.create(study=study, name=v.name, batch_size=K, model_version=v) for v in serving
    ]
    Person.objects.bulk_create(
        Person(customer_id=u, email=f"{u}@example.org", region=f"R{i % 6}",
               restrictions=["vegetarian"] if i % 5 == 0 else [])
        for i, u in enumerate(users)
    )  # fmt: skip
    people = list(Person.objects.order_by("pk"))
    User.objects.bulk_create(User(username=f"u-{p.customer_id}") for p in people)
    accounts = {u.username: u for u in User.objects.filter(username__startswith="u-")}
    Participant.objects.bulk_create(
        Participant(study=study, person=p, user=accounts[f"u-{p.customer_id}"], arm=arms[i % 2])
        for i, p in enumerate(people)
    )  # fmt: skip
    parts = list(Participant.objects.filter(study=study).values_list("pk", "arm_id", "person_id"))
    veg = {p.pk for p in people if p.restrictions}
    Batch.objects.bulk_create(
        Batch(study=study, iso_year=2026, iso_week=w, status="closed") for w in range(1, WEEKS + 1)
    )
    batches = list(
        Batch.objects.filter(study=study).order_by("iso_week").values_list("pk", flat=True)
    )
    version = {a.pk: a.model_version_id for a in arms}
    allowed_all = list(recipes.values())
    allowed_veg = [pk for x, pk in recipes.items() if int(x[2:]) % 3]
    recs = []
    for pid, arm_id, person_id in parts:
        pool = allowed_veg if person_id in veg else allowed_all
        chosen = rng.choice(pool, WEEKS * K, replace=False)
        for w, b in enumerate(batches):
            for rank in range(1, K + 1):
                recs.append((b, pid, int(chosen[w * K + rank - 1]), rank, 1.0 / rank,
                             version[arm_id], "history", "Because you liked X", "[]"))  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO pilot_recommendation (batch_id, participant_id, recipe_id, rank, score,"
            " model_version_id, reason_code, explanation, evidence, created_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
            recs,
        )
        cursor.execute(
            "SELECT r.id FROM pilot_recommendation r JOIN pilot_participant p"
            " ON p.id = r.participant_id WHERE p.study_id = %s", [study.pk]
        )  # fmt: skip
        ids = [row[0] for row in cursor.fetchall()]
        stars = rng.integers(1, 6, len(ids))
        cursor.executemany(
            "INSERT INTO pilot_rating (recommendation_id, stars, would_cook, comment, created_at,"
            " updated_at) VALUES (%s, %s, 'yes', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            [(rid, int(s)) for rid, s in zip(ids, stars, strict=True)],
        )
    return study, scored, serving, len(ids)


def _lists(versions, study, catalog, *, full: bool):
    """The versions' lists for the study's participants (what the baseline times)."""
    from pilot import modeldata
    from pilot.models import Participant

    participants = list(Participant.objects.filter(study=study).select_related("person"))
    users = [p.person.customer_id for p in participants]
    restrictions = {p.person.customer_id: p.person.restrictions for p in participants}
    segments = {p.person.customer_id: p.person.region or None for p in participants}
    for v in versions:
        model = modeldata.load_model(v)
        for start in range(0, len(users), 2000):
            part = users[start : start + 2000]
            recs = model.recommend(
                part, k=len(catalog) if full else K, catalog=catalog,
                exclude_seen=not full, restrictions=restrictions, segments=segments,
                explain=not full,
            )  # fmt: skip
            recs.to_frame()


def _best(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def child(backend: str, n_people: int, repeats: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilot.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.core.management import call_command

    from pilot import modeldata, pilot_scores

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory(prefix="bench-score-") as tmp:
        t0 = time.perf_counter()
        study, scored, serving, n_ratings = build(Path(tmp), n_people)
        setup = time.perf_counter() - t0
        catalog = pilot_scores.scoring_catalog()
        versions = [scored, *serving]
        for v in versions:
            modeldata.load_model(v)  # warm the artifact cache for every measurement
        result = pilot_scores.score_on_pilot(scored, study)
        score = _best(lambda: pilot_scores.score_on_pilot(scored, study), repeats)
        lists = _best(lambda: _lists(versions, study, catalog, full=False), repeats)
        orderings = _best(lambda: _lists(versions, study, catalog, full=True), repeats)
        data = pilot_scores.load_ratings(study)
        load = _best(lambda: pilot_scores.load_ratings(study), repeats)
        model = modeldata.load_model(scored)
        one = _best(lambda: pilot_scores.score_version(model, data, catalog), repeats)
        one_lists = _best(lambda: _lists([scored], study, catalog, full=False), repeats)
    return {
        "backend": backend,
        "participants": n_people,
        "ratings": n_ratings,
        "recipes": N_RECIPES,
        "versions_scored": len(versions),
        "setup_seconds": round(setup, 1),
        "score_on_pilot_seconds": round(score, 3),
        "lists_seconds": round(lists, 3),
        "ratio_vs_lists": round(score / lists, 2),
        "full_orderings_seconds": round(orderings, 3),
        "ratio_vs_full_orderings": round(score / orderings, 2),
        "load_ratings_seconds": round(load, 3),
        "one_version_seconds": round(one, 3),
        "one_version_lists_seconds": round(one_lists, 3),
        "one_version_ratio_vs_lists": round(one / one_lists, 2),
        "auc_scored": result.rows[0]["auc"],
        "auc_participants": result.rows[0]["auc_participants"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 participants, SQLite only")
    parser.add_argument("--backends", default=None, help="default: sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--people", type=int, default=2000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.people, args.repeats)))
        return
    n_people = 200 if args.quick else 2000
    backends = args.backends or ("sqlite" if args.quick else "sqlite,postgresql")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-score-pilot-") as tmp:
        for backend in backends.split(","):
            env = dict(os.environ, VAR_DIR=str(Path(tmp) / "var"), OPENBLAS_NUM_THREADS="1")
            if backend == "postgresql":
                reset_postgres(POSTGRES_URL)
                env["DATABASE_URL"] = POSTGRES_URL
            else:
                env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            env.pop("REDIS_URL", None)
            command = [sys.executable, "-m", "tests.bench.bench_score_pilot", "--child", backend,
                       "--people", str(n_people), "--repeats", str(args.repeats)]  # fmt: skip
            out = subprocess.run(
                command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
            )
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'backend':<11}{'ratings':>8}  {'score s':>8}{'lists s':>8}{'ratio':>7}"
          f"{'orderings s':>12}{'ratio':>7}  {'one s':>7}{'its lists s':>12}{'ratio':>7}")  # fmt: skip
    for r in rows:
        print(f"{r['backend']:<11}{r['ratings']:>8}  {r['score_on_pilot_seconds']:>8}"
              f"{r['lists_seconds']:>8}{r['ratio_vs_lists']:>7}{r['full_orderings_seconds']:>12}"
              f"{r['ratio_vs_full_orderings']:>7}  {r['one_version_seconds']:>7}"
              f"{r['one_version_lists_seconds']:>12}{r['one_version_ratio_vs_lists']:>7}")  # fmt: skip
    print("score = score_on_pilot (the version + 2 serving versions); lists = those 3 versions'"
          " weekly top-10 lists; orderings = their full orderings alone")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"benchmark": "score_pilot", "quick": args.quick,
                                   "python": platform.python_version(), "rows": rows}, indent=2) + "\n")  # fmt: skip
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
