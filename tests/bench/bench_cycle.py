"""Benchmark: generate and store a weekly batch, and send it, at pilot scale.

Run from the project root::

    .venv/bin/python -m tests.bench.bench_cycle [--quick] [--backends sqlite,postgresql]

Per backend, in a fresh child process and database: 5,000 recipes, 10,000 people with the
demo's mix of restrictions, enrolled in a one-arm study whose model is a real ALS (64
factors) fitted on 300,000 synthetic events. Then:

- **generate**: ``pilot.batches.generate`` for all 10,000 participants, K = 10, end to end,
  with the time in the model and in the database reported separately; beside a **floor**
  measured in the same process: the model's scoring alone (the same ``recommend`` call for
  everyone at once, explanations included) plus a bulk insert of the same number of plain
  rows (five columns, one transaction, no constraints).
- **send**: ``pilot.batches.send`` of the 10,000 messages to a local SMTP server (aiosmtpd)
  through the outbox (one connection per chunk of 200), messages per second; beside the
  baseline of one connection per message (Django's ``send_mail`` for 1,000 of them).

PostgreSQL: ``postgres://postgres@127.0.0.1:5432/bench_cycle`` (dropped and created here;
``BENCH_POSTGRES_URL`` overrides). Writes ``tests/bench/results/cycle.json``.
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
import pandas as pd

from tests.bench.common import reset_postgres

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results" / "cycle.json"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_cycle"
)
RESTRICTIONS = (
    ([], 0.62), (["vegetarian"], 0.09), (["halal"], 0.06), (["gluten_free"], 0.05),
    (["nut_free"], 0.05), (["vegan", "vegetarian"], 0.04), (["dairy_free"], 0.03),
    (["no_pork"], 0.03), (["vegetarian", "nut_free"], 0.02), (["gluten_free", "dairy_free"], 0.01),
)  # fmt: skip
LABELS = ("vegetarian", "vegan", "gluten_free", "dairy_free", "nut_free", "halal", "no_pork")


def build(n_people: int, n_recipes: int, n_events: int, folder: Path):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from pilot.batches.studies import ArmSpec, create_study
    from pilot.models import ModelVersion, Participant, Person, Recipe
    from recommender.data import Interactions
    from recommender.models import ALS

    rng = np.random.default_rng(0)
    label_p = np.array([0.35, 0.12, 0.4, 0.45, 0.8, 0.6, 0.8])
    recipes = [
        Recipe(
            external_id=f"RB{i}",
            title=f"Recipe {i}",
            tags=["cuisine:thai", "course:main"],
            diet_labels=[
                label for label, p in zip(LABELS, label_p, strict=True) if rng.random() < p
            ],
        )
        for i in range(n_recipes)
    ]
    for r in recipes:  # consistency: vegan implies vegetarian
        if "vegan" in r.diet_labels and "vegetarian" not in r.diet_labels:
            r.diet_labels.append("vegetarian")
    Recipe.objects.bulk_create(recipes, batch_size=2000)
    choices = rng.choice(len(RESTRICTIONS), n_people, p=[p for _, p in RESTRICTIONS])
    people = [
        Person(customer_id=f"CB{i}", email=f"cb{i}@example.org", region=f"R{i % 8}",
               restrictions=RESTRICTIONS[c][0])
        for i, c in enumerate(choices)
    ]  # fmt: skip
    Person.objects.bulk_create(people, batch_size=2000)
    users = [
        User(username=f"pilot-cb{i}", email=f"cb{i}@example.org", password="!")
        for i in range(n_people)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    events = pd.DataFrame(
        {
            "user": np.char.add("CB", rng.integers(0, n_people, n_events).astype(str)),
            "item": np.char.add("RB", (rng.zipf(1.3, n_events) % n_recipes).astype(str)),
            "event": rng.choice(["view", "save", "cook"], n_events, p=[0.8, 0.15, 0.05]),
        }
    )
    t0 = time.perf_counter()
    model = ALS(factors=64, iterations=10, random_state=0).fit(Interactions.from_frame(events))
    fit_seconds = time.perf_counter() - t0
    path = folder / "als.npz"
    model.save(path)
    version = ModelVersion.objects.create(
        name="bench-als", algorithm="als", artifact=str(path), trained_at=timezone.now()
    )
    study = create_study("bench", arms=[ArmSpec("als", version.pk, 10)])
    arm = study.arms.get()
    person_pk = dict(Person.objects.values_list("customer_id", "pk"))
    user_pk = dict(User.objects.values_list("username", "pk"))
    Participant.objects.bulk_create(
        [
            Participant(
                study=study, person_id=person_pk[f"CB{i}"], user_id=user_pk[f"pilot-cb{i}"], arm=arm
            )
            for i in range(n_people)
        ],
        batch_size=2000,
    )
    return study, model, fit_seconds


def floor(study, model, n_rows: int) -> dict:
    """Scoring alone (same call, everyone at once) + a bulk insert of plain rows."""
    from django.db import connection, transaction

    from pilot import modeldata
    from pilot.models import Participant

    participants = list(Participant.objects.filter(study=study).select_related("person"))
    catalog = modeldata.catalog()
    users = [p.person.customer_id for p in participants]
    restrictions = {p.person.customer_id: p.person.restrictions for p in participants}
    t0 = time.perf_counter()
    recs = model.recommend(users, 10, catalog=catalog, restrictions=restrictions, explain=True)
    n = sum(len(slots) for _, slots in recs)
    scoring = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_plain (a integer, b integer, c integer, d real, e text)")
    rows = [(i, i % 10, i // 10, 0.5, "Because you saved Recipe 12") for i in range(n_rows)]
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_plain (a, b, c, d, e) VALUES (%s, %s, %s, %s, %s)", rows
        )
    insert = time.perf_counter() - t0
    return {"scoring_seconds": round(scoring, 2), "plain_insert_seconds": round(insert, 2),
            "floor_seconds": round(scoring + insert, 2), "floor_slots": n}  # fmt: skip


def smtp_server():
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    class Count:
        n = 0

        async def handle_DATA(self, server, session, envelope):
            Count.n += 1
            return "250 OK"

    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port, Count


def child(backend: str, folder: Path, n_people: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilot.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.conf import settings
    from django.core.mail import get_connection, send_mail
    from django.core.management import call_command

    from pilot.batches import Week, generate, get_batch, send
    from pilot.models import Message

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    study, model, fit_seconds = build(n_people, 5000, 30 * n_people, folder)
    setup_seconds = time.perf_counter() - t0
    batch = get_batch(study, Week(2026, 49))
    t0 = time.perf_counter()
    result = generate(batch)
    total = time.perf_counter() - t0
    base = floor(study, model, result.recommendations)

    controller, port, inbox = smtp_server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    t0 = time.perf_counter()
    sent = send(batch)
    send_seconds = time.perf_counter() - t0
    n_base = min(1000, n_people)
    t0 = time.perf_counter()
    for i in range(n_base):
        send_mail("Your recipes", "Hello " * 200, None, [f"cb{i}@example.org"],
                  connection=get_connection())  # fmt: skip
    baseline_seconds = time.perf_counter() - t0
    controller.stop()
    assert sent.sent == Message.objects.filter(state="sent").count() == n_people
    return {
        "backend": backend,
        "participants": result.participants,
        "recommendations": result.recommendations,
        "setup_seconds": round(setup_seconds, 1),
        "fit_seconds": round(fit_seconds, 1),
        "generate_seconds": round(total, 2),
        "model_seconds": round(result.model_seconds, 2),
        "db_seconds": round(result.db_seconds, 2),
        **base,
        "generate_over_floor": round(total / base["floor_seconds"], 2),
        "send_seconds": round(send_seconds, 2),
        "messages_per_second": round(sent.sent / send_seconds),
        "one_connection_each_per_second": round(n_base / baseline_seconds),
        "send_speedup_vs_one_connection_each": round(
            (sent.sent / send_seconds) / (n_base / baseline_seconds), 2
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 participants instead of 10,000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--people", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.folder), args.people)))
        return
    n_people = 1_000 if args.quick else 10_000
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-cycle-") as tmp:
        folder = Path(tmp)
        for backend in args.backends.split(","):
            env = dict(os.environ, VAR_DIR=str(folder / "var"), OPENBLAS_NUM_THREADS="1")
            if backend == "postgresql":
                reset_postgres(POSTGRES_URL)
                env["DATABASE_URL"] = POSTGRES_URL
            else:
                env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
            env.pop("REDIS_URL", None)
            env.pop("EMAIL_HOST", None)
            command = [sys.executable, "-m", "tests.bench.bench_cycle", "--child", backend,
                       "--folder", str(folder), "--people", str(n_people)]  # fmt: skip
            out = subprocess.run(
                command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"{'backend':<11}{'people':>8}{'generate s':>12}{'model s':>9}{'db s':>7}{'floor s':>9}{'x floor':>9}{'msg/s':>8}{'1-conn msg/s':>14}"
    )
    for r in results:
        print(f"{r['backend']:<11}{r['participants']:>8}{r['generate_seconds']:>12}{r['model_seconds']:>9}"
              f"{r['db_seconds']:>7}{r['floor_seconds']:>9}{r['generate_over_floor']:>9}"
              f"{r['messages_per_second']:>8}{r['one_connection_each_per_second']:>14}")  # fmt: skip
    print(
        "target: generate under 15 s end to end and at most 2x the floor (scoring + plain insert)"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"benchmark": "cycle", "quick": args.quick,
                                   "python": platform.python_version(), "rows": results}, indent=2) + "\n")  # fmt: skip
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
