"""Benchmark: importing 1,000,000 generated interaction rows on SQLite and on PostgreSQL.

Run from the project root::

    .venv/bin/python -m tests.bench.bench_ingest [--quick] [--backends sqlite,postgresql]

For each backend a child process (fresh database, fresh memory high-water mark) imports
the catalog (2,000 recipes, 20,000 people, 30,000 identity links) and then the interactions
file through ``pilot.ingest.import_extract``, exactly as ``manage.py import_extract`` does.
In the same process it then times ``pandas.read_csv`` of the same file (every column as
text, the whole file at once; the better of two runs): the baseline "merely parse" time. Reported: rows/s, the ratio
import time / parse time, the peak memory (peak resident set size of the process during the
import, and its growth over the size before the import; no tracemalloc, which would slow the
import down), and a second import of an overlapping copy of the file
in which every row already exists (the ``ON CONFLICT DO NOTHING`` path).

PostgreSQL: ``postgres://postgres@127.0.0.1:5432/bench_ingest`` (dropped and created here;
override with ``BENCH_POSTGRES_URL``). SQLite: a file in a temporary directory.
Writes ``tests/bench/results/ingest.json``.
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
RESULTS = Path(__file__).resolve().parent / "results" / "ingest.json"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_ingest"
)
N_RECIPES, N_PEOPLE, N_VISITORS = 2_000, 20_000, 60_000


def generate(folder: Path, rows: int, seed: int = 0) -> dict[str, Path]:
    """Write the four extracts; the interactions file has ``rows`` rows."""
    rng = np.random.default_rng(seed)
    recipes = pd.DataFrame(
        {
            "recipe_id": [f"R{i}" for i in range(N_RECIPES)],
            "title": [f"Recipe {i}" for i in range(N_RECIPES)],
            "ingredients": rng.choice(
                ["pasta|tomato|basil", "chicken|rice", "tofu|kale"], N_RECIPES
            ),
            "tags": "cuisine:italian|course:main",
        }
    )
    people = pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(N_PEOPLE)],
            "email": [f"c{i}@example.org" for i in range(N_PEOPLE)],
            "restrictions": rng.choice(["", "vegetarian", "nut_free"], N_PEOPLE),
        }
    )
    linked = rng.choice(N_VISITORS, 30_000, replace=False)
    identities = pd.DataFrame(
        {
            "visitor_id": [f"V{v}" for v in linked],
            "customer_id": [f"C{c}" for c in rng.integers(0, N_PEOPLE, linked.size)],
        }
    )
    start = np.datetime64("2025-01-01T00:00:00")
    seconds = np.sort(rng.integers(0, 300 * 86_400, rows))
    events = rng.choice(["view", "save", "cook", "rate"], rows, p=[0.7, 0.15, 0.1, 0.05])
    values = np.where(events == "rate", rng.integers(1, 6, rows).astype(str), "")
    event_ids = np.char.add("E", np.arange(rows).astype(str))
    event_ids[rng.random(rows) < 0.3] = ""  # 30 % without event_id: keyed by hash
    interactions = pd.DataFrame(
        {
            "visitor_id": np.char.add("V", rng.integers(0, N_VISITORS, rows).astype(str)),
            "recipe_id": np.char.add("R", rng.integers(0, N_RECIPES, rows).astype(str)),
            "event": events,
            "timestamp": np.datetime_as_string(start + seconds.astype("timedelta64[s]"), unit="s"),
            "event_id": event_ids,
            "value": values,
        }
    )
    paths = {}
    for kind, frame in (
        ("recipes", recipes),
        ("people", people),
        ("identities", identities),
        ("interactions", interactions),
    ):
        paths[kind] = folder / f"{kind}.csv"
        frame.to_csv(paths[kind], index=False)
    # An overlapping copy: the same rows plus a final new one (a different checksum).
    overlap = folder / "interactions-overlap.csv"
    overlap.write_bytes(
        paths["interactions"].read_bytes() + b"V1,R1,view,2025-01-01T00:00:00,Z1,\n"
    )
    paths["overlap"] = overlap
    return paths


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb() -> float:
    return _status_mb("VmRSS")


def reset_peak() -> None:
    """Reset this process's resident-set high-water mark (VmHWM), Linux >= 4.0."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_rss_mb() -> float:
    """Peak resident set size of this process since ``reset_peak``.

    Not ``ru_maxrss``: Linux carries that across fork + exec, so a child would report its
    parent's peak (here: the parent that generated the data).
    """
    return _status_mb("VmHWM")


def child(backend: str, folder: Path) -> dict:
    """Runs in its own process with DATABASE_URL set: migrate, import, time the baseline."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilot.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from pilot.ingest import import_extract

    call_command("migrate", verbosity=0)
    paths = {p.stem: p for p in folder.glob("*.csv")}
    for kind in ("recipes", "people", "identities"):
        assert import_extract(kind, paths[kind]).status == "imported", kind

    rss_before = rss_mb()
    reset_peak()
    t0 = time.perf_counter()
    extract = import_extract("interactions", paths["interactions"])
    seconds = time.perf_counter() - t0
    rss_peak = peak_rss_mb()
    assert extract.status == "imported", extract.error
    rows = extract.rows_read

    t0 = time.perf_counter()
    again = import_extract("interactions", paths["interactions-overlap"])
    overlap_seconds = time.perf_counter() - t0
    assert again.report["counts"]["new interactions"] == 1, again.report

    parse_seconds = min(parse_time(paths["interactions"], rows) for _ in range(2))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pilot_interaction")
        (stored,) = cursor.fetchone()
    return {
        "backend": backend,
        "rows": rows,
        "stored": stored,
        "import_seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "overlap_import_seconds": round(overlap_seconds, 2),
        "overlap_rows_per_second": round(rows / overlap_seconds),
        "pandas_parse_seconds": round(parse_seconds, 2),
        "import_over_parse": round(seconds / parse_seconds, 1),
        "rss_before_mb": round(rss_before),
        "peak_rss_mb": round(rss_peak),
        "peak_growth_mb": round(rss_peak - rss_before),
        "file_mb": round(paths["interactions"].stat().st_size / 2**20, 1),
    }


def parse_time(path: Path, rows: int | None) -> float:
    """Seconds for pandas to merely parse the file (every column as text, all at once)."""
    t0 = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    seconds = time.perf_counter() - t0
    assert rows is None or len(frame) == rows
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows instead of 1,000,000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.folder))))
        return

    rows = 100_000 if args.quick else 1_000_000
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        generate(folder, rows)
        print(f"generated {rows:,} interaction rows in {time.perf_counter() - t0:.1f} s")
        for backend in args.backends.split(","):
            env = dict(os.environ, VAR_DIR=str(folder / "var"))
            if backend == "postgresql":
                reset_postgres(POSTGRES_URL)
                env["DATABASE_URL"] = POSTGRES_URL
            else:
                env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
            command = [sys.executable, "-m", "tests.bench.bench_ingest", "--child", backend]
            out = subprocess.run(
                [*command, "--folder", str(folder)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if out.returncode:
                sys.exit(f"the {backend} child failed:\n{out.stderr}")
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))

    header = f"{'backend':<11}{'rows':>10}{'import s':>10}{'rows/s':>10}{'x parse':>9}{'overlap s':>11}{'peak MB':>9}{'growth MB':>11}"
    print(header)
    for r in results:
        print(
            f"{r['backend']:<11}{r['rows']:>10,}{r['import_seconds']:>10}{r['rows_per_second']:>10,}"
            f"{r['import_over_parse']:>9}{r['overlap_import_seconds']:>11}{r['peak_rss_mb']:>9}"
            f"{r['peak_growth_mb']:>11}"
        )
    print(f"baseline: pandas.read_csv of the same file, {results[0]['pandas_parse_seconds']} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "ingest",
                "quick": args.quick,
                "python": platform.python_version(),
                "pandas": pd.__version__,
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
