"""Benchmark: the staff Data page at 5,000,000 interactions, on SQLite and PostgreSQL.

Run from the project root::

    .venv/bin/python -m tests.bench.bench_data_page [--rows N] [--backends sqlite,postgresql]

For each backend a child process builds a fresh database with bulk SQL (no ORM, no CSV):
100 recipes, 20,000 people, 100,000 web visitors (four in five resolved to a person) and
``--rows`` interactions spread over 180 days. It then requests ``/staff/data/`` through
Django's test client as a staff user and reports, with the number of SQL queries:

- ``cold``: the first request after the data changed, which recomputes the stored
  aggregates (``pilot.ingest.summary``; an import does this in its job instead);
- ``warm``: the median of five later requests, which read the stored aggregates: what a
  person waits for. The target is under 0.5 s.
- ``baseline``: the same aggregates computed directly (``summary.compute()``), which is
  what every request cost before.

PostgreSQL: ``postgres://postgres@127.0.0.1:5432/bench_data_page`` (dropped and created;
override with ``BENCH_POSTGRES_URL``). Writes ``tests/bench/results/data_page.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results" / "data_page.json"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_data_page"
)
RECIPES, PEOPLE, VISITORS, DAYS = 100, 20_000, 100_000, 180


def build(rows: int) -> float:
    """Fill the (fresh, migrated) database with bulk SQL; return the seconds it took."""
    from django.db import connection, transaction

    started = time.monotonic()
    pg = connection.vendor == "postgresql"
    series = (
        "generate_series(1, {n}) AS s(n)"
        if pg
        else "(WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {n}) "
        "SELECT n FROM seq) AS s"
    )
    now = "now()" if pg else "datetime('now')"
    stamp = (
        "timestamptz '2026-01-01 00:00:00+00' + (s.n % {span}) * interval '1 second'"
        if pg
        else "datetime('2026-01-01', '+' || (s.n % {span}) || ' seconds')"
    ).format(span=DAYS * 86_400)
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            "INSERT INTO pilot_recipe (external_id, title, description, ingredients, tags, "
            f"diet_labels, minutes, active, created_at, updated_at) SELECT 'R' || s.n, "
            f"'Recipe ' || s.n, '', '[]', '[]', '[]', 20, true, {now}, {now} FROM "
            + series.format(n=RECIPES)
        )
        c.execute(
            "INSERT INTO pilot_person (customer_id, email, age_band, region, liked_cuisines, "
            f"restrictions, created_at, updated_at) SELECT 'C' || s.n, '', '', '', '[]', '[]', "
            f"{now}, {now} FROM " + series.format(n=PEOPLE)
        )
        c.execute(
            "INSERT INTO pilot_identity (source, external_id, person_id, status, note, "
            "created_at) SELECT 'web', 'V' || s.n, CASE WHEN s.n % 5 = 0 THEN NULL ELSE "
            f"s.n % {PEOPLE} + 1 END, CASE WHEN s.n % 5 = 0 THEN 'unresolved' ELSE 'resolved' "
            f"END, '', {now} FROM " + series.format(n=VISITORS)
        )
        c.execute(
            "INSERT INTO pilot_interaction (key, visitor_id, person_id, recipe_id, event, "
            "\"timestamp\", extract_id) SELECT 'k' || s.n, s.n % "
            f"{VISITORS} + 1, CASE WHEN (s.n % {VISITORS} + 1) % 5 = 0 THEN NULL ELSE "
            f"(s.n % {VISITORS} + 1) % {PEOPLE} + 1 END, s.n % {RECIPES} + 1, CASE s.n % 3 "
            f"WHEN 0 THEN 'view' WHEN 1 THEN 'save' ELSE 'cook' END, {stamp}, NULL FROM "
            + series.format(n=rows)
        )
    if pg:
        with connection.cursor() as c:
            c.execute("ANALYZE")
    return time.monotonic() - started


def child(rows: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pilot.access import STAFF_GROUP
    from pilot.ingest import summary
    from tests.conftest import make_user

    call_command("migrate", verbosity=0)
    built = build(rows)
    client = Client()
    client.force_login(make_user("bench-staff", groups=[STAFF_GROUP]))

    def timed():
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get("/staff/data/")
            seconds = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        return seconds, len(queries)

    start = time.perf_counter()
    summary.compute()
    baseline = time.perf_counter() - start
    cold, cold_queries = timed()
    warm = [timed() for _ in range(5)]
    return {
        "backend": connection.vendor,
        "interactions": rows,
        "build_seconds": round(built, 1),
        "baseline_compute_seconds": round(baseline, 3),
        "cold_seconds": round(cold, 3),
        "cold_queries": cold_queries,
        "warm_seconds": round(statistics.median(s for s, _ in warm), 3),
        "warm_queries": warm[0][1],
        "warm_under_500ms": statistics.median(s for s, _ in warm) < 0.5,
        "speedup_vs_baseline": round(baseline / statistics.median(s for s, _ in warm), 1),
    }


def run_backend(backend: str, rows: int) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "ALLOWED_HOSTS": "testserver"}
    with tempfile.TemporaryDirectory() as folder:
        env["VAR_DIR"] = folder
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        else:
            import psycopg

            base, name = POSTGRES_URL.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = POSTGRES_URL
        out = subprocess.run(
            [sys.executable, "-m", "tests.bench.bench_data_page", "--child", "--rows", str(rows)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="200,000 rows")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    rows = 200_000 if args.quick else args.rows
    if args.child:
        print(json.dumps(child(rows)))
        return
    results = []
    for backend in args.backends.split(","):
        result = run_backend(backend, rows)
        print(json.dumps(result), flush=True)
        results.append(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    record = {"benchmark": "data_page", **{r["backend"]: r for r in results}}
    RESULTS.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
