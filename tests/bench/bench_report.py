"""Benchmark: building the client report at the dashboard benchmark's scale.

Run from the project root::

    .venv/bin/python -m tests.bench.bench_report [--quick] [--backends sqlite,postgresql]

The data are bench_dashboard's (``build``): 1,000 participants in two arms, 20 weekly
batches of 10 (200,000 recommendations, ~70 % rated), and the same at a tenth. Measured in
one fresh child process per backend:

- **baseline**: loading the study's rows once and building the five dashboard pages the
  report reads (overview, pilot vs offline, how many, seasonality, feedback) — what an
  analyst opening those pages pays;
- **cold**: ``build_report`` with an empty cache (it loads, builds those pages, renders);
- **warm**: ``build_report`` again, with the pages cached (as after a look at the
  dashboard, or a second download);
- **job**: what the download button's job does (``write_report`` to a file), cold.

Ratios are cold / baseline and warm / baseline. ``--quick``: the tenth only. Writes
``tests/bench/results/report.json``.
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

from tests.bench.common import reset_postgres

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results" / "report.json"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_report"
)
PAGES = ("overview", "offline", "how-many", "seasonality", "feedback")


def child(backend: str, quick: bool) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilot.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    from pilot.dashboard import pages, queries
    from pilot.report import assets, build_report, write_report
    from tests.bench.bench_dashboard import build

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    assets()  # plotly.js read and made offline once per process (~0.5 s), not per report
    rows = []
    for label, n_people in (("tenth", 100),) + (() if quick else (("full", 1000),)):
        study, n = build(f"bench-{label}", n_people)
        cache.clear()
        t0 = time.perf_counter()
        data = queries.load(study)
        for name in PAGES:
            pages.PAGES[name](data, {})
        baseline = time.perf_counter() - t0
        cache.clear()
        t0 = time.perf_counter()
        html = build_report(study)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        build_report(study)
        warm = time.perf_counter() - t0
        cache.clear()
        t0 = time.perf_counter()
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        write_report(study, Path(settings.VAR_DIR) / f"{study.key}.html")
        view = time.perf_counter() - t0
        rows.append({"backend": backend, "size": label, "participants": n_people,
                     "recommendations": n, "baseline_s": round(baseline, 2),
                     "cold_s": round(cold, 2), "warm_s": round(warm, 2),
                     "job_cold_s": round(view, 2), "cold_ratio": round(cold / baseline, 2),
                     "warm_ratio": round(warm / baseline, 2),
                     "megabytes": round(len(html.encode()) / 1e6, 2)})  # fmt: skip
    return {"rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the tenth only")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.quick)))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        for backend in args.backends.split(","):
            env = dict(os.environ, VAR_DIR=str(Path(tmp) / "var"), OPENBLAS_NUM_THREADS="1")
            if backend == "postgresql":
                reset_postgres(POSTGRES_URL)
                env["DATABASE_URL"] = POSTGRES_URL
            else:
                env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            env.pop("REDIS_URL", None)
            command = [sys.executable, "-m", "tests.bench.bench_report", "--child", backend]
            command += ["--quick"] if args.quick else []
            out = subprocess.run(
                command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
            )
            rows += json.loads(out.stdout.strip().splitlines()[-1])["rows"]
    print(f"{'backend':<11}{'size':<7}{'recs':>8}{'baseline s':>12}{'cold s':>8}{'warm s':>8}"
          f"{'job s':>8}{'cold/base':>10}{'warm/base':>10}{'MB':>6}")  # fmt: skip
    for r in rows:
        print(f"{r['backend']:<11}{r['size']:<7}{r['recommendations']:>8}{r['baseline_s']:>12}"
              f"{r['cold_s']:>8}{r['warm_s']:>8}{r['job_cold_s']:>8}{r['cold_ratio']:>10}"
              f"{r['warm_ratio']:>10}{r['megabytes']:>6}")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"benchmark": "report", "quick": args.quick,
                                   "python": platform.python_version(), "rows": rows}, indent=2) + "\n")  # fmt: skip
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
